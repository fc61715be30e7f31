//! Repository for `indicator_value`: an indicator's values per unit, period and gender.

use rusqlite::{params, OptionalExtension};

use super::periods::{period_from_row, PERIOD_COLUMNS};
use super::Read;
use crate::error::Result;
use crate::model::IndicatorValue;

pub fn at(db: Read<'_>, indicator_id: i64, unit_id: i64, period_id: i64, gender: &str) -> Result<Option<f64>> {
    Ok(db
        .conn()
        .query_row(
            "SELECT value FROM indicator_value WHERE indicator_id=?1 AND org_unit_id=?2 AND period_id=?3 AND gender=?4",
            params![indicator_id, unit_id, period_id, gender],
            |r| r.get(0),
        )
        .optional()?)
}

/// Every stored value of an indicator (all units, periods and genders), oldest period
/// first; of periods ending the same day, the shorter first.
pub fn of_indicator(db: Read<'_>, indicator_id: i64) -> Result<Vec<IndicatorValue>> {
    let mut stmt = db.conn().prepare_cached(&format!(
        "SELECT {}, v.indicator_id, v.org_unit_id, v.gender, v.value, v.source, v.changed_at, v.changed_by
         FROM indicator_value v JOIN follow_up_period p ON p.id = v.period_id
         WHERE v.indicator_id = ?1 ORDER BY p.end_date, p.start_date DESC, v.org_unit_id, v.gender",
        PERIOD_COLUMNS.split(", ").map(|c| format!("p.{c}")).collect::<Vec<_>>().join(", ")
    ))?;
    let rows = stmt
        .query_map([indicator_id], |r| {
            Ok(IndicatorValue {
                period: period_from_row(r)?,
                indicator_id: r.get(9)?,
                org_unit_id: r.get(10)?,
                gender: r.get(11)?,
                value: r.get(12)?,
                source: r.get(13)?,
                changed_at: r.get(14)?,
                changed_by: r.get(15)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}
