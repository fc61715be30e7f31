//! Everything a report prints about a period's economy, ready to print: driftredovisning per
//! nämnd/förvaltning with a total and the bolag apart, investments with a total, the
//! resultaträkning, balansräkning and balanskravsutredning with their sums worked out
//! (`statement::compute`), every amount both exact (öre) and as text in the display unit
//! (tkr or mnkr, the report setting `report.economy_unit`), and each part's review state.
//! The window's economy grid shows the same data.

use std::collections::HashMap;

use serde::Serialize;
use ts_rs::TS;

use super::amount::{self, AmountUnit};
use super::statement::{self, LineKind, Statement};
use super::PartReview;
use crate::error::Result;
use crate::model::{AssessmentState, EconomyPart, Period, StatementColumn, StatementScope, UnitKind};
use crate::store::{economy, units, Store};

/// An amount: exact, and as the report shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct Amount {
    /// Öre; `None` when nothing is entered.
    pub ore: Option<i64>,
    /// In the display unit, Swedish style ("−14 000", "–" for none).
    pub text: String,
}

impl Amount {
    fn of(ore: Option<i64>, unit: AmountUnit) -> Self {
        Amount { ore, text: amount::format_opt(ore, unit) }
    }
}

/// One row of the driftredovisning: a nämnd, förvaltning or bolag, or a total.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct OperatingLine {
    /// `None` for a total row.
    pub org_unit_id: Option<i64>,
    pub name: String,
    pub kind: Option<UnitKind>,
    pub budget_year: Amount,
    pub budget_period: Amount,
    pub actual: Amount,
    pub forecast: Amount,
    /// Prognos − budget helår: positive is better than budget.
    pub deviation: Amount,
    pub comment: String,
    /// The review state of this unit's driftredovisning (`None` for a total).
    pub review: Option<AssessmentState>,
}

/// One investment project, or the total.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct InvestmentLine {
    /// `None` for the total row.
    pub project_id: Option<i64>,
    pub code: String,
    pub name: String,
    /// The nämnd or bolag responsible.
    pub unit_name: String,
    pub budget_total: Amount,
    pub budget_year: Amount,
    pub actual: Amount,
    pub forecast: Amount,
    /// Budget − prognos (money spent is positive): positive is better than budget.
    pub deviation: Amount,
    pub comment: String,
}

/// One line of a statement, with an amount per column of [`COLUMNS`].
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct StatementLine {
    pub key: String,
    pub label: String,
    pub label_en: String,
    /// A sum of other lines: worked out, never entered.
    pub sum: bool,
    /// The sign the standard layout prints before the label (balanskrav): −1, 1 or 0.
    pub sign_shown: i8,
    pub amounts: Vec<Amount>,
}

/// The columns of every statement table, in this order.
pub const COLUMNS: [StatementColumn; 4] =
    [StatementColumn::Actual, StatementColumn::ActualLastYear, StatementColumn::Budget, StatementColumn::Forecast];

/// A resultaträkning, balansräkning or balanskravsutredning.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct StatementTable {
    pub statement: Statement,
    pub scope: StatementScope,
    pub title: String,
    pub title_en: String,
    /// The headers of [`COLUMNS`], e.g. "Utfall jan–aug 2026", "2025-12-31".
    pub column_labels: Vec<String>,
    pub column_labels_en: Vec<String>,
    /// Which of [`COLUMNS`] hold any entered amount (a report prints only these).
    pub filled: Vec<bool>,
    pub lines: Vec<StatementLine>,
}

impl StatementTable {
    /// The amount of a line in a column, if any.
    pub fn amount(&self, key: &str, column: StatementColumn) -> Option<i64> {
        let c = COLUMNS.iter().position(|x| *x == column)?;
        self.lines.iter().find(|l| l.key == key).and_then(|l| l.amounts[c].ore)
    }
}

