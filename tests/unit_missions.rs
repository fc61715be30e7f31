//! Grunduppdrag and tjänstegarantier: the saves (validated field by field, one undo step
//! each), the follow-up of whether a guarantee was kept (reviewed like an assessment, refused
//! in a locked period), the copy to the next plan year, the demo data, and the APT page.

use std::process::Command;

use styrkort::follow_up::review::ReviewAction;
use styrkort::model::{AssessmentState, GuaranteeOutcome};
use styrkort::store::periods;
use styrkort::unit_missions::{self, GuaranteeForm};
use styrkort::{seed, ChangeContext, ErrorCode, Store};

fn ctx() -> ChangeContext {
    ChangeContext::new("Åsa Enhetschef", "2026-09-20T10:00:00")
}

/// The demo municipality without this feature's demo data, so each test starts clean.
fn bare() -> Store {
    let mut store = Store::open_in_memory().unwrap();
    seed::load(&mut store, &ctx(), seed::DEMO_SEED_NAME, seed::DEMO_SEED).unwrap();
    store
}

fn unit(store: &Store, name: &str) -> i64 {
    store.resolve_unit(name).unwrap().id
}

fn form(unit_id: i64, promise: &str, measured_by: &str) -> GuaranteeForm {
    GuaranteeForm { id: None, unit_id, plan_year: 2026, promise: promise.into(), measured_by: measured_by.into() }
}

#[test]
fn a_mission_is_saved_trimmed_audited_undone_in_one_step_and_removed_when_empty() {
    let mut store = bare();
    let hem = unit(&store, "Hemtjänsten");
    let audit = store.audit_count().unwrap();
    store.write(&ctx(), |w| w.save_unit_mission(hem, 2026, "  Vi ger stöd i hemmet.\nTryggt och självständigt.  ")).unwrap();
    let v = unit_missions::view(&store, hem, 2026, None).unwrap();
    assert_eq!(v.mission, "Vi ger stöd i hemmet.\nTryggt och självständigt.");
    // The audit row of the write and the undo journal's row.
    assert_eq!(store.audit_count().unwrap(), audit + 2);
    // Saving the same text again changes nothing.
    store.write(&ctx(), |w| w.save_unit_mission(hem, 2026, "Vi ger stöd i hemmet.\nTryggt och självständigt.")).unwrap();
    assert_eq!(store.audit_count().unwrap(), audit + 2);

    store.write(&ctx(), |w| w.save_unit_mission(hem, 2026, "Ny text")).unwrap();
    let label = store.write(&ctx(), |w| w.undo_last()).unwrap();
    assert!(label.contains("grunduppdraget för Hemtjänsten"), "{label}");
    assert_eq!(unit_missions::view(&store, hem, 2026, None).unwrap().mission, "Vi ger stöd i hemmet.\nTryggt och självständigt.");

    store.write(&ctx(), |w| w.save_unit_mission(hem, 2026, "   ")).unwrap();
    assert_eq!(unit_missions::view(&store, hem, 2026, None).unwrap().mission, "");
}

#[test]
fn bad_mission_and_guarantee_input_names_the_field_and_saves_nothing() {
    let mut store = bare();
    let hem = unit(&store, "Hemtjänsten");
    let audit = store.audit_count().unwrap();
    let cases: Vec<(&str, styrkort::AppError)> = vec![
        ("mission", store.write(&ctx(), |w| w.save_unit_mission(hem, 2026, &"å".repeat(4001))).unwrap_err()),
        ("mission", store.write(&ctx(), |w| w.save_unit_mission(hem, 2026, "tab\there")).unwrap_err()),
        ("promise", store.write(&ctx(), |w| w.save_guarantee(&form(hem, "  ", ""))).unwrap_err()),
        ("promise", store.write(&ctx(), |w| w.save_guarantee(&form(hem, "två\nrader", ""))).unwrap_err()),
        ("measured_by", store.write(&ctx(), |w| w.save_guarantee(&form(hem, "Löfte", &"m".repeat(501)))).unwrap_err()),
    ];
    for (field, e) in cases {
        assert_eq!((e.code, e.field.as_deref()), (ErrorCode::Validation, Some(field)), "{}", e.message);
    }
    // A plan year that does not exist is not found, named on its field.
    let e = store.write(&ctx(), |w| w.save_unit_mission(hem, 2031, "x")).unwrap_err();
    assert_eq!((e.code, e.field.as_deref()), (ErrorCode::NotFound, Some("plan_year")));
    let e = store.write(&ctx(), |w| w.save_unit_mission(999_999, 2026, "x")).unwrap_err();
    assert_eq!(e.code, ErrorCode::NotFound);
    let e = store.write(&ctx(), |w| w.save_guarantee(&GuaranteeForm { id: Some(999_999), ..form(hem, "Löfte", "") })).unwrap_err();
    assert_eq!(e.code, ErrorCode::NotFound);
    assert_eq!(store.audit_count().unwrap(), audit);
}

