//! Intern kontroll (issue 16): each nämnd's (förvaltning's, the municipality's own
//! kommunstyrelse's) plan for a plan year — processes and risks scored by probability and
//! consequence 1–4, the risks chosen for the plan with their controls — and the follow-up of
//! each control per period.
//!
//! Two colour meanings live here and are kept apart:
//! - A control's follow-up has a **traffic light** with the same meaning as everywhere else
//!   (`model::Status`, symbol and word): utan anmärkning is green, an avvikelse with an action
//!   decided is yellow, an avvikelse without an action is red, not reported has no colour
//!   ([`light_of`]).
//! - A risk has a **risk level** from its value P × K ([`RiskLevel`]): 1–3 låg, 4–6 medel,
//!   8–9 hög, 12–16 mycket hög. It is drawn in the risk matrix in its own colours (shades of
//!   one hue, never the traffic light's), with the level's word in every cell.
//!
//! Plans, risks and controls are planning: each save is validated field by field and is one
//! undo step (`Writer::journaled`). Follow-up is like an assessment's: a locked period
//! refuses it, only a draft changes, and it is reviewed through `follow_up::review`
//! (utkast → klar för granskning → godkänd, back with a comment). Every write leaves an audit
//! row (the repository, `store::internal_control`).

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{AppError, Msg, Result};
use crate::follow_up::review::{self, ReviewAction};
use crate::model::{
    AssessmentState, Control, ControlFollowUp, ControlPlan, ControlReportIn, ControlResult, ControlRisk, OrgUnit, Period, PeriodKind,
    Status, UnitKind,
};
use crate::msg;
use crate::store::row_version::Seen;
use crate::store::{internal_control as repo, non_empty, periods, units, Read, Store, Writer};

/// The longest free text of a plan, risk, control or follow-up field.
pub const MAX_TEXT: usize = 4_000;

/// A risk's level from its value P × K (1–16). Its own colour meaning, not a target status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum RiskLevel {
    /// 1–3.
    Low,
    /// 4–6.
    Medium,
    /// 8–9.
    High,
    /// 12–16.
    VeryHigh,
}

pub const RISK_LEVELS: [RiskLevel; 4] = [RiskLevel::Low, RiskLevel::Medium, RiskLevel::High, RiskLevel::VeryHigh];

impl RiskLevel {
    /// The level of a risk value P × K.
    pub fn of_value(value: u8) -> Self {
        match value {
            0..=3 => RiskLevel::Low,
            4..=6 => RiskLevel::Medium,
            7..=9 => RiskLevel::High,
            _ => RiskLevel::VeryHigh,
        }
    }

    pub fn of(probability: u8, consequence: u8) -> Self {
        Self::of_value(probability.saturating_mul(consequence))
    }

    pub fn label(self) -> Msg {
        match self {
            RiskLevel::Low => msg!("Låg", "Low"),
            RiskLevel::Medium => msg!("Medel", "Medium"),
            RiskLevel::High => msg!("Hög", "High"),
            RiskLevel::VeryHigh => msg!("Mycket hög", "Very high"),
        }
    }

    /// The values the level covers, in words ("1–3").
    pub fn range(self) -> &'static str {
        match self {
            RiskLevel::Low => "1–3",
            RiskLevel::Medium => "4–6",
            RiskLevel::High => "8–9",
            RiskLevel::VeryHigh => "12–16",
        }
    }

    /// The level's colour in reports (`#rrggbb`): shades of one violet hue, light to dark,
    /// so a risk level never reads as a traffic light. The window's twins are the
    /// `--risk-*` tokens in `ui/src/styles/tokens.css`.
    pub fn colour(self) -> &'static str {
        match self {
            RiskLevel::Low => "#ede7f6",
            RiskLevel::Medium => "#c5b3e6",
            RiskLevel::High => "#7b57bd",
            RiskLevel::VeryHigh => "#4a2a8a",
        }
    }
}

/// A control's traffic light in a period: green utan anmärkning, yellow an avvikelse with an
/// action decided, red an avvikelse without one, `None` not reported.
pub fn light_of(follow_up: Option<&ControlFollowUp>) -> Option<Status> {
    let f = follow_up?;
    Some(light(f.result, &f.action))
}

/// [`light_of`] for a result and its action.
pub fn light(result: ControlResult, action: &str) -> Status {
    match result {
        ControlResult::NoRemarks => Status::Green,
        ControlResult::Deviation if !action.trim().is_empty() => Status::Yellow,
        ControlResult::Deviation => Status::Red,
    }
}

