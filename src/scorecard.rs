//! A unit's scorecard for a plan year and period: perspectives, goals with their
//! statuses, indicators with value, target, colour and trend, and activities.
//! The UI, the CLI and the reports all show this same structure.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use serde::Serialize;
use ts_rs::TS;

use crate::error::Result;
use crate::kolada::compare::{last_complete_year, KoladaOutcome, ScorecardKolada};
use crate::kolada::KoladaComparison;
pub use crate::model::GoalRef;
use crate::model::{
    ActivityStatus, AssessmentState, Direction, Gender, GenderValues, Goal, GoalLevel, Indicator, OrgUnit, Period, PeriodKind, ScaleStep,
    Status, Target, ValueSource,
};
use crate::msg;
use crate::status::{self, StatusView, Threshold, Trend};
use crate::store::{self, Store};

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
pub struct AssessmentView {
    pub step: Option<i32>,
    /// The step in words for the period: a forecast before the year is over, an outcome after
    /// (`wording::step_label`).
    pub label: Option<String>,
    pub label_en: Option<String>,
    pub colour: Option<String>,
    pub analysis: String,
    pub state: AssessmentState,
    /// The row version as loaded: what the window's save names, so a change someone else
    /// made since is refused, not overwritten.
    pub version: i64,
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
    /// Target for the year of the value (or the plan year when there is no value): the
    /// target the status is judged against, never another year's.
    pub target: Option<f64>,
    /// The year `target` is for: shown beside it ("Mål 2025: 20").
    pub target_year: Option<i32>,
    pub status: StatusView,
    /// The value a year earlier: the same period a year earlier, else (for a part of the
    /// year) the whole year before; `previous_period` says which.
    pub previous: Option<f64>,
    /// The period `previous` belongs to, e.g. "2025 delår" or "2025 helår".
    pub previous_period: Option<String>,
    /// Against `previous` only when it is the same period a year earlier: a part of the year
    /// is not compared with a whole one.
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
    /// The comment of its follow-up in the period (empty without one).
    pub follow_up_comment: String,
    /// The row version of its follow-up in the period (`None`: not followed up yet): the
    /// window sends it back when it saves, and a save over someone else's since is refused.
    pub follow_up_version: Option<i64>,
}

/// (indicator, year) → target.
type Targets = HashMap<(i64, i32), Target>;

/// The latest total value of an indicator: (period id, value, plan year, kind, seq, source).
type Latest = (i64, f64, i32, PeriodKind, i32, ValueSource);

/// The periods that ended by the end of the chosen one are read whole for the indicators
/// still without a latest value at most this many times, newest first; the indicators
/// still without one after that (old values, or none) are found from their history.
const WALKED_PERIODS: usize = 4;

/// The follow-up periods, looked up by (plan year, kind, seq), and those that ended by the
/// end of the chosen period, newest (of the same end, longest) first.
struct PeriodIndex {
    ids: HashMap<(i32, PeriodKind, i32), i64>,
    info: HashMap<i64, (i32, PeriodKind, i32)>,
    ranked: Vec<i64>,
}

/// An assessment as the loader keeps it: (step, analysis, review state, row version).
type LoadedAssessment = (Option<i32>, String, AssessmentState, i64);

/// Everything the scorecards of one period read, loaded set by set: the goals of the units
/// asked for, then what those goals need (indicators, values, targets, assessments, and the
/// goals linked below where a goal takes its status from them). One unit or four hundred,
/// each fact is read by the same statement, with more or fewer ids; the scorecards are then
/// worked out from memory by the rules in [`crate::status`].
struct Loader<'s> {
    store: &'s Store,
    period: Period,
    /// Also what only a whole scorecard shows (parents, activities, Kolada comparisons);
    /// without it, only what statuses need.
    detail: bool,
    scale: Vec<ScaleStep>,
    kolada: ScorecardKolada,
    kolada_year: i32,
    periods: PeriodIndex,
    perspectives: Vec<(i64, String)>,
    goals_by_owner: HashMap<i64, Vec<Goal>>,
    /// Goals whose indicators are loaded → their active indicators in order.
    indicators_by_goal: HashMap<i64, Vec<Indicator>>,
    /// Goals whose links down are loaded → the active goals below: (id, owner).
    children: HashMap<i64, Vec<(i64, i64)>>,
    parents: HashMap<i64, Vec<GoalRef>>,
    assessments: HashMap<(i64, i64), LoadedAssessment>,
    activities_by_owner: HashMap<i64, Vec<ActivityRow>>,
    cards: HashMap<i64, IndicatorCard>,
    kolada_outcomes: HashMap<(String, i32), Option<KoladaOutcome>>,
}

