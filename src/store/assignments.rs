//! Repository for `assignment`, `assignment_goal` and `assignment_follow_up`: uppdrag given by
//! KF or a nämnd, the goals they serve, and their follow-up per period (issue 16).

use super::sql::{params, OptionalExtension, Row};
use serde_json::json;

use super::row_version::{self, Seen, Statements, Subject, Thing};
use super::{Read, Writer};
use crate::error::Result;
use crate::model::{Assignment, AssignmentFollowUp};

fn date_of(text: Option<String>) -> Option<chrono::NaiveDate> {
    chrono::NaiveDate::parse_from_str(text.as_deref()?, "%Y-%m-%d").ok()
}

const COLUMNS: &str = "id, plan_year, code, title, description, issuer_unit_id, decision_body, decision_date, \
     decision_paragraph, responsible_unit_id, responsible_person, deadline, sort_order, copied_from_id";

fn from_row(r: &Row<'_>) -> super::sql::Result<Assignment> {
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
    let mut all: Vec<Assignment> = stmt.query_map([year], from_row)?.collect::<super::sql::Result<_>>()?;
    let mut links = db.conn().prepare_cached(
        "SELECT ag.assignment_id, ag.goal_id FROM assignment_goal ag JOIN assignment a ON a.id = ag.assignment_id
         WHERE a.plan_year=?1 ORDER BY ag.assignment_id, ag.goal_id",
    )?;
    let pairs = links.query_map([year], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))?.collect::<super::sql::Result<Vec<_>>>()?;
    for (assignment_id, goal_id) in pairs {
        if let Some(a) = all.iter_mut().find(|a| a.id == assignment_id) {
            a.goal_ids.push(goal_id);
        }
    }
    Ok(all)
}

fn follow_up_of_row(r: &Row<'_>) -> super::sql::Result<AssignmentFollowUp> {
    Ok(AssignmentFollowUp {
        assignment_id: r.get(0)?,
        period_id: r.get(1)?,
        status: r.get(2)?,
        comment: r.get(3)?,
        state: r.get(4)?,
        review_comment: r.get(5)?,
        changed_at: r.get(6)?,
        changed_by: r.get(7)?,
        version: r.get(8)?,
    })
}

