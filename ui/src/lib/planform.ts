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

/**
 * Goals to offer in a link list: those of the unit's own chain first, then the others, each in
 * the order given; `filter` keeps those whose code, title or owner holds all its words (any
 * case), and a ticked goal is always kept.
 */
export function chainFirst(
  goals: readonly GoalChoice[],
  filter: string,
  ticked: readonly number[],
): { chain: GoalChoice[]; others: GoalChoice[] } {
  const words = filter.toLocaleLowerCase("sv").split(/\s+/).filter(Boolean);
  const keep = (g: GoalChoice): boolean => {
    if (ticked.includes(g.id) || words.length === 0) return true;
    const text = `${g.code} ${g.title} ${g.owner_name}`.toLocaleLowerCase("sv");
    return words.every((w) => text.includes(w));
  };
  const shown = goals.filter(keep);
  return { chain: shown.filter((g) => g.in_chain), others: shown.filter((g) => !g.in_chain) };
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
