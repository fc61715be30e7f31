//! Follow-up of a period: the value grid (typing and pasting values), assessments and
//! their review, activity follow-up, the completeness overview and "styr mot rött".

pub mod delivery;
pub mod paste;
pub mod periods;
pub mod review;

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{AppError, Msg, Result};
use crate::model::{ActivityStatus, AssessmentState, Direction, Frequency, Gender, OrgUnit, Period, PeriodKind, Status, ValueSource};
use crate::msg;
use crate::scorecard::{self, GoalRef};
use crate::store::row_version::Seen;
use crate::store::{activities, assessments, goals, indicators, units, values, Store, Writer};
use paste::CellProblem;
use review::ReviewAction;

// ---------------------------------------------------------------------------
// Value grid

/// One row of the value grid: an indicator and a gender (T always; K and M where the
/// indicator is split by gender), with a cell per period of the year.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct GridRow {
    pub indicator_id: i64,
    pub name: String,
    pub unit: String,
    pub decimals: i32,
    pub direction: Direction,
    pub gender: Gender,
    pub target: Option<f64>,
    /// The helår value of the year before, for comparison.
    pub previous_year: Option<f64>,
    /// One value per column of `ValueGrid::periods`, same order.
    pub values: Vec<Option<f64>>,
    /// The row version of each value as loaded (`None` where there is no value), same order:
    /// what a save names so a change someone else made since is refused, not overwritten.
    pub versions: Vec<Option<i64>>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ValueGrid {
    pub unit: OrgUnit,
    pub year: i32,
    /// The columns: periods of the year in time order.
    pub periods: Vec<Period>,
    pub rows: Vec<GridRow>,
}

/// A change to one cell: a number, or `None` to clear it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CellChange {
    pub indicator_id: i64,
    pub period_id: i64,
    pub gender: Gender,
    pub value: Option<f64>,
    /// The version of the cell the user loaded (`GridRow::versions`); `None`: they saw no
    /// value. [`Writer::save_cells`] refuses the whole save with `conflict` when a cell's
    /// stored version differs; [`Writer::save_cells_unchecked`] ignores it.
    #[serde(default)]
    pub expected_version: Option<i64>,
}

/// A row of the value grid by what it is, not where it is shown: an indicator and a gender.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RowKey {
    pub indicator_id: i64,
    pub gender: Gender,
}

/// Where a typed value or a pasted block lands, by ids: the rows of the grid from the cell
/// where it starts downwards and the periods from it to the right, as the window shows them.
/// Cell (r, c) of the block goes to `rows[r]` in `period_ids[c]`. The core never turns a
/// screen position into an indicator, so a change to the indicator list between showing the
/// grid and saving cannot put a value on another indicator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PasteTarget {
    pub rows: Vec<RowKey>,
    pub period_ids: Vec<i64>,
    /// The versions the user loaded of these cells, `versions[r][c]` for `rows[r]` in
    /// `period_ids[c]` (`None`, or a cell past the end: they saw no value). Absent: the paste
    /// is not checked (the CLI, tests); the window always sends it, and a cell someone else
    /// saved since is then refused with `conflict` and nothing is saved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub versions: Option<Vec<Vec<Option<i64>>>>,
}

impl ValueGrid {
    /// The target of a block placed at (`row`, `column`) of this grid: its rows from there
    /// down and its periods from there to the right.
    pub fn target_at(&self, row: usize, column: usize) -> PasteTarget {
        PasteTarget {
            rows: self.rows.iter().skip(row).map(|r| RowKey { indicator_id: r.indicator_id, gender: r.gender }).collect(),
            period_ids: self.periods.iter().skip(column).map(|p| p.id).collect(),
            versions: Some(self.rows.iter().skip(row).map(|r| r.versions.iter().skip(column).copied().collect()).collect()),
        }
    }
}

/// Whether a save checks the versions the user loaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Checked {
    Yes,
    No,
}

/// Why a grid save or paste was refused; nothing was saved.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct GridRejection {
    pub problems: Vec<CellProblem>,
}

