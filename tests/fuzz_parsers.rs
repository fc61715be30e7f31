//! Fuzzing the file parsers with proptest: Kolada responses, filled-in value templates
//! (xlsx), exchange files and SIE 4 files. Each starts from the real files in `tests/fuzz-corpus/<parser>/`
//! and mutates them (bytes replaced, cut short, zip entries replaced or made up, JSON values
//! swapped). Whatever comes in, a parser returns `Ok` or a `bad_file` error naming the file;
//! it never panics, and nothing is written unless a whole, valid file is applied.
//!
//! Case counts are kept modest so the whole file runs in a few seconds in debug builds.
//! `tests/kolada.rs` holds the Kolada parser's structural property tests.

mod common;

use common::{zip_entries, zip_of};
use std::path::PathBuf;

use proptest::prelude::*;
use serde_json::Value;
use styrkort::{seed, ChangeContext, ErrorCode, Store};

const MINIMAL: &str = include_str!("fixtures/seed-minimal.json");

fn ctx() -> ChangeContext {
    ChangeContext::new("Fuzz", "2026-09-20T12:00:00")
}

/// The seed files of one parser's corpus, by name.
fn corpus(parser: &str) -> Vec<(String, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz-corpus").join(parser);
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x != "md"))
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read(&p).unwrap()))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no seeds in {}", dir.display());
    files
}

/// The identity of every database fuzzed here: the value-template seed carries it (a
/// template is refused by any other database), and `write_corpus` writes it in.
const DATABASE_ID: &str = "f0220000f0220000f0220000f0220000";

fn minimal() -> Store {
    let mut store = Store::open_in_memory().unwrap();
    seed::load(&mut store, &ctx(), "seed-minimal.json", MINIMAL).unwrap();
    store.write(&ctx(), |w| styrkort::store::settings::set(w, "database_id", DATABASE_ID)).unwrap();
    store
}

fn snapshot(store: &Store) -> (Vec<(String, i64)>, i64) {
    (store.counts().unwrap(), store.audit_count().unwrap())
}

/// A byte-level change to a seed file.
#[derive(Debug, Clone)]
enum Mutation {
    /// Replace bytes at (fraction of the length, new byte).
    Replace(Vec<(f64, u8)>),
    /// Cut the file at a fraction of its length.
    Truncate(f64),
    /// Insert bytes at a fraction of the length.
    Insert(f64, Vec<u8>),
    /// Remove a run of bytes.
    Remove(f64, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        prop::collection::vec((0.0..1.0f64, any::<u8>()), 1..8).prop_map(Mutation::Replace),
        (0.0..1.0f64).prop_map(Mutation::Truncate),
        (0.0..1.0f64, prop::collection::vec(any::<u8>(), 1..16)).prop_map(|(at, b)| Mutation::Insert(at, b)),
        (0.0..1.0f64, 1usize..64).prop_map(|(at, n)| Mutation::Remove(at, n)),
    ]
}

fn mutate(bytes: &[u8], m: &Mutation) -> Vec<u8> {
    let at = |f: f64| ((bytes.len() as f64 * f) as usize).min(bytes.len());
    let mut out = bytes.to_vec();
    match m {
        Mutation::Replace(changes) => {
            for (f, b) in changes {
                let i = at(*f);
                if i < out.len() {
                    out[i] = *b;
                }
            }
        }
        Mutation::Truncate(f) => out.truncate(at(*f)),
        Mutation::Insert(f, b) => {
            let i = at(*f);
            out.splice(i..i, b.iter().copied());
        }
        Mutation::Remove(f, n) => {
            let i = at(*f);
            out.drain(i..(i + n).min(out.len()));
        }
    }
    out
}

fn bad_file_naming(result: Result<(), styrkort::AppError>, name: &str) -> Result<(), TestCaseError> {
    if let Err(e) = result {
        prop_assert_eq!(e.code, ErrorCode::BadFile, "{}", e.message);
        prop_assert!(e.message.starts_with(&format!("{name}: ")), "{}", e.message);
    }
    Ok(())
}

