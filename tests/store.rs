//! The store and seed loader through the core API: writes are all-or-nothing and audited,
//! bad seed files name the place and change nothing, and the scorecard follows the rules.

use chrono::NaiveDate;
use styrkort::model::{Gender, GoalLevel, Status, UnitKind, ValueSource};
use styrkort::scorecard;
use styrkort::seed;
use styrkort::store::{NewGoal, NewUnit};
use styrkort::{ChangeContext, ErrorCode, Store};

const MINIMAL: &str = include_str!("fixtures/seed-minimal.json");

fn ctx() -> ChangeContext {
    ChangeContext::new("Åsa Kvalitetssamordnare", "2026-11-26T09:00:00")
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()
}

fn minimal() -> Store {
    let mut store = Store::open_in_memory().unwrap();
    seed::load(&mut store, &ctx(), "seed-minimal.json", MINIMAL).unwrap();
    store
}

#[test]
fn the_shipped_demo_seed_loads_and_has_the_promised_shape() {
    let mut store = Store::open_in_memory().unwrap();
    let s = seed::load(&mut store, &ctx(), seed::DEMO_SEED_NAME, seed::DEMO_SEED).unwrap();
    assert!((10..=20).contains(&s.units), "units {}", s.units);
    assert!(s.indicators >= 35, "indicators {}", s.indicators);
    assert!(s.activities >= 10 && s.assessments >= 10);
    let units = store.units().unwrap();
    assert_eq!(units.iter().filter(|u| u.kind == UnitKind::Namnd).count(), 8, "eight nämnder, five of them without goals");
    assert_eq!(units.iter().filter(|u| u.kind == UnitKind::Kommun).count(), 1);
    let years: Vec<i32> = store.plan_years().unwrap().iter().map(|y| y.year).collect();
    assert_eq!(years, [2022, 2023, 2024, 2025, 2026]);

    // The municipality's scorecard mixes colours, as the demo promises.
    let top = units.iter().find(|u| u.kind == UnitKind::Kommun).unwrap();
    let mut colours = std::collections::HashSet::new();
    for u in &units {
        let card = scorecard::build(&store, u.id, 2026, None, today()).unwrap();
        for p in &card.perspectives {
            for g in &p.goals {
                colours.extend(g.indicators.iter().filter_map(|i| i.status.status));
            }
        }
    }
    assert_eq!(colours.len(), 3, "green, yellow and red all appear: {colours:?}");
    let card = scorecard::build(&store, top.id, 2026, None, today()).unwrap();
    assert_eq!(card.period.key, "delår", "in November the latest ended period is the delår");
    assert!(card.perspectives.iter().all(|p| !p.goals.is_empty()), "every perspective has KF goals");
}

#[test]
fn every_write_is_audited_with_user_and_time() {
    let store = minimal();
    let n = store.audit_count().unwrap();
    let counts: std::collections::HashMap<String, i64> = store.counts().unwrap().into_iter().collect();
    // Every row written by the seed has an audit row (plus settings and scales).
    let written = counts["org_unit"]
        + counts["goal"]
        + counts["goal_link"]
        + counts["indicator"]
        + counts["indicator_value"]
        + counts["activity"]
        + counts["assessment"];
    assert!(n > written, "audit rows {n} for {written} data rows");
}

#[test]
fn a_failing_write_leaves_nothing_behind() {
    let mut store = minimal();
    let before = store.counts().unwrap();
    let err = store
        .write(&ctx(), |w| {
            styrkort::store::units::insert(
                w,
                NewUnit { parent_id: Some(1), kind: UnitKind::Enhet, name: "Ny enhet".into(), kolada_id: None },
            )?;
            // Second step fails: KF goals belong to the municipality.
            styrkort::store::goals::insert(
                w,
                NewGoal {
                    plan_year: 2026,
                    level: GoalLevel::Kf,
                    perspective_id: 1,
                    owner_unit_id: 2,
                    code: "X".into(),
                    title: "Fel ägare".into(),
                    description: String::new(),
                },
            )
        })
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Validation);
    assert_eq!(store.counts().unwrap(), before, "the unit from the first step was rolled back");
}