#[test]
fn guarantees_are_added_edited_reordered_and_deleted_each_as_one_undo_step() {
    let mut store = bare();
    let mbn = unit(&store, "Miljö- och byggnämnden");
    let a = store.write(&ctx(), |w| w.save_guarantee(&form(mbn, "Du får besked om bygglov inom 4 veckor.", "Handläggningstid"))).unwrap();
    let b = store.write(&ctx(), |w| w.save_guarantee(&form(mbn, "Du får svar inom två dagar.", ""))).unwrap();
    let order = |store: &Store| unit_missions::view(store, mbn, 2026, None).unwrap().guarantees.iter().map(|g| g.id).collect::<Vec<_>>();
    assert_eq!(order(&store), vec![a, b]);

    store.write(&ctx(), |w| w.move_guarantee(b, true)).unwrap();
    assert_eq!(order(&store), vec![b, a]);
    // Moving the first up again changes nothing.
    store.write(&ctx(), |w| w.move_guarantee(b, true)).unwrap();
    assert_eq!(order(&store), vec![b, a]);
    store.write(&ctx(), |w| w.undo_last()).unwrap();
    assert_eq!(order(&store), vec![a, b]);

    store
        .write(&ctx(), |w| {
            w.save_guarantee(&GuaranteeForm { id: Some(a), ..form(mbn, "Du får besked om bygglov inom tre veckor.", "Ärendesystemet") })
        })
        .unwrap();
    let g = &unit_missions::view(&store, mbn, 2026, None).unwrap().guarantees[0];
    assert_eq!((g.promise.as_str(), g.measured_by.as_str()), ("Du får besked om bygglov inom tre veckor.", "Ärendesystemet"));
    store.write(&ctx(), |w| w.undo_last()).unwrap();
    assert_eq!(unit_missions::view(&store, mbn, 2026, None).unwrap().guarantees[0].promise, "Du får besked om bygglov inom 4 veckor.");

    store.write(&ctx(), |w| w.delete_guarantee(b)).unwrap();
    assert_eq!(order(&store), vec![a]);
    store.write(&ctx(), |w| w.undo_last()).unwrap();
    assert_eq!(order(&store), vec![a, b]);

    // Undoing the addition of a guarantee that has been followed up since would lose the
    // follow-up: refused.
    let c = store.write(&ctx(), |w| w.save_guarantee(&form(mbn, "Du får kontakt inom fem dagar.", ""))).unwrap();
    let t1 = store.resolve_period(2026, "T1").unwrap().id;
    store.write(&ctx(), |w| w.follow_up_guarantee(c, t1, GuaranteeOutcome::Kept, "")).unwrap();
    let e = store.write(&ctx(), |w| w.undo_last()).unwrap_err();
    assert_eq!(e.code, ErrorCode::Conflict, "{}", e.message);
    assert_eq!(order(&store), vec![a, b, c]);
}

