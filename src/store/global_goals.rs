//! Repository for `goal_global_goal` and `indicator_global_goal`: goals and indicators tagged
//! with Agenda 2030's global goals (issue 16).

use std::collections::HashMap;

use super::sql::params;
use serde_json::{json, Value};

use super::{Read, Writer};
use crate::error::Result;
use crate::model::GlobalGoalTag;

fn tag_of_row(r: &super::sql::Row<'_>) -> super::sql::Result<GlobalGoalTag> {
    Ok(GlobalGoalTag { subject_id: r.get(0)?, global_goal: r.get(1)?, targets: r.get(2)? })
}

/// The tags of every goal of a plan year (`subject_id` = the goal), by goal and global goal.
pub fn of_goals_of_year(db: Read<'_>, year: i32) -> Result<Vec<GlobalGoalTag>> {
    let mut stmt = db.conn().prepare_cached(
        "SELECT t.goal_id, t.global_goal, t.targets FROM goal_global_goal t JOIN goal g ON g.id = t.goal_id
         WHERE g.plan_year=?1 ORDER BY t.goal_id, t.global_goal",
    )?;
    let rows = stmt.query_map([year], tag_of_row)?.collect::<super::sql::Result<_>>()?;
    Ok(rows)
}

/// The tags of every indicator (`subject_id` = the indicator), by indicator and global goal.
pub fn of_indicators(db: Read<'_>) -> Result<Vec<GlobalGoalTag>> {
    let mut stmt = db
        .conn()
        .prepare_cached("SELECT indicator_id, global_goal, targets FROM indicator_global_goal ORDER BY indicator_id, global_goal")?;
    let rows = stmt.query_map([], tag_of_row)?.collect::<super::sql::Result<_>>()?;
    Ok(rows)
}

/// The tags of one goal, by global goal.
pub fn of_goal(db: Read<'_>, goal_id: i64) -> Result<Vec<GlobalGoalTag>> {
    let mut stmt =
        db.conn().prepare_cached("SELECT goal_id, global_goal, targets FROM goal_global_goal WHERE goal_id=?1 ORDER BY global_goal")?;
    let rows = stmt.query_map([goal_id], tag_of_row)?.collect::<super::sql::Result<_>>()?;
    Ok(rows)
}

/// The tags of one indicator, by global goal.
pub fn of_indicator(db: Read<'_>, indicator_id: i64) -> Result<Vec<GlobalGoalTag>> {
    let mut stmt = db.conn().prepare_cached(
        "SELECT indicator_id, global_goal, targets FROM indicator_global_goal WHERE indicator_id=?1 ORDER BY global_goal",
    )?;
    let rows = stmt.query_map([indicator_id], tag_of_row)?.collect::<super::sql::Result<_>>()?;
    Ok(rows)
}

/// The global goals other indicators with the Kolada id `kpi` are tagged with (not
/// `except`), most used first: what this database already says about that KPI.
pub fn of_kolada_kpi(db: Read<'_>, kpi: &str, except: Option<i64>) -> Result<Vec<u8>> {
    let mut stmt = db.conn().prepare_cached(
        "SELECT t.global_goal FROM indicator_global_goal t JOIN indicator i ON i.id = t.indicator_id
         WHERE i.kolada_kpi_id = ?1 AND i.id IS DISTINCT FROM ?2 GROUP BY t.global_goal ORDER BY COUNT(*) DESC, t.global_goal",
    )?;
    let rows = stmt.query_map(params![kpi, except], |r| r.get(0))?.collect::<super::sql::Result<_>>()?;
    Ok(rows)
}

fn image(tags: &[GlobalGoalTag]) -> Value {
    json!(tags.iter().map(|t| json!({"global_goal": t.global_goal, "targets": t.targets})).collect::<Vec<_>>())
}

/// Replace a goal's tags (the caller has validated them), audited with what it had before.
pub fn set_of_goal(w: &mut Writer<'_>, goal_id: i64, tags: &[(u8, String)]) -> Result<()> {
    let before = of_goal(w.read(), goal_id)?;
    let after: Vec<GlobalGoalTag> =
        tags.iter().map(|(g, t)| GlobalGoalTag { subject_id: goal_id, global_goal: *g, targets: t.clone() }).collect();
    if before == after {
        return Ok(());
    }
    w.tx.execute("DELETE FROM goal_global_goal WHERE goal_id=?1", [goal_id])?;
    for t in &after {
        w.tx.execute(
            "INSERT INTO goal_global_goal(goal_id, global_goal, targets) VALUES (?1,?2,?3)",
            params![goal_id, t.global_goal, t.targets],
        )?;
    }
    w.audit("update", "goal_global_goal", goal_id, Some(image(&before)), Some(image(&after)))
}

/// Replace an indicator's tags (the caller has validated them), audited.
pub fn set_of_indicator(w: &mut Writer<'_>, indicator_id: i64, tags: &[(u8, String)]) -> Result<()> {
    let before = of_indicator(w.read(), indicator_id)?;
    let after: Vec<GlobalGoalTag> =
        tags.iter().map(|(g, t)| GlobalGoalTag { subject_id: indicator_id, global_goal: *g, targets: t.clone() }).collect();
    if before == after {
        return Ok(());
    }
    w.tx.execute("DELETE FROM indicator_global_goal WHERE indicator_id=?1", [indicator_id])?;
    for t in &after {
        w.tx.execute(
            "INSERT INTO indicator_global_goal(indicator_id, global_goal, targets) VALUES (?1,?2,?3)",
            params![indicator_id, t.global_goal, t.targets],
        )?;
    }
    w.audit("update", "indicator_global_goal", indicator_id, Some(image(&before)), Some(image(&after)))
}

/// Give each copied goal (`goal_map`: old id → new id) the tags of the goal it was copied from.
pub fn copy_for_goals(w: &mut Writer<'_>, goal_map: &HashMap<i64, i64>) -> Result<()> {
    let mut pairs: Vec<(&i64, &i64)> = goal_map.iter().collect();
    pairs.sort();
    for (old, new) in pairs {
        let tags: Vec<(u8, String)> = of_goal(w.read(), *old)?.into_iter().map(|t| (t.global_goal, t.targets)).collect();
        if !tags.is_empty() {
            set_of_goal(w, *new, &tags)?;
        }
    }
    Ok(())
}
