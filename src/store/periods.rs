//! Repository for `follow_up_period`: tertial, delår, helår and month periods of a plan year.

use rusqlite::{OptionalExtension, Row};

use super::Read;
use crate::error::{AppError, Result};
use crate::model::{Period, PeriodKind, PeriodRef};

pub(crate) const PERIOD_COLUMNS: &str = "id, plan_year, kind, seq, name, start_date, end_date, deadline, locked";

pub(crate) fn period_from_row(r: &Row<'_>) -> rusqlite::Result<Period> {
    let year: i32 = r.get(1)?;
    let kind: PeriodKind = r.get(2)?;
    let seq: i32 = r.get(3)?;
    Ok(Period {
        id: r.get(0)?,
        plan_year: year,
        kind,
        seq,
        key: kind.key(year, seq),
        name: r.get(4)?,
        start_date: r.get(5)?,
        end_date: r.get(6)?,
        deadline: r.get(7)?,
        locked: r.get(8)?,
    })
}

/// The periods of a plan year in time order (shorter before longer at the same end).
pub fn of_year(db: Read<'_>, year: i32) -> Result<Vec<Period>> {
    super::plan::year(db, year)?;
    let mut stmt = db
        .conn()
        .prepare(&format!("SELECT {PERIOD_COLUMNS} FROM follow_up_period WHERE plan_year=?1 ORDER BY end_date, start_date DESC"))?;
    let rows = stmt.query_map([year], period_from_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// Find a period of `year` by its id or user-facing key.
pub fn resolve(db: Read<'_>, year: i32, text: &str) -> Result<Period> {
    let periods = of_year(db, year)?;
    if let Ok(id) = text.trim().parse::<i64>() {
        if let Some(p) = periods.iter().find(|p| p.id == id) {
            return Ok(p.clone());
        }
    }
    let r = PeriodRef::parse(text)?;
    let year_of_ref = r.year.unwrap_or(year);
    periods.into_iter().find(|p| p.kind == r.kind && p.seq == r.seq && p.plan_year == year_of_ref).ok_or_else(|| {
        AppError::not_found(format!(
            "Perioden '{}' finns inte för {year}. Se vilka perioder som finns med 'periods --year {year}'.",
            text.trim()
        ))
    })
}

/// The period a user most likely means: the latest whole-year-style period (not a
/// month) that has ended by `today`; else the first period of the year.
pub fn default_for(db: Read<'_>, year: i32, today: chrono::NaiveDate) -> Result<Period> {
    let periods = of_year(db, year)?;
    let today = today.format("%Y-%m-%d").to_string();
    let candidates: Vec<&Period> = periods.iter().filter(|p| p.kind != PeriodKind::Month).collect();
    candidates
        .iter()
        .rev()
        .find(|p| p.end_date <= today)
        .or_else(|| candidates.first())
        .map(|p| (*p).clone())
        .or_else(|| periods.first().cloned())
        .ok_or_else(|| AppError::not_found(format!("Planåret {year} har inga uppföljningsperioder ännu.")))
}

pub fn get(db: Read<'_>, id: i64) -> Result<Period> {
    db.conn()
        .query_row(&format!("SELECT {PERIOD_COLUMNS} FROM follow_up_period WHERE id=?1"), [id], period_from_row)
        .optional()?
        .ok_or_else(|| AppError::not_found(format!("Perioden med id {id} finns inte.")))
}

// Reads for the scorecard and the reports.

/// Every period of every plan year, by end date; of periods ending the same day, the longest
/// first (the order in which a later or longer period replaces an earlier one).
pub fn all_by_end(db: Read<'_>) -> Result<Vec<Period>> {
    let mut stmt =
        db.conn().prepare_cached(&format!("SELECT {PERIOD_COLUMNS} FROM follow_up_period ORDER BY end_date, start_date DESC, id"))?;
    let rows = stmt.query_map([], period_from_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}
