//! The core's errors carry their message in English as well as in Swedish, so the window can
//! show it in its own language: one representative error from each area (a form's field, a
//! missing thing, a locked period, a bad file, a database another program holds).

use styrkort::model::{Direction, Gender, ToleranceKind, ValueSource};
use styrkort::planning::forms::{IndicatorForm, TargetRow};
use styrkort::{seed, AppError, ChangeContext, ErrorCode, Store};

const MINIMAL: &str = include_str!("fixtures/seed-minimal.json");
/// Delår 2026 in the minimal seed; Hemtjänsten Öster is unit 3 and reports indicator 1.
const DELAR_2026: i64 = 5;

fn ctx() -> ChangeContext {
    ChangeContext::new("Petra Planerare", "2026-10-01T09:00:00")
}

fn minimal() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("s.db")).unwrap();
    seed::load(&mut store, &ctx(), "seed-minimal.json", MINIMAL).unwrap();
    (dir, store)
}

/// Both languages are there, and the English is not the Swedish left untranslated.
fn in_both_languages(err: &AppError, code: ErrorCode, english: &str) {
    assert_eq!(err.code, code, "{}", err.message);
    assert!(!err.message.is_empty() && !err.message_en.is_empty(), "{err:?}");
    assert_ne!(err.message, err.message_en, "the English message is the Swedish one");
    assert!(err.message_en.contains(english), "{:?} does not contain {english:?}", err.message_en);
    assert_eq!(err.to_string(), err.message, "the CLI and Display stay Swedish");
    let wire = serde_json::to_value(err).unwrap();
    assert_eq!(wire["message"], err.message.as_str());
    assert_eq!(wire["message_en"], err.message_en.as_str());
}

#[test]
fn a_forms_refused_field_is_explained_in_english_too_at_the_same_field() {
    let (_dir, mut store) = minimal();
    let form = IndicatorForm {
        id: None,
        owner_unit_id: 3,
        plan_year: 2026,
        name: "Antal hembesök per brukare".into(),
        description: String::new(),
        unit: "st".into(),
        direction: Direction::Higher,
        decimals: 0,
        kolada_kpi_id: None,
        tolerance_kind: ToleranceKind::Percent,
        tolerance: 10.0,
        targets: vec![TargetRow { year: 2026, target: 7.5, yellow_limit: None }],
        goal_ids: vec![],
        responsible: String::new(),
    };
    let err = store.write(&ctx(), |w| w.save_indicator(&form)).unwrap_err();
    in_both_languages(&err, ErrorCode::Validation, "The target for 2026 (7.5) has more decimals");
    assert!(err.message.contains("(7,5)"), "Swedish writes a decimal comma: {}", err.message);
    assert_eq!(err.field.as_deref(), Some("targets"));
    assert_eq!(serde_json::to_value(&err).unwrap()["field"], "targets");
}

#[test]
fn a_missing_thing_is_named_in_english() {
    let (_dir, store) = minimal();
    let err = store.unit(9_999).unwrap_err();
    in_both_languages(&err, ErrorCode::NotFound, "does not exist");
}

#[test]
fn a_write_in_a_locked_period_says_so_in_english() {
    let (_dir, mut store) = minimal();
    let err = store
        .write(&ctx(), |w| {
            styrkort::store::periods::set_locked(w, DELAR_2026, true)?;
            styrkort::store::values::set(w, 1, 3, DELAR_2026, Gender::T, 1.0, ValueSource::Manual)
        })
        .unwrap_err();
    in_both_languages(&err, ErrorCode::PeriodLocked, "is locked and cannot be changed");
}

#[test]
fn a_bad_import_file_is_explained_in_english() {
    let err = styrkort::exchange::file::parse("hemtjänsten.json", b"{\"format\": ").unwrap_err();
    in_both_languages(&err, ErrorCode::BadFile, "Nothing has been saved");
    assert!(err.message_en.starts_with("hemtjänsten.json: "), "the file is named: {}", err.message_en);
    let err = styrkort::kolada::parse::parse("kolada.json", "[]").unwrap_err();
    in_both_languages(&err, ErrorCode::BadFile, "nothing has been imported");
}

#[test]
fn a_database_another_program_holds_is_explained_in_english() {
    use rusqlite::ffi;
    let busy = rusqlite::Error::SqliteFailure(ffi::Error::new(ffi::SQLITE_BUSY), None);
    in_both_languages(&AppError::from(busy), ErrorCode::DatabaseBusy, "Another program is using the database");
    let full = rusqlite::Error::SqliteFailure(ffi::Error::new(ffi::SQLITE_FULL), None);
    in_both_languages(&AppError::from(full), ErrorCode::Io, "The disk is full");
}
