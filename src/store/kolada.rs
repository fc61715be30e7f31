//! Repository for `kolada_kpi`, `kolada_value` and `kolada_value_history`.

use std::collections::HashSet;

use super::sql::{params, OptionalExtension};

use super::{Read, Writer};
use crate::error::Result;
use crate::kolada::import::KoladaImportSummary;
use crate::kolada::parse::{KoladaContent, ParsedFile, ValuePlace};
use crate::kolada::read::{KoladaCounts, KoladaKpi, ReplacedValue, StoredValue};
use crate::kolada::AREA_NAME_PREFIX;
use crate::model::Gender;

// Planning: the KPI search of the indicator form.

/// Id and title of every imported Kolada KPI.
pub fn kpi_titles(db: Read<'_>) -> Result<Vec<(String, String)>> {
    let mut stmt = db.conn().prepare_cached("SELECT id, title FROM kolada_kpi")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<super::sql::Result<Vec<_>>>()?;
    Ok(rows)
}

// ---------------------------------------------------------------------------
// Reads: single values, series, the rank's population, what an import stored.

/// One Kolada value of an area for a year and gender; `None` when not imported or null.
pub fn value(db: Read<'_>, kpi: &str, area: &str, year: i32, gender: Gender) -> Result<Option<f64>> {
    Ok(held(db, kpi, area, year, gender)?.flatten())
}

// `kolada_value` is clustered by (kpi, year, gender, area), the rank's order (migration 3):
// one area's values are read through the whole key, one year at a time, between the KPI's
// first and last year (two seeks); a KPI spans a few dozen years at most.

/// The first and last year a KPI has any value for; `None` when it has none.
fn years_of(db: Read<'_>, kpi: &str) -> Result<Option<(i32, i32)>> {
    let end = |sql: &str| -> Result<Option<i32>> { Ok(db.conn().prepare_cached(sql)?.query_row([kpi], |r| r.get(0)).optional()?) };
    let first = end("SELECT year FROM kolada_value WHERE kpi_id=?1 ORDER BY year LIMIT 1")?;
    let last = end("SELECT year FROM kolada_value WHERE kpi_id=?1 ORDER BY year DESC LIMIT 1")?;
    Ok(first.zip(last))
}

/// One row's value by its whole key: `None` when there is no row, `Some(None)` for a null.
fn held(db: Read<'_>, kpi: &str, area: &str, year: i32, gender: Gender) -> Result<Option<Option<f64>>> {
    Ok(db
        .conn()
        .prepare_cached("SELECT value FROM kolada_value WHERE kpi_id=?1 AND year=?2 AND gender=?3 AND area_id=?4")?
        .query_row(params![kpi, year, gender, area], |r| r.get::<_, Option<f64>>(0))
        .optional()?)
}

/// Every imported year of a KPI for one area and gender, oldest first: (year, value).
pub fn series(db: Read<'_>, kpi: &str, area: &str, gender: Gender) -> Result<Vec<(i32, Option<f64>)>> {
    let Some((first, last)) = years_of(db, kpi)? else { return Ok(Vec::new()) };
    let mut out = Vec::new();
    for year in first..=last {
        if let Some(v) = held(db, kpi, area, year, gender)? {
            out.push((year, v));
        }
    }
    Ok(out)
}

/// One stored Kolada value: (area, year, gender, value).
pub type AreaValue = (String, i32, Gender, Option<f64>);

