// Which views a write reloads: each feature declares the tables it shows.
import { describe, expect, it } from "vitest";
import { WRITES, type Table, type Write } from "../lib/changes";
import { COMPLETENESS_TABLES } from "./completeness/completeness.svelte";
import { ECONOMY_TABLES } from "./economy/economy.svelte";
import { PLAN_TABLES } from "./planning/plan.svelte";
import { RED_TABLES } from "./red/red.svelte";
import { RED_THREAD_TABLES } from "./red-thread/redthread.svelte";
import { REPORT_TEXT_TABLES } from "./texts/texts.svelte";
import { SCORECARD_TABLES } from "./scorecard/scorecard.svelte";
import { TREE_TABLES, YEAR_TABLES } from "./session/session.svelte";
import { UNDO_TABLES } from "./undo/undo.svelte";
import { VALUE_GRID_TABLES } from "./values/values.svelte";
import { MISSION_TABLES } from "./missions/missions.svelte";
import { AGENDA_TABLES } from "./agenda2030/agenda.svelte";

const VIEWS: Record<string, readonly Table[]> = {
  scorecard: SCORECARD_TABLES,
  values: VALUE_GRID_TABLES,
  completeness: COMPLETENESS_TABLES,
  economy: ECONOMY_TABLES,
  red: RED_TABLES,
  thread: RED_THREAD_TABLES,
  plan: PLAN_TABLES,
  tree: TREE_TABLES,
  years: YEAR_TABLES,
  undo: UNDO_TABLES,
  texts: REPORT_TEXT_TABLES,
  missions: MISSION_TABLES,
  agenda: AGENDA_TABLES,
};

/** The views a write reloads (as the core's event or the write's own announcement names its tables). */
function reloadedBy(write: Write): string[] {
  const tables: readonly string[] = [...WRITES[write], "audit_log"];
  return Object.entries(VIEWS)
    .filter(([, watched]) => watched.some((table) => tables.includes(table)))
    .map(([name]) => name)
    .sort();
}

describe("a write reloads the views that show what it changed, and only those", () => {
  it("a typed value: the scorecard and the follow-up views, not the plan or the tree", () => {
    expect(reloadedBy("pasteCells")).toEqual([
      "agenda",
      "completeness",
      "red",
      "scorecard",
      "thread",
      "undo",
      "values",
    ]);
  });

  it("a goal saved: the plan, the scorecard and the thread, not the value grid", () => {
    const views = reloadedBy("saveGoal");
    expect(views).toEqual(expect.arrayContaining(["plan", "scorecard", "thread", "undo"]));
    expect(views).not.toContain("values");
    expect(views).not.toContain("tree");
  });

  it("a guarantee followed up: its panel on the scorecard, not the plan", () => {
    expect(reloadedBy("followUpGuarantee")).toEqual(expect.arrayContaining(["missions", "scorecard"]));
    expect(reloadedBy("followUpGuarantee")).not.toContain("plan");
    expect(reloadedBy("saveGoal")).toContain("agenda");
  });

  it("a unit added: the tree and the plan", () => {
    expect(reloadedBy("addUnit")).toEqual(expect.arrayContaining(["tree", "plan", "scorecard"]));
  });

  it("an undo: the tree, the years, the plan and the undo list itself", () => {
    expect(reloadedBy("undoLast")).toEqual(expect.arrayContaining(["tree", "years", "plan", "undo", "scorecard"]));
  });

  it("a Kolada fetch: the scorecard and the values (Kolada fills in), never the plan", () => {
    const views = reloadedBy("fetchKolada");
    expect(views).toEqual(expect.arrayContaining(["scorecard", "values"]));
    expect(views).not.toContain("plan");
  });

  it("a report text saved: the texts and the completeness overview, not the scorecard", () => {
    expect(reloadedBy("saveReportText")).toEqual(["completeness", "texts", "undo"]);
    expect(reloadedBy("reviewReportText")).toEqual(["completeness", "texts", "undo"]);
  });

  it("a period locked: the grid and the scorecard (the follow-up tab reads its lock)", () => {
    expect(reloadedBy("setPeriodLocked")).toEqual(expect.arrayContaining(["values", "scorecard", "completeness"]));
  });

  it("an economy edit: the economy grid, the overview and the undo list, not the scorecard or the values", () => {
    expect(reloadedBy("pasteEconomy")).toEqual(["completeness", "economy", "undo"]);
    expect(reloadedBy("reviewEconomy")).toEqual(["completeness", "economy", "undo"]);
  });

  it("an undo may put economy figures back: the economy grid reloads", () => {
    expect(reloadedBy("undoLast")).toContain("economy");
  });
});
