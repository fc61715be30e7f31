//! Plain reads of what the Kolada import stored: one value with its origin, its history,
//! KPI descriptions and table counts (for the UI, the command line and the tests).

use rusqlite::{params, OptionalExtension};
use serde::Serialize;
use ts_rs::TS;

use crate::error::Result;
use crate::model::Gender;
use crate::store::Store;

/// A stored Kolada value with where and when it came from.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct StoredValue {
    pub value: Option<f64>,
    /// `municipality`, `group` or `ou`.
    pub area_kind: String,
    pub imported_at: String,
    pub source_file: String,
}

/// A value that a later import replaced or removed.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct ReplacedValue {
    pub value: Option<f64>,
    pub imported_at: String,
    pub source_file: String,
    pub replaced_at: String,
}

/// Rows in the Kolada tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct KoladaCounts {
    pub values: i64,
    pub history: i64,
    pub kpis: i64,
}

/// A KPI description from an imported `/kpi` file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct KoladaKpi {
    pub id: String,
    pub title: String,
    pub description: String,
    pub is_divided_by_gender: bool,
    pub municipality_type: String,
    pub operating_area: String,
}

pub fn stored(store: &Store, kpi: &str, area: &str, year: i32, gender: Gender) -> Result<Option<StoredValue>> {
    Ok(store
        .conn()
        .prepare_cached(
            "SELECT value, area_kind, imported_at, source_file FROM kolada_value WHERE kpi_id=?1 AND area_id=?2 AND year=?3 AND gender=?4",
        )?
        .query_row(params![kpi, area, year, gender], |r| {
            Ok(StoredValue { value: r.get(0)?, area_kind: r.get(1)?, imported_at: r.get(2)?, source_file: r.get(3)? })
        })
        .optional()?)
}

/// Earlier values of one key, oldest first.
pub fn history(store: &Store, kpi: &str, area: &str, year: i32, gender: Gender) -> Result<Vec<ReplacedValue>> {
    Ok(store
        .conn()
        .prepare_cached(
            "SELECT value, imported_at, source_file, replaced_at FROM kolada_value_history
             WHERE kpi_id=?1 AND area_id=?2 AND year=?3 AND gender=?4 ORDER BY rowid",
        )?
        .query_map(params![kpi, area, year, gender], |r| {
            Ok(ReplacedValue { value: r.get(0)?, imported_at: r.get(1)?, source_file: r.get(2)?, replaced_at: r.get(3)? })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?)
}

pub fn counts(store: &Store) -> Result<KoladaCounts> {
    let n = |table: &str| -> Result<i64> { Ok(store.conn().query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))?) };
    Ok(KoladaCounts { values: n("kolada_value")?, history: n("kolada_value_history")?, kpis: n("kolada_kpi")? })
}

pub fn kpi(store: &Store, id: &str) -> Result<Option<KoladaKpi>> {
    Ok(store
        .conn()
        .query_row(
            "SELECT id, title, description, is_divided_by_gender, municipality_type, operating_area FROM kolada_kpi WHERE id=?1",
            [id.trim().to_ascii_uppercase()],
            |r| {
                Ok(KoladaKpi {
                    id: r.get(0)?,
                    title: r.get(1)?,
                    description: r.get(2)?,
                    is_divided_by_gender: r.get(3)?,
                    municipality_type: r.get(4)?,
                    operating_area: r.get(5)?,
                })
            },
        )
        .optional()?)
}
