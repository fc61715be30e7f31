//! Att göra: one person's to-do list on a day, over the units the person works with (the unit
//! chosen in the window and every unit below it; the controller chooses the kommun and sees
//! everything), and the deadlines as an iCalendar file (`ics`).
//!
//! What is on it: values missing for a period whose deadline is within 14 days or passed;
//! assessments to write in the open period, and assessments and report texts waiting for review
//! (for a person who chose the kommun or a nämnd); assessments and texts sent back; red
//! indicators without an activity (styr mot rött); indicators nobody answers for and
//! indicators never updated; uppdrag past their deadline and not done; controls due. An item
//! with a person's name (the indicator's, the text's assignee, the uppdrag's, the control's)
//! goes to that person; the others go to the units' people. The rules are the pure functions
//! here; the reads are in the tables' repositories.

pub mod ics;

use std::collections::{HashMap, HashSet};

use chrono::{Duration, NaiveDate};
use serde::Serialize;
use ts_rs::TS;

use crate::error::Result;
use crate::model::{
    ActivityStatus, AssessmentState, AssignmentStatus, ControlReportIn, Frequency, Period, PeriodKind, PlanYear, Status, UnitKind,
};
use crate::narrative::Section;
use crate::scorecard;
use crate::store::{activities, assignments, goals, indicators, internal_control, periods, report_texts, units, values, Store};

/// How many days before a deadline its items appear.
pub const SOON_DAYS: i64 = 14;

/// What an item asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum TodoKind {
    ValuesMissing,
    AssessmentToWrite,
    AssessmentSentBack,
    AssessmentToReview,
    TextSentBack,
    TextToReview,
    RedWithoutActivity,
    IndicatorWithoutResponsible,
    IndicatorNotUpdated,
    AssignmentLate,
    ControlDue,
}

/// Where an item is fixed: the window's tab and what to open there.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct TodoPlace {
    /// The tab: `values`, `assessments`, `texts`, `red`, `plan`, `assignments`, `internal_control` (the window's tab names).
    pub tab: String,
    pub unit_id: i64,
    pub year: i32,
    pub period_id: Option<i64>,
    pub goal_id: Option<i64>,
    pub indicator_id: Option<i64>,
    /// A report text's section key.
    pub section: Option<String>,
    pub assignment_id: Option<i64>,
    pub control_id: Option<i64>,
}

/// One thing to do.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct TodoItem {
    /// Stable key of the item (kind and ids), also the calendar event's UID.
    pub key: String,
    pub kind: TodoKind,
    pub unit_id: i64,
    pub unit_name: String,
    /// What it is about: the goal, indicator, uppdrag, control or text section (Swedish).
    pub what: String,
    /// The same in English (differs only for a text's section).
    pub what_en: String,
    /// The period it is for, when it is for one ("Delår 2026").
    pub period_name: Option<String>,
    /// Values missing: how many are missing of how many expected; indicators without a
    /// responsible person: how many (`of` = the unit's active indicators).
    pub count: u32,
    pub of: u32,
    /// The person it goes to, when it has a name on it.
    pub person: Option<String>,
    /// The deadline (ISO date), if any.
    pub due: Option<String>,
    /// Days from today to the deadline: negative when it has passed.
    pub days: Option<i64>,
    pub late: bool,
    pub place: TodoPlace,
}

/// A person's to-do list.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct TodoList {
    pub user: String,
    pub unit_id: i64,
    pub unit_name: String,
    pub today: String,
    /// The plan year the list is for; `None` without plan years (and then no items).
    pub year: Option<i32>,
    /// The person reviews (chose the kommun or a nämnd): assessments and texts marked ready are on
    /// the list.
    pub reviewer: bool,
    pub items: Vec<TodoItem>,
    pub late: u32,
}

// ---------------------------------------------------------------------------
// The rules

/// A deadline's items are shown from [`SOON_DAYS`] before it, and after it has passed.
pub fn due_soon_or_passed(deadline: Option<NaiveDate>, today: NaiveDate) -> bool {
    deadline.is_some_and(|d| d <= today + Duration::days(SOON_DAYS))
}

