//! Uppdrag (issue 16): the form's rules, age and the oldest unfinished, the status carried
//! from an earlier period, review and the period lock, undo, the copy forward of unfinished
//! uppdrag, and the uppdrag in the delårsrapport (PDF text) and the workbook (calamine).

use std::path::Path;
use std::process::Command;

use calamine::{Data, Reader, Xlsx};
use chrono::NaiveDate;
use styrkort::assignments::{self, AssignmentFollowUpForm, AssignmentForm};
use styrkort::follow_up::review::ReviewAction;
use styrkort::model::{AssessmentState, AssignmentStatus};
use styrkort::{report, seed, ChangeContext, ErrorCode, Store};

fn ctx() -> ChangeContext {
    ChangeContext::new("Karin Lindqvist", "2026-09-20T10:00:00")
}

/// The report's day: a few weeks after the delår period ended.
fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 9, 20).unwrap()
}

fn demo() -> Store {
    let mut store = Store::open_in_memory().unwrap();
    seed::load_demo(&mut store, &ctx()).unwrap();
    store
}

fn id(store: &Store, name: &str) -> i64 {
    store.resolve_unit(name).unwrap().id
}

fn period(store: &Store, key: &str) -> i64 {
    store.resolve_period(2026, key).unwrap().id
}

/// A valid form: KF gives Socialnämnden an uppdrag serving one of its 2026 goals.
fn form(store: &Store) -> AssignmentForm {
    let goal = styrkort::store::goals::of_year(store.read(), 2026)
        .unwrap()
        .into_iter()
        .find(|g| g.title == "Äldre ska få en trygg vård och omsorg av god kvalitet")
        .unwrap();
    AssignmentForm {
        id: None,
        plan_year: 2026,
        code: "KF 2026:9".into(),
        title: "Införa trygghetskameror i hemtjänsten".into(),
        description: "Utred och inför kameratillsyn nattetid för brukare som vill det.".into(),
        issuer_unit_id: id(store, "Sjöbacka kommun"),
        decision_date: Some("2026-03-16".into()),
        decision_paragraph: "27".into(),
        responsible_unit_id: id(store, "Socialnämnden"),
        responsible_person: "Anders Ek, socialchef".into(),
        deadline: Some("2026-12-31".into()),
        goal_ids: vec![goal.id],
    }
}

fn by_title<'a>(rows: &'a [assignments::AssignmentRow], title: &str) -> &'a assignments::AssignmentRow {
    rows.iter().find(|r| r.title.starts_with(title)).unwrap_or_else(|| panic!("{title} in {rows:?}"))
}

#[test]
fn the_demo_has_uppdrag_from_kf_and_a_namnd_followed_up_in_its_periods() {
    let store = demo();
    let rows = assignments::rows(&store, 2026, Some(period(&store, "delår")), None, today()).unwrap();
    assert!((6..=10).contains(&rows.len()), "{}", rows.len());
    let counts = assignments::StatusCounts::of(&rows);
    assert_eq!(counts.summary().sv, "3 av 9 uppdrag är genomförda, 1 avslutat utan att genomföras.");
    let locks = by_title(&rows, "Införa nyckelfria lås");
    assert_eq!((locks.decision_body.as_str(), locks.responsible_unit_name.as_str()), ("Socialnämnden", "Hemtjänsten"));
    let review = by_title(&rows, "Genomföra en översyn av biståndsbedömningen");
    assert!(review.overdue, "deadline 2026-04-30 passed, still in progress");
    assert_eq!((review.decision_body.as_str(), review.decision_paragraph.as_str()), ("Kommunfullmäktige", "§ 68"));
    assert_eq!(review.age_text, "1 år och 3 månader");
    assert_eq!(review.age_days, Some(461));
    assert!(!by_title(&rows, "Ta fram en plan för att stärka läsförmågan").overdue, "done is never overdue");

    // Filtered to a nämnd and below: its own and its enheter's.
    let sn = assignments::rows(&store, 2026, None, Some(id(&store, "Socialnämnden")), today()).unwrap();
    let titles: Vec<&str> = sn.iter().map(|r| r.responsible_unit_name.as_str()).collect();
    assert_eq!(titles, ["Socialnämnden", "Hemtjänsten"]);
}