/// The value grid of the indicators a unit owns, for a plan year.
pub fn value_grid(store: &Store, unit_id: i64, year: i32) -> Result<ValueGrid> {
    let unit = store.unit(unit_id)?;
    let periods = store.periods(year)?;
    let db = store.read();
    let mut values: HashMap<(i64, i64, Gender), (f64, i64)> = HashMap::new();
    for (i, p, g, v, version) in values::of_owner_in_year(db, unit_id, year)? {
        values.insert((i, p, g), (v, version));
    }
    let mut rows = Vec::new();
    for ind in indicators::active_of_owner(db, unit_id)? {
        let target = indicators::target_in(db, ind.id, year)?;
        let genders: &[Gender] = if ind.gender_split { &[Gender::T, Gender::K, Gender::M] } else { &[Gender::T] };
        for g in genders {
            rows.push(GridRow {
                indicator_id: ind.id,
                name: ind.name.clone(),
                unit: ind.unit.clone(),
                decimals: ind.decimals,
                direction: ind.direction,
                gender: *g,
                target,
                previous_year: values::helar_of_year(db, ind.id, unit_id, *g, year - 1)?,
                values: periods.iter().map(|p| values.get(&(ind.id, p.id, *g)).map(|v| v.0)).collect(),
                versions: periods.iter().map(|p| values.get(&(ind.id, p.id, *g)).map(|v| v.1)).collect(),
            });
        }
    }
    Ok(ValueGrid { unit, year, periods, rows })
}

/// Map a block pasted at (`row`, `column`) of `grid` to cell changes, or report every
/// cell that cannot be read or falls outside the grid.
pub fn paste_changes(grid: &ValueGrid, row: usize, column: usize, block: &str) -> std::result::Result<Vec<CellChange>, GridRejection> {
    let parsed = paste::parse_block(block).map_err(|problems| GridRejection { problems })?;
    let mut problems = Vec::new();
    let mut changes = Vec::new();
    for (r, cells) in parsed.iter().enumerate() {
        for (c, value) in cells.iter().enumerate() {
            let (gr, gc) = (row + r, column + c);
            match (grid.rows.get(gr), grid.periods.get(gc)) {
                (Some(target_row), Some(period)) => {
                    if period.locked {
                        problems.push(CellProblem::new(
                            r as u32 + 1,
                            c as u32 + 1,
                            String::new(),
                            msg!(
                                "{} är låst. Be den som ansvarar för uppföljningen att låsa upp perioden.",
                                "{} is locked. Ask the person responsible for the follow-up to unlock the period.",
                                period.name
                            ),
                        ));
                    } else if target_row.values[gc] != *value {
                        changes.push(CellChange {
                            indicator_id: target_row.indicator_id,
                            period_id: period.id,
                            gender: target_row.gender,
                            value: *value,
                            expected_version: target_row.versions.get(gc).copied().flatten(),
                        });
                    }
                }
                _ => problems.push(CellProblem::new(r as u32 + 1, c as u32 + 1, String::new(), outside_table())),
            }
        }
    }
    if problems.is_empty() {
        Ok(changes)
    } else {
        Err(GridRejection { problems })
    }
}

/// The outcome of typing or pasting into the value grid: the refreshed grid, or the
/// cells that could not be read (and then nothing was saved).
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct PasteOutcome {
    pub grid: ValueGrid,
    pub saved: u32,
    pub problems: Vec<CellProblem>,
}

/// Type or paste `block` into a unit's grid for `year` at `target`: every cell is checked
/// against the database and saved in one transaction, or none is saved when any cell is
/// refused (then the problems say which, by their place in the block).
pub fn paste_and_save(
    store: &mut Store,
    ctx: &crate::store::ChangeContext,
    unit_id: i64,
    year: i32,
    target: &PasteTarget,
    block: &str,
) -> Result<PasteOutcome> {
    let parsed = match paste::parse_block(block) {
        Ok(parsed) => parsed,
        Err(problems) => return Ok(PasteOutcome { grid: value_grid(store, unit_id, year)?, saved: 0, problems }),
    };
    let saved = store.write(ctx, |w| w.paste_cells(unit_id, year, target, &parsed))?;
    let grid = value_grid(store, unit_id, year)?;
    Ok(match saved {
        Ok(saved) => PasteOutcome { grid, saved: saved as u32, problems: Vec::new() },
        Err(problems) => PasteOutcome { grid, saved: 0, problems },
    })
}

