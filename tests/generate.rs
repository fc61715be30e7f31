//! The synthetic municipality generator and the bench command, on the small scale.
//! Benchmarks are not timed here: only that they run and print every figure.

use std::path::Path;
use std::process::{Command, Output};

use styrkort::generate::{generate, Scale};
use styrkort::{scorecard, ChangeContext, ErrorCode, Store};

/// `styrkort-tools --db DB ARGS…`: the developers' tool that holds `generate` and `bench`.
fn tools(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_styrkort-tools"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("STYRKORT_DB")
        .output()
        .expect("run styrkort-tools")
}

fn styrkort(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_styrkort")).arg("--db").arg(db).args(args).env_remove("STYRKORT_DB").output().expect("run styrkort")
}

fn ok(out: &Output) -> String {
    assert!(out.status.success(), "failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout.clone()).expect("utf-8 output")
}

fn today() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()
}

/// Counts without the audit log's timestamps, and every unit's scorecard as JSON.
fn content(store: &Store) -> (Vec<(String, i64)>, Vec<String>) {
    let counts = store.counts().unwrap();
    let delar = store.resolve_period(2026, "delår").unwrap();
    let cards = store
        .units()
        .unwrap()
        .iter()
        .map(|u| serde_json::to_string(&scorecard::build(store, u.id, 2026, Some(delar.id), today()).unwrap()).unwrap())
        .collect();
    (counts, cards)
}

fn generated(seed: u64, at: &str) -> Store {
    let mut store = Store::open_in_memory().unwrap();
    generate(&mut store, &ChangeContext::new("test", at), Scale::Small, seed).unwrap();
    store
}

#[test]
fn same_seed_gives_the_same_municipality() {
    let a = content(&generated(7, "2026-11-26T10:00:00"));
    let b = content(&generated(7, "2026-11-26T11:30:00"));
    assert_eq!(a.0, b.0);
    assert_eq!(a.1, b.1, "scorecards differ between two runs with the same seed");
    let c = content(&generated(8, "2026-11-26T10:00:00"));
    assert_ne!(a.1, c.1, "another seed should give other values");
}

#[test]
fn small_scale_is_the_demo_size_with_all_kinds_of_rows() {
    let store = generated(1, "2026-11-26T10:00:00");
    let counts: std::collections::HashMap<String, i64> = store.counts().unwrap().into_iter().collect();
    assert_eq!(counts["org_unit"], 15);
    assert_eq!(counts["goal"], 40);
    assert_eq!(counts["indicator"], 44);
    assert_eq!(counts["indicator_value"], 44 * 24, "two years of monthly values");
    assert_eq!(counts["activity"], 16);
    assert_eq!(counts["assessment"], 40 * 3, "every goal assessed in T1, delår and helår");
    assert_eq!(counts["plan_year"], 2);
    assert!(counts["goal_link"] > 20, "the red thread is drawn: {}", counts["goal_link"]);
    let kolada = styrkort::kolada::read::counts(&store).unwrap();
    assert_eq!(kolada.values, 20 * 10 * 2 * 3, "areas × KPIs × years × genders");
    assert_eq!(kolada.kpis, 10);
    // Names look Swedish.
    let names: String = store.units().unwrap().iter().map(|u| u.name.clone()).collect::<Vec<_>>().join(", ");
    assert!(names.chars().any(|c| "åäöÅÄÖ".contains(c)), "{names}");
    // The scorecard of a unit with goals shows statuses of every colour somewhere.
    let (_, cards) = content(&store);
    let all = cards.join("");
    for colour in ["\"green\"", "\"yellow\"", "\"red\""] {
        assert!(all.contains(colour), "no {colour} status in the generated municipality");
    }
}

#[test]
fn generate_refuses_a_database_with_an_organisation() {
    let mut store = generated(1, "2026-11-26T10:00:00");
    let before = store.counts().unwrap();
    let err = generate(&mut store, &ChangeContext::new("test", "2026-11-26T10:00:00"), Scale::Small, 1).unwrap_err();
    assert_eq!(err.code, ErrorCode::Conflict);
    assert_eq!(store.counts().unwrap(), before, "nothing changed");
}

#[test]
fn cli_generate_then_one_bench_run_prints_every_figure() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("gen.db");
    let out = ok(&tools(&db, &["generate", "--scale", "small", "--seed", "3"]));
    assert!(out.contains("15 enheter") && out.contains("40 mål") && out.contains("44 nyckeltal"), "{out}");

    let bad = tools(&db, &["generate", "--scale", "huge"]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("small eller large"));

    let text = ok(&tools(&db, &["bench", "--runs", "1", "--kolada-values", "3000"]));
    for key in styrkort::bench::KEYS.iter().chain(["kolada_ratio"].iter()) {
        let line = text.lines().find(|l| l.starts_with(key)).unwrap_or_else(|| panic!("no line for {key}:\n{text}"));
        if *key != "kolada_ratio" {
            assert!(line.contains("median") && line.contains("min") && line.contains("max"), "{line}");
        }
    }
    // The benchmarks only read the database.
    let again = ok(&styrkort(&db, &["units", "--format", "json"]));
    assert!(again.contains("Kommunstyrelsen"));
}
