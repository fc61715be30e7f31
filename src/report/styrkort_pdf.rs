//! The styrkort page for the arbetsplatsträff: one A4 landscape page per unit and period
//! with the vision, four perspective quadrants (goals with their assessment, indicators
//! with value, target, status and trend) and the unit's activities.
//!
//! Only perspectives with goals get a box (the others are named in one line at the foot),
//! so those shown get the room; with an odd number the last one spans the page's width.
//! Each goal says what it contributes to ("Bidrar till") and what is being done now (its
//! open activities, else a sentence of the period's analysis). Text is 10 pt, 9,5 pt or at
//! least 9 pt; what does not fit at 9 pt continues on another page marked "Fortsättning
//! från föregående sida", so nothing is ever cut off silently or shrunk past reading.

use std::collections::VecDeque;

use chrono::NaiveDate;

use super::pdf_layout::{Align, Colour, Document, FontSet, Metadata, Page, PlacedImage, Weight, A4_LONG, A4_SHORT};
use super::settings::ReportSettings;
use super::{activity_colour, date_sv, state_sv, status_colour, status_symbol, status_word, trend_arrow, value_text};
use crate::error::Result;
use crate::model::Status;
use crate::scorecard::{self, ActivityRow, GoalCard, IndicatorCard, PerspectiveCard, Scorecard};
use crate::store::Store;

const MARGIN: f32 = 28.0;
const GAP: f32 = 8.0;
const PAD: f32 = 5.0;
/// Body text sizes tried, largest first; never below 9 pt.
const SIZES: [f32; 3] = [10.0, 9.5, 9.0];
/// Share of the body the activities may take before the rest continues on a new page.
const MAX_ACTIVITY_SHARE: f32 = 0.34;
const CONTINUED: &str = "Fortsättning från föregående sida";

/// The styrkort PDF of each unit in `unit_ids` (one page each, more when needed) for
/// `year` and `period_id`. `today` is printed as the date the report was made.
pub fn styrkort_pdf(store: &Store, unit_ids: &[i64], year: i32, period_id: i64, today: NaiveDate) -> Result<Vec<u8>> {
    let settings = ReportSettings::load(store)?;
    let cards = unit_ids.iter().map(|id| scorecard::build(store, *id, year, Some(period_id), today)).collect::<Result<Vec<_>>>()?;
    let period_name = cards.first().map(|c| c.period.name.clone()).unwrap_or_default();
    let title = match cards.as_slice() {
        [one] => format!("Styrkort – {} – {}", one.unit.name, period_name),
        _ => format!("Styrkort – {} – {}", settings.municipality_name, period_name),
    };
    let mut doc = Document::new(Metadata {
        title,
        author: settings.municipality_name.clone(),
        subject: format!("Styrkort för arbetsplatsträff, {period_name}"),
        keywords: ["styrkort".to_string(), period_name.clone()].into_iter().chain(cards.iter().map(|c| c.unit.name.clone())).collect(),
        date: today,
        language: Some("sv-SE".into()),
    })?;
    let logo = settings.logo_bytes().and_then(|b| doc.add_image(&b));
    for card in &cards {
        let missions = crate::unit_missions::view(store, card.unit.id, year, Some(card.period.id))?;
        let band = mission_band(&doc.fonts, &missions, A4_LONG - 2.0 * MARGIN);
        let pages = layout_card(&doc.fonts, &settings, logo.as_ref(), card, &band, today);
        doc.pages.extend(pages);
    }
    doc.finish(&settings.footer_text, MARGIN)
}

/// One row inside a quadrant or the activity area.
enum RowKind<'a> {
    GoalTitle {
        goal: &'a GoalCard,
        lines: Vec<String>,
    },
    Assessment {
        lines: Vec<Vec<Piece>>,
    },
    Indicator {
        ind: &'a IndicatorCard,
        name: Vec<String>,
        /// Women's and men's values, under the name, where the data has them.
        genders: Option<String>,
        value: Vec<String>,
        target: Vec<String>,
        note: Option<String>,
        /// The target's year when it is not the period's ("(mål 2025)").
        target_note: Option<String>,
    },
    Note(Vec<String>),
    Activities {
        left: &'a ActivityRow,
        right: Option<&'a ActivityRow>,
        lines: [Vec<String>; 2],
    },
}

struct Row<'a> {
    height: f32,
    /// Do not end a page after this row (a goal's title stays with what follows).
    keep_with_next: bool,
    kind: RowKind<'a>,
}

/// A coloured piece of a line.
#[derive(Clone)]
struct Piece {
    text: String,
    weight: Weight,
    colour: Colour,
}

/// Columns of the indicator rows inside a quadrant, measured from its left edge.
struct Columns {
    name_x: f32,
    name_w: f32,
    value_x: f32,
    value_w: f32,
    target_x: f32,
    target_w: f32,
    status_x: f32,
    status_w: f32,
    trend_x: f32,
    trend_w: f32,
}

impl Columns {
    fn new(quad_w: f32) -> Self {
        let (trend_w, status_w, target_w, value_w) = (26.0, 34.0, 70.0, 76.0);
        let trend_x = quad_w - PAD - trend_w;
        let status_x = trend_x - status_w;
        let target_x = status_x - target_w;
        let value_x = target_x - value_w;
        let name_x = PAD + 12.0;
        Self { name_x, name_w: value_x - name_x - 4.0, value_x, value_w, target_x, target_w, status_x, status_w, trend_x, trend_w }
    }
}

fn line_h(size: f32) -> f32 {
    size * 1.32
}

fn quad_header_h(size: f32) -> f32 {
    size * 1.5 + 6.0
}

fn column_header_h(size: f32) -> f32 {
    line_h(size * 0.9) + 2.0
}

fn activity_header_h(size: f32) -> f32 {
    quad_header_h(size)
}

/// Lines of `text` wrapped to `width`, the first starting with `label` in bold.
fn labelled_lines(fonts: &FontSet, label: &str, text: &str, size: f32, width: f32, colour: Colour) -> Vec<Vec<Piece>> {
    let whole = format!("{label}: {text}");
    // The label is bold: leave room for what that adds to the first line.
    let label = format!("{label}:");
    let extra = fonts.width(&label, size, Weight::Bold) - fonts.width(&label, size, Weight::Regular);
    fonts
        .wrap(&whole, size, Weight::Regular, width - extra.max(0.0))
        .into_iter()
        .enumerate()
        .map(|(i, line)| match line.strip_prefix(&label).filter(|_| i == 0) {
            Some(rest) => vec![
                Piece { text: label.clone(), weight: Weight::Bold, colour },
                Piece { text: rest.to_string(), weight: Weight::Regular, colour },
            ],
            None => vec![Piece { text: line, weight: Weight::Regular, colour }],
        })
        .collect()
}

