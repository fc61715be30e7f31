//! The SQLite store: opening, migrations, and the one way to write ([`Store::write`]).
//!
//! Invariants: foreign keys on, WAL, a busy timeout; every write runs inside one
//! transaction and adds a row to the audit log; a database made by a newer version of
//! Styrkort is refused before anything touches it.

mod reads;
mod writes;

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags, Transaction};
use rusqlite_migration::{Migrations, M};

use crate::error::{AppError, ErrorCode, Result};

pub use writes::{default_scale, NewActivity, NewGoal, NewIndicator, NewUnit, Writer, DEFAULT_PERSPECTIVES};

/// The schema's migrations, embedded in the binary. Append only: never edit a released one.
fn migrations() -> Migrations<'static> {
    Migrations::new(vec![M::up(include_str!("migrations/0001_initial.sql"))])
}

/// The schema version this build writes.
pub fn schema_version() -> i64 {
    1
}

/// Who makes a change and when: passed in, never read inside the rules.
#[derive(Debug, Clone)]
pub struct ChangeContext {
    pub user: String,
    /// ISO 8601 timestamp, e.g. "2026-11-26T10:15:00".
    pub at: String,
}

impl ChangeContext {
    pub fn new(user: impl Into<String>, at: impl Into<String>) -> Self {
        Self { user: user.into(), at: at.into() }
    }
}

/// An open Styrkort database.
pub struct Store {
    conn: Connection,
    path: Option<PathBuf>,
}

impl Store {
    /// Open (creating if needed) the database at `path` and bring its schema up to date.
    pub fn open(path: &Path) -> Result<Self> {
        if let Some(dir) = path.parent() {
            if !dir.as_os_str().is_empty() && !dir.exists() {
                std::fs::create_dir_all(dir).map_err(|e| {
                    AppError::io(format!(
                        "Mappen {} kunde inte skapas ({e}). Välj en annan plats för databasen med --db.",
                        dir.display()
                    ))
                })?;
            }
        }
        if path.is_dir() {
            return Err(AppError::io(format!(
                "{} är en mapp, inte en databasfil. Ange en filväg, t.ex. {}/styrkort.db.",
                path.display(),
                path.display()
            )));
        }
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        let mut store = Store { conn, path: Some(path.to_path_buf()) };
        store.prepare()?;
        Ok(store)
    }

    /// A private in-memory database, for tests and previews.
    pub fn open_in_memory() -> Result<Self> {
        let conn = Connection::open_in_memory()?;
        let mut store = Store { conn, path: None };
        store.prepare()?;
        Ok(store)
    }

    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    fn prepare(&mut self) -> Result<()> {
        self.conn.busy_timeout(std::time::Duration::from_secs(5))?;
        // Reading the header first tells a non-SQLite file apart before anything is written.
        let version: i64 = self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(|e| bad_database(e, self.path.as_deref()))?;
        if version > schema_version() {
            return Err(AppError::new(
                ErrorCode::NewerDatabase,
                format!(
                    "Databasen är skapad av en nyare version av Styrkort (schemaversion {version}, den här versionen kan {}). Uppdatera Styrkort för att öppna den; filen har inte ändrats.",
                    schema_version()
                ),
            ));
        }
        self.conn.pragma_update(None, "foreign_keys", "ON")?;
        if self.path.is_some() {
            let mode: String = self.conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))?;
            if !mode.eq_ignore_ascii_case("wal") {
                return Err(AppError::io(
                    "Databasen kunde inte ställas i WAL-läge. Kontrollera att mappen går att skriva till.",
                ));
            }
        }
        self.conn.pragma_update(None, "synchronous", "FULL")?;
        migrations().to_latest(&mut self.conn).map_err(|e| match e {
            rusqlite_migration::Error::RusqliteError { err, .. } => AppError::from(err),
            other => AppError::new(ErrorCode::Internal, format!("Databasen kunde inte uppgraderas: {other}. Filen har inte ändrats.")),
        })?;
        Ok(())
    }

    /// Run `f` in one transaction: all of it is saved, or none of it.
    pub fn write<T>(&mut self, ctx: &ChangeContext, f: impl FnOnce(&mut Writer<'_>) -> Result<T>) -> Result<T> {
        let tx = self.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let mut writer = Writer::new(&tx, ctx);
        let out = f(&mut writer)?;
        tx.commit()?;
        Ok(out)
    }

    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }
}

fn bad_database(err: rusqlite::Error, path: Option<&Path>) -> AppError {
    let mut e = AppError::from(err);
    if e.code == ErrorCode::BadDatabase {
        if let Some(p) = path {
            e.message = format!(
                "{} är inte en fungerande Styrkort-databas (skadad, avkortad eller av annat slag). Filen har inte ändrats; återställ den senaste säkerhetskopian eller välj en annan fil.",
                p.display()
            );
        }
    }
    e
}

/// Used by writers to check references before touching rows.
pub(crate) fn exists(tx: &Transaction<'_>, sql: &str, id: impl rusqlite::ToSql) -> Result<bool> {
    Ok(tx.query_row(sql, [id], |_| Ok(())).map(|_| true).or_else(|e| match e {
        rusqlite::Error::QueryReturnedNoRows => Ok(false),
        e => Err(e),
    })?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_valid() {
        assert!(migrations().validate().is_ok());
    }

    #[test]
    fn schema_version_matches_migration_count() {
        let store = Store::open_in_memory().unwrap();
        let v: i64 = store.conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
        assert_eq!(v, schema_version());
    }

    #[test]
    fn foreign_keys_are_enforced() {
        let store = Store::open_in_memory().unwrap();
        let err = store
            .conn
            .execute("INSERT INTO org_unit(parent_id, kind, name) VALUES (999, 'enhet', 'X')", [])
            .unwrap_err();
        assert!(err.to_string().contains("FOREIGN KEY"), "{err}");
    }
}
