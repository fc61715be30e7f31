//! Planning rules: organisation, copying a plan year, vision and perspectives, goals,
//! indicators, activities, scales, undo and search — through the core, as the window does.

use std::path::Path;

use styrkort::model::{ActivityStatus, Direction, ToleranceKind};
use styrkort::planning::forms::{self, ActivityForm, GoalForm, IndicatorForm, TargetRow};
use styrkort::planning::{self, SearchKind};
use styrkort::{seed, ChangeContext, ErrorCode, Store};

fn ctx() -> ChangeContext {
    ChangeContext::new("Petra Planerare", "2026-10-01T09:00:00")
}

const MINIMAL: &str = include_str!("fixtures/seed-minimal.json");

fn minimal_at(path: &Path) -> Store {
    let mut store = Store::open(path).unwrap();
    seed::load(&mut store, &ctx(), "seed-minimal.json", MINIMAL).unwrap();
    store
}

fn minimal() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = minimal_at(&dir.path().join("s.db"));
    (dir, store)
}

/// Every row of the planning tables (and values, assessments), as text, for comparing
/// whole contents.
fn dump(path: &Path) -> Vec<String> {
    let conn = rusqlite::Connection::open(path).unwrap();
    let tables = [
        "org_unit",
        "assessment_scale",
        "assessment_step",
        "plan_year",
        "perspective",
        "goal",
        "goal_link",
        "indicator",
        "indicator_target",
        "goal_indicator",
        "follow_up_period",
        "indicator_value",
        "activity",
        "activity_goal",
        "activity_follow_up",
        "assessment",
        "setting",
    ];
    let mut out = Vec::new();
    for t in tables {
        let mut stmt = conn.prepare(&format!("SELECT * FROM {t} ORDER BY 1, 2")).unwrap();
        // Row versions are left out: they only count up, an undo too (so a window that loaded
        // an undone change cannot save over what follows it); the data is what goes back.
        let columns: Vec<usize> = (0..stmt.column_count()).filter(|&i| stmt.column_name(i).unwrap() != "version").collect();
        let rows = stmt
            .query_map([], |r| {
                let cells: Vec<String> = columns.iter().map(|&i| format!("{:?}", r.get_ref(i).unwrap())).collect();
                Ok(format!("{t}: {}", cells.join(" | ")))
            })
            .unwrap();
        out.extend(rows.map(|r| r.unwrap()));
    }
    out
}

fn counts_without_audit(store: &Store) -> Vec<(String, i64)> {
    store.counts().unwrap().into_iter().filter(|(t, _)| t != "audit_log").collect()
}

fn unit(store: &Store, name: &str) -> i64 {
    store.resolve_unit(name).unwrap().id
}

fn goal_id(store: &Store, text: &str, year: i32) -> i64 {
    planning::search(store, text, 50)
        .unwrap()
        .into_iter()
        .find(|h| h.kind == SearchKind::Goal && h.plan_year == Some(year) && h.text.contains(text))
        .unwrap_or_else(|| panic!("goal {text} in {year}"))
        .id
}

fn indicator_id(store: &Store, name: &str) -> i64 {
    planning::search(store, name, 50).unwrap().into_iter().find(|h| h.kind == SearchKind::Indicator && h.text == name).unwrap().id
}

