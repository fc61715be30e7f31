//! The Excel workbook: the scorecard overview, goals with assessments and analysis,
//! indicator values (long: one row per indicator, unit, period and gender; wide: one
//! column per year), activities, and completeness per unit, plus a sheet about the file.
//!
//! Numbers are numbers with number formats (Excel shows them with the reader's decimal
//! comma and thousands space), dates are dates, header rows are frozen and filtered,
//! statuses are coloured and spelled out, and every text is written as a string, so a
//! text starting with `=`, `+`, `-` or `@` can never become a formula.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use chrono::{NaiveDate, NaiveDateTime};
use rust_xlsxwriter::{Color, DocProperties, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};

use super::settings::ReportSettings;
use super::{state_sv, status_symbol, units_below};
use crate::error::{AppError, ErrorCode, Result};
use crate::model::{AssessmentState, Gender, PeriodKind, Status, ValueSource};
use crate::msg;
use crate::scorecard::{self, IndicatorCard, Scorecard};
use crate::store::{indicators as store_indicators, periods, values as store_values, Store};

impl From<XlsxError> for AppError {
    fn from(e: XlsxError) -> Self {
        AppError::new(
            ErrorCode::Internal,
            msg!(
                "Excelfilen kunde inte skapas: {e}. Försök igen; kvarstår felet, kontakta support.",
                "The Excel file could not be created: {e}. Try again; if the error persists, contact support."
            ),
        )
    }
}

/// The workbook for `year` and a period (default: the latest that has ended by `today`),
/// for a unit and everything below it (default: the whole organisation).
pub fn workbook(store: &Store, unit_id: Option<i64>, year: i32, period_id: Option<i64>, today: NaiveDate) -> Result<Vec<u8>> {
    let settings = ReportSettings::load(store)?;
    let top_id = match unit_id {
        Some(id) => id,
        None => store.unit_tree()?.first().map(|n| n.unit.id).ok_or_else(|| {
            AppError::not_found(msg!(
                "Databasen har ingen organisation ännu. Lägg upp kommunen först.",
                "The database has no organisation yet. Set up the municipality first."
            ))
        })?,
    };
    store.plan_year(year)?;
    let period = match period_id {
        Some(id) => store.period(id)?,
        None => store.default_period(year, today)?,
    };
    let units = units_below(store, top_id)?;
    let unit_ids: Vec<i64> = units.iter().map(|(u, _)| u.id).collect();
    let cards = scorecard::build_many(store, &unit_ids, year, Some(period.id), today)?;
    let unit_names: BTreeMap<i64, String> = store.units()?.into_iter().map(|u| (u.id, u.name)).collect();

    let mut wb = Workbook::new();
    let created = today.and_hms_opt(12, 0, 0).map(|d| d.and_utc()).unwrap_or_default();
    let top_name = cards.first().map(|c| c.unit.name.clone()).unwrap_or_default();
    wb.set_properties(
        &DocProperties::new()
            .set_title(format!("Styrkort – {top_name} – {}", period.name))
            .set_author(settings.municipality_name.clone())
            .set_company(settings.municipality_name.clone())
            .set_creation_datetime(&created),
    );
    let f = Formats::new(&settings);

    overview_sheet(wb.add_worksheet(), &f, &cards)?;
    goals_sheet(wb.add_worksheet(), &f, &cards)?;
    let indicators = distinct_indicators(&cards);
    let values = ValueTable::load(store, &indicators, &period)?;
    // The long sheet is written row by row to a temporary file ("constant memory"): no
    // in-memory cell table or shared-string lookups for its hundreds of thousands of rows.
    values_sheet(wb.add_worksheet_with_constant_memory()?, &f, &values, &indicators, &unit_names, period.plan_year - 1)?;
    yearly_sheet(wb.add_worksheet(), &f, &values, &indicators, &unit_names, &period)?;
    activities_sheet(wb.add_worksheet(), &f, &cards)?;
    let assignments = crate::assignments::rows(store, year, Some(period.id), Some(top_id), today)?;
    assignments_sheet(wb.add_worksheet(), &f, &assignments)?;
    completeness_sheet(wb.add_worksheet(), &f, &values, &cards, &period)?;
    // Intern kontroll of the units in the workbook that have a plan, when any has.
    let plans = crate::internal_control::plans_of_year(store, period.plan_year, Some(period.id), Some(&unit_ids))?;
    if !plans.is_empty() {
        internal_control_sheet(wb.add_worksheet(), &f, &plans)?;
    }
    // Grunduppdrag and tjänstegarantier of the workbook's units, when any has them.
    let missions = unit_missions_rows(store, &cards, period.plan_year, period.id)?;
    if !missions.is_empty() {
        unit_missions_sheet(wb.add_worksheet(), &f, &missions)?;
    }
    // Agenda 2030: the workbook's goals and indicators per global goal, when any is tagged.
    let owners: Vec<&str> = cards.iter().map(|c| c.unit.name.as_str()).collect();
    let agenda = crate::agenda2030::view(store, period.plan_year, Some(period.id))?;
    if agenda.sections.iter().any(|s| s.goals.iter().any(|g| owners.contains(&g.owner_name.as_str()))) {
        agenda_sheet(wb.add_worksheet(), &f, &agenda, &owners)?;
    }
    // The economy, for a workbook of the whole municipality, when the period has figures.
    if cards.first().is_some_and(|c| c.unit.kind == crate::model::UnitKind::Kommun) {
        let economy = crate::economy::report::of_period(store, period.plan_year, period.id)?;
        if economy.has_figures {
            let ef = super::workbook_economy::EconomyFormats::new(&f.header, economy.amount_unit);
            super::workbook_economy::operating_sheet(wb.add_worksheet(), &ef, &economy)?;
            if !economy.investments.is_empty() {
                super::workbook_economy::investments_sheet(wb.add_worksheet(), &ef, &economy)?;
            }
            super::workbook_economy::statements_sheet(wb.add_worksheet(), &ef, &economy)?;
        }
    }
    let version = super::edition::version_note(store, &cards.iter().collect::<Vec<_>>(), period.id)?;
    about_sheet(wb.add_worksheet(), &f, &settings, (&top_name, &version), &period, today)?;
    // Deflate at level 1: about half the time of the default (6) for a file a fifth larger.
    wb.set_zip_compression_level(1);
    Ok(wb.save_to_buffer()?)
}

