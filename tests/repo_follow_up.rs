//! The follow-up side on both engines (issue 14): values, assessments, report texts, the
//! follow-up of activities, uppdrag, intern kontroll and tjänstegarantier, the economy (SIE,
//! grid, template, report), the Kolada import, exchange files and the value template, on the
//! laptop's SQLite file and on the shared PostgreSQL database. The demo copied into
//! PostgreSQL keeps its ids, so what the two engines answer is compared as JSON.

mod common;

use chrono::NaiveDate;
use common::engines::{ctx, demo, Engine, Under};
use serde_json::Value;
use styrkort::economy::grid::{EconomyTarget, OperatingField};
use styrkort::exchange::{self, ConflictChoice, ExchangeItemRef, ExchangeItemState};
use styrkort::follow_up::review::ReviewAction;
use styrkort::follow_up::{self, DeliveryState, RedOrder};
use styrkort::model::{
    ActivityStatus, AssessmentState, AssignmentStatus, ControlResult, Gender, GuaranteeOutcome, StatementColumn, ValueSource,
};
use styrkort::{scorecard, value_template, ChangeContext, ErrorCode, Store};

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn json<T: serde::Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap()
}

fn unit(store: &Store, name: &str) -> i64 {
    store.resolve_unit(name).unwrap().id
}

fn period(store: &Store, key: &str) -> i64 {
    store.resolve_period(2026, key).unwrap().id
}