/// Every uppdrag's follow-up in one period.
pub fn follow_ups_of_period(db: Read<'_>, period_id: i64) -> Result<Vec<AssignmentFollowUp>> {
    let mut stmt = db.conn().prepare_cached(
        "SELECT assignment_id, period_id, status, comment, state, review_comment, changed_at, changed_by, version
         FROM assignment_follow_up WHERE period_id=?1 ORDER BY assignment_id",
    )?;
    let rows = stmt.query_map([period_id], follow_up_of_row)?.collect::<super::sql::Result<_>>()?;
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
    let rows = stmt.query_map([year], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<super::sql::Result<_>>()?;
    Ok(rows)
}

/// One uppdrag's follow-up in one period, if it has been started.
pub fn get_follow_up(db: Read<'_>, assignment_id: i64, period_id: i64) -> Result<Option<AssignmentFollowUp>> {
    Ok(db
        .conn()
        .prepare_cached(
            "SELECT assignment_id, period_id, status, comment, state, review_comment, changed_at, changed_by, version
             FROM assignment_follow_up WHERE assignment_id=?1 AND period_id=?2",
        )?
        .query_row(params![assignment_id, period_id], follow_up_of_row)
        .optional()?)
}

fn follow_up_image(f: &AssignmentFollowUp) -> serde_json::Value {
    json!({"status": f.status, "comment": f.comment, "state": f.state, "review_comment": f.review_comment})
}

/// Write an uppdrag's follow-up for a period whole (status, comment, review state and
/// comment) over whatever is stored (reviews, the seed loader, tests), audited with what it
/// held before; `changed_at`/`changed_by` come from the writer. The caller has checked the
/// period lock and the review rules. The window saves with [`put_follow_up_seen`].
pub fn put_follow_up(w: &mut Writer<'_>, f: &AssignmentFollowUp) -> Result<()> {
    put_follow_up_seen(w, f, Seen::Unchecked)
}

/// [`put_follow_up`], refused with `conflict` (field `comment`) when the stored follow-up is
/// not the version `seen`: someone else saved it after the user loaded it. Every save counts
/// the version up; `f.version` is not used.
pub fn put_follow_up_seen(w: &mut Writer<'_>, f: &AssignmentFollowUp, seen: Seen) -> Result<()> {
    let before = get_follow_up(w.read(), f.assignment_id, f.period_id)?;
    let entity_id = format!("{}/{}", f.assignment_id, f.period_id);
    let subject = Subject { thing: Thing::AssignmentFollowUp, entity: "assignment_follow_up", entity_id: &entity_id, field: "comment" };
    let ctx = w.ctx;
    row_version::save(
        w,
        seen,
        before.as_ref().map(|b| b.version),
        &subject,
        &Statements {
            upsert: "INSERT INTO assignment_follow_up(assignment_id, period_id, status, comment, state, review_comment, changed_at, changed_by)
                 VALUES (?1,?2,?3,?4,?5,?6,?7,?8)
                 ON CONFLICT(assignment_id, period_id) DO UPDATE SET status=excluded.status, comment=excluded.comment,
                   state=excluded.state, review_comment=excluded.review_comment, changed_at=excluded.changed_at, changed_by=excluded.changed_by,
                   version=assignment_follow_up.version + 1",
            insert: "INSERT INTO assignment_follow_up(assignment_id, period_id, status, comment, state, review_comment, changed_at, changed_by)
                 VALUES (?1,?2,?3,?4,?5,?6,?7,?8)",
            update: "UPDATE assignment_follow_up SET status=?3, comment=?4, state=?5, review_comment=?6, changed_at=?7, changed_by=?8,
                   version=version + 1
                 WHERE assignment_id=?1 AND period_id=?2 AND version=?9",
        },
        params![f.assignment_id, f.period_id, f.status, f.comment, f.state, f.review_comment, ctx.at, ctx.user],
    )?;
    w.audit(
        if before.is_some() { "update" } else { "insert" },
        "assignment_follow_up",
        entity_id.clone(),
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
           state=excluded.state, review_comment=excluded.review_comment, changed_at=excluded.changed_at, changed_by=excluded.changed_by,
           version=assignment_follow_up.version + 1",
        params![f.assignment_id, f.period_id, f.status, f.comment, f.state, f.review_comment, f.changed_at, f.changed_by],
    )?;
    Ok(())
}

// Writes of the uppdrag form and the copy forward (issue 16). The feature
// (`crate::assignments`) has validated every field; these write and leave audit rows.

fn image(a: &Assignment) -> serde_json::Value {
    json!({
        "plan_year": a.plan_year, "code": a.code, "title": a.title, "issuer_unit_id": a.issuer_unit_id,
        "decision_body": a.decision_body, "decision_date": a.decision_date.map(crate::model::date_text),
        "decision_paragraph": a.decision_paragraph, "responsible_unit_id": a.responsible_unit_id,
        "responsible_person": a.responsible_person, "deadline": a.deadline.map(crate::model::date_text), "goals": a.goal_ids,
    })
}

/// One uppdrag with its goals; not found names its id.
pub fn get(db: Read<'_>, id: i64) -> Result<Assignment> {
    let found = db.conn().prepare_cached(&format!("SELECT {COLUMNS} FROM assignment WHERE id=?1"))?.query_row([id], from_row).optional()?;
    let Some(mut a) = found else {
        return Err(crate::error::AppError::not_found(crate::msg!(
            "Uppdraget (id {id}) finns inte. Det kan ha tagits bort.",
            "The assignment (id {id}) does not exist. It may have been deleted."
        )));
    };
    a.goal_ids = goal_ids(db, id)?;
    Ok(a)
}

/// The goals an uppdrag serves (ids, ascending).
pub fn goal_ids(db: Read<'_>, id: i64) -> Result<Vec<i64>> {
    let mut stmt = db.conn().prepare_cached("SELECT goal_id FROM assignment_goal WHERE assignment_id=?1 ORDER BY goal_id")?;
    let rows = stmt.query_map([id], |r| r.get(0))?.collect::<super::sql::Result<Vec<i64>>>()?;
    Ok(rows)
}

/// Every follow-up of the uppdrag of a plan year (any period), by uppdrag.
pub fn follow_ups_of_year(db: Read<'_>, year: i32) -> Result<Vec<AssignmentFollowUp>> {
    let mut stmt = db.conn().prepare_cached(
        "SELECT f.assignment_id, f.period_id, f.status, f.comment, f.state, f.review_comment, f.changed_at, f.changed_by, f.version
         FROM assignment_follow_up f JOIN assignment a ON a.id = f.assignment_id
         WHERE a.plan_year=?1 ORDER BY f.assignment_id, f.period_id",
    )?;
    let rows = stmt.query_map([year], follow_up_of_row)?.collect::<super::sql::Result<_>>()?;
    Ok(rows)
}

/// How many follow-ups an uppdrag has (what deleting it takes along).
pub fn follow_up_count(db: Read<'_>, id: i64) -> Result<i64> {
    Ok(db.conn().query_row("SELECT COUNT(*) FROM assignment_follow_up WHERE assignment_id=?1", [id], |r| r.get(0))?)
}

fn set_goals(w: &mut Writer<'_>, id: i64, goal_ids: &[i64]) -> Result<()> {
    w.tx.execute("DELETE FROM assignment_goal WHERE assignment_id=?1", [id])?;
    for g in goal_ids {
        w.tx.execute("INSERT INTO assignment_goal(assignment_id, goal_id) VALUES (?1, ?2) ON CONFLICT DO NOTHING", params![id, g])?;
    }
    Ok(())
}

/// Add an uppdrag (its `id` is ignored) with its goal links; returns the new id.
pub fn insert(w: &mut Writer<'_>, a: &Assignment) -> Result<i64> {
    let sort_order: i64 =
        w.tx.query_row("SELECT COALESCE(MAX(sort_order), 0) + 1 FROM assignment WHERE plan_year=?1", [a.plan_year], |r| r.get(0))?;
    let inserted_id = w.tx.insert_returning_id(
        "INSERT INTO assignment(plan_year, code, title, description, issuer_unit_id, decision_body, decision_date, decision_paragraph,
           responsible_unit_id, responsible_person, deadline, sort_order, copied_from_id)
         VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13) RETURNING id",
        params![
            a.plan_year,
            a.code,
            a.title,
            a.description,
            a.issuer_unit_id,
            a.decision_body,
            a.decision_date.map(crate::model::date_text),
            a.decision_paragraph,
            a.responsible_unit_id,
            a.responsible_person,
            a.deadline.map(crate::model::date_text),
            sort_order,
            a.copied_from_id
        ],
    )?;
    let id = inserted_id;
    set_goals(w, id, &a.goal_ids)?;
    w.audit("insert", "assignment", id, None, Some(image(a)))?;
    Ok(id)
}

