//! Agenda 2030: goals and indicators tagged with the 17 global goals through the goal and
//! indicator forms (the same undo step), the targets' rule, the view per global goal, the
//! Kolada suggestion, the copy to the next year and the delårsrapport's section.

use std::process::Command;

use styrkort::agenda2030::{self, check_tags, target_exists, GlobalGoalInput};
use styrkort::planning::forms::{self, GoalForm, IndicatorForm};
use styrkort::{seed, ChangeContext, ErrorCode, Store};

fn ctx() -> ChangeContext {
    ChangeContext::new("Göran Hållbarhetsstrateg", "2026-09-20T10:00:00")
}

fn bare() -> Store {
    let mut store = Store::open_in_memory().unwrap();
    seed::load(&mut store, &ctx(), seed::DEMO_SEED_NAME, seed::DEMO_SEED).unwrap();
    store
}

fn tag(goal: u8, targets: &str) -> GlobalGoalInput {
    GlobalGoalInput { global_goal: goal, targets: targets.into() }
}

fn kf_goal_form(store: &Store, code: &str) -> GoalForm {
    let kommun = store.resolve_unit("Sjöbacka kommun").unwrap().id;
    let plan = forms::unit_plan(store, kommun, 2026).unwrap();
    let g = plan.goals.iter().find(|g| g.code == code).unwrap();
    GoalForm {
        id: Some(g.id),
        plan_year: 2026,
        owner_unit_id: kommun,
        perspective_id: g.perspective_id,
        code: g.code.clone(),
        title: g.title.clone(),
        description: g.description.clone(),
        parent_ids: g.parent_ids.clone(),
    }
}

#[test]
fn targets_belong_to_their_goal_and_exist() {
    let cases = [
        (3, "3.4", true),
        (3, "3.9", true),
        (3, "3.10", false),
        (3, "3.d", true),
        (3, "3.e", false),
        (3, "4.1", false),
        (8, "8.10", true),
        (17, "17.19", true),
        (17, "17.a", false),
        (13, "13.a", true),
        (1, "1.0", false),
        (1, "1.01", false),
        (1, "1", false),
        (1, "1.A", false),
        (18, "18.1", false),
        (0, "0.1", false),
    ];
    for (goal, target, ok) in cases {
        assert_eq!(target_exists(goal, target), ok, "{goal} {target}");
    }
    // 169 targets in all, as the UN adopted them.
    let count: usize = (1..=17u8)
        .map(|g| {
            (1..=20).filter(|n| target_exists(g, &format!("{g}.{n}"))).count()
                + ('a'..='z').filter(|c| target_exists(g, &format!("{g}.{c}"))).count()
        })
        .sum();
    assert_eq!(count, 169);
}

#[test]
fn tags_are_checked_normalised_and_refused_with_the_field_named() {
    assert_eq!(check_tags(&[tag(8, " 8.5 ;8.8, 8.5"), tag(3, "3.A")]).unwrap(), vec![(3, "3.a".to_string()), (8, "8.5, 8.8".to_string())]);
    assert_eq!(check_tags(&[tag(13, "")]).unwrap(), vec![(13, String::new())]);
    for bad in [
        vec![tag(0, "")],
        vec![tag(18, "")],
        vec![tag(3, "4.1")],
        vec![tag(3, "3.x")],
        vec![tag(3, "tre")],
        vec![tag(4, ""), tag(4, "4.1")],
    ] {
        let e = check_tags(&bad).unwrap_err();
        assert_eq!((e.code, e.field.as_deref()), (ErrorCode::Validation, Some("global_goals")), "{bad:?}");
    }
    let e = check_tags(&[tag(3, "4.1")]).unwrap_err();
    assert!(e.message.contains("\"4.1\" hör inte till mål 3 (God hälsa och välbefinnande)"), "{}", e.message);
    assert!(e.message_en.contains("goal 3 (Good health and well-being)"), "{}", e.message_en);
}

#[test]
fn the_goal_form_saves_tags_in_the_same_undo_step_and_none_keeps_them() {
    let mut store = bare();
    let form = kf_goal_form(&store, "KF7");
    let id = form.id.unwrap();
    store.write(&ctx(), |w| w.save_goal_tagged(&form, Some(&[tag(13, "13.2"), tag(7, "")]))).unwrap();
    let tags = agenda2030::tags_of_goal(&store, id).unwrap();
    assert_eq!(tags, vec![tag(7, ""), tag(13, "13.2")]);

    // A new title and other tags: one undo step takes both back.
    let renamed = GoalForm { title: "Klimatpåverkan ska halveras".into(), ..form.clone() };
    store.write(&ctx(), |w| w.save_goal_tagged(&renamed, Some(&[tag(13, "13.1, 13.2")]))).unwrap();
    store.write(&ctx(), |w| w.undo_last()).unwrap();
    assert_eq!(agenda2030::tags_of_goal(&store, id).unwrap(), vec![tag(7, ""), tag(13, "13.2")]);
    assert_ne!(forms::unit_plan(&store, form.owner_unit_id, 2026).unwrap().goals.iter().find(|g| g.id == id).unwrap().title, renamed.title);

    // None keeps the tags; an invalid tag saves nothing of the form.
    store.write(&ctx(), |w| w.save_goal_tagged(&renamed, None)).unwrap();
    assert_eq!(agenda2030::tags_of_goal(&store, id).unwrap().len(), 2);
    let audit = store.audit_count().unwrap();
    let e = store
        .write(&ctx(), |w| w.save_goal_tagged(&GoalForm { title: "Annat".into(), ..form.clone() }, Some(&[tag(13, "12.1")])))
        .unwrap_err();
    assert_eq!(e.field.as_deref(), Some("global_goals"));
    assert_eq!(store.audit_count().unwrap(), audit);
}

