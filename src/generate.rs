//! A deterministic synthetic municipality, for benchmarks and load tests.
//!
//! `small` is about the size of the demo municipality; `large` is a big municipality:
//! 13 top-level organisations (8 nämnder with their förvaltningar, 5 bolag), about 400
//! units, 2 000 goals, 5 000 indicators with ten years of monthly values (600 000), activities,
//! assessments with analysis texts for the plan year's three follow-up periods, and Kolada
//! values for 290 areas × 200 KPIs × 10 years × 3 genders (1.74 million).
//!
//! Everything is written through [`Writer`], one transaction per big step. The structure
//! (units, goals, indicators, links, activities) goes through the ordinary validating Writer
//! methods, one audit row each. The mass rows (targets, values, activity follow-up,
//! assessments, Kolada values) go through the bulk methods below with prepared statements;
//! each bulk step leaves one audit row (`import`, the table, the row count and the seed)
//! instead of one per row. The schema's CHECK and foreign-key constraints still hold for
//! every row. The same seed gives the same content; only the audit log's timestamps differ.

use std::collections::HashMap;

use serde_json::json;

use crate::error::{AppError, Result};
use crate::model::{ActivityStatus, AssessmentState, Direction, Frequency, Gender, GoalLevel, PeriodKind, ToleranceKind, UnitKind};
use crate::msg;
use crate::store::{ChangeContext, NewActivity, NewGoal, NewIndicator, NewUnit, Store, Writer};

/// How big a municipality to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    Small,
    Large,
}

/// The sizes behind a [`Scale`].
#[derive(Debug, Clone)]
pub struct Sizes {
    pub namnder: usize,
    pub bolag: usize,
    /// Total number of units, the kommun included.
    pub units: usize,
    /// Units (enheter) under each bolag.
    pub units_per_bolag: usize,
    pub kf_goals: usize,
    pub goals_per_top_org: usize,
    pub goals: usize,
    pub indicators: usize,
    pub activities: usize,
    /// Plan years with monthly values, the last one is the plan year with goals.
    pub years: i32,
    pub last_year: i32,
    pub kolada_areas: usize,
    pub kolada_kpis: usize,
    pub kolada_years: i32,
}

impl Scale {
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "small" => Some(Scale::Small),
            "large" => Some(Scale::Large),
            _ => None,
        }
    }

    pub fn sizes(self) -> Sizes {
        match self {
            Scale::Small => Sizes {
                namnder: 3,
                bolag: 1,
                units: 15,
                units_per_bolag: 1,
                kf_goals: 8,
                goals_per_top_org: 4,
                goals: 40,
                indicators: 44,
                activities: 16,
                years: 2,
                last_year: 2026,
                kolada_areas: 20,
                kolada_kpis: 10,
                kolada_years: 2,
            },
            Scale::Large => Sizes {
                namnder: 8,
                bolag: 5,
                units: 400,
                units_per_bolag: 2,
                kf_goals: 24,
                goals_per_top_org: 8,
                goals: 2_000,
                indicators: 5_000,
                activities: 1_000,
                years: 10,
                last_year: 2026,
                kolada_areas: 290,
                kolada_kpis: 200,
                kolada_years: 10,
            },
        }
    }
}

/// What was generated, row counts per kind.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Generated {
    pub units: usize,
    pub goals: usize,
    pub indicators: usize,
    pub values: usize,
    pub activities: usize,
    pub assessments: usize,
    pub kolada_values: usize,
}

impl Generated {
    pub fn describe_sv(&self) -> String {
        format!(
            "{} enheter, {} mål, {} nyckeltal, {} värden, {} aktiviteter, {} bedömningar, {} Kolada-värden",
            self.units, self.goals, self.indicators, self.values, self.activities, self.assessments, self.kolada_values
        )
    }
}

