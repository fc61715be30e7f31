//! Repository for `activity`, `activity_goal` and `activity_follow_up`.

use std::collections::{BTreeSet, HashMap};

use super::sql::{params, OptionalExtension, Row};
use serde_json::json;

use super::row_version::{Seen, Thing};
use super::{exists, non_empty, Read, Writer};
use crate::error::{AppError, Result};
use crate::model::{date_text, Activity, ActivityStatus, NewActivity};
use crate::msg;

// Planning: activities and the goals they serve.

const ACTIVITY_COLUMNS: &str =
    "id, plan_year, owner_unit_id, title, description, responsible, start_date, end_date, status, active, version";

/// A stored date (ÅÅÅÅ-MM-DD); anything else reads as no date.
fn date_of(text: Option<String>) -> Option<chrono::NaiveDate> {
    chrono::NaiveDate::parse_from_str(text.as_deref()?, "%Y-%m-%d").ok()
}

fn activity_from_row(r: &Row<'_>) -> super::sql::Result<Activity> {
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
        version: r.get(10)?,
    })
}

fn activities(db: Read<'_>, condition: &str, args: impl super::sql::Params) -> Result<Vec<Activity>> {
    let mut stmt = db.conn().prepare_cached(&format!("SELECT {ACTIVITY_COLUMNS} FROM activity WHERE {condition}"))?;
    let rows = stmt.query_map(args, activity_from_row)?.collect::<super::sql::Result<Vec<_>>>()?;
    Ok(rows)
}

/// One activity; not found names its id.
pub fn get(db: Read<'_>, id: i64) -> Result<Activity> {
    activities(db, "id=?1", [id])?
        .pop()
        .ok_or_else(|| AppError::not_found(msg!("Aktiviteten (id {id}) finns inte.", "The activity (id {id}) does not exist.")))
}

/// Every activity, by id.
pub fn all(db: Read<'_>) -> Result<Vec<Activity>> {
    activities(db, "1 = 1 ORDER BY id", ())
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
    let rows = stmt.query_map([id], |r| r.get(0))?.collect::<super::sql::Result<Vec<i64>>>()?;
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
    let title = non_empty(("Aktivitetens rubrik", "The activity's title"), &a.title)?;
    super::plan::require_year(w.read(), a.plan_year)?;
    if let (Some(s), Some(e)) = (a.start_date, a.end_date) {
        if e < s {
            return Err(AppError::validation(msg!(
                "Aktivitetens slutdatum ligger före startdatumet.",
                "The activity's end date is before its start date."
            )));
        }
    }
    if !exists(w.tx, "SELECT 1 FROM org_unit WHERE id=?1", a.owner_unit_id)? {
        return Err(AppError::not_found(msg!(
            "Enheten som ska äga aktiviteten finns inte.",
            "The unit that should own the activity does not exist."
        )));
    }
    let inserted_id = w.tx.insert_returning_id(
        "INSERT INTO activity(plan_year, owner_unit_id, title, description, responsible, start_date, end_date, status) VALUES (?1,?2,?3,?4,?5,?6,?7,?8) RETURNING id",
        params![a.plan_year, a.owner_unit_id, title, a.description.trim(), a.responsible.trim(), a.start_date.map(date_text), a.end_date.map(date_text), a.status],
    )?;
    let id = inserted_id;
    for g in goal_ids {
        if !exists(w.tx, "SELECT 1 FROM goal WHERE id=?1", *g)? {
            return Err(AppError::not_found(msg!(
                "Målet (id {g}) som aktiviteten ska kopplas till finns inte.",
                "The goal (id {g}) the activity should be linked to does not exist."
            )));
        }
        w.tx.execute("INSERT INTO activity_goal(activity_id, goal_id) VALUES (?1,?2) ON CONFLICT DO NOTHING", params![id, g])?;
    }
    w.audit("insert", "activity", id, None, Some(json!({"title": title, "status": a.status, "goals": goal_ids})))?;
    Ok(id)
}

/// Change an activity's fields and make it serve exactly `goal_ids`; one audit row. With
/// [`Seen::Version`] it is refused with `conflict` (field `title`) unless the stored activity
/// is the version the user loaded (checked in the `UPDATE` itself); every save counts the
/// version up.
pub fn update(w: &mut Writer<'_>, a: &Activity, goal_ids: &BTreeSet<i64>, seen: Seen) -> Result<()> {
    let set = "UPDATE activity SET title=?2, description=?3, responsible=?4, start_date=?5, end_date=?6, status=?7, version=version + 1 WHERE id=?1";
    let (start, end) = (a.start_date.map(date_text), a.end_date.map(date_text));
    match seen {
        Seen::Unchecked => {
            w.tx.execute(set, params![a.id, a.title, a.description, a.responsible, start, end, a.status])?;
        }
        Seen::Version(version) => {
            let n = w.tx.execute(
                &format!("{set} AND version=?8"),
                params![a.id, a.title, a.description, a.responsible, start, end, a.status, version],
            )?;
            if n == 0 {
                return Err(refused(w, a.id)?);
            }
        }
    }
    for old in self::goal_ids(w.read(), a.id)?.into_iter().filter(|g| !goal_ids.contains(g)) {
        w.tx.execute("DELETE FROM activity_goal WHERE activity_id = ?1 AND goal_id = ?2", params![a.id, old])?;
    }
    for g in goal_ids {
        w.tx.execute("INSERT INTO activity_goal(activity_id, goal_id) VALUES (?1, ?2) ON CONFLICT DO NOTHING", params![a.id, g])?;
    }
    w.audit("update", "activity", a.id, None, Some(json!({"title": a.title, "status": a.status, "goals": goal_ids})))
}

