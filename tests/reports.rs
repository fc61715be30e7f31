//! Reports checked with real readers: pdftotext, pdfinfo, pdffonts and qpdf for the PDFs,
//! calamine and LibreOffice for the workbook. The tools are installed by
//! `scripts/install-system-deps.sh --test`; a missing tool fails the test with a message
//! saying how to install it. `STYRKORT_REPORTS_OUT=DIR` keeps a copy of every report made.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use calamine::{Data, Reader, Xlsx};
use chrono::NaiveDate;
use styrkort::model::{ActivityStatus, AssessmentState, Direction, Frequency, Gender, GoalLevel, ToleranceKind, ValueSource};
use styrkort::report::{self, ReportSections, ReportSettings};
use styrkort::store::{NewActivity, NewGoal, NewIndicator};
use styrkort::{scorecard, seed, ChangeContext, ErrorCode, Store};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/reports");

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()
}

fn ctx() -> ChangeContext {
    ChangeContext::new("test", "2026-11-26T10:00:00")
}

/// The demo municipality in a database file (the CLI tests and the Kolada rows need a file).
fn demo_db(dir: &Path) -> (PathBuf, Store) {
    let path = dir.join("demo.db");
    let mut store = Store::open(&path).unwrap();
    seed::load(&mut store, &ctx(), seed::DEMO_SEED_NAME, seed::DEMO_SEED).unwrap();
    (path, store)
}

/// Run a tool that must be installed; a missing tool fails with how to get it.
fn tool(name: &str, package: &str, args: &[&str]) -> Output {
    match Command::new(name).args(args).output() {
        Ok(out) => out,
        Err(e) => panic!(
            "{name} could not be run ({e}). Install it with `scripts/install-system-deps.sh --test` (Debian/Ubuntu package {package})."
        ),
    }
}