/// Every value of a KPI for up to three areas (the municipality, Riket, the group), as
/// (area, year, gender, value): one statement where the lookups above would be one round trip
/// each. For the shared database only, whose index `kolada_value_area` (PostgreSQL migration
/// 0006) serves it; on the file the clustered key serves the single lookups in-process.
pub fn values_of_areas(db: Read<'_>, kpi: &str, areas: [&str; 3]) -> Result<Vec<AreaValue>> {
    let mut stmt =
        db.conn().prepare_cached("SELECT area_id, year, gender, value FROM kolada_value WHERE kpi_id=?1 AND area_id IN (?2, ?3, ?4)")?;
    let rows = stmt
        .query_map(params![kpi, areas[0], areas[1], areas[2]], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<super::sql::Result<Vec<_>>>()?;
    Ok(rows)
}

/// [`values_of_areas`] for the KPIs of many indicators at once, as (KPI, value): one
/// statement for a whole roll-up instead of one per KPI, each a round trip to the server.
pub fn values_of_areas_of_indicators(db: Read<'_>, indicator_ids: &[i64], areas: [&str; 3]) -> Result<Vec<(String, AreaValue)>> {
    let mut stmt = db.conn().prepare_cached(
        "SELECT v.kpi_id, v.area_id, v.year, v.gender, v.value FROM kolada_value v
         WHERE v.kpi_id IN (SELECT i.kolada_kpi_id FROM indicator i
                            WHERE i.id IN (SELECT CAST(value AS BIGINT) FROM json_each(?1)))
           AND v.area_id IN (?2, ?3, ?4)",
    )?;
    let ids = super::ids::list(indicator_ids.iter().copied());
    let rows = stmt
        .query_map(params![ids, areas[0], areas[1], areas[2]], |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))))?
        .collect::<super::sql::Result<Vec<_>>>()?;
    Ok(rows)
}

/// The latest year up to `last_year` with a value (gender T, not null) of an area.
pub fn latest_year(db: Read<'_>, kpi: &str, area: &str, last_year: i32) -> Result<Option<i32>> {
    let Some((first, last)) = years_of(db, kpi)? else { return Ok(None) };
    for year in (first..=last.min(last_year)).rev() {
        if let Some(Some(_)) = held(db, kpi, area, year, Gender::T)? {
            return Ok(Some(year));
        }
    }
    Ok(None)
}

/// The rank's read: one range of the clustered key (a test holds the plan).
const MUNICIPALITY_VALUES: &str = "SELECT area_id, value FROM kolada_value
     WHERE kpi_id=?1 AND year=?2 AND gender='T' AND area_kind='municipality' AND value IS NOT NULL";

