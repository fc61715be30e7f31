//! The SQLite store: opening, migrations, and the one way to write ([`Store::write`]).
//!
//! Invariants: foreign keys on, WAL, a busy timeout; every write runs inside one
//! transaction and adds a row to the audit log; a database made by a newer version of
//! Styrkort is refused before anything touches it.

// Repositories: one module per group of tables holds all SQL for those tables.
pub mod activities;
pub mod assessments;
pub mod assignments;
mod check_mark;
pub mod copy;
pub(crate) mod database_file;
pub mod economy;
pub mod global_goals;
pub mod goals;
mod ids;
pub mod indicators;
pub mod internal_control;
pub mod journal;
pub mod kolada;
pub mod periods;
pub mod pg;
pub mod plan;
pub mod report_texts;
pub mod row_version;
pub mod settings;
pub mod sie_map;
pub mod unit_missions;
pub mod units;
pub mod values;

mod reads;
pub(crate) mod replace;
mod schema_check;
pub mod sql;
mod writes;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use rusqlite::{Connection, OpenFlags};
use rusqlite_migration::{Migrations, M};

use crate::error::{AppError, ErrorCode, Result};
use crate::msg;
use schema_check::Expected;

pub use crate::model::{NewActivity, NewGoal, NewIndicator, NewUnit};
pub(crate) use check_mark::SUFFIX as CHECK_MARK_SUFFIX;
pub(crate) use writes::{check_decimals, check_tolerance, kolada_kpi_id, non_empty, yellow_on_worse_side};
pub use writes::{default_scale, Writer};

/// The schema's migrations, embedded in the binary. Append only: never edit a released one.
fn migrations() -> Migrations<'static> {
    Migrations::new(vec![
        M::up(include_str!("migrations/0001_initial.sql")),
        M::up(include_str!("migrations/0002_identity_and_indexes.sql")),
        M::up(include_str!("migrations/0003_kolada_values_clustered.sql")),
        M::up(include_str!("migrations/0004_economy_and_report_texts.sql")),
        M::up(include_str!("migrations/0005_steering_model_rest.sql")),
        M::up(include_str!("migrations/0006_row_versions.sql")),
    ])
}

/// The schema version this build writes.
pub fn schema_version() -> i64 {
    6
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
    conn: Engine,
    path: Option<PathBuf>,
    /// Tables written by transactions committed since [`Store::take_changed_tables`] last ran.
    changed: std::collections::BTreeSet<String>,
    /// Whether this process has checked the file page by page (the open-time check, or more)
    /// since it opened it. A write or a backup checks first when not (see [`check_mark`]).
    /// Shared with a [`DeferredCheck`], which sets it when it passes.
    checked: Arc<AtomicBool>,
    /// The connection string of the shared database (None for a file), so a backup can copy
    /// it through a connection of its own and the window can reconnect.
    url: Option<String>,
}

/// Where the municipality lives: a SQLite file on this computer, or the shared PostgreSQL
/// database (issue 14).
enum Engine {
    File(Connection),
    Shared(Box<sql::PgSession>),
}

/// Whether an open may skip the page-by-page check of a file that is unchanged since a check
/// passed ([`check_mark`]), and records a passed check for the next open.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Marks {
    Use,
    /// Backups the user points at are checked every time and nothing is written beside them.
    Ignore,
}

/// A read handle: what repository reads take. Only the store reaches its connection, so
/// nothing outside `crate::store` can write through it. Made by [`Store::read`] or, inside a
/// write, by [`Writer::read`] (then it sees the transaction's own changes).
#[derive(Clone, Copy)]
pub struct Read<'c> {
    db: sql::Db<'c>,
}

impl<'c> Read<'c> {
    pub(in crate::store) fn conn(self) -> sql::Db<'c> {
        self.db
    }
}

impl Store {
    /// Open (creating if needed) the database at `path` and bring its schema up to date.
    ///
    /// An existing file is checked before anything is written to it: it must not be empty,
    /// must be a whole SQLite database (`PRAGMA quick_check`) made by Styrkort and not by a
    /// newer version, with the schema Styrkort makes for its version (no foreign trigger, no
    /// missing column: `schema_check`); otherwise it is refused and left byte for byte as it
    /// was, and the error names the latest usable backup. The page-by-page part is skipped when
    /// the file is unchanged since that check last passed ([`check_mark`]); then the first
    /// write ([`Store::write`]) or backup runs it, so a damaged file is still found before
    /// anything writes to it or copies it. A migration always checks first. Before a migration
    /// the file is backed up ([`crate::backup`]). A new database is built under a temporary name and linked into
    /// place, so a crash never leaves a half-made file where the database should be.
    pub fn open(path: &Path) -> Result<Self> {
        Self::open_file(path, &migrations(), schema_version(), Expected::Embedded).map_err(|e| crate::backup::with_restore_hint(e, path))
    }

    /// [`Store::open`] for the window's start: a file larger than 64 MiB that needs no
    /// migration skips the page-by-page check (the header, version and schema are still
    /// checked) and gets it back as a [`DeferredCheck`] to run in the background, so a large
    /// municipality's scorecard shows without waiting for it. Smaller files, and files about to
    /// be migrated, are checked in full first, as by `open`.
    pub fn open_checking_large_files_later(path: &Path) -> Result<(Self, Option<DeferredCheck>)> {
        Self::open_deferring(path, FULL_CHECK_MAX_BYTES)
    }

