//! The Excel round trip: a fill-in template of a unit's values for a period (locked
//! structure, unlocked input cells, number validation), and reading a filled template back
//! into a preview of every change and every rejected cell. Nothing is written until the
//! preview is applied, and then in one transaction, and only when no cell was rejected.
//!
//! A template identifies itself three times, and all must agree with the database before a
//! single cell is read: the hidden `Styrkort` sheet (format, version, the database's
//! identity `database_id`, unit and period by id and name), the visible title in A1 and the
//! column headers in row 4. A changed header means a column was deleted, added or moved, so
//! an empty value cell could not be told from a missing one; such a file is refused whole.
//!
//! Reading a value cell: a number, a Swedish number as text, or empty (the user emptied it:
//! the stored value is removed). Refused with row, column and reason: anything else, a date,
//! and a formula without a saved result (calamine reads that as empty; it must not delete).
//! The same indicator and gender on two rows: the same value twice is read once; two
//! different values refuse the file, since either could be the one meant.

use std::collections::HashMap;
use std::io::Cursor;

use calamine::{open_workbook_from_rs, Data, ExcelDateTime, Range, Reader, Xlsx};
use rust_xlsxwriter::{DataValidation, DataValidationRule, Format, FormatAlign, Workbook, XlsxError};
use serde::Serialize;
use ts_rs::TS;

use crate::error::{AppError, ErrorCode, Msg, Result};
use crate::follow_up::paste::{parse_number, CellProblem};
use crate::follow_up::{value_grid, CellChange};
use crate::model::{Gender, OrgUnit, Period};
use crate::msg;
use crate::store::{ChangeContext, Store};

pub const VALUES_SHEET: &str = "Värden";
pub const META_SHEET: &str = "Styrkort";
const FORMAT_ID: &str = "styrkort-vardemall";
/// Version 2 added the database's identity; a version-1 template is refused.
const VERSION: i64 = 2;
/// First data row (0-based) and the columns of the values sheet; the header row is the one
/// above the first data row.
const FIRST_ROW: u32 = 4;
const HEADER_ROW: u32 = FIRST_ROW - 1;
const COL_ID: u16 = 0;
const COL_GENDER: u16 = 3;
const COL_VALUE: u16 = 6;
/// Files larger than this are refused before they are read.
pub const MAX_FILE_BYTES: u64 = 20 * 1024 * 1024;
/// An xlsx is a zip archive; more than this unpacked is refused (a zip bomb).
pub const MAX_UNPACKED_BYTES: u64 = 200 * 1024 * 1024;

/// The first bytes of an OLE compound file: what a password-protected xlsx (and an old .xls) is.
const COMPOUND_FILE_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// The title in A1 of the values sheet.
fn title(unit: &OrgUnit, period: &Period) -> String {
    format!("Värden för {} – {}", unit.name, period.name)
}

/// The column headers in row 4, columns A to G.
fn headers(period: &Period) -> [String; 7] {
    [
        "Id".into(),
        "Nyckeltal".into(),
        "Enhet".into(),
        "Kön (T/K/M)".into(),
        format!("Mål {}", period.plan_year),
        "Föregående år".into(),
        format!("Värde {}", period.name),
    ]
}

fn xlsx_error(e: rust_xlsxwriter::XlsxError) -> AppError {
    AppError::new(ErrorCode::Internal, msg!("Mallen kunde inte skapas: {e}", "The template could not be created: {e}"))
}