/// The goal rows of one perspective at text size `size`.
#[allow(clippy::too_many_arguments)]
fn perspective_rows<'a>(
    fonts: &FontSet,
    p: &'a PerspectiveCard,
    activities: &[ActivityRow],
    cols: &Columns,
    quad_w: f32,
    size: f32,
    value_label: &str,
    year: i32,
) -> Vec<Row<'a>> {
    let lh = line_h(size);
    let small = size * 0.85;
    let mut rows = Vec::new();
    let text_w = quad_w - PAD - cols.name_x;
    for goal in &p.goals {
        let title = if goal.code.is_empty() { goal.title.clone() } else { format!("{} {}", goal.code, goal.title) };
        let lines = fonts.wrap(&title, size, Weight::Bold, text_w);
        rows.push(Row { height: lines.len() as f32 * lh + size * 0.3, keep_with_next: true, kind: RowKind::GoalTitle { goal, lines } });
        if let Some(text) = crate::text::contributes_to_sv(goal) {
            let text = text.trim_start_matches("Bidrar till: ");
            let lines = labelled_lines(fonts, "Bidrar till", text, size, text_w, Colour::GREY);
            rows.push(Row { height: lines.len() as f32 * lh, keep_with_next: true, kind: RowKind::Assessment { lines } });
        }

        let assessment = assessment_lines(fonts, goal, size, text_w);
        let doing_now = crate::text::doing_now_sv(goal, activities);
        rows.push(Row {
            height: assessment.len() as f32 * lh,
            keep_with_next: !goal.indicators.is_empty() || doing_now.is_some(),
            kind: RowKind::Assessment { lines: assessment },
        });
        if let Some((label, text)) = doing_now {
            let lines = labelled_lines(fonts, label, &text, size, text_w, Colour::BLACK);
            rows.push(Row {
                height: lines.len() as f32 * lh,
                keep_with_next: !goal.indicators.is_empty(),
                kind: RowKind::Assessment { lines },
            });
        }
        for ind in &goal.indicators {
            let name = fonts.wrap(&ind.name, size, Weight::Regular, cols.name_w);
            let genders = crate::text::genders_sv(ind);
            let value = value_lines(fonts, ind.value, ind.decimals, &ind.unit, size, Weight::Bold, cols.value_w - 2.0);
            let target = value_lines(fonts, ind.target, ind.decimals, &ind.unit, size, Weight::Regular, cols.target_w - 2.0);
            // Which period the value is from, when it is not the chosen period's own, and
            // which year's target it is judged against, when not the plan year's.
            let note = ind.value_period.as_ref().filter(|p| !p.eq_ignore_ascii_case(value_label)).map(|p| format!("({p})"));
            let target_note = ind.target_year.filter(|y| *y != year).map(|y| format!("(mål {y})"));
            let value_lines = value.len() + usize::from(note.is_some());
            let target_lines = target.len() + usize::from(target_note.is_some());
            let name_h = name.len() as f32 * lh + if genders.is_some() { line_h(small) } else { 0.0 };
            let n = value_lines.max(target_lines) as f32 * lh;
            rows.push(Row {
                height: name_h.max(n) + 1.5,
                keep_with_next: false,
                kind: RowKind::Indicator { ind, name, genders, value, target, note, target_note },
            });
        }
        if let Some(last) = rows.last_mut() {
            last.height += size * 0.55;
        }
    }
    rows
}

/// A value with its unit on one line, or the unit on a line of its own when both do not fit.
#[allow(clippy::too_many_arguments)]
fn value_lines(fonts: &FontSet, value: Option<f64>, decimals: i32, unit: &str, size: f32, weight: Weight, width: f32) -> Vec<String> {
    let whole = value_text(value, decimals, unit);
    if value.is_none() || unit.trim().is_empty() || fonts.width(&whole, size, weight) <= width {
        return fonts.wrap(&whole, size, weight, width);
    }
    let mut lines = fonts.wrap(&value_text(value, decimals, ""), size, weight, width);
    lines.extend(fonts.wrap(unit.trim(), size, weight, width));
    lines
}

/// "Bedömning: ▲ Delvis uppfyllt (godkänd) · beräknat ■ Ej uppnått", split over lines if needed.
fn assessment_lines(fonts: &FontSet, goal: &GoalCard, size: f32, width: f32) -> Vec<Vec<Piece>> {
    let grey = Colour::GREY;
    let piece = |text: &str, weight: Weight, colour: Colour| Piece { text: text.to_string(), weight, colour };
    let mut first = vec![piece("Bedömning: ", Weight::Regular, grey)];
    match goal.assessment.as_ref().and_then(|a| a.label.clone().map(|l| (a, l))) {
        Some((a, label)) => {
            let colour = a.colour.as_deref().and_then(Colour::parse_hex).unwrap_or(status_colour(goal.status.status));
            first.push(piece(status_symbol(goal.status.status), Weight::Regular, colour));
            first.push(piece(&format!(" {label}"), Weight::Bold, Colour::BLACK));
            first.push(piece(&format!(" ({})", state_sv(a.state)), Weight::Regular, grey));
        }
        None => first.push(piece("ej bedömd", Weight::Regular, Colour::BLACK)),
    }
    let computed = vec![
        piece(if goal.status.manual { "beräknat " } else { " · beräknat " }, Weight::Regular, grey),
        piece(status_symbol(goal.computed.status), Weight::Regular, status_colour(goal.computed.status)),
        piece(&format!(" {}", status_word(goal.computed.status)), Weight::Regular, Colour::BLACK),
    ];
    let w = |ps: &[Piece]| ps.iter().map(|p| fonts.width(&p.text, size, p.weight)).sum::<f32>();
    if goal.status.manual {
        let sep = piece(" · ", Weight::Regular, grey);
        if w(&first) + w(std::slice::from_ref(&sep)) + w(&computed) <= width {
            first.push(sep);
            first.extend(computed);
            vec![first]
        } else {
            vec![first, computed]
        }
    } else {
        // No manual assessment: the computed status is the one shown.
        let mut line = vec![piece("Bedömning: ", Weight::Regular, grey), piece("ej bedömd", Weight::Regular, Colour::BLACK)];
        let mut rest = computed;
        if let Some(p) = rest.first_mut() {
            p.text = " · beräknat ".to_string();
        }
        if w(&line) + w(&rest) <= width {
            line.extend(rest);
            vec![line]
        } else {
            if let Some(p) = rest.first_mut() {
                p.text = "beräknat ".to_string();
            }
            vec![line, rest]
        }
    }
}