    pub(crate) fn open_deferring(path: &Path, defer_above: u64) -> Result<(Self, Option<DeferredCheck>)> {
        let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        if size <= defer_above {
            return Self::open(path).map(|s| (s, None));
        }
        let target = schema_version();
        let version = {
            let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)
                .map_err(|e| crate::backup::with_restore_hint(bad_database(e, Some(path)), path))?;
            let probe = Store::with(conn, Some(path));
            probe.file()?.busy_timeout(BUSY_TIMEOUT)?;
            probe.check_header(target, Expected::Embedded).map_err(|e| crate::backup::with_restore_hint(e, path))?
        };
        if version != target {
            return Self::open(path).map(|s| (s, None));
        }
        let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)
            .map_err(|e| bad_database(e, Some(path)))?;
        let mut store = Store::with(conn, Some(path));
        store.file()?.busy_timeout(BUSY_TIMEOUT)?;
        store.configure()?;
        let check = DeferredCheck { path: path.to_path_buf(), checked: store.checked.clone() };
        Ok((store, Some(check)))
    }

    /// [`Store::open`] with a given set of migrations (tests of the upgrade path use it).
    #[cfg(test)]
    pub(crate) fn open_with_schema(path: &Path, migrations: &Migrations<'_>, version: i64) -> Result<Self> {
        Self::open_file(path, migrations, version, Expected::Given(migrations)).map_err(|e| crate::backup::with_restore_hint(e, path))
    }

    fn open_file(path: &Path, migrations: &Migrations<'_>, target: i64, expected: Expected<'_, '_>) -> Result<Self> {
        if let Some(dir) = path.parent() {
            if !dir.as_os_str().is_empty() && !dir.exists() {
                std::fs::create_dir_all(dir).map_err(|e| {
                    AppError::io(msg!(
                        "Mappen {} kunde inte skapas ({e}). Välj en annan plats för databasen med --db.",
                        "The folder {} could not be created ({e}). Choose another place for the database with --db.",
                        dir.display()
                    ))
                })?;
            }
        }
        if path.is_dir() {
            return Err(AppError::io(msg!(
                "{} är en mapp, inte en databasfil. Ange en filväg, t.ex. {}/styrkort.db.",
                "{} is a folder, not a database file. Give a file path, e.g. {}/styrkort.db.",
                path.display(),
                path.display()
            )));
        }
        match std::fs::metadata(path) {
            Ok(meta) if !meta.is_file() => return Err(not_a_file(path, &meta)),
            Ok(meta) if meta.len() == 0 => return Err(empty_file(path)),
            Ok(_) => {}
            Err(e) if crate::files::is_symlink_loop(&e) => return Err(symlink_loop(path)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => create_new(path, migrations)?,
            Err(e) => {
                return Err(AppError::io(msg!(
                    "{} kunde inte läsas ({e}). Kontrollera behörigheterna eller välj en annan fil med --db.",
                    "{} could not be read ({e}). Check the permissions or choose another file with --db.",
                    path.display()
                )))
            }
        }
        let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)
            .map_err(|e| bad_database(e, Some(path)))?;
        let mut store = Store::with(conn, Some(path));
        store.file()?.busy_timeout(BUSY_TIMEOUT)?;
        let version = store.check_file(target, expected, Marks::Use)?;
        if version > 0 && version < target {
            crate::backup::back_up_before_migration(store.read(), path, version)?;
        }
        store.configure()?;
        migrate(store.file_mut()?, migrations)?;
        if version > 0 && version < target {
            give_back_free_pages(store.file()?);
        }
        Ok(store)
    }

    /// Open a database file read-only, after the same checks as [`Store::open`] (without the
    /// restore hint). Nothing is migrated; for looking into backups before restoring one.
    pub fn open_read_only(path: &Path) -> Result<Self> {
        Self::open_read_only_with(path, Marks::Use)
    }

    fn open_read_only_with(path: &Path, marks: Marks) -> Result<Self> {
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => {
                return Err(AppError::io(msg!(
                    "{} är en mapp, inte en databasfil.",
                    "{} is a folder, not a database file.",
                    path.display()
                )))
            }
            Ok(meta) if !meta.is_file() => return Err(not_a_file(path, &meta)),
            Ok(meta) if meta.len() == 0 => return Err(empty_file(path)),
            Ok(_) => {}
            Err(e) if crate::files::is_symlink_loop(&e) => return Err(symlink_loop(path)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(AppError::not_found(msg!("Filen {} finns inte.", "The file {} does not exist.", path.display())))
            }
            Err(e) => return Err(AppError::io(msg!("{} kunde inte läsas ({e}).", "{} could not be read ({e}).", path.display()))),
        }
        let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)
            .map_err(|e| bad_database(e, Some(path)))?;
        let store = Store::with(conn, Some(path));
        store.file()?.busy_timeout(BUSY_TIMEOUT)?;
        store.check_file(schema_version(), Expected::Embedded, marks)?;
        Ok(store)
    }

    /// A private in-memory database, for tests and previews.
    pub fn open_in_memory() -> Result<Self> {
        let conn = Connection::open_in_memory()?;
        let mut store = Store::with(conn, None);
        store.checked.store(true, Ordering::Relaxed);
        store.file()?.busy_timeout(BUSY_TIMEOUT)?;
        store.configure()?;
        migrate(store.file_mut()?, &migrations())?;
        Ok(store)
    }

    fn with(conn: Connection, path: Option<&Path>) -> Self {
        Store {
            conn: Engine::File(conn),
            path: path.map(Path::to_path_buf),
            changed: Default::default(),
            checked: Default::default(),
            url: None,
        }
    }

    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Read-only checks of an existing file, before anything is written: returns its schema
    /// version. Refuses a newer schema, a SQLite file that is not Styrkort's, a schema changed
    /// outside Styrkort, and damage. With [`Marks::Use`] the page-by-page check is skipped
    /// when the file is unchanged since it last passed (never when a migration will follow),
    /// and a passed check is recorded.
    fn check_file(&self, target: i64, expected: Expected<'_, '_>, marks: Marks) -> Result<i64> {
        let path = self.path.as_deref();
        // Taken before the first read: whatever changes after it makes the mark not hold.
        let began = check_began();
        let fingerprint = path.filter(|_| marks == Marks::Use).and_then(check_mark::Fingerprint::of);
        let version = self.check_header(target, expected)?;
        let marked = version == target && fingerprint.as_ref().zip(path).is_some_and(|(f, p)| check_mark::holds(p, f));
        if !marked {
            check_pages(self.file()?, path)?;
            self.checked.store(true, Ordering::Relaxed);
            if let Some((f, p)) = fingerprint.as_ref().zip(path) {
                check_mark::record(p, f, began);
            }
        }
        Ok(version)
    }

    /// Check the file page by page unless this process has already done so since opening it
    /// (an open that found the file unchanged since its last check skipped it). Every backup
    /// calls it first; [`Store::write`] does the same inside its transaction.
    pub(crate) fn ensure_checked(&self) -> Result<()> {
        if self.checked.load(Ordering::Relaxed) {
            return Ok(());
        }
        let path = self.path.as_deref();
        check_pages(self.file()?, path).map_err(|e| match path {
            Some(p) => crate::backup::with_restore_hint(e, p),
            None => e,
        })?;
        self.checked.store(true, Ordering::Relaxed);
        Ok(())
    }

    /// The page-by-page check of this file has just passed in this process on another
    /// connection (a [`DeferredCheck`] before the day's backup).
    pub(crate) fn note_checked(&self) {
        self.checked.store(true, Ordering::Relaxed);
    }

    /// The cheap part of [`Store::check_file`]: SQLite header, schema version, whose file, and
    /// the schema against what `expected` makes for the file's version ([`schema_check`]).
    fn check_header(&self, target: i64, expected: Expected<'_, '_>) -> Result<i64> {
        let path = self.path.as_deref();
        let shown = path.map(|p| p.display().to_string()).unwrap_or_default();
        // Reading the header first tells a non-SQLite file apart before anything is written.
        let version: i64 = self.file()?.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(|e| bad_database(e, path))?;
        if version > target {
            return Err(AppError::new(
                ErrorCode::NewerDatabase,
                msg!(
                    "Databasen {shown} är skapad av en nyare version av Styrkort (schemaversion {version}, den här versionen kan {target}). Uppdatera Styrkort för att öppna den; filen har inte ändrats.", "The database {shown} was created by a newer version of Styrkort (schema version {version}; this version reads up to {target}). Update Styrkort to open it; the file has not been changed."
                ),
            ));
        }
        if version == 0 {
            let tables: i64 =
                self.file()?.query_row("SELECT COUNT(*) FROM sqlite_schema", [], |r| r.get(0)).map_err(|e| bad_database(e, path))?;
            if tables > 0 {
                return Err(AppError::new(
                    ErrorCode::BadDatabase,
                    msg!(
                        "{shown} är en SQLite-databas men inte en Styrkort-databas. Filen har inte ändrats; välj en annan fil.",
                        "{shown} is an SQLite database but not a Styrkort database. The file has not been changed; choose another file."
                    ),
                ));
            }
        }
        if version > 0 {
            let expected = schema_check::expected(version, expected)?;
            let problems = schema_check::differences(self.file()?, &expected).map_err(|e| bad_database(e, path))?;
            if !problems.is_empty() {
                return Err(schema_check::refusal(&shown, version, &problems));
            }
        }
        Ok(version)
    }

    fn configure(&mut self) -> Result<()> {
        self.file()?.pragma_update(None, "foreign_keys", "ON")?;
        if self.path.is_some() {
            let mode: String = self.file()?.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))?;
            if !mode.eq_ignore_ascii_case("wal") {
                return Err(AppError::io(msg!(
                    "Databasen kunde inte ställas i WAL-läge. Kontrollera att mappen går att skriva till.",
                    "The database could not be put in WAL mode. Check that the folder can be written to."
                )));
            }
        }
        self.file()?.pragma_update(None, "synchronous", "FULL")?;
        Ok(())
    }

    /// Run `f` in one transaction: all of it is saved, or none of it.
    pub fn write<T>(&mut self, ctx: &ChangeContext, f: impl FnOnce(&mut Writer<'_>) -> Result<T>) -> Result<T> {
        // Every change is recorded under a name; an empty one would make the audit log useless.
        if ctx.user.trim().is_empty() || ctx.user.chars().any(char::is_control) {
            return Err(AppError::validation(msg!(
                "Ändringen måste sparas under ett användarnamn (en rad text) i ändringsloggen. Ange ett namn, t.ex. --user \"Anna Berg\".",
                "The change must be saved under a user name (one line of text) in the change log. Give a name, e.g. --user \"Anna Berg\"."
            ))
            .on_field("user_name"));
        }
        let conn = match &mut self.conn {
            Engine::File(conn) => conn,
            Engine::Shared(session) => {
                let out = write_shared(session, ctx, f)?;
                self.changed.extend(session.take_notified());
                return Ok(out);
            }
        };
        let recorder = journal::Recorder::install(conn)?;
        let path = self.path.as_deref();
        let checked = &self.checked;
        let result = (|| {
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            // A file opened without its page-by-page check (unchanged since the last one) is
            // checked before the first write, under the write lock: what is checked is what
            // is written to.
            if !checked.load(Ordering::Relaxed) {
                check_pages(&tx, path).map_err(|e| match path {
                    Some(p) => crate::backup::with_restore_hint(e, p),
                    None => e,
                })?;
                checked.store(true, Ordering::Relaxed);
            }
            let mut writer = Writer::new(&tx, ctx, recorder.clone());
            let out = f(&mut writer)?;
            tx.commit()?;
            Ok(out)
        })();
        let tables = recorder.finish(conn);
        if result.is_ok() {
            self.changed.extend(tables);
        }
        result
    }

    /// A read handle on the database.
    pub fn read(&self) -> Read<'_> {
        Read { db: self.db() }
    }

    /// The tables written by the transactions committed since the last call (sorted), so the
    /// window reloads only the views that show them.
    pub fn take_changed_tables(&mut self) -> Vec<String> {
        std::mem::take(&mut self.changed).into_iter().collect()
    }

    /// Move everything in the WAL into the database file, so the file alone holds it (before a
    /// new database is linked into place).
    pub fn checkpoint(&self) -> Result<()> {
        let (busy, _, _): (i64, i64, i64) =
            self.file()?.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        if busy != 0 {
            return Err(AppError::new(
                ErrorCode::DatabaseBusy,
                msg!(
                    "Databasen används av ett annat program. Försök igen om en stund.",
                    "Another program is using the database. Try again in a while."
                ),
            ));
        }
        Ok(())
    }

    /// The connection itself, for a whole-database operation (a restore) that manages its
    /// own transaction.
    pub(crate) fn into_connection(self) -> Result<Connection> {
        match self.conn {
            Engine::File(conn) => Ok(conn),
            Engine::Shared(_) => Err(sql::Error::Unsupported("återställning").into()),
        }
    }

    #[cfg(test)]
    pub(in crate::store) fn conn(&self) -> &Connection {
        match &self.conn {
            Engine::File(conn) => conn,
            Engine::Shared(_) => panic!("a test asked for the SQLite connection of a shared database"),
        }
    }

    /// The SQLite connection of a file database; refused for the shared database.
    pub(in crate::store) fn file(&self) -> Result<&Connection> {
        match &self.conn {
            Engine::File(conn) => Ok(conn),
            Engine::Shared(_) => Err(sql::Error::Unsupported("databasfil").into()),
        }
    }

    pub(in crate::store) fn file_mut(&mut self) -> Result<&mut Connection> {
        match &mut self.conn {
            Engine::File(conn) => Ok(conn),
            Engine::Shared(_) => Err(sql::Error::Unsupported("databasfil").into()),
        }
    }

    fn db(&self) -> sql::Db<'_> {
        match &self.conn {
            Engine::File(conn) => sql::Db::Sqlite(conn),
            Engine::Shared(session) => sql::Db::Pg(session),
        }
    }

    /// Whether this is the shared PostgreSQL database (not a file on this computer).
    pub fn is_shared(&self) -> bool {
        matches!(self.conn, Engine::Shared(_))
    }

    /// The connection string of the shared database (`None` for a file). It may hold a
    /// password given on the command line: never show it (see [`pg::describe`]).
    pub fn shared_url(&self) -> Option<&str> {
        self.url.as_deref()
    }

    /// The login changes are recorded under on the shared database (`current_user`, which
    /// the database itself writes into `audit_log.db_user`); `None` for a file.
    pub fn login(&self) -> Result<Option<String>> {
        match &self.conn {
            Engine::File(_) => Ok(None),
            Engine::Shared(session) => {
                let name: String = session.with_client(|c| c.query_one("SELECT current_user::text", &[]).map(|r| r.get(0)))?;
                Ok(Some(name))
            }
        }
    }

    /// The server process of the shared database's connection (`None` for a file), whose
    /// own notifications a [`pg::Listener`] may skip.
    pub fn backend_pid(&self) -> Result<Option<i32>> {
        match &self.conn {
            Engine::File(_) => Ok(None),
            Engine::Shared(session) => {
                let pid: i32 = session.with_client(|c| c.query_one("SELECT pg_backend_pid()", &[]).map(|r| r.get(0)))?;
                Ok(Some(pid))
            }
        }
    }

    /// Whether the shared database still answers (a round trip, at most `timeout`); a file
    /// always does. `Err` is [`ErrorCode::Disconnected`] when the connection is gone.
    pub fn ping(&self) -> Result<()> {
        match &self.conn {
            Engine::File(_) => Ok(()),
            Engine::Shared(session) => session.ping(),
        }
    }

    /// Open the shared database at `url` (issue 14): connect as municipal IT set it up (TLS,
    /// pgpass), bring its schema up to date when this login may (the owner's), refuse a
    /// schema newer than this program, and listen for the changes other people commit.
    pub fn open_shared(url: &str, at: &str) -> Result<Self> {
        let mut client = pg::connect(url)?;
        match pg::version(&mut client)? {
            Some(v) if v == pg::PG_SCHEMA_VERSION => {}
            _ => {
                pg::migrate(&mut client, at).map_err(|e| {
                    if e.code == ErrorCode::PermissionDenied {
                        AppError::new(
                            ErrorCode::PermissionDenied,
                            msg!(
                                "Den gemensamma databasen behöver uppgraderas till den här versionen av Styrkort, och det får bara databasens ägare göra. Be kommunens IT att starta Styrkort en gång med ägarens inloggning.",
                                "The shared database needs upgrading to this version of Styrkort, which only the database's owner may do. Ask the municipality's IT to start Styrkort once with the owner's login."
                            ),
                        )
                    } else {
                        e
                    }
                })?;
            }
        }
        client.batch_execute(&format!("LISTEN {}", pg::CHANGED_CHANNEL))?;
        Ok(Store {
            conn: Engine::Shared(Box::new(sql::PgSession::new(client))),
            path: None,
            changed: Default::default(),
            checked: Arc::new(AtomicBool::new(true)),
            url: Some(url.to_string()),
        })
    }
}