/// The traffic light's word for a control (`None`: not reported).
pub fn light_label(light: Option<Status>) -> Msg {
    match light {
        Some(Status::Green) => msg!("Utan anmärkning", "No remarks"),
        Some(Status::Yellow) => msg!("Avvikelse, åtgärd beslutad", "Deviation, action decided"),
        Some(Status::Red) => msg!("Avvikelse utan åtgärd", "Deviation without action"),
        None => msg!("Ej rapporterad", "Not reported"),
    }
}

/// The result in words.
pub fn result_label(result: ControlResult) -> Msg {
    match result {
        ControlResult::NoRemarks => msg!("Utan anmärkning", "No remarks"),
        ControlResult::Deviation => msg!("Avvikelse", "Deviation"),
    }
}

/// When a control is reported, in words.
pub fn report_in_label(r: ControlReportIn) -> Msg {
    match r {
        ControlReportIn::EveryPeriod => msg!("Varje uppföljning", "Every follow-up"),
        ControlReportIn::Delar => msg!("Delår", "Interim report"),
        ControlReportIn::Helar => msg!("Helår", "Full year"),
        ControlReportIn::DelarHelar => msg!("Delår och helår", "Interim report and full year"),
    }
}

/// Whether a control reported in `r` is expected in a period of `kind`.
pub fn reported_in(r: ControlReportIn, kind: PeriodKind) -> bool {
    match r {
        ControlReportIn::EveryPeriod => true,
        ControlReportIn::Delar => kind == PeriodKind::Delar,
        ControlReportIn::Helar => kind == PeriodKind::Helar,
        ControlReportIn::DelarHelar => matches!(kind, PeriodKind::Delar | PeriodKind::Helar),
    }
}

/// Whether a unit of `kind` has an intern kontroll plan: the municipality (its
/// kommunstyrelse), a nämnd or a förvaltning.
pub fn has_plan(kind: UnitKind) -> bool {
    matches!(kind, UnitKind::Kommun | UnitKind::Namnd | UnitKind::Forvaltning)
}

fn state_label(s: AssessmentState) -> Msg {
    match s {
        AssessmentState::Draft => msg!("Utkast", "Draft"),
        AssessmentState::Ready => msg!("Klar för granskning", "Ready for review"),
        AssessmentState::Approved => msg!("Godkänd", "Approved"),
    }
}

// ---------------------------------------------------------------------------
// Forms and saves.

/// The plan's own fields: whose, which year, the decision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ControlPlanForm {
    pub unit_id: i64,
    pub year: i32,
    /// When the nämnd adopted it ("2026-02-12 § 14"), may be empty.
    pub decision: String,
}

/// A risk as the window edits it. `id` is `None` for a new risk.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ControlRiskForm {
    pub id: Option<i64>,
    pub plan_id: i64,
    pub process: String,
    pub risk: String,
    pub probability: u8,
    pub consequence: u8,
    pub chosen: bool,
    /// How a risk not chosen is handled (or why it is not), may be empty.
    pub handling: String,
}

/// A control as the window edits it. `id` is `None` for a new control.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ControlForm {
    pub id: Option<i64>,
    pub risk_id: i64,
    pub what: String,
    pub method: String,
    pub frequency: String,
    pub responsible: String,
    pub report_in: ControlReportIn,
}

/// A control's follow-up in a period as the window edits it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ControlFollowUpForm {
    pub control_id: i64,
    pub period_id: i64,
    pub result: ControlResult,
    pub comment: String,
    pub deviation: String,
    pub action: String,
}

fn long_text(field: &str, (sv, en): (&str, &str), text: &str) -> Result<String> {
    let t = text.trim();
    if t.chars().count() > MAX_TEXT {
        return Err(AppError::validation(msg!(
            "{sv} är för lång (högst 4 000 tecken). Korta texten.",
            "{en} is too long (at most 4,000 characters). Shorten the text."
        ))
        .on_field(field));
    }
    Ok(t.to_string())
}

fn one_line(field: &str, (sv, en): (&str, &str), text: &str) -> Result<String> {
    let t = text.trim();
    if t.chars().count() > 500 || t.chars().any(char::is_control) {
        return Err(AppError::validation(msg!(
            "{sv} skrivs på en rad (högst 500 tecken).",
            "{en} is written on one line (at most 500 characters)."
        ))
        .on_field(field));
    }
    Ok(t.to_string())
}

fn score(field: &str, (sv, en): (&str, &str), value: u8) -> Result<u8> {
    if !(1..=4).contains(&value) {
        return Err(AppError::validation(msg!(
            "{sv} anges 1–4 (1 = låg, 4 = mycket hög).",
            "{en} is given as 1–4 (1 = low, 4 = very high)."
        ))
        .on_field(field));
    }
    Ok(value)
}

