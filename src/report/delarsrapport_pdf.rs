//! The delårsrapport: a unit and everything below it for one period, A4 portrait.
//!
//! Cover page, table of contents with page numbers, the summary of goal attainment
//! ("Måluppfyllelse"), one section per perspective with the top unit's goals, then one
//! section per nämnd (and bolag) with its units below. Each goal shows its assessment,
//! its analysis with the writer's formatting, an indicator table (outcome, target,
//! previous year, Kolada comparison where imported, status) and a small trend chart per
//! indicator. Every page but the cover carries a running header; every page says
//! "Sida N av M"; tables that break across pages repeat their header row.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;

use super::edition::Edition;
use super::pdf_layout::{Align, Cell, Colour, Column, Document, Flow, FontSet, Metadata, Page, Weight};
use super::settings::ReportSettings;
use super::{
    activity_colour, date_sv, state_sv, status_colour, status_symbol, status_word, trend_arrow, trend_word, units_below, value_text,
};
use crate::error::Result;
use crate::model::{OrgUnit, PeriodKind, ScaleStep};
use crate::msg;
use crate::scorecard::{self, ActivityRow, GoalCard, IndicatorCard, Scorecard};
use crate::status::explain_sv;
use crate::store::{indicators as store_indicators, periods as store_periods, values as store_values, Store};
use crate::text::number_sv;

/// The delårsrapport of `unit_id` and every unit below it for `year` and `period_id`, as a
/// draft.
pub fn delarsrapport_pdf(store: &Store, unit_id: i64, year: i32, period_id: i64, today: NaiveDate) -> Result<Vec<u8>> {
    delarsrapport_pdf_as(store, unit_id, year, period_id, today, Edition::Draft)
}

