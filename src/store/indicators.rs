//! Repository for `indicator`, `indicator_target` and `goal_indicator` (nyckeltal, their
//! targets per year and the goals they measure).

use std::collections::{BTreeSet, HashMap};

use super::sql::{params, OptionalExtension, Row};
use serde_json::json;

use super::row_version::{Seen, Thing};
use super::{check_decimals, check_tolerance, exists, kolada_kpi_id, non_empty, Read, Writer};
use crate::error::{AppError, Result};
use crate::model::{Direction, Frequency, Indicator, NewIndicator, Target};
use crate::msg;

/// The unit whose values an indicator's traffic light reads (its owner).
pub fn owner(db: Read<'_>, indicator_id: i64) -> Result<i64> {
    db.conn().query_row("SELECT owner_unit_id FROM indicator WHERE id=?1", [indicator_id], |r| r.get(0)).optional()?.ok_or_else(|| {
        AppError::not_found(msg!("Nyckeltalet (id {indicator_id}) finns inte.", "The indicator (id {indicator_id}) does not exist."))
    })
}

/// Targets of an indicator per year, oldest first.
pub fn targets(db: Read<'_>, indicator_id: i64) -> Result<Vec<(i32, f64)>> {
    let mut stmt = db.conn().prepare_cached("SELECT year, target FROM indicator_target WHERE indicator_id=?1 ORDER BY year")?;
    let rows = stmt.query_map([indicator_id], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<super::sql::Result<Vec<_>>>()?;
    Ok(rows)
}

// Planning: indicators, their targets and the goals they measure.

const INDICATOR_COLUMNS: &str =
    "id, name, description, unit, direction, decimals, kolada_kpi_id, owner_unit_id, frequency, gender_split, tolerance_kind, tolerance, active, responsible, version";

fn indicator_from_row(r: &Row<'_>) -> super::sql::Result<Indicator> {
    Ok(Indicator {
        id: r.get(0)?,
        name: r.get(1)?,
        description: r.get(2)?,
        unit: r.get(3)?,
        direction: r.get(4)?,
        decimals: r.get(5)?,
        kolada_kpi_id: r.get(6)?,
        owner_unit_id: r.get(7)?,
        frequency: r.get(8)?,
        gender_split: r.get(9)?,
        tolerance_kind: r.get(10)?,
        tolerance: r.get(11)?,
        active: r.get(12)?,
        responsible: r.get(13)?,
        version: r.get(14)?,
    })
}

fn indicators(db: Read<'_>, condition: &str, args: impl super::sql::Params) -> Result<Vec<Indicator>> {
    let mut stmt = db.conn().prepare_cached(&format!("SELECT {INDICATOR_COLUMNS} FROM indicator WHERE {condition}"))?;
    let rows = stmt.query_map(args, indicator_from_row)?.collect::<super::sql::Result<Vec<_>>>()?;
    Ok(rows)
}

/// One indicator; not found names its id.
pub fn get(db: Read<'_>, id: i64) -> Result<Indicator> {
    indicators(db, "id=?1", [id])?
        .pop()
        .ok_or_else(|| AppError::not_found(msg!("Nyckeltalet (id {id}) finns inte.", "The indicator (id {id}) does not exist.")))
}

/// Every indicator, by id.
pub fn all(db: Read<'_>) -> Result<Vec<Indicator>> {
    indicators(db, "1 = 1 ORDER BY id", ())
}

/// A unit's own indicators: active first, then by name.
pub fn of_unit(db: Read<'_>, unit_id: i64) -> Result<Vec<Indicator>> {
    indicators(db, "owner_unit_id = ?1 ORDER BY active DESC, name, id", [unit_id])
}

/// Names of the indicators the goals of a plan year measure, by name.
pub fn names_measuring_year(db: Read<'_>, year: i32) -> Result<Vec<String>> {
    let mut stmt = db.conn().prepare_cached(
        "SELECT DISTINCT i.name FROM indicator i JOIN goal_indicator gi ON gi.indicator_id = i.id
         JOIN goal g ON g.id = gi.goal_id WHERE g.plan_year=?1 ORDER BY i.name",
    )?;
    let rows = stmt.query_map([year], |r| r.get(0))?.collect::<super::sql::Result<Vec<String>>>()?;
    Ok(rows)
}

/// An indicator's targets with their yellow limits, oldest year first.
pub fn target_rows(db: Read<'_>, indicator_id: i64) -> Result<Vec<Target>> {
    let mut stmt =
        db.conn().prepare_cached("SELECT year, target, yellow_limit FROM indicator_target WHERE indicator_id = ?1 ORDER BY year")?;
    let rows = stmt
        .query_map([indicator_id], |r| Ok(Target { year: r.get(0)?, target: r.get(1)?, yellow_limit: r.get(2)? }))?
        .collect::<super::sql::Result<Vec<_>>>()?;
    Ok(rows)
}

/// The goals of plan year `year` an indicator measures (ids, ascending).
pub fn goal_ids_in_year(db: Read<'_>, indicator_id: i64, year: i32) -> Result<Vec<i64>> {
    let mut stmt = db.conn().prepare_cached(
        "SELECT gi.goal_id FROM goal_indicator gi JOIN goal g ON g.id = gi.goal_id
         WHERE gi.indicator_id = ?1 AND g.plan_year = ?2 ORDER BY gi.goal_id",
    )?;
    let rows = stmt.query_map(params![indicator_id, year], |r| r.get(0))?.collect::<super::sql::Result<Vec<i64>>>()?;
    Ok(rows)
}

/// How many indicators a goal is measured by.
pub fn count_of_goal(db: Read<'_>, goal_id: i64) -> Result<i64> {
    Ok(db.conn().query_row("SELECT COUNT(*) FROM goal_indicator WHERE goal_id=?1", [goal_id], |r| r.get(0))?)
}

/// Targets of year `from` that copying the plan year into `to` would add: those of
/// indicators the goals of `from` measure that have no target for `to` yet.
pub fn targets_to_copy(db: Read<'_>, from: i32, to: i32) -> Result<i64> {
    Ok(db.conn().query_row(
        "SELECT COUNT(*) FROM indicator_target t WHERE t.year=?1 AND t.indicator_id IN
           (SELECT gi.indicator_id FROM goal_indicator gi JOIN goal g ON g.id = gi.goal_id WHERE g.plan_year=?1)
         AND NOT EXISTS (SELECT 1 FROM indicator_target n WHERE n.indicator_id = t.indicator_id AND n.year=?2)",
        params![from, to],
        |r| r.get(0),
    )?)
}

/// Add an indicator.
pub fn insert(w: &mut Writer<'_>, i: NewIndicator) -> Result<i64> {
    let name = non_empty(("Nyckeltalets namn", "The indicator's name"), &i.name)?;
    check_decimals(i.decimals)?;
    check_tolerance(i.tolerance)?;
    let kpi = kolada_kpi_id(i.kolada_kpi_id.as_deref())?;
    if !exists(w.tx, "SELECT 1 FROM org_unit WHERE id=?1", i.owner_unit_id)? {
        return Err(AppError::not_found(msg!(
            "Enheten som ska äga nyckeltalet finns inte.",
            "The unit that should own the indicator does not exist."
        )));
    }
    let inserted_id = w.tx.insert_returning_id(
        "INSERT INTO indicator(name, description, unit, direction, decimals, kolada_kpi_id, owner_unit_id, frequency, gender_split, tolerance_kind, tolerance)
         VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11) RETURNING id",
        params![name, i.description.trim(), i.unit.trim(), i.direction, i.decimals, kpi, i.owner_unit_id, i.frequency, i.gender_split, i.tolerance_kind, i.tolerance],
    )?;
    let id = inserted_id;
    w.audit("insert", "indicator", id, None, Some(json!({"name": name, "unit": i.unit, "direction": i.direction, "kolada_kpi_id": kpi})))?;
    Ok(id)
}

