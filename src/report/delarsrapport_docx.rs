//! The delårsrapport as a Word document (.docx): the same [`Report`] the PDF draws, for a
//! coordinator who merges it into the municipality's own template.
//!
//! Headings are Word's built-in Heading 1–3 (so the navigation pane, a table of contents
//! and a template's heading styles work on them); goals have their own paragraph style
//! "Mål" with an outline level; text styles are named ("Ingress", "Detalj", "Not",
//! "Anmärkning"); bullets are a real list; tables have a header row that Word repeats on
//! every page; charts are PNG images drawn by the same routine as the PDF's; the footer
//! says "Sida N av M" with Word's own fields; the cover carries the logo; the core
//! properties name title, author, subject, keywords and language.
//!
//! docx-rs writes the package. What it has no API for is set in the written XML
//! afterwards ([`finish`]): the header row's `tblHeader`, the default language (`w:lang`
//! sv-SE), the core properties' title, creator and language, and `updateFields` (Word
//! fills in the contents' page numbers when the file is opened).

use std::io::{Cursor, Read, Write};

use chrono::NaiveDate;
use docx_rs::{
    AbstractNumbering, AlignmentType, BreakType, Docx, FieldCharType, Footer, Header, HeightRule, Hyperlink, HyperlinkType, IndentLevel,
    InstrPAGEREF, InstrText, Level, LevelJc, LevelText, LineSpacing, NumPages, NumberFormat, Numbering, NumberingId, PageMargin, PageNum,
    Paragraph, Pic, Run, RunFonts, Shading, ShdType, SpecialIndentType, Start, Style, StyleType, Tab, TabLeaderType, TabValueType,
    Table as DocxTable, TableCell, TableCellMargins, TableLayoutType, TableRow, WidthType,
};

use super::chart_png::chart_png;
use super::document::{Block, Chart, GoalHead, Report, Table, TextStyle, CONTENT_WIDTH, MARGIN};
use super::pdf_layout::{bind_numbers, Align, Colour, Span, Weight};
use super::{status_colour, status_symbol};
use crate::error::{AppError, ErrorCode, Result};
use crate::msg;
use crate::store::Store;

/// The delårsrapport of `unit_id` and every unit below it as .docx bytes.
pub fn delarsrapport_docx(store: &Store, unit_id: i64, year: i32, period_id: i64, today: NaiveDate) -> Result<Vec<u8>> {
    delarsrapport_docx_as(store, unit_id, year, period_id, today, super::Edition::Draft)
}

/// The same report as a draft or a final version (see `report::edition`).
pub fn delarsrapport_docx_as(
    store: &Store,
    unit_id: i64,
    year: i32,
    period_id: i64,
    today: NaiveDate,
    edition: super::Edition,
) -> Result<Vec<u8>> {
    render(&super::delarsrapport::build(store, unit_id, year, period_id, today, edition)?)
}

/// Twentieths of a point (Word's "dxa") from points.
fn dxa(points: f32) -> usize {
    (points * 20.0).round().max(0.0) as usize
}

/// English Metric Units from points (images).
fn emu(points: f32) -> u32 {
    (points * 12_700.0).round().max(0.0) as u32
}

fn hex(c: Colour) -> String {
    format!("{:02X}{:02X}{:02X}", c.r, c.g, c.b)
}

/// Half-points from points (Word's font sizes).
fn half_points(points: f32) -> usize {
    (points * 2.0).round() as usize
}

/// Our bullet list's numbering id (docx-rs's own default list has 1).
const BULLETS: usize = 2;
const FONT: &str = "Arial";

/// Word's style id and display name per heading level (its built-in names, so Word and
/// a template recognise them).
fn heading_style(level: u8) -> String {
    format!("Heading{}", level.clamp(1, 4))
}

fn text_style(style: TextStyle) -> &'static str {
    match style {
        TextStyle::Body => "Normal",
        TextStyle::Muted => "Anmarkning",
        TextStyle::Intro => "Ingress",
        TextStyle::Detail => "Detalj",
        TextStyle::Note => "Not",
    }
}

