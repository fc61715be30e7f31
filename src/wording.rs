//! The words an assessment is said in, which depend on when it is made.
//!
//! Before the year is over (T1, T2, delår, a month before December) an assessment is a
//! forecast for the whole year: "Bedöms uppfyllas", "Bedöms delvis uppfyllas", "Bedöms inte
//! uppfyllas". Once the year is over (helår, T3, December) it is an outcome: "Uppfyllt",
//! "Delvis uppfyllt", "Ej uppfyllt". [`step_label`] is the one place that decides the words;
//! the scorecard applies it to the plan year's scale ([`worded_scale`]), so the window, the
//! PDFs and the workbook, which all show the scorecard's scale and assessment labels, say the
//! same thing.
//!
//! **A municipality's own step names.** A scale's labels are the municipality's, in outcome
//! form ("Uppfyllt") as the default scales have them. A label that is one of the known forms —
//! the labels of the default 3-, 4- and 5-step scales ("Helt uppfyllt", "Till stor del
//! uppfyllt", "Delvis uppfyllt", "I liten grad uppfyllt", "Ej uppfyllt", also "Inte uppfyllt"),
//! in outcome or forecast form, whatever its case — gets the known other form. Any other label
//! ("Grönt", "På väg") is kept as it is at the year's end and prefixed before it: "Prognos:
//! Grönt" ("Forecast: Grönt"), so a reader is never told an outcome that has not happened.

use crate::error::Msg;
use crate::model::{PeriodKind, ScaleStep};
use crate::msg;

/// What an assessment made in a period says about the year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reading {
    /// The year is not over: the assessment forecasts the year's outcome.
    Forecast,
    /// The year is over: the assessment states the outcome.
    Outcome,
}

impl Reading {
    /// The reading of a period of `kind` and `seq`: an outcome for a period that ends with the
    /// year (helår, T3, December), a forecast for every earlier one.
    pub fn of(kind: PeriodKind, seq: i32) -> Self {
        match kind {
            PeriodKind::Helar => Reading::Outcome,
            PeriodKind::Tertial if seq >= 3 => Reading::Outcome,
            PeriodKind::Month if seq >= 12 => Reading::Outcome,
            _ => Reading::Forecast,
        }
    }

    /// The reading of `period`.
    pub fn of_period(period: &crate::model::Period) -> Self {
        Self::of(period.kind, period.seq)
    }
}

/// Known step names: (outcome sv, forecast sv, outcome en, forecast en).
const KNOWN: [(&str, &str, &str, &str); 6] = [
    ("Uppfyllt", "Bedöms uppfyllas", "Met", "Expected to be met"),
    ("Helt uppfyllt", "Bedöms helt uppfyllas", "Fully met", "Expected to be fully met"),
    ("Till stor del uppfyllt", "Bedöms till stor del uppfyllas", "Largely met", "Expected to be largely met"),
    ("Delvis uppfyllt", "Bedöms delvis uppfyllas", "Partly met", "Expected to be partly met"),
    ("I liten grad uppfyllt", "Bedöms i liten grad uppfyllas", "Met to a small degree", "Expected to be met to a small degree"),
    ("Ej uppfyllt", "Bedöms inte uppfyllas", "Not met", "Expected not to be met"),
];

/// Spellings taken for a known name: (spelling, the name in [`KNOWN`]).
const ALIASES: [(&str, &str); 2] = [("Inte uppfyllt", "Ej uppfyllt"), ("Bedöms ej uppfyllas", "Bedöms inte uppfyllas")];

/// The words of a scale step whose stored name is `label`, for an assessment of `reading`,
/// in Swedish and English (see the module's rule for a municipality's own names).
pub fn step_label(label: &str, reading: Reading) -> Msg {
    let trimmed = label.trim();
    let lower = trimmed.to_lowercase();
    let canonical = ALIASES.iter().find(|(a, _)| a.to_lowercase() == lower).map(|(_, c)| c.to_lowercase()).unwrap_or(lower);
    let known = KNOWN.iter().find(|(o, f, _, _)| o.to_lowercase() == canonical || f.to_lowercase() == canonical);
    match (known, reading) {
        (Some((o, _, oe, _)), Reading::Outcome) => Msg { sv: o.to_string(), en: oe.to_string() },
        (Some((_, f, _, fe)), Reading::Forecast) => Msg { sv: f.to_string(), en: fe.to_string() },
        (None, Reading::Outcome) => Msg { sv: trimmed.to_string(), en: trimmed.to_string() },
        (None, Reading::Forecast) => msg!("Prognos: {trimmed}", "Forecast: {trimmed}"),
    }
}

