//! Whole-database copy between the two engines (issue 14, item 5): a municipality moved from
//! its SQLite file into a shared PostgreSQL database, and a laptop copy made from the shared
//! database for offline work. Like [`super::database_file`] is for backups, this is an
//! operation on a whole database, not a repository: it reads and writes every table by the
//! columns both engines share, and knows no table by name except `setting`'s identity row.
//!
//! Invariants:
//! - The target is all or nothing. Into PostgreSQL: one transaction, refused before anything is
//!   written when any Styrkort table already holds a row, verified table by table (row count
//!   and the sum of one integer column) before commit. Into SQLite: built under a temporary
//!   name beside the target, verified (counts, `foreign_key_check`), flushed and linked into
//!   place only when whole; an existing file is never replaced.
//! - The source is read in one snapshot (a SQLite read transaction, a PostgreSQL
//!   `REPEATABLE READ READ ONLY` transaction) and never written, except that a SQLite file
//!   made by an older Styrkort is upgraded by [`Store::open`] after its usual backup.
//! - The copy keeps the database's identity (`setting.database_id`), so exchange files made
//!   from a laptop copy come back into the shared database as into the file they came from.
//! - Tables are copied in foreign-key order (parents first, from SQLite's
//!   `pragma_foreign_key_list`), with the constraints deferred, so self references and any
//!   order of rows are fine.
//! - Only tables and columns both sides have are copied. PostgreSQL-only tables (roles and
//!   users of the shared database) and columns (`audit_log.db_user`) have no place in a laptop
//!   file and are listed in the summary as not copied. A SQLite table or column missing in
//!   PostgreSQL would lose data: refused.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use postgres::types::Type;
use rusqlite::types::{Value, ValueRef};
use rusqlite::{Connection, OpenFlags};

use super::{Store, BUSY_TIMEOUT};
use crate::error::{AppError, ErrorCode, Result};
use crate::msg;

/// One side of a copy: a SQLite file or a PostgreSQL connection string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Endpoint {
    File(PathBuf),
    Postgres(String),
}

impl Endpoint {
    /// `postgres://…` or `postgresql://…` is a PostgreSQL database; anything else a file path.
    pub fn parse(text: &str) -> Endpoint {
        let lower = text.trim_start().to_ascii_lowercase();
        if lower.starts_with("postgres://") || lower.starts_with("postgresql://") {
            Endpoint::Postgres(text.trim().to_string())
        } else {
            Endpoint::File(PathBuf::from(text))
        }
    }

    /// How the endpoint is shown in messages: a file's path, a database URL without its password.
    pub fn shown(&self) -> String {
        match self {
            Endpoint::File(p) => p.display().to_string(),
            Endpoint::Postgres(url) => without_password(url),
        }
    }
}

/// `postgres://user:secret@host/db` shown as `postgres://user@host/db`.
fn without_password(url: &str) -> String {
    let Some(scheme_end) = url.find("://").map(|i| i + 3) else { return url.to_string() };
    let rest = &url[scheme_end..];
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    match (authority.rfind('@'), authority.find(':')) {
        (Some(at), Some(colon)) if colon < at => format!("{}{}{}", &url[..scheme_end], &authority[..colon], &rest[at..]),
        _ => url.to_string(),
    }
}

/// What a copy moved, table by table, in the order copied.
#[derive(Debug, Clone, PartialEq)]
pub struct CopySummary {
    pub tables: Vec<(String, u64)>,
    /// Tables only the source has that were not copied (PostgreSQL's users and roles).
    pub skipped_tables: Vec<String>,
    /// Columns only the source has that were not copied, as `table.column`.
    pub skipped_columns: Vec<String>,
    /// The database's identity, the same on both sides after the copy.
    pub database_id: Option<String>,
    pub seconds: f64,
}

impl CopySummary {
    pub fn rows(&self) -> u64 {
        self.tables.iter().map(|(_, n)| n).sum()
    }
}

