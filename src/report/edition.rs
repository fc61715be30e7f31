//! Draft and final versions of the delårsrapport (and the årsredovisning's part).
//!
//! A **final version** (`--final`, "Slutversion" in the window) is made only when everything
//! it prints is approved: every goal's assessment of every unit in the report, every
//! report text the period expects of those units (`narrative`), and every economy part it
//! prints (the statements, the investments, each nämnd's driftredovisning with figures). Otherwise it is refused with
//! `conflict` — the request is fine, the data is not in the state it needs — and the list of
//! what is missing: unit, goal or section, and its state. A final version prints no review
//! states and no "no analysis written" placeholders.
//!
//! A **draft** (every other report) says so: "utkast" in its title and "UTKAST" on every page,
//! so a draft never passes for the version the council decided on.

use serde::Serialize;

use crate::error::{AppError, Msg, Result};
use crate::model::AssessmentState;
use crate::msg;
use crate::narrative;
use crate::scorecard::Scorecard;
use crate::store::Store;

/// Which version of a report to make.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Edition {
    /// A working version: anything goes in, "UTKAST" on every page.
    #[default]
    Draft,
    /// The version for the council: only approved assessments and texts.
    Final,
}

impl Edition {
    pub fn from_final(final_version: bool) -> Self {
        if final_version {
            Edition::Final
        } else {
            Edition::Draft
        }
    }

    /// The mark on every page of a draft.
    pub fn page_mark(self) -> Option<&'static str> {
        match self {
            Edition::Draft => Some("UTKAST"),
            Edition::Final => None,
        }
    }

    /// What a title adds: " (utkast)" for a draft, nothing for a final version.
    pub fn title_suffix(self) -> &'static str {
        match self {
            Edition::Draft => " (utkast)",
            Edition::Final => "",
        }
    }
}

/// One thing a final version lacks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NotApproved {
    pub unit: String,
    /// The goal ("KF1 Barn och unga …") or the section ("Inledning").
    pub what: String,
    pub what_en: String,
    /// "ej bedömd", "ej skriven", "utkast", "klar för granskning".
    pub state: String,
    pub state_en: String,
}

fn state_words(state: Option<AssessmentState>, missing: Msg) -> Msg {
    match state {
        None => missing,
        Some(AssessmentState::Draft) => msg!("utkast", "draft"),
        Some(AssessmentState::Ready) => msg!("klar för granskning", "ready for review"),
        Some(AssessmentState::Approved) => msg!("godkänd", "approved"),
    }
}

/// What in `cards` (the report's scorecards, the top unit first) and the period's texts of
/// those units is not approved, in the report's order.
pub fn not_approved(store: &Store, cards: &[&Scorecard], period_id: i64) -> Result<Vec<NotApproved>> {
    let mut out = Vec::new();
    let texts = narrative::view(store, period_id)?;
    for card in cards {
        if let Some(unit_texts) = texts.units.iter().find(|u| u.unit.id == card.unit.id) {
            for t in &unit_texts.texts {
                let started = t.state.is_some();
                if t.approved() || (!texts.expected && !started) {
                    continue;
                }
                let state =
                    if t.written() { state_words(t.state, msg!("ej skriven", "not written")) } else { msg!("ej skriven", "not written") };
                out.push(NotApproved {
                    unit: card.unit.name.clone(),
                    what: t.title.clone(),
                    what_en: t.title_en.clone(),
                    state: state.sv,
                    state_en: state.en,
                });
            }
        }
        for g in card.perspectives.iter().flat_map(|p| &p.goals) {
            let state = g.assessment.as_ref().map(|a| a.state);
            if state == Some(AssessmentState::Approved) {
                continue;
            }
            let title = if g.code.is_empty() { g.title.clone() } else { format!("{} {}", g.code, g.title) };
            let words = state_words(state, msg!("ej bedömd", "not assessed"));
            out.push(NotApproved {
                unit: card.unit.name.clone(),
                what: title.clone(),
                what_en: title,
                state: words.sv,
                state_en: words.en,
            });
        }
    }
    economy_not_approved(store, cards, period_id, &mut out)?;
    steering_not_approved(store, cards, period_id, &mut out)?;
    Ok(out)
}

/// The follow-up of uppdrag and intern kontroll the report prints for the period that is
/// started but not approved: uppdrag of the report's units and the controls of their plans.
fn steering_not_approved(store: &Store, cards: &[&Scorecard], period_id: i64, out: &mut Vec<NotApproved>) -> Result<()> {
    let Some(top) = cards.first() else { return Ok(()) };
    let name_of = |id: i64| cards.iter().find(|c| c.unit.id == id).map(|c| c.unit.name.clone());
    let db = store.read();
    let assignments = crate::store::assignments::of_year(db, top.year)?;
    for f in crate::store::assignments::follow_ups_of_period(db, period_id)? {
        if f.state == AssessmentState::Approved {
            continue;
        }
        let Some(a) = assignments.iter().find(|a| a.id == f.assignment_id) else { continue };
        let Some(unit) = name_of(a.responsible_unit_id) else { continue };
        let words = state_words(Some(f.state), msg!("ej följt upp", "not followed up"));
        let what = msg!("Uppdrag: {title}", "Assignment: {title}", title = a.title.clone());
        out.push(NotApproved { unit, what: what.sv, what_en: what.en, state: words.sv, state_en: words.en });
    }
    let plans = crate::store::internal_control::plans_of_year(db, top.year)?;
    let risks = crate::store::internal_control::risks_of_year(db, top.year)?;
    let controls = crate::store::internal_control::controls_of_year(db, top.year)?;
    for f in crate::store::internal_control::follow_ups_of_period(db, period_id)? {
        if f.state == AssessmentState::Approved {
            continue;
        }
        let Some(c) = controls.iter().find(|c| c.id == f.control_id) else { continue };
        let Some(r) = risks.iter().find(|r| r.id == c.risk_id) else { continue };
        let Some(plan) = plans.iter().find(|p| p.id == r.plan_id) else { continue };
        let Some(unit) = name_of(plan.org_unit_id) else { continue };
        let words = state_words(Some(f.state), msg!("ej följd upp", "not followed up"));
        let what = msg!("Intern kontroll: {what}", "Internal control: {what}", what = c.what.clone());
        out.push(NotApproved { unit, what: what.sv, what_en: what.en, state: words.sv, state_en: words.en });
    }
    Ok(())
}

