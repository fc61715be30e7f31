//! The economy of a period as Swedish plain text, for the command line
//! (`styrkort ekonomi visa`): driftredovisning, investeringar, resultaträkning,
//! balansräkning and balanskravsutredning, in columns.

use super::report::{EconomyReport, OperatingLine, StatementTable};
use crate::model::AssessmentState;

fn state_sv(state: AssessmentState) -> &'static str {
    match state {
        AssessmentState::Draft => "utkast",
        AssessmentState::Ready => "klar för granskning",
        AssessmentState::Approved => "godkänd",
    }
}

/// Left-aligned `text` in `width` characters (counted as characters, so åäö line up).
fn left(text: &str, width: usize) -> String {
    let n = text.chars().count();
    if n >= width {
        text.to_string()
    } else {
        format!("{text}{}", " ".repeat(width - n))
    }
}

fn right(text: &str, width: usize) -> String {
    let n = text.chars().count();
    if n >= width {
        text.to_string()
    } else {
        format!("{}{text}", " ".repeat(width - n))
    }
}

fn row(label: &str, label_width: usize, cells: &[&str], width: usize) -> String {
    let mut out = left(label, label_width);
    for c in cells {
        out.push_str("  ");
        out.push_str(&right(c, width));
    }
    out.trim_end().to_string() + "\n"
}

fn operating_label(l: &OperatingLine) -> String {
    match l.review {
        Some(state) if state != AssessmentState::Draft => format!("{} ({})", l.name, state_sv(state)),
        _ => l.name.clone(),
    }
}

fn operating_row(l: &OperatingLine, label_width: usize) -> String {
    row(&operating_label(l), label_width, &[&l.budget_year.text, &l.actual.text, &l.forecast.text, &l.deviation.text], 13)
}

fn statement(t: &StatementTable, unit: &str) -> String {
    let columns: Vec<usize> = (0..t.filled.len()).filter(|c| t.filled[*c]).collect();
    let mut out = format!("\n{} ({unit})\n", t.title);
    if columns.is_empty() {
        out.push_str("  Inga belopp är inlagda.\n");
        return out;
    }
    let width = columns.iter().map(|c| t.column_labels[*c].chars().count()).max().unwrap_or(12).max(12);
    let label_width = t.lines.iter().map(|l| l.label.chars().count() + 4).max().unwrap_or(40);
    let headers: Vec<&str> = columns.iter().map(|c| t.column_labels[*c].as_str()).collect();
    out.push_str(&row("", label_width, &headers, width));
    for l in &t.lines {
        let sign = match l.sign_shown {
            -1 => "− ",
            1 => "+ ",
            _ => "",
        };
        let label = if l.sum { l.label.clone() } else { format!("  {sign}{}", l.label) };
        let cells: Vec<&str> = columns.iter().map(|c| l.amounts[*c].text.as_str()).collect();
        out.push_str(&row(&label, label_width, &cells, width));
    }
    out
}

/// The whole economy of a period as text.
pub fn economy(r: &EconomyReport) -> String {
    let unit = r.amount_unit.as_str();
    let mut out = format!("Ekonomi {} ({unit})\n", r.period.name);
    if !r.has_figures {
        out.push_str("Inga ekonomiska uppgifter är inlagda för perioden.\n");
    }
    let label_width = r.operating.iter().chain(&r.companies).map(|l| operating_label(l).chars().count()).max().unwrap_or(30).max(30);
    out.push_str(&format!("\nDriftredovisning ({unit})\n"));
    out.push_str(&row("", label_width, &["Budget helår", "Utfall", "Prognos helår", "Avvikelse"], 13));
    for l in &r.operating {
        out.push_str(&operating_row(l, label_width));
    }
    out.push_str(&operating_row(&r.operating_total, label_width));
    for l in &r.companies {
        out.push_str(&operating_row(l, label_width));
    }
    out.push_str(&format!("\nInvesteringar ({unit})\n"));
    let label_width = r.investments.iter().map(|l| l.name.chars().count() + l.code.chars().count() + 3).max().unwrap_or(30).max(30);
    out.push_str(&row("", label_width, &["Budget", "Utfall", "Prognos", "Avvikelse"], 13));
    for l in r.investments.iter().chain(std::iter::once(&r.investments_total)) {
        let label = if l.code.is_empty() { l.name.clone() } else { format!("{} {}", l.code, l.name) };
        out.push_str(&row(&label, label_width, &[&l.budget_year.text, &l.actual.text, &l.forecast.text, &l.deviation.text], 13));
    }
    for t in r.statements.iter().chain(&r.group_statements) {
        out.push_str(&statement(t, unit));
    }
    let waiting = r.reviews.iter().filter(|x| x.state == AssessmentState::Ready).count();
    let approved = r.reviews.iter().filter(|x| x.state == AssessmentState::Approved).count();
    out.push_str(&format!("\nGranskning: {approved} av {} delar godkända, {waiting} klara för granskning.\n", r.reviews.len()));
    out
}
