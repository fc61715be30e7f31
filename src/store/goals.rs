//! Repository for `goal` and `goal_link` (KF-mål, nämndmål, enhetsmål and the röda tråden
//! between them).

use std::collections::{BTreeSet, HashMap};

use super::sql::{params, OptionalExtension, Row};
use serde_json::json;

use super::row_version::{Seen, Thing};
use super::{non_empty, Read, Writer};
use crate::error::{AppError, Result};
use crate::model::{AssessmentState, Goal, GoalLevel, NewGoal, UnitKind};
use crate::msg;

// Planning: goals, their links upwards, and the reads the plan page, the copy and the
// delete preview make.

const GOAL_COLUMNS: &str = "id, plan_year, level, perspective_id, owner_unit_id, code, title, description, sort_order, active, version";

fn goal_from_row(r: &Row<'_>) -> super::sql::Result<Goal> {
    Ok(Goal {
        id: r.get(0)?,
        plan_year: r.get(1)?,
        level: r.get(2)?,
        perspective_id: r.get(3)?,
        owner_unit_id: r.get(4)?,
        code: r.get(5)?,
        title: r.get(6)?,
        description: r.get(7)?,
        sort_order: r.get(8)?,
        active: r.get(9)?,
        version: r.get(10)?,
    })
}

fn goals(db: Read<'_>, condition: &str, args: impl super::sql::Params) -> Result<Vec<Goal>> {
    let mut stmt = db.conn().prepare_cached(&format!("SELECT {GOAL_COLUMNS} FROM goal WHERE {condition}"))?;
    let rows = stmt.query_map(args, goal_from_row)?.collect::<super::sql::Result<Vec<_>>>()?;
    Ok(rows)
}

/// One goal; not found names its id.
pub fn get(db: Read<'_>, id: i64) -> Result<Goal> {
    goals(db, "id=?1", [id])?
        .pop()
        .ok_or_else(|| AppError::not_found(msg!("Målet (id {id}) finns inte.", "The goal (id {id}) does not exist.")))
}

/// Every goal (all years), by id.
pub fn all(db: Read<'_>) -> Result<Vec<Goal>> {
    goals(db, "1 = 1 ORDER BY id", ())
}

/// The goals of a plan year, by id.
pub fn of_year(db: Read<'_>, year: i32) -> Result<Vec<Goal>> {
    goals(db, "plan_year=?1 ORDER BY id", [year])
}

/// A unit's own goals of a plan year, in their order.
pub fn of_unit(db: Read<'_>, unit_id: i64, year: i32) -> Result<Vec<Goal>> {
    goals(db, "owner_unit_id=?1 AND plan_year=?2 ORDER BY sort_order, id", params![unit_id, year])
}

/// The goals that use a perspective, by id.
pub fn of_perspective(db: Read<'_>, perspective_id: i64) -> Result<Vec<Goal>> {
    goals(db, "perspective_id=?1 ORDER BY id", [perspective_id])
}

/// The goals of a plan year with their owner's name: KF-mål first, then nämndmål and
/// enhetsmål, each in the organisation's order.
pub fn of_year_with_owner(db: Read<'_>, year: i32) -> Result<Vec<(Goal, String)>> {
    let columns = GOAL_COLUMNS.split(", ").map(|c| format!("g.{c}")).collect::<Vec<_>>().join(", ");
    let mut stmt = db.conn().prepare_cached(&format!(
        "SELECT {columns}, o.name FROM goal g JOIN org_unit o ON o.id = g.owner_unit_id WHERE g.plan_year = ?1
         ORDER BY CASE g.level WHEN 'kf' THEN 0 WHEN 'namnd' THEN 1 ELSE 2 END, o.sort_order, o.name, g.sort_order, g.id"
    ))?;
    let rows = stmt.query_map([year], |r| Ok((goal_from_row(r)?, r.get(11)?)))?.collect::<super::sql::Result<Vec<_>>>()?;
    Ok(rows)
}

/// Active nämnd and unit goals of a plan year linked to nothing above ("lös tråd"), with
/// their owner's name, by owner, code and title.
pub fn loose(db: Read<'_>, year: i32) -> Result<Vec<(Goal, String)>> {
    let columns = GOAL_COLUMNS.split(", ").map(|c| format!("g.{c}")).collect::<Vec<_>>().join(", ");
    let mut stmt = db.conn().prepare_cached(&format!(
        "SELECT {columns}, u.name FROM goal g JOIN org_unit u ON u.id = g.owner_unit_id
         WHERE g.plan_year=?1 AND g.level IN ('namnd','enhet') AND g.active = 1
           AND NOT EXISTS (SELECT 1 FROM goal_link l WHERE l.child_goal_id = g.id)
         ORDER BY u.name, g.code, g.title, g.id"
    ))?;
    let rows = stmt.query_map([year], |r| Ok((goal_from_row(r)?, r.get(11)?)))?.collect::<super::sql::Result<Vec<_>>>()?;
    Ok(rows)
}

