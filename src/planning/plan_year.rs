//! Plan years: copy a year forward, vision, perspectives and the assessment scale.
//!
//! Copying takes the structure of a year — vision, scale (labels and colours), perspectives,
//! goals (with `copied_from_id`), the red thread, goal↔indicator links and targets — but no
//! values, assessments or follow-up. Activities that are still open (not done, not
//! cancelled) are copied with status reset to `ej_paborjad` and dates moved to the new
//! year: unfinished work usually continues, while done and cancelled work does not belong in
//! next year's plan.

use rusqlite::{params, OptionalExtension};
use serde::Serialize;
use ts_rs::TS;

use crate::error::{AppError, Result};
use crate::model::{ActivityStatus, GoalLevel};
use crate::store::non_empty;
use crate::store::{default_scale, Store, Writer};

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
    /// Why the copy would be refused, if it would.
    pub refused: Option<String>,
}

fn goal_name(code: &str, title: &str) -> String {
    if code.is_empty() {
        title.to_string()
    } else {
        format!("{code} {title}")
    }
}

/// id, level, perspective, owner, code, title, description, sort order, active.
type GoalRow = (i64, GoalLevel, i64, i64, String, String, String, i64, bool);
/// id, owner, title, description, responsible, start, end.
type ActivityRow = (i64, i64, String, String, String, Option<String>, Option<String>);

const OPEN_ACTIVITY: &str = "active = 1 AND status NOT IN ('genomford','avford')";

fn refusal(conn: &rusqlite::Connection, from: i32, to: i32) -> Result<Option<String>> {
    if from == to {
        return Ok(Some("Välj ett annat år att kopiera till än det som kopieras.".into()));
    }
    if !(1990..=2100).contains(&to) {
        return Ok(Some(format!("Året {to} är inte rimligt. Ange ett år mellan 1990 och 2100.")));
    }
    let goals: i64 = conn.query_row("SELECT COUNT(*) FROM goal WHERE plan_year=?1", [to], |r| r.get(0))?;
    if goals > 0 {
        return Ok(Some(format!(
            "Planåret {to} har redan {goals} mål och kopieras inte över. Ta bort målen i {to} först, eller välj ett annat år."
        )));
    }
    Ok(None)
}

