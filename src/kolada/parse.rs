//! Reading saved Kolada API responses.
//!
//! Both envelopes are accepted: v3 (`{"count", "values", "next_url", "previous_url"}`)
//! and v2 (`next_page` / `previous_page`, absent on the last page). What a file holds is
//! told from its rows, never from its name:
//!
//! - values: rows with `kpi`, `municipality` (or `ou` for `/oudata`), `period` and a
//!   `values` list of `{gender, value, isdeleted | is_deleted}`;
//! - KPI metadata: rows with `id`, `title` and KPI fields (`is_divided_by_gender`,
//!   `operating_area`, `municipality_type`, `auspice(s)`, ...);
//! - area names: municipality lists (`id`, `title`, `type`), group lists (`members`),
//!   organisational units (`id`, `title`, `municipality`) and membership lists
//!   (`member_id`, `member_title`).
//!
//! The parser is tolerant where Kolada varies (unknown fields, `period` as text, flags as
//! 0/1 or booleans, a byte-order mark) and strict where a wrong guess would store a wrong
//! figure: a value must be a number or null, a gender T, K or M. Errors name the file and
//! the place, e.g. `values[3].values[1].gender: okänd kön 'X'`, in Swedish.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserializer, IgnoredAny, Visitor};
use serde::Deserialize;

use super::AreaKind;
use crate::error::{AppError, Msg, Result};
use crate::model::Gender;
use crate::msg;

/// What one file holds, told from its rows.
#[derive(Debug, Clone, PartialEq)]
pub enum KoladaContent {
    /// Values from `/data/...` (municipalities, regions, Riket, groups) or `/oudata/...`.
    Values(Vec<ValueRow>),
    /// KPI metadata from `/kpi`.
    Kpis(Vec<KpiMeta>),
    /// Names of municipalities, groups or organisational units.
    AreaNames(Vec<AreaName>),
    /// An envelope without rows (a query that found nothing).
    Empty,
}

/// One parsed file (or fetched page).
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedFile {
    /// The file name (or URL) the content came from; stored as `source_file`.
    pub name: String,
    pub content: KoladaContent,
    /// The next page's URL (`next_url` in v3, `next_page` in v2), if any.
    pub next_url: Option<String>,
}

/// One data row: a KPI for one area and year, with up to three genders.
#[derive(Debug, Clone, PartialEq)]
pub struct ValueRow {
    pub kpi: String,
    pub area_id: String,
    pub area_kind: AreaKind,
    pub year: i32,
    pub values: Vec<GenderValue>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GenderValue {
    pub gender: Gender,
    /// `None` when Kolada answered `null` (no value published).
    pub value: Option<f64>,
    /// `isdeleted` (v3) or `is_deleted` (v2): the value has been withdrawn.
    pub deleted: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KpiMeta {
    pub id: String,
    pub title: String,
    pub description: String,
    pub is_divided_by_gender: bool,
    pub municipality_type: String,
    pub operating_area: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AreaName {
    pub id: String,
    pub title: String,
}

impl ParsedFile {
    /// Number of single values (one per gender) in a values file; 0 for other kinds.
    pub fn value_count(&self) -> usize {
        match &self.content {
            KoladaContent::Values(rows) => rows.iter().map(|r| r.values.len()).sum(),
            _ => 0,
        }
    }
}

fn bad(file: &str, place: &str, message: Msg) -> AppError {
    let place = if place.is_empty() { String::new() } else { format!(" {place}:") };
    AppError::bad_file(msg!(
        "{file}:{place} {}. Kontrollera att filen är ett sparat svar från Koladas API (v2 eller v3); inget har importerats.",
        "{file}:{place} {}. Check that the file is a saved response from Kolada's API (v2 or v3); nothing has been imported.",
        message
    ))
}

/// Parse one saved Kolada response. `name` is used in error messages and as the source.
pub fn parse(name: &str, text: &str) -> Result<ParsedFile> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first = text.trim_start().chars().next();
    match first {
        None => return Err(bad(name, "", msg!("filen är tom", "the file is empty"))),
        Some('{') => {}
        Some('[') => {
            return Err(bad(
                name,
                "",
                msg!(
                    "filen innehåller en JSON-lista, men ett svar från Kolada är ett objekt med fältet 'values'",
                    "the file contains a JSON list, but a response from Kolada is an object with the field 'values'"
                ),
            ))
        }
        Some(c) => {
            return Err(bad(name, "", msg!("filen är inte JSON (den börjar med '{c}')", "the file is not JSON (it starts with '{c}')")))
        }
    }
    let envelope = parse_envelope(name, text)?;
    let Some(rows) = envelope.values else {
        return Err(bad(
            name,
            "",
            msg!(
                "filen har inget fält 'values' och är inte ett svar från Koladas API",
                "the file has no field 'values' and is not a response from Kolada's API"
            ),
        ));
    };
    let next_url = envelope.next_url.or(envelope.next_page).filter(|u| !u.trim().is_empty());
    let content = content_of(name, rows)?;
    Ok(ParsedFile { name: name.to_string(), content, next_url })
}

/// Fast path without path tracking; on error, parse again with it to name the place.
fn parse_envelope<'a>(name: &str, text: &'a str) -> Result<RawEnvelope<'a>> {
    match serde_json::from_str::<RawEnvelope>(text) {
        Ok(e) => Ok(e),
        Err(first) => {
            let de = &mut serde_json::Deserializer::from_str(text);
            match serde_path_to_error::deserialize::<_, RawEnvelope>(de) {
                Err(e) => {
                    let path = e.path().to_string();
                    Err(json_error(name, &path, e.inner()))
                }
                // Only `from_str` checks what follows the object (trailing characters).
                Ok(_) => Err(json_error(name, "", &first)),
            }
        }
    }
}

