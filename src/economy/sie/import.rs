//! From a parsed SIE file, the mapping and a follow-up period to the period's `Figures` and a
//! preview of what changes; then, when asked, one transaction that writes them.
//!
//! **Which rows.** Year 0 of the file (`#RAR 0`) must be the period's plan year. The period
//! ends in a month; the figures are the year to date through that month:
//! - *Resultaträkning, utfall*: each result account's `#PSALDO` months summed, negated (the
//!   file is debit positive; the statement shows revenue positive and costs negative), per
//!   line of the mapping. *Same period last year*: the same months of year −1. *Budget*: every
//!   month's `#PBUDGET` of year 0.
//! - *Balansräkning, utfall*: `#IB` plus the months' `#PSALDO` (monthly changes), or `#UB` when
//!   the period ends with the financial year; class 2 negated so both sides are positive. The
//!   period's result is not yet booked to equity during the year: when the sheet is short by
//!   exactly the result, it is added to "Årets resultat". *Last year*: `#UB` of year −1 (or
//!   this year's `#IB`).
//! - *Driftredovisning*: per nämnd, förvaltning or bolag, every result account's rows on its
//!   objects, net and negated: utfall through the month, budget for the period (`#PBUDGET`
//!   through the month) and for the year (all twelve months). Prognos is not in a file.
//! - *Investeringar*: project objects (dimension 6, or mapped) on the fixed-asset lines of the
//!   balance sheet, the months' movements as they are (spending is a debit).
//!
//! An account's total for a month is its row without objects (`{}`); a file without such a
//! row for the account gets the sum of its rows on one dimension's objects (the lowest
//! dimension used). Per-object sums use rows with exactly one object; rows on several
//! objects at once are counted in a note, not summed, so nothing is counted twice.
//!
//! Objects with amounts that map to nothing, and accounts outside every range, are listed in
//! the preview, never dropped silently.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::Datelike;
use serde::Serialize;
use ts_rs::TS;

use super::map::{self, Mapping, ObjectTarget, PROJECT_DIMENSION};
use super::parse::{self, BalanceKind, PeriodKind, SieFile};
use crate::economy::figures::{Figures, InvestmentFigures, OperatingFigures, StatementFigure};
use crate::economy::statement::{self, Statement};
use crate::error::{AppError, ErrorCode, Msg, Result};
use crate::model::{Period, StatementColumn, StatementScope};
use crate::msg;
use crate::store::{periods, sie_map, units, Read, Writer};
use crate::{ChangeContext, Store};

/// Where the figures are read from and written to: the economy repository. Kept apart so
/// the import does not depend on how the economy tables are written (see `connect`).
pub trait FigureStore {
    /// The figures stored now for the period, for the preview's "before" column.
    fn stored(&self, db: Read<'_>, period_id: i64) -> Result<Figures>;
    /// Write the figures in the open transaction (audit rows included), marked as from SIE.
    fn write(&self, w: &mut Writer<'_>, period_id: i64, figures: &Figures) -> Result<()>;
}

/// A figure before and after the import (öre).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export, rename = "SieChange")]
pub struct Change {
    pub current: Option<i64>,
    pub new: Option<i64>,
}

/// A nämnd's, förvaltning's or bolag's driftredovisning before and after.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export, rename = "SieOperatingChange")]
pub struct OperatingChange {
    pub org_unit_id: i64,
    pub unit_name: String,
    pub budget_year: Change,
    pub budget_period: Change,
    pub actual: Change,
}

/// A line of the resultaträkning or balansräkning in one column, before and after.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export, rename = "SieStatementChange")]
pub struct StatementChange {
    pub row_key: String,
    pub label: String,
    pub label_en: String,
    pub column: StatementColumn,
    pub change: Change,
}

/// An investment project's utfall before and after.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export, rename = "SieInvestmentChange")]
pub struct InvestmentChange {
    pub project_id: i64,
    pub code: String,
    pub name: String,
    pub actual: Change,
}

/// An object with amounts that maps to nothing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export, rename = "SieUnmappedObject")]
pub struct UnmappedObject {
    pub dimension: u32,
    pub code: String,
    pub name: String,
    /// Utfall through the period's month, as the statements sign it (öre).
    pub actual: i64,
    /// Budget for the year, signed the same way (öre).
    pub budget_year: i64,
}

/// An account with amounts outside every range of the mapping.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export, rename = "SieUnmappedAccount")]
pub struct UnmappedAccount {
    pub account: u32,
    pub name: String,
    /// Opening balance plus the months through the period's, as in the file (öre).
    pub amount: i64,
}

/// An object mapped to a unit by name, stored when the import is applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export, rename = "SieSuggestedObject")]
pub struct SuggestedObject {
    pub dimension: u32,
    pub code: String,
    pub name: String,
    pub org_unit_id: i64,
    pub unit_name: String,
}

/// A remark in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export, rename = "SieNote")]
pub struct Note {
    pub sv: String,
    pub en: String,
}

impl From<Msg> for Note {
    fn from(m: Msg) -> Self {
        Note { sv: m.sv, en: m.en }
    }
}

/// What an import would change, and the figures it would write.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct SiePreview {
    pub file_name: String,
    pub encoding: String,
    pub company: Option<String>,
    pub period_id: i64,
    pub period_name: String,
    /// The last month summed, `YYYY-MM`.
    pub through_month: String,
    pub operating: Vec<OperatingChange>,
    pub statements: Vec<StatementChange>,
    pub investments: Vec<InvestmentChange>,
    pub unmapped_objects: Vec<UnmappedObject>,
    pub unmapped_accounts: Vec<UnmappedAccount>,
    pub suggested_objects: Vec<SuggestedObject>,
    pub notes: Vec<Note>,
    #[serde(skip)]
    #[ts(skip)]
    pub figures: Figures,
}

/// The figures from a file, before they are compared with what is stored.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Computed {
    pub figures: Figures,
    pub unmapped_objects: Vec<UnmappedObject>,
    pub unmapped_accounts: Vec<UnmappedAccount>,
    pub notes: Vec<Note>,
}