fn styles(docx: Docx, report: &Report) -> Docx {
    let primary = hex(report.primary);
    let heading = |level: u8, size: f32, colour: &str| {
        Style::new(heading_style(level), StyleType::Paragraph)
            .name(format!("heading {level}"))
            .based_on("Normal")
            .next("Normal")
            .q_format(true)
            .size(half_points(size))
            .bold()
            .color(colour)
            .outline_lvl(level as usize - 1)
            .line_spacing(LineSpacing::new().before(dxa(if level == 1 { 24.0 } else { 10.0 }) as u32).after(dxa(4.0) as u32))
    };
    let grey = hex(Colour::GREY);
    let para = |id: &str, name: &str, size: f32| {
        Style::new(id, StyleType::Paragraph)
            .name(name)
            .based_on("Normal")
            .next("Normal")
            .q_format(true)
            .size(half_points(size))
            .color(grey.clone())
    };
    docx.add_style(
        Style::new("Normal", StyleType::Paragraph)
            .name("Normal")
            .q_format(true)
            .size(half_points(9.5))
            .fonts(RunFonts::new().ascii(FONT).hi_ansi(FONT).cs(FONT))
            .line_spacing(LineSpacing::new().after(dxa(4.0) as u32)),
    )
    .add_style(
        Style::new("Title", StyleType::Paragraph)
            .name("Title")
            .based_on("Normal")
            .next("Normal")
            .q_format(true)
            .size(half_points(30.0))
            .bold()
            .color(primary.clone()),
    )
    .add_style(Style::new("Subtitle", StyleType::Paragraph).name("Subtitle").based_on("Normal").q_format(true).size(half_points(16.0)))
    .add_style(heading(1, 16.0, &primary))
    .add_style(heading(2, 12.5, &primary))
    .add_style(heading(3, 10.5, &hex(Colour::BLACK)))
    .add_style(heading(4, 10.0, &hex(Colour::BLACK)))
    .add_style(
        Style::new("Mal", StyleType::Paragraph)
            .name("Mål")
            .based_on("Normal")
            .next("Normal")
            .q_format(true)
            .size(half_points(11.0))
            .bold()
            .line_spacing(LineSpacing::new().before(dxa(8.0) as u32).after(dxa(2.0) as u32)),
    )
    .add_style(Style::new("TOC1", StyleType::Paragraph).name("toc 1").based_on("Normal").next("Normal").size(half_points(10.5)).bold())
    .add_style(Style::new("TOC2", StyleType::Paragraph).name("toc 2").based_on("Normal").next("Normal").size(half_points(10.0)).indent(
        Some(dxa(16.0) as i32),
        None,
        None,
        None,
    ))
    .add_style(para("Ingress", "Ingress", 9.0))
    .add_style(para("Detalj", "Detalj", 8.5).indent(Some(dxa(16.0) as i32), None, None, None))
    .add_style(para("Not", "Not", 7.5))
    .add_style(para("Anmarkning", "Anmärkning", 9.5))
    .add_style(Style::new("Tabelltext", StyleType::Paragraph).name("Tabelltext").based_on("Normal").q_format(true).size(half_points(8.0)))
}

fn runs(spans: &[Span], size: Option<f32>, colour: Option<Colour>) -> Vec<Run> {
    spans
        .iter()
        .map(|s| {
            let mut run = Run::new().add_text(bind_numbers(&s.text));
            if s.weight == Weight::Bold {
                run = run.bold();
            }
            if let Some(size) = size {
                run = run.size(half_points(size));
            }
            if let Some(c) = colour {
                run = run.color(hex(c));
            }
            run
        })
        .collect()
}

fn text_run(text: &str) -> Run {
    Run::new().add_text(text)
}

