// Röda tråden: the goal chain of a plan year from the KF-mål down, with statuses.
import type { RedThread } from "../../generated/RedThread";
import { api } from "../../lib/api";
import { STATUS_TABLES, type Table } from "../../lib/changes";
import { Loaded } from "../../lib/view.svelte";

/** The chain shows goals, their links, indicators, activities and statuses: all a status reads. */
export const RED_THREAD_TABLES: readonly Table[] = STATUS_TABLES;

export const redThread = (params: () => { year: number; periodId: number; focus: number | null }) =>
  new Loaded<RedThread>(RED_THREAD_TABLES, () => {
    const { year, periodId, focus } = params();
    return api.redThread(year, periodId, focus);
  });