fn check_unit(db: Read<'_>, unit_id: i64) -> Result<OrgUnit> {
    let unit = units::get(db, unit_id)?;
    if !has_plan(unit.kind) {
        return Err(AppError::validation(msg!(
            "{unit} är en {kind} och har ingen egen plan för intern kontroll. Välj en nämnd, förvaltning eller kommunen.",
            "{unit} is a {kind} and has no internal control plan of its own. Choose a committee, administration or the municipality.",
            unit = unit.name,
            kind = unit.kind.label().to_lowercase()
        ))
        .on_field("unit_id"));
    }
    Ok(unit)
}

/// [`Writer::save_control_plan`] without the undo step.
pub(crate) fn write_plan(w: &mut Writer<'_>, form: &ControlPlanForm) -> Result<i64> {
    check_unit(w.read(), form.unit_id)?;
    crate::model::check_year(form.year).map_err(|e| e.on_field("year"))?;
    if !crate::store::plan::exists_year(w.read(), form.year)? {
        return Err(AppError::not_found(msg!(
            "Planåret {year} finns inte. Starta planåret först.",
            "Plan year {year} does not exist. Start the plan year first.",
            year = form.year
        ))
        .on_field("year"));
    }
    let decision = one_line("decision", ("Beslutet", "The decision"), &form.decision)?;
    match repo::plan_of(w.read(), form.unit_id, form.year)? {
        Some(p) if p.decision == decision => Ok(p.id),
        Some(p) => repo::update_plan(w, p.id, &decision).map(|_| p.id),
        None => repo::insert_plan(w, form.unit_id, form.year, &decision),
    }
}

/// [`Writer::save_control_risk`] without the undo step.
pub(crate) fn write_risk(w: &mut Writer<'_>, form: &ControlRiskForm) -> Result<i64> {
    let plan = repo::get_plan(w.read(), form.plan_id)?;
    let process = non_empty(("Processen", "The process"), &form.process).map_err(|e| e.on_field("process"))?;
    let risk = long_text("risk", ("Risken", "The risk"), &form.risk)?;
    if risk.is_empty() {
        return Err(AppError::validation(msg!("Beskriv risken.", "Describe the risk.")).on_field("risk"));
    }
    let probability = score("probability", ("Sannolikheten", "The probability"), form.probability)?;
    let consequence = score("consequence", ("Konsekvensen", "The consequence"), form.consequence)?;
    let handling = long_text("handling", ("Hanteringen", "The handling"), &form.handling)?;
    let row = ControlRisk {
        id: form.id.unwrap_or(0),
        plan_id: plan.id,
        process,
        risk,
        probability,
        consequence,
        chosen: form.chosen,
        handling,
        sort_order: 0,
    };
    match form.id {
        Some(id) => {
            let current = repo::get_risk(w.read(), id)?;
            if current.plan_id != plan.id {
                return Err(AppError::validation(msg!("Risken hör till en annan plan.", "The risk belongs to another plan.")));
            }
            if current.chosen && !form.chosen && !repo::controls_of_risk(w.read(), id)?.is_empty() {
                return Err(AppError::conflict(msg!(
                    "Risken har kontroller och kan inte väljas bort. Ta bort kontrollerna först.",
                    "The risk has controls and cannot be unselected. Delete the controls first."
                ))
                .on_field("chosen"));
            }
            repo::update_risk(w, &row)?;
            Ok(id)
        }
        None => repo::insert_risk(w, &row),
    }
}

/// [`Writer::save_control`] without the undo step.
pub(crate) fn write_control(w: &mut Writer<'_>, form: &ControlForm) -> Result<i64> {
    let risk = repo::get_risk(w.read(), form.risk_id)?;
    if !risk.chosen {
        return Err(AppError::conflict(msg!(
            "Risken \"{risk}\" är inte vald i planen. Välj den innan den får kontroller.",
            "The risk \"{risk}\" is not chosen in the plan. Choose it before it gets controls.",
            risk = risk.risk
        ))
        .on_field("risk_id"));
    }
    let what = non_empty(("Kontrollmomentet", "The control"), &form.what).map_err(|e| e.on_field("what"))?;
    let row = Control {
        id: form.id.unwrap_or(0),
        risk_id: risk.id,
        what,
        method: long_text("method", ("Hur kontrollen görs", "How it is checked"), &form.method)?,
        frequency: one_line("frequency", ("Hur ofta", "How often"), &form.frequency)?,
        responsible: one_line("responsible", ("Vem", "Who"), &form.responsible)?,
        report_in: form.report_in,
        sort_order: 0,
    };
    match form.id {
        Some(id) => {
            let current = repo::get_control(w.read(), id)?;
            if current.risk_id != risk.id {
                return Err(AppError::validation(msg!("Kontrollen hör till en annan risk.", "The control belongs to another risk.")));
            }
            repo::update_control(w, &row)?;
            Ok(id)
        }
        None => repo::insert_control(w, &row),
    }
}