/// A fill-in template for `unit_id`'s own indicators in `period_id`.
pub fn template(store: &Store, unit_id: i64, period_id: i64) -> Result<Vec<u8>> {
    let period = store.period(period_id)?;
    let database_id = crate::store::settings::database_id(store.read())?;
    let grid = value_grid(store, unit_id, period.plan_year)?;
    let column = grid.periods.iter().position(|p| p.id == period.id).unwrap_or(0);
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let header = Format::new().set_bold().set_background_color("#1F3B5A").set_font_color("#FFFFFF").set_text_wrap();
    let number = Format::new().set_num_format("#,##0.0##");
    let input = Format::new()
        .set_unlocked()
        .set_num_format("#,##0.0##")
        .set_background_color("#FFF8DC")
        .set_border(rust_xlsxwriter::FormatBorder::Thin);
    let sheet = wb.add_worksheet();
    sheet.set_name(VALUES_SHEET).map_err(xlsx_error)?;
    sheet.write_string_with_format(0, 0, title(&grid.unit, &period), &bold).map_err(xlsx_error)?;
    sheet
        .write_string(1, 0, "Fyll i de gula cellerna i kolumnen Värde. Lämna en cell tom för att ta bort värdet. Ändra inte de andra kolumnerna eller bladens namn.")
        .map_err(xlsx_error)?;
    for (c, h) in headers(&period).iter().enumerate() {
        sheet.write_string_with_format(HEADER_ROW, c as u16, h, &header).map_err(xlsx_error)?;
    }
    for (i, row) in grid.rows.iter().enumerate() {
        let r = FIRST_ROW + i as u32;
        sheet.write_number(r, COL_ID, row.indicator_id as f64).map_err(xlsx_error)?;
        sheet.write_string(r, 1, &row.name).map_err(xlsx_error)?;
        sheet.write_string(r, 2, &row.unit).map_err(xlsx_error)?;
        sheet.write_string(r, COL_GENDER, row.gender.as_str()).map_err(xlsx_error)?;
        if let Some(t) = row.target {
            sheet.write_number_with_format(r, 4, t, &number).map_err(xlsx_error)?;
        }
        if let Some(p) = row.previous_year {
            sheet.write_number_with_format(r, 5, p, &number).map_err(xlsx_error)?;
        }
        match row.values.get(column).copied().flatten() {
            Some(v) => sheet.write_number_with_format(r, COL_VALUE, v, &input).map_err(xlsx_error)?,
            None => sheet.write_blank(r, COL_VALUE, &input).map_err(xlsx_error)?,
        };
    }
    if !grid.rows.is_empty() {
        let last = FIRST_ROW + grid.rows.len() as u32 - 1;
        let validation = DataValidation::new()
            .allow_decimal_number(DataValidationRule::Between(-1.0e12, 1.0e12))
            .set_error_title("Bara tal")
            .map_err(xlsx_error)?
            .set_error_message("Skriv ett tal, t.ex. 12,5, eller lämna cellen tom.")
            .map_err(xlsx_error)?;
        sheet.add_data_validation(FIRST_ROW, COL_VALUE, last, COL_VALUE, &validation).map_err(xlsx_error)?;
    }
    sheet.set_column_width(0, 6).map_err(xlsx_error)?;
    sheet.set_column_width(1, 48).map_err(xlsx_error)?;
    sheet.set_column_width(2, 10).map_err(xlsx_error)?;
    sheet.set_column_width(3, 11).map_err(xlsx_error)?;
    for c in 4..=6 {
        sheet.set_column_width(c, 14).map_err(xlsx_error)?;
    }
    sheet.set_freeze_panes(FIRST_ROW, 2).map_err(xlsx_error)?;
    sheet.set_landscape();
    sheet.set_paper_size(9); // A4
    sheet.set_print_fit_to_pages(1, 0);
    sheet.protect();

    let pairs: [(&str, String); 7] = [
        ("format", FORMAT_ID.to_string()),
        ("version", VERSION.to_string()),
        ("unit_id", grid.unit.id.to_string()),
        ("unit", grid.unit.name.clone()),
        ("period_id", period.id.to_string()),
        ("period", period.name.clone()),
        ("database_id", database_id),
    ];
    write_identity_sheet(&mut wb, META_SHEET, &pairs).map_err(xlsx_error)?;
    wb.save_to_buffer().map_err(xlsx_error)
}