#[test]
fn the_form_is_validated_field_by_field() {
    let mut store = demo();
    let base = form(&store);
    let hemtjansten = id(&store, "Hemtjänsten");
    let ks = id(&store, "Kommunstyrelsen");
    let bjork = id(&store, "Björkskolan F–6");
    let sn = id(&store, "Socialnämnden");
    type Change = Box<dyn Fn(&mut AssignmentForm)>;
    let cases: Vec<(&str, Change, &str)> = vec![
        ("empty title", Box::new(|f| f.title = "  ".into()), "title"),
        ("title on two lines", Box::new(|f| f.title = "Två\nrader".into()), "title"),
        ("an enhet cannot give uppdrag", Box::new(move |f| f.issuer_unit_id = hemtjansten), "issuer_unit_id"),
        (
            "a nämnd gives uppdrag only below itself",
            Box::new(move |f| (f.issuer_unit_id, f.responsible_unit_id) = (ks, bjork)),
            "responsible_unit_id",
        ),
        ("a unit that does not exist", Box::new(|f| f.responsible_unit_id = 9999), "responsible_unit_id"),
        ("a date that does not exist", Box::new(|f| f.decision_date = Some("2026-02-30".into())), "decision_date"),
        ("deadline before the decision", Box::new(|f| f.deadline = Some("2026-01-31".into())), "deadline"),
        ("a goal of no year", Box::new(|f| f.goal_ids = vec![999_999]), "goal_ids"),
        ("a plan year that does not exist", Box::new(|f| f.plan_year = 2031), "plan_year"),
        ("a person on two lines", Box::new(|f| f.responsible_person = "Anna\nBerg".into()), "responsible_person"),
        ("a description too long", Box::new(|f| f.description = "x".repeat(4001)), "description"),
    ];
    for (name, change, field) in cases {
        let mut f = base.clone();
        change(&mut f);
        let e = store.write(&ctx(), |w| w.save_assignment(&f)).unwrap_err();
        let code = if name == "a unit that does not exist" { ErrorCode::NotFound } else { ErrorCode::Validation };
        assert_eq!((e.code, e.field.as_deref()), (code, Some(field)), "{name}: {}", e.message);
    }
    // A nämnd gives its own enheter uppdrag; a paragraph number gets its §.
    let own = AssignmentForm { issuer_unit_id: sn, responsible_unit_id: hemtjansten, ..base.clone() };
    let saved = store.write(&ctx(), |w| w.save_assignment(&own)).unwrap();
    let a = styrkort::store::assignments::get(store.read(), saved).unwrap();
    assert_eq!((a.decision_body.as_str(), a.decision_paragraph.as_str()), ("Socialnämnden", "§ 27"));
}

