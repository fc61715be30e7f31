//! A whole delår follow-up of the demo municipality through the core, as the window does
//! it: values into the grid, assessments written, submitted and approved, activities
//! followed up, until the completeness overview says every unit is done.

use chrono::NaiveDate;
use styrkort::follow_up::review::ReviewAction;
use styrkort::follow_up::{self, DeliveryState, RedOrder};
use styrkort::model::{ActivityStatus, AssessmentState, Gender, UnitKind};
use styrkort::{scorecard, seed, ChangeContext, ErrorCode, Store};

fn ctx() -> ChangeContext {
    ChangeContext::new("Karin Kvalitet", "2026-09-10T08:00:00")
}

fn demo() -> Store {
    let mut store = Store::open_in_memory().unwrap();
    seed::load(&mut store, &ctx(), seed::DEMO_SEED_NAME, seed::DEMO_SEED).unwrap();
    store
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

#[test]
fn the_overview_goes_from_much_missing_to_all_approved() {
    let mut store = demo();
    let delar = store.resolve_period(2026, "delår").unwrap();
    let before = follow_up::completeness(&store, delar.id, day(2026, 9, 10)).unwrap();
    assert!(before.missing + before.late >= 5, "much is missing at first: {} missing, {} late", before.missing, before.late);
    assert!(before.missing + before.late > 3 * before.complete, "few units are done at first: {}", before.complete);
    let late = follow_up::completeness(&store, delar.id, day(2026, 9, 30)).unwrap();
    assert_eq!(late.late, before.missing + before.late, "after the deadline, missing becomes late");

    for row in &before.rows {
        let unit = row.unit.id;
        // Values: fill every empty cell of the delår column for the unit's indicators.
        let grid = follow_up::value_grid(&store, unit, 2026).unwrap();
        let column = grid.periods.iter().position(|p| p.id == delar.id).unwrap();
        let block: String = grid
            .rows
            .iter()
            .map(|r| match r.values[column] {
                // Keep what is there (an empty pasted cell would clear it, as in Excel).
                Some(v) => v.to_string().replace('.', ","),
                None if r.gender == Gender::T => "42,5".to_string(),
                None => String::new(),
            })
            .collect::<Vec<_>>()
            .join("\n");
        if !grid.rows.is_empty() {
            let changes = follow_up::paste_changes(&grid, 0, column, &block).expect("a clean paste");
            store.write(&ctx(), |w| w.save_cells(unit, &changes)).unwrap();
        }
        // Assessments for every goal the unit owns; returned ones go back to draft first.
        let card = scorecard::build(&store, unit, 2026, Some(delar.id), day(2026, 9, 10)).unwrap();
        for goal in card.perspectives.iter().flat_map(|p| &p.goals) {
            let state = goal.assessment.as_ref().map(|a| a.state);
            store
                .write(&ctx(), |w| {
                    if state == Some(AssessmentState::Approved) {
                        return Ok(());
                    }
                    if state == Some(AssessmentState::Ready) {
                        w.review_assessment(goal.id, unit, delar.id, &ReviewAction::Approve)?;
                        return Ok(());
                    }
                    let analysis = goal.assessment.as_ref().map(|a| a.analysis.clone()).filter(|a| !a.trim().is_empty());
                    w.save_assessment(goal.id, unit, delar.id, Some(2), analysis.as_deref().unwrap_or("Målet bedöms delvis uppfyllas."))?;
                    w.review_assessment(goal.id, unit, delar.id, &ReviewAction::Submit)?;
                    w.review_assessment(goal.id, unit, delar.id, &ReviewAction::Approve)?;
                    Ok(())
                })
                .unwrap();
        }
        for a in &card.activities {
            if a.status != ActivityStatus::Cancelled {
                store.write(&ctx(), |w| w.set_activity_follow_up(a.id, delar.id, a.status, "Enligt plan.")).unwrap();
            }
        }
    }
    // The report's texts: the municipality's sections and each nämnd's own.
    for unit in styrkort::narrative::view(&store, delar.id).unwrap().units {
        for text in unit.texts.iter().filter(|t| !t.approved()) {
            store
                .write(&ctx(), |w| {
                    if text.state == Some(AssessmentState::Ready) {
                        w.review_report_text(delar.id, unit.unit.id, text.section, &ReviewAction::Approve)?;
                        return Ok(());
                    }
                    w.save_report_text(delar.id, unit.unit.id, text.section, "Verksamheten följer plan.")?;
                    w.review_report_text(delar.id, unit.unit.id, text.section, &ReviewAction::Submit)?;
                    w.review_report_text(delar.id, unit.unit.id, text.section, &ReviewAction::Approve)?;
                    Ok(())
                })
                .unwrap();
        }
    }
    // Uppdrag, controls and tjänstegarantier of the year (the demo has them when their
    // features seed them): followed up and approved, as the features' own forms would.
    approve_steering_follow_up(&mut store, delar.id);
    let after = follow_up::completeness(&store, delar.id, day(2026, 9, 30)).unwrap();
    let not_done: Vec<_> = after
        .rows
        .iter()
        .filter(|r| !matches!(r.state, DeliveryState::Complete | DeliveryState::NothingExpected))
        .map(|r| (r.unit.name.clone(), r.state, r.delivery.clone()))
        .collect();
    assert!(not_done.is_empty(), "still not done: {not_done:?}");
    assert_eq!(after.totals.approved, after.totals.goals);
    assert_eq!(after.totals.texts_approved, after.totals.texts);
    let writers = after.rows.iter().filter(|r| !matches!(r.unit.kind, UnitKind::Kommun | UnitKind::Enhet)).count() as u32;
    assert_eq!(after.totals.texts, 5 + 2 * writers, "the municipality's five sections and two for each nämnd and the bolag");
    assert!(after.complete >= 10, "{} units complete", after.complete);
}

#[test]
fn a_paste_with_one_bad_cell_saves_nothing() {
    let mut store = demo();
    let hemtjansten = store.resolve_unit("Hemtjänsten").unwrap();
    let grid = follow_up::value_grid(&store, hemtjansten.id, 2026).unwrap();
    assert!(grid.rows.len() >= 2);
    let before = store.counts().unwrap();
    let rejection = follow_up::paste_changes(&grid, 0, 2, "12,5\nett tal").unwrap_err();
    assert_eq!(rejection.problems.len(), 1);
    assert_eq!((rejection.problems[0].row, rejection.problems[0].column), (2, 1));
    let too_big = follow_up::paste_changes(&grid, grid.rows.len() - 1, 2, "1\t2\n3\t4").unwrap_err();
    assert!(too_big.problems.iter().all(|p| p.reason.contains("utanför tabellen")), "{:?}", too_big.problems);
    assert_eq!(store.counts().unwrap(), before);

    // A good paste saves every cell in one transaction and can be read back.
    let changes = follow_up::paste_changes(&grid, 0, 2, "1 234,5\n").unwrap();
    store.write(&ctx(), |w| w.save_cells(hemtjansten.id, &changes)).unwrap();
    let again = follow_up::value_grid(&store, hemtjansten.id, 2026).unwrap();
    assert_eq!(again.rows[0].values[2], Some(1234.5));
    // Pasting the same again changes nothing.
    assert!(follow_up::paste_changes(&again, 0, 2, "1 234,5").unwrap().is_empty());
}

#[test]
fn a_unit_cannot_write_another_units_indicator() {
    let mut store = demo();
    let a = store.resolve_unit("Hemtjänsten").unwrap();
    let b = store.resolve_unit("Kostenheten").unwrap();
    let grid = follow_up::value_grid(&store, a.id, 2026).unwrap();
    let changes = follow_up::paste_changes(&grid, 0, 2, "5").unwrap();
    let err = store.write(&ctx(), |w| w.save_cells(b.id, &changes)).unwrap_err();
    assert_eq!(err.code, ErrorCode::Validation);
}

#[test]
fn approved_assessments_must_be_returned_before_editing() {
    let mut store = demo();
    let delar = store.resolve_period(2026, "delår").unwrap();
    let kommun = store.resolve_unit("Sjöbacka kommun").unwrap();
    let card = scorecard::build(&store, kommun.id, 2026, Some(delar.id), day(2026, 9, 10)).unwrap();
    let kf1 = &card.perspectives[0].goals[0];
    assert_eq!(kf1.assessment.as_ref().unwrap().state, AssessmentState::Approved);
    let err = store.write(&ctx(), |w| w.save_assessment(kf1.id, kommun.id, delar.id, Some(1), "Ändrad")).unwrap_err();
    assert_eq!(err.code, ErrorCode::Conflict);
    let err = store
        .write(&ctx(), |w| w.review_assessment(kf1.id, kommun.id, delar.id, &ReviewAction::Return { comment: " ".into() }))
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Validation);
    let state = store
        .write(&ctx(), |w| {
            w.review_assessment(kf1.id, kommun.id, delar.id, &ReviewAction::Return { comment: "Komplettera med orsaker.".into() })
        })
        .unwrap();
    assert_eq!(state, AssessmentState::Draft);
    store.write(&ctx(), |w| w.save_assessment(kf1.id, kommun.id, delar.id, Some(1), "Ändrad")).unwrap();
    // A draft without a step cannot be submitted.
    store.write(&ctx(), |w| w.save_assessment(kf1.id, kommun.id, delar.id, None, "Ändrad")).unwrap();
    let err = store.write(&ctx(), |w| w.review_assessment(kf1.id, kommun.id, delar.id, &ReviewAction::Submit)).unwrap_err();
    assert_eq!(err.code, ErrorCode::Validation);
}