/// Whether a control is reported in a period of this kind (months never: controls are
/// reported in the tertial, delår and helår reports).
pub fn reports_in(report_in: ControlReportIn, kind: PeriodKind) -> bool {
    match report_in {
        ControlReportIn::EveryPeriod => kind != PeriodKind::Month,
        ControlReportIn::Delar => kind == PeriodKind::Delar,
        ControlReportIn::Helar => kind == PeriodKind::Helar,
        ControlReportIn::DelarHelar => matches!(kind, PeriodKind::Delar | PeriodKind::Helar),
    }
}

/// Two names are the same person when they agree but for case and surrounding spaces.
pub fn same_person(a: &str, b: &str) -> bool {
    let (a, b) = (a.trim(), b.trim());
    !a.is_empty() && a.to_lowercase() == b.to_lowercase()
}

/// Whether an item goes on `user`'s list: an item with a name goes to that person wherever it
/// is (and to the controller, who sees everything); one without goes to the people of the
/// units in scope.
pub fn belongs(person: Option<&str>, unit_id: i64, user: &str, scope: &HashSet<i64>, sees_all: bool) -> bool {
    match person {
        Some(p) if same_person(p, user) => true,
        Some(_) => sees_all && scope.contains(&unit_id),
        None => scope.contains(&unit_id),
    }
}

/// An indicator is not kept up to date when it has no value at all, or none for a year or more
/// while it is measured more often than once a year.
pub fn not_updated(frequency: Frequency, latest: Option<NaiveDate>, today: NaiveDate) -> bool {
    match latest {
        None => true,
        Some(end) => frequency != Frequency::Year && end <= today - Duration::days(365),
    }
}

/// What an assessment in the open period asks of its unit (`None`: nothing), and of a reviewer.
pub fn assessment_todo(state: Option<AssessmentState>, started: bool, review_comment: &str, reviewer: bool) -> Option<TodoKind> {
    match state {
        None => Some(TodoKind::AssessmentToWrite),
        Some(AssessmentState::Draft) if !review_comment.trim().is_empty() => Some(TodoKind::AssessmentSentBack),
        Some(AssessmentState::Draft) if !started => Some(TodoKind::AssessmentToWrite),
        Some(AssessmentState::Ready) if reviewer => Some(TodoKind::AssessmentToReview),
        _ => None,
    }
}

/// Late first, then by deadline (none last), then kind, unit and what.
pub fn order(a: &TodoItem, b: &TodoItem) -> std::cmp::Ordering {
    b.late
        .cmp(&a.late)
        .then_with(|| match (&a.due, &b.due) {
            (Some(x), Some(y)) => x.cmp(y),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        })
        .then_with(|| a.kind.cmp(&b.kind))
        .then_with(|| a.unit_name.cmp(&b.unit_name))
        .then_with(|| a.what.cmp(&b.what))
}

fn date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

fn period_deadline(p: &Period) -> Option<NaiveDate> {
    p.deadline.as_deref().and_then(date)
}

fn expected_in(frequency: Frequency, kind: PeriodKind) -> bool {
    match frequency {
        Frequency::Year => kind == PeriodKind::Helar,
        Frequency::Tertial => kind != PeriodKind::Month,
        Frequency::Month => true,
    }
}

// ---------------------------------------------------------------------------
// The list

/// What the list and the calendar are worked out from.
pub(crate) struct Context {
    pub user: String,
    pub unit_name: String,
    pub scope: HashSet<i64>,
    pub sees_all: bool,
    pub reviewer: bool,
    pub year: Option<i32>,
    pub names: HashMap<i64, String>,
    /// The periods of the plan year, and those of the year before with a deadline in it, by end
    /// date.
    pub periods: Vec<Period>,
}

impl Context {
    pub(crate) fn new(store: &Store, user: &str, unit_id: i64, today: NaiveDate) -> Result<Context> {
        let db = store.read();
        let unit = units::get(db, unit_id)?;
        let scope: HashSet<i64> = units::branch(db, unit_id)?.into_iter().collect();
        let names = store.units()?.into_iter().map(|u| (u.id, u.name)).collect();
        let year = PlanYear::default_year(&store.plan_years()?, today);
        let mut all = Vec::new();
        if let Some(y) = year {
            // The year before only with deadlines in this year (its helår, reported in February).
            let start = format!("{y}-01-01");
            all.extend(periods::of_year(db, y - 1)?.into_iter().filter(|p| p.deadline.as_deref().is_some_and(|d| d >= start.as_str())));
            all.extend(periods::of_year(db, y)?);
        }
        all.sort_by(|a, b| a.end_date.cmp(&b.end_date).then(a.id.cmp(&b.id)));
        Ok(Context {
            user: user.trim().to_string(),
            sees_all: unit.parent_id.is_none(),
            reviewer: matches!(unit.kind, UnitKind::Kommun | UnitKind::Namnd),
            unit_name: unit.name,
            scope,
            year,
            names,
            periods: all,
        })
    }