/// Change the fields the indicator form edits (owner, frequency and gender split stay). With
/// [`Seen::Version`] it is refused with `conflict` (field `name`) unless the stored indicator
/// is the version the user loaded (checked in the `UPDATE` itself); every save counts the
/// version up.
pub fn update(w: &mut Writer<'_>, i: &Indicator, seen: Seen) -> Result<()> {
    let set = "UPDATE indicator SET name=?2, description=?3, unit=?4, direction=?5, decimals=?6, kolada_kpi_id=?7, tolerance_kind=?8, tolerance=?9, version=version + 1 WHERE id=?1";
    match seen {
        Seen::Unchecked => {
            w.tx.execute(
                set,
                params![i.id, i.name, i.description, i.unit, i.direction, i.decimals, i.kolada_kpi_id, i.tolerance_kind, i.tolerance],
            )?;
        }
        Seen::Version(version) => {
            let n = w.tx.execute(
                &format!("{set} AND version=?10"),
                params![
                    i.id,
                    i.name,
                    i.description,
                    i.unit,
                    i.direction,
                    i.decimals,
                    i.kolada_kpi_id,
                    i.tolerance_kind,
                    i.tolerance,
                    version
                ],
            )?;
            if n == 0 {
                return Err(refused(w, i.id)?);
            }
        }
    }
    w.audit("update", "indicator", i.id, None, Some(json!({"name": i.name, "unit": i.unit, "kolada_kpi_id": i.kolada_kpi_id})))
}

