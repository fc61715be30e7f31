//! The verksamhetsplan: the plan year's document compiled from every unit's plan (issue 16,
//! item 6), for the whole municipality or one nämnd, built once as a [`Report`] that the
//! delårsrapport's PDF and Word renderers draw.
//!
//! In order, each section left out when it has nothing to show: Vision; Perspektiv (what
//! each one means, and how many goals each level has in it); one section per perspective
//! with the top unit's goals (for the municipality the KF-mål), each with its Agenda 2030
//! tags, its indicators (unit, direction, target for the plan year, outcome the year
//! before) and the goals that serve it (röda tråden); the top unit's grunduppdrag,
//! tjänstegarantier and activities; a section per nämnd (units below as subsections) with
//! grunduppdrag, tjänstegarantier, goals ("Bidrar till: …") and activities; Uppdrag;
//! Intern kontroll (per nämnd: the risks with probability × consequence and the chosen
//! ones' controls); Agenda 2030 (the goals per global goal).
//!
//! Goals are headings here, not the delårsrapport's goal heads: a plan has no assessments.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDate;

use super::document::{column, fill_first_column, Block, Cover, Meta, Report, Table, TextStyle};
use super::pdf_layout::{Align, Cell};
use super::settings::ReportSettings;
use super::{activity_colour, date_sv, units_below, value_text};
use crate::error::{AppError, Result};
use crate::model::{
    Assignment, Control, ControlPlan, ControlReportIn, ControlRisk, Direction, GlobalGoalTag, OrgUnit, PeriodKind, GLOBAL_GOALS,
};
use crate::msg;
use crate::scorecard::{self, ActivityRow, GoalCard, IndicatorCard, Scorecard};
use crate::store::{
    assignments as store_assignments, global_goals as store_global_goals, indicators as store_indicators,
    internal_control as store_internal_control, periods as store_periods, plan as store_plan, unit_missions as store_unit_missions,
    units as store_units, values as store_values, Store,
};

