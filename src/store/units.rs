//! Repository for `org_unit`: the organisation (kommun → nämnd/förvaltning → enhet, bolag).

use super::sql::{params, OptionalExtension, Row};
use serde_json::json;

use super::{exists, non_empty, Read, Writer};
use crate::error::{AppError, Result};
use crate::model::{NewUnit, OrgUnit, UnitKind, UnitNode};
use crate::msg;

const UNIT_COLUMNS: &str = "id, parent_id, kind, name, kolada_id, sort_order, active";

fn unit_from_row(r: &Row<'_>) -> super::sql::Result<OrgUnit> {
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
    let mut stmt =
        db.conn().prepare(&format!("SELECT {UNIT_COLUMNS} FROM org_unit ORDER BY parent_id IS NOT NULL, sort_order, name, id"))?;
    let rows = stmt.query_map([], unit_from_row)?.collect::<super::sql::Result<Vec<_>>>()?;
    Ok(rows)
}

pub fn get(db: Read<'_>, id: i64) -> Result<OrgUnit> {
    db.conn()
        .query_row(&format!("SELECT {UNIT_COLUMNS} FROM org_unit WHERE id=?1"), [id], unit_from_row)
        .optional()?
        .ok_or_else(|| AppError::not_found(msg!("Enheten med id {id} finns inte.", "The unit with id {id} does not exist.")))
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
        0 => Err(AppError::not_found(msg!(
            "Ingen enhet heter '{wanted}'. Se alla enheter med kommandot 'units'.",
            "No unit is called '{wanted}'. See all units with the command 'units'."
        ))),
        _ => Err(AppError::validation(msg!(
            "'{wanted}' passar flera enheter: {}. Skriv hela namnet eller enhetens id.",
            "'{wanted}' matches several units: {}. Write the full name or the unit's id.",
            partial.iter().map(|u| format!("{} (id {})", u.name, u.id)).collect::<Vec<_>>().join(", ")
        ))),
    }
}

// Planning writes and the reads they need.

/// Add a unit last among its siblings. Only the kommun has no parent, and there is one.
pub fn insert(w: &mut Writer<'_>, u: NewUnit) -> Result<i64> {
    let name = non_empty(("Namnet", "The name"), &u.name)?;
    match (u.parent_id, u.kind) {
        (None, UnitKind::Kommun) => {
            if exists(w.tx, "SELECT 1 FROM org_unit WHERE parent_id IS NULL AND kind = ?1", UnitKind::Kommun)? {
                return Err(AppError::conflict(msg!(
                    "Det finns redan en kommun överst i organisationen. Lägg den nya enheten under den.",
                    "There is already a municipality at the top of the organisation. Place the new unit under it."
                )));
            }
        }
        (None, _) => {
            return Err(AppError::validation(msg!(
                "Välj vilken enhet den nya enheten ska ligga under.",
                "Choose the unit the new unit should be placed under."
            )))
        }
        (Some(p), _) => {
            if !exists(w.tx, "SELECT 1 FROM org_unit WHERE id=?1", p)? {
                return Err(AppError::not_found(msg!(
                    "Den överordnade enheten (id {p}) finns inte.",
                    "The parent unit (id {p}) does not exist."
                )));
            }
        }
    }
    let sort = next_sort(w.read(), u.parent_id)?;
    let inserted_id = w.tx.insert_returning_id(
        "INSERT INTO org_unit(parent_id, kind, name, kolada_id, sort_order) VALUES (?1,?2,?3,?4,?5) RETURNING id",
        params![u.parent_id, u.kind, name, u.kolada_id, sort],
    )?;
    let id = inserted_id;
    w.audit("insert", "org_unit", id, None, Some(json!({"parent_id": u.parent_id, "kind": u.kind, "name": name})))?;
    Ok(id)
}

/// The sort order that puts a unit last under `parent_id`.
fn next_sort(db: Read<'_>, parent_id: Option<i64>) -> Result<i64> {
    Ok(db.conn().query_row(
        "SELECT COALESCE(MAX(sort_order), 0) + 1 FROM org_unit WHERE parent_id IS NOT DISTINCT FROM ?1",
        [parent_id],
        |r| r.get(0),
    )?)
}

/// The unit and every unit below it, in tree order (parents before children, siblings in
/// their set order), each with its depth below `id` (0 for the unit itself). Without
/// `inactive`, an inactive unit below `id` is left out with everything under it. The one way
/// to ask for "the units below a unit".
pub fn below(db: Read<'_>, id: i64, inactive: bool) -> Result<Vec<(OrgUnit, usize)>> {
    fn find(nodes: &[UnitNode], id: i64) -> Option<&UnitNode> {
        nodes.iter().find_map(|n| if n.unit.id == id { Some(n) } else { find(&n.children, id) })
    }
    fn walk(node: &UnitNode, depth: usize, inactive: bool, out: &mut Vec<(OrgUnit, usize)>) {
        out.push((node.unit.clone(), depth));
        for c in node.children.iter().filter(|c| inactive || c.unit.active) {
            walk(c, depth + 1, inactive, out);
        }
    }
    let tree = tree(db)?;
    let node = find(&tree, id)
        .ok_or_else(|| AppError::not_found(msg!("Enheten med id {id} finns inte.", "The unit with id {id} does not exist.")))?;
    let mut out = Vec::new();
    walk(node, 0, inactive, &mut out);
    Ok(out)
}

/// The ids of the unit and every unit below it, inactive ones included.
pub fn branch(db: Read<'_>, id: i64) -> Result<Vec<i64>> {
    Ok(below(db, id, true)?.into_iter().map(|(u, _)| u.id).collect())
}

/// Rename a unit (the name is checked by the caller).
pub fn rename(w: &mut Writer<'_>, id: i64, name: &str) -> Result<()> {
    let before = get(w.read(), id)?;
    w.tx.execute("UPDATE org_unit SET name=?2 WHERE id=?1", params![id, name])?;
    w.audit("update", "org_unit", id, Some(json!({"name": before.name})), Some(json!({"name": name})))
}

/// Move a unit (with its branch) last under `parent_id`.
pub fn move_under(w: &mut Writer<'_>, id: i64, parent_id: i64) -> Result<()> {
    let before = get(w.read(), id)?;
    let sort = next_sort(w.read(), Some(parent_id))?;
    w.tx.execute("UPDATE org_unit SET parent_id=?2, sort_order=?3 WHERE id=?1", params![id, parent_id, sort])?;
    w.audit("update", "org_unit", id, Some(json!({"parent_id": before.parent_id})), Some(json!({"parent_id": parent_id})))
}

/// Deactivate or reactivate a unit.
pub fn set_active(w: &mut Writer<'_>, id: i64, active: bool) -> Result<()> {
    w.tx.execute("UPDATE org_unit SET active=?2 WHERE id=?1", params![id, active])?;
    w.audit("update", "org_unit", id, None, Some(json!({"active": active})))
}

// ---------------------------------------------------------------------------
// The top unit's name.

/// The name of the top unit (the kommun), if there is one.
pub fn top_name(db: Read<'_>) -> Result<Option<String>> {
    Ok(db.conn().query_row("SELECT name FROM org_unit WHERE parent_id IS NULL ORDER BY id LIMIT 1", [], |r| r.get(0)).optional()?)
}

/// The id of the top unit (the kommun), if there is one.
pub fn top_id(db: Read<'_>) -> Result<Option<i64>> {
    Ok(db.conn().query_row("SELECT id FROM org_unit WHERE parent_id IS NULL ORDER BY id LIMIT 1", [], |r| r.get(0)).optional()?)
}