/// The refusal of a save over indicator `id` changed or removed by someone else since the
/// user loaded it.
pub(crate) fn refused(w: &Writer<'_>, id: i64) -> Result<AppError> {
    super::row_version::refused(w.read(), Thing::Indicator, "indicator", &id.to_string(), "name", &w.ctx.at)
}

/// Set who answers for an indicator (trimmed; empty = nobody), audited when it changes.
pub fn set_responsible(w: &mut Writer<'_>, id: i64, responsible: &str) -> Result<()> {
    let responsible = responsible.trim();
    let before: Option<String> = w.tx.query_row("SELECT responsible FROM indicator WHERE id=?1", [id], |r| r.get(0)).optional()?;
    if before.as_deref() == Some(responsible) {
        return Ok(());
    }
    w.tx.execute("UPDATE indicator SET responsible=?2, version=version + 1 WHERE id=?1", params![id, responsible])?;
    w.audit("update", "indicator", id, before.map(|b| json!({"responsible": b})), Some(json!({"responsible": responsible})))
}

/// An active indicator as the to-do list sees it: (id, owner unit, name, frequency, responsible).
pub type TodoIndicator = (i64, i64, String, Frequency, String);

/// Every active indicator as the to-do list (`todo`) sees it, by name.
pub fn active_for_todo(db: Read<'_>) -> Result<Vec<TodoIndicator>> {
    let mut stmt = db
        .conn()
        .prepare_cached("SELECT id, owner_unit_id, name, frequency, responsible FROM indicator WHERE active=1 ORDER BY name, id")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?.collect::<super::sql::Result<_>>()?;
    Ok(rows)
}

/// Deactivate or reactivate an indicator; its values and targets stay.
pub fn set_active(w: &mut Writer<'_>, id: i64, active: bool) -> Result<()> {
    w.tx.execute("UPDATE indicator SET active=?2, version=version + 1 WHERE id=?1", params![id, active])?;
    w.audit("update", "indicator", id, None, Some(json!({"active": active})))
}

/// Set an indicator's target for a year (and its explicit yellow limit, if any).
pub fn set_target(w: &mut Writer<'_>, indicator_id: i64, year: i32, target: f64, yellow_limit: Option<f64>) -> Result<()> {
    if !target.is_finite() || yellow_limit.is_some_and(|l| !l.is_finite()) {
        return Err(AppError::validation(msg!("Målvärdet måste vara ett tal.", "The target must be a number.")));
    }
    let before: Option<f64> =
        w.tx.query_row("SELECT target FROM indicator_target WHERE indicator_id=?1 AND year=?2", params![indicator_id, year], |r| r.get(0))
            .optional()?;
    w.tx.execute(
        "INSERT INTO indicator_target(indicator_id, year, target, yellow_limit) VALUES (?1,?2,?3,?4)
         ON CONFLICT(indicator_id, year) DO UPDATE SET target=excluded.target, yellow_limit=excluded.yellow_limit",
        params![indicator_id, year, target, yellow_limit],
    )?;
    w.audit(
        if before.is_some() { "update" } else { "insert" },
        "indicator_target",
        format!("{indicator_id}/{year}"),
        before.map(|b| json!({"target": b})),
        Some(json!({"target": target, "yellow_limit": yellow_limit})),
    )
}

