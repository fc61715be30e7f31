//! Uppdrag: assignments given by kommunfullmäktige (issuer = the municipality, the root unit)
//! or a nämnd to a nämnd or unit, with the decision (body, date, §), a deadline, a person
//! responsible and the goals of the same plan year they serve.
//!
//! The uppdrag form is planning: each save or delete is one undo step (`journaled`). Its
//! follow-up per period (status ej påbörjat / pågår / genomfört / avslutat utan att
//! genomföras, and a comment) is follow-up: reviewed like an assessment
//! (`follow_up::review`: utkast → klar för granskning → godkänd, back with a comment; only a
//! draft changes), refused in a locked period, audited, and like assessments not undone with
//! Ctrl+Z.
//!
//! An uppdrag's status in a period is its follow-up in that period or, when there is none,
//! the latest earlier one of the plan year. Its age counts from the decision date to `today`
//! (passed in). Copying a plan year forward carries the unfinished ones (latest status
//! neither genomfört nor avslutat) into the new year (`copy_unfinished`).

use std::collections::{BTreeSet, HashMap};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{AppError, Msg, Result};
use crate::follow_up::review::{self, ReviewAction};
use crate::model::{
    date_text, optional_date, AssessmentState, Assignment, AssignmentFollowUp, AssignmentStatus, OrgUnit, Period, UnitKind,
};
use crate::msg;
use crate::store::row_version::Seen;
use crate::store::{assignments, goals, periods, plan, units, Read, Store, Writer};

/// The longest description or comment, in characters.
pub const MAX_TEXT: usize = 4_000;
/// The longest person name, code or paragraph.
pub const MAX_LINE: usize = 200;

fn subject() -> Msg {
    msg!("Uppföljningen av uppdraget", "The assignment's follow-up")
}

impl AssignmentStatus {
    /// The word the window and the reports use.
    pub fn label(self) -> Msg {
        match self {
            AssignmentStatus::NotStarted => msg!("Ej påbörjat", "Not started"),
            AssignmentStatus::InProgress => msg!("Pågår", "In progress"),
            AssignmentStatus::Done => msg!("Genomfört", "Done"),
            AssignmentStatus::ClosedUndone => msg!("Avslutat utan att genomföras", "Closed without being carried out"),
        }
    }

    /// The symbol shown beside the word (never colour alone).
    pub fn symbol(self) -> &'static str {
        match self {
            AssignmentStatus::NotStarted => "○",
            AssignmentStatus::InProgress => "◐",
            AssignmentStatus::Done => "✓",
            AssignmentStatus::ClosedUndone => "✕",
        }
    }

    /// Genomfört or avslutat: no longer followed, not carried into the next year.
    pub fn finished(self) -> bool {
        matches!(self, AssignmentStatus::Done | AssignmentStatus::ClosedUndone)
    }
}

/// "12 dagar", "3 månader", "1 år och 2 månader": the age of an uppdrag from its decision
/// date to `today`, in whole calendar months once it is a month old. `None` before the
/// decision date.
pub fn age_in_words(decided: chrono::NaiveDate, today: chrono::NaiveDate) -> Option<Msg> {
    use chrono::Datelike;
    if today < decided {
        return None;
    }
    let mut months = (today.year() - decided.year()) * 12 + today.month() as i32 - decided.month() as i32;
    if today.day() < decided.day() {
        months -= 1;
    }
    if months < 1 {
        let days = (today - decided).num_days();
        return Some(if days == 1 { msg!("1 dag", "1 day") } else { msg!("{days} dagar", "{days} days") });
    }
    let (years, rest) = (months / 12, months % 12);
    let month_words = |n: i32| if n == 1 { msg!("1 månad", "1 month") } else { msg!("{n} månader", "{n} months") };
    let year_words = |n: i32| if n == 1 { msg!("1 år", "1 year") } else { msg!("{n} år", "{n} years") };
    Some(match (years, rest) {
        (0, m) => month_words(m),
        (y, 0) => year_words(y),
        (y, m) => msg!("{} och {}", "{} and {}", year_words(y), month_words(m)),
    })
}

