//! Planning: building and changing the steering model between follow-ups — organisation,
//! plan years (copy forward), vision and perspectives, goals, indicators, activities,
//! assessment scales — with undo of the last changes, and search.
//!
//! Every planning change is a `Writer` method wrapped in [`Writer::journaled`]: the rows it
//! may touch are read before and after the change and stored in one `audit_log` row
//! (entity `planning`, `before`/`after` = the row images). [`Writer::undo_last`] puts the
//! before-images back (deleted rows return with their ids and links) after checking that
//! nothing has changed those rows since, and records the undo as its own audit row
//! (entity `planning_undo`, entity id = the undone audit row).

pub mod forms;
pub mod goals;
pub mod plan_year;
pub mod search;
pub mod units;

use std::collections::BTreeMap;

use rusqlite::{types::ValueRef, OptionalExtension};
use serde_json::{json, Map, Value};

use crate::error::{AppError, Result};
use crate::store::{Store, Writer};

pub use goals::{ActivityEdit, DeleteGoalPreview, GoalEdit, IndicatorEdit, LooseGoal};
pub use plan_year::CopyPreview;
pub use search::{search, SearchHit, SearchKind};

/// Tables a planning change may touch, parents before children. Undo deletes in reverse
/// order and restores in this order, so foreign keys always hold.
const TABLES: &[(&str, &[&str])] = &[
    ("org_unit", &["id"]),
    ("assessment_scale", &["id"]),
    ("assessment_step", &["scale_id", "step"]),
    ("plan_year", &["year"]),
    ("perspective", &["id"]),
    ("goal", &["id"]),
    ("goal_link", &["child_goal_id", "parent_goal_id"]),
    ("indicator", &["id"]),
    ("indicator_target", &["indicator_id", "year"]),
    ("goal_indicator", &["goal_id", "indicator_id"]),
    ("follow_up_period", &["id"]),
    ("activity", &["id"]),
    ("activity_goal", &["activity_id", "goal_id"]),
    ("activity_follow_up", &["activity_id", "period_id"]),
    ("assessment", &["goal_id", "org_unit_id", "period_id"]),
];

/// A set of rows: a table and an SQL condition on it (built only from numbers we hold).
pub(crate) type Scope = (&'static str, String);

type Row = Map<String, Value>;
type Image = BTreeMap<String, Vec<Row>>;

fn key_columns(table: &str) -> Result<&'static [&'static str]> {
    TABLES
        .iter()
        .find(|(t, _)| *t == table)
        .map(|(_, k)| *k)
        .ok_or_else(|| AppError::new(crate::error::ErrorCode::Internal, format!("Tabellen {table} kan inte ångras.")))
}

fn row_key(table: &str, row: &Row) -> Result<String> {
    let keys = key_columns(table)?;
    Ok(keys.iter().map(|k| row.get(*k).map(Value::to_string).unwrap_or_default()).collect::<Vec<_>>().join("/"))
}

