//! Repository for `sie_account_map` and `sie_object_map`: how an SIE 4 file's accounts and
//! objects map onto the statements' lines, the nämnder and the investment projects, set
//! once and kept between imports. The rules (defaults, overlaps) are in
//! `economy::sie::map`.

use super::sql::{params, OptionalExtension};
use serde_json::json;

use super::{Read, Writer};
use crate::error::Result;

/// One stored account range: first, last, row key.
pub type StoredRange = (u32, u32, String);

/// One stored object mapping: dimension, code, org unit or project code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredObject {
    pub dimension: u32,
    pub code: String,
    pub org_unit_id: Option<i64>,
    pub project_code: Option<String>,
}

/// Every stored account range, by first account.
pub fn account_ranges(db: Read<'_>) -> Result<Vec<StoredRange>> {
    let mut stmt = db.conn().prepare("SELECT first_account, last_account, row_key FROM sie_account_map ORDER BY first_account")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect::<super::sql::Result<Vec<_>>>()?;
    Ok(rows)
}

/// Add an account range (the caller has checked it overlaps no other).
pub fn insert_account_range(w: &mut Writer<'_>, first: u32, last: u32, row_key: &str) -> Result<()> {
    w.tx.execute("INSERT INTO sie_account_map(first_account, last_account, row_key) VALUES (?1, ?2, ?3)", params![first, last, row_key])?;
    w.audit("insert", "sie_account_map", first, None, Some(json!({"first_account": first, "last_account": last, "row_key": row_key})))
}

/// Remove the range starting at `first`; false if there is none.
pub fn delete_account_range(w: &mut Writer<'_>, first: u32) -> Result<bool> {
    let before: Option<StoredRange> = w
        .read()
        .conn()
        .query_row("SELECT first_account, last_account, row_key FROM sie_account_map WHERE first_account=?1", [first], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()?;
    let Some((first, last, row_key)) = before else { return Ok(false) };
    w.tx.execute("DELETE FROM sie_account_map WHERE first_account=?1", [first])?;
    w.audit("delete", "sie_account_map", first, Some(json!({"first_account": first, "last_account": last, "row_key": row_key})), None)?;
    Ok(true)
}

/// Every stored object mapping, by dimension and code.
pub fn objects(db: Read<'_>) -> Result<Vec<StoredObject>> {
    let mut stmt = db
        .conn()
        .prepare("SELECT dimension, object_code, org_unit_id, project_code FROM sie_object_map ORDER BY dimension, object_code")?;
    let rows = stmt
        .query_map([], |r| Ok(StoredObject { dimension: r.get(0)?, code: r.get(1)?, org_unit_id: r.get(2)?, project_code: r.get(3)? }))?
        .collect::<super::sql::Result<Vec<_>>>()?;
    Ok(rows)
}

fn object_json(o: &StoredObject) -> serde_json::Value {
    json!({"dimension": o.dimension, "object_code": o.code, "org_unit_id": o.org_unit_id, "project_code": o.project_code})
}

/// Map an object to an org unit or a project code (exactly one of them), replacing what it
/// mapped to before.
pub fn set_object(w: &mut Writer<'_>, object: &StoredObject) -> Result<()> {
    let before = objects(w.read())?.into_iter().find(|o| o.dimension == object.dimension && o.code == object.code);
    w.tx.execute(
        "INSERT INTO sie_object_map(dimension, object_code, org_unit_id, project_code) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT(dimension, object_code) DO UPDATE SET org_unit_id = excluded.org_unit_id, project_code = excluded.project_code",
        params![object.dimension, object.code, object.org_unit_id, object.project_code],
    )?;
    let key = format!("{}:{}", object.dimension, object.code);
    let action = if before.is_some() { "update" } else { "insert" };
    w.audit(action, "sie_object_map", key, before.as_ref().map(object_json), Some(object_json(object)))
}

/// Remove an object's mapping; false if it had none.
pub fn delete_object(w: &mut Writer<'_>, dimension: u32, code: &str) -> Result<bool> {
    let before = objects(w.read())?.into_iter().find(|o| o.dimension == dimension && o.code == code);
    let Some(before) = before else { return Ok(false) };
    w.tx.execute("DELETE FROM sie_object_map WHERE dimension=?1 AND object_code=?2", params![dimension, code])?;
    w.audit("delete", "sie_object_map", format!("{dimension}:{code}"), Some(object_json(&before)), None)?;
    Ok(true)
}