impl<'s> Loader<'s> {
    fn new(store: &'s Store, period: &Period, detail: bool) -> Result<Self> {
        let mut periods = PeriodIndex { ids: HashMap::default(), info: HashMap::default(), ranked: Vec::new() };
        // Newest end first; of the same end, the longest first.
        for p in store::periods::ends(store.read())?.into_iter().rev() {
            periods.ids.insert((p.plan_year, p.kind, p.seq), p.id);
            periods.info.insert(p.id, (p.plan_year, p.kind, p.seq));
            if p.end_date <= period.end_date {
                periods.ranked.push(p.id);
            }
        }
        Ok(Loader {
            store,
            period: period.clone(),
            detail,
            scale: Vec::new(),
            kolada: ScorecardKolada::load(store)?,
            kolada_year: last_complete_year(&period.end_date)?,
            periods,
            perspectives: Vec::new(),
            goals_by_owner: HashMap::default(),
            indicators_by_goal: HashMap::default(),
            children: HashMap::default(),
            parents: HashMap::default(),
            assessments: HashMap::default(),
            activities_by_owner: HashMap::default(),
            cards: HashMap::default(),
            kolada_outcomes: HashMap::default(),
        })
    }

    /// The year's perspectives and scale, and the goals (and with `detail` the activities)
    /// of `owners` with everything their scorecards read.
    fn load_units(&mut self, year: i32, owners: &[i64]) -> Result<()> {
        self.scale = crate::wording::worded_scale(self.store.scale(year)?, crate::wording::Reading::of_period(&self.period));
        self.perspectives = store::plan::perspectives(self.store.read(), year)?.into_iter().map(|p| (p.id, p.name)).collect();
        let goals = store::goals::owned_by(self.store.read(), year, owners)?;
        let ids: Vec<(i64, i64)> = goals.iter().map(|g| (g.id, g.owner_unit_id)).collect();
        for g in goals {
            self.goals_by_owner.entry(g.owner_unit_id).or_default().push(g);
        }
        self.load_goals(ids)?;
        if self.detail {
            let goal_ids: Vec<i64> = self.goals_by_owner.values().flatten().map(|g| g.id).collect();
            for (child, parent) in store::goals::parents(self.store.read(), &goal_ids)? {
                self.parents.entry(child).or_default().push(parent);
            }
            let activities = store::activities::owned_by(self.store.read(), year, owners, self.period.id)?;
            let ids: Vec<i64> = activities.iter().map(|a| a.id).collect();
            let mut codes = store::activities::goal_codes(self.store.read(), &ids)?;
            let mut follow_ups = store::activities::follow_ups_seen_in(self.store.read(), self.period.id, &ids)?;
            for a in activities {
                let follow_up = follow_ups.remove(&a.id);
                let row = ActivityRow {
                    follow_up_comment: follow_up.as_ref().map(|f| f.comment.clone()).unwrap_or_default(),
                    follow_up_version: follow_up.map(|f| f.version),
                    goal_codes: codes.remove(&a.id).unwrap_or_default(),
                    id: a.id,
                    title: a.title,
                    responsible: a.responsible,
                    start_date: a.start_date.map(crate::model::date_text),
                    end_date: a.end_date.map(crate::model::date_text),
                    status: a.status,
                };
                self.activities_by_owner.entry(a.owner_unit_id).or_default().push(row);
            }
        }
        Ok(())
    }

