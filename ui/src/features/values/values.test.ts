import { beforeEach, describe, expect, it, vi } from "vitest";
import type { ValueGrid } from "../../generated/ValueGrid";

const api = vi.hoisted(() => ({ valueGrid: vi.fn(), pasteCells: vi.fn(), setPeriodLocked: vi.fn() }));
vi.mock("../../lib/api", async (original) => ({ ...(await original<object>()), api }));
const wrote = vi.hoisted(() => vi.fn());
vi.mock("../../lib/changes", async (original) => {
  const real = await original<typeof import("../../lib/changes")>();
  real.dataChanges.wrote = wrote;
  return real;
});

import { ConflictDialog } from "../conflicts/conflict.svelte";
import { targetAt, ValueGridStore, withProblems } from "./values.svelte";

const grid = {
  unit: { id: 7, name: "Hemtjänsten" },
  year: 2026,
  periods: [{ id: 1 }, { id: 2 }, { id: 3 }],
  rows: [
    {
      indicator_id: 10,
      name: "Nöjdhet",
      gender: "T",
      decimals: 1,
      values: [null, null, null],
      versions: [null, null, null],
    },
    {
      indicator_id: 11,
      name: "Väntetid",
      gender: "T",
      decimals: 0,
      values: [null, 4, null],
      versions: [null, 2, null],
    },
  ],
} as unknown as ValueGrid;

describe("the grid's pure helpers", () => {
  it("places a paste's refused cells from where it was pasted", () => {
    const refused = withProblems({}, 1, 1, [
      { row: 1, column: 2, text: "x", reason: "är inte ett tal", reason_en: "is not a number" },
    ]);
    expect(refused).toEqual({ "1:2": { text: "x", reason: "är inte ett tal", reason_en: "is not a number" } });
  });

  it("saves from the anchor cell rightwards and down", () => {
    expect(targetAt(grid, 1, 1)).toEqual({
      rows: [{ indicator_id: 11, gender: "T" }],
      period_ids: [2, 3],
      versions: [[2, null]],
    });
  });
});