/// The hidden, protected sheet that tells which database, period (and unit) a template is
/// for, one key and value per row. Shared with the economy template.
pub(crate) fn write_identity_sheet(wb: &mut Workbook, name: &str, pairs: &[(&str, String)]) -> std::result::Result<(), XlsxError> {
    let meta = wb.add_worksheet();
    meta.set_name(name)?;
    let left = Format::new().set_align(FormatAlign::Left);
    for (r, (k, v)) in pairs.iter().enumerate() {
        meta.write_string(r as u32, 0, *k)?;
        meta.write_string_with_format(r as u32, 1, v, &left)?;
    }
    meta.set_hidden(true);
    meta.protect();
    Ok(())
}

/// One value that importing the template would change.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct TemplateChange {
    /// Row in the sheet as Excel shows it (1-based).
    pub row: u32,
    pub indicator: String,
    pub gender: Gender,
    pub old: Option<f64>,
    pub new: Option<f64>,
}

/// What a filled template would do, before anything is written.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct TemplatePreview {
    pub file: String,
    pub unit: OrgUnit,
    pub period: Period,
    pub changes: Vec<TemplateChange>,
    /// Cells that could not be read, with row, column (1-based) and reason. Any of them
    /// means the template cannot be saved (see `TemplatePreview::refusal`).
    pub rejected: Vec<CellProblem>,
    #[serde(skip)]
    #[ts(skip)]
    cells: Vec<CellChange>,
}

fn bad(file: &str, what: Msg) -> AppError {
    AppError::bad_file(msg!("{file}: {}. Inget har sparats.", "{file}: {}. Nothing has been saved.", what))
}

/// Refuse archives that would unpack to more than `max_unpacked` bytes or that hold an
/// absurd number of parts, before calamine unpacks anything.
pub fn check_archive(file: &str, bytes: &[u8], max_unpacked: u64) -> Result<()> {
    if bytes.starts_with(&COMPOUND_FILE_MAGIC) {
        // Excel, LibreOffice and others save an encrypted xlsx as a compound file holding
        // the streams EncryptionInfo and EncryptedPackage (names in UTF-16).
        let name: Vec<u8> = "EncryptedPackage".encode_utf16().flat_map(u16::to_le_bytes).collect();
        if bytes.windows(name.len()).any(|w| w == name.as_slice()) {
            return Err(bad(
                file,
                msg!("filen är lösenordsskyddad. Ta bort lösenordet i Excel (Arkiv → Info → Skydda arbetsbok → Kryptera med lösenord, töm fältet) och spara igen", "the file is password-protected. Remove the password in Excel (File → Info → Protect Workbook → Encrypt with Password, clear the field) and save again"),
            ));
        }
        return Err(bad(
            file,
            msg!("filen är en äldre Excel-fil (.xls) eller ett annat Office-format, ingen Excel-arbetsbok (.xlsx). Öppna den i Excel och spara den som Excel-arbetsbok (.xlsx)", "the file is an older Excel file (.xls) or another Office format, not an Excel workbook (.xlsx). Open it in Excel and save it as an Excel workbook (.xlsx)"),
        ));
    }
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| {
        bad(
            file,
            msg!(
                "filen är ingen Excel-fil (xlsx). Spara den som Excel-arbetsbok och försök igen",
                "the file is not an Excel file (xlsx). Save it as an Excel workbook and try again"
            ),
        )
    })?;
    if zip.len() > 2_000 {
        return Err(bad(file, msg!("filen innehåller orimligt många delar", "the file contains an unreasonable number of parts")));
    }
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let entry = zip.by_index_raw(i).map_err(|_| bad(file, msg!("filen är skadad", "the file is damaged")))?;
        total = total.saturating_add(entry.size());
    }
    if total > max_unpacked {
        return Err(bad(
            file,
            msg!(
                "filen packas upp till {} MB, mer än de {} MB en mall kan vara (en så kallad zip-bomb?)",
                "the file unpacks to {} MB, more than the {} MB a template can be (a so-called zip bomb?)",
                total / 1_048_576,
                max_unpacked / 1_048_576
            ),
        ));
    }
    Ok(())
}