impl Writer<'_> {
    /// Create a unit's plan for a year, or change its decision (one undo step). Returns its id.
    pub fn save_control_plan(&mut self, form: &ControlPlanForm) -> Result<i64> {
        self.journaled(&format!("Intern kontroll: plan {}", form.year), |w| write_plan(w, form))
    }

    /// Add or change a risk (one undo step). Returns its id.
    pub fn save_control_risk(&mut self, form: &ControlRiskForm) -> Result<i64> {
        let label = if form.id.is_some() { "Ändra risken" } else { "Lägg till risken" };
        self.journaled(&format!("{label} {}", form.risk.trim()), |w| write_risk(w, form))
    }

    /// Delete a risk with its controls and their follow-up (one undo step).
    pub fn delete_control_risk(&mut self, id: i64) -> Result<()> {
        let risk = repo::get_risk(self.read(), id)?;
        self.journaled(&format!("Ta bort risken {}", risk.risk), |w| repo::delete_risk(w, id))
    }

    /// Add or change a control of a chosen risk (one undo step). Returns its id.
    pub fn save_control(&mut self, form: &ControlForm) -> Result<i64> {
        let label = if form.id.is_some() { "Ändra kontrollen" } else { "Lägg till kontrollen" };
        self.journaled(&format!("{label} {}", form.what.trim()), |w| write_control(w, form))
    }

    /// Delete a control with its follow-up (one undo step).
    pub fn delete_control(&mut self, id: i64) -> Result<()> {
        let c = repo::get_control(self.read(), id)?;
        self.journaled(&format!("Ta bort kontrollen {}", c.what), |w| repo::delete_control(w, id))
    }

    /// Write a control's follow-up in an open period (a draft, or a new one). An avvikelse
    /// needs its description; without one the result is utan anmärkning and the deviation
    /// and action are cleared.
    /// Saved over whatever is stored (the seed loader, the CLI); the window saves with
    /// [`Writer::save_control_follow_up_seen`].
    pub fn save_control_follow_up(&mut self, form: &ControlFollowUpForm) -> Result<()> {
        self.save_control_follow_up_as(form, Seen::Unchecked)
    }

    /// [`Writer::save_control_follow_up`] of the follow-up the user loaded at
    /// `expected_version` (`None`: they saw none): refused with `conflict` (field `comment`),
    /// naming who changed it and when, when someone else saved it since.
    pub fn save_control_follow_up_seen(&mut self, form: &ControlFollowUpForm, expected_version: Option<i64>) -> Result<()> {
        self.save_control_follow_up_as(form, Seen::Version(expected_version))
    }

    fn save_control_follow_up_as(&mut self, form: &ControlFollowUpForm, seen: Seen) -> Result<()> {
        let period = periods::get(self.read(), form.period_id)?;
        periods::require_open(self.read(), form.period_id)?;
        check_control_in_year(self.read(), form.control_id, &period)?;
        let comment = long_text("comment", ("Kommentaren", "The comment"), &form.comment)?;
        let (deviation, action) = match form.result {
            ControlResult::NoRemarks => (String::new(), String::new()),
            ControlResult::Deviation => {
                let deviation = long_text("deviation", ("Avvikelsen", "The deviation"), &form.deviation)?;
                if deviation.is_empty() {
                    return Err(AppError::validation(msg!(
                        "Beskriv avvikelsen: vad som inte fungerade och hur det upptäcktes.",
                        "Describe the deviation: what did not work and how it was found."
                    ))
                    .on_field("deviation"));
                }
                (deviation, long_text("action", ("Åtgärden", "The action"), &form.action)?)
            }
        };
        let current = repo::get_follow_up(self.read(), form.control_id, form.period_id)?;
        if let Some(c) = &current {
            review::editable_of(&msg!("Uppföljningen", "The follow-up"), c.state)?;
        }
        let row = ControlFollowUp {
            control_id: form.control_id,
            period_id: form.period_id,
            result: form.result,
            comment,
            deviation,
            action,
            state: AssessmentState::Draft,
            review_comment: current.map(|c| c.review_comment).unwrap_or_default(),
            changed_at: String::new(),
            changed_by: String::new(),
            version: 0,
        };
        repo::put_follow_up_seen(self, &row, seen)
    }

    /// Submit, approve or send back a control's follow-up.
    pub fn review_control_follow_up(&mut self, control_id: i64, period_id: i64, action: &ReviewAction) -> Result<AssessmentState> {
        periods::require_open(self.read(), period_id)?;
        let Some(current) = repo::get_follow_up(self.read(), control_id, period_id)? else {
            return Err(AppError::not_found(msg!(
                "Kontrollen är inte uppföljd i perioden ännu. Fyll i resultatet först.",
                "The control has not been followed up in the period yet. Fill in the result first."
            )));
        };
        let next = review::next_state_of(&msg!("Uppföljningen", "The follow-up"), current.state, action)?;
        let review_comment = match action {
            ReviewAction::Return { comment } => comment.trim().to_string(),
            _ => String::new(),
        };
        repo::put_follow_up(self, &ControlFollowUp { state: next, review_comment, ..current })?;
        Ok(next)
    }
}

