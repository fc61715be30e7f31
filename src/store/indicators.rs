//! Repository for `indicator`, `indicator_target` and `goal_indicator` (nyckeltal, their
//! targets per year and the goals they measure).

use rusqlite::{params, OptionalExtension};

use super::Read;
use crate::error::{AppError, Result};
use crate::model::{Direction, Frequency};

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

// ---------------------------------------------------------------------------
// Follow-up: the value grid, checks of typed cells, completeness, "styr mot rött",
// exchange files, the Kolada fetch and generated data.

/// An active indicator as a row of its owner's value grid.
#[derive(Debug, Clone, PartialEq)]
pub struct GridIndicator {
    pub id: i64,
    pub name: String,
    pub unit: String,
    pub decimals: i32,
    pub direction: Direction,
    pub gender_split: bool,
}

/// The active indicators a unit owns, by name.
pub fn active_of_owner(db: Read<'_>, unit_id: i64) -> Result<Vec<GridIndicator>> {
    let mut stmt = db.conn().prepare(
        "SELECT id, name, unit, decimals, direction, gender_split FROM indicator WHERE owner_unit_id=?1 AND active=1 ORDER BY name",
    )?;
    let rows = stmt
        .query_map([unit_id], |r| {
            Ok(GridIndicator {
                id: r.get(0)?,
                name: r.get(1)?,
                unit: r.get(2)?,
                decimals: r.get(3)?,
                direction: r.get(4)?,
                gender_split: r.get(5)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// The target of an indicator for one year.
pub fn target_in(db: Read<'_>, indicator_id: i64, year: i32) -> Result<Option<f64>> {
    Ok(db
        .conn()
        .prepare_cached("SELECT target FROM indicator_target WHERE indicator_id=?1 AND year=?2")?
        .query_row(params![indicator_id, year], |r| r.get(0))
        .optional()?)
}

/// Where an indicator's values go: (owner unit, split by gender, active); `None` when it
/// does not exist.
pub fn placement(db: Read<'_>, indicator_id: i64) -> Result<Option<(i64, bool, bool)>> {
    Ok(db
        .conn()
        .prepare_cached("SELECT owner_unit_id, gender_split, active FROM indicator WHERE id=?1")?
        .query_row([indicator_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?)
}

/// Every active indicator with its owner unit, by name.
pub fn active_with_owner(db: Read<'_>) -> Result<Vec<(i64, i64)>> {
    let mut stmt = db.conn().prepare("SELECT id, owner_unit_id FROM indicator WHERE active=1 ORDER BY name")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// Per active indicator: (owner unit, frequency, has a total value from its owner in
/// `period_id`), for the completeness overview.
pub fn values_delivered(db: Read<'_>, period_id: i64) -> Result<Vec<(i64, Frequency, bool)>> {
    let mut stmt = db.conn().prepare(
        "SELECT i.owner_unit_id, i.frequency,
                EXISTS(SELECT 1 FROM indicator_value v WHERE v.indicator_id=i.id AND v.org_unit_id=i.owner_unit_id AND v.period_id=?1 AND v.gender='T')
         FROM indicator i WHERE i.active=1",
    )?;
    let rows = stmt.query_map([period_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// Every indicator a unit owns, active or not: (id, name, split by gender), by name.
pub fn of_owner(db: Read<'_>, unit_id: i64) -> Result<Vec<(i64, String, bool)>> {
    let mut stmt = db.conn().prepare("SELECT id, name, gender_split FROM indicator WHERE owner_unit_id=?1 ORDER BY name, id")?;
    let rows = stmt.query_map([unit_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// An indicator's name.
pub fn name(db: Read<'_>, indicator_id: i64) -> Result<String> {
    db.conn()
        .query_row("SELECT name FROM indicator WHERE id=?1", [indicator_id], |r| r.get(0))
        .optional()?
        .ok_or_else(|| AppError::not_found(format!("Nyckeltalet (id {indicator_id}) finns inte.")))
}

/// The Kolada KPI ids of the active indicators (upper case, each once, sorted).
pub fn kolada_ids_in_use(db: Read<'_>) -> Result<Vec<String>> {
    let mut stmt = db.conn().prepare(
        "SELECT DISTINCT upper(kolada_kpi_id) FROM indicator WHERE kolada_kpi_id IS NOT NULL AND trim(kolada_kpi_id) <> '' AND active = 1 ORDER BY 1",
    )?;
    let rows = stmt.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// Inserts generated targets (the `tools` generator): one prepared statement in the
/// writer's transaction, no audit row (the generator writes one per bulk step).
#[cfg(feature = "tools")]
pub(crate) struct GeneratedTargets<'t> {
    stmt: rusqlite::CachedStatement<'t>,
}

#[cfg(feature = "tools")]
impl<'t> GeneratedTargets<'t> {
    pub(crate) fn new(w: &super::Writer<'t>) -> Result<Self> {
        Ok(Self { stmt: w.tx.prepare_cached("INSERT INTO indicator_target(indicator_id, year, target) VALUES (?1,?2,?3)")? })
    }

    pub(crate) fn add(&mut self, indicator_id: i64, year: i32, target: f64) -> Result<()> {
        self.stmt.execute(params![indicator_id, year, target])?;
        Ok(())
    }
}
