// No silent overwrites for the planning forms (issue 14): a goal, indicator or activity form
// remembers the version of the row it was opened with and saves against it. When someone else
// saved the row since, the core refuses with `conflict`; the window then shows theirs (as
// stored now) and yours (as typed) side by side, the fields that differ only. "Behåll deras"
// fills the form with theirs (and their version); "Spara mitt" saves the form again against
// the version now loaded (as a new row when they removed it).
import type { ActivityStatus } from "../../generated/ActivityStatus";
import type { Direction } from "../../generated/Direction";
import type { TargetRow } from "../../generated/TargetRow";
import type { ToleranceKind } from "../../generated/ToleranceKind";
import type { UnitPlan } from "../../generated/UnitPlan";
import { locale, t } from "../../lib/locale.svelte";
import { editableNumber } from "../../lib/planform";
import { conflicts, isConflict, type ConflictDialog, type ConflictSubject } from "../conflicts/conflict.svelte";

/** One field of a form as the dialog shows it. */
export type Line = { label: string; value: string };

function text(lines: readonly Line[]): string {
  return lines.map((l) => `${l.label}: ${l.value.trim() === "" ? "–" : l.value}`).join("\n");
}

/**
 * Theirs and yours as the dialog shows them: only the fields that differ (every field when
 * none does, e.g. they saved it unchanged). Theirs `null`: the row was removed.
 */
export function sideBySide(theirs: readonly Line[] | null, yours: readonly Line[]): { theirs: string; yours: string } {
  if (theirs === null) return { theirs: t("conflict.removed"), yours: text(yours) };
  const differ = yours.map((l, i) => l.value !== theirs[i]?.value);
  const shown = differ.some(Boolean) ? differ : differ.map(() => true);
  return {
    theirs: text(theirs.filter((_, i) => shown[i])),
    yours: text(yours.filter((_, i) => shown[i])),
  };
}

function goalNames(plan: UnitPlan, ids: readonly number[]): string {
  return [...ids]
    .sort((a, b) => a - b)
    .map((id) => {
      const g = plan.year_goals.find((x) => x.id === id);
      return g ? (g.code ? g.code : g.title) : String(id);
    })
    .join(", ");
}

/** What the goal form edits. */
export type GoalFields = {
  code: string;
  title: string;
  description: string;
  perspective_id: number;
  parent_ids: readonly number[];
};

export function goalLines(g: GoalFields, plan: UnitPlan): Line[] {
  return [
    { label: t("plan.code"), value: g.code.trim() },
    { label: t("plan.goalTitle"), value: g.title.trim() },
    {
      label: t("plan.perspective"),
      value: plan.perspectives.find((p) => p.id === g.perspective_id)?.name ?? String(g.perspective_id),
    },
    { label: t("plan.description"), value: g.description.trim() },
    { label: t("plan.contributesTo"), value: goalNames(plan, g.parent_ids) },
  ];
}

/** What the indicator form edits. */
export type IndicatorFields = {
  name: string;
  description: string;
  unit: string;
  direction: Direction;
  decimals: number;
  kolada_kpi_id: string | null;
  tolerance_kind: ToleranceKind;
  tolerance: number;
  targets: readonly TargetRow[];
  goal_ids: readonly number[];
  responsible: string;
};

function targetsText(rows: readonly TargetRow[]): string {
  const n = (v: number | null) => editableNumber(v, locale.language);
  return [...rows]
    .sort((a, b) => a.year - b.year)
    .map((r) =>
      r.yellow_limit === null ? `${r.year}: ${n(r.target)}` : `${r.year}: ${n(r.target)} (${n(r.yellow_limit)})`,
    )
    .join("; ");
}

