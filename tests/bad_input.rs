//! The catalogue of bad input. Each case says what is wrong, feeds it in the way a user or a
//! file would (a seed file, CLI arguments, a database file, a change through the core's
//! writer), and asserts the exact error code, a message in English as well as in Swedish
//! (core calls), and that nothing was saved: `Store::counts()` and the audit count are the
//! same before and after (for database files: the bytes).
//!
//! Adding a case is one line in `cases()`. Importers add their own `Input` kind when they
//! arrive (e.g. `Import(fn(&mut Store) -> Result<()>)`), keeping the one-line shape.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{json, Value};
use styrkort::model::{ActivityStatus, AssessmentState, Direction, Frequency, Gender, GoalLevel, ToleranceKind, UnitKind, ValueSource};
use styrkort::store::{NewActivity, NewGoal, NewIndicator, NewUnit, Writer};
use styrkort::{seed, ChangeContext, ErrorCode, Result, Store};
use ErrorCode::*;
use Input::*;

const MINIMAL: &str = include_str!("fixtures/seed-minimal.json");

/// Ids in the minimal seed: units 1 kommun, 2 Socialnämnden, 3 Hemtjänsten Öster; goals
/// KF1 = 1, KF2 = 2, SN1 = 3, H1 = 4, H2 = 5; indicators 1–4; perspectives of 2026 1–4;
/// periods of 2025 1–3 and of 2026 4–6 (T1, delår, helår).
const DELAR_2026: i64 = 5;

