// Small pure rules the planning forms use; the core checks everything again on save.
import type { GoalChoice } from "../generated/GoalChoice";
import type { GoalLevel } from "../generated/GoalLevel";
import type { OrgUnit } from "../generated/OrgUnit";

const RANK: Record<GoalLevel, number> = { kf: 3, namnd: 2, enhet: 1 };

/** Goals a goal of `level` may link up to: those of a higher level, never itself. */
export function parentChoices(goals: readonly GoalChoice[], level: GoalLevel, self: number | null): GoalChoice[] {
  return goals.filter((g) => g.id !== self && RANK[g.level] > RANK[level]);
}

/**
 * A number typed the Swedish way ("12,5", "1 200", "−3") or the English way ("12.5").
 * Returns null for empty text and NaN for text that is not a number.
 */
export function parseDecimal(text: string): number | null {
  const t = text
    .trim()
    .replace(/[\s\u00a0\u202f]/g, "")
    .replace("−", "-")
    .replace(",", ".");
  if (t === "") return null;
  return /^-?(\d+(\.\d*)?|\.\d+)$/.test(t) ? Number(t) : Number.NaN;
}

/** A number shown for editing: decimal comma in Swedish, no thousands separator. */
export function editableNumber(value: number | null, language: "sv" | "en"): string {
  if (value === null) return "";
  const s = String(value);
  return language === "sv" ? s.replace(".", ",") : s;
}

/** Units a unit may be moved under: active ones outside its own branch. */
export function moveTargets(units: readonly OrgUnit[], branch: readonly number[]): OrgUnit[] {
  return units.filter((u) => u.active && !branch.includes(u.id));
}

/** `ids` with `id` added (`on`) or taken out, each id once. */
export function withId(ids: readonly number[], id: number, on: boolean): number[] {
  const rest = ids.filter((x) => x !== id);
  return on ? [...rest, id] : rest;
}