    /// Indicators (with their cards) and assessments of `goals`, and, for each goal whose
    /// indicators give no status, the same for the goals linked below it, level by level,
    /// as deep as [`Loader::goal_status`] follows them.
    fn load_goals(&mut self, goals: Vec<(i64, i64)>) -> Result<()> {
        let mut level = goals;
        for depth in 0..=MAX_DEPTH + 1 {
            let mut seen = HashSet::default();
            level.retain(|(id, _)| seen.insert(*id));
            let new: Vec<i64> = level.iter().map(|(id, _)| *id).filter(|id| !self.indicators_by_goal.contains_key(id)).collect();
            if !new.is_empty() {
                let mut rows: Vec<Indicator> = Vec::new();
                for id in &new {
                    self.indicators_by_goal.insert(*id, Vec::new());
                }
                for (goal, row) in store::indicators::of_goals(self.store.read(), &new)? {
                    rows.push(row.clone());
                    self.indicators_by_goal.entry(goal).or_default().push(row);
                }
                self.load_cards(rows)?;
                for a in store::assessments::of_goals_in_period(self.store.read(), self.period.id, &new)? {
                    self.assessments.insert((a.goal_id, a.org_unit_id), (a.step, a.analysis, a.state, a.version));
                }
            }
            if depth > MAX_DEPTH {
                break;
            }
            // Goals whose indicators give no status take it from the goals below.
            let down: Vec<i64> = level.iter().map(|(id, _)| *id).filter(|id| self.indicator_roll_up(*id).status.is_none()).collect();
            let unread: Vec<i64> = down.iter().copied().filter(|id| !self.children.contains_key(id)).collect();
            for id in &unread {
                self.children.insert(*id, Vec::new());
            }
            for (parent, child, owner) in store::goals::children(self.store.read(), &unread)? {
                self.children.entry(parent).or_default().push((child, owner));
            }
            level = down.iter().flat_map(|id| self.children[id].iter().copied()).collect();
            if level.is_empty() {
                break;
            }
        }
        Ok(())
    }

    /// The roll-up of a goal's indicator cards (all loaded).
    fn indicator_roll_up(&self, goal_id: i64) -> StatusView {
        let rows = self.indicators_by_goal.get(&goal_id).map(Vec::as_slice).unwrap_or(&[]);
        status::roll_up(rows.iter().map(|r| self.cards.get(&r.id).and_then(|c| c.status.status)))
    }

