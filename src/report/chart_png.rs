//! Charts as PNG images (for Word): the same drawing as the PDF's ([`super::chart::draw`])
//! on a tiny-skia bitmap, with text drawn from the glyph outlines of the DejaVu Sans the
//! PDFs embed, so labels need no fonts installed and read the same in both.

use tiny_skia::{FillRule, Paint, PathBuilder, Pixmap, Stroke, StrokeDash, Transform};
use ttf_parser::{Face, OutlineBuilder};

use super::chart::{self, Canvas};
use super::document::{Chart, RiskMatrix};
use super::pdf_layout::Colour;
use crate::error::{AppError, ErrorCode, Result};
use crate::msg;

const REGULAR_TTF: &[u8] = include_bytes!("../../fonts/DejaVuSans.ttf");
const BOLD_TTF: &[u8] = include_bytes!("../../fonts/DejaVuSans-Bold.ttf");

/// Pixels per point: 4 gives about 290 dpi, sharp when printed.
const SCALE: f32 = 4.0;

/// A chart of `width` × `height` points as PNG bytes.
pub(crate) fn chart_png(chart: &Chart, width: f32, height: f32, accent: Colour) -> Result<Vec<u8>> {
    let broken = |what: &str| {
        AppError::new(
            ErrorCode::Internal,
            msg!("Diagrammet kunde inte ritas ({what}). Försök igen.", "The chart could not be drawn ({what}). Try again.", what = what),
        )
    };
    png_of(width, height, |canvas| chart::draw(canvas, 0.5, 0.5, width - 1.0, height - 1.0, chart, accent)).map_err(|what| broken(&what))
}

/// The risk matrix (`risk_matrix::draw`) as PNG bytes, with its size in points.
pub(crate) fn risk_matrix_png(m: &RiskMatrix, available: f32) -> Result<(Vec<u8>, f32, f32)> {
    let width = super::risk_matrix::width(available) + 1.0;
    let height = super::risk_matrix::height(available) + 1.0;
    let png = png_of(width, height, |canvas| {
        super::risk_matrix::draw(canvas, 0.5, 0.5, width - 1.0, m);
    })
    .map_err(|what| {
        AppError::new(
            ErrorCode::Internal,
            msg!(
                "Riskmatrisen kunde inte ritas ({what}). Försök igen.",
                "The risk matrix could not be drawn ({what}). Try again.",
                what = what
            ),
        )
    })?;
    Ok((png, width, height))
}

fn png_of(width: f32, height: f32, draw: impl FnOnce(&mut PixmapCanvas<'_>)) -> std::result::Result<Vec<u8>, String> {
    let regular = Face::parse(REGULAR_TTF, 0).map_err(|_| "typsnitt".to_string())?;
    let bold = Face::parse(BOLD_TTF, 0).map_err(|_| "typsnitt".to_string())?;
    let mut pixmap = Pixmap::new((width * SCALE).ceil() as u32, (height * SCALE).ceil() as u32).ok_or_else(|| "storlek".to_string())?;
    pixmap.fill(tiny_skia::Color::WHITE);
    let mut canvas = PixmapCanvas { pixmap, regular, bold };
    draw(&mut canvas);
    canvas.pixmap.encode_png().map_err(|e| e.to_string())
}

struct PixmapCanvas<'a> {
    pixmap: Pixmap,
    regular: Face<'a>,
    bold: Face<'a>,
}

fn paint(colour: Colour) -> Paint<'static> {
    let mut p = Paint::default();
    p.set_color_rgba8(colour.r, colour.g, colour.b, 255);
    p.anti_alias = true;
    p
}

/// Glyph outlines into a path, scaled from font units and flipped (fonts grow upwards).
struct Outline<'p> {
    path: &'p mut PathBuilder,
    x: f32,
    y: f32,
    scale: f32,
}

impl OutlineBuilder for Outline<'_> {
    fn move_to(&mut self, x: f32, y: f32) {
        self.path.move_to(self.x + x * self.scale, self.y - y * self.scale);
    }
    fn line_to(&mut self, x: f32, y: f32) {
        self.path.line_to(self.x + x * self.scale, self.y - y * self.scale);
    }
    fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
        self.path.quad_to(self.x + x1 * self.scale, self.y - y1 * self.scale, self.x + x * self.scale, self.y - y * self.scale);
    }
    fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
        self.path.cubic_to(
            self.x + x1 * self.scale,
            self.y - y1 * self.scale,
            self.x + x2 * self.scale,
            self.y - y2 * self.scale,
            self.x + x * self.scale,
            self.y - y * self.scale,
        );
    }
    fn close(&mut self) {
        self.path.close();
    }
}

impl PixmapCanvas<'_> {
    fn face(&self, bold: bool) -> &Face<'_> {
        if bold {
            &self.bold
        } else {
            &self.regular
        }
    }

    fn advance(&self, c: char, bold: bool) -> f32 {
        let face = self.face(bold);
        let upm = face.units_per_em().max(1) as f32;
        let gid = face.glyph_index(c).or_else(|| face.glyph_index('?'));
        gid.and_then(|g| face.glyph_hor_advance(g)).map(|a| a as f32 / upm).unwrap_or(0.5)
    }
}

