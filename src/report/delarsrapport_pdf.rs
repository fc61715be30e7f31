//! The delårsrapport as a PDF, A4 portrait: the [`Report`] built by `delarsrapport.rs`
//! drawn with `pdf_layout`'s flow.
//!
//! Cover page, table of contents with page numbers (each line a link), then the body.
//! A section (a level-1 heading) starts on a new page unless the page before holds less
//! than half a page, so a short section's end is not followed by an almost empty page;
//! a heading or a goal's title moves to the next page when what follows it would not
//! start on the same one. Every heading is a bookmark. Every page but the cover carries
//! a running header; every page says "Sida N av M"; tables that break across pages
//! repeat their header row.

use chrono::NaiveDate;

use super::chart;
use super::document::{Block, Chart, GoalHead, Report, Table, TextStyle};
use super::edition::Edition;
use super::pdf_layout::{Align, Colour, Document, Flow, Metadata, Page, PageCanvas, Span, Weight};
use super::{status_colour, status_symbol};
use crate::error::Result;
use crate::store::Store;

/// The delårsrapport of `unit_id` and every unit below it for `year` and `period_id`, as a
/// draft.
pub fn delarsrapport_pdf(store: &Store, unit_id: i64, year: i32, period_id: i64, today: NaiveDate) -> Result<Vec<u8>> {
    delarsrapport_pdf_as(store, unit_id, year, period_id, today, Edition::Draft)
}

/// The delårsrapport (at helår the årsredovisning's part) as a draft or a final version
/// (`report::edition`: a final version is refused unless everything in it is approved).
pub fn delarsrapport_pdf_as(store: &Store, unit_id: i64, year: i32, period_id: i64, today: NaiveDate, edition: Edition) -> Result<Vec<u8>> {
    render(&super::delarsrapport::build(store, unit_id, year, period_id, today, edition)?)
}

/// Draw a built report.
pub(crate) fn render(report: &Report) -> Result<Vec<u8>> {
    let mut doc = Document::new(Metadata {
        title: report.meta.title.clone(),
        author: report.meta.author.clone(),
        subject: report.meta.subject.clone(),
        keywords: report.meta.keywords.clone(),
        date: report.meta.date,
        language: Some(report.meta.language.clone()),
    })?;
    doc.page_mark = report.draft_mark.clone();
    let logo = report.logo.as_ref().and_then(|b| doc.add_image(b));
    let mut flow = Flow::new(doc, report.primary, report.header_left.clone());

    // Cover and table of contents (its pages reserved before layout, filled in after).
    let cover = flow.blank_page();
    draw_cover(&mut flow, cover, report, logo.as_ref());
    let planned = report.headings().iter().filter(|h| h.contents).count();
    let toc_per_page = ((flow.bottom - flow.margin - 60.0) / TOC_LINE).floor().max(1.0) as usize;
    let toc_pages: Vec<usize> =
        if report.contents { (0..planned.div_ceil(toc_per_page).max(1)).map(|_| flow.blank_page()).collect() } else { Vec::new() };

    let mut body_started = false;
    for (i, block) in report.blocks.iter().enumerate() {
        let next = report.blocks.get(i + 1);
        if !body_started && !matches!(block, Block::Heading(h) if h.level == 1) {
            // Blocks before the first section still go on a page with the running header.
            flow.new_page();
            body_started = true;
        }
        match block {
            Block::Heading(h) => {
                if h.level == 1 {
                    flow.section = h.text.clone();
                    // A new page, unless the page before is less than half used.
                    let used = (flow.y - flow.top) / (flow.bottom - flow.top);
                    if !body_started || used > 0.5 {
                        flow.new_page();
                    } else {
                        flow.y += 24.0;
                    }
                    body_started = true;
                }
                let keep = keep_after(&flow, &report.blocks[i + 1..]);
                flow.heading(h.level, &h.text, h.contents, keep);
            }
            Block::Paragraph { spans, style } => paragraph(&mut flow, spans, *style, None),
            Block::Bullet { spans, style } => {
                let size = style_size(*style);
                flow.y -= size * 0.3;
                paragraph(&mut flow, spans, *style, Some("•"));
            }
            Block::Goal(g) => goal_head(&mut flow, g, next),
            Block::Table(t) => table(&mut flow, t),
            Block::Charts(c) => charts(&mut flow, c, report.accent),
            Block::Bar(parts) => bar(&mut flow, parts),
            Block::RiskMatrix(m) => risk_matrix(&mut flow, m),
        }
    }

    if report.contents {
        draw_toc(&mut flow, &toc_pages, toc_per_page);
    }
    let footer = report.footer_text.clone();
    flow.doc.finish(&footer, flow.margin)
}

