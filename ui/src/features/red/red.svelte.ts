// "Styr mot rött": the unit's red indicators, worst first or by biggest improvement.
import type { RedIndicator } from "../../generated/RedIndicator";
import type { RedOrder } from "../../generated/RedOrder";
import { api } from "../../lib/api";
import { STATUS_TABLES, type Table } from "../../lib/changes";
import { Loaded } from "../../lib/view.svelte";

/** Which indicators are red, with their goals and activities, follows from everything a status does. */
export const RED_TABLES: readonly Table[] = STATUS_TABLES;

export const redIndicators = (params: () => { unitId: number; periodId: number; order: RedOrder }) =>
  new Loaded<RedIndicator[]>(RED_TABLES, () => {
    const { unitId, periodId, order } = params();
    return api.redIndicators(unitId, periodId, order);
  });
