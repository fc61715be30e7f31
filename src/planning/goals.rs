//! Goals, indicators and activities: create, edit, link, delete, and the "lös tråd" list.

use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{AppError, Result};
use crate::model::{ActivityStatus, Direction, GoalLevel, ToleranceKind};
use crate::store::{check_decimals, check_tolerance, kolada_kpi_id, non_empty, optional_date, yellow_on_worse_side};
use crate::store::{NewGoal, Store, Writer};

/// The editable fields of a goal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct GoalEdit {
    pub code: String,
    pub title: String,
    pub description: String,
    pub perspective_id: i64,
}

/// The editable fields of an indicator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct IndicatorEdit {
    pub name: String,
    pub unit: String,
    pub direction: Direction,
    pub decimals: u32,
    pub kolada_kpi_id: Option<String>,
    pub tolerance_kind: ToleranceKind,
    pub tolerance: f64,
}

/// The editable fields of an activity (its goals are set with `set_activity_goals`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ActivityEdit {
    pub title: String,
    pub description: String,
    pub responsible: String,
    pub start_date: Option<String>,
    pub end_date: Option<String>,
    pub status: ActivityStatus,
}

/// What deleting a goal takes with it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct DeleteGoalPreview {
    pub goal: String,
    /// Links to goals above and from goals below ("code title" of the other goal).
    pub parents: Vec<String>,
    pub children: Vec<String>,
    pub indicator_links: i64,
    pub assessments: i64,
    pub activity_links: i64,
}

/// A nämnd or unit goal that is linked to no goal above it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct LooseGoal {
    pub id: i64,
    pub level: GoalLevel,
    pub code: String,
    pub title: String,
    pub owner_unit_id: i64,
    pub owner_name: String,
}

/// A goal's code, title and description checked (errors name the form field); the trimmed title.
pub(crate) fn goal_text(code: &str, title: &str, description: &str) -> Result<String> {
    let title = non_empty("Målets rubrik", title).map_err(|e| e.on_field("title"))?;
    if code.trim().chars().count() > 20 {
        return Err(AppError::validation("Målets kod är för lång (högst 20 tecken).").on_field("code"));
    }
    if description.chars().count() > 20_000 {
        return Err(AppError::validation("Beskrivningen är för lång (högst 20 000 tecken).").on_field("description"));
    }
    Ok(title)
}

fn name(code: &str, title: &str) -> String {
    if code.is_empty() {
        title.to_string()
    } else {
        format!("{code} {title}")
    }
}