/// A PNG's size in pixels from its header.
fn png_size(png: &[u8]) -> Option<(u32, u32)> {
    let w = u32::from_be_bytes(png.get(16..20)?.try_into().ok()?);
    let h = u32::from_be_bytes(png.get(20..24)?.try_into().ok()?);
    Some((w, h))
}

/// The logo as PNG (a JPEG is decoded and encoded again: Word's pictures here are PNG).
fn logo_png(bytes: &[u8]) -> Option<Vec<u8>> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Some(bytes.to_vec());
    }
    let image = printpdf::RawImage::decode_from_bytes(bytes, &mut Vec::new()).ok()?;
    let printpdf::RawImageData::U8(pixels) = &image.pixels else { return None };
    let channels = match image.data_format {
        printpdf::RawImageFormat::R8 => 1,
        printpdf::RawImageFormat::RGB8 => 3,
        printpdf::RawImageFormat::RGBA8 => 4,
        _ => return None,
    };
    let mut pixmap = tiny_skia::Pixmap::new(image.width as u32, image.height as u32)?;
    for (out, px) in pixmap.pixels_mut().iter_mut().zip(pixels.chunks(channels)) {
        let (r, g, b, a) = match px {
            [v] => (*v, *v, *v, 255),
            [r, g, b] => (*r, *g, *b, 255),
            [r, g, b, a] => (*r, *g, *b, *a),
            _ => (255, 255, 255, 255),
        };
        *out = tiny_skia::ColorU8::from_rgba(r, g, b, a).premultiply();
    }
    pixmap.encode_png().ok()
}