fn activity_text(a: &ActivityRow) -> String {
    let mut text = a.title.clone();
    let mut extra = Vec::new();
    let responsible = a.responsible.trim();
    if !responsible.is_empty() {
        // A name, not an essay: keep the row to a few lines.
        let short: String = responsible.chars().take(120).collect();
        extra.push(if short.len() < responsible.len() { format!("{short}…") } else { short });
    }
    if let Some(end) = &a.end_date {
        extra.push(format!("t.o.m. {end}"));
    }
    if !a.goal_codes.is_empty() {
        extra.push(format!("mål {}", a.goal_codes.join(", ")));
    }
    if !extra.is_empty() {
        text.push_str(&format!(" ({})", extra.join(", ")));
    }
    text
}

const ACTIVITY_STATUS_W: f32 = 66.0;

fn activity_rows<'a>(fonts: &FontSet, activities: &'a [ActivityRow], col_w: f32, size: f32) -> Vec<Row<'a>> {
    let lh = line_h(size);
    let text_w = col_w - ACTIVITY_STATUS_W - 2.0 * PAD;
    activities
        .chunks(2)
        .map(|pair| {
            let left = fonts.wrap(&activity_text(&pair[0]), size, Weight::Regular, text_w);
            let right = pair.get(1).map(|a| fonts.wrap(&activity_text(a), size, Weight::Regular, text_w)).unwrap_or_default();
            let n = left.len().max(right.len()).max(1);
            Row {
                height: n as f32 * lh + 2.0,
                keep_with_next: false,
                kind: RowKind::Activities { left: &pair[0], right: pair.get(1), lines: [left, right] },
            }
        })
        .collect()
}

/// Take from the front of `queue` the rows that fit in `capacity`, keeping a goal's title
/// with the rows it must stay with. An empty box always takes at least one row, so the
/// queue always shrinks; a group taller than a whole box is split row by row.
fn take_rows<'a>(queue: &mut VecDeque<Row<'a>>, capacity: f32) -> Vec<Row<'a>> {
    let mut taken: Vec<Row<'a>> = Vec::new();
    let mut used = 0.0f32;
    // Set while a group too tall for any box is being split: then rows go one by one.
    let mut splitting = false;
    while let Some(front) = queue.front() {
        if splitting {
            if used + front.height > capacity + 0.01 && !taken.is_empty() {
                break;
            }
            splitting = front.keep_with_next;
            if let Some(row) = queue.pop_front() {
                used += row.height;
                taken.push(row);
            }
            continue;
        }
        // The next group: rows up to and including the first that need not stay with the next.
        let mut group_len = 0;
        let mut group_h = 0.0;
        for row in queue.iter() {
            group_len += 1;
            group_h += row.height;
            if !row.keep_with_next {
                break;
            }
        }
        // A little slack: heights summed in another order may differ in the last bits.
        if used + group_h <= capacity + 0.01 {
            for _ in 0..group_len {
                if let Some(row) = queue.pop_front() {
                    taken.push(row);
                }
            }
            used += group_h;
            continue;
        }
        // It does not fit: when an empty box would hold it, it waits for the next box;
        // otherwise it is split.
        if group_h <= capacity && !taken.is_empty() {
            break;
        }
        splitting = true;
    }
    taken
}

/// Share `available` height between rows of boxes that need `needs`: each gets what it
/// needs when all fit (the rest shared equally); otherwise small needs are met first and
/// the rest is shared among the others.
fn share_height(needs: &[f32], available: f32) -> Vec<f32> {
    let n = needs.len().max(1) as f32;
    let total: f32 = needs.iter().sum();
    if total <= available {
        let extra = (available - total) / n;
        return needs.iter().map(|h| h + extra).collect();
    }
    let mut heights = vec![0.0f32; needs.len()];
    let mut open: Vec<usize> = (0..needs.len()).collect();
    let mut left = available;
    loop {
        let share = left / open.len().max(1) as f32;
        let (small, big): (Vec<usize>, Vec<usize>) = open.iter().partition(|i| needs[**i] <= share);
        if small.is_empty() {
            for i in &big {
                heights[*i] = share;
            }
            return heights;
        }
        for i in small {
            heights[i] = needs[i];
            left -= needs[i];
        }
        open = big;
        if open.is_empty() {
            return heights;
        }
    }
}

/// One box on a page: a perspective's rows, where it stands and whether it goes on.
struct Slot<'a> {
    /// Index into the scorecard's perspectives; `None`: the box saying there are no goals.
    perspective: Option<usize>,
    rows: Vec<Row<'a>>,
    continues: bool,
    /// Left edge and top from the body's top-left corner, width and height.
    x: f32,
    top: f32,
    width: f32,
    height: f32,
    wide: bool,
}

/// What goes on one page of a unit's styrkort.
struct PagePlan<'a> {
    slots: Vec<Slot<'a>>,
    /// Activity rows on this page and the area's height (0: no area), at the body's foot.
    activities: Vec<Row<'a>>,
    activity_h: f32,
    activities_continue: bool,
}

/// The perspectives that have goals: only they get a box.
fn with_goals(card: &Scorecard) -> Vec<usize> {
    card.perspectives.iter().enumerate().filter(|(_, p)| !p.goals.is_empty()).map(|(i, _)| i).collect()
}