/// The goals a goal is linked to above it (ids, ascending).
pub fn parent_ids(db: Read<'_>, id: i64) -> Result<Vec<i64>> {
    let mut stmt = db.conn().prepare_cached("SELECT parent_goal_id FROM goal_link WHERE child_goal_id = ?1 ORDER BY parent_goal_id")?;
    let rows = stmt.query_map([id], |r| r.get(0))?.collect::<super::sql::Result<Vec<i64>>>()?;
    Ok(rows)
}

/// The goals linked above (`parents`) and below a goal, as "code title", by code.
pub fn linked_names(db: Read<'_>, id: i64) -> Result<(Vec<String>, Vec<String>)> {
    let names = |sql: &str| -> Result<Vec<String>> {
        let mut stmt = db.conn().prepare_cached(sql)?;
        let rows = stmt
            .query_map([id], |r| Ok(crate::model::goal_name(&r.get::<_, String>(0)?, &r.get::<_, String>(1)?)))?
            .collect::<super::sql::Result<Vec<_>>>()?;
        Ok(rows)
    };
    Ok((
        names("SELECT g.code, g.title FROM goal_link l JOIN goal g ON g.id = l.parent_goal_id WHERE l.child_goal_id=?1 ORDER BY g.code")?,
        names("SELECT g.code, g.title FROM goal_link l JOIN goal g ON g.id = l.child_goal_id WHERE l.parent_goal_id=?1 ORDER BY g.code")?,
    ))
}

/// Links between goals of a plan year.
pub fn links_of_year(db: Read<'_>, year: i32) -> Result<i64> {
    Ok(db
        .conn()
        .query_row("SELECT COUNT(*) FROM goal_link l JOIN goal g ON g.id = l.child_goal_id WHERE g.plan_year=?1", [year], |r| r.get(0))?)
}

/// Add a goal last among its owner's goals of the year. A KF-mål is owned by the kommun.
pub fn insert(w: &mut Writer<'_>, g: NewGoal) -> Result<i64> {
    let title = non_empty(("Målets rubrik", "The goal's title"), &g.title)?;
    super::plan::require_year(w.read(), g.plan_year)?;
    let p_year: Option<i32> =
        w.tx.query_row("SELECT plan_year FROM perspective WHERE id=?1", [g.perspective_id], |r| r.get(0)).optional()?;
    match p_year {
        None => {
            return Err(AppError::not_found(msg!(
                "Perspektivet finns inte. Välj ett av planårets perspektiv.",
                "The perspective does not exist. Choose one of the plan year's perspectives."
            )))
        }
        Some(y) if y != g.plan_year => {
            return Err(AppError::validation(msg!(
                "Perspektivet hör till planåret {y}, inte {}.",
                "The perspective belongs to plan year {y}, not {}.",
                g.plan_year
            )))
        }
        _ => {}
    }
    let kind: Option<UnitKind> = w.tx.query_row("SELECT kind FROM org_unit WHERE id=?1", [g.owner_unit_id], |r| r.get(0)).optional()?;
    let Some(kind) = kind else {
        return Err(AppError::not_found(msg!(
            "Enheten som ska äga målet finns inte.",
            "The unit that should own the goal does not exist."
        )));
    };
    if g.level == GoalLevel::Kf && kind != UnitKind::Kommun {
        return Err(AppError::validation(msg!(
            "KF-mål beslutas av kommunfullmäktige och ska ägas av kommunen.",
            "Council goals are decided by the municipal council (kommunfullmäktige) and must be owned by the municipality."
        )));
    }
    let sort: i64 = w.tx.query_row(
        "SELECT COALESCE(MAX(sort_order), 0) + 1 FROM goal WHERE plan_year=?1 AND owner_unit_id=?2",
        params![g.plan_year, g.owner_unit_id],
        |r| r.get(0),
    )?;
    let inserted_id = w.tx.insert_returning_id(
        "INSERT INTO goal(plan_year, level, perspective_id, owner_unit_id, code, title, description, sort_order) VALUES (?1,?2,?3,?4,?5,?6,?7,?8) RETURNING id",
        params![g.plan_year, g.level, g.perspective_id, g.owner_unit_id, g.code.trim(), title, g.description.trim(), sort],
    )?;
    let id = inserted_id;
    w.audit(
        "insert",
        "goal",
        id,
        None,
        Some(json!({"plan_year": g.plan_year, "level": g.level, "code": g.code, "title": title, "owner_unit_id": g.owner_unit_id})),
    )?;
    Ok(id)
}

