//! Repository for `activity`, `activity_goal` and `activity_follow_up`.

use rusqlite::{params, OptionalExtension};
use serde_json::json;

use super::{Read, Writer};
use crate::error::{AppError, Result};
use crate::model::ActivityStatus;

// ---------------------------------------------------------------------------
// Follow-up of activities: status in a period, saving, completeness and exchange.

/// The SQL expression for "the status of activity `a` in the period bound to parameter
/// `period_param`" (e.g. `"?2"`): its follow-up's status there, else its own. The one
/// definition every query that shows an activity's status in a period uses.
pub(crate) fn status_in_period_sql(period_param: &str) -> String {
    format!("COALESCE((SELECT f.status FROM activity_follow_up f WHERE f.activity_id = a.id AND f.period_id = {period_param}), a.status)")
}

/// An activity with its status in one period.
#[derive(Debug, Clone, PartialEq)]
pub struct ActivityInPeriod {
    pub id: i64,
    pub title: String,
    pub status: ActivityStatus,
}

/// The active activities linked to a goal, with their status in `period_id`, by title.
pub fn of_goal_in_period(db: Read<'_>, goal_id: i64, period_id: i64) -> Result<Vec<ActivityInPeriod>> {
    let mut stmt = db.conn().prepare_cached(&format!(
        "SELECT a.id, a.title, {} FROM activity_goal ag JOIN activity a ON a.id = ag.activity_id
         WHERE ag.goal_id=?1 AND a.active=1 ORDER BY a.title, a.id",
        status_in_period_sql("?2")
    ))?;
    let rows = stmt
        .query_map(params![goal_id, period_id], |r| Ok(ActivityInPeriod { id: r.get(0)?, title: r.get(1)?, status: r.get(2)? }))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// Status and comment of an activity for an open period, audited.
pub fn set_follow_up(w: &mut Writer<'_>, activity_id: i64, period_id: i64, status: ActivityStatus, comment: &str) -> Result<()> {
    super::periods::require_open(w.read(), period_id)?;
    if comment.chars().count() > 2000 {
        return Err(AppError::validation("Kommentaren är för lång (högst 2 000 tecken)."));
    }
    let exists: Option<i64> = w.tx.query_row("SELECT id FROM activity WHERE id=?1", [activity_id], |r| r.get(0)).optional()?;
    if exists.is_none() {
        return Err(AppError::not_found(format!("Aktiviteten (id {activity_id}) finns inte.")));
    }
    let ctx = w.ctx;
    put_follow_up(w, (activity_id, period_id), status, comment.trim(), (&ctx.at, &ctx.user))?;
    w.audit(
        "update",
        "activity_follow_up",
        format!("{activity_id}/{period_id}"),
        None,
        Some(json!({"status": status, "comment": comment.trim()})),
    )
}

/// Insert or replace the follow-up of an activity in a period, changed at/by as given.
fn put_follow_up(
    w: &mut Writer<'_>,
    (activity_id, period_id): (i64, i64),
    status: ActivityStatus,
    comment: &str,
    changed: (&str, &str),
) -> Result<()> {
    w.tx.execute(
        "INSERT INTO activity_follow_up(activity_id, period_id, status, comment, changed_at, changed_by) VALUES (?1,?2,?3,?4,?5,?6)
         ON CONFLICT(activity_id, period_id) DO UPDATE SET status=excluded.status, comment=excluded.comment,
           changed_at=excluded.changed_at, changed_by=excluded.changed_by",
        params![activity_id, period_id, status, comment, changed.0, changed.1],
    )?;
    Ok(())
}

/// Write an activity's follow-up as an exchange file has it (with the unit's changed
/// at/by). The caller checks the period and writes the audit row.
pub(crate) fn put_imported(
    w: &mut Writer<'_>,
    key: (i64, i64),
    status: ActivityStatus,
    comment: &str,
    changed: (&str, &str),
) -> Result<()> {
    put_follow_up(w, key, status, comment, changed)
}

/// Per active, not cancelled activity of plan year `year`: (owner unit, followed up in
/// `period_id`), for the completeness overview.
pub fn follow_up_delivery(db: Read<'_>, period_id: i64, year: i32) -> Result<Vec<(i64, bool)>> {
    let mut stmt = db.conn().prepare(
        "SELECT a.owner_unit_id, EXISTS(SELECT 1 FROM activity_follow_up f WHERE f.activity_id=a.id AND f.period_id=?1)
         FROM activity a WHERE a.plan_year=?2 AND a.active=1 AND a.status <> 'avford'",
    )?;
    let rows = stmt.query_map(params![period_id, year], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// An activity's owner unit and plan year.
pub fn owner_and_year(db: Read<'_>, activity_id: i64) -> Result<Option<(i64, i32)>> {
    Ok(db
        .conn()
        .query_row("SELECT owner_unit_id, plan_year FROM activity WHERE id=?1", [activity_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?)
}

/// An activity's title.
pub fn title(db: Read<'_>, activity_id: i64) -> Result<String> {
    db.conn()
        .query_row("SELECT title FROM activity WHERE id=?1", [activity_id], |r| r.get(0))
        .optional()?
        .ok_or_else(|| AppError::not_found(format!("Aktiviteten (id {activity_id}) finns inte.")))
}

/// An activity's follow-up as stored, with its title (for exchange files).
#[derive(Debug, Clone, PartialEq)]
pub struct StoredFollowUp {
    pub activity_id: i64,
    pub activity: String,
    pub status: ActivityStatus,
    pub comment: String,
    pub changed_at: String,
    pub changed_by: String,
}

/// The follow-up in `period_id` of the activities a unit owns in plan year `year`, by id.
pub fn follow_ups_of_unit(db: Read<'_>, unit_id: i64, period_id: i64, year: i32) -> Result<Vec<StoredFollowUp>> {
    let mut stmt = db.conn().prepare(
        "SELECT a.id, a.title, f.status, f.comment, f.changed_at, f.changed_by
         FROM activity a JOIN activity_follow_up f ON f.activity_id = a.id AND f.period_id = ?2
         WHERE a.owner_unit_id = ?1 AND a.plan_year = ?3 ORDER BY a.id",
    )?;
    let rows = stmt
        .query_map(params![unit_id, period_id, year], |r| {
            Ok(StoredFollowUp {
                activity_id: r.get(0)?,
                activity: r.get(1)?,
                status: r.get(2)?,
                comment: r.get(3)?,
                changed_at: r.get(4)?,
                changed_by: r.get(5)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// The follow-up of an activity in a period: (status, comment).
pub fn follow_up(db: Read<'_>, activity_id: i64, period_id: i64) -> Result<Option<(ActivityStatus, String)>> {
    Ok(db
        .conn()
        .prepare_cached("SELECT status, comment FROM activity_follow_up WHERE activity_id=?1 AND period_id=?2")?
        .query_row(params![activity_id, period_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?)
}

/// Inserts generated activity follow-ups (the `tools` generator): one prepared statement
/// in the writer's transaction, no audit row (the generator writes one per bulk step).
#[cfg(feature = "tools")]
pub(crate) struct GeneratedFollowUps<'t> {
    stmt: rusqlite::CachedStatement<'t>,
    ctx: &'t super::ChangeContext,
}

#[cfg(feature = "tools")]
impl<'t> GeneratedFollowUps<'t> {
    pub(crate) fn new(w: &Writer<'t>) -> Result<Self> {
        let stmt = w.tx.prepare_cached(
            "INSERT INTO activity_follow_up(activity_id, period_id, status, comment, changed_at, changed_by) VALUES (?1,?2,?3,?4,?5,?6)",
        )?;
        Ok(Self { stmt, ctx: w.ctx })
    }

    pub(crate) fn add(&mut self, activity_id: i64, period_id: i64, status: ActivityStatus, comment: &str) -> Result<()> {
        self.stmt.execute(params![activity_id, period_id, status, comment, self.ctx.at, self.ctx.user])?;
        Ok(())
    }
}
