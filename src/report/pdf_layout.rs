//! The small layout layer both PDF reports draw with: embedded fonts and text measuring,
//! word wrapping (also of rich text with **bold**), pages with top-left coordinates,
//! shapes, a flowing document with tables that repeat their header row, and the final
//! pass that writes "Sida N av M" and the metadata.
//!
//! Coordinates given to this module are points measured from the top-left corner of the
//! page (y grows downwards); the conversion to PDF's bottom-left origin happens here only.

use std::cell::RefCell;
use std::collections::HashMap;

use printpdf::{
    Actions, BorderArray, Color, ColorArray, Destination, FontId, Line, LineDashPattern, LinePoint, LinkAnnotation, Op, PaintMode,
    ParsedFont, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions, Point, Polygon, PolygonRing, Pt, RawImage, Rect, Rgb, TextItem,
    WindingOrder, XObjectId, XObjectTransform,
};

use crate::error::{AppError, ErrorCode, Result};
use crate::msg;

/// DejaVu Sans (see fonts/README.md): full Swedish coverage and the status symbols.
const REGULAR_TTF: &[u8] = include_bytes!("../../fonts/DejaVuSans.ttf");
const BOLD_TTF: &[u8] = include_bytes!("../../fonts/DejaVuSans-Bold.ttf");

/// A4 in points.
pub(crate) const A4_SHORT: f32 = 595.28;
pub(crate) const A4_LONG: f32 = 841.89;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Weight {
    Regular,
    Bold,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Align {
    Left,
    Right,
    Center,
}

/// An sRGB colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Colour {
    pub r: u8,
    pub g: u8,
    pub b: u8,
}

impl Colour {
    pub const BLACK: Colour = Colour::rgb(0x1a, 0x1a, 0x1a);
    pub const GREY: Colour = Colour::rgb(0x5f, 0x63, 0x68);
    pub const LIGHT_GREY: Colour = Colour::rgb(0xd5, 0xd8, 0xdc);
    pub const WHITE: Colour = Colour::rgb(0xff, 0xff, 0xff);

    pub const fn rgb(r: u8, g: u8, b: u8) -> Self {
        Self { r, g, b }
    }

    /// `#rrggbb` (case-insensitive); anything else is `None`.
    pub fn parse_hex(text: &str) -> Option<Self> {
        let hex = text.trim().strip_prefix('#')?;
        if hex.len() != 6 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
            return None;
        }
        let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
        Some(Self { r: byte(0)?, g: byte(2)?, b: byte(4)? })
    }

    /// Mix with white: 0.0 is the colour itself, 1.0 is white.
    pub fn lighten(self, amount: f32) -> Self {
        let mix = |c: u8| (c as f32 + (255.0 - c as f32) * amount.clamp(0.0, 1.0)).round() as u8;
        Self { r: mix(self.r), g: mix(self.g), b: mix(self.b) }
    }

    /// Black or white, whichever reads better on this colour.
    pub fn text_on(self) -> Self {
        let luminance = 0.2126 * self.r as f32 + 0.7152 * self.g as f32 + 0.0722 * self.b as f32;
        if luminance > 150.0 {
            Colour::BLACK
        } else {
            Colour::WHITE
        }
    }

    fn pdf(self) -> Color {
        Color::Rgb(Rgb::new(self.r as f32 / 255.0, self.g as f32 / 255.0, self.b as f32 / 255.0, None))
    }
}

/// The two embedded faces, registered in one document, with cached glyph advances.
pub(crate) struct FontSet {
    regular: ParsedFont,
    bold: ParsedFont,
    regular_id: FontId,
    bold_id: FontId,
    /// Advances of the characters below [`TABLE_CHARS`] per weight, filled as they are
    /// met: every character of every line is measured, so this lookup is the hot path.
    table: RefCell<[Vec<Advance>; 2]>,
    /// Advances of the other characters.
    advances: RefCell<HashMap<(Weight, char), Option<f32>>>,
}

/// Characters with a table slot: Latin, punctuation, arrows and the status symbols (● ▲ ■ ○).
const TABLE_CHARS: usize = 0x2600;

/// A table slot: not looked up yet, or the advance (`None`: no glyph).
#[derive(Clone, Copy)]
enum Advance {
    Unknown,
    Known(Option<f32>),
}

impl FontSet {
    fn new(doc: &mut PdfDocument) -> Result<Self> {
        let parse = |bytes: &[u8], name: &str| {
            ParsedFont::from_bytes(bytes, 0, &mut Vec::new()).ok_or_else(|| {
                AppError::new(
                    ErrorCode::Internal,
                    msg!(
                        "Typsnittet {name} som följer med programmet kunde inte läsas. Installera om Styrkort.",
                        "The typeface {name} that comes with the program could not be read. Reinstall Styrkort."
                    ),
                )
            })
        };
        let regular = parse(REGULAR_TTF, "DejaVu Sans")?;
        let bold = parse(BOLD_TTF, "DejaVu Sans Bold")?;
        let regular_id = doc.add_font(&regular);
        let bold_id = doc.add_font(&bold);
        Ok(Self {
            regular,
            bold,
            regular_id,
            bold_id,
            table: RefCell::new([vec![Advance::Unknown; TABLE_CHARS], vec![Advance::Unknown; TABLE_CHARS]]),
            advances: RefCell::new(HashMap::new()),
        })
    }

    fn face(&self, weight: Weight) -> &ParsedFont {
        match weight {
            Weight::Regular => &self.regular,
            Weight::Bold => &self.bold,
        }
    }

    fn handle(&self, weight: Weight) -> PdfFontHandle {
        PdfFontHandle::External(match weight {
            Weight::Regular => self.regular_id.clone(),
            Weight::Bold => self.bold_id.clone(),
        })
    }