/// Give an indicator exactly these targets: years left out lose theirs.
pub fn set_targets(w: &mut Writer<'_>, indicator_id: i64, targets: &[Target]) -> Result<()> {
    let kept: BTreeSet<i32> = targets.iter().map(|t| t.year).collect();
    for old in target_rows(w.read(), indicator_id)?.into_iter().filter(|t| !kept.contains(&t.year)) {
        w.tx.execute("DELETE FROM indicator_target WHERE indicator_id = ?1 AND year = ?2", params![indicator_id, old.year])?;
        w.audit("delete", "indicator_target", format!("{indicator_id}/{}", old.year), Some(json!({"target": old.target})), None)?;
    }
    for t in targets {
        set_target(w, indicator_id, t.year, t.target, t.yellow_limit)?;
    }
    Ok(())
}

/// Link an indicator to a goal it measures (last in the goal's order).
pub fn link_goal(w: &mut Writer<'_>, goal_id: i64, indicator_id: i64) -> Result<()> {
    if !exists(w.tx, "SELECT 1 FROM goal WHERE id=?1", goal_id)? {
        return Err(AppError::not_found(msg!("Målet (id {goal_id}) finns inte.", "The goal (id {goal_id}) does not exist.")));
    }
    let sort: i64 = w.tx.query_row("SELECT COALESCE(MAX(sort_order),0)+1 FROM goal_indicator WHERE goal_id=?1", [goal_id], |r| r.get(0))?;
    let n = w.tx.execute(
        "INSERT INTO goal_indicator(goal_id, indicator_id, sort_order) VALUES (?1,?2,?3) ON CONFLICT DO NOTHING",
        params![goal_id, indicator_id, sort],
    )?;
    if n > 0 {
        w.audit("insert", "goal_indicator", format!("{goal_id}/{indicator_id}"), None, None)?;
    }
    Ok(())
}

/// Make an indicator measure exactly these goals of plan year `year` (links in other years
/// stay); one audit row when the links change.
pub fn set_goals_in_year(w: &mut Writer<'_>, indicator_id: i64, year: i32, goal_ids: &BTreeSet<i64>) -> Result<()> {
    let before = goal_ids_in_year(w.read(), indicator_id, year)?;
    for old in before.iter().filter(|g| !goal_ids.contains(g)) {
        w.tx.execute("DELETE FROM goal_indicator WHERE indicator_id = ?1 AND goal_id = ?2", params![indicator_id, old])?;
    }
    for g in goal_ids.iter().filter(|g| !before.contains(g)) {
        // Last in the goal's order, as `link_goal` puts it.
        let sort: i64 = w.tx.query_row("SELECT COALESCE(MAX(sort_order),0)+1 FROM goal_indicator WHERE goal_id=?1", [g], |r| r.get(0))?;
        w.tx.execute("INSERT INTO goal_indicator(goal_id, indicator_id, sort_order) VALUES (?1, ?2, ?3)", params![g, indicator_id, sort])?;
    }
    let after: Vec<i64> = goal_ids.iter().copied().collect();
    if before != after {
        w.audit(
            "update",
            "goal_indicator",
            indicator_id,
            Some(json!({"year": year, "goals": before})),
            Some(json!({"year": year, "goals": after})),
        )?;
    }
    Ok(())
}

