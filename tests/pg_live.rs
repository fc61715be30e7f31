//! The window's life on the shared database (issue 14, items 4–6), without a window: the
//! listener that hears other people's saves, a lost connection found and reconnected, and
//! the shared database's backup as a SQLite file. Against a throw-away cluster.

mod common;

use std::time::{Duration, Instant};

use common::engines::{ctx, demo, Engine};
use styrkort::store::pg::{self, Listener};
use styrkort::{backup, database, follow_up, ErrorCode, Store};

/// Type `text` into Hemtjänsten's 2026 value grid at (0, 0), as the window does.
fn save_a_value(store: &mut Store, text: &str) {
    let unit = styrkort::store::units::resolve(store.read(), "Hemtjänsten").unwrap().id;
    let grid = follow_up::value_grid(store, unit, 2026).unwrap();
    let target = grid.target_at(0, 0);
    let outcome = follow_up::paste_and_save(store, &ctx(), unit, 2026, &target, text).unwrap();
    assert!(outcome.problems.is_empty(), "{:?}", outcome.problems);
}

#[test]
fn a_save_in_another_window_is_heard_within_two_seconds_with_its_tables() {
    let Some(u) = demo(Engine::Postgres, "live_heard") else { return };
    let url = u.url.clone().unwrap();
    let mut listener = Listener::connect(&url).unwrap();
    assert!(listener.wait(Duration::from_millis(200)).unwrap().is_empty(), "nothing saved yet, nothing heard");

    let mut other = u.reopen();
    let saved = Instant::now();
    save_a_value(&mut other, "77");
    let mut heard = Vec::new();
    while heard.is_empty() && saved.elapsed() < Duration::from_secs(2) {
        heard = listener.wait(Duration::from_millis(500)).unwrap();
    }
    assert!(saved.elapsed() < Duration::from_secs(2), "heard after {:?}", saved.elapsed());
    assert!(heard.contains(&"indicator_value".to_string()), "{heard:?}");
    assert!(heard.contains(&"audit_log".to_string()), "{heard:?}");
    assert!(!heard.contains(&"goal".to_string()), "only the tables written: {heard:?}");
    assert_eq!(heard.iter().filter(|t| *t == "indicator_value").count(), 1, "each table once: {heard:?}");

    // A change that was rolled back is never announced.
    let unit = styrkort::store::units::resolve(other.read(), "Hemtjänsten").unwrap().id;
    let refused = other.write(&ctx(), |w| {
        styrkort::store::settings::set(w, "x_probe", "1")?;
        let _ = unit;
        Err::<(), _>(styrkort::AppError::validation(styrkort::msg!("nej", "no")))
    });
    assert!(refused.is_err());
    assert!(listener.wait(Duration::from_millis(300)).unwrap().is_empty());

    // The window's own saves are skipped (the command worker announces them already); other
    // people's still come.
    listener.ignore(other.backend_pid().unwrap());
    save_a_value(&mut other, "78");
    assert!(listener.wait(Duration::from_millis(500)).unwrap().is_empty(), "own saves are not handed out twice");
    let mut third = u.reopen();
    save_a_value(&mut third, "79");
    let mut heard = Vec::new();
    let start = Instant::now();
    while heard.is_empty() && start.elapsed() < Duration::from_secs(2) {
        heard = listener.wait(Duration::from_millis(500)).unwrap();
    }
    assert!(heard.contains(&"indicator_value".to_string()), "{heard:?}");
}

/// The backend process of the connection that holds `application_name`… – the newest
/// connection of the cluster other than the admin's own.
fn terminate_other_backends(url: &str) -> i64 {
    let mut admin = pg::connect(url).unwrap();
    let n: i64 = admin
        .query_one(
            "SELECT COUNT(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity
             WHERE datname = current_database() AND pid <> pg_backend_pid()) t",
            &[],
        )
        .unwrap()
        .get(0);
    n
}

#[test]
fn a_dropped_connection_is_found_as_disconnected_and_a_reconnect_works() {
    let Some(u) = demo(Engine::Postgres, "live_dropped") else { return };
    let url = u.url.clone().unwrap();
    let store = u.reopen();
    let mut listener = Listener::connect(&url).unwrap();
    store.ping().unwrap();
    assert!(terminate_other_backends(&url) >= 2, "the store's, the listener's and the suite's connections");

    // The listener finds out by itself, within one wait.
    let err = listener.wait(Duration::from_millis(300)).unwrap_err();
    assert_eq!(err.code, ErrorCode::Disconnected, "{err:?}");
    // The store's next call says so too, and nothing was half-saved.
    let err = store.ping().unwrap_err();
    assert_eq!(err.code, ErrorCode::Disconnected, "{err:?}");
    let unit = styrkort::store::units::resolve(u.reopen().read(), "Hemtjänsten").unwrap().id;
    let err = follow_up::value_grid(&store, unit, 2026).map(|_| ()).unwrap_err();
    assert_eq!(err.code, ErrorCode::Disconnected, "{err:?}");
    assert!(err.message.contains("försöker igen"), "{}", err.message);

    // Reconnecting: a new store and listener work, and hear changes again.
    let mut store = Store::open_shared(&url, "2026-11-26T10:00:00").unwrap();
    let mut listener = Listener::connect(&url).unwrap();
    save_a_value(&mut store, "55");
    let mut heard = Vec::new();
    let start = Instant::now();
    while heard.is_empty() && start.elapsed() < Duration::from_secs(2) {
        heard = listener.wait(Duration::from_millis(500)).unwrap();
    }
    assert!(heard.contains(&"indicator_value".to_string()), "{heard:?}");
}