/// The control exists and belongs to a plan of the period's year.
fn check_control_in_year(db: Read<'_>, control_id: i64, period: &Period) -> Result<Control> {
    let control = repo::get_control(db, control_id)?;
    let risk = repo::get_risk(db, control.risk_id)?;
    let plan = repo::get_plan(db, risk.plan_id)?;
    if plan.plan_year != period.plan_year {
        return Err(AppError::validation(msg!(
            "Kontrollen hör till planen för {plan} och följs upp i det årets perioder, inte i {period}.",
            "The control belongs to the plan of {plan} and is followed up in that year's periods, not in {period}.",
            plan = plan.plan_year,
            period = period.label()
        ))
        .on_field("period_id"));
    }
    Ok(control)
}

// ---------------------------------------------------------------------------
// The plan with its follow-up: what the window, the text view and the reports show.

/// A control with its follow-up in the period.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct ControlRow {
    pub id: i64,
    pub risk_id: i64,
    pub what: String,
    pub method: String,
    pub frequency: String,
    pub responsible: String,
    pub report_in: ControlReportIn,
    pub report_in_label: String,
    pub report_in_label_en: String,
    /// Expected in the period (by `report_in`).
    pub expected: bool,
    pub follow_up: Option<ControlFollowUpRow>,
    /// The traffic light (`None`: not reported).
    pub light: Option<Status>,
    pub light_label: String,
    pub light_label_en: String,
}

/// A control's follow-up as shown.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct ControlFollowUpRow {
    pub result: ControlResult,
    pub comment: String,
    pub deviation: String,
    pub action: String,
    pub state: AssessmentState,
    pub state_label: String,
    pub state_label_en: String,
    pub review_comment: String,
    pub changed_at: String,
    pub changed_by: String,
    /// The row version the window saves against (see `store::row_version`).
    pub version: i64,
}

/// A risk with its number in the plan (as the matrix shows it), level and controls.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct RiskRow {
    pub id: i64,
    /// 1, 2, 3 … in the plan's order: the risk's mark in the matrix.
    pub number: u32,
    pub process: String,
    pub risk: String,
    pub probability: u8,
    pub consequence: u8,
    pub value: u8,
    pub level: RiskLevel,
    pub level_label: String,
    pub level_label_en: String,
    pub chosen: bool,
    pub handling: String,
    pub controls: Vec<ControlRow>,
}

/// Counts of a plan's follow-up in a period.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ControlCounts {
    /// Controls of chosen risks.
    pub controls: u32,
    /// Controls expected in the period.
    pub expected: u32,
    /// Controls with a follow-up in the period.
    pub reported: u32,
    pub no_remarks: u32,
    pub deviations: u32,
    /// Deviations with an action decided.
    pub actions: u32,
    pub approved: u32,
}

/// A unit's plan for a year with the follow-up of one period (or none).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct ControlPlanView {
    pub unit: OrgUnit,
    pub year: i32,
    /// `None` while the unit has no plan for the year.
    pub plan_id: Option<i64>,
    pub decision: String,
    pub period: Option<Period>,
    pub risks: Vec<RiskRow>,
    pub counts: ControlCounts,
}

impl ControlPlanView {
    /// Every follow-up in the view is approved (and there is at least one control).
    pub fn all_approved(&self) -> bool {
        self.counts.reported == self.counts.controls && self.counts.approved == self.counts.controls
    }
}

