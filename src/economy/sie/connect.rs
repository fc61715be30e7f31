//! MERGE POINT: the one place where the SIE import meets the economy repository.
//!
//! The economy tables' repository (`store/economy.rs`, with `write_figures`) is built on
//! another branch. When the branches meet, the two bodies below call it:
//! - `stored`: the figures stored for the period (driftredovisning, statements, investments),
//!   as `Figures`, so the preview shows "now → new";
//! - `write`: `store::economy::write_figures(w, period_id, figures, EconomySource::Sie, …)`,
//!   inside the import's transaction (period lock, audit rows and undo as that writer does).
//!
//! Until then the preview shows nothing as stored and applying is refused, so nothing is
//! written half-way.
//!
//! With the economy branch's repository (`operating_of_period`, `statements_of_period`,
//! `follow_ups_of_period`, `write_figures`) the bodies are:
//!
//! ```text
//! fn stored(&self, db: Read<'_>, period_id: i64) -> Result<Figures> {
//!     use crate::economy::figures::{InvestmentFigures, OperatingFigures, StatementFigure};
//!     use crate::store::economy;
//!     let operating = economy::operating_of_period(db, period_id)?.into_iter()
//!         .map(|o| OperatingFigures { org_unit_id: o.org_unit_id, budget_year: o.budget_year,
//!             budget_period: o.budget_period, actual: o.actual, forecast: o.forecast })
//!         .collect();
//!     let statements = economy::statements_of_period(db, period_id)?.into_iter()
//!         .filter_map(|s| crate::economy::statement::line(&s.row_key).map(|l| StatementFigure {
//!             scope: s.scope, row_key: l.key, column: s.column, amount: s.amount }))
//!         .collect();
//!     let investments = economy::follow_ups_of_period(db, period_id)?.into_iter()
//!         .map(|i| InvestmentFigures { project_id: i.project_id, actual: i.actual, forecast: i.forecast })
//!         .collect();
//!     Ok(Figures { operating, statements, investments })
//! }
//!
//! fn write(&self, w: &mut Writer<'_>, period_id: i64, figures: &Figures) -> Result<()> {
//!     // One undo step, as the economy grid's edits are (if the economy tables are journaled).
//!     w.journaled("SIE-import", |w| {
//!         crate::store::economy::write_figures(w, period_id, figures, crate::model::EconomySource::Sie)
//!     })
//!     .map(drop)
//! }
//! ```
//!
//! and `store::sie_map::projects_with_code` can give way to `store::economy::projects_of_year`
//! (filtered to projects with a code).

use super::import::FigureStore;
use crate::economy::figures::Figures;
use crate::error::{AppError, ErrorCode, Result};
use crate::msg;
use crate::store::{Read, Writer};

/// The economy repository, as the SIE import uses it.
pub struct EconomyRepository;

impl FigureStore for EconomyRepository {
    fn stored(&self, _db: Read<'_>, _period_id: i64) -> Result<Figures> {
        // MERGE: read the period's stored figures from store::economy.
        Ok(Figures::default())
    }

    fn write(&self, _w: &mut Writer<'_>, _period_id: i64, _figures: &Figures) -> Result<()> {
        // MERGE: store::economy::write_figures(w, period_id, figures, EconomySource::Sie, …)
        Err(AppError::new(
            ErrorCode::Internal,
            msg!(
                "Den här versionen kan förhandsvisa en SIE-import men inte spara den ännu. Inget har sparats.",
                "This version can preview an SIE import but not save it yet. Nothing has been saved."
            ),
        ))
    }
}
