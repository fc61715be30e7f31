//! `styrkort db copy` (issue 14, item 5): a municipality moved from its SQLite file into
//! PostgreSQL and back out to a laptop file, whole and unchanged, against a throw-away cluster.

#![cfg(unix)]

mod common;

use std::path::Path;

use rusqlite::types::Value;
use styrkort::store::copy::{copy, CopySummary, Endpoint};
use styrkort::{seed, ChangeContext, ErrorCode, Store};

const AT: &str = "2026-12-03T08:00:00";

/// Text that COPY's text format must escape, and letters outside ASCII.
const AWKWARD: &str = "Rad ett\nRad två\tmed flik, åäö ÅÄÖ é, ett \\N och ett \\ bakstreck\r\nslut";

fn demo(dir: &Path) -> std::path::PathBuf {
    let db = dir.join("kommun.db");
    let mut store = Store::open(&db).unwrap();
    seed::load_demo(&mut store, &ChangeContext::new("test", AT)).unwrap();
    drop(store);
    let conn = rusqlite::Connection::open(&db).unwrap();
    assert_eq!(conn.execute("UPDATE report_text SET body = ?1 WHERE rowid = (SELECT MIN(rowid) FROM report_text)", [AWKWARD]).unwrap(), 1);
    // NULL and '' are different values and stay so.
    conn.execute("UPDATE org_unit SET kolada_id = '' WHERE id = (SELECT MAX(id) FROM org_unit)", []).unwrap();
    assert!(conn.query_row("SELECT COUNT(*) FROM org_unit WHERE kolada_id IS NULL", [], |r| r.get::<_, i64>(0)).unwrap() > 0);
    // Reals whose every digit matters.
    conn.execute("UPDATE indicator_value SET value = 0.1 + 0.2 WHERE rowid = (SELECT MIN(rowid) FROM indicator_value)", []).unwrap();
    conn.execute("UPDATE indicator_value SET value = 1.0 / 3.0 WHERE rowid = (SELECT MAX(rowid) FROM indicator_value)", []).unwrap();
    // A locked period with values in it: the shared database's lock trigger must not refuse
    // the copy of what was entered before the lock.
    let locked =
        conn.execute("UPDATE follow_up_period SET locked = 1 WHERE id = (SELECT MIN(period_id) FROM indicator_value)", []).unwrap();
    assert_eq!(locked, 1);
    db
}

fn run(from: &Endpoint, to: &Endpoint) -> styrkort::Result<(CopySummary, Vec<(String, u64)>)> {
    let mut heard = Vec::new();
    let s = copy(from, to, None, AT, &mut |t, n| heard.push((t.to_string(), n)))?;
    Ok((s, heard))
}

/// Every table's rows, ordered by all their columns.
fn contents(db: &Path) -> Vec<(String, Vec<Vec<Value>>)> {
    let conn = rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    tables
        .into_iter()
        .map(|t| {
            let n: i64 = conn.query_row(&format!("SELECT COUNT(*) FROM pragma_table_info('{t}')"), [], |r| r.get(0)).unwrap();
            let order = (1..=n).map(|i| i.to_string()).collect::<Vec<_>>().join(", ");
            let mut stmt = conn.prepare(&format!("SELECT * FROM {t} ORDER BY {order}")).unwrap();
            let rows = stmt.query_map([], |r| (0..n as usize).map(|i| r.get::<_, Value>(i)).collect::<rusqlite::Result<Vec<_>>>()).unwrap();
            (t, rows.map(Result::unwrap).collect())
        })
        .collect()
}

fn identity(db: &Path) -> String {
    rusqlite::Connection::open(db).unwrap().query_row("SELECT value FROM setting WHERE key = 'database_id'", [], |r| r.get(0)).unwrap()
}

fn pg(url: &str) -> postgres::Client {
    styrkort::store::pg::connect(url).unwrap()
}

fn pg_rows(client: &mut postgres::Client) -> i64 {
    let tables: Vec<String> = client
        .query("SELECT table_name::text FROM information_schema.tables WHERE table_schema = current_schema() AND table_name <> 'styrkort_schema'", &[])
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    tables.iter().map(|t| client.query_one(&format!("SELECT COUNT(*) FROM {t}"), &[]).unwrap().get::<_, i64>(0)).sum()
}

