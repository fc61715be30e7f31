//! Repository for the economy follow-up: `economy_operating` (driftredovisning),
//! `investment_project` and `investment_follow_up` (investeringar), `statement_amount`
//! (resultaträkning, balansräkning, balanskravsutredning) and `economy_review`.
//!
//! Every write checks the period is open (`period_locked`) and that the part it changes is
//! still a draft (review state), validates the amounts (`economy::rules`), and writes an audit
//! row with the state before and after. Writing the same figures again writes nothing.
//! [`write_figures`] is the one writer for imports (SIE 4, Excel, the demo seed).

use std::collections::HashSet;

use super::sql::{params, OptionalExtension, Row};
use serde::Serialize;
use serde_json::json;
use ts_rs::TS;

use super::{Read, Writer};
use crate::economy::figures::Figures;
use crate::economy::{rules, InvestmentFollowUp, InvestmentProject, OperatingRow, PartReview, ProjectForm, StatementAmount};
use crate::error::{AppError, Result};
use crate::model::{AssessmentState, EconomyPart, EconomySource, StatementColumn, StatementScope};
use crate::msg;

// ---------------------------------------------------------------------------
// Reads

const OPERATING_COLUMNS: &str = "org_unit_id, budget_year, budget_period, actual, forecast, comment, source";

fn operating_from_row(r: &Row<'_>) -> super::sql::Result<OperatingRow> {
    Ok(OperatingRow {
        org_unit_id: r.get(0)?,
        budget_year: r.get(1)?,
        budget_period: r.get(2)?,
        actual: r.get(3)?,
        forecast: r.get(4)?,
        comment: r.get(5)?,
        source: r.get(6)?,
    })
}

/// The driftredovisning rows of a period, one per nämnd/förvaltning or bolag that has one.
pub fn operating_of_period(db: Read<'_>, period_id: i64) -> Result<Vec<OperatingRow>> {
    let mut stmt =
        db.conn().prepare_cached(&format!("SELECT {OPERATING_COLUMNS} FROM economy_operating WHERE period_id=?1 ORDER BY org_unit_id"))?;
    let rows = stmt.query_map([period_id], operating_from_row)?.collect::<super::sql::Result<Vec<_>>>()?;
    Ok(rows)
}

/// One unit's driftredovisning for a period, if there is one.
pub fn operating_at(db: Read<'_>, org_unit_id: i64, period_id: i64) -> Result<Option<OperatingRow>> {
    Ok(db
        .conn()
        .prepare_cached(&format!("SELECT {OPERATING_COLUMNS} FROM economy_operating WHERE org_unit_id=?1 AND period_id=?2"))?
        .query_row(params![org_unit_id, period_id], operating_from_row)
        .optional()?)
}

const PROJECT_COLUMNS: &str = "id, plan_year, org_unit_id, code, name, budget_total, budget_year, sort_order";

fn project_from_row(r: &Row<'_>) -> super::sql::Result<InvestmentProject> {
    Ok(InvestmentProject {
        id: r.get(0)?,
        plan_year: r.get(1)?,
        org_unit_id: r.get(2)?,
        code: r.get(3)?,
        name: r.get(4)?,
        budget_total: r.get(5)?,
        budget_year: r.get(6)?,
        sort_order: r.get(7)?,
    })
}

/// The investment projects of a plan year, in their order.
pub fn projects_of_year(db: Read<'_>, year: i32) -> Result<Vec<InvestmentProject>> {
    let mut stmt = db
        .conn()
        .prepare_cached(&format!("SELECT {PROJECT_COLUMNS} FROM investment_project WHERE plan_year=?1 ORDER BY sort_order, id"))?;
    let rows = stmt.query_map([year], project_from_row)?.collect::<super::sql::Result<Vec<_>>>()?;
    Ok(rows)
}

/// An investment project by id.
pub fn project(db: Read<'_>, id: i64) -> Result<Option<InvestmentProject>> {
    Ok(db
        .conn()
        .prepare_cached(&format!("SELECT {PROJECT_COLUMNS} FROM investment_project WHERE id=?1"))?
        .query_row([id], project_from_row)
        .optional()?)
}

const FOLLOW_UP_COLUMNS: &str = "project_id, actual, forecast, comment, source";

fn follow_up_from_row(r: &Row<'_>) -> super::sql::Result<InvestmentFollowUp> {
    Ok(InvestmentFollowUp { project_id: r.get(0)?, actual: r.get(1)?, forecast: r.get(2)?, comment: r.get(3)?, source: r.get(4)? })
}

