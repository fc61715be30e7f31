//! The window's planning forms: each save validates in the core (errors name the field),
//! writes all its rows at once and is one undo step; the plan page read shows what was saved.

use styrkort::model::{ActivityStatus, Direction, GoalLevel, ToleranceKind, UnitKind};
use styrkort::planning::forms::{self, ActivityForm, GoalForm, IndicatorForm, TargetRow};
use styrkort::planning::{self, SearchKind};
use styrkort::{seed, ChangeContext, ErrorCode, Store};

fn ctx() -> ChangeContext {
    ChangeContext::new("Petra Planerare", "2026-10-01T09:00:00")
}

const MINIMAL: &str = include_str!("fixtures/seed-minimal.json");

fn minimal() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("s.db")).unwrap();
    seed::load(&mut store, &ctx(), "seed-minimal.json", MINIMAL).unwrap();
    (dir, store)
}

/// A database with only a kommun, as a new municipality starts.
fn empty_kommun() -> (tempfile::TempDir, Store, i64) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("s.db")).unwrap();
    let id = store
        .write(&ctx(), |w| {
            styrkort::store::units::insert(
                w,
                styrkort::store::NewUnit { parent_id: None, kind: UnitKind::Kommun, name: "Nyby kommun".into(), kolada_id: None },
            )
        })
        .unwrap();
    (dir, store, id)
}

fn rows(store: &Store) -> Vec<(String, i64)> {
    store.counts().unwrap().into_iter().filter(|(t, _)| t != "audit_log").collect()
}

fn goal_form(year: i32, unit: i64, perspective: i64, title: &str, parents: Vec<i64>) -> GoalForm {
    GoalForm {
        id: None,
        plan_year: year,
        owner_unit_id: unit,
        perspective_id: perspective,
        code: String::new(),
        title: title.into(),
        description: String::new(),
        parent_ids: parents,
    }
}