    /// The cards of `rows` not worked out yet: their latest values, the values beside them
    /// (women, men, a year earlier), targets and Kolada figures, read for all at once.
    fn load_cards(&mut self, rows: Vec<Indicator>) -> Result<()> {
        let mut seen = HashSet::default();
        let rows: Vec<Indicator> = rows.into_iter().filter(|r| !self.cards.contains_key(&r.id) && seen.insert(r.id)).collect();
        if rows.is_empty() {
            return Ok(());
        }
        let mut values: HashMap<(i64, i64), GenderValues> = HashMap::default();
        let latest = self.latest_values(&rows, &mut values)?;

        // Kolada fills in a whole year that ended by the end of the period when we have no
        // value of our own for it or a later one (see kolada::compare).
        let mut outcomes: HashMap<i64, KoladaOutcome> = HashMap::default();
        self.kolada.prefetch(self.store, rows.iter().filter_map(|i| i.kolada_kpi_id.as_deref().map(|k| (i.id, k))))?;
        for i in &rows {
            if let Some(kpi) = &i.kolada_kpi_id {
                let own_year = latest.get(&i.id).and_then(|l| l.map(|l| l.2));
                if let Some(o) = self.kolada_outcome(kpi, own_year)? {
                    outcomes.insert(i.id, o);
                }
            }
        }

        // The values shown beside the latest: the same period a year earlier (or the year
        // before Kolada's), and women and men in the latest period.
        let mut wanted: HashMap<i64, Vec<(i64, i64)>> = HashMap::default();
        let mut years: HashSet<i32> = HashSet::from_iter([self.period.plan_year]);
        for i in &rows {
            // The values beside the latest one (a year earlier, women and men) are shown, never
            // part of a status: a roll-up (`detail` off) does not read them.
            let detail = self.detail;
            let mut want = |key: (i32, PeriodKind, i32)| {
                if !detail {
                    return;
                }
                if let Some(p) = self.periods.ids.get(&key) {
                    if !values.contains_key(&(*p, i.id)) {
                        wanted.entry(*p).or_default().push((i.id, i.owner_unit_id));
                    }
                }
            };
            match (outcomes.get(&i.id), latest.get(&i.id).copied().flatten()) {
                (Some(k), _) => {
                    want((k.year - 1, PeriodKind::Helar, 1));
                    years.insert(k.year);
                }
                (None, Some((_, _, y, kind, seq, _))) => {
                    want((y - 1, kind, seq));
                    want((y, kind, seq));
                    if kind != PeriodKind::Helar {
                        // The whole year before, when the same part of it has no value.
                        want((y - 1, PeriodKind::Helar, 1));
                    }
                    years.insert(y);
                }
                (None, None) => {}
            }
            // The unit's own whole-year value of the year Kolada's comparison is for.
            if let (Some(kpi), true) = (&i.kolada_kpi_id, detail) {
                if let Some(year) = self.kolada.comparison_year(self.store, kpi, self.kolada_year)? {
                    want((year, PeriodKind::Helar, 1));
                }
            }
        }
        for (period, pairs) in wanted {
            for (ind, v) in store::values::at_units_in_period(self.store.read(), period, &pairs)? {
                values.insert((period, ind), v);
            }
            for (ind, _) in pairs {
                values.entry((period, ind)).or_default();
            }
        }
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let years: Vec<i32> = years.into_iter().collect();
        let targets = store::indicators::targets_of(self.store.read(), &ids, Some(&years))?;

        for i in &rows {
            let card = self.card(i, latest.get(&i.id).copied().flatten(), outcomes.get(&i.id), &values, &targets)?;
            self.cards.insert(i.id, card);
        }
        Ok(())
    }

    /// Each indicator's latest total value at its owner in a period that ended by the end of
    /// the chosen one (of periods ending the same day, the longest). The newest periods are
    /// read for all of them at once (their values land in `values`); the few left are found
    /// from their history.
    fn latest_values(&self, rows: &[Indicator], values: &mut HashMap<(i64, i64), GenderValues>) -> Result<HashMap<i64, Option<Latest>>> {
        let mut latest = HashMap::default();
        let mut unresolved: Vec<(i64, i64)> = rows.iter().map(|r| (r.id, r.owner_unit_id)).collect();
        for id in self.periods.ranked.iter().take(WALKED_PERIODS) {
            if unresolved.is_empty() {
                break;
            }
            let found = store::values::at_units_in_period(self.store.read(), *id, &unresolved)?;
            let (y, kind, seq) = self.periods.info[id];
            unresolved.retain(|(ind, _)| {
                let v = found.get(ind).copied().unwrap_or_default();
                values.insert((*id, *ind), v);
                match v.total {
                    Some((value, source)) => {
                        latest.insert(*ind, Some((*id, value, y, kind, seq, source)));
                        false
                    }
                    None => true,
                }
            });
        }
        if !unresolved.is_empty() {
            let rank: HashMap<i64, usize> = self.periods.ranked.iter().enumerate().map(|(n, id)| (*id, n)).collect();
            let mut best: HashMap<i64, (usize, i64, f64, ValueSource)> = HashMap::default();
            for (ind, period, value, source) in store::values::totals_at_units(self.store.read(), &unresolved)? {
                let Some(&n) = rank.get(&period) else { continue };
                if best.get(&ind).is_none_or(|b| n < b.0) {
                    best.insert(ind, (n, period, value, source));
                }
            }
            for (ind, _) in unresolved {
                let found = best.get(&ind).map(|(_, period, value, source)| {
                    let (y, kind, seq) = self.periods.info[period];
                    (*period, *value, y, kind, seq, *source)
                });
                latest.insert(ind, found);
            }
        }
        Ok(latest)
    }

