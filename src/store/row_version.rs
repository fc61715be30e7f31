//! Row versions (issue 14, "no silent overwrites"): what a save expects of the row it writes,
//! and the refusal when someone else changed the row after the user loaded it.
//!
//! Every save of a versioned row (SQLite migration 0006, PostgreSQL 0004) counts its
//! `version` up. A save from the window names the version it loaded ([`Seen::Version`]); the
//! repository checks it in the write itself (`UPDATE … WHERE key AND version = ?`, or a plain
//! `INSERT` when the user saw no row, whose unique key refuses a concurrent insert), so two
//! saves at once cannot both pass, on SQLite or on PostgreSQL under READ COMMITTED.

use super::sql::{Params as _, ToValue as _};
use super::{journal, sql, Read, Writer};
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

/// A versioned row's three statements, written in its table's repository: `upsert` for an
/// unchecked save, `insert` for a row the user saw empty, `update` for the version the user
/// saw. All three bind the same values; `update` binds that version after them and counts the
/// version up only where it still matches.
pub(in crate::store) struct Statements<'a> {
    pub upsert: &'a str,
    pub insert: &'a str,
    pub update: &'a str,
}

/// The row a checked save writes, as a refusal names it: what it is, its table and audit
/// entity id, and the form field the refusal points at.
pub(in crate::store) struct Subject<'a> {
    pub thing: Thing,
    pub entity: &'a str,
    pub entity_id: &'a str,
    pub field: &'a str,
}

/// Save one versioned row as `seen` allows, the row being stored now with version `stored`
/// (`None`: no row): refused with `conflict` (naming who changed it and when) when it is not
/// the row the user saw, or when a save committed in between makes the update match nothing.
/// The caller writes the audit row.
pub(in crate::store) fn save(
    w: &mut Writer<'_>,
    seen: Seen,
    stored: Option<i64>,
    subject: &Subject<'_>,
    sql: &Statements<'_>,
    values: &[&dyn sql::ToValue],
) -> Result<()> {
    let refusal = |w: &Writer<'_>| refused(w.read(), subject.thing, subject.entity, subject.entity_id, subject.field, &w.ctx.at);
    if !seen.matches(stored) {
        return Err(refusal(w)?);
    }
    match seen {
        Seen::Unchecked => {
            w.tx.execute(sql.upsert, values)?;
        }
        Seen::Version(None) => {
            // A plain insert, which the row's key refuses when someone else inserted it at the
            // same moment.
            w.tx.execute(sql.insert, values).map_err(|e| on_insert(e, subject.thing, subject.field))?;
        }
        Seen::Version(Some(version)) => {
            // The check is in the UPDATE itself: a save committed in between has counted the
            // version up, so this one matches no row.
            let mut bound = values.values();
            bound.push(version.to_value());
            if w.tx.execute(sql.update, bound)? == 0 {
                return Err(refusal(w)?);
            }
        }
    }
    Ok(())
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
