// Where keyboard focus goes: into a dialog and around inside it, back to what opened it, to the
// view a change landed in, and to the field whose error stopped a save. The pure rules (which
// index Tab or an arrow key moves to) are apart from the DOM so they can be tested.

import { tick } from "svelte";
import type { AppError } from "./ipc";

const FOCUSABLE = [
  "a[href]",
  "button:not([disabled])",
  "input:not([disabled]):not([type=hidden])",
  "select:not([disabled])",
  "textarea:not([disabled])",
  "[tabindex]:not([tabindex='-1'])",
].join(",");

/** Where Tab (or Shift+Tab, `back`) goes from `index` among `count` stops: round, never out. */
export function wrapIndex(index: number, count: number, back: boolean): number {
  if (count === 0) return -1;
  if (index < 0) return back ? count - 1 : 0;
  return (index + (back ? count - 1 : 1)) % count;
}

/**
 * The index a list key moves to among `count` items (a tree's visible items, a row of tabs):
 * `prev`/`next` stop at the ends, `first`/`last` are Home/End.
 */
export function moveIndex(index: number, count: number, move: "prev" | "next" | "first" | "last"): number {
  if (count === 0) return -1;
  switch (move) {
    case "first":
      return 0;
    case "last":
      return count - 1;
    case "prev":
      return Math.max(0, index - 1);
    case "next":
      return Math.min(count - 1, index + 1);
  }
}

/** The elements in `root` that Tab can reach, in order (hidden ones left out). */
export function focusables(root: HTMLElement): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((el) => el.getClientRects().length > 0);
}

/**
 * The element a dialog starts in: one marked `data-autofocus` (a confirmation starts on its
 * safe button), else the first field, else the first button that is not the close cross.
 */
export function firstField(root: HTMLElement): HTMLElement | null {
  const all = focusables(root);
  return (
    all.find((el) => el.hasAttribute("data-autofocus")) ??
    all.find((el) => ["INPUT", "SELECT", "TEXTAREA"].includes(el.tagName)) ??
    all.find((el) => !el.classList.contains("close")) ??
    all[0] ??
    null
  );
}

// Focus asked for by a save or a search choice, waiting for its view to show the element.
let wanted: { selector: string; until: number } | null = null;

/**
 * Move focus to the element `selector` names as soon as it is on screen (the view reloads after
 * a change, so it may not exist yet). A dialog closing meanwhile leaves focus to this request.
 */
export function focusWhenShown(selector: string, withinMs = 5000): void {
  const request = { selector, until: Date.now() + withinMs };
  wanted = request;
  const tick = (): void => {
    if (wanted !== request) return;
    const el = document.querySelector<HTMLElement>(selector);
    if (el && el.getClientRects().length > 0 && !document.querySelector("[role=dialog]")) {
      wanted = null;
      el.focus({ preventScroll: true });
      el.scrollIntoView({ block: "nearest" });
      return;
    }
    if (Date.now() > request.until) {
      wanted = null;
      return;
    }
    setTimeout(tick, 50);
  };
  setTimeout(tick, 0);
}

// Open modals, the newest last: only the newest traps focus and answers Escape.
const modals: HTMLElement[] = [];

// The control last clicked: some engines (WebKit on macOS) do not focus a button on click, so
// the opener of a dialog is what was clicked when nothing has focus.
let lastClicked: HTMLElement | null = null;
if (typeof document !== "undefined") {
  document.addEventListener(
    "pointerdown",
    (e) => {
      lastClicked = e.target instanceof Element ? e.target.closest<HTMLElement>(FOCUSABLE) : null;
    },
    true,
  );
}

/** True when `node` is the newest open modal. */
export function isTopModal(node: HTMLElement): boolean {
  return modals[modals.length - 1] === node;
}

/**
 * A Svelte action for a modal dialog: it starts in its first field (every time, not only the
 * first dialog of a session as `autofocus` does), keeps Tab inside, and gives focus back to
 * what opened it when it closes, unless a save asked for focus elsewhere (`focusWhenShown`).
 */
