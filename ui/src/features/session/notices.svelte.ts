// The window's status line: what the last change or undo did, in words, or why it failed.
// A notice belongs to the view it was said in (unit and tab): moving to another view clears
// it. A confirmation fades by itself, unless it offers something to do (the export's "Öppna"),
// which stays until it is dismissed, replaced or the view changes; an error stays until it is
// dismissed or the view changes. Views with results of their own (export, Excel template,
// exchange files) say them here too, so no message ever pushes a view down.
import type { AppError } from "../../lib/ipc";
import { toAppError } from "../../lib/api";

/** How long a confirmation stays before it fades. */
export const CONFIRMATION_MS = 6000;

/** Something a confirmation offers to do next, as a link button beside it. */
export interface NoticeAction {
  label: string;
  run: () => void;
  testid?: string;
}

export class Notices {
  text = $state<string | null>(null);
  action = $state<NoticeAction | null>(null);
  error = $state<AppError | null>(null);
  #view: string | null = null;
  #timer: ReturnType<typeof setTimeout> | null = null;

  readonly fadeMs: number;

  constructor(fadeMs = CONFIRMATION_MS) {
    this.fadeMs = fadeMs;
  }

  say(text: string, action: NoticeAction | null = null): void {
    this.text = text;
    this.action = action;
    this.error = null;
    if (action) this.#stopTimer();
    else this.#fadeLater();
  }

  fail(raw: unknown): void {
    this.error = toAppError(raw);
    this.text = null;
    this.action = null;
    this.#stopTimer();
  }

  dismiss(): void {
    this.text = null;
    this.action = null;
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
      this.action = null;
      this.#timer = null;
    }, this.fadeMs);
  }

  #stopTimer(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }
}
