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

use rusqlite::{params, OptionalExtension};
use serde::Serialize;
use serde_json::json;
use ts_rs::TS;

use super::parse::{self, KoladaContent, ParsedFile};
use super::AREA_NAME_PREFIX;
use crate::error::{AppError, Result};
use crate::store::{ChangeContext, Store, Writer};

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
            "Kolada: {} filer, {} nya värden, {} ändrade, {} oförändrade, {} borttagna",
            self.files, self.new, self.changed, self.unchanged, self.removed
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
        return Err(AppError::io(format!(
            "{} är en mapp. Ange de sparade Kolada-filerna, t.ex. {}/*.json.",
            path.display(),
            path.display()
        )));
    }
    let too_big = |size: u64| {
        AppError::bad_file(format!(
            "{name}: filen är {} MB, större än gränsen {} MB för en Kolada-fil. Hämta färre nyckeltal eller kommuner per fil och importera filerna tillsammans; inget har importerats.",
            size.div_ceil(1024 * 1024),
            options.max_file_bytes / (1024 * 1024)
        ))
    };
    // A pipe or a device is refused, and never more than the limit is read (the file may
    // grow, or claim a size it does not have).
    let bytes = crate::files::read_limited(path, options.max_file_bytes, "en sparad Kolada-fil", too_big)?;
    let text = String::from_utf8(bytes).map_err(|e| {
        AppError::bad_file(format!(
            "{name}: filen är inte UTF-8-text (fel vid byte {}). Spara svaret från Kolada som JSON igen; inget har importerats.",
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
        return Err(AppError::validation("Ange minst en Kolada-fil att importera."));
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

/// Turns SQLite's CHECK constraints off for the import's own statements and back on when
/// dropped (also on error). `kolada_value` checks `gender IN ('T','K','M')` and
/// `area_kind IN (...)`; SQLite evaluates an `IN` list of three constants by building a
/// temporary b-tree for every row, which made a million-value import three times slower.
/// The import writes only values the types already guarantee (`Gender` and `AreaKind` are
/// closed enums), so the checks could never fail here.
struct ChecksOff<'a> {
    tx: &'a rusqlite::Transaction<'a>,
    active: bool,
}

impl<'a> ChecksOff<'a> {
    fn new(tx: &'a rusqlite::Transaction<'a>) -> Result<Self> {
        tx.pragma_update(None, "ignore_check_constraints", true)?;
        Ok(Self { tx, active: true })
    }

    fn restore(mut self) -> Result<()> {
        self.active = false;
        self.tx.pragma_update(None, "ignore_check_constraints", false)?;
        Ok(())
    }
}

impl Drop for ChecksOff<'_> {
    fn drop(&mut self) {
        if self.active {
            let _ = self.tx.pragma_update(None, "ignore_check_constraints", false);
        }
    }
}

/// Page cache for the import's transaction, in KiB: a million values make a table and
/// indexes of about 150 MB; with SQLite's default 2 MiB cache the pages the import is
/// filling are written out to the WAL and read back again and again before the commit.
const IMPORT_CACHE_KIB: i64 = 64 * 1024;

/// Raises the connection's page cache for the import and puts the old size back when
/// dropped (also on error).
struct LargeCache<'a> {
    tx: &'a rusqlite::Transaction<'a>,
    before: i64,
}

impl<'a> LargeCache<'a> {
    fn new(tx: &'a rusqlite::Transaction<'a>) -> Result<Self> {
        let before: i64 = tx.pragma_query_value(None, "cache_size", |r| r.get(0))?;
        tx.pragma_update(None, "cache_size", -IMPORT_CACHE_KIB)?;
        Ok(Self { tx, before })
    }
}

impl Drop for LargeCache<'_> {
    fn drop(&mut self) {
        let _ = self.tx.pragma_update(None, "cache_size", self.before);
    }
}

fn same(a: Option<f64>, b: Option<f64>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(x), Some(y)) => x == y,
        _ => false,
    }
}