/// A period's economy, ready to print.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct EconomyReport {
    pub year: i32,
    pub period: Period,
    pub amount_unit: AmountUnit,
    /// The nämnder and förvaltningar, in the organisation's order.
    pub operating: Vec<OperatingLine>,
    /// "Summa nämnder": the bolag are not in it.
    pub operating_total: OperatingLine,
    pub companies: Vec<OperatingLine>,
    pub investments: Vec<InvestmentLine>,
    pub investments_total: InvestmentLine,
    /// The municipality's resultaträkning, balansräkning and balanskravsutredning.
    pub statements: Vec<StatementTable>,
    /// The municipal group's (koncern), when any of its figures are entered.
    pub group_statements: Vec<StatementTable>,
    /// Every part's review state, drafts included: each nämnd's and bolag's driftredovisning,
    /// then the investments and the statements.
    pub reviews: Vec<PartReview>,
    /// Whether anything at all is entered for the period.
    pub has_figures: bool,
}

impl EconomyReport {
    /// The municipality's table of a statement.
    pub fn statement(&self, which: Statement) -> Option<&StatementTable> {
        self.statements.iter().find(|t| t.statement == which)
    }
}

fn add(a: Option<i64>, b: Option<i64>) -> Option<i64> {
    match (a, b) {
        (None, None) => None,
        (a, b) => Some(a.unwrap_or(0) + b.unwrap_or(0)),
    }
}

fn difference(a: Option<i64>, b: Option<i64>) -> Option<i64> {
    Some(a? - b?)
}

const MONTHS: [&str; 12] = ["jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"];
const MONTHS_EN: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// Column headers of a statement for a period: (Swedish, English).
fn column_labels(statement: Statement, period: &Period) -> (Vec<String>, Vec<String>) {
    let year = period.plan_year;
    let month = |date: &str| date.get(5..7).and_then(|m| m.parse::<usize>().ok()).filter(|m| (1..=12).contains(m)).unwrap_or(12);
    let (first, last) = (month(&period.start_date), month(&period.end_date));
    let span = |names: &[&str; 12]| {
        if first == last {
            names[first - 1].to_string()
        } else {
            format!("{}–{}", names[first - 1], names[last - 1])
        }
    };
    match statement {
        Statement::Balance => {
            let end = &period.end_date;
            let last_year = format!("{}-12-31", year - 1);
            (
                vec![end.clone(), last_year.clone(), format!("Budget {year}"), format!("Prognos {year}")],
                vec![end.clone(), last_year, format!("Budget {year}"), format!("Forecast {year}")],
            )
        }
        _ => (
            vec![
                format!("Utfall {} {year}", span(&MONTHS)),
                format!("Utfall {} {}", span(&MONTHS), year - 1),
                format!("Budget {year}"),
                format!("Prognos {year}"),
            ],
            vec![
                format!("Actual {} {year}", span(&MONTHS_EN)),
                format!("Actual {} {}", span(&MONTHS_EN), year - 1),
                format!("Budget {year}"),
                format!("Forecast {year}"),
            ],
        ),
    }
}