/// Copy the whole database `from` into `to` (one side SQLite, the other PostgreSQL).
/// `protect` is the database the program works on otherwise (`--db`): a new SQLite file may
/// not be one of its files or land in its backups folder. `at` is the time of the copy (the
/// PostgreSQL schema's migration record). `progress` hears of each table as it is done.
pub fn copy(from: &Endpoint, to: &Endpoint, protect: Option<&Path>, at: &str, progress: &mut dyn FnMut(&str, u64)) -> Result<CopySummary> {
    match (from, to) {
        (Endpoint::File(src), Endpoint::Postgres(url)) => sqlite_to_postgres(src, url, at, progress),
        (Endpoint::Postgres(url), Endpoint::File(dest)) => postgres_to_sqlite(url, dest, protect, progress),
        (Endpoint::File(a), Endpoint::File(b)) => Err(AppError::validation(msg!(
            "Både --from och --to är filer. En kopia av en databasfil görs med säkerhetskopian: styrkort --db {} backup --out {}.",
            "Both --from and --to are files. A copy of a database file is made with a backup: styrkort --db {} backup --out {}.",
            a.display(),
            b.display()
        ))),
        (Endpoint::Postgres(_), Endpoint::Postgres(_)) => Err(AppError::validation(msg!(
            "Både --from och --to är PostgreSQL-databaser. Kopiera mellan servrar med pg_dump och pg_restore, eller via en fil: först --to fil.db, sedan --from fil.db (se också 'backup').",
            "Both --from and --to are PostgreSQL databases. Copy between servers with pg_dump and pg_restore, or through a file: first --to file.db, then --from file.db (see also 'backup')."
        ))),
    }
}

/// A table both sides have, and the columns copied (the SQLite table's, in its order).
#[derive(Debug, Clone)]
struct Table {
    name: String,
    columns: Vec<String>,
    /// The column whose sum is compared after the copy: `id`, else the first integer column.
    checksum: Option<String>,
}

/// PostgreSQL's tables and columns in the schema the connection works in.
struct PgSchema {
    /// table → (column, data_type, is_identity or serial)
    columns: BTreeMap<String, Vec<PgColumn>>,
}

#[derive(Debug, Clone)]
struct PgColumn {
    name: String,
    data_type: String,
    identity: bool,
    serial: bool,
}

impl PgSchema {
    fn read(client: &mut impl postgres::GenericClient) -> Result<Self> {
        let rows = client.query(
            "SELECT c.table_name::text, c.column_name::text, c.data_type::text, c.is_identity::text = 'YES',
                    COALESCE(c.column_default, '') LIKE 'nextval(%'
               FROM information_schema.columns c
               JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
              WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
              ORDER BY c.table_name, c.ordinal_position",
            &[],
        )?;
        let mut columns: BTreeMap<String, Vec<PgColumn>> = BTreeMap::new();
        for r in rows {
            columns.entry(r.get(0)).or_default().push(PgColumn {
                name: r.get(1),
                data_type: r.get(2),
                identity: r.get(3),
                serial: r.get(4),
            });
        }
        Ok(PgSchema { columns })
    }
}

/// SQLite's tables in foreign-key order (parents first), each with its columns and types.
/// A SQLite table's name and its columns as (name, declared type).
type SqliteTable = (String, Vec<(String, String)>);

