// Uppdrag ("Uppdrag" tab): the year's uppdrag from kommunfullmäktige and the nämnder with
// their status in the chosen period, and the oldest ones not yet genomförda.
import type { AssignmentRow } from "../../generated/AssignmentRow";
import type { AssignmentStatus } from "../../generated/AssignmentStatus";
import type { AssignmentsView } from "../../generated/AssignmentsView";
import { api } from "../../lib/api";
import type { Table } from "../../lib/changes";
import { Loaded } from "../../lib/view.svelte";

/** The uppdrag, their goals and follow-up, and what the list names (units, goals, periods). */
export const ASSIGNMENT_TABLES: readonly Table[] = [
  "assignment",
  "assignment_goal",
  "assignment_follow_up",
  "org_unit",
  "goal",
  "follow_up_period",
];

export const STATUSES: AssignmentStatus[] = ["not_started", "in_progress", "done", "closed_undone"];

/** The symbol beside the word (never colour alone); the same as the reports'. */
export const STATUS_SYMBOL: Record<AssignmentStatus, string> = {
  not_started: "○",
  in_progress: "◐",
  done: "✓",
  closed_undone: "✕",
};

export const assignmentsView = (
  year: () => number,
  periodId: () => number,
  unitId: () => number | null,
): Loaded<AssignmentsView> => new Loaded(ASSIGNMENT_TABLES, () => api.assignments(year(), periodId(), unitId()));

export const oldestAssignments = (
  year: () => number,
  periodId: () => number,
  unitId: () => number | null,
): Loaded<AssignmentRow[]> => new Loaded(ASSIGNMENT_TABLES, () => api.oldestAssignments(year(), periodId(), unitId()));
