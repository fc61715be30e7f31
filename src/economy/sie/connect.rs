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