/// What [`Writer::delete_goal`] would remove with the goal.
pub fn delete_goal_preview(store: &Store, goal_id: i64) -> Result<DeleteGoalPreview> {
    let conn = store.conn();
    let goal: String = conn
        .query_row("SELECT code, title FROM goal WHERE id=?1", [goal_id], |r| Ok(name(&r.get::<_, String>(0)?, &r.get::<_, String>(1)?)))
        .optional()?
        .ok_or_else(|| AppError::not_found(format!("Målet (id {goal_id}) finns inte.")))?;
    let names = |sql: &str| -> Result<Vec<String>> {
        let mut stmt = conn.prepare(sql)?;
        let rows = stmt
            .query_map([goal_id], |r| Ok(name(&r.get::<_, String>(0)?, &r.get::<_, String>(1)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    };
    let count = |sql: &str| -> Result<i64> { Ok(conn.query_row(sql, [goal_id], |r| r.get(0))?) };
    Ok(DeleteGoalPreview {
        goal,
        parents: names(
            "SELECT g.code, g.title FROM goal_link l JOIN goal g ON g.id = l.parent_goal_id WHERE l.child_goal_id=?1 ORDER BY g.code",
        )?,
        children: names(
            "SELECT g.code, g.title FROM goal_link l JOIN goal g ON g.id = l.child_goal_id WHERE l.parent_goal_id=?1 ORDER BY g.code",
        )?,
        indicator_links: count("SELECT COUNT(*) FROM goal_indicator WHERE goal_id=?1")?,
        assessments: count("SELECT COUNT(*) FROM assessment WHERE goal_id=?1")?,
        activity_links: count("SELECT COUNT(*) FROM activity_goal WHERE goal_id=?1")?,
    })
}

/// Nämnd and unit goals of a plan year that are linked to nothing above ("lös tråd").
pub fn loose_goals(store: &Store, year: i32) -> Result<Vec<LooseGoal>> {
    let mut stmt = store.conn().prepare(
        "SELECT g.id, g.level, g.code, g.title, g.owner_unit_id, u.name FROM goal g JOIN org_unit u ON u.id = g.owner_unit_id
         WHERE g.plan_year=?1 AND g.level IN ('namnd','enhet') AND g.active = 1
           AND NOT EXISTS (SELECT 1 FROM goal_link l WHERE l.child_goal_id = g.id)
         ORDER BY u.name, g.code, g.title",
    )?;
    let rows = stmt
        .query_map([year], |r| {
            Ok(LooseGoal {
                id: r.get(0)?,
                level: r.get(1)?,
                code: r.get(2)?,
                title: r.get(3)?,
                owner_unit_id: r.get(4)?,
                owner_name: r.get(5)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

impl Writer<'_> {
    fn goal_row(&self, id: i64) -> Result<(i32, String)> {
        self.tx
            .query_row("SELECT plan_year, code, title FROM goal WHERE id=?1", [id], |r| {
                Ok((r.get(0)?, name(&r.get::<_, String>(1)?, &r.get::<_, String>(2)?)))
            })
            .optional()?
            .ok_or_else(|| AppError::not_found(format!("Målet (id {id}) finns inte.")))
    }

    /// Create a goal (undoable).
    pub fn add_goal(&mut self, goal: NewGoal) -> Result<i64> {
        self.journaled(&format!("Lägg till målet {}", goal.title.trim()), |w| {
            let id = w.create_goal(goal)?;
            Ok(id)
        })
    }

    pub fn edit_goal(&mut self, id: i64, edit: &GoalEdit) -> Result<()> {
        let (year, _) = self.goal_row(id)?;
        let title = goal_text(&edit.code, &edit.title, &edit.description)?;
        let p_year: Option<i32> =
            self.tx.query_row("SELECT plan_year FROM perspective WHERE id=?1", [edit.perspective_id], |r| r.get(0)).optional()?;
        match p_year {
            None => return Err(AppError::not_found("Perspektivet finns inte. Välj ett av planårets perspektiv.")),
            Some(y) if y != year => return Err(AppError::validation(format!("Perspektivet hör till planåret {y}, inte {year}."))),
            _ => {}
        }
        self.journaled(&format!("Ändra målet {title}"), |w| {
            w.tx.execute(
                "UPDATE goal SET code=?2, title=?3, description=?4, perspective_id=?5 WHERE id=?1",
                params![id, edit.code.trim(), title, edit.description.trim(), edit.perspective_id],
            )?;
            Ok(())
        })
    }

    /// Link a goal to one it contributes to (the level rule of `link_goal` applies).
    pub fn link_parent_goal(&mut self, child: i64, parent: i64) -> Result<()> {
        self.journaled("Koppla mål uppåt", |w| {
            w.link_goal(child, parent)?;
            Ok(())
        })
    }

    pub fn unlink_parent_goal(&mut self, child: i64, parent: i64) -> Result<()> {
        self.journaled("Ta bort koppling mellan mål", |w| {
            let n = w.tx.execute("DELETE FROM goal_link WHERE child_goal_id=?1 AND parent_goal_id=?2", params![child, parent])?;
            if n == 0 {
                return Err(AppError::not_found("Målen är inte kopplade till varandra."));
            }
            w.audit(
                "delete",
                "goal_link",
                format!("{child}->{parent}"),
                Some(serde_json::json!({"child": child, "parent": parent})),
                None,
            )?;
            Ok(())
        })
    }

    /// Delete a goal with its links, indicator links, activity links and assessments
    /// (see [`delete_goal_preview`]). Undo brings all of them back.
    pub fn delete_goal(&mut self, id: i64) -> Result<()> {
        let (_, goal) = self.goal_row(id)?;
        self.journaled(&format!("Ta bort målet {goal}"), |w| {
            w.tx.execute("DELETE FROM goal WHERE id=?1", [id])?;
            w.audit("delete", "goal", id, Some(serde_json::json!({"goal": goal})), None)?;
            Ok(())
        })
    }

    fn indicator_name(&self, id: i64) -> Result<(String, Direction)> {
        self.tx
            .query_row("SELECT name, direction FROM indicator WHERE id=?1", [id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?
            .ok_or_else(|| AppError::not_found(format!("Nyckeltalet (id {id}) finns inte.")))
    }

    pub fn edit_indicator(&mut self, id: i64, edit: &IndicatorEdit) -> Result<()> {
        self.indicator_name(id)?;
        let name = non_empty("Nyckeltalets namn", &edit.name)?;
        check_decimals(edit.decimals)?;
        check_tolerance(edit.tolerance)?;
        let kpi = kolada_kpi_id(edit.kolada_kpi_id.as_deref())?;
        self.journaled(&format!("Ändra nyckeltalet {name}"), |w| {
            w.tx.execute(
                "UPDATE indicator SET name=?2, unit=?3, direction=?4, decimals=?5, kolada_kpi_id=?6, tolerance_kind=?7, tolerance=?8 WHERE id=?1",
                params![id, name, edit.unit.trim(), edit.direction, edit.decimals, kpi, edit.tolerance_kind, edit.tolerance],
            )?;
            Ok(())
        })
    }

    /// Set an indicator's target for a year, with an optional explicit yellow limit that
    /// must lie on the worse side of the target (below it when higher is better, above it
    /// when lower is better; equal means no yellow band).
    pub fn set_indicator_target(&mut self, id: i64, year: i32, target: f64, yellow_limit: Option<f64>) -> Result<()> {
        let (name, direction) = self.indicator_name(id)?;
        if !target.is_finite() || yellow_limit.is_some_and(|l| !l.is_finite()) {
            return Err(AppError::validation("Målvärdet och gränsen för gult måste vara tal."));
        }
        if !(1990..=2100).contains(&year) {
            return Err(AppError::validation(format!("Året {year} är inte rimligt. Ange ett år mellan 1990 och 2100.")));
        }
        if let Some(limit) = yellow_limit {
            if !yellow_on_worse_side(direction, target, limit) {
                let side = if direction == Direction::Higher { "lägre än eller lika med" } else { "högre än eller lika med" };
                return Err(AppError::validation(format!(
                    "Gränsen för gult för {name} måste vara {side} målvärdet {target}, eftersom det är den sämre sidan."
                )));
            }
        }
        self.journaled(&format!("Ändra målvärdet {year} för {name}"), |w| {
            w.set_target(id, year, target, yellow_limit)?;
            Ok(())
        })
    }

    pub fn link_goal_indicator(&mut self, goal_id: i64, indicator_id: i64) -> Result<()> {
        self.indicator_name(indicator_id)?;
        self.journaled("Koppla nyckeltal till mål", |w| {
            w.link_indicator(goal_id, indicator_id)?;
            Ok(())
        })
    }

    pub fn unlink_goal_indicator(&mut self, goal_id: i64, indicator_id: i64) -> Result<()> {
        self.journaled("Ta bort nyckeltal från mål", |w| {
            let n = w.tx.execute("DELETE FROM goal_indicator WHERE goal_id=?1 AND indicator_id=?2", params![goal_id, indicator_id])?;
            if n == 0 {
                return Err(AppError::not_found("Nyckeltalet är inte kopplat till målet."));
            }
            w.audit("delete", "goal_indicator", format!("{goal_id}/{indicator_id}"), None, None)?;
            Ok(())
        })
    }

    /// Deactivate or reactivate an indicator; its values and targets stay.
    pub fn set_indicator_active(&mut self, id: i64, active: bool) -> Result<()> {
        let (name, _) = self.indicator_name(id)?;
        let label = if active { format!("Aktivera nyckeltalet {name}") } else { format!("Inaktivera nyckeltalet {name}") };
        self.journaled(&label, |w| {
            w.tx.execute("UPDATE indicator SET active=?2 WHERE id=?1", params![id, active])?;
            Ok(())
        })
    }

    pub fn edit_activity(&mut self, id: i64, edit: &ActivityEdit) -> Result<()> {
        if self.tx.query_row("SELECT 1 FROM activity WHERE id=?1", [id], |_| Ok(())).optional()?.is_none() {
            return Err(AppError::not_found(format!("Aktiviteten (id {id}) finns inte.")));
        }
        let title = non_empty("Aktivitetens rubrik", &edit.title)?;
        let start = optional_date("Startdatum", edit.start_date.as_deref())?;
        let end = optional_date("Slutdatum", edit.end_date.as_deref())?;
        if let (Some(s), Some(e)) = (&start, &end) {
            if e < s {
                return Err(AppError::validation("Aktivitetens slutdatum ligger före startdatumet."));
            }
        }
        self.journaled(&format!("Ändra aktiviteten {title}"), |w| {
            w.tx.execute(
                "UPDATE activity SET title=?2, description=?3, responsible=?4, start_date=?5, end_date=?6, status=?7 WHERE id=?1",
                params![id, title, edit.description.trim(), edit.responsible.trim(), start, end, edit.status],
            )?;
            Ok(())
        })
    }

    /// Link an activity to exactly these goals (of its own plan year).
    pub fn set_activity_goals(&mut self, id: i64, goal_ids: &[i64]) -> Result<()> {
        let (year, title): (i32, String) = self
            .tx
            .query_row("SELECT plan_year, title FROM activity WHERE id=?1", [id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?
            .ok_or_else(|| AppError::not_found(format!("Aktiviteten (id {id}) finns inte.")))?;
        for g in goal_ids {
            let (goal_year, goal) = self.goal_row(*g)?;
            if goal_year != year {
                return Err(AppError::validation(format!("Målet {goal} hör till {goal_year}, men aktiviteten {title} till {year}.")));
            }
        }
        self.journaled(&format!("Ändra målen för aktiviteten {title}"), |w| {
            w.tx.execute("DELETE FROM activity_goal WHERE activity_id=?1", [id])?;
            for g in goal_ids {
                w.tx.execute("INSERT OR IGNORE INTO activity_goal(activity_id, goal_id) VALUES (?1,?2)", params![id, g])?;
            }
            w.audit("update", "activity_goal", id, None, Some(serde_json::json!({"goals": goal_ids})))?;
            Ok(())
        })
    }
}