/// Put boxes that need `needs` into two columns, each keeping the perspectives' order:
/// of all ways (the first box always on the left), the one whose taller column needs least,
/// preferring the plain alternation (left, right, left, right) when it is as good.
fn two_columns(needs: &[(usize, f32)]) -> [Vec<usize>; 2] {
    let n = needs.len().min(12);
    let alternate: u32 = (0..n).filter(|k| k % 2 == 1).map(|k| 1 << k).sum();
    let tallest = |mask: u32| {
        let mut used = [0.0f32; 2];
        for (k, (_, need)) in needs.iter().enumerate().take(n) {
            used[((mask >> k) & 1) as usize] += need + GAP;
        }
        used[0].max(used[1])
    };
    let mut best = alternate;
    // Masks with bit 0 clear: the first box on the left.
    for mask in (0..(1u32 << n)).step_by(2) {
        if tallest(mask) + 0.5 < tallest(best) {
            best = mask;
        }
    }
    let mut columns: [Vec<usize>; 2] = [Vec::new(), Vec::new()];
    for (k, (i, _)) in needs.iter().enumerate() {
        let c = if k < n { ((best >> k) & 1) as usize } else { k % 2 };
        columns[c].push(*i);
    }
    columns
}

/// Plan the pages of a unit's styrkort at one text size.
#[allow(clippy::too_many_arguments)]
fn plan_pages<'a>(
    fonts: &FontSet,
    card: &'a Scorecard,
    cols: &Columns,
    wide_cols: &Columns,
    quad_w: f32,
    body_h: f32,
    size: f32,
    value_label: &str,
    show_activities: bool,
) -> Vec<PagePlan<'a>> {
    let inner_w = 2.0 * quad_w + GAP;
    let shown_at_all = with_goals(card);
    // One perspective with goals spans the width; more share two columns.
    let wide = shown_at_all.len() == 1;
    let mut queues: Vec<VecDeque<Row<'a>>> = card
        .perspectives
        .iter()
        .map(|p| {
            let (c, w) = if wide { (wide_cols, inner_w) } else { (cols, quad_w) };
            perspective_rows(fonts, p, &card.activities, c, w, size, value_label, card.year).into()
        })
        .collect();
    let mut act_queue: VecDeque<Row<'a>> =
        if show_activities { activity_rows(fonts, &card.activities, quad_w, size).into() } else { VecDeque::new() };
    let box_extra = quad_header_h(size) + column_header_h(size) + PAD;
    let act_extra = activity_header_h(size) + PAD;
    let mut pages = Vec::new();
    loop {
        let first = pages.is_empty();
        // Activities take what they need, up to their share of the page.
        let (activities, activity_h) = if !show_activities || (!first && act_queue.is_empty()) {
            (Vec::new(), 0.0)
        } else if card.activities.is_empty() {
            (Vec::new(), act_extra + line_h(size))
        } else {
            let cap = body_h * MAX_ACTIVITY_SHARE - act_extra;
            let rows = take_rows(&mut act_queue, cap);
            let h = rows.iter().map(|r| r.height).sum::<f32>() + act_extra;
            (rows, h)
        };
        let available = body_h - if activity_h > 0.0 { activity_h + GAP } else { 0.0 };
        let mut slots: Vec<Slot<'a>> = Vec::new();
        if shown_at_all.is_empty() {
            // No goals at all: one box that says so, and the activities.
            if first {
                let lines = fonts.wrap(
                    &format!("{} har inga egna mål för {}.", card.unit.name, card.year),
                    size,
                    Weight::Regular,
                    inner_w - 2.0 * PAD,
                );
                let h = lines.len() as f32 * line_h(size);
                let note = Row { height: h, keep_with_next: false, kind: RowKind::Note(lines) };
                slots.push(Slot {
                    perspective: None,
                    rows: vec![note],
                    continues: false,
                    x: 0.0,
                    top: 0.0,
                    width: inner_w,
                    height: (h + box_extra + PAD).min(available),
                    wide: true,
                });
            }
        } else if wide {
            let i = shown_at_all[0];
            if first || !queues[i].is_empty() {
                let rows = take_rows(&mut queues[i], available - box_extra);
                let continues = !queues[i].is_empty();
                slots.push(Slot { perspective: Some(i), rows, continues, x: 0.0, top: 0.0, width: inner_w, height: available, wide: true });
            }
        } else {
            let need = |q: &VecDeque<Row<'a>>| q.iter().map(|row| row.height).sum::<f32>() + box_extra;
            let shown: Vec<(usize, f32)> =
                shown_at_all.iter().filter(|i| first || !queues[**i].is_empty()).map(|i| (*i, need(&queues[*i]))).collect();
            let columns = two_columns(&shown);
            for (c, members) in columns.iter().enumerate() {
                let needs: Vec<f32> = members.iter().map(|i| need(&queues[*i])).collect();
                let room = available - GAP * (members.len().max(1) as f32 - 1.0);
                let heights = share_height(&needs, room);
                let mut top = 0.0;
                for (i, h) in members.iter().zip(heights) {
                    let rows = take_rows(&mut queues[*i], h - box_extra);
                    let x = c as f32 * (quad_w + GAP);
                    slots.push(Slot {
                        perspective: Some(*i),
                        rows,
                        continues: !queues[*i].is_empty(),
                        x,
                        top,
                        width: quad_w,
                        height: h,
                        wide: false,
                    });
                    top += h + GAP;
                }
            }
            // A perspective continuing alone on a page flows on into the right-hand box.
            if !first && shown.len() == 1 && !queues[shown[0].0].is_empty() {
                let i = shown[0].0;
                let rows = take_rows(&mut queues[i], available - box_extra);
                if let Some(left) = slots.first_mut() {
                    left.continues = false;
                }
                let continues = !queues[i].is_empty();
                slots.push(Slot {
                    perspective: Some(i),
                    rows,
                    continues,
                    x: quad_w + GAP,
                    top: 0.0,
                    width: quad_w,
                    height: available,
                    wide: false,
                });
            }
        }
        pages.push(PagePlan { slots, activities, activity_h, activities_continue: !act_queue.is_empty() });
        if queues.iter().all(|q| q.is_empty()) && act_queue.is_empty() {
            return pages;
        }
    }
}