/// The economy parts the report prints that are not approved: for the municipality's report
/// the statements, the investments and each nämnd's and bolag's driftredovisning that has
/// figures; for a nämnd's own report its driftredovisning.
fn economy_not_approved(store: &Store, cards: &[&Scorecard], period_id: i64, out: &mut Vec<NotApproved>) -> Result<()> {
    let Some(top) = cards.first() else { return Ok(()) };
    let e = crate::economy::report::of_period(store, top.year, period_id)?;
    if !e.has_figures {
        return Ok(());
    }
    let mut push = |unit: &str, what: Msg, state: AssessmentState| {
        let words = state_words(Some(state), msg!("ej granskad", "not reviewed"));
        out.push(NotApproved { unit: unit.to_string(), what: what.sv, what_en: what.en, state: words.sv, state_en: words.en });
    };
    let whole = top.unit.kind == crate::model::UnitKind::Kommun;
    for l in e.operating.iter().chain(&e.companies) {
        let has_figures = [&l.budget_year, &l.actual, &l.forecast].iter().any(|a| a.ore.is_some());
        let in_report = whole || l.org_unit_id == Some(top.unit.id);
        match l.review {
            Some(state) if has_figures && in_report && state != AssessmentState::Approved => {
                push(&l.name, msg!("Driftredovisning", "Operating statement"), state)
            }
            _ => {}
        }
    }
    if whole {
        for r in e.reviews.iter().filter(|r| r.state != AssessmentState::Approved) {
            match r.part {
                crate::model::EconomyPart::Statements => {
                    push(&top.unit.name, msg!("Resultat- och balansräkning", "Income statement and balance sheet"), r.state)
                }
                crate::model::EconomyPart::Investments if !e.investments.is_empty() => {
                    push(&top.unit.name, msg!("Investeringsredovisning", "Investments"), r.state)
                }
                _ => {}
            }
        }
    }
    Ok(())
}

/// At most this many lines of what is missing in a refusal's message.
const LISTED: usize = 25;

/// Refuse a final version of the report of `cards` unless everything in it is approved.
pub fn require_final(store: &Store, cards: &[&Scorecard], period_id: i64) -> Result<()> {
    let missing = not_approved(store, cards, period_id)?;
    if missing.is_empty() {
        return Ok(());
    }
    let lines = |en: bool| {
        let mut text: Vec<String> = missing
            .iter()
            .take(LISTED)
            .map(|m| {
                if en {
                    format!("- {}: {} – {}", m.unit, m.what_en, m.state_en)
                } else {
                    format!("- {}: {} – {}", m.unit, m.what, m.state)
                }
            })
            .collect();
        if missing.len() > LISTED {
            let more = missing.len() - LISTED;
            text.push(if en { format!("… and {more} more") } else { format!("… och {more} till") });
        }
        text.join("\n")
    };
    let n = missing.len();
    let (sv, en) = (lines(false), lines(true));
    let (what, what_en) = if n == 1 {
        (
            "del (bedömning, text, ekonomi, uppdrag eller kontroll) är inte godkänd",
            "part (assessment, text, economy, assignment or control) is not approved",
        )
    } else {
        (
            "delar (bedömningar, texter, ekonomi, uppdrag eller kontroller) är inte godkända",
            "parts (assessments, texts, economy, assignments or controls) are not approved",
        )
    };
    Err(AppError::conflict(msg!(
        "Slutversionen kan inte göras: {n} {what}. Godkänn det som saknas, eller gör ett utkast:\n{sv}",
        "The final version cannot be made: {n} {what_en}. Approve what is missing, or make a draft:\n{en}"
    )))
}

/// The workbook's "Om filen" line on its version: final when everything in it is approved.
pub fn version_note(store: &Store, cards: &[&Scorecard], period_id: i64) -> Result<String> {
    let missing = not_approved(store, cards, period_id)?.len();
    Ok(if missing == 0 {
        "Slutversion: alla bedömningar, rapporttexter, ekonomidelar och uppföljningar av uppdrag och kontroller i filen är godkända."
            .to_string()
    } else {
        let what = if missing == 1 {
            "del (bedömning, rapporttext, ekonomi, uppdrag eller kontroll) i filen är inte godkänd"
        } else {
            "delar (bedömningar, rapporttexter, ekonomi, uppdrag eller kontroller) i filen är inte godkända"
        };
        format!("Utkast: {missing} {what} ännu.")
    })
}