/// The verksamhetsplan of `unit_id` (the municipality, a nämnd or any unit) and every unit
/// below it for the plan year `year`; `None` is the whole municipality.
pub(crate) fn build(store: &Store, unit_id: Option<i64>, year: i32, today: NaiveDate) -> Result<Report> {
    let settings = ReportSettings::load(store)?;
    let db = store.read();
    let top_id = match unit_id {
        Some(id) => id,
        None => store_units::top_id(db)?.ok_or_else(|| {
            AppError::not_found(msg!(
                "Det finns ingen organisation att göra verksamhetsplanen för.",
                "There is no organisation to make the plan for."
            ))
        })?,
    };
    let plan_year = store.plan_year(year)?;
    let units = units_below(store, top_id)?;
    let unit_ids: Vec<i64> = units.iter().map(|(u, _)| u.id).collect();
    let in_scope: HashSet<i64> = unit_ids.iter().copied().collect();
    // The scorecards give the plan's structure (perspectives, goals, their links, indicators,
    // activities); the period only decides statuses, which a plan does not print.
    let cards: Vec<(Scorecard, usize)> =
        scorecard::build_many(store, &unit_ids, year, None, today)?.into_iter().zip(units.iter().map(|(_, d)| *d)).collect();
    let Some((top, _)) = cards.first() else {
        return Err(AppError::not_found(msg!("Enheten med id {top_id} finns inte.", "The unit with id {top_id} does not exist.")));
    };
    let names: HashMap<i64, String> = store.units()?.into_iter().map(|u| (u.id, u.name)).collect();
    let perspectives = store_plan::perspectives(db, year)?;
    let figures = Figures::load(store, &cards, year)?;
    let goal_tags = tags_by_subject(store_global_goals::of_goals_of_year(db, year)?);
    let indicator_tags = tags_by_subject(store_global_goals::of_indicators(db)?);
    let missions: HashMap<i64, String> = store_unit_missions::missions_of_year(db, year)?
        .into_iter()
        .filter(|m| !m.mission.trim().is_empty())
        .map(|m| (m.org_unit_id, m.mission.trim().to_string()))
        .collect();
    let mut guarantees: HashMap<i64, Vec<crate::model::ServiceGuarantee>> = HashMap::new();
    for g in store_unit_missions::guarantees_of_year(db, year)? {
        guarantees.entry(g.org_unit_id).or_default().push(g);
    }
    let assignments: Vec<Assignment> =
        store_assignments::of_year(db, year)?.into_iter().filter(|a| in_scope.contains(&a.responsible_unit_id)).collect();
    let plans: Vec<ControlPlan> =
        store_internal_control::plans_of_year(db, year)?.into_iter().filter(|p| in_scope.contains(&p.org_unit_id)).collect();
    let risks = store_internal_control::risks_of_year(db, year)?;
    let controls = store_internal_control::controls_of_year(db, year)?;

    // Every goal in the plan: its code and title, its unit, and the goals that serve it.
    let all_goals: Vec<(&GoalCard, &OrgUnit)> =
        cards.iter().flat_map(|(c, _)| c.perspectives.iter().flat_map(move |p| p.goals.iter().map(move |g| (g, &c.unit)))).collect();
    let goal_name: HashMap<i64, String> = all_goals.iter().map(|(g, _)| (g.id, goal_title(g))).collect();
    let mut children: HashMap<i64, Vec<(&GoalCard, &OrgUnit)>> = HashMap::new();
    for (g, u) in &all_goals {
        for p in &g.parents {
            children.entry(p.id).or_default().push((g, u));
        }
    }

    let title = format!("Verksamhetsplan {year} – {}", top.unit.name);
    let mut header_left = format!("{} · Verksamhetsplan {year}", settings.municipality_name);
    if top.unit.name != settings.municipality_name {
        header_left.push_str(&format!(" · {}", top.unit.name));
    }
    let vision = plan_year.vision.trim().to_string();
    let mut report = Report {
        meta: Meta {
            title,
            author: settings.municipality_name.clone(),
            subject: format!("Verksamhetsplan {year} för {} och enheterna under", top.unit.name),
            keywords: vec!["verksamhetsplan".into(), "styrkort".into(), year.to_string(), top.unit.name.clone()],
            language: "sv-SE".into(),
            date: today,
        },
        cover: Cover {
            over: settings.municipality_name.clone(),
            title: "Verksamhetsplan".into(),
            subtitle: format!("Planår {year}"),
            unit: top.unit.name.clone(),
            lines: vec![format!("Utskriven {}", date_sv(today))],
            vision: None,
        },
        header_left,
        footer_text: settings.footer_text.clone(),
        draft_mark: None,
        primary: settings.primary(),
        accent: settings.accent(),
        logo: settings.logo_bytes(),
        contents: true,
        blocks: Vec::new(),
    };
    let ctx = Context { year, figures: &figures, goal_tags: &goal_tags, indicator_tags: &indicator_tags };
    let out = &mut report.blocks;

    // Vision.
    if !vision.is_empty() {
        out.push(Block::heading(1, "Vision", true));
        out.extend(super::document::rich_text(&vision, TextStyle::Body));
    }

    // The perspectives: what each means, and how many goals of each level it has.
    if !perspectives.is_empty() {
        out.push(Block::heading(1, "Perspektiv", true));
        out.push(Block::text(
            format!("Planen för {year} är ordnad i {} perspektiv. Varje mål hör till ett av dem.", perspectives.len()),
            TextStyle::Body,
        ));
        for p in &perspectives {
            out.push(Block::Paragraph {
                spans: vec![super::pdf_layout::Span { text: p.name.clone(), weight: super::pdf_layout::Weight::Bold }],
                style: TextStyle::Body,
            });
            if !p.description.trim().is_empty() {
                out.push(Block::text(p.description.trim(), TextStyle::Body));
            }
        }
        out.push(Block::Table(perspective_table(&cards, &perspectives)));
    }

    // One section per perspective: the top unit's goals (the KF-mål) with what serves them.
    let top_has_goals = top.perspectives.iter().any(|p| !p.goals.is_empty());
    if top_has_goals {
        for p in &top.perspectives {
            out.push(Block::heading(1, p.name.clone(), true));
            if p.goals.is_empty() {
                out.push(Block::text(
                    format!("{} har inga mål i perspektivet {p} för {year}.", top.unit.name, p = p.name),
                    TextStyle::Muted,
                ));
            }
            for g in &p.goals {
                goal(out, &ctx, g, 2);
                serving(out, &children, g.id);
            }
        }
    }

    // The top unit's own grunduppdrag, tjänstegarantier and activities.
    let own = UnitParts::of(&top.unit, &missions, &guarantees, &top.activities);
    if own.any() {
        let title = match (own.has_mission(), own.activities.is_empty()) {
            (true, false) => "Grunduppdrag och aktiviteter",
            (true, true) => "Grunduppdrag",
            (false, _) => "Aktiviteter",
        };
        out.push(Block::heading(1, format!("{title} – {}", top.unit.name), true));
        own.push_mission(out, 2);
        // Under a section of only activities, the table needs no heading of its own.
        own.push_activities(out, own.has_mission().then_some(2));
    }

    // The units below: a section per nämnd (and bolag), its units as subsections.
    for (card, depth) in cards.iter().skip(1) {
        let parts = UnitParts::of(&card.unit, &missions, &guarantees, &card.activities);
        let has_goals = card.perspectives.iter().any(|p| !p.goals.is_empty());
        if !has_goals && !parts.any() {
            continue;
        }
        let level = if *depth <= 1 { 1 } else { 2 };
        out.push(Block::heading(level, card.unit.name.clone(), true));
        parts.push_mission(out, level + 1);
        for p in card.perspectives.iter().filter(|p| !p.goals.is_empty()) {
            out.push(Block::heading(level + 1, p.name.clone(), false));
            for g in &p.goals {
                goal(out, &ctx, g, level + 2);
            }
        }
        parts.push_activities(out, Some(level + 1));
    }

    // Uppdrag.
    if !assignments.is_empty() {
        out.push(Block::heading(1, "Uppdrag", true));
        out.push(Block::text(
            format!("Uppdrag som kommunfullmäktige och nämnderna har gett för {year}, med beslut, ansvarig och när de ska vara klara."),
            TextStyle::Body,
        ));
        out.push(Block::Table(assignment_table(&assignments, &names, &goal_name)));
    }

    // Intern kontroll: per nämnd its risks and the controls of the chosen ones.
    if !plans.is_empty() {
        out.push(Block::heading(1, "Intern kontroll", true));
        out.push(Block::text(
            "Riskerna i nämndernas processer bedömda efter sannolikhet (S) och konsekvens (K), 1–4 vardera; riskvärdet är S × K. De valda riskerna får kontrollmoment i planen.",
            TextStyle::Body,
        ));
        // Plans in the order of the units in the plan.
        let order: HashMap<i64, usize> = unit_ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
        let mut plans = plans;
        plans.sort_by_key(|p| order.get(&p.org_unit_id).copied().unwrap_or(usize::MAX));
        for plan in &plans {
            control_plan(out, plan, &risks, &controls, &names);
        }
    }

    // Agenda 2030: the plan's goals per global goal.
    let mut by_global: BTreeMap<u8, Vec<(String, String, String)>> = BTreeMap::new();
    for (g, u) in &all_goals {
        for t in goal_tags.get(&g.id).into_iter().flatten() {
            by_global.entry(t.global_goal).or_default().push((u.name.clone(), goal_title(g), t.targets.trim().to_string()));
        }
    }
    if !by_global.is_empty() {
        out.push(Block::heading(1, "Agenda 2030", true));
        out.push(Block::text("Planens mål ordnade efter de globala målen i Agenda 2030 som de bidrar till.", TextStyle::Body));
        for (number, goals) in &by_global {
            out.push(Block::heading(2, global_goal_name(*number), false));
            let mut columns =
                vec![column("Mål", 0.0, Align::Left), column("Enhet", 130.0, Align::Left), column("Delmål", 70.0, Align::Left)];
            fill_first_column(&mut columns);
            let rows = goals
                .iter()
                .map(|(unit, goal, targets)| {
                    vec![
                        Cell::plain(goal.clone()),
                        Cell::plain(unit.clone()),
                        Cell::plain(if targets.is_empty() { "–".into() } else { targets.clone() }),
                    ]
                })
                .collect();
            out.push(Block::Table(Table::new(columns, rows, 8.0)));
        }
    }
    Ok(report)
}