fn pdftotext(pdf: &Path, extra: &[&str]) -> String {
    let mut args: Vec<&str> = extra.to_vec();
    let p = pdf.to_str().unwrap();
    args.extend([p, "-"]);
    let out = tool("pdftotext", "poppler-utils", &args);
    assert!(out.status.success(), "pdftotext failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("pdftotext gives UTF-8")
}

fn page_text(pdf: &Path, page: usize) -> String {
    let n = page.to_string();
    pdftotext(pdf, &["-layout", "-f", &n, "-l", &n])
}

fn pdfinfo(pdf: &Path) -> HashMap<String, String> {
    let out = tool("pdfinfo", "poppler-utils", &[pdf.to_str().unwrap()]);
    assert!(out.status.success(), "pdfinfo failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| !l.starts_with(' '))
        .filter_map(|l| l.split_once(':').map(|(k, v)| (k.trim().to_string(), v.trim().to_string())))
        .collect()
}

fn pages(pdf: &Path) -> usize {
    pdfinfo(pdf)["Pages"].parse().unwrap()
}

fn qpdf_check(pdf: &Path) {
    let out = tool("qpdf", "qpdf", &["--check", pdf.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "qpdf --check failed for {}:\n{}{}",
        pdf.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Write a report into the test's folder; with `STYRKORT_REPORTS_OUT=DIR` also keep a
/// copy there, to look at (e.g. `pdftoppm -png -r 60`).
fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    styrkort::files::write_output(&path, None, bytes).unwrap();
    if let Some(keep) = std::env::var_os("STYRKORT_REPORTS_OUT") {
        std::fs::create_dir_all(&keep).unwrap();
        std::fs::copy(&path, Path::new(&keep).join(name)).unwrap();
    }
    path
}

/// Collapse runs of whitespace, so text wrapped over lines can be searched for.
fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn styrkort_pdf_shows_one_unit_on_one_landscape_page() {
    let dir = tempfile::tempdir().unwrap();
    let (_, store) = demo_db(dir.path());
    let unit = store.resolve_unit("Socialnämnden").unwrap();
    let period = store.resolve_period(2026, "delår").unwrap();
    let bytes = report::styrkort_pdf(&store, &[unit.id], 2026, period.id, today()).unwrap();
    let pdf = write(dir.path(), "styrkort.pdf", &bytes);

    qpdf_check(&pdf);
    let info = pdfinfo(&pdf);
    assert_eq!(info["Pages"], "1");
    assert!(!info.contains_key("PDF subtype"), "the file does not claim PDF/X or PDF/A: {info:?}");
    assert_eq!(info["Title"], "Styrkort – Socialnämnden – Delår 2026");
    assert_eq!(info["Author"], "Sjöbacka kommun");
    let size = &info["Page size"];
    assert!(size.starts_with("841.89") && size.contains("x 595.28"), "A4 landscape: {size}");

    let text = flat(&pdftotext(&pdf, &["-layout"]));
    let card = scorecard::build(&store, unit.id, 2026, Some(period.id), today()).unwrap();
    for needle in ["Sjöbacka kommun", "Styrkort – Socialnämnden", "Delår 2026", "Sida 1 av 1", "Vision: Sjöbacka"] {
        assert!(text.contains(needle), "missing {needle:?} in:\n{text}");
    }
    // Every perspective, goal and activity of the scorecard is on the page, each goal
    // with its assessment as symbol and word.
    for p in &card.perspectives {
        assert!(text.contains(&p.name), "perspective {}", p.name);
        for g in &p.goals {
            assert!(text.contains(&g.code), "goal {}", g.code);
            if let Some(label) = g.assessment.as_ref().and_then(|a| a.label.as_ref()) {
                let symbol = g.status.status.unwrap().symbol();
                assert!(text.contains(&format!("{symbol} {label}")), "assessment of {}: {symbol} {label}", g.code);
            }
            for i in &g.indicators {
                let first_word = i.name.split_whitespace().next().unwrap();
                assert!(text.contains(first_word), "indicator {}", i.name);
            }
        }
    }
    for a in &card.activities {
        assert!(text.contains(a.status.label_sv()), "activity status {}", a.status.label_sv());
    }
    assert!(text.contains("−3,2 %"), "a negative value with the Swedish minus and decimal comma");
    assert!(text.contains("● Uppnått = målet nås"), "legend: the window's words for the target status");
}

/// The words of a PDF page with their font size, from `pdftotext -bbox` (DejaVu's box is
/// 1.164 times the size).
fn word_sizes(pdf: &Path, page: usize) -> Vec<(String, f32)> {
    let n = page.to_string();
    let html = pdftotext(pdf, &["-bbox", "-f", &n, "-l", &n]);
    let attr = |line: &str, name: &str| -> f32 {
        let start = line.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
        line[start..].split('"').next().unwrap().parse().unwrap()
    };
    html.lines()
        .filter(|l| l.trim_start().starts_with("<word"))
        .map(|l| {
            let word = l.split('>').nth(1).unwrap().split('<').next().unwrap().to_string();
            (word, (attr(l, "yMax") - attr(l, "yMin")) / 1.164)
        })
        .collect()
}

/// The APT page (issue 15): body text at least 9 pt on every demo unit's page, empty
/// perspectives collapsed into one line, and each goal says what it contributes to and what
/// is being done now.
#[test]
fn styrkort_pdf_reads_at_9_pt_and_shows_only_perspectives_with_goals() {
    let dir = tempfile::tempdir().unwrap();
    let (_, store) = demo_db(dir.path());
    let period = store.resolve_period(2026, "delår").unwrap();
    let kommun = store.resolve_unit("Sjöbacka kommun").unwrap();
    let ids: Vec<i64> = report::unit_and_below(&store, kommun.id).unwrap().iter().map(|u| u.id).collect();
    let bytes = report::styrkort_pdf(&store, &ids, 2026, period.id, today()).unwrap();
    let pdf = write(dir.path(), "apt-alla.pdf", &bytes);
    let n = pages(&pdf);
    for p in 1..=n {
        let words = word_sizes(&pdf, p);
        let body: Vec<&(String, f32)> = words.iter().filter(|(w, _)| w == "Bedömning:" || w == "Bidrar").collect();
        for (w, size) in &body {
            assert!(*size >= 8.95, "page {p}: {w:?} at {size:.1} pt, below 9 pt");
        }
    }

    // Ekonomienheten has goals only in Ekonomi: one box, the others named in one line.
    let unit = store.resolve_unit("Ekonomienheten").unwrap();
    let bytes = report::styrkort_pdf(&store, &[unit.id], 2026, period.id, today()).unwrap();
    let pdf = write(dir.path(), "apt-ekonomi.pdf", &bytes);
    assert_eq!(pages(&pdf), 1);
    let text = flat(&pdftotext(&pdf, &["-layout"]));
    assert!(text.contains("Inga mål i perspektiven Invånare, Medarbetare och Hållbar utveckling för 2026."), "{text}");
    assert!(!text.contains("Inga mål i detta perspektiv"), "no empty boxes: {text}");
    assert!(!text.contains("Medarbetare Saknas"), "no empty box for Medarbetare: {text}");
    assert!(text.contains("Bidrar till: KS1 Budgetföljsamheten ska förbättras i hela kommunen"), "{text}");

    // Socialnämnden on one page, each goal with what it serves and what is done now.
    let sn = store.resolve_unit("Socialnämnden").unwrap();
    let bytes = report::styrkort_pdf(&store, &[sn.id], 2026, period.id, today()).unwrap();
    let pdf = write(dir.path(), "apt-sn.pdf", &bytes);
    assert_eq!(pages(&pdf), 1);
    let text = flat(&pdftotext(&pdf, &["-layout"]));
    let card = scorecard::build(&store, sn.id, 2026, Some(period.id), today()).unwrap();
    let goals: Vec<_> = card.perspectives.iter().flat_map(|p| &p.goals).collect();
    assert_eq!(text.matches("Bidrar till:").count(), goals.iter().filter(|g| !g.parents.is_empty()).count());
    // SN3 has an open activity: that is what is done now.
    assert!(text.contains("Det här gör vi nu: Översyn av externa placeringar"), "{text}");
    // The values per gender beside sick leave.
    assert!(text.contains("K 9,2 % · M 5,7 %"), "{text}");
}

/// A unit with more than a page holds: shrinks, then continues on more pages, and
/// every goal and indicator is still there.
#[test]
fn styrkort_pdf_continues_on_a_second_page_instead_of_cutting_text() {
    let dir = tempfile::tempdir().unwrap();
    let (_, mut store) = demo_db(dir.path());
    let unit = store.resolve_unit("Hemtjänsten").unwrap();
    let period = store.resolve_period(2026, "delår").unwrap();
    let perspective = scorecard::build(&store, unit.id, 2026, Some(period.id), today()).unwrap().perspectives[0].id;
    let long = "Brukarna ska uppleva att hemtjänsten ger trygghet, kontinuitet och inflytande över insatserna varje dag";
    store
        .write(&ctx(), |w| {
            for n in 1..=14 {
                let goal = styrkort::store::goals::insert(
                    w,
                    NewGoal {
                        plan_year: 2026,
                        level: GoalLevel::Enhet,
                        perspective_id: perspective,
                        owner_unit_id: unit.id,
                        code: format!("LÅNG{n}"),
                        title: format!("{long} ({n})"),
                        description: String::new(),
                    },
                )?;
                let ind = styrkort::store::indicators::insert(
                    w,
                    NewIndicator {
                        name: format!("Andel nöjda brukare med en lång beskrivning av vad som mäts, mätning {n}"),
                        description: String::new(),
                        unit: "%".into(),
                        direction: Direction::Higher,
                        decimals: 1,
                        kolada_kpi_id: None,
                        owner_unit_id: unit.id,
                        frequency: Frequency::Year,
                        gender_split: false,
                        tolerance_kind: ToleranceKind::Percent,
                        tolerance: 10.0,
                    },
                )?;
                styrkort::store::indicators::link_goal(w, goal, ind)?;
                styrkort::store::indicators::set_target(w, ind, 2026, 90.0, None)?;
                styrkort::store::values::set(w, ind, unit.id, period.id, Gender::T, 80.0 + n as f64, ValueSource::Manual)?;
            }
            Ok(())
        })
        .unwrap();
    let bytes = report::styrkort_pdf(&store, &[unit.id], 2026, period.id, today()).unwrap();
    let pdf = write(dir.path(), "lang.pdf", &bytes);
    qpdf_check(&pdf);
    let n = pages(&pdf);
    assert!(n >= 2, "14 long goals do not fit one page; got {n} page(s)");
    let all = flat(&pdftotext(&pdf, &["-layout"]));
    for k in 1..=14 {
        assert!(all.contains(&format!("LÅNG{k}")), "goal LÅNG{k} is on some page");
        assert!(all.contains(&format!("mätning {k}")), "indicator {k} is on some page");
    }
    let second = flat(&page_text(&pdf, 2));
    assert!(second.contains("Fortsättning från föregående sida"), "{second}");
    assert!(second.contains("Styrkort – Hemtjänsten"), "the continuation page names the unit");
    assert!(flat(&page_text(&pdf, 1)).contains("Fortsätter på nästa sida"));
    assert!(all.contains(&format!("Sida 2 av {n}")));
}

#[test]
fn delarsrapport_for_the_whole_municipality() {
    let dir = tempfile::tempdir().unwrap();
    let (_, store) = demo_db(dir.path());
    let top = store.resolve_unit("Sjöbacka kommun").unwrap();
    let period = store.resolve_period(2026, "delår").unwrap();
    let bytes = report::delarsrapport_pdf(&store, top.id, 2026, period.id, today()).unwrap();
    let pdf = write(dir.path(), "delar.pdf", &bytes);

    qpdf_check(&pdf);
    let info = pdfinfo(&pdf);
    assert_eq!(info["Title"], "Delårsrapport (utkast) – Sjöbacka kommun – Delår 2026");
    assert_eq!(info["Creator"], "Styrkort");
    assert!(info["Page size"].starts_with("595.28 x 841.89"), "A4 portrait: {}", info["Page size"]);
    let n = pages(&pdf);
    assert!(n > 10, "{n} pages");

    let text = pdftotext(&pdf, &[]);
    assert!(text.contains("Måluppfyllelse"), "the summary heading, åäö extracted exactly");
    for capitals in ["Årets resultat", "Äldre ska", "Översyn av externa placeringar"] {
        assert!(text.contains(capitals), "{capitals}");
    }
    assert!(text.contains(&format!("Sida 1 av {n}")));
    assert!(text.contains(&format!("Sida {n} av {n}")));
    for u in styrkort::report::unit_and_below(&store, top.id).unwrap() {
        // (A name may wrap in the one line that lists the units without goals.)
        assert!(flat(&text).contains(&u.name), "unit {} is in the report", u.name);
    }
    // The analysis keeps its bullets.
    assert!(flat(&text).contains("• en gemensam rutin för att främja närvaro i alla skolor"));
    // Both faces are embedded as subsets, with a Unicode map (text can be copied).
    let fonts = String::from_utf8(tool("pdffonts", "poppler-utils", &[pdf.to_str().unwrap()]).stdout).unwrap();
    for face in ["DejaVuSans ", "DejaVuSans-Bold "] {
        let line = fonts.lines().find(|l| l.contains(&format!("+{face}"))).unwrap_or_else(|| panic!("{face} in\n{fonts}"));
        assert!(line.contains("yes yes yes"), "embedded, subset, unicode: {line}");
    }

    // The table of contents' page numbers point at the sections.
    let toc = page_text(&pdf, 2);
    assert!(toc.contains("Innehåll"));
    let mut checked = 0;
    for name in ["Måluppfyllelse", "Ekonomi", "Kommunstyrelsen", "Socialnämnden", "Hemtjänsten"] {
        let line = toc.lines().find(|l| l.trim_start().starts_with(name)).unwrap_or_else(|| panic!("{name} in the contents:\n{toc}"));
        let page: usize = line.split_whitespace().last().unwrap().parse().unwrap();
        let body = page_text(&pdf, page);
        let heading_line = body.lines().skip(2).any(|l| l.trim() == name);
        assert!(heading_line, "{name} is a heading on page {page}:\n{body}");
        checked += 1;
    }
    assert_eq!(checked, 5);
    // The bolag has no goals: it is named in one line, not given a section (and a page) of its own.
    assert!(
        flat(&text).contains("Utan egna mål för 2026: Samhällsbyggnadsnämnden, Kultur- och fritidsnämnden, Miljö- och byggnämnden, Överförmyndarnämnden, Valnämnden, Sjöbacka Bostäder AB."),
        "the units without goals in one line"
    );
    assert!(!toc.contains("Sjöbacka Bostäder AB"), "no section for a unit without goals:\n{toc}");
    // Nor a row of zeros in the summary of goal attainment.
    let layout = pdftotext(&pdf, &["-layout"]);
    assert!(
        !layout.lines().any(|l| l.trim_start().starts_with("Valnämnden") && l.split_whitespace().nth(1) == Some("0")),
        "Valnämnden has no goals and no row in Måluppfyllelse"
    );
    // A running header on the pages after the contents, never on the cover.
    assert!(page_text(&pdf, 4).contains("Sjöbacka kommun · Delårsrapport (utkast) · Delår 2026"));
    assert!(!page_text(&pdf, 1).contains("Delårsrapport · Delår 2026"));
    // No Kolada values in the demo: no comparison column.
    assert!(!text.contains("Jämförelse"));
}

#[test]
fn delarsrapport_summary_counts_every_goal_per_scale_step() {
    let dir = tempfile::tempdir().unwrap();
    let (_, store) = demo_db(dir.path());
    let top = store.resolve_unit("Socialnämnden").unwrap();
    let period = store.resolve_period(2026, "delår").unwrap();
    let bytes = report::delarsrapport_pdf(&store, top.id, 2026, period.id, today()).unwrap();
    let pdf = write(dir.path(), "sn.pdf", &bytes);
    // Count the assessments the way a reader would, from the scorecards.
    let scale = store.scale(2026).unwrap();
    let mut expected = vec![0usize; scale.len()];
    let mut none = 0;
    let mut total = 0;
    for u in report::unit_and_below(&store, top.id).unwrap() {
        let card = scorecard::build(&store, u.id, 2026, Some(period.id), today()).unwrap();
        for g in card.perspectives.iter().flat_map(|p| &p.goals) {
            total += 1;
            match g.assessment.as_ref().and_then(|a| a.step) {
                Some(s) => expected[(s - 1) as usize] += 1,
                None => none += 1,
            }
        }
    }
    let summary = page_text(&pdf, 3);
    let totals = summary.lines().find(|l| l.trim_start().starts_with("Totalt")).expect("a total row");
    let numbers: Vec<usize> = totals.split_whitespace().skip(1).map(|n| n.parse().unwrap()).collect();
    let mut want = expected.clone();
    want.push(none);
    want.push(total);
    assert_eq!(numbers, want, "{summary}");
}

/// A goal with many indicators: its table breaks over a page and repeats its header row.
#[test]
fn long_tables_repeat_their_header_row_and_kolada_adds_a_column() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut store) = demo_db(dir.path());
    let unit = store.resolve_unit("Individ- och familjeomsorgen").unwrap();
    let period = store.resolve_period(2026, "delår").unwrap();
    let perspective = scorecard::build(&store, unit.id, 2026, Some(period.id), today()).unwrap().perspectives[1].id;
    store
        .write(&ctx(), |w| {
            let goal = styrkort::store::goals::insert(
                w,
                NewGoal {
                    plan_year: 2026,
                    level: GoalLevel::Enhet,
                    perspective_id: perspective,
                    owner_unit_id: unit.id,
                    code: "IFO9".into(),
                    title: "Många nyckeltal".into(),
                    description: String::new(),
                },
            )?;
            for n in 1..=70 {
                let ind = styrkort::store::indicators::insert(
                    w,
                    NewIndicator {
                        name: format!("Nyckeltal nummer {n}"),
                        description: String::new(),
                        unit: "%".into(),
                        direction: Direction::Lower,
                        decimals: 1,
                        kolada_kpi_id: (n == 1).then(|| "N00090".to_string()),
                        owner_unit_id: unit.id,
                        frequency: Frequency::Year,
                        gender_split: false,
                        tolerance_kind: ToleranceKind::Percent,
                        tolerance: 10.0,
                    },
                )?;
                styrkort::store::indicators::link_goal(w, goal, ind)?;
                styrkort::store::values::set(w, ind, unit.id, period.id, Gender::T, n as f64, ValueSource::Manual)?;
            }
            Ok(())
        })
        .unwrap();
    // An imported Kolada value for the whole country (as the Kolada import stores it), for
    // the last whole year before the period ends.
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute(
        "INSERT INTO kolada_value(kpi_id, area_id, area_kind, year, gender, value, imported_at, source_file)
         VALUES ('N00090', '0000', 'municipality', 2025, 'T', 9.4, '2026-11-26T10:00:00', 'n00090.json')",
        [],
    )
    .unwrap();
    drop(conn);

    let bytes = report::delarsrapport_pdf(&store, unit.id, 2026, period.id, today()).unwrap();
    let pdf = write(dir.path(), "ifo.pdf", &bytes);
    qpdf_check(&pdf);
    let n = pages(&pdf);
    let is_row = |l: &str| l.contains("Nyckeltal nummer") && l.contains(" %");
    let with_rows: Vec<usize> = (1..=n).filter(|p| page_text(&pdf, *p).lines().any(is_row)).collect();
    assert!(with_rows.len() >= 2, "70 rows span pages: {with_rows:?}");
    for p in &with_rows {
        let t = page_text(&pdf, *p);
        let header = t.lines().find(|l| l.contains("Nyckeltal") && l.contains("Utfall") && l.contains("Jämförelse"));
        assert!(header.is_some(), "page {p} repeats the header row with the Kolada column:\n{t}");
    }
    let all = flat(&pdftotext(&pdf, &["-layout"]));
    assert!(all.contains("Riket 2025: 9,4 %"), "the Kolada value for riket names its year");
    assert!(all.contains("Källa: Kolada"), "Kolada is credited");
    // In drawing order each row's name comes before its value: every row is there once.
    let raw = flat(&pdftotext(&pdf, &[]));
    for k in 1..=70 {
        assert!(raw.contains(&format!("Nyckeltal nummer {k} {k},0 %")), "row {k}");
    }
}

#[test]
fn report_settings_are_validated_saved_audited_and_used() {
    let dir = tempfile::tempdir().unwrap();
    let (_, mut store) = demo_db(dir.path());
    let defaults = ReportSettings::load(&store).unwrap();
    assert_eq!(defaults.municipality_name, "Sjöbacka kommun");
    assert_eq!(defaults.sections, ReportSections::default());

    // Bad input is refused with a clear message and changes nothing.
    let audit = store.audit_count().unwrap();
    let cases: Vec<(ReportSettings, &str)> = vec![
        (ReportSettings { primary_colour: "blå".into(), ..defaults.clone() }, "#rrggbb"),
        (ReportSettings { accent_colour: "#12345".into(), ..defaults.clone() }, "#rrggbb"),
        (ReportSettings { municipality_name: "  ".into(), ..defaults.clone() }, "namn"),
        (ReportSettings { footer_text: "x".repeat(201), ..defaults.clone() }, "Sidfotstexten"),
        (ReportSettings { logo_base64: Some("inte base64!".into()), ..defaults.clone() }, "base64"),
    ];
    for (settings, hint) in cases {
        let err = settings.save(&mut store, &ctx()).unwrap_err();
        assert_eq!(err.code, ErrorCode::Validation);
        assert!(err.message.contains(hint), "{hint}: {}", err.message);
    }
    let fixture = |name: &str| Path::new(FIXTURES).join(name);
    for (file, hint) in [("not-an-image.png", "varken PNG eller JPEG"), ("truncated.png", "går inte att läsa som bild")] {
        let err = report::logo_from_file(&fixture(file)).unwrap_err();
        assert_eq!(err.code, ErrorCode::Validation, "{file}");
        assert!(err.message.contains(hint) && err.message.contains(file), "{file}: {}", err.message);
    }
    let big = dir.path().join("stor.png");
    let mut bytes = std::fs::read(fixture("logo.png")).unwrap();
    bytes.resize(report::settings::MAX_LOGO_BYTES + 1, 0);
    std::fs::write(&big, bytes).unwrap();
    let err = report::logo_from_file(&big).unwrap_err();
    assert!(err.message.contains("för stor"), "{}", err.message);
    let err = report::logo_from_file(&dir.path().join("saknas.png")).unwrap_err();
    assert_eq!(err.code, ErrorCode::NotFound, "a missing file is named as missing: {}", err.message);
    assert!(err.message.contains("saknas.png") && err.message.contains("finns inte"), "{}", err.message);
    assert_eq!(store.audit_count().unwrap(), audit, "nothing was written");
    assert_eq!(ReportSettings::load(&store).unwrap(), defaults);

    // Good settings are saved (each changed key audited) and read back.
    let jpeg = report::logo_from_file(&fixture("logo.jpg")).unwrap();
    assert!(report::logo_from_file(&fixture("logo.png")).is_ok());
    let chosen = ReportSettings {
        municipality_name: "Sjöbacka kommun".into(),
        logo_base64: Some(jpeg),
        primary_colour: "#7B1FA2".into(),
        accent_colour: "#00796b".into(),
        sections: ReportSections { charts: false, analysis: false, ..ReportSections::default() },
        footer_text: "Sjöbacka kommun · Kommunledningskontoret · Godkänd av KS 2026-10-15".into(),
        economy_unit: Default::default(),
    };
    assert_eq!(chosen.save(&mut store, &ctx()).unwrap(), 5, "all but the name changed");
    assert_eq!(store.audit_count().unwrap(), audit + 5);
    assert_eq!(chosen.save(&mut store, &ctx()).unwrap(), 0, "saving the same again writes nothing");
    let loaded = ReportSettings::load(&store).unwrap();
    assert_eq!(loaded.primary_colour, "#7b1fa2");
    assert_eq!(loaded.sections, chosen.sections);
    assert_eq!(loaded.logo_base64, chosen.logo_base64);

    // The reports use them: the logo is an image, the footer is on every page, the
    // sections switched off are gone.
    let top = store.resolve_unit("Socialnämnden").unwrap();
    let period = store.resolve_period(2026, "delår").unwrap();
    let bytes = report::delarsrapport_pdf(&store, top.id, 2026, period.id, today()).unwrap();
    let pdf = write(dir.path(), "med-logga.pdf", &bytes);
    qpdf_check(&pdf);
    let images = String::from_utf8(tool("pdfimages", "poppler-utils", &["-list", pdf.to_str().unwrap()]).stdout).unwrap();
    assert!(images.lines().any(|l| l.contains(" 240 ") && l.contains("80")), "the 240×80 logo is embedded:\n{images}");
    for p in 1..=pages(&pdf) {
        assert!(flat(&page_text(&pdf, p)).contains("Godkänd av KS 2026-10-15"), "footer on page {p}");
    }
    let text = flat(&pdftotext(&pdf, &["-layout"]));
    assert!(!text.contains("Socialnämnden har gått igenom de fria svaren"), "analysis switched off");
    assert!(text.contains("Nyckeltal"), "the indicator tables stay");

    let png = report::logo_from_file(&fixture("logo.png")).unwrap();
    ReportSettings { logo_base64: Some(png), ..loaded }.save(&mut store, &ctx()).unwrap();
    let bytes = report::styrkort_pdf(&store, &[top.id], 2026, period.id, today()).unwrap();
    let pdf = write(dir.path(), "styrkort-logga.pdf", &bytes);
    qpdf_check(&pdf);
    let images = String::from_utf8(tool("pdfimages", "poppler-utils", &["-list", pdf.to_str().unwrap()]).stdout).unwrap();
    assert!(images.lines().any(|l| l.contains(" 240 ")), "the PNG logo is embedded:\n{images}");
}

fn cell<'a>(range: &'a calamine::Range<Data>, row: usize, header: &str) -> &'a Data {
    let col = (0..range.width())
        .find(|c| range.get((0, *c)) == Some(&Data::String(header.to_string())))
        .unwrap_or_else(|| panic!("column {header}"));
    range.get((row, col)).unwrap_or(&Data::Empty)
}