/// The status an uppdrag has in `period`: its follow-up there, else the latest one in an
/// earlier period of the year. `periods` is the year's periods in order (`periods::of_year`:
/// by end date, a longer period after a shorter one ending the same day). Returns the
/// follow-up it comes from.
pub fn status_in<'a>(follow_ups: &[&'a AssignmentFollowUp], periods: &[Period], period_id: i64) -> Option<&'a AssignmentFollowUp> {
    let at = periods.iter().position(|p| p.id == period_id)?;
    periods[..=at].iter().rev().find_map(|p| follow_ups.iter().find(|f| f.period_id == p.id).copied())
}

/// The latest follow-up of the year (the one of the latest period that has one).
pub fn latest<'a>(follow_ups: &[&'a AssignmentFollowUp], periods: &[Period]) -> Option<&'a AssignmentFollowUp> {
    periods.iter().rev().find_map(|p| follow_ups.iter().find(|f| f.period_id == p.id).copied())
}

/// An uppdrag's follow-up in one period, as the window shows and edits it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct AssignmentFollowUpRow {
    pub period_id: i64,
    pub period_name: String,
    pub status: AssignmentStatus,
    pub comment: String,
    pub state: AssessmentState,
    pub review_comment: String,
    pub changed_at: String,
    pub changed_by: String,
    /// The row version the window saves against (see `store::row_version`).
    pub version: i64,
}

impl AssignmentFollowUpRow {
    fn of(f: &AssignmentFollowUp, periods: &[Period]) -> Self {
        AssignmentFollowUpRow {
            period_id: f.period_id,
            period_name: periods.iter().find(|p| p.id == f.period_id).map(|p| p.name.clone()).unwrap_or_default(),
            status: f.status,
            comment: f.comment.clone(),
            state: f.state,
            review_comment: f.review_comment.clone(),
            changed_at: f.changed_at.clone(),
            changed_by: f.changed_by.clone(),
            version: f.version,
        }
    }
}

/// One uppdrag as the list, the form and the reports show it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct AssignmentRow {
    pub id: i64,
    pub plan_year: i32,
    pub code: String,
    pub title: String,
    pub description: String,
    pub issuer_unit_id: i64,
    /// "Kommunfullmäktige" or the nämnd's name.
    pub decision_body: String,
    pub decision_date: Option<String>,
    pub decision_paragraph: String,
    pub responsible_unit_id: i64,
    pub responsible_unit_name: String,
    pub responsible_person: String,
    pub deadline: Option<String>,
    pub goal_ids: Vec<i64>,
    /// "code title" of the goals it serves.
    pub goal_names: Vec<String>,
    /// Carried over from the previous year's uppdrag with this id.
    pub copied_from_id: Option<i64>,
    /// Days since the decision (none without a decision date).
    pub age_days: Option<i64>,
    pub age_text: String,
    pub age_text_en: String,
    /// Not finished and the deadline has passed.
    pub overdue: bool,
    /// The status in the chosen period (or the latest, without one): see [`status_in`].
    pub status: Option<AssignmentStatus>,
    /// The status's comment.
    pub status_comment: String,
    /// The period the status comes from, when it is an earlier one than the chosen.
    pub status_from: Option<String>,
    /// The follow-up in the chosen period itself, if started.
    pub follow_up: Option<AssignmentFollowUpRow>,
}

/// The window's "Uppdrag" tab: the year's uppdrag (filtered to a unit and below), and what
/// the form chooses from.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct AssignmentsView {
    pub year: i32,
    pub period: Option<Period>,
    pub rows: Vec<AssignmentRow>,
    /// How many of `rows` have each status ("12 av 18 uppdrag är genomförda").
    pub counts: StatusCounts,
    /// Who can give an uppdrag: the municipality (KF) and the nämnder.
    pub issuers: Vec<OrgUnit>,
    /// Every active unit (responsible).
    pub units: Vec<OrgUnit>,
    /// The year's goals, "code title" with owner.
    pub goals: Vec<GoalOption>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct GoalOption {
    pub id: i64,
    pub name: String,
    pub owner_name: String,
}

/// Counts of uppdrag per status; `none` without any follow-up yet.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct StatusCounts {
    pub total: u32,
    pub not_started: u32,
    pub in_progress: u32,
    pub done: u32,
    pub closed_undone: u32,
    pub none: u32,
}

impl StatusCounts {
    pub fn of(rows: &[AssignmentRow]) -> Self {
        let mut c = StatusCounts::default();
        for r in rows {
            c.total += 1;
            match r.status {
                Some(AssignmentStatus::NotStarted) => c.not_started += 1,
                Some(AssignmentStatus::InProgress) => c.in_progress += 1,
                Some(AssignmentStatus::Done) => c.done += 1,
                Some(AssignmentStatus::ClosedUndone) => c.closed_undone += 1,
                None => c.none += 1,
            }
        }
        c
    }

