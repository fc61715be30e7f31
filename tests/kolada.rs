//! The Kolada import through the core API and the CLI: real values land where they
//! belong, re-imports change nothing, newer values keep the old ones in the history, bad
//! files change nothing and say where they are wrong, the scorecard shows Kolada beside
//! our own values, and the online fetch pages, retries and cancels against a local server.
//!
//! Källa: Kolada (tests/fixtures/kolada/README.md). Values written inline below are
//! synthetic and say so.

mod common;
use common::{ok, styrkort};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::NaiveDate;
use serde_json::Value;
use styrkort::kolada::online::{self, FetchOptions, FetchProgress, FetchRequest, Fetched};
use styrkort::kolada::{self, read, ImportOptions, KoladaImportSummary, RankQuartile};
use styrkort::model::{Direction, Frequency, Gender, ToleranceKind, ValueSource};
use styrkort::scorecard::{self, IndicatorCard};
use styrkort::store::NewIndicator;
use styrkort::{seed, ChangeContext, ErrorCode, Store};

const MINIMAL: &str = include_str!("fixtures/seed-minimal.json");
const N00090: &str = include_str!("fixtures/kolada/n00090.json");
const N00090_2022_ALL: &str = include_str!("fixtures/kolada/n00090-2022-kommuner.json");

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/kolada").join(name)
}

fn ctx() -> ChangeContext {
    ChangeContext::new("Kerstin Controller", "2026-11-26T10:00:00")
}

fn later() -> ChangeContext {
    ChangeContext::new("Kerstin Controller", "2027-03-01T08:00:00")
}

fn minimal() -> Store {
    let mut store = Store::open_in_memory().unwrap();
    seed::load(&mut store, &ctx(), "seed-minimal.json", MINIMAL).unwrap();
    store
}

/// The value the fixture file itself gives, found by walking its JSON.
fn value_in(text: &str, municipality: &str, year: i64, gender: &str) -> Option<f64> {
    let json: Value = serde_json::from_str(text).unwrap();
    let row = json["values"].as_array().unwrap().iter().find(|r| r["municipality"] == municipality && r["period"] == year)?;
    row["values"].as_array().unwrap().iter().find(|v| v["gender"] == gender).and_then(|v| v["value"].as_f64())
}

fn values_in(text: &str) -> u64 {
    let json: Value = serde_json::from_str(text).unwrap();
    json["values"].as_array().unwrap().iter().map(|r| r["values"].as_array().unwrap().len() as u64).sum()
}

/// Everything an import could touch, to show that a failed one touched nothing.
fn snapshot(store: &Store) -> (read::KoladaCounts, i64, Vec<(String, i64)>) {
    (read::counts(store).unwrap(), store.audit_count().unwrap(), store.counts().unwrap())
}

fn import(store: &mut Store, files: &[(&str, &str)]) -> KoladaImportSummary {
    kolada::import_texts(store, &ctx(), files).unwrap()
}

// ---------------------------------------------------------------------------------------
// Import of files

#[test]
fn real_values_land_keyed_by_kpi_area_year_and_gender() {
    let mut store = minimal();
    let s = kolada::import_files(&mut store, &ctx(), &[fixture("n00090.json")], &ImportOptions::default()).unwrap();
    assert_eq!(s.new, values_in(N00090), "every value in the file is new");
    assert_eq!((s.changed, s.unchanged, s.removed), (0, 0, 0));

    // 2083 Hedemora 2022, as the file says (8.8 % for T, 9.9 for K, 5.6 for M).
    for (gender, g) in [("T", Gender::T), ("K", Gender::K), ("M", Gender::M)] {
        let in_file = value_in(N00090, "2083", 2022, gender).unwrap();
        assert_eq!(kolada::compare::value(&store, "N00090", "2083", 2022, g).unwrap(), Some(in_file), "{gender}");
    }
    assert_eq!(kolada::compare::value(&store, "N00090", "2083", 2022, Gender::T).unwrap(), Some(8.8));

    let stored = read::stored(&store, "N00090", "2083", 2022, Gender::T).unwrap().unwrap();
    assert_eq!(stored.area_kind, "municipality");
    assert_eq!(stored.imported_at, "2026-11-26T10:00:00");
    assert_eq!(stored.source_file, "n00090.json");

    // Kolada answered null for 2083 in 2014: kept as null, not dropped and not zero.
    assert_eq!(value_in(N00090, "2083", 2014, "T"), None);
    let null = read::stored(&store, "N00090", "2083", 2014, Gender::T).unwrap().expect("the null row is stored");
    assert_eq!(null.value, None);
}

#[test]
fn reimporting_the_same_file_changes_nothing() {
    let mut store = minimal();
    import(&mut store, &[("n00090.json", N00090)]);
    let before = snapshot(&store);
    let again = kolada::import_texts(&mut store, &later(), &[("n00090.json", N00090)]).unwrap();
    assert_eq!(again.unchanged, values_in(N00090));
    assert_eq!((again.new, again.changed, again.removed), (0, 0, 0));
    assert!(!again.changed_anything());
    assert_eq!(snapshot(&store), before, "no history, no audit row");
    // Same values under another file name are still the same values.
    let renamed = import(&mut store, &[("kopia.json", N00090)]);
    assert_eq!(renamed.unchanged, values_in(N00090));
    assert_eq!(read::stored(&store, "N00090", "2083", 2022, Gender::T).unwrap().unwrap().source_file, "n00090.json");
}

/// A synthetic newer file: 2083's 2022 total revised (not Kolada's number).
const REVISED: &str = r#"{"count":1,"values":[{"kpi":"N00090","municipality":"2083","period":2022,"values":[
  {"count":1,"gender":"T","isdeleted":false,"status":"","value":8.7},
  {"count":1,"gender":"K","isdeleted":false,"status":"","value":9.9}]}],"next_url":null,"previous_url":null}"#;

