//! The planning forms of the window: one read that gives everything a unit's plan page
//! shows, and one save per form. A save validates every field first (errors name the field,
//! so the window can show the message next to it) and is one undo step, however many rows
//! it touches (the goal and its links, the indicator with its targets and goals, …).

use std::collections::{BTreeMap, BTreeSet};

use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{AppError, Result};
use crate::model::{ActivityStatus, Direction, GoalLevel, OrgUnit, ScaleStep, ToleranceKind, UnitKind};
use crate::store::{check_decimals, check_tolerance, kolada_kpi_id, non_empty, optional_date, yellow_on_worse_side};
use crate::store::{NewActivity, NewGoal, NewIndicator, NewUnit, Store, Writer};

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
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct TargetRow {
    pub year: i32,
    pub target: f64,
    /// Explicit limit between yellow and red; none = the indicator's tolerance decides.
    pub yellow_limit: Option<f64>,
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

fn ids_of(store: &Store, sql: &str, id: i64) -> Result<Vec<i64>> {
    let mut stmt = store.conn().prepare_cached(sql)?;
    let rows = stmt.query_map([id], |r| r.get(0))?.collect::<rusqlite::Result<Vec<i64>>>()?;
    Ok(rows)
}

/// Everything the plan page of `unit_id` in `year` shows.
pub fn unit_plan(store: &Store, unit_id: i64, year: i32) -> Result<UnitPlan> {
    let unit = store.unit(unit_id)?;
    let plan = store.plan_year(year)?;
    let scale = store.scale(year)?;
    let conn = store.conn();

    let mut perspectives = Vec::new();
    {
        let mut stmt = conn.prepare(
            "SELECT p.id, p.name, p.description,
                    (SELECT group_concat(trim(g.code || ' ' || g.title), char(10)) FROM goal g WHERE g.perspective_id = p.id)
             FROM perspective p WHERE p.plan_year = ?1 ORDER BY p.sort_order, p.id",
        )?;
        let mut rows = stmt.query([year])?;
        while let Some(r) = rows.next()? {
            let goals: Option<String> = r.get(3)?;
            perspectives.push(PlanPerspective {
                id: r.get(0)?,
                name: r.get(1)?,
                description: r.get(2)?,
                goals: goals.map(|g| g.lines().map(str::to_string).collect()).unwrap_or_default(),
            });
        }
    }

    let mut goals = Vec::new();
    {
        let mut stmt = conn.prepare(
            "SELECT id, level, code, title, description, perspective_id FROM goal
             WHERE owner_unit_id = ?1 AND plan_year = ?2 ORDER BY sort_order, id",
        )?;
        let rows = stmt
            .query_map(params![unit_id, year], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, GoalLevel>(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        for (id, level, code, title, description, perspective_id) in rows {
            let parent_ids = ids_of(store, "SELECT parent_goal_id FROM goal_link WHERE child_goal_id = ?1 ORDER BY parent_goal_id", id)?;
            let loose = level != GoalLevel::Kf && parent_ids.is_empty();
            goals.push(PlanGoal { id, level, code, title, description, perspective_id, parent_ids, loose });
        }
    }

    let year_goals = {
        let mut stmt = conn.prepare(
            "SELECT g.id, g.level, g.code, g.title, o.name FROM goal g JOIN org_unit o ON o.id = g.owner_unit_id
             WHERE g.plan_year = ?1
             ORDER BY CASE g.level WHEN 'kf' THEN 0 WHEN 'namnd' THEN 1 ELSE 2 END, o.sort_order, o.name, g.sort_order, g.id",
        )?;
        let rows = stmt
            .query_map([year], |r| {
                Ok(GoalChoice { id: r.get(0)?, level: r.get(1)?, code: r.get(2)?, title: r.get(3)?, owner_name: r.get(4)? })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        rows
    };

    let mut indicators = Vec::new();
    {
        let mut stmt = conn.prepare(
            "SELECT id, name, description, unit, direction, decimals, kolada_kpi_id, tolerance_kind, tolerance, active
             FROM indicator WHERE owner_unit_id = ?1 ORDER BY active DESC, name, id",
        )?;
        let rows = stmt
            .query_map([unit_id], |r| {
                Ok(PlanIndicator {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    description: r.get(2)?,
                    unit: r.get(3)?,
                    direction: r.get(4)?,
                    decimals: r.get(5)?,
                    kolada_kpi_id: r.get(6)?,
                    tolerance_kind: r.get(7)?,
                    tolerance: r.get(8)?,
                    active: r.get(9)?,
                    targets: Vec::new(),
                    goal_ids: Vec::new(),
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut targets =
            conn.prepare_cached("SELECT year, target, yellow_limit FROM indicator_target WHERE indicator_id = ?1 ORDER BY year")?;
        for mut ind in rows {
            ind.targets = targets
                .query_map([ind.id], |r| Ok(TargetRow { year: r.get(0)?, target: r.get(1)?, yellow_limit: r.get(2)? }))?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            // The goals it measures in this plan year only: other years have their own links.
            let mut stmt = conn.prepare_cached(
                "SELECT gi.goal_id FROM goal_indicator gi JOIN goal g ON g.id = gi.goal_id
                 WHERE gi.indicator_id = ?1 AND g.plan_year = ?2 ORDER BY gi.goal_id",
            )?;
            ind.goal_ids = stmt.query_map(params![ind.id, year], |r| r.get(0))?.collect::<rusqlite::Result<Vec<_>>>()?;
            indicators.push(ind);
        }
    }

    let mut activities = Vec::new();
    {
        let mut stmt = conn.prepare(
            "SELECT id, title, description, responsible, start_date, end_date, status FROM activity
             WHERE owner_unit_id = ?1 AND plan_year = ?2 AND active = 1 ORDER BY start_date IS NULL, start_date, id",
        )?;
        let rows = stmt
            .query_map(params![unit_id, year], |r| {
                Ok(PlanActivity {
                    id: r.get(0)?,
                    title: r.get(1)?,
                    description: r.get(2)?,
                    responsible: r.get(3)?,
                    start_date: r.get(4)?,
                    end_date: r.get(5)?,
                    status: r.get(6)?,
                    goal_ids: Vec::new(),
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        for mut a in rows {
            a.goal_ids = ids_of(store, "SELECT goal_id FROM activity_goal WHERE activity_id = ?1 ORDER BY goal_id", a.id)?;
            activities.push(a);
        }
    }

    let branch = ids_of(
        store,
        "WITH RECURSIVE below(id) AS (SELECT ?1 UNION SELECT o.id FROM org_unit o JOIN below b ON o.parent_id = b.id)
         SELECT id FROM below",
        unit_id,
    )?;

    Ok(UnitPlan {
        goal_level: goal_level_of(unit.kind),
        unit,
        year,
        vision: plan.vision,
        scale,
        perspectives,
        goals,
        year_goals,
        indicators,
        activities,
        units: store.units()?,
        branch,
    })
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
    store
        .conn()
        .query_row(
            "SELECT title, (SELECT COUNT(*) FROM activity_goal WHERE activity_id = a.id),
                    (SELECT COUNT(*) FROM activity_follow_up WHERE activity_id = a.id)
             FROM activity a WHERE id = ?1",
            [id],
            |r| Ok(ActivityDeletePreview { title: r.get(0)?, goal_links: r.get(1)?, follow_ups: r.get(2)? }),
        )
        .optional()?
        .ok_or_else(|| AppError::not_found(format!("Aktiviteten (id {id}) finns inte.")))
}

fn dedup(ids: &[i64]) -> Vec<i64> {
    ids.iter().copied().collect::<BTreeSet<_>>().into_iter().collect()
}

fn id_list(ids: &[i64]) -> String {
    ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
}

impl Writer<'_> {
    /// Add a unit under `parent_id` (undoable). A kommun can only be the top unit.
    pub fn add_unit(&mut self, parent_id: i64, kind: UnitKind, name: &str) -> Result<i64> {
        let name = non_empty("Enhetens namn", name).map_err(|e| e.on_field("name"))?;
        if kind == UnitKind::Kommun {
            return Err(AppError::validation(
                "Det finns bara en kommun, överst i organisationen. Välj nämnd, förvaltning, enhet eller bolag.",
            )
            .on_field("kind"));
        }
        let parent_active: Option<bool> =
            self.tx.query_row("SELECT active FROM org_unit WHERE id = ?1", [parent_id], |r| r.get(0)).optional()?;
        match parent_active {
            None => return Err(AppError::not_found("Enheten som den nya enheten ska ligga under finns inte.")),
            Some(false) => {
                return Err(AppError::validation(
                    "Enheten är inaktiverad. Aktivera den först, eller lägg den nya enheten någon annanstans.",
                ))
            }
            Some(true) => {}
        }
        let label = format!("Lägg till enheten {name}");
        self.journaled(&label, |w| {
            let id = w.create_unit(NewUnit { parent_id: Some(parent_id), kind, name: name.clone(), kolada_id: None })?;
            Ok(id)
        })
    }

    /// Start a new, empty plan year: the 3-step scale, the four default perspectives and
    /// the standard periods (undoable). To carry a year's goals over, copy it instead.
    pub fn start_plan_year(&mut self, year: i32, vision: &str) -> Result<()> {
        if !(1990..=2100).contains(&year) {
            return Err(AppError::validation(format!("Året {year} är inte rimligt. Ange ett år mellan 1990 och 2100.")).on_field("year"));
        }
        let vision = vision.to_string();
        self.journaled(&format!("Skapa planåret {year}"), |w| {
            w.create_plan_year(year, None, &vision, 3).map_err(|e| e.on_field("year"))?;
            for name in ["Invånare", "Ekonomi", "Medarbetare", "Hållbar utveckling"] {
                w.add_perspective(year, name, "")?;
            }
            w.create_default_periods(year)?;
            Ok(())
        })
    }

    /// Save the goal form: create or edit the goal and set its parent links, as one step.
    pub fn save_goal(&mut self, form: &GoalForm) -> Result<i64> {
        let title = super::goals::goal_text(&form.code, &form.title, &form.description)?;
        let perspective_year: Option<i32> =
            self.tx.query_row("SELECT plan_year FROM perspective WHERE id = ?1", [form.perspective_id], |r| r.get(0)).optional()?;
        if perspective_year != Some(form.plan_year) {
            return Err(AppError::validation(format!("Välj ett av planårets {} perspektiv.", form.plan_year)).on_field("perspective_id"));
        }
        let kind: UnitKind = self
            .tx
            .query_row("SELECT kind FROM org_unit WHERE id = ?1", [form.owner_unit_id], |r| r.get(0))
            .optional()?
            .ok_or_else(|| AppError::not_found("Enheten som ska äga målet finns inte."))?;
        let level = match form.id {
            Some(id) => self
                .tx
                .query_row("SELECT level FROM goal WHERE id = ?1", [id], |r| r.get::<_, GoalLevel>(0))
                .optional()?
                .ok_or_else(|| AppError::not_found(format!("Målet (id {id}) finns inte. Det kan ha tagits bort.")))?,
            None => goal_level_of(kind),
        };
        let parents = dedup(&form.parent_ids);
        if level == GoalLevel::Kf && !parents.is_empty() {
            return Err(AppError::validation("KF-mål ligger högst upp i röda tråden och kopplas inte uppåt.").on_field("parent_ids"));
        }
        let label = if form.id.is_some() { format!("Ändra målet {title}") } else { format!("Lägg till målet {title}") };
        self.journaled(&label, |w| {
            let id = match form.id {
                Some(id) => {
                    w.tx.execute(
                        "UPDATE goal SET code = ?2, title = ?3, description = ?4, perspective_id = ?5 WHERE id = ?1",
                        params![id, form.code.trim(), title, form.description.trim(), form.perspective_id],
                    )?;
                    w.audit("update", "goal", id, None, Some(serde_json::json!({"code": form.code.trim(), "title": title})))?;
                    id
                }
                None => w.create_goal(NewGoal {
                    plan_year: form.plan_year,
                    level,
                    perspective_id: form.perspective_id,
                    owner_unit_id: form.owner_unit_id,
                    code: form.code.clone(),
                    title: title.clone(),
                    description: form.description.clone(),
                })?,
            };
            w.tx.execute(
                &format!("DELETE FROM goal_link WHERE child_goal_id = ?1 AND parent_goal_id NOT IN ({})", id_list(&parents)),
                [id],
            )?;
            for parent in &parents {
                w.link_goal(id, *parent).map_err(|e| e.on_field("parent_ids"))?;
            }
            Ok(id)
        })
    }

    /// Save the indicator form: the indicator, its targets and the goals it measures in
    /// the form's plan year, as one step.
    pub fn save_indicator(&mut self, form: &IndicatorForm) -> Result<i64> {
        let name = non_empty("Nyckeltalets namn", &form.name).map_err(|e| e.on_field("name"))?;
        check_decimals(form.decimals).map_err(|e| e.on_field("decimals"))?;
        check_tolerance(form.tolerance).map_err(|e| e.on_field("tolerance"))?;
        let kpi = kolada_kpi_id(form.kolada_kpi_id.as_deref()).map_err(|e| e.on_field("kolada_kpi_id"))?;
        let mut years = BTreeSet::new();
        for t in &form.targets {
            if !(1990..=2100).contains(&t.year) || !years.insert(t.year) {
                return Err(
                    AppError::validation(format!("Året {} för målvärdet är fel eller finns två gånger.", t.year)).on_field("targets")
                );
            }
            if !t.target.is_finite() || t.yellow_limit.is_some_and(|l| !l.is_finite()) {
                return Err(AppError::validation(format!("Målvärdet för {} måste vara ett tal.", t.year)).on_field("targets"));
            }
            if let Some(limit) = t.yellow_limit {
                if !yellow_on_worse_side(form.direction, t.target, limit) {
                    let side = if form.direction == Direction::Higher { "under" } else { "över" };
                    return Err(AppError::validation(format!(
                        "Gränsen för gult {} ska ligga {side} målvärdet när {} är bättre.",
                        t.year,
                        if form.direction == Direction::Higher { "högre" } else { "lägre" }
                    ))
                    .on_field("targets"));
                }
            }
        }
        let goals = dedup(&form.goal_ids);
        for g in &goals {
            let year: Option<i32> = self.tx.query_row("SELECT plan_year FROM goal WHERE id = ?1", [g], |r| r.get(0)).optional()?;
            if year != Some(form.plan_year) {
                return Err(AppError::validation(format!("Målen som nyckeltalet mäter ska höra till planåret {}.", form.plan_year))
                    .on_field("goal_ids"));
            }
        }
        let existing = match form.id {
            Some(id) => Some(
                self.tx
                    .query_row("SELECT owner_unit_id FROM indicator WHERE id = ?1", [id], |r| r.get::<_, i64>(0))
                    .optional()?
                    .ok_or_else(|| AppError::not_found(format!("Nyckeltalet (id {id}) finns inte.")))?,
            ),
            None => None,
        };
        let year = form.plan_year;
        let label = if existing.is_some() { format!("Ändra nyckeltalet {name}") } else { format!("Lägg till nyckeltalet {name}") };
        self.journaled(&label, |w| {
            let id = match form.id {
                Some(id) => {
                    w.tx.execute(
                        "UPDATE indicator SET name=?2, description=?3, unit=?4, direction=?5, decimals=?6, kolada_kpi_id=?7, tolerance_kind=?8, tolerance=?9 WHERE id=?1",
                        params![id, name, form.description.trim(), form.unit.trim(), form.direction, form.decimals, kpi, form.tolerance_kind, form.tolerance],
                    )?;
                    w.audit("update", "indicator", id, None, Some(serde_json::json!({"name": name, "unit": form.unit.trim(), "kolada_kpi_id": kpi})))?;
                    id
                }
                None => w.create_indicator(NewIndicator {
                    name: name.clone(),
                    description: form.description.clone(),
                    unit: form.unit.clone(),
                    direction: form.direction,
                    decimals: form.decimals,
                    kolada_kpi_id: kpi.clone(),
                    owner_unit_id: form.owner_unit_id,
                    frequency: crate::model::Frequency::Tertial,
                    gender_split: false,
                    tolerance_kind: form.tolerance_kind,
                    tolerance: form.tolerance,
                })?,
            };
            let kept: Vec<i64> = form.targets.iter().map(|t| i64::from(t.year)).collect();
            w.tx.execute(&format!("DELETE FROM indicator_target WHERE indicator_id = ?1 AND year NOT IN ({})", id_list(&kept)), [id])?;
            for t in &form.targets {
                w.set_target(id, t.year, t.target, t.yellow_limit).map_err(|e| e.on_field("targets"))?;
            }
            w.tx.execute(
                &format!(
                    "DELETE FROM goal_indicator WHERE indicator_id = ?1 AND goal_id IN (SELECT id FROM goal WHERE plan_year = ?2) AND goal_id NOT IN ({})",
                    id_list(&goals)
                ),
                params![id, year],
            )?;
            for g in &goals {
                w.tx.execute("INSERT OR IGNORE INTO goal_indicator(goal_id, indicator_id) VALUES (?1, ?2)", params![g, id])?;
            }
            Ok(id)
        })
    }

    /// Save the activity form: the activity and its goals, as one step.
    pub fn save_activity(&mut self, form: &ActivityForm) -> Result<i64> {
        let title = non_empty("Aktivitetens rubrik", &form.title).map_err(|e| e.on_field("title"))?;
        if form.description.chars().count() > 5_000 {
            return Err(AppError::validation("Beskrivningen är för lång (högst 5 000 tecken). Korta texten.").on_field("description"));
        }
        if form.responsible.trim().chars().count() > 200 {
            return Err(AppError::validation("Ansvarig är för långt (högst 200 tecken).").on_field("responsible"));
        }
        let start = optional_date("Startdatum", form.start_date.as_deref()).map_err(|e| e.on_field("start_date"))?;
        let end = optional_date("Slutdatum", form.end_date.as_deref()).map_err(|e| e.on_field("end_date"))?;
        if let (Some(s), Some(e)) = (&start, &end) {
            if e < s {
                return Err(
                    AppError::validation(format!("Slutdatum {e} ligger före startdatum {s}. Ändra något av dem.")).on_field("end_date")
                );
            }
        }
        let goals = dedup(&form.goal_ids);
        for g in &goals {
            let year: Option<i32> = self.tx.query_row("SELECT plan_year FROM goal WHERE id = ?1", [g], |r| r.get(0)).optional()?;
            if year != Some(form.plan_year) {
                return Err(
                    AppError::validation(format!("Aktivitetens mål ska höra till planåret {}.", form.plan_year)).on_field("goal_ids")
                );
            }
        }
        if let Some(id) = form.id {
            if !crate::store::exists(self.tx, "SELECT 1 FROM activity WHERE id = ?1", id)? {
                return Err(AppError::not_found(format!("Aktiviteten (id {id}) finns inte.")));
            }
        }
        let label = if form.id.is_some() { format!("Ändra aktiviteten {title}") } else { format!("Lägg till aktiviteten {title}") };
        self.journaled(&label, |w| {
            let id = match form.id {
                Some(id) => {
                    w.tx.execute(
                        "UPDATE activity SET title=?2, description=?3, responsible=?4, start_date=?5, end_date=?6, status=?7 WHERE id=?1",
                        params![id, title, form.description.trim(), form.responsible.trim(), start, end, form.status],
                    )?;
                    w.audit("update", "activity", id, None, Some(serde_json::json!({"title": title, "status": form.status})))?;
                    w.tx.execute(
                        &format!("DELETE FROM activity_goal WHERE activity_id = ?1 AND goal_id NOT IN ({})", id_list(&goals)),
                        [id],
                    )?;
                    for g in &goals {
                        w.tx.execute("INSERT OR IGNORE INTO activity_goal(activity_id, goal_id) VALUES (?1, ?2)", params![id, g])?;
                    }
                    id
                }
                None => w.create_activity(
                    NewActivity {
                        plan_year: form.plan_year,
                        owner_unit_id: form.owner_unit_id,
                        title: title.clone(),
                        description: form.description.trim().to_string(),
                        responsible: form.responsible.trim().to_string(),
                        start_date: start.clone(),
                        end_date: end.clone(),
                        status: form.status,
                    },
                    &goals,
                )?,
            };
            Ok(id)
        })
    }

    /// Delete an activity with its goal links and follow-up (undoable; see
    /// [`activity_delete_preview`]).
    pub fn delete_activity(&mut self, id: i64) -> Result<()> {
        let title: String = self
            .tx
            .query_row("SELECT title FROM activity WHERE id = ?1", [id], |r| r.get(0))
            .optional()?
            .ok_or_else(|| AppError::not_found(format!("Aktiviteten (id {id}) finns inte.")))?;
        self.journaled(&format!("Ta bort aktiviteten {title}"), |w| {
            w.tx.execute("DELETE FROM activity WHERE id = ?1", [id])?;
            w.audit("delete", "activity", id, Some(serde_json::json!({"title": title})), None)?;
            Ok(())
        })
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
    {
        let mut stmt = store.conn().prepare("SELECT id, title FROM kolada_kpi")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let (id, title): (String, String) = (r.get(0)?, r.get(1)?);
            if matches(&id, &title) {
                found.insert(id, title);
            }
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