    /// "12 av 18 uppdrag är genomförda" (and how many are closed without being done).
    pub fn summary(&self) -> Msg {
        let mut m = if self.total == 1 {
            msg!("{} av 1 uppdrag är genomfört", "{} of 1 assignment is done", self.done)
        } else {
            msg!("{} av {} uppdrag är genomförda", "{} of {} assignments are done", self.done, self.total)
        };
        if self.closed_undone > 0 {
            let n = self.closed_undone;
            let extra = if n == 1 {
                msg!(", 1 avslutat utan att genomföras", ", 1 closed without being carried out")
            } else {
                msg!(", {n} avslutade utan att genomföras", ", {n} closed without being carried out")
            };
            m.sv.push_str(&extra.sv);
            m.en.push_str(&extra.en);
        }
        m.sv.push('.');
        m.en.push('.');
        m
    }
}

struct YearData {
    list: Vec<Assignment>,
    follow_ups: HashMap<i64, Vec<AssignmentFollowUp>>,
    periods: Vec<Period>,
    unit_names: HashMap<i64, String>,
    goal_names: HashMap<i64, String>,
}

impl YearData {
    fn load(db: Read<'_>, year: i32) -> Result<Self> {
        let periods = periods::of_year(db, year)?;
        let list = assignments::of_year(db, year)?;
        let mut follow_ups: HashMap<i64, Vec<AssignmentFollowUp>> = HashMap::new();
        for f in assignments::follow_ups_of_year(db, year)? {
            follow_ups.entry(f.assignment_id).or_default().push(f);
        }
        let unit_names = units::all(db)?.into_iter().map(|u| (u.id, u.name)).collect();
        let goal_names = goals::of_year(db, year)?.into_iter().map(|g| (g.id, g.name())).collect();
        Ok(YearData { list, follow_ups, periods, unit_names, goal_names })
    }

    fn row(&self, a: &Assignment, period_id: Option<i64>, today: chrono::NaiveDate) -> AssignmentRow {
        let fus: Vec<&AssignmentFollowUp> = self.follow_ups.get(&a.id).map(|v| v.iter().collect()).unwrap_or_default();
        let shown = match period_id {
            Some(p) => status_in(&fus, &self.periods, p),
            None => latest(&fus, &self.periods),
        };
        let own = period_id.and_then(|p| fus.iter().find(|f| f.period_id == p)).map(|f| AssignmentFollowUpRow::of(f, &self.periods));
        let status = shown.map(|f| f.status);
        let age = a.decision_date.and_then(|d| age_in_words(d, today));
        AssignmentRow {
            id: a.id,
            plan_year: a.plan_year,
            code: a.code.clone(),
            title: a.title.clone(),
            description: a.description.clone(),
            issuer_unit_id: a.issuer_unit_id,
            decision_body: a.decision_body.clone(),
            decision_date: a.decision_date.map(date_text),
            decision_paragraph: a.decision_paragraph.clone(),
            responsible_unit_id: a.responsible_unit_id,
            responsible_unit_name: self.unit_names.get(&a.responsible_unit_id).cloned().unwrap_or_default(),
            responsible_person: a.responsible_person.clone(),
            deadline: a.deadline.map(date_text),
            goal_ids: a.goal_ids.clone(),
            goal_names: a.goal_ids.iter().filter_map(|g| self.goal_names.get(g).cloned()).collect(),
            copied_from_id: a.copied_from_id,
            age_days: a.decision_date.map(|d| (today - d).num_days()).filter(|d| *d >= 0),
            age_text: age.as_ref().map(|m| m.sv.clone()).unwrap_or_default(),
            age_text_en: age.map(|m| m.en).unwrap_or_default(),
            overdue: !status.is_some_and(AssignmentStatus::finished) && a.deadline.is_some_and(|d| d < today),
            status,
            status_comment: shown.map(|f| f.comment.clone()).unwrap_or_default(),
            status_from: shown
                .filter(|f| Some(f.period_id) != period_id && period_id.is_some())
                .and_then(|f| self.periods.iter().find(|p| p.id == f.period_id))
                .map(|p| p.name.clone()),
            follow_up: own,
        }
    }
}

