//! Domain types. Types that cross IPC derive `TS`; their TypeScript twins are generated
//! into `ui/src/generated/` by `cargo test` (ts-rs) and never written by hand.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{AppError, Msg, Result};
use crate::msg;

macro_rules! closed_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
        #[ts(export)]
        pub enum $name {
            $(#[serde(rename = $text)] $variant),+
        }
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// The code stored in the database and used in files.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
            pub fn parse(text: &str) -> Option<Self> {
                match text { $($text => Some($name::$variant),)+ _ => None }
            }
        }
        impl rusqlite::types::FromSql for $name {
            fn column_result(v: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
                let s = v.as_str()?;
                $name::parse(s).ok_or_else(|| rusqlite::types::FromSqlError::Other(
                    format!("unknown {} '{}'", stringify!($name), s).into()))
            }
        }
        impl rusqlite::types::ToSql for $name {
            fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
                Ok(self.as_str().into())
            }
        }
        impl crate::store::sql::ToValue for $name {
            fn to_value(&self) -> crate::store::sql::Value {
                crate::store::sql::Value::Text(self.as_str().to_string())
            }
        }
        impl crate::store::sql::FromValue for $name {
            fn from_value(v: crate::store::sql::ValueRef<'_>) -> crate::store::sql::Result<Self> {
                let s = v.as_str()?;
                $name::parse(s).ok_or_else(|| crate::store::sql::Error::Conversion(format!("unknown {} '{}'", stringify!($name), s)))
            }
        }
    };
}

closed_enum!(
    /// Kind of organisation unit.
    UnitKind { Kommun = "kommun", Namnd = "namnd", Forvaltning = "forvaltning", Enhet = "enhet", Bolag = "bolag" }
);
closed_enum!(
    /// Level of a goal in the steering model.
    GoalLevel { Kf = "kf", Namnd = "namnd", Enhet = "enhet" }
);
closed_enum!(
    /// Which way is better for an indicator.
    Direction { Higher = "higher", Lower = "lower" }
);
closed_enum!(
    /// How often an indicator is measured.
    Frequency { Year = "year", Tertial = "tertial", Month = "month" }
);
closed_enum!(
    /// How the yellow band around a target is measured.
    ToleranceKind { Percent = "percent", Absolute = "absolute" }
);
closed_enum!(
    /// Gender dimension of a value: T total, K kvinnor, M män.
    Gender { T = "T", K = "K", M = "M" }
);
closed_enum!(
    /// Where a value came from.
    ValueSource { Manual = "manual", Kolada = "kolada", Import = "import" }
);
closed_enum!(
    /// Activity status.
    ActivityStatus {
        NotStarted = "ej_paborjad", Started = "paborjad", Done = "genomford",
        Delayed = "forsenad", Cancelled = "avford"
    }
);
closed_enum!(
    /// Kind of follow-up period.
    PeriodKind { Month = "month", Tertial = "tertial", Delar = "delar", Helar = "helar" }
);
closed_enum!(
    /// Review state of an assessment.
    AssessmentState { Draft = "draft", Ready = "ready", Approved = "approved" }
);
closed_enum!(
    /// Where an economy figure came from (issue 15).
    EconomySource { Manual = "manual", Sie = "sie", Excel = "excel", Seed = "seed" }
);
closed_enum!(
    /// A column of the resultaträkning, balansräkning and balanskravsutredning: utfall for the
    /// period, utfall for the same period last year, budget for the year, prognos for the year.
    StatementColumn { Actual = "actual", ActualLastYear = "actual_last_year", Budget = "budget", Forecast = "forecast" }
);
closed_enum!(
    /// Whose statements: the municipality's own or the municipal group's (bolag included).
    StatementScope { Kommun = "kommun", Koncern = "koncern" }
);
closed_enum!(
    /// What an economy review covers: a nämnd's driftredovisning, the investments, the statements.
    EconomyPart { Operating = "operating", Investments = "investments", Statements = "statements" }
);
closed_enum!(
    /// Where an uppdrag (assignment) stands in a follow-up period (issue 16).
    AssignmentStatus {
        NotStarted = "not_started", InProgress = "in_progress", Done = "done", ClosedUndone = "closed_undone"
    }
);
closed_enum!(
    /// The result of an internal control in a period: without remarks, or a deviation.
    ControlResult { NoRemarks = "no_remarks", Deviation = "deviation" }
);
closed_enum!(
    /// In which follow-up periods a control is reported.
    ControlReportIn { EveryPeriod = "every_period", Delar = "delar", Helar = "helar", DelarHelar = "delar_helar" }
);
closed_enum!(
    /// Whether a tjänstegaranti was kept in a period.
    GuaranteeOutcome { Kept = "kept", NotKept = "not_kept" }
);
closed_enum!(
    /// Target attainment colour. Not trend, not Kolada rank: those have their own types.
    Status { Green = "green", Yellow = "yellow", Red = "red" }
);