const NAMNDER: [(&str, &str, &[&str]); 8] = [
    ("Kommunstyrelsen", "Kommunledningsförvaltningen", &["Ekonomiavdelningen", "HR-avdelningen", "Kommunikationsenheten", "Kontaktcenter"]),
    ("Barn- och utbildningsnämnden", "Barn- och utbildningsförvaltningen", &["skolan", "förskola", "gymnasiet", "fritidshem"]),
    (
        "Socialnämnden",
        "Socialförvaltningen",
        &["Individ- och familjeomsorg", "Försörjningsstöd", "Boende för ensamkommande", "Familjecentral"],
    ),
    ("Vård- och omsorgsnämnden", "Vård- och omsorgsförvaltningen", &["äldreboende", "hemtjänst", "gruppbostad", "dagverksamhet"]),
    ("Kultur- och fritidsnämnden", "Kultur- och fritidsförvaltningen", &["bibliotek", "simhall", "fritidsgård", "kulturskola"]),
    ("Miljö- och byggnämnden", "Miljö- och byggförvaltningen", &["Bygglov", "Miljötillsyn", "Livsmedelskontroll", "Lantmäteri"]),
    ("Tekniska nämnden", "Tekniska förvaltningen", &["Gata och park", "Fastighetsförvaltning", "Kostenheten", "Städenheten"]),
    (
        "Samhällsbyggnadsnämnden",
        "Samhällsbyggnadsförvaltningen",
        &["Planenheten", "Näringslivsenheten", "Mark och exploatering", "Trafikenheten"],
    ),
];

const BOLAG: [&str; 5] = ["Bostäder AB", "Energi AB", "Vatten AB", "Hamn AB", "Näringsliv och Turism AB"];

const PLACES: [&str; 24] = [
    "Björkängs",
    "Ekåsens",
    "Lönnbackens",
    "Sjövikens",
    "Ängsö",
    "Hagalunds",
    "Östra",
    "Västra",
    "Rönnbärs",
    "Åsens",
    "Granängs",
    "Tallbackens",
    "Lindö",
    "Allé",
    "Hasselbackens",
    "Solgårdens",
    "Källängens",
    "Tjärnens",
    "Mörtsjö",
    "Älvdals",
    "Näsets",
    "Skogsbrynets",
    "Bäckens",
    "Kärrets",
];

const PERSPECTIVES: [&str; 4] = ["Invånare och brukare", "Medarbetare", "Ekonomi", "Hållbar utveckling"];

const GOAL_SUBJECTS: [&str; 16] = [
    "Fler invånare ska känna sig trygga i sin vardag",
    "Elevernas kunskapsresultat ska förbättras",
    "Äldre ska få vård och omsorg med hög kvalitet",
    "Sjukfrånvaron ska minska",
    "Medarbetarna ska vilja rekommendera sin arbetsplats",
    "Verksamheten ska hålla sin budget",
    "Kostnaderna per brukare ska ligga i nivå med jämförbara kommuner",
    "Utsläppen av växthusgaser ska minska",
    "Fler ska få arbete eller börja studera",
    "Handläggningstiderna ska bli kortare",
    "Fler ska delta i kultur- och fritidsaktiviteter",
    "Energianvändningen i våra lokaler ska minska",
    "Barn och unga ska ha en trygg uppväxt",
    "Företagen ska vara nöjda med kommunens service",
    "Andelen ekologiska livsmedel ska öka",
    "Bostadsbyggandet ska öka i hela kommunen",
];