#[test]
fn a_municipality_goes_into_postgres_and_back_out_unchanged() {
    let Some(cluster) = common::pg::shared() else { return };
    let dir = tempfile::tempdir().unwrap();
    let original = demo(dir.path());
    let url = cluster.create_database("rundresa");
    let before = contents(&original);

    let (into, heard) = run(&Endpoint::File(original.clone()), &Endpoint::Postgres(url.clone())).unwrap();
    assert_eq!(heard, into.tables, "progress for every table, in order");
    let org_units = before.iter().find(|(t, _)| t == "org_unit").unwrap().1.len() as u64;
    assert!(into.tables.contains(&("org_unit".to_string(), org_units)), "{:?}", into.tables);
    let pos = |t: &str| into.tables.iter().position(|(n, _)| n == t).unwrap();
    assert!(pos("org_unit") < pos("goal") && pos("goal") < pos("assessment"), "parents first");
    assert_eq!(into.database_id.as_deref(), Some(identity(&original).as_str()));
    assert!(into.skipped_tables.is_empty() && into.skipped_columns.is_empty(), "nothing of the file is left out");

    // In PostgreSQL itself, not only after the way back: the awkward text, NULL vs '', reals.
    let mut client = pg(&url);
    let bodies: Vec<String> = client.query("SELECT body FROM report_text", &[]).unwrap().iter().map(|r| r.get(0)).collect();
    // The lock holds again after the copy: a write into the locked period is refused.
    let err = client
        .execute(
            "UPDATE indicator_value SET value = value + 1 WHERE period_id = (SELECT MIN(id) FROM follow_up_period WHERE locked = 1)",
            &[],
        )
        .unwrap_err();
    assert_eq!(styrkort::AppError::from(err).code, styrkort::ErrorCode::PeriodLocked);
    assert!(bodies.iter().any(|b| b == AWKWARD), "the text arrived as it was");
    let empty: i64 = client.query_one("SELECT COUNT(*) FROM org_unit WHERE kolada_id = ''", &[]).unwrap().get(0);
    assert_eq!(empty, 1);
    let third: i64 = client.query_one("SELECT COUNT(*) FROM indicator_value WHERE value = 1.0::float8 / 3.0::float8", &[]).unwrap().get(0);
    let sum: i64 = client.query_one("SELECT COUNT(*) FROM indicator_value WHERE value = 0.1::float8 + 0.2::float8", &[]).unwrap().get(0);
    assert_eq!((third, sum), (1, 1), "every digit of the reals");
    // The identities continue after the ids copied.
    let max: i64 = client.query_one("SELECT MAX(id) FROM org_unit", &[]).unwrap().get(0);
    let id: i64 =
        client.query_one("INSERT INTO org_unit(parent_id, kind, name) VALUES (1, 'enhet', 'Ny') RETURNING id", &[]).unwrap().get(0);
    assert_eq!(id, max + 1);
    client.execute("DELETE FROM org_unit WHERE id = $1", &[&id]).unwrap();
    // What only the shared database has stays there.
    // (the users and their units, and the real login on each audit row, from the roles migration)
    client.batch_execute("INSERT INTO app_user(login, role) VALUES ('anna', 'editor');").unwrap();

    let laptop = dir.path().join("bärbar.db");
    let (out, _) = run(&Endpoint::Postgres(url.clone()), &Endpoint::File(laptop.clone())).unwrap();
    assert_eq!(out.tables, into.tables);
    assert_eq!(out.skipped_tables, vec!["app_user".to_string(), "app_user_unit".to_string()]);
    assert_eq!(out.skipped_columns, vec!["audit_log.db_user".to_string()]);
    assert_eq!(identity(&laptop), identity(&original), "the laptop copy is the same database for exchange files");

    let after = contents(&laptop);
    assert_eq!(after.len(), before.len());
    for ((t, a), (u, b)) in before.iter().zip(&after) {
        assert_eq!(t, u);
        assert_eq!(a, b, "table {t}");
    }
    // The laptop file is a Styrkort database that opens and writes like any other.
    let mut store = Store::open(&laptop).unwrap();
    store.write(&ChangeContext::new("test", AT), |w| styrkort::store::settings::set(w, "x", "y")).unwrap();
    assert!(
        !dir.path().read_dir().unwrap().any(|e| e.unwrap().file_name().to_string_lossy().contains(".kopia-")),
        "no temporary file left"
    );
}