#[test]
fn a_newer_value_replaces_the_old_one_which_moves_to_the_history() {
    let mut store = minimal();
    import(&mut store, &[("n00090.json", N00090)]);
    let audit = store.audit_count().unwrap();
    let s = kolada::import_texts(&mut store, &later(), &[("n00090-reviderad.json", REVISED)]).unwrap();
    assert_eq!((s.new, s.changed, s.unchanged, s.removed), (0, 1, 1, 0));

    let now = read::stored(&store, "N00090", "2083", 2022, Gender::T).unwrap().unwrap();
    assert_eq!(now.value, Some(8.7));
    assert_eq!(now.source_file, "n00090-reviderad.json");
    assert_eq!(now.imported_at, "2027-03-01T08:00:00");
    let history = read::history(&store, "N00090", "2083", 2022, Gender::T).unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].value, Some(8.8));
    assert_eq!(history[0].source_file, "n00090.json");
    assert_eq!(history[0].imported_at, "2026-11-26T10:00:00");
    assert_eq!(history[0].replaced_at, "2027-03-01T08:00:00");
    assert!(read::history(&store, "N00090", "2083", 2022, Gender::K).unwrap().is_empty(), "K did not change");
    assert_eq!(store.audit_count().unwrap(), audit + 1, "one audit row for the whole import");
}

#[test]
fn deleted_rows_remove_the_value_and_keep_it_in_the_history() {
    let mut store = minimal();
    import(&mut store, &[("n00090.json", N00090)]);
    // Synthetic: v3 marks 2083 2022 M deleted; v2 (is_deleted, period as text) marks K deleted.
    let v3 = r#"{"values":[{"kpi":"N00090","municipality":"2083","period":2022,"values":[{"gender":"M","value":5.6,"isdeleted":true}]}]}"#;
    let v2 = r#"{"count":1,"values":[{"kpi":"N00090","municipality":"2083","period":"2022","values":[{"count":1,"gender":"K","value":null,"is_deleted":1,"from_date":"2025-01-01"}]}]}"#;
    let never_had =
        r#"{"values":[{"kpi":"N00090","municipality":"2083","period":1999,"values":[{"gender":"T","value":1,"isdeleted":true}]}]}"#;
    let s = kolada::import_texts(&mut store, &later(), &[("del-v3.json", v3), ("del-v2.json", v2), ("aldrig.json", never_had)]).unwrap();
    assert_eq!((s.removed, s.unchanged, s.new), (2, 1, 0));
    assert_eq!(read::stored(&store, "N00090", "2083", 2022, Gender::M).unwrap(), None);
    assert_eq!(read::stored(&store, "N00090", "2083", 2022, Gender::K).unwrap(), None);
    assert_eq!(read::history(&store, "N00090", "2083", 2022, Gender::M).unwrap()[0].value, Some(5.6));
    assert_eq!(read::history(&store, "N00090", "2083", 2022, Gender::K).unwrap()[0].value, Some(9.9));
    assert_eq!(read::stored(&store, "N00090", "2083", 1999, Gender::T).unwrap(), None);
    assert!(read::stored(&store, "N00090", "2083", 2022, Gender::T).unwrap().is_some(), "T untouched");
}

#[test]
fn several_pages_are_imported_together_with_groups_units_kpis_and_names() {
    let mut store = minimal();
    // Synthetic pages: a group value (v2 envelope with next_page), an oudata row, KPI
    // metadata (v3 and v2 flavours), a municipality list and a group list.
    let group_page = r#"{"count":1,"next_page":"http://api.kolada.se/v2/data/kpi/N00090/year/2022?page=2","values":[
        {"kpi":"N00090","municipality":"G33418","period":2022,"values":[{"count":7,"gender":"T","status":"","value":9.4}]}]}"#;
    let ou_page = r#"{"count":1,"values":[{"kpi":"N15033","ou":"V15E208300101","period":2022,"values":[{"gender":"T","value":71.5,"isdeleted":false}]}],"next_url":null}"#;
    let kpis = r#"{"count":2,"values":[
        {"id":"N00090","title":"Sjukfrånvaro bland kommunens anställda, andel (%)","description":"Sjukfrånvaro i procent av ordinarie arbetstid.","is_divided_by_gender":true,"municipality_type":"K","operating_area":"Personal","auspice":"X","publ_period":"2023","has_ou_data":false},
        {"id":"N00097","title":"Nettokostnadsavvikelse","description":"","is_divided_by_gender":0,"municipality_type":"K","operating_area":"Ekonomi","auspices":"E"}]}"#;
    let municipalities = r#"{"count":2,"values":[{"id":"2083","title":"Hedemora","type":"K"},{"id":"0000","title":"Riket","type":"L"}]}"#;
    let groups = r#"{"count":1,"values":[{"id":"G33418","title":"Liknande kommuner, övergripande, Hedemora","members":[{"member_id":"1885","member_title":"Lindesberg"}]}]}"#;
    let s = import(
        &mut store,
        &[
            ("grupp.json", group_page),
            ("ou.json", ou_page),
            ("kpi.json", kpis),
            ("kommuner.json", municipalities),
            ("grupper.json", groups),
        ],
    );
    assert_eq!((s.files, s.new, s.kpis, s.area_names), (5, 2, 2, 4));

    let g = read::stored(&store, "N00090", "G33418", 2022, Gender::T).unwrap().unwrap();
    assert_eq!((g.value, g.area_kind.as_str(), g.source_file.as_str()), (Some(9.4), "group", "grupp.json"));
    assert_eq!(read::stored(&store, "N15033", "V15E208300101", 2022, Gender::T).unwrap().unwrap().area_kind, "ou");
    let k = read::kpi(&store, "n00090").unwrap().unwrap();
    assert!(k.is_divided_by_gender);
    assert_eq!(k.operating_area, "Personal");
    assert!(!read::kpi(&store, "N00097").unwrap().unwrap().is_divided_by_gender, "v2's 0 is false");
    assert_eq!(kolada::compare::area_name(&store, "2083").unwrap().as_deref(), Some("Hedemora"));
    assert_eq!(kolada::compare::area_name(&store, "G33418").unwrap().as_deref(), Some("Liknande kommuner, övergripande, Hedemora"));
    assert_eq!(kolada::compare::area_name(&store, "1885").unwrap().as_deref(), Some("Lindesberg"));

    // Names and metadata are also idempotent.
    let again = import(&mut store, &[("kpi.json", kpis), ("kommuner.json", municipalities)]);
    assert_eq!((again.kpis, again.area_names), (0, 0));
}