#[test]
fn goals_link_only_upwards_so_the_red_thread_cannot_loop() {
    let mut store = minimal();
    // KF1 = 1, SN1 = 3, H1 = 4 in the minimal seed.
    let err = store.write(&ctx(), |w| styrkort::store::goals::link(w, 1, 4)).unwrap_err();
    assert_eq!(err.code, ErrorCode::Conflict);
    assert!(err.message.contains("högre nivå"), "{}", err.message);
    let err = store.write(&ctx(), |w| styrkort::store::goals::link(w, 4, 4)).unwrap_err();
    assert_eq!(err.code, ErrorCode::Conflict);
    store.write(&ctx(), |w| styrkort::store::goals::link(w, 4, 1)).unwrap();
}

#[test]
fn locked_periods_refuse_values_and_assessments_until_unlocked() {
    let mut store = minimal();
    let period = store.resolve_period(2026, "delår").unwrap();
    store.write(&ctx(), |w| styrkort::store::periods::set_locked(w, period.id, true)).unwrap();
    let before = store.counts().unwrap();
    let err = store.write(&ctx(), |w| styrkort::store::values::set(w, 1, 3, period.id, Gender::T, 50.0, ValueSource::Manual)).unwrap_err();
    assert_eq!(err.code, ErrorCode::PeriodLocked);
    assert!(err.message.contains("Delår 2026 är låst"), "{}", err.message);
    let err = store
        .write(&ctx(), |w| {
            styrkort::store::assessments::set(w, 1, 1, period.id, Some(1), "Ny text", styrkort::model::AssessmentState::Draft)
        })
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::PeriodLocked);
    assert_eq!(store.counts().unwrap(), before);
    store.write(&ctx(), |w| styrkort::store::periods::set_locked(w, period.id, false)).unwrap();
    store.write(&ctx(), |w| styrkort::store::values::set(w, 1, 3, period.id, Gender::T, 50.0, ValueSource::Manual)).unwrap();
}

#[test]
fn scorecard_follows_the_status_rules_on_plain_data() {
    let store = minimal();
    let hemtj = store.resolve_unit("Hemtjänsten Öster").unwrap();
    let card = scorecard::build(&store, hemtj.id, 2026, None, today()).unwrap();
    let invanare = &card.perspectives[0];
    let h1 = &invanare.goals[0];
    assert_eq!(h1.code, "H1");
    let nojd = &h1.indicators[0];
    assert_eq!((nojd.value, nojd.target, nojd.status.status), (Some(91.0), Some(90.0), Some(Status::Green)));
    let personal = &h1.indicators[1];
    assert_eq!(personal.status.status, Some(Status::Red), "15 against 12 (lower is better, 10 %) is red");
    assert_eq!(personal.previous, Some(16.0));
    assert_eq!(personal.trend, Some(styrkort::status::Trend::Better));
    assert_eq!(h1.status.status, Some(Status::Yellow), "one green and one red roll up to yellow");
    assert!(!h1.status.manual);

    let h2 = &card.perspectives[2].goals[0];
    assert!(h2.loose_thread, "H2 links to nothing");
    let sjuk = &h2.indicators[0];
    assert_eq!(sjuk.value_period.as_deref(), Some("2026 T1"));
    assert_eq!((sjuk.value_women, sjuk.value_men), (Some(8.0), Some(5.1)));
    assert_eq!(sjuk.status.status, Some(Status::Yellow), "7.4 against 7.0 within 10 %");

    // In the T1 period, the delår values are not yet known.
    let t1 = store.resolve_period(2026, "T1").unwrap();
    let card = scorecard::build(&store, hemtj.id, 2026, Some(t1.id), today()).unwrap();
    let nojd = &card.perspectives[0].goals[0].indicators[0];
    assert_eq!(nojd.value, Some(88.0));
    assert_eq!(nojd.value_period.as_deref(), Some("2025 helår"));
}

