//! The workbook's economy sheets (issue 15): the period's driftredovisning, investments and
//! statements (resultaträkning, balansräkning, balanskravsutredning; the municipal group's
//! too when entered), as numbers in the report's unit (tkr or mnkr) with a number format, so a
//! controller can sum and chart them. Taken from `economy::report`, the same data as the
//! delårsrapport and the window's Ekonomi tab.

use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Worksheet};

use super::state_sv;
use crate::economy::amount::AmountUnit;
use crate::economy::report::{Amount, EconomyReport, StatementTable};
use crate::error::Result;
use crate::model::{StatementScope, UnitKind};

/// Formats of the economy sheets.
pub(super) struct EconomyFormats {
    header: Format,
    text: Format,
    bold: Format,
    wrap: Format,
    amount: Format,
    amount_bold: Format,
    title: Format,
    divisor: f64,
}

impl EconomyFormats {
    pub(super) fn new(header: &Format, unit: AmountUnit) -> Self {
        let (code, divisor) = match unit {
            AmountUnit::Tkr => ("#,##0;−#,##0", 100_000.0),
            AmountUnit::Mnkr => ("#,##0.0;−#,##0.0", 100_000_000.0),
        };
        Self {
            header: header.clone(),
            text: Format::new().set_align(FormatAlign::Top),
            bold: Format::new().set_bold().set_align(FormatAlign::Top),
            wrap: Format::new().set_text_wrap().set_align(FormatAlign::Top),
            amount: Format::new().set_num_format(code).set_align(FormatAlign::Top),
            amount_bold: Format::new().set_num_format(code).set_bold().set_border_top(FormatBorder::Thin).set_align(FormatAlign::Top),
            title: Format::new().set_bold().set_font_size(13.0),
            divisor,
        }
    }
}

fn amount(ws: &mut Worksheet, f: &EconomyFormats, row: u32, col: u16, a: &Amount, bold: bool) -> Result<()> {
    if let Some(ore) = a.ore {
        // Öre to the display unit: exact in the database, a number to compute with here.
        ws.write_number_with_format(row, col, ore as f64 / f.divisor, if bold { &f.amount_bold } else { &f.amount })?;
    }
    Ok(())
}

fn print_setup(ws: &mut Worksheet) {
    ws.set_paper_size(9).set_landscape().set_print_fit_to_pages(1, 0);
    ws.set_margins(0.4, 0.4, 0.5, 0.6, 0.3, 0.3);
    ws.set_footer("&L&A&RSida &P av &N");
}

fn headers(ws: &mut Worksheet, f: &EconomyFormats, row: u32, columns: &[(&str, f64)]) -> Result<()> {
    for (c, (title, width)) in columns.iter().enumerate() {
        ws.write_string_with_format(row, c as u16, *title, &f.header)?;
        ws.set_column_width(c as u16, *width)?;
    }
    ws.set_row_height(row, 30.0)?;
    Ok(())
}

/// Driftredovisning: each nämnd, the total of the nämnder, then the bolag.
pub(super) fn operating_sheet(ws: &mut Worksheet, f: &EconomyFormats, e: &EconomyReport) -> Result<()> {
    ws.set_name("Drift")?;
    let unit = e.amount_unit.as_str();
    let actual = format!("Utfall {} ({unit})", e.period.name);
    let columns: [(&str, f64); 9] = [
        ("Nämnd eller bolag", 34.0),
        ("Typ", 10.0),
        (&format!("Budget helår ({unit})"), 14.0),
        (&format!("Budget perioden ({unit})"), 14.0),
        (&actual, 14.0),
        (&format!("Prognos helår ({unit})"), 14.0),
        (&format!("Avvikelse prognos mot budget ({unit})"), 16.0),
        ("Granskning", 16.0),
        ("Kommentar", 60.0),
    ];
    headers(ws, f, 0, &columns)?;
    ws.set_freeze_panes(1, 1)?;
    ws.set_repeat_rows(0, 0)?;
    print_setup(ws);
    let lines = e
        .operating
        .iter()
        .map(|l| (l, false))
        .chain(std::iter::once((&e.operating_total, true)))
        .chain(e.companies.iter().map(|l| (l, false)));
    for (row, (l, total)) in (1u32..).zip(lines) {
        ws.write_string_with_format(row, 0, &l.name, if total { &f.bold } else { &f.text })?;
        let kind = match l.kind {
            Some(UnitKind::Bolag) => "Bolag",
            Some(UnitKind::Forvaltning) => "Förvaltning",
            Some(_) => "Nämnd",
            None => "",
        };
        ws.write_string_with_format(row, 1, kind, &f.text)?;
        for (c, a) in [&l.budget_year, &l.budget_period, &l.actual, &l.forecast, &l.deviation].into_iter().enumerate() {
            amount(ws, f, row, 2 + c as u16, a, total)?;
        }
        if let Some(state) = l.review {
            ws.write_string_with_format(row, 7, state_sv(state), &f.text)?;
        }
        ws.write_string_with_format(row, 8, &l.comment, &f.wrap)?;
    }
    Ok(())
}

