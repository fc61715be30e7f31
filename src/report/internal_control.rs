//! Intern kontroll in reports: the PDF "Uppföljning av intern kontroll" of one nämnd and
//! period (built as a document model and drawn by the delårsrapport's renderers), and the
//! delårsrapport's section "Intern kontroll" (per nämnd: controls reported, deviations,
//! actions).
//!
//! A follow-up report is a draft ("UTKAST" on every page, "utkast" in its title) unless
//! every control's follow-up in the period is approved; a final version is refused with
//! the list of what is not, like the delårsrapport's (`report::edition`).

use chrono::NaiveDate;

use super::document::{column, fill_first_column, Block, Cover, Meta, Report, RiskMatrix, Table, TextStyle};
use super::edition::Edition;
use super::pdf_layout::{Align, Cell};
use super::settings::ReportSettings;
use super::{date_sv, status_colour, status_symbol};
use crate::error::{AppError, Result};
use crate::internal_control::{self, ControlPlanView, RiskRow};
use crate::msg;
use crate::store::Store;

/// The follow-up of `unit_id`'s plan in `period_id` as a PDF.
pub fn follow_up_pdf(store: &Store, unit_id: i64, period_id: i64, today: NaiveDate, edition: Edition) -> Result<Vec<u8>> {
    super::delarsrapport_pdf::render(&build(store, unit_id, period_id, today, edition)?)
}

/// What a final version lacks: "control – state" lines.
fn not_approved(view: &ControlPlanView) -> Vec<String> {
    let mut out = Vec::new();
    for r in view.risks.iter().filter(|r| r.chosen) {
        for c in &r.controls {
            match &c.follow_up {
                None => out.push(format!("{}: ej rapporterad", c.what)),
                Some(f) if f.state != crate::model::AssessmentState::Approved => {
                    out.push(format!("{}: {}", c.what, f.state_label.to_lowercase()))
                }
                _ => {}
            }
        }
    }
    out
}

pub(crate) fn build(store: &Store, unit_id: i64, period_id: i64, today: NaiveDate, edition: Edition) -> Result<Report> {
    let period = store.period(period_id)?;
    let view = internal_control::plan_view(store, unit_id, period.plan_year, Some(period_id))?;
    if view.plan_id.is_none() {
        return Err(AppError::not_found(msg!(
            "{unit} har ingen plan för intern kontroll för {year}. Lägg upp planen först.",
            "{unit} has no internal control plan for {year}. Set up the plan first.",
            unit = view.unit.name,
            year = period.plan_year
        )));
    }
    let missing = not_approved(&view);
    let edition = match edition {
        Edition::Final if !missing.is_empty() => {
            let n = missing.len();
            let list = missing.iter().take(25).map(|m| format!("- {m}")).collect::<Vec<_>>().join("\n");
            return Err(AppError::conflict(msg!(
                "Slutversionen kan inte göras: {n} kontroller är inte godkända. Godkänn uppföljningen, eller gör ett utkast:\n{list}",
                "The final version cannot be made: {n} controls are not approved. Approve the follow-up, or make a draft:\n{list}"
            )));
        }
        // A draft is asked for, or everything is approved: a report with everything approved
        // is final, otherwise a draft.
        Edition::Draft if missing.is_empty() => Edition::Final,
        e => e,
    };
    let settings = ReportSettings::load(store)?;
    let suffix = edition.title_suffix();
    let name = "Uppföljning av intern kontroll";
    let mut report = Report {
        meta: Meta {
            title: format!("{name}{suffix} – {} – {}", view.unit.name, period.name),
            author: settings.municipality_name.clone(),
            subject: format!("{name}{suffix} för {}, {}", view.unit.name, period.name),
            keywords: vec!["intern kontroll".into(), "styrkort".into(), period.name.clone(), view.unit.name.clone()],
            language: "sv-SE".into(),
            date: today,
        },
        cover: Cover {
            over: settings.municipality_name.clone(),
            title: "Intern kontroll".into(),
            subtitle: format!("Uppföljning {}", period.name),
            unit: view.unit.name.clone(),
            lines: [
                (edition == Edition::Draft).then(|| "Utkast – inte godkänt för publicering".to_string()),
                (!view.decision.is_empty()).then(|| format!("Planen beslutad: {}", view.decision)),
                Some(format!("Utskriven {}", date_sv(today))),
            ]
            .into_iter()
            .flatten()
            .collect(),
            vision: None,
        },
        header_left: format!("{} · {name}{suffix} · {} · {}", settings.municipality_name, period.name, view.unit.name),
        footer_text: settings.footer_text.clone(),
        draft_mark: edition.page_mark().map(str::to_string),
        primary: settings.primary(),
        accent: settings.accent(),
        logo: settings.logo_bytes(),
        contents: false,
        blocks: Vec::new(),
    };
    let out = &mut report.blocks;
    out.push(Block::heading(1, "Sammanfattning", false));
    out.push(Block::text(summary_sentence(&view), TextStyle::Body));
    out.push(Block::heading(2, "Riskmatris", false));
    out.push(Block::text(
        "Varje risk är placerad efter sannolikhet och konsekvens (1–4) med sitt nummer i listan nedan. Rutans färg visar risknivån (sannolikhet × konsekvens), inte uppföljningens resultat.",
        TextStyle::Intro,
    ));
    out.push(Block::RiskMatrix(RiskMatrix::of(&view)));
    out.push(Block::Table(risk_table(&view.risks)));

    out.push(Block::heading(1, "Kontroller och resultat", false));
    out.push(Block::text("● Utan anmärkning  ▲ Avvikelse, åtgärd beslutad  ■ Avvikelse utan åtgärd  ○ Ej rapporterad", TextStyle::Note));
    for r in view.risks.iter().filter(|r| r.chosen) {
        out.push(Block::heading(2, format!("{}. {}", r.number, r.risk), false));
        out.push(Block::text(
            format!(
                "Process: {} · sannolikhet {} × konsekvens {} = {} ({})",
                r.process,
                r.probability,
                r.consequence,
                r.value,
                r.level_label.to_lowercase()
            ),
            TextStyle::Detail,
        ));
        if r.controls.is_empty() {
            out.push(Block::text("Risken har inga kontroller ännu.", TextStyle::Muted));
            continue;
        }
        for c in &r.controls {
            out.push(Block::Table(control_table(c)));
        }
    }

    let rest: Vec<&RiskRow> = view.risks.iter().filter(|r| !r.chosen).collect();
    if !rest.is_empty() {
        out.push(Block::heading(1, "Risker som inte valts till planen", false));
        let mut columns =
            vec![column("Risk", 0.0, Align::Left), column("Värde", 45.0, Align::Right), column("Hantering", 230.0, Align::Left)];
        fill_first_column(&mut columns);
        let rows = rest
            .iter()
            .map(|r| {
                vec![
                    Cell::plain(format!("{}. {} ({})", r.number, r.risk, r.process)),
                    Cell::plain(r.value.to_string()),
                    Cell::plain(if r.handling.is_empty() { "Ingen hantering angiven.".to_string() } else { r.handling.clone() }),
                ]
            })
            .collect();
        out.push(Block::Table(Table::new(columns, rows, 8.5)));
    }
    Ok(report)
}