fn rows_where(range: &calamine::Range<Data>, header: &str, value: &str) -> Vec<usize> {
    (1..range.height()).filter(|r| cell(range, *r, header) == &Data::String(value.to_string())).collect()
}

#[test]
fn workbook_has_typed_cells_and_never_turns_text_into_formulas() {
    let dir = tempfile::tempdir().unwrap();
    let (_, mut store) = demo_db(dir.path());
    let ifo = store.resolve_unit("Individ- och familjeomsorgen").unwrap();
    store
        .write(&ctx(), |w| {
            styrkort::store::activities::insert(
                w,
                NewActivity {
                    plan_year: 2026,
                    owner_unit_id: ifo.id,
                    title: "=HYPERLINK(\"http://example.com\";\"klicka\")".into(),
                    description: String::new(),
                    responsible: "-Kalle".into(),
                    start_date: "2026-02-01".parse().ok(),
                    end_date: "2026-06-30".parse().ok(),
                    status: ActivityStatus::Delayed,
                },
                &[],
            )?;
            styrkort::store::activities::insert(
                w,
                NewActivity {
                    plan_year: 2026,
                    owner_unit_id: ifo.id,
                    title: "+46 70 123 45 67".into(),
                    description: String::new(),
                    responsible: "@alla".into(),
                    start_date: None,
                    end_date: None,
                    status: ActivityStatus::NotStarted,
                },
                &[],
            )?;
            Ok(())
        })
        .unwrap();
    let period = store.resolve_period(2026, "delår").unwrap();
    let bytes = report::workbook(&store, None, 2026, Some(period.id), today()).unwrap();
    let path = write(dir.path(), "styrkort.xlsx", &bytes);

    let mut book: Xlsx<_> = calamine::open_workbook(&path).unwrap();
    assert_eq!(
        book.sheet_names(),
        ["Översikt", "Mål", "Nyckeltalsvärden", "Nyckeltal per år", "Aktiviteter", "Uppdrag", "Fullständighet", "Om filen"]
    );

    // Long values: one row per indicator, unit, period and gender; numbers are floats.
    let values = book.worksheet_range("Nyckeltalsvärden").unwrap();
    let sjuk: Vec<usize> = rows_where(&values, "Nyckeltal", "Sjukfrånvaro bland kommunens anställda");
    let women_delar = sjuk
        .iter()
        .find(|r| {
            cell(&values, **r, "Period") == &Data::String("delår".into()) && cell(&values, **r, "Kön") == &Data::String("Kvinnor".into())
        })
        .expect("the women's delår value");
    assert_eq!(cell(&values, *women_delar, "Värde"), &Data::Float(8.4));
    assert_eq!(cell(&values, *women_delar, "År"), &Data::Float(2026.0));
    assert_eq!(cell(&values, *women_delar, "Mål för året"), &Data::Float(7.0));
    assert!(matches!(cell(&values, *women_delar, "Periodens slut"), Data::DateTime(_)), "a date cell");
    assert!(matches!(cell(&values, *women_delar, "Ändrad"), Data::DateTime(_)), "a date-time cell");
    let hr = store.resolve_unit("HR-enheten").unwrap();
    assert_eq!(cell(&values, *women_delar, "Enhet"), &Data::String(hr.name));
    // Every stored value of the report's year and the year before, up to the period, is there;
    // earlier years only in the sheet per year.
    let years: std::collections::BTreeSet<String> = sjuk.iter().map(|r| format!("{:?}", cell(&values, *r, "År"))).collect();
    assert_eq!(years.into_iter().collect::<Vec<_>>(), ["Float(2025.0)", "Float(2026.0)"]);
    let stored: i64 = rusqlite::Connection::open(store.path().unwrap())
        .unwrap()
        .query_row(
            "SELECT COUNT(*) FROM indicator_value v JOIN follow_up_period p ON p.id = v.period_id JOIN indicator i ON i.id = v.indicator_id
             WHERE i.name = 'Sjukfrånvaro bland kommunens anställda' AND p.plan_year >= 2025 AND p.end_date <= '2026-08-31'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(sjuk.len() as i64, stored);

    // Wide values: one column per year.
    let wide = book.worksheet_range("Nyckeltal per år").unwrap();
    let row = rows_where(&wide, "Nyckeltal", "Antal invånare")[0];
    assert_eq!(cell(&wide, row, "2022"), &Data::Float(15212.0));
    assert_eq!(cell(&wide, row, "2025"), &Data::Float(15104.0));
    // The status is the 2025 value's against 2025's target, and the sheet says so.
    assert_eq!(cell(&wide, row, "Status avser"), &Data::String("2025 helår".into()));
    assert_eq!(cell(&wide, row, "Mål för det året"), &Data::Float(15200.0));
    let built = rows_where(&wide, "Nyckeltal", "Färdigställda nya hyreslägenheter")[0];
    assert_eq!(cell(&wide, built, "Mål för det året"), &Data::Float(20.0), "2025's target, not 2026's 30");

    // Statuses are words (the colour is never the only signal).
    let goals = book.worksheet_range("Mål").unwrap();
    let kf1 = rows_where(&goals, "Kod", "KF1")[0];
    assert_eq!(cell(&goals, kf1, "Bedömning"), &Data::String("▲ Bedöms delvis uppfyllas".into()));
    assert_eq!(cell(&goals, kf1, "Steg på skalan"), &Data::Float(2.0));
    // The analysis without Markdown's marks: bullets as "– " lines, no stars.
    assert!(matches!(cell(&goals, kf1, "Analys"), Data::String(s) if s.contains("\n– en gemensam rutin") && !s.contains("**")));
    // Headers a reader understands.
    let headers: Vec<String> = (0..goals.width()).map(|c| goals.get((0, c)).unwrap().to_string()).collect();
    assert!(headers.contains(&"Saknar koppling uppåt".to_string()), "{headers:?}");
    assert!(!headers.iter().any(|h| h == "Lös tråd" || h == "Tillstånd" || h == "Beräknad status"), "{headers:?}");
    // "**delvis**" (KF2) is a bold run of a rich string, never stars.
    let kf2 = rows_where(&goals, "Kod", "KF2")[0];
    assert!(matches!(cell(&goals, kf2, "Analys"), Data::String(s) if s.starts_with("Målet bedöms delvis uppfyllas") && !s.contains('*')));
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&path).unwrap()).unwrap();
    let mut strings = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("xl/sharedStrings.xml").unwrap(), &mut strings).unwrap();
    assert!(strings.contains("<b/>") && strings.contains(">delvis</t>"), "a bold run holds 'delvis'");

    // Text that looks like a formula stays text.
    let acts = book.worksheet_range("Aktiviteter").unwrap();
    let r = rows_where(&acts, "Ansvarig", "-Kalle")[0];
    assert_eq!(cell(&acts, r, "Aktivitet"), &Data::String("=HYPERLINK(\"http://example.com\";\"klicka\")".into()));
    assert_eq!(cell(&acts, r, "Status"), &Data::String("Försenad".into()));
    assert!(matches!(cell(&acts, r, "Start"), Data::DateTime(_)));
    let r = rows_where(&acts, "Ansvarig", "@alla")[0];
    assert_eq!(cell(&acts, r, "Aktivitet"), &Data::String("+46 70 123 45 67".into()));
    let formulas = book.worksheet_formula("Aktiviteter").unwrap();
    assert!(formulas.used_cells().all(|(_, _, f)| f.is_empty()), "no formulas at all");

    // Completeness per unit, checked against the scorecard.
    let done = book.worksheet_range("Fullständighet").unwrap();
    let sn = store.resolve_unit("Socialnämnden").unwrap();
    let card = scorecard::build(&store, sn.id, 2026, Some(period.id), today()).unwrap();
    let goals_of: Vec<_> = card.perspectives.iter().flat_map(|p| &p.goals).collect();
    let r = rows_where(&done, "Enhet", "Socialnämnden")[0];
    assert_eq!(cell(&done, r, "Antal mål"), &Data::Float(goals_of.len() as f64));
    let approved = goals_of.iter().filter(|g| g.assessment.as_ref().is_some_and(|a| a.state == AssessmentState::Approved)).count();
    assert_eq!(cell(&done, r, "Godkända bedömningar"), &Data::Float(approved as f64));
    let with_value = goals_of
        .iter()
        .flat_map(|g| &g.indicators)
        .filter(|i| i.value_period.as_deref() == Some("2026 delår"))
        .map(|i| i.id)
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    assert_eq!(cell(&done, r, "Nyckeltal med värde för perioden"), &Data::Float(with_value as f64));

    // LibreOffice opens the file: every sheet to CSV (UTF-8), text stays text.
    let out_dir = dir.path().join("csv");
    std::fs::create_dir(&out_dir).unwrap();
    let profile = format!("-env:UserInstallation=file://{}", dir.path().join("lo-profile").display());
    let out = tool(
        "soffice",
        "libreoffice-calc-nogui",
        &[
            &profile,
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1",
            "--outdir",
            out_dir.to_str().unwrap(),
            path.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "soffice failed: {}", String::from_utf8_lossy(&out.stderr));
    let sheet = |name: &str| {
        std::fs::read_to_string(out_dir.join(format!("styrkort-{name}.csv")))
            .unwrap_or_else(|e| panic!("LibreOffice wrote sheet {name} as CSV: {e}"))
    };
    assert!(sheet("Översikt").contains("Sjöbacka kommun,Kommun,Invånare"));
    let acts = sheet("Aktiviteter");
    assert!(acts.contains(r#""=HYPERLINK(""http://example.com"";""klicka"")""#), "the text, not a computed link:\n{acts}");
    assert!(acts.contains("Individ- och familjeomsorgen,+46 70 123 45 67,@alla"), "{acts}");
    assert!(sheet("Om filen").contains("Skapad,2026-11-26"), "the date cell");
}

#[test]
fn reports_refuse_unknown_units_years_and_periods() {
    let dir = tempfile::tempdir().unwrap();
    let (_, store) = demo_db(dir.path());
    let period = store.resolve_period(2026, "delår").unwrap();
    let other_year = store.resolve_period(2025, "helår").unwrap();
    let unit = store.resolve_unit("Socialnämnden").unwrap();

    let e = report::styrkort_pdf(&store, &[9999], 2026, period.id, today()).unwrap_err();
    assert_eq!(e.code, ErrorCode::NotFound);
    let e = report::delarsrapport_pdf(&store, 9999, 2026, period.id, today()).unwrap_err();
    assert_eq!(e.code, ErrorCode::NotFound);
    let e = report::delarsrapport_pdf(&store, unit.id, 2031, period.id, today()).unwrap_err();
    assert_eq!(e.code, ErrorCode::NotFound);
    assert!(e.message.contains("2031"), "{}", e.message);
    let e = report::delarsrapport_pdf(&store, unit.id, 2026, other_year.id, today()).unwrap_err();
    assert_eq!(e.code, ErrorCode::Validation, "a period of another year: {}", e.message);
    let e = report::styrkort_pdf(&store, &[unit.id], 2026, 9999, today()).unwrap_err();
    assert_eq!(e.code, ErrorCode::NotFound);
    let e = report::workbook(&store, Some(9999), 2026, None, today()).unwrap_err();
    assert_eq!(e.code, ErrorCode::NotFound);
    let e = report::workbook(&store, None, 2031, None, today()).unwrap_err();
    assert_eq!(e.code, ErrorCode::NotFound);
}

fn cli(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_styrkort")).arg("--db").arg(db).args(args).env_remove("STYRKORT_DB").output().unwrap()
}

#[test]
fn cli_exports_pdf_and_xlsx_and_writes_no_half_file_on_errors() {
    let dir = tempfile::tempdir().unwrap();
    let (db, store) = demo_db(dir.path());
    drop(store);
    let out = dir.path().join("sn.pdf");
    let o = cli(
        &db,
        &[
            "export",
            "pdf",
            "--report",
            "styrkort",
            "--unit",
            "Socialnämnden",
            "--year",
            "2026",
            "--period",
            "delår",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stdout).contains("sparad"));
    assert!(std::fs::read(&out).unwrap().starts_with(b"%PDF-"));
    assert_eq!(pages(&out), 1);

    let rapport = dir.path().join("delar.pdf");
    let o = cli(
        &db,
        &[
            "export",
            "pdf",
            "--report",
            "delarsrapport",
            "--unit",
            "Barn- och utbildningsnämnden",
            "--year",
            "2026",
            "--period",
            "delar",
            "--out",
            rapport.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(pdftotext(&rapport, &[]).contains("Björkskolan F–6"));
    // --below on a nämnd's delårsrapport: the nämnd and its units, the same report.
    let below = dir.path().join("delar-below.pdf");
    let o = cli(
        &db,
        &[
            "export",
            "pdf",
            "--report",
            "delarsrapport",
            "--unit",
            "Barn- och utbildningsnämnden",
            "--below",
            "--year",
            "2026",
            "--period",
            "delar",
            "--out",
            below.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(pdftotext(&below, &[]).contains("Björkskolan F–6"));

    let xlsx = dir.path().join("bok.xlsx");
    let o = cli(&db, &["export", "xlsx", "--year", "2026", "--unit", "Socialnämnden", "--out", xlsx.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut book: Xlsx<_> = calamine::open_workbook(&xlsx).unwrap();
    let overview = book.worksheet_range("Översikt").unwrap();
    assert!(rows_where(&overview, "Enhet", "Hemtjänsten").len() == 4, "the units below, one row per perspective");
    assert!(rows_where(&overview, "Enhet", "Kommunstyrelsen").is_empty(), "only Socialnämnden and below");

    // Bad unit, year, period or path: an error in Swedish, exit code 1, no file, and an
    // existing file is left as it was.
    let target = dir.path().join("finns.pdf");
    std::fs::write(&target, b"gammal").unwrap();
    let t = target.to_str().unwrap();
    let missing_dir = dir.path().join("saknas").join("x.pdf");
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec!["export", "pdf", "--report", "styrkort", "--unit", "Månskolan", "--year", "2026", "--period", "delår", "--out", t],
            "Ingen enhet heter 'Månskolan'",
        ),
        (
            vec![
                "export",
                "pdf",
                "--report",
                "delarsrapport",
                "--unit",
                "Socialnämnden",
                "--year",
                "2031",
                "--period",
                "delår",
                "--out",
                t,
            ],
            "Planåret 2031 finns inte",
        ),
        (
            vec!["export", "pdf", "--report", "styrkort", "--unit", "Socialnämnden", "--year", "2026", "--period", "T9", "--out", t],
            "Perioden 'T9' känns inte igen",
        ),
        (vec!["export", "xlsx", "--year", "2026", "--period", "2026-05", "--out", t], "Perioden '2026-05' finns inte"),
        // --below on the delårsrapport means a nämnd and its units: an enhet has none.
        (
            vec![
                "export",
                "pdf",
                "--report",
                "delarsrapport",
                "--unit",
                "Hemtjänsten",
                "--below",
                "--year",
                "2026",
                "--period",
                "delår",
                "--out",
                t,
            ],
            "--below gäller delårsrapporten för en nämnd",
        ),
        (vec!["export", "xlsx", "--year", "2026", "--unit", "skolan", "--out", t], "passar flera enheter"),
    ];
    for (args, message) in cases {
        let o = cli(&db, &args);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {err}");
        assert!(err.contains(message), "{args:?}: {err}");
        assert_eq!(std::fs::read(&target).unwrap(), b"gammal", "{args:?} left the old file alone");
    }
    for args in [
        vec![
            "export",
            "pdf",
            "--report",
            "styrkort",
            "--unit",
            "Socialnämnden",
            "--year",
            "2026",
            "--period",
            "delår",
            "--out",
            missing_dir.to_str().unwrap(),
        ],
        vec!["export", "xlsx", "--year", "2026", "--out", missing_dir.to_str().unwrap()],
    ] {
        let o = cli(&db, &args);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{err}");
        assert!(err.contains("Mappen") && err.contains("saknas") && err.contains("finns inte"), "{err}");
        assert!(!missing_dir.exists());
    }
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "no temporary files left: {leftovers:?}");
}

#[test]
fn cli_report_settings_change_and_refuse() {
    let dir = tempfile::tempdir().unwrap();
    let (db, store) = demo_db(dir.path());
    drop(store);
    let logo = Path::new(FIXTURES).join("logo.png");
    let o = cli(
        &db,
        &[
            "report-settings",
            "--logo",
            logo.to_str().unwrap(),
            "--primary-colour",
            "#004b87",
            "--footer",
            "Sjöbacka kommun",
            "--sections",
            "summary,nyckeltal",
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("Logotyp: PNG") && text.contains("#004b87") && text.contains("med måluppfyllelse, utan analys, med nyckeltal"),
        "{text}"
    );
    let o = cli(&db, &["report-settings", "--accent-colour", "grön"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("#rrggbb"));
    let o = cli(&db, &["report-settings", "--sections", "diagram,bilagor"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("Avsnittet 'bilagor' finns inte"));
    let o = cli(&db, &["report-settings", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(json["accent_colour"], "#2e75b6", "the refused change was not saved");
    assert_eq!(json["sections"]["charts"], false);
}

/// The words of `text` that name a traffic-light colour, where a status word belongs: the
/// target status says Uppnått/Nära/Ej uppnått, never a colour, which assessments and Kolada
/// ranks would otherwise share. Domain names that hold a colour are not status words.
fn colour_words(text: &str, own_words: &str) -> Vec<String> {
    let mut rest = text.to_lowercase().replace(&own_words.to_lowercase(), " ");
    for allowed in ["röda tråden", "röda trådens", "gränsen för gult", "gräns för gult", "styr mot rött", "gul markering", "gula cellerna"]
    {
        rest = rest.replace(allowed, " ");
    }
    rest.split(|c: char| !c.is_alphabetic())
        .filter(|w| ["grön", "gröna", "grönt", "gul", "gula", "gult", "röd", "röda", "rött"].contains(w))
        .map(str::to_string)
        .collect()
}

#[test]
fn reports_speak_the_one_vocabulary_of_the_window() {
    let dir = tempfile::tempdir().unwrap();
    let (db, store) = demo_db(dir.path());
    let top = store.resolve_unit("Sjöbacka kommun").unwrap();
    let period = store.resolve_period(2026, "delår").unwrap();

    let rapport = write(dir.path(), "delar.pdf", &report::delarsrapport_pdf(&store, top.id, 2026, period.id, today()).unwrap());
    let rapport = flat(&pdftotext(&rapport, &["-layout"]));
    let units: Vec<i64> = styrkort::report::unit_and_below(&store, top.id).unwrap().iter().map(|u| u.id).collect();
    let cards = write(dir.path(), "styrkort.pdf", &report::styrkort_pdf(&store, &units, 2026, period.id, today()).unwrap());
    let cards = flat(&pdftotext(&cards, &["-layout"]));
    let book_path = write(dir.path(), "styrkort.xlsx", &report::workbook(&store, None, 2026, Some(period.id), today()).unwrap());
    let mut book: Xlsx<_> = calamine::open_workbook(&book_path).unwrap();
    let mut workbook = String::new();
    for name in book.sheet_names() {
        for row in book.worksheet_range(&name).unwrap().rows() {
            for c in row {
                if let Data::String(s) = c {
                    workbook.push_str(s);
                    workbook.push('\n');
                }
            }
        }
    }
    let scorecard = cli(&db, &["scorecard", "--unit", "Socialnämnden", "--year", "2026", "--period", "delår"]);
    assert!(scorecard.status.success(), "{}", String::from_utf8_lossy(&scorecard.stderr));
    let scorecard = String::from_utf8(scorecard.stdout).unwrap();
    let vision = styrkort::scorecard::build(&store, top.id, 2026, Some(period.id), today()).unwrap().vision;

    for (what, text) in [("delårsrapport", &rapport), ("styrkort PDF", &cards), ("workbook", &workbook), ("CLI scorecard", &scorecard)] {
        // The municipality's own words (its vision, "den gröna småstaden") are its own.
        assert_eq!(colour_words(text, &vision), Vec::<String>::new(), "the {what} names a status by its colour");
        assert!(text.contains("Uppnått") && text.contains("Ej uppnått"), "the {what} uses the target status's words");
    }
    // Each symbol keeps its meaning: a status symbol never names a completeness state or a
    // Kolada rank (Översikt's ▲ once meant "Saknas", ◆ "Väntar"), and ○ is the missing status
    // only; the Kolada rank's ◆ is followed by its quartile.
    let others = ["Saknas", "Väntar", "Försenad", "Klar", "Inget att rapportera", "Rank", "bästa", "sämsta", "mittenhalvan"];
    for (what, text) in [("delårsrapport", &rapport), ("styrkort PDF", &cards), ("CLI scorecard", &scorecard)] {
        for symbol in ["●", "▲", "■"] {
            for (at, _) in text.match_indices(symbol) {
                let after = text[at + symbol.len()..].trim_start();
                assert!(!others.iter().any(|w| after.starts_with(w)), "in the {what}, {symbol} is followed by {after:.40}");
            }
        }
        for (at, _) in text.match_indices('○') {
            let after = text[at + '○'.len_utf8()..].trim_start();
            assert!(!others[1..].iter().any(|w| after.starts_with(w)), "in the {what}, ○ is followed by {after:.40}");
        }
        for (at, _) in text.match_indices('◆') {
            let after = text[at + '◆'.len_utf8()..].trim_start();
            assert!(after.starts_with("Rank") || after.contains("fjärdedel"), "in the {what}, ◆ is followed by {after:.40}");
        }
    }
}
