//! Repository for `goal` and `goal_link` (KF-mål, nämndmål, enhetsmål and the röda tråden
//! between them).

// Reads for the scorecard and the red thread. Sets of ids are one JSON array (`super::ids`).

/// The active goals of a plan year owned by `owners`, by owner, then in their set order.
pub fn owned_by(db: super::Read<'_>, year: i32, owners: &[i64]) -> crate::error::Result<Vec<crate::model::Goal>> {
    let mut stmt = db.conn().prepare_cached(
        "SELECT id, code, level, title, description, perspective_id, owner_unit_id FROM goal
         WHERE plan_year=?1 AND active=1 AND owner_unit_id IN (SELECT value FROM json_each(?2))
         ORDER BY owner_unit_id, sort_order, id",
    )?;
    let rows = stmt
        .query_map(rusqlite::params![year, super::ids::list(owners.iter().copied())], |r| {
            Ok(crate::model::Goal {
                id: r.get(0)?,
                code: r.get(1)?,
                level: r.get(2)?,
                title: r.get(3)?,
                description: r.get(4)?,
                perspective_id: r.get(5)?,
                owner_unit_id: r.get(6)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// The active goals linked below `goals`: (goal, goal below, its owner), by goal.
pub fn children(db: super::Read<'_>, goals: &[i64]) -> crate::error::Result<Vec<(i64, i64, i64)>> {
    if goals.is_empty() {
        return Ok(Vec::new());
    }
    let mut stmt = db.conn().prepare_cached(
        "SELECT l.parent_goal_id, g.id, g.owner_unit_id FROM goal_link l JOIN goal g ON g.id = l.child_goal_id
         WHERE l.parent_goal_id IN (SELECT value FROM json_each(?1)) AND g.active=1 ORDER BY l.parent_goal_id, g.id",
    )?;
    let rows = stmt
        .query_map([super::ids::list(goals.iter().copied())], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// The goals each of `goals` contributes to: (goal, goal above), by goal, then level and order.
pub fn parents(db: super::Read<'_>, goals: &[i64]) -> crate::error::Result<Vec<(i64, crate::model::GoalRef)>> {
    let mut stmt = db.conn().prepare_cached(
        "SELECT l.child_goal_id, g.id, g.code, g.title, g.level FROM goal_link l JOIN goal g ON g.id = l.parent_goal_id
         WHERE l.child_goal_id IN (SELECT value FROM json_each(?1)) ORDER BY l.child_goal_id, g.level, g.sort_order, g.id",
    )?;
    let rows = stmt
        .query_map([super::ids::list(goals.iter().copied())], |r| {
            Ok((r.get(0)?, crate::model::GoalRef { id: r.get(1)?, code: r.get(2)?, title: r.get(3)?, level: r.get(4)? }))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}