fn tables(scope: StatementScope, stored: &[super::StatementAmount], period: &Period, unit: AmountUnit) -> (Vec<StatementTable>, bool) {
    let mut computed = Vec::new();
    let mut any = false;
    for column in COLUMNS {
        let entered: HashMap<&str, i64> =
            stored.iter().filter(|a| a.scope == scope && a.column == column).map(|a| (a.row_key.as_str(), a.amount)).collect();
        any |= !entered.is_empty();
        computed.push((
            statement::compute(&entered),
            entered.keys().filter_map(|k| statement::line(k)).map(|l| l.statement).collect::<Vec<_>>(),
        ));
    }
    let titles = [
        (Statement::Income, "Resultaträkning", "Income statement"),
        (Statement::Balance, "Balansräkning", "Balance sheet"),
        (Statement::BalanceRequirement, "Balanskravsutredning", "Balance requirement"),
    ];
    let out = titles
        .iter()
        .map(|(which, title, title_en)| {
            let (column_labels, column_labels_en) = column_labels(*which, period);
            let filled = computed.iter().map(|(_, statements)| statements.contains(which)).collect::<Vec<_>>();
            // The balanskrav starts from the result: it is filled where the income statement is.
            let filled = if *which == Statement::BalanceRequirement {
                filled.iter().zip(&computed).map(|(f, (_, s))| *f || s.contains(&Statement::Income)).collect()
            } else {
                filled
            };
            let lines = statement::lines_of(*which)
                .map(|l| StatementLine {
                    key: l.key.to_string(),
                    label: l.label_sv.to_string(),
                    label_en: l.label_en.to_string(),
                    sum: matches!(l.kind, LineKind::Sum(_)),
                    sign_shown: l.sign_shown,
                    amounts: computed.iter().map(|(c, _)| Amount::of(c.get(l.key).copied().flatten(), unit)).collect(),
                })
                .collect();
            StatementTable {
                statement: *which,
                scope,
                title: title.to_string(),
                title_en: title_en.to_string(),
                column_labels,
                column_labels_en,
                filled,
                lines,
            }
        })
        .collect();
    (out, any)
}

/// The display unit for economy amounts (report setting `report.economy_unit`; tkr unless set).
pub fn display_unit(store: &Store) -> Result<AmountUnit> {
    Ok(store.setting(crate::report::settings::KEY_ECONOMY_UNIT)?.and_then(|s| AmountUnit::parse(&s)).unwrap_or_default())
}

/// Everything a report needs about the economy of `period_id` (a period of plan year `year`).
pub fn of_period(store: &Store, year: i32, period_id: i64) -> Result<EconomyReport> {
    let unit = display_unit(store)?;
    of_period_in(store, year, period_id, unit)
}