#[test]
fn locking_refuses_every_kind_of_change_and_unlocking_is_audited() {
    let mut store = demo();
    let delar = store.resolve_period(2026, "delår").unwrap();
    let hemtjansten = store.resolve_unit("Hemtjänsten").unwrap();
    store.write(&ctx(), |w| styrkort::store::periods::set_locked(w, delar.id, true)).unwrap();
    let card = scorecard::build(&store, hemtjansten.id, 2026, Some(delar.id), day(2026, 9, 10)).unwrap();
    assert!(card.period.locked);
    let goal = card.perspectives.iter().flat_map(|p| &p.goals).next().unwrap().id;
    let grid = follow_up::value_grid(&store, hemtjansten.id, 2026).unwrap();
    let locked_paste = follow_up::paste_changes(&grid, 0, 1, "5").unwrap_err();
    assert!(locked_paste.problems[0].reason.contains("är låst"));
    let audit_before = store.audit_count().unwrap();
    let attempts: Vec<styrkort::AppError> = vec![
        store.write(&ctx(), |w| w.delete_value(grid.rows[0].indicator_id, hemtjansten.id, delar.id, Gender::T)).unwrap_err(),
        store.write(&ctx(), |w| w.save_assessment(goal, hemtjansten.id, delar.id, Some(1), "x")).unwrap_err(),
        store.write(&ctx(), |w| w.review_assessment(goal, hemtjansten.id, delar.id, &ReviewAction::Approve)).unwrap_err(),
    ];
    for e in attempts {
        assert_eq!(e.code, ErrorCode::PeriodLocked, "{}", e.message);
    }
    if let Some(a) = card.activities.first() {
        let e = store.write(&ctx(), |w| w.set_activity_follow_up(a.id, delar.id, ActivityStatus::Done, "")).unwrap_err();
        assert_eq!(e.code, ErrorCode::PeriodLocked);
    }
    assert_eq!(store.audit_count().unwrap(), audit_before);
    store.write(&ctx(), |w| styrkort::store::periods::set_locked(w, delar.id, false)).unwrap();
    assert_eq!(store.audit_count().unwrap(), audit_before + 1, "unlocking leaves an audit row");
}

