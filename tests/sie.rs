//! SIE 4 import: the demo file read with åäö right in CP437, the same content in UTF-8 and
//! Windows-1252, broken files refused with their line and nothing saved, the mapping's
//! defaults and overrides, and sums per nämnd and per line of a small file checked by hand.

mod common;

use std::cell::RefCell;

use styrkort::economy::figures::{Figures, StatementFigure};
use styrkort::economy::sie::import::{self, FigureStore};
use styrkort::economy::sie::{map, parse};
use styrkort::model::{StatementColumn, StatementScope};
use styrkort::store::{Read, Writer};
use styrkort::{seed, ChangeContext, ErrorCode, Result, Store};

const MINIMAL: &str = include_str!("fixtures/seed-minimal.json");
/// Minimal seed: unit 2 is Socialnämnden; periods of 2025 are 1–3, of 2026 4–6 (T1, delår, helår).
const SOCIALNAMNDEN: i64 = 2;
const DELAR_2025: i64 = 2;
const DELAR_2026: i64 = 5;

fn ctx() -> ChangeContext {
    ChangeContext::new("Test", "2026-09-20T12:00:00")
}

fn minimal() -> Store {
    let mut store = Store::open_in_memory().unwrap();
    seed::load(&mut store, &ctx(), "seed-minimal.json", MINIMAL).unwrap();
    store
}

fn snapshot(store: &Store) -> (Vec<(String, i64)>, i64) {
    (store.counts().unwrap(), store.audit_count().unwrap())
}

/// Writes the figures as a setting (inside the import's transaction, with its audit row), so
/// the tests see what would be written and that a failure writes nothing.
#[derive(Default)]
struct Recorder {
    written: RefCell<Option<Figures>>,
}

impl FigureStore for Recorder {
    fn stored(&self, _db: Read<'_>, _period_id: i64) -> Result<Figures> {
        Ok(Figures::default())
    }
    fn write(&self, w: &mut Writer<'_>, period_id: i64, figures: &Figures) -> Result<()> {
        styrkort::store::settings::set(w, &format!("test.sie.{period_id}"), &format!("{figures:?}"))?;
        *self.written.borrow_mut() = Some(figures.clone());
        Ok(())
    }
}

/// A small file whose sums are worked out by hand below. Names with å, ä and ö.
const TINY: &str = r#"#FLAGGA 0
#PROGRAM "Testprogram" 1.0
#FORMAT PC8
#SIETYP 4
#FNAMN "Testköpings kommun"
#RAR 0 20260101 20261231
#RAR -1 20250101 20251231
#KONTO 1930 "Bank"
#KONTO 2350 "Lån hos kreditinstitut"
#KONTO 3010 "Avgifter"
#KONTO 5010 "Löner"
#KONTO 8010 "Skatteintäkter"
#KONTO 9999 "Internt kalkylkonto"
#DIM 1 "Ansvar"
#OBJEKT 1 "300" "Socialnämnden"
#OBJEKT 1 "900" "Okänt ansvar"
#IB 0 1930 1000.00
#IB 0 2350 -1000.00
#PSALDO 0 202601 3010 {} -100.00
#PSALDO 0 202601 3010 {1 "300"} -60.00
#PSALDO 0 202601 3010 {1 "900"} -40.00
#PSALDO 0 202601 5010 {} 500.00
#PSALDO 0 202601 5010 {1 "300"} 500.00
#PSALDO 0 202609 5010 {} 999.00
#PSALDO 0 202609 5010 {1 "300"} 999.00
#PSALDO 0 202601 8010 {} -600.00
#PSALDO 0 202601 1930 {} 200.00
#PSALDO 0 202601 9999 {} 5.00
#PBUDGET 0 202601 5010 {1 "300"} 400
#PBUDGET 0 202610 5010 {1 "300"} 400
#PSALDO -1 202501 3010 {} -90
#NYTTIG 1 2 "okänd etikett hoppas över"
"#;

/// The text in code page 437, as an ekonomisystem writes it.
fn cp437(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| match c {
            'å' => 0x86,
            'ä' => 0x84,
            'ö' => 0x94,
            'Å' => 0x8F,
            'Ä' => 0x8E,
            'Ö' => 0x99,
            c if c.is_ascii() => c as u8,
            c => panic!("{c} is not in the test's CP437 table"),
        })
        .collect()
}

