//! Row versions (issue 14, "no silent overwrites"): what a save expects of the row it writes,
//! and the refusal when someone else changed the row after the user loaded it.
//!
//! Every save of a versioned row (SQLite migration 0006, PostgreSQL 0004) counts its
//! `version` up. A save from the window names the version it loaded ([`Seen::Version`]); the
//! repository checks it in the write itself (`UPDATE … WHERE key AND version = ?`, or a plain
//! `INSERT` when the user saw no row, whose unique key refuses a concurrent insert), so two
//! saves at once cannot both pass, on SQLite or on PostgreSQL under READ COMMITTED.

use super::{journal, sql, Read};
use crate::error::{AppError, ErrorCode, Msg, Result};
use crate::msg;

/// What a save expects of the row it writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seen {
    /// No check: imports, exchange files, value templates, the seed loader and the CLI save
    /// what they bring, as before row versions (the version still counts up).
    Unchecked,
    /// The version the user loaded; `None` when they saw no row (an empty cell, a text not
    /// yet written).
    Version(Option<i64>),
}

impl Seen {
    /// Whether a row stored with `stored` (`None`: no row) is the one the user saw.
    pub fn matches(self, stored: Option<i64>) -> bool {
        match self {
            Seen::Unchecked => true,
            Seen::Version(v) => v == stored,
        }
    }
}

/// What was changed, as the refusal names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Thing {
    Value,
    Assessment,
    Text,
    FollowUp,
    /// An uppdrag's follow-up in a period.
    AssignmentFollowUp,
    /// An intern kontroll control's follow-up in a period.
    ControlFollowUp,
    /// A tjänstegaranti's follow-up in a period.
    GuaranteeFollowUp,
    Goal,
    Indicator,
    Activity,
}

impl Thing {
    /// (the thing, "it") in Swedish and English.
    fn words(self) -> (Msg, Msg) {
        match self {
            Thing::Value => (msg!("värdet", "the value"), msg!("det", "it")),
            Thing::Assessment => (msg!("bedömningen", "the assessment"), msg!("den", "it")),
            Thing::Text => (msg!("texten", "the text"), msg!("den", "it")),
            Thing::FollowUp => (msg!("uppföljningen", "the follow-up"), msg!("den", "it")),
            Thing::AssignmentFollowUp => (msg!("uppföljningen av uppdraget", "the assignment's follow-up"), msg!("den", "it")),
            Thing::ControlFollowUp => (msg!("uppföljningen av kontrollen", "the control's follow-up"), msg!("den", "it")),
            Thing::GuaranteeFollowUp => (msg!("uppföljningen av tjänstegarantin", "the service guarantee's follow-up"), msg!("den", "it")),
            Thing::Goal => (msg!("målet", "the goal"), msg!("det", "it")),
            Thing::Indicator => (msg!("nyckeltalet", "the indicator"), msg!("det", "it")),
            Thing::Activity => (msg!("aktiviteten", "the activity"), msg!("den", "it")),
        }
    }
}

/// The time of an audit row as the refusal shows it: "10:15" on the day of `now`, else
/// "2026-12-02 10:15".
fn clock(at: &str, now: &str) -> String {
    let time = at.get(11..16).unwrap_or(at);
    match (at.get(..10), now.get(..10)) {
        (Some(day), Some(today)) if day == today => time.to_string(),
        (Some(day), _) => format!("{day} {time}"),
        _ => at.to_string(),
    }
}

/// The refusal of a save over a row someone else changed after the user loaded it: a
/// `conflict` on form field `field`, naming who changed it and when (the entity's newest
/// audit row), and saying to choose which should apply.
pub(crate) fn refused(db: Read<'_>, thing: Thing, entity: &str, entity_id: &str, field: &str, now: &str) -> Result<AppError> {
    let (what, it) = thing.words();
    let last = journal::of_entity(db, entity, entity_id)?.pop();
    let message = match last {
        Some(row) => {
            let when = clock(&row.at, now);
            let who = row.user;
            if row.action == "delete" {
                msg!(
                    "{who} tog bort {what} {when} efter att du öppnade {it}. Välj vilket som ska gälla.",
                    "{who} removed {what} at {when} after you opened {it}. Choose which one should apply.",
                    who = who,
                    what = what,
                    when = when,
                    it = it
                )
            } else {
                msg!(
                    "{who} ändrade {what} {when} efter att du öppnade {it}. Välj vilket som ska gälla.",
                    "{who} changed {what} at {when} after you opened {it}. Choose which one should apply.",
                    who = who,
                    what = what,
                    when = when,
                    it = it
                )
            }
        }
        None => msg!(
            "Någon annan har ändrat {what} efter att du öppnade {it}. Välj vilket som ska gälla.",
            "Someone else has changed {what} after you opened {it}. Choose which one should apply.",
            what = what,
            it = it
        ),
    };
    Ok(AppError::conflict(message).on_field(field))
}

/// A plain `INSERT` of a row the user saw empty failed: when the row's key is taken (someone
/// else inserted it at the same moment, on PostgreSQL), that is the same refusal, without
/// who (the transaction can read nothing more once the server refused a statement).
pub(crate) fn on_insert(e: sql::Error, thing: Thing, field: &str) -> AppError {
    let e = AppError::from(e);
    if e.code != ErrorCode::Conflict {
        return e;
    }
    let (what, _) = thing.words();
    AppError::conflict(msg!(
        "Någon annan sparade {what} samtidigt som du. Välj vilket som ska gälla.",
        "Someone else saved {what} at the same time as you. Choose which one should apply.",
        what = what
    ))
    .on_field(field)
}

#[cfg(test)]
mod tests {
    use super::{clock, Seen};

    #[test]
    fn the_time_is_shown_alone_on_the_same_day_else_with_the_date() {
        assert_eq!(clock("2026-12-03T10:15:42", "2026-12-03T11:00:00"), "10:15");
        assert_eq!(clock("2026-12-02T10:15:42", "2026-12-03T11:00:00"), "2026-12-02 10:15");
    }

    #[test]
    fn a_version_matches_only_itself_and_no_row_only_no_row() {
        assert!(Seen::Version(Some(3)).matches(Some(3)));
        assert!(!Seen::Version(Some(3)).matches(Some(4)));
        assert!(!Seen::Version(Some(3)).matches(None));
        assert!(!Seen::Version(None).matches(Some(0)));
        assert!(Seen::Version(None).matches(None));
        assert!(Seen::Unchecked.matches(Some(9)));
    }
}
