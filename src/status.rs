//! Status rules: pure functions from plain data to a status that can explain itself.
//!
//! Three colour meanings are kept apart: target attainment ([`Status`]), trend ([`Trend`])
//! and, later, Kolada rank. Only target attainment rolls up.
//!
//! Roll-up rule (also in ARCHITECTURE.md): each child with a status scores green 2,
//! yellow 1, red 0; children without a status are ignored. The mean score gives the
//! parent's status: mean ≥ 1.5 green, mean ≥ 0.75 yellow, otherwise red. A goal rolls up
//! from its indicators, or, when it has none with a status, from the goals linked below it
//! in the same scorecard; a perspective rolls up from its goals' effective statuses.
//! A manual assessment overrides the computed status of a goal and is marked manual.

use serde::Serialize;
use ts_rs::TS;

use crate::model::{Direction, Status, ToleranceKind};
use crate::text::count_sv;

/// The rule for one indicator and year.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Threshold {
    pub target: f64,
    /// Explicit limit between yellow and red; `None` uses the tolerance.
    pub yellow_limit: Option<f64>,
    pub tolerance_kind: ToleranceKind,
    pub tolerance: f64,
}

impl Threshold {
    /// The value at which yellow turns red, on the worse side of the target.
    pub fn effective_yellow_limit(&self, direction: Direction) -> f64 {
        let band = match self.tolerance_kind {
            ToleranceKind::Percent => self.target.abs() * self.tolerance / 100.0,
            ToleranceKind::Absolute => self.tolerance,
        };
        let computed = match direction {
            Direction::Higher => self.target - band,
            Direction::Lower => self.target + band,
        };
        match (self.yellow_limit, direction) {
            // A limit on the better side of the target would make green impossible to
            // tell from yellow; treat it as "no yellow band".
            (Some(l), Direction::Higher) => l.min(self.target),
            (Some(l), Direction::Lower) => l.max(self.target),
            (None, _) => computed,
        }
    }
}

/// Why a status is what it is: which values and which rule.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(tag = "rule", rename_all = "snake_case")]
#[ts(export)]
pub enum Explanation {
    /// No value for the period, so no colour.
    NoValue,
    /// A value but no target for its year, so no colour.
    NoTarget {
        value: f64,
    },
    MeetsTarget {
        value: f64,
        target: f64,
        direction: Direction,
    },
    WithinTolerance {
        value: f64,
        target: f64,
        yellow_limit: f64,
        direction: Direction,
    },
    OutsideTolerance {
        value: f64,
        target: f64,
        yellow_limit: f64,
        direction: Direction,
    },
    /// Computed from children (indicators or goals).
    RollUp {
        green: u32,
        yellow: u32,
        red: u32,
        without_status: u32,
        mean_points: f64,
    },
    /// Nothing below had a status.
    NothingToRollUp {
        without_status: u32,
    },
    /// A person's assessment on the plan year's scale.
    Manual {
        step: i32,
        /// The step's words for the period, Swedish and English (`wording::step_label`).
        label: String,
        label_en: String,
    },
}

/// A status with its reason.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct StatusView {
    pub status: Option<Status>,
    /// True when a person's assessment set the status.
    pub manual: bool,
    pub explanation: Explanation,
}

/// Traffic light of one value against its target.
pub fn traffic_light(value: Option<f64>, threshold: Option<&Threshold>, direction: Direction) -> StatusView {
    let computed = |status, explanation| StatusView { status, manual: false, explanation };
    let Some(value) = value else { return computed(None, Explanation::NoValue) };
    let Some(th) = threshold else { return computed(None, Explanation::NoTarget { value }) };
    let target = th.target;
    let yellow_limit = th.effective_yellow_limit(direction);
    let (meets, within) = match direction {
        Direction::Higher => (value >= target, value >= yellow_limit),
        Direction::Lower => (value <= target, value <= yellow_limit),
    };
    if meets {
        computed(Some(Status::Green), Explanation::MeetsTarget { value, target, direction })
    } else if within {
        computed(Some(Status::Yellow), Explanation::WithinTolerance { value, target, yellow_limit, direction })
    } else {
        computed(Some(Status::Red), Explanation::OutsideTolerance { value, target, yellow_limit, direction })
    }
}