const TOC_LINE: f32 = 17.0;
const CHART_H: f32 = 104.0;
const CHARTS_PER_ROW: usize = 3;

fn style_size(style: TextStyle) -> f32 {
    match style {
        TextStyle::Body | TextStyle::Muted => 9.5,
        TextStyle::Intro => 9.0,
        TextStyle::Detail => 8.5,
        TextStyle::Note => 7.5,
    }
}

/// How much of a block must fit under a heading for the heading to stay on its page:
/// a goal's title and assessment, a table's header and first row, a row of charts,
/// the first lines of a paragraph.
fn start_height(flow: &Flow, block: &Block) -> f32 {
    match block {
        Block::Heading(_) => 40.0,
        Block::Goal(_) => 70.0,
        // A table kept together moves whole, so what stays with a heading is all of it
        // (about a line per row, the header two).
        Block::Table(t) if t.keep_together => {
            let line = t.size * 1.3;
            let lines = |text: &str, width: f32| flow.doc.fonts.wrap(text, t.size, Weight::Bold, width - 8.0).len().max(1);
            let header = t.columns.iter().map(|c| lines(&c.title, c.width)).max().unwrap_or(1);
            let rows: f32 = t
                .rows
                .iter()
                .map(|r| {
                    let n = r.iter().zip(&t.columns).map(|(c, col)| lines(&c.text, col.width) + usize::from(c.note.is_some())).max();
                    n.unwrap_or(1) as f32 * line + 6.0
                })
                .sum();
            header as f32 * line + 8.0 + rows
        }
        Block::Table(t) => 2.0 * (t.size * 1.3 * 2.0 + 6.0),
        Block::Charts(_) => CHART_H + 8.0,
        Block::Bar(_) => 50.0,
        Block::RiskMatrix(_) => super::risk_matrix::height(CONTENT_WIDTH_FOR_MATRIX),
        Block::Paragraph { spans, style } | Block::Bullet { spans, style } => {
            let size = style_size(*style);
            let lines = flow.doc.fonts.wrap_spans(spans, size, flow.content_width()).len().min(3);
            lines as f32 * size * 1.35 + 4.0
        }
    }
}

/// What must fit under a heading: the headings that follow it directly (a perspective
/// under a unit's name) and the start of the first block that is not a heading.
fn keep_after(flow: &Flow, rest: &[Block]) -> f32 {
    let mut keep = 0.0;
    for b in rest {
        match b {
            Block::Heading(h) => keep += if h.level == 1 { 40.0 } else { 28.0 },
            Block::Goal(_) => return keep + 70.0 + 40.0,
            // A grey lead-in under a heading ("(utkast)", "Belopp i tkr") goes with what it
            // introduces.
            Block::Paragraph { style: TextStyle::Muted | TextStyle::Intro, .. } => keep += start_height(flow, b),
            other => return keep + start_height(flow, other),
        }
    }
    keep
}

fn paragraph(flow: &mut Flow, spans: &[Span], style: TextStyle, bullet: Option<&str>) {
    let size = style_size(style);
    let (colour, indent) = match style {
        TextStyle::Body => (Colour::BLACK, 0.0),
        TextStyle::Muted | TextStyle::Intro | TextStyle::Note => (Colour::GREY, 0.0),
        TextStyle::Detail => (Colour::GREY, 16.0),
    };
    if style == TextStyle::Note {
        flow.y -= 4.0;
    }
    let indent = if bullet.is_some() { indent + size * 1.4 } else { indent };
    flow.rich_paragraph(spans, size, colour, indent, bullet);
}