/// What the goal sections read besides the scorecards.
struct Context<'a> {
    year: i32,
    figures: &'a Figures,
    goal_tags: &'a HashMap<i64, Vec<GlobalGoalTag>>,
    indicator_tags: &'a HashMap<i64, Vec<GlobalGoalTag>>,
}

fn tags_by_subject(tags: Vec<GlobalGoalTag>) -> HashMap<i64, Vec<GlobalGoalTag>> {
    let mut out: HashMap<i64, Vec<GlobalGoalTag>> = HashMap::new();
    for t in tags {
        out.entry(t.subject_id).or_default().push(t);
    }
    for v in out.values_mut() {
        v.sort_by_key(|t| t.global_goal);
    }
    out
}

/// "3 God hälsa och välbefinnande".
fn global_goal_name(number: u8) -> String {
    match GLOBAL_GOALS.get(usize::from(number).wrapping_sub(1)) {
        Some((sv, _)) => format!("{number} {sv}"),
        None => number.to_string(),
    }
}

/// "3 God hälsa och välbefinnande (3.4, 3.8)".
fn tag_text(t: &GlobalGoalTag) -> String {
    let targets = t.targets.trim();
    if targets.is_empty() {
        global_goal_name(t.global_goal)
    } else {
        format!("{} ({targets})", global_goal_name(t.global_goal))
    }
}

