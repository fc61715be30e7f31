//! The verksamhetsplan (issue 16, item 6): the plan year's document compiled from every unit's
//! plan, as PDF and Word, for the whole municipality or one nämnd. Read back with poppler
//! (pdftotext), the .docx's own XML and LibreOffice. `STYRKORT_REPORTS_OUT=DIR` keeps a copy
//! of each file.
//!
//! The demo database has no uppdrag, intern kontroll, grunduppdrag, tjänstegarantier or
//! Agenda 2030 tags yet, so the tests add some with SQL.

mod common;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use chrono::NaiveDate;
use common::{ok, styrkort};
use styrkort::report;
use styrkort::{seed, ChangeContext, Store};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()
}

/// The rows the features' own forms would save: an uppdrag from KF to Socialnämnden (serving
/// KF2) and one to Barn- och utbildningsnämnden, Socialnämnden's intern kontroll plan (one
/// chosen risk with a control, one not chosen), Hemtjänsten's grunduppdrag and a
/// tjänstegaranti, and Agenda 2030 tags on KF2, KF7 and an indicator.
const ROWS: &str = "
INSERT INTO assignment (id, plan_year, code, title, description, issuer_unit_id, decision_body, decision_date,
    decision_paragraph, responsible_unit_id, responsible_person, deadline, sort_order)
VALUES (1, 2026, 'KF 2026:3', 'Utred ett trygghetsboende i Kvarnby', 'Behov, plats och kostnad för ett trygghetsboende.', 1,
    'Kommunfullmäktige', '2026-02-23', '§ 45', 4, 'Åsa Öberg', '2026-10-31', 1),
       (2, 2026, 'KF 2026:5', 'Ta fram en plan för skolans lokaler', '', 1,
    'Kommunfullmäktige', '2026-03-30', '§ 61', 3, 'Jörgen Ek', '2026-12-15', 2);
INSERT INTO assignment_goal (assignment_id, goal_id) VALUES (1, 2);
INSERT INTO control_plan (id, org_unit_id, plan_year, decision) VALUES (1, 4, 2026, '2026-02-12 § 14');
INSERT INTO control_risk (id, plan_id, process, risk, probability, consequence, chosen, handling, sort_order)
VALUES (1, 1, 'Försörjningsstöd', 'Felaktiga utbetalningar av försörjningsstöd', 3, 4, 1, '', 1),
       (2, 1, 'Delegering', 'Beslut fattas utan stöd i delegationsordningen', 2, 3, 0, 'Följs i den löpande uppföljningen', 2);
INSERT INTO control (id, risk_id, what, method, frequency, responsible, report_in, sort_order)
VALUES (1, 1, 'Stickprov på utbetalningar', 'Granskning av 20 akter', 'Två gånger per år', 'Enhetschef IFO', 'delar_helar', 1);
INSERT INTO unit_mission (org_unit_id, plan_year, mission, changed_at, changed_by)
VALUES (12, 2026, 'Hemtjänsten ger stöd och omsorg i hemmet så att äldre kan bo kvar tryggt och självständigt.', '2026-01-10T09:00:00', 'test');
INSERT INTO service_guarantee (id, org_unit_id, plan_year, promise, measured_by, sort_order)
VALUES (1, 12, 2026, 'Du möter högst 12 olika medarbetare under två veckor', 'Kontinuitetsmätning i verksamhetssystemet', 1);
INSERT INTO goal_global_goal (goal_id, global_goal, targets) VALUES (2, 3, '3.8'), (7, 13, '');
INSERT INTO indicator_global_goal (indicator_id, global_goal, targets) VALUES (32, 3, '');
";

/// The demo database with [`ROWS`] added.
fn demo(dir: &Path) -> (Store, PathBuf) {
    let db = dir.join("demo.db");
    {
        let mut store = Store::open(&db).unwrap();
        seed::load(&mut store, &ChangeContext::new("test", "2026-11-26T10:00:00"), seed::DEMO_SEED_NAME, seed::DEMO_SEED).unwrap();
    }
    rusqlite::Connection::open(&db).unwrap().execute_batch(ROWS).unwrap();
    (Store::open(&db).unwrap(), db)
}

fn tool(name: &str, package: &str, args: &[&str]) -> Output {
    match Command::new(name).args(args).output() {
        Ok(out) => out,
        Err(e) => panic!(
            "{name} could not be run ({e}). Install it with `scripts/install-system-deps.sh --test` (Debian/Ubuntu package {package})."
        ),
    }
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    if let Some(keep) = std::env::var_os("STYRKORT_REPORTS_OUT") {
        std::fs::create_dir_all(&keep).unwrap();
        std::fs::copy(&path, Path::new(&keep).join(name)).unwrap();
    }
    path
}

