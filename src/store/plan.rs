//! Repository for the plan year and what frames it: `plan_year`, `mandate_period`,
//! `perspective`, `assessment_scale` and `assessment_step`.

use super::sql::{params, OptionalExtension};
use serde_json::json;

use super::{default_scale, exists, non_empty, Read, Writer};
use crate::error::{AppError, ErrorCode, Result};
use crate::model::{check_year, Perspective, PlanYear, ScaleStep};
use crate::msg;

pub fn years(db: Read<'_>) -> Result<Vec<PlanYear>> {
    let mut stmt = db
        .conn()
        .prepare("SELECT y.year, y.vision, s.steps FROM plan_year y JOIN assessment_scale s ON s.id = y.scale_id ORDER BY y.year")?;
    let rows = stmt
        .query_map([], |r| Ok(PlanYear { year: r.get(0)?, vision: r.get(1)?, scale_steps: r.get(2)? }))?
        .collect::<super::sql::Result<Vec<_>>>()?;
    Ok(rows)
}

pub fn year(db: Read<'_>, year: i32) -> Result<PlanYear> {
    years(db)?.into_iter().find(|y| y.year == year).ok_or_else(|| {
        AppError::not_found(msg!(
            "Planåret {year} finns inte. Se vilka år som finns med kommandot 'periods'.",
            "Plan year {year} does not exist. See which years exist with the command 'periods'."
        ))
    })
}

/// The steps of the plan year's assessment scale, best first.
pub fn scale(db: Read<'_>, year: i32) -> Result<Vec<ScaleStep>> {
    let mut stmt = db.conn().prepare(
        "SELECT st.step, st.label, st.colour, st.status FROM plan_year y JOIN assessment_step st ON st.scale_id = y.scale_id
         WHERE y.year = ?1 ORDER BY st.step",
    )?;
    let rows = stmt
        .query_map([year], |r| {
            Ok(ScaleStep { step: r.get(0)?, label: r.get(1)?, label_en: String::new(), colour: r.get(2)?, status: r.get(3)? })
        })?
        .collect::<super::sql::Result<Vec<_>>>()?;
    // The names as stored (the plan's editor shows and changes them), with the English of a
    // known name in the outcome form the names are given in.
    Ok(rows
        .into_iter()
        .map(|s| ScaleStep { label_en: crate::wording::step_label(&s.label, crate::wording::Reading::Outcome).en, ..s })
        .collect())
}

// Planning writes and the reads they need.

/// Add a mandate period (mandatperiod).
pub fn insert_mandate_period(w: &mut Writer<'_>, name: &str, start_year: i32, end_year: i32) -> Result<i64> {
    let name = non_empty(("Namnet", "The name"), name)?;
    if end_year < start_year {
        return Err(AppError::validation(msg!(
            "Mandatperiodens slutår ligger före startåret. Rätta åren.",
            "The term of office's last year is before its first year. Correct the years."
        )));
    }
    let inserted_id = w.tx.insert_returning_id(
        "INSERT INTO mandate_period(name, start_year, end_year) VALUES (?1,?2,?3) RETURNING id",
        params![name, start_year, end_year],
    )?;
    let id = inserted_id;
    w.audit("insert", "mandate_period", id, None, Some(json!({"name": name, "start_year": start_year, "end_year": end_year})))?;
    Ok(id)
}

/// True when the plan year exists.
pub fn exists_year(db: Read<'_>, year: i32) -> Result<bool> {
    exists(db.conn(), "SELECT 1 FROM plan_year WHERE year=?1", year)
}

/// Not found unless the plan year exists.
pub fn require_year(db: Read<'_>, year: i32) -> Result<()> {
    if !exists_year(db, year)? {
        return Err(AppError::not_found(msg!(
            "Planåret {year} finns inte. Skapa planåret först.",
            "Plan year {year} does not exist. Create the plan year first."
        )));
    }
    Ok(())
}

