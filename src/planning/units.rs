//! Organisation changes: rename, move, deactivate and reactivate a unit. History stays:
//! a unit is never deleted here, and an inactive unit is still listed in the tree.

use rusqlite::{params, OptionalExtension};

use crate::error::{AppError, Result};
use crate::model::UnitKind;
use crate::store::non_empty;
use crate::store::Writer;

impl Writer<'_> {
    fn unit_row(&self, id: i64) -> Result<(UnitKind, String, Option<i64>)> {
        self.tx
            .query_row("SELECT kind, name, parent_id FROM org_unit WHERE id=?1", [id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .optional()?
            .ok_or_else(|| AppError::not_found(format!("Enheten (id {id}) finns inte.")))
    }

    pub fn rename_unit(&mut self, id: i64, name: &str) -> Result<()> {
        let name = non_empty("Enhetens namn", name)?;
        self.unit_row(id)?;
        self.journaled(&format!("Byt namn på enhet till {name}"), |w| {
            w.tx.execute("UPDATE org_unit SET name=?2 WHERE id=?1", params![id, name])?;
            Ok(())
        })
    }

    /// Move a unit (with everything below it) under another unit, last among its siblings.
    /// The kommun cannot be moved, and no unit can be moved under itself or a unit below it.
    pub fn move_unit(&mut self, id: i64, new_parent_id: i64) -> Result<()> {
        let (kind, name, _) = self.unit_row(id)?;
        if kind == UnitKind::Kommun {
            return Err(AppError::validation(format!("{name} är kommunen överst i organisationen och kan inte flyttas.")));
        }
        let (_, parent_name, _) = self.unit_row(new_parent_id)?;
        let below: bool = self.tx.query_row(
            "WITH RECURSIVE below(id) AS (SELECT ?1 UNION SELECT o.id FROM org_unit o JOIN below b ON o.parent_id = b.id)
             SELECT EXISTS(SELECT 1 FROM below WHERE id = ?2)",
            params![id, new_parent_id],
            |r| r.get(0),
        )?;
        if below {
            return Err(AppError::conflict(format!(
                "{name} kan inte flyttas till {parent_name}, eftersom {parent_name} ligger under {name} (eller är samma enhet). Välj en enhet utanför den här grenen."
            )));
        }
        self.journaled(&format!("Flytta {name} till {parent_name}"), |w| {
            let sort: i64 =
                w.tx.query_row("SELECT COALESCE(MAX(sort_order), 0) + 1 FROM org_unit WHERE parent_id = ?1", [new_parent_id], |r| {
                    r.get(0)
                })?;
            w.tx.execute("UPDATE org_unit SET parent_id=?2, sort_order=?3 WHERE id=?1", params![id, new_parent_id, sort])?;
            Ok(())
        })
    }

    /// Deactivate or reactivate a unit. Goals, indicators, values and assessments stay.
    pub fn set_unit_active(&mut self, id: i64, active: bool) -> Result<()> {
        let (kind, name, _) = self.unit_row(id)?;
        if kind == UnitKind::Kommun && !active {
            return Err(AppError::validation(format!("{name} är kommunen överst i organisationen och kan inte inaktiveras.")));
        }
        let label = if active { format!("Aktivera {name}") } else { format!("Inaktivera {name}") };
        self.journaled(&label, |w| {
            w.tx.execute("UPDATE org_unit SET active=?2 WHERE id=?1", params![id, active])?;
            Ok(())
        })
    }
}
