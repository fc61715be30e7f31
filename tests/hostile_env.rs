//! A hostile environment: another program holding a write transaction, the CLI and another
//! writer at the same time, a disk that fills up, a database that cannot be written and a
//! backups folder that cannot be made. Each gives a clear message and loses nothing saved.
//!
//! Other processes are this test binary run again (`helper_process`, `#[ignore]`d) in a role
//! chosen by an environment variable.
//!
//! What cannot be tested here: a read-only folder or file by permissions (the tests run as
//! root, and root writes anyway; a read-only connection stands in for it), and a real
//! ENOSPC (making a small file system needs privileges CI does not have; a file-size limit,
//! RLIMIT_FSIZE, makes the writes fail the same way at the same place).

use std::io::{BufRead, BufReader, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};

use chrono::NaiveDate;
use styrkort::{backup, database, seed, ChangeContext, ErrorCode, Store};

const ROLE_VAR: &str = "STYRKORT_HELPER_ROLE";
const DB_VAR: &str = "STYRKORT_HELPER_DB";
const MINIMAL: &str = include_str!("fixtures/seed-minimal.json");

fn ctx() -> ChangeContext {
    ChangeContext::new("Testare", "2026-11-26T09:00:00")
}

fn at() -> chrono::NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 11, 26).unwrap().and_hms_opt(9, 30, 0).unwrap()
}

fn minimal_db(dir: &Path) -> PathBuf {
    let db = dir.join("styrkort.db");
    let mut store = Store::open(&db).unwrap();
    seed::load(&mut store, &ctx(), "seed-minimal.json", MINIMAL).unwrap();
    db
}

fn snapshot(store: &Store) -> (Vec<(String, i64)>, i64) {
    (store.counts().unwrap(), store.audit_count().unwrap())
}

fn print_line(text: &str) {
    // libtest may have written "test helper_process ... " without a newline before us.
    println!("\n{text}");
}

#[test]
#[ignore = "a helper process for the other tests in this file"]
fn helper_process() {
    let Ok(role) = std::env::var(ROLE_VAR) else { return };
    let db = PathBuf::from(std::env::var(DB_VAR).unwrap());
    let mut store = Store::open(&db).unwrap();
    match role.as_str() {
        // Hold a write transaction (another Styrkort mid-change) until stdin closes, then commit.
        "hold-lock" => {
            store
                .write(&ctx(), |w| {
                    styrkort::store::settings::set(w, "annan_process", "höll låset")?;
                    print_line("@locked");
                    let mut line = String::new();
                    let _ = std::io::stdin().read_line(&mut line);
                    Ok(())
                })
                .unwrap();
            print_line("@committed");
        }
        // Small writes, each acknowledged after its commit, until stdin closes.
        "writer" => {
            let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
            let flag = stop.clone();
            std::thread::spawn(move || {
                let _ = std::io::stdin().read_line(&mut String::new());
                flag.store(true, std::sync::atomic::Ordering::SeqCst);
            });
            let mut i = 0;
            while !stop.load(std::sync::atomic::Ordering::SeqCst) {
                store.write(&ctx(), |w| styrkort::store::settings::set(w, &format!("skrivare-{i:05}"), "ja")).unwrap();
                print_line(&format!("@ack {i}"));
                i += 1;
            }
            print_line(&format!("@done {i}"));
        }
        // A big change and a backup on a "full disk": files cannot grow past the limit.
        "disk-full" => {
            let limit: u64 = std::env::var("STYRKORT_HELPER_LIMIT").unwrap().parse().unwrap();
            // SAFETY: plain libc calls on this process; ignoring SIGXFSZ turns the
            // file-size limit into write errors (EFBIG) instead of killing the process.
            unsafe {
                libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
                let rl = libc::rlimit { rlim_cur: limit as libc::rlim_t, rlim_max: limit as libc::rlim_t };
                assert_eq!(libc::setrlimit(libc::RLIMIT_FSIZE, &rl), 0);
            }
            let big = store.write(&ctx(), |w| {
                for i in 0..100 {
                    styrkort::store::settings::set(w, &format!("stor-{i:03}"), &"x".repeat(3000))?;
                }
                Ok(())
            });
            let e = big.expect_err("the big change fits within the file-size limit");
            print_line(&format!("@write {}", serde_json::to_string(&e).unwrap()));
            let e = backup::back_up_now(&store, at()).expect_err("the backup fits within the file-size limit");
            print_line(&format!("@backup {}", serde_json::to_string(&e).unwrap()));
            // A small change still fits and is saved.
            store.write(&ctx(), |w| styrkort::store::settings::set(w, "liten", "ryms")).unwrap();
            print_line("@small ok");
        }
        other => panic!("unknown role {other}"),
    }
}