#[test]
fn an_indicator_is_tagged_and_another_with_the_same_kolada_id_gets_the_suggestion() {
    let mut store = bare();
    let hr = store.resolve_unit("HR-enheten").unwrap().id;
    let plan = forms::unit_plan(&store, hr, 2026).unwrap();
    let sjuk = plan.indicators.iter().find(|i| i.kolada_kpi_id.as_deref() == Some("N00090")).unwrap();
    // Nothing tagged yet: nothing suggested (no link is invented).
    assert!(agenda2030::suggest_for_kpi(&store, "N00090", None).unwrap().is_empty());
    let form = IndicatorForm {
        id: Some(sjuk.id),
        owner_unit_id: hr,
        plan_year: 2026,
        name: sjuk.name.clone(),
        description: sjuk.description.clone(),
        unit: sjuk.unit.clone(),
        direction: sjuk.direction,
        decimals: sjuk.decimals,
        kolada_kpi_id: sjuk.kolada_kpi_id.clone(),
        tolerance_kind: sjuk.tolerance_kind,
        tolerance: sjuk.tolerance,
        targets: sjuk.targets.clone(),
        goal_ids: sjuk.goal_ids.clone(),
        responsible: sjuk.responsible.clone(),
    };
    store.write(&ctx(), |w| w.save_indicator_tagged(&form, Some(&[tag(8, "8.8"), tag(3, "")]))).unwrap();
    assert_eq!(agenda2030::tags_of_indicator(&store, sjuk.id).unwrap(), vec![tag(3, ""), tag(8, "8.8")]);
    // Another indicator with N00090 (typed in lower case) is offered 3 and 8; the tagged one itself is not.
    assert_eq!(agenda2030::suggest_for_kpi(&store, " n00090 ", None).unwrap(), vec![3, 8]);
    assert!(agenda2030::suggest_for_kpi(&store, "N00090", Some(sjuk.id)).unwrap().is_empty());
    store.write(&ctx(), |w| w.undo_last()).unwrap();
    assert!(agenda2030::tags_of_indicator(&store, sjuk.id).unwrap().is_empty());
}

#[test]
fn the_view_lists_per_global_goal_the_goals_with_status_and_the_indicators() {
    let mut store = Store::open_in_memory().unwrap();
    seed::load_demo(&mut store, &ctx()).unwrap();
    let delar = store.resolve_period(2026, "delår").unwrap().id;
    let v = agenda2030::view(&store, 2026, Some(delar)).unwrap();
    let numbers: Vec<u8> = v.sections.iter().map(|s| s.number).collect();
    for n in [3, 4, 8, 13] {
        assert!(numbers.contains(&n), "{numbers:?}");
    }
    assert!(numbers.windows(2).all(|w| w[0] < w[1]));
    assert_eq!(v.sections.len() + v.untagged.len(), 17);
    let four = v.sections.iter().find(|s| s.number == 4).unwrap();
    assert_eq!(four.name, "God utbildning för alla");
    // KF-mål first, each with the status the scorecard gives it.
    assert_eq!(four.goals[0].code, "KF1");
    assert_eq!(four.goals[0].targets, "4.1, 4.2");
    let statuses = styrkort::scorecard::goal_statuses(&store, 2026, &store.period(delar).unwrap()).unwrap();
    for g in &four.goals {
        assert_eq!(g.status.as_ref(), statuses.get(&g.id), "{}", g.code);
    }
    assert!(four.indicators.iter().any(|i| i.kolada_kpi_id.as_deref() == Some("N15436")));
    let text = agenda2030::text_sv(&store, 2026, Some(delar)).unwrap();
    assert!(text.contains("13 Bekämpa klimatförändringarna"), "{text}");
    assert!(text.contains("KF7 Kommunens klimatpåverkan ska minska"), "{text}");
}