/// The investment follow-up of a period, one row per project that has one.
pub fn follow_ups_of_period(db: Read<'_>, period_id: i64) -> Result<Vec<InvestmentFollowUp>> {
    let mut stmt = db
        .conn()
        .prepare_cached(&format!("SELECT {FOLLOW_UP_COLUMNS} FROM investment_follow_up WHERE period_id=?1 ORDER BY project_id"))?;
    let rows = stmt.query_map([period_id], follow_up_from_row)?.collect::<super::sql::Result<Vec<_>>>()?;
    Ok(rows)
}

/// One project's follow-up for a period, if there is one.
pub fn follow_up_at(db: Read<'_>, project_id: i64, period_id: i64) -> Result<Option<InvestmentFollowUp>> {
    Ok(db
        .conn()
        .prepare_cached(&format!("SELECT {FOLLOW_UP_COLUMNS} FROM investment_follow_up WHERE project_id=?1 AND period_id=?2"))?
        .query_row(params![project_id, period_id], follow_up_from_row)
        .optional()?)
}

/// Every stored statement amount of a period (both scopes, every column).
pub fn statements_of_period(db: Read<'_>, period_id: i64) -> Result<Vec<StatementAmount>> {
    let mut stmt = db.conn().prepare_cached(
        "SELECT scope, row_key, column_kind, amount, source FROM statement_amount WHERE period_id=?1 ORDER BY scope, row_key, column_kind",
    )?;
    let rows = stmt
        .query_map([period_id], |r| {
            Ok(StatementAmount { scope: r.get(0)?, row_key: r.get(1)?, column: r.get(2)?, amount: r.get(3)?, source: r.get(4)? })
        })?
        .collect::<super::sql::Result<Vec<_>>>()?;
    Ok(rows)
}

/// One stored statement amount.
pub fn statement_at(db: Read<'_>, period_id: i64, scope: StatementScope, row_key: &str, column: StatementColumn) -> Result<Option<i64>> {
    Ok(db
        .conn()
        .prepare_cached("SELECT amount FROM statement_amount WHERE period_id=?1 AND scope=?2 AND row_key=?3 AND column_kind=?4")?
        .query_row(params![period_id, scope, row_key, column], |r| r.get(0))
        .optional()?)
}

/// The stored review states of a period's economy (parts never reviewed have no row: drafts).
pub fn reviews_of_period(db: Read<'_>, period_id: i64) -> Result<Vec<PartReview>> {
    let mut stmt = db.conn().prepare_cached(
        "SELECT part, org_unit_id, state, review_comment, changed_at, changed_by FROM economy_review WHERE period_id=?1 ORDER BY part, org_unit_id",
    )?;
    let rows = stmt
        .query_map([period_id], |r| {
            Ok(PartReview {
                part: r.get(0)?,
                org_unit_id: r.get(1)?,
                state: r.get(2)?,
                review_comment: r.get(3)?,
                changed_at: r.get(4)?,
                changed_by: r.get(5)?,
            })
        })?
        .collect::<super::sql::Result<Vec<_>>>()?;
    Ok(rows)
}

/// The review state of one part (a draft when never reviewed).
pub fn review_state(db: Read<'_>, period_id: i64, part: EconomyPart, org_unit_id: i64) -> Result<AssessmentState> {
    Ok(db
        .conn()
        .prepare_cached("SELECT state FROM economy_review WHERE period_id=?1 AND part=?2 AND org_unit_id=?3")?
        .query_row(params![period_id, part, org_unit_id], |r| r.get(0))
        .optional()?
        .unwrap_or(AssessmentState::Draft))
}

/// How many economy rows a period holds (undo asks before it deletes a period).
pub fn count_in_period(db: Read<'_>, period_id: i64) -> Result<i64> {
    Ok(db.conn().query_row(
        "SELECT (SELECT COUNT(*) FROM economy_operating WHERE period_id=?1) + (SELECT COUNT(*) FROM investment_follow_up WHERE period_id=?1)
              + (SELECT COUNT(*) FROM statement_amount WHERE period_id=?1)",
        [period_id],
        |r| r.get(0),
    )?)
}

