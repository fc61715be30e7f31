//! The data-loss holes an outside attack on the command-line tool found (issue 12), each as
//! the attack did it: an export over the database or a backup, a restore against a live
//! writer, a killed backup's leftovers, pipes and devices as input files, a refused `init`,
//! restore previews and another municipality's backup, empty audit names and escape
//! sequences in names. Each test failed before the fix.

mod common;

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{ok, styrkort};
use styrkort::{backup, seed, ChangeContext, Store};

const MINIMAL: &str = include_str!("fixtures/seed-minimal.json");

fn ctx() -> ChangeContext {
    ChangeContext::new("Testare", "2026-11-26T09:00:00")
}

fn minimal_db(dir: &Path) -> PathBuf {
    let path = dir.join("s.db");
    let mut store = Store::open(&path).unwrap();
    seed::load(&mut store, &ctx(), "seed-minimal.json", MINIMAL).unwrap();
    path
}

/// The minimal database with a manual backup of it, to restore.
fn db_with_a_backup(dir: &Path) -> (PathBuf, backup::BackupEntry) {
    let db = minimal_db(dir);
    let at = chrono::NaiveDateTime::parse_from_str("2026-11-26T08:00:00", "%Y-%m-%dT%H:%M:%S").unwrap();
    let saved = backup::back_up_now(&Store::open(&db).unwrap(), at).unwrap();
    (db, saved)
}

/// What "the database did not change" compares: rows per table and audit rows.
fn snapshot(db: &Path) -> (Vec<(String, i64)>, i64) {
    let store = Store::open(db).unwrap_or_else(|e| panic!("the database no longer opens: {}", e.message));
    (store.counts().unwrap(), store.audit_count().unwrap())
}

fn err_code(out: &std::process::Output) -> String {
    assert!(!out.status.success(), "was accepted: {}", String::from_utf8_lossy(&out.stdout));
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    stderr.split(['(', ')']).nth(1).unwrap_or_default().to_string() + " | " + &stderr
}

fn mkfifo(path: &Path) {
    let c = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: a plain libc call with a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
}