/// The uppdrag of `year` whose responsible unit is `unit_id` or below it (all without a
/// unit), with their status in `period_id` (the latest without one).
pub fn rows(
    store: &Store,
    year: i32,
    period_id: Option<i64>,
    unit_id: Option<i64>,
    today: chrono::NaiveDate,
) -> Result<Vec<AssignmentRow>> {
    let db = store.read();
    let data = YearData::load(db, year)?;
    if let Some(p) = period_id {
        if !data.periods.iter().any(|x| x.id == p) {
            return Err(AppError::validation(msg!(
                "Perioden hör inte till planåret {year}. Välj en av årets perioder.",
                "The period does not belong to plan year {year}. Choose one of the year's periods."
            ))
            .on_field("period_id"));
        }
    }
    let branch: Option<BTreeSet<i64>> = unit_id.map(|u| units::branch(db, u).map(|b| b.into_iter().collect())).transpose()?;
    Ok(data
        .list
        .iter()
        .filter(|a| branch.as_ref().is_none_or(|b| b.contains(&a.responsible_unit_id)))
        .map(|a| data.row(a, period_id, today))
        .collect())
}

/// Everything the "Uppdrag" tab shows (see [`AssignmentsView`]).
pub fn view(store: &Store, year: i32, period_id: Option<i64>, unit_id: Option<i64>, today: chrono::NaiveDate) -> Result<AssignmentsView> {
    let db = store.read();
    let rows = rows(store, year, period_id, unit_id, today)?;
    let all = units::all(db)?;
    let top = units::top_id(db)?;
    let issuers = all.iter().filter(|u| u.active && (Some(u.id) == top || u.kind == UnitKind::Namnd)).cloned().collect();
    let goals = goals::of_year_with_owner(db, year)?
        .into_iter()
        .map(|(g, owner_name)| GoalOption { id: g.id, name: g.name(), owner_name })
        .collect();
    Ok(AssignmentsView {
        year,
        period: period_id.map(|p| periods::get(db, p)).transpose()?,
        counts: StatusCounts::of(&rows),
        rows,
        issuers,
        units: all.into_iter().filter(|u| u.active).collect(),
        goals,
    })
}

/// "Äldsta ej genomförda": the uppdrag of `year` (for `unit_id` and below, or all) whose
/// status in `period_id` (the latest without one) is neither genomfört nor avslutat, oldest
/// decision first (those without a decision date last).
pub fn oldest_unfinished(
    store: &Store,
    year: i32,
    period_id: Option<i64>,
    unit_id: Option<i64>,
    today: chrono::NaiveDate,
) -> Result<Vec<AssignmentRow>> {
    let mut out: Vec<AssignmentRow> =
        rows(store, year, period_id, unit_id, today)?.into_iter().filter(|r| !r.status.is_some_and(AssignmentStatus::finished)).collect();
    out.sort_by(|a, b| (a.decision_date.is_none(), &a.decision_date, a.id).cmp(&(b.decision_date.is_none(), &b.decision_date, b.id)));
    Ok(out)
}

/// The uppdrag form: `id` none creates one. Dates as ÅÅÅÅ-MM-DD; the decision body is the
/// issuer's (Kommunfullmäktige for the municipality, else the nämnd's name).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AssignmentForm {
    pub id: Option<i64>,
    pub plan_year: i32,
    pub code: String,
    pub title: String,
    pub description: String,
    pub issuer_unit_id: i64,
    pub decision_date: Option<String>,
    pub decision_paragraph: String,
    pub responsible_unit_id: i64,
    pub responsible_person: String,
    pub deadline: Option<String>,
    pub goal_ids: Vec<i64>,
}

fn one_line(text: &str, field: &str, what: Msg) -> Result<String> {
    let t = text.trim();
    if t.chars().count() > MAX_LINE || t.chars().any(char::is_control) {
        return Err(AppError::validation(msg!(
            "{what} ska stå på en rad (högst 200 tecken).",
            "{what} should be on one line (at most 200 characters).",
            what = what
        ))
        .on_field(field));
    }
    Ok(t.to_string())
}

fn long_text(text: &str, field: &str) -> Result<String> {
    let t = text.trim();
    if t.chars().count() > MAX_TEXT {
        return Err(AppError::validation(msg!(
            "Texten är för lång (högst 4 000 tecken). Korta den.",
            "The text is too long (at most 4,000 characters). Shorten it."
        ))
        .on_field(field));
    }
    Ok(t.to_string())
}

