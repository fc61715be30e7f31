//! The Excel round trip: a fill-in template of a unit's values for a period (locked
//! structure, unlocked input cells, number validation), and reading a filled template back
//! into a preview of every change and every rejected cell. Nothing is written until the
//! preview is applied, and then in one transaction.

use std::io::Cursor;

use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};
use rust_xlsxwriter::{DataValidation, DataValidationRule, Format, FormatAlign, Workbook};
use serde::Serialize;
use ts_rs::TS;

use crate::error::{AppError, ErrorCode, Result};
use crate::follow_up::paste::{parse_number, CellProblem};
use crate::follow_up::{value_grid, CellChange};
use crate::model::{Gender, OrgUnit, Period};
use crate::store::{ChangeContext, Store};

pub const VALUES_SHEET: &str = "Värden";
pub const META_SHEET: &str = "Styrkort";
const FORMAT_ID: &str = "styrkort-vardemall";
const VERSION: i64 = 1;
/// First data row (0-based) and the columns of the values sheet.
const FIRST_ROW: u32 = 4;
const COL_ID: u16 = 0;
const COL_GENDER: u16 = 3;
const COL_VALUE: u16 = 6;
/// Files larger than this are refused before they are read.
pub const MAX_FILE_BYTES: u64 = 20 * 1024 * 1024;
/// An xlsx is a zip archive; more than this unpacked is refused (a zip bomb).
pub const MAX_UNPACKED_BYTES: u64 = 200 * 1024 * 1024;

fn xlsx_error(e: rust_xlsxwriter::XlsxError) -> AppError {
    AppError::new(ErrorCode::Internal, format!("Mallen kunde inte skapas: {e}"))
}

/// A fill-in template for `unit_id`'s own indicators in `period_id`.
pub fn template(store: &Store, unit_id: i64, period_id: i64) -> Result<Vec<u8>> {
    let period = store.period(period_id)?;
    let grid = value_grid(store, unit_id, period.plan_year)?;
    let column = grid.periods.iter().position(|p| p.id == period.id).unwrap_or(0);
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let header = Format::new().set_bold().set_background_color("#1F3B5A").set_font_color("#FFFFFF").set_text_wrap();
    let number = Format::new().set_num_format("#,##0.0##");
    let input = Format::new().set_unlocked().set_num_format("#,##0.0##").set_background_color("#FFF8DC").set_border(rust_xlsxwriter::FormatBorder::Thin);
    let sheet = wb.add_worksheet();
    sheet.set_name(VALUES_SHEET).map_err(xlsx_error)?;
    sheet.write_string_with_format(0, 0, format!("Värden för {} – {}", grid.unit.name, period.name), &bold).map_err(xlsx_error)?;
    sheet
        .write_string(1, 0, "Fyll i de gula cellerna i kolumnen Värde. Lämna en cell tom för att ta bort värdet. Ändra inte de andra kolumnerna eller bladens namn.")
        .map_err(xlsx_error)?;
    let heads = ["Id", "Nyckeltal", "Enhet", "Kön (T/K/M)", &format!("Mål {}", period.plan_year), "Föregående år", &format!("Värde {}", period.name)];
    for (c, h) in heads.iter().enumerate() {
        sheet.write_string_with_format(FIRST_ROW - 1, c as u16, *h, &header).map_err(xlsx_error)?;
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

    let meta = wb.add_worksheet();
    meta.set_name(META_SHEET).map_err(xlsx_error)?;
    let left = Format::new().set_align(FormatAlign::Left);
    let pairs: [(&str, String); 6] = [
        ("format", FORMAT_ID.to_string()),
        ("version", VERSION.to_string()),
        ("unit_id", grid.unit.id.to_string()),
        ("unit", grid.unit.name.clone()),
        ("period_id", period.id.to_string()),
        ("period", period.name.clone()),
    ];
    for (r, (k, v)) in pairs.iter().enumerate() {
        meta.write_string(r as u32, 0, *k).map_err(xlsx_error)?;
        meta.write_string_with_format(r as u32, 1, v, &left).map_err(xlsx_error)?;
    }
    meta.set_hidden(true);
    meta.protect();
    wb.save_to_buffer().map_err(xlsx_error)
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
    /// Cells that will not be imported, with row, column (1-based) and reason.
    pub rejected: Vec<CellProblem>,
    #[serde(skip)]
    #[ts(skip)]
    cells: Vec<CellChange>,
}

fn bad(file: &str, what: impl std::fmt::Display) -> AppError {
    AppError::bad_file(format!("{file}: {what}. Inget har sparats."))
}

/// Refuse archives that would unpack to more than `max_unpacked` bytes or that hold an
/// absurd number of parts, before calamine unpacks anything.
pub fn check_archive(file: &str, bytes: &[u8], max_unpacked: u64) -> Result<()> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|_| bad(file, "filen är ingen Excel-fil (xlsx). Spara den som Excel-arbetsbok och försök igen"))?;
    if zip.len() > 2_000 {
        return Err(bad(file, "filen innehåller orimligt många delar"));
    }
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let entry = zip.by_index_raw(i).map_err(|_| bad(file, "filen är skadad"))?;
        total = total.saturating_add(entry.size());
    }
    if total > max_unpacked {
        return Err(bad(file, format!("filen packas upp till {} MB, mer än de {} MB en mall kan vara (en så kallad zip-bomb?)", total / 1_048_576, max_unpacked / 1_048_576)));
    }
    Ok(())
}

