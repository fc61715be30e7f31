//! Kolada values read back: series for the command line, and what the scorecard shows
//! beside an indicator with a Kolada KPI id.
//!
//! - **Outcome from Kolada.** Kolada publishes whole years. The latest year that ended by
//!   the end of the chosen period, for which the municipality (setting
//!   `kolada_municipality`) has a value, is shown as the indicator's outcome when we have
//!   no value of our own for that year or a later one; its source is then `kolada`.
//! - **Comparison.** For that same year: Riket (`0000`) and the chosen group (setting
//!   `kolada_group`) where imported. The comparison names its year and is set against the
//!   unit's own value of that year (`own_value`), never against a newer value of ours.
//! - **Totals are not compared.** A count or an amount (the indicator's unit is `st`,
//!   `antal`, `kr`, `tkr`, `mnkr`, `mdkr` … with no `/`, `per` or `%`: [`is_count_or_amount`])
//!   is compared only when Kolada's Riket value for the year lies within the
//!   municipalities' values, i.e. when the KPI is an average per person or per case; a
//!   Riket that is the country's total (larger than every municipality's value, as the
//!   sum of them is) is never set beside one municipality's, and then there is no
//!   comparison at all (no Riket, group or rank: ranking totals only ranks sizes).
//!   Percentages, shares, "per 1 000 inv" and "kr/inv" are always compared.
//! - **Rank.** The place of the unit's own value of the comparison year (our whole-year
//!   value of that year, else Kolada's value for the municipality) among all other
//!   municipalities (ids of four digits not starting with `00`: not Riket, not regions)
//!   that have a value for the KPI, year and gender T, better first by the indicator's
//!   direction. Without a value of that year there is no rank. Best quarter when at most a
//!   quarter of them are as good or better (`4·(1 + better) ≤ n`), worst quarter when at
//!   most a quarter are as bad or worse (`4·(1 + worse) ≤ n`), else the middle. With fewer
//!   than [`MIN_RANKED`] municipalities there is no rank. The rank is its own marker: it is
//!   not target attainment and never rolls up.

use std::cell::RefCell;
use std::collections::HashMap;

use serde::Serialize;
use ts_rs::TS;

use super::{is_municipality_id, AREA_NAME_PREFIX, RIKET, SETTING_GROUP, SETTING_MUNICIPALITY};
use crate::error::{AppError, Result};
use crate::model::{Direction, Gender};
use crate::msg;
use crate::store::{kolada as stored, Store};

/// Fewest municipalities with a value for a rank to mean anything.
pub const MIN_RANKED: u32 = 4;

/// Which quarter of all municipalities a value falls in. Not a traffic light.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum RankQuartile {
    Best,
    Middle,
    Worst,
}

impl RankQuartile {
    /// "sämsta fjärdedelen": plain words a council member reads without a dictionary.
    pub fn label_sv(self) -> &'static str {
        match self {
            RankQuartile::Best => "bästa fjärdedelen",
            RankQuartile::Middle => "mittenhalvan",
            RankQuartile::Worst => "sämsta fjärdedelen",
        }
    }
}

/// The Kolada relative rank of the municipality's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct KoladaRank {
    pub quartile: RankQuartile,
    /// 1 is best; tied values share the better place.
    pub position: u32,
    /// Number of municipalities with a value.
    pub of: u32,
}

/// Kolada figures shown beside an indicator, all for one year. Källa: Kolada.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct KoladaComparison {
    pub kpi_id: String,
    pub year: i32,
    /// The municipality compared (setting `kolada_municipality`), if set.
    pub municipality_id: Option<String>,
    pub municipality_value: Option<f64>,
    /// Riket, the whole country (`0000`).
    pub riket: Option<f64>,
    /// The comparison group (setting `kolada_group`), if set.
    pub group_id: Option<String>,
    /// The group's name, when a group list has been imported.
    pub group_name: Option<String>,
    pub group_value: Option<f64>,
    /// The unit's own value of `year` that is compared and ranked: our own whole-year value
    /// of that year where there is one, else Kolada's value for the municipality.
    pub own_value: Option<f64>,
    /// The place of `own_value` among the municipalities' values of `year`.
    pub rank: Option<KoladaRank>,
}