/// Copy the indicator links of copied goals (old goal id → new) and the targets of `from`
/// that `to` lacks, for the indicators the new goals measure. One audit row.
pub fn copy_for_goals(w: &mut Writer<'_>, from: i32, to: i32, goals: &HashMap<i64, i64>) -> Result<()> {
    for (old, new) in goals {
        w.tx.execute(
            "INSERT INTO goal_indicator(goal_id, indicator_id, sort_order) SELECT ?2, indicator_id, sort_order FROM goal_indicator WHERE goal_id=?1",
            params![old, new],
        )?;
    }
    let targets = w.tx.execute(
        "INSERT INTO indicator_target(indicator_id, year, target, yellow_limit)
         SELECT t.indicator_id, ?2, t.target, t.yellow_limit FROM indicator_target t WHERE t.year=?1 AND t.indicator_id IN
           (SELECT gi.indicator_id FROM goal_indicator gi JOIN goal g ON g.id = gi.goal_id WHERE g.plan_year=?2)
         AND NOT EXISTS (SELECT 1 FROM indicator_target n WHERE n.indicator_id = t.indicator_id AND n.year=?2)",
        params![from, to],
    )?;
    w.audit("insert", "indicator_target", format!("{from}->{to}"), None, Some(json!({"targets": targets})))
}

// Reads for the scorecard, the red thread and the reports. Sets of ids are one JSON array.

/// [`INDICATOR_COLUMNS`] of the table aliased `i`.
fn indicator_columns_of_i() -> String {
    INDICATOR_COLUMNS.split(", ").map(|c| format!("i.{c}")).collect::<Vec<_>>().join(", ")
}

/// The active indicators of `goals`: (goal, indicator), by goal, then in the goal's order.
pub fn of_goals(db: Read<'_>, goals: &[i64]) -> Result<Vec<(i64, crate::model::Indicator)>> {
    let mut stmt = db.conn().prepare_cached(&format!(
        "SELECT {}, gi.goal_id FROM goal_indicator gi JOIN indicator i ON i.id = gi.indicator_id
         WHERE gi.goal_id IN (SELECT CAST(value AS BIGINT) FROM json_each(?1)) AND i.active = 1 ORDER BY gi.goal_id, gi.sort_order, i.name, i.id",
        indicator_columns_of_i()
    ))?;
    let rows = stmt
        .query_map([super::ids::list(goals.iter().copied())], |r| Ok((r.get(15)?, indicator_from_row(r)?)))?
        .collect::<super::sql::Result<Vec<_>>>()?;
    Ok(rows)
}

/// The indicators with these ids (active or not), in no particular order.
pub fn by_ids(db: Read<'_>, ids: &[i64]) -> Result<Vec<crate::model::Indicator>> {
    let mut stmt = db.conn().prepare_cached(&format!(
        "SELECT {INDICATOR_COLUMNS} FROM indicator i WHERE i.id IN (SELECT CAST(value AS BIGINT) FROM json_each(?1))"
    ))?;
    let rows = stmt.query_map([super::ids::list(ids.iter().copied())], indicator_from_row)?.collect::<super::sql::Result<Vec<_>>>()?;
    Ok(rows)
}

/// Above this many indicators, [`targets_of`] reads the years' targets whole and keeps those
/// asked for: one pass over the table is cheaper than a key lookup per indicator.
const WHOLE_TARGETS_ABOVE: usize = 500;

/// The targets of `ids` for `years` (every year with `None`): (indicator, year) → target.
pub fn targets_of(db: Read<'_>, ids: &[i64], years: Option<&[i32]>) -> Result<rustc_hash::FxHashMap<(i64, i32), crate::model::Target>> {
    read_targets(db, ids, years, ids.len() > WHOLE_TARGETS_ABOVE)
}

