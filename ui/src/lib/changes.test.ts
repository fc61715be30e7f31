import { describe, expect, it, vi } from "vitest";
import {
  CONTROL_PLAN_TABLES,
  DataChanges,
  ECONOMY_DATA_TABLES,
  PLANNING_TABLES,
  TABLES,
  WRITES,
  type Write,
} from "./changes";

describe("DataChanges", () => {
  it("reloads only the views that show a changed table", () => {
    const changes = new DataChanges();
    const grid = vi.fn();
    const plan = vi.fn();
    changes.watch(["indicator_value", "follow_up_period"], grid);
    changes.watch(["goal", "goal_link"], plan);
    changes.received(["indicator_value", "audit_log"]);
    expect(grid).toHaveBeenCalledTimes(1);
    expect(plan).not.toHaveBeenCalled();
  });

  it("reloads a view once per change however many of its tables changed", () => {
    const changes = new DataChanges();
    const card = vi.fn();
    changes.watch(["goal", "goal_link", "assessment"], card);
    changes.received(["goal", "goal_link", "goal_indicator", "activity_goal", "assessment"]);
    expect(card).toHaveBeenCalledTimes(1);
  });

  it("stops reloading a view that stopped watching", () => {
    const changes = new DataChanges();
    const view = vi.fn();
    const stop = changes.watch(["org_unit"], view);
    stop();
    changes.received(["org_unit"]);
    expect(view).not.toHaveBeenCalled();
  });

  it("announces a write's own tables and the change log while the core does not", () => {
    const changes = new DataChanges();
    const undo = vi.fn();
    const grid = vi.fn();
    changes.watch(["audit_log"], undo);
    changes.watch(["indicator_value"], grid);
    changes.wrote("pasteCells");
    expect(undo).toHaveBeenCalledTimes(1);
    expect(grid).toHaveBeenCalledTimes(1);
  });

  it("leaves announcing to the core once it has been heard, so nothing reloads twice", () => {
    const changes = new DataChanges();
    const grid = vi.fn();
    changes.watch(["indicator_value"], grid);
    changes.received(["setting"]);
    changes.wrote("pasteCells");
    expect(grid).not.toHaveBeenCalled();
    changes.received(["indicator_value"]);
    expect(grid).toHaveBeenCalledTimes(1);
  });
});

describe("WRITES", () => {
  it("names only tables that exist", () => {
    for (const tables of Object.values(WRITES)) {
      for (const table of tables) expect(TABLES).toContain(table);
    }
  });

  it("has an undo restore the whole steering model, economy edits and intern kontroll plans, and a restore everything", () => {
    expect([...WRITES.undoLast].sort()).toEqual(
      [...PLANNING_TABLES, ...ECONOMY_DATA_TABLES, ...CONTROL_PLAN_TABLES].sort(),
    );
    expect([...WRITES.restoreBackup].sort()).toEqual([...TABLES].sort());
  });

  it("has every planning form touch the table it is named after", () => {
    const own: [Write, string][] = [
      ["saveGoal", "goal"],
      ["saveIndicator", "indicator"],
      ["saveActivity", "activity"],
      ["addUnit", "org_unit"],
      ["startPlanYear", "plan_year"],
    ];
    for (const [write, table] of own) expect(WRITES[write]).toContain(table);
  });
});