impl Writer<'_> {
    /// Put the parsed `block` into the unit's grid of `year` at `target`, inside this
    /// transaction: every cell's row must still be an active indicator of the unit (split by
    /// gender where K or M), every period one of the year and open. With any problem nothing
    /// is written and the problems come back; else the cells whose value differs are saved.
    pub fn paste_cells(
        &mut self,
        unit_id: i64,
        year: i32,
        target: &PasteTarget,
        block: &[Vec<Option<f64>>],
    ) -> Result<std::result::Result<usize, Vec<CellProblem>>> {
        let mut problems = Vec::new();
        let mut changes = Vec::new();
        for (r, cells) in block.iter().enumerate() {
            for (c, value) in cells.iter().enumerate() {
                let problem = |reason: Msg| CellProblem::new(r as u32 + 1, c as u32 + 1, String::new(), reason);
                let (Some(key), Some(&period_id)) = (target.rows.get(r), target.period_ids.get(c)) else {
                    problems.push(problem(outside_table()));
                    continue;
                };
                let period = crate::store::periods::find(self.read(), period_id)?.map(|p| (p.plan_year, p.locked, p.name));
                match period {
                    Some((y, false, _)) if y == year => {}
                    Some((y, true, name)) if y == year => {
                        problems.push(problem(msg!(
                            "{name} är låst. Be den som ansvarar för uppföljningen att låsa upp perioden.",
                            "{name} is locked. Ask the person responsible for the follow-up to unlock the period."
                        )));
                        continue;
                    }
                    _ => {
                        problems.push(problem(msg!(
                            "Perioden finns inte längre i planåret. Ladda om tabellen; inget har sparats.",
                            "The period is no longer in the plan year. Reload the table; nothing has been saved."
                        )));
                        continue;
                    }
                }
                let indicator = indicators::placement(self.read(), key.indicator_id)?;
                let in_grid = matches!(indicator, Some((owner, split, true)) if owner == unit_id && (split || key.gender == Gender::T));
                if !in_grid {
                    problems.push(problem(msg!(
                        "Raden finns inte längre i enhetens tabell (nyckeltalet har ändrats, flyttats eller inaktiverats). Ladda om tabellen; inget har sparats.",
                        "The row is no longer in the unit's table (the indicator has been changed, moved or deactivated). Reload the table; nothing has been saved."
                    )));
                    continue;
                }
                let current = values::at(self.read(), key.indicator_id, unit_id, period_id, key.gender.as_str())?;
                if current != *value {
                    let expected_version = target.versions.as_ref().and_then(|v| v.get(r)?.get(c).copied().flatten());
                    changes.push(CellChange {
                        indicator_id: key.indicator_id,
                        period_id,
                        gender: key.gender,
                        value: *value,
                        expected_version,
                    });
                }
            }
        }
        if !problems.is_empty() {
            return Ok(Err(problems));
        }
        let seen = if target.versions.is_some() { Checked::Yes } else { Checked::No };
        self.save_cells_as(unit_id, &changes, seen).map(Ok)
    }

    /// Save cell changes of a unit's value grid: all of them, or none. Each cell is checked
    /// against the version the user loaded (`CellChange::expected_version`): when someone
    /// else saved it since, the whole save is refused with `conflict` (field
    /// [`values::cell_field`]) naming who and when.
    pub fn save_cells(&mut self, unit_id: i64, changes: &[CellChange]) -> Result<usize> {
        self.save_cells_as(unit_id, changes, Checked::Yes)
    }

    /// [`Writer::save_cells`] without the version check, for callers that loaded no
    /// version: a value template read back from a workbook saves over what is there, as
    /// before row versions (the versions still count up).
    pub fn save_cells_unchecked(&mut self, unit_id: i64, changes: &[CellChange]) -> Result<usize> {
        self.save_cells_as(unit_id, changes, Checked::No)
    }

    fn save_cells_as(&mut self, unit_id: i64, changes: &[CellChange], checked: Checked) -> Result<usize> {
        for ch in changes {
            let row = indicators::placement(self.read(), ch.indicator_id)?.map(|(owner, split, _)| (owner, split));
            let Some((owner, split)) = row else {
                return Err(AppError::not_found(msg!(
                    "Nyckeltalet (id {}) finns inte.",
                    "The indicator (id {}) does not exist.",
                    ch.indicator_id
                )));
            };
            if owner != unit_id {
                return Err(AppError::validation(msg!(
                    "Nyckeltalet rapporteras av en annan enhet. Välj den enheten för att ändra värdet.",
                    "The indicator is reported by another unit. Choose that unit to change the value."
                )));
            }
            if ch.gender != Gender::T && !split {
                return Err(AppError::validation(msg!(
                    "Nyckeltalet är inte uppdelat på kvinnor och män.",
                    "The indicator is not split by women and men."
                )));
            }
            let seen = match checked {
                Checked::Yes => Seen::Version(ch.expected_version),
                Checked::No => Seen::Unchecked,
            };
            let key = (ch.indicator_id, unit_id, ch.period_id, ch.gender);
            match ch.value {
                Some(v) => values::set_seen(self, key, v, ValueSource::Manual, seen)?,
                None => values::delete_seen(self, key, seen)?,
            }
        }
        Ok(changes.len())
    }

    /// Clear a value in an open period ([`values::delete`]).
    pub fn delete_value(&mut self, indicator_id: i64, unit_id: i64, period_id: i64, gender: Gender) -> Result<()> {
        values::delete(self, indicator_id, unit_id, period_id, gender)
    }

    /// Write the step and analysis of a draft (or a new) assessment over whatever is stored
    /// (exchange files, tests); the window saves with [`Writer::save_assessment_seen`].
    pub fn save_assessment(&mut self, goal_id: i64, unit_id: i64, period_id: i64, step: Option<i32>, analysis: &str) -> Result<()> {
        self.save_assessment_as((goal_id, unit_id, period_id), step, analysis, Seen::Unchecked)
    }

    /// [`Writer::save_assessment`] of the assessment the user loaded at `expected_version`
    /// (`None`: they saw none): refused with `conflict` (field `analysis`), naming who changed
    /// it and when, when someone else saved it since.
    pub fn save_assessment_seen(
        &mut self,
        (goal_id, unit_id, period_id): (i64, i64, i64),
        step: Option<i32>,
        analysis: &str,
        expected_version: Option<i64>,
    ) -> Result<()> {
        self.save_assessment_as((goal_id, unit_id, period_id), step, analysis, Seen::Version(expected_version))
    }

    fn save_assessment_as(&mut self, key: (i64, i64, i64), step: Option<i32>, analysis: &str, seen: Seen) -> Result<()> {
        let (goal_id, unit_id, period_id) = key;
        if let Some((state, _)) = assessments::state_and_step(self.read(), goal_id, unit_id, period_id)? {
            review::editable(state)?;
        }
        assessments::set_seen(self, key, step, analysis, AssessmentState::Draft, seen)
    }

    /// Submit, approve or return an assessment.
    pub fn review_assessment(&mut self, goal_id: i64, unit_id: i64, period_id: i64, action: &ReviewAction) -> Result<AssessmentState> {
        crate::store::periods::require_open(self.read(), period_id)?;
        let Some((state, step)) = assessments::state_and_step(self.read(), goal_id, unit_id, period_id)? else {
            return Err(AppError::not_found(msg!(
                "Det finns ingen bedömning att granska ännu. Skriv en bedömning först.",
                "There is no assessment to review yet. Write an assessment first."
            )));
        };
        if matches!(action, ReviewAction::Submit) && step.is_none() {
            return Err(AppError::validation(msg!(
                "Välj en bedömning på skalan innan du skickar till granskning.",
                "Choose an assessment on the scale before you send it for review."
            )));
        }
        let next = review::next_state(state, action)?;
        let comment = match action {
            ReviewAction::Return { comment } => comment.trim().to_string(),
            _ => String::new(),
        };
        assessments::set_review(self, (goal_id, unit_id, period_id), state, next, &comment)?;
        Ok(next)
    }

    /// Status and comment of an activity for a period, unchecked (the CLI, the seed loader,
    /// tests); the window saves with [`Self::set_activity_follow_up_seen`].
    pub fn set_activity_follow_up(&mut self, activity_id: i64, period_id: i64, status: ActivityStatus, comment: &str) -> Result<()> {
        activities::set_follow_up(self, activity_id, period_id, status, comment, Seen::Unchecked)
    }

    /// [`Self::set_activity_follow_up`] of the follow-up the user loaded at `expected_version`
    /// (`None`: they saw none): refused with `conflict` (field `comment`), naming who changed
    /// it and when, when someone else saved it since.
    pub fn set_activity_follow_up_seen(
        &mut self,
        (activity_id, period_id): (i64, i64),
        status: ActivityStatus,
        comment: &str,
        expected_version: Option<i64>,
    ) -> Result<()> {
        activities::set_follow_up(self, activity_id, period_id, status, comment, Seen::Version(expected_version))
    }
}

