//! Reports: the styrkort page for the arbetsplatsträff (PDF, A4 landscape), the
//! delårsrapport (PDF, A4 portrait) and the Excel workbook, all built from the same
//! scorecards the window shows, plus the report settings and the safe file writing
//! they share.
//!
//! Reports are made in memory and written with [`crate::files::write_output`]: checked
//! against the open database and its backups, then a temporary file in the target folder,
//! renamed into place, so a failure never leaves half a file.

mod agenda_section;
mod chart;
mod chart_png;
mod delarsrapport;
mod delarsrapport_docx;
mod delarsrapport_pdf;
mod document;
mod economy_section;
pub mod edition;
pub mod internal_control;
pub mod opening;
mod pdf_layout;
mod risk_matrix;
pub mod settings;
mod styrkort_pdf;
mod verksamhetsplan;
mod workbook;
mod workbook_economy;

pub use delarsrapport_docx::{delarsrapport_docx, delarsrapport_docx_as};
pub use delarsrapport_pdf::{delarsrapport_pdf, delarsrapport_pdf_as};
pub use edition::Edition;
pub use settings::{logo_from_file, ReportSections, ReportSettings};
pub use styrkort_pdf::styrkort_pdf;
pub use workbook::workbook;

/// The verksamhetsplan of `unit_id` and every unit below it (`None`: the whole municipality)
/// for the plan year `year`, as a PDF (A4 portrait, drawn like the delårsrapport).
pub fn verksamhetsplan_pdf(store: &Store, unit_id: Option<i64>, year: i32, today: chrono::NaiveDate) -> Result<Vec<u8>> {
    delarsrapport_pdf::render(&verksamhetsplan::build(store, unit_id, year, today)?)
}

/// The same verksamhetsplan as a Word document (.docx).
pub fn verksamhetsplan_docx(store: &Store, unit_id: Option<i64>, year: i32, today: chrono::NaiveDate) -> Result<Vec<u8>> {
    delarsrapport_docx::render(&verksamhetsplan::build(store, unit_id, year, today)?)
}

use crate::error::Result;
use crate::model::{AssessmentState, OrgUnit, Status};
use crate::status::Trend;
use crate::store::Store;
use pdf_layout::Colour;

/// The PDF reports there are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PdfReport {
    /// One A4 landscape page per unit and period, for the arbetsplatsträff.
    Styrkort,
    /// The delårsrapport for a unit and everything below it.
    Delarsrapport,
}

/// A unit and every active unit below it, depth first in the tree's order: the units a
/// delårsrapport covers (and the pages of `styrkort_pdf` for a whole branch).
pub fn unit_and_below(store: &Store, unit_id: i64) -> Result<Vec<OrgUnit>> {
    Ok(units_below(store, unit_id)?.into_iter().map(|(u, _)| u).collect())
}

/// What `--below` asks of a delårsrapport: "this nämnd (or förvaltning, or the whole
/// kommun) and its units", which is what the report covers. A unit with no units of its
/// own below (an enhet, a bolag) has nothing to add, so the option is refused there
/// rather than silently ignored.
pub fn check_delarsrapport_below(unit: &OrgUnit) -> Result<()> {
    use crate::model::UnitKind;
    match unit.kind {
        UnitKind::Kommun | UnitKind::Namnd | UnitKind::Forvaltning => Ok(()),
        UnitKind::Enhet | UnitKind::Bolag => Err(crate::error::AppError::validation(crate::msg!(
            "--below gäller delårsrapporten för en nämnd, förvaltning eller kommunen och enheterna under den; {name} är av typen {kind}. Ta bort --below för en delårsrapport om {name}, eller ange nämnden.",
            "--below applies to the interim report of a committee, administration or the municipality and the units below it; {name} is of the kind {kind}. Leave out --below for an interim report on {name}, or name the committee.",
            name = unit.name,
            kind = unit.kind.label()
        ))),
    }
}

/// A unit and every active unit below it, depth first in the tree's order, with depth.
pub(crate) fn units_below(store: &Store, unit_id: i64) -> Result<Vec<(OrgUnit, usize)>> {
    crate::store::units::below(store.read(), unit_id, false)
}

/// The colour a status is drawn in (with its symbol and word beside it, never alone).
pub(crate) fn status_colour(status: Option<Status>) -> Colour {
    match status {
        Some(Status::Green) => Colour::rgb(0x2e, 0x7d, 0x32),
        Some(Status::Yellow) => Colour::rgb(0xe8, 0xa2, 0x02),
        Some(Status::Red) => Colour::rgb(0xc6, 0x28, 0x28),
        None => Colour::rgb(0x9e, 0x9e, 0x9e),
    }
}

pub(crate) fn status_symbol(status: Option<Status>) -> &'static str {
    status.map(|s| s.symbol()).unwrap_or("○")
}

/// The target status in words, the window's words (ARCHITECTURE.md, "One vocabulary"):
/// Uppnått, Nära, Ej uppnått, Saknas – never the colour names, which are not what they mean.
pub(crate) fn status_word(status: Option<Status>) -> &'static str {
    match status {
        Some(Status::Green) => "Uppnått",
        Some(Status::Yellow) => "Nära",
        Some(Status::Red) => "Ej uppnått",
        None => "Saknas",
    }
}

pub(crate) fn trend_arrow(trend: Option<Trend>) -> &'static str {
    match trend {
        Some(Trend::Better) => "↗",
        Some(Trend::Unchanged) => "→",
        Some(Trend::Worse) => "↘",
        None => "",
    }
}