struct Formats {
    header: Format,
    text: Format,
    wrap: Format,
    bold: Format,
    /// Runs of a rich string (the analysis): plain and bold.
    plain_run: Format,
    bold_run: Format,
    date: Format,
    datetime: Format,
    integer: Format,
    percent: Format,
    numbers: Vec<Format>,
    green: Format,
    yellow: Format,
    red: Format,
    none: Format,
}

impl Formats {
    fn new(settings: &ReportSettings) -> Self {
        let p = settings.primary();
        let primary = Color::RGB(((p.r as u32) << 16) | ((p.g as u32) << 8) | p.b as u32);
        let on = if p.text_on() == super::pdf_layout::Colour::WHITE { Color::White } else { Color::Black };
        let status = |bg: u32, fg: u32| {
            Format::new().set_background_color(Color::RGB(bg)).set_font_color(Color::RGB(fg)).set_align(FormatAlign::Top)
        };
        Self {
            header: Format::new()
                .set_bold()
                .set_background_color(primary)
                .set_font_color(on)
                .set_text_wrap()
                .set_align(FormatAlign::Top)
                .set_border_bottom(FormatBorder::Thin),
            text: Format::new().set_align(FormatAlign::Top),
            wrap: Format::new().set_text_wrap().set_align(FormatAlign::Top),
            bold: Format::new().set_bold().set_align(FormatAlign::Top),
            plain_run: Format::new(),
            bold_run: Format::new().set_bold(),
            date: Format::new().set_num_format("yyyy-mm-dd").set_align(FormatAlign::Top),
            datetime: Format::new().set_num_format("yyyy-mm-dd hh:mm").set_align(FormatAlign::Top),
            integer: Format::new().set_num_format("#,##0").set_align(FormatAlign::Top),
            percent: Format::new().set_num_format("0%").set_align(FormatAlign::Top),
            // "#,##0.0" is shown as "# ##0,0" by a Swedish Excel or LibreOffice.
            numbers: (0..=4)
                .map(|d| {
                    let code = if d == 0 { "#,##0".to_string() } else { format!("#,##0.{}", "0".repeat(d)) };
                    Format::new().set_num_format(code).set_align(FormatAlign::Top)
                })
                .collect(),
            green: status(0xC6EFCE, 0x006100),
            yellow: status(0xFFEB9C, 0x7A4F01),
            red: status(0xFFC7CE, 0x9C0006),
            none: status(0xEDEDED, 0x404040),
        }
    }

    fn number(&self, decimals: i32) -> &Format {
        let i = decimals.clamp(0, 4) as usize;
        &self.numbers[i.min(self.numbers.len() - 1)]
    }

    fn status(&self, s: Option<Status>) -> &Format {
        match s {
            Some(Status::Green) => &self.green,
            Some(Status::Yellow) => &self.yellow,
            Some(Status::Red) => &self.red,
            None => &self.none,
        }
    }
}

fn level_word(level: crate::model::GoalLevel) -> &'static str {
    match level {
        crate::model::GoalLevel::Kf => "KF-mål",
        crate::model::GoalLevel::Namnd => "Nämndmål",
        crate::model::GoalLevel::Enhet => "Enhetsmål",
    }
}

/// "● Uppnått", "○ Saknas": the word always beside the colour.
fn status_cell_text(s: Option<Status>) -> String {
    let word = super::status_word(s);
    let mut chars = word.chars();
    let word = match chars.next() {
        Some(c) => c.to_uppercase().collect::<String>() + chars.as_str(),
        None => String::new(),
    };
    format!("{} {word}", status_symbol(s))
}

/// Write the header row, column widths, frozen header and (after the rows) the filter.
fn header(ws: &mut Worksheet, f: &Formats, name: &str, columns: &[(&str, f64)]) -> Result<()> {
    ws.set_name(name)?;
    for (c, (title, width)) in columns.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *title, &f.header)?;
        ws.set_column_width(c as u16, *width)?;
    }
    // Tall enough for the longest wrapped title.
    let lines = columns.iter().map(|(t, w)| wrapped_lines(t, (*w - 1.0).max(1.0))).max().unwrap_or(1);
    ws.set_row_height(0, (lines as f64 * 15.0).max(30.0))?;
    ws.set_freeze_panes(1, 0)?;
    // Printed: A4 landscape, one page wide (the columns are sized so that this stays
    // readable), narrow margins, the header row on every page, the sheet and page number in
    // the footer.
    ws.set_paper_size(9).set_landscape().set_print_fit_to_pages(1, 0).set_print_gridlines(true);
    ws.set_margins(0.4, 0.4, 0.5, 0.6, 0.3, 0.3);
    ws.set_footer("&L&A&RSida &P av &N");
    ws.set_repeat_rows(0, 0)?;
    Ok(())
}

/// How many lines a wrapped text takes in a column `width` characters wide (roughly:
/// spreadsheet programs do not fit row heights to wrapped text when they open a file).
fn wrapped_lines(text: &str, width: f64) -> usize {
    let per_line = (width * 1.1).max(1.0);
    text.split('\n').map(|l| ((l.chars().count() as f64) / per_line).ceil().max(1.0) as usize).sum()
}

/// Make the row tall enough for its wrapped cells: (text, column width) pairs.
fn fit_row(ws: &mut Worksheet, row: u32, cells: &[(&str, f64)]) -> Result<()> {
    let lines = cells.iter().map(|(t, w)| wrapped_lines(t, *w)).max().unwrap_or(1);
    if lines > 1 {
        ws.set_row_height(row, (lines as f64 * 15.0).min(409.0))?;
    }
    Ok(())
}

fn filter(ws: &mut Worksheet, last_row: u32, columns: usize) -> Result<()> {
    ws.autofilter(0, 0, last_row.max(1), columns.saturating_sub(1) as u16)?;
    Ok(())
}

