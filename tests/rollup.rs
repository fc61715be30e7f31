//! The fast roll-up (`scorecard::build_many`: every unit's scorecard from a few set-based
//! queries) gives exactly what building each unit's scorecard one by one gives: the same
//! statuses, explanations, values, trends, Kolada figures, assessments and activities.

use styrkort::generate::{generate, Scale};
use styrkort::{scorecard, seed, ChangeContext, ErrorCode, Store};

fn ctx() -> ChangeContext {
    ChangeContext::new("test", "2026-11-26T10:00:00")
}

fn today() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()
}

/// Every plan year and period (and the default period), all units in tree order and in
/// reverse: the fast roll-up against one build per unit, compared as JSON.
fn assert_same_as_one_by_one(store: &Store) -> usize {
    let mut units: Vec<i64> = store.units().unwrap().iter().map(|u| u.id).collect();
    let mut compared = 0;
    for plan in store.plan_years().unwrap() {
        let mut choices: Vec<Option<i64>> = store.periods(plan.year).unwrap().iter().map(|p| Some(p.id)).collect();
        choices.push(None);
        for period in choices {
            let fast = scorecard::build_many(store, &units, plan.year, period, today()).unwrap();
            assert_eq!(fast.len(), units.len());
            for (id, card) in units.iter().zip(&fast) {
                let one = scorecard::build(store, *id, plan.year, period, today()).unwrap();
                assert_eq!(
                    serde_json::to_value(card).unwrap(),
                    serde_json::to_value(&one).unwrap(),
                    "unit {id}, year {}, period {period:?}",
                    plan.year
                );
                compared += 1;
            }
            units.reverse();
        }
    }
    compared
}

/// Statuses of every goal and perspective, to check the comparison is not vacuous.
fn statuses(store: &Store, year: i32) -> Vec<String> {
    let units: Vec<i64> = store.units().unwrap().iter().map(|u| u.id).collect();
    let delar = store.resolve_period(year, "delår").unwrap();
    scorecard::build_many(store, &units, year, Some(delar.id), today())
        .unwrap()
        .iter()
        .flat_map(|c| c.perspectives.iter().flat_map(|p| std::iter::once(&p.status).chain(p.goals.iter().map(|g| &g.status))))
        .map(|s| format!("{:?}", s.status))
        .collect()
}

#[test]
fn fast_roll_up_equals_one_by_one_on_the_demo() {
    let mut store = Store::open_in_memory().unwrap();
    seed::load_demo(&mut store, &ctx()).unwrap();
    let compared = assert_same_as_one_by_one(&store);
    assert!(compared > 15 * 10, "scorecards compared: {compared}");
    // The demo has every colour and Kolada figures, so the comparison covers them.
    let all = statuses(&store, 2026).join(" ");
    for s in ["Green", "Yellow", "Red"] {
        assert!(all.contains(s), "no {s} in the demo's roll-up: {all}");
    }
}

#[test]
fn fast_roll_up_equals_one_by_one_on_a_generated_set() {
    let mut store = Store::open_in_memory().unwrap();
    generate(&mut store, &ctx(), Scale::Small, 5).unwrap();
    let compared = assert_same_as_one_by_one(&store);
    assert!(compared > 15 * 10, "scorecards compared: {compared}");
}

#[test]
fn fast_roll_up_refuses_what_a_single_build_refuses() {
    let mut store = Store::open_in_memory().unwrap();
    seed::load_demo(&mut store, &ctx()).unwrap();
    let top = store.units().unwrap()[0].id;
    let missing = scorecard::build_many(&store, &[top, 999_999], 2026, None, today()).unwrap_err();
    assert_eq!(missing.code, ErrorCode::NotFound);
    assert_eq!(missing.message, scorecard::build(&store, 999_999, 2026, None, today()).unwrap_err().message);
    let other_year = store.resolve_period(2025, "helår").unwrap();
    let wrong = scorecard::build_many(&store, &[top], 2026, Some(other_year.id), today()).unwrap_err();
    assert_eq!(wrong.code, ErrorCode::Validation);
    assert!(scorecard::build_many(&store, &[], 2026, None, today()).unwrap().is_empty());
}

/// The status roll-up (`scorecard::unit_statuses`) and the red thread's goal statuses
/// against the statuses of one scorecard per unit.
fn assert_statuses_match(store: &Store) {
    let units: Vec<i64> = store.units().unwrap().iter().map(|u| u.id).collect();
    let mut checked = 0;
    for plan in store.plan_years().unwrap() {
        for period in store.periods(plan.year).unwrap() {
            let fast = scorecard::unit_statuses(store, &units, plan.year, Some(period.id), today()).unwrap();
            let all_goals = scorecard::goal_statuses(store, plan.year, &period).unwrap();
            for (id, statuses) in units.iter().zip(&fast) {
                let card = scorecard::build(store, *id, plan.year, Some(period.id), today()).unwrap();
                assert_eq!(statuses.unit_id, *id);
                let perspectives: Vec<_> = card.perspectives.iter().map(|p| (p.id, p.status.clone())).collect();
                assert_eq!(statuses.perspectives, perspectives, "unit {id}, {}", period.name);
                let goals: Vec<_> = card.perspectives.iter().flat_map(|p| &p.goals).collect();
                let mut fast_goals = statuses.goals.clone();
                fast_goals.sort_by_key(|g| g.goal_id);
                let mut slow_goals: Vec<_> = goals.iter().map(|g| (g.id, g.status.clone(), g.computed.clone())).collect();
                slow_goals.sort_by_key(|g| g.0);
                assert_eq!(
                    fast_goals.iter().map(|g| (g.goal_id, g.status.clone(), g.computed.clone())).collect::<Vec<_>>(),
                    slow_goals,
                    "unit {id}, {}",
                    period.name
                );
                for g in goals {
                    assert_eq!(all_goals.get(&g.id), Some(&g.status), "goal {} in {}", g.code, period.name);
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 40, "goal statuses checked: {checked}");
}

#[test]
fn status_roll_up_equals_the_scorecards_statuses() {
    let mut demo = Store::open_in_memory().unwrap();
    seed::load_demo(&mut demo, &ctx()).unwrap();
    assert_statuses_match(&demo);
    let mut generated = Store::open_in_memory().unwrap();
    generate(&mut generated, &ctx(), Scale::Small, 9).unwrap();
    assert_statuses_match(&generated);
}
