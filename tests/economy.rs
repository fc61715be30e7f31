//! The economy follow-up through the core: figures written and read back, the rules every
//! write keeps (locked periods, review states, undo, audit rows), the report data's totals
//! and signs, and the demo's statements adding up. Amounts are exact öre throughout.

mod common;

use styrkort::economy::figures::{Figures, InvestmentFigures, OperatingFigures, StatementFigure};
use styrkort::economy::grid::{self, EconomyTarget, InvestmentField, OperatingField};
use styrkort::economy::report::{self, EconomyReport};
use styrkort::economy::statement::Statement;
use styrkort::economy::AmountUnit;
use styrkort::follow_up::review::ReviewAction;
use styrkort::model::{AssessmentState, EconomyPart, EconomySource, StatementColumn, StatementScope};
use styrkort::store::economy;
use styrkort::{seed, ChangeContext, ErrorCode, Store};

const TKR: i64 = 100_000;
const MNKR: i64 = 1_000 * TKR;

fn ctx() -> ChangeContext {
    ChangeContext::new("Erik Ekonom", "2026-09-12T09:00:00")
}

/// The demo with its economy.
fn demo() -> Store {
    let mut store = Store::open_in_memory().unwrap();
    seed::load_demo(&mut store, &ctx()).unwrap();
    store
}

/// The demo without its economy (the goals seed alone).
fn bare() -> Store {
    let mut store = Store::open_in_memory().unwrap();
    seed::load(&mut store, &ctx(), seed::DEMO_SEED_NAME, seed::DEMO_SEED).unwrap();
    store
}

fn unit(store: &Store, name: &str) -> i64 {
    store.resolve_unit(name).unwrap().id
}

fn delar(store: &Store) -> i64 {
    store.resolve_period(2026, "delår").unwrap().id
}

fn economy_of(store: &Store) -> EconomyReport {
    report::of_period(store, 2026, delar(store)).unwrap()
}

fn operating(org_unit_id: i64, budget_year: Option<i64>, actual: Option<i64>, forecast: Option<i64>) -> OperatingFigures {
    OperatingFigures { org_unit_id, budget_year, budget_period: None, actual, forecast }
}

fn statement(row_key: &'static str, column: StatementColumn, amount: i64) -> StatementFigure {
    StatementFigure { scope: StatementScope::Kommun, row_key, column, amount }
}

fn write(store: &mut Store, period: i64, figures: &Figures) -> styrkort::Result<economy::FiguresSummary> {
    store.write(&ctx(), |w| economy::write_figures(w, period, figures, EconomySource::Sie))
}

#[test]
fn figures_written_are_read_back_exactly_and_none_leaves_a_figure_as_it_is() {
    let mut store = bare();
    let (sn, period) = (unit(&store, "Socialnämnden"), delar(&store));
    // An amount no floating point holds exactly: 398 000 001,23 kr.
    let odd = -39_800_000_123;
    let first = Figures {
        operating: vec![operating(sn, Some(odd), Some(-276_100 * TKR), Some(-412 * MNKR))],
        statements: vec![statement("rr.tax", StatementColumn::Actual, 564_300 * TKR + 7)],
        investments: vec![],
    };
    let summary = write(&mut store, period, &first).unwrap();
    assert_eq!((summary.operating_changed, summary.statements_changed), (1, 1));
    let row = economy::operating_at(store.read(), sn, period).unwrap().unwrap();
    assert_eq!((row.budget_year, row.actual, row.forecast), (Some(odd), Some(-276_100 * TKR), Some(-412 * MNKR)));
    assert_eq!(row.source, EconomySource::Sie);
    assert_eq!(
        economy::statement_at(store.read(), period, StatementScope::Kommun, "rr.tax", StatementColumn::Actual).unwrap(),
        Some(564_300 * TKR + 7)
    );

    // A later import with only the forecast changes the forecast and keeps the rest.
    let audit = store.audit_count().unwrap();
    write(&mut store, period, &Figures { operating: vec![operating(sn, None, None, Some(-414 * MNKR))], ..Default::default() }).unwrap();
    let row = economy::operating_at(store.read(), sn, period).unwrap().unwrap();
    assert_eq!((row.budget_year, row.actual, row.forecast), (Some(odd), Some(-276_100 * TKR), Some(-414 * MNKR)));
    assert_eq!(store.audit_count().unwrap(), audit + 1, "one audit row for the one change");

    // The same figures again change nothing and write no audit row.
    let again = write(&mut store, period, &first).unwrap();
    let audit = store.audit_count().unwrap();
    let same = write(&mut store, period, &first).unwrap();
    assert!(again.changed() > 0);
    assert_eq!((same.changed(), same.unchanged), (0, 2));
    assert_eq!(store.audit_count().unwrap(), audit);
}

