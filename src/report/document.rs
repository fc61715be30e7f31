//! A report as a document: what it says, in order, without where on a page it lands.
//!
//! The delårsrapport is built once into a [`Report`] (`delarsrapport.rs`) and then drawn by
//! a renderer: the PDF (`delarsrapport_pdf.rs`, with `pdf_layout`'s flow) or Word
//! (`delarsrapport_docx.rs`). Content decisions (which sections, which words, which
//! numbers) belong to the builder; page decisions (breaks, keeping a heading with what
//! follows, image sizes) to the renderers. A new kind of content (an economy table, a
//! report-level text) is a new block or, usually, just a [`Table`] or [`Block::Paragraph`]
//! the builder adds.
//!
//! Widths are in points of an A4 portrait page with 50 pt margins ([`CONTENT_WIDTH`]);
//! the Word renderer converts them to twentieths of a point with the same margins.

use super::pdf_layout::{Align, Cell, Colour, Column, Span, Weight};
use crate::model::Status;

/// The width text and tables may use on an A4 portrait page with 50 pt margins.
pub(crate) const CONTENT_WIDTH: f32 = super::pdf_layout::A4_SHORT - 2.0 * MARGIN;
/// The page margin on every side, in points.
pub(crate) const MARGIN: f32 = 50.0;

/// A whole report: metadata, cover, running texts and the blocks of the body.
#[derive(Debug, Clone)]
pub(crate) struct Report {
    pub meta: Meta,
    pub cover: Cover,
    /// The left part of the running header ("Sjöbacka kommun · Delårsrapport · Delår 2026").
    pub header_left: String,
    /// The municipality's own footer line (may be empty).
    pub footer_text: String,
    /// A mark every page carries while the report is a draft ("UTKAST"); `None` when final.
    pub draft_mark: Option<String>,
    /// Bands, headings and table headers.
    pub primary: Colour,
    /// Chart lines.
    pub accent: Colour,
    /// The municipality's logo (PNG or JPEG), already validated by the settings.
    pub logo: Option<Vec<u8>>,
    /// Whether a table of contents follows the cover.
    pub contents: bool,
    pub blocks: Vec<Block>,
}

/// Document properties: PDF information dictionary, Word core properties.
#[derive(Debug, Clone)]
pub(crate) struct Meta {
    pub title: String,
    pub author: String,
    pub subject: String,
    pub keywords: Vec<String>,
    /// BCP 47 language tag of the text ("sv-SE").
    pub language: String,
    /// The day the report is made (passed in, never read from the clock).
    pub date: chrono::NaiveDate,
}

/// The cover page.
#[derive(Debug, Clone)]
pub(crate) struct Cover {
    /// Above the band ("Sjöbacka kommun").
    pub over: String,
    /// The band's big word ("Delårsrapport").
    pub title: String,
    /// Under it ("Delår 2026").
    pub subtitle: String,
    /// The unit the report covers.
    pub unit: String,
    /// Lines under the band (the period's dates, the day it was made).
    pub lines: Vec<String>,
    /// The vision, when the plan year has one.
    pub vision: Option<String>,
}

/// How a paragraph looks. The PDF maps each to a size and colour, Word to a style.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TextStyle {
    /// Running text (the analysis, introductions).
    Body,
    /// A remark in grey at body size ("Ingen analys är skriven för perioden.").
    Muted,
    /// The grey line under a section heading (a perspective's status).
    Intro,
    /// A grey detail line under a goal, indented to its title.
    Detail,
    /// A small grey note under a table (sources).
    Note,
}

/// A heading. Level 1 starts a section (a new page in the PDF, the running header's
/// right part); headings with `contents` are listed in the table of contents. Every
/// heading is a bookmark in the PDF and a Heading N paragraph in Word.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Heading {
    pub level: u8,
    pub text: String,
    pub contents: bool,
}

/// A goal's head: its status symbol and title, and the assessment line under it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct GoalHead {
    /// The heading level it has in Word (below the section it is in).
    pub level: u8,
    pub title: String,
    pub status: Option<Status>,
    pub assessment: Option<Chip>,
}

/// The assessment: step with symbol on its colour, and the review state beside it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Chip {
    pub text: String,
    pub colour: Colour,
    pub state: String,
}

/// A table: columns (title, width, alignment: right for numbers), rows of cells. The
/// header row is repeated on every page the table spans.
#[derive(Debug, Clone)]
pub(crate) struct Table {
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Cell>>,
    /// Font size in points.
    pub size: f32,
    /// Not broken over pages when it fits on one (a resultaträkning, a short summary).
    pub keep_together: bool,
}