/// One organisation unit in the tree.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct OrgUnit {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub kind: UnitKind,
    pub name: String,
    pub kolada_id: Option<String>,
    pub sort_order: i64,
    pub active: bool,
}

/// An organisation unit with its children, for the tree on the left of the window.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct UnitNode {
    pub unit: OrgUnit,
    pub children: Vec<UnitNode>,
}

/// A follow-up period of a plan year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Period {
    pub id: i64,
    pub plan_year: i32,
    pub kind: PeriodKind,
    /// Month number for months, tertial number for tertials, 1 otherwise.
    pub seq: i32,
    /// Short name used on the command line: `T1`, `delår`, `helår` or `YYYY-MM`.
    pub key: String,
    pub name: String,
    pub start_date: String,
    pub end_date: String,
    pub deadline: Option<String>,
    pub locked: bool,
}

/// A plan year (planår) and what it says about itself.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct PlanYear {
    pub year: i32,
    pub vision: String,
    pub scale_steps: i32,
}

impl PlanYear {
    /// The year a view starts on: the plan year of `today` if there is one, else the latest
    /// year before it, else the first year; `None` when there are no plan years.
    pub fn default_year(years: &[PlanYear], today: chrono::NaiveDate) -> Option<i32> {
        use chrono::Datelike;
        let current = today.year();
        let not_later = years.iter().map(|y| y.year).filter(|&y| y <= current).max();
        not_later.or_else(|| years.iter().map(|y| y.year).min())
    }
}

/// One step of an assessment scale; step 1 is the best.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ScaleStep {
    pub step: i32,
    /// The step's name; in a scorecard, worded for its period (`wording::step_label`).
    pub label: String,
    /// The name in the window's English (`wording::step_label`); the stored name when the
    /// municipality named the step itself.
    #[serde(default)]
    pub label_en: String,
    pub colour: String,
    pub status: Status,
}

impl UnitKind {
    /// Swedish display name.
    /// The kind in words in Swedish and English (the window's words), for messages.
    pub fn label(self) -> Msg {
        let en = match self {
            UnitKind::Kommun => "Municipality",
            UnitKind::Namnd => "Committee",
            UnitKind::Forvaltning => "Administration",
            UnitKind::Enhet => "Unit",
            UnitKind::Bolag => "Company",
        };
        Msg { sv: self.label_sv().to_string(), en: en.to_string() }
    }
    pub fn label_sv(self) -> &'static str {
        match self {
            UnitKind::Kommun => "Kommun",
            UnitKind::Namnd => "Nämnd",
            UnitKind::Forvaltning => "Förvaltning",
            UnitKind::Enhet => "Enhet",
            UnitKind::Bolag => "Bolag",
        }
    }
}

impl Status {
    /// The status's word, as the window, the reports and the command line say it (the one
    /// vocabulary of ARCHITECTURE.md): never the colour's name, which assessments and Kolada
    /// ranks would otherwise share.
    pub fn label_sv(self) -> &'static str {
        match self {
            Status::Green => "Uppnått",
            Status::Yellow => "Nära",
            Status::Red => "Ej uppnått",
        }
    }
    /// Symbol shown beside the colour so colour is never the only signal.
    pub fn symbol(self) -> &'static str {
        match self {
            Status::Green => "●",
            Status::Yellow => "▲",
            Status::Red => "■",
        }
    }
}

impl ActivityStatus {
    /// The status in the window's English words, for messages.
    pub fn label_en(self) -> &'static str {
        match self {
            ActivityStatus::NotStarted => "Not started",
            ActivityStatus::Started => "Started",
            ActivityStatus::Done => "Done",
            ActivityStatus::Delayed => "Delayed",
            ActivityStatus::Cancelled => "Cancelled",
        }
    }
    pub fn label_sv(self) -> &'static str {
        match self {
            ActivityStatus::NotStarted => "Ej påbörjad",
            ActivityStatus::Started => "Påbörjad",
            ActivityStatus::Done => "Genomförd",
            ActivityStatus::Delayed => "Försenad",
            ActivityStatus::Cancelled => "Avförd",
        }
    }
}