#[test]
fn a_listener_to_a_server_that_is_not_there_says_disconnected() {
    let Some(cluster) = common::pg::shared() else { return };
    let url = cluster.url("postgres").replace(&format!(":{}/", cluster.port()), ":1/");
    let err = Listener::connect(&url).err().expect("no server on port 1");
    assert_eq!(err.code, ErrorCode::Disconnected, "{err:?}");
}

#[test]
fn the_shared_database_is_backed_up_as_a_sqlite_file_and_never_restored_over() {
    let Some(u) = demo(Engine::Postgres, "live_backup") else { return };
    let mut store = u.reopen();
    save_a_value(&mut store, "66");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("kopia.db");
    backup::back_up_to(&store, &file).unwrap();
    let copy = Store::open(&file).unwrap();
    let unit = styrkort::store::units::resolve(copy.read(), "Hemtjänsten").unwrap().id;
    let grid = follow_up::value_grid(&copy, unit, 2026).unwrap();
    let shared = follow_up::value_grid(&store, unit, 2026).unwrap();
    assert_eq!(serde_json::to_value(&grid).unwrap(), serde_json::to_value(&shared).unwrap(), "the file holds what the server holds");
    assert_eq!(backup::inspect(&file).unwrap().municipality.as_deref(), Some("Sjöbacka kommun"));

    // The backups folder beside a file does not apply.
    let err =
        backup::back_up_now(&store, chrono::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap().and_hms_opt(10, 0, 0).unwrap()).unwrap_err();
    assert_eq!(err.code, ErrorCode::Validation);
    // An existing file is never overwritten.
    let err = backup::back_up_to(&store, &file).unwrap_err();
    assert_eq!(err.code, ErrorCode::Conflict, "{err:?}");

    // The CLI: backup --out FILE works, restore is refused with the way IT does it.
    let url = u.url.clone().unwrap();
    let out = dir.path().join("cli.db");
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_styrkort"))
            .arg("--db")
            .arg(&url)
            .args(args)
            .env_remove("STYRKORT_DB")
            .output()
            .unwrap()
    };
    let done = run(&["backup", "--out", out.to_str().unwrap()]);
    assert!(done.status.success(), "{}", String::from_utf8_lossy(&done.stderr));
    assert!(String::from_utf8_lossy(&done.stdout).contains("Sjöbacka"), "{}", String::from_utf8_lossy(&done.stdout));
    Store::open(&out).unwrap();
    let refused = run(&["restore", out.to_str().unwrap(), "--yes"]);
    assert!(!refused.status.success());
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(said.contains("pg_dump") && said.contains("point-in-time"), "{said}");
}

#[test]
fn a_shared_session_loads_no_demo_and_makes_no_backup_and_records_the_login() {
    let Some(cluster) = common::pg::shared() else { return };
    let url = cluster.create_database("live_empty_session");
    let session = database::open_shared_session(&url, "2026-11-26T10:00:00").unwrap();
    assert!(!session.demo_loaded);
    assert!(matches!(session.daily_backup, Ok(None)));
    assert!(session.store.is_empty().unwrap(), "an empty shared database stays empty");
    assert_eq!(session.store.login().unwrap().as_deref(), Some("postgres"));
    let shown = pg::describe(&url.replacen("postgres@", "postgres:hemligt@", 1)).unwrap();
    assert_eq!(shown.database, "live_empty_session");
    assert_eq!(shown.user, "postgres");
    assert!(!format!("{shown:?}").contains("hemligt"));
}

#[test]
fn a_remembered_connection_keeps_no_password_and_makes_the_url() {
    let c = database::SharedConnection {
        host: "db.kommun.se".into(),
        port: 5432,
        database: "styrkort".into(),
        user: "anna b".into(),
        tls: "verify-full".into(),
        ca_file: Some("/etc/ssl/kommun ca.pem".into()),
    };
    let url = c.url(Some("p@ss:word")).unwrap();
    assert_eq!(
        url,
        "postgresql://anna%20b:p%40ss%3Aword@db.kommun.se:5432/styrkort?sslmode=verify-full&sslrootcert=%2Fetc%2Fssl%2Fkommun%20ca.pem"
    );
    let target = pg::parse(&url).unwrap();
    assert_eq!(target.config.get_user(), Some("anna b"));
    assert_eq!(target.config.get_password(), Some(&b"p@ss:word"[..]));
    assert_eq!(target.tls, pg::TlsMode::VerifyFull);
    assert!(c.url(None).unwrap().starts_with("postgresql://anna%20b@db.kommun.se:5432/"), "no password given, none in the URL");

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("sub/shared-database.json");
    c.save(&file).unwrap();
    let saved = std::fs::read_to_string(&file).unwrap();
    assert!(!saved.contains("word"), "no password in {saved}");
    assert_eq!(database::SharedConnection::load(&file), Some(c.clone()));
    database::SharedConnection::forget(&file).unwrap();
    assert_eq!(database::SharedConnection::load(&file), None);
    database::SharedConnection::forget(&file).unwrap();

    let err = database::SharedConnection { host: " ".into(), ..c.clone() }.url(None).unwrap_err();
    assert_eq!(err.field.as_deref(), Some("host"));
    let err = database::SharedConnection { tls: "maybe".into(), ..c }.url(None).unwrap_err();
    assert_eq!(err.field.as_deref(), Some("tls"));
}