fn follow_up_row(f: &ControlFollowUp) -> ControlFollowUpRow {
    let state = state_label(f.state);
    ControlFollowUpRow {
        result: f.result,
        comment: f.comment.clone(),
        deviation: f.deviation.clone(),
        action: f.action.clone(),
        state: f.state,
        state_label: state.sv,
        state_label_en: state.en,
        review_comment: f.review_comment.clone(),
        changed_at: f.changed_at.clone(),
        changed_by: f.changed_by.clone(),
        version: f.version,
    }
}

/// Build the view of a plan from its parts (shared by [`plan_view`] and [`plans_of_period`]).
fn view_of(
    unit: OrgUnit,
    year: i32,
    plan: Option<&ControlPlan>,
    risks: &[&ControlRisk],
    controls: &HashMap<i64, Vec<&Control>>,
    period: Option<&Period>,
    follow_ups: &HashMap<i64, &ControlFollowUp>,
) -> ControlPlanView {
    let mut counts = ControlCounts::default();
    let risks = risks
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let level = RiskLevel::of(r.probability, r.consequence);
            let label = level.label();
            let controls = controls
                .get(&r.id)
                .map(|cs| {
                    cs.iter()
                        .map(|c| {
                            let f = follow_ups.get(&c.id).copied();
                            let light = light_of(f);
                            let ll = light_label(light);
                            let ri = report_in_label(c.report_in);
                            let expected = period.is_some_and(|p| reported_in(c.report_in, p.kind));
                            if r.chosen {
                                counts.controls += 1;
                                counts.expected += expected as u32;
                                if let Some(f) = f {
                                    counts.reported += 1;
                                    counts.no_remarks += (f.result == ControlResult::NoRemarks) as u32;
                                    counts.deviations += (f.result == ControlResult::Deviation) as u32;
                                    counts.actions += (light == Some(Status::Yellow)) as u32;
                                    counts.approved += (f.state == AssessmentState::Approved) as u32;
                                }
                            }
                            ControlRow {
                                id: c.id,
                                risk_id: c.risk_id,
                                what: c.what.clone(),
                                method: c.method.clone(),
                                frequency: c.frequency.clone(),
                                responsible: c.responsible.clone(),
                                report_in: c.report_in,
                                report_in_label: ri.sv,
                                report_in_label_en: ri.en,
                                expected,
                                follow_up: f.map(follow_up_row),
                                light,
                                light_label: ll.sv,
                                light_label_en: ll.en,
                            }
                        })
                        .collect()
                })
                .unwrap_or_default();
            RiskRow {
                id: r.id,
                number: i as u32 + 1,
                process: r.process.clone(),
                risk: r.risk.clone(),
                probability: r.probability,
                consequence: r.consequence,
                value: r.value(),
                level,
                level_label: label.sv,
                level_label_en: label.en,
                chosen: r.chosen,
                handling: r.handling.clone(),
                controls,
            }
        })
        .collect();
    ControlPlanView {
        unit,
        year,
        plan_id: plan.map(|p| p.id),
        decision: plan.map(|p| p.decision.clone()).unwrap_or_default(),
        period: period.cloned(),
        risks,
        counts,
    }
}

/// Every plan of `year` with the follow-up of `period_id` (if any), for the units in
/// `unit_ids` (all units with a plan when `None`), in the order of `unit_ids` (else by unit
/// id). Units without a plan are left out.
pub fn plans_of_year(store: &Store, year: i32, period_id: Option<i64>, unit_ids: Option<&[i64]>) -> Result<Vec<ControlPlanView>> {
    let db = store.read();
    let period = period_id.map(|id| periods::get(db, id)).transpose()?;
    let plans = repo::plans_of_year(db, year)?;
    let risks = repo::risks_of_year(db, year)?;
    let controls = repo::controls_of_year(db, year)?;
    let follow_ups = match &period {
        Some(p) => repo::follow_ups_of_period(db, p.id)?,
        None => Vec::new(),
    };
    let mut risks_by_plan: HashMap<i64, Vec<&ControlRisk>> = HashMap::new();
    for r in &risks {
        risks_by_plan.entry(r.plan_id).or_default().push(r);
    }
    let mut controls_by_risk: HashMap<i64, Vec<&Control>> = HashMap::new();
    for c in &controls {
        controls_by_risk.entry(c.risk_id).or_default().push(c);
    }
    let follow_ups: HashMap<i64, &ControlFollowUp> = follow_ups.iter().map(|f| (f.control_id, f)).collect();
    let by_unit: HashMap<i64, &ControlPlan> = plans.iter().map(|p| (p.org_unit_id, p)).collect();
    let order: Vec<i64> = match unit_ids {
        Some(ids) => ids.to_vec(),
        None => plans.iter().map(|p| p.org_unit_id).collect(),
    };
    let mut out = Vec::new();
    for unit_id in order {
        let Some(plan) = by_unit.get(&unit_id) else { continue };
        let unit = units::get(db, unit_id)?;
        let risks = risks_by_plan.get(&plan.id).cloned().unwrap_or_default();
        out.push(view_of(unit, year, Some(plan), &risks, &controls_by_risk, period.as_ref(), &follow_ups));
    }
    Ok(out)
}

