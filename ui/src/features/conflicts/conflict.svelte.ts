// No silent overwrites (issue 14): when a save comes back with `conflict` (someone else saved
// the same value, assessment, text, planning form or follow-up after this window loaded it),
// the window shows theirs and
// yours side by side and the user chooses. "Behåll deras" keeps what is stored (the view
// reloads); "Spara mitt" saves the user's again, naming the version now loaded.
import type { ActivityStatus } from "../../generated/ActivityStatus";
import type { Gender } from "../../generated/Gender";
import type { ValueGrid } from "../../generated/ValueGrid";
import type { AppError } from "../../lib/ipc";
import { messageOf } from "../../lib/errors.svelte";
import { inLanguage, t } from "../../lib/locale.svelte";

export type ConflictSubject =
  | "value"
  | "assessment"
  | "text"
  | "goal"
  | "indicator"
  | "activity"
  | "activityFollowUp"
  | "assignmentFollowUp"
  | "controlFollowUp"
  | "guaranteeFollowUp";

/** One refused save, as the dialog shows it. */
export type Conflict = {
  subject: ConflictSubject;
  /** What was changed (a cell's indicator and period, a goal, a section). */
  what: string;
  /** The core's message: who changed it and when, in the window's language. */
  message: string;
  /** What is stored now, as shown. */
  theirs: string;
  /** What the user tried to save, as typed. */
  yours: string;
  /** Drop the user's edit; the stored one stays. */
  keepTheirs: () => void | Promise<void>;
  /** Save the user's again over the stored one (the version now loaded). */
  saveMine: () => Promise<void>;
};

/** Whether a failed call is a refused save over someone else's change. */
export function isConflict(e: unknown): e is AppError {
  return typeof e === "object" && e !== null && (e as { code?: unknown }).code === "conflict";
}

/** The cell a refusal names (`field` = `cell:indicator:period:gender`), or null. */
export function cellOfField(
  field: string | undefined,
): { indicatorId: number; periodId: number; gender: Gender } | null {
  const m = /^cell:(\d+):(\d+):([TKM])$/.exec(field ?? "");
  if (!m) return null;
  return { indicatorId: Number(m[1]), periodId: Number(m[2]), gender: m[3] as Gender };
}

/** Where that cell is in `grid` (row, column), or null when it is not shown. */
export function cellIn(grid: ValueGrid, field: string | undefined): { row: number; column: number } | null {
  const cell = cellOfField(field);
  if (!cell) return null;
  const row = grid.rows.findIndex((r) => r.indicator_id === cell.indicatorId && r.gender === cell.gender);
  const column = grid.periods.findIndex((p) => p.id === cell.periodId);
  return row < 0 || column < 0 ? null : { row, column };
}

/** An assessment as one side of the dialog shows it: the step in words, then the analysis. */
export function assessmentText(
  step: number | null,
  analysis: string,
  scale: readonly { step: number; label: string; label_en: string }[],
): string {
  const s = step === null ? undefined : scale.find((x) => x.step === step);
  const head =
    step === null
      ? t("conflict.noStep")
      : t("conflict.step", { step: s ? inLanguage(s.label, s.label_en) : String(step) });
  return analysis.trim() === "" ? head : `${head}\n\n${analysis}`;
}

/** An activity's follow-up as one side of the dialog shows it: the status in words, then the comment. */
export function followUpText(status: ActivityStatus, comment: string): string {
  const head = t(`activity.${status}`);
  return comment.trim() === "" ? head : `${head}\n\n${comment}`;
}

/** The dialog's state: the conflict shown (one at a time), and the user's choice. */
export class ConflictDialog {
  current = $state<Conflict | null>(null);
  busy = $state(false);
  error = $state<string | null>(null);

  /** Show a conflict (a newer one replaces the one shown). */
  show(conflict: Conflict): void {
    this.current = conflict;
    this.error = null;
  }

  close(): void {
    this.current = null;
    this.error = null;
  }

  /** "Behåll deras": the stored one stays; the user's edit is dropped. */
  async keepTheirs(): Promise<void> {
    const c = this.current;
    if (!c || this.busy) return;
    this.busy = true;
    try {
      await c.keepTheirs();
      if (this.current === c) this.close();
    } catch (e) {
      this.error = messageOf(e);
    } finally {
      this.busy = false;
    }
  }

  /**
   * "Spara mitt": save the user's again. Closed when saved; when yet another change came in
   * between, the save shows that conflict instead; any other failure stays in the dialog.
   */
  async saveMine(): Promise<void> {
    const c = this.current;
    if (!c || this.busy) return;
    this.busy = true;
    try {
      await c.saveMine();
      if (this.current === c) this.close();
    } catch (e) {
      if (this.current === c) this.error = messageOf(e);
    } finally {
      this.busy = false;
    }
  }
}

/** The window's one conflict dialog (shown by `ConflictDialogView` in the app). */
export const conflicts = new ConflictDialog();