/// (name, unit, direction, base, yearly change, tolerance %)
const INDICATORS: [(&str, &str, Direction, f64, f64); 16] = [
    ("Andel nöjda brukare", "%", Direction::Higher, 78.0, 0.6),
    ("Sjukfrånvaro", "%", Direction::Lower, 7.5, -0.2),
    ("Andel elever med godkänt i alla ämnen", "%", Direction::Higher, 72.0, 0.5),
    ("Nettokostnad per invånare", "kr/inv", Direction::Lower, 9_800.0, 150.0),
    ("Handläggningstid bygglov", "dagar", Direction::Lower, 42.0, -1.0),
    ("Andel ekologiska livsmedel", "%", Direction::Higher, 31.0, 1.2),
    ("Energianvändning i lokaler", "kWh/m²", Direction::Lower, 165.0, -2.5),
    ("Antal besök", "antal", Direction::Higher, 1_850.0, 40.0),
    ("Medarbetarengagemang (HME)", "index", Direction::Higher, 77.0, 0.3),
    ("Budgetavvikelse", "%", Direction::Higher, -0.5, 0.1),
    ("Väntetid till särskilt boende", "dagar", Direction::Lower, 58.0, -1.5),
    ("Andel i arbete eller studier efter insats", "%", Direction::Higher, 41.0, 0.8),
    ("Personalomsättning", "%", Direction::Lower, 12.0, -0.2),
    ("Nöjd kund-index företag", "index", Direction::Higher, 69.0, 0.7),
    ("Andel återanvänt material", "%", Direction::Higher, 24.0, 1.0),
    ("Antal färdigställda bostäder", "antal", Direction::Higher, 85.0, 3.0),
];

const ANALYSIS: [&str; 8] = [
    "Utvecklingen går åt rätt håll men takten är för låg för att målet ska nås under året.",
    "Resultatet förklaras främst av ökad efterfrågan under våren och en högre sjukfrånvaro än väntat.",
    "Verksamheten har infört nya arbetssätt som väntas ge effekt under hösten; vi följer upp månadsvis.",
    "Målet bedöms som uppfyllt: samtliga nyckeltal ligger på eller över målvärdet.",
    "Bemanningen har varit ansträngd och flera åtgärder har fått skjutas upp till nästa år.",
    "Jämfört med liknande kommuner ligger vi i mitten; skillnaden mellan kvinnor och män har minskat.",
    "Åtgärdsplanen från delåret har genomförts och effekterna syns i de senaste mätningarna.",
    "Kostnaderna har ökat mer än budgeterat, främst för köpta platser och inhyrd personal.",
];

const COUNTIES: [&str; 21] =
    ["01", "03", "04", "05", "06", "07", "08", "09", "10", "12", "13", "14", "17", "18", "19", "20", "21", "22", "23", "24", "25"];

/// The municipality's own Kolada code: the demo's, so comparisons find it.
const OWN_MUNICIPALITY: &str = "2083";

/// Kolada area ids: Riket, our own municipality and plausible four-digit municipality codes.
pub fn kolada_areas(n: usize) -> Vec<String> {
    let mut out = vec!["0000".to_string(), OWN_MUNICIPALITY.to_string()];
    let mut k = 0usize;
    while out.len() < n {
        let county = COUNTIES[k % COUNTIES.len()];
        let number = 80 + (k / COUNTIES.len()) * 3;
        let id = format!("{county}{number:02}");
        if !out.contains(&id) {
            out.push(id);
        }
        k += 1;
    }
    out.truncate(n);
    out
}

/// Kolada KPI ids of the generated set.
pub fn kolada_kpis(n: usize) -> Vec<String> {
    (0..n).map(|k| format!("N{:05}", 10_000 + k * 7)).collect()
}

/// A Kolada value for a KPI, area, year and gender: deterministic from the indices.
pub fn kolada_value(rng: &mut fastrand::Rng, kpi: usize, area: usize, year_index: i32, gender: Gender) -> f64 {
    let base = 20.0 + (kpi % 17) as f64 * 4.0;
    let area_factor = 0.8 + (area % 13) as f64 * 0.03;
    let g = match gender {
        Gender::T => 0.0,
        Gender::K => 1.5,
        Gender::M => -1.5,
    };
    let v = base * area_factor + year_index as f64 * 0.4 + g + rng.f64() * 2.0;
    (v * 10.0).round() / 10.0
}

