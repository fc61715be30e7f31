// The completeness overview of a period: who has delivered what.
import type { Completeness } from "../../generated/Completeness";
import { api } from "../../lib/api";
import { FOLLOW_UP_TABLES, STEERING_FOLLOW_UP_TABLES, type Table } from "../../lib/changes";
import { Loaded } from "../../lib/view.svelte";

/** What is expected (the units, their goals, indicators and activities) and what was delivered. */
export const COMPLETENESS_TABLES: readonly Table[] = [
  ...FOLLOW_UP_TABLES,
  "org_unit",
  "goal",
  "indicator",
  "goal_indicator",
  "activity",
  "activity_goal",
  "report_text",
  "economy_operating",
  "economy_review",
  // Uppdrag, intern kontroll and tjänstegarantier, and their follow-up.
  "assignment",
  "control_plan",
  "control_risk",
  "control",
  "service_guarantee",
  ...STEERING_FOLLOW_UP_TABLES,
];

export const completeness = (periodId: () => number): Loaded<Completeness> =>
  new Loaded(COMPLETENESS_TABLES, () => api.completeness(periodId()));