fn goal_title(g: &GoalCard) -> String {
    if g.code.is_empty() {
        g.title.clone()
    } else {
        format!("{} {}", g.code, g.title)
    }
}

/// A goal: its title as a heading, what it contributes to, its Agenda 2030 tags, its
/// description and its indicators.
fn goal(out: &mut Vec<Block>, ctx: &Context<'_>, g: &GoalCard, level: u8) {
    out.push(Block::heading(level, goal_title(g), false));
    if !g.parents.is_empty() {
        let parents: Vec<String> =
            g.parents.iter().map(|p| if p.code.is_empty() { p.title.clone() } else { format!("{} {}", p.code, p.title) }).collect();
        out.push(Block::text(format!("Bidrar till: {}", parents.join("; ")), TextStyle::Intro));
    }
    if let Some(tags) = ctx.goal_tags.get(&g.id).filter(|t| !t.is_empty()) {
        out.push(Block::text(format!("Agenda 2030: {}", tags.iter().map(tag_text).collect::<Vec<_>>().join("; ")), TextStyle::Intro));
    }
    if !g.description.trim().is_empty() {
        out.extend(super::document::rich_text(g.description.trim(), TextStyle::Body));
    }
    if !g.indicators.is_empty() {
        out.push(Block::Table(indicator_table(ctx, &g.indicators)));
    }
}

/// The goals that serve a goal (nämndmål, and the enhetsmål under them), with their units.
fn serving(out: &mut Vec<Block>, children: &HashMap<i64, Vec<(&GoalCard, &OrgUnit)>>, goal_id: i64) {
    let Some(direct) = children.get(&goal_id).filter(|c| !c.is_empty()) else { return };
    let mut rows = Vec::new();
    for (g, u) in direct {
        rows.push(vec![Cell::plain(goal_title(g)), Cell::plain(u.name.clone())]);
        for (c, cu) in children.get(&g.id).into_iter().flatten() {
            rows.push(vec![Cell::plain(format!("\u{a0}\u{a0}\u{a0}\u{a0}↳ {}", goal_title(c))), Cell::plain(cu.name.clone())]);
        }
    }
    out.push(Block::text("Mål som bidrar (röda tråden):", TextStyle::Intro));
    let mut columns = vec![column("Mål", 0.0, Align::Left), column("Enhet", 150.0, Align::Left)];
    fill_first_column(&mut columns);
    out.push(Block::Table(Table::new(columns, rows, 8.0)));
}