/// Investeringsredovisning: each project and the total.
pub(super) fn investments_sheet(ws: &mut Worksheet, f: &EconomyFormats, e: &EconomyReport) -> Result<()> {
    ws.set_name("Investeringar")?;
    let unit = e.amount_unit.as_str();
    let actual = format!("Utfall {} ({unit})", e.period.name);
    let columns: [(&str, f64); 9] = [
        ("Projekt", 10.0),
        ("Namn", 34.0),
        ("Ansvarig", 26.0),
        (&format!("Budget hela projektet ({unit})"), 14.0),
        (&format!("Budget helår ({unit})"), 14.0),
        (&actual, 14.0),
        (&format!("Prognos helår ({unit})"), 14.0),
        (&format!("Avvikelse budget mot prognos ({unit})"), 16.0),
        ("Kommentar", 50.0),
    ];
    headers(ws, f, 0, &columns)?;
    ws.set_freeze_panes(1, 2)?;
    ws.set_repeat_rows(0, 0)?;
    print_setup(ws);
    let lines = e.investments.iter().map(|l| (l, false)).chain(std::iter::once((&e.investments_total, true)));
    for (row, (l, total)) in (1u32..).zip(lines) {
        ws.write_string_with_format(row, 0, &l.code, &f.text)?;
        ws.write_string_with_format(row, 1, &l.name, if total { &f.bold } else { &f.text })?;
        ws.write_string_with_format(row, 2, &l.unit_name, &f.text)?;
        for (c, a) in [&l.budget_total, &l.budget_year, &l.actual, &l.forecast, &l.deviation].into_iter().enumerate() {
            amount(ws, f, row, 3 + c as u16, a, total)?;
        }
        ws.write_string_with_format(row, 8, &l.comment, &f.wrap)?;
    }
    Ok(())
}

/// Resultaträkning, balansräkning and balanskravsutredning, one under the other; the
/// municipal group's after the municipality's when entered. Sum lines in bold.
pub(super) fn statements_sheet(ws: &mut Worksheet, f: &EconomyFormats, e: &EconomyReport) -> Result<()> {
    ws.set_name("Räkenskaper")?;
    ws.set_column_width(0, 52.0)?;
    for c in 1..=4 {
        ws.set_column_width(c, 16.0)?;
    }
    ws.set_paper_size(9).set_portrait().set_print_fit_to_pages(1, 0);
    ws.set_margins(0.5, 0.5, 0.6, 0.6, 0.3, 0.3);
    ws.set_footer("&L&A&RSida &P av &N");
    ws.write_string_with_format(0, 0, format!("Belopp i {}", e.amount_unit.as_str()), &f.text)?;
    let mut row = 2;
    for t in e.statements.iter().chain(&e.group_statements) {
        row = statement(ws, f, row, t)? + 1;
    }
    Ok(())
}

fn statement(ws: &mut Worksheet, f: &EconomyFormats, mut row: u32, t: &StatementTable) -> Result<u32> {
    let title = match t.scope {
        StatementScope::Kommun => t.title.clone(),
        StatementScope::Koncern => format!("{} – kommunkoncernen", t.title),
    };
    ws.write_string_with_format(row, 0, &title, &f.title)?;
    row += 1;
    ws.write_string_with_format(row, 0, "", &f.header)?;
    for (c, label) in t.column_labels.iter().enumerate() {
        ws.write_string_with_format(row, 1 + c as u16, label, &f.header)?;
    }
    ws.set_row_height(row, 30.0)?;
    row += 1;
    for l in &t.lines {
        let label = match l.sign_shown {
            -1 => format!("− {}", l.label),
            1 => format!("+ {}", l.label),
            _ => l.label.clone(),
        };
        ws.write_string_with_format(row, 0, &label, if l.sum { &f.bold } else { &f.text })?;
        for (c, a) in l.amounts.iter().enumerate() {
            amount(ws, f, row, 1 + c as u16, a, l.sum)?;
        }
        row += 1;
    }
    Ok(row)
}
