//! The window's economy grid: typing and pasting blocks from Excel into the driftredovisning,
//! the investments or a statement, in the display unit (tkr or mnkr). A block is addressed by
//! ids (units, projects, line keys and the columns it covers), never by screen position; it
//! is read whole (`follow_up::paste`, `amount::parse`) and saved in one transaction as one
//! undo step, or not at all: every cell that cannot be read, lands outside the grid, on a
//! locked period or a part no longer in draft is returned with its place and reason. Cells on
//! a computed column or line (avvikelse, sums) are accepted only when they agree with what
//! the other cells add up to, so a whole resultaträkning copied from Excel can be pasted.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::amount::{self, AmountUnit};
use super::report::{self, EconomyReport};
use super::statement::{self, LineKind};
use super::{InvestmentFollowUp, OperatingRow};
use crate::error::{Msg, Result};
use crate::follow_up::paste::{self, CellProblem};
use crate::model::{EconomyPart, EconomySource, StatementColumn, StatementScope};
use crate::msg;
use crate::store::{economy, ChangeContext, Store, Writer};

/// A column of the driftredovisning in the grid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum OperatingField {
    BudgetYear,
    BudgetPeriod,
    Actual,
    Forecast,
    /// Computed: prognos − budget helår.
    Deviation,
}

/// A column of the investments in the grid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum InvestmentField {
    BudgetYear,
    Actual,
    Forecast,
    /// Computed: budget − prognos.
    Deviation,
}

/// Where a typed amount or a pasted block lands: the rows from the starting cell down and
/// the columns from it to the right, by what they are, as the window shows them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "section", rename_all = "snake_case")]
#[ts(export)]
pub enum EconomyTarget {
    Operating { unit_ids: Vec<i64>, fields: Vec<OperatingField> },
    Investments { project_ids: Vec<i64>, fields: Vec<InvestmentField> },
    Statements { row_keys: Vec<String>, columns: Vec<StatementColumn> },
}

/// The outcome of typing or pasting: the refreshed economy, or the cells that were refused
/// (and then nothing was saved).
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct EconomyPasteOutcome {
    pub economy: EconomyReport,
    pub saved: u32,
    pub problems: Vec<CellProblem>,
}

/// Type or paste `block` into the economy of `period_id` at `target`.
pub fn paste_and_save(
    store: &mut Store,
    ctx: &ChangeContext,
    year: i32,
    period_id: i64,
    target: &EconomyTarget,
    block: &str,
) -> Result<EconomyPasteOutcome> {
    let unit = report::display_unit(store)?;
    let period = store.period(period_id)?;
    let mut problems = Vec::new();
    let cells: Vec<Vec<Option<i64>>> = paste::split_block(block)
        .iter()
        .enumerate()
        .map(|(r, row)| {
            row.iter()
                .enumerate()
                .map(|(c, text)| match amount::parse(text, unit) {
                    Ok(v) => v,
                    Err(reason) => {
                        problems.push(CellProblem::new(r as u32 + 1, c as u32 + 1, text.clone(), reason));
                        None
                    }
                })
                .collect()
        })
        .collect();
    if !problems.is_empty() {
        return Ok(EconomyPasteOutcome { economy: report::of_period_in(store, year, period_id, unit)?, saved: 0, problems });
    }
    let label = format!("Ekonomi i {}", period.name);
    let outcome = store.write(ctx, |w| w.journaled(&label, |w| w.paste_economy(period_id, target, &cells, unit)))?;
    let economy = report::of_period_in(store, year, period_id, unit)?;
    Ok(match outcome {
        Ok(saved) => EconomyPasteOutcome { economy, saved, problems: Vec::new() },
        Err(problems) => EconomyPasteOutcome { economy, saved: 0, problems },
    })
}

/// An amount typed at (row, column) of the block, on a computed cell.
type Typed = (usize, usize, i64);

fn outside() -> Msg {
    msg!(
        "Det inklistrade blocket går utanför tabellen. Markera en cell längre upp eller till vänster, eller klistra in färre rader och kolumner.",
        "The pasted block goes beyond the table. Select a cell further up or to the left, or paste fewer rows and columns."
    )
}

fn computed_differs(typed: i64, computed: Option<i64>, unit: AmountUnit) -> Option<Msg> {
    let shown = amount::format_opt(computed, unit);
    (amount::format(typed, unit) != shown).then(|| {
        msg!(
            "Cellen räknas fram ({shown} enligt de andra cellerna) och kan inte skrivas i. Ändra raderna den räknas fram ur.",
            "The cell is computed ({shown} from the other cells) and cannot be typed in. Change the rows it is computed from."
        )
    })
}

