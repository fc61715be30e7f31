// The one module that calls into Tauri. Every other module imports from here, so the
// IPC surface is visible in one place and its types come from Rust (src/generated/).
import { invoke } from "@tauri-apps/api/core";
import type { AppError } from "../generated/AppError";
import type { ErrorCode } from "../generated/ErrorCode";
import type { PlanYear } from "../generated/PlanYear";
import type { Scorecard } from "../generated/Scorecard";
import type { UnitNode } from "../generated/UnitNode";
import type { AppInfo } from "../generated/AppInfo";

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
};