// ---------------------------------------------------------------------------------------
// The same key twice in one import (issue 12, item 4)

/// A synthetic page of N00090 values (not Kolada's figures): (municipality, year, gender, value).
fn page(rows: &[(&str, i32, &str, &str)]) -> String {
    let rows: Vec<String> = rows
        .iter()
        .map(|(m, y, g, v)| {
            format!(r#"{{"kpi":"N00090","municipality":"{m}","period":{y},"values":[{{"gender":"{g}","value":{v},"isdeleted":false}}]}}"#)
        })
        .collect();
    format!(r#"{{"count":{},"values":[{}],"next_url":null}}"#, rows.len(), rows.join(","))
}

#[test]
fn the_same_key_twice_with_different_values_refuses_the_whole_import() {
    let one_file = page(&[("2083", 2022, "T", "8.8"), ("0114", 2022, "T", "7.0"), ("2083", 2022, "T", "9.1")]);
    let first = page(&[("2083", 2022, "T", "8.8"), ("0114", 2022, "T", "7.0")]);
    let second = page(&[("2083", 2021, "T", "8.0"), ("2083", 2022, "T", "9.1")]);
    let nulled = page(&[("2083", 2022, "T", "null")]);
    let in_one_row = r#"{"values":[{"kpi":"N00090","municipality":"2083","period":2022,"values":[{"gender":"T","value":8.8},{"gender":"K","value":9.9},{"gender":"T","value":9.1}]}]}"#;
    let deleted =
        r#"{"values":[{"kpi":"N00090","municipality":"2083","period":2022,"values":[{"gender":"T","value":8.8,"isdeleted":true}]}]}"#;
    // (what, files of the import, words the message must hold)
    type Case<'a> = (&'a str, Vec<(&'a str, &'a str)>, Vec<&'a str>);
    let cases: Vec<Case> = vec![
        ("in one file", vec![("sida.json", &one_file)], vec!["sida.json", "values[0].values[0]", "values[2].values[0]"]),
        (
            "on two pages",
            vec![("sida1.json", &first), ("sida2.json", &second)],
            vec!["sida1.json (values[0].values[0])", "sida2.json: values[1].values[0]"],
        ),
        ("a number and null", vec![("a.json", &first), ("b.json", &nulled)], vec!["a.json", "b.json"]),
        ("in one row", vec![("rad.json", in_one_row)], vec!["values[0].values[0]", "values[0].values[2]"]),
        ("a value and its deletion", vec![("a.json", &first), ("borttag.json", deleted)], vec!["a.json", "borttag.json"]),
    ];
    for (name, files, places) in cases {
        let mut store = minimal();
        import(&mut store, &[("n00090.json", N00090)]);
        let before = snapshot(&store);
        let err = kolada::import_texts(&mut store, &later(), &files).unwrap_err();
        assert_eq!(err.code, ErrorCode::BadFile, "{name}: {}", err.message);
        for words in ["N00090", "2083", "2022", "inget har importerats"].iter().chain(&places) {
            assert!(err.message.contains(words), "{name}: {words:?} in {}", err.message);
        }
        assert_eq!(snapshot(&store), before, "{name}: nothing was written");
        assert_eq!(kolada::compare::value(&store, "N00090", "2083", 2022, Gender::T).unwrap(), Some(8.8), "{name}");
    }

    // Saved pages on disk, imported together, and through the command line.
    let dir = tempfile::tempdir().unwrap();
    let a = write_temp(dir.path(), "sida1.json", first.as_bytes());
    let b = write_temp(dir.path(), "sida2.json", second.as_bytes());
    let mut store = minimal();
    let before = snapshot(&store);
    let err = kolada::import_files(&mut store, &ctx(), &[&a, &b], &ImportOptions::default()).unwrap_err();
    assert_eq!(err.code, ErrorCode::BadFile, "{}", err.message);
    assert!(err.message.contains("sida1.json") && err.message.contains("sida2.json"), "{}", err.message);
    assert_eq!(snapshot(&store), before);
    let db = dir.path().join("kommun.db");
    ok(&styrkort(&db, &["init", "--municipality", "Testköping kommun"]));
    let out = styrkort(&db, &["import", "kolada", a.to_str().unwrap(), b.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && stderr.contains("Fel (bad_file)") && stderr.contains("sida2.json"), "{stderr}");
    assert_eq!(read::counts(&Store::open(&db).unwrap()).unwrap().values, 0, "nothing was imported");
}

#[test]
fn the_same_key_twice_with_the_same_value_is_imported_once() {
    let mut store = minimal();
    let s = import(
        &mut store,
        &[
            ("a.json", &page(&[("2083", 2022, "T", "8.8"), ("2083", 2022, "T", "8.80")])),
            ("b.json", &page(&[("2083", 2022, "T", "8.8"), ("0114", 2022, "T", "null"), ("0114", 2022, "T", "null")])),
        ],
    );
    assert_eq!((s.new, s.changed, s.unchanged, s.removed), (2, 0, 0, 0));
    let held = read::stored(&store, "N00090", "2083", 2022, Gender::T).unwrap().unwrap();
    assert_eq!((held.value, held.source_file.as_str()), (Some(8.8), "a.json"));
    assert!(read::history(&store, "N00090", "2083", 2022, Gender::T).unwrap().is_empty());
    assert_eq!(read::stored(&store, "N00090", "0114", 2022, Gender::T).unwrap().unwrap().value, None);
}

// ---------------------------------------------------------------------------------------
// Bad input: bad_file, the database unchanged, the file and the place named

fn write_temp(dir: &Path, name: &str, content: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, content).unwrap();
    p
}

#[test]
fn bad_files_are_refused_and_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let good = fixture("n00090.json");
    let truncated = &N00090.as_bytes()[..N00090.len() / 2];
    // values[3].values[1] is 0000's 2012 value for M in the real file; its gender made unknown.
    let mut json: Value = serde_json::from_str(N00090).unwrap();
    json["values"][3]["values"][1]["gender"] = Value::from("X");
    let unknown_gender = serde_json::to_vec(&json).unwrap();
    let mut json: Value = serde_json::from_str(N00090).unwrap();
    json["values"][5]["values"][2]["value"] = Value::from("8,8");
    let string_value = serde_json::to_vec(&json).unwrap();

    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("avkortad.json", truncated.to_vec(), "avkortad"),
        ("trasig.json", br#"{"values":[{"kpi":"N00090" "municipality":"2083"}]}"#.to_vec(), "ogiltig JSON"),
        ("lista.json", br#"[{"kpi":"N00090"}]"#.to_vec(), "JSON-lista"),
        ("seed.json", MINIMAL.as_bytes().to_vec(), "inget fält 'values'"),
        ("annat.json", br#"{"values":[{"name":"x","colour":"red"}]}"#.to_vec(), "values[0]: raden känns inte igen"),
        ("kon.json", unknown_gender, "values[3].values[1].gender: okänd kön 'X'"),
        ("text.json", string_value, "values[5].values[2].value: värdet är texten \"8,8\""),
        ("tom.json", Vec::new(), "filen är tom"),
        ("latin1.json", b"{\"values\":[{\"id\":\"2083\",\"title\":\"G\xe4vle\"}]}".to_vec(), "inte UTF-8"),
    ];
    for (name, content, expected) in cases {
        let mut store = minimal();
        import(&mut store, &[("forsta.json", REVISED)]);
        let before = snapshot(&store);
        let bad = write_temp(dir.path(), name, &content);
        // The bad file comes after a good one: nothing of the good one may land either.
        let err = kolada::import_files(&mut store, &ctx(), &[good.clone(), bad], &ImportOptions::default()).unwrap_err();
        assert_eq!(err.code, ErrorCode::BadFile, "{name}: {}", err.message);
        assert!(err.message.starts_with(&format!("{name}: ")), "{name}: names the file: {}", err.message);
        assert!(err.message.contains(expected), "{name}: {}\n  want: {expected}", err.message);
        assert_eq!(snapshot(&store), before, "{name}: the database is unchanged");
    }
}

#[test]
fn a_file_over_the_size_limit_is_refused_before_it_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = minimal();
    let before = snapshot(&store);
    // A sparse file just over the default 200 MiB limit: no 200 MB are written.
    let big = dir.path().join("stor.json");
    let f = std::fs::File::create(&big).unwrap();
    f.set_len(kolada::import::DEFAULT_MAX_FILE_BYTES + 1).unwrap();
    let err = kolada::import_files(&mut store, &ctx(), &[big], &ImportOptions::default()).unwrap_err();
    assert_eq!(err.code, ErrorCode::BadFile);
    assert!(err.message.starts_with("stor.json: ") && err.message.contains("200 MB"), "{}", err.message);
    // A configured small limit refuses the real fixture (42 kB) the same way.
    let small = ImportOptions { max_file_bytes: 10_000 };
    let err = kolada::import_files(&mut store, &ctx(), &[fixture("n00090.json")], &small).unwrap_err();
    assert_eq!(err.code, ErrorCode::BadFile);
    assert!(err.message.contains("n00090.json"), "{}", err.message);
    assert_eq!(snapshot(&store), before);
    // A missing file is not_found and named.
    let err = kolada::import_files(&mut store, &ctx(), &[dir.path().join("saknas.json")], &ImportOptions::default()).unwrap_err();
    assert_eq!(err.code, ErrorCode::NotFound);
    assert!(err.message.contains("saknas.json"), "{}", err.message);
}

mod parser_never_panics {
    use proptest::prelude::*;
    use styrkort::kolada::parse;
    use styrkort::ErrorCode;

    fn json_value() -> impl Strategy<Value = serde_json::Value> {
        let leaf = prop_oneof![
            Just(serde_json::Value::Null),
            any::<bool>().prop_map(serde_json::Value::from),
            any::<i64>().prop_map(serde_json::Value::from),
            any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(serde_json::Value::from),
            prop::sample::select(vec!["T", "K", "M", "X", "2083", "N00090", "G33418", "", "2022"]).prop_map(serde_json::Value::from),
            ".{0,8}".prop_map(serde_json::Value::from),
        ];
        leaf.prop_recursive(4, 48, 6, |inner| {
            let key = prop::sample::select(vec![
                "kpi",
                "municipality",
                "ou",
                "period",
                "values",
                "gender",
                "value",
                "isdeleted",
                "is_deleted",
                "id",
                "title",
                "members",
                "member_id",
                "is_divided_by_gender",
                "type",
                "count",
                "next_url",
                "x",
            ]);
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::from),
                prop::collection::btree_map(key.prop_map(String::from), inner, 0..6)
                    .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
            ]
        })
    }

    fn ok_or_bad_file(text: &str) -> Result<(), TestCaseError> {
        if let Err(e) = parse::parse("p.json", text) {
            prop_assert_eq!(e.code, ErrorCode::BadFile, "{}", e.message);
            prop_assert!(e.message.starts_with("p.json: "), "{}", e.message);
        }
        Ok(())
    }

    proptest! {
        #[test]
        fn on_any_text(text in ".{0,300}") {
            ok_or_bad_file(&text)?;
        }

        #[test]
        fn on_any_envelope(rows in prop::collection::vec(json_value(), 0..5)) {
            let text = serde_json::json!({"count": rows.len(), "values": rows}).to_string();
            ok_or_bad_file(&text)?;
        }

        #[test]
        fn on_a_real_file_cut_or_spliced(at in 0usize..42_000, len in 0usize..200, insert in ".{0,20}") {
            let real = super::N00090;
            let at = at.min(real.len());
            let end = (at + len).min(real.len());
            if real.is_char_boundary(at) && real.is_char_boundary(end) {
                let text = format!("{}{}{}", &real[..at], insert, &real[end..]);
                ok_or_bad_file(&text)?;
                ok_or_bad_file(&real[..at])?;
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// Kolada in the scorecard

fn indicator<'a>(card: &'a scorecard::Scorecard, name: &str) -> &'a IndicatorCard {
    card.perspectives
        .iter()
        .flat_map(|p| &p.goals)
        .flat_map(|g| &g.indicators)
        .find(|i| i.name == name)
        .unwrap_or_else(|| panic!("no indicator {name}"))
}

fn set(store: &mut Store, key: &str, value: &str) {
    store.write(&ctx(), |w| styrkort::store::settings::set(w, key, value)).unwrap();
}

/// The unit of the minimal seed whose goal H2 the Kolada indicators measure.
fn hemtjansten(store: &Store) -> i64 {
    store.resolve_unit("Hemtjänsten Öster").unwrap().id
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()
}

#[test]
fn kolada_fills_in_the_outcome_where_we_have_no_value_of_our_own() {
    let mut store = minimal();
    import(&mut store, &[("n00090.json", N00090)]);
    let unit = hemtjansten(&store);
    // An indicator on Kolada's KPI with no values of our own, and a target for 2022.
    let goal: i64 = scorecard::build(&store, unit, 2026, None, today())
        .unwrap()
        .perspectives
        .iter()
        .flat_map(|p| &p.goals)
        .find(|g| g.code == "H2")
        .unwrap()
        .id;
    store
        .write(&ctx(), |w| {
            let id = styrkort::store::indicators::insert(
                w,
                NewIndicator {
                    name: "Sjukfrånvaro enligt Kolada".into(),
                    description: String::new(),
                    unit: "%".into(),
                    direction: Direction::Lower,
                    decimals: 1,
                    kolada_kpi_id: Some("N00090".into()),
                    owner_unit_id: unit,
                    frequency: Frequency::Year,
                    gender_split: true,
                    tolerance_kind: ToleranceKind::Percent,
                    tolerance: 10.0,
                },
            )?;
            styrkort::store::indicators::set_target(w, id, 2022, 8.0, None)?;
            styrkort::store::indicators::link_goal(w, goal, id)
        })
        .unwrap();
    let delar = store.resolve_period(2026, "delår").unwrap();
    let card = scorecard::build(&store, unit, 2026, Some(delar.id), today()).unwrap();
    let i = indicator(&card, "Sjukfrånvaro enligt Kolada");
    // 2026 delår ends in August: the last whole year is 2025; Kolada's latest for 2083 is 2022.
    assert_eq!(i.value, value_in(N00090, "2083", 2022, "T"));
    assert_eq!(i.value, Some(8.8));
    assert_eq!(i.value_period.as_deref(), Some("2022 helår"));
    assert_eq!(i.value_source, Some(ValueSource::Kolada));
    assert_eq!(i.value_women, value_in(N00090, "2083", 2022, "K"));
    assert_eq!(i.value_men, value_in(N00090, "2083", 2022, "M"));
    assert_eq!(i.previous, value_in(N00090, "2083", 2021, "T"), "trend against Kolada's year before");
    assert_eq!(i.target, Some(8.0));
    // 8.8 against 8.0, lower is better, 10 % tolerance: exactly on the yellow limit.
    assert_eq!(i.status.status, Some(styrkort::model::Status::Yellow));

    // Our own indicator on the same KPI keeps its own, newer values.
    let own = indicator(&card, "Sjukfrånvaro");
    assert_eq!(own.value_source, Some(ValueSource::Import), "the seed's own values");
    assert_eq!(own.value_period.as_deref(), Some("2026 T1"));
    let c = own.kolada.as_ref().expect("comparison beside our own value");
    assert_eq!((c.year, c.municipality_value, c.riket), (2022, Some(8.8), value_in(N00090, "0000", 2022, "T")));
}

#[test]
fn our_own_value_wins_over_kolada_for_the_same_year() {
    let mut store = minimal();
    // Synthetic: Kolada's 2024 and 2025 values for 2083, beside our own 2025 helår value of
    // 8.1 (we have no 2024 value of our own).
    let y2025 = r#"{"values":[{"kpi":"N00090","municipality":"2083","period":2025,"values":[{"gender":"T","value":9.9}]},
                              {"kpi":"N00090","municipality":"2083","period":2024,"values":[{"gender":"T","value":8.5}]}]}"#;
    import(&mut store, &[("n00090.json", N00090), ("2025.json", y2025)]);
    let card = scorecard::build(&store, hemtjansten(&store), 2026, None, today()).unwrap();
    let id = indicator(&card, "Sjukfrånvaro").id;
    let helar = store.resolve_period(2025, "helår").unwrap();
    let own = scorecard::indicator_card(&store, id, &helar).unwrap();
    assert_eq!((own.value, own.value_source), (Some(8.1), Some(ValueSource::Import)));
    assert_eq!(own.value_period.as_deref(), Some("2025 helår"));
    assert_eq!(own.previous, Some(8.5), "the year before from Kolada, where we have none");
    assert_eq!(own.trend, Some(styrkort::status::Trend::Better), "8.1 after 8.5, lower is better");
    assert_eq!(own.kolada.as_ref().unwrap().year, 2025);
    assert_eq!(own.kolada.as_ref().unwrap().municipality_value, Some(9.9));
}