fn text(ws: &mut Worksheet, row: u32, col: u16, value: &str, format: &Format) -> Result<()> {
    // Always a string cell: never interpreted as a formula, whatever it starts with.
    ws.write_string_with_format(row, col, value, format)?;
    Ok(())
}

fn date_cell(ws: &mut Worksheet, f: &Formats, row: u32, col: u16, value: Option<&str>) -> Result<()> {
    if let Some(v) = value {
        match NaiveDate::parse_from_str(v, "%Y-%m-%d") {
            Ok(d) => {
                ws.write_date_with_format(row, col, d, &f.date)?;
            }
            Err(_) => text(ws, row, col, v, &f.text)?,
        }
    }
    Ok(())
}

fn unit_kind_and_name(card: &Scorecard) -> (String, String) {
    (card.unit.kind.label_sv().to_string(), card.unit.name.clone())
}

fn overview_sheet(ws: &mut Worksheet, f: &Formats, cards: &[Scorecard]) -> Result<()> {
    let columns = [
        ("Enhet", 26.0),
        ("Typ", 10.0),
        ("Perspektiv", 18.0),
        ("Status", 14.0),
        ("Förklaring", 50.0),
        ("Antal mål", 8.0),
        ("Varav uppnått", 9.0),
        ("Varav nära", 8.0),
        ("Varav ej uppnått", 9.0),
        ("Varav utan status", 9.0),
    ];
    header(ws, f, "Översikt", &columns)?;
    let mut row = 0u32;
    for card in cards {
        let (kind, name) = unit_kind_and_name(card);
        for p in &card.perspectives {
            row += 1;
            text(ws, row, 0, &name, &f.text)?;
            text(ws, row, 1, &kind, &f.text)?;
            text(ws, row, 2, &p.name, &f.text)?;
            text(ws, row, 3, &status_cell_text(p.status.status), f.status(p.status.status))?;
            let explanation = crate::status::explain_sv(&p.status.explanation);
            text(ws, row, 4, &explanation, &f.wrap)?;
            fit_row(ws, row, &[(&explanation, columns[4].1)])?;
            let count = |s: Option<Status>| p.goals.iter().filter(|g| g.status.status == s).count() as f64;
            ws.write_number_with_format(row, 5, p.goals.len() as f64, &f.integer)?;
            ws.write_number_with_format(row, 6, count(Some(Status::Green)), &f.integer)?;
            ws.write_number_with_format(row, 7, count(Some(Status::Yellow)), &f.integer)?;
            ws.write_number_with_format(row, 8, count(Some(Status::Red)), &f.integer)?;
            ws.write_number_with_format(row, 9, count(None), &f.integer)?;
        }
    }
    filter(ws, row, columns.len())
}

fn goals_sheet(ws: &mut Worksheet, f: &Formats, cards: &[Scorecard]) -> Result<()> {
    // Sized to print on A4 landscape at a readable size (about 9 pt), the analysis wrapped.
    let columns = [
        ("Enhet", 16.0),
        ("Perspektiv", 12.0),
        ("Nivå", 9.0),
        ("Kod", 6.0),
        ("Mål", 28.0),
        ("Bidrar till (mål uppåt)", 10.0),
        ("Status", 12.0),
        ("Status enligt nyckeltalen", 12.0),
        ("Bedömning", 14.0),
        ("Steg på skalan", 6.0),
        ("Granskning", 11.0),
        ("Analys", 52.0),
        ("Saknar koppling uppåt", 9.0),
    ];
    header(ws, f, "Mål", &columns)?;
    let mut row = 0u32;
    for card in cards {
        for p in &card.perspectives {
            for g in &p.goals {
                row += 1;
                text(ws, row, 0, &card.unit.name, &f.wrap)?;
                text(ws, row, 1, &p.name, &f.wrap)?;
                text(ws, row, 2, level_word(g.level), &f.text)?;
                text(ws, row, 3, &g.code, &f.text)?;
                text(ws, row, 4, &g.title, &f.wrap)?;
                let parents = g
                    .parents
                    .iter()
                    .map(|p| if p.code.is_empty() { p.title.clone() } else { p.code.clone() })
                    .collect::<Vec<_>>()
                    .join(", ");
                text(ws, row, 5, &parents, &f.wrap)?;
                text(ws, row, 6, &status_cell_text(g.status.status), f.status(g.status.status))?;
                text(ws, row, 7, &status_cell_text(g.computed.status), f.status(g.computed.status))?;
                let mut analysis = String::new();
                if let Some(a) = &g.assessment {
                    if let Some(label) = &a.label {
                        text(ws, row, 8, &format!("{} {label}", status_symbol(g.status.status)), f.status(g.status.status))?;
                    }
                    if let Some(step) = a.step {
                        ws.write_number_with_format(row, 9, step as f64, &f.integer)?;
                    }
                    text(ws, row, 10, state_sv(a.state), &f.wrap)?;
                    analysis = analysis_cell(ws, f, row, 11, &a.analysis)?;
                } else {
                    text(ws, row, 8, "Ej bedömd", &f.none)?;
                }
                text(ws, row, 12, if g.loose_thread { "Ja" } else { "Nej" }, &f.text)?;
                fit_row(
                    ws,
                    row,
                    &[(&card.unit.name, columns[0].1), (&g.title, columns[4].1), (&parents, columns[5].1), (&analysis, columns[11].1)],
                )?;
            }
        }
    }
    filter(ws, row, columns.len())
}

