//! A unit's scorecard for a plan year and period: perspectives, goals with their
//! statuses, indicators with value, target, colour and trend, and activities.
//! The UI, the CLI and the reports all show this same structure.

use std::collections::HashMap;

use rusqlite::{params, OptionalExtension};
use serde::Serialize;
use ts_rs::TS;

use crate::error::Result;
use crate::kolada::compare::{last_complete_year, ScorecardKolada};
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

struct GoalRow {
    id: i64,
    code: String,
    level: GoalLevel,
    title: String,
    description: String,
    perspective_id: i64,
    owner: i64,
}

/// Builds scorecards; caches goal statuses within one build.
struct Builder<'s> {
    store: &'s Store,
    period: Period,
    scale: Vec<ScaleStep>,
    goal_status: HashMap<i64, (StatusView, StatusView)>,
    kolada: ScorecardKolada,
}

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
        let mut stmt = self.store.conn().prepare_cached(
            "SELECT i.id, i.name, i.unit, i.direction, i.decimals, i.kolada_kpi_id, i.owner_unit_id, i.tolerance_kind, i.tolerance
             FROM goal_indicator gi JOIN indicator i ON i.id = gi.indicator_id
             WHERE gi.goal_id = ?1 AND i.active = 1 ORDER BY gi.sort_order, i.name",
        )?;
        let rows = stmt
            .query_map([goal_id], IndicatorRow::from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    fn indicator_card(&self, i: &IndicatorRow) -> Result<IndicatorCard> {
        let conn = self.store.conn();
        // Latest total value whose period ended by the end of the chosen period; of periods
        // ending the same day, the longest (helår before December).
        let latest: Option<(i64, f64, i32, PeriodKind, i32, ValueSource)> = conn
            .prepare_cached(
                "SELECT p.id, v.value, p.plan_year, p.kind, p.seq, v.source FROM indicator_value v
                 JOIN follow_up_period p ON p.id = v.period_id
                 WHERE v.indicator_id = ?1 AND v.org_unit_id = ?2 AND v.gender = 'T' AND p.end_date <= ?3
                 ORDER BY p.end_date DESC, p.start_date ASC LIMIT 1",
            )?
            .query_row(params![i.id, i.owner, self.period.end_date], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?))
            })
            .optional()?;
        // Kolada fills in a whole year that ended by the end of the period when we have no
        // value of our own for it or a later year (see kolada::compare).
        let kolada_year = last_complete_year(&self.period.end_date)?;
        let from_kolada = match &i.kolada {
            Some(kpi) => self.kolada.outcome(self.store, kpi, kolada_year, latest.map(|l| l.2))?,
            None => None,
        };
        let previous_sql = "SELECT v.value FROM indicator_value v JOIN follow_up_period p ON p.id = v.period_id
                     WHERE v.indicator_id=?1 AND v.org_unit_id=?2 AND v.gender='T' AND p.plan_year=?3 AND p.kind=?4 AND p.seq=?5";
        let (value, value_year, value_period, value_source, mut previous, women, men) = match (&from_kolada, latest) {
            (Some(k), _) => {
                let own_previous = conn
                    .prepare_cached(previous_sql)?
                    .query_row(params![i.id, i.owner, k.year - 1, PeriodKind::Helar, 1], |r| r.get(0))
                    .optional()?;
                let label = period_label(k.year, PeriodKind::Helar, 1);
                (Some(k.value), Some(k.year), Some(label), Some(ValueSource::Kolada), own_previous.or(k.previous), k.women, k.men)
            }
            (None, Some((period_id, v, year, kind, seq, source))) => {
                let previous: Option<f64> = conn
                    .prepare_cached(previous_sql)?
                    .query_row(params![i.id, i.owner, year - 1, kind, seq], |r| r.get(0))
                    .optional()?;
                let women = self.store.value_at(i.id, i.owner, period_id, "K")?;
                let men = self.store.value_at(i.id, i.owner, period_id, "M")?;
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
        let target: Option<(f64, Option<f64>)> = conn
            .prepare_cached("SELECT target, yellow_limit FROM indicator_target WHERE indicator_id=?1 AND year=?2")?
            .query_row(params![i.id, target_year], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        let threshold = target.map(|(t, yl)| Threshold { target: t, yellow_limit: yl, tolerance_kind: i.tolerance_kind, tolerance: i.tolerance });
        let status = status::traffic_light(value, threshold.as_ref(), i.direction);
        let kolada = match &i.kolada {
            Some(kpi) => self.kolada.comparison(self.store, kpi, kolada_year, i.direction)?,
            None => None,
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
        let row: Option<(Option<i32>, String, AssessmentState)> = self
            .store
            .conn()
            .prepare_cached("SELECT step, analysis, state FROM assessment WHERE goal_id=?1 AND org_unit_id=?2 AND period_id=?3")?
            .query_row(params![goal_id, unit_id, self.period.id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .optional()?;
        Ok(row.map(|(step, analysis, state)| {
            let s = step.and_then(|n| self.scale.iter().find(|s| s.step == n));
            AssessmentView { step, label: s.map(|s| s.label.clone()), colour: s.map(|s| s.colour.clone()), analysis, state }
        }))
    }

    fn manual(&self, a: Option<&AssessmentView>) -> Option<(i32, String, Status)> {
        let a = a?;
        let step = a.step?;
        let s = self.scale.iter().find(|s| s.step == step)?;
        Some((step, s.label.clone(), s.status))
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
            let children: Vec<(i64, i64)> = self
                .store
                .conn()
                .prepare_cached("SELECT g.id, g.owner_unit_id FROM goal_link l JOIN goal g ON g.id = l.child_goal_id WHERE l.parent_goal_id=?1 AND g.active=1")?
                .query_map([goal_id], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<Vec<_>>>()?;
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

/// Build the scorecard of `unit_id` for `year` and `period` (default: see
/// [`Store::default_period`], judged against `today`).
pub fn build(store: &Store, unit_id: i64, year: i32, period_id: Option<i64>, today: chrono::NaiveDate) -> Result<Scorecard> {
    let unit = store.unit(unit_id)?;
    let plan = store.plan_year(year)?;
    let periods = store.periods(year)?;
    let period = match period_id {
        Some(id) => {
            let p = store.period(id)?;
            if p.plan_year != year {
                return Err(crate::error::AppError::validation(format!(
                    "Perioden {} hör till {}, inte {year}.",
                    p.name, p.plan_year
                )));
            }
            p
        }
        None => store.default_period(year, today)?,
    };
    let scale = store.scale(year)?;
    let mut b = Builder {
        store,
        period: period.clone(),
        scale: scale.clone(),
        goal_status: HashMap::new(),
        kolada: ScorecardKolada::load(store)?,
    };

    let perspectives: Vec<(i64, String)> = store
        .conn()
        .prepare("SELECT id, name FROM perspective WHERE plan_year=?1 ORDER BY sort_order, id")?
        .query_map([year], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let goals: Vec<GoalRow> = store
        .conn()
        .prepare(
            "SELECT id, code, level, title, description, perspective_id, owner_unit_id FROM goal
             WHERE plan_year=?1 AND owner_unit_id=?2 AND active=1 ORDER BY sort_order, id",
        )?
        .query_map(params![year, unit_id], |r| {
            Ok(GoalRow {
                id: r.get(0)?,
                code: r.get(1)?,
                level: r.get(2)?,
                title: r.get(3)?,
                description: r.get(4)?,
                perspective_id: r.get(5)?,
                owner: r.get(6)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;

    let mut cards_by_perspective: HashMap<i64, Vec<GoalCard>> = HashMap::new();
    for g in &goals {
        let indicator_rows = b.indicators_of(g.id)?;
        let indicators = indicator_rows.iter().map(|r| b.indicator_card(r)).collect::<Result<Vec<_>>>()?;
        let (status, computed) = b.goal_status(g.id, g.owner, Some(&indicators), 0)?;
        let parents: Vec<GoalRef> = store
            .conn()
            .prepare_cached(
                "SELECT g.id, g.code, g.title, g.level FROM goal_link l JOIN goal g ON g.id = l.parent_goal_id
                 WHERE l.child_goal_id=?1 ORDER BY g.level, g.sort_order",
            )?
            .query_map([g.id], |r| Ok(GoalRef { id: r.get(0)?, code: r.get(1)?, title: r.get(2)?, level: r.get(3)? }))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
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

    let mut activities: Vec<ActivityRow> = store
        .conn()
        .prepare(
            "SELECT a.id, a.title, a.responsible, a.start_date, a.end_date,
                    COALESCE((SELECT f.status FROM activity_follow_up f WHERE f.activity_id = a.id AND f.period_id = ?3), a.status)
             FROM activity a WHERE a.plan_year=?1 AND a.owner_unit_id=?2 AND a.active=1 ORDER BY a.start_date, a.id",
        )?
        .query_map(params![year, unit_id, period.id], |r| {
            Ok(ActivityRow {
                id: r.get(0)?,
                title: r.get(1)?,
                responsible: r.get(2)?,
                start_date: r.get(3)?,
                end_date: r.get(4)?,
                status: r.get(5)?,
                goal_codes: Vec::new(),
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    for a in &mut activities {
        a.goal_codes = store
            .conn()
            .prepare_cached("SELECT g.code FROM activity_goal ag JOIN goal g ON g.id = ag.goal_id WHERE ag.activity_id=?1 ORDER BY g.code")?
            .query_map([a.id], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
    }

    Ok(Scorecard { unit, year, period, periods, vision: plan.vision, scale, perspectives, activities })
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
        kolada: ScorecardKolada::load(store)?,
    };
    b.indicator_card(&row)
}

/// The effective status of every active goal of a plan year for a period, by the same rules
/// as the scorecard (indicators, then the goals below, a manual assessment overriding).
pub fn goal_statuses(store: &Store, year: i32, period: &Period) -> Result<HashMap<i64, StatusView>> {
    let mut b = Builder {
        store,
        period: period.clone(),
        scale: store.scale(year)?,
        goal_status: HashMap::new(),
        kolada: ScorecardKolada::load(store)?,
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
