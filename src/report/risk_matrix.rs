//! The risk matrix picture of intern kontroll: a 4 × 4 grid, sannolikhet (rows, 4 at the
//! top) by konsekvens (columns, 4 to the right), each cell coloured by its risk level
//! (`internal_control::RiskLevel`: its own colours, never the traffic light's) with the
//! level's word and value written in it, the risks placed by number, axis words and a
//! legend. One drawing routine over `chart::Canvas`, so the PDF page and the PNG for Word
//! (`chart_png::risk_matrix_png`) show the same picture.

use super::chart::Canvas;
use super::document::RiskMatrix;
use super::pdf_layout::Colour;
use crate::internal_control::{RiskLevel, RISK_LEVELS};

/// The words of the probability steps, 1–4.
pub(crate) const PROBABILITY_WORDS: [&str; 4] = ["Osannolik", "Möjlig", "Sannolik", "Mycket sannolik"];
/// The words of the consequence steps, 1–4.
pub(crate) const CONSEQUENCE_WORDS: [&str; 4] = ["Liten", "Måttlig", "Kännbar", "Allvarlig"];

const ROW_LABEL_W: f32 = 100.0;
const CELL_H: f32 = 40.0;
const MAX_CELL_W: f32 = 90.0;

/// The level's colour in reports.
pub(crate) fn level_colour(level: RiskLevel) -> Colour {
    Colour::parse_hex(level.colour()).unwrap_or(Colour::LIGHT_GREY)
}

fn cell_w(width: f32) -> f32 {
    ((width - ROW_LABEL_W) / 4.0).min(MAX_CELL_W)
}

/// The picture's height for a width.
pub(crate) fn height(_width: f32) -> f32 {
    16.0 + 4.0 * CELL_H + 34.0 + 22.0
}

/// The picture's width for an available width.
pub(crate) fn width(available: f32) -> f32 {
    ROW_LABEL_W + 4.0 * cell_w(available) + 2.0
}

/// Draw `m` with its top left corner at (x, top) within `width`; returns the height used.
pub(crate) fn draw(canvas: &mut dyn Canvas, x: f32, top: f32, width: f32, m: &RiskMatrix) -> f32 {
    let cw = cell_w(width);
    let grid_x = x + ROW_LABEL_W;
    let grid_top = top + 16.0;
    canvas.text(x, top + 9.0, 8.0, true, Colour::BLACK, "Sannolikhet ↓ / Konsekvens →");
    for row in 0..4u8 {
        let p = 4 - row;
        let y = grid_top + row as f32 * CELL_H;
        canvas.text(x, y + CELL_H / 2.0 + 2.5, 7.5, false, Colour::BLACK, &format!("{p} {}", PROBABILITY_WORDS[p as usize - 1]));
        for col in 0..4u8 {
            let k = col + 1;
            let cx = grid_x + col as f32 * cw;
            let level = RiskLevel::of(p, k);
            let fill = level_colour(level);
            canvas.fill_rect(cx, y, cw, CELL_H, fill);
            canvas.stroke_rect(cx, y, cw, CELL_H, 0.75, Colour::WHITE);
            let ink = fill.text_on();
            canvas.text(cx + 3.0, y + 8.0, 6.0, false, ink, &format!("{} {}", level.label().sv, p * k));
            let here: Vec<String> =
                m.risks.iter().filter(|r| r.probability == p && r.consequence == k).map(|r| r.number.to_string()).collect();
            if !here.is_empty() {
                let lines = canvas.wrap(&here.join(", "), 10.0, true, cw - 6.0);
                let line_h = 11.0;
                let start = y + CELL_H / 2.0 + 6.0 - (lines.len() as f32 - 1.0) * line_h / 2.0;
                for (i, l) in lines.iter().enumerate() {
                    let tw = canvas.text_width(l, 10.0, true);
                    canvas.text(cx + (cw - tw) / 2.0, start + i as f32 * line_h, 10.0, true, ink, l);
                }
            }
        }
    }
    let below = grid_top + 4.0 * CELL_H;
    for col in 0..4u8 {
        let k = col + 1;
        let cx = grid_x + col as f32 * cw;
        let label = format!("{k} {}", CONSEQUENCE_WORDS[k as usize - 1]);
        let tw = canvas.text_width(&label, 7.5, false);
        canvas.text(cx + (cw - tw) / 2.0, below + 10.0, 7.5, false, Colour::BLACK, &label);
    }
    let axis = "Konsekvens";
    let tw = canvas.text_width(axis, 8.0, true);
    canvas.text(grid_x + (4.0 * cw - tw) / 2.0, below + 22.0, 8.0, true, Colour::BLACK, axis);
    // Legend: each level's swatch, word and values.
    let mut lx = x;
    let ly = below + 34.0;
    canvas.text(lx, ly + 8.0, 7.5, true, Colour::BLACK, "Risknivå (sannolikhet × konsekvens):");
    lx += canvas.text_width("Risknivå (sannolikhet × konsekvens):", 7.5, true) + 6.0;
    for level in RISK_LEVELS {
        canvas.fill_rect(lx, ly + 1.0, 9.0, 9.0, level_colour(level));
        canvas.stroke_rect(lx, ly + 1.0, 9.0, 9.0, 0.5, Colour::GREY);
        lx += 12.0;
        let text = format!("{} {}", level.label().sv, level.range());
        canvas.text(lx, ly + 8.5, 7.5, false, Colour::BLACK, &text);
        lx += canvas.text_width(&text, 7.5, false) + 9.0;
    }
    height(width)
}
