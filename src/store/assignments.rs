//! Repository for `assignment`, `assignment_goal` and `assignment_follow_up`: uppdrag given by
//! KF or a nämnd, the goals they serve, and their follow-up per period (issue 16).

use rusqlite::{params, OptionalExtension, Row};
use serde_json::json;

use super::{Read, Writer};
use crate::error::Result;
use crate::model::{Assignment, AssignmentFollowUp};

fn date_of(text: Option<String>) -> Option<chrono::NaiveDate> {
    chrono::NaiveDate::parse_from_str(text.as_deref()?, "%Y-%m-%d").ok()
}

const COLUMNS: &str = "id, plan_year, code, title, description, issuer_unit_id, decision_body, decision_date, \
     decision_paragraph, responsible_unit_id, responsible_person, deadline, sort_order, copied_from_id";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Assignment> {
    Ok(Assignment {
        id: r.get(0)?,
        plan_year: r.get(1)?,
        code: r.get(2)?,
        title: r.get(3)?,
        description: r.get(4)?,
        issuer_unit_id: r.get(5)?,
        decision_body: r.get(6)?,
        decision_date: date_of(r.get(7)?),
        decision_paragraph: r.get(8)?,
        responsible_unit_id: r.get(9)?,
        responsible_person: r.get(10)?,
        deadline: date_of(r.get(11)?),
        sort_order: r.get(12)?,
        copied_from_id: r.get(13)?,
        goal_ids: Vec::new(),
    })
}

/// Every uppdrag of a plan year with the goals it serves, in the plan's order.
pub fn of_year(db: Read<'_>, year: i32) -> Result<Vec<Assignment>> {
    let mut stmt = db.conn().prepare_cached(&format!("SELECT {COLUMNS} FROM assignment WHERE plan_year=?1 ORDER BY sort_order, id"))?;
    let mut all: Vec<Assignment> = stmt.query_map([year], from_row)?.collect::<rusqlite::Result<_>>()?;
    let mut links = db.conn().prepare_cached(
        "SELECT ag.assignment_id, ag.goal_id FROM assignment_goal ag JOIN assignment a ON a.id = ag.assignment_id
         WHERE a.plan_year=?1 ORDER BY ag.assignment_id, ag.goal_id",
    )?;
    let pairs = links.query_map([year], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))?.collect::<rusqlite::Result<Vec<_>>>()?;
    for (assignment_id, goal_id) in pairs {
        if let Some(a) = all.iter_mut().find(|a| a.id == assignment_id) {
            a.goal_ids.push(goal_id);
        }
    }
    Ok(all)
}

fn follow_up_of_row(r: &Row<'_>) -> rusqlite::Result<AssignmentFollowUp> {
    Ok(AssignmentFollowUp {
        assignment_id: r.get(0)?,
        period_id: r.get(1)?,
        status: r.get(2)?,
        comment: r.get(3)?,
        state: r.get(4)?,
        review_comment: r.get(5)?,
        changed_at: r.get(6)?,
        changed_by: r.get(7)?,
    })
}

/// Every uppdrag's follow-up in one period.
pub fn follow_ups_of_period(db: Read<'_>, period_id: i64) -> Result<Vec<AssignmentFollowUp>> {
    let mut stmt = db.conn().prepare_cached(
        "SELECT assignment_id, period_id, status, comment, state, review_comment, changed_at, changed_by
         FROM assignment_follow_up WHERE period_id=?1 ORDER BY assignment_id",
    )?;
    let rows = stmt.query_map([period_id], follow_up_of_row)?.collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// Per uppdrag of plan year `year`: its status in the latest period (by end date) that has a
/// follow-up of it; uppdrag never followed up are left out. For the to-do list (`todo`).
pub fn latest_status_of_year(db: Read<'_>, year: i32) -> Result<Vec<(i64, crate::model::AssignmentStatus)>> {
    let mut stmt = db.conn().prepare_cached(
        "SELECT f.assignment_id, f.status FROM assignment_follow_up f
         JOIN assignment a ON a.id = f.assignment_id JOIN follow_up_period p ON p.id = f.period_id
         WHERE a.plan_year = ?1
           AND p.end_date = (SELECT MAX(p2.end_date) FROM assignment_follow_up f2 JOIN follow_up_period p2 ON p2.id = f2.period_id
                             WHERE f2.assignment_id = f.assignment_id)
         ORDER BY f.assignment_id",
    )?;
    let rows = stmt.query_map([year], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// One uppdrag's follow-up in one period, if it has been started.
pub fn get_follow_up(db: Read<'_>, assignment_id: i64, period_id: i64) -> Result<Option<AssignmentFollowUp>> {
    Ok(db
        .conn()
        .prepare_cached(
            "SELECT assignment_id, period_id, status, comment, state, review_comment, changed_at, changed_by
             FROM assignment_follow_up WHERE assignment_id=?1 AND period_id=?2",
        )?
        .query_row(params![assignment_id, period_id], follow_up_of_row)
        .optional()?)
}

fn follow_up_image(f: &AssignmentFollowUp) -> serde_json::Value {
    json!({"status": f.status, "comment": f.comment, "state": f.state, "review_comment": f.review_comment})
}

/// Write an uppdrag's follow-up for a period whole (status, comment, review state and
/// comment), audited with what it held before; `changed_at`/`changed_by` come from the
/// writer. The caller has checked the period lock and the review rules.
pub fn put_follow_up(w: &mut Writer<'_>, f: &AssignmentFollowUp) -> Result<()> {
    let before = get_follow_up(w.read(), f.assignment_id, f.period_id)?;
    w.tx.execute(
        "INSERT INTO assignment_follow_up(assignment_id, period_id, status, comment, state, review_comment, changed_at, changed_by)
         VALUES (?1,?2,?3,?4,?5,?6,?7,?8)
         ON CONFLICT(assignment_id, period_id) DO UPDATE SET status=excluded.status, comment=excluded.comment,
           state=excluded.state, review_comment=excluded.review_comment, changed_at=excluded.changed_at, changed_by=excluded.changed_by",
        params![f.assignment_id, f.period_id, f.status, f.comment, f.state, f.review_comment, w.ctx.at, w.ctx.user],
    )?;
    w.audit(
        if before.is_some() { "update" } else { "insert" },
        "assignment_follow_up",
        format!("{}/{}", f.assignment_id, f.period_id),
        before.as_ref().map(follow_up_image),
        Some(follow_up_image(f)),
    )
}

/// Write an uppdrag's follow-up as an exchange file has it, keeping who changed it in the
/// unit and when. No audit row: the import writes its own (action `import`, with the marks).
pub(crate) fn put_imported_follow_up(w: &mut Writer<'_>, f: &AssignmentFollowUp) -> Result<()> {
    w.tx.execute(
        "INSERT INTO assignment_follow_up(assignment_id, period_id, status, comment, state, review_comment, changed_at, changed_by)
         VALUES (?1,?2,?3,?4,?5,?6,?7,?8)
         ON CONFLICT(assignment_id, period_id) DO UPDATE SET status=excluded.status, comment=excluded.comment,
           state=excluded.state, review_comment=excluded.review_comment, changed_at=excluded.changed_at, changed_by=excluded.changed_by",
        params![f.assignment_id, f.period_id, f.status, f.comment, f.state, f.review_comment, f.changed_at, f.changed_by],
    )?;
    Ok(())
}