/// How many driftredovisning rows and investment projects a unit has (undo asks before it
/// deletes a unit).
pub fn count_of_unit(db: Read<'_>, org_unit_id: i64) -> Result<i64> {
    Ok(db.conn().query_row(
        "SELECT (SELECT COUNT(*) FROM economy_operating WHERE org_unit_id=?1) + (SELECT COUNT(*) FROM investment_project WHERE org_unit_id=?1)",
        [org_unit_id],
        |r| r.get(0),
    )?)
}

// ---------------------------------------------------------------------------
// Checks every write makes

/// The municipality (top unit): the unit the investments and statements parts belong to.
pub fn municipality(db: Read<'_>) -> Result<i64> {
    super::units::top_id(db)?.ok_or_else(|| {
        AppError::not_found(msg!(
            "Databasen har ingen kommun ännu. Skapa organisationen först.",
            "The database has no municipality yet. Create the organisation first."
        ))
    })
}

/// Refuse a change to a part of a period's economy when the period is locked or the part
/// is no longer a draft.
pub fn require_editable(db: Read<'_>, period_id: i64, part: EconomyPart, org_unit_id: i64) -> Result<()> {
    super::periods::require_open(db, period_id)?;
    let state = review_state(db, period_id, part, org_unit_id)?;
    if state != AssessmentState::Draft {
        let subject = rules::part_subject(db, part, org_unit_id)?;
        crate::follow_up::review::editable_of(&subject, state)?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Writes

/// Write a unit's driftredovisning for a period as given (every field; `None` is empty).
/// A row left with no figure and no comment is removed. Returns whether anything changed.
pub fn put_operating(w: &mut Writer<'_>, period_id: i64, row: &OperatingRow) -> Result<bool> {
    let unit = super::units::get(w.read(), row.org_unit_id)?;
    rules::check_operating_unit(&unit)?;
    require_editable(w.read(), period_id, EconomyPart::Operating, row.org_unit_id)?;
    for (v, what) in [
        (row.budget_year, msg!("Budget helår", "Budget for the year")),
        (row.budget_period, msg!("Budget för perioden", "Budget for the period")),
        (row.actual, msg!("Utfall", "Actual")),
        (row.forecast, msg!("Prognos helår", "Forecast for the year")),
    ] {
        if let Some(v) = v {
            rules::check_amount(&msg!("{what} för {}", "{what} for {}", unit.name, what = what), v)?;
        }
    }
    rules::check_comment(&row.comment)?;
    let before = operating_at(w.read(), row.org_unit_id, period_id)?;
    let same = |b: &OperatingRow| {
        (b.budget_year, b.budget_period, b.actual, b.forecast, b.comment.as_str())
            == (row.budget_year, row.budget_period, row.actual, row.forecast, row.comment.as_str())
    };
    let empty = row.budget_year.is_none()
        && row.budget_period.is_none()
        && row.actual.is_none()
        && row.forecast.is_none()
        && row.comment.is_empty();
    match &before {
        Some(b) if same(b) => return Ok(false),
        None if empty => return Ok(false),
        _ => {}
    }
    let image = |r: &OperatingRow| {
        json!({"budget_year": r.budget_year, "budget_period": r.budget_period, "actual": r.actual, "forecast": r.forecast,
               "comment": r.comment, "source": r.source})
    };
    if empty {
        w.tx.execute("DELETE FROM economy_operating WHERE org_unit_id=?1 AND period_id=?2", params![row.org_unit_id, period_id])?;
    } else {
        w.tx.execute(
            "INSERT INTO economy_operating(org_unit_id, period_id, budget_year, budget_period, actual, forecast, comment, source, changed_at, changed_by)
             VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)
             ON CONFLICT(org_unit_id, period_id) DO UPDATE SET budget_year=excluded.budget_year, budget_period=excluded.budget_period,
               actual=excluded.actual, forecast=excluded.forecast, comment=excluded.comment, source=excluded.source,
               changed_at=excluded.changed_at, changed_by=excluded.changed_by",
            params![
                row.org_unit_id,
                period_id,
                row.budget_year,
                row.budget_period,
                row.actual,
                row.forecast,
                row.comment,
                row.source,
                w.ctx.at,
                w.ctx.user
            ],
        )?;
    }
    w.audit(
        match (&before, empty) {
            (None, _) => "insert",
            (Some(_), true) => "delete",
            (Some(_), false) => "update",
        },
        "economy_operating",
        format!("{}/{period_id}", row.org_unit_id),
        before.as_ref().map(image),
        (!empty).then(|| image(row)),
    )?;
    Ok(true)
}

/// Add an investment project to a plan year; the name is unique within the year.
pub fn insert_project(w: &mut Writer<'_>, form: &ProjectForm) -> Result<i64> {
    let (name, code) = rules::check_project(w.read(), form)?;
    super::plan::require_year(w.read(), form.plan_year)?;
    let taken =
        w.tx.query_row("SELECT 1 FROM investment_project WHERE plan_year=?1 AND name=?2", params![form.plan_year, name], |_| Ok(()))
            .optional()?
            .is_some();
    if taken {
        return Err(AppError::conflict(msg!(
            "Projektet '{name}' finns redan för {}. Ge projektet ett annat namn.",
            "The project '{name}' already exists for {}. Give the project another name.",
            form.plan_year
        )));
    }
    let sort: i64 =
        w.tx.query_row("SELECT COALESCE(MAX(sort_order), 0) + 1 FROM investment_project WHERE plan_year=?1", [form.plan_year], |r| {
            r.get(0)
        })?;
    let inserted_id = w.tx.insert_returning_id(
        "INSERT INTO investment_project(plan_year, org_unit_id, code, name, budget_total, budget_year, sort_order) VALUES (?1,?2,?3,?4,?5,?6,?7) RETURNING id",
        params![form.plan_year, form.org_unit_id, code, name, form.budget_total, form.budget_year, sort],
    )?;
    let id = inserted_id;
    w.audit(
        "insert",
        "investment_project",
        id,
        None,
        Some(json!({"plan_year": form.plan_year, "org_unit_id": form.org_unit_id, "code": code, "name": name,
                    "budget_total": form.budget_total, "budget_year": form.budget_year})),
    )?;
    Ok(id)
}

/// Change a project's budget for its plan year, as entered in a period's grid: refused when
/// that period is locked or its investments are no longer a draft. Returns whether it changed.
pub fn set_project_budget(w: &mut Writer<'_>, project_id: i64, period_id: i64, budget_year: Option<i64>) -> Result<bool> {
    let Some(p) = project(w.read(), project_id)? else {
        return Err(AppError::not_found(msg!(
            "Investeringsprojektet (id {project_id}) finns inte. Ladda om tabellen; inget har sparats.",
            "The investment project (id {project_id}) does not exist. Reload the table; nothing has been saved."
        )));
    };
    let root = municipality(w.read())?;
    require_editable(w.read(), period_id, EconomyPart::Investments, root)?;
    if let Some(v) = budget_year {
        rules::check_amount(&msg!("Budgeten för {}", "The budget for {}", p.name), v)?;
    }
    if p.budget_year == budget_year {
        return Ok(false);
    }
    w.tx.execute("UPDATE investment_project SET budget_year=?2 WHERE id=?1", params![project_id, budget_year])?;
    w.audit(
        "update",
        "investment_project",
        project_id,
        Some(json!({"budget_year": p.budget_year})),
        Some(json!({"budget_year": budget_year})),
    )?;
    Ok(true)
}

/// Write a project's follow-up for a period as given (`None` is empty); a row left empty is
/// removed. Returns whether anything changed.
pub fn put_follow_up(w: &mut Writer<'_>, period_id: i64, row: &InvestmentFollowUp) -> Result<bool> {
    let Some(p) = project(w.read(), row.project_id)? else {
        return Err(AppError::not_found(msg!(
            "Investeringsprojektet (id {}) finns inte. Ladda om tabellen; inget har sparats.",
            "The investment project (id {}) does not exist. Reload the table; nothing has been saved.",
            row.project_id
        )));
    };
    let period = super::periods::get(w.read(), period_id)?;
    if period.plan_year != p.plan_year {
        return Err(AppError::validation(msg!(
            "Projektet {} hör till planåret {}, inte till {}.",
            "The project {} belongs to plan year {}, not to {}.",
            p.name,
            p.plan_year,
            period.name
        )));
    }
    let root = municipality(w.read())?;
    require_editable(w.read(), period_id, EconomyPart::Investments, root)?;
    for (v, what) in [(row.actual, msg!("Utfallet", "The actual")), (row.forecast, msg!("Prognosen", "The forecast"))] {
        if let Some(v) = v {
            rules::check_amount(&msg!("{what} för {}", "{what} for {}", p.name, what = what), v)?;
        }
    }
    rules::check_comment(&row.comment)?;
    let before = follow_up_at(w.read(), row.project_id, period_id)?;
    let empty = row.actual.is_none() && row.forecast.is_none() && row.comment.is_empty();
    match &before {
        Some(b) if (b.actual, b.forecast, b.comment.as_str()) == (row.actual, row.forecast, row.comment.as_str()) => return Ok(false),
        None if empty => return Ok(false),
        _ => {}
    }
    let image = |r: &InvestmentFollowUp| json!({"actual": r.actual, "forecast": r.forecast, "comment": r.comment, "source": r.source});
    if empty {
        w.tx.execute("DELETE FROM investment_follow_up WHERE project_id=?1 AND period_id=?2", params![row.project_id, period_id])?;
    } else {
        w.tx.execute(
            "INSERT INTO investment_follow_up(project_id, period_id, actual, forecast, comment, source, changed_at, changed_by)
             VALUES (?1,?2,?3,?4,?5,?6,?7,?8)
             ON CONFLICT(project_id, period_id) DO UPDATE SET actual=excluded.actual, forecast=excluded.forecast,
               comment=excluded.comment, source=excluded.source, changed_at=excluded.changed_at, changed_by=excluded.changed_by",
            params![row.project_id, period_id, row.actual, row.forecast, row.comment, row.source, w.ctx.at, w.ctx.user],
        )?;
    }
    w.audit(
        match (&before, empty) {
            (None, _) => "insert",
            (Some(_), true) => "delete",
            (Some(_), false) => "update",
        },
        "investment_follow_up",
        format!("{}/{period_id}", row.project_id),
        before.as_ref().map(image),
        (!empty).then(|| image(row)),
    )?;
    Ok(true)
}

/// Set (or clear, `None`) one entered line of a statement in one column. Sums cannot be
/// set: they follow from their lines. Returns whether anything changed.
pub fn put_statement(
    w: &mut Writer<'_>,
    period_id: i64,
    scope: StatementScope,
    row_key: &str,
    column: StatementColumn,
    amount: Option<i64>,
    source: EconomySource,
) -> Result<bool> {
    let line = rules::entered_line(row_key)?;
    let root = municipality(w.read())?;
    require_editable(w.read(), period_id, EconomyPart::Statements, root)?;
    if let Some(v) = amount {
        rules::check_amount(&crate::error::Msg { sv: line.label_sv.to_string(), en: line.label_en.to_string() }, v)?;
    }
    let before = statement_at(w.read(), period_id, scope, line.key, column)?;
    if before == amount {
        return Ok(false);
    }
    match amount {
        Some(v) => w.tx.execute(
            "INSERT INTO statement_amount(period_id, scope, row_key, column_kind, amount, source, changed_at, changed_by)
             VALUES (?1,?2,?3,?4,?5,?6,?7,?8)
             ON CONFLICT(period_id, scope, row_key, column_kind) DO UPDATE SET amount=excluded.amount, source=excluded.source,
               changed_at=excluded.changed_at, changed_by=excluded.changed_by",
            params![period_id, scope, line.key, column, v, source, w.ctx.at, w.ctx.user],
        )?,
        None => w.tx.execute(
            "DELETE FROM statement_amount WHERE period_id=?1 AND scope=?2 AND row_key=?3 AND column_kind=?4",
            params![period_id, scope, line.key, column],
        )?,
    };
    w.audit(
        match (before, amount) {
            (None, _) => "insert",
            (Some(_), None) => "delete",
            _ => "update",
        },
        "statement_amount",
        format!("{period_id}/{}/{}/{}", scope.as_str(), line.key, column.as_str()),
        before.map(|b| json!({"amount": b})),
        amount.map(|a| json!({"amount": a, "source": source})),
    )?;
    Ok(true)
}

/// Move a part of a period's economy to review state `next` (the caller has checked the
/// transition), audited with the state before.
pub fn set_review(
    w: &mut Writer<'_>,
    period_id: i64,
    part: EconomyPart,
    org_unit_id: i64,
    before: AssessmentState,
    next: AssessmentState,
    comment: &str,
) -> Result<()> {
    w.tx.execute(
        "INSERT INTO economy_review(period_id, part, org_unit_id, state, review_comment, changed_at, changed_by) VALUES (?1,?2,?3,?4,?5,?6,?7)
         ON CONFLICT(period_id, part, org_unit_id) DO UPDATE SET state=excluded.state, review_comment=excluded.review_comment,
           changed_at=excluded.changed_at, changed_by=excluded.changed_by",
        params![period_id, part, org_unit_id, next, comment, w.ctx.at, w.ctx.user],
    )?;
    w.audit(
        "update",
        "economy_review",
        format!("{period_id}/{}/{org_unit_id}", part.as_str()),
        Some(json!({"state": before})),
        Some(json!({"state": next, "review_comment": comment})),
    )
}

// ---------------------------------------------------------------------------
// Imports

/// What [`write_figures`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct FiguresSummary {
    /// Driftredovisning rows, statement amounts and investment rows that changed.
    pub operating_changed: u32,
    pub statements_changed: u32,
    pub investments_changed: u32,
    /// Figures that were already stored as given.
    pub unchanged: u32,
}

