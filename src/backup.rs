//! Backups of the database file, and restoring one.
//!
//! Backups live in a `backups` folder beside the database, one self-contained SQLite file
//! each, made with SQLite's online backup API (a consistent snapshot even while another
//! program writes). Each is written under a temporary name, checked with `quick_check`,
//! flushed to disk and only then renamed into place, so a backup that exists is whole.
//!
//! The file name says which database, when and why, and the folder listing is the only
//! record (the date of the last daily backup is read from it, never stored elsewhere):
//!
//! ```text
//! styrkort-2026-11-26-daglig.db                       once a day on start
//! styrkort-2026-11-26T101500-manuell.db               "säkerhetskopiera nu"
//! styrkort-2026-11-20T163000-fore-uppgradering-v1.db  before a migration (stamp: file's last change)
//! styrkort-2026-11-26T101500-fore-aterstallning.db    the current file, before a restore
//! ```
//!
//! Rotation touches daily backups only: it keeps the newest of each of the 7 latest days and
//! of each of the 4 latest ISO weeks (the two rules overlap, as in restic's `--keep-daily 7
//! --keep-weekly 4`). Manual backups and those made before an upgrade or a restore are never
//! removed automatically.

use std::fs;
use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use serde::Serialize;
use ts_rs::TS;

use crate::error::{AppError, ErrorCode, Msg, Result};
use crate::msg;
use crate::store::database_file::{self, PlainReader};
use crate::store::{ChangeContext, Read, Store};
use crate::text::count_sv;

/// Name of the folder beside the database that holds its backups.
pub const BACKUP_DIR: &str = "backups";

/// Daily backups of this many latest days are kept.
pub const KEEP_DAILY: usize = 7;
/// Besides, the newest daily backup of this many latest ISO weeks is kept.
pub const KEEP_WEEKLY: usize = 4;

/// Why a backup was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum BackupKind {
    /// Automatic, at most once a day when the program starts.
    Daily,
    /// Made by the user ("säkerhetskopiera nu").
    Manual,
    /// Automatic, just before the schema was upgraded.
    BeforeMigration,
    /// The database as it was just before a backup was restored over it.
    BeforeRestore,
}

const KINDS: [BackupKind; 4] = [BackupKind::Daily, BackupKind::Manual, BackupKind::BeforeMigration, BackupKind::BeforeRestore];

impl BackupKind {
    /// The word in the file name.
    fn slug(self) -> &'static str {
        match self {
            BackupKind::Daily => "daglig",
            BackupKind::Manual => "manuell",
            BackupKind::BeforeMigration => "fore-uppgradering",
            BackupKind::BeforeRestore => "fore-aterstallning",
        }
    }

    /// Swedish label for lists.
    /// The kind in words, in both languages, for messages.
    pub fn label(self) -> Msg {
        let en = match self {
            BackupKind::Daily => "daily",
            BackupKind::Manual => "manual",
            BackupKind::BeforeMigration => "before upgrade",
            BackupKind::BeforeRestore => "before restore",
        };
        Msg { sv: self.label_sv().to_string(), en: en.to_string() }
    }
    pub fn label_sv(self) -> &'static str {
        match self {
            BackupKind::Daily => "daglig",
            BackupKind::Manual => "manuell",
            BackupKind::BeforeMigration => "före uppgradering",
            BackupKind::BeforeRestore => "före återställning",
        }
    }
}

/// One backup file in the backups folder.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct BackupEntry {
    /// Full path of the backup file.
    pub path: String,
    pub file_name: String,
    pub kind: BackupKind,
    /// When it was taken: "2026-11-26" (daily) or "2026-11-26T10:15:00".
    pub taken: String,
    pub size_bytes: i64,
}

impl BackupEntry {
    /// The day the backup was taken.
    pub fn date(&self) -> Option<NaiveDate> {
        self.taken.get(..10).and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
    }
}

/// What a database (or a backup of one) holds, read without changing it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct BackupSummary {
    pub schema_version: i64,
    /// The municipality's name, from the settings (or the top unit).
    pub municipality: Option<String>,
    /// Rows per table, as [`Store::counts`].
    pub counts: Vec<(String, i64)>,
    /// Time of the latest change in the audit log.
    pub last_change: Option<String>,
}

