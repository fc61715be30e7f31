// A unit's grunduppdrag and tjänstegarantier of a plan year, with a period's follow-up: the
// scorecard shows them (and the follow-up), the Styrmodell tab edits them.
import type { UnitMissionView } from "../../generated/UnitMissionView";
import { api } from "../../lib/api";
import type { Table } from "../../lib/changes";
import { Loaded } from "../../lib/view.svelte";

/** The grunduppdrag, the guarantees, their follow-up and the period (its lock). */
export const MISSION_TABLES: readonly Table[] = [
  "unit_mission",
  "service_guarantee",
  "service_guarantee_follow_up",
  "follow_up_period",
];

export const unitMissions = (params: () => { unitId: number; year: number; periodId: number | null }) =>
  new Loaded<UnitMissionView>(MISSION_TABLES, () => {
    const { unitId, year, periodId } = params();
    return api.unitMissions(unitId, year, periodId);
  });
