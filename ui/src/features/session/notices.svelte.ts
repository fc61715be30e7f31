// The window's status line: what the last change or undo did, in words, or why it failed.
// A notice belongs to the view it was said in (unit and tab): moving to another view clears
// it. A confirmation fades by itself; an error stays until it is dismissed or the view changes.
import type { AppError } from "../../lib/ipc";
import { toAppError } from "../../lib/api";

/** How long a confirmation stays before it fades. */
export const CONFIRMATION_MS = 6000;

export class Notices {
  text = $state<string | null>(null);
  error = $state<AppError | null>(null);
  #view: string | null = null;
  #timer: ReturnType<typeof setTimeout> | null = null;

  readonly fadeMs: number;

  constructor(fadeMs = CONFIRMATION_MS) {
    this.fadeMs = fadeMs;
  }

  say(text: string): void {
    this.text = text;
    this.error = null;
    this.#fadeLater();
  }

  fail(raw: unknown): void {
    this.error = toAppError(raw);
    this.text = null;
    this.#stopTimer();
  }

  dismiss(): void {
    this.text = null;
    this.#stopTimer();
  }

  dismissError(): void {
    this.error = null;
  }

  /** The window now shows `view` (unit and tab): what was said about another view goes. */
  showing(view: string): void {
    if (this.#view !== null && this.#view !== view) {
      this.dismiss();
      this.dismissError();
    }
    this.#view = view;
  }

  #fadeLater(): void {
    this.#stopTimer();
    this.#timer = setTimeout(() => {
      this.text = null;
      this.#timer = null;
    }, this.fadeMs);
  }

  #stopTimer(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }
}