/// [`Store::write`] on the shared database: one transaction, committed only when `f` and the
/// commit succeed; on any failure it is rolled back and nothing is kept. Row-level security
/// and the period-lock trigger hold inside it, so a refusal reaches the caller as
/// `permission_denied` or `period_locked` with nothing changed.
fn write_shared<T>(session: &sql::PgSession, ctx: &ChangeContext, f: impl FnOnce(&mut Writer<'_>) -> Result<T>) -> Result<T> {
    session.batch("BEGIN")?;
    let result = (|| {
        let mut writer = Writer::on(sql::Db::Pg(session), ctx, journal::Recorder::default());
        let out = f(&mut writer)?;
        session.batch("COMMIT")?;
        Ok(out)
    })();
    if result.is_err() {
        // After a lost connection there is nothing to roll back; the server has done it.
        let _ = session.batch("ROLLBACK");
    }
    result
}

/// How long a write waits for another program's write to finish before giving up.
const BUSY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

/// Bring the schema up to date in one transaction: all migrations or none.
fn migrate(conn: &mut Connection, migrations: &Migrations<'_>) -> Result<()> {
    migrations.to_latest(conn).map_err(|e| {
        let cause = match e {
            rusqlite_migration::Error::RusqliteError { err, .. } => AppError::from(err),
            other => AppError::new(ErrorCode::Internal, msg!("{other}", "{other}")),
        };
        AppError::new(
            cause.code,
            msg!(
                "Databasen kunde inte uppgraderas: {} Den har inte ändrats.",
                "The database could not be upgraded: {} It has not been changed.",
                cause.msg()
            ),
        )
    })
}

/// After an upgrade that rebuilt a table (version 3 rebuilds `kolada_value`), the old pages are
/// free but still part of the file, and of every backup of it: more than a quarter of the file
/// free is given back with `VACUUM` (one rewrite, in its own transaction). Best effort: the
/// upgrade itself is committed, and a file that could not be compacted (a full disk) is
/// whole, only larger.
fn give_back_free_pages(conn: &Connection) {
    let pages = |pragma: &str| conn.query_row(&format!("PRAGMA {pragma}"), [], |r| r.get::<_, i64>(0)).unwrap_or(0);
    if pages("freelist_count") * 4 > pages("page_count") {
        let _ = conn.execute_batch("VACUUM");
    }
}

/// Files up to this size get a whole `quick_check` on open (about 10 ms for the demo).
/// Larger files, which hold bulk Kolada reference data, are checked table by table without
/// the Kolada tables, so a start stays fast (a whole check of a million Kolada values
/// takes seconds); those tables can be imported again, and damage there still surfaces
/// as `bad_database` when they are read.
pub(crate) const FULL_CHECK_MAX_BYTES: u64 = 64 * 1024 * 1024;

/// When a check begins, for its mark ([`check_mark`]). Tests move the clock on, as if the
/// file had last been written long before.
fn check_began() -> std::time::SystemTime {
    #[cfg(test)]
    let ahead = tests::CLOCK_AHEAD.with(std::cell::Cell::get);
    #[cfg(not(test))]
    let ahead = std::time::Duration::ZERO;
    std::time::SystemTime::now() + ahead
}

/// The open-time page-by-page check: `quick_check` of the whole file up to
/// [`FULL_CHECK_MAX_BYTES`], of every table but the Kolada ones above. A damaged file is
/// refused and its mark ([`check_mark`]) removed.
fn check_pages(conn: &Connection, path: Option<&Path>) -> Result<()> {
    let size = path.and_then(|p| std::fs::metadata(p).ok()).map(|m| m.len()).unwrap_or(0);
    let checked = if size <= FULL_CHECK_MAX_BYTES { quick_check(conn) } else { quick_check_own_data(conn) };
    let outcome = checked.map_err(|e| bad_database(e, path)).and_then(|problems| damage(path, &problems));
    if let (Err(_), Some(p)) = (&outcome, path) {
        // Damage that SQLite reports as an error instead of a line of the check, too.
        check_mark::forget(p);
    }
    outcome
}

/// Refuse a file whose check found problems.
fn damage(path: Option<&Path>, problems: &[String]) -> Result<()> {
    if problems.is_empty() {
        return Ok(());
    }
    let shown = path.map(|p| p.display().to_string()).unwrap_or_default();
    Err(AppError::new(
        ErrorCode::BadDatabase,
        msg!(
            "{shown} är skadad ({}). Filen har inte ändrats; återställ en säkerhetskopia.",
            "{shown} is damaged ({}). The file has not been changed; restore a backup.",
            problems.iter().take(3).cloned().collect::<Vec<_>>().join("; ")
        ),
    ))
}

/// The page-by-page check of a large file, left for after the start (see
/// [`Store::open_checking_large_files_later`]). Runs on its own read-only connection, so the
/// window can work meanwhile; reads every table, the Kolada data included.
/// When it passes, the store it was made with counts as checked and the file gets its mark.
#[derive(Debug, Clone)]
pub struct DeferredCheck {
    path: PathBuf,
    checked: Arc<AtomicBool>,
}

impl DeferredCheck {
    pub fn run(&self) -> Result<()> {
        let path = self.path.as_path();
        let began = check_began();
        let fingerprint = check_mark::Fingerprint::of(path);
        let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)
            .map_err(|e| bad_database(e, Some(path)))?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        let outcome = quick_check(&conn).map_err(|e| bad_database(e, Some(path))).and_then(|problems| damage(Some(path), &problems));
        if let Err(e) = outcome {
            check_mark::forget(path);
            return Err(crate::backup::with_restore_hint(e, path));
        }
        self.checked.store(true, Ordering::Relaxed);
        if let Some(f) = fingerprint {
            check_mark::record(path, &f, began);
        }
        Ok(())
    }
}