/// Run the CLI in `dir`, giving up (and failing) after 20 s: a pipe must never hang it.
fn styrkort_in(dir: &Path, db: &Path, args: &[&str]) -> std::process::Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_styrkort"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("STYRKORT_DB")
        .current_dir(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let began = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if began.elapsed() > Duration::from_secs(20) {
            child.kill().unwrap();
            panic!("styrkort {args:?} hung");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

#[test]
fn no_export_can_replace_the_database_its_sqlite_files_a_backup_or_a_device() {
    let dir = tempfile::tempdir().unwrap();
    let db = minimal_db(dir.path());
    let made = ok(&styrkort(&db, &["backup"]));
    let backup_file = backup::list(&db).unwrap()[0].path.clone();
    assert!(made.contains(&backup_file), "{made}");
    let backup_bytes = std::fs::read(&backup_file).unwrap();
    let before = snapshot(&db);
    std::os::unix::fs::symlink(&db, dir.path().join("lank.pdf")).unwrap();
    std::fs::hard_link(&db, dir.path().join("hardlank.xlsx")).unwrap();
    std::fs::create_dir(dir.path().join("under")).unwrap();
    mkfifo(&dir.path().join("fifo.pdf"));
    std::os::unix::fs::symlink("/dev/null", dir.path().join("null.pdf")).unwrap();
    let other_db = dir.path().join("annan.db");
    std::fs::copy(&db, &other_db).unwrap();

    let abs = db.display().to_string();
    let wal = format!("{abs}-wal");
    let shm = format!("{abs}-shm");
    let exports: [&[&str]; 4] = [
        &["export", "pdf", "--report", "styrkort", "--unit", "Hemtjänsten", "--year", "2026", "--period", "delår", "--out"],
        &["export", "xlsx", "--year", "2026", "--out"],
        &["export", "template", "--unit", "Hemtjänsten", "--year", "2026", "--period", "delår", "--out"],
        &["exchange", "export", "--unit", "Hemtjänsten", "--period", "delår", "--year", "2026", "--out"],
    ];
    let targets = [
        "s.db",
        "./s.db",
        "under/../s.db",
        abs.as_str(),
        wal.as_str(),
        shm.as_str(),
        backup_file.as_str(),
        "lank.pdf",
        "hardlank.xlsx",
        "fifo.pdf",
        "null.pdf",
        "annan.db",
    ];
    let mut accepted = Vec::new();
    for export in exports {
        for target in targets {
            let args: Vec<&str> = export.iter().copied().chain([target]).collect();
            let out = styrkort_in(dir.path(), &db, &args);
            if out.status.success() {
                accepted.push(format!("{} → {target}", export[..2].join(" ")));
            } else {
                let stderr = String::from_utf8_lossy(&out.stderr);
                assert!(stderr.starts_with("Fel (validation)"), "{target}: {stderr}");
            }
        }
    }
    assert!(accepted.is_empty(), "written over: {accepted:#?}");
    assert_eq!(snapshot(&db), before, "the database is as it was");
    assert_eq!(std::fs::read(&backup_file).unwrap(), backup_bytes, "the backup is as it was");
    assert!(backup::previews(&db).unwrap().iter().all(|p| p.problem.is_none()), "every backup is usable");
    use std::os::unix::fs::FileTypeExt;
    assert!(std::fs::symlink_metadata(dir.path().join("fifo.pdf")).unwrap().file_type().is_fifo(), "the pipe is still a pipe");
    assert!(std::fs::metadata("/dev/null").unwrap().file_type().is_char_device());
    assert!(std::fs::symlink_metadata(dir.path().join("lank.pdf")).unwrap().file_type().is_symlink());
    assert_eq!(snapshot(&other_db), before, "another database is never overwritten either");

    // An ordinary new name and an existing report are written as before.
    ok(&styrkort_in(dir.path(), &db, &[exports[0], &["rapport.pdf"][..]].concat()));
    ok(&styrkort_in(dir.path(), &db, &[exports[0], &["rapport.pdf"][..]].concat()));
    assert!(std::fs::read(dir.path().join("rapport.pdf")).unwrap().starts_with(b"%PDF"));
    // A backup to a file of one's choice: never into the backups folder or over the WAL.
    for target in [format!("{}/backups/egen.db", dir.path().display()), wal.clone()] {
        let out = styrkort_in(dir.path(), &db, &["backup", "--out", &target]);
        assert!(!out.status.success(), "backup --out {target} was accepted");
    }
    assert_eq!(snapshot(&db), before);
}

/// A writer in another connection holds SQLite's write lock while a restore starts; it
/// commits a moment later. Before, the restore copied the database before the commit and then
/// replaced it after: the committed change was in neither the database nor the backup.
#[test]
fn a_write_committed_during_a_restore_is_kept_in_the_backup_made_before_it() {
    let dir = tempfile::tempdir().unwrap();
    let (db, saved) = db_with_a_backup(dir.path());
    let (locked_tx, locked_rx) = std::sync::mpsc::channel();
    let writer_db = db.clone();
    let writer = std::thread::spawn(move || {
        let mut store = Store::open(&writer_db).unwrap();
        store
            .write(&ChangeContext::new("Samtidig", "2026-11-26T09:00:01"), |w| {
                styrkort::store::settings::set(w, "samtidig", "sparad")?;
                locked_tx.send(()).unwrap();
                std::thread::sleep(Duration::from_millis(800));
                Ok(())
            })
            .unwrap();
    });
    locked_rx.recv().unwrap();
    let outcome = backup::restore(&db, Path::new(&saved.path), &ctx(), false).unwrap();
    writer.join().unwrap();
    let previous = outcome.previous.expect("the database was kept before the restore");
    let kept = Store::open_read_only(Path::new(&previous.path)).unwrap();
    assert_eq!(kept.setting("samtidig").unwrap().as_deref(), Some("sparad"), "the acknowledged write is in the backup before the restore");
    let restored = Store::open(&db).unwrap();
    assert_eq!(restored.setting("samtidig").unwrap(), None, "the database is the backup's");
    assert!(restored.setting("last_restore").unwrap().is_some());
    let mut wanted = Store::open_backup(Path::new(&saved.path)).unwrap().counts().unwrap();
    for (table, n) in wanted.iter_mut() {
        if table == "audit_log" {
            *n += 1; // the restore itself
        }
    }
    assert_eq!(restored.counts().unwrap(), wanted, "every row of the backup is back, no more");
}

#[test]
fn a_restore_that_cannot_get_the_write_lock_gives_database_busy_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (db, saved) = db_with_a_backup(dir.path());
    let before = snapshot(&db);
    let holder = rusqlite::Connection::open(&db).unwrap();
    holder.execute_batch("BEGIN IMMEDIATE; INSERT INTO setting(key, value) VALUES ('hållen', 'ja');").unwrap();
    let err = backup::restore(&db, Path::new(&saved.path), &ctx(), false).unwrap_err();
    assert_eq!(err.code, styrkort::ErrorCode::DatabaseBusy, "{}", err.message);
    holder.execute_batch("COMMIT").unwrap();
    drop(holder);
    let store = Store::open(&db).unwrap();
    assert_eq!(store.setting("hållen").unwrap().as_deref(), Some("ja"), "the other writer's change stands");
    assert_eq!(
        store.counts().unwrap(),
        before.0.iter().map(|(t, n)| (t.clone(), if t == "setting" { n + 1 } else { *n })).collect::<Vec<_>>()
    );
    let leftovers: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("aterstalls"))
        .collect();
    assert!(leftovers.is_empty(), "the restore's private copy is gone: {leftovers:?}");
}

