//! The delårsrapport's content: a unit and everything below it for one period, built
//! once as a [`Report`] that the PDF and the Word renderers draw.
//!
//! Cover, table of contents, the summary of goal attainment ("Måluppfyllelse"), one
//! section per perspective with the top unit's goals, then one section per nämnd (and
//! bolag) with its units below. Each goal shows its assessment, its analysis with the
//! writer's formatting, an indicator table (outcome, target, previous year, Kolada
//! comparison where imported, status) and a small trend chart per indicator. Units
//! without goals of their own anywhere below them are named in one line, not given a
//! section each.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;

use super::document::{self, column, fill_first_column, BarPart, Block, Chart, Chip, Cover, GoalHead, Meta, Report, Table, TextStyle};
use super::edition::Edition;
use super::pdf_layout::{Align, Cell, Colour};
use super::settings::ReportSettings;
use super::{
    activity_colour, date_sv, state_sv, status_colour, status_symbol, status_word, trend_arrow, trend_word, units_below, value_text,
};
use crate::error::Result;
use crate::model::{OrgUnit, PeriodKind, ScaleStep};
use crate::msg;
use crate::scorecard::{self, ActivityRow, GoalCard, IndicatorCard, Scorecard};
use crate::store::{indicators as store_indicators, periods as store_periods, values as store_values, Store};

