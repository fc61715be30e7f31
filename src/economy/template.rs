//! The economy's Excel round trip: a fill-in workbook of a period's driftredovisning (one row
//! per nämnd, förvaltning and bolag) and the entered lines of the resultaträkning,
//! balansräkning and balanskravsutredning, in the report's unit (tkr or mnkr); read back into a
//! preview of every change and every rejected cell; applied in one transaction (one undo step),
//! and only when no cell was rejected. The pattern of `value_template`: a hidden `Styrkort`
//! sheet identifies the file (format, version, the database's identity, the period by id and
//! name, the unit the amounts are in), and the titles and column headers must be as written,
//! or the whole file is refused before a cell is read.
//!
//! A cell is a number, a Swedish number as text, or empty (the figure is removed). Excel keeps
//! numbers as binary fractions; a cell's number is read through its shortest decimal form and
//! then exactly (`amount::parse`), so an amount written out comes back to the öre.

use std::collections::HashMap;
use std::io::Cursor;

use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};
use rust_xlsxwriter::{Format, Workbook};
use serde::Serialize;
use ts_rs::TS;

use super::amount::{self, AmountUnit};
use super::report::{self, COLUMNS};
use super::statement::{self, LineKind};
use super::OperatingRow;
use crate::error::{AppError, ErrorCode, Msg, Result};
use crate::model::{EconomySource, Period, StatementColumn, StatementScope};
use crate::msg;
use crate::store::{economy, ChangeContext, Store};
use crate::value_template::{cell_text, check_archive, Cells, MAX_FILE_BYTES, MAX_UNPACKED_BYTES};

pub const OPERATING_SHEET: &str = "Drift";
pub const STATEMENTS_SHEET: &str = "Resultat och balans";
pub const META_SHEET: &str = "Styrkort";
const FORMAT_ID: &str = "styrkort-ekonomimall";
const VERSION: i64 = 1;
/// First data row (0-based); the headers are on the row above.
const FIRST_ROW: u32 = 4;
const HEADER_ROW: u32 = FIRST_ROW - 1;
/// The columns with amounts: C to F on both sheets.
const FIRST_AMOUNT: u16 = 2;

fn title(sheet: &str, period: &Period, unit: AmountUnit) -> String {
    format!("{sheet} – {} ({})", period.name, unit.as_str())
}

fn operating_headers() -> [&'static str; 6] {
    ["Id", "Nämnd eller bolag", "Budget helår", "Budget perioden", "Utfall", "Prognos helår"]
}

fn statement_headers(period: &Period) -> [String; 6] {
    let y = period.plan_year;
    [
        "Rad (nyckel)".into(),
        "Rad".into(),
        format!("Utfall {}", period.name),
        format!("Samma period {}", y - 1),
        format!("Budget {y}"),
        format!("Prognos {y}"),
    ]
}

fn xlsx_error(e: rust_xlsxwriter::XlsxError) -> AppError {
    AppError::new(ErrorCode::Internal, msg!("Ekonomimallen kunde inte skapas: {e}", "The economy template could not be created: {e}"))
}

fn bad(file: &str, what: Msg) -> AppError {
    AppError::bad_file(msg!("{file}: {}. Inget har sparats.", "{file}: {}. Nothing has been saved.", what))
}

/// An amount as the template's number: exact in the unit as far as a binary fraction goes;
/// read back through its shortest decimal form, it is the same öre.
fn number(ore: i64, unit: AmountUnit) -> f64 {
    ore as f64 / unit.ore() as f64
}