export function modal(node: HTMLElement): { destroy(): void } {
  const active = document.activeElement;
  const opener = active instanceof HTMLElement && active !== document.body ? active : lastClicked;
  modals.push(node);
  const start = (): void => {
    if (!node.contains(document.activeElement)) (firstField(node) ?? node).focus();
  };
  // The dialog's contents may still be rendering (a list read after opening): start after paint.
  requestAnimationFrame(start);

  const keydown = (e: KeyboardEvent): void => {
    if (e.key !== "Tab" || !isTopModal(node)) return;
    const stops = focusables(node);
    if (stops.length === 0) {
      e.preventDefault();
      return;
    }
    const at = stops.indexOf(document.activeElement as HTMLElement);
    const first = at === 0 && e.shiftKey;
    const last = at === stops.length - 1 && !e.shiftKey;
    if (at < 0 || first || last) {
      e.preventDefault();
      stops[wrapIndex(at, stops.length, e.shiftKey)]?.focus();
    }
  };
  // Focus that escapes anyway (a click on the page behind, a script) is brought back.
  const focusin = (e: FocusEvent): void => {
    if (isTopModal(node) && e.target instanceof Node && !node.contains(e.target)) start();
  };
  node.addEventListener("keydown", keydown);
  document.addEventListener("focusin", focusin);

  return {
    destroy() {
      node.removeEventListener("keydown", keydown);
      document.removeEventListener("focusin", focusin);
      const at = modals.indexOf(node);
      if (at >= 0) modals.splice(at, 1);
      if (wanted) return;
      const under = modals[modals.length - 1];
      if (opener?.isConnected) opener.focus();
      else if (under) (firstField(under) ?? under).focus();
    },
  };
}

/**
 * Show the field a refused save named: scroll it into view and put focus in it. The invalid
 * input (`aria-invalid`) wins; else the first input beside the error message (a group such as
 * the targets table); else the message itself is scrolled to.
 */
export function revealError(root: HTMLElement): void {
  const invalid = root.querySelector<HTMLElement>("[aria-invalid='true']");
  const message = root.querySelector<HTMLElement>(".field-error");
  const group = message?.closest("fieldset, label, .field-group");
  const target = invalid ?? group?.querySelector<HTMLElement>("input, select, textarea") ?? null;
  const shown = target ?? message ?? root.querySelector<HTMLElement>("[data-testid=form-problem]");
  if (!shown) return;
  // The message sits under the field: bring both into view.
  (message ?? shown).scrollIntoView({ block: "nearest" });
  shown.scrollIntoView({ block: "nearest" });
  target?.focus({ preventScroll: true });
}

/**
 * An attachment for a form: whenever `error` changes to a refusal, show where (`revealError`).
 * Use as `{@attach revealOn(error)}`; it runs again for each new refusal, the same one included.
 */
export function revealOn(error: AppError | null): (node: HTMLElement) => void {
  return (node) => {
    // Once per refusal: a form re-rendering later must never pull focus away from typing.
    if (!error || revealed.has(error)) return;
    revealed.add(error);
    // After this update is in the page (not a frame later: frames can wait while keys arrive),
    // and only if the person has not already moved on to another field.
    const before = document.activeElement;
    void tick().then(() => {
      const now = document.activeElement;
      const movedOn = now !== before && now instanceof HTMLElement && now.matches("input, select, textarea");
      if (!movedOn) revealError(node);
    });
  };
}
const revealed = new WeakSet<AppError>();

/**
 * A required field left empty, found before the form is sent: the browser's own message is
 * English whatever the window's language, so forms are `novalidate` and ask this instead.
 */
export function missingRequired(form: HTMLElement, message: string): AppError | null {
  for (const el of form.querySelectorAll<HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement>("[required]")) {
    if (el.value.trim() === "")
      return { code: "validation", message, ...(el.dataset.field ? { field: el.dataset.field } : {}) };
  }
  return null;
}
