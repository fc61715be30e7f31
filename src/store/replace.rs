//! Replacing a whole database's contents (a restore) through SQLite, never behind its back,
//! and opening a backup without leaving anything beside it.
//!
//! A restore holds SQLite's write lock on the live database from before the "före
//! återställning" backup is taken until the restored rows are committed. Another program's
//! write therefore either committed first (and is in that backup) or waits for the lock and
//! then writes into the restored database, or gives up with `database_busy`; it never
//! commits into a file that is about to be deleted.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags, TransactionBehavior};

use super::{bad_database, migrate, migrations, schema_version, Store, Writer, BUSY_TIMEOUT};
use crate::error::{AppError, ErrorCode, Result};
use crate::msg;
use crate::store::ChangeContext;

/// The schema name a restore's source is attached under.
const SOURCE: &str = "aterstalls";

/// A `file:` URI for `path` (absolute, with `%`, `?` and `#` escaped) and the query.
fn uri(path: &Path, query: &str) -> Result<String> {
    let abs = std::fs::canonicalize(path)
        .map_err(|e| AppError::io(msg!("{} kunde inte läsas ({e}).", "{} could not be read ({e}).", path.display())))?;
    let mut text = abs.to_string_lossy().replace('\\', "/");
    if !text.starts_with('/') {
        text.insert(0, '/');
    }
    let mut out = String::from("file:");
    for c in text.chars() {
        match c {
            '%' => out.push_str("%25"),
            '?' => out.push_str("%3F"),
            '#' => out.push_str("%23"),
            c => out.push(c),
        }
    }
    out.push('?');
    out.push_str(query);
    Ok(out)
}

impl Store {
    /// Open a backup (or any database file the user points at) read-only, after the same checks
    /// as [`Store::open_read_only`], without creating anything beside it: a file without a
    /// `-wal` beside it is opened as immutable, so no `-wal` or `-shm` appears next to the
    /// user's backup and a backup on read-only media (a DVD, a write-protected share) opens.
    pub fn open_backup(path: &Path) -> Result<Self> {
        let mut wal = path.as_os_str().to_owned();
        wal.push("-wal");
        if Path::new(&wal).exists() {
            // Someone's live database: read it the ordinary way, which sees its WAL.
            return Self::open_read_only_with(path, super::Marks::Ignore);
        }
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_file() && meta.len() > 0 => {}
            // The ordinary open gives the right message for everything else.
            _ => return Self::open_read_only_with(path, super::Marks::Ignore),
        }
        let conn = Connection::open_with_flags(
            uri(path, "mode=ro&immutable=1")?,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_URI | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| bad_database(e, Some(path)))?;
        let store = Store::with(conn, Some(path));
        store.file()?.busy_timeout(BUSY_TIMEOUT)?;
        store.check_file(schema_version(), super::Expected::Embedded, super::Marks::Ignore)?;
        Ok(store)
    }
}

/// Bring a private copy of a backup (made for a restore) up to this version's schema. The copy
/// is not the user's file, so no backup is made before the upgrade.
pub(crate) fn upgrade_copy(path: &Path) -> Result<()> {
    let mut conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    migrate(&mut conn, &migrations())?;
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if version != schema_version() {
        return Err(AppError::new(
            ErrorCode::Internal,
            msg!("Kopian har schemaversion {version} efter uppgraderingen.", "The copy has schema version {version} after the upgrade."),
        ));
    }
    conn.close().map_err(|(_, e)| AppError::from(e))
}

/// Replace every row of the live database behind `conn` with the rows of the upgraded copy at
/// `source`, in one transaction that holds SQLite's write lock from before `before_copy` runs
/// (the restore makes its "före återställning" backup there) until the commit. The restore is
/// written to the audit log (setting `last_restore` = `note`) in the same transaction.
///
/// A write lock another program holds longer than the busy timeout gives `database_busy`, and
/// nothing has changed.
pub(crate) fn replace_all<T>(
    conn: &mut Connection,
    source: &Path,
    ctx: &ChangeContext,
    note: &str,
    before_copy: impl FnOnce() -> Result<T>,
) -> Result<T> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    // Off while the rows are replaced: with it on, deleting a parent row would cascade into
    // child rows already copied. Every reference is checked before the commit instead.
    conn.pragma_update(None, "foreign_keys", "OFF")?;
    conn.execute("ATTACH DATABASE ?1 AS aterstalls", [source.to_string_lossy()])?;
    let result = copy_locked(conn, ctx, note, before_copy);
    let detached = conn.execute_batch("DETACH DATABASE aterstalls");
    conn.pragma_update(None, "foreign_keys", "ON")?;
    let out = result?;
    detached?;
    Ok(out)
}

