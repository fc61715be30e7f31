//! Kolada: the national database of Swedish municipal key figures (run by RKA).
//!
//! - [`parse`] reads saved Kolada API responses (v2 and v3 envelopes) and tells from the
//!   content whether a file holds values (`data`/`oudata`), KPI metadata or area names.
//! - [`import`] writes parsed files into `kolada_value`, `kolada_value_history` and
//!   `kolada_kpi` in one transaction, through a [`crate::store::Writer`] method.
//! - [`compare`] reads them back for the scorecard: the municipality's own Kolada value,
//!   Riket and a comparison group, and the Kolada rank (quartile among all municipalities).
//! - [`online`] fetches values from the Kolada API v3 (paging, retries, cancellation).
//! - [`read`] plain reads of what was stored (a value with its source, its history, counts).
//!
//! Invariants: a value keeps its identity `(kpi, area, year, gender)`; importing the same
//! file twice changes nothing; a changed value moves the old one to the history table; a
//! deleted row removes the value (and keeps the old one in the history). The Kolada rank is
//! its own marker ([`compare::RankQuartile`]) and never mixes with target attainment.
//!
//! Every figure imported here comes from Kolada and must be shown with "Källa: Kolada".

pub mod compare;
pub mod import;
pub mod online;
pub mod parse;
pub mod read;

use serde::Serialize;
use ts_rs::TS;

pub use compare::{KoladaComparison, KoladaRank, RankQuartile};
pub use import::{import_files, import_texts, ImportOptions, KoladaImportSummary};

/// Setting: the municipality whose Kolada values are ours (e.g. "2083").
pub const SETTING_MUNICIPALITY: &str = "kolada_municipality";
/// Setting: the comparison group (e.g. a "Liknande kommuner" group id starting with G).
pub const SETTING_GROUP: &str = "kolada_group";
/// Setting: the API base URL (default [`online::DEFAULT_BASE_URL`]).
pub const SETTING_BASE_URL: &str = "kolada_base_url";
/// Prefix of the settings that hold area names: `kolada_area_name:<id>` = title.
pub const AREA_NAME_PREFIX: &str = "kolada_area_name:";

/// Riket, the whole country, in Kolada's municipality list.
pub const RIKET: &str = "0000";

/// What a Kolada area id stands for, as stored in `kolada_value.area_kind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum AreaKind {
    /// A municipality, a region (`00` + county code) or Riket (`0000`).
    Municipality,
    /// A municipality group (id starting with `G`); its value is an unweighted average.
    Group,
    /// An organisational unit (`oudata`), e.g. a school.
    Ou,
}

impl AreaKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AreaKind::Municipality => "municipality",
            AreaKind::Group => "group",
            AreaKind::Ou => "ou",
        }
    }

    /// The kind of an id found under `municipality` in a data row.
    pub fn of_municipality_field(id: &str) -> AreaKind {
        if id.starts_with('G') || id.starts_with('g') {
            AreaKind::Group
        } else {
            AreaKind::Municipality
        }
    }
}

/// True for a municipality's own id: four digits, not Riket and not a region. Regions are
/// `00` + county code (e.g. `0020` Region Dalarna); municipality ids never start with `00`.
pub fn is_municipality_id(id: &str) -> bool {
    id.len() == 4 && id.bytes().all(|b| b.is_ascii_digit()) && !id.starts_with("00")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn municipality_ids_exclude_riket_regions_groups_and_units() {
        for id in ["0114", "0484", "1885", "2083", "2182", "0180"] {
            assert!(is_municipality_id(id), "{id}");
        }
        for id in [
            "0000",
            "0020",
            "0001",
            "0025",
            "G123456",
            "V15E144001301",
            "114",
            "01140",
            "01a4",
            "",
        ] {
            assert!(!is_municipality_id(id), "{id}");
        }
    }

    #[test]
    fn groups_are_told_apart_from_municipalities_by_their_id() {
        assert_eq!(AreaKind::of_municipality_field("G33418"), AreaKind::Group);
        assert_eq!(
            AreaKind::of_municipality_field("2083"),
            AreaKind::Municipality
        );
        assert_eq!(
            AreaKind::of_municipality_field("0000"),
            AreaKind::Municipality
        );
    }
}
