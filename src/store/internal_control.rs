//! Repository for `control_plan`, `control_risk`, `control` and `control_follow_up`: each
//! nämnd's intern kontroll plan for a year, its risks and controls, and their follow-up per
//! period (issue 16).

use super::sql::{params, OptionalExtension, Row};
use serde_json::json;

use super::row_version::{self, Seen, Statements, Subject, Thing};
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
        .collect::<super::sql::Result<_>>()?;
    Ok(rows)
}

fn risk_of_row(r: &Row<'_>) -> super::sql::Result<ControlRisk> {
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
    let rows = stmt.query_map([year], risk_of_row)?.collect::<super::sql::Result<_>>()?;
    Ok(rows)
}

fn control_of_row(r: &Row<'_>) -> super::sql::Result<Control> {
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
    let rows = stmt.query_map([year], control_of_row)?.collect::<super::sql::Result<_>>()?;
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
    let rows = stmt.query_map([year], |r| Ok((control_of_row(r)?, r.get(8)?)))?.collect::<super::sql::Result<_>>()?;
    Ok(rows)
}

/// (control, period) of every control follow-up in the periods of plan year `year`.
pub fn followed_up_in_year(db: Read<'_>, year: i32) -> Result<Vec<(i64, i64)>> {
    let mut stmt = db.conn().prepare_cached(
        "SELECT f.control_id, f.period_id FROM control_follow_up f JOIN follow_up_period p ON p.id = f.period_id
         WHERE p.plan_year=?1 ORDER BY f.control_id, f.period_id",
    )?;
    let rows = stmt.query_map([year], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<super::sql::Result<_>>()?;
    Ok(rows)
}

/// Every control's follow-up in one period.
pub fn follow_ups_of_period(db: Read<'_>, period_id: i64) -> Result<Vec<ControlFollowUp>> {
    let mut stmt = db.conn().prepare_cached(
        "SELECT control_id, period_id, result, comment, deviation, action, state, review_comment, changed_at, changed_by, version
         FROM control_follow_up WHERE period_id=?1 ORDER BY control_id",
    )?;
    let rows = stmt.query_map([period_id], follow_up_of_row)?.collect::<super::sql::Result<_>>()?;
    Ok(rows)
}

fn follow_up_of_row(r: &Row<'_>) -> super::sql::Result<ControlFollowUp> {
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
        version: r.get(10)?,
    })
}

/// One control's follow-up in one period, if it has been started.
pub fn get_follow_up(db: Read<'_>, control_id: i64, period_id: i64) -> Result<Option<ControlFollowUp>> {
    Ok(db
        .conn()
        .prepare_cached(
            "SELECT control_id, period_id, result, comment, deviation, action, state, review_comment, changed_at, changed_by, version
             FROM control_follow_up WHERE control_id=?1 AND period_id=?2",
        )?
        .query_row(params![control_id, period_id], follow_up_of_row)
        .optional()?)
}

fn follow_up_image(f: &ControlFollowUp) -> serde_json::Value {
    json!({"result": f.result, "comment": f.comment, "deviation": f.deviation, "action": f.action,
           "state": f.state, "review_comment": f.review_comment})
}

/// Write a control's follow-up for a period whole over whatever is stored (reviews, the seed
/// loader, tests), audited with what it held before; `changed_at`/`changed_by` come from the
/// writer. The caller has checked the period lock and the review rules. The window saves
/// with [`put_follow_up_seen`].
pub fn put_follow_up(w: &mut Writer<'_>, f: &ControlFollowUp) -> Result<()> {
    put_follow_up_seen(w, f, Seen::Unchecked)
}