fn statement(f: &Figures, key: &str, column: StatementColumn) -> Option<i64> {
    f.statements.iter().find(|s| s.row_key == key && s.column == column && s.scope == StatementScope::Kommun).map(|s| s.amount)
}

fn tiny_preview(store: &Store) -> import::SiePreview {
    import::preview(store, "tiny.se", &cp437(TINY), &DELAR_2026.to_string(), &Recorder::default()).unwrap()
}

#[test]
fn a_small_file_sums_per_line_and_per_namnd_as_worked_out_by_hand() {
    let store = minimal();
    let p = tiny_preview(&store);
    let f = &p.figures;
    use StatementColumn::*;
    // Result accounts negated: revenue positive, costs negative; September is after delår.
    assert_eq!(statement(f, "rr.revenue", Actual), Some(10_000));
    assert_eq!(statement(f, "rr.costs", Actual), Some(-50_000));
    assert_eq!(statement(f, "rr.tax", Actual), Some(60_000));
    assert_eq!(statement(f, "rr.revenue", ActualLastYear), Some(9_000));
    // Budget for the year: no total rows, so the ansvar rows; all twelve months.
    assert_eq!(statement(f, "rr.costs", Budget), Some(-80_000));
    // Balance sheet: IB + movements; class 2 shown positive; the period's result (200 kr)
    // added to Årets resultat so the sheet balances.
    assert_eq!(statement(f, "br.cash", Actual), Some(120_000));
    assert_eq!(statement(f, "br.long_term_debt", Actual), Some(100_000));
    assert_eq!(statement(f, "br.equity_result", Actual), Some(20_000));
    assert_eq!(statement(f, "br.cash", ActualLastYear), Some(100_000), "last year's closing is this year's opening");
    // Socialnämnden by name: 60 − 500 kr utfall; budget 400 kr for the period, 800 for the year.
    assert_eq!(f.operating.len(), 1);
    let son = &f.operating[0];
    assert_eq!(
        (son.org_unit_id, son.actual, son.budget_period, son.budget_year, son.forecast),
        (SOCIALNAMNDEN, Some(-44_000), Some(-40_000), Some(-80_000), None)
    );
    assert_eq!(p.suggested_objects.len(), 1);
    // Nothing dropped silently: the unknown ansvar and the account outside every range.
    assert_eq!(p.unmapped_objects.len(), 1);
    assert_eq!(
        (p.unmapped_objects[0].code.as_str(), p.unmapped_objects[0].name.as_str(), p.unmapped_objects[0].actual),
        ("900", "Okänt ansvar", 4_000)
    );
    assert_eq!(p.unmapped_accounts.len(), 1);
    assert_eq!((p.unmapped_accounts[0].account, p.unmapped_accounts[0].amount), (9999, 500));
    assert_eq!(p.through_month, "2026-08");
    let text = import::preview_text(&p);
    assert!(text.contains("Socialnämnden") && text.contains("Okänt ansvar") && text.contains("9999"), "{text}");
}

#[test]
fn mapping_overrides_change_the_sums_and_are_kept() {
    let mut store = minimal();
    store.write(&ctx(), |w| map::set_account_range(w, 9000, 9999, "rr.costs")).unwrap();
    let e = store.write(&ctx(), |w| map::set_account_range(w, 3000, 3100, "rr.tax")).unwrap_err();
    assert_eq!(e.code, ErrorCode::Conflict, "{}", e.message);
    assert!(e.message.contains("3000–3999"), "{}", e.message);
    let e = store.write(&ctx(), |w| map::set_account_range(w, 9000, 9999, "rr.net_cost")).unwrap_err();
    assert_eq!(e.code, ErrorCode::Validation, "a sum cannot take amounts");
    store.write(&ctx(), |w| map::set_object_unit(w, 1, "900", SOCIALNAMNDEN)).unwrap();

    let mapping = map::Mapping::load(store.read()).unwrap();
    assert!(!mapping.default_accounts, "the first edit stored the defaults with the change");
    assert_eq!(mapping.line_of(3010), Some("rr.revenue"));
    let p = tiny_preview(&store);
    assert_eq!(statement(&p.figures, "rr.costs", StatementColumn::Actual), Some(-50_500));
    assert!(p.unmapped_accounts.is_empty() && p.unmapped_objects.is_empty());
    assert_eq!(p.figures.operating[0].actual, Some(-40_000), "ansvar 900 now counts for Socialnämnden");

    let e = store.write(&ctx(), |w| map::set_object_unit(w, 1, "100", 3)).unwrap_err();
    assert_eq!(e.code, ErrorCode::Validation, "an enhet has no driftredovisning of its own");
    store.write(&ctx(), map::reset_account_ranges).unwrap();
    assert!(map::Mapping::load(store.read()).unwrap().default_accounts);
}

