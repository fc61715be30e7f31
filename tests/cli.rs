//! The `styrkort` command-line tool, run as a user would run it.

mod common;
use common::{ok, styrkort};
use std::path::Path;

use serde_json::Value;

fn demo_db() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    ok(&styrkort(&db, &["init", "--demo"]));
    (dir, db)
}

#[test]
fn init_demo_then_units_lists_the_tree_top_unit_first() {
    let (_d, db) = demo_db();
    let text = ok(&styrkort(&db, &["units"]));
    let first = text.lines().next().unwrap();
    assert!(first.contains("[Kommun, id 1]"), "{first}");
    assert!(text.contains("  Socialnämnden [Nämnd"), "nämnder are indented under the kommun:\n{text}");

    let json: Value = serde_json::from_str(&ok(&styrkort(&db, &["units", "--format", "json"]))).unwrap();
    let top = &json[0];
    assert_eq!(top["unit"]["kind"], "kommun");
    assert!(top["children"].as_array().unwrap().len() >= 3);
}

#[test]
fn periods_lists_t1_delar_helar() {
    let (_d, db) = demo_db();
    let json: Value = serde_json::from_str(&ok(&styrkort(&db, &["periods", "--year", "2026", "--format", "json"]))).unwrap();
    let keys: Vec<&str> = json.as_array().unwrap().iter().map(|p| p["key"].as_str().unwrap()).collect();
    assert_eq!(keys, ["T1", "delår", "helår"]);
    assert_eq!(json[1]["start_date"], "2026-01-01");
    assert_eq!(json[1]["end_date"], "2026-08-31");
    let text = ok(&styrkort(&db, &["periods", "--year", "2026"]));
    assert!(text.contains("Delår 2026"), "{text}");
}

#[test]
fn scorecard_json_has_computed_colours_and_explanations() {
    let (_d, db) = demo_db();
    let out = ok(&styrkort(&db, &["scorecard", "--unit", "Socialnämnden", "--year", "2026", "--period", "delar", "--format", "json"]));
    let card: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(card["unit"]["name"], "Socialnämnden");
    assert_eq!(card["period"]["key"], "delår");
    let perspectives = card["perspectives"].as_array().unwrap();
    assert_eq!(perspectives.len(), 4);
    let mut colours = Vec::new();
    for p in perspectives {
        for g in p["goals"].as_array().unwrap() {
            assert!(g["status"]["explanation"]["rule"].is_string());
            for i in g["indicators"].as_array().unwrap() {
                if let Some(c) = i["status"]["status"].as_str() {
                    colours.push(c.to_string());
                }
            }
        }
    }
    assert!(!colours.is_empty(), "indicators carry colours");
    for c in &colours {
        assert!(["green", "yellow", "red"].contains(&c.as_str()), "{c}");
    }
}

#[test]
fn the_same_scorecard_as_text_is_swedish() {
    let (_d, db) = demo_db();
    let text = ok(&styrkort(&db, &["scorecard", "--unit", "1", "--year", "2026"]));
    assert!(text.starts_with("Styrkort – "), "{text}");
    for p in ["== Invånare ==", "== Ekonomi ==", "== Medarbetare ==", "== Hållbar utveckling =="] {
        assert!(text.contains(p), "missing {p}");
    }
    assert!(text.contains("Teckenförklaring"));
}

#[test]
fn errors_go_to_stderr_with_a_non_zero_exit() {
    let (_d, db) = demo_db();
    let cases: [(&[&str], &str); 5] = [
        (&["scorecard", "--unit", "Finns inte", "--year", "2026"], "Ingen enhet heter"),
        (&["scorecard", "--unit", "1", "--year", "1999"], "Planåret 1999 finns inte"),
        (&["scorecard", "--unit", "1", "--year", "2026", "--period", "T7"], "känns inte igen"),
        (&["scorecard", "--unit", "1", "--year", "2026", "--period", "2026-05"], "finns inte för 2026"),
        (&["periods", "--year", "2040"], "Planåret 2040 finns inte"),
    ];
    for (args, expected) in cases {
        let out = styrkort(&db, args);
        assert!(!out.status.success(), "{args:?} should fail");
        assert!(out.stdout.is_empty(), "{args:?} printed to stdout");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(expected), "{args:?}: {err}");
    }
}

#[test]
fn an_ambiguous_unit_name_lists_the_candidates() {
    let (_d, db) = demo_db();
    let out = styrkort(&db, &["scorecard", "--unit", "nämnden", "--year", "2026"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("passar flera enheter") && err.contains("Socialnämnden"), "{err}");
}

#[test]
fn a_missing_database_is_not_created_by_read_commands() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("nope.db");
    let out = styrkort(&db, &["units"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("init --demo"));
    assert!(!db.exists());
}

#[test]
fn init_demo_twice_is_refused_and_changes_nothing() {
    let (_d, db) = demo_db();
    let before = std::fs::read(&db).unwrap();
    let out = styrkort(&db, &["init", "--demo"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("redan en organisation"));
    let units = ok(&styrkort(&db, &["units"]));
    assert_eq!(units.matches("[Kommun").count(), 1);
    // WAL may checkpoint, so compare content, not bytes: still one municipality.
    assert!(!before.is_empty());
}

#[test]
fn a_file_that_is_not_a_database_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("notes.db");
    let content = b"Detta \xc3\xa4r inte en databas, bara anteckningar.\n".repeat(200);
    std::fs::write(&db, &content).unwrap();
    let out = styrkort(&db, &["units"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad_database") && err.contains("inte en fungerande Styrkort-databas"), "{err}");
    assert_eq!(std::fs::read(&db).unwrap(), content, "the file was changed");
}

#[test]
fn a_database_from_a_newer_version_is_refused_and_left_untouched() {
    let (_d, db) = demo_db();
    {
        let conn = rusqlite_conn(&db);
        conn.pragma_update(None, "user_version", 99).unwrap();
        conn.pragma_update(None, "journal_mode", "DELETE").unwrap();
    }
    let before = std::fs::read(&db).unwrap();
    let out = styrkort(&db, &["units"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("newer_database") && err.contains("nyare version"), "{err}");
    assert_eq!(std::fs::read(&db).unwrap(), before);
}

fn rusqlite_conn(path: &Path) -> rusqlite::Connection {
    rusqlite::Connection::open(path).unwrap()
}

#[test]
fn version_names_the_program_and_the_schema_it_writes() {
    let dir = tempfile::tempdir().unwrap();
    for flag in ["--version", "-V"] {
        let text = ok(&styrkort(&dir.path().join("ingen.db"), &[flag]));
        assert_eq!(
            text.trim(),
            format!("styrkort {} (databasschema {})", env!("CARGO_PKG_VERSION"), styrkort::store::schema_version()),
            "{flag}"
        );
    }
    assert!(!dir.path().join("ingen.db").exists(), "asking for the version opens no database");
}