describe("ValueGridStore", () => {
  beforeEach(() => {
    vi.clearAllMocks();
    api.valueGrid.mockResolvedValue(grid);
  });

  it("keeps refused text when the grid is read again, and drops it for another unit", async () => {
    const store = new ValueGridStore();
    await store.select(7, 2026);
    api.pasteCells.mockResolvedValue({
      grid,
      saved: 0,
      problems: [{ row: 1, column: 1, text: "8O", reason: "nej", reason_en: "no" }],
    });
    await store.save(0, 0, "8O", false);
    expect(Object.keys(store.refused)).toEqual(["0:0"]);
    await store.load();
    expect(Object.keys(store.refused)).toEqual(["0:0"]);
    await store.select(8, 2026);
    expect(store.refused).toEqual({});
  });

  it("announces a saved value, not a refused one", async () => {
    const store = new ValueGridStore();
    await store.select(7, 2026);
    api.pasteCells.mockResolvedValue({
      grid,
      saved: 0,
      problems: [{ row: 1, column: 1, text: "x", reason: "nej", reason_en: "no" }],
    });
    await store.save(0, 0, "x", false);
    expect(wrote).not.toHaveBeenCalled();
    api.pasteCells.mockResolvedValue({ grid, saved: 1, problems: [] });
    await store.save(0, 0, "12", false);
    expect(wrote).toHaveBeenCalledWith("pasteCells");
    expect(store.refused).toEqual({});
    expect(store.lastSaved).toBe(1);
  });

  it("asks before unlocking a period and shows the core's refusal", async () => {
    const store = new ValueGridStore();
    await store.select(7, 2026);
    await store.toggleLock(2, true);
    expect(api.setPeriodLocked).not.toHaveBeenCalled();
    expect(store.confirmUnlock).toBe(2);
    api.setPeriodLocked.mockRejectedValue({ code: "database_busy", message: "Databasen är upptagen." });
    await store.toggleLock(2, true);
    expect(api.setPeriodLocked).toHaveBeenCalledWith(2, false);
    expect(store.failure.current?.code).toBe("database_busy");
    expect(wrote).not.toHaveBeenCalled();
  });

  it("shows theirs and yours when someone else saved the cell, and saves mine with the fresh version", async () => {
    const dialog = new ConflictDialog();
    const store = new ValueGridStore(dialog);
    await store.select(7, 2026);
    // Meanwhile Bo saved 9 in (row 1, period 2): version 3.
    const theirs = {
      ...grid,
      rows: [grid.rows[0], { ...grid.rows[1], values: [null, 9, null], versions: [null, 3, null] }],
    } as ValueGrid;
    api.valueGrid.mockResolvedValue(theirs);
    api.pasteCells.mockRejectedValueOnce({
      code: "conflict",
      message: "Bo Ek ändrade värdet 10:15 efter att du öppnade det. Välj vilket som ska gälla.",
      field: "cell:11:2:T",
    });
    await store.save(1, 1, "5", false);
    expect(api.pasteCells).toHaveBeenLastCalledWith(7, 2026, expect.objectContaining({ versions: [[2, null]] }), "5");
    expect(dialog.current?.subject).toBe("value");
    expect(dialog.current?.message).toContain("Bo Ek");
    expect(dialog.current?.theirs).toBe("9");
    expect(dialog.current?.yours).toBe("5");
    expect(dialog.current?.what).toContain("Väntetid");
    expect(store.grid?.rows[1]?.values[1]).toBe(9);
    expect(store.failure.current).toBeNull();
    expect(wrote).not.toHaveBeenCalled();

    api.pasteCells.mockResolvedValueOnce({ grid: theirs, saved: 1, problems: [] });
    await dialog.saveMine();
    expect(api.pasteCells).toHaveBeenLastCalledWith(7, 2026, expect.objectContaining({ versions: [[3, null]] }), "5");
    expect(dialog.current).toBeNull();
    expect(wrote).toHaveBeenCalledWith("pasteCells");
  });

  it("saves a typed cell against the version it had when typing began, though a reload came meanwhile", async () => {
    const dialog = new ConflictDialog();
    const store = new ValueGridStore(dialog);
    await store.select(7, 2026);
    store.begin(1, 1); // version 2, value 4
    store.typing(1, 1, "5");
    // Bo's save of the same cell arrives live while Anna types: 9, version 3.
    const theirs = {
      ...grid,
      rows: [grid.rows[0], { ...grid.rows[1], values: [null, 9, null], versions: [null, 3, null] }],
    } as ValueGrid;
    api.valueGrid.mockResolvedValue(theirs);
    await store.load();
    expect(store.typed(1, 1)).toBe("5");
    expect(store.typed(0, 0)).toBeNull();

    api.pasteCells.mockRejectedValueOnce({
      code: "conflict",
      message: "Bo Ek ändrade värdet 10:15 …",
      field: "cell:11:2:T",
    });
    await store.save(1, 1, "5", false);
    expect(api.pasteCells).toHaveBeenLastCalledWith(7, 2026, expect.objectContaining({ versions: [[2, null]] }), "5");
    expect(dialog.current?.theirs).toBe("9");
    expect(dialog.current?.yours).toBe("5");
    // "Spara mitt" is a save over theirs, now loaded.
    api.pasteCells.mockResolvedValueOnce({ grid: theirs, saved: 1, problems: [] });
    await dialog.saveMine();
    expect(api.pasteCells).toHaveBeenLastCalledWith(7, 2026, expect.objectContaining({ versions: [[3, null]] }), "5");
  });

  it("takes the fresh version for a cell typed in after its own save", async () => {
    const store = new ValueGridStore();
    await store.select(7, 2026);
    store.begin(1, 1);
    const saved = {
      ...grid,
      rows: [grid.rows[0], { ...grid.rows[1], values: [null, 5, null], versions: [null, 3, null] }],
    } as ValueGrid;
    api.pasteCells.mockResolvedValueOnce({ grid: saved, saved: 1, problems: [] });
    await store.save(1, 1, "5", false);
    api.pasteCells.mockResolvedValueOnce({ grid: saved, saved: 1, problems: [] });
    await store.save(1, 1, "6", false);
    expect(api.pasteCells).toHaveBeenLastCalledWith(7, 2026, expect.objectContaining({ versions: [[3, null]] }), "6");
    store.end(1, 1);
    expect(store.editing).toBeNull();
  });

  it("keeps theirs without saving, and keeps the dialog open when saving mine fails otherwise", async () => {
    const dialog = new ConflictDialog();
    const store = new ValueGridStore(dialog);
    await store.select(7, 2026);
    const conflict = { code: "conflict", message: "Bo Ek ändrade värdet 10:15 …", field: "cell:10:1:T" };
    api.pasteCells.mockRejectedValueOnce(conflict);
    await store.save(0, 0, "1", false);
    expect(dialog.current?.theirs).toBe("");
    api.pasteCells.mockRejectedValueOnce({ code: "period_locked", message: "Perioden är låst." });
    await dialog.saveMine();
    expect(dialog.current).not.toBeNull();
    expect(dialog.error).toBe("Perioden är låst.");
    const calls = api.pasteCells.mock.calls.length;
    await dialog.keepTheirs();
    expect(dialog.current).toBeNull();
    expect(api.pasteCells.mock.calls.length).toBe(calls);
    expect(wrote).not.toHaveBeenCalled();
  });
});