/// The analysis as the writer formatted it, without Markdown's marks: `**bold**` as bold
/// runs of a rich string, bullets as "– " lines, paragraphs apart. Returns the plain text
/// (to size the row).
fn analysis_cell(ws: &mut Worksheet, f: &Formats, row: u32, col: u16, analysis: &str) -> Result<String> {
    use super::pdf_layout::{parse_rich_text, RichBlock, Weight};
    let mut runs: Vec<(bool, String)> = Vec::new();
    for (k, block) in parse_rich_text(analysis.trim()).into_iter().enumerate() {
        let (prefix, spans) = match block {
            RichBlock::Paragraph(spans) => (if k == 0 { "" } else { "\n\n" }, spans),
            RichBlock::Bullet(spans) => (if k == 0 { "– " } else { "\n– " }, spans),
        };
        runs.push((false, prefix.to_string()));
        for span in spans {
            runs.push((span.weight == Weight::Bold, span.text));
        }
    }
    // Neighbouring runs of the same weight become one; empty runs go (Excel refuses them).
    let mut merged: Vec<(bool, String)> = Vec::new();
    for (bold, t) in runs.into_iter().filter(|(_, t)| !t.is_empty()) {
        match merged.last_mut() {
            Some((b, last)) if *b == bold => last.push_str(&t),
            _ => merged.push((bold, t)),
        }
    }
    let plain: String = merged.iter().map(|(_, t)| t.as_str()).collect();
    if merged.iter().any(|(bold, _)| *bold) {
        let segments: Vec<(&Format, &str)> =
            merged.iter().map(|(bold, t)| (if *bold { &f.bold_run } else { &f.plain_run }, t.as_str())).collect();
        ws.write_rich_string_with_format(row, col, &segments, &f.wrap)?;
    } else if !plain.is_empty() {
        text(ws, row, col, &plain, &f.wrap)?;
    }
    Ok(plain)
}

/// The indicators of all goals in the report, each once, in order of first appearance.
fn distinct_indicators(cards: &[Scorecard]) -> Vec<IndicatorCard> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for card in cards {
        for g in card.perspectives.iter().flat_map(|p| &p.goals) {
            for i in &g.indicators {
                if seen.insert(i.id) {
                    out.push(i.clone());
                }
            }
        }
    }
    out
}

fn gender_sv(g: Gender) -> &'static str {
    match g {
        Gender::T => "Totalt",
        Gender::K => "Kvinnor",
        Gender::M => "Män",
    }
}

fn source_sv(s: ValueSource) -> &'static str {
    match s {
        ValueSource::Manual => "Manuellt",
        ValueSource::Kolada => "Kolada",
        ValueSource::Import => "Import",
    }
}

/// A period as the value sheets show it.
struct PeriodInfo {
    id: i64,
    year: i32,
    kind: PeriodKind,
    key: String,
    end: String,
    end_date: Option<NaiveDate>,
}

/// One stored value of an indicator in the report.
struct StoredValue {
    /// Index into [`ValueTable::periods`].
    period: usize,
    unit: i64,
    gender: Gender,
    value: f64,
    source: ValueSource,
    /// Index into [`ValueTable::changes`].
    change: usize,
}

/// Every stored value of the report's indicators up to the end of the period (all units
/// and genders), with owners and targets: read once for the sheets that need them.
struct ValueTable {
    periods: Vec<PeriodInfo>,
    /// Per indicator, oldest period first; of periods ending the same day, the shorter
    /// first; then unit and gender.
    values: HashMap<i64, Vec<StoredValue>>,
    /// Distinct (changed by, changed at as text, changed at as a date-time).
    changes: Vec<(String, String, Option<NaiveDateTime>)>,
    owners: HashMap<i64, i64>,
    targets: HashMap<(i64, i32), f64>,
}

impl ValueTable {
    fn load(store: &Store, indicators: &[IndicatorCard], period: &crate::model::Period) -> Result<Self> {
        let db = store.read();
        // Periods up to the report's, in the order values are listed.
        let mut periods: Vec<PeriodInfo> = periods::all_by_end(db)?
            .into_iter()
            .filter(|p| p.plan_year <= period.plan_year && p.end_date <= period.end_date)
            .map(|p| PeriodInfo {
                id: p.id,
                year: p.plan_year,
                kind: p.kind,
                key: p.key,
                end_date: NaiveDate::parse_from_str(&p.end_date, "%Y-%m-%d").ok(),
                end: p.end_date,
            })
            .collect();
        periods.shrink_to_fit();
        let period_index: HashMap<i64, usize> = periods.iter().enumerate().map(|(i, p)| (p.id, i)).collect();

        let wanted: Vec<i64> = indicators.iter().map(|i| i.id).collect::<HashSet<_>>().into_iter().collect();
        let mut changes: Vec<(String, String, Option<NaiveDateTime>)> = Vec::new();
        let mut change_index: HashMap<(String, String), usize> = HashMap::new();
        let mut values: HashMap<i64, Vec<StoredValue>> = HashMap::new();
        let mut last_change: Option<usize> = None;
        for id in &wanted {
            let mut list = Vec::new();
            store_values::history(db, *id, |v| {
                let Some(&period) = period_index.get(&v.period_id) else { return Ok(()) };
                let (by, at) = (v.changed_by, v.changed_at);
                // Values are mostly changed in batches: the same change as the row before
                // is found without building a key.
                let same_as_last = last_change.filter(|i| changes.get(*i).is_some_and(|(b, a, _)| b == by && a == at));
                let change = match same_as_last.or_else(|| change_index.get(&(by.to_string(), at.to_string())).copied()) {
                    Some(i) => i,
                    None => {
                        let parsed = NaiveDateTime::parse_from_str(at, "%Y-%m-%dT%H:%M:%S").ok();
                        changes.push((by.to_string(), at.to_string(), parsed));
                        change_index.insert((by.to_string(), at.to_string()), changes.len() - 1);
                        changes.len() - 1
                    }
                };
                last_change = Some(change);
                list.push(StoredValue { period, unit: v.org_unit_id, gender: v.gender, value: v.value, source: v.source, change });
                Ok(())
            })?;
            list.sort_by(|a, b| (a.period, a.unit, a.gender.as_str()).cmp(&(b.period, b.unit, b.gender.as_str())));
            values.insert(*id, list);
        }
        let owners = store_indicators::by_ids(db, &wanted)?.into_iter().map(|i| (i.id, i.owner_unit_id)).collect();
        let targets = store_indicators::targets_of(db, &wanted, None)?.into_iter().map(|(k, t)| (k, t.target)).collect();
        Ok(Self { periods, values, changes, owners, targets })
    }