impl PeriodKind {
    /// The command-line key of a period of this kind.
    pub fn key(self, year: i32, seq: i32) -> String {
        match self {
            PeriodKind::Month => format!("{year}-{seq:02}"),
            PeriodKind::Tertial => format!("T{seq}"),
            PeriodKind::Delar => "delår".to_string(),
            PeriodKind::Helar => "helår".to_string(),
        }
    }

    /// How a period of this kind is named beside a value, with its year: "2026-03",
    /// "2026 T1", "2026 delår", "2026 helår". The one place this label is made.
    pub fn label(self, year: i32, seq: i32) -> String {
        match self {
            PeriodKind::Month => self.key(year, seq),
            _ => format!("{year} {}", self.key(year, seq)),
        }
    }
}

impl Period {
    /// The period named beside a value, with its year (see [`PeriodKind::label`]).
    pub fn label(&self) -> String {
        self.kind.label(self.plan_year, self.seq)
    }
}

/// A period as named by a user: `T1`, `delår`/`delar`, `helår`/`helar`, or `YYYY-MM`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PeriodRef {
    pub kind: PeriodKind,
    pub seq: i32,
    /// Set for months, which carry their own year.
    pub year: Option<i32>,
}

impl PeriodRef {
    pub fn parse(text: &str) -> Result<Self> {
        let t = text.trim().to_lowercase();
        let bad = || {
            AppError::validation(msg!(
                "Perioden '{text}' känns inte igen. Ange T1, T2, T3, delår, helår eller en månad som ÅÅÅÅ-MM (t.ex. 2026-03).", "The period '{text}' is not recognised. Give T1, T2, T3, delår (interim), helår (full year) or a month as YYYY-MM (e.g. 2026-03)."
            ))
        };
        match t.as_str() {
            "delår" | "delar" | "delårsrapport" => return Ok(Self { kind: PeriodKind::Delar, seq: 1, year: None }),
            "helår" | "helar" | "bokslut" => return Ok(Self { kind: PeriodKind::Helar, seq: 1, year: None }),
            _ => {}
        }
        if let Some(n) = t.strip_prefix('t') {
            let seq: i32 = n.parse().map_err(|_| bad())?;
            if (1..=3).contains(&seq) {
                return Ok(Self { kind: PeriodKind::Tertial, seq, year: None });
            }
            return Err(bad());
        }
        if let Some((y, m)) = t.split_once('-') {
            let year: i32 = y.parse().map_err(|_| bad())?;
            let month: i32 = m.parse().map_err(|_| bad())?;
            if y.len() == 4 && (1..=12).contains(&month) {
                return Ok(Self { kind: PeriodKind::Month, seq: month, year: Some(year) });
            }
        }
        Err(bad())
    }
}

/// The years a plan year, a target or a copy may name: one rule for every form and file.
pub const YEARS: std::ops::RangeInclusive<i32> = 1990..=2100;

/// `year` if it lies in [`YEARS`], else a validation error saying which years are allowed.
pub fn check_year(year: i32) -> Result<i32> {
    if YEARS.contains(&year) {
        Ok(year)
    } else {
        Err(AppError::validation(msg!(
            "Året {year} är inte rimligt. Ange ett år mellan {} och {}.",
            "The year {year} is not plausible. Give a year between {} and {}.",
            YEARS.start(),
            YEARS.end()
        )))
    }
}

/// The four perspectives a new plan year starts with.
pub const DEFAULT_PERSPECTIVES: [&str; 4] = ["Invånare", "Ekonomi", "Medarbetare", "Hållbar utveckling"];

/// A date typed as ÅÅÅÅ-MM-DD: the one place dates from forms, files and the CLI are parsed.
/// `field` names the date for messages in Swedish and English, e.g. `("Startdatum", "The start date")`.
pub fn parse_date(field: (&str, &str), text: &str) -> Result<chrono::NaiveDate> {
    let (sv, en) = field;
    chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| {
        AppError::validation(msg!(
            "{sv} '{text}' är inte ett datum. Skriv datum som ÅÅÅÅ-MM-DD, t.ex. 2026-08-31.",
            "{en} '{text}' is not a date. Write dates as YYYY-MM-DD, e.g. 2026-08-31."
        ))
    })
}