#[test]
fn each_save_is_one_undo_step_with_audit_rows() {
    let mut store = demo();
    let before = assignments::rows(&store, 2026, None, None, today()).unwrap().len();
    let audit = styrkort::store::journal::audit_count(store.read()).unwrap();
    let f = form(&store);
    let new = store.write(&ctx(), |w| w.save_assignment(&f)).unwrap();
    let edited = AssignmentForm { id: Some(new), title: "Införa trygghetskameror nattetid".into(), goal_ids: vec![], ..f };
    store.write(&ctx(), |w| w.save_assignment(&edited)).unwrap();
    assert!(styrkort::store::journal::audit_count(store.read()).unwrap() >= audit + 2);
    let a = styrkort::store::assignments::get(store.read(), new).unwrap();
    assert_eq!((a.title.as_str(), a.goal_ids.len()), ("Införa trygghetskameror nattetid", 0));

    let labels: Vec<String> = styrkort::planning::undoable_changes(store.read(), 2).unwrap().into_iter().map(|c| c.label).collect();
    assert_eq!(labels[0], "Ändra uppdraget Införa trygghetskameror nattetid");
    store.write(&ctx(), |w| w.undo_last()).unwrap();
    let a = styrkort::store::assignments::get(store.read(), new).unwrap();
    assert_eq!((a.title.as_str(), a.goal_ids.len()), ("Införa trygghetskameror i hemtjänsten", 1), "the edit and its goal links undone");
    store.write(&ctx(), |w| w.delete_assignment(new)).unwrap();
    assert_eq!(assignments::rows(&store, 2026, None, None, today()).unwrap().len(), before);
    store.write(&ctx(), |w| w.undo_last()).unwrap();
    assert_eq!(styrkort::store::assignments::get(store.read(), new).unwrap().goal_ids.len(), 1, "deleted with its links, back with them");
}

#[test]
fn the_status_in_a_period_is_its_own_or_carried_from_the_latest_earlier_one() {
    let store = demo();
    let (t1, delar, helar) = (period(&store, "T1"), period(&store, "delår"), period(&store, "helår"));
    let at = |p| assignments::rows(&store, 2026, Some(p), None, today()).unwrap();
    // Followed only in delår: nothing in T1.
    assert_eq!(by_title(&at(t1), "Utreda längre öppettider").status, None);
    // Done in T1, not followed since: done in delår and helår, saying where it comes from.
    let bike = by_title(&at(delar), "Ta fram förslag till ny gång-").clone();
    assert_eq!((bike.status, bike.status_from.as_deref()), (Some(AssignmentStatus::Done), Some("Tertial 1 2026")));
    assert!(bike.follow_up.is_none(), "no follow-up of its own in delår");
    let helar_rows = at(helar);
    let heltid = by_title(&helar_rows, "Införa heltid");
    assert_eq!((heltid.status, heltid.status_from.as_deref()), (Some(AssignmentStatus::InProgress), Some("Delår 2026")));
    // Its own follow-up wins over an earlier one.
    let climate = by_title(&at(t1), "Ta fram en klimatplan").status;
    assert_eq!(climate, Some(AssignmentStatus::NotStarted));
    assert_eq!(by_title(&at(delar), "Ta fram en klimatplan").status, Some(AssignmentStatus::InProgress));
}

#[test]
fn oldest_unfinished_lists_the_oldest_decision_first_and_leaves_finished_out() {
    let store = demo();
    let oldest = assignments::oldest_unfinished(&store, 2026, None, None, today()).unwrap();
    let dates: Vec<&str> = oldest.iter().map(|r| r.decision_date.as_deref().unwrap()).collect();
    let mut sorted = dates.clone();
    sorted.sort();
    assert_eq!(dates, sorted);
    assert_eq!(oldest[0].title, "Genomföra en översyn av biståndsbedömningen inom äldreomsorgen");
    assert!(oldest.iter().all(|r| !r.status.is_some_and(AssignmentStatus::finished)));
    assert_eq!(oldest.len(), 5);
    // At T1 the skolfrånvaro plan was still in progress, so it is among the oldest unfinished then.
    let at_t1 = assignments::oldest_unfinished(&store, 2026, Some(period(&store, "T1")), None, today()).unwrap();
    assert!(at_t1.iter().any(|r| r.title.starts_with("Ta fram en handlingsplan mot problematisk skolfrånvaro")));
}

