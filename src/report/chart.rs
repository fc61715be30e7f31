//! Small trend charts: the scale (nice ticks, no negative axis for what cannot be
//! negative), the years placed by time, and one drawing routine over a [`Canvas`] that
//! both the PDF page and the PNG image (for Word) implement, so the two look alike.

use super::document::Chart;
use super::pdf_layout::Colour;
use crate::text::number_sv;

/// A value axis: from `lo` to `hi` with a tick every `step`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Scale {
    pub lo: f64,
    pub hi: f64,
    pub step: f64,
}

impl Scale {
    /// The tick values from `lo` to `hi`.
    pub fn ticks(&self) -> Vec<f64> {
        let n = ((self.hi - self.lo) / self.step).round() as i64;
        (0..=n.max(0)).map(|i| round_to_step(self.lo + i as f64 * self.step, self.step)).collect()
    }

    /// Decimals a tick label needs to show the step exactly (at most 3).
    pub fn decimals(&self) -> usize {
        (0..=3).find(|d| ((self.step * 10f64.powi(*d as i32)).round() - self.step * 10f64.powi(*d as i32)).abs() < 1e-6).unwrap_or(3)
    }
}

fn round_to_step(v: f64, step: f64) -> f64 {
    // Rid the tick of float noise (0.30000000000000004) without moving it.
    let digits = (-step.log10().floor() as i32 + 3).clamp(0, 12);
    let f = 10f64.powi(digits);
    let r = (v * f).round() / f;
    if r == 0.0 {
        0.0
    } else {
        r
    }
}

/// 1, 2, 2.5 or 5 times a power of ten, the smallest at least `raw`.
fn nice_step(raw: f64) -> f64 {
    if !(raw.is_finite() && raw > 0.0) {
        return 1.0;
    }
    let power = 10f64.powf(raw.log10().floor());
    let fraction = raw / power;
    let nice = if fraction <= 1.0 + 1e-9 {
        1.0
    } else if fraction <= 2.0 + 1e-9 {
        2.0
    } else if fraction <= 2.5 + 1e-9 {
        2.5
    } else if fraction <= 5.0 + 1e-9 {
        5.0
    } else {
        10.0
    };
    nice * power
}

/// A scale that holds every value with round ticks (about `ticks` of them, at least 3),
/// never below zero when no value is below zero (counts, amounts and shares cannot be
/// negative, and an axis saying −2 for a count misleads).
pub(crate) fn nice_scale(values: &[f64], ticks: usize) -> Scale {
    let finite: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    let (mut min, mut max) = finite.iter().fold((f64::MAX, f64::MIN), |(lo, hi), v| (lo.min(*v), hi.max(*v)));
    if finite.is_empty() {
        (min, max) = (0.0, 1.0);
    }
    let non_negative = min >= 0.0;
    if (max - min).abs() < 1e-9 {
        // One value: a band around it (from zero when it is small and not negative).
        let pad = if max.abs() < 1e-9 { 1.0 } else { max.abs() * 0.1 };
        min -= pad;
        max += pad;
    }
    if non_negative {
        min = min.max(0.0);
    }
    let intervals = ticks.max(3) - 1;
    let mut step = nice_step((max - min) / intervals as f64);
    let mut lo = (min / step).floor() * step;
    let mut hi = (max / step).ceil() * step;
    // Too many ticks after rounding outwards: the next nice step.
    while ((hi - lo) / step).round() as usize > intervals + 1 {
        step = nice_step(step * 1.01);
        lo = (min / step).floor() * step;
        hi = (max / step).ceil() * step;
    }
    if non_negative && lo < 0.0 {
        lo = 0.0;
    }
    Scale { lo: round_to_step(lo, step), hi: round_to_step(hi, step), step }
}

/// The years on the time axis: every year from the first to the last with a value or
/// target, so a year without a value is a gap at its place, not squeezed out.
pub(crate) fn year_span(chart: &Chart) -> (i32, i32) {
    let years = chart.points.iter().map(|p| p.0).chain(chart.targets.iter().map(|t| t.0));
    let first = years.clone().min().unwrap_or(0);
    let last = years.max().unwrap_or(first);
    (first, last)
}

/// Runs of consecutive years: the value line is drawn within a run, never across a gap.
pub(crate) fn runs(points: &[(i32, f64)]) -> Vec<Vec<(i32, f64)>> {
    let mut out: Vec<Vec<(i32, f64)>> = Vec::new();
    for p in points {
        match out.last_mut() {
            Some(run) if run.last().is_some_and(|l| p.0 == l.0 + 1) => run.push(*p),
            _ => out.push(vec![*p]),
        }
    }
    out
}

/// Which years get a label: all when they fit, else every second (or more), always the last.
pub(crate) fn labelled_years(first: i32, last: i32, room: f32, label_width: f32) -> Vec<i32> {
    let n = (last - first + 1).max(1) as usize;
    let fits = ((room / label_width.max(1.0)).floor() as usize).max(2);
    let every = n.div_ceil(fits).max(1) as i32;
    let mut years: Vec<i32> = (first..=last).filter(|y| (last - y) % every == 0).collect();
    years.sort();
    years
}

