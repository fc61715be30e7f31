//! The delårsrapport's layout (PDF) and its Word version, checked with real readers:
//! lopdf and poppler for the PDF, the .docx's own XML read back, and LibreOffice
//! converting the .docx to PDF. `STYRKORT_REPORTS_OUT=DIR` keeps a copy of each file.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use chrono::NaiveDate;
use styrkort::report;
use styrkort::{seed, ChangeContext, Store};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()
}

fn demo(dir: &Path) -> Store {
    let mut store = Store::open(&dir.join("demo.db")).unwrap();
    seed::load(&mut store, &ChangeContext::new("test", "2026-11-26T10:00:00"), seed::DEMO_SEED_NAME, seed::DEMO_SEED).unwrap();
    store
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

/// A bookmark: its level (1 = top), title, 1-based page and the y (from the bottom) it lands on.
#[derive(Debug, Clone)]
struct Bookmark {
    level: usize,
    title: String,
    page: u32,
    top: f32,
}

fn text_of(object: &lopdf::Object) -> String {
    let bytes = object.as_str().unwrap();
    if bytes.starts_with(&[0xfe, 0xff]) {
        let units: Vec<u16> = bytes[2..].chunks(2).map(|c| u16::from_be_bytes([c[0], c[1]])).collect();
        String::from_utf16(&units).unwrap()
    } else {
        String::from_utf8_lossy(bytes).into_owned()
    }
}

fn number(object: &lopdf::Object) -> f32 {
    object.as_float().or_else(|_| object.as_i64().map(|i| i as f32)).unwrap()
}

/// The PDF's outline, depth first, in reading order.
fn outline(doc: &lopdf::Document) -> Vec<Bookmark> {
    let page_of: BTreeMap<lopdf::ObjectId, u32> = doc.get_pages().into_iter().map(|(n, id)| (id, n)).collect();
    let root = doc.catalog().unwrap().get(b"Outlines").unwrap().as_reference().unwrap();
    let mut out = Vec::new();
    fn walk(
        doc: &lopdf::Document,
        first: Option<lopdf::ObjectId>,
        level: usize,
        page_of: &BTreeMap<lopdf::ObjectId, u32>,
        out: &mut Vec<Bookmark>,
    ) {
        let mut next = first;
        while let Some(id) = next {
            let d = doc.get_dictionary(id).unwrap();
            let dest = d.get(b"Dest").unwrap().as_array().unwrap();
            out.push(Bookmark {
                level,
                title: text_of(d.get(b"Title").unwrap()),
                page: page_of[&dest[0].as_reference().unwrap()],
                top: number(&dest[3]),
            });
            walk(doc, d.get(b"First").ok().map(|o| o.as_reference().unwrap()), level + 1, page_of, out);
            next = d.get(b"Next").ok().map(|o| o.as_reference().unwrap());
        }
    }
    let first = doc.get_dictionary(root).unwrap().get(b"First").ok().map(|o| o.as_reference().unwrap());
    walk(doc, first, 1, &page_of, &mut out);
    out
}

/// Per page, the lowest text's bottom (from the top, in points) above the footer, and
/// the page's height, from `pdftotext -bbox`.
fn text_bottoms(pdf: &Path) -> Vec<(f32, f32)> {
    let out = tool("pdftotext", "poppler-utils", &["-bbox", pdf.to_str().unwrap(), "-"]);
    let html = String::from_utf8(out.stdout).unwrap();
    let attr = |tag: &str, name: &str| -> f32 {
        let at = tag.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
        tag[at..].split('"').next().unwrap().parse().unwrap()
    };
    let mut pages = Vec::new();
    for page in html.split("<page ").skip(1) {
        let height = attr(page, "height");
        let bottom = page.split("<word ").skip(1).map(|w| attr(w, "yMax")).filter(|y| *y < height - 45.0).fold(0.0f32, f32::max);
        pages.push((bottom, height));
    }
    pages
}

#[test]
fn delarsrapport_pdf_keeps_headings_with_their_text_fills_its_pages_and_has_bookmarks_and_links() {
    let dir = tempfile::tempdir().unwrap();
    let store = demo(dir.path());
    let top = store.resolve_unit("Sjöbacka kommun").unwrap();
    let period = store.resolve_period(2026, "delår").unwrap();
    let bytes = report::delarsrapport_pdf(&store, top.id, 2026, period.id, today()).unwrap();
    let pdf = write(dir.path(), "delarsrapport.pdf", &bytes);
    let doc = lopdf::Document::load_mem(&bytes).unwrap();
    let pages = doc.get_pages();

    // Title, author and language.
    let catalog = doc.catalog().unwrap();
    assert_eq!(catalog.get(b"Lang").unwrap().as_str().unwrap(), b"sv-SE");
    let info = String::from_utf8(tool("pdfinfo", "poppler-utils", &[pdf.to_str().unwrap()]).stdout).unwrap();
    assert!(info.contains("Title:           Delårsrapport (utkast) – Sjöbacka kommun – Delår 2026"), "{info}");
    assert!(info.contains("Author:          Sjöbacka kommun"), "{info}");

    // A bookmark per heading, nested by level: the nämnd holds its units.
    let marks = outline(&doc);
    let titles: Vec<&str> = marks.iter().map(|b| b.title.as_str()).collect();
    for t in ["Måluppfyllelse", "Invånare", "Kommunstyrelsen", "Socialnämnden"] {
        assert!(marks.iter().any(|b| b.title == t && b.level == 1), "{t} is a top bookmark: {titles:?}");
    }
    let ks = titles.iter().position(|t| *t == "Kommunstyrelsen").unwrap();
    let under: Vec<&Bookmark> = marks[ks + 1..].iter().take_while(|b| b.level > 1).collect();
    assert!(under.iter().any(|b| b.level == 2 && b.title == "Ekonomienheten"), "{under:?}");

    // No heading alone at a page's foot: each lands well above the footer, and text
    // follows it on its page.
    let bottoms = text_bottoms(&pdf);
    for b in &marks {
        assert!(b.top > 56.0 + 50.0, "{} sits at the foot of page {} (y {})", b.title, b.page, b.top);
        let (bottom, height) = bottoms[b.page as usize - 1];
        assert!(bottom > height - b.top + 40.0, "{} on page {} has text under it", b.title, b.page);
    }

    // No almost empty page: every body page but the last is at least 40 % used (a new
    // section goes on under the end of the one before when that page is less than half
    // used, instead of leaving it almost empty).
    let top_margin = 72.0;
    for (i, (bottom, height)) in bottoms.iter().enumerate().skip(2) {
        let page = i as u32 + 1;
        let used = (bottom - top_margin) / (height - 56.0 - top_margin);
        if page < pages.len() as u32 {
            assert!(used >= 0.4, "page {page} is only {:.0} % used", used * 100.0);
        }
    }

    // The contents' lines are links to the headings' pages.
    let toc = pages[&2];
    // printpdf writes the annotations inline in the page's Annots array.
    let annots = doc.get_dictionary(toc).unwrap().get(b"Annots").unwrap().as_array().unwrap();
    let links: Vec<u32> = annots
        .iter()
        .map(|a| match a {
            lopdf::Object::Reference(id) => doc.get_dictionary(*id).unwrap(),
            other => other.as_dict().unwrap(),
        })
        .filter(|a| a.get(b"Subtype").and_then(|s| s.as_name()).ok() == Some(b"Link".as_slice()))
        .map(|a| {
            let dest = a.get(b"A").unwrap().as_dict().unwrap().get(b"D").unwrap().as_array().unwrap();
            let id = dest[0].as_reference().unwrap();
            *pages.iter().find(|(_, p)| **p == id).unwrap().0
        })
        .collect();
    let toc_text =
        String::from_utf8(tool("pdftotext", "poppler-utils", &["-layout", "-f", "2", "-l", "2", pdf.to_str().unwrap(), "-"]).stdout)
            .unwrap();
    let entries: Vec<(String, u32)> = toc_text
        .lines()
        .filter(|l| !l.trim_start().starts_with("Sida "))
        .filter_map(|l| {
            let (title, page) = l.trim().rsplit_once(' ')?;
            Some((title.trim_end_matches([' ', '.']).to_string(), page.parse().ok()?))
        })
        .collect();
    assert!(entries.len() > 10, "{toc_text}");
    assert_eq!(links, entries.iter().map(|e| e.1).collect::<Vec<_>>(), "one link per contents line, to the page it names");
    for (title, page) in &entries {
        assert!(marks.iter().any(|b| &b.title == title && b.page == *page), "{title} is bookmarked on page {page}");
    }

    // Numbers written with spaces are never broken over two lines.
    let text = String::from_utf8(tool("pdftotext", "poppler-utils", &["-layout", pdf.to_str().unwrap(), "-"]).stdout).unwrap();
    assert!(text.contains("15\u{a0}104") || text.contains("15 104"), "the number is whole");
    assert!(!text.lines().any(|l| l.trim_end().ends_with(" 15") && l.contains("årsskiftet")), "15 104 is not broken after 15");
}

/// The text of each `w:p` (or table cell) element in some XML, with its paragraph style.
fn paragraphs(xml: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let starts = xml.match_indices("<w:p").map(|(i, _)| i).filter(|i| matches!(xml.as_bytes().get(i + 4), Some(b' ' | b'>')));
    for start in starts {
        let p = xml[start..].split("</w:p>").next().unwrap_or("");
        let style = p.split("<w:pStyle w:val=\"").nth(1).and_then(|s| s.split('"').next()).unwrap_or("").to_string();
        let text: String =
            p.split("<w:t").skip(1).filter_map(|t| t.split_once('>').map(|(_, rest)| rest.split("</w:t>").next().unwrap_or(""))).collect();
        out.push((style, unescape(&text)));
    }
    out
}

fn unescape(text: &str) -> String {
    text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&amp;", "&")
}

fn part(docx: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(docx)).unwrap();
    let mut file = zip.by_name(name).unwrap_or_else(|_| panic!("{name} in the package"));
    let mut s = String::new();
    file.read_to_string(&mut s).unwrap();
    s
}