#[test]
fn the_same_content_reads_alike_in_utf8_and_windows_1252() {
    let store = minimal();
    let expected = tiny_preview(&store).figures;
    let plain = TINY.replace("#FORMAT PC8\n", "");
    let (latin, _, _) = encoding_rs::WINDOWS_1252.encode(&plain);
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(plain.as_bytes());
    for (bytes, encoding) in [(plain.as_bytes().to_vec(), "UTF-8"), (bom, "UTF-8"), (latin.into_owned(), "Windows-1252")] {
        let p = import::preview(&store, "x.se", &bytes, "delår", &Recorder::default()).unwrap();
        assert_eq!(p.encoding, encoding);
        assert_eq!(p.figures, expected, "{encoding}");
        assert_eq!(p.company.as_deref(), Some("Testköpings kommun"));
        assert_eq!(p.unmapped_objects[0].name, "Okänt ansvar");
    }
}

#[test]
fn applying_writes_once_stores_the_suggested_mapping_and_a_locked_period_saves_nothing() {
    let mut store = minimal();
    let p = tiny_preview(&store);
    let sink = Recorder::default();
    import::apply(&mut store, &ctx(), &p, &sink).unwrap();
    assert_eq!(sink.written.borrow().as_ref(), Some(&p.figures));
    let mapping = map::Mapping::load(store.read()).unwrap();
    assert_eq!(mapping.objects.get(&(1, "300".to_string())), Some(&map::ObjectTarget::Unit(SOCIALNAMNDEN)));

    store.write(&ctx(), |w| styrkort::store::periods::set_locked(w, DELAR_2026, true)).unwrap();
    let before = snapshot(&store);
    let sink = Recorder::default();
    let e = import::apply(&mut store, &ctx(), &p, &sink).unwrap_err();
    assert_eq!(e.code, ErrorCode::PeriodLocked);
    assert!(sink.written.borrow().is_none());
    assert_eq!(snapshot(&store), before);
}

#[test]
fn a_failing_write_saves_no_mapping_either() {
    struct Failing;
    impl FigureStore for Failing {
        fn stored(&self, _db: Read<'_>, _p: i64) -> Result<Figures> {
            Ok(Figures::default())
        }
        fn write(&self, _w: &mut Writer<'_>, _p: i64, _f: &Figures) -> Result<()> {
            Err(styrkort::AppError::validation(styrkort::msg!("nej", "no")))
        }
    }
    let mut store = minimal();
    let p = tiny_preview(&store);
    let before = snapshot(&store);
    assert!(import::apply(&mut store, &ctx(), &p, &Failing).is_err());
    assert_eq!(snapshot(&store), before);
}