    /// The Kolada outcome when it is newer than our own latest value (`own_year`); read
    /// once per KPI.
    fn kolada_outcome(&mut self, kpi: &str, own_year: Option<i32>) -> Result<Option<KoladaOutcome>> {
        let key = (kpi.to_string(), self.kolada_year);
        let outcome = match self.kolada_outcomes.get(&key) {
            Some(o) => *o,
            None => {
                let o = self.kolada.outcome(self.store, kpi, self.kolada_year, None)?;
                self.kolada_outcomes.insert(key, o);
                o
            }
        };
        // As `outcome` with `own_year`: nothing when our own value is as new or newer.
        Ok(outcome.filter(|o| own_year.is_none_or(|own| own < o.year)))
    }

    /// An indicator's card from what was loaded. It depends only on the indicator and the
    /// period, never on the scorecard it is shown in.
    fn card(
        &self,
        i: &Indicator,
        latest: Option<Latest>,
        from_kolada: Option<&KoladaOutcome>,
        values: &HashMap<(i64, i64), GenderValues>,
        targets: &Targets,
    ) -> Result<IndicatorCard> {
        let at = |key: (i32, PeriodKind, i32)| -> GenderValues {
            self.periods.ids.get(&key).and_then(|p| values.get(&(*p, i.id))).copied().unwrap_or_default()
        };
        let helar = |year: i32| (at((year, PeriodKind::Helar, 1)).total.map(|t| t.0), PeriodKind::Helar.label(year, 1));
        // (value, its year, its period, source, the value a year earlier and its period,
        // whether that is the same period, women, men)
        let (value, value_year, value_period, value_source, previous, same_period, women, men) = match (from_kolada, latest) {
            (Some(k), _) => {
                let (own_previous, label) = helar(k.year - 1);
                let previous = own_previous.or(k.previous).map(|v| (v, label));
                let label = PeriodKind::Helar.label(k.year, 1);
                (Some(k.value), Some(k.year), Some(label), Some(ValueSource::Kolada), previous, true, k.women, k.men)
            }
            (None, Some((_, v, year, kind, seq, source))) => {
                let same = at((year - 1, kind, seq)).total.map(|t| (t.0, kind.label(year - 1, seq)));
                let (previous, same_period) = match same {
                    Some(p) => (Some(p), true),
                    // A part of the year without last year's same part: last year's whole year.
                    None if kind != PeriodKind::Helar => {
                        let (v, label) = helar(year - 1);
                        (v.map(|v| (v, label)), false)
                    }
                    None => (None, true),
                };
                let here = at((year, kind, seq));
                (Some(v), Some(year), Some(kind.label(year, seq)), Some(source), previous, same_period, here.women, here.men)
            }
            (None, None) => (None, None, None, None, None, true, None, None),
        };
        let (mut previous, mut previous_period) = previous.map_or((None, None), |(v, l)| (Some(v), Some(l)));
        let mut same_period = same_period;
        // No value of our own a year earlier: Kolada's whole year before, if any.
        if self.detail && previous.is_none() && from_kolada.is_none() {
            if let (Some(kpi), Some(year), Some(l)) = (&i.kolada_kpi_id, value_year, latest) {
                previous = self.kolada.municipality_value(self.store, kpi, year - 1, Gender::T)?;
                if previous.is_some() {
                    previous_period = Some(PeriodKind::Helar.label(year - 1, 1));
                    same_period = l.3 == PeriodKind::Helar;
                }
            }
        }
        let target_year = value_year.unwrap_or(self.period.plan_year);
        let target = targets.get(&(i.id, target_year)).cloned();
        let shown_target_year = target.as_ref().map(|_| target_year);
        let threshold = target.map(|t| Threshold {
            target: t.target,
            yellow_limit: t.yellow_limit,
            tolerance_kind: i.tolerance_kind,
            tolerance: i.tolerance,
        });
        let status = status::traffic_light(value, threshold.as_ref(), i.direction);
        // The comparison (Riket, group, rank) is shown beside the value; statuses never read it.
        let kolada = match &i.kolada_kpi_id {
            Some(kpi) if self.detail => {
                let own = match self.kolada.comparison_year(self.store, kpi, self.kolada_year)? {
                    Some(year) => helar(year).0,
                    None => None,
                };
                self.kolada.comparison(self.store, kpi, self.kolada_year, i.direction, &i.unit, own)?
            }
            _ => None,
        };
        Ok(IndicatorCard {
            id: i.id,
            name: i.name.clone(),
            unit: i.unit.clone(),
            direction: i.direction,
            decimals: i.decimals as i32,
            kolada_kpi_id: i.kolada_kpi_id.clone(),
            value,
            value_period,
            value_women: women,
            value_men: men,
            target: threshold.map(|t| t.target),
            target_year: shown_target_year,
            status,
            previous,
            previous_period,
            trend: if same_period { status::trend(value, previous, i.direction, i.decimals) } else { None },
            value_source,
            kolada,
        })
    }