fn header_height(fonts: &FontSet, card: &Scorecard, width: f32) -> (f32, Vec<String>, f32) {
    // Title block, then the vision band: two lines, shrinking to 6,5 pt, at most six.
    let title_h = 50.0;
    let mut vision_size = 8.0;
    let text = if card.vision.trim().is_empty() { String::new() } else { format!("Vision: {}", card.vision.trim()) };
    let room = width - 2.0 * PAD;
    let mut lines = fonts.wrap(&text, vision_size, Weight::Regular, room);
    while lines.len() > 2 && vision_size > 6.5 {
        vision_size -= 0.5;
        lines = fonts.wrap(&text, vision_size, Weight::Regular, room);
    }
    if lines.len() > 6 {
        // Say so rather than cut silently.
        lines.truncate(6);
        let suffix = " … (förkortad, se planen)";
        if let Some(last) = lines.last_mut() {
            while !last.is_empty() && fonts.width(&format!("{last}{suffix}"), vision_size, Weight::Regular) > room {
                last.pop();
            }
            last.push_str(suffix);
        }
    }
    let vision_h = if text.is_empty() { 0.0 } else { lines.len() as f32 * line_h(vision_size) + 6.0 };
    (title_h + vision_h + GAP, lines, vision_size)
}

/// "Inga mål i perspektiven Ekonomi och Medarbetare för 2026." when some have none.
fn empty_perspectives_line(card: &Scorecard) -> Option<String> {
    let names: Vec<&str> = card.perspectives.iter().filter(|p| p.goals.is_empty()).map(|p| p.name.as_str()).collect();
    if names.is_empty() || names.len() == card.perspectives.len() {
        return None;
    }
    let list = match names.as_slice() {
        [one] => return Some(format!("Inga mål i perspektivet {one} för {}.", card.year)),
        [rest @ .., last] => format!("{} och {last}", rest.join(", ")),
        [] => return None,
    };
    Some(format!("Inga mål i perspektiven {list} för {}.", card.year))
}

fn layout_card(
    fonts: &FontSet,
    settings: &ReportSettings,
    logo: Option<&PlacedImage>,
    card: &Scorecard,
    band: &MissionBand,
    today: NaiveDate,
) -> Vec<Page> {
    let (width, height) = (A4_LONG, A4_SHORT);
    let inner_w = width - 2.0 * MARGIN;
    let (head_h, vision_lines, vision_size) = header_height(fonts, card, inner_w);
    let band_top = MARGIN + head_h - GAP;
    let head_h = head_h + if band.height > 0.0 { band.height + GAP } else { 0.0 };
    let body_top = MARGIN + head_h;
    let empty_line = empty_perspectives_line(card);
    let legend_h = if empty_line.is_some() { 26.0 } else { 14.0 };
    let body_h = height - MARGIN - legend_h - body_top;
    let quad_w = (inner_w - GAP) / 2.0;
    let cols = Columns::new(quad_w);
    let wide_cols = Columns::new(inner_w);
    let value_label = card.period.label();
    let show_activities = settings.sections.activities;

    // The largest text size at which everything fits on one page; else the smallest (9 pt),
    // continued on as many pages as it takes.
    let mut chosen = (SIZES[SIZES.len() - 1], Vec::new());
    for &size in &SIZES {
        let plan = plan_pages(fonts, card, &cols, &wide_cols, quad_w, body_h, size, &value_label, show_activities);
        let single = plan.len() == 1;
        chosen = (size, plan);
        if single {
            break;
        }
    }
    let (size, plan) = chosen;
    let n_pages = plan.len();
    let mut pages = Vec::new();
    for (k, p) in plan.into_iter().enumerate() {
        let mut page = Page::new(width, height);
        draw_header(&mut page, fonts, settings, logo, card, today, &vision_lines, vision_size, k > 0, k + 1 < n_pages);
        draw_mission_band(&mut page, fonts, settings, band, band_top + GAP);
        for slot in p.slots {
            let (name, status) = match slot.perspective.and_then(|i| card.perspectives.get(i)) {
                Some(persp) => (persp.name.clone(), persp.status.status),
                None => ("Mål".to_string(), None),
            };
            let c = if slot.wide { &wide_cols } else { &cols };
            let place = BoxPlace { x: MARGIN + slot.x, top: body_top + slot.top, width: slot.width, height: slot.height };
            draw_quadrant(&mut page, fonts, settings, c, &name, status, slot.rows, place, size, k > 0, slot.continues);
        }
        if p.activity_h > 0.0 {
            let top = body_top + body_h - p.activity_h;
            draw_activities(
                &mut page,
                fonts,
                settings,
                card,
                p.activities,
                MARGIN,
                top,
                inner_w,
                p.activity_h,
                size,
                k > 0,
                p.activities_continue,
            );
        }
        if let Some(line) = &empty_line {
            page.text(fonts, MARGIN, height - MARGIN - 14.0, 8.5, Weight::Regular, Colour::GREY, line);
        }
        draw_legend(&mut page, fonts, height - MARGIN - 2.0);
        pages.push(page);
    }
    pages
}

/// The unit's grunduppdrag and tjänstegarantier under the vision: what the workplace meeting
/// talks about besides the goals. A guarantee's follow-up is its own meaning (kept or not,
/// ✓ Hölls / ✗ Hölls inte / – Inte uppföljd), shown in words and symbols, not in the target
/// status colours.
struct MissionBand {
    /// Lines of pieces (x offset, text, weight).
    lines: Vec<Vec<(f32, String, Weight)>>,
    size: f32,
    height: f32,
}

/// At most this many lines for the grunduppdrag and for the guarantees, so the goals keep
/// their room; what is cut says so.
const MISSION_LINES: usize = 3;
const GUARANTEE_LINES: usize = 8;

