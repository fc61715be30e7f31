//! Importing parsed Kolada files into the database.
//!
//! All files are read and parsed before anything is written; the writing is one
//! transaction through [`Writer::import_kolada`], so one bad file leaves the database as
//! it was. Each value is keyed by `(kpi, area, year, gender)`:
//!
//! - new key: inserted (`new`);
//! - same value (null equals null): left alone, even if the file name differs (`unchanged`);
//! - different value: the old row is copied to `kolada_value_history` and replaced (`changed`);
//! - deleted row (`isdeleted` / `is_deleted`): the old row goes to the history and is
//!   removed (`removed`); a deletion of a value we never had changes nothing.
//!
//! Within one import a key has one value: the same key again with the same value is written
//! once; with another value (overlapping pages or files that disagree) the whole import is
//! refused naming both places ([`parse::check_one_value_per_key`]), before anything is written.
//!
//! One audit row describes the whole import (files and counts); an import that changes
//! nothing writes no audit row and no history.

use std::path::Path;

use serde::Serialize;
use serde_json::json;
use ts_rs::TS;

use super::parse::{self, ParsedFile};
use crate::error::{AppError, Result};
use crate::msg;
use crate::store::{ChangeContext, Store, Writer};
use crate::text::count_sv;

/// The largest file accepted by default: 200 MiB (about 2 million values in v3's compact form).
pub const DEFAULT_MAX_FILE_BYTES: u64 = 200 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImportOptions {
    /// Files larger than this are refused before they are read.
    pub max_file_bytes: u64,
}

impl Default for ImportOptions {
    fn default() -> Self {
        Self { max_file_bytes: DEFAULT_MAX_FILE_BYTES }
    }
}

/// What an import did. Values count one per KPI, area, year and gender.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct KoladaImportSummary {
    pub files: u32,
    /// Values that were not in the database.
    pub new: u64,
    /// Values that replaced a different value (the old one is kept in the history).
    pub changed: u64,
    /// Values that were already there, the same.
    pub unchanged: u64,
    /// Values removed because Kolada marked them deleted.
    pub removed: u64,
    /// KPI descriptions added or changed.
    pub kpis: u64,
    /// Municipality, group or unit names added or changed.
    pub area_names: u64,
}

impl KoladaImportSummary {
    /// True when the import wrote anything.
    pub fn changed_anything(&self) -> bool {
        self.new + self.changed + self.removed + self.kpis + self.area_names > 0
    }

    /// One Swedish line for the command line and the status bar.
    pub fn describe_sv(&self) -> String {
        let mut s = format!(
            "Kolada: {}, {}, {}, {}, {}",
            count_sv(self.files, "fil", "filer"),
            count_sv(self.new, "nytt värde", "nya värden"),
            count_sv(self.changed, "ändrat", "ändrade"),
            count_sv(self.unchanged, "oförändrat", "oförändrade"),
            count_sv(self.removed, "borttaget", "borttagna")
        );
        if self.kpis > 0 {
            s.push_str(&format!(", {} nyckeltalsbeskrivningar", self.kpis));
        }
        if self.area_names > 0 {
            s.push_str(&format!(", {} namn på kommuner och grupper", self.area_names));
        }
        s.push_str(". Källa: Kolada.");
        s
    }
}

/// Read one file as text: a regular file only, never more than the size limit.
pub fn read_file(path: &Path, options: &ImportOptions) -> Result<(String, String)> {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| path.display().to_string());
    if std::fs::metadata(path).map(|m| m.is_dir()).unwrap_or(false) {
        return Err(AppError::io(msg!(
            "{} är en mapp. Ange de sparade Kolada-filerna, t.ex. {}/*.json.",
            "{} is a folder. Give the saved Kolada files, e.g. {}/*.json.",
            path.display(),
            path.display()
        )));
    }
    let too_big = |size: u64| {
        AppError::bad_file(msg!(
            "{name}: filen är {} MB, större än gränsen {} MB för en Kolada-fil. Hämta färre nyckeltal eller kommuner per fil och importera filerna tillsammans; inget har importerats.", "{name}: the file is {} MB, larger than the limit of {} MB for a Kolada file. Fetch fewer indicators or municipalities per file and import the files together; nothing has been imported.",
            size.div_ceil(1024 * 1024),
            options.max_file_bytes / (1024 * 1024)
        ))
    };
    // A pipe or a device is refused, and never more than the limit is read (the file may
    // grow, or claim a size it does not have).
    let bytes = crate::files::read_limited(path, options.max_file_bytes, &msg!("en sparad Kolada-fil", "a saved Kolada file"), too_big)?;
    let text = String::from_utf8(bytes).map_err(|e| {
        AppError::bad_file(msg!(
            "{name}: filen är inte UTF-8-text (fel vid byte {}). Spara svaret från Kolada som JSON igen; inget har importerats.", "{name}: the file is not UTF-8 text (error at byte {}). Save the response from Kolada as JSON again; nothing has been imported.",
            e.utf8_error().valid_up_to()
        ))
    })?;
    Ok((name, text))
}