#[test]
fn a_whole_chain_is_built_from_a_bare_kommun_and_each_save_is_one_undo_step() {
    let (_dir, mut store, kommun) = empty_kommun();
    store.write(&ctx(), |w| w.start_plan_year(2027, "Nyby – nära till allt")).unwrap();
    let plan = forms::unit_plan(&store, kommun, 2027).unwrap();
    let names: Vec<_> = plan.perspectives.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["Invånare", "Ekonomi", "Medarbetare", "Hållbar utveckling"]);
    assert_eq!(plan.scale.len(), 3);
    assert_eq!(plan.goal_level, GoalLevel::Kf);
    assert_eq!(store.periods(2027).unwrap().len(), 3, "T1, delår and helår come with the year");
    let invanare = plan.perspectives[0].id;

    let namnd = store.write(&ctx(), |w| w.add_unit(kommun, UnitKind::Namnd, "Barn- och utbildningsnämnden")).unwrap();
    let skola = store.write(&ctx(), |w| w.add_unit(namnd, UnitKind::Enhet, "Åkerskolan")).unwrap();
    let kf = store.write(&ctx(), |w| w.save_goal(&goal_form(2027, kommun, invanare, "Alla barn lyckas", vec![]))).unwrap();
    let nm = store.write(&ctx(), |w| w.save_goal(&goal_form(2027, namnd, invanare, "Fler når målen", vec![kf]))).unwrap();
    let em = store.write(&ctx(), |w| w.save_goal(&goal_form(2027, skola, invanare, "Läsning varje dag", vec![nm]))).unwrap();
    let ind = store
        .write(&ctx(), |w| {
            w.save_indicator(&IndicatorForm {
                id: None,
                owner_unit_id: skola,
                plan_year: 2027,
                name: "Andel elever som läser minst 20 min/dag".into(),
                description: String::new(),
                unit: "%".into(),
                direction: Direction::Higher,
                decimals: 0,
                kolada_kpi_id: Some(" n15505 ".into()),
                tolerance_kind: ToleranceKind::Percent,
                tolerance: 10.0,
                targets: vec![
                    TargetRow { year: 2027, target: 80.0, yellow_limit: None },
                    TargetRow { year: 2028, target: 85.0, yellow_limit: Some(75.0) },
                ],
                goal_ids: vec![em],
                responsible: " Lina Ek ".into(),
            })
        })
        .unwrap();
    let act = store
        .write(&ctx(), |w| {
            w.save_activity(&ActivityForm {
                id: None,
                plan_year: 2027,
                owner_unit_id: skola,
                title: "Läsvänner i åk 1–3".into(),
                description: "Äldre elever läser med yngre.".into(),
                responsible: "Örjan Ek".into(),
                start_date: Some("2027-01-10".into()),
                end_date: Some("2027-06-10".into()),
                status: ActivityStatus::Started,
                goal_ids: vec![em],
            })
        })
        .unwrap();

    let skola_plan = forms::unit_plan(&store, skola, 2027).unwrap();
    assert_eq!(skola_plan.goal_level, GoalLevel::Enhet);
    assert_eq!(skola_plan.goals.len(), 1);
    assert_eq!(skola_plan.goals[0].parent_ids, vec![nm]);
    assert!(!skola_plan.goals[0].loose);
    let i = &skola_plan.indicators[0];
    assert_eq!((i.id, i.kolada_kpi_id.as_deref(), i.goal_ids.clone()), (ind, Some("N15505"), vec![em]));
    assert_eq!(i.targets.len(), 2);
    assert_eq!(i.responsible, "Lina Ek", "Ansvarig is saved trimmed");
    assert_eq!(skola_plan.activities[0].id, act);
    assert_eq!(skola_plan.activities[0].goal_ids, vec![em]);
    assert_eq!(skola_plan.branch, vec![skola]);

    // The chain reads top to bottom in the red thread.
    let period = store.periods(2027).unwrap()[1].id;
    let thread = styrkort::red_thread::red_thread(&store, 2027, period, Some(em)).unwrap();
    let json = serde_json::to_string(&thread).unwrap();
    for text in ["Alla barn lyckas", "Fler når målen", "Läsning varje dag", "Andel elever som läser", "Läsvänner i åk 1–3"] {
        assert!(json.contains(text), "{text} is in the red thread: {json}");
    }

    // Eight saves, eight undo steps back to the bare kommun.
    let labels: Vec<String> = planning::undoable_changes(store.read(), 50).unwrap().into_iter().map(|c| c.label).collect();
    assert_eq!(labels.len(), 8, "{labels:?}");
    assert!(labels[0].contains("Läsvänner"), "{labels:?}");
    for _ in 0..8 {
        store.write(&ctx(), |w| w.undo_last()).unwrap();
    }
    let left: Vec<_> = rows(&store).into_iter().filter(|(_, n)| *n > 0).collect();
    assert_eq!(left, vec![("org_unit".to_string(), 1)], "only the kommun is left");
}

#[test]
fn editing_a_goal_replaces_its_parent_links_and_refuses_bad_fields_by_name() {
    let (_dir, mut store) = minimal();
    let hemtj = store.resolve_unit("Hemtjänsten").unwrap().id;
    let plan = forms::unit_plan(&store, hemtj, 2026).unwrap();
    let frisk = plan.goals.iter().find(|g| g.title == "Frisk arbetsplats").unwrap().clone();
    assert!(frisk.loose, "H2 links to nothing in the seed: a loose thread");
    let sn1 = plan.year_goals.iter().find(|g| g.title == "Trygg äldreomsorg").unwrap().id;
    let kf1 = plan.year_goals.iter().find(|g| g.title == "Nöjda invånare").unwrap().id;

    let mut form = GoalForm {
        id: Some(frisk.id),
        plan_year: 2026,
        owner_unit_id: hemtj,
        perspective_id: frisk.perspective_id,
        code: "H2".into(),
        title: "Frisk och trygg arbetsplats".into(),
        description: "Låg sjukfrånvaro.".into(),
        parent_ids: vec![sn1, kf1],
    };
    store.write(&ctx(), |w| w.save_goal(&form)).unwrap();
    let after = forms::unit_plan(&store, hemtj, 2026).unwrap();
    let g = after.goals.iter().find(|g| g.id == frisk.id).unwrap();
    assert_eq!(g.title, "Frisk och trygg arbetsplats");
    assert_eq!(g.parent_ids, {
        let mut v = vec![sn1, kf1];
        v.sort();
        v
    });
    assert!(!g.loose);

    form.parent_ids = vec![kf1];
    store.write(&ctx(), |w| w.save_goal(&form)).unwrap();
    let g = forms::unit_plan(&store, hemtj, 2026).unwrap().goals.into_iter().find(|g| g.id == frisk.id).unwrap();
    assert_eq!(g.parent_ids, vec![kf1], "a parent left out of the form is unlinked");

    let before = rows(&store);
    let audit = store.audit_count().unwrap();
    for (field, change) in [
        ("title", Box::new(|f: &mut GoalForm| f.title = "   ".into()) as Box<dyn Fn(&mut GoalForm)>),
        ("code", Box::new(|f: &mut GoalForm| f.code = "X".repeat(21))),
        ("perspective_id", Box::new(|f: &mut GoalForm| f.perspective_id = 999_999)),
        ("parent_ids", Box::new(|f: &mut GoalForm| f.parent_ids = vec![frisk.id])),
    ] {
        let mut bad = form.clone();
        change(&mut bad);
        let err = store.write(&ctx(), |w| w.save_goal(&bad)).unwrap_err();
        assert_eq!(err.field.as_deref(), Some(field), "{field}: {}", err.message);
        assert!(matches!(err.code, ErrorCode::Validation | ErrorCode::Conflict), "{field}: {:?}", err.code);
    }
    assert_eq!(rows(&store), before, "a refused form changes nothing");
    assert_eq!(store.audit_count().unwrap(), audit);
    let json = serde_json::to_value(store.write(&ctx(), |w| w.save_goal(&GoalForm { title: String::new(), ..form.clone() })).unwrap_err())
        .unwrap();
    assert_eq!(json["field"], "title", "the field crosses to the window: {json}");
}

