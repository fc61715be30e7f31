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

/// What is being reviewed, for the messages: an assessment or a report text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    Assessment,
    /// A report text (Inledning, Verksamhet …), reviewed the same way.
    Text,
}

impl Subject {
    fn the(self) -> Msg {
        match self {
            Subject::Assessment => msg!("Bedömningen", "The assessment"),
            Subject::Text => msg!("Texten", "The text"),
        }
    }
    fn it(self) -> Msg {
        match self {
            Subject::Assessment => msg!("bedömningen", "the assessment"),
            Subject::Text => msg!("texten", "the text"),
        }
    }
    fn approver(self) -> Msg {
        match self {
            Subject::Assessment => msg!("Enheten", "The unit"),
            Subject::Text => msg!("Den som skriver texten", "The writer"),
        }
    }
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
    next_state_of(Subject::Assessment, current, action)
}

/// The state after `action` on `subject` (an assessment or a report text), or why the action
/// does not apply.
pub fn next_state_of(subject: Subject, current: AssessmentState, action: &ReviewAction) -> Result<AssessmentState> {
    use AssessmentState::*;
    match (current, action) {
        (Draft, ReviewAction::Submit) => Ok(Ready),
        (Ready, ReviewAction::Approve) => Ok(Approved),
        (Ready | Approved, ReviewAction::Return { comment }) => {
            if comment.trim().is_empty() {
                Err(AppError::validation(msg!(
                    "Skriv en kommentar som säger vad som behöver ändras innan du skickar tillbaka {}.",
                    "Write a comment that says what needs to change before you send {} back.",
                    subject.it()
                )))
            } else {
                Ok(Draft)
            }
        }
        (Draft, ReviewAction::Approve) => Err(AppError::conflict(msg!(
            "{} är ett utkast. {} behöver markera den som klar för granskning innan den kan godkännas.",
            "{} is a draft. {} needs to mark it as ready for review before it can be approved.",
            subject.the(),
            subject.approver()
        ))),
        (state, action) => Err(AppError::conflict(msg!(
            "{} är {} och kan inte {}.",
            "{} is {} and cannot {}.",
            subject.the(),
            label(state),
            match action {
                ReviewAction::Submit => msg!("skickas till granskning igen", "be sent for review again"),
                ReviewAction::Approve => msg!("godkännas igen", "be approved again"),
                ReviewAction::Return { .. } => msg!("skickas tillbaka", "be sent back"),
            }
        ))),
    }
}

/// Text and step may be changed only while the assessment is a draft.
pub fn editable(state: AssessmentState) -> Result<()> {
    editable_of(Subject::Assessment, state)
}

/// Text (and step) of `subject` may be changed only while it is a draft.
pub fn editable_of(subject: Subject, state: AssessmentState) -> Result<()> {
    match state {
        AssessmentState::Draft => Ok(()),
        other => Err(AppError::conflict(msg!(
            "{} är {} och kan inte ändras. Skicka tillbaka den till utkast först.",
            "{} is {} and cannot be changed. Send it back to draft first.",
            subject.the(),
            label(other)
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