/// Draw a built report as .docx bytes.
pub(crate) fn render(report: &Report) -> Result<Vec<u8>> {
    let mut docx = Docx::new()
        .page_size(dxa(super::pdf_layout::A4_SHORT) as u32, dxa(super::pdf_layout::A4_LONG) as u32)
        .page_margin(
            PageMargin::new()
                .top(dxa(MARGIN + 22.0) as i32)
                .bottom(dxa(MARGIN + 6.0) as i32)
                .left(dxa(MARGIN) as i32)
                .right(dxa(MARGIN) as i32)
                .header(dxa(MARGIN * 0.5) as i32)
                .footer(dxa(MARGIN * 0.4) as i32),
        )
        .default_fonts(RunFonts::new().ascii(FONT).hi_ansi(FONT).cs(FONT))
        .add_abstract_numbering(AbstractNumbering::new(BULLETS).add_level(
            Level::new(0, Start::new(1), NumberFormat::new("bullet"), LevelText::new("•"), LevelJc::new("left")).indent(
                Some(dxa(14.0) as i32),
                Some(SpecialIndentType::Hanging(dxa(10.0) as i32)),
                None,
                None,
            ),
        ))
        .add_numbering(Numbering::new(BULLETS, BULLETS));
    // Our own Normal replaces docx-rs's, so a template's Normal can replace ours.
    docx.styles.styles.retain(|s| s.style_id != "Normal");
    docx = styles(docx, report);

    // Running header and footer on every page but the cover (which shows the draft mark
    // in its own header).
    let grey = hex(Colour::GREY);
    docx = docx
        .header(Header::new().add_paragraph(running_header(report.draft_mark.as_deref(), &report.header_left)))
        .first_header(match report.draft_mark.as_deref() {
            Some(mark) => Header::new().add_paragraph(running_header(Some(mark), "")),
            None => Header::new(),
        })
        .footer(
            Footer::new().add_paragraph(
                Paragraph::new()
                    .add_run(text_run(&format!("{}    ", report.footer_text.trim())).size(15).color(grey.clone()))
                    .add_run(text_run("Sida ").size(15).color(grey.clone()))
                    .add_page_num(PageNum::new())
                    .add_run(text_run(" av ").size(15).color(grey.clone()))
                    .add_num_pages(NumPages::new())
                    .align(AlignmentType::Right),
            ),
        )
        .first_footer(Footer::new())
        .title_pg();

    // Cover.
    if let Some(png) = report.logo.as_deref().and_then(logo_png) {
        if let Some((w, h)) = png_size(&png) {
            let scale = (170.0 / w.max(1) as f32).min(80.0 / h.max(1) as f32);
            let pic = Pic::new_with_dimensions(png, w, h).size(emu(w as f32 * scale), emu(h as f32 * scale));
            docx = docx.add_paragraph(Paragraph::new().add_run(Run::new().add_image(pic)));
        }
    }
    let cover = &report.cover;
    docx = docx
        .add_paragraph(Paragraph::new().add_run(text_run(&cover.over).size(24).color(grey.clone())))
        .add_paragraph(
            Paragraph::new().line_spacing(LineSpacing::new().before(dxa(120.0) as u32)).style("Title").add_run(text_run(&cover.title)),
        )
        .add_paragraph(Paragraph::new().style("Subtitle").add_run(text_run(&cover.subtitle)))
        .add_paragraph(Paragraph::new().style("Subtitle").add_run(text_run(&cover.unit).bold()));
    for line in &cover.lines {
        docx = docx.add_paragraph(Paragraph::new().add_run(text_run(line).size(22)));
    }
    if let Some(vision) = &cover.vision {
        docx = docx
            .add_paragraph(
                Paragraph::new()
                    .line_spacing(LineSpacing::new().before(dxa(18.0) as u32))
                    .add_run(text_run("Vision").bold().size(22).color(hex(report.primary))),
            )
            .add_paragraph(Paragraph::new().add_run(text_run(vision).size(22)));
    }

    // Table of contents: a line per heading with a link to it and its page number as a
    // PAGEREF field, which Word and LibreOffice compute (Word when it updates the fields,
    // which the file asks for when it is opened).
    if report.contents {
        docx = docx
            .add_paragraph(Paragraph::new().add_run(Run::new().add_break(BreakType::Page)))
            .add_paragraph(Paragraph::new().style("Title").add_run(text_run("Innehåll").size(40)));
        for (n, h) in report.headings().into_iter().filter(|h| h.contents).enumerate() {
            let mark = bookmark(n);
            let page = |run: Run| run.color(hex(Colour::BLACK));
            let entry = Hyperlink::new(&mark, HyperlinkType::Anchor)
                .add_run(page(text_run(&h.text)))
                .add_run(Run::new().add_tab())
                .add_run(Run::new().add_field_char(FieldCharType::Begin, true))
                .add_run(Run::new().add_instr_text(InstrText::PAGEREF(InstrPAGEREF::new(&mark).hyperlink())))
                .add_run(Run::new().add_field_char(FieldCharType::Separate, false))
                .add_run(Run::new().add_field_char(FieldCharType::End, false));
            docx = docx.add_paragraph(
                Paragraph::new()
                    .style(if h.level <= 1 { "TOC1" } else { "TOC2" })
                    .add_tab(Tab::new().val(TabValueType::Right).leader(TabLeaderType::Dot).pos(dxa(CONTENT_WIDTH)))
                    .add_hyperlink(entry),
            );
        }
    }

    // The body starts on a page of its own; sections then follow each other (no page break
    // set on the other headings, so a template's Heading 1 decides, and a short section
    // leaves no almost empty page).
    let mut contents_entry = 0;
    for (i, block) in report.blocks.iter().enumerate() {
        let next = report.blocks.get(i + 1);
        if i == 0 && !matches!(block, Block::Heading(_) | Block::Paragraph { .. }) {
            docx = docx.add_paragraph(Paragraph::new().page_break_before(true));
        }
        match block {
            Block::Heading(h) => {
                let mut p =
                    Paragraph::new().style(&heading_style(h.level)).add_run(text_run(&h.text)).keep_next(true).page_break_before(i == 0);
                if h.contents {
                    // The bookmark the contents line links to.
                    p = p.add_bookmark_start(contents_entry + 1, bookmark(contents_entry)).add_bookmark_end(contents_entry + 1);
                    contents_entry += 1;
                }
                docx = docx.add_paragraph(p);
            }
            Block::Paragraph { spans, style } => {
                // A grey lead-in ("Belopp i tkr …") stays with the heading that follows it too.
                let keep = matches!(next, Some(Block::Table(_) | Block::Charts(_) | Block::Bullet { .. }))
                    || (matches!(style, TextStyle::Intro | TextStyle::Muted) && matches!(next, Some(Block::Heading(_))));
                let mut p = Paragraph::new().style(text_style(*style)).keep_next(keep).page_break_before(i == 0);
                for r in runs(spans, None, None) {
                    p = p.add_run(r);
                }
                docx = docx.add_paragraph(p);
            }
            Block::Bullet { spans, style } => {
                let mut p = Paragraph::new().style(text_style(*style)).numbering(NumberingId::new(BULLETS), IndentLevel::new(0));
                for r in runs(spans, None, None) {
                    p = p.add_run(r);
                }
                docx = docx.add_paragraph(p);
            }
            Block::Goal(g) => docx = goal(docx, g),
            Block::Table(t) => {
                docx = docx.add_table(table(t, report.primary)).add_paragraph(Paragraph::new().size(8));
            }
            Block::Charts(c) => docx = docx.add_paragraph(charts(c, report.accent)?),
            Block::RiskMatrix(m) => {
                let (png, w, h) = super::chart_png::risk_matrix_png(m, CONTENT_WIDTH)?;
                let (pw, ph) = png_size(&png).unwrap_or((1, 1));
                let pic = Pic::new_with_dimensions(png, pw, ph).size(emu(w), emu(h));
                docx = docx.add_paragraph(Paragraph::new().add_run(Run::new().add_image(pic)));
            }
            Block::Bar(parts) => {
                let mut p = Paragraph::new().keep_next(true);
                for part in parts {
                    p = p
                        .add_run(text_run(part.symbol).size(20).color(hex(part.symbol_colour)))
                        .add_run(text_run(&format!(" {} {}    ", part.label, part.count)).size(18));
                }
                docx = docx.add_paragraph(p);
            }
        }
    }

    let mut bytes = Cursor::new(Vec::new());
    docx.build().pack(&mut bytes).map_err(|e| failed(&e.to_string()))?;
    finish(&bytes.into_inner(), report)
}