fn direction_sv(d: Direction) -> &'static str {
    match d {
        Direction::Higher => "Högre är bättre",
        Direction::Lower => "Lägre är bättre",
    }
}

fn indicator_table(ctx: &Context<'_>, indicators: &[IndicatorCard]) -> Table {
    let year = ctx.year;
    let mut columns = vec![
        column("Nyckeltal", 0.0, Align::Left),
        column("Enhet", 42.0, Align::Left),
        column("Riktning", 72.0, Align::Left),
        column(&format!("Mål {year}"), 62.0, Align::Right),
        column(&format!("Utfall {}", year - 1), 74.0, Align::Right),
    ];
    fill_first_column(&mut columns);
    let rows = indicators
        .iter()
        .map(|i| {
            let unit = i.unit.trim();
            let with_unit = |v: Option<f64>| match v {
                Some(_) if !unit.is_empty() => format!("{} {unit}", value_text(v, i.decimals, "")),
                _ => value_text(v, i.decimals, ""),
            };
            let previous = ctx.figures.previous.get(&i.id);
            let tags = ctx.indicator_tags.get(&i.id).filter(|t| !t.is_empty());
            vec![
                Cell {
                    text: i.name.clone(),
                    note: tags
                        .map(|t| format!("Agenda 2030: {}", t.iter().map(|t| t.global_goal.to_string()).collect::<Vec<_>>().join(", "))),
                    ..Default::default()
                },
                Cell::plain(if unit.is_empty() { "–".to_string() } else { unit.to_string() }),
                Cell::plain(direction_sv(i.direction)),
                Cell { text: with_unit(ctx.figures.targets.get(&i.id).copied()), bold: true, ..Default::default() },
                Cell {
                    text: with_unit(previous.map(|p| p.0)),
                    note: previous.and_then(|p| p.1.clone()).map(|l| format!("({l})")),
                    ..Default::default()
                },
            ]
        })
        .collect();
    Table::new(columns, rows, 8.0)
}

/// The targets of the plan year and the outcome of the year before.
struct Figures {
    targets: HashMap<i64, f64>,
    /// Indicator → (value, the period's label when it is not the whole year).
    previous: HashMap<i64, (f64, Option<String>)>,
}

impl Figures {
    fn load(store: &Store, cards: &[(Scorecard, usize)], year: i32) -> Result<Self> {
        let db = store.read();
        let ids: Vec<i64> = {
            let mut seen = HashSet::new();
            cards
                .iter()
                .flat_map(|(c, _)| c.perspectives.iter())
                .flat_map(|p| &p.goals)
                .flat_map(|g| &g.indicators)
                .map(|i| i.id)
                .filter(|id| seen.insert(*id))
                .collect()
        };
        let targets = store_indicators::targets_of(db, &ids, Some(&[year]))?.into_iter().map(|((id, _), t)| (id, t.target)).collect();
        // The year before's periods, not months, in the order a later (or longer) one
        // replaces an earlier one: helår last.
        let periods: Vec<(i64, PeriodKind, i32)> = store_periods::all_by_end(db)?
            .into_iter()
            .filter(|p| p.plan_year == year - 1 && p.kind != PeriodKind::Month)
            .map(|p| (p.id, p.kind, p.seq))
            .collect();
        let rank: HashMap<i64, usize> = periods.iter().enumerate().map(|(i, p)| (p.0, i)).collect();
        let mut previous = HashMap::new();
        if !periods.is_empty() {
            for id in &ids {
                let best = store_values::owner_totals(db, *id)?
                    .into_iter()
                    .filter_map(|(period_id, value)| rank.get(&period_id).map(|r| (*r, value)))
                    .max_by_key(|(r, _)| *r);
                if let Some((r, value)) = best {
                    let (_, kind, seq) = periods[r];
                    let label = (kind != PeriodKind::Helar).then(|| kind.label(year - 1, seq));
                    previous.insert(*id, (value, label));
                }
            }
        }
        Ok(Self { targets, previous })
    }
}

