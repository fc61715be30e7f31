//! Intern kontroll (issue 16): plans, risks scored P × K with their own level, controls of
//! chosen risks, follow-up with the traffic light's meaning, review, period lock, undo, the
//! copy forward, the demo's plans and the PDF "Uppföljning av intern kontroll" read back.

use std::process::Command;

use chrono::NaiveDate;
use styrkort::follow_up::review::ReviewAction;
use styrkort::internal_control::{self, light, reported_in, ControlFollowUpForm, ControlForm, ControlPlanForm, ControlRiskForm, RiskLevel};
use styrkort::model::{AssessmentState, ControlReportIn, ControlResult, PeriodKind, Status};
use styrkort::report::{self, Edition, ReportKind};
use styrkort::{ChangeContext, ErrorCode, Store};

fn ctx() -> ChangeContext {
    ChangeContext::new("Anna Berg", "2026-09-20T10:00:00")
}

fn demo() -> Store {
    let mut store = Store::open_in_memory().unwrap();
    styrkort::seed::load_demo(&mut store, &ctx()).unwrap();
    store
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 9, 20).unwrap()
}

fn risk_form(plan_id: i64, p: u8, k: u8) -> ControlRiskForm {
    ControlRiskForm {
        id: None,
        plan_id,
        process: "Valadministration".into(),
        risk: "Förtidsröster förvaras oåtkomligt för obehöriga".into(),
        probability: p,
        consequence: k,
        chosen: true,
        handling: String::new(),
    }
}

fn control_form(risk_id: i64) -> ControlForm {
    ControlForm {
        id: None,
        risk_id,
        what: "Kvittenslistor stäms av".into(),
        method: "Alla kuvert räknas mot listan".into(),
        frequency: "Varje val".into(),
        responsible: "Valsamordnare".into(),
        report_in: ControlReportIn::DelarHelar,
    }
}

fn follow(control_id: i64, period_id: i64, result: ControlResult, deviation: &str, action: &str) -> ControlFollowUpForm {
    ControlFollowUpForm {
        control_id,
        period_id,
        result,
        comment: "Granskat i augusti.".into(),
        deviation: deviation.into(),
        action: action.into(),
    }
}

/// Valnämnden (no plan in the demo) gets a plan, a risk and a control; returns (unit, plan, risk, control).
fn valnamnden(store: &mut Store) -> (i64, i64, i64, i64) {
    let unit = store.resolve_unit("Valnämnden").unwrap().id;
    let plan = store
        .write(&ctx(), |w| w.save_control_plan(&ControlPlanForm { unit_id: unit, year: 2026, decision: "VN 2026-02-03 § 4".into() }))
        .unwrap();
    let risk = store.write(&ctx(), |w| w.save_control_risk(&risk_form(plan, 3, 4))).unwrap();
    let control = store.write(&ctx(), |w| w.save_control(&control_form(risk))).unwrap();
    (unit, plan, risk, control)
}

#[test]
fn risk_value_and_level_table() {
    let cases: [(u8, u8, u8, RiskLevel); 10] = [
        (1, 1, 1, RiskLevel::Low),
        (1, 3, 3, RiskLevel::Low),
        (3, 1, 3, RiskLevel::Low),
        (2, 2, 4, RiskLevel::Medium),
        (1, 4, 4, RiskLevel::Medium),
        (2, 3, 6, RiskLevel::Medium),
        (2, 4, 8, RiskLevel::High),
        (3, 3, 9, RiskLevel::High),
        (3, 4, 12, RiskLevel::VeryHigh),
        (4, 4, 16, RiskLevel::VeryHigh),
    ];
    for (p, k, value, level) in cases {
        assert_eq!(p * k, value);
        assert_eq!(RiskLevel::of(p, k), level, "{p} × {k}");
    }
    // The levels' colours are their own: none is a traffic light's.
    for level in internal_control::RISK_LEVELS {
        assert!(!["#2e7d32", "#f9a825", "#c62828", "#e8a202"].contains(&level.colour()), "{level:?}");
    }
}