    fn of(&self, indicator_id: i64) -> &[StoredValue] {
        self.values.get(&indicator_id).map(Vec::as_slice).unwrap_or(&[])
    }

    fn owner(&self, indicator_id: i64) -> Result<i64> {
        self.owners.get(&indicator_id).copied().ok_or_else(|| {
            AppError::not_found(msg!("Nyckeltalet (id {indicator_id}) finns inte.", "The indicator (id {indicator_id}) does not exist."))
        })
    }
}

fn values_sheet(
    ws: &mut Worksheet,
    f: &Formats,
    values: &ValueTable,
    indicators: &[IndicatorCard],
    unit_names: &BTreeMap<i64, String>,
    from_year: i32,
) -> Result<()> {
    let columns = [
        ("Nyckeltal", 40.0),
        ("Kolada-id", 10.0),
        ("Enhet", 26.0),
        ("År", 7.0),
        ("Period", 10.0),
        ("Periodens slut", 12.0),
        ("Kön", 9.0),
        ("Värde", 11.0),
        ("Måttenhet", 10.0),
        ("Mål för året", 11.0),
        ("Källa", 10.0),
        ("Ändrad av", 16.0),
        ("Ändrad", 16.0),
    ];
    header(ws, f, "Nyckeltalsvärden", &columns)?;
    // This sheet has a row per stored value (600 000 in a large municipality). A cell
    // written without a format takes its column's, so each column's format is set once
    // instead of being looked up (a hash of the whole format) for every cell; the cells
    // get the same formats as with `text` and `*_with_format`. Only the value and target
    // columns, whose decimals vary by indicator, name a format per cell.
    for c in [0, 1, 2, 3, 4, 6, 8, 10, 11] {
        ws.set_column_format(c, &f.text)?;
    }
    ws.set_column_format(5, &f.date)?;
    ws.set_column_format(12, &f.datetime)?;
    let mut row = 0u32;
    for ind in indicators {
        let number = f.number(ind.decimals);
        for v in values.of(ind.id) {
            let p = &values.periods[v.period];
            // The report's year and the one before, value by value; earlier years are in
            // "Nyckeltal per år" (a large municipality's whole history would be 600 000 rows).
            if p.year < from_year {
                continue;
            }
            let (changed_by, changed_at, changed) = &values.changes[v.change];
            row += 1;
            // Strings are always string cells: never a formula, whatever they start with.
            ws.write_string(row, 0, &ind.name)?;
            ws.write_string(row, 1, ind.kolada_kpi_id.as_deref().unwrap_or(""))?;
            ws.write_string(row, 2, unit_names.get(&v.unit).map(String::as_str).unwrap_or(""))?;
            ws.write_number(row, 3, p.year as f64)?;
            ws.write_string(row, 4, &p.key)?;
            match p.end_date {
                Some(d) => ws.write_datetime(row, 5, d)?,
                None => ws.write_string_with_format(row, 5, &p.end, &f.text)?,
            };
            ws.write_string(row, 6, gender_sv(v.gender))?;
            ws.write_number_with_format(row, 7, v.value, number)?;
            ws.write_string(row, 8, &ind.unit)?;
            if let Some(t) = values.targets.get(&(ind.id, p.year)) {
                ws.write_number_with_format(row, 9, *t, number)?;
            }
            ws.write_string(row, 10, source_sv(v.source))?;
            ws.write_string(row, 11, changed_by)?;
            match changed {
                Some(dt) => ws.write_datetime(row, 12, *dt)?,
                None => ws.write_string_with_format(row, 12, changed_at, &f.text)?,
            };
        }
    }
    filter(ws, row, columns.len())
}

fn yearly_sheet(
    ws: &mut Worksheet,
    f: &Formats,
    values: &ValueTable,
    indicators: &[IndicatorCard],
    unit_names: &BTreeMap<i64, String>,
    period: &crate::model::Period,
) -> Result<()> {
    // One value per indicator and year: the report's period in its own year, else the
    // year's latest (longest) period; gender T at the indicator's owner.
    // (indicator, owner unit, value per year)
    type Line<'i> = (&'i IndicatorCard, i64, BTreeMap<i32, f64>);
    let mut table: Vec<Line<'_>> = Vec::new();
    let mut years = BTreeSet::new();
    for ind in indicators {
        let owner = values.owner(ind.id)?;
        let mut per_year = BTreeMap::new();
        for v in values.of(ind.id) {
            let p = &values.periods[v.period];
            if v.unit == owner && v.gender == Gender::T && p.kind != PeriodKind::Month {
                per_year.insert(p.year, v.value);
                years.insert(p.year);
            }
        }
        table.push((ind, owner, per_year));
    }
    years.insert(period.plan_year);
    let years: Vec<i32> = years.into_iter().collect();
    let year_titles: Vec<String> = years
        .iter()
        .map(|y| if *y == period.plan_year && period.kind != PeriodKind::Helar { format!("{y} ({})", period.key) } else { y.to_string() })
        .collect();
    // The status is judged on the latest value against that value's year's target: both
    // are named, so a 2025 value is never set beside the 2026 target.
    let mut columns: Vec<(&str, f64)> = vec![("Nyckeltal", 34.0), ("Enhet", 20.0), ("Måttenhet", 9.0)];
    columns.extend(year_titles.iter().map(|t| (t.as_str(), 10.0)));
    columns.push(("Status avser", 11.0));
    columns.push(("Mål för det året", 10.0));
    columns.push(("Status", 13.0));
    columns.push(("Trend", 12.0));
    header(ws, f, "Nyckeltal per år", &columns)?;
    let mut row = 0u32;
    for (ind, owner, per_year) in &table {
        row += 1;
        let number = f.number(ind.decimals);
        text(ws, row, 0, &ind.name, &f.text)?;
        text(ws, row, 1, unit_names.get(owner).map(String::as_str).unwrap_or(""), &f.text)?;
        text(ws, row, 2, &ind.unit, &f.text)?;
        for (i, y) in years.iter().enumerate() {
            if let Some(v) = per_year.get(y) {
                ws.write_number_with_format(row, 3 + i as u16, *v, number)?;
            }
        }
        let c = 3 + years.len() as u16;
        if let Some(p) = &ind.value_period {
            text(ws, row, c, p, &f.text)?;
        }
        if let Some(t) = ind.target {
            ws.write_number_with_format(row, c + 1, t, number)?;
        }
        text(ws, row, c + 2, &status_cell_text(ind.status.status), f.status(ind.status.status))?;
        let trend = super::trend_arrow(ind.trend);
        if !trend.is_empty() {
            text(ws, row, c + 3, &format!("{trend} {}", super::trend_word(ind.trend)), &f.text)?;
        }
    }
    filter(ws, row, columns.len())
}