/// The values (gender T, not null) of every area of kind `municipality` for a KPI and
/// year: (area id, value). The caller keeps the ids that are municipalities.
pub fn municipality_values(db: Read<'_>, kpi: &str, year: i32) -> Result<Vec<(String, f64)>> {
    let mut stmt = db.conn().prepare_cached(MUNICIPALITY_VALUES)?;
    let rows = stmt.query_map(params![kpi, year], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<super::sql::Result<Vec<_>>>()?;
    Ok(rows)
}

/// A stored Kolada value with where and when it came from.
pub fn stored(db: Read<'_>, kpi: &str, area: &str, year: i32, gender: Gender) -> Result<Option<StoredValue>> {
    Ok(db
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
pub fn history(db: Read<'_>, kpi: &str, area: &str, year: i32, gender: Gender) -> Result<Vec<ReplacedValue>> {
    // The history has no id column: SQLite keeps insertion order in `rowid`; PostgreSQL has
    // none, so there the rows go by when they were replaced, then by their place in the
    // append-only table (`ctid`) for rows replaced in the same second.
    let sql = if db.conn().is_pg() {
        "SELECT value, imported_at, source_file, replaced_at FROM kolada_value_history
         WHERE kpi_id=?1 AND area_id=?2 AND year=?3 AND gender=?4 ORDER BY replaced_at, imported_at, ctid"
    } else {
        "SELECT value, imported_at, source_file, replaced_at FROM kolada_value_history
         WHERE kpi_id=?1 AND area_id=?2 AND year=?3 AND gender=?4 ORDER BY rowid"
    };
    Ok(db
        .conn()
        .prepare_cached(sql)?
        .query_map(params![kpi, area, year, gender], |r| {
            Ok(ReplacedValue { value: r.get(0)?, imported_at: r.get(1)?, source_file: r.get(2)?, replaced_at: r.get(3)? })
        })?
        .collect::<super::sql::Result<Vec<_>>>()?)
}

/// Rows in the Kolada tables.
pub fn counts(db: Read<'_>) -> Result<KoladaCounts> {
    let n = |table: &str| -> Result<i64> { Ok(db.conn().query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))?) };
    Ok(KoladaCounts { values: n("kolada_value")?, history: n("kolada_value_history")?, kpis: n("kolada_kpi")? })
}

/// A KPI description from an imported `/kpi` file (id as stored: upper case).
pub fn kpi(db: Read<'_>, id: &str) -> Result<Option<KoladaKpi>> {
    Ok(db
        .conn()
        .query_row(
            "SELECT id, title, description, is_divided_by_gender, municipality_type, operating_area FROM kolada_kpi WHERE id=?1",
            [id],
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

// ---------------------------------------------------------------------------
// The bulk import: the whole batch of parsed files in the writer's transaction.

/// Turns SQLite's CHECK constraints off for the import's own statements and back on when
/// dropped (also on error). `kolada_value` checks `gender IN ('T','K','M')` and
/// `area_kind IN (...)`; SQLite evaluates an `IN` list of three constants by building a
/// temporary b-tree for every row, which made a million-value import three times slower.
/// The import writes only values the types already guarantee (`Gender` and `AreaKind` are
/// closed enums), so the checks could never fail here.
struct ChecksOff<'a> {
    tx: &'a rusqlite::Connection,
    active: bool,
}

impl<'a> ChecksOff<'a> {
    fn new(tx: &'a rusqlite::Connection) -> Result<Self> {
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
    tx: &'a rusqlite::Connection,
    before: i64,
}

impl<'a> LargeCache<'a> {
    fn new(tx: &'a rusqlite::Connection) -> Result<Self> {
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

/// Write parsed Kolada files in the writer's transaction and count what changed (see
/// [`crate::kolada::import`]): prepared statements bound once per file, the values of a
/// KPI the database has never held inserted without looking first. The places in
/// `repeats` (the same value again within the import) are skipped. Writes no audit row:
/// the caller writes one for the whole import.
pub(crate) fn import_batch(w: &mut Writer<'_>, files: &[ParsedFile], repeats: &HashSet<ValuePlace>) -> Result<KoladaImportSummary> {
    use rusqlite::OptionalExtension as _;
    // The SQLite path below is tuned with raw rusqlite statements and pragmas; the shared
    // PostgreSQL database takes the engine-neutral path with the same counts.
    if w.tx.is_pg() {
        return import_batch_pg(w, files, repeats);
    }
    let tx = w.tx.sqlite("Kolada-import")?;
    let at = w.ctx.at.as_str();
    let mut s = KoladaImportSummary { files: files.len() as u32, ..Default::default() };
    let checks_off = ChecksOff::new(tx)?;
    let _cache = LargeCache::new(tx)?;
    let mut known_kpis: std::collections::HashMap<String, bool> = std::collections::HashMap::new();
    {
        let mut insert = tx.prepare(
            "INSERT INTO kolada_value(kpi_id, area_id, area_kind, year, gender, value, imported_at, source_file)
             VALUES (?1,?2,?3,?4,?5,?6,?7,?8) ON CONFLICT(kpi_id, year, gender, area_id) DO NOTHING",
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
        let mut kpi_select =
            tx.prepare("SELECT title, description, is_divided_by_gender, municipality_type, operating_area FROM kolada_kpi WHERE id=?1")?;
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
                                    history.execute(rusqlite::params![kpi, area, year, g, at])?;
                                    delete.execute(rusqlite::params![kpi, area, year, g])?;
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
                                history.execute(rusqlite::params![kpi, area, year, g, at])?;
                                update.execute(rusqlite::params![kpi, area, year, g, v.value, at, source])?;
                                s.changed += 1;
                            }
                        }
                    }
                }
                KoladaContent::Kpis(kpis) => {
                    for k in kpis {
                        let old: Option<(String, String, bool, String, String)> =
                            kpi_select.query_row([&k.id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))).optional()?;
                        let new = (
                            k.title.clone(),
                            k.description.clone(),
                            k.is_divided_by_gender,
                            k.municipality_type.clone(),
                            k.operating_area.clone(),
                        );
                        if old.as_ref() != Some(&new) {
                            kpi_upsert.execute(rusqlite::params![
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
                            name_upsert.execute(rusqlite::params![key, a.title])?;
                            s.area_names += 1;
                        }
                    }
                }
                KoladaContent::Empty => {}
            }
        }
    }
    checks_off.restore()?;
    Ok(s)
}

/// Values per statement of the set-based PostgreSQL import (one JSON array parameter).
const VALUES_PER_STATEMENT: usize = 5_000;

/// One chunk of a file's values against `kolada_value` in one statement whose parts all see
/// the table as it was before it. Each value is new (inserted), changed (the old row to the
/// history, then updated), the same (untouched) or deleted (to the history, then removed; a
/// deletion of a value never held counts as unchanged), as the SQLite loop decides one by one.
/// A chunk never holds the same key twice: repeats are skipped, and conflicting duplicates
/// refuse the import before anything is written.
const VALUES_SET_BASED: &str = "WITH inc AS (
       SELECT x.k, x.a, x.ak, x.y, x.g, x.v, x.d FROM jsonb_to_recordset(CAST(?1 AS jsonb))
         AS x(k TEXT, a TEXT, ak TEXT, y BIGINT, g TEXT, v DOUBLE PRECISION, d BOOLEAN)),
     cur AS (
       SELECT inc.*, o.kpi_id IS NOT NULL AS held, o.value AS old FROM inc
       LEFT JOIN kolada_value o ON o.kpi_id = inc.k AND o.area_id = inc.a AND o.year = inc.y AND o.gender = inc.g),
     hist AS (
       INSERT INTO kolada_value_history(kpi_id, area_id, year, gender, value, imported_at, source_file, replaced_at)
       SELECT o.kpi_id, o.area_id, o.year, o.gender, o.value, o.imported_at, o.source_file, ?2
       FROM cur JOIN kolada_value o ON o.kpi_id = cur.k AND o.area_id = cur.a AND o.year = cur.y AND o.gender = cur.g
       WHERE cur.d OR cur.old IS DISTINCT FROM cur.v
       RETURNING 1),
     del AS (
       DELETE FROM kolada_value o USING cur
       WHERE cur.held AND cur.d AND o.kpi_id = cur.k AND o.area_id = cur.a AND o.year = cur.y AND o.gender = cur.g
       RETURNING 1),
     upd AS (
       UPDATE kolada_value o SET value = cur.v, imported_at = ?2, source_file = ?3 FROM cur
       WHERE cur.held AND NOT cur.d AND cur.old IS DISTINCT FROM cur.v
         AND o.kpi_id = cur.k AND o.area_id = cur.a AND o.year = cur.y AND o.gender = cur.g
       RETURNING 1),
     ins AS (
       INSERT INTO kolada_value(kpi_id, area_id, area_kind, year, gender, value, imported_at, source_file)
       SELECT k, a, ak, y, g, v, ?2, ?3 FROM cur WHERE NOT held AND NOT d
       RETURNING 1)
     SELECT (SELECT COUNT(*) FROM ins), (SELECT COUNT(*) FROM upd), (SELECT COUNT(*) FROM del),
            (SELECT COUNT(*) FROM hist), (SELECT COUNT(*) FROM cur)";

/// Runs [`VALUES_SET_BASED`] on `chunk` (left empty) and adds its counts to `s`.
fn values_set_based(
    apply: &mut super::sql::Statement<'_>,
    chunk: &mut Vec<serde_json::Value>,
    at: &str,
    source: &str,
    s: &mut KoladaImportSummary,
) -> Result<()> {
    if chunk.is_empty() {
        return Ok(());
    }
    let rows = serde_json::Value::Array(std::mem::take(chunk));
    let (new, changed, removed, history, all): (u64, u64, u64, u64, u64) =
        apply.query_row(params![rows, at, source], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?;
    if history != changed + removed {
        return Err(crate::error::AppError::new(
            crate::error::ErrorCode::Internal,
            crate::msg!(
                "Kolada-importen skrev inte historiken för varje ändrat värde; inget sparades.",
                "The Kolada import did not write the history of every changed value; nothing was saved."
            ),
        ));
    }
    s.new += new;
    s.changed += changed;
    s.removed += removed;
    s.unchanged += all - new - changed - removed;
    Ok(())
}

/// [`import_batch`] on the shared PostgreSQL database: the same decisions and counts as the
/// SQLite path; the values set-based in chunks ([`VALUES_SET_BASED`]), KPIs and area names (a
/// few hundred at most) one by one.
fn import_batch_pg(w: &mut Writer<'_>, files: &[ParsedFile], repeats: &HashSet<ValuePlace>) -> Result<KoladaImportSummary> {
    let tx = w.tx;
    let at = w.ctx.at.as_str();
    let mut s = KoladaImportSummary { files: files.len() as u32, ..Default::default() };
    let mut apply = tx.prepare_cached(VALUES_SET_BASED)?;
    let mut kpi_select = tx
        .prepare_cached("SELECT title, description, is_divided_by_gender, municipality_type, operating_area FROM kolada_kpi WHERE id=?1")?;
    let mut kpi_upsert = tx.prepare_cached(
        "INSERT INTO kolada_kpi(id, title, description, is_divided_by_gender, municipality_type, operating_area)
         VALUES (?1,?2,?3,?4,?5,?6)
         ON CONFLICT(id) DO UPDATE SET title=excluded.title, description=excluded.description,
           is_divided_by_gender=excluded.is_divided_by_gender, municipality_type=excluded.municipality_type,
           operating_area=excluded.operating_area",
    )?;
    let mut name_select = tx.prepare_cached("SELECT value FROM setting WHERE key=?1")?;
    let mut name_upsert =
        tx.prepare_cached("INSERT INTO setting(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value")?;

    for (f, file) in files.iter().enumerate() {
        let source = file.name.as_str();
        match &file.content {
            KoladaContent::Values(rows) => {
                // Set-based: a round trip per value would make a national import of a
                // million values take very long over the network.
                let mut chunk: Vec<serde_json::Value> = Vec::with_capacity(VALUES_PER_STATEMENT);
                for (r, row) in rows.iter().enumerate() {
                    for (i, v) in row.values.iter().enumerate() {
                        if !repeats.is_empty() && repeats.contains(&(f, r, i)) {
                            continue;
                        }
                        chunk.push(serde_json::json!({
                            "k": row.kpi, "a": row.area_id, "ak": row.area_kind.as_str(), "y": row.year,
                            "g": v.gender.as_str(), "v": v.value, "d": v.deleted,
                        }));
                        if chunk.len() == VALUES_PER_STATEMENT {
                            values_set_based(&mut apply, &mut chunk, at, source, &mut s)?;
                        }
                    }
                }
                values_set_based(&mut apply, &mut chunk, at, source, &mut s)?;
            }
            KoladaContent::Kpis(kpis) => {
                for k in kpis {
                    let old: Option<(String, String, bool, String, String)> =
                        kpi_select.query_row(params![k.id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))).optional()?;
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
                    let old: Option<String> = name_select.query_row(params![key], |r| r.get(0)).optional()?;
                    if old.as_deref() != Some(a.title.as_str()) {
                        name_upsert.execute(params![key, a.title])?;
                        s.area_names += 1;
                    }
                }
            }
            KoladaContent::Empty => {}
        }
    }
    Ok(s)
}

// ---------------------------------------------------------------------------
// Generated data and the benchmarks' floor (the `tools` feature only).

/// Inserts generated Kolada KPIs and values (the `tools` generator): prepared statements
/// in the writer's transaction, no audit row (the generator writes one per bulk step).
#[cfg(feature = "tools")]
pub(crate) struct GeneratedKolada<'t> {
    kpi: super::sql::Statement<'t>,
    value: super::sql::Statement<'t>,
    at: &'t str,
}

