import { describe, expect, it, vi } from "vitest";
import type { PlanGoal } from "../../generated/PlanGoal";
import type { UnitPlan } from "../../generated/UnitPlan";
import { ConflictDialog } from "../conflicts/conflict.svelte";
import {
  activityLines,
  CheckedForm,
  goalLines,
  indicatorLines,
  sideBySide,
  type CheckedFormSpec,
} from "./formConflict";

const plan = {
  unit: { id: 7, name: "Hemtjänsten" },
  year: 2026,
  perspectives: [
    { id: 1, name: "Invånare" },
    { id: 2, name: "Medarbetare" },
  ],
  year_goals: [
    { id: 10, code: "KF1", title: "Trygg uppväxt" },
    { id: 11, code: "", title: "God hälsa" },
  ],
} as unknown as UnitPlan;

function goal(over: Partial<PlanGoal> = {}): PlanGoal {
  return {
    id: 5,
    level: "enhet",
    code: "E1",
    title: "Nöjda brukare",
    description: "",
    perspective_id: 1,
    parent_ids: [10],
    loose: false,
    version: 3,
    ...over,
  };
}

const conflict = { code: "conflict", message: "Bo Ek ändrade målet 10:20 efter att du öppnade det." };

/** A goal form as the editor wires it, with the form's fields in `form`. */
function goalForm(opts: { save: CheckedFormSpec<PlanGoal>["save"]; theirs: PlanGoal | null; dialog: ConflictDialog }) {
  const form = { ...goal(), title: "Mina brukare" };
  const spec = {
    subject: "goal" as const,
    what: () => "E1 Nöjda brukare",
    save: vi.fn(opts.save),
    fresh: vi.fn(async () => (opts.theirs ? { row: opts.theirs, lines: goalLines(opts.theirs, plan) } : null)),
    typed: () => goalLines(form, plan),
    adopt: vi.fn((g: PlanGoal) => Object.assign(form, g)),
    dropped: vi.fn(),
    saved: vi.fn(),
  };
  const checked = new CheckedForm<PlanGoal>(3, spec, opts.dialog);
  return { form, spec, checked };
}

describe("a planning form's side of a conflict", () => {
  it("shows only the fields that differ, with names for ids", () => {
    const theirs = goalLines(goal({ title: "Deras rubrik", parent_ids: [10, 11] }), plan);
    const yours = goalLines(goal({ title: "Min rubrik" }), plan);
    const sides = sideBySide(theirs, yours);
    expect(sides.theirs).toBe("Mål: Deras rubrik\nBidrar till: KF1, God hälsa");
    expect(sides.yours).toBe("Mål: Min rubrik\nBidrar till: KF1");
  });

  it("shows every field when none differs, and a removed row as removed", () => {
    const lines = goalLines(goal(), plan);
    expect(sideBySide(lines, lines).theirs.split("\n")).toHaveLength(lines.length);
    expect(sideBySide(null, lines).theirs).toBe("(borttaget)");
  });

  it("summarises an indicator's targets and an activity's dates and status", () => {
    const base = {
      name: "Nöjdhet",
      description: "",
      unit: "%",
      direction: "higher" as const,
      decimals: 1,
      kolada_kpi_id: null,
      tolerance_kind: "percent" as const,
      tolerance: 10,
      goal_ids: [10],
      responsible: "Anna",
    };
    const a = indicatorLines({ ...base, targets: [{ year: 2026, target: 80.5, yellow_limit: 75 }] }, plan);
    const b = indicatorLines({ ...base, targets: [{ year: 2026, target: 85, yellow_limit: null }] }, plan);
    expect(sideBySide(a, b)).toEqual({
      theirs: "Målvärden och gränser: 2026: 80,5 (75)",
      yours: "Målvärden och gränser: 2026: 85",
    });
    const act = {
      title: "Kurs",
      description: "",
      responsible: "",
      start_date: "2026-02-01",
      end_date: null,
      goal_ids: [],
    };
    const sides = sideBySide(
      activityLines({ ...act, status: "paborjad" }, plan),
      activityLines({ ...act, status: "genomford", end_date: "2026-05-31" }, plan),
    );
    expect(sides.theirs).toBe("Status: Påbörjad\nSlutdatum: –");
    expect(sides.yours).toBe("Status: Genomförd\nSlutdatum: 2026-05-31");
  });
});

