//! Economy follow-up (issue 15): driftredovisning per nämnd/förvaltning and bolag,
//! investeringsredovisning, the municipality's resultaträkning, balansräkning and
//! balanskravsutredning, for a follow-up period.
//!
//! Amounts are exact `i64` öre (hundredths of a krona), signed as in the resultaträkning:
//! revenue positive, costs negative; balance-sheet lines positive on both sides. Avvikelse is
//! prognos − budget, so a positive deviation is better than budget. Investments are money
//! spent (positive), so their avvikelse is budget − prognos, again positive when better. The
//! SQL lives in `store/economy.rs`.
//!
//! - `figures`: what an import brings (SIE 4, Excel, the demo seed), written by
//!   `store::economy::write_figures` in one transaction.
//! - `statement`: the RR/BR/balanskrav line catalogue and its sums.
//! - `amount`: amounts shown and typed in tkr or mnkr, exactly (no floating point).
//! - `rules`: which units carry a driftredovisning, bounds, review of a part, undoable edits.
//! - `grid`: the window's economy grid (typing and pasting blocks).
//! - `report`: everything a report prints for a period (`of_period`), and `text` for the CLI.

pub mod amount;
pub mod figures;
pub mod grid;
pub mod report;
pub mod rules;
pub mod sie;
pub mod statement;
pub mod template;
pub mod text;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::model::{AssessmentState, EconomyPart, EconomySource, StatementColumn, StatementScope};

pub use amount::AmountUnit;

/// A nämnd's, förvaltning's or bolag's stored driftredovisning for one period (öre).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct OperatingRow {
    pub org_unit_id: i64,
    pub budget_year: Option<i64>,
    pub budget_period: Option<i64>,
    pub actual: Option<i64>,
    pub forecast: Option<i64>,
    pub comment: String,
    pub source: EconomySource,
}

/// An investment project of a plan year (amounts in öre, money spent positive).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct InvestmentProject {
    pub id: i64,
    pub plan_year: i32,
    pub org_unit_id: i64,
    /// The project's number in the ekonomisystem (SIE dimension 6), e.g. "P101".
    pub code: String,
    pub name: String,
    pub budget_total: Option<i64>,
    pub budget_year: Option<i64>,
    pub sort_order: i64,
}

/// A new investment project, or the fields of one to change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ProjectForm {
    pub plan_year: i32,
    pub org_unit_id: i64,
    pub code: String,
    pub name: String,
    pub budget_total: Option<i64>,
    pub budget_year: Option<i64>,
}

/// An investment project's stored follow-up for one period (öre).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct InvestmentFollowUp {
    pub project_id: i64,
    pub actual: Option<i64>,
    pub forecast: Option<i64>,
    pub comment: String,
    pub source: EconomySource,
}

/// One stored amount of the resultaträkning, balansräkning or balanskravsutredning (öre).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct StatementAmount {
    pub scope: StatementScope,
    pub row_key: String,
    pub column: StatementColumn,
    pub amount: i64,
    pub source: EconomySource,
}

/// The review state of one part of a period's economy. A part nobody has reviewed is a draft.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct PartReview {
    pub part: EconomyPart,
    /// The nämnd or bolag for `operating`, the municipality (top unit) for the other parts.
    pub org_unit_id: i64,
    pub state: AssessmentState,
    pub review_comment: String,
    pub changed_at: Option<String>,
    pub changed_by: Option<String>,
}