#[test]
fn a_follow_up_is_reviewed_like_an_assessment_and_a_locked_period_refuses_every_change() {
    let mut store = bare();
    let mbn = unit(&store, "Miljö- och byggnämnden");
    let g = store.write(&ctx(), |w| w.save_guarantee(&form(mbn, "Du får besked om bygglov inom 4 veckor.", ""))).unwrap();
    let t1 = store.resolve_period(2026, "T1").unwrap().id;
    let delar = store.resolve_period(2026, "delår").unwrap().id;

    // Not kept needs a comment saying why.
    let e = store.write(&ctx(), |w| w.follow_up_guarantee(g, t1, GuaranteeOutcome::NotKept, " ")).unwrap_err();
    assert_eq!((e.code, e.field.as_deref()), (ErrorCode::Validation, Some("comment")));
    // Nothing to review before it is followed up.
    let e = store.write(&ctx(), |w| w.review_guarantee(g, t1, &ReviewAction::Submit)).unwrap_err();
    assert_eq!(e.code, ErrorCode::NotFound);

    let audit = store.audit_count().unwrap();
    store.write(&ctx(), |w| w.follow_up_guarantee(g, t1, GuaranteeOutcome::NotKept, "Sju ärenden tog fem veckor i juli.")).unwrap();
    assert_eq!(store.audit_count().unwrap(), audit + 1, "follow-up is audited, not an undo step");
    let review = |store: &mut Store, a: ReviewAction| store.write(&ctx(), |w| w.review_guarantee(g, t1, &a));
    assert_eq!(review(&mut store, ReviewAction::Approve).unwrap_err().code, ErrorCode::Conflict);
    assert_eq!(review(&mut store, ReviewAction::Submit).unwrap(), AssessmentState::Ready);
    let e = store.write(&ctx(), |w| w.follow_up_guarantee(g, t1, GuaranteeOutcome::Kept, "")).unwrap_err();
    assert_eq!(e.code, ErrorCode::Conflict);
    assert!(e.message.starts_with("Tjänstegarantin är klar för granskning"), "{}", e.message);
    assert_eq!(review(&mut store, ReviewAction::Approve).unwrap(), AssessmentState::Approved);
    assert_eq!(review(&mut store, ReviewAction::Return { comment: "".into() }).unwrap_err().code, ErrorCode::Validation);
    assert_eq!(review(&mut store, ReviewAction::Return { comment: "Säg vad som görs åt det.".into() }).unwrap(), AssessmentState::Draft);

    let v = unit_missions::view(&store, mbn, 2026, Some(t1)).unwrap();
    let f = v.guarantees[0].follow_up.as_ref().unwrap();
    assert_eq!(
        (f.kept, f.state, f.review_comment.as_str()),
        (GuaranteeOutcome::NotKept, AssessmentState::Draft, "Säg vad som görs åt det.")
    );
    assert_eq!(f.changed_by, "Åsa Enhetschef");
    // Another period has its own follow-up.
    assert!(unit_missions::view(&store, mbn, 2026, Some(delar)).unwrap().guarantees[0].follow_up.is_none());

    // A period of another year is refused naming the period.
    let other = store.resolve_period(2022, "helår").unwrap().id;
    let e = store.write(&ctx(), |w| w.follow_up_guarantee(g, other, GuaranteeOutcome::Kept, "")).unwrap_err();
    assert_eq!((e.code, e.field.as_deref()), (ErrorCode::Validation, Some("period_id")));

    // Locked: nothing changes, and the guarantee cannot be deleted with its follow-up.
    store.write(&ctx(), |w| periods::set_locked(w, t1, true)).unwrap();
    let before = store.audit_count().unwrap();
    for e in [
        store.write(&ctx(), |w| w.follow_up_guarantee(g, t1, GuaranteeOutcome::Kept, "")).unwrap_err(),
        store.write(&ctx(), |w| w.review_guarantee(g, t1, &ReviewAction::Submit).map(|_| ())).unwrap_err(),
        store.write(&ctx(), |w| w.delete_guarantee(g)).unwrap_err(),
    ] {
        assert_eq!(e.code, ErrorCode::PeriodLocked, "{}", e.message);
    }
    assert_eq!(store.audit_count().unwrap(), before);
    assert!(unit_missions::view(&store, mbn, 2026, Some(t1)).unwrap().period_locked);
}

#[test]
fn copying_the_plan_year_takes_missions_and_guarantees_but_no_follow_up() {
    let mut store = Store::open_in_memory().unwrap();
    seed::load_demo(&mut store, &ctx()).unwrap();
    let hem = unit(&store, "Hemtjänsten");
    store.write(&ctx(), |w| w.copy_plan_year(2026, 2027)).unwrap();
    let old = unit_missions::view(&store, hem, 2026, None).unwrap();
    let new = unit_missions::view(&store, hem, 2027, None).unwrap();
    assert_eq!(new.mission, old.mission);
    assert!(!new.mission.is_empty());
    let promises = |v: &unit_missions::UnitMissionView| v.guarantees.iter().map(|g| g.promise.clone()).collect::<Vec<_>>();
    assert_eq!(promises(&new), promises(&old));
    let p = store.resolve_period(2027, "T1").unwrap().id;
    assert!(unit_missions::view(&store, hem, 2027, Some(p)).unwrap().guarantees.iter().all(|g| g.follow_up.is_none()));
    // The whole copy is one undo step: undoing it takes the copies away.
    store.write(&ctx(), |w| w.undo_last()).unwrap();
    let after = unit_missions::view(&store, hem, 2027, None).unwrap();
    assert!(after.guarantees.is_empty() && after.mission.is_empty());
}

