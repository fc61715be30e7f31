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

import { targetAt, ValueGridStore, withProblems } from "./values.svelte";

const grid = {
  unit: { id: 7, name: "Hemtjänsten" },
  year: 2026,
  periods: [{ id: 1 }, { id: 2 }, { id: 3 }],
  rows: [
    { indicator_id: 10, gender: "T", decimals: 1, values: [null, null, null] },
    { indicator_id: 11, gender: "T", decimals: 0, values: [null, null, null] },
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
    expect(targetAt(grid, 1, 1)).toEqual({ rows: [{ indicator_id: 11, gender: "T" }], period_ids: [2, 3] });
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
});