#[test]
fn red_indicators_rank_worst_first_or_most_improved_first() {
    let store = demo();
    let kommun = store.resolve_unit("Sjöbacka kommun").unwrap();
    let delar = store.resolve_period(2026, "delår").unwrap();
    let worst = follow_up::red_indicators(&store, kommun.id, delar.id, RedOrder::WorstFirst).unwrap();
    assert!(worst.len() >= 10, "the demo has many red indicators: {}", worst.len());
    assert!(worst.windows(2).all(|w| w[0].gap >= w[1].gap), "sorted by gap");
    assert!(worst.iter().all(|r| r.gap > 0.0 && r.indicator.status.status == Some(styrkort::model::Status::Red)));
    let improved = follow_up::red_indicators(&store, kommun.id, delar.id, RedOrder::BiggestImprovement).unwrap();
    assert_eq!(improved.len(), worst.len());
    let imp: Vec<f64> = improved.iter().filter_map(|r| r.improvement).collect();
    assert!(imp.windows(2).all(|w| w[0] >= w[1]), "sorted by improvement: {imp:?}");
    // A sub-tree sees only its own red indicators.
    let sn = store.resolve_unit("Socialnämnden").unwrap();
    let sub = follow_up::red_indicators(&store, sn.id, delar.id, RedOrder::WorstFirst).unwrap();
    assert!(!sub.is_empty() && sub.len() < worst.len());
    let sn_units: Vec<String> =
        ["Socialnämnden", "Hemtjänsten", "Lindgårdens äldreboende", "Individ- och familjeomsorgen"].map(String::from).to_vec();
    assert!(sub.iter().all(|r| sn_units.contains(&r.unit_name)), "{:?}", sub.iter().map(|r| &r.unit_name).collect::<Vec<_>>());
}