export function indicatorLines(i: IndicatorFields, plan: UnitPlan): Line[] {
  const tolerance =
    i.tolerance_kind === "percent"
      ? `${editableNumber(i.tolerance, locale.language)} ${t("plan.tolerancePercent")}`
      : `${editableNumber(i.tolerance, locale.language)} ${t("plan.toleranceAbsolute", { unit: i.unit.trim() || "…" })}`;
  return [
    { label: t("plan.indicatorName"), value: i.name.trim() },
    { label: t("plan.description"), value: i.description.trim() },
    { label: t("plan.unitOfMeasure"), value: i.unit.trim() },
    { label: t("plan.direction"), value: t(`direction.${i.direction}`) },
    { label: t("plan.decimals"), value: String(i.decimals) },
    { label: t("plan.koladaId"), value: (i.kolada_kpi_id ?? "").trim() },
    { label: t("plan.tolerance"), value: tolerance },
    { label: t("plan.targets"), value: targetsText(i.targets) },
    { label: t("plan.measuresShort"), value: goalNames(plan, i.goal_ids) },
    { label: t("plan.responsible"), value: i.responsible.trim() },
  ];
}

/** What the activity form edits. */
export type ActivityFields = {
  title: string;
  description: string;
  responsible: string;
  start_date: string | null;
  end_date: string | null;
  status: ActivityStatus;
  goal_ids: readonly number[];
};

export function activityLines(a: ActivityFields, plan: UnitPlan): Line[] {
  return [
    { label: t("plan.activityTitle"), value: a.title.trim() },
    { label: t("plan.responsible"), value: a.responsible.trim() },
    { label: t("plan.status"), value: t(`activity.${a.status}`) },
    { label: t("plan.startDate"), value: a.start_date ?? "" },
    { label: t("plan.endDate"), value: a.end_date ?? "" },
    { label: t("plan.description"), value: a.description.trim() },
    { label: t("plan.activityGoals"), value: goalNames(plan, a.goal_ids) },
  ];
}

/** How one planning form saves, reads theirs and takes theirs over. */
export type CheckedFormSpec<R extends { version: number }> = {
  subject: Extract<ConflictSubject, "goal" | "indicator" | "activity">;
  /** The row as the dialog names it ("KF1 Trygg uppväxt"). */
  what: () => string;
  /** Save what the form holds against `expected`; `asNew`: as a new row (theirs was removed). */
  save: (expected: number | null, asNew: boolean) => Promise<number>;
  /** The row as stored now (a fresh read), or null when it was removed. */
  fresh: () => Promise<{ row: R; lines: Line[] } | null>;
  /** The form as typed. */
  typed: () => Line[];
  /** "Behåll deras": fill the form with theirs. */
  adopt: (row: R) => void;
  /** "Behåll deras" of a removed row: close the form. */
  dropped: () => void;
  /** After a save (from the form or from the dialog). */
  saved: (id: number) => void;
};

/**
 * A planning form's save, checked against the version the form was opened with (`version`;
 * null for a new row). A live reload of the plan page underneath does not move it on: only
 * "Behåll deras" does, since the form then holds theirs.
 */
export class CheckedForm<R extends { version: number }> {
  version: number | null;

  constructor(
    opened: number | null,
    private readonly spec: CheckedFormSpec<R>,
    private readonly dialog: ConflictDialog = conflicts,
  ) {
    this.version = opened;
  }

  /**
   * Save the form. True when saved; false when the conflict dialog took over (the form stays
   * as typed); any other failure rejects, for the form to show.
   */
  save(): Promise<boolean> {
    return this.attempt(this.version, false);
  }

  private async attempt(expected: number | null, asNew: boolean): Promise<boolean> {
    let id: number;
    try {
      id = await this.spec.save(expected, asNew);
    } catch (e) {
      if (!isConflict(e)) throw e;
      await this.conflicted(e.message);
      return false;
    }
    this.spec.saved(id);
    return true;
  }

  private async conflicted(message: string): Promise<void> {
    const fresh = await this.spec.fresh();
    const sides = sideBySide(fresh?.lines ?? null, this.spec.typed());
    this.dialog.show({
      subject: this.spec.subject,
      what: this.spec.what(),
      message,
      theirs: sides.theirs,
      yours: sides.yours,
      keepTheirs: () => {
        if (fresh === null) {
          this.spec.dropped();
          return;
        }
        this.version = fresh.row.version;
        this.spec.adopt(fresh.row);
      },
      saveMine: async () => {
        await this.attempt(fresh?.row.version ?? null, fresh === null);
      },
    });
  }
}