#[test]
fn the_demo_has_missions_and_guarantees_followed_up_through_the_saves() {
    let mut store = Store::open_in_memory().unwrap();
    seed::load_demo(&mut store, &ctx()).unwrap();
    let delar = store.resolve_period(2026, "delår").unwrap().id;
    let mut with_mission = 0;
    for name in [
        "Hemtjänsten",
        "Förskoleområde Norr",
        "Björkskolan F–6",
        "Lindgårdens äldreboende",
        "Miljö- och byggnämnden",
        "Kultur- och fritidsnämnden",
    ] {
        let v = unit_missions::view(&store, unit(&store, name), 2026, Some(delar)).unwrap();
        with_mission += !v.mission.is_empty() as usize;
        assert!((1..=3).contains(&v.guarantees.len()), "{name}");
    }
    assert_eq!(with_mission, 6);
    let mbn = unit_missions::view(&store, unit(&store, "Miljö- och byggnämnden"), 2026, Some(delar)).unwrap();
    let bygglov = mbn.guarantees.iter().find(|g| g.promise.starts_with("Du får besked om bygglov")).unwrap();
    let f = bygglov.follow_up.as_ref().unwrap();
    assert_eq!((f.kept, f.state), (GuaranteeOutcome::NotKept, AssessmentState::Ready));
}

#[test]
fn a_bad_seed_names_the_place_and_saves_nothing() {
    let mut store = bare();
    let before = store.audit_count().unwrap();
    let bad = r#"{"format":"styrkort-units-agenda","version":1,"year":2026,"units":[{"unit":"Finns inte","mission":"x"}]}"#;
    let e = unit_missions::load_seed(&mut store, &ctx(), "bad.json", bad).unwrap_err();
    assert_eq!(e.code, ErrorCode::BadFile);
    assert!(e.message.contains("bad.json") && e.message.contains("units[0]"), "{}", e.message);
    let bad = r#"{"format":"styrkort-units-agenda","version":1,"year":2026,"units":[],"goals":[{"goal":"KF1","global_goals":[{"global_goal":3,"targets":"4.1"}]}]}"#;
    assert_eq!(unit_missions::load_seed(&mut store, &ctx(), "bad.json", bad).unwrap_err().code, ErrorCode::Validation);
    assert_eq!(store.audit_count().unwrap(), before);
}

#[test]
fn the_apt_page_prints_the_mission_and_whether_each_guarantee_was_kept() {
    let mut store = Store::open_in_memory().unwrap();
    seed::load_demo(&mut store, &ctx()).unwrap();
    let mbn = unit(&store, "Miljö- och byggnämnden");
    let hem = unit(&store, "Hemtjänsten");
    let delar = store.resolve_period(2026, "delår").unwrap().id;
    let today = chrono::NaiveDate::from_ymd_opt(2026, 9, 20).unwrap();
    let dir = tempfile::tempdir().unwrap();
    for (id, file) in [(mbn, "mbn.pdf"), (hem, "hem.pdf")] {
        let (bytes, _) = styrkort::report::render(&store, styrkort::report::ReportKind::Styrkort, id, 2026, delar, today).unwrap();
        std::fs::write(dir.path().join(file), bytes).unwrap();
    }
    let text = |file: &str| {
        let out =
            Command::new("pdftotext").args([dir.path().join(file).to_str().unwrap(), "-"]).output().expect("pdftotext (poppler-utils)");
        assert!(out.status.success());
        String::from_utf8(out.stdout).unwrap().split_whitespace().collect::<Vec<_>>().join(" ")
    };
    let mbn_text = text("mbn.pdf");
    assert!(mbn_text.contains("Grunduppdrag: Miljö- och byggnämnden ger service och myndighetsutövning"), "{mbn_text}");
    assert!(mbn_text.contains("Tjänstegarantier – hölls de under delår 2026?"), "{mbn_text}");
    assert!(mbn_text.contains("✗ Hölls inte Du får besked om bygglov inom 4 veckor"), "{mbn_text}");
    assert!(mbn_text.contains("– Inte uppföljd Du får besked om strandskyddsdispens"), "{mbn_text}");
    let hem_text = text("hem.pdf");
    assert!(hem_text.contains("✓ Hölls Du får en kontaktperson inom en vecka"), "{hem_text}");
    // Still one page.
    let info = Command::new("pdfinfo").arg(dir.path().join("hem.pdf")).output().unwrap();
    assert!(String::from_utf8_lossy(&info.stdout).contains("Pages:           1"));
}