#[test]
fn the_series_has_values_targets_and_gender_split() {
    let store = demo();
    let sn = store.resolve_unit("Socialnämnden").unwrap();
    let grid = follow_up::value_grid(&store, sn.id, 2026).unwrap();
    let split = grid.rows.iter().find(|r| r.gender == Gender::K).expect("a gender-split indicator");
    let series = follow_up::indicator_series(&store, split.indicator_id).unwrap();
    assert!(series.len() >= 4);
    let labels: Vec<&str> = series.iter().map(|p| p.label.as_str()).collect();
    assert!(labels.contains(&"2022 helår") && labels.contains(&"2025 helår"), "{labels:?}");
    assert!(series.iter().any(|p| p.women.is_some() && p.men.is_some()));
    assert!(series.iter().all(|p| p.target.is_some()), "every demo year has a target");
}

#[test]
fn periods_are_made_with_deadlines_months_included_and_never_twice() {
    let mut store = demo();
    assert_eq!(store.write(&ctx(), |w| w.ensure_default_periods(2026)).unwrap(), 0, "the demo year has them");
    assert_eq!(store.write(&ctx(), |w| w.create_month_periods(2026)).unwrap(), 12);
    assert_eq!(store.write(&ctx(), |w| w.create_month_periods(2026)).unwrap(), 0, "months are not made twice");
    let periods = store.periods(2026).unwrap();
    assert_eq!(periods.len(), 15);
    let march = store.resolve_period(2026, "2026-03").unwrap();
    assert_eq!((march.name.as_str(), march.start_date.as_str(), march.end_date.as_str()), ("Mars 2026", "2026-03-01", "2026-03-31"));
    assert_eq!(march.deadline.as_deref(), Some("2026-04-10"));
    // Time order: March comes before T1 (April), December before helår on the same day.
    let keys: Vec<&str> = periods.iter().map(|p| p.key.as_str()).collect();
    let pos = |k: &str| keys.iter().position(|x| *x == k).unwrap();
    assert!(pos("2026-03") < pos("T1") && pos("2026-12") < pos("helår"), "{keys:?}");

    store.write(&ctx(), |w| w.set_period_deadline(march.id, Some("2026-04-15"))).unwrap();
    assert_eq!(store.period(march.id).unwrap().deadline.as_deref(), Some("2026-04-15"));
    let err = store.write(&ctx(), |w| w.set_period_deadline(march.id, Some("15 april"))).unwrap_err();
    assert_eq!(err.code, ErrorCode::Validation);
    store.write(&ctx(), |w| w.set_period_deadline(march.id, None)).unwrap();
    assert_eq!(store.period(march.id).unwrap().deadline, None);
}

