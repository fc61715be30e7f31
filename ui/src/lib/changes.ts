// Which tables changed, so each view reloads only when something it shows changed.
//
// The core emits `data-changed` with the SQLite tables a command wrote. Each feature module
// declares the tables its view shows and watches them here. Until the core is heard emitting
// the event, a write the window made announces its own tables (`wrote`), from `WRITES` below,
// so the window stays correct with a core that does not emit it yet.
import type { UnlistenFn } from "@tauri-apps/api/event";
import { api, onDataChanged } from "./api";

export const TABLES = [
  "org_unit",
  "plan_year",
  "perspective",
  "assessment_scale",
  "assessment_step",
  "goal",
  "goal_link",
  "indicator",
  "indicator_target",
  "goal_indicator",
  "activity",
  "activity_goal",
  "follow_up_period",
  "indicator_value",
  "assessment",
  "activity_follow_up",
  "report_text",
  "unit_mission",
  "service_guarantee",
  "service_guarantee_follow_up",
  "goal_global_goal",
  "indicator_global_goal",
  "control_plan",
  "control_risk",
  "control",
  "control_follow_up",
  "assignment",
  "assignment_goal",
  "assignment_follow_up",
  "economy_operating",
  "investment_project",
  "investment_follow_up",
  "statement_amount",
  "economy_review",
  "kolada_kpi",
  "kolada_value",
  "setting",
  "audit_log",
] as const;
export type Table = (typeof TABLES)[number];

/** The steering model of a plan year: what the Styrmodell tab edits and an undo restores. */
export const PLANNING_TABLES: readonly Table[] = [
  "org_unit",
  "plan_year",
  "perspective",
  "assessment_scale",
  "assessment_step",
  "goal",
  "goal_link",
  "indicator",
  "indicator_target",
  "goal_indicator",
  "activity",
  "activity_goal",
  "unit_mission",
  "service_guarantee",
  "goal_global_goal",
  "indicator_global_goal",
  "assignment",
  "assignment_goal",
];

/** The follow-up of a period: values, assessments, activity follow-up and the periods themselves. */
export const FOLLOW_UP_TABLES: readonly Table[] = [
  "follow_up_period",
  "indicator_value",
  "assessment",
  "activity_follow_up",
  "service_guarantee_follow_up",
];

/** The follow-up of uppdrag, intern kontroll and tjänstegarantier (issue 16), per period. */
export const STEERING_FOLLOW_UP_TABLES: readonly Table[] = [
  "assignment_follow_up",
  "control_follow_up",
  "service_guarantee_follow_up",
];

/** A period's economy: driftredovisning, investments, statements and their review. */
export const ECONOMY_DATA_TABLES: readonly Table[] = [
  "economy_operating",
  "investment_project",
  "investment_follow_up",
  "statement_amount",
  "economy_review",
];

/** Intern kontroll: the plans (risks, controls) a save or an undo changes, and their follow-up. */
export const CONTROL_PLAN_TABLES: readonly Table[] = ["control_plan", "control_risk", "control", "control_follow_up"];

/** What a status is computed from: the model, the follow-up and Kolada (with its settings). */
export const STATUS_TABLES: readonly Table[] = [
  ...PLANNING_TABLES,
  ...FOLLOW_UP_TABLES,
  "kolada_kpi",
  "kolada_value",
  "setting",
];

