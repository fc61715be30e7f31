//! Search across units, goals (code and title), indicators and activities.
//!
//! Case-insensitive with Unicode lower-casing, so Å/å, Ä/ä and Ö/ö match each other, while
//! a, ä and å stay different letters (as they are in Swedish). Ranked: whole-text match,
//! then text starting with the query, then a word starting with it, then anywhere inside;
//! within a rank units come first, then goals (newest plan year first), indicators, activities.

use serde::Serialize;
use ts_rs::TS;

use crate::error::Result;
use crate::store::{activities, goals, indicators, units, Store};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum SearchKind {
    Unit,
    Goal,
    Indicator,
    Activity,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct SearchHit {
    pub kind: SearchKind,
    pub id: i64,
    /// What is shown: the name, or "code title" of a goal.
    pub text: String,
    /// Plan year of goals and activities.
    pub plan_year: Option<i32>,
    /// The unit whose scorecard shows it: the unit itself, or the owner.
    pub unit_id: i64,
    /// 0 = whole text, 1 = starts with, 2 = a word starts with, 3 = inside.
    pub rank: u8,
}

fn rank(text: &str, query: &str) -> Option<u8> {
    let t = text.to_lowercase();
    if t == query {
        Some(0)
    } else if t.starts_with(query) {
        Some(1)
    } else if t.split(|c: char| !c.is_alphanumeric()).any(|w| w.starts_with(query)) {
        Some(2)
    } else if t.contains(query) {
        Some(3)
    } else {
        None
    }
}

/// Up to `limit` hits for `query`, best first.
pub fn search(store: &Store, query: &str, limit: usize) -> Result<Vec<SearchHit>> {
    let query = query.trim().to_lowercase();
    if query.is_empty() {
        return Ok(Vec::new());
    }
    let db = store.read();
    // (kind, id, code, title, plan year, unit whose scorecard shows it)
    let mut rows: Vec<(SearchKind, i64, String, String, Option<i32>, i64)> = Vec::new();
    rows.extend(units::all(db)?.into_iter().map(|u| (SearchKind::Unit, u.id, String::new(), u.name, None, u.id)));
    rows.extend(goals::all(db)?.into_iter().map(|g| (SearchKind::Goal, g.id, g.code, g.title, Some(g.plan_year), g.owner_unit_id)));
    rows.extend(
        indicators::all(db)?
            .into_iter()
            .map(|i| (SearchKind::Indicator, i.id, i.kolada_kpi_id.unwrap_or_default(), i.name, None, i.owner_unit_id)),
    );
    rows.extend(
        activities::all(db)?.into_iter().map(|a| (SearchKind::Activity, a.id, String::new(), a.title, Some(a.plan_year), a.owner_unit_id)),
    );
    let mut hits = Vec::new();
    for (kind, id, code, title, plan_year, unit_id) in rows {
        let text = if kind == SearchKind::Goal && !code.is_empty() { format!("{code} {title}") } else { title.clone() };
        let best = [rank(&title, &query), rank(&code, &query), rank(&text, &query)].into_iter().flatten().min();
        if let Some(rank) = best {
            hits.push(SearchHit { kind, id, text, plan_year, unit_id, rank });
        }
    }
    hits.sort_by(|a, b| {
        a.rank
            .cmp(&b.rank)
            .then(a.kind.cmp(&b.kind))
            .then(b.plan_year.cmp(&a.plan_year))
            .then(a.text.to_lowercase().cmp(&b.text.to_lowercase()))
            .then(a.id.cmp(&b.id))
    });
    hits.truncate(limit);
    Ok(hits)
}