describe("a planning form saved against the version it was opened with", () => {
  it("saves with that version and says so", async () => {
    const dialog = new ConflictDialog();
    const { spec, checked } = goalForm({ save: async () => 5, theirs: null, dialog });
    expect(await checked.save()).toBe(true);
    expect(spec.save).toHaveBeenCalledWith(3, false);
    expect(spec.saved).toHaveBeenCalledWith(5);
    expect(dialog.current).toBeNull();
  });

  it("lets a failure other than a conflict through to the form", async () => {
    const dialog = new ConflictDialog();
    const refusal = { code: "validation", message: "Målets rubrik saknas.", field: "title" };
    const { checked } = goalForm({ save: () => Promise.reject(refusal), theirs: null, dialog });
    await expect(checked.save()).rejects.toBe(refusal);
    expect(dialog.current).toBeNull();
  });

  it("shows theirs and yours on a conflict; 'Spara mitt' saves against their version", async () => {
    const dialog = new ConflictDialog();
    const theirs = goal({ title: "Bos rubrik", version: 4 });
    let calls = 0;
    const { spec, checked } = goalForm({
      save: async () => {
        calls += 1;
        if (calls === 1) throw conflict;
        return 5;
      },
      theirs,
      dialog,
    });
    expect(await checked.save()).toBe(false);
    expect(spec.saved).not.toHaveBeenCalled();
    const shown = dialog.current!;
    expect(shown.subject).toBe("goal");
    expect(shown.message).toBe(conflict.message);
    expect(shown.theirs).toBe("Mål: Bos rubrik");
    expect(shown.yours).toBe("Mål: Mina brukare");
    await dialog.saveMine();
    expect(spec.save).toHaveBeenLastCalledWith(4, false);
    expect(spec.saved).toHaveBeenCalledWith(5);
    expect(dialog.current).toBeNull();
  });

  it("'Behåll deras' fills the form with theirs and saves against their version next", async () => {
    const dialog = new ConflictDialog();
    const theirs = goal({ title: "Bos rubrik", version: 4 });
    const { form, spec, checked } = goalForm({ save: () => Promise.reject(conflict), theirs, dialog });
    await checked.save();
    await dialog.keepTheirs();
    expect(spec.adopt).toHaveBeenCalledWith(theirs);
    expect(form.title).toBe("Bos rubrik");
    expect(checked.version).toBe(4);
    expect(dialog.current).toBeNull();
    spec.save.mockResolvedValueOnce(5);
    await checked.save();
    expect(spec.save).toHaveBeenLastCalledWith(4, false);
  });

  it("shows yet another conflict when theirs changed again before 'Spara mitt'", async () => {
    const dialog = new ConflictDialog();
    const { spec, checked } = goalForm({ save: () => Promise.reject(conflict), theirs: goal({ version: 4 }), dialog });
    await checked.save();
    const first = dialog.current;
    await dialog.saveMine();
    expect(dialog.current).not.toBe(first);
    expect(dialog.current?.subject).toBe("goal");
    expect(spec.fresh).toHaveBeenCalledTimes(2);
  });

  it("offers to save a removed row as new, or to close the form", async () => {
    const dialog = new ConflictDialog();
    let calls = 0;
    const { spec, checked } = goalForm({
      save: async () => {
        calls += 1;
        if (calls === 1) throw { code: "conflict", message: "Bo Ek tog bort målet 10:20 efter att du öppnade det." };
        return 9;
      },
      theirs: null,
      dialog,
    });
    await checked.save();
    expect(dialog.current?.theirs).toBe("(borttaget)");
    await dialog.saveMine();
    expect(spec.save).toHaveBeenLastCalledWith(null, true);
    expect(spec.saved).toHaveBeenCalledWith(9);

    const again = goalForm({ save: () => Promise.reject(conflict), theirs: null, dialog });
    await again.checked.save();
    await dialog.keepTheirs();
    expect(again.spec.dropped).toHaveBeenCalledOnce();
    expect(again.spec.adopt).not.toHaveBeenCalled();
  });
});