/// The delårsrapport (at helår the årsredovisning's part) as a draft or a final version
/// (`report::edition`; a final version is refused unless everything in it is approved).
pub fn delarsrapport_pdf_as(store: &Store, unit_id: i64, year: i32, period_id: i64, today: NaiveDate, edition: Edition) -> Result<Vec<u8>> {
    let settings = ReportSettings::load(store)?;
    let units = units_below(store, unit_id)?;
    let unit_ids: Vec<i64> = units.iter().map(|(u, _)| u.id).collect();
    let cards: Vec<(Scorecard, usize)> =
        scorecard::build_many(store, &unit_ids, year, Some(period_id), today)?.into_iter().zip(units.iter().map(|(_, d)| *d)).collect();
    let Some((top, _)) = cards.first() else {
        return Err(crate::error::AppError::not_found(msg!(
            "Enheten med id {unit_id} finns inte.",
            "The unit with id {unit_id} does not exist."
        )));
    };
    if edition == Edition::Final {
        super::edition::require_final(store, &cards.iter().map(|(c, _)| c).collect::<Vec<_>>(), period_id)?;
    }
    let period = top.period.clone();
    let scale = top.scale.clone();
    // The report's own texts and the KF-mål table (report::opening).
    let card_refs: Vec<&Scorecard> = cards.iter().map(|(c, _)| c).collect();
    let texts = crate::narrative::for_report(store, period_id, &unit_ids)?;
    let top_texts = texts.iter().find(|t| t.unit.id == top.unit.id);
    let has_text = |s: crate::narrative::Section| crate::narrative::text_of(&texts, top.unit.id, s).is_some();
    let kf = super::opening::kf_rows(&card_refs);
    let reading = crate::wording::Reading::of_period(&period);
    // The report opens with the municipality's Inledning, or a nämnd's own texts when the
    // report is the nämnd's.
    let opening: Vec<crate::narrative::Section> = match top.unit.kind {
        crate::model::UnitKind::Kommun => vec![crate::narrative::Section::Introduction],
        _ => crate::narrative::UNIT_SECTIONS.to_vec(),
    };
    let extras = IndicatorExtras::load(store, &cards, &period)?;
    // How the scorecard names a value's period ("2026 delår"), to tell older values apart.
    let value_label = period.label();

    let report_name = crate::wording::report_name(period.kind);
    let title = format!("{report_name}{} – {} – {}", edition.title_suffix(), top.unit.name, period.name);
    let mut doc = Document::new(Metadata {
        title: title.clone(),
        author: settings.municipality_name.clone(),
        subject: format!("{report_name}{} för {} och enheterna under, {}", edition.title_suffix(), top.unit.name, period.name),
        keywords: vec![report_name.to_lowercase(), "styrkort".into(), period.name.clone(), top.unit.name.clone()],
        date: today,
    })?;
    doc.page_mark = edition.page_mark().map(str::to_string);
    let logo = settings.logo_bytes().and_then(|b| doc.add_image(&b));
    let mut header_left = format!("{} · {report_name}{} · {}", settings.municipality_name, edition.title_suffix(), period.name);
    if top.unit.name != settings.municipality_name {
        header_left.push_str(&format!(" · {}", top.unit.name));
    }
    let mut flow = Flow::new(doc, settings.primary(), header_left);

    // The plan of sections, known before layout so the table of contents can be reserved.
    let mut plan: Vec<(u8, String)> = Vec::new();
    for s in opening.iter().filter(|s| has_text(**s)) {
        plan.push((1, s.title().sv));
    }
    if !kf.is_empty() {
        plan.push((1, "Kommunfullmäktiges mål".into()));
    }
    if settings.sections.summary {
        plan.push((1, "Måluppfyllelse".into()));
    }
    for p in &top.perspectives {
        plan.push((1, p.name.clone()));
    }
    if settings.sections.activities && !top.activities.is_empty() {
        plan.push((1, format!("Aktiviteter – {}", top.unit.name)));
    }
    for s in &crate::narrative::REPORT_SECTIONS[1..] {
        if has_text(*s) {
            plan.push((1, s.title().sv));
        }
    }
    for (card, depth) in cards.iter().skip(1) {
        plan.push((if *depth <= 1 { 1 } else { 2 }, card.unit.name.clone()));
    }

    // Cover and table of contents.
    let cover = flow.blank_page();
    draw_cover(&mut flow, cover, &settings, logo.as_ref(), top, today, (report_name, edition));
    let toc_per_page = ((flow.bottom - flow.margin - 60.0) / TOC_LINE).floor().max(1.0) as usize;
    let toc_pages: Vec<usize> = (0..plan.len().div_ceil(toc_per_page).max(1)).map(|_| flow.blank_page()).collect();

    // The opening: Inledning and the KF-mål table.
    if opening.iter().any(|s| has_text(*s)) || !kf.is_empty() {
        flow.section = opening.iter().find(|s| has_text(**s)).map(|s| s.title().sv).unwrap_or_else(|| "Kommunfullmäktiges mål".into());
        flow.new_page();
        super::opening::text_sections(&mut flow, top_texts, &opening, 1, true, edition);
        if !kf.is_empty() {
            flow.heading(1, "Kommunfullmäktiges mål", true);
            let what = match reading {
                crate::wording::Reading::Forecast => "bedömningen av om målet uppfylls vid årets slut",
                crate::wording::Reading::Outcome => "bedömningen av måluppfyllelsen för året",
            };
            flow.paragraph(
                &format!("Kommunfullmäktiges mål med {what} och en kort kommentar. Mer om varje mål under perspektiven nedan."),
                9.5,
                Weight::Regular,
                Colour::BLACK,
            );
            super::opening::kf_table(&mut flow, &kf, &crate::wording::assessment_heading(reading).sv, edition);
        }
    }

    // Summary of goal attainment.
    if settings.sections.summary {
        flow.section = "Måluppfyllelse".into();
        flow.new_page();
        flow.heading(1, "Måluppfyllelse", true);
        summary(&mut flow, &cards, &scale, &period.name);
        super::opening::level_table(&mut flow, &card_refs, &scale);
    }

    // The top unit: one section per perspective.
    for p in &top.perspectives {
        flow.section = p.name.clone();
        flow.new_page();
        flow.heading(1, &p.name, true);
        perspective_intro(&mut flow, &top.unit, p);
        if p.goals.is_empty() {
            flow.paragraph(
                &format!("{} har inga mål i perspektivet {} för {}.", top.unit.name, p.name, top.year),
                9.5,
                Weight::Regular,
                Colour::GREY,
            );
        }
        for g in &p.goals {
            goal_block(&mut flow, &settings, &extras, g, &value_label, edition);
        }
    }
    if settings.sections.activities && !top.activities.is_empty() {
        let name = format!("Aktiviteter – {}", top.unit.name);
        flow.section = name.clone();
        flow.new_page();
        flow.heading(1, &name, true);
        activities_table(&mut flow, &top.activities);
    }

    // The report-level texts after the goals: Väsentliga händelser … Personal.
    if crate::narrative::REPORT_SECTIONS[1..].iter().any(|s| has_text(*s)) {
        flow.section = "Förvaltningsberättelse".into();
        flow.new_page();
        super::opening::text_sections(&mut flow, top_texts, &crate::narrative::REPORT_SECTIONS[1..], 1, true, edition);
    }

    // The units below: a section per nämnd (and bolag), its units as subsections.
    for (card, depth) in cards.iter().skip(1) {
        if *depth <= 1 {
            flow.section = card.unit.name.clone();
            flow.new_page();
            flow.heading(1, &card.unit.name, true);
            let own = texts.iter().find(|t| t.unit.id == card.unit.id);
            super::opening::text_sections(&mut flow, own, &crate::narrative::UNIT_SECTIONS, 2, false, edition);
        } else {
            flow.heading(2, &card.unit.name, true);
        }
        unit_body(&mut flow, &settings, &extras, card, &value_label, edition);
    }

    draw_toc(&mut flow, &toc_pages, toc_per_page);
    let footer = settings.footer_text.clone();
    flow.doc.finish(&footer, flow.margin)
}

