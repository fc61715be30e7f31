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