/// Change an uppdrag's fields and make it serve exactly `a.goal_ids`; one audit row.
pub fn update(w: &mut Writer<'_>, a: &Assignment) -> Result<()> {
    let before = get(w.read(), a.id)?;
    w.tx.execute(
        "UPDATE assignment SET code=?2, title=?3, description=?4, issuer_unit_id=?5, decision_body=?6, decision_date=?7,
           decision_paragraph=?8, responsible_unit_id=?9, responsible_person=?10, deadline=?11 WHERE id=?1",
        params![
            a.id,
            a.code,
            a.title,
            a.description,
            a.issuer_unit_id,
            a.decision_body,
            a.decision_date.map(crate::model::date_text),
            a.decision_paragraph,
            a.responsible_unit_id,
            a.responsible_person,
            a.deadline.map(crate::model::date_text)
        ],
    )?;
    set_goals(w, a.id, &a.goal_ids)?;
    w.audit("update", "assignment", a.id, Some(image(&before)), Some(image(a)))
}

/// Delete an uppdrag with its goal links and follow-up.
pub fn delete(w: &mut Writer<'_>, id: i64) -> Result<()> {
    let before = get(w.read(), id)?;
    w.tx.execute("DELETE FROM assignment WHERE id=?1", [id])?;
    w.audit("delete", "assignment", id, Some(image(&before)), None)
}
