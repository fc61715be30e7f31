//! Every change to the database goes through a [`Writer`], inside one transaction, and
//! leaves a row in the audit log.

use rusqlite::{params, OptionalExtension, Transaction};
use serde_json::json;

use super::{exists, ChangeContext};
use crate::error::{AppError, ErrorCode, Result};
use crate::model::{
    ActivityStatus, AssessmentState, Direction, Frequency, Gender, GoalLevel, PeriodKind, Status, ToleranceKind, UnitKind, ValueSource,
};

/// Writes within one open transaction. Made by [`super::Store::write`].
pub struct Writer<'t> {
    pub(crate) tx: &'t Transaction<'t>,
    pub(crate) ctx: &'t ChangeContext,
    pub(super) recorder: super::journal::Recorder,
}

#[derive(Debug, Clone)]
pub struct NewUnit {
    pub parent_id: Option<i64>,
    pub kind: UnitKind,
    pub name: String,
    pub kolada_id: Option<String>,
}

#[derive(Debug, Clone)]
pub struct NewGoal {
    pub plan_year: i32,
    pub level: GoalLevel,
    pub perspective_id: i64,
    pub owner_unit_id: i64,
    pub code: String,
    pub title: String,
    pub description: String,
}

#[derive(Debug, Clone)]
pub struct NewIndicator {
    pub name: String,
    pub description: String,
    pub unit: String,
    pub direction: Direction,
    pub decimals: u32,
    pub kolada_kpi_id: Option<String>,
    pub owner_unit_id: i64,
    pub frequency: Frequency,
    pub gender_split: bool,
    pub tolerance_kind: ToleranceKind,
    pub tolerance: f64,
}

#[derive(Debug, Clone)]
pub struct NewActivity {
    pub plan_year: i32,
    pub owner_unit_id: i64,
    pub title: String,
    pub description: String,
    pub responsible: String,
    pub start_date: Option<String>,
    pub end_date: Option<String>,
    pub status: ActivityStatus,
}

/// Default labels and colours of the 3-, 4- and 5-step scales. Step 1 is the best.
pub fn default_scale(steps: i32) -> Option<Vec<(&'static str, &'static str, Status)>> {
    const GREEN: &str = "#2e7d32";
    const LIGHT_GREEN: &str = "#7cb342";
    const YELLOW: &str = "#f9a825";
    const ORANGE: &str = "#ef6c00";
    const RED: &str = "#c62828";
    Some(match steps {
        3 => vec![("Uppfyllt", GREEN, Status::Green), ("Delvis uppfyllt", YELLOW, Status::Yellow), ("Ej uppfyllt", RED, Status::Red)],
        4 => vec![
            ("Helt uppfyllt", GREEN, Status::Green),
            ("Till stor del uppfyllt", LIGHT_GREEN, Status::Green),
            ("Delvis uppfyllt", YELLOW, Status::Yellow),
            ("Ej uppfyllt", RED, Status::Red),
        ],
        5 => vec![
            ("Helt uppfyllt", GREEN, Status::Green),
            ("Till stor del uppfyllt", LIGHT_GREEN, Status::Green),
            ("Delvis uppfyllt", YELLOW, Status::Yellow),
            ("I liten grad uppfyllt", ORANGE, Status::Red),
            ("Ej uppfyllt", RED, Status::Red),
        ],
        _ => return None,
    })
}

/// The four default perspectives of a new plan year.
pub const DEFAULT_PERSPECTIVES: [&str; 4] = ["Invånare", "Ekonomi", "Medarbetare", "Hållbar utveckling"];

/// A required one-line text: trimmed, not empty, at most 500 characters.
pub(crate) fn non_empty(field: &str, text: &str) -> Result<String> {
    let t = text.trim();
    if t.is_empty() {
        return Err(AppError::validation(format!("{field} får inte vara tomt. Fyll i {}.", field.to_lowercase())));
    }
    if t.chars().count() > 500 {
        return Err(AppError::validation(format!("{field} är för långt (högst 500 tecken). Korta texten.")));
    }
    // A name is one line of text: a line break, tab or terminal escape sequence in it would
    // break lists and reports, or rewrite a terminal's screen when printed.
    if t.chars().any(char::is_control) {
        return Err(AppError::validation(format!(
            "{field} får inte innehålla radbrytningar, tabbar eller andra styrtecken. Skriv texten på en rad."
        )));
    }
    Ok(t.to_string())
}