/// One unit's plan for `year` with the follow-up of `period_id` (an empty view when the unit
/// has no plan yet). Refused for a unit that has no plan of its own (an enhet, a bolag).
pub fn plan_view(store: &Store, unit_id: i64, year: i32, period_id: Option<i64>) -> Result<ControlPlanView> {
    let unit = check_unit(store.read(), unit_id)?;
    if let Some(p) = period_id {
        let period = periods::get(store.read(), p)?;
        if period.plan_year != year {
            return Err(AppError::validation(msg!(
                "Perioden {period} hör inte till planåret {year}.",
                "The period {period} does not belong to plan year {year}.",
                period = period.label(),
                year = year
            ))
            .on_field("period_id"));
        }
    }
    let mut views = plans_of_year(store, year, period_id, Some(&[unit_id]))?;
    Ok(views.pop().unwrap_or_else(|| {
        let period = period_id.and_then(|p| periods::get(store.read(), p).ok());
        view_of(unit, year, None, &[], &HashMap::new(), period.as_ref(), &HashMap::new())
    }))
}

// ---------------------------------------------------------------------------
// The command line's text view.

/// `styrkort intern-kontroll visa`: the plan, the matrix as numbers and each control's result.
pub fn text(view: &ControlPlanView) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let _ = writeln!(out, "Intern kontroll {} – {}", view.year, view.unit.name);
    if view.plan_id.is_none() {
        let _ = writeln!(out, "Ingen plan för intern kontroll för {}.", view.year);
        return out;
    }
    if !view.decision.is_empty() {
        let _ = writeln!(out, "Beslut: {}", view.decision);
    }
    if let Some(p) = &view.period {
        let c = &view.counts;
        let _ = writeln!(
            out,
            "Uppföljning {}: {} av {} kontroller rapporterade, {} utan anmärkning, {} avvikelser ({} med åtgärd), {} godkända",
            p.label(),
            c.reported,
            c.controls,
            c.no_remarks,
            c.deviations,
            c.actions,
            c.approved
        );
    }
    let _ = writeln!(out, "\nRiskmatris (sannolikhet × konsekvens)");
    for p in (1..=4u8).rev() {
        let mut line = format!("  S{p} |");
        for k in 1..=4u8 {
            let here: Vec<String> =
                view.risks.iter().filter(|r| r.probability == p && r.consequence == k).map(|r| r.number.to_string()).collect();
            let _ = write!(line, " {:<8}|", here.join(","));
        }
        let _ = writeln!(out, "{line}");
    }
    let _ = writeln!(out, "       K1        K2        K3        K4");
    let _ = writeln!(out, "\nValda risker");
    for r in view.risks.iter().filter(|r| r.chosen) {
        let _ = writeln!(
            out,
            "{}. {} – {} (S{} × K{} = {}, {})",
            r.number, r.process, r.risk, r.probability, r.consequence, r.value, r.level_label
        );
        for c in &r.controls {
            let light = c.light.map(|s| format!("{} ", s.symbol())).unwrap_or_default();
            let _ = writeln!(out, "   - {}: {}{}", c.what, light, c.light_label);
            if let Some(f) = &c.follow_up {
                if !f.deviation.is_empty() {
                    let _ = writeln!(out, "     Avvikelse: {}", f.deviation);
                }
                if !f.action.is_empty() {
                    let _ = writeln!(out, "     Åtgärd: {}", f.action);
                }
            }
        }
    }
    let rest: Vec<&RiskRow> = view.risks.iter().filter(|r| !r.chosen).collect();
    if !rest.is_empty() {
        let _ = writeln!(out, "\nRisker som inte valts");
        for r in rest {
            let handling = if r.handling.is_empty() { "ingen hantering angiven".to_string() } else { r.handling.clone() };
            let _ = writeln!(out, "{}. {} – {} (värde {}): {}", r.number, r.process, r.risk, r.value, handling);
        }
    }
    out
}

// ---------------------------------------------------------------------------
// Demo data (`seeds/demo-internal-control.json`), written through the same saves.

