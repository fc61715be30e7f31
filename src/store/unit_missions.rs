//! Repository for `unit_mission`, `service_guarantee` and `service_guarantee_follow_up`: a
//! unit's grunduppdrag per plan year, its tjänstegarantier, and whether each was kept per
//! period (issue 16).

use rusqlite::{params, OptionalExtension, Row};
use serde_json::json;

use super::{Read, Writer};
use crate::error::Result;
use crate::model::{GuaranteeFollowUp, ServiceGuarantee, UnitMission};

/// Every unit's grunduppdrag of a plan year.
pub fn missions_of_year(db: Read<'_>, year: i32) -> Result<Vec<UnitMission>> {
    let mut stmt = db.conn().prepare_cached(
        "SELECT org_unit_id, plan_year, mission, changed_at, changed_by FROM unit_mission WHERE plan_year=?1 ORDER BY org_unit_id",
    )?;
    let rows = stmt
        .query_map([year], |r| {
            Ok(UnitMission {
                org_unit_id: r.get(0)?,
                plan_year: r.get(1)?,
                mission: r.get(2)?,
                changed_at: r.get(3)?,
                changed_by: r.get(4)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// Every tjänstegaranti of a plan year, by unit and in each unit's order.
pub fn guarantees_of_year(db: Read<'_>, year: i32) -> Result<Vec<ServiceGuarantee>> {
    let mut stmt = db.conn().prepare_cached(
        "SELECT id, org_unit_id, plan_year, promise, measured_by, sort_order, copied_from_id
         FROM service_guarantee WHERE plan_year=?1 ORDER BY org_unit_id, sort_order, id",
    )?;
    let rows = stmt
        .query_map([year], |r| {
            Ok(ServiceGuarantee {
                id: r.get(0)?,
                org_unit_id: r.get(1)?,
                plan_year: r.get(2)?,
                promise: r.get(3)?,
                measured_by: r.get(4)?,
                sort_order: r.get(5)?,
                copied_from_id: r.get(6)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// Every tjänstegaranti's follow-up in one period.
pub fn guarantee_follow_ups_of_period(db: Read<'_>, period_id: i64) -> Result<Vec<GuaranteeFollowUp>> {
    let mut stmt = db.conn().prepare_cached(
        "SELECT guarantee_id, period_id, kept, comment, state, review_comment, changed_at, changed_by
         FROM service_guarantee_follow_up WHERE period_id=?1 ORDER BY guarantee_id",
    )?;
    let rows = stmt.query_map([period_id], guarantee_follow_up_of_row)?.collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

fn guarantee_follow_up_of_row(r: &Row<'_>) -> rusqlite::Result<GuaranteeFollowUp> {
    Ok(GuaranteeFollowUp {
        guarantee_id: r.get(0)?,
        period_id: r.get(1)?,
        kept: r.get(2)?,
        comment: r.get(3)?,
        state: r.get(4)?,
        review_comment: r.get(5)?,
        changed_at: r.get(6)?,
        changed_by: r.get(7)?,
    })
}

/// One tjänstegaranti's follow-up in one period, if it has been started.
pub fn get_guarantee_follow_up(db: Read<'_>, guarantee_id: i64, period_id: i64) -> Result<Option<GuaranteeFollowUp>> {
    Ok(db
        .conn()
        .prepare_cached(
            "SELECT guarantee_id, period_id, kept, comment, state, review_comment, changed_at, changed_by
             FROM service_guarantee_follow_up WHERE guarantee_id=?1 AND period_id=?2",
        )?
        .query_row(params![guarantee_id, period_id], guarantee_follow_up_of_row)
        .optional()?)
}

fn guarantee_follow_up_image(f: &GuaranteeFollowUp) -> serde_json::Value {
    json!({"kept": f.kept, "comment": f.comment, "state": f.state, "review_comment": f.review_comment})
}

/// Write a tjänstegaranti's follow-up for a period whole, audited with what it held before;
/// `changed_at`/`changed_by` come from the writer. The caller has checked the period lock and
/// the review rules.
pub fn put_guarantee_follow_up(w: &mut Writer<'_>, f: &GuaranteeFollowUp) -> Result<()> {
    let before = get_guarantee_follow_up(w.read(), f.guarantee_id, f.period_id)?;
    w.tx.execute(
        "INSERT INTO service_guarantee_follow_up(guarantee_id, period_id, kept, comment, state, review_comment, changed_at, changed_by)
         VALUES (?1,?2,?3,?4,?5,?6,?7,?8)
         ON CONFLICT(guarantee_id, period_id) DO UPDATE SET kept=excluded.kept, comment=excluded.comment,
           state=excluded.state, review_comment=excluded.review_comment, changed_at=excluded.changed_at, changed_by=excluded.changed_by",
        params![f.guarantee_id, f.period_id, f.kept, f.comment, f.state, f.review_comment, w.ctx.at, w.ctx.user],
    )?;
    w.audit(
        if before.is_some() { "update" } else { "insert" },
        "service_guarantee_follow_up",
        format!("{}/{}", f.guarantee_id, f.period_id),
        before.as_ref().map(guarantee_follow_up_image),
        Some(guarantee_follow_up_image(f)),
    )
}

/// Write a tjänstegaranti's follow-up as an exchange file has it, keeping who changed it in
/// the unit and when. No audit row: the import writes its own (action `import`, with the marks).
pub(crate) fn put_imported_guarantee_follow_up(w: &mut Writer<'_>, f: &GuaranteeFollowUp) -> Result<()> {
    w.tx.execute(
        "INSERT INTO service_guarantee_follow_up(guarantee_id, period_id, kept, comment, state, review_comment, changed_at, changed_by)
         VALUES (?1,?2,?3,?4,?5,?6,?7,?8)
         ON CONFLICT(guarantee_id, period_id) DO UPDATE SET kept=excluded.kept, comment=excluded.comment,
           state=excluded.state, review_comment=excluded.review_comment, changed_at=excluded.changed_at, changed_by=excluded.changed_by",
        params![f.guarantee_id, f.period_id, f.kept, f.comment, f.state, f.review_comment, f.changed_at, f.changed_by],
    )?;
    Ok(())
}
