//! Röda tråden: the chain from the vision through KF-mål, nämndmål and enhetsmål down to
//! indicators and activities, with the status of every goal and indicator. A goal that
//! contributes to several goals appears under each of them.

use std::collections::{HashMap, HashSet};

use serde::Serialize;
use ts_rs::TS;

use crate::error::Result;
use crate::model::{ActivityStatus, GoalLevel, Period, Status};
use crate::scorecard;
use crate::status::StatusView;
use crate::store::{self, Store};

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ThreadIndicator {
    pub id: i64,
    pub name: String,
    pub status: Option<Status>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ThreadActivity {
    pub id: i64,
    pub title: String,
    pub status: ActivityStatus,
}

/// One goal in the thread, with what measures it, what is done for it and what serves it.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ThreadNode {
    pub goal_id: i64,
    pub code: String,
    pub title: String,
    pub level: GoalLevel,
    pub unit_id: i64,
    pub unit_name: String,
    pub status: StatusView,
    pub indicators: Vec<ThreadIndicator>,
    pub activities: Vec<ThreadActivity>,
    pub children: Vec<ThreadNode>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct RedThread {
    pub year: i32,
    pub period: Period,
    pub vision: String,
    /// KF-mål and everything linked below them.
    pub roots: Vec<ThreadNode>,
    /// Nämnd- and enhetsmål that contribute to nothing ("lös tråd").
    pub loose: Vec<ThreadNode>,
}

struct GoalRow {
    code: String,
    title: String,
    level: GoalLevel,
    unit_id: i64,
    unit_name: String,
}

/// The whole thread of a plan year; with `focus`, only the chains through that goal
/// (its ancestors up to the vision and everything below it).
pub fn red_thread(store: &Store, year: i32, period_id: i64, focus: Option<i64>) -> Result<RedThread> {
    let period = store.period(period_id)?;
    let plan = store.plan_year(year)?;
    let db = store.read();
    let statuses = scorecard::goal_statuses(store, year, &period)?;
    let units = store::units::all(db)?;
    let unit_ids: Vec<i64> = units.iter().map(|u| u.id).collect();
    let unit_names: HashMap<i64, String> = units.into_iter().map(|u| (u.id, u.name)).collect();
    let goals: HashMap<i64, GoalRow> = store::goals::owned_by(db, year, &unit_ids)?
        .into_iter()
        .map(|g| {
            let unit_name = unit_names.get(&g.owner_unit_id).cloned().unwrap_or_default();
            (g.id, GoalRow { code: g.code, title: g.title, level: g.level, unit_id: g.owner_unit_id, unit_name })
        })
        .collect();
    let goal_ids: Vec<i64> = goals.keys().copied().collect();
    let mut children: HashMap<i64, Vec<i64>> = HashMap::new();
    let mut parents: HashMap<i64, Vec<i64>> = HashMap::new();
    for (p, c, _) in &store::goals::children(db, &goal_ids)? {
        if goals.contains_key(c) && goals.contains_key(p) {
            children.entry(*p).or_default().push(*c);
            parents.entry(*c).or_default().push(*p);
        }
    }
    let order = |ids: &mut Vec<i64>| ids.sort_by(|a, b| goals[a].code.cmp(&goals[b].code).then(a.cmp(b)));
    for v in children.values_mut() {
        order(v);
    }

    // With a focus, keep the focus, its ancestors and its descendants.
    let keep: Option<HashSet<i64>> = focus.map(|f| {
        let mut keep = HashSet::from([f]);
        let mut up = vec![f];
        while let Some(g) = up.pop() {
            for p in parents.get(&g).into_iter().flatten() {
                if keep.insert(*p) {
                    up.push(*p);
                }
            }
        }
        let mut down = vec![f];
        let mut below = HashSet::new();
        while let Some(g) = down.pop() {
            for c in children.get(&g).into_iter().flatten() {
                if below.insert(*c) {
                    down.push(*c);
                }
            }
        }
        keep.extend(below);
        keep
    });

    // Every shown goal's indicators and activities, and the indicators' statuses, read together.
    let shown: Vec<i64> = goal_ids.iter().copied().filter(|id| keep.as_ref().is_none_or(|k| k.contains(id))).collect();
    let mut indicators_of: HashMap<i64, Vec<(i64, String)>> = HashMap::new();
    for (goal, i) in store::indicators::of_goals(db, &shown)? {
        indicators_of.entry(goal).or_default().push((i.id, i.name));
    }
    let mut activities_of: HashMap<i64, Vec<ThreadActivity>> = HashMap::new();
    for (goal, a) in store::activities::serving(db, &shown, period.id)? {
        activities_of.entry(goal).or_default().push(ThreadActivity { id: a.id, title: a.title, status: a.status });
    }
    let mut ids: Vec<i64> = indicators_of.values().flatten().map(|(id, _)| *id).collect();
    ids.sort_unstable();
    ids.dedup();
    let indicator_status: HashMap<i64, Option<Status>> =
        scorecard::indicator_cards(store, &ids, &period)?.into_iter().map(|c| (c.id, c.status.status)).collect();
    let mut node = |id: i64| -> Result<ThreadNode> {
        let g = &goals[&id];
        let indicators = indicators_of
            .get(&id)
            .into_iter()
            .flatten()
            .map(|(iid, name)| ThreadIndicator { id: *iid, name: name.clone(), status: indicator_status.get(iid).copied().flatten() })
            .collect();
        let activities = activities_of.get(&id).cloned().unwrap_or_default();
        Ok(ThreadNode {
            goal_id: id,
            code: g.code.clone(),
            title: g.title.clone(),
            level: g.level,
            unit_id: g.unit_id,
            unit_name: g.unit_name.clone(),
            status: statuses.get(&id).cloned().unwrap_or_else(|| crate::status::roll_up([])),
            indicators,
            activities,
            children: Vec::new(),
        })
    };
    fn build(
        id: i64,
        depth: u32,
        children: &HashMap<i64, Vec<i64>>,
        keep: &Option<HashSet<i64>>,
        node: &mut dyn FnMut(i64) -> Result<ThreadNode>,
    ) -> Result<ThreadNode> {
        let mut n = node(id)?;
        if depth < 6 {
            for c in children.get(&id).into_iter().flatten() {
                if keep.as_ref().is_none_or(|k| k.contains(c)) {
                    n.children.push(build(*c, depth + 1, children, keep, node)?);
                }
            }
        }
        Ok(n)
    }
    let mut roots: Vec<i64> = goals.iter().filter(|(_, g)| g.level == GoalLevel::Kf).map(|(id, _)| *id).collect();
    let mut loose: Vec<i64> =
        goals.iter().filter(|(id, g)| g.level != GoalLevel::Kf && !parents.contains_key(id)).map(|(id, _)| *id).collect();
    order(&mut roots);
    order(&mut loose);
    let wanted = |id: &i64| keep.as_ref().is_none_or(|k| k.contains(id));
    let roots = roots.into_iter().filter(wanted).map(|id| build(id, 0, &children, &keep, &mut node)).collect::<Result<Vec<_>>>()?;
    let loose = loose.into_iter().filter(wanted).map(|id| build(id, 0, &children, &keep, &mut node)).collect::<Result<Vec<_>>>()?;
    Ok(RedThread { year, period, vision: plan.vision, roots, loose })
}