    /// Advance of one character in ems, or `None` when the font has no glyph for it.
    fn advance(&self, weight: Weight, c: char) -> Option<f32> {
        let w = match weight {
            Weight::Regular => 0,
            Weight::Bold => 1,
        };
        let slot = c as usize;
        if slot < TABLE_CHARS {
            if let Advance::Known(a) = self.table.borrow()[w][slot] {
                return a;
            }
            let a = self.look_up(weight, c);
            self.table.borrow_mut()[w][slot] = Advance::Known(a);
            return a;
        }
        if let Some(a) = self.advances.borrow().get(&(weight, c)) {
            return *a;
        }
        let a = self.look_up(weight, c);
        self.advances.borrow_mut().insert((weight, c), a);
        a
    }

    fn look_up(&self, weight: Weight, c: char) -> Option<f32> {
        let face = self.face(weight);
        let upm = face.font_metrics.units_per_em.max(1) as f32;
        // Glyph 0 is .notdef: the font has no glyph for the character.
        face.lookup_glyph_index(c as u32).filter(|gid| *gid != 0).map(|gid| face.get_horizontal_advance(gid) as f32 / upm)
    }

    /// Text as it will be drawn: control characters become spaces and characters the
    /// font cannot show become '?', so measuring and drawing always agree.
    pub fn printable(&self, text: &str, weight: Weight) -> String {
        text.chars()
            .map(|c| {
                if c.is_control() {
                    ' '
                } else if self.advance(weight, c).is_some() {
                    c
                } else {
                    '?'
                }
            })
            .collect()
    }

    pub fn width(&self, text: &str, size: f32, weight: Weight) -> f32 {
        text.chars().map(|c| self.advance(weight, c).or_else(|| self.advance(weight, '?')).unwrap_or(0.5)).sum::<f32>() * size
    }

    /// Greedy word wrap of plain text; words longer than the line are broken by character.
    pub fn wrap(&self, text: &str, size: f32, weight: Weight, max_width: f32) -> Vec<String> {
        let spans = [Span { text: text.to_string(), weight }];
        self.wrap_spans(&spans, size, max_width).into_iter().map(|line| line.into_iter().map(|(_, s, _)| s).collect::<String>()).collect()
    }

    /// Word wrap of text in mixed weights. Each line is a list of (x offset, text, weight).
    pub fn wrap_spans(&self, spans: &[Span], size: f32, max_width: f32) -> Vec<Vec<(f32, String, Weight)>> {
        // A word is a run of non-space characters; it may change weight inside.
        let mut words: Vec<Vec<(String, Weight)>> = Vec::new();
        let mut current: Vec<(String, Weight)> = Vec::new();
        for span in spans {
            let chars: Vec<char> = bind_numbers(&self.printable(&span.text, span.weight)).chars().collect();
            for c in chars {
                // No-break spaces (between a number and its unit) keep words together.
                if c.is_whitespace() && c != '\u{a0}' && c != '\u{202f}' {
                    if !current.is_empty() {
                        words.push(std::mem::take(&mut current));
                    }
                } else {
                    match current.last_mut() {
                        Some((s, w)) if *w == span.weight => s.push(c),
                        _ => current.push((c.to_string(), span.weight)),
                    }
                }
            }
        }
        if !current.is_empty() {
            words.push(current);
        }
        let space = self.width(" ", size, Weight::Regular);
        let word_width = |w: &[(String, Weight)]| w.iter().map(|(s, wt)| self.width(s, size, *wt)).sum::<f32>();

        let mut lines: Vec<Vec<(f32, String, Weight)>> = Vec::new();
        let mut line: Vec<(f32, String, Weight)> = Vec::new();
        let mut x = 0.0f32;
        let push_piece = |line: &mut Vec<(f32, String, Weight)>, x: f32, s: &str, w: Weight| match line.last_mut() {
            // Merge with the previous piece when it continues in the same weight.
            Some((px, ps, pw)) if *pw == w && (*px + self.width(ps, size, w) - x).abs() < 0.01 => ps.push_str(s),
            _ => line.push((x, s.to_string(), w)),
        };
        for word in words {
            let ww = word_width(&word);
            let needed = if line.is_empty() { ww } else { space + ww };
            if !line.is_empty() && x + needed > max_width {
                lines.push(std::mem::take(&mut line));
                x = 0.0;
            }
            if ww > max_width {
                // Break an over-long word by character.
                for (piece, w) in word {
                    for c in piece.chars() {
                        let cw = self.width(&c.to_string(), size, w);
                        if x + cw > max_width && x > 0.0 {
                            lines.push(std::mem::take(&mut line));
                            x = 0.0;
                        }
                        push_piece(&mut line, x, &c.to_string(), w);
                        x += cw;
                    }
                }
                continue;
            }
            if !line.is_empty() {
                // The space takes the weight of the piece before it.
                let w = line.last().map(|p| p.2).unwrap_or(Weight::Regular);
                push_piece(&mut line, x, " ", w);
                x += space;
            }
            for (piece, w) in word {
                push_piece(&mut line, x, &piece, w);
                x += self.width(&piece, size, w);
            }
        }
        if !line.is_empty() || lines.is_empty() {
            lines.push(line);
        }
        lines
    }
}

/// A space inside a number written the Swedish way ("15 104", "10 521 556") becomes a
/// no-break space, so a number is never broken over two lines: a space between a digit
/// and a group of exactly three digits.
pub(crate) fn bind_numbers(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    for (i, c) in chars.iter().enumerate() {
        let group = |from: usize| {
            chars.get(from..from + 3).is_some_and(|g| g.iter().all(char::is_ascii_digit))
                && !chars.get(from + 3).is_some_and(char::is_ascii_digit)
        };
        if *c == ' ' && i > 0 && chars[i - 1].is_ascii_digit() && group(i + 1) {
            out.push('\u{a0}');
        } else {
            out.push(*c);
        }
    }
    out
}

/// A piece of rich text.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Span {
    pub text: String,
    pub weight: Weight,
}

/// A block of analysis text: a paragraph or a bullet item.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum RichBlock {
    Paragraph(Vec<Span>),
    Bullet(Vec<Span>),
}