/// A backup with what it holds, or why it cannot be used; for the restore list.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct BackupPreview {
    pub entry: BackupEntry,
    pub summary: Option<BackupSummary>,
    /// Set when the backup cannot be opened by this version (damaged, newer); Swedish.
    pub problem: Option<String>,
    /// The same in English.
    pub problem_en: Option<String>,
    /// Set when the backup is a copy of another database (another municipality's file put in
    /// the folder): restoring it replaces the whole database with that one, so the window
    /// asks again and the CLI wants `--annan-databas`. Swedish.
    pub other_database: Option<String>,
    /// The same in English.
    pub other_database_en: Option<String>,
}

/// What a restore did.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct RestoreOutcome {
    /// The copy of the database as it was before; `None` when there was no file.
    pub previous: Option<BackupEntry>,
    /// The database after the restore (and after any upgrade).
    pub summary: BackupSummary,
}

/// The backups folder of the database at `db`.
pub fn backup_dir(db: &Path) -> PathBuf {
    match db.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.join(BACKUP_DIR),
        _ => PathBuf::from(BACKUP_DIR),
    }
}

fn db_stem(db: &Path) -> String {
    db.file_stem().map(|s| s.to_string_lossy().into_owned()).filter(|s| !s.is_empty()).unwrap_or_else(|| "styrkort".into())
}

/// Parse a backup file name of the database with stem `stem`.
fn parse_name(stem: &str, file_name: &str) -> Option<(BackupKind, String)> {
    let rest = file_name.strip_prefix(stem)?.strip_prefix('-')?.strip_suffix(".db")?;
    let (taken, rest) = if let Some(t) = rest.get(..17).and_then(|s| NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H%M%S").ok()) {
        (t.format("%Y-%m-%dT%H:%M:%S").to_string(), &rest[17..])
    } else {
        let d = rest.get(..10).and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())?;
        (d.format("%Y-%m-%d").to_string(), &rest[10..])
    };
    let rest = rest.strip_prefix('-')?;
    let kind = KINDS.into_iter().find(|k| rest == k.slug() || rest.starts_with(&format!("{}-", k.slug())))?;
    Some((kind, taken))
}

/// The backups of the database at `db`, newest first. A missing folder is an empty list.
pub fn list(db: &Path) -> Result<Vec<BackupEntry>> {
    let dir = backup_dir(db);
    let read = match fs::read_dir(&dir) {
        Ok(r) => r,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => {
            return Err(AppError::io(msg!(
                "Mappen med säkerhetskopior {} kunde inte läsas ({e}). Kontrollera behörigheterna.",
                "The backup folder {} could not be read ({e}). Check the permissions.",
                dir.display()
            )))
        }
    };
    let stem = db_stem(db);
    let mut out = Vec::new();
    for item in read {
        let Ok(item) = item else { continue };
        let name = item.file_name().to_string_lossy().into_owned();
        let Some((kind, taken)) = parse_name(&stem, &name) else { continue };
        let Ok(meta) = item.metadata() else { continue };
        if !meta.is_file() {
            continue;
        }
        out.push(BackupEntry {
            path: item.path().to_string_lossy().into_owned(),
            file_name: name,
            kind,
            taken,
            size_bytes: i64::try_from(meta.len()).unwrap_or(i64::MAX),
        });
    }
    out.sort_by(|a, b| b.taken.cmp(&a.taken).then_with(|| b.file_name.cmp(&a.file_name)));
    Ok(out)
}

/// The backups with what each holds, newest first, for choosing one to restore.
pub fn previews(db: &Path) -> Result<Vec<BackupPreview>> {
    let ours = current_identity(db);
    Ok(list(db)?
        .into_iter()
        .map(|entry| {
            let opened = Store::open_backup(Path::new(&entry.path));
            match opened.and_then(|store| Ok((summarize(&store)?, database_file::identity(store.read())?))) {
                Ok((summary, theirs)) => {
                    let other = other_database_warning(ours.as_ref(), theirs.as_ref());
                    BackupPreview {
                        entry,
                        summary: Some(summary),
                        problem: None,
                        problem_en: None,
                        other_database_en: other.as_ref().map(|m| m.en.clone()),
                        other_database: other.map(|m| m.sv),
                    }
                }
                Err(e) => BackupPreview {
                    entry,
                    summary: None,
                    problem: Some(e.message),
                    problem_en: Some(e.message_en),
                    other_database: None,
                    other_database_en: None,
                },
            }
        })
        .collect())
}

/// Open a backup (or any database file) read-only, check it and say what it holds.
pub fn inspect(path: &Path) -> Result<BackupSummary> {
    let store = Store::open_backup(path)?;
    summarize(&store)
}