fn sqlite_tables(conn: &Connection) -> Result<Vec<SqliteTable>> {
    let names: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut parents: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut columns = BTreeMap::new();
    for t in &names {
        let refs: BTreeSet<String> = conn
            .prepare("SELECT DISTINCT \"table\" FROM pragma_foreign_key_list(?1)")?
            .query_map([t], |r| r.get::<_, String>(0))?
            .collect::<rusqlite::Result<BTreeSet<_>>>()?
            .into_iter()
            .filter(|p| p != t && names.contains(p))
            .collect();
        parents.insert(t.clone(), refs);
        let cols: Vec<(String, String)> = conn
            .prepare("SELECT name, upper(type) FROM pragma_table_info(?1) ORDER BY cid")?
            .query_map([t], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        columns.insert(t.clone(), cols);
    }
    // Kahn's order, alphabetical among equals; a cycle (none in Styrkort's schema) is copied
    // in name order, which deferred constraints allow.
    let mut order = Vec::new();
    let mut done = BTreeSet::new();
    while order.len() < names.len() {
        let ready: Vec<String> =
            names.iter().filter(|t| !done.contains(*t) && parents[*t].iter().all(|p| done.contains(p))).cloned().collect();
        let next = if ready.is_empty() { names.iter().filter(|t| !done.contains(*t)).cloned().collect() } else { ready };
        for t in next {
            done.insert(t.clone());
            order.push(t);
        }
    }
    Ok(order.into_iter().map(|t| (t.clone(), columns.remove(&t).unwrap_or_default())).collect())
}

/// The tables to copy: every SQLite table, by its columns, which PostgreSQL must all have.
/// Returns them with what PostgreSQL has beyond them (tables, `table.column`).
fn plan(sqlite: &Connection, pg: &PgSchema) -> Result<(Vec<Table>, Vec<String>, Vec<String>)> {
    let mut tables = Vec::new();
    let mut missing = Vec::new();
    let mut extra_columns = Vec::new();
    let ours = sqlite_tables(sqlite)?;
    for (name, cols) in &ours {
        let Some(pg_cols) = pg.columns.get(name) else {
            missing.push(name.clone());
            continue;
        };
        for (c, _) in cols {
            if !pg_cols.iter().any(|p| &p.name == c) {
                missing.push(format!("{name}.{c}"));
            }
        }
        for p in pg_cols {
            if !cols.iter().any(|(c, _)| c == &p.name) {
                extra_columns.push(format!("{name}.{}", p.name));
            }
        }
        let integer = |c: &str| {
            pg_cols.iter().any(|p| p.name == c && matches!(p.data_type.as_str(), "smallint" | "integer" | "bigint"))
                && cols.iter().any(|(n, t)| n == c && t == "INTEGER")
        };
        let checksum = if integer("id") { Some("id".to_string()) } else { cols.iter().map(|(c, _)| c).find(|c| integer(c)).cloned() };
        tables.push(Table { name: name.clone(), columns: cols.iter().map(|(c, _)| c.clone()).collect(), checksum });
    }
    if !missing.is_empty() {
        return Err(AppError::new(
            ErrorCode::NewerDatabase,
            msg!(
                "PostgreSQL-databasen saknar {} som Styrkort-filen har, så kopian skulle tappa uppgifter. Uppdatera Styrkort (eller databasens schema) och försök igen; inget har kopierats.",
                "The PostgreSQL database lacks {} that the Styrkort file has, so the copy would lose data. Update Styrkort (or the database's schema) and try again; nothing has been copied.",
                missing.join(", ")
            ),
        ));
    }
    let extra_tables = pg.columns.keys().filter(|t| t.as_str() != PG_BOOKKEEPING && !ours.iter().any(|(n, _)| n == *t)).cloned().collect();
    Ok((tables, extra_tables, extra_columns))
}

fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn column_list(columns: &[String]) -> String {
    columns.iter().map(|c| quoted(c)).collect::<Vec<_>>().join(", ")
}

/// A value in PostgreSQL's COPY text format: `\N` for NULL, text with backslash, tab, line
/// feed and carriage return escaped, reals with every digit needed to read back the same
/// double, blobs as bytea hex.
fn copy_field(out: &mut Vec<u8>, value: ValueRef<'_>) {
    match value {
        ValueRef::Null => out.extend_from_slice(b"\\N"),
        ValueRef::Integer(i) => {
            let _ = write!(out, "{i}");
        }
        ValueRef::Real(f) => {
            if f.is_nan() {
                out.extend_from_slice(b"NaN");
            } else if f.is_infinite() {
                out.extend_from_slice(if f > 0.0 { b"Infinity" } else { b"-Infinity" });
            } else {
                // Rust writes the shortest decimal that reads back as the same double.
                let _ = write!(out, "{f}");
            }
        }
        ValueRef::Text(bytes) => {
            for &b in bytes {
                match b {
                    b'\\' => out.extend_from_slice(b"\\\\"),
                    b'\t' => out.extend_from_slice(b"\\t"),
                    b'\n' => out.extend_from_slice(b"\\n"),
                    b'\r' => out.extend_from_slice(b"\\r"),
                    _ => out.push(b),
                }
            }
        }
        ValueRef::Blob(bytes) => {
            // bytea's hex input `\x…`, its backslash escaped for COPY.
            out.extend_from_slice(b"\\\\x");
            for b in bytes {
                let _ = write!(out, "{b:02x}");
            }
        }
    }
}

fn not_empty(table: &str, target: &str) -> AppError {
    AppError::conflict(msg!(
        "PostgreSQL-databasen {target} innehåller redan uppgifter (tabellen {table} har rader). En kommun kopieras bara till en tom databas: skapa en ny, tom databas (CREATE DATABASE) och ange den med --to. Inget har ändrats.",
        "The PostgreSQL database {target} already holds data (the table {table} has rows). A municipality is only copied into an empty database: create a new, empty database (CREATE DATABASE) and give it with --to. Nothing has been changed."
    ))
}

fn mismatch(table: &str, what: &str, source: &str, target: &str) -> AppError {
    AppError::new(
        ErrorCode::Internal,
        msg!(
            "Kopian stämmer inte för tabellen {table} ({what}: {source} i källan, {target} i kopian). Inget har sparats; försök igen, och kontakta support om felet kvarstår.",
            "The copy does not match for the table {table} ({what}: {source} in the source, {target} in the copy). Nothing has been saved; try again, and contact support if the error persists."
        ),
    )
}

/// PostgreSQL's record of its own migrations: not data, and each side keeps its own.
const PG_BOOKKEEPING: &str = "styrkort_schema";

/// Rows of a setting table that a fresh schema makes itself (the identity a migration gives a
/// new database): not data, replaced by the source's.
const SEEDED_SETTING: &str = "database_id";

/// Copy the SQLite database at `src` into the empty PostgreSQL database at `url`.
pub fn sqlite_to_postgres(src: &Path, url: &str, at: &str, progress: &mut dyn FnMut(&str, u64)) -> Result<CopySummary> {
    let started = Instant::now();
    match std::fs::symlink_metadata(src) {
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(AppError::not_found(msg!(
                "Databasen {} finns inte. Ange Styrkort-filen som ska kopieras med --from.",
                "The database {} does not exist. Give the Styrkort file to copy with --from.",
                src.display()
            )))
        }
        Err(e) => return Err(AppError::io(msg!("{} kunde inte läsas ({e}).", "{} could not be read ({e}).", src.display()))),
    }
    let store = Store::open(src)?;
    let mut client = super::pg::connect(url)?;
    super::pg::migrate(&mut client, at)?;
    let shown = without_password(url);
    copy_into_postgres(&store, &mut client, &shown, progress).map(|mut s| {
        s.seconds = started.elapsed().as_secs_f64();
        s
    })
}