type Month = (i32, u32);

fn month_of(date: chrono::NaiveDate) -> Month {
    (date.year(), date.month())
}

fn bad(file: &SieFile, line: usize, what: Msg) -> AppError {
    AppError::bad_file(msg!(
        "{name}: rad {line}: {what} Inget har sparats.",
        "{name}: line {line}: {what} Nothing has been saved.",
        name = file.name,
        what = what
    ))
}

/// Monthly amounts of one account, one kind and one year.
#[derive(Default)]
struct Series {
    /// From rows without objects.
    total: Option<BTreeMap<Month, i64>>,
    /// From rows on one object, by dimension.
    by_dimension: BTreeMap<u32, BTreeMap<Month, i64>>,
}

impl Series {
    fn months(&self) -> Option<&BTreeMap<Month, i64>> {
        self.total.as_ref().or_else(|| self.by_dimension.values().next())
    }
    fn through(&self, last: Month) -> i64 {
        self.months().map(|m| m.range(..=last).map(|(_, a)| *a).sum()).unwrap_or(0)
    }
    fn all(&self) -> i64 {
        self.months().map(|m| m.values().sum()).unwrap_or(0)
    }
}

/// Work out the figures of `period` from `file` (pure; `projects` are the plan year's
/// projects with a code, `suggested` objects mapped by name).
pub fn compute(
    file: &SieFile,
    mapping: &Mapping,
    period: &Period,
    projects: &[(i64, String, String)],
    suggested: &BTreeMap<(u32, String), i64>,
) -> Result<Computed> {
    let Some(year) = file.year(0) else {
        return Err(bad(
            file,
            1,
            msg!(
                "Filen saknar räkenskapsåret (#RAR 0), så det går inte att se vilket år beloppen gäller.",
                "The file lacks the financial year (#RAR 0), so it cannot be told which year the amounts are for."
            ),
        ));
    };
    if year.start.year() != period.plan_year {
        return Err(AppError::new(
            ErrorCode::BadFile,
            msg!(
                "{name}: rad {line}: Filens räkenskapsår (#RAR 0) är {file_year}, men {period} hör till planåret {plan}. Välj en period i {file_year} eller exportera {plan} ur ekonomisystemet. Inget har sparats.",
                "{name}: line {line}: The file's financial year (#RAR 0) is {file_year}, but {period} belongs to the plan year {plan}. Choose a period in {file_year} or export {plan} from the accounting system. Nothing has been saved.",
                name = file.name,
                line = year.line,
                file_year = year.start.year(),
                period = period.name,
                plan = period.plan_year
            ),
        ));
    }
    let end = crate::model::parse_date(("Periodens slutdatum", "The period's end date"), &period.end_date)?;
    if end < year.start || end > year.end {
        return Err(bad(
            file,
            year.line,
            msg!(
                "{period} slutar {end}, utanför filens räkenskapsår {start}–{last}.",
                "{period} ends on {end}, outside the file's financial year {start}–{last}.",
                period = period.name,
                start = year.start,
                last = year.end
            ),
        ));
    }
    let through = month_of(end);
    let at_year_end = end == year.end;
    let last_year = file.year(-1);
    let through_last_year = (through.0 - 1, through.1);

    // Every row of a year must fall in that year.
    for row in &file.periods {
        let range = match row.year {
            0 => Some(year),
            -1 => last_year,
            _ => None,
        };
        if let Some(y) = range {
            if row.month < month_of(y.start) || row.month > month_of(y.end) {
                return Err(bad(
                    file,
                    row.line,
                    msg!(
                        "Perioden {y}{m:02} ligger utanför räkenskapsår {idx} ({start}–{last}).",
                        "The period {y}{m:02} lies outside financial year {idx} ({start}–{last}).",
                        y = row.month.0,
                        m = row.month.1,
                        idx = row.year,
                        start = y.start,
                        last = y.end
                    ),
                ));
            }
        }
    }

    // Monthly series per (kind, year, account).
    let mut series: HashMap<(PeriodKind, i32, u32), Series> = HashMap::new();
    let mut several_objects = 0usize;
    let mut latest_actual: Option<Month> = None;
    for row in &file.periods {
        if row.year != 0 && row.year != -1 {
            continue;
        }
        if row.kind == PeriodKind::Actual && row.year == 0 {
            latest_actual = latest_actual.max(Some(row.month));
        }
        let s = series.entry((row.kind, row.year, row.account)).or_default();
        match row.objects.as_slice() {
            [] => *s.total.get_or_insert_with(BTreeMap::new).entry(row.month).or_insert(0) += row.amount,
            [(dim, _)] => *s.by_dimension.entry(*dim).or_default().entry(row.month).or_insert(0) += row.amount,
            _ => several_objects += 1,
        }
    }
    let balance = |kind: BalanceKind, y: i32, account: u32| -> Option<i64> {
        let rows: Vec<i64> = file
            .balances
            .iter()
            .filter(|b| b.kind == kind && b.year == y && b.account == account && b.object.is_none())
            .map(|b| b.amount)
            .collect();
        (!rows.is_empty()).then(|| rows.iter().sum())
    };

    // Every account with something: in #KONTO, in a balance or in a period row.
    let mut accounts: BTreeSet<u32> = file.accounts.keys().copied().collect();
    accounts.extend(file.balances.iter().map(|b| b.account));
    accounts.extend(file.periods.iter().map(|p| p.account));

    let has_last_year = file.periods.iter().any(|p| p.year == -1 && p.kind == PeriodKind::Actual);
    let has_budget = file.periods.iter().any(|p| p.year == 0 && p.kind == PeriodKind::Budget);

    let mut actual: BTreeMap<&'static str, i64> = BTreeMap::new();
    let mut previous: BTreeMap<&'static str, i64> = BTreeMap::new();
    let mut budget: BTreeMap<&'static str, i64> = BTreeMap::new();
    let mut unmapped_accounts = Vec::new();
    let mut result_accounts = BTreeSet::new();
    let empty = Series::default();
    for &account in &accounts {
        let get = |kind, y| series.get(&(kind, y, account)).unwrap_or(&empty);
        let Some(line) = mapping.line_of(account).and_then(map::mappable_line) else {
            let amount = balance(BalanceKind::Opening, 0, account).unwrap_or(0) + get(PeriodKind::Actual, 0).through(through);
            if amount != 0 {
                let name = file.accounts.get(&account).map(|a| a.name.clone()).unwrap_or_default();
                unmapped_accounts.push(UnmappedAccount { account, name, amount });
            }
            continue;
        };
        match line.statement {
            Statement::Income => {
                result_accounts.insert(account);
                *actual.entry(line.key).or_insert(0) -= get(PeriodKind::Actual, 0).through(through);
                if has_last_year {
                    *previous.entry(line.key).or_insert(0) -= get(PeriodKind::Actual, -1).through(through_last_year);
                }
                if has_budget {
                    *budget.entry(line.key).or_insert(0) -= get(PeriodKind::Budget, 0).all();
                }
            }
            _ => {
                let sign = if map::is_liability_side(line.key) { -1 } else { 1 };
                let closing = if at_year_end { balance(BalanceKind::Closing, 0, account) } else { None };
                let opening = balance(BalanceKind::Opening, 0, account);
                let now = closing.unwrap_or_else(|| opening.unwrap_or(0) + get(PeriodKind::Actual, 0).through(through));
                *actual.entry(line.key).or_insert(0) += sign * now;
                if let Some(before) = balance(BalanceKind::Closing, -1, account).or(opening) {
                    *previous.entry(line.key).or_insert(0) += sign * before;
                }
            }
        }
    }

    let mut notes: Vec<Note> = Vec::new();
    // The period's result is booked to equity only at the year's closing.
    let result: i64 = actual.iter().filter(|(k, _)| k.starts_with("rr.")).map(|(_, a)| *a).sum();
    let side = |m: &BTreeMap<&str, i64>, liabilities: bool| -> i64 {
        m.iter().filter(|(k, _)| k.starts_with("br.") && map::is_liability_side(k) == liabilities).map(|(_, a)| *a).sum()
    };
    let gap = side(&actual, false) - side(&actual, true);
    if actual.keys().any(|k| k.starts_with("br.")) && gap != 0 {
        if gap == result {
            *actual.entry("br.equity_result").or_insert(0) += result;
        } else {
            notes.push(
                msg!(
                    "Balansräkningen går inte ihop: tillgångarna och eget kapital, avsättningar och skulder skiljer {diff} kr. Kontrollera kopplingen av kontona i klass 1 och 2.",
                    "The balance sheet does not add up: assets and equity, provisions and liabilities differ by {diff} kr. Check the mapping of the accounts in classes 1 and 2.",
                    diff = crate::text::number_sv(gap as f64 / 100.0, 2)
                )
                .into(),
            );
        }
    }
    if let Some(latest) = latest_actual {
        if latest < through {
            notes.push(
                msg!(
                    "Filen har utfall till och med {y}-{m:02}, men perioden slutar {ty}-{tm:02}. Är filen exporterad för tidigt?",
                    "The file has outcomes through {y}-{m:02}, but the period ends {ty}-{tm:02}. Was the file exported too early?",
                    y = latest.0,
                    m = latest.1,
                    ty = through.0,
                    tm = through.1
                )
                .into(),
            );
        }
    }
    if several_objects > 0 {
        notes.push(
            msg!(
                "{several_objects} rader gäller flera objekt samtidigt; de räknas inte per nämnd eller projekt (kontots total räknas som vanligt).",
                "{several_objects} rows are for several objects at once; they are not counted per nämnd or project (the account's total counts as usual)."
            )
            .into(),
        );
    }

    let mut figures = Figures::default();
    for l in statement::LINES {
        for (m, column) in
            [(&actual, StatementColumn::Actual), (&previous, StatementColumn::ActualLastYear), (&budget, StatementColumn::Budget)]
        {
            if let Some(amount) = m.get(l.key) {
                figures.statements.push(StatementFigure { scope: StatementScope::Kommun, row_key: l.key, column, amount: *amount });
            }
        }
    }

    // Per object: driftredovisning and investments.
    #[derive(Default)]
    struct Sums {
        actual: Option<i64>,
        budget_period: Option<i64>,
        budget_year: Option<i64>,
    }
    let add = |slot: &mut Option<i64>, amount: i64| *slot = Some(slot.unwrap_or(0) + amount);
    let target = |key: &(u32, String)| -> Option<ObjectTarget> {
        mapping
            .objects
            .get(key)
            .cloned()
            .or_else(|| suggested.get(key).map(|u| ObjectTarget::Unit(*u)))
            .or_else(|| (key.0 == PROJECT_DIMENSION).then(|| ObjectTarget::Project(key.1.clone())))
    };
    let mut operating: BTreeMap<i64, Sums> = BTreeMap::new();
    // Dimensions whose objects count for a unit: more than one can count a krona twice.
    let mut unit_dimensions: BTreeSet<u32> = BTreeSet::new();
    let mut spend: BTreeMap<String, (i64, (u32, String))> = BTreeMap::new();
    let mut unmapped: BTreeMap<(u32, String), (i64, i64)> = BTreeMap::new();
    let fixed_asset = |account: u32| matches!(mapping.line_of(account), Some("br.intangible" | "br.land_buildings" | "br.machinery"));
    for row in file.periods.iter().filter(|r| r.year == 0) {
        let [key] = row.objects.as_slice() else { continue };
        let in_period = row.month <= through;
        let is_result = result_accounts.contains(&row.account);
        match target(key) {
            Some(ObjectTarget::Unit(unit)) if is_result => {
                unit_dimensions.insert(key.0);
                let s = operating.entry(unit).or_default();
                match row.kind {
                    PeriodKind::Actual if in_period => add(&mut s.actual, -row.amount),
                    PeriodKind::Budget => {
                        add(&mut s.budget_year, -row.amount);
                        if in_period {
                            add(&mut s.budget_period, -row.amount);
                        } else {
                            s.budget_period.get_or_insert(0);
                        }
                    }
                    _ => {}
                }
            }
            Some(ObjectTarget::Project(code)) if row.kind == PeriodKind::Actual && in_period && fixed_asset(row.account) => {
                spend.entry(code).or_insert((0, key.clone())).0 += row.amount;
            }
            None if is_result => {
                let u = unmapped.entry(key.clone()).or_insert((0, 0));
                match row.kind {
                    PeriodKind::Actual if in_period => u.0 -= row.amount,
                    PeriodKind::Budget => u.1 -= row.amount,
                    _ => {}
                }
            }
            _ => {}
        }
    }
    if unit_dimensions.len() > 1 {
        let dims: Vec<String> = unit_dimensions.iter().map(u32::to_string).collect();
        notes.push(
            msg!(
                "Objekt i flera dimensioner ({dims}) är kopplade till nämnder; samma belopp kan då räknas två gånger. Koppla bara en dimensions objekt till nämnderna.",
                "Objects of several dimensions ({dims}) are mapped to nämnder; the same amount may then count twice. Map only one dimension's objects to the nämnder.",
                dims = dims.join(", ")
            )
            .into(),
        );
    }
    for (unit, s) in operating {
        figures.operating.push(OperatingFigures {
            org_unit_id: unit,
            budget_year: s.budget_year,
            budget_period: s.budget_period,
            actual: s.actual.or(Some(0)),
            forecast: None,
        });
    }
    for (code, (amount, key)) in spend {
        match projects.iter().find(|(_, c, _)| *c == code) {
            Some((id, _, _)) => figures.investments.push(InvestmentFigures { project_id: *id, actual: Some(amount), forecast: None }),
            None if amount != 0 => unmapped.entry(key).or_insert((0, 0)).0 += amount,
            None => {}
        }
    }
    let unmapped_objects = unmapped
        .into_iter()
        .filter(|(_, (a, b))| *a != 0 || *b != 0)
        .map(|(key, (actual, budget_year))| UnmappedObject {
            name: file.objects.get(&key).cloned().unwrap_or_default(),
            dimension: key.0,
            code: key.1,
            actual,
            budget_year,
        })
        .collect();
    Ok(Computed { figures, unmapped_objects, unmapped_accounts, notes })
}

