//! The economy's rules: which units carry a driftredovisning, sane amounts, which lines can
//! be entered, and the review of a part of a period's economy (draft → ready → approved, and
//! back with a comment), through `follow_up::review`.

use crate::error::{AppError, Msg, Result};
use crate::follow_up::review::{self, ReviewAction};
use crate::model::{AssessmentState, EconomyPart, OrgUnit, UnitKind};
use crate::msg;
use crate::store::{economy, Read, Writer};

use super::statement::{self, Line, LineKind};
use super::ProjectForm;

/// The largest amount accepted, in öre either way: 10 000 miljarder kronor. Far above any
/// municipal group's balance sheet, far below where JSON numbers stop being exact (2^53).
pub const MAX_AMOUNT: i64 = 1_000_000_000_000_000;

const MAX_COMMENT_CHARS: usize = 2_000;

/// An amount within [`MAX_AMOUNT`]; `what` names it ("Prognos helår för Socialnämnden").
pub fn check_amount(what: &Msg, ore: i64) -> Result<()> {
    if ore.unsigned_abs() > MAX_AMOUNT.unsigned_abs() {
        return Err(AppError::validation(msg!(
            "{what} är orimligt stort ({} öre). Kontrollera beloppet och enheten (belopp lagras i öre, visas i tkr eller mnkr).",
            "{what} is implausibly large ({} öre). Check the amount and its unit (amounts are stored in öre, shown in tkr or mnkr).",
            ore,
            what = what
        )));
    }
    Ok(())
}

/// Only a nämnd, förvaltning or bolag has a driftredovisning of its own.
pub fn check_operating_unit(unit: &OrgUnit) -> Result<()> {
    match unit.kind {
        UnitKind::Namnd | UnitKind::Forvaltning | UnitKind::Bolag => Ok(()),
        other => Err(AppError::validation(msg!(
            "{} är en {} och har ingen egen driftredovisning. Driftredovisningen görs per nämnd, förvaltning eller bolag.",
            "{} is a {} and has no operating figures of its own. Operating figures are kept per committee, administration or company.",
            unit.name,
            other.label().to_lowercase()
        ))),
    }
}

/// A comment is at most 2 000 characters.
pub fn check_comment(comment: &str) -> Result<()> {
    if comment.chars().count() > MAX_COMMENT_CHARS {
        return Err(AppError::validation(msg!(
            "Kommentaren är för lång (högst {MAX_COMMENT_CHARS} tecken). Korta texten.",
            "The comment is too long (at most {MAX_COMMENT_CHARS} characters). Shorten the text."
        )));
    }
    Ok(())
}

/// The entered line with this key; a sum or an unknown key is refused.
pub fn entered_line(key: &str) -> Result<&'static Line> {
    match statement::line(key) {
        Some(l) if l.kind == LineKind::Entered => Ok(l),
        Some(l) => Err(AppError::validation(msg!(
            "{} är en summa och räknas fram ur sina rader. Fyll i raderna i stället.",
            "{} is a sum and is worked out from its lines. Fill in the lines instead.",
            l.label_sv
        ))),
        None => Err(AppError::validation(msg!(
            "Raden '{key}' finns inte i resultaträkningen, balansräkningen eller balanskravsutredningen.",
            "The line '{key}' is not in the income statement, balance sheet or balance requirement."
        ))),
    }
}

/// A project's name and code, trimmed and checked; its unit must exist.
pub fn check_project(db: Read<'_>, form: &ProjectForm) -> Result<(String, String)> {
    let name = crate::store::non_empty(("Projektets namn", "The project's name"), &form.name)?;
    let code = form.code.trim().to_string();
    if code.chars().count() > 40 || code.chars().any(char::is_control) {
        return Err(AppError::validation(msg!(
            "Projektnumret '{code}' är för långt eller har styrtecken; skriv det som i ekonomisystemet, t.ex. P101.",
            "The project number '{code}' is too long or has control characters; write it as in the finance system, e.g. P101."
        )));
    }
    crate::store::units::get(db, form.org_unit_id)?;
    for (v, what) in [
        (form.budget_total, msg!("Projektets totalbudget", "The project's total budget")),
        (form.budget_year, msg!("Årets budget", "The year's budget")),
    ] {
        if let Some(v) = v {
            check_amount(&what, v)?;
        }
    }
    Ok((name, code))
}

/// A part of a period's economy in words, as the subject of a sentence
/// ("Driftredovisningen för Socialnämnden").
pub fn part_subject(db: Read<'_>, part: EconomyPart, org_unit_id: i64) -> Result<Msg> {
    Ok(match part {
        EconomyPart::Operating => {
            let unit = crate::store::units::get(db, org_unit_id)?;
            msg!("Driftredovisningen för {}", "The operating figures of {}", unit.name)
        }
        EconomyPart::Investments => msg!("Investeringsredovisningen", "The investment figures"),
        EconomyPart::Statements => msg!("Resultat- och balansräkningen", "The income statement and balance sheet"),
    })
}

/// The unit a part's review belongs to: the nämnd or bolag for `operating` (which must be
/// given), the municipality for the others.
pub fn part_unit(db: Read<'_>, part: EconomyPart, org_unit_id: Option<i64>) -> Result<i64> {
    match (part, org_unit_id) {
        (EconomyPart::Operating, Some(id)) => {
            check_operating_unit(&crate::store::units::get(db, id)?)?;
            Ok(id)
        }
        (EconomyPart::Operating, None) => Err(AppError::validation(msg!(
            "Välj vilken nämnd eller vilket bolag driftredovisningen gäller.",
            "Choose which committee or company the operating figures are for."
        ))),
        _ => economy::municipality(db),
    }
}

impl Writer<'_> {
    /// Submit, approve or send back a part of a period's economy: a nämnd's or bolag's
    /// driftredovisning (`org_unit_id`), the investments or the statements. Refused in a
    /// locked period; a part nobody has reviewed is a draft.
    pub fn review_economy(
        &mut self,
        period_id: i64,
        part: EconomyPart,
        org_unit_id: Option<i64>,
        action: &ReviewAction,
    ) -> Result<AssessmentState> {
        crate::store::periods::require_open(self.read(), period_id)?;
        let unit = part_unit(self.read(), part, org_unit_id)?;
        let state = economy::review_state(self.read(), period_id, part, unit)?;
        let subject = part_subject(self.read(), part, unit)?;
        let next = review::next_state_of(&subject, state, action)?;
        let comment = match action {
            ReviewAction::Return { comment } => comment.trim().to_string(),
            _ => String::new(),
        };
        economy::set_review(self, period_id, part, unit, state, next, &comment)?;
        Ok(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;

    #[test]
    fn sums_and_unknown_lines_cannot_be_entered() {
        assert!(entered_line("rr.tax").is_ok());
        assert_eq!(entered_line("rr.result").unwrap_err().code, ErrorCode::Validation);
        assert_eq!(entered_line("rr.nonsense").unwrap_err().code, ErrorCode::Validation);
    }

    #[test]
    fn amounts_beyond_the_bound_are_refused() {
        let what = msg!("Utfall", "Actual");
        assert!(check_amount(&what, MAX_AMOUNT).is_ok());
        assert!(check_amount(&what, -MAX_AMOUNT).is_ok());
        assert_eq!(check_amount(&what, MAX_AMOUNT + 1).unwrap_err().code, ErrorCode::Validation);
        assert_eq!(check_amount(&what, i64::MIN).unwrap_err().code, ErrorCode::Validation);
    }
}