fn copy_locked<T>(conn: &mut Connection, ctx: &ChangeContext, note: &str, before_copy: impl FnOnce() -> Result<T>) -> Result<T> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(|e| match AppError::from(e) {
        err if err.code == ErrorCode::DatabaseBusy => AppError::new(
            ErrorCode::DatabaseBusy,
            msg!("Återställningen gjordes inte: någon annan sparar i databasen just nu. Vänta tills den andra användaren eller programmet är klart och försök igen; databasen är som förut.", "The restore was not done: someone else is saving to the database right now. Wait until the other user or program is done and try again; the database is as before."),
        ),
        err => err,
    })?;
    let versions: (i64, i64) = (
        tx.query_row("PRAGMA main.user_version", [], |r| r.get(0))?,
        tx.query_row(&format!("PRAGMA {SOURCE}.user_version"), [], |r| r.get(0))?,
    );
    if versions.0 != versions.1 {
        return Err(AppError::new(
            ErrorCode::Internal,
            msg!(
                "Databasen har schemaversion {} och kopian {}; ingen återställning gjordes.",
                "The database has schema version {} and the copy {}; no restore was done.",
                versions.0,
                versions.1
            ),
        ));
    }
    let out = before_copy()?;
    let tables: Vec<String> = tx
        .prepare("SELECT name FROM main.sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for table in &tables {
        let quoted = format!("\"{}\"", table.replace('"', "\"\""));
        let columns: Vec<String> = tx
            .prepare(&format!("SELECT name FROM pragma_table_info({}, 'main')", sql_text(table)))?
            .query_map([], |r| r.get::<_, String>(0))?
            .map(|c| c.map(|c| format!("\"{}\"", c.replace('"', "\"\""))))
            .collect::<rusqlite::Result<_>>()?;
        let columns = columns.join(", ");
        tx.execute(&format!("DELETE FROM main.{quoted}"), [])?;
        tx.execute(&format!("INSERT INTO main.{quoted} ({columns}) SELECT {columns} FROM {SOURCE}.{quoted}"), [])?;
    }
    let has_sequence = |schema: &str| -> rusqlite::Result<bool> {
        tx.query_row(&format!("SELECT COUNT(*) FROM {schema}.sqlite_schema WHERE name = 'sqlite_sequence'"), [], |r| r.get::<_, i64>(0))
            .map(|n| n > 0)
    };
    if has_sequence("main")? {
        tx.execute("DELETE FROM main.sqlite_sequence", [])?;
        if has_sequence(SOURCE)? {
            tx.execute(&format!("INSERT INTO main.sqlite_sequence(name, seq) SELECT name, seq FROM {SOURCE}.sqlite_sequence"), [])?;
        }
    }
    let broken: i64 = tx.query_row("SELECT COUNT(*) FROM pragma_foreign_key_check", [], |r| r.get(0))?;
    if broken > 0 {
        return Err(AppError::new(
            ErrorCode::BadDatabase,
            msg!(
                "Säkerhetskopian har {broken} rader som pekar på något som saknas; den återställdes inte.",
                "The backup has {broken} rows that point to something missing; it was not restored."
            ),
        ));
    }
    crate::store::settings::set(&mut Writer::new(&tx, ctx, Default::default()), "last_restore", note)?;
    tx.commit()?;
    Ok(out)
}

/// `text` as an SQL string literal.
fn sql_text(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// A path beside `db` for a restore's private copy of the backup, unique to this process.
pub(crate) fn copy_path(db: &Path) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(format!(".aterstalls-{}", std::process::id()));
    PathBuf::from(name)
}
