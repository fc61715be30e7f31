//! Repository for `assessment`: a goal's bedömning and analys per unit and period, and its
//! review state.

use super::sql::{params, OptionalExtension};
use serde_json::{json, Value};

use super::row_version::{self, Seen, Statements, Subject, Thing};
use super::{Read, Writer};
use crate::error::{AppError, Result};
use crate::model::AssessmentState;
use crate::msg;

// Planning: what a goal deletion or a smaller scale would take with it.

/// How many assessments a goal has (all units and periods).
pub fn count_of_goal(db: Read<'_>, goal_id: i64) -> Result<i64> {
    Ok(db.conn().query_row("SELECT COUNT(*) FROM assessment WHERE goal_id=?1", [goal_id], |r| r.get(0))?)
}

/// How many assessments of plan year `year`'s goals use a step above `steps`.
pub fn count_above_step(db: Read<'_>, year: i32, steps: i32) -> Result<i64> {
    Ok(db.conn().query_row(
        "SELECT COUNT(*) FROM assessment a JOIN goal g ON g.id = a.goal_id WHERE g.plan_year=?1 AND a.step > ?2",
        params![year, steps],
        |r| r.get(0),
    )?)
}

// Reads for the scorecard. Sets of ids are one JSON array.

/// The list of goals is the outer loop and each goal is found by the primary key; with
/// `goal_id IN (…)`, or without the `+` that keeps the period index out, SQLite walked the
/// whole period's assessments for every unit's scorecard.
const OF_GOALS_IN_PERIOD: &str = "SELECT a.goal_id, a.org_unit_id, a.step, a.analysis, a.state, a.version FROM json_each(?2) j
     CROSS JOIN assessment a WHERE a.goal_id = CAST(j.value AS BIGINT) AND +a.period_id = ?1";

/// Above this many goals, [`of_goals_in_period`] reads the period's assessments whole through
/// its index and keeps those asked for, rather than looking up each goal.
const WHOLE_PERIOD_ABOVE: usize = 500;

/// The assessments of `goals` (by any unit) in a period.
pub fn of_goals_in_period(db: super::Read<'_>, period_id: i64, goals: &[i64]) -> crate::error::Result<Vec<crate::model::Assessment>> {
    read_of_goals_in_period(db, period_id, goals, goals.len() > WHOLE_PERIOD_ABOVE)
}

