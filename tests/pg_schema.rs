//! The PostgreSQL schema and connection (issue 14) against a real server the test starts
//! itself (tests/common/pg.rs): migrations, refusal of a newer schema, the same tables and
//! columns as the SQLite file, json_each, and TLS refusals.
#![cfg(unix)]

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use common::pg;
use styrkort::error::ErrorCode;
use styrkort::store::pg::{connect, migrate, version, PG_SCHEMA_VERSION};

const AT: &str = "2026-12-03T08:00:00Z";

/// The error of a connection attempt that must fail.
fn refused(url: &str) -> styrkort::error::AppError {
    match connect(url) {
        Ok(_) => panic!("connected to {url}"),
        Err(e) => e,
    }
}

fn schema_rows(client: &mut postgres::Client) -> Vec<(i64, String)> {
    client
        .query("SELECT version, applied_at FROM styrkort_schema ORDER BY version", &[])
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect()
}

#[test]
fn a_fresh_database_is_migrated_once() {
    let Some(cluster) = pg::shared() else { return };
    let url = cluster.create_database("fresh");
    let mut client = connect(&url).unwrap();
    assert_eq!(version(&mut client).unwrap(), None);
    assert_eq!(migrate(&mut client, AT).unwrap(), PG_SCHEMA_VERSION);
    assert_eq!(version(&mut client).unwrap(), Some(PG_SCHEMA_VERSION));
    let rows = schema_rows(&mut client);
    assert_eq!(rows, (1..=PG_SCHEMA_VERSION).map(|v| (v, AT.to_string())).collect::<Vec<_>>());
    // Again: nothing to do, nothing recorded.
    assert_eq!(migrate(&mut client, "2026-12-04T00:00:00Z").unwrap(), PG_SCHEMA_VERSION);
    assert_eq!(schema_rows(&mut client), rows);
    // The database knows who it is, as a SQLite file does: 32 lower-case hex digits.
    let id: String = client.query_one("SELECT value FROM setting WHERE key = 'database_id'", &[]).unwrap().get(0);
    assert_eq!(id.len(), 32);
    assert!(id.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)), "{id}");
}

#[test]
fn two_clients_migrating_at_once_both_succeed_and_migrate_once() {
    let Some(cluster) = pg::shared() else { return };
    let url = cluster.create_database("racing");
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(4));
    let threads: Vec<_> = (0..4)
        .map(|i| {
            let (url, barrier) = (url.clone(), barrier.clone());
            std::thread::spawn(move || {
                let mut client = connect(&url).unwrap();
                barrier.wait();
                migrate(&mut client, &format!("2026-12-03T08:00:0{i}Z"))
            })
        })
        .collect();
    for t in threads {
        assert_eq!(t.join().unwrap().unwrap(), PG_SCHEMA_VERSION);
    }
    let mut client = connect(&url).unwrap();
    let rows = schema_rows(&mut client);
    assert_eq!(rows.iter().map(|r| r.0).collect::<Vec<_>>(), (1..=PG_SCHEMA_VERSION).collect::<Vec<_>>());
}

fn tables(client: &mut postgres::Client) -> Vec<String> {
    client
        .query("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename", &[])
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect()
}

#[test]
fn a_database_of_a_newer_styrkort_is_refused_untouched() {
    let Some(cluster) = pg::shared() else { return };
    let url = cluster.create_database("newer");
    let mut client = connect(&url).unwrap();
    client.batch_execute("CREATE TABLE styrkort_schema (version BIGINT PRIMARY KEY, applied_at TEXT NOT NULL); INSERT INTO styrkort_schema VALUES (999, 'future'); CREATE TABLE from_the_future (x BIGINT);").unwrap();
    let before = (tables(&mut client), schema_rows(&mut client));
    let err = migrate(&mut client, AT).unwrap_err();
    assert_eq!(err.code, ErrorCode::NewerDatabase, "{err:?}");
    assert!(err.message.contains("999") && err.message.contains("nyare version"), "{}", err.message);
    assert!(err.message_en.contains("has not been changed"), "{}", err.message_en);
    assert_eq!((tables(&mut client), schema_rows(&mut client)), before);
    assert_eq!(version(&mut client).unwrap(), Some(999));
}

