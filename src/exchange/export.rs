//! Export of a unit's follow-up of one period from its copy of the database.

use std::path::Path;

use rusqlite::{params, Connection, OptionalExtension};

use super::file::{ExchangeFile, FileActivity, FileAssessment, FilePeriod, FileUnit, FileValue, Mark, FORMAT_ID, FORMAT_VERSION};
use super::{database_id, entity_of, ExchangeItemRef};
use crate::error::{AppError, ErrorCode, Result};
use crate::model::Gender;
use crate::store::{ChangeContext, Store};

/// The audit-log rows of one item, oldest first, by identity.
pub(crate) fn history(conn: &Connection, entity: &str, entity_id: &str) -> Result<Vec<Mark>> {
    let mut stmt = conn.prepare_cached("SELECT id, at, user_name FROM audit_log WHERE entity=?1 AND entity_id=?2 ORDER BY id")?;
    let rows = stmt
        .query_map(params![entity, entity_id], |r| Ok(Mark { id: r.get(0)?, at: r.get(1)?, user: r.get(2)? }))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// Build the exchange file of `unit_id`'s follow-up of `period_id`: values of every
/// gender of the indicators the unit owns, the assessments of the goals it owns (with
/// analysis and review state) and the follow-up of its activities. `ctx` says who exports
/// and when. Items the copy has never held are left out; an item it held and cleared is
/// sent as `null`, so the clearing travels too.
pub fn build(store: &Store, unit_id: i64, period_id: i64, ctx: &ChangeContext) -> Result<ExchangeFile> {
    let unit = store.unit(unit_id)?;
    let period = store.period(period_id)?;
    let conn = store.conn();
    let (u, p) = (unit.id, period.id);

    let mut values = Vec::new();
    let indicators: Vec<(i64, String, bool)> = conn
        .prepare("SELECT id, name, gender_split FROM indicator WHERE owner_unit_id=?1 ORDER BY name, id")?
        .query_map([u], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (indicator_id, name, split) in indicators {
        let genders: &[Gender] = if split { &[Gender::T, Gender::K, Gender::M] } else { &[Gender::T] };
        for &gender in genders {
            let item = ExchangeItemRef::Value { indicator_id, gender };
            let (entity, entity_id) = entity_of(&item, u, p);
            let row: Option<(f64, String, String)> = conn
                .prepare_cached(
                    "SELECT value, changed_at, changed_by FROM indicator_value WHERE indicator_id=?1 AND org_unit_id=?2 AND period_id=?3 AND gender=?4",
                )?
                .query_row(params![indicator_id, u, p, gender], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .optional()?;
            let history = history(conn, entity, &entity_id)?;
            let Some((value, changed_at, changed_by)) =
                row.map(|(v, a, b)| (Some(v), a, b)).or_else(|| history.last().map(|m| (None, m.at.clone(), m.user.clone())))
            else {
                continue;
            };
            values.push(FileValue { indicator_id, indicator: name.clone(), gender, value, changed_at, changed_by, history });
        }
    }

    let mut assessments: Vec<FileAssessment> = conn
        .prepare(
            "SELECT g.id, trim(g.code || ' ' || g.title), a.step, a.analysis, a.state, a.review_comment, a.changed_at, a.changed_by
             FROM goal g JOIN assessment a ON a.goal_id = g.id AND a.org_unit_id = ?1 AND a.period_id = ?2
             WHERE g.owner_unit_id = ?1 AND g.plan_year = ?3 ORDER BY g.sort_order, g.id",
        )?
        .query_map(params![u, p, period.plan_year], |r| {
            Ok(FileAssessment {
                goal_id: r.get(0)?,
                goal: r.get(1)?,
                step: r.get(2)?,
                analysis: r.get(3)?,
                state: r.get(4)?,
                review_comment: r.get(5)?,
                changed_at: r.get(6)?,
                changed_by: r.get(7)?,
                history: Vec::new(),
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    for a in &mut assessments {
        let (entity, entity_id) = entity_of(&ExchangeItemRef::Assessment { goal_id: a.goal_id }, u, p);
        a.history = history(conn, entity, &entity_id)?;
    }

    let mut activities: Vec<FileActivity> = conn
        .prepare(
            "SELECT a.id, a.title, f.status, f.comment, f.changed_at, f.changed_by
             FROM activity a JOIN activity_follow_up f ON f.activity_id = a.id AND f.period_id = ?2
             WHERE a.owner_unit_id = ?1 AND a.plan_year = ?3 ORDER BY a.id",
        )?
        .query_map(params![u, p, period.plan_year], |r| {
            Ok(FileActivity {
                activity_id: r.get(0)?,
                activity: r.get(1)?,
                status: r.get(2)?,
                comment: r.get(3)?,
                changed_at: r.get(4)?,
                changed_by: r.get(5)?,
                history: Vec::new(),
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    for a in &mut activities {
        let (entity, entity_id) = entity_of(&ExchangeItemRef::Activity { activity_id: a.activity_id }, u, p);
        a.history = history(conn, entity, &entity_id)?;
    }

    Ok(ExchangeFile {
        format: FORMAT_ID.to_string(),
        format_version: FORMAT_VERSION,
        app_version: env!("CARGO_PKG_VERSION").to_string(),
        database_id: database_id(conn)?,
        unit: FileUnit { id: unit.id, name: unit.name },
        period: FilePeriod { id: period.id, name: period.name, plan_year: period.plan_year },
        exported_at: ctx.at.clone(),
        exported_by: ctx.user.clone(),
        values,
        assessments,
        activities,
    })
}

/// The exchange file of `unit_id`'s follow-up of `period_id` as bytes (pretty JSON, UTF-8).
pub fn export(store: &Store, unit_id: i64, period_id: i64, ctx: &ChangeContext) -> Result<Vec<u8>> {
    to_bytes(&build(store, unit_id, period_id, ctx)?)
}

/// An exchange file as bytes: pretty JSON, UTF-8, ending in a newline.
pub fn to_bytes(file: &ExchangeFile) -> Result<Vec<u8>> {
    let mut bytes =
        serde_json::to_vec_pretty(file).map_err(|e| AppError::new(ErrorCode::Internal, format!("Utbytesfilen kunde inte skapas: {e}")))?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// Export to `path`, written all or nothing (see [`crate::files::write_output`]).
/// The unit and period are checked before the file is touched. Returns what was written.
pub fn export_to(store: &Store, unit_id: i64, period_id: i64, ctx: &ChangeContext, path: &Path) -> Result<ExchangeFile> {
    crate::files::check_output(path, store.path())?;
    let file = build(store, unit_id, period_id, ctx)?;
    crate::files::write_output(path, store.path(), &to_bytes(&file)?)?;
    Ok(file)
}