#[test]
fn broken_files_are_refused_with_their_line_and_nothing_is_saved() {
    let store = minimal();
    let line_of = |needle: &str| TINY.lines().position(|l| l.starts_with(needle)).unwrap() + 1;
    let cases: Vec<(String, usize, &str)> = vec![
        (TINY.replace("#PSALDO 0 202601 8010 {} -600.00", "#PSALDO 0 202601 8010 {} -6oo.00"), line_of("#PSALDO 0 202601 8010"), "-6oo.00"),
        (
            TINY.replace("#PSALDO 0 202601 8010 {} -600.00", "#PSALDO 0 202601 8010 {} -600.001"),
            line_of("#PSALDO 0 202601 8010"),
            "två decimaler",
        ),
        (TINY.replace("#RAR -1 20250101 20251231", "#RAR -1 20250101 20250231"), 7, "20250231"),
        (TINY.replace("#KONTO 5010 \"Löner\"", "#KONTO 5010 \"Löner"), line_of("#KONTO 5010"), "citattecken"),
        (
            TINY.replace("#PSALDO 0 202601 3010 {1 \"300\"} -60.00", "#PSALDO 0 202601 3010 {1 \"300\" -60.00"),
            line_of("#PSALDO 0 202601 3010 {1"),
            "'}'",
        ),
        (format!("{TINY}#VER A 1 20260115 \"Lön\"\n{{\n#TRANS 5010 {{}} 10\n"), TINY.lines().count() + 1, "avslutas aldrig"),
        (format!("{TINY}}}\n"), TINY.lines().count() + 1, "'}'"),
        (
            TINY.replace("#PSALDO 0 202609 5010 {} 999.00", "#PSALDO 0 202509 5010 {} 999.00"),
            line_of("#PSALDO 0 202609 5010 {}"),
            "utanför",
        ),
    ];
    for (text, line, words) in cases {
        let before = snapshot(&store);
        let e = import::preview(&store, "trasig.se", &cp437(&text), &DELAR_2026.to_string(), &Recorder::default()).unwrap_err();
        assert_eq!(e.code, ErrorCode::BadFile, "{}", e.message);
        assert!(e.message.starts_with(&format!("trasig.se: rad {line}: ")), "expected line {line}: {}", e.message);
        assert!(e.message.contains(words), "{words}: {}", e.message);
        assert!(e.message_en.starts_with(&format!("trasig.se: line {line}: ")), "{}", e.message_en);
        assert_eq!(snapshot(&store), before);
    }
}

#[test]
fn a_file_of_another_year_than_the_period_is_refused_at_its_rar_line() {
    let store = minimal();
    let e = import::preview(&store, "tiny.se", &cp437(TINY), &DELAR_2025.to_string(), &Recorder::default()).unwrap_err();
    assert_eq!(e.code, ErrorCode::BadFile);
    assert!(e.message.starts_with("tiny.se: rad 6: "), "{}", e.message);
    assert!(e.message.contains("2026") && e.message.contains("2025"), "{}", e.message);
}

#[test]
fn the_demo_file_reads_with_swedish_letters_right() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds/sjobacka-2026-08.se");
    let bytes = std::fs::read(&path).unwrap();
    assert!(bytes.len() < 200 * 1024, "the demo file stays small");
    assert!(std::str::from_utf8(&bytes).is_err(), "the demo file is CP437, not UTF-8");
    let f = parse::parse("sjobacka-2026-08.se", &bytes).unwrap();
    assert_eq!(f.encoding, parse::Encoding::Cp437);
    assert_eq!(f.company.as_deref(), Some("Sjöbacka kommun"));
    assert_eq!(f.objects[&(1, "700".to_string())], "Överförmyndarnämnden");
    assert_eq!(f.objects[&(6, "P102".to_string())], "Om- och tillbyggnad Björkskolan");
    assert!(f.accounts.values().any(|a| a.name.contains('å') || a.name.contains('ä')));

    // Through the import with the default mapping: a municipality of about 1,1 mdkr.
    let store = minimal();
    let p = import::preview_of(&store, &f, &store.period(DELAR_2026).unwrap(), &Recorder::default()).unwrap();
    let tax = statement(&p.figures, "rr.tax", StatementColumn::Actual).unwrap();
    const MNKR: i64 = 100_000_000; // öre
    assert!((520 * MNKR..600 * MNKR).contains(&tax), "eight months of ~840 mnkr: {tax}");
    let budget_tax = statement(&p.figures, "rr.tax", StatementColumn::Budget).unwrap();
    assert!((800 * MNKR..880 * MNKR).contains(&budget_tax), "{budget_tax}");
    let costs = statement(&p.figures, "rr.costs", StatementColumn::Actual).unwrap();
    assert!(costs < 0);
    // The balance sheet balances.
    let sum = |liabilities: bool| -> i64 {
        p.figures
            .statements
            .iter()
            .filter(|s: &&StatementFigure| {
                s.column == StatementColumn::Actual && s.row_key.starts_with("br.") && map::is_liability_side(s.row_key) == liabilities
            })
            .map(|s| s.amount)
            .sum()
    };
    assert_eq!(sum(false), sum(true));
    assert!(p.notes.iter().all(|n| !n.sv.contains("går inte ihop")), "{:?}", p.notes);
    // Socialnämnden (in the minimal seed) is found by name and is over budget.
    let son = p.figures.operating.iter().find(|o| o.org_unit_id == SOCIALNAMNDEN).unwrap();
    assert!(son.actual.unwrap() < son.budget_period.unwrap(), "Socialnämnden over budget: {son:?}");
    // The other nämnder are not in the minimal seed: reported, not dropped.
    assert!(p.unmapped_objects.iter().any(|o| o.name == "Kommunstyrelsen"));
}

