//! The planning forms of the window: one read that gives everything a unit's plan page
//! shows, and one save per form. A save validates every field first (errors name the field,
//! so the window can show the message next to it) and is one undo step, however many rows
//! it touches (the goal and its links, the indicator with its targets and goals, …).

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{AppError, Msg, Result};
use crate::model::{
    check_year, date_text, optional_date, Activity, ActivityStatus, Direction, Frequency, GoalLevel, Indicator, NewActivity, NewGoal,
    NewIndicator, NewUnit, OrgUnit, ScaleStep, ToleranceKind, UnitKind, DEFAULT_PERSPECTIVES,
};
use crate::msg;
use crate::store::row_version::Seen;
use crate::store::{activities, goals, indicators, kolada, periods, plan, units};
use crate::store::{check_decimals, check_tolerance, kolada_kpi_id, non_empty, yellow_on_worse_side};
use crate::store::{Store, Writer};

/// An indicator's target for a year, as the indicator form sends it.
pub use crate::model::Target as TargetRow;

/// A goal as the plan page lists and edits it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct PlanGoal {
    pub id: i64,
    pub level: GoalLevel,
    pub code: String,
    pub title: String,
    pub description: String,
    pub perspective_id: i64,
    pub parent_ids: Vec<i64>,
    /// A nämnd or unit goal linked to no goal above it ("lös tråd").
    pub loose: bool,
    /// The row version the form was loaded at: the window sends it back when it saves, and a
    /// save over someone else's change since is refused (`store::row_version`).
    pub version: i64,
}

