//! Repository for `activity`, `activity_goal` and `activity_follow_up`.

// Reads for the scorecard and the red thread. Sets of ids are one JSON array.

/// The status of activities in a period: their follow-up's in that period, else their own.
/// The one statement for an activity's status in a period.
pub fn statuses_in(
    db: super::Read<'_>,
    period_id: i64,
    ids: &[i64],
) -> crate::error::Result<std::collections::HashMap<i64, crate::model::ActivityStatus>> {
    let mut stmt = db.conn().prepare_cached(
        "SELECT a.id, COALESCE((SELECT f.status FROM activity_follow_up f WHERE f.activity_id = a.id AND f.period_id = ?1), a.status)
         FROM activity a WHERE a.id IN (SELECT value FROM json_each(?2))",
    )?;
    let rows = stmt
        .query_map(rusqlite::params![period_id, super::ids::list(ids.iter().copied())], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

const ACTIVITY_COLUMNS: &str = "a.id, a.title, a.responsible, a.start_date, a.end_date, a.status, a.owner_unit_id";

fn activity_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<crate::model::Activity> {
    Ok(crate::model::Activity {
        id: r.get(0)?,
        title: r.get(1)?,
        responsible: r.get(2)?,
        start_date: r.get(3)?,
        end_date: r.get(4)?,
        status: r.get(5)?,
        owner_unit_id: r.get(6)?,
    })
}

/// Activities read with their own status, given their status in `period_id`.
fn in_period(
    db: super::Read<'_>,
    period_id: i64,
    mut rows: Vec<crate::model::Activity>,
) -> crate::error::Result<Vec<crate::model::Activity>> {
    let statuses = statuses_in(db, period_id, &rows.iter().map(|a| a.id).collect::<Vec<_>>())?;
    for a in &mut rows {
        if let Some(s) = statuses.get(&a.id) {
            a.status = *s;
        }
    }
    Ok(rows)
}

/// The active activities of a plan year owned by `owners`, with their status in a period;
/// by owner, then start date.
pub fn owned_by(db: super::Read<'_>, year: i32, owners: &[i64], period_id: i64) -> crate::error::Result<Vec<crate::model::Activity>> {
    let mut stmt = db.conn().prepare_cached(&format!(
        "SELECT {ACTIVITY_COLUMNS} FROM activity a
         WHERE a.plan_year=?1 AND a.active=1 AND a.owner_unit_id IN (SELECT value FROM json_each(?2))
         ORDER BY a.owner_unit_id, a.start_date, a.id"
    ))?;
    let rows = stmt
        .query_map(rusqlite::params![year, super::ids::list(owners.iter().copied())], activity_from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    in_period(db, period_id, rows)
}

/// The active activities serving each of `goals`, with their status in a period:
/// (goal, activity), by goal, then title.
pub fn serving(db: super::Read<'_>, goals: &[i64], period_id: i64) -> crate::error::Result<Vec<(i64, crate::model::Activity)>> {
    let mut stmt = db.conn().prepare_cached(&format!(
        "SELECT {ACTIVITY_COLUMNS}, ag.goal_id FROM activity_goal ag JOIN activity a ON a.id = ag.activity_id
         WHERE ag.goal_id IN (SELECT value FROM json_each(?1)) AND a.active=1 ORDER BY ag.goal_id, a.title"
    ))?;
    let rows: Vec<(i64, crate::model::Activity)> = stmt
        .query_map([super::ids::list(goals.iter().copied())], |r| Ok((r.get(7)?, activity_from_row(r)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let (goal_ids, activities): (Vec<i64>, Vec<_>) = rows.into_iter().unzip();
    Ok(goal_ids.into_iter().zip(in_period(db, period_id, activities)?).collect())
}

/// The codes of the goals each activity serves: activity → codes in order.
pub fn goal_codes(db: super::Read<'_>, ids: &[i64]) -> crate::error::Result<std::collections::HashMap<i64, Vec<String>>> {
    let mut stmt = db.conn().prepare_cached(
        "SELECT ag.activity_id, g.code FROM activity_goal ag JOIN goal g ON g.id = ag.goal_id
         WHERE ag.activity_id IN (SELECT value FROM json_each(?1)) ORDER BY ag.activity_id, g.code",
    )?;
    let mut codes: std::collections::HashMap<i64, Vec<String>> = std::collections::HashMap::new();
    for row in stmt.query_map([super::ids::list(ids.iter().copied())], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))? {
        let (activity, code) = row?;
        codes.entry(activity).or_default().push(code);
    }
    Ok(codes)
}