/// Add a plan year with its own assessment scale of 3, 4 or 5 steps (default labels).
pub fn insert_year(w: &mut Writer<'_>, year: i32, mandate_period_id: Option<i64>, vision: &str, scale_steps: i32) -> Result<()> {
    check_year(year)?;
    if exists_year(w.read(), year)? {
        return Err(AppError::conflict(msg!("Planåret {year} finns redan.", "Plan year {year} already exists.")));
    }
    let steps = default_scale(scale_steps).ok_or_else(|| {
        AppError::validation(msg!(
            "En bedömningsskala kan ha 3, 4 eller 5 steg, inte {scale_steps}.",
            "An assessment scale can have 3, 4 or 5 steps, not {scale_steps}."
        ))
    })?;
    let inserted_id = w.tx.insert_returning_id(
        "INSERT INTO assessment_scale(name, steps) VALUES (?1, ?2) RETURNING id",
        params![format!("{scale_steps}-gradig skala {year}"), scale_steps],
    )?;
    let scale_id = inserted_id;
    for (i, (label, colour, status)) in steps.iter().enumerate() {
        w.tx.execute(
            "INSERT INTO assessment_step(scale_id, step, label, colour, status) VALUES (?1,?2,?3,?4,?5)",
            params![scale_id, i as i64 + 1, label, colour, status],
        )?;
    }
    w.tx.execute(
        "INSERT INTO plan_year(year, mandate_period_id, vision, scale_id) VALUES (?1,?2,?3,?4)",
        params![year, mandate_period_id, vision.trim(), scale_id],
    )?;
    w.audit("insert", "plan_year", year, None, Some(json!({"vision": vision.trim(), "scale_steps": scale_steps})))
}

/// The mandate period a plan year belongs to, if any.
pub fn mandate_period_of(db: Read<'_>, year: i32) -> Result<Option<i64>> {
    Ok(db.conn().query_row("SELECT mandate_period_id FROM plan_year WHERE year=?1", [year], |r| r.get(0)).optional()?.flatten())
}

/// Set a plan year's vision.
pub fn set_vision(w: &mut Writer<'_>, year: i32, vision: &str) -> Result<()> {
    let before = self::year(w.read(), year)?.vision;
    w.tx.execute("UPDATE plan_year SET vision=?2 WHERE year=?1", params![year, vision])?;
    w.audit("update", "plan_year", year, Some(json!({"vision": before})), Some(json!({"vision": vision})))
}