fn points(s: Status) -> f64 {
    match s {
        Status::Green => 2.0,
        Status::Yellow => 1.0,
        Status::Red => 0.0,
    }
}

/// Roll children's statuses up into one, by the rule in the module documentation.
pub fn roll_up<I: IntoIterator<Item = Option<Status>>>(children: I) -> StatusView {
    let (mut green, mut yellow, mut red, mut without_status) = (0u32, 0u32, 0u32, 0u32);
    for child in children {
        match child {
            Some(Status::Green) => green += 1,
            Some(Status::Yellow) => yellow += 1,
            Some(Status::Red) => red += 1,
            None => without_status += 1,
        }
    }
    let n = green + yellow + red;
    if n == 0 {
        return StatusView { status: None, manual: false, explanation: Explanation::NothingToRollUp { without_status } };
    }
    let total = green as f64 * points(Status::Green) + yellow as f64 * points(Status::Yellow) + red as f64 * points(Status::Red);
    let mean = total / n as f64;
    let status = if mean >= 1.5 {
        Status::Green
    } else if mean >= 0.75 {
        Status::Yellow
    } else {
        Status::Red
    };
    StatusView {
        status: Some(status),
        manual: false,
        explanation: Explanation::RollUp { green, yellow, red, without_status, mean_points: (mean * 100.0).round() / 100.0 },
    }
}

/// A manual assessment overrides the computed status.
pub fn with_manual(computed: StatusView, manual: Option<(i32, &crate::error::Msg, Status)>) -> StatusView {
    match manual {
        Some((step, label, status)) => StatusView {
            status: Some(status),
            manual: true,
            explanation: Explanation::Manual { step, label: label.sv.clone(), label_en: label.en.clone() },
        },
        None => computed,
    }
}

/// Trend against the same period a year earlier, judged by the indicator's direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Trend {
    Better,
    Unchanged,
    Worse,
}

/// `None` when either value is missing. Changes smaller than half the last shown decimal
/// count as unchanged, so the arrow never contradicts the numbers on screen.
pub fn trend(current: Option<f64>, previous: Option<f64>, direction: Direction, decimals: u32) -> Option<Trend> {
    let (c, p) = (current?, previous?);
    let epsilon = 0.5 * 10f64.powi(-(decimals as i32));
    let diff = c - p;
    if diff.abs() < epsilon {
        return Some(Trend::Unchanged);
    }
    let up = diff > 0.0;
    Some(match (direction, up) {
        (Direction::Higher, true) | (Direction::Lower, false) => Trend::Better,
        _ => Trend::Worse,
    })
}

/// A Swedish sentence for an explanation (used by the CLI and reports; the UI renders
/// its own from translation files).
pub fn explain_sv(e: &Explanation) -> String {
    let better = |d: Direction| match d {
        Direction::Higher => "högre är bättre",
        Direction::Lower => "lägre är bättre",
    };
    match e {
        Explanation::NoValue => "Inget värde för perioden.".into(),
        Explanation::NoTarget { value } => format!("Värdet {} saknar målvärde för året.", num(*value)),
        Explanation::MeetsTarget { value, target, direction } => {
            format!("Utfall {} når målet {} ({}).", num(*value), num(*target), better(*direction))
        }
        Explanation::WithinTolerance { value, target, yellow_limit, direction } => format!(
            "Utfall {} når inte målet {} men ligger inom gränsen {} ({}).",
            num(*value),
            num(*target),
            num(*yellow_limit),
            better(*direction)
        ),
        Explanation::OutsideTolerance { value, target, yellow_limit, direction } => format!(
            "Utfall {} ligger utanför gränsen {} för målet {} ({}).",
            num(*value),
            num(*yellow_limit),
            num(*target),
            better(*direction)
        ),
        Explanation::RollUp { green, yellow, red, without_status, mean_points } => format!(
            "Sammanvägt: {}, {} nära, {}{} – medelpoäng {} (Uppnått 2, Nära 1, Ej uppnått 0; minst 1,5 ger Uppnått, minst 0,75 Nära).",
            count_sv(*green, "uppnått", "uppnådda"),
            yellow,
            count_sv(*red, "ej uppnått", "ej uppnådda"),
            if *without_status > 0 { format!(", {without_status} utan status") } else { String::new() },
            num(*mean_points)
        ),
        Explanation::NothingToRollUp { .. } => "Inget underliggande har någon status ännu.".into(),
        Explanation::Manual { label, .. } => format!("Manuell bedömning: {label}."),
    }
}

