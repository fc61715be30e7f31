//! Agenda 2030 (issue 16): goals and indicators tagged with the 17 global goals
//! ([`GLOBAL_GOALS`]), targets (delmål) optional as text ("3.4, 3.8").
//!
//! Tags are saved with the goal or indicator form, in the same undo step
//! ([`Writer::save_goal_tagged`], [`Writer::save_indicator_tagged`]); the copy of a plan year
//! carries the goals' tags. The view ([`view`]) lists per global goal the goals tagged with it
//! and their status (`scorecard::goal_statuses`) and the indicators; the delårsrapport prints
//! the KF-mål and nämndmål per global goal with their assessment words.
//!
//! **The Kolada suggestion.** Kolada's KPI metadata (API v3 `/v3/kpi`: id, title,
//! description, operating_area, perspective, is_divided_by_gender, municipality_type …) has no
//! field linking a KPI to a global goal; RKA's Agenda 2030 selection is published as KPI
//! groups, which Styrkort does not import. So [`suggest_for_kpi`] suggests only what this
//! database itself says: the global goals other indicators with the same Kolada id are
//! tagged with. It never invents a link.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{AppError, Result};
use crate::model::{GoalLevel, Period, Status, GLOBAL_GOALS};
use crate::msg;
use crate::planning::forms::{goal_label, indicator_label, seen_of, write_goal_as, write_indicator_as, GoalForm, IndicatorForm};
use crate::status::StatusView;
use crate::store::row_version::Seen;
use crate::store::{global_goals, goals, indicators, units, Read, Store, Writer};

/// Per global goal (index 0 = goal 1): how many numbered targets (N.1 …) and lettered ones
/// (N.a …) it has, 169 in all, as the UN adopted them.
const TARGETS: [(u8, u8); 17] = [
    (5, 2),
    (5, 3),
    (9, 4),
    (7, 3),
    (6, 3),
    (6, 2),
    (3, 2),
    (10, 2),
    (5, 3),
    (7, 3),
    (7, 3),
    (8, 3),
    (3, 2),
    (7, 3),
    (9, 3),
    (10, 2),
    (19, 0),
];

/// One tag as a form sends it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct GlobalGoalInput {
    /// 1–17.
    pub global_goal: u8,
    /// Targets, optional: "3.4, 3.8".
    pub targets: String,
}

/// A global goal's number and names, for the form's 17 checkboxes.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct GlobalGoalName {
    pub number: u8,
    pub name: String,
    pub name_en: String,
}

/// The 17 global goals.
pub fn names() -> Vec<GlobalGoalName> {
    GLOBAL_GOALS
        .iter()
        .enumerate()
        .map(|(i, (sv, en))| GlobalGoalName { number: i as u8 + 1, name: sv.to_string(), name_en: en.to_string() })
        .collect()
}

/// The Swedish name of global goal `n` (1–17), "" otherwise.
pub fn name_sv(n: u8) -> &'static str {
    GLOBAL_GOALS.get((n as usize).wrapping_sub(1)).map(|g| g.0).unwrap_or("")
}

/// Whether `target` ("3.4", "3.a") is one of global goal `goal`'s targets.
pub fn target_exists(goal: u8, target: &str) -> bool {
    let Some((head, tail)) = target.split_once('.') else { return false };
    if head.parse::<u8>().ok() != Some(goal) || !(1..=17).contains(&goal) {
        return false;
    }
    let (numbered, lettered) = TARGETS[goal as usize - 1];
    if let Ok(n) = tail.parse::<u8>() {
        return !tail.starts_with('0') && (1..=numbered).contains(&n);
    }
    let mut chars = tail.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) if c.is_ascii_lowercase() => (c as u8 - b'a') < lettered,
        _ => false,
    }
}