#[test]
fn every_change_leaves_an_audit_row_with_before_and_after() {
    let mut store = bare();
    let (sn, period) = (unit(&store, "Socialnämnden"), delar(&store));
    write(&mut store, period, &Figures { operating: vec![operating(sn, Some(-398 * MNKR), None, None)], ..Default::default() }).unwrap();
    write(&mut store, period, &Figures { operating: vec![operating(sn, Some(-399 * MNKR), None, None)], ..Default::default() }).unwrap();
    let rows = styrkort::store::journal::of_entity(store.read(), "economy_operating", &format!("{sn}/{period}")).unwrap();
    assert_eq!(rows.iter().map(|r| r.action.as_str()).collect::<Vec<_>>(), ["insert", "update"]);
    assert!(rows.iter().all(|r| r.user == "Erik Ekonom"));
    assert!(rows[1].after.as_deref().unwrap().contains(&(-399 * MNKR).to_string()));
}

#[test]
fn a_locked_period_refuses_figures_and_saves_nothing() {
    let mut store = bare();
    let (sn, period) = (unit(&store, "Socialnämnden"), delar(&store));
    store.write(&ctx(), |w| styrkort::store::periods::set_locked(w, period, true)).unwrap();
    let before = (store.counts().unwrap(), store.audit_count().unwrap());
    let figures = Figures {
        operating: vec![operating(sn, Some(-1), None, None)],
        statements: vec![statement("rr.tax", StatementColumn::Actual, 1)],
        ..Default::default()
    };
    let err = write(&mut store, period, &figures).unwrap_err();
    assert_eq!(err.code, ErrorCode::PeriodLocked);
    assert_eq!((store.counts().unwrap(), store.audit_count().unwrap()), before);
    // The grid says so per cell, and saves nothing either.
    let target = EconomyTarget::Operating { unit_ids: vec![sn], fields: vec![OperatingField::Forecast] };
    let outcome = grid::paste_and_save(&mut store, &ctx(), 2026, period, &target, "-412 000").unwrap();
    assert_eq!(outcome.saved, 0);
    assert!(outcome.problems[0].reason.contains("låst"), "{:?}", outcome.problems);
    assert_eq!((store.counts().unwrap(), store.audit_count().unwrap()), before);
}

#[test]
fn a_part_that_is_not_a_draft_refuses_edits_until_it_is_sent_back() {
    let mut store = bare();
    let (sn, ks, period) = (unit(&store, "Socialnämnden"), unit(&store, "Kommunstyrelsen"), delar(&store));
    let review = |store: &mut Store, action: ReviewAction| {
        store.write(&ctx(), |w| w.review_economy(period, EconomyPart::Operating, Some(sn), &action))
    };
    assert_eq!(review(&mut store, ReviewAction::Submit).unwrap(), AssessmentState::Ready);
    let err =
        write(&mut store, period, &Figures { operating: vec![operating(sn, Some(-1), None, None)], ..Default::default() }).unwrap_err();
    assert_eq!(err.code, ErrorCode::Conflict);
    assert!(err.message.contains("Driftredovisningen för Socialnämnden"), "{}", err.message);
    // Another nämnd's driftredovisning is its own part, still a draft.
    write(&mut store, period, &Figures { operating: vec![operating(ks, Some(-1), None, None)], ..Default::default() }).unwrap();
    assert_eq!(review(&mut store, ReviewAction::Approve).unwrap(), AssessmentState::Approved);
    assert_eq!(review(&mut store, ReviewAction::Return { comment: " ".into() }).unwrap_err().code, ErrorCode::Validation);
    assert_eq!(
        review(&mut store, ReviewAction::Return { comment: "Prognosen saknar förklaring.".into() }).unwrap(),
        AssessmentState::Draft
    );
    write(&mut store, period, &Figures { operating: vec![operating(sn, Some(-1), None, None)], ..Default::default() }).unwrap();
    let states: Vec<(EconomyPart, i64, AssessmentState)> =
        economy_of(&store).reviews.iter().map(|r| (r.part, r.org_unit_id, r.state)).collect();
    assert!(states.contains(&(EconomyPart::Operating, sn, AssessmentState::Draft)));
    // Only nämnder, förvaltningar and bolag have a driftredovisning to review.
    let enhet = unit(&store, "Hemtjänsten");
    let err = store.write(&ctx(), |w| w.review_economy(period, EconomyPart::Operating, Some(enhet), &ReviewAction::Submit)).unwrap_err();
    assert_eq!(err.code, ErrorCode::Validation);
}