impl FiguresSummary {
    pub fn changed(&self) -> u32 {
        self.operating_changed + self.statements_changed + self.investments_changed
    }
}

/// Write an import's figures for one period, inside the caller's transaction
/// (`Store::write`; wrap it in `Writer::journaled` to make the import one undo step).
/// Upserts: a `None` figure leaves the stored one as it is. Refused whole (the caller's
/// transaction rolls back) when the period is locked (`period_locked`), when a part it
/// touches is no longer a draft (`conflict`), or when a unit is not a nämnd, förvaltning or
/// bolag, a project is not of the period's plan year, a line is unknown or a sum, an amount
/// is out of bounds or a figure comes twice (`validation`).
pub fn write_figures(w: &mut Writer<'_>, period_id: i64, figures: &Figures, source: EconomySource) -> Result<FiguresSummary> {
    super::periods::require_open(w.read(), period_id)?;
    let mut summary = FiguresSummary::default();
    let mut seen: HashSet<i64> = HashSet::new();
    for f in &figures.operating {
        if !seen.insert(f.org_unit_id) {
            return Err(twice(msg!("driftredovisningen för enhet {}", "the operating figures of unit {}", f.org_unit_id)));
        }
        let before = operating_at(w.read(), f.org_unit_id, period_id)?;
        let old = before.clone().unwrap_or(OperatingRow {
            org_unit_id: f.org_unit_id,
            budget_year: None,
            budget_period: None,
            actual: None,
            forecast: None,
            comment: String::new(),
            source,
        });
        let row = OperatingRow {
            org_unit_id: f.org_unit_id,
            budget_year: f.budget_year.or(old.budget_year),
            budget_period: f.budget_period.or(old.budget_period),
            actual: f.actual.or(old.actual),
            forecast: f.forecast.or(old.forecast),
            comment: old.comment.clone(),
            source,
        };
        // `put_operating` checks the unit, the lock and the review state even when nothing changes.
        if put_operating(w, period_id, &row)? {
            summary.operating_changed += 1;
        } else {
            summary.unchanged += 1;
        }
    }
    let mut seen: HashSet<(StatementScope, &str, StatementColumn)> = HashSet::new();
    for f in &figures.statements {
        if !seen.insert((f.scope, f.row_key, f.column)) {
            return Err(twice(msg!("raden {} ({})", "the line {} ({})", f.row_key, f.column.as_str())));
        }
        if put_statement(w, period_id, f.scope, f.row_key, f.column, Some(f.amount), source)? {
            summary.statements_changed += 1;
        } else {
            summary.unchanged += 1;
        }
    }
    let mut seen: HashSet<i64> = HashSet::new();
    for f in &figures.investments {
        if !seen.insert(f.project_id) {
            return Err(twice(msg!("investeringsprojekt {}", "investment project {}", f.project_id)));
        }
        let before = follow_up_at(w.read(), f.project_id, period_id)?;
        let row = InvestmentFollowUp {
            project_id: f.project_id,
            actual: f.actual.or(before.as_ref().and_then(|b| b.actual)),
            forecast: f.forecast.or(before.as_ref().and_then(|b| b.forecast)),
            comment: before.map(|b| b.comment).unwrap_or_default(),
            source,
        };
        if put_follow_up(w, period_id, &row)? {
            summary.investments_changed += 1;
        } else {
            summary.unchanged += 1;
        }
    }
    Ok(summary)
}

fn twice(what: crate::error::Msg) -> AppError {
    AppError::validation(msg!(
        "Filen har två olika uppgifter för {what}. Ta bort den ena; inget har sparats.",
        "The file has two figures for {what}. Remove one of them; nothing has been saved.",
        what = what
    ))
}
