// Intern kontroll of a nämnd: the year's plan (risks scored by probability and consequence,
// the risk matrix, controls of the chosen risks) and the chosen period's follow-up per control.
import type { ControlFollowUpRow } from "../../generated/ControlFollowUpRow";
import type { ControlPlanView } from "../../generated/ControlPlanView";
import type { ControlResult } from "../../generated/ControlResult";
import type { ControlRow } from "../../generated/ControlRow";
import type { RiskLevel } from "../../generated/RiskLevel";
import { api } from "../../lib/api";
import type { Table } from "../../lib/changes";
import { t } from "../../lib/locale.svelte";
import { Loaded } from "../../lib/view.svelte";
import { followUpText, saveChecked } from "../conflicts/checked.svelte";
import { conflicts, type ConflictDialog } from "../conflicts/conflict.svelte";

/** The plan, its risks and controls, their follow-up, the unit and the period (its lock). */
export const INTERNAL_CONTROL_TABLES: readonly Table[] = [
  "control_plan",
  "control_risk",
  "control",
  "control_follow_up",
  "org_unit",
  "follow_up_period",
];

export const internalControlPlan = (
  unitId: () => number,
  year: () => number,
  periodId: () => number,
): Loaded<ControlPlanView> =>
  new Loaded(INTERNAL_CONTROL_TABLES, () => api.internalControlPlan(unitId(), year(), periodId()));

/** The risk level's token name (its own colours, never the traffic light's). */
export function riskToken(level: RiskLevel): string {
  return level === "very_high" ? "very-high" : level;
}

/** The level of a risk value P × K: 1–3 low, 4–6 medium, 8–9 high, 12–16 very high (as the core). */
export function levelOf(value: number): RiskLevel {
  if (value <= 3) return "low";
  if (value <= 6) return "medium";
  if (value <= 9) return "high";
  return "very_high";
}

/** What the follow-up form saves of one control in a period. */
export type ControlFollowUpDraft = { result: ControlResult; comment: string; deviation: string; action: string };

/** A control's follow-up as one side of the conflict dialog shows it. */
export function controlFollowUpText(f: ControlFollowUpDraft | null): string {
  if (!f) return "";
  const deviation = f.result === "deviation";
  return followUpText(
    t(`ic.result.${f.result}`),
    f.comment,
    deviation && f.deviation.trim() ? `${t("ic.deviation")}: ${f.deviation.trim()}` : "",
    deviation && f.action.trim() ? `${t("ic.action")}: ${f.action.trim()}` : "",
  );
}

/**
 * Save `draft` as control `control`'s follow-up in the period, checked against `expected` (the
 * version the edit began from): someone else's save since shows theirs and yours side by side
 * (see `saveChecked`). `saved` after it went through; `dropped` with theirs on "Behåll deras".
 */
export function saveControlFollowUp(
  place: { unitId: number; year: number; periodId: number },
  control: ControlRow,
  draft: ControlFollowUpDraft,
  expected: number | null,
  done: { saved: () => void; dropped: (theirs: ControlFollowUpRow | null) => void },
  dialog: ConflictDialog = conflicts,
): Promise<boolean> {
  return saveChecked<ControlFollowUpRow>(
    {
      subject: "controlFollowUp",
      what: control.what,
      yours: controlFollowUpText(draft),
      save: (v) => api.saveControlFollowUp({ control_id: control.id, period_id: place.periodId, ...draft }, v),
      stored: async () => {
        const fresh = await api.internalControlPlan(place.unitId, place.year, place.periodId);
        const f = fresh.risks.flatMap((r) => r.controls).find((c) => c.id === control.id)?.follow_up ?? null;
        return { version: f?.version ?? null, text: controlFollowUpText(f), row: f };
      },
      saved: done.saved,
      dropped: done.dropped,
    },
    expected,
    dialog,
  );
}