#[test]
fn an_edit_in_the_grid_is_one_undo_step_and_undo_keeps_the_rules() {
    let mut store = demo();
    let (sn, period) = (unit(&store, "Socialnämnden"), delar(&store));
    let target = EconomyTarget::Operating { unit_ids: vec![sn], fields: vec![OperatingField::Actual, OperatingField::Forecast] };
    let outcome = grid::paste_and_save(&mut store, &ctx(), 2026, period, &target, "−280 000\t−420 000").unwrap();
    assert!(outcome.problems.is_empty(), "{:?}", outcome.problems);
    assert_eq!(outcome.saved, 2, "two cells changed");
    let line = outcome.economy.operating.iter().find(|l| l.org_unit_id == Some(sn)).unwrap();
    assert_eq!(line.deviation.ore, Some(-22 * MNKR), "−420 000 − (−398 000)");
    assert_eq!(line.deviation.text, "−22 000");
    let undoable = styrkort::planning::undoable_changes(store.read(), 5).unwrap();
    assert_eq!(undoable[0].label, "Ekonomi i Delår 2026");

    // Undo is refused while the part is not a draft, and in a locked period.
    store.write(&ctx(), |w| w.review_economy(period, EconomyPart::Operating, Some(sn), &ReviewAction::Submit)).unwrap();
    assert_eq!(store.write(&ctx(), |w| w.undo_last()).unwrap_err().code, ErrorCode::Conflict);
    store
        .write(&ctx(), |w| w.review_economy(period, EconomyPart::Operating, Some(sn), &ReviewAction::Return { comment: "Rätta".into() }))
        .unwrap();
    store.write(&ctx(), |w| styrkort::store::periods::set_locked(w, period, true)).unwrap();
    assert_eq!(store.write(&ctx(), |w| w.undo_last()).unwrap_err().code, ErrorCode::PeriodLocked);
    store.write(&ctx(), |w| styrkort::store::periods::set_locked(w, period, false)).unwrap();

    store.write(&ctx(), |w| w.undo_last()).unwrap();
    let row = economy::operating_at(store.read(), sn, period).unwrap().unwrap();
    assert_eq!((row.actual, row.forecast), (Some(-276_100 * TKR), Some(-412 * MNKR)), "the demo's figures are back");
    assert_eq!(row.source, EconomySource::Seed);
}

#[test]
fn the_driftredovisning_totals_the_namnder_apart_from_the_bolag_and_signs_the_deviation() {
    let store = demo();
    let e = economy_of(&store);
    assert_eq!(e.operating.len(), 8, "eight nämnder: {:?}", e.operating.iter().map(|l| &l.name).collect::<Vec<_>>());
    assert_eq!(e.companies.len(), 1);
    let sum = |f: fn(&styrkort::economy::report::OperatingLine) -> Option<i64>| e.operating.iter().filter_map(f).sum::<i64>();
    assert_eq!(e.operating_total.budget_year.ore, Some(sum(|l| l.budget_year.ore)));
    assert_eq!(e.operating_total.forecast.ore, Some(sum(|l| l.forecast.ore)));
    assert_eq!(e.operating_total.deviation.ore, Some(sum(|l| l.deviation.ore)), "the total's deviation is the sum of the deviations");
    assert_eq!(e.operating_total.budget_year.text, "−1 026 400");
    let sn = e.operating.iter().find(|l| l.name == "Socialnämnden").unwrap();
    assert_eq!(sn.deviation.ore, Some(-14 * MNKR), "over budget is negative");
    assert_eq!(sn.deviation.text, "−14 000");
    let ks = e.operating.iter().find(|l| l.name == "Kommunstyrelsen").unwrap();
    assert!(ks.deviation.ore.unwrap() > 0, "under budget is positive");
    assert!(e.operating.iter().all(|l| l.kind != Some(styrkort::model::UnitKind::Bolag)));
    // Investments: money spent is positive, and the deviation is budget − prognos.
    assert_eq!(e.investments.len(), 6);
    let p101 = e.investments.iter().find(|l| l.code == "P101").unwrap();
    assert_eq!(p101.deviation.ore, Some(4_500 * TKR));
    assert_eq!(e.investments_total.budget_year.ore, Some(81_500 * TKR));
    assert_eq!(e.investments_total.deviation.text, "8 700");
    // In mnkr the same figures show with one decimal.
    let m = report::of_period_in(&store, 2026, delar(&store), AmountUnit::Mnkr).unwrap();
    assert_eq!(m.operating_total.deviation.text, "−17,3", "−17 250 tkr rounds away from zero");
    assert_eq!(m.operating_total.deviation.ore, e.operating_total.deviation.ore, "only the text changes");
}