const TOC_LINE: f32 = 17.0;

/// Trend series of the indicators in the report, read once.
struct IndicatorExtras {
    series: BTreeMap<i64, Series>,
}

/// Values over the years (one per year: the report's period in the report year, else
/// the year's longest period) and the targets.
#[derive(Default)]
struct Series {
    points: Vec<(i32, f64)>,
    /// The report year's value belongs to a part of the year (e.g. "delår").
    partial_label: Option<String>,
    targets: BTreeMap<i32, f64>,
}

impl IndicatorExtras {
    /// The series of every indicator in `cards`, read with one query per indicator (its
    /// owner's total values) and one for all targets.
    fn load(store: &Store, cards: &[(Scorecard, usize)], period: &crate::model::Period) -> Result<Self> {
        let db = store.read();
        // Periods that count for a series: not months, ended by the end of the report's
        // period; in the order a later (or longer) one replaces an earlier one of its year.
        let periods: Vec<(i64, i32, PeriodKind, i32)> = store_periods::all_by_end(db)?
            .into_iter()
            .filter(|p| p.kind != PeriodKind::Month && p.end_date <= period.end_date)
            .map(|p| (p.id, p.plan_year, p.kind, p.seq))
            .collect();
        let rank: HashMap<i64, usize> = periods.iter().enumerate().map(|(i, p)| (p.0, i)).collect();
        let ids: Vec<i64> = cards
            .iter()
            .flat_map(|(c, _)| c.perspectives.iter())
            .flat_map(|p| &p.goals)
            .flat_map(|g| &g.indicators)
            .map(|i| i.id)
            .collect();
        let mut targets: HashMap<i64, BTreeMap<i32, f64>> = HashMap::new();
        for ((id, year), t) in store_indicators::targets_of(db, &ids, None)? {
            targets.entry(id).or_default().insert(year, t.target);
        }
        let mut series = BTreeMap::new();
        for (card, _) in cards {
            for ind in card.perspectives.iter().flat_map(|p| &p.goals).flat_map(|g| &g.indicators) {
                if series.contains_key(&ind.id) {
                    continue;
                }
                // Year → (rank of the period, value): the latest-ranked period of each year.
                let mut per_year: BTreeMap<i32, (usize, f64)> = BTreeMap::new();
                for (period_id, value) in store_values::owner_totals(db, ind.id)? {
                    let Some(&i) = rank.get(&period_id) else { continue };
                    let year = periods[i].1;
                    match per_year.get(&year) {
                        Some((seen, _)) if *seen > i => {}
                        _ => {
                            per_year.insert(year, (i, value));
                        }
                    }
                }
                let partial_label = per_year
                    .get(&period.plan_year)
                    .map(|(i, _)| periods[*i])
                    .filter(|p| p.2 != PeriodKind::Helar)
                    .map(|(_, y, kind, seq)| kind.label(y, seq));
                series.insert(
                    ind.id,
                    Series {
                        points: per_year.iter().map(|(y, (_, v))| (*y, *v)).collect(),
                        partial_label,
                        targets: targets.remove(&ind.id).unwrap_or_default(),
                    },
                );
            }
        }
        Ok(Self { series })
    }
}

/// The Kolada comparison of an indicator as lines ("Riket 8,9 %", the group, the rank) and
/// the year it is for; `None` when nothing was imported.
fn kolada_lines(i: &IndicatorCard) -> Option<(Vec<String>, i32)> {
    let k = i.kolada.as_ref()?;
    let value = |v: f64| format!("{} {}", value_text(Some(v), i.decimals, ""), i.unit.trim()).trim_end().to_string();
    let mut lines = Vec::new();
    if let Some(v) = k.riket {
        lines.push(format!("Riket {}", value(v)));
    }
    if let Some(v) = k.group_value {
        lines.push(format!("{} {}", k.group_name.as_deref().unwrap_or("Jämförelsegrupp"), value(v)));
    }
    if let Some(r) = &k.rank {
        lines.push(format!("Rank: {} ({} av {})", r.quartile.label_sv(), r.position, r.of));
    }
    (!lines.is_empty()).then_some((lines, k.year))
}

