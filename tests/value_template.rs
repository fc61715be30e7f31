//! The Excel round trip: a template out, filled in, read back into a preview that writes
//! nothing, then applied in one transaction; files that are not ours are refused clearly.

use std::io::Write;
use std::process::Command;

use rust_xlsxwriter::Workbook;
use styrkort::follow_up;
use styrkort::value_template::{self, check_archive, META_SHEET, VALUES_SHEET};
use styrkort::{seed, ChangeContext, ErrorCode, Store};

fn ctx() -> ChangeContext {
    ChangeContext::new("Controller Åsa", "2026-09-12T09:00:00")
}

fn demo() -> Store {
    let mut store = Store::open_in_memory().unwrap();
    seed::load(&mut store, &ctx(), seed::DEMO_SEED_NAME, seed::DEMO_SEED).unwrap();
    store
}

fn hemtjansten(store: &Store) -> (i64, i64) {
    let unit = store.resolve_unit("Hemtjänsten").unwrap().id;
    let period = store.resolve_period(2026, "helår").unwrap().id;
    (unit, period)
}

#[test]
fn a_filled_template_round_trips_through_a_preview_that_writes_nothing() {
    // The unit fills in its helår values (here: in its own copy of the database).
    let mut unit_copy = demo();
    let (unit, period) = hemtjansten(&unit_copy);
    let grid = follow_up::value_grid(&unit_copy, unit, 2026).unwrap();
    let column = grid.periods.iter().position(|p| p.id == period).unwrap();
    let block = grid.rows.iter().enumerate().map(|(i, _)| format!("{},5", 10 + i)).collect::<Vec<_>>().join("\n");
    let changes = follow_up::paste_changes(&grid, 0, column, &block).unwrap();
    unit_copy.write(&ctx(), |w| w.save_cells(unit, &changes)).unwrap();
    let filled = value_template::template(&unit_copy, unit, period).unwrap();

    // The controller reads it: a preview with every change, nothing written.
    let mut store = demo();
    let before = store.counts().unwrap();
    let preview = value_template::read(&store, "hemtjänsten.xlsx", &filled).unwrap();
    assert_eq!(preview.unit.name, "Hemtjänsten");
    assert_eq!(preview.changes.len(), grid.rows.len());
    assert!(preview.rejected.is_empty(), "{:?}", preview.rejected);
    assert_eq!(preview.changes[0].new, Some(10.5));
    assert!(preview.changes[0].row >= 5, "rows are as Excel shows them");
    assert_eq!(store.counts().unwrap(), before, "a preview writes nothing");

    let n = value_template::apply(&mut store, &ctx(), &preview).unwrap();
    assert_eq!(n, grid.rows.len());
    let after = follow_up::value_grid(&store, unit, 2026).unwrap();
    for (i, row) in after.rows.iter().enumerate() {
        assert_eq!(row.values[column], Some(10.0 + i as f64 + 0.5), "{} {:?}", row.name, row.gender);
    }
    // Reading the same file again finds nothing to change.
    assert!(value_template::read(&store, "hemtjänsten.xlsx", &filled).unwrap().changes.is_empty());
}

/// A workbook shaped like a template, with the values column given as text cells.
fn crafted(meta: &[(&str, &str)], values_sheet: &str, rows: &[(f64, &str, &str)]) -> Vec<u8> {
    let mut wb = Workbook::new();
    let s = wb.add_worksheet();
    s.set_name(values_sheet).unwrap();
    for (i, (id, gender, value)) in rows.iter().enumerate() {
        let r = 4 + i as u32;
        s.write_number(r, 0, *id).unwrap();
        s.write_string(r, 3, *gender).unwrap();
        if let Ok(v) = value.parse::<f64>() {
            s.write_number(r, 6, v).unwrap();
        } else if !value.is_empty() {
            s.write_string(r, 6, *value).unwrap();
        }
    }
    let m = wb.add_worksheet();
    m.set_name(META_SHEET).unwrap();
    for (r, (k, v)) in meta.iter().enumerate() {
        m.write_string(r as u32, 0, *k).unwrap();
        m.write_string(r as u32, 1, *v).unwrap();
    }
    wb.save_to_buffer().unwrap()
}