/// An optional date typed as ÅÅÅÅ-MM-DD; empty text means none.
pub fn optional_date(field: (&str, &str), text: Option<&str>) -> Result<Option<chrono::NaiveDate>> {
    text.map(str::trim).filter(|t| !t.is_empty()).map(|t| parse_date(field, t)).transpose()
}

/// A date as stored and shown: ÅÅÅÅ-MM-DD.
pub fn date_text(date: chrono::NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

/// A perspective of a plan year (Invånare, Ekonomi …), in the year's order.
#[derive(Debug, Clone, PartialEq)]
pub struct Perspective {
    pub id: i64,
    pub plan_year: i32,
    pub name: String,
    pub description: String,
    pub sort_order: i64,
}

/// A goal: KF-mål, nämndmål or enhetsmål of a plan year, owned by a unit.
#[derive(Debug, Clone, PartialEq)]
pub struct Goal {
    pub id: i64,
    pub plan_year: i32,
    pub level: GoalLevel,
    pub perspective_id: i64,
    pub owner_unit_id: i64,
    pub code: String,
    pub title: String,
    pub description: String,
    pub sort_order: i64,
    pub active: bool,
    /// The row version, counted up by every save (see `store::row_version`).
    pub version: i64,
}

impl Goal {
    /// "code title", or the title alone when there is no code.
    pub fn name(&self) -> String {
        goal_name(&self.code, &self.title)
    }
}

/// "code title", or the title alone when there is no code.
pub fn goal_name(code: &str, title: &str) -> String {
    if code.is_empty() {
        title.to_string()
    } else {
        format!("{code} {title}")
    }
}

/// An indicator (nyckeltal); it lives across plan years and has a target per year.
#[derive(Debug, Clone, PartialEq)]
pub struct Indicator {
    pub id: i64,
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
    pub active: bool,
    /// Who answers for the indicator (a person's name, as the audit log knows it); empty when
    /// nobody does. Not per plan year: the copy forward keeps it.
    pub responsible: String,
    /// The row version, counted up by every save (see `store::row_version`).
    pub version: i64,
}

// An indicator's target for one year. Crosses IPC under its form name `TargetRow` (a plain
// comment: a doc comment would change the generated TypeScript).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, rename = "TargetRow")]
pub struct Target {
    pub year: i32,
    pub target: f64,
    /// Explicit limit between yellow and red; none = the indicator's tolerance decides.
    pub yellow_limit: Option<f64>,
}

/// An activity of a plan year, owned by a unit.
#[derive(Debug, Clone, PartialEq)]
pub struct Activity {
    pub id: i64,
    pub plan_year: i32,
    pub owner_unit_id: i64,
    pub title: String,
    pub description: String,
    pub responsible: String,
    pub start_date: Option<chrono::NaiveDate>,
    pub end_date: Option<chrono::NaiveDate>,
    pub status: ActivityStatus,
    pub active: bool,
    /// The row version, counted up by every save (see `store::row_version`).
    pub version: i64,
}

/// A unit to add (the repository checks where it may go).
#[derive(Debug, Clone)]
pub struct NewUnit {
    pub parent_id: Option<i64>,
    pub kind: UnitKind,
    pub name: String,
    pub kolada_id: Option<String>,
}

/// A goal to add: a [`Goal`] before it has an id.
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

/// An indicator to add: an [`Indicator`] before it has an id.
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

/// An activity to add: an [`Activity`] before it has an id.
#[derive(Debug, Clone)]
pub struct NewActivity {
    pub plan_year: i32,
    pub owner_unit_id: i64,
    pub title: String,
    pub description: String,
    pub responsible: String,
    pub start_date: Option<chrono::NaiveDate>,
    pub end_date: Option<chrono::NaiveDate>,
    pub status: ActivityStatus,
}

/// One stored value of an indicator for a unit, period and gender (for reports and exports).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndicatorValue {
    pub indicator_id: i64,
    pub org_unit_id: i64,
    pub period: Period,
    pub gender: Gender,
    pub value: f64,
    pub source: ValueSource,
    pub changed_at: String,
    pub changed_by: String,
}

// A goal as other goals refer to it (the goals a goal contributes to); a plain comment, so the
// generated GoalRef.ts stays as it was.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct GoalRef {
    pub id: i64,
    pub code: String,
    pub title: String,
    pub level: GoalLevel,
}

/// An indicator's values in one period at one unit: the total (with its source), women, men.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct GenderValues {
    pub total: Option<(f64, ValueSource)>,
    pub women: Option<f64>,
    pub men: Option<f64>,
}