/// What an open database holds.
pub fn summarize(store: &Store) -> Result<BackupSummary> {
    database_file::summary(store)
}

/// Make today's automatic backup unless the listing already has one for `today`, then
/// rotate the daily backups. Returns the new backup, or `None` when there was one already
/// (or the database lives in memory).
pub fn back_up_daily(store: &Store, today: NaiveDate) -> Result<Option<BackupEntry>> {
    let Some(db) = store.path() else { return Ok(None) };
    if list(db)?.iter().any(|e| e.kind == BackupKind::Daily && e.date() == Some(today)) {
        return Ok(None);
    }
    // A damaged file never becomes a backup (nor pushes a good one out of the rotation).
    store.ensure_checked()?;
    let entry = write_backup(store.read(), db, &today.format("%Y-%m-%d").to_string(), BackupKind::Daily, "")?;
    rotate(db)?;
    Ok(Some(entry))
}

/// "Säkerhetskopiera nu": a manual backup in the backups folder, stamped `at`.
pub fn back_up_now(store: &Store, at: NaiveDateTime) -> Result<BackupEntry> {
    if store.is_shared() {
        return Err(AppError::validation(msg!(
            "Den gemensamma databasen har ingen mapp med säkerhetskopior på den här datorn. Spara en kopia till en fil du väljer (styrkort backup --out FIL); kommunens IT säkerhetskopierar servern.",
            "The shared database has no backups folder on this computer. Save a copy to a file you choose (styrkort backup --out FILE); the municipality's IT backs up the server."
        )));
    }
    let db = store.path().ok_or_else(|| {
        AppError::validation(msg!("En databas i minnet kan inte säkerhetskopieras.", "A database in memory cannot be backed up."))
    })?;
    store.ensure_checked()?;
    write_backup(store.read(), db, &at.format("%Y-%m-%dT%H%M%S").to_string(), BackupKind::Manual, "")
}

/// A backup to a file the user chose. An existing file is never overwritten, and the
/// database's own files and backups folder are refused ([`crate::files::check_new_output`]).
pub fn back_up_to(store: &Store, dest: &Path) -> Result<()> {
    if let Some(dir) = dest.parent().filter(|d| !d.as_os_str().is_empty()) {
        if !dir.is_dir() {
            return Err(AppError::not_found(msg!(
                "Mappen {} finns inte. Välj en befintlig mapp för säkerhetskopian.",
                "The folder {} does not exist. Choose an existing folder for the backup.",
                dir.display()
            )));
        }
    }
    if let Some(url) = store.shared_url() {
        // The same SQLite backup file as from a laptop's file, so restore and exchange files
        // work with it; copied through a connection of its own, in one snapshot.
        crate::store::copy::postgres_to_sqlite(url, dest, None, &mut |_, _| {})?;
        return Ok(());
    }
    let target = crate::files::check_new_output(dest, store.path())?;
    store.ensure_checked()?;
    write_snapshot(store.read(), &target)
}

/// A restore over the shared database is not Styrkort's to make: it would replace every
/// unit's work under everyone's feet. The server is restored by municipal IT.
pub fn refuse_restore_shared() -> AppError {
    AppError::validation(msg!(
        "En säkerhetskopia kan inte återställas över den gemensamma databasen härifrån: det skulle ersätta allas arbete. Kommunens IT återställer servern (pg_dump eller point-in-time recovery); en kopia i en fil kan öppnas på den här datorn med --db FIL.",
        "A backup cannot be restored over the shared database from here: it would replace everyone's work. The municipality's IT restores the server (pg_dump or point-in-time recovery); a copy in a file can be opened on this computer with --db FILE."
    ))
}

/// The backup made before a migration; the stamp is the time the file last changed, so the
/// name tells how old the data is.
pub(crate) fn back_up_before_migration(src: Read<'_>, db: &Path, from_version: i64) -> Result<BackupEntry> {
    let changed = [db.to_path_buf(), sidecar(db, "-wal")].iter().filter_map(|p| fs::metadata(p).and_then(|m| m.modified()).ok()).max();
    let stamp = changed
        .map(|t| chrono::DateTime::<chrono::Local>::from(t).format("%Y-%m-%dT%H%M%S").to_string())
        .unwrap_or_else(|| "1970-01-01T000000".into());
    write_backup(src, db, &stamp, BackupKind::BeforeMigration, &format!("-v{from_version}")).map_err(|e| {
        AppError::new(
            e.code,
            msg!(
                "{} Uppgraderingen av databasen gjordes inte, eftersom säkerhetskopian före uppgraderingen inte kunde sparas.",
                "{} The database was not upgraded, because the backup before the upgrade could not be saved.",
                e.message
            ),
        )
    })
}