/// Check and normalise a form's tags: each global goal 1–17 once, each target of its own
/// goal ("3.4, 3.8"); returns them sorted as stored. Errors name the field `global_goals`.
pub fn check_tags(tags: &[GlobalGoalInput]) -> Result<Vec<(u8, String)>> {
    let mut out: BTreeMap<u8, String> = BTreeMap::new();
    for t in tags {
        if !(1..=17).contains(&t.global_goal) {
            return Err(AppError::validation(msg!(
                "Det globala målet {} finns inte. Välj ett av de 17 målen.",
                "Global goal {} does not exist. Choose one of the 17 goals.",
                t.global_goal
            ))
            .on_field("global_goals"));
        }
        let mut targets: Vec<String> = Vec::new();
        for raw in t.targets.split([',', ';']).map(str::trim).filter(|s| !s.is_empty()) {
            let target = raw.to_lowercase();
            if !target_exists(t.global_goal, &target) {
                return Err(AppError::validation(msg!(
                    "Delmålet \"{raw}\" hör inte till mål {goal} ({name}). Skriv delmål som {goal}.1 eller {goal}.a, åtskilda med kommatecken.",
                    "Target \"{raw}\" does not belong to goal {goal} ({name}). Write targets as {goal}.1 or {goal}.a, separated by commas.",
                    raw = raw.chars().take(40).collect::<String>(),
                    goal = t.global_goal,
                    name = crate::error::Msg { sv: name_sv(t.global_goal).into(), en: GLOBAL_GOALS[t.global_goal as usize - 1].1.into() }
                ))
                .on_field("global_goals"));
            }
            if !targets.contains(&target) {
                targets.push(target);
            }
        }
        if out.insert(t.global_goal, targets.join(", ")).is_some() {
            return Err(AppError::validation(msg!("Mål {} är valt två gånger.", "Goal {} is chosen twice.", t.global_goal))
                .on_field("global_goals"));
        }
    }
    Ok(out.into_iter().collect())
}

/// A goal's or indicator's tags as the form shows them.
pub fn tags_of_goal(store: &Store, goal_id: i64) -> Result<Vec<GlobalGoalInput>> {
    Ok(global_goals::of_goal(store.read(), goal_id)?
        .into_iter()
        .map(|t| GlobalGoalInput { global_goal: t.global_goal, targets: t.targets })
        .collect())
}

pub fn tags_of_indicator(store: &Store, indicator_id: i64) -> Result<Vec<GlobalGoalInput>> {
    Ok(global_goals::of_indicator(store.read(), indicator_id)?
        .into_iter()
        .map(|t| GlobalGoalInput { global_goal: t.global_goal, targets: t.targets })
        .collect())
}

/// Every goal's and indicator's tags, for the plan page: goal id → tags, indicator id → tags.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct PlanTags {
    pub goals: HashMap<i64, Vec<GlobalGoalInput>>,
    pub indicators: HashMap<i64, Vec<GlobalGoalInput>>,
    pub names: Vec<GlobalGoalName>,
}

/// The tags of every goal of `year` and every indicator.
pub fn plan_tags(store: &Store, year: i32) -> Result<PlanTags> {
    let db = store.read();
    let mut goals: HashMap<i64, Vec<GlobalGoalInput>> = HashMap::new();
    for t in global_goals::of_goals_of_year(db, year)? {
        goals.entry(t.subject_id).or_default().push(GlobalGoalInput { global_goal: t.global_goal, targets: t.targets });
    }
    let mut indicators: HashMap<i64, Vec<GlobalGoalInput>> = HashMap::new();
    for t in global_goals::of_indicators(db)? {
        indicators.entry(t.subject_id).or_default().push(GlobalGoalInput { global_goal: t.global_goal, targets: t.targets });
    }
    Ok(PlanTags { goals, indicators, names: names() })
}

/// The global goals to suggest when an indicator (`except`, if saved) gets the Kolada id
/// `kpi`: those other indicators with that id are tagged with (see the module's note).
pub fn suggest_for_kpi(store: &Store, kpi: &str, except: Option<i64>) -> Result<Vec<u8>> {
    let kpi = kpi.trim().to_uppercase();
    if kpi.is_empty() {
        return Ok(Vec::new());
    }
    global_goals::of_kolada_kpi(store.read(), &kpi, except)
}