#[test]
fn the_demo_statements_add_up() {
    let store = demo();
    let e = economy_of(&store);
    let rr = e.statement(Statement::Income).unwrap();
    let br = e.statement(Statement::Balance).unwrap();
    let bk = e.statement(Statement::BalanceRequirement).unwrap();
    let actual = StatementColumn::Actual;
    assert_eq!(rr.amount("rr.result", actual), br.amount("br.equity_result", actual), "Årets resultat is the same in the RR and the BR");
    assert_eq!(br.amount("br.total_assets", actual), br.amount("br.total_equity_liabilities", actual), "the balance sheet balances");
    assert_eq!(
        br.amount("br.total_assets", StatementColumn::ActualLastYear),
        br.amount("br.total_equity_liabilities", StatementColumn::ActualLastYear)
    );
    // The balanskrav from the full-year forecast: the result less the realisationsvinst.
    let forecast = StatementColumn::Forecast;
    assert_eq!(rr.amount("rr.result", forecast), Some(11_450 * TKR));
    assert_eq!(bk.amount("bk.requirement", forecast), Some(9_350 * TKR));
    assert_eq!(rr.filled, vec![true, true, true, true]);
    assert_eq!(br.filled, vec![true, true, false, false], "the balance sheet has the period's end and last year's end");
    assert_eq!(br.column_labels[..2], ["2026-08-31".to_string(), "2025-12-31".to_string()]);
    assert_eq!(rr.column_labels[0], "Utfall jan–aug 2026");
    assert!(e.has_figures);
    assert!(e.reviews.iter().all(|r| r.state == AssessmentState::Draft));
    assert_eq!(e.reviews.len(), 8 + 1 + 2, "eight nämnder, the bolag, the investments and the statements");
}

#[test]
fn a_pasted_statement_may_carry_its_sums_when_they_agree() {
    let mut store = bare();
    let period = delar(&store);
    let keys = ["rr.revenue", "rr.costs", "rr.depreciation", "rr.net_cost"].map(String::from).to_vec();
    let target = EconomyTarget::Statements { row_keys: keys, columns: vec![StatementColumn::Actual] };
    let wrong = grid::paste_and_save(&mut store, &ctx(), 2026, period, &target, "100\n-300\n-10\n-200").unwrap();
    assert_eq!(wrong.saved, 0);
    assert_eq!((wrong.problems.len(), wrong.problems[0].row), (1, 4));
    assert!(wrong.problems[0].reason.contains("−210"), "{}", wrong.problems[0].reason);
    let right = grid::paste_and_save(&mut store, &ctx(), 2026, period, &target, "100\n-300\n-10\n-210").unwrap();
    assert!(right.problems.is_empty(), "{:?}", right.problems);
    assert_eq!(right.saved, 3, "the sum is not stored");
    let rr = right.economy.statement(Statement::Income).unwrap();
    assert_eq!(rr.amount("rr.net_cost", StatementColumn::Actual), Some(-210 * TKR));
}