/// `quick_check` of every table (and its indexes) except the Kolada reference data.
fn quick_check_own_data(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'kolada_%' AND name NOT LIKE 'sqlite_%'")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut problems = Vec::new();
    for t in tables {
        let mut stmt = conn.prepare(&format!("PRAGMA quick_check(\"{}\")", t.replace('"', "\"\"")))?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?.collect::<rusqlite::Result<Vec<_>>>()?;
        problems.extend(rows.into_iter().filter(|r| r != "ok"));
    }
    Ok(problems)
}

/// `PRAGMA quick_check`: the problems it finds, none when the file is whole.
pub(crate) fn quick_check(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare("PRAGMA quick_check")?;
    let rows = stmt.query_map([], |r| r.get::<_, String>(0))?.collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows.into_iter().filter(|r| r != "ok").collect())
}

/// A named pipe, a device or a socket given as the database: never opened (reading a pipe
/// would hang, a device has no end), and said so instead of "empty".
fn not_a_file(path: &Path, meta: &std::fs::Metadata) -> AppError {
    let what = msg!("en databasfil", "a database file");
    let e = crate::files::require_regular(path, meta, &what).err().map(|e| e.msg()).unwrap_or(msg!("", ""));
    AppError::new(
        ErrorCode::BadDatabase,
        msg!("{} Ange Styrkort-databasens fil med --db.", "{} Give the Styrkort database's file with --db.", e),
    )
}