#[test]
fn follow_up_is_reviewed_like_an_assessment_and_refused_in_a_locked_period() {
    let mut store = demo();
    let f = form(&store);
    let a = store.write(&ctx(), |w| w.save_assignment(&f)).unwrap();
    let p = period(&store, "helår");
    let save = |store: &mut Store, status, comment: &str| {
        let fu = AssignmentFollowUpForm { assignment_id: a, period_id: p, status, comment: comment.into() };
        store.write(&ctx(), |w| w.save_assignment_follow_up(&fu))
    };
    let review = |store: &mut Store, action: ReviewAction| store.write(&ctx(), |w| w.review_assignment_follow_up(a, p, &action));

    assert_eq!(review(&mut store, ReviewAction::Submit).unwrap_err().code, ErrorCode::NotFound, "nothing to review yet");
    let e = save(&mut store, AssignmentStatus::ClosedUndone, " ").unwrap_err();
    assert_eq!((e.code, e.field.as_deref()), (ErrorCode::Validation, Some("comment")), "closing needs a reason");
    save(&mut store, AssignmentStatus::InProgress, "Upphandling pågår.").unwrap();
    assert_eq!(review(&mut store, ReviewAction::Approve).unwrap_err().code, ErrorCode::Conflict);
    assert_eq!(review(&mut store, ReviewAction::Submit).unwrap(), AssessmentState::Ready);
    let e = save(&mut store, AssignmentStatus::Done, "Klart.").unwrap_err();
    assert_eq!(e.code, ErrorCode::Conflict);
    assert!(e.message.starts_with("Uppföljningen av uppdraget är klar för granskning"), "{}", e.message);
    assert_eq!(review(&mut store, ReviewAction::Return { comment: "  ".into() }).unwrap_err().code, ErrorCode::Validation);
    assert_eq!(
        review(&mut store, ReviewAction::Return { comment: "Ange när kamerorna är på plats.".into() }).unwrap(),
        AssessmentState::Draft
    );
    save(&mut store, AssignmentStatus::Done, "Kamerorna är installerade sedan november.").unwrap();
    let fu = styrkort::store::assignments::get_follow_up(store.read(), a, p).unwrap().unwrap();
    assert_eq!(
        (fu.status, fu.review_comment.as_str(), fu.changed_by.as_str()),
        (AssignmentStatus::Done, "Ange när kamerorna är på plats.", "Karin Lindqvist")
    );
    assert_eq!(review(&mut store, ReviewAction::Submit).unwrap(), AssessmentState::Ready);
    assert_eq!(review(&mut store, ReviewAction::Approve).unwrap(), AssessmentState::Approved);

    // Another year's period is not this uppdrag's.
    let other = store.resolve_period(2025, "helår").unwrap().id;
    let fu = AssignmentFollowUpForm { assignment_id: a, period_id: other, status: AssignmentStatus::Done, comment: String::new() };
    assert_eq!(store.write(&ctx(), |w| w.save_assignment_follow_up(&fu)).unwrap_err().field.as_deref(), Some("period_id"));

    // A locked period refuses every change.
    store.write(&ctx(), |w| styrkort::store::periods::set_locked(w, p, true)).unwrap();
    assert_eq!(save(&mut store, AssignmentStatus::Done, "x").unwrap_err().code, ErrorCode::PeriodLocked);
    assert_eq!(review(&mut store, ReviewAction::Return { comment: "x".into() }).unwrap_err().code, ErrorCode::PeriodLocked);
}