/// Analysis text as users write it: paragraphs split on blank lines, lines starting with
/// "- " (or "• ", "* ") are bullets, `**bold**` is bold. Other line breaks inside a
/// paragraph are kept as spaces. An unmatched `**` is shown as written.
pub(crate) fn parse_rich_text(text: &str) -> Vec<RichBlock> {
    let mut blocks = Vec::new();
    let normalised = text.replace("\r\n", "\n").replace('\r', "\n");
    for paragraph in normalised.split("\n\n") {
        let mut plain: Vec<&str> = Vec::new();
        let flush = |plain: &mut Vec<&str>, blocks: &mut Vec<RichBlock>| {
            if !plain.is_empty() {
                blocks.push(RichBlock::Paragraph(bold_spans(&plain.join(" "))));
                plain.clear();
            }
        };
        for line in paragraph.lines() {
            let t = line.trim();
            if t.is_empty() {
                flush(&mut plain, &mut blocks);
                continue;
            }
            let bullet = ["- ", "• ", "* "].iter().find_map(|p| t.strip_prefix(p));
            match bullet {
                Some(rest) => {
                    flush(&mut plain, &mut blocks);
                    blocks.push(RichBlock::Bullet(bold_spans(rest.trim())));
                }
                None => plain.push(t),
            }
        }
        flush(&mut plain, &mut blocks);
    }
    blocks
}

fn bold_spans(text: &str) -> Vec<Span> {
    let parts: Vec<&str> = text.split("**").collect();
    // An odd number of markers: the last one has no partner and is shown as written.
    let pairs = (parts.len() - 1) / 2 * 2;
    let mut spans: Vec<Span> = Vec::new();
    for (i, part) in parts.iter().enumerate() {
        let (weight, prefix) = if i > pairs {
            (Weight::Regular, "**")
        } else if i % 2 == 1 {
            (Weight::Bold, "")
        } else {
            (Weight::Regular, "")
        };
        let text = format!("{prefix}{part}");
        if text.is_empty() {
            continue;
        }
        match spans.last_mut() {
            Some(s) if s.weight == weight => s.text.push_str(&text),
            _ => spans.push(Span { text, weight }),
        }
    }
    spans
}

/// One page being drawn.
pub(crate) struct Page {
    pub width: f32,
    pub height: f32,
    ops: Vec<Op>,
}

impl Page {
    pub fn new(width: f32, height: f32) -> Self {
        Self { width, height, ops: Vec::new() }
    }

    fn y(&self, top: f32) -> Pt {
        Pt(self.height - top)
    }

    /// Draw one line of text with its baseline at `baseline` (from the top).
    #[allow(clippy::too_many_arguments)]
    pub fn text(&mut self, fonts: &FontSet, x: f32, baseline: f32, size: f32, weight: Weight, colour: Colour, text: &str) {
        let text = fonts.printable(text, weight);
        if text.trim().is_empty() {
            return;
        }
        let y = self.y(baseline);
        self.ops.extend([
            Op::SaveGraphicsState,
            Op::SetFillColor { col: colour.pdf() },
            Op::StartTextSection,
            Op::SetFont { font: fonts.handle(weight), size: Pt(size) },
            Op::SetTextCursor { pos: Point { x: Pt(x), y } },
            Op::ShowText { items: vec![TextItem::Text(text)] },
            Op::EndTextSection,
            Op::RestoreGraphicsState,
        ]);
    }

    /// Text aligned within `[x, x + width]`.
    #[allow(clippy::too_many_arguments)]
    pub fn text_aligned(
        &mut self,
        fonts: &FontSet,
        x: f32,
        width: f32,
        align: Align,
        baseline: f32,
        size: f32,
        weight: Weight,
        colour: Colour,
        text: &str,
    ) {
        let w = fonts.width(&fonts.printable(text, weight), size, weight);
        let x = match align {
            Align::Left => x,
            Align::Right => x + width - w,
            Align::Center => x + (width - w) / 2.0,
        };
        self.text(fonts, x, baseline, size, weight, colour, text);
    }

    /// A line of rich text as produced by [`FontSet::wrap_spans`].
    #[allow(clippy::too_many_arguments)]
    pub fn rich_line(&mut self, fonts: &FontSet, x: f32, baseline: f32, size: f32, colour: Colour, line: &[(f32, String, Weight)]) {
        for (dx, text, weight) in line {
            self.text(fonts, x + dx, baseline, size, *weight, colour, text);
        }
    }

    pub fn fill_rect(&mut self, x: f32, top: f32, width: f32, height: f32, colour: Colour) {
        let rect = Rect {
            x: Pt(x),
            y: self.y(top + height),
            width: Pt(width),
            height: Pt(height),
            mode: Some(PaintMode::Fill),
            winding_order: Some(WindingOrder::NonZero),
        };
        self.ops.extend([
            Op::SaveGraphicsState,
            Op::SetFillColor { col: colour.pdf() },
            Op::DrawRectangle { rectangle: rect },
            Op::RestoreGraphicsState,
        ]);
    }

    pub fn stroke_rect(&mut self, x: f32, top: f32, width: f32, height: f32, thickness: f32, colour: Colour) {
        let rect = Rect {
            x: Pt(x),
            y: self.y(top + height),
            width: Pt(width),
            height: Pt(height),
            mode: Some(PaintMode::Stroke),
            winding_order: Some(WindingOrder::NonZero),
        };
        self.ops.extend([
            Op::SaveGraphicsState,
            Op::SetOutlineColor { col: colour.pdf() },
            Op::SetOutlineThickness { pt: Pt(thickness) },
            Op::DrawRectangle { rectangle: rect },
            Op::RestoreGraphicsState,
        ]);
    }

    /// A polyline through `points` (top-left coordinates); dashed when `dash` is set.
    pub fn polyline(&mut self, points: &[(f32, f32)], thickness: f32, colour: Colour, dash: Option<&[f32]>) {
        if points.len() < 2 {
            return;
        }
        let line = Line {
            points: points.iter().map(|&(x, y)| LinePoint { p: Point { x: Pt(x), y: self.y(y) }, bezier: false }).collect(),
            is_closed: false,
        };
        self.ops.extend([
            Op::SaveGraphicsState,
            Op::SetOutlineColor { col: colour.pdf() },
            Op::SetOutlineThickness { pt: Pt(thickness) },
            Op::SetLineDashPattern { dash: dash.map(|d| LineDashPattern::new(0.0, d)).unwrap_or_else(LineDashPattern::solid) },
            Op::DrawLine { line },
            Op::RestoreGraphicsState,
        ]);
    }