fn draw_cover(
    flow: &mut Flow,
    index: usize,
    settings: &ReportSettings,
    logo: Option<&super::pdf_layout::PlacedImage>,
    top: &Scorecard,
    today: NaiveDate,
    (report_name, edition): (&str, Edition),
) {
    let primary = settings.primary();
    let margin = flow.margin;
    let Document { fonts, pages, .. } = &mut flow.doc;
    let Some(page) = pages.get_mut(index) else { return };
    let width = page.width;
    let inner = width - 2.0 * margin;
    if let Some(img) = logo {
        page.image(img, margin, margin + 10.0, 170.0, 80.0);
    }
    page.text(fonts, margin, margin + 130.0, 12.0, Weight::Regular, Colour::GREY, &settings.municipality_name);
    let band_top = 260.0;
    let band_h = 190.0;
    page.fill_rect(0.0, band_top, width, band_h, primary);
    let on = primary.text_on();
    page.text(fonts, margin, band_top + 62.0, 34.0, Weight::Bold, on, report_name);
    if let Some(sub) = crate::wording::report_subtitle(top.period.kind) {
        page.text(fonts, margin + fonts.width(report_name, 34.0, Weight::Bold) + 14.0, band_top + 62.0, 16.0, Weight::Regular, on, sub);
    }
    if edition == Edition::Draft {
        page.text(
            fonts,
            margin,
            band_top - 14.0,
            12.0,
            Weight::Bold,
            Colour::rgb(0xc6, 0x28, 0x28),
            "Utkast – inte godkänt för publicering",
        );
    }
    let mut y = band_top + 100.0;
    for l in fonts.wrap(&top.period.name, 20.0, Weight::Regular, inner) {
        page.text(fonts, margin, y, 20.0, Weight::Regular, on, &l);
        y += 24.0;
    }
    for l in fonts.wrap(&top.unit.name, 16.0, Weight::Bold, inner) {
        page.text(fonts, margin, y + 6.0, 16.0, Weight::Bold, on, &l);
        y += 20.0;
    }
    let mut y = band_top + band_h + 40.0;
    let period_text = match (parse_date(&top.period.start_date), parse_date(&top.period.end_date)) {
        (Some(s), Some(e)) => format!("Perioden {} – {}", date_sv(s), date_sv(e)),
        _ => format!("Perioden {} – {}", top.period.start_date, top.period.end_date),
    };
    for line in [period_text, format!("Utskriven {}", date_sv(today))] {
        page.text(fonts, margin, y, 11.0, Weight::Regular, Colour::BLACK, &line);
        y += 17.0;
    }
    if !top.vision.trim().is_empty() {
        y += 24.0;
        page.text(fonts, margin, y, 11.0, Weight::Bold, primary, "Vision");
        y += 6.0;
        for l in fonts.wrap(top.vision.trim(), 11.0, Weight::Regular, inner) {
            y += 15.5;
            page.text(fonts, margin, y, 11.0, Weight::Regular, Colour::BLACK, &l);
        }
    }
}

fn parse_date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
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
            y += TOC_LINE;
        }
    }
}

/// Counts per scale step (and not assessed) of one scorecard's own goals.
fn step_counts(card: &Scorecard, scale: &[ScaleStep]) -> (Vec<usize>, usize) {
    let mut counts = vec![0; scale.len()];
    let mut none = 0;
    for g in card.perspectives.iter().flat_map(|p| &p.goals) {
        match g.assessment.as_ref().and_then(|a| a.step).and_then(|s| scale.iter().position(|st| st.step == s)) {
            Some(i) => counts[i] += 1,
            None => none += 1,
        }
    }
    (counts, none)
}

