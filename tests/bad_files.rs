//! Bad database files: truncated, corrupted, zero bytes, not SQLite, another program's
//! SQLite file, or from a newer version. Each is refused with a clear Swedish message that
//! names the latest usable backup, and is never changed: its bytes are the same after.

use std::path::{Path, PathBuf};
use std::process::Command;

use styrkort::backup::{self, BackupKind};
use styrkort::{seed, ChangeContext, ErrorCode, Store};

const MINIMAL: &str = include_str!("fixtures/seed-minimal.json");

fn ctx() -> ChangeContext {
    ChangeContext::new("Testare", "2026-11-26T09:00:00")
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

/// A way to ruin a database file: its name, the error code, words the message must hold.
type Ruin = (&'static str, ErrorCode, &'static str, fn(&Path));

fn ruined() -> Vec<Ruin> {
    vec![
        ("zero bytes", ErrorCode::BadDatabase, "tom (0 byte)", |p| std::fs::write(p, b"").unwrap()),
        ("not SQLite", ErrorCode::BadDatabase, "inte en fungerande Styrkort-databas", |p| {
            std::fs::write(p, "Kära controller,\nhär är budgeten.\n".repeat(500)).unwrap()
        }),
        ("truncated to a third", ErrorCode::BadDatabase, "skadad", |p| {
            let b = std::fs::read(p).unwrap();
            std::fs::write(p, &b[..b.len() / 3]).unwrap()
        }),
        ("truncated inside the header page", ErrorCode::BadDatabase, "Styrkort-databas", |p| {
            let b = std::fs::read(p).unwrap();
            std::fs::write(p, &b[..1000]).unwrap()
        }),
        ("a garbled page", ErrorCode::BadDatabase, "skadad", |p| {
            let mut b = std::fs::read(p).unwrap();
            for (i, x) in b[4096 * 4..4096 * 5].iter_mut().enumerate() {
                *x = (i * 7 % 256) as u8;
            }
            std::fs::write(p, b).unwrap()
        }),
        ("another program's SQLite file", ErrorCode::BadDatabase, "inte en Styrkort-databas", |p| {
            std::fs::remove_file(p).unwrap();
            rusqlite::Connection::open(p).unwrap().execute_batch("CREATE TABLE bilder (namn TEXT);").unwrap();
        }),
        ("a newer version", ErrorCode::NewerDatabase, "nyare version av Styrkort", |p| {
            rusqlite::Connection::open(p).unwrap().pragma_update(None, "user_version", styrkort::store::schema_version() + 1).unwrap()
        }),
        // Whole SQLite files whose schema was changed outside Styrkort (issue 12, item 5).
        ("a foreign trigger", ErrorCode::BadDatabase, "utlöst regel (trigger) 'rensa_varden' som Styrkort inte har skapat", |p| {
            sql(p, FOREIGN_TRIGGER)
        }),
        ("a dropped column", ErrorCode::BadDatabase, "tabellen indicator_value saknar kolumnen value", |p| {
            sql(p, "ALTER TABLE indicator_value DROP COLUMN value;")
        }),
    ]
}

/// A trigger another program added: every audited change empties the values.
const FOREIGN_TRIGGER: &str =
    "CREATE TRIGGER rensa_varden AFTER INSERT ON audit_log BEGIN DELETE FROM indicator_value; DELETE FROM kolada_value; END;";

fn sql(path: &Path, sql: &str) {
    rusqlite::Connection::open(path).unwrap().execute_batch(sql).unwrap()
}

#[test]
fn every_ruined_file_is_refused_untouched_with_a_clear_message() {
    for (name, code, words, ruin) in ruined() {
        let dir = tempfile::tempdir().unwrap();
        let db = minimal_db(dir.path());
        ruin(&db);
        let bytes = std::fs::read(&db).unwrap();
        let err = match Store::open(&db) {
            Ok(_) => panic!("{name}: the file was opened"),
            Err(e) => e,
        };
        assert_eq!(err.code, code, "{name}: {}", err.message);
        assert!(err.message.contains(words), "{name}: {}", err.message);
        assert!(err.message.contains(&db.display().to_string()), "{name}: the message names the file: {}", err.message);
        assert!(err.message.contains("inte ändrats"), "{name}: says the file is untouched: {}", err.message);
        assert!(!err.message.contains("Den senaste säkerhetskopian"), "{name}: no backup to name yet");
        assert_eq!(std::fs::read(&db).unwrap(), bytes, "{name}: the bytes are unchanged");
        assert!(!dir.path().join("backups").exists(), "{name}: nothing was backed up or migrated");
        // Twice: refusing does not turn into accepting.
        assert_eq!(Store::open(&db).err().map(|e| e.code), Some(code), "{name}");
        assert_eq!(std::fs::read(&db).unwrap(), bytes, "{name}: still unchanged");
    }
}

#[test]
fn the_message_names_the_latest_usable_backup_and_how_to_restore_it() {
    for (name, code, _, ruin) in ruined() {
        let dir = tempfile::tempdir().unwrap();
        let db = minimal_db(dir.path());
        let store = Store::open(&db).unwrap();
        let usable = backup::back_up_now(&store, at("2026-11-20T08:00:00")).unwrap();
        // A newer backup that is itself damaged is passed over.
        let damaged = backup::back_up_now(&store, at("2026-11-25T08:00:00")).unwrap();
        std::fs::write(&damaged.path, b"trasig").unwrap();
        drop(store);
        ruin(&db);
        let err = Store::open(&db).err().unwrap_or_else(|| panic!("{name}: opened"));
        assert_eq!(err.code, code, "{name}");
        assert!(err.message.contains(&usable.file_name), "{name}: {}", err.message);
        assert!(!err.message.contains(&damaged.file_name), "{name}: {}", err.message);
        assert!(err.message.contains(&format!("restore \"{}\"", usable.file_name)), "{name}: {}", err.message);
    }
}

#[test]
fn a_ruined_database_is_restored_and_its_bytes_are_kept_among_the_backups() {
    for (name, _, _, ruin) in ruined() {
        let dir = tempfile::tempdir().unwrap();
        let db = minimal_db(dir.path());
        let store = Store::open(&db).unwrap();
        let good = backup::back_up_now(&store, at("2026-11-20T08:00:00")).unwrap();
        let data = |s: &Store| s.counts().unwrap().into_iter().filter(|(t, _)| t != "audit_log").collect::<Vec<_>>();
        let good_counts = data(&store);
        drop(store);
        ruin(&db);
        let ruined_bytes = std::fs::read(&db).unwrap();

        let outcome = backup::restore(&db, Path::new(&good.path), &ctx(), false).unwrap_or_else(|e| panic!("{name}: {}", e.message));
        let kept = outcome.previous.unwrap();
        assert_eq!(kept.kind, BackupKind::BeforeRestore);
        // A whole SQLite file (newer, foreign) is kept as a proper copy; a broken one byte for byte.
        let kept_path = Path::new(&kept.path);
        if !ruined_bytes.is_empty() && whole_sqlite(kept_path) {
            let version =
                |p: &Path| rusqlite::Connection::open(p).unwrap().query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0)).unwrap();
            let ruined_copy = dir.path().join("jämför.db");
            std::fs::write(&ruined_copy, &ruined_bytes).unwrap();
            assert_eq!(version(kept_path), version(&ruined_copy), "{name}");
        } else {
            assert_eq!(std::fs::read(kept_path).unwrap(), ruined_bytes, "{name}");
        }
        let store = Store::open(&db).unwrap_or_else(|e| panic!("{name}: {}", e.message));
        assert_eq!(store.setting("municipality_name").unwrap().as_deref(), Some("Testköping kommun"), "{name}");
        // Whole: a foreign trigger left in the file would have emptied tables during the restore.
        assert_eq!(data(&store), good_counts, "{name}");
    }
}

