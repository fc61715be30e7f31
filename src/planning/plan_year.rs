//! Plan years: copy a year forward, vision, perspectives and the assessment scale.
//!
//! Copying takes the structure of a year — vision, scale (labels and colours), perspectives,
//! goals (with `copied_from_id`), the red thread, goal↔indicator links and targets — but no
//! values, assessments or follow-up. Activities that are still open (not done, not
//! cancelled) are copied with status reset to `ej_paborjad` and dates moved to the new
//! year: unfinished work usually continues, while done and cancelled work does not belong in
//! next year's plan.

use serde::Serialize;
use ts_rs::TS;

use crate::error::{AppError, Msg, Result};
use crate::model::{check_year, goal_name, GoalLevel};
use crate::msg;
use crate::store::{activities, assessments, default_scale, goals, indicators, non_empty, periods, plan};
use crate::store::{Read, Store, Writer};

/// What copying a plan year forward would create.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct CopyPreview {
    pub from: i32,
    pub to: i32,
    pub vision: String,
    pub scale_steps: i32,
    pub perspectives: Vec<String>,
    /// "code title" of the goals per level.
    pub kf_goals: Vec<String>,
    pub namnd_goals: Vec<String>,
    pub enhet_goals: Vec<String>,
    pub links: i64,
    /// Names of the indicators the copied goals measure.
    pub indicators: Vec<String>,
    /// Targets that will be set for the new year (copied from the old year where missing).
    pub targets: i64,
    /// Activities that will be copied (open ones, status reset).
    pub activities: Vec<String>,
    /// Uppdrag that will be carried over (those not genomförda or avslutade).
    pub assignments: Vec<String>,
    /// Why the copy would be refused, if it would (Swedish).
    pub refused: Option<String>,
    /// The same in English.
    pub refused_en: Option<String>,
}

fn refusal(db: Read<'_>, from: i32, to: i32) -> Result<Option<Msg>> {
    if from == to {
        return Ok(Some(msg!(
            "Välj ett annat år att kopiera till än det som kopieras.",
            "Choose another year to copy to than the one being copied."
        )));
    }
    if let Err(e) = check_year(to) {
        return Ok(Some(e.msg()));
    }
    let goals = goals::of_year(db, to)?.len();
    if goals > 0 {
        return Ok(Some(msg!(
            "Planåret {to} har redan {goals} mål och kopieras inte över. Ta bort målen i {to} först, eller välj ett annat år.",
            "Plan year {to} already has {goals} goals and is not copied over. Delete the goals in {to} first, or choose another year."
        )));
    }
    Ok(None)
}

/// What [`Writer::copy_plan_year`] would do, without changing anything.
pub fn copy_preview(store: &Store, from: i32, to: i32) -> Result<CopyPreview> {
    let db = store.read();
    let year = plan::year(db, from)?;
    let perspectives: Vec<String> = plan::perspectives(db, from)?.into_iter().map(|p| p.name).collect();
    let mut goals = goals::of_year(db, from)?;
    goals.sort_by(|a, b| (&a.code, &a.title).cmp(&(&b.code, &b.title)));
    let names = |level: GoalLevel| goals.iter().filter(|g| g.level == level).map(|g| g.name()).collect::<Vec<_>>();
    let mut activities: Vec<String> = activities::open_of_year(db, from)?.into_iter().map(|a| a.title).collect();
    activities.sort();
    let assignments: Vec<String> = crate::assignments::unfinished_of_year(db, from)?.into_iter().map(|a| a.title).collect();
    let refused = refusal(db, from, to)?;
    Ok(CopyPreview {
        from,
        to,
        vision: year.vision,
        scale_steps: year.scale_steps,
        perspectives,
        kf_goals: names(GoalLevel::Kf),
        namnd_goals: names(GoalLevel::Namnd),
        enhet_goals: names(GoalLevel::Enhet),
        links: goals::links_of_year(db, from)?,
        indicators: indicators::names_measuring_year(db, from)?,
        targets: indicators::targets_to_copy(db, from, to)?,
        activities,
        assignments,
        refused_en: refused.as_ref().map(|m| m.en.clone()),
        refused: refused.map(|m| m.sv),
    })
}

