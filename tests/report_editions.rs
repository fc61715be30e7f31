//! Draft and final versions (issue 15, item 4): a draft says "UTKAST" on every page and
//! "utkast" in its title; a final version is refused with the list of what is not approved,
//! and once everything is approved it prints no review states and no placeholders.

use std::path::Path;
use std::process::{Command, Output};

use calamine::{Data, Reader, Xlsx};
use chrono::NaiveDate;
use styrkort::follow_up::review::ReviewAction;
use styrkort::model::{AssessmentState, EconomyPart};
use styrkort::report::{self, Edition};
use styrkort::{narrative, scorecard, seed, ChangeContext, ErrorCode, Store};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 9, 25).unwrap()
}

fn ctx() -> ChangeContext {
    ChangeContext::new("Samordnaren", "2026-09-25T10:00:00")
}

fn poppler(tool: &str, args: &[&str]) -> String {
    let out = Command::new(tool).args(args).output().unwrap_or_else(|e| panic!("{tool} (poppler-utils) runs: {e}"));
    assert!(out.status.success(), "{tool}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn pages(pdf: &Path) -> usize {
    let info = poppler("pdfinfo", &[pdf.to_str().unwrap()]);
    info.lines().find_map(|l| l.strip_prefix("Pages:")).unwrap().trim().parse().unwrap()
}

fn title(pdf: &Path) -> String {
    let info = poppler("pdfinfo", &[pdf.to_str().unwrap()]);
    info.lines().find_map(|l| l.strip_prefix("Title:")).unwrap().trim().to_string()
}

fn page_text(pdf: &Path, page: usize) -> String {
    let n = page.to_string();
    poppler("pdftotext", &["-f", &n, "-l", &n, pdf.to_str().unwrap(), "-"])
}

fn about_version(bytes: Vec<u8>) -> String {
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    let about = book.worksheet_range("Om filen").unwrap();
    let row = about.rows().find(|r| r.first() == Some(&Data::String("Version".into()))).expect("a Version row");
    row[1].to_string()
}

fn cli(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_styrkort")).arg("--db").arg(db).args(args).env_remove("STYRKORT_DB").output().unwrap()
}

/// Assess, write and approve everything the delår report of the whole municipality holds.
fn approve_everything(store: &mut Store, period: i64) {
    let ids: Vec<i64> =
        report::unit_and_below(store, store.resolve_unit("Sjöbacka kommun").unwrap().id).unwrap().into_iter().map(|u| u.id).collect();
    for card in scorecard::build_many(store, &ids, 2026, Some(period), today()).unwrap() {
        let unit = card.unit.id;
        for goal in card.perspectives.iter().flat_map(|p| &p.goals) {
            let state = goal.assessment.as_ref().map(|a| a.state);
            store
                .write(&ctx(), |w| {
                    match state {
                        Some(AssessmentState::Approved) => {}
                        Some(AssessmentState::Ready) => {
                            w.review_assessment(goal.id, unit, period, &ReviewAction::Approve)?;
                        }
                        _ => {
                            w.save_assessment(goal.id, unit, period, Some(2), "Målet bedöms delvis uppfyllas vid årets slut.")?;
                            w.review_assessment(goal.id, unit, period, &ReviewAction::Submit)?;
                            w.review_assessment(goal.id, unit, period, &ReviewAction::Approve)?;
                        }
                    }
                    Ok(())
                })
                .unwrap();
        }
    }
    // The economy the report prints: each nämnd's and bolag's driftredovisning with figures,
    // the investments and the statements.
    let e = styrkort::economy::report::of_period(store, 2026, period).unwrap();
    let mut parts: Vec<(EconomyPart, Option<i64>, AssessmentState)> = e
        .operating
        .iter()
        .chain(&e.companies)
        .filter(|l| [&l.budget_year, &l.actual, &l.forecast].iter().any(|a| a.ore.is_some()))
        .filter_map(|l| Some((EconomyPart::Operating, Some(l.org_unit_id?), l.review?)))
        .collect();
    for part in [EconomyPart::Investments, EconomyPart::Statements] {
        let state = e.reviews.iter().find(|r| r.part == part).map(|r| r.state).unwrap_or(AssessmentState::Draft);
        parts.push((part, None, state));
    }
    for (part, unit, state) in parts {
        store
            .write(&ctx(), |w| {
                if state == AssessmentState::Draft {
                    w.review_economy(period, part, unit, &ReviewAction::Submit)?;
                }
                if state != AssessmentState::Approved {
                    w.review_economy(period, part, unit, &ReviewAction::Approve)?;
                }
                Ok(())
            })
            .unwrap();
    }
    // The uppdrag and intern kontroll follow-up the report prints.
    let assignment_states: Vec<(i64, AssessmentState)> = styrkort::store::assignments::follow_ups_of_period(store.read(), period)
        .unwrap()
        .into_iter()
        .map(|f| (f.assignment_id, f.state))
        .collect();
    let control_states: Vec<(i64, AssessmentState)> = styrkort::store::internal_control::follow_ups_of_period(store.read(), period)
        .unwrap()
        .into_iter()
        .map(|f| (f.control_id, f.state))
        .collect();
    store
        .write(&ctx(), |w| {
            for &(id, state) in &assignment_states {
                if state == AssessmentState::Draft {
                    w.review_assignment_follow_up(id, period, &ReviewAction::Submit)?;
                }
                if state != AssessmentState::Approved {
                    w.review_assignment_follow_up(id, period, &ReviewAction::Approve)?;
                }
            }
            for &(id, state) in &control_states {
                if state == AssessmentState::Draft {
                    w.review_control_follow_up(id, period, &ReviewAction::Submit)?;
                }
                if state != AssessmentState::Approved {
                    w.review_control_follow_up(id, period, &ReviewAction::Approve)?;
                }
            }
            Ok(())
        })
        .unwrap();
    for unit in narrative::view(store, period).unwrap().units {
        for text in unit.texts.iter().filter(|t| !t.approved()) {
            store
                .write(&ctx(), |w| {
                    if text.state != Some(AssessmentState::Ready) {
                        if !text.written() || text.state.is_none() || text.state == Some(AssessmentState::Draft) {
                            let body = if text.written() { text.body.clone() } else { format!("{} för perioden.", text.title) };
                            w.save_report_text(period, unit.unit.id, text.section, &body)?;
                        }
                        w.review_report_text(period, unit.unit.id, text.section, &ReviewAction::Submit)?;
                    }
                    w.review_report_text(period, unit.unit.id, text.section, &ReviewAction::Approve)?;
                    Ok(())
                })
                .unwrap();
        }
    }
}

#[test]
fn a_final_version_is_refused_until_everything_is_approved_and_a_draft_says_so_on_every_page() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    let mut store = Store::open(&db).unwrap();
    seed::load_demo(&mut store, &ctx()).unwrap();
    let kommun = store.resolve_unit("Sjöbacka kommun").unwrap().id;
    let delar = store.resolve_period(2026, "delår").unwrap().id;

    // A draft: "utkast" in the title, "UTKAST" on every page.
    let draft = dir.path().join("utkast.pdf");
    let (bytes, name) = report::render_as(&store, report::ReportKind::Delarsrapport, kommun, 2026, delar, today(), Edition::Draft).unwrap();
    assert!(name.contains("utkast"), "{name}");
    std::fs::write(&draft, bytes).unwrap();
    assert!(title(&draft).contains("(utkast)"), "{}", title(&draft));
    let n = pages(&draft);
    assert!(n > 5);
    for page in 1..=n {
        assert!(page_text(&draft, page).contains("UTKAST"), "page {page} of {n} says UTKAST");
    }
    let book = report::workbook(&store, Some(kommun), 2026, Some(delar), today()).unwrap();
    assert!(about_version(book).starts_with("Utkast:"), "the workbook says it is a draft");

    // A final version is refused with what is not approved: unit, goal or section, state.
    let e = report::render_as(&store, report::ReportKind::Delarsrapport, kommun, 2026, delar, today(), Edition::Final).unwrap_err();
    assert_eq!(e.code, ErrorCode::Conflict);
    for line in ["Slutversionen kan inte göras", "- Sjöbacka kommun: ", "– klar för granskning", "– utkast"] {
        assert!(e.message.contains(line), "{line:?} in: {}", e.message);
    }
    // The economy the report prints is part of it: its parts not approved are listed too.
    let ids: Vec<i64> = report::unit_and_below(&store, kommun).unwrap().into_iter().map(|u| u.id).collect();
    let cards = scorecard::build_many(&store, &ids, 2026, Some(delar), today()).unwrap();
    let missing = report::edition::not_approved(&store, &cards.iter().collect::<Vec<_>>(), delar).unwrap();
    assert!(missing.iter().any(|m| m.unit == "Socialnämnden" && m.what == "Driftredovisning"), "{missing:?}");
    assert!(missing.iter().any(|m| m.unit == "Sjöbacka kommun" && m.what == "Resultat- och balansräkning"), "{missing:?}");
    // So are the uppdrag and intern kontroll follow-up it prints, started but not approved.
    assert!(missing.iter().any(|m| m.what.starts_with("Uppdrag: ") && m.what_en.starts_with("Assignment: ")), "{missing:?}");
    assert!(missing.iter().any(|m| m.what.starts_with("Intern kontroll: ")), "{missing:?}");
    // The same from the command line, and no file is written.
    drop(store);
    let out = dir.path().join("slut.pdf");
    let o = cli(
        &db,
        &[
            "export",
            "pdf",
            "--report",
            "delarsrapport",
            "--unit",
            "Sjöbacka kommun",
            "--year",
            "2026",
            "--period",
            "delår",
            "--final",
            "--out",
        ],
    );
    assert!(!o.status.success(), "--out is missing");
    let o = cli(
        &db,
        &[
            "export",
            "pdf",
            "--report",
            "delarsrapport",
            "--unit",
            "Sjöbacka kommun",
            "--year",
            "2026",
            "--period",
            "delår",
            "--final",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success() && stderr.contains("Slutversionen kan inte göras"), "{stderr}");
    assert!(!out.exists());

    // After approving everything, the final version is made and holds no draft marks.
    let mut store = Store::open(&db).unwrap();
    approve_everything(&mut store, delar);
    drop(store);
    let o = cli(
        &db,
        &[
            "export",
            "pdf",
            "--report",
            "delarsrapport",
            "--unit",
            "Sjöbacka kommun",
            "--year",
            "2026",
            "--period",
            "delår",
            "--final",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(!title(&out).contains("utkast"), "{}", title(&out));
    let text = poppler("pdftotext", &[out.to_str().unwrap(), "-"]);
    for draft_mark in ["(utkast)", "(klar för granskning)", "Ingen analys är skriven", "UTKAST", "Utkast"] {
        assert!(!text.contains(draft_mark), "the final version says {draft_mark:?}");
    }
    let store = Store::open(&db).unwrap();
    let book = report::workbook(&store, Some(kommun), 2026, Some(delar), today()).unwrap();
    assert!(about_version(book).starts_with("Slutversion"), "the workbook says it is final");
}

/// The demo's final delårsrapport as PDF and Word, everything approved, written to the folder
/// `STYRKORT_FINAL_OUT` names, for a person to look at:
/// `STYRKORT_FINAL_OUT=/tmp/final cargo test -p styrkort --features tools --test report_editions -- --ignored`.
#[test]
#[ignore = "writes the final demo report for a person to look at"]
fn write_the_final_demo_report() {
    let out = std::path::PathBuf::from(std::env::var("STYRKORT_FINAL_OUT").expect("STYRKORT_FINAL_OUT names a folder"));
    std::fs::create_dir_all(&out).unwrap();
    let mut store = Store::open_in_memory().unwrap();
    seed::load_demo(&mut store, &ctx()).unwrap();
    let kommun = store.resolve_unit("Sjöbacka kommun").unwrap().id;
    let delar = store.resolve_period(2026, "delår").unwrap().id;
    approve_everything(&mut store, delar);
    for kind in [report::ReportKind::Delarsrapport, report::ReportKind::DelarsrapportDocx, report::ReportKind::Workbook] {
        let (bytes, name) = report::render_as(&store, kind, kommun, 2026, delar, today(), Edition::Final).unwrap();
        std::fs::write(out.join(name), bytes).unwrap();
    }
}
