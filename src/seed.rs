//! The seed file format (`seeds/*.json`): a whole municipality in one readable file,
//! loaded through the same core calls as any import and validated with clear errors.

use std::collections::{BTreeMap, HashMap};

use serde::Deserialize;

use crate::error::{AppError, Result};
use crate::model::{
    ActivityStatus, AssessmentState, Direction, Frequency, Gender, GoalLevel, NewUnit, PeriodKind, PeriodRef, Target, ToleranceKind,
    UnitKind, ValueSource,
};
use crate::msg;
use crate::planning::forms::{self, ActivityForm, GoalForm, IndicatorForm};
use crate::store::{default_scale, periods, plan, units, ChangeContext, Store, Writer};

/// Top of a seed file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedFile {
    /// Must be "styrkort-seed".
    pub format: String,
    /// Format version; this build reads version 1.
    pub version: u32,
    pub municipality: SeedMunicipality,
    pub mandate_period: SeedMandatePeriod,
    /// First and last year for which plan years and default periods (T1, delår, helår) are made.
    pub years: [i32; 2],
    /// The plan year the goals, activities and assessments belong to.
    pub plan_year: i32,
    pub vision: String,
    /// Number of steps on the assessment scale: 3, 4 or 5.
    pub scale_steps: i32,
    pub perspectives: Vec<SeedPerspective>,
    pub units: Vec<SeedUnit>,
    pub goals: Vec<SeedGoal>,
    pub indicators: Vec<SeedIndicator>,
    #[serde(default)]
    pub activities: Vec<SeedActivity>,
    #[serde(default)]
    pub assessments: Vec<SeedAssessment>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedMunicipality {
    pub name: String,
    /// Kolada municipality code to compare with, e.g. "2083".
    #[serde(default)]
    pub kolada_id: Option<String>,
    #[serde(default)]
    pub inhabitants: Option<u32>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedMandatePeriod {
    pub name: String,
    pub start_year: i32,
    pub end_year: i32,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedPerspective {
    pub name: String,
    #[serde(default)]
    pub description: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedUnit {
    /// Key used by other entries in the file to refer to this unit.
    pub key: String,
    pub name: String,
    /// kommun, namnd, forvaltning, enhet or bolag.
    pub kind: String,
    /// Key of the parent unit; only the kommun has none.
    #[serde(default)]
    pub parent: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedGoal {
    pub key: String,
    /// kf, namnd or enhet.
    pub level: String,
    /// Name of one of the perspectives.
    pub perspective: String,
    /// Key of the owning unit.
    pub unit: String,
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// Keys of the goals this goal contributes to (the red thread).
    #[serde(default)]
    pub parents: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedIndicator {
    pub key: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// Unit of measure shown after the number: "%", "kr/inv", "st", "dagar", "index".
    pub unit: String,
    /// "higher" or "lower" is better.
    pub direction: String,
    pub decimals: u32,
    #[serde(default)]
    pub kolada_kpi: Option<String>,
    /// Key of the unit that owns (reports) the indicator.
    pub owner: String,
    /// Keys of the goals the indicator measures.
    pub goals: Vec<String>,
    #[serde(default)]
    pub gender_split: bool,
    /// Yellow band as a percentage of the target (default 10).
    #[serde(default)]
    pub tolerance_percent: Option<f64>,
    /// Yellow band in the indicator's own unit; replaces tolerance_percent.
    #[serde(default)]
    pub tolerance_absolute: Option<f64>,
    /// Target per year, keyed by year: {"2026": 90}.
    pub targets: BTreeMap<String, f64>,
    /// Total values keyed by "YYYY helår", "YYYY delår", "YYYY T1" or "YYYY-MM".
    pub values: BTreeMap<String, f64>,
    /// Values for women and men, same keys: {"2025 helår": {"K": 9.1, "M": 5.2}}.
    #[serde(default)]
    pub values_by_gender: BTreeMap<String, BTreeMap<String, f64>>,
    /// Who answers for the indicator (a person's name); empty when nobody does.
    #[serde(default)]
    pub responsible: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedActivity {
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// Key of the owning unit.
    pub unit: String,
    #[serde(default)]
    pub responsible: String,
    #[serde(default)]
    pub start: Option<String>,
    #[serde(default)]
    pub end: Option<String>,
    /// ej_paborjad, paborjad, genomford, forsenad or avford.
    pub status: String,
    /// Keys of the goals the activity serves.
    pub goals: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedAssessment {
    /// Key of the goal.
    pub goal: String,
    /// Key of the unit assessing; default the goal's owner.
    #[serde(default)]
    pub unit: Option<String>,
    /// "YYYY delår" etc.
    pub period: String,
    /// Label of a step on the plan year's scale, e.g. "Delvis uppfyllt".
    #[serde(default)]
    pub assessment: Option<String>,
    #[serde(default)]
    pub analysis: String,
    /// draft, ready or approved.
    #[serde(default = "default_state")]
    pub state: String,
}

fn default_state() -> String {
    "draft".into()
}

/// The demo municipality shipped with the app.
pub const DEMO_SEED: &str = include_str!("../seeds/demo.json");
/// The name of the demo seed, used in error messages.
pub const DEMO_SEED_NAME: &str = "seeds/demo.json";
/// Real Kolada values (Källa: Kolada) for the KPIs the demo links to: every municipality and
/// Riket, 2020–2022, as a saved API v3 response (made by scripts/make-demo-kolada.py).
pub const DEMO_KOLADA: &str = include_str!("../seeds/kolada-demo.json");
pub const DEMO_KOLADA_NAME: &str = "seeds/kolada-demo.json";

/// The demo municipality's economy (2026: T1 and delår), loaded after the demo seed.
pub const DEMO_ECONOMY: &str = include_str!("../seeds/economy-demo.json");
pub const DEMO_ECONOMY_NAME: &str = "seeds/economy-demo.json";

/// Load the demo municipality, its economy and its Kolada comparison data into an empty
/// database.
pub fn load_demo(store: &mut Store, ctx: &ChangeContext) -> Result<SeedSummary> {
    let summary = load(store, ctx, DEMO_SEED_NAME, DEMO_SEED)?;
    load_economy(store, ctx, DEMO_ECONOMY_NAME, DEMO_ECONOMY)?;
    crate::kolada::import::import_texts(store, ctx, &[(DEMO_KOLADA_NAME, DEMO_KOLADA)])?;
    crate::narrative::load_seed_texts(store, ctx, crate::narrative::DEMO_TEXTS_NAME, crate::narrative::DEMO_TEXTS)?;
    crate::unit_missions::load_seed(store, ctx, crate::unit_missions::DEMO_UNITS_AGENDA_NAME, crate::unit_missions::DEMO_UNITS_AGENDA)?;
    crate::internal_control::load_seed(store, ctx, crate::internal_control::DEMO_PLANS_NAME, crate::internal_control::DEMO_PLANS)?;
    crate::assignments::load_seed(store, ctx, crate::assignments::DEMO_ASSIGNMENTS_NAME, crate::assignments::DEMO_ASSIGNMENTS)?;
    Ok(summary)
}

// ---------------------------------------------------------------------------
// Economy seed (`seeds/economy-demo.json`): investment projects and each period's figures,
// written through `store::economy::write_figures` with source `seed`.

/// Top of an economy seed file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EconomySeed {
    /// Must be "styrkort-economy-seed".
    pub format: String,
    /// This build reads version 1.
    pub version: u32,
    #[serde(default)]
    pub about: String,
    /// The plan year of the projects.
    pub plan_year: i32,
    /// "tkr" or "mnkr": the unit of every amount in the file (exact: whole tkr, or mnkr with
    /// up to eight decimals, are turned into öre without rounding).
    pub amounts_in: String,
    #[serde(default)]
    pub projects: Vec<EconomySeedProject>,
    /// Figures per period, keyed "ÅÅÅÅ T1", "ÅÅÅÅ delår" …
    pub periods: BTreeMap<String, EconomySeedPeriod>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EconomySeedProject {
    /// The project's number in the ekonomisystem (SIE dimension 6).
    pub code: String,
    pub name: String,
    /// The name of the nämnd or bolag responsible.
    pub unit: String,
    #[serde(default)]
    pub budget_total: Option<serde_json::Number>,
    #[serde(default)]
    pub budget_year: Option<serde_json::Number>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EconomySeedPeriod {
    /// Driftredovisning keyed by the nämnd's or bolag's name.
    #[serde(default)]
    pub operating: BTreeMap<String, EconomySeedOperating>,
    /// Investment follow-up keyed by project code.
    #[serde(default)]
    pub investments: BTreeMap<String, EconomySeedInvestment>,
    /// Statement lines per column ("actual", "actual_last_year", "budget", "forecast"),
    /// keyed by line ("rr.tax", "br.cash", "bk.gains" …).
    #[serde(default)]
    pub statements: BTreeMap<String, BTreeMap<String, serde_json::Number>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EconomySeedOperating {
    #[serde(default)]
    pub budget_year: Option<serde_json::Number>,
    #[serde(default)]
    pub budget_period: Option<serde_json::Number>,
    #[serde(default)]
    pub actual: Option<serde_json::Number>,
    #[serde(default)]
    pub forecast: Option<serde_json::Number>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EconomySeedInvestment {
    #[serde(default)]
    pub actual: Option<serde_json::Number>,
    #[serde(default)]
    pub forecast: Option<serde_json::Number>,
}

/// Parse an economy seed and write it into a database that has its organisation and plan
/// year, in one transaction; errors name the file and the place.
pub fn load_economy(store: &mut Store, ctx: &ChangeContext, src: &str, text: &str) -> Result<usize> {
    use crate::economy::amount::{self, AmountUnit};
    use crate::economy::figures::{Figures, InvestmentFigures, OperatingFigures, StatementFigure};
    use crate::model::{EconomySource, StatementColumn, StatementScope};

    let de = &mut serde_json::Deserializer::from_str(text);
    let seed: EconomySeed = serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        AppError::bad_file(msg!(
            "{src}: fel vid '{path}' (rad {}, kolumn {}): {inner}. Rätta filen och försök igen; inget har sparats.",
            "{src}: error at '{path}' (line {}, column {}): {inner}. Correct the file and try again; nothing has been saved.",
            inner.line(),
            inner.column()
        ))
    })?;
    if seed.format != "styrkort-economy-seed" || seed.version != 1 {
        return Err(AppError::bad_file(msg!(
            "{src}: filen är inte en ekonomiseedfil av version 1 (format '{}', version {}).",
            "{src}: the file is not an economy seed file of version 1 (format '{}', version {}).",
            seed.format,
            seed.version
        )));
    }
    let unit = AmountUnit::parse(&seed.amounts_in).ok_or_else(|| {
        AppError::bad_file(msg!(
            "{src}: amounts_in: '{}' är varken tkr eller mnkr.",
            "{src}: amounts_in: '{}' is neither tkr nor mnkr.",
            seed.amounts_in
        ))
    })?;
    let ore = |place: String, n: &Option<serde_json::Number>| -> Result<Option<i64>> {
        let Some(n) = n else { return Ok(None) };
        amount::parse(&n.to_string(), unit).map_err(|e| AppError::bad_file(msg!("{src}: {place}: {}", "{src}: {place}: {}", e)))
    };
    store.write(ctx, |w| {
        let units = units::all(w.read())?;
        let unit_id = |place: &str, name: &str| -> Result<i64> {
            units.iter().find(|u| u.name == name).map(|u| u.id).ok_or_else(|| {
                AppError::bad_file(msg!(
                    "{src}: {place}: enheten '{name}' finns inte i organisationen.",
                    "{src}: {place}: the unit '{name}' is not in the organisation."
                ))
            })
        };
        let mut projects: HashMap<&str, i64> = HashMap::new();
        for (n, p) in seed.projects.iter().enumerate() {
            let place = format!("projects[{n}] ({})", p.code);
            let form = crate::economy::ProjectForm {
                plan_year: seed.plan_year,
                org_unit_id: unit_id(&format!("{place}.unit"), &p.unit)?,
                code: p.code.clone(),
                name: p.name.clone(),
                budget_total: ore(format!("{place}.budget_total"), &p.budget_total)?,
                budget_year: ore(format!("{place}.budget_year"), &p.budget_year)?,
            };
            let id = crate::store::economy::insert_project(w, &form).map_err(at(src, &place))?;
            projects.insert(&p.code, id);
        }
        let mut periods: HashMap<(i32, PeriodKind, i32), i64> = HashMap::new();
        for year in crate::store::plan::years(w.read())? {
            for p in periods::of_year(w.read(), year.year)? {
                periods.insert((year.year, p.kind, p.seq), p.id);
            }
        }
        let mut written = 0;
        for (key, figures) in &seed.periods {
            let place = format!("periods.{key}");
            let period_id = period_key(src, &place, key, &periods)?;
            let mut out = Figures::default();
            for (name, o) in &figures.operating {
                let place = format!("{place}.operating.{name}");
                out.operating.push(OperatingFigures {
                    org_unit_id: unit_id(&place, name)?,
                    budget_year: ore(format!("{place}.budget_year"), &o.budget_year)?,
                    budget_period: ore(format!("{place}.budget_period"), &o.budget_period)?,
                    actual: ore(format!("{place}.actual"), &o.actual)?,
                    forecast: ore(format!("{place}.forecast"), &o.forecast)?,
                });
            }
            for (code, i) in &figures.investments {
                let place = format!("{place}.investments.{code}");
                let project_id = *projects.get(code.as_str()).ok_or_else(|| {
                    AppError::bad_file(msg!(
                        "{src}: {place}: projektet '{code}' finns inte i projects.",
                        "{src}: {place}: the project '{code}' is not in projects."
                    ))
                })?;
                out.investments.push(InvestmentFigures {
                    project_id,
                    actual: ore(format!("{place}.actual"), &i.actual)?,
                    forecast: ore(format!("{place}.forecast"), &i.forecast)?,
                });
            }
            for (column, lines) in &figures.statements {
                let place = format!("{place}.statements.{column}");
                let column =
                    enum_field(src, place.clone(), column, StatementColumn::parse, &["actual", "actual_last_year", "budget", "forecast"])?;
                for (row_key, amount) in lines {
                    let place = format!("{place}.{row_key}");
                    let line = crate::economy::rules::entered_line(row_key).map_err(at(src, &place))?;
                    let amount = ore(place, &Some(amount.clone()))?.unwrap_or(0);
                    out.statements.push(StatementFigure { scope: StatementScope::Kommun, row_key: line.key, column, amount });
                }
            }
            let summary = crate::store::economy::write_figures(w, period_id, &out, EconomySource::Seed).map_err(at(src, &place))?;
            written += summary.changed() as usize;
        }
        Ok(written)
    })
}

/// What a seed load created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedSummary {
    pub units: usize,
    pub goals: usize,
    pub indicators: usize,
    pub values: usize,
    pub activities: usize,
    pub assessments: usize,
}

/// Parse a seed file; errors name the file and the place in it.
pub fn parse(source_name: &str, text: &str) -> Result<SeedFile> {
    let de = &mut serde_json::Deserializer::from_str(text);
    let seed: SeedFile = serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let place = if inner.line() > 0 { format!(" (rad {}, kolumn {})", inner.line(), inner.column()) } else { String::new() };
        AppError::bad_file(msg!(
            "{source_name}: fel vid '{path}'{place}: {inner}. Rätta filen och försök igen; inget har sparats.",
            "{source_name}: error at '{path}'{place}: {inner}. Correct the file and try again; nothing has been saved."
        ))
    })?;
    if seed.format != "styrkort-seed" {
        return Err(AppError::bad_file(msg!(
            "{source_name}: filen är inte en Styrkort-seedfil (format '{}').",
            "{source_name}: the file is not a Styrkort seed file (format '{}').",
            seed.format
        )));
    }
    if seed.version != 1 {
        return Err(AppError::bad_file(msg!(
            "{source_name}: seedfilens version {} stöds inte av den här versionen av Styrkort (version 1). Uppdatera Styrkort.",
            "{source_name}: seed file version {} is not supported by this version of Styrkort (version 1). Update Styrkort.",
            seed.version
        )));
    }
    Ok(seed)
}

/// Parse and load a seed into an empty database, all in one transaction.
pub fn load(store: &mut Store, ctx: &ChangeContext, source_name: &str, text: &str) -> Result<SeedSummary> {
    let seed = parse(source_name, text)?;
    if !store.is_empty()? {
        return Err(AppError::conflict(msg!(
            "Databasen innehåller redan en organisation; {source_name} läses bara in i en tom databas. Välj en ny databasfil.", "The database already contains an organisation; {source_name} is only loaded into an empty database. Choose a new database file."
        )));
    }
    store.write(ctx, |w| write_seed(w, source_name, &seed))
}

fn enum_field<T>(source: &str, place: String, text: &str, parse: fn(&str) -> Option<T>, allowed: &[&str]) -> Result<T> {
    parse(text).ok_or_else(|| {
        AppError::bad_file(msg!(
            "{source}: {place}: '{text}' är inte tillåtet; välj ett av {}.",
            "{source}: {place}: '{text}' is not allowed; choose one of {}.",
            allowed.join(", ")
        ))
    })
}

fn period_key(source: &str, place: &str, key: &str, periods: &HashMap<(i32, PeriodKind, i32), i64>) -> Result<i64> {
    let bad = || {
        AppError::bad_file(msg!(
            "{source}: {place}: perioden '{key}' känns inte igen. Skriv 'ÅÅÅÅ helår', 'ÅÅÅÅ delår', 'ÅÅÅÅ T1' eller 'ÅÅÅÅ-MM' för ett år i filens intervall.", "{source}: {place}: the period '{key}' is not recognised. Write 'YYYY helår', 'YYYY delår', 'YYYY T1' or 'YYYY-MM' for a year in the file's range."
        ))
    };
    let (year, r) = match key.trim().split_once(' ') {
        Some((y, rest)) => (y.parse::<i32>().map_err(|_| bad())?, PeriodRef::parse(rest).map_err(|_| bad())?),
        None => {
            let r = PeriodRef::parse(key).map_err(|_| bad())?;
            (r.year.ok_or_else(bad)?, r)
        }
    };
    periods.get(&(year, r.kind, r.seq)).copied().ok_or_else(bad)
}

/// The seed's error for an entry: the file and place before the core's message.
fn at<'a>(src: &'a str, place: &str) -> impl Fn(AppError) -> AppError + 'a {
    let place = place.to_string();
    move |e| AppError::new(e.code, msg!("{src}: {place}: {}", "{src}: {place}: {}", e.msg()))
}

/// Load a parsed seed through the planning form saves (validated as in the window), without
/// making each of them an undo step.
fn write_seed(w: &mut Writer<'_>, src: &str, s: &SeedFile) -> Result<SeedSummary> {
    let [first, last] = s.years;
    if first > last || last - first > 30 {
        return Err(AppError::bad_file(msg!(
            "{src}: years: [{first}, {last}] är inget rimligt intervall.",
            "{src}: years: [{first}, {last}] is not a plausible range."
        )));
    }
    if !(first..=last).contains(&s.plan_year) {
        return Err(AppError::bad_file(msg!(
            "{src}: plan_year {} ligger utanför years.",
            "{src}: plan_year {} is outside years.",
            s.plan_year
        )));
    }
    if let Some(k) = &s.municipality.kolada_id {
        crate::store::settings::set(w, "kolada_municipality", k)?;
    }
    crate::store::settings::set(w, "municipality_name", &s.municipality.name)?;
    let mandate = plan::insert_mandate_period(w, &s.mandate_period.name, s.mandate_period.start_year, s.mandate_period.end_year)?;

    // Units: parents must come before children in the file.
    let mut units: HashMap<&str, (i64, UnitKind)> = HashMap::new();
    for (n, u) in s.units.iter().enumerate() {
        let place = format!("units[{n}] ({})", u.key);
        let kind =
            enum_field(src, format!("{place}.kind"), &u.kind, UnitKind::parse, &["kommun", "namnd", "forvaltning", "enhet", "bolag"])?;
        let parent_id = match &u.parent {
            None => None,
            Some(p) => Some(units.get(p.as_str()).map(|x| x.0).ok_or_else(|| {
                AppError::bad_file(msg!(
                    "{src}: {place}.parent: enheten '{p}' finns inte ovanför i filen.",
                    "{src}: {place}.parent: the unit '{p}' is not found above in the file."
                ))
            })?),
        };
        if units.contains_key(u.key.as_str()) {
            return Err(AppError::bad_file(msg!(
                "{src}: {place}.key: nyckeln '{}' används redan.",
                "{src}: {place}.key: the key '{}' is already used.",
                u.key
            )));
        }
        // The kommun is the top unit, made as a new municipality starts; the others as the
        // window adds them.
        let id = match parent_id {
            Some(parent) if kind != UnitKind::Kommun => forms::write_unit(w, parent, kind, &u.name),
            _ => {
                let kolada_id = if kind == UnitKind::Kommun { s.municipality.kolada_id.clone() } else { None };
                units::insert(w, NewUnit { parent_id, kind, name: u.name.clone(), kolada_id })
            }
        }
        .map_err(at(src, &place))?;
        units.insert(&u.key, (id, kind));
    }
    let unit = |place: &str, key: &str| -> Result<(i64, UnitKind)> {
        units.get(key).copied().ok_or_else(|| {
            AppError::bad_file(msg!(
                "{src}: {place}: enheten '{key}' finns inte i units.",
                "{src}: {place}: the unit '{key}' is not in units."
            ))
        })
    };

    // Plan years with their default periods; the perspectives belong to the plan year.
    let mut periods: HashMap<(i32, PeriodKind, i32), i64> = HashMap::new();
    let perspective_list: Vec<(&str, &str)> = s.perspectives.iter().map(|p| (p.name.as_str(), p.description.as_str())).collect();
    for year in first..=last {
        let (vision, perspectives) = if year == s.plan_year { (s.vision.as_str(), &perspective_list[..]) } else { ("", &[][..]) };
        forms::write_plan_year(w, year, Some(mandate), vision, s.scale_steps, perspectives)
            .map_err(|e| AppError::new(e.code, msg!("{src}: {}", "{src}: {}", e.msg())))?;
        for p in periods::of_year(w.read(), year)? {
            periods.insert((year, p.kind, p.seq), p.id);
        }
    }
    let perspectives: HashMap<String, i64> =
        plan::perspectives(w.read(), s.plan_year)?.into_iter().map(|p| (p.name.to_lowercase(), p.id)).collect();

    // Goals: a goal's parents come before it in the file.
    let mut goals: HashMap<&str, (i64, i64)> = HashMap::new();
    for (n, g) in s.goals.iter().enumerate() {
        let place = format!("goals[{n}] ({})", g.key);
        let level = enum_field(src, format!("{place}.level"), &g.level, GoalLevel::parse, &["kf", "namnd", "enhet"])?;
        let perspective_id = *perspectives.get(&g.perspective.to_lowercase()).ok_or_else(|| {
            AppError::bad_file(msg!(
                "{src}: {place}.perspective: perspektivet '{}' finns inte i perspectives.",
                "{src}: {place}.perspective: the perspective '{}' is not in perspectives.",
                g.perspective
            ))
        })?;
        let (owner, kind) = unit(&format!("{place}.unit"), &g.unit)?;
        if forms::goal_level_of(kind) != level {
            return Err(AppError::bad_file(msg!(
                "{src}: {place}.level: en {} äger mål på nivån '{}', inte '{}'.",
                "{src}: {place}.level: a {} owns goals on the level '{}', not '{}'.",
                kind.label().to_lowercase(),
                forms::goal_level_of(kind).as_str(),
                g.level
            )));
        }
        if goals.contains_key(g.key.as_str()) {
            return Err(AppError::bad_file(msg!(
                "{src}: {place}.key: nyckeln '{}' används redan.",
                "{src}: {place}.key: the key '{}' is already used.",
                g.key
            )));
        }
        let parent_ids = g
            .parents
            .iter()
            .map(|p| {
                goals.get(p.as_str()).map(|x| x.0).ok_or_else(|| {
                    AppError::bad_file(msg!(
                        "{src}: {place}.parents: målet '{p}' finns inte ovanför i goals.",
                        "{src}: {place}.parents: the goal '{p}' is not found above in goals."
                    ))
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let form = GoalForm {
            id: None,
            plan_year: s.plan_year,
            owner_unit_id: owner,
            perspective_id,
            code: g.key.clone(),
            title: g.title.clone(),
            description: g.description.clone(),
            parent_ids,
        };
        let id = forms::write_goal(w, &form).map_err(at(src, &place))?;
        goals.insert(&g.key, (id, owner));
    }
    let goal = |place: &str, key: &str| -> Result<(i64, i64)> {
        goals.get(key).copied().ok_or_else(|| {
            AppError::bad_file(msg!(
                "{src}: {place}: målet '{key}' finns inte i goals.",
                "{src}: {place}: the goal '{key}' is not in goals."
            ))
        })
    };

    let mut values = 0;
    for (n, i) in s.indicators.iter().enumerate() {
        let place = format!("indicators[{n}] ({})", i.key);
        let direction = enum_field(src, format!("{place}.direction"), &i.direction, Direction::parse, &["higher", "lower"])?;
        let (owner, _) = unit(&format!("{place}.owner"), &i.owner)?;
        let (tolerance_kind, tolerance) = match (i.tolerance_absolute, i.tolerance_percent) {
            (Some(a), _) => (ToleranceKind::Absolute, a),
            (None, Some(p)) => (ToleranceKind::Percent, p),
            (None, None) => (ToleranceKind::Percent, 10.0),
        };
        let frequency =
            if i.values.keys().any(|k| !k.contains("helår") && !k.contains("helar")) { Frequency::Tertial } else { Frequency::Year };
        let goal_ids = i.goals.iter().map(|g| goal(&format!("{place}.goals"), g).map(|x| x.0)).collect::<Result<Vec<_>>>()?;
        let targets = i
            .targets
            .iter()
            .map(|(year, target)| {
                let year = year.parse().map_err(|_| {
                    AppError::bad_file(msg!(
                        "{src}: {place}.targets: '{year}' är inget årtal.",
                        "{src}: {place}.targets: '{year}' is not a year."
                    ))
                })?;
                Ok(Target { year, target: *target, yellow_limit: None })
            })
            .collect::<Result<Vec<_>>>()?;
        let form = IndicatorForm {
            id: None,
            owner_unit_id: owner,
            plan_year: s.plan_year,
            name: i.name.clone(),
            description: i.description.clone(),
            unit: i.unit.clone(),
            direction,
            decimals: i.decimals,
            kolada_kpi_id: i.kolada_kpi.clone(),
            tolerance_kind,
            tolerance,
            targets,
            goal_ids,
            responsible: i.responsible.clone(),
        };
        let id = forms::write_indicator(w, &form, frequency, i.gender_split).map_err(at(src, &place))?;
        for (key, v) in &i.values {
            let period = period_key(src, &format!("{place}.values"), key, &periods)?;
            crate::store::values::set(w, id, owner, period, Gender::T, *v, ValueSource::Import)?;
            values += 1;
        }
        for (key, split) in &i.values_by_gender {
            let period = period_key(src, &format!("{place}.values_by_gender"), key, &periods)?;
            for (g, v) in split {
                let gender = enum_field(src, format!("{place}.values_by_gender.{key}"), g, Gender::parse, &["K", "M"])?;
                crate::store::values::set(w, id, owner, period, gender, *v, ValueSource::Import)?;
                values += 1;
            }
        }
    }

    for (n, a) in s.activities.iter().enumerate() {
        let place = format!("activities[{n}]");
        let status = enum_field(
            src,
            format!("{place}.status"),
            &a.status,
            ActivityStatus::parse,
            &["ej_paborjad", "paborjad", "genomford", "forsenad", "avford"],
        )?;
        let (owner, _) = unit(&format!("{place}.unit"), &a.unit)?;
        let goal_ids = a.goals.iter().map(|g| goal(&format!("{place}.goals"), g).map(|x| x.0)).collect::<Result<Vec<_>>>()?;
        let form = ActivityForm {
            id: None,
            plan_year: s.plan_year,
            owner_unit_id: owner,
            title: a.title.clone(),
            description: a.description.clone(),
            responsible: a.responsible.clone(),
            start_date: a.start.clone(),
            end_date: a.end.clone(),
            status,
            goal_ids,
        };
        forms::write_activity(w, &form).map_err(at(src, &place))?;
    }

    let scale = default_scale(s.scale_steps).unwrap_or_default();
    for (n, a) in s.assessments.iter().enumerate() {
        let place = format!("assessments[{n}] ({})", a.goal);
        let (goal_id, owner) = goal(&format!("{place}.goal"), &a.goal)?;
        let unit_id = match &a.unit {
            Some(u) => unit(&format!("{place}.unit"), u)?.0,
            None => owner,
        };
        let period = period_key(src, &format!("{place}.period"), &a.period, &periods)?;
        let step = match &a.assessment {
            None => None,
            Some(label) => Some(
                scale
                    .iter()
                    .position(|(l, _, _)| l.eq_ignore_ascii_case(label.trim()) || l.to_lowercase() == label.trim().to_lowercase())
                    .map(|i| i as i32 + 1)
                    .ok_or_else(|| {
                        AppError::bad_file(msg!(
                            "{src}: {place}.assessment: '{label}' finns inte på skalan; välj ett av {}.",
                            "{src}: {place}.assessment: '{label}' is not on the scale; choose one of {}.",
                            scale.iter().map(|s| s.0).collect::<Vec<_>>().join(", ")
                        ))
                    })?,
            ),
        };
        let state = enum_field(src, format!("{place}.state"), &a.state, AssessmentState::parse, &["draft", "ready", "approved"])?;
        crate::store::assessments::set(w, goal_id, unit_id, period, step, &a.analysis, state)?;
    }

    Ok(SeedSummary {
        units: s.units.len(),
        goals: s.goals.len(),
        indicators: s.indicators.len(),
        values,
        activities: s.activities.len(),
        assessments: s.assessments.len(),
    })
}