/// Generate a municipality into an empty database. Refuses a database that already holds
/// an organisation, so nothing is ever mixed into real data.
pub fn generate(store: &mut Store, ctx: &ChangeContext, scale: Scale, seed: u64) -> Result<Generated> {
    if !store.is_empty()? {
        return Err(AppError::conflict(msg!(
            "Databasen innehåller redan en organisation; testdata genereras bara i en tom databas. Ange en ny fil med --db.",
            "The database already contains an organisation; test data is only generated in an empty database. Give a new file with --db."
        )));
    }
    let sizes = scale.sizes();
    let mut out = Generated::default();
    let structure = store.write(ctx, |w| build_structure(w, &sizes, seed))?;
    out.units = structure.units.len();
    out.goals = structure.goals.len();
    out.indicators = structure.indicators.len();
    store.write(ctx, |w| w.generated_targets(&structure, &sizes, seed))?;
    out.values = store.write(ctx, |w| w.generated_values(&structure, seed))?;
    out.activities = store.write(ctx, |w| build_activities(w, &structure, &sizes, seed))?;
    out.assessments = store.write(ctx, |w| w.generated_assessments(&structure, seed))?;
    out.kolada_values = store.write(ctx, |w| w.generated_kolada(&sizes, seed))?;
    Ok(out)
}

struct UnitInfo {
    id: i64,
    /// The nämnd or bolag the unit belongs to (itself for those; the kommun for the kommun).
    top: i64,
    kind: UnitKind,
}

struct GoalInfo {
    id: i64,
    owner: i64,
    perspective: usize,
}

struct IndicatorInfo {
    id: i64,
    owner: i64,
    template: usize,
    /// Level offset so indicators differ; the target sits near it.
    level: f64,
    direction: Direction,
    decimals: u32,
}

struct Structure {
    units: Vec<UnitInfo>,
    goals: Vec<GoalInfo>,
    indicators: Vec<IndicatorInfo>,
    plan_year: i32,
    /// Monthly periods of every year: (year, month, id), oldest first.
    months: Vec<(i32, i32, i64)>,
    /// The plan year's T1, delår and helår.
    plan_periods: Vec<i64>,
    steps: i32,
}

fn municipality_name(rng: &mut fastrand::Rng) -> String {
    const FIRST: [&str; 8] = ["Sjö", "Älv", "Björk", "Ek", "Ås", "Lind", "Hag", "Rönn"];
    const LAST: [&str; 8] = ["backa", "åsa", "stad", "vik", "näs", "hult", "by", "fors"];
    format!("{}{} kommun", FIRST[rng.usize(..FIRST.len())], LAST[rng.usize(..LAST.len())])
}