pub(crate) fn iso_date(field: &str, text: &str) -> Result<String> {
    chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map(|d| d.format("%Y-%m-%d").to_string())
        .map_err(|_| AppError::validation(format!("{field} '{text}' är inte ett datum. Skriv datum som ÅÅÅÅ-MM-DD, t.ex. 2026-08-31.")))
}

/// An optional date typed as ÅÅÅÅ-MM-DD; empty text means none.
pub(crate) fn optional_date(field: &str, text: Option<&str>) -> Result<Option<String>> {
    text.map(str::trim).filter(|t| !t.is_empty()).map(|t| iso_date(field, t)).transpose()
}

/// A Kolada KPI id as stored: trimmed and upper-case; empty text means none.
pub(crate) fn kolada_kpi_id(text: Option<&str>) -> Result<Option<String>> {
    let Some(kpi) = text.map(str::trim).filter(|k| !k.is_empty()).map(str::to_uppercase) else { return Ok(None) };
    if !((2..=12).contains(&kpi.len()) && kpi.chars().all(|c| c.is_ascii_alphanumeric())) {
        return Err(AppError::validation(format!("'{kpi}' är inte ett Kolada-id. Ett id ser ut som N00090.")));
    }
    Ok(Some(kpi))
}

pub(crate) fn check_decimals(decimals: u32) -> Result<()> {
    if decimals > 4 {
        return Err(AppError::validation("Antal decimaler kan vara 0 till 4."));
    }
    Ok(())
}

pub(crate) fn check_tolerance(tolerance: f64) -> Result<()> {
    if !tolerance.is_finite() || tolerance < 0.0 {
        return Err(AppError::validation("Toleransen måste vara ett tal som är noll eller större."));
    }
    Ok(())
}

/// An explicit yellow limit lies on the worse side of the target (below it when higher is
/// better, above it when lower is better; equal means no yellow band).
pub(crate) fn yellow_on_worse_side(direction: Direction, target: f64, limit: f64) -> bool {
    match direction {
        Direction::Higher => limit <= target,
        Direction::Lower => limit >= target,
    }
}

fn level_rank(level: GoalLevel) -> u8 {
    match level {
        GoalLevel::Kf => 3,
        GoalLevel::Namnd => 2,
        GoalLevel::Enhet => 1,
    }
}

impl<'t> Writer<'t> {
    pub(super) fn new(tx: &'t Transaction<'t>, ctx: &'t ChangeContext, recorder: super::journal::Recorder) -> Self {
        Self { tx, ctx, recorder }
    }