fn spawn_helper(role: &str, db: &Path, extra: &[(&str, String)]) -> (Child, BufReader<ChildStdout>) {
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    cmd.args(["--exact", "helper_process", "--ignored", "--nocapture", "--test-threads=1"])
        .env(ROLE_VAR, role)
        .env(DB_VAR, db)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    for (k, v) in extra {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().unwrap();
    let out = BufReader::new(child.stdout.take().unwrap());
    (child, out)
}

/// Read lines until one starts with `prefix`; returns the rest of it.
fn wait_for(out: &mut BufReader<ChildStdout>, prefix: &str) -> String {
    let mut line = String::new();
    loop {
        line.clear();
        assert!(out.read_line(&mut line).unwrap() > 0, "the helper ended before printing {prefix}");
        if let Some(rest) = line.trim_end().strip_prefix(prefix) {
            return rest.trim().to_string();
        }
    }
}

fn styrkort(db: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_styrkort")).arg("--db").arg(db).args(args).env_remove("STYRKORT_DB").output().unwrap()
}

#[test]
fn a_write_lock_held_by_another_process_gives_database_busy_and_loses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = minimal_db(dir.path());
    let backup_file = backup::back_up_now(&Store::open(&db).unwrap(), at()).unwrap();
    let (mut child, mut out) = spawn_helper("hold-lock", &db, &[]);
    wait_for(&mut out, "@locked");

    // Reading, and so backing up, goes on while the other process writes (WAL).
    let mut store = Store::open(&db).unwrap();
    let before = snapshot(&store);
    let cli = styrkort(&db, &["backup"]);
    assert!(cli.status.success(), "{}", String::from_utf8_lossy(&cli.stderr));

    // Writing waits for the busy timeout, then says what is wrong and what to do.
    let err = store.write(&ctx(), |w| styrkort::store::settings::set(w, "min_ändring", "väntar")).unwrap_err();
    assert_eq!(err.code, ErrorCode::DatabaseBusy);
    assert!(err.message.contains("annat program") && err.message.contains("försök igen"), "{}", err.message);
    assert_eq!(snapshot(&store), before);

    // So does restoring a backup: nothing is replaced.
    let err = backup::restore(&db, Path::new(&backup_file.path), &ctx(), false).unwrap_err();
    assert_eq!(err.code, ErrorCode::DatabaseBusy, "{}", err.message);
    assert!(err.message.contains("Återställningen gjordes inte"), "{}", err.message);
    assert_eq!(snapshot(&store), before);

    // The other process finishes; both its change and ours (retried) are saved.
    drop(child.stdin.take());
    wait_for(&mut out, "@committed");
    assert!(child.wait().unwrap().success());
    store.write(&ctx(), |w| styrkort::store::settings::set(w, "min_ändring", "sparad")).unwrap();
    assert_eq!(store.setting("annan_process").unwrap().as_deref(), Some("höll låset"));
    assert_eq!(store.setting("min_ändring").unwrap().as_deref(), Some("sparad"));
}

#[test]
fn the_cli_and_another_writer_work_on_one_database_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = minimal_db(dir.path());
    let (mut child, out) = spawn_helper("writer", &db, &[]);
    let acks = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let seen = acks.clone();
    let reader = std::thread::spawn(move || {
        let mut done = None;
        for line in out.lines() {
            let line = line.unwrap();
            if line.starts_with("@ack ") {
                seen.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            } else if let Some(n) = line.strip_prefix("@done ") {
                done = n.trim().parse::<u64>().ok();
            }
        }
        done
    });
    while acks.load(std::sync::atomic::Ordering::SeqCst) == 0 {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let rounds = 4;
    for round in 0..rounds {
        let before = acks.load(std::sync::atomic::Ordering::SeqCst);
        for args in [&["units"][..], &["scorecard", "--unit", "Hemtjänsten Öster", "--year", "2026"], &["backup"], &["backups"]] {
            let o = styrkort(&db, args);
            assert!(o.status.success(), "round {round} {args:?}: {}", String::from_utf8_lossy(&o.stderr));
        }
        let after = acks.load(std::sync::atomic::Ordering::SeqCst);
        assert!(after > before, "round {round}: the writer kept writing while the CLI ran ({before} → {after})");
    }
    drop(child.stdin.take());
    let written = reader.join().unwrap().expect("the writer reports how many it wrote");
    assert!(child.wait().unwrap().success());
    assert_eq!(written, acks.load(std::sync::atomic::Ordering::SeqCst));
    let store = Store::open(&db).unwrap();
    for i in 0..written {
        assert_eq!(store.setting(&format!("skrivare-{i:05}")).unwrap().as_deref(), Some("ja"), "write {i}");
    }
    // Every backup taken during the writes is whole and readable.
    let list = backup::previews(&db).unwrap();
    assert_eq!(list.len(), rounds);
    for p in &list {
        assert!(p.problem.is_none(), "{}: {:?}", p.entry.file_name, p.problem);
    }
    eprintln!("concurrency: {rounds} rounds of four CLI commands while the writer made {written} writes");
}