/** The tables each of the window's writes changes (besides `audit_log`, which every write appends to). */
export const WRITES = {
  pasteCells: ["indicator_value"],
  pasteEconomy: ["economy_operating", "investment_project", "investment_follow_up", "statement_amount"],
  reviewEconomy: ["economy_review"],
  applyEconomyTemplate: ["economy_operating", "statement_amount"],
  sieImport: ["economy_operating", "statement_amount", "investment_follow_up"],
  applyValueTemplate: ["indicator_value"],
  saveAssessment: ["assessment"],
  reviewAssessment: ["assessment"],
  setActivityFollowUp: ["activity_follow_up"],
  saveReportText: ["report_text"],
  assignReportText: ["report_text"],
  reviewReportText: ["report_text"],
  setPeriodLocked: ["follow_up_period"],
  setPeriodDeadline: ["follow_up_period"],
  ensureDefaultPeriods: ["follow_up_period"],
  createMonthPeriods: ["follow_up_period"],
  applyExchange: ["indicator_value", "assessment", "activity_follow_up", ...STEERING_FOLLOW_UP_TABLES],
  importKoladaFiles: ["kolada_kpi", "kolada_value"],
  fetchKolada: ["kolada_kpi", "kolada_value"],
  saveKoladaSettings: ["setting"],
  saveReportSettings: ["setting"],
  setUserName: ["setting"],
  addUnit: ["org_unit"],
  renameUnit: ["org_unit"],
  moveUnit: ["org_unit"],
  setUnitActive: ["org_unit"],
  startPlanYear: ["plan_year", "perspective", "assessment_scale", "assessment_step", "follow_up_period"],
  copyPlanYear: [...PLANNING_TABLES, "follow_up_period", "control_plan", "control_risk", "control"],
  setVision: ["plan_year"],
  createPerspective: ["perspective"],
  renamePerspective: ["perspective"],
  movePerspective: ["perspective"],
  removePerspective: ["perspective"],
  setScaleSteps: ["assessment_scale", "assessment_step"],
  setScaleStep: ["assessment_step"],
  saveGoal: ["goal", "goal_link", "goal_global_goal"],
  deleteGoal: ["goal", "goal_link", "goal_indicator", "activity_goal", "assessment"],
  saveIndicator: ["indicator", "indicator_target", "goal_indicator", "indicator_global_goal"],
  saveUnitMission: ["unit_mission"],
  saveGuarantee: ["service_guarantee"],
  deleteGuarantee: ["service_guarantee", "service_guarantee_follow_up"],
  moveGuarantee: ["service_guarantee"],
  followUpGuarantee: ["service_guarantee_follow_up"],
  reviewGuarantee: ["service_guarantee_follow_up"],
  setIndicatorActive: ["indicator"],
  saveActivity: ["activity", "activity_goal"],
  deleteActivity: ["activity", "activity_goal", "activity_follow_up"],
  saveAssignment: ["assignment", "assignment_goal"],
  deleteAssignment: ["assignment", "assignment_goal", "assignment_follow_up"],
  saveAssignmentFollowUp: ["assignment_follow_up"],
  reviewAssignmentFollowUp: ["assignment_follow_up"],
  saveControlPlan: ["control_plan"],
  saveControlRisk: ["control_risk"],
  deleteControlRisk: ["control_risk", "control", "control_follow_up"],
  saveControl: ["control"],
  deleteControl: ["control", "control_follow_up"],
  saveControlFollowUp: ["control_follow_up"],
  reviewControlFollowUp: ["control_follow_up"],
  undoLast: [
    ...PLANNING_TABLES,
    ...ECONOMY_DATA_TABLES,
    "control_plan",
    "control_risk",
    "control",
    "control_follow_up",
  ],
  restoreBackup: TABLES,
} satisfies Partial<Record<keyof typeof api, readonly Table[]>>;
export type Write = keyof typeof WRITES;

type Watcher = { tables: ReadonlySet<string>; reload: () => void };

export class DataChanges {
  private watchers = new Set<Watcher>();
  /** Set once the core has sent `data-changed`: from then on it alone says what changed. */
  private coreAnnounces = false;

  /** Call `reload` whenever one of `tables` changes; returns the function that stops watching. */
  watch(tables: readonly Table[], reload: () => void): () => void {
    const watcher: Watcher = { tables: new Set(tables), reload };
    this.watchers.add(watcher);
    return () => this.watchers.delete(watcher);
  }

  /** The core's `data-changed` event. */
  received(tables: readonly string[]): void {
    this.coreAnnounces = true;
    this.dispatch(tables);
  }

  /** A write the window sent succeeded: announce its tables unless the core does so itself. */
  wrote(write: Write): void {
    if (!this.coreAnnounces) this.dispatch([...WRITES[write], "audit_log"]);
  }

  private dispatch(tables: readonly string[]): void {
    // Copied first: a reload may start or stop watching.
    for (const w of [...this.watchers]) {
      if (tables.some((table) => w.tables.has(table))) w.reload();
    }
  }

  /** Listen to the core's event for the life of the window. */
  listen(): Promise<UnlistenFn> {
    return onDataChanged((tables) => this.received(tables));
  }
}

/** The window's one record of changes. */
export const dataChanges = new DataChanges();