/// Read and parse files; nothing is written.
pub fn parse_files<P: AsRef<Path>>(paths: &[P], options: &ImportOptions) -> Result<Vec<ParsedFile>> {
    paths
        .iter()
        .map(|p| {
            let (name, text) = read_file(p.as_ref(), options)?;
            parse::parse(&name, &text)
        })
        .collect()
}

/// Import saved Kolada files, all of them or none.
pub fn import_files<P: AsRef<Path>>(
    store: &mut Store,
    ctx: &ChangeContext,
    paths: &[P],
    options: &ImportOptions,
) -> Result<KoladaImportSummary> {
    if paths.is_empty() {
        return Err(AppError::validation(msg!("Ange minst en Kolada-fil att importera.", "Give at least one Kolada file to import.")));
    }
    let files = parse_files(paths, options)?;
    import_parsed(store, ctx, &files)
}

/// Import Kolada responses held in memory as `(name, text)`, all of them or none.
pub fn import_texts(store: &mut Store, ctx: &ChangeContext, files: &[(&str, &str)]) -> Result<KoladaImportSummary> {
    let parsed = files.iter().map(|(name, text)| parse::parse(name, text)).collect::<Result<Vec<_>>>()?;
    import_parsed(store, ctx, &parsed)
}

/// Write already parsed files in one transaction.
pub fn import_parsed(store: &mut Store, ctx: &ChangeContext, files: &[ParsedFile]) -> Result<KoladaImportSummary> {
    store.write(ctx, |w| w.import_kolada(files))
}

impl Writer<'_> {
    /// Write parsed Kolada files inside this transaction (see the module documentation).
    pub fn import_kolada(&mut self, files: &[ParsedFile]) -> Result<KoladaImportSummary> {
        // Every way in (files, texts, the online fetch) passes here: checked before writing.
        let repeats = parse::check_one_value_per_key(files)?;
        let s = crate::store::kolada::import_batch(self, files, &repeats)?;
        if s.changed_anything() {
            let mut names: String = files.iter().map(|f| f.name.as_str()).collect::<Vec<_>>().join(", ");
            if names.chars().count() > 500 {
                names = format!("{}… ({} filer)", names.chars().take(480).collect::<String>(), files.len());
            }
            self.audit("import", "kolada_value", names, None, Some(json!(s)))?;
        }
        Ok(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Gender;

    fn ctx() -> ChangeContext {
        ChangeContext::new("test", "2026-11-26T10:00:00")
    }

    fn one(value: &str) -> String {
        format!(r#"{{"values":[{{"kpi":"N1","municipality":"2083","period":2022,"values":[{{"gender":"T","value":{value}}}]}}]}}"#)
    }

    #[test]
    fn the_same_key_twice_in_one_import_is_written_once_or_refused_when_the_values_differ() {
        let mut store = Store::open_in_memory().unwrap();
        let err = import_texts(&mut store, &ctx(), &[("a.json", &one("1")), ("b.json", &one("2"))]).unwrap_err();
        assert_eq!(err.code, crate::error::ErrorCode::BadFile);
        assert!(err.message.starts_with("b.json: values[0].values[0]: "), "{}", err.message);
        assert!(err.message.contains("a.json (values[0].values[0]): 1 där, 2 här"), "{}", err.message);
        assert_eq!(crate::kolada::compare::value(&store, "N1", "2083", 2022, Gender::T).unwrap(), None);
        assert_eq!(store.audit_count().unwrap(), 0);

        let s = import_texts(&mut store, &ctx(), &[("a.json", &one("1")), ("b.json", &one("1.0"))]).unwrap();
        assert_eq!((s.new, s.changed, s.unchanged), (1, 0, 0));
        let held = crate::kolada::read::stored(&store, "N1", "2083", 2022, Gender::T).unwrap().unwrap();
        assert_eq!((held.value, held.source_file.as_str()), (Some(1.0), "a.json"));
        // A KPI that already has values is looked up first: null replaces a number, then stays.
        let s = import_texts(&mut store, &ctx(), &[("d.json", &one("null"))]).unwrap();
        assert_eq!(s.changed, 1);
        let s = import_texts(&mut store, &ctx(), &[("e.json", &one("null"))]).unwrap();
        assert_eq!((s.changed, s.unchanged), (0, 1));
    }
}
