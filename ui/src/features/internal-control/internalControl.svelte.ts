// Intern kontroll of a nämnd: the year's plan (risks scored by probability and consequence,
// the risk matrix, controls of the chosen risks) and the chosen period's follow-up per control.
import type { ControlPlanView } from "../../generated/ControlPlanView";
import type { RiskLevel } from "../../generated/RiskLevel";
import { api } from "../../lib/api";
import type { Table } from "../../lib/changes";
import { Loaded } from "../../lib/view.svelte";

/** The plan, its risks and controls, their follow-up, the unit and the period (its lock). */
export const INTERNAL_CONTROL_TABLES: readonly Table[] = [
  "control_plan",
  "control_risk",
  "control",
  "control_follow_up",
  "org_unit",
  "follow_up_period",
];

export const internalControlPlan = (
  unitId: () => number,
  year: () => number,
  periodId: () => number,
): Loaded<ControlPlanView> =>
  new Loaded(INTERNAL_CONTROL_TABLES, () => api.internalControlPlan(unitId(), year(), periodId()));

/** The risk level's token name (its own colours, never the traffic light's). */
export function riskToken(level: RiskLevel): string {
  return level === "very_high" ? "very-high" : level;
}

/** The level of a risk value P × K: 1–3 low, 4–6 medium, 8–9 high, 12–16 very high (as the core). */
export function levelOf(value: number): RiskLevel {
  if (value <= 3) return "low";
  if (value <= 6) return "medium";
  if (value <= 9) return "high";
  return "very_high";
}
