//! The delårsrapport's economy (LKBR 13 kap., RKR R17): the resultaträkning, the
//! balansräkning, the balanskravsutredning from the full-year forecast, the driftredovisning
//! per nämnd with the bolag apart, and the investeringsredovisning — as blocks of the report's
//! document model, so the PDF and the Word version print the same tables. The figures come
//! ready to print from `economy::report`; nothing is computed here but what a reader is told
//! in words (the balanskravsresultat and whether it must be restored).

use super::document::{column, fill_first_column, Block, Table, TextStyle};
use super::edition::Edition;
use super::pdf_layout::{Align, Cell, Colour};
use crate::economy::report::{EconomyReport, InvestmentLine, OperatingLine, StatementTable};
use crate::economy::statement::Statement;
use crate::model::{AssessmentState, StatementColumn};

const AMOUNT_W: f32 = 66.0;
const SIZE: f32 = 8.5;

/// The blocks of the economy section for a report on the whole municipality. Nothing when no
/// figure is entered for the period.
pub(crate) fn municipality(out: &mut Vec<Block>, e: &EconomyReport, edition: Edition) {
    if !e.has_figures {
        return;
    }
    out.push(Block::heading(1, "Ekonomisk redovisning", true));
    out.push(Block::text(
        format!(
            "Belopp i {}. Intäkter och tillgångar anges med plustecken, kostnader med minustecken. Avvikelse är prognos mot budget för helåret: ett positivt belopp är bättre än budget.",
            e.amount_unit.as_str()
        ),
        TextStyle::Intro,
    ));
    let statements_state = review_state(e, crate::model::EconomyPart::Statements);
    if let Some(t) = e.statement(Statement::Income) {
        out.push(Block::heading(2, "Resultaträkning", true));
        draft_note(out, edition, statements_state);
        out.push(statement_table(t));
    }
    if let Some(t) = e.statement(Statement::Balance) {
        out.push(Block::heading(2, "Balansräkning", true));
        draft_note(out, edition, statements_state);
        out.push(statement_table(t));
    }
    if let Some(t) = e.statement(Statement::BalanceRequirement) {
        out.push(Block::heading(2, "Balanskravsutredning", true));
        draft_note(out, edition, statements_state);
        out.push(statement_table(t));
        if let Some(text) = balance_requirement_text(t, e) {
            out.push(Block::text(text, TextStyle::Body));
        }
    }
    operating(out, e, edition, None);
    investments(out, e, edition);
    // The municipal group's statements (kommunkoncernen, the bolag included), when entered:
    // the årsredovisning's conclusion on god ekonomisk hushållning covers the group.
    if !e.group_statements.is_empty() {
        out.push(Block::heading(2, "Sammanställda räkenskaper – kommunkoncernen", true));
        for t in &e.group_statements {
            out.push(Block::heading(3, t.title.clone(), false));
            out.push(statement_table(t));
        }
    }
}

/// A nämnd's or bolag's own driftredovisning, for a report on that unit.
pub(crate) fn unit(out: &mut Vec<Block>, e: &EconomyReport, unit_id: i64, edition: Edition) {
    if e.operating.iter().chain(&e.companies).any(|l| l.org_unit_id == Some(unit_id) && has_any(l)) {
        out.push(Block::heading(1, "Ekonomi", true));
        operating(out, e, edition, Some(unit_id));
    }
}

fn has_any(l: &OperatingLine) -> bool {
    [&l.budget_year, &l.actual, &l.forecast].iter().any(|a| a.ore.is_some())
}

fn review_state(e: &EconomyReport, part: crate::model::EconomyPart) -> AssessmentState {
    e.reviews.iter().find(|r| r.part == part).map(|r| r.state).unwrap_or(AssessmentState::Draft)
}

