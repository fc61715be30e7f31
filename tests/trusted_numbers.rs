//! Numbers a reader can trust (issue 15, "Numbers you can trust"): each misleading number
//! the demo delårsrapport printed, checked on the demo municipality where it occurs.

use chrono::NaiveDate;
use styrkort::kolada::compare::RankQuartile;
use styrkort::scorecard::{self, IndicatorCard, Scorecard};
use styrkort::{seed, text, ChangeContext, Store};

fn ctx() -> ChangeContext {
    ChangeContext::new("test", "2026-11-26T10:00:00")
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()
}

/// The demo municipality with its Kolada values.
fn demo() -> Store {
    let mut store = Store::open_in_memory().unwrap();
    seed::load_demo(&mut store, &ctx()).unwrap();
    store
}

fn scorecard_at(store: &Store, unit: &str, year: i32, period: &str) -> Scorecard {
    let unit = store.resolve_unit(unit).unwrap();
    let period = store.resolve_period(year, period).unwrap();
    scorecard::build(store, unit.id, year, Some(period.id), today()).unwrap()
}

fn indicator<'a>(card: &'a Scorecard, name: &str) -> &'a IndicatorCard {
    card.perspectives
        .iter()
        .flat_map(|p| &p.goals)
        .flat_map(|g| &g.indicators)
        .find(|i| i.name.starts_with(name))
        .unwrap_or_else(|| panic!("{name} is not on {}'s scorecard", card.unit.name))
}

#[test]
fn a_kolada_comparison_is_set_against_our_value_of_its_own_year() {
    let store = demo();
    let card = scorecard_at(&store, "Sjöbacka kommun", 2026, "delår");
    // Sick leave: our latest value is 2026 delår, Kolada's newest year 2022.
    let sick = indicator(&card, "Sjukfrånvaro bland kommunens anställda");
    assert_eq!(sick.value_period.as_deref(), Some("2026 delår"));
    let k = sick.kolada.as_ref().expect("a comparison");
    assert_eq!(k.year, 2022);
    // The rank is of our own 2022 value (8,9 %), not of 2026's 7,6 % nor of another
    // municipality's Kolada figure.
    assert_eq!(k.own_value, Some(8.9));
    let rank = k.rank.expect("a rank");
    assert_eq!(rank.quartile, RankQuartile::Worst);
    // Our value's place among every other municipality's 2022 value.
    let others: Vec<f64> = styrkort::store::kolada::municipality_values(store.read(), "N00090", 2022)
        .unwrap()
        .into_iter()
        .filter(|(area, _)| styrkort::kolada::is_municipality_id(area) && area != "2083")
        .map(|(_, v)| v)
        .collect();
    assert_eq!(rank.of as usize, others.len() + 1);
    assert_eq!(rank.position as usize, others.iter().filter(|v| **v < 8.9).count() + 1, "lower is better");
    // Every line names its year; our value of that year is shown, as the shown one is newer.
    let lines = text::kolada_lines_sv(sick);
    assert!(lines.iter().all(|l| l.contains("2022")), "{lines:?}");
    assert!(lines.iter().any(|l| l.starts_with("Eget värde 2022: 8,9")), "{lines:?}");
    assert!(lines.iter().any(|l| l.starts_with("Sämsta fjärdedelen 2022 (")), "{lines:?}");
}

#[test]
fn counts_and_amounts_are_never_set_beside_the_whole_countrys_total() {
    let store = demo();
    let card = scorecard_at(&store, "Sjöbacka kommun", 2026, "delår");
    // "Antal invånare 15 104 st" beside "Riket 10 521 556 st" said nothing.
    let inhabitants = indicator(&card, "Antal invånare");
    assert!(inhabitants.kolada_kpi_id.is_some());
    assert!(inhabitants.kolada.is_none(), "{:?}", inhabitants.kolada);
    // A share of the same municipality is still compared.
    assert!(indicator(&card, "Soliditet").kolada.as_ref().is_some_and(|k| k.riket.is_some()));
    // An amount per pupil is an average: compared too.
    let bun = scorecard_at(&store, "Barn- och utbildningsnämnden", 2026, "delår");
    assert!(indicator(&bun, "Kostnad grundskola").kolada.as_ref().is_some_and(|k| k.riket.is_some()));
}

