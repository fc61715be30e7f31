//! The review flow of an assessment: utkast → klar för granskning → godkänd, and back
//! to utkast with a comment. A pure state machine, table-tested.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{AppError, Msg, Result};
use crate::model::AssessmentState;
use crate::msg;

/// What a person does to an assessment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "action", rename_all = "snake_case")]
#[ts(export)]
pub enum ReviewAction {
    /// The unit says it is done: utkast → klar för granskning.
    Submit,
    /// The coordinator approves: klar för granskning → godkänd.
    Approve,
    /// The coordinator sends it back with a comment: klar/godkänd → utkast.
    Return { comment: String },
}

fn label(s: AssessmentState) -> Msg {
    match s {
        AssessmentState::Draft => msg!("ett utkast", "a draft"),
        AssessmentState::Ready => msg!("klar för granskning", "ready for review"),
        AssessmentState::Approved => msg!("godkänd", "approved"),
    }
}

/// The state after `action`, or why the action does not apply.
pub fn next_state(current: AssessmentState, action: &ReviewAction) -> Result<AssessmentState> {
    next_state_of(&msg!("Bedömningen", "The assessment"), current, action)
}

/// [`next_state`] for anything reviewed the same way (a nämnd's driftredovisning, the
/// investments, the statements): `subject` names it in messages ("Bedömningen", "The
/// assessment": a definite noun that can start a sentence).
pub fn next_state_of(subject: &Msg, current: AssessmentState, action: &ReviewAction) -> Result<AssessmentState> {
    use AssessmentState::*;
    match (current, action) {
        (Draft, ReviewAction::Submit) => Ok(Ready),
        (Ready, ReviewAction::Approve) => Ok(Approved),
        (Ready | Approved, ReviewAction::Return { comment }) => {
            if comment.trim().is_empty() {
                Err(AppError::validation(msg!(
                    "Skriv en kommentar som säger vad som behöver ändras innan du skickar tillbaka {}.",
                    "Write a comment that says what needs to change before you send {} back.",
                    subject.to_lowercase()
                )))
            } else {
                Ok(Draft)
            }
        }
        (Draft, ReviewAction::Approve) => Err(AppError::conflict(msg!(
            "{subject} är ett utkast. Den behöver markeras som klar för granskning innan den kan godkännas.",
            "{subject} is a draft. It needs to be marked as ready for review before it can be approved.",
            subject = subject
        ))),
        (state, action) => Err(AppError::conflict(msg!(
            "{subject} är {} och kan inte {}.",
            "{subject} is {} and cannot {}.",
            label(state),
            match action {
                ReviewAction::Submit => msg!("skickas till granskning igen", "be sent for review again"),
                ReviewAction::Approve => msg!("godkännas igen", "be approved again"),
                ReviewAction::Return { .. } => msg!("skickas tillbaka", "be sent back"),
            },
            subject = subject
        ))),
    }
}

/// Text and step may be changed only while the assessment is a draft.
pub fn editable(state: AssessmentState) -> Result<()> {
    editable_of(&msg!("Bedömningen", "The assessment"), state)
}

/// [`editable`] for anything reviewed the same way; `subject` as in [`next_state_of`].
pub fn editable_of(subject: &Msg, state: AssessmentState) -> Result<()> {
    match state {
        AssessmentState::Draft => Ok(()),
        other => Err(AppError::conflict(msg!(
            "{subject} är {} och kan inte ändras. Skicka tillbaka den till utkast först.",
            "{subject} is {} and cannot be changed. Send it back to draft first.",
            label(other),
            subject = subject
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;
    use AssessmentState::*;

    #[test]
    fn transitions_table() {
        let ret = || ReviewAction::Return { comment: "Komplettera analysen med orsaker.".into() };
        let cases: Vec<(AssessmentState, ReviewAction, std::result::Result<AssessmentState, ErrorCode>)> = vec![
            (Draft, ReviewAction::Submit, Ok(Ready)),
            (Ready, ReviewAction::Approve, Ok(Approved)),
            (Ready, ret(), Ok(Draft)),
            (Approved, ret(), Ok(Draft)),
            (Draft, ReviewAction::Approve, Err(ErrorCode::Conflict)),
            (Draft, ret(), Err(ErrorCode::Conflict)),
            (Ready, ReviewAction::Submit, Err(ErrorCode::Conflict)),
            (Approved, ReviewAction::Approve, Err(ErrorCode::Conflict)),
            (Approved, ReviewAction::Submit, Err(ErrorCode::Conflict)),
            (Ready, ReviewAction::Return { comment: "  ".into() }, Err(ErrorCode::Validation)),
        ];
        for (from, action, expected) in cases {
            let got = next_state(from, &action).map_err(|e| e.code);
            assert_eq!(got, expected, "{from:?} {action:?}");
        }
    }

    #[test]
    fn only_drafts_are_editable() {
        assert!(editable(Draft).is_ok());
        assert_eq!(editable(Ready).unwrap_err().code, ErrorCode::Conflict);
        assert!(editable(Approved).unwrap_err().message.contains("godkänd"));
    }
}