pub(crate) fn trend_word(trend: Option<Trend>) -> &'static str {
    match trend {
        Some(Trend::Better) => "bättre",
        Some(Trend::Unchanged) => "oförändrat",
        Some(Trend::Worse) => "sämre",
        None => "",
    }
}

pub(crate) fn state_sv(state: AssessmentState) -> &'static str {
    match state {
        AssessmentState::Draft => "utkast",
        AssessmentState::Ready => "klar för granskning",
        AssessmentState::Approved => "godkänd",
    }
}

/// "7,6 %" with a no-break space before the unit; "–" for no value.
pub(crate) fn value_text(value: Option<f64>, decimals: i32, unit: &str) -> String {
    crate::text::value_sv(value, decimals, unit)
}

/// An activity status: its word and the colour the word is printed in.
pub(crate) fn activity_colour(status: crate::model::ActivityStatus) -> Colour {
    use crate::model::ActivityStatus::*;
    match status {
        Done => Colour::rgb(0x2e, 0x7d, 0x32),
        Started => Colour::rgb(0x1f, 0x4e, 0x79),
        Delayed => Colour::rgb(0xc6, 0x28, 0x28),
        NotStarted | Cancelled => Colour::GREY,
    }
}

/// "2026-08-31" as "31 augusti 2026".
pub(crate) fn date_sv(date: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    const MONTHS: [&str; 12] =
        ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober", "november", "december"];
    format!("{} {} {}", date.day(), MONTHS[date.month0() as usize], date.year())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_and_dates_read_the_swedish_way() {
        assert_eq!(value_text(Some(7.64), 1, "%"), "7,6\u{a0}%");
        assert_eq!(value_text(Some(15104.0), 0, "st"), "15\u{a0}104\u{a0}st");
        assert_eq!(value_text(None, 1, "%"), "–");
        assert_eq!(date_sv(chrono::NaiveDate::from_ymd_opt(2026, 8, 31).unwrap()), "31 augusti 2026");
    }
}

/// A report the window can make.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ReportKind {
    /// The unit's styrkort, one A4 page.
    Styrkort,
    /// One styrkort page for the unit and every unit below it.
    StyrkortBelow,
    /// The delårsrapport for the unit and everything below it.
    Delarsrapport,
    /// The same delårsrapport as a Word document (.docx).
    DelarsrapportDocx,
    /// The Excel workbook for the unit and everything below it.
    Workbook,
    /// The plan year's verksamhetsplan for the unit (the municipality, a nämnd) and everything
    /// below it, as a PDF.
    Verksamhetsplan,
    /// The same verksamhetsplan as a Word document (.docx).
    VerksamhetsplanDocx,
    /// "Uppföljning av intern kontroll" of the unit (a nämnd) for the period.
    InternalControl,
}

/// Make a report in memory, with a file name to suggest in the save dialog (a draft).
pub fn render(
    store: &Store,
    kind: ReportKind,
    unit_id: i64,
    year: i32,
    period_id: i64,
    today: chrono::NaiveDate,
) -> Result<(Vec<u8>, String)> {
    render_as(store, kind, unit_id, year, period_id, today, Edition::Draft)
}

/// [`render`] as a draft or a final version (the delårsrapport; the other reports have no final
/// version and are made as they are).
pub fn render_as(
    store: &Store,
    kind: ReportKind,
    unit_id: i64,
    year: i32,
    period_id: i64,
    today: chrono::NaiveDate,
    edition: Edition,
) -> Result<(Vec<u8>, String)> {
    let unit = store.unit(unit_id)?;
    let period = store.period(period_id)?;
    let clean = |s: &str| {
        s.chars().map(|c| if matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') { '-' } else { c }).collect::<String>()
    };
    let base = |what: &str| clean(&format!("{what} {} {}", unit.name, period.name));
    Ok(match kind {
        ReportKind::Styrkort => (styrkort_pdf(store, &[unit.id], year, period.id, today)?, format!("{}.pdf", base("Styrkort"))),
        ReportKind::StyrkortBelow => {
            let ids: Vec<i64> = unit_and_below(store, unit.id)?.into_iter().map(|u| u.id).collect();
            (styrkort_pdf(store, &ids, year, period.id, today)?, format!("{}.pdf", base("Styrkort alla enheter")))
        }
        ReportKind::Delarsrapport => {
            let name = format!("{}{}", crate::wording::report_name(period.kind), if edition == Edition::Draft { " utkast" } else { "" });
            (delarsrapport_pdf_as(store, unit.id, year, period.id, today, edition)?, format!("{}.pdf", base(&name)))
        }
        ReportKind::DelarsrapportDocx => {
            let name = format!("{}{}", crate::wording::report_name(period.kind), if edition == Edition::Draft { " utkast" } else { "" });
            (delarsrapport_docx_as(store, unit.id, year, period.id, today, edition)?, format!("{}.docx", base(&name)))
        }
        ReportKind::InternalControl => {
            (internal_control::follow_up_pdf(store, unit.id, period.id, today, edition)?, format!("{}.pdf", base("Intern kontroll")))
        }
        ReportKind::Workbook => (workbook(store, Some(unit.id), year, Some(period.id), today)?, format!("{}.xlsx", base("Styrkort"))),
        // A plan is the year's, not a period's.
        ReportKind::Verksamhetsplan => (
            verksamhetsplan_pdf(store, Some(unit.id), year, today)?,
            format!("{}.pdf", clean(&format!("Verksamhetsplan {year} {}", unit.name))),
        ),
        ReportKind::VerksamhetsplanDocx => (
            verksamhetsplan_docx(store, Some(unit.id), year, today)?,
            format!("{}.docx", clean(&format!("Verksamhetsplan {year} {}", unit.name))),
        ),
    })
}