/// Goals per perspective and level in the plan.
fn perspective_table(cards: &[(Scorecard, usize)], perspectives: &[crate::model::Perspective]) -> Table {
    use crate::model::GoalLevel;
    let count = |perspective: Option<i64>, level: GoalLevel| {
        cards
            .iter()
            .flat_map(|(c, _)| c.perspectives.iter().filter(|cp| perspective.is_none_or(|id| cp.id == id)))
            .flat_map(|cp| &cp.goals)
            .filter(|g| g.level == level)
            .count()
    };
    // Only the levels the plan has goals of (a nämnd's plan has no KF-mål of its own).
    let levels: Vec<(GoalLevel, &str)> = [(GoalLevel::Kf, "KF-mål"), (GoalLevel::Namnd, "Nämndmål"), (GoalLevel::Enhet, "Enhetsmål")]
        .into_iter()
        .filter(|(level, _)| count(None, *level) > 0)
        .collect();
    let mut columns = vec![column("Perspektiv", 0.0, Align::Left)];
    columns.extend(levels.iter().map(|(_, title)| column(title, 60.0, Align::Right)));
    fill_first_column(&mut columns);
    let rows = perspectives
        .iter()
        .map(|p| {
            let mut row = vec![Cell::plain(p.name.clone())];
            row.extend(levels.iter().map(|(level, _)| Cell::plain(count(Some(p.id), *level).to_string())));
            row
        })
        .collect();
    Table { keep_together: true, ..Table::new(columns, rows, 8.5) }
}

/// A unit's grunduppdrag, tjänstegarantier and activities.
struct UnitParts<'a> {
    unit: &'a OrgUnit,
    mission: Option<&'a String>,
    guarantees: &'a [crate::model::ServiceGuarantee],
    activities: &'a [ActivityRow],
}

impl<'a> UnitParts<'a> {
    fn of(
        unit: &'a OrgUnit,
        missions: &'a HashMap<i64, String>,
        guarantees: &'a HashMap<i64, Vec<crate::model::ServiceGuarantee>>,
        activities: &'a [ActivityRow],
    ) -> Self {
        Self { unit, mission: missions.get(&unit.id), guarantees: guarantees.get(&unit.id).map(Vec::as_slice).unwrap_or(&[]), activities }
    }

    fn any(&self) -> bool {
        self.mission.is_some() || !self.guarantees.is_empty() || !self.activities.is_empty()
    }

    fn has_mission(&self) -> bool {
        self.mission.is_some() || !self.guarantees.is_empty()
    }

    fn push_mission(&self, out: &mut Vec<Block>, level: u8) {
        if let Some(mission) = self.mission {
            out.push(Block::heading(level, "Grunduppdrag", false));
            out.extend(super::document::rich_text(mission, TextStyle::Body));
        }
        if !self.guarantees.is_empty() {
            out.push(Block::heading(level, "Tjänstegarantier", false));
            let mut columns = vec![column("Vi lovar", 0.0, Align::Left), column("Så mäter vi det", 190.0, Align::Left)];
            fill_first_column(&mut columns);
            let rows = self
                .guarantees
                .iter()
                .map(|g| {
                    vec![
                        Cell::plain(g.promise.clone()),
                        Cell::plain(if g.measured_by.trim().is_empty() { "–".to_string() } else { g.measured_by.clone() }),
                    ]
                })
                .collect();
            out.push(Block::Table(Table::new(columns, rows, 8.0)));
        }
    }