impl Writer<'_> {
    /// Put a parsed block into the economy of a period inside this transaction. With any
    /// problem nothing is written and the problems come back; else the number of cells saved.
    pub fn paste_economy(
        &mut self,
        period_id: i64,
        target: &EconomyTarget,
        block: &[Vec<Option<i64>>],
        unit: AmountUnit,
    ) -> Result<std::result::Result<u32, Vec<CellProblem>>> {
        let mut problems = Vec::new();
        let problem = |r: usize, c: usize, reason: Msg| CellProblem::new(r as u32 + 1, c as u32 + 1, String::new(), reason);
        let closed = |w: &Writer<'_>, part: EconomyPart, unit_id: i64| -> Result<Option<Msg>> {
            match economy::require_editable(w.read(), period_id, part, unit_id) {
                Ok(()) => Ok(None),
                Err(e) if matches!(e.code, crate::ErrorCode::PeriodLocked | crate::ErrorCode::Conflict | crate::ErrorCode::Validation) => {
                    Ok(Some(e.msg()))
                }
                Err(e) => Err(e),
            }
        };
        let mut saved = 0;
        match target {
            EconomyTarget::Operating { unit_ids, fields } => {
                let mut rows: Vec<(OperatingRow, Vec<Typed>)> = Vec::new();
                for (r, cells) in block.iter().enumerate() {
                    let Some(&unit_id) = unit_ids.get(r) else {
                        problems.extend(cells.iter().enumerate().map(|(c, _)| problem(r, c, outside())));
                        continue;
                    };
                    let stored = economy::operating_at(self.read(), unit_id, period_id)?;
                    let mut row = stored.unwrap_or(OperatingRow {
                        org_unit_id: unit_id,
                        budget_year: None,
                        budget_period: None,
                        actual: None,
                        forecast: None,
                        comment: String::new(),
                        source: EconomySource::Manual,
                    });
                    row.source = EconomySource::Manual;
                    let refused = match crate::store::units::get(self.read(), unit_id).and_then(|u| super::rules::check_operating_unit(&u))
                    {
                        Ok(()) => closed(self, EconomyPart::Operating, unit_id)?,
                        Err(e) => Some(e.msg()),
                    };
                    let mut deviations = Vec::new();
                    for (c, value) in cells.iter().enumerate() {
                        let Some(field) = fields.get(c) else {
                            problems.push(problem(r, c, outside()));
                            continue;
                        };
                        // An empty cell on the computed column changes nothing.
                        if *field == OperatingField::Deviation && value.is_none() {
                            continue;
                        }
                        if let Some(reason) = &refused {
                            problems.push(problem(r, c, reason.clone()));
                            continue;
                        }
                        match field {
                            OperatingField::BudgetYear => row.budget_year = *value,
                            OperatingField::BudgetPeriod => row.budget_period = *value,
                            OperatingField::Actual => row.actual = *value,
                            OperatingField::Forecast => row.forecast = *value,
                            OperatingField::Deviation => {
                                if let Some(v) = value {
                                    deviations.push((r, c, *v));
                                }
                            }
                        }
                    }
                    rows.push((row, deviations));
                }
                for (row, deviations) in &rows {
                    let computed = row.forecast.zip(row.budget_year).map(|(f, b)| f - b);
                    for (r, c, v) in deviations {
                        if let Some(reason) = computed_differs(*v, computed, unit) {
                            problems.push(problem(*r, *c, reason));
                        }
                    }
                }
                if problems.is_empty() {
                    for (row, _) in &rows {
                        let before = economy::operating_at(self.read(), row.org_unit_id, period_id)?;
                        let old = before.as_ref().map(|b| [b.budget_year, b.budget_period, b.actual, b.forecast]).unwrap_or_default();
                        let new = [row.budget_year, row.budget_period, row.actual, row.forecast];
                        if economy::put_operating(self, period_id, row)? {
                            saved += old.iter().zip(&new).filter(|(a, b)| a != b).count() as u32;
                        }
                    }
                }
            }
            EconomyTarget::Investments { project_ids, fields } => {
                let root = economy::municipality(self.read())?;
                let refused = closed(self, EconomyPart::Investments, root)?;
                let mut rows = Vec::new();
                for (r, cells) in block.iter().enumerate() {
                    let project = match project_ids.get(r) {
                        Some(id) => economy::project(self.read(), *id)?,
                        None => None,
                    };
                    let Some(project) = project else {
                        problems.extend(cells.iter().enumerate().map(|(c, _)| problem(r, c, outside())));
                        continue;
                    };
                    let stored = economy::follow_up_at(self.read(), project.id, period_id)?;
                    let mut row = stored.unwrap_or(InvestmentFollowUp {
                        project_id: project.id,
                        actual: None,
                        forecast: None,
                        comment: String::new(),
                        source: EconomySource::Manual,
                    });
                    row.source = EconomySource::Manual;
                    let mut budget = project.budget_year;
                    let mut deviations = Vec::new();
                    for (c, value) in cells.iter().enumerate() {
                        let Some(field) = fields.get(c) else {
                            problems.push(problem(r, c, outside()));
                            continue;
                        };
                        if *field == InvestmentField::Deviation && value.is_none() {
                            continue;
                        }
                        if let Some(reason) = &refused {
                            problems.push(problem(r, c, reason.clone()));
                            continue;
                        }
                        match field {
                            InvestmentField::BudgetYear => budget = *value,
                            InvestmentField::Actual => row.actual = *value,
                            InvestmentField::Forecast => row.forecast = *value,
                            InvestmentField::Deviation => {
                                if let Some(v) = value {
                                    deviations.push((r, c, *v));
                                }
                            }
                        }
                    }
                    let computed = budget.zip(row.forecast).map(|(b, f)| b - f);
                    for (r, c, v) in deviations {
                        if let Some(reason) = computed_differs(v, computed, unit) {
                            problems.push(problem(r, c, reason));
                        }
                    }
                    rows.push((project.id, budget, row));
                }
                if problems.is_empty() {
                    for (id, budget, row) in &rows {
                        saved += u32::from(economy::set_project_budget(self, *id, period_id, *budget)?);
                        let before = economy::follow_up_at(self.read(), *id, period_id)?;
                        let old = before.as_ref().map(|b| [b.actual, b.forecast]).unwrap_or_default();
                        if economy::put_follow_up(self, period_id, row)? {
                            saved += old.iter().zip(&[row.actual, row.forecast]).filter(|(a, b)| a != b).count() as u32;
                        }
                    }
                }
            }
            EconomyTarget::Statements { row_keys, columns } => {
                let root = economy::municipality(self.read())?;
                let refused = closed(self, EconomyPart::Statements, root)?;
                // The amounts after the paste, per column, to check pasted sums against.
                let stored = economy::statements_of_period(self.read(), period_id)?;
                let mut after: HashMap<StatementColumn, HashMap<&'static str, i64>> = HashMap::new();
                for a in stored.iter().filter(|a| a.scope == StatementScope::Kommun) {
                    if let Some(l) = statement::line(&a.row_key) {
                        after.entry(a.column).or_default().insert(l.key, a.amount);
                    }
                }
                let mut writes = Vec::new();
                let mut sums = Vec::new();
                for (r, cells) in block.iter().enumerate() {
                    let line = row_keys.get(r).and_then(|k| statement::line(k));
                    let Some(line) = line else {
                        problems.extend(cells.iter().enumerate().map(|(c, _)| problem(r, c, outside())));
                        continue;
                    };
                    for (c, value) in cells.iter().enumerate() {
                        let Some(&column) = columns.get(c) else {
                            problems.push(problem(r, c, outside()));
                            continue;
                        };
                        if matches!(line.kind, LineKind::Sum(_)) && value.is_none() {
                            continue;
                        }
                        if let Some(reason) = &refused {
                            problems.push(problem(r, c, reason.clone()));
                            continue;
                        }
                        match line.kind {
                            LineKind::Entered => {
                                let entry = after.entry(column).or_default();
                                match value {
                                    Some(v) => entry.insert(line.key, *v),
                                    None => entry.remove(line.key),
                                };
                                writes.push((line.key, column, *value));
                            }
                            LineKind::Sum(_) => {
                                if let Some(v) = value {
                                    sums.push((r, c, line.key, column, *v));
                                }
                            }
                        }
                    }
                }
                for (r, c, key, column, v) in sums {
                    let computed = statement::compute(after.get(&column).unwrap_or(&HashMap::new()));
                    if let Some(reason) = computed_differs(v, computed.get(key).copied().flatten(), unit) {
                        problems.push(problem(r, c, reason));
                    }
                }
                if problems.is_empty() {
                    for (key, column, value) in writes {
                        saved += u32::from(economy::put_statement(
                            self,
                            period_id,
                            StatementScope::Kommun,
                            key,
                            column,
                            value,
                            EconomySource::Manual,
                        )?);
                    }
                }
            }
        }
        if problems.is_empty() {
            Ok(Ok(saved))
        } else {
            Ok(Err(problems))
        }
    }
}
