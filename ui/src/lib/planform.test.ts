import { describe, expect, it } from "vitest";
import type { GoalChoice } from "../generated/GoalChoice";
import type { OrgUnit } from "../generated/OrgUnit";
import { chainFirst, editableNumber, moveTargets, parentChoices, parseDecimal, withId } from "./planform";

const goal = (id: number, level: GoalChoice["level"]): GoalChoice => ({
  id,
  level,
  code: "",
  title: `Mål ${id}`,
  owner_name: "Nämnden",
  in_chain: false,
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

describe("chainFirst", () => {
  const own = {
    ...goal(1, "namnd"),
    code: "SN1",
    title: "Äldre ska vara trygga",
    owner_name: "Socialnämnden",
    in_chain: true,
  };
  const kf = { ...goal(2, "kf"), code: "KF2", title: "Trygg vård", owner_name: "Sjöbacka kommun", in_chain: true };
  const other = {
    ...goal(3, "namnd"),
    code: "BUN1",
    title: "Fler elever når målen",
    owner_name: "Barn- och utbildningsnämnden",
  };
  it("puts the unit's own chain first and the other units' goals after", () => {
    const { chain, others } = chainFirst([other, own, kf], "", []);
    expect(chain.map((g) => g.code)).toEqual(["SN1", "KF2"]);
    expect(others.map((g) => g.code)).toEqual(["BUN1"]);
  });
  it("filters on code, title and owner, every word, any case, and keeps ticked goals", () => {
    expect(chainFirst([other, own, kf], "trygg", []).chain.map((g) => g.code)).toEqual(["SN1", "KF2"]);
    expect(chainFirst([other, own, kf], "ELEVER barn", []).others.map((g) => g.code)).toEqual(["BUN1"]);
    expect(chainFirst([other, own, kf], "elever", [2]).chain.map((g) => g.code)).toEqual(["KF2"]);
  });
});