/// Find the period: an id, or a name or key (T1, delår, helår, YYYY-MM) in the file's year.
pub fn resolve_period(store: &Store, file: &SieFile, text: &str) -> Result<Period> {
    if let Ok(id) = text.trim().parse::<i64>() {
        return store.period(id);
    }
    let year = file.year(0).map(|y| y.start.year()).ok_or_else(|| {
        bad(
            file,
            1,
            msg!(
                "Filen saknar räkenskapsåret (#RAR 0); ange perioden med dess id.",
                "The file lacks the financial year (#RAR 0); give the period by its id."
            ),
        )
    })?;
    let periods = store.periods(year)?;
    if let Some(p) = periods.iter().find(|p| p.name.trim().eq_ignore_ascii_case(text.trim())) {
        return Ok(p.clone());
    }
    store.resolve_period(year, text)
}

/// Read a file's bytes and work out the preview for `period`.
pub fn preview(store: &Store, name: &str, bytes: &[u8], period: &str, figures: &dyn FigureStore) -> Result<SiePreview> {
    let file = parse::parse(name, bytes)?;
    let period = resolve_period(store, &file, period)?;
    preview_of(store, &file, &period, figures)
}

/// Read a file from disk (size limited) and work out the preview.
pub fn preview_path(store: &Store, path: &std::path::Path, period: &str, figures: &dyn FigureStore) -> Result<SiePreview> {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| path.display().to_string());
    let bytes = crate::files::read_limited(path, parse::MAX_FILE_BYTES, &msg!("en SIE-fil", "an SIE file"), |size| {
        AppError::bad_file(msg!(
            "{name} är för stor ({mb} MB; högst {max} MB). Exportera bara året, utan verifikationer (SIE typ 3 räcker).",
            "{name} is too large ({mb} MB; at most {max} MB). Export only the year, without vouchers (SIE type 3 is enough).",
            mb = size / (1024 * 1024),
            max = parse::MAX_FILE_BYTES / (1024 * 1024)
        ))
    })?;
    preview(store, &name, &bytes, period, figures)
}