fn cell_text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => b.to_string(),
        other => format!("{other}"),
    }
}

/// Read a filled template's bytes from disk: a regular file only, never more than
/// [`MAX_FILE_BYTES`] (whatever size the file system reports).
pub fn read_file(path: &std::path::Path) -> Result<Vec<u8>> {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| path.display().to_string());
    crate::files::read_limited(path, MAX_FILE_BYTES, "en Excel-fil", |size| {
        bad(&name, format!("filen är minst {} MB; en mall kan vara högst {} MB", size / 1_048_576, MAX_FILE_BYTES / 1_048_576))
    })
}

/// Read a filled template into a preview. `file` is the name shown in messages.
pub fn read(store: &Store, file: &str, bytes: &[u8]) -> Result<TemplatePreview> {
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(bad(file, format!("filen är {} MB; en mall kan vara högst {} MB", bytes.len() / 1_048_576, MAX_FILE_BYTES / 1_048_576)));
    }
    check_archive(file, bytes, MAX_UNPACKED_BYTES)?;
    let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).map_err(|e| bad(file, format!("filen kunde inte läsas som Excel ({e})")))?;
    let names = wb.sheet_names();
    if !names.iter().any(|n| n == META_SHEET) {
        return Err(bad(file, "filen är inte en värdemall från Styrkort (bladet 'Styrkort' saknas). Exportera en ny mall"));
    }
    if !names.iter().any(|n| n == VALUES_SHEET) {
        return Err(bad(file, format!("bladet '{VALUES_SHEET}' saknas – har det bytt namn? Byt tillbaka namnet eller exportera en ny mall")));
    }
    let meta = wb.worksheet_range(META_SHEET).map_err(|e| bad(file, format!("bladet '{META_SHEET}' kunde inte läsas ({e})")))?;
    let get = |key: &str| -> Option<String> {
        meta.rows().find(|r| r.first().map(cell_text).as_deref() == Some(key)).and_then(|r| r.get(1).map(cell_text))
    };
    if get("format").as_deref() != Some(FORMAT_ID) {
        return Err(bad(file, "filen är inte en värdemall från Styrkort. Exportera en ny mall"));
    }
    let version: i64 = get("version").and_then(|v| v.trim().parse().ok()).unwrap_or(0);
    if version != VERSION {
        return Err(bad(file, format!("mallen har version {version}, den här versionen av Styrkort läser version {VERSION}. Exportera en ny mall")));
    }
    let unit_id: i64 = get("unit_id").and_then(|v| v.trim().parse().ok()).ok_or_else(|| bad(file, "mallen saknar enhet"))?;
    let period_id: i64 = get("period_id").and_then(|v| v.trim().parse().ok()).ok_or_else(|| bad(file, "mallen saknar period"))?;
    let unit = store.unit(unit_id).map_err(|_| bad(file, "mallen gäller en enhet som inte finns i den här databasen"))?;
    let period = store.period(period_id).map_err(|_| bad(file, "mallen gäller en period som inte finns i den här databasen"))?;
    let grid = value_grid(store, unit_id, period.plan_year)?;
    let column = grid.periods.iter().position(|p| p.id == period.id).ok_or_else(|| bad(file, "mallens period hör inte till planåret"))?;

    let sheet = wb.worksheet_range(VALUES_SHEET).map_err(|e| bad(file, format!("bladet '{VALUES_SHEET}' kunde inte läsas ({e})")))?;
    let mut changes = Vec::new();
    let mut cells = Vec::new();
    let mut rejected = Vec::new();
    let start = sheet.start().map(|(r, _)| r).unwrap_or(0);
    for (i, row) in sheet.rows().enumerate() {
        let r = start + i as u32;
        if r < FIRST_ROW {
            continue;
        }
        let excel_row = r + 1;
        let at = |c: u16| row.get(c as usize).cloned().unwrap_or(Data::Empty);
        let id_cell = at(COL_ID);
        if id_cell == Data::Empty && at(COL_VALUE) == Data::Empty {
            continue;
        }
        let reject = |column: u16, text: String, reason: &str| CellProblem { row: excel_row, column: column as u32 + 1, text, reason: reason.to_string() };
        let id = match id_cell {
            Data::Float(f) if f.fract() == 0.0 => f as i64,
            Data::Int(i) => i,
            other => {
                rejected.push(reject(COL_ID, cell_text(&other), "Id-kolumnen har ändrats; raden kan inte kopplas till ett nyckeltal."));
                continue;
            }
        };
        let gender = match Gender::parse(cell_text(&at(COL_GENDER)).trim()) {
            Some(g) => g,
            None => {
                rejected.push(reject(COL_GENDER, cell_text(&at(COL_GENDER)), "Könet måste vara T, K eller M."));
                continue;
            }
        };
        let Some(grid_row) = grid.rows.iter().find(|g| g.indicator_id == id && g.gender == gender) else {
            rejected.push(reject(COL_ID, id.to_string(), "Nyckeltalet finns inte (längre) för enheten, eller är inte uppdelat på kön."));
            continue;
        };
        let value = match at(COL_VALUE) {
            Data::Empty => None,
            Data::Float(f) if f.is_finite() => Some(f),
            Data::Int(i) => Some(i as f64),
            Data::String(s) => match parse_number(&s) {
                Ok(v) => v,
                Err(reason) => {
                    rejected.push(reject(COL_VALUE, s, &reason));
                    continue;
                }
            },
            other => {
                rejected.push(reject(COL_VALUE, cell_text(&other), "Cellen innehåller inget tal."));
                continue;
            }
        };
        let old = grid_row.values.get(column).copied().flatten();
        if old != value {
            changes.push(TemplateChange { row: excel_row, indicator: grid_row.name.clone(), gender, old, new: value });
            cells.push(CellChange { indicator_id: id, period_id: period.id, gender, value });
        }
    }
    Ok(TemplatePreview { file: file.to_string(), unit, period, changes, rejected, cells })
}

/// Write the preview's changes (not the rejected cells), all in one transaction.
pub fn apply(store: &mut Store, ctx: &ChangeContext, preview: &TemplatePreview) -> Result<usize> {
    store.write(ctx, |w| w.save_cells(preview.unit.id, &preview.cells))
}