/// The uppdrag a form describes, every field checked (errors name the field).
fn validate(db: Read<'_>, form: &AssignmentForm) -> Result<Assignment> {
    let title = form.title.trim();
    if title.is_empty() {
        return Err(AppError::validation(msg!("Skriv vad uppdraget går ut på.", "Write what the assignment is about.")).on_field("title"));
    }
    if title.chars().count() > 500 || title.chars().any(char::is_control) {
        return Err(AppError::validation(msg!(
            "Uppdragets rubrik ska stå på en rad (högst 500 tecken). Skriv mer i beskrivningen.",
            "The assignment's title should be on one line (at most 500 characters). Write more in the description."
        ))
        .on_field("title"));
    }
    if !plan::exists_year(db, form.plan_year)? {
        return Err(AppError::validation(msg!(
            "Planåret {} finns inte. Välj ett planår som finns.",
            "Plan year {} does not exist. Choose a plan year that exists.",
            form.plan_year
        ))
        .on_field("plan_year"));
    }
    if let Some(id) = form.id {
        let existing = assignments::get(db, id)?;
        if existing.plan_year != form.plan_year {
            return Err(AppError::validation(msg!(
                "Uppdraget hör till planåret {}. Ett uppdrag flyttas till ett nytt år när året kopieras.",
                "The assignment belongs to plan year {}. An assignment moves to a new year when the year is copied.",
                existing.plan_year
            ))
            .on_field("plan_year"));
        }
    }
    let top = units::top_id(db)?;
    let issuer = units::get(db, form.issuer_unit_id).map_err(|e| e.on_field("issuer_unit_id"))?;
    let decision_body = if Some(issuer.id) == top {
        "Kommunfullmäktige".to_string()
    } else if issuer.kind == UnitKind::Namnd && issuer.active {
        issuer.name.clone()
    } else {
        return Err(AppError::validation(msg!(
            "Ett uppdrag ges av kommunfullmäktige eller av en nämnd. {} kan inte ge uppdrag.",
            "An assignment is given by the municipal council or by a committee. {} cannot give assignments.",
            issuer.name
        ))
        .on_field("issuer_unit_id"));
    };
    let responsible = units::get(db, form.responsible_unit_id).map_err(|e| e.on_field("responsible_unit_id"))?;
    if !responsible.active {
        return Err(AppError::validation(msg!(
            "{} är inaktiverad och kan inte få uppdrag. Välj en aktiv enhet.",
            "{} is deactivated and cannot be given assignments. Choose an active unit.",
            responsible.name
        ))
        .on_field("responsible_unit_id"));
    }
    if Some(issuer.id) != top && !units::branch(db, issuer.id)?.contains(&responsible.id) {
        return Err(AppError::validation(msg!(
            "{} kan bara ge uppdrag till sig själv och enheterna under sig, inte till {}.",
            "{} can only give assignments to itself and the units below it, not to {}.",
            issuer.name,
            responsible.name
        ))
        .on_field("responsible_unit_id"));
    }
    let decision_date =
        optional_date(("Beslutsdatum", "The decision date"), form.decision_date.as_deref()).map_err(|e| e.on_field("decision_date"))?;
    let deadline = optional_date(("Slutdatum", "The deadline"), form.deadline.as_deref()).map_err(|e| e.on_field("deadline"))?;
    if let (Some(d), Some(end)) = (decision_date, deadline) {
        if end < d {
            return Err(AppError::validation(msg!(
                "Slutdatumet ligger före beslutsdatumet. Rätta något av dem.",
                "The deadline is before the decision date. Correct one of them."
            ))
            .on_field("deadline"));
        }
    }
    let mut paragraph = one_line(&form.decision_paragraph, "decision_paragraph", msg!("Paragrafen", "The paragraph"))?;
    if !paragraph.is_empty() && paragraph.chars().all(|c| c.is_ascii_digit()) {
        paragraph = format!("§ {paragraph}");
    }
    let goal_ids: BTreeSet<i64> = form.goal_ids.iter().copied().collect();
    for g in &goal_ids {
        if goals::owner_and_year(db, *g)?.map(|(_, y)| y) != Some(form.plan_year) {
            return Err(AppError::validation(msg!(
                "Uppdraget kan bara kopplas till mål i planåret {}.",
                "The assignment can only be linked to goals of plan year {}.",
                form.plan_year
            ))
            .on_field("goal_ids"));
        }
    }
    Ok(Assignment {
        id: form.id.unwrap_or(0),
        plan_year: form.plan_year,
        code: one_line(&form.code, "code", msg!("Uppdragets nummer", "The assignment's number"))?,
        title: title.to_string(),
        description: long_text(&form.description, "description")?,
        issuer_unit_id: issuer.id,
        decision_body,
        decision_date,
        decision_paragraph: paragraph,
        responsible_unit_id: responsible.id,
        responsible_person: one_line(
            &form.responsible_person,
            "responsible_person",
            msg!("Den ansvariges namn", "The name of the person responsible"),
        )?,
        deadline,
        sort_order: 0,
        copied_from_id: None,
        goal_ids: goal_ids.into_iter().collect(),
    })
}