/// The preview of a parsed file for a period.
pub fn preview_of(store: &Store, file: &SieFile, period: &Period, figures: &dyn FigureStore) -> Result<SiePreview> {
    let db = store.read();
    let mapping = Mapping::load(db)?;
    let suggested = map::suggest_by_name(db, &file.objects, &mapping)?;
    let projects: Vec<(i64, String, String)> = crate::store::economy::projects_of_year(db, period.plan_year)?
        .into_iter()
        .filter(|p| !p.code.trim().is_empty())
        .map(|p| (p.id, p.code, p.name))
        .collect();
    let computed = compute(file, &mapping, period, &projects, &suggested)?;
    let stored = figures.stored(db, period.id)?;
    let unit_name = |id: i64| units::get(db, id).map(|u| u.name);

    let mut operating = Vec::new();
    for f in &computed.figures.operating {
        let before = stored.operating.iter().find(|o| o.org_unit_id == f.org_unit_id);
        operating.push(OperatingChange {
            org_unit_id: f.org_unit_id,
            unit_name: unit_name(f.org_unit_id)?,
            budget_year: Change { current: before.and_then(|b| b.budget_year), new: f.budget_year },
            budget_period: Change { current: before.and_then(|b| b.budget_period), new: f.budget_period },
            actual: Change { current: before.and_then(|b| b.actual), new: f.actual },
        });
    }
    let statements = computed
        .figures
        .statements
        .iter()
        .map(|f| {
            let line = statement::line(f.row_key);
            let current =
                stored.statements.iter().find(|s| s.scope == f.scope && s.row_key == f.row_key && s.column == f.column).map(|s| s.amount);
            StatementChange {
                row_key: f.row_key.to_string(),
                label: line.map(|l| l.label_sv).unwrap_or(f.row_key).to_string(),
                label_en: line.map(|l| l.label_en).unwrap_or(f.row_key).to_string(),
                column: f.column,
                change: Change { current, new: Some(f.amount) },
            }
        })
        .collect();
    let investments = computed
        .figures
        .investments
        .iter()
        .map(|f| {
            let (code, name) =
                projects.iter().find(|(id, _, _)| *id == f.project_id).map(|(_, c, n)| (c.clone(), n.clone())).unwrap_or_default();
            let current = stored.investments.iter().find(|i| i.project_id == f.project_id).and_then(|i| i.actual);
            InvestmentChange { project_id: f.project_id, code, name, actual: Change { current, new: f.actual } }
        })
        .collect();
    let mut suggested_objects = Vec::new();
    for ((dimension, code), unit) in &suggested {
        // Only suggestions the figures use are worth storing.
        if computed.figures.operating.iter().any(|o| o.org_unit_id == *unit) {
            suggested_objects.push(SuggestedObject {
                dimension: *dimension,
                code: code.clone(),
                name: file.objects.get(&(*dimension, code.clone())).cloned().unwrap_or_default(),
                org_unit_id: *unit,
                unit_name: unit_name(*unit)?,
            });
        }
    }
    let mut notes = computed.notes;
    if mapping.default_accounts {
        notes.push(
            msg!(
                "Kontona kopplas enligt standardkopplingen (Kommun-Bas 13). Ändra den med 'ekonomi koppling konto'.",
                "The accounts are mapped by the standard mapping (Kommun-Bas 13). Change it with 'ekonomi koppling konto'."
            )
            .into(),
        );
    }
    Ok(SiePreview {
        file_name: file.name.clone(),
        encoding: file.encoding.label().to_string(),
        company: file.company.clone(),
        period_id: period.id,
        period_name: period.name.clone(),
        through_month: {
            let end = crate::model::parse_date(("Periodens slutdatum", "The period's end date"), &period.end_date)?;
            format!("{}-{:02}", end.year(), end.month())
        },
        operating,
        statements,
        investments,
        unmapped_objects: computed.unmapped_objects,
        unmapped_accounts: computed.unmapped_accounts,
        suggested_objects,
        notes,
        figures: computed.figures,
    })
}