fn symlink_loop(path: &Path) -> AppError {
    AppError::io(msg!(
        "{} är en symbolisk länk som pekar på sig själv i en slinga. Ta bort länken eller ange databasfilen direkt med --db.",
        "{} is a symbolic link that points to itself in a loop. Remove the link or give the database file directly with --db.",
        path.display()
    ))
}

fn empty_file(path: &Path) -> AppError {
    AppError::new(
        ErrorCode::BadDatabase,
        msg!(
            "{} är tom (0 byte) och är ingen Styrkort-databas. Filen har inte ändrats. Återställ en säkerhetskopia, eller ta bort den tomma filen om du vill börja om med en ny databas.", "{} is empty (0 bytes) and is not a Styrkort database. The file has not been changed. Restore a backup, or delete the empty file if you want to start over with a new database.",
            path.display()
        ),
    )
}

/// Build a new database under a temporary name and link it into place only when its schema
/// is complete; a database someone else created meanwhile is left alone.
fn create_new(path: &Path, migrations: &Migrations<'_>) -> Result<()> {
    let mut name = path.as_os_str().to_owned();
    name.push(format!(".ny-{}", std::process::id()));
    let tmp = PathBuf::from(name);
    let cannot_create = |e: std::io::Error| {
        AppError::io(msg!(
            "Databasen {} kunde inte skapas ({e}). Kontrollera att mappen går att skriva till, eller välj en annan plats med --db.",
            "The database {} could not be created ({e}). Check that the folder can be written to, or choose another place with --db.",
            path.display()
        ))
    };
    let _ = std::fs::remove_file(&tmp);
    let built = (|| -> Result<()> {
        let mut conn = Connection::open_with_flags(
            &tmp,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        migrate(&mut conn, migrations)?;
        conn.close().map_err(|(_, e)| e)?;
        std::fs::File::open(&tmp).and_then(|f| f.sync_all()).map_err(cannot_create)?;
        Ok(())
    })();
    let linked = built.and_then(|()| match std::fs::hard_link(&tmp, path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        // File systems without hard links: a rename is atomic too.
        Err(_) => std::fs::rename(&tmp, path).map_err(cannot_create),
    });
    let _ = std::fs::remove_file(&tmp);
    let _ = std::fs::remove_file(PathBuf::from(format!("{}-journal", tmp.display())));
    linked?;
    #[cfg(unix)]
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
    }
    Ok(())
}

