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
