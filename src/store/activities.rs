//! Repository for `activity`, `activity_goal` and `activity_follow_up`.

use std::collections::{BTreeSet, HashMap};

use rusqlite::{params, Row};
use serde_json::json;

use super::{exists, non_empty, Read, Writer};
use crate::error::{AppError, Result};
use crate::model::{date_text, Activity, ActivityStatus, NewActivity};

// Planning: activities and the goals they serve.

const ACTIVITY_COLUMNS: &str = "id, plan_year, owner_unit_id, title, description, responsible, start_date, end_date, status, active";

/// A stored date (ÅÅÅÅ-MM-DD); anything else reads as no date.
fn date_of(text: Option<String>) -> Option<chrono::NaiveDate> {
    chrono::NaiveDate::parse_from_str(text.as_deref()?, "%Y-%m-%d").ok()
}

fn activity_from_row(r: &Row<'_>) -> rusqlite::Result<Activity> {
    Ok(Activity {
        id: r.get(0)?,
        plan_year: r.get(1)?,
        owner_unit_id: r.get(2)?,
        title: r.get(3)?,
        description: r.get(4)?,
        responsible: r.get(5)?,
        start_date: date_of(r.get(6)?),
        end_date: date_of(r.get(7)?),
        status: r.get(8)?,
        active: r.get(9)?,
    })
}

