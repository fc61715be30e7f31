//! The audit log and the planning undo journal (`audit_log`).
//!
//! Every write transaction runs with a [`Recorder`] on its connection: SQLite's pre-update
//! hook reports each row the transaction inserts, updates or deletes, cascades included. From
//! that the store knows which tables a commit changed (the window reloads only the views that
//! show them), and a journaled planning change knows exactly which rows it touched: their
//! images before and after are stored in one `audit_log` row (entity `planning`), so no caller
//! lists the rows it may touch and none can forget one.
//!
//! On the shared PostgreSQL database there is no pre-update hook; a row trigger (PostgreSQL
//! migration 0004) records the touched rows while a journaled change runs, and the images
//! are made from them the same way (see `Writer::journaled_shared`).
//!
//! [`undo_last`] puts the before-images back (deleted rows return with their ids and links)
//! after checking that nothing has changed those rows since, and records the undo as its own
//! audit row (entity `planning_undo`, entity id = the undone audit row).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Mutex, PoisonError};

use rusqlite::hooks::PreUpdateCase;
use rusqlite::Connection;

use super::sql::{params, params_from_iter, OptionalExtension, Value as Sql, ValueRef};
use serde_json::{json, Map, Value};

use super::{Read, Writer};
use crate::error::{AppError, ErrorCode, Result};
use crate::msg;

/// Tables a planning change may touch, parents before children, with their key columns.
/// Undo deletes in reverse order and restores in this order, so foreign keys always hold.
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
    ("investment_project", &["id"]),
    ("investment_follow_up", &["project_id", "period_id"]),
    ("economy_operating", &["org_unit_id", "period_id"]),
    ("statement_amount", &["period_id", "scope", "row_key", "column_kind"]),
    ("assignment", &["id"]),
    ("assignment_goal", &["assignment_id", "goal_id"]),
    ("assignment_follow_up", &["assignment_id", "period_id"]),
    ("control_plan", &["id"]),
    ("control_risk", &["id"]),
    ("control", &["id"]),
    ("control_follow_up", &["control_id", "period_id"]),
    ("unit_mission", &["org_unit_id", "plan_year"]),
    ("service_guarantee", &["id"]),
    ("service_guarantee_follow_up", &["guarantee_id", "period_id"]),
    ("goal_global_goal", &["goal_id", "global_goal"]),
    ("indicator_global_goal", &["indicator_id", "global_goal"]),
];

/// The advisory lock planning changes (shared) and undo (exclusive) take on the shared
/// database ("undo" in ASCII), so an undo waits for planning changes in flight to commit and
/// then sees them: it undoes the newest change and checks its rows against what is committed.
const UNDO_LOCK: i64 = 0x756E_646F;

type Row = Map<String, Value>;
/// Rows per table, as stored in the journal's `before` and `after`.
type Image = BTreeMap<String, Vec<Row>>;

/// One row a journaled change touched: where it was and what it held before.
struct Touched {
    table: &'static str,
    /// The rowid before the change (updates and deletes) and after it (inserts and updates).
    old_rowid: Option<i64>,
    new_rowid: Option<i64>,
    old: Option<Vec<Value>>,
}

#[derive(Default)]
struct Recorded {
    tables: BTreeSet<String>,
    /// Set while a journaled change runs: then every touched row is kept.
    capturing: bool,
    rows: Vec<Touched>,
}

/// What a write transaction changed, filled in by SQLite's pre-update hook.
#[derive(Clone, Default)]
pub(crate) struct Recorder(Arc<Mutex<Recorded>>);

impl Recorder {
    fn with<T>(&self, f: impl FnOnce(&mut Recorded) -> T) -> T {
        f(&mut self.0.lock().unwrap_or_else(PoisonError::into_inner))
    }