#[test]
fn objects_of_two_dimensions_on_one_namnd_are_flagged() {
    let mut store = minimal();
    store.write(&ctx(), |w| map::set_object_unit(w, 20, "A", SOCIALNAMNDEN)).unwrap();
    let text = TINY.replace("#PSALDO 0 202601 8010", "#PSALDO 0 202601 3010 {20 \"A\"} -100.00\n#PSALDO 0 202601 8010");
    let p = import::preview(&store, "tva.se", &cp437(&text), "delår", &Recorder::default()).unwrap();
    assert!(p.notes.iter().any(|n| n.sv.contains("flera dimensioner (1, 20)")), "{:?}", p.notes);
    assert!(tiny_preview(&store).notes.iter().all(|n| !n.sv.contains("flera dimensioner")));
}

#[test]
fn the_command_line_previews_the_demo_file_and_edits_the_mapping() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    common::ok(&common::styrkort(&db, &["init", "--demo"]));
    let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds/sjobacka-2026-08.se");
    let file = file.to_str().unwrap();
    let before = snapshot(&Store::open(&db).unwrap());
    let out = common::ok(&common::styrkort(&db, &["ekonomi", "sie", file, "--period", "delår", "--förhandsvisa"]));
    assert!(out.contains("Sjöbacka kommun → Delår 2026, utfall till och med 2026-08"), "{out}");
    assert!(out.contains("Socialnämnden") && out.contains("Skatteintäkter") && out.contains("Kassa och bank"), "{out}");
    assert!(out.contains("Inget är sparat"), "{out}");
    assert_eq!(snapshot(&Store::open(&db).unwrap()), before, "a preview saves nothing");

    common::ok(&common::styrkort(&db, &["ekonomi", "koppling", "objekt", "1", "400", "--enhet", "Kommunstyrelsen"]));
    common::ok(&common::styrkort(&db, &["ekonomi", "koppling", "ta-bort-konto", "6800"]));
    common::ok(&common::styrkort(&db, &["ekonomi", "koppling", "konto", "6800", "6899", "rr.costs"]));
    let shown = common::ok(&common::styrkort(&db, &["ekonomi", "koppling", "visa"]));
    assert!(shown.contains("6800–6899  rr.costs") && shown.contains("1 400 → Kommunstyrelsen"), "{shown}");
    assert!(!shown.contains("standardkopplingen"), "{shown}");
    let out = common::ok(&common::styrkort(&db, &["ekonomi", "sie", file, "--period", "delår", "--förhandsvisa", "--format", "json"]));
    let preview: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(
        preview["statements"].as_array().unwrap().iter().all(|s| s["row_key"] != "rr.depreciation"),
        "depreciation now counts as costs"
    );
    assert!(preview["unmapped_objects"].as_array().unwrap().iter().all(|o| o["code"] != "400"));
}

#[test]
fn at_the_year_end_the_closing_balances_are_used() {
    let store = minimal();
    const HELAR_2026: i64 = 6;
    // The closing balance says 7 kr in the bank, whatever the months say.
    let text = TINY.replace("#IB 0 2350 -1000.00", "#IB 0 2350 -1000.00\n#UB 0 1930 7.00");
    let p = import::preview(&store, "bokslut.se", &cp437(&text), &HELAR_2026.to_string(), &Recorder::default()).unwrap();
    assert_eq!(statement(&p.figures, "br.cash", StatementColumn::Actual), Some(700));
    assert_eq!(p.through_month, "2026-12");
    // September's costs count at helår: 500 + 999 kr.
    assert_eq!(statement(&p.figures, "rr.costs", StatementColumn::Actual), Some(-149_900));
    assert!(p.notes.iter().any(|n| n.sv.contains("går inte ihop")), "a sheet that does not balance is said so: {:?}", p.notes);
}