fn mission_band(fonts: &FontSet, v: &crate::unit_missions::UnitMissionView, width: f32) -> MissionBand {
    use super::pdf_layout::Span;
    let size = 8.0;
    let room = width - 2.0 * PAD;
    let mut lines = Vec::new();
    if !v.mission.trim().is_empty() {
        let spans = [
            Span { text: "Grunduppdrag: ".into(), weight: Weight::Bold },
            Span { text: v.mission.split_whitespace().collect::<Vec<_>>().join(" "), weight: Weight::Regular },
        ];
        let mut m = fonts.wrap_spans(&spans, size, room);
        if m.len() > MISSION_LINES {
            m.truncate(MISSION_LINES);
            if let Some(last) = m.last_mut() {
                append(fonts, size, last, " … (förkortat, se planen)");
            }
        }
        lines.extend(m);
    }
    if !v.guarantees.is_empty() {
        let head = match &v.period_name {
            Some(p) => format!("Tjänstegarantier – hölls de under {}?", p.to_lowercase()),
            None => "Tjänstegarantier".to_string(),
        };
        lines.push(vec![(0.0, head, Weight::Bold)]);
        let mut g_lines = Vec::new();
        for g in &v.guarantees {
            let word = match &g.follow_up {
                Some(f) => crate::unit_missions::outcome_sv(f.kept),
                None => "– Inte uppföljd",
            };
            let mut text = g.promise.clone();
            if let Some(f) = g.follow_up.as_ref().filter(|f| !f.comment.trim().is_empty()) {
                text.push_str(&format!(" ({})", f.comment.trim()));
            }
            let spans = [Span { text: format!("{word}  "), weight: Weight::Bold }, Span { text, weight: Weight::Regular }];
            let mut w = fonts.wrap_spans(&spans, size, room);
            if w.len() > 2 {
                w.truncate(2);
                if let Some(last) = w.last_mut() {
                    append(fonts, size, last, " …");
                }
            }
            g_lines.extend(w);
        }
        if g_lines.len() > GUARANTEE_LINES {
            g_lines.truncate(GUARANTEE_LINES - 1);
            g_lines.push(vec![(0.0, "… fler tjänstegarantier i planen".into(), Weight::Regular)]);
        }
        lines.extend(g_lines);
    }
    let height = if lines.is_empty() { 0.0 } else { lines.len() as f32 * line_h(size) + 6.0 };
    MissionBand { lines, size, height }
}

/// Add `text` at the end of a wrapped line (it may run a little past the wrap width: only
/// the marks that say something was cut).
fn append(fonts: &FontSet, size: f32, line: &mut Vec<(f32, String, Weight)>, text: &str) {
    let end = line.last().map(|(x, t, w)| x + fonts.width(t, size, *w)).unwrap_or(0.0);
    line.push((end, text.to_string(), Weight::Regular));
}

fn draw_mission_band(page: &mut Page, fonts: &FontSet, settings: &ReportSettings, band: &MissionBand, top: f32) {
    if band.lines.is_empty() {
        return;
    }
    let inner_w = page.width - 2.0 * MARGIN;
    page.fill_rect(MARGIN, top, inner_w, band.height, settings.primary().lighten(0.95));
    for (i, line) in band.lines.iter().enumerate() {
        let baseline = top + 3.0 + (i as f32 + 1.0) * line_h(band.size) - band.size * 0.3;
        for (x, text, weight) in line {
            page.text(fonts, MARGIN + PAD + x, baseline, band.size, *weight, Colour::BLACK, text);
        }
    }
}

/// Where a box is drawn.
struct BoxPlace {
    x: f32,
    top: f32,
    width: f32,
    height: f32,
}