fn build_structure(w: &mut Writer<'_>, s: &Sizes, seed: u64) -> Result<Structure> {
    let mut rng = fastrand::Rng::with_seed(seed);
    let name = municipality_name(&mut rng);
    let short = name.trim_end_matches(" kommun").to_string();
    crate::store::settings::set(w, "municipality_name", &name)?;
    crate::store::settings::set(w, "kolada_municipality", OWN_MUNICIPALITY)?;
    let first_year = s.last_year - s.years + 1;
    let mandate = crate::store::plan::insert_mandate_period(w, "Mandatperiod 2023–2026", 2023, 2026)?;

    let steps = 4;
    let mut months = Vec::new();
    let mut plan_periods = Vec::new();
    for year in first_year..=s.last_year {
        let vision = if year == s.last_year { format!("{short} – en trygg och hållbar kommun att växa i.") } else { String::new() };
        crate::store::plan::insert_year(w, year, if year >= 2023 { Some(mandate) } else { None }, &vision, steps)?;
        let ids = crate::store::periods::insert_defaults(w, year)?;
        if year == s.last_year {
            plan_periods = ids;
        }
        for m in 1..=12u32 {
            let start = format!("{year}-{m:02}-01");
            let end = chrono::NaiveDate::from_ymd_opt(year, m, 1)
                .and_then(|d| d.checked_add_months(chrono::Months::new(1)))
                .and_then(|d| d.pred_opt())
                .ok_or_else(|| {
                    AppError::validation(msg!(
                        "Månaden {year}-{m:02} kunde inte räknas ut.",
                        "The month {year}-{m:02} could not be worked out."
                    ))
                })?;
            let deadline = end + chrono::Days::new(15);
            let id = crate::store::periods::insert(
                w,
                year,
                PeriodKind::Month,
                m as i32,
                &format!("{} {year}", MONTH_NAMES[(m - 1) as usize]),
                &start,
                &end.format("%Y-%m-%d").to_string(),
                Some(&deadline.format("%Y-%m-%d").to_string()),
            )?;
            months.push((year, m as i32, id));
        }
    }
    let mut perspectives = Vec::new();
    for p in PERSPECTIVES {
        perspectives.push(crate::store::plan::insert_perspective(w, s.last_year, p, "")?);
    }

    // Units: kommun, nämnder with one förvaltning each, bolag; then enheter.
    let mut units = Vec::new();
    let kommun = crate::store::units::insert(
        w,
        NewUnit { parent_id: None, kind: UnitKind::Kommun, name: name.clone(), kolada_id: Some(OWN_MUNICIPALITY.into()) },
    )?;
    units.push(UnitInfo { id: kommun, top: kommun, kind: UnitKind::Kommun });
    let mut forvaltningar = Vec::new();
    for (n, (namnd, forvaltning, _)) in NAMNDER.iter().take(s.namnder).enumerate() {
        let id = crate::store::units::insert(
            w,
            NewUnit { parent_id: Some(kommun), kind: UnitKind::Namnd, name: namnd.to_string(), kolada_id: None },
        )?;
        units.push(UnitInfo { id, top: id, kind: UnitKind::Namnd });
        let f = crate::store::units::insert(
            w,
            NewUnit { parent_id: Some(id), kind: UnitKind::Forvaltning, name: forvaltning.to_string(), kolada_id: None },
        )?;
        units.push(UnitInfo { id: f, top: id, kind: UnitKind::Forvaltning });
        forvaltningar.push((f, id, n));
    }
    let mut bolag = Vec::new();
    for b in BOLAG.iter().take(s.bolag) {
        let id = crate::store::units::insert(
            w,
            NewUnit { parent_id: Some(kommun), kind: UnitKind::Bolag, name: format!("{short} {b}"), kolada_id: None },
        )?;
        units.push(UnitInfo { id, top: id, kind: UnitKind::Bolag });
        bolag.push((id, *b));
    }
    let mut used: HashMap<String, usize> = HashMap::new();
    let mut unique = |base: String| -> String {
        let n = used.entry(base.clone()).or_insert(0);
        *n += 1;
        if *n == 1 {
            base
        } else {
            format!("{base} {n}")
        }
    };
    for (id, b) in &bolag {
        for k in 0..s.units_per_bolag {
            let label = if k % 2 == 0 { "Drift" } else { "Kundservice" };
            let name = unique(format!("{label} – {}", b.trim_end_matches(" AB")));
            let u = crate::store::units::insert(w, NewUnit { parent_id: Some(*id), kind: UnitKind::Enhet, name, kolada_id: None })?;
            units.push(UnitInfo { id: u, top: *id, kind: UnitKind::Enhet });
        }
    }
    let remaining = s.units.saturating_sub(units.len());
    for k in 0..remaining {
        let (f, top, n) = forvaltningar[k % forvaltningar.len()];
        let kinds = NAMNDER[n].2;
        let kind = kinds[(k / forvaltningar.len()) % kinds.len()];
        let place = PLACES[rng.usize(..PLACES.len())];
        let base = if kind.chars().next().is_some_and(char::is_lowercase) {
            format!("{place}{kind}")
        } else {
            format!("{kind} {}", place.trim_end_matches('s'))
        };
        let u = crate::store::units::insert(w, NewUnit { parent_id: Some(f), kind: UnitKind::Enhet, name: unique(base), kolada_id: None })?;
        units.push(UnitInfo { id: u, top, kind: UnitKind::Enhet });
    }

    // Goals: KF goals, nämnd/bolag goals linked to KF goals of the same perspective, enhet
    // goals linked to their nämnd's goals of the same perspective.
    let year = s.last_year;
    let mut goals = Vec::new();
    let mut kf_by_perspective: HashMap<usize, Vec<i64>> = HashMap::new();
    for k in 0..s.kf_goals {
        let p = k % PERSPECTIVES.len();
        let id = crate::store::goals::insert(
            w,
            NewGoal {
                plan_year: year,
                level: GoalLevel::Kf,
                perspective_id: perspectives[p],
                owner_unit_id: kommun,
                code: format!("KF{}", k + 1),
                title: GOAL_SUBJECTS[(k * 3 + p) % GOAL_SUBJECTS.len()].to_string(),
                description: "Kommunfullmäktiges mål för mandatperioden.".into(),
            },
        )?;
        kf_by_perspective.entry(p).or_default().push(id);
        goals.push(GoalInfo { id, owner: kommun, perspective: p });
    }
    let tops: Vec<(i64, usize)> =
        units.iter().filter(|u| matches!(u.kind, UnitKind::Namnd | UnitKind::Bolag)).enumerate().map(|(n, u)| (u.id, n)).collect();
    let mut namnd_goals: HashMap<(i64, usize), Vec<i64>> = HashMap::new();
    for (top, n) in &tops {
        for k in 0..s.goals_per_top_org {
            let p = k % PERSPECTIVES.len();
            let id = crate::store::goals::insert(
                w,
                NewGoal {
                    plan_year: year,
                    level: GoalLevel::Namnd,
                    perspective_id: perspectives[p],
                    owner_unit_id: *top,
                    code: format!("N{}.{}", n + 1, k + 1),
                    title: GOAL_SUBJECTS[rng.usize(..GOAL_SUBJECTS.len())].to_string(),
                    description: String::new(),
                },
            )?;
            if let Some(parents) = kf_by_perspective.get(&p) {
                crate::store::goals::link(w, id, parents[rng.usize(..parents.len())])?;
            }
            namnd_goals.entry((*top, p)).or_default().push(id);
            goals.push(GoalInfo { id, owner: *top, perspective: p });
        }
    }
    let enheter: Vec<&UnitInfo> = units.iter().filter(|u| u.kind == UnitKind::Enhet).collect();
    let enhet_goals = s.goals.saturating_sub(goals.len());
    for k in 0..enhet_goals {
        let u = enheter[k % enheter.len()];
        let p = (k / enheter.len()) % PERSPECTIVES.len();
        let id = crate::store::goals::insert(
            w,
            NewGoal {
                plan_year: year,
                level: GoalLevel::Enhet,
                perspective_id: perspectives[p],
                owner_unit_id: u.id,
                code: format!("E{}", k + 1),
                title: GOAL_SUBJECTS[rng.usize(..GOAL_SUBJECTS.len())].to_string(),
                description: String::new(),
            },
        )?;
        // Every tenth unit goal is a loose thread, as in real plans.
        if k % 10 != 9 {
            if let Some(parents) = namnd_goals.get(&(u.top, p)) {
                crate::store::goals::link(w, id, parents[rng.usize(..parents.len())])?;
            }
        }
        goals.push(GoalInfo { id, owner: u.id, perspective: p });
    }

    // Indicators: spread over the goals, owned by the goal's unit, monthly.
    let kpis = kolada_kpis(s.kolada_kpis);
    let mut indicators = Vec::new();
    for k in 0..s.indicators {
        let g = &goals[k % goals.len()];
        let t = (k * 5 + g.perspective) % INDICATORS.len();
        let (name, unit, direction, base, _) = INDICATORS[t];
        let level = base * (0.85 + rng.f64() * 0.3);
        let decimals = if base.abs() >= 1_000.0 { 0 } else { 1 };
        let id = crate::store::indicators::insert(
            w,
            NewIndicator {
                name: if k < goals.len() { name.to_string() } else { format!("{name} ({})", k / goals.len() + 1) },
                description: String::new(),
                unit: unit.into(),
                direction,
                decimals,
                kolada_kpi_id: if k % 10 == 0 { Some(kpis[(k / 10) % kpis.len()].clone()) } else { None },
                owner_unit_id: g.owner,
                frequency: Frequency::Month,
                gender_split: false,
                tolerance_kind: ToleranceKind::Percent,
                tolerance: 10.0,
            },
        )?;
        crate::store::indicators::link_goal(w, g.id, id)?;
        indicators.push(IndicatorInfo { id, owner: g.owner, template: t, level, direction, decimals });
    }
    Ok(Structure { units, goals, indicators, plan_year: year, months, plan_periods, steps })
}

