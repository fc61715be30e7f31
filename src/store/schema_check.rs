//! Is a database file's schema the one Styrkort made for its version?
//!
//! A file whose schema was changed outside Styrkort (a foreign trigger, a dropped column, a
//! table rebuilt without its references) must not be opened: a trigger can delete data while
//! an import reports success, a missing column turns into raw SQL errors. Before anything is
//! written, [`differences`] compares the file's schema with the one the embedded migrations
//! make for the file's own schema version (an older file is compared with that older
//! schema, so it can still be upgraded). The expected schemas are built once per process by
//! applying the migrations to an in-memory database ([`expected`]), once per version.
//!
//! Compared, read-only: every table, index, trigger and view by name and kind; per table its
//! kind (STRICT, WITHOUT ROWID), its columns in order (name, type, NOT NULL, default, primary
//! key, hidden), its indexes (unique, origin, partial, columns) and its foreign keys; the
//! SQL of triggers and views. SQLite's own objects (`sqlite_stat1`, `sqlite_sequence`, …)
//! are not compared. A table's SQL text is not compared either: `ALTER TABLE` rewrites it,
//! and the pragmas above describe what reads and writes depend on.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError};

use rusqlite::Connection;
use rusqlite_migration::Migrations;

use crate::error::{AppError, ErrorCode, Result};
use crate::msg;

/// Which migrations define the expected schema.
#[derive(Clone, Copy)]
pub(crate) enum Expected<'a, 'm> {
    /// This build's embedded migrations (the expected schemas are cached).
    Embedded,
    /// Other migrations (tests of the upgrade path); built on every call.
    #[cfg_attr(not(test), allow(dead_code))]
    Given(&'a Migrations<'m>),
}

/// The parts of a schema that decide what reads and writes do.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Schema {
    objects: BTreeMap<String, Object>,
    tables: BTreeMap<String, Table>,
}

/// An entry of `sqlite_schema`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Object {
    kind: String,
    table: String,
    /// Whitespace-normalised SQL, kept for triggers and views only.
    sql: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Table {
    /// `pragma_table_list`: type, WITHOUT ROWID, STRICT.
    shape: (String, bool, bool),
    columns: Vec<Column>,
    indexes: BTreeMap<String, Index>,
    foreign_keys: Vec<ForeignKey>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Column {
    name: String,
    declared: String,
    not_null: bool,
    default: Option<String>,
    pk: i64,
    hidden: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Index {
    unique: bool,
    origin: String,
    partial: bool,
    columns: Vec<IndexColumn>,
}

/// A row of `pragma_index_xinfo`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct IndexColumn {
    cid: i64,
    name: Option<String>,
    desc: bool,
    coll: Option<String>,
    key: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct ForeignKey {
    id: i64,
    seq: i64,
    table: String,
    from: String,
    to: Option<String>,
    on_update: String,
    on_delete: String,
}

/// Objects of `sqlite_schema` that belong to SQLite itself, not to the schema.
const OWN_OBJECTS: &str = "lower(substr(name, 1, 7)) <> 'sqlite_'";

fn normalised(sql: &str) -> String {
    sql.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Every object of the schema by name, SQLite's own left out.
fn read_objects(conn: &Connection) -> rusqlite::Result<BTreeMap<String, Object>> {
    let mut stmt = conn.prepare(&format!("SELECT type, name, tbl_name, sql FROM sqlite_schema WHERE {OWN_OBJECTS}"))?;
    let rows = stmt.query_map([], |r| {
        let kind: String = r.get(0)?;
        let sql: Option<String> = r.get(3)?;
        let sql = if kind == "trigger" || kind == "view" { sql.as_deref().map(normalised) } else { None };
        Ok((r.get::<_, String>(1)?, Object { kind, table: r.get(2)?, sql }))
    })?;
    rows.collect()
}

/// Columns, indexes and foreign keys of every table; a few statements for all tables.
fn read_tables(conn: &Connection) -> rusqlite::Result<BTreeMap<String, Table>> {
    let mut tables: BTreeMap<String, Table> = BTreeMap::new();
    let own_tables = "m.type = 'table' AND lower(substr(m.name, 1, 7)) <> 'sqlite_'";
    let mut stmt = conn
        .prepare("SELECT name, type, wr, strict FROM pragma_table_list WHERE schema = 'main' AND lower(substr(name, 1, 7)) <> 'sqlite_'")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        tables.entry(r.get(0)?).or_default().shape = (r.get(1)?, r.get(2)?, r.get(3)?);
    }
    let mut stmt = conn.prepare(&format!(
        "SELECT m.name, p.name, p.type, p.\"notnull\", p.dflt_value, p.pk, p.hidden
         FROM sqlite_schema m, pragma_table_xinfo(m.name) p WHERE {own_tables} ORDER BY m.name, p.cid"
    ))?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let column =
            Column { name: r.get(1)?, declared: r.get(2)?, not_null: r.get(3)?, default: r.get(4)?, pk: r.get(5)?, hidden: r.get(6)? };
        tables.entry(r.get(0)?).or_default().columns.push(column);
    }
    let mut stmt = conn.prepare(&format!(
        "SELECT m.name, il.name, il.\"unique\", il.origin, il.partial
         FROM sqlite_schema m, pragma_index_list(m.name) il WHERE {own_tables}"
    ))?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let index = Index { unique: r.get(2)?, origin: r.get(3)?, partial: r.get(4)?, columns: Vec::new() };
        tables.entry(r.get(0)?).or_default().indexes.insert(r.get(1)?, index);
    }
    let mut stmt = conn.prepare(&format!(
        "SELECT m.name, il.name, ii.cid, ii.name, ii.\"desc\", ii.coll, ii.\"key\"
         FROM sqlite_schema m, pragma_index_list(m.name) il, pragma_index_xinfo(il.name) ii WHERE {own_tables}
         ORDER BY m.name, il.name, ii.seqno"
    ))?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let table: String = r.get(0)?;
        let index: String = r.get(1)?;
        let column = IndexColumn { cid: r.get(2)?, name: r.get(3)?, desc: r.get(4)?, coll: r.get(5)?, key: r.get(6)? };
        tables.entry(table).or_default().indexes.entry(index).or_default().columns.push(column);
    }
    let mut stmt = conn.prepare(&format!(
        "SELECT m.name, fk.id, fk.seq, fk.\"table\", fk.\"from\", fk.\"to\", fk.on_update, fk.on_delete
         FROM sqlite_schema m, pragma_foreign_key_list(m.name) fk WHERE {own_tables} ORDER BY m.name, fk.id, fk.seq"
    ))?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let fk = ForeignKey {
            id: r.get(1)?,
            seq: r.get(2)?,
            table: r.get(3)?,
            from: r.get(4)?,
            to: r.get(5)?,
            on_update: r.get(6)?,
            on_delete: r.get(7)?,
        };
        tables.entry(r.get(0)?).or_default().foreign_keys.push(fk);
    }
    Ok(tables)
}

