//! The delårsrapport's section "Agenda 2030": per global goal, the KF-mål and nämndmål of the
//! report tagged with it (`agenda2030`), with their assessment words for the period (the
//! status word where a goal is not assessed). Left out when nothing in the report is tagged.

use std::collections::HashMap;

use super::document::{column, Block, Table, TextStyle, CONTENT_WIDTH};
use super::edition::Edition;
use super::pdf_layout::{Align, Cell};
use super::{status_symbol, status_word};
use crate::error::Result;
use crate::model::GoalLevel;
use crate::scorecard::{GoalCard, Scorecard};
use crate::store::Store;

pub(crate) fn section(
    out: &mut Vec<Block>,
    store: &Store,
    cards: &[&Scorecard],
    year: i32,
    assessment_heading: &str,
    edition: Edition,
) -> Result<()> {
    let goals: HashMap<i64, &GoalCard> = cards
        .iter()
        .flat_map(|c| c.perspectives.iter().flat_map(|p| p.goals.iter()))
        .filter(|g| matches!(g.level, GoalLevel::Kf | GoalLevel::Namnd))
        .map(|g| (g.id, g))
        .collect();
    let ids: Vec<i64> = goals.keys().copied().collect();
    let tagged = crate::agenda2030::report_goals(store.read(), year, &ids)?;
    if tagged.is_empty() {
        return Ok(());
    }
    out.push(Block::heading(1, "Agenda 2030", true));
    out.push(Block::text(
        "Kommunfullmäktiges mål och nämndernas mål ordnade efter de globala målen för hållbar utveckling som de bidrar till, med periodens bedömning. Ett mål kan bidra till flera globala mål.",
        TextStyle::Body,
    ));
    let width = CONTENT_WIDTH;
    let columns = vec![
        column("Globalt mål", width * 0.26, Align::Left),
        column("Mål", width * 0.44, Align::Left),
        column("Delmål", width * 0.1, Align::Left),
        column(assessment_heading, width * 0.2, Align::Left),
    ];
    let mut rows = Vec::new();
    for (number, list) in &tagged {
        let mut list: Vec<(&GoalCard, &String)> = list.iter().filter_map(|(id, t)| goals.get(id).map(|g| (*g, t))).collect();
        list.sort_by(|(a, _), (b, _)| {
            ((a.level != GoalLevel::Kf), &a.code, &a.title).cmp(&((b.level != GoalLevel::Kf), &b.code, &b.title))
        });
        for (i, (g, targets)) in list.iter().enumerate() {
            let global = if i == 0 { format!("{number} {}", crate::agenda2030::name_sv(*number)) } else { String::new() };
            let name = if g.code.is_empty() { g.title.clone() } else { format!("{} {}", g.code, g.title) };
            let level = match g.level {
                GoalLevel::Kf => "KF-mål",
                _ => "Nämndmål",
            };
            let word = match g.assessment.as_ref().and_then(|a| a.label.clone()) {
                Some(label) => format!("{} {label}", status_symbol(g.status.status)),
                None if edition == Edition::Draft => "ej bedömd".to_string(),
                None => format!("{} {}", status_symbol(g.status.status), status_word(g.status.status)),
            };
            rows.push(vec![
                Cell { text: global, bold: true, ..Default::default() },
                Cell::plain(format!("{name} ({level})")),
                Cell::plain(targets.to_string()),
                Cell::plain(word),
            ]);
        }
    }
    out.push(Block::Table(Table::new(columns, rows, 8.5)));
    Ok(())
}
