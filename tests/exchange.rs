//! Exchange files: a unit fills in its follow-up in an offline copy of the database and
//! exports one file; the controller previews many such files against the master and
//! applies them in one transaction, choosing per conflict.

mod common;
use common::{ok, styrkort};
use std::path::PathBuf;

use serde_json::{json, Value};
use styrkort::exchange::{
    self, ConflictChoice, ConflictResolution, ExchangeItemContent, ExchangeItemRef, ExchangeItemState, ExchangePreview,
};
use styrkort::follow_up::review::ReviewAction;
use styrkort::model::{ActivityStatus, AssessmentState, Gender, ValueSource};
use styrkort::{backup, seed, ChangeContext, ErrorCode, Store};

const MINIMAL: &str = include_str!("fixtures/seed-minimal.json");
/// Ids in the minimal seed: unit 3 Hemtjänsten Öster owns indicators 1 (Nöjdhet), 2
/// (personal), 3 (Sjukfrånvaro, split by gender), goals 4 (H1) and 5 (H2) and activity 1;
/// periods of 2026: 4 T1, 5 delår, 6 helår.
const UNIT: i64 = 3;
const DELAR: i64 = 5;
const HELAR: i64 = 6;

fn controller() -> ChangeContext {
    ChangeContext::new("Controller Åsa", "2026-09-25T09:00:00")
}
fn unit_user() -> ChangeContext {
    ChangeContext::new("Enhetschef Eva", "2026-09-15T14:30:00")
}
fn later_unit_user() -> ChangeContext {
    ChangeContext::new("Enhetschef Eva", "2026-09-18T08:00:00")
}

/// A master database from the minimal seed, and a folder for copies and files.
struct Setup {
    dir: tempfile::TempDir,
    master: Store,
}

impl Setup {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let mut master = Store::open(&dir.path().join("kommun.db")).unwrap();
        seed::load(&mut master, &controller(), "seed-minimal.json", MINIMAL).unwrap();
        Setup { dir, master }
    }

    /// Hand out a copy, as the controller does (the online backup of the master).
    fn copy(&self, name: &str) -> Store {
        let path = self.dir.path().join(name);
        backup::back_up_to(&self.master, &path).unwrap();
        Store::open(&path).unwrap()
    }

    fn master_value(&self, indicator: i64, period: i64, gender: &str) -> Option<f64> {
        value_of(&self.master, indicator, period, gender)
    }
}

fn value_of(store: &Store, indicator: i64, period: i64, gender: &str) -> Option<f64> {
    let series = store.indicator_values(indicator).unwrap();
    series.iter().find(|v| v.period.id == period && v.org_unit_id == UNIT && v.gender.as_str() == gender).map(|v| v.value)
}

fn set(store: &mut Store, ctx: &ChangeContext, indicator: i64, period: i64, value: f64) {
    store.write(ctx, |w| styrkort::store::values::set(w, indicator, UNIT, period, Gender::T, value, ValueSource::Manual)).unwrap();
}

fn export(copy: &Store, ctx: &ChangeContext) -> Vec<u8> {
    exchange::export(copy, UNIT, DELAR, ctx).unwrap()
}

fn preview(store: &Store, files: &[(&str, &[u8])]) -> ExchangePreview {
    exchange::preview(store, files).unwrap()
}

fn state_of(p: &ExchangePreview, file: usize, item: &ExchangeItemRef) -> ExchangeItemState {
    p.files[file].items.iter().find(|i| &i.item == item).unwrap_or_else(|| panic!("{item:?} not in file {file}")).state
}

fn value(indicator_id: i64) -> ExchangeItemRef {
    ExchangeItemRef::Value { indicator_id, gender: Gender::T }
}

/// What "nothing changed" compares.
fn snapshot(store: &Store) -> (Vec<(String, i64)>, i64) {
    (store.counts().unwrap(), store.audit_count().unwrap())
}