fn bad_database(err: rusqlite::Error, path: Option<&Path>) -> AppError {
    let mut e = AppError::from(err);
    if e.code == ErrorCode::BadDatabase {
        if let Some(p) = path {
            let m = msg!(
                "{} är inte en fungerande Styrkort-databas (skadad, avkortad eller av annat slag). Filen har inte ändrats; återställ den senaste säkerhetskopian eller välj en annan fil.",
                "{} is not a working Styrkort database (damaged, truncated or of another kind). The file has not been changed; restore the latest backup or choose another file.",
                p.display()
            );
            (e.message, e.message_en) = (m.sv, m.en);
        }
    }
    e
}

/// Used by writers to check references before touching rows.
/// Rows per table, for tests and restore previews.
pub(crate) fn table_counts(db: Read<'_>) -> Result<Vec<(String, i64)>> {
    let tables = [
        "org_unit",
        "plan_year",
        "perspective",
        "goal",
        "goal_link",
        "indicator",
        "indicator_target",
        "indicator_value",
        "activity",
        "follow_up_period",
        "assessment",
        "audit_log",
    ];
    tables
        .iter()
        .map(|t| {
            let n: i64 = db.conn().query_row(&format!("SELECT COUNT(*) FROM {t}"), [], |r| r.get(0))?;
            Ok((t.to_string(), n))
        })
        .collect()
}

