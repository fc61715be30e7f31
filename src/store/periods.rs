//! Repository for `follow_up_period`: tertial, delår, helår and month periods of a plan year.

use super::sql::{params, OptionalExtension, Row};
use serde_json::json;

use super::{non_empty, Read, Writer};
use crate::error::{AppError, ErrorCode, Result};
use crate::model::{date_text, parse_date, Period, PeriodKind, PeriodRef};
use crate::msg;

pub(crate) const PERIOD_COLUMNS: &str = "id, plan_year, kind, seq, name, start_date, end_date, deadline, locked";

pub(crate) fn period_from_row(r: &Row<'_>) -> super::sql::Result<Period> {
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
    let rows = stmt.query_map([year], period_from_row)?.collect::<super::sql::Result<Vec<_>>>()?;
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
        AppError::not_found(msg!(
            "Perioden '{}' finns inte för {year}. Se vilka perioder som finns med 'periods --year {year}'.",
            "The period '{}' does not exist for {year}. See which periods exist with 'periods --year {year}'.",
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
        .ok_or_else(|| {
            AppError::not_found(msg!(
                "Planåret {year} har inga uppföljningsperioder ännu.",
                "Plan year {year} has no follow-up periods yet."
            ))
        })
}

pub fn get(db: Read<'_>, id: i64) -> Result<Period> {
    db.conn()
        .query_row(&format!("SELECT {PERIOD_COLUMNS} FROM follow_up_period WHERE id=?1"), [id], period_from_row)
        .optional()?
        .ok_or_else(|| AppError::not_found(msg!("Perioden med id {id} finns inte.", "The period with id {id} does not exist.")))
}

// Planning writes.

/// Add a follow-up period to a plan year; dates are ÅÅÅÅ-MM-DD.
#[allow(clippy::too_many_arguments)]
pub fn insert(
    w: &mut Writer<'_>,
    year: i32,
    kind: PeriodKind,
    seq: i32,
    name: &str,
    start: &str,
    end: &str,
    deadline: Option<&str>,
) -> Result<i64> {
    super::plan::require_year(w.read(), year)?;
    let name = non_empty(("Periodens namn", "The period's name"), name)?;
    let start = parse_date(("Startdatum", "The start date"), start)?;
    let end = parse_date(("Slutdatum", "The end date"), end)?;
    let deadline = deadline.map(|d| parse_date(("Sista dag", "The deadline"), d)).transpose()?;
    if end < start {
        return Err(AppError::validation(msg!(
            "Periodens slutdatum ligger före startdatumet.",
            "The period's end date is before its start date."
        )));
    }
    let (start, end) = (date_text(start), date_text(end));
    let inserted_id = w.tx.insert_returning_id(
        "INSERT INTO follow_up_period(plan_year, kind, seq, name, start_date, end_date, deadline) VALUES (?1,?2,?3,?4,?5,?6,?7) RETURNING id",
        params![year, kind, seq, name, start, end, deadline.map(date_text)],
    )
    .map_err(|e| match AppError::from(e) {
        err if err.code == ErrorCode::Conflict => {
            AppError::conflict(msg!("Perioden {} finns redan för {year}.", "The period {} already exists for {year}.", kind.key(year, seq)))
        }
        err => err,
    })?;
    let id = inserted_id;
    w.audit(
        "insert",
        "follow_up_period",
        id,
        None,
        Some(json!({"plan_year": year, "kind": kind, "seq": seq, "start": start, "end": end})),
    )?;
    Ok(id)
}

/// Add the standard periods of a year: T1 (Jan–Apr), delår (Jan–Aug) and helår, with the
/// usual reporting deadlines.
pub fn insert_defaults(w: &mut Writer<'_>, year: i32) -> Result<Vec<i64>> {
    super::plan::require_year(w.read(), year)?;
    let specs = [
        (PeriodKind::Tertial, 1, format!("Tertial 1 {year}"), format!("{year}-04-30"), format!("{year}-05-20")),
        (PeriodKind::Delar, 1, format!("Delår {year}"), format!("{year}-08-31"), format!("{year}-09-20")),
        (PeriodKind::Helar, 1, format!("Helår {year}"), format!("{year}-12-31"), format!("{}-02-15", year + 1)),
    ];
    let mut ids = Vec::new();
    for (kind, seq, name, end, deadline) in specs {
        ids.push(insert(w, year, kind, seq, &name, &format!("{year}-01-01"), &end, Some(&deadline))?);
    }
    Ok(ids)
}

// Reads for the scorecard and the reports.

/// Every period of every plan year, by end date; of periods ending the same day, the longest
/// first (the order in which a later or longer period replaces an earlier one).
pub fn all_by_end(db: Read<'_>) -> Result<Vec<Period>> {
    let mut stmt =
        db.conn().prepare_cached(&format!("SELECT {PERIOD_COLUMNS} FROM follow_up_period ORDER BY end_date, start_date DESC, id"))?;
    let rows = stmt.query_map([], period_from_row)?.collect::<super::sql::Result<Vec<_>>>()?;
    Ok(rows)
}

/// Where a period sits in time, without its name, dates to show or lock: what the scorecard
/// needs to find a value's period and the same period a year earlier.
#[derive(Debug, Clone, PartialEq)]
pub struct PeriodEnd {
    pub id: i64,
    pub plan_year: i32,
    pub kind: PeriodKind,
    pub seq: i32,
    pub end_date: String,
}

/// Every period's place in time, in the order of [`all_by_end`]. A scorecard reads this on
/// every build; the whole periods would cost it more than the rest of a unit's scorecard.
pub fn ends(db: Read<'_>) -> Result<Vec<PeriodEnd>> {
    let mut stmt = db
        .conn()
        .prepare_cached("SELECT id, plan_year, kind, seq, end_date FROM follow_up_period ORDER BY end_date, start_date DESC, id")?;
    let rows = stmt
        .query_map([], |r| Ok(PeriodEnd { id: r.get(0)?, plan_year: r.get(1)?, kind: r.get(2)?, seq: r.get(3)?, end_date: r.get(4)? }))?
        .collect::<super::sql::Result<Vec<_>>>()?;
    Ok(rows)
}

// ---------------------------------------------------------------------------
// Follow-up: locking, deadlines and the checks every follow-up write makes.

/// The period with this id, if there is one.
pub fn find(db: Read<'_>, id: i64) -> Result<Option<Period>> {
    Ok(db.conn().query_row(&format!("SELECT {PERIOD_COLUMNS} FROM follow_up_period WHERE id=?1"), [id], period_from_row).optional()?)
}

/// Refuse (`period_locked`, or `not_found`) a change in a period that is locked or missing.
pub fn require_open(db: Read<'_>, period_id: i64) -> Result<()> {
    let row: Option<(String, bool)> = db
        .conn()
        .prepare_cached("SELECT name, locked FROM follow_up_period WHERE id=?1")?
        .query_row([period_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    match row {
        None => Err(AppError::not_found(msg!("Perioden (id {period_id}) finns inte.", "The period (id {period_id}) does not exist."))),
        Some((name, true)) => Err(AppError::new(
            ErrorCode::PeriodLocked,
            msg!(
                "{name} är låst och kan inte ändras. Be den som ansvarar för uppföljningen att låsa upp perioden.",
                "{name} is locked and cannot be changed. Ask the person responsible for the follow-up to unlock the period."
            ),
        )),
        Some(_) => Ok(()),
    }
}

/// Lock or unlock a follow-up period; both are audited.
pub fn set_locked(w: &mut Writer<'_>, period_id: i64, locked: bool) -> Result<()> {
    let n = w.tx.execute("UPDATE follow_up_period SET locked=?2 WHERE id=?1", params![period_id, locked])?;
    if n == 0 {
        return Err(AppError::not_found(msg!("Perioden (id {period_id}) finns inte.", "The period (id {period_id}) does not exist.")));
    }
    w.audit(if locked { "lock" } else { "unlock" }, "follow_up_period", period_id, None, None)
}

/// True when plan year `year` has the period of `kind` and `seq`.
pub fn exists(db: Read<'_>, year: i32, kind: PeriodKind, seq: i32) -> Result<bool> {
    Ok(db
        .conn()
        .query_row("SELECT 1 FROM follow_up_period WHERE plan_year=?1 AND kind=?2 AND seq=?3", params![year, kind, seq], |_| Ok(()))
        .optional()?
        .is_some())
}

/// Set or clear the deadline of a period, audited with the deadline before.
pub fn set_deadline(w: &mut Writer<'_>, period_id: i64, deadline: Option<chrono::NaiveDate>) -> Result<()> {
    let deadline = deadline.map(|d| d.format("%Y-%m-%d").to_string());
    let before: Option<Option<String>> =
        w.tx.query_row("SELECT deadline FROM follow_up_period WHERE id=?1", [period_id], |r| r.get(0)).optional()?;
    let Some(before) = before else {
        return Err(AppError::not_found(msg!("Perioden (id {period_id}) finns inte.", "The period (id {period_id}) does not exist.")));
    };
    w.tx.execute("UPDATE follow_up_period SET deadline=?2 WHERE id=?1", params![period_id, deadline])?;
    w.audit("update", "follow_up_period", period_id, Some(json!({"deadline": before})), Some(json!({"deadline": deadline})))
}