/// The refusal of a save over activity `id` changed or removed by someone else since the
/// user loaded it.
pub(crate) fn refused(w: &Writer<'_>, id: i64) -> Result<AppError> {
    super::row_version::refused(w.read(), Thing::Activity, "activity", &id.to_string(), "title", &w.ctx.at)
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
        let inserted_id = w.tx.insert_returning_id(
            "INSERT INTO activity(plan_year, owner_unit_id, title, description, responsible, start_date, end_date, status)
             VALUES (?1,?2,?3,?4,?5,?6,?7,?8) RETURNING id",
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
        let new_id = inserted_id;
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

/// The status of activities in a period: their follow-up's in that period, else their own
/// ([`status_in_period_sql`]).
pub fn statuses_in(
    db: super::Read<'_>,
    period_id: i64,
    ids: &[i64],
) -> crate::error::Result<std::collections::HashMap<i64, crate::model::ActivityStatus>> {
    let mut stmt = db.conn().prepare_cached(&format!(
        "SELECT a.id, {} FROM activity a WHERE a.id IN (SELECT CAST(value AS BIGINT) FROM json_each(?2))",
        status_in_period_sql("?1")
    ))?;
    let rows = stmt
        .query_map(super::sql::params![period_id, super::ids::list(ids.iter().copied())], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<super::sql::Result<_>>()?;
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
         WHERE a.plan_year=?1 AND a.active=1 AND a.owner_unit_id IN (SELECT CAST(value AS BIGINT) FROM json_each(?2))
         ORDER BY a.owner_unit_id, a.start_date, a.id",
        activity_columns_of_a()
    ))?;
    let rows = stmt
        .query_map(super::sql::params![year, super::ids::list(owners.iter().copied())], activity_from_row)?
        .collect::<super::sql::Result<Vec<_>>>()?;
    in_period(db, period_id, rows)
}

/// The active activities serving each of `goals`, with their status in a period:
/// (goal, activity), by goal, then title.
pub fn serving(db: super::Read<'_>, goals: &[i64], period_id: i64) -> crate::error::Result<Vec<(i64, crate::model::Activity)>> {
    let mut stmt = db.conn().prepare_cached(&format!(
        "SELECT {}, ag.goal_id FROM activity_goal ag JOIN activity a ON a.id = ag.activity_id
         WHERE ag.goal_id IN (SELECT CAST(value AS BIGINT) FROM json_each(?1)) AND a.active=1 ORDER BY ag.goal_id, a.title, a.id",
        activity_columns_of_a()
    ))?;
    let rows: Vec<(i64, crate::model::Activity)> = stmt
        .query_map([super::ids::list(goals.iter().copied())], |r| Ok((r.get(11)?, activity_from_row(r)?)))?
        .collect::<super::sql::Result<Vec<_>>>()?;
    let (goal_ids, activities): (Vec<i64>, Vec<_>) = rows.into_iter().unzip();
    Ok(goal_ids.into_iter().zip(in_period(db, period_id, activities)?).collect())
}

/// The codes of the goals each activity serves: activity → codes in order.
pub fn goal_codes(db: super::Read<'_>, ids: &[i64]) -> crate::error::Result<std::collections::HashMap<i64, Vec<String>>> {
    let mut stmt = db.conn().prepare_cached(
        "SELECT ag.activity_id, g.code FROM activity_goal ag JOIN goal g ON g.id = ag.goal_id
         WHERE ag.activity_id IN (SELECT CAST(value AS BIGINT) FROM json_each(?1)) ORDER BY ag.activity_id, g.code, g.id",
    )?;
    let mut codes: std::collections::HashMap<i64, Vec<String>> = std::collections::HashMap::new();
    for row in stmt.query_map([super::ids::list(ids.iter().copied())], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))? {
        let (activity, code) = row?;
        codes.entry(activity).or_default().push(code);
    }
    Ok(codes)
}

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
        .collect::<super::sql::Result<_>>()?;
    Ok(rows)
}