enum Input {
    /// The minimal seed with one change, loaded into a new empty database.
    Seed(fn(&mut Value)),
    /// Seed text as it is, loaded into a new empty database.
    SeedText(&'static str),
    /// A change through the core's writer, on the minimal database.
    Write(fn(&mut Writer<'_>) -> Result<()>),
    /// `styrkort --db <minimal database> ARGS…`; `{db}` in an argument is the database path.
    Cli(&'static [&'static str]),
    /// The minimal database file altered by the function, then opened.
    DbFile(fn(&Path)),
    /// A core call on the minimal database (the value grid, an importer).
    Apply(fn(&mut Store) -> Result<()>),
    /// A core call, as `Apply`, on the minimal database file first prepared by the function
    /// (rows the core cannot write yet, a locked period).
    ApplyOn(fn(&Path), fn(&mut Store) -> Result<()>),
}

/// Uppdrag, intern kontroll and tjänstegarantier of 2026 (ids 1 for Hemtjänsten Öster, 2 for
/// Socialnämnden) with Hemtjänsten Öster's delår follow-up of each.
fn steering(path: &Path) {
    rusqlite::Connection::open(path)
        .unwrap()
        .execute_batch(
            "INSERT INTO assignment(id, plan_year, code, title, issuer_unit_id, responsible_unit_id) VALUES
               (1, 2026, 'KF 2026:3', 'Utred trygghetslarm', 1, 3), (2, 2026, 'KF 2026:4', 'Plan för heltid', 1, 2);
             INSERT INTO control_plan(id, org_unit_id, plan_year) VALUES (1, 3, 2026), (2, 2, 2026);
             INSERT INTO control_risk(id, plan_id, process, risk, probability, consequence, chosen) VALUES
               (1, 1, 'Inköp', 'Köp utanför avtal', 3, 3, 1), (2, 2, 'Delegation', 'Beslut utan delegation', 2, 4, 1);
             INSERT INTO control(id, risk_id, what, report_in) VALUES (1, 1, 'Stickprov på fakturor', 'delar_helar'),
               (2, 2, 'Granskning av delegationsbeslut', 'helar');
             INSERT INTO service_guarantee(id, org_unit_id, plan_year, promise) VALUES (1, 3, 2026, 'Besked inom två veckor');
             INSERT INTO assignment_follow_up(assignment_id, period_id, status, comment, changed_at, changed_by)
               VALUES (1, 5, 'in_progress', 'Utredningen pågår.', '2026-09-01T10:00:00', 'Eva');
             INSERT INTO control_follow_up(control_id, period_id, result, changed_at, changed_by)
               VALUES (1, 5, 'no_remarks', '2026-09-01T10:00:00', 'Eva');
             INSERT INTO service_guarantee_follow_up(guarantee_id, period_id, kept, changed_at, changed_by)
               VALUES (1, 5, 'kept', '2026-09-01T10:00:00', 'Eva');",
        )
        .unwrap();
}

/// `steering` with delår 2026 locked.
fn steering_locked(path: &Path) {
    steering(path);
    rusqlite::Connection::open(path).unwrap().execute("UPDATE follow_up_period SET locked=1 WHERE id=5", []).unwrap();
}

/// Import Hemtjänsten Öster's delår 2026 exchange file (with its uppdrag, control and
/// guarantee, see `steering`) after `change`, taking the file's side of every conflict.
fn exchange_steering(store: &mut Store, change: fn(&mut Value)) -> Result<()> {
    let bytes = styrkort::exchange::export(store, 3, DELAR_2026, &ctx())?;
    let mut file: Value = serde_json::from_slice(&bytes).unwrap();
    change(&mut file);
    import_exchange(store, serde_json::to_vec_pretty(&file).unwrap())
}

/// Paste `text` at the top-left of Hemtjänsten Öster's 2026 grid, as the window does; cells
/// that cannot be saved count as a `validation` error.
fn paste(store: &mut Store, row: usize, column: usize, text: &str) -> Result<()> {
    let target = styrkort::follow_up::value_grid(store, 3, 2026)?.target_at(row, column);
    let outcome = styrkort::follow_up::paste_and_save(store, &ctx(), 3, 2026, &target, text)?;
    match outcome.problems.first() {
        Some(p) => Err(styrkort::AppError::validation(styrkort::error::Msg { sv: p.reason.clone(), en: p.reason_en.clone() })),
        None => Ok(()),
    }
}

/// Import one Kolada file held in memory.
fn kolada(store: &mut Store, text: &str) -> Result<()> {
    styrkort::kolada::import::import_texts(store, &ctx(), &[("kolada.json", text)]).map(|_| ())
}

/// Export Hemtjänsten Öster's delår 2026 from the database itself as an exchange file,
/// give it something to write, change it with `change`, and import it (conflicts taken).
fn exchange(store: &mut Store, change: fn(&mut Value)) -> Result<()> {
    let bytes = styrkort::exchange::export(store, 3, DELAR_2026, &ctx())?;
    let mut file: Value = serde_json::from_slice(&bytes).unwrap();
    file["values"][0]["value"] = json!(12345.0);
    change(&mut file);
    import_exchange(store, serde_json::to_vec_pretty(&file).unwrap())
}

/// Import Hemtjänsten Öster's real exchange file after `change` on its bytes.
fn exchange_bytes(store: &mut Store, change: fn(Vec<u8>) -> Vec<u8>) -> Result<()> {
    let bytes = styrkort::exchange::export(store, 3, DELAR_2026, &ctx())?;
    import_exchange(store, change(bytes))
}

fn import_exchange(store: &mut Store, bytes: Vec<u8>) -> Result<()> {
    let preview = styrkort::exchange::preview(store, &[("enhet.styrkort-utbyte", bytes)])?;
    let take = preview.resolve_all(styrkort::exchange::ConflictChoice::TakeFile);
    styrkort::exchange::apply(store, &ctx(), &preview, &take).map(drop)
}

/// A small SIE 4 file for delår 2026 of the minimal seed, in UTF-8 (the cases change a line).
const SIE: &str = "#FLAGGA 0\n#SIETYP 4\n#FNAMN \"Testköpings kommun\"\n#RAR 0 20260101 20261231\n#KONTO 3010 \"Avgifter\"\n#DIM 1 \"Ansvar\"\n#OBJEKT 1 \"300\" \"Socialnämnden\"\n#PSALDO 0 202601 3010 {} -100.00\n#PSALDO 0 202601 3010 {1 \"300\"} -100.00\n#VER A 1 20260115 \"Avgift\"\n{\n#TRANS 3010 {1 \"300\"} -100.00\n#TRANS 1930 {} 100.00\n}\n";

/// Writes an import's figures as a setting, so an accepted file changes the database.
struct SieSink;

impl styrkort::economy::sie::import::FigureStore for SieSink {
    fn stored(&self, _db: styrkort::store::Read<'_>, _period_id: i64) -> Result<styrkort::economy::figures::Figures> {
        Ok(Default::default())
    }
    fn write(&self, w: &mut Writer<'_>, period_id: i64, figures: &styrkort::economy::figures::Figures) -> Result<()> {
        styrkort::store::settings::set(w, &format!("sie.{period_id}"), &format!("{figures:?}"))
    }
}

/// Import an SIE file (the bytes as they are) into delår 2026.
fn sie_bytes(store: &mut Store, bytes: &[u8]) -> Result<()> {
    use styrkort::economy::sie::import;
    let preview = import::preview(store, "bokslut.se", bytes, "delår", &SieSink)?;
    import::apply(store, &ctx(), &preview, &SieSink)
}

/// Import the small SIE file with `from` replaced by `to`.
fn sie(store: &mut Store, from: &str, to: &str) -> Result<()> {
    assert!(SIE.contains(from), "{from}");
    sie_bytes(store, SIE.replace(from, to).as_bytes())
}

/// Import an exchange file of `size` bytes from disk (sparse: nothing is really written).
fn exchange_of_size(store: &mut Store, size: u64) -> Result<()> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("stor.styrkort-utbyte");
    std::fs::File::create(&path).unwrap().set_len(size).unwrap();
    let file = styrkort::exchange::read_path(&path)?;
    styrkort::exchange::preview(store, &[file]).map(drop)
}

const KOLADA_ROW: &str = r#"{"count":1,"values":[{"kpi":"N00090","municipality":"2083","period":2022,"values":[{"count":1,"gender":"T","status":"","value":8.8,"isdeleted":false}]}],"next_url":null}"#;

/// A tjänstegaranti of `unit` for 2026.
fn guarantee(unit: i64, promise: &str) -> styrkort::unit_missions::GuaranteeForm {
    styrkort::unit_missions::GuaranteeForm { id: None, unit_id: unit, plan_year: 2026, promise: promise.into(), measured_by: String::new() }
}

/// The goal form of KF1 (id 1, kommun, perspective 1 of 2026) as it is.
fn kf1_form() -> styrkort::planning::forms::GoalForm {
    styrkort::planning::forms::GoalForm {
        id: Some(1),
        plan_year: 2026,
        owner_unit_id: 1,
        perspective_id: 1,
        code: "KF1".into(),
        title: "Nöjda invånare".into(),
        description: String::new(),
        parent_ids: Vec::new(),
    }
}

fn global(goal: u8, targets: &str) -> styrkort::agenda2030::GlobalGoalInput {
    styrkort::agenda2030::GlobalGoalInput { global_goal: goal, targets: targets.into() }
}

struct Case {
    name: &'static str,
    code: ErrorCode,
    input: Input,
}

fn case(name: &'static str, code: ErrorCode, input: Input) -> Case {
    Case { name, code, input }
}

#[rustfmt::skip] // one case, one line
fn cases() -> Vec<Case> {
    vec![
        // The value grid: typed and pasted values (all or nothing).
        case("paste: text in a number cell", Validation, Apply(|s| paste(s, 0, 0, "12,5\nmycket"))),
        case("paste: two decimal marks", Validation, Apply(|s| paste(s, 0, 0, "1.234,5"))),
        case("paste: spaces in the wrong place", Validation, Apply(|s| paste(s, 0, 0, "12 34"))),
        case("paste: block wider than the grid", Validation, Apply(|s| paste(s, 0, 2, "1\t2"))),
        case("paste: block taller than the grid", Validation, Apply(|s| paste(s, 0, 0, "1\n2\n3\n4\n5\n6\n7\n8\n9"))),
        case("paste: a number too large to be finite", Validation, Apply(|s| paste(s, 0, 0, "1e400"))),
        case("paste: an Excel error value", Validation, Apply(|s| paste(s, 0, 0, "#DIVISION/0!"))),
        // Kolada files.
        case("kolada: truncated JSON", BadFile, Apply(|s| kolada(s, &KOLADA_ROW[..60]))),
        case("kolada: a JSON array, not an envelope", BadFile, Apply(|s| kolada(s, "[1, 2, 3]"))),
        case("kolada: an unrelated object", BadFile, Apply(|s| kolada(s, r#"{"hej": "då"}"#))),
        case("kolada: unknown gender", BadFile, Apply(|s| kolada(s, &KOLADA_ROW.replace("\"gender\":\"T\"", "\"gender\":\"X\"")))),
        case("kolada: value as text", BadFile, Apply(|s| kolada(s, &KOLADA_ROW.replace("8.8", "\"8,8\"")))),
        case("kolada: empty file", BadFile, Apply(|s| kolada(s, ""))),
        // SIE 4 files from the ekonomisystem.
        case("sie: an amount that is not a number", BadFile, Apply(|s| sie(s, "{} -100.00", "{} -1OO.00"))),
        case("sie: an amount with three decimals", BadFile, Apply(|s| sie(s, "{} -100.00", "{} -100.005"))),
        case("sie: an amount with a decimal comma", BadFile, Apply(|s| sie(s, "{} -100.00", "{} -100,00"))),
        case("sie: a date that does not exist", BadFile, Apply(|s| sie(s, "20260115", "20260230"))),
        case("sie: a month that does not exist", BadFile, Apply(|s| sie(s, "0 202601 3010 {}", "0 202613 3010 {}"))),
        case("sie: a string never closed", BadFile, Apply(|s| sie(s, "\"Avgifter\"", "\"Avgifter"))),
        case("sie: an object list never closed", BadFile, Apply(|s| sie(s, "{1 \"300\"} -100.00\n#VER", "{1 \"300\" -100.00\n#VER"))),
        case("sie: a voucher never closed", BadFile, Apply(|s| sie(s, "100.00\n}\n", "100.00\n"))),
        case("sie: a closing brace too many", BadFile, Apply(|s| sie(s, "100.00\n}\n", "100.00\n}\n}\n"))),
        case("sie: a voucher without its block", BadFile, Apply(|s| sie(s, "\"Avgift\"\n{\n", "\"Avgift\"\n"))),
        case("sie: the financial year is not the period's", BadFile, Apply(|s| sie(s, "#RAR 0 20260101 20261231", "#RAR 0 20250101 20251231"))),
        case("sie: no financial year", BadFile, Apply(|s| sie(s, "#RAR 0 20260101 20261231\n", ""))),
        case("sie: a month outside the financial year", BadFile, Apply(|s| sie(s, "0 202601 3010 {}", "0 202701 3010 {}"))),
        case("sie: a NUL byte (not a text file)", BadFile, Apply(|s| sie(s, "Avgifter", "Avg\0ifter"))),
        case("sie: a broken byte order mark file", BadFile, Apply(|s| sie_bytes(s, b"\xEF\xBB\xBF#SIETYP 4\n#FNAMN \"\xFF\"\n"))),
        case("sie: an empty file", BadFile, Apply(|s| sie_bytes(s, b""))),
        case("sie: a JSON file", BadFile, Apply(|s| sie_bytes(s, b"{\"hej\": 1}"))),
        case("sie: mapping ranges that overlap", Conflict, Write(|w| styrkort::economy::sie::map::set_account_range(w, 3500, 4500, "rr.revenue"))),
        case("sie: mapping to a sum", Validation, Write(|w| styrkort::economy::sie::map::set_account_range(w, 9000, 9099, "rr.result"))),
        case("sie: mapping an object to an enhet", Validation, Write(|w| styrkort::economy::sie::map::set_object_unit(w, 1, "300", 3))),
        case("sie: the CLI given the database as the SIE file", BadFile, Cli(&["ekonomi", "sie", "{db}", "--period", "delår"])),
        case("sie: the CLI given a file that does not exist", NotFound, Cli(&["ekonomi", "sie", "finns-inte.se", "--period", "delår"])),
        case("sie: the CLI mapping a range backwards", Validation, Cli(&["ekonomi", "koppling", "konto", "3999", "3000", "rr.revenue"])),
        // Exchange files from units' offline copies.
        case("exchange: truncated JSON", BadFile, Apply(|s| exchange_bytes(s, |b| b[..b.len() / 2].to_vec()))),
        case("exchange: empty file", BadFile, Apply(|s| exchange_bytes(s, |_| Vec::new()))),
        case("exchange: not JSON at all", BadFile, Apply(|s| exchange_bytes(s, |_| "Hej! Här kommer våra siffror.".as_bytes().to_vec()))),
        case("exchange: not UTF-8", BadFile, Apply(|s| exchange_bytes(s, |mut b| { b[20] = 0xff; b }))),
        case("exchange: another program's JSON", BadFile, Apply(|s| exchange(s, |f| f["format"] = json!("annat-program")))),
        case("exchange: an unknown field", BadFile, Apply(|s| exchange(s, |f| f["okänt_fält"] = json!(1)))),
        case("exchange: a missing list", BadFile, Apply(|s| exchange(s, |f| drop(f.as_object_mut().unwrap().remove("values"))))),
        case("exchange: a value without its value field", BadFile, Apply(|s| exchange(s, |f| drop(f["values"][0].as_object_mut().unwrap().remove("value"))))),
        case("exchange: a value as text", BadFile, Apply(|s| exchange(s, |f| f["values"][0]["value"] = json!("12,5")))),
        case("exchange: an unknown gender", BadFile, Apply(|s| exchange(s, |f| f["values"][0]["gender"] = json!("X")))),
        case("exchange: a gender the indicator is not split by", BadFile, Apply(|s| exchange(s, |f| f["values"][0]["gender"] = json!("K")))),
        case("exchange: an unknown indicator", BadFile, Apply(|s| exchange(s, |f| f["values"][0]["indicator_id"] = json!(999)))),
        case("exchange: another unit's indicator", BadFile, Apply(|s| exchange(s, |f| f["values"][0]["indicator_id"] = json!(4)))),
        case("exchange: the same value twice", BadFile, Apply(|s| exchange(s, |f| { let v = f["values"][0].clone(); f["values"].as_array_mut().unwrap().push(v) }))),
        case("exchange: an unknown goal", BadFile, Apply(|s| exchange(s, |f| f["assessments"][0]["goal_id"] = json!(999)))),
        case("exchange: step 9 on a 3-step scale", BadFile, Apply(|s| exchange(s, |f| f["assessments"][0]["step"] = json!(9)))),
        case("exchange: an unknown review state", BadFile, Apply(|s| exchange(s, |f| f["assessments"][0]["state"] = json!("klar")))),
        case("exchange: an unknown unit", BadFile, Apply(|s| exchange(s, |f| f["unit"]["id"] = json!(99)))),
        case("exchange: an unknown period", BadFile, Apply(|s| exchange(s, |f| f["period"]["id"] = json!(99)))),
        case("exchange: from another database", BadFile, Apply(|s| exchange(s, |f| f["database_id"] = json!("0123456789abcdef")))),
        case("exchange: a newer format", BadFile, Apply(|s| exchange(s, |f| f["format_version"] = json!(2)))),
        case("exchange: from a newer Styrkort", BadFile, Apply(|s| exchange(s, |f| f["app_version"] = json!("99.0.0")))),
        case("exchange: a file of 200 MB", BadFile, Apply(|s| exchange_of_size(s, 200 * 1024 * 1024))),
        case("exchange: an unknown uppdrag", BadFile, ApplyOn(steering, |s| exchange_steering(s, |f| f["assignments"][0]["assignment_id"] = json!(999)))),
        case("exchange: another unit's uppdrag", BadFile, ApplyOn(steering, |s| exchange_steering(s, |f| f["assignments"][0]["assignment_id"] = json!(2)))),
        case("exchange: an unknown uppdrag status", BadFile, ApplyOn(steering, |s| exchange_steering(s, |f| f["assignments"][0]["status"] = json!("klart")))),
        case("exchange: a control of another unit", BadFile, ApplyOn(steering, |s| exchange_steering(s, |f| f["controls"][0]["control_id"] = json!(2)))),
        case("exchange: an unknown control result", BadFile, ApplyOn(steering, |s| exchange_steering(s, |f| f["controls"][0]["result"] = json!("ok")))),
        case("exchange: a guarantee kept as true", BadFile, ApplyOn(steering, |s| exchange_steering(s, |f| f["guarantees"][0]["kept"] = json!(true)))),
        case("exchange: an unknown guarantee", BadFile, ApplyOn(steering, |s| exchange_steering(s, |f| f["guarantees"][0]["guarantee_id"] = json!(999)))),
        case("exchange: the same control twice", BadFile, ApplyOn(steering, |s| exchange_steering(s, |f| { let c = f["controls"][0].clone(); f["controls"].as_array_mut().unwrap().push(c) }))),
        case("exchange: an uppdrag comment of 20 001 characters", BadFile, ApplyOn(steering, |s| exchange_steering(s, |f| f["assignments"][0]["comment"] = json!("å".repeat(20_001))))),
        case("exchange: uppdrag follow-up in a locked period", PeriodLocked, ApplyOn(steering_locked, |s| exchange_steering(s, |f| f["assignments"][0]["status"] = json!("done")))),
        // Seed files.
        case("seed is not JSON", BadFile, SeedText("{ det här är ingen json")),
        case("seed is an empty file", BadFile, SeedText("")),
        case("seed of another format", BadFile, Seed(|s| s["format"] = json!("annat-program"))),
        case("seed from a newer version", BadFile, Seed(|s| s["version"] = json!(2))),
        case("seed with an unknown field", BadFile, Seed(|s| s["okänt_fält"] = json!(1))),
        case("seed with a missing field", BadFile, Seed(|s| drop(s.as_object_mut().unwrap().remove("units")))),
        case("seed unit of an unknown kind", BadFile, Seed(|s| s["units"][1]["kind"] = json!("landsting"))),
        case("seed unit under an unknown parent", BadFile, Seed(|s| s["units"][2]["parent"] = json!("saknas"))),
        case("seed unit with an empty name", Validation, Seed(|s| s["units"][1]["name"] = json!("   "))),
        case("seed years backwards", BadFile, Seed(|s| s["years"] = json!([2026, 2025]))),
        case("seed plan year outside its years", BadFile, Seed(|s| s["plan_year"] = json!(2030))),
        case("seed scale of seven steps", Validation, Seed(|s| s["scale_steps"] = json!(7))),
        case("seed goal in an unknown perspective", BadFile, Seed(|s| s["goals"][0]["perspective"] = json!("Turism"))),
        case("seed value for an unknown period", BadFile, Seed(|s| s["indicators"][0]["values"] = json!({"2026 T9": 1}))),
        case("seed value that is not a number", BadFile, Seed(|s| s["indicators"][0]["values"] = json!({"2026 delår": "många"}))),
        case("seed activity ending before it starts", Validation, Seed(|s| s["activities"][0]["end"] = json!("2025-01-01"))),
        // Changes through the writer.
        case("unit with an empty name", Validation, Write(|w| styrkort::store::units::insert(w, unit(Some(1), UnitKind::Enhet, " ")).map(drop))),
        case("unit name of 501 characters", Validation, Write(|w| styrkort::store::units::insert(w, unit(Some(1), UnitKind::Enhet, &"x".repeat(501))).map(drop))),
        case("unit under an unknown parent", NotFound, Write(|w| styrkort::store::units::insert(w, unit(Some(999), UnitKind::Enhet, "Ny")).map(drop))),
        case("a second municipality at the top", Conflict, Write(|w| styrkort::store::units::insert(w, unit(None, UnitKind::Kommun, "Ny kommun")).map(drop))),
        case("unit without a parent", Validation, Write(|w| styrkort::store::units::insert(w, unit(None, UnitKind::Enhet, "Lös")).map(drop))),
        case("plan year 1899", Validation, Write(|w| styrkort::store::plan::insert_year(w, 1899, None, "", 3))),
        case("plan year that exists", Conflict, Write(|w| styrkort::store::plan::insert_year(w, 2026, None, "", 3))),
        case("scale of six steps", Validation, Write(|w| styrkort::store::plan::insert_year(w, 2027, None, "", 6))),
        case("period on 30 February", Validation, Write(|w| styrkort::store::periods::insert(w, 2026, styrkort::model::PeriodKind::Month, 2, "Feb", "2026-02-01", "2026-02-30", None).map(drop))),
        case("period ending before it starts", Validation, Write(|w| styrkort::store::periods::insert(w, 2026, styrkort::model::PeriodKind::Month, 3, "Mars", "2026-03-31", "2026-03-01", None).map(drop))),
        case("period in an unknown year", NotFound, Write(|w| styrkort::store::periods::insert_defaults(w, 2040).map(drop))),
        case("KF goal owned by a unit", Validation, Write(|w| styrkort::store::goals::insert(w, goal(GoalLevel::Kf, 1, 3)).map(drop))),
        case("goal in an unknown perspective", NotFound, Write(|w| styrkort::store::goals::insert(w, goal(GoalLevel::Enhet, 99, 3)).map(drop))),
        case("goal owned by an unknown unit", NotFound, Write(|w| styrkort::store::goals::insert(w, goal(GoalLevel::Enhet, 1, 99)).map(drop))),
        case("goal linked downwards", Conflict, Write(|w| styrkort::store::goals::link(w, 1, 4))),
        case("goal linked to an unknown goal", NotFound, Write(|w| styrkort::store::goals::link(w, 4, 999))),
        case("duplicate perspective", Conflict, Write(|w| styrkort::store::plan::insert_perspective(w, 2026, "Ekonomi", "").map(drop))),
        case("indicator with five decimals", Validation, Write(|w| styrkort::store::indicators::insert(w, indicator(|i| i.decimals = 5)).map(drop))),
        case("indicator with a negative tolerance", Validation, Write(|w| styrkort::store::indicators::insert(w, indicator(|i| i.tolerance = -1.0)).map(drop))),
        case("indicator with a bad Kolada id", Validation, Write(|w| styrkort::store::indicators::insert(w, indicator(|i| i.kolada_kpi_id = Some("N-90!".into()))).map(drop))),
        case("indicator of an unknown unit", NotFound, Write(|w| styrkort::store::indicators::insert(w, indicator(|i| i.owner_unit_id = 42)).map(drop))),
        case("target that is not a number", Validation, Write(|w| styrkort::store::indicators::set_target(w, 1, 2026, f64::NAN, None))),
        case("value that is infinite", Validation, Write(|w| styrkort::store::values::set(w, 1, 3, DELAR_2026, Gender::T, f64::INFINITY, ValueSource::Manual))),
        case("value for an unknown period", NotFound, Write(|w| styrkort::store::values::set(w, 1, 3, 999, Gender::T, 1.0, ValueSource::Manual))),
        case("value in a locked period", PeriodLocked, Write(|w| { styrkort::store::periods::set_locked(w, DELAR_2026, true)?; styrkort::store::values::set(w, 1, 3, DELAR_2026, Gender::T, 1.0, ValueSource::Manual) })),
        case("lock of an unknown period", NotFound, Write(|w| styrkort::store::periods::set_locked(w, 999, true))),
        case("assessment step 9 on a 3-step scale", Validation, Write(|w| styrkort::store::assessments::set(w, 1, 1, DELAR_2026, Some(9), "", AssessmentState::Draft))),
        case("assessment of an unknown goal", NotFound, Write(|w| styrkort::store::assessments::set(w, 999, 1, DELAR_2026, Some(1), "", AssessmentState::Draft))),
        case("analysis of 20 001 characters", Validation, Write(|w| styrkort::store::assessments::set(w, 1, 1, DELAR_2026, Some(1), &"å".repeat(20_001), AssessmentState::Draft))),
        case("activity ending before it starts", Validation, Write(|w| w.save_activity(&activity_form(Some("2026-05-01"), Some("2026-04-01"))).map(drop))),
        case("activity with a date in words", Validation, Write(|w| w.save_activity(&activity_form(Some("första maj"), None)).map(drop))),
        case("activity for an unknown goal", NotFound, Write(|w| styrkort::store::activities::insert(w, activity(None, None), &[4, 999]).map(drop))),
        // Economy figures (issue 15): through the one writer every import uses, and the grid.
        case("economy: driftredovisning for an enhet", Validation, Write(|w| figures(w, DELAR_2026, |f| f.operating.push(operating(3, Some(-100)))))),
        case("economy: driftredovisning for an unknown unit", NotFound, Write(|w| figures(w, DELAR_2026, |f| f.operating.push(operating(99, Some(-100)))))),
        case("economy: a nämnd twice in one import", Validation, Write(|w| figures(w, DELAR_2026, |f| { f.operating.push(operating(2, Some(-100))); f.operating.push(operating(2, Some(-200))) }))),
        case("economy: an amount above 10 000 miljarder", Validation, Write(|w| figures(w, DELAR_2026, |f| f.operating.push(operating(2, Some(i64::MAX)))))),
        case("economy: a sum line entered", Validation, Write(|w| figures(w, DELAR_2026, |f| f.statements.push(line("rr.result", 5))))),
        case("economy: an unknown line", Validation, Write(|w| figures(w, DELAR_2026, |f| f.statements.push(line("rr.bonus", 5))))),
        case("economy: figures for a locked period", PeriodLocked, Write(|w| { styrkort::store::periods::set_locked(w, DELAR_2026, true)?; figures(w, DELAR_2026, |f| f.statements.push(line("rr.tax", 5))) })),
        case("economy: figures for an approved part", Conflict, Write(|w| { approve_statements(w)?; figures(w, DELAR_2026, |f| f.statements.push(line("rr.tax", 5))) })),
        case("economy: approving a draft", Conflict, Write(|w| w.review_economy(DELAR_2026, styrkort::model::EconomyPart::Statements, None, &styrkort::follow_up::review::ReviewAction::Approve).map(drop))),
        case("economy: pasting text into the driftredovisning", Validation, Apply(|s| economy_paste(s, "−1 200\tmycket"))),
        case("economy: pasting more decimals than öre", Validation, Apply(|s| economy_paste(s, "0,000001"))),
        case("CLI: economy of an unknown period", Validation, Cli(&["ekonomi", "visa", "--år", "2026", "--period", "T9"])),
        case("CLI: an economy template from /dev/zero", Io, Cli(&["ekonomi", "läs", "/dev/zero", "--yes"])),
        case("CLI: an economy template that is a value template", BadFile, Apply(|s| { let t = styrkort::value_template::template(s, 3, DELAR_2026)?; styrkort::economy::template::read(s, "mall.xlsx", &t).map(drop) })),
        case("a good change followed by a bad one", Validation, Write(|w| { styrkort::store::settings::set(w, "ny", "ja")?; styrkort::store::units::insert(w, unit(Some(1), UnitKind::Enhet, "")).map(drop) })),
        // The command line.
        case("CLI: unknown unit", NotFound, Cli(&["scorecard", "--unit", "Finns inte", "--year", "2026"])),
        case("CLI: ambiguous unit", Validation, Cli(&["scorecard", "--unit", "n", "--year", "2026"])),
        case("CLI: unknown plan year", NotFound, Cli(&["periods", "--year", "2031"])),
        case("CLI: unknown period", Validation, Cli(&["scorecard", "--unit", "Socialnämnden", "--year", "2026", "--period", "T9"])),
        // Att göra and its calendar file (issue 16).
        case("att göra: a date that is not a date", Validation, Cli(&["att-göra", "--date", "2026-13-40"])),
        case("att göra: an unknown unit", NotFound, Cli(&["att-göra", "--unit", "Finns inte"])),
        case("ics: written over the database", Validation, Cli(&["export", "ics", "--out", "{db}"])),
        case("ics: into a folder that does not exist", Io, Cli(&["export", "ics", "--out", "/finns/inte/sista-dagar.ics"])),
        case("seed indicator with a two-line Ansvarig", Validation, Seed(|s| s["indicators"][0]["responsible"] = json!("Anna\nBerg"))),
        case("CLI: restore of a missing backup", NotFound, Cli(&["restore", "finns-inte.db", "--yes"])),
        case("CLI: restore of the database itself", Validation, Cli(&["restore", "{db}", "--yes"])),
        case("CLI: backup over an existing file", Conflict, Cli(&["backup", "--out", "{db}"])),
        case("CLI: backup into a missing folder", NotFound, Cli(&["backup", "--out", "/finns/inte/kopia.db"])),
        case("CLI: seed into a full database", Conflict, Cli(&["init", "--demo"])),
        case("CLI: exchange import of a missing file", NotFound, Cli(&["exchange", "import", "finns-inte.styrkort-utbyte", "--yes"])),
        case("CLI: exchange export without a year for 'delår'", Validation, Cli(&["exchange", "export", "--unit", "Hemtjänsten", "--period", "delår", "--out", "f.styrkort-utbyte"])),
        // Outputs and inputs the user names (issue 12): never over the database, never hanging.
        case("CLI: PDF export over the database itself", Validation, Cli(&["export", "pdf", "--report", "styrkort", "--unit", "Hemtjänsten", "--year", "2026", "--period", "delår", "--out", "{db}"])),
        case("CLI: workbook over the database named ./styrkort.db", Validation, Cli(&["export", "xlsx", "--year", "2026", "--out", "./styrkort.db"])),
        case("CLI: template over the database's WAL", Validation, Cli(&["export", "template", "--unit", "Hemtjänsten", "--year", "2026", "--period", "delår", "--out", "{db}-wal"])),
        case("CLI: verksamhetsplan over the database itself", Validation, Cli(&["export", "verksamhetsplan", "--year", "2026", "--out", "{db}"])),
        case("CLI: verksamhetsplan as a .txt file", Validation, Cli(&["export", "verksamhetsplan", "--year", "2026", "--out", "plan.txt"])),
        case("CLI: verksamhetsplan of an unknown plan year", NotFound, Cli(&["export", "verksamhetsplan", "--year", "2031", "--out", "plan.pdf"])),
        case("CLI: verksamhetsplan of an unknown nämnd", NotFound, Cli(&["export", "verksamhetsplan", "--year", "2026", "--unit", "Finns inte", "--out", "plan.pdf"])),
        case("CLI: exchange file over the database", Validation, Cli(&["exchange", "export", "--unit", "Hemtjänsten", "--period", "delår", "--year", "2026", "--out", "{db}"])),
        case("CLI: Kolada import of /dev/zero", Io, Cli(&["import", "kolada", "/dev/zero"])),
        case("CLI: a logo from /dev/zero", Io, Cli(&["report-settings", "--logo", "/dev/zero"])),
        case("CLI: a template from /dev/zero", Io, Cli(&["import", "xlsx", "/dev/zero", "--yes"])),
        case("CLI: an empty audit name", Validation, Cli(&["--user", "", "plan", "copy", "--from", "2026", "--to", "2027", "--yes"])),
        case("unit name with a terminal escape sequence", Validation, Write(|w| styrkort::store::units::insert(w, unit(Some(1), UnitKind::Enhet, "Ny\u{1b}[2Jenhet")).map(drop))),
        case("goal title with a line break", Validation, Write(|w| styrkort::store::goals::insert(w, NewGoal { title: "Två\nrader".into(), ..goal(GoalLevel::Enhet, 1, 3) }).map(drop))),
        // Uppdrag (issue 16): the form and the follow-up.
        case("uppdrag: an empty title", Validation, Write(|w| uppdrag(w, |f| f.title = " ".into()))),
        case("uppdrag: given by an enhet", Validation, Write(|w| uppdrag(w, |f| f.issuer_unit_id = 3))),
        case("uppdrag: a decision date that does not exist", Validation, Write(|w| uppdrag(w, |f| f.decision_date = Some("2026-02-30".into())))),
        case("uppdrag: deadline before the decision", Validation, Write(|w| uppdrag(w, |f| f.deadline = Some("2025-12-31".into())))),
        case("uppdrag: a goal that does not exist", Validation, Write(|w| uppdrag(w, |f| f.goal_ids = vec![999]))),
        case("uppdrag: closed without saying why", Validation, Write(|w| uppdrag_follow_up(w, DELAR_2026, styrkort::model::AssignmentStatus::ClosedUndone))),
        case("uppdrag: followed up in another year's period", Validation, Write(|w| uppdrag_follow_up(w, 2, styrkort::model::AssignmentStatus::Done))),
        case("uppdrag: approved before it is submitted", Conflict, Write(|w| { uppdrag_follow_up(w, DELAR_2026, styrkort::model::AssignmentStatus::Done)?; w.review_assignment_follow_up(1, DELAR_2026, &styrkort::follow_up::review::ReviewAction::Approve).map(drop) })),
        case("uppdrag: followed up in a locked period", PeriodLocked, Write(|w| { styrkort::store::periods::set_locked(w, DELAR_2026, true)?; uppdrag_follow_up(w, DELAR_2026, styrkort::model::AssignmentStatus::Done) })),
        case("CLI: uppdrag följ-upp with an unknown status", Validation, Cli(&["uppdrag", "följ-upp", "--uppdrag", "1", "--period", "delår", "--status", "klart"])),
        // Database files.
        case("database file of zero bytes", BadDatabase, DbFile(|p| std::fs::write(p, b"").unwrap())),
        case("database file that is text", BadDatabase, DbFile(|p| std::fs::write(p, "Det här är ett brev, ingen databas.\n".repeat(200)).unwrap())),
        case("database file cut in half", BadDatabase, DbFile(|p| truncate_to(p, 0.5))),
        case("database file with a garbled page", BadDatabase, DbFile(|p| garble_page(p, 3))),
        case("database from a newer version", NewerDatabase, DbFile(|p| set_user_version(p, 99))),
        case("another program's SQLite file", BadDatabase, DbFile(foreign_sqlite)),
        case("database with a foreign trigger", BadDatabase, DbFile(|p| rusqlite::Connection::open(p).unwrap().execute_batch("CREATE TRIGGER t AFTER INSERT ON audit_log BEGIN DELETE FROM indicator_value; END;").unwrap())),
        case("database with a dropped column", BadDatabase, DbFile(|p| rusqlite::Connection::open(p).unwrap().execute_batch("ALTER TABLE indicator_value DROP COLUMN value;").unwrap())),
        // Intern kontroll (issue 16): plans, risks, controls and their follow-up.
        case("intern kontroll: a plan for an enhet", Validation, Write(|w| w.save_control_plan(&ic_plan_form(3)).map(drop))),
        case("intern kontroll: probability 5", Validation, Write(|w| { let plan = w.save_control_plan(&ic_plan_form(2))?; w.save_control_risk(&ic_risk(plan, |r| r.probability = 5)).map(drop) })),
        case("intern kontroll: consequence 0", Validation, Write(|w| { let plan = w.save_control_plan(&ic_plan_form(2))?; w.save_control_risk(&ic_risk(plan, |r| r.consequence = 0)).map(drop) })),
        case("intern kontroll: a risk without its process", Validation, Write(|w| { let plan = w.save_control_plan(&ic_plan_form(2))?; w.save_control_risk(&ic_risk(plan, |r| r.process = "  ".into())).map(drop) })),
        case("intern kontroll: a control of a risk not chosen", Conflict, Write(|w| { let risk = ic_chosen(w, false)?; w.save_control(&ic_control(risk)).map(drop) })),
        case("intern kontroll: a deviation without its description", Validation, Write(|w| { let c = ic_control_of(w)?; w.save_control_follow_up(&ic_follow_up(c, DELAR_2026, "")) })),
        case("intern kontroll: follow-up in a locked period", PeriodLocked, Write(|w| { let c = ic_control_of(w)?; styrkort::store::periods::set_locked(w, DELAR_2026, true)?; w.save_control_follow_up(&ic_follow_up(c, DELAR_2026, "Fel")) })),
        case("intern kontroll: approving a draft follow-up", Conflict, Write(|w| { let c = ic_control_of(w)?; w.save_control_follow_up(&ic_follow_up(c, DELAR_2026, "Fel"))?; w.review_control_follow_up(c, DELAR_2026, &styrkort::follow_up::review::ReviewAction::Approve).map(drop) })),
        case("intern kontroll: follow-up in another year's period", Validation, Write(|w| { let c = ic_control_of(w)?; w.save_control_follow_up(&ic_follow_up(c, 2, "Fel")) })),
        case("CLI: intern kontroll PDF of a nämnd without a plan", NotFound, Cli(&["export", "intern-kontroll", "--unit", "Socialnämnden", "--year", "2026", "--period", "delår", "--out", "ik.pdf"])),
        case("Kolada: one key twice with different values", BadFile, Apply(|s| kolada(s, r#"{"values":[{"kpi":"N00090","municipality":"2083","period":2022,"values":[{"gender":"T","value":8.8}]},{"kpi":"N00090","municipality":"2083","period":2022,"values":[{"gender":"T","value":9.1}]}]}"#))),
        // Grunduppdrag, tjänstegarantier and Agenda 2030.
        case("mission of 4 001 characters", Validation, Write(|w| w.save_unit_mission(3, 2026, &"å".repeat(4001)))),
        case("mission with a tab", Validation, Write(|w| w.save_unit_mission(3, 2026, "Vi\tger stöd"))),
        case("mission of an unknown unit", NotFound, Write(|w| w.save_unit_mission(999, 2026, "Uppdrag"))),
        case("mission of a year without a plan", NotFound, Write(|w| w.save_unit_mission(3, 2031, "Uppdrag"))),
        case("guarantee with an empty promise", Validation, Write(|w| w.save_guarantee(&guarantee(3, "  ")).map(drop))),
        case("guarantee promise on two lines", Validation, Write(|w| w.save_guarantee(&guarantee(3, "Du får\nsvar")).map(drop))),
        case("guarantee that does not exist", NotFound, Write(|w| w.delete_guarantee(999))),
        case("guarantee not kept without a comment", Validation, Write(|w| { let g = w.save_guarantee(&guarantee(3, "Svar inom två dagar"))?; w.follow_up_guarantee(g, DELAR_2026, styrkort::model::GuaranteeOutcome::NotKept, " ") })),
        case("guarantee followed up in another year's period", Validation, Write(|w| { let g = w.save_guarantee(&guarantee(3, "Svar inom två dagar"))?; w.follow_up_guarantee(g, 1, styrkort::model::GuaranteeOutcome::Kept, "") })),
        case("guarantee followed up in a locked period", PeriodLocked, Write(|w| { let g = w.save_guarantee(&guarantee(3, "Svar inom två dagar"))?; styrkort::store::periods::set_locked(w, DELAR_2026, true)?; w.follow_up_guarantee(g, DELAR_2026, styrkort::model::GuaranteeOutcome::Kept, "") })),
        case("guarantee approved while a draft", Conflict, Write(|w| { let g = w.save_guarantee(&guarantee(3, "Svar inom två dagar"))?; w.follow_up_guarantee(g, DELAR_2026, styrkort::model::GuaranteeOutcome::Kept, "")?; w.review_guarantee(g, DELAR_2026, &styrkort::follow_up::review::ReviewAction::Approve).map(drop) })),
        case("guarantee: the CLI with kept neither yes nor no", Validation, Cli(&["garanti", "följ-upp", "--garanti", "1", "--år", "2026", "--period", "delår", "--hölls", "kanske"])),
        case("guarantee: the CLI following up one that does not exist", NotFound, Cli(&["garanti", "följ-upp", "--garanti", "999", "--år", "2026", "--period", "delår", "--hölls", "ja"])),
        case("global goal 18", Validation, Write(|w| w.save_goal_tagged(&kf1_form(), Some(&[global(18, "")])).map(drop))),
        case("global goal 0", Validation, Write(|w| w.save_goal_tagged(&kf1_form(), Some(&[global(0, "")])).map(drop))),
        case("global goal target of another goal", Validation, Write(|w| w.save_goal_tagged(&kf1_form(), Some(&[global(3, "3.4, 4.1")])).map(drop))),
        case("global goal target that does not exist", Validation, Write(|w| w.save_goal_tagged(&kf1_form(), Some(&[global(3, "3.15")])).map(drop))),
        case("global goal target that is not a target", Validation, Write(|w| w.save_goal_tagged(&kf1_form(), Some(&[global(3, "tre")])).map(drop))),
        case("global goal chosen twice", Validation, Write(|w| w.save_goal_tagged(&kf1_form(), Some(&[global(3, ""), global(3, "3.4")])).map(drop))),
    ]
}

// --- inputs ----------------------------------------------------------------------------

fn ic_plan_form(unit_id: i64) -> styrkort::internal_control::ControlPlanForm {
    styrkort::internal_control::ControlPlanForm { unit_id, year: 2026, decision: "SN 2026-02-01 § 3".into() }
}

fn ic_risk(plan_id: i64, change: fn(&mut styrkort::internal_control::ControlRiskForm)) -> styrkort::internal_control::ControlRiskForm {
    let mut form = styrkort::internal_control::ControlRiskForm {
        id: None,
        plan_id,
        process: "Ekonomiskt bistånd".into(),
        risk: "Felaktiga utbetalningar".into(),
        probability: 3,
        consequence: 4,
        chosen: true,
        handling: String::new(),
    };
    change(&mut form);
    form
}

/// Socialnämnden's plan with one risk, chosen or not; returns the risk's id.
fn ic_chosen(w: &mut Writer<'_>, chosen: bool) -> Result<i64> {
    let plan = w.save_control_plan(&ic_plan_form(2))?;
    w.save_control_risk(&ic_risk(plan, if chosen { |_| {} } else { |r| r.chosen = false }))
}

fn ic_control(risk_id: i64) -> styrkort::internal_control::ControlForm {
    styrkort::internal_control::ControlForm {
        id: None,
        risk_id,
        what: "Stickprov på utbetalningar".into(),
        method: String::new(),
        frequency: String::new(),
        responsible: String::new(),
        report_in: styrkort::model::ControlReportIn::DelarHelar,
    }
}

/// A plan, a chosen risk and its control; returns the control's id.
fn ic_control_of(w: &mut Writer<'_>) -> Result<i64> {
    let risk = ic_chosen(w, true)?;
    w.save_control(&ic_control(risk))
}

fn ic_follow_up(control_id: i64, period_id: i64, deviation: &str) -> styrkort::internal_control::ControlFollowUpForm {
    styrkort::internal_control::ControlFollowUpForm {
        control_id,
        period_id,
        result: styrkort::model::ControlResult::Deviation,
        comment: String::new(),
        deviation: deviation.into(),
        action: String::new(),
    }
}

/// Save an uppdrag from KF (unit 1) to Socialnämnden (2) serving KF1, changed by `change`.
fn uppdrag(w: &mut Writer<'_>, change: fn(&mut styrkort::assignments::AssignmentForm)) -> Result<()> {
    let mut form = styrkort::assignments::AssignmentForm {
        id: None,
        plan_year: 2026,
        code: "KF 2026:1".into(),
        title: "Utred nattpatrull i hemtjänsten".into(),
        description: String::new(),
        issuer_unit_id: 1,
        decision_date: Some("2026-01-26".into()),
        decision_paragraph: "§ 4".into(),
        responsible_unit_id: 2,
        responsible_person: String::new(),
        deadline: Some("2026-12-31".into()),
        goal_ids: vec![1],
    };
    change(&mut form);
    w.save_assignment(&form).map(drop)
}

/// The valid uppdrag above (id 1) followed up in `period_id` with `status` and no comment.
fn uppdrag_follow_up(w: &mut Writer<'_>, period_id: i64, status: styrkort::model::AssignmentStatus) -> Result<()> {
    uppdrag(w, |_| {})?;
    let form = styrkort::assignments::AssignmentFollowUpForm { assignment_id: 1, period_id, status, comment: String::new() };
    w.save_assignment_follow_up(&form)
}

/// Write economy figures made by `change` for a period, as an importer does.
fn figures(w: &mut Writer<'_>, period_id: i64, change: impl FnOnce(&mut styrkort::economy::figures::Figures)) -> Result<()> {
    let mut f = styrkort::economy::figures::Figures::default();
    change(&mut f);
    styrkort::store::economy::write_figures(w, period_id, &f, styrkort::model::EconomySource::Sie).map(drop)
}

fn operating(org_unit_id: i64, forecast: Option<i64>) -> styrkort::economy::figures::OperatingFigures {
    styrkort::economy::figures::OperatingFigures { org_unit_id, budget_year: None, budget_period: None, actual: None, forecast }
}

fn line(row_key: &'static str, amount: i64) -> styrkort::economy::figures::StatementFigure {
    use styrkort::model::{StatementColumn, StatementScope};
    styrkort::economy::figures::StatementFigure { scope: StatementScope::Kommun, row_key, column: StatementColumn::Actual, amount }
}

fn approve_statements(w: &mut Writer<'_>) -> Result<()> {
    use styrkort::follow_up::review::ReviewAction;
    let part = styrkort::model::EconomyPart::Statements;
    w.review_economy(DELAR_2026, part, None, &ReviewAction::Submit)?;
    w.review_economy(DELAR_2026, part, None, &ReviewAction::Approve).map(drop)
}

/// Paste `text` into Socialnämnden's budget and forecast of delår 2026, as the window does;
/// refused cells count as a `validation` error.
fn economy_paste(store: &mut Store, text: &str) -> Result<()> {
    use styrkort::economy::grid::{EconomyTarget, OperatingField};
    let target = EconomyTarget::Operating { unit_ids: vec![2], fields: vec![OperatingField::BudgetYear, OperatingField::Forecast] };
    let outcome = styrkort::economy::grid::paste_and_save(store, &ctx(), 2026, DELAR_2026, &target, text)?;
    match outcome.problems.first() {
        Some(p) => Err(styrkort::AppError::validation(styrkort::error::Msg { sv: p.reason.clone(), en: p.reason_en.clone() })),
        None => Ok(()),
    }
}

fn unit(parent_id: Option<i64>, kind: UnitKind, name: &str) -> NewUnit {
    NewUnit { parent_id, kind, name: name.into(), kolada_id: None }
}

fn goal(level: GoalLevel, perspective_id: i64, owner_unit_id: i64) -> NewGoal {
    NewGoal {
        plan_year: 2026,
        level,
        perspective_id,
        owner_unit_id,
        code: "X1".into(),
        title: "Nytt mål".into(),
        description: String::new(),
    }
}

fn indicator(change: fn(&mut NewIndicator)) -> NewIndicator {
    let mut i = NewIndicator {
        name: "Nytt nyckeltal".into(),
        description: String::new(),
        unit: "%".into(),
        direction: Direction::Higher,
        decimals: 1,
        kolada_kpi_id: None,
        owner_unit_id: 3,
        frequency: Frequency::Year,
        gender_split: false,
        tolerance_kind: ToleranceKind::Percent,
        tolerance: 10.0,
    };
    change(&mut i);
    i
}

fn activity(start: Option<&str>, end: Option<&str>) -> NewActivity {
    NewActivity {
        plan_year: 2026,
        owner_unit_id: 3,
        title: "Ny aktivitet".into(),
        description: String::new(),
        responsible: String::new(),
        start_date: start.map(|d| d.parse().unwrap()),
        end_date: end.map(|d| d.parse().unwrap()),
        status: ActivityStatus::NotStarted,
    }
}

/// The activity form as the window sends it: dates as typed.
fn activity_form(start: Option<&str>, end: Option<&str>) -> styrkort::planning::forms::ActivityForm {
    styrkort::planning::forms::ActivityForm {
        id: None,
        plan_year: 2026,
        owner_unit_id: 3,
        title: "Ny aktivitet".into(),
        description: String::new(),
        responsible: String::new(),
        start_date: start.map(String::from),
        end_date: end.map(String::from),
        status: ActivityStatus::NotStarted,
        goal_ids: Vec::new(),
    }
}

fn truncate_to(path: &Path, fraction: f64) {
    let bytes = std::fs::read(path).unwrap();
    std::fs::write(path, &bytes[..(bytes.len() as f64 * fraction) as usize]).unwrap();
}

fn garble_page(path: &Path, page: usize) {
    let mut bytes = std::fs::read(path).unwrap();
    let start = (page - 1) * 4096;
    for (i, b) in bytes[start..start + 4096].iter_mut().enumerate() {
        *b = (i * 31 % 251) as u8;
    }
    std::fs::write(path, bytes).unwrap();
}

fn set_user_version(path: &Path, version: i64) {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.pragma_update(None, "user_version", version).unwrap();
}

fn foreign_sqlite(path: &Path) {
    std::fs::remove_file(path).unwrap();
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.execute_batch("CREATE TABLE recept (namn TEXT); INSERT INTO recept VALUES ('Kanelbullar');").unwrap();
}

// --- running ---------------------------------------------------------------------------

fn ctx() -> ChangeContext {
    ChangeContext::new("Testare", "2026-11-26T09:00:00")
}

/// What "the database did not change" compares.
fn snapshot(store: &Store) -> (Vec<(String, i64)>, i64) {
    (store.counts().unwrap(), store.audit_count().unwrap())
}

fn template(dir: &Path) -> PathBuf {
    let path = dir.join("mall.db");
    let mut store = Store::open(&path).unwrap();
    seed::load(&mut store, &ctx(), "seed-minimal.json", MINIMAL).unwrap();
    path
}

/// Run one case in its own folder; `Err` says how it went wrong.
fn run(case: &Case, template: &Path, dir: &Path) -> std::result::Result<(), String> {
    let db = dir.join("styrkort.db");
    let expect = |err: styrkort::AppError| -> std::result::Result<(), String> {
        if err.code != case.code {
            return Err(format!("gave {:?} ({}), expected {:?}", err.code, err.message, case.code));
        }
        if err.message.trim().is_empty() {
            return Err("gave an empty message".into());
        }
        // The window in English shows `message_en`: it is there, and not the Swedish left as is.
        if err.message_en.trim().is_empty() || err.message_en == err.message {
            return Err(format!("gave no English message: {}", err.message));
        }
        Ok(())
    };
    match &case.input {
        Seed(_) | SeedText(_) => {
            let text = match &case.input {
                Seed(change) => {
                    let mut seed: Value = serde_json::from_str(MINIMAL).unwrap();
                    change(&mut seed);
                    seed.to_string()
                }
                SeedText(t) => t.to_string(),
                _ => unreachable!(),
            };
            let mut store = Store::open(&db).unwrap();
            let before = snapshot(&store);
            let result = seed::load(&mut store, &ctx(), "fel.json", &text);
            if snapshot(&store) != before {
                return Err("changed the database".into());
            }
            match result {
                Ok(_) => Err("was accepted".into()),
                Err(e) => expect(e),
            }
        }
        Apply(_) | ApplyOn(..) => {
            std::fs::copy(template, &db).unwrap();
            let call = match &case.input {
                Apply(call) => call,
                ApplyOn(prepare, call) => {
                    prepare(&db);
                    call
                }
                _ => unreachable!(),
            };
            let mut store = Store::open(&db).unwrap();
            let before = snapshot(&store);
            let result = call(&mut store);
            if snapshot(&store) != before {
                return Err("changed the database".into());
            }
            match result {
                Ok(()) => Err("was accepted".into()),
                Err(e) => expect(e),
            }
        }
        Write(change) => {
            std::fs::copy(template, &db).unwrap();
            let mut store = Store::open(&db).unwrap();
            let before = snapshot(&store);
            let result = store.write(&ctx(), change);
            if snapshot(&store) != before {
                return Err("changed the database".into());
            }
            match result {
                Ok(()) => Err("was accepted".into()),
                Err(e) => expect(e),
            }
        }
        Cli(args) => {
            std::fs::copy(template, &db).unwrap();
            let before = snapshot(&Store::open(&db).unwrap());
            let args: Vec<String> = args.iter().map(|a| a.replace("{db}", &db.to_string_lossy())).collect();
            let out = Command::new(env!("CARGO_BIN_EXE_styrkort"))
                .arg("--db")
                .arg(&db)
                .args(&args)
                .env_remove("STYRKORT_DB")
                .current_dir(dir)
                .output()
                .unwrap();
            if snapshot(&Store::open(&db).unwrap()) != before {
                return Err("changed the database".into());
            }
            let stderr = String::from_utf8_lossy(&out.stderr);
            let code = serde_json::to_value(case.code).unwrap();
            let wanted = format!("Fel ({})", code.as_str().unwrap());
            if out.status.success() {
                Err("was accepted".into())
            } else if !stderr.contains(&wanted) {
                Err(format!("printed {stderr:?}, expected it to start with {wanted:?}"))
            } else {
                Ok(())
            }
        }
        DbFile(alter) => {
            std::fs::copy(template, &db).unwrap();
            alter(&db);
            let bytes = std::fs::read(&db).unwrap();
            let result = Store::open(&db);
            if std::fs::read(&db).unwrap() != bytes {
                return Err("changed the file".into());
            }
            match result {
                Ok(_) => Err("was opened".into()),
                Err(e) => expect(e),
            }
        }
    }
}

#[test]
fn every_bad_input_gets_its_error_code_and_changes_nothing() {
    let root = tempfile::tempdir().unwrap();
    let template = template(root.path());
    let cases = cases();
    assert!(cases.len() >= 25, "the catalogue has {} cases", cases.len());
    let mut failures = Vec::new();
    for (n, case) in cases.iter().enumerate() {
        let dir = root.path().join(format!("fall-{n}"));
        std::fs::create_dir(&dir).unwrap();
        if let Err(why) = run(case, &template, &dir) {
            failures.push(format!("{}: {why}", case.name));
        }
    }
    assert!(failures.is_empty(), "{} of {} cases failed:\n{}", failures.len(), cases.len(), failures.join("\n"));
}

#[test]
fn case_names_are_unique() {
    let cases = cases();
    let mut names: Vec<&str> = cases.iter().map(|c| c.name).collect();
    names.sort_unstable();
    let before = names.len();
    names.dedup();
    assert_eq!(names.len(), before, "two cases share a name");
}
