// Default choices the window makes for the user. Pure, so they are tested with plain data.
import type { PlanYear } from "../generated/PlanYear";

/** The plan year of `today` if it exists, else the latest year before it, else the first. */
export function chooseYear(years: readonly PlanYear[], today: string): number | null {
  if (years.length === 0) return null;
  const current = Number(today.slice(0, 4));
  const sorted = [...years].map((y) => y.year).sort((a, b) => a - b);
  const notLater = sorted.filter((y) => y <= current);
  return notLater.length > 0 ? (notLater[notLater.length - 1] ?? null) : (sorted[0] ?? null);
}