fn json_of(v: ValueRef<'_>) -> Value {
    match v {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(i) => json!(i),
        ValueRef::Real(f) => json!(f),
        ValueRef::Text(t) => Value::from(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Blob(b) => Value::from(b.iter().map(|x| format!("{x:02x}")).collect::<String>()),
    }
}

/// `k1 = ?1 AND k2 = ?2 …` for a table's key columns, with the row's values to bind.
fn key_match(keys: &[&str], row: &Row) -> (String, Vec<rusqlite::types::Value>) {
    let condition = keys.iter().enumerate().map(|(i, k)| format!("{k} = ?{}", i + 1)).collect::<Vec<_>>().join(" AND ");
    let values = keys.iter().map(|k| sql_of(row.get(*k).unwrap_or(&Value::Null))).collect();
    (condition, values)
}

fn sql_of(v: &Value) -> rusqlite::types::Value {
    use rusqlite::types::Value as Sql;
    match v {
        Value::Null => Sql::Null,
        Value::Bool(b) => Sql::Integer(i64::from(*b)),
        Value::Number(n) => match n.as_i64() {
            Some(i) if !n.is_f64() => Sql::Integer(i),
            _ => Sql::Real(n.as_f64().unwrap_or(0.0)),
        },
        Value::String(s) => Sql::Text(s.clone()),
        other => Sql::Text(other.to_string()),
    }
}

/// The label of a change that can be undone, newest first.
#[derive(Debug, Clone, PartialEq, serde::Serialize, ts_rs::TS)]
#[ts(export)]
pub struct UndoableChange {
    pub audit_id: i64,
    pub label: String,
    pub at: String,
    pub user: String,
}

/// The planning changes that can still be undone, newest first (at most `limit`).
pub fn undoable_changes(store: &Store, limit: usize) -> Result<Vec<UndoableChange>> {
    let mut stmt = store.conn().prepare(
        "SELECT id, entity_id, at, user_name FROM audit_log WHERE entity='planning'
         AND CAST(id AS TEXT) NOT IN (SELECT entity_id FROM audit_log WHERE entity='planning_undo')
         ORDER BY id DESC LIMIT ?1",
    )?;
    let rows = stmt
        .query_map([limit as i64], |r| Ok(UndoableChange { audit_id: r.get(0)?, label: r.get(1)?, at: r.get(2)?, user: r.get(3)? }))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

impl Writer<'_> {
    fn capture(&self, scopes: &[Scope]) -> Result<Image> {
        let mut image = Image::new();
        for (table, condition) in scopes {
            key_columns(table)?;
            let mut stmt = self.tx.prepare(&format!("SELECT * FROM {table} WHERE {condition}"))?;
            let names: Vec<String> = stmt.column_names().iter().map(|s| s.to_string()).collect();
            let mut rows = stmt.query([])?;
            let entry = image.entry(table.to_string()).or_default();
            while let Some(r) = rows.next()? {
                let mut row = Row::new();
                for (i, n) in names.iter().enumerate() {
                    row.insert(n.clone(), json_of(r.get_ref(i)?));
                }
                let key = row_key(table, &row)?;
                let mut seen = false;
                for existing in entry.iter() {
                    if row_key(table, existing)? == key {
                        seen = true;
                    }
                }
                if !seen {
                    entry.push(row);
                }
            }
        }
        Ok(image)
    }

    /// Run a planning change so that it can be undone: `scopes` name every row it may
    /// touch; `change` returns its result and the scopes of rows it created.
    pub(crate) fn journaled<T>(
        &mut self,
        label: &str,
        scopes: Vec<Scope>,
        change: impl FnOnce(&mut Self) -> Result<(T, Vec<Scope>)>,
    ) -> Result<T> {
        let before = self.capture(&scopes)?;
        let (out, created) = change(self)?;
        let mut all = scopes;
        all.extend(created);
        let mut after = self.capture(&all)?;
        // Rows the change moved out of its scopes (e.g. a reference set to NULL) are
        // still part of it: read them again by key.
        for (table, rows) in &before {
            for row in rows {
                let key = row_key(table, row)?;
                let known =
                    after.get(table).map(|r| r.iter().any(|a| row_key(table, a).ok().as_deref() == Some(key.as_str()))).unwrap_or(false);
                if !known {
                    if let Some(current) = self.row_by_key(table, row)? {
                        after.entry(table.clone()).or_default().push(current);
                    }
                }
            }
        }
        if before != after {
            self.audit("update", "planning", label, Some(json!(before)), Some(json!(after)))?;
        }
        Ok(out)
    }

    /// Undo the most recent planning change that is not undone yet, and return its label.
    /// Refused (conflict) when the rows it touched have been changed since by something
    /// else, e.g. values or assessments entered after the change.
    pub fn undo_last(&mut self) -> Result<String> {
        let last: Option<(i64, String, String, String)> = self
            .tx
            .query_row(
                "SELECT id, entity_id, before, after FROM audit_log WHERE entity='planning'
                 AND CAST(id AS TEXT) NOT IN (SELECT entity_id FROM audit_log WHERE entity='planning_undo')
                 ORDER BY id DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()?;
        let Some((audit_id, label, before, after)) = last else {
            return Err(AppError::not_found("Det finns ingen ändring i planeringen att ångra."));
        };
        let broken = || AppError::new(crate::error::ErrorCode::Internal, format!("Ångra-uppgifterna för '{label}' kan inte läsas."));
        let before: Image = serde_json::from_str(&before).map_err(|_| broken())?;
        let after: Image = serde_json::from_str(&after).map_err(|_| broken())?;
        self.check_unchanged(&label, &before, &after)?;
        self.check_no_follow_up_lost(&label, &before, &after)?;
        // Delete rows the change created, children first.
        for (table, keys) in TABLES.iter().rev() {
            let kept: Vec<String> =
                before.get(*table).map(|rows| rows.iter().map(|r| row_key(table, r)).collect()).transpose()?.unwrap_or_default();
            for row in after.get(*table).map(Vec::as_slice).unwrap_or_default() {
                if kept.contains(&row_key(table, row)?) {
                    continue;
                }
                let (condition, values) = key_match(keys, row);
                self.tx.execute(&format!("DELETE FROM {table} WHERE {condition}"), rusqlite::params_from_iter(values))?;
            }
        }
        // Put back the rows as they were, parents first.
        for (table, keys) in TABLES {
            for row in before.get(*table).map(Vec::as_slice).unwrap_or_default() {
                let columns: Vec<&String> = row.keys().collect();
                let updates: Vec<String> =
                    columns.iter().filter(|c| !keys.contains(&c.as_str())).map(|c| format!("{c} = excluded.{c}")).collect();
                let sql = format!(
                    "INSERT INTO {table}({}) VALUES ({}) ON CONFLICT({}) DO {}",
                    columns.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(", "),
                    (1..=columns.len()).map(|i| format!("?{i}")).collect::<Vec<_>>().join(", "),
                    keys.join(", "),
                    if updates.is_empty() { "NOTHING".to_string() } else { format!("UPDATE SET {}", updates.join(", ")) }
                );
                self.tx.execute(&sql, rusqlite::params_from_iter(columns.iter().map(|c| sql_of(&row[c.as_str()]))))?;
            }
        }
        self.audit("update", "planning_undo", audit_id, None, Some(json!({"undone": label})))?;
        Ok(label)
    }

    fn row_by_key(&self, table: &str, like: &Row) -> Result<Option<Row>> {
        let keys = key_columns(table)?;
        let (condition, values) = key_match(keys, like);
        let mut stmt = self.tx.prepare(&format!("SELECT * FROM {table} WHERE {condition}"))?;
        let names: Vec<String> = stmt.column_names().iter().map(|s| s.to_string()).collect();
        Ok(stmt
            .query_row(rusqlite::params_from_iter(values), |r| {
                let mut row = Row::new();
                for (i, n) in names.iter().enumerate() {
                    row.insert(n.clone(), json_of(r.get_ref(i)?));
                }
                Ok(row)
            })
            .optional()?)
    }

    /// Undoing a change that created goals, activities or periods deletes them; refuse
    /// when follow-up (values, assessments, activity follow-up) has been entered on them since.
    fn check_no_follow_up_lost(&self, label: &str, before: &Image, after: &Image) -> Result<()> {
        let dependants: [(&str, &str); 5] = [
            ("goal", "SELECT COUNT(*) FROM assessment WHERE goal_id = ?1"),
            ("activity", "SELECT COUNT(*) FROM activity_follow_up WHERE activity_id = ?1"),
            ("follow_up_period", "SELECT (SELECT COUNT(*) FROM indicator_value WHERE period_id = ?1) + (SELECT COUNT(*) FROM assessment WHERE period_id = ?1)"),
            ("indicator", "SELECT COUNT(*) FROM indicator_value WHERE indicator_id = ?1"),
            ("org_unit", "SELECT COUNT(*) FROM indicator_value WHERE org_unit_id = ?1"),
        ];
        for (table, sql) in dependants {
            let kept: Vec<String> =
                before.get(table).map(|rows| rows.iter().map(|r| row_key(table, r)).collect()).transpose()?.unwrap_or_default();
            for row in after.get(table).map(Vec::as_slice).unwrap_or_default() {
                if kept.contains(&row_key(table, row)?) {
                    continue;
                }
                let id = row.get("id").and_then(Value::as_i64).unwrap_or_default();
                let n: i64 = self.tx.query_row(sql, [id], |r| r.get(0))?;
                if n > 0 {
                    return Err(AppError::conflict(format!(
                        "Ändringen '{label}' kan inte ångras: {n} värden eller bedömningar har registrerats efter den och skulle försvinna. Ta bort dem först om ändringen ska ångras."
                    )));
                }
            }
        }
        Ok(())
    }

    fn check_unchanged(&self, label: &str, before: &Image, after: &Image) -> Result<()> {
        let changed = || {
            AppError::conflict(format!(
                "Ändringen '{label}' kan inte ångras eftersom samma uppgifter har ändrats efter den. Gör ändringen tillbaka för hand."
            ))
        };
        // Compare current rows with the after-image, key by key.
        for (table, _) in TABLES {
            let mut keyed: BTreeMap<String, (Option<&Row>, Option<&Row>)> = BTreeMap::new();
            for row in before.get(*table).map(Vec::as_slice).unwrap_or_default() {
                keyed.entry(row_key(table, row)?).or_default().0 = Some(row);
            }
            for row in after.get(*table).map(Vec::as_slice).unwrap_or_default() {
                keyed.entry(row_key(table, row)?).or_default().1 = Some(row);
            }
            for (_, (was, now)) in keyed {
                let Some(any) = now.or(was) else { continue };
                let current = self.row_by_key(table, any)?;
                if current.as_ref() != now {
                    return Err(changed());
                }
            }
        }
        Ok(())
    }
}