/// One stored value in an indicator's history, by ids (the lean form of [`IndicatorValue`]),
/// borrowing who changed it and when from the row being read.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StoredValue<'a> {
    pub period_id: i64,
    pub org_unit_id: i64,
    pub gender: Gender,
    pub value: f64,
    pub source: ValueSource,
    pub changed_by: &'a str,
    pub changed_at: &'a str,
}

/// A goal's assessment by a unit in a period.
#[derive(Debug, Clone, PartialEq)]
pub struct Assessment {
    pub goal_id: i64,
    pub org_unit_id: i64,
    pub step: Option<i32>,
    pub analysis: String,
    pub state: AssessmentState,
    /// The row version (see `store::row_version`).
    pub version: i64,
}

#[cfg(test)]
mod tests {

    #[test]
    fn default_year_is_this_year_else_the_latest_before_else_the_first() {
        let years = |ys: &[i32]| ys.iter().map(|&year| PlanYear { year, vision: String::new(), scale_steps: 3 }).collect::<Vec<_>>();
        let day = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(PlanYear::default_year(&years(&[2024, 2025, 2026]), day("2026-11-26")), Some(2026));
        assert_eq!(PlanYear::default_year(&years(&[2022, 2023]), day("2026-02-01")), Some(2023));
        assert_eq!(PlanYear::default_year(&years(&[2030, 2028]), day("2026-02-01")), Some(2028));
        assert_eq!(PlanYear::default_year(&[], day("2026-02-01")), None);
    }
    use super::*;

    #[test]
    fn period_refs_parse_swedish_and_ascii_spellings() {
        let cases = [
            ("T1", PeriodKind::Tertial, 1, None),
            ("t3", PeriodKind::Tertial, 3, None),
            ("delår", PeriodKind::Delar, 1, None),
            ("DELAR", PeriodKind::Delar, 1, None),
            ("helår", PeriodKind::Helar, 1, None),
            ("helar", PeriodKind::Helar, 1, None),
            ("2026-03", PeriodKind::Month, 3, Some(2026)),
        ];
        for (text, kind, seq, year) in cases {
            let r = PeriodRef::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!((r.kind, r.seq, r.year), (kind, seq, year), "{text}");
        }
    }

    #[test]
    fn bad_period_refs_are_refused_with_a_hint() {
        for text in ["T4", "T0", "tertial", "2026-13", "26-01", "", "helårs"] {
            let err = PeriodRef::parse(text).expect_err(text);
            assert_eq!(err.code, crate::error::ErrorCode::Validation);
            assert!(err.message.contains("delår"), "{}", err.message);
        }
    }

    #[test]
    fn enum_codes_round_trip() {
        for k in UnitKind::ALL {
            assert_eq!(UnitKind::parse(k.as_str()), Some(*k));
        }
        assert_eq!(ActivityStatus::parse("paborjad"), Some(ActivityStatus::Started));
        assert_eq!(Gender::parse("X"), None);
    }
}

/// An uppdrag: given by KF (issuer = the root unit) or a nämnd to a nämnd or unit (issue 16).
#[derive(Debug, Clone, PartialEq)]
pub struct Assignment {
    pub id: i64,
    pub plan_year: i32,
    pub code: String,
    pub title: String,
    pub description: String,
    pub issuer_unit_id: i64,
    pub decision_body: String,
    pub decision_date: Option<chrono::NaiveDate>,
    pub decision_paragraph: String,
    pub responsible_unit_id: i64,
    pub responsible_person: String,
    pub deadline: Option<chrono::NaiveDate>,
    pub sort_order: i64,
    pub copied_from_id: Option<i64>,
    /// Goals it serves (`assignment_goal`), ascending.
    pub goal_ids: Vec<i64>,
}

/// An uppdrag's follow-up in one period.
#[derive(Debug, Clone, PartialEq)]
pub struct AssignmentFollowUp {
    pub assignment_id: i64,
    pub period_id: i64,
    pub status: AssignmentStatus,
    pub comment: String,
    pub state: AssessmentState,
    pub review_comment: String,
    pub changed_at: String,
    pub changed_by: String,
    /// The row version (see `store::row_version`); what a write brings here is not used.
    pub version: i64,
}

