// The economy grid of a period: driftredovisning per nämnd and bolag, investments, the
// resultaträkning, balansräkning and balanskravsutredning. Amounts come from the core as exact
// öre with their text in the report's unit (tkr or mnkr); typed and pasted text goes back as
// text, read exactly by the core. Sums and avvikelse are computed there, never here.
import type { CellProblem } from "../../generated/CellProblem";
import type { EconomyPart } from "../../generated/EconomyPart";
import type { EconomyReport } from "../../generated/EconomyReport";
import type { EconomyTarget } from "../../generated/EconomyTarget";
import type { InvestmentField } from "../../generated/InvestmentField";
import type { OperatingField } from "../../generated/OperatingField";
import type { ReviewAction } from "../../generated/ReviewAction";
import type { Statement } from "../../generated/Statement";
import type { StatementColumn } from "../../generated/StatementColumn";
import { api } from "../../lib/api";
import { dataChanges, type Table } from "../../lib/changes";
import { LastError } from "../../lib/errors.svelte";

/** The grid shows the economy tables, the units and periods (names, locks) and the display unit. */
export const ECONOMY_TABLES: readonly Table[] = [
  "org_unit",
  "follow_up_period",
  "economy_operating",
  "investment_project",
  "investment_follow_up",
  "statement_amount",
  "economy_review",
  "setting",
];

/** A table of the grid: the driftredovisning, the investments, or one of the statements. */
export type Section = "operating" | Statement | "investments";

export const OPERATING_FIELDS: OperatingField[] = ["budget_year", "budget_period", "actual", "forecast", "deviation"];
export const INVESTMENT_FIELDS: InvestmentField[] = ["budget_year", "actual", "forecast", "deviation"];
export const STATEMENT_COLUMNS: StatementColumn[] = ["actual", "actual_last_year", "budget", "forecast"];

export type Refused = { text: string; reason: string; reason_en: string };

export const cellKey = (section: Section, row: number, column: number): string => `${section}:${row}:${column}`;

/** An amount's text for an input: empty for none. */
export const inputText = (text: string): string => (text === "–" ? "" : text);

/** The rows a section's cells are addressed by, in the order shown (total rows left out). */
export function rowIds(e: EconomyReport, section: Section): (number | string)[] {
  switch (section) {
    case "operating":
      return [...e.operating, ...e.companies].map((l) => l.org_unit_id ?? 0);
    case "investments":
      return e.investments.map((l) => l.project_id ?? 0);
    default:
      return e.statements.find((s) => s.statement === section)?.lines.map((l) => l.key) ?? [];
  }
}

export function columnCount(section: Section): number {
  return section === "operating"
    ? OPERATING_FIELDS.length
    : section === "investments"
      ? INVESTMENT_FIELDS.length
      : STATEMENT_COLUMNS.length;
}

/** The cells from (row, column) on, by what they are: what the core saves to. */
export function targetAt(e: EconomyReport, section: Section, row: number, column: number): EconomyTarget {
  const ids = rowIds(e, section).slice(row);
  switch (section) {
    case "operating":
      return { section: "operating", unit_ids: ids as number[], fields: OPERATING_FIELDS.slice(column) };
    case "investments":
      return { section: "investments", project_ids: ids as number[], fields: INVESTMENT_FIELDS.slice(column) };
    default:
      return { section: "statements", row_keys: ids as string[], columns: STATEMENT_COLUMNS.slice(column) };
  }
}

/** The refused cells of a paste anchored at (row, column) of a section. */
export function withProblems(
  refused: Record<string, Refused>,
  section: Section,
  anchorRow: number,
  anchorColumn: number,
  problems: CellProblem[],
): Record<string, Refused> {
  const next = { ...refused };
  for (const p of problems) {
    next[cellKey(section, anchorRow + p.row - 1, anchorColumn + p.column - 1)] = {
      text: p.text,
      reason: p.reason,
      reason_en: p.reason_en,
    };
  }
  return next;
}

export class EconomyStore {
  economy = $state<EconomyReport | null>(null);
  refused = $state<Record<string, Refused>>({});
  saving = $state(false);
  lastSaved = $state<number | null>(null);
  readonly failure = new LastError();
  private year = 0;
  private periodId = 0;

  select(year: number, periodId: number): Promise<void> {
    this.year = year;
    this.periodId = periodId;
    this.refused = {};
    return this.load();
  }

  async load(): Promise<void> {
    await this.failure.run(async () => {
      this.economy = await api.economy(this.year, this.periodId);
    });
  }

  /** Save the text typed (one amount) or pasted (a block) at (row, column) of a section; all or nothing. */
  async save(section: Section, row: number, column: number, text: string, current: string | null): Promise<void> {
    const economy = this.economy;
    if (!economy) return;
    const k = cellKey(section, row, column);
    if (current !== null && text === current && !this.refused[k]) return;
    this.saving = true;
    await this.failure.run(async () => {
      const outcome = await api.pasteEconomy(this.year, this.periodId, targetAt(economy, section, row, column), text);
      this.economy = outcome.economy;
      if (outcome.problems.length > 0) {
        const kept = current === null ? {} : this.refused;
        this.refused = withProblems(kept, section, row, column, outcome.problems);
      } else {
        if (current === null) {
          this.refused = {};
        } else {
          const { [k]: _gone, ...rest } = this.refused;
          this.refused = rest;
        }
        this.lastSaved = outcome.saved;
        dataChanges.wrote("pasteEconomy");
      }
    });
    this.saving = false;
  }

  async review(part: EconomyPart, unitId: number | null, action: ReviewAction): Promise<void> {
    if (await this.failure.run(() => api.reviewEconomy(this.periodId, part, unitId, action)))
      dataChanges.wrote("reviewEconomy");
  }

  watch(): () => void {
    return dataChanges.watch(ECONOMY_TABLES, () => void this.load());
  }
}
