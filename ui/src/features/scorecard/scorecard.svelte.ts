// The scorecard of the chosen unit, year and period: the header, the scorecard tab and the
// follow-up tab read it.
import { tick } from "svelte";
import type { FirstView } from "../../generated/FirstView";
import type { Scorecard } from "../../generated/Scorecard";
import { api } from "../../lib/api";
import { dataChanges, STATUS_TABLES, type Table } from "../../lib/changes";
import { LastError } from "../../lib/errors.svelte";
import type { Session } from "../session/session.svelte";

/** A scorecard shows everything a status is computed from, and the assessments and activities. */
export const SCORECARD_TABLES: readonly Table[] = STATUS_TABLES;

export class ScorecardStore {
  card = $state<Scorecard | null>(null);
  loading = $state(true);
  readonly failure = new LastError();
  /** The first scorecard has been put on screen (reported once, for the start-up benchmark). */
  private painted = false;
  /** Loads started so far; the answer of an older one than the newest is dropped. */
  private requests = 0;

  /** `onStartChecksFailed`: the deferred check of a large database found it damaged. */
  constructor(
    private session: Session,
    private onStartChecksFailed: () => void,
  ) {}

  async load(): Promise<void> {
    const { unitId, year, periodId } = this.session;
    if (unitId === null || year === null) {
      this.loading = false;
      return;
    }
    this.loading = true;
    // Loads overlap (a reload after a save is still on its way when the user picks another
    // unit): only the newest one may put its card on screen, or a slow earlier answer would
    // show the unit chosen before under the one selected in the tree.
    const request = ++this.requests;
    let card: Scorecard;
    try {
      card = await api.scorecard(unitId, year, periodId);
    } catch (raw) {
      if (request === this.requests) {
        this.failure.fail(raw);
        this.loading = false;
      }
      return;
    }
    if (request !== this.requests) return;
    this.failure.clear();
    this.put(card);
    await this.reportPainted();
    this.loading = false;
  }

  /** The scorecard the first view brought along (`Session.start`), or why it could not be built. */
  async show(view: FirstView): Promise<void> {
    this.requests++; // a load still on its way answers for an older choice
    if (view.scorecard) {
      this.put(view.scorecard);
      this.failure.clear();
      await this.reportPainted();
    } else if (view.scorecard_error) {
      this.failure.fail(view.scorecard_error);
    } else {
      // Nothing to show yet (no plan year): the first view is the whole truth, so what an
      // earlier load said about the file before (a restore replaced it) goes with it.
      this.card = null;
      this.failure.clear();
    }
    this.loading = false;
  }

  private put(card: Scorecard): void {
    this.card = card;
    this.session.periodId = card.period.id;
  }

  /** Once, when the first scorecard is on screen: report it and start the deferred checks. */
  private async reportPainted(): Promise<void> {
    if (this.painted) return;
    this.painted = true;
    await tick();
    requestAnimationFrame(() => {
      void api.scorecardPainted(performance.now()).catch(() => {});
      void this.finishStartChecks();
    });
  }

  /** A large database is checked page by page after the first scorecard is on screen. */
  private async finishStartChecks(): Promise<void> {
    try {
      const done = await api.finishStartChecks();
      const info = this.session.info;
      if (info && done.daily_backup_error) info.daily_backup_error = done.daily_backup_error;
    } catch (raw) {
      this.card = null;
      this.failure.fail(raw);
      this.onStartChecksFailed();
    }
  }

  watch(): () => void {
    return dataChanges.watch(SCORECARD_TABLES, () => void this.load());
  }
}