#[test]
fn a_killed_backups_leftovers_are_removed_once_stale_and_never_while_fresh() {
    let dir = tempfile::tempdir().unwrap();
    let db = minimal_db(dir.path());
    let folder = dir.path().join("backups");
    std::fs::create_dir(&folder).unwrap();
    let old = folder.join("s-2026-11-25T101500-manuell.db.part");
    let fresh = folder.join("s-2026-11-26T090000-manuell.db.part");
    let foreign = folder.join("annat-program.part");
    for f in [&old, &fresh, &foreign] {
        std::fs::write(f, vec![0u8; 4096]).unwrap();
    }
    let two_hours_ago = std::time::SystemTime::now() - Duration::from_secs(2 * 3600);
    for f in [&old, &foreign] {
        std::fs::File::options().write(true).open(f).unwrap().set_modified(two_hours_ago).unwrap();
    }
    let restore_copy = dir.path().join("s.db.aterstalls-99999");
    std::fs::write(&restore_copy, b"x").unwrap();
    std::fs::File::options().write(true).open(&restore_copy).unwrap().set_modified(two_hours_ago).unwrap();
    ok(&styrkort(&db, &["backup"]));
    assert!(!old.exists(), "a stale partial backup is removed");
    assert!(!restore_copy.exists(), "a stale restore copy is removed");
    assert!(fresh.exists(), "a partial backup someone may still be writing is left alone");
    assert!(foreign.exists(), "files Styrkort did not name are left alone");
}

#[test]
fn pipes_devices_and_endless_files_are_refused_as_input_without_hanging() {
    let dir = tempfile::tempdir().unwrap();
    let db = minimal_db(dir.path());
    let before = snapshot(&db);
    let fifo = dir.path().join("kolada.json");
    mkfifo(&fifo);
    let fifo_text = fifo.display().to_string();
    for args in [
        vec!["import", "kolada", fifo_text.as_str()],
        vec!["import", "kolada", "/dev/zero"],
        vec!["import", "xlsx", fifo_text.as_str()],
        vec!["exchange", "import", fifo_text.as_str()],
        vec!["report-settings", "--logo", "/dev/zero"],
        vec!["report-settings", "--logo", fifo_text.as_str()],
    ] {
        let out = styrkort_in(dir.path(), &db, &args);
        let said = err_code(&out);
        assert!(said.contains("pipe") || said.contains("enhetsfil"), "{args:?}: {said}");
    }
    assert_eq!(snapshot(&db), before);
}

