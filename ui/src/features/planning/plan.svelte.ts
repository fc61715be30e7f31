// The Styrmodell tab: one unit's steering model for a plan year.
import type { UnitPlan } from "../../generated/UnitPlan";
import { api } from "../../lib/api";
import { PLANNING_TABLES, type Table } from "../../lib/changes";
import { Loaded } from "../../lib/view.svelte";

/** The plan page shows the model only: never values, assessments or Kolada. */
export const PLAN_TABLES: readonly Table[] = PLANNING_TABLES;

export const unitPlan = (params: () => { unitId: number; year: number }) =>
  new Loaded<UnitPlan>(PLAN_TABLES, () => {
    const { unitId, year } = params();
    return api.unitPlan(unitId, year);
  });