/// The transaction of [`sqlite_to_postgres`], on a connection whose schema is up to date.
pub(crate) fn copy_into_postgres(
    store: &Store,
    client: &mut postgres::Client,
    shown: &str,
    progress: &mut dyn FnMut(&str, u64),
) -> Result<CopySummary> {
    // One snapshot of the source, whatever another program writes meanwhile.
    let snapshot = store.file()?.unchecked_transaction()?;
    let mut tx = client.transaction()?;
    let schema = PgSchema::read(&mut tx)?;
    // PostgreSQL-only tables and columns have nothing in the file to come from: nothing skipped.
    let (tables, _, _) = plan(&snapshot, &schema)?;
    let mut summary =
        CopySummary { tables: Vec::new(), skipped_tables: Vec::new(), skipped_columns: Vec::new(), database_id: None, seconds: 0.0 };
    tx.batch_execute("SET CONSTRAINTS ALL DEFERRED")?;
    // Nobody else writes these tables until the copy is committed or rolled back.
    let all = tables.iter().map(|t| quoted(&t.name)).collect::<Vec<_>>().join(", ");
    tx.batch_execute(&format!("LOCK TABLE {all} IN EXCLUSIVE MODE"))?;
    for t in &tables {
        let seeded = if t.name == "setting" { format!(" WHERE key <> '{SEEDED_SETTING}'") } else { String::new() };
        let any: bool = tx.query_one(&format!("SELECT EXISTS (SELECT 1 FROM {}{seeded})", quoted(&t.name)), &[])?.get(0);
        if any {
            return Err(not_empty(&t.name, shown));
        }
    }
    if tables.iter().any(|t| t.name == "setting") {
        tx.execute(&format!("DELETE FROM setting WHERE key = '{SEEDED_SETTING}'"), &[])?;
    }
    // The rows come in as they are: the period lock (a locked period's values), the refusal of
    // an editor's deletes and the change notifications are for people's edits, not for a copy
    // of a whole municipality. Switched off inside this transaction only, and back on before it
    // commits; foreign keys (internal triggers) stay checked.
    for t in &tables {
        tx.batch_execute(&format!("ALTER TABLE {} DISABLE TRIGGER USER", quoted(&t.name)))?;
    }
    for t in &tables {
        let cols = column_list(&t.columns);
        let mut select = snapshot.prepare(&format!("SELECT {cols} FROM {}", quoted(&t.name)))?;
        let mut rows = select.query([])?;
        let mut writer = tx.copy_in(&format!("COPY {} ({cols}) FROM STDIN", quoted(&t.name)))?;
        let mut buf = Vec::with_capacity(1 << 20);
        let mut sent: u64 = 0;
        let width = t.columns.len();
        while let Some(row) = rows.next()? {
            for i in 0..width {
                if i > 0 {
                    buf.push(b'\t');
                }
                copy_field(&mut buf, row.get_ref(i)?);
            }
            buf.push(b'\n');
            sent += 1;
            if buf.len() >= 1 << 20 {
                if let Err(e) = writer.write_all(&buf) {
                    return Err(server_refusal(writer, e));
                }
                buf.clear();
            }
        }
        if let Err(e) = writer.write_all(&buf) {
            return Err(server_refusal(writer, e));
        }
        let copied = writer.finish()?;
        if copied != sent {
            return Err(mismatch(&t.name, "rader", &sent.to_string(), &copied.to_string()));
        }
        progress(&t.name, copied);
        summary.tables.push((t.name.clone(), copied));
    }
    // Every foreign key is checked now (a broken one rolls everything back), which also lets
    // the identities be moved on: PostgreSQL alters no table with checks still pending.
    tx.batch_execute("SET CONSTRAINTS ALL IMMEDIATE")?;
    for t in &tables {
        tx.batch_execute(&format!("ALTER TABLE {} ENABLE TRIGGER USER", quoted(&t.name)))?;
    }
    // Identities continue after the highest id copied, so the next insert does not collide.
    for t in &tables {
        for c in schema.columns.get(&t.name).into_iter().flatten().filter(|c| c.identity || c.serial) {
            let next: i64 =
                tx.query_one(&format!("SELECT COALESCE(MAX({})::bigint, 0) + 1 FROM {}", quoted(&c.name), quoted(&t.name)), &[])?.get(0);
            if c.identity {
                tx.batch_execute(&format!("ALTER TABLE {} ALTER COLUMN {} RESTART WITH {next}", quoted(&t.name), quoted(&c.name)))?;
            } else {
                tx.execute("SELECT setval(pg_get_serial_sequence($1, $2), $3, false)", &[&quoted(&t.name), &c.name, &next])?;
            }
        }
    }
    verify_postgres(&snapshot, &mut tx, &tables)?;
    summary.database_id = pg_identity(&mut tx)?;
    tx.commit()?;
    drop(snapshot);
    Ok(summary)
}

