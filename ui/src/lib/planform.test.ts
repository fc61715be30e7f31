import { describe, expect, it } from "vitest";
import type { GoalChoice } from "../generated/GoalChoice";
import type { OrgUnit } from "../generated/OrgUnit";
import { editableNumber, moveTargets, parentChoices, parseDecimal, withId } from "./planform";

const goal = (id: number, level: GoalChoice["level"]): GoalChoice => ({
  id,
  level,
  code: "",
  title: `Mål ${id}`,
  owner_name: "Nämnden",
});

describe("parentChoices", () => {
  const goals = [goal(1, "kf"), goal(2, "namnd"), goal(3, "enhet"), goal(4, "namnd")];
  it("offers only higher levels to link to", () => {
    expect(parentChoices(goals, "enhet", 3).map((g) => g.id)).toEqual([1, 2, 4]);
    expect(parentChoices(goals, "namnd", 2).map((g) => g.id)).toEqual([1]);
    expect(parentChoices(goals, "kf", 1)).toEqual([]);
  });
});

describe("parseDecimal", () => {
  it("reads Swedish and English numbers", () => {
    expect(parseDecimal("12,5")).toBe(12.5);
    expect(parseDecimal("1 200")).toBe(1200);
    expect(parseDecimal("−3,25")).toBe(-3.25);
    expect(parseDecimal("85.5")).toBe(85.5);
  });
  it("tells empty from wrong", () => {
    expect(parseDecimal("  ")).toBeNull();
    expect(Number.isNaN(parseDecimal("8O"))).toBe(true);
    expect(Number.isNaN(parseDecimal("1,2,3"))).toBe(true);
  });
  it("round-trips what it shows", () => {
    expect(parseDecimal(editableNumber(12.5, "sv"))).toBe(12.5);
    expect(editableNumber(null, "sv")).toBe("");
  });
});

describe("moveTargets", () => {
  const unit = (id: number, active = true): OrgUnit => ({
    id,
    parent_id: null,
    kind: "enhet",
    name: `E${id}`,
    kolada_id: null,
    sort_order: 0,
    active,
  });
  it("leaves out the unit's own branch and inactive units", () => {
    expect(moveTargets([unit(1), unit(2), unit(3, false), unit(4)], [2, 4]).map((u) => u.id)).toEqual([1]);
  });
});

describe("withId", () => {
  it("adds once and removes", () => {
    expect(withId([1, 2], 3, true)).toEqual([1, 2, 3]);
    expect(withId([1, 2], 2, true)).toEqual([1, 2]);
    expect(withId([1, 2], 1, false)).toEqual([2]);
  });
});