#[test]
fn a_database_of_something_else_is_refused_untouched() {
    let Some(cluster) = pg::shared() else { return };
    let url = cluster.create_database("other_app");
    let mut client = connect(&url).unwrap();
    client.batch_execute("CREATE TABLE invoices (id BIGINT)").unwrap();
    let err = migrate(&mut client, AT).unwrap_err();
    assert_eq!(err.code, ErrorCode::BadDatabase, "{err:?}");
    assert_eq!(tables(&mut client), vec!["invoices".to_string()]);
}

/// (column, type, not null or key) per table, in column order.
type Columns = BTreeMap<String, Vec<(String, String, bool)>>;

fn sqlite_columns() -> (Columns, BTreeSet<String>) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kommun.db");
    drop(styrkort::Store::open(&path).unwrap());
    let conn = rusqlite::Connection::open(&path).unwrap();
    let names: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    let mut out = Columns::new();
    for t in names {
        let cols = conn
            .prepare(&format!("PRAGMA table_info(\"{t}\")"))
            .unwrap()
            .query_map([], |r| {
                let ty: String = r.get(2)?;
                let notnull: bool = r.get(3)?;
                let pk: i64 = r.get(5)?;
                let ty = match ty.as_str() {
                    "INTEGER" => "bigint",
                    "REAL" => "double precision",
                    "TEXT" => "text",
                    "BLOB" => "bytea",
                    other => panic!("unmapped SQLite type {other}"),
                };
                Ok((r.get::<_, String>(1)?, ty.to_string(), notnull || pk > 0))
            })
            .unwrap()
            .map(|r| r.unwrap())
            .collect();
        out.insert(t, cols);
    }
    let indexes = conn
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    (out, indexes)
}

#[test]
fn every_table_has_the_same_columns_in_the_same_order_on_both_engines() {
    let Some(cluster) = pg::shared() else { return };
    let url = cluster.create_database("parity");
    let mut client = connect(&url).unwrap();
    migrate(&mut client, AT).unwrap();
    let mut pg_cols = Columns::new();
    for r in client
        .query(
            "SELECT table_name::text, column_name::text, data_type::text, is_nullable = 'NO'
             FROM information_schema.columns WHERE table_schema = current_schema()
             ORDER BY table_name, ordinal_position",
            &[],
        )
        .unwrap()
    {
        pg_cols.entry(r.get(0)).or_default().push((r.get(1), r.get(2), r.get(3)));
    }
    assert!(pg_cols.remove("styrkort_schema").is_some());
    let (sqlite_cols, sqlite_indexes) = sqlite_columns();
    assert!(sqlite_cols.len() >= 40, "{:?}", sqlite_cols.keys());
    let only_sqlite: Vec<_> = sqlite_cols.keys().filter(|t| !pg_cols.contains_key(*t)).collect();
    let only_pg: Vec<_> = pg_cols.keys().filter(|t| !sqlite_cols.contains_key(*t)).collect();
    assert!(only_sqlite.is_empty() && only_pg.is_empty(), "only in SQLite: {only_sqlite:?}; only in PostgreSQL: {only_pg:?}");
    for (table, cols) in &sqlite_cols {
        assert_eq!(&pg_cols[table], cols, "table {table}: PostgreSQL's columns (left) differ from SQLite's (right)");
    }
    let pg_indexes: BTreeSet<String> = client
        .query("SELECT indexname::text FROM pg_indexes WHERE schemaname = current_schema()", &[])
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    let missing: Vec<_> = sqlite_indexes.difference(&pg_indexes).collect();
    assert!(missing.is_empty(), "indexes missing in PostgreSQL: {missing:?}");
}