/// What a chart is drawn on: a PDF page or a bitmap. Coordinates in points from the
/// top-left corner.
pub(crate) trait Canvas {
    fn text_width(&self, text: &str, size: f32, bold: bool) -> f32;
    fn wrap(&self, text: &str, size: f32, bold: bool, width: f32) -> Vec<String>;
    #[allow(clippy::too_many_arguments)]
    fn text(&mut self, x: f32, baseline: f32, size: f32, bold: bool, colour: Colour, text: &str);
    fn polyline(&mut self, points: &[(f32, f32)], width: f32, colour: Colour, dash: Option<&[f32]>);
    fn stroke_rect(&mut self, x: f32, top: f32, w: f32, h: f32, width: f32, colour: Colour);
    fn dot(&mut self, cx: f32, cy: f32, r: f32, colour: Colour);
    fn fill_rect(&mut self, x: f32, top: f32, w: f32, h: f32, colour: Colour);
}

const TITLE_SIZE: f32 = 7.0;
const LABEL_SIZE: f32 = 6.0;

/// The title's lines: wrapped whole, never cut; a long title gets a smaller size first.
pub(crate) fn title_lines(canvas: &dyn Canvas, title: &str, width: f32) -> (f32, Vec<String>) {
    let lines = canvas.wrap(title, TITLE_SIZE, true, width);
    if lines.len() <= 2 {
        return (TITLE_SIZE, lines);
    }
    let size = TITLE_SIZE * 0.86;
    (size, canvas.wrap(title, size, true, width))
}