    pub fn line(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, thickness: f32, colour: Colour) {
        self.polyline(&[(x1, y1), (x2, y2)], thickness, colour, None);
    }

    /// A filled circle (four Bézier quarters; PDF has no circle primitive).
    pub fn fill_circle(&mut self, cx: f32, cy: f32, r: f32, colour: Colour) {
        const K: f32 = 0.552_284_8;
        let k = K * r;
        let p = |x: f32, y: f32, bezier: bool| LinePoint { p: Point { x: Pt(cx + x), y: self.y(cy - y) }, bezier };
        let points = vec![
            p(r, 0.0, false),
            p(r, k, true),
            p(k, r, true),
            p(0.0, r, false),
            p(-k, r, true),
            p(-r, k, true),
            p(-r, 0.0, false),
            p(-r, -k, true),
            p(-k, -r, true),
            p(0.0, -r, false),
            p(k, -r, true),
            p(r, -k, true),
            p(r, 0.0, false),
        ];
        let polygon = Polygon { rings: vec![PolygonRing { points }], mode: PaintMode::Fill, winding_order: WindingOrder::NonZero };
        self.ops.extend([
            Op::SaveGraphicsState,
            Op::SetFillColor { col: colour.pdf() },
            Op::DrawPolygon { polygon },
            Op::RestoreGraphicsState,
        ]);
    }

    /// Place an image registered with [`Document::add_image`] into the box, keeping its
    /// aspect ratio; returns the width used.
    pub fn image(&mut self, image: &PlacedImage, x: f32, top: f32, max_width: f32, max_height: f32) -> f32 {
        let (w, h) = (image.width as f32, image.height as f32);
        if w <= 0.0 || h <= 0.0 {
            return 0.0;
        }
        let scale = (max_width / w).min(max_height / h);
        let (dw, dh) = (w * scale, h * scale);
        self.ops.push(Op::UseXobject {
            id: image.id.clone(),
            transform: XObjectTransform {
                translate_x: Some(Pt(x)),
                translate_y: Some(self.y(top + dh)),
                scale_x: Some(scale),
                scale_y: Some(scale),
                dpi: Some(72.0),
                ..Default::default()
            },
        });
        dw
    }
}

impl Page {
    /// A clickable area (x, top, width, height) that goes to `page` (0-based) at `target_top`
    /// (from the top of that page).
    pub fn link(&mut self, x: f32, top: f32, width: f32, height: f32, page: usize, target_top: f32) {
        let rect = Rect { x: Pt(x), y: self.y(top + height), width: Pt(width), height: Pt(height), mode: None, winding_order: None };
        let destination = Destination::Xyz { page: page + 1, left: Some(0.0), top: Some(self.height - target_top), zoom: None };
        self.ops.push(Op::LinkAnnotation {
            link: LinkAnnotation::new(
                rect,
                Actions::go_to(destination),
                Some(BorderArray::Solid([0.0, 0.0, 0.0])),
                Some(ColorArray::Transparent),
                None,
            ),
        });
    }
}

/// A chart drawn on a PDF page.
pub(crate) struct PageCanvas<'a> {
    pub fonts: &'a FontSet,
    pub page: &'a mut Page,
}

impl super::chart::Canvas for PageCanvas<'_> {
    fn text_width(&self, text: &str, size: f32, bold: bool) -> f32 {
        self.fonts.width(text, size, if bold { Weight::Bold } else { Weight::Regular })
    }
    fn wrap(&self, text: &str, size: f32, bold: bool, width: f32) -> Vec<String> {
        self.fonts.wrap(text, size, if bold { Weight::Bold } else { Weight::Regular }, width)
    }
    fn text(&mut self, x: f32, baseline: f32, size: f32, bold: bool, colour: Colour, text: &str) {
        self.page.text(self.fonts, x, baseline, size, if bold { Weight::Bold } else { Weight::Regular }, colour, text);
    }
    fn polyline(&mut self, points: &[(f32, f32)], width: f32, colour: Colour, dash: Option<&[f32]>) {
        self.page.polyline(points, width, colour, dash);
    }
    fn stroke_rect(&mut self, x: f32, top: f32, w: f32, h: f32, width: f32, colour: Colour) {
        self.page.stroke_rect(x, top, w, h, width, colour);
    }
    fn dot(&mut self, cx: f32, cy: f32, r: f32, colour: Colour) {
        self.page.fill_circle(cx, cy, r, colour);
    }
    fn fill_rect(&mut self, x: f32, top: f32, w: f32, h: f32, colour: Colour) {
        self.page.fill_rect(x, top, w, h, colour);
    }
}

/// An image added to the document, with its size in pixels.
pub(crate) struct PlacedImage {
    id: XObjectId,
    width: usize,
    height: usize,
}

/// Document metadata written into the PDF's information dictionary.
pub(crate) struct Metadata {
    pub title: String,
    pub author: String,
    pub subject: String,
    pub keywords: Vec<String>,
    /// The day the report is made (passed in, never read from the clock here).
    pub date: chrono::NaiveDate,
    /// The language of the text (`/Lang` in the catalog), e.g. "sv-SE".
    pub language: Option<String>,
}

/// A document: fonts registered once, pages added in order, footers written last.
pub(crate) struct Document {
    doc: PdfDocument,
    pub fonts: FontSet,
    pub pages: Vec<Page>,
    /// The bookmarks (the PDF's outline), in reading order.
    pub outline: Vec<TocEntry>,
    language: Option<String>,
    /// Printed at the top of every page when set: a draft's "UTKAST" (`report::edition`).
    pub page_mark: Option<String>,
}