fn draw_cover(flow: &mut Flow, index: usize, report: &Report, logo: Option<&super::pdf_layout::PlacedImage>) {
    let primary = report.primary;
    let margin = flow.margin;
    let cover = &report.cover;
    let Document { fonts, pages, .. } = &mut flow.doc;
    let Some(page) = pages.get_mut(index) else { return };
    let width = page.width;
    let inner = width - 2.0 * margin;
    if let Some(img) = logo {
        page.image(img, margin, margin + 10.0, 170.0, 80.0);
    }
    page.text(fonts, margin, margin + 130.0, 12.0, Weight::Regular, Colour::GREY, &cover.over);
    let band_top = 260.0;
    let band_h = 190.0;
    page.fill_rect(0.0, band_top, width, band_h, primary);
    let on = primary.text_on();
    page.text(fonts, margin, band_top + 62.0, 34.0, Weight::Bold, on, &cover.title);
    let mut y = band_top + 100.0;
    for l in fonts.wrap(&cover.subtitle, 20.0, Weight::Regular, inner) {
        page.text(fonts, margin, y, 20.0, Weight::Regular, on, &l);
        y += 24.0;
    }
    for l in fonts.wrap(&cover.unit, 16.0, Weight::Bold, inner) {
        page.text(fonts, margin, y + 6.0, 16.0, Weight::Bold, on, &l);
        y += 20.0;
    }
    let mut y = band_top + band_h + 40.0;
    for line in &cover.lines {
        page.text(fonts, margin, y, 11.0, Weight::Regular, Colour::BLACK, line);
        y += 17.0;
    }
    if let Some(vision) = &cover.vision {
        y += 24.0;
        page.text(fonts, margin, y, 11.0, Weight::Bold, primary, "Vision");
        y += 6.0;
        for l in fonts.wrap(vision, 11.0, Weight::Regular, inner) {
            y += 15.5;
            page.text(fonts, margin, y, 11.0, Weight::Regular, Colour::BLACK, &l);
        }
    }
}

fn draw_toc(flow: &mut Flow, pages: &[usize], per_page: usize) {
    let margin = flow.margin;
    let accent = flow.accent;
    let entries = flow.toc.clone();
    let Document { fonts, pages: doc_pages, .. } = &mut flow.doc;
    for (chunk_index, page_index) in pages.iter().enumerate() {
        let chunk = entries.chunks(per_page.max(1)).nth(chunk_index).unwrap_or(&[]);
        let Some(page) = doc_pages.get_mut(*page_index) else { continue };
        let right = page.width - margin;
        let title = if chunk_index == 0 { "Innehåll" } else { "Innehåll (forts.)" };
        page.text(fonts, margin, margin + 30.0, 20.0, Weight::Bold, accent, title);
        page.line(margin, margin + 38.0, right, margin + 38.0, 1.0, accent);
        let mut y = margin + 60.0;
        for e in chunk {
            let (x, size, weight) = if e.level <= 1 { (margin, 10.5, Weight::Bold) } else { (margin + 16.0, 10.0, Weight::Regular) };
            let number = (e.page + 1).to_string();
            let nw = fonts.width(&number, size, weight);
            let room = right - nw - 12.0 - x;
            let line = fonts.wrap(&e.title, size, weight, room).into_iter().next().unwrap_or_default();
            let shown = if fonts.width(&e.title, size, weight) > room { format!("{line}…") } else { line };
            page.text(fonts, x, y, size, weight, Colour::BLACK, &shown);
            let tw = fonts.width(&shown, size, weight);
            // Dot leaders between the title and the page number.
            let dot = fonts.width(". ", size, Weight::Regular);
            let start = x + tw + 6.0;
            let end = right - nw - 6.0;
            if end > start + dot {
                let n = ((end - start) / dot).floor() as usize;
                let dots = ". ".repeat(n);
                page.text(fonts, end - fonts.width(&dots, size, Weight::Regular), y, size, Weight::Regular, Colour::LIGHT_GREY, &dots);
            }
            page.text_aligned(fonts, right - nw, nw, Align::Right, y, size, weight, Colour::BLACK, &number);
            // The whole line is a link to the heading.
            page.link(x, y - size, right - x, size * 1.5, e.page, page.height - e.top);
            y += TOC_LINE;
        }
    }
}