#[test]
fn delarsrapport_docx_has_the_pdfs_headings_and_table_cells_in_word_styles() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = demo(dir.path());
    // With a logo, so the cover carries it.
    let mut settings = styrkort::report::ReportSettings::load(&store).unwrap();
    settings.logo_base64 =
        Some(report::logo_from_file(Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/reports/logo.png"))).unwrap());
    settings.save(&mut store, &ChangeContext::new("test", "2026-11-26T10:00:00")).unwrap();
    let top = store.resolve_unit("Sjöbacka kommun").unwrap();
    let period = store.resolve_period(2026, "delår").unwrap();
    let pdf_bytes = report::delarsrapport_pdf(&store, top.id, 2026, period.id, today()).unwrap();
    let docx = report::delarsrapport_docx(&store, top.id, 2026, period.id, today()).unwrap();
    let pdf = write(dir.path(), "delarsrapport.pdf", &pdf_bytes);
    let path = write(dir.path(), "delarsrapport.docx", &docx);
    assert!(docx.starts_with(b"PK"), "a zip package");

    // The same headings, in the same order, as the PDF's bookmarks; Word's own heading styles.
    let document = part(&docx, "word/document.xml");
    let paras = paragraphs(&document);
    let headings: Vec<(usize, String)> = paras
        .iter()
        .filter_map(|(style, text)| style.strip_prefix("Heading").and_then(|n| n.parse().ok()).map(|n| (n, text.clone())))
        .collect();
    let marks = outline(&lopdf::Document::load_mem(&pdf_bytes).unwrap());
    let pdf_headings: Vec<&str> = marks.iter().map(|b| b.title.as_str()).collect();
    assert_eq!(headings.iter().map(|(_, t)| t.as_str()).collect::<Vec<_>>(), pdf_headings);
    assert!(headings.iter().any(|(l, t)| *l == 1 && t == "Socialnämnden") && headings.iter().any(|(l, t)| *l == 2 && t == "Hemtjänsten"));
    let styles = part(&docx, "word/styles.xml");
    for level in 1..=3 {
        assert!(
            styles.contains(&format!(r#"w:styleId="Heading{level}"><w:name w:val="heading {level}" />"#)),
            "Heading {level} is Word's built-in heading style"
        );
    }
    assert!(styles.contains(r#"<w:lang w:val="sv-SE""#), "Swedish is the document's language");

    // Goals have their own style; bullets are a list.
    assert!(paras.iter().any(|(s, t)| s == "Mal" && t.contains("KF1 Barn och unga ska ges goda förutsättningar att lyckas")));
    assert!(document.contains("<w:numId w:val=\"2\" />"), "analysis bullets are list items");

    // Tables: a header row Word repeats on each page, and every cell the PDF shows.
    let tables = document.matches("<w:tbl>").count();
    assert!(tables > 20, "{tables} tables");
    assert_eq!(document.matches("<w:tblHeader />").count(), tables, "each table's header row repeats");
    let pdf_text = flat(&String::from_utf8(tool("pdftotext", "poppler-utils", &[pdf.to_str().unwrap(), "-"]).stdout).unwrap());
    let mut cells = 0;
    let body_rows = document.split("<w:tr>").skip(1).map(|r| r.split("</w:tr>").next().unwrap()).filter(|r| !r.contains("<w:tblHeader />"));
    for cell in body_rows.flat_map(|r| r.split("<w:tc>").skip(1)) {
        let cell = cell.split("</w:tc>").next().unwrap();
        for (_, text) in paragraphs(cell) {
            let text = flat(&text);
            // Short cells (numbers, statuses, years) read the same in the PDF's text.
            if !text.is_empty() && text.chars().count() <= 14 {
                assert!(pdf_text.contains(&text), "the cell {text:?} is in the PDF too");
                cells += 1;
            }
        }
    }
    assert!(cells > 300, "{cells} cells compared");

    // Charts and the logo are PNG images.
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&docx[..])).unwrap();
    let images: Vec<String> =
        (0..zip.len()).map(|i| zip.by_index(i).unwrap().name().unwrap().to_string()).filter(|n| n.starts_with("word/media/")).collect();
    assert!(images.len() > 30, "{} images", images.len());
    for name in images.iter().take(3) {
        let mut bytes = Vec::new();
        zip.by_name(name).unwrap().read_to_end(&mut bytes).unwrap();
        assert!(bytes.starts_with(b"\x89PNG"), "{name} is a PNG");
    }

    // Page numbers in the footer, as Word's fields; title, author and language in the properties.
    let footers: String = (1..=2).map(|n| part(&docx, &format!("word/footer{n}.xml"))).collect();
    assert!(footers.contains("PAGE") && footers.contains("NUMPAGES"), "{footers}");
    let core = part(&docx, "docProps/core.xml");
    for needle in [
        "<dc:title>Delårsrapport (utkast) – Sjöbacka kommun – Delår 2026</dc:title>",
        "<dc:creator>Sjöbacka kommun</dc:creator>",
        "<dc:language>sv-SE</dc:language>",
    ] {
        assert!(core.contains(needle), "{needle} in {core}");
    }

    // LibreOffice opens it: the pages have the headings, the contents their page numbers.
    let out_dir = dir.path().join("lo");
    let profile = format!("-env:UserInstallation=file://{}", dir.path().join("lo-profile").display());
    let o = tool(
        "soffice",
        "libreoffice-writer-nogui",
        &[&profile, "--headless", "--convert-to", "pdf", "--outdir", out_dir.to_str().unwrap(), path.to_str().unwrap()],
    );
    let converted = out_dir.join("delarsrapport.pdf");
    assert!(converted.exists(), "LibreOffice converted the .docx: {}", String::from_utf8_lossy(&o.stderr));
    let text = String::from_utf8(tool("pdftotext", "poppler-utils", &["-layout", converted.to_str().unwrap(), "-"]).stdout).unwrap();
    for (_, h) in headings.iter().filter(|(l, _)| *l <= 2) {
        assert!(text.contains(h.as_str()), "{h} in LibreOffice's pages");
    }
    let contents = text.split('\u{c}').nth(1).unwrap();
    assert!(contents.contains("Innehåll"), "{contents}");
    let line = contents.lines().find(|l| l.trim_start().starts_with("Socialnämnden")).unwrap();
    assert!(line.split_whitespace().last().unwrap().trim_start_matches('.').parse::<u32>().is_ok(), "a page number: {line}");
    assert!(text.contains("Sida 2 av"), "page numbers in the footer");
}