/// [`Writer::save_assignment`] without the undo step (the seed loader).
pub(crate) fn write_assignment(w: &mut Writer<'_>, form: &AssignmentForm) -> Result<i64> {
    let a = validate(w.read(), form)?;
    match form.id {
        Some(id) => {
            let before = assignments::get(w.read(), id)?;
            assignments::update(w, &Assignment { copied_from_id: before.copied_from_id, sort_order: before.sort_order, ..a })?;
            Ok(id)
        }
        None => assignments::insert(w, &a),
    }
}

/// What the follow-up form sends for one uppdrag and period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AssignmentFollowUpForm {
    pub assignment_id: i64,
    pub period_id: i64,
    pub status: AssignmentStatus,
    pub comment: String,
}

/// The uppdrag and period of a follow-up, checked: the period open and of the uppdrag's year.
fn follow_up_place(db: Read<'_>, assignment_id: i64, period_id: i64) -> Result<Assignment> {
    periods::require_open(db, period_id)?;
    let a = assignments::get(db, assignment_id)?;
    let period = periods::get(db, period_id)?;
    if period.plan_year != a.plan_year {
        return Err(AppError::validation(msg!(
            "Uppdraget hör till planåret {} och följs upp i det årets perioder, inte i {}.",
            "The assignment belongs to plan year {} and is followed up in that year's periods, not in {}.",
            a.plan_year,
            period.name
        ))
        .on_field("period_id"));
    }
    Ok(a)
}

impl Writer<'_> {
    /// Save the uppdrag form: the uppdrag and the goals it serves, as one undo step.
    pub fn save_assignment(&mut self, form: &AssignmentForm) -> Result<i64> {
        let title = form.title.trim();
        let label = if form.id.is_some() { format!("Ändra uppdraget {title}") } else { format!("Lägg till uppdraget {title}") };
        self.journaled(&label, |w| write_assignment(w, form))
    }

    /// Delete an uppdrag with its goal links and follow-up (one undo step).
    pub fn delete_assignment(&mut self, id: i64) -> Result<()> {
        let title = assignments::get(self.read(), id)?.title;
        self.journaled(&format!("Ta bort uppdraget {title}"), |w| assignments::delete(w, id))
    }

    /// Save an uppdrag's status and comment for a period (a draft, or a new one). Refused in
    /// a locked period and once submitted; avslutat utan att genomföras needs a comment that
    /// says why.
    /// Saved over whatever is stored (the seed loader, the CLI); the window saves with
    /// [`Writer::save_assignment_follow_up_seen`].
    pub fn save_assignment_follow_up(&mut self, form: &AssignmentFollowUpForm) -> Result<()> {
        self.save_assignment_follow_up_as(form, Seen::Unchecked)
    }

    /// [`Writer::save_assignment_follow_up`] of the follow-up the user loaded at
    /// `expected_version` (`None`: they saw none): refused with `conflict` (field `comment`),
    /// naming who changed it and when, when someone else saved it since.
    pub fn save_assignment_follow_up_seen(&mut self, form: &AssignmentFollowUpForm, expected_version: Option<i64>) -> Result<()> {
        self.save_assignment_follow_up_as(form, Seen::Version(expected_version))
    }

    fn save_assignment_follow_up_as(&mut self, form: &AssignmentFollowUpForm, seen: Seen) -> Result<()> {
        follow_up_place(self.read(), form.assignment_id, form.period_id)?;
        let comment = long_text(&form.comment, "comment")?;
        if form.status == AssignmentStatus::ClosedUndone && comment.is_empty() {
            return Err(AppError::validation(msg!(
                "Skriv i kommentaren varför uppdraget avslutas utan att genomföras.",
                "Write in the comment why the assignment is closed without being carried out."
            ))
            .on_field("comment"));
        }
        let current = assignments::get_follow_up(self.read(), form.assignment_id, form.period_id)?;
        if let Some(c) = &current {
            review::editable_of(&subject(), c.state)?;
            if c.status == form.status && c.comment == comment {
                return Ok(());
            }
        }
        assignments::put_follow_up_seen(
            self,
            &AssignmentFollowUp {
                assignment_id: form.assignment_id,
                period_id: form.period_id,
                status: form.status,
                comment,
                state: AssessmentState::Draft,
                review_comment: current.map(|c| c.review_comment).unwrap_or_default(),
                changed_at: String::new(),
                changed_by: String::new(),
                version: 0,
            },
            seen,
        )
    }

    /// Submit, approve or send back an uppdrag's follow-up for a period.
    pub fn review_assignment_follow_up(&mut self, assignment_id: i64, period_id: i64, action: &ReviewAction) -> Result<AssessmentState> {
        follow_up_place(self.read(), assignment_id, period_id)?;
        let Some(current) = assignments::get_follow_up(self.read(), assignment_id, period_id)? else {
            return Err(AppError::not_found(msg!(
                "Uppdraget har ingen uppföljning för perioden ännu. Ange status först.",
                "The assignment has no follow-up for the period yet. Set its status first."
            )));
        };
        let next = review::next_state_of(&subject(), current.state, action)?;
        let review_comment = match action {
            ReviewAction::Return { comment } => comment.trim().to_string(),
            _ => String::new(),
        };
        assignments::put_follow_up(self, &AssignmentFollowUp { state: next, review_comment, ..current })?;
        Ok(next)
    }
}