impl Table {
    /// A table that may break over pages (its header row repeated).
    pub fn new(columns: Vec<Column>, rows: Vec<Vec<Cell>>, size: f32) -> Self {
        Self { columns, rows, size, keep_together: false }
    }
}

/// A chart's description: values by year, the target by year, and how numbers read.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Chart {
    pub title: String,
    /// The indicator's unit ("%", "st"), for the reader.
    pub unit: String,
    pub decimals: usize,
    /// (year, value), ascending; years without a value are missing.
    pub points: Vec<(i32, f64)>,
    /// (year, target), ascending.
    pub targets: Vec<(i32, f64)>,
    /// The last value covers only part of its year ("2026: delår").
    pub partial_label: Option<String>,
}

/// One part of the summary's bar: a scale step (or "not assessed") and how many.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct BarPart {
    pub label: String,
    pub count: usize,
    pub symbol: &'static str,
    /// The bar's colour.
    pub colour: Colour,
    /// The symbol's colour in the legend.
    pub symbol_colour: Colour,
}

/// The blocks a report body is made of.
#[derive(Debug, Clone)]
pub(crate) enum Block {
    Heading(Heading),
    /// A paragraph of text, possibly with bold pieces.
    Paragraph {
        spans: Vec<Span>,
        style: TextStyle,
    },
    /// A bulleted item.
    Bullet {
        spans: Vec<Span>,
        style: TextStyle,
    },
    Goal(GoalHead),
    Table(Table),
    /// A row (or rows) of small trend charts.
    Charts(Vec<Chart>),
    /// The whole as a bar with a legend (the summary of goal attainment).
    Bar(Vec<BarPart>),
    /// Intern kontroll's risk matrix: 4 × 4 cells coloured by risk level, the risks by number.
    RiskMatrix(RiskMatrix),
}

/// Intern kontroll's risk matrix (`report::risk_matrix` draws it; Word gets it as a PNG).
/// The cells' colours and words follow from `internal_control::RiskLevel`, so a block
/// carries only the risks.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RiskMatrix {
    pub risks: Vec<MatrixRisk>,
}

/// A risk placed in the matrix: its number in the plan and its scores, 1–4 each.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct MatrixRisk {
    pub number: u32,
    pub probability: u8,
    pub consequence: u8,
}

impl RiskMatrix {
    /// The matrix of a plan's risks (numbers as the plan's list shows them).
    pub fn of(view: &crate::internal_control::ControlPlanView) -> Self {
        RiskMatrix {
            risks: view
                .risks
                .iter()
                .map(|r| MatrixRisk { number: r.number, probability: r.probability, consequence: r.consequence })
                .collect(),
        }
    }
}

impl Block {
    /// A paragraph of plain text.
    pub fn text(text: impl Into<String>, style: TextStyle) -> Self {
        Block::Paragraph { spans: vec![Span { text: text.into(), weight: Weight::Regular }], style }
    }

    pub fn heading(level: u8, text: impl Into<String>, contents: bool) -> Self {
        Block::Heading(Heading { level, text: text.into(), contents })
    }
}

/// Analysis text as blocks: paragraphs and bullets with their bold pieces.
pub(crate) fn rich_text(text: &str, style: TextStyle) -> Vec<Block> {
    super::pdf_layout::parse_rich_text(text)
        .into_iter()
        .map(|b| match b {
            super::pdf_layout::RichBlock::Paragraph(spans) => Block::Paragraph { spans, style },
            super::pdf_layout::RichBlock::Bullet(spans) => Block::Bullet { spans, style },
        })
        .collect()
}

impl Report {
    /// The headings in order: what both renderers must show as headings.
    pub fn headings(&self) -> Vec<&Heading> {
        self.blocks
            .iter()
            .filter_map(|b| match b {
                Block::Heading(h) => Some(h),
                _ => None,
            })
            .collect()
    }
}

/// A column spanning what the others leave of the content width.
pub(crate) fn fill_first_column(columns: &mut [Column]) {
    let used: f32 = columns.iter().skip(1).map(|c| c.width).sum();
    if let Some(first) = columns.first_mut() {
        first.width = CONTENT_WIDTH - used;
    }
}

/// A left-aligned column.
pub(crate) fn column(title: &str, width: f32, align: Align) -> Column {
    Column { title: title.into(), width, align }
}