#[test]
fn copying_the_year_carries_unfinished_uppdrag_only_with_their_goals_remapped() {
    let mut store = demo();
    let preview = styrkort::planning::plan_year::copy_preview(&store, 2026, 2027).unwrap();
    let mut expected: Vec<String> =
        assignments::oldest_unfinished(&store, 2026, None, None, today()).unwrap().into_iter().map(|r| r.title).collect();
    expected.sort();
    let mut carried = preview.assignments.clone();
    carried.sort();
    assert_eq!(carried, expected);
    assert_eq!(carried.len(), 5);

    store.write(&ctx(), |w| w.copy_plan_year(2026, 2027)).unwrap();
    let old = styrkort::store::assignments::of_year(store.read(), 2026).unwrap();
    let new = styrkort::store::assignments::of_year(store.read(), 2027).unwrap();
    assert_eq!(old.len(), 9, "the old year keeps all its uppdrag");
    assert_eq!(new.len(), 5);
    let goals_2027: Vec<i64> = styrkort::store::goals::of_year(store.read(), 2027).unwrap().into_iter().map(|g| g.id).collect();
    for n in &new {
        let from = old.iter().find(|o| Some(o.id) == n.copied_from_id).expect("copied_from_id");
        assert_eq!((&n.title, n.decision_date, &n.decision_paragraph), (&from.title, from.decision_date, &from.decision_paragraph));
        assert_eq!(n.goal_ids.len(), from.goal_ids.len(), "{}", n.title);
        assert!(n.goal_ids.iter().all(|g| goals_2027.contains(g)), "linked to the copied goals");
    }
    assert!(!new.iter().any(|n| n.title.starts_with("Ta fram förslag till ny gång-")), "done stays behind");
    assert!(!new.iter().any(|n| n.title.starts_with("Utreda samordnad skolskjuts")), "closed stays behind");
    // Its age still counts from the decision, with no follow-up yet.
    let rows = assignments::rows(&store, 2027, None, None, NaiveDate::from_ymd_opt(2027, 2, 1).unwrap()).unwrap();
    let r = by_title(&rows, "Genomföra en översyn av biståndsbedömningen");
    assert_eq!((r.age_text.as_str(), r.status), ("1 år och 7 månader", None));
}