/// [`put_follow_up`], refused with `conflict` (field `comment`) when the stored follow-up is
/// not the version `seen`: someone else saved it after the user loaded it. Every save counts
/// the version up; `f.version` is not used.
pub fn put_follow_up_seen(w: &mut Writer<'_>, f: &ControlFollowUp, seen: Seen) -> Result<()> {
    let before = get_follow_up(w.read(), f.control_id, f.period_id)?;
    let entity_id = format!("{}/{}", f.control_id, f.period_id);
    let subject = Subject { thing: Thing::ControlFollowUp, entity: "control_follow_up", entity_id: &entity_id, field: "comment" };
    let ctx = w.ctx;
    row_version::save(
        w,
        seen,
        before.as_ref().map(|b| b.version),
        &subject,
        &Statements {
            upsert: "INSERT INTO control_follow_up(control_id, period_id, result, comment, deviation, action, state, review_comment, changed_at, changed_by)
                 VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)
                 ON CONFLICT(control_id, period_id) DO UPDATE SET result=excluded.result, comment=excluded.comment,
                   deviation=excluded.deviation, action=excluded.action, state=excluded.state,
                   review_comment=excluded.review_comment, changed_at=excluded.changed_at, changed_by=excluded.changed_by,
                   version=control_follow_up.version + 1",
            insert: "INSERT INTO control_follow_up(control_id, period_id, result, comment, deviation, action, state, review_comment, changed_at, changed_by)
                 VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)",
            update: "UPDATE control_follow_up SET result=?3, comment=?4, deviation=?5, action=?6, state=?7, review_comment=?8,
                   changed_at=?9, changed_by=?10, version=version + 1
                 WHERE control_id=?1 AND period_id=?2 AND version=?11",
        },
        params![f.control_id, f.period_id, f.result, f.comment, f.deviation, f.action, f.state, f.review_comment, ctx.at, ctx.user],
    )?;
    w.audit(
        if before.is_some() { "update" } else { "insert" },
        "control_follow_up",
        entity_id.clone(),
        before.as_ref().map(follow_up_image),
        Some(follow_up_image(f)),
    )
}

/// Write a control's follow-up as an exchange file has it, keeping who changed it in the unit
/// and when. No audit row: the import writes its own (action `import`, with the marks).
pub(crate) fn put_imported_follow_up(w: &mut Writer<'_>, f: &ControlFollowUp) -> Result<()> {
    w.tx.execute(
        "INSERT INTO control_follow_up(control_id, period_id, result, comment, deviation, action, state, review_comment, changed_at, changed_by)
         VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)
         ON CONFLICT(control_id, period_id) DO UPDATE SET result=excluded.result, comment=excluded.comment,
           deviation=excluded.deviation, action=excluded.action, state=excluded.state,
           review_comment=excluded.review_comment, changed_at=excluded.changed_at, changed_by=excluded.changed_by,
           version=control_follow_up.version + 1",
        params![f.control_id, f.period_id, f.result, f.comment, f.deviation, f.action, f.state, f.review_comment, f.changed_at, f.changed_by],
    )?;
    Ok(())
}

// ---------------------------------------------------------------------------
// Plans, risks and controls: reads by id and the writes of `internal_control`'s saves. Each
// write leaves an audit row with what the row held before and after.

use crate::error::AppError;
use crate::msg;

fn plan_of_row(r: &Row<'_>) -> super::sql::Result<ControlPlan> {
    Ok(ControlPlan { id: r.get(0)?, org_unit_id: r.get(1)?, plan_year: r.get(2)?, decision: r.get(3)? })
}

/// A control plan by id.
pub fn get_plan(db: Read<'_>, id: i64) -> Result<ControlPlan> {
    db.conn()
        .prepare_cached("SELECT id, org_unit_id, plan_year, decision FROM control_plan WHERE id=?1")?
        .query_row([id], plan_of_row)
        .optional()?
        .ok_or_else(|| AppError::not_found(msg!("Planen för intern kontroll finns inte.", "The internal control plan does not exist.")))
}

/// A unit's control plan for a plan year, if it has one.
pub fn plan_of(db: Read<'_>, unit_id: i64, year: i32) -> Result<Option<ControlPlan>> {
    Ok(db
        .conn()
        .prepare_cached("SELECT id, org_unit_id, plan_year, decision FROM control_plan WHERE org_unit_id=?1 AND plan_year=?2")?
        .query_row(params![unit_id, year], plan_of_row)
        .optional()?)
}

fn plan_image(p: &ControlPlan) -> serde_json::Value {
    json!({"org_unit_id": p.org_unit_id, "plan_year": p.plan_year, "decision": p.decision})
}