fn json_error(name: &str, path: &str, err: &serde_json::Error) -> AppError {
    let raw = err.to_string();
    let suffix = format!(" at line {} column {}", err.line(), err.column());
    let raw = raw.strip_suffix(&suffix).unwrap_or(&raw);
    let message = match err.classify() {
        serde_json::error::Category::Eof => {
            msg!(
                "filen tar slut mitt i innehållet och verkar vara avkortad",
                "the file ends in the middle of its content and seems to be truncated"
            )
        }
        serde_json::error::Category::Syntax => Msg { sv: syntax_sv(raw).to_string(), en: raw.to_string() },
        serde_json::error::Category::Data | serde_json::error::Category::Io => Msg { sv: data_sv(raw), en: raw.to_string() },
    };
    let place = if err.line() > 0 { msg!(" (rad {}, kolumn {})", " (line {}, column {})", err.line(), err.column()) } else { msg!("", "") };
    let path = if path == "." { "" } else { path };
    bad(name, path, msg!("{}{}", "{}{}", message, place))
}

fn syntax_sv(raw: &str) -> &'static str {
    match raw {
        "expected `:`" => "ogiltig JSON: här väntades ':'",
        "expected `,` or `]`" => "ogiltig JSON: här väntades ',' eller ']'",
        "expected `,` or `}`" => "ogiltig JSON: här väntades ',' eller '}'",
        "expected ident" => "ogiltig JSON: okänt ord (bara true, false och null är tillåtna utan citattecken)",
        "expected value" => "ogiltig JSON: här väntades ett värde",
        "invalid escape" => "ogiltig JSON: felaktig escape-sekvens i en text",
        "invalid number" => "ogiltig JSON: felaktigt tal",
        "number out of range" => "ogiltig JSON: talet är för stort",
        "invalid unicode code point" => "ogiltig JSON: felaktigt unicode-tecken",
        "key must be a string" => "ogiltig JSON: en nyckel måste vara en text inom citattecken",
        "trailing comma" => "ogiltig JSON: ett kommatecken för mycket",
        "trailing characters" => "ogiltig JSON: det står något efter innehållets slut",
        "recursion limit exceeded" => "ogiltig JSON: innehållet är för djupt nästlat",
        r if r.starts_with("control character") => "ogiltig JSON: otillåtet styrtecken i en text",
        _ => "ogiltig JSON",
    }
}