/// The plan year's scale in the words of `reading`: each step's `label` and `label_en` from
/// [`step_label`]; colours and statuses as they are.
pub fn worded_scale(scale: Vec<ScaleStep>, reading: Reading) -> Vec<ScaleStep> {
    scale
        .into_iter()
        .map(|s| {
            let words = step_label(&s.label, reading);
            ScaleStep { label: words.sv, label_en: words.en, ..s }
        })
        .collect()
}

/// The heading the goal table and the summary give the assessment column: "Prognos helår"
/// before the year is over, "Bedömning" after.
pub fn assessment_heading(reading: Reading) -> Msg {
    match reading {
        Reading::Forecast => msg!("Prognos helår", "Full-year forecast"),
        Reading::Outcome => msg!("Bedömning", "Assessment"),
    }
}

/// What the report for a period is called: "Årsredovisning" at helår (the part on goals and
/// economy of the annual report), "Delårsrapport" for every earlier period.
pub fn report_name(kind: PeriodKind) -> &'static str {
    match kind {
        PeriodKind::Helar => "Årsredovisning",
        _ => "Delårsrapport",
    }
}

/// What the cover adds to [`report_name`]: at helår which part of the årsredovisning it is.
pub fn report_subtitle(kind: PeriodKind) -> Option<&'static str> {
    match kind {
        PeriodKind::Helar => Some("Måluppfyllelse och ekonomi"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_before_the_years_end_forecast_and_the_rest_state_outcomes() {
        assert_eq!(Reading::of(PeriodKind::Tertial, 1), Reading::Forecast);
        assert_eq!(Reading::of(PeriodKind::Tertial, 2), Reading::Forecast);
        assert_eq!(Reading::of(PeriodKind::Delar, 1), Reading::Forecast);
        assert_eq!(Reading::of(PeriodKind::Month, 6), Reading::Forecast);
        assert_eq!(Reading::of(PeriodKind::Tertial, 3), Reading::Outcome);
        assert_eq!(Reading::of(PeriodKind::Month, 12), Reading::Outcome);
        assert_eq!(Reading::of(PeriodKind::Helar, 1), Reading::Outcome);
    }

    #[test]
    fn the_default_scales_get_forecast_and_outcome_words() {
        for steps in [3, 4, 5] {
            for (label, _, _) in crate::store::default_scale(steps).unwrap() {
                let f = step_label(label, Reading::Forecast);
                assert!(f.sv.starts_with("Bedöms "), "{label}: {f:?}");
                assert!(f.en.starts_with("Expected "), "{label}: {f:?}");
                assert_eq!(step_label(label, Reading::Outcome).sv, label);
                // The forecast form read back at helår is the outcome again.
                assert_eq!(step_label(&f.sv, Reading::Outcome).sv, label);
            }
        }
        let cases = [
            ("Uppfyllt", "Bedöms uppfyllas", "Expected to be met", "Met"),
            ("Delvis uppfyllt", "Bedöms delvis uppfyllas", "Expected to be partly met", "Partly met"),
            ("Ej uppfyllt", "Bedöms inte uppfyllas", "Expected not to be met", "Not met"),
            ("inte uppfyllt", "Bedöms inte uppfyllas", "Expected not to be met", "Not met"),
        ];
        for (label, sv, en, outcome_en) in cases {
            assert_eq!(step_label(label, Reading::Forecast), Msg { sv: sv.into(), en: en.into() });
            assert_eq!(step_label(label, Reading::Outcome).en, outcome_en);
        }
    }

    #[test]
    fn a_municipalitys_own_names_are_kept_and_marked_as_a_forecast() {
        assert_eq!(step_label("Grönt", Reading::Outcome), Msg { sv: "Grönt".into(), en: "Grönt".into() });
        assert_eq!(step_label(" Grönt ", Reading::Forecast), Msg { sv: "Prognos: Grönt".into(), en: "Forecast: Grönt".into() });
    }
}