/// Insert a unit's plan for a year; returns its id.
pub fn insert_plan(w: &mut Writer<'_>, unit_id: i64, year: i32, decision: &str) -> Result<i64> {
    let inserted_id = w.tx.insert_returning_id(
        "INSERT INTO control_plan(org_unit_id, plan_year, decision) VALUES (?1,?2,?3) RETURNING id",
        params![unit_id, year, decision],
    )?;
    let id = inserted_id;
    let p = ControlPlan { id, org_unit_id: unit_id, plan_year: year, decision: decision.to_string() };
    w.audit("insert", "control_plan", id, None, Some(plan_image(&p)))?;
    Ok(id)
}

/// Change a plan's decision text.
pub fn update_plan(w: &mut Writer<'_>, id: i64, decision: &str) -> Result<()> {
    let before = get_plan(w.read(), id)?;
    w.tx.execute("UPDATE control_plan SET decision=?2 WHERE id=?1", params![id, decision])?;
    let after = ControlPlan { decision: decision.to_string(), ..before.clone() };
    w.audit("update", "control_plan", id, Some(plan_image(&before)), Some(plan_image(&after)))
}

const RISK_COLUMNS: &str = "id, plan_id, process, risk, probability, consequence, chosen, handling, sort_order";

/// A risk by id.
pub fn get_risk(db: Read<'_>, id: i64) -> Result<ControlRisk> {
    db.conn()
        .prepare_cached(&format!("SELECT {RISK_COLUMNS} FROM control_risk WHERE id=?1"))?
        .query_row([id], risk_of_row)
        .optional()?
        .ok_or_else(|| AppError::not_found(msg!("Risken finns inte.", "The risk does not exist.")))
}

/// A plan's risks in their order.
pub fn risks_of_plan(db: Read<'_>, plan_id: i64) -> Result<Vec<ControlRisk>> {
    let mut stmt =
        db.conn().prepare_cached(&format!("SELECT {RISK_COLUMNS} FROM control_risk WHERE plan_id=?1 ORDER BY sort_order, id"))?;
    let rows = stmt.query_map([plan_id], risk_of_row)?.collect::<super::sql::Result<_>>()?;
    Ok(rows)
}

fn risk_image(r: &ControlRisk) -> serde_json::Value {
    json!({"plan_id": r.plan_id, "process": r.process, "risk": r.risk, "probability": r.probability,
           "consequence": r.consequence, "chosen": r.chosen, "handling": r.handling, "sort_order": r.sort_order})
}

/// Insert a risk (its `id` is ignored; `sort_order` 0 puts it last); returns its id.
pub fn insert_risk(w: &mut Writer<'_>, r: &ControlRisk) -> Result<i64> {
    let order = if r.sort_order > 0 {
        r.sort_order
    } else {
        w.tx.query_row("SELECT COALESCE(MAX(sort_order),0)+1 FROM control_risk WHERE plan_id=?1", [r.plan_id], |row| row.get(0))?
    };
    let inserted_id = w.tx.insert_returning_id(
        "INSERT INTO control_risk(plan_id, process, risk, probability, consequence, chosen, handling, sort_order) VALUES (?1,?2,?3,?4,?5,?6,?7,?8) RETURNING id",
        params![r.plan_id, r.process, r.risk, r.probability, r.consequence, r.chosen, r.handling, order],
    )?;
    let id = inserted_id;
    let stored = ControlRisk { id, sort_order: order, ..r.clone() };
    w.audit("insert", "control_risk", id, None, Some(risk_image(&stored)))?;
    Ok(id)
}

/// Write a risk's fields (not its plan or order).
pub fn update_risk(w: &mut Writer<'_>, r: &ControlRisk) -> Result<()> {
    let before = get_risk(w.read(), r.id)?;
    w.tx.execute(
        "UPDATE control_risk SET process=?2, risk=?3, probability=?4, consequence=?5, chosen=?6, handling=?7 WHERE id=?1",
        params![r.id, r.process, r.risk, r.probability, r.consequence, r.chosen, r.handling],
    )?;
    let after = ControlRisk { plan_id: before.plan_id, sort_order: before.sort_order, ..r.clone() };
    w.audit("update", "control_risk", r.id, Some(risk_image(&before)), Some(risk_image(&after)))
}

/// Delete a risk with its controls and their follow-up.
pub fn delete_risk(w: &mut Writer<'_>, id: i64) -> Result<()> {
    let before = get_risk(w.read(), id)?;
    w.tx.execute("DELETE FROM control_risk WHERE id=?1", [id])?;
    w.audit("delete", "control_risk", id, Some(risk_image(&before)), None)
}