fn pdftotext(pdf: &Path) -> String {
    let out = Command::new("pdftotext").args(["-layout", pdf.to_str().unwrap(), "-"]).output().expect(
        "pdftotext could not be run. Install it with `scripts/install-system-deps.sh --test` (Debian/Ubuntu package poppler-utils).",
    );
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn the_delarsrapport_has_an_uppdrag_section_and_a_namnds_report_its_own() {
    let store = demo();
    let dir = tempfile::tempdir().unwrap();
    let delar = period(&store, "delår");
    let bytes = report::delarsrapport_pdf(&store, id(&store, "Sjöbacka kommun"), 2026, delar, today()).unwrap();
    let pdf = dir.path().join("delar.pdf");
    styrkort::files::write_output(&pdf, None, &bytes).unwrap();
    if let Some(keep) = std::env::var_os("STYRKORT_REPORTS_OUT") {
        std::fs::create_dir_all(&keep).unwrap();
        std::fs::copy(&pdf, Path::new(&keep).join("uppdrag-delar.pdf")).unwrap();
    }
    let text = flat(&pdftotext(&pdf));
    assert!(text.contains("3 av 9 uppdrag är genomförda, 1 avslutat utan att genomföras."), "the counts");
    assert!(text.contains("✓ Genomfört"), "status with symbol and word");
    assert!(text.contains("◐ Pågår"));
    assert!(text.contains("16 juni 2025 § 68"), "given by, date and §: {text}");
    assert!(text.contains("passerat"), "the passed deadline is marked");
    assert!(text.contains("Äldsta ej genomförda uppdrag"));
    assert!(text.contains("1 år och 3 månader"), "the oldest one's age");

    // Socialnämnden's own report: its two uppdrag only.
    let bytes = report::delarsrapport_pdf(&store, id(&store, "Socialnämnden"), 2026, delar, today()).unwrap();
    let pdf = dir.path().join("sn.pdf");
    styrkort::files::write_output(&pdf, None, &bytes).unwrap();
    let text = flat(&pdftotext(&pdf));
    assert!(text.contains("0 av 2 uppdrag är genomförda."), "Socialnämnden's counts");
    assert!(text.contains("nyckelfria lås"));
    assert!(!text.contains("gång- och cykelplan"), "another nämnd's uppdrag is not in it");
}

#[test]
fn the_workbook_has_an_uppdrag_sheet_with_typed_cells() {
    let store = demo();
    let delar = period(&store, "delår");
    let bytes = report::workbook(&store, None, 2026, Some(delar), today()).unwrap();
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let sheet = book.worksheet_range("Uppdrag").unwrap();
    let rows: Vec<&[Data]> = sheet.rows().collect();
    let header: Vec<String> = rows[0].iter().map(|c| c.to_string()).collect();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap_or_else(|| panic!("{name} in {header:?}"));
    assert_eq!(rows.len(), 10, "a header and nine uppdrag");
    let review = rows.iter().find(|r| r[col("Uppdrag")].to_string().starts_with("Genomföra en översyn")).unwrap();
    assert!(matches!(review[col("Beslutsdatum")], Data::DateTime(_)), "a date cell");
    assert!(matches!(review[col("Slutdatum")], Data::DateTime(_)));
    assert_eq!(review[col("Ålder (dagar)")], Data::Float(461.0));
    assert_eq!(review[col("Status")], Data::String("◐ Pågår".into()));
    assert_eq!(review[col("Slutdatum passerat")], Data::String("Ja".into()));
    assert_eq!(review[col("Givet av")], Data::String("Kommunfullmäktige".into()));
    // A title starting with = stays text: every text is a string cell.
    let formulas = book.worksheet_formula("Uppdrag").unwrap();
    assert!(formulas.used_cells().all(|(_, _, f)| f.is_empty()));
}

mod common;

#[test]
fn the_command_line_registers_follows_up_and_lists_uppdrag() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    common::ok(&common::styrkort(&db, &["init", "--demo"]));
    let saved = common::ok(&common::styrkort(
        &db,
        &[
            "uppdrag",
            "ny",
            "--år",
            "2026",
            "--titel",
            "Utreda ett nytt badhus",
            "--givet-av",
            "Sjöbacka kommun",
            "--ansvarig",
            "Kultur- och fritidsnämnden",
            "--beslutsdatum",
            "2026-05-18",
            "--paragraf",
            "52",
            "--slutdatum",
            "2027-03-31",
            "--mål",
            "Sjöbacka ska vara en attraktiv kommun att bo, leva och verka i",
        ],
    ));
    let id = saved.trim().trim_start_matches("Uppdraget är sparat (id ").trim_end_matches(").");
    let followed = common::ok(&common::styrkort(
        &db,
        &[
            "uppdrag",
            "följ-upp",
            "--uppdrag",
            id,
            "--period",
            "delår",
            "--status",
            "pågår",
            "--kommentar",
            "Förstudien pågår.",
            "--åtgärd",
            "klar",
        ],
    ));
    assert!(followed.contains("◐ pågår") && followed.contains("klar för granskning"), "{followed}");
    let listed = common::ok(&common::styrkort(
        &db,
        &["uppdrag", "lista", "--år", "2026", "--period", "delår", "--enhet", "Kultur- och fritidsnämnden"],
    ));
    assert!(listed.contains("0 av 2 uppdrag är genomförda."), "{listed}");
    assert!(listed.contains("Utreda ett nytt badhus → Kultur- och fritidsnämnden (Kommunfullmäktige 2026-05-18 § 52"), "{listed}");
    let oldest = common::ok(&common::styrkort(&db, &["uppdrag", "äldsta", "--year", "2026", "--format", "json"]));
    let rows: serde_json::Value = serde_json::from_str(&oldest).unwrap();
    assert_eq!(rows[0]["title"], "Genomföra en översyn av biståndsbedömningen inom äldreomsorgen");
    let e = common::styrkort(&db, &["uppdrag", "följ-upp", "--uppdrag", id, "--period", "delår", "--status", "klart"]);
    assert!(!e.status.success());
    assert!(String::from_utf8_lossy(&e.stderr).contains("ej-påbörjat, pågår, genomfört eller avslutat"));
}