fn activities_sheet(ws: &mut Worksheet, f: &Formats, cards: &[Scorecard]) -> Result<()> {
    let columns =
        [("Enhet", 24.0), ("Aktivitet", 50.0), ("Ansvarig", 28.0), ("Start", 11.0), ("Slut", 11.0), ("Status", 13.0), ("För målen", 14.0)];
    header(ws, f, "Aktiviteter", &columns)?;
    let mut row = 0u32;
    for card in cards {
        for a in &card.activities {
            row += 1;
            text(ws, row, 0, &card.unit.name, &f.text)?;
            text(ws, row, 1, &a.title, &f.wrap)?;
            text(ws, row, 2, &a.responsible, &f.wrap)?;
            date_cell(ws, f, row, 3, a.start_date.as_deref())?;
            date_cell(ws, f, row, 4, a.end_date.as_deref())?;
            use crate::model::ActivityStatus::*;
            let format = match a.status {
                Done => &f.green,
                Started => &f.text,
                Delayed => &f.red,
                NotStarted | Cancelled => &f.none,
            };
            text(ws, row, 5, a.status.label_sv(), format)?;
            text(ws, row, 6, &a.goal_codes.join(", "), &f.text)?;
            fit_row(ws, row, &[(&a.title, columns[1].1), (&a.responsible, columns[2].1)])?;
        }
    }
    filter(ws, row, columns.len())
}

/// One row per control of a chosen risk: the nämnd, the risk with its value and level, the
/// control and the period's result with its traffic light (symbol and word), the deviation,
/// the action and the review state.
fn internal_control_sheet(ws: &mut Worksheet, f: &Formats, plans: &[crate::internal_control::ControlPlanView]) -> Result<()> {
    use crate::model::Status;
    let columns = [
        ("Nämnd", 24.0),
        ("Nr", 5.0),
        ("Risk", 36.0),
        ("Riskvärde (S × K)", 10.0),
        ("Risknivå", 11.0),
        ("Kontroll", 36.0),
        ("Resultat", 24.0),
        ("Avvikelse", 40.0),
        ("Åtgärd", 40.0),
        ("Granskning", 14.0),
    ];
    header(ws, f, "Intern kontroll", &columns)?;
    let mut row = 0u32;
    for plan in plans {
        for risk in plan.risks.iter().filter(|r| r.chosen) {
            for c in &risk.controls {
                row += 1;
                text(ws, row, 0, &plan.unit.name, &f.text)?;
                ws.write_number_with_format(row, 1, risk.number as f64, &f.integer)?;
                text(ws, row, 2, &risk.risk, &f.wrap)?;
                ws.write_number_with_format(row, 3, risk.value as f64, &f.integer)?;
                text(ws, row, 4, &risk.level_label, &f.text)?;
                text(ws, row, 5, &c.what, &f.wrap)?;
                let format = match c.light {
                    Some(Status::Green) => &f.green,
                    Some(Status::Yellow) => &f.yellow,
                    Some(Status::Red) => &f.red,
                    None => &f.none,
                };
                text(ws, row, 6, &format!("{} {}", super::status_symbol(c.light), c.light_label), format)?;
                let (deviation, action, state) = match &c.follow_up {
                    Some(fu) => (fu.deviation.as_str(), fu.action.as_str(), fu.state_label.as_str()),
                    None => ("", "", ""),
                };
                text(ws, row, 7, deviation, &f.wrap)?;
                text(ws, row, 8, action, &f.wrap)?;
                text(ws, row, 9, state, &f.text)?;
                fit_row(
                    ws,
                    row,
                    &[(&risk.risk, columns[2].1), (&c.what, columns[5].1), (deviation, columns[7].1), (action, columns[8].1)],
                )?;
            }
        }
    }
    filter(ws, row, columns.len())
}

/// "Uppdrag": the uppdrag of the year for the workbook's unit and below, with the status in
/// the period (symbol and word), dates as dates and the age in days as a number.
fn assignments_sheet(ws: &mut Worksheet, f: &Formats, rows: &[crate::assignments::AssignmentRow]) -> Result<()> {
    use crate::model::AssignmentStatus::*;
    let columns = [
        ("Nummer", 12.0),
        ("Uppdrag", 46.0),
        ("Givet av", 24.0),
        ("Beslutsdatum", 12.0),
        ("Paragraf", 9.0),
        ("Ansvarig enhet", 24.0),
        ("Ansvarig person", 24.0),
        ("Slutdatum", 11.0),
        ("Slutdatum passerat", 11.0),
        ("Status", 18.0),
        ("Kommentar", 50.0),
        ("Ålder (dagar)", 10.0),
        ("För målen", 30.0),
    ];
    header(ws, f, "Uppdrag", &columns)?;
    let mut row = 0u32;
    for a in rows {
        row += 1;
        text(ws, row, 0, &a.code, &f.text)?;
        text(ws, row, 1, &a.title, &f.wrap)?;
        text(ws, row, 2, &a.decision_body, &f.wrap)?;
        date_cell(ws, f, row, 3, a.decision_date.as_deref())?;
        text(ws, row, 4, &a.decision_paragraph, &f.text)?;
        text(ws, row, 5, &a.responsible_unit_name, &f.wrap)?;
        text(ws, row, 6, &a.responsible_person, &f.wrap)?;
        date_cell(ws, f, row, 7, a.deadline.as_deref())?;
        text(ws, row, 8, if a.overdue { "Ja" } else { "" }, if a.overdue { &f.red } else { &f.text })?;
        let (status, format) = match a.status {
            Some(s) => (
                format!("{} {}", s.symbol(), s.label().sv),
                match s {
                    Done => &f.green,
                    InProgress => &f.text,
                    NotStarted | ClosedUndone => &f.none,
                },
            ),
            None => ("Ej uppföljt".to_string(), &f.none),
        };
        text(ws, row, 9, &status, format)?;
        text(ws, row, 10, &a.status_comment, &f.wrap)?;
        if let Some(days) = a.age_days {
            ws.write_number_with_format(row, 11, days as f64, &f.integer)?;
        }
        let goals = a.goal_names.join("\n");
        text(ws, row, 12, &goals, &f.wrap)?;
        fit_row(ws, row, &[(&a.title, columns[1].1), (&a.status_comment, columns[10].1), (&goals, columns[12].1)])?;
    }
    filter(ws, row, columns.len())
}