#[test]
fn a_block_is_saved_whole_or_not_at_all() {
    let mut store = demo();
    let period = delar(&store);
    let before = (store.counts().unwrap(), store.audit_count().unwrap());
    let projects = economy_of(&store).investments.iter().map(|l| l.project_id.unwrap()).collect::<Vec<_>>();
    let target = EconomyTarget::Investments {
        project_ids: projects[..2].to_vec(),
        fields: vec![InvestmentField::Actual, InvestmentField::Forecast],
    };
    let outcome = grid::paste_and_save(&mut store, &ctx(), 2026, period, &target, "15 000\t28 000\n11 500\tmånga\n1\t2").unwrap();
    let places: Vec<(u32, u32)> = outcome.problems.iter().map(|p| (p.row, p.column)).collect();
    assert_eq!(places, [(2, 2)], "only the unreadable cell; the third row is checked once the cells read");
    assert_eq!((store.counts().unwrap(), store.audit_count().unwrap()), before);
    let outcome = grid::paste_and_save(&mut store, &ctx(), 2026, period, &target, "15 000\t28 000\n11 500\t19 000\n1\t2").unwrap();
    assert_eq!(outcome.problems.len(), 2, "the third row is outside the table: {:?}", outcome.problems);
    assert_eq!((store.counts().unwrap(), store.audit_count().unwrap()), before);
}

#[test]
fn investment_figures_land_on_their_project_and_keep_what_is_not_given() {
    let mut store = demo();
    let period = delar(&store);
    let p101 = economy_of(&store).investments.iter().find(|l| l.code == "P101").unwrap().project_id.unwrap();
    let figures = Figures {
        investments: vec![InvestmentFigures { project_id: p101, actual: Some(15_000 * TKR), forecast: None }],
        ..Default::default()
    };
    assert_eq!(write(&mut store, period, &figures).unwrap().investments_changed, 1);
    let row = economy::follow_up_at(store.read(), p101, period).unwrap().unwrap();
    assert_eq!((row.actual, row.forecast), (Some(15_000 * TKR), Some(27_500 * TKR)));
    let unknown =
        Figures { investments: vec![InvestmentFigures { project_id: 999, actual: Some(1), forecast: None }], ..Default::default() };
    assert_eq!(write(&mut store, period, &unknown).unwrap_err().code, ErrorCode::NotFound);
    // A project of 2026 has no follow-up in a period of 2025.
    let old = store.resolve_period(2025, "delår").unwrap().id;
    assert_eq!(write(&mut store, old, &figures).unwrap_err().code, ErrorCode::Validation);
}

// ---- The Excel round trip -------------------------------------------------------------

/// The workbook with the XML of part `name` changed by `f`.
fn edit(bytes: &[u8], name: &str, f: impl FnOnce(&str) -> String) -> Vec<u8> {
    let mut all = common::zip_entries(bytes);
    let part = all.iter_mut().find(|(n, _)| n == name).unwrap_or_else(|| panic!("no part {name}"));
    part.1 = f(std::str::from_utf8(&part.1).unwrap()).into_bytes();
    common::zip_of(&all)
}

/// Replace the element of cell `reference` (e.g. `F7`) in a sheet's XML.
fn set_cell(xml: &str, reference: &str, element: &str) -> String {
    let start = xml.find(&format!("<c r=\"{reference}\"")).unwrap_or_else(|| panic!("no cell {reference}"));
    let rest = &xml[start..];
    let open = rest.find('>').unwrap();
    let len = if rest[..open].ends_with('/') { open + 1 } else { rest.find("</c>").unwrap() + 4 };
    format!("{}{element}{}", &xml[..start], &xml[start + len..])
}

