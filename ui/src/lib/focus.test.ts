import { describe, expect, it } from "vitest";
import { moveIndex, wrapIndex } from "./focus";

describe("wrapIndex (Tab inside a dialog)", () => {
  it("goes round at both ends and never leaves", () => {
    expect(wrapIndex(0, 3, false)).toBe(1);
    expect(wrapIndex(2, 3, false)).toBe(0);
    expect(wrapIndex(0, 3, true)).toBe(2);
    expect(wrapIndex(1, 3, true)).toBe(0);
  });
  it("starts at the first (or, backwards, the last) stop when focus is outside", () => {
    expect(wrapIndex(-1, 4, false)).toBe(0);
    expect(wrapIndex(-1, 4, true)).toBe(3);
    expect(wrapIndex(-1, 0, false)).toBe(-1);
  });
});

describe("moveIndex (tree and tabs keys)", () => {
  it("stops at the ends for the arrows and jumps for Home/End", () => {
    expect(moveIndex(0, 5, "prev")).toBe(0);
    expect(moveIndex(4, 5, "next")).toBe(4);
    expect(moveIndex(2, 5, "next")).toBe(3);
    expect(moveIndex(2, 5, "prev")).toBe(1);
    expect(moveIndex(2, 5, "first")).toBe(0);
    expect(moveIndex(2, 5, "last")).toBe(4);
    expect(moveIndex(0, 0, "next")).toBe(-1);
  });
});