fn flat(text: &str) -> String {
    text.replace(['\u{a0}', '\u{202f}'], " ").split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The PDF's pages as text, without the cover and the table of contents (the first two
/// pages of these plans).
fn body_text(dir: &Path, name: &str, pdf: &[u8]) -> String {
    let path = write(dir, name, pdf);
    let text = String::from_utf8(tool("pdftotext", "poppler-utils", &[path.to_str().unwrap(), "-"]).stdout).unwrap();
    let pages: Vec<&str> = text.split('\u{c}').collect();
    assert!(pages.len() > 3, "{} pages", pages.len());
    flat(&pages[2..].join("\n"))
}

/// The text of a PDF written by [`body_text`], as laid out on its pages.
fn layout_text(dir: &Path, name: &str) -> String {
    let path = dir.join(name);
    String::from_utf8(tool("pdftotext", "poppler-utils", &["-layout", path.to_str().unwrap(), "-"]).stdout).unwrap().replace('\u{a0}', " ")
}

/// Each needle is found after the one before it.
fn assert_in_order(text: &str, needles: &[&str]) {
    let mut from = 0;
    for n in needles {
        match text[from..].find(n) {
            Some(at) => from += at + n.len(),
            None => panic!(
                "{n:?} is not after {:?} in the text:\n{}",
                &text[..from.min(text.len())].chars().rev().take(200).collect::<String>(),
                text
            ),
        }
    }
}

/// The text of each `w:p` element in some XML, with its paragraph style.
fn paragraphs(xml: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let starts = xml.match_indices("<w:p").map(|(i, _)| i).filter(|i| matches!(xml.as_bytes().get(i + 4), Some(b' ' | b'>')));
    for start in starts {
        let p = xml[start..].split("</w:p>").next().unwrap_or("");
        let style = p.split("<w:pStyle w:val=\"").nth(1).and_then(|s| s.split('"').next()).unwrap_or("").to_string();
        let text: String =
            p.split("<w:t").skip(1).filter_map(|t| t.split_once('>').map(|(_, rest)| rest.split("</w:t>").next().unwrap_or(""))).collect();
        out.push((style, text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&amp;", "&")));
    }
    out
}

fn part(docx: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(docx)).unwrap();
    let mut file = zip.by_name(name).unwrap_or_else(|_| panic!("{name} in the package"));
    let mut s = String::new();
    file.read_to_string(&mut s).unwrap();
    s
}

/// Word headings as (level, text), in order.
fn headings(docx: &[u8]) -> Vec<(usize, String)> {
    paragraphs(&part(docx, "word/document.xml"))
        .into_iter()
        .filter_map(|(style, text)| style.strip_prefix("Heading").and_then(|n| n.parse().ok()).map(|n| (n, text)))
        .collect()
}

#[test]
fn the_municipalitys_plan_has_every_section_in_order_with_links_targets_and_the_rest_of_the_model() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = demo(dir.path());
    let pdf = report::verksamhetsplan_pdf(&store, None, 2026, today()).unwrap();
    assert!(pdf.starts_with(b"%PDF"));
    let text = body_text(dir.path(), "verksamhetsplan.pdf", &pdf);

    // The sections, in order: vision, perspectives, the KF-mål per perspective, the nämnder
    // with their units, uppdrag, intern kontroll, Agenda 2030.
    assert_in_order(
        &text,
        &[
            "Vision",
            "Sjöbacka – den gröna småstaden vid sjön",
            "Perspektiv",
            "Invånare",
            "KF1 Barn och unga ska ges goda förutsättningar att lyckas",
            "Mål som bidrar (röda tråden)",
            "BUN1",
            "KF2 Äldre ska få en trygg vård och omsorg av god kvalitet",
            "Agenda 2030: 3 God hälsa och välbefinnande (3.8)",
            "Ekonomi",
            "Medarbetare",
            "Hållbar utveckling",
            "Agenda 2030: 13 Bekämpa klimatförändringarna",
            "Kommunstyrelsen",
            "Barn- och utbildningsnämnden",
            "Socialnämnden",
            "SN1 Äldre ska vara nöjda med och trygga i sin vård och omsorg",
            "Bidrar till: KF2 Äldre ska få en trygg vård och omsorg av god kvalitet",
            "Hemtjänsten",
            "Grunduppdrag",
            "Hemtjänsten ger stöd och omsorg i hemmet så att äldre kan bo kvar tryggt",
            "Tjänstegarantier",
            "Du möter högst 12 olika medarbetare under två veckor",
            "Kontinuitetsmätning i verksamhetssystemet",
            "HEMT1",
            "Bidrar till: SN1",
            "Aktiviteter – Hemtjänsten",
            "Uppdrag",
            "KF 2026:3 Utred ett trygghetsboende i Kvarnby",
            "Intern kontroll",
            "Internkontrollplan – Socialnämnden",
            "Antagen av nämnden 2026-02-12 § 14",
            "Felaktiga utbetalningar av försörjningsstöd",
            "Stickprov på utbetalningar",
            "Beslut fattas utan stöd i delegationsordningen",
            "Kontrollmoment – Socialnämnden",
            "Agenda 2030",
            "3 God hälsa och välbefinnande",
            "KF2 Äldre ska få en trygg vård och omsorg av god kvalitet",
            "13 Bekämpa klimatförändringarna",
        ],
    );
    // Table rows, read as laid out: the uppdrag's decision, responsible and deadline; each
    // risk's process, S, K, value and whether it is chosen; the control's how, how often, who.
    let layout = layout_text(dir.path(), "verksamhetsplan.pdf");
    for row in [
        &["KF 2026:3 Utred ett trygghetsboende i", "Kommunfullmäktige", "Socialnämnden", "2026-10-31"][..],
        &["KF 2026:5 Ta fram en plan för skolans", "Kommunfullmäktige", "Barn- och utbildningsnämnden", "2026-12-15"],
        &["1. Felaktiga utbetalningar av", "Försörjningsstöd", " 3 ", " 4 ", " 12 ", "Ja", "• Stickprov på utbetalningar"],
        &["Beslut fattas utan stöd i", "Delegering", " 2 ", " 3 ", " 6 ", "Nej"],
        &["Stickprov på utbetalningar", "Granskning av 20", "Två gånger per år", "Enhetschef IFO", "delår och helår"],
        &["Brukarbedömning hemtjänst äldreomsorg – helhetssyn", "%", "Högre är bättre", "90 %", "90 %"],
        &["Nettokostnadsavvikelse, totalt", "%", "Lägre är bättre", "0,5 %", "3,6 %"],
    ] {
        assert!(layout.lines().any(|l| row.iter().all(|c| l.contains(c))), "a line with {row:?}");
    }
    // The risk matrix between the risks and the controls, with its axes and legend.
    let matrix = text.find("Sannolikhet ↓ / Konsekvens →").expect("the risk matrix");
    assert!(text.find("1. Felaktiga utbetalningar").unwrap() < matrix && matrix < text.find("Kontrollmoment – Socialnämnden").unwrap());
    assert!(text.contains("Mycket hög 12–16"), "the risk level legend");
    for under in [
        "2026-02-23 § 45",
        "2026-03-30 § 61",
        "Åsa Öberg",
        "Mål: KF2 Äldre ska få en trygg vård och omsorg av god kvalitet",
        "Hantering: Följs i den löpande uppföljningen",
    ] {
        assert!(text.contains(under), "{under} under its row");
    }

    // Indicators with their unit, direction, the plan year's target and last year's outcome.
    assert!(text.contains("Nyckeltal Enhet Riktning Mål 2026 Utfall 2025"), "the indicator table's header");
    assert!(text.contains("Brukarbedömning hemtjänst äldreomsorg – helhetssyn"));
    assert!(text.contains("Högre är bättre") && text.contains("Lägre är bättre"));
    assert!(text.contains("Agenda 2030: 3"), "the indicator's tag");
    // A plan has no assessments or statuses.
    assert!(!text.contains("Bedömning:") && !text.contains("ej bedömd"));

    // The document's properties name the plan.
    let doc = lopdf::Document::load_mem(&pdf).unwrap();
    let info = doc.trailer.get(b"Info").and_then(|i| i.as_reference()).and_then(|r| doc.get_object(r)).unwrap();
    let title = info.as_dict().unwrap().get(b"Title").unwrap().as_str().unwrap();
    let title = String::from_utf16(&title[2..].chunks(2).map(|c| u16::from_be_bytes([c[0], c[1]])).collect::<Vec<_>>()).unwrap();
    assert_eq!(title, "Verksamhetsplan 2026 – Sjöbacka kommun");
}

#[test]
fn a_nämnds_plan_holds_only_its_part_and_leaves_out_empty_sections() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = demo(dir.path());
    let social = store.resolve_unit("Socialnämnden").unwrap();
    let text = body_text(dir.path(), "socialnamnden.pdf", &report::verksamhetsplan_pdf(&store, Some(social.id), 2026, today()).unwrap());
    assert_in_order(
        &text,
        &[
            "Vision",
            "Perspektiv",
            "Invånare",
            "SN1 Äldre ska vara nöjda med och trygga i sin vård och omsorg",
            "Bidrar till: KF2",
            "HEMT1",
            "Hemtjänsten",
            "Grunduppdrag",
            "Uppdrag",
            "KF 2026:3 Utred ett trygghetsboende i Kvarnby",
            "Intern kontroll",
            "Internkontrollplan – Socialnämnden",
        ],
    );
    for other in ["BUN1", "Björkskolan", "Kommunstyrelsen", "Ta fram en plan för skolans lokaler", "KF7"] {
        assert!(!text.contains(other), "{other} is not Socialnämnden's");
    }
    // The levels it has goals of; its own activities under one heading.
    assert!(text.contains("Perspektiv Nämndmål Enhetsmål Invånare 2 3"), "no KF-mål column in a nämnd's plan");
    assert_in_order(&text, &["Aktiviteter – Socialnämnden", "Översyn av externa placeringar", "Hemtjänsten"]);
    assert_eq!(text.matches("Aktiviteter – Socialnämnden").count(), 1);
    // KF2's tag is on the municipality's goal, not one of Socialnämnden's: no Agenda 2030 section.
    assert!(!text.contains("Planens mål ordnade efter de globala målen"), "no tagged goal, no section");

    // Barn- och utbildningsnämnden has an uppdrag but no intern kontroll plan, grunduppdrag
    // or tags: those headings are left out, not shown empty.
    let bun = store.resolve_unit("Barn- och utbildningsnämnden").unwrap();
    let docx = report::verksamhetsplan_docx(&store, Some(bun.id), 2026, today()).unwrap();
    let h: Vec<String> = headings(&docx).into_iter().map(|(_, t)| t).collect();
    assert!(h.iter().any(|t| t == "Uppdrag") && h.iter().any(|t| t == "Björkskolan F–6"), "{h:?}");
    for absent in ["Intern kontroll", "Agenda 2030", "Grunduppdrag", "Tjänstegarantier", "Socialnämnden", "Hemtjänsten"] {
        assert!(!h.iter().any(|t| t == absent), "{absent} in {h:?}");
    }
    let pdf_text = body_text(dir.path(), "bun.pdf", &report::verksamhetsplan_pdf(&store, Some(bun.id), 2026, today()).unwrap());
    assert!(!pdf_text.contains("Intern kontroll") && !pdf_text.contains("Internkontrollplan"));
    assert!(pdf_text.contains("KF 2026:5 Ta fram en plan för skolans lokaler"));
}