#[test]
fn an_indicator_form_replaces_targets_and_goals_of_its_year_only_and_checks_the_yellow_side() {
    let (_dir, mut store) = minimal();
    let hemtj = store.resolve_unit("Hemtjänsten").unwrap().id;
    let plan = forms::unit_plan(&store, hemtj, 2026).unwrap();
    let ind = plan.indicators.iter().find(|i| i.name == "Nöjdhet hemtjänst").unwrap().clone();
    let frisk = plan.goals.iter().find(|g| g.title == "Frisk arbetsplats").unwrap().id;
    let form = IndicatorForm {
        id: Some(ind.id),
        owner_unit_id: hemtj,
        plan_year: 2026,
        name: ind.name.clone(),
        description: ind.description.clone(),
        unit: "%".into(),
        direction: Direction::Higher,
        decimals: 1,
        kolada_kpi_id: None,
        tolerance_kind: ToleranceKind::Absolute,
        tolerance: 3.0,
        targets: vec![TargetRow { year: 2026, target: 92.0, yellow_limit: Some(88.0) }],
        goal_ids: vec![frisk],
        responsible: String::new(),
    };
    let values = store.indicator_values(ind.id).unwrap();
    assert!(!values.is_empty());
    store.write(&ctx(), |w| w.save_indicator(&form)).unwrap();
    let saved = forms::unit_plan(&store, hemtj, 2026).unwrap().indicators.into_iter().find(|i| i.id == ind.id).unwrap();
    assert_eq!(saved.targets, form.targets, "years left out of the form lose their target");
    assert_eq!(saved.goal_ids, vec![frisk]);
    assert_eq!((saved.decimals, saved.tolerance_kind, saved.tolerance), (1, ToleranceKind::Absolute, 3.0));
    assert_eq!(store.indicator_values(ind.id).unwrap(), values, "the values stay as they were");

    let before = rows(&store);
    for (field, bad) in [
        ("targets", IndicatorForm { targets: vec![TargetRow { year: 2026, target: 92.0, yellow_limit: Some(95.0) }], ..form.clone() }),
        (
            "targets",
            IndicatorForm {
                targets: vec![
                    TargetRow { year: 2026, target: 1.0, yellow_limit: None },
                    TargetRow { year: 2026, target: 2.0, yellow_limit: None },
                ],
                ..form.clone()
            },
        ),
        ("kolada_kpi_id", IndicatorForm { kolada_kpi_id: Some("N0009-0".into()), ..form.clone() }),
        ("decimals", IndicatorForm { decimals: 7, ..form.clone() }),
        // 7,55 on an indicator shown with 1 decimal would be shown as 7,6: refused, not rounded.
        ("targets", IndicatorForm { targets: vec![TargetRow { year: 2026, target: 92.55, yellow_limit: None }], ..form.clone() }),
        ("targets", IndicatorForm { targets: vec![TargetRow { year: 2026, target: 92.0, yellow_limit: Some(88.25) }], ..form.clone() }),
        ("tolerance", IndicatorForm { tolerance: -1.0, ..form.clone() }),
        ("name", IndicatorForm { name: " ".into(), ..form.clone() }),
        ("responsible", IndicatorForm { responsible: "Anna\nBerg".into(), ..form.clone() }),
        ("responsible", IndicatorForm { responsible: "A".repeat(101), ..form.clone() }),
    ] {
        let err = store.write(&ctx(), |w| w.save_indicator(&bad)).unwrap_err();
        assert_eq!(err.field.as_deref(), Some(field), "{}", err.message);
        if bad.targets.iter().any(|t| t.target == 92.55) {
            assert!(err.message.contains("92,55") && err.message.contains("minst 2"), "{}", err.message);
        }
    }
    assert_eq!(rows(&store), before);

    // Undo puts the old targets and goal links back in one step.
    store.write(&ctx(), |w| w.undo_last()).unwrap();
    let back = forms::unit_plan(&store, hemtj, 2026).unwrap().indicators.into_iter().find(|i| i.id == ind.id).unwrap();
    // The row version counts up on undo too, so a form loaded before it is refused.
    assert!(back.version > ind.version, "{} after {}", back.version, ind.version);
    assert_eq!(forms::PlanIndicator { version: ind.version, ..back }, ind);
}