    pub(crate) fn unit_name(&self, id: i64) -> String {
        self.names.get(&id).cloned().unwrap_or_default()
    }

    fn belongs(&self, person: Option<&str>, unit_id: i64) -> bool {
        belongs(person, unit_id, &self.user, &self.scope, self.sees_all)
    }
}

fn person_of(name: &str) -> Option<String> {
    let name = name.trim();
    (!name.is_empty()).then(|| name.to_string())
}

struct Builder<'a> {
    ctx: &'a Context,
    today: NaiveDate,
    items: Vec<TodoItem>,
}

impl Builder<'_> {
    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        kind: TodoKind,
        key: String,
        unit_id: i64,
        what: (String, String),
        person: Option<String>,
        due: Option<NaiveDate>,
        period: Option<&Period>,
        place: TodoPlace,
    ) -> Option<&mut TodoItem> {
        if !self.ctx.belongs(person.as_deref(), unit_id) {
            return None;
        }
        let days = due.map(|d| (d - self.today).num_days());
        self.items.push(TodoItem {
            key,
            kind,
            unit_id,
            unit_name: self.ctx.unit_name(unit_id),
            what: what.0,
            what_en: what.1,
            period_name: period.map(|p| p.name.clone()),
            count: 0,
            of: 0,
            person,
            due: due.map(|d| d.format("%Y-%m-%d").to_string()),
            late: days.is_some_and(|d| d < 0),
            days,
            place: TodoPlace {
                unit_id,
                year: period.map(|p| p.plan_year).or(self.ctx.year).unwrap_or_default(),
                period_id: period.map(|p| p.id),
                ..place
            },
        });
        self.items.last_mut()
    }
}

fn place(tab: &str) -> TodoPlace {
    TodoPlace { tab: tab.to_string(), ..TodoPlace::default() }
}

/// `user`'s to-do list on `today`, over `unit_id` and every unit below it.
pub fn list(store: &Store, user: &str, unit_id: i64, today: NaiveDate) -> Result<TodoList> {
    let ctx = Context::new(store, user, unit_id, today)?;
    let items = items(store, &ctx, today)?;
    Ok(TodoList {
        user: ctx.user.clone(),
        unit_id,
        unit_name: ctx.unit_name.clone(),
        today: today.format("%Y-%m-%d").to_string(),
        year: ctx.year,
        reviewer: ctx.reviewer,
        late: items.iter().filter(|i| i.late).count() as u32,
        items,
    })
}