fn read_of_goals_in_period(
    db: super::Read<'_>,
    period_id: i64,
    goals: &[i64],
    whole: bool,
) -> crate::error::Result<Vec<crate::model::Assessment>> {
    let assessment = |r: &super::sql::Row<'_>| -> super::sql::Result<crate::model::Assessment> {
        Ok(crate::model::Assessment {
            goal_id: r.get(0)?,
            org_unit_id: r.get(1)?,
            step: r.get(2)?,
            analysis: r.get(3)?,
            state: r.get(4)?,
            version: r.get(5)?,
        })
    };
    let mut out = Vec::new();
    if whole {
        let wanted: rustc_hash::FxHashSet<i64> = goals.iter().copied().collect();
        let mut stmt =
            db.conn().prepare_cached("SELECT goal_id, org_unit_id, step, analysis, state, version FROM assessment WHERE period_id=?1")?;
        let mut rows = stmt.query([period_id])?;
        while let Some(r) = rows.next()? {
            if wanted.contains(&r.get(0)?) {
                out.push(assessment(&r)?);
            }
        }
    } else {
        let mut stmt = db.conn().prepare_cached(OF_GOALS_IN_PERIOD)?;
        let mut rows = stmt.query(super::sql::params![period_id, super::ids::list(goals.iter().copied())])?;
        while let Some(r) = rows.next()? {
            out.push(assessment(&r)?);
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------------------
// Follow-up: saving, reviewing and exchanging assessments.

/// Set the assessment (step on the plan year's scale, or none yet) and analysis of a goal
/// for a unit and period, in an open period; audited with what it held before. Unchecked
/// (the seed loader); the window saves with [`set_seen`].
pub fn set(
    w: &mut Writer<'_>,
    goal_id: i64,
    org_unit_id: i64,
    period_id: i64,
    step: Option<i32>,
    analysis: &str,
    state: AssessmentState,
) -> Result<()> {
    set_seen(w, (goal_id, org_unit_id, period_id), step, analysis, state, Seen::Unchecked)
}

/// The row version of a goal's assessment for a unit and period, if there is one.
pub fn version(db: Read<'_>, goal_id: i64, unit_id: i64, period_id: i64) -> Result<Option<i64>> {
    Ok(db
        .conn()
        .prepare_cached("SELECT version FROM assessment WHERE goal_id=?1 AND org_unit_id=?2 AND period_id=?3")?
        .query_row(params![goal_id, unit_id, period_id], |r| r.get(0))
        .optional()?)
}

/// [`set`], refused with `conflict` (field `analysis`) when the stored assessment is not the
/// version `seen`: someone else saved it after the user loaded it. Every save counts the
/// version up.
pub fn set_seen(
    w: &mut Writer<'_>,
    (goal_id, org_unit_id, period_id): (i64, i64, i64),
    step: Option<i32>,
    analysis: &str,
    state: AssessmentState,
    seen: Seen,
) -> Result<()> {
    super::periods::require_open(w.read(), period_id)?;
    let steps: Option<i32> = w
        .tx
        .query_row(
            "SELECT s.steps FROM goal g JOIN plan_year y ON y.year = g.plan_year JOIN assessment_scale s ON s.id = y.scale_id WHERE g.id=?1",
            [goal_id],
            |r| r.get(0),
        )
        .optional()?;
    let Some(steps) = steps else {
        return Err(AppError::not_found(msg!("Målet (id {goal_id}) finns inte.", "The goal (id {goal_id}) does not exist.")));
    };
    if let Some(s) = step {
        if s < 1 || s > steps {
            return Err(AppError::validation(msg!(
                "Bedömningen måste vara ett av skalans {steps} steg.",
                "The assessment must be one of the scale's {steps} steps."
            )));
        }
    }
    if analysis.chars().count() > 20_000 {
        return Err(AppError::validation(msg!(
            "Analysen är för lång (högst 20 000 tecken).",
            "The analysis is too long (at most 20,000 characters)."
        )));
    }
    let stored: Option<(Value, i64)> =
        w.tx.query_row(
            "SELECT step, analysis, state, version FROM assessment WHERE goal_id=?1 AND org_unit_id=?2 AND period_id=?3",
            params![goal_id, org_unit_id, period_id],
            |r| {
                Ok((
                    json!({"step": r.get::<_, Option<i32>>(0)?, "analysis": r.get::<_, String>(1)?, "state": r.get::<_, String>(2)?}),
                    r.get(3)?,
                ))
            },
        )
        .optional()?;
    let entity_id = format!("{goal_id}/{org_unit_id}/{period_id}");
    let subject = Subject { thing: Thing::Assessment, entity: "assessment", entity_id: &entity_id, field: "analysis" };
    let ctx = w.ctx;
    row_version::save(
        w,
        seen,
        stored.as_ref().map(|(_, v)| *v),
        &subject,
        &Statements {
            upsert: "INSERT INTO assessment(goal_id, org_unit_id, period_id, step, analysis, state, changed_at, changed_by) VALUES (?1,?2,?3,?4,?5,?6,?7,?8)
                 ON CONFLICT(goal_id, org_unit_id, period_id) DO UPDATE SET step=excluded.step, analysis=excluded.analysis,
                   state=excluded.state, changed_at=excluded.changed_at, changed_by=excluded.changed_by, version=assessment.version + 1",
            insert: "INSERT INTO assessment(goal_id, org_unit_id, period_id, step, analysis, state, changed_at, changed_by) VALUES (?1,?2,?3,?4,?5,?6,?7,?8)",
            update: "UPDATE assessment SET step=?4, analysis=?5, state=?6, changed_at=?7, changed_by=?8, version=version + 1
                 WHERE goal_id=?1 AND org_unit_id=?2 AND period_id=?3 AND version=?9",
        },
        params![goal_id, org_unit_id, period_id, step, analysis, state, ctx.at, ctx.user],
    )?;
    let before = stored.map(|(b, _)| b);
    w.audit(
        if before.is_some() { "update" } else { "insert" },
        "assessment",
        entity_id.clone(),
        before,
        Some(json!({"step": step, "analysis": analysis, "state": state})),
    )
}

/// The review state and step of a goal's assessment for a unit and period, if there is one.
pub fn state_and_step(db: Read<'_>, goal_id: i64, unit_id: i64, period_id: i64) -> Result<Option<(AssessmentState, Option<i32>)>> {
    Ok(db
        .conn()
        .query_row(
            "SELECT state, step FROM assessment WHERE goal_id=?1 AND org_unit_id=?2 AND period_id=?3",
            params![goal_id, unit_id, period_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?)
}

/// Move an assessment to review state `next` with `comment` (empty unless sent back),
/// audited with the state before.
pub fn set_review(
    w: &mut Writer<'_>,
    (goal_id, unit_id, period_id): (i64, i64, i64),
    before: AssessmentState,
    next: AssessmentState,
    comment: &str,
) -> Result<()> {
    w.tx.execute(
        "UPDATE assessment SET state=?4, review_comment=?5, changed_at=?6, changed_by=?7, version=version + 1
         WHERE goal_id=?1 AND org_unit_id=?2 AND period_id=?3",
        params![goal_id, unit_id, period_id, next, comment, w.ctx.at, w.ctx.user],
    )?;
    w.audit(
        "update",
        "assessment",
        format!("{goal_id}/{unit_id}/{period_id}"),
        Some(json!({"state": before})),
        Some(json!({"state": next, "review_comment": comment})),
    )
}

/// An assessment as stored, with its goal's "code title" (for exchange files).
#[derive(Debug, Clone, PartialEq)]
pub struct StoredAssessment {
    pub goal_id: i64,
    pub goal: String,
    pub step: Option<i32>,
    pub analysis: String,
    pub state: AssessmentState,
    pub review_comment: String,
    pub changed_at: String,
    pub changed_by: String,
}

/// The assessments a unit has made of the goals it owns in plan year `year`, for one
/// period, in the goals' order.
pub fn of_own_goals(db: Read<'_>, unit_id: i64, period_id: i64, year: i32) -> Result<Vec<StoredAssessment>> {
    let mut stmt = db.conn().prepare(
        "SELECT g.id, trim(g.code || ' ' || g.title), a.step, a.analysis, a.state, a.review_comment, a.changed_at, a.changed_by
         FROM goal g JOIN assessment a ON a.goal_id = g.id AND a.org_unit_id = ?1 AND a.period_id = ?2
         WHERE g.owner_unit_id = ?1 AND g.plan_year = ?3 ORDER BY g.sort_order, g.id",
    )?;
    let rows = stmt
        .query_map(params![unit_id, period_id, year], |r| {
            Ok(StoredAssessment {
                goal_id: r.get(0)?,
                goal: r.get(1)?,
                step: r.get(2)?,
                analysis: r.get(3)?,
                state: r.get(4)?,
                review_comment: r.get(5)?,
                changed_at: r.get(6)?,
                changed_by: r.get(7)?,
            })
        })?
        .collect::<super::sql::Result<_>>()?;
    Ok(rows)
}

/// What an assessment holds: (step, analysis, state, review comment).
pub type AssessmentContent = (Option<i32>, String, AssessmentState, String);

/// What a goal's assessment for a unit and period holds, if there is one.
pub fn content(db: Read<'_>, goal_id: i64, unit_id: i64, period_id: i64) -> Result<Option<AssessmentContent>> {
    Ok(db
        .conn()
        .prepare_cached(
            "SELECT step, analysis, state, review_comment FROM assessment WHERE goal_id=?1 AND org_unit_id=?2 AND period_id=?3",
        )?
        .query_row(params![goal_id, unit_id, period_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .optional()?)
}

/// Write an assessment as an exchange file has it (with the unit's changed at/by). The
/// caller checks the period and writes the audit row.
pub(crate) fn put_imported(
    w: &mut Writer<'_>,
    key: (i64, i64, i64),
    a: (Option<i32>, &str, AssessmentState, &str),
    changed: (&str, &str),
) -> Result<()> {
    let (goal_id, unit, period) = key;
    let (step, analysis, state, review_comment) = a;
    w.tx.execute(
        "INSERT INTO assessment(goal_id, org_unit_id, period_id, step, analysis, state, review_comment, changed_at, changed_by)
         VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9)
         ON CONFLICT(goal_id, org_unit_id, period_id) DO UPDATE SET step=excluded.step, analysis=excluded.analysis,
           state=excluded.state, review_comment=excluded.review_comment, changed_at=excluded.changed_at, changed_by=excluded.changed_by,
           version=assessment.version + 1",
        params![goal_id, unit, period, step, analysis, state, review_comment, changed.0, changed.1],
    )?;
    Ok(())
}

/// Inserts generated assessments (the `tools` generator): one prepared statement in the
/// writer's transaction, no audit row (the generator writes one per bulk step).
#[cfg(feature = "tools")]
pub(crate) struct GeneratedAssessments<'t> {
    stmt: super::sql::Statement<'t>,
    ctx: &'t super::ChangeContext,
}

#[cfg(feature = "tools")]
impl<'t> GeneratedAssessments<'t> {
    pub(crate) fn new(w: &Writer<'t>) -> Result<Self> {
        let stmt = w.tx.prepare_cached(
            "INSERT INTO assessment(goal_id, org_unit_id, period_id, step, analysis, state, changed_at, changed_by)
             VALUES (?1,?2,?3,?4,?5,?6,?7,?8)",
        )?;
        Ok(Self { stmt, ctx: w.ctx })
    }

    pub(crate) fn add(
        &mut self,
        goal_id: i64,
        unit_id: i64,
        period_id: i64,
        step: i32,
        analysis: &str,
        state: AssessmentState,
    ) -> Result<()> {
        self.stmt.execute(params![goal_id, unit_id, period_id, step, analysis, state, self.ctx.at, self.ctx.user])?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::{read_of_goals_in_period, OF_GOALS_IN_PERIOD};
    use crate::store::{ChangeContext, Store};

    /// A few goals are each found by the primary key, not by walking the period.
    #[test]
    fn assessments_of_a_few_goals_are_found_by_the_primary_key() {
        let store = Store::open_in_memory().unwrap();
        let plan: Vec<String> = store
            .conn()
            .prepare(&format!("EXPLAIN QUERY PLAN {OF_GOALS_IN_PERIOD}"))
            .unwrap()
            .query_map(rusqlite::params![1, "[]"], |r| r.get::<_, String>(3))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert!(plan[0].starts_with("SCAN j"), "the list is the outer loop: {plan:?}");
        assert!(plan.iter().any(|step| step.starts_with("SEARCH a USING INDEX sqlite_autoindex_assessment_1 (goal_id=?")), "{plan:?}");
    }

    /// Reading a period's assessments whole and filtering (a roll-up) finds exactly what a
    /// lookup per goal finds (one scorecard), in every period of the demo.
    #[test]
    fn assessments_read_whole_are_the_same_as_assessments_looked_up_by_goal() {
        let mut store = Store::open_in_memory().unwrap();
        crate::seed::load_demo(&mut store, &ChangeContext::new("test", "2026-12-02T10:00:00")).unwrap();
        let goals: Vec<i64> =
            store.conn().prepare("SELECT id FROM goal").unwrap().query_map([], |r| r.get(0)).unwrap().map(|r| r.unwrap()).collect();
        // Every other goal, so assessments of goals not asked for are present too.
        let goals: Vec<i64> = goals.into_iter().step_by(2).collect();
        let mut found = 0;
        for year in store.plan_years().unwrap() {
            for p in store.periods(year.year).unwrap() {
                let sorted = |mut v: Vec<crate::model::Assessment>| {
                    v.sort_by_key(|a| (a.goal_id, a.org_unit_id));
                    v
                };
                let by_goal = sorted(read_of_goals_in_period(store.read(), p.id, &goals, false).unwrap());
                let whole = sorted(read_of_goals_in_period(store.read(), p.id, &goals, true).unwrap());
                assert_eq!(by_goal, whole, "period {}", p.key);
                found += by_goal.len();
            }
        }
        assert!(found > 5, "the demo has assessments to compare: {found}");
    }
}