// ---------------------------------------------------------------------------
// Completeness overview

/// What a unit has delivered for a period.
#[derive(Debug, Clone, Default, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct Delivery {
    pub values_expected: u32,
    pub values_present: u32,
    pub goals: u32,
    /// Goals with a step chosen on the scale.
    pub assessed: u32,
    /// Goals with an analysis text.
    pub analysed: u32,
    /// Assessments waiting for approval (klar för granskning).
    pub waiting: u32,
    pub approved: u32,
    pub activities: u32,
    pub activities_followed_up: u32,
    /// Report texts expected (`narrative`: the municipality's sections, a nämnd's own).
    pub texts: u32,
    /// Report texts written (not empty).
    pub texts_written: u32,
    /// Report texts waiting for approval.
    pub texts_waiting: u32,
    pub texts_approved: u32,
    /// Follow-up of the uppdrag the unit is responsible for (`delivery::steering`).
    pub assignments: delivery::KindDelivery,
    /// Follow-up of the controls of the unit's intern kontroll plans.
    pub controls: delivery::KindDelivery,
    /// Whether the unit's tjänstegarantier were kept.
    pub guarantees: delivery::KindDelivery,
}

impl Delivery {
    fn add(&mut self, o: &Delivery) {
        self.values_expected += o.values_expected;
        self.values_present += o.values_present;
        self.goals += o.goals;
        self.assessed += o.assessed;
        self.analysed += o.analysed;
        self.waiting += o.waiting;
        self.approved += o.approved;
        self.activities += o.activities;
        self.activities_followed_up += o.activities_followed_up;
        self.texts += o.texts;
        self.texts_written += o.texts_written;
        self.texts_waiting += o.texts_waiting;
        self.texts_approved += o.texts_approved;
        self.assignments.add(&o.assignments);
        self.controls.add(&o.controls);
        self.guarantees.add(&o.guarantees);
    }