impl Document {
    pub fn new(meta: Metadata) -> Result<Self> {
        let mut doc = PdfDocument::new(&meta.title);
        let info = &mut doc.metadata.info;
        info.author = meta.author;
        info.subject = meta.subject;
        info.keywords = meta.keywords;
        info.creator = "Styrkort".to_string();
        info.producer = format!("Styrkort {} (printpdf)", env!("CARGO_PKG_VERSION"));
        let timestamp = meta.date.and_hms_opt(12, 0, 0).map(|d| d.and_utc().timestamp()).unwrap_or(0);
        if let Ok(date) = printpdf::OffsetDateTime::from_unix_timestamp(timestamp) {
            info.creation_date = date;
            info.modification_date = date;
            info.metadata_date = date;
        }
        let fonts = FontSet::new(&mut doc)?;
        Ok(Self { doc, fonts, pages: Vec::new(), outline: Vec::new(), language: meta.language, page_mark: None })
    }

    /// Decode a PNG or JPEG and register it; `None` (and no error) when it cannot be
    /// decoded, since settings validation already refused bad logos.
    pub fn add_image(&mut self, bytes: &[u8]) -> Option<PlacedImage> {
        let image = RawImage::decode_from_bytes(bytes, &mut Vec::new()).ok()?;
        let (width, height) = (image.width, image.height);
        let id = self.doc.add_image(&image);
        Some(PlacedImage { id, width, height })
    }

    /// Write "Sida N av M" (and `footer_text`) on every page and return the PDF bytes.
    pub fn finish(mut self, footer_text: &str, margin: f32) -> Result<Vec<u8>> {
        let total = self.pages.len();
        for (i, page) in self.pages.iter_mut().enumerate() {
            if let Some(mark) = &self.page_mark {
                let (size, colour) = (11.0, Colour::rgb(0xc6, 0x28, 0x28));
                page.text_aligned(&self.fonts, 0.0, page.width, Align::Center, margin * 0.5, size, Weight::Bold, colour, mark);
            }
            let baseline = page.height - margin * 0.55;
            let number = format!("Sida {} av {}", i + 1, total);
            let nw = self.fonts.width(&number, 7.5, Weight::Regular);
            page.text(&self.fonts, page.width - margin - nw, baseline, 7.5, Weight::Regular, Colour::GREY, &number);
            if !footer_text.trim().is_empty() {
                let room = page.width - 2.0 * margin - nw - 20.0;
                let mut lines = self.fonts.wrap(footer_text.trim(), 7.5, Weight::Regular, room);
                if lines.len() > 1 {
                    lines.truncate(1);
                    if let Some(l) = lines.first_mut() {
                        l.push('…');
                    }
                }
                if let Some(l) = lines.first() {
                    page.text(&self.fonts, margin, baseline, 7.5, Weight::Regular, Colour::GREY, l);
                }
            }
        }
        let pages = self.pages.into_iter().map(|p| PdfPage::new(Pt(p.width).into(), Pt(p.height).into(), p.ops)).collect();
        self.doc.with_pages(pages);
        // What `PdfDocument::save` does, less one key: printpdf always writes an empty
        // `GTS_PDFXVersion`, which makes readers take the file for PDF/X. It is not.
        let mut doc = self.doc.to_lopdf_document(&PdfSaveOptions::default(), &mut Vec::new());
        if let Ok(info) = doc.trailer.get(b"Info").and_then(|o| o.as_reference()) {
            if let Ok(dict) = doc.get_dictionary_mut(info) {
                dict.remove(b"GTS_PDFXVersion");
            }
        }
        if let Some(language) = &self.language {
            if let Ok(catalog) = doc.catalog_mut() {
                catalog.set("Lang", lopdf::Object::string_literal(language.as_str()));
            }
        }
        write_outline(&mut doc, &self.outline);
        doc.compress();
        let mut bytes = Vec::new();
        doc.save_to(&mut bytes).map_err(|e| {
            AppError::new(
                ErrorCode::Internal,
                msg!("PDF-filen kunde inte skapas: {e}. Försök igen.", "The PDF file could not be created: {e}. Try again."),
            )
        })?;
        Ok(bytes)
    }
}

/// PDF text string: UTF-16BE with its byte order mark, so åäö survive in any reader.
fn text_string(text: &str) -> lopdf::Object {
    let mut bytes = vec![0xfe, 0xff];
    for unit in text.encode_utf16() {
        bytes.extend(unit.to_be_bytes());
    }
    lopdf::Object::String(bytes, lopdf::StringFormat::Hexadecimal)
}

/// The outline (bookmarks) as a tree by heading level, in reading order; readers open
/// with it shown.
fn write_outline(doc: &mut lopdf::Document, entries: &[TocEntry]) {
    use lopdf::{Dictionary, Object};
    if entries.is_empty() {
        return;
    }
    let pages = doc.get_pages();
    let root = doc.new_object_id();
    let ids: Vec<lopdf::ObjectId> = entries.iter().map(|_| doc.new_object_id()).collect();
    // Each entry's parent: the nearest earlier entry of a lower level, else the root.
    let mut parent: Vec<Option<usize>> = Vec::with_capacity(entries.len());
    let mut stack: Vec<usize> = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        while stack.last().is_some_and(|&j| entries[j].level >= e.level) {
            stack.pop();
        }
        parent.push(stack.last().copied());
        stack.push(i);
    }
    let children = |p: Option<usize>| -> Vec<usize> { (0..entries.len()).filter(|&i| parent[i] == p).collect() };
    let mut count_of = vec![0i64; entries.len()];
    for i in (0..entries.len()).rev() {
        count_of[i] = children(Some(i)).iter().map(|&c| 1 + count_of[c]).sum();
    }
    for (i, e) in entries.iter().enumerate() {
        let siblings = children(parent[i]);
        let at = siblings.iter().position(|&s| s == i).unwrap_or(0);
        let mut d = Dictionary::new();
        d.set("Title", text_string(&e.title));
        d.set("Parent", Object::Reference(parent[i].map(|p| ids[p]).unwrap_or(root)));
        if at > 0 {
            d.set("Prev", Object::Reference(ids[siblings[at - 1]]));
        }
        if let Some(&n) = siblings.get(at + 1) {
            d.set("Next", Object::Reference(ids[n]));
        }
        let kids = children(Some(i));
        if let (Some(&f), Some(&l)) = (kids.first(), kids.last()) {
            d.set("First", Object::Reference(ids[f]));
            d.set("Last", Object::Reference(ids[l]));
            // Open the top level only: negative counts keep deeper levels closed.
            d.set("Count", Object::Integer(if e.level <= 1 { count_of[i] } else { -count_of[i] }));
        }
        if let Some(page) = pages.get(&(e.page as u32 + 1)) {
            d.set(
                "Dest",
                Object::Array(vec![Object::Reference(*page), "XYZ".into(), Object::Integer(0), Object::Real(e.top), Object::Null]),
            );
        }
        doc.set_object(ids[i], d);
    }
    let top = children(None);
    let mut r = Dictionary::new();
    r.set("Type", "Outlines");
    if let (Some(&f), Some(&l)) = (top.first(), top.last()) {
        r.set("First", Object::Reference(ids[f]));
        r.set("Last", Object::Reference(ids[l]));
    }
    r.set("Count", Object::Integer(top.iter().map(|&t| 1 + count_of[t].max(0)).sum()));
    doc.set_object(root, r);
    if let Ok(catalog) = doc.catalog_mut() {
        catalog.set("Outlines", Object::Reference(root));
        catalog.set("PageMode", "UseOutlines");
    }
}

