//! Repository for `unit_mission`, `service_guarantee` and `service_guarantee_follow_up`: a
//! unit's grunduppdrag per plan year, its tjänstegarantier, and whether each was kept per
//! period (issue 16).

use super::sql::{params, OptionalExtension, Row};
use serde_json::json;

use super::row_version::{self, Seen, Statements, Subject, Thing};
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
        .collect::<super::sql::Result<_>>()?;
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
        .collect::<super::sql::Result<_>>()?;
    Ok(rows)
}

/// Every tjänstegaranti's follow-up in one period.
pub fn guarantee_follow_ups_of_period(db: Read<'_>, period_id: i64) -> Result<Vec<GuaranteeFollowUp>> {
    let mut stmt = db.conn().prepare_cached(
        "SELECT guarantee_id, period_id, kept, comment, state, review_comment, changed_at, changed_by, version
         FROM service_guarantee_follow_up WHERE period_id=?1 ORDER BY guarantee_id",
    )?;
    let rows = stmt.query_map([period_id], guarantee_follow_up_of_row)?.collect::<super::sql::Result<_>>()?;
    Ok(rows)
}

fn guarantee_follow_up_of_row(r: &Row<'_>) -> super::sql::Result<GuaranteeFollowUp> {
    Ok(GuaranteeFollowUp {
        guarantee_id: r.get(0)?,
        period_id: r.get(1)?,
        kept: r.get(2)?,
        comment: r.get(3)?,
        state: r.get(4)?,
        review_comment: r.get(5)?,
        changed_at: r.get(6)?,
        changed_by: r.get(7)?,
        version: r.get(8)?,
    })
}

/// One tjänstegaranti's follow-up in one period, if it has been started.
pub fn get_guarantee_follow_up(db: Read<'_>, guarantee_id: i64, period_id: i64) -> Result<Option<GuaranteeFollowUp>> {
    Ok(db
        .conn()
        .prepare_cached(
            "SELECT guarantee_id, period_id, kept, comment, state, review_comment, changed_at, changed_by, version
             FROM service_guarantee_follow_up WHERE guarantee_id=?1 AND period_id=?2",
        )?
        .query_row(params![guarantee_id, period_id], guarantee_follow_up_of_row)
        .optional()?)
}

fn guarantee_follow_up_image(f: &GuaranteeFollowUp) -> serde_json::Value {
    json!({"kept": f.kept, "comment": f.comment, "state": f.state, "review_comment": f.review_comment})
}

/// Write a tjänstegaranti's follow-up for a period whole over whatever is stored (reviews,
/// the seed loader, tests), audited with what it held before; `changed_at`/`changed_by` come
/// from the writer. The caller has checked the period lock and the review rules. The window
/// saves with [`put_guarantee_follow_up_seen`].
pub fn put_guarantee_follow_up(w: &mut Writer<'_>, f: &GuaranteeFollowUp) -> Result<()> {
    put_guarantee_follow_up_seen(w, f, Seen::Unchecked)
}

/// [`put_guarantee_follow_up`], refused with `conflict` (field `comment`) when the stored
/// follow-up is not the version `seen`: someone else saved it after the user loaded it. Every
/// save counts the version up; `f.version` is not used.
pub fn put_guarantee_follow_up_seen(w: &mut Writer<'_>, f: &GuaranteeFollowUp, seen: Seen) -> Result<()> {
    let before = get_guarantee_follow_up(w.read(), f.guarantee_id, f.period_id)?;
    let entity_id = format!("{}/{}", f.guarantee_id, f.period_id);
    let subject =
        Subject { thing: Thing::GuaranteeFollowUp, entity: "service_guarantee_follow_up", entity_id: &entity_id, field: "comment" };
    let ctx = w.ctx;
    row_version::save(
        w,
        seen,
        before.as_ref().map(|b| b.version),
        &subject,
        &Statements {
            upsert: "INSERT INTO service_guarantee_follow_up(guarantee_id, period_id, kept, comment, state, review_comment, changed_at, changed_by)
                 VALUES (?1,?2,?3,?4,?5,?6,?7,?8)
                 ON CONFLICT(guarantee_id, period_id) DO UPDATE SET kept=excluded.kept, comment=excluded.comment,
                   state=excluded.state, review_comment=excluded.review_comment, changed_at=excluded.changed_at, changed_by=excluded.changed_by,
                   version=service_guarantee_follow_up.version + 1",
            insert: "INSERT INTO service_guarantee_follow_up(guarantee_id, period_id, kept, comment, state, review_comment, changed_at, changed_by)
                 VALUES (?1,?2,?3,?4,?5,?6,?7,?8)",
            update: "UPDATE service_guarantee_follow_up SET kept=?3, comment=?4, state=?5, review_comment=?6, changed_at=?7, changed_by=?8,
                   version=version + 1
                 WHERE guarantee_id=?1 AND period_id=?2 AND version=?9",
        },
        params![f.guarantee_id, f.period_id, f.kept, f.comment, f.state, f.review_comment, ctx.at, ctx.user],
    )?;
    w.audit(
        if before.is_some() { "update" } else { "insert" },
        "service_guarantee_follow_up",
        entity_id.clone(),
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
           state=excluded.state, review_comment=excluded.review_comment, changed_at=excluded.changed_at, changed_by=excluded.changed_by,
           version=service_guarantee_follow_up.version + 1",
        params![f.guarantee_id, f.period_id, f.kept, f.comment, f.state, f.review_comment, f.changed_at, f.changed_by],
    )?;
    Ok(())
}
/// A unit's grunduppdrag of a plan year, if written.
pub fn get_mission(db: Read<'_>, unit_id: i64, year: i32) -> Result<Option<UnitMission>> {
    Ok(db
        .conn()
        .prepare_cached(
            "SELECT org_unit_id, plan_year, mission, changed_at, changed_by FROM unit_mission WHERE org_unit_id=?1 AND plan_year=?2",
        )?
        .query_row(params![unit_id, year], |r| {
            Ok(UnitMission {
                org_unit_id: r.get(0)?,
                plan_year: r.get(1)?,
                mission: r.get(2)?,
                changed_at: r.get(3)?,
                changed_by: r.get(4)?,
            })
        })
        .optional()?)
}

