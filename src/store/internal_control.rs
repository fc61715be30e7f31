//! Repository for `control_plan`, `control_risk`, `control` and `control_follow_up`: each
//! nämnd's intern kontroll plan for a year, its risks and controls, and their follow-up per
//! period (issue 16).

use rusqlite::{params, OptionalExtension, Row};
use serde_json::json;

use super::{Read, Writer};
use crate::error::Result;
use crate::model::{Control, ControlFollowUp, ControlPlan, ControlRisk};

/// Every control plan of a plan year, by unit.
pub fn plans_of_year(db: Read<'_>, year: i32) -> Result<Vec<ControlPlan>> {
    let mut stmt = db
        .conn()
        .prepare_cached("SELECT id, org_unit_id, plan_year, decision FROM control_plan WHERE plan_year=?1 ORDER BY org_unit_id")?;
    let rows = stmt
        .query_map([year], |r| Ok(ControlPlan { id: r.get(0)?, org_unit_id: r.get(1)?, plan_year: r.get(2)?, decision: r.get(3)? }))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

fn risk_of_row(r: &Row<'_>) -> rusqlite::Result<ControlRisk> {
    Ok(ControlRisk {
        id: r.get(0)?,
        plan_id: r.get(1)?,
        process: r.get(2)?,
        risk: r.get(3)?,
        probability: r.get(4)?,
        consequence: r.get(5)?,
        chosen: r.get(6)?,
        handling: r.get(7)?,
        sort_order: r.get(8)?,
    })
}

/// Every risk of a plan year's control plans, in each plan's order.
pub fn risks_of_year(db: Read<'_>, year: i32) -> Result<Vec<ControlRisk>> {
    let mut stmt = db.conn().prepare_cached(
        "SELECT r.id, r.plan_id, r.process, r.risk, r.probability, r.consequence, r.chosen, r.handling, r.sort_order
         FROM control_risk r JOIN control_plan p ON p.id = r.plan_id
         WHERE p.plan_year=?1 ORDER BY r.plan_id, r.sort_order, r.id",
    )?;
    let rows = stmt.query_map([year], risk_of_row)?.collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

fn control_of_row(r: &Row<'_>) -> rusqlite::Result<Control> {
    Ok(Control {
        id: r.get(0)?,
        risk_id: r.get(1)?,
        what: r.get(2)?,
        method: r.get(3)?,
        frequency: r.get(4)?,
        responsible: r.get(5)?,
        report_in: r.get(6)?,
        sort_order: r.get(7)?,
    })
}

/// Every control of a plan year's control plans, in each risk's order.
pub fn controls_of_year(db: Read<'_>, year: i32) -> Result<Vec<Control>> {
    let mut stmt = db.conn().prepare_cached(
        "SELECT c.id, c.risk_id, c.what, c.method, c.frequency, c.responsible, c.report_in, c.sort_order
         FROM control c JOIN control_risk r ON r.id = c.risk_id JOIN control_plan p ON p.id = r.plan_id
         WHERE p.plan_year=?1 ORDER BY c.risk_id, c.sort_order, c.id",
    )?;
    let rows = stmt.query_map([year], control_of_row)?.collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// Every control of a plan year's control plans with the unit whose plan it is, in each
/// risk's order; for the to-do list and the calendar (`todo`).
pub fn controls_with_unit_of_year(db: Read<'_>, year: i32) -> Result<Vec<(Control, i64)>> {
    let mut stmt = db.conn().prepare_cached(
        "SELECT c.id, c.risk_id, c.what, c.method, c.frequency, c.responsible, c.report_in, c.sort_order, p.org_unit_id
         FROM control c JOIN control_risk r ON r.id = c.risk_id JOIN control_plan p ON p.id = r.plan_id
         WHERE p.plan_year=?1 ORDER BY p.org_unit_id, c.risk_id, c.sort_order, c.id",
    )?;
    let rows = stmt.query_map([year], |r| Ok((control_of_row(r)?, r.get(8)?)))?.collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// (control, period) of every control follow-up in the periods of plan year `year`.
pub fn followed_up_in_year(db: Read<'_>, year: i32) -> Result<Vec<(i64, i64)>> {
    let mut stmt = db.conn().prepare_cached(
        "SELECT f.control_id, f.period_id FROM control_follow_up f JOIN follow_up_period p ON p.id = f.period_id
         WHERE p.plan_year=?1 ORDER BY f.control_id, f.period_id",
    )?;
    let rows = stmt.query_map([year], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// Every control's follow-up in one period.
pub fn follow_ups_of_period(db: Read<'_>, period_id: i64) -> Result<Vec<ControlFollowUp>> {
    let mut stmt = db.conn().prepare_cached(
        "SELECT control_id, period_id, result, comment, deviation, action, state, review_comment, changed_at, changed_by
         FROM control_follow_up WHERE period_id=?1 ORDER BY control_id",
    )?;
    let rows = stmt.query_map([period_id], follow_up_of_row)?.collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

fn follow_up_of_row(r: &Row<'_>) -> rusqlite::Result<ControlFollowUp> {
    Ok(ControlFollowUp {
        control_id: r.get(0)?,
        period_id: r.get(1)?,
        result: r.get(2)?,
        comment: r.get(3)?,
        deviation: r.get(4)?,
        action: r.get(5)?,
        state: r.get(6)?,
        review_comment: r.get(7)?,
        changed_at: r.get(8)?,
        changed_by: r.get(9)?,
    })
}

/// One control's follow-up in one period, if it has been started.
pub fn get_follow_up(db: Read<'_>, control_id: i64, period_id: i64) -> Result<Option<ControlFollowUp>> {
    Ok(db
        .conn()
        .prepare_cached(
            "SELECT control_id, period_id, result, comment, deviation, action, state, review_comment, changed_at, changed_by
             FROM control_follow_up WHERE control_id=?1 AND period_id=?2",
        )?
        .query_row(params![control_id, period_id], follow_up_of_row)
        .optional()?)
}

fn follow_up_image(f: &ControlFollowUp) -> serde_json::Value {
    json!({"result": f.result, "comment": f.comment, "deviation": f.deviation, "action": f.action,
           "state": f.state, "review_comment": f.review_comment})
}

/// Write a control's follow-up for a period whole, audited with what it held before;
/// `changed_at`/`changed_by` come from the writer. The caller has checked the period lock and
/// the review rules.
pub fn put_follow_up(w: &mut Writer<'_>, f: &ControlFollowUp) -> Result<()> {
    let before = get_follow_up(w.read(), f.control_id, f.period_id)?;
    w.tx.execute(
        "INSERT INTO control_follow_up(control_id, period_id, result, comment, deviation, action, state, review_comment, changed_at, changed_by)
         VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)
         ON CONFLICT(control_id, period_id) DO UPDATE SET result=excluded.result, comment=excluded.comment,
           deviation=excluded.deviation, action=excluded.action, state=excluded.state,
           review_comment=excluded.review_comment, changed_at=excluded.changed_at, changed_by=excluded.changed_by",
        params![f.control_id, f.period_id, f.result, f.comment, f.deviation, f.action, f.state, f.review_comment, w.ctx.at, w.ctx.user],
    )?;
    w.audit(
        if before.is_some() { "update" } else { "insert" },
        "control_follow_up",
        format!("{}/{}", f.control_id, f.period_id),
        before.as_ref().map(follow_up_image),
        Some(follow_up_image(f)),
    )
}