#[test]
fn a_database_with_data_is_refused_and_left_as_it_was() {
    let Some(cluster) = common::pg::shared() else { return };
    let dir = tempfile::tempdir().unwrap();
    let original = demo(dir.path());
    let url = cluster.create_database("fylld");
    run(&Endpoint::File(original.clone()), &Endpoint::Postgres(url.clone())).unwrap();
    let mut client = pg(&url);
    let rows = pg_rows(&mut client);

    let err = run(&Endpoint::File(original.clone()), &Endpoint::Postgres(url.clone())).unwrap_err();
    assert_eq!(err.code, ErrorCode::Conflict);
    assert!(
        err.message.contains("tabellen") && err.message.contains("tom databas") && err.message.contains("Inget har ändrats"),
        "{}",
        err.message
    );
    assert_eq!(pg_rows(&mut client), rows, "nothing changed");

    // One row is enough.
    let url = cluster.create_database("en_rad");
    let mut client = pg(&url);
    styrkort::store::pg::migrate(&mut client, AT).unwrap();
    client.execute("INSERT INTO mandate_period(name, start_year, end_year) VALUES ('2027–2030', 2027, 2030)", &[]).unwrap();
    let err = run(&Endpoint::File(original), &Endpoint::Postgres(url)).unwrap_err();
    assert_eq!(err.code, ErrorCode::Conflict);
    assert!(err.message.contains("mandate_period"), "{}", err.message);
    assert_eq!(pg_rows(&mut client), 2, "the row and the database's identity, nothing more");
}

#[test]
fn an_existing_file_is_never_the_target() {
    let Some(cluster) = common::pg::shared() else { return };
    let dir = tempfile::tempdir().unwrap();
    let original = demo(dir.path());
    let url = cluster.create_database("ut");
    run(&Endpoint::File(original.clone()), &Endpoint::Postgres(url.clone())).unwrap();
    let existing = dir.path().join("finns.db");
    std::fs::write(&existing, b"mitt").unwrap();
    let err = run(&Endpoint::Postgres(url.clone()), &Endpoint::File(existing.clone())).unwrap_err();
    assert_eq!(err.code, ErrorCode::Conflict);
    assert!(err.message.contains("finns redan"), "{}", err.message);
    assert_eq!(std::fs::read(&existing).unwrap(), b"mitt");
    let bytes = std::fs::read(&original).unwrap();
    assert_eq!(run(&Endpoint::Postgres(url), &Endpoint::File(original.clone())).unwrap_err().code, ErrorCode::Conflict);
    assert_eq!(std::fs::read(&original).unwrap(), bytes);
}

#[test]
fn a_copy_that_fails_part_way_leaves_the_database_empty() {
    let Some(cluster) = common::pg::shared() else { return };
    let dir = tempfile::tempdir().unwrap();
    let original = demo(dir.path());

    // A rule only PostgreSQL has, broken by a table copied late: the tables before it were
    // already in the transaction.
    let url = cluster.create_database("regel");
    let mut client = pg(&url);
    styrkort::store::pg::migrate(&mut client, AT).unwrap();
    client.batch_execute("ALTER TABLE report_text ADD CONSTRAINT no_tabs CHECK (position(E'\\t' in body) = 0)").unwrap();
    let seeded: String = client.query_one("SELECT value FROM setting WHERE key = 'database_id'", &[]).unwrap().get(0);
    let mut heard = Vec::new();
    let err = copy(&Endpoint::File(original.clone()), &Endpoint::Postgres(url.clone()), None, AT, &mut |t, _| heard.push(t.to_string()))
        .unwrap_err();
    assert!(heard.contains(&"org_unit".to_string()) && !heard.contains(&"report_text".to_string()), "{heard:?}");
    assert_eq!(err.code, ErrorCode::Conflict, "{}", err.message);
    assert_eq!(pg_rows(&mut client), 1, "only the schema's own identity row");
    let still: String = client.query_one("SELECT value FROM setting WHERE key = 'database_id'", &[]).unwrap().get(0);
    assert_eq!(still, seeded);
    let next: i64 = client.query_one("INSERT INTO org_unit(kind, name) VALUES ('kommun', 'K') RETURNING id", &[]).unwrap().get(0);
    assert_eq!(next, 1, "the identities were not moved on either");

    // A foreign key broken in the file (written with the checks off) fails at commit.
    let conn = rusqlite::Connection::open(&original).unwrap();
    conn.execute_batch("PRAGMA foreign_keys = OFF").unwrap();
    conn.execute("INSERT INTO goal_link(child_goal_id, parent_goal_id) VALUES (1, 99999)", []).unwrap();
    drop(conn);
    let url = cluster.create_database("nyckel");
    let err = run(&Endpoint::File(original), &Endpoint::Postgres(url.clone())).unwrap_err();
    assert_eq!(err.code, ErrorCode::Conflict);
    assert!(err.message.contains("goal_link"), "{}", err.message);
    let mut client = pg(&url);
    assert_eq!(pg_rows(&mut client), 1);
}