#[test]
fn an_economy_template_round_trips_through_a_preview_and_is_applied_whole_or_not_at_all() {
    let mut store = demo();
    let period = delar(&store);
    let blank = styrkort::economy::template::template(&store, period).unwrap();
    let unchanged = styrkort::economy::template::read(&store, "ekonomi.xlsx", &blank).unwrap();
    assert!(unchanged.changes.is_empty() && unchanged.rejected.is_empty(), "{:?} {:?}", unchanged.changes, unchanged.rejected);

    // Socialnämnden is the third row of Drift (row 7 in Excel): its prognos in F7; the
    // Skatteintäkter line is the fourth of the statements sheet (row 8), utfall in C8.
    const DRIFT: &str = "xl/worksheets/sheet1.xml";
    const STATEMENTS: &str = "xl/worksheets/sheet2.xml";
    let filled = edit(&blank, DRIFT, |x| set_cell(x, "F7", "<c r=\"F7\" t=\"inlineStr\"><is><t>−420 000,5</t></is></c>"));
    let filled = edit(&filled, STATEMENTS, |x| set_cell(x, "C8", "<c r=\"C8\"><v>564400</v></c>"));
    let before = (store.counts().unwrap(), store.audit_count().unwrap());
    let preview = styrkort::economy::template::read(&store, "ekonomi.xlsx", &filled).unwrap();
    assert!(preview.rejected.is_empty(), "{:?}", preview.rejected);
    let what: Vec<(&str, &str, &str)> = preview.changes.iter().map(|c| (c.what.as_str(), c.old.as_str(), c.new.as_str())).collect();
    assert_eq!(
        what,
        [("Socialnämnden, Prognos helår", "−412 000", "−420 001"), ("Skatteintäkter, Utfall Delår 2026", "564 300", "564 400")]
    );
    assert_eq!((store.counts().unwrap(), store.audit_count().unwrap()), before, "a preview writes nothing");
    assert_eq!(styrkort::economy::template::apply(&mut store, &ctx(), &preview).unwrap(), 2);
    let sn = economy::operating_at(store.read(), unit(&store, "Socialnämnden"), period).unwrap().unwrap();
    assert_eq!(sn.forecast, Some(-42_000_050_000), "−420 000,5 tkr to the öre");
    assert_eq!(sn.source, EconomySource::Excel);
    assert_eq!(sn.actual, Some(-276_100 * TKR), "the rest of the row is as it was");
    assert_eq!(styrkort::planning::undoable_changes(store.read(), 1).unwrap()[0].label, "Ekonomimall för Delår 2026");

    // A word in an amount cell: the preview lists it and nothing can be applied.
    let bad = edit(&blank, DRIFT, |x| set_cell(x, "E5", "<c r=\"E5\" t=\"inlineStr\"><is><t>mycket</t></is></c>"));
    let preview = styrkort::economy::template::read(&store, "ekonomi.xlsx", &bad).unwrap();
    assert_eq!(preview.rejected.len(), 1);
    assert_eq!((preview.rejected[0].sheet.as_str(), preview.rejected[0].row, preview.rejected[0].column), ("Drift", 5, 5));
    let before = (store.counts().unwrap(), store.audit_count().unwrap());
    assert_eq!(styrkort::economy::template::apply(&mut store, &ctx(), &preview).unwrap_err().code, ErrorCode::BadFile);
    assert_eq!((store.counts().unwrap(), store.audit_count().unwrap()), before);

    // A moved column refuses the whole file; a locked period refuses the apply.
    let moved = edit(&blank, "xl/sharedStrings.xml", |x| x.replace("Prognos helår", "Prognos"));
    assert_eq!(styrkort::economy::template::read(&store, "ekonomi.xlsx", &moved).unwrap_err().code, ErrorCode::BadFile);
    let preview = styrkort::economy::template::read(&store, "ekonomi.xlsx", &filled).unwrap();
    let filled_again = edit(&filled, DRIFT, |x| set_cell(x, "F7", "<c r=\"F7\"><v>-1</v></c>"));
    let preview_again = styrkort::economy::template::read(&store, "ekonomi.xlsx", &filled_again).unwrap();
    assert!(preview.changes.is_empty(), "already applied: {:?}", preview.changes);
    store.write(&ctx(), |w| styrkort::store::periods::set_locked(w, period, true)).unwrap();
    let before = (store.counts().unwrap(), store.audit_count().unwrap());
    assert_eq!(styrkort::economy::template::apply(&mut store, &ctx(), &preview_again).unwrap_err().code, ErrorCode::PeriodLocked);
    assert_eq!((store.counts().unwrap(), store.audit_count().unwrap()), before);
}