#[test]
fn a_refused_or_failed_init_leaves_no_database_behind() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ny.db");
    let out = styrkort(&db, &["init", "--municipality", "Nyby kommun", "--kolada", "12"]);
    assert!(err_code(&out).starts_with("validation"), "{}", err_code(&out));
    assert!(!db.exists(), "a refused init leaves no file");

    // A full disk (a file-size limit) while the demo is loaded.
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_styrkort"));
    cmd.arg("--db").arg(&db).args(["init", "--demo"]).env_remove("STYRKORT_DB");
    // SAFETY: plain libc calls between fork and exec; SIGXFSZ ignored turns the limit into
    // write errors, as a full disk gives.
    unsafe {
        cmd.pre_exec(|| {
            libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
            let rl = libc::rlimit { rlim_cur: 400 * 1024, rlim_max: 400 * 1024 };
            if libc::setrlimit(libc::RLIMIT_FSIZE, &rl) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let out = cmd.output().unwrap();
    assert!(!out.status.success(), "the demo fits in 400 KB? {}", String::from_utf8_lossy(&out.stdout));
    assert!(!db.exists(), "a failed init leaves no file: {}", String::from_utf8_lossy(&out.stderr));
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert!(left.is_empty(), "nothing is left in the folder: {left:?}");

    // What a killed init left an hour ago is cleaned up by the next one.
    let killed = dir.path().join(format!("ny.db.init-{}", u32::MAX));
    std::fs::write(&killed, "halvfärdig").unwrap();
    std::fs::File::options()
        .write(true)
        .open(&killed)
        .unwrap()
        .set_modified(std::time::SystemTime::now() - Duration::from_secs(7200))
        .unwrap();
    let out = styrkort(&db, &["init", "--municipality", "Nyby kommun", "--kolada", "12"]);
    assert!(!out.status.success());
    assert!(!killed.exists(), "a stale leftover of a killed init is removed");

    // A schema-only file from an older version is not an empty municipality.
    Store::open(&db).unwrap();
    let out = styrkort(&db, &["units"]);
    assert!(err_code(&out).contains("har ingen kommun ännu"), "{}", err_code(&out));
    ok(&styrkort(&db, &["init", "--municipality", "Nyby kommun"]));
    assert!(ok(&styrkort(&db, &["units"])).contains("Nyby kommun"));
}

#[test]
fn a_restore_preview_leaves_nothing_beside_the_backup_and_warns_of_another_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = minimal_db(dir.path());
    // A plain copy of a database in WAL mode, as a user might keep one.
    let copies = dir.path().join("kopior");
    std::fs::create_dir(&copies).unwrap();
    let copy = copies.join("s-kopia.db");
    Store::open(&db).unwrap().checkpoint().unwrap();
    std::fs::copy(&db, &copy).unwrap();
    let out = ok(&styrkort(&db, &["restore", &copy.display().to_string()]));
    assert!(out.contains("Kör kommandot igen med --yes"), "{out}");
    let beside: Vec<String> = std::fs::read_dir(&copies).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert_eq!(beside, ["s-kopia.db"], "the preview left files beside the backup");

    // Another municipality's database, put among the backups.
    let other = dir.path().join("annan").join("nyby.db");
    ok(&styrkort(&other, &["init", "--municipality", "Nyby kommun"]));
    std::fs::create_dir_all(dir.path().join("backups")).unwrap();
    let foreign = dir.path().join("backups").join("s-2026-11-20-daglig.db");
    Store::open(&other).unwrap().checkpoint().unwrap();
    ok(&styrkort(&other, &["backup", "--out", &foreign.display().to_string()]));
    let before = snapshot(&db);
    let preview = ok(&styrkort(&db, &["restore", "s-2026-11-20-daglig.db"]));
    assert!(preview.contains("annan databas") && preview.contains("Nyby kommun"), "{preview}");
    let listed = ok(&styrkort(&db, &["backups"]));
    assert!(listed.contains("annan databas"), "{listed}");
    let out = styrkort(&db, &["restore", "s-2026-11-20-daglig.db", "--yes"]);
    assert!(err_code(&out).starts_with("conflict"), "{}", err_code(&out));
    assert_eq!(snapshot(&db), before, "nothing changed without --annan-databas");
    ok(&styrkort(&db, &["restore", "s-2026-11-20-daglig.db", "--yes", "--annan-databas"]));
    assert!(ok(&styrkort(&db, &["units"])).contains("Nyby kommun"));
}

#[test]
fn audit_names_are_never_empty_and_names_cannot_drive_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let db = minimal_db(dir.path());
    let before = snapshot(&db);
    for user in ["", "  ", "Anna\u{1b}[2J"] {
        let out = styrkort(&db, &["--user", user, "plan", "copy", "--from", "2026", "--to", "2027", "--yes"]);
        assert!(err_code(&out).starts_with("validation"), "--user {user:?}: {}", err_code(&out));
    }
    assert_eq!(snapshot(&db), before);
    let err = Store::open(&db)
        .unwrap()
        .write(&ChangeContext::new(" ", "2026-11-26T09:00:00"), |w| styrkort::store::settings::set(w, "x", "y"))
        .unwrap_err();
    assert_eq!(err.code, styrkort::ErrorCode::Validation);

    let out = styrkort(&dir.path().join("ny.db"), &["init", "--municipality", "Ny\u{1b}]0;hackad\u{7}by"]);
    assert!(err_code(&out).starts_with("validation"), "{}", err_code(&out));
    // A name stored by an older version (or another program) is printed without its escapes.
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute("UPDATE org_unit SET name = 'Hemtjänsten \u{1b}[2J\u{1b}[31mÖster' WHERE id = 3", []).unwrap();
    drop(conn);
    let printed = ok(&styrkort(&db, &["units"]));
    assert!(!printed.contains('\u{1b}'), "{printed:?}");
    assert!(printed.contains("Hemtjänsten \u{fffd}[2J\u{fffd}[31mÖster"), "{printed}");
}