#[test]
fn the_file_names_database_version_unit_period_and_exporter_and_carries_the_follow_up() {
    let s = Setup::new();
    let mut copy = s.copy("hemtjansten.db");
    copy.write(&unit_user(), |w| w.set_activity_follow_up(1, DELAR, ActivityStatus::Started, "Låsen är beställda.")).unwrap();
    let bytes = export(&copy, &unit_user());
    let text = std::str::from_utf8(&bytes).unwrap();
    assert!(text.contains("\n  \"format\": \"styrkort-utbyte\""), "pretty JSON a person can read:\n{text}");
    let f: Value = serde_json::from_str(text).unwrap();
    assert_eq!(f["format_version"], 1);
    assert_eq!(f["app_version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(f["database_id"].as_str().unwrap(), s.master.setting("database_id").unwrap().unwrap(), "a copy keeps the identity");
    assert_eq!(f["unit"], json!({"id": 3, "name": "Hemtjänsten Öster"}));
    assert_eq!(f["period"], json!({"id": 5, "name": "Delår 2026", "plan_year": 2026}));
    assert_eq!((f["exported_at"].as_str(), f["exported_by"].as_str()), (Some("2026-09-15T14:30:00"), Some("Enhetschef Eva")));
    let values: Vec<(i64, &str, Option<f64>)> = f["values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| (v["indicator_id"].as_i64().unwrap(), v["gender"].as_str().unwrap(), v["value"].as_f64()))
        .collect();
    assert!(values.contains(&(1, "T", Some(91.0))) && values.contains(&(2, "T", Some(15.0))), "{values:?}");
    assert!(values.iter().all(|(i, _, _)| *i != 4), "indicator 4 belongs to the kommun, not the unit");
    // Assessments of the unit's goals with their review state; the kommun's KF1 is not there.
    let assessments = f["assessments"].as_array().unwrap();
    assert_eq!(assessments.len(), 1, "{assessments:?}");
    assert_eq!((assessments[0]["goal_id"].as_i64(), assessments[0]["state"].as_str()), (Some(5), Some("draft")));
    assert_eq!(assessments[0]["analysis"], "Analysen skrivs.");
    let activities = f["activities"].as_array().unwrap();
    assert_eq!((activities[0]["status"].as_str(), activities[0]["comment"].as_str()), (Some("paborjad"), Some("Låsen är beställda.")));
    assert!(!activities[0]["history"].as_array().unwrap().is_empty(), "items carry their history marks");
    // The file parses back to what was built.
    assert_eq!(exchange::parse("x", &bytes).unwrap(), exchange::build(&copy, UNIT, DELAR, &unit_user()).unwrap());
}

#[test]
fn new_and_changed_items_are_taken_unchanged_ones_are_not_and_every_write_is_audited() {
    let mut s = Setup::new();
    let mut copy = s.copy("hemtjansten.db");
    copy.write(&unit_user(), |w| {
        styrkort::store::values::set(w, 1, UNIT, DELAR, Gender::T, 93.0, ValueSource::Manual)?; // master has 91: changed
        styrkort::store::values::set(w, 3, UNIT, DELAR, Gender::K, 6.5, ValueSource::Manual)?; // master has nothing: new
        w.save_assessment(5, UNIT, DELAR, Some(2), "Sjukfrånvaron minskar men inte tillräckligt.")?;
        w.review_assessment(5, UNIT, DELAR, &ReviewAction::Submit).map(drop)?;
        w.set_activity_follow_up(1, DELAR, ActivityStatus::Delayed, "Leveransen är försenad.")
    })
    .unwrap();
    let bytes = export(&copy, &unit_user());

    let before = snapshot(&s.master);
    let p = preview(&s.master, &[("hemtjansten.styrkort-utbyte", &bytes)]);
    assert_eq!(snapshot(&s.master), before, "a preview writes nothing");
    assert_eq!(p.files[0].unit_name, "Hemtjänsten Öster");
    assert_eq!(state_of(&p, 0, &value(1)), ExchangeItemState::Changed);
    assert_eq!(state_of(&p, 0, &ExchangeItemRef::Value { indicator_id: 3, gender: Gender::K }), ExchangeItemState::New);
    assert_eq!(state_of(&p, 0, &value(2)), ExchangeItemState::Unchanged);
    assert_eq!(state_of(&p, 0, &ExchangeItemRef::Assessment { goal_id: 5 }), ExchangeItemState::Changed);
    assert_eq!(state_of(&p, 0, &ExchangeItemRef::Activity { activity_id: 1 }), ExchangeItemState::New);
    let item = p.files[0].items.iter().find(|i| i.item == value(1)).unwrap();
    assert_eq!(item.label, "Nöjdhet hemtjänst (totalt)");
    assert_eq!(
        (item.master.clone(), item.file.clone()),
        (Some(ExchangeItemContent::Value { value: 91.0 }), Some(ExchangeItemContent::Value { value: 93.0 }))
    );
    assert_eq!((p.counts.new, p.counts.changed, p.counts.conflict), (2, 2, 0), "{:?}", p.counts);

    let outcome = exchange::apply(&mut s.master, &controller(), &p, &[]).unwrap();
    assert_eq!((outcome.taken, outcome.conflicts_kept), (4, 0));
    assert_eq!(s.master.audit_count().unwrap(), before.1 + 4, "one audit row per item taken");
    assert_eq!(s.master_value(1, DELAR, "T"), Some(93.0));
    assert_eq!(s.master_value(3, DELAR, "K"), Some(6.5));
    let card =
        styrkort::scorecard::build(&s.master, UNIT, 2026, Some(DELAR), chrono::NaiveDate::from_ymd_opt(2026, 9, 25).unwrap()).unwrap();
    let text = serde_json::to_string(&card).unwrap();
    assert!(text.contains("Sjukfrånvaron minskar men inte tillräckligt."), "the analysis arrived");
    let values = s.master.indicator_values(1).unwrap();
    let v = values.iter().find(|v| v.period.id == DELAR).unwrap();
    assert_eq!((v.changed_by.as_str(), v.source), ("Enhetschef Eva", ValueSource::Import), "who entered it in the unit is kept");

    let audit = audit_rows(&s.master, "assessment", "5/3/5");
    let last = audit.last().unwrap();
    assert_eq!((last.0.as_str(), last.1.as_str()), ("import", "Controller Åsa"));
    let after: Value = serde_json::from_str(&last.3).unwrap();
    assert_eq!(after["content"]["state"], "ready", "the review state travels");
    assert_eq!(after["file"], "hemtjansten.styrkort-utbyte");
    let before_json: Value = serde_json::from_str(&last.2).unwrap();
    assert_eq!(before_json["state"], "draft");
}

/// (action, user, before, after) of an item's audit rows, oldest first.
fn audit_rows(store: &Store, entity: &str, entity_id: &str) -> Vec<(String, String, String, String)> {
    let path = store.path().unwrap();
    let conn = rusqlite::Connection::open(path).unwrap();
    let mut stmt = conn
        .prepare(
            "SELECT action, user_name, COALESCE(before,''), COALESCE(after,'') FROM audit_log WHERE entity=?1 AND entity_id=?2 ORDER BY id",
        )
        .unwrap();
    let rows = stmt.query_map([entity, entity_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))).unwrap();
    rows.map(|r| r.unwrap()).collect()
}

#[test]
fn importing_the_same_file_twice_writes_nothing_the_second_time() {
    let mut s = Setup::new();
    let mut copy = s.copy("hemtjansten.db");
    set(&mut copy, &unit_user(), 1, DELAR, 95.0);
    set(&mut copy, &unit_user(), 1, HELAR, 96.0);
    let bytes = export(&copy, &unit_user());
    let p = preview(&s.master, &[("a.styrkort-utbyte", &bytes)]);
    exchange::apply(&mut s.master, &controller(), &p, &[]).unwrap();

    let after_first = snapshot(&s.master);
    let again = preview(&s.master, &[("a.styrkort-utbyte", &bytes)]);
    assert!(again.files[0].items.iter().all(|i| i.state == ExchangeItemState::Unchanged), "{:?}", again.files[0].items);
    let outcome = exchange::apply(&mut s.master, &controller(), &again, &[]).unwrap();
    assert_eq!(outcome.taken, 0);
    assert_eq!(snapshot(&s.master), after_first, "no writes, no audit rows");
    // The same file twice in one batch: the second copy finds the first's values.
    let twice = preview(&s.master, &[("a", &bytes[..]), ("a igen", &bytes[..])]);
    assert_eq!(twice.counts.new + twice.counts.changed + twice.counts.conflict, 0);
}

#[test]
fn a_conflict_keeps_the_master_unless_resolved_take_file() {
    for (choice, expected) in [(None, 80.0), (Some(ConflictChoice::KeepMaster), 80.0), (Some(ConflictChoice::TakeFile), 93.0)] {
        let mut s = Setup::new();
        let mut copy = s.copy("hemtjansten.db");
        set(&mut copy, &unit_user(), 1, DELAR, 93.0);
        set(&mut s.master, &controller(), 1, DELAR, 80.0);
        let bytes = export(&copy, &unit_user());
        let p = preview(&s.master, &[("f", &bytes)]);
        assert_eq!(state_of(&p, 0, &value(1)), ExchangeItemState::Conflict);
        let resolutions: Vec<ConflictResolution> = match choice {
            Some(c) => p.resolve_all(c),
            None => Vec::new(),
        };
        let audit = s.master.audit_count().unwrap();
        let outcome = exchange::apply(&mut s.master, &controller(), &p, &resolutions).unwrap();
        assert_eq!(s.master_value(1, DELAR, "T"), Some(expected), "{choice:?}");
        let taken = choice == Some(ConflictChoice::TakeFile);
        assert_eq!((outcome.taken, outcome.conflicts_kept), (taken as u32, !taken as u32), "{choice:?}");
        assert_eq!(s.master.audit_count().unwrap(), audit + taken as i64, "{choice:?}");
    }
}

#[test]
fn a_value_only_the_master_changed_is_kept() {
    let mut s = Setup::new();
    let copy = s.copy("hemtjansten.db");
    set(&mut s.master, &controller(), 2, DELAR, 13.0);
    let p = preview(&s.master, &[("f", &export(&copy, &unit_user()))]);
    assert_eq!(state_of(&p, 0, &value(2)), ExchangeItemState::MasterNewer);
    exchange::apply(&mut s.master, &controller(), &p, &[]).unwrap();
    assert_eq!(s.master_value(2, DELAR, "T"), Some(13.0));
}

#[test]
fn a_value_cleared_in_the_copy_is_cleared_in_the_master() {
    let mut s = Setup::new();
    let mut copy = s.copy("hemtjansten.db");
    copy.write(&unit_user(), |w| w.delete_value(2, UNIT, DELAR, Gender::T)).unwrap();
    let bytes = export(&copy, &unit_user());
    let f: Value = serde_json::from_slice(&bytes).unwrap();
    let cleared = f["values"].as_array().unwrap().iter().find(|v| v["indicator_id"] == 2).unwrap();
    assert_eq!(cleared["value"], Value::Null);
    let p = preview(&s.master, &[("f", &bytes)]);
    assert_eq!(state_of(&p, 0, &value(2)), ExchangeItemState::Changed);
    exchange::apply(&mut s.master, &controller(), &p, &[]).unwrap();
    assert_eq!(s.master_value(2, DELAR, "T"), None);
}

#[test]
fn two_files_touching_the_same_item_are_taken_in_order() {
    // An older and a newer export of the same copy.
    let mut s = Setup::new();
    let mut copy = s.copy("hemtjansten.db");
    set(&mut copy, &unit_user(), 1, DELAR, 93.0);
    let older = export(&copy, &unit_user());
    set(&mut copy, &later_unit_user(), 1, DELAR, 94.0);
    let newer = export(&copy, &later_unit_user());

    let p = preview(&s.master, &[("äldre", &older[..]), ("nyare", &newer[..])]);
    assert_eq!((state_of(&p, 0, &value(1)), state_of(&p, 1, &value(1))), (ExchangeItemState::Changed, ExchangeItemState::Changed));
    exchange::apply(&mut s.master, &controller(), &p, &[]).unwrap();
    assert_eq!(s.master_value(1, DELAR, "T"), Some(94.0));
    // The older file afterwards brings nothing new: the master has a later state of the copy.
    let p = preview(&s.master, &[("äldre", &older[..])]);
    assert_eq!(state_of(&p, 0, &value(1)), ExchangeItemState::MasterNewer);

    // In the other order, the older file is behind the newer one.
    let mut s = Setup::new();
    let mut copy = s.copy("hemtjansten.db");
    set(&mut copy, &unit_user(), 1, DELAR, 93.0);
    let older = export(&copy, &unit_user());
    set(&mut copy, &later_unit_user(), 1, DELAR, 94.0);
    let newer = export(&copy, &later_unit_user());
    let p = preview(&s.master, &[("nyare", &newer[..]), ("äldre", &older[..])]);
    assert_eq!((state_of(&p, 0, &value(1)), state_of(&p, 1, &value(1))), (ExchangeItemState::Changed, ExchangeItemState::MasterNewer));
    exchange::apply(&mut s.master, &controller(), &p, &[]).unwrap();
    assert_eq!(s.master_value(1, DELAR, "T"), Some(94.0));

    // Two copies of the same unit that both changed the item: the second file conflicts.
    let mut s = Setup::new();
    let mut eva = s.copy("eva.db");
    let mut olle = s.copy("olle.db");
    set(&mut eva, &unit_user(), 1, DELAR, 93.0);
    set(&mut olle, &ChangeContext::new("Olle", "2026-09-16T10:00:00"), 1, DELAR, 70.0);
    let (a, b) = (export(&eva, &unit_user()), export(&olle, &unit_user()));
    let p = preview(&s.master, &[("eva", &a[..]), ("olle", &b[..])]);
    assert_eq!((state_of(&p, 0, &value(1)), state_of(&p, 1, &value(1))), (ExchangeItemState::Changed, ExchangeItemState::Conflict));
    let take_olle = vec![ConflictResolution { file: 1, item: value(1), choice: ConflictChoice::TakeFile }];
    exchange::apply(&mut s.master, &controller(), &p, &take_olle).unwrap();
    assert_eq!(s.master_value(1, DELAR, "T"), Some(70.0));
}

#[test]
fn a_change_in_the_master_after_the_preview_is_not_overwritten() {
    let mut s = Setup::new();
    let mut copy = s.copy("hemtjansten.db");
    set(&mut copy, &unit_user(), 1, DELAR, 93.0);
    let p = preview(&s.master, &[("f", &export(&copy, &unit_user()))]);
    assert_eq!(state_of(&p, 0, &value(1)), ExchangeItemState::Changed);
    set(&mut s.master, &controller(), 1, DELAR, 85.0);
    let before = snapshot(&s.master);
    // What the preview promised (take the file's 93 over 91) no longer holds: refused whole.
    let err = exchange::apply(&mut s.master, &controller(), &p, &[]).unwrap_err();
    assert_eq!(err.code, ErrorCode::Conflict, "{}", err.message);
    assert_eq!(s.master_value(1, DELAR, "T"), Some(85.0));
    assert_eq!(snapshot(&s.master), before);
    // Read again, it is a conflict the user can see and choose for.
    let p = preview(&s.master, &[("f", &export(&copy, &unit_user()))]);
    assert_eq!(state_of(&p, 0, &value(1)), ExchangeItemState::Conflict);
    let outcome = exchange::apply(&mut s.master, &controller(), &p, &[]).unwrap();
    assert_eq!((outcome.taken, outcome.conflicts_kept), (0, 1));
    assert_eq!(s.master_value(1, DELAR, "T"), Some(85.0));
}

// --- two imports at once (issue 12, item 10) ------------------------------------------------

/// Two copies of the unit handed out together; Eva sets Nöjdhet (indicator 1, delår) to 70
/// in hers, Olle to 80 in his. Returns their exchange files.
fn two_copies(s: &Setup) -> (Vec<u8>, Vec<u8>) {
    let mut eva = s.copy("eva.db");
    let mut olle = s.copy("olle.db");
    set(&mut eva, &unit_user(), 1, DELAR, 70.0);
    let olle_ctx = ChangeContext::new("Olle", "2026-09-16T10:00:00");
    set(&mut olle, &olle_ctx, 1, DELAR, 80.0);
    (export(&eva, &unit_user()), export(&olle, &olle_ctx))
}

#[test]
fn an_import_committed_by_another_connection_after_the_preview_is_a_conflict_and_nothing_is_saved() {
    // Plain: both previews say "changed". With "take the file's": the master changed the
    // value after the hand-out, so both previews show a conflict with 65 and take the file's.
    for choice in [ConflictChoice::KeepMaster, ConflictChoice::TakeFile] {
        let mut s = Setup::new();
        let (eva, olle) = two_copies(&s);
        if choice == ConflictChoice::TakeFile {
            set(&mut s.master, &controller(), 1, DELAR, 65.0);
        }
        // A second program with the same file open.
        let mut other = Store::open(s.master.path().unwrap()).unwrap();
        let first = preview(&s.master, &[("eva", &eva[..])]);
        let second = preview(&other, &[("olle", &olle[..])]);
        assert_eq!(state_of(&first, 0, &value(1)), state_of(&second, 0, &value(1)), "{choice:?}");
        let outcome = exchange::apply(&mut s.master, &controller(), &first, &first.resolve_all(choice)).unwrap();
        assert_eq!(outcome.taken, 1, "{choice:?}");
        assert_eq!(s.master_value(1, DELAR, "T"), Some(70.0));

        let before = snapshot(&other);
        let err = exchange::apply(&mut other, &controller(), &second, &second.resolve_all(choice)).err().unwrap_or_else(|| {
            panic!("{choice:?}: the second import was accepted; the value is now {:?}", value_of(&other, 1, DELAR, "T"))
        });
        assert_eq!(err.code, ErrorCode::Conflict, "{choice:?}: {}", err.message);
        for words in ["Nöjdhet hemtjänst", "olle", "70", "Inget har sparats", "igen"] {
            assert!(err.message.contains(words), "{choice:?}: {words:?} in {}", err.message);
        }
        assert_eq!(snapshot(&other), before, "{choice:?}: nothing was saved");
        assert_eq!(value_of(&other, 1, DELAR, "T"), Some(70.0), "{choice:?}");

        // Read again: the conflict with Eva's 70 is shown, and a choice made now is honoured.
        let again = preview(&other, &[("olle", &olle[..])]);
        assert_eq!(state_of(&again, 0, &value(1)), ExchangeItemState::Conflict);
        exchange::apply(&mut other, &controller(), &again, &again.resolve_all(ConflictChoice::TakeFile)).unwrap();
        assert_eq!(value_of(&other, 1, DELAR, "T"), Some(80.0));
    }
}

/// The master's value shown for Nöjdhet in a CLI preview ("ändrad: …: 65 → 70",
/// "konflikt: …: i databasen 65, i filen 70"), if the line is there.
fn shown_master(stdout: &str) -> Option<String> {
    let line = stdout.lines().find(|l| l.contains("Nöjdhet hemtjänst"))?;
    let rest = line.split("Nöjdhet hemtjänst (totalt): ").nth(1)?;
    let master = rest
        .strip_prefix("i databasen ")
        .map(|r| r.split(',').next().unwrap_or(r))
        .unwrap_or_else(|| rest.split(" → ").next().unwrap_or(rest));
    Some(master.trim().to_string())
}

#[test]
fn two_cli_imports_at_once_never_overwrite_a_value_their_preview_did_not_show() {
    let number = |v: &Value| v["value"].as_f64().map(|x| format!("{x}"));
    for round in 0..6 {
        for take_file in [false, true] {
            let mut s = Setup::new();
            let (eva, olle) = two_copies(&s);
            if take_file {
                set(&mut s.master, &controller(), 1, DELAR, 65.0);
            }
            let files = [("eva.styrkort-utbyte", eva, "70"), ("olle.styrkort-utbyte", olle, "80")];
            for (name, bytes, _) in &files {
                std::fs::write(s.dir.path().join(name), bytes).unwrap();
            }
            let master_path = s.master.path().unwrap().to_path_buf();
            let audit_before = s.master.audit_count().unwrap();
            drop(s.master);
            let children: Vec<_> = files
                .iter()
                .map(|(name, _, _)| {
                    let mut args = vec!["exchange", "import", name, "--yes"];
                    if take_file {
                        args.push("--take-file-on-conflict");
                    }
                    std::process::Command::new(env!("CARGO_BIN_EXE_styrkort"))
                        .arg("--db")
                        .arg(&master_path)
                        .args(&args)
                        .current_dir(s.dir.path())
                        .env_remove("STYRKORT_DB")
                        .stdout(std::process::Stdio::piped())
                        .stderr(std::process::Stdio::piped())
                        .spawn()
                        .unwrap()
                })
                .collect();
            let outputs: Vec<_> = children.into_iter().map(|c| c.wait_with_output().unwrap()).collect();
            let what = |i: usize| {
                format!(
                    "round {round}, take_file {take_file}, {}: {}{}",
                    files[i].0,
                    String::from_utf8_lossy(&outputs[i].stdout),
                    String::from_utf8_lossy(&outputs[i].stderr)
                )
            };
            for (i, out) in outputs.iter().enumerate() {
                let stderr = String::from_utf8_lossy(&out.stderr);
                assert!(out.status.success() || stderr.contains("Fel (conflict)"), "{}", what(i));
            }
            // Every value an import wrote replaced exactly what that import's preview showed.
            let store = Store::open(&master_path).unwrap();
            let rows = audit_rows(&store, "indicator_value", &format!("1/{UNIT}/{DELAR}/T"));
            let imports: Vec<_> = rows.iter().filter(|r| r.0 == "import").collect();
            assert!(!imports.is_empty(), "round {round}: one of them saved");
            assert_eq!(store.audit_count().unwrap(), audit_before + imports.len() as i64);
            for (_, _, before, after) in imports {
                let before: Value = serde_json::from_str(before).unwrap();
                let after: Value = serde_json::from_str(after).unwrap();
                let wrote = number(&after["content"]).unwrap();
                let i = files.iter().position(|f| f.2 == wrote).unwrap();
                let shown = shown_master(&String::from_utf8_lossy(&outputs[i].stdout));
                assert_eq!(number(&before), shown, "overwrote a value the preview did not show: {}", what(i));
            }
            let last = value_of(&store, 1, DELAR, "T").map(|v| format!("{v}"));
            assert!(last.as_deref() == Some("70") || last.as_deref() == Some("80"), "{last:?}");
        }
    }
}

#[test]
fn a_locked_period_refuses_the_import_and_nothing_is_saved() {
    let mut s = Setup::new();
    let mut copy = s.copy("hemtjansten.db");
    set(&mut copy, &unit_user(), 1, DELAR, 93.0);
    set(&mut copy, &unit_user(), 2, DELAR, 11.0);
    let bytes = export(&copy, &unit_user());
    s.master.write(&controller(), |w| styrkort::store::periods::set_locked(w, DELAR, true)).unwrap();
    let p = preview(&s.master, &[("f", &bytes)]);
    assert!(p.files[0].period_locked);
    let before = snapshot(&s.master);
    let err = exchange::apply(&mut s.master, &controller(), &p, &[]).unwrap_err();
    assert_eq!(err.code, ErrorCode::PeriodLocked, "{}", err.message);
    assert_eq!(snapshot(&s.master), before);
}

#[test]
fn files_from_another_database_or_a_newer_version_are_refused_naming_the_file() {
    let s = Setup::new();
    let copy = s.copy("hemtjansten.db");
    let good: Value = serde_json::from_slice(&export(&copy, &unit_user())).unwrap();
    let other = Setup::new(); // another database: its own identity
    let cases: Vec<(&str, Value, &str)> = vec![
        ("annan.styrkort-utbyte", good.clone(), "annan databas"),
        (
            "nyare-format.styrkort-utbyte",
            {
                let mut f = good.clone();
                f["format_version"] = json!(2);
                f
            },
            "formatversion 2",
        ),
        (
            "nyare-program.styrkort-utbyte",
            {
                let mut f = good.clone();
                f["app_version"] = json!("99.0.0");
                f
            },
            "Styrkort 99.0.0",
        ),
    ];
    for (i, (name, file, says)) in cases.into_iter().enumerate() {
        let target = if i == 0 { &other.master } else { &s.master };
        let err = exchange::preview(target, &[(name, serde_json::to_vec(&file).unwrap())]).unwrap_err();
        assert_eq!(err.code, ErrorCode::BadFile, "{name}: {}", err.message);
        assert!(err.message.starts_with(&format!("{name}: ")), "{}", err.message);
        assert!(err.message.contains(says), "{name}: {}", err.message);
    }
}

#[test]
fn a_stored_preview_without_its_files_is_refused() {
    let mut s = Setup::new();
    let mut copy = s.copy("hemtjansten.db");
    set(&mut copy, &unit_user(), 1, DELAR, 93.0);
    let p = preview(&s.master, &[("f", &export(&copy, &unit_user()))]);
    let from_window: ExchangePreview = serde_json::from_str(&serde_json::to_string(&p).unwrap()).unwrap();
    let err = exchange::apply(&mut s.master, &controller(), &from_window, &[]).unwrap_err();
    assert_eq!(err.code, ErrorCode::Validation);
    assert_eq!(s.master_value(1, DELAR, "T"), Some(91.0));
}

#[test]
fn export_to_writes_the_whole_file_or_refuses_before_touching_anything() {
    let s = Setup::new();
    let copy = s.copy("hemtjansten.db");
    let out = s.dir.path().join("hemtjansten-delar.styrkort-utbyte");
    let file = exchange::export_to(&copy, UNIT, DELAR, &unit_user(), &out).unwrap();
    assert_eq!(exchange::parse("f", &std::fs::read(&out).unwrap()).unwrap(), file);
    let err = exchange::export_to(&copy, UNIT, DELAR, &unit_user(), &s.dir.path().join("saknas/f.styrkort-utbyte")).unwrap_err();
    assert_eq!(err.code, ErrorCode::Io);
    let err = exchange::export_to(&copy, 99, DELAR, &unit_user(), &s.dir.path().join("x.styrkort-utbyte")).unwrap_err();
    assert_eq!(err.code, ErrorCode::NotFound);
    assert!(!s.dir.path().join("x.styrkort-utbyte").exists());
}

// --- the command line --------------------------------------------------------------------

#[test]
fn cli_exports_from_a_copy_previews_without_writing_and_imports_with_yes() {
    let mut s = Setup::new();
    let copy_path: PathBuf = s.dir.path().join("hemtjansten.db");
    {
        let mut copy = s.copy("hemtjansten.db");
        set(&mut copy, &unit_user(), 1, DELAR, 93.0);
        set(&mut s.master, &controller(), 2, DELAR, 14.0);
        set(&mut copy, &unit_user(), 2, DELAR, 12.0);
    }
    let file = s.dir.path().join("hemtjansten.styrkort-utbyte");
    let file_arg = file.to_str().unwrap();
    let text = ok(&styrkort(
        &copy_path,
        &["exchange", "export", "--unit", "Hemtjänsten", "--period", "delår", "--year", "2026", "--out", file_arg],
    ));
    assert!(text.contains("Hemtjänsten Öster") && text.contains("hemtjansten.styrkort-utbyte"), "{text}");

    let master_path = s.master.path().unwrap().to_path_buf();
    let before = snapshot(&s.master);
    drop(s.master);
    let text = ok(&styrkort(&master_path, &["exchange", "import", file_arg]));
    assert!(text.contains("ändrad") && text.contains("Nöjdhet hemtjänst"), "{text}");
    assert!(text.contains("konflikt") && text.contains("Antal personal per brukare"), "{text}");
    assert!(text.contains("Inget är sparat"), "{text}");
    assert_eq!(snapshot(&Store::open(&master_path).unwrap()), before, "without --yes nothing is written");

    let text = ok(&styrkort(&master_path, &["exchange", "import", file_arg, "--yes"]));
    assert!(text.contains("1 poster sparade") && text.contains("1 konflikter"), "{text}");
    let master = Store::open(&master_path).unwrap();
    assert_eq!(value_of(&master, 1, DELAR, "T"), Some(93.0));
    assert_eq!(value_of(&master, 2, DELAR, "T"), Some(14.0), "a conflict keeps the master's value with plain --yes");
    drop(master);
    ok(&styrkort(&master_path, &["exchange", "import", file_arg, "--yes", "--take-file-on-conflict"]));
    assert_eq!(value_of(&Store::open(&master_path).unwrap(), 2, DELAR, "T"), Some(12.0));
}

#[test]
fn cli_refuses_a_file_from_another_database() {
    let s = Setup::new();
    let copy = s.copy("hemtjansten.db");
    let file = s.dir.path().join("f.styrkort-utbyte");
    std::fs::write(&file, export(&copy, &unit_user())).unwrap();
    let other = tempfile::tempdir().unwrap();
    let db = other.path().join("annan.db");
    ok(&styrkort(&db, &["init", "--municipality", "Annanstad kommun"]));
    let out = styrkort(&db, &["exchange", "import", file.to_str().unwrap(), "--yes"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("Fel (bad_file)") && err.contains("f.styrkort-utbyte") && err.contains("annan databas"), "{err}");
}

#[test]
fn assessment_review_state_is_part_of_the_content() {
    // An assessment approved in the master meanwhile, while the unit only re-read it: kept.
    let mut s = Setup::new();
    let copy = s.copy("hemtjansten.db");
    s.master
        .write(&controller(), |w| {
            w.save_assessment(5, UNIT, DELAR, Some(1), "Klart.")?;
            w.review_assessment(5, UNIT, DELAR, &ReviewAction::Submit)?;
            w.review_assessment(5, UNIT, DELAR, &ReviewAction::Approve).map(drop)
        })
        .unwrap();
    let p = preview(&s.master, &[("f", &export(&copy, &unit_user()))]);
    let item = p.files[0].items.iter().find(|i| i.item == ExchangeItemRef::Assessment { goal_id: 5 }).unwrap();
    assert_eq!(item.state, ExchangeItemState::MasterNewer);
    assert!(matches!(item.master, Some(ExchangeItemContent::Assessment { state: AssessmentState::Approved, .. })));
}

#[test]
fn a_broken_file_is_refused_with_its_name_and_the_place_in_it() {
    let mut s = Setup::new();
    let copy = s.copy("hemtjansten.db");
    let bytes = export(&copy, &unit_user());
    let good: Value = serde_json::from_slice(&bytes).unwrap();
    let changed = |change: &dyn Fn(&mut Value)| {
        let mut f = good.clone();
        change(&mut f);
        serde_json::to_vec_pretty(&f).unwrap()
    };
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (bytes[..bytes.len() / 2].to_vec(), "rad "),
        (changed(&|f| f["values"][1]["value"] = json!("12,5")), "'values[1].value'"),
        (changed(&|f| f["assessments"][0]["stjärnor"] = json!(5)), "'assessments[0].stjärnor'"),
        (
            changed(&|f| {
                if let Some(a) = f["activities"].as_array_mut() {
                    a.clear();
                }
            }),
            "",
        ),
        (changed(&|f| f["values"][0]["indicator_id"] = json!(999)), "'values[0]': nyckeltalet med id 999 finns inte"),
        (changed(&|f| f["assessments"][0]["goal_id"] = json!(1)), "'assessments[0]': målet med id 1 ägs inte av Hemtjänsten Öster"),
    ];
    let before = snapshot(&s.master);
    for (bytes, place) in cases {
        match exchange::preview(&s.master, &[("enhet.styrkort-utbyte", &bytes)]) {
            Err(e) => {
                assert_eq!(e.code, ErrorCode::BadFile, "{}", e.message);
                assert!(e.message.starts_with("enhet.styrkort-utbyte: "), "{}", e.message);
                assert!(!place.is_empty() && e.message.contains(place), "expected {place:?} in: {}", e.message);
                assert!(e.message.ends_with("Inget har sparats."), "{}", e.message);
            }
            // An empty list of activities is a valid file: nothing to say about them.
            Ok(p) => {
                assert!(place.is_empty(), "accepted a file that should name {place:?}");
                exchange::apply(&mut s.master, &controller(), &p, &[]).unwrap();
            }
        }
    }
    assert_eq!(snapshot(&s.master), before);
}

// --- uppdrag, intern kontroll and tjänstegarantier ------------------------------------------

use styrkort::model::{AssignmentFollowUp, AssignmentStatus, ControlFollowUp, ControlResult, GuaranteeFollowUp, GuaranteeOutcome};
use styrkort::store::{assignments, internal_control, unit_missions};

/// Uppdrag, intern kontroll and tjänstegarantier of 2026 in the master before copies are made
/// (the features' own forms are written elsewhere): uppdrag 1, control 1 and guarantee 1 are
/// Hemtjänsten Öster's, uppdrag 2 and control 2 Socialnämnden's.
fn with_steering(s: &Setup) {
    let conn = rusqlite::Connection::open(s.master.path().unwrap()).unwrap();
    conn.execute_batch(
        "INSERT INTO assignment(id, plan_year, code, title, issuer_unit_id, responsible_unit_id) VALUES
           (1, 2026, 'KF 2026:3', 'Utred trygghetslarm', 1, 3), (2, 2026, 'KF 2026:4', 'Plan för heltid', 1, 2);
         INSERT INTO control_plan(id, org_unit_id, plan_year) VALUES (1, 3, 2026), (2, 2, 2026);
         INSERT INTO control_risk(id, plan_id, process, risk, probability, consequence, chosen) VALUES
           (1, 1, 'Inköp', 'Köp utanför avtal', 3, 3, 1), (2, 2, 'Delegation', 'Beslut utan delegation', 2, 4, 1);
         INSERT INTO control(id, risk_id, what, report_in) VALUES (1, 1, 'Stickprov på fakturor', 'delar_helar'),
           (2, 2, 'Granskning av delegationsbeslut', 'helar');
         INSERT INTO service_guarantee(id, org_unit_id, plan_year, promise) VALUES (1, 3, 2026, 'Besked inom två veckor');",
    )
    .unwrap();
}

fn assignment_follow_up(status: AssignmentStatus, comment: &str, state: AssessmentState) -> AssignmentFollowUp {
    AssignmentFollowUp {
        assignment_id: 1,
        period_id: DELAR,
        status,
        comment: comment.into(),
        state,
        review_comment: String::new(),
        changed_at: String::new(),
        changed_by: String::new(),
        version: 0,
    }
}

fn control_follow_up(result: ControlResult, deviation: &str) -> ControlFollowUp {
    ControlFollowUp {
        control_id: 1,
        period_id: DELAR,
        result,
        comment: "20 fakturor granskade.".into(),
        deviation: deviation.into(),
        action: String::new(),
        state: AssessmentState::Draft,
        review_comment: String::new(),
        changed_at: String::new(),
        changed_by: String::new(),
        version: 0,
    }
}

fn guarantee_follow_up(kept: GuaranteeOutcome, comment: &str) -> GuaranteeFollowUp {
    GuaranteeFollowUp {
        guarantee_id: 1,
        period_id: DELAR,
        kept,
        comment: comment.into(),
        state: AssessmentState::Approved,
        review_comment: String::new(),
        changed_at: String::new(),
        changed_by: String::new(),
        version: 0,
    }
}

const ASSIGNMENT: ExchangeItemRef = ExchangeItemRef::Assignment { assignment_id: 1 };
const CONTROL: ExchangeItemRef = ExchangeItemRef::Control { control_id: 1 };
const GUARANTEE: ExchangeItemRef = ExchangeItemRef::Guarantee { guarantee_id: 1 };

#[test]
fn uppdrag_control_and_guarantee_follow_up_travel_from_the_copy_into_the_master() {
    let mut s = Setup::new();
    with_steering(&s);
    // The guarantee was followed up before the copy was handed out; the unit changes it.
    s.master.write(&controller(), |w| unit_missions::put_guarantee_follow_up(w, &guarantee_follow_up(GuaranteeOutcome::Kept, ""))).unwrap();
    let mut copy = s.copy("hemtjansten.db");
    copy.write(&unit_user(), |w| {
        assignments::put_follow_up(w, &assignment_follow_up(AssignmentStatus::InProgress, "Utredningen pågår.", AssessmentState::Ready))?;
        internal_control::put_follow_up(w, &control_follow_up(ControlResult::Deviation, "Två köp utan avtal."))?;
        unit_missions::put_guarantee_follow_up(w, &guarantee_follow_up(GuaranteeOutcome::NotKept, "Sjukfrånvaro i augusti."))
    })
    .unwrap();
    let bytes = export(&copy, &unit_user());
    let f: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(f["format_version"], 1, "the format only grew lists a file may leave out");
    assert_eq!(f["assignments"][0]["assignment"], "KF 2026:3 Utred trygghetslarm");
    assert_eq!((f["assignments"][0]["status"].as_str(), f["assignments"][0]["state"].as_str()), (Some("in_progress"), Some("ready")));
    assert_eq!(f["controls"][0]["control"], "Stickprov på fakturor");
    assert_eq!(f["controls"][0]["deviation"], "Två köp utan avtal.");
    assert_eq!(f["guarantees"][0]["kept"], "not_kept");
    assert_eq!(f["assignments"].as_array().unwrap().len(), 1, "Socialnämnden's uppdrag is not the unit's");
    assert_eq!(f["controls"].as_array().unwrap().len(), 1, "nor is its control");

    let before = snapshot(&s.master);
    let p = preview(&s.master, &[("hemtjansten.styrkort-utbyte", &bytes)]);
    assert_eq!(snapshot(&s.master), before, "a preview writes nothing");
    assert_eq!(state_of(&p, 0, &ASSIGNMENT), ExchangeItemState::New);
    assert_eq!(state_of(&p, 0, &CONTROL), ExchangeItemState::New);
    assert_eq!(state_of(&p, 0, &GUARANTEE), ExchangeItemState::Changed);
    let labels: Vec<(&str, &str)> =
        p.files[0].items.iter().filter(|i| i.item != value(1)).map(|i| (i.label.as_str(), i.title.as_str())).collect();
    for expected in [
        ("Uppdrag: KF 2026:3 Utred trygghetslarm", "KF 2026:3 Utred trygghetslarm"),
        ("Kontroll: Stickprov på fakturor", "Stickprov på fakturor"),
        ("Tjänstegaranti: Besked inom två veckor", "Besked inom två veckor"),
    ] {
        assert!(labels.contains(&expected), "{expected:?} in {labels:?}");
    }

    let outcome = exchange::apply(&mut s.master, &controller(), &p, &[]).unwrap();
    assert_eq!(outcome.taken, 3);
    assert_eq!(s.master.audit_count().unwrap(), before.1 + 3, "one audit row per item taken");
    let db = s.master.read();
    let a = assignments::get_follow_up(db, 1, DELAR).unwrap().unwrap();
    assert_eq!((a.status, a.comment.as_str(), a.state), (AssignmentStatus::InProgress, "Utredningen pågår.", AssessmentState::Ready));
    assert_eq!((a.changed_by.as_str(), a.changed_at.as_str()), ("Enhetschef Eva", "2026-09-15T14:30:00"), "who wrote it in the unit");
    let c = internal_control::get_follow_up(db, 1, DELAR).unwrap().unwrap();
    assert_eq!((c.result, c.deviation.as_str()), (ControlResult::Deviation, "Två köp utan avtal."));
    let g = unit_missions::get_guarantee_follow_up(db, 1, DELAR).unwrap().unwrap();
    assert_eq!((g.kept, g.comment.as_str(), g.state), (GuaranteeOutcome::NotKept, "Sjukfrånvaro i augusti.", AssessmentState::Approved));
    let audit = audit_rows(&s.master, "assignment_follow_up", "1/5");
    let last = audit.last().unwrap();
    assert_eq!((last.0.as_str(), last.1.as_str()), ("import", "Controller Åsa"));

    // Reading the same file again: everything unchanged, nothing written.
    let after_first = snapshot(&s.master);
    let again = preview(&s.master, &[("hemtjansten.styrkort-utbyte", &bytes)]);
    assert!(again.files[0].items.iter().all(|i| i.state == ExchangeItemState::Unchanged), "{:?}", again.files[0].items);
    assert_eq!(exchange::apply(&mut s.master, &controller(), &again, &[]).unwrap().taken, 0);
    assert_eq!(snapshot(&s.master), after_first, "no writes, no audit rows");

    // A later file of the same copy is a change, not a conflict.
    copy.write(&later_unit_user(), |w| {
        assignments::put_follow_up(w, &assignment_follow_up(AssignmentStatus::Done, "Utredningen är klar.", AssessmentState::Ready))
    })
    .unwrap();
    let later = preview(&s.master, &[("senare", &export(&copy, &later_unit_user()))]);
    assert_eq!(state_of(&later, 0, &ASSIGNMENT), ExchangeItemState::Changed);
    assert_eq!(state_of(&later, 0, &CONTROL), ExchangeItemState::Unchanged);
}

#[test]
fn an_uppdrag_changed_on_both_sides_is_a_conflict_kept_unless_resolved_take_file() {
    for choice in [ConflictChoice::KeepMaster, ConflictChoice::TakeFile] {
        let mut s = Setup::new();
        with_steering(&s);
        s.master
            .write(&controller(), |w| {
                assignments::put_follow_up(w, &assignment_follow_up(AssignmentStatus::NotStarted, "", AssessmentState::Draft))
            })
            .unwrap();
        let mut copy = s.copy("hemtjansten.db");
        copy.write(&unit_user(), |w| {
            assignments::put_follow_up(w, &assignment_follow_up(AssignmentStatus::InProgress, "I enheten.", AssessmentState::Draft))
        })
        .unwrap();
        s.master
            .write(&controller(), |w| {
                assignments::put_follow_up(w, &assignment_follow_up(AssignmentStatus::Done, "I förvaltningen.", AssessmentState::Draft))
            })
            .unwrap();
        let p = preview(&s.master, &[("f", &export(&copy, &unit_user()))]);
        assert_eq!(state_of(&p, 0, &ASSIGNMENT), ExchangeItemState::Conflict);
        let outcome = exchange::apply(&mut s.master, &controller(), &p, &p.resolve_all(choice)).unwrap();
        let now = assignments::get_follow_up(s.master.read(), 1, DELAR).unwrap().unwrap();
        let expected = if choice == ConflictChoice::TakeFile { "I enheten." } else { "I förvaltningen." };
        assert_eq!(now.comment, expected, "{choice:?}");
        assert_eq!(outcome.conflicts_kept, (choice == ConflictChoice::KeepMaster) as u32, "{choice:?}");
    }
}

#[test]
fn a_control_changed_in_the_master_after_the_preview_refuses_the_import() {
    let mut s = Setup::new();
    with_steering(&s);
    let mut copy = s.copy("hemtjansten.db");
    copy.write(&unit_user(), |w| internal_control::put_follow_up(w, &control_follow_up(ControlResult::NoRemarks, ""))).unwrap();
    let p = preview(&s.master, &[("f", &export(&copy, &unit_user()))]);
    assert_eq!(state_of(&p, 0, &CONTROL), ExchangeItemState::New);
    s.master
        .write(&controller(), |w| internal_control::put_follow_up(w, &control_follow_up(ControlResult::Deviation, "Avtal saknas.")))
        .unwrap();
    let before = snapshot(&s.master);
    let err = exchange::apply(&mut s.master, &controller(), &p, &[]).unwrap_err();
    assert_eq!(err.code, ErrorCode::Conflict, "{}", err.message);
    assert!(err.message.contains("Kontroll: Stickprov på fakturor"), "{}", err.message);
    assert_eq!(snapshot(&s.master), before);
}

#[test]
fn a_file_of_the_format_before_uppdrag_still_reads() {
    let mut s = Setup::new();
    with_steering(&s);
    let mut copy = s.copy("hemtjansten.db");
    set(&mut copy, &unit_user(), 1, DELAR, 93.0);
    let bytes = export(&copy, &unit_user());
    let text = std::str::from_utf8(&bytes).unwrap();
    for key in ["assignments", "controls", "guarantees"] {
        assert!(!text.contains(&format!("\"{key}\"")), "a file without such follow-up is written as before: {key}");
    }
    // A file as the previous version wrote it: exactly these fields.
    let f: Value = serde_json::from_str(text).unwrap();
    let fields: Vec<&String> = f.as_object().unwrap().keys().collect();
    assert_eq!(fields.len(), 11, "{fields:?}");
    let p = preview(&s.master, &[("gammal.styrkort-utbyte", &bytes)]);
    assert_eq!(state_of(&p, 0, &value(1)), ExchangeItemState::Changed);
    assert_eq!(exchange::apply(&mut s.master, &controller(), &p, &[]).unwrap().taken, 1);
    assert_eq!(s.master_value(1, DELAR, "T"), Some(93.0));
}

#[test]
fn an_uppdrag_follow_up_into_a_locked_period_is_refused() {
    let mut s = Setup::new();
    with_steering(&s);
    let mut copy = s.copy("hemtjansten.db");
    copy.write(&unit_user(), |w| {
        assignments::put_follow_up(w, &assignment_follow_up(AssignmentStatus::Done, "Klart.", AssessmentState::Ready))
    })
    .unwrap();
    let bytes = export(&copy, &unit_user());
    s.master.write(&controller(), |w| styrkort::store::periods::set_locked(w, DELAR, true)).unwrap();
    let p = preview(&s.master, &[("f", &bytes)]);
    let before = snapshot(&s.master);
    let err = exchange::apply(&mut s.master, &controller(), &p, &[]).unwrap_err();
    assert_eq!(err.code, ErrorCode::PeriodLocked, "{}", err.message);
    assert_eq!(snapshot(&s.master), before);
}
