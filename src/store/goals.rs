//! Repository for `goal` and `goal_link` (KF-mål, nämndmål, enhetsmål and the röda tråden
//! between them).

use rusqlite::{params, OptionalExtension};

use super::Read;
use crate::error::{AppError, Result};
use crate::model::AssessmentState;

// ---------------------------------------------------------------------------
// Follow-up: goals an indicator measures, completeness of assessments, exchange checks.

/// The active goals of plan year `year` that an indicator measures, by code.
pub fn measured_by(db: Read<'_>, indicator_id: i64, year: i32) -> Result<Vec<crate::scorecard::GoalRef>> {
    let mut stmt = db.conn().prepare_cached(
        "SELECT g.id, g.code, g.title, g.level FROM goal_indicator gi JOIN goal g ON g.id = gi.goal_id
         WHERE gi.indicator_id=?1 AND g.plan_year=?2 AND g.active=1 ORDER BY g.code",
    )?;
    let rows = stmt
        .query_map(params![indicator_id, year], |r| {
            Ok(crate::scorecard::GoalRef { id: r.get(0)?, code: r.get(1)?, title: r.get(2)?, level: r.get(3)? })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// A goal's delivery for a period: (owner unit, assessed on the scale, has an analysis,
/// review state) of its owner's assessment (`None`s without one).
pub type AssessmentDelivery = (i64, Option<bool>, Option<bool>, Option<AssessmentState>);

/// Per active goal of plan year `year`, its delivery in `period_id`, for the completeness
/// overview.
pub fn assessment_delivery(db: Read<'_>, period_id: i64, year: i32) -> Result<Vec<AssessmentDelivery>> {
    let mut stmt = db.conn().prepare(
        "SELECT g.owner_unit_id, a.step IS NOT NULL, COALESCE(length(trim(a.analysis)) > 0, 0), a.state
         FROM goal g LEFT JOIN assessment a ON a.goal_id=g.id AND a.org_unit_id=g.owner_unit_id AND a.period_id=?1
         WHERE g.plan_year=?2 AND g.active=1",
    )?;
    let rows =
        stmt.query_map(params![period_id, year], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?.collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// A goal's owner unit and plan year.
pub fn owner_and_year(db: Read<'_>, goal_id: i64) -> Result<Option<(i64, i32)>> {
    Ok(db
        .conn()
        .query_row("SELECT owner_unit_id, plan_year FROM goal WHERE id=?1", [goal_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?)
}

/// A goal as "code title" (the title alone when it has no code).
pub fn code_and_title(db: Read<'_>, goal_id: i64) -> Result<String> {
    db.conn()
        .query_row("SELECT trim(code || ' ' || title) FROM goal WHERE id=?1", [goal_id], |r| r.get(0))
        .optional()?
        .ok_or_else(|| AppError::not_found(format!("Målet (id {goal_id}) finns inte.")))
}

/// The unit owning the most goals in plan year `year` (the lowest id of equals), with how
/// many (the benchmarks' busiest scorecard).
pub fn busiest_owner(db: Read<'_>, year: i32) -> Result<Option<(i64, i64)>> {
    Ok(db
        .conn()
        .query_row(
            "SELECT owner_unit_id, COUNT(*) AS n FROM goal WHERE plan_year=?1 GROUP BY owner_unit_id ORDER BY n DESC, owner_unit_id LIMIT 1",
            [year],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?)
}