/// A fill-in workbook for the economy of `period_id`, amounts in the report's unit.
pub fn template(store: &Store, period_id: i64) -> Result<Vec<u8>> {
    let period = store.period(period_id)?;
    let database_id = crate::store::settings::database_id(store.read())?;
    let e = report::of_period(store, period.plan_year, period_id)?;
    let unit = e.amount_unit;
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let header = Format::new().set_bold().set_background_color("#1F3B5A").set_font_color("#FFFFFF").set_text_wrap();
    let code = if unit == AmountUnit::Tkr { "#,##0" } else { "#,##0.0" };
    let input =
        Format::new().set_unlocked().set_num_format(code).set_background_color("#FFF8DC").set_border(rust_xlsxwriter::FormatBorder::Thin);
    let instructions = format!(
        "Fyll i de gula cellerna i {}. Intäkter plus och kostnader minus, som i resultaträkningen. Lämna en cell tom för att ta bort beloppet. Ändra inte de andra kolumnerna eller bladens namn.",
        unit.as_str()
    );

    let sheet = wb.add_worksheet();
    sheet.set_name(OPERATING_SHEET).map_err(xlsx_error)?;
    sheet.write_string_with_format(0, 0, title(OPERATING_SHEET, &period, unit), &bold).map_err(xlsx_error)?;
    sheet.write_string(1, 0, &instructions).map_err(xlsx_error)?;
    for (c, h) in operating_headers().iter().enumerate() {
        sheet.write_string_with_format(HEADER_ROW, c as u16, *h, &header).map_err(xlsx_error)?;
    }
    for (i, line) in e.operating.iter().chain(&e.companies).enumerate() {
        let r = FIRST_ROW + i as u32;
        sheet.write_number(r, 0, line.org_unit_id.unwrap_or_default() as f64).map_err(xlsx_error)?;
        sheet.write_string(r, 1, &line.name).map_err(xlsx_error)?;
        for (c, a) in [&line.budget_year, &line.budget_period, &line.actual, &line.forecast].iter().enumerate() {
            let col = FIRST_AMOUNT + c as u16;
            match a.ore {
                Some(o) => sheet.write_number_with_format(r, col, number(o, unit), &input).map_err(xlsx_error)?,
                None => sheet.write_blank(r, col, &input).map_err(xlsx_error)?,
            };
        }
    }
    sheet.set_column_width(0, 6).map_err(xlsx_error)?;
    sheet.set_column_width(1, 34).map_err(xlsx_error)?;
    for c in 2..=5 {
        sheet.set_column_width(c, 15).map_err(xlsx_error)?;
    }
    sheet.set_freeze_panes(FIRST_ROW, 2).map_err(xlsx_error)?;
    sheet.set_landscape();
    sheet.set_paper_size(9);
    sheet.set_print_fit_to_pages(1, 0);
    sheet.protect();

    let sheet = wb.add_worksheet();
    sheet.set_name(STATEMENTS_SHEET).map_err(xlsx_error)?;
    sheet.write_string_with_format(0, 0, title(STATEMENTS_SHEET, &period, unit), &bold).map_err(xlsx_error)?;
    sheet.write_string(1, 0, &instructions).map_err(xlsx_error)?;
    for (c, h) in statement_headers(&period).iter().enumerate() {
        sheet.write_string_with_format(HEADER_ROW, c as u16, h, &header).map_err(xlsx_error)?;
    }
    let mut r = FIRST_ROW;
    for table in &e.statements {
        for line in table.lines.iter().filter(|l| !l.sum) {
            sheet.write_string(r, 0, &line.key).map_err(xlsx_error)?;
            sheet.write_string(r, 1, format!("{}: {}", table.title, line.label)).map_err(xlsx_error)?;
            for (c, a) in line.amounts.iter().enumerate() {
                let col = FIRST_AMOUNT + c as u16;
                match a.ore {
                    Some(o) => sheet.write_number_with_format(r, col, number(o, unit), &input).map_err(xlsx_error)?,
                    None => sheet.write_blank(r, col, &input).map_err(xlsx_error)?,
                };
            }
            r += 1;
        }
    }
    sheet.set_column_width(0, 22).map_err(xlsx_error)?;
    sheet.set_column_width(1, 60).map_err(xlsx_error)?;
    for c in 2..=5 {
        sheet.set_column_width(c, 15).map_err(xlsx_error)?;
    }
    sheet.set_freeze_panes(FIRST_ROW, 2).map_err(xlsx_error)?;
    sheet.set_landscape();
    sheet.set_paper_size(9);
    sheet.set_print_fit_to_pages(1, 0);
    sheet.protect();

    let pairs: [(&str, String); 6] = [
        ("format", FORMAT_ID.to_string()),
        ("version", VERSION.to_string()),
        ("period_id", period.id.to_string()),
        ("period", period.name.clone()),
        ("amount_unit", unit.as_str().to_string()),
        ("database_id", database_id),
    ];
    crate::value_template::write_identity_sheet(&mut wb, META_SHEET, &pairs).map_err(xlsx_error)?;
    wb.save_to_buffer().map_err(xlsx_error)
}