/// One row of the "Grunduppdrag" sheet: a unit's grunduppdrag (on its first row) and one of
/// its tjänstegarantier with the period's follow-up.
struct MissionRow {
    unit: String,
    mission: String,
    guarantee: Option<(crate::model::ServiceGuarantee, Option<crate::model::GuaranteeFollowUp>)>,
}

fn unit_missions_rows(store: &Store, cards: &[Scorecard], year: i32, period_id: i64) -> Result<Vec<MissionRow>> {
    let db = store.read();
    let missions = crate::store::unit_missions::missions_of_year(db, year)?;
    let guarantees = crate::store::unit_missions::guarantees_of_year(db, year)?;
    let follow_ups = crate::store::unit_missions::guarantee_follow_ups_of_period(db, period_id)?;
    let mut rows = Vec::new();
    for card in cards {
        let mission = missions.iter().find(|m| m.org_unit_id == card.unit.id).map(|m| m.mission.trim().to_string()).unwrap_or_default();
        let own: Vec<_> = guarantees.iter().filter(|g| g.org_unit_id == card.unit.id).collect();
        if mission.is_empty() && own.is_empty() {
            continue;
        }
        if own.is_empty() {
            rows.push(MissionRow { unit: card.unit.name.clone(), mission, guarantee: None });
            continue;
        }
        for (i, g) in own.into_iter().enumerate() {
            let f = follow_ups.iter().find(|f| f.guarantee_id == g.id).cloned();
            rows.push(MissionRow {
                unit: card.unit.name.clone(),
                mission: if i == 0 { mission.clone() } else { String::new() },
                guarantee: Some((g.clone(), f)),
            });
        }
    }
    Ok(rows)
}

/// The units' grunduppdrag and tjänstegarantier, with whether each guarantee was kept in the
/// period (its own words and symbols, not the target status's colours).
fn unit_missions_sheet(ws: &mut Worksheet, f: &Formats, rows: &[MissionRow]) -> Result<()> {
    use crate::model::GuaranteeOutcome;
    let columns = [
        ("Enhet", 24.0),
        ("Grunduppdrag", 50.0),
        ("Tjänstegaranti", 44.0),
        ("Så mäts det", 30.0),
        ("Hölls i perioden", 16.0),
        ("Kommentar", 44.0),
        ("Granskning", 16.0),
    ];
    header(ws, f, "Grunduppdrag", &columns)?;
    let mut row = 0u32;
    for r in rows {
        row += 1;
        text(ws, row, 0, &r.unit, &f.wrap)?;
        text(ws, row, 1, &r.mission, &f.wrap)?;
        let (promise, measured, kept, comment, state) = match &r.guarantee {
            None => (String::new(), String::new(), String::new(), String::new(), String::new()),
            Some((g, follow_up)) => {
                let (kept, comment, state) = match follow_up {
                    Some(fu) => (
                        match fu.kept {
                            GuaranteeOutcome::Kept => "✓ Hölls",
                            GuaranteeOutcome::NotKept => "✗ Hölls inte",
                        }
                        .to_string(),
                        fu.comment.clone(),
                        super::state_sv(fu.state).to_string(),
                    ),
                    None => ("– Inte uppföljd".to_string(), String::new(), String::new()),
                };
                (g.promise.clone(), g.measured_by.clone(), kept, comment, state)
            }
        };
        text(ws, row, 2, &promise, &f.wrap)?;
        text(ws, row, 3, &measured, &f.wrap)?;
        text(ws, row, 4, &kept, &f.text)?;
        text(ws, row, 5, &comment, &f.wrap)?;
        text(ws, row, 6, &state, &f.text)?;
        fit_row(ws, row, &[(&r.mission, columns[1].1), (&promise, columns[2].1), (&comment, columns[5].1)])?;
    }
    filter(ws, row, columns.len())
}

/// Agenda 2030: per global goal, the workbook's units' goals tagged with it (status in the
/// period, the word beside the symbol) and the indicators.
fn agenda_sheet(ws: &mut Worksheet, f: &Formats, view: &crate::agenda2030::Agenda2030View, owners: &[&str]) -> Result<()> {
    let columns = [
        ("Globalt mål", 34.0),
        ("Delmål", 12.0),
        ("Slag", 12.0),
        ("Kod", 9.0),
        ("Mål eller nyckeltal", 52.0),
        ("Ägare", 26.0),
        ("Status", 16.0),
    ];
    header(ws, f, "Agenda 2030", &columns)?;
    let mut row = 0u32;
    for section in &view.sections {
        let global = format!("{} {}", section.number, section.name);
        for g in section.goals.iter().filter(|g| owners.contains(&g.owner_name.as_str())) {
            row += 1;
            let status = g.status.as_ref().and_then(|s| s.status);
            let format = match status {
                Some(Status::Green) => &f.green,
                Some(Status::Yellow) => &f.yellow,
                Some(Status::Red) => &f.red,
                None => &f.none,
            };
            text(ws, row, 0, &global, &f.wrap)?;
            text(ws, row, 1, &g.targets, &f.text)?;
            text(ws, row, 2, level_word(g.level), &f.text)?;
            text(ws, row, 3, &g.code, &f.text)?;
            text(ws, row, 4, &g.title, &f.wrap)?;
            text(ws, row, 5, &g.owner_name, &f.wrap)?;
            text(ws, row, 6, &status_cell_text(status), format)?;
            fit_row(ws, row, &[(&g.title, columns[4].1)])?;
        }
        for i in section.indicators.iter().filter(|i| owners.contains(&i.owner_name.as_str())) {
            row += 1;
            text(ws, row, 0, &global, &f.wrap)?;
            text(ws, row, 1, &i.targets, &f.text)?;
            text(ws, row, 2, "Nyckeltal", &f.text)?;
            text(ws, row, 3, i.kolada_kpi_id.as_deref().unwrap_or(""), &f.text)?;
            text(ws, row, 4, &i.name, &f.wrap)?;
            text(ws, row, 5, &i.owner_name, &f.wrap)?;
            fit_row(ws, row, &[(&i.name, columns[4].1)])?;
        }
    }
    filter(ws, row, columns.len())
}