/// A goal's title with its status symbol, and the assessment line: colour, symbol, word.
fn goal_head(flow: &mut Flow, g: &GoalHead, next: Option<&Block>) {
    let size = 11.0;
    let width = flow.content_width();
    let lines = flow.doc.fonts.wrap(&g.title, size, Weight::Bold, width - 16.0);
    // Keep the goal's title with its assessment line and the start of what follows.
    let after = next.map(|b| start_height(flow, b).min(40.0)).unwrap_or(0.0);
    flow.ensure(6.0 + lines.len() as f32 * size * 1.3 + 20.0 + after);
    flow.y += 6.0;
    for (i, l) in lines.iter().enumerate() {
        flow.y += size * 1.3;
        let (margin, y) = (flow.margin, flow.y - size * 0.3);
        let (fonts, page) = flow.fonts_and_page();
        if i == 0 {
            page.text(fonts, margin, y, size + 1.0, Weight::Regular, status_colour(g.status), status_symbol(g.status));
        }
        page.text(fonts, margin + 16.0, y, size, Weight::Bold, Colour::BLACK, l);
    }
    flow.y += 3.0;

    let (margin, y) = (flow.margin + 16.0, flow.y);
    {
        let (fonts, page) = flow.fonts_and_page();
        let mut x = margin;
        let base = y + 11.0;
        let put = |page: &mut Page, x: &mut f32, text: &str, size: f32, weight: Weight, colour: Colour| {
            page.text(fonts, *x, base, size, weight, colour, text);
            *x += fonts.width(text, size, weight);
        };
        put(page, &mut x, "Bedömning: ", 9.5, Weight::Regular, Colour::GREY);
        match &g.assessment {
            Some(chip) => {
                page.fill_rect(x - 1.0, y + 1.5, fonts.width(&chip.text, 9.5, Weight::Bold) + 8.0, 13.0, chip.colour);
                x += 3.0;
                put(page, &mut x, &chip.text, 9.5, Weight::Bold, chip.colour.text_on());
                x += 6.0;
                if !chip.state.is_empty() {
                    put(page, &mut x, &format!("({})", chip.state), 9.0, Weight::Regular, Colour::GREY);
                }
            }
            None => put(page, &mut x, "ej bedömd", 9.5, Weight::Bold, Colour::BLACK),
        }
    }
    flow.y += 17.0;
}

fn table(flow: &mut Flow, t: &Table) {
    flow.y += 2.0;
    flow.table(&t.columns, &t.rows, t.size, t.keep_together);
}

fn charts(flow: &mut Flow, charts: &[Chart], accent: Colour) {
    let gap = 10.0;
    let w = (flow.content_width() - gap * (CHARTS_PER_ROW as f32 - 1.0)) / CHARTS_PER_ROW as f32;
    for row in charts.chunks(CHARTS_PER_ROW) {
        flow.ensure(CHART_H + 6.0);
        let (margin, top) = (flow.margin, flow.y + 2.0);
        let (fonts, page) = flow.fonts_and_page();
        let mut canvas = PageCanvas { fonts, page };
        for (k, c) in row.iter().enumerate() {
            chart::draw(&mut canvas, margin + k as f32 * (w + gap), top, w, CHART_H, c, accent);
        }
        flow.y = top + CHART_H + 6.0;
    }
    flow.y += 6.0;
}

const CONTENT_WIDTH_FOR_MATRIX: f32 = super::document::CONTENT_WIDTH;

/// Intern kontroll's risk matrix, kept whole on one page.
fn risk_matrix(flow: &mut Flow, m: &super::document::RiskMatrix) {
    let width = flow.content_width();
    let h = super::risk_matrix::height(width);
    flow.ensure(h + 8.0);
    let (margin, top) = (flow.margin, flow.y + 4.0);
    {
        let (fonts, page) = flow.fonts_and_page();
        let mut canvas = PageCanvas { fonts, page };
        super::risk_matrix::draw(&mut canvas, margin, top, width, m);
    }
    flow.y = top + h + 8.0;
}

/// The summary's bar: each step in its colour, with symbol, word and count beside.
fn bar(flow: &mut Flow, parts: &[super::document::BarPart]) {
    flow.ensure(70.0);
    let (margin, width, y) = (flow.margin, flow.content_width(), flow.y + 4.0);
    let all: usize = parts.iter().map(|p| p.count).sum();
    {
        let (fonts, page) = flow.fonts_and_page();
        let mut x = margin;
        let bar_h = 16.0;
        for p in parts {
            let w = if all > 0 { width * p.count as f32 / all as f32 } else { 0.0 };
            if w > 0.0 {
                page.fill_rect(x, y, w, bar_h, p.colour);
                x += w;
            }
        }
        let mut lx = margin;
        let ly = y + bar_h + 13.0;
        for p in parts {
            page.text(fonts, lx, ly, 10.0, Weight::Regular, p.symbol_colour, p.symbol);
            lx += fonts.width(p.symbol, 10.0, Weight::Regular) + 3.0;
            let text = format!("{} {}   ", p.label, p.count);
            page.text(fonts, lx, ly, 9.0, Weight::Regular, Colour::BLACK, &text);
            lx += fonts.width(&text, 9.0, Weight::Regular);
        }
    }
    flow.y = y + 16.0 + 26.0;
}
