import { describe, expect, it, vi } from "vitest";
import type { ValueGrid } from "../../generated/ValueGrid";
import {
  assessmentText,
  cellIn,
  cellOfField,
  ConflictDialog,
  followUpText,
  isConflict,
  type Conflict,
} from "./conflict.svelte";

const scale = [
  { step: 1, label: "Uppfylls inte", label_en: "Not met" },
  { step: 2, label: "Uppfylls delvis", label_en: "Partly met" },
];

function conflict(over: Partial<Conflict> = {}): Conflict {
  return {
    subject: "text",
    what: "Inledning",
    message: "Anna Berg ändrade texten 10:15 efter att du öppnade den. Välj vilket som ska gälla.",
    theirs: "Deras text",
    yours: "Min text",
    keepTheirs: vi.fn(),
    saveMine: vi.fn().mockResolvedValue(undefined),
    ...over,
  };
}

describe("what a conflict names", () => {
  it("is a conflict only by its code", () => {
    expect(isConflict({ code: "conflict", message: "x" })).toBe(true);
    expect(isConflict({ code: "validation", message: "x" })).toBe(false);
    expect(isConflict("conflict")).toBe(false);
  });

  it("reads the cell of a refused value and finds it in the grid", () => {
    expect(cellOfField("cell:11:2:K")).toEqual({ indicatorId: 11, periodId: 2, gender: "K" });
    expect(cellOfField("analysis")).toBeNull();
    expect(cellOfField(undefined)).toBeNull();
    const grid = {
      periods: [{ id: 1 }, { id: 2 }],
      rows: [
        { indicator_id: 11, gender: "T" },
        { indicator_id: 11, gender: "K" },
      ],
    } as unknown as ValueGrid;
    expect(cellIn(grid, "cell:11:2:K")).toEqual({ row: 1, column: 1 });
    expect(cellIn(grid, "cell:12:2:T")).toBeNull();
  });

  it("shows an assessment as its step in words and its analysis", () => {
    expect(assessmentText(2, "Vi ligger rätt.", scale)).toBe("Bedömning: Uppfylls delvis\n\nVi ligger rätt.");
    expect(assessmentText(null, "", scale)).toBe("Ingen bedömning vald");
  });

  it("shows an activity's follow-up as its status in words and its comment", () => {
    expect(followUpText("paborjad", "Halvvägs.")).toBe("Påbörjad\n\nHalvvägs.");
    expect(followUpText("genomford", "  ")).toBe("Genomförd");
  });
});

describe("the conflict dialog", () => {
  it("closes after keeping theirs, without saving", async () => {
    const dialog = new ConflictDialog();
    const c = conflict();
    dialog.show(c);
    await dialog.keepTheirs();
    expect(c.keepTheirs).toHaveBeenCalledOnce();
    expect(c.saveMine).not.toHaveBeenCalled();
    expect(dialog.current).toBeNull();
  });

  it("closes after saving mine", async () => {
    const dialog = new ConflictDialog();
    const c = conflict();
    dialog.show(c);
    await dialog.saveMine();
    expect(c.saveMine).toHaveBeenCalledOnce();
    expect(dialog.current).toBeNull();
    expect(dialog.busy).toBe(false);
  });

  it("shows the next conflict when yet another change came in while saving mine", async () => {
    const dialog = new ConflictDialog();
    const next = conflict({ message: "Bo Ek ändrade texten 10:20 …" });
    dialog.show(conflict({ saveMine: async () => dialog.show(next) }));
    await dialog.saveMine();
    expect(dialog.current).toBe(next);
  });

  it("stays open with the reason when saving mine fails otherwise", async () => {
    const dialog = new ConflictDialog();
    dialog.show(conflict({ saveMine: () => Promise.reject({ code: "period_locked", message: "Perioden är låst." }) }));
    await dialog.saveMine();
    expect(dialog.current).not.toBeNull();
    expect(dialog.error).toBe("Perioden är låst.");
  });
});