#[test]
fn every_bad_cell_is_listed_with_row_column_and_reason_and_the_rest_is_kept() {
    let store = demo();
    let (unit, period) = hemtjansten(&store);
    let grid = follow_up::value_grid(&store, unit, 2026).unwrap();
    let first = grid.rows[0].indicator_id as f64;
    let (u, p) = (unit.to_string(), period.to_string());
    let meta = [("format", "styrkort-vardemall"), ("version", "1"), ("unit_id", u.as_str()), ("period_id", p.as_str())];
    let bytes = crafted(&meta, VALUES_SHEET, &[(first, "T", "12,5"), (first, "T", "mycket"), (first, "X", "3"), (99999.0, "T", "4")]);
    let preview = value_template::read(&store, "ifylld.xlsx", &bytes).unwrap();
    assert_eq!(preview.changes.len(), 1, "the Swedish text number is read: {:?}", preview.changes);
    assert_eq!(preview.changes[0].new, Some(12.5));
    let places: Vec<(u32, u32)> = preview.rejected.iter().map(|r| (r.row, r.column)).collect();
    assert_eq!(places, [(6, 7), (7, 4), (8, 1)]);
    assert!(preview.rejected[0].reason.contains("inte ett tal"), "{}", preview.rejected[0].reason);
}

#[test]
fn files_that_are_not_our_templates_are_refused_and_nothing_is_written() {
    let store = demo();
    let before = store.counts().unwrap();
    let (unit, period) = hemtjansten(&store);
    let (u, p) = (unit.to_string(), period.to_string());
    let meta = [("format", "styrkort-vardemall"), ("version", "1"), ("unit_id", u.as_str()), ("period_id", p.as_str())];
    let mut plain = Workbook::new();
    plain.add_worksheet().write_string(0, 0, "Budget 2026").unwrap();
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("an ordinary workbook", plain.save_to_buffer().unwrap(), "inte en värdemall"),
        ("a renamed values sheet", crafted(&meta, "Blad1", &[]), "bytt namn"),
        ("a newer template", crafted(&[("format", "styrkort-vardemall"), ("version", "7")], VALUES_SHEET, &[]), "version 7"),
        ("a text file", "Id;Nyckeltal;Värde\n1;Sjukfrånvaro;7,5\n".as_bytes().to_vec(), "ingen Excel-fil"),
        ("an empty file", Vec::new(), "ingen Excel-fil"),
        ("a cut-off workbook", value_template::template(&store, unit, period).unwrap()[..1500].to_vec(), "ingen Excel-fil"),
    ];
    for (what, bytes, expected) in cases {
        let err = value_template::read(&store, "fil.xlsx", &bytes).unwrap_err();
        assert_eq!(err.code, ErrorCode::BadFile, "{what}: {}", err.message);
        assert!(err.message.contains(expected) && err.message.starts_with("fil.xlsx:"), "{what}: {}", err.message);
    }
    assert_eq!(store.counts().unwrap(), before);
}

#[test]
fn a_zip_bomb_is_refused_before_it_is_unpacked() {
    // 8 MB of zeros packs to a few kB; with a 4 MB limit it must be refused unread.
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut buf);
        zip.start_file("xl/worksheets/sheet1.xml", zip::write::SimpleFileOptions::default()).unwrap();
        let zeros = vec![0u8; 1 << 20];
        for _ in 0..8 {
            zip.write_all(&zeros).unwrap();
        }
        zip.finish().unwrap();
    }
    let bytes = buf.into_inner();
    assert!(bytes.len() < 100_000, "packed to {} bytes", bytes.len());
    let err = check_archive("bomb.xlsx", &bytes, 4 << 20).unwrap_err();
    assert_eq!(err.code, ErrorCode::BadFile);
    assert!(err.message.contains("zip-bomb"), "{}", err.message);
    assert!(check_archive("bomb.xlsx", &bytes, 16 << 20).is_ok());
}

#[test]
fn the_cli_exports_a_template_and_imports_it_only_with_yes() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let run = |args: &[&str]| Command::new(env!("CARGO_BIN_EXE_styrkort")).arg("--db").arg(&db).args(args).output().unwrap();
    assert!(run(&["init", "--demo"]).status.success());
    let out = dir.path().join("mall.xlsx");
    let o = run(&["export", "template", "--unit", "Hemtjänsten", "--year", "2026", "--period", "delår", "--out", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = run(&["import", "xlsx", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("0 ändringar") && text.contains("Inget är sparat"), "{text}");
    let o = run(&["import", "xlsx", dir.path().join("saknas.xlsx").to_str().unwrap()]);
    assert!(!o.status.success());
    // The template opens in LibreOffice as a real workbook, Swedish letters intact.
    let soffice = Command::new("soffice")
        .args(["--headless", "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir"])
        .arg(dir.path())
        .arg(&out)
        .output()
        .expect("LibreOffice (soffice) is needed: scripts/install-system-deps.sh --test installs it");
    assert!(soffice.status.success());
    let csv = std::fs::read_to_string(dir.path().join("mall.csv")).unwrap();
    assert!(csv.contains("Värden för Hemtjänsten"), "{csv}");
}