#[test]
fn traffic_light_rules_table() {
    let cases = [
        (ControlResult::NoRemarks, "", Status::Green),
        (ControlResult::NoRemarks, "Något", Status::Green),
        (ControlResult::Deviation, "Rutinen ändras", Status::Yellow),
        (ControlResult::Deviation, "", Status::Red),
        (ControlResult::Deviation, "   ", Status::Red),
    ];
    for (result, action, want) in cases {
        assert_eq!(light(result, action), want, "{result:?} {action:?}");
    }
    assert_eq!(internal_control::light_of(None), None, "not reported has no colour");
    assert_eq!(internal_control::light_label(None).sv, "Ej rapporterad");
    assert_eq!(internal_control::light_label(Some(Status::Yellow)).sv, "Avvikelse, åtgärd beslutad");
}

#[test]
fn which_periods_a_control_is_reported_in() {
    use ControlReportIn as R;
    use PeriodKind as K;
    let cases = [
        (R::EveryPeriod, K::Tertial, true),
        (R::EveryPeriod, K::Month, true),
        (R::Delar, K::Delar, true),
        (R::Delar, K::Helar, false),
        (R::Helar, K::Helar, true),
        (R::Helar, K::Tertial, false),
        (R::DelarHelar, K::Delar, true),
        (R::DelarHelar, K::Helar, true),
        (R::DelarHelar, K::Tertial, false),
    ];
    for (r, kind, want) in cases {
        assert_eq!(reported_in(r, kind), want, "{r:?} {kind:?}");
    }
}

#[test]
fn each_save_is_validated_field_by_field() {
    let mut store = demo();
    let (unit, plan, risk, _) = valnamnden(&mut store);
    let field = |e: styrkort::AppError| (e.code, e.field.unwrap_or_default());
    let e = store.write(&ctx(), |w| w.save_control_risk(&risk_form(plan, 5, 2))).unwrap_err();
    assert_eq!(field(e), (ErrorCode::Validation, "probability".into()));
    let e = store.write(&ctx(), |w| w.save_control_risk(&risk_form(plan, 2, 0))).unwrap_err();
    assert_eq!(field(e), (ErrorCode::Validation, "consequence".into()));
    let e = store.write(&ctx(), |w| w.save_control_risk(&ControlRiskForm { process: " ".into(), ..risk_form(plan, 2, 2) })).unwrap_err();
    assert_eq!(field(e), (ErrorCode::Validation, "process".into()));
    let e = store.write(&ctx(), |w| w.save_control(&ControlForm { what: "".into(), ..control_form(risk) })).unwrap_err();
    assert_eq!(field(e), (ErrorCode::Validation, "what".into()));
    // An enhet has no plan of its own.
    let enhet = store.resolve_unit("Hemtjänsten").unwrap().id;
    let e =
        store.write(&ctx(), |w| w.save_control_plan(&ControlPlanForm { unit_id: enhet, year: 2026, decision: String::new() })).unwrap_err();
    assert_eq!(field(e), (ErrorCode::Validation, "unit_id".into()));
    // A risk with controls cannot be unselected; a control needs a chosen risk.
    let e = store
        .write(&ctx(), |w| w.save_control_risk(&ControlRiskForm { id: Some(risk), chosen: false, ..risk_form(plan, 3, 4) }))
        .unwrap_err();
    assert_eq!(field(e), (ErrorCode::Conflict, "chosen".into()));
    let other = store.write(&ctx(), |w| w.save_control_risk(&ControlRiskForm { chosen: false, ..risk_form(plan, 1, 1) })).unwrap();
    let e = store.write(&ctx(), |w| w.save_control(&control_form(other))).unwrap_err();
    assert_eq!(e.code, ErrorCode::Conflict);
    // Saving the plan again changes its decision, not its id.
    let again = store
        .write(&ctx(), |w| w.save_control_plan(&ControlPlanForm { unit_id: unit, year: 2026, decision: "VN 2026-03-01 § 9".into() }))
        .unwrap();
    assert_eq!(again, plan);
}

