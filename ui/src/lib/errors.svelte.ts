// One error path for the window: a failed call becomes an AppError (`toAppError` keeps the
// core's `{code, message, field}` and wraps anything else as `internal`), held where the view
// shows it.
import type { AppError } from "./ipc";
import { toAppError } from "./api";

/** The message of whatever a failed call rejected with. */
export function messageOf(raw: unknown): string {
  return toAppError(raw).message;
}

/** The error of the last call a view made, or null after one succeeded. */
export class LastError {
  current = $state<AppError | null>(null);

  /** Run `call`: its failure becomes `current`, its success clears it. True when it succeeded. */
  async run(call: () => Promise<unknown>): Promise<boolean> {
    try {
      await call();
      this.current = null;
      return true;
    } catch (raw) {
      this.current = toAppError(raw);
      return false;
    }
  }

  fail(raw: unknown): void {
    this.current = toAppError(raw);
  }

  clear(): void {
    this.current = null;
  }
}
