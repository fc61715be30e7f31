//! Export of a unit's follow-up of one period from its copy of the database.

use std::path::Path;

use super::file::{
    ExchangeFile, FileActivity, FileAssessment, FileAssignment, FileControl, FileGuarantee, FilePeriod, FileUnit, FileValue, Mark,
    FORMAT_ID, FORMAT_VERSION,
};
use super::{entity_of, ExchangeItemRef, YearItems};
use crate::error::{AppError, ErrorCode, Result};
use crate::model::Gender;
use crate::msg;
use crate::store::{
    activities, assessments, assignments, indicators, internal_control, journal, settings, unit_missions, values, ChangeContext, Read,
    Store,
};

/// The audit-log rows of one item, oldest first, by identity.
pub(crate) fn history(db: Read<'_>, entity: &str, entity_id: &str) -> Result<Vec<Mark>> {
    Ok(journal::of_entity(db, entity, entity_id)?.into_iter().map(|r| Mark { id: r.id, at: r.at, user: r.user }).collect())
}

/// Build the exchange file of `unit_id`'s follow-up of `period_id`: values of every
/// gender of the indicators the unit owns, the assessments of the goals it owns (with
/// analysis and review state), the follow-up of its activities, of the uppdrag it is
/// responsible for and of its intern kontroll plan's controls, and whether its
/// tjänstegarantier were kept (with their review states). `ctx` says who exports
/// and when. Items the copy has never held are left out; an item it held and cleared is
/// sent as `null`, so the clearing travels too.
pub fn build(store: &Store, unit_id: i64, period_id: i64, ctx: &ChangeContext) -> Result<ExchangeFile> {
    let unit = store.unit(unit_id)?;
    let period = store.period(period_id)?;
    let db = store.read();
    let (u, p) = (unit.id, period.id);

    let mut values = Vec::new();
    for (indicator_id, name, split) in indicators::of_owner(db, u)? {
        let genders: &[Gender] = if split { &[Gender::T, Gender::K, Gender::M] } else { &[Gender::T] };
        for &gender in genders {
            let item = ExchangeItemRef::Value { indicator_id, gender };
            let (entity, entity_id) = entity_of(&item, u, p);
            let row = values::with_change(db, indicator_id, u, p, gender)?;
            let history = history(db, entity, &entity_id)?;
            let Some((value, changed_at, changed_by)) =
                row.map(|(v, a, b)| (Some(v), a, b)).or_else(|| history.last().map(|m| (None, m.at.clone(), m.user.clone())))
            else {
                continue;
            };
            values.push(FileValue { indicator_id, indicator: name.clone(), gender, value, changed_at, changed_by, history });
        }
    }

    let mut assessments = Vec::new();
    for a in assessments::of_own_goals(db, u, p, period.plan_year)? {
        let (entity, entity_id) = entity_of(&ExchangeItemRef::Assessment { goal_id: a.goal_id }, u, p);
        assessments.push(FileAssessment {
            goal_id: a.goal_id,
            goal: a.goal,
            step: a.step,
            analysis: a.analysis,
            state: a.state,
            review_comment: a.review_comment,
            changed_at: a.changed_at,
            changed_by: a.changed_by,
            history: history(db, entity, &entity_id)?,
        });
    }

    let mut activities = Vec::new();
    for a in activities::follow_ups_of_unit(db, u, p, period.plan_year)? {
        let (entity, entity_id) = entity_of(&ExchangeItemRef::Activity { activity_id: a.activity_id }, u, p);
        activities.push(FileActivity {
            activity_id: a.activity_id,
            activity: a.activity,
            status: a.status,
            comment: a.comment,
            changed_at: a.changed_at,
            changed_by: a.changed_by,
            history: history(db, entity, &entity_id)?,
        });
    }

    let year = YearItems::of_year(db, period.plan_year)?;
    let mut assignments = Vec::new();
    for a in year.assignments.iter().filter(|a| a.unit_id == u) {
        let Some(f) = assignments::get_follow_up(db, a.id, p)? else { continue };
        let (entity, entity_id) = entity_of(&ExchangeItemRef::Assignment { assignment_id: a.id }, u, p);
        assignments.push(FileAssignment {
            assignment_id: a.id,
            assignment: a.name.clone(),
            status: f.status,
            comment: f.comment,
            state: f.state,
            review_comment: f.review_comment,
            changed_at: f.changed_at,
            changed_by: f.changed_by,
            history: history(db, entity, &entity_id)?,
        });
    }
    let mut controls = Vec::new();
    for c in year.controls.iter().filter(|c| c.unit_id == u) {
        let Some(f) = internal_control::get_follow_up(db, c.id, p)? else { continue };
        let (entity, entity_id) = entity_of(&ExchangeItemRef::Control { control_id: c.id }, u, p);
        controls.push(FileControl {
            control_id: c.id,
            control: c.name.clone(),
            result: f.result,
            comment: f.comment,
            deviation: f.deviation,
            action: f.action,
            state: f.state,
            review_comment: f.review_comment,
            changed_at: f.changed_at,
            changed_by: f.changed_by,
            history: history(db, entity, &entity_id)?,
        });
    }
    let mut guarantees = Vec::new();
    for g in year.guarantees.iter().filter(|g| g.unit_id == u) {
        let Some(f) = unit_missions::get_guarantee_follow_up(db, g.id, p)? else { continue };
        let (entity, entity_id) = entity_of(&ExchangeItemRef::Guarantee { guarantee_id: g.id }, u, p);
        guarantees.push(FileGuarantee {
            guarantee_id: g.id,
            guarantee: g.name.clone(),
            kept: f.kept,
            comment: f.comment,
            state: f.state,
            review_comment: f.review_comment,
            changed_at: f.changed_at,
            changed_by: f.changed_by,
            history: history(db, entity, &entity_id)?,
        });
    }

    Ok(ExchangeFile {
        format: FORMAT_ID.to_string(),
        format_version: FORMAT_VERSION,
        app_version: env!("CARGO_PKG_VERSION").to_string(),
        database_id: settings::database_id(db)?,
        unit: FileUnit { id: unit.id, name: unit.name },
        period: FilePeriod { id: period.id, name: period.name, plan_year: period.plan_year },
        exported_at: ctx.at.clone(),
        exported_by: ctx.user.clone(),
        values,
        assessments,
        activities,
        assignments,
        controls,
        guarantees,
    })
}

/// The exchange file of `unit_id`'s follow-up of `period_id` as bytes (pretty JSON, UTF-8).
pub fn export(store: &Store, unit_id: i64, period_id: i64, ctx: &ChangeContext) -> Result<Vec<u8>> {
    to_bytes(&build(store, unit_id, period_id, ctx)?)
}

/// An exchange file as bytes: pretty JSON, UTF-8, ending in a newline.
pub fn to_bytes(file: &ExchangeFile) -> Result<Vec<u8>> {
    let mut bytes = serde_json::to_vec_pretty(file).map_err(|e| {
        AppError::new(ErrorCode::Internal, msg!("Utbytesfilen kunde inte skapas: {e}", "The exchange file could not be created: {e}"))
    })?;
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