/// A write into COPY failed: the server's own refusal (a row breaking a rule) when it sent
/// one, else the broken connection.
fn server_refusal(writer: postgres::CopyInWriter<'_>, e: std::io::Error) -> AppError {
    match writer.finish() {
        Err(db) if db.as_db_error().is_some() => AppError::from(db),
        _ => copy_failed(e),
    }
}

fn copy_failed(e: std::io::Error) -> AppError {
    AppError::new(
        ErrorCode::Disconnected,
        msg!(
            "Kopieringen till PostgreSQL avbröts ({e}). Inget har sparats i databasen; försök igen.",
            "The copy into PostgreSQL was broken off ({e}). Nothing has been saved in the database; try again."
        ),
    )
}

/// Per table: the same number of rows on both sides, and the same sum of the checksum column.
fn verify_postgres(sqlite: &Connection, pg: &mut postgres::Transaction<'_>, tables: &[Table]) -> Result<()> {
    for t in tables {
        let sum = t.checksum.as_deref().map(quoted).map(|c| format!("COALESCE(SUM({c}), 0)")).unwrap_or_else(|| "0".into());
        let (n, s): (i64, i64) =
            sqlite.query_row(&format!("SELECT COUNT(*), {sum} FROM {}", quoted(&t.name)), [], |r| Ok((r.get(0)?, r.get(1)?)))?;
        let row = pg.query_one(&format!("SELECT COUNT(*), ({sum})::text FROM {}", quoted(&t.name)), &[])?;
        let (pn, ps): (i64, String) = (row.get(0), row.get(1));
        if pn != n {
            return Err(mismatch(&t.name, "rader", &n.to_string(), &pn.to_string()));
        }
        if ps != s.to_string() {
            return Err(mismatch(&t.name, &format!("summan av {}", t.checksum.as_deref().unwrap_or("")), &s.to_string(), &ps));
        }
    }
    Ok(())
}