const MONTH_NAMES: [&str; 12] =
    ["Januari", "Februari", "Mars", "April", "Maj", "Juni", "Juli", "Augusti", "September", "Oktober", "November", "December"];

fn build_activities(w: &mut Writer<'_>, st: &Structure, s: &Sizes, seed: u64) -> Result<usize> {
    const TITLES: [&str; 8] = [
        "Införa digitala besök",
        "Kompetensutveckling för all personal",
        "Översyn av schemaläggningen",
        "Energieffektivisering av lokaler",
        "Brukarundersökning med uppföljning",
        "Samverkan med näringslivet",
        "Förebyggande arbete mot ohälsa",
        "Ny rutin för avvikelsehantering",
    ];
    const PEOPLE: [&str; 6] = ["Anna Öberg", "Jonas Åkesson", "Märta Ljungqvist", "Per Sjögren", "Fatima Ali", "Erik Lindström"];
    let mut rng = fastrand::Rng::with_seed(seed ^ 0xac71);
    let statuses = [ActivityStatus::NotStarted, ActivityStatus::Started, ActivityStatus::Done, ActivityStatus::Delayed];
    let mut ids = Vec::new();
    for k in 0..s.activities {
        let g = &st.goals[(k * 7) % st.goals.len()];
        let start_month = 1 + rng.u32(..6);
        let id = crate::store::activities::insert(
            w,
            NewActivity {
                plan_year: st.plan_year,
                owner_unit_id: g.owner,
                title: TITLES[rng.usize(..TITLES.len())].to_string(),
                description: "Aktiviteten ska bidra till att målet nås under året.".into(),
                responsible: PEOPLE[rng.usize(..PEOPLE.len())].into(),
                start_date: chrono::NaiveDate::from_ymd_opt(st.plan_year, start_month, 1),
                end_date: chrono::NaiveDate::from_ymd_opt(st.plan_year, 12, 31),
                status: statuses[rng.usize(..statuses.len())],
            },
            &[g.id],
        )?;
        ids.push(id);
    }
    let mut stmt = crate::store::activities::GeneratedFollowUps::new(w)?;
    let mut rows = 0usize;
    for id in &ids {
        for p in &st.plan_periods {
            let status = statuses[rng.usize(..statuses.len())];
            stmt.add(*id, *p, status, "Arbetet pågår enligt plan.")?;
            rows += 1;
        }
    }
    drop(stmt);
    w.audit("import", "activity_follow_up", "generate", None, Some(json!({"rows": rows, "seed": seed})))?;
    Ok(ids.len())
}