#[test]
fn comparison_shows_riket_the_group_and_the_rank_among_all_municipalities() {
    let mut store = minimal();
    // Synthetic group value and name (the fixtures hold no groups).
    let group = r#"{"values":[{"kpi":"N00090","municipality":"G99999","period":2022,"values":[{"count":7,"gender":"T","value":9.4}]}]}"#;
    let names = r#"{"values":[{"id":"G99999","title":"Liknande kommuner, övergripande, Testköping","members":[]}]}"#;
    import(&mut store, &[("alla-2022.json", N00090_2022_ALL), ("grupp.json", group), ("grupper.json", names)]);
    set(&mut store, "kolada_group", "G99999");
    let unit = hemtjansten(&store);
    let card = scorecard::build(&store, unit, 2026, None, today()).unwrap();
    let c = indicator(&card, "Sjukfrånvaro").kolada.clone().expect("comparison");
    assert_eq!(c.kpi_id, "N00090");
    assert_eq!(c.year, 2022);
    assert_eq!(c.municipality_id.as_deref(), Some("2083"));
    assert_eq!(c.municipality_value, value_in(N00090_2022_ALL, "2083", 2022, "T"));
    assert_eq!(c.riket, value_in(N00090_2022_ALL, "0000", 2022, "T"));
    assert_eq!((c.group_id.as_deref(), c.group_value), (Some("G99999"), Some(9.4)));
    assert_eq!(c.group_name.as_deref(), Some("Liknande kommuner, övergripande, Testköping"));

    // The rank, counted straight from the file: municipalities with a value, lower is better.
    let json: Value = serde_json::from_str(N00090_2022_ALL).unwrap();
    let mut all: Vec<f64> = json["values"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["municipality"] != "0000")
        .filter_map(|r| r["values"][0]["value"].as_f64())
        .collect();
    all.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let own = c.municipality_value.unwrap();
    let place = all.iter().position(|v| *v == own).unwrap() as u32 + 1;
    let rank = c.rank.expect("rank");
    assert_eq!((rank.position, rank.of), (place, all.len() as u32));
    assert_eq!((rank.position, rank.of), (209, 269), "checked by hand against by-year/n00090.csv");
    assert_eq!(rank.quartile, RankQuartile::Worst, "place 209 of 269: 49 worse, within the worst quarter");
    // The rank does not touch target attainment.
    let i = indicator(&card, "Sjukfrånvaro");
    assert_eq!(i.status.status, Some(styrkort::model::Status::Yellow), "our 7.4 against the target 7, whatever the rank");
}

