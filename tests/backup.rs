//! Backups and restore through the core API and the CLI, and the upgrade path: database
//! files of every released schema version (tests/fixtures/db/) open with this version and
//! keep their data.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use chrono::{Days, NaiveDate};
use styrkort::backup::{self, BackupKind};
use styrkort::model::{Gender, ValueSource};
use styrkort::{database, seed, ChangeContext, ErrorCode, Store};

const MINIMAL: &str = include_str!("fixtures/seed-minimal.json");

fn ctx() -> ChangeContext {
    ChangeContext::new("Åsa Kvalitetssamordnare", "2026-11-26T09:00:00")
}

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn at(s: &str) -> chrono::NaiveDateTime {
    chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S").unwrap()
}

fn minimal_db(dir: &Path) -> PathBuf {
    let db = dir.join("styrkort.db");
    let mut store = Store::open(&db).unwrap();
    seed::load(&mut store, &ctx(), "seed-minimal.json", MINIMAL).unwrap();
    db
}

fn count(store: &Store, table: &str) -> i64 {
    store.counts().unwrap().into_iter().find(|(t, _)| t == table).unwrap().1
}

#[test]
fn a_manual_backup_is_one_whole_file_with_the_same_content() {
    let dir = tempfile::tempdir().unwrap();
    let db = minimal_db(dir.path());
    let store = Store::open(&db).unwrap();
    let entry = backup::back_up_now(&store, at("2026-11-26T10:15:00")).unwrap();
    assert_eq!(entry.kind, BackupKind::Manual);
    assert_eq!(entry.taken, "2026-11-26T10:15:00");
    assert_eq!(entry.file_name, "styrkort-2026-11-26T101500-manuell.db");
    assert_eq!(Path::new(&entry.path).parent().unwrap(), dir.path().join("backups"));
    // One self-contained file: not in WAL mode, nothing beside it.
    let header = std::fs::read(&entry.path).unwrap();
    assert_eq!(&header[..16], b"SQLite format 3\0");
    assert_eq!((header[18], header[19]), (1, 1), "rollback-journal mode, so the file opens anywhere");
    let names: Vec<String> =
        std::fs::read_dir(dir.path().join("backups")).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into()).collect();
    assert_eq!(names, [entry.file_name.as_str()]);

    let summary = backup::inspect(Path::new(&entry.path)).unwrap();
    assert_eq!(summary.counts, store.counts().unwrap());
    assert_eq!(summary.municipality.as_deref(), Some("Testköping kommun"));
    assert_eq!(summary.schema_version, styrkort::store::schema_version());
    assert_eq!(summary.last_change.as_deref(), Some("2026-11-26T09:00:00"));
    assert_eq!(backup::list(&db).unwrap(), std::slice::from_ref(&entry));

    // Two in the same second do not overwrite each other.
    let second = backup::back_up_now(&store, at("2026-11-26T10:15:00")).unwrap();
    assert_eq!(second.file_name, "styrkort-2026-11-26T101500-manuell-2.db");
    assert_eq!(backup::list(&db).unwrap().len(), 2);
}