#[test]
fn odd_database_paths_get_messages_that_say_what_they_are() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe.db");
    mkfifo(&fifo);
    let said = err_code(&styrkort_in(dir.path(), &fifo, &["units"]));
    assert!(said.starts_with("bad_database") && said.contains("namngiven pipe") && !said.contains("tom"), "{said}");
    let said = err_code(&styrkort_in(dir.path(), Path::new("/dev/zero"), &["units"]));
    assert!(said.starts_with("bad_database") && said.contains("enhetsfil"), "{said}");
    let a = dir.path().join("a.db");
    let b = dir.path().join("b.db");
    std::os::unix::fs::symlink(&b, &a).unwrap();
    std::os::unix::fs::symlink(&a, &b).unwrap();
    let said = err_code(&styrkort_in(dir.path(), &a, &["units"]));
    assert!(said.contains("slinga") && !said.contains("finns inte"), "{said}");
}

/// As an ordinary user (CI runs as root, who may write anything, so it checks nothing there):
/// a write-protected database is read, not refused for not being writable.
#[test]
fn a_write_protected_database_can_still_be_read() {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } == 0 {
        eprintln!("skipped: root can write to a write-protected file");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = minimal_db(dir.path());
    Store::open(&db).unwrap().checkpoint().unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o444)).unwrap();
    let printed = ok(&styrkort(&db, &["units"]));
    assert!(printed.contains("Hemtjänsten"), "{printed}");
}
