//! Whole-database operations behind the backups ([`crate::backup`]): a snapshot of a live
//! database with SQLite's online backup API, made into one self-contained, checked file,
//! and what a database file is and holds (identity, schema version, last change). Where
//! backups go, what they are called and which are kept stays in `backup.rs`.

use std::path::Path;
use std::time::{Duration, Instant};

use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, OpenFlags};

use super::{journal, settings, units, Read, Store, BUSY_TIMEOUT};
use crate::backup::BackupSummary;
use crate::error::{AppError, ErrorCode, Result};
use crate::msg;

/// A database file opened read-only as it is, without any check: for reading who a file
/// is, and for taking the "före återställning" backup while a restore holds the write lock
/// on another connection.
pub(crate) struct PlainReader {
    conn: Connection,
}

impl PlainReader {
    pub(crate) fn open(path: &Path) -> Result<Self> {
        let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        Ok(Self { conn })
    }

    pub(crate) fn read(&self) -> Read<'_> {
        Read { db: super::sql::Db::Sqlite(&self.conn) }
    }
}

/// Copy the database behind `src` into a new file at `part` with the online backup API (a
/// consistent snapshot even while another program writes), switch the copy to a single
/// self-contained file (no WAL), check it with `quick_check` and close it. The caller
/// flushes and renames it into place, and removes it on failure.
pub(crate) fn snapshot(src: Read<'_>, part: &Path) -> Result<()> {
    {
        let mut out = Connection::open(part)?;
        let backup = Backup::new(src.conn().sqlite("säkerhetskopia")?, &mut out)?;
        run_backup(&backup)?;
    }
    // The copy carries the source's WAL flag; make it one file that opens anywhere.
    let out = Connection::open(part)?;
    let _: String = out.query_row("PRAGMA journal_mode=DELETE", [], |r| r.get(0))?;
    let problems = super::quick_check(&out)?;
    if !problems.is_empty() {
        return Err(AppError::new(
            ErrorCode::BadDatabase,
            msg!("Kopian är inte hel ({}).", "The copy is not whole ({}).", problems.join("; ")),
        ));
    }
    out.close().map_err(|(_, e)| e)?;
    Ok(())
}

/// Run a backup to the end, waiting a while if another program is writing.
fn run_backup(backup: &Backup<'_, '_>) -> rusqlite::Result<()> {
    let deadline = Instant::now() + BUSY_TIMEOUT;
    loop {
        match backup.step(-1)? {
            StepResult::Done => return Ok(()),
            StepResult::More => {}
            _ if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(20)),
            _ => {
                return Err(rusqlite::Error::SqliteFailure(
                    rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY),
                    Some("the database stayed busy".into()),
                ))
            }
        }
    }
}

/// The schema version written in the file (`PRAGMA user_version`).
pub fn schema_version_of(db: Read<'_>) -> Result<i64> {
    Ok(db.conn().query_row("PRAGMA user_version", [], |r| r.get(0))?)
}

/// The municipality a database is of: the setting `municipality_name`, else the top unit's name.
pub fn municipality(db: Read<'_>) -> Result<Option<String>> {
    match settings::get(db, "municipality_name")? {
        Some(name) => Ok(Some(name)),
        None => units::top_name(db),
    }
}

/// Who a database is: its identity (setting `database_id`, from schema version 2) and the
/// municipality's name; `None` without an identity.
pub fn identity(db: Read<'_>) -> Result<Option<(String, String)>> {
    let Some(id) = settings::get(db, "database_id")? else {
        return Ok(None);
    };
    Ok(Some((id, municipality(db)?.unwrap_or_else(|| "okänd kommun".into()))))
}

/// What an open database holds, for backup listings and restore previews.
pub fn summary(store: &Store) -> Result<BackupSummary> {
    let db = store.read();
    Ok(BackupSummary {
        schema_version: schema_version_of(db)?,
        municipality: municipality(db)?,
        counts: super::table_counts(db)?,
        last_change: journal::last_change(db)?,
    })
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use rusqlite::Connection;
    use rusqlite_migration::{Migrations, M};

    use crate::backup::{list, BackupKind};
    use crate::error::ErrorCode;
    use crate::store::{ChangeContext, Store};

    #[test]
    fn an_upgrade_is_preceded_by_a_backup_and_a_failed_one_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("styrkort.db");
        let ctx = ChangeContext::new("Testare", "2026-11-26T09:00:00");
        let version = |p: &Path| -> i64 { Connection::open(p).unwrap().query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap() };
        let v1 = include_str!("migrations/0001_initial.sql");
        // A database of schema version 1, whatever the current version is.
        Store::open_with_schema(&db, &Migrations::new(vec![M::up(v1)]), 1)
            .unwrap()
            .write(&ctx, |w| crate::store::settings::set(w, "före", "ja"))
            .unwrap();

        // A version 2 that fails half-way: backed up first, then rolled back entirely.
        let failing = Migrations::new(vec![M::up(v1), M::up("ALTER TABLE setting ADD COLUMN x TEXT; INSERT INTO finns_inte VALUES (1);")]);
        let err = Store::open_with_schema(&db, &failing, 2).err().unwrap();
        assert!(err.message.contains("kunde inte uppgraderas") && err.message.contains("inte ändrats"), "{}", err.message);
        assert_eq!(version(&db), 1);
        let columns: i64 =
            Connection::open(&db).unwrap().query_row("SELECT COUNT(*) FROM pragma_table_info('setting')", [], |r| r.get(0)).unwrap();
        assert_eq!(columns, 2, "the half-done step was rolled back");
        let made = list(&db).unwrap();
        assert_eq!(made.len(), 1);
        assert_eq!(made[0].kind, BackupKind::BeforeMigration);
        assert!(made[0].file_name.ends_with("-fore-uppgradering-v1.db"), "{}", made[0].file_name);

        // A working version 2: another backup of version 1, then the upgrade.
        let working = Migrations::new(vec![M::up(v1), M::up("ALTER TABLE setting ADD COLUMN note TEXT;")]);
        let store = Store::open_with_schema(&db, &working, 2).unwrap();
        assert_eq!(store.setting("före").unwrap().as_deref(), Some("ja"));
        drop(store);
        assert_eq!(version(&db), 2);
        let made = list(&db).unwrap();
        assert_eq!(made.len(), 2);
        for m in &made {
            assert_eq!(version(Path::new(&m.path)), 1, "{} holds version 1", m.file_name);
        }
        // Opening again does not back up again: nothing to upgrade.
        Store::open_with_schema(&db, &working, 2).unwrap();
        assert_eq!(list(&db).unwrap().len(), 2);

        // A build that knows only version 1 refuses the upgraded file and names a backup it can open.
        let err = Store::open_with_schema(&db, &Migrations::new(vec![M::up(v1)]), 1).err().unwrap();
        assert_eq!(err.code, ErrorCode::NewerDatabase);
        assert!(err.message.contains("fore-uppgradering-v1"), "{}", err.message);
    }
}