/// A small line chart in the box (x, top, w, h): the values over the years, the target as
/// a dashed line, a value axis with round ticks, the years by time.
pub(crate) fn draw(canvas: &mut dyn Canvas, x: f32, top: f32, w: f32, h: f32, chart: &Chart, accent: Colour) {
    canvas.stroke_rect(x, top, w, h, 0.5, Colour::LIGHT_GREY);
    let (title_size, title) = title_lines(canvas, &chart.title, w - 8.0);
    let title_line = title_size * 1.2;
    for (i, l) in title.iter().enumerate() {
        canvas.text(x + 4.0, top + 4.0 + title_size + i as f32 * title_line, title_size, true, Colour::BLACK, l);
    }
    let (first_year, last_year) = year_span(chart);
    let values: Vec<f64> = chart.points.iter().map(|p| p.1).chain(chart.targets.iter().map(|t| t.1)).collect();
    let plot_top = top + 8.0 + title.len() as f32 * title_line;
    let plot_bottom = top + h - 22.0;
    let plot_h = (plot_bottom - plot_top).max(10.0);
    // About one tick per 14 pt of height, 3 to 5 of them.
    let scale = nice_scale(&values, ((plot_h / 14.0).floor() as usize).clamp(3, 5));
    let d = scale.decimals();
    let ticks = scale.ticks();
    let labels: Vec<String> = ticks.iter().map(|t| number_sv(*t, d)).collect();
    let axis_w = labels.iter().map(|l| canvas.text_width(l, LABEL_SIZE, false)).fold(0.0, f32::max) + 4.0;
    let plot_x = x + 4.0 + axis_w;
    let plot_w = w - (plot_x - x) - 8.0;
    let span = (last_year - first_year).max(0);
    let px = |year: i32| {
        if span == 0 {
            plot_x + plot_w / 2.0
        } else {
            plot_x + plot_w * (year - first_year) as f32 / span as f32
        }
    };
    let range = (scale.hi - scale.lo).max(1e-9);
    let py = |v: f64| plot_bottom - ((v - scale.lo) / range) as f32 * plot_h;

    // Grid lines at the ticks, the axis labels beside them.
    for (t, label) in ticks.iter().zip(&labels) {
        let y = py(*t);
        let colour = if (*t - scale.lo).abs() < 1e-9 { Colour::GREY } else { Colour::LIGHT_GREY.lighten(0.4) };
        canvas.polyline(&[(plot_x, y), (plot_x + plot_w, y)], 0.4, colour, None);
        let lw = canvas.text_width(label, LABEL_SIZE, false);
        canvas.text(plot_x - 3.0 - lw, y + LABEL_SIZE * 0.35, LABEL_SIZE, false, Colour::GREY, label);
    }
    canvas.polyline(&[(plot_x, plot_top), (plot_x, plot_bottom)], 0.4, Colour::GREY, None);
    let long = span + 1 > 5;
    let label_of = |y: i32| if long { format!("{:02}", y.rem_euclid(100)) } else { y.to_string() };
    let label_w = canvas.text_width(&label_of(last_year), LABEL_SIZE, false) + 4.0;
    for y in labelled_years(first_year, last_year, plot_w + label_w, label_w) {
        let label = label_of(y);
        let lw = canvas.text_width(&label, LABEL_SIZE, false);
        canvas.text(px(y) - lw / 2.0, plot_bottom + 8.0, LABEL_SIZE, false, Colour::GREY, &label);
    }
    // The target: dashed within runs of years, a short dash for a lone year.
    for run in runs(&chart.targets) {
        let pts: Vec<(f32, f32)> = run.iter().map(|(y, t)| (px(*y), py(*t))).collect();
        if pts.len() >= 2 {
            canvas.polyline(&pts, 1.0, Colour::GREY, Some(&[3.0, 2.0]));
        } else if let Some((cx, cy)) = pts.first() {
            canvas.polyline(&[(cx - 8.0, *cy), (cx + 8.0, *cy)], 1.0, Colour::GREY, Some(&[3.0, 2.0]));
        }
    }
    for run in runs(&chart.points) {
        let pts: Vec<(f32, f32)> = run.iter().map(|(y, v)| (px(*y), py(*v))).collect();
        canvas.polyline(&pts, 1.4, accent, None);
        for (cx, cy) in &pts {
            canvas.dot(*cx, *cy, 1.8, accent);
        }
    }
    // Legend (and which part of the year the last value covers).
    let ly = top + h - 5.0;
    canvas.polyline(&[(x + 4.0, ly - 2.0), (x + 14.0, ly - 2.0)], 1.4, accent, None);
    canvas.text(x + 16.0, ly, LABEL_SIZE, false, Colour::GREY, "utfall");
    let mx = x + 18.0 + canvas.text_width("utfall", LABEL_SIZE, false) + 6.0;
    canvas.polyline(&[(mx, ly - 2.0), (mx + 10.0, ly - 2.0)], 1.0, Colour::GREY, Some(&[3.0, 2.0]));
    canvas.text(mx + 12.0, ly, LABEL_SIZE, false, Colour::GREY, "mål");
    let mut right = String::new();
    if !chart.unit.is_empty() {
        right.push_str(&chart.unit);
    }
    if let Some(p) = &chart.partial_label {
        if !right.is_empty() {
            right.push_str(" · ");
        }
        right.push_str(p);
    }
    if !right.is_empty() {
        let rw = canvas.text_width(&right, LABEL_SIZE, false);
        canvas.text(x + w - 4.0 - rw, ly, LABEL_SIZE, false, Colour::GREY, &right);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round_and_several() {
        let s = nice_scale(&[7.2, 8.4, 9.1], 5);
        let t = s.ticks();
        assert!(t.len() >= 3, "{t:?}");
        assert!(s.lo <= 7.2 && s.hi >= 9.1, "{s:?}");
        for v in &t {
            assert!(((v / s.step).round() * s.step - v).abs() < 1e-9, "{v} is a multiple of {}", s.step);
        }
        assert!([0.1, 0.2, 0.25, 0.5, 1.0].contains(&s.step), "{s:?}");
        let s = nice_scale(&[15104.0, 15212.0, 15200.0], 4);
        assert!(s.ticks().iter().all(|t| t % 10.0 == 0.0), "{:?}", s.ticks());
    }

    #[test]
    fn counts_never_get_a_negative_axis() {
        // A count of 0, 1 and 2: the old scale padded below to −0,2 and showed −2 for some.
        for values in [vec![0.0, 1.0, 2.0], vec![0.0, 0.0], vec![3.0], vec![0.0, 0.1]] {
            let s = nice_scale(&values, 4);
            assert!(s.lo >= 0.0, "{values:?}: {s:?}");
            assert!(s.ticks().iter().all(|t| *t >= 0.0));
            assert!(s.hi >= values.iter().cloned().fold(0.0, f64::max));
        }
        // A value below zero keeps its room below zero.
        let s = nice_scale(&[-3.2, 1.5], 4);
        assert!(s.lo <= -3.2 && s.hi >= 1.5, "{s:?}");
    }

    #[test]
    fn tick_labels_have_the_decimals_the_step_needs() {
        assert_eq!(Scale { lo: 0.0, hi: 10.0, step: 2.5 }.decimals(), 1);
        assert_eq!(Scale { lo: 0.0, hi: 10.0, step: 5.0 }.decimals(), 0);
        assert_eq!(Scale { lo: 0.0, hi: 1.0, step: 0.25 }.decimals(), 2);
        assert_eq!(Scale { lo: 0.0, hi: 0.6, step: 0.2 }.ticks(), vec![0.0, 0.2, 0.4, 0.6]);
    }

    #[test]
    fn years_are_placed_by_time_and_gaps_stay_gaps() {
        let chart = Chart {
            title: "t".into(),
            unit: "%".into(),
            decimals: 1,
            points: vec![(2020, 1.0), (2021, 2.0), (2024, 3.0), (2025, 4.0)],
            targets: vec![(2026, 5.0)],
            partial_label: None,
        };
        assert_eq!(year_span(&chart), (2020, 2026));
        let r = runs(&chart.points);
        assert_eq!(r.len(), 2, "2022 and 2023 are missing: the line breaks there");
        assert_eq!(r[0], vec![(2020, 1.0), (2021, 2.0)]);
        // Labels: all when they fit, every second when not, always the last year.
        assert_eq!(labelled_years(2022, 2025, 200.0, 20.0), vec![2022, 2023, 2024, 2025]);
        let few = labelled_years(2015, 2026, 60.0, 20.0);
        assert!(few.contains(&2026) && few.len() <= 4, "{few:?}");
    }
}