#[test]
fn the_daily_backup_is_made_once_a_day_at_start_and_rotated() {
    let dir = tempfile::tempdir().unwrap();
    let db = minimal_db(dir.path());
    let manual = backup::back_up_now(&Store::open(&db).unwrap(), at("2026-09-01T08:00:00")).unwrap();
    let first = day("2026-09-01");
    for n in 0..60u64 {
        let today = first + Days::new(n);
        // Two starts a day: only the first makes a backup.
        for start in 0..2 {
            let mut session = database::open_session(&db, &ctx(), today).unwrap();
            let made = session.daily_backup.unwrap();
            assert_eq!(made.is_some(), start == 0, "{today} start {start}");
            if let Some(entry) = made {
                assert_eq!(entry.kind, BackupKind::Daily);
                assert_eq!(entry.taken, today.format("%Y-%m-%d").to_string());
            }
            session.store.write(&ctx(), |w| styrkort::store::settings::set(w, "senaste_start", &today.to_string())).unwrap();
        }
    }
    let list = backup::list(&db).unwrap();
    let daily: Vec<&str> = list.iter().filter(|e| e.kind == BackupKind::Daily).map(|e| e.taken.as_str()).collect();
    // 60 days end on Friday 2026-10-30: seven days, then the newest of two more weeks.
    assert_eq!(
        daily,
        ["2026-10-30", "2026-10-29", "2026-10-28", "2026-10-27", "2026-10-26", "2026-10-25", "2026-10-24", "2026-10-18", "2026-10-11"]
    );
    assert!(list.contains(&manual), "manual backups are never rotated away");
    // Each daily backup holds the database as it was that morning.
    let oldest = list.iter().find(|e| e.taken == "2026-10-11").unwrap();
    let store = Store::open_read_only(Path::new(&oldest.path)).unwrap();
    assert_eq!(store.setting("senaste_start").unwrap().as_deref(), Some("2026-10-10"));
}

