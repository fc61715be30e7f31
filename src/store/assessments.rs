//! Repository for `assessment`: a goal's bedömning and analys per unit and period, and its
//! review state.

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