    /// Read inside this transaction (sees its own changes). The handle lives as long as the
    /// transaction, so a read can run beside the writer's own writes (an import classifying
    /// items while it takes them).
    pub fn read(&self) -> super::Read<'t> {
        super::Read { conn: self.tx }
    }

    pub fn set_setting(&mut self, key: &str, value: &str) -> Result<()> {
        super::settings::set(self, key, value)
    }

    pub fn create_unit(&mut self, u: NewUnit) -> Result<i64> {
        let name = non_empty("Namnet", &u.name)?;
        match (u.parent_id, u.kind) {
            (None, UnitKind::Kommun) => {
                if exists(self.tx, "SELECT 1 FROM org_unit WHERE parent_id IS NULL AND kind = ?1", UnitKind::Kommun)? {
                    return Err(AppError::conflict("Det finns redan en kommun överst i organisationen. Lägg den nya enheten under den."));
                }
            }
            (None, _) => return Err(AppError::validation("Välj vilken enhet den nya enheten ska ligga under.")),
            (Some(p), _) => {
                if !exists(self.tx, "SELECT 1 FROM org_unit WHERE id=?1", p)? {
                    return Err(AppError::not_found(format!("Den överordnade enheten (id {p}) finns inte.")));
                }
            }
        }
        let sort: i64 =
            self.tx
                .query_row("SELECT COALESCE(MAX(sort_order), 0) + 1 FROM org_unit WHERE parent_id IS ?1", [u.parent_id], |r| r.get(0))?;
        self.tx.execute(
            "INSERT INTO org_unit(parent_id, kind, name, kolada_id, sort_order) VALUES (?1,?2,?3,?4,?5)",
            params![u.parent_id, u.kind, name, u.kolada_id, sort],
        )?;
        let id = self.tx.last_insert_rowid();
        self.audit("insert", "org_unit", id, None, Some(json!({"parent_id": u.parent_id, "kind": u.kind, "name": name})))?;
        Ok(id)
    }

    pub fn create_mandate_period(&mut self, name: &str, start_year: i32, end_year: i32) -> Result<i64> {
        let name = non_empty("Namnet", name)?;
        if end_year < start_year {
            return Err(AppError::validation("Mandatperiodens slutår ligger före startåret. Rätta åren."));
        }
        self.tx.execute("INSERT INTO mandate_period(name, start_year, end_year) VALUES (?1,?2,?3)", params![name, start_year, end_year])?;
        let id = self.tx.last_insert_rowid();
        self.audit("insert", "mandate_period", id, None, Some(json!({"name": name, "start_year": start_year, "end_year": end_year})))?;
        Ok(id)
    }

    /// Create a plan year with the default labels for a 3-, 4- or 5-step scale.
    pub fn create_plan_year(&mut self, year: i32, mandate_period_id: Option<i64>, vision: &str, scale_steps: i32) -> Result<()> {
        if !(1990..=2100).contains(&year) {
            return Err(AppError::validation(format!("Året {year} är inte rimligt. Ange ett år mellan 1990 och 2100.")));
        }
        if exists(self.tx, "SELECT 1 FROM plan_year WHERE year=?1", year)? {
            return Err(AppError::conflict(format!("Planåret {year} finns redan.")));
        }
        let steps = default_scale(scale_steps)
            .ok_or_else(|| AppError::validation(format!("En bedömningsskala kan ha 3, 4 eller 5 steg, inte {scale_steps}.")))?;
        self.tx.execute(
            "INSERT INTO assessment_scale(name, steps) VALUES (?1, ?2)",
            params![format!("{scale_steps}-gradig skala {year}"), scale_steps],
        )?;
        let scale_id = self.tx.last_insert_rowid();
        for (i, (label, colour, status)) in steps.iter().enumerate() {
            self.tx.execute(
                "INSERT INTO assessment_step(scale_id, step, label, colour, status) VALUES (?1,?2,?3,?4,?5)",
                params![scale_id, i as i64 + 1, label, colour, status],
            )?;
        }
        self.tx.execute(
            "INSERT INTO plan_year(year, mandate_period_id, vision, scale_id) VALUES (?1,?2,?3,?4)",
            params![year, mandate_period_id, vision.trim(), scale_id],
        )?;
        self.audit("insert", "plan_year", year, None, Some(json!({"vision": vision.trim(), "scale_steps": scale_steps})))
    }

    pub fn add_perspective(&mut self, year: i32, name: &str, description: &str) -> Result<i64> {
        let name = non_empty("Perspektivets namn", name)?;
        self.require_plan_year(year)?;
        let sort: i64 =
            self.tx.query_row("SELECT COALESCE(MAX(sort_order), 0) + 1 FROM perspective WHERE plan_year=?1", [year], |r| r.get(0))?;
        self.tx
            .execute(
                "INSERT INTO perspective(plan_year, name, description, sort_order) VALUES (?1,?2,?3,?4)",
                params![year, name, description.trim(), sort],
            )
            .map_err(|e| match AppError::from(e) {
                err if err.code == ErrorCode::Conflict => {
                    AppError::conflict(format!("Perspektivet '{name}' finns redan {year}. Välj ett annat namn."))
                }
                err => err,
            })?;
        let id = self.tx.last_insert_rowid();
        self.audit("insert", "perspective", id, None, Some(json!({"plan_year": year, "name": name})))?;
        Ok(id)
    }

    fn require_plan_year(&self, year: i32) -> Result<()> {
        if !exists(self.tx, "SELECT 1 FROM plan_year WHERE year=?1", year)? {
            return Err(AppError::not_found(format!("Planåret {year} finns inte. Skapa planåret först.")));
        }
        Ok(())
    }

    /// Add the standard periods of a year: T1 (Jan–Apr), delår (Jan–Aug) and helår, with
    /// the usual reporting deadlines.
    pub fn create_default_periods(&mut self, year: i32) -> Result<Vec<i64>> {
        self.require_plan_year(year)?;
        let specs = [
            (PeriodKind::Tertial, 1, format!("Tertial 1 {year}"), format!("{year}-04-30"), format!("{year}-05-20")),
            (PeriodKind::Delar, 1, format!("Delår {year}"), format!("{year}-08-31"), format!("{year}-09-20")),
            (PeriodKind::Helar, 1, format!("Helår {year}"), format!("{year}-12-31"), format!("{}-02-15", year + 1)),
        ];
        let mut ids = Vec::new();
        for (kind, seq, name, end, deadline) in specs {
            ids.push(self.create_period(year, kind, seq, &name, &format!("{year}-01-01"), &end, Some(&deadline))?);
        }
        Ok(ids)
    }

    #[allow(clippy::too_many_arguments)]
    pub fn create_period(
        &mut self,
        year: i32,
        kind: PeriodKind,
        seq: i32,
        name: &str,
        start: &str,
        end: &str,
        deadline: Option<&str>,
    ) -> Result<i64> {
        self.require_plan_year(year)?;
        let name = non_empty("Periodens namn", name)?;
        let start = iso_date("Startdatum", start)?;
        let end = iso_date("Slutdatum", end)?;
        let deadline = deadline.map(|d| iso_date("Sista dag", d)).transpose()?;
        if end < start {
            return Err(AppError::validation("Periodens slutdatum ligger före startdatumet."));
        }
        self.tx
            .execute(
                "INSERT INTO follow_up_period(plan_year, kind, seq, name, start_date, end_date, deadline) VALUES (?1,?2,?3,?4,?5,?6,?7)",
                params![year, kind, seq, name, start, end, deadline],
            )
            .map_err(|e| match AppError::from(e) {
                err if err.code == ErrorCode::Conflict => {
                    AppError::conflict(format!("Perioden {} finns redan för {year}.", kind.key(year, seq)))
                }
                err => err,
            })?;
        let id = self.tx.last_insert_rowid();
        self.audit(
            "insert",
            "follow_up_period",
            id,
            None,
            Some(json!({"plan_year": year, "kind": kind, "seq": seq, "start": start, "end": end})),
        )?;
        Ok(id)
    }

    pub fn create_goal(&mut self, g: NewGoal) -> Result<i64> {
        let title = non_empty("Målets rubrik", &g.title)?;
        self.require_plan_year(g.plan_year)?;
        let p_year: Option<i32> =
            self.tx.query_row("SELECT plan_year FROM perspective WHERE id=?1", [g.perspective_id], |r| r.get(0)).optional()?;
        match p_year {
            None => return Err(AppError::not_found("Perspektivet finns inte. Välj ett av planårets perspektiv.")),
            Some(y) if y != g.plan_year => {
                return Err(AppError::validation(format!("Perspektivet hör till planåret {y}, inte {}.", g.plan_year)))
            }
            _ => {}
        }
        let kind: Option<UnitKind> =
            self.tx.query_row("SELECT kind FROM org_unit WHERE id=?1", [g.owner_unit_id], |r| r.get(0)).optional()?;
        let Some(kind) = kind else {
            return Err(AppError::not_found("Enheten som ska äga målet finns inte."));
        };
        if g.level == GoalLevel::Kf && kind != UnitKind::Kommun {
            return Err(AppError::validation("KF-mål beslutas av kommunfullmäktige och ska ägas av kommunen."));
        }
        let sort: i64 = self.tx.query_row(
            "SELECT COALESCE(MAX(sort_order), 0) + 1 FROM goal WHERE plan_year=?1 AND owner_unit_id=?2",
            params![g.plan_year, g.owner_unit_id],
            |r| r.get(0),
        )?;
        self.tx.execute(
            "INSERT INTO goal(plan_year, level, perspective_id, owner_unit_id, code, title, description, sort_order) VALUES (?1,?2,?3,?4,?5,?6,?7,?8)",
            params![g.plan_year, g.level, g.perspective_id, g.owner_unit_id, g.code.trim(), title, g.description.trim(), sort],
        )?;
        let id = self.tx.last_insert_rowid();
        self.audit(
            "insert",
            "goal",
            id,
            None,
            Some(json!({"plan_year": g.plan_year, "level": g.level, "code": g.code, "title": title, "owner_unit_id": g.owner_unit_id})),
        )?;
        Ok(id)
    }

    /// Link `child` to a goal it contributes to. The parent must be of a higher level and
    /// the same plan year, so the red thread can never loop.
    pub fn link_goal(&mut self, child: i64, parent: i64) -> Result<()> {
        let get = |id: i64| -> Result<(i32, GoalLevel, String)> {
            self.tx
                .query_row("SELECT plan_year, level, title FROM goal WHERE id=?1", [id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .optional()?
                .ok_or_else(|| AppError::not_found(format!("Målet (id {id}) finns inte.")))
        };
        let (cy, cl, ct) = get(child)?;
        let (py, pl, pt) = get(parent)?;
        if cy != py {
            return Err(AppError::validation(format!("'{ct}' och '{pt}' hör till olika planår och kan inte kopplas.")));
        }
        if level_rank(pl) <= level_rank(cl) {
            return Err(AppError::conflict(format!(
                "'{ct}' kan bara kopplas till mål på en högre nivå (enhetsmål → nämndmål → KF-mål); '{pt}' är inte det."
            )));
        }
        let n = self.tx.execute("INSERT OR IGNORE INTO goal_link(child_goal_id, parent_goal_id) VALUES (?1,?2)", params![child, parent])?;
        if n > 0 {
            self.audit("insert", "goal_link", format!("{child}->{parent}"), None, Some(json!({"child": child, "parent": parent})))?;
        }
        Ok(())
    }

    pub fn create_indicator(&mut self, i: NewIndicator) -> Result<i64> {
        let name = non_empty("Nyckeltalets namn", &i.name)?;
        check_decimals(i.decimals)?;
        check_tolerance(i.tolerance)?;
        let kpi = kolada_kpi_id(i.kolada_kpi_id.as_deref())?;
        if !exists(self.tx, "SELECT 1 FROM org_unit WHERE id=?1", i.owner_unit_id)? {
            return Err(AppError::not_found("Enheten som ska äga nyckeltalet finns inte."));
        }
        self.tx.execute(
            "INSERT INTO indicator(name, description, unit, direction, decimals, kolada_kpi_id, owner_unit_id, frequency, gender_split, tolerance_kind, tolerance)
             VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11)",
            params![name, i.description.trim(), i.unit.trim(), i.direction, i.decimals, kpi, i.owner_unit_id, i.frequency, i.gender_split, i.tolerance_kind, i.tolerance],
        )?;
        let id = self.tx.last_insert_rowid();
        self.audit(
            "insert",
            "indicator",
            id,
            None,
            Some(json!({"name": name, "unit": i.unit, "direction": i.direction, "kolada_kpi_id": kpi})),
        )?;
        Ok(id)
    }

    pub fn set_target(&mut self, indicator_id: i64, year: i32, target: f64, yellow_limit: Option<f64>) -> Result<()> {
        if !target.is_finite() || yellow_limit.is_some_and(|l| !l.is_finite()) {
            return Err(AppError::validation("Målvärdet måste vara ett tal."));
        }
        let before: Option<f64> = self
            .tx
            .query_row("SELECT target FROM indicator_target WHERE indicator_id=?1 AND year=?2", params![indicator_id, year], |r| r.get(0))
            .optional()?;
        self.tx.execute(
            "INSERT INTO indicator_target(indicator_id, year, target, yellow_limit) VALUES (?1,?2,?3,?4)
             ON CONFLICT(indicator_id, year) DO UPDATE SET target=excluded.target, yellow_limit=excluded.yellow_limit",
            params![indicator_id, year, target, yellow_limit],
        )?;
        self.audit(
            if before.is_some() { "update" } else { "insert" },
            "indicator_target",
            format!("{indicator_id}/{year}"),
            before.map(|b| json!({"target": b})),
            Some(json!({"target": target, "yellow_limit": yellow_limit})),
        )
    }

    pub fn link_indicator(&mut self, goal_id: i64, indicator_id: i64) -> Result<()> {
        if !exists(self.tx, "SELECT 1 FROM goal WHERE id=?1", goal_id)? {
            return Err(AppError::not_found(format!("Målet (id {goal_id}) finns inte.")));
        }
        let sort: i64 =
            self.tx.query_row("SELECT COALESCE(MAX(sort_order),0)+1 FROM goal_indicator WHERE goal_id=?1", [goal_id], |r| r.get(0))?;
        let n = self.tx.execute(
            "INSERT OR IGNORE INTO goal_indicator(goal_id, indicator_id, sort_order) VALUES (?1,?2,?3)",
            params![goal_id, indicator_id, sort],
        )?;
        if n > 0 {
            self.audit("insert", "goal_indicator", format!("{goal_id}/{indicator_id}"), None, None)?;
        }
        Ok(())
    }

    /// Refuse a change in a locked or missing period ([`super::periods::require_open`]).
    pub(crate) fn require_open_period(&self, period_id: i64) -> Result<()> {
        super::periods::require_open(self.read(), period_id)
    }

    /// Lock or unlock a follow-up period; both are audited ([`super::periods::set_locked`]).
    pub fn set_period_locked(&mut self, period_id: i64, locked: bool) -> Result<()> {
        super::periods::set_locked(self, period_id, locked)
    }

    /// Set a value in an open period ([`super::values::set`]).
    pub fn set_value(
        &mut self,
        indicator_id: i64,
        org_unit_id: i64,
        period_id: i64,
        gender: Gender,
        value: f64,
        source: ValueSource,
    ) -> Result<()> {
        super::values::set(self, indicator_id, org_unit_id, period_id, gender, value, source)
    }

    pub fn create_activity(&mut self, a: NewActivity, goal_ids: &[i64]) -> Result<i64> {
        let title = non_empty("Aktivitetens rubrik", &a.title)?;
        self.require_plan_year(a.plan_year)?;
        let start = a.start_date.as_deref().map(|d| iso_date("Startdatum", d)).transpose()?;
        let end = a.end_date.as_deref().map(|d| iso_date("Slutdatum", d)).transpose()?;
        if let (Some(s), Some(e)) = (&start, &end) {
            if e < s {
                return Err(AppError::validation("Aktivitetens slutdatum ligger före startdatumet."));
            }
        }
        if !exists(self.tx, "SELECT 1 FROM org_unit WHERE id=?1", a.owner_unit_id)? {
            return Err(AppError::not_found("Enheten som ska äga aktiviteten finns inte."));
        }
        self.tx.execute(
            "INSERT INTO activity(plan_year, owner_unit_id, title, description, responsible, start_date, end_date, status) VALUES (?1,?2,?3,?4,?5,?6,?7,?8)",
            params![a.plan_year, a.owner_unit_id, title, a.description.trim(), a.responsible.trim(), start, end, a.status],
        )?;
        let id = self.tx.last_insert_rowid();
        for g in goal_ids {
            if !exists(self.tx, "SELECT 1 FROM goal WHERE id=?1", *g)? {
                return Err(AppError::not_found(format!("Målet (id {g}) som aktiviteten ska kopplas till finns inte.")));
            }
            self.tx.execute("INSERT OR IGNORE INTO activity_goal(activity_id, goal_id) VALUES (?1,?2)", params![id, g])?;
        }
        self.audit("insert", "activity", id, None, Some(json!({"title": title, "status": a.status, "goals": goal_ids})))?;
        Ok(id)
    }

    /// Set the assessment (step on the plan year's scale, or none yet) and analysis of a
    /// goal for a unit and period ([`super::assessments::set`]).
    pub fn set_assessment(
        &mut self,
        goal_id: i64,
        org_unit_id: i64,
        period_id: i64,
        step: Option<i32>,
        analysis: &str,
        state: AssessmentState,
    ) -> Result<()> {
        super::assessments::set(self, goal_id, org_unit_id, period_id, step, analysis, state)
    }
}
