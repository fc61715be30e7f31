//! Repository for the plan year and what frames it: `plan_year`, `mandate_period`,
//! `perspective`, `assessment_scale` and `assessment_step`.

use super::Read;
use crate::error::{AppError, Result};
use crate::model::{PlanYear, ScaleStep};

pub fn years(db: Read<'_>) -> Result<Vec<PlanYear>> {
    let mut stmt = db
        .conn()
        .prepare("SELECT y.year, y.vision, s.steps FROM plan_year y JOIN assessment_scale s ON s.id = y.scale_id ORDER BY y.year")?;
    let rows = stmt
        .query_map([], |r| Ok(PlanYear { year: r.get(0)?, vision: r.get(1)?, scale_steps: r.get(2)? }))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

pub fn year(db: Read<'_>, year: i32) -> Result<PlanYear> {
    years(db)?
        .into_iter()
        .find(|y| y.year == year)
        .ok_or_else(|| AppError::not_found(format!("Planåret {year} finns inte. Se vilka år som finns med kommandot 'periods'.")))
}

/// The steps of the plan year's assessment scale, best first.
pub fn scale(db: Read<'_>, year: i32) -> Result<Vec<ScaleStep>> {
    let mut stmt = db.conn().prepare(
        "SELECT st.step, st.label, st.colour, st.status FROM plan_year y JOIN assessment_step st ON st.scale_id = y.scale_id
         WHERE y.year = ?1 ORDER BY st.step",
    )?;
    let rows = stmt
        .query_map([year], |r| Ok(ScaleStep { step: r.get(0)?, label: r.get(1)?, colour: r.get(2)?, status: r.get(3)? }))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

// Reads for the scorecard.

/// The perspectives of a plan year in their order: (id, name).
pub fn perspectives(db: Read<'_>, year: i32) -> Result<Vec<(i64, String)>> {
    let mut stmt = db.conn().prepare_cached("SELECT id, name FROM perspective WHERE plan_year=?1 ORDER BY sort_order, id")?;
    let rows = stmt.query_map([year], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}