/// One figure that importing the template would change.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct EconomyTemplateChange {
    pub sheet: String,
    /// Row as Excel shows it (1-based).
    pub row: u32,
    /// The nämnd or line, and the column ("Socialnämnden, Prognos helår").
    pub what: String,
    pub old: String,
    pub new: String,
}

/// A cell that could not be read, on which sheet.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct EconomyTemplateProblem {
    pub sheet: String,
    pub row: u32,
    pub column: u32,
    pub text: String,
    pub reason: String,
    pub reason_en: String,
}

#[derive(Debug, Clone, PartialEq)]
enum Figure {
    Operating(OperatingRow),
    Statement(&'static str, StatementColumn, Option<i64>),
}

/// What a filled economy template would do, before anything is written.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct EconomyTemplatePreview {
    pub file: String,
    pub period: Period,
    pub amount_unit: AmountUnit,
    pub changes: Vec<EconomyTemplateChange>,
    /// Any rejected cell means nothing can be saved (see `refusal`).
    pub rejected: Vec<EconomyTemplateProblem>,
    #[serde(skip)]
    #[ts(skip)]
    figures: Vec<Figure>,
}

/// A sheet of the economy template: its name and its cells (read as the value template's).
struct Sheet {
    name: &'static str,
    cells: Cells,
}

impl Sheet {
    fn value(&self, r: u32, c: u16) -> Data {
        self.cells.value(r, c)
    }
    fn text(&self, r: u32, c: u16) -> String {
        self.cells.text(r, c)
    }
    fn formula(&self, r: u32, c: u16) -> Option<String> {
        self.cells.unsaved_formula(r, c)
    }
    fn last_row(&self) -> u32 {
        self.cells.last_row().unwrap_or(0)
    }
    /// The amount in a cell (öre), or the reason it cannot be read.
    fn amount(&self, r: u32, c: u16, unit: AmountUnit) -> std::result::Result<Option<i64>, (String, Msg)> {
        if let Some(f) = self.formula(r, c) {
            return Err((f, msg!("Cellen har en formel men inget uträknat värde. Skriv in beloppet, eller öppna filen i Excel, låt den räkna ut värdet och spara igen.", "The cell has a formula but no calculated value. Type the amount, or open the file in Excel, let it calculate the value and save again.")));
        }
        let text = match self.value(r, c) {
            Data::Empty => return Ok(None),
            Data::Float(f) if f.is_finite() => format!("{f}"),
            Data::Int(i) => i.to_string(),
            Data::String(s) => s,
            Data::DateTime(_) | Data::DateTimeIso(_) | Data::DurationIso(_) => {
                return Err((
                    cell_text(&self.value(r, c)),
                    msg!(
                        "Cellen innehåller ett datum, inte ett belopp. Ge cellen formatet Tal och skriv beloppet.",
                        "The cell contains a date, not an amount. Give the cell the format Number and write the amount."
                    ),
                ));
            }
            other => return Err((cell_text(&other), msg!("Cellen innehåller inget belopp.", "The cell contains no amount."))),
        };
        amount::parse(&text, unit).map_err(|reason| (text, reason))
    }
}

fn letter(c: u16) -> char {
    char::from(b'A' + (c as u8).min(25))
}