/// Whether an indicator's unit makes its values counts or amounts (`st`, `antal`, `kr`,
/// `tkr`, `mnkr` …), which the whole country's total must not be set beside; shares,
/// percentages and anything per something (`kr/inv`, `per 1 000 inv`) are not.
pub fn is_count_or_amount(unit: &str) -> bool {
    let u = unit.trim().to_lowercase();
    if u.contains('/') || u.contains('%') || u.split_whitespace().any(|w| w == "per" || w == "andel" || w == "procent") {
        return false;
    }
    const TOTALS: [&str; 14] =
        ["st", "st.", "stycken", "antal", "kr", "kronor", "tkr", "mkr", "mnkr", "mdkr", "personer", "invånare", "ärenden", "timmar"];
    u.split_whitespace().next().is_some_and(|w| TOTALS.contains(&w))
}

/// Place `own` among `all` (which includes it), better first by `direction`.
pub fn rank(all: &[f64], own: f64, direction: Direction) -> Option<KoladaRank> {
    let of = u32::try_from(all.len()).ok()?;
    if of < MIN_RANKED {
        return None;
    }
    let (mut better, mut worse) = (0u32, 0u32);
    for &v in all {
        let (is_better, is_worse) = match direction {
            Direction::Higher => (v > own, v < own),
            Direction::Lower => (v < own, v > own),
        };
        better += u32::from(is_better);
        worse += u32::from(is_worse);
    }
    let best = 4 * (1 + better) <= of;
    let worst = 4 * (1 + worse) <= of;
    let quartile = match (best, worst) {
        (true, false) => RankQuartile::Best,
        (false, true) => RankQuartile::Worst,
        // Both only when every value is the same.
        _ => RankQuartile::Middle,
    };
    Some(KoladaRank { quartile, position: better + 1, of })
}

/// The last whole calendar year that has ended by `end_date` (ISO date).
pub fn last_complete_year(end_date: &str) -> Result<i32> {
    let d = chrono::NaiveDate::parse_from_str(end_date, "%Y-%m-%d")
        .map_err(|_| AppError::validation(msg!("'{end_date}' är inget datum (ÅÅÅÅ-MM-DD).", "'{end_date}' is not a date (YYYY-MM-DD).")))?;
    use chrono::Datelike;
    Ok(if d.month() == 12 && d.day() == 31 { d.year() } else { d.year() - 1 })
}

/// One Kolada value of an area for a year and gender; `None` when not imported or null.
pub fn value(store: &Store, kpi: &str, area: &str, year: i32, gender: Gender) -> Result<Option<f64>> {
    stored::value(store.read(), kpi, area, year, gender)
}

/// One year of a Kolada series.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct KoladaPoint {
    pub period: i32,
    /// `None` where Kolada published no value (null).
    pub value: Option<f64>,
}

/// All imported years of a KPI for one area and gender, oldest first.
pub fn series(store: &Store, kpi: &str, area: &str, gender: Gender) -> Result<Vec<KoladaPoint>> {
    let kpi = kpi.trim().to_ascii_uppercase();
    let area = area.trim();
    let points: Vec<KoladaPoint> =
        stored::series(store.read(), &kpi, area, gender)?.into_iter().map(|(period, value)| KoladaPoint { period, value }).collect();
    if points.is_empty() {
        return Err(AppError::not_found(msg!(
            "Det finns inga Kolada-värden för {kpi} och {area} (kön {}). Importera dem med 'styrkort import kolada FIL' eller hämta dem med 'styrkort kolada fetch'.", "There are no Kolada values for {kpi} and {area} (gender {}). Import them with 'styrkort import kolada FILE' or fetch them with 'styrkort kolada fetch'.",
            gender.as_str()
        )));
    }
    Ok(points)
}

/// The name of an area from an imported municipality or group list.
pub fn area_name(store: &Store, id: &str) -> Result<Option<String>> {
    store.setting(&format!("{AREA_NAME_PREFIX}{id}"))
}

/// The municipality's own Kolada value used as an indicator's outcome.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct KoladaOutcome {
    pub year: i32,
    pub value: f64,
    pub women: Option<f64>,
    pub men: Option<f64>,
    /// The year before, from Kolada.
    pub previous: Option<f64>,
}

/// What one scorecard build needs from Kolada: the settings, read once, and a cache of
/// comparisons per KPI (an indicator's card is built more than once per scorecard).
pub struct ScorecardKolada {
    municipality: Option<String>,
    group: Option<String>,
    group_name: Option<String>,
    /// (KPI, last year) → the comparison without the unit's value, and the other
    /// municipalities' values of its year.
    #[allow(clippy::type_complexity)]
    cache: RefCell<HashMap<(String, i32), Option<(KoladaComparison, Vec<f64>)>>>,
    /// On the shared database: per KPI, the values of the municipality, Riket and the group,
    /// read with one statement the first time the KPI is asked for. A roll-up of 400 units
    /// asked some 2 000 single values, each a round trip to the server; on the file they are
    /// lookups in-process and read one by one as before.
    near: Option<RefCell<HashMap<String, Near>>>,
}

