//! Rights enforced by PostgreSQL (issue 14): the roles controller, editor and reader, row-level
//! security by unit subtree, the period lock for everyone, the audit log's real database user,
//! and `styrkort users add|list|remove`. Runs against a throw-away cluster the test starts.

mod common;

use common::pg::PgCluster;
use postgres::{Client, NoTls};
use styrkort::store::pg::{self, users};
use styrkort::{ChangeContext, ErrorCode};

fn ctx() -> ChangeContext {
    ChangeContext::new("Test", "2026-05-04T10:00:00")
}

/// A migrated database with a kommun, two nämnder, units under one of them (Hemtjänsten with
/// Hemtjänst Norr below it), a plan year with an open and a locked period, an indicator with
/// a value for each unit, a goal, an activity of each nämnd, and an assessment.
fn municipality(cluster: &PgCluster, name: &str) -> String {
    let url = cluster.create_database(name);
    let mut admin = pg::connect(&url).unwrap();
    pg::migrate(&mut admin, "2026-05-04T09:00:00").unwrap();
    admin
        .batch_execute(
            "INSERT INTO org_unit(id, parent_id, kind, name) VALUES
                 (1, NULL, 'kommun', 'Exempelkommun'),
                 (2, 1, 'namnd', 'Socialnämnden'),
                 (3, 2, 'enhet', 'Hemtjänsten'),
                 (4, 3, 'enhet', 'Hemtjänst Norr'),
                 (5, 2, 'enhet', 'Äldreboende'),
                 (6, 1, 'namnd', 'Barn- och utbildningsnämnden');
             INSERT INTO assessment_scale(id, name, steps) VALUES (1, 'Tre steg', 3);
             INSERT INTO plan_year(year, scale_id) VALUES (2026, 1);
             INSERT INTO perspective(id, plan_year, name) VALUES (1, 2026, 'Medborgare');
             INSERT INTO goal(id, plan_year, level, perspective_id, owner_unit_id, title)
                 VALUES (1, 2026, 'enhet', 1, 3, 'Nöjda brukare');
             INSERT INTO follow_up_period(id, plan_year, kind, seq, name, start_date, end_date, locked) VALUES
                 (1, 2026, 'tertial', 1, 'T1 2026', '2026-01-01', '2026-04-30', 0),
                 (2, 2026, 'delar', 1, 'Delår 2026', '2026-01-01', '2026-08-31', 0);
             INSERT INTO indicator(id, name, direction, owner_unit_id) VALUES (1, 'Nöjdhet', 'higher', 1);
             INSERT INTO indicator_value(indicator_id, org_unit_id, period_id, gender, value, source, changed_at, changed_by) VALUES
                 (1, 3, 1, 'T', 80, 'manual', 'x', 'x'), (1, 4, 1, 'T', 81, 'manual', 'x', 'x'),
                 (1, 5, 1, 'T', 82, 'manual', 'x', 'x'), (1, 6, 1, 'T', 83, 'manual', 'x', 'x'),
                 (1, 3, 2, 'T', 84, 'manual', 'x', 'x');
             INSERT INTO activity(id, plan_year, owner_unit_id, title) VALUES (1, 2026, 3, 'Kontinuitet'), (2, 2026, 6, 'Läsfrämjande');
             INSERT INTO assessment(goal_id, org_unit_id, period_id, step, analysis, changed_at, changed_by)
                 VALUES (1, 6, 1, 2, 'BUN:s analys', 'x', 'x');
             -- Locked last: from here on even the owner cannot write the period's rows.
             UPDATE follow_up_period SET locked = 1 WHERE id = 2;",
        )
        .unwrap();
    url
}

/// The URL of `url`'s database as another login (trust authentication on the socket).
fn as_user(url: &str, login: &str) -> String {
    let replaced = url.replacen("://postgres@", &format!("://{login}@"), 1);
    assert_ne!(replaced, url, "the cluster's URLs name the superuser postgres");
    replaced
}

fn value(admin: &mut Client, unit: i64, period: i64) -> f64 {
    admin
        .query_one("SELECT value FROM indicator_value WHERE indicator_id=1 AND org_unit_id=$1 AND period_id=$2", &[&unit, &period])
        .unwrap()
        .get(0)
}