/// A table column.
#[derive(Debug, Clone)]
pub(crate) struct Column {
    pub title: String,
    pub width: f32,
    pub align: Align,
}

/// A table cell: text with optional colour, weight and background.
#[derive(Debug, Clone, Default)]
pub(crate) struct Cell {
    pub text: String,
    pub bold: bool,
    pub colour: Option<Colour>,
    pub fill: Option<Colour>,
    /// A small grey line under the text (e.g. which period a value is from).
    pub note: Option<String>,
}

impl Cell {
    pub fn plain(text: impl Into<String>) -> Self {
        Self { text: text.into(), ..Default::default() }
    }
}

/// Where a heading landed, for the table of contents and the bookmarks.
#[derive(Debug, Clone)]
pub(crate) struct TocEntry {
    pub level: u8,
    pub title: String,
    /// 0-based page index.
    pub page: usize,
    /// PDF y (from the bottom) just above the heading, where a link lands.
    pub top: f32,
}

/// A flowing portrait document: a cursor moving down pages, new pages with a running
/// header when the content does not fit.
pub(crate) struct Flow {
    pub doc: Document,
    pub width: f32,
    pub height: f32,
    pub margin: f32,
    /// Top of the content area (below the running header).
    pub top: f32,
    /// Bottom of the content area (above the footer).
    pub bottom: f32,
    pub y: f32,
    pub header_left: String,
    pub section: String,
    pub accent: Colour,
    pub toc: Vec<TocEntry>,
}

impl Flow {
    pub fn new(doc: Document, accent: Colour, header_left: String) -> Self {
        let margin = 50.0;
        Self {
            doc,
            width: A4_SHORT,
            height: A4_LONG,
            margin,
            top: margin + 22.0,
            bottom: A4_LONG - margin - 6.0,
            y: margin,
            header_left,
            section: String::new(),
            accent,
            toc: Vec::new(),
        }
    }

    pub fn content_width(&self) -> f32 {
        self.width - 2.0 * self.margin
    }

    /// A page with no running header (cover, table of contents).
    pub fn blank_page(&mut self) -> usize {
        self.doc.pages.push(Page::new(self.width, self.height));
        self.y = self.margin;
        self.doc.pages.len() - 1
    }

    pub fn new_page(&mut self) {
        let mut page = Page::new(self.width, self.height);
        let fonts = &self.doc.fonts;
        let baseline = self.margin - 4.0;
        let right = fonts.printable(&self.section, Weight::Regular);
        let rw = fonts.width(&right, 7.5, Weight::Regular).min(self.content_width() * 0.5);
        let left_room = self.content_width() - rw - 16.0;
        let left = fonts.wrap(&self.header_left, 7.5, Weight::Regular, left_room).into_iter().next().unwrap_or_default();
        page.text(fonts, self.margin, baseline, 7.5, Weight::Regular, Colour::GREY, &left);
        let right = fonts.wrap(&right, 7.5, Weight::Regular, self.content_width() * 0.5).into_iter().next().unwrap_or_default();
        page.text_aligned(fonts, self.margin, self.content_width(), Align::Right, baseline, 7.5, Weight::Regular, Colour::GREY, &right);
        page.line(self.margin, self.margin + 2.0, self.width - self.margin, self.margin + 2.0, 0.6, self.accent);
        self.doc.pages.push(page);
        self.y = self.top;
    }

    pub fn page(&mut self) -> &mut Page {
        if self.doc.pages.is_empty() {
            self.new_page();
        }
        let last = self.doc.pages.len() - 1;
        &mut self.doc.pages[last]
    }

    /// Make room for `height`; starts a new page when it does not fit.
    pub fn ensure(&mut self, height: f32) {
        if self.doc.pages.is_empty() || self.y + height > self.bottom {
            self.new_page();
        }
    }

    /// A heading; recorded in the table of contents with its page when `toc` is set, and
    /// always in the bookmarks. It stays on the page only with `keep` points of what follows.
    pub fn heading(&mut self, level: u8, text: &str, toc: bool, keep: f32) {
        let size = match level {
            1 => 16.0,
            2 => 12.5,
            _ => 10.5,
        };
        let width = self.content_width();
        let lines = self.doc.fonts.wrap(text, size, Weight::Bold, width);
        let line_h = size * 1.25;
        let space_before = if self.y <= self.top + 0.5 { 0.0 } else { size * 0.9 };
        // Keep the heading with what follows (never alone at a page's foot).
        self.ensure(space_before + lines.len() as f32 * line_h + keep);
        if self.y > self.top + 0.5 {
            self.y += space_before;
        }
        // Index of the page the heading is on (ensure() made sure there is one).
        let page = self.doc.pages.len().saturating_sub(1);
        let entry = TocEntry { level, title: text.to_string(), page, top: self.height - self.y + 4.0 };
        if toc {
            self.toc.push(entry.clone());
        }
        self.doc.outline.push(entry);
        let colour = if level <= 2 { self.accent } else { Colour::BLACK };
        for l in lines {
            self.y += line_h;
            let (margin, y) = (self.margin, self.y - size * 0.25);
            self.draw_text(margin, y, size, Weight::Bold, colour, &l);
        }
        if level == 1 {
            self.y += 3.0;
            let (x1, x2, y) = (self.margin, self.width - self.margin, self.y);
            self.draw_line(x1, y, x2, y, 1.0, self.accent);
        }
        self.y += size * 0.45;
    }

