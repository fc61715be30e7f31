// The one module that calls into Tauri. Every other module imports from here, so the
// IPC surface is visible in one place and its types come from Rust (src/generated/).
import { invoke } from "@tauri-apps/api/core";
import type { AppError } from "../generated/AppError";
import type { ErrorCode } from "../generated/ErrorCode";
import type { PlanYear } from "../generated/PlanYear";
import type { Scorecard } from "../generated/Scorecard";
import type { UnitNode } from "../generated/UnitNode";
import type { AppInfo } from "../generated/AppInfo";
import type { ActivityStatus } from "../generated/ActivityStatus";
import type { AssessmentState } from "../generated/AssessmentState";
import type { CellChange } from "../generated/CellChange";
import type { Completeness } from "../generated/Completeness";
import type { PasteOutcome } from "../generated/PasteOutcome";
import type { RedIndicator } from "../generated/RedIndicator";
import type { RedOrder } from "../generated/RedOrder";
import type { ReviewAction } from "../generated/ReviewAction";
import type { SeriesPoint } from "../generated/SeriesPoint";
import type { ValueGrid } from "../generated/ValueGrid";
import type { BackupEntry } from "../generated/BackupEntry";
import type { BackupPreview } from "../generated/BackupPreview";
import type { RestoreOutcome } from "../generated/RestoreOutcome";
import type { ExportOutcome } from "../generated/ExportOutcome";
import type { ReportKind } from "../generated/ReportKind";
import type { ReportSettings } from "../generated/ReportSettings";
import type { RedThread } from "../generated/RedThread";
import type { TemplatePreview } from "../generated/TemplatePreview";
import type { SearchHit } from "../generated/SearchHit";
import type { KoladaSettings } from "../generated/KoladaSettings";
import type { KoladaImportSummary } from "../generated/KoladaImportSummary";

const ERROR_CODES: readonly ErrorCode[] = [
  "not_found",
  "validation",
  "conflict",
  "period_locked",
  "io",
  "bad_file",
  "newer_database",
  "bad_database",
  "database_busy",
  "internal",
];

/** Turn whatever a failed call rejected with into the `{code, message}` shape. */
export function toAppError(raw: unknown): AppError {
  if (typeof raw === "object" && raw !== null && "code" in raw && "message" in raw) {
    const { code, message } = raw as { code: unknown; message: unknown };
    if (typeof message === "string" && ERROR_CODES.includes(code as ErrorCode)) {
      return { code: code as ErrorCode, message };
    }
  }
  return { code: "internal", message: typeof raw === "string" ? raw : "Okänt fel. Starta om Styrkort." };
}

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (raw) {
    throw toAppError(raw);
  }
}

export const api = {
  appInfo: () => call<AppInfo>("app_info"),
  unitTree: () => call<UnitNode[]>("unit_tree"),
  planYears: () => call<PlanYear[]>("plan_years"),
  scorecard: (unitId: number, year: number, periodId: number | null) =>
    call<Scorecard>("scorecard", { unitId, year, periodId }),
  valueGrid: (unitId: number, year: number) => call<ValueGrid>("value_grid", { unitId, year }),
  pasteCells: (unitId: number, year: number, row: number, column: number, text: string) =>
    call<PasteOutcome>("paste_cells", { unitId, year, row, column, text }),
  saveCells: (unitId: number, year: number, changes: CellChange[]) => call<ValueGrid>("save_cells", { unitId, year, changes }),
  saveAssessment: (goalId: number, unitId: number, periodId: number, step: number | null, analysis: string) =>
    call<null>("save_assessment", { goalId, unitId, periodId, step, analysis }),
  reviewAssessment: (goalId: number, unitId: number, periodId: number, action: ReviewAction) =>
    call<AssessmentState>("review_assessment", { goalId, unitId, periodId, action }),
  setActivityFollowUp: (activityId: number, periodId: number, status: ActivityStatus, comment: string) =>
    call<null>("set_activity_follow_up", { activityId, periodId, status, comment }),
  setPeriodLocked: (periodId: number, locked: boolean) => call<null>("set_period_locked", { periodId, locked }),
  completeness: (periodId: number) => call<Completeness>("completeness", { periodId }),
  redIndicators: (unitId: number, periodId: number, order: RedOrder) =>
    call<RedIndicator[]>("red_indicators", { unitId, periodId, order }),
  indicatorSeries: (indicatorId: number) => call<SeriesPoint[]>("indicator_series", { indicatorId }),
  backups: () => call<BackupPreview[]>("backups"),
  backUpNow: () => call<BackupEntry>("back_up_now"),
  restoreBackup: (fileName: string) => call<RestoreOutcome>("restore_backup", { fileName }),
  exportReport: (report: ReportKind, unitId: number, year: number, periodId: number) =>
    call<ExportOutcome | null>("export_report", { report, unitId, year, periodId }),
  openExport: () => call<null>("open_export"),
  ensureDefaultPeriods: (year: number) => call<number>("ensure_default_periods", { year }),
  createMonthPeriods: (year: number) => call<number>("create_month_periods", { year }),
  reportSettings: () => call<ReportSettings>("report_settings"),
  saveReportSettings: (settings: ReportSettings) => call<ReportSettings>("save_report_settings", { settings }),
  pickReportLogo: () => call<string | null>("pick_report_logo"),
  koladaSettings: () => call<KoladaSettings>("kolada_settings"),
  saveKoladaSettings: (settings: KoladaSettings) => call<null>("save_kolada_settings", { settings }),
  importKoladaFiles: () => call<KoladaImportSummary | null>("import_kolada_files"),
  redThread: (year: number, periodId: number, focus: number | null) => call<RedThread>("red_thread", { year, periodId, focus }),
  exportValueTemplate: (unitId: number, periodId: number) => call<ExportOutcome | null>("export_value_template", { unitId, periodId }),
  readValueTemplate: () => call<TemplatePreview | null>("read_value_template"),
  applyValueTemplate: () => call<number>("apply_value_template"),
  search: (query: string) => call<SearchHit[]>("search", { query }),
  setPeriodDeadline: (periodId: number, deadline: string | null) => call<null>("set_period_deadline", { periodId, deadline }),
};
