//! Plain reads of what the Kolada import stored: one value with its origin, its history,
//! KPI descriptions and table counts (for the UI, the command line and the tests).

use serde::Serialize;
use ts_rs::TS;

use crate::error::Result;
use crate::model::Gender;
use crate::store::{kolada, Store};

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

/// A stored value with where and when it came from.
pub fn stored(store: &Store, kpi: &str, area: &str, year: i32, gender: Gender) -> Result<Option<StoredValue>> {
    kolada::stored(store.read(), kpi, area, year, gender)
}

/// Earlier values of one key, oldest first.
pub fn history(store: &Store, kpi: &str, area: &str, year: i32, gender: Gender) -> Result<Vec<ReplacedValue>> {
    kolada::history(store.read(), kpi, area, year, gender)
}

pub fn counts(store: &Store) -> Result<KoladaCounts> {
    kolada::counts(store.read())
}

pub fn kpi(store: &Store, id: &str) -> Result<Option<KoladaKpi>> {
    kolada::kpi(store.read(), &id.trim().to_ascii_uppercase())
}
