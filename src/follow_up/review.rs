//! The review flow of an assessment: utkast → klar för granskning → godkänd, and back
//! to utkast with a comment. A pure state machine, table-tested.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{AppError, Result};
use crate::model::AssessmentState;

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

fn label(s: AssessmentState) -> &'static str {
    match s {
        AssessmentState::Draft => "ett utkast",
        AssessmentState::Ready => "klar för granskning",
        AssessmentState::Approved => "godkänd",
    }
}

/// The state after `action`, or why the action does not apply.
pub fn next_state(current: AssessmentState, action: &ReviewAction) -> Result<AssessmentState> {
    use AssessmentState::*;
    match (current, action) {
        (Draft, ReviewAction::Submit) => Ok(Ready),
        (Ready, ReviewAction::Approve) => Ok(Approved),
        (Ready | Approved, ReviewAction::Return { comment }) => {
            if comment.trim().is_empty() {
                Err(AppError::validation("Skriv en kommentar som säger vad som behöver ändras innan du skickar tillbaka bedömningen."))
            } else {
                Ok(Draft)
            }
        }
        (Draft, ReviewAction::Approve) => Err(AppError::conflict(
            "Bedömningen är ett utkast. Enheten behöver markera den som klar för granskning innan den kan godkännas.",
        )),
        (state, action) => Err(AppError::conflict(format!(
            "Bedömningen är {} och kan inte {}.",
            label(state),
            match action {
                ReviewAction::Submit => "skickas till granskning igen",
                ReviewAction::Approve => "godkännas igen",
                ReviewAction::Return { .. } => "skickas tillbaka",
            }
        ))),
    }
}

/// Text and step may be changed only while the assessment is a draft.
pub fn editable(state: AssessmentState) -> Result<()> {
    match state {
        AssessmentState::Draft => Ok(()),
        other => {
            Err(AppError::conflict(format!("Bedömningen är {} och kan inte ändras. Skicka tillbaka den till utkast först.", label(other))))
        }
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