fn read_targets(
    db: Read<'_>,
    ids: &[i64],
    years: Option<&[i32]>,
    whole: bool,
) -> Result<rustc_hash::FxHashMap<(i64, i32), crate::model::Target>> {
    let years = years.map(|y| super::ids::list(y.iter().map(|y| i64::from(*y))));
    let target = |r: &super::sql::Row<'_>| -> super::sql::Result<((i64, i32), crate::model::Target)> {
        Ok(((r.get(0)?, r.get(1)?), crate::model::Target { year: r.get(1)?, target: r.get(2)?, yellow_limit: r.get(3)? }))
    };
    let mut out = rustc_hash::FxHashMap::default();
    if whole {
        let wanted: rustc_hash::FxHashSet<i64> = ids.iter().copied().collect();
        let mut stmt = db.conn().prepare_cached(
            "SELECT indicator_id, year, target, yellow_limit FROM indicator_target
             WHERE CAST(?1 AS TEXT) IS NULL OR year IN (SELECT CAST(value AS BIGINT) FROM json_each(CAST(?1 AS TEXT)))",
        )?;
        let mut rows = stmt.query([years])?;
        while let Some(r) = rows.next()? {
            if wanted.contains(&r.get(0)?) {
                let (key, t) = target(&r)?;
                out.insert(key, t);
            }
        }
    } else {
        let mut stmt = db.conn().prepare_cached(
            "SELECT indicator_id, year, target, yellow_limit FROM indicator_target
             WHERE indicator_id IN (SELECT CAST(value AS BIGINT) FROM json_each(?1)) AND (CAST(?2 AS TEXT) IS NULL OR year IN (SELECT CAST(value AS BIGINT) FROM json_each(CAST(?2 AS TEXT))))",
        )?;
        let mut rows = stmt.query(super::sql::params![super::ids::list(ids.iter().copied()), years])?;
        while let Some(r) = rows.next()? {
            let (key, t) = target(&r)?;
            out.insert(key, t);
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------------------
// Follow-up: the value grid, checks of typed cells, completeness, "styr mot rött",
// exchange files, the Kolada fetch and generated data.

/// An active indicator as a row of its owner's value grid.
#[derive(Debug, Clone, PartialEq)]
pub struct GridIndicator {
    pub id: i64,
    pub name: String,
    pub unit: String,
    pub decimals: i32,
    pub direction: Direction,
    pub gender_split: bool,
}

/// The active indicators a unit owns, by name.
pub fn active_of_owner(db: Read<'_>, unit_id: i64) -> Result<Vec<GridIndicator>> {
    let mut stmt = db.conn().prepare(
        "SELECT id, name, unit, decimals, direction, gender_split FROM indicator WHERE owner_unit_id=?1 AND active=1 ORDER BY name, id",
    )?;
    let rows = stmt
        .query_map([unit_id], |r| {
            Ok(GridIndicator {
                id: r.get(0)?,
                name: r.get(1)?,
                unit: r.get(2)?,
                decimals: r.get(3)?,
                direction: r.get(4)?,
                gender_split: r.get(5)?,
            })
        })?
        .collect::<super::sql::Result<_>>()?;
    Ok(rows)
}

/// The target of an indicator for one year.
pub fn target_in(db: Read<'_>, indicator_id: i64, year: i32) -> Result<Option<f64>> {
    Ok(db
        .conn()
        .prepare_cached("SELECT target FROM indicator_target WHERE indicator_id=?1 AND year=?2")?
        .query_row(params![indicator_id, year], |r| r.get(0))
        .optional()?)
}

/// Where an indicator's values go: (owner unit, split by gender, active); `None` when it
/// does not exist.
pub fn placement(db: Read<'_>, indicator_id: i64) -> Result<Option<(i64, bool, bool)>> {
    Ok(db
        .conn()
        .prepare_cached("SELECT owner_unit_id, gender_split, active FROM indicator WHERE id=?1")?
        .query_row([indicator_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?)
}

/// Every active indicator with its owner unit, by name.
pub fn active_with_owner(db: Read<'_>) -> Result<Vec<(i64, i64)>> {
    let mut stmt = db.conn().prepare("SELECT id, owner_unit_id FROM indicator WHERE active=1 ORDER BY name, id")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<super::sql::Result<_>>()?;
    Ok(rows)
}

/// Per active indicator: (owner unit, frequency, has a total value from its owner in
/// `period_id`), for the completeness overview.
pub fn values_delivered(db: Read<'_>, period_id: i64) -> Result<Vec<(i64, Frequency, bool)>> {
    let mut stmt = db.conn().prepare(
        "SELECT i.owner_unit_id, i.frequency,
                EXISTS(SELECT 1 FROM indicator_value v WHERE v.indicator_id=i.id AND v.org_unit_id=i.owner_unit_id AND v.period_id=?1 AND v.gender='T')
         FROM indicator i WHERE i.active=1",
    )?;
    let rows = stmt.query_map([period_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect::<super::sql::Result<_>>()?;
    Ok(rows)
}

/// Every indicator a unit owns, active or not: (id, name, split by gender), by name.
pub fn of_owner(db: Read<'_>, unit_id: i64) -> Result<Vec<(i64, String, bool)>> {
    let mut stmt = db.conn().prepare("SELECT id, name, gender_split FROM indicator WHERE owner_unit_id=?1 ORDER BY name, id")?;
    let rows = stmt.query_map([unit_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect::<super::sql::Result<_>>()?;
    Ok(rows)
}

/// An indicator's name.
pub fn name(db: Read<'_>, indicator_id: i64) -> Result<String> {
    db.conn().query_row("SELECT name FROM indicator WHERE id=?1", [indicator_id], |r| r.get(0)).optional()?.ok_or_else(|| {
        AppError::not_found(msg!("Nyckeltalet (id {indicator_id}) finns inte.", "The indicator (id {indicator_id}) does not exist."))
    })
}

/// The Kolada KPI ids of the active indicators (upper case, each once, sorted).
pub fn kolada_ids_in_use(db: Read<'_>) -> Result<Vec<String>> {
    let mut stmt = db.conn().prepare(
        "SELECT DISTINCT upper(kolada_kpi_id) FROM indicator WHERE kolada_kpi_id IS NOT NULL AND trim(kolada_kpi_id) <> '' AND active = 1 ORDER BY 1",
    )?;
    let rows = stmt.query_map([], |r| r.get(0))?.collect::<super::sql::Result<_>>()?;
    Ok(rows)
}

/// Inserts generated targets (the `tools` generator): one prepared statement in the
/// writer's transaction, no audit row (the generator writes one per bulk step).
#[cfg(feature = "tools")]
pub(crate) struct GeneratedTargets<'t> {
    stmt: super::sql::Statement<'t>,
}

#[cfg(feature = "tools")]
impl<'t> GeneratedTargets<'t> {
    pub(crate) fn new(w: &super::Writer<'t>) -> Result<Self> {
        Ok(Self { stmt: w.tx.prepare_cached("INSERT INTO indicator_target(indicator_id, year, target) VALUES (?1,?2,?3)")? })
    }

    pub(crate) fn add(&mut self, indicator_id: i64, year: i32, target: f64) -> Result<()> {
        self.stmt.execute(params![indicator_id, year, target])?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::read_targets;
    use crate::store::{ChangeContext, Store};

    /// Reading the years' targets whole and filtering (many indicators) finds exactly what a
    /// lookup per indicator finds (a few), with and without a year filter.
    #[test]
    fn targets_read_whole_are_the_same_as_targets_looked_up_by_indicator() {
        let mut store = Store::open_in_memory().unwrap();
        crate::seed::load_demo(&mut store, &ChangeContext::new("test", "2026-12-02T10:00:00")).unwrap();
        let ids: Vec<i64> =
            store.conn().prepare("SELECT id FROM indicator").unwrap().query_map([], |r| r.get(0)).unwrap().map(|r| r.unwrap()).collect();
        // Every other indicator, so targets of indicators not asked for are present too.
        let ids: Vec<i64> = ids.into_iter().step_by(2).collect();
        for years in [None, Some(&[2025, 2026][..]), Some(&[2026][..])] {
            let by_indicator = read_targets(store.read(), &ids, years, false).unwrap();
            let whole = read_targets(store.read(), &ids, years, true).unwrap();
            assert_eq!(by_indicator, whole, "years {years:?}");
            assert!(by_indicator.len() > 5, "the demo has targets to compare: {}", by_indicator.len());
        }
    }
}
