// The window's keyboard shortcuts, decided apart from the DOM so they can be tested.

export type Shortcut = "search" | "undo" | "zoom-in" | "zoom-out" | "zoom-reset";

/** Text fields keep their own Ctrl+Z (undo typing); elsewhere it undoes the last change. */
export function typingIn(target: { isContentEditable?: boolean; tagName?: string } | null): boolean {
  return !!target && (!!target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName ?? ""));
}

/**
 * Ctrl+K (⌘K) opens the search anywhere; Ctrl with plus (also = and the keypad's +), minus or 0
 * zooms the window anywhere; Ctrl+Z (⌘Z) undoes the last planning change unless
 * the key goes to a text field or a dialog is open.
 */
export function shortcutFor(
  e: { ctrlKey: boolean; metaKey: boolean; shiftKey: boolean; key: string; code?: string; target: unknown },
  dialogOpen: boolean,
): Shortcut | null {
  if (!(e.ctrlKey || e.metaKey)) return null;
  const key = e.key.toLowerCase();
  if (key === "k") return "search";
  if (key === "+" || key === "=" || e.code === "NumpadAdd") return "zoom-in";
  if (key === "-" || e.code === "NumpadSubtract") return "zoom-out";
  if (key === "0") return "zoom-reset";
  if (key === "z" && !e.shiftKey && !typingIn(e.target as Parameters<typeof typingIn>[0]) && !dialogOpen) {
    return "undo";
  }
  return null;
}