fn pg_identity(pg: &mut impl postgres::GenericClient) -> Result<Option<String>> {
    Ok(pg.query_opt("SELECT value FROM setting WHERE key = 'database_id'", &[])?.map(|r| r.get(0)))
}

/// How a PostgreSQL column is read for SQLite: as it is, or cast to text (dates, numerics
/// and anything else SQLite keeps as text or converts from it).
fn select_expression(c: &PgColumn) -> String {
    match c.data_type.as_str() {
        "smallint" | "integer" | "bigint" | "real" | "double precision" | "boolean" | "text" | "character varying" | "character"
        | "bytea" => quoted(&c.name),
        _ => format!("{}::text", quoted(&c.name)),
    }
}

/// A PostgreSQL value as SQLite's.
fn sqlite_value(row: &postgres::Row, i: usize) -> Result<Value> {
    let ty = row.columns()[i].type_();
    let v = if *ty == Type::INT8 {
        row.try_get::<_, Option<i64>>(i)?.map(Value::Integer)
    } else if *ty == Type::INT4 {
        row.try_get::<_, Option<i32>>(i)?.map(|v| Value::Integer(v.into()))
    } else if *ty == Type::INT2 {
        row.try_get::<_, Option<i16>>(i)?.map(|v| Value::Integer(v.into()))
    } else if *ty == Type::FLOAT8 {
        row.try_get::<_, Option<f64>>(i)?.map(Value::Real)
    } else if *ty == Type::FLOAT4 {
        row.try_get::<_, Option<f32>>(i)?.map(|v| Value::Real(v.into()))
    } else if *ty == Type::BOOL {
        row.try_get::<_, Option<bool>>(i)?.map(|v| Value::Integer(v.into()))
    } else if *ty == Type::BYTEA {
        row.try_get::<_, Option<Vec<u8>>>(i)?.map(Value::Blob)
    } else {
        row.try_get::<_, Option<String>>(i)?.map(Value::Text)
    };
    Ok(v.unwrap_or(Value::Null))
}

/// Make a new SQLite database at `dest` from the PostgreSQL database at `url`.
pub fn postgres_to_sqlite(url: &str, dest: &Path, protect: Option<&Path>, progress: &mut dyn FnMut(&str, u64)) -> Result<CopySummary> {
    let started = Instant::now();
    if std::fs::symlink_metadata(dest).is_ok() {
        return Err(AppError::conflict(msg!(
            "{} finns redan. En kopia skrivs aldrig över en befintlig fil; ange ett nytt filnamn med --to (eller ta bort filen först om den ska ersättas).",
            "{} already exists. A copy never overwrites an existing file; give a new file name with --to (or delete the file first if it is to be replaced).",
            dest.display()
        )));
    }
    let target = crate::files::check_new_output(dest, protect)?;
    let mut client = super::pg::connect(url)?;
    match super::pg::version(&mut client)? {
        None => {
            return Err(AppError::new(
                ErrorCode::BadDatabase,
                msg!(
                    "{} är ingen Styrkort-databas (den har inget Styrkort-schema). Kontrollera anslutningen i --from; ingen fil har skapats.",
                    "{} is not a Styrkort database (it has no Styrkort schema). Check the connection in --from; no file has been created.",
                    without_password(url)
                ),
            ))
        }
        Some(v) if v > super::pg::PG_SCHEMA_VERSION => {
            return Err(AppError::new(
                ErrorCode::NewerDatabase,
                msg!(
                    "{} är skapad av en nyare version av Styrkort (schemaversion {v}, den här versionen kan {}). Uppdatera Styrkort och försök igen; ingen fil har skapats.",
                    "{} was created by a newer version of Styrkort (schema version {v}; this version reads up to {}). Update Styrkort and try again; no file has been created.",
                    without_password(url),
                    super::pg::PG_SCHEMA_VERSION
                ),
            ))
        }
        Some(_) => {}
    }
    let mut name = target.as_os_str().to_owned();
    name.push(format!(".kopia-{}", std::process::id()));
    let tmp = PathBuf::from(name);
    let leftovers = |tmp: &Path| {
        for suffix in ["", "-journal", "-wal", "-shm"] {
            let mut n = tmp.as_os_str().to_owned();
            n.push(suffix);
            let _ = std::fs::remove_file(PathBuf::from(n));
        }
    };
    leftovers(&tmp);
    let built = build_from_postgres(&mut client, &tmp, progress);
    let cannot_save = |e: std::io::Error| {
        AppError::io(msg!(
            "Kopian {} kunde inte sparas ({e}). Kontrollera att mappen går att skriva till och att det finns plats på disken.",
            "The copy {} could not be saved ({e}). Check that the folder can be written to and that there is space on the disk.",
            dest.display()
        ))
    };
    let linked = built.and_then(|summary| {
        std::fs::File::open(&tmp).and_then(|f| f.sync_all()).map_err(cannot_save)?;
        match std::fs::hard_link(&tmp, &target) {
            Ok(()) => Ok(summary),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(AppError::conflict(msg!(
                "{} skapades av ett annat program medan kopian gjordes. Den har inte ändrats; ange ett nytt filnamn med --to.",
                "{} was created by another program while the copy was being made. It has not been changed; give a new file name with --to.",
                dest.display()
            ))),
            Err(_) => std::fs::rename(&tmp, &target).map(|()| summary).map_err(cannot_save),
        }
    });
    leftovers(&tmp);
    #[cfg(unix)]
    if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
    }
    let mut summary = linked?;
    summary.seconds = started.elapsed().as_secs_f64();
    Ok(summary)
}

