//! Repository for `indicator`, `indicator_target` and `goal_indicator` (nyckeltal, their
//! targets per year and the goals they measure).

use rusqlite::OptionalExtension;

use super::Read;
use crate::error::{AppError, Result};

/// The unit whose values an indicator's traffic light reads (its owner).
pub fn owner(db: Read<'_>, indicator_id: i64) -> Result<i64> {
    db.conn()
        .query_row("SELECT owner_unit_id FROM indicator WHERE id=?1", [indicator_id], |r| r.get(0))
        .optional()?
        .ok_or_else(|| AppError::not_found(format!("Nyckeltalet (id {indicator_id}) finns inte.")))
}

/// Targets of an indicator per year, oldest first.
pub fn targets(db: Read<'_>, indicator_id: i64) -> Result<Vec<(i32, f64)>> {
    let mut stmt = db.conn().prepare_cached("SELECT year, target FROM indicator_target WHERE indicator_id=?1 ORDER BY year")?;
    let rows = stmt.query_map([indicator_id], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

// Reads for the scorecard, the red thread and the reports. Sets of ids are one JSON array.

const INDICATOR_COLUMNS: &str =
    "i.id, i.name, i.unit, i.direction, i.decimals, i.kolada_kpi_id, i.owner_unit_id, i.tolerance_kind, i.tolerance";

fn indicator_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<crate::model::Indicator> {
    Ok(crate::model::Indicator {
        id: r.get(0)?,
        name: r.get(1)?,
        unit: r.get(2)?,
        direction: r.get(3)?,
        decimals: r.get(4)?,
        kolada_kpi_id: r.get(5)?,
        owner_unit_id: r.get(6)?,
        tolerance_kind: r.get(7)?,
        tolerance: r.get(8)?,
    })
}

/// The active indicators of `goals`: (goal, indicator), by goal, then in the goal's order.
pub fn of_goals(db: Read<'_>, goals: &[i64]) -> Result<Vec<(i64, crate::model::Indicator)>> {
    let mut stmt = db.conn().prepare_cached(&format!(
        "SELECT {INDICATOR_COLUMNS}, gi.goal_id FROM goal_indicator gi JOIN indicator i ON i.id = gi.indicator_id
         WHERE gi.goal_id IN (SELECT value FROM json_each(?1)) AND i.active = 1 ORDER BY gi.goal_id, gi.sort_order, i.name, i.id"
    ))?;
    let rows = stmt
        .query_map([super::ids::list(goals.iter().copied())], |r| Ok((r.get(9)?, indicator_from_row(r)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// The indicators with these ids (active or not), in no particular order.
pub fn by_ids(db: Read<'_>, ids: &[i64]) -> Result<Vec<crate::model::Indicator>> {
    let mut stmt = db
        .conn()
        .prepare_cached(&format!("SELECT {INDICATOR_COLUMNS} FROM indicator i WHERE i.id IN (SELECT value FROM json_each(?1))"))?;
    let rows = stmt.query_map([super::ids::list(ids.iter().copied())], indicator_from_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// The targets of `ids` for `years` (every year with `None`): (indicator, year) → target.
pub fn targets_of(db: Read<'_>, ids: &[i64], years: Option<&[i32]>) -> Result<std::collections::HashMap<(i64, i32), crate::model::Target>> {
    let mut stmt = db.conn().prepare_cached(
        "SELECT indicator_id, year, target, yellow_limit FROM indicator_target
         WHERE indicator_id IN (SELECT value FROM json_each(?1)) AND (?2 IS NULL OR year IN (SELECT value FROM json_each(?2)))",
    )?;
    let years = years.map(|y| super::ids::list(y.iter().map(|y| i64::from(*y))));
    let rows = stmt
        .query_map(rusqlite::params![super::ids::list(ids.iter().copied()), years], |r| {
            Ok(((r.get(0)?, r.get(1)?), crate::model::Target { target: r.get(2)?, yellow_limit: r.get(3)? }))
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}
