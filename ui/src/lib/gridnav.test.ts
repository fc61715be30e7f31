import { describe, expect, it } from "vitest";
import { move } from "./gridnav";

describe("grid keyboard movement", () => {
  const at = (row: number, column: number) => ({ row, column });
  it("moves with arrows and Enter, and stops at the edges", () => {
    expect(move(at(1, 1), "ArrowDown", false, 3, 3)).toEqual(at(2, 1));
    expect(move(at(2, 1), "ArrowDown", false, 3, 3)).toEqual(at(2, 1));
    expect(move(at(0, 0), "ArrowUp", false, 3, 3)).toEqual(at(0, 0));
    expect(move(at(1, 2), "Enter", false, 3, 3)).toEqual(at(2, 2));
    expect(move(at(1, 2), "Enter", true, 3, 3)).toEqual(at(0, 2));
  });
  it("Tab walks along the row and wraps", () => {
    expect(move(at(0, 2), "Tab", false, 3, 3)).toEqual(at(1, 0));
    expect(move(at(1, 0), "Tab", true, 3, 3)).toEqual(at(0, 2));
    expect(move(at(2, 2), "Tab", false, 3, 3)).toEqual(at(2, 2));
  });
  it("leaves left and right to the text field", () => {
    expect(move(at(0, 0), "ArrowLeft", false, 3, 3)).toBeNull();
    expect(move(at(0, 0), "a", false, 3, 3)).toBeNull();
  });
});