/// Fill a new SQLite file at `tmp` from PostgreSQL in one transaction and verify it.
fn build_from_postgres(client: &mut postgres::Client, tmp: &Path, progress: &mut dyn FnMut(&str, u64)) -> Result<CopySummary> {
    let mut conn = Connection::open_with_flags(
        tmp,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    super::migrate(&mut conn, &super::migrations())?;
    // The file is thrown away unless whole: no journal needed beyond memory while filling.
    conn.execute_batch("PRAGMA foreign_keys = ON; PRAGMA journal_mode = MEMORY; PRAGMA synchronous = OFF;")?;
    let mut pg = client.build_transaction().isolation_level(postgres::IsolationLevel::RepeatableRead).read_only(true).start()?;
    let schema = PgSchema::read(&mut pg)?;
    let (tables, skipped_tables, skipped_columns) = plan(&conn, &schema)?;
    let mut summary = CopySummary { tables: Vec::new(), skipped_tables, skipped_columns, database_id: None, seconds: 0.0 };
    let tx = conn.transaction()?;
    tx.execute_batch("PRAGMA defer_foreign_keys = ON")?;
    // A new schema holds the identity its migration gave it: the source's replaces it.
    for t in tables.iter().rev() {
        tx.execute(&format!("DELETE FROM {}", quoted(&t.name)), [])?;
    }
    for t in &tables {
        let pg_cols = schema.columns.get(&t.name).cloned().unwrap_or_default();
        let exprs: Vec<String> =
            t.columns.iter().map(|c| pg_cols.iter().find(|p| &p.name == c).map(select_expression).unwrap_or_else(|| quoted(c))).collect();
        let cols = column_list(&t.columns);
        let marks = (1..=t.columns.len()).map(|i| format!("?{i}")).collect::<Vec<_>>().join(", ");
        let mut insert = tx.prepare(&format!("INSERT INTO {} ({cols}) VALUES ({marks})", quoted(&t.name)))?;
        let mut rows = pg.query_raw(
            &format!("SELECT {} FROM {}", exprs.join(", "), quoted(&t.name)),
            std::iter::empty::<&dyn postgres::types::ToSql>(),
        )?;
        let mut n: u64 = 0;
        let mut values = Vec::with_capacity(t.columns.len());
        while let Some(row) = postgres::fallible_iterator::FallibleIterator::next(&mut rows)? {
            values.clear();
            for i in 0..t.columns.len() {
                values.push(sqlite_value(&row, i)?);
            }
            insert.execute(rusqlite::params_from_iter(values.iter()))?;
            n += 1;
        }
        drop(rows);
        let source: i64 = pg.query_one(&format!("SELECT COUNT(*) FROM {}", quoted(&t.name)), &[])?.get(0);
        let here: i64 = tx.query_row(&format!("SELECT COUNT(*) FROM {}", quoted(&t.name)), [], |r| r.get(0))?;
        if here != source || n as i64 != source {
            return Err(mismatch(&t.name, "rader", &source.to_string(), &here.to_string()));
        }
        progress(&t.name, n);
        summary.tables.push((t.name.clone(), n));
    }
    let broken: Vec<String> = tx
        .prepare("SELECT \"table\", rowid, parent FROM pragma_foreign_key_check")?
        .query_map([], |r| {
            Ok(format!("{} rad {} → {}", r.get::<_, String>(0)?, r.get::<_, Option<i64>>(1)?.unwrap_or(0), r.get::<_, String>(2)?))
        })?
        .take(5)
        .collect::<rusqlite::Result<_>>()?;
    if !broken.is_empty() {
        return Err(AppError::new(
            ErrorCode::Internal,
            msg!(
                "Kopian har rader som pekar på något som saknas ({}). Ingen fil har skapats.",
                "The copy has rows that point to something missing ({}). No file has been created.",
                broken.join("; ")
            ),
        ));
    }
    tx.commit()?;
    pg.commit()?;
    summary.database_id = super::settings::get(super::Read { db: super::sql::Db::Sqlite(&conn) }, "database_id")?;
    conn.execute_batch("PRAGMA journal_mode = DELETE")?;
    let problems = super::quick_check(&conn)?;
    if !problems.is_empty() {
        return Err(AppError::new(
            ErrorCode::BadDatabase,
            msg!(
                "Kopian är inte hel ({}). Ingen fil har skapats.",
                "The copy is not whole ({}). No file has been created.",
                problems.join("; ")
            ),
        ));
    }
    conn.close().map_err(|(_, e)| e)?;
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_text_escapes_what_copy_reads_as_special() {
        let mut out = Vec::new();
        copy_field(&mut out, ValueRef::Text("å\tä\nö\\r\r".as_bytes()));
        assert_eq!(String::from_utf8(out).unwrap(), "å\\tä\\nö\\\\r\\r");
        let mut out = Vec::new();
        copy_field(&mut out, ValueRef::Null);
        out.push(b'|');
        copy_field(&mut out, ValueRef::Text(b""));
        out.push(b'|');
        copy_field(&mut out, ValueRef::Blob(&[0, 0xff]));
        assert_eq!(out, b"\\N||\\\\x00ff");
    }

    #[test]
    fn reals_are_written_with_every_digit_they_need() {
        for f in [0.1, 1.0 / 3.0, 1e-300, 123456789.12345679, -2.5e17, f64::MIN_POSITIVE] {
            let mut out = Vec::new();
            copy_field(&mut out, ValueRef::Real(f));
            assert_eq!(String::from_utf8(out).unwrap().parse::<f64>().unwrap(), f);
        }
    }

    #[test]
    fn endpoints_and_passwords() {
        assert_eq!(Endpoint::parse("postgresql://a@h/db"), Endpoint::Postgres("postgresql://a@h/db".into()));
        assert_eq!(Endpoint::parse("kommun.db"), Endpoint::File("kommun.db".into()));
        assert_eq!(without_password("postgres://anna:hemligt@server/styrkort"), "postgres://anna@server/styrkort");
        assert_eq!(without_password("postgres://server/styrkort?user=a"), "postgres://server/styrkort?user=a");
    }

    #[test]
    fn tables_come_parents_first() {
        let store = Store::open_in_memory().unwrap();
        let order: Vec<String> = sqlite_tables(store.conn()).unwrap().into_iter().map(|(t, _)| t).collect();
        let pos = |t: &str| order.iter().position(|x| x == t).unwrap();
        assert!(pos("org_unit") < pos("goal") && pos("plan_year") < pos("goal") && pos("perspective") < pos("goal"));
        assert!(pos("goal") < pos("goal_link") && pos("follow_up_period") < pos("indicator_value"));
        assert!(pos("control_plan") < pos("control_risk") && pos("control_risk") < pos("control"));
    }
}