/// The running header: the draft mark first (bold, red) while the report is a draft.
fn running_header(mark: Option<&str>, left: &str) -> Paragraph {
    let mut p = Paragraph::new();
    if let Some(mark) = mark {
        p = p.add_run(text_run(&format!("{mark}  ")).bold().size(20).color(hex(status_colour(Some(crate::model::Status::Red)))));
    }
    p.add_run(text_run(left).size(15).color(hex(Colour::GREY)))
}

/// A header row is written with this minimum height (a twentieth of a point, no visible
/// effect) so it can be found in the XML and marked to repeat.
const HEADER_MARK: f32 = 1.0;
const HEADER_ROW: &str = r#"<w:trPr><w:cantSplit /><w:trHeight w:val="1" w:hRule="atLeast" /></w:trPr>"#;

/// The bookmark of the n-th heading in the contents.
fn bookmark(n: usize) -> String {
    format!("_Toc_styrkort_{n}")
}

fn failed(e: &str) -> AppError {
    AppError::new(
        ErrorCode::Internal,
        msg!("Word-filen kunde inte skapas: {e}. Försök igen.", "The Word file could not be created: {e}. Try again.", e = e),
    )
}

/// A goal's head: symbol and title in the "Mål" style, then the assessment line.
fn goal(docx: Docx, g: &GoalHead) -> Docx {
    let head = Paragraph::new()
        .style("Mal")
        .outline_lvl(g.level.saturating_sub(1) as usize)
        .keep_next(true)
        .add_run(text_run(status_symbol(g.status)).color(hex(status_colour(g.status))))
        .add_run(text_run(" "))
        .add_run(text_run(&g.title));
    let mut line = Paragraph::new().keep_next(true).add_run(text_run("Bedömning: ").color(hex(Colour::GREY)));
    line = match &g.assessment {
        Some(chip) => line
            .add_run(
                text_run(&format!(" {} ", chip.text))
                    .bold()
                    .color(hex(chip.colour.text_on()))
                    .shading(Shading::new().shd_type(ShdType::Clear).fill(hex(chip.colour))),
            )
            .add_run(
                text_run(&if chip.state.is_empty() { String::new() } else { format!(" ({})", chip.state) })
                    .size(18)
                    .color(hex(Colour::GREY)),
            ),
        None => line.add_run(text_run("ej bedömd").bold()),
    };
    docx.add_paragraph(head).add_paragraph(line)
}