/// A nämnd's intern kontroll plan for a plan year.
#[derive(Debug, Clone, PartialEq)]
pub struct ControlPlan {
    pub id: i64,
    pub org_unit_id: i64,
    pub plan_year: i32,
    /// When the nämnd adopted it, in words ("2026-02-12 § 14").
    pub decision: String,
}

/// A risk in a control plan, scored 1–4 for probability and consequence.
#[derive(Debug, Clone, PartialEq)]
pub struct ControlRisk {
    pub id: i64,
    pub plan_id: i64,
    pub process: String,
    pub risk: String,
    pub probability: u8,
    pub consequence: u8,
    /// Chosen for the plan: it gets controls.
    pub chosen: bool,
    pub handling: String,
    pub sort_order: i64,
}

impl ControlRisk {
    /// Risk value: probability × consequence (1–16).
    pub fn value(&self) -> u8 {
        self.probability * self.consequence
    }
}

/// A control (kontrollmoment) of a chosen risk.
#[derive(Debug, Clone, PartialEq)]
pub struct Control {
    pub id: i64,
    pub risk_id: i64,
    pub what: String,
    pub method: String,
    pub frequency: String,
    pub responsible: String,
    pub report_in: ControlReportIn,
    pub sort_order: i64,
}

/// A control's follow-up in one period.
#[derive(Debug, Clone, PartialEq)]
pub struct ControlFollowUp {
    pub control_id: i64,
    pub period_id: i64,
    pub result: ControlResult,
    pub comment: String,
    pub deviation: String,
    pub action: String,
    pub state: AssessmentState,
    pub review_comment: String,
    pub changed_at: String,
    pub changed_by: String,
    /// The row version (see `store::row_version`); what a write brings here is not used.
    pub version: i64,
}

/// A unit's grunduppdrag (verksamhetsidé) for a plan year.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitMission {
    pub org_unit_id: i64,
    pub plan_year: i32,
    pub mission: String,
    pub changed_at: String,
    pub changed_by: String,
}

/// A tjänstegaranti: what a unit promises and how it is measured.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceGuarantee {
    pub id: i64,
    pub org_unit_id: i64,
    pub plan_year: i32,
    pub promise: String,
    pub measured_by: String,
    pub sort_order: i64,
    pub copied_from_id: Option<i64>,
}

/// Whether a tjänstegaranti was kept in one period.
#[derive(Debug, Clone, PartialEq)]
pub struct GuaranteeFollowUp {
    pub guarantee_id: i64,
    pub period_id: i64,
    pub kept: GuaranteeOutcome,
    pub comment: String,
    pub state: AssessmentState,
    pub review_comment: String,
    pub changed_at: String,
    pub changed_by: String,
    /// The row version (see `store::row_version`); what a write brings here is not used.
    pub version: i64,
}

/// A goal's or indicator's tag with one of Agenda 2030's 17 global goals.
#[derive(Debug, Clone, PartialEq)]
pub struct GlobalGoalTag {
    /// The tagged goal's or indicator's id.
    pub subject_id: i64,
    /// 1–17.
    pub global_goal: u8,
    /// Targets (delmål), optional, as written: "3.4, 3.8".
    pub targets: String,
}

/// Agenda 2030's global goals by number (index 0 = goal 1): Swedish and English short names.
pub const GLOBAL_GOALS: [(&str, &str); 17] = [
    ("Ingen fattigdom", "No poverty"),
    ("Ingen hunger", "Zero hunger"),
    ("God hälsa och välbefinnande", "Good health and well-being"),
    ("God utbildning för alla", "Quality education"),
    ("Jämställdhet", "Gender equality"),
    ("Rent vatten och sanitet för alla", "Clean water and sanitation"),
    ("Hållbar energi för alla", "Affordable and clean energy"),
    ("Anständiga arbetsvillkor och ekonomisk tillväxt", "Decent work and economic growth"),
    ("Hållbar industri, innovationer och infrastruktur", "Industry, innovation and infrastructure"),
    ("Minskad ojämlikhet", "Reduced inequalities"),
    ("Hållbara städer och samhällen", "Sustainable cities and communities"),
    ("Hållbar konsumtion och produktion", "Responsible consumption and production"),
    ("Bekämpa klimatförändringarna", "Climate action"),
    ("Hav och marina resurser", "Life below water"),
    ("Ekosystem och biologisk mångfald", "Life on land"),
    ("Fredliga och inkluderande samhällen", "Peace, justice and strong institutions"),
    ("Genomförande och globalt partnerskap", "Partnerships for the goals"),
];