/// The whole schema of a database.
fn read(conn: &Connection) -> rusqlite::Result<Schema> {
    Ok(Schema { objects: read_objects(conn)?, tables: read_tables(conn)? })
}

/// The schema `migrations` make at `version`, built in an in-memory database.
fn build(migrations: &Migrations<'_>, version: i64) -> Result<Schema> {
    let failed = |e: String| {
        AppError::new(
            ErrorCode::Internal,
            msg!(
                "Styrkorts eget databasschema kunde inte byggas för jämförelse ({e}).",
                "Styrkort's own database schema could not be built for comparison ({e})."
            ),
        )
    };
    let mut conn = Connection::open_in_memory().map_err(|e| failed(e.to_string()))?;
    let step = usize::try_from(version).map_err(|e| failed(e.to_string()))?;
    if step > 0 {
        migrations.to_version(&mut conn, step).map_err(|e| failed(e.to_string()))?;
    }
    read(&conn).map_err(|e| failed(e.to_string()))
}

/// The schema Styrkort makes at `version` with the migrations `from`. The embedded ones are
/// built once per process and version (a few milliseconds), on first use.
pub(crate) fn expected(version: i64, from: Expected<'_, '_>) -> Result<Arc<Schema>> {
    match from {
        Expected::Embedded => {
            if !(0..=super::schema_version()).contains(&version) {
                return Err(AppError::new(
                    ErrorCode::Internal,
                    msg!("Styrkort känner inte till schemaversion {version}.", "Styrkort does not know schema version {version}."),
                ));
            }
            static EMBEDDED: Mutex<BTreeMap<i64, Arc<Schema>>> = Mutex::new(BTreeMap::new());
            let mut built = EMBEDDED.lock().unwrap_or_else(PoisonError::into_inner);
            if let Some(schema) = built.get(&version) {
                return Ok(Arc::clone(schema));
            }
            let schema = Arc::new(build(&super::migrations(), version)?);
            built.insert(version, Arc::clone(&schema));
            Ok(schema)
        }
        Expected::Given(migrations) => build(migrations, version).map(Arc::new),
    }
}

fn kind_sv(kind: &str) -> (&'static str, &'static str) {
    // (with an indefinite article, definite form)
    match kind {
        "table" => ("en tabell", "tabellen"),
        "index" => ("ett index", "indexet"),
        "trigger" => ("en utlöst regel (trigger)", "den utlösta regeln (trigger)"),
        "view" => ("en vy", "vyn"),
        _ => ("ett databasobjekt", "databasobjektet"),
    }
}

