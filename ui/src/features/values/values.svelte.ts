// The value grid of a unit and plan year: typed and pasted values, refused cells, period locks.
import type { CellProblem } from "../../generated/CellProblem";
import type { PasteOutcome } from "../../generated/PasteOutcome";
import type { PasteTarget } from "../../generated/PasteTarget";
import type { ValueGrid } from "../../generated/ValueGrid";
import { api } from "../../lib/api";
import { dataChanges, type Table } from "../../lib/changes";
import { LastError } from "../../lib/errors.svelte";
import { formatNumber } from "../../lib/format";
import { locale, t } from "../../lib/locale.svelte";
import { cellIn, conflicts, isConflict, type ConflictDialog } from "../conflicts/conflict.svelte";

/** The grid shows the unit's indicators, their targets, values (Kolada's too) and the periods. */
export const VALUE_GRID_TABLES: readonly Table[] = [
  "org_unit",
  "indicator",
  "indicator_target",
  "indicator_value",
  "follow_up_period",
  "kolada_value",
];

export type Refused = { text: string; reason: string; reason_en: string };

export const cellKey = (row: number, column: number): string => `${row}:${column}`;

/** The refused cells of a paste anchored at (row, column), added to those already refused. */
export function withProblems(
  refused: Record<string, Refused>,
  anchorRow: number,
  anchorColumn: number,
  problems: CellProblem[],
): Record<string, Refused> {
  const next = { ...refused };
  for (const p of problems) {
    next[cellKey(anchorRow + p.row - 1, anchorColumn + p.column - 1)] = {
      text: p.text,
      reason: p.reason,
      reason_en: p.reason_en,
    };
  }
  return next;
}

/**
 * The cells from (row, column) on, by indicator, gender and period: what the core saves to,
 * with the versions loaded, so a cell someone else saved since is refused, not overwritten.
 */
export function targetAt(g: ValueGrid, row: number, column: number): PasteTarget {
  return {
    rows: g.rows.slice(row).map((r) => ({ indicator_id: r.indicator_id, gender: r.gender })),
    period_ids: g.periods.slice(column).map((p) => p.id),
    versions: g.rows.slice(row).map((r) => r.versions.slice(column)),
  };
}

export function shown(value: number | null, decimals: number): string {
  return value === null ? "" : formatNumber(value, decimals, locale.language);
}

export class ValueGridStore {
  grid = $state<ValueGrid | null>(null);
  /** Text the user typed that could not be saved, by "row:column", with the reason. */
  refused = $state<Record<string, Refused>>({});
  saving = $state(false);
  lastSaved = $state<number | null>(null);
  confirmUnlock = $state<number | null>(null);
  /**
   * The cell being typed in: the version it had when the user began and what they have typed.
   * A reload arriving meanwhile (someone else's save, live) neither replaces their text nor
   * lends the save its fresh version: the save names the version the edit began from, so a
   * change of that cell since is shown side by side, not overwritten.
   */
  editing = $state<{ key: string; version: number | null; text: string | null } | null>(null);
  readonly failure = new LastError();
  private unitId = 0;
  private year = 0;

  constructor(private readonly dialog: ConflictDialog = conflicts) {}

  /** Show another unit or year: what was refused in the last one is dropped. */
  select(unitId: number, year: number): Promise<void> {
    this.unitId = unitId;
    this.year = year;
    this.refused = {};
    return this.load();
  }

  /** Fetch the grid again, keeping what the user typed that was refused. */
  async load(): Promise<void> {
    await this.failure.run(async () => {
      this.grid = await api.valueGrid(this.unitId, this.year);
    });
  }

  /** The user put the cursor in (row, column): remember the version the edit begins from. */
  begin(row: number, column: number): void {
    const k = cellKey(row, column);
    if (this.editing?.key === k) return;
    this.editing = { key: k, version: this.grid?.rows[row]?.versions[column] ?? null, text: null };
  }

  /** What the user has typed so far in (row, column). */
  typing(row: number, column: number, text: string): void {
    if (this.editing?.key === cellKey(row, column)) this.editing = { ...this.editing, text };
  }