/// The grid the window shows, then a change to the unit's indicators, then the save: the cell
/// is saved to the indicator the user saw, and a row that is gone refuses the whole block.
/// Before, the core mapped the screen position to an indicator at save time, so a new
/// indicator sorting first took the value meant for the one below it.
#[test]
fn a_value_lands_on_the_indicator_shown_even_when_the_list_changed_since() {
    let mut store = demo();
    let hemtjansten = store.resolve_unit("Hemtjänsten").unwrap().id;
    let delar = store.resolve_period(2026, "delår").unwrap();
    let shown = follow_up::value_grid(&store, hemtjansten, 2026).unwrap();
    let column = shown.periods.iter().position(|p| p.id == delar.id).unwrap();
    let target = shown.target_at(0, column);
    let meant = shown.rows[0].indicator_id;

    // Meanwhile someone adds an indicator whose name sorts first.
    let new = store
        .write(&ctx(), |w| {
            styrkort::store::indicators::insert(
                w,
                styrkort::store::NewIndicator {
                    name: "AAA Nytt nyckeltal".into(),
                    description: String::new(),
                    unit: "%".into(),
                    direction: styrkort::model::Direction::Higher,
                    decimals: 1,
                    kolada_kpi_id: None,
                    owner_unit_id: hemtjansten,
                    frequency: styrkort::model::Frequency::Tertial,
                    gender_split: false,
                    tolerance_kind: styrkort::model::ToleranceKind::Percent,
                    tolerance: 10.0,
                },
            )
        })
        .unwrap();
    let now = follow_up::value_grid(&store, hemtjansten, 2026).unwrap();
    assert_eq!(now.rows[0].indicator_id, new, "the new indicator is the first row now");

    let outcome = follow_up::paste_and_save(&mut store, &ctx(), hemtjansten, 2026, &target, "42,5").unwrap();
    assert!(outcome.problems.is_empty(), "{:?}", outcome.problems);
    let row = |id: i64| outcome.grid.rows.iter().find(|r| r.indicator_id == id && r.gender == Gender::T).unwrap().values[column];
    assert_eq!(row(meant), Some(42.5), "the value is on the indicator the user saw");
    assert_eq!(row(new), None, "not on the one that took its place");

    // An indicator deactivated since the grid was shown: the block is refused whole.
    let audit = store.audit_count().unwrap();
    store.write(&ctx(), |w| w.set_indicator_active(meant, false)).unwrap();
    let audit = audit + (store.audit_count().unwrap() - audit);
    let outcome = follow_up::paste_and_save(&mut store, &ctx(), hemtjansten, 2026, &target, "1\n2").unwrap();
    assert_eq!(outcome.saved, 0);
    assert_eq!(outcome.problems.len(), 1, "{:?}", outcome.problems);
    assert_eq!((outcome.problems[0].row, outcome.problems[0].column), (1, 1));
    assert!(outcome.problems[0].reason.contains("finns inte längre"), "{}", outcome.problems[0].reason);
    assert_eq!(store.audit_count().unwrap(), audit, "nothing was saved, not even the second row");
}