/// The uppdrag of `year` whose latest status is neither genomfört nor avslutat: what copying
/// the year carries forward.
pub fn unfinished_of_year(db: Read<'_>, year: i32) -> Result<Vec<Assignment>> {
    let periods = periods::of_year(db, year)?;
    let mut follow_ups: HashMap<i64, Vec<AssignmentFollowUp>> = HashMap::new();
    for f in assignments::follow_ups_of_year(db, year)? {
        follow_ups.entry(f.assignment_id).or_default().push(f);
    }
    Ok(assignments::of_year(db, year)?
        .into_iter()
        .filter(|a| {
            let fus: Vec<&AssignmentFollowUp> = follow_ups.get(&a.id).map(|v| v.iter().collect()).unwrap_or_default();
            !latest(&fus, &periods).is_some_and(|f| f.status.finished())
        })
        .collect())
}

/// Carry the unfinished uppdrag of `from` into `to` (part of the plan year copy): a new row
/// each, `copied_from_id` the old one, goal links to the copies of their goals (`goal_map`:
/// old id → new) where they exist, no follow-up. Returns how many were carried.
pub(crate) fn copy_unfinished(w: &mut Writer<'_>, from: i32, to: i32, goal_map: &HashMap<i64, i64>) -> Result<usize> {
    let open = unfinished_of_year(w.read(), from)?;
    for a in &open {
        let mut goal_ids: Vec<i64> = a.goal_ids.iter().filter_map(|g| goal_map.get(g).copied()).collect();
        goal_ids.sort_unstable();
        assignments::insert(w, &Assignment { plan_year: to, copied_from_id: Some(a.id), goal_ids, ..a.clone() })?;
    }
    Ok(open.len())
}