const CONTROL_COLUMNS: &str = "id, risk_id, what, method, frequency, responsible, report_in, sort_order";

/// A control by id.
pub fn get_control(db: Read<'_>, id: i64) -> Result<Control> {
    db.conn()
        .prepare_cached(&format!("SELECT {CONTROL_COLUMNS} FROM control WHERE id=?1"))?
        .query_row([id], control_of_row)
        .optional()?
        .ok_or_else(|| AppError::not_found(msg!("Kontrollen finns inte.", "The control does not exist.")))
}

/// A risk's controls in their order.
pub fn controls_of_risk(db: Read<'_>, risk_id: i64) -> Result<Vec<Control>> {
    let mut stmt = db.conn().prepare_cached(&format!("SELECT {CONTROL_COLUMNS} FROM control WHERE risk_id=?1 ORDER BY sort_order, id"))?;
    let rows = stmt.query_map([risk_id], control_of_row)?.collect::<super::sql::Result<_>>()?;
    Ok(rows)
}

fn control_image(c: &Control) -> serde_json::Value {
    json!({"risk_id": c.risk_id, "what": c.what, "method": c.method, "frequency": c.frequency,
           "responsible": c.responsible, "report_in": c.report_in, "sort_order": c.sort_order})
}

/// Insert a control (its `id` is ignored; `sort_order` 0 puts it last); returns its id.
pub fn insert_control(w: &mut Writer<'_>, c: &Control) -> Result<i64> {
    let order = if c.sort_order > 0 {
        c.sort_order
    } else {
        w.tx.query_row("SELECT COALESCE(MAX(sort_order),0)+1 FROM control WHERE risk_id=?1", [c.risk_id], |row| row.get(0))?
    };
    let inserted_id = w.tx.insert_returning_id(
        "INSERT INTO control(risk_id, what, method, frequency, responsible, report_in, sort_order) VALUES (?1,?2,?3,?4,?5,?6,?7) RETURNING id",
        params![c.risk_id, c.what, c.method, c.frequency, c.responsible, c.report_in, order],
    )?;
    let id = inserted_id;
    let stored = Control { id, sort_order: order, ..c.clone() };
    w.audit("insert", "control", id, None, Some(control_image(&stored)))?;
    Ok(id)
}

/// Write a control's fields (not its risk or order).
pub fn update_control(w: &mut Writer<'_>, c: &Control) -> Result<()> {
    let before = get_control(w.read(), c.id)?;
    w.tx.execute(
        "UPDATE control SET what=?2, method=?3, frequency=?4, responsible=?5, report_in=?6 WHERE id=?1",
        params![c.id, c.what, c.method, c.frequency, c.responsible, c.report_in],
    )?;
    let after = Control { risk_id: before.risk_id, sort_order: before.sort_order, ..c.clone() };
    w.audit("update", "control", c.id, Some(control_image(&before)), Some(control_image(&after)))
}

/// Delete a control with its follow-up.
pub fn delete_control(w: &mut Writer<'_>, id: i64) -> Result<()> {
    let before = get_control(w.read(), id)?;
    w.tx.execute("DELETE FROM control WHERE id=?1", [id])?;
    w.audit("delete", "control", id, Some(control_image(&before)), None)
}

/// Copy every unit's plan of `from` (risks and controls, no follow-up) into `to`, for the
/// units that have no plan in `to` yet. Returns the number of plans copied.
pub fn copy_year(w: &mut Writer<'_>, from: i32, to: i32) -> Result<usize> {
    let mut copied = 0;
    for plan in plans_of_year(w.read(), from)? {
        if plan_of(w.read(), plan.org_unit_id, to)?.is_some() {
            continue;
        }
        let new_plan = insert_plan(w, plan.org_unit_id, to, "")?;
        for risk in risks_of_plan(w.read(), plan.id)? {
            let new_risk = insert_risk(w, &ControlRisk { plan_id: new_plan, ..risk.clone() })?;
            for control in controls_of_risk(w.read(), risk.id)? {
                insert_control(w, &Control { risk_id: new_risk, ..control })?;
            }
        }
        copied += 1;
    }
    Ok(copied)
}