#[test]
fn the_overview_shows_each_namnds_driftredovisning_beside_its_delivery() {
    let mut store = demo();
    let period = delar(&store);
    let today = chrono::NaiveDate::from_ymd_opt(2026, 9, 10).unwrap();
    let overview = styrkort::follow_up::completeness(&store, period, today).unwrap();
    assert_eq!((overview.economy_expected, overview.economy_reported, overview.economy_approved), (9, 9, 0));
    let row = |o: &styrkort::follow_up::Completeness, name: &str| o.rows.iter().find(|r| r.unit.name == name).unwrap().economy;
    assert_eq!(row(&overview, "Hemtjänsten"), None, "an enhet has no driftredovisning");
    let sn = unit(&store, "Socialnämnden");
    store.write(&ctx(), |w| w.review_economy(period, EconomyPart::Operating, Some(sn), &ReviewAction::Submit)).unwrap();
    store.write(&ctx(), |w| w.review_economy(period, EconomyPart::Operating, Some(sn), &ReviewAction::Approve)).unwrap();
    let overview = styrkort::follow_up::completeness(&store, period, today).unwrap();
    assert_eq!(row(&overview, "Socialnämnden").unwrap().state, AssessmentState::Approved);
    assert_eq!(overview.economy_approved, 1);
    // Helår has no economy yet: every nämnd's is missing.
    let helar = store.resolve_period(2026, "helår").unwrap().id;
    let overview = styrkort::follow_up::completeness(&store, helar, today).unwrap();
    assert_eq!((overview.economy_expected, overview.economy_reported), (9, 0));
    assert!(!row(&overview, "Valnämnden").unwrap().reported);
}

#[test]
fn amounts_are_typed_and_shown_in_mnkr_when_the_report_setting_says_so() {
    let mut store = demo();
    let period = delar(&store);
    let mut settings = styrkort::report::ReportSettings::load(&store).unwrap();
    settings.economy_unit = AmountUnit::Mnkr;
    settings.save(&mut store, &ctx()).unwrap();
    let sn = unit(&store, "Socialnämnden");
    let target = EconomyTarget::Operating { unit_ids: vec![sn], fields: vec![OperatingField::Forecast] };
    let outcome = grid::paste_and_save(&mut store, &ctx(), 2026, period, &target, "−414,25").unwrap();
    assert!(outcome.problems.is_empty(), "{:?}", outcome.problems);
    assert_eq!(outcome.economy.amount_unit, AmountUnit::Mnkr);
    let line = outcome.economy.operating.iter().find(|l| l.org_unit_id == Some(sn)).unwrap();
    assert_eq!(line.forecast.ore, Some(-41_425_000_000), "−414,25 mnkr to the öre");
    assert_eq!((line.forecast.text.as_str(), line.deviation.text.as_str()), ("−414,3", "−16,3"));
}

#[test]
fn the_command_line_shows_the_economy_and_reviews_a_part() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("styrkort.db");
    common::ok(&common::styrkort(&db, &["init", "--demo"]));
    let shown = common::ok(&common::styrkort(&db, &["ekonomi", "visa", "--år", "2026", "--period", "delår"]));
    let line =
        |start: &str| shown.lines().find(|l| l.starts_with(start)).unwrap_or_else(|| panic!("no line {start}:\n{shown}")).to_string();
    assert!(line("Socialnämnden").ends_with("−14 000"), "{}", line("Socialnämnden"));
    assert!(line("Summa nämnder").contains("−1 026 400"));
    assert!(line("Årets balanskravsresultat").ends_with("9 350"));
    assert!(line("Summa tillgångar").contains("1 454 800"));
    let json: serde_json::Value = serde_json::from_str(&common::ok(&common::styrkort(
        &db,
        &["ekonomi", "visa", "--år", "2026", "--period", "delår", "--format", "json"],
    )))
    .unwrap();
    assert_eq!(json["operating_total"]["deviation"]["ore"], -1_725_000_000i64);

    let review = |action: &str| {
        common::styrkort(
            &db,
            &["ekonomi", "granska", "--år", "2026", "--period", "delår", "--del", "drift", "--enhet", "Socialnämnden", "--åtgärd", action],
        )
    };
    assert!(common::ok(&review("klar")).contains("klar för granskning"));
    let refused = review("klar");
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("Driftredovisningen för Socialnämnden är klar för granskning"));
    assert!(common::ok(&review("godkänn")).contains("godkänd"));
    let shown = common::ok(&common::styrkort(&db, &["ekonomi", "visa", "--år", "2026", "--period", "delår"]));
    assert!(shown.contains("Socialnämnden (godkänd)"), "{shown}");
}