    /// The activities as a table, under a heading at `level` when given.
    fn push_activities(&self, out: &mut Vec<Block>, level: Option<u8>) {
        if self.activities.is_empty() {
            return;
        }
        if let Some(level) = level {
            out.push(Block::heading(level, format!("Aktiviteter – {}", self.unit.name), false));
        }
        let mut columns = vec![
            column("Aktivitet", 0.0, Align::Left),
            column("Ägare", 80.0, Align::Left),
            column("Ansvarig", 80.0, Align::Left),
            column("Period", 68.0, Align::Left),
            column("Mål", 45.0, Align::Left),
            column("Status", 58.0, Align::Left),
        ];
        fill_first_column(&mut columns);
        let rows = self
            .activities
            .iter()
            .map(|a| {
                let dates = match (&a.start_date, &a.end_date) {
                    (Some(s), Some(e)) => format!("{s} – {e}"),
                    (None, Some(e)) => format!("t.o.m. {e}"),
                    (Some(s), None) => format!("fr.o.m. {s}"),
                    (None, None) => "–".into(),
                };
                vec![
                    Cell::plain(a.title.clone()),
                    Cell::plain(self.unit.name.clone()),
                    Cell::plain(if a.responsible.trim().is_empty() { "–".to_string() } else { a.responsible.clone() }),
                    Cell::plain(dates),
                    Cell::plain(a.goal_codes.join(", ")),
                    Cell {
                        text: a.status.label_sv().to_string(),
                        bold: true,
                        colour: Some(activity_colour(a.status)),
                        ..Default::default()
                    },
                ]
            })
            .collect();
        out.push(Block::Table(Table::new(columns, rows, 8.0)));
    }
}

fn assignment_table(assignments: &[Assignment], names: &HashMap<i64, String>, goal_name: &HashMap<i64, String>) -> Table {
    let mut columns = vec![
        column("Uppdrag", 0.0, Align::Left),
        column("Beslut", 95.0, Align::Left),
        column("Ansvarig", 135.0, Align::Left),
        column("Klart senast", 62.0, Align::Left),
    ];
    fill_first_column(&mut columns);
    let rows = assignments
        .iter()
        .map(|a| {
            let title = if a.code.trim().is_empty() { a.title.clone() } else { format!("{} {}", a.code.trim(), a.title) };
            let goals: Vec<&str> = a.goal_ids.iter().filter_map(|id| goal_name.get(id).map(String::as_str)).collect();
            let mut note = a.description.trim().to_string();
            if !goals.is_empty() {
                if !note.is_empty() {
                    note.push('\n');
                }
                note.push_str(&format!("Mål: {}", goals.join("; ")));
            }
            // The body on one line, the date and § under it: "Kommunfullmäktige" / "2026-02-23 § 45".
            let when =
                [a.decision_date.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default(), a.decision_paragraph.trim().to_string()]
                    .into_iter()
                    .filter(|s| !s.is_empty())
                    .collect::<Vec<_>>()
                    .join(" ");
            let decision = [a.decision_body.trim().to_string(), when].into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>().join("\n");
            let unit = names.get(&a.responsible_unit_id).cloned().unwrap_or_default();
            let responsible =
                if a.responsible_person.trim().is_empty() { unit } else { format!("{unit}\n{}", a.responsible_person.trim()) };
            vec![
                Cell { text: title, bold: true, note: (!note.is_empty()).then_some(note), ..Default::default() },
                Cell::plain(if decision.is_empty() { "–".to_string() } else { decision }),
                Cell::plain(responsible),
                Cell::plain(a.deadline.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_else(|| "–".into())),
            ]
        })
        .collect();
    Table::new(columns, rows, 8.0)
}

fn report_in_sv(r: ControlReportIn) -> &'static str {
    match r {
        ControlReportIn::EveryPeriod => "varje uppföljning",
        ControlReportIn::Delar => "delår",
        ControlReportIn::Helar => "helår",
        ControlReportIn::DelarHelar => "delår och helår",
    }
}