#[test]
fn follow_up_is_reviewed_refused_in_a_locked_period_and_audited() {
    let mut store = demo();
    let (unit, _, _, control) = valnamnden(&mut store);
    let p = store.resolve_period(2026, "delår").unwrap().id;
    let audit = store.audit_count().unwrap();
    // A deviation needs its description.
    let e = store.write(&ctx(), |w| w.save_control_follow_up(&follow(control, p, ControlResult::Deviation, " ", ""))).unwrap_err();
    assert_eq!((e.code, e.field.as_deref()), (ErrorCode::Validation, Some("deviation")));
    store
        .write(&ctx(), |w| w.save_control_follow_up(&follow(control, p, ControlResult::Deviation, "Två kuvert saknade kvittens.", "")))
        .unwrap();
    assert_eq!(store.audit_count().unwrap(), audit + 1);
    let view = internal_control::plan_view(&store, unit, 2026, Some(p)).unwrap();
    assert_eq!(view.risks[0].controls[0].light, Some(Status::Red));
    store
        .write(&ctx(), |w| {
            w.save_control_follow_up(&follow(
                control,
                p,
                ControlResult::Deviation,
                "Två kuvert saknade kvittens.",
                "Kvittens med två personer.",
            ))
        })
        .unwrap();
    let view = internal_control::plan_view(&store, unit, 2026, Some(p)).unwrap();
    assert_eq!(view.risks[0].controls[0].light, Some(Status::Yellow));
    assert_eq!((view.counts.deviations, view.counts.actions), (1, 1));

    let review = |store: &mut Store, a: ReviewAction| store.write(&ctx(), |w| w.review_control_follow_up(control, p, &a));
    assert_eq!(review(&mut store, ReviewAction::Approve).unwrap_err().code, ErrorCode::Conflict);
    assert_eq!(review(&mut store, ReviewAction::Submit).unwrap(), AssessmentState::Ready);
    let e = store.write(&ctx(), |w| w.save_control_follow_up(&follow(control, p, ControlResult::NoRemarks, "", ""))).unwrap_err();
    assert!(e.message.starts_with("Uppföljningen är klar för granskning"), "{}", e.message);
    assert_eq!(review(&mut store, ReviewAction::Approve).unwrap(), AssessmentState::Approved);
    assert_eq!(review(&mut store, ReviewAction::Return { comment: "".into() }).unwrap_err().code, ErrorCode::Validation);
    assert_eq!(review(&mut store, ReviewAction::Return { comment: "Ange datum.".into() }).unwrap(), AssessmentState::Draft);

    // A locked period refuses every change.
    store.write(&ctx(), |w| styrkort::store::periods::set_locked(w, p, true)).unwrap();
    let before = store.audit_count().unwrap();
    for e in [
        store.write(&ctx(), |w| w.save_control_follow_up(&follow(control, p, ControlResult::NoRemarks, "", ""))).unwrap_err(),
        store.write(&ctx(), |w| w.review_control_follow_up(control, p, &ReviewAction::Submit).map(drop)).unwrap_err(),
    ] {
        assert_eq!(e.code, ErrorCode::PeriodLocked);
    }
    assert_eq!(store.audit_count().unwrap(), before);
}

#[test]
fn a_risk_saved_in_the_window_is_undone_in_one_step() {
    let mut store = demo();
    let (unit, plan, _, _) = valnamnden(&mut store);
    let added = store.write(&ctx(), |w| w.save_control_risk(&risk_form(plan, 2, 2))).unwrap();
    assert_eq!(internal_control::plan_view(&store, unit, 2026, None).unwrap().risks.len(), 2);
    let label = store.write(&ctx(), |w| w.undo_last()).unwrap();
    assert!(label.contains("Lägg till risken"), "{label}");
    let view = internal_control::plan_view(&store, unit, 2026, None).unwrap();
    assert_eq!(view.risks.len(), 1);
    assert!(view.risks.iter().all(|r| r.id != added));
}