    fn assessment(&self, goal_id: i64, unit_id: i64) -> Option<AssessmentView> {
        self.assessments.get(&(goal_id, unit_id)).cloned().map(|(step, analysis, state, version)| {
            let s = step.and_then(|n| self.scale.iter().find(|s| s.step == n));
            AssessmentView {
                step,
                label: s.map(|s| s.label.clone()),
                label_en: s.map(|s| s.label_en.clone()),
                colour: s.map(|s| s.colour.clone()),
                analysis,
                state,
                version,
            }
        })
    }

    fn manual(&self, a: Option<&AssessmentView>) -> Option<(i32, crate::error::Msg, Status)> {
        let a = a?;
        let step = a.step?;
        let s = self.scale.iter().find(|s| s.step == step)?;
        Some((step, crate::error::Msg { sv: s.label.clone(), en: s.label_en.clone() }, s.status))
    }

    fn cards_of(&self, goal_id: i64) -> Vec<IndicatorCard> {
        let rows = self.indicators_by_goal.get(&goal_id).map(Vec::as_slice).unwrap_or(&[]);
        rows.iter().filter_map(|r| self.cards.get(&r.id).cloned()).collect()
    }

    /// (effective, computed) status of a goal, following the red thread down when the
    /// goal has no indicator with a status; `cache` holds one scorecard's goals. `depth`
    /// guards against malformed data.
    fn goal_status(
        &self,
        cache: &mut HashMap<i64, (StatusView, StatusView)>,
        goal_id: i64,
        owner: i64,
        depth: u32,
    ) -> (StatusView, StatusView) {
        if let Some(s) = cache.get(&goal_id) {
            return s.clone();
        }
        let from_indicators = self.indicator_roll_up(goal_id);
        let computed = if from_indicators.status.is_some() || depth > MAX_DEPTH {
            from_indicators
        } else {
            let children = self.children.get(&goal_id).map(Vec::as_slice).unwrap_or(&[]);
            if children.is_empty() {
                from_indicators
            } else {
                let statuses: Vec<Option<Status>> =
                    children.iter().map(|(child, child_owner)| self.goal_status(cache, *child, *child_owner, depth + 1).0.status).collect();
                status::roll_up(statuses)
            }
        };
        let assessment = self.assessment(goal_id, owner);
        let manual = self.manual(assessment.as_ref());
        let effective = status::with_manual(computed.clone(), manual.as_ref().map(|(s, l, st)| (*s, l, *st)));
        cache.insert(goal_id, (effective.clone(), computed.clone()));
        (effective, computed)
    }