fn summary(flow: &mut Flow, cards: &[(Scorecard, usize)], scale: &[ScaleStep], period_name: &str) {
    flow.paragraph(
        &format!(
            "Bedömningen av varje mål för {} på planårets {}-gradiga skala, per enhet. Mål som ännu inte har bedömts räknas som ej bedömda.",
            period_name.to_lowercase(),
            scale.len()
        ),
        9.5,
        Weight::Regular,
        Colour::BLACK,
    );
    let mut total = vec![0usize; scale.len()];
    let mut total_none = 0;
    let step_w = 62.0;
    let name_w = flow.content_width() - step_w * (scale.len() as f32 + 2.0);
    let mut columns = vec![Column { title: "Enhet".into(), width: name_w, align: Align::Left }];
    for s in scale {
        columns.push(Column { title: s.label.clone(), width: step_w, align: Align::Right });
    }
    columns.push(Column { title: "Ej bedömd".into(), width: step_w, align: Align::Right });
    columns.push(Column { title: "Antal mål".into(), width: step_w, align: Align::Right });
    let mut rows = Vec::new();
    for (card, depth) in cards {
        let (counts, none) = step_counts(card, scale);
        for (t, c) in total.iter_mut().zip(&counts) {
            *t += c;
        }
        total_none += none;
        let n: usize = counts.iter().sum::<usize>() + none;
        let mut row =
            vec![Cell { text: format!("{}{}", "\u{a0}".repeat(4 * depth), card.unit.name), bold: *depth == 0, ..Default::default() }];
        row.extend(counts.iter().map(|c| Cell::plain(c.to_string())));
        row.push(Cell::plain(none.to_string()));
        row.push(Cell { text: n.to_string(), bold: true, ..Default::default() });
        rows.push(row);
    }
    let all: usize = total.iter().sum::<usize>() + total_none;
    let mut row = vec![Cell { text: "Totalt".into(), bold: true, fill: Some(Colour::LIGHT_GREY.lighten(0.6)), ..Default::default() }];
    row.extend(total.iter().map(|c| Cell {
        text: c.to_string(),
        bold: true,
        fill: Some(Colour::LIGHT_GREY.lighten(0.6)),
        ..Default::default()
    }));
    row.push(Cell { text: total_none.to_string(), bold: true, fill: Some(Colour::LIGHT_GREY.lighten(0.6)), ..Default::default() });
    row.push(Cell { text: all.to_string(), bold: true, fill: Some(Colour::LIGHT_GREY.lighten(0.6)), ..Default::default() });
    rows.push(row);

    // A bar of the whole: each step in its colour, with symbol, word and count beside.
    flow.ensure(70.0);
    let (margin, width, y) = (flow.margin, flow.content_width(), flow.y + 4.0);
    {
        let (fonts, page) = flow.fonts_and_page();
        let mut x = margin;
        let bar_h = 16.0;
        for (s, c) in scale.iter().zip(&total) {
            let w = if all > 0 { width * *c as f32 / all as f32 } else { 0.0 };
            if w > 0.0 {
                let colour = Colour::parse_hex(&s.colour).unwrap_or(status_colour(Some(s.status)));
                page.fill_rect(x, y, w, bar_h, colour);
                x += w;
            }
        }
        if total_none > 0 && all > 0 {
            page.fill_rect(x, y, width * total_none as f32 / all as f32, bar_h, Colour::LIGHT_GREY);
        }
        let mut lx = margin;
        let ly = y + bar_h + 13.0;
        for (s, c) in scale.iter().zip(&total) {
            let colour = Colour::parse_hex(&s.colour).unwrap_or(status_colour(Some(s.status)));
            let symbol = s.status.symbol();
            page.text(fonts, lx, ly, 10.0, Weight::Regular, colour, symbol);
            lx += fonts.width(symbol, 10.0, Weight::Regular) + 3.0;
            let text = format!("{} {}   ", s.label, c);
            page.text(fonts, lx, ly, 9.0, Weight::Regular, Colour::BLACK, &text);
            lx += fonts.width(&text, 9.0, Weight::Regular);
        }
        let text = format!("Ej bedömd {total_none}");
        page.text(fonts, lx, ly, 10.0, Weight::Regular, Colour::GREY, "○");
        page.text(fonts, lx + fonts.width("○", 10.0, Weight::Regular) + 3.0, ly, 9.0, Weight::Regular, Colour::BLACK, &text);
    }
    flow.y = y + 16.0 + 26.0;
    flow.table(&columns, &rows, 8.5);
}

fn perspective_intro(flow: &mut Flow, unit: &OrgUnit, p: &scorecard::PerspectiveCard) {
    let text = format!(
        "{}: samlad status {} {} – {}",
        unit.name,
        status_symbol(p.status.status),
        status_word(p.status.status),
        explain_sv(&p.status.explanation)
    );
    flow.paragraph(&text, 9.0, Weight::Regular, Colour::GREY);
}

fn unit_body(flow: &mut Flow, settings: &ReportSettings, extras: &IndicatorExtras, card: &Scorecard, value_label: &str, edition: Edition) {
    let any_goal = card.perspectives.iter().any(|p| !p.goals.is_empty());
    if !any_goal {
        flow.paragraph(&format!("{} har inga egna mål för {}.", card.unit.name, card.year), 9.5, Weight::Regular, Colour::GREY);
    }
    for p in card.perspectives.iter().filter(|p| !p.goals.is_empty()) {
        flow.heading(3, &format!("{} – {} {}", p.name, status_symbol(p.status.status), status_word(p.status.status)), false);
        for g in &p.goals {
            goal_block(flow, settings, extras, g, value_label, edition);
        }
    }
    if settings.sections.activities && !card.activities.is_empty() {
        flow.heading(3, &format!("Aktiviteter – {}", card.unit.name), false);
        activities_table(flow, &card.activities);
    }
}

