//! What the report opens with and the texts it carries: the KF-mål table (mål, prognos or
//! bedömning, a short comment: the first sentence of the analysis), the goal counts per goal
//! level (KF-mål apart from nämnd- and enhetsmål), and the report's own texts
//! (`narrative::for_report`) as sections: blocks of the report's document model, so the PDF
//! and the Word version say the same.

use super::document::{self, column, fill_first_column, Block, Table, TextStyle, CONTENT_WIDTH};
use super::edition::Edition;
use super::pdf_layout::{Align, Cell, Colour};
use crate::model::{GoalLevel, Status};
use crate::narrative::{ReportText, Section, UnitTexts};
use crate::scorecard::Scorecard;

/// One row of the KF-mål table.
#[derive(Debug, Clone, PartialEq)]
pub struct KfRow {
    pub code: String,
    pub title: String,
    /// The assessment in the period's words ("Bedöms delvis uppfyllas" at delår), `None` when
    /// the goal has not been assessed.
    pub assessment: Option<String>,
    /// The step's colour (`#rrggbb`).
    pub colour: Option<String>,
    pub status: Option<Status>,
    /// The first sentence of the analysis, without formatting marks.
    pub comment: String,
}

/// The KF-mål of the report's cards (the municipality's goals at level kf), in order.
pub fn kf_rows(cards: &[&Scorecard]) -> Vec<KfRow> {
    cards
        .iter()
        .flat_map(|c| c.perspectives.iter())
        .flat_map(|p| &p.goals)
        .filter(|g| g.level == GoalLevel::Kf)
        .map(|g| KfRow {
            code: g.code.clone(),
            title: g.title.clone(),
            assessment: g.assessment.as_ref().and_then(|a| a.label.clone()),
            colour: g.assessment.as_ref().and_then(|a| a.colour.clone()),
            status: g.status.status,
            comment: g.assessment.as_ref().map(|a| short_comment(&a.analysis)).unwrap_or_default(),
        })
        .collect()
}

/// The KF-mål table's short comment: the analysis's first sentence, or the second when the
/// first only says what the assessment column already says ("Målet bedöms delvis uppfyllas
/// vid årets slut.").
pub fn short_comment(analysis: &str) -> String {
    let first = first_sentence(analysis);
    let lower = first.to_lowercase();
    let restates = lower.starts_with("målet ") && lower.contains("uppfyll") && first.split_whitespace().count() <= 9;
    if restates {
        let rest = analysis.replace("\r\n", "\n");
        let rest = rest.trim_start();
        // What follows the first sentence in the source (the marks are gone in `first`, so find
        // the end by the sentence's last word).
        if let Some(end) = first.split_whitespace().last().and_then(|w| rest.find(w).map(|i| i + w.len())) {
            let second = first_sentence(&rest[end..]);
            if !second.is_empty() {
                return second;
            }
        }
    }
    first
}

/// The first sentence of a text as a reader sees it: formatting marks (`**`, a bullet's "- ")
/// gone, ending at the first ". ", "! " or "? " (or the first paragraph's end).
pub fn first_sentence(text: &str) -> String {
    let paragraph = text.replace("\r\n", "\n").split("\n\n").map(str::trim).find(|p| !p.is_empty()).unwrap_or("").to_string();
    let plain: String = paragraph
        .lines()
        .map(|l| {
            let t = l.trim();
            ["- ", "• ", "* "].iter().find_map(|p| t.strip_prefix(p)).unwrap_or(t)
        })
        .collect::<Vec<_>>()
        .join(" ")
        .replace("**", "");
    let chars: Vec<char> = plain.chars().collect();
    for (i, c) in chars.iter().enumerate() {
        if matches!(c, '.' | '!' | '?') && chars.get(i + 1).is_none_or(|n| n.is_whitespace()) {
            // Not an abbreviation such as "t.ex.", "bl.a." or "ca.".
            let word: String = chars[..i].iter().rev().take_while(|c| !c.is_whitespace()).collect::<Vec<_>>().into_iter().rev().collect();
            let abbreviation =
                word.contains('.') || ["ca", "resp", "inkl", "exkl", "jfr", "nr", "st"].contains(&word.to_lowercase().as_str());
            if !abbreviation || chars.get(i + 1).is_none() {
                return chars[..=i].iter().collect();
            }
        }
    }
    plain
}

/// Goals per level and scale step: (level's name, counts per step, not assessed).
pub fn level_counts(cards: &[&Scorecard], steps: &[i32]) -> Vec<(&'static str, Vec<usize>, usize)> {
    [(GoalLevel::Kf, "KF-mål"), (GoalLevel::Namnd, "Nämndmål"), (GoalLevel::Enhet, "Enhetsmål")]
        .into_iter()
        .map(|(level, name)| {
            let mut counts = vec![0; steps.len()];
            let mut none = 0;
            for g in cards.iter().flat_map(|c| c.perspectives.iter()).flat_map(|p| &p.goals).filter(|g| g.level == level) {
                match g.assessment.as_ref().and_then(|a| a.step).and_then(|s| steps.iter().position(|x| *x == s)) {
                    Some(i) => counts[i] += 1,
                    None => none += 1,
                }
            }
            (name, counts, none)
        })
        .filter(|(_, counts, none)| counts.iter().sum::<usize>() + none > 0)
        .collect()
}