    /// The scorecard of `unit` (whose goals were loaded).
    fn scorecard(&self, unit: OrgUnit, year: i32, vision: String, periods: Vec<Period>) -> Scorecard {
        let mut cache = HashMap::default();
        let mut cards_by_perspective: HashMap<i64, Vec<GoalCard>> = HashMap::default();
        for g in self.goals_by_owner.get(&unit.id).map(Vec::as_slice).unwrap_or(&[]) {
            let (status, computed) = self.goal_status(&mut cache, g.id, g.owner_unit_id, 0);
            let parents = self.parents.get(&g.id).cloned().unwrap_or_default();
            let card = GoalCard {
                id: g.id,
                code: g.code.clone(),
                level: g.level,
                title: g.title.clone(),
                description: g.description.clone(),
                status,
                computed,
                assessment: self.assessment(g.id, g.owner_unit_id),
                loose_thread: g.level != GoalLevel::Kf && parents.is_empty(),
                parents,
                indicators: self.cards_of(g.id),
            };
            cards_by_perspective.entry(g.perspective_id).or_default().push(card);
        }
        let perspectives = self
            .perspectives
            .iter()
            .map(|(id, name)| {
                let goals = cards_by_perspective.remove(id).unwrap_or_default();
                let status = status::roll_up(goals.iter().map(|g| g.status.status));
                PerspectiveCard { id: *id, name: name.clone(), status, goals }
            })
            .collect();
        let activities = self.activities_by_owner.get(&unit.id).cloned().unwrap_or_default();
        Scorecard { unit, year, period: self.period.clone(), periods, vision, scale: self.scale.clone(), perspectives, activities }
    }

    /// The statuses of `unit_id`'s scorecard (whose goals were loaded).
    fn statuses(&self, unit_id: i64) -> UnitStatuses {
        let mut cache = HashMap::default();
        let mut goals = Vec::new();
        let mut by_perspective: HashMap<i64, Vec<Option<Status>>> = HashMap::default();
        for g in self.goals_by_owner.get(&unit_id).map(Vec::as_slice).unwrap_or(&[]) {
            let (status, computed) = self.goal_status(&mut cache, g.id, g.owner_unit_id, 0);
            by_perspective.entry(g.perspective_id).or_default().push(status.status);
            goals.push(GoalStatuses { goal_id: g.id, status, computed });
        }
        let perspectives =
            self.perspectives.iter().map(|(pid, _)| (*pid, status::roll_up(by_perspective.remove(pid).unwrap_or_default()))).collect();
        UnitStatuses { unit_id, perspectives, goals }
    }
}

/// How far down the red thread a goal's status is followed (guards against malformed data).
const MAX_DEPTH: u32 = 8;

/// The period a scorecard shows: `period_id` (which must belong to `year`), else the
/// default period of the year judged against `today`.
fn chosen_period(store: &Store, year: i32, period_id: Option<i64>, today: chrono::NaiveDate) -> Result<Period> {
    match period_id {
        Some(id) => {
            let p = store.period(id)?;
            if p.plan_year != year {
                return Err(crate::error::AppError::validation(msg!(
                    "Perioden {} hör till {}, inte {year}.",
                    "The period {} belongs to {}, not {year}.",
                    p.name,
                    p.plan_year
                )));
            }
            Ok(p)
        }
        None => store.default_period(year, today),
    }
}

/// The units `unit_ids` (in that order); an unknown id gives the same "not found" as
/// [`Store::unit`].
fn units_in_order(store: &Store, unit_ids: &[i64]) -> Result<Vec<OrgUnit>> {
    if let [one] = unit_ids {
        // One unit's scorecard (the window, a unit's PDF) reads only that unit.
        return Ok(vec![store.unit(*one)?]);
    }
    let units: HashMap<i64, OrgUnit> = store.units()?.into_iter().map(|u| (u.id, u)).collect();
    unit_ids.iter().map(|id| units.get(id).cloned().map_or_else(|| store.unit(*id), Ok)).collect()
}