fn goal_block(flow: &mut Flow, settings: &ReportSettings, extras: &IndicatorExtras, g: &GoalCard, value_label: &str, edition: Edition) {
    let title = if g.code.is_empty() { g.title.clone() } else { format!("{} {}", g.code, g.title) };
    // Keep the goal's title with its assessment line.
    flow.ensure(90.0);
    flow.y += 6.0;
    let size = 11.0;
    let width = flow.content_width();
    let lines = flow.doc.fonts.wrap(&title, size, Weight::Bold, width - 16.0);
    for (i, l) in lines.iter().enumerate() {
        flow.y += size * 1.3;
        let (margin, y) = (flow.margin, flow.y - size * 0.3);
        let (fonts, page) = flow.fonts_and_page();
        if i == 0 {
            page.text(fonts, margin, y, size + 1.0, Weight::Regular, status_colour(g.status.status), status_symbol(g.status.status));
        }
        page.text(fonts, margin + 16.0, y, size, Weight::Bold, Colour::BLACK, l);
    }
    flow.y += 3.0;

    // Assessment: colour, symbol and word.
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
        match g.assessment.as_ref().and_then(|a| a.label.clone().map(|l| (a, l))) {
            Some((a, label)) => {
                let colour = a.colour.as_deref().and_then(Colour::parse_hex).unwrap_or(status_colour(g.status.status));
                let chip = format!("{} {label}", status_symbol(g.status.status));
                page.fill_rect(x - 1.0, y + 1.5, fonts.width(&chip, 9.5, Weight::Bold) + 8.0, 13.0, colour);
                x += 3.0;
                put(page, &mut x, &chip, 9.5, Weight::Bold, colour.text_on());
                x += 6.0;
                if edition == Edition::Draft {
                    put(page, &mut x, &format!("({})", state_sv(a.state)), 9.0, Weight::Regular, Colour::GREY);
                }
            }
            None => put(page, &mut x, "ej bedömd", 9.5, Weight::Bold, Colour::BLACK),
        }
    }
    flow.y += 17.0;
    let computed = format!(
        "Beräknat utifrån nyckeltalen: {} {} – {}",
        status_symbol(g.computed.status),
        status_word(g.computed.status),
        explain_sv(&g.computed.explanation)
    );
    indent_paragraph(flow, &computed, 8.5, Colour::GREY);
    if !g.parents.is_empty() {
        let parents = g
            .parents
            .iter()
            .map(|p| if p.code.is_empty() { p.title.clone() } else { format!("{} {}", p.code, p.title) })
            .collect::<Vec<_>>();
        indent_paragraph(flow, &format!("Bidrar till: {}", parents.join("; ")), 8.5, Colour::GREY);
    }

    if settings.sections.analysis {
        let text = g.assessment.as_ref().map(|a| a.analysis.trim()).unwrap_or("");
        if text.is_empty() {
            if edition == Edition::Draft {
                flow.paragraph("Ingen analys är skriven för perioden.", 9.5, Weight::Regular, Colour::GREY);
            }
        } else {
            flow.y += 2.0;
            flow.rich_text(text, 9.5, Colour::BLACK);
        }
    }
    if settings.sections.indicators && !g.indicators.is_empty() {
        indicator_table(flow, &g.indicators, value_label);
    }
    if settings.sections.charts && !g.indicators.is_empty() {
        charts(flow, settings, extras, &g.indicators);
    }
    flow.y += 6.0;
}

fn indent_paragraph(flow: &mut Flow, text: &str, size: f32, colour: Colour) {
    let spans = [super::pdf_layout::Span { text: text.to_string(), weight: Weight::Regular }];
    flow.rich_paragraph(&spans, size, colour, 16.0, None);
}