    /// Draw text on the current page.
    #[allow(clippy::too_many_arguments)]
    pub fn draw_text(&mut self, x: f32, baseline: f32, size: f32, weight: Weight, colour: Colour, text: &str) {
        if self.doc.pages.is_empty() {
            self.new_page();
        }
        let Document { fonts, pages, .. } = &mut self.doc;
        if let Some(page) = pages.last_mut() {
            page.text(fonts, x, baseline, size, weight, colour, text);
        }
    }

    pub fn draw_line(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, thickness: f32, colour: Colour) {
        self.page().line(x1, y1, x2, y2, thickness, colour);
    }

    /// Split borrow: the fonts and the current page together.
    pub fn fonts_and_page(&mut self) -> (&FontSet, &mut Page) {
        if self.doc.pages.is_empty() {
            self.new_page();
        }
        let Document { fonts, pages, .. } = &mut self.doc;
        let last = pages.len() - 1;
        (fonts, &mut pages[last])
    }

    /// Rich text wrapped to the content width, indented by `indent`, with an optional
    /// bullet drawn before the first line.
    pub fn rich_paragraph(&mut self, spans: &[Span], size: f32, colour: Colour, indent: f32, bullet: Option<&str>) {
        let width = self.content_width() - indent;
        let lines = self.doc.fonts.wrap_spans(spans, size, width);
        let line_h = size * 1.35;
        for (i, line) in lines.iter().enumerate() {
            self.ensure(line_h);
            self.y += line_h;
            let (x, baseline) = (self.margin + indent, self.y - size * 0.3);
            let (fonts, page) = self.fonts_and_page();
            if i == 0 {
                if let Some(b) = bullet {
                    page.text(fonts, x - size * 1.1, baseline, size, Weight::Regular, colour, b);
                }
            }
            page.rich_line(fonts, x, baseline, size, colour, line);
        }
        self.y += size * 0.45;
    }

    /// A table whose header row is repeated on every page it spans; with `keep_together`
    /// it starts on a new page when it would otherwise break but fits a page whole.
    pub fn table(&mut self, columns: &[Column], rows: &[Vec<Cell>], size: f32, keep_together: bool) {
        let pad = 3.0;
        let line_h = size * 1.3;
        let header_lines: Vec<Vec<String>> =
            columns.iter().map(|c| self.doc.fonts.wrap(&c.title, size, Weight::Bold, c.width - 2.0 * pad)).collect();
        let header_h = header_lines.iter().map(|l| l.len()).max().unwrap_or(1) as f32 * line_h + 2.0 * pad;
        // Per cell: the text's lines, then the note's lines.
        let wrapped: Vec<Vec<(Vec<String>, Vec<String>)>> = rows
            .iter()
            .map(|row| {
                columns
                    .iter()
                    .zip(row)
                    .map(|(c, cell)| {
                        let weight = if cell.bold { Weight::Bold } else { Weight::Regular };
                        // Explicit line breaks in a cell are kept.
                        let text: Vec<String> =
                            cell.text.split('\n').flat_map(|part| self.doc.fonts.wrap(part, size, weight, c.width - 2.0 * pad)).collect();
                        let note = match &cell.note {
                            Some(n) => self.doc.fonts.wrap(n, size * 0.85, Weight::Regular, c.width - 2.0 * pad),
                            None => Vec::new(),
                        };
                        (text, note)
                    })
                    .collect()
            })
            .collect();
        let row_h = |cells: &Vec<(Vec<String>, Vec<String>)>| {
            cells.iter().map(|(t, n)| t.len() + n.len()).max().unwrap_or(1) as f32 * line_h + 2.0 * pad
        };

        let first_h = wrapped.first().map(row_h).unwrap_or(0.0);
        let whole = header_h + wrapped.iter().map(row_h).sum::<f32>();
        if keep_together && whole <= self.bottom - self.top {
            self.ensure(whole);
        }
        self.ensure(header_h + first_h);
        self.table_header(columns, &header_lines, header_h, size, pad, line_h);
        for (row, cells) in rows.iter().zip(&wrapped) {
            let h = row_h(cells);
            if self.y + h > self.bottom {
                self.new_page();
                self.table_header(columns, &header_lines, header_h, size, pad, line_h);
            }
            let top = self.y;
            let margin = self.margin;
            let (fonts, page) = self.fonts_and_page();
            let mut x = margin;
            for ((col, cell), (lines, note)) in columns.iter().zip(row).zip(cells) {
                if let Some(fill) = cell.fill {
                    page.fill_rect(x, top, col.width, h, fill);
                }
                let weight = if cell.bold { Weight::Bold } else { Weight::Regular };
                for (i, l) in lines.iter().enumerate() {
                    let baseline = top + pad + (i as f32 + 1.0) * line_h - size * 0.3;
                    page.text_aligned(
                        fonts,
                        x + pad,
                        col.width - 2.0 * pad,
                        col.align,
                        baseline,
                        size,
                        weight,
                        cell.colour.unwrap_or(Colour::BLACK),
                        l,
                    );
                }
                for (i, l) in note.iter().enumerate() {
                    let baseline = top + pad + ((lines.len() + i) as f32 + 1.0) * line_h - size * 0.3;
                    page.text_aligned(
                        fonts,
                        x + pad,
                        col.width - 2.0 * pad,
                        col.align,
                        baseline,
                        size * 0.85,
                        Weight::Regular,
                        Colour::GREY,
                        l,
                    );
                }
                x += col.width;
            }
            let total: f32 = columns.iter().map(|c| c.width).sum();
            page.line(margin, top + h, margin + total, top + h, 0.4, Colour::LIGHT_GREY);
            self.y += h;
        }
        self.y += size * 0.8;
    }

