//! Every change to the database goes through a [`Writer`], inside one transaction, and
//! leaves a row in the audit log.

use rusqlite::Transaction;

use super::ChangeContext;
use crate::error::{AppError, Msg, Result};
use crate::model::{Direction, Status};
use crate::msg;

/// Writes within one open transaction. Made by [`super::Store::write`].
pub struct Writer<'t> {
    pub(in crate::store) tx: super::sql::Db<'t>,
    pub(crate) ctx: &'t ChangeContext,
    pub(super) recorder: super::journal::Recorder,
}

/// Default labels and colours of the 3-, 4- and 5-step scales. Step 1 is the best.
pub fn default_scale(steps: i32) -> Option<Vec<(&'static str, &'static str, Status)>> {
    const GREEN: &str = "#2e7d32";
    const LIGHT_GREEN: &str = "#7cb342";
    const YELLOW: &str = "#f9a825";
    const ORANGE: &str = "#ef6c00";
    const RED: &str = "#c62828";
    Some(match steps {
        3 => vec![("Uppfyllt", GREEN, Status::Green), ("Delvis uppfyllt", YELLOW, Status::Yellow), ("Ej uppfyllt", RED, Status::Red)],
        4 => vec![
            ("Helt uppfyllt", GREEN, Status::Green),
            ("Till stor del uppfyllt", LIGHT_GREEN, Status::Green),
            ("Delvis uppfyllt", YELLOW, Status::Yellow),
            ("Ej uppfyllt", RED, Status::Red),
        ],
        5 => vec![
            ("Helt uppfyllt", GREEN, Status::Green),
            ("Till stor del uppfyllt", LIGHT_GREEN, Status::Green),
            ("Delvis uppfyllt", YELLOW, Status::Yellow),
            ("I liten grad uppfyllt", ORANGE, Status::Red),
            ("Ej uppfyllt", RED, Status::Red),
        ],
        _ => return None,
    })
}

/// A required one-line text: trimmed, not empty, at most 500 characters. `field` names it
/// for messages in Swedish and English, e.g. `("Målets rubrik", "The goal's title")`.
pub(crate) fn non_empty(field: (&str, &str), text: &str) -> Result<String> {
    let (sv, en) = field;
    let t = text.trim();
    if t.is_empty() {
        return Err(AppError::validation(Msg {
            sv: format!("{sv} får inte vara tomt. Fyll i {}.", sv.to_lowercase()),
            en: format!("{en} cannot be empty. Fill it in."),
        }));
    }
    if t.chars().count() > 500 {
        return Err(AppError::validation(msg!(
            "{sv} är för långt (högst 500 tecken). Korta texten.",
            "{en} is too long (at most 500 characters). Shorten the text."
        )));
    }
    // A name is one line of text: a line break, tab or terminal escape sequence in it would
    // break lists and reports, or rewrite a terminal's screen when printed.
    if t.chars().any(char::is_control) {
        return Err(AppError::validation(msg!(
            "{sv} får inte innehålla radbrytningar, tabbar eller andra styrtecken. Skriv texten på en rad.",
            "{en} must not contain line breaks, tabs or other control characters. Write the text on one line."
        )));
    }
    Ok(t.to_string())
}

/// A Kolada KPI id as stored: trimmed and upper-case; empty text means none.
pub(crate) fn kolada_kpi_id(text: Option<&str>) -> Result<Option<String>> {
    let Some(kpi) = text.map(str::trim).filter(|k| !k.is_empty()).map(str::to_uppercase) else { return Ok(None) };
    if !((2..=12).contains(&kpi.len()) && kpi.chars().all(|c| c.is_ascii_alphanumeric())) {
        return Err(AppError::validation(msg!(
            "'{kpi}' är inte ett Kolada-id. Ett id ser ut som N00090.",
            "'{kpi}' is not a Kolada id. An id looks like N00090."
        )));
    }
    Ok(Some(kpi))
}

pub(crate) fn check_decimals(decimals: u32) -> Result<()> {
    if decimals > 4 {
        return Err(AppError::validation(msg!("Antal decimaler kan vara 0 till 4.", "The number of decimals can be 0 to 4.")));
    }
    Ok(())
}

pub(crate) fn check_tolerance(tolerance: f64) -> Result<()> {
    if !tolerance.is_finite() || tolerance < 0.0 {
        return Err(AppError::validation(msg!(
            "Toleransen måste vara ett tal som är noll eller större.",
            "The tolerance must be a number that is zero or greater."
        )));
    }
    Ok(())
}

/// An explicit yellow limit lies on the worse side of the target (below it when higher is
/// better, above it when lower is better; equal means no yellow band).
pub(crate) fn yellow_on_worse_side(direction: Direction, target: f64, limit: f64) -> bool {
    match direction {
        Direction::Higher => limit <= target,
        Direction::Lower => limit >= target,
    }
}

impl<'t> Writer<'t> {
    pub(super) fn new(tx: &'t Transaction<'t>, ctx: &'t ChangeContext, recorder: super::journal::Recorder) -> Self {
        Self { tx: super::sql::Db::Sqlite(tx), ctx, recorder }
    }

    /// A writer on either engine's open transaction.
    pub(super) fn on(tx: super::sql::Db<'t>, ctx: &'t ChangeContext, recorder: super::journal::Recorder) -> Self {
        Self { tx, ctx, recorder }
    }

    /// Read inside this transaction (sees its own changes). The handle lives as long as the
    /// transaction, so a read can run beside the writer's own writes (an import classifying
    /// items while it takes them).
    pub fn read(&self) -> super::Read<'t> {
        super::Read { db: self.tx }
    }
}