/// Read a filled economy template into a preview. `file` is the name shown in messages.
pub fn read(store: &Store, file: &str, bytes: &[u8]) -> Result<EconomyTemplatePreview> {
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(bad(file, msg!("filen är för stor för en mall", "the file is too large for a template")));
    }
    check_archive(file, bytes, MAX_UNPACKED_BYTES)?;
    let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes))
        .map_err(|e| bad(file, msg!("filen kunde inte läsas som Excel ({e})", "the file could not be read as Excel ({e})")))?;
    let names = wb.sheet_names();
    for needed in [META_SHEET, OPERATING_SHEET, STATEMENTS_SHEET] {
        if !names.iter().any(|n| n == needed) {
            return Err(bad(
                file,
                msg!(
                    "bladet '{needed}' saknas; filen är ingen ekonomimall från Styrkort eller ett blad har bytt namn. Byt tillbaka namnet eller exportera en ny mall",
                    "the sheet '{needed}' is missing; the file is not an economy template from Styrkort or a sheet has been renamed. Rename it back or export a new template"
                ),
            ));
        }
    }
    let meta = wb
        .worksheet_range(META_SHEET)
        .map_err(|e| bad(file, msg!("bladet '{META_SHEET}' kunde inte läsas ({e})", "the sheet '{META_SHEET}' could not be read ({e})")))?;
    let get = |key: &str| -> String {
        meta.rows()
            .find(|r| r.first().map(cell_text).as_deref() == Some(key))
            .and_then(|r| r.get(1).map(cell_text))
            .unwrap_or_default()
            .trim()
            .to_string()
    };
    if get("format") != FORMAT_ID {
        return Err(bad(
            file,
            msg!(
                "filen är ingen ekonomimall från Styrkort. Exportera en ny mall",
                "the file is not an economy template from Styrkort. Export a new template"
            ),
        ));
    }
    if get("version") != VERSION.to_string() {
        return Err(bad(
            file,
            msg!(
                "mallen har version {}, den här versionen av Styrkort läser version {VERSION}. Exportera en ny mall",
                "the template has version {}; this version of Styrkort reads version {VERSION}. Export a new template",
                get("version")
            ),
        ));
    }
    if get("database_id") != crate::store::settings::database_id(store.read())? {
        return Err(bad(file, msg!("mallen kommer från en annan databas. Läs in den i databasen den exporterades från, eller exportera en ny mall härifrån", "the template comes from another database. Read it into the database it was exported from, or export a new template from here")));
    }
    let period =
        get("period_id").parse::<i64>().ok().and_then(|id| store.period(id).ok()).filter(|p| p.name == get("period")).ok_or_else(|| {
            bad(
                file,
                msg!(
                    "mallens period finns inte i den här databasen eller har ändrats. Exportera en ny mall",
                    "the template's period does not exist in this database or has been changed. Export a new template"
                ),
            )
        })?;
    let unit = AmountUnit::parse(&get("amount_unit")).ok_or_else(|| {
        bad(
            file,
            msg!(
                "mallen säger inte om beloppen är i tkr eller mnkr. Exportera en ny mall",
                "the template does not say whether the amounts are in tkr or mnkr. Export a new template"
            ),
        )
    })?;

    let mut open = |name: &'static str| -> Result<Sheet> {
        let values = wb
            .worksheet_range(name)
            .map_err(|e| bad(file, msg!("bladet '{name}' kunde inte läsas ({e})", "the sheet '{name}' could not be read ({e})")))?;
        let formulas = wb
            .worksheet_formula(name)
            .map_err(|e| bad(file, msg!("bladet '{name}' kunde inte läsas ({e})", "the sheet '{name}' could not be read ({e})")))?;
        Ok(Sheet { name, cells: Cells { values, formulas } })
    };
    let operating_sheet = open(OPERATING_SHEET)?;
    let statements_sheet = open(STATEMENTS_SHEET)?;
    for (sheet, headers) in [(&operating_sheet, operating_headers().map(String::from)), (&statements_sheet, statement_headers(&period))] {
        let expected = title(sheet.name, &period, unit);
        let shown = sheet.text(0, 0);
        if shown != expected {
            return Err(bad(
                file,
                msg!(
                    "rubriken i cell A1 på bladet '{}' säger '{shown}' men ska vara '{expected}'. Mallen har ändrats; exportera en ny mall",
                    "the heading in cell A1 of the sheet '{}' says '{shown}' but should be '{expected}'. The template has been changed; export a new template",
                    sheet.name
                ),
            ));
        }
        for (c, h) in headers.iter().enumerate() {
            let found = sheet.text(HEADER_ROW, c as u16);
            if &found != h {
                return Err(bad(
                    file,
                    msg!(
                        "kolumnrubrikerna på bladet '{}' stämmer inte: kolumn {} ska heta '{h}' men är '{found}'. Har en kolumn tagits bort, lagts till eller flyttats? Ångra ändringen eller exportera en ny mall",
                        "the column headings of the sheet '{}' do not match: column {} should be called '{h}' but is '{found}'. Has a column been deleted, added or moved? Undo the change or export a new template",
                        sheet.name,
                        letter(c as u16)
                    ),
                ));
            }
        }
    }

    let e = report::of_period_in(store, period.plan_year, period.id, unit)?;
    let mut changes = Vec::new();
    let mut rejected = Vec::new();
    let mut figures = Vec::new();
    let problem = |sheet: &Sheet, r: u32, c: u16, text: String, reason: Msg| EconomyTemplateProblem {
        sheet: sheet.name.to_string(),
        row: r + 1,
        column: c as u32 + 1,
        text,
        reason: reason.sv,
        reason_en: reason.en,
    };
    let operating_columns = ["Budget helår", "Budget perioden", "Utfall", "Prognos helår"];

    // Driftredovisning: one row per unit; the whole row is written (an empty cell clears).
    let stored: HashMap<i64, OperatingRow> =
        economy::operating_of_period(store.read(), period.id)?.into_iter().map(|r| (r.org_unit_id, r)).collect();
    let mut seen = HashMap::new();
    let s = &operating_sheet;
    for r in FIRST_ROW..=s.last_row() {
        let id = match s.value(r, 0) {
            Data::Empty => continue,
            Data::Float(f) if f.fract() == 0.0 => f as i64,
            Data::Int(i) => i,
            other => {
                rejected.push(problem(
                    s,
                    r,
                    0,
                    cell_text(&other),
                    msg!(
                        "Id-kolumnen har ändrats; raden kan inte kopplas till en nämnd.",
                        "The id column has been changed; the row cannot be linked to a committee."
                    ),
                ));
                continue;
            }
        };
        let Some(line) = e.operating.iter().chain(&e.companies).find(|l| l.org_unit_id == Some(id)) else {
            rejected.push(problem(
                s,
                r,
                0,
                id.to_string(),
                msg!(
                    "Nämnden eller bolaget finns inte (längre) i organisationen.",
                    "The committee or company does not exist (any longer) in the organisation."
                ),
            ));
            continue;
        };
        if let Some(first) = seen.insert(id, r + 1) {
            return Err(bad(
                file,
                msg!(
                    "{} står på två rader ({first} och {}) på bladet '{OPERATING_SHEET}'. Ta bort den ena",
                    "{} is on two rows ({first} and {}) of the sheet '{OPERATING_SHEET}'. Delete one of them",
                    line.name,
                    r + 1
                ),
            ));
        }
        let mut values = [None; 4];
        let mut ok = true;
        for (c, v) in values.iter_mut().enumerate() {
            match s.amount(r, FIRST_AMOUNT + c as u16, unit) {
                Ok(a) => *v = a,
                Err((text, reason)) => {
                    rejected.push(problem(s, r, FIRST_AMOUNT + c as u16, text, reason));
                    ok = false;
                }
            }
        }
        if !ok {
            continue;
        }
        let before = stored.get(&id);
        let old = before.map(|b| [b.budget_year, b.budget_period, b.actual, b.forecast]).unwrap_or_default();
        if old == values {
            continue;
        }
        for c in 0..4 {
            if old[c] != values[c] {
                changes.push(EconomyTemplateChange {
                    sheet: OPERATING_SHEET.into(),
                    row: r + 1,
                    what: format!("{}, {}", line.name, operating_columns[c]),
                    old: amount::format_opt(old[c], unit),
                    new: amount::format_opt(values[c], unit),
                });
            }
        }
        figures.push(Figure::Operating(OperatingRow {
            org_unit_id: id,
            budget_year: values[0],
            budget_period: values[1],
            actual: values[2],
            forecast: values[3],
            comment: before.map(|b| b.comment.clone()).unwrap_or_default(),
            source: EconomySource::Excel,
        }));
    }

    // Statements: one row per entered line, a cell per column.
    let mut seen = HashMap::new();
    let s = &statements_sheet;
    let headers = statement_headers(&period);
    for r in FIRST_ROW..=s.last_row() {
        let key = s.text(r, 0);
        if key.is_empty() {
            continue;
        }
        let Some(line) = statement::line(&key).filter(|l| l.kind == LineKind::Entered) else {
            rejected.push(problem(
                s,
                r,
                0,
                key,
                msg!(
                    "Radens nyckel har ändrats; raden kan inte kopplas till en rad i resultat- eller balansräkningen.",
                    "The row's key has been changed; the row cannot be linked to a line of the income statement or balance sheet."
                ),
            ));
            continue;
        };
        if let Some(first) = seen.insert(line.key, r + 1) {
            return Err(bad(
                file,
                msg!(
                    "raden {} står två gånger ({first} och {}) på bladet '{STATEMENTS_SHEET}'. Ta bort den ena",
                    "the line {} is there twice ({first} and {}) on the sheet '{STATEMENTS_SHEET}'. Delete one of them",
                    line.label_sv,
                    r + 1
                ),
            ));
        }
        for (c, column) in COLUMNS.iter().enumerate() {
            let col = FIRST_AMOUNT + c as u16;
            let value = match s.amount(r, col, unit) {
                Ok(v) => v,
                Err((text, reason)) => {
                    rejected.push(problem(s, r, col, text, reason));
                    continue;
                }
            };
            let old = economy::statement_at(store.read(), period.id, StatementScope::Kommun, line.key, *column)?;
            if old != value {
                changes.push(EconomyTemplateChange {
                    sheet: STATEMENTS_SHEET.into(),
                    row: r + 1,
                    what: format!("{}, {}", line.label_sv, headers[FIRST_AMOUNT as usize + c]),
                    old: amount::format_opt(old, unit),
                    new: amount::format_opt(value, unit),
                });
                figures.push(Figure::Statement(line.key, *column, value));
            }
        }
    }
    Ok(EconomyTemplatePreview { file: file.to_string(), period, amount_unit: unit, changes, rejected, figures })
}