/// Build the scorecard of `unit_id` for `year` and `period` (default: see
/// [`Store::default_period`], judged against `today`): [`build_many`] for one unit.
pub fn build(store: &Store, unit_id: i64, year: i32, period_id: Option<i64>, today: chrono::NaiveDate) -> Result<Scorecard> {
    let mut cards = build_many(store, &[unit_id], year, period_id, today)?;
    cards.pop().ok_or_else(|| {
        crate::error::AppError::not_found(msg!("Enheten med id {unit_id} finns inte.", "The unit with id {unit_id} does not exist."))
    })
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
/// and period: exactly those of [`build`]'s scorecards, from the same loader without what
/// only a whole scorecard shows (parents, activities, Kolada comparisons).
pub fn unit_statuses(
    store: &Store,
    unit_ids: &[i64],
    year: i32,
    period_id: Option<i64>,
    today: chrono::NaiveDate,
) -> Result<Vec<UnitStatuses>> {
    units_in_order(store, unit_ids)?;
    if unit_ids.is_empty() {
        return Ok(Vec::new());
    }
    store.plan_year(year)?;
    let period = chosen_period(store, year, period_id, today)?;
    let mut loader = Loader::new(store, &period, false)?;
    loader.load_units(year, unit_ids)?;
    Ok(unit_ids.iter().map(|id| loader.statuses(*id)).collect())
}

/// The scorecards of `unit_ids` (in that order) for one year and period. Everything they
/// read is loaded at once, each fact with one statement for all units (see [`Loader`]), and
/// each indicator's card and Kolada figures are worked out once. One unit's scorecard
/// ([`build`]), the roll-up of a whole municipality and the reports all come from here.
pub fn build_many(store: &Store, unit_ids: &[i64], year: i32, period_id: Option<i64>, today: chrono::NaiveDate) -> Result<Vec<Scorecard>> {
    let units = units_in_order(store, unit_ids)?;
    if unit_ids.is_empty() {
        return Ok(Vec::new());
    }
    let plan = store.plan_year(year)?;
    let periods = store.periods(year)?;
    let period = chosen_period(store, year, period_id, today)?;
    let mut loader = Loader::new(store, &period, true)?;
    loader.load_units(year, unit_ids)?;
    Ok(units.into_iter().map(|unit| loader.scorecard(unit, year, plan.vision.clone(), periods.clone())).collect())
}

/// Indicators' cards for a period, exactly as the scorecard shows them, in the order asked.
pub fn indicator_cards(store: &Store, indicator_ids: &[i64], period: &Period) -> Result<Vec<IndicatorCard>> {
    let rows = store::indicators::by_ids(store.read(), indicator_ids)?;
    let mut loader = Loader::new(store, period, true)?;
    loader.load_cards(rows)?;
    indicator_ids
        .iter()
        .map(|id| {
            loader.cards.get(id).cloned().ok_or_else(|| {
                crate::error::AppError::not_found(msg!("Nyckeltalet (id {id}) finns inte.", "The indicator (id {id}) does not exist."))
            })
        })
        .collect()
}

/// One indicator's card for a period, exactly as the scorecard shows it.
pub fn indicator_card(store: &Store, indicator_id: i64, period: &Period) -> Result<IndicatorCard> {
    let mut cards = indicator_cards(store, &[indicator_id], period)?;
    cards.pop().ok_or_else(|| {
        crate::error::AppError::not_found(msg!(
            "Nyckeltalet (id {indicator_id}) finns inte.",
            "The indicator (id {indicator_id}) does not exist."
        ))
    })
}

/// The effective status of every active goal of a plan year for a period, by the same rules
/// as the scorecard (indicators, then the goals below, a manual assessment overriding).
pub fn goal_statuses(store: &Store, year: i32, period: &Period) -> Result<std::collections::HashMap<i64, StatusView>> {
    let owners: Vec<i64> = store.units()?.into_iter().map(|u| u.id).collect();
    let mut loader = Loader::new(store, period, false)?;
    loader.load_units(year, &owners)?;
    let mut cache = HashMap::default();
    let mut out = std::collections::HashMap::new();
    for g in loader.goals_by_owner.values().flatten() {
        out.insert(g.id, loader.goal_status(&mut cache, g.id, g.owner_unit_id, 0).0);
    }
    Ok(out)
}