/// Which of the daily backups (dates newest first) rotation keeps.
pub fn retained(dates_newest_first: &[NaiveDate]) -> Vec<bool> {
    let mut days: Vec<NaiveDate> = Vec::new();
    let mut weeks: Vec<(i32, u32)> = Vec::new();
    dates_newest_first
        .iter()
        .map(|d| {
            let mut keep = false;
            if !days.contains(d) && days.len() < KEEP_DAILY {
                days.push(*d);
                keep = true;
            }
            let w = (d.iso_week().year(), d.iso_week().week());
            if !weeks.contains(&w) && weeks.len() < KEEP_WEEKLY {
                weeks.push(w);
                keep = true;
            }
            keep
        })
        .collect()
}

/// Remove the daily backups rotation does not keep. Returns the removed files.
pub fn rotate(db: &Path) -> Result<Vec<PathBuf>> {
    let daily: Vec<BackupEntry> = list(db)?.into_iter().filter(|e| e.kind == BackupKind::Daily).collect();
    let dates: Vec<NaiveDate> = daily.iter().map(|e| e.date().unwrap_or(NaiveDate::MIN)).collect();
    let mut removed = Vec::new();
    for (entry, keep) in daily.iter().zip(retained(&dates)) {
        if !keep {
            fs::remove_file(&entry.path).map_err(|e| {
                AppError::io(msg!(
                    "Den gamla säkerhetskopian {} kunde inte tas bort ({e}).",
                    "The old backup {} could not be deleted ({e}).",
                    entry.path
                ))
            })?;
            removed.push(PathBuf::from(&entry.path));
        }
    }
    Ok(removed)
}

/// Find a backup the user named: a path as given, else a file name in the backups folder.
pub fn resolve(db: &Path, name: &Path) -> Result<PathBuf> {
    if name.is_file() {
        return Ok(name.to_path_buf());
    }
    let in_dir = backup_dir(db).join(name);
    if in_dir.is_file() {
        return Ok(in_dir);
    }
    Err(AppError::not_found(msg!(
        "Säkerhetskopian {} finns inte, varken som fil eller i {}. Se vilka som finns med 'styrkort --db {} backups'.",
        "The backup {} does not exist, neither as a file nor in {}. See which backups exist with 'styrkort --db {} backups'.",
        name.display(),
        backup_dir(db).display(),
        db.display()
    )))
}

