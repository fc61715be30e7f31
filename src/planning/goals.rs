//! Goals and indicators outside the forms: delete a goal (with its preview), deactivate an
//! indicator, and the "lös tråd" list. Creating and editing go through the form saves in
//! `forms.rs`, the one planning write API.

use serde::Serialize;
use ts_rs::TS;

use crate::error::{AppError, Result};
use crate::model::GoalLevel;
use crate::msg;
use crate::store::{activities, assessments, goals, indicators, non_empty};
use crate::store::{Store, Writer};

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
    let title = non_empty(("Målets rubrik", "The goal's title"), title).map_err(|e| e.on_field("title"))?;
    if code.trim().chars().count() > 20 {
        return Err(AppError::validation(msg!(
            "Målets kod är för lång (högst 20 tecken).",
            "The goal's code is too long (at most 20 characters)."
        ))
        .on_field("code"));
    }
    if description.chars().count() > 20_000 {
        return Err(AppError::validation(msg!(
            "Beskrivningen är för lång (högst 20 000 tecken).",
            "The description is too long (at most 20,000 characters)."
        ))
        .on_field("description"));
    }
    Ok(title)
}

/// What [`Writer::delete_goal`] would remove with the goal.
pub fn delete_goal_preview(store: &Store, goal_id: i64) -> Result<DeleteGoalPreview> {
    let db = store.read();
    let goal = goals::get(db, goal_id)?.name();
    let (parents, children) = goals::linked_names(db, goal_id)?;
    Ok(DeleteGoalPreview {
        goal,
        parents,
        children,
        indicator_links: indicators::count_of_goal(db, goal_id)?,
        assessments: assessments::count_of_goal(db, goal_id)?,
        activity_links: activities::count_of_goal(db, goal_id)?,
    })
}

/// Nämnd and unit goals of a plan year that are linked to nothing above ("lös tråd").
pub fn loose_goals(store: &Store, year: i32) -> Result<Vec<LooseGoal>> {
    Ok(goals::loose(store.read(), year)?
        .into_iter()
        .map(|(g, owner_name)| LooseGoal {
            id: g.id,
            level: g.level,
            code: g.code,
            title: g.title,
            owner_unit_id: g.owner_unit_id,
            owner_name,
        })
        .collect())
}

impl Writer<'_> {
    /// Delete a goal with its links, indicator links, activity links and assessments
    /// (see [`delete_goal_preview`]). Undo brings all of them back.
    pub fn delete_goal(&mut self, id: i64) -> Result<()> {
        let goal = goals::get(self.read(), id)?.name();
        self.journaled(&format!("Ta bort målet {goal}"), |w| goals::delete(w, id))
    }

    /// Deactivate or reactivate an indicator; its values and targets stay.
    pub fn set_indicator_active(&mut self, id: i64, active: bool) -> Result<()> {
        let name = indicators::get(self.read(), id)?.name;
        let label = if active { format!("Aktivera nyckeltalet {name}") } else { format!("Inaktivera nyckeltalet {name}") };
        self.journaled(&label, |w| indicators::set_active(w, id, active))
    }
}