/// Write a unit's grunduppdrag of a plan year (an empty text removes it), audited with what
/// it held before. The caller has validated the text.
pub fn put_mission(w: &mut Writer<'_>, unit_id: i64, year: i32, mission: &str) -> Result<()> {
    let before = get_mission(w.read(), unit_id, year)?;
    if before.as_ref().map(|m| m.mission.as_str()).unwrap_or("") == mission {
        return Ok(());
    }
    if mission.is_empty() {
        w.tx.execute("DELETE FROM unit_mission WHERE org_unit_id=?1 AND plan_year=?2", params![unit_id, year])?;
    } else {
        w.tx.execute(
            "INSERT INTO unit_mission(org_unit_id, plan_year, mission, changed_at, changed_by) VALUES (?1,?2,?3,?4,?5)
             ON CONFLICT(org_unit_id, plan_year) DO UPDATE SET mission=excluded.mission, changed_at=excluded.changed_at, changed_by=excluded.changed_by",
            params![unit_id, year, mission, w.ctx.at, w.ctx.user],
        )?;
    }
    w.audit(
        match (&before, mission.is_empty()) {
            (None, _) => "insert",
            (Some(_), true) => "delete",
            (Some(_), false) => "update",
        },
        "unit_mission",
        format!("{unit_id}/{year}"),
        before.map(|m| json!({"mission": m.mission})),
        (!mission.is_empty()).then(|| json!({"mission": mission})),
    )
}

fn guarantee_of_row(r: &Row<'_>) -> super::sql::Result<ServiceGuarantee> {
    Ok(ServiceGuarantee {
        id: r.get(0)?,
        org_unit_id: r.get(1)?,
        plan_year: r.get(2)?,
        promise: r.get(3)?,
        measured_by: r.get(4)?,
        sort_order: r.get(5)?,
        copied_from_id: r.get(6)?,
    })
}

/// One tjänstegaranti, if it exists.
pub fn get_guarantee(db: Read<'_>, id: i64) -> Result<Option<ServiceGuarantee>> {
    Ok(db
        .conn()
        .prepare_cached(
            "SELECT id, org_unit_id, plan_year, promise, measured_by, sort_order, copied_from_id FROM service_guarantee WHERE id=?1",
        )?
        .query_row([id], guarantee_of_row)
        .optional()?)
}

/// A unit's tjänstegarantier of a plan year, in its order.
pub fn guarantees_of_unit(db: Read<'_>, unit_id: i64, year: i32) -> Result<Vec<ServiceGuarantee>> {
    let mut stmt = db.conn().prepare_cached(
        "SELECT id, org_unit_id, plan_year, promise, measured_by, sort_order, copied_from_id
         FROM service_guarantee WHERE org_unit_id=?1 AND plan_year=?2 ORDER BY sort_order, id",
    )?;
    let rows = stmt.query_map(params![unit_id, year], guarantee_of_row)?.collect::<super::sql::Result<_>>()?;
    Ok(rows)
}

fn guarantee_image(g: &ServiceGuarantee) -> serde_json::Value {
    json!({"org_unit_id": g.org_unit_id, "plan_year": g.plan_year, "promise": g.promise, "measured_by": g.measured_by, "sort_order": g.sort_order})
}