#[test]
fn regions_and_groups_are_not_ranked_with_municipalities() {
    let mut store = minimal();
    // Synthetic: four municipalities, a region, a group and Riket; 2083 has the lowest
    // sickness absence of the four, the others lower still but are not municipalities.
    let text = r#"{"values":[
      {"kpi":"N00090","municipality":"2083","period":2022,"values":[{"gender":"T","value":5.0}]},
      {"kpi":"N00090","municipality":"1885","period":2022,"values":[{"gender":"T","value":6.0}]},
      {"kpi":"N00090","municipality":"2182","period":2022,"values":[{"gender":"T","value":7.0}]},
      {"kpi":"N00090","municipality":"0114","period":2022,"values":[{"gender":"T","value":8.0}]},
      {"kpi":"N00090","municipality":"0020","period":2022,"values":[{"gender":"T","value":1.0}]},
      {"kpi":"N00090","municipality":"G1","period":2022,"values":[{"gender":"T","value":1.0}]},
      {"kpi":"N00090","municipality":"0000","period":2022,"values":[{"gender":"T","value":1.0}]}]}"#;
    import(&mut store, &[("f.json", text)]);
    let card = scorecard::build(&store, hemtjansten(&store), 2026, None, today()).unwrap();
    let rank = indicator(&card, "Sjukfrånvaro").kolada.clone().unwrap().rank.unwrap();
    assert_eq!((rank.position, rank.of, rank.quartile), (1, 4, RankQuartile::Best), "lowest sickness of four");
}

