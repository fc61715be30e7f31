//! Every change to the database goes through a [`Writer`], inside one transaction, and
//! leaves a row in the audit log.

use rusqlite::{params, OptionalExtension, Transaction};
use serde_json::{json, Value};

use super::ChangeContext;
use crate::error::{AppError, ErrorCode, Result};
use crate::model::{AssessmentState, Direction, Gender, Status, ValueSource};

/// Writes within one open transaction. Made by [`super::Store::write`].
pub struct Writer<'t> {
    pub(crate) tx: &'t Transaction<'t>,
    pub(crate) ctx: &'t ChangeContext,
    pub(super) recorder: super::journal::Recorder,
}

/// Default labels and colours of the 3-, 4- and 5-step scales. Step 1 is the best.
pub fn default_scale(steps: i32) -> Option<Vec<(&'static str, &'static str, Status)>> {
    const GREEN: &str = "#2e7d32";
    const LIGHT_GREEN: &str = "#7cb342";
    const YELLOW: &str = "#f9a825";
    const ORANGE: &str = "#ef6c00";
    const RED: &str = "#c62828";
    Some(match steps {
        3 => vec![("Uppfyllt", GREEN, Status::Green), ("Delvis uppfyllt", YELLOW, Status::Yellow), ("Ej uppfyllt", RED, Status::Red)],
        4 => vec![
            ("Helt uppfyllt", GREEN, Status::Green),
            ("Till stor del uppfyllt", LIGHT_GREEN, Status::Green),
            ("Delvis uppfyllt", YELLOW, Status::Yellow),
            ("Ej uppfyllt", RED, Status::Red),
        ],
        5 => vec![
            ("Helt uppfyllt", GREEN, Status::Green),
            ("Till stor del uppfyllt", LIGHT_GREEN, Status::Green),
            ("Delvis uppfyllt", YELLOW, Status::Yellow),
            ("I liten grad uppfyllt", ORANGE, Status::Red),
            ("Ej uppfyllt", RED, Status::Red),
        ],
        _ => return None,
    })
}

/// A required one-line text: trimmed, not empty, at most 500 characters.
pub(crate) fn non_empty(field: &str, text: &str) -> Result<String> {
    let t = text.trim();
    if t.is_empty() {
        return Err(AppError::validation(format!("{field} får inte vara tomt. Fyll i {}.", field.to_lowercase())));
    }
    if t.chars().count() > 500 {
        return Err(AppError::validation(format!("{field} är för långt (högst 500 tecken). Korta texten.")));
    }
    // A name is one line of text: a line break, tab or terminal escape sequence in it would
    // break lists and reports, or rewrite a terminal's screen when printed.
    if t.chars().any(char::is_control) {
        return Err(AppError::validation(format!(
            "{field} får inte innehålla radbrytningar, tabbar eller andra styrtecken. Skriv texten på en rad."
        )));
    }
    Ok(t.to_string())
}

/// A Kolada KPI id as stored: trimmed and upper-case; empty text means none.
pub(crate) fn kolada_kpi_id(text: Option<&str>) -> Result<Option<String>> {
    let Some(kpi) = text.map(str::trim).filter(|k| !k.is_empty()).map(str::to_uppercase) else { return Ok(None) };
    if !((2..=12).contains(&kpi.len()) && kpi.chars().all(|c| c.is_ascii_alphanumeric())) {
        return Err(AppError::validation(format!("'{kpi}' är inte ett Kolada-id. Ett id ser ut som N00090.")));
    }
    Ok(Some(kpi))
}

pub(crate) fn check_decimals(decimals: u32) -> Result<()> {
    if decimals > 4 {
        return Err(AppError::validation("Antal decimaler kan vara 0 till 4."));
    }
    Ok(())
}

pub(crate) fn check_tolerance(tolerance: f64) -> Result<()> {
    if !tolerance.is_finite() || tolerance < 0.0 {
        return Err(AppError::validation("Toleransen måste vara ett tal som är noll eller större."));
    }
    Ok(())
}

/// An explicit yellow limit lies on the worse side of the target (below it when higher is
/// better, above it when lower is better; equal means no yellow band).
pub(crate) fn yellow_on_worse_side(direction: Direction, target: f64, limit: f64) -> bool {
    match direction {
        Direction::Higher => limit <= target,
        Direction::Lower => limit >= target,
    }
}

impl<'t> Writer<'t> {
    pub(super) fn new(tx: &'t Transaction<'t>, ctx: &'t ChangeContext, recorder: super::journal::Recorder) -> Self {
        Self { tx, ctx, recorder }
    }