/// A draft says when figures are not yet approved; a final version prints no review states.
fn draft_note(out: &mut Vec<Block>, edition: Edition, state: AssessmentState) {
    if edition == Edition::Draft && state != AssessmentState::Approved {
        out.push(Block::text(format!("({})", super::state_sv(state)), TextStyle::Muted));
    }
}

fn amount_cell(text: &str, bold: bool) -> Cell {
    Cell { text: text.to_string(), bold, ..Default::default() }
}

fn statement_table(t: &StatementTable) -> Block {
    let shown: Vec<usize> = (0..t.column_labels.len()).filter(|i| t.filled.get(*i).copied().unwrap_or(false)).collect();
    let mut columns = vec![column("", 0.0, Align::Left)];
    columns.extend(shown.iter().map(|i| column(&t.column_labels[*i], AMOUNT_W, Align::Right)));
    fill_first_column(&mut columns);
    let shade = Some(Colour::LIGHT_GREY.lighten(0.6));
    let rows = t
        .lines
        .iter()
        .map(|l| {
            let label = match l.sign_shown {
                -1 => format!("− {}", l.label),
                1 => format!("+ {}", l.label),
                _ => l.label.clone(),
            };
            let fill = if l.sum { shade } else { None };
            let mut row = vec![Cell { text: label, bold: l.sum, fill, ..Default::default() }];
            row.extend(shown.iter().map(|i| Cell { fill, ..amount_cell(&l.amounts[*i].text, l.sum) }));
            row
        })
        .collect();
    Block::Table(Table { keep_together: true, ..Table::new(columns, rows, SIZE) })
}

/// "Årets balanskravsresultat enligt prognosen är …": the number the council must know, and
/// what follows when it is negative (restored within three years, LKBR 11 kap.).
fn balance_requirement_text(t: &StatementTable, e: &EconomyReport) -> Option<String> {
    let (value, which) = match t.amount("bk.requirement", StatementColumn::Forecast) {
        Some(v) => (v, "enligt prognosen för helåret"),
        None => (t.amount("bk.requirement", StatementColumn::Actual)?, "för perioden"),
    };
    let text = crate::economy::amount::format_opt(Some(value), e.amount_unit);
    let unit = e.amount_unit.as_str();
    Some(if value < 0 {
        format!(
            "Årets balanskravsresultat {which} är {text} {unit}. Balanskravet uppfylls inte: ett negativt resultat ska återställas inom tre år, och fullmäktige ska besluta om en åtgärdsplan."
        )
    } else {
        format!("Årets balanskravsresultat {which} är {text} {unit}. Balanskravet uppfylls.")
    })
}

