//! The economy in the reports: the delårsrapport (PDF and Word) carries the resultaträkning,
//! balansräkning, balanskravsutredning with the year's result in words, the driftredovisning
//! and the investments; the workbook carries them as numbers. Read back with pdftotext, the
//! .docx's XML and calamine.

use std::io::Read as _;
use std::process::Command;

use calamine::{Data, Reader, Xlsx};
use styrkort::economy::figures::{Figures, StatementFigure};
use styrkort::model::{EconomySource, StatementColumn, StatementScope};
use styrkort::{report, seed, ChangeContext, Store};

const TKR: i64 = 100_000;

fn ctx() -> ChangeContext {
    ChangeContext::new("Erik Ekonom", "2026-09-12T09:00:00")
}

fn today() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 9, 20).unwrap()
}

fn pdf_words(bytes: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.pdf");
    std::fs::write(&path, bytes).unwrap();
    let out = Command::new("pdftotext").arg(&path).arg("-").output().expect("pdftotext (poppler-utils) is installed");
    String::from_utf8(out.stdout).unwrap().split_whitespace().collect::<Vec<_>>().join(" ")
}

fn docx_text(bytes: &[u8]) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut xml = String::new();
    zip.by_name("word/document.xml").unwrap().read_to_string(&mut xml).unwrap();
    // The text runs, in order.
    xml.split("<w:t")
        .skip(1)
        .filter_map(|p| p.split_once('>').map(|(_, rest)| rest.split("</w:t>").next().unwrap_or("")))
        .collect::<Vec<_>>()
        .join(" ")
        // Numbers keep their digits together with no-break spaces.
        .replace(['\u{a0}', '\u{202f}'], " ")
}

#[test]
fn the_delarsrapport_carries_the_statements_the_balance_requirement_drift_and_investments() {
    let mut store = Store::open_in_memory().unwrap();
    seed::load_demo(&mut store, &ctx()).unwrap();
    let kommun = store.resolve_unit("Sjöbacka kommun").unwrap().id;
    let delar = store.resolve_period(2026, "delår").unwrap().id;
    let text = pdf_words(&report::delarsrapport_pdf(&store, kommun, 2026, delar, today()).unwrap());
    for needle in [
        "Ekonomisk redovisning",
        "Resultaträkning",
        "Verksamhetens nettokostnad",
        "Balansräkning",
        "Summa eget kapital, avsättningar och skulder",
        "Balanskravsutredning",
        "− Samtliga realisationsvinster",
        "Årets balanskravsresultat enligt prognosen för helåret är 9 350 tkr. Balanskravet uppfylls.",
        "Driftredovisning",
        "Summa nämnder",
        "Sjöbacka Bostäder AB",
        "Investeringsredovisning",
        "P101 Ny förskola Norr",
    ] {
        assert!(text.contains(needle), "{needle} in the delårsrapport");
    }
    // Socialnämnden's deviation, as the economy tab shows it.
    assert!(text.contains("Socialnämnden (utkast) −398 000"), "Socialnämnden's row, marked as a draft in a draft");

    // The Word version has the same economy.
    let word = docx_text(&report::delarsrapport_docx(&store, kommun, 2026, delar, today()).unwrap());
    for needle in ["Resultaträkning", "Balanskravsutredning", "Summa nämnder", "Investeringsredovisning", "−14 000"] {
        assert!(word.contains(needle), "{needle} in the .docx");
    }

    // A nämnd's own report gets its driftredovisning and not the municipality's statements.
    let sn = store.resolve_unit("Socialnämnden").unwrap().id;
    let own = pdf_words(&report::delarsrapport_pdf(&store, sn, 2026, delar, today()).unwrap());
    assert!(own.contains("Driftredovisning") && own.contains("−14 000"), "Socialnämnden's deviation");
    assert!(!own.contains("Balanskravsutredning") && !own.contains("Summa nämnder"));
}

#[test]
fn a_negative_balance_requirement_says_it_must_be_restored() {
    let mut store = Store::open_in_memory().unwrap();
    seed::load(&mut store, &ctx(), seed::DEMO_SEED_NAME, seed::DEMO_SEED).unwrap();
    let kommun = store.resolve_unit("Sjöbacka kommun").unwrap().id;
    let delar = store.resolve_period(2026, "delår").unwrap().id;
    let line = |row_key, amount| StatementFigure { scope: StatementScope::Kommun, row_key, column: StatementColumn::Forecast, amount };
    let figures = Figures {
        statements: vec![line("rr.costs", -1_050_000 * TKR), line("rr.tax", 1_020_000 * TKR), line("bk.from_reserve", 5_000 * TKR)],
        ..Default::default()
    };
    store.write(&ctx(), |w| styrkort::store::economy::write_figures(w, delar, &figures, EconomySource::Manual)).unwrap();
    let text = pdf_words(&report::delarsrapport_pdf(&store, kommun, 2026, delar, today()).unwrap());
    // −1 050 000 + 1 020 000 + 5 000 from the reserve.
    assert!(text.contains("Årets balanskravsresultat enligt prognosen för helåret är −25 000 tkr. Balanskravet uppfylls inte"), "{text}");
    assert!(text.contains("ska återställas inom tre år"));
}

#[test]
fn the_workbook_has_the_economy_as_numbers() {
    let mut store = Store::open_in_memory().unwrap();
    seed::load_demo(&mut store, &ctx()).unwrap();
    let kommun = store.resolve_unit("Sjöbacka kommun").unwrap().id;
    let delar = store.resolve_period(2026, "delår").unwrap().id;
    let bytes = report::workbook(&store, Some(kommun), 2026, Some(delar), today()).unwrap();
    let mut wb: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let names = wb.sheet_names();
    for sheet in ["Drift", "Investeringar", "Räkenskaper"] {
        assert!(names.iter().any(|n| n == sheet), "{sheet} in {names:?}");
    }
    let drift = wb.worksheet_range("Drift").unwrap();
    let sn = drift.rows().find(|r| r[0] == Data::String("Socialnämnden".into())).expect("Socialnämnden's row");
    assert_eq!(sn[6], Data::Float(-14_000.0), "the deviation is a number in tkr");
    let total = drift.rows().find(|r| r[0] == Data::String("Summa nämnder".into())).expect("the total");
    assert_eq!(total[6], Data::Float(-17_250.0));
    let accounts = wb.worksheet_range("Räkenskaper").unwrap();
    let bk = accounts.rows().find(|r| r[0] == Data::String("Årets balanskravsresultat".into())).expect("the balanskrav line");
    assert_eq!(bk[4], Data::Float(9_350.0), "from the prognos");

    // A nämnd's workbook has no municipality economy.
    let sn_id = store.resolve_unit("Socialnämnden").unwrap().id;
    let bytes = report::workbook(&store, Some(sn_id), 2026, Some(delar), today()).unwrap();
    let wb: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    assert!(!wb.sheet_names().iter().any(|n| n == "Räkenskaper"));
}