    /// Read inside this transaction (sees its own changes).
    pub fn read(&self) -> super::Read<'_> {
        super::Read { conn: self.tx }
    }

    pub fn set_setting(&mut self, key: &str, value: &str) -> Result<()> {
        super::settings::set(self, key, value)
    }

    pub(crate) fn require_open_period(&self, period_id: i64) -> Result<()> {
        let row: Option<(String, bool)> = self
            .tx
            .query_row("SELECT name, locked FROM follow_up_period WHERE id=?1", [period_id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        match row {
            None => Err(AppError::not_found(format!("Perioden (id {period_id}) finns inte."))),
            Some((name, true)) => Err(AppError::new(
                ErrorCode::PeriodLocked,
                format!("{name} är låst och kan inte ändras. Be den som ansvarar för uppföljningen att låsa upp perioden."),
            )),
            Some(_) => Ok(()),
        }
    }

    /// Lock or unlock a follow-up period; both are audited.
    pub fn set_period_locked(&mut self, period_id: i64, locked: bool) -> Result<()> {
        let n = self.tx.execute("UPDATE follow_up_period SET locked=?2 WHERE id=?1", params![period_id, locked])?;
        if n == 0 {
            return Err(AppError::not_found(format!("Perioden (id {period_id}) finns inte.")));
        }
        self.audit(if locked { "lock" } else { "unlock" }, "follow_up_period", period_id, None, None)
    }

    pub fn set_value(
        &mut self,
        indicator_id: i64,
        org_unit_id: i64,
        period_id: i64,
        gender: Gender,
        value: f64,
        source: ValueSource,
    ) -> Result<()> {
        if !value.is_finite() {
            return Err(AppError::validation("Värdet måste vara ett tal."));
        }
        self.require_open_period(period_id)?;
        let before: Option<f64> = self
            .tx
            .query_row(
                "SELECT value FROM indicator_value WHERE indicator_id=?1 AND org_unit_id=?2 AND period_id=?3 AND gender=?4",
                params![indicator_id, org_unit_id, period_id, gender],
                |r| r.get(0),
            )
            .optional()?;
        if before == Some(value) {
            return Ok(());
        }
        self.tx.execute(
            "INSERT INTO indicator_value(indicator_id, org_unit_id, period_id, gender, value, source, changed_at, changed_by)
             VALUES (?1,?2,?3,?4,?5,?6,?7,?8)
             ON CONFLICT(indicator_id, org_unit_id, period_id, gender) DO UPDATE SET
               value=excluded.value, source=excluded.source, changed_at=excluded.changed_at, changed_by=excluded.changed_by",
            params![indicator_id, org_unit_id, period_id, gender, value, source, self.ctx.at, self.ctx.user],
        )?;
        self.audit(
            if before.is_some() { "update" } else { "insert" },
            "indicator_value",
            format!("{indicator_id}/{org_unit_id}/{period_id}/{}", gender.as_str()),
            before.map(Value::from),
            Some(json!({"value": value, "source": source})),
        )
    }

    /// Set the assessment (step on the plan year's scale, or none yet) and analysis of a
    /// goal for a unit and period.
    pub fn set_assessment(
        &mut self,
        goal_id: i64,
        org_unit_id: i64,
        period_id: i64,
        step: Option<i32>,
        analysis: &str,
        state: AssessmentState,
    ) -> Result<()> {
        self.require_open_period(period_id)?;
        let steps: Option<i32> = self
            .tx
            .query_row(
                "SELECT s.steps FROM goal g JOIN plan_year y ON y.year = g.plan_year JOIN assessment_scale s ON s.id = y.scale_id WHERE g.id=?1",
                [goal_id],
                |r| r.get(0),
            )
            .optional()?;
        let Some(steps) = steps else {
            return Err(AppError::not_found(format!("Målet (id {goal_id}) finns inte.")));
        };
        if let Some(s) = step {
            if s < 1 || s > steps {
                return Err(AppError::validation(format!("Bedömningen måste vara ett av skalans {steps} steg.")));
            }
        }
        if analysis.chars().count() > 20_000 {
            return Err(AppError::validation("Analysen är för lång (högst 20 000 tecken)."));
        }
        let before: Option<Value> = self
            .tx
            .query_row(
                "SELECT step, analysis, state FROM assessment WHERE goal_id=?1 AND org_unit_id=?2 AND period_id=?3",
                params![goal_id, org_unit_id, period_id],
                |r| Ok(json!({"step": r.get::<_, Option<i32>>(0)?, "analysis": r.get::<_, String>(1)?, "state": r.get::<_, String>(2)?})),
            )
            .optional()?;
        self.tx.execute(
            "INSERT INTO assessment(goal_id, org_unit_id, period_id, step, analysis, state, changed_at, changed_by) VALUES (?1,?2,?3,?4,?5,?6,?7,?8)
             ON CONFLICT(goal_id, org_unit_id, period_id) DO UPDATE SET step=excluded.step, analysis=excluded.analysis,
               state=excluded.state, changed_at=excluded.changed_at, changed_by=excluded.changed_by",
            params![goal_id, org_unit_id, period_id, step, analysis, state, self.ctx.at, self.ctx.user],
        )?;
        self.audit(
            if before.is_some() { "update" } else { "insert" },
            "assessment",
            format!("{goal_id}/{org_unit_id}/{period_id}"),
            before,
            Some(json!({"step": step, "analysis": analysis, "state": state})),
        )
    }
}
