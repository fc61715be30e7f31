//! Repository for `org_unit`: the organisation (kommun → nämnd/förvaltning → enhet, bolag).

use rusqlite::{OptionalExtension, Row};

use super::Read;
use crate::error::{AppError, Result};
use crate::model::{OrgUnit, UnitNode};

const UNIT_COLUMNS: &str = "id, parent_id, kind, name, kolada_id, sort_order, active";

fn unit_from_row(r: &Row<'_>) -> rusqlite::Result<OrgUnit> {
    Ok(OrgUnit {
        id: r.get(0)?,
        parent_id: r.get(1)?,
        kind: r.get(2)?,
        name: r.get(3)?,
        kolada_id: r.get(4)?,
        sort_order: r.get(5)?,
        active: r.get(6)?,
    })
}

/// True when the database holds no organisation yet.
pub fn is_empty(db: Read<'_>) -> Result<bool> {
    let n: i64 = db.conn().query_row("SELECT COUNT(*) FROM org_unit", [], |r| r.get(0))?;
    Ok(n == 0)
}

/// Every unit, the top unit first, then in their set order.
pub fn all(db: Read<'_>) -> Result<Vec<OrgUnit>> {
    let mut stmt = db.conn().prepare(&format!("SELECT {UNIT_COLUMNS} FROM org_unit ORDER BY parent_id IS NOT NULL, sort_order, name"))?;
    let rows = stmt.query_map([], unit_from_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

pub fn get(db: Read<'_>, id: i64) -> Result<OrgUnit> {
    db.conn()
        .query_row(&format!("SELECT {UNIT_COLUMNS} FROM org_unit WHERE id=?1"), [id], unit_from_row)
        .optional()?
        .ok_or_else(|| AppError::not_found(format!("Enheten med id {id} finns inte.")))
}

/// The organisation as a tree, top unit first, children in their set order.
pub fn tree(db: Read<'_>) -> Result<Vec<UnitNode>> {
    let units = all(db)?;
    fn build(parent: Option<i64>, units: &[OrgUnit], depth: usize) -> Vec<UnitNode> {
        if depth > 64 {
            return Vec::new();
        }
        let mut children: Vec<&OrgUnit> = units.iter().filter(|u| u.parent_id == parent).collect();
        children.sort_by(|a, b| a.sort_order.cmp(&b.sort_order).then_with(|| a.name.cmp(&b.name)));
        children.into_iter().map(|u| UnitNode { unit: u.clone(), children: build(Some(u.id), units, depth + 1) }).collect()
    }
    Ok(build(None, &units, 0))
}

/// Find a unit by id or by name (exact, case-insensitive; else a unique partial match).
pub fn resolve(db: Read<'_>, name_or_id: &str) -> Result<OrgUnit> {
    let wanted = name_or_id.trim();
    if let Ok(id) = wanted.parse::<i64>() {
        return get(db, id);
    }
    let units = all(db)?;
    let lower = wanted.to_lowercase();
    let exact: Vec<&OrgUnit> = units.iter().filter(|u| u.name.to_lowercase() == lower).collect();
    if exact.len() == 1 {
        return Ok(exact[0].clone());
    }
    let partial: Vec<&OrgUnit> = units.iter().filter(|u| u.name.to_lowercase().contains(&lower)).collect();
    match partial.len() {
        1 if !lower.is_empty() => Ok(partial[0].clone()),
        0 => Err(AppError::not_found(format!("Ingen enhet heter '{wanted}'. Se alla enheter med kommandot 'units'."))),
        _ => Err(AppError::validation(format!(
            "'{wanted}' passar flera enheter: {}. Skriv hela namnet eller enhetens id.",
            partial.iter().map(|u| format!("{} (id {})", u.name, u.id)).collect::<Vec<_>>().join(", ")
        ))),
    }
}

// ---------------------------------------------------------------------------
// Branches of the organisation, and the top unit's name.

/// A unit and every unit below it, inactive ones included (ids, the unit first). The one
/// way to ask "which units lie below this one".
pub fn branch(db: Read<'_>, unit_id: i64) -> Result<Vec<i64>> {
    get(db, unit_id)?;
    let mut stmt = db.conn().prepare_cached(
        "WITH RECURSIVE below(id) AS (SELECT ?1 UNION SELECT o.id FROM org_unit o JOIN below b ON o.parent_id = b.id)
         SELECT id FROM below",
    )?;
    let rows = stmt.query_map([unit_id], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// The name of the top unit (the kommun), if there is one.
pub fn top_name(db: Read<'_>) -> Result<Option<String>> {
    Ok(db.conn().query_row("SELECT name FROM org_unit WHERE parent_id IS NULL ORDER BY id LIMIT 1", [], |r| r.get(0)).optional()?)
}