/// A date as the user typed it (2026-03-15, with the time when there is one); a duration
/// as hours, minutes and seconds.
fn date_text(d: &ExcelDateTime) -> String {
    let (y, mo, day, h, mi, s, _) = d.to_ymd_hms_milli();
    if d.is_duration() {
        let hours = (d.as_f64() * 24.0).trunc();
        format!("{hours}:{mi:02}:{s:02}")
    } else if (h, mi, s) == (0, 0, 0) {
        format!("{y:04}-{mo:02}-{day:02}")
    } else {
        format!("{y:04}-{mo:02}-{day:02} {h:02}:{mi:02}")
    }
}

/// A cell as text, as a person would read it (dates as dates). Shared with the economy
/// template (`economy::template`).
pub(crate) fn cell_text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) => date_text(dt),
        other => format!("{other}"),
    }
}

fn is_blank(d: &Data) -> bool {
    match d {
        Data::Empty => true,
        Data::String(s) => s.trim().is_empty(),
        _ => false,
    }
}

fn gender_text(g: Gender) -> Msg {
    match g {
        Gender::T => msg!("totalt", "total"),
        Gender::K => msg!("kvinnor", "women"),
        Gender::M => msg!("män", "men"),
    }
}

fn value_sv(v: Option<f64>) -> String {
    match v {
        Some(v) => crate::text::number_sv(v, 3).trim_end_matches('0').trim_end_matches(',').to_string(),
        None => "tom".into(),
    }
}

/// Column letter of a 0-based column (the template uses A–G).
fn letter(c: u16) -> char {
    char::from(b'A' + (c as u8).min(25))
}

/// The cells of a template sheet: saved values and formulas, by absolute (0-based) position.
/// Shared with the economy template (`economy::template`).
pub(crate) struct Cells {
    pub(crate) values: Range<Data>,
    pub(crate) formulas: Range<String>,
}

impl Cells {
    pub(crate) fn value(&self, r: u32, c: u16) -> Data {
        self.values.get_value((r, c as u32)).cloned().unwrap_or(Data::Empty)
    }
    pub(crate) fn text(&self, r: u32, c: u16) -> String {
        cell_text(&self.value(r, c)).trim().to_string()
    }
    /// The formula of a cell that has one but no saved result (a tool that did not
    /// calculate it); calamine reads such a cell as empty.
    pub(crate) fn unsaved_formula(&self, r: u32, c: u16) -> Option<String> {
        let f = self.formulas.get_value((r, c as u32)).map(|f| f.trim()).filter(|f| !f.is_empty())?;
        is_blank(&self.value(r, c)).then(|| format!("={}", f.trim_start_matches('=')))
    }
    /// The last row that holds a value or a formula.
    pub(crate) fn last_row(&self) -> Option<u32> {
        let v = self.values.end().map(|(r, _)| r);
        let f = self.formulas.end().map(|(r, _)| r);
        v.max(f)
    }
}

/// Read a filled template's bytes from disk: a regular file only, never more than
/// [`MAX_FILE_BYTES`] (whatever size the file system reports).
pub fn read_file(path: &std::path::Path) -> Result<Vec<u8>> {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| path.display().to_string());
    crate::files::read_limited(path, MAX_FILE_BYTES, &msg!("en Excel-fil", "an Excel file"), |size| {
        bad(
            &name,
            msg!(
                "filen är minst {} MB; en mall kan vara högst {} MB",
                "the file is at least {} MB; a template can be at most {} MB",
                size / 1_048_576,
                MAX_FILE_BYTES / 1_048_576
            ),
        )
    })
}