#[cfg(feature = "tools")]
impl<'t> GeneratedKolada<'t> {
    pub(crate) fn new(w: &Writer<'t>) -> Result<Self> {
        let kpi = w.tx.prepare_cached(
            "INSERT INTO kolada_kpi(id, title, description, is_divided_by_gender, municipality_type, operating_area) VALUES (?1,?2,'',1,'K',?3)",
        )?;
        let value = w.tx.prepare_cached(
            "INSERT INTO kolada_value(kpi_id, area_id, area_kind, year, gender, value, imported_at, source_file)
             VALUES (?1,?2,'municipality',?3,?4,?5,?6,?7)",
        )?;
        Ok(Self { kpi, value, at: w.ctx.at.as_str() })
    }

    pub(crate) fn add_kpi(&mut self, id: &str, title: &str, operating_area: &str) -> Result<()> {
        self.kpi.execute(params![id, title, operating_area])?;
        Ok(())
    }

    /// A municipality's value.
    pub(crate) fn add_value(&mut self, kpi: &str, area: &str, year: i32, gender: Gender, value: f64, source: &str) -> Result<()> {
        self.value.execute(params![kpi, area, year, gender, value, self.at, source])?;
        Ok(())
    }
}

/// The benchmarks' floor for the Kolada import: the same rows into `kolada_value` with one
/// prepared statement (checks off, the import's cache), nothing looked up and no history.
/// Rows: (kpi, area, year, gender, value); `municipality`, source file `bench`.
#[cfg(feature = "tools")]
pub(crate) fn bare_insert<'r>(w: &mut Writer<'_>, rows: impl IntoIterator<Item = (&'r str, &'r str, i32, Gender, f64)>) -> Result<()> {
    let tx = w.tx.sqlite("Kolada-bänk")?;
    tx.pragma_update(None, "ignore_check_constraints", true)?;
    tx.pragma_update(None, "cache_size", -65_536)?;
    let mut stmt = w.tx.prepare_cached(
        "INSERT INTO kolada_value(kpi_id, area_id, area_kind, year, gender, value, imported_at, source_file)
         VALUES (?1,?2,'municipality',?3,?4,?5,?6,'bench')",
    )?;
    for (kpi, area, year, g, v) in rows {
        stmt.execute(params![kpi, area, year, g, v, w.ctx.at])?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::error::AppError;
    use crate::kolada::import_texts;
    use crate::kolada::parse;
    use crate::model::Gender;
    use crate::store::{ChangeContext, Store};

    fn ctx() -> ChangeContext {
        ChangeContext::new("test", "2026-11-26T10:00:00")
    }

    fn one(value: &str) -> String {
        format!(r#"{{"values":[{{"kpi":"N1","municipality":"2083","period":2022,"values":[{{"gender":"T","value":{value}}}]}}]}}"#)
    }

    const BAD_ROW: &str = "INSERT INTO kolada_value(kpi_id, area_id, area_kind, year, gender, value, imported_at, source_file)
                           VALUES ('N1','2083','municipality',2023,'X',1,'t','f')";

    #[test]
    fn kolada_values_and_their_history_come_through_the_upgrade_from_every_earlier_version() {
        use rusqlite_migration::{Migrations, M};
        let earlier = [
            include_str!("migrations/0001_initial.sql"),
            include_str!("migrations/0002_identity_and_indexes.sql"),
            include_str!("migrations/0003_kolada_values_clustered.sql"),
            include_str!("migrations/0004_economy_and_report_texts.sql"),
            include_str!("migrations/0005_steering_model_rest.sql"),
        ];
        for from in 1..crate::store::schema_version() {
            let dir = tempfile::tempdir().unwrap();
            let db = dir.path().join("styrkort.db");
            {
                let old = Migrations::new(earlier[..from as usize].iter().map(|sql| M::up(sql)).collect());
                let store = crate::store::Store::open_with_schema(&db, &old, from).unwrap();
                store
                    .conn()
                    .execute_batch(
                        "INSERT INTO kolada_value VALUES
                           ('N1','2083','municipality',2020,'T',1.0,'t1','a.json'),
                           ('N1','2083','municipality',2021,'T',2.0,'t1','a.json'),
                           ('N1','2083','municipality',2021,'K',2.5,'t1','a.json'),
                           ('N1','2083','municipality',2022,'T',NULL,'t1','a.json'),
                           ('N1','1480','municipality',2021,'T',5.0,'t1','a.json'),
                           ('N1','0180','municipality',2021,'T',3.0,'t1','a.json'),
                           ('N1','0000','municipality',2021,'T',4.0,'t1','a.json'),
                           ('N1','G1','group',2021,'T',3.5,'t1','a.json'),
                           ('N2','2083','municipality',2019,'T',7.0,'t1','b.json');
                         INSERT INTO kolada_value_history VALUES ('N1','2083',2021,'T',1.5,'t0','old.json','t1');",
                    )
                    .unwrap();
            }
            let store = Store::open(&db).unwrap_or_else(|e| panic!("from version {from}: {}", e.message));
            let db_read = store.read();
            assert_eq!(crate::store::database_file::schema_version_of(db_read).unwrap(), crate::store::schema_version());
            assert_eq!(super::counts(db_read).unwrap().values, 9, "from version {from}");
            assert_eq!(super::value(db_read, "N1", "2083", 2021, Gender::K).unwrap(), Some(2.5));
            assert_eq!(super::latest_year(db_read, "N1", "2083", 2030).unwrap(), Some(2021), "2022 is null");
            assert_eq!(super::latest_year(db_read, "N1", "2083", 2020).unwrap(), Some(2020));
            assert_eq!(super::latest_year(db_read, "N1", "9999", 2030).unwrap(), None);
            assert_eq!(super::latest_year(db_read, "N3", "2083", 2030).unwrap(), None);
            assert_eq!(super::series(db_read, "N1", "2083", Gender::T).unwrap(), [(2020, Some(1.0)), (2021, Some(2.0)), (2022, None)]);
            assert_eq!(super::series(db_read, "N2", "2083", Gender::T).unwrap(), [(2019, Some(7.0))]);
            let mut all = super::municipality_values(db_read, "N1", 2021).unwrap();
            all.sort_by(|a, b| a.0.cmp(&b.0));
            let ids: Vec<&str> = all.iter().map(|(a, _)| a.as_str()).collect();
            assert_eq!(ids, ["0000", "0180", "1480", "2083"], "the group is not a municipality area");
            assert_eq!(super::history(db_read, "N1", "2083", 2021, Gender::T).unwrap().len(), 1);
            let stored = super::stored(db_read, "N1", "2083", 2021, Gender::T).unwrap().unwrap();
            assert_eq!((stored.imported_at.as_str(), stored.source_file.as_str()), ("t1", "a.json"));
            drop(store);
            // The upgraded file has exactly the schema a new one has (checked on every open).
            let mut store = Store::open(&db).unwrap();
            import_texts(&mut store, &ctx(), &[("c.json", &one("2"))]).unwrap();
            assert_eq!(super::value(store.read(), "N1", "2083", 2022, Gender::T).unwrap(), Some(2.0), "an import writes to it");
        }
    }

    #[test]
    fn the_rank_reads_one_range_of_the_clustered_key() {
        let store = Store::open_in_memory().unwrap();
        let plan: Vec<String> = store
            .conn()
            .prepare(&format!("EXPLAIN QUERY PLAN {}", super::MUNICIPALITY_VALUES))
            .unwrap()
            .query_map(["N1", "2021"], |r| r.get::<_, String>(3))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(plan, ["SEARCH kolada_value USING PRIMARY KEY (kpi_id=? AND year=? AND gender=?)"]);
    }

    #[test]
    fn check_constraints_are_on_again_after_an_import_and_after_a_failed_one() {
        let mut store = Store::open_in_memory().unwrap();
        import_texts(&mut store, &ctx(), &[("a.json", &one("1"))]).unwrap();
        let err = store.conn().execute(BAD_ROW, []).unwrap_err();
        assert!(err.to_string().contains("CHECK"), "{err}");

        let parsed = vec![parse::parse("b.json", &one("2")).unwrap()];
        let failed = store.write(&ctx(), |w| {
            w.import_kolada(&parsed)?;
            Err::<(), _>(AppError::validation(crate::msg!("stop", "stop")))
        });
        assert!(failed.is_err());
        assert!(store.conn().execute(BAD_ROW, []).is_err(), "checks are back after a rolled-back import");
        assert_eq!(super::value(store.read(), "N1", "2083", 2022, Gender::T).unwrap(), Some(1.0), "rolled back");
    }
}