/// Change a goal's code, title, description and perspective. With [`Seen::Version`] it is
/// refused with `conflict` (field `title`) unless the stored goal is the version the user
/// loaded (checked in the `UPDATE` itself); every save counts the version up.
pub fn update(w: &mut Writer<'_>, id: i64, code: &str, title: &str, description: &str, perspective_id: i64, seen: Seen) -> Result<()> {
    let set = "UPDATE goal SET code = ?2, title = ?3, description = ?4, perspective_id = ?5, version = version + 1 WHERE id = ?1";
    match seen {
        Seen::Unchecked => {
            w.tx.execute(set, params![id, code, title, description, perspective_id])?;
        }
        Seen::Version(version) => {
            let n = w.tx.execute(&format!("{set} AND version = ?6"), params![id, code, title, description, perspective_id, version])?;
            if n == 0 {
                return Err(refused(w, id)?);
            }
        }
    }
    w.audit("update", "goal", id, None, Some(json!({"code": code, "title": title})))
}

/// The refusal of a save over goal `id` changed or removed by someone else since the user
/// loaded it.
pub(crate) fn refused(w: &Writer<'_>, id: i64) -> Result<AppError> {
    super::row_version::refused(w.read(), Thing::Goal, "goal", &id.to_string(), "title", &w.ctx.at)
}

fn level_rank(level: GoalLevel) -> u8 {
    match level {
        GoalLevel::Kf => 3,
        GoalLevel::Namnd => 2,
        GoalLevel::Enhet => 1,
    }
}

/// Refused unless `parent` is of a higher level and the same plan year as `child`, so the
/// red thread can never loop.
fn check_link(db: Read<'_>, child: i64, parent: i64) -> Result<()> {
    let (c, p) = (get(db, child)?, get(db, parent)?);
    if c.plan_year != p.plan_year {
        return Err(AppError::validation(msg!(
            "'{}' och '{}' hör till olika planår och kan inte kopplas.",
            "'{}' and '{}' belong to different plan years and cannot be linked.",
            c.title,
            p.title
        )));
    }
    if level_rank(p.level) <= level_rank(c.level) {
        return Err(AppError::conflict(msg!(
            "'{}' kan bara kopplas till mål på en högre nivå (enhetsmål → nämndmål → KF-mål); '{}' är inte det.",
            "'{}' can only be linked to a goal on a higher level (unit goal → committee goal → council goal); '{}' is not one.",
            c.title,
            p.title
        )));
    }
    Ok(())
}

/// Link `child` to a goal it contributes to (see the level rule of [`check_link`]).
pub fn link(w: &mut Writer<'_>, child: i64, parent: i64) -> Result<()> {
    check_link(w.read(), child, parent)?;
    let n =
        w.tx.execute("INSERT INTO goal_link(child_goal_id, parent_goal_id) VALUES (?1,?2) ON CONFLICT DO NOTHING", params![child, parent])?;
    if n > 0 {
        w.audit("insert", "goal_link", format!("{child}->{parent}"), None, Some(json!({"child": child, "parent": parent})))?;
    }
    Ok(())
}

/// Link `child` to exactly these goals above it; one audit row when the links change.
pub fn set_parents(w: &mut Writer<'_>, child: i64, parents: &BTreeSet<i64>) -> Result<()> {
    let before = parent_ids(w.read(), child)?;
    for parent in parents {
        check_link(w.read(), child, *parent)?;
    }
    for old in before.iter().filter(|p| !parents.contains(p)) {
        w.tx.execute("DELETE FROM goal_link WHERE child_goal_id = ?1 AND parent_goal_id = ?2", params![child, old])?;
    }
    for parent in parents {
        w.tx.execute("INSERT INTO goal_link(child_goal_id, parent_goal_id) VALUES (?1,?2) ON CONFLICT DO NOTHING", params![child, parent])?;
    }
    let after: Vec<i64> = parents.iter().copied().collect();
    if before != after {
        w.audit("update", "goal_link", child, Some(json!({"parents": before})), Some(json!({"parents": after})))?;
    }
    Ok(())
}

/// Delete a goal; its links, indicator links, activity links and assessments go with it.
pub fn delete(w: &mut Writer<'_>, id: i64) -> Result<()> {
    let goal = get(w.read(), id)?;
    w.tx.execute("DELETE FROM goal WHERE id=?1", [id])?;
    w.audit("delete", "goal", id, Some(json!({"goal": goal.name()})), None)
}