    fn table_header(&mut self, columns: &[Column], lines: &[Vec<String>], h: f32, size: f32, pad: f32, line_h: f32) {
        let (top, margin, accent) = (self.y, self.margin, self.accent);
        let total: f32 = columns.iter().map(|c| c.width).sum();
        let (fonts, page) = self.fonts_and_page();
        page.fill_rect(margin, top, total, h, accent);
        let mut x = margin;
        for (col, ls) in columns.iter().zip(lines) {
            for (i, l) in ls.iter().enumerate() {
                let baseline = top + pad + (i as f32 + 1.0) * line_h - size * 0.3;
                page.text_aligned(fonts, x + pad, col.width - 2.0 * pad, col.align, baseline, size, Weight::Bold, accent.text_on(), l);
            }
            x += col.width;
        }
        self.y += h;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fonts() -> FontSet {
        let mut doc = PdfDocument::new("t");
        FontSet::new(&mut doc).unwrap()
    }

    #[test]
    fn colours_parse_only_hash_rrggbb() {
        assert_eq!(Colour::parse_hex("#1F4e79"), Some(Colour::rgb(0x1f, 0x4e, 0x79)));
        for bad in ["1f4e79", "#1f4e7", "#1f4e7g", "#1f4e7900", "", "red"] {
            assert_eq!(Colour::parse_hex(bad), None, "{bad}");
        }
        assert_eq!(Colour::rgb(0, 0, 0).lighten(1.0), Colour::WHITE);
        assert_eq!(Colour::rgb(0x1f, 0x4e, 0x79).text_on(), Colour::WHITE);
        assert_eq!(Colour::rgb(0xf9, 0xa8, 0x25).text_on(), Colour::BLACK);
    }

    #[test]
    fn the_font_covers_swedish_and_the_status_symbols() {
        let f = fonts();
        for text in ["åäö ÅÄÖ é", "● ▲ ■ ○", "↗ → ↘", "– − …"] {
            assert_eq!(f.printable(text, Weight::Regular), text);
            assert_eq!(f.printable(text, Weight::Bold), text);
        }
        // A character the font lacks is replaced, never drawn as an empty box.
        assert_eq!(f.printable("a漢b\tc", Weight::Regular), "a?b c");
    }

    #[test]
    fn wrapping_keeps_every_word_and_respects_the_width() {
        let f = fonts();
        let text = "Andelen elever i årskurs 9 som är behöriga till yrkesprogram ska öka varje år under mandatperioden.";
        let lines = f.wrap(text, 10.0, Weight::Regular, 150.0);
        assert!(lines.len() > 2, "{lines:?}");
        for l in &lines {
            assert!(f.width(l, 10.0, Weight::Regular) <= 150.0 + 0.01, "{l}");
        }
        assert_eq!(lines.join(" "), text);
        // A word longer than the line is broken by character, not lost.
        let long = "x".repeat(200);
        let lines = f.wrap(&long, 10.0, Weight::Regular, 100.0);
        assert!(lines.len() > 1);
        assert_eq!(lines.concat(), long);
    }

    #[test]
    fn numbers_are_never_broken_over_two_lines() {
        let f = fonts();
        let text = "Befolkningen var vid årsskiftet 15 104 invånare och riket 10 521 556.";
        // A width that would end the line right after "15" with ordinary spaces.
        let upto = f.width("Befolkningen var vid årsskiftet 15", 10.0, Weight::Regular) + 1.0;
        let lines = f.wrap(text, 10.0, Weight::Regular, upto);
        assert!(lines.iter().any(|l| l.contains("15\u{a0}104")), "{lines:?}");
        assert!(lines.iter().any(|l| l.contains("10\u{a0}521\u{a0}556")), "{lines:?}");
        // Years and other plain numbers in a row stay breakable: "2025 2026" is two words.
        assert_eq!(bind_numbers("år 2025 2026 och 3 1234"), "år 2025 2026 och 3 1234");
        assert_eq!(bind_numbers("15 104 st"), "15\u{a0}104 st");
    }

    #[test]
    fn rich_text_keeps_paragraphs_bullets_and_bold() {
        let blocks = parse_rich_text("Första stycket\nfortsätter här med **fet text**.\n\nLista:\n- ett\n- två **viktigt**\n\nSista.");
        assert_eq!(
            blocks,
            vec![
                RichBlock::Paragraph(vec![
                    Span { text: "Första stycket fortsätter här med ".into(), weight: Weight::Regular },
                    Span { text: "fet text".into(), weight: Weight::Bold },
                    Span { text: ".".into(), weight: Weight::Regular },
                ]),
                RichBlock::Paragraph(vec![Span { text: "Lista:".into(), weight: Weight::Regular }]),
                RichBlock::Bullet(vec![Span { text: "ett".into(), weight: Weight::Regular }]),
                RichBlock::Bullet(vec![
                    Span { text: "två ".into(), weight: Weight::Regular },
                    Span { text: "viktigt".into(), weight: Weight::Bold },
                ]),
                RichBlock::Paragraph(vec![Span { text: "Sista.".into(), weight: Weight::Regular }]),
            ]
        );
        // An unmatched marker stays visible.
        assert_eq!(parse_rich_text("2 ** 3"), vec![RichBlock::Paragraph(vec![Span { text: "2 ** 3".into(), weight: Weight::Regular }])]);
    }

    #[test]
    fn rich_wrapping_places_bold_words_after_regular_ones() {
        let f = fonts();
        let spans = bold_spans("vanlig **fet** vanlig");
        let lines = f.wrap_spans(&spans, 10.0, 1000.0);
        assert_eq!(lines.len(), 1);
        let pieces: Vec<(&str, Weight)> = lines[0].iter().map(|(_, s, w)| (s.as_str(), *w)).collect();
        assert_eq!(pieces, vec![("vanlig ", Weight::Regular), ("fet ", Weight::Bold), ("vanlig", Weight::Regular)]);
        let x_fet = lines[0][1].0;
        assert!((x_fet - f.width("vanlig ", 10.0, Weight::Regular)).abs() < 0.01);
    }
}