fn indicator_table(flow: &mut Flow, indicators: &[IndicatorCard], period_label: &str) {
    let kolada: Vec<Option<(Vec<String>, i32)>> = indicators.iter().map(kolada_lines).collect();
    let with_kolada = kolada.iter().any(Option::is_some);
    let width = flow.content_width();
    let mut columns = vec![
        Column { title: "Nyckeltal".into(), width: 0.0, align: Align::Left },
        Column { title: "Utfall".into(), width: 60.0, align: Align::Right },
        Column { title: "Mål".into(), width: 50.0, align: Align::Right },
        Column { title: "Föregående år".into(), width: 60.0, align: Align::Right },
    ];
    if with_kolada {
        columns.push(Column { title: "Jämförelse (Kolada)".into(), width: 92.0, align: Align::Left });
    }
    columns.push(Column { title: "Status".into(), width: 64.0, align: Align::Left });
    columns.push(Column { title: "Trend".into(), width: 56.0, align: Align::Left });
    let used: f32 = columns.iter().map(|c| c.width).sum();
    columns[0].width = width - used;

    let rows: Vec<Vec<Cell>> = indicators
        .iter()
        .zip(&kolada)
        .map(|(i, k)| {
            // Which period the value is from, when it is not the report's own period.
            let note = i.value_period.as_ref().filter(|p| !p.eq_ignore_ascii_case(period_label)).map(|p| format!("({p})"));
            // A plain space before the unit: a narrow column may put the unit on its own line.
            let value = |v: Option<f64>| match v {
                Some(_) if !i.unit.trim().is_empty() => format!("{} {}", value_text(v, i.decimals, ""), i.unit.trim()),
                _ => value_text(v, i.decimals, ""),
            };
            let mut row = vec![
                Cell::plain(i.name.clone()),
                Cell { text: value(i.value), bold: true, note, ..Default::default() },
                Cell::plain(value(i.target)),
                Cell::plain(value(i.previous)),
            ];
            if with_kolada {
                row.push(match k {
                    Some((lines, year)) => Cell { text: lines.join("\n"), note: Some(format!("({year})")), ..Default::default() },
                    None => Cell::plain("–"),
                });
            }
            row.push(Cell {
                text: format!("{} {}", status_symbol(i.status.status), status_word(i.status.status)),
                fill: Some(status_colour(i.status.status).lighten(0.72)),
                ..Default::default()
            });
            let trend = trend_arrow(i.trend);
            row.push(Cell::plain(if trend.is_empty() { "–".to_string() } else { format!("{trend} {}", trend_word(i.trend)) }));
            row
        })
        .collect();
    flow.y += 2.0;
    flow.table(&columns, &rows, 8.0);
    if with_kolada {
        flow.y -= 4.0;
        flow.paragraph(
            "Jämförelsevärden: Källa: Kolada. Rank är kommunens plats bland alla kommuner med värde; den är en jämförelse, inte måluppfyllelse.",
            7.5,
            Weight::Regular,
            Colour::GREY,
        );
    }
}

const CHART_H: f32 = 96.0;
const CHARTS_PER_ROW: usize = 3;

fn charts(flow: &mut Flow, settings: &ReportSettings, extras: &IndicatorExtras, indicators: &[IndicatorCard]) {
    // A trend needs at least two years.
    let with_values: Vec<&IndicatorCard> =
        indicators.iter().filter(|i| extras.series.get(&i.id).is_some_and(|s| s.points.len() >= 2)).collect();
    if with_values.is_empty() {
        return;
    }
    let gap = 10.0;
    let w = (flow.content_width() - gap * (CHARTS_PER_ROW as f32 - 1.0)) / CHARTS_PER_ROW as f32;
    for row in with_values.chunks(CHARTS_PER_ROW) {
        flow.ensure(CHART_H + 6.0);
        let (margin, top) = (flow.margin, flow.y + 2.0);
        let accent = settings.accent();
        let (fonts, page) = flow.fonts_and_page();
        for (k, ind) in row.iter().enumerate() {
            if let Some(series) = extras.series.get(&ind.id) {
                draw_chart(page, fonts, margin + k as f32 * (w + gap), top, w, CHART_H, ind, series, accent);
            }
        }
        flow.y = top + CHART_H + 6.0;
    }
}