impl Canvas for PixmapCanvas<'_> {
    fn text_width(&self, text: &str, size: f32, bold: bool) -> f32 {
        text.chars().map(|c| self.advance(c, bold)).sum::<f32>() * size
    }

    fn wrap(&self, text: &str, size: f32, bold: bool, width: f32) -> Vec<String> {
        let mut lines: Vec<String> = Vec::new();
        let mut line = String::new();
        for word in super::pdf_layout::bind_numbers(text).split_whitespace() {
            let candidate = if line.is_empty() { word.to_string() } else { format!("{line} {word}") };
            if !line.is_empty() && self.text_width(&candidate, size, bold) > width {
                lines.push(std::mem::take(&mut line));
                line = word.to_string();
            } else {
                line = candidate;
            }
        }
        if !line.is_empty() || lines.is_empty() {
            lines.push(line);
        }
        lines
    }

    fn text(&mut self, x: f32, baseline: f32, size: f32, bold: bool, colour: Colour, text: &str) {
        let mut pb = PathBuilder::new();
        let mut pen = x * SCALE;
        {
            let face = self.face(bold);
            let scale = size * SCALE / face.units_per_em().max(1) as f32;
            for c in text.chars() {
                let Some(gid) = face.glyph_index(c).or_else(|| face.glyph_index('?')) else { continue };
                let mut outline = Outline { path: &mut pb, x: pen, y: baseline * SCALE, scale };
                face.outline_glyph(gid, &mut outline);
                pen += face.glyph_hor_advance(gid).unwrap_or(0) as f32 * scale;
            }
        }
        if let Some(path) = pb.finish() {
            self.pixmap.fill_path(&path, &paint(colour), FillRule::Winding, Transform::identity(), None);
        }
    }

    fn polyline(&mut self, points: &[(f32, f32)], width: f32, colour: Colour, dash: Option<&[f32]>) {
        let mut pb = PathBuilder::new();
        for (i, (x, y)) in points.iter().enumerate() {
            if i == 0 {
                pb.move_to(x * SCALE, y * SCALE);
            } else {
                pb.line_to(x * SCALE, y * SCALE);
            }
        }
        let Some(path) = pb.finish() else { return };
        let stroke = Stroke {
            width: width * SCALE,
            dash: dash.and_then(|d| StrokeDash::new(d.iter().map(|v| v * SCALE).collect(), 0.0)),
            ..Default::default()
        };
        self.pixmap.stroke_path(&path, &paint(colour), &stroke, Transform::identity(), None);
    }

    fn stroke_rect(&mut self, x: f32, top: f32, w: f32, h: f32, width: f32, colour: Colour) {
        self.polyline(&[(x, top), (x + w, top), (x + w, top + h), (x, top + h), (x, top)], width, colour, None);
    }

    fn fill_rect(&mut self, x: f32, top: f32, w: f32, h: f32, colour: Colour) {
        if let Some(rect) = tiny_skia::Rect::from_xywh(x * SCALE, top * SCALE, w * SCALE, h * SCALE) {
            self.pixmap.fill_rect(rect, &paint(colour), Transform::identity(), None);
        }
    }

    fn dot(&mut self, cx: f32, cy: f32, r: f32, colour: Colour) {
        if let Some(path) = PathBuilder::from_circle(cx * SCALE, cy * SCALE, r * SCALE) {
            self.pixmap.fill_path(&path, &paint(colour), FillRule::Winding, Transform::identity(), None);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chart_titles_are_wrapped_whole_never_cut() {
        let canvas = PixmapCanvas {
            pixmap: Pixmap::new(1, 1).unwrap(),
            regular: Face::parse(REGULAR_TTF, 0).unwrap(),
            bold: Face::parse(BOLD_TTF, 0).unwrap(),
        };
        let title = "Andel invånare som upplever att de har möjlighet att påverka kommunens beslut i frågor som rör dem själva";
        let (size, lines) = chart::title_lines(&canvas, title, 150.0);
        assert_eq!(lines.join(" "), title, "every word is there");
        assert!(lines.iter().all(|l| !l.contains('…')));
        assert!(lines.iter().all(|l| canvas.text_width(l, size, true) <= 150.0 + 0.01), "{lines:?}");
        assert!(size < 7.0, "a long title gets a smaller size before more lines");
        let (size, lines) = chart::title_lines(&canvas, "Antal invånare", 150.0);
        assert_eq!((size, lines), (7.0, vec!["Antal invånare".to_string()]));
    }

    #[test]
    fn a_chart_becomes_a_png_of_its_size_with_ink_on_it() {
        let chart = Chart {
            title: "Andel elever i åk 9 som är behöriga till ett yrkesprogram, kommunala skolor".into(),
            unit: "%".into(),
            decimals: 1,
            points: vec![(2022, 81.0), (2023, 84.5), (2025, 86.0)],
            targets: vec![(2025, 90.0), (2026, 90.0)],
            partial_label: Some("2026: delår".into()),
        };
        let png = chart_png(&chart, 158.0, 104.0, Colour::rgb(0x2e, 0x75, 0xb6)).unwrap();
        assert!(png.starts_with(&[0x89, b'P', b'N', b'G']));
        let image = Pixmap::decode_png(&png).unwrap();
        assert_eq!((image.width(), image.height()), (632, 416));
        let dark = image.pixels().iter().filter(|p| p.red() < 100 && p.green() < 100).count();
        assert!(dark > 500, "text and lines are drawn: {dark} dark pixels");
    }
}