impl Writer<'_> {
    /// Write parsed Kolada files inside this transaction (see the module documentation).
    pub fn import_kolada(&mut self, files: &[ParsedFile]) -> Result<KoladaImportSummary> {
        // Every way in (files, texts, the online fetch) passes here: checked before writing.
        let repeats = parse::check_one_value_per_key(files)?;
        let tx = self.tx;
        let at = self.ctx.at.as_str();
        let mut s = KoladaImportSummary { files: files.len() as u32, ..Default::default() };
        let checks_off = ChecksOff::new(tx)?;
        let _cache = LargeCache::new(tx)?;
        let mut known_kpis: std::collections::HashMap<String, bool> = std::collections::HashMap::new();
        {
            let mut insert = tx.prepare(
                "INSERT INTO kolada_value(kpi_id, area_id, area_kind, year, gender, value, imported_at, source_file)
                 VALUES (?1,?2,?3,?4,?5,?6,?7,?8) ON CONFLICT(kpi_id, area_id, year, gender) DO NOTHING",
            )?;
            let mut select = tx.prepare("SELECT value FROM kolada_value WHERE kpi_id=?1 AND area_id=?2 AND year=?3 AND gender=?4")?;
            let mut kpi_known = tx.prepare("SELECT EXISTS (SELECT 1 FROM kolada_value WHERE kpi_id=?1)")?;
            let mut history = tx.prepare(
                "INSERT INTO kolada_value_history(kpi_id, area_id, year, gender, value, imported_at, source_file, replaced_at)
                 SELECT kpi_id, area_id, year, gender, value, imported_at, source_file, ?5 FROM kolada_value
                 WHERE kpi_id=?1 AND area_id=?2 AND year=?3 AND gender=?4",
            )?;
            let mut update = tx.prepare(
                "UPDATE kolada_value SET value=?5, imported_at=?6, source_file=?7
                 WHERE kpi_id=?1 AND area_id=?2 AND year=?3 AND gender=?4",
            )?;
            let mut delete = tx.prepare("DELETE FROM kolada_value WHERE kpi_id=?1 AND area_id=?2 AND year=?3 AND gender=?4")?;
            let mut kpi_select = tx.prepare(
                "SELECT title, description, is_divided_by_gender, municipality_type, operating_area FROM kolada_kpi WHERE id=?1",
            )?;
            let mut kpi_upsert = tx.prepare(
                "INSERT INTO kolada_kpi(id, title, description, is_divided_by_gender, municipality_type, operating_area)
                 VALUES (?1,?2,?3,?4,?5,?6)
                 ON CONFLICT(id) DO UPDATE SET title=excluded.title, description=excluded.description,
                   is_divided_by_gender=excluded.is_divided_by_gender, municipality_type=excluded.municipality_type,
                   operating_area=excluded.operating_area",
            )?;
            let mut name_select = tx.prepare("SELECT value FROM setting WHERE key=?1")?;
            let mut name_upsert =
                tx.prepare("INSERT INTO setting(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value")?;

            for (f, file) in files.iter().enumerate() {
                let source = file.name.as_str();
                match &file.content {
                    KoladaContent::Values(rows) => {
                        // The hot loop: parameters that do not change are bound once, and a
                        // KPI that had no values before is inserted without looking first.
                        insert.raw_bind_parameter(7, at)?;
                        insert.raw_bind_parameter(8, source)?;
                        for (r, row) in rows.iter().enumerate() {
                            let (kpi, area, year) = (row.kpi.as_str(), row.area_id.as_str(), row.year);
                            let known = match known_kpis.get(kpi) {
                                Some(k) => *k,
                                None => {
                                    let k: bool = kpi_known.query_row([kpi], |r| r.get(0))?;
                                    known_kpis.insert(kpi.to_string(), k);
                                    k
                                }
                            };
                            insert.raw_bind_parameter(1, kpi)?;
                            insert.raw_bind_parameter(2, area)?;
                            insert.raw_bind_parameter(3, row.area_kind.as_str())?;
                            insert.raw_bind_parameter(4, year)?;
                            select.raw_bind_parameter(1, kpi)?;
                            select.raw_bind_parameter(2, area)?;
                            select.raw_bind_parameter(3, year)?;
                            for (i, v) in row.values.iter().enumerate() {
                                if !repeats.is_empty() && repeats.contains(&(f, r, i)) {
                                    continue;
                                }
                                let g = v.gender.as_str();
                                select.raw_bind_parameter(4, g)?;
                                let held = |select: &mut rusqlite::Statement<'_>| -> Result<Option<Option<f64>>> {
                                    let mut rows = select.raw_query();
                                    Ok(match rows.next()? {
                                        Some(r) => Some(r.get::<_, Option<f64>>(0)?),
                                        None => None,
                                    })
                                };
                                if v.deleted {
                                    if held(&mut select)?.is_some() {
                                        history.execute(params![kpi, area, year, g, at])?;
                                        delete.execute(params![kpi, area, year, g])?;
                                        s.removed += 1;
                                    } else {
                                        s.unchanged += 1;
                                    }
                                    continue;
                                }
                                let old = if known { held(&mut select)? } else { None };
                                if old.is_none() {
                                    insert.raw_bind_parameter(5, g)?;
                                    insert.raw_bind_parameter(6, v.value)?;
                                    if insert.raw_execute()? == 1 {
                                        s.new += 1;
                                        continue;
                                    }
                                }
                                // Held already.
                                let old = match old {
                                    Some(o) => o,
                                    None => held(&mut select)?.flatten(),
                                };
                                if same(old, v.value) {
                                    s.unchanged += 1;
                                } else {
                                    history.execute(params![kpi, area, year, g, at])?;
                                    update.execute(params![kpi, area, year, g, v.value, at, source])?;
                                    s.changed += 1;
                                }
                            }
                        }
                    }
                    KoladaContent::Kpis(kpis) => {
                        for k in kpis {
                            let old: Option<(String, String, bool, String, String)> = kpi_select
                                .query_row([&k.id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
                                .optional()?;
                            let new = (
                                k.title.clone(),
                                k.description.clone(),
                                k.is_divided_by_gender,
                                k.municipality_type.clone(),
                                k.operating_area.clone(),
                            );
                            if old.as_ref() != Some(&new) {
                                kpi_upsert.execute(params![
                                    k.id,
                                    k.title,
                                    k.description,
                                    k.is_divided_by_gender,
                                    k.municipality_type,
                                    k.operating_area
                                ])?;
                                s.kpis += 1;
                            }
                        }
                    }
                    KoladaContent::AreaNames(names) => {
                        for a in names {
                            let key = format!("{AREA_NAME_PREFIX}{}", a.id);
                            let old: Option<String> = name_select.query_row([&key], |r| r.get(0)).optional()?;
                            if old.as_deref() != Some(a.title.as_str()) {
                                name_upsert.execute(params![key, a.title])?;
                                s.area_names += 1;
                            }
                        }
                    }
                    KoladaContent::Empty => {}
                }
            }
        }
        checks_off.restore()?;
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

    const BAD_ROW: &str = "INSERT INTO kolada_value(kpi_id, area_id, area_kind, year, gender, value, imported_at, source_file)
                           VALUES ('N1','2083','municipality',2023,'X',1,'t','f')";

    #[test]
    fn check_constraints_are_on_again_after_an_import_and_after_a_failed_one() {
        let mut store = Store::open_in_memory().unwrap();
        import_texts(&mut store, &ctx(), &[("a.json", &one("1"))]).unwrap();
        let err = store.conn().execute(BAD_ROW, []).unwrap_err();
        assert!(err.to_string().contains("CHECK"), "{err}");

        let parsed = vec![parse::parse("b.json", &one("2")).unwrap()];
        let failed = store.write(&ctx(), |w| {
            w.import_kolada(&parsed)?;
            Err::<(), _>(AppError::validation("stop"))
        });
        assert!(failed.is_err());
        assert!(store.conn().execute(BAD_ROW, []).is_err(), "checks are back after a rolled-back import");
        assert_eq!(crate::kolada::compare::value(&store, "N1", "2083", 2022, Gender::T).unwrap(), Some(1.0), "rolled back");
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