pub(crate) fn exists(db: sql::Db<'_>, sql: &str, id: impl sql::ToValue) -> Result<bool> {
    use sql::OptionalExtension;
    Ok(db.query_row(sql, [id], |_| Ok(())).optional()?.is_some())
}

#[cfg(test)]
mod tests {
    thread_local! {
        /// How far [`check_began`] is ahead of the clock in this test's thread.
        pub(super) static CLOCK_AHEAD: std::cell::Cell<std::time::Duration> = const { std::cell::Cell::new(std::time::Duration::ZERO) };
    }

    /// Checks from now on count as begun long after the file's last change, so a passed
    /// check leaves its mark (real checks wait until the file has settled).
    fn settled_clock() {
        CLOCK_AHEAD.with(|c| c.set(std::time::Duration::from_secs(60)));
    }

    fn demo_file(dir: &Path) -> PathBuf {
        let db = dir.join("styrkort.db");
        let mut store = Store::open(&db).unwrap();
        crate::seed::load_demo(&mut store, &ChangeContext::new("test", "2026-11-26T10:00:00")).unwrap();
        drop(store);
        db
    }

    fn page_checked(store: &Store) -> bool {
        store.checked.load(Ordering::Relaxed)
    }

    /// Garble one page in the middle of the file (the demo is small: the whole file is checked).
    fn garble_a_page(db: &Path) {
        let mut bytes = std::fs::read(db).unwrap();
        let page = 4096;
        let middle = (bytes.len() / page / 2) * page;
        for (i, b) in bytes[middle..middle + page].iter_mut().enumerate() {
            *b = (i * 31 % 251) as u8;
        }
        std::fs::write(db, &bytes).unwrap();
    }

    #[test]
    fn an_unchanged_file_opens_without_its_page_check_and_a_changed_one_is_checked_again() {
        settled_clock();
        let dir = tempfile::tempdir().unwrap();
        let db = demo_file(dir.path());
        assert!(page_checked(&Store::open(&db).unwrap()), "checked, and marked");
        assert!(db.with_file_name("styrkort.db-kontroll").exists());
        let store = Store::open(&db).unwrap();
        assert!(!page_checked(&store), "unchanged since: not read page by page");
        assert!(!page_checked(&Store::open_read_only(&db).unwrap()));
        drop(store);

        // Another program changes the file: the next open checks it again.
        Connection::open(&db).unwrap().execute("UPDATE setting SET value = 'Annan kommun' WHERE key = 'municipality_name'", []).unwrap();
        assert!(page_checked(&Store::open(&db).unwrap()));
        assert!(!page_checked(&Store::open(&db).unwrap()));

        // Another program writes and keeps the file open: what it wrote is in the WAL.
        let other = Connection::open(&db).unwrap();
        other.execute("UPDATE setting SET value = 'Tredje kommun' WHERE key = 'municipality_name'", []).unwrap();
        assert!(db.with_file_name("styrkort.db-wal").metadata().unwrap().len() > 0);
        assert!(page_checked(&Store::open(&db).unwrap()), "a WAL with new frames is a change");
        drop(other);

        // A check that began right after the file changed leaves no mark.
        CLOCK_AHEAD.with(|c| c.set(std::time::Duration::ZERO));
        Connection::open(&db).unwrap().execute("UPDATE setting SET value = 'Fjärde kommun' WHERE key = 'municipality_name'", []).unwrap();
        assert!(page_checked(&Store::open(&db).unwrap()));
        assert!(page_checked(&Store::open(&db).unwrap()), "not settled: checked again");
    }