/// Copy every goal of `from` into `to` (with `copied_from_id`, perspectives mapped by
/// `perspectives`), and the links between them; old id → new id. One audit row.
pub fn copy_year(w: &mut Writer<'_>, from: i32, to: i32, perspectives: &HashMap<i64, i64>) -> Result<HashMap<i64, i64>> {
    let mut map = HashMap::new();
    for g in of_year(w.read(), from)? {
        let p = perspectives.get(&g.perspective_id).copied().ok_or_else(|| {
            AppError::new(
                crate::error::ErrorCode::Internal,
                msg!("Ett perspektiv saknas i kopian.", "A perspective is missing from the copy."),
            )
        })?;
        let inserted_id = w.tx.insert_returning_id(
            "INSERT INTO goal(plan_year, level, perspective_id, owner_unit_id, code, title, description, sort_order, active, copied_from_id)
             VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10) RETURNING id",
            params![to, g.level, p, g.owner_unit_id, g.code, g.title, g.description, g.sort_order, g.active, g.id],
        )?;
        map.insert(g.id, inserted_id);
    }
    for (old, new) in &map {
        w.tx.execute(
            "INSERT INTO goal_link(child_goal_id, parent_goal_id)
             SELECT ?2, n.id FROM goal_link l JOIN goal n ON n.copied_from_id = l.parent_goal_id AND n.plan_year = ?3
             WHERE l.child_goal_id = ?1",
            params![old, new, to],
        )?;
    }
    w.audit("insert", "goal", format!("{from}->{to}"), None, Some(json!({"copied": map.len()})))?;
    Ok(map)
}

// Reads for the scorecard and the red thread. Sets of ids are one JSON array (`super::ids`).

/// The active goals of a plan year owned by `owners`, by owner, then in their set order.
pub fn owned_by(db: Read<'_>, year: i32, owners: &[i64]) -> Result<Vec<Goal>> {
    goals(
        db,
        "plan_year=?1 AND active=1 AND owner_unit_id IN (SELECT CAST(value AS BIGINT) FROM json_each(?2)) ORDER BY owner_unit_id, sort_order, id",
        super::sql::params![year, super::ids::list(owners.iter().copied())],
    )
}

