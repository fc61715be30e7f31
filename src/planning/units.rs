//! Organisation changes: rename, move, deactivate and reactivate a unit. History stays:
//! a unit is never deleted here, and an inactive unit is still listed in the tree.

use crate::error::{AppError, Result};
use crate::model::UnitKind;
use crate::msg;
use crate::store::{non_empty, units, Writer};

impl Writer<'_> {
    pub fn rename_unit(&mut self, id: i64, name: &str) -> Result<()> {
        let name = non_empty(("Enhetens namn", "The unit's name"), name)?;
        units::get(self.read(), id)?;
        self.journaled(&format!("Byt namn på enhet till {name}"), |w| units::rename(w, id, &name))
    }

    /// Move a unit (with everything below it) under another unit, last among its siblings.
    /// The kommun cannot be moved, and no unit can be moved under itself or a unit below it.
    pub fn move_unit(&mut self, id: i64, new_parent_id: i64) -> Result<()> {
        let unit = units::get(self.read(), id)?;
        if unit.kind == UnitKind::Kommun {
            return Err(AppError::validation(msg!(
                "{} är kommunen överst i organisationen och kan inte flyttas.",
                "{} is the municipality at the top of the organisation and cannot be moved.",
                unit.name
            )));
        }
        let parent = units::get(self.read(), new_parent_id)?;
        if units::branch(self.read(), id)?.contains(&new_parent_id) {
            let (name, parent_name) = (&unit.name, &parent.name);
            return Err(AppError::conflict(msg!(
                "{name} kan inte flyttas till {parent_name}, eftersom {parent_name} ligger under {name} (eller är samma enhet). Välj en enhet utanför den här grenen.", "{name} cannot be moved to {parent_name}, because {parent_name} is below {name} (or is the same unit). Choose a unit outside this branch."
            )));
        }
        self.journaled(&format!("Flytta {} till {}", unit.name, parent.name), |w| units::move_under(w, id, new_parent_id))
    }

    /// Deactivate or reactivate a unit. Goals, indicators, values and assessments stay.
    pub fn set_unit_active(&mut self, id: i64, active: bool) -> Result<()> {
        let unit = units::get(self.read(), id)?;
        if unit.kind == UnitKind::Kommun && !active {
            return Err(AppError::validation(msg!(
                "{} är kommunen överst i organisationen och kan inte inaktiveras.",
                "{} is the municipality at the top of the organisation and cannot be deactivated.",
                unit.name
            )));
        }
        let label = if active { format!("Aktivera {}", unit.name) } else { format!("Inaktivera {}", unit.name) };
        self.journaled(&label, |w| units::set_active(w, id, active))
    }
}