/// Put the backup at `backup` in place of the database at `db`.
///
/// The backup is checked first (whole, readable by this version, and from the same database
/// unless `other_database` says the user chose another municipality's file knowingly); a
/// private copy of it is upgraded to this version's schema. Then, holding SQLite's write lock
/// on the live database the whole time ([`crate::store::replace`]): the current contents are
/// kept as a "före återställning" backup and every row is replaced by the copy's in one
/// transaction that other programs see as one change. A program that wants to write meanwhile
/// waits for the lock or gets `database_busy`; none commits into a file that disappears.
/// A damaged database (nothing can write to it) is kept as a plain copy of its bytes and
/// replaced by renaming a finished copy into place. The restore is written to the audit log.
pub fn restore(db: &Path, backup: &Path, ctx: &ChangeContext, other_database: bool) -> Result<RestoreOutcome> {
    let stamp = NaiveDateTime::parse_from_str(ctx.at.get(..19).unwrap_or(&ctx.at), "%Y-%m-%dT%H:%M:%S")
        .map_err(|_| {
            AppError::validation(msg!(
                "Tiden '{}' är inte på formen ÅÅÅÅ-MM-DDTHH:MM:SS.",
                "The time '{}' is not of the form YYYY-MM-DDTHH:MM:SS.",
                ctx.at
            ))
        })?
        .format("%Y-%m-%dT%H%M%S")
        .to_string();
    if same_file(db, backup) {
        return Err(AppError::validation(msg!(
            "Välj en säkerhetskopia att återställa, inte själva databasen.",
            "Choose a backup to restore, not the database itself."
        )));
    }
    let source = Store::open_backup(backup).map_err(|e| {
        AppError::new(
            e.code,
            msg!(
                "Säkerhetskopian kan inte återställas: {} Databasen har inte ändrats.",
                "The backup cannot be restored: {} The database has not been changed.",
                e.msg()
            ),
        )
    })?;
    let current = if db.exists() { live_store(db) } else { None };
    if let (Some(live), false) = (&current, other_database) {
        if let Some(why) =
            other_database_warning(database_file::identity(live.read())?.as_ref(), database_file::identity(source.read())?.as_ref())
        {
            return Err(AppError::conflict(msg!(
                "{} Återställ den bara om du vill ersätta hela databasen med den andra: kör igen med --annan-databas (i fönstret: bekräfta en gång till). Inget har ändrats.", "{} Restore it only if you want to replace the whole database with the other one: run again with --annan-databas (in the window: confirm once more). Nothing has changed.",
                why
            )));
        }
    }
    let note = format!("{} från {}", ctx.at, backup.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default());
    clean_stale_parts(db);
    let previous = match current {
        Some(live) => {
            let mut conn = live.into_connection()?;
            let copy = crate::store::replace::copy_path(db);
            let prepared = write_snapshot(source.read(), &copy).and_then(|()| crate::store::replace::upgrade_copy(&copy));
            drop(source);
            let done = prepared.and_then(|()| {
                crate::store::replace::replace_all(&mut conn, &copy, ctx, &note, || {
                    // The write lock is held: this is the database exactly as it is replaced.
                    let reader = PlainReader::open(db)?;
                    write_backup(reader.read(), db, &stamp, BackupKind::BeforeRestore, "").map_err(|e| {
                        AppError::new(
                            e.code,
                            msg!(
                                "{} Återställningen gjordes inte; databasen har inte ändrats.",
                                "{} The restore was not done; the database has not been changed.",
                                e.msg()
                            ),
                        )
                    })
                })
            });
            let _ = fs::remove_file(&copy);
            let _ = fs::remove_file(sidecar(&copy, "-journal"));
            Some(done.map_err(|e| if e.code == ErrorCode::DatabaseBusy { e } else { restore_failed(e) })?)
        }
        None => {
            let previous = if db.exists() || sidecar(db, "-wal").exists() { Some(copy_damaged(db, &stamp)?) } else { None };
            let part = sidecar(db, &format!(".aterstalls-{}", std::process::id()));
            write_snapshot(source.read(), &part).map_err(restore_failed)?;
            drop(source);
            for stale in [sidecar(db, "-wal"), sidecar(db, "-shm"), sidecar(db, "-journal")] {
                remove_if_present(&stale).map_err(restore_failed)?;
            }
            fs::rename(&part, db).map_err(|e| {
                restore_failed(AppError::io(msg!("{} kunde inte ersättas ({e}).", "{} could not be replaced ({e}).", db.display())))
            })?;
            sync_dir(db);
            let mut store = Store::open(db)?;
            store.write(ctx, |w| crate::store::settings::set(w, "last_restore", &note))?;
            previous
        }
    };
    let store = Store::open(db)?;
    Ok(RestoreOutcome { previous, summary: summarize(&store)? })
}

/// The identity of the database at `db`, read without checking or changing it; `None` when
/// it cannot be read (missing, damaged, older than version 2).
fn current_identity(db: &Path) -> Option<(String, String)> {
    let reader = PlainReader::open(db).ok()?;
    database_file::identity(reader.read()).ok().flatten()
}

/// Why restoring a backup of `theirs` over `ours` would put another database in its place:
/// `None` when it is the same database, or when either has no identity.
fn other_database_warning(ours: Option<&(String, String)>, theirs: Option<&(String, String)>) -> Option<Msg> {
    let (Some(ours), Some(theirs)) = (ours, theirs) else { return None };
    (ours.0 != theirs.0).then(|| {
        msg!(
            "Säkerhetskopian kommer från en annan databas ({}) än den som är öppen ({}).",
            "The backup comes from another database ({}) than the one that is open ({}).",
            theirs.1,
            ours.1
        )
    })
}

/// Whether the backup at `backup` is a copy of another database than the one at `db`, in
/// words (for the restore preview).
pub fn other_database(db: &Path, backup: &Path) -> Result<Option<String>> {
    let source = Store::open_backup(backup)?;
    Ok(other_database_warning(current_identity(db).as_ref(), database_file::identity(source.read())?.as_ref()).map(|m| m.sv))
}