/// Read a filled template into a preview. `file` is the name shown in messages.
pub fn read(store: &Store, file: &str, bytes: &[u8]) -> Result<TemplatePreview> {
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(bad(
            file,
            msg!(
                "filen är {} MB; en mall kan vara högst {} MB",
                "the file is {} MB; a template can be at most {} MB",
                bytes.len() / 1_048_576,
                MAX_FILE_BYTES / 1_048_576
            ),
        ));
    }
    check_archive(file, bytes, MAX_UNPACKED_BYTES)?;
    let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes))
        .map_err(|e| bad(file, msg!("filen kunde inte läsas som Excel ({e})", "the file could not be read as Excel ({e})")))?;
    let names = wb.sheet_names();
    if !names.iter().any(|n| n == META_SHEET) {
        return Err(bad(
            file,
            msg!(
                "filen är inte en värdemall från Styrkort (bladet 'Styrkort' saknas). Exportera en ny mall",
                "the file is not a value template from Styrkort (the sheet 'Styrkort' is missing). Export a new template"
            ),
        ));
    }
    if !names.iter().any(|n| n == VALUES_SHEET) {
        return Err(bad(
            file,
            msg!(
                "bladet '{VALUES_SHEET}' saknas – har det bytt namn? Byt tillbaka namnet eller exportera en ny mall",
                "the sheet '{VALUES_SHEET}' is missing – has it been renamed? Rename it back or export a new template"
            ),
        ));
    }
    let meta = wb
        .worksheet_range(META_SHEET)
        .map_err(|e| bad(file, msg!("bladet '{META_SHEET}' kunde inte läsas ({e})", "the sheet '{META_SHEET}' could not be read ({e})")))?;
    let get = |key: &str| -> Option<String> {
        meta.rows().find(|r| r.first().map(cell_text).as_deref() == Some(key)).and_then(|r| r.get(1).map(cell_text))
    };
    if get("format").as_deref() != Some(FORMAT_ID) {
        return Err(bad(
            file,
            msg!(
                "filen är inte en värdemall från Styrkort. Exportera en ny mall",
                "the file is not a value template from Styrkort. Export a new template"
            ),
        ));
    }
    let version: i64 = get("version").and_then(|v| v.trim().parse().ok()).unwrap_or(0);
    if version == 1 {
        return Err(bad(file, msg!("mallen är gjord av en äldre version av Styrkort och visar inte vilken databas den kommer från, så den kan inte läsas in säkert; exportera en ny mall och fyll i den", "the template was made by an older version of Styrkort and does not show which database it comes from, so it cannot be read safely; export a new template and fill it in")));
    }
    if version != VERSION {
        return Err(bad(
            file,
            msg!(
                "mallen har version {version}, den här versionen av Styrkort läser version {VERSION}. Exportera en ny mall",
                "the template has version {version}; this version of Styrkort reads version {VERSION}. Export a new template"
            ),
        ));
    }
    let ours = crate::store::settings::database_id(store.read())?;
    match get("database_id").map(|v| v.trim().to_string()).filter(|v| !v.is_empty()) {
        None => return Err(bad(file, msg!("mallen visar inte vilken databas den kommer från (det dolda bladet 'Styrkort' har ändrats). Exportera en ny mall", "the template does not show which database it comes from (the hidden sheet 'Styrkort' has been changed). Export a new template"))),
        Some(theirs) if theirs != ours => {
            return Err(bad(
                file,
                msg!("mallen kommer från en annan databas (en annan kommuns eller en nyskapad), inte från den här eller en kopia av den. Läs in den i databasen den exporterades från, eller exportera en ny mall härifrån", "the template comes from another database (another municipality's or a newly created one), not from this one or a copy of it. Read it into the database it was exported from, or export a new template from here"),
            ))
        }
        Some(_) => {}
    }
    let unit_id: i64 = get("unit_id")
        .and_then(|v| v.trim().parse().ok())
        .ok_or_else(|| bad(file, msg!("mallen saknar enhet", "the template has no unit")))?;
    let period_id: i64 = get("period_id")
        .and_then(|v| v.trim().parse().ok())
        .ok_or_else(|| bad(file, msg!("mallen saknar period", "the template has no period")))?;
    let unit = store.unit(unit_id).map_err(|_| {
        bad(
            file,
            msg!(
                "mallen gäller en enhet som inte finns i den här databasen",
                "the template is for a unit that does not exist in this database"
            ),
        )
    })?;
    let period = store.period(period_id).map_err(|_| {
        bad(
            file,
            msg!(
                "mallen gäller en period som inte finns i den här databasen",
                "the template is for a period that does not exist in this database"
            ),
        )
    })?;
    // The names beside the ids, and the visible title, must agree with what the ids are
    // here: an edited hidden id must not move values to another unit or period.
    let meta_unit = get("unit").map(|v| v.trim().to_string()).unwrap_or_default();
    if meta_unit != unit.name {
        return Err(bad(
            file,
            msg!("det dolda bladet 'Styrkort' säger enheten '{meta_unit}', men enhet {unit_id} heter '{}' här. Mallen har ändrats eller enheten har bytt namn; exportera en ny mall", "the hidden sheet 'Styrkort' says the unit '{meta_unit}', but unit {unit_id} is called '{}' here. The template has been changed or the unit has been renamed; export a new template", unit.name),
        ));
    }
    let meta_period = get("period").map(|v| v.trim().to_string()).unwrap_or_default();
    if meta_period != period.name {
        return Err(bad(
            file,
            msg!("det dolda bladet 'Styrkort' säger perioden '{meta_period}', men period {period_id} är '{}' här. Mallen har ändrats; exportera en ny mall", "the hidden sheet 'Styrkort' says the period '{meta_period}', but period {period_id} is '{}' here. The template has been changed; export a new template", period.name),
        ));
    }
    let grid = value_grid(store, unit_id, period.plan_year)?;
    let column = grid.periods.iter().position(|p| p.id == period.id).ok_or_else(|| {
        bad(file, msg!("mallens period hör inte till planåret", "the template's period does not belong to the plan year"))
    })?;

    let values = wb.worksheet_range(VALUES_SHEET).map_err(|e| {
        bad(file, msg!("bladet '{VALUES_SHEET}' kunde inte läsas ({e})", "the sheet '{VALUES_SHEET}' could not be read ({e})"))
    })?;
    let formulas = wb.worksheet_formula(VALUES_SHEET).map_err(|e| {
        bad(file, msg!("bladet '{VALUES_SHEET}' kunde inte läsas ({e})", "the sheet '{VALUES_SHEET}' could not be read ({e})"))
    })?;
    let sheet = Cells { values, formulas };
    let expected_title = title(&unit, &period);
    let shown_title = sheet.text(0, 0);
    if shown_title != expected_title {
        return Err(bad(
            file,
            msg!(
                "rubriken i cell A1 säger '{shown_title}', men det dolda bladet säger {} – {}. Mallen har ändrats, så det går inte att veta vilken enhet och period värdena gäller; exportera en ny mall", "the heading in cell A1 says '{shown_title}', but the hidden sheet says {} – {}. The template has been changed, so there is no telling which unit and period the values are for; export a new template",
                unit.name, period.name
            ),
        ));
    }
    for (c, expected) in headers(&period).iter().enumerate() {
        let found = sheet.text(HEADER_ROW, c as u16);
        if &found != expected {
            let found = if found.is_empty() { msg!("tom", "empty") } else { msg!("'{found}'", "'{found}'") };
            return Err(bad(
                file,
                msg!(
                    "kolumnrubrikerna på rad {} stämmer inte med mallen: kolumn {} ska heta '{expected}' men är {found}. Har en kolumn tagits bort, lagts till eller flyttats? Ångra ändringen, eller exportera en ny mall och fyll i den", "the column headings in row {} do not match the template: column {} should be called '{expected}' but is {found}. Has a column been deleted, added or moved? Undo the change, or export a new template and fill it in",
                    HEADER_ROW + 1,
                    letter(c as u16),
                    found = found
                ),
            ));
        }
    }

    let mut changes = Vec::new();
    let mut cells = Vec::new();
    let mut rejected = Vec::new();
    // Each indicator and gender read so far: (Excel row, value).
    let mut seen: HashMap<(i64, Gender), (u32, Option<f64>)> = HashMap::new();
    let last_row = sheet.last_row().unwrap_or(0);
    for r in FIRST_ROW..=last_row {
        let excel_row = r + 1;
        let at = |c: u16| sheet.value(r, c);
        let reject = |column: u16, text: String, reason: Msg| CellProblem::new(excel_row, column as u32 + 1, text, reason);
        if let Some((c, formula)) = [COL_ID, COL_GENDER, COL_VALUE].into_iter().find_map(|c| sheet.unsaved_formula(r, c).map(|f| (c, f))) {
            rejected.push(reject(
                c,
                formula,
                msg!("Cellen har en formel men inget uträknat värde (programmet som sparade filen räknade inte ut formeln). Skriv in talet i cellen, eller öppna filen i Excel, låt den räkna ut värdet och spara igen.", "The cell has a formula but no calculated value (the program that saved the file did not calculate the formula). Type the number into the cell, or open the file in Excel, let it calculate the value and save again."),
            ));
            continue;
        }
        let id_cell = at(COL_ID);
        if id_cell == Data::Empty && at(COL_VALUE) == Data::Empty {
            continue;
        }
        let id = match id_cell {
            Data::Float(f) if f.fract() == 0.0 => f as i64,
            Data::Int(i) => i,
            other => {
                rejected.push(reject(
                    COL_ID,
                    cell_text(&other),
                    msg!(
                        "Id-kolumnen har ändrats; raden kan inte kopplas till ett nyckeltal.",
                        "The id column has been changed; the row cannot be linked to an indicator."
                    ),
                ));
                continue;
            }
        };
        let gender = match Gender::parse(cell_text(&at(COL_GENDER)).trim()) {
            Some(g) => g,
            None => {
                rejected.push(reject(
                    COL_GENDER,
                    cell_text(&at(COL_GENDER)),
                    msg!("Könet måste vara T, K eller M.", "The gender must be T, K or M."),
                ));
                continue;
            }
        };
        let Some(grid_row) = grid.rows.iter().find(|g| g.indicator_id == id && g.gender == gender) else {
            rejected.push(reject(
                COL_ID,
                id.to_string(),
                msg!(
                    "Nyckeltalet finns inte (längre) för enheten, eller är inte uppdelat på kön.",
                    "The indicator does not exist (any longer) for the unit, or is not split by gender."
                ),
            ));
            continue;
        };
        let value = match at(COL_VALUE) {
            Data::Empty => None,
            Data::Float(f) if f.is_finite() => Some(f),
            Data::Int(i) => Some(i as f64),
            Data::String(s) => match parse_number(&s) {
                Ok(v) => v,
                Err(reason) => {
                    rejected.push(reject(COL_VALUE, s, reason));
                    continue;
                }
            },
            Data::DateTime(d) if d.is_duration() => {
                rejected.push(reject(
                    COL_VALUE,
                    date_text(&d),
                    msg!("Cellen innehåller en tid, inte ett tal. Skriv värdet som ett tal, t.ex. 12,5, och ge cellen formatet Tal.", "The cell contains a time, not a number. Write the value as a number, e.g. 12.5, and give the cell the format Number."),
                ));
                continue;
            }
            Data::DateTime(d) => {
                rejected.push(reject(
                    COL_VALUE,
                    date_text(&d),
                    msg!("Cellen innehåller ett datum, inte ett tal. Skriv värdet som ett tal, t.ex. 12,5 (gör Excel om det till ett datum: ge cellen formatet Tal).", "The cell contains a date, not a number. Write the value as a number, e.g. 12.5 (if Excel turns it into a date: give the cell the format Number)."),
                ));
                continue;
            }
            Data::DateTimeIso(d) => {
                rejected.push(reject(
                    COL_VALUE,
                    d,
                    msg!(
                        "Cellen innehåller ett datum, inte ett tal. Skriv värdet som ett tal, t.ex. 12,5.",
                        "The cell contains a date, not a number. Write the value as a number, e.g. 12.5."
                    ),
                ));
                continue;
            }
            other => {
                rejected.push(reject(COL_VALUE, cell_text(&other), msg!("Cellen innehåller inget tal.", "The cell contains no number.")));
                continue;
            }
        };
        if let Some(&(first_row, first_value)) = seen.get(&(id, gender)) {
            if first_value != value {
                return Err(bad(
                    file,
                    msg!(
                        "nyckeltalet '{}' ({}) står på två rader med olika värden: rad {first_row} ({}) och rad {excel_row} ({}). Ta bort den ena raden eller skriv samma värde på båda", "the indicator '{}' ({}) is on two rows with different values: row {first_row} ({}) and row {excel_row} ({}). Delete one of the rows or write the same value on both",
                        grid_row.name,
                        gender_text(gender),
                        value_sv(first_value),
                        value_sv(value)
                    ),
                ));
            }
            // The same value twice: read once.
            continue;
        }
        seen.insert((id, gender), (excel_row, value));
        let old = grid_row.values.get(column).copied().flatten();
        if old != value {
            changes.push(TemplateChange { row: excel_row, indicator: grid_row.name.clone(), gender, old, new: value });
            cells.push(CellChange { indicator_id: id, period_id: period.id, gender, value, expected_version: None });
        }
    }
    Ok(TemplatePreview { file: file.to_string(), unit, period, changes, rejected, cells })
}