/// What [`Writer::copy_plan_year`] would do, without changing anything.
pub fn copy_preview(store: &Store, from: i32, to: i32) -> Result<CopyPreview> {
    let year = store.plan_year(from)?;
    let conn = store.conn();
    let strings = |sql: &str| -> Result<Vec<String>> {
        let mut stmt = conn.prepare(sql)?;
        let rows = stmt.query_map([from], |r| r.get::<_, String>(0))?.collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    };
    let goals = |level: GoalLevel| -> Result<Vec<String>> {
        let mut stmt = conn.prepare("SELECT code, title FROM goal WHERE plan_year=?1 AND level=?2 ORDER BY code, title")?;
        let rows = stmt
            .query_map(params![from, level], |r| Ok(goal_name(&r.get::<_, String>(0)?, &r.get::<_, String>(1)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    };
    let links: i64 =
        conn.query_row("SELECT COUNT(*) FROM goal_link l JOIN goal g ON g.id = l.child_goal_id WHERE g.plan_year=?1", [from], |r| {
            r.get(0)
        })?;
    let targets: i64 = conn.query_row(
        "SELECT COUNT(*) FROM indicator_target t WHERE t.year=?1 AND t.indicator_id IN
           (SELECT gi.indicator_id FROM goal_indicator gi JOIN goal g ON g.id = gi.goal_id WHERE g.plan_year=?1)
         AND NOT EXISTS (SELECT 1 FROM indicator_target n WHERE n.indicator_id = t.indicator_id AND n.year=?2)",
        params![from, to],
        |r| r.get(0),
    )?;
    Ok(CopyPreview {
        from,
        to,
        vision: year.vision,
        scale_steps: year.scale_steps,
        perspectives: strings("SELECT name FROM perspective WHERE plan_year=?1 ORDER BY sort_order, name")?,
        kf_goals: goals(GoalLevel::Kf)?,
        namnd_goals: goals(GoalLevel::Namnd)?,
        enhet_goals: goals(GoalLevel::Enhet)?,
        links,
        indicators: strings(
            "SELECT DISTINCT i.name FROM indicator i JOIN goal_indicator gi ON gi.indicator_id = i.id
             JOIN goal g ON g.id = gi.goal_id WHERE g.plan_year=?1 ORDER BY i.name",
        )?,
        targets,
        activities: strings(&format!("SELECT title FROM activity WHERE plan_year=?1 AND {OPEN_ACTIVITY} ORDER BY title"))?,
        refused: refusal(conn, from, to)?,
    })
}

/// The same day in another year (29 February becomes 28 February).
fn shift_date(date: Option<String>, years: i32) -> Option<String> {
    use chrono::Datelike;
    let d = chrono::NaiveDate::parse_from_str(date.as_deref()?, "%Y-%m-%d").ok()?;
    let y = d.year() + years;
    let moved = d.with_year(y).or_else(|| chrono::NaiveDate::from_ymd_opt(y, d.month(), 28))?;
    Some(moved.format("%Y-%m-%d").to_string())
}

impl Writer<'_> {
    fn scale_of(&self, year: i32) -> Result<(i64, i32)> {
        self.tx
            .query_row("SELECT s.id, s.steps FROM plan_year y JOIN assessment_scale s ON s.id = y.scale_id WHERE y.year=?1", [year], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?
            .ok_or_else(|| AppError::not_found(format!("Planåret {year} finns inte. Skapa planåret först.")))
    }

    /// Copy plan year `from` into `to` (created if missing, with default periods). Refused
    /// when `to` already has goals. Returns the number of goals copied.
    pub fn copy_plan_year(&mut self, from: i32, to: i32) -> Result<usize> {
        let (from_scale, steps) = self.scale_of(from)?;
        if let Some(why) = refusal(self.tx, from, to)? {
            return Err(AppError::conflict(why));
        }
        self.journaled(&format!("Kopiera planår {from} till {to}"), |w| {
            let tx = w.tx;
            let (vision, mandate): (String, Option<i64>) =
                tx.query_row("SELECT vision, mandate_period_id FROM plan_year WHERE year=?1", [from], |r| Ok((r.get(0)?, r.get(1)?)))?;
            let existed = tx.query_row("SELECT 1 FROM plan_year WHERE year=?1", [to], |_| Ok(())).optional()?.is_some();
            if !existed {
                w.create_plan_year(to, mandate, &vision, steps)?;
                w.create_default_periods(to)?;
            } else {
                tx.execute("UPDATE plan_year SET vision=?2 WHERE year=?1", params![to, vision])?;
                if tx.query_row("SELECT 1 FROM follow_up_period WHERE plan_year=?1", [to], |_| Ok(())).optional()?.is_none() {
                    w.create_default_periods(to)?;
                }
            }
            // The scale: same number of steps, labels and colours.
            let (to_scale, _) = w.scale_of(to)?;
            tx.execute("UPDATE assessment_scale SET steps=?2 WHERE id=?1", params![to_scale, steps])?;
            tx.execute("DELETE FROM assessment_step WHERE scale_id=?1", [to_scale])?;
            tx.execute(
                "INSERT INTO assessment_step(scale_id, step, label, colour, status)
                 SELECT ?2, step, label, colour, status FROM assessment_step WHERE scale_id=?1",
                params![from_scale, to_scale],
            )?;
            // Perspectives, by name.
            let mut perspective_map = std::collections::HashMap::new();
            let from_perspectives: Vec<(i64, String, String, i64)> = tx
                .prepare("SELECT id, name, description, sort_order FROM perspective WHERE plan_year=?1 ORDER BY sort_order")?
                .query_map([from], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
                .collect::<rusqlite::Result<_>>()?;
            for (id, name, description, sort) in from_perspectives {
                let existing: Option<i64> =
                    tx.query_row("SELECT id FROM perspective WHERE plan_year=?1 AND name=?2", params![to, name], |r| r.get(0)).optional()?;
                let new_id = match existing {
                    Some(e) => e,
                    None => {
                        tx.execute(
                            "INSERT INTO perspective(plan_year, name, description, sort_order) VALUES (?1,?2,?3,?4)",
                            params![to, name, description, sort],
                        )?;
                        tx.last_insert_rowid()
                    }
                };
                perspective_map.insert(id, new_id);
            }
            // Goals.
            let mut goal_map = std::collections::HashMap::new();
            let from_goals: Vec<GoalRow> = tx
                .prepare("SELECT id, level, perspective_id, owner_unit_id, code, title, description, sort_order, active FROM goal WHERE plan_year=?1 ORDER BY id")?
                .query_map([from], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?, r.get(8)?)))?
                .collect::<rusqlite::Result<_>>()?;
            for (id, level, perspective, owner, code, title, description, sort, active) in from_goals {
                let p = perspective_map.get(&perspective).copied().ok_or_else(|| AppError::new(crate::error::ErrorCode::Internal, "Ett perspektiv saknas i kopian."))?;
                tx.execute(
                    "INSERT INTO goal(plan_year, level, perspective_id, owner_unit_id, code, title, description, sort_order, active, copied_from_id)
                     VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)",
                    params![to, level, p, owner, code, title, description, sort, active, id],
                )?;
                goal_map.insert(id, tx.last_insert_rowid());
            }
            for (old, new) in &goal_map {
                tx.execute(
                    "INSERT INTO goal_link(child_goal_id, parent_goal_id)
                     SELECT ?2, n.id FROM goal_link l JOIN goal n ON n.copied_from_id = l.parent_goal_id AND n.plan_year = ?3
                     WHERE l.child_goal_id = ?1",
                    params![old, new, to],
                )?;
                tx.execute(
                    "INSERT INTO goal_indicator(goal_id, indicator_id, sort_order) SELECT ?2, indicator_id, sort_order FROM goal_indicator WHERE goal_id=?1",
                    params![old, new],
                )?;
            }
            tx.execute(
                "INSERT INTO indicator_target(indicator_id, year, target, yellow_limit)
                 SELECT t.indicator_id, ?2, t.target, t.yellow_limit FROM indicator_target t WHERE t.year=?1 AND t.indicator_id IN
                   (SELECT gi.indicator_id FROM goal_indicator gi JOIN goal g ON g.id = gi.goal_id WHERE g.plan_year=?2)
                 AND NOT EXISTS (SELECT 1 FROM indicator_target n WHERE n.indicator_id = t.indicator_id AND n.year=?2)",
                params![from, to],
            )?;
            // Open activities, status reset, dates moved to the new year.
            let activities: Vec<ActivityRow> = tx
                .prepare(&format!(
                    "SELECT id, owner_unit_id, title, description, responsible, start_date, end_date FROM activity WHERE plan_year=?1 AND {OPEN_ACTIVITY} ORDER BY id"
                ))?
                .query_map([from], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?)))?
                .collect::<rusqlite::Result<_>>()?;
            for (id, owner, title, description, responsible, start, end) in activities {
                tx.execute(
                    "INSERT INTO activity(plan_year, owner_unit_id, title, description, responsible, start_date, end_date, status)
                     VALUES (?1,?2,?3,?4,?5,?6,?7,?8)",
                    params![to, owner, title, description, responsible, shift_date(start, to - from), shift_date(end, to - from), ActivityStatus::NotStarted],
                )?;
                let new_id = tx.last_insert_rowid();
                tx.execute(
                    "INSERT INTO activity_goal(activity_id, goal_id) SELECT ?2, n.id FROM activity_goal ag
                     JOIN goal n ON n.copied_from_id = ag.goal_id AND n.plan_year = ?3 WHERE ag.activity_id = ?1",
                    params![id, new_id, to],
                )?;
            }
            Ok(goal_map.len())
        })
    }

    pub fn set_vision(&mut self, year: i32, vision: &str) -> Result<()> {
        self.scale_of(year)?;
        let vision = vision.trim().to_string();
        if vision.chars().count() > 2000 {
            return Err(AppError::validation("Visionen är för lång (högst 2 000 tecken). Korta texten."));
        }
        self.journaled(&format!("Ändra visionen {year}"), |w| {
            w.tx.execute("UPDATE plan_year SET vision=?2 WHERE year=?1", params![year, vision])?;
            Ok(())
        })
    }

    /// Add a perspective last in the year's order.
    pub fn create_perspective(&mut self, year: i32, name: &str, description: &str) -> Result<i64> {
        self.journaled(&format!("Lägg till perspektivet {}", name.trim()), |w| {
            let id = w.add_perspective(year, name, description)?;
            Ok(id)
        })
    }

    fn perspective_year(&self, id: i64) -> Result<(i32, String)> {
        self.tx
            .query_row("SELECT plan_year, name FROM perspective WHERE id=?1", [id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?
            .ok_or_else(|| AppError::not_found(format!("Perspektivet (id {id}) finns inte.")))
    }

    pub fn rename_perspective(&mut self, id: i64, name: &str, description: &str) -> Result<()> {
        let name = non_empty("Perspektivets namn", name)?;
        let (year, _) = self.perspective_year(id)?;
        let taken = self
            .tx
            .query_row("SELECT 1 FROM perspective WHERE plan_year=?1 AND name=?2 AND id<>?3", params![year, name, id], |_| Ok(()))
            .optional()?;
        if taken.is_some() {
            return Err(AppError::conflict(format!("Perspektivet '{name}' finns redan {year}. Välj ett annat namn.")));
        }
        self.journaled(&format!("Byt namn på perspektiv till {name}"), |w| {
            w.tx.execute("UPDATE perspective SET name=?2, description=?3 WHERE id=?1", params![id, name, description.trim()])?;
            Ok(())
        })
    }

    /// Put the year's perspectives in the given order; `ids` must name each of them once.
    pub fn set_perspective_order(&mut self, year: i32, ids: &[i64]) -> Result<()> {
        let mut current: Vec<i64> = self
            .tx
            .prepare("SELECT id FROM perspective WHERE plan_year=?1")?
            .query_map([year], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let mut given = ids.to_vec();
        current.sort_unstable();
        given.sort_unstable();
        if current != given {
            return Err(AppError::validation(format!(
                "Ordningen måste ta med vart och ett av planårets {} perspektiv en gång.",
                current.len()
            )));
        }
        self.journaled(&format!("Ändra ordningen på perspektiven {year}"), |w| {
            for (i, id) in ids.iter().enumerate() {
                w.tx.execute("UPDATE perspective SET sort_order=?2 WHERE id=?1", params![id, i as i64 + 1])?;
            }
            Ok(())
        })
    }

    /// Move a perspective one step up (`up = true`) or down in its year's order.
    pub fn move_perspective(&mut self, id: i64, up: bool) -> Result<()> {
        let (year, _) = self.perspective_year(id)?;
        let mut order: Vec<i64> = self
            .tx
            .prepare("SELECT id FROM perspective WHERE plan_year=?1 ORDER BY sort_order, name")?
            .query_map([year], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let i = order.iter().position(|p| *p == id).unwrap_or(0);
        let j = if up { i.checked_sub(1) } else { Some(i + 1).filter(|j| *j < order.len()) };
        let Some(j) = j else { return Ok(()) };
        order.swap(i, j);
        self.set_perspective_order(year, &order)
    }

    /// Remove a perspective; refused while goals use it, naming them.
    pub fn remove_perspective(&mut self, id: i64) -> Result<()> {
        let (year, name) = self.perspective_year(id)?;
        let users: Vec<String> = self
            .tx
            .prepare("SELECT code, title FROM goal WHERE perspective_id=?1 ORDER BY code, title")?
            .query_map([id], |r| Ok(goal_name(&r.get::<_, String>(0)?, &r.get::<_, String>(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        if !users.is_empty() {
            return Err(AppError::conflict(format!(
                "Perspektivet {name} ({year}) används av {} mål: {}. Flytta målen till ett annat perspektiv först.",
                users.len(),
                users.join(", ")
            )));
        }
        self.journaled(&format!("Ta bort perspektivet {name}"), |w| {
            w.tx.execute("DELETE FROM perspective WHERE id=?1", [id])?;
            Ok(())
        })
    }

    /// Give a plan year's scale 3, 4 or 5 steps (with the default labels and colours of that
    /// size). Shrinking is refused while assessments use a step that would disappear.
    pub fn set_scale_steps(&mut self, year: i32, steps: i32) -> Result<()> {
        let (scale, _) = self.scale_of(year)?;
        let defaults = default_scale(steps)
            .ok_or_else(|| AppError::validation(format!("En bedömningsskala kan ha 3, 4 eller 5 steg, inte {steps}.")))?;
        let used: i64 = self.tx.query_row(
            "SELECT COUNT(*) FROM assessment a JOIN goal g ON g.id = a.goal_id WHERE g.plan_year=?1 AND a.step > ?2",
            params![year, steps],
            |r| r.get(0),
        )?;
        if used > 0 {
            return Err(AppError::conflict(format!(
                "{used} bedömningar {year} använder ett steg över {steps} och skulle bli utan steg. Ändra de bedömningarna först."
            )));
        }
        self.journaled(&format!("Ändra bedömningsskalan {year} till {steps} steg"), |w| {
            w.tx.execute("DELETE FROM assessment_step WHERE scale_id=?1", [scale])?;
            w.tx.execute(
                "UPDATE assessment_scale SET steps=?2, name=?3 WHERE id=?1",
                params![scale, steps, format!("{steps}-gradig skala {year}")],
            )?;
            for (i, (label, colour, status)) in defaults.iter().enumerate() {
                w.tx.execute(
                    "INSERT INTO assessment_step(scale_id, step, label, colour, status) VALUES (?1,?2,?3,?4,?5)",
                    params![scale, i as i64 + 1, label, colour, status],
                )?;
            }
            Ok(())
        })
    }

    /// Set the label and colour (`#rrggbb`) of one step of a plan year's scale.
    pub fn set_scale_step(&mut self, year: i32, step: i32, label: &str, colour: &str) -> Result<()> {
        let (scale, steps) = self.scale_of(year)?;
        if step < 1 || step > steps {
            return Err(AppError::validation(format!("Skalan {year} har {steps} steg; steg {step} finns inte.")));
        }
        let label = non_empty("Stegets text", label)?;
        let colour = colour.trim().to_lowercase();
        let ok = colour.len() == 7 && colour.starts_with('#') && colour[1..].chars().all(|c| c.is_ascii_hexdigit());
        if !ok {
            return Err(AppError::validation(format!("'{colour}' är ingen färg. Skriv färgen som #rrggbb, t.ex. #2e7d32.")));
        }
        self.journaled(&format!("Ändra steg {step} i skalan {year}"), |w| {
            w.tx.execute(
                "UPDATE assessment_step SET label=?3, colour=?4 WHERE scale_id=?1 AND step=?2",
                params![scale, step, label, colour],
            )?;
            Ok(())
        })
    }
}