impl Writer<'_> {
    /// Targets for every generated indicator and year: one audit row for all of them.
    fn generated_targets(&mut self, st: &Structure, s: &Sizes, seed: u64) -> Result<()> {
        let first_year = s.last_year - s.years + 1;
        let mut stmt = crate::store::indicators::GeneratedTargets::new(self)?;
        let mut rows = 0usize;
        for i in &st.indicators {
            let change = INDICATORS[i.template].4;
            for year in first_year..=s.last_year {
                // The target is a little ahead of the expected level of the year.
                let ahead = match i.direction {
                    Direction::Higher => 1.03,
                    Direction::Lower => 0.97,
                };
                let expected = i.level + change * (year - first_year) as f64;
                let target = round_to(expected * if expected >= 0.0 { ahead } else { 2.0 - ahead }, i.decimals);
                stmt.add(i.id, year, target)?;
                rows += 1;
            }
        }
        drop(stmt);
        self.audit("import", "indicator_target", "generate", None, Some(json!({"rows": rows, "seed": seed})))
    }

    /// Monthly values (gender T) of every generated indicator, for every year.
    fn generated_values(&mut self, st: &Structure, seed: u64) -> Result<usize> {
        let mut rng = fastrand::Rng::with_seed(seed ^ 0x7a1e);
        let first_year = st.months.first().map(|m| m.0).unwrap_or(st.plan_year);
        let mut stmt = crate::store::values::GeneratedValues::new(self)?;
        let mut rows = 0usize;
        for i in &st.indicators {
            let change = INDICATORS[i.template].4;
            // Each indicator drifts its own way, so some end green, some yellow, some red.
            let drift = (rng.f64() - 0.5) * 0.12 * i.level.abs().max(1.0);
            for (year, month, period) in &st.months {
                let t = (year - first_year) as f64 + (*month as f64 - 1.0) / 12.0;
                let noise = (rng.f64() - 0.5) * 0.04 * i.level.abs().max(1.0);
                let v = round_to(i.level + change * t + drift * t / 10.0 + noise, i.decimals);
                stmt.add(i.id, i.owner, *period, v)?;
                rows += 1;
            }
        }
        drop(stmt);
        self.audit("import", "indicator_value", "generate", None, Some(json!({"rows": rows, "seed": seed})))?;
        Ok(rows)
    }

    /// Assessments with analysis texts for every goal in the plan year's T1, delår and helår.
    fn generated_assessments(&mut self, st: &Structure, seed: u64) -> Result<usize> {
        let mut rng = fastrand::Rng::with_seed(seed ^ 0xa55e);
        let states = [AssessmentState::Draft, AssessmentState::Ready, AssessmentState::Approved];
        let mut stmt = crate::store::assessments::GeneratedAssessments::new(self)?;
        let mut rows = 0usize;
        for g in &st.goals {
            for p in &st.plan_periods {
                let step = 1 + rng.i32(0..st.steps);
                let analysis = format!("{} {}", ANALYSIS[rng.usize(..ANALYSIS.len())], ANALYSIS[rng.usize(..ANALYSIS.len())]);
                let state = states[rng.usize(..states.len())];
                stmt.add(g.id, g.owner, *p, step, &analysis, state)?;
                rows += 1;
            }
        }
        drop(stmt);
        self.audit("import", "assessment", "generate", None, Some(json!({"rows": rows, "seed": seed})))?;
        Ok(rows)
    }

    /// Kolada KPIs and values for every generated area, KPI, year and gender.
    fn generated_kolada(&mut self, s: &Sizes, seed: u64) -> Result<usize> {
        let mut rng = fastrand::Rng::with_seed(seed ^ 0xc01a);
        let kpis = kolada_kpis(s.kolada_kpis);
        let areas = kolada_areas(s.kolada_areas);
        let mut stmt = crate::store::kolada::GeneratedKolada::new(self)?;
        for (k, id) in kpis.iter().enumerate() {
            let (name, _, _, _, _) = INDICATORS[k % INDICATORS.len()];
            stmt.add_kpi(id, &format!("{name}, kommun ({})", k + 1), PERSPECTIVES[k % PERSPECTIVES.len()])?;
        }
        let first = s.last_year - s.kolada_years; // Kolada lags a year behind.
        let source = format!("generate --seed {seed}");
        let mut rows = 0usize;
        for (k, kpi) in kpis.iter().enumerate() {
            for (a, area) in areas.iter().enumerate() {
                for y in 0..s.kolada_years {
                    for g in [Gender::T, Gender::K, Gender::M] {
                        let v = kolada_value(&mut rng, k, a, y, g);
                        stmt.add_value(kpi, area, first + y, g, v, &source)?;
                        rows += 1;
                    }
                }
            }
        }
        drop(stmt);
        self.audit("import", "kolada_value", "generate", None, Some(json!({"rows": rows, "seed": seed})))?;
        Ok(rows)
    }
}

fn round_to(v: f64, decimals: u32) -> f64 {
    let f = 10f64.powi(decimals as i32);
    (v * f).round() / f
}