impl TemplatePreview {
    /// Why this preview cannot be saved: a template is saved whole or not at all, so any
    /// rejected cell refuses it. The message lists every rejected cell.
    pub fn refusal(&self) -> Option<AppError> {
        if self.rejected.is_empty() {
            return None;
        }
        let n = self.rejected.len();
        let mut message = if n == 1 {
            msg!(
                "{}: inget har sparats, eftersom 1 cell i mallen inte kunde läsas in. Rätta den i Excel och läs in mallen igen (inget av de andra värdena sparas förrän alla celler går att läsa):",
                "{}: nothing has been saved, because 1 cell in the template could not be read. Correct it in Excel and read the template again (none of the other values is saved until every cell can be read):",
                self.file
            )
        } else {
            msg!(
                "{}: inget har sparats, eftersom {n} celler i mallen inte kunde läsas in. Rätta dem i Excel och läs in mallen igen (inget av de andra värdena sparas förrän alla celler går att läsa):",
                "{}: nothing has been saved, because {n} cells in the template could not be read. Correct them in Excel and read the template again (none of the other values is saved until every cell can be read):",
                self.file
            )
        };
        for p in &self.rejected {
            message.sv.push_str(&format!("\n  rad {}, kolumn {}: '{}' – {}", p.row, p.column, p.text, p.reason));
            message.en.push_str(&format!("\n  row {}, column {}: '{}' – {}", p.row, p.column, p.text, p.reason_en));
        }
        Some(AppError::bad_file(message))
    }
}

/// Write the preview's changes, all in one transaction; refused (nothing written) when any
/// cell was rejected.
pub fn apply(store: &mut Store, ctx: &ChangeContext, preview: &TemplatePreview) -> Result<usize> {
    if let Some(refusal) = preview.refusal() {
        return Err(refusal);
    }
    store.write(ctx, |w| w.save_cells_unchecked(preview.unit.id, &preview.cells))
}
