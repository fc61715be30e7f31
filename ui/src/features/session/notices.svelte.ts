// The window's status line: what the last change or undo did, in words, or why it failed.
import type { AppError } from "../../generated/AppError";
import { toAppError } from "../../lib/api";

export class Notices {
  text = $state<string | null>(null);
  error = $state<AppError | null>(null);

  say(text: string): void {
    this.text = text;
    this.error = null;
  }

  fail(raw: unknown): void {
    this.error = toAppError(raw);
    this.text = null;
  }

  dismiss(): void {
    this.text = null;
  }
}