/// The id and number of steps of a plan year's scale.
pub fn scale_of(db: Read<'_>, year: i32) -> Result<(i64, i32)> {
    db.conn()
        .query_row("SELECT s.id, s.steps FROM plan_year y JOIN assessment_scale s ON s.id = y.scale_id WHERE y.year=?1", [year], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?
        .ok_or_else(|| {
            AppError::not_found(msg!(
                "Planåret {year} finns inte. Skapa planåret först.",
                "Plan year {year} does not exist. Create the plan year first."
            ))
        })
}

/// Give scale `to` the steps (labels, colours, statuses) of scale `from`.
pub fn copy_scale(w: &mut Writer<'_>, from: i64, to: i64) -> Result<()> {
    w.tx.execute("UPDATE assessment_scale SET steps=(SELECT steps FROM assessment_scale WHERE id=?1) WHERE id=?2", params![from, to])?;
    w.tx.execute("DELETE FROM assessment_step WHERE scale_id=?1", [to])?;
    w.tx.execute(
        "INSERT INTO assessment_step(scale_id, step, label, colour, status)
         SELECT ?2, step, label, colour, status FROM assessment_step WHERE scale_id=?1",
        params![from, to],
    )?;
    w.audit("update", "assessment_scale", to, None, Some(json!({"copied_from": from})))
}

/// Give a plan year's scale `steps` steps with the default labels and colours of that size.
pub fn set_scale_steps(w: &mut Writer<'_>, year: i32, steps: i32) -> Result<()> {
    let (scale, before) = scale_of(w.read(), year)?;
    let defaults = default_scale(steps).ok_or_else(|| {
        AppError::validation(msg!(
            "En bedömningsskala kan ha 3, 4 eller 5 steg, inte {steps}.",
            "An assessment scale can have 3, 4 or 5 steps, not {steps}."
        ))
    })?;
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
    w.audit("update", "assessment_scale", scale, Some(json!({"steps": before})), Some(json!({"steps": steps})))
}

/// Set the label and colour of one step of a plan year's scale.
pub fn set_scale_step(w: &mut Writer<'_>, year: i32, step: i32, label: &str, colour: &str) -> Result<()> {
    let (scale, _) = scale_of(w.read(), year)?;
    w.tx.execute("UPDATE assessment_step SET label=?3, colour=?4 WHERE scale_id=?1 AND step=?2", params![scale, step, label, colour])?;
    w.audit("update", "assessment_step", format!("{scale}/{step}"), None, Some(json!({"label": label, "colour": colour})))
}

fn perspective_from_row(r: &super::sql::Row<'_>) -> super::sql::Result<Perspective> {
    Ok(Perspective { id: r.get(0)?, plan_year: r.get(1)?, name: r.get(2)?, description: r.get(3)?, sort_order: r.get(4)? })
}

/// The perspectives of a plan year in their order.
pub fn perspectives(db: Read<'_>, year: i32) -> Result<Vec<Perspective>> {
    let mut stmt = db.conn().prepare_cached(
        "SELECT id, plan_year, name, description, sort_order FROM perspective WHERE plan_year=?1 ORDER BY sort_order, name, id",
    )?;
    let rows = stmt.query_map([year], perspective_from_row)?.collect::<super::sql::Result<Vec<_>>>()?;
    Ok(rows)
}

/// One perspective.
pub fn perspective(db: Read<'_>, id: i64) -> Result<Perspective> {
    db.conn()
        .query_row("SELECT id, plan_year, name, description, sort_order FROM perspective WHERE id=?1", [id], perspective_from_row)
        .optional()?
        .ok_or_else(|| AppError::not_found(msg!("Perspektivet (id {id}) finns inte.", "The perspective (id {id}) does not exist.")))
}

/// Add a perspective last in its year's order.
pub fn insert_perspective(w: &mut Writer<'_>, year: i32, name: &str, description: &str) -> Result<i64> {
    let name = non_empty(("Perspektivets namn", "The perspective's name"), name)?;
    require_year(w.read(), year)?;
    let sort: i64 = w.tx.query_row("SELECT COALESCE(MAX(sort_order), 0) + 1 FROM perspective WHERE plan_year=?1", [year], |r| r.get(0))?;
    let inserted_id =
        w.tx.insert_returning_id(
            "INSERT INTO perspective(plan_year, name, description, sort_order) VALUES (?1,?2,?3,?4) RETURNING id",
            params![year, name, description.trim(), sort],
        )
        .map_err(|e| match AppError::from(e) {
            err if err.code == ErrorCode::Conflict => AppError::conflict(msg!(
                "Perspektivet '{name}' finns redan {year}. Välj ett annat namn.",
                "The perspective '{name}' already exists in {year}. Choose another name."
            )),
            err => err,
        })?;
    let id = inserted_id;
    w.audit("insert", "perspective", id, None, Some(json!({"plan_year": year, "name": name})))?;
    Ok(id)
}

/// Rename a perspective and set its description.
pub fn update_perspective(w: &mut Writer<'_>, id: i64, name: &str, description: &str) -> Result<()> {
    w.tx.execute("UPDATE perspective SET name=?2, description=?3 WHERE id=?1", params![id, name, description])?;
    w.audit("update", "perspective", id, None, Some(json!({"name": name, "description": description})))
}

/// Put a year's perspectives in the given order (ids first to last).
pub fn set_perspective_order(w: &mut Writer<'_>, year: i32, ids: &[i64]) -> Result<()> {
    for (i, id) in ids.iter().enumerate() {
        w.tx.execute("UPDATE perspective SET sort_order=?2 WHERE id=?1", params![id, i as i64 + 1])?;
    }
    w.audit("update", "perspective", format!("order {year}"), None, Some(json!({"order": ids})))
}

/// Remove a perspective (the caller checks that no goal uses it).
pub fn delete_perspective(w: &mut Writer<'_>, id: i64) -> Result<()> {
    let before = perspective(w.read(), id)?;
    w.tx.execute("DELETE FROM perspective WHERE id=?1", [id])?;
    w.audit("delete", "perspective", id, Some(json!({"plan_year": before.plan_year, "name": before.name})), None)
}

/// Copy the perspectives of `from` into `to` by name (those `to` lacks are added with the
/// same description and place); old id → id in `to`. One audit row.
pub fn copy_perspectives(w: &mut Writer<'_>, from: i32, to: i32) -> Result<std::collections::HashMap<i64, i64>> {
    let mut map = std::collections::HashMap::new();
    let existing = perspectives(w.read(), to)?;
    let mut added = 0;
    for p in perspectives(w.read(), from)? {
        let id = match existing.iter().find(|e| e.name == p.name) {
            Some(e) => e.id,
            None => {
                let inserted_id = w.tx.insert_returning_id(
                    "INSERT INTO perspective(plan_year, name, description, sort_order) VALUES (?1,?2,?3,?4) RETURNING id",
                    params![to, p.name, p.description, p.sort_order],
                )?;
                added += 1;
                inserted_id
            }
        };
        map.insert(p.id, id);
    }
    w.audit("insert", "perspective", format!("{from}->{to}"), None, Some(json!({"copied": added})))?;
    Ok(map)
}
