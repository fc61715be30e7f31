//! Repository for `setting`: key–value settings (report settings, Kolada settings, the
//! name changes are recorded under, the database's identity).

use super::sql::{params, OptionalExtension};
use serde_json::Value;

use super::{Read, Writer};
use crate::error::{AppError, ErrorCode, Result};
use crate::msg;

pub fn get(db: Read<'_>, key: &str) -> Result<Option<String>> {
    Ok(db.conn().query_row("SELECT value FROM setting WHERE key=?1", [key], |r| r.get(0)).optional()?)
}

/// Set a setting, with an audit row holding the value before and after.
pub fn set(w: &mut Writer<'_>, key: &str, value: &str) -> Result<()> {
    let before = get(w.read(), key)?;
    w.tx.execute(
        "INSERT INTO setting(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        params![key, value],
    )?;
    w.audit(if before.is_some() { "update" } else { "insert" }, "setting", key, before.map(Value::from), Some(Value::from(value)))
}

/// The identity of this database (setting `database_id`, made by migration 0002), which
/// copies keep and exchange files and value templates carry.
pub fn database_id(db: Read<'_>) -> Result<String> {
    get(db, "database_id")?.ok_or_else(|| {
        AppError::new(
            ErrorCode::Internal,
            msg!("Databasen saknar sin identitet (inställningen database_id). Öppna den med den här versionen av Styrkort så läggs den till.", "The database lacks its identity (the setting database_id). Open it with this version of Styrkort and it is added."),
        )
    })
}