fn whole_sqlite(path: &Path) -> bool {
    rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .and_then(|c| c.query_row("PRAGMA quick_check", [], |r| r.get::<_, String>(0)))
        .is_ok_and(|s| s == "ok")
}

#[test]
fn a_new_database_is_made_where_no_file_exists_and_nothing_else_is_left() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ny").join("styrkort.db");
    let store = Store::open(&db).unwrap();
    assert!(store.is_empty().unwrap());
    drop(store);
    let names: Vec<String> =
        std::fs::read_dir(db.parent().unwrap()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into()).collect();
    assert_eq!(names, ["styrkort.db"], "no temporary files are left");
    // And it opens again as the same, empty Styrkort database.
    assert!(Store::open(&db).unwrap().is_empty().unwrap());
}

#[test]
fn the_cli_prints_the_restore_command_and_it_works() {
    let dir = tempfile::tempdir().unwrap();
    let db = minimal_db(dir.path());
    let good = backup::back_up_now(&Store::open(&db).unwrap(), at("2026-11-20T08:00:00")).unwrap();
    std::fs::write(&db, b"").unwrap();
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_styrkort")).arg("--db").arg(&db).args(args).env_remove("STYRKORT_DB").output().unwrap()
    };
    let out = run(&["units"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.starts_with("Fel (bad_database):"), "{stderr}");
    assert!(stderr.contains(&format!("restore \"{}\"", good.file_name)), "{stderr}");
    // The backups can be listed while the database is unusable.
    let list = run(&["backups"]);
    assert!(String::from_utf8_lossy(&list.stdout).contains(&good.file_name));
    let out = run(&["restore", &good.file_name, "--yes"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = run(&["units"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("Testköpings kommun"));
}

#[test]
fn a_changed_schema_is_refused_untouched_by_every_way_of_opening() {
    let dir = tempfile::tempdir().unwrap();
    let db = minimal_db(dir.path());
    sql(&db, FOREIGN_TRIGGER);
    let bytes = std::fs::read(&db).unwrap();
    let refused = |what: &str, result: styrkort::Result<()>| {
        let err = result.err().unwrap_or_else(|| panic!("{what}: opened"));
        assert_eq!(err.code, ErrorCode::BadDatabase, "{what}: {}", err.message);
        assert!(err.message.contains("'rensa_varden'") && err.message.contains("inte ändrats"), "{what}: {}", err.message);
        assert_eq!(std::fs::read(&db).unwrap(), bytes, "{what}: the bytes are unchanged");
    };
    refused("open", Store::open(&db).map(drop));
    refused("open_read_only", Store::open_read_only(&db).map(drop));
    refused("the window's start", Store::open_checking_large_files_later(&db).map(drop));
    refused("a session", styrkort::database::open_session(&db, &ctx(), at("2026-11-26T09:00:00").date()).map(drop));
    // Nor is such a file named as a usable backup.
    assert!(backup::inspect(&db).is_err());
    assert!(!dir.path().join("backups").exists(), "nothing was backed up");
}

#[test]
fn an_import_into_a_file_with_a_foreign_trigger_is_refused_and_writes_nothing() {
    // The attack: a trigger deleted every value while `import kolada` reported success.
    let dir = tempfile::tempdir().unwrap();
    let db = minimal_db(dir.path());
    sql(&db, FOREIGN_TRIGGER);
    let bytes = std::fs::read(&db).unwrap();
    let kolada = dir.path().join("kolada.json");
    std::fs::write(&kolada, r#"{"values":[{"kpi":"N00090","municipality":"2083","period":2022,"values":[{"gender":"T","value":8.8}]}]}"#)
        .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_styrkort"))
        .arg("--db")
        .arg(&db)
        .args(["import", "kolada"])
        .arg(&kolada)
        .env_remove("STYRKORT_DB")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.starts_with("Fel (bad_database):") && stderr.contains("rensa_varden"), "{stderr}");
    assert!(!stderr.contains("kontakta support"), "{stderr}");
    assert_eq!(std::fs::read(&db).unwrap(), bytes);
    let values: i64 = rusqlite::Connection::open(&db).unwrap().query_row("SELECT COUNT(*) FROM indicator_value", [], |r| r.get(0)).unwrap();
    assert!(values > 0, "the values are still there");
}

#[test]
fn an_older_file_is_compared_with_its_own_version_and_refused_before_any_upgrade() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/db");
    for (name, change, words) in [
        ("v1-minimal.db", FOREIGN_TRIGGER, "'rensa_varden'"),
        ("v1-minimal.db", "ALTER TABLE indicator_value DROP COLUMN changed_by;", "saknar kolumnen changed_by"),
        // Version 1 has no index on kolada_value(kpi_id, year, gender): the file's own version counts.
        ("v1-minimal.db", "CREATE INDEX kolada_value_kpi_year ON kolada_value(kpi_id, year, gender);", "'kolada_value_kpi_year'"),
        ("v2-minimal.db", "DROP INDEX kolada_value_kpi_year;", "indexet kolada_value_kpi_year saknas"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("styrkort.db");
        std::fs::copy(fixtures.join(name), &db).unwrap();
        Store::open_read_only(&db).unwrap_or_else(|e| panic!("{name} as released opens: {}", e.message));
        sql(&db, change);
        let bytes = std::fs::read(&db).unwrap();
        let err = Store::open(&db).err().unwrap_or_else(|| panic!("{name} + {change}: opened"));
        assert_eq!(err.code, ErrorCode::BadDatabase, "{change}: {}", err.message);
        assert!(err.message.contains(words), "{change}: {}", err.message);
        assert_eq!(std::fs::read(&db).unwrap(), bytes, "{change}: not upgraded");
        assert!(!dir.path().join("backups").exists(), "{change}: no upgrade backup either");
    }
}