/// [`of_period`] in a given display unit.
pub fn of_period_in(store: &Store, year: i32, period_id: i64, unit: AmountUnit) -> Result<EconomyReport> {
    let period = store.period(period_id)?;
    if period.plan_year != year {
        return Err(crate::AppError::not_found(crate::msg!(
            "{} hör inte till planåret {year}.",
            "{} does not belong to plan year {year}.",
            period.name
        )));
    }
    let db = store.read();
    let municipality = economy::municipality(db)?;
    let stored_reviews = economy::reviews_of_period(db, period_id)?;
    let review_of = |part: EconomyPart, unit_id: i64| {
        stored_reviews.iter().find(|r| r.part == part && r.org_unit_id == unit_id).cloned().unwrap_or(PartReview {
            part,
            org_unit_id: unit_id,
            state: AssessmentState::Draft,
            review_comment: String::new(),
            changed_at: None,
            changed_by: None,
        })
    };
    let rows: HashMap<i64, super::OperatingRow> =
        economy::operating_of_period(db, period_id)?.into_iter().map(|r| (r.org_unit_id, r)).collect();
    let mut has_figures = !rows.is_empty();

    // Driftredovisning: every active nämnd/förvaltning and bolag in tree order, and any
    // inactive one that still has figures for the period.
    let mut ordered = Vec::new();
    fn walk(nodes: &[crate::model::UnitNode], out: &mut Vec<crate::model::OrgUnit>) {
        for n in nodes {
            out.push(n.unit.clone());
            walk(&n.children, out);
        }
    }
    walk(&units::tree(db)?, &mut ordered);
    let mut operating = Vec::new();
    let mut companies = Vec::new();
    let mut reviews = Vec::new();
    let mut total = (None, None, None, None);
    for u in ordered {
        if !matches!(u.kind, UnitKind::Namnd | UnitKind::Forvaltning | UnitKind::Bolag) || !(u.active || rows.contains_key(&u.id)) {
            continue;
        }
        let row = rows.get(&u.id);
        let get = |f: fn(&super::OperatingRow) -> Option<i64>| row.and_then(f);
        let (b, bp, a, f) = (get(|r| r.budget_year), get(|r| r.budget_period), get(|r| r.actual), get(|r| r.forecast));
        let review = review_of(EconomyPart::Operating, u.id);
        let line = OperatingLine {
            org_unit_id: Some(u.id),
            name: u.name.clone(),
            kind: Some(u.kind),
            budget_year: Amount::of(b, unit),
            budget_period: Amount::of(bp, unit),
            actual: Amount::of(a, unit),
            forecast: Amount::of(f, unit),
            deviation: Amount::of(difference(f, b), unit),
            comment: row.map(|r| r.comment.clone()).unwrap_or_default(),
            review: Some(review.state),
        };
        reviews.push(review);
        if u.kind == UnitKind::Bolag {
            companies.push(line);
        } else {
            total = (add(total.0, b), add(total.1, bp), add(total.2, a), add(total.3, f));
            operating.push(line);
        }
    }
    let operating_total = OperatingLine {
        org_unit_id: None,
        name: "Summa nämnder".to_string(),
        kind: None,
        budget_year: Amount::of(total.0, unit),
        budget_period: Amount::of(total.1, unit),
        actual: Amount::of(total.2, unit),
        forecast: Amount::of(total.3, unit),
        deviation: Amount::of(difference(total.3, total.0), unit),
        comment: String::new(),
        review: None,
    };

    // Investeringar
    let names: HashMap<i64, String> = units::all(db)?.into_iter().map(|u| (u.id, u.name)).collect();
    let follow_ups: HashMap<i64, super::InvestmentFollowUp> =
        economy::follow_ups_of_period(db, period_id)?.into_iter().map(|f| (f.project_id, f)).collect();
    let mut investments = Vec::new();
    let mut itotal = (None, None, None, None);
    for p in economy::projects_of_year(db, year)? {
        let fu = follow_ups.get(&p.id);
        let (a, f) = (fu.and_then(|x| x.actual), fu.and_then(|x| x.forecast));
        has_figures |= fu.is_some() || p.budget_year.is_some();
        itotal = (add(itotal.0, p.budget_total), add(itotal.1, p.budget_year), add(itotal.2, a), add(itotal.3, f));
        investments.push(InvestmentLine {
            project_id: Some(p.id),
            code: p.code.clone(),
            name: p.name.clone(),
            unit_name: names.get(&p.org_unit_id).cloned().unwrap_or_default(),
            budget_total: Amount::of(p.budget_total, unit),
            budget_year: Amount::of(p.budget_year, unit),
            actual: Amount::of(a, unit),
            forecast: Amount::of(f, unit),
            deviation: Amount::of(difference(p.budget_year, f), unit),
            comment: fu.map(|x| x.comment.clone()).unwrap_or_default(),
        });
    }
    let investments_total = InvestmentLine {
        project_id: None,
        code: String::new(),
        name: "Summa investeringar".to_string(),
        unit_name: String::new(),
        budget_total: Amount::of(itotal.0, unit),
        budget_year: Amount::of(itotal.1, unit),
        actual: Amount::of(itotal.2, unit),
        forecast: Amount::of(itotal.3, unit),
        deviation: Amount::of(difference(itotal.1, itotal.3), unit),
        comment: String::new(),
    };

    let stored = economy::statements_of_period(db, period_id)?;
    let (statements, any_kommun) = tables(StatementScope::Kommun, &stored, &period, unit);
    let (group, any_group) = tables(StatementScope::Koncern, &stored, &period, unit);
    has_figures |= any_kommun || any_group;
    reviews.push(review_of(EconomyPart::Investments, municipality));
    reviews.push(review_of(EconomyPart::Statements, municipality));
    Ok(EconomyReport {
        year,
        period,
        amount_unit: unit,
        operating,
        operating_total,
        companies,
        investments,
        investments_total,
        statements,
        group_statements: if any_group { group } else { Vec::new() },
        reviews,
        has_figures,
    })
}