/// The goal counts per level: KF-mål apart from nämnd- and enhetsmål, a column per step.
pub(crate) fn level_table(out: &mut Vec<Block>, cards: &[&Scorecard], scale: &[crate::model::ScaleStep]) {
    let steps: Vec<i32> = scale.iter().map(|s| s.step).collect();
    let counts = level_counts(cards, &steps);
    if counts.is_empty() {
        return;
    }
    out.push(Block::heading(3, "Per målnivå", false));
    let step_w = 62.0;
    let mut columns = vec![column("Målnivå", 0.0, Align::Left)];
    columns.extend(scale.iter().map(|s| column(&s.label, step_w, Align::Right)));
    columns.push(column("Ej bedömd", step_w, Align::Right));
    columns.push(column("Antal mål", step_w, Align::Right));
    fill_first_column(&mut columns);
    let rows: Vec<Vec<Cell>> = counts
        .iter()
        .map(|(name, c, none)| {
            let mut row = vec![Cell { text: name.to_string(), bold: true, ..Default::default() }];
            row.extend(c.iter().map(|n| Cell::plain(n.to_string())));
            row.push(Cell::plain(none.to_string()));
            row.push(Cell { text: (c.iter().sum::<usize>() + none).to_string(), bold: true, ..Default::default() });
            row
        })
        .collect();
    out.push(Block::Table(Table { keep_together: true, ..Table::new(columns, rows, 8.5) }));
}

/// The KF-mål table ("Mål", the period's heading for the assessment, "Kort kommentar").
pub(crate) fn kf_table(out: &mut Vec<Block>, rows: &[KfRow], assessment_heading: &str, edition: Edition) {
    if rows.is_empty() {
        return;
    }
    let width = CONTENT_WIDTH;
    let columns = vec![
        column("Mål", width * 0.38, Align::Left),
        column(assessment_heading, width * 0.2, Align::Left),
        column("Kort kommentar", width * 0.42, Align::Left),
    ];
    let table: Vec<Vec<Cell>> = rows
        .iter()
        .map(|r| {
            let goal = if r.code.is_empty() { r.title.clone() } else { format!("{} {}", r.code, r.title) };
            let assessment = match &r.assessment {
                Some(label) => Cell {
                    text: format!("{} {label}", super::status_symbol(r.status)),
                    bold: true,
                    fill: Some(r.colour.as_deref().and_then(Colour::parse_hex).unwrap_or(super::status_colour(r.status)).lighten(0.7)),
                    ..Default::default()
                },
                None => Cell::plain(if edition == Edition::Draft { "ej bedömd" } else { "–" }),
            };
            vec![Cell { text: goal, bold: true, ..Default::default() }, assessment, Cell::plain(r.comment.clone())]
        })
        .collect();
    out.push(Block::Table(Table::new(columns, table, 8.5)));
}

/// The texts of `sections` of one unit, each under its heading at `level`, skipping those
/// not written. A draft marks a text that is not approved.
pub(crate) fn text_sections(out: &mut Vec<Block>, texts: Option<&UnitTexts>, sections: &[Section], level: u8, toc: bool, edition: Edition) {
    let Some(texts) = texts else { return };
    for s in sections {
        if let Some(t) = texts.texts.iter().find(|t| t.section == *s) {
            text_section(out, t, level, toc, edition);
        }
    }
}

fn text_section(out: &mut Vec<Block>, t: &ReportText, level: u8, toc: bool, edition: Edition) {
    out.push(Block::heading(level, t.title.clone(), toc));
    if edition == Edition::Draft && !t.approved() {
        let state = t.state.map(super::state_sv).unwrap_or("utkast");
        out.push(Block::text(format!("({state})"), TextStyle::Muted));
    }
    out.extend(document::rich_text(&t.body, TextStyle::Body));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_short_comment_is_the_first_sentence_without_marks() {
        assert_eq!(first_sentence("Målet bedöms **delvis** uppfyllas. Studieresultaten sjunker."), "Målet bedöms delvis uppfyllas.");
        assert_eq!(first_sentence("\n\n- Fler **elever** klarar målen\n- Färre avbrott"), "Fler elever klarar målen Färre avbrott");
        assert_eq!(first_sentence("Vi arbetar t.ex. med läsning. Sedan mer."), "Vi arbetar t.ex. med läsning.");
        assert_eq!(first_sentence("Ingen punkt"), "Ingen punkt");
        assert_eq!(first_sentence(""), "");
    }

    #[test]
    fn the_short_comment_skips_a_sentence_that_only_repeats_the_assessment() {
        let a = "Målet bedöms **delvis** uppfyllas vid årets slut. Studieresultaten sjunker i åk 9. Mer text.";
        assert_eq!(short_comment(a), "Studieresultaten sjunker i åk 9.");
        assert_eq!(short_comment("Fler elever klarar målen. Mer."), "Fler elever klarar målen.");
        assert_eq!(short_comment("Målet bedöms uppfyllas."), "Målet bedöms uppfyllas.");
    }
}
