//! Snapshots of `scorecard::build` as JSON: every unit of the demo for every period of every
//! plan year (and the default period), and a few units and periods of a generated set. They
//! pin what the scorecard shows, so a change in how it is loaded can be shown to change
//! nothing. `STYRKORT_UPDATE_SNAPSHOTS=1` writes the files instead of comparing.

use std::path::{Path, PathBuf};

use styrkort::generate::{generate, Scale};
use styrkort::model::{Period, PeriodKind};
use styrkort::{scorecard, seed, ChangeContext, Store};

fn ctx() -> ChangeContext {
    ChangeContext::new("test", "2026-11-26T10:00:00")
}

/// A fixed day, so the default period and everything judged against today never moves.
fn today() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()
}

fn snapshot_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests").join("snapshots")
}

/// The file-name part for a period: `2026-t2`, `2026-m03`, `2026-delar`, `2026-helar`.
fn period_slug(p: &Period) -> String {
    match p.kind {
        PeriodKind::Month => format!("{}-m{:02}", p.plan_year, p.seq),
        PeriodKind::Tertial => format!("{}-t{}", p.plan_year, p.seq),
        PeriodKind::Delar => format!("{}-delar", p.plan_year),
        PeriodKind::Helar => format!("{}-helar", p.plan_year),
    }
}

/// Compare `actual` with the committed file `name` (or write it when asked to). Returns a
/// description of the difference, naming the file, or `None` when they agree.
fn check(name: &str, actual: &str) -> Option<String> {
    let path = snapshot_dir().join(name);
    if std::env::var("STYRKORT_UPDATE_SNAPSHOTS").is_ok_and(|v| v == "1") {
        std::fs::create_dir_all(snapshot_dir()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return None;
    }
    let expected = match std::fs::read_to_string(&path) {
        Ok(s) => s,
        Err(e) => return Some(format!("{}: cannot read ({e}); run with STYRKORT_UPDATE_SNAPSHOTS=1 to write it", path.display())),
    };
    if expected == actual {
        return None;
    }
    let exp: Vec<&str> = expected.lines().collect();
    let act: Vec<&str> = actual.lines().collect();
    let first = exp.iter().zip(&act).position(|(a, b)| a != b).unwrap_or(exp.len().min(act.len()));
    let mut msg = format!(
        "{}: differs from the scorecard built now (expected {} lines, got {}), first at line {}:\n",
        path.display(),
        exp.len(),
        act.len(),
        first + 1
    );
    let from = first.saturating_sub(3);
    for i in from..(first + 8) {
        if let Some(l) = exp.get(i).filter(|l| act.get(i) == Some(l)) {
            msg.push_str(&format!("  {:>6}   {l}\n", i + 1));
        } else {
            if let Some(l) = exp.get(i) {
                msg.push_str(&format!("- {:>6}   {l}\n", i + 1));
            }
            if let Some(l) = act.get(i) {
                msg.push_str(&format!("+ {:>6}   {l}\n", i + 1));
            }
        }
    }
    Some(msg)
}

/// The scorecards of `units` for one year and period choice, as one pretty JSON array.
fn snapshot(store: &Store, units: &[i64], year: i32, period: Option<i64>) -> String {
    let cards: Vec<_> = units.iter().map(|id| scorecard::build(store, *id, year, period, today()).unwrap()).collect();
    let mut s = serde_json::to_string_pretty(&cards).unwrap();
    s.push('\n');
    s
}

/// Snapshot every period in `periods` (and the default period of each plan year) for `units`,
/// with file names starting `prefix`; every difference is reported at once.
fn check_all(store: &Store, prefix: &str, units: &[i64], periods: impl Fn(i32) -> Vec<Period>) -> usize {
    let mut failures = Vec::new();
    let mut files = 0;
    for plan in store.plan_years().unwrap() {
        let mut choices: Vec<(String, Option<i64>)> = periods(plan.year).iter().map(|p| (period_slug(p), Some(p.id))).collect();
        choices.push((format!("{}-default", plan.year), None));
        for (slug, period) in choices {
            let name = format!("{prefix}-{slug}.json");
            failures.extend(check(&name, &snapshot(store, units, plan.year, period)));
            files += 1;
        }
    }
    assert!(failures.is_empty(), "{} of {files} snapshots differ:\n{}", failures.len(), failures.join("\n"));
    files
}

#[test]
fn demo_scorecards_match_their_snapshots() {
    let mut store = Store::open_in_memory().unwrap();
    seed::load_demo(&mut store, &ctx()).unwrap();
    let units: Vec<i64> = store.units().unwrap().iter().map(|u| u.id).collect();
    let files = check_all(&store, "demo", &units, |year| store.periods(year).unwrap());
    assert!(files >= 10, "snapshot files: {files}");
}

#[test]
fn generated_scorecards_match_their_snapshots() {
    let mut store = Store::open_in_memory().unwrap();
    generate(&mut store, &ctx(), Scale::Small, 5).unwrap();
    let all: Vec<i64> = store.units().unwrap().iter().map(|u| u.id).collect();
    // The kommun, a few committees and units further down: every fourth unit.
    let units: Vec<i64> = all.iter().step_by(4).copied().collect();
    // A tertial, the delårsrapport and the whole year of each plan year.
    let files = check_all(&store, "generated", &units, |year| {
        store
            .periods(year)
            .unwrap()
            .into_iter()
            .filter(|p| matches!(p.kind, PeriodKind::Delar | PeriodKind::Helar) || p.key == "T1")
            .collect()
    });
    assert!(files >= 4, "snapshot files: {files}");
}
