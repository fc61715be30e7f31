// A unit's grunduppdrag and tjänstegarantier of a plan year, with a period's follow-up: the
// scorecard shows them (and the follow-up), the Styrmodell tab edits them.
import type { GuaranteeFollowUpView } from "../../generated/GuaranteeFollowUpView";
import type { GuaranteeOutcome } from "../../generated/GuaranteeOutcome";
import type { GuaranteeRow } from "../../generated/GuaranteeRow";
import type { UnitMissionView } from "../../generated/UnitMissionView";
import { api } from "../../lib/api";
import type { Table } from "../../lib/changes";
import { t } from "../../lib/locale.svelte";
import { Loaded } from "../../lib/view.svelte";
import { followUpText, saveChecked } from "../conflicts/checked.svelte";
import { conflicts, type ConflictDialog } from "../conflicts/conflict.svelte";

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

/** What the follow-up form saves of one tjänstegaranti in a period. */
export type GuaranteeFollowUpDraft = { kept: GuaranteeOutcome; comment: string };

/** A tjänstegaranti's follow-up as one side of the conflict dialog shows it. */
export function guaranteeFollowUpText(f: GuaranteeFollowUpDraft | null): string {
  return f ? followUpText(t(`guarantee.outcome.${f.kept}`), f.comment) : "";
}

/**
 * Save `draft` as tjänstegaranti `g`'s follow-up in the period, checked against `expected`
 * (the version the edit began from): someone else's save since shows theirs and yours side by
 * side (see `saveChecked`). `saved` after it went through; `dropped` with theirs on "Behåll deras".
 */
export function saveGuaranteeFollowUp(
  place: { unitId: number; year: number; periodId: number },
  g: GuaranteeRow,
  draft: GuaranteeFollowUpDraft,
  expected: number | null,
  done: { saved: () => void; dropped: (theirs: GuaranteeFollowUpView | null) => void },
  dialog: ConflictDialog = conflicts,
): Promise<boolean> {
  return saveChecked<GuaranteeFollowUpView>(
    {
      subject: "guaranteeFollowUp",
      what: g.promise,
      yours: guaranteeFollowUpText(draft),
      save: (v) => api.followUpGuarantee(g.id, place.periodId, draft.kept, draft.comment, v),
      stored: async () => {
        const fresh = await api.unitMissions(place.unitId, place.year, place.periodId);
        const f = fresh.guarantees.find((x) => x.id === g.id)?.follow_up ?? null;
        return { version: f?.version ?? null, text: guaranteeFollowUpText(f), row: f };
      },
      saved: done.saved,
      dropped: done.dropped,
    },
    expected,
    dialog,
  );
}