#[test]
fn activities_are_saved_with_checked_dates_and_deleted_after_a_preview_and_undone() {
    let (_dir, mut store) = minimal();
    let hemtj = store.resolve_unit("Hemtjänsten").unwrap().id;
    let plan = forms::unit_plan(&store, hemtj, 2026).unwrap();
    let goal = plan.goals[0].id;
    let form = ActivityForm {
        id: None,
        plan_year: 2026,
        owner_unit_id: hemtj,
        title: "Införa nyckelfri hemtjänst".into(),
        description: String::new(),
        responsible: "Åsa Öberg".into(),
        start_date: Some("2026-02-01".into()),
        end_date: Some("2026-01-01".into()),
        status: ActivityStatus::NotStarted,
        goal_ids: vec![goal],
    };
    let err = store.write(&ctx(), |w| w.save_activity(&form)).unwrap_err();
    assert_eq!(err.field.as_deref(), Some("end_date"), "{}", err.message);
    let err = store.write(&ctx(), |w| w.save_activity(&ActivityForm { start_date: Some("1 feb".into()), ..form.clone() })).unwrap_err();
    assert_eq!(err.field.as_deref(), Some("start_date"));
    assert!(err.message.contains("ÅÅÅÅ-MM-DD"), "{}", err.message);

    let id = store.write(&ctx(), |w| w.save_activity(&ActivityForm { end_date: Some("2026-12-31".into()), ..form.clone() })).unwrap();
    let period = store.periods(2026).unwrap()[0].id;
    store.write(&ctx(), |w| w.set_activity_follow_up(id, period, ActivityStatus::Started, "Startat")).unwrap();
    let preview = forms::activity_delete_preview(&store, id).unwrap();
    assert_eq!((preview.goal_links, preview.follow_ups), (1, 1));
    let before = rows(&store);
    store.write(&ctx(), |w| w.delete_activity(id)).unwrap();
    assert!(forms::unit_plan(&store, hemtj, 2026).unwrap().activities.iter().all(|a| a.id != id));
    assert_ne!(rows(&store), before, "nothing of it is left but the audit");
    // Undo brings the activity back with its goal link and its follow-up.
    store.write(&ctx(), |w| w.undo_last()).unwrap();
    let back = forms::unit_plan(&store, hemtj, 2026).unwrap().activities.into_iter().find(|a| a.id == id).unwrap();
    assert_eq!(back.goal_ids, vec![goal]);
    assert_eq!(forms::activity_delete_preview(&store, id).unwrap().follow_ups, 1);
    // Undoing the creation now would lose the follow-up: refused.
    store.write(&ctx(), |w| w.undo_last()).unwrap_err();
}