/// The active goals linked below `goals`: (goal, goal below, its owner), by goal.
pub fn children(db: super::Read<'_>, goals: &[i64]) -> crate::error::Result<Vec<(i64, i64, i64)>> {
    if goals.is_empty() {
        return Ok(Vec::new());
    }
    let mut stmt = db.conn().prepare_cached(
        "SELECT l.parent_goal_id, g.id, g.owner_unit_id FROM goal_link l JOIN goal g ON g.id = l.child_goal_id
         WHERE l.parent_goal_id IN (SELECT CAST(value AS BIGINT) FROM json_each(?1)) AND g.active=1 ORDER BY l.parent_goal_id, g.id",
    )?;
    let rows = stmt
        .query_map([super::ids::list(goals.iter().copied())], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<super::sql::Result<Vec<_>>>()?;
    Ok(rows)
}

/// The goals each of `goals` contributes to: (goal, goal above), by goal, then level and order.
pub fn parents(db: super::Read<'_>, goals: &[i64]) -> crate::error::Result<Vec<(i64, crate::model::GoalRef)>> {
    let mut stmt = db.conn().prepare_cached(
        "SELECT l.child_goal_id, g.id, g.code, g.title, g.level FROM goal_link l JOIN goal g ON g.id = l.parent_goal_id
         WHERE l.child_goal_id IN (SELECT CAST(value AS BIGINT) FROM json_each(?1)) ORDER BY l.child_goal_id, g.level, g.sort_order, g.id",
    )?;
    let rows = stmt
        .query_map([super::ids::list(goals.iter().copied())], |r| {
            Ok((r.get(0)?, crate::model::GoalRef { id: r.get(1)?, code: r.get(2)?, title: r.get(3)?, level: r.get(4)? }))
        })?
        .collect::<super::sql::Result<Vec<_>>>()?;
    Ok(rows)
}

// ---------------------------------------------------------------------------
// Follow-up: goals an indicator measures, completeness of assessments, exchange checks.

/// The active goals of plan year `year` that an indicator measures, by code.
pub fn measured_by(db: Read<'_>, indicator_id: i64, year: i32) -> Result<Vec<crate::scorecard::GoalRef>> {
    let mut stmt = db.conn().prepare_cached(
        "SELECT g.id, g.code, g.title, g.level FROM goal_indicator gi JOIN goal g ON g.id = gi.goal_id
         WHERE gi.indicator_id=?1 AND g.plan_year=?2 AND g.active=1 ORDER BY g.code, g.id",
    )?;
    let rows = stmt
        .query_map(params![indicator_id, year], |r| {
            Ok(crate::scorecard::GoalRef { id: r.get(0)?, code: r.get(1)?, title: r.get(2)?, level: r.get(3)? })
        })?
        .collect::<super::sql::Result<_>>()?;
    Ok(rows)
}

/// A goal's delivery for a period: (owner unit, assessed on the scale, has an analysis,
/// review state) of its owner's assessment (`None`s without one).
pub type AssessmentDelivery = (i64, Option<bool>, Option<bool>, Option<AssessmentState>);

/// Per active goal of plan year `year`, its delivery in `period_id`, for the completeness
/// overview.
pub fn assessment_delivery(db: Read<'_>, period_id: i64, year: i32) -> Result<Vec<AssessmentDelivery>> {
    let mut stmt = db.conn().prepare(
        "SELECT g.owner_unit_id, a.step IS NOT NULL, COALESCE(length(trim(a.analysis)), 0) > 0, a.state
         FROM goal g LEFT JOIN assessment a ON a.goal_id=g.id AND a.org_unit_id=g.owner_unit_id AND a.period_id=?1
         WHERE g.plan_year=?2 AND g.active=1",
    )?;
    let rows = stmt
        .query_map(params![period_id, year], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<super::sql::Result<_>>()?;
    Ok(rows)
}

/// A goal's assessment by its owner in a period, for the to-do list (`todo`).
#[derive(Debug, Clone, PartialEq)]
pub struct GoalAssessment {
    pub goal_id: i64,
    pub owner_unit_id: i64,
    /// "KF1 Trygg uppväxt" (code and title).
    pub name: String,
    /// `None` when there is no assessment yet.
    pub state: Option<AssessmentState>,
    /// A step is chosen or an analysis is written.
    pub started: bool,
    pub review_comment: String,
}

/// Every active goal of plan year `year` with its owner's assessment in `period_id` (one
/// statement for all units).
pub fn assessments_of_period(db: Read<'_>, period_id: i64, year: i32) -> Result<Vec<GoalAssessment>> {
    let mut stmt = db.conn().prepare_cached(
        "SELECT g.id, g.owner_unit_id, g.code, g.title, a.state,
                CASE WHEN a.step IS NOT NULL OR length(trim(a.analysis)) > 0 THEN 1 ELSE 0 END, COALESCE(a.review_comment, '')
         FROM goal g LEFT JOIN assessment a ON a.goal_id=g.id AND a.org_unit_id=g.owner_unit_id AND a.period_id=?1
         WHERE g.plan_year=?2 AND g.active=1 ORDER BY g.owner_unit_id, g.code, g.title, g.id",
    )?;
    let rows = stmt
        .query_map(params![period_id, year], |r| {
            let (code, title): (String, String) = (r.get(2)?, r.get(3)?);
            Ok(GoalAssessment {
                goal_id: r.get(0)?,
                owner_unit_id: r.get(1)?,
                name: crate::model::goal_name(&code, &title),
                state: r.get(4)?,
                started: r.get(5)?,
                review_comment: r.get(6)?,
            })
        })?
        .collect::<super::sql::Result<_>>()?;
    Ok(rows)
}

/// A goal's owner unit and plan year.
pub fn owner_and_year(db: Read<'_>, goal_id: i64) -> Result<Option<(i64, i32)>> {
    Ok(db
        .conn()
        .query_row("SELECT owner_unit_id, plan_year FROM goal WHERE id=?1", [goal_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?)
}

/// A goal as "code title" (the title alone when it has no code).
pub fn code_and_title(db: Read<'_>, goal_id: i64) -> Result<String> {
    db.conn()
        .query_row("SELECT trim(code || ' ' || title) FROM goal WHERE id=?1", [goal_id], |r| r.get(0))
        .optional()?
        .ok_or_else(|| AppError::not_found(msg!("Målet (id {goal_id}) finns inte.", "The goal (id {goal_id}) does not exist.")))
}

/// The unit owning the most goals in plan year `year` (the lowest id of equals), with how
/// many (the benchmarks' busiest scorecard).
pub fn busiest_owner(db: Read<'_>, year: i32) -> Result<Option<(i64, i64)>> {
    Ok(db
        .conn()
        .query_row(
            "SELECT owner_unit_id, COUNT(*) AS n FROM goal WHERE plan_year=?1 GROUP BY owner_unit_id ORDER BY n DESC, owner_unit_id LIMIT 1",
            [year],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?)
}
