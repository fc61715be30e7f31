//! Planning: building and changing the steering model between follow-ups — organisation,
//! plan years (copy forward), vision and perspectives, goals, indicators, activities,
//! assessment scales — with undo of the last changes, and search.
//!
//! Every planning change is wrapped in `Writer::journaled`, which makes it one undo step: the
//! store records the rows it touches (see `store::journal`).

pub mod forms;
pub mod goals;
pub mod plan_year;
pub mod search;
pub mod units;

pub use crate::store::journal::{undoable_changes, UndoableChange};
pub use goals::{DeleteGoalPreview, LooseGoal};
pub use plan_year::CopyPreview;
pub use search::{search, SearchHit, SearchKind};