/// What differs between the schema of the database on `conn` and `expected`, in Swedish,
/// one problem a line; empty when the schema is as expected. Reads only.
pub(crate) fn differences(conn: &Connection, expected: &Schema) -> rusqlite::Result<Vec<String>> {
    let mut problems = Vec::new();
    let objects = read_objects(conn)?;
    for (name, object) in &objects {
        match expected.objects.get(name) {
            None => problems.push(format!("databasen innehåller {} '{name}' som Styrkort inte har skapat", kind_sv(&object.kind).0)),
            Some(e) if e.kind != object.kind => {
                problems.push(format!("'{name}' är {} men ska vara {}", kind_sv(&object.kind).0, kind_sv(&e.kind).0))
            }
            Some(e) if e != object => problems.push(format!("{} '{name}' är ändrad", kind_sv(&e.kind).1)),
            Some(_) => {}
        }
    }
    for (name, e) in &expected.objects {
        if !objects.contains_key(name) {
            problems.push(format!("{} {name} saknas", kind_sv(&e.kind).1));
        }
    }
    if !problems.is_empty() {
        // The tables themselves are not what was expected: their details would say no more.
        return Ok(problems);
    }
    let tables = read_tables(conn)?;
    for (name, e) in &expected.tables {
        let Some(t) = tables.get(name) else { continue };
        let before = problems.len();
        if t.shape != e.shape {
            problems.push(format!("tabellen {name} är ombyggd (STRICT eller WITHOUT ROWID skiljer sig)"));
        }
        for c in &e.columns {
            match t.columns.iter().find(|x| x.name == c.name) {
                None => problems.push(format!("tabellen {name} saknar kolumnen {}", c.name)),
                Some(x) if x != c => {
                    problems.push(format!("kolumnen {}.{} är ändrad (typ, NOT NULL, standardvärde eller primärnyckel)", name, c.name))
                }
                Some(_) => {}
            }
        }
        for c in &t.columns {
            if !e.columns.iter().any(|x| x.name == c.name) {
                problems.push(format!("tabellen {name} har kolumnen {} som Styrkort inte har skapat", c.name));
            }
        }
        let names = |cs: &[Column]| cs.iter().map(|c| c.name.clone()).collect::<Vec<_>>();
        if problems.len() == before && names(&t.columns) != names(&e.columns) {
            problems.push(format!("kolumnerna i tabellen {name} står i en annan ordning"));
        }
        for (index, ei) in &e.indexes {
            match t.indexes.get(index) {
                None if ei.origin != "c" => {
                    problems.push(format!("tabellen {name} saknar en regel om unika värden (UNIQUE eller PRIMARY KEY)"))
                }
                None => problems.push(format!("indexet {index} saknas")),
                Some(ti) if ti != ei => problems.push(format!("indexet {index} på tabellen {name} är ändrat")),
                Some(_) => {}
            }
        }
        for index in t.indexes.keys() {
            if !e.indexes.contains_key(index) {
                problems
                    .push(format!("tabellen {name} har ett index eller en regel om unika värden ({index}) som Styrkort inte har skapat"));
            }
        }
        if t.foreign_keys != e.foreign_keys {
            problems.push(format!("tabellen {name} har ändrade referenser till andra tabeller (FOREIGN KEY)"));
        }
    }
    problems.dedup();
    Ok(problems)
}

