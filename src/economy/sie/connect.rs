//! The one place where the SIE import meets the economy repository (`store/economy.rs`):
//! the figures stored for the period, so the preview shows "now → new", and the write,
//! through `write_figures` inside the import's transaction (period lock, review state, audit
//! rows) as one undo step.

use super::import::FigureStore;
use crate::economy::figures::{Figures, InvestmentFigures, OperatingFigures, StatementFigure};
use crate::error::Result;
use crate::model::EconomySource;
use crate::store::{economy, Read, Writer};

/// The economy repository, as the SIE import uses it.
pub struct EconomyRepository;

impl FigureStore for EconomyRepository {
    fn stored(&self, db: Read<'_>, period_id: i64) -> Result<Figures> {
        let operating = economy::operating_of_period(db, period_id)?
            .into_iter()
            .map(|o| OperatingFigures {
                org_unit_id: o.org_unit_id,
                budget_year: o.budget_year,
                budget_period: o.budget_period,
                actual: o.actual,
                forecast: o.forecast,
            })
            .collect();
        let statements = economy::statements_of_period(db, period_id)?
            .into_iter()
            .filter_map(|s| {
                crate::economy::statement::line(&s.row_key).map(|l| StatementFigure {
                    scope: s.scope,
                    row_key: l.key,
                    column: s.column,
                    amount: s.amount,
                })
            })
            .collect();
        let investments = economy::follow_ups_of_period(db, period_id)?
            .into_iter()
            .map(|i| InvestmentFigures { project_id: i.project_id, actual: i.actual, forecast: i.forecast })
            .collect();
        Ok(Figures { operating, statements, investments })
    }

    fn write(&self, w: &mut Writer<'_>, period_id: i64, figures: &Figures) -> Result<()> {
        // One undo step, as the economy grid's edits are.
        w.journaled("SIE-import", |w| economy::write_figures(w, period_id, figures, EconomySource::Sie)).map(drop)
    }
}