/// Every uppdrag, control and tjänstegaranti of 2026 followed up and approved in `period_id`.
fn approve_steering_follow_up(store: &mut Store, period_id: i64) {
    use styrkort::model::{AssignmentFollowUp, AssignmentStatus, ControlFollowUp, ControlResult, GuaranteeFollowUp, GuaranteeOutcome};
    use styrkort::store::{assignments, internal_control, unit_missions};
    let db = store.read();
    let (a, c, g) = (
        assignments::of_year(db, 2026).unwrap(),
        internal_control::controls_of_year(db, 2026).unwrap(),
        unit_missions::guarantees_of_year(db, 2026).unwrap(),
    );
    let (state, text, empty) = (AssessmentState::Approved, "Enligt plan.".to_string(), String::new());
    store
        .write(&ctx(), |w| {
            for a in &a {
                let f = AssignmentFollowUp {
                    assignment_id: a.id,
                    period_id,
                    status: AssignmentStatus::InProgress,
                    comment: text.clone(),
                    state,
                    review_comment: empty.clone(),
                    changed_at: empty.clone(),
                    changed_by: empty.clone(),
                    version: 0,
                };
                assignments::put_follow_up(w, &f)?;
            }
            for c in &c {
                let f = ControlFollowUp {
                    control_id: c.id,
                    period_id,
                    result: ControlResult::NoRemarks,
                    comment: text.clone(),
                    deviation: empty.clone(),
                    action: empty.clone(),
                    state,
                    review_comment: empty.clone(),
                    changed_at: empty.clone(),
                    changed_by: empty.clone(),
                    version: 0,
                };
                internal_control::put_follow_up(w, &f)?;
            }
            for g in &g {
                let f = GuaranteeFollowUp {
                    guarantee_id: g.id,
                    period_id,
                    kept: GuaranteeOutcome::Kept,
                    comment: text.clone(),
                    state,
                    review_comment: empty.clone(),
                    changed_at: empty.clone(),
                    changed_by: empty.clone(),
                    version: 0,
                };
                unit_missions::put_guarantee_follow_up(w, &f)?;
            }
            Ok(())
        })
        .unwrap();
}