#[test]
fn undoing_a_control_is_refused_once_it_has_follow_up() {
    let mut store = demo();
    let (_, _, _, control) = valnamnden(&mut store);
    let p = store.resolve_period(2026, "delår").unwrap().id;
    store.write(&ctx(), |w| w.save_control_follow_up(&follow(control, p, ControlResult::NoRemarks, "", ""))).unwrap();
    let e = store.write(&ctx(), |w| w.undo_last()).unwrap_err();
    assert_eq!(e.code, ErrorCode::Conflict);
    assert!(styrkort::store::internal_control::get_follow_up(store.read(), control, p).unwrap().is_some());
}

#[test]
fn the_demo_has_plans_and_a_deviation_with_an_action() {
    let store = demo();
    let p = store.resolve_period(2026, "delår").unwrap().id;
    let views = internal_control::plans_of_year(&store, 2026, Some(p), None).unwrap();
    let names: Vec<&str> = views.iter().map(|v| v.unit.name.as_str()).collect();
    assert_eq!(names.len(), 3, "{names:?}");
    let sn = views.iter().find(|v| v.unit.name == "Socialnämnden").unwrap();
    assert!((5..=8).contains(&sn.risks.len()));
    assert!(sn.risks.iter().any(|r| r.risk == "Felaktiga utbetalningar av ekonomiskt bistånd" && r.chosen));
    let lights: Vec<Option<Status>> = views.iter().flat_map(|v| v.risks.iter().flat_map(|r| r.controls.iter().map(|c| c.light))).collect();
    assert!(lights.contains(&Some(Status::Yellow)) && lights.contains(&Some(Status::Green)) && lights.contains(&None));
}

#[test]
fn a_copied_plan_year_carries_each_plan_without_follow_up() {
    let mut store = demo();
    let from = internal_control::plans_of_year(&store, 2026, None, None).unwrap();
    store.write(&ctx(), |w| w.copy_plan_year(2026, 2027)).unwrap();
    let p = store.resolve_period(2027, "delår").unwrap().id;
    let to = internal_control::plans_of_year(&store, 2027, Some(p), None).unwrap();
    assert_eq!(to.len(), from.len());
    for (a, b) in from.iter().zip(&to) {
        assert_eq!(a.unit.id, b.unit.id);
        let shape = |v: &internal_control::ControlPlanView| {
            v.risks.iter().map(|r| (r.risk.clone(), r.probability, r.consequence, r.chosen, r.controls.len())).collect::<Vec<_>>()
        };
        assert_eq!(shape(a), shape(b));
        assert_eq!(b.counts.reported, 0, "no follow-up is copied");
    }
}