#[test]
fn the_command_copies_both_ways_and_refuses_file_to_file() {
    let Some(cluster) = common::pg::shared() else { return };
    let dir = tempfile::tempdir().unwrap();
    let original = demo(dir.path());
    let url = cluster.create_database("cli");
    let bin = env!("CARGO_BIN_EXE_styrkort");
    let out = std::process::Command::new(bin)
        .args(["db", "copy", "--from"])
        .arg(&original)
        .args(["--to", &url])
        .env_remove("STYRKORT_DB")
        .output()
        .unwrap();
    let stdout = common::ok(&out);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("org_unit: 20 rader") && stderr.contains("audit_log: "), "{stderr}");
    assert!(stdout.contains("Kopierade") && stdout.contains("Antalen stämmer") && stdout.contains(&identity(&original)), "{stdout}");

    let laptop = dir.path().join("laptop.db");
    let out = std::process::Command::new(bin).args(["db", "copy", "--from", &url, "--to"]).arg(&laptop).output().unwrap();
    common::ok(&out);
    assert_eq!(contents(&laptop), contents(&original));

    let out = std::process::Command::new(bin)
        .args(["db", "copy", "--from"])
        .arg(&original)
        .arg("--to")
        .arg(dir.path().join("annan.db"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("Fel (validation)") && stderr.contains("backup --out"), "{stderr}");
    assert!(!dir.path().join("annan.db").exists());
}

#[test]
fn a_copy_killed_mid_way_leaves_the_database_empty() {
    use std::io::BufRead;
    let Some(cluster) = common::pg::shared() else { return };
    let dir = tempfile::tempdir().unwrap();
    let original = demo(dir.path());
    let url = cluster.create_database("dodad");
    let mut client = pg(&url);
    styrkort::store::pg::migrate(&mut client, AT).unwrap();
    // A late table holds the copy up, so it is surely killed in the middle.
    client
        .batch_execute(
            "CREATE FUNCTION hold_up() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(60); RETURN NULL; END $$;
             CREATE TRIGGER hold_up BEFORE INSERT ON report_text FOR EACH STATEMENT EXECUTE FUNCTION hold_up();",
        )
        .unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_styrkort"))
        .args(["db", "copy", "--from"])
        .arg(&original)
        .args(["--to", &url])
        .stderr(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let stderr = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut seen = Vec::new();
    for line in stderr.lines() {
        let line = line.unwrap();
        let goal = line.starts_with("goal:");
        seen.push(line);
        if goal {
            break;
        }
    }
    assert!(seen.iter().any(|l| l.starts_with("org_unit: ")), "{seen:?}");
    child.kill().unwrap();
    child.wait().unwrap();
    // The server notices the client is gone once the sleep ends; end the session now.
    cluster
        .admin()
        .execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = 'dodad' AND pid <> pg_backend_pid()", &[])
        .unwrap();
    let mut client = pg(&url);
    assert_eq!(pg_rows(&mut client), 1, "only the schema's own identity row");
}