fn set_value(db: &mut Client, unit: i64, period: i64, v: f64) -> styrkort::Result<u64> {
    Ok(db.execute("UPDATE indicator_value SET value=$3 WHERE indicator_id=1 AND org_unit_id=$1 AND period_id=$2", &[&unit, &period, &v])?)
}

/// What the app does when it saves a value: an upsert and its audit row, in one transaction.
fn save_value(db: &mut Client, unit: i64, v: f64) -> styrkort::Result<()> {
    let mut tx = db.transaction()?;
    tx.execute(
        "INSERT INTO indicator_value(indicator_id, org_unit_id, period_id, gender, value, source, changed_at, changed_by)
         VALUES (1, $1, 1, 'T', $2, 'manual', 'now', 'Anna')
         ON CONFLICT (indicator_id, org_unit_id, period_id, gender) DO UPDATE SET value=excluded.value, changed_at=excluded.changed_at, changed_by=excluded.changed_by",
        &[&unit, &v],
    )?;
    tx.execute(
        "INSERT INTO audit_log(at, user_name, action, entity, entity_id) VALUES ('now', 'Anna', 'update', 'indicator_value', $1)",
        &[&unit.to_string()],
    )?;
    tx.commit()?;
    Ok(())
}

fn new_user<'a>(login: &'a str, role: users::Role, units: &'a [String], password: Option<&'a str>) -> users::NewUser<'a> {
    users::NewUser { login, role, units, password }
}