/// A small line chart: the values over the years, the target as a dashed line.
#[allow(clippy::too_many_arguments)]
fn draw_chart(page: &mut Page, fonts: &FontSet, x: f32, top: f32, w: f32, h: f32, ind: &IndicatorCard, s: &Series, accent: Colour) {
    page.stroke_rect(x, top, w, h, 0.5, Colour::LIGHT_GREY);
    let title_size = 7.0;
    let mut title = fonts.wrap(&ind.name, title_size, Weight::Bold, w - 8.0);
    if title.len() > 2 {
        title.truncate(2);
        if let Some(l) = title.last_mut() {
            l.push('…');
        }
    }
    for (i, l) in title.iter().enumerate() {
        page.text(fonts, x + 4.0, top + 9.0 + i as f32 * 8.5, title_size, Weight::Bold, Colour::BLACK, l);
    }
    let first_year = s.points.first().map(|p| p.0).unwrap_or(0);
    let last_year = s.points.last().map(|p| p.0).unwrap_or(first_year);
    let years: Vec<i32> = (first_year..=last_year).collect();
    let targets: Vec<(i32, f64)> = years.iter().filter_map(|y| s.targets.get(y).map(|t| (*y, *t))).collect();
    let all: Vec<f64> = s.points.iter().map(|p| p.1).chain(targets.iter().map(|t| t.1)).collect();
    let (mut lo, mut hi) = all.iter().fold((f64::MAX, f64::MIN), |(lo, hi), v| (lo.min(*v), hi.max(*v)));
    if (hi - lo).abs() < 1e-9 {
        lo -= 1.0;
        hi += 1.0;
    }
    let span = hi - lo;
    lo -= span * 0.1;
    hi += span * 0.1;

    let d = ind.decimals.max(0) as usize;
    let label_size = 6.0;
    let axis_w =
        fonts.width(&number_sv(hi, d), label_size, Weight::Regular).max(fonts.width(&number_sv(lo, d), label_size, Weight::Regular)) + 4.0;
    let plot_x = x + 4.0 + axis_w;
    let plot_top = top + 8.0 + title.len() as f32 * 8.5;
    let plot_w = w - (plot_x - x) - 8.0;
    let plot_bottom = top + h - 22.0;
    let plot_h = plot_bottom - plot_top;
    let px = |year: i32| {
        if years.len() <= 1 {
            plot_x + plot_w / 2.0
        } else {
            plot_x + plot_w * (year - first_year) as f32 / (years.len() - 1) as f32
        }
    };
    let py = |v: f64| plot_bottom - ((v - lo) / (hi - lo)) as f32 * plot_h;

    page.line(plot_x, plot_bottom, plot_x + plot_w, plot_bottom, 0.4, Colour::GREY);
    page.line(plot_x, plot_top, plot_x, plot_bottom, 0.4, Colour::GREY);
    page.text_aligned(fonts, x + 2.0, axis_w, Align::Right, plot_top + 4.0, label_size, Weight::Regular, Colour::GREY, &number_sv(hi, d));
    page.text_aligned(fonts, x + 2.0, axis_w, Align::Right, plot_bottom, label_size, Weight::Regular, Colour::GREY, &number_sv(lo, d));
    for y in &years {
        let label = if years.len() > 5 { format!("{:02}", y % 100) } else { y.to_string() };
        page.text_aligned(fonts, px(*y) - 15.0, 30.0, Align::Center, plot_bottom + 8.0, label_size, Weight::Regular, Colour::GREY, &label);
    }
    if targets.len() >= 2 {
        let pts: Vec<(f32, f32)> = targets.iter().map(|(y, t)| (px(*y), py(*t))).collect();
        page.polyline(&pts, 1.0, Colour::GREY, Some(&[3.0, 2.0]));
    } else if let Some((y, t)) = targets.first() {
        page.polyline(&[(px(*y) - 8.0, py(*t)), (px(*y) + 8.0, py(*t))], 1.0, Colour::GREY, Some(&[3.0, 2.0]));
    }
    let pts: Vec<(f32, f32)> = s.points.iter().map(|(y, v)| (px(*y), py(*v))).collect();
    page.polyline(&pts, 1.4, accent, None);
    for (cx, cy) in &pts {
        page.fill_circle(*cx, *cy, 1.8, accent);
    }
    // Legend (and which part of the year the last value covers).
    let ly = top + h - 5.0;
    page.line(x + 4.0, ly - 2.0, x + 14.0, ly - 2.0, 1.4, accent);
    page.text(fonts, x + 16.0, ly, label_size, Weight::Regular, Colour::GREY, "utfall");
    let mx = x + 18.0 + fonts.width("utfall", label_size, Weight::Regular) + 6.0;
    page.polyline(&[(mx, ly - 2.0), (mx + 10.0, ly - 2.0)], 1.0, Colour::GREY, Some(&[3.0, 2.0]));
    page.text(fonts, mx + 12.0, ly, label_size, Weight::Regular, Colour::GREY, "mål");
    if let Some(p) = &s.partial_label {
        page.text_aligned(
            fonts,
            x,
            w - 4.0,
            Align::Right,
            ly,
            label_size,
            Weight::Regular,
            Colour::GREY,
            &format!("{}: {}", p.get(..4).unwrap_or(""), p.get(5..).unwrap_or("")),
        );
    }
}

fn activities_table(flow: &mut Flow, activities: &[ActivityRow]) {
    let width = flow.content_width();
    let columns = vec![
        Column { title: "Aktivitet".into(), width: width - 300.0, align: Align::Left },
        Column { title: "Ansvarig".into(), width: 110.0, align: Align::Left },
        Column { title: "Period".into(), width: 70.0, align: Align::Left },
        Column { title: "Mål".into(), width: 55.0, align: Align::Left },
        Column { title: "Status".into(), width: 65.0, align: Align::Left },
    ];
    let rows: Vec<Vec<Cell>> = activities
        .iter()
        .map(|a| {
            let dates = match (&a.start_date, &a.end_date) {
                (Some(s), Some(e)) => format!("{s} – {e}"),
                (None, Some(e)) => format!("t.o.m. {e}"),
                (Some(s), None) => format!("fr.o.m. {s}"),
                (None, None) => "–".into(),
            };
            vec![
                Cell::plain(a.title.clone()),
                Cell::plain(a.responsible.clone()),
                Cell::plain(dates),
                Cell::plain(a.goal_codes.join(", ")),
                Cell { text: a.status.label_sv().to_string(), bold: true, colour: Some(activity_colour(a.status)), ..Default::default() },
            ]
        })
        .collect();
    flow.table(&columns, &rows, 8.0);
}