pub(crate) fn items(store: &Store, ctx: &Context, today: NaiveDate) -> Result<Vec<TodoItem>> {
    let Some(year) = ctx.year else { return Ok(Vec::new()) };
    let db = store.read();
    let mut b = Builder { ctx, today, items: Vec::new() };
    let due: Vec<&Period> = ctx.periods.iter().filter(|p| !p.locked && due_soon_or_passed(period_deadline(p), today)).collect();
    let today_text = today.format("%Y-%m-%d").to_string();
    // The open period: the latest unlocked tertial, delår or helår that has ended.
    let open = ctx.periods.iter().rev().find(|p| p.kind != PeriodKind::Month && !p.locked && p.end_date <= today_text);

    // Values missing, per unit and period.
    for p in &due {
        let mut per_unit: HashMap<i64, (u32, u32)> = HashMap::new();
        for (unit, freq, present) in indicators::values_delivered(db, p.id)? {
            if expected_in(freq, p.kind) || present {
                let e = per_unit.entry(unit).or_default();
                e.1 += 1;
                e.0 += u32::from(!present);
            }
        }
        let mut units: Vec<_> = per_unit.into_iter().filter(|(_, (missing, _))| *missing > 0).collect();
        units.sort();
        for (unit, (missing, expected)) in units {
            let name = (p.name.clone(), p.name.clone());
            if let Some(item) = b.push(
                TodoKind::ValuesMissing,
                format!("values-{unit}-{}", p.id),
                unit,
                name,
                None,
                period_deadline(p),
                Some(p),
                place("values"),
            ) {
                item.count = missing;
                item.of = expected;
            }
        }
    }

    if let Some(p) = open {
        // Assessments to write, sent back, to review.
        for a in goals::assessments_of_period(db, p.id, p.plan_year)? {
            let Some(kind) = assessment_todo(a.state, a.started, &a.review_comment, ctx.reviewer) else { continue };
            let key = format!("assessment-{}-{}", a.goal_id, p.id);
            let mut to = place("assessments");
            to.goal_id = Some(a.goal_id);
            b.push(kind, key, a.owner_unit_id, (a.name.clone(), a.name), None, period_deadline(p), Some(p), to);
        }
        // Report texts sent back (to the assignee) and waiting for review.
        for t in report_texts::of_period(db, p.id)? {
            let Some(section) = Section::from_key(&t.section) else { continue };
            let kind = match t.state {
                AssessmentState::Draft if !t.review_comment.trim().is_empty() => TodoKind::TextSentBack,
                AssessmentState::Ready if ctx.reviewer => TodoKind::TextToReview,
                _ => continue,
            };
            let person = if kind == TodoKind::TextSentBack { person_of(&t.assignee) } else { None };
            let title = section.title();
            let mut to = place("texts");
            to.section = Some(t.section.clone());
            b.push(
                kind,
                format!("text-{}-{}-{}", t.org_unit_id, t.section, p.id),
                t.org_unit_id,
                (title.sv, title.en),
                person,
                period_deadline(p),
                Some(p),
                to,
            );
        }
    }

    // Indicators: who answers for them, when they were last updated, red without an activity.
    let latest: HashMap<i64, Option<String>> = values::latest_of_active(db)?.into_iter().collect();
    let mut without: HashMap<i64, (Vec<String>, u32)> = HashMap::new();
    let mut responsible: HashMap<i64, String> = HashMap::new();
    let mut owner_of: std::collections::BTreeMap<i64, i64> = std::collections::BTreeMap::new();
    for (id, owner, name, frequency, person) in indicators::active_for_todo(db)? {
        owner_of.insert(id, owner);
        let e = without.entry(owner).or_default();
        e.1 += 1;
        if person.trim().is_empty() {
            e.0.push(name.clone());
        }
        let last = latest.get(&id).cloned().flatten().as_deref().and_then(date);
        if not_updated(frequency, last, today) {
            let mut to = place("values");
            to.indicator_id = Some(id);
            b.push(TodoKind::IndicatorNotUpdated, format!("stale-{id}"), owner, (name.clone(), name), person_of(&person), None, None, to);
        }
        responsible.insert(id, person);
    }
    let mut owners: Vec<_> = without.into_iter().filter(|(_, (names, _))| !names.is_empty()).collect();
    owners.sort_by_key(|(unit, _)| *unit);
    for (unit, (names, of)) in owners {
        let what = names.join(", ");
        if let Some(item) = b.push(
            TodoKind::IndicatorWithoutResponsible,
            format!("unowned-{unit}"),
            unit,
            (what.clone(), what),
            None,
            None,
            None,
            place("plan"),
        ) {
            item.count = names.len() as u32;
            item.of = of;
        }
    }
    if let Some(p) = open {
        // Styr mot rött: red by the scorecard's statuses (read for all the person's indicators
        // at once), with no activity under way on a goal it measures.
        let ids: Vec<i64> = owner_of
            .iter()
            .filter(|(id, owner)| ctx.belongs(responsible.get(id).and_then(|r| person_of(r)).as_deref(), **owner))
            .map(|(id, _)| *id)
            .collect();
        for card in scorecard::indicator_cards(store, &ids, p)? {
            if card.status.status != Some(Status::Red) || card.value.is_none() || card.target.is_none() {
                continue;
            }
            let mut working = false;
            for g in goals::measured_by(db, card.id, p.plan_year)? {
                working |= activities::of_goal_in_period(db, g.id, p.id)?
                    .iter()
                    .any(|a| !matches!(a.status, ActivityStatus::Done | ActivityStatus::Cancelled));
            }
            if working {
                continue;
            }
            let person = responsible.get(&card.id).and_then(|p| person_of(p));
            let mut to = place("red");
            to.indicator_id = Some(card.id);
            let owner = owner_of.get(&card.id).copied().unwrap_or_default();
            b.push(
                TodoKind::RedWithoutActivity,
                format!("red-{}-{}", card.id, p.id),
                owner,
                (card.name.clone(), card.name),
                person,
                None,
                Some(p),
                to,
            );
        }
    }

    // Uppdrag past their deadline and not done.
    let status: HashMap<i64, AssignmentStatus> = assignments::latest_status_of_year(db, year)?.into_iter().collect();
    for a in assignments::of_year(db, year)? {
        let Some(deadline) = a.deadline else { continue };
        let finished = matches!(status.get(&a.id), Some(AssignmentStatus::Done | AssignmentStatus::ClosedUndone));
        if deadline >= today || finished {
            continue;
        }
        let mut to = place("assignments");
        to.assignment_id = Some(a.id);
        let what = if a.code.trim().is_empty() { a.title.clone() } else { format!("{} {}", a.code.trim(), a.title) };
        b.push(
            TodoKind::AssignmentLate,
            format!("assignment-{}", a.id),
            a.responsible_unit_id,
            (what.clone(), what),
            person_of(&a.responsible_person),
            Some(deadline),
            None,
            to,
        );
    }

    // Controls due in a period whose deadline is near or passed, without a follow-up.
    let done: HashSet<(i64, i64)> = ctx
        .periods
        .iter()
        .map(|p| p.plan_year)
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .map(|y| internal_control::followed_up_in_year(db, y))
        .collect::<Result<Vec<_>>>()?
        .into_iter()
        .flatten()
        .collect();
    let mut controls_of: HashMap<i32, Vec<(crate::model::Control, i64)>> = HashMap::new();
    for p in &due {
        if let std::collections::hash_map::Entry::Vacant(e) = controls_of.entry(p.plan_year) {
            e.insert(internal_control::controls_with_unit_of_year(db, p.plan_year)?);
        }
        for (c, unit) in controls_of.get(&p.plan_year).into_iter().flatten() {
            if !reports_in(c.report_in, p.kind) || done.contains(&(c.id, p.id)) {
                continue;
            }
            let mut to = place("internal_control");
            to.control_id = Some(c.id);
            b.push(
                TodoKind::ControlDue,
                format!("control-{}-{}", c.id, p.id),
                *unit,
                (c.what.clone(), c.what.clone()),
                person_of(&c.responsible),
                period_deadline(p),
                Some(p),
                to,
            );
        }
    }

    let mut items = b.items;
    items.sort_by(order);
    Ok(items)
}