#[test]
fn no_kolada_data_means_no_comparison() {
    let store = minimal();
    let card = scorecard::build(&store, hemtjansten(&store), 2026, None, today()).unwrap();
    let i = indicator(&card, "Sjukfrånvaro");
    assert!(i.kolada.is_none());
    assert_eq!(i.value_source, Some(ValueSource::Import));
}

// ---------------------------------------------------------------------------------------
// Online: a local server on 127.0.0.1 stands in for Kolada

struct LocalKolada {
    server: Arc<tiny_http::Server>,
    thread: Option<std::thread::JoinHandle<()>>,
    requests: Arc<Mutex<Vec<String>>>,
    base: String,
}

impl LocalKolada {
    /// `answer(path, request number)` gives status and body.
    fn start(answer: impl Fn(&str, usize, &str) -> (u16, String) + Send + 'static) -> Self {
        let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").unwrap());
        let port = server.server_addr().to_ip().unwrap().port();
        let base = format!("http://127.0.0.1:{port}");
        let requests = Arc::new(Mutex::new(Vec::new()));
        let (s, log, b) = (server.clone(), requests.clone(), base.clone());
        let thread = std::thread::spawn(move || {
            for request in s.incoming_requests() {
                let url = request.url().to_string();
                let n = {
                    let mut log = log.lock().unwrap();
                    log.push(url.clone());
                    log.len()
                };
                let (status, body) = answer(&url, n, &b);
                let header = tiny_http::Header::from_bytes("Content-Type", "application/json").unwrap();
                let _ = request.respond(tiny_http::Response::from_string(body).with_status_code(status).with_header(header));
            }
        });
        Self { server, thread: Some(thread), requests, base }
    }

    fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }
}

impl Drop for LocalKolada {
    fn drop(&mut self) {
        self.server.unblock();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// The real file split into two pages; the first points to the second with next_url.
fn pages(base: &str) -> (String, String) {
    let json: Value = serde_json::from_str(N00090).unwrap();
    let rows = json["values"].as_array().unwrap();
    let (a, b) = rows.split_at(40);
    let first = serde_json::json!({"count": a.len(), "values": a, "next_url": format!("{base}/v3/sida2"), "previous_url": null});
    let second = serde_json::json!({"count": b.len(), "values": b, "next_url": null, "previous_url": format!("{base}/v3/sida1")});
    (first.to_string(), second.to_string())
}

fn request() -> FetchRequest {
    FetchRequest {
        kpis: vec!["N00090".into()],
        municipalities: ["0114", "0484", "1885", "2083", "2182", "0000"].map(String::from).to_vec(),
        years: vec![],
    }
}

fn fast() -> FetchOptions {
    FetchOptions { first_backoff: Duration::from_millis(10), timeout: Duration::from_secs(10), ..FetchOptions::default() }
}

fn serve_pages(path: &str, _n: usize, base: &str) -> (u16, String) {
    let (first, second) = pages(base);
    if path.starts_with("/v3/data/kpi/N00090/municipality/") {
        (200, first)
    } else if path == "/v3/sida2" {
        (200, second)
    } else {
        (404, "{}".into())
    }
}

#[test]
fn fetch_follows_next_url_and_imports_every_page() {
    let server = LocalKolada::start(serve_pages);
    let mut store = minimal();
    set(&mut store, "kolada_base_url", &format!("{}/v3", server.base));
    let cancel = AtomicBool::new(false);
    let mut seen = Vec::new();
    let outcome = online::fetch_and_import(&mut store, &ctx(), &request(), &fast(), &cancel, &mut |p| seen.push(p)).unwrap();
    assert_eq!(outcome.pages, 2);
    assert!(!outcome.cancelled);
    assert_eq!(outcome.summary.unwrap().new, values_in(N00090));
    assert_eq!(kolada::compare::value(&store, "N00090", "2083", 2022, Gender::T).unwrap(), Some(8.8));
    assert_eq!(server.requests(), ["/v3/data/kpi/N00090/municipality/0114,0484,1885,2083,2182,0000", "/v3/sida2"]);
    let page_events: Vec<usize> =
        seen.iter().filter_map(|p| if let FetchProgress::Page { pages, .. } = p { Some(*pages) } else { None }).collect();
    assert_eq!(page_events, [1, 2], "progress after each page");
    // The source of a fetched value is the page it came from.
    let src = read::stored(&store, "N00090", "2083", 2022, Gender::T).unwrap().unwrap().source_file;
    assert!(src.starts_with(&server.base), "{src}");
}

/// Like [`serve_pages`], but the second page repeats the first page's first value, changed.
fn serve_disagreeing_pages(path: &str, n: usize, base: &str) -> (u16, String) {
    let (first, second) = pages(base);
    if path == "/v3/sida2" {
        let first: Value = serde_json::from_str(&first).unwrap();
        let mut second: Value = serde_json::from_str(&second).unwrap();
        let mut again = first["values"][0].clone();
        let old = again["values"][0]["value"].as_f64().unwrap();
        again["values"][0]["value"] = serde_json::json!(old + 1.0);
        second["values"].as_array_mut().unwrap().push(again);
        (200, second.to_string())
    } else {
        serve_pages(path, n, base)
    }
}

#[test]
fn a_fetch_whose_pages_disagree_imports_nothing() {
    let server = LocalKolada::start(serve_disagreeing_pages);
    let mut store = minimal();
    set(&mut store, "kolada_base_url", &format!("{}/v3", server.base));
    let before = snapshot(&store);
    let cancel = AtomicBool::new(false);
    let err = online::fetch_and_import(&mut store, &ctx(), &request(), &fast(), &cancel, &mut |_| {}).unwrap_err();
    assert_eq!(err.code, ErrorCode::BadFile, "{}", err.message);
    assert!(
        err.message.contains("/v3/data/kpi/N00090/municipality/") && err.message.contains("/v3/sida2"),
        "both pages are named: {}",
        err.message
    );
    assert_eq!(snapshot(&store), before);
}

#[test]
fn a_server_error_is_retried_after_a_pause() {
    let server =
        LocalKolada::start(|path, n, base| if n == 1 { (500, "Internal Server Error".into()) } else { serve_pages(path, n, base) });
    let cancel = AtomicBool::new(false);
    let mut retries = Vec::new();
    let fetched = online::fetch(&format!("{}/v3", server.base), &request(), &fast(), &cancel, &mut |p| {
        if let FetchProgress::Retry { attempt, reason, wait, .. } = p {
            retries.push((attempt, reason, wait));
        }
    })
    .unwrap();
    let Fetched::Pages(pages) = fetched else { panic!("not cancelled") };
    assert_eq!(pages.len(), 2);
    assert_eq!(retries, [(1, "HTTP 500".to_string(), Duration::from_millis(10))]);
    assert_eq!(server.requests().len(), 3, "500, then page 1 again, then page 2");
}

#[test]
fn a_server_that_keeps_failing_gives_an_error_and_writes_nothing() {
    let server = LocalKolada::start(|_, _, _| (503, "busy".into()));
    let mut store = minimal();
    set(&mut store, "kolada_base_url", &format!("{}/v3", server.base));
    let before = snapshot(&store);
    let cancel = AtomicBool::new(false);
    let options = FetchOptions { attempts: 3, ..fast() };
    let err = online::fetch_and_import(&mut store, &ctx(), &request(), &options, &cancel, &mut |_| {}).unwrap_err();
    assert_eq!(err.code, ErrorCode::Io);
    assert!(err.message.contains("HTTP 503") && err.message.contains("3 försök"), "{}", err.message);
    assert_eq!(server.requests().len(), 3);
    assert_eq!(snapshot(&store), before);

    // A 404 is not retried.
    let missing = LocalKolada::start(|_, _, _| (404, "{}".into()));
    let err = online::fetch(&format!("{}/v3", missing.base), &request(), &options, &cancel, &mut |_| {}).unwrap_err();
    assert!(err.message.contains("HTTP 404"), "{}", err.message);
    assert_eq!(missing.requests().len(), 1);
}

#[test]
fn cancelling_stops_the_fetch_and_imports_nothing() {
    let server = LocalKolada::start(serve_pages);
    let mut store = minimal();
    set(&mut store, "kolada_base_url", &format!("{}/v3", server.base));
    let before = snapshot(&store);
    let cancel = AtomicBool::new(false);
    let outcome = online::fetch_and_import(&mut store, &ctx(), &request(), &fast(), &cancel, &mut |p| {
        if matches!(p, FetchProgress::Page { .. }) {
            cancel.store(true, Ordering::Relaxed);
        }
    })
    .unwrap();
    assert!(outcome.cancelled);
    assert_eq!(outcome.summary, None);
    assert_eq!(server.requests().len(), 1, "the second page is never asked for");
    assert_eq!(snapshot(&store), before);
}

#[test]
fn long_id_lists_are_split_into_requests_of_at_most_25() {
    let server = LocalKolada::start(|_, _, _| (200, r#"{"count":0,"values":[],"next_url":null}"#.into()));
    let municipalities: Vec<String> = (0..30).map(|i| format!("{}", 1000 + i)).collect();
    let req = FetchRequest { kpis: vec!["N00090".into()], municipalities: municipalities.clone(), years: vec![2022] };
    let cancel = AtomicBool::new(false);
    let Fetched::Pages(pages) = online::fetch(&format!("{}/v3", server.base), &req, &fast(), &cancel, &mut |_| {}).unwrap() else {
        panic!()
    };
    assert_eq!(pages.len(), 2);
    let mut asked = Vec::new();
    for path in server.requests() {
        let ids = path.strip_prefix("/v3/data/kpi/N00090/municipality/").unwrap().strip_suffix("/year/2022").unwrap();
        let ids: Vec<String> = ids.split(',').map(String::from).collect();
        assert!(ids.len() <= 25, "{path}");
        asked.extend(ids);
    }
    assert_eq!(asked, municipalities);
}

// ---------------------------------------------------------------------------------------
// The command line

#[test]
fn cli_imports_files_and_prints_values_per_year() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("k.db");
    // No demo: it ships Kolada values of its own, and this test counts what one file adds.
    ok(&styrkort(&db, &["init", "--municipality", "Testköping kommun"]));
    let file = fixture("n00090.json");
    let out = ok(&styrkort(&db, &["import", "kolada", file.to_str().unwrap()]));
    assert!(out.contains(&format!("{} nya värden", values_in(N00090))), "{out}");
    assert!(out.contains("0 ändrade, 0 oförändrade, 0 borttagna"), "{out}");
    let again = ok(&styrkort(&db, &["import", "kolada", file.to_str().unwrap()]));
    assert!(again.contains(&format!("0 nya värden, 0 ändrade, {} oförändrade", values_in(N00090))), "{again}");

    let csv = ok(&styrkort(&db, &["kolada", "values", "--kpi", "N00090", "--municipality", "2083"]));
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "period,value");
    assert_eq!(lines.len(), 1 + 17, "one row per year 2006–2022");
    assert!(lines.contains(&"2022,8.8"), "{csv}");
    assert!(lines.contains(&"2014,"), "null stays empty: {csv}");
    let json: Value = serde_json::from_str(&ok(&styrkort(
        &db,
        &["kolada", "values", "--kpi", "n00090", "--municipality", "2083", "--gender", "K", "--format", "json"],
    )))
    .unwrap();
    let y2022 = json.as_array().unwrap().iter().find(|p| p["period"] == 2022).unwrap();
    assert_eq!(y2022["value"].as_f64(), value_in(N00090, "2083", 2022, "K"));

    // Bad input: code and file in the message, non-zero exit, nothing imported.
    let bad = dir.path().join("fel.json");
    std::fs::write(&bad, "[1,2,3]").unwrap();
    let out = styrkort(&db, &["import", "kolada", file.to_str().unwrap(), bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad_file") && err.contains("fel.json"), "{err}");
    let out = styrkort(&db, &["kolada", "values", "--kpi", "N00090", "--municipality", "9999"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not_found"));
}
