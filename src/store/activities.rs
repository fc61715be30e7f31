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