#[test]
fn restore_brings_back_the_backup_and_keeps_the_current_data_first() {
    let dir = tempfile::tempdir().unwrap();
    let db = minimal_db(dir.path());
    let mut store = Store::open(&db).unwrap();
    let saved = backup::back_up_now(&store, at("2026-11-26T10:00:00")).unwrap();
    let counts_then = store.counts().unwrap();
    let delar = store.resolve_period(2026, "delår").unwrap();
    store.write(&ctx(), |w| styrkort::store::values::set(w, 1, 3, delar.id, Gender::T, 42.0, ValueSource::Manual)).unwrap();
    store.write(&ctx(), |w| styrkort::store::settings::set(w, "efter_kopian", "ja")).unwrap();
    let counts_now = store.counts().unwrap();

    // The desktop app keeps its store open; it sees the restored data afterwards.
    let later = ChangeContext::new("Åsa Kvalitetssamordnare", "2026-11-26T11:30:00");
    let outcome = backup::restore(&db, Path::new(&saved.path), &later, false).unwrap();
    assert_eq!(store.setting("efter_kopian").unwrap(), None);
    assert_eq!(store.setting("last_restore").unwrap().as_deref(), Some("2026-11-26T11:30:00 från styrkort-2026-11-26T100000-manuell.db"));
    let restored: Vec<_> = store.counts().unwrap().into_iter().filter(|(t, _)| t != "audit_log").collect();
    let expected: Vec<_> = counts_then.iter().filter(|(t, _)| t != "audit_log").cloned().collect();
    assert_eq!(restored, expected);
    assert_eq!(count(&store, "audit_log"), counts_then.iter().find(|(t, _)| t == "audit_log").unwrap().1 + 1, "the restore is audited");
    assert_eq!(outcome.summary.counts, store.counts().unwrap());

    // What was there before is kept as a backup, and can itself be restored.
    let previous = outcome.previous.unwrap();
    assert_eq!(previous.kind, BackupKind::BeforeRestore);
    assert_eq!(previous.taken, "2026-11-26T11:30:00");
    assert_eq!(backup::inspect(Path::new(&previous.path)).unwrap().counts, counts_now);
    drop(store);
    backup::restore(&db, Path::new(&previous.path), &ctx(), false).unwrap();
    let store = Store::open(&db).unwrap();
    assert_eq!(store.setting("efter_kopian").unwrap().as_deref(), Some("ja"));
    let conn = rusqlite::Connection::open(&db).unwrap();
    let value: f64 = conn
        .query_row(
            "SELECT value FROM indicator_value WHERE indicator_id=1 AND org_unit_id=3 AND period_id=?1 AND gender='T'",
            [delar.id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(value, 42.0);
}

#[test]
fn restore_refuses_a_damaged_or_newer_backup_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = minimal_db(dir.path());
    let store = Store::open(&db).unwrap();
    let good = backup::back_up_now(&store, at("2026-11-26T10:00:00")).unwrap();
    let before = (store.counts().unwrap(), store.audit_count().unwrap());

    let damaged = dir.path().join("skadad.db");
    let bytes = std::fs::read(&good.path).unwrap();
    std::fs::write(&damaged, &bytes[..bytes.len() / 3]).unwrap();
    let err = backup::restore(&db, &damaged, &ctx(), false).unwrap_err();
    assert_eq!(err.code, ErrorCode::BadDatabase, "{}", err.message);
    assert!(err.message.contains("Databasen har inte ändrats"), "{}", err.message);

    let newer = dir.path().join("nyare.db");
    std::fs::copy(&good.path, &newer).unwrap();
    rusqlite::Connection::open(&newer).unwrap().pragma_update(None, "user_version", 99).unwrap();
    let err = backup::restore(&db, &newer, &ctx(), false).unwrap_err();
    assert_eq!(err.code, ErrorCode::NewerDatabase, "{}", err.message);

    assert_eq!((store.counts().unwrap(), store.audit_count().unwrap()), before);
    assert_eq!(backup::list(&db).unwrap().len(), 1, "no backup of the current file was needed");
}

/// The schema version a fixture file name starts with: `v1-minimal.db` → 1.
fn fixture_version(path: &Path) -> Option<i64> {
    path.file_name()?.to_str()?.strip_prefix('v')?.split('-').next()?.parse().ok()
}

#[test]
fn database_files_of_every_released_version_open_migrate_and_keep_their_data() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/db");
    let mut versions = Vec::new();
    let mut expected = Store::open_in_memory().unwrap();
    seed::load(&mut expected, &ctx(), "seed-minimal.json", MINIMAL).unwrap();
    for item in std::fs::read_dir(&fixtures).unwrap() {
        let path = item.unwrap().path();
        let Some(version) = fixture_version(&path) else { continue };
        versions.push(version);
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("styrkort.db");
        std::fs::copy(&path, &db).unwrap();
        let original = std::fs::read(&db).unwrap();

        let store = Store::open(&db).unwrap_or_else(|e| panic!("{}: {}", path.display(), e.message));
        let v: i64 = backup::summarize(&store).unwrap().schema_version;
        assert_eq!(v, styrkort::store::schema_version(), "{} is brought up to date", path.display());
        assert_eq!(store.schema_version_in_file().unwrap(), v, "\"Om Styrkort\" reads the version in the file");
        let made = backup::list(&db).unwrap();
        if version < styrkort::store::schema_version() {
            assert_eq!(made.len(), 1, "a backup before the upgrade of {}", path.display());
            assert_eq!(made[0].kind, BackupKind::BeforeMigration);
            assert!(made[0].file_name.ends_with(&format!("-fore-uppgradering-v{version}.db")), "{}", made[0].file_name);
            let kept = rusqlite::Connection::open(&made[0].path).unwrap();
            let kept_version: i64 = kept.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
            assert_eq!(kept_version, version, "the backup holds the old version untouched");
        } else {
            assert!(made.is_empty(), "no upgrade, no backup");
            drop(store);
            assert_eq!(std::fs::read(&db).unwrap(), original, "an up-to-date file is not rewritten by opening");
            let store = Store::open(&db).unwrap();
            check_minimal_data(&store, &expected);
            continue;
        }
        check_minimal_data(&store, &expected);
    }
    assert!(versions.contains(&1), "tests/fixtures/db/ holds a database of every released version: {versions:?}");
    assert!(versions.iter().all(|v| *v <= styrkort::store::schema_version()));
}