// --- Kolada ------------------------------------------------------------------------------

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn kolada_parser_on_mutated_real_files(seed in 0usize..16, m in mutation()) {
        let files = corpus("kolada");
        let (name, bytes) = &files[seed % files.len()];
        let text = String::from_utf8_lossy(&mutate(bytes, &m)).into_owned();
        bad_file_naming(styrkort::kolada::parse::parse(name, &text).map(drop), name)?;
    }
}

// --- value templates (xlsx) ----------------------------------------------------------------

/// Read a (mutated) template; if it reads, apply it. Nothing may panic; a refused file or
/// a failed apply leaves the database as it was.
fn template_round(bytes: &[u8]) -> Result<(), TestCaseError> {
    let mut store = minimal();
    let before = snapshot(&store);
    let name = "mall.xlsx";
    match styrkort::value_template::read(&store, name, bytes) {
        Err(e) => {
            bad_file_naming(Err(e), name)?;
            prop_assert_eq!(snapshot(&store), before);
        }
        Ok(preview) => {
            if styrkort::value_template::apply(&mut store, &ctx(), &preview).is_err() {
                prop_assert_eq!(snapshot(&store), before, "a failed apply saves nothing");
            }
        }
    }
    Ok(())
}

fn xml_snippet() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..200),
        "[<>/=\"a-z0-9 ]{0,200}".prop_map(String::into_bytes),
        Just(
            b"<?xml version=\"1.0\"?><worksheet><sheetData><row r=\"5\"><c r=\"G5\" t=\"s\"><v>99999</v></c></row></sheetData></worksheet>"
                .to_vec()
        ),
        Just(b"<?xml version=\"1.0\"?><sst count=\"1\"><si><t>=1+1</t></si></sst>".to_vec()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn value_template_on_mutated_bytes(seed in 0usize..16, m in mutation()) {
        let files = corpus("value-template");
        template_round(&mutate(&files[seed % files.len()].1, &m))?;
    }

    #[test]
    fn value_template_with_an_entry_replaced(seed in 0usize..16, which in 0usize..64, content in xml_snippet()) {
        let files = corpus("value-template");
        let mut entries = zip_entries(&files[seed % files.len()].1);
        let i = which % entries.len();
        entries[i].1 = content;
        template_round(&zip_of(&entries))?;
    }

    #[test]
    fn value_template_of_made_up_entries(
        entries in prop::collection::vec((
            prop_oneof![
                Just("[Content_Types].xml".to_string()),
                Just("_rels/.rels".to_string()),
                Just("xl/workbook.xml".to_string()),
                Just("xl/_rels/workbook.xml.rels".to_string()),
                Just("xl/worksheets/sheet1.xml".to_string()),
                Just("xl/sharedStrings.xml".to_string()),
                "[a-z/]{1,20}\\.xml",
            ],
            xml_snippet(),
        ), 0..6)
    ) {
        template_round(&zip_of(&entries))?;
    }
}

// --- exchange files ------------------------------------------------------------------------

/// The corpus file with the database identity of `store`, so that mutations get past the
/// identity check and reach the rest of the parser.
fn exchange_seed(store: &Store, bytes: &[u8]) -> Value {
    let mut file: Value = serde_json::from_slice(bytes).unwrap();
    file["database_id"] = Value::from(store.setting("database_id").unwrap().unwrap());
    file
}

fn exchange_round(store: &mut Store, bytes: Vec<u8>) -> Result<(), TestCaseError> {
    let before = snapshot(store);
    let name = "enhet.styrkort-utbyte";
    match styrkort::exchange::preview(store, &[(name, bytes)]) {
        Err(e) => {
            bad_file_naming(Err(e), name)?;
            prop_assert_eq!(snapshot(store), before);
        }
        Ok(preview) => {
            let take = preview.resolve_all(styrkort::exchange::ConflictChoice::TakeFile);
            if let Err(e) = styrkort::exchange::apply(store, &ctx(), &preview, &take) {
                prop_assert_eq!(snapshot(store), before, "a failed import saves nothing ({})", e.message);
            }
        }
    }
    Ok(())
}