pub const DEMO_PLANS: &str = include_str!("../seeds/demo-internal-control.json");
pub const DEMO_PLANS_NAME: &str = "seeds/demo-internal-control.json";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SeedFile {
    format: String,
    version: u32,
    year: i32,
    /// The period of the follow-up, as the command line names it ("delår").
    period: String,
    plans: Vec<SeedPlan>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SeedPlan {
    unit: String,
    #[serde(default)]
    decision: String,
    risks: Vec<SeedRisk>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SeedRisk {
    process: String,
    risk: String,
    probability: u8,
    consequence: u8,
    #[serde(default)]
    chosen: bool,
    #[serde(default)]
    handling: String,
    #[serde(default)]
    controls: Vec<SeedControl>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SeedControl {
    what: String,
    #[serde(default)]
    method: String,
    #[serde(default)]
    frequency: String,
    #[serde(default)]
    responsible: String,
    report_in: ControlReportIn,
    #[serde(default)]
    follow_up: Option<SeedFollowUp>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SeedFollowUp {
    result: ControlResult,
    #[serde(default)]
    comment: String,
    #[serde(default)]
    deviation: String,
    #[serde(default)]
    action: String,
    state: AssessmentState,
}

/// Load intern kontroll plans from a seed file in one transaction; a bad file names the
/// place and saves nothing. Returns the number of plans.
pub fn load_seed(store: &mut Store, ctx: &crate::store::ChangeContext, name: &str, json: &str) -> Result<usize> {
    let bad = |what: String| AppError::bad_file(msg!("{name}: {what}", "{name}: {what}"));
    let seed: SeedFile = serde_json::from_str(json).map_err(|e| bad(format!("{e}")))?;
    if seed.format != "styrkort-internal-control" || seed.version != 1 {
        return Err(bad(format!("format {} version {} känns inte igen", seed.format, seed.version)));
    }
    let period = store.resolve_period(seed.year, &seed.period)?.id;
    let mut planned = Vec::new();
    for (i, p) in seed.plans.iter().enumerate() {
        let unit = store.resolve_unit(&p.unit).map_err(|e| bad(format!("plans[{i}]: {}", e.message)))?.id;
        planned.push((unit, p));
    }
    let place = |i: usize, e: AppError| bad(format!("plans[{i}]: {}", e.message));
    store.write(ctx, |w| {
        for (i, (unit, p)) in planned.iter().enumerate() {
            let plan_id = write_plan(w, &ControlPlanForm { unit_id: *unit, year: seed.year, decision: p.decision.clone() })
                .map_err(|e| place(i, e))?;
            for r in &p.risks {
                let risk_id = write_risk(
                    w,
                    &ControlRiskForm {
                        id: None,
                        plan_id,
                        process: r.process.clone(),
                        risk: r.risk.clone(),
                        probability: r.probability,
                        consequence: r.consequence,
                        chosen: r.chosen,
                        handling: r.handling.clone(),
                    },
                )
                .map_err(|e| place(i, e))?;
                for c in &r.controls {
                    let control_id = write_control(
                        w,
                        &ControlForm {
                            id: None,
                            risk_id,
                            what: c.what.clone(),
                            method: c.method.clone(),
                            frequency: c.frequency.clone(),
                            responsible: c.responsible.clone(),
                            report_in: c.report_in,
                        },
                    )
                    .map_err(|e| place(i, e))?;
                    if let Some(f) = &c.follow_up {
                        w.save_control_follow_up(&ControlFollowUpForm {
                            control_id,
                            period_id: period,
                            result: f.result,
                            comment: f.comment.clone(),
                            deviation: f.deviation.clone(),
                            action: f.action.clone(),
                        })
                        .map_err(|e| place(i, e))?;
                        if f.state != AssessmentState::Draft {
                            w.review_control_follow_up(control_id, period, &ReviewAction::Submit)?;
                        }
                        if f.state == AssessmentState::Approved {
                            w.review_control_follow_up(control_id, period, &ReviewAction::Approve)?;
                        }
                    }
                }
            }
        }
        Ok(planned.len())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn risk_levels_cover_every_value_of_the_matrix() {
        let cases = [
            (1, 1, RiskLevel::Low),
            (1, 3, RiskLevel::Low),
            (2, 2, RiskLevel::Medium),
            (2, 3, RiskLevel::Medium),
            (4, 1, RiskLevel::Medium),
            (2, 4, RiskLevel::High),
            (3, 3, RiskLevel::High),
            (3, 4, RiskLevel::VeryHigh),
            (4, 4, RiskLevel::VeryHigh),
        ];
        for (p, k, level) in cases {
            assert_eq!(RiskLevel::of(p, k), level, "{p}×{k}");
        }
    }
}