#[test]
fn uppdrag_controls_and_guarantees_are_expected_by_their_rules() {
    use styrkort::follow_up::delivery::KindDelivery;
    use styrkort::model::{AssignmentFollowUp, AssignmentStatus, ControlFollowUp, ControlResult, GuaranteeFollowUp, GuaranteeOutcome};
    use styrkort::store::{assignments, internal_control, unit_missions};
    // The minimal seed: units 2 Socialnämnden, 3 Hemtjänsten Öster; periods of 2026 4 T1, 5 delår, 6 helår.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kommun.db");
    let mut store = Store::open(&path).unwrap();
    seed::load(&mut store, &ctx(), "seed-minimal.json", include_str!("fixtures/seed-minimal.json")).unwrap();
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute_batch(
            "INSERT INTO assignment(id, plan_year, code, title, issuer_unit_id, responsible_unit_id) VALUES
               (1, 2026, 'KF 2026:3', 'Utred trygghetslarm', 1, 3), (2, 2026, 'KF 2026:4', 'Plan för heltid', 1, 2),
               (3, 2026, 'SN 2026:1', 'Ny rutin för nycklar', 2, 3);
             INSERT INTO control_plan(id, org_unit_id, plan_year) VALUES (1, 3, 2026), (2, 2, 2026);
             INSERT INTO control_risk(id, plan_id, process, risk, probability, consequence, chosen) VALUES
               (1, 1, 'Inköp', 'Köp utanför avtal', 3, 3, 1), (2, 2, 'Delegation', 'Beslut utan delegation', 2, 4, 1);
             INSERT INTO control(id, risk_id, what, report_in) VALUES (1, 1, 'Stickprov på fakturor', 'delar_helar'),
               (2, 2, 'Granskning av delegationsbeslut', 'helar'), (3, 1, 'Attestlistor', 'every_period');
             INSERT INTO service_guarantee(id, org_unit_id, plan_year, promise) VALUES (1, 3, 2026, 'Besked inom två veckor'),
               (2, 3, 2026, 'Samma personal varje vecka');",
        )
        .unwrap();
    let (t1, delar, helar) = (4, 5, 6);
    let assignment = |assignment_id, period_id, status, state| AssignmentFollowUp {
        assignment_id,
        period_id,
        status,
        comment: String::new(),
        state,
        review_comment: String::new(),
        changed_at: String::new(),
        changed_by: String::new(),
        version: 0,
    };
    let control = |control_id, period_id, state| ControlFollowUp {
        control_id,
        period_id,
        result: ControlResult::NoRemarks,
        comment: String::new(),
        deviation: String::new(),
        action: String::new(),
        state,
        review_comment: String::new(),
        changed_at: String::new(),
        changed_by: String::new(),
        version: 0,
    };
    let guarantee = |guarantee_id, period_id, state| GuaranteeFollowUp {
        guarantee_id,
        period_id,
        kept: GuaranteeOutcome::Kept,
        comment: String::new(),
        state,
        review_comment: String::new(),
        changed_at: String::new(),
        changed_by: String::new(),
        version: 0,
    };
    use AssessmentState::{Approved, Draft, Ready};
    store
        .write(&ctx(), |w| {
            // Uppdrag 3 is done in T1; control 3 (every period) followed up in T1.
            assignments::put_follow_up(w, &assignment(3, t1, AssignmentStatus::Done, Approved))?;
            internal_control::put_follow_up(w, &control(3, t1, Draft))?;
            // Delår: uppdrag 1 waits for approval, control 1 approved, guarantee 1 approved.
            assignments::put_follow_up(w, &assignment(1, delar, AssignmentStatus::InProgress, Ready))?;
            internal_control::put_follow_up(w, &control(1, delar, Approved))?;
            unit_missions::put_guarantee_follow_up(w, &guarantee(1, delar, Approved))
        })
        .unwrap();
    let kinds = |store: &Store, period: i64, unit: i64| {
        let c = follow_up::completeness(store, period, day(2026, 9, 10)).unwrap();
        let d = c.rows.iter().find(|r| r.unit.id == unit).unwrap().delivery.clone();
        (d.assignments, d.controls, d.guarantees)
    };
    let k = |expected, delivered, waiting, approved| KindDelivery { expected, delivered, waiting, approved };
    // T1: both uppdrag of the unit (3 is done now, and followed up); only the control of every
    // period; no guarantee (none started; they are reported in delår and helår).
    assert_eq!(kinds(&store, t1, 3), (k(2, 1, 0, 1), k(1, 1, 0, 0), k(0, 0, 0, 0)));
    // Delår: uppdrag 3 is finished; controls 1 (delår and helår) and 3; both guarantees.
    assert_eq!(kinds(&store, delar, 3), (k(1, 1, 1, 0), k(2, 1, 0, 1), k(2, 1, 0, 1)));
    // Socialnämnden: its uppdrag; its control only in helår.
    assert_eq!(kinds(&store, delar, 2), (k(1, 0, 0, 0), k(0, 0, 0, 0), k(0, 0, 0, 0)));
    assert_eq!(kinds(&store, helar, 2).1, k(1, 0, 0, 0));
    // Not finished but closed without being done in delår: not expected in helår.
    store.write(&ctx(), |w| assignments::put_follow_up(w, &assignment(1, delar, AssignmentStatus::ClosedUndone, Ready))).unwrap();
    assert_eq!(kinds(&store, helar, 3).0, k(0, 0, 0, 0));
    let totals = follow_up::completeness(&store, delar, day(2026, 9, 10)).unwrap().totals;
    assert_eq!((totals.assignments.expected, totals.controls.expected, totals.guarantees.expected), (2, 2, 2));
}