    /// Start recording the changes made on `conn`.
    pub(crate) fn install(conn: &Connection) -> Result<Self> {
        let recorder = Recorder::default();
        let hooked = recorder.clone();
        conn.preupdate_hook(Some(move |_action, db: &str, table: &str, case: &PreUpdateCase| {
            if db != "main" {
                return;
            }
            hooked.with(|r| {
                if !r.tables.contains(table) {
                    r.tables.insert(table.to_string());
                }
                if !r.capturing {
                    return;
                }
                let Some(table) = TABLES.iter().map(|(t, _)| *t).find(|t| *t == table) else { return };
                let old_values = |old: &rusqlite::hooks::PreUpdateOldValueAccessor| -> Option<Vec<Value>> {
                    (0..old.get_column_count())
                        .map(|i| old.get_old_column_value(i).ok().and_then(|v| ValueRef::from_sqlite(v).ok()).map(json_of))
                        .collect()
                };
                let touched = match case {
                    PreUpdateCase::Insert(new) => Touched { table, old_rowid: None, new_rowid: Some(new.get_new_row_id()), old: None },
                    PreUpdateCase::Delete(old) => {
                        Touched { table, old_rowid: Some(old.get_old_row_id()), new_rowid: None, old: old_values(old) }
                    }
                    PreUpdateCase::Update { old_value_accessor: old, new_value_accessor: new } => Touched {
                        table,
                        old_rowid: Some(old.get_old_row_id()),
                        new_rowid: Some(new.get_new_row_id()),
                        old: old_values(old),
                    },
                    PreUpdateCase::Unknown => return,
                };
                r.rows.push(touched);
            });
        }))?;
        Ok(recorder)
    }

    /// Stop recording; the tables written.
    pub(crate) fn finish(self, conn: &Connection) -> BTreeSet<String> {
        // Removing a hook cannot fail for a valid connection; a failure would leave a hook
        // that only records, so it is safe to ignore.
        let _ = conn.preupdate_hook(None::<fn(rusqlite::hooks::Action, &str, &str, &PreUpdateCase)>);
        self.with(|r| std::mem::take(&mut r.tables))
    }

    fn start_capture(&self) -> Result<()> {
        self.with(|r| {
            if r.capturing {
                return Err(AppError::new(
                    ErrorCode::Internal,
                    msg!("En ångringsbar ändring kan inte ligga i en annan.", "An undoable change cannot be nested in another."),
                ));
            }
            r.capturing = true;
            r.rows.clear();
            Ok(())
        })
    }

    fn end_capture(&self) -> Vec<Touched> {
        self.with(|r| {
            r.capturing = false;
            std::mem::take(&mut r.rows)
        })
    }
}

fn key_columns(table: &str) -> Result<&'static [&'static str]> {
    TABLES
        .iter()
        .find(|(t, _)| *t == table)
        .map(|(_, k)| *k)
        .ok_or_else(|| AppError::new(ErrorCode::Internal, msg!("Tabellen {table} kan inte ångras.", "The table {table} cannot be undone.")))
}

fn row_key(table: &str, row: &Row) -> Result<String> {
    let keys = key_columns(table)?;
    Ok(keys.iter().map(|k| row.get(*k).map(Value::to_string).unwrap_or_default()).collect::<Vec<_>>().join("/"))
}

/// A row without its `version` column.
fn without_version(row: &Row) -> Row {
    row.iter().filter(|(k, _)| k.as_str() != "version").map(|(k, v)| (k.clone(), v.clone())).collect()
}

/// Whether a change did more than count row versions up: saving a form unchanged counts its
/// row's version (so others' windows see it was saved) but is no step to undo.
fn changed_beyond_versions(before: &Image, after: &Image) -> bool {
    let strip = |image: &Image| -> Image {
        image
            .iter()
            .map(|(t, rows)| {
                let rows = rows.iter().map(without_version).collect();
                (t.clone(), rows)
            })
            .collect()
    };
    strip(before) != strip(after)
}

