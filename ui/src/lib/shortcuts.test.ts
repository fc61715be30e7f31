import { describe, expect, it } from "vitest";
import { shortcutFor } from "./shortcuts";

const key = (k: string, target: unknown = { tagName: "BUTTON" }, extra: Partial<KeyboardEvent> = {}) => ({
  ctrlKey: true,
  metaKey: false,
  shiftKey: false,
  key: k,
  target,
  ...extra,
});

describe("shortcutFor", () => {
  it("opens the search with Ctrl+K anywhere, even in a text field or a dialog", () => {
    expect(shortcutFor(key("k", { tagName: "INPUT" }), true)).toBe("search");
    expect(shortcutFor(key("K", null, { ctrlKey: false, metaKey: true }), false)).toBe("search");
  });

  it("undoes the last change with Ctrl+Z outside text fields and dialogs", () => {
    expect(shortcutFor(key("z"), false)).toBe("undo");
    expect(shortcutFor(key("z", { tagName: "TEXTAREA" }), false)).toBeNull();
    expect(shortcutFor(key("z", { tagName: "DIV", isContentEditable: true }), false)).toBeNull();
    expect(shortcutFor(key("z"), true)).toBeNull();
    expect(shortcutFor(key("z", undefined, { shiftKey: true }), false)).toBeNull();
  });

  it("zooms with Ctrl and plus, minus or 0 anywhere, on a Swedish or an English keyboard", () => {
    expect(shortcutFor(key("+", { tagName: "INPUT" }), true)).toBe("zoom-in");
    expect(shortcutFor(key("="), false)).toBe("zoom-in");
    expect(shortcutFor(key("x", undefined, { code: "NumpadAdd" }), false)).toBe("zoom-in");
    expect(shortcutFor(key("-"), false)).toBe("zoom-out");
    expect(shortcutFor(key("0"), true)).toBe("zoom-reset");
    expect(shortcutFor(key("+", undefined, { ctrlKey: false }), false)).toBeNull();
  });

  it("ignores the keys without Ctrl or ⌘", () => {
    expect(shortcutFor(key("z", undefined, { ctrlKey: false }), false)).toBeNull();
  });
});