/// Add a tjänstegaranti last in the unit's list; returns its id. The caller has validated the texts.
pub fn insert_guarantee(
    w: &mut Writer<'_>,
    unit_id: i64,
    year: i32,
    promise: &str,
    measured_by: &str,
    copied_from_id: Option<i64>,
) -> Result<i64> {
    let next: i64 = w.tx.query_row(
        "SELECT COALESCE(MAX(sort_order), 0) + 1 FROM service_guarantee WHERE org_unit_id=?1 AND plan_year=?2",
        params![unit_id, year],
        |r| r.get(0),
    )?;
    let inserted_id = w.tx.insert_returning_id(
        "INSERT INTO service_guarantee(org_unit_id, plan_year, promise, measured_by, sort_order, copied_from_id) VALUES (?1,?2,?3,?4,?5,?6) RETURNING id",
        params![unit_id, year, promise, measured_by, next, copied_from_id],
    )?;
    let id = inserted_id;
    let after = get_guarantee(w.read(), id)?;
    w.audit("insert", "service_guarantee", id, None, after.as_ref().map(guarantee_image))?;
    Ok(id)
}

/// Change a tjänstegaranti's promise and how it is measured.
pub fn update_guarantee(w: &mut Writer<'_>, id: i64, promise: &str, measured_by: &str) -> Result<()> {
    let Some(before) = get_guarantee(w.read(), id)? else { return Err(missing_guarantee(id)) };
    if before.promise == promise && before.measured_by == measured_by {
        return Ok(());
    }
    w.tx.execute("UPDATE service_guarantee SET promise=?2, measured_by=?3 WHERE id=?1", params![id, promise, measured_by])?;
    let after = ServiceGuarantee { promise: promise.to_string(), measured_by: measured_by.to_string(), ..before.clone() };
    w.audit("update", "service_guarantee", id, Some(guarantee_image(&before)), Some(guarantee_image(&after)))
}

/// Delete a tjänstegaranti with its follow-up.
pub fn delete_guarantee(w: &mut Writer<'_>, id: i64) -> Result<()> {
    let Some(before) = get_guarantee(w.read(), id)? else { return Err(missing_guarantee(id)) };
    w.tx.execute("DELETE FROM service_guarantee WHERE id=?1", [id])?;
    w.audit("delete", "service_guarantee", id, Some(guarantee_image(&before)), None)
}

/// Give a unit's tjänstegarantier the order of `ids` (which the caller has checked is the
/// unit's whole list).
pub fn set_guarantee_order(w: &mut Writer<'_>, ids: &[i64]) -> Result<()> {
    for (i, id) in ids.iter().enumerate() {
        let Some(before) = get_guarantee(w.read(), *id)? else { return Err(missing_guarantee(*id)) };
        let order = i as i64 + 1;
        if before.sort_order != order {
            w.tx.execute("UPDATE service_guarantee SET sort_order=?2 WHERE id=?1", params![id, order])?;
            let after = ServiceGuarantee { sort_order: order, ..before.clone() };
            w.audit("update", "service_guarantee", id, Some(guarantee_image(&before)), Some(guarantee_image(&after)))?;
        }
    }
    Ok(())
}

/// How many periods have a follow-up of the tjänstegaranti.
pub fn follow_up_count(db: Read<'_>, guarantee_id: i64) -> Result<i64> {
    Ok(db.conn().query_row("SELECT COUNT(*) FROM service_guarantee_follow_up WHERE guarantee_id=?1", [guarantee_id], |r| r.get(0))?)
}

/// Copy every grunduppdrag and tjänstegaranti of plan year `from` into `to` (no follow-up);
/// returns the number of guarantees copied. A unit that already has a grunduppdrag in `to`
/// keeps it.
pub fn copy_year(w: &mut Writer<'_>, from: i32, to: i32) -> Result<usize> {
    for m in missions_of_year(w.read(), from)? {
        if get_mission(w.read(), m.org_unit_id, to)?.is_none() {
            put_mission(w, m.org_unit_id, to, &m.mission)?;
        }
    }
    let guarantees = guarantees_of_year(w.read(), from)?;
    for g in &guarantees {
        insert_guarantee(w, g.org_unit_id, to, &g.promise, &g.measured_by, Some(g.id))?;
    }
    Ok(guarantees.len())
}

fn missing_guarantee(id: i64) -> crate::error::AppError {
    crate::error::AppError::not_found(crate::msg!(
        "Tjänstegarantin (id {id}) finns inte. Den kan ha tagits bort.",
        "The service guarantee (id {id}) does not exist. It may have been deleted."
    ))
}