/// A goal another form can point at (a parent to link to, a goal an indicator measures).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct GoalChoice {
    pub id: i64,
    pub level: GoalLevel,
    pub code: String,
    pub title: String,
    pub owner_name: String,
    /// Owned by the plan's unit or a unit above it (its own chain up to the kommun): the
    /// goals its links usually go to, offered first.
    pub in_chain: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct PlanIndicator {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub unit: String,
    pub direction: Direction,
    pub decimals: u32,
    pub kolada_kpi_id: Option<String>,
    pub tolerance_kind: ToleranceKind,
    pub tolerance: f64,
    pub active: bool,
    pub targets: Vec<TargetRow>,
    pub goal_ids: Vec<i64>,
    /// Who answers for the indicator; empty when nobody does.
    pub responsible: String,
    /// The row version the form was loaded at (see [`PlanGoal::version`]).
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct PlanActivity {
    pub id: i64,
    pub title: String,
    pub description: String,
    pub responsible: String,
    pub start_date: Option<String>,
    pub end_date: Option<String>,
    pub status: ActivityStatus,
    pub goal_ids: Vec<i64>,
    /// The row version the form was loaded at (see [`PlanGoal::version`]).
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct PlanPerspective {
    pub id: i64,
    pub name: String,
    pub description: String,
    /// "code title" of the goals that use it (removal is refused while there are any).
    pub goals: Vec<String>,
}

/// Everything the plan page of one unit and plan year shows.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct UnitPlan {
    pub unit: OrgUnit,
    pub year: i32,
    pub vision: String,
    pub scale: Vec<ScaleStep>,
    pub perspectives: Vec<PlanPerspective>,
    /// The level a new goal of this unit gets (KF-mål for the kommun, nämndmål for a
    /// nämnd or förvaltning, enhetsmål for an enhet or bolag).
    pub goal_level: GoalLevel,
    pub goals: Vec<PlanGoal>,
    /// Every goal of the year, for parent links and "measures" lists.
    pub year_goals: Vec<GoalChoice>,
    pub indicators: Vec<PlanIndicator>,
    pub activities: Vec<PlanActivity>,
    /// Every unit, for "move to" (the window leaves out the unit itself and its branch).
    pub units: Vec<OrgUnit>,
    /// Units that lie below this one (including itself): not allowed as a new parent.
    pub branch: Vec<i64>,
}

/// The level a unit's own goals have.
pub fn goal_level_of(kind: UnitKind) -> GoalLevel {
    match kind {
        UnitKind::Kommun => GoalLevel::Kf,
        UnitKind::Namnd | UnitKind::Forvaltning => GoalLevel::Namnd,
        UnitKind::Enhet | UnitKind::Bolag => GoalLevel::Enhet,
    }
}

/// Everything the plan page of `unit_id` in `year` shows.
pub fn unit_plan(store: &Store, unit_id: i64, year: i32) -> Result<UnitPlan> {
    let db = store.read();
    let unit = units::get(db, unit_id)?;
    let vision = plan::year(db, year)?.vision;
    let scale = plan::scale(db, year)?;
    let perspectives = plan::perspectives(db, year)?
        .into_iter()
        .map(|p| {
            let goals = goals::of_perspective(db, p.id)?.iter().map(|g| g.name()).collect();
            Ok(PlanPerspective { id: p.id, name: p.name, description: p.description, goals })
        })
        .collect::<Result<Vec<_>>>()?;
    let goals = goals::of_unit(db, unit_id, year)?
        .into_iter()
        .map(|g| {
            let parent_ids = goals::parent_ids(db, g.id)?;
            let loose = g.level != GoalLevel::Kf && parent_ids.is_empty();
            Ok(PlanGoal {
                id: g.id,
                level: g.level,
                code: g.code,
                title: g.title,
                description: g.description,
                perspective_id: g.perspective_id,
                parent_ids,
                loose,
                version: g.version,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let all_units = units::all(db)?;
    let chain = chain_up(&all_units, unit_id);
    let year_goals = goals::of_year_with_owner(db, year)?
        .into_iter()
        .map(|(g, owner_name)| GoalChoice {
            in_chain: chain.contains(&g.owner_unit_id),
            id: g.id,
            level: g.level,
            code: g.code,
            title: g.title,
            owner_name,
        })
        .collect();
    let indicators = indicators::of_unit(db, unit_id)?
        .into_iter()
        .map(|i| {
            Ok(PlanIndicator {
                targets: indicators::target_rows(db, i.id)?,
                // The goals it measures in this plan year only: other years have their own links.
                goal_ids: indicators::goal_ids_in_year(db, i.id, year)?,
                id: i.id,
                name: i.name,
                description: i.description,
                unit: i.unit,
                direction: i.direction,
                decimals: i.decimals,
                kolada_kpi_id: i.kolada_kpi_id,
                tolerance_kind: i.tolerance_kind,
                tolerance: i.tolerance,
                active: i.active,
                responsible: i.responsible,
                version: i.version,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let activities = activities::of_unit(db, unit_id, year)?
        .into_iter()
        .map(|a| {
            Ok(PlanActivity {
                goal_ids: activities::goal_ids(db, a.id)?,
                id: a.id,
                title: a.title,
                description: a.description,
                responsible: a.responsible,
                start_date: a.start_date.map(date_text),
                end_date: a.end_date.map(date_text),
                status: a.status,
                version: a.version,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(UnitPlan {
        goal_level: goal_level_of(unit.kind),
        unit,
        year,
        vision,
        scale,
        perspectives,
        goals,
        year_goals,
        indicators,
        activities,
        units: all_units,
        branch: units::branch(db, unit_id)?,
    })
}

/// `unit_id` and every unit above it, up to the top (a broken parent link ends the walk).
fn chain_up(all: &[OrgUnit], unit_id: i64) -> Vec<i64> {
    let mut chain = vec![unit_id];
    let mut at = unit_id;
    while let Some(parent) = all.iter().find(|u| u.id == at).and_then(|u| u.parent_id) {
        if chain.contains(&parent) {
            break;
        }
        chain.push(parent);
        at = parent;
    }
    chain
}

/// The goal form: `id` none creates a goal of the owner unit's level.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct GoalForm {
    pub id: Option<i64>,
    pub plan_year: i32,
    pub owner_unit_id: i64,
    pub perspective_id: i64,
    pub code: String,
    pub title: String,
    pub description: String,
    pub parent_ids: Vec<i64>,
}

/// The indicator form: `id` none creates one owned by `owner_unit_id`. `targets` is the
/// whole list (years left out lose their target); `goal_ids` the goals of `plan_year` it
/// measures (links in other years stay).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct IndicatorForm {
    pub id: Option<i64>,
    pub owner_unit_id: i64,
    pub plan_year: i32,
    pub name: String,
    pub description: String,
    pub unit: String,
    pub direction: Direction,
    pub decimals: u32,
    pub kolada_kpi_id: Option<String>,
    pub tolerance_kind: ToleranceKind,
    pub tolerance: f64,
    pub targets: Vec<TargetRow>,
    pub goal_ids: Vec<i64>,
    /// Who answers for the indicator ("Ansvarig"); empty when nobody does.
    pub responsible: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ActivityForm {
    pub id: Option<i64>,
    pub plan_year: i32,
    pub owner_unit_id: i64,
    pub title: String,
    pub description: String,
    pub responsible: String,
    pub start_date: Option<String>,
    pub end_date: Option<String>,
    pub status: ActivityStatus,
    pub goal_ids: Vec<i64>,
}

/// What deleting an activity or unlinking takes with it, in words for the confirm step.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct ActivityDeletePreview {
    pub title: String,
    pub goal_links: i64,
    pub follow_ups: i64,
}

pub fn activity_delete_preview(store: &Store, id: i64) -> Result<ActivityDeletePreview> {
    let db = store.read();
    let title = activities::get(db, id)?.title;
    let (goal_links, follow_ups) = activities::links_and_follow_ups(db, id)?;
    Ok(ActivityDeletePreview { title, goal_links, follow_ups })
}

fn dedup(ids: &[i64]) -> BTreeSet<i64> {
    ids.iter().copied().collect()
}

/// Refused (on `field`) unless every goal belongs to plan year `year`.
fn goals_of_year(w: &Writer<'_>, ids: &BTreeSet<i64>, year: i32, message: Msg, field: &str) -> Result<()> {
    for g in ids {
        if goals::get(w.read(), *g).ok().map(|g| g.plan_year) != Some(year) {
            return Err(AppError::validation(message).on_field(field));
        }
    }
    Ok(())
}

// The one planning write API: each form save below is "validate every field (errors name the
// field), then the repository writes (each with its audit row)", and the `Writer` method of
// the same name wraps it in `journaled`, so one save is one undo step. The seed loader calls
// the unjournaled `write_*` functions: loading a municipality is not hundreds of undo steps.

impl Writer<'_> {
    /// Add a unit under `parent_id` (undoable). A kommun can only be the top unit.
    pub fn add_unit(&mut self, parent_id: i64, kind: UnitKind, name: &str) -> Result<i64> {
        self.journaled(&format!("Lägg till enheten {}", name.trim()), |w| write_unit(w, parent_id, kind, name))
    }

    /// Start a new, empty plan year: the 3-step scale, the default perspectives and the
    /// standard periods (undoable). To carry a year's goals over, copy it instead.
    pub fn start_plan_year(&mut self, year: i32, vision: &str) -> Result<()> {
        check_year(year).map_err(|e| e.on_field("year"))?;
        let perspectives: Vec<(&str, &str)> = DEFAULT_PERSPECTIVES.iter().map(|p| (*p, "")).collect();
        self.journaled(&format!("Skapa planåret {year}"), |w| write_plan_year(w, year, None, vision, 3, &perspectives))
    }

    /// Save the goal form: create or edit the goal and set its parent links, as one step.
    /// Unchecked (the CLI, tests); the window saves with [`Self::save_goal_seen`].
    pub fn save_goal(&mut self, form: &GoalForm) -> Result<i64> {
        self.journaled(&goal_label(form), |w| write_goal(w, form))
    }

    /// [`Self::save_goal`] of the goal the window loaded at `expected_version`: an edit over
    /// a change someone else saved since (or of a goal they removed) is refused with
    /// `conflict` (field `title`), checked in the same transaction as the undo step. A new
    /// goal (`form.id` none) has nothing to check.
    pub fn save_goal_seen(&mut self, form: &GoalForm, expected_version: Option<i64>) -> Result<i64> {
        let seen = seen_of(form.id, expected_version);
        self.journaled(&goal_label(form), |w| write_goal_as(w, form, seen))
    }

    /// Save the indicator form: the indicator, its targets and the goals it measures in
    /// the form's plan year, as one step. Unchecked (the CLI, tests); the window saves with
    /// [`Self::save_indicator_seen`].
    pub fn save_indicator(&mut self, form: &IndicatorForm) -> Result<i64> {
        self.save_indicator_as(form, Seen::Unchecked)
    }

    /// [`Self::save_indicator`] of the indicator the window loaded at `expected_version`
    /// (see [`Self::save_goal_seen`]; the refusal's field is `name`).
    pub fn save_indicator_seen(&mut self, form: &IndicatorForm, expected_version: Option<i64>) -> Result<i64> {
        self.save_indicator_as(form, seen_of(form.id, expected_version))
    }

    fn save_indicator_as(&mut self, form: &IndicatorForm, seen: Seen) -> Result<i64> {
        self.journaled(&indicator_label(form), |w| write_indicator_as(w, form, Frequency::Tertial, false, seen))
    }

    /// Save the activity form: the activity and its goals, as one step. Unchecked (the CLI,
    /// tests); the window saves with [`Self::save_activity_seen`].
    pub fn save_activity(&mut self, form: &ActivityForm) -> Result<i64> {
        self.save_activity_as(form, Seen::Unchecked)
    }

    /// [`Self::save_activity`] of the activity the window loaded at `expected_version`
    /// (see [`Self::save_goal_seen`]).
    pub fn save_activity_seen(&mut self, form: &ActivityForm, expected_version: Option<i64>) -> Result<i64> {
        self.save_activity_as(form, seen_of(form.id, expected_version))
    }

    fn save_activity_as(&mut self, form: &ActivityForm, seen: Seen) -> Result<i64> {
        let title = form.title.trim();
        let label = if form.id.is_some() { format!("Ändra aktiviteten {title}") } else { format!("Lägg till aktiviteten {title}") };
        self.journaled(&label, |w| write_activity_as(w, form, seen))
    }

    /// Delete an activity with its goal links and follow-up (undoable; see
    /// [`activity_delete_preview`]).
    pub fn delete_activity(&mut self, id: i64) -> Result<()> {
        let title = activities::get(self.read(), id)?.title;
        self.journaled(&format!("Ta bort aktiviteten {title}"), |w| activities::delete(w, id))
    }
}

/// What a form save from the window expects of the row: an edit names the version the form
/// was loaded at; a new row has nothing to check.
pub(crate) fn seen_of(id: Option<i64>, expected_version: Option<i64>) -> Seen {
    match id {
        Some(_) => Seen::Version(expected_version),
        None => Seen::Unchecked,
    }
}

/// The undo step's name of a goal form save.
pub(crate) fn goal_label(form: &GoalForm) -> String {
    let title = form.title.trim();
    if form.id.is_some() {
        format!("Ändra målet {title}")
    } else {
        format!("Lägg till målet {title}")
    }
}

/// The undo step's name of an indicator form save.
pub(crate) fn indicator_label(form: &IndicatorForm) -> String {
    let name = form.name.trim();
    if form.id.is_some() {
        format!("Ändra nyckeltalet {name}")
    } else {
        format!("Lägg till nyckeltalet {name}")
    }
}

/// A row the form edits is gone: refused as a conflict (someone removed it after the form
/// was loaded) when the save is checked, else not found as before.
fn gone(w: &Writer<'_>, seen: Seen, e: AppError, refused: impl FnOnce(&Writer<'_>) -> Result<AppError>) -> Result<AppError> {
    if e.code == crate::error::ErrorCode::NotFound && seen != Seen::Unchecked {
        return refused(w);
    }
    Ok(e)
}

/// [`Writer::add_unit`] without the undo step.
pub(crate) fn write_unit(w: &mut Writer<'_>, parent_id: i64, kind: UnitKind, name: &str) -> Result<i64> {
    let name = non_empty(("Enhetens namn", "The unit's name"), name).map_err(|e| e.on_field("name"))?;
    if kind == UnitKind::Kommun {
        return Err(AppError::validation(msg!(
            "Det finns bara en kommun, överst i organisationen. Välj nämnd, förvaltning, enhet eller bolag.",
            "There is only one municipality, at the top of the organisation. Choose committee, administration, unit or company."
        ))
        .on_field("kind"));
    }
    match units::get(w.read(), parent_id) {
        Err(e) if e.code == crate::error::ErrorCode::NotFound => {
            return Err(AppError::not_found(msg!(
                "Enheten som den nya enheten ska ligga under finns inte.",
                "The unit the new unit should be placed under does not exist."
            )))
        }
        Err(e) => return Err(e),
        Ok(parent) if !parent.active => {
            return Err(AppError::validation(msg!(
                "Enheten är inaktiverad. Aktivera den först, eller lägg den nya enheten någon annanstans.",
                "The unit is deactivated. Activate it first, or place the new unit somewhere else."
            )))
        }
        Ok(_) => {}
    }
    units::insert(w, NewUnit { parent_id: Some(parent_id), kind, name, kolada_id: None })
}

/// A plan year with its scale, `perspectives` (name, description) and the standard
/// periods, without the undo step ([`Writer::start_plan_year`], the seed loader).
pub(crate) fn write_plan_year(
    w: &mut Writer<'_>,
    year: i32,
    mandate_period_id: Option<i64>,
    vision: &str,
    scale_steps: i32,
    perspectives: &[(&str, &str)],
) -> Result<()> {
    plan::insert_year(w, year, mandate_period_id, vision, scale_steps).map_err(|e| e.on_field("year"))?;
    for (name, description) in perspectives {
        plan::insert_perspective(w, year, name, description)?;
    }
    periods::insert_defaults(w, year)?;
    Ok(())
}

/// [`Writer::save_goal`] without the undo step.
pub(crate) fn write_goal(w: &mut Writer<'_>, form: &GoalForm) -> Result<i64> {
    write_goal_as(w, form, Seen::Unchecked)
}

/// [`write_goal`], the edit checked against `seen`.
pub(crate) fn write_goal_as(w: &mut Writer<'_>, form: &GoalForm, seen: Seen) -> Result<i64> {
    let title = super::goals::goal_text(&form.code, &form.title, &form.description)?;
    let perspective_year = plan::perspective(w.read(), form.perspective_id).ok().map(|p| p.plan_year);
    if perspective_year != Some(form.plan_year) {
        return Err(AppError::validation(msg!(
            "Välj ett av planårets {} perspektiv.",
            "Choose one of the perspectives of plan year {}.",
            form.plan_year
        ))
        .on_field("perspective_id"));
    }
    let kind = match units::get(w.read(), form.owner_unit_id) {
        Ok(u) => u.kind,
        Err(e) if e.code == crate::error::ErrorCode::NotFound => {
            return Err(AppError::not_found(msg!(
                "Enheten som ska äga målet finns inte.",
                "The unit that should own the goal does not exist."
            )))
        }
        Err(e) => return Err(e),
    };
    let level = match form.id {
        Some(id) => match goals::get(w.read(), id) {
            Ok(g) => g.level,
            Err(e) if seen != Seen::Unchecked => return Err(gone(w, seen, e, |w| goals::refused(w, id))?),
            Err(_) => {
                return Err(AppError::not_found(msg!(
                    "Målet (id {id}) finns inte. Det kan ha tagits bort.",
                    "The goal (id {id}) does not exist. It may have been deleted."
                )))
            }
        },
        None => goal_level_of(kind),
    };
    let parents = dedup(&form.parent_ids);
    if level == GoalLevel::Kf && !parents.is_empty() {
        return Err(AppError::validation(msg!(
            "KF-mål ligger högst upp i röda tråden och kopplas inte uppåt.",
            "Council goals are at the top of the red thread and are not linked upwards."
        ))
        .on_field("parent_ids"));
    }
    let (code, description) = (form.code.trim(), form.description.trim());
    let id = match form.id {
        Some(id) => {
            goals::update(w, id, code, &title, description, form.perspective_id, seen)?;
            id
        }
        None => goals::insert(
            w,
            NewGoal {
                plan_year: form.plan_year,
                level,
                perspective_id: form.perspective_id,
                owner_unit_id: form.owner_unit_id,
                code: code.to_string(),
                title: title.clone(),
                description: description.to_string(),
            },
        )?,
    };
    goals::set_parents(w, id, &parents).map_err(|e| e.on_field("parent_ids"))?;
    Ok(id)
}

/// [`Writer::save_indicator`] without the undo step; `frequency` and `gender_split` are
/// set when the indicator is created (the form does not edit them).
pub(crate) fn write_indicator(w: &mut Writer<'_>, form: &IndicatorForm, frequency: Frequency, gender_split: bool) -> Result<i64> {
    write_indicator_as(w, form, frequency, gender_split, Seen::Unchecked)
}

/// [`write_indicator`], the edit checked against `seen`.
pub(crate) fn write_indicator_as(
    w: &mut Writer<'_>,
    form: &IndicatorForm,
    frequency: Frequency,
    gender_split: bool,
    seen: Seen,
) -> Result<i64> {
    let name = non_empty(("Nyckeltalets namn", "The indicator's name"), &form.name).map_err(|e| e.on_field("name"))?;
    check_decimals(form.decimals).map_err(|e| e.on_field("decimals"))?;
    check_tolerance(form.tolerance).map_err(|e| e.on_field("tolerance"))?;
    let kpi = kolada_kpi_id(form.kolada_kpi_id.as_deref()).map_err(|e| e.on_field("kolada_kpi_id"))?;
    check_responsible(&form.responsible)?;
    let mut years = BTreeSet::new();
    for t in &form.targets {
        if check_year(t.year).is_err() || !years.insert(t.year) {
            return Err(AppError::validation(msg!(
                "Året {} för målvärdet är fel eller finns två gånger.",
                "The year {} of the target is wrong or appears twice.",
                t.year
            ))
            .on_field("targets"));
        }
        if !t.target.is_finite() || t.yellow_limit.is_some_and(|l| !l.is_finite()) {
            return Err(AppError::validation(msg!("Målvärdet för {} måste vara ett tal.", "The target for {} must be a number.", t.year))
                .on_field("targets"));
        }
        for (what, value) in
            [(msg!("Målvärdet", "The target"), Some(t.target)), (msg!("Gränsen för gult", "The yellow limit"), t.yellow_limit)]
        {
            let Some(value) = value else { continue };
            let needed = decimals_needed(value);
            if needed > form.decimals {
                // The value as each language writes a decimal: 7,5 in Swedish, 7.5 in English.
                let shown = Msg { sv: value.to_string().replace('.', ","), en: value.to_string() };
                return Err(AppError::validation(msg!(
                    "{what} för {} ({}) har fler decimaler än nyckeltalet visar ({}). Öka antalet decimaler \
                     till minst {needed}, annars skulle målet visas avrundat.",
                    "{what} for {} ({}) has more decimals than the indicator shows ({}). Raise the number of decimals \
                     to at least {needed}, or the target would be shown rounded.",
                    t.year,
                    shown,
                    form.decimals,
                    what = what,
                ))
                .on_field("targets"));
            }
        }
        if let Some(limit) = t.yellow_limit {
            if !yellow_on_worse_side(form.direction, t.target, limit) {
                let (side, better) = if form.direction == Direction::Higher {
                    (msg!("under", "below"), msg!("högre", "higher"))
                } else {
                    (msg!("över", "above"), msg!("lägre", "lower"))
                };
                return Err(AppError::validation(msg!(
                    "Gränsen för gult {} ska ligga {side} målvärdet när {better} är bättre.",
                    "The yellow limit for {} must lie {side} the target when {better} is better.",
                    t.year,
                    side = side,
                    better = better
                ))
                .on_field("targets"));
            }
        }
    }
    let goals = dedup(&form.goal_ids);
    goals_of_year(
        w,
        &goals,
        form.plan_year,
        msg!(
            "Målen som nyckeltalet mäter ska höra till planåret {}.",
            "The goals the indicator measures must belong to plan year {}.",
            form.plan_year
        ),
        "goal_ids",
    )?;
    let (description, unit) = (form.description.trim().to_string(), form.unit.trim().to_string());
    let id = match form.id {
        Some(id) => {
            let before = match indicators::get(w.read(), id) {
                Ok(before) => before,
                Err(e) => return Err(gone(w, seen, e, |w| indicators::refused(w, id))?),
            };
            indicators::update(
                w,
                &Indicator {
                    name,
                    description,
                    unit,
                    direction: form.direction,
                    decimals: form.decimals,
                    kolada_kpi_id: kpi,
                    tolerance_kind: form.tolerance_kind,
                    tolerance: form.tolerance,
                    ..before
                },
                seen,
            )?;
            id
        }
        None => indicators::insert(
            w,
            NewIndicator {
                name,
                description,
                unit,
                direction: form.direction,
                decimals: form.decimals,
                kolada_kpi_id: kpi,
                owner_unit_id: form.owner_unit_id,
                frequency,
                gender_split,
                tolerance_kind: form.tolerance_kind,
                tolerance: form.tolerance,
            },
        )?,
    };
    indicators::set_targets(w, id, &form.targets).map_err(|e| e.on_field("targets"))?;
    indicators::set_goals_in_year(w, id, form.plan_year, &goals)?;
    indicators::set_responsible(w, id, &form.responsible)?;
    Ok(id)
}

/// An indicator's "Ansvarig": a person's name on one line, at most 100 characters (the audit
/// name's limit, since the to-do list matches it against the name the window knows).
fn check_responsible(responsible: &str) -> Result<()> {
    let name = responsible.trim();
    if name.chars().count() > 100 || name.chars().any(char::is_control) {
        return Err(AppError::validation(msg!(
            "Ansvarig ska vara en persons namn på en rad, högst 100 tecken.",
            "Responsible should be a person's name on one line, at most 100 characters."
        ))
        .on_field("responsible"));
    }
    Ok(())
}

/// The decimals `value` needs to be shown exactly: a target typed as 7,5 needs 1, so an
/// indicator shown with 0 decimals would silently show it as 8. More than 6 count as 7.
pub fn decimals_needed(value: f64) -> u32 {
    (0..=6)
        .find(|&d| {
            let scaled = value * 10f64.powi(d as i32);
            (scaled - scaled.round()).abs() <= 1e-9 * scaled.abs().max(1.0)
        })
        .unwrap_or(7)
}

/// [`Writer::save_activity`] without the undo step.
pub(crate) fn write_activity(w: &mut Writer<'_>, form: &ActivityForm) -> Result<i64> {
    write_activity_as(w, form, Seen::Unchecked)
}

/// [`write_activity`], the edit checked against `seen`.
pub(crate) fn write_activity_as(w: &mut Writer<'_>, form: &ActivityForm, seen: Seen) -> Result<i64> {
    let title = non_empty(("Aktivitetens rubrik", "The activity's title"), &form.title).map_err(|e| e.on_field("title"))?;
    if form.description.chars().count() > 5_000 {
        return Err(AppError::validation(msg!(
            "Beskrivningen är för lång (högst 5 000 tecken). Korta texten.",
            "The description is too long (at most 5,000 characters). Shorten the text."
        ))
        .on_field("description"));
    }
    if form.responsible.trim().chars().count() > 200 {
        return Err(AppError::validation(msg!(
            "Ansvarig är för långt (högst 200 tecken).",
            "The field Responsible is too long (at most 200 characters)."
        ))
        .on_field("responsible"));
    }
    let start = optional_date(("Startdatum", "The start date"), form.start_date.as_deref()).map_err(|e| e.on_field("start_date"))?;
    let end = optional_date(("Slutdatum", "The end date"), form.end_date.as_deref()).map_err(|e| e.on_field("end_date"))?;
    if let (Some(s), Some(e)) = (start, end) {
        if e < s {
            return Err(AppError::validation(msg!(
                "Slutdatum {} ligger före startdatum {}. Ändra något av dem.",
                "The end date {} is before the start date {}. Change one of them.",
                date_text(e),
                date_text(s)
            ))
            .on_field("end_date"));
        }
    }
    let goals = dedup(&form.goal_ids);
    goals_of_year(
        w,
        &goals,
        form.plan_year,
        msg!("Aktivitetens mål ska höra till planåret {}.", "The activity's goals must belong to plan year {}.", form.plan_year),
        "goal_ids",
    )?;
    let (description, responsible) = (form.description.trim().to_string(), form.responsible.trim().to_string());
    match form.id {
        Some(id) => {
            let before = match activities::get(w.read(), id) {
                Ok(before) => before,
                Err(e) => return Err(gone(w, seen, e, |w| activities::refused(w, id))?),
            };
            let a = Activity { title, description, responsible, start_date: start, end_date: end, status: form.status, ..before };
            activities::update(w, &a, &goals, seen)?;
            Ok(id)
        }
        None => {
            let a = NewActivity {
                plan_year: form.plan_year,
                owner_unit_id: form.owner_unit_id,
                title,
                description,
                responsible,
                start_date: start,
                end_date: end,
                status: form.status,
            };
            activities::insert(w, a, &goals.into_iter().collect::<Vec<_>>())
        }
    }
}

/// KPI reference data shipped with the app: id and title of every Kolada KPI, to search
/// while filling in an indicator's Kolada id.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct KpiChoice {
    pub id: String,
    pub title: String,
}

/// Search the KPI list: the imported KPI metadata first, then the reference list shipped
/// with the app. Every word must appear in the id or the title (case does not matter).
pub fn search_kpis(store: &Store, query: &str, limit: usize) -> Result<Vec<KpiChoice>> {
    let words: Vec<String> = query.split_whitespace().map(str::to_lowercase).collect();
    if words.is_empty() {
        return Ok(Vec::new());
    }
    let matches = |id: &str, title: &str| {
        let hay = format!("{} {}", id.to_lowercase(), title.to_lowercase());
        words.iter().all(|w| hay.contains(w.as_str()))
    };
    let mut found: BTreeMap<String, String> = BTreeMap::new();
    for (id, title) in kolada::kpi_titles(store.read())? {
        if matches(&id, &title) {
            found.insert(id, title);
        }
    }
    for (id, title) in crate::kolada::reference::kpis() {
        if matches(id, title) {
            found.entry(id.to_string()).or_insert_with(|| title.to_string());
        }
    }
    // Exact id first, then ids that start with the query, then by id.
    let first = words[0].to_uppercase();
    let mut list: Vec<KpiChoice> = found.into_iter().map(|(id, title)| KpiChoice { id, title }).collect();
    list.sort_by_key(|k| (k.id != first, !k.id.starts_with(&first), k.id.clone()));
    list.truncate(limit);
    Ok(list)
}

#[cfg(test)]
mod tests {
    use super::decimals_needed;

    #[test]
    fn decimals_needed_counts_what_a_target_needs_to_be_shown_exactly() {
        for (value, want) in [(8.0, 0), (7.5, 1), (-3.25, 2), (0.0, 0), (0.1 + 0.2, 1), (15_200.0, 0), (1.0 / 3.0, 7)] {
            assert_eq!(decimals_needed(value), want, "{value}");
        }
    }
}