/// The same day in another year (29 February becomes 28 February).
fn shift_date(d: chrono::NaiveDate, years: i32) -> Option<chrono::NaiveDate> {
    use chrono::Datelike;
    let y = d.year() + years;
    d.with_year(y).or_else(|| chrono::NaiveDate::from_ymd_opt(y, d.month(), 28))
}

impl Writer<'_> {
    /// Copy plan year `from` into `to` (created if missing, with default periods). Refused
    /// when `to` already has goals. Returns the number of goals copied.
    pub fn copy_plan_year(&mut self, from: i32, to: i32) -> Result<usize> {
        let (from_scale, steps) = plan::scale_of(self.read(), from)?;
        if let Some(why) = refusal(self.read(), from, to)? {
            return Err(AppError::conflict(why));
        }
        self.journaled(&format!("Kopiera planår {from} till {to}"), |w| {
            let vision = plan::year(w.read(), from)?.vision;
            if !plan::exists_year(w.read(), to)? {
                let mandate = plan::mandate_period_of(w.read(), from)?;
                plan::insert_year(w, to, mandate, &vision, steps)?;
                periods::insert_defaults(w, to)?;
            } else {
                plan::set_vision(w, to, &vision)?;
                if periods::of_year(w.read(), to)?.is_empty() {
                    periods::insert_defaults(w, to)?;
                }
            }
            // The scale: same number of steps, labels and colours.
            let (to_scale, _) = plan::scale_of(w.read(), to)?;
            plan::copy_scale(w, from_scale, to_scale)?;
            let perspectives = plan::copy_perspectives(w, from, to)?;
            let goal_map = goals::copy_year(w, from, to, &perspectives)?;
            indicators::copy_for_goals(w, from, to, &goal_map)?;
            // Open activities, status reset, dates moved to the new year.
            activities::copy_open(w, from, to, &goal_map, |d| shift_date(d, to - from))?;
            // Grunduppdrag and tjänstegarantier (no follow-up); the goals' Agenda 2030 tags.
            crate::store::unit_missions::copy_year(w, from, to)?;
            crate::store::global_goals::copy_for_goals(w, &goal_map)?;
            // Each nämnd's intern kontroll plan: risks and controls, no follow-up.
            crate::store::internal_control::copy_year(w, from, to)?;
            // Unfinished uppdrag continue in the new year; their age still counts from the decision.
            crate::assignments::copy_unfinished(w, from, to, &goal_map)?;
            Ok(goal_map.len())
        })
    }

    pub fn set_vision(&mut self, year: i32, vision: &str) -> Result<()> {
        plan::scale_of(self.read(), year)?;
        let vision = vision.trim().to_string();
        if vision.chars().count() > 2000 {
            return Err(AppError::validation(msg!(
                "Visionen är för lång (högst 2 000 tecken). Korta texten.",
                "The vision is too long (at most 2,000 characters). Shorten the text."
            )));
        }
        self.journaled(&format!("Ändra visionen {year}"), |w| plan::set_vision(w, year, &vision))
    }

    /// Add a perspective last in the year's order.
    pub fn create_perspective(&mut self, year: i32, name: &str, description: &str) -> Result<i64> {
        self.journaled(&format!("Lägg till perspektivet {}", name.trim()), |w| plan::insert_perspective(w, year, name, description))
    }

    pub fn rename_perspective(&mut self, id: i64, name: &str, description: &str) -> Result<()> {
        let name = non_empty(("Perspektivets namn", "The perspective's name"), name)?;
        let year = plan::perspective(self.read(), id)?.plan_year;
        if plan::perspectives(self.read(), year)?.iter().any(|p| p.name == name && p.id != id) {
            return Err(AppError::conflict(msg!(
                "Perspektivet '{name}' finns redan {year}. Välj ett annat namn.",
                "The perspective '{name}' already exists in {year}. Choose another name."
            )));
        }
        self.journaled(&format!("Byt namn på perspektiv till {name}"), |w| plan::update_perspective(w, id, &name, description.trim()))
    }

    /// Put the year's perspectives in the given order; `ids` must name each of them once.
    pub fn set_perspective_order(&mut self, year: i32, ids: &[i64]) -> Result<()> {
        let mut current: Vec<i64> = plan::perspectives(self.read(), year)?.into_iter().map(|p| p.id).collect();
        let mut given = ids.to_vec();
        current.sort_unstable();
        given.sort_unstable();
        if current != given {
            return Err(AppError::validation(msg!(
                "Ordningen måste ta med vart och ett av planårets {} perspektiv en gång.",
                "The order must include each of the plan year's {} perspectives once.",
                current.len()
            )));
        }
        self.journaled(&format!("Ändra ordningen på perspektiven {year}"), |w| plan::set_perspective_order(w, year, ids))
    }

    /// Move a perspective one step up (`up = true`) or down in its year's order.
    pub fn move_perspective(&mut self, id: i64, up: bool) -> Result<()> {
        let year = plan::perspective(self.read(), id)?.plan_year;
        let mut order: Vec<i64> = plan::perspectives(self.read(), year)?.into_iter().map(|p| p.id).collect();
        let i = order.iter().position(|p| *p == id).unwrap_or(0);
        let j = if up { i.checked_sub(1) } else { Some(i + 1).filter(|j| *j < order.len()) };
        let Some(j) = j else { return Ok(()) };
        order.swap(i, j);
        self.set_perspective_order(year, &order)
    }

    /// Remove a perspective; refused while goals use it, naming them.
    pub fn remove_perspective(&mut self, id: i64) -> Result<()> {
        let p = plan::perspective(self.read(), id)?;
        let mut users: Vec<(String, String)> = goals::of_perspective(self.read(), id)?.into_iter().map(|g| (g.code, g.title)).collect();
        users.sort();
        if !users.is_empty() {
            return Err(AppError::conflict(msg!(
                "Perspektivet {} ({}) används av {} mål: {}. Flytta målen till ett annat perspektiv först.",
                "The perspective {} ({}) is used by {} goals: {}. Move the goals to another perspective first.",
                p.name,
                p.plan_year,
                users.len(),
                users.iter().map(|(c, t)| goal_name(c, t)).collect::<Vec<_>>().join(", ")
            )));
        }
        self.journaled(&format!("Ta bort perspektivet {}", p.name), |w| plan::delete_perspective(w, id))
    }

    /// Give a plan year's scale 3, 4 or 5 steps (with the default labels and colours of that
    /// size). Shrinking is refused while assessments use a step that would disappear.
    pub fn set_scale_steps(&mut self, year: i32, steps: i32) -> Result<()> {
        plan::scale_of(self.read(), year)?;
        default_scale(steps).ok_or_else(|| {
            AppError::validation(msg!(
                "En bedömningsskala kan ha 3, 4 eller 5 steg, inte {steps}.",
                "An assessment scale can have 3, 4 or 5 steps, not {steps}."
            ))
        })?;
        let used = assessments::count_above_step(self.read(), year, steps)?;
        if used > 0 {
            return Err(AppError::conflict(msg!(
                "{used} bedömningar {year} använder ett steg över {steps} och skulle bli utan steg. Ändra de bedömningarna först.",
                "{used} assessments in {year} use a step above {steps} and would be left without a step. Change those assessments first."
            )));
        }
        self.journaled(&format!("Ändra bedömningsskalan {year} till {steps} steg"), |w| plan::set_scale_steps(w, year, steps))
    }

    /// Set the label and colour (`#rrggbb`) of one step of a plan year's scale.
    pub fn set_scale_step(&mut self, year: i32, step: i32, label: &str, colour: &str) -> Result<()> {
        let (_, steps) = plan::scale_of(self.read(), year)?;
        if step < 1 || step > steps {
            return Err(AppError::validation(msg!(
                "Skalan {year} har {steps} steg; steg {step} finns inte.",
                "The scale for {year} has {steps} steps; step {step} does not exist."
            )));
        }
        let label = non_empty(("Stegets text", "The step's text"), label)?;
        let colour = colour.trim().to_lowercase();
        let ok = colour.len() == 7 && colour.starts_with('#') && colour[1..].chars().all(|c| c.is_ascii_hexdigit());
        if !ok {
            return Err(AppError::validation(msg!(
                "'{colour}' är ingen färg. Skriv färgen som #rrggbb, t.ex. #2e7d32.",
                "'{colour}' is not a colour. Write the colour as #rrggbb, e.g. #2e7d32."
            )));
        }
        self.journaled(&format!("Ändra steg {step} i skalan {year}"), |w| plan::set_scale_step(w, year, step, &label, &colour))
    }
}
