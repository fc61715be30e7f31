//! Figures as they arrive from outside (an SIE 4 file, an Excel template, the demo seed),
//! before they are written. An importer produces `Figures`; the economy repository writes
//! them in one transaction (`store::economy::write_figures`). `None` leaves a stored figure
//! as it is.

use crate::model::{StatementColumn, StatementScope};

/// A nämnd's, förvaltning's or bolag's driftredovisning for one period (öre).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperatingFigures {
    pub org_unit_id: i64,
    pub budget_year: Option<i64>,
    pub budget_period: Option<i64>,
    pub actual: Option<i64>,
    pub forecast: Option<i64>,
}

/// One line of the resultaträkning or balansräkning (or an entered line of the
/// balanskravsutredning) in one column (öre). `row_key` is a key of `statement::LINES`
/// whose kind is `LineKind::Entered`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementFigure {
    pub scope: StatementScope,
    pub row_key: &'static str,
    pub column: StatementColumn,
    pub amount: i64,
}

/// An investment project's follow-up for one period (öre, money spent positive: the
/// avvikelse is budget − prognos), by the project's id (`store::economy::projects_of_year`;
/// a project's `code` is its number in SIE dimension 6).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvestmentFigures {
    pub project_id: i64,
    pub actual: Option<i64>,
    pub forecast: Option<i64>,
}

/// Everything one import brings for one period.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Figures {
    pub operating: Vec<OperatingFigures>,
    pub statements: Vec<StatementFigure>,
    pub investments: Vec<InvestmentFigures>,
}