fn perspective_ids(store: &Store, year: i32, path: &Path) -> Vec<(i64, String)> {
    let _ = store;
    let conn = rusqlite::Connection::open(path).unwrap();
    let mut stmt = conn.prepare("SELECT id, name FROM perspective WHERE plan_year=?1 ORDER BY sort_order").unwrap();
    let rows = stmt.query_map([year], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().map(|r| r.unwrap()).collect();
    rows
}

/// The goal form as the window fills it in for a saved goal.
fn goal_form(store: &Store, id: i64, year: i32) -> GoalForm {
    for u in store.units().unwrap() {
        if let Some(g) = forms::unit_plan(store, u.id, year).unwrap().goals.into_iter().find(|g| g.id == id) {
            return GoalForm {
                id: Some(id),
                plan_year: year,
                owner_unit_id: u.id,
                perspective_id: g.perspective_id,
                code: g.code,
                title: g.title,
                description: g.description,
                parent_ids: g.parent_ids,
            };
        }
    }
    panic!("goal {id} in {year}")
}

/// The indicator form as the window fills it in for a saved indicator, in plan year `year`.
fn indicator_form(store: &Store, id: i64, year: i32) -> IndicatorForm {
    let owner = store.indicator_owner(id).unwrap();
    let i = forms::unit_plan(store, owner, year).unwrap().indicators.into_iter().find(|i| i.id == id).unwrap();
    IndicatorForm {
        id: Some(id),
        owner_unit_id: owner,
        plan_year: year,
        name: i.name,
        description: i.description,
        unit: i.unit,
        direction: i.direction,
        decimals: i.decimals,
        kolada_kpi_id: i.kolada_kpi_id,
        tolerance_kind: i.tolerance_kind,
        tolerance: i.tolerance,
        targets: i.targets,
        goal_ids: i.goal_ids,
        responsible: i.responsible,
    }
}

/// `form` with the target of `year` set (added or replaced).
fn with_target(mut form: IndicatorForm, year: i32, target: f64, yellow_limit: Option<f64>) -> IndicatorForm {
    form.targets.retain(|t| t.year != year);
    form.targets.push(TargetRow { year, target, yellow_limit });
    form.targets.sort_by_key(|t| t.year);
    form
}

/// The activity form as the window fills it in for a saved activity.
fn activity_form(store: &Store, id: i64, year: i32) -> ActivityForm {
    for u in store.units().unwrap() {
        if let Some(a) = forms::unit_plan(store, u.id, year).unwrap().activities.into_iter().find(|a| a.id == id) {
            return ActivityForm {
                id: Some(id),
                plan_year: year,
                owner_unit_id: u.id,
                title: a.title,
                description: a.description,
                responsible: a.responsible,
                start_date: a.start_date,
                end_date: a.end_date,
                status: a.status,
                goal_ids: a.goal_ids,
            };
        }
    }
    panic!("activity {id} in {year}")
}

#[test]
fn units_are_renamed_moved_and_deactivated_without_losing_history() {
    let (_dir, mut store) = minimal();
    let kommun = unit(&store, "Testköpings kommun");
    let son = unit(&store, "Socialnämnden");
    let hemtj = unit(&store, "Hemtjänsten Öster");

    store.write(&ctx(), |w| w.rename_unit(hemtj, "  Hemtjänst Öst  ")).unwrap();
    assert_eq!(store.unit(hemtj).unwrap().name, "Hemtjänst Öst");
    let err = store.write(&ctx(), |w| w.rename_unit(hemtj, "   ")).unwrap_err();
    assert_eq!(err.code, ErrorCode::Validation);

    // Moving under itself, under a descendant, or moving the kommun is refused.
    let err = store.write(&ctx(), |w| w.move_unit(son, son)).unwrap_err();
    assert_eq!(err.code, ErrorCode::Conflict);
    let err = store.write(&ctx(), |w| w.move_unit(son, hemtj)).unwrap_err();
    assert_eq!(err.code, ErrorCode::Conflict);
    assert!(err.message.contains("Hemtjänst Öst") && err.message.contains("Socialnämnden"), "{}", err.message);
    let err = store.write(&ctx(), |w| w.move_unit(kommun, son)).unwrap_err();
    assert_eq!(err.code, ErrorCode::Validation);
    assert_eq!(store.unit(son).unwrap().parent_id, Some(kommun));

    store.write(&ctx(), |w| w.move_unit(hemtj, kommun)).unwrap();
    assert_eq!(store.unit(hemtj).unwrap().parent_id, Some(kommun));

    let before = counts_without_audit(&store);
    store.write(&ctx(), |w| w.set_unit_active(hemtj, false)).unwrap();
    assert!(!store.unit(hemtj).unwrap().active);
    let tree = store.unit_tree().unwrap();
    let listed = tree[0].children.iter().any(|n| n.unit.id == hemtj && !n.unit.active);
    assert!(listed, "an inactive unit is still in the tree, marked inactive");
    assert_eq!(counts_without_audit(&store), before, "deactivating deletes nothing");
    store.write(&ctx(), |w| w.set_unit_active(hemtj, true)).unwrap();
    assert!(store.unit(hemtj).unwrap().active);
    let err = store.write(&ctx(), |w| w.set_unit_active(kommun, false)).unwrap_err();
    assert_eq!(err.code, ErrorCode::Validation);
}

#[test]
fn a_plan_year_is_copied_forward_with_structure_but_without_follow_up() {
    let (dir, mut store) = minimal();
    let path = dir.path().join("s.db");
    let preview = planning::plan_year::copy_preview(&store, 2026, 2027).unwrap();
    assert_eq!(preview.refused, None);
    assert_eq!(preview.perspectives.len(), 4);
    assert_eq!((preview.kf_goals.len(), preview.namnd_goals.len(), preview.enhet_goals.len()), (2, 1, 2));
    assert_eq!(preview.links, 2);
    assert_eq!(preview.indicators.len(), 4);
    assert_eq!(preview.targets, 4, "no indicator has a 2027 target yet");
    assert_eq!(preview.activities, vec!["Införa nyckelfri hemtjänst".to_string()]);
    // Preview changes nothing.
    let untouched = dump(&path);

    // A 2027 target set by hand is kept, not overwritten by the copy.
    let sjuk = indicator_id(&store, "Sjukfrånvaro");
    let form = with_target(indicator_form(&store, sjuk, 2026), 2027, 6.5, Some(7.5));
    store.write(&ctx(), |w| w.save_indicator(&form)).unwrap();
    assert_ne!(dump(&path), untouched);
    assert_eq!(planning::plan_year::copy_preview(&store, 2026, 2027).unwrap().targets, 3);

    let copied = store.write(&ctx(), |w| w.copy_plan_year(2026, 2027)).unwrap();
    assert_eq!(copied, 5);
    let year = store.plan_year(2027).unwrap();
    assert_eq!(year.vision, "Testköping – där åar möts.");
    assert_eq!(year.scale_steps, 3);
    assert_eq!(store.scale(2027).unwrap(), store.scale(2026).unwrap());
    assert_eq!(store.periods(2027).unwrap().len(), 3, "default periods T1, delår, helår");

    let conn = rusqlite::Connection::open(&path).unwrap();
    let one = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
    assert_eq!(one("SELECT COUNT(*) FROM goal WHERE plan_year=2027"), 5);
    assert_eq!(
        one("SELECT COUNT(*) FROM goal n JOIN goal o ON o.id = n.copied_from_id WHERE n.plan_year=2027 AND o.plan_year=2026 AND o.title = n.title"),
        5,
        "every copied goal points at its original"
    );
    assert_eq!(
        one("SELECT COUNT(*) FROM goal_link l JOIN goal c ON c.id = l.child_goal_id JOIN goal p ON p.id = l.parent_goal_id WHERE c.plan_year=2027 AND p.plan_year=2027"),
        2,
        "the red thread is copied within the new year"
    );
    assert_eq!(one("SELECT COUNT(*) FROM goal_indicator gi JOIN goal g ON g.id = gi.goal_id WHERE g.plan_year=2027"), 4);
    assert_eq!(one("SELECT COUNT(*) FROM perspective WHERE plan_year=2027"), 4);
    assert_eq!(one(&format!("SELECT COUNT(*) FROM indicator_target WHERE year=2027 AND indicator_id={sjuk} AND target=6.5")), 1);
    assert_eq!(one("SELECT COUNT(*) FROM indicator_target WHERE year=2027"), 4);
    // No values, no assessments; the activity starts over, a year later.
    assert_eq!(one("SELECT COUNT(*) FROM indicator_value v JOIN follow_up_period p ON p.id = v.period_id WHERE p.plan_year=2027"), 0);
    assert_eq!(one("SELECT COUNT(*) FROM assessment a JOIN goal g ON g.id = a.goal_id WHERE g.plan_year=2027"), 0);
    let (status, start, linked): (String, String, i64) = conn
        .query_row(
            "SELECT status, start_date, (SELECT COUNT(*) FROM activity_goal ag JOIN goal g ON g.id = ag.goal_id WHERE ag.activity_id = a.id AND g.plan_year = 2027)
             FROM activity a WHERE plan_year=2027",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!((status.as_str(), start.as_str(), linked), ("ej_paborjad", "2027-01-01", 1));

    // A second copy into a year with goals is refused and changes nothing.
    let after = dump(&path);
    let err = store.write(&ctx(), |w| w.copy_plan_year(2026, 2027)).unwrap_err();
    assert_eq!(err.code, ErrorCode::Conflict);
    assert!(err.message.contains("2027") && err.message.contains("5 mål"), "{}", err.message);
    assert!(planning::plan_year::copy_preview(&store, 2026, 2027).unwrap().refused.is_some());
    assert_eq!(dump(&path), after);

    // Undo takes the whole copy back.
    let label = store.write(&ctx(), |w| w.undo_last()).unwrap();
    assert!(label.contains("2027"), "{label}");
    assert!(store.plan_year(2027).is_err());
    let undone_target = store.write(&ctx(), |w| w.undo_last()).unwrap();
    assert!(undone_target.contains("Sjukfrånvaro"), "{undone_target}");
    assert_eq!(dump(&path), untouched);
}

#[test]
fn perspectives_are_edited_and_not_removed_while_goals_use_them() {
    let (dir, mut store) = minimal();
    let path = dir.path().join("s.db");
    store.write(&ctx(), |w| w.set_vision(2026, "  Testköping – öppen för alla.  ")).unwrap();
    assert_eq!(store.plan_year(2026).unwrap().vision, "Testköping – öppen för alla.");

    let ps = perspective_ids(&store, 2026, &path);
    let invanare = ps[0].0;
    let err = store.write(&ctx(), |w| w.remove_perspective(invanare)).unwrap_err();
    assert_eq!(err.code, ErrorCode::Conflict);
    for goal in ["Nöjda invånare", "Trygg äldreomsorg", "Färre personal per brukare"] {
        assert!(err.message.contains(goal), "the refusal names {goal}: {}", err.message);
    }
    let err = store.write(&ctx(), |w| w.rename_perspective(invanare, "Ekonomi", "")).unwrap_err();
    assert_eq!(err.code, ErrorCode::Conflict);
    store.write(&ctx(), |w| w.rename_perspective(invanare, "Invånare och brukare", "Den vi är till för")).unwrap();

    let ny = store.write(&ctx(), |w| w.create_perspective(2026, "Innovation", "")).unwrap();
    store.write(&ctx(), |w| w.move_perspective(ny, true)).unwrap();
    let names: Vec<String> = perspective_ids(&store, 2026, &path).into_iter().map(|p| p.1).collect();
    assert_eq!(names, ["Invånare och brukare", "Ekonomi", "Medarbetare", "Innovation", "Hållbar utveckling"]);
    let mut reversed: Vec<i64> = perspective_ids(&store, 2026, &path).into_iter().map(|p| p.0).collect();
    reversed.reverse();
    store.write(&ctx(), |w| w.set_perspective_order(2026, &reversed)).unwrap();
    assert_eq!(perspective_ids(&store, 2026, &path)[0].1, "Hållbar utveckling");
    let err = store.write(&ctx(), |w| w.set_perspective_order(2026, &reversed[1..])).unwrap_err();
    assert_eq!(err.code, ErrorCode::Validation);

    store.write(&ctx(), |w| w.remove_perspective(ny)).unwrap();
    assert_eq!(perspective_ids(&store, 2026, &path).len(), 4);
}

#[test]
fn goals_are_edited_linked_and_deleted_and_loose_threads_are_listed() {
    let (dir, mut store) = minimal();
    let path = dir.path().join("s.db");
    let h2 = goal_id(&store, "Frisk arbetsplats", 2026);
    let sn1 = goal_id(&store, "Trygg äldreomsorg", 2026);
    let h1 = goal_id(&store, "Färre personal per brukare", 2026);
    let kf1 = goal_id(&store, "Nöjda invånare", 2026);
    let loose: Vec<String> = planning::goals::loose_goals(&store, 2026).unwrap().into_iter().map(|g| g.title).collect();
    assert_eq!(loose, ["Frisk arbetsplats"]);

    let downwards = GoalForm { parent_ids: vec![h2], ..goal_form(&store, sn1, 2026) };
    let err = store.write(&ctx(), |w| w.save_goal(&downwards)).unwrap_err();
    assert_eq!((err.code, err.field.as_deref()), (ErrorCode::Conflict, Some("parent_ids")), "a goal links only upwards");
    let h2_form = goal_form(&store, h2, 2026);
    store.write(&ctx(), |w| w.save_goal(&GoalForm { parent_ids: vec![sn1], ..h2_form.clone() })).unwrap();
    assert!(planning::goals::loose_goals(&store, 2026).unwrap().is_empty());
    store.write(&ctx(), |w| w.save_goal(&h2_form)).unwrap();
    assert_eq!(planning::goals::loose_goals(&store, 2026).unwrap().len(), 1);

    let persp = perspective_ids(&store, 2026, &path);
    let edit = GoalForm {
        code: "H2".into(),
        title: "Frisk och trygg arbetsplats".into(),
        description: "Lägre sjukfrånvaro.".into(),
        perspective_id: persp[2].0,
        ..h2_form
    };
    store.write(&ctx(), |w| w.save_goal(&edit)).unwrap();
    assert_eq!(goal_id(&store, "H2 Frisk och trygg", 2026), h2);
    let bad = GoalForm { title: " ".into(), ..edit.clone() };
    assert_eq!(store.write(&ctx(), |w| w.save_goal(&bad)).unwrap_err().code, ErrorCode::Validation);

    let son = unit(&store, "Socialnämnden");
    let new_goal = GoalForm {
        id: None,
        plan_year: 2026,
        owner_unit_id: son,
        perspective_id: persp[1].0,
        code: "SN2".into(),
        title: "Budget i balans".into(),
        description: String::new(),
        parent_ids: Vec::new(),
    };
    let sn2 = store.write(&ctx(), |w| w.save_goal(&new_goal)).unwrap();
    assert_eq!(goal_id(&store, "SN2 Budget", 2026), sn2);
    assert_eq!(planning::goals::loose_goals(&store, 2026).unwrap().len(), 2);
    store.write(&ctx(), |w| w.save_goal(&GoalForm { id: Some(sn2), parent_ids: vec![kf1], ..new_goal.clone() })).unwrap();

    // Deleting a goal: the preview says what goes with it; undo brings it all back.
    let preview = planning::goals::delete_goal_preview(&store, sn1).unwrap();
    assert_eq!(preview.parents, ["KF1 Nöjda invånare"]);
    assert_eq!(preview.children, ["H1 Färre personal per brukare"]);
    let kf1_preview = planning::goals::delete_goal_preview(&store, kf1).unwrap();
    assert_eq!((kf1_preview.assessments, kf1_preview.children.len()), (1, 2), "{kf1_preview:?}");
    let before = dump(&path);
    store.write(&ctx(), |w| w.delete_goal(sn1)).unwrap();
    let conn = rusqlite::Connection::open(&path).unwrap();
    let links: i64 =
        conn.query_row("SELECT COUNT(*) FROM goal_link WHERE child_goal_id=?1 OR parent_goal_id=?1", [sn1], |r| r.get(0)).unwrap();
    assert_eq!(links, 0);
    assert!(planning::goals::loose_goals(&store, 2026).unwrap().iter().any(|g| g.id == h1));
    store.write(&ctx(), |w| w.undo_last()).unwrap();
    assert_eq!(dump(&path), before, "the goal is back with its id and links");
}

#[test]
fn indicators_are_edited_with_targets_on_the_right_side_and_deactivated_keeping_values() {
    let (dir, mut store) = minimal();
    let path = dir.path().join("s.db");
    let nojd = indicator_id(&store, "Nöjdhet hemtjänst");
    let personal = indicator_id(&store, "Antal personal per brukare");
    // Higher is better: the yellow limit lies below the target; lower is better: above.
    let nojd_form = indicator_form(&store, nojd, 2026);
    let err = store.write(&ctx(), |w| w.save_indicator(&with_target(nojd_form.clone(), 2026, 90.0, Some(95.0)))).unwrap_err();
    assert_eq!((err.code, err.field.as_deref()), (ErrorCode::Validation, Some("targets")));
    assert!(err.message.contains("under") && err.message.contains("högre"), "{}", err.message);
    store.write(&ctx(), |w| w.save_indicator(&with_target(nojd_form.clone(), 2026, 92.0, Some(85.0)))).unwrap();
    let personal_form = indicator_form(&store, personal, 2026);
    let err = store.write(&ctx(), |w| w.save_indicator(&with_target(personal_form.clone(), 2026, 12.0, Some(10.0)))).unwrap_err();
    assert!(err.message.contains("över") && err.message.contains("lägre"), "{}", err.message);
    store.write(&ctx(), |w| w.save_indicator(&with_target(personal_form, 2026, 12.0, Some(14.0)))).unwrap();
    assert!(store.indicator_targets(nojd).unwrap().contains(&(2026, 92.0)));

    let edit = IndicatorForm {
        name: "Nöjdhet med hemtjänsten".into(),
        unit: "procent".into(),
        direction: Direction::Higher,
        decimals: 1,
        kolada_kpi_id: Some(" u21468 ".into()),
        tolerance_kind: ToleranceKind::Absolute,
        tolerance: 3.0,
        ..indicator_form(&store, nojd, 2026)
    };
    store.write(&ctx(), |w| w.save_indicator(&edit)).unwrap();
    assert_eq!(indicator_id(&store, "Nöjdhet med hemtjänsten"), nojd);
    let conn = rusqlite::Connection::open(&path).unwrap();
    let (kpi, kind, tol): (String, String, f64) = conn
        .query_row("SELECT kolada_kpi_id, tolerance_kind, tolerance FROM indicator WHERE id=?1", [nojd], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .unwrap();
    assert_eq!((kpi.as_str(), kind.as_str(), tol), ("U21468", "absolute", 3.0));
    for bad in [
        IndicatorForm { decimals: 7, ..edit.clone() },
        IndicatorForm { tolerance: -1.0, ..edit.clone() },
        IndicatorForm { kolada_kpi_id: Some("N-0090".into()), ..edit.clone() },
        IndicatorForm { name: "".into(), ..edit.clone() },
    ] {
        let before = dump(&path);
        assert_eq!(store.write(&ctx(), |w| w.save_indicator(&bad)).unwrap_err().code, ErrorCode::Validation);
        assert_eq!(dump(&path), before);
    }

    let h2 = goal_id(&store, "Frisk arbetsplats", 2026);
    let linked = IndicatorForm { goal_ids: [edit.goal_ids.clone(), vec![h2]].concat(), ..edit.clone() };
    store.write(&ctx(), |w| w.save_indicator(&linked)).unwrap();
    assert!(indicator_form(&store, nojd, 2026).goal_ids.contains(&h2));
    store.write(&ctx(), |w| w.save_indicator(&edit)).unwrap();
    assert!(!indicator_form(&store, nojd, 2026).goal_ids.contains(&h2));
    let err = store.write(&ctx(), |w| w.save_indicator(&IndicatorForm { goal_ids: vec![9999], ..edit.clone() })).unwrap_err();
    assert_eq!(err.field.as_deref(), Some("goal_ids"), "an unknown goal is refused: {}", err.message);

    let values = store.indicator_values(nojd).unwrap().len();
    assert!(values > 0);
    store.write(&ctx(), |w| w.set_indicator_active(nojd, false)).unwrap();
    assert_eq!(store.indicator_values(nojd).unwrap().len(), values, "deactivating keeps the values");
    assert!(!store.indicator_targets(nojd).unwrap().is_empty());
}

#[test]
fn activities_are_edited_and_relinked() {
    let (dir, mut store) = minimal();
    let path = dir.path().join("s.db");
    let id = planning::search(&store, "nyckelfri", 5).unwrap()[0].id;
    let h2 = goal_id(&store, "Frisk arbetsplats", 2026);
    let edit = ActivityForm {
        title: "Införa nyckelfri hemtjänst i hela kommunen".into(),
        description: "Digitala lås.".into(),
        responsible: "Örjan Åberg".into(),
        start_date: Some("2026-02-01".into()),
        end_date: Some("2026-12-31".into()),
        status: ActivityStatus::Started,
        goal_ids: vec![h2],
        ..activity_form(&store, id, 2026)
    };
    store.write(&ctx(), |w| w.save_activity(&edit)).unwrap();
    let conn = rusqlite::Connection::open(&path).unwrap();
    let (status, responsible, goals): (String, String, i64) = conn
        .query_row(
            "SELECT status, responsible, (SELECT group_concat(goal_id) FROM activity_goal WHERE activity_id=a.id) FROM activity a WHERE id=?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get::<_, String>(2)?.parse().unwrap())),
        )
        .unwrap();
    assert_eq!((status.as_str(), responsible.as_str(), goals), ("paborjad", "Örjan Åberg", h2));

    let before = dump(&path);
    let backwards = ActivityForm { start_date: Some("2026-12-31".into()), end_date: Some("2026-01-01".into()), ..edit.clone() };
    assert_eq!(store.write(&ctx(), |w| w.save_activity(&backwards)).unwrap_err().code, ErrorCode::Validation);
    let not_a_date = ActivityForm { end_date: Some("31/12".into()), ..edit.clone() };
    let err = store.write(&ctx(), |w| w.save_activity(&not_a_date)).unwrap_err();
    assert!(err.message.contains("ÅÅÅÅ-MM-DD"), "{}", err.message);
    let unknown_goal = ActivityForm { goal_ids: vec![h2, 9999], ..edit.clone() };
    assert_eq!(store.write(&ctx(), |w| w.save_activity(&unknown_goal)).unwrap_err().field.as_deref(), Some("goal_ids"));
    assert_eq!(dump(&path), before, "refused edits change nothing");
}

#[test]
fn the_scale_grows_and_shrinks_only_when_no_assessment_loses_its_step() {
    let (_dir, mut store) = minimal();
    store.write(&ctx(), |w| w.set_scale_steps(2026, 5)).unwrap();
    assert_eq!(store.scale(2026).unwrap().len(), 5);
    let kf1 = goal_id(&store, "Nöjda invånare", 2026);
    let kommun = unit(&store, "Testköpings kommun");
    let delar = store.resolve_period(2026, "delår").unwrap().id;
    store
        .write(&ctx(), |w| {
            styrkort::store::assessments::set(w, kf1, kommun, delar, Some(5), "Inte alls.", styrkort::model::AssessmentState::Draft)
        })
        .unwrap();
    let err = store.write(&ctx(), |w| w.set_scale_steps(2026, 4)).unwrap_err();
    assert_eq!(err.code, ErrorCode::Conflict);
    assert!(err.message.starts_with("1 bedömningar"), "{}", err.message);
    assert_eq!(store.scale(2026).unwrap().len(), 5);
    store.write(&ctx(), |w| w.set_scale_step(2026, 5, "Inte alls uppfyllt", "#AA0000")).unwrap();
    let last = store.scale(2026).unwrap().pop().unwrap();
    assert_eq!((last.label.as_str(), last.colour.as_str()), ("Inte alls uppfyllt", "#aa0000"));
    for colour in ["red", "#12345", "#12345g", "123456#"] {
        let err = store.write(&ctx(), |w| w.set_scale_step(2026, 1, "Bra", colour)).unwrap_err();
        assert_eq!(err.code, ErrorCode::Validation, "{colour}");
    }
    assert_eq!(store.write(&ctx(), |w| w.set_scale_step(2026, 6, "Bra", "#000000")).unwrap_err().code, ErrorCode::Validation);
    assert_eq!(store.write(&ctx(), |w| w.set_scale_steps(2026, 6)).unwrap_err().code, ErrorCode::Validation);
}

#[test]
fn twenty_changes_are_undone_in_reverse_order_back_to_the_exact_start() {
    let (dir, mut store) = minimal();
    let path = dir.path().join("s.db");
    let start_counts = counts_without_audit(&store);
    let start = dump(&path);
    let kommun = unit(&store, "Testköpings kommun");
    let son = unit(&store, "Socialnämnden");
    let hemtj = unit(&store, "Hemtjänsten Öster");
    let h1 = goal_id(&store, "Färre personal per brukare", 2026);
    let h2 = goal_id(&store, "Frisk arbetsplats", 2026);
    let sn1 = goal_id(&store, "Trygg äldreomsorg", 2026);
    let nojd = indicator_id(&store, "Nöjdhet hemtjänst");
    let activity = planning::search(&store, "nyckelfri", 5).unwrap()[0].id;
    let persp: Vec<i64> = perspective_ids(&store, 2026, &path).into_iter().map(|p| p.0).collect();
    let (p0, p1, p3) = (persp[0], persp[1], persp[3]);
    let h2_edited = GoalForm {
        code: "X".into(),
        title: "Ny rubrik".into(),
        description: "d".into(),
        perspective_id: p0,
        ..goal_form(&store, h2, 2026)
    };
    let h2_linked = GoalForm { parent_ids: vec![sn1], ..h2_edited.clone() };
    let h1_unlinked = GoalForm { parent_ids: Vec::new(), ..goal_form(&store, h1, 2026) };
    let nojd_2026 = with_target(indicator_form(&store, nojd, 2026), 2026, 95.0, Some(80.0));
    let nojd_2028 = with_target(nojd_2026.clone(), 2028, 97.0, None);
    let nojd_unlinked = IndicatorForm { goal_ids: nojd_2028.goal_ids.iter().copied().filter(|g| *g != h1).collect(), ..nojd_2028.clone() };
    assert_ne!(nojd_unlinked.goal_ids, nojd_2028.goal_ids, "Nöjdhet hemtjänst measures H1");
    let relinked = ActivityForm { goal_ids: vec![h2, sn1], ..activity_form(&store, activity, 2026) };
    let done = ActivityForm {
        title: "T".into(),
        description: String::new(),
        responsible: "R".into(),
        start_date: None,
        end_date: None,
        status: ActivityStatus::Done,
        goal_ids: vec![h2],
        ..relinked.clone()
    };

    type Change = Box<dyn Fn(&mut styrkort::store::Writer<'_>) -> styrkort::Result<()>>;
    let changes: Vec<Change> = vec![
        Box::new(move |w| w.rename_unit(hemtj, "Hemtjänst Öst")),
        Box::new(move |w| w.move_unit(hemtj, kommun)),
        Box::new(move |w| w.set_unit_active(son, false)),
        Box::new(|w| w.set_vision(2026, "Ny vision")),
        Box::new(|w| w.create_perspective(2026, "Innovation", "").map(|_| ())),
        Box::new(move |w| w.rename_perspective(p1, "Ekonomi i balans", "")),
        Box::new(move |w| w.move_perspective(p3, true)),
        Box::new(move |w| w.save_goal(&h2_edited).map(drop)),
        Box::new(move |w| w.save_goal(&h2_linked).map(drop)),
        Box::new(move |w| w.save_goal(&h1_unlinked).map(drop)),
        Box::new(move |w| w.save_indicator(&nojd_2026).map(drop)),
        Box::new(move |w| w.save_indicator(&nojd_2028).map(drop)),
        Box::new(move |w| w.set_indicator_active(nojd, false)),
        Box::new(move |w| w.save_indicator(&nojd_unlinked).map(drop)),
        Box::new(move |w| w.save_activity(&relinked).map(drop)),
        Box::new(|w| w.set_scale_steps(2026, 4)),
        Box::new(|w| w.set_scale_step(2026, 1, "Mycket bra", "#00ff00")),
        Box::new(|w| w.copy_plan_year(2026, 2027).map(|_| ())),
        Box::new(move |w| w.delete_goal(sn1)),
        Box::new(move |w| w.save_activity(&done).map(drop)),
    ];
    let mut states = vec![start.clone()];
    for change in &changes {
        store.write(&ctx(), |w| change(w)).unwrap();
        let now = dump(&path);
        assert_ne!(&now, states.last().unwrap(), "each change changes something");
        states.push(now);
    }
    assert_eq!(planning::undoable_changes(store.read(), 50).unwrap().len(), 20);
    let audit_before = store.audit_count().unwrap();
    for expected in states.iter().rev().skip(1) {
        store.write(&ctx(), |w| w.undo_last()).unwrap();
        assert_eq!(&dump(&path), expected, "undo goes back exactly one change");
    }
    assert_eq!(counts_without_audit(&store), start_counts);
    assert_eq!(dump(&path), start);
    assert_eq!(store.audit_count().unwrap(), audit_before + 20, "each undo is audited");
    let err = store.write(&ctx(), |w| w.undo_last()).unwrap_err();
    assert_eq!(err.code, ErrorCode::NotFound);
}

#[test]
fn undo_is_refused_when_the_rows_were_changed_since() {
    let (dir, mut store) = minimal();
    let path = dir.path().join("s.db");
    let nojd = indicator_id(&store, "Nöjdhet hemtjänst");
    let form = with_target(indicator_form(&store, nojd, 2026), 2026, 95.0, None);
    store.write(&ctx(), |w| w.save_indicator(&form)).unwrap();
    // The same target changed outside planning afterwards.
    store.write(&ctx(), |w| styrkort::store::indicators::set_target(w, nojd, 2026, 70.0, None)).unwrap();
    let before = dump(&path);
    let err = store.write(&ctx(), |w| w.undo_last()).unwrap_err();
    assert_eq!(err.code, ErrorCode::Conflict);
    assert!(err.message.contains("Nöjdhet hemtjänst"), "{}", err.message);
    assert_eq!(dump(&path), before);
}

#[test]
fn search_finds_swedish_text_case_insensitively_prefix_first() {
    let (_dir, mut store) = minimal();
    let hits = planning::search(&store, "ÖSTER", 10).unwrap();
    assert_eq!(hits[0].text, "Hemtjänsten Öster");
    assert_eq!(hits[0].kind, SearchKind::Unit);
    // å/ä/ö are their own letters: "a" does not find "å".
    assert!(planning::search(&store, "aldreomsorg", 10).unwrap().is_empty());
    let hits = planning::search(&store, "äldreomsorg", 10).unwrap();
    assert_eq!(hits.iter().map(|h| h.text.as_str()).collect::<Vec<_>>(), ["SN1 Trygg äldreomsorg"]);
    // Goal codes are searchable.
    assert_eq!(planning::search(&store, "kf2", 10).unwrap()[0].text, "KF2 God ekonomisk hushållning");
    // Prefix before word-prefix before substring.
    let ekonomi = store.write(&ctx(), |w| w.create_perspective(2026, "Ekonomi och miljö", "")).unwrap();
    let _ = ekonomi;
    let son = unit(&store, "Socialnämnden");
    store.write(&ctx(), |w| w.rename_unit(son, "Ekonominämnden")).unwrap();
    let hits = planning::search(&store, "ekonom", 10).unwrap();
    let texts: Vec<&str> = hits.iter().map(|h| h.text.as_str()).collect();
    assert_eq!(texts, ["Ekonominämnden", "KF2 God ekonomisk hushållning"]);
    assert_eq!(hits.iter().map(|h| h.rank).collect::<Vec<_>>(), [1, 2]);
    let inside = planning::search(&store, "tjänst", 10).unwrap();
    assert!(inside.iter().all(|h| h.rank == 3), "{inside:?}");
    assert_eq!(planning::search(&store, "e", 2).unwrap().len(), 2, "the limit holds");
    assert!(planning::search(&store, "   ", 10).unwrap().is_empty());
}

#[test]
fn undoing_a_copy_is_refused_once_follow_up_is_entered_in_the_new_year() {
    let (dir, mut store) = minimal();
    let path = dir.path().join("s.db");
    store.write(&ctx(), |w| w.copy_plan_year(2026, 2027)).unwrap();
    let kf1 = goal_id(&store, "Nöjda invånare", 2027);
    let kommun = unit(&store, "Testköpings kommun");
    let t1 = store.resolve_period(2027, "T1").unwrap().id;
    store
        .write(&ctx(), |w| {
            styrkort::store::assessments::set(w, kf1, kommun, t1, Some(1), "Bra start.", styrkort::model::AssessmentState::Draft)
        })
        .unwrap();
    let before = dump(&path);
    let err = store.write(&ctx(), |w| w.undo_last()).unwrap_err();
    assert_eq!(err.code, ErrorCode::Conflict);
    assert!(err.message.contains("Kopiera planår 2026 till 2027") && err.message.contains("1 värden"), "{}", err.message);
    assert_eq!(dump(&path), before, "nothing entered in the new year is lost");
}

fn cli(db: &Path, args: &[&str]) -> (bool, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_styrkort"))
        .arg("--db")
        .arg(db)
        .args(["--user", "cli-test"])
        .args(args)
        .env_remove("STYRKORT_DB")
        .output()
        .unwrap();
    (out.status.success(), String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn cli_previews_then_copies_a_plan_year_and_searches() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    assert!(cli(&db, &["init", "--demo"]).0);
    let (ok, out, err) = cli(&db, &["plan", "copy", "--from", "2026", "--to", "2027"]);
    assert!(ok, "{err}");
    assert!(out.contains("Inget har ändrats") && out.contains("KF-mål"), "{out}");
    assert!(!cli(&db, &["periods", "--year", "2027"]).0, "the preview creates no plan year");
    let (ok, out, err) = cli(&db, &["plan", "copy", "--from", "2026", "--to", "2027", "--yes"]);
    assert!(ok, "{err}");
    assert!(out.contains("Kopierat"), "{out}");
    let (ok, periods, _) = cli(&db, &["periods", "--year", "2027"]);
    assert!(ok && periods.contains("2027"), "{periods}");
    let (ok, _, err) = cli(&db, &["plan", "copy", "--from", "2026", "--to", "2027", "--yes"]);
    assert!(!ok && err.contains("redan") && err.contains("mål"), "{err}");

    let (ok, out, _) = cli(&db, &["search", "SJÖBACKA"]);
    assert!(ok && out.lines().next().unwrap_or_default().starts_with("enhet"), "{out}");
    let (ok, out, _) = cli(&db, &["search", "xyzzy-finns-inte"]);
    assert!(ok && out.contains("Inget hittades"), "{out}");
}