/// Status and comment of an activity for an open period, audited. With [`Seen::Version`] it
/// is refused with `conflict` (field `comment`) when the stored follow-up is not the version
/// the user loaded (`None`: they saw none); every save counts the version up.
pub fn set_follow_up(
    w: &mut Writer<'_>,
    activity_id: i64,
    period_id: i64,
    status: ActivityStatus,
    comment: &str,
    seen: Seen,
) -> Result<()> {
    super::periods::require_open(w.read(), period_id)?;
    if comment.chars().count() > 2000 {
        return Err(AppError::validation(msg!(
            "Kommentaren är för lång (högst 2 000 tecken).",
            "The comment is too long (at most 2,000 characters)."
        ))
        .on_field("comment"));
    }
    let exists: Option<i64> = w.tx.query_row("SELECT id FROM activity WHERE id=?1", [activity_id], |r| r.get(0)).optional()?;
    if exists.is_none() {
        return Err(AppError::not_found(msg!(
            "Aktiviteten (id {activity_id}) finns inte.",
            "The activity (id {activity_id}) does not exist."
        )));
    }
    let entity_id = format!("{activity_id}/{period_id}");
    let refused =
        |w: &Writer<'_>| super::row_version::refused(w.read(), Thing::FollowUp, "activity_follow_up", &entity_id, "comment", &w.ctx.at);
    let before = follow_up_seen(w.read(), activity_id, period_id)?;
    if !seen.matches(before.as_ref().map(|f| f.version)) {
        return Err(refused(w)?);
    }
    let ctx = w.ctx;
    let comment = comment.trim();
    match seen {
        Seen::Unchecked => put_follow_up(w, (activity_id, period_id), status, comment, (&ctx.at, &ctx.user))?,
        Seen::Version(None) => {
            w.tx.execute(
                "INSERT INTO activity_follow_up(activity_id, period_id, status, comment, changed_at, changed_by) VALUES (?1,?2,?3,?4,?5,?6)",
                params![activity_id, period_id, status, comment, ctx.at, ctx.user],
            )
            .map_err(|e| super::row_version::on_insert(e, Thing::FollowUp, "comment"))?;
        }
        Seen::Version(Some(version)) => {
            let n = w.tx.execute(
                "UPDATE activity_follow_up SET status=?3, comment=?4, changed_at=?5, changed_by=?6, version=version + 1
                 WHERE activity_id=?1 AND period_id=?2 AND version=?7",
                params![activity_id, period_id, status, comment, ctx.at, ctx.user, version],
            )?;
            if n == 0 {
                return Err(refused(w)?);
            }
        }
    }
    w.audit(
        if before.is_some() { "update" } else { "insert" },
        "activity_follow_up",
        entity_id.clone(),
        before.map(|f| json!({"status": f.status, "comment": f.comment})),
        Some(json!({"status": status, "comment": comment})),
    )
}

/// An activity's follow-up in one period as the window loads it: what it holds and its row
/// version.
#[derive(Debug, Clone, PartialEq)]
pub struct FollowUpSeen {
    pub status: ActivityStatus,
    pub comment: String,
    pub version: i64,
}

/// The follow-up of an activity in a period with its row version, if there is one.
pub fn follow_up_seen(db: Read<'_>, activity_id: i64, period_id: i64) -> Result<Option<FollowUpSeen>> {
    Ok(db
        .conn()
        .prepare_cached("SELECT status, comment, version FROM activity_follow_up WHERE activity_id=?1 AND period_id=?2")?
        .query_row(params![activity_id, period_id], |r| Ok(FollowUpSeen { status: r.get(0)?, comment: r.get(1)?, version: r.get(2)? }))
        .optional()?)
}

/// The follow-ups in `period_id` of the activities `ids` (those that have one), by activity.
pub fn follow_ups_seen_in(db: Read<'_>, period_id: i64, ids: &[i64]) -> Result<HashMap<i64, FollowUpSeen>> {
    let mut stmt = db.conn().prepare_cached(
        "SELECT activity_id, status, comment, version FROM activity_follow_up
         WHERE period_id = ?1 AND activity_id IN (SELECT CAST(value AS BIGINT) FROM json_each(?2))",
    )?;
    let rows = stmt
        .query_map(params![period_id, super::ids::list(ids.iter().copied())], |r| {
            Ok((r.get(0)?, FollowUpSeen { status: r.get(1)?, comment: r.get(2)?, version: r.get(3)? }))
        })?
        .collect::<super::sql::Result<_>>()?;
    Ok(rows)
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
           changed_at=excluded.changed_at, changed_by=excluded.changed_by,
           version=activity_follow_up.version + 1",
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
    let rows = stmt.query_map(params![period_id, year], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<super::sql::Result<_>>()?;
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
    db.conn().query_row("SELECT title FROM activity WHERE id=?1", [activity_id], |r| r.get(0)).optional()?.ok_or_else(|| {
        AppError::not_found(msg!("Aktiviteten (id {activity_id}) finns inte.", "The activity (id {activity_id}) does not exist."))
    })
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
        .collect::<super::sql::Result<_>>()?;
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
    stmt: super::sql::Statement<'t>,
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