/// Serde's own (English) data errors in Swedish; our visitors already speak Swedish.
fn data_sv(raw: &str) -> String {
    if let Some(rest) = raw.strip_prefix("invalid type: ") {
        let (got, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
        return format!("fel typ: {}, väntade {}", unexpected_sv(got), expected_sv(expected));
    }
    if let Some(rest) = raw.strip_prefix("duplicate field `") {
        return format!("fältet '{}' förekommer två gånger", rest.trim_end_matches('`'));
    }
    if let Some(rest) = raw.strip_prefix("invalid value: ") {
        let (got, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
        return format!("ogiltigt värde: {}, väntade {}", unexpected_sv(got), expected_sv(expected));
    }
    raw.to_string()
}

fn unexpected_sv(got: &str) -> String {
    let short = |s: &str| {
        let s = s.trim_matches('`');
        if s.chars().count() > 40 {
            format!("{}…", s.chars().take(40).collect::<String>())
        } else {
            s.to_string()
        }
    };
    if let Some(s) = got.strip_prefix("string ") {
        format!("texten {}", short(s))
    } else if let Some(s) = got.strip_prefix("integer ") {
        format!("heltalet {}", short(s))
    } else if let Some(s) = got.strip_prefix("floating point ") {
        format!("talet {}", short(s))
    } else if let Some(s) = got.strip_prefix("boolean ") {
        format!("sanningsvärdet {}", short(s))
    } else {
        match got {
            "map" => "ett objekt".into(),
            "sequence" => "en lista".into(),
            "null" | "unit value" => "null".into(),
            other => short(other),
        }
    }
}

fn expected_sv(expected: &str) -> String {
    match expected {
        e if e.starts_with("struct ") || e == "a map" => "ett objekt".into(),
        "a sequence" => "en lista".into(),
        "a string" => "en text".into(),
        "a boolean" => "sant eller falskt".into(),
        other => other.to_string(),
    }
}

// ---------------------------------------------------------------------------------------
// Raw shapes: a superset of every row kind, all fields optional; checked after parsing.

#[derive(Deserialize)]
struct RawEnvelope<'a> {
    #[serde(borrow)]
    values: Option<Vec<RawRow<'a>>>,
    next_url: Option<String>,
    next_page: Option<String>,
}

/// Ids are borrowed from the file's text where they can be (no escapes): a million-value
/// file has a third of a million rows.
#[derive(Deserialize)]
struct RawRow<'a> {
    #[serde(default, borrow, deserialize_with = "text_field")]
    kpi: Option<Cow<'a, str>>,
    #[serde(default, borrow, deserialize_with = "text_field")]
    municipality: Option<Cow<'a, str>>,
    #[serde(default, borrow, deserialize_with = "text_field")]
    ou: Option<Cow<'a, str>>,
    #[serde(default, deserialize_with = "year")]
    period: Option<i32>,
    values: Option<Vec<RawValue>>,
    id: Option<String>,
    title: Option<String>,
    description: Option<String>,
    #[serde(default, deserialize_with = "flag")]
    is_divided_by_gender: Option<bool>,
    municipality_type: Option<String>,
    operating_area: Option<String>,
    auspice: Option<IgnoredAny>,
    auspices: Option<IgnoredAny>,
    perspective: Option<IgnoredAny>,
    publication_date: Option<IgnoredAny>,
    members: Option<Vec<RawMember>>,
    member_id: Option<String>,
    member_title: Option<String>,
}

#[derive(Deserialize)]
struct RawValue {
    #[serde(default, deserialize_with = "gender")]
    gender: Option<Gender>,
    #[serde(default, deserialize_with = "number_or_null")]
    value: Option<f64>,
    #[serde(default, deserialize_with = "flag")]
    isdeleted: Option<bool>,
    #[serde(default, deserialize_with = "flag")]
    is_deleted: Option<bool>,
}

#[derive(Deserialize)]
struct RawMember {
    id: Option<String>,
    title: Option<String>,
    member_id: Option<String>,
    member_title: Option<String>,
}

struct TextVisitor;

impl<'de> Visitor<'de> for TextVisitor {
    type Value = Option<Cow<'de, str>>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("en text")
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> std::result::Result<Self::Value, E> {
        Ok(Some(Cow::Borrowed(v)))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<Self::Value, E> {
        Ok(Some(Cow::Owned(v.to_string())))
    }
    fn visit_unit<E: de::Error>(self) -> std::result::Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_none<E: de::Error>(self) -> std::result::Result<Self::Value, E> {
        Ok(None)
    }
}

fn text_field<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Option<Cow<'de, str>>, D::Error> {
    d.deserialize_any(TextVisitor)
}

struct GenderVisitor;

impl<'de> Visitor<'de> for GenderVisitor {
    type Value = Option<Gender>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("kön T, K eller M")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<Self::Value, E> {
        Gender::parse(v).map(Some).ok_or_else(|| {
            let shown: String = v.chars().take(20).collect();
            E::custom(format_args!("okänd kön '{shown}'; Kolada använder T (totalt), K (kvinnor) och M (män)"))
        })
    }
    fn visit_unit<E: de::Error>(self) -> std::result::Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_none<E: de::Error>(self) -> std::result::Result<Self::Value, E> {
        Ok(None)
    }
}

fn gender<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Option<Gender>, D::Error> {
    d.deserialize_any(GenderVisitor)
}

struct NumberVisitor;

