//! Forecast wording (issue 15, item 3): at T1 and delår an assessment is a forecast for the
//! year ("Bedöms delvis uppfyllas"), at helår an outcome ("Delvis uppfyllt"); the window's
//! data (the scorecard), the delårsrapport, the styrkort page and the workbook say the same.

use std::path::Path;
use std::process::Command;

use calamine::{Data, Reader, Xlsx};
use chrono::NaiveDate;
use styrkort::{report, scorecard, seed, ChangeContext, Store};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()
}

fn ctx() -> ChangeContext {
    ChangeContext::new("test", "2026-11-26T10:00:00")
}

fn pdf_text(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    let out = Command::new("pdftotext").args([path.to_str().unwrap(), "-"]).output().expect("pdftotext (poppler-utils) is installed");
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap().split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The "Bedömning" cell of goal `code` on the workbook's Mål sheet.
fn workbook_assessment(bytes: Vec<u8>, code: &str) -> String {
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    let goals = book.worksheet_range("Mål").unwrap();
    let header: Vec<String> =
        goals.rows().find(|r| r.iter().any(|c| c == &Data::String("Kod".into()))).unwrap().iter().map(|c| c.to_string()).collect();
    let (code_col, col) = (header.iter().position(|h| h == "Kod").unwrap(), header.iter().position(|h| h == "Bedömning").unwrap());
    let row = goals.rows().find(|r| r.get(code_col) == Some(&Data::String(code.into()))).unwrap();
    row[col].to_string()
}

#[test]
fn an_assessment_is_a_forecast_at_delar_and_an_outcome_at_helar_in_every_output() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("demo.db")).unwrap();
    seed::load(&mut store, &ctx(), seed::DEMO_SEED_NAME, seed::DEMO_SEED).unwrap();
    let kommun = store.resolve_unit("Sjöbacka kommun").unwrap().id;
    let delar = store.resolve_period(2026, "delår").unwrap().id;
    let helar = store.resolve_period(2026, "helår").unwrap().id;
    // KF1 is assessed "Delvis uppfyllt" (step 2) at delår in the demo; give it the same step at helår.
    let kf1 = scorecard::build(&store, kommun, 2026, Some(delar), today())
        .unwrap()
        .perspectives
        .iter()
        .flat_map(|p| p.goals.clone())
        .find(|g| g.code == "KF1")
        .unwrap();
    store.write(&ctx(), |w| w.save_assessment(kf1.id, kommun, helar, Some(2), "Målet är delvis uppfyllt vid årets slut.")).unwrap();

    for (period, label, label_en, other, (title, not_title)) in [
        (delar, "Bedöms delvis uppfyllas", "Expected to be partly met", "Delvis uppfyllt", ("Delårsrapport", "Årsredovisning")),
        (helar, "Delvis uppfyllt", "Partly met", "Bedöms delvis uppfyllas", ("Årsredovisning", "Delårsrapport")),
    ] {
        // The window's data.
        let card = scorecard::build(&store, kommun, 2026, Some(period), today()).unwrap();
        let goal = card.perspectives.iter().flat_map(|p| &p.goals).find(|g| g.code == "KF1").unwrap();
        let a = goal.assessment.as_ref().unwrap();
        assert_eq!((a.label.as_deref(), a.label_en.as_deref()), (Some(label), Some(label_en)));
        assert_eq!(card.scale[1].label, label, "the choices on the scale");
        match &goal.status.explanation {
            styrkort::status::Explanation::Manual { label: l, label_en: e, .. } => assert_eq!((l.as_str(), e.as_str()), (label, label_en)),
            other => panic!("KF1's status comes from its assessment: {other:?}"),
        }

        // The delårsrapport and the styrkort page.
        let rapport = pdf_text(dir.path(), "rapport.pdf", &report::delarsrapport_pdf(&store, kommun, 2026, period, today()).unwrap());
        assert!(rapport.contains(label), "{label} in the delårsrapport");
        assert!(!rapport.contains(other), "{other} is not in the delårsrapport");
        // At helår the report is the årsredovisning's part on goals and economy.
        assert!(rapport.contains(title) && !rapport.contains(not_title), "titled {title}");
        assert_eq!(rapport.contains("Måluppfyllelse och ekonomi"), period == helar, "the årsredovisning's part names itself");
        assert!(rapport.contains(if period == delar { "Prognos helår" } else { "Bedömning" }), "the KF-mål table's heading");
        let sida = pdf_text(dir.path(), "sida.pdf", &report::styrkort_pdf(&store, &[kommun], 2026, period, today()).unwrap());
        assert!(sida.contains(label), "{label} on the styrkort page: {sida}");
        assert!(!sida.contains(other));

        // The workbook.
        let cell = workbook_assessment(report::workbook(&store, Some(kommun), 2026, Some(period), today()).unwrap(), "KF1");
        assert!(cell.ends_with(label), "workbook: {cell}");
    }
}