fn summary_sentence(view: &ControlPlanView) -> String {
    let c = &view.counts;
    let chosen = view.risks.iter().filter(|r| r.chosen).count();
    format!(
        "Planen har {} risker, varav {chosen} är valda med {} kontroller. Av dem är {} rapporterade för perioden: {} utan anmärkning och {} med avvikelse, varav {} med beslutad åtgärd. {} av {} uppföljningar är godkända.",
        view.risks.len(),
        c.controls,
        c.reported,
        c.no_remarks,
        c.deviations,
        c.actions,
        c.approved,
        c.controls
    )
}

fn risk_table(risks: &[RiskRow]) -> Table {
    let mut columns = vec![
        column("Nr", 24.0, Align::Right),
        column("Process", 108.0, Align::Left),
        column("Risk", 0.0, Align::Left),
        column("S", 20.0, Align::Right),
        column("K", 20.0, Align::Right),
        column("Värde", 34.0, Align::Right),
        column("Risknivå", 60.0, Align::Left),
        column("Vald", 34.0, Align::Left),
    ];
    let used: f32 = columns.iter().map(|c| c.width).sum();
    columns[2].width = super::document::CONTENT_WIDTH - used;
    let rows = risks
        .iter()
        .map(|r| {
            vec![
                Cell::plain(r.number.to_string()),
                Cell::plain(r.process.clone()),
                Cell::plain(r.risk.clone()),
                Cell::plain(r.probability.to_string()),
                Cell::plain(r.consequence.to_string()),
                Cell { text: r.value.to_string(), bold: true, ..Default::default() },
                Cell {
                    text: r.level_label.clone(),
                    fill: Some(super::risk_matrix::level_colour(r.level).lighten(0.3)),
                    ..Default::default()
                },
                Cell::plain(if r.chosen { "Ja" } else { "Nej" }),
            ]
        })
        .collect();
    Table::new(columns, rows, 8.0)
}