fn table(t: &Table, primary: Colour) -> DocxTable {
    let size = half_points(t.size);
    let widths: Vec<usize> = t.columns.iter().map(|c| dxa(c.width)).collect();
    let align = |a: Align| match a {
        Align::Left => AlignmentType::Left,
        Align::Right => AlignmentType::Right,
        Align::Center => AlignmentType::Center,
    };
    let on = hex(primary.text_on());
    let header = TableRow::new(
        t.columns
            .iter()
            .zip(&widths)
            .map(|(c, w)| {
                TableCell::new()
                    .width(*w, WidthType::Dxa)
                    .shading(Shading::new().shd_type(ShdType::Clear).fill(hex(primary)))
                    .add_paragraph(
                        Paragraph::new()
                            .style("Tabelltext")
                            .align(align(c.align))
                            .add_run(text_run(&c.title).bold().size(size).color(on.clone())),
                    )
            })
            .collect(),
    )
    .cant_split()
    // The header row's mark, turned into tblHeader when the package is finished.
    .row_height(HEADER_MARK)
    .height_rule(HeightRule::AtLeast);
    let mut rows = vec![header];
    for (r, row) in t.rows.iter().enumerate() {
        // Kept together: each row's paragraphs keep with the next row (Word's way).
        let keep = t.keep_together && r + 1 < t.rows.len();
        let cells = t
            .columns
            .iter()
            .zip(&widths)
            .zip(row)
            .map(|((c, w), cell)| {
                let mut tc = TableCell::new().width(*w, WidthType::Dxa);
                if let Some(fill) = cell.fill {
                    tc = tc.shading(Shading::new().shd_type(ShdType::Clear).fill(hex(fill)));
                }
                for line in cell.text.split('\n') {
                    let mut run = text_run(&bind_numbers(line)).size(size);
                    if cell.bold {
                        run = run.bold();
                    }
                    if let Some(colour) = cell.colour {
                        run = run.color(hex(colour));
                    }
                    tc = tc.add_paragraph(Paragraph::new().style("Tabelltext").align(align(c.align)).keep_next(keep).add_run(run));
                }
                if let Some(note) = &cell.note {
                    tc = tc.add_paragraph(
                        Paragraph::new()
                            .style("Tabelltext")
                            .align(align(c.align))
                            .add_run(text_run(note).size(half_points(t.size * 0.85)).color(hex(Colour::GREY))),
                    );
                }
                tc
            })
            .collect();
        rows.push(TableRow::new(cells).cant_split());
    }
    // Cell padding as in the PDF (3 pt), not Word's wider default, so the columns hold the same words.
    let pad = dxa(3.0);
    DocxTable::new(rows)
        .set_grid(widths.clone())
        .width(widths.iter().sum(), WidthType::Dxa)
        .layout(TableLayoutType::Fixed)
        .margins(TableCellMargins::new().margin(dxa(1.5), pad, dxa(1.5), pad))
}

