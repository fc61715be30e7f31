//! The load tool's own checks (issue 14): on a small shared database, editors saving at once
//! lose nothing and overwrite nothing silently, row-level security refuses their writes to
//! other units, and a writer killed mid-transaction leaves nothing half-written. The timings
//! are BENCHMARKS.md's, not this test's.

mod common;

use styrkort::load::{self, LoadOptions};

const AT: &str = "2026-11-26T10:00:00";

fn demo_in_postgres(name: &str) -> Option<(String, tempfile::TempDir)> {
    let cluster = common::pg::shared()?;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("kommun.db");
    let mut store = styrkort::Store::open(&file).unwrap();
    styrkort::seed::load_demo(&mut store, &styrkort::ChangeContext::new("test", AT)).unwrap();
    drop(store);
    let url = cluster.create_database(name);
    styrkort::store::copy::sqlite_to_postgres(&file, &url, AT, &mut |_, _| {}).unwrap();
    Some((url, dir))
}

#[test]
fn editors_at_once_lose_nothing_and_are_held_to_their_units() {
    let Some((url, _dir)) = demo_in_postgres("last") else { return };
    let r = load::run(&LoadOptions { url: url.clone(), editors: 6, seconds: 3, seed: 7 }, AT).unwrap();
    assert!(r.value_saves > 20, "{r:?}");
    assert_eq!((r.edits_lost, r.silently_overwritten, r.other_errors), (0, 0, 0), "{r:?}");
    assert!(r.refused_by_rls > 0, "each editor tried other units and was refused: {r:?}");
    assert!(r.rollups > 0);
    // The run's logins are gone again.
    let mut admin = styrkort::store::pg::connect(&url).unwrap();
    let left: i64 = admin.query_one("SELECT COUNT(*) FROM pg_roles WHERE rolname LIKE 'last%'", &[]).unwrap().get(0);
    assert_eq!(left, 0);
}

#[test]
fn a_writer_killed_mid_transaction_leaves_nothing_half_written() {
    let Some((url, _dir)) = demo_in_postgres("avbruten") else { return };
    let r = load::kill_mid_transaction(&url, std::path::Path::new(env!("CARGO_BIN_EXE_styrkort-tools")), 3, 3, AT).unwrap();
    assert!(r.acknowledged > 0, "the writer committed before it was killed: {r:?}");
    assert_eq!((r.half_written, r.lost), (0, 0), "{r:?}");
}