#[test]
fn a_full_disk_fails_the_change_and_the_backup_cleanly_and_keeps_what_was_saved() {
    let dir = tempfile::tempdir().unwrap();
    let db = minimal_db(dir.path());
    let before = snapshot(&Store::open(&db).unwrap());
    let size = std::fs::metadata(&db).unwrap().len();
    // No file may grow past 64 KiB: the -shm index (32 KiB) and a small WAL fit; the big
    // change (300 KB into the WAL) and a backup (a new file as large as the database) do not.
    let limit = 64 * 1024;
    assert!(size > limit, "the database ({size} bytes) is larger than the limit");
    let (mut child, mut out) = spawn_helper("disk-full", &db, &[("STYRKORT_HELPER_LIMIT", limit.to_string())]);
    let write: serde_json::Value = serde_json::from_str(&wait_for(&mut out, "@write")).unwrap();
    let backup_err: serde_json::Value = serde_json::from_str(&wait_for(&mut out, "@backup")).unwrap();
    wait_for(&mut out, "@small ok");
    assert!(child.wait().unwrap().success());

    assert_eq!(write["code"], "io", "{write}");
    let message = write["message"].as_str().unwrap();
    assert!(message.contains("Disken är full") || message.contains("Disken kunde inte läsas eller skrivas"), "{message}");
    assert!(message.contains("inget av det som redan sparats"), "{message}");
    assert_eq!(backup_err["code"], "io", "{backup_err}");
    assert!(backup_err["message"].as_str().unwrap().contains("Säkerhetskopian"), "{backup_err}");

    let store = Store::open(&db).unwrap();
    let (counts, audit) = snapshot(&store);
    let data = |c: &[(String, i64)]| c.iter().filter(|(t, _)| t != "audit_log").cloned().collect::<Vec<_>>();
    assert_eq!(data(&counts), data(&before.0), "no rows of the big change");
    assert_eq!(audit, before.1 + 1, "only the small setting was added");
    assert_eq!(store.setting("liten").unwrap().as_deref(), Some("ryms"));
    assert_eq!(store.setting("stor-000").unwrap(), None, "nothing of the big change");
    assert!(backup::list(&db).unwrap().is_empty(), "no half-written backup is listed");
    let leftovers: Vec<_> = std::fs::read_dir(backup::backup_dir(&db)).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert!(leftovers.is_empty(), "temporary files were removed: {leftovers:?}");
}

#[test]
fn a_database_that_cannot_be_written_says_so_and_keeps_its_data() {
    let dir = tempfile::tempdir().unwrap();
    let db = minimal_db(dir.path());
    let bytes = std::fs::read(&db).unwrap();
    // What SQLite does with a write-protected file: opens it for reading only.
    let mut store = Store::open_read_only(&db).unwrap();
    let before = snapshot(&store);
    let err = store.write(&ctx(), |w| styrkort::store::settings::set(w, "ny", "ja")).unwrap_err();
    assert_eq!(err.code, ErrorCode::Io);
    assert!(err.message.contains("går inte att skriva till"), "{}", err.message);
    assert_eq!(snapshot(&store), before);
    drop(store);
    assert_eq!(std::fs::read(&db).unwrap(), bytes);
}

#[test]
fn a_backups_folder_that_cannot_be_made_fails_the_backup_but_not_the_start() {
    let dir = tempfile::tempdir().unwrap();
    let db = minimal_db(dir.path());
    // A file where the folder should be: create_dir fails as it would on a read-only folder.
    std::fs::write(dir.path().join("backups"), "inte en mapp").unwrap();
    let session = database::open_session(&db, &ctx(), NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()).unwrap();
    let err = session.daily_backup.unwrap_err();
    assert_eq!(err.code, ErrorCode::Io);
    assert!(
        err.message.contains(&dir.path().join("backups").display().to_string()) && err.message.contains("kunde inte"),
        "{}",
        err.message
    );
    let mut store = session.store;
    store.write(&ctx(), |w| styrkort::store::settings::set(w, "fortsätter", "ja")).unwrap();
    let err = backup::back_up_now(&store, at()).unwrap_err();
    assert_eq!(err.code, ErrorCode::Io, "{}", err.message);
}

#[test]
fn a_lock_held_during_start_does_not_stop_the_program_from_opening() {
    let dir = tempfile::tempdir().unwrap();
    let db = minimal_db(dir.path());
    let (mut child, mut out) = spawn_helper("hold-lock", &db, &[]);
    wait_for(&mut out, "@locked");
    // Start of a session: open, check, daily backup — all reads.
    let session = database::open_session(&db, &ctx(), NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()).unwrap();
    assert!(session.daily_backup.unwrap().is_some());
    writeln!(child.stdin.take().unwrap()).unwrap();
    wait_for(&mut out, "@committed");
    assert!(child.wait().unwrap().success());
}
