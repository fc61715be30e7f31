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

// Reads for the scorecard and the reports. Sets of ids are one JSON array.

/// The values of (indicator, unit) `pairs` in one period, every gender: indicator → values.
pub fn at_units_in_period(
    db: Read<'_>,
    period_id: i64,
    pairs: &[(i64, i64)],
) -> Result<std::collections::HashMap<i64, crate::model::GenderValues>> {
    let mut out: std::collections::HashMap<i64, crate::model::GenderValues> = std::collections::HashMap::new();
    let mut stmt = db.conn().prepare_cached(
        "SELECT v.indicator_id, v.gender, v.value, v.source FROM json_each(?2) j
         JOIN indicator_value v ON v.indicator_id = j.value ->> 0 AND v.org_unit_id = j.value ->> 1 AND v.period_id = ?1",
    )?;
    let mut rows = stmt.query(params![period_id, super::ids::pairs(pairs)])?;
    while let Some(r) = rows.next()? {
        let e = out.entry(r.get(0)?).or_default();
        let value: f64 = r.get(2)?;
        match r.get::<_, crate::model::Gender>(1)? {
            crate::model::Gender::T => e.total = Some((value, r.get(3)?)),
            crate::model::Gender::K => e.women = Some(value),
            crate::model::Gender::M => e.men = Some(value),
        }
    }
    Ok(out)
}

/// Every total value of (indicator, unit) `pairs`: (indicator, period, value, source).
pub fn totals_at_units(db: Read<'_>, pairs: &[(i64, i64)]) -> Result<Vec<(i64, i64, f64, crate::model::ValueSource)>> {
    let mut stmt = db.conn().prepare_cached(
        "SELECT v.indicator_id, v.period_id, v.value, v.source FROM json_each(?1) j
         JOIN indicator_value v ON v.indicator_id = j.value ->> 0 AND v.org_unit_id = j.value ->> 1 WHERE v.gender = 'T'",
    )?;
    let rows = stmt
        .query_map([super::ids::pairs(pairs)], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// An indicator's history: every stored value (all units, periods and genders) by period id,
/// in no particular order. The one read of a history for the reports (the delårsrapport's
/// trend series and the workbook's value sheets).
pub fn history(db: Read<'_>, indicator_id: i64) -> Result<Vec<crate::model::StoredValue>> {
    let mut stmt = db.conn().prepare_cached(
        "SELECT period_id, org_unit_id, gender, value, source, changed_by, changed_at FROM indicator_value WHERE indicator_id=?1",
    )?;
    let rows = stmt
        .query_map([indicator_id], |r| {
            Ok(crate::model::StoredValue {
                period_id: r.get(0)?,
                org_unit_id: r.get(1)?,
                gender: r.get(2)?,
                value: r.get(3)?,
                source: r.get(4)?,
                changed_by: r.get(5)?,
                changed_at: r.get(6)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}