#[test]
fn units_are_added_under_active_units_only_and_a_second_kommun_is_refused() {
    let (_dir, mut store) = minimal();
    let son = store.resolve_unit("Socialnämnden").unwrap().id;
    let err = store.write(&ctx(), |w| w.add_unit(son, UnitKind::Kommun, "Andra kommunen")).unwrap_err();
    assert_eq!(err.field.as_deref(), Some("kind"));
    let err = store.write(&ctx(), |w| w.add_unit(son, UnitKind::Enhet, "  ")).unwrap_err();
    assert_eq!(err.field.as_deref(), Some("name"));
    let id = store.write(&ctx(), |w| w.add_unit(son, UnitKind::Enhet, "Hemtjänsten Väster")).unwrap();
    store.write(&ctx(), |w| w.set_unit_active(id, false)).unwrap();
    let err = store.write(&ctx(), |w| w.add_unit(id, UnitKind::Enhet, "Nattpatrullen")).unwrap_err();
    assert_eq!(err.code, ErrorCode::Validation);
    assert!(planning::search(&store, "Väster", 10).unwrap().iter().any(|h| h.kind == SearchKind::Unit && h.id == id));
    let err = store.write(&ctx(), |w| w.start_plan_year(2026, "")).unwrap_err();
    assert_eq!((err.code, err.field.as_deref()), (ErrorCode::Conflict, Some("year")));
}

#[test]
fn the_kpi_search_finds_shipped_kpis_by_words_and_by_id() {
    let (_dir, store) = minimal();
    let hits = forms::search_kpis(&store, "sjukfrånvaro kommun", 20).unwrap();
    assert!(hits.iter().any(|k| k.id == "N00090"), "{hits:?}");
    assert!(hits.iter().all(|k| k.title.to_lowercase().contains("sjukfrånvaro")));
    let by_id = forms::search_kpis(&store, "n00090", 5).unwrap();
    assert_eq!(by_id[0].id, "N00090", "an exact id comes first");
    assert!(forms::search_kpis(&store, "   ", 5).unwrap().is_empty());
}

#[test]
fn a_new_municipality_starts_from_the_cli_with_only_its_kommun_and_not_over_existing_data() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("nyby.db");
    let run = |args: &[&str]| std::process::Command::new(env!("CARGO_BIN_EXE_styrkort")).arg("--db").arg(&db).args(args).output().unwrap();
    let bad = run(&["init", "--municipality", "Nyby kommun", "--kolada", "20"]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("fyra siffror"), "{}", String::from_utf8_lossy(&bad.stderr));
    let out = run(&["init", "--municipality", "Nyby kommun", "--kolada", "2099"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let store = Store::open(&db).unwrap();
    let units = store.units().unwrap();
    assert_eq!(units.len(), 1);
    assert_eq!((units[0].kind, units[0].name.as_str()), (UnitKind::Kommun, "Nyby kommun"));
    assert_eq!(store.setting("kolada_municipality").unwrap().as_deref(), Some("2099"));
    assert!(store.plan_years().unwrap().is_empty(), "the first plan year is made in the window");
    drop(store);
    let again = run(&["init", "--municipality", "Annan kommun"]);
    assert!(!again.status.success(), "a database with an organisation is not started over");
    assert_eq!(Store::open(&db).unwrap().units().unwrap()[0].name, "Nyby kommun");
}

#[test]
fn link_lists_know_which_goals_are_in_the_units_own_chain() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("demo.db")).unwrap();
    seed::load_demo(&mut store, &ctx()).unwrap();
    let hemtj = store.resolve_unit("Hemtjänsten").unwrap().id;
    let plan = forms::unit_plan(&store, hemtj, 2026).unwrap();
    // Hemtjänsten and every unit above it, by name.
    let mut above = vec![plan.unit.name.clone()];
    let mut at = plan.unit.parent_id;
    while let Some(id) = at {
        let u = plan.units.iter().find(|u| u.id == id).unwrap();
        above.push(u.name.clone());
        at = u.parent_id;
    }
    assert!(above.len() >= 2, "{above:?}");
    let (chain, others): (Vec<_>, Vec<_>) = plan.year_goals.iter().partition(|g| g.in_chain);
    assert!(!chain.is_empty() && !others.is_empty(), "{chain:?} / {others:?}");
    assert!(chain.iter().all(|g| above.contains(&g.owner_name)), "{chain:?} not all above Hemtjänsten {above:?}");
    assert!(others.iter().all(|g| !above.contains(&g.owner_name)), "{others:?}");
}