fn completeness_sheet(
    ws: &mut Worksheet,
    f: &Formats,
    values: &ValueTable,
    cards: &[Scorecard],
    period: &crate::model::Period,
) -> Result<()> {
    let columns = [
        ("Enhet", 30.0),
        ("Typ", 12.0),
        ("Antal mål", 8.0),
        ("Mål med bedömning", 12.0),
        ("Mål med analys", 12.0),
        ("Godkända bedömningar", 13.0),
        ("Antal nyckeltal", 10.0),
        ("Nyckeltal med värde för perioden", 16.0),
        ("Andel bedömda mål", 12.0),
    ];
    header(ws, f, "Fullständighet", &columns)?;
    let mut row = 0u32;
    for card in cards {
        row += 1;
        let goals: Vec<_> = card.perspectives.iter().flat_map(|p| &p.goals).collect();
        let assessed = goals.iter().filter(|g| g.assessment.as_ref().is_some_and(|a| a.step.is_some())).count();
        let analysed = goals.iter().filter(|g| g.assessment.as_ref().is_some_and(|a| !a.analysis.trim().is_empty())).count();
        let approved = goals.iter().filter(|g| g.assessment.as_ref().is_some_and(|a| a.state == AssessmentState::Approved)).count();
        let mut indicator_ids = BTreeSet::new();
        for g in &goals {
            indicator_ids.extend(g.indicators.iter().map(|i| i.id));
        }
        let mut with_value = 0;
        for id in &indicator_ids {
            let owner = values.owner(*id)?;
            let in_period = |v: &&StoredValue| values.periods[v.period].id == period.id;
            if values.of(*id).iter().filter(in_period).any(|v| v.unit == owner && v.gender == Gender::T) {
                with_value += 1;
            }
        }
        let (kind, name) = unit_kind_and_name(card);
        text(ws, row, 0, &name, &f.text)?;
        text(ws, row, 1, &kind, &f.text)?;
        for (c, n) in [goals.len(), assessed, analysed, approved, indicator_ids.len(), with_value].into_iter().enumerate() {
            ws.write_number_with_format(row, 2 + c as u16, n as f64, &f.integer)?;
        }
        if !goals.is_empty() {
            ws.write_number_with_format(row, 8, assessed as f64 / goals.len() as f64, &f.percent)?;
        }
    }
    filter(ws, row, columns.len())
}

fn about_sheet(
    ws: &mut Worksheet,
    f: &Formats,
    settings: &ReportSettings,
    (top, version): (&str, &str),
    period: &crate::model::Period,
    today: NaiveDate,
) -> Result<()> {
    ws.set_name("Om filen")?;
    ws.set_column_width(0, 24)?;
    ws.set_column_width(1, 70)?;
    // Printed on one A4 page across, portrait, the text wrapped.
    ws.set_paper_size(9).set_portrait().set_print_fit_to_pages(1, 0);
    ws.set_margins(0.6, 0.6, 0.7, 0.7, 0.3, 0.3);
    let rows: Vec<(&str, String)> = vec![
        ("Version", version.to_string()),
        ("Kommun", settings.municipality_name.clone()),
        ("Enhet", format!("{top} och enheterna under")),
        ("Planår", period.plan_year.to_string()),
        ("Period", format!("{} ({} – {})", period.name, period.start_date, period.end_date)),
        (
            "Teckenförklaring",
            "● Uppnått = målet nås · ▲ Nära = inom gränsen för gult · ■ Ej uppnått = utanför gränsen · ○ Saknas = inget värde eller mål"
                .to_string(),
        ),
        ("Trend", "↗ bättre · → oförändrat · ↘ sämre än samma period året innan".to_string()),
        (
            "Status och mål",
            "Ett nyckeltals status gäller det senaste utfallet mot målet för utfallets år: i fliken Nyckeltal per år säger Status avser vilken period, och Mål för det året vilket mål."
                .to_string(),
        ),
        (
            "Saknar koppling uppåt",
            "Ja för ett nämnd- eller enhetsmål som inte bidrar till något mål på högre nivå i röda tråden.".to_string(),
        ),
        ("Talformat", "Talen är lagrade som tal; Excel och LibreOffice visar dem med datorns decimaltecken.".to_string()),
        (
            "Nyckeltalsvärden",
            format!(
                "Varje värde {} och {}, med kön och källa. Tidigare år finns i fliken Nyckeltal per år.",
                period.plan_year - 1,
                period.plan_year
            ),
        ),
    ];
    for (i, (k, v)) in rows.iter().enumerate() {
        text(ws, i as u32, 0, k, &f.bold)?;
        text(ws, i as u32, 1, v, &f.wrap)?;
        fit_row(ws, i as u32, &[(v, 70.0)])?;
    }
    text(ws, rows.len() as u32, 0, "Skapad", &f.bold)?;
    ws.write_date_with_format(rows.len() as u32, 1, today, &f.date.clone().set_align(FormatAlign::Left))?;
    Ok(())
}