#[test]
fn the_database_holds_each_role_to_its_rights() {
    let Some(cluster) = PgCluster::start() else { return };
    let url = municipality(&cluster, "kommun");
    let mut admin = pg::connect(&url).unwrap();

    // Users through the repository, units by name and by id.
    let hemtjansten = vec!["Hemtjänsten".to_string()];
    let password = users::add(&mut admin, &ctx(), new_user("anna", users::Role::Editor, &hemtjansten, None)).unwrap();
    assert_eq!(password.map(|p| p.len()), Some(20), "a generated password is returned once");
    // A second editor, of the other nämnd: rights are per person, not per role.
    users::add(&mut admin, &ctx(), new_user("bertil", users::Role::Editor, &["6".to_string()], None)).unwrap();
    users::add(&mut admin, &ctx(), new_user("rut", users::Role::Reader, &[], Some("hemligt"))).unwrap();
    users::add(&mut admin, &ctx(), new_user("carl", users::Role::Controller, &[], None)).unwrap();
    let listed = users::list(&mut admin).unwrap();
    assert_eq!(
        listed.iter().map(|u| (u.login.as_str(), u.role)).collect::<Vec<_>>(),
        [("anna", users::Role::Editor), ("bertil", users::Role::Editor), ("carl", users::Role::Controller), ("rut", users::Role::Reader)]
    );
    assert_eq!(listed[0].units, [users::UserUnit { id: 3, name: "Hemtjänsten".into() }]);
    // An editor without units, a reader with one, a second login of the same name: refused.
    let e = users::add(&mut admin, &ctx(), new_user("bo", users::Role::Editor, &[], None)).unwrap_err();
    assert_eq!(e.code, ErrorCode::Validation);
    let e = users::add(&mut admin, &ctx(), new_user("bo", users::Role::Reader, &hemtjansten, None)).unwrap_err();
    assert_eq!(e.code, ErrorCode::Validation);
    let e = users::add(&mut admin, &ctx(), new_user("anna", users::Role::Reader, &[], None)).unwrap_err();
    assert_eq!(e.code, ErrorCode::Conflict);
    let e = users::add(&mut admin, &ctx(), new_user("bo", users::Role::Editor, &["Ingenstans".to_string()], None)).unwrap_err();
    assert_eq!(e.code, ErrorCode::NotFound);
    let exists: bool = admin.query_one("SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'bo')", &[]).unwrap().get(0);
    assert!(!exists, "a refused add leaves no login behind");

    // The editor: their own unit and the unit below it, not their sibling, nämnd or another nämnd.
    let mut anna = Client::connect(&as_user(&url, "anna"), NoTls).unwrap();
    save_value(&mut anna, 3, 90.0).unwrap();
    save_value(&mut anna, 4, 91.0).unwrap();
    assert_eq!((value(&mut admin, 3, 1), value(&mut admin, 4, 1)), (90.0, 91.0));
    for other in [5, 2, 6] {
        let e = save_value(&mut anna, other, 1.0).unwrap_err();
        assert_eq!(e.code, ErrorCode::PermissionDenied, "unit {other}: {}", e.message_en);
        assert!(e.message.contains("behörighet"), "{}", e.message);
    }
    // A plain UPDATE of another unit's row is refused too, not silently skipped.
    for other in [5, 6] {
        let e = set_value(&mut anna, other, 1, 1.0).unwrap_err();
        assert_eq!(e.code, ErrorCode::PermissionDenied);
    }
    assert_eq!((value(&mut admin, 5, 1), value(&mut admin, 6, 1)), (82.0, 83.0), "nothing of the other units changed");
    let mut bertil = Client::connect(&as_user(&url, "bertil"), NoTls).unwrap();
    save_value(&mut bertil, 6, 60.0).unwrap();
    assert_eq!(save_value(&mut bertil, 3, 1.0).unwrap_err().code, ErrorCode::PermissionDenied);
    assert_eq!((value(&mut admin, 6, 1), value(&mut admin, 3, 1)), (60.0, 90.0));
    admin.execute("UPDATE indicator_value SET value = 83 WHERE org_unit_id = 6 AND period_id = 1", &[]).unwrap();
    // A row cannot be moved into the editor's units, nor deleted from another unit.
    let e: styrkort::AppError = anna.execute("UPDATE indicator_value SET org_unit_id = 3 WHERE org_unit_id = 6", &[]).unwrap_err().into();
    assert_eq!(e.code, ErrorCode::PermissionDenied);
    let e: styrkort::AppError = anna.execute("DELETE FROM indicator_value WHERE org_unit_id = 6", &[]).unwrap_err().into();
    assert_eq!(e.code, ErrorCode::PermissionDenied, "a delete of another unit's row is refused, not skipped");
    let e: styrkort::AppError = anna.execute("DELETE FROM indicator_value WHERE period_id = 1", &[]).unwrap_err().into();
    assert_eq!(e.code, ErrorCode::PermissionDenied, "one foreign row refuses the whole statement");
    assert_eq!(value(&mut admin, 6, 1), 83.0);
    assert_eq!(value(&mut admin, 3, 1), 90.0);
    assert_eq!(anna.execute("DELETE FROM indicator_value WHERE org_unit_id = 4", &[]).unwrap(), 1);
    save_value(&mut anna, 4, 91.0).unwrap();
    // Other unit-scoped follow-up: an assessment and an activity's follow-up.
    anna.execute(
        "INSERT INTO assessment(goal_id, org_unit_id, period_id, step, analysis, changed_at, changed_by) VALUES (1, 4, 1, 1, 'Bra', 'now', 'Anna')",
        &[],
    )
    .unwrap();
    let e: styrkort::AppError = anna.execute("UPDATE assessment SET analysis = 'Ändrad' WHERE org_unit_id = 6", &[]).unwrap_err().into();
    assert_eq!(e.code, ErrorCode::PermissionDenied);
    anna.execute(
        "INSERT INTO activity_follow_up(activity_id, period_id, status, changed_at, changed_by) VALUES (1, 1, 'paborjad', 'now', 'Anna')",
        &[],
    )
    .unwrap();
    let e: styrkort::AppError = anna
        .execute("INSERT INTO activity_follow_up(activity_id, period_id, status, changed_at, changed_by) VALUES (2, 1, 'paborjad', 'now', 'Anna')", &[])
        .unwrap_err()
        .into();
    assert_eq!(e.code, ErrorCode::PermissionDenied);
    // A follow-up row is another unit's through its activity: deleting it is refused too.
    admin
        .execute(
            "INSERT INTO activity_follow_up(activity_id, period_id, status, changed_at, changed_by) VALUES (2, 1, 'genomford', 'x', 'x')",
            &[],
        )
        .unwrap();
    let e: styrkort::AppError = anna.execute("DELETE FROM activity_follow_up", &[]).unwrap_err().into();
    assert_eq!(e.code, ErrorCode::PermissionDenied);
    assert_eq!(anna.execute("DELETE FROM activity_follow_up WHERE activity_id = 1", &[]).unwrap(), 1);
    let left: i64 = admin.query_one("SELECT count(*) FROM activity_follow_up WHERE activity_id = 2", &[]).unwrap().get(0);
    assert_eq!(left, 1);
    // Planning and the organisation are not the editor's.
    for sql in ["UPDATE goal SET title = 'Annat'", "UPDATE org_unit SET name = 'Annat' WHERE id = 3", "DELETE FROM app_user_unit"] {
        let e: styrkort::AppError = anna.execute(sql, &[]).unwrap_err().into();
        assert_eq!(e.code, ErrorCode::PermissionDenied, "{sql}");
    }
    // An audit row names its real writer, and cannot name another.
    let audited: Vec<String> =
        admin.query("SELECT db_user FROM audit_log WHERE user_name = 'Anna' ORDER BY id", &[]).unwrap().iter().map(|r| r.get(0)).collect();
    // bertil's save said it was Anna (user_name), but the database knows better.
    assert_eq!(audited, ["anna", "anna", "bertil", "anna"]);
    let e: styrkort::AppError = anna
        .execute(
            "INSERT INTO audit_log(at, user_name, action, entity, entity_id, db_user) VALUES ('now', 'x', 'update', 'x', '1', 'carl')",
            &[],
        )
        .unwrap_err()
        .into();
    assert_eq!(e.code, ErrorCode::PermissionDenied);
    // Removing the editor's unit takes the rights away at once.
    admin.execute("DELETE FROM app_user_unit WHERE login = 'anna'", &[]).unwrap();
    assert_eq!(save_value(&mut anna, 3, 1.0).unwrap_err().code, ErrorCode::PermissionDenied);
    admin.execute("INSERT INTO app_user_unit(login, org_unit_id) VALUES ('anna', 3)", &[]).unwrap();

    // The reader reads everything and writes nothing.
    let mut rut = Client::connect(&as_user(&url, "rut"), NoTls).unwrap();
    let n: i64 = rut.query_one("SELECT count(*) FROM indicator_value", &[]).unwrap().get(0);
    assert_eq!(n, 5);
    for sql in [
        "UPDATE indicator_value SET value = 1",
        "INSERT INTO assessment(goal_id, org_unit_id, period_id, changed_at, changed_by) VALUES (1, 3, 1, 'now', 'Rut')",
        "INSERT INTO audit_log(at, user_name, action, entity, entity_id) VALUES ('now', 'Rut', 'update', 'x', '1')",
        "UPDATE goal SET title = 'Annat'",
    ] {
        let e: styrkort::AppError = rut.execute(sql, &[]).unwrap_err().into();
        assert_eq!(e.code, ErrorCode::PermissionDenied, "{sql}");
    }
    let e = users::list(&mut rut).unwrap_err();
    assert_eq!(e.code, ErrorCode::PermissionDenied);

    // The controller changes anything, and manages users.
    let mut carl = Client::connect(&as_user(&url, "carl"), NoTls).unwrap();
    save_value(&mut carl, 6, 70.0).unwrap();
    assert_eq!(value(&mut admin, 6, 1), 70.0);
    carl.execute("UPDATE goal SET title = 'Trygga brukare' WHERE id = 1", &[]).unwrap();
    assert_eq!(carl.execute("DELETE FROM indicator_value WHERE org_unit_id = 5 AND period_id = 1", &[]).unwrap(), 1);
    let audited: String = admin.query_one("SELECT db_user FROM audit_log ORDER BY id DESC LIMIT 1", &[]).unwrap().get(0);
    assert_eq!(audited, "carl");
    users::add(&mut carl, &ctx(), new_user("dora", users::Role::Reader, &[], None)).unwrap();
    users::remove(&mut carl, &ctx(), "dora").unwrap();

    // A locked period refuses everyone: editor, controller, even the owner.
    for db in [&mut anna, &mut carl, &mut admin] {
        let e = set_value(db, 3, 2, 1.0).unwrap_err();
        assert_eq!(e.code, ErrorCode::PeriodLocked, "{}", e.message_en);
    }
    assert_eq!(value(&mut admin, 3, 2), 84.0);
    let e: styrkort::AppError = admin.execute("DELETE FROM indicator_value WHERE period_id = 2", &[]).unwrap_err().into();
    assert_eq!(e.code, ErrorCode::PeriodLocked);
    admin.execute("UPDATE follow_up_period SET locked = 0 WHERE id = 2", &[]).unwrap();
    set_value(&mut anna, 3, 2, 85.0).unwrap();
    assert_eq!(value(&mut admin, 3, 2), 85.0);

    // Removing a user drops the login: anna can no longer connect.
    drop(anna);
    users::remove(&mut admin, &ctx(), "anna").unwrap();
    assert!(Client::connect(&as_user(&url, "anna"), NoTls).is_err());
    assert_eq!(users::remove(&mut admin, &ctx(), "anna").unwrap_err().code, ErrorCode::NotFound);
    let actions: Vec<(String, String)> = admin
        .query("SELECT action, entity_id FROM audit_log WHERE entity = 'app_user' ORDER BY id", &[])
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    let expected = [
        ("insert", "anna"),
        ("insert", "bertil"),
        ("insert", "rut"),
        ("insert", "carl"),
        ("insert", "dora"),
        ("delete", "dora"),
        ("delete", "anna"),
    ];
    assert_eq!(actions, expected.map(|(a, l)| (a.to_string(), l.to_string())));
}