fn num(v: f64) -> String {
    let s = format!("{}", (v * 10000.0).round() / 10000.0);
    s.replace('.', ",")
}

#[cfg(test)]
mod tests {
    use super::*;
    use Direction::*;
    use Status::*;

    fn th(target: f64, tolerance: f64) -> Threshold {
        Threshold { target, yellow_limit: None, tolerance_kind: ToleranceKind::Percent, tolerance }
    }

    #[test]
    fn traffic_light_table() {
        let abs = |target, tol| Threshold { target, yellow_limit: None, tolerance_kind: ToleranceKind::Absolute, tolerance: tol };
        let explicit =
            |target, limit| Threshold { target, yellow_limit: Some(limit), tolerance_kind: ToleranceKind::Percent, tolerance: 10.0 };
        // (value, threshold, direction, expected)
        let cases: Vec<(f64, Threshold, Direction, Option<Status>)> = vec![
            (90.0, th(90.0, 10.0), Higher, Some(Green)), // exactly on target
            (95.0, th(90.0, 10.0), Higher, Some(Green)),
            (85.0, th(90.0, 10.0), Higher, Some(Yellow)), // within 10 %
            (81.0, th(90.0, 10.0), Higher, Some(Yellow)), // on the limit 81
            (80.9, th(90.0, 10.0), Higher, Some(Red)),
            (6.0, th(6.0, 10.0), Lower, Some(Green)),
            (5.0, th(6.0, 10.0), Lower, Some(Green)),
            (6.5, th(6.0, 10.0), Lower, Some(Yellow)), // limit 6.6
            (6.7, th(6.0, 10.0), Lower, Some(Red)),
            (3.0, abs(2.0, 1.5), Lower, Some(Yellow)), // limit 3.5
            (3.6, abs(2.0, 1.5), Lower, Some(Red)),
            (70.0, explicit(80.0, 60.0), Higher, Some(Yellow)),
            (59.0, explicit(80.0, 60.0), Higher, Some(Red)),
            (-1.0, th(0.0, 10.0), Higher, Some(Red)), // zero target: no band
            (0.0, th(0.0, 10.0), Higher, Some(Green)),
            (-5.0, th(-10.0, 10.0), Higher, Some(Green)), // negative targets (result kr/inv)
            (-10.5, th(-10.0, 10.0), Higher, Some(Yellow)),
            (-11.5, th(-10.0, 10.0), Higher, Some(Red)),
        ];
        for (value, threshold, direction, expected) in cases {
            let got = traffic_light(Some(value), Some(&threshold), direction);
            assert_eq!(got.status, expected, "value {value} {threshold:?} {direction:?}");
            assert!(!got.manual);
        }
    }

    #[test]
    fn explicit_limit_on_the_better_side_means_no_yellow_band() {
        let t = Threshold { target: 80.0, yellow_limit: Some(90.0), tolerance_kind: ToleranceKind::Percent, tolerance: 10.0 };
        assert_eq!(traffic_light(Some(79.0), Some(&t), Higher).status, Some(Red));
    }

