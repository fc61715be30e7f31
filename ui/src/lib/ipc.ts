// The one place the window invokes a command. The typed client that uses it,
// `src/generated/commands.ts`, is generated from the Rust declarations; import `api` from
// `lib/api.ts`.
import { invoke } from "@tauri-apps/api/core";
import type { AppError } from "../generated/AppError";
import type { ErrorCode } from "../generated/ErrorCode";

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

/** Invoke a command; a failure rejects with an `AppError`. */
export async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (raw) {
    throw toAppError(raw);
  }
}