#[test]
fn styrkort_users_adds_lists_and_removes_for_a_controller_only() {
    let Some(cluster) = PgCluster::start() else { return };
    let url = municipality(&cluster, "kommun");

    let out = common::styrkort_url(&url, &["users", "add", "anna", "--role", "editor", "--unit", "Hemtjänsten", "--unit", "6"]);
    let text = common::ok(&out);
    assert!(text.contains("Användaren anna (editor) är tillagd"), "{text}");
    let password = text.lines().find_map(|l| l.split(": ").nth(1).filter(|_| l.starts_with("Lösenord"))).unwrap().trim().to_string();
    assert_eq!(password.len(), 20);
    // The password printed is the one set: anna logs in with it over a password-checked
    // connection (the cluster trusts the socket, so check the verifier instead).
    let mut admin = pg::connect(&url).unwrap();
    let verifier: String = admin.query_one("SELECT rolpassword FROM pg_authid WHERE rolname = 'anna'", &[]).unwrap().get(0);
    assert!(verifier.starts_with("SCRAM-SHA-256$"), "{verifier}");

    let out = common::styrkort_url_stdin(&url, &["users", "add", "rut", "--role", "reader", "--password-stdin"], "hemligt ord\n");
    assert!(common::ok(&out).contains("angivna lösenordet"));

    let list = common::ok(&common::styrkort_url(&url, &["users", "list"]));
    let lines: Vec<&str> = list.lines().collect();
    assert_eq!(lines.len(), 2, "{list}");
    assert!(
        lines[0].starts_with("anna") && lines[0].contains("editor") && lines[0].contains("Barn- och utbildningsnämnden, Hemtjänsten"),
        "{list}"
    );
    assert!(lines[1].starts_with("rut") && lines[1].contains("reader"), "{list}");

    // Not a controller: refused in Swedish, and nothing changes.
    let out = common::styrkort_url(&as_user(&url, "anna"), &["users", "add", "eve", "--role", "controller"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("permission_denied") && err.contains("Bara kommunens controller"), "{err}");
    let out = common::styrkort_url(&as_user(&url, "rut"), &["users", "remove", "anna"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("permission_denied"));
    let exists: bool = admin.query_one("SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'eve')", &[]).unwrap().get(0);
    assert!(!exists);

    // A bad login name is refused before anything reaches the server.
    let out = common::styrkort_url(&url, &["users", "add", "Robert'); DROP TABLE goal;--", "--role", "reader"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("validation"));

    let out = common::styrkort_url(&url, &["users", "remove", "anna"]);
    assert!(common::ok(&out).contains("anna är borttagen"));
    let list = common::ok(&common::styrkort_url(&url, &["users", "list", "--format", "json"]));
    let json: serde_json::Value = serde_json::from_str(&list).unwrap();
    assert_eq!(json, serde_json::json!([{"login": "rut", "role": "reader", "units": []}]));

    // On a database file, users are refused: they belong to a shared database.
    let dir = tempfile::tempdir().unwrap();
    let out = common::styrkort(&dir.path().join("kommun.db"), &["users", "list"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("validation") && err.contains("gemensam databas"), "{err}");
}
