//! A unit's scorecard for a plan year and period: perspectives, goals with their
//! statuses, indicators with value, target, colour and trend, and activities.
//! The UI, the CLI and the reports all show this same structure.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use rusqlite::{params, OptionalExtension};
use serde::Serialize;
use ts_rs::TS;

use crate::error::Result;
use crate::kolada::compare::{last_complete_year, KoladaOutcome, ScorecardKolada};
use crate::kolada::KoladaComparison;
use crate::model::{
    ActivityStatus, AssessmentState, Direction, Gender, GoalLevel, OrgUnit, Period, PeriodKind, ScaleStep, Status, ToleranceKind,
    ValueSource,
};
use crate::status::{self, StatusView, Threshold, Trend};
use crate::store::Store;

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Scorecard {
    pub unit: OrgUnit,
    pub year: i32,
    pub period: Period,
    /// All periods of the year, for the period picker.
    pub periods: Vec<Period>,
    pub vision: String,
    pub scale: Vec<ScaleStep>,
    pub perspectives: Vec<PerspectiveCard>,
    pub activities: Vec<ActivityRow>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct PerspectiveCard {
    pub id: i64,
    pub name: String,
    pub status: StatusView,
    pub goals: Vec<GoalCard>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct GoalRef {
    pub id: i64,
    pub code: String,
    pub title: String,
    pub level: GoalLevel,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct AssessmentView {
    pub step: Option<i32>,
    pub label: Option<String>,
    pub colour: Option<String>,
    pub analysis: String,
    pub state: AssessmentState,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct GoalCard {
    pub id: i64,
    pub code: String,
    pub level: GoalLevel,
    pub title: String,
    pub description: String,
    /// The status shown: the manual assessment where there is one, else `computed`.
    pub status: StatusView,
    /// What the indicators (or the goals below) say, whatever the assessment.
    pub computed: StatusView,
    pub assessment: Option<AssessmentView>,
    /// Goals this goal contributes to.
    pub parents: Vec<GoalRef>,
    /// A unit or committee goal that contributes to nothing ("lös tråd").
    pub loose_thread: bool,
    pub indicators: Vec<IndicatorCard>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct IndicatorCard {
    pub id: i64,
    pub name: String,
    pub unit: String,
    pub direction: Direction,
    pub decimals: i32,
    pub kolada_kpi_id: Option<String>,
    /// Latest value up to the end of the chosen period (gender T).
    pub value: Option<f64>,
    /// The period the value belongs to, e.g. "2025 helår".
    pub value_period: Option<String>,
    pub value_women: Option<f64>,
    pub value_men: Option<f64>,
    /// Target for the year of the value (or the plan year when there is no value).
    pub target: Option<f64>,
    pub status: StatusView,
    /// The same period a year earlier, for the trend.
    pub previous: Option<f64>,
    pub trend: Option<Trend>,
    /// Where the shown value comes from: our own (`manual`, `import`) or Kolada (`kolada`),
    /// which fills in years we have no value of our own for.
    pub value_source: Option<ValueSource>,
    /// Kolada figures beside the value (Riket, group, rank) when the indicator has a KPI id.
    pub kolada: Option<KoladaComparison>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ActivityRow {
    pub id: i64,
    pub title: String,
    pub responsible: String,
    pub start_date: Option<String>,
    pub end_date: Option<String>,
    pub status: ActivityStatus,
    /// Codes of the goals the activity serves.
    pub goal_codes: Vec<String>,
}

#[derive(Clone)]
struct IndicatorRow {
    id: i64,
    name: String,
    unit: String,
    direction: Direction,
    decimals: i32,
    kolada: Option<String>,
    owner: i64,
    tolerance_kind: ToleranceKind,
    tolerance: f64,
}

impl IndicatorRow {
    /// From the columns id, name, unit, direction, decimals, kolada_kpi_id, owner_unit_id,
    /// tolerance_kind, tolerance, in that order.
    fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
        Ok(IndicatorRow {
            id: r.get(0)?,
            name: r.get(1)?,
            unit: r.get(2)?,
            direction: r.get(3)?,
            decimals: r.get(4)?,
            kolada: r.get(5)?,
            owner: r.get(6)?,
            tolerance_kind: r.get(7)?,
            tolerance: r.get(8)?,
        })
    }
}

#[derive(Clone)]
struct GoalRow {
    id: i64,
    code: String,
    level: GoalLevel,
    title: String,
    description: String,
    perspective_id: i64,
    owner: i64,
}

impl GoalRow {
    /// From the columns id, code, level, title, description, perspective_id, owner_unit_id.
    fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
        Ok(GoalRow {
            id: r.get(0)?,
            code: r.get(1)?,
            level: r.get(2)?,
            title: r.get(3)?,
            description: r.get(4)?,
            perspective_id: r.get(5)?,
            owner: r.get(6)?,
        })
    }
}

impl ActivityRow {
    /// From the columns id, title, responsible, start_date, end_date, status; no goal codes.
    fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
        Ok(ActivityRow {
            id: r.get(0)?,
            title: r.get(1)?,
            responsible: r.get(2)?,
            start_date: r.get(3)?,
            end_date: r.get(4)?,
            status: r.get(5)?,
            goal_codes: Vec::new(),
        })
    }
}

/// Builds scorecards; caches goal statuses within one build.
struct Builder<'s> {
    store: &'s Store,
    period: Period,
    scale: Vec<ScaleStep>,
    goal_status: HashMap<i64, (StatusView, StatusView)>,
    kolada: Rc<ScorecardKolada>,
    /// Everything the year's scorecards read, loaded at once ([`build_many`]); `None`
    /// reads item by item.
    bulk: Option<&'s YearData>,
}

/// The latest total value of an indicator: (period id, value, plan year, kind, seq, source).
type Latest = (i64, f64, i32, PeriodKind, i32, ValueSource);

fn period_label(year: i32, kind: PeriodKind, seq: i32) -> String {
    match kind {
        PeriodKind::Month => format!("{year}-{seq:02}"),
        PeriodKind::Tertial => format!("{year} T{seq}"),
        PeriodKind::Delar => format!("{year} delår"),
        PeriodKind::Helar => format!("{year} helår"),
    }
}

impl<'s> Builder<'s> {
    fn indicators_of(&self, goal_id: i64) -> Result<Vec<IndicatorRow>> {
        if let Some(b) = self.bulk.filter(|b| b.covered_goals.contains(&goal_id)) {
            return Ok(b.indicators_by_goal.get(&goal_id).cloned().unwrap_or_default());
        }
        let mut stmt = self.store.conn().prepare_cached(
            "SELECT i.id, i.name, i.unit, i.direction, i.decimals, i.kolada_kpi_id, i.owner_unit_id, i.tolerance_kind, i.tolerance
             FROM goal_indicator gi JOIN indicator i ON i.id = gi.indicator_id
             WHERE gi.goal_id = ?1 AND i.active = 1 ORDER BY gi.sort_order, i.name, i.id",
        )?;
        let rows = stmt.query_map([goal_id], IndicatorRow::from_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// Latest total value of the indicator's owner whose period ended by the end of the
    /// chosen period; of periods ending the same day, the longest (helår before December).
    fn latest_value(&self, i: &IndicatorRow) -> Result<Option<Latest>> {
        if let Some(found) = self.bulk.and_then(|b| b.latest.get(&i.id)) {
            return Ok(*found);
        }
        Ok(self
            .store
            .conn()
            .prepare_cached(
                "SELECT p.id, v.value, p.plan_year, p.kind, p.seq, v.source FROM indicator_value v
                 JOIN follow_up_period p ON p.id = v.period_id
                 WHERE v.indicator_id = ?1 AND v.org_unit_id = ?2 AND v.gender = 'T' AND p.end_date <= ?3
                 ORDER BY p.end_date DESC, p.start_date ASC LIMIT 1",
            )?
            .query_row(params![i.id, i.owner, self.period.end_date], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?))
            })
            .optional()?)
    }

    /// The indicator's total value at its owner in the period `(year, kind, seq)`.
    fn value_in(&self, i: &IndicatorRow, year: i32, kind: PeriodKind, seq: i32) -> Result<Option<f64>> {
        if let Some(b) = self.bulk {
            let Some(period_id) = b.period_ids.get(&(year, kind, seq)) else {
                return Ok(None);
            };
            if let Some(values) = b.period_values.get(period_id) {
                return Ok(values.get(&(i.id, i.owner, Gender::T)).map(|v| v.0));
            }
        }
        Ok(self
            .store
            .conn()
            .prepare_cached(
                "SELECT v.value FROM indicator_value v JOIN follow_up_period p ON p.id = v.period_id
                 WHERE v.indicator_id=?1 AND v.org_unit_id=?2 AND v.gender='T' AND p.plan_year=?3 AND p.kind=?4 AND p.seq=?5",
            )?
            .query_row(params![i.id, i.owner, year, kind, seq], |r| r.get(0))
            .optional()?)
    }

    /// The indicator's value at its owner in a period for one gender.
    fn value_at(&self, i: &IndicatorRow, period_id: i64, gender: Gender) -> Result<Option<f64>> {
        if let Some(values) = self.bulk.and_then(|b| b.period_values.get(&period_id)) {
            return Ok(values.get(&(i.id, i.owner, gender)).map(|v| v.0));
        }
        self.store.value_at(i.id, i.owner, period_id, gender.as_str())
    }

    /// Target and yellow limit of the indicator for a year.
    fn target(&self, i: &IndicatorRow, year: i32) -> Result<Option<(f64, Option<f64>)>> {
        if let Some(targets) = self.bulk.and_then(|b| b.targets.get(&year)) {
            return Ok(targets.get(&i.id).copied());
        }
        Ok(self
            .store
            .conn()
            .prepare_cached("SELECT target, yellow_limit FROM indicator_target WHERE indicator_id=?1 AND year=?2")?
            .query_row(params![i.id, year], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?)
    }

    /// The Kolada outcome when it is newer than our own latest value (`own_year`); read
    /// once per KPI and year when building many scorecards.
    fn kolada_outcome(&self, kpi: &str, last_year: i32, own_year: Option<i32>) -> Result<Option<KoladaOutcome>> {
        let Some(b) = self.bulk else {
            return self.kolada.outcome(self.store, kpi, last_year, own_year);
        };
        let key = (kpi.to_string(), last_year);
        let cached = b.kolada_outcomes.borrow().get(&key).copied();
        let outcome = match cached {
            Some(o) => o,
            None => {
                let o = self.kolada.outcome(self.store, kpi, last_year, None)?;
                b.kolada_outcomes.borrow_mut().insert(key, o);
                o
            }
        };
        // As `outcome` with `own_year`: nothing when our own value is as new or newer.
        Ok(outcome.filter(|o| own_year.is_none_or(|own| own < o.year)))
    }

    fn indicator_card(&self, i: &IndicatorRow) -> Result<IndicatorCard> {
        let Some(b) = self.bulk else {
            return self.compute_indicator_card(i);
        };
        if let Some(card) = b.cards.borrow().get(&i.id) {
            return Ok(card.clone());
        }
        let card = self.compute_indicator_card(i)?;
        b.cards.borrow_mut().insert(i.id, card.clone());
        Ok(card)
    }

    /// An indicator's card depends only on the indicator and the period, never on the
    /// scorecard it is shown in.
    fn compute_indicator_card(&self, i: &IndicatorRow) -> Result<IndicatorCard> {
        let latest = self.latest_value(i)?;
        // Kolada fills in a whole year that ended by the end of the period when we have no
        // value of our own for it or a later year (see kolada::compare).
        let kolada_year = last_complete_year(&self.period.end_date)?;
        let from_kolada = match &i.kolada {
            Some(kpi) => self.kolada_outcome(kpi, kolada_year, latest.map(|l| l.2))?,
            None => None,
        };
        let (value, value_year, value_period, value_source, mut previous, women, men) = match (&from_kolada, latest) {
            (Some(k), _) => {
                let own_previous = self.value_in(i, k.year - 1, PeriodKind::Helar, 1)?;
                let label = period_label(k.year, PeriodKind::Helar, 1);
                (Some(k.value), Some(k.year), Some(label), Some(ValueSource::Kolada), own_previous.or(k.previous), k.women, k.men)
            }
            (None, Some((period_id, v, year, kind, seq, source))) => {
                let previous = self.value_in(i, year - 1, kind, seq)?;
                let women = self.value_at(i, period_id, Gender::K)?;
                let men = self.value_at(i, period_id, Gender::M)?;
                (Some(v), Some(year), Some(period_label(year, kind, seq)), Some(source), previous, women, men)
            }
            (None, None) => (None, None, None, None, None, None, None),
        };
        // A whole year of our own without the year before: Kolada's year before, if any.
        if previous.is_none() && from_kolada.is_none() && latest.is_some_and(|l| l.3 == PeriodKind::Helar) {
            if let (Some(kpi), Some(year)) = (&i.kolada, value_year) {
                previous = self.kolada.municipality_value(self.store, kpi, year - 1, Gender::T)?;
            }
        }
        let target_year = value_year.unwrap_or(self.period.plan_year);
        let target = self.target(i, target_year)?;
        let threshold =
            target.map(|(t, yl)| Threshold { target: t, yellow_limit: yl, tolerance_kind: i.tolerance_kind, tolerance: i.tolerance });
        let status = status::traffic_light(value, threshold.as_ref(), i.direction);
        // The comparison (Riket, group, rank) is shown beside the value; statuses never read it.
        let kolada = match &i.kolada {
            Some(kpi) if self.bulk.is_none_or(|b| b.detail) => self.kolada.comparison(self.store, kpi, kolada_year, i.direction)?,
            _ => None,
        };
        Ok(IndicatorCard {
            id: i.id,
            name: i.name.clone(),
            unit: i.unit.clone(),
            direction: i.direction,
            decimals: i.decimals,
            kolada_kpi_id: i.kolada.clone(),
            value,
            value_period,
            value_women: women,
            value_men: men,
            target: threshold.map(|t| t.target),
            status,
            previous,
            trend: status::trend(value, previous, i.direction, i.decimals.max(0) as u32),
            value_source,
            kolada,
        })
    }

    fn assessment(&self, goal_id: i64, unit_id: i64) -> Result<Option<AssessmentView>> {
        let row: Option<(Option<i32>, String, AssessmentState)> = match self.bulk {
            Some(b) => b.assessments.get(&(goal_id, unit_id)).cloned(),
            None => self.assessment_row(goal_id, unit_id)?,
        };
        Ok(row.map(|(step, analysis, state)| {
            let s = step.and_then(|n| self.scale.iter().find(|s| s.step == n));
            AssessmentView { step, label: s.map(|s| s.label.clone()), colour: s.map(|s| s.colour.clone()), analysis, state }
        }))
    }

    fn assessment_row(&self, goal_id: i64, unit_id: i64) -> Result<Option<(Option<i32>, String, AssessmentState)>> {
        Ok(self
            .store
            .conn()
            .prepare_cached("SELECT step, analysis, state FROM assessment WHERE goal_id=?1 AND org_unit_id=?2 AND period_id=?3")?
            .query_row(params![goal_id, unit_id, self.period.id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .optional()?)
    }

    fn manual(&self, a: Option<&AssessmentView>) -> Option<(i32, String, Status)> {
        let a = a?;
        let step = a.step?;
        let s = self.scale.iter().find(|s| s.step == step)?;
        Some((step, s.label.clone(), s.status))
    }

    /// Active goals linked below a goal: (id, owner).
    fn children_of(&self, goal_id: i64) -> Result<Vec<(i64, i64)>> {
        if let Some(b) = self.bulk.filter(|b| b.covered_goals.contains(&goal_id)) {
            return Ok(b.children.get(&goal_id).cloned().unwrap_or_default());
        }
        Ok(self
            .store
            .conn()
            .prepare_cached("SELECT g.id, g.owner_unit_id FROM goal_link l JOIN goal g ON g.id = l.child_goal_id WHERE l.parent_goal_id=?1 AND g.active=1")?
            .query_map([goal_id], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Goals a goal contributes to.
    fn parents_of(&self, goal_id: i64) -> Result<Vec<GoalRef>> {
        if let Some(b) = self.bulk.filter(|b| b.covered_goals.contains(&goal_id)) {
            return Ok(b.parents.get(&goal_id).cloned().unwrap_or_default());
        }
        Ok(self
            .store
            .conn()
            .prepare_cached(
                "SELECT g.id, g.code, g.title, g.level FROM goal_link l JOIN goal g ON g.id = l.parent_goal_id
                 WHERE l.child_goal_id=?1 ORDER BY g.level, g.sort_order, g.id",
            )?
            .query_map([goal_id], |r| Ok(GoalRef { id: r.get(0)?, code: r.get(1)?, title: r.get(2)?, level: r.get(3)? }))?
            .collect::<rusqlite::Result<Vec<_>>>()?)
    }

    fn perspectives(&self, year: i32) -> Result<Vec<(i64, String)>> {
        if let Some(b) = self.bulk {
            return Ok(b.perspectives.clone());
        }
        Ok(self
            .store
            .conn()
            .prepare_cached("SELECT id, name FROM perspective WHERE plan_year=?1 ORDER BY sort_order, id")?
            .query_map([year], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// The unit's own active goals of the year.
    fn goals_of(&self, unit_id: i64, year: i32) -> Result<Vec<GoalRow>> {
        if let Some(b) = self.bulk {
            return Ok(b.goals_by_owner.get(&unit_id).cloned().unwrap_or_default());
        }
        Ok(self
            .store
            .conn()
            .prepare_cached(
                "SELECT id, code, level, title, description, perspective_id, owner_unit_id FROM goal
                 WHERE plan_year=?1 AND owner_unit_id=?2 AND active=1 ORDER BY sort_order, id",
            )?
            .query_map(params![year, unit_id], GoalRow::from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// The unit's active activities of the year, with their status in the period.
    fn activities_of(&self, unit_id: i64, year: i32) -> Result<Vec<ActivityRow>> {
        if let Some(b) = self.bulk {
            return Ok(b.activities_by_owner.get(&unit_id).cloned().unwrap_or_default());
        }
        let store = self.store;
        let mut activities: Vec<ActivityRow> = store
            .conn()
            .prepare_cached(
                "SELECT a.id, a.title, a.responsible, a.start_date, a.end_date,
                        COALESCE((SELECT f.status FROM activity_follow_up f WHERE f.activity_id = a.id AND f.period_id = ?3), a.status)
                 FROM activity a WHERE a.plan_year=?1 AND a.owner_unit_id=?2 AND a.active=1 ORDER BY a.start_date, a.id",
            )?
            .query_map(params![year, unit_id, self.period.id], ActivityRow::from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        for a in &mut activities {
            a.goal_codes = store
                .conn()
                .prepare_cached(
                    "SELECT g.code FROM activity_goal ag JOIN goal g ON g.id = ag.goal_id WHERE ag.activity_id=?1 ORDER BY g.code",
                )?
                .query_map([a.id], |r| r.get(0))?
                .collect::<rusqlite::Result<Vec<_>>>()?;
        }
        Ok(activities)
    }

    /// (effective, computed) status of a goal, following the red thread down when the
    /// goal has no indicator with a status. `depth` guards against malformed data.
    fn goal_status(&mut self, goal_id: i64, owner: i64, cards: Option<&[IndicatorCard]>, depth: u32) -> Result<(StatusView, StatusView)> {
        if let Some(s) = self.goal_status.get(&goal_id) {
            return Ok(s.clone());
        }
        let from_indicators = match cards {
            Some(c) => status::roll_up(c.iter().map(|c| c.status.status)),
            None => {
                let rows = self.indicators_of(goal_id)?;
                let mut statuses = Vec::new();
                for r in &rows {
                    statuses.push(self.indicator_card(r)?.status.status);
                }
                status::roll_up(statuses)
            }
        };
        let computed = if from_indicators.status.is_some() || depth > 8 {
            from_indicators
        } else {
            let children = self.children_of(goal_id)?;
            if children.is_empty() {
                from_indicators
            } else {
                let mut statuses = Vec::new();
                for (child, child_owner) in children {
                    statuses.push(self.goal_status(child, child_owner, None, depth + 1)?.0.status);
                }
                status::roll_up(statuses)
            }
        };
        let assessment = self.assessment(goal_id, owner)?;
        let manual = self.manual(assessment.as_ref());
        let effective = status::with_manual(computed.clone(), manual.as_ref().map(|(s, l, st)| (*s, l.as_str(), *st)));
        self.goal_status.insert(goal_id, (effective.clone(), computed.clone()));
        Ok((effective, computed))
    }
}

/// The period a scorecard shows: `period_id` (which must belong to `year`), else the
/// default period of the year judged against `today`.
fn chosen_period(store: &Store, year: i32, period_id: Option<i64>, today: chrono::NaiveDate) -> Result<Period> {
    match period_id {
        Some(id) => {
            let p = store.period(id)?;
            if p.plan_year != year {
                return Err(crate::error::AppError::validation(format!("Perioden {} hör till {}, inte {year}.", p.name, p.plan_year)));
            }
            Ok(p)
        }
        None => store.default_period(year, today),
    }
}

/// Build the scorecard of `unit_id` for `year` and `period` (default: see
/// [`Store::default_period`], judged against `today`).
pub fn build(store: &Store, unit_id: i64, year: i32, period_id: Option<i64>, today: chrono::NaiveDate) -> Result<Scorecard> {
    let unit = store.unit(unit_id)?;
    let plan = store.plan_year(year)?;
    let periods = store.periods(year)?;
    let period = chosen_period(store, year, period_id, today)?;
    let scale = store.scale(year)?;
    let mut b = Builder {
        store,
        period: period.clone(),
        scale: scale.clone(),
        goal_status: HashMap::new(),
        kolada: Rc::new(ScorecardKolada::load(store)?),
        bulk: None,
    };
    assemble(&mut b, unit, year, plan.vision, periods)
}

/// The statuses of one unit's scorecard: what a roll-up of the whole municipality shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnitStatuses {
    pub unit_id: i64,
    /// Each perspective of the year (id, status) in the scorecard's order.
    pub perspectives: Vec<(i64, StatusView)>,
    /// The unit's own goals in the scorecard's order.
    pub goals: Vec<GoalStatuses>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GoalStatuses {
    pub goal_id: i64,
    /// As [`GoalCard::status`].
    pub status: StatusView,
    /// As [`GoalCard::computed`].
    pub computed: StatusView,
}

/// The statuses of every perspective and goal of `unit_ids` (in that order) for one year
/// and period: exactly those of [`build`]'s scorecards, worked out in one pass over data
/// read with a few set-based queries (the year's goals, links, indicators, latest values,
/// targets and assessments) by the same rules in [`crate::status`].
pub fn unit_statuses(
    store: &Store,
    unit_ids: &[i64],
    year: i32,
    period_id: Option<i64>,
    today: chrono::NaiveDate,
) -> Result<Vec<UnitStatuses>> {
    let known: HashSet<i64> = store.units()?.into_iter().map(|u| u.id).collect();
    for id in unit_ids {
        if !known.contains(id) {
            store.unit(*id)?; // the same "not found" as a single build
        }
    }
    if unit_ids.is_empty() {
        return Ok(Vec::new());
    }
    store.plan_year(year)?;
    let period = chosen_period(store, year, period_id, today)?;
    let scale = store.scale(year)?;
    let data = YearData::load(store, year, &period, false)?;
    let kolada = Rc::new(ScorecardKolada::load(store)?);
    let mut out = Vec::with_capacity(unit_ids.len());
    for id in unit_ids {
        let mut b = Builder {
            store,
            period: period.clone(),
            scale: scale.clone(),
            goal_status: HashMap::new(),
            kolada: Rc::clone(&kolada),
            bulk: Some(&data),
        };
        let mut goals = Vec::new();
        let mut by_perspective: HashMap<i64, Vec<Option<Status>>> = HashMap::new();
        for g in data.goals_by_owner.get(id).map(Vec::as_slice).unwrap_or(&[]) {
            let cards = b.indicators_of(g.id)?.iter().map(|r| b.indicator_card(r)).collect::<Result<Vec<_>>>()?;
            let (status, computed) = b.goal_status(g.id, g.owner, Some(&cards), 0)?;
            by_perspective.entry(g.perspective_id).or_default().push(status.status);
            goals.push(GoalStatuses { goal_id: g.id, status, computed });
        }
        let perspectives =
            data.perspectives.iter().map(|(pid, _)| (*pid, status::roll_up(by_perspective.remove(pid).unwrap_or_default()))).collect();
        out.push(UnitStatuses { unit_id: *id, perspectives, goals });
    }
    Ok(out)
}

/// The scorecards of `unit_ids` (in that order) for one year and period: the same as
/// [`build`] for each unit, but everything they read is loaded once with a few set-based
/// queries, and each indicator's card and Kolada figures are worked out once. This is the
/// roll-up of a whole municipality, and what the municipality-wide reports use.
pub fn build_many(store: &Store, unit_ids: &[i64], year: i32, period_id: Option<i64>, today: chrono::NaiveDate) -> Result<Vec<Scorecard>> {
    let units: HashMap<i64, OrgUnit> = store.units()?.into_iter().map(|u| (u.id, u)).collect();
    for id in unit_ids {
        if !units.contains_key(id) {
            store.unit(*id)?; // the same "not found" as a single build
        }
    }
    if unit_ids.is_empty() {
        return Ok(Vec::new());
    }
    let plan = store.plan_year(year)?;
    let periods = store.periods(year)?;
    let period = chosen_period(store, year, period_id, today)?;
    let scale = store.scale(year)?;
    let data = YearData::load(store, year, &period, true)?;
    let kolada = Rc::new(ScorecardKolada::load(store)?);
    unit_ids
        .iter()
        .map(|id| {
            let unit = match units.get(id) {
                Some(u) => u.clone(),
                None => store.unit(*id)?,
            };
            let mut b = Builder {
                store,
                period: period.clone(),
                scale: scale.clone(),
                goal_status: HashMap::new(),
                kolada: Rc::clone(&kolada),
                bulk: Some(&data),
            };
            assemble(&mut b, unit, year, plan.vision.clone(), periods.clone())
        })
        .collect()
}

/// The scorecard of `unit` from a builder set up for its year and period.
fn assemble(b: &mut Builder<'_>, unit: OrgUnit, year: i32, vision: String, periods: Vec<Period>) -> Result<Scorecard> {
    let perspectives = b.perspectives(year)?;
    let goals = b.goals_of(unit.id, year)?;

    let mut cards_by_perspective: HashMap<i64, Vec<GoalCard>> = HashMap::new();
    for g in &goals {
        let indicator_rows = b.indicators_of(g.id)?;
        let indicators = indicator_rows.iter().map(|r| b.indicator_card(r)).collect::<Result<Vec<_>>>()?;
        let (status, computed) = b.goal_status(g.id, g.owner, Some(&indicators), 0)?;
        let parents = b.parents_of(g.id)?;
        let card = GoalCard {
            id: g.id,
            code: g.code.clone(),
            level: g.level,
            title: g.title.clone(),
            description: g.description.clone(),
            status,
            computed,
            assessment: b.assessment(g.id, g.owner)?,
            loose_thread: g.level != GoalLevel::Kf && parents.is_empty(),
            parents,
            indicators,
        };
        cards_by_perspective.entry(g.perspective_id).or_default().push(card);
    }
    let perspectives = perspectives
        .into_iter()
        .map(|(id, name)| {
            let goals = cards_by_perspective.remove(&id).unwrap_or_default();
            let status = status::roll_up(goals.iter().map(|g| g.status.status));
            PerspectiveCard { id, name, status, goals }
        })
        .collect();
    let activities = b.activities_of(unit.id, year)?;
    let scale = b.scale.clone();
    Ok(Scorecard { unit, year, period: b.period.clone(), periods, vision, scale, perspectives, activities })
}

/// The values of one period: (indicator, unit, gender) → (value, source).
type PeriodValues = HashMap<(i64, i64, Gender), (f64, ValueSource)>;

/// What the scorecards of one year and period read, loaded for all units at once. Goals of
/// the year are covered whole (indicators, links, parents); indicators linked to them have
/// their latest value, the values of the periods most of them need, and the targets of the
/// years they need. Anything outside this (a goal of another year reached through a link,
/// a value in a period not loaded) is read item by item, exactly as a single build does.
struct YearData {
    /// Loaded for whole scorecards (see [`YearData::load`]).
    detail: bool,
    perspectives: Vec<(i64, String)>,
    goals_by_owner: HashMap<i64, Vec<GoalRow>>,
    covered_goals: HashSet<i64>,
    indicators_by_goal: HashMap<i64, Vec<IndicatorRow>>,
    children: HashMap<i64, Vec<(i64, i64)>>,
    parents: HashMap<i64, Vec<GoalRef>>,
    assessments: HashMap<(i64, i64), (Option<i32>, String, AssessmentState)>,
    activities_by_owner: HashMap<i64, Vec<ActivityRow>>,
    /// Indicator → its latest value (`None`: it has none). Missing: read when needed.
    latest: HashMap<i64, Option<Latest>>,
    /// Every period by (plan year, kind, seq).
    period_ids: HashMap<(i32, PeriodKind, i32), i64>,
    /// All values of the periods loaded whole: period → (indicator, unit, gender) → (value, source).
    period_values: HashMap<i64, PeriodValues>,
    /// Targets of the years loaded whole: year → indicator → (target, yellow limit).
    targets: HashMap<i32, HashMap<i64, (f64, Option<f64>)>>,
    kolada_outcomes: RefCell<HashMap<(String, i32), Option<KoladaOutcome>>>,
    cards: RefCell<HashMap<i64, IndicatorCard>>,
}

/// A period needed by this many indicators is read whole rather than value by value.
const WHOLE_PERIOD_FROM: usize = 16;

impl YearData {
    /// `detail`: also what only a whole scorecard shows (parents, activities, Kolada
    /// comparisons); without it, only what statuses need.
    fn load(store: &Store, year: i32, period: &Period, detail: bool) -> Result<Self> {
        let conn = store.conn();
        let perspectives: Vec<(i64, String)> = conn
            .prepare("SELECT id, name FROM perspective WHERE plan_year=?1 ORDER BY sort_order, id")?
            .query_map([year], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;

        let mut goals_by_owner: HashMap<i64, Vec<GoalRow>> = HashMap::new();
        let mut stmt = conn.prepare(
            "SELECT id, code, level, title, description, perspective_id, owner_unit_id FROM goal
             WHERE plan_year=?1 AND active=1 ORDER BY owner_unit_id, sort_order, id",
        )?;
        for g in stmt.query_map([year], GoalRow::from_row)? {
            let g = g?;
            goals_by_owner.entry(g.owner).or_default().push(g);
        }
        let covered_goals: HashSet<i64> =
            conn.prepare("SELECT id FROM goal WHERE plan_year=?1")?.query_map([year], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;

        let mut indicators_by_goal: HashMap<i64, Vec<IndicatorRow>> = HashMap::new();
        let mut stmt = conn.prepare(
            "SELECT i.id, i.name, i.unit, i.direction, i.decimals, i.kolada_kpi_id, i.owner_unit_id, i.tolerance_kind, i.tolerance, gi.goal_id
             FROM goal g JOIN goal_indicator gi ON gi.goal_id = g.id JOIN indicator i ON i.id = gi.indicator_id
             WHERE g.plan_year = ?1 AND i.active = 1 ORDER BY gi.goal_id, gi.sort_order, i.name, i.id",
        )?;
        for row in stmt.query_map([year], |r| Ok((r.get::<_, i64>(9)?, IndicatorRow::from_row(r)?)))? {
            let (goal, ind) = row?;
            indicators_by_goal.entry(goal).or_default().push(ind);
        }

        let mut children: HashMap<i64, Vec<(i64, i64)>> = HashMap::new();
        let mut stmt = conn.prepare(
            "SELECT l.parent_goal_id, g.id, g.owner_unit_id FROM goal pg JOIN goal_link l ON l.parent_goal_id = pg.id
             JOIN goal g ON g.id = l.child_goal_id WHERE pg.plan_year = ?1 AND g.active = 1",
        )?;
        for row in stmt.query_map([year], |r| Ok((r.get::<_, i64>(0)?, (r.get(1)?, r.get(2)?))))? {
            let (parent, child) = row?;
            children.entry(parent).or_default().push(child);
        }
        let mut parents: HashMap<i64, Vec<GoalRef>> = HashMap::new();
        let mut activities_by_owner: HashMap<i64, Vec<ActivityRow>> = HashMap::new();
        if detail {
            Self::load_detail(store, year, period, &mut parents, &mut activities_by_owner)?;
        }
        let assessments = conn
            .prepare("SELECT goal_id, org_unit_id, step, analysis, state FROM assessment WHERE period_id=?1")?
            .query_map([period.id], |r| Ok(((r.get(0)?, r.get(1)?), (r.get(2)?, r.get(3)?, r.get(4)?))))?
            .collect::<rusqlite::Result<HashMap<_, _>>>()?;

        let mut data = YearData {
            detail,
            perspectives,
            goals_by_owner,
            covered_goals,
            indicators_by_goal,
            children,
            parents,
            assessments,
            activities_by_owner,
            latest: HashMap::new(),
            period_ids: HashMap::new(),
            period_values: HashMap::new(),
            targets: HashMap::new(),
            kolada_outcomes: RefCell::new(HashMap::new()),
            cards: RefCell::new(HashMap::new()),
        };
        data.load_values(store, year, period)?;
        Ok(data)
    }

    /// Parents of the year's goals and the year's activities by owner.
    fn load_detail(
        store: &Store,
        year: i32,
        period: &Period,
        parents: &mut HashMap<i64, Vec<GoalRef>>,
        activities_by_owner: &mut HashMap<i64, Vec<ActivityRow>>,
    ) -> Result<()> {
        let conn = store.conn();
        let mut codes: HashMap<i64, Vec<String>> = HashMap::new();
        let mut stmt = conn.prepare(
            "SELECT l.child_goal_id, g.id, g.code, g.title, g.level FROM goal c JOIN goal_link l ON l.child_goal_id = c.id
             JOIN goal g ON g.id = l.parent_goal_id WHERE c.plan_year = ?1 ORDER BY l.child_goal_id, g.level, g.sort_order, g.id",
        )?;
        for row in stmt.query_map([year], |r| {
            Ok((r.get::<_, i64>(0)?, GoalRef { id: r.get(1)?, code: r.get(2)?, title: r.get(3)?, level: r.get(4)? }))
        })? {
            let (child, parent) = row?;
            parents.entry(child).or_default().push(parent);
        }

        let mut stmt = conn.prepare(
            "SELECT ag.activity_id, g.code FROM activity a JOIN activity_goal ag ON ag.activity_id = a.id
             JOIN goal g ON g.id = ag.goal_id WHERE a.plan_year = ?1 AND a.active = 1 ORDER BY ag.activity_id, g.code",
        )?;
        for row in stmt.query_map([year], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))? {
            let (activity, code) = row?;
            codes.entry(activity).or_default().push(code);
        }
        let mut stmt = conn.prepare(
            "SELECT a.id, a.title, a.responsible, a.start_date, a.end_date,
                    COALESCE((SELECT f.status FROM activity_follow_up f WHERE f.activity_id = a.id AND f.period_id = ?2), a.status),
                    a.owner_unit_id
             FROM activity a WHERE a.plan_year=?1 AND a.active=1 ORDER BY a.owner_unit_id, a.start_date, a.id",
        )?;
        for row in stmt.query_map(params![year, period.id], |r| Ok((r.get::<_, i64>(6)?, ActivityRow::from_row(r)?)))? {
            let (owner, mut a) = row?;
            a.goal_codes = codes.remove(&a.id).unwrap_or_default();
            activities_by_owner.entry(owner).or_default().push(a);
        }

        Ok(())
    }

    /// All values of one period, every unit and gender.
    fn load_period(&mut self, store: &Store, period_id: i64) -> Result<usize> {
        if self.period_values.contains_key(&period_id) {
            return Ok(0);
        }
        let values = store
            .conn()
            .prepare_cached("SELECT indicator_id, org_unit_id, gender, value, source FROM indicator_value WHERE period_id=?1")?
            .query_map([period_id], |r| Ok(((r.get(0)?, r.get(1)?, r.get(2)?), (r.get(3)?, r.get(4)?))))?
            .collect::<rusqlite::Result<HashMap<_, _>>>()?;
        let n = values.len();
        self.period_values.insert(period_id, values);
        Ok(n)
    }

    /// Latest values, the periods a year earlier (for the trend) and the targets of the
    /// indicators linked to the year's goals.
    fn load_values(&mut self, store: &Store, year: i32, period: &Period) -> Result<()> {
        // Indicator → owner, for every indicator in scope.
        let mut unresolved: HashMap<i64, i64> = self.indicators_by_goal.values().flatten().map(|i| (i.id, i.owner)).collect();
        let in_scope = unresolved.len();
        let mut info: HashMap<i64, (i32, PeriodKind, i32)> = HashMap::new();
        let mut ranked: Vec<i64> = Vec::new();
        let mut stmt = store
            .conn()
            .prepare("SELECT id, plan_year, kind, seq, end_date <= ?1 FROM follow_up_period ORDER BY end_date DESC, start_date ASC")?;
        for row in stmt.query_map([&period.end_date], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, i32>(1)?, r.get::<_, PeriodKind>(2)?, r.get::<_, i32>(3)?, r.get::<_, bool>(4)?))
        })? {
            let (id, y, kind, seq, ended) = row?;
            self.period_ids.insert((y, kind, seq), id);
            info.insert(id, (y, kind, seq));
            if ended {
                ranked.push(id);
            }
        }
        drop(stmt);

        // Walk the periods that ended by the end of the chosen one, newest (and of the same
        // end, longest) first, reading each whole: an indicator's latest value is in the first
        // period that has one. Stop when every indicator has one or after reading a few
        // periods' worth of rows; the rest (indicators with old values or none) are read
        // one by one.
        let budget = 4 * in_scope + 10_000;
        let mut read = 0;
        let mut exhausted = true;
        for (n, id) in ranked.iter().enumerate() {
            if unresolved.is_empty() {
                break;
            }
            if read > budget {
                exhausted = n == ranked.len();
                break;
            }
            read += self.load_period(store, *id)?;
            let (y, kind, seq) = info[id];
            let values = &self.period_values[id];
            unresolved.retain(|ind, owner| match values.get(&(*ind, *owner, Gender::T)) {
                Some((v, source)) => {
                    self.latest.insert(*ind, Some((*id, *v, y, kind, seq, *source)));
                    false
                }
                None => true,
            });
        }
        if exhausted {
            for ind in unresolved.keys() {
                self.latest.insert(*ind, None);
            }
        }

        // The same period a year earlier, read whole when many indicators need it.
        let mut wanted: HashMap<i64, usize> = HashMap::new();
        for (_, _, y, kind, seq, _) in self.latest.values().flatten() {
            if let Some(id) = self.period_ids.get(&(y - 1, *kind, *seq)) {
                *wanted.entry(*id).or_default() += 1;
            }
        }
        for (id, n) in wanted {
            if n >= WHOLE_PERIOD_FROM {
                self.load_period(store, id)?;
            }
        }

        // Targets of the years the values belong to, and of the plan year.
        let mut years: HashSet<i32> = self.latest.values().flatten().map(|l| l.2).collect();
        years.insert(year);
        let mut stmt = store.conn().prepare("SELECT indicator_id, target, yellow_limit FROM indicator_target WHERE year=?1")?;
        for y in years {
            let targets = stmt.query_map([y], |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?))))?.collect::<rusqlite::Result<HashMap<_, _>>>()?;
            self.targets.insert(y, targets);
        }
        Ok(())
    }
}

/// One indicator's card for a period, exactly as the scorecard shows it.
pub fn indicator_card(store: &Store, indicator_id: i64, period: &Period) -> Result<IndicatorCard> {
    let row = store
        .conn()
        .query_row(
            "SELECT id, name, unit, direction, decimals, kolada_kpi_id, owner_unit_id, tolerance_kind, tolerance FROM indicator WHERE id=?1",
            [indicator_id],
            IndicatorRow::from_row,
        )
        .optional()?
        .ok_or_else(|| crate::error::AppError::not_found(format!("Nyckeltalet (id {indicator_id}) finns inte.")))?;
    let b = Builder {
        store,
        period: period.clone(),
        scale: Vec::new(),
        goal_status: HashMap::new(),
        kolada: Rc::new(ScorecardKolada::load(store)?),
        bulk: None,
    };
    b.indicator_card(&row)
}

/// The effective status of every active goal of a plan year for a period, by the same rules
/// as the scorecard (indicators, then the goals below, a manual assessment overriding).
pub fn goal_statuses(store: &Store, year: i32, period: &Period) -> Result<HashMap<i64, StatusView>> {
    let data = YearData::load(store, year, period, false)?;
    let mut b = Builder {
        store,
        period: period.clone(),
        scale: store.scale(year)?,
        goal_status: HashMap::new(),
        kolada: Rc::new(ScorecardKolada::load(store)?),
        bulk: Some(&data),
    };
    let goals: Vec<(i64, i64)> = store
        .conn()
        .prepare("SELECT id, owner_unit_id FROM goal WHERE plan_year=?1 AND active=1")?
        .query_map([year], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut out = HashMap::new();
    for (id, owner) in goals {
        out.insert(id, b.goal_status(id, owner, None, 0)?.0);
    }
    Ok(out)
}