    #[test]
    fn a_damaged_file_is_refused_before_a_write_or_a_backup_even_when_its_mark_holds() {
        settled_clock();
        let dir = tempfile::tempdir().unwrap();
        let db = demo_file(dir.path());
        drop(Store::open(&db).unwrap());
        // Damage the file system never saw (a bad disk): the mark still matches the file.
        garble_a_page(&db);
        let fingerprint = check_mark::Fingerprint::of(&db).unwrap();
        check_mark::record(&db, &fingerprint, check_began());
        let bytes = std::fs::read(&db).unwrap();

        let mut store = Store::open(&db).expect("the mark holds: opened without the page check");
        assert!(!page_checked(&store));
        let ctx = ChangeContext::new("test", "2026-11-26T10:00:00");
        let err = store.write(&ctx, |w| settings::set(w, "x", "y")).unwrap_err();
        assert_eq!(err.code, ErrorCode::BadDatabase, "{}", err.message);
        assert!(err.message.contains("skadad"), "{}", err.message);
        let err = crate::backup::back_up_now(&store, chrono::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap().and_hms_opt(10, 0, 0).unwrap())
            .unwrap_err();
        assert_eq!(err.code, ErrorCode::BadDatabase);
        let err = crate::backup::back_up_to(&store, &dir.path().join("kopia.db")).unwrap_err();
        assert_eq!(err.code, ErrorCode::BadDatabase);
        drop(store);
        assert_eq!(std::fs::read(&db).unwrap(), bytes, "nothing was written");
        assert!(crate::backup::list(&db).unwrap().is_empty() && !dir.path().join("kopia.db").exists(), "nothing was backed up");
        // The failed check took the mark away: the next open checks, and refuses.
        assert!(!db.with_file_name("styrkort.db-kontroll").exists());
        assert_eq!(Store::open(&db).err().map(|e| e.code), Some(ErrorCode::BadDatabase));
    }

    #[test]
    fn a_passed_deferred_check_counts_for_the_store_and_marks_the_file() {
        settled_clock();
        let dir = tempfile::tempdir().unwrap();
        let db = demo_file(dir.path());
        let (mut store, check) = Store::open_deferring(&db, 0).unwrap();
        assert!(!page_checked(&store));
        check.unwrap().run().unwrap();
        assert!(page_checked(&store), "a write needs no second check");
        store.write(&ChangeContext::new("test", "2026-11-26T10:00:00"), |w| settings::set(w, "x", "y")).unwrap();
        drop(store);
        // Written since: the mark no longer holds.
        assert!(page_checked(&Store::open(&db).unwrap()));
    }

    #[test]
    fn the_check_for_large_files_reads_our_tables_and_finds_a_healthy_file_whole() {
        let store = Store::open_in_memory().unwrap();
        assert_eq!(quick_check_own_data(store.conn()).unwrap(), Vec::<String>::new());
        // A table name it cannot check is an error, not a silent pass.
        assert!(store.conn().prepare("PRAGMA quick_check(\"no_such_table\")").and_then(|mut s| s.query([]).map(|_| ())).is_err());
    }

    use super::*;

    #[test]
    fn migrations_are_valid() {
        assert!(migrations().validate().is_ok());
    }

    #[test]
    fn schema_version_matches_migration_count() {
        let store = Store::open_in_memory().unwrap();
        let v: i64 = store.conn().query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
        assert_eq!(v, schema_version());
    }

    #[test]
    fn foreign_keys_are_enforced() {
        let store = Store::open_in_memory().unwrap();
        let err = store.conn().execute("INSERT INTO org_unit(parent_id, kind, name) VALUES (999, 'enhet', 'X')", []).unwrap_err();
        assert!(err.to_string().contains("FOREIGN KEY"), "{err}");
    }

    #[test]
    fn a_large_file_opens_at_once_and_its_damage_is_found_by_the_deferred_check() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("stor.db");
        {
            let mut store = Store::open(&db).unwrap();
            let ctx = ChangeContext::new("test", "2026-11-26T10:00:00");
            crate::seed::load_demo(&mut store, &ctx).unwrap();
            store.conn().execute_batch("PRAGMA wal_checkpoint(TRUNCATE);").unwrap();
        }
        // Sound: opens, and the check finds nothing.
        let (store, check) = Store::open_deferring(&db, 0).unwrap();
        check.expect("a check is left for later").run().unwrap();
        drop(store);
        // Garble a page in the middle of the file: the start does not notice, the check does.
        let mut bytes = std::fs::read(&db).unwrap();
        let page = 4096;
        let middle = (bytes.len() / page / 2) * page;
        for (i, b) in bytes[middle..middle + page].iter_mut().enumerate() {
            *b = (i * 31 % 251) as u8;
        }
        std::fs::write(&db, &bytes).unwrap();
        let (_store, check) = Store::open_deferring(&db, 0).unwrap();
        let err = check.unwrap().run().unwrap_err();
        assert_eq!(err.code, ErrorCode::BadDatabase, "{}", err.message);
        assert!(err.message.contains("skadad"), "{}", err.message);
        // A small file is still checked in full before it opens.
        assert_eq!(Store::open_deferring(&db, u64::MAX).err().map(|e| e.code), Some(ErrorCode::BadDatabase));
    }
}