impl<'de> Visitor<'de> for NumberVisitor {
    type Value = Option<f64>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("ett tal eller null")
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> std::result::Result<Self::Value, E> {
        Ok(Some(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> std::result::Result<Self::Value, E> {
        Ok(Some(v as f64))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> std::result::Result<Self::Value, E> {
        Ok(Some(v as f64))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<Self::Value, E> {
        let shown: String = v.chars().take(20).collect();
        Err(E::custom(format_args!("värdet är texten \"{shown}\", inte ett tal; ett Kolada-värde är ett tal eller null")))
    }
    fn visit_unit<E: de::Error>(self) -> std::result::Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_none<E: de::Error>(self) -> std::result::Result<Self::Value, E> {
        Ok(None)
    }
}

fn number_or_null<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Option<f64>, D::Error> {
    d.deserialize_any(NumberVisitor)
}

struct YearVisitor;

impl YearVisitor {
    fn check<E: de::Error>(v: i64) -> std::result::Result<Option<i32>, E> {
        if (1900..=2100).contains(&v) {
            Ok(Some(v as i32))
        } else {
            Err(E::custom(format_args!("året {v} är inte rimligt (väntade ett år mellan 1900 och 2100)")))
        }
    }
}

impl<'de> Visitor<'de> for YearVisitor {
    type Value = Option<i32>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("ett år, t.ex. 2022")
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> std::result::Result<Self::Value, E> {
        Self::check(v)
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> std::result::Result<Self::Value, E> {
        Self::check(i64::try_from(v).unwrap_or(i64::MAX))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> std::result::Result<Self::Value, E> {
        if v.fract() == 0.0 && v.abs() < 1e6 {
            Self::check(v as i64)
        } else {
            Err(E::custom(format_args!("perioden {v} är inte ett år")))
        }
    }
    fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<Self::Value, E> {
        match v.trim().parse::<i64>() {
            Ok(y) => Self::check(y),
            Err(_) => {
                let shown: String = v.chars().take(20).collect();
                Err(E::custom(format_args!("perioden \"{shown}\" är inte ett år")))
            }
        }
    }
    fn visit_unit<E: de::Error>(self) -> std::result::Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_none<E: de::Error>(self) -> std::result::Result<Self::Value, E> {
        Ok(None)
    }
}

fn year<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Option<i32>, D::Error> {
    d.deserialize_any(YearVisitor)
}

struct FlagVisitor;

impl<'de> Visitor<'de> for FlagVisitor {
    type Value = Option<bool>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("true, false, 1 eller 0")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> std::result::Result<Self::Value, E> {
        Ok(Some(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> std::result::Result<Self::Value, E> {
        match v {
            0 => Ok(Some(false)),
            1 => Ok(Some(true)),
            _ => Err(E::custom(format_args!("{v} är varken 0 eller 1"))),
        }
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> std::result::Result<Self::Value, E> {
        self.visit_i64(i64::try_from(v).unwrap_or(i64::MAX))
    }
    fn visit_unit<E: de::Error>(self) -> std::result::Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_none<E: de::Error>(self) -> std::result::Result<Self::Value, E> {
        Ok(None)
    }
}

fn flag<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Option<bool>, D::Error> {
    d.deserialize_any(FlagVisitor)
}

// ---------------------------------------------------------------------------------------
// From raw rows to content.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RowKind {
    Values,
    Kpi,
    Area,
}

impl RowKind {
    fn of(r: &RawRow) -> Option<RowKind> {
        if r.kpi.is_some() || (r.values.is_some() && (r.municipality.is_some() || r.ou.is_some())) {
            Some(RowKind::Values)
        } else if r.id.is_some()
            && (r.is_divided_by_gender.is_some()
                || r.municipality_type.is_some()
                || r.operating_area.is_some()
                || r.auspice.is_some()
                || r.auspices.is_some()
                || r.perspective.is_some()
                || r.publication_date.is_some())
        {
            Some(RowKind::Kpi)
        } else if (r.id.is_some() && r.title.is_some()) || r.member_id.is_some() {
            Some(RowKind::Area)
        } else {
            None
        }
    }

    fn label(self) -> Msg {
        match self {
            RowKind::Values => msg!("värden", "values"),
            RowKind::Kpi => msg!("nyckeltalsbeskrivning", "an indicator description"),
            RowKind::Area => msg!("kommun-, grupp- eller enhetsnamn", "municipality, group or unit names"),
        }
    }
}

fn content_of(name: &str, rows: Vec<RawRow<'_>>) -> Result<KoladaContent> {
    let Some(first) = rows.first() else {
        return Ok(KoladaContent::Empty);
    };
    let kind = RowKind::of(first).ok_or_else(|| {
        bad(
            name,
            "values[0]",
            msg!(
                "raden känns inte igen som Kolada-värden, nyckeltalsbeskrivning eller kommun- och gruppnamn",
                "the row is not recognised as Kolada values, an indicator description or municipality and group names"
            ),
        )
    })?;
    for (i, r) in rows.iter().enumerate().skip(1) {
        match RowKind::of(r) {
            Some(k) if k == kind => {}
            other => {
                return Err(bad(
                    name,
                    &format!("values[{i}]"),
                    msg!(
                        "raden är {} men filen började med {}; en fil ska hålla ett slags svar",
                        "the row is {} but the file began with {}; a file should hold one kind of response",
                        other.map(|k| k.label()).unwrap_or(msg!("okänd", "unknown")),
                        kind.label()
                    ),
                ))
            }
        }
    }
    match kind {
        RowKind::Values => {
            rows.into_iter().enumerate().map(|(i, r)| value_row(name, i, r)).collect::<Result<_>>().map(KoladaContent::Values)
        }
        RowKind::Kpi => rows.into_iter().enumerate().map(|(i, r)| kpi_row(name, i, r)).collect::<Result<_>>().map(KoladaContent::Kpis),
        RowKind::Area => {
            let mut names = Vec::new();
            for (i, r) in rows.into_iter().enumerate() {
                area_rows(name, i, r, &mut names)?;
            }
            Ok(KoladaContent::AreaNames(names))
        }
    }
}

fn check_id(file: &str, place: &str, id: &str, what: Msg) -> Result<()> {
    let ok = !id.is_empty() && id.len() <= 40 && id.bytes().all(|b| b.is_ascii_graphic());
    if ok {
        Ok(())
    } else {
        let shown: String = id.chars().take(40).collect();
        Err(bad(file, place, msg!("'{shown}' är inte ett {}", "'{shown}' is not a {}", what)))
    }
}

fn value_row(file: &str, i: usize, r: RawRow<'_>) -> Result<ValueRow> {
    let kpi = r
        .kpi
        .ok_or_else(|| bad(file, &format!("values[{i}]"), msg!("fältet 'kpi' saknas", "the field 'kpi' is missing")))?
        .trim()
        .to_ascii_uppercase();
    check_id(file, &format!("values[{i}].kpi"), &kpi, msg!("Kolada-id för ett nyckeltal", "Kolada id for an indicator"))?;
    let (area_id, area_kind, field) = match (r.municipality, r.ou) {
        (Some(m), _) => {
            let m = m.trim().to_string();
            let kind = AreaKind::of_municipality_field(&m);
            (m, kind, "municipality")
        }
        (None, Some(ou)) => (ou.trim().to_string(), AreaKind::Ou, "ou"),
        (None, None) => {
            return Err(bad(
                file,
                &format!("values[{i}]"),
                msg!(
                    "fältet 'municipality' (eller 'ou' för enhetsdata) saknas",
                    "the field 'municipality' (or 'ou' for unit data) is missing"
                ),
            ))
        }
    };
    check_id(
        file,
        &format!("values[{i}].{field}"),
        &area_id,
        msg!("Kolada-id för en kommun, grupp eller enhet", "Kolada id for a municipality, group or unit"),
    )?;
    let year = r.period.ok_or_else(|| {
        bad(file, &format!("values[{i}]"), msg!("fältet 'period' (året) saknas", "the field 'period' (the year) is missing"))
    })?;
    let raw_values =
        r.values.ok_or_else(|| bad(file, &format!("values[{i}]"), msg!("fältet 'values' saknas", "the field 'values' is missing")))?;
    let mut values = Vec::with_capacity(raw_values.len());
    for (j, v) in raw_values.into_iter().enumerate() {
        let gender = v.gender.ok_or_else(|| {
            bad(file, &format!("values[{i}].values[{j}]"), msg!("fältet 'gender' (kön) saknas", "the field 'gender' is missing"))
        })?;
        let deleted = v.isdeleted.unwrap_or(false) || v.is_deleted.unwrap_or(false);
        values.push(GenderValue { gender, value: v.value, deleted });
    }
    Ok(ValueRow { kpi, area_id, area_kind, year, values })
}

fn text(t: Option<String>) -> String {
    t.map(|s| s.trim().to_string()).unwrap_or_default()
}

fn kpi_row(file: &str, i: usize, r: RawRow<'_>) -> Result<KpiMeta> {
    let id = r.id.unwrap_or_default().trim().to_ascii_uppercase();
    check_id(file, &format!("values[{i}].id"), &id, msg!("Kolada-id för ett nyckeltal", "Kolada id for an indicator"))?;
    let title = text(r.title);
    if title.is_empty() {
        return Err(bad(file, &format!("values[{i}].title"), msg!("nyckeltalet saknar namn", "the indicator has no name")));
    }
    Ok(KpiMeta {
        id,
        title,
        description: text(r.description),
        is_divided_by_gender: r.is_divided_by_gender.unwrap_or(false),
        municipality_type: text(r.municipality_type),
        operating_area: text(r.operating_area),
    })
}

fn area_rows(file: &str, i: usize, r: RawRow<'_>, out: &mut Vec<AreaName>) -> Result<()> {
    let push = |place: String, id: String, title: String, out: &mut Vec<AreaName>| -> Result<()> {
        let id = id.trim().to_string();
        check_id(file, &place, &id, msg!("Kolada-id för en kommun, grupp eller enhet", "Kolada id for a municipality, group or unit"))?;
        let title = title.trim().to_string();
        if !title.is_empty() {
            out.push(AreaName { id, title });
        }
        Ok(())
    };
    if let Some(id) = r.member_id {
        push(format!("values[{i}].member_id"), id, r.member_title.unwrap_or_default(), out)?;
    }
    if let Some(id) = r.id {
        push(format!("values[{i}].id"), id, r.title.unwrap_or_default(), out)?;
    }
    for (j, m) in r.members.unwrap_or_default().into_iter().enumerate() {
        let (id, title) = match (m.member_id, m.id) {
            (Some(id), _) => (id, m.member_title.or(m.title)),
            (None, Some(id)) => (id, m.title.or(m.member_title)),
            (None, None) => continue,
        };
        // Group lists hold municipalities; KPI group lists hold KPIs, whose names are not areas.
        if id.len() == 4 && id.bytes().all(|b| b.is_ascii_digit()) {
            push(format!("values[{i}].members[{j}].id"), id, title.unwrap_or_default(), out)?;
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// One value per key across an import.

/// Where a value sits in an import: file, row and value within the row (indexes).
pub type ValuePlace = (usize, usize, usize);

/// A value as compared between repeats: deletions are all alike, so are nulls; 0 and -0
/// are the same number. JSON has no NaN, so NaN bit patterns are free to mark the two.
fn comparable(v: &GenderValue) -> u64 {
    const REMOVED: u64 = 0x7ff8_0000_0000_0001;
    const NULL: u64 = 0x7ff8_0000_0000_0002;
    match (v.deleted, v.value) {
        (true, _) => REMOVED,
        (false, None) => NULL,
        // 0.0 == -0.0: both are the number zero.
        (false, Some(x)) => {
            if x == 0.0 {
                0
            } else {
                x.to_bits()
            }
        }
    }
}

fn shown(v: &GenderValue) -> String {
    match (v.deleted, v.value) {
        (true, _) => "borttaget (isdeleted)".to_string(),
        (false, None) => "inget värde (null)".to_string(),
        (false, Some(x)) => x.to_string().replace('.', ","),
    }
}

/// A hasher for the packed keys below: the finaliser of MurmurHash3, which spreads every
/// input bit over the whole word (SipHash would cost more than the rest of the check).
#[derive(Default)]
struct KeyHasher(u64);

impl std::hash::Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        let mut x = self.0;
        x ^= x >> 33;
        x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
        x ^= x >> 33;
        x = x.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        x ^ (x >> 33)
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(*b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// Numbers for the ids of one import, so a key packs into one word.
struct Ids<'a> {
    ids: std::collections::HashMap<&'a str, u64>,
    last: Option<(&'a str, u64)>,
}

impl<'a> Ids<'a> {
    fn new() -> Self {
        Self { ids: std::collections::HashMap::new(), last: None }
    }
    fn of(&mut self, id: &'a str) -> u64 {
        // Rows of one KPI (or one area) usually follow each other.
        if let Some((last, n)) = self.last {
            if last == id {
                return n;
            }
        }
        let next = self.ids.len() as u64;
        let n = *self.ids.entry(id).or_insert(next);
        self.last = Some((id, n));
        n
    }
}

/// Check that the files of one import give each key (KPI, area, year, gender) one value.
///
/// Paginated answers saved as separate files, `next_url` pages and several files of one
/// import can overlap; when they disagree there is no telling which value is right (the
/// file order is not a date), so the whole import is refused naming the key and both
/// places. The same value again is harmless: the places of such repeats are returned so the
/// import writes each key once. Costs one hash-map entry of two words per value.
pub fn check_one_value_per_key(files: &[ParsedFile]) -> Result<std::collections::HashSet<ValuePlace>> {
    type Seen = std::collections::HashMap<u64, u64, std::hash::BuildHasherDefault<KeyHasher>>;
    let total: usize = files.iter().map(ParsedFile::value_count).sum();
    let mut seen = Seen::with_capacity_and_hasher(total, Default::default());
    let mut repeats = std::collections::HashSet::new();
    let (mut kpis, mut areas) = (Ids::new(), Ids::new());
    for (f, file) in files.iter().enumerate() {
        let KoladaContent::Values(rows) = &file.content else {
            continue;
        };
        for (r, row) in rows.iter().enumerate() {
            let (kpi, area) = (kpis.of(&row.kpi), areas.of(&row.area_id));
            let year = u64::try_from(row.year - 1900).ok().filter(|y| *y < 256);
            let (Some(year), true, true) = (year, kpi < 1 << 24, area < 1 << 30) else {
                return Err(bad(
                    &file.name,
                    &format!("values[{r}]"),
                    msg!(
                        "importen har för många olika nyckeltal eller områden, eller ett orimligt år; dela upp den i flera",
                        "the import has too many different indicators or areas, or an unreasonable year; split it into several"
                    ),
                ));
            };
            let row_key = kpi << 40 | area << 10 | year << 2;
            for (v, value) in row.values.iter().enumerate() {
                let gender = match value.gender {
                    Gender::T => 0,
                    Gender::K => 1,
                    Gender::M => 2,
                };
                let now = comparable(value);
                match seen.entry(row_key | gender) {
                    std::collections::hash_map::Entry::Vacant(e) => {
                        e.insert(now);
                    }
                    std::collections::hash_map::Entry::Occupied(e) if *e.get() == now => {
                        repeats.insert((f, r, v));
                    }
                    std::collections::hash_map::Entry::Occupied(_) => {
                        return Err(two_values(files, (f, r, v)));
                    }
                }
            }
        }
    }
    Ok(repeats)
}

/// The refusal of a key met with two values: finds the first place again (a rare path).
fn two_values(files: &[ParsedFile], (f, r, v): ValuePlace) -> AppError {
    let rows = |f: usize| match &files[f].content {
        KoladaContent::Values(rows) => rows.as_slice(),
        _ => &[],
    };
    let (row, value) = (&rows(f)[r], &rows(f)[r].values[v]);
    let mut first = None;
    'files: for f0 in 0..=f {
        for (r0, row0) in rows(f0).iter().enumerate() {
            if row0.kpi == row.kpi && row0.area_id == row.area_id && row0.year == row.year {
                if let Some(v0) = row0.values.iter().position(|x| x.gender == value.gender) {
                    first = Some((f0, r0, v0));
                    break 'files;
                }
            }
        }
    }
    let (where_first, first_value) = match first {
        Some((f0, r0, v0)) => {
            let file = if f0 == f { "samma fil" } else { files[f0].name.as_str() };
            (format!("{file} (values[{r0}].values[{v0}])"), shown(&rows(f0)[r0].values[v0]))
        }
        None => (String::from("en tidigare fil"), String::from("ett annat värde")),
    };
    AppError::bad_file(msg!(
        "{}: values[{r}].values[{v}]: nyckeltalet {} för {} år {}, kön {}, har redan ett annat värde i {where_first}: {first_value} där, {} här. Ett nyckeltal får bara ha ett värde per område, år och kön i en import, och det går inte att avgöra vilket som gäller. Hämta svaren från Kolada igen (alla sidor av samma sökning) och importera dem tillsammans; inget har importerats.", "{}: values[{r}].values[{v}]: the indicator {} for {} year {}, gender {}, already has another value in {where_first}: {first_value} there, {} here. An indicator may only have one value per area, year and gender in an import, and there is no telling which one holds. Fetch the responses from Kolada again (all pages of the same search) and import them together; nothing has been imported.",
        files[f].name,
        row.kpi,
        row.area_id,
        row.year,
        value.gender.as_str(),
        shown(value)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(text: &str) -> Vec<ValueRow> {
        match parse("t.json", text).unwrap().content {
            KoladaContent::Values(v) => v,
            other => panic!("not values: {other:?}"),
        }
    }

    #[test]
    fn v3_data_row_with_null_and_deleted_values() {
        let rows = values(
            r#"{"count":1,"values":[{"kpi":"N00090","municipality":"2083","period":2022,"values":[
                {"count":1,"gender":"K","isdeleted":false,"status":"","value":9.9},
                {"count":1,"gender":"M","isdeleted":true,"status":"","value":5.6},
                {"count":1,"gender":"T","status":"","value":null}]}],"next_url":null,"previous_url":null}"#,
        );
        assert_eq!(rows.len(), 1);
        let r = &rows[0];
        assert_eq!((r.kpi.as_str(), r.area_id.as_str(), r.area_kind, r.year), ("N00090", "2083", AreaKind::Municipality, 2022));
        assert_eq!(r.values[0], GenderValue { gender: Gender::K, value: Some(9.9), deleted: false });
        assert_eq!(r.values[1], GenderValue { gender: Gender::M, value: Some(5.6), deleted: true });
        assert_eq!(r.values[2], GenderValue { gender: Gender::T, value: None, deleted: false });
    }

    #[test]
    fn v2_envelope_with_text_period_and_numeric_flags() {
        let f = parse(
            "v2.json",
            r#"{"count":1,"next_page":"http://api.kolada.se/v2/data/kpi/N00090/year/2022?page=2","values":[
                {"kpi":"N00090","municipality":"G33418","period":"2022","values":[
                  {"count":7,"gender":"T","is_deleted":1,"from_date":"2024-01-01","value":8}]}]}"#,
        )
        .unwrap();
        assert_eq!(f.next_url.as_deref(), Some("http://api.kolada.se/v2/data/kpi/N00090/year/2022?page=2"));
        let KoladaContent::Values(rows) = f.content else { panic!() };
        assert_eq!(rows[0].area_kind, AreaKind::Group);
        assert_eq!(rows[0].year, 2022);
        assert_eq!(rows[0].values[0], GenderValue { gender: Gender::T, value: Some(8.0), deleted: true });
    }

    #[test]
    fn oudata_rows_are_organisational_units() {
        let rows = values(r#"{"values":[{"kpi":"N15033","ou":"V15E144001301","period":2021,"values":[{"gender":"T","value":71.5}]}]}"#);
        assert_eq!((rows[0].area_id.as_str(), rows[0].area_kind), ("V15E144001301", AreaKind::Ou));
    }

    #[test]
    fn kpi_metadata_v3_and_v2() {
        let f = parse(
            "kpi.json",
            r#"{"values":[{"id":"N00090","title":"Sjukfrånvaro","description":"Andel","is_divided_by_gender":true,
                "municipality_type":"K","operating_area":"Personal","auspice":"X","publ_period":"2023"},
               {"id":"n00097","title":"Nettokostnadsavvikelse","is_divided_by_gender":0,"auspices":"E","municipality_type":"K"}]}"#,
        )
        .unwrap();
        let KoladaContent::Kpis(k) = f.content else { panic!() };
        assert_eq!(k[0].id, "N00090");
        assert!(k[0].is_divided_by_gender);
        assert_eq!(k[0].operating_area, "Personal");
        assert_eq!(k[1].id, "N00097", "ids are upper-cased");
        assert!(!k[1].is_divided_by_gender);
    }

    #[test]
    fn municipality_and_group_lists_give_names() {
        let f = parse("m.json", r#"{"values":[{"id":"2083","title":"Hedemora","type":"K"},{"id":"0000","title":"Riket","type":"L"}]}"#)
            .unwrap();
        assert_eq!(
            f.content,
            KoladaContent::AreaNames(vec![
                AreaName { id: "2083".into(), title: "Hedemora".into() },
                AreaName { id: "0000".into(), title: "Riket".into() },
            ])
        );
        let g = parse(
            "g.json",
            r#"{"values":[{"id":"G33418","title":"Liknande kommuner, övergripande, Hedemora","members":[
                {"member_id":"1885","member_title":"Lindesberg"},{"id":"2182","title":"Söderhamn"}]}]}"#,
        )
        .unwrap();
        let KoladaContent::AreaNames(names) = g.content else { panic!() };
        let ids: Vec<&str> = names.iter().map(|n| n.id.as_str()).collect();
        assert_eq!(ids, ["G33418", "1885", "2182"]);
    }

    #[test]
    fn errors_name_the_place_in_swedish() {
        let cases = [
            (
                r#"{"values":[{"kpi":"N1","municipality":"2083","period":2022,"values":[{"gender":"X","value":1}]}]}"#,
                "values[0].values[0].gender: okänd kön 'X'",
            ),
            (
                r#"{"values":[{"kpi":"N1","municipality":"2083","period":2022,"values":[{"gender":"T","value":"8.8"}]}]}"#,
                "values[0].values[0].value: värdet är texten \"8.8\"",
            ),
            (
                r#"{"values":[{"kpi":"N1","municipality":"2083","period":"tjugo","values":[]}]}"#,
                "values[0].period: perioden \"tjugo\" är inte ett år",
            ),
            (
                r#"{"values":[{"kpi":"N1","municipality":2083,"period":2022,"values":[]}]}"#,
                "values[0].municipality: fel typ: heltalet 2083, väntade en text",
            ),
            (r#"{"values":[{"kpi":"N1","municipality":"2083","values":[]}]}"#, "values[0]: fältet 'period' (året) saknas"),
            (
                r#"{"values":[{"kpi":"N1","municipality":"2083","period":2022,"values":[{"value":1}]}]}"#,
                "values[0].values[0]: fältet 'gender' (kön) saknas",
            ),
            (
                r#"{"values":[{"kpi":"N1","municipality":"2083","period":2022,"values":[]},{"id":"2083","title":"Hedemora"}]}"#,
                "values[1]: raden är kommun-, grupp- eller enhetsnamn men filen började med värden",
            ),
            (r#"{"values":[{"foo":1}]}"#, "values[0]: raden känns inte igen"),
            (r#"{"values":[1]}"#, "values[0]: fel typ: heltalet 1, väntade ett objekt"),
            (r#"{"values":{}}"#, "values: fel typ: ett objekt, väntade en lista"),
            (r#"{"count":1}"#, "inget fält 'values'"),
            (r#"{"values":[]} x"#, "det står något efter innehållets slut"),
            (r#"{"values":[{"kpi":"N1",}]}"#, "ogiltig JSON"),
            (r#"{"values":[{"kpi":"N1""#, "avkortad"),
            ("[]", "JSON-lista"),
            ("  \n", "filen är tom"),
            ("kpi;value", "inte JSON"),
        ];
        for (text, expected) in cases {
            let err = parse("fil.json", text).expect_err(text);
            assert_eq!(err.code, crate::error::ErrorCode::BadFile, "{text}");
            assert!(err.message.starts_with("fil.json: "), "{}", err.message);
            assert!(err.message.contains(expected), "{text}\n  gave: {}\n  want: {expected}", err.message);
            assert!(err.message.contains("inget har importerats"), "{}", err.message);
        }
    }

    #[test]
    fn an_empty_values_list_is_an_empty_file_not_an_error() {
        assert_eq!(parse("e.json", "\u{feff}{\"count\":0,\"values\":[]}").unwrap().content, KoladaContent::Empty);
    }
}
