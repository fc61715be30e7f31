//! Repository for `assessment`: a goal's bedömning and analys per unit and period, and its
//! review state.

use rusqlite::params;

use super::Read;
use crate::error::Result;

// Planning: what a goal deletion or a smaller scale would take with it.

/// How many assessments a goal has (all units and periods).
pub fn count_of_goal(db: Read<'_>, goal_id: i64) -> Result<i64> {
    Ok(db.conn().query_row("SELECT COUNT(*) FROM assessment WHERE goal_id=?1", [goal_id], |r| r.get(0))?)
}

/// How many assessments of plan year `year`'s goals use a step above `steps`.
pub fn count_above_step(db: Read<'_>, year: i32, steps: i32) -> Result<i64> {
    Ok(db.conn().query_row(
        "SELECT COUNT(*) FROM assessment a JOIN goal g ON g.id = a.goal_id WHERE g.plan_year=?1 AND a.step > ?2",
        params![year, steps],
        |r| r.get(0),
    )?)
}

// Reads for the scorecard. Sets of ids are one JSON array.

/// The assessments of `goals` (by any unit) in a period.
pub fn of_goals_in_period(db: super::Read<'_>, period_id: i64, goals: &[i64]) -> crate::error::Result<Vec<crate::model::Assessment>> {
    let mut stmt = db.conn().prepare_cached(
        "SELECT goal_id, org_unit_id, step, analysis, state FROM assessment
         WHERE period_id=?1 AND goal_id IN (SELECT value FROM json_each(?2))",
    )?;
    let rows = stmt
        .query_map(rusqlite::params![period_id, super::ids::list(goals.iter().copied())], |r| {
            Ok(crate::model::Assessment {
                goal_id: r.get(0)?,
                org_unit_id: r.get(1)?,
                step: r.get(2)?,
                analysis: r.get(3)?,
                state: r.get(4)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}