fn restore_failed(e: AppError) -> AppError {
    AppError::new(
        e.code,
        msg!(
            "Återställningen gjordes inte: {} Databasen är som förut; en kopia av den finns också bland säkerhetskopiorna.",
            "The restore was not done: {} The database is as before; a copy of it is also among the backups.",
            e.msg()
        ),
    )
}

/// A line for error messages about a bad or newer database: the newest backup this version
/// can open, and how to restore it.
pub(crate) fn restore_hint(db: &Path) -> Option<Msg> {
    let usable = list(db).ok()?.into_iter().find(|e| inspect(Path::new(&e.path)).is_ok())?;
    Some(msg!(
        "Den senaste säkerhetskopian som går att använda är {} ({}, {}) i mappen {}. Återställ den i Styrkort eller med kommandot: styrkort --db \"{}\" restore \"{}\"",
        "The newest backup that can be used is {} ({}, {}) in the folder {}. Restore it in Styrkort or with the command: styrkort --db \"{}\" restore \"{}\"",
        usable.file_name,
        usable.taken,
        usable.kind.label(),
        backup_dir(db).display(),
        db.display(),
        usable.file_name
    ))
}

/// Add [`restore_hint`] to an error that means the file cannot be used.
pub(crate) fn with_restore_hint(mut err: AppError, db: &Path) -> AppError {
    if matches!(err.code, ErrorCode::BadDatabase | ErrorCode::NewerDatabase) {
        if let Some(hint) = restore_hint(db) {
            err.message = format!("{} {}", err.message, hint.sv);
            err.message_en = format!("{} {}", err.message_en, hint.en);
        }
    }
    err
}

/// A short Swedish description of what a database holds.
pub fn summary_sv(s: &BackupSummary) -> String {
    let n = |t: &str| s.counts.iter().find(|(name, _)| name == t).map(|(_, n)| *n).unwrap_or(0);
    format!(
        "{}: {}, {} mål, {} nyckeltal, {}, {}, {}; senast ändrad {}",
        s.municipality.as_deref().unwrap_or("(okänd kommun)"),
        count_sv(n("org_unit"), "enhet", "enheter"),
        n("goal"),
        n("indicator"),
        count_sv(n("indicator_value"), "värde", "värden"),
        count_sv(n("activity"), "aktivitet", "aktiviteter"),
        count_sv(n("assessment"), "bedömning", "bedömningar"),
        s.last_change.as_deref().unwrap_or("aldrig")
    )
}

/// The backup list as text, one backup a line, newest first.
pub fn previews_text(db: &Path, previews: &[BackupPreview]) -> String {
    if previews.is_empty() {
        return format!("Inga säkerhetskopior finns ännu i {}.\n", backup_dir(db).display());
    }
    let mut out = format!("Säkerhetskopior i {} (nyast först):\n", backup_dir(db).display());
    for p in previews {
        let what = match (&p.summary, &p.problem) {
            (Some(s), _) if p.other_database.is_some() => format!("OBS! från en annan databas: {}", summary_sv(s)),
            (Some(s), _) => summary_sv(s),
            (None, Some(problem)) => format!("kan inte användas: {problem}"),
            (None, None) => String::new(),
        };
        out.push_str(&format!("{}  {}  ({})  {}\n", p.entry.taken, p.entry.file_name, p.entry.kind.label_sv(), what));
    }
    out
}

// --- writing files ---------------------------------------------------------------------

/// `db` with `suffix` appended to its file name (SQLite's `-wal`, `-shm`, temporary names).
fn sidecar(db: &Path, suffix: &str) -> PathBuf {
    let mut s = db.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (fs::canonicalize(a), fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

fn remove_if_present(path: &Path) -> Result<()> {
    match fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(AppError::io(msg!("{} kunde inte tas bort ({e}).", "{} could not be deleted ({e}).", path.display()))),
    }
}

fn sync_dir(path: &Path) {
    // Makes a rename durable on Unix; elsewhere (and if it fails) the OS flushes it later.
    #[cfg(unix)]
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        if let Ok(d) = fs::File::open(dir) {
            let _ = d.sync_all();
        }
    }
    #[cfg(not(unix))]
    let _ = path;
}

