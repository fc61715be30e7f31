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
pub mod reference;

use crate::msg;
use crate::store::Store;
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
        for id in ["0000", "0020", "0001", "0025", "G123456", "V15E144001301", "114", "01140", "01a4", ""] {
            assert!(!is_municipality_id(id), "{id}");
        }
    }

    #[test]
    fn groups_are_told_apart_from_municipalities_by_their_id() {
        assert_eq!(AreaKind::of_municipality_field("G33418"), AreaKind::Group);
        assert_eq!(AreaKind::of_municipality_field("2083"), AreaKind::Municipality);
        assert_eq!(AreaKind::of_municipality_field("0000"), AreaKind::Municipality);
    }
}

/// Which municipality and comparison group the scorecard compares with, and where the API is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize, TS)]
#[ts(export)]
pub struct KoladaSettings {
    /// Four-digit municipality code, e.g. "2083".
    pub municipality: String,
    /// Comparison group id (starts with G), or empty for none.
    pub group: String,
    /// API base URL; empty means the default.
    pub base_url: String,
}

impl KoladaSettings {
    pub fn load(store: &Store) -> crate::error::Result<Self> {
        Ok(Self {
            municipality: store.setting(SETTING_MUNICIPALITY)?.unwrap_or_default(),
            group: store.setting(SETTING_GROUP)?.unwrap_or_default(),
            base_url: store.setting(SETTING_BASE_URL)?.unwrap_or_default(),
        })
    }

    /// Check every field; the message names the field and shows a correct example.
    pub fn validate(&self) -> crate::error::Result<()> {
        use crate::error::AppError;
        let m = self.municipality.trim();
        if !(m.len() == 4 && m.chars().all(|c| c.is_ascii_digit()) && is_municipality_id(m)) {
            return Err(AppError::validation(msg!(
                "Kommunkoden '{m}' är inte en kommun i Kolada. Skriv fyra siffror, t.ex. 2083 för Hedemora.",
                "The municipality code '{m}' is not a municipality in Kolada. Write four digits, e.g. 2083 for Hedemora."
            )));
        }
        let g = self.group.trim();
        if !g.is_empty() && (!g.starts_with('G') || g.len() > 12 || !g[1..].chars().all(|c| c.is_ascii_digit())) {
            return Err(AppError::validation(msg!(
                "Jämförelsegruppen '{g}' är inte ett grupp-id i Kolada. Ett id ser ut som G33924, eller lämna fältet tomt.",
                "The comparison group '{g}' is not a group id in Kolada. An id looks like G33924, or leave the field empty."
            )));
        }
        let u = self.base_url.trim();
        if !u.is_empty() && !u.starts_with("https://") && !u.starts_with("http://127.0.0.1") && !u.starts_with("http://localhost") {
            return Err(AppError::validation(msg!(
                "Adressen till Kolada måste börja med https://. Lämna fältet tomt för Koladas egen adress.",
                "The Kolada address must start with https://. Leave the field empty for Kolada's own address."
            )));
        }
        Ok(())
    }

    /// Validate and save (each changed key audited).
    pub fn save(&self, store: &mut Store, ctx: &crate::store::ChangeContext) -> crate::error::Result<()> {
        self.validate()?;
        store.write(ctx, |w| {
            crate::store::settings::set(w, SETTING_MUNICIPALITY, self.municipality.trim())?;
            crate::store::settings::set(w, SETTING_GROUP, self.group.trim())?;
            crate::store::settings::set(w, SETTING_BASE_URL, self.base_url.trim())
        })
    }
}

#[cfg(test)]
mod settings_tests {
    use super::*;
    use crate::error::ErrorCode;

    fn s(m: &str, g: &str, u: &str) -> KoladaSettings {
        KoladaSettings { municipality: m.into(), group: g.into(), base_url: u.into() }
    }

    #[test]
    fn kolada_settings_are_validated_and_saved() {
        for bad in [s("20833", "", ""), s("0020", "", ""), s("abcd", "", ""), s("2083", "X123", ""), s("2083", "", "ftp://x")] {
            assert_eq!(bad.validate().unwrap_err().code, ErrorCode::Validation, "{bad:?}");
        }
        let good = s("2083", "G33924", "");
        let mut store = Store::open_in_memory().unwrap();
        let ctx = crate::store::ChangeContext::new("test", "2026-11-26T10:00:00");
        good.save(&mut store, &ctx).unwrap();
        assert_eq!(KoladaSettings::load(&store).unwrap(), good);
    }
}