// ---------------------------------------------------------------------------
// Words

/// One line of the list in Swedish, for the command line.
pub fn describe_sv(item: &TodoItem) -> String {
    let period = item.period_name.as_deref().unwrap_or("");
    let what = match item.kind {
        TodoKind::ValuesMissing => {
            format!("{} av {} saknas för {period}", item.count, crate::text::count_sv(item.of as usize, "värde", "värden"))
        }
        TodoKind::AssessmentToWrite => format!("Skriv bedömningen av {} ({period})", item.what),
        TodoKind::AssessmentSentBack => format!("Bedömningen av {} är skickad tillbaka ({period})", item.what),
        TodoKind::AssessmentToReview => format!("Granska bedömningen av {} ({period})", item.what),
        TodoKind::TextSentBack => format!("Texten {} är skickad tillbaka ({period})", item.what),
        TodoKind::TextToReview => format!("Granska texten {} ({period})", item.what),
        TodoKind::RedWithoutActivity => format!("{} är rött och har ingen aktivitet", item.what),
        TodoKind::IndicatorWithoutResponsible => {
            format!("{} saknar ansvarig: {}", crate::text::count_sv(item.count as usize, "nyckeltal", "nyckeltal"), item.what)
        }
        TodoKind::IndicatorNotUpdated => format!("{} har inte uppdaterats på ett år eller mer", item.what),
        TodoKind::AssignmentLate => format!("Uppdraget {} är inte genomfört", item.what),
        TodoKind::ControlDue => format!("Rapportera kontrollen {} ({period})", item.what),
    };
    let when = match item.days {
        Some(d) if d < 0 => format!(" – {} försenad", crate::text::count_sv((-d) as usize, "dag", "dagar")),
        Some(0) => " – sista dag i dag".to_string(),
        Some(d) => format!(" – {} kvar", crate::text::count_sv(d as usize, "dag", "dagar")),
        None => String::new(),
    };
    let who = item.person.as_deref().map(|p| format!(" [{p}]")).unwrap_or_default();
    format!("{}: {what}{when}{who}", item.unit_name)
}

