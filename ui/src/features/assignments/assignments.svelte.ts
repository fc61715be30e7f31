// Uppdrag ("Uppdrag" tab): the year's uppdrag from kommunfullmäktige and the nämnder with
// their status in the chosen period, and the oldest ones not yet genomförda.
import type { AssignmentFollowUpRow } from "../../generated/AssignmentFollowUpRow";
import type { AssignmentRow } from "../../generated/AssignmentRow";
import type { AssignmentStatus } from "../../generated/AssignmentStatus";
import type { AssignmentsView } from "../../generated/AssignmentsView";
import { api } from "../../lib/api";
import type { Table } from "../../lib/changes";
import { t } from "../../lib/locale.svelte";
import { Loaded } from "../../lib/view.svelte";
import { followUpText, saveChecked } from "../conflicts/checked.svelte";
import { conflicts, type ConflictDialog } from "../conflicts/conflict.svelte";

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

/** What the follow-up form saves of one uppdrag in a period. */
export type AssignmentFollowUpDraft = { status: AssignmentStatus; comment: string };

/** An uppdrag's follow-up as one side of the conflict dialog shows it. */
export function assignmentFollowUpText(f: AssignmentFollowUpDraft | null): string {
  return f ? followUpText(`${STATUS_SYMBOL[f.status]} ${t(`assignmentStatus.${f.status}`)}`, f.comment) : "";
}

/**
 * Save `draft` as uppdrag `row`'s follow-up in the period, checked against `expected` (the
 * version the edit began from): someone else's save since shows theirs and yours side by side
 * (see `saveChecked`). `saved` after it went through; `dropped` with theirs on "Behåll deras".
 */
export function saveAssignmentFollowUp(
  place: { year: number; periodId: number; unitId: number | null },
  row: AssignmentRow,
  draft: AssignmentFollowUpDraft,
  expected: number | null,
  done: { saved: () => void; dropped: (theirs: AssignmentFollowUpRow | null) => void },
  dialog: ConflictDialog = conflicts,
): Promise<boolean> {
  return saveChecked<AssignmentFollowUpRow>(
    {
      subject: "assignmentFollowUp",
      what: row.code ? `${row.code} ${row.title}` : row.title,
      yours: assignmentFollowUpText(draft),
      save: (v) => api.saveAssignmentFollowUp({ assignment_id: row.id, period_id: place.periodId, ...draft }, v),
      stored: async () => {
        const fresh = await api.assignments(place.year, place.periodId, place.unitId);
        const f = fresh.rows.find((r) => r.id === row.id)?.follow_up ?? null;
        return { version: f?.version ?? null, text: assignmentFollowUpText(f), row: f };
      },
      saved: done.saved,
      dropped: done.dropped,
    },
    expected,
    dialog,
  );
}
