//! Repository for `report_text`: the report's own texts per period, unit and section (the
//! municipality's Inledning, Väsentliga händelser …; a nämnd's Verksamhet and Ekonomi och
//! prognos), who writes each, and its review state. The rules (which sections a unit has,
//! what may change when) are in [`crate::narrative`].

use super::sql::{params, OptionalExtension, Row};
use serde_json::{json, Value};

use super::row_version::{self, Seen, Statements, Subject, Thing};
use super::{Read, Writer};
use crate::error::Result;
use crate::model::AssessmentState;

/// A report text as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredText {
    pub period_id: i64,
    pub org_unit_id: i64,
    /// The section's key (`introduction`, `operations` …).
    pub section: String,
    pub body: String,
    pub assignee: String,
    pub state: AssessmentState,
    pub review_comment: String,
    pub changed_at: String,
    pub changed_by: String,
    /// The row version: counted up by every save (see [`super::row_version`]).
    pub version: i64,
}

const COLUMNS: &str = "period_id, org_unit_id, section, body, assignee, state, review_comment, changed_at, changed_by, version";

fn from_row(r: &Row<'_>) -> super::sql::Result<StoredText> {
    Ok(StoredText {
        period_id: r.get(0)?,
        org_unit_id: r.get(1)?,
        section: r.get(2)?,
        body: r.get(3)?,
        assignee: r.get(4)?,
        state: r.get(5)?,
        review_comment: r.get(6)?,
        changed_at: r.get(7)?,
        changed_by: r.get(8)?,
        version: r.get(9)?,
    })
}

/// Every text of a period, by unit and section.
pub fn of_period(db: Read<'_>, period_id: i64) -> Result<Vec<StoredText>> {
    let mut stmt =
        db.conn().prepare_cached(&format!("SELECT {COLUMNS} FROM report_text WHERE period_id=?1 ORDER BY org_unit_id, section"))?;
    let rows = stmt.query_map([period_id], from_row)?.collect::<super::sql::Result<_>>()?;
    Ok(rows)
}

/// One text, if it has been started.
pub fn get(db: Read<'_>, period_id: i64, unit_id: i64, section: &str) -> Result<Option<StoredText>> {
    Ok(db
        .conn()
        .prepare_cached(&format!("SELECT {COLUMNS} FROM report_text WHERE period_id=?1 AND org_unit_id=?2 AND section=?3"))?
        .query_row(params![period_id, unit_id, section], from_row)
        .optional()?)
}

fn image(t: &StoredText) -> Value {
    json!({"body": t.body, "assignee": t.assignee, "state": t.state, "review_comment": t.review_comment})
}

/// Write a text whole (body, assignee, state, review comment), audited with what it held
/// before. The caller has checked the period, the section and the review rules. With
/// [`Seen::Version`] it is refused with `conflict` (field `body`) when the stored text is not
/// the version the user loaded; every save counts the version up.
pub fn put(
    w: &mut Writer<'_>,
    (period_id, unit_id, section): (i64, i64, &str),
    (body, assignee, state, review_comment): (&str, &str, AssessmentState, &str),
    seen: Seen,
) -> Result<()> {
    let before = get(w.read(), period_id, unit_id, section)?;
    let entity_id = format!("{period_id}/{unit_id}/{section}");
    let subject = Subject { thing: Thing::Text, entity: "report_text", entity_id: &entity_id, field: "body" };
    let ctx = w.ctx;
    row_version::save(
        w,
        seen,
        before.as_ref().map(|t| t.version),
        &subject,
        &Statements {
            upsert:
                "INSERT INTO report_text(period_id, org_unit_id, section, body, assignee, state, review_comment, changed_at, changed_by)
                 VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9)
                 ON CONFLICT(period_id, org_unit_id, section) DO UPDATE SET body=excluded.body, assignee=excluded.assignee,
                   state=excluded.state, review_comment=excluded.review_comment, changed_at=excluded.changed_at,
                   changed_by=excluded.changed_by, version=report_text.version + 1",
            insert:
                "INSERT INTO report_text(period_id, org_unit_id, section, body, assignee, state, review_comment, changed_at, changed_by)
                 VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9)",
            update: "UPDATE report_text SET body=?4, assignee=?5, state=?6, review_comment=?7, changed_at=?8, changed_by=?9,
                   version=version + 1
                 WHERE period_id=?1 AND org_unit_id=?2 AND section=?3 AND version=?10",
        },
        params![period_id, unit_id, section, body, assignee, state, review_comment, ctx.at, ctx.user],
    )?;
    w.audit(
        if before.is_some() { "update" } else { "insert" },
        "report_text",
        entity_id.clone(),
        before.as_ref().map(image),
        Some(json!({"body": body, "assignee": assignee, "state": state, "review_comment": review_comment})),
    )
}