#[test]
fn the_word_plan_has_the_pdfs_headings_and_tables_and_libreoffice_opens_it() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = demo(dir.path());
    let docx = report::verksamhetsplan_docx(&store, None, 2026, today()).unwrap();
    let path = write(dir.path(), "verksamhetsplan.docx", &docx);
    assert!(docx.starts_with(b"PK"), "a zip package");
    let h = headings(&docx);
    let level1: Vec<&str> = h.iter().filter(|(l, _)| *l == 1).map(|(_, t)| t.as_str()).collect();
    assert_eq!(
        level1,
        [
            "Vision",
            "Perspektiv",
            "Invånare",
            "Ekonomi",
            "Medarbetare",
            "Hållbar utveckling",
            "Kommunstyrelsen",
            "Barn- och utbildningsnämnden",
            "Socialnämnden",
            "Samhällsbyggnadsnämnden",
            "Kultur- och fritidsnämnden",
            "Miljö- och byggnämnden",
            "Uppdrag",
            "Intern kontroll",
            "Agenda 2030",
        ]
        .iter()
        .copied()
        .filter(|t| level1.contains(t))
        .collect::<Vec<_>>(),
        "level-1 headings in the plan's order"
    );
    for must in ["Vision", "Perspektiv", "Socialnämnden", "Uppdrag", "Intern kontroll", "Agenda 2030"] {
        assert!(level1.contains(&must), "{must} in {level1:?}");
    }
    assert!(h.iter().any(|(l, t)| *l == 2 && t == "Hemtjänsten"));
    assert!(h.iter().any(|(l, t)| *l == 2 && t == "KF2 Äldre ska få en trygg vård och omsorg av god kvalitet"));
    assert!(h.iter().any(|(l, t)| *l == 2 && t == "Internkontrollplan – Socialnämnden"));

    // Tables: header rows Word repeats; the cells of the uppdrag and the risks.
    let document = part(&docx, "word/document.xml");
    let tables = document.matches("<w:tbl>").count();
    assert!(tables > 20, "{tables} tables");
    assert_eq!(document.matches("<w:tblHeader />").count(), tables, "each table's header row repeats");
    let cells: Vec<String> = paragraphs(&document).into_iter().map(|(_, t)| t).collect();
    for cell in [
        "2026-02-23 § 45",
        "1. Felaktiga utbetalningar av försörjningsstöd",
        "12",
        "Granskning av 20 akter",
        "Bidrar till: KF2 Äldre ska få en trygg vård och omsorg av god kvalitet",
        "Agenda 2030: 3 God hälsa och välbefinnande (3.8)",
        "Du möter högst 12 olika medarbetare under två veckor",
        "Mål 2026",
        "Utfall 2025",
    ] {
        assert!(cells.iter().any(|c| c == cell), "{cell} is a paragraph or cell of its own");
    }
    let core = part(&docx, "docProps/core.xml");
    assert!(core.contains("<dc:title>Verksamhetsplan 2026 – Sjöbacka kommun</dc:title>"), "{core}");

    // LibreOffice opens it and shows the headings with åäö intact.
    let out_dir = dir.path().join("lo");
    let profile = format!("-env:UserInstallation=file://{}", dir.path().join("lo-profile").display());
    let o = tool(
        "soffice",
        "libreoffice-writer-nogui",
        &[&profile, "--headless", "--convert-to", "pdf", "--outdir", out_dir.to_str().unwrap(), path.to_str().unwrap()],
    );
    let converted = out_dir.join("verksamhetsplan.pdf");
    assert!(converted.exists(), "LibreOffice converted the .docx: {}", String::from_utf8_lossy(&o.stderr));
    if let Some(keep) = std::env::var_os("STYRKORT_REPORTS_OUT") {
        std::fs::copy(&converted, Path::new(&keep).join("verksamhetsplan-docx.pdf")).unwrap();
    }
    let text = flat(&String::from_utf8(tool("pdftotext", "poppler-utils", &[converted.to_str().unwrap(), "-"]).stdout).unwrap());
    for must in ["Internkontrollplan – Socialnämnden", "Hållbar utveckling", "Lindgårdens äldreboende", "Stickprov på utbetalningar"]
    {
        assert!(text.contains(must), "{must} in LibreOffice's pages");
    }
}