/// The charts of a goal side by side, three to a line, as images.
fn charts(charts: &[Chart], accent: Colour) -> Result<Paragraph> {
    let gap = 8.0;
    let w = ((CONTENT_WIDTH - 2.0 * gap) / 3.0).floor();
    let h = 104.0;
    let mut p = Paragraph::new();
    for (i, c) in charts.iter().enumerate() {
        let png = chart_png(c, w, h, accent)?;
        let (pw, ph) = png_size(&png).unwrap_or((1, 1));
        let pic = Pic::new_with_dimensions(png, pw, ph).size(emu(w), emu(h));
        if i > 0 {
            p = p.add_run(text_run(" "));
        }
        p = p.add_run(Run::new().add_image(pic));
    }
    Ok(p)
}

/// Escape text for XML.
fn xml(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// Set in the written package what docx-rs has no API for: header rows that repeat, the
/// document's language, and the core properties.
fn finish(package: &[u8], report: &Report) -> Result<Vec<u8>> {
    let mut archive = zip::ZipArchive::new(Cursor::new(package)).map_err(|e| failed(&e.to_string()))?;
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let date = format!("{}T12:00:00Z", report.meta.date.format("%Y-%m-%d"));
    let m = &report.meta;
    let core = format!(
        concat!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
            r#"<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" "#,
            r#"xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" "#,
            r#"xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">"#,
            "<dc:title>{title}</dc:title><dc:subject>{subject}</dc:subject><dc:creator>{author}</dc:creator>",
            "<cp:keywords>{keywords}</cp:keywords><dc:language>{language}</dc:language>",
            "<cp:lastModifiedBy>Styrkort</cp:lastModifiedBy><cp:revision>1</cp:revision>",
            r#"<dcterms:created xsi:type="dcterms:W3CDTF">{date}</dcterms:created>"#,
            r#"<dcterms:modified xsi:type="dcterms:W3CDTF">{date}</dcterms:modified>"#,
            "</cp:coreProperties>"
        ),
        title = xml(&m.title),
        subject = xml(&m.subject),
        author = xml(&m.author),
        keywords = xml(&m.keywords.join(", ")),
        language = xml(&m.language),
        date = date,
    );
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).map_err(|e| failed(&e.to_string()))?;
        if file.is_dir() {
            continue;
        }
        let name = file.name().map_err(|e| failed(&e.to_string()))?.to_string();
        let mut content = Vec::new();
        file.read_to_end(&mut content).map_err(|e| failed(&e.to_string()))?;
        let content = match name.as_str() {
            "docProps/core.xml" => core.clone().into_bytes(),
            // Header rows repeat on every page a table spans.
            "word/document.xml" => String::from_utf8_lossy(&content)
                .replace(HEADER_ROW, &HEADER_ROW.replace("</w:trPr>", "<w:tblHeader /></w:trPr>"))
                .into_bytes(),
            // Word computes the contents' page numbers when it opens the file.
            "word/settings.xml" => {
                String::from_utf8_lossy(&content).replacen("<w:compat>", r#"<w:updateFields w:val="true" /><w:compat>"#, 1).into_bytes()
            }
            "word/styles.xml" => {
                let lang = format!(r#"<w:lang w:val="{0}" w:eastAsia="{0}" w:bidi="{0}" />"#, xml(&m.language));
                let text = String::from_utf8_lossy(&content);
                // w:lang comes after the sizes and colours in a run's properties.
                let with = if let Some(at) = text.find("</w:rPr></w:rPrDefault>") {
                    format!("{}{}{}", &text[..at], lang, &text[at..])
                } else {
                    text.into_owned()
                };
                with.into_bytes()
            }
            _ => content,
        };
        out.start_file(name, options).map_err(|e| failed(&e.to_string()))?;
        out.write_all(&content).map_err(|e| failed(&e.to_string()))?;
    }
    Ok(out.finish().map_err(|e| failed(&e.to_string()))?.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::document::{column, Cover, Meta};
    use crate::report::pdf_layout::Cell;

    fn report(draft_mark: Option<&str>) -> Report {
        Report {
            meta: Meta {
                title: "Delårsrapport – Nyby kommun – Delår 2026".into(),
                author: "Nyby kommun".into(),
                subject: "Delårsrapport".into(),
                keywords: vec!["delårsrapport".into()],
                language: "sv-SE".into(),
                date: NaiveDate::from_ymd_opt(2026, 9, 30).unwrap(),
            },
            cover: Cover {
                over: "Nyby kommun".into(),
                title: "Delårsrapport".into(),
                subtitle: "Delår 2026".into(),
                unit: "Nyby kommun".into(),
                lines: vec![],
                vision: None,
            },
            header_left: "Nyby kommun · Delårsrapport · Delår 2026".into(),
            footer_text: String::new(),
            draft_mark: draft_mark.map(str::to_string),
            primary: Colour::rgb(0x1f, 0x4e, 0x79),
            accent: Colour::rgb(0x2e, 0x75, 0xb6),
            logo: None,
            contents: true,
            blocks: vec![
                Block::heading(1, "Resultaträkning", true),
                Block::Table(Table {
                    keep_together: true,
                    ..Table::new(
                        vec![column("Post", 300.0, Align::Left), column("Utfall", 95.0, Align::Right)],
                        vec![vec![Cell::plain("Verksamhetens intäkter"), Cell::plain("15 104")]; 3],
                        8.0,
                    )
                }),
                Block::Charts(vec![Chart {
                    title: "Antal invånare".into(),
                    unit: "st".into(),
                    decimals: 0,
                    points: vec![(2024, 15212.0), (2025, 15104.0)],
                    targets: vec![],
                    partial_label: None,
                }]),
            ],
        }
    }

    fn part(docx: &[u8], name: &str) -> String {
        let mut zip = zip::ZipArchive::new(Cursor::new(docx)).unwrap();
        let mut s = String::new();
        zip.by_name(name).unwrap().read_to_string(&mut s).unwrap();
        s
    }

    #[test]
    fn a_draft_says_so_on_every_page_and_a_final_does_not() {
        let draft = render(&report(Some("UTKAST"))).unwrap();
        let headers: String = (1..=2).map(|n| part(&draft, &format!("word/header{n}.xml"))).collect();
        assert_eq!(headers.matches("UTKAST").count(), 2, "the cover's header and the running one: {headers}");
        let fin = render(&report(None)).unwrap();
        let headers: String = (1..=2).map(|n| part(&fin, &format!("word/header{n}.xml"))).collect();
        assert!(!headers.contains("UTKAST"));
    }

    #[test]
    fn a_kept_table_keeps_its_rows_together_and_numbers_whole() {
        let docx = render(&report(None)).unwrap();
        let document = part(&docx, "word/document.xml");
        assert!(document.contains(r#"<w:pStyle w:val="Heading1" />"#));
        assert_eq!(document.matches("<w:tblHeader />").count(), 1);
        // Rows but the last keep with the next; the number has a no-break space.
        assert!(document.matches("<w:keepNext />").count() >= 2 * 2, "two rows × two cells keep with the next");
        assert!(document.contains("15\u{a0}104"));
        assert!(document.contains("<wp:inline"), "the chart is an inline picture");
    }

    #[test]
    fn a_risk_matrix_becomes_a_picture_in_word() {
        use crate::report::document::{MatrixRisk, RiskMatrix};
        let mut r = report(None);
        r.blocks = vec![
            Block::heading(1, "Intern kontroll", true),
            Block::RiskMatrix(RiskMatrix { risks: vec![MatrixRisk { number: 1, probability: 3, consequence: 4 }] }),
        ];
        let docx = render(&r).unwrap();
        let document = part(&docx, "word/document.xml");
        assert!(document.contains("<wp:inline"), "the matrix is an inline picture");
        let (png, w, h) = crate::report::chart_png::risk_matrix_png(&RiskMatrix { risks: vec![] }, CONTENT_WIDTH).unwrap();
        assert!(png.starts_with(b"\x89PNG") && w > 300.0 && h > 200.0, "{w}×{h}");
    }
}