fn json_of(v: ValueRef<'_>) -> Value {
    match v {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(i) => json!(i),
        ValueRef::Real(f) => json!(f),
        ValueRef::Text(t) => Value::from(t.to_string()),
        ValueRef::Blob(b) => Value::from(b.iter().map(|x| format!("{x:02x}")).collect::<String>()),
    }
}

/// `k1 = ?1 AND k2 = ?2 …` for a table's key columns, with the row's values to bind.
fn key_match(keys: &[&str], row: &Row) -> (String, Vec<Sql>) {
    let condition = keys.iter().enumerate().map(|(i, k)| format!("{k} = ?{}", i + 1)).collect::<Vec<_>>().join(" AND ");
    let values = keys.iter().map(|k| sql_of(row.get(*k).unwrap_or(&Value::Null))).collect();
    (condition, values)
}

fn sql_of(v: &Value) -> Sql {
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

fn column_names(conn: &Connection, table: &str) -> Result<Vec<String>> {
    let stmt = conn.prepare(&format!("SELECT * FROM {table} LIMIT 0"))?;
    Ok(stmt.column_names().iter().map(|s| s.to_string()).collect())
}

/// Rows of `table` by rowid, as journal rows.
fn rows_by_rowid(conn: &Connection, table: &str, rowids: &BTreeSet<i64>) -> Result<Vec<Row>> {
    let mut stmt = conn.prepare_cached(&format!("SELECT * FROM {table} WHERE rowid = ?1"))?;
    let names: Vec<String> = stmt.column_names().iter().map(|s| s.to_string()).collect();
    let mut out = Vec::new();
    for id in rowids {
        let row = stmt
            .query_row([id], |r| {
                let mut row = Row::new();
                for (i, n) in names.iter().enumerate() {
                    row.insert(
                        n.clone(),
                        json_of(ValueRef::from_sqlite(r.get_ref(i)?).map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?),
                    );
                }
                Ok(row)
            })
            .map(Some)
            .or_else(|e| if matches!(e, rusqlite::Error::QueryReturnedNoRows) { Ok(None) } else { Err(e) })?;
        out.extend(row);
    }
    Ok(out)
}

/// The before- and after-images of the rows a change touched.
fn images(conn: &Connection, touched: Vec<Touched>) -> Result<(Image, Image)> {
    let mut before = Image::new();
    let mut seen: BTreeSet<(&'static str, i64)> = BTreeSet::new();
    let mut now: BTreeMap<&'static str, BTreeSet<i64>> = BTreeMap::new();
    let mut names: HashMap<&'static str, Vec<String>> = HashMap::new();
    for t in touched {
        // The first touch of a row tells what it held before the change; a row the change
        // inserted had nothing before.
        if let Some(old_rowid) = t.old_rowid {
            if seen.insert((t.table, old_rowid)) {
                if let Some(values) = t.old {
                    if !names.contains_key(t.table) {
                        names.insert(t.table, column_names(conn, t.table)?);
                    }
                    let columns = &names[t.table];
                    let row: Row = columns.iter().cloned().zip(values).collect();
                    before.entry(t.table.to_string()).or_default().push(row);
                }
            }
            now.entry(t.table).or_default().insert(old_rowid);
        }
        if let Some(new_rowid) = t.new_rowid {
            seen.insert((t.table, new_rowid));
            now.entry(t.table).or_default().insert(new_rowid);
        }
    }
    let mut after = Image::new();
    for (table, rowids) in now {
        let mut rows = rows_by_rowid(conn, table, &rowids)?;
        let mut keys = BTreeSet::new();
        rows.retain(|r| row_key(table, r).map(|k| keys.insert(k)).unwrap_or(false));
        if !rows.is_empty() {
            after.insert(table.to_string(), rows);
        }
    }
    // A row both deleted and inserted again under another rowid appears once per key.
    for (table, rows) in before.iter_mut() {
        let mut keys = BTreeSet::new();
        rows.retain(|r| row_key(table, r).map(|k| keys.insert(k)).unwrap_or(false));
    }
    Ok((before, after))
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
pub fn undoable_changes(db: Read<'_>, limit: usize) -> Result<Vec<UndoableChange>> {
    let mut stmt = db.conn().prepare(
        "SELECT id, entity_id, at, user_name FROM audit_log WHERE entity='planning'
         AND CAST(id AS TEXT) NOT IN (SELECT entity_id FROM audit_log WHERE entity='planning_undo')
         ORDER BY id DESC LIMIT ?1",
    )?;
    let rows = stmt
        .query_map([limit as i64], |r| Ok(UndoableChange { audit_id: r.get(0)?, label: r.get(1)?, at: r.get(2)?, user: r.get(3)? }))?
        .collect::<super::sql::Result<Vec<_>>>()?;
    Ok(rows)
}

/// Count rows in the audit log (for tests and the status bar).
pub fn audit_count(db: Read<'_>) -> Result<i64> {
    Ok(db.conn().query_row("SELECT COUNT(*) FROM audit_log", [], |r| r.get(0))?)
}

/// One audit row of an entity, as exchange files compare histories by it.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditRow {
    pub id: i64,
    pub at: String,
    pub user: String,
    pub action: String,
    /// The state after, as stored (JSON text).
    pub after: Option<String>,
}

/// The audit rows of one entity (e.g. `indicator_value`, `4/2/7/T`), oldest first.
pub fn of_entity(db: Read<'_>, entity: &str, entity_id: &str) -> Result<Vec<AuditRow>> {
    let mut stmt =
        db.conn().prepare_cached("SELECT id, at, user_name, action, after FROM audit_log WHERE entity=?1 AND entity_id=?2 ORDER BY id")?;
    let rows = stmt
        .query_map(params![entity, entity_id], |r| {
            Ok(AuditRow { id: r.get(0)?, at: r.get(1)?, user: r.get(2)?, action: r.get(3)?, after: r.get(4)? })
        })?
        .collect::<super::sql::Result<Vec<_>>>()?;
    Ok(rows)
}

/// When the database was last changed: the time of its newest audit row.
pub fn last_change(db: Read<'_>) -> Result<Option<String>> {
    Ok(db.conn().query_row("SELECT MAX(at) FROM audit_log", [], |r| r.get(0))?)
}

impl Writer<'_> {
    /// Add a row to the audit log: who (the change context), what, and the entity's state
    /// before and after.
    pub(crate) fn audit(
        &self,
        action: &str,
        entity: &str,
        entity_id: impl ToString,
        before: Option<Value>,
        after: Option<Value>,
    ) -> Result<()> {
        self.tx.execute(
            "INSERT INTO audit_log(at, user_name, action, entity, entity_id, before, after) VALUES (?1,?2,?3,?4,?5,?6,?7)",
            params![
                self.ctx.at,
                self.ctx.user,
                action,
                entity,
                entity_id.to_string(),
                before.map(|v| v.to_string()),
                after.map(|v| v.to_string())
            ],
        )?;
        Ok(())
    }

    /// Run a planning change so that it can be undone as one step. The rows it touches are
    /// recorded by the store as the change makes them, so nothing has to name them.
    pub(crate) fn journaled<T>(&mut self, label: &str, change: impl FnOnce(&mut Self) -> Result<T>) -> Result<T> {
        let super::sql::Db::Sqlite(conn) = self.tx else {
            return self.journaled_shared(label, change);
        };
        self.recorder.start_capture()?;
        let out = change(self);
        let touched = self.recorder.end_capture();
        let out = out?;
        let (before, after) = images(conn, touched)?;
        if changed_beyond_versions(&before, &after) {
            self.audit("update", "planning", label, Some(json!(before)), Some(json!(after)))?;
        }
        Ok(out)
    }

    /// [`Self::journaled`] on the shared database, which has no pre-update hook: the capture
    /// trigger of PostgreSQL migration 0004 records each row the change touches (old and new
    /// row as JSON) in a temporary table of the session while `styrkort.capture` is on. Those
    /// rows tell which rows were touched and what they held before; the images are then made
    /// as on SQLite, every row read through the SQL layer (the before-rows turned back into
    /// typed rows by `jsonb_populate_record`), so a real number stays 2.0 and not `to_jsonb`'s 2
    /// and the images compare equal exactly when the rows are.
    fn journaled_shared<T>(&mut self, label: &str, change: impl FnOnce(&mut Self) -> Result<T>) -> Result<T> {
        self.recorder.start_capture()?;
        let begun = self.tx.execute_batch(&format!("SELECT pg_advisory_xact_lock_shared({UNDO_LOCK}); SELECT styrkort_capture_begin()"));
        let out = begun.map_err(AppError::from).and_then(|()| change(self));
        let ended = self.tx.execute_batch("SELECT styrkort_capture_end()");
        self.recorder.end_capture();
        let out = out?;
        ended?;
        let captured: Vec<(String, Option<String>, Option<String>)> = self
            .tx
            .prepare("SELECT tbl, CAST(old_row AS TEXT), CAST(new_row AS TEXT) FROM pg_temp.styrkort_captured ORDER BY seq")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<super::sql::Result<Vec<_>>>()?;
        self.tx.execute_batch("DELETE FROM pg_temp.styrkort_captured")?;
        let broken = || {
            AppError::new(
                ErrorCode::Internal,
                msg!("Ändrade rader kunde inte läsas för ångra ({label}).", "Changed rows could not be read for undo ({label})."),
            )
        };
        let mut before = Image::new();
        let mut seen: BTreeSet<(&'static str, String)> = BTreeSet::new();
        let mut now: BTreeMap<&'static str, BTreeMap<String, Row>> = BTreeMap::new();
        for (table, old, new) in captured {
            let Some(table) = TABLES.iter().map(|(t, _)| *t).find(|t| *t == table) else { continue };
            // The first touch of a row tells what it held before the change; a row the change
            // inserted had nothing before.
            if let Some(old) = old {
                let row: Row = serde_json::from_str(&old).map_err(|_| broken())?;
                let key = row_key(table, &row)?;
                if seen.insert((table, key.clone())) {
                    let typed = self.typed_row(table, &old)?.ok_or_else(broken)?;
                    before.entry(table.to_string()).or_default().push(typed);
                }
                now.entry(table).or_default().insert(key, row);
            }
            if let Some(new) = new {
                let row: Row = serde_json::from_str(&new).map_err(|_| broken())?;
                let key = row_key(table, &row)?;
                seen.insert((table, key.clone()));
                now.entry(table).or_default().insert(key, row);
            }
        }
        let mut after = Image::new();
        for (table, rows) in now {
            let mut current = Vec::new();
            for row in rows.values() {
                current.extend(self.row_by_key(table, row)?);
            }
            if !current.is_empty() {
                after.insert(table.to_string(), current);
            }
        }
        // Rows in key order in both images, so equal rows make equal images.
        for image in [&mut before, &mut after] {
            for (table, rows) in image.iter_mut() {
                let mut keyed = rows.drain(..).map(|r| Ok((row_key(table, &r)?, r))).collect::<Result<Vec<_>>>()?;
                keyed.sort_by(|a, b| a.0.cmp(&b.0));
                rows.extend(keyed.into_iter().map(|(_, r)| r));
            }
        }
        if changed_beyond_versions(&before, &after) {
            self.audit("update", "planning", label, Some(json!(before)), Some(json!(after)))?;
        }
        Ok(out)
    }

    /// A row of `table` as `to_jsonb` gave it (PostgreSQL), turned back into the table's
    /// types and read as every journal row is read.
    fn typed_row(&self, table: &str, json: &str) -> Result<Option<Row>> {
        key_columns(table)?;
        let mut stmt = self.tx.prepare(&format!("SELECT * FROM jsonb_populate_record(NULL::{table}, CAST(?1 AS JSONB))"))?;
        let names: Vec<String> = stmt.column_names()?;
        Ok(stmt
            .query_row([json], |r| {
                let mut row = Row::new();
                for (i, n) in names.iter().enumerate() {
                    row.insert(n.clone(), json_of(r.get_ref(i)?));
                }
                Ok(row)
            })
            .optional()?)
    }

    /// Undo the most recent planning change that is not undone yet, and return its label.
    /// Refused (conflict) when the rows it touched have been changed since by something
    /// else, e.g. values or assessments entered after the change.
    pub fn undo_last(&mut self) -> Result<String> {
        if self.tx.is_pg() {
            self.tx.execute_batch(&format!("SELECT pg_advisory_xact_lock({UNDO_LOCK})"))?;
        }
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
            return Err(AppError::not_found(msg!(
                "Det finns ingen ändring i planeringen att ångra.",
                "There is no change in the planning to undo."
            )));
        };
        let broken = || {
            AppError::new(
                ErrorCode::Internal,
                msg!("Ångra-uppgifterna för '{label}' kan inte läsas.", "The undo data for '{label}' cannot be read."),
            )
        };
        let before: Image = serde_json::from_str(&before).map_err(|_| broken())?;
        let after: Image = serde_json::from_str(&after).map_err(|_| broken())?;
        self.check_unchanged(&label, &before, &after)?;
        self.check_no_follow_up_lost(&label, &before, &after)?;
        self.check_economy_still_editable(&before, &after)?;
        // Delete rows the change created, children first.
        for (table, keys) in TABLES.iter().rev() {
            let kept: Vec<String> =
                before.get(*table).map(|rows| rows.iter().map(|r| row_key(table, r)).collect()).transpose()?.unwrap_or_default();
            for row in after.get(*table).map(Vec::as_slice).unwrap_or_default() {
                if kept.contains(&row_key(table, row)?) {
                    continue;
                }
                let (condition, values) = key_match(keys, row);
                self.tx.execute(&format!("DELETE FROM {table} WHERE {condition}"), params_from_iter(values))?;
            }
        }
        // Put back the rows as they were, parents first. A row's version still counts up
        // (it is not put back): a window that loaded the undone change must not be able to
        // save over what someone saves after the undo (row_version).
        for (table, keys) in TABLES {
            for row in before.get(*table).map(Vec::as_slice).unwrap_or_default() {
                let columns: Vec<&String> = row.keys().collect();
                let updates: Vec<String> = columns
                    .iter()
                    .filter(|c| !keys.contains(&c.as_str()))
                    .map(|c| if c.as_str() == "version" { format!("version = {table}.version + 1") } else { format!("{c} = excluded.{c}") })
                    .collect();
                let sql = format!(
                    "INSERT INTO {table}({}) VALUES ({}) ON CONFLICT({}) DO {}",
                    columns.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(", "),
                    (1..=columns.len()).map(|i| format!("?{i}")).collect::<Vec<_>>().join(", "),
                    keys.join(", "),
                    if updates.is_empty() { "NOTHING".to_string() } else { format!("UPDATE SET {}", updates.join(", ")) }
                );
                self.tx.execute(&sql, params_from_iter(columns.iter().map(|c| sql_of(&row[c.as_str()]))))?;
            }
        }
        self.audit("update", "planning_undo", audit_id, None, Some(json!({"undone": label})))?;
        Ok(label)
    }

    fn row_by_key(&self, table: &str, like: &Row) -> Result<Option<Row>> {
        let keys = key_columns(table)?;
        let (condition, values) = key_match(keys, like);
        let mut stmt = self.tx.prepare(&format!("SELECT * FROM {table} WHERE {condition}"))?;
        let names: Vec<String> = stmt.column_names()?;
        Ok(stmt
            .query_row(params_from_iter(values), |r| {
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
        let dependants: &[(&str, &str)] = &[
            ("goal", "SELECT COUNT(*) FROM assessment WHERE goal_id = ?1"),
            ("activity", "SELECT COUNT(*) FROM activity_follow_up WHERE activity_id = ?1"),
            ("follow_up_period", "SELECT (SELECT COUNT(*) FROM indicator_value WHERE period_id = ?1) + (SELECT COUNT(*) FROM assessment WHERE period_id = ?1)
              + (SELECT COUNT(*) FROM economy_operating WHERE period_id = ?1) + (SELECT COUNT(*) FROM investment_follow_up WHERE period_id = ?1)
              + (SELECT COUNT(*) FROM statement_amount WHERE period_id = ?1)"),
            ("indicator", "SELECT COUNT(*) FROM indicator_value WHERE indicator_id = ?1"),
            ("service_guarantee", "SELECT COUNT(*) FROM service_guarantee_follow_up WHERE guarantee_id = ?1"),
            ("org_unit", "SELECT (SELECT COUNT(*) FROM indicator_value WHERE org_unit_id = ?1) + (SELECT COUNT(*) FROM economy_operating WHERE org_unit_id = ?1)"),
            // Intern kontroll: a control's (or a risk's controls') follow-up.
            ("control", "SELECT COUNT(*) FROM control_follow_up WHERE control_id = ?1"),
            ("control_risk", "SELECT COUNT(*) FROM control_follow_up f JOIN control c ON c.id = f.control_id WHERE c.risk_id = ?1"),
        ];
        for &(table, sql) in dependants {
            let kept: Vec<String> =
                before.get(table).map(|rows| rows.iter().map(|r| row_key(table, r)).collect()).transpose()?.unwrap_or_default();
            for row in after.get(table).map(Vec::as_slice).unwrap_or_default() {
                if kept.contains(&row_key(table, row)?) {
                    continue;
                }
                let id = row.get("id").and_then(Value::as_i64).unwrap_or_default();
                let n: i64 = self.tx.query_row(sql, [id], |r| r.get(0))?;
                if n > 0 {
                    return Err(AppError::conflict(msg!(
                        "Ändringen '{label}' kan inte ångras: {n} värden eller bedömningar har registrerats efter den och skulle försvinna. Ta bort dem först om ändringen ska ångras.", "The change '{label}' cannot be undone: {n} values or assessments have been recorded after it and would disappear. Delete them first if the change is to be undone."
                    )));
                }
            }
        }
        Ok(())
    }

    /// Undoing an economy edit changes figures like any edit: refused when their period is
    /// locked since or their part is no longer a draft.
    fn check_economy_still_editable(&self, before: &Image, after: &Image) -> Result<()> {
        use crate::model::EconomyPart;
        for image in [before, after] {
            for (table, part) in [
                ("economy_operating", EconomyPart::Operating),
                ("investment_follow_up", EconomyPart::Investments),
                ("statement_amount", EconomyPart::Statements),
            ] {
                for row in image.get(table).map(Vec::as_slice).unwrap_or_default() {
                    let period = row.get("period_id").and_then(Value::as_i64).unwrap_or_default();
                    let unit = match part {
                        EconomyPart::Operating => row.get("org_unit_id").and_then(Value::as_i64).unwrap_or_default(),
                        _ => super::economy::municipality(self.read())?,
                    };
                    super::economy::require_editable(self.read(), period, part, unit)?;
                }
            }
        }
        Ok(())
    }

    fn check_unchanged(&self, label: &str, before: &Image, after: &Image) -> Result<()> {
        let changed = || {
            AppError::conflict(msg!(
                "Ändringen '{label}' kan inte ångras eftersom samma uppgifter har ändrats efter den. Gör ändringen tillbaka för hand.",
                "The change '{label}' cannot be undone because the same data has been changed after it. Change it back by hand."
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
                // The version alone says nothing was changed: a form saved unchanged, or an
                // undo of a later change (which counts it up), leaves the data as it was.
                if current.as_ref().map(without_version) != now.map(without_version) {
                    return Err(changed());
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::model::UnitKind;
    use crate::store::{ChangeContext, NewUnit, Store};

    fn ctx() -> ChangeContext {
        ChangeContext::new("test", "2026-12-02T08:00:00")
    }

    #[test]
    fn the_shared_databases_capture_trigger_is_on_every_journaled_table() {
        let sql = include_str!("pg/migrations/0004_journal.sql");
        let list = &sql[sql.find("ARRAY[").unwrap() + 6..];
        let list = &list[..list.find(']').unwrap()];
        let in_migration: Vec<&str> = list.split(',').map(|t| t.trim().trim_matches('\'')).collect();
        let journaled: Vec<&str> = super::TABLES.iter().map(|(t, _)| *t).collect();
        assert_eq!(in_migration, journaled);
    }

    #[test]
    fn a_commit_reports_the_tables_it_wrote_and_a_failed_write_reports_none() {
        let mut store = Store::open_in_memory().unwrap();
        assert!(store.take_changed_tables().is_empty());
        store
            .write(&ctx(), |w| {
                crate::store::units::insert(w, NewUnit { parent_id: None, kind: UnitKind::Kommun, name: "Nyby".into(), kolada_id: None })
            })
            .unwrap();
        assert_eq!(store.take_changed_tables(), vec!["audit_log".to_string(), "org_unit".to_string()]);
        assert!(store.take_changed_tables().is_empty(), "taken once");
        let failed: crate::Result<()> = store.write(&ctx(), |w| {
            crate::store::settings::set(w, "a", "b")?;
            Err(crate::AppError::validation(crate::msg!("nej", "no")))
        });
        assert!(failed.is_err());
        assert!(store.take_changed_tables().is_empty(), "a rolled-back write changed nothing");
    }

    #[test]
    fn a_journaled_change_stores_only_the_rows_it_touched_and_undo_restores_them() {
        let mut store = Store::open_in_memory().unwrap();
        let kommun = store
            .write(&ctx(), |w| {
                crate::store::units::insert(w, NewUnit { parent_id: None, kind: UnitKind::Kommun, name: "Nyby".into(), kolada_id: None })
            })
            .unwrap();
        let a = store
            .write(&ctx(), |w| {
                crate::store::units::insert(
                    w,
                    NewUnit { parent_id: Some(kommun), kind: UnitKind::Namnd, name: "A".into(), kolada_id: None },
                )
            })
            .unwrap();
        let b = store
            .write(&ctx(), |w| {
                crate::store::units::insert(
                    w,
                    NewUnit { parent_id: Some(kommun), kind: UnitKind::Namnd, name: "B".into(), kolada_id: None },
                )
            })
            .unwrap();
        store.write(&ctx(), |w| w.rename_unit(a, "Alfa")).unwrap();
        let (before, after): (String, String) = store
            .conn()
            .query_row("SELECT before, after FROM audit_log WHERE entity='planning' ORDER BY id DESC LIMIT 1", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap();
        // Only unit A, not its siblings or the kommun.
        assert!(before.contains("\"A\"") && !before.contains("\"B\"") && !before.contains("Nyby"), "{before}");
        assert!(after.contains("\"Alfa\"") && !after.contains("\"B\""), "{after}");
        assert_eq!(store.write(&ctx(), |w| w.undo_last()).unwrap(), "Byt namn på enhet till Alfa");
        assert_eq!(store.unit(a).unwrap().name, "A");
        assert_eq!(store.unit(b).unwrap().name, "B");
    }
}