#[test]
fn the_command_line_sets_shows_adds_and_follows_up() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let run = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_styrkort"))
            .arg("--db")
            .arg(&db)
            .args(["--user", "Åsa Enhetschef"])
            .args(args)
            .env_remove("STYRKORT_DB")
            .output()
            .unwrap();
        (out.status.success(), String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
    };
    assert!(run(&["init", "--demo"]).0);
    let (ok, out, err) =
        run(&["grunduppdrag", "sätt", "--enhet", "Sjöbacka lärcentrum", "--år", "2026", "--text", "Vuxna får en andra chans."]);
    assert!(ok, "{err}");
    assert!(out.contains("Grunduppdraget för Sjöbacka lärcentrum 2026 är sparat."), "{out}");
    let (ok, out, err) = run(&[
        "garanti",
        "ny",
        "--enhet",
        "Sjöbacka lärcentrum",
        "--år",
        "2026",
        "--löfte",
        "Du får besked inom två veckor.",
        "--mäts",
        "Elevsystemet",
    ]);
    assert!(ok, "{err}");
    let id: String = out.split("(id ").nth(1).unwrap().chars().take_while(char::is_ascii_digit).collect();
    let (ok, _, err) = run(&[
        "garanti",
        "följ-upp",
        "--garanti",
        &id,
        "--år",
        "2026",
        "--period",
        "delår",
        "--hölls",
        "nej",
        "--kommentar",
        "Två ansökningar tog tre veckor.",
        "--åtgärd",
        "klar",
    ]);
    assert!(ok, "{err}");
    let (ok, out, _) = run(&["garanti", "lista", "--enhet", "Sjöbacka lärcentrum", "--år", "2026", "--period", "delår"]);
    assert!(ok);
    assert!(out.contains("Grunduppdrag:\nVuxna får en andra chans."), "{out}");
    assert!(out.contains("✗ Hölls inte (klar för granskning) – Två ansökningar tog tre veckor."), "{out}");
    let (ok, out, _) = run(&["grunduppdrag", "visa", "--enhet", "Sjöbacka lärcentrum", "--år", "2026"]);
    assert!(ok && out.contains("Du får besked inom två veckor."), "{out}");
    let (ok, out, _) = run(&["agenda2030", "--år", "2026"]);
    assert!(ok && out.contains("4 God utbildning för alla") && out.contains("KF1 Barn och unga"), "{out}");
}

#[test]
fn the_workbook_has_the_units_grunduppdrag_and_whether_each_guarantee_was_kept() {
    use calamine::{Data, Reader, Xlsx};
    let mut store = bare();
    let hem = unit(&store, "Hemtjänsten");
    let delar = store.resolve_period(2026, "delår").unwrap().id;
    store
        .write(&ctx(), |w| {
            w.save_unit_mission(hem, 2026, "Hemtjänsten ger stöd och omsorg i hemmet.")?;
            let id = w.save_guarantee(&form(hem, "Du får en kontaktperson inom en vecka.", "Ur verksamhetssystemet"))?;
            w.save_guarantee(&form(hem, "Vi ringer om vi blir mer än 30 minuter försenade.", ""))?;
            w.follow_up_guarantee(id, delar, GuaranteeOutcome::NotKept, "Tre nya brukare fick vänta tio dagar i juli.")
        })
        .unwrap();
    let sn = unit(&store, "Socialnämnden");
    let bytes =
        styrkort::report::workbook(&store, Some(sn), 2026, Some(delar), chrono::NaiveDate::from_ymd_opt(2026, 9, 20).unwrap()).unwrap();
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let range = book.worksheet_range("Grunduppdrag").expect("the sheet");
    let rows: Vec<Vec<String>> = range.rows().map(|r| r.iter().map(Data::to_string).collect()).collect();
    assert_eq!(rows[0], ["Enhet", "Grunduppdrag", "Tjänstegaranti", "Så mäts det", "Hölls i perioden", "Kommentar", "Granskning"]);
    // The grunduppdrag on the unit's first row; each guarantee with the period's outcome in words.
    assert_eq!(
        rows[1],
        [
            "Hemtjänsten",
            "Hemtjänsten ger stöd och omsorg i hemmet.",
            "Du får en kontaktperson inom en vecka.",
            "Ur verksamhetssystemet",
            "✗ Hölls inte",
            "Tre nya brukare fick vänta tio dagar i juli.",
            "utkast"
        ]
    );
    assert_eq!(rows[2][..5], ["Hemtjänsten", "", "Vi ringer om vi blir mer än 30 minuter försenade.", "", "– Inte uppföljd"]);
    assert_eq!(rows.len(), 3, "units without grunduppdrag or guarantees have no rows");

    // A workbook of units with neither has no such sheet.
    let val = unit(&store, "Valnämnden");
    let bytes =
        styrkort::report::workbook(&store, Some(val), 2026, Some(delar), chrono::NaiveDate::from_ymd_opt(2026, 9, 20).unwrap()).unwrap();
    let book: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    assert!(!book.sheet_names().contains(&"Grunduppdrag".to_string()));
}
