// The Agenda 2030 tab: per global goal the goals and indicators tagged with it.
import type { Agenda2030View } from "../../generated/Agenda2030View";
import { api } from "../../lib/api";
import { STATUS_TABLES, type Table } from "../../lib/changes";
import { Loaded } from "../../lib/view.svelte";

/** The tags, and everything a goal's status is computed from. */
export const AGENDA_TABLES: readonly Table[] = STATUS_TABLES;

export const agenda2030 = (params: () => { year: number; periodId: number }) =>
  new Loaded<Agenda2030View>(AGENDA_TABLES, () => {
    const { year, periodId } = params();
    return api.agenda2030(year, periodId);
  });