/// The refusal of a file whose schema differs: what is wrong and what to do.
pub(crate) fn refusal(shown: &str, version: i64, problems: &[String]) -> AppError {
    let mut listed = problems.iter().take(4).cloned().collect::<Vec<_>>().join("; ");
    if problems.len() > 4 {
        listed.push_str(&format!(" (och {} fel till)", problems.len() - 4));
    }
    AppError::new(
        ErrorCode::BadDatabase,
        msg!(
            "Databasen {shown} är ändrad utanför Styrkort och stämmer inte med Styrkorts schemaversion {version}: {listed}. Styrkort öppnar den inte: en sådan ändring kan radera eller förvanska uppgifter när Styrkort skriver i filen. Filen har inte ändrats; återställ en säkerhetskopia.", "The database {shown} has been changed outside Styrkort and does not match Styrkort's schema version {version}: {listed}. Styrkort does not open it: such a change can delete or corrupt data when Styrkort writes to the file. The file has not been changed; restore a backup."
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schema_each_migration_makes_is_what_a_fresh_database_has() {
        let store = super::super::Store::open_in_memory().unwrap();
        let now = expected(super::super::schema_version(), Expected::Embedded).unwrap();
        assert_eq!(differences(store.conn(), &now).unwrap(), Vec::<String>::new());
        assert!(!now.tables.is_empty() && now.tables.values().all(|t| !t.columns.is_empty()));
        // Version 4 added the economy, SIE mapping and report text tables (and their indexes).
        let v3 = expected(3, Expected::Embedded).unwrap();
        let added = differences(store.conn(), &v3).unwrap();
        for table in ["economy_operating", "investment_project", "statement_amount", "sie_object_map", "report_text"] {
            assert!(
                added.contains(&format!("databasen innehåller en tabell '{table}' som Styrkort inte har skapat")),
                "{table} in {added:?}"
            );
        }
        assert!(
            added.iter().all(|d| d.starts_with("databasen innehåller en tabell '") || d.starts_with("databasen innehåller ett index '")),
            "{added:?}"
        );
        // Version 2 had the Kolada values in a rowid table with an index of its own; version
        // 3 clusters them (and version 1 lacked that index too): a file of version 3 against
        // the earlier schemas.
        let dir = tempfile::tempdir().unwrap();
        let v3_migrations = rusqlite_migration::Migrations::new(vec![
            rusqlite_migration::M::up(include_str!("migrations/0001_initial.sql")),
            rusqlite_migration::M::up(include_str!("migrations/0002_identity_and_indexes.sql")),
            rusqlite_migration::M::up(include_str!("migrations/0003_kolada_values_clustered.sql")),
        ]);
        let v3_file = super::super::Store::open_with_schema(&dir.path().join("v3.db"), &v3_migrations, 3).unwrap();
        let v2 = expected(2, Expected::Embedded).unwrap();
        assert_eq!(differences(v3_file.conn(), &v2).unwrap(), ["indexet kolada_value_kpi_year saknas"]);
        let v1 = expected(1, Expected::Embedded).unwrap();
        let found = differences(v3_file.conn(), &v1).unwrap();
        assert_eq!(found[0], "tabellen kolada_value är ombyggd (STRICT eller WITHOUT ROWID skiljer sig)");
        assert!(found.iter().any(|p| p.starts_with("kolumnen kolada_value.year är ändrad")), "the key's order: {found:?}");
        assert!(expected(super::super::schema_version() + 1, Expected::Embedded).is_err());
    }

    #[test]
    fn each_kind_of_change_is_named() {
        let now = expected(super::super::schema_version(), Expected::Embedded).unwrap();
        let cases: &[(&str, &str)] = &[
            ("CREATE TRIGGER x AFTER INSERT ON audit_log BEGIN DELETE FROM indicator_value; END;", "en utlöst regel (trigger) 'x' som Styrkort inte har skapat"),
            ("ALTER TABLE indicator_value DROP COLUMN changed_by;", "tabellen indicator_value saknar kolumnen changed_by"),
            ("ALTER TABLE setting ADD COLUMN x TEXT;", "tabellen setting har kolumnen x som Styrkort inte har skapat"),
            ("DROP INDEX goal_owner;", "indexet goal_owner saknas"),
            ("CREATE VIEW v AS SELECT 1;", "en vy 'v'"),
            ("CREATE TABLE extra (a);", "en tabell 'extra'"),
            ("DROP INDEX goal_owner; CREATE INDEX goal_owner ON goal(plan_year);", "indexet goal_owner på tabellen goal är ändrat"),
            (
                "PRAGMA foreign_keys=OFF; CREATE TABLE s2 (key TEXT PRIMARY KEY, value TEXT NOT NULL); INSERT INTO s2 SELECT * FROM setting; DROP TABLE setting; ALTER TABLE s2 RENAME TO setting;",
                "tabellen setting är ombyggd",
            ),
        ];
        for (sql, says) in cases {
            let store = super::super::Store::open_in_memory().unwrap();
            store.conn().execute_batch(sql).unwrap();
            let found = differences(store.conn(), &now).unwrap();
            assert!(found.iter().any(|p| p.contains(says)), "{sql}: {found:?}");
        }
        // SQLite's own statistics are not part of the schema.
        let store = super::super::Store::open_in_memory().unwrap();
        store.conn().execute_batch("ANALYZE;").unwrap();
        assert_eq!(differences(store.conn(), &now).unwrap(), Vec::<String>::new());
    }

    #[test]
    fn the_start_of_a_large_file_checks_the_schema_before_anything_else() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("stor.db");
        drop(super::super::Store::open(&db).unwrap());
        Connection::open(&db).unwrap().execute_batch("CREATE TRIGGER t AFTER INSERT ON setting BEGIN DELETE FROM setting; END;").unwrap();
        let bytes = std::fs::read(&db).unwrap();
        // Every file counts as large here: the page-by-page check would be left for later.
        let err = super::super::Store::open_deferring(&db, 0).err().unwrap();
        assert_eq!(err.code, ErrorCode::BadDatabase, "{}", err.message);
        assert!(err.message.contains("utlöst regel (trigger) 't'"), "{}", err.message);
        assert_eq!(std::fs::read(&db).unwrap(), bytes);
    }
}