fn pdftotext(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ik.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = Command::new("pdftotext").arg("-layout").arg(&path).arg("-").output().expect("pdftotext (poppler-utils)");
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn the_follow_up_pdf_reads_back_with_matrix_labels_and_is_a_draft_until_approved() {
    let mut store = demo();
    let sn = store.resolve_unit("Socialnämnden").unwrap().id;
    let p = store.resolve_period(2026, "delår").unwrap().id;
    let text = pdftotext(&report::internal_control::follow_up_pdf(&store, sn, p, today(), Edition::Draft).unwrap());
    for want in [
        "UTKAST",
        "Uppföljning av intern kontroll (utkast)",
        "Riskmatris",
        "Sannolikhet",
        "Konsekvens",
        "4 Mycket sannolik",
        "1 Osannolik",
        "4 Allvarlig",
        "Mycket hög 12",
        "Låg 1–3",
        "Felaktiga utbetalningar av ekonomiskt bistånd",
        "Avvikelse, åtgärd beslutad",
        "Åtgärd",
        "Risker som inte valts till planen",
        "Obehöriga läser journaler",
    ] {
        assert!(text.contains(want), "missing {want:?} in:\n{text}");
    }
    // A final version is refused while anything is not approved; it names what.
    let e = report::internal_control::follow_up_pdf(&store, sn, p, today(), Edition::Final).unwrap_err();
    assert_eq!(e.code, ErrorCode::Conflict);
    assert!(e.message.contains("Uppföljning av avtalstrohet: ej rapporterad"), "{}", e.message);

    // Valnämnden: everything approved, so the report is final.
    let (vn, _, _, control) = valnamnden(&mut store);
    store.write(&ctx(), |w| w.save_control_follow_up(&follow(control, p, ControlResult::NoRemarks, "", ""))).unwrap();
    store.write(&ctx(), |w| w.review_control_follow_up(control, p, &ReviewAction::Submit)).unwrap();
    store.write(&ctx(), |w| w.review_control_follow_up(control, p, &ReviewAction::Approve)).unwrap();
    let (bytes, name) = report::render_as(&store, ReportKind::InternalControl, vn, 2026, p, today(), Edition::Final).unwrap();
    assert_eq!(name, "Intern kontroll Valnämnden Delår 2026.pdf");
    let text = pdftotext(&bytes);
    assert!(!text.contains("UTKAST"), "{text}");
    assert!(text.contains("Förtidsröster förvaras oåtkomligt för obehöriga"));
}

#[test]
fn the_delarsrapport_has_an_intern_kontroll_section_and_a_namnds_report_its_own() {
    let store = demo();
    let kommun = store.resolve_unit("Sjöbacka kommun").unwrap().id;
    let sn = store.resolve_unit("Socialnämnden").unwrap().id;
    let p = store.resolve_period(2026, "delår").unwrap().id;
    let text = pdftotext(&report::delarsrapport_pdf(&store, kommun, 2026, p, today()).unwrap());
    let at = text.find("Varje nämnd följer upp sin plan för intern kontroll").expect("the section");
    let section = &text[at..];
    for want in
        ["Socialnämnden", "Barn- och utbildningsnämnden", "Kommunstyrelsen", "Rapporterade", "Avvikelser", "Ingen åtgärd är beslutad ännu"]
    {
        assert!(section.contains(want), "missing {want:?}");
    }
    let own = pdftotext(&report::delarsrapport_pdf(&store, sn, 2026, p, today()).unwrap());
    let at = own.find("Varje nämnd följer upp sin plan för intern kontroll").expect("the nämnd's own section");
    let section = &own[at..];
    assert!(section.contains("Socialnämnden") && !section.contains("Kommunstyrelsen"));
}

#[test]
fn the_command_line_shows_the_plan_and_writes_the_pdf() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ik.db");
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_styrkort")).arg("--db").arg(&db).args(args).env_remove("STYRKORT_DB").output().unwrap()
    };
    assert!(run(&["init", "--demo"]).status.success());
    let out = run(&["intern-kontroll", "visa", "--unit", "Socialnämnden", "--year", "2026", "--period", "delår"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(text.contains("Riskmatris (sannolikhet × konsekvens)"), "{text}");
    assert!(text.contains("▲ Avvikelse, åtgärd beslutad"), "{text}");
    let pdf = dir.path().join("ik.pdf");
    let out = run(&[
        "export",
        "intern-kontroll",
        "--unit",
        "Socialnämnden",
        "--year",
        "2026",
        "--period",
        "delår",
        "--out",
        pdf.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF"));
}

#[test]
fn the_workbook_has_a_sheet_of_the_controls_with_their_result() {
    use calamine::{Reader, Xlsx};
    let store = demo();
    let p = store.resolve_period(2026, "delår").unwrap().id;
    let bytes = report::workbook(&store, None, 2026, Some(p), today()).unwrap();
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    let names = book.sheet_names();
    let at = names.iter().position(|n| n == "Intern kontroll").expect("the sheet");
    assert_eq!(names[at - 1], "Fullständighet");
    let range = book.worksheet_range("Intern kontroll").unwrap();
    let rows: Vec<String> = range.rows().map(|r| r.iter().map(|c| c.to_string()).collect::<Vec<_>>().join("|")).collect();
    assert!(rows[0].starts_with("Nämnd|Nr|Risk"), "{}", rows[0]);
    assert!(rows.iter().any(|r| r.contains("Stickprov på beviljat ekonomiskt bistånd|▲ Avvikelse, åtgärd beslutad")), "{rows:#?}");
    assert_eq!(rows.len() - 1, 10, "every control of a chosen risk: 5 + 3 + 2");
}