fn activities(db: Read<'_>, condition: &str, args: impl rusqlite::Params) -> Result<Vec<Activity>> {
    let mut stmt = db.conn().prepare_cached(&format!("SELECT {ACTIVITY_COLUMNS} FROM activity WHERE {condition}"))?;
    let rows = stmt.query_map(args, activity_from_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// One activity; not found names its id.
pub fn get(db: Read<'_>, id: i64) -> Result<Activity> {
    activities(db, "id=?1", [id])?.pop().ok_or_else(|| AppError::not_found(format!("Aktiviteten (id {id}) finns inte.")))
}

/// Every activity, by id.
pub fn all(db: Read<'_>) -> Result<Vec<Activity>> {
    activities(db, "1 ORDER BY id", ())
}

/// A unit's active activities of a plan year: dated ones first, by start.
pub fn of_unit(db: Read<'_>, unit_id: i64, year: i32) -> Result<Vec<Activity>> {
    activities(
        db,
        "owner_unit_id = ?1 AND plan_year = ?2 AND active = 1 ORDER BY start_date IS NULL, start_date, id",
        params![unit_id, year],
    )
}

/// The activities of a plan year that are still open (active, neither done nor cancelled),
/// by id: what copying the year carries over.
pub fn open_of_year(db: Read<'_>, year: i32) -> Result<Vec<Activity>> {
    activities(db, "plan_year=?1 AND active = 1 AND status NOT IN ('genomford','avford') ORDER BY id", [year])
}

/// The goals an activity serves (ids, ascending).
pub fn goal_ids(db: Read<'_>, id: i64) -> Result<Vec<i64>> {
    let mut stmt = db.conn().prepare_cached("SELECT goal_id FROM activity_goal WHERE activity_id = ?1 ORDER BY goal_id")?;
    let rows = stmt.query_map([id], |r| r.get(0))?.collect::<rusqlite::Result<Vec<i64>>>()?;
    Ok(rows)
}

/// How many goal links and follow-ups an activity has (what deleting it takes along).
pub fn links_and_follow_ups(db: Read<'_>, id: i64) -> Result<(i64, i64)> {
    Ok(db.conn().query_row(
        "SELECT (SELECT COUNT(*) FROM activity_goal WHERE activity_id = ?1), (SELECT COUNT(*) FROM activity_follow_up WHERE activity_id = ?1)",
        [id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?)
}

/// How many activities serve a goal.
pub fn count_of_goal(db: Read<'_>, goal_id: i64) -> Result<i64> {
    Ok(db.conn().query_row("SELECT COUNT(*) FROM activity_goal WHERE goal_id=?1", [goal_id], |r| r.get(0))?)
}

/// Add an activity serving `goal_ids`.
pub fn insert(w: &mut Writer<'_>, a: NewActivity, goal_ids: &[i64]) -> Result<i64> {
    let title = non_empty("Aktivitetens rubrik", &a.title)?;
    super::plan::require_year(w.read(), a.plan_year)?;
    if let (Some(s), Some(e)) = (a.start_date, a.end_date) {
        if e < s {
            return Err(AppError::validation("Aktivitetens slutdatum ligger före startdatumet."));
        }
    }
    if !exists(w.tx, "SELECT 1 FROM org_unit WHERE id=?1", a.owner_unit_id)? {
        return Err(AppError::not_found("Enheten som ska äga aktiviteten finns inte."));
    }
    w.tx.execute(
        "INSERT INTO activity(plan_year, owner_unit_id, title, description, responsible, start_date, end_date, status) VALUES (?1,?2,?3,?4,?5,?6,?7,?8)",
        params![a.plan_year, a.owner_unit_id, title, a.description.trim(), a.responsible.trim(), a.start_date.map(date_text), a.end_date.map(date_text), a.status],
    )?;
    let id = w.tx.last_insert_rowid();
    for g in goal_ids {
        if !exists(w.tx, "SELECT 1 FROM goal WHERE id=?1", *g)? {
            return Err(AppError::not_found(format!("Målet (id {g}) som aktiviteten ska kopplas till finns inte.")));
        }
        w.tx.execute("INSERT OR IGNORE INTO activity_goal(activity_id, goal_id) VALUES (?1,?2)", params![id, g])?;
    }
    w.audit("insert", "activity", id, None, Some(json!({"title": title, "status": a.status, "goals": goal_ids})))?;
    Ok(id)
}

/// Change an activity's fields and make it serve exactly `goal_ids`; one audit row.
pub fn update(w: &mut Writer<'_>, a: &Activity, goal_ids: &BTreeSet<i64>) -> Result<()> {
    w.tx.execute(
        "UPDATE activity SET title=?2, description=?3, responsible=?4, start_date=?5, end_date=?6, status=?7 WHERE id=?1",
        params![a.id, a.title, a.description, a.responsible, a.start_date.map(date_text), a.end_date.map(date_text), a.status],
    )?;
    for old in self::goal_ids(w.read(), a.id)?.into_iter().filter(|g| !goal_ids.contains(g)) {
        w.tx.execute("DELETE FROM activity_goal WHERE activity_id = ?1 AND goal_id = ?2", params![a.id, old])?;
    }
    for g in goal_ids {
        w.tx.execute("INSERT OR IGNORE INTO activity_goal(activity_id, goal_id) VALUES (?1, ?2)", params![a.id, g])?;
    }
    w.audit("update", "activity", a.id, None, Some(json!({"title": a.title, "status": a.status, "goals": goal_ids})))
}

/// Delete an activity with its goal links and follow-up.
pub fn delete(w: &mut Writer<'_>, id: i64) -> Result<()> {
    let a = get(w.read(), id)?;
    w.tx.execute("DELETE FROM activity WHERE id = ?1", [id])?;
    w.audit("delete", "activity", id, Some(json!({"title": a.title})), None)
}

/// Copy the open activities of `from` into `to`: status reset to ej påbörjad, dates moved
/// by `shift`, goal links to the copies of their goals (`goals`: old id → new). One audit row.
pub fn copy_open(
    w: &mut Writer<'_>,
    from: i32,
    to: i32,
    goals: &HashMap<i64, i64>,
    shift: impl Fn(chrono::NaiveDate) -> Option<chrono::NaiveDate>,
) -> Result<usize> {
    let open = open_of_year(w.read(), from)?;
    for a in &open {
        w.tx.execute(
            "INSERT INTO activity(plan_year, owner_unit_id, title, description, responsible, start_date, end_date, status)
             VALUES (?1,?2,?3,?4,?5,?6,?7,?8)",
            params![
                to,
                a.owner_unit_id,
                a.title,
                a.description,
                a.responsible,
                a.start_date.and_then(&shift).map(date_text),
                a.end_date.and_then(&shift).map(date_text),
                ActivityStatus::NotStarted
            ],
        )?;
        let new_id = w.tx.last_insert_rowid();
        for g in goal_ids(w.read(), a.id)? {
            if let Some(new_goal) = goals.get(&g) {
                w.tx.execute("INSERT INTO activity_goal(activity_id, goal_id) VALUES (?1, ?2)", params![new_id, new_goal])?;
            }
        }
    }
    w.audit("insert", "activity", format!("{from}->{to}"), None, Some(json!({"copied": open.len()})))?;
    Ok(open.len())
}

// Reads for the scorecard and the red thread. Sets of ids are one JSON array.

/// The status of activities in a period: their follow-up's in that period, else their own.
/// The one statement for an activity's status in a period.
pub fn statuses_in(
    db: super::Read<'_>,
    period_id: i64,
    ids: &[i64],
) -> crate::error::Result<std::collections::HashMap<i64, crate::model::ActivityStatus>> {
    let mut stmt = db.conn().prepare_cached(
        "SELECT a.id, COALESCE((SELECT f.status FROM activity_follow_up f WHERE f.activity_id = a.id AND f.period_id = ?1), a.status)
         FROM activity a WHERE a.id IN (SELECT value FROM json_each(?2))",
    )?;
    let rows = stmt
        .query_map(rusqlite::params![period_id, super::ids::list(ids.iter().copied())], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// [`ACTIVITY_COLUMNS`] of the table aliased `a`.
fn activity_columns_of_a() -> String {
    ACTIVITY_COLUMNS.split(", ").map(|c| format!("a.{c}")).collect::<Vec<_>>().join(", ")
}

/// Activities read with their own status, given their status in `period_id`.
fn in_period(
    db: super::Read<'_>,
    period_id: i64,
    mut rows: Vec<crate::model::Activity>,
) -> crate::error::Result<Vec<crate::model::Activity>> {
    let statuses = statuses_in(db, period_id, &rows.iter().map(|a| a.id).collect::<Vec<_>>())?;
    for a in &mut rows {
        if let Some(s) = statuses.get(&a.id) {
            a.status = *s;
        }
    }
    Ok(rows)
}

/// The active activities of a plan year owned by `owners`, with their status in a period;
/// by owner, then start date.
pub fn owned_by(db: super::Read<'_>, year: i32, owners: &[i64], period_id: i64) -> crate::error::Result<Vec<crate::model::Activity>> {
    let mut stmt = db.conn().prepare_cached(&format!(
        "SELECT {} FROM activity a
         WHERE a.plan_year=?1 AND a.active=1 AND a.owner_unit_id IN (SELECT value FROM json_each(?2))
         ORDER BY a.owner_unit_id, a.start_date, a.id",
        activity_columns_of_a()
    ))?;
    let rows = stmt
        .query_map(rusqlite::params![year, super::ids::list(owners.iter().copied())], activity_from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    in_period(db, period_id, rows)
}

/// The active activities serving each of `goals`, with their status in a period:
/// (goal, activity), by goal, then title.
pub fn serving(db: super::Read<'_>, goals: &[i64], period_id: i64) -> crate::error::Result<Vec<(i64, crate::model::Activity)>> {
    let mut stmt = db.conn().prepare_cached(&format!(
        "SELECT {}, ag.goal_id FROM activity_goal ag JOIN activity a ON a.id = ag.activity_id
         WHERE ag.goal_id IN (SELECT value FROM json_each(?1)) AND a.active=1 ORDER BY ag.goal_id, a.title",
        activity_columns_of_a()
    ))?;
    let rows: Vec<(i64, crate::model::Activity)> = stmt
        .query_map([super::ids::list(goals.iter().copied())], |r| Ok((r.get(10)?, activity_from_row(r)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let (goal_ids, activities): (Vec<i64>, Vec<_>) = rows.into_iter().unzip();
    Ok(goal_ids.into_iter().zip(in_period(db, period_id, activities)?).collect())
}

/// The codes of the goals each activity serves: activity → codes in order.
pub fn goal_codes(db: super::Read<'_>, ids: &[i64]) -> crate::error::Result<std::collections::HashMap<i64, Vec<String>>> {
    let mut stmt = db.conn().prepare_cached(
        "SELECT ag.activity_id, g.code FROM activity_goal ag JOIN goal g ON g.id = ag.goal_id
         WHERE ag.activity_id IN (SELECT value FROM json_each(?1)) ORDER BY ag.activity_id, g.code",
    )?;
    let mut codes: std::collections::HashMap<i64, Vec<String>> = std::collections::HashMap::new();
    for row in stmt.query_map([super::ids::list(ids.iter().copied())], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))? {
        let (activity, code) = row?;
        codes.entry(activity).or_default().push(code);
    }
    Ok(codes)
}