fn control_table(c: &internal_control::ControlRow) -> Table {
    let mut columns = vec![column(&c.what, 0.0, Align::Left), column("", 300.0, Align::Left)];
    fill_first_column(&mut columns);
    let mut rows = vec![
        vec![Cell::plain("Hur"), Cell::plain(if c.method.is_empty() { "–".into() } else { c.method.clone() })],
        vec![Cell::plain("Hur ofta · vem"), Cell::plain(format!("{} · {}", or_dash(&c.frequency), or_dash(&c.responsible)))],
        vec![Cell::plain("Rapporteras"), Cell::plain(c.report_in_label.clone())],
        vec![
            Cell { text: "Resultat".into(), bold: true, ..Default::default() },
            Cell {
                text: format!("{} {}", status_symbol(c.light), c.light_label),
                bold: true,
                fill: Some(status_colour(c.light).lighten(0.72)),
                ..Default::default()
            },
        ],
    ];
    if let Some(f) = &c.follow_up {
        if !f.comment.is_empty() {
            rows.push(vec![Cell::plain("Kommentar"), Cell::plain(f.comment.clone())]);
        }
        if !f.deviation.is_empty() {
            rows.push(vec![Cell { text: "Avvikelse".into(), bold: true, ..Default::default() }, Cell::plain(f.deviation.clone())]);
            rows.push(vec![
                Cell { text: "Åtgärd".into(), bold: true, ..Default::default() },
                Cell::plain(if f.action.is_empty() { "Ingen åtgärd beslutad.".to_string() } else { f.action.clone() }),
            ]);
        }
        rows.push(vec![Cell::plain("Granskning"), Cell::plain(f.state_label.clone())]);
    }
    Table { keep_together: true, ..Table::new(columns, rows, 8.5) }
}

fn or_dash(s: &str) -> &str {
    if s.is_empty() {
        "–"
    } else {
        s
    }
}

/// The delårsrapport's section "Intern kontroll": per unit with a plan, controls reported,
/// deviations and actions. Nothing when no unit in the report has a plan.
pub(crate) fn delar_section(out: &mut Vec<Block>, store: &Store, year: i32, period_id: i64, unit_ids: &[i64]) -> Result<()> {
    let views = internal_control::plans_of_year(store, year, Some(period_id), Some(unit_ids))?;
    if views.is_empty() {
        return Ok(());
    }
    out.push(Block::heading(1, "Intern kontroll", true));
    out.push(Block::text(
        "Varje nämnd följer upp sin plan för intern kontroll. Tabellen visar hur många kontroller som är rapporterade för perioden, hur många som visade avvikelser och för hur många av dem en åtgärd är beslutad.",
        TextStyle::Body,
    ));
    let mut columns = vec![
        column("Nämnd", 0.0, Align::Left),
        column("Kontroller", 60.0, Align::Right),
        column("Rapporterade", 80.0, Align::Right),
        column("Utan anmärkning", 84.0, Align::Right),
        column("Avvikelser", 64.0, Align::Right),
        column("Med åtgärd", 64.0, Align::Right),
    ];
    fill_first_column(&mut columns);
    let rows = views
        .iter()
        .map(|v| {
            let c = &v.counts;
            vec![
                Cell::plain(v.unit.name.clone()),
                Cell::plain(c.controls.to_string()),
                Cell::plain(c.reported.to_string()),
                Cell::plain(c.no_remarks.to_string()),
                Cell { text: c.deviations.to_string(), bold: c.deviations > 0, ..Default::default() },
                Cell::plain(c.actions.to_string()),
            ]
        })
        .collect();
    out.push(Block::Table(Table { keep_together: true, ..Table::new(columns, rows, 8.5) }));
    for v in &views {
        for r in v.risks.iter().filter(|r| r.chosen) {
            for c in r.controls.iter().filter(|c| c.follow_up.as_ref().is_some_and(|f| !f.deviation.is_empty())) {
                let f = c.follow_up.as_ref().map(|f| (f.deviation.clone(), f.action.clone())).unwrap_or_default();
                let action = if f.1.is_empty() { "Ingen åtgärd är beslutad ännu.".to_string() } else { format!("Åtgärd: {}", f.1) };
                out.push(Block::Bullet {
                    spans: vec![
                        super::pdf_layout::Span {
                            text: format!("{} {} – {}: ", status_symbol(c.light), v.unit.name, c.what),
                            weight: super::pdf_layout::Weight::Bold,
                        },
                        super::pdf_layout::Span { text: format!("{} {action}", f.0), weight: super::pdf_layout::Weight::Regular },
                    ],
                    style: TextStyle::Body,
                });
            }
        }
    }
    Ok(())
}