#[test]
fn json_each_reads_an_id_set_on_both_engines() {
    let Some(cluster) = pg::shared() else { return };
    let url = cluster.create_database("json_each");
    let mut client = connect(&url).unwrap();
    migrate(&mut client, AT).unwrap();
    let ids = "[30,10,20]";
    let sql = "SELECT j.key, CAST(j.value AS BIGINT) FROM json_each(?1) AS j ORDER BY j.key";
    let pg: Vec<(i64, i64)> = client.query(&sql.replace("?1", "$1"), &[&ids]).unwrap().iter().map(|r| (r.get(0), r.get(1))).collect();
    assert_eq!(pg, vec![(0, 30), (1, 10), (2, 20)]);
    let sqlite = rusqlite::Connection::open_in_memory().unwrap();
    let lite: Vec<(i64, i64)> =
        sqlite.prepare(sql).unwrap().query_map([ids], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().map(|r| r.unwrap()).collect();
    assert_eq!(lite, pg);
    // Pairs, read with ->> 0 and ->> 1 on both.
    let pairs = "[[1,2],[3,4]]";
    let sql = "SELECT CAST(j.value ->> 0 AS BIGINT), CAST(j.value ->> 1 AS BIGINT) FROM json_each(?1) AS j ORDER BY j.key";
    let pg: Vec<(i64, i64)> = client.query(&sql.replace("?1", "$1"), &[&pairs]).unwrap().iter().map(|r| (r.get(0), r.get(1))).collect();
    assert_eq!(pg, vec![(1, 2), (3, 4)]);
    let lite: Vec<(i64, i64)> =
        sqlite.prepare(sql).unwrap().query_map([pairs], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().map(|r| r.unwrap()).collect();
    assert_eq!(lite, pg);
    // A row filter by id set, as the repositories write it.
    client
        .batch_execute(
            "INSERT INTO org_unit(id, parent_id, kind, name) VALUES (1, NULL, 'kommun', 'K'), (2, 1, 'enhet', 'A'), (3, 1, 'enhet', 'B')",
        )
        .unwrap();
    let names: Vec<String> = client
        .query("SELECT name FROM org_unit WHERE id IN (SELECT CAST(j.value AS BIGINT) FROM json_each($1) AS j) ORDER BY id", &[&"[3,1]"])
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(names, ["K", "B"]);
}

#[test]
fn copied_ids_and_deferred_foreign_keys_work_as_a_copy_needs() {
    let Some(cluster) = pg::shared() else { return };
    let url = cluster.create_database("copying");
    let mut client = connect(&url).unwrap();
    migrate(&mut client, AT).unwrap();
    // A child before its parent: refused at once by default, accepted when deferred.
    let child_first = "INSERT INTO org_unit(id, parent_id, kind, name) VALUES (5, 4, 'enhet', 'Barn'); INSERT INTO org_unit(id, kind, name) VALUES (4, 'kommun', 'K');";
    assert!(client.batch_execute(&format!("BEGIN; {child_first} COMMIT;")).is_err());
    client.batch_execute("ROLLBACK").unwrap();
    client.batch_execute(&format!("BEGIN; SET CONSTRAINTS ALL DEFERRED; {child_first} COMMIT;")).unwrap();
    // ON DELETE RESTRICT holds.
    assert!(client.batch_execute("DELETE FROM org_unit WHERE id = 4").is_err());
    // Same CHECKs: a 0/1 flag.
    assert!(client.batch_execute("UPDATE org_unit SET active = 2 WHERE id = 5").is_err());
}

#[test]
fn verify_full_against_a_server_without_tls_is_refused_quickly() {
    let Some(cluster) = pg::shared() else { return };
    let url = cluster.create_database("no_tls");
    let began = Instant::now();
    let err = refused(&format!("{url}?sslmode=verify-full"));
    assert!(began.elapsed() < Duration::from_secs(10));
    assert_eq!(err.code, ErrorCode::BadDatabase, "{err:?}");
    assert!(err.message.contains("Ingen säker anslutning") && err.message.contains("TLS"), "{}", err.message);
    assert!(err.message_en.contains("No secure connection"), "{}", err.message_en);
    // The same database without the demand connects (a socket is not TLS by default).
    connect(&url).unwrap();
}

#[test]
fn a_missing_database_and_an_unreachable_host_say_so() {
    let Some(cluster) = pg::shared() else { return };
    let err = refused(&cluster.url("no_such_db"));
    assert_eq!(err.code, ErrorCode::NotFound, "{err:?}");
    assert!(err.message.contains("finns inte"), "{}", err.message);
    // Nothing listens on this port of the loopback address.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let began = Instant::now();
    let err = refused(&format!("postgres://postgres@127.0.0.1:{port}/x"));
    assert!(began.elapsed() < Duration::from_secs(10));
    assert_eq!(err.code, ErrorCode::Disconnected, "{err:?}");
    assert!(err.message.contains("Ingen kontakt"), "{}", err.message);
}

/// A certificate authority and a server certificate for `localhost` it signed, made with the
/// `openssl` command in `dir`: (ca.crt, server.crt, server.key). `None` when openssl is
/// missing outside CI.
fn make_ca(dir: &std::path::Path, name: &str) -> Option<(std::path::PathBuf, std::path::PathBuf, std::path::PathBuf)> {
    let openssl = |args: &[&str]| {
        let out = std::process::Command::new("openssl").args(args).current_dir(dir).output();
        match out {
            Ok(o) if o.status.success() => true,
            Ok(o) => panic!("openssl {args:?}: {}", String::from_utf8_lossy(&o.stderr)),
            Err(_) => false,
        }
    };
    let (ca_key, ca_crt) = (format!("{name}-ca.key"), format!("{name}-ca.crt"));
    let subject = format!("/CN=Styrkort test CA {name}");
    let made = openssl(&[
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        &ca_key,
        "-out",
        &ca_crt,
        "-days",
        "2",
        "-subj",
        &subject,
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign",
    ]);
    if !made {
        assert!(std::env::var_os("CI").is_none(), "the openssl command is missing: scripts/install-system-deps.sh --test installs it");
        println!("skipped: openssl not installed");
        return None;
    }
    let (key, csr, crt) = (format!("{name}-server.key"), format!("{name}-server.csr"), format!("{name}-server.crt"));
    openssl(&["req", "-newkey", "rsa:2048", "-nodes", "-keyout", &key, "-out", &csr, "-subj", "/CN=localhost"]);
    std::fs::write(
        dir.join("ext.cnf"),
        "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1\n",
    )
    .unwrap();
    openssl(&[
        "x509",
        "-req",
        "-in",
        &csr,
        "-CA",
        &ca_crt,
        "-CAkey",
        &ca_key,
        "-CAcreateserial",
        "-out",
        &crt,
        "-days",
        "2",
        "-extfile",
        "ext.cnf",
    ]);
    Some((dir.join(ca_crt), dir.join(crt), dir.join(key)))
}

#[test]
fn tls_is_verified_against_the_municipalitys_ca() {
    if pg::server_bin().is_none() {
        assert!(std::env::var_os("CI").is_none(), "PostgreSQL not installed");
        println!("skipped: PostgreSQL not installed");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let Some((ca, cert, key)) = make_ca(dir.path(), "kommun") else { return };
    let Some((other_ca, _, _)) = make_ca(dir.path(), "other") else { return };
    let cluster = pg::PgCluster::start_tls(&cert, &key).unwrap();
    let url = cluster.create_database("tls");
    let with_ca = |mode: &str, ca: &std::path::Path| format!("{url}?sslmode={mode}&sslrootcert={}", ca.display());

    // The municipality's CA given: connected, and encrypted.
    let mut client = connect(&with_ca("verify-full", &ca)).unwrap();
    let ssl: bool = client.query_one("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()", &[]).unwrap().get(0);
    assert!(ssl);
    connect(&with_ca("verify-ca", &ca)).unwrap();

    // Without it (the system's CAs do not know this one), or with another CA: refused.
    for url in [format!("{url}?sslmode=verify-full"), with_ca("verify-full", &other_ca), with_ca("verify-ca", &other_ca)] {
        let began = Instant::now();
        let err = refused(&url);
        assert!(began.elapsed() < Duration::from_secs(10));
        assert_eq!(err.code, ErrorCode::BadDatabase, "{url}: {err:?}");
        assert!(err.message.contains("certifikat") && err.message.contains("sslrootcert"), "{}", err.message);
    }
    // require encrypts without checking, as libpq does without a CA file.
    connect(&format!("{url}?sslmode=require")).unwrap();
}

#[test]
fn identities_move_past_copied_ids() {
    let Some(cluster) = pg::shared() else { return };
    let url = cluster.create_database("identities");
    let mut client = connect(&url).unwrap();
    migrate(&mut client, AT).unwrap();
    client.batch_execute("INSERT INTO org_unit(id, kind, name) VALUES (41, 'kommun', 'K'); INSERT INTO audit_log(id, at, user_name, action, entity, entity_id) VALUES (7, 'x', 'u', 'insert', 'e', '1')").unwrap();
    styrkort::store::pg::reset_identities(&mut client).unwrap();
    let unit: i64 =
        client.query_one("INSERT INTO org_unit(parent_id, kind, name) VALUES (41, 'enhet', 'Ny') RETURNING id", &[]).unwrap().get(0);
    assert_eq!(unit, 42);
    let audit: i64 = client
        .query_one(
            "INSERT INTO audit_log(at, user_name, action, entity, entity_id) VALUES ('x', 'u', 'insert', 'e', '2') RETURNING id",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(audit, 8);
    // An empty table starts at 1.
    let scale: i64 = client.query_one("INSERT INTO assessment_scale(name, steps) VALUES ('s', 3) RETURNING id", &[]).unwrap().get(0);
    assert_eq!(scale, 1);
}

#[test]
fn a_wrong_password_is_refused_and_the_pgpass_file_supplies_the_right_one() {
    let Some(cluster) = pg::shared() else { return };
    let url = cluster.create_database("passwords");
    let mut admin = cluster.admin();
    admin.batch_execute("CREATE ROLE anna LOGIN PASSWORD 'right-pw'; ").unwrap();
    // anna alone must give a password on the socket; everyone else stays on trust.
    let hba = cluster.data_dir().join("pg_hba.conf");
    let rest = std::fs::read_to_string(&hba).unwrap();
    std::fs::write(&hba, format!("local all anna scram-sha-256\n{rest}")).unwrap();
    admin.batch_execute("SELECT pg_reload_conf()").unwrap();
    std::thread::sleep(Duration::from_millis(500));
    let anna = url.replacen("postgres@", "anna@", 1);

    let err = refused(&anna.replacen("anna@", "anna:wrong@", 1));
    assert_eq!(err.code, ErrorCode::PermissionDenied, "{err:?}");
    assert!(err.message.contains("fel lösenord") && err.message.contains("anna"), "{}", err.message);
    assert!(!err.message.contains("wrong") && !err.message_en.contains(":wrong"), "the password must not be shown: {}", err.message_en);

    // No password anywhere: refused, saying where to put it.
    let dir = tempfile::tempdir().unwrap();
    let pgpass = dir.path().join("pgpass");
    std::env::set_var("PGPASSFILE", &pgpass);
    let err = refused(&anna);
    assert_eq!(err.code, ErrorCode::PermissionDenied, "{err:?}");
    assert!(err.message.contains("pgpass"), "{}", err.message);

    // From the pgpass file (a socket is "localhost" there, as in libpq).
    std::fs::write(&pgpass, format!("localhost:{}:passwords:anna:right-pw\n", cluster.port())).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&pgpass, std::fs::Permissions::from_mode(0o600)).unwrap();
    let mut client = connect(&anna).unwrap();
    let user: String = client.query_one("SELECT current_user::text", &[]).unwrap().get(0);
    assert_eq!(user, "anna");
    std::env::remove_var("PGPASSFILE");
}