/// One KPI's values of the areas a scorecard compares with: (area, year, gender) → value.
type Near = HashMap<(String, i32, Gender), Option<f64>>;

impl ScorecardKolada {
    pub fn load(store: &Store) -> Result<Self> {
        let clean = |v: Option<String>| v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
        let municipality = clean(store.setting(SETTING_MUNICIPALITY)?);
        let group = clean(store.setting(SETTING_GROUP)?);
        let group_name = match &group {
            Some(g) => area_name(store, g)?,
            None => None,
        };
        let near = store.is_shared().then(|| RefCell::new(HashMap::new()));
        Ok(Self { municipality, group, group_name, cache: RefCell::new(HashMap::new()), near })
    }

    /// Whether `area` is one of those [`Self::near`] holds.
    fn is_near(&self, area: &str) -> bool {
        area == RIKET || Some(area) == self.municipality.as_deref() || Some(area) == self.group.as_deref()
    }

    /// On the shared database, read the near areas' values of every KPI of `indicators`
    /// (id, KPI) not read yet with one statement, so that the cards built next ask the server
    /// nothing more about them. On the file, nothing: its lookups are in-process.
    pub fn prefetch<'a>(&self, store: &Store, indicators: impl IntoIterator<Item = (i64, &'a str)>) -> Result<()> {
        let Some(near) = &self.near else { return Ok(()) };
        let mut missing: HashMap<&str, i64> = HashMap::new();
        for (id, kpi) in indicators {
            if !near.borrow().contains_key(kpi) {
                missing.entry(kpi).or_insert(id);
            }
        }
        if missing.is_empty() {
            return Ok(());
        }
        let m = self.municipality.as_deref().unwrap_or(RIKET);
        let g = self.group.as_deref().unwrap_or(RIKET);
        let ids: Vec<i64> = missing.values().copied().collect();
        let rows = stored::values_of_areas_of_indicators(store.read(), &ids, [m, RIKET, g])?;
        let mut near = near.borrow_mut();
        // A KPI with no values of these areas is read too: an empty entry, not asked again.
        for kpi in missing.keys() {
            near.insert(kpi.to_string(), Near::new());
        }
        for (kpi, (area, year, gender, v)) in rows {
            if let Some(values) = near.get_mut(&kpi) {
                values.insert((area, year, gender), v);
            }
        }
        Ok(())
    }

    /// Run `f` over the KPI's values of the near areas, reading them first if needed; `None`
    /// on the file, or for another area.
    fn with_near<T>(&self, store: &Store, kpi: &str, area: &str, f: impl FnOnce(&Near) -> T) -> Result<Option<T>> {
        let Some(near) = &self.near else { return Ok(None) };
        if !self.is_near(area) {
            return Ok(None);
        }
        if !near.borrow().contains_key(kpi) {
            let m = self.municipality.as_deref().unwrap_or(RIKET);
            let g = self.group.as_deref().unwrap_or(RIKET);
            let read: Near = stored::values_of_areas(store.read(), kpi, [m, RIKET, g])?
                .into_iter()
                .map(|(area, year, gender, v)| ((area, year, gender), v))
                .collect();
            near.borrow_mut().insert(kpi.to_string(), read);
        }
        Ok(near.borrow().get(kpi).map(f))
    }

    /// One value, as [`value`] reads it.
    fn value(&self, store: &Store, kpi: &str, area: &str, year: i32, gender: Gender) -> Result<Option<f64>> {
        match self.with_near(store, kpi, area, |n| n.get(&(area.to_string(), year, gender)).copied().flatten())? {
            Some(v) => Ok(v),
            None => value(store, kpi, area, year, gender),
        }
    }

    /// The latest year up to `last_year` with a municipality value (gender T, not null).
    fn latest_year(&self, store: &Store, kpi: &str, area: &str, last_year: i32) -> Result<Option<i32>> {
        let near = self.with_near(store, kpi, area, |n| {
            n.iter()
                .filter(|((a, year, gender), v)| a == area && *year <= last_year && *gender == Gender::T && v.is_some())
                .map(|((_, year, _), _)| *year)
                .max()
        })?;
        match near {
            Some(year) => Ok(year),
            None => stored::latest_year(store.read(), kpi, area, last_year),
        }
    }

    /// The municipality's value for `kpi`, year and gender.
    pub fn municipality_value(&self, store: &Store, kpi: &str, year: i32, gender: Gender) -> Result<Option<f64>> {
        match &self.municipality {
            Some(m) => self.value(store, kpi, m, year, gender),
            None => Ok(None),
        }
    }

    /// The Kolada outcome to show when it is newer than our own latest value (`own_year`).
    pub fn outcome(&self, store: &Store, kpi: &str, last_year: i32, own_year: Option<i32>) -> Result<Option<KoladaOutcome>> {
        let Some(m) = &self.municipality else {
            return Ok(None);
        };
        let Some(year) = self.latest_year(store, kpi, m, last_year)? else {
            return Ok(None);
        };
        if own_year.is_some_and(|own| own >= year) {
            return Ok(None);
        }
        let Some(v) = self.value(store, kpi, m, year, Gender::T)? else {
            return Ok(None);
        };
        Ok(Some(KoladaOutcome {
            year,
            value: v,
            women: self.value(store, kpi, m, year, Gender::K)?,
            men: self.value(store, kpi, m, year, Gender::M)?,
            previous: self.value(store, kpi, m, year - 1, Gender::T)?,
        }))
    }

    /// Riket, the group and the rank for the latest year up to `last_year` for which the
    /// municipality has a value (or, without one, Riket or the group has), set against
    /// `own`: the unit's own value of the year the comparison is for, asked for by
    /// [`Self::comparison_year`] (`None`: Kolada's value for the municipality). `None` when
    /// nothing was imported, or when the indicator is a count or amount whose Riket value
    /// is the country's total (see the module's rules).
    pub fn comparison(
        &self,
        store: &Store,
        kpi: &str,
        last_year: i32,
        direction: Direction,
        unit: &str,
        own: Option<f64>,
    ) -> Result<Option<KoladaComparison>> {
        let Some(base) = self.base(store, kpi, last_year)? else { return Ok(None) };
        let (mut c, others) = base;
        if is_count_or_amount(unit) && !riket_is_an_average(c.riket, &others, c.municipality_value) {
            return Ok(None);
        }
        c.own_value = own.or(c.municipality_value);
        c.rank = c.own_value.and_then(|v| {
            let mut all = others.clone();
            all.push(v);
            rank(&all, v, direction)
        });
        Ok(Some(c))
    }

    /// The year [`Self::comparison`] is for, to read the unit's own value of it first.
    pub fn comparison_year(&self, store: &Store, kpi: &str, last_year: i32) -> Result<Option<i32>> {
        Ok(self.base(store, kpi, last_year)?.map(|(c, _)| c.year))
    }

    /// The comparison without the unit's value and rank, and the other municipalities'
    /// values of its year; read once per KPI and year.
    fn base(&self, store: &Store, kpi: &str, last_year: i32) -> Result<Option<(KoladaComparison, Vec<f64>)>> {
        let key = (kpi.to_string(), last_year);
        if let Some(c) = self.cache.borrow().get(&key) {
            return Ok(c.clone());
        }
        let c = self.compute(store, kpi, last_year)?;
        self.cache.borrow_mut().insert(key, c.clone());
        Ok(c)
    }

    fn compute(&self, store: &Store, kpi: &str, last_year: i32) -> Result<Option<(KoladaComparison, Vec<f64>)>> {
        let mut year = match &self.municipality {
            Some(m) => self.latest_year(store, kpi, m, last_year)?,
            None => None,
        };
        if year.is_none() {
            for area in std::iter::once(RIKET).chain(self.group.as_deref()) {
                year = year.max(self.latest_year(store, kpi, area, last_year)?);
            }
        }
        let Some(year) = year else { return Ok(None) };
        let municipality_value = self.municipality_value(store, kpi, year, Gender::T)?;
        let riket = self.value(store, kpi, RIKET, year, Gender::T)?;
        let group_value = match &self.group {
            Some(g) => self.value(store, kpi, g, year, Gender::T)?,
            None => None,
        };
        // Every other municipality's value: the unit's own takes the municipality's place.
        let others: Vec<f64> = stored::municipality_values(store.read(), kpi, year)?
            .into_iter()
            .filter(|(area, _)| is_municipality_id(area) && Some(area.as_str()) != self.municipality.as_deref())
            .map(|(_, v)| v)
            .collect();
        let c = KoladaComparison {
            kpi_id: kpi.to_string(),
            year,
            municipality_id: self.municipality.clone(),
            municipality_value,
            riket,
            group_id: self.group.clone(),
            group_name: self.group_name.clone(),
            group_value,
            own_value: None,
            rank: None,
        };
        Ok(Some((c, others)))
    }
}