fn operating(out: &mut Vec<Block>, e: &EconomyReport, edition: Edition, only: Option<i64>) {
    let actual = actual_label(e);
    out.push(Block::heading(2, "Driftredovisning", only.is_none()));
    if only.is_some() {
        out.push(Block::text(
            format!("Belopp i {}. Avvikelse är prognos mot budget: positivt är bättre än budget.", e.amount_unit.as_str()),
            TextStyle::Intro,
        ));
    }
    let mut columns = vec![
        column("Nämnd", 0.0, Align::Left),
        column("Budget helår", AMOUNT_W, Align::Right),
        column(&actual, AMOUNT_W, Align::Right),
        column("Prognos helår", AMOUNT_W, Align::Right),
        column("Avvikelse", AMOUNT_W, Align::Right),
    ];
    fill_first_column(&mut columns);
    let row = |l: &OperatingLine, bold: bool, fill: Option<Colour>| {
        let mut name = l.name.clone();
        if edition == Edition::Draft && l.review.is_some_and(|s| s != AssessmentState::Approved) {
            name.push_str(&format!(" ({})", super::state_sv(l.review.unwrap_or(AssessmentState::Draft))));
        }
        let deviation_fill = match l.deviation.ore {
            Some(d) if d < 0 && !bold => Some(Colour::rgb(0xfd, 0xe8, 0xe8)),
            _ => fill,
        };
        vec![
            Cell { text: name, bold, fill, ..Default::default() },
            Cell { fill, ..amount_cell(&l.budget_year.text, bold) },
            Cell { fill, ..amount_cell(&l.actual.text, bold) },
            Cell { fill, ..amount_cell(&l.forecast.text, bold) },
            Cell { fill: deviation_fill, ..amount_cell(&l.deviation.text, true) },
        ]
    };
    let shade = Some(Colour::LIGHT_GREY.lighten(0.6));
    let mut rows = Vec::new();
    match only {
        Some(id) => {
            for l in e.operating.iter().chain(&e.companies).filter(|l| l.org_unit_id == Some(id)) {
                rows.push(row(l, false, None));
            }
        }
        None => {
            for l in e.operating.iter().filter(|l| has_any(l)) {
                rows.push(row(l, false, None));
            }
            rows.push(row(&e.operating_total, true, shade));
            for l in e.companies.iter().filter(|l| has_any(l)) {
                rows.push(row(l, false, None));
            }
        }
    }
    out.push(Block::Table(Table::new(columns, rows, SIZE)));
    // Each unit's own comment on its deviation, where written.
    for l in e.operating.iter().chain(&e.companies).filter(|l| only.is_none_or(|id| l.org_unit_id == Some(id))) {
        if !l.comment.trim().is_empty() {
            out.push(Block::Bullet {
                spans: vec![
                    super::pdf_layout::Span { text: format!("{}: ", l.name), weight: super::pdf_layout::Weight::Bold },
                    super::pdf_layout::Span { text: l.comment.trim().to_string(), weight: super::pdf_layout::Weight::Regular },
                ],
                style: TextStyle::Body,
            });
        }
    }
}

fn investments(out: &mut Vec<Block>, e: &EconomyReport, edition: Edition) {
    if e.investments.is_empty() {
        return;
    }
    out.push(Block::heading(2, "Investeringsredovisning", true));
    draft_note(out, edition, review_state(e, crate::model::EconomyPart::Investments));
    out.push(Block::text(
        "Investeringsutgifter per projekt. Avvikelse är budget mot prognos för helåret: ett positivt belopp är lägre utgifter än budgeterat.",
        TextStyle::Intro,
    ));
    let actual = actual_label(e);
    let mut columns = vec![
        column("Projekt", 0.0, Align::Left),
        column("Budget helår", AMOUNT_W, Align::Right),
        column(&actual, AMOUNT_W, Align::Right),
        column("Prognos helår", AMOUNT_W, Align::Right),
        column("Avvikelse", AMOUNT_W, Align::Right),
    ];
    fill_first_column(&mut columns);
    let row = |l: &InvestmentLine, bold: bool, fill: Option<Colour>| {
        let name = if l.code.is_empty() { l.name.clone() } else { format!("{} {}", l.code, l.name) };
        vec![
            Cell { text: name, bold, fill, note: (!l.unit_name.is_empty()).then(|| l.unit_name.clone()), ..Default::default() },
            Cell { fill, ..amount_cell(&l.budget_year.text, bold) },
            Cell { fill, ..amount_cell(&l.actual.text, bold) },
            Cell { fill, ..amount_cell(&l.forecast.text, bold) },
            Cell { fill, ..amount_cell(&l.deviation.text, true) },
        ]
    };
    let shade = Some(Colour::LIGHT_GREY.lighten(0.6));
    let mut rows: Vec<Vec<Cell>> = e.investments.iter().map(|l| row(l, false, None)).collect();
    rows.push(row(&e.investments_total, true, shade));
    out.push(Block::Table(Table::new(columns, rows, SIZE)));
}

/// The heading of the period's outcome ("Utfall jan–aug 2026"), as the statements name it.
fn actual_label(e: &EconomyReport) -> String {
    e.statement(Statement::Income).and_then(|t| t.column_labels.first().cloned()).unwrap_or_else(|| format!("Utfall {}", e.period.name))
}
