// The one module that calls into Tauri. Every other module imports from here, so the
// IPC surface is visible in one place and its types come from Rust (src/generated/).
import { invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import type { ExchangePreview } from "../generated/ExchangePreview";
import type { ExchangeOutcome } from "../generated/ExchangeOutcome";
import type { ConflictResolution } from "../generated/ConflictResolution";
import type { StartChecksDone } from "../generated/StartChecksDone";
import type { KoladaFetchPlan } from "../generated/KoladaFetchPlan";
import type { KoladaFetchResult } from "../generated/KoladaFetchResult";
import type { KoladaFetchStatus } from "../generated/KoladaFetchStatus";
import type { AppError } from "../generated/AppError";
import type { ErrorCode } from "../generated/ErrorCode";
import type { PlanYear } from "../generated/PlanYear";
import type { Scorecard } from "../generated/Scorecard";
import type { UnitNode } from "../generated/UnitNode";
import type { AppInfo } from "../generated/AppInfo";
import type { ActivityStatus } from "../generated/ActivityStatus";
import type { AssessmentState } from "../generated/AssessmentState";
import type { Completeness } from "../generated/Completeness";
import type { PasteOutcome } from "../generated/PasteOutcome";
import type { PasteTarget } from "../generated/PasteTarget";
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
import type { UnitPlan } from "../generated/UnitPlan";
import type { UnitKind } from "../generated/UnitKind";
import type { CopyPreview } from "../generated/CopyPreview";
import type { GoalForm } from "../generated/GoalForm";
import type { IndicatorForm } from "../generated/IndicatorForm";
import type { ActivityForm } from "../generated/ActivityForm";
import type { DeleteGoalPreview } from "../generated/DeleteGoalPreview";
import type { ActivityDeletePreview } from "../generated/ActivityDeletePreview";
import type { UndoableChange } from "../generated/UndoableChange";
import type { KpiChoice } from "../generated/KpiChoice";

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
    const { code, message, field } = raw as { code: unknown; message: unknown; field?: unknown };
    if (typeof message === "string" && ERROR_CODES.includes(code as ErrorCode)) {
      return typeof field === "string"
        ? { code: code as ErrorCode, message, field }
        : { code: code as ErrorCode, message };
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
  pasteCells: (unitId: number, year: number, target: PasteTarget, text: string) =>
    call<PasteOutcome>("paste_cells", { unitId, year, target, text }),
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
  restoreBackup: (fileName: string, otherDatabase: boolean) =>
    call<RestoreOutcome>("restore_backup", { fileName, otherDatabase }),
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
  redThread: (year: number, periodId: number, focus: number | null) =>
    call<RedThread>("red_thread", { year, periodId, focus }),
  exportValueTemplate: (unitId: number, periodId: number) =>
    call<ExportOutcome | null>("export_value_template", { unitId, periodId }),
  readValueTemplate: () => call<TemplatePreview | null>("read_value_template"),
  applyValueTemplate: () => call<number>("apply_value_template"),
  search: (query: string) => call<SearchHit[]>("search", { query }),
  unitPlan: (unitId: number, year: number) => call<UnitPlan>("unit_plan", { unitId, year }),
  addUnit: (parentId: number, kind: UnitKind, name: string) => call<number>("add_unit", { parentId, kind, name }),
  renameUnit: (id: number, name: string) => call<null>("rename_unit", { id, name }),
  moveUnit: (id: number, parentId: number) => call<null>("move_unit", { id, parentId }),
  setUnitActive: (id: number, active: boolean) => call<null>("set_unit_active", { id, active }),
  startPlanYear: (year: number, vision: string) => call<null>("start_plan_year", { year, vision }),
  copyPreview: (from: number, to: number) => call<CopyPreview>("copy_preview", { from, to }),
  copyPlanYear: (from: number, to: number) => call<number>("copy_plan_year", { from, to }),
  setVision: (year: number, vision: string) => call<null>("set_vision", { year, vision }),
  createPerspective: (year: number, name: string) => call<number>("create_perspective", { year, name }),
  renamePerspective: (id: number, name: string, description: string) =>
    call<null>("rename_perspective", { id, name, description }),
  movePerspective: (id: number, up: boolean) => call<null>("move_perspective", { id, up }),
  removePerspective: (id: number) => call<null>("remove_perspective", { id }),
  setScaleSteps: (year: number, steps: number) => call<null>("set_scale_steps", { year, steps }),
  setScaleStep: (year: number, step: number, label: string, colour: string) =>
    call<null>("set_scale_step", { year, step, label, colour }),
  saveGoal: (form: GoalForm) => call<number>("save_goal", { form }),
  deleteGoalPreview: (id: number) => call<DeleteGoalPreview>("delete_goal_preview", { id }),
  deleteGoal: (id: number) => call<null>("delete_goal", { id }),
  saveIndicator: (form: IndicatorForm) => call<number>("save_indicator", { form }),
  setIndicatorActive: (id: number, active: boolean) => call<null>("set_indicator_active", { id, active }),
  saveActivity: (form: ActivityForm) => call<number>("save_activity", { form }),
  activityDeletePreview: (id: number) => call<ActivityDeletePreview>("activity_delete_preview", { id }),
  deleteActivity: (id: number) => call<null>("delete_activity", { id }),
  undoableChanges: () => call<UndoableChange[]>("undoable_changes"),
  undoLast: () => call<string>("undo_last"),
  searchKpis: (query: string) => call<KpiChoice[]>("search_kpis", { query }),
  setUserName: (name: string) => call<string>("set_user_name", { name }),
  koladaFetchPlan: () => call<KoladaFetchPlan>("kolada_fetch_plan"),
  fetchKolada: (plan: KoladaFetchPlan) => call<KoladaFetchResult>("fetch_kolada", { plan }),
  cancelKoladaFetch: () => call<null>("cancel_kolada_fetch"),
  /** Progress of a running Kolada fetch; call the returned function to stop listening. */
  onKoladaProgress: (handle: (status: KoladaFetchStatus) => void): Promise<UnlistenFn> =>
    listen<KoladaFetchStatus>("kolada-progress", (event) => handle(event.payload)),
  /** Tables a command changed (SQLite names), after every command that wrote; call the returned function to stop listening. */
  onDataChanged: (handle: (tables: string[]) => void): Promise<UnlistenFn> =>
    listen<{ tables: string[] }>("data-changed", (event) => handle(event.payload.tables)),
  finishStartChecks: () => call<StartChecksDone>("finish_start_checks"),
  scorecardPainted: (pageMs: number) => call<null>("scorecard_painted", { pageMs }),
  exportExchangeFile: (unitId: number, periodId: number) =>
    call<ExportOutcome | null>("export_exchange_file", { unitId, periodId }),
  readExchangeFiles: () => call<ExchangePreview | null>("read_exchange_files"),
  applyExchange: (resolutions: ConflictResolution[]) => call<ExchangeOutcome>("apply_exchange", { resolutions }),
  setPeriodDeadline: (periodId: number, deadline: string | null) =>
    call<null>("set_period_deadline", { periodId, deadline }),
};