/// A new, unused path in the backups folder for a backup of `kind` stamped `stamp`.
fn new_backup_path(db: &Path, stamp: &str, kind: BackupKind, extra: &str) -> Result<PathBuf> {
    let dir = backup_dir(db);
    fs::create_dir_all(&dir).map_err(|e| {
        AppError::io(msg!(
            "Mappen för säkerhetskopior {} kunde inte skapas ({e}). Kontrollera att mappen där databasen ligger går att skriva till.",
            "The backup folder {} could not be created ({e}). Check that the folder the database is in can be written to.",
            dir.display()
        ))
    })?;
    let base = format!("{}-{stamp}-{}{extra}", db_stem(db), kind.slug());
    let mut path = dir.join(format!("{base}.db"));
    let mut n = 2;
    while path.exists() {
        path = dir.join(format!("{base}-{n}.db"));
        n += 1;
    }
    Ok(path)
}

fn entry_for(path: &Path, db: &Path) -> Result<BackupEntry> {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let (kind, taken) = parse_name(&db_stem(db), &name).ok_or_else(|| {
        AppError::new(
            ErrorCode::Internal,
            msg!("Säkerhetskopians namn {name} kunde inte tolkas.", "The backup name {name} could not be understood."),
        )
    })?;
    let size = fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    Ok(BackupEntry {
        path: path.to_string_lossy().into_owned(),
        file_name: name,
        kind,
        taken,
        size_bytes: i64::try_from(size).unwrap_or(i64::MAX),
    })
}

/// Temporary files a killed backup or restore left behind are removed once nothing has
/// written to them for this long (a backup in progress writes to its file all the time).
const STALE_AFTER: std::time::Duration = std::time::Duration::from_secs(60 * 60);

/// Remove what killed backups and restores left: `*.part` files in the backups folder and a
/// restore's private copies beside the database, once untouched for [`STALE_AFTER`]. Only
/// names Styrkort makes are touched; a failure to remove one is not an error.
pub fn clean_stale_parts(db: &Path) -> Vec<PathBuf> {
    let stale = |path: &Path| {
        fs::symlink_metadata(path)
            .ok()
            .filter(|m| m.is_file())
            .and_then(|m| m.modified().ok())
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > STALE_AFTER)
    };
    let mut removed = Vec::new();
    let stem = db_stem(db);
    if let Ok(items) = fs::read_dir(backup_dir(db)) {
        for item in items.flatten() {
            let name = item.file_name().to_string_lossy().into_owned();
            let ours = name.starts_with(&format!("{stem}-")) && (name.ends_with(".db.part") || name.ends_with(".db.part-journal"));
            if ours && stale(&item.path()) && fs::remove_file(item.path()).is_ok() {
                removed.push(item.path());
            }
        }
    }
    let beside = db.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let prefix = format!("{}.aterstalls-", db.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default());
    if let Ok(items) = fs::read_dir(beside) {
        for item in items.flatten() {
            let name = item.file_name().to_string_lossy().into_owned();
            if name.starts_with(&prefix) && stale(&item.path()) && fs::remove_file(item.path()).is_ok() {
                removed.push(item.path());
            }
        }
    }
    removed
}

fn write_backup(src: Read<'_>, db: &Path, stamp: &str, kind: BackupKind, extra: &str) -> Result<BackupEntry> {
    clean_stale_parts(db);
    let path = new_backup_path(db, stamp, kind, extra)?;
    write_snapshot(src, &path)?;
    entry_for(&path, db)
}

/// Copy the database behind `src` to `dest` with the online backup API
/// ([`database_file::snapshot`]): into a temporary file beside `dest`, self-contained and
/// checked, flushed, and renamed into place. On failure the temporary file is removed and
/// `dest` never appears.
fn write_snapshot(src: Read<'_>, dest: &Path) -> Result<()> {
    let part = sidecar(dest, ".part");
    let result = (|| -> Result<()> {
        remove_if_present(&part)?;
        remove_if_present(&sidecar(&part, "-journal"))?;
        database_file::snapshot(src, &part)?;
        fs::File::open(&part)?.sync_all()?;
        fs::rename(&part, dest)?;
        sync_dir(dest);
        Ok(())
    })();
    if let Err(e) = result {
        let _ = fs::remove_file(&part);
        let _ = fs::remove_file(sidecar(&part, "-journal"));
        return Err(AppError::new(
            e.code,
            msg!("Säkerhetskopian {} kunde inte sparas: {}", "The backup {} could not be saved: {}", dest.display(), e.msg()),
        ));
    }
    Ok(())
}