#[test]
fn a_manual_assessment_overrides_and_a_goal_without_indicators_follows_the_thread() {
    let store = minimal();
    let kommun = store.resolve_unit("Testköpings kommun").unwrap();
    let card = scorecard::build(&store, kommun.id, 2026, None, today()).unwrap();
    let kf1 = &card.perspectives[0].goals[0];
    assert_eq!(kf1.code, "KF1");
    assert!(kf1.status.manual);
    assert_eq!(kf1.status.status, Some(Status::Yellow));
    // KF1 has no indicators: its computed status comes from SN1, which comes from H1.
    assert_eq!(kf1.computed.status, Some(Status::Yellow));
    let kf2 = &card.perspectives[1].goals[0];
    assert_eq!(kf2.status.status, Some(Status::Red), "1.2 against 2.0 with 0.5 absolute tolerance");
    assert!(!kf2.loose_thread, "KF goals are the top of the thread");
}

#[test]
fn default_period_is_the_latest_ended_one() {
    let store = minimal();
    let at = |y, m, d| store.default_period(2026, NaiveDate::from_ymd_opt(y, m, d).unwrap()).unwrap().key;
    assert_eq!(at(2026, 3, 1), "T1", "before any period ended: the first");
    assert_eq!(at(2026, 5, 2), "T1");
    assert_eq!(at(2026, 9, 1), "delår");
    assert_eq!(at(2027, 1, 10), "helår");
}

mod bad_seeds {
    use super::*;

    fn load_err(text: &str) -> styrkort::AppError {
        let mut store = Store::open_in_memory().unwrap();
        let err = seed::load(&mut store, &ctx(), "trasig.json", text).unwrap_err();
        assert!(store.is_empty().unwrap(), "nothing may be saved from a bad seed");
        assert_eq!(store.audit_count().unwrap(), 0);
        err
    }

    fn with(from: &str, to: &str) -> String {
        assert!(MINIMAL.contains(from), "fixture lacks {from}");
        MINIMAL.replacen(from, to, 1)
    }

    #[test]
    fn truncated_json_names_line_and_column() {
        let err = load_err(&MINIMAL[..MINIMAL.len() / 2]);
        assert_eq!(err.code, ErrorCode::BadFile);
        assert!(err.message.starts_with("trasig.json:") && err.message.contains("rad "), "{}", err.message);
    }

    #[test]
    fn unknown_perspective_names_the_goal() {
        let err = load_err(&with("\"perspective\": \"Ekonomi\"", "\"perspective\": \"Ekonomy\""));
        assert_eq!(err.code, ErrorCode::BadFile);
        assert!(err.message.contains("goals[1] (KF2).perspective") && err.message.contains("Ekonomy"), "{}", err.message);
    }

    #[test]
    fn unknown_parent_unit_is_refused() {
        let err = load_err(&with("\"parent\": \"son\"", "\"parent\": \"sonn\""));
        assert!(err.message.contains("units[2] (hemtj).parent"), "{}", err.message);
    }

    #[test]
    fn wrong_type_names_the_field() {
        let err = load_err(&with("\"decimals\": 0", "\"decimals\": \"noll\""));
        assert!(err.message.contains("indicators[0].decimals"), "{}", err.message);
    }

    #[test]
    fn unknown_period_key_is_refused() {
        let err = load_err(&with("\"2026 delår\": 91", "\"2026 halvår\": 91"));
        assert!(err.message.contains("2026 halvår") && err.message.contains("values"), "{}", err.message);
    }

    #[test]
    fn unknown_field_is_refused_rather_than_ignored() {
        let err = load_err(&with("\"vision\":", "\"visionen\": \"x\", \"vision\":"));
        assert!(err.message.contains("visionen"), "{}", err.message);
    }