/// Whether Kolada's Riket value is an average (within the municipalities' values) rather
/// than the country's total (above every one of them, as a sum of them is).
fn riket_is_an_average(riket: Option<f64>, others: &[f64], municipality: Option<f64>) -> bool {
    let Some(riket) = riket else { return false };
    let max = others.iter().copied().chain(municipality).fold(f64::NEG_INFINITY, f64::max);
    others.len() >= 2 && riket <= max
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(all: &[f64], own: f64, d: Direction) -> Option<(RankQuartile, u32)> {
        rank(all, own, d).map(|r| (r.quartile, r.position))
    }

    #[test]
    fn quartiles_follow_the_direction() {
        let eight = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0];
        use RankQuartile::*;
        // Higher is better: 8 and 7 are the best quarter, 1 and 2 the worst.
        assert_eq!(q(&eight, 8.0, Direction::Higher), Some((Best, 1)));
        assert_eq!(q(&eight, 7.0, Direction::Higher), Some((Best, 2)));
        assert_eq!(q(&eight, 6.0, Direction::Higher), Some((Middle, 3)));
        assert_eq!(q(&eight, 3.0, Direction::Higher), Some((Middle, 6)));
        assert_eq!(q(&eight, 2.0, Direction::Higher), Some((Worst, 7)));
        assert_eq!(q(&eight, 1.0, Direction::Higher), Some((Worst, 8)));
        // Lower is better: the same values, the other way round.
        assert_eq!(q(&eight, 1.0, Direction::Lower), Some((Best, 1)));
        assert_eq!(q(&eight, 8.0, Direction::Lower), Some((Worst, 8)));
    }

    #[test]
    fn ties_share_the_better_place_and_equal_values_are_the_middle() {
        use RankQuartile::*;
        let tied = [5.0, 5.0, 4.0, 3.0, 2.0, 1.0, 1.0, 0.0];
        assert_eq!(q(&tied, 5.0, Direction::Higher), Some((Best, 1)));
        // Two share place 6 from the top and place 7 from the bottom: within the worst two.
        assert_eq!(q(&tied, 1.0, Direction::Higher), Some((Worst, 6)));
        assert_eq!(q(&tied, 4.0, Direction::Higher), Some((Middle, 3)));
        assert_eq!(q(&[3.0; 10], 3.0, Direction::Higher), Some((Middle, 1)));
    }

    #[test]
    fn too_few_municipalities_give_no_rank() {
        assert_eq!(rank(&[1.0, 2.0, 3.0], 3.0, Direction::Higher), None);
        assert!(rank(&[1.0, 2.0, 3.0, 4.0], 4.0, Direction::Higher).is_some());
    }

    #[test]
    fn a_quarter_of_290_is_72_on_each_side() {
        let all: Vec<f64> = (1..=290).map(f64::from).collect();
        assert_eq!(q(&all, 290.0 - 71.0, Direction::Higher), Some((RankQuartile::Best, 72)));
        assert_eq!(q(&all, 290.0 - 72.0, Direction::Higher), Some((RankQuartile::Middle, 73)));
        assert_eq!(q(&all, 72.0, Direction::Higher), Some((RankQuartile::Worst, 219)));
        assert_eq!(q(&all, 73.0, Direction::Higher), Some((RankQuartile::Middle, 218)));
    }

    #[test]
    fn counts_and_amounts_are_told_from_shares_and_averages_by_their_unit() {
        for total in ["st", "antal", "kr", "tkr", "mnkr", "Mdkr", "personer"] {
            assert!(is_count_or_amount(total), "{total}");
        }
        for relative in ["%", "kr/inv", "kr/elev", "per 1 000 inv", "andel", "index", "dagar", ""] {
            assert!(!is_count_or_amount(relative), "{relative}");
        }
        // Riket as the country's sum is above every municipality; as an average it is not.
        assert!(!riket_is_an_average(Some(10_521_556.0), &[15_104.0, 980_000.0, 2_400.0], Some(15_443.0)));
        assert!(riket_is_an_average(Some(14.0), &[9.0, 22.0, 15.0], Some(12.0)));
        assert!(!riket_is_an_average(None, &[9.0, 22.0], None), "no Riket: nothing to say it is an average");
    }

    #[test]
    fn last_complete_year_of_a_period() {
        assert_eq!(last_complete_year("2026-08-31").unwrap(), 2025);
        assert_eq!(last_complete_year("2025-12-31").unwrap(), 2025);
        assert_eq!(last_complete_year("2026-04-30").unwrap(), 2025);
        assert!(last_complete_year("31/12/2025").is_err());
    }
}
