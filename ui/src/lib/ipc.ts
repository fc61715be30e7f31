// The one place the window invokes a command. The typed client that uses it,
// `src/generated/commands.ts`, is generated from the Rust declarations; import `api` from
// `lib/api.ts`.
import { invoke } from "@tauri-apps/api/core";
import type { AppError as CoreError } from "../generated/AppError";
import type { ErrorCode } from "../generated/ErrorCode";
import { translate, type Language } from "./i18n";
import { locale } from "./locale.svelte";

/**
 * An error as the window shows it: `{code, message, field}` with `message` in the window's
 * language. The core sends its message in Swedish (`message`) and English (`message_en`);
 * `toAppError` picks one.
 */
export type AppError = Omit<CoreError, "message_en">;

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
  "permission_denied",
  "disconnected",
  "internal",
];

/**
 * Turn whatever a failed call rejected with into the `{code, message, field}` shape, the
 * message in `language` (the window's, unless told).
 */
export function toAppError(raw: unknown, language: Language = locale.language): AppError {
  if (typeof raw === "object" && raw !== null && "code" in raw && "message" in raw) {
    const { code, message, message_en, field } = raw as {
      code: unknown;
      message: unknown;
      message_en?: unknown;
      field?: unknown;
    };
    if (typeof message === "string" && ERROR_CODES.includes(code as ErrorCode)) {
      const shown = language === "en" && typeof message_en === "string" && message_en !== "" ? message_en : message;
      return typeof field === "string"
        ? { code: code as ErrorCode, message: shown, field }
        : { code: code as ErrorCode, message: shown };
    }
  }
  return { code: "internal", message: typeof raw === "string" ? raw : translate(language, "error.unknown") };
}

/** Invoke a command; a failure rejects with an `AppError`. */
export async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (raw) {
    throw toAppError(raw);
  }
}