#[test]
fn copying_the_plan_year_carries_the_goals_tags() {
    let mut store = Store::open_in_memory().unwrap();
    seed::load_demo(&mut store, &ctx()).unwrap();
    store.write(&ctx(), |w| w.copy_plan_year(2026, 2027)).unwrap();
    let before = agenda2030::view(&store, 2026, None).unwrap();
    let after = agenda2030::view(&store, 2027, None).unwrap();
    let codes = |v: &agenda2030::Agenda2030View| {
        v.sections
            .iter()
            .map(|s| (s.number, s.goals.iter().map(|g| (g.code.clone(), g.targets.clone())).collect::<Vec<_>>()))
            .collect::<Vec<_>>()
    };
    assert_eq!(codes(&after), codes(&before));
    // The copies are new goals of 2027.
    let ids_2027: Vec<i64> = after.sections.iter().flat_map(|s| s.goals.iter().map(|g| g.id)).collect();
    let ids_2026: Vec<i64> = before.sections.iter().flat_map(|s| s.goals.iter().map(|g| g.id)).collect();
    assert!(ids_2027.iter().all(|id| !ids_2026.contains(id)));
}

#[test]
fn the_delarsrapport_has_an_agenda_2030_section_with_the_assessment_words() {
    let mut store = Store::open_in_memory().unwrap();
    seed::load_demo(&mut store, &ctx()).unwrap();
    let kommun = store.resolve_unit("Sjöbacka kommun").unwrap().id;
    let delar = store.resolve_period(2026, "delår").unwrap().id;
    let today = chrono::NaiveDate::from_ymd_opt(2026, 9, 20).unwrap();
    let (bytes, _) = styrkort::report::render(&store, styrkort::report::ReportKind::Delarsrapport, kommun, 2026, delar, today).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("dr.pdf");
    std::fs::write(&path, bytes).unwrap();
    let out = Command::new("pdftotext").args([path.to_str().unwrap(), "-"]).output().expect("pdftotext (poppler-utils)");
    let text = String::from_utf8(out.stdout).unwrap();
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let at = flat.find("Agenda 2030 Kommunfullmäktiges mål och nämndernas mål ordnade efter de globala målen").expect("the section");
    let section = &flat[at..];
    for piece in [
        "13 Bekämpa klimatförändringarna",
        "KF7 Kommunens klimatpåverkan ska minska (KF-mål)",
        "BUN1 Fler elever ska nå kunskapskraven (Nämndmål)",
        "Bedöms delvis uppfyllas",
        "4.1, 4.2",
    ] {
        assert!(section.contains(piece), "{piece}: {}", &section[..section.len().min(3000)]);
    }
    // It is in the contents.
    assert!(flat[..at].contains("Agenda 2030"));
    // A report with nothing tagged has no such section.
    let bare = bare();
    let kommun = bare.resolve_unit("Sjöbacka kommun").unwrap().id;
    let delar = bare.resolve_period(2026, "delår").unwrap().id;
    let (bytes, _) = styrkort::report::render(&bare, styrkort::report::ReportKind::Delarsrapport, kommun, 2026, delar, today).unwrap();
    std::fs::write(&path, bytes).unwrap();
    let out = Command::new("pdftotext").args([path.to_str().unwrap(), "-"]).output().unwrap();
    assert!(!String::from_utf8(out.stdout).unwrap().contains("Agenda 2030"));
}

#[test]
fn the_workbook_lists_the_tagged_goals_per_global_goal_with_their_status_in_words() {
    use calamine::{Data, Reader, Xlsx};
    let mut store = bare();
    let delar = store.resolve_period(2026, "delår").unwrap().id;
    let today = chrono::NaiveDate::from_ymd_opt(2026, 9, 20).unwrap();
    // Nothing tagged: no sheet.
    let bytes = styrkort::report::workbook(&store, None, 2026, Some(delar), today).unwrap();
    let book: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    assert!(!book.sheet_names().contains(&"Agenda 2030".to_string()));

    let form = kf_goal_form(&store, "KF7");
    store.write(&ctx(), |w| w.save_goal_tagged(&form, Some(&[tag(13, "13.2")]))).unwrap();
    let bytes = styrkort::report::workbook(&store, None, 2026, Some(delar), today).unwrap();
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let range = book.worksheet_range("Agenda 2030").expect("the sheet");
    let rows: Vec<Vec<String>> = range.rows().map(|r| r.iter().map(Data::to_string).collect()).collect();
    assert_eq!(rows[0], ["Globalt mål", "Delmål", "Slag", "Kod", "Mål eller nyckeltal", "Ägare", "Status"]);
    let row = rows.iter().find(|r| r[3] == "KF7").expect("KF7's row");
    assert_eq!(row[..3], ["13 Bekämpa klimatförändringarna", "13.2", "KF-mål"]);
    assert_eq!(row[5], "Sjöbacka kommun");
    assert!(["● Uppnått", "▲ Nära", "■ Ej uppnått", "○ Saknas"].contains(&row[6].as_str()), "a symbol and a word: {}", row[6]);
}