#[test]
fn the_target_beside_a_value_is_that_years_and_says_so() {
    let store = demo();
    let card = scorecard_at(&store, "Sjöbacka kommun", 2026, "delår");
    // Newly built flats: the latest value is 2025's (0), judged against 2025's target 20,
    // not 2026's 30.
    let built = indicator(&card, "Färdigställda nya hyreslägenheter");
    assert_eq!(built.value_period.as_deref(), Some("2025 helår"));
    assert_eq!((built.target, built.target_year), (Some(20.0), Some(2025)));
    assert_eq!(text::target_sv(built), "Mål 2025: 20\u{a0}st");
    // A value of the report's year has its year's target.
    let rent = indicator(&card, "Uthyrningsgrad");
    assert_eq!((rent.target, rent.target_year), (Some(98.0), Some(2026)));
}

#[test]
fn last_year_is_filled_when_a_value_exists_and_says_which() {
    let store = demo();
    let card = scorecard_at(&store, "Sjöbacka kommun", 2026, "delår");
    // Sick leave 2026 delår: no value for 2025 delår, but one for the whole of 2025.
    let sick = indicator(&card, "Sjukfrånvaro bland kommunens anställda");
    assert_eq!(sick.previous, Some(7.7));
    assert_eq!(sick.previous_period.as_deref(), Some("2025 helår"));
    assert_eq!(text::previous_note_sv(sick).as_deref(), Some("(2025 helår)"));
    // A part of the year is not compared with a whole year: no trend arrow.
    assert_eq!(sick.trend, None);
    // The same period a year earlier needs no note, and gives the trend.
    let inhabitants = indicator(&card, "Antal invånare");
    assert_eq!((inhabitants.previous, inhabitants.previous_period.as_deref()), (Some(15131.0), Some("2024 helår")));
    assert_eq!(text::previous_note_sv(inhabitants), None);
    assert!(inhabitants.trend.is_some());
}

#[test]
fn distance_from_a_target_of_zero_or_below_is_in_the_indicators_unit() {
    // Percentages: percentage points, whatever the target.
    assert_eq!(text::difference_sv(1.3, 0.0, "%", 1), "1,3 procentenheter");
    assert_eq!(text::difference_sv(2.0, -1.0, "%", 0), "2 procentenheter");
    // A target of 0 or below: the difference itself, in the unit (a share of 0 is nothing,
    // a share of a negative number has the wrong sign).
    assert_eq!(text::difference_sv(3.0, 0.0, "st", 0), "3\u{a0}st");
    assert_eq!(text::difference_sv(2.5, -4.0, "mnkr", 1), "2,5\u{a0}mnkr");
    // Otherwise the share of the target.
    assert_eq!(text::difference_sv(5.0, 20.0, "st", 0), "25 %");
    // The ranking of red indicators measures the same way.
    use styrkort::model::Direction;
    assert_eq!(styrkort::follow_up::gap(-3.0, -2.0, Direction::Higher), 1.0);
    assert_eq!(styrkort::follow_up::gap(-3.0, 0.0, Direction::Higher), 3.0);
}

#[test]
fn sick_leave_shows_women_and_men_where_the_data_has_them() {
    let store = demo();
    let card = scorecard_at(&store, "Sjöbacka kommun", 2026, "delår");
    let sick = indicator(&card, "Sjukfrånvaro bland kommunens anställda");
    assert_eq!((sick.value_women, sick.value_men), (Some(8.4), Some(4.2)));
    assert_eq!(text::genders_sv(sick).as_deref(), Some("K 8,4\u{a0}% · M 4,2\u{a0}%"));
    // Without values per gender, nothing is made up.
    assert_eq!(text::genders_sv(indicator(&card, "Antal invånare")), None);
}