fn json_leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        (-1e6..1e6f64).prop_map(Value::from),
        prop::sample::select(vec!["T", "K", "M", "X", "draft", "ready", "approved", "paborjad", "", "1.0.0", "99.0.0", "styrkort-utbyte"])
            .prop_map(Value::from),
        ".{0,12}".prop_map(Value::from),
        Just(Value::Array(vec![])),
        Just(Value::Object(Default::default())),
    ]
}

/// Every path (object keys and array indexes) in a JSON value, parents first.
fn paths(v: &Value, here: Vec<String>, out: &mut Vec<Vec<String>>) {
    out.push(here.clone());
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                let mut p = here.clone();
                p.push(k.clone());
                paths(child, p, out);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                let mut p = here.clone();
                p.push(i.to_string());
                paths(child, p, out);
            }
        }
        _ => {}
    }
}

fn at_path<'a>(v: &'a mut Value, path: &[String]) -> &'a mut Value {
    path.iter().fold(v, |v, k| match v {
        Value::Array(items) => &mut items[k.parse::<usize>().unwrap()],
        other => &mut other[k.as_str()],
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn exchange_on_mutated_bytes(seed in 0usize..16, m in mutation()) {
        let mut store = minimal();
        let files = corpus("exchange");
        let file = exchange_seed(&store, &files[seed % files.len()].1);
        exchange_round(&mut store, mutate(&serde_json::to_vec_pretty(&file).unwrap(), &m))?;
    }

    #[test]
    fn exchange_with_values_swapped(seed in 0usize..16, picks in prop::collection::vec((any::<prop::sample::Index>(), json_leaf()), 1..4)) {
        let mut store = minimal();
        let files = corpus("exchange");
        let mut file = exchange_seed(&store, &files[seed % files.len()].1);
        for (pick, leaf) in picks {
            let mut all = Vec::new();
            paths(&file, Vec::new(), &mut all);
            let path = pick.get(&all).clone();
            *at_path(&mut file, &path) = leaf;
        }
        exchange_round(&mut store, serde_json::to_vec(&file).unwrap())?;
    }
}

// --- SIE 4 files ---------------------------------------------------------------------------

/// Writes an import's figures as a setting, so the tests see whether anything was written.
struct SieSink;

impl styrkort::economy::sie::import::FigureStore for SieSink {
    fn stored(&self, _db: styrkort::store::Read<'_>, _p: i64) -> Result<styrkort::economy::figures::Figures, styrkort::AppError> {
        Ok(Default::default())
    }
    fn write(
        &self,
        w: &mut styrkort::store::Writer<'_>,
        period_id: i64,
        figures: &styrkort::economy::figures::Figures,
    ) -> Result<(), styrkort::AppError> {
        styrkort::store::settings::set(w, &format!("sie.{period_id}"), &format!("{figures:?}"))
    }
}

/// Read a (mutated) SIE file into delår 2026; if it reads, apply it. A refused file names
/// itself and leaves the database as it was.
fn sie_round(bytes: &[u8]) -> Result<(), TestCaseError> {
    use styrkort::economy::sie::import;
    let mut store = minimal();
    let before = snapshot(&store);
    let name = "fil.se";
    match import::preview(&store, name, bytes, "5", &SieSink) {
        Err(e) => {
            bad_file_naming(Err(e), name)?;
            prop_assert_eq!(snapshot(&store), before);
        }
        Ok(preview) => {
            import::apply(&mut store, &ctx(), &preview, &SieSink).map_err(|e| TestCaseError::fail(e.message))?;
        }
    }
    Ok(())
}

/// An SIE-looking line: a tag and fields of the kinds the format has.
fn sie_line() -> impl Strategy<Value = String> {
    let field = prop_oneof![
        "-?[0-9]{1,6}(\\.[0-9]{1,3})?",
        "20[0-9]{6}",
        "\"[a-zåäö \\\\\"]{0,12}\"?",
        "\\{([0-9] \"[0-9A-Z]{1,4}\" ?){0,2}\\}?",
        Just("{".to_string()),
        Just("}".to_string()),
    ];
    (
        prop_oneof![
            Just("#PSALDO 0 202603"),
            Just("#PBUDGET 0 202611"),
            Just("#IB 0"),
            Just("#KONTO"),
            Just("#OBJEKT 1"),
            Just("#VER A 1"),
            Just("#TRANS"),
            Just("#RAR 0"),
            Just("#OKAND"),
            Just("{"),
            Just("}"),
        ],
        prop::collection::vec(field, 0..5),
    )
        .prop_map(|(tag, fields)| format!("{tag} {}", fields.join(" ")))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn sie_reader_on_mutated_real_files(seed in 0usize..16, m in mutation()) {
        let files = corpus("sie");
        sie_round(&mutate(&files[seed % files.len()].1, &m))?;
    }

    #[test]
    fn sie_reader_with_lines_made_up(seed in 0usize..16, at in 0.0..1.0f64, lines in prop::collection::vec(sie_line(), 1..6)) {
        let files = corpus("sie");
        let text = String::from_utf8_lossy(&files[seed % files.len()].1).replace('\u{fffd}', "x");
        let mut rows: Vec<&str> = text.lines().collect();
        let i = ((rows.len() as f64) * at) as usize;
        let made: Vec<String> = lines;
        for (k, l) in made.iter().enumerate() {
            rows.insert((i + k).min(rows.len()), l);
        }
        sie_round(rows.join("\n").as_bytes())?;
    }
}

/// The corpus seeds themselves are whole, valid files, so the fuzzing starts from files
/// the parsers accept (a format change that breaks them shows up here first).
#[test]
fn the_corpus_seeds_are_accepted() {
    let store = minimal();
    for (name, bytes) in corpus("sie") {
        let preview =
            styrkort::economy::sie::import::preview(&store, &name, &bytes, "5", &SieSink).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(!preview.statements.is_empty() && !preview.operating.is_empty(), "{name}: the seed should reach the sums");
    }
    for (name, bytes) in corpus("kolada") {
        styrkort::kolada::parse::parse(&name, std::str::from_utf8(&bytes).unwrap()).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    for (name, bytes) in corpus("value-template") {
        let preview = styrkort::value_template::read(&store, &name, &bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(preview.rejected.is_empty(), "{name}: {:?}", preview.rejected);
    }
    for (name, bytes) in corpus("exchange") {
        let file = exchange_seed(&store, &bytes);
        let preview = styrkort::exchange::preview(&store, &[(name.as_str(), serde_json::to_vec(&file).unwrap())])
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(preview.files[0].items.len() >= 5, "{name}: the seed should exercise every kind of item");
    }
}

/// Writes the value-template and exchange seeds from the minimal seed. Run by hand after a
/// format change: `cargo test -p styrkort --test fuzz_parsers -- --ignored write_corpus`.
#[test]
#[ignore]
fn write_corpus() {
    let mut store = minimal();
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz-corpus");
    let template = styrkort::value_template::template(&store, 3, 5).unwrap();
    std::fs::write(dir.join("value-template/hemtjansten-oster-delar-2026.xlsx"), template).unwrap();
    let unit = ChangeContext::new("Enhetschef Eva", "2026-09-15T14:30:00");
    store
        .write(&unit, |w| {
            styrkort::store::values::set(w, 3, 3, 5, styrkort::model::Gender::K, 6.5, styrkort::model::ValueSource::Manual)?;
            w.save_assessment(4, 3, 5, Some(2), "Personaltätheten minskar, men långsamt.\nÅtgärder: schemaläggning.")?;
            w.set_activity_follow_up(1, 5, styrkort::model::ActivityStatus::Delayed, "Låsen levereras i oktober.")
        })
        .unwrap();
    let file = styrkort::exchange::export(&store, 3, 5, &unit).unwrap();
    std::fs::write(dir.join("exchange/hemtjansten-oster-delar-2026.styrkort-utbyte"), file).unwrap();
}