/// The whole delår follow-up of the demo, as the window does it, and what the reads answer
/// along the way (named, to compare between engines).
fn follow_up_everything(store: &mut Store) -> Vec<(String, Value)> {
    let mut seen = Vec::new();
    let delar = period(store, "delår");
    let before = follow_up::completeness(store, delar, day(2026, 9, 10)).unwrap();
    assert!(before.missing + before.late >= 5, "much is missing at first");
    seen.push(("completeness before".to_string(), json(&before)));
    let kommun = unit(store, "Sjöbacka kommun");
    for order in [RedOrder::WorstFirst, RedOrder::BiggestImprovement] {
        let red = follow_up::red_indicators(store, kommun, delar, order).unwrap();
        assert!(red.len() >= 10, "the demo has many red indicators: {}", red.len());
        seen.push((format!("styr mot rött {order:?}"), json(&red)));
    }
    let sn = unit(store, "Socialnämnden");
    let grid = follow_up::value_grid(store, sn, 2026).unwrap();
    let split = grid.rows.iter().find(|r| r.gender == Gender::K).expect("a gender-split indicator");
    let series = follow_up::indicator_series(store, split.indicator_id).unwrap();
    assert!(series.len() >= 4 && series.iter().any(|p| p.women.is_some() && p.men.is_some()));
    seen.push(("series".to_string(), json(&series)));

    for row in &before.rows {
        let unit = row.unit.id;
        let grid = follow_up::value_grid(store, unit, 2026).unwrap();
        seen.push((format!("grid {unit}"), json(&grid)));
        let column = grid.periods.iter().position(|p| p.id == delar).unwrap();
        let block: String = grid
            .rows
            .iter()
            .map(|r| match r.values[column] {
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
        let card = scorecard::build(store, unit, 2026, Some(delar), day(2026, 9, 10)).unwrap();
        for goal in card.perspectives.iter().flat_map(|p| &p.goals) {
            let state = goal.assessment.as_ref().map(|a| a.state);
            store
                .write(&ctx(), |w| {
                    if state == Some(AssessmentState::Approved) {
                        return Ok(());
                    }
                    if state == Some(AssessmentState::Ready) {
                        w.review_assessment(goal.id, unit, delar, &ReviewAction::Approve)?;
                        return Ok(());
                    }
                    w.save_assessment(goal.id, unit, delar, Some(2), "Målet bedöms delvis uppfyllas.")?;
                    w.review_assessment(goal.id, unit, delar, &ReviewAction::Submit)?;
                    w.review_assessment(goal.id, unit, delar, &ReviewAction::Approve)?;
                    Ok(())
                })
                .unwrap();
        }
        for a in &card.activities {
            if a.status != ActivityStatus::Cancelled {
                store.write(&ctx(), |w| w.set_activity_follow_up(a.id, delar, a.status, "Enligt plan.")).unwrap();
            }
        }
        let card = scorecard::build(store, unit, 2026, Some(delar), day(2026, 9, 10)).unwrap();
        seen.push((format!("scorecard {unit}"), json(&card)));
    }
    let view = styrkort::narrative::view(store, delar).unwrap();
    seen.push(("narrative before".to_string(), json(&view)));
    for unit in view.units {
        for text in unit.texts.iter().filter(|t| !t.approved()) {
            store
                .write(&ctx(), |w| {
                    if text.state == Some(AssessmentState::Ready) {
                        w.review_report_text(delar, unit.unit.id, text.section, &ReviewAction::Approve)?;
                        return Ok(());
                    }
                    w.save_report_text(delar, unit.unit.id, text.section, "Verksamheten följer plan.")?;
                    w.review_report_text(delar, unit.unit.id, text.section, &ReviewAction::Submit)?;
                    w.review_report_text(delar, unit.unit.id, text.section, &ReviewAction::Approve)?;
                    Ok(())
                })
                .unwrap();
        }
    }
    seen.push(("narrative after".to_string(), json(&styrkort::narrative::view(store, delar).unwrap())));

    // Uppdrag, controls and tjänstegarantier of the year through their features' forms.
    let db = store.read();
    let (assignments, controls, guarantees) = (
        styrkort::store::assignments::of_year(db, 2026).unwrap(),
        styrkort::store::internal_control::controls_of_year(db, 2026).unwrap(),
        styrkort::store::unit_missions::guarantees_of_year(db, 2026).unwrap(),
    );
    assert!(!assignments.is_empty() && !controls.is_empty() && !guarantees.is_empty());
    for a in &assignments {
        let form = styrkort::assignments::AssignmentFollowUpForm {
            assignment_id: a.id,
            period_id: delar,
            status: AssignmentStatus::InProgress,
            comment: "Enligt plan.".into(),
        };
        let current = styrkort::store::assignments::get_follow_up(store.read(), a.id, delar).unwrap().map(|f| f.state);
        store
            .write(&ctx(), |w| {
                match current {
                    Some(AssessmentState::Approved) => return Ok(()),
                    Some(AssessmentState::Ready) => {}
                    _ => {
                        w.save_assignment_follow_up(&form)?;
                        w.review_assignment_follow_up(a.id, delar, &ReviewAction::Submit)?;
                    }
                }
                w.review_assignment_follow_up(a.id, delar, &ReviewAction::Approve).map(drop)
            })
            .unwrap();
    }
    for c in &controls {
        let form = styrkort::internal_control::ControlFollowUpForm {
            control_id: c.id,
            period_id: delar,
            result: ControlResult::NoRemarks,
            comment: "Granskat.".into(),
            deviation: String::new(),
            action: String::new(),
        };
        let current = styrkort::store::internal_control::get_follow_up(store.read(), c.id, delar).unwrap().map(|f| f.state);
        let r = store.write(&ctx(), |w| {
            match current {
                Some(AssessmentState::Approved) => return Ok(()),
                Some(AssessmentState::Ready) => {}
                _ => {
                    w.save_control_follow_up(&form)?;
                    w.review_control_follow_up(c.id, delar, &ReviewAction::Submit)?;
                }
            }
            w.review_control_follow_up(c.id, delar, &ReviewAction::Approve).map(drop)
        });
        // A control not reported in delår refuses its follow-up there, on both engines alike.
        if let Err(e) = r {
            assert_eq!(e.code, ErrorCode::Validation, "{}", e.message);
        }
    }
    for g in &guarantees {
        let current = styrkort::store::unit_missions::get_guarantee_follow_up(store.read(), g.id, delar).unwrap().map(|f| f.state);
        store
            .write(&ctx(), |w| {
                match current {
                    Some(AssessmentState::Approved) => return Ok(()),
                    Some(AssessmentState::Ready) => {}
                    _ => {
                        w.follow_up_guarantee(g.id, delar, GuaranteeOutcome::Kept, "Hölls.")?;
                        w.review_guarantee(g.id, delar, &ReviewAction::Submit)?;
                    }
                }
                w.review_guarantee(g.id, delar, &ReviewAction::Approve).map(drop)
            })
            .unwrap();
    }
    let valn = unit(store, "Socialnämnden");
    seen.push(("assignments".to_string(), json(&styrkort::assignments::view(store, 2026, Some(delar), None, day(2026, 9, 20)).unwrap())));
    seen.push(("intern kontroll".to_string(), json(&styrkort::internal_control::plan_view(store, valn, 2026, Some(delar)).unwrap())));
    let hemtjansten = unit(store, "Hemtjänsten");
    seen.push(("tjänstegarantier".to_string(), json(&styrkort::unit_missions::view(store, hemtjansten, 2026, Some(delar)).unwrap())));

    let after = follow_up::completeness(store, delar, day(2026, 9, 30)).unwrap();
    let not_done: Vec<_> = after
        .rows
        .iter()
        .filter(|r| !matches!(r.state, DeliveryState::Complete | DeliveryState::NothingExpected))
        .map(|r| (r.unit.name.clone(), r.state, r.delivery.clone()))
        .collect();
    assert!(not_done.is_empty(), "still not done: {not_done:?}");
    assert_eq!(after.totals.approved, after.totals.goals);
    assert_eq!(after.totals.texts_approved, after.totals.texts);
    seen.push(("completeness after".to_string(), json(&after)));
    seen
}

on_both_engines!(a_whole_delar_follow_up_reaches_all_approved, |engine: Engine| {
    let Some(mut u) = demo(engine, "a_whole_delar_follow_up") else { return };
    let seen = follow_up_everything(&mut u.store);
    assert!(seen.len() > 20);
    // Another connection sees the same.
    let again = u.reopen();
    let delar = period(&again, "delår");
    let after = follow_up::completeness(&again, delar, day(2026, 9, 30)).unwrap();
    assert_eq!(json(&after), seen.last().unwrap().1);
});

/// The same follow-up on both engines answers the same, read for read.
#[test]
fn the_engines_answer_the_same_follow_up_alike() {
    let Some(mut pg) = demo(Engine::Postgres, "engines_answer_alike") else { return };
    let mut lite = demo(Engine::Sqlite, "engines_answer_alike").unwrap();
    let a = follow_up_everything(&mut lite.store);
    let b = follow_up_everything(&mut pg.store);
    assert_eq!(a.len(), b.len());
    for ((name, x), (_, y)) in a.iter().zip(&b) {
        assert!(x == y, "{name} differs:\nSQLite:     {x}\nPostgreSQL: {y}");
    }
}

on_both_engines!(a_paste_is_all_or_nothing_and_lands_on_the_indicator_shown, |engine: Engine| {
    let Some(mut u) = demo(engine, "a_paste_is_all_or_nothing") else { return };
    let store = &mut u.store;
    let hemtjansten = unit(store, "Hemtjänsten");
    let grid = follow_up::value_grid(store, hemtjansten, 2026).unwrap();
    let before = (store.counts().unwrap(), store.audit_count().unwrap());
    assert!(follow_up::paste_changes(&grid, 0, 2, "12,5\nett tal").is_err());
    let changes = follow_up::paste_changes(&grid, 0, 2, "1 234,5\n").unwrap();
    store.write(&ctx(), |w| w.save_cells(hemtjansten, &changes)).unwrap();
    assert_eq!(store.audit_count().unwrap(), before.1 + 1);
    let again = follow_up::value_grid(store, hemtjansten, 2026).unwrap();
    assert_eq!(again.rows[0].values[2], Some(1234.5));
    assert!(follow_up::paste_changes(&again, 0, 2, "1 234,5").unwrap().is_empty());
    // Another unit's indicator is refused.
    let other = unit(store, "Kostenheten");
    assert_eq!(store.write(&ctx(), |w| w.save_cells(other, &changes)).unwrap_err().code, ErrorCode::Validation);
    // paste_and_save by the shown target; a deactivated indicator refuses the block whole.
    let delar = store.resolve_period(2026, "delår").unwrap();
    let column = again.periods.iter().position(|p| p.id == delar.id).unwrap();
    let target = again.target_at(0, column);
    let outcome = follow_up::paste_and_save(store, &ctx(), hemtjansten, 2026, &target, "42,5").unwrap();
    assert!(outcome.problems.is_empty(), "{:?}", outcome.problems);
    assert_eq!(outcome.grid.rows[0].values[column], Some(42.5));
    store.write(&ctx(), |w| w.set_indicator_active(again.rows[0].indicator_id, false)).unwrap();
    let audit = store.audit_count().unwrap();
    let outcome = follow_up::paste_and_save(store, &ctx(), hemtjansten, 2026, &target, "1\n2").unwrap();
    assert_eq!((outcome.saved, outcome.problems.len()), (0, 1));
    assert_eq!(store.audit_count().unwrap(), audit);
});

on_both_engines!(a_locked_period_refuses_every_follow_up_change, |engine: Engine| {
    let Some(mut u) = demo(engine, "a_locked_period_refuses") else { return };
    let store = &mut u.store;
    let delar = period(store, "delår");
    let hemtjansten = unit(store, "Hemtjänsten");
    store.write(&ctx(), |w| styrkort::store::periods::set_locked(w, delar, true)).unwrap();
    let card = scorecard::build(store, hemtjansten, 2026, Some(delar), day(2026, 9, 10)).unwrap();
    assert!(card.period.locked);
    let goal = card.perspectives.iter().flat_map(|p| &p.goals).next().unwrap().id;
    let grid = follow_up::value_grid(store, hemtjansten, 2026).unwrap();
    let sn = unit(store, "Socialnämnden");
    let audit_before = store.audit_count().unwrap();
    let mut attempts = vec![
        store.write(&ctx(), |w| w.delete_value(grid.rows[0].indicator_id, hemtjansten, delar, Gender::T)).unwrap_err(),
        store.write(&ctx(), |w| w.save_assessment(goal, hemtjansten, delar, Some(1), "x")).unwrap_err(),
        store.write(&ctx(), |w| w.review_assessment(goal, hemtjansten, delar, &ReviewAction::Approve)).unwrap_err(),
        store.write(&ctx(), |w| w.save_report_text(delar, sn, styrkort::narrative::Section::Operations, "x")).unwrap_err(),
    ];
    if let Some(a) = card.activities.first() {
        attempts.push(store.write(&ctx(), |w| w.set_activity_follow_up(a.id, delar, ActivityStatus::Done, "")).unwrap_err());
    }
    for e in attempts {
        assert_eq!(e.code, ErrorCode::PeriodLocked, "{}", e.message);
    }
    assert_eq!(store.audit_count().unwrap(), audit_before);
    store.write(&ctx(), |w| styrkort::store::periods::set_locked(w, delar, false)).unwrap();
    assert_eq!(store.audit_count().unwrap(), audit_before + 1);
});

on_both_engines!(an_approved_assessment_is_returned_before_it_is_edited, |engine: Engine| {
    let Some(mut u) = demo(engine, "an_approved_assessment") else { return };
    let store = &mut u.store;
    let delar = period(store, "delår");
    let kommun = unit(store, "Sjöbacka kommun");
    let card = scorecard::build(store, kommun, 2026, Some(delar), day(2026, 9, 10)).unwrap();
    let kf1 = card.perspectives[0].goals[0].id;
    assert_eq!(card.perspectives[0].goals[0].assessment.as_ref().unwrap().state, AssessmentState::Approved);
    assert_eq!(store.write(&ctx(), |w| w.save_assessment(kf1, kommun, delar, Some(1), "Ändrad")).unwrap_err().code, ErrorCode::Conflict);
    let state =
        store.write(&ctx(), |w| w.review_assessment(kf1, kommun, delar, &ReviewAction::Return { comment: "Komplettera.".into() })).unwrap();
    assert_eq!(state, AssessmentState::Draft);
    store.write(&ctx(), |w| w.save_assessment(kf1, kommun, delar, Some(1), "Ändrad")).unwrap();
    let card = scorecard::build(store, kommun, 2026, Some(delar), day(2026, 9, 10)).unwrap();
    let a = card.perspectives[0].goals[0].assessment.as_ref().unwrap();
    assert_eq!((a.state, a.analysis.as_str()), (AssessmentState::Draft, "Ändrad"));
});

// ---- Economy ----------------------------------------------------------------------------

on_both_engines!(the_economy_imports_sie_edits_the_grid_and_round_trips_its_template, |engine: Engine| {
    let Some(mut u) = demo(engine, "the_economy") else { return };
    let out = economy_steps(&mut u.store);
    assert!(!out.is_empty());
});

/// SIE import of the demo file, a grid edit, the template round trip; what the report says after each.
fn economy_steps(store: &mut Store) -> Vec<(String, Value)> {
    use styrkort::economy::sie::connect::EconomyRepository;
    use styrkort::economy::sie::import;
    let mut seen = Vec::new();
    let delar = period(store, "delår");
    let report = styrkort::economy::report::of_period(store, 2026, delar).unwrap();
    assert_eq!(report.operating.len(), 8);
    seen.push(("report before".to_string(), json(&report)));

    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds/sjobacka-2026-08.se");
    let p = import::preview_path(store, &path, "delår", &EconomyRepository).unwrap();
    seen.push(("sie preview".to_string(), json(&p)));
    import::apply(store, &ctx(), &p, &EconomyRepository).unwrap();
    let report = styrkort::economy::report::of_period(store, 2026, delar).unwrap();
    let tax = styrkort::store::economy::statement_at(
        store.read(),
        delar,
        styrkort::model::StatementScope::Kommun,
        "rr.tax",
        StatementColumn::Actual,
    )
    .unwrap()
    .unwrap();
    assert!((520 * 100_000_000..600 * 100_000_000).contains(&tax), "{tax}");
    seen.push(("report after sie".to_string(), json(&report)));
    // The mapping the import saved reads back.
    let mapping = styrkort::economy::sie::map::Mapping::load(store.read()).unwrap();
    assert!(!mapping.objects.is_empty());

    let sn = unit(store, "Socialnämnden");
    let target = EconomyTarget::Operating { unit_ids: vec![sn], fields: vec![OperatingField::Actual, OperatingField::Forecast] };
    let outcome = styrkort::economy::grid::paste_and_save(store, &ctx(), 2026, delar, &target, "−280 000\t−420 000").unwrap();
    assert!(outcome.problems.is_empty(), "{:?}", outcome.problems);
    let row = styrkort::store::economy::operating_at(store.read(), sn, delar).unwrap().unwrap();
    assert_eq!((row.actual, row.forecast), (Some(-28_000_000_000), Some(-42_000_000_000)));
    seen.push(("grid".to_string(), json(&outcome.economy)));
    store.write(&ctx(), |w| w.review_economy(delar, styrkort::model::EconomyPart::Operating, Some(sn), &ReviewAction::Submit)).unwrap();

    let blank = styrkort::economy::template::template(store, delar).unwrap();
    let unchanged = styrkort::economy::template::read(store, "ekonomi.xlsx", &blank).unwrap();
    assert!(unchanged.changes.is_empty() && unchanged.rejected.is_empty(), "{:?} {:?}", unchanged.changes, unchanged.rejected);
    seen.push(("template".to_string(), json(&unchanged)));
    seen.push(("report end".to_string(), json(&styrkort::economy::report::of_period(store, 2026, delar).unwrap())));
    seen
}

#[test]
fn the_engines_answer_the_same_economy_alike() {
    let Some(mut pg) = demo(Engine::Postgres, "economy_alike") else { return };
    let mut lite = demo(Engine::Sqlite, "economy_alike").unwrap();
    let a = economy_steps(&mut lite.store);
    let b = economy_steps(&mut pg.store);
    for ((name, x), (_, y)) in a.iter().zip(&b) {
        assert!(x == y, "{name} differs:\nSQLite:     {x}\nPostgreSQL: {y}");
    }
}

// ---- Kolada --------------------------------------------------------------------------------

on_both_engines!(the_demo_kolada_file_imports_with_the_same_counts, |engine: Engine| {
    let Some(mut u) = demo(engine, "kolada_import") else { return };
    let store = &mut u.store;
    let counts = styrkort::kolada::read::counts(store).unwrap();
    // The demo holds the file already: importing it again changes nothing.
    let s = styrkort::kolada::import_texts(store, &ctx(), &[(styrkort::seed::DEMO_KOLADA_NAME, styrkort::seed::DEMO_KOLADA)]).unwrap();
    assert_eq!((s.new, s.changed, s.removed), (0, 0, 0), "{s:?}");
    assert!(s.unchanged > 0);
    assert_eq!(styrkort::kolada::read::counts(store).unwrap(), counts);

    // A changed value moves the old one to the history; a deleted one is removed; a new one is new.
    let mut file: Value = serde_json::from_str(styrkort::seed::DEMO_KOLADA).unwrap();
    let rows = file["values"].as_array_mut().unwrap();
    let first = rows[0]["values"][0]["value"].as_f64().unwrap();
    rows[0]["values"][0]["value"] = serde_json::json!(first + 1.0);
    let (kpi, area, year) = (
        rows[0]["kpi"].as_str().unwrap().to_string(),
        rows[0]["municipality"].as_str().unwrap().to_string(),
        rows[0]["period"].as_i64().unwrap(),
    );
    let gender = rows[0]["values"][0]["gender"].as_str().unwrap().to_string();
    let mut extra = rows[0].clone();
    extra["period"] = serde_json::json!(2019);
    rows.push(extra);
    let text = serde_json::to_string(&file).unwrap();
    let later = ChangeContext::new("test", "2026-12-01T10:00:00");
    let s = styrkort::kolada::import_texts(store, &later, &[("kolada-ny.json", &text)]).unwrap();
    let extra_values = file["values"].as_array().unwrap().last().unwrap()["values"].as_array().unwrap().len() as u64;
    assert_eq!((s.new, s.changed, s.removed), (extra_values, 1, 0), "{s:?}");
    let g = match gender.as_str() {
        "K" => Gender::K,
        "M" => Gender::M,
        _ => Gender::T,
    };
    assert_eq!(styrkort::store::kolada::value(store.read(), &kpi, &area, year as i32, g).unwrap(), Some(first + 1.0));
    let history = styrkort::store::kolada::history(store.read(), &kpi, &area, year as i32, g).unwrap();
    assert_eq!(history.len(), 1);
    let after = styrkort::kolada::read::counts(store).unwrap();
    assert_eq!(json(&after)["values"], json(&counts)["values"].as_u64().unwrap() + extra_values);
});

// ---- Exchange files and the value template -------------------------------------------------

/// A laptop's copy of the demo: the SQLite file the database was made from (on PostgreSQL
/// the file that was copied in, so the ids and the database's identity are the same).
fn laptop_copy(u: &Under, dir: &std::path::Path) -> Store {
    let path = dir.join("laptop.db");
    let source = Store::open(&u.file).unwrap();
    styrkort::backup::back_up_to(&source, &path).unwrap();
    Store::open(&path).unwrap()
}

on_both_engines!(an_exchange_file_from_a_laptop_copy_is_previewed_and_applied, |engine: Engine| {
    let Some(mut u) = demo(engine, "exchange") else { return };
    let dir = tempfile::tempdir().unwrap();
    let mut copy = laptop_copy(&u, dir.path());
    let (hemtjansten, delar) = (unit(&copy, "Hemtjänsten"), period(&copy, "delår"));
    let grid = follow_up::value_grid(&copy, hemtjansten, 2026).unwrap();
    let rows: Vec<i64> = grid.rows.iter().filter(|r| r.gender == Gender::T).map(|r| r.indicator_id).take(2).collect();
    let unit_user = ChangeContext::new("Enhetschef Eva", "2026-09-15T14:30:00");
    copy.write(&unit_user, |w| {
        styrkort::store::values::set(w, rows[0], hemtjansten, delar, Gender::T, 93.0, ValueSource::Manual)?;
        styrkort::store::values::set(w, rows[1], hemtjansten, delar, Gender::T, 17.0, ValueSource::Manual)
    })
    .unwrap();
    let bytes = exchange::export(&copy, hemtjansten, delar, &unit_user).unwrap();
    // Meanwhile the master changes the second value: a conflict.
    u.store.write(&ctx(), |w| styrkort::store::values::set(w, rows[1], hemtjansten, delar, Gender::T, 80.0, ValueSource::Manual)).unwrap();

    let before = (u.store.counts().unwrap(), u.store.audit_count().unwrap());
    let p = exchange::preview(&u.store, &[("hemtjansten.styrkort-utbyte", &bytes)]).unwrap();
    assert_eq!((u.store.counts().unwrap(), u.store.audit_count().unwrap()), before, "a preview writes nothing");
    let state =
        |id: i64| p.files[0].items.iter().find(|i| i.item == ExchangeItemRef::Value { indicator_id: id, gender: Gender::T }).unwrap().state;
    assert!(matches!(state(rows[0]), ExchangeItemState::New | ExchangeItemState::Changed), "{:?}", state(rows[0]));
    assert_eq!(state(rows[1]), ExchangeItemState::Conflict);
    assert_eq!(p.counts.conflict, 1, "{:?}", p.counts);
    let outcome = exchange::apply(&mut u.store, &ctx(), &p, &[]).unwrap();
    assert_eq!((outcome.taken, outcome.conflicts_kept), (1, 1));
    let value = |store: &Store, id: i64| {
        let grid = follow_up::value_grid(store, hemtjansten, 2026).unwrap();
        let column = grid.periods.iter().position(|p| p.id == delar).unwrap();
        grid.rows.iter().find(|r| r.indicator_id == id && r.gender == Gender::T).unwrap().values[column]
    };
    assert_eq!((value(&u.store, rows[0]), value(&u.store, rows[1])), (Some(93.0), Some(80.0)));
    // The same file again, resolved take-file: the conflict is taken now.
    let p = exchange::preview(&u.store, &[("hemtjansten.styrkort-utbyte", &bytes)]).unwrap();
    let outcome = exchange::apply(&mut u.store, &ctx(), &p, &p.resolve_all(ConflictChoice::TakeFile)).unwrap();
    assert_eq!(outcome.taken, 1);
    assert_eq!(value(&u.reopen(), rows[1]), Some(17.0));
});

on_both_engines!(a_value_template_filled_in_a_laptop_copy_round_trips, |engine: Engine| {
    let Some(mut u) = demo(engine, "value_template") else { return };
    let dir = tempfile::tempdir().unwrap();
    let mut copy = laptop_copy(&u, dir.path());
    let (hemtjansten, helar) = (unit(&copy, "Hemtjänsten"), period(&copy, "helår"));
    let grid = follow_up::value_grid(&copy, hemtjansten, 2026).unwrap();
    let column = grid.periods.iter().position(|p| p.id == helar).unwrap();
    let block = grid.rows.iter().enumerate().map(|(i, _)| format!("{},5", 10 + i)).collect::<Vec<_>>().join("\n");
    let changes = follow_up::paste_changes(&grid, 0, column, &block).unwrap();
    copy.write(&ctx(), |w| w.save_cells(hemtjansten, &changes)).unwrap();
    let filled = value_template::template(&copy, hemtjansten, helar).unwrap();

    let before = u.store.counts().unwrap();
    let preview = value_template::read(&u.store, "hemtjänsten.xlsx", &filled).unwrap();
    assert_eq!(preview.changes.len(), grid.rows.len());
    assert!(preview.rejected.is_empty(), "{:?}", preview.rejected);
    assert_eq!(u.store.counts().unwrap(), before);
    assert_eq!(value_template::apply(&mut u.store, &ctx(), &preview).unwrap(), grid.rows.len());
    let after = follow_up::value_grid(&u.store, hemtjansten, 2026).unwrap();
    for (i, row) in after.rows.iter().enumerate() {
        assert_eq!(row.values[column], Some(10.5 + i as f64), "{}", row.name);
    }
    assert!(value_template::read(&u.store, "hemtjänsten.xlsx", &filled).unwrap().changes.is_empty());
    // The template the shared database makes is the laptop's, byte for byte in its cells.
    let from_master = value_template::template(&u.store, hemtjansten, helar).unwrap();
    assert!(value_template::read(&copy, "x.xlsx", &from_master).unwrap().changes.is_empty());
});