/// The database at `db` opened for writing when it is a whole Styrkort database that this
/// version can write (brought up to this version's schema first, with the usual backup
/// before the upgrade); `None` when it is damaged, another program's or newer: such a file is
/// kept as a copy of its bytes and replaced, as nothing can be writing to it.
fn live_store(db: &Path) -> Option<Store> {
    // The ordinary open refuses a damaged, foreign or newer file (before writing anything);
    // one it found unchanged since its last check is checked now, before the restore writes.
    Store::open(db).ok().filter(|store| store.ensure_checked().is_ok())
}

/// Keep a damaged database as it is: a plain copy of its bytes (and of its WAL, if any).
fn copy_damaged(db: &Path, stamp: &str) -> Result<BackupEntry> {
    let path = new_backup_path(db, stamp, BackupKind::BeforeRestore, "")?;
    let copy = |from: &Path, to: &Path| -> Result<()> {
        let part = sidecar(to, ".part");
        let done = fs::copy(from, &part).and_then(|_| fs::File::open(&part)?.sync_all()).and_then(|_| fs::rename(&part, to));
        done.map_err(|e| {
            let _ = fs::remove_file(&part);
            AppError::io(msg!(
                "{} kunde inte kopieras till {} ({e}). Återställningen gjordes inte; databasen har inte ändrats.",
                "{} could not be copied to {} ({e}). The restore was not done; the database has not been changed.",
                from.display(),
                to.display()
            ))
        })
    };
    let wal = sidecar(db, "-wal");
    if wal.exists() {
        copy(&wal, &sidecar(&path, "-wal"))?;
    }
    if db.exists() {
        copy(db, &path)?;
    } else {
        // Only a stray WAL: keep it under the backup's name, beside an empty marker file.
        fs::write(&path, b"")
            .map_err(|e| AppError::io(msg!("{} kunde inte skapas ({e}).", "{} could not be created ({e}).", path.display())))?;
    }
    sync_dir(&path);
    entry_for(&path, db)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn names_round_trip_and_foreign_files_are_ignored() {
        assert_eq!(parse_name("styrkort", "styrkort-2026-11-26-daglig.db"), Some((BackupKind::Daily, "2026-11-26".into())));
        assert_eq!(
            parse_name("styrkort", "styrkort-2026-11-26T101500-manuell-2.db"),
            Some((BackupKind::Manual, "2026-11-26T10:15:00".into()))
        );
        assert_eq!(
            parse_name("styrkort", "styrkort-2026-11-20T163000-fore-uppgradering-v1.db"),
            Some((BackupKind::BeforeMigration, "2026-11-20T16:30:00".into()))
        );
        assert_eq!(parse_name("my-db", "my-db-2026-01-02-fore-aterstallning.db").map(|x| x.0), Some(BackupKind::BeforeRestore));
        for foreign in [
            "styrkort-2026-11-26-daglig.db.part",
            "styrkort-2026-11-26-dagligen.db",
            "annan-2026-11-26-daglig.db",
            "styrkort-2026-13-40-daglig.db",
            "my-db-2026-01-02-daglig.db",
        ] {
            let stem = if foreign.starts_with("my") { "my" } else { "styrkort" };
            assert_eq!(parse_name(stem, foreign), None, "{foreign}");
        }
    }

    #[test]
    fn rotation_keeps_seven_days_and_four_weeks() {
        // One backup a day for 60 days, newest first, ending on Thursday 2026-11-26.
        let last = d("2026-11-26");
        let dates: Vec<NaiveDate> = (0..60).map(|i| last - chrono::Days::new(i)).collect();
        let keep = retained(&dates);
        let kept: Vec<NaiveDate> = dates.iter().zip(&keep).filter(|(_, k)| **k).map(|(d, _)| *d).collect();
        assert_eq!(
            kept,
            [
                "2026-11-26",
                "2026-11-25",
                "2026-11-24",
                "2026-11-23",
                "2026-11-22",
                "2026-11-21",
                "2026-11-20",
                // The newest (a Sunday) of each of the two weeks before the dailies.
                "2026-11-15",
                "2026-11-08"
            ]
            .map(d)
        );
        // Sparse backups: each is the newest of its week, so four weeks reach further back.
        let sparse = ["2026-11-26", "2026-10-01", "2026-09-01", "2026-08-01", "2026-07-01"].map(d);
        assert_eq!(retained(&sparse), [true, true, true, true, true], "seven days cover all five");
        let two_a_day = ["2026-11-26", "2026-11-26", "2026-11-25"].map(d);
        assert_eq!(retained(&two_a_day), [true, false, true], "the newest of a day is kept, not its twin");
    }
}