#[test]
fn the_cli_writes_the_plan_by_the_files_extension_and_only_whole_files() {
    let dir = tempfile::tempdir().unwrap();
    let (store, db) = demo(dir.path());
    drop(store);
    let out = dir.path().join("ut");
    std::fs::create_dir(&out).unwrap();
    let pdf = out.join("Verksamhetsplan 2026.pdf");
    let said = ok(&styrkort(&db, &["export", "verksamhetsplan", "--year", "2026", "--out", pdf.to_str().unwrap()]));
    assert!(said.contains("Verksamhetsplanen 2026 är sparad"), "{said}");
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF"));
    let docx = out.join("socialnämnden.docx");
    let said =
        ok(&styrkort(&db, &["export", "verksamhetsplan", "--year", "2026", "--unit", "Socialnämnden", "--out", docx.to_str().unwrap()]));
    assert!(said.contains("(Word) för Socialnämnden"), "{said}");
    let bytes = std::fs::read(&docx).unwrap();
    assert!(bytes.starts_with(b"PK") && part(&bytes, "word/document.xml").contains("Internkontrollplan – Socialnämnden"));

    // Another extension is refused before anything is written; the database itself is never
    // a report's target; no temporary file is left behind.
    let bad = out.join("plan.txt");
    let o = styrkort(&db, &["export", "verksamhetsplan", "--year", "2026", "--out", bad.to_str().unwrap()]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains(".pdf eller .docx"), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(!bad.exists());
    let o = styrkort(&db, &["export", "verksamhetsplan", "--year", "2026", "--out", db.to_str().unwrap()]);
    assert!(!o.status.success(), "the database is not overwritten");
    let mut names: Vec<String> = std::fs::read_dir(&out).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    assert_eq!(names, ["Verksamhetsplan 2026.pdf", "socialnämnden.docx"], "only the whole files");

    // A year without a plan is refused.
    let o = styrkort(&db, &["export", "verksamhetsplan", "--year", "1999", "--out", out.join("x.pdf").to_str().unwrap()]);
    assert!(!o.status.success());
    assert!(!out.join("x.pdf").exists());
}
