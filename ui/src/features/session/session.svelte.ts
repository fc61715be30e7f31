// The open database and what the window is looking at: app info, the organisation, the plan
// years and the chosen unit, year and period.
import type { AppInfo } from "../../generated/AppInfo";
import type { FirstView } from "../../generated/FirstView";
import type { PlanYear } from "../../generated/PlanYear";
import type { UnitNode } from "../../generated/UnitNode";
import { api } from "../../lib/api";
import { dataChanges, type Table } from "../../lib/changes";
import { LastError } from "../../lib/errors.svelte";

/** The unit tree shows the organisation; the year choice shows the plan years. */
export const TREE_TABLES: readonly Table[] = ["org_unit"];
export const YEAR_TABLES: readonly Table[] = ["plan_year"];

export class Session {
  info = $state<AppInfo | null>(null);
  tree = $state<UnitNode[]>([]);
  years = $state<PlanYear[]>([]);
  unitId = $state<number | null>(null);
  year = $state<number | null>(null);
  periodId = $state<number | null>(null);
  readonly failure = new LastError();

  /**
   * Read the app info, the organisation and the plan years, and look at the first unit and its
   * default year, all in one call that also brings that unit's scorecard (`FirstView`). Null when
   * the window cannot go on (the database did not open: `failure` says why).
   */
  async start(): Promise<FirstView | null> {
    try {
      const view = await api.firstView(this.periodId);
      this.info = view.info;
      if (view.info.open_error) throw view.info.open_error;
      this.tree = view.tree;
      this.years = view.years;
      this.unitId = view.unit_id;
      this.year = view.year;
      this.failure.clear();
      return view;
    } catch (raw) {
      this.failure.fail(raw);
      return null;
    }
  }

  /** The database could not be opened: the backups are the way on. */
  get openFailed(): boolean {
    return !!this.info?.open_error;
  }

  async loadTree(): Promise<void> {
    await this.failure.run(async () => {
      this.tree = await api.unitTree();
    });
  }

  async loadYears(): Promise<void> {
    await this.failure.run(async () => {
      this.years = await api.planYears();
    });
  }

  watch(): () => void {
    const stops = [
      dataChanges.watch(TREE_TABLES, () => void this.loadTree()),
      dataChanges.watch(YEAR_TABLES, () => void this.loadYears()),
    ];
    return () => stops.forEach((stop) => stop());
  }
}
