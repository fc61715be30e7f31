//! Repository for `goal_global_goal` and `indicator_global_goal`: goals and indicators tagged
//! with Agenda 2030's global goals (issue 16).

use super::Read;
use crate::error::Result;
use crate::model::GlobalGoalTag;

fn tag_of_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<GlobalGoalTag> {
    Ok(GlobalGoalTag { subject_id: r.get(0)?, global_goal: r.get(1)?, targets: r.get(2)? })
}

/// The tags of every goal of a plan year (`subject_id` = the goal), by goal and global goal.
pub fn of_goals_of_year(db: Read<'_>, year: i32) -> Result<Vec<GlobalGoalTag>> {
    let mut stmt = db.conn().prepare_cached(
        "SELECT t.goal_id, t.global_goal, t.targets FROM goal_global_goal t JOIN goal g ON g.id = t.goal_id
         WHERE g.plan_year=?1 ORDER BY t.goal_id, t.global_goal",
    )?;
    let rows = stmt.query_map([year], tag_of_row)?.collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// The tags of every indicator (`subject_id` = the indicator), by indicator and global goal.
pub fn of_indicators(db: Read<'_>) -> Result<Vec<GlobalGoalTag>> {
    let mut stmt = db
        .conn()
        .prepare_cached("SELECT indicator_id, global_goal, targets FROM indicator_global_goal ORDER BY indicator_id, global_goal")?;
    let rows = stmt.query_map([], tag_of_row)?.collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}