/// The fixtures are made from the minimal seed: the same rows, units and colours.
fn check_minimal_data(store: &Store, expected: &Store) {
    let data = |s: &Store| s.counts().unwrap().into_iter().filter(|(t, _)| t != "audit_log").collect::<Vec<_>>();
    assert_eq!(data(store), data(expected));
    assert_eq!(store.setting("municipality_name").unwrap().as_deref(), Some("Testköping kommun"));
    let hemtj = store.resolve_unit("Hemtjänsten Öster").unwrap();
    let card = styrkort::scorecard::build(store, hemtj.id, 2026, None, day("2026-11-26")).unwrap();
    let nojd = &card.perspectives[0].goals[0].indicators[0];
    assert_eq!((nojd.value, nojd.target), (Some(91.0), Some(90.0)));
}

// --- the CLI ---------------------------------------------------------------------------

fn styrkort(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_styrkort")).arg("--db").arg(db).args(args).env_remove("STYRKORT_DB").output().unwrap()
}

fn ok(out: &Output) -> String {
    assert!(out.status.success(), "failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout.clone()).unwrap()
}

#[test]
fn cli_backup_backups_and_restore_as_a_user_runs_them() {
    let dir = tempfile::tempdir().unwrap();
    let db = minimal_db(dir.path());
    assert!(ok(&styrkort(&db, &["backups"])).contains("Inga säkerhetskopior"));

    let text = ok(&styrkort(&db, &["backup"]));
    assert!(text.contains("Säkerhetskopian är sparad i") && text.contains("Testköping kommun: 3 enheter, 5 mål, 4 nyckeltal"), "{text}");
    let out_file = dir.path().join("till-usb.db");
    ok(&styrkort(&db, &["backup", "--out", out_file.to_str().unwrap()]));
    assert_eq!(backup::inspect(&out_file).unwrap().municipality.as_deref(), Some("Testköping kommun"));

    let listing = ok(&styrkort(&db, &["backups"]));
    assert!(listing.contains("(manuell)") && listing.contains("3 enheter"), "{listing}");
    let json: serde_json::Value = serde_json::from_str(&ok(&styrkort(&db, &["backups", "--format", "json"]))).unwrap();
    let first = &json[0];
    assert_eq!(first["entry"]["kind"], "manual");
    assert_eq!(first["summary"]["municipality"], "Testköping kommun");
    let name = first["entry"]["file_name"].as_str().unwrap().to_string();

    // Change something, then look at the backup without restoring it.
    Store::open(&db).unwrap().write(&ctx(), |w| styrkort::store::settings::set(w, "ändrad", "ja")).unwrap();
    let preview = ok(&styrkort(&db, &["restore", &name]));
    assert!(preview.contains("--yes") && preview.contains("3 enheter"), "{preview}");
    assert_eq!(Store::open(&db).unwrap().setting("ändrad").unwrap().as_deref(), Some("ja"), "a preview changes nothing");

    let done = ok(&styrkort(&db, &["restore", &name, "--yes"]));
    assert!(done.contains("Återställde") && done.contains("före återställningen"), "{done}");
    assert_eq!(Store::open(&db).unwrap().setting("ändrad").unwrap(), None);
    let kinds: Vec<BackupKind> = backup::list(&db).unwrap().iter().map(|e| e.kind).collect();
    assert!(kinds.contains(&BackupKind::BeforeRestore), "{kinds:?}");
}

/// Adds the database file of this build's schema version to tests/fixtures/db/, made from
/// the minimal seed. Run it once when a release changes the schema:
/// `cargo test -p styrkort --test backup -- --ignored write_the_fixture_of_this_schema_version`.
#[test]
#[ignore = "writes a fixture file; run by hand when the schema version changes"]
fn write_the_fixture_of_this_schema_version() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/db");
    let target = fixtures.join(format!("v{}-minimal.db", styrkort::store::schema_version()));
    assert!(!target.exists(), "{} exists; released fixtures are never remade", target.display());
    std::fs::create_dir_all(&fixtures).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let db = minimal_db(dir.path());
    // Closed, so the WAL is checked into the file: one file, as a user's disk holds it.
    std::fs::copy(&db, &target).unwrap();
    assert!(!dir.path().join("styrkort.db-wal").exists());
}