/// The list as text for the command line.
pub fn text_sv(list: &TodoList) -> String {
    let mut out = format!("Att göra för {} ({}, {})\n", list.user, list.unit_name, list.today);
    if list.items.is_empty() {
        out.push_str("Inget att göra.\n");
        return out;
    }
    for item in &list.items {
        let mark = if item.late { "⚑" } else { "•" };
        out.push_str(&format!("{mark} {}\n", describe_sv(item)));
    }
    out.push_str(&format!(
        "{}, {}.\n",
        crate::text::count_sv(list.items.len(), "sak att göra", "saker att göra"),
        crate::text::count_sv(list.late as usize, "försenad", "försenade")
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> NaiveDate {
        date(text).unwrap()
    }

    #[test]
    fn deadlines_show_from_fourteen_days_before() {
        let today = d("2026-09-06");
        for (deadline, shown) in
            [(None, false), (Some("2026-09-20"), true), (Some("2026-09-21"), false), (Some("2026-05-20"), true), (Some("2026-09-06"), true)]
        {
            assert_eq!(due_soon_or_passed(deadline.map(d), today), shown, "{deadline:?}");
        }
    }

    #[test]
    fn controls_report_in_their_periods() {
        use ControlReportIn as R;
        use PeriodKind as K;
        let table = [
            (R::EveryPeriod, [false, true, true, true]),
            (R::Delar, [false, false, true, false]),
            (R::Helar, [false, false, false, true]),
            (R::DelarHelar, [false, false, true, true]),
        ];
        for (report_in, expected) in table {
            for (kind, want) in [K::Month, K::Tertial, K::Delar, K::Helar].into_iter().zip(expected) {
                assert_eq!(reports_in(report_in, kind), want, "{report_in:?} in {kind:?}");
            }
        }
    }

    #[test]
    fn items_go_to_their_person_or_the_units_people() {
        let scope: HashSet<i64> = [2, 3].into_iter().collect();
        let table = [
            (None, 2, "Anna", false, true),
            (None, 9, "Anna", false, false),
            (Some("anna berg "), 9, "Anna Berg", false, true),
            (Some("Lina Ek"), 2, "Anna Berg", false, false),
            (Some("Lina Ek"), 2, "Anna Berg", true, true),
            (Some("Lina Ek"), 9, "Anna Berg", true, false),
        ];
        for (person, unit, user, sees_all, want) in table {
            assert_eq!(belongs(person, unit, user, &scope, sees_all), want, "{person:?} {unit} {user} {sees_all}");
        }
        assert!(!same_person("", ""), "nobody is not everybody");
    }

    #[test]
    fn indicators_not_updated() {
        let today = d("2026-12-03");
        let table = [
            (Frequency::Year, None, true),
            (Frequency::Year, Some("2024-12-31"), false),
            (Frequency::Tertial, Some("2025-12-31"), false),
            (Frequency::Tertial, Some("2025-08-31"), true),
            (Frequency::Month, Some("2025-12-03"), true),
        ];
        for (f, latest, want) in table {
            assert_eq!(not_updated(f, latest.map(d), today), want, "{f:?} {latest:?}");
        }
    }

    #[test]
    fn what_an_assessment_asks() {
        use AssessmentState::*;
        let table = [
            (None, false, "", false, Some(TodoKind::AssessmentToWrite)),
            (Some(Draft), false, "", false, Some(TodoKind::AssessmentToWrite)),
            (Some(Draft), true, "", false, None),
            (Some(Draft), true, "Skriv om analysen", false, Some(TodoKind::AssessmentSentBack)),
            (Some(Ready), true, "", false, None),
            (Some(Ready), true, "", true, Some(TodoKind::AssessmentToReview)),
            (Some(Approved), true, "", true, None),
        ];
        for (state, started, comment, reviewer, want) in table {
            assert_eq!(assessment_todo(state, started, comment, reviewer), want, "{state:?} {started} {comment} {reviewer}");
        }
    }
}