#[allow(clippy::too_many_arguments)]
fn draw_header(
    page: &mut Page,
    fonts: &FontSet,
    settings: &ReportSettings,
    logo: Option<&PlacedImage>,
    card: &Scorecard,
    today: NaiveDate,
    vision_lines: &[String],
    vision_size: f32,
    continued: bool,
    continues: bool,
) {
    let primary = settings.primary();
    let inner_w = page.width - 2.0 * MARGIN;
    let mut x = MARGIN;
    if let Some(img) = logo {
        let used = page.image(img, MARGIN, MARGIN, 120.0, 42.0);
        x += used + 12.0;
    }
    let right_w = 230.0;
    let title_w = page.width - MARGIN - right_w - x;
    page.text(fonts, x, MARGIN + 9.0, 9.0, Weight::Regular, Colour::GREY, &settings.municipality_name);
    let title = format!("Styrkort – {}", card.unit.name);
    let mut size = 17.0;
    while fonts.width(&title, size, Weight::Bold) > title_w && size > 10.0 {
        size -= 0.5;
    }
    let line = fonts.wrap(&title, size, Weight::Bold, title_w);
    let shown = if line.len() > 1 { format!("{}…", line[0]) } else { line.concat() };
    page.text(fonts, x, MARGIN + 29.0, size, Weight::Bold, primary, &shown);
    let period = format!(
        "{} ({} – {}) · {} · planår {}",
        card.period.name,
        card.period.start_date,
        card.period.end_date,
        card.unit.kind.label_sv(),
        card.year
    );
    page.text(fonts, x, MARGIN + 43.0, 9.0, Weight::Regular, Colour::BLACK, &period);

    let right_x = page.width - MARGIN - right_w;
    page.text_aligned(
        fonts,
        right_x,
        right_w,
        Align::Right,
        MARGIN + 9.0,
        8.0,
        Weight::Regular,
        Colour::GREY,
        &format!("Utskrivet {}", date_sv(today)),
    );
    if continued {
        page.text_aligned(fonts, right_x, right_w, Align::Right, MARGIN + 27.0, 9.0, Weight::Bold, primary, CONTINUED);
    }
    if continues {
        page.text_aligned(
            fonts,
            right_x,
            right_w,
            Align::Right,
            MARGIN + 41.0,
            8.0,
            Weight::Regular,
            Colour::GREY,
            "Fortsätter på nästa sida",
        );
    }

    if !vision_lines.is_empty() {
        let top = MARGIN + 50.0;
        let h = vision_lines.len() as f32 * line_h(vision_size) + 6.0;
        page.fill_rect(MARGIN, top, inner_w, h, primary.lighten(0.88));
        for (i, l) in vision_lines.iter().enumerate() {
            let baseline = top + 3.0 + (i as f32 + 1.0) * line_h(vision_size) - vision_size * 0.3;
            page.text(fonts, MARGIN + PAD, baseline, vision_size, Weight::Regular, Colour::BLACK, l);
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn draw_quadrant(
    page: &mut Page,
    fonts: &FontSet,
    settings: &ReportSettings,
    cols: &Columns,
    name: &str,
    status: Option<Status>,
    rows: Vec<Row<'_>>,
    place: BoxPlace,
    size: f32,
    continued: bool,
    continues: bool,
) {
    let BoxPlace { x, top, width: quad_w, height } = place;
    let primary = settings.primary();
    let w = quad_w;
    page.stroke_rect(x, top, w, height, 0.6, Colour::LIGHT_GREY);
    let hh = quad_header_h(size);
    page.fill_rect(x, top, w, hh, primary);
    let name = if continued { format!("{name} (forts.)") } else { name.to_string() };
    let head_size = size + 1.5;
    let baseline = top + hh / 2.0 + head_size * 0.35;
    // Status chip on the right: symbol in its colour and the word, on white.
    let word = status_word(status);
    let chip_w = fonts.width(word, size, Weight::Regular) + fonts.width("● ", size, Weight::Regular) + 8.0;
    let chip_x = x + w - PAD - chip_w;
    page.fill_rect(chip_x, top + 3.0, chip_w, hh - 6.0, Colour::WHITE);
    let chip_base = top + hh / 2.0 + size * 0.35;
    page.text(fonts, chip_x + 4.0, chip_base, size, Weight::Regular, status_colour(status), status_symbol(status));
    page.text(fonts, chip_x + 4.0 + fonts.width("● ", size, Weight::Regular), chip_base, size, Weight::Regular, Colour::BLACK, word);
    let name_lines = fonts.wrap(&name, head_size, Weight::Bold, chip_x - x - 2.0 * PAD);
    let shown = if name_lines.len() > 1 { format!("{}…", name_lines[0]) } else { name_lines.concat() };
    page.text(fonts, x + PAD, baseline, head_size, Weight::Bold, primary.text_on(), &shown);

    // Column titles.
    let ch_size = size * 0.9;
    let ch_base = top + hh + line_h(ch_size) - 1.0;
    let grey = Colour::GREY;
    page.text(fonts, x + PAD, ch_base, ch_size, Weight::Regular, grey, "Mål · nyckeltal");
    page.text_aligned(fonts, x + cols.value_x, cols.value_w, Align::Right, ch_base, ch_size, Weight::Regular, grey, "Utfall");
    page.text_aligned(fonts, x + cols.target_x, cols.target_w, Align::Right, ch_base, ch_size, Weight::Regular, grey, "Mål");
    page.text_aligned(fonts, x + cols.status_x, cols.status_w, Align::Center, ch_base, ch_size, Weight::Regular, grey, "Status");
    page.text_aligned(fonts, x + cols.trend_x, cols.trend_w, Align::Center, ch_base, ch_size, Weight::Regular, grey, "Trend");
    let mut y = top + hh + column_header_h(size);
    page.line(x + PAD, y, x + w - PAD, y, 0.4, Colour::LIGHT_GREY);
    y += 2.0;

    for row in rows {
        draw_row(page, fonts, cols, &row, x, y, size);
        y += row.height;
    }
    if continues {
        page.text_aligned(
            fonts,
            x,
            w - PAD,
            Align::Right,
            top + height - 3.0,
            size * 0.9,
            Weight::Regular,
            grey,
            "Fortsätter på nästa sida →",
        );
    }
}

fn draw_row(page: &mut Page, fonts: &FontSet, cols: &Columns, row: &Row<'_>, x: f32, top: f32, size: f32) {
    let lh = line_h(size);
    let base = |i: usize| top + (i as f32 + 1.0) * lh - size * 0.3;
    match &row.kind {
        RowKind::GoalTitle { goal, lines } => {
            let top = top + size * 0.3;
            let b = |i: usize| top + (i as f32 + 1.0) * lh - size * 0.3;
            page.text(
                fonts,
                x + PAD,
                b(0),
                size + 1.0,
                Weight::Regular,
                status_colour(goal.status.status),
                status_symbol(goal.status.status),
            );
            for (i, l) in lines.iter().enumerate() {
                page.text(fonts, x + cols.name_x, b(i), size, Weight::Bold, Colour::BLACK, l);
            }
        }
        RowKind::Assessment { lines, .. } => {
            for (i, line) in lines.iter().enumerate() {
                let mut px = x + cols.name_x;
                for p in line {
                    page.text(fonts, px, base(i), size, p.weight, p.colour, &p.text);
                    px += fonts.width(&p.text, size, p.weight);
                }
            }
        }
        RowKind::Indicator { ind, name, genders, value, target, note, target_note } => {
            for (i, l) in name.iter().enumerate() {
                page.text(fonts, x + cols.name_x, base(i), size, Weight::Regular, Colour::BLACK, l);
            }
            if let Some(g) = genders {
                let baseline = top + name.len() as f32 * lh + line_h(size * 0.85) - size * 0.25;
                page.text(fonts, x + cols.name_x, baseline, size * 0.85, Weight::Regular, Colour::GREY, g);
            }
            if let Some(n) = target_note {
                page.text_aligned(
                    fonts,
                    x + cols.target_x,
                    cols.target_w,
                    Align::Right,
                    base(target.len()),
                    size * 0.85,
                    Weight::Regular,
                    Colour::GREY,
                    n,
                );
            }
            for (i, l) in value.iter().enumerate() {
                page.text_aligned(fonts, x + cols.value_x, cols.value_w, Align::Right, base(i), size, Weight::Bold, Colour::BLACK, l);
            }
            if let Some(n) = note {
                page.text_aligned(
                    fonts,
                    x + cols.value_x - 20.0,
                    cols.value_w + 20.0,
                    Align::Right,
                    base(value.len()),
                    size * 0.85,
                    Weight::Regular,
                    Colour::GREY,
                    n,
                );
            }
            for (i, l) in target.iter().enumerate() {
                page.text_aligned(fonts, x + cols.target_x, cols.target_w, Align::Right, base(i), size, Weight::Regular, Colour::BLACK, l);
            }
            page.text_aligned(
                fonts,
                x + cols.status_x,
                cols.status_w,
                Align::Center,
                base(0),
                size + 1.0,
                Weight::Regular,
                status_colour(ind.status.status),
                status_symbol(ind.status.status),
            );
            page.text_aligned(
                fonts,
                x + cols.trend_x,
                cols.trend_w,
                Align::Center,
                base(0),
                size + 1.0,
                Weight::Bold,
                Colour::BLACK,
                trend_arrow(ind.trend),
            );
        }
        RowKind::Note(lines) => {
            for (i, l) in lines.iter().enumerate() {
                page.text(fonts, x + PAD, base(i), size, Weight::Regular, Colour::GREY, l);
            }
        }
        RowKind::Activities { .. } => {}
    }
}

#[allow(clippy::too_many_arguments)]
fn draw_activities(
    page: &mut Page,
    fonts: &FontSet,
    settings: &ReportSettings,
    card: &Scorecard,
    rows: Vec<Row<'_>>,
    x: f32,
    top: f32,
    width: f32,
    height: f32,
    size: f32,
    continued: bool,
    continues: bool,
) {
    let primary = settings.primary();
    page.stroke_rect(x, top, width, height, 0.6, Colour::LIGHT_GREY);
    let hh = activity_header_h(size);
    page.fill_rect(x, top, width, hh, primary);
    let title = if continued { "Aktiviteter (forts.)".to_string() } else { format!("Aktiviteter ({})", card.activities.len()) };
    page.text(fonts, x + PAD, top + hh / 2.0 + (size + 1.5) * 0.35, size + 1.5, Weight::Bold, primary.text_on(), &title);
    if continues {
        let base = top + hh / 2.0 + size * 0.35;
        page.text_aligned(
            fonts,
            x,
            width - PAD,
            Align::Right,
            base,
            size * 0.9,
            Weight::Regular,
            primary.text_on(),
            "Fortsätter på nästa sida →",
        );
    }
    let lh = line_h(size);
    let mut y = top + hh + 2.0;
    if card.activities.is_empty() {
        page.text(fonts, x + PAD, y + lh - size * 0.3, size, Weight::Regular, Colour::GREY, "Inga aktiviteter för enheten under planåret.");
        return;
    }
    let col_w = (width - GAP) / 2.0;
    for row in rows {
        if let RowKind::Activities { left, right, lines } = &row.kind {
            for (c, (a, ls)) in [Some(*left), *right].into_iter().zip(lines.iter()).enumerate() {
                let Some(a) = a else { continue };
                let cx = x + c as f32 * (col_w + GAP);
                let base = |i: usize| y + (i as f32 + 1.0) * lh - size * 0.3;
                page.text(fonts, cx + PAD, base(0), size, Weight::Bold, activity_colour(a.status), a.status.label_sv());
                for (i, l) in ls.iter().enumerate() {
                    page.text(fonts, cx + PAD + ACTIVITY_STATUS_W, base(i), size, Weight::Regular, Colour::BLACK, l);
                }
            }
        }
        y += row.height;
    }
}

fn draw_legend(page: &mut Page, fonts: &FontSet, baseline: f32) {
    let mut size: f32 = 8.0;
    let items: [(&str, Colour, &str); 7] = [
        ("●", status_colour(Some(crate::model::Status::Green)), " Uppnått = målet nås   "),
        ("▲", status_colour(Some(crate::model::Status::Yellow)), " Nära = inom gränsen för gult   "),
        ("■", status_colour(Some(crate::model::Status::Red)), " Ej uppnått = utanför gränsen   "),
        ("○", status_colour(None), " Saknas = inget värde eller mål      Trend mot samma period året innan: "),
        ("↗", Colour::BLACK, " bättre   "),
        ("→", Colour::BLACK, " oförändrat   "),
        ("↘", Colour::BLACK, " sämre"),
    ];
    // As large as fits the width, and no smaller than 7 pt.
    let room = page.width - 2.0 * MARGIN;
    let width = |size: f32| {
        items.iter().map(|(s, _, t)| fonts.width(s, size + 1.0, Weight::Regular) + fonts.width(t, size, Weight::Regular)).sum::<f32>()
    };
    while width(size) > room && size > 7.0 {
        size -= 0.25;
    }
    let mut x = MARGIN;
    for (symbol, colour, text) in items {
        page.text(fonts, x, baseline, size + 1.0, Weight::Regular, colour, symbol);
        x += fonts.width(symbol, size + 1.0, Weight::Regular);
        page.text(fonts, x, baseline, size, Weight::Regular, Colour::GREY, text);
        x += fonts.width(text, size, Weight::Regular);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn height_is_shared_by_need() {
        // Everything fits: each row gets its need plus an equal share of the rest.
        assert_eq!(share_height(&[100.0, 50.0], 250.0), vec![150.0, 100.0]);
        // Not everything fits: the small need is met, the big one gets the rest.
        assert_eq!(share_height(&[400.0, 60.0], 300.0), vec![240.0, 60.0]);
        // Both too big: equal halves.
        assert_eq!(share_height(&[400.0, 500.0], 300.0), vec![150.0, 150.0]);
    }

    #[test]
    fn boxes_go_to_the_column_that_keeps_the_page_shortest() {
        // One tall perspective and two short ones: the short ones share the right column
        // rather than one of them sitting under the tall one.
        assert_eq!(two_columns(&[(0, 300.0), (1, 100.0), (2, 100.0)]), [vec![0], vec![1, 2]]);
        // Four alike: the plain alternation, read left, right, left, right.
        assert_eq!(two_columns(&[(0, 100.0), (1, 100.0), (2, 100.0), (3, 100.0)]), [vec![0, 2], vec![1, 3]]);
        // Two: side by side.
        assert_eq!(two_columns(&[(3, 50.0), (1, 400.0)]), [vec![3], vec![1]]);
    }

    fn row(height: f32, keep_with_next: bool) -> Row<'static> {
        Row { height, keep_with_next, kind: RowKind::Note(Vec::new()) }
    }

    #[test]
    fn rows_are_taken_in_groups_and_never_lost() {
        // A title (kept with the next row) and its row, then a single row.
        let mut q: VecDeque<Row<'static>> = vec![row(10.0, false), row(10.0, true), row(10.0, false), row(10.0, false)].into();
        // Room for two rows: the title would be left alone at the bottom, so it waits.
        let taken = take_rows(&mut q, 25.0);
        assert_eq!(taken.len(), 1);
        assert_eq!(q.len(), 3);
        let taken = take_rows(&mut q, 25.0);
        assert_eq!(taken.len(), 2, "the title with its row");
        // A row taller than the box still goes into an empty box, so the queue shrinks.
        let mut q: VecDeque<Row<'static>> = vec![row(80.0, false)].into();
        assert_eq!(take_rows(&mut q, 50.0).len(), 1);
        assert!(q.is_empty());
        // A group taller than the box is split row by row.
        let mut q: VecDeque<Row<'static>> = vec![row(30.0, true), row(30.0, true), row(30.0, false)].into();
        assert_eq!(take_rows(&mut q, 70.0).len(), 2);
        assert_eq!(take_rows(&mut q, 70.0).len(), 1);
    }
}