    /// Uppdrag, controls and tjänstegarantier together.
    fn steering(&self) -> delivery::KindDelivery {
        let mut all = self.assignments;
        all.add(&self.controls);
        all.add(&self.guarantees);
        all
    }
}

/// Where a unit stands, most urgent first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum DeliveryState {
    /// Something is missing and the deadline has passed.
    Late,
    Missing,
    /// Everything delivered; some assessments wait for approval.
    Waiting,
    Complete,
    /// The unit has nothing to report for the period.
    NothingExpected,
}

/// The state of a delivery on `today` against the period's `deadline`.
pub fn delivery_state(d: &Delivery, deadline: Option<&str>, today: &str) -> DeliveryState {
    let steering = d.steering();
    let expected = d.values_expected + d.goals + d.activities + d.texts + steering.expected;
    if expected == 0 {
        return DeliveryState::NothingExpected;
    }
    let missing = d.values_present < d.values_expected
        || d.assessed < d.goals
        || d.analysed < d.goals
        || d.activities_followed_up < d.activities
        || d.texts_written < d.texts
        || steering.delivered < steering.expected;
    if missing {
        return if deadline.is_some_and(|dl| today > dl) { DeliveryState::Late } else { DeliveryState::Missing };
    }
    if d.approved < d.goals || d.texts_approved < d.texts || steering.approved < steering.expected {
        DeliveryState::Waiting
    } else {
        DeliveryState::Complete
    }
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct CompletenessRow {
    pub unit: OrgUnit,
    /// Depth in the organisation tree, 0 for the top unit.
    pub depth: u32,
    pub delivery: Delivery,
    pub state: DeliveryState,
    /// A nämnd's, förvaltning's or bolag's driftredovisning for the period (`None` for units
    /// that have none). Shown beside the delivery; it does not change `state`.
    pub economy: Option<EconomyDelivery>,
}

/// Whether a unit's driftredovisning is reported (utfall and prognos entered) and its review state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct EconomyDelivery {
    pub reported: bool,
    pub state: AssessmentState,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Completeness {
    pub period: Period,
    pub rows: Vec<CompletenessRow>,
    pub totals: Delivery,
    /// How many units are in each state, in the order of `DeliveryState`.
    pub late: u32,
    pub missing: u32,
    pub waiting: u32,
    pub complete: u32,
    /// Driftredovisningar expected, reported and approved (nämnder, förvaltningar, bolag).
    pub economy_expected: u32,
    pub economy_reported: u32,
    pub economy_approved: u32,
}

fn expected_in(frequency: Frequency, kind: PeriodKind) -> bool {
    match frequency {
        Frequency::Year => kind == PeriodKind::Helar,
        Frequency::Tertial => kind != PeriodKind::Month,
        Frequency::Month => true,
    }
}

/// Per unit (tree order), what is delivered for `period_id`, judged on `today`.
pub fn completeness(store: &Store, period_id: i64, today: chrono::NaiveDate) -> Result<Completeness> {
    let period = store.period(period_id)?;
    let today = today.format("%Y-%m-%d").to_string();
    let db = store.read();
    let mut per_unit: HashMap<i64, Delivery> = HashMap::new();
    for (unit, freq, present) in indicators::values_delivered(db, period.id)? {
        if expected_in(freq, period.kind) || present {
            let d = per_unit.entry(unit).or_default();
            d.values_expected += 1;
            d.values_present += present as u32;
        }
    }
    for (unit, assessed, analysed, state) in goals::assessment_delivery(db, period.id, period.plan_year)? {
        let d = per_unit.entry(unit).or_default();
        d.goals += 1;
        d.assessed += assessed.unwrap_or(false) as u32;
        d.analysed += analysed.unwrap_or(false) as u32;
        d.waiting += (state == Some(AssessmentState::Ready)) as u32;
        d.approved += (state == Some(AssessmentState::Approved)) as u32;
    }
    for (unit, followed) in activities::follow_up_delivery(db, period.id, period.plan_year)? {
        let d = per_unit.entry(unit).or_default();
        d.activities += 1;
        d.activities_followed_up += followed as u32;
    }
    for (unit, t) in crate::narrative::delivery(db, &period)? {
        let d = per_unit.entry(unit).or_default();
        d.texts += t.expected;
        d.texts_written += t.written;
        d.texts_waiting += t.waiting;
        d.texts_approved += t.approved;
    }
    for (unit, [assignments, controls, guarantees]) in delivery::steering(db, &period)? {
        let d = per_unit.entry(unit).or_default();
        (d.assignments, d.controls, d.guarantees) = (assignments, controls, guarantees);
    }

    let reported: HashSet<i64> = crate::store::economy::operating_of_period(db, period.id)?
        .into_iter()
        .filter(|r| r.actual.is_some() && r.forecast.is_some())
        .map(|r| r.org_unit_id)
        .collect();
    let reviews: HashMap<i64, AssessmentState> = crate::store::economy::reviews_of_period(db, period.id)?
        .into_iter()
        .filter(|r| r.part == crate::model::EconomyPart::Operating)
        .map(|r| (r.org_unit_id, r.state))
        .collect();
    let (mut economy_expected, mut economy_reported, mut economy_approved) = (0, 0, 0);

    let mut rows = Vec::new();
    fn walk(nodes: &[crate::model::UnitNode], depth: u32, out: &mut Vec<(OrgUnit, u32)>) {
        for n in nodes {
            out.push((n.unit.clone(), depth));
            walk(&n.children, depth + 1, out);
        }
    }
    let mut ordered = Vec::new();
    walk(&store.unit_tree()?, 0, &mut ordered);
    let mut totals = Delivery::default();
    let (mut late, mut missing, mut waiting, mut complete) = (0, 0, 0, 0);
    for (unit, depth) in ordered.into_iter().filter(|(u, _)| u.active) {
        let delivery = per_unit.remove(&unit.id).unwrap_or_default();
        let state = delivery_state(&delivery, period.deadline.as_deref(), &today);
        match state {
            DeliveryState::Late => late += 1,
            DeliveryState::Missing => missing += 1,
            DeliveryState::Waiting => waiting += 1,
            DeliveryState::Complete => complete += 1,
            DeliveryState::NothingExpected => {}
        }
        totals.add(&delivery);
        let economy =
            matches!(unit.kind, crate::model::UnitKind::Namnd | crate::model::UnitKind::Forvaltning | crate::model::UnitKind::Bolag).then(
                || EconomyDelivery {
                    reported: reported.contains(&unit.id),
                    state: reviews.get(&unit.id).copied().unwrap_or(AssessmentState::Draft),
                },
            );
        if let Some(e) = economy {
            economy_expected += 1;
            economy_reported += u32::from(e.reported);
            economy_approved += u32::from(e.state == AssessmentState::Approved);
        }
        rows.push(CompletenessRow { unit, depth, delivery, state, economy });
    }
    Ok(Completeness { period, rows, totals, late, missing, waiting, complete, economy_expected, economy_reported, economy_approved })
}

// ---------------------------------------------------------------------------
// Styr mot rött

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum RedOrder {
    /// Furthest from target first.
    WorstFirst,
    /// Most improved since the year before first.
    BiggestImprovement,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct RedActivity {
    pub id: i64,
    pub title: String,
    pub status: ActivityStatus,
}

/// A red indicator, with how far it is from target and what is being done about it.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct RedIndicator {
    pub unit_id: i64,
    pub unit_name: String,
    pub indicator: scorecard::IndicatorCard,
    /// How far from target, as a share of the target (0.25 = 25 % worse than target).
    pub gap: f64,
    /// Change since the year before, as a share, positive when better.
    pub improvement: Option<f64>,
    pub goals: Vec<GoalRef>,
    pub activities: Vec<RedActivity>,
}

/// Share by which `value` is worse than `target` (positive = worse); against a target of 0
/// or below, the difference itself (a share of 0 or of a negative number means nothing).
pub fn gap(value: f64, target: f64, direction: Direction) -> f64 {
    let worse_by = match direction {
        Direction::Higher => target - value,
        Direction::Lower => value - target,
    };
    if target <= f64::EPSILON {
        worse_by
    } else {
        worse_by / target.abs()
    }
}

/// Share by which `current` is better than `previous` (positive = better); from 0 or below,
/// the difference itself.
pub fn improvement(current: f64, previous: f64, direction: Direction) -> f64 {
    let better_by = match direction {
        Direction::Higher => current - previous,
        Direction::Lower => previous - current,
    };
    if previous <= f64::EPSILON {
        better_by
    } else {
        better_by / previous.abs()
    }
}

/// Sort red indicators in place; ties keep name order so the list is stable.
pub fn rank(items: &mut [RedIndicator], order: RedOrder) {
    items.sort_by(|a, b| {
        let primary = match order {
            RedOrder::WorstFirst => b.gap.total_cmp(&a.gap),
            RedOrder::BiggestImprovement => {
                let (ia, ib) = (a.improvement.unwrap_or(f64::NEG_INFINITY), b.improvement.unwrap_or(f64::NEG_INFINITY));
                ib.total_cmp(&ia)
            }
        };
        primary.then_with(|| a.indicator.name.cmp(&b.indicator.name))
    });
}

/// The red indicators of a unit and every unit below it, for a period.
pub fn red_indicators(store: &Store, unit_id: i64, period_id: i64, order: RedOrder) -> Result<Vec<RedIndicator>> {
    let period = store.period(period_id)?;
    let db = store.read();
    let scope: HashSet<i64> = units::branch(db, unit_id)?.into_iter().collect();
    let names: HashMap<i64, String> = store.units()?.into_iter().map(|u| (u.id, u.name)).collect();
    let indicators: Vec<(i64, i64)> = indicators::active_with_owner(db)?.into_iter().filter(|(_, owner)| scope.contains(owner)).collect();
    let mut out = Vec::new();
    for (id, owner) in indicators {
        let card = scorecard::indicator_card(store, id, &period)?;
        if card.status.status != Some(Status::Red) {
            continue;
        }
        let (Some(value), Some(target)) = (card.value, card.target) else { continue };
        let goals = goals::measured_by(db, id, period.plan_year)?;
        let mut activities: Vec<RedActivity> = Vec::new();
        for g in &goals {
            for a in activities::of_goal_in_period(db, g.id, period.id)? {
                if !activities.iter().any(|x| x.id == a.id) {
                    activities.push(RedActivity { id: a.id, title: a.title, status: a.status });
                }
            }
        }
        out.push(RedIndicator {
            unit_id: owner,
            unit_name: names.get(&owner).cloned().unwrap_or_default(),
            gap: gap(value, target, card.direction),
            improvement: card.previous.map(|p| improvement(value, p, card.direction)),
            indicator: card,
            goals,
            activities,
        });
    }
    rank(&mut out, order);
    Ok(out)
}

// ---------------------------------------------------------------------------
// Trend series

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct SeriesPoint {
    pub year: i32,
    pub kind: PeriodKind,
    /// e.g. "2025 helår", "2026 T1".
    pub label: String,
    pub value: Option<f64>,
    pub women: Option<f64>,
    pub men: Option<f64>,
    pub target: Option<f64>,
}

/// An indicator's values over years and periods (owner unit), with the target of each year.
///
/// Read through the one history read of an indicator ([`values::of_indicator`]): the owner's
/// values, one point per period in time order.
pub fn indicator_series(store: &Store, indicator_id: i64) -> Result<Vec<SeriesPoint>> {
    let owner = store.indicator_owner(indicator_id)?;
    let targets: HashMap<i32, f64> = store.indicator_targets(indicator_id)?.into_iter().collect();
    let mut points: Vec<SeriesPoint> = Vec::new();
    let mut last_period = None;
    for v in store.indicator_values(indicator_id)?.into_iter().filter(|v| v.org_unit_id == owner) {
        let p = &v.period;
        if last_period != Some(p.id) {
            last_period = Some(p.id);
            points.push(SeriesPoint {
                year: p.plan_year,
                kind: p.kind,
                label: p.kind.label(p.plan_year, p.seq),
                value: None,
                women: None,
                men: None,
                target: targets.get(&p.plan_year).copied(),
            });
        }
        if let Some(point) = points.last_mut() {
            match v.gender {
                Gender::T => point.value = Some(v.value),
                Gender::K => point.women = Some(v.value),
                Gender::M => point.men = Some(v.value),
            }
        }
    }
    Ok(points)
}

/// A pasted block that reaches past the table's edge.
fn outside_table() -> Msg {
    msg!(
        "Det inklistrade blocket går utanför tabellen. Markera en cell längre upp eller till vänster, eller klistra in färre rader och kolumner.",
        "The pasted block goes beyond the table. Select a cell further up or to the left, or paste fewer rows and columns."
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(values: (u32, u32), goals: u32, assessed: u32, analysed: u32, waiting: u32, approved: u32, acts: (u32, u32)) -> Delivery {
        Delivery {
            values_expected: values.0,
            values_present: values.1,
            goals,
            assessed,
            analysed,
            waiting,
            approved,
            activities: acts.0,
            activities_followed_up: acts.1,
            ..Delivery::default()
        }
    }

    #[test]
    fn report_texts_count_like_assessments() {
        let texts = |expected, written, approved| Delivery {
            texts: expected,
            texts_written: written,
            texts_approved: approved,
            ..Delivery::default()
        };
        assert_eq!(delivery_state(&texts(2, 1, 1), None, "2026-09-10"), DeliveryState::Missing);
        assert_eq!(delivery_state(&texts(2, 1, 1), Some("2026-09-01"), "2026-09-10"), DeliveryState::Late);
        assert_eq!(delivery_state(&texts(2, 2, 1), None, "2026-09-10"), DeliveryState::Waiting);
        assert_eq!(delivery_state(&texts(2, 2, 2), None, "2026-09-10"), DeliveryState::Complete);
    }

    #[test]
    fn uppdrag_controls_and_guarantees_count_like_assessments() {
        use delivery::KindDelivery as K;
        let k = |expected, delivered, approved| K { expected, delivered, waiting: 0, approved };
        let cases = [
            ("only an uppdrag, not followed up", Delivery { assignments: k(1, 0, 0), ..Delivery::default() }, DeliveryState::Missing),
            ("a control followed up, not approved", Delivery { controls: k(2, 2, 1), ..Delivery::default() }, DeliveryState::Waiting),
            ("a guarantee approved", Delivery { guarantees: k(1, 1, 1), ..Delivery::default() }, DeliveryState::Complete),
            (
                "the rest approved, one guarantee missing",
                Delivery { assignments: k(1, 1, 1), guarantees: k(2, 1, 1), ..d((1, 1), 0, 0, 0, 0, 0, (0, 0)) },
                DeliveryState::Missing,
            ),
        ];
        for (name, delivery, expected) in cases {
            assert_eq!(delivery_state(&delivery, None, "2026-09-10"), expected, "{name}");
        }
        let late = Delivery { controls: k(1, 0, 0), ..Delivery::default() };
        assert_eq!(delivery_state(&late, Some("2026-09-01"), "2026-09-10"), DeliveryState::Late);
    }

    #[test]
    fn delivery_state_table() {
        let deadline = Some("2026-09-20");
        let cases = [
            (d((0, 0), 0, 0, 0, 0, 0, (0, 0)), "2026-09-01", DeliveryState::NothingExpected),
            (d((3, 2), 1, 1, 1, 0, 1, (0, 0)), "2026-09-01", DeliveryState::Missing),
            (d((3, 2), 1, 1, 1, 0, 1, (0, 0)), "2026-09-21", DeliveryState::Late),
            (d((3, 3), 2, 2, 1, 1, 0, (0, 0)), "2026-09-10", DeliveryState::Missing), // one analysis missing
            (d((3, 3), 2, 2, 2, 1, 1, (1, 0)), "2026-09-10", DeliveryState::Missing), // activity not followed up
            (d((3, 3), 2, 2, 2, 1, 1, (1, 1)), "2026-09-25", DeliveryState::Waiting), // late but all delivered
            (d((3, 3), 2, 2, 2, 0, 2, (1, 1)), "2026-09-25", DeliveryState::Complete),
            (d((0, 0), 0, 0, 0, 0, 0, (2, 2)), "2026-09-25", DeliveryState::Complete),
        ];
        for (delivery, today, expected) in cases {
            assert_eq!(delivery_state(&delivery, deadline, today), expected, "{delivery:?} {today}");
        }
        assert_eq!(
            delivery_state(&d((1, 0), 0, 0, 0, 0, 0, (0, 0)), None, "2030-01-01"),
            DeliveryState::Missing,
            "no deadline is never late"
        );
    }

    #[test]
    fn gap_and_improvement_follow_the_direction() {
        assert!((gap(80.0, 100.0, Direction::Higher) - 0.2).abs() < 1e-12);
        assert!((gap(9.0, 6.0, Direction::Lower) - 0.5).abs() < 1e-12);
        assert!(gap(110.0, 100.0, Direction::Higher) < 0.0);
        assert!((gap(-3.0, 0.0, Direction::Higher) - 3.0).abs() < 1e-12, "zero target: absolute gap");
        assert!((improvement(9.0, 10.0, Direction::Lower) - 0.1).abs() < 1e-12);
        assert!(improvement(9.0, 10.0, Direction::Higher) < 0.0);
    }

    #[test]
    fn expected_periods_follow_the_frequency() {
        assert!(expected_in(Frequency::Year, PeriodKind::Helar));
        assert!(!expected_in(Frequency::Year, PeriodKind::Delar));
        assert!(expected_in(Frequency::Tertial, PeriodKind::Tertial));
        assert!(!expected_in(Frequency::Tertial, PeriodKind::Month));
        assert!(expected_in(Frequency::Month, PeriodKind::Month));
    }
}