/// Write a previewed import in one transaction: the suggested object mappings are stored and
/// the figures written; a locked period, or any error, saves nothing.
pub fn apply(store: &mut Store, ctx: &ChangeContext, preview: &SiePreview, figures: &dyn FigureStore) -> Result<()> {
    store.write(ctx, |w| {
        periods::require_open(w.read(), preview.period_id)?;
        let stored = sie_map::objects(w.read())?;
        for s in &preview.suggested_objects {
            if !stored.iter().any(|o| o.dimension == s.dimension && o.code == s.code) {
                map::set_object_unit(w, s.dimension, &s.code, s.org_unit_id)?;
            }
        }
        figures.write(w, preview.period_id, &preview.figures)
    })
}

/// Amounts in tkr with a sign, Swedish style (the preview's text).
fn tkr(ore: Option<i64>) -> String {
    match ore {
        None => "–".to_string(),
        Some(v) => crate::text::number_sv(v as f64 / 100_000.0, 0),
    }
}

/// The preview as Swedish text for the command line.
pub fn preview_text(p: &SiePreview) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "SIE-fil {} ({}){} → {}, utfall till och med {}. Belopp i tkr (nu → nytt).",
        p.file_name,
        p.encoding,
        p.company.as_deref().map(|c| format!(", {c}")).unwrap_or_default(),
        p.period_name,
        p.through_month
    );
    if !p.operating.is_empty() {
        let _ = writeln!(s, "\nDriftredovisning (budget år · budget period · utfall):");
        for o in &p.operating {
            let _ = writeln!(
                s,
                "  {:<40} {:>10} → {:>10} · {:>10} → {:>10} · {:>10} → {:>10}",
                o.unit_name,
                tkr(o.budget_year.current),
                tkr(o.budget_year.new),
                tkr(o.budget_period.current),
                tkr(o.budget_period.new),
                tkr(o.actual.current),
                tkr(o.actual.new)
            );
        }
    }
    if !p.statements.is_empty() {
        let _ = writeln!(s, "\nResultat- och balansräkning:");
        for c in &p.statements {
            let column = match c.column {
                StatementColumn::Actual => "utfall",
                StatementColumn::ActualLastYear => "fg år",
                StatementColumn::Budget => "budget",
                StatementColumn::Forecast => "prognos",
            };
            let _ = writeln!(s, "  {:<48} {:<7} {:>10} → {:>10}", c.label, column, tkr(c.change.current), tkr(c.change.new));
        }
    }
    if !p.investments.is_empty() {
        let _ = writeln!(s, "\nInvesteringar (utfall):");
        for i in &p.investments {
            let _ = writeln!(s, "  {:<8} {:<40} {:>10} → {:>10}", i.code, i.name, tkr(i.actual.current), tkr(i.actual.new));
        }
    }
    if !p.suggested_objects.is_empty() {
        let _ = writeln!(s, "\nObjekt som kopplas efter namn (sparas vid import):");
        for o in &p.suggested_objects {
            let _ = writeln!(s, "  {} {} {} → {}", o.dimension, o.code, o.name, o.unit_name);
        }
    }
    if !p.unmapped_objects.is_empty() {
        let _ = writeln!(s, "\nObjekt med belopp som inte är kopplade (räknas inte; koppla med 'ekonomi koppling objekt'):");
        for o in &p.unmapped_objects {
            let _ = writeln!(
                s,
                "  {} {} {}: utfall {} tkr{}",
                o.dimension,
                o.code,
                o.name,
                tkr(Some(o.actual)),
                if o.budget_year != 0 { format!(", budget år {} tkr", tkr(Some(o.budget_year))) } else { String::new() }
            );
        }
    }
    if !p.unmapped_accounts.is_empty() {
        let _ = writeln!(s, "\nKonton utanför kopplingen (räknas inte):");
        for a in &p.unmapped_accounts {
            let _ = writeln!(s, "  {} {}: {} tkr", a.account, a.name, tkr(Some(a.amount)));
        }
    }
    for n in &p.notes {
        let _ = writeln!(s, "\nObs: {}", n.sv);
    }
    s
}