  /** The cursor left (row, column). */
  end(row: number, column: number): void {
    if (this.editing?.key === cellKey(row, column)) this.editing = null;
  }

  /** The text being typed in (row, column), or null when the cell shows what is stored. */
  typed(row: number, column: number): string | null {
    return this.editing?.key === cellKey(row, column) ? this.editing.text : null;
  }

  /** Save the text typed (one value) or pasted (a block) at (row, column); all or nothing. */
  async save(row: number, column: number, text: string, block: boolean): Promise<void> {
    const grid = this.grid;
    if (!grid) return;
    const k = cellKey(row, column);
    if (!block) {
      const current = shown(grid.rows[row]?.values[column] ?? null, grid.rows[row]?.decimals ?? 0);
      if (text === current && !this.refused[k]) return;
    }
    const target = targetAt(grid, row, column);
    const from = this.editing?.key === k ? this.editing : null;
    const first = target.versions?.[0];
    if (from && first) first[0] = from.version;
    this.saving = true;
    await this.failure.run(async () => {
      let outcome: PasteOutcome;
      try {
        outcome = await api.pasteCells(this.unitId, this.year, target, text);
      } catch (e) {
        if (!isConflict(e)) throw e;
        // Theirs is loaded with its version: "Spara mitt" saves over that, not over the
        // version the edit began from.
        if (this.editing?.key === k) this.editing = null;
        await this.conflicted(e, row, column, text, block);
        return;
      }
      this.grid = outcome.grid;
      if (this.editing?.key === k) {
        // Typing on in the same cell is a new edit of the version just saved.
        this.editing = { key: k, version: outcome.grid.rows[row]?.versions[column] ?? null, text: null };
      }
      if (outcome.problems.length > 0) {
        this.refused = withProblems(this.refused, row, column, outcome.problems);
      } else {
        if (block) {
          this.refused = {};
        } else {
          const { [k]: _gone, ...rest } = this.refused;
          this.refused = rest;
        }
        this.lastSaved = outcome.saved;
        dataChanges.wrote("pasteCells");
      }
    });
    this.saving = false;
  }

  /**
   * Someone else saved a cell of this save after the grid was loaded: nothing was saved. The
   * grid is loaded again (theirs, with its version) and the dialog shows theirs and yours;
   * "Spara mitt" saves the same text again over the versions now loaded.
   */
  private async conflicted(
    e: { message: string; field?: string },
    row: number,
    column: number,
    text: string,
    block: boolean,
  ): Promise<void> {
    const unitId = this.unitId;
    const year = this.year;
    this.grid = await api.valueGrid(unitId, year);
    const fresh = this.grid;
    const at = cellIn(fresh, e.field) ?? { row, column };
    const r = fresh.rows[at.row];
    const period = fresh.periods[at.column];
    this.dialog.show({
      subject: "value",
      what: r && period ? `${r.name}${r.gender === "T" ? "" : ` (${t(`gender.${r.gender}`)})`}, ${period.name}` : "",
      message: e.message,
      theirs: shown(r?.values[at.column] ?? null, r?.decimals ?? 0),
      yours: text,
      keepTheirs: () => {
        const { [cellKey(row, column)]: _gone, ...rest } = this.refused;
        this.refused = rest;
      },
      saveMine: async () => {
        if (this.unitId !== unitId || this.year !== year) return;
        await this.save(row, column, text, block);
        if (this.failure.current) throw this.failure.current;
      },
    });
  }

  /** Lock a period, or unlock it after a second click that confirms. */
  async toggleLock(periodId: number, locked: boolean): Promise<void> {
    if (locked && this.confirmUnlock !== periodId) {
      this.confirmUnlock = periodId;
      return;
    }
    this.confirmUnlock = null;
    if (await this.failure.run(() => api.setPeriodLocked(periodId, !locked))) dataChanges.wrote("setPeriodLocked");
  }

  watch(): () => void {
    return dataChanges.watch(VALUE_GRID_TABLES, () => void this.load());
  }
}