/// The delårsrapport of `unit_id` and every unit below it for `year` and `period_id`.
pub(crate) fn build(store: &Store, unit_id: i64, year: i32, period_id: i64, today: NaiveDate, edition: Edition) -> Result<Report> {
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

    // "Delårsrapport", at helår "Årsredovisning"; a draft says so in every title.
    let report_name = crate::wording::report_name(period.kind);
    let suffix = edition.title_suffix();
    let title = format!("{report_name}{suffix} – {} – {}", top.unit.name, period.name);
    let mut header_left = format!("{} · {report_name}{suffix} · {}", settings.municipality_name, period.name);
    if top.unit.name != settings.municipality_name {
        header_left.push_str(&format!(" · {}", top.unit.name));
    }
    let period_text = match (parse_date(&top.period.start_date), parse_date(&top.period.end_date)) {
        (Some(s), Some(e)) => format!("Perioden {} – {}", date_sv(s), date_sv(e)),
        _ => format!("Perioden {} – {}", top.period.start_date, top.period.end_date),
    };
    let mut report = Report {
        meta: Meta {
            title,
            author: settings.municipality_name.clone(),
            subject: format!("{report_name}{suffix} för {} och enheterna under, {}", top.unit.name, period.name),
            keywords: vec![report_name.to_lowercase(), "styrkort".into(), period.name.clone(), top.unit.name.clone()],
            language: "sv-SE".into(),
            date: today,
        },
        cover: Cover {
            over: settings.municipality_name.clone(),
            title: report_name.into(),
            subtitle: match crate::wording::report_subtitle(period.kind) {
                Some(sub) => format!("{} – {sub}", top.period.name),
                None => top.period.name.clone(),
            },
            unit: top.unit.name.clone(),
            lines: [
                (edition == Edition::Draft).then(|| "Utkast – inte godkänt för publicering".to_string()),
                Some(period_text),
                Some(format!("Utskriven {}", date_sv(today))),
            ]
            .into_iter()
            .flatten()
            .collect(),
            vision: Some(top.vision.trim().to_string()).filter(|v| !v.is_empty()),
        },
        header_left,
        footer_text: settings.footer_text.clone(),
        draft_mark: edition.page_mark().map(str::to_string),
        primary: settings.primary(),
        accent: settings.accent(),
        logo: settings.logo_bytes(),
        contents: true,
        blocks: Vec::new(),
    };
    let out = &mut report.blocks;

    // Units with no goals anywhere in their branch get no section, only a line.
    let without_goals = units_without_goals(&cards);

    // The opening: Inledning (or a nämnd's own texts) and the KF-mål table.
    super::opening::text_sections(out, top_texts, &opening, 1, true, edition);
    if !kf.is_empty() {
        out.push(Block::heading(1, "Kommunfullmäktiges mål", true));
        let what = match reading {
            crate::wording::Reading::Forecast => "bedömningen av om målet uppfylls vid årets slut",
            crate::wording::Reading::Outcome => "bedömningen av måluppfyllelsen för året",
        };
        out.push(Block::text(
            format!("Kommunfullmäktiges mål med {what} och en kort kommentar. Mer om varje mål under perspektiven nedan."),
            TextStyle::Body,
        ));
        super::opening::kf_table(out, &kf, &crate::wording::assessment_heading(reading).sv, edition);
    }

    // Summary of goal attainment.
    if settings.sections.summary {
        out.push(Block::heading(1, "Måluppfyllelse", true));
        // Units without goals in their branch are named in one line below, not as rows of zeros.
        summary(out, &cards, &without_goals, &scale, &period.name);
        super::opening::level_table(out, &card_refs, &scale);
    }
    if !without_goals.is_empty() {
        let names: Vec<&str> =
            cards.iter().filter(|(c, _)| without_goals.contains(&c.unit.id)).map(|(c, _)| c.unit.name.as_str()).collect();
        out.push(Block::text(format!("Utan egna mål för {}: {}.", top.year, names.join(", ")), TextStyle::Muted));
    }
    // Agenda 2030: the KF-mål and nämndmål per global goal they are tagged with.
    super::agenda_section::section(out, store, &card_refs, year, &crate::wording::assessment_heading(reading).sv, edition)?;

    // The top unit: one section per perspective.
    for p in &top.perspectives {
        out.push(Block::heading(1, p.name.clone(), true));
        out.push(perspective_intro(&top.unit, p));
        if p.goals.is_empty() {
            out.push(Block::text(format!("{} har inga mål i perspektivet {} för {}.", top.unit.name, p.name, top.year), TextStyle::Muted));
        }
        for g in &p.goals {
            goal_block(out, &settings, &extras, g, &value_label, 2, edition);
        }
    }
    if settings.sections.activities && !top.activities.is_empty() {
        out.push(Block::heading(1, format!("Aktiviteter – {}", top.unit.name), true));
        out.push(Block::Table(activities_table(&top.activities)));
    }

    // Uppdrag from KF and the nämnder to the report's unit and the units below it.
    let assignments = crate::assignments::rows(store, year, Some(period_id), Some(top.unit.id), today)?;
    if !assignments.is_empty() {
        assignments_section(
            out,
            &assignments,
            &crate::assignments::oldest_unfinished(store, year, Some(period_id), Some(top.unit.id), today)?,
            &period.name,
        );
    }

    // The report-level texts after the goals: Väsentliga händelser … Personal.
    // Then the economy: the statements, the balanskrav, drift and investments (or, in a
    // nämnd's own report, its driftredovisning).
    let economy = crate::economy::report::of_period(store, year, period_id)?;
    if top.unit.kind == crate::model::UnitKind::Kommun {
        super::opening::text_sections(out, top_texts, &crate::narrative::REPORT_SECTIONS[1..], 1, true, edition);
        super::economy_section::municipality(out, &economy, edition);
    } else {
        super::economy_section::unit(out, &economy, top.unit.id, edition);
    }
    // Intern kontroll: per nämnd in the report, controls reported, deviations and actions.
    super::internal_control::delar_section(out, store, year, period_id, &unit_ids)?;

    // The units below: a section per nämnd (and bolag), its units as subsections; a nämnd's
    // own texts open its section.
    for (card, depth) in cards.iter().skip(1) {
        let own = texts.iter().find(|t| t.unit.id == card.unit.id);
        let has_own = own.is_some_and(|o| !o.texts.is_empty());
        if without_goals.contains(&card.unit.id) && !has_own {
            continue;
        }
        out.push(Block::heading(if *depth <= 1 { 1 } else { 2 }, card.unit.name.clone(), true));
        if *depth <= 1 {
            super::opening::text_sections(out, own, &crate::narrative::UNIT_SECTIONS, 2, false, edition);
        }
        unit_body(out, &settings, &extras, card, &value_label, edition);
    }
    Ok(report)
}