impl Writer<'_> {
    /// Save the goal form with its global-goal tags, as one undo step (`None` keeps the
    /// goal's tags as they are).
    pub fn save_goal_tagged(&mut self, form: &GoalForm, tags: Option<&[GlobalGoalInput]>) -> Result<i64> {
        self.save_goal_tagged_as(form, tags, Seen::Unchecked)
    }

    /// [`Self::save_goal_tagged`] of the goal the window loaded at `expected_version`: an
    /// edit over someone else's change since is refused with `conflict` (see
    /// [`Writer::save_goal_seen`]).
    pub fn save_goal_tagged_seen(
        &mut self,
        form: &GoalForm,
        tags: Option<&[GlobalGoalInput]>,
        expected_version: Option<i64>,
    ) -> Result<i64> {
        self.save_goal_tagged_as(form, tags, seen_of(form.id, expected_version))
    }

    fn save_goal_tagged_as(&mut self, form: &GoalForm, tags: Option<&[GlobalGoalInput]>, seen: Seen) -> Result<i64> {
        let checked = tags.map(check_tags).transpose()?;
        self.journaled(&goal_label(form), |w| {
            let id = write_goal_as(w, form, seen)?;
            if let Some(checked) = &checked {
                global_goals::set_of_goal(w, id, checked)?;
            }
            Ok(id)
        })
    }

    /// Save the indicator form with its global-goal tags, as one undo step (`None` keeps the
    /// indicator's tags as they are).
    pub fn save_indicator_tagged(&mut self, form: &IndicatorForm, tags: Option<&[GlobalGoalInput]>) -> Result<i64> {
        self.save_indicator_tagged_as(form, tags, Seen::Unchecked)
    }

    /// [`Self::save_indicator_tagged`] of the indicator the window loaded at
    /// `expected_version` (see [`Writer::save_indicator_seen`]).
    pub fn save_indicator_tagged_seen(
        &mut self,
        form: &IndicatorForm,
        tags: Option<&[GlobalGoalInput]>,
        expected_version: Option<i64>,
    ) -> Result<i64> {
        self.save_indicator_tagged_as(form, tags, seen_of(form.id, expected_version))
    }

    fn save_indicator_tagged_as(&mut self, form: &IndicatorForm, tags: Option<&[GlobalGoalInput]>, seen: Seen) -> Result<i64> {
        let checked = tags.map(check_tags).transpose()?;
        self.journaled(&indicator_label(form), |w| {
            let id = write_indicator_as(w, form, crate::model::Frequency::Tertial, false, seen)?;
            if let Some(checked) = &checked {
                global_goals::set_of_indicator(w, id, checked)?;
            }
            Ok(id)
        })
    }
}

/// Set a goal's tags without the undo step (the seed loader).
pub(crate) fn write_goal_tags(w: &mut Writer<'_>, goal_id: i64, tags: &[GlobalGoalInput]) -> Result<()> {
    let checked = check_tags(tags)?;
    goals::get(w.read(), goal_id)?;
    global_goals::set_of_goal(w, goal_id, &checked)
}

/// Set an indicator's tags without the undo step (the seed loader).
pub(crate) fn write_indicator_tags(w: &mut Writer<'_>, indicator_id: i64, tags: &[GlobalGoalInput]) -> Result<()> {
    let checked = check_tags(tags)?;
    indicators::get(w.read(), indicator_id)?;
    global_goals::set_of_indicator(w, indicator_id, &checked)
}

/// A goal tagged with a global goal, with its status in the chosen period.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct TaggedGoal {
    pub id: i64,
    pub level: GoalLevel,
    pub code: String,
    pub title: String,
    pub owner_name: String,
    pub targets: String,
    pub status: Option<StatusView>,
}

/// An indicator tagged with a global goal.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct TaggedIndicator {
    pub id: i64,
    pub name: String,
    pub owner_name: String,
    pub kolada_kpi_id: Option<String>,
    pub targets: String,
}

/// One global goal with what is tagged with it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct GlobalGoalSection {
    pub number: u8,
    pub name: String,
    pub name_en: String,
    pub goals: Vec<TaggedGoal>,
    pub indicators: Vec<TaggedIndicator>,
}

/// The Agenda 2030 view of a plan year and period.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct Agenda2030View {
    pub year: i32,
    pub period: Option<Period>,
    /// Only global goals with something tagged, in number order.
    pub sections: Vec<GlobalGoalSection>,
    /// The global goals nothing is tagged with.
    pub untagged: Vec<GlobalGoalName>,
}

fn level_order(l: GoalLevel) -> u8 {
    match l {
        GoalLevel::Kf => 0,
        GoalLevel::Namnd => 1,
        GoalLevel::Enhet => 2,
    }
}