    #[test]
    fn missing_value_or_target_gives_no_colour_and_says_why() {
        let none = traffic_light(None, Some(&th(5.0, 10.0)), Higher);
        assert_eq!((none.status, none.explanation), (None, Explanation::NoValue));
        let no_target = traffic_light(Some(4.0), None, Higher);
        assert_eq!(no_target.status, None);
        assert_eq!(no_target.explanation, Explanation::NoTarget { value: 4.0 });
    }

    #[test]
    fn red_explains_value_target_and_limit() {
        let v = traffic_light(Some(9.1), Some(&th(7.0, 10.0)), Lower);
        assert_eq!(v.status, Some(Red));
        match &v.explanation {
            Explanation::OutsideTolerance { value, target, yellow_limit, direction } => {
                assert_eq!((*value, *target, *direction), (9.1, 7.0, Lower));
                assert!((yellow_limit - 7.7).abs() < 1e-9);
            }
            other => panic!("unexpected {other:?}"),
        }
        let text = explain_sv(&v.explanation);
        assert!(text.contains("9,1") && text.contains("7,7") && text.contains("lägre är bättre"), "{text}");
    }

    #[test]
    fn roll_up_table() {
        let cases: Vec<(Vec<Option<Status>>, Option<Status>)> = vec![
            (vec![], None),
            (vec![None, None], None),
            (vec![Some(Green)], Some(Green)),
            (vec![Some(Green), Some(Red)], Some(Yellow)),                          // mean 1.0
            (vec![Some(Green), Some(Green), Some(Green), Some(Red)], Some(Green)), // 1.5
            (vec![Some(Green), Some(Green), Some(Red)], Some(Yellow)),             // 1.33
            (vec![Some(Yellow), Some(Red)], Some(Red)),                            // 0.5
            (vec![Some(Yellow), Some(Yellow), Some(Red), Some(Green)], Some(Yellow)),
            (vec![Some(Yellow), Some(Red), Some(Red), Some(Green)], Some(Yellow)), // 0.75
            (vec![Some(Red), None, None], Some(Red)),
            (vec![Some(Yellow)], Some(Yellow)),
        ];
        for (children, expected) in cases {
            assert_eq!(roll_up(children.clone()).status, expected, "{children:?}");
        }
    }

    #[test]
    fn roll_up_counts_what_it_used() {
        let v = roll_up([Some(Green), Some(Red), None]);
        assert_eq!(v.explanation, Explanation::RollUp { green: 1, yellow: 0, red: 1, without_status: 1, mean_points: 1.0 });
    }

    #[test]
    fn manual_assessment_overrides_and_is_marked() {
        let computed = roll_up([Some(Red)]);
        let v = with_manual(computed.clone(), Some((1, &crate::msg!("Uppfyllt", "Met"), Green)));
        assert_eq!(v.status, Some(Green));
        assert!(v.manual);
        assert_eq!(with_manual(computed.clone(), None), computed);
    }

    #[test]
    fn trend_table() {
        let cases = [
            (Some(8.0), Some(9.0), Lower, 1, Some(Trend::Better)),
            (Some(8.0), Some(9.0), Higher, 1, Some(Trend::Worse)),
            (Some(9.0), Some(8.0), Higher, 1, Some(Trend::Better)),
            (Some(8.04), Some(8.0), Higher, 1, Some(Trend::Unchanged)), // shows as 8,0 both
            (Some(8.06), Some(8.0), Higher, 1, Some(Trend::Better)),
            (Some(8.4), Some(8.0), Higher, 0, Some(Trend::Unchanged)),
            (None, Some(8.0), Higher, 1, None),
            (Some(8.0), None, Higher, 1, None),
        ];
        for (c, p, d, dec, expected) in cases {
            assert_eq!(trend(c, p, d, dec), expected, "{c:?} {p:?} {d:?} {dec}");
        }
    }
}