    #[test]
    fn unknown_assessment_label_lists_the_scale() {
        let err = load_err(&with("\"Delvis uppfyllt\"", "\"Halvvägs\""));
        assert!(err.message.contains("Halvvägs") && err.message.contains("Uppfyllt, Delvis uppfyllt, Ej uppfyllt"), "{}", err.message);
    }

    #[test]
    fn a_newer_seed_version_is_refused() {
        let err = load_err(&with("\"version\": 1", "\"version\": 2"));
        assert!(err.message.contains("Uppdatera Styrkort"), "{}", err.message);
    }

    #[test]
    fn a_late_failure_rolls_back_everything_before_it() {
        // The activity is the last thing written; a bad status there must undo all.
        let err = load_err(&with("\"status\": \"forsenad\"", "\"status\": \"sen\""));
        assert!(err.message.contains("activities[0].status"), "{}", err.message);
    }
}

#[test]
fn the_demo_shows_real_kolada_comparison_and_rank() {
    let mut store = Store::open_in_memory().unwrap();
    seed::load_demo(&mut store, &ctx()).unwrap();
    let units = store.units().unwrap();
    let mut with_kolada = 0;
    for u in &units {
        let card = scorecard::build(&store, u.id, 2026, None, today()).unwrap();
        for i in card.perspectives.iter().flat_map(|p| &p.goals).flat_map(|g| &g.indicators) {
            if let Some(k) = &i.kolada {
                if k.rank.is_some() {
                    with_kolada += 1;
                }
            }
        }
    }
    assert!(with_kolada >= 5, "indicators with a Kolada rank in the demo: {with_kolada}");
}

#[test]
fn the_red_thread_runs_from_kf_goals_down_and_focus_keeps_one_chain() {
    let mut store = Store::open_in_memory().unwrap();
    seed::load_demo(&mut store, &ctx()).unwrap();
    let delar = store.resolve_period(2026, "delår").unwrap();
    let all = styrkort::red_thread::red_thread(&store, 2026, delar.id, None).unwrap();
    assert!(!all.vision.is_empty());
    assert_eq!(all.roots.len(), 8, "every KF-mål is a root");
    assert!(all.roots.iter().all(|r| r.level == GoalLevel::Kf));
    fn count(n: &styrkort::red_thread::ThreadNode) -> usize {
        1 + n.children.iter().map(count).sum::<usize>()
    }
    assert!(all.roots.iter().map(count).sum::<usize>() > 30, "nämnd and unit goals hang below");
    assert_eq!(all.loose.iter().map(|n| n.code.as_str()).collect::<Vec<_>>(), ["LARC1"], "the demo's one loose thread");
    // Statuses agree with the scorecard's.
    let kommun = store.resolve_unit("Sjöbacka kommun").unwrap();
    let card = scorecard::build(&store, kommun.id, 2026, Some(delar.id), today()).unwrap();
    for g in card.perspectives.iter().flat_map(|p| &p.goals) {
        let node = all.roots.iter().find(|n| n.goal_id == g.id).unwrap();
        assert_eq!(node.status.status, g.status.status, "{}", g.code);
    }
    // Focus on a unit goal: one chain up to a KF-mål, and nothing unrelated.
    let focus_goal = all.roots.iter().flat_map(|r| &r.children).flat_map(|n| &n.children).next().unwrap().goal_id;
    let focused = styrkort::red_thread::red_thread(&store, 2026, delar.id, Some(focus_goal)).unwrap();
    assert!(!focused.roots.is_empty() && focused.roots.len() < all.roots.len());
    fn contains(n: &styrkort::red_thread::ThreadNode, id: i64) -> bool {
        n.goal_id == id || n.children.iter().any(|c| contains(c, id))
    }
    assert!(focused.roots.iter().all(|r| contains(r, focus_goal)), "every kept root leads to the focus");
}