/// The demo's uppdrag (seeds/demo-assignments.json): saved and followed up through the same
/// functions as the window's at demo load.
pub const DEMO_ASSIGNMENTS: &str = include_str!("../seeds/demo-assignments.json");
pub const DEMO_ASSIGNMENTS_NAME: &str = "seeds/demo-assignments.json";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SeedAssignments {
    format: String,
    version: u32,
    year: i32,
    assignments: Vec<SeedAssignment>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SeedAssignment {
    #[serde(default)]
    code: String,
    title: String,
    #[serde(default)]
    description: String,
    /// The issuer unit's name (the municipality for KF).
    issuer: String,
    decision_date: Option<String>,
    #[serde(default)]
    decision_paragraph: String,
    /// The responsible unit's name.
    responsible: String,
    #[serde(default)]
    person: String,
    deadline: Option<String>,
    /// Goal titles (of the seed year).
    #[serde(default)]
    goals: Vec<String>,
    #[serde(default)]
    follow_up: Vec<SeedFollowUp>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SeedFollowUp {
    /// A period as the command line names it: "T1", "delår".
    period: String,
    status: AssignmentStatus,
    #[serde(default)]
    comment: String,
    state: AssessmentState,
}

/// Load uppdrag from a seed file (see [`DEMO_ASSIGNMENTS`]) in one transaction; a bad file
/// names the place and saves nothing.
pub fn load_seed(store: &mut Store, ctx: &crate::store::ChangeContext, name: &str, json: &str) -> Result<usize> {
    let bad = |what: String| AppError::bad_file(msg!("{name}: {what}", "{name}: {what}"));
    let seed: SeedAssignments = serde_json::from_str(json).map_err(|e| bad(format!("{e}")))?;
    if seed.format != "styrkort-assignments" || seed.version != 1 {
        return Err(bad(format!("format {} version {} känns inte igen", seed.format, seed.version)));
    }
    let year_goals = goals::of_year(store.read(), seed.year)?;
    let mut planned = Vec::new();
    for (i, a) in seed.assignments.iter().enumerate() {
        let place = |e: AppError| bad(format!("assignments[{i}]: {}", e.message));
        let issuer = store.resolve_unit(&a.issuer).map_err(place)?.id;
        let responsible = store.resolve_unit(&a.responsible).map_err(place)?.id;
        let mut goal_ids = Vec::new();
        for g in &a.goals {
            let found = year_goals.iter().find(|x| &x.title == g || &x.name() == g);
            goal_ids.push(found.ok_or_else(|| bad(format!("assignments[{i}]: målet '{g}' finns inte {}", seed.year)))?.id);
        }
        let mut follow = Vec::new();
        for f in &a.follow_up {
            follow.push((store.resolve_period(seed.year, &f.period).map_err(place)?.id, f));
        }
        let form = AssignmentForm {
            id: None,
            plan_year: seed.year,
            code: a.code.clone(),
            title: a.title.clone(),
            description: a.description.clone(),
            issuer_unit_id: issuer,
            decision_date: a.decision_date.clone(),
            decision_paragraph: a.decision_paragraph.clone(),
            responsible_unit_id: responsible,
            responsible_person: a.person.clone(),
            deadline: a.deadline.clone(),
            goal_ids,
        };
        planned.push((i, form, follow));
    }
    store.write(ctx, |w| {
        for (i, form, follow) in &planned {
            let id = write_assignment(w, form).map_err(|e| bad(format!("assignments[{i}]: {}", e.message)))?;
            for (period_id, f) in follow {
                let fu = AssignmentFollowUpForm { assignment_id: id, period_id: *period_id, status: f.status, comment: f.comment.clone() };
                w.save_assignment_follow_up(&fu)?;
                if f.state != AssessmentState::Draft {
                    w.review_assignment_follow_up(id, *period_id, &ReviewAction::Submit)?;
                }
                if f.state == AssessmentState::Approved {
                    w.review_assignment_follow_up(id, *period_id, &ReviewAction::Approve)?;
                }
            }
        }
        Ok(planned.len())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn age_in_words_table() {
        let cases = [
            (d(2026, 3, 1), d(2026, 3, 1), Some("0 dagar")),
            (d(2026, 3, 1), d(2026, 3, 2), Some("1 dag")),
            (d(2026, 3, 15), d(2026, 4, 14), Some("30 dagar")),
            (d(2026, 3, 15), d(2026, 4, 15), Some("1 månad")),
            (d(2025, 11, 20), d(2026, 9, 30), Some("10 månader")),
            (d(2025, 9, 30), d(2026, 9, 30), Some("1 år")),
            (d(2024, 6, 10), d(2026, 9, 30), Some("2 år och 3 månader")),
            (d(2026, 9, 1), d(2026, 8, 31), None),
        ];
        for (from, to, want) in cases {
            assert_eq!(age_in_words(from, to).map(|m| m.sv).as_deref(), want, "{from} → {to}");
        }
        assert_eq!(age_in_words(d(2025, 1, 1), d(2026, 2, 1)).unwrap().en, "1 year and 1 month");
    }

    #[test]
    fn only_done_and_closed_are_finished() {
        let finished: Vec<bool> = AssignmentStatus::ALL.iter().map(|s| s.finished()).collect();
        assert_eq!(finished, [false, false, true, true]);
    }
}
