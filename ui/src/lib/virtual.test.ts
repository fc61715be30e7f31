import { describe, expect, it } from "vitest";
import { rowWindow } from "./virtual";

describe("rowWindow", () => {
  it("renders the rows in view plus the margin, and pads the rest", () => {
    const w = rowWindow(0, 300, 30, 400, 5);
    expect(w).toEqual({ start: 0, end: 16, padTop: 0, padBottom: (400 - 16) * 30 });
  });
  it("follows the scroll position", () => {
    const w = rowWindow(3000, 300, 30, 400, 5);
    expect(w.start).toBe(95);
    expect(w.end).toBe(116);
    expect(w.padTop + (w.end - w.start) * 30 + w.padBottom).toBe(400 * 30);
  });
  it("stops at the end and copes with an empty list", () => {
    const w = rowWindow(1e9, 300, 30, 400, 5);
    expect(w.end).toBe(400);
    expect(w.padBottom).toBe(0);
    expect(rowWindow(0, 300, 30, 0)).toEqual({ start: 0, end: 0, padTop: 0, padBottom: 0 });
  });
});