impl EconomyTemplatePreview {
    /// Why this preview cannot be saved: any rejected cell refuses it; the message lists them.
    pub fn refusal(&self) -> Option<AppError> {
        if self.rejected.is_empty() {
            return None;
        }
        let n = self.rejected.len();
        let mut message = msg!(
            "{}: inget har sparats, eftersom {} i mallen inte kunde läsas in. Rätta i Excel och läs in mallen igen:",
            "{}: nothing has been saved, because {} in the template could not be read. Correct them in Excel and read the template again:",
            self.file,
            crate::error::Msg {
                sv: crate::text::count_sv(n, "cell", "celler"),
                en: if n == 1 { "1 cell".into() } else { format!("{n} cells") }
            }
        );
        for p in &self.rejected {
            message.sv.push_str(&format!("\n  {}, rad {}, kolumn {}: '{}' – {}", p.sheet, p.row, p.column, p.text, p.reason));
            message.en.push_str(&format!("\n  {}, row {}, column {}: '{}' – {}", p.sheet, p.row, p.column, p.text, p.reason_en));
        }
        Some(AppError::bad_file(message))
    }
}

/// Write the preview's changes in one transaction, as one undo step; refused (nothing written)
/// when a cell was rejected, the period is locked or a part is no longer a draft.
pub fn apply(store: &mut Store, ctx: &ChangeContext, preview: &EconomyTemplatePreview) -> Result<usize> {
    if let Some(refusal) = preview.refusal() {
        return Err(refusal);
    }
    let label = format!("Ekonomimall för {}", preview.period.name);
    store.write(ctx, |w| {
        w.journaled(&label, |w| {
            for f in &preview.figures {
                match f {
                    Figure::Operating(row) => {
                        economy::put_operating(w, preview.period.id, row)?;
                    }
                    Figure::Statement(key, column, value) => {
                        economy::put_statement(w, preview.period.id, StatementScope::Kommun, key, *column, *value, EconomySource::Excel)?;
                    }
                }
            }
            Ok(preview.changes.len())
        })
    })
}