/// Per global goal, the goals of `year` tagged with it (KF-mål first, with their status in
/// `period_id`, or the year's latest period when none) and the indicators.
pub fn view(store: &Store, year: i32, period_id: Option<i64>) -> Result<Agenda2030View> {
    let db = store.read();
    let period = match period_id {
        Some(id) => Some(store.period(id)?),
        None => crate::store::periods::of_year(db, year)?.into_iter().next(),
    };
    let statuses = match &period {
        Some(p) => crate::scorecard::goal_statuses(store, year, p)?,
        None => HashMap::new(),
    };
    let unit_names: HashMap<i64, String> = units::all(db)?.into_iter().map(|u| (u.id, u.name)).collect();
    let year_goals: HashMap<i64, crate::model::Goal> = goals::of_year(db, year)?.into_iter().map(|g| (g.id, g)).collect();
    let mut sections: BTreeMap<u8, GlobalGoalSection> = BTreeMap::new();
    for t in global_goals::of_goals_of_year(db, year)? {
        let Some(g) = year_goals.get(&t.subject_id) else { continue };
        if !g.active {
            continue;
        }
        let Some((sv, en)) = GLOBAL_GOALS.get((t.global_goal as usize).wrapping_sub(1)) else { continue };
        let s = sections.entry(t.global_goal).or_insert_with(|| empty_section(t.global_goal, sv, en));
        s.goals.push(TaggedGoal {
            id: g.id,
            level: g.level,
            code: g.code.clone(),
            title: g.title.clone(),
            owner_name: unit_names.get(&g.owner_unit_id).cloned().unwrap_or_default(),
            targets: t.targets,
            status: statuses.get(&g.id).cloned(),
        });
    }
    let all_indicators: HashMap<i64, crate::model::Indicator> = indicators::all(db)?.into_iter().map(|i| (i.id, i)).collect();
    for t in global_goals::of_indicators(db)? {
        let Some(i) = all_indicators.get(&t.subject_id) else { continue };
        if !i.active {
            continue;
        }
        let Some((sv, en)) = GLOBAL_GOALS.get((t.global_goal as usize).wrapping_sub(1)) else { continue };
        let s = sections.entry(t.global_goal).or_insert_with(|| empty_section(t.global_goal, sv, en));
        s.indicators.push(TaggedIndicator {
            id: i.id,
            name: i.name.clone(),
            owner_name: unit_names.get(&i.owner_unit_id).cloned().unwrap_or_default(),
            kolada_kpi_id: i.kolada_kpi_id.clone(),
            targets: t.targets,
        });
    }
    for s in sections.values_mut() {
        s.goals.sort_by(|a, b| (level_order(a.level), &a.code, &a.title).cmp(&(level_order(b.level), &b.code, &b.title)));
        s.indicators.sort_by(|a, b| a.name.cmp(&b.name));
    }
    let untagged = names().into_iter().filter(|n| !sections.contains_key(&n.number)).collect();
    Ok(Agenda2030View { year, period, sections: sections.into_values().collect(), untagged })
}

fn empty_section(n: u8, sv: &str, en: &str) -> GlobalGoalSection {
    GlobalGoalSection { number: n, name: sv.to_string(), name_en: en.to_string(), goals: Vec::new(), indicators: Vec::new() }
}

/// The CLI's `agenda2030`: goals and indicators per global goal, with status words.
pub fn text_sv(store: &Store, year: i32, period_id: Option<i64>) -> Result<String> {
    let v = view(store, year, period_id)?;
    let mut out = format!("Agenda 2030 – mål och nyckeltal per globalt mål, {year}");
    if let Some(p) = &v.period {
        out.push_str(&format!(" ({})", p.name));
    }
    out.push('\n');
    if v.sections.is_empty() {
        out.push_str("\nInga mål eller nyckeltal är kopplade till de globala målen.\n");
    }
    for s in &v.sections {
        out.push_str(&format!("\n{} {}\n", s.number, s.name));
        for g in &s.goals {
            let name = if g.code.is_empty() { g.title.clone() } else { format!("{} {}", g.code, g.title) };
            let status = g.status.as_ref().and_then(|s| s.status);
            out.push_str(&format!("  {} {} – {} [{}]", status_symbol(status), name, g.owner_name, crate::report::status_word(status)));
            if !g.targets.is_empty() {
                out.push_str(&format!(" (delmål {})", g.targets));
            }
            out.push('\n');
        }
        for i in &s.indicators {
            out.push_str(&format!("  Nyckeltal: {} – {}", i.name, i.owner_name));
            if let Some(k) = &i.kolada_kpi_id {
                out.push_str(&format!(" ({k})"));
            }
            if !i.targets.is_empty() {
                out.push_str(&format!(" (delmål {})", i.targets));
            }
            out.push('\n');
        }
    }
    Ok(out)
}

fn status_symbol(s: Option<Status>) -> &'static str {
    crate::report::status_symbol(s)
}

/// The goals tagged with one global goal: (goal id, targets).
pub(crate) type TaggedGoals = Vec<(i64, String)>;

/// For the delårsrapport: per global goal, the goals tagged with it (goal id and targets).
/// Only goals in `goal_ids` (the report's goals) are kept.
pub(crate) fn report_goals(db: Read<'_>, year: i32, goal_ids: &[i64]) -> Result<Vec<(u8, TaggedGoals)>> {
    let mut out: BTreeMap<u8, TaggedGoals> = BTreeMap::new();
    for t in global_goals::of_goals_of_year(db, year)? {
        if goal_ids.contains(&t.subject_id) {
            out.entry(t.global_goal).or_default().push((t.subject_id, t.targets));
        }
    }
    Ok(out.into_iter().collect())
}