/// One nämnd's intern kontroll plan: its risks, the risk matrix and the chosen risks'
/// controls.
fn control_plan(out: &mut Vec<Block>, plan: &ControlPlan, risks: &[ControlRisk], controls: &[Control], names: &HashMap<i64, String>) {
    let unit = names.get(&plan.org_unit_id).cloned().unwrap_or_default();
    let risks: Vec<&ControlRisk> = risks.iter().filter(|r| r.plan_id == plan.id).collect();
    out.push(Block::heading(2, format!("Internkontrollplan – {unit}"), true));
    if !plan.decision.trim().is_empty() {
        out.push(Block::text(format!("Antagen av nämnden {}.", plan.decision.trim()), TextStyle::Intro));
    }
    if risks.is_empty() {
        out.push(Block::text("Planen har inga risker bedömda ännu.", TextStyle::Muted));
        return;
    }
    let controls_of = |risk_id: i64| controls.iter().filter(move |c| c.risk_id == risk_id);
    let mut columns = vec![
        column("Risk", 0.0, Align::Left),
        column("Process", 82.0, Align::Left),
        column("S", 20.0, Align::Right),
        column("K", 20.0, Align::Right),
        column("Värde", 34.0, Align::Right),
        column("Vald", 30.0, Align::Left),
        column("Kontroller", 130.0, Align::Left),
    ];
    fill_first_column(&mut columns);
    let rows = risks
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let whats: Vec<String> = controls_of(r.id).map(|c| format!("• {}", c.what.trim())).collect();
            vec![
                Cell {
                    text: format!("{}. {}", i + 1, r.risk),
                    note: (!r.chosen && !r.handling.trim().is_empty()).then(|| format!("Hantering: {}", r.handling.trim())),
                    ..Default::default()
                },
                Cell::plain(r.process.clone()),
                Cell::plain(r.probability.to_string()),
                Cell::plain(r.consequence.to_string()),
                Cell { text: r.value().to_string(), bold: true, ..Default::default() },
                Cell::plain(if r.chosen { "Ja" } else { "Nej" }),
                Cell::plain(if whats.is_empty() { "–".to_string() } else { whats.join("\n") }),
            ]
        })
        .collect();
    out.push(Block::Table(Table::new(columns, rows, 8.0)));

    // The risk matrix, numbered as the table above: between the risks and the controls.
    risk_matrix(out, &risks);

    let chosen: Vec<(&ControlRisk, &Control)> =
        risks.iter().filter(|r| r.chosen).flat_map(|r| controls_of(r.id).map(move |c| (*r, c))).collect();
    if chosen.is_empty() {
        return;
    }
    out.push(Block::heading(3, format!("Kontrollmoment – {unit}"), false));
    let mut columns = vec![
        column("Kontrollmoment", 0.0, Align::Left),
        column("Hur", 100.0, Align::Left),
        column("Hur ofta", 82.0, Align::Left),
        column("Vem", 80.0, Align::Left),
        column("Rapporteras", 74.0, Align::Left),
    ];
    fill_first_column(&mut columns);
    let dash = |s: &str| if s.trim().is_empty() { "–".to_string() } else { s.trim().to_string() };
    let rows = chosen
        .iter()
        .map(|(r, c)| {
            vec![
                Cell { text: c.what.clone(), note: Some(format!("Risk: {}", r.risk.trim())), ..Default::default() },
                Cell::plain(dash(&c.method)),
                Cell::plain(dash(&c.frequency)),
                Cell::plain(dash(&c.responsible)),
                Cell::plain(report_in_sv(c.report_in)),
            ]
        })
        .collect();
    out.push(Block::Table(Table::new(columns, rows, 8.0)));
}

/// Where the risk matrix picture of one plan's risks goes. The document model has no
/// risk-matrix block on this branch yet: when it has, push it here (and only here), so
/// both renderers draw it between the risk table and the controls.
#[allow(clippy::ptr_arg)] // the risk-matrix block will be pushed onto it
fn risk_matrix(out: &mut Vec<Block>, risks: &[&ControlRisk]) {
    if risks.is_empty() {
        return;
    }
    let risks = risks
        .iter()
        .enumerate()
        .map(|(i, r)| super::document::MatrixRisk { number: i as u32 + 1, probability: r.probability, consequence: r.consequence })
        .collect();
    out.push(Block::RiskMatrix(super::document::RiskMatrix { risks }));
}