fn parse_date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

/// Units below the top one with no goals of their own and none in the units under them.
fn units_without_goals(cards: &[(Scorecard, usize)]) -> Vec<i64> {
    let own = |c: &Scorecard| c.perspectives.iter().any(|p| !p.goals.is_empty());
    let mut out = Vec::new();
    for (i, (card, depth)) in cards.iter().enumerate().skip(1) {
        let branch = cards[i + 1..].iter().take_while(|(_, d)| d > depth);
        if !own(card) && !branch.into_iter().any(|(c, _)| own(c)) {
            out.push(card.unit.id);
        }
    }
    out
}

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

/// The Kolada comparison of an indicator as lines, each naming its year (`text::kolada_lines_sv`);
/// `None` when there is no comparison.
fn kolada_lines(i: &IndicatorCard) -> Option<Vec<String>> {
    let lines = crate::text::kolada_lines_sv(i);
    (!lines.is_empty()).then_some(lines)
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

fn summary(out: &mut Vec<Block>, cards: &[(Scorecard, usize)], without_goals: &[i64], scale: &[ScaleStep], period_name: &str) {
    out.push(Block::text(
        format!(
            "Bedömningen av varje mål för {} på planårets {}-gradiga skala, per enhet. Mål som ännu inte har bedömts räknas som ej bedömda.",
            period_name.to_lowercase(),
            scale.len()
        ),
        TextStyle::Body,
    ));
    let mut total = vec![0usize; scale.len()];
    let mut total_none = 0;
    let step_w = 62.0;
    let mut columns = vec![column("Enhet", 0.0, Align::Left)];
    for s in scale {
        columns.push(column(&s.label, step_w, Align::Right));
    }
    columns.push(column("Ej bedömd", step_w, Align::Right));
    columns.push(column("Antal mål", step_w, Align::Right));
    fill_first_column(&mut columns);
    let mut rows = Vec::new();
    for (card, depth) in cards.iter().filter(|(c, _)| !without_goals.contains(&c.unit.id)) {
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
    let shade = Some(Colour::LIGHT_GREY.lighten(0.6));
    let mut row = vec![Cell { text: "Totalt".into(), bold: true, fill: shade, ..Default::default() }];
    row.extend(total.iter().map(|c| Cell { text: c.to_string(), bold: true, fill: shade, ..Default::default() }));
    row.push(Cell { text: total_none.to_string(), bold: true, fill: shade, ..Default::default() });
    row.push(Cell { text: all.to_string(), bold: true, fill: shade, ..Default::default() });
    rows.push(row);

    // A bar of the whole: each step in its colour, with symbol, word and count beside.
    let mut parts: Vec<BarPart> = scale
        .iter()
        .zip(&total)
        .map(|(s, c)| {
            let colour = Colour::parse_hex(&s.colour).unwrap_or(status_colour(Some(s.status)));
            BarPart { label: s.label.clone(), count: *c, symbol: s.status.symbol(), colour, symbol_colour: colour }
        })
        .collect();
    parts.push(BarPart {
        label: "Ej bedömd".into(),
        count: total_none,
        symbol: "○",
        colour: Colour::LIGHT_GREY,
        symbol_colour: Colour::GREY,
    });
    out.push(Block::Bar(parts));
    out.push(Block::Table(Table { keep_together: true, ..Table::new(columns, rows, 8.5) }));
}

fn perspective_intro(unit: &OrgUnit, p: &scorecard::PerspectiveCard) -> Block {
    // The status without the colour rule's arithmetic: that stays behind "Visa varför" in
    // the window (issue 15); a reader of the report gets the result.
    Block::text(
        format!("{}: samlad status {} {}", unit.name, status_symbol(p.status.status), status_word(p.status.status)),
        TextStyle::Intro,
    )
}

fn unit_body(
    out: &mut Vec<Block>,
    settings: &ReportSettings,
    extras: &IndicatorExtras,
    card: &Scorecard,
    value_label: &str,
    edition: Edition,
) {
    let any_goal = card.perspectives.iter().any(|p| !p.goals.is_empty());
    if !any_goal {
        out.push(Block::text(format!("{} har inga egna mål för {}.", card.unit.name, card.year), TextStyle::Muted));
    }
    for p in card.perspectives.iter().filter(|p| !p.goals.is_empty()) {
        out.push(Block::heading(3, format!("{} – {} {}", p.name, status_symbol(p.status.status), status_word(p.status.status)), false));
        for g in &p.goals {
            goal_block(out, settings, extras, g, value_label, 4, edition);
        }
    }
    if settings.sections.activities && !card.activities.is_empty() {
        out.push(Block::heading(3, format!("Aktiviteter – {}", card.unit.name), false));
        out.push(Block::Table(activities_table(&card.activities)));
    }
}

fn goal_block(
    out: &mut Vec<Block>,
    settings: &ReportSettings,
    extras: &IndicatorExtras,
    g: &GoalCard,
    value_label: &str,
    level: u8,
    edition: Edition,
) {
    let title = if g.code.is_empty() { g.title.clone() } else { format!("{} {}", g.code, g.title) };
    let assessment = g.assessment.as_ref().and_then(|a| a.label.clone().map(|l| (a, l))).map(|(a, label)| Chip {
        text: format!("{} {label}", status_symbol(g.status.status)),
        colour: a.colour.as_deref().and_then(Colour::parse_hex).unwrap_or(status_colour(g.status.status)),
        // A final version prints no review states: everything in it is approved.
        state: if edition == Edition::Draft { state_sv(a.state).to_string() } else { String::new() },
    });
    out.push(Block::Goal(GoalHead { level, title, status: g.status.status, assessment }));
    out.push(Block::text(
        format!("Beräknat utifrån nyckeltalen: {} {}", status_symbol(g.computed.status), status_word(g.computed.status)),
        TextStyle::Detail,
    ));
    if !g.parents.is_empty() {
        let parents = g
            .parents
            .iter()
            .map(|p| if p.code.is_empty() { p.title.clone() } else { format!("{} {}", p.code, p.title) })
            .collect::<Vec<_>>();
        out.push(Block::text(format!("Bidrar till: {}", parents.join("; ")), TextStyle::Detail));
    }

    if settings.sections.analysis {
        let text = g.assessment.as_ref().map(|a| a.analysis.trim()).unwrap_or("");
        if text.is_empty() {
            if edition == Edition::Draft {
                out.push(Block::text("Ingen analys är skriven för perioden.", TextStyle::Muted));
            }
        } else {
            out.extend(document::rich_text(text, TextStyle::Body));
        }
    }
    if settings.sections.indicators && !g.indicators.is_empty() {
        indicator_table(out, &g.indicators, value_label);
    }
    if settings.sections.charts && !g.indicators.is_empty() {
        let charts = charts(extras, &g.indicators);
        if !charts.is_empty() {
            out.push(Block::Charts(charts));
        }
    }
}

fn indicator_table(out: &mut Vec<Block>, indicators: &[IndicatorCard], period_label: &str) {
    let kolada: Vec<Option<Vec<String>>> = indicators.iter().map(kolada_lines).collect();
    // The report's year: a target of another year (that of an older value) says its year.
    let report_year = period_label.get(..4).and_then(|y| y.parse::<i32>().ok());
    let with_kolada = kolada.iter().any(Option::is_some);
    let mut columns = vec![
        column("Nyckeltal", 0.0, Align::Left),
        column("Utfall", 60.0, Align::Right),
        column("Mål", 50.0, Align::Right),
        column("Föregående år", 60.0, Align::Right),
    ];
    if with_kolada {
        columns.push(column("Jämförelse (Kolada)", 108.0, Align::Left));
    }
    columns.push(column("Status", 64.0, Align::Left));
    columns.push(column("Trend", 56.0, Align::Left));
    fill_first_column(&mut columns);

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
            let target_note = i.target_year.filter(|y| Some(*y) != report_year).map(|y| format!("(mål {y})"));
            // Women and men beside the total, where the data has them.
            let name_note = crate::text::genders_sv(i).map(|g| g.replace(" · ", ", "));
            let mut row = vec![
                Cell { text: i.name.clone(), note: name_note, ..Default::default() },
                Cell { text: value(i.value), bold: true, note, ..Default::default() },
                Cell { text: value(i.target), note: target_note, ..Default::default() },
                Cell { text: value(i.previous), note: crate::text::previous_note_sv(i), ..Default::default() },
            ];
            if with_kolada {
                row.push(match k {
                    Some(lines) => Cell::plain(lines.join("\n")),
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
    out.push(Block::Table(Table::new(columns, rows, 8.0)));
    if with_kolada {
        out.push(Block::text(
            "Jämförelsevärden: Källa: Kolada, för det år som står; fjärdedelen är platsen för vårt värde samma år bland alla kommuner med värde, en jämförelse, inte måluppfyllelse. Antal och belopp jämförs inte med hela rikets summa.",
            TextStyle::Note,
        ));
    }
}

/// A chart per indicator with a trend (values in at least two years).
fn charts(extras: &IndicatorExtras, indicators: &[IndicatorCard]) -> Vec<Chart> {
    indicators
        .iter()
        .filter_map(|i| {
            let s = extras.series.get(&i.id).filter(|s| s.points.len() >= 2)?;
            let first = s.points.first().map(|p| p.0)?;
            let last = s.points.last().map(|p| p.0)?;
            Some(Chart {
                title: i.name.clone(),
                unit: i.unit.trim().to_string(),
                decimals: i.decimals.max(0) as usize,
                points: s.points.clone(),
                targets: s.targets.range(first..=last).map(|(y, t)| (*y, *t)).collect(),
                partial_label: s.partial_label.as_ref().map(|p| format!("{}: {}", p.get(..4).unwrap_or(""), p.get(5..).unwrap_or(""))),
            })
        })
        .collect()
}

fn activities_table(activities: &[ActivityRow]) -> Table {
    let mut columns = vec![
        column("Aktivitet", 0.0, Align::Left),
        column("Ansvarig", 110.0, Align::Left),
        column("Period", 70.0, Align::Left),
        column("Mål", 55.0, Align::Left),
        column("Status", 65.0, Align::Left),
    ];
    fill_first_column(&mut columns);
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
    Table::new(columns, rows, 8.0)
}

/// The colour an uppdrag's status word is printed in (beside its symbol, never alone).
fn assignment_colour(status: Option<crate::model::AssignmentStatus>) -> Colour {
    use crate::model::AssignmentStatus::*;
    match status {
        Some(Done) => Colour::rgb(0x2e, 0x7d, 0x32),
        Some(InProgress) => Colour::rgb(0x1f, 0x4e, 0x79),
        Some(NotStarted | ClosedUndone) | None => Colour::GREY,
    }
}

fn assignment_status_cell(status: Option<crate::model::AssignmentStatus>) -> Cell {
    let text = match status {
        Some(s) => format!("{} {}", s.symbol(), s.label().sv),
        None => "Ej uppföljt".into(),
    };
    Cell { text, bold: true, colour: Some(assignment_colour(status)), ..Default::default() }
}

/// Who gave it, with "24 november 2025 § 112" on the line under.
fn decision_cell(a: &crate::assignments::AssignmentRow) -> Cell {
    let date = a.decision_date.as_deref().and_then(parse_date).map(date_sv);
    let when = [date, Some(a.decision_paragraph.clone())].into_iter().flatten().filter(|t| !t.is_empty()).collect::<Vec<_>>().join(" ");
    Cell { note: (!when.is_empty()).then_some(when), ..Cell::plain(a.decision_body.clone()) }
}

fn deadline_cell(a: &crate::assignments::AssignmentRow) -> Cell {
    let text = a.deadline.clone().unwrap_or_else(|| "–".into());
    if a.overdue {
        Cell { text, bold: true, colour: Some(Colour::rgb(0xc6, 0x28, 0x28)), note: Some("passerat".into()), ..Default::default() }
    } else {
        Cell::plain(text)
    }
}

/// "Uppdrag": how many are done, a count per status, every uppdrag with its status in the
/// period and the oldest unfinished ones.
fn assignments_section(
    out: &mut Vec<Block>,
    rows: &[crate::assignments::AssignmentRow],
    oldest: &[crate::assignments::AssignmentRow],
    period_name: &str,
) {
    use crate::model::AssignmentStatus;
    let counts = crate::assignments::StatusCounts::of(rows);
    out.push(Block::heading(1, "Uppdrag", true));
    out.push(Block::text(
        format!(
            "Uppdrag från kommunfullmäktige och nämnderna och hur de har följts upp till och med {}. {}",
            period_name.to_lowercase(),
            counts.summary().sv
        ),
        TextStyle::Body,
    ));
    let mut columns = vec![column("Status", 0.0, Align::Left), column("Antal", 60.0, Align::Right)];
    columns[0].width = 220.0;
    let count_rows: Vec<Vec<Cell>> = [
        (Some(AssignmentStatus::Done), counts.done),
        (Some(AssignmentStatus::InProgress), counts.in_progress),
        (Some(AssignmentStatus::NotStarted), counts.not_started),
        (Some(AssignmentStatus::ClosedUndone), counts.closed_undone),
        (None, counts.none),
    ]
    .into_iter()
    .filter(|(s, n)| s.is_some() || *n > 0)
    .map(|(s, n)| vec![assignment_status_cell(s), Cell::plain(n.to_string())])
    .chain(std::iter::once(vec![
        Cell { text: "Totalt".into(), bold: true, ..Default::default() },
        Cell { text: counts.total.to_string(), bold: true, ..Default::default() },
    ]))
    .collect();
    out.push(Block::Table(Table { keep_together: true, ..Table::new(columns, count_rows, 8.5) }));

    let mut columns = vec![
        column("Uppdrag", 0.0, Align::Left),
        column("Givet av", 90.0, Align::Left),
        column("Ansvarig", 88.0, Align::Left),
        column("Slutdatum", 58.0, Align::Left),
        column("Status", 60.0, Align::Left),
        column("Kommentar", 100.0, Align::Left),
    ];
    fill_first_column(&mut columns);
    let table_rows: Vec<Vec<Cell>> = rows
        .iter()
        .map(|a| {
            let person = (!a.responsible_person.is_empty()).then(|| a.responsible_person.clone());
            vec![
                Cell { text: a.title.clone(), note: (!a.code.is_empty()).then(|| a.code.clone()), ..Default::default() },
                decision_cell(a),
                Cell { text: a.responsible_unit_name.clone(), note: person, ..Default::default() },
                deadline_cell(a),
                assignment_status_cell(a.status),
                Cell {
                    note: a.status_from.as_ref().map(|p| format!("Från {}", p.to_lowercase())),
                    ..Cell::plain(a.status_comment.clone())
                },
            ]
        })
        .collect();
    out.push(Block::Table(Table::new(columns, table_rows, 7.5)));

    if !oldest.is_empty() {
        out.push(Block::heading(2, "Äldsta ej genomförda uppdrag", false));
        out.push(Block::text(
            "Uppdrag som ännu inte är genomförda eller avslutade, äldst beslut först, med tiden sedan beslutet.",
            TextStyle::Intro,
        ));
        let mut columns = vec![
            column("Uppdrag", 0.0, Align::Left),
            column("Givet av", 96.0, Align::Left),
            column("Ålder", 80.0, Align::Left),
            column("Slutdatum", 56.0, Align::Left),
            column("Status", 66.0, Align::Left),
        ];
        fill_first_column(&mut columns);
        let rows: Vec<Vec<Cell>> = oldest
            .iter()
            .take(5)
            .map(|a| {
                vec![
                    Cell { text: a.title.clone(), note: Some(a.responsible_unit_name.clone()), ..Default::default() },
                    decision_cell(a),
                    Cell::plain(if a.age_text.is_empty() { "–".to_string() } else { a.age_text.clone() }),
                    deadline_cell(a),
                    assignment_status_cell(a.status),
                ]
            })
            .collect();
        out.push(Block::Table(Table::new(columns, rows, 7.5)));
    }
}
