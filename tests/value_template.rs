//! The Excel round trip: a template out, filled in, read back into a preview that writes
//! nothing, then applied in one transaction; files that are not ours are refused clearly.
//!
//! Many cases start from a real template and change its XML the way another program (or a
//! user) would: a formula without a saved result, a deleted column, an edited hidden sheet.

mod common;

use common::{zip_entries, zip_of};
use std::io::Write;
use std::process::Command;

use rust_xlsxwriter::{ExcelDateTime, Workbook};
use styrkort::follow_up::{self, CellChange};
use styrkort::model::Gender;
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

fn database_id(store: &Store) -> String {
    store.setting("database_id").unwrap().unwrap()
}

/// A second database that is a copy of `store` (same identity), as a unit's offline copy is.
fn copy_of(store: &Store) -> Store {
    let mut copy = demo();
    let id = database_id(store);
    copy.write(&ctx(), |w| styrkort::store::settings::set(w, "database_id", &id)).unwrap();
    copy
}

/// Gives every row of the unit's grid a value in `period` (10, 11, 12 …) and returns the grid rows'
/// (indicator id, gender).
fn fill(store: &mut Store, unit: i64, period: i64) -> Vec<(i64, Gender)> {
    let grid = follow_up::value_grid(store, unit, 2026).unwrap();
    let column = grid.periods.iter().position(|p| p.id == period).unwrap();
    let changes: Vec<CellChange> = grid
        .rows
        .iter()
        .enumerate()
        .map(|(i, r)| CellChange {
            indicator_id: r.indicator_id,
            period_id: period,
            gender: r.gender,
            value: Some(10.0 + i as f64),
            expected_version: r.versions[column],
        })
        .collect();
    store.write(&ctx(), |w| w.save_cells(unit, &changes)).unwrap();
    grid.rows.iter().map(|r| (r.indicator_id, r.gender)).collect()
}

fn values(store: &Store, unit: i64, period: i64) -> Vec<Option<f64>> {
    let grid = follow_up::value_grid(store, unit, 2026).unwrap();
    let column = grid.periods.iter().position(|p| p.id == period).unwrap();
    grid.rows.iter().map(|r| r.values[column]).collect()
}

// ---- Editing a real template's XML, as another program would save it -------------------

/// The workbook with the XML of part `name` changed by `f`.
fn edit(bytes: &[u8], name: &str, f: impl FnOnce(&str) -> String) -> Vec<u8> {
    let mut all = zip_entries(bytes);
    let part = all.iter_mut().find(|(n, _)| n == name).unwrap_or_else(|| panic!("no part {name}"));
    part.1 = f(std::str::from_utf8(&part.1).unwrap()).into_bytes();
    zip_of(&all)
}

const VALUES_XML: &str = "xl/worksheets/sheet1.xml";
const META_XML: &str = "xl/worksheets/sheet2.xml";

/// Where the element of cell `reference` (e.g. `G5`) starts and ends in a sheet's XML.
fn cell_span(xml: &str, reference: &str) -> Option<(usize, usize)> {
    let start = xml.find(&format!("<c r=\"{reference}\""))?;
    let rest = &xml[start..];
    let open = rest.find('>')?;
    let len = if rest[..open].ends_with('/') { open + 1 } else { rest.find("</c>")? + 4 };
    Some((start, start + len))
}

/// Replace the element of cell `reference` with `element` (or remove it when empty).
fn set_cell(xml: &str, reference: &str, element: &str) -> String {
    let (start, end) = cell_span(xml, reference).unwrap_or_else(|| panic!("no cell {reference}"));
    format!("{}{element}{}", &xml[..start], &xml[end..])
}

/// A text cell as written inline (no shared string).
fn text_cell(reference: &str, text: &str) -> String {
    format!("<c r=\"{reference}\" t=\"inlineStr\"><is><t>{text}</t></is></c>")
}

/// The template of Hemtjänsten helår 2026 with every value filled in, from `store`.
fn filled_template(store: &mut Store) -> (Vec<u8>, i64, i64, Vec<(i64, Gender)>) {
    let (unit, period) = hemtjansten(store);
    let keys = fill(store, unit, period);
    (value_template::template(store, unit, period).unwrap(), unit, period, keys)
}

#[test]
fn a_filled_template_round_trips_through_a_preview_that_writes_nothing() {
    // The unit fills in its helår values in its own copy of the database.
    let mut store = demo();
    let mut unit_copy = copy_of(&store);
    let (unit, period) = hemtjansten(&unit_copy);
    let grid = follow_up::value_grid(&unit_copy, unit, 2026).unwrap();
    let column = grid.periods.iter().position(|p| p.id == period).unwrap();
    let block = grid.rows.iter().enumerate().map(|(i, _)| format!("{},5", 10 + i)).collect::<Vec<_>>().join("\n");
    let changes = follow_up::paste_changes(&grid, 0, column, &block).unwrap();
    unit_copy.write(&ctx(), |w| w.save_cells(unit, &changes)).unwrap();
    let filled = value_template::template(&unit_copy, unit, period).unwrap();

    // The controller reads it: a preview with every change, nothing written.
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

/// A workbook shaped like a template of Hemtjänsten helår 2026 in `store` (title, header
/// row, hidden sheet with the database's identity), with the given rows: the value column
/// as a number when it parses as one, else as text. `meta` replaces or adds hidden entries.
fn crafted(store: &Store, values_sheet: &str, rows: &[(f64, &str, &str)], meta: &[(&str, &str)]) -> Vec<u8> {
    let (unit, period) = hemtjansten(store);
    let (u, p) = (store.unit(unit).unwrap(), store.period(period).unwrap());
    let mut entries: Vec<(String, String)> = vec![
        ("format".into(), "styrkort-vardemall".into()),
        ("version".into(), "2".into()),
        ("unit_id".into(), unit.to_string()),
        ("unit".into(), u.name.clone()),
        ("period_id".into(), period.to_string()),
        ("period".into(), p.name.clone()),
        ("database_id".into(), database_id(store)),
    ];
    for (k, v) in meta {
        match entries.iter_mut().find(|(key, _)| key == k) {
            Some(e) => e.1 = v.to_string(),
            None => entries.push((k.to_string(), v.to_string())),
        }
    }
    let mut wb = Workbook::new();
    let s = wb.add_worksheet();
    s.set_name(values_sheet).unwrap();
    s.write_string(0, 0, format!("Värden för {} – {}", u.name, p.name)).unwrap();
    let heads = ["Id", "Nyckeltal", "Enhet", "Kön (T/K/M)", &format!("Mål {}", p.plan_year), "Föregående år", &format!("Värde {}", p.name)];
    for (c, h) in heads.iter().enumerate() {
        s.write_string(3, c as u16, *h).unwrap();
    }
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
    for (r, (k, v)) in entries.iter().enumerate() {
        m.write_string(r as u32, 0, k).unwrap();
        m.write_string(r as u32, 1, v).unwrap();
    }
    wb.save_to_buffer().unwrap()
}

#[test]
fn every_bad_cell_is_listed_with_row_column_and_reason_and_then_nothing_is_saved() {
    let mut store = demo();
    let (unit, _) = hemtjansten(&store);
    let grid = follow_up::value_grid(&store, unit, 2026).unwrap();
    let first = grid.rows[0].indicator_id as f64;
    let bytes = crafted(&store, VALUES_SHEET, &[(first, "T", "12,5"), (first, "T", "mycket"), (first, "X", "3"), (99999.0, "T", "4")], &[]);
    let preview = value_template::read(&store, "ifylld.xlsx", &bytes).unwrap();
    assert_eq!(preview.changes.len(), 1, "the Swedish text number is read: {:?}", preview.changes);
    assert_eq!(preview.changes[0].new, Some(12.5));
    let places: Vec<(u32, u32)> = preview.rejected.iter().map(|r| (r.row, r.column)).collect();
    assert_eq!(places, [(6, 7), (7, 4), (8, 1)]);
    assert!(preview.rejected[0].reason.contains("inte ett tal"), "{}", preview.rejected[0].reason);

    // One bad cell among good ones: nothing is saved, not even the good one.
    let before = (store.counts().unwrap(), store.audit_count().unwrap());
    let err = value_template::apply(&mut store, &ctx(), &preview).unwrap_err();
    assert_eq!(err.code, ErrorCode::BadFile, "{}", err.message);
    assert!(err.message.starts_with("ifylld.xlsx:") && err.message.contains("nget har sparats"), "{}", err.message);
    assert!(err.message.contains("rad 6, kolumn 7") && err.message.contains("mycket"), "the message names the cells: {}", err.message);
    assert_eq!((store.counts().unwrap(), store.audit_count().unwrap()), before);
}

#[test]
fn a_formula_without_a_saved_result_is_refused_and_never_read_as_empty() {
    let mut store = demo();
    let (template, unit, period, _) = filled_template(&mut store);
    let before = values(&store, unit, period);
    assert_eq!(before[0], Some(10.0));
    // As LibreOffice and other tools save a formula they have not calculated: <f>, no <v>.
    let bytes = edit(&template, VALUES_XML, |xml| set_cell(xml, "G5", "<c r=\"G5\"><f>F5*2</f></c>"));
    let preview = value_template::read(&store, "formel.xlsx", &bytes).unwrap();
    assert!(preview.changes.iter().all(|c| c.row != 5), "the value is not deleted: {:?}", preview.changes);
    let r = preview.rejected.iter().find(|r| (r.row, r.column) == (5, 7)).expect("G5 is rejected");
    assert!(r.text.contains("F5*2"), "{r:?}");
    assert!(r.reason.contains("formel") && r.reason.contains("tal"), "{}", r.reason);
    assert!(value_template::apply(&mut store, &ctx(), &preview).is_err());
    assert_eq!(values(&store, unit, period), before, "nothing was deleted");
}

#[test]
fn a_formula_with_a_saved_result_is_read_as_its_result() {
    let mut store = demo();
    let (template, _, _, _) = filled_template(&mut store);
    let bytes = edit(&template, VALUES_XML, |xml| set_cell(xml, "G5", "<c r=\"G5\"><f>2*21</f><v>42</v></c>"));
    let preview = value_template::read(&store, "formel.xlsx", &bytes).unwrap();
    assert!(preview.rejected.is_empty(), "{:?}", preview.rejected);
    assert_eq!(preview.changes.len(), 1);
    assert_eq!(preview.changes[0].new, Some(42.0));
}

#[test]
fn a_deleted_value_column_or_a_changed_header_refuses_the_whole_file() {
    let mut store = demo();
    let (template, unit, period, keys) = filled_template(&mut store);
    let before = (store.counts().unwrap(), store.audit_count().unwrap(), values(&store, unit, period));
    let last_row = 4 + keys.len();
    let drop_column = |xml: &str, column: char| {
        let mut xml = xml.to_string();
        for r in 1..=last_row {
            if let Some((s, e)) = cell_span(&xml, &format!("{column}{r}")) {
                xml.replace_range(s..e, "");
            }
        }
        xml
    };
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("the value column deleted", edit(&template, VALUES_XML, |xml| drop_column(xml, 'G'))),
        ("the value header removed", edit(&template, VALUES_XML, |xml| set_cell(xml, "G4", ""))),
        ("the value header changed", edit(&template, VALUES_XML, |xml| set_cell(xml, "G4", &text_cell("G4", "Värde Delår 2026")))),
        ("the gender header moved", edit(&template, VALUES_XML, |xml| set_cell(xml, "D4", &text_cell("D4", "Föregående år")))),
        ("the id header renamed", edit(&template, VALUES_XML, |xml| set_cell(xml, "A4", &text_cell("A4", "Nr")))),
    ];
    for (what, bytes) in cases {
        let err = value_template::read(&store, "mall.xlsx", &bytes).map(|p| p.changes).unwrap_err();
        assert_eq!(err.code, ErrorCode::BadFile, "{what}: {}", err.message);
        assert!(err.message.starts_with("mall.xlsx:") && err.message.contains("rubrik"), "{what}: {}", err.message);
        assert!(err.message.contains("Inget har sparats"), "{what}: {}", err.message);
    }
    assert_eq!((store.counts().unwrap(), store.audit_count().unwrap(), values(&store, unit, period)), before);

    // A value cell the user emptied is still a deletion.
    let bytes = edit(&template, VALUES_XML, |xml| set_cell(xml, "G5", "<c r=\"G5\" s=\"1\"/>"));
    let preview = value_template::read(&store, "mall.xlsx", &bytes).unwrap();
    assert_eq!(preview.changes.len(), 1);
    assert_eq!((preview.changes[0].row, preview.changes[0].old, preview.changes[0].new), (5, Some(10.0), None));
}

#[test]
fn a_template_from_another_database_is_refused_even_when_the_ids_match() {
    let mut other = demo();
    let (template, _, _, _) = filled_template(&mut other);
    let store = demo();
    assert_ne!(database_id(&store), database_id(&other));
    let err = value_template::read(&store, "annan.xlsx", &template).unwrap_err();
    assert_eq!(err.code, ErrorCode::BadFile, "{}", err.message);
    assert!(err.message.contains("annan databas") && err.message.contains("Inget har sparats"), "{}", err.message);

    // Without an identity, or an older template without one: refused.
    let err = value_template::read(&store, "mall.xlsx", &crafted(&store, VALUES_SHEET, &[], &[("database_id", "")])).unwrap_err();
    assert_eq!(err.code, ErrorCode::BadFile, "{}", err.message);
    let err = value_template::read(&store, "mall.xlsx", &crafted(&store, VALUES_SHEET, &[], &[("version", "1")])).unwrap_err();
    assert_eq!(err.code, ErrorCode::BadFile, "{}", err.message);
    assert!(err.message.contains("exportera en ny mall"), "{}", err.message);
}

#[test]
fn an_edited_hidden_sheet_or_title_cannot_move_values_to_another_unit_or_period() {
    let mut store = demo();
    let (template, unit, period, _) = filled_template(&mut store);
    let delar = store.resolve_period(2026, "delår").unwrap();
    let other_unit = store.units().unwrap().into_iter().find(|u| u.id != unit).unwrap();
    let before = (store.counts().unwrap(), store.audit_count().unwrap(), values(&store, unit, period));
    // The hidden sheet holds format, version, unit_id, unit, period_id, period … in rows 1–7.
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("the hidden period id", edit(&template, META_XML, |xml| set_cell(xml, "B5", &text_cell("B5", &delar.id.to_string()))), "perioden"),
        (
            "the hidden unit id",
            edit(&template, META_XML, |xml| set_cell(xml, "B3", &text_cell("B3", &other_unit.id.to_string()))),
            "enheten",
        ),
        (
            "the title",
            edit(&template, VALUES_XML, |xml| set_cell(xml, "A1", &text_cell("A1", &format!("Värden för Hemtjänsten – {}", delar.name)))),
            "A1",
        ),
    ];
    for (what, bytes, expected) in cases {
        let err = value_template::read(&store, "mall.xlsx", &bytes).map(|p| (p.unit.id, p.period.id)).unwrap_err();
        assert_eq!(err.code, ErrorCode::BadFile, "{what}: {}", err.message);
        assert!(err.message.contains(expected) && err.message.contains("Inget har sparats"), "{what}: {}", err.message);
    }
    // Both hidden period entries changed, the title still says helår: refused, naming both.
    let bytes = crafted(&store, VALUES_SHEET, &[], &[("period_id", &delar.id.to_string()), ("period", &delar.name)]);
    let err = value_template::read(&store, "mall.xlsx", &bytes).unwrap_err();
    assert!(err.message.contains(&delar.name) && err.message.contains("Helår 2026"), "{}", err.message);
    assert_eq!((store.counts().unwrap(), store.audit_count().unwrap(), values(&store, unit, period)), before);
}

#[test]
fn the_same_indicator_twice_with_different_values_refuses_the_file() {
    let mut store = demo();
    let (template, unit, _, keys) = filled_template(&mut store);
    let grid = follow_up::value_grid(&store, unit, 2026).unwrap();
    let (id, gender) = keys[0];
    // Row 6 made into a second row of row 5's indicator and gender, with another value.
    let twice = |value: &str| {
        edit(&template, VALUES_XML, |xml| {
            let xml = set_cell(xml, "A6", &format!("<c r=\"A6\"><v>{id}</v></c>"));
            let xml = set_cell(&xml, "D6", &text_cell("D6", gender.as_str()));
            set_cell(&xml, "G6", &format!("<c r=\"G6\"><v>{value}</v></c>"))
        })
    };
    let err = value_template::read(&store, "dubbel.xlsx", &twice("77")).unwrap_err();
    assert_eq!(err.code, ErrorCode::BadFile, "{}", err.message);
    assert!(err.message.contains(&grid.rows[0].name) && err.message.contains("rad 5") && err.message.contains("rad 6"), "{}", err.message);
    assert!(err.message.contains("Inget har sparats"), "{}", err.message);

    // The same value twice is no conflict (documented in value_template): here it is the
    // value already stored, so nothing changes.
    let same = value_template::read(&store, "dubbel.xlsx", &twice("10")).unwrap();
    assert!(same.rejected.is_empty(), "{:?}", same.rejected);
    assert!(same.changes.iter().all(|c| c.row != 5 && c.row != 6), "{:?}", same.changes);
}

/// A minimal compound file (OLE/CFB) holding streams named `streams`, empty: the container
/// an encrypted xlsx (EncryptionInfo, EncryptedPackage) or an old .xls (Workbook) is.
fn compound_file(streams: &[&str]) -> Vec<u8> {
    const FREE: u32 = 0xFFFF_FFFF;
    const END: u32 = 0xFFFF_FFFE;
    let mut out = vec![0u8; 512 * 3];
    let put16 = |o: &mut Vec<u8>, at: usize, v: u16| o[at..at + 2].copy_from_slice(&v.to_le_bytes());
    let put32 = |o: &mut Vec<u8>, at: usize, v: u32| o[at..at + 4].copy_from_slice(&v.to_le_bytes());
    out[..8].copy_from_slice(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]);
    put16(&mut out, 24, 0x003E);
    put16(&mut out, 26, 3);
    put16(&mut out, 28, 0xFFFE);
    put16(&mut out, 30, 9);
    put16(&mut out, 32, 6);
    put32(&mut out, 44, 1); // one FAT sector
    put32(&mut out, 48, 1); // the directory in sector 1
    put32(&mut out, 56, 4096);
    put32(&mut out, 60, END);
    put32(&mut out, 68, END);
    put32(&mut out, 76, 0); // the FAT in sector 0
    for i in 1..109 {
        put32(&mut out, 76 + 4 * i, FREE);
    }
    let fat = 512;
    put32(&mut out, fat, 0xFFFF_FFFD);
    put32(&mut out, fat + 4, END);
    for i in 2..128 {
        put32(&mut out, fat + 4 * i, FREE);
    }
    let dir = 1024;
    let entry = |o: &mut Vec<u8>, i: usize, name: &str, kind: u8, right: u32, child: u32| {
        let at = dir + 128 * i;
        let units: Vec<u16> = name.encode_utf16().collect();
        for (k, u) in units.iter().enumerate() {
            put16(o, at + 2 * k, *u);
        }
        put16(o, at + 64, (units.len() as u16 + 1) * 2);
        o[at + 66] = kind;
        o[at + 67] = 1;
        put32(o, at + 68, FREE);
        put32(o, at + 72, right);
        put32(o, at + 76, child);
        put32(o, at + 116, END);
    };
    entry(&mut out, 0, "Root Entry", 5, FREE, if streams.is_empty() { FREE } else { 1 });
    for (i, s) in streams.iter().enumerate() {
        let right = if i + 1 < streams.len() { i as u32 + 2 } else { FREE };
        entry(&mut out, i + 1, s, 2, right, FREE);
    }
    for i in streams.len() + 1..4 {
        let at = dir + 128 * i;
        put32(&mut out, at + 68, FREE);
        put32(&mut out, at + 72, FREE);
        put32(&mut out, at + 76, FREE);
    }
    out
}

#[test]
fn a_password_protected_workbook_is_called_that_not_a_non_excel_file() {
    let store = demo();
    let err = value_template::read(&store, "skyddad.xlsx", &compound_file(&["EncryptionInfo", "EncryptedPackage"])).unwrap_err();
    assert_eq!(err.code, ErrorCode::BadFile, "{}", err.message);
    assert!(err.message.starts_with("skyddad.xlsx:") && err.message.contains("lösenordsskyddad"), "{}", err.message);
    assert!(err.message.contains("Ta bort lösenordet") && err.message.contains("Inget har sparats"), "{}", err.message);
    // An old .xls is the same kind of container, but not protected.
    let err = value_template::read(&store, "gammal.xlsx", &compound_file(&["Workbook"])).unwrap_err();
    assert_eq!(err.code, ErrorCode::BadFile, "{}", err.message);
    assert!(!err.message.contains("lösenord") && err.message.contains(".xls"), "{}", err.message);
}

#[test]
fn a_date_in_a_value_cell_is_shown_as_a_date_and_refused() {
    let mut store = demo();
    let (template, unit, period, _) = filled_template(&mut store);
    let before = values(&store, unit, period);
    // A date typed into G5: Excel saves the serial number with a date format (built-in 14).
    let bytes = edit(&template, "xl/styles.xml", |xml| {
        let start = xml.find("<cellXfs").unwrap();
        let end = xml.find("</cellXfs>").unwrap();
        let n = xml[start..end].matches("<xf ").count();
        let xml = format!(
            "{}<xf numFmtId=\"14\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyNumberFormat=\"1\"/>{}",
            &xml[..end],
            &xml[end..]
        );
        xml.replacen(&format!("<cellXfs count=\"{n}\""), &format!("<cellXfs count=\"{}\"", n + 1), 1)
    });
    let styles = zip_entries(&bytes).into_iter().find(|(n, _)| n == "xl/styles.xml").unwrap().1;
    let styles = String::from_utf8(styles).unwrap();
    let (s, e) = (styles.find("<cellXfs").unwrap(), styles.find("</cellXfs>").unwrap());
    let date_style = styles[s..e].matches("<xf ").count() - 1;
    let serial = ExcelDateTime::from_ymd(2026, 3, 15).unwrap().to_excel();
    let bytes = edit(&bytes, VALUES_XML, |xml| set_cell(xml, "G5", &format!("<c r=\"G5\" s=\"{date_style}\"><v>{serial}</v></c>")));
    let preview = value_template::read(&store, "datum.xlsx", &bytes).unwrap();
    let r = preview.rejected.iter().find(|r| (r.row, r.column) == (5, 7)).expect("G5 is rejected");
    assert_eq!(r.text, "2026-03-15");
    assert!(r.reason.contains("datum") && r.reason.contains("tal"), "{}", r.reason);
    assert!(value_template::apply(&mut store, &ctx(), &preview).is_err());
    assert_eq!(values(&store, unit, period), before);
}

#[test]
fn files_that_are_not_our_templates_are_refused_and_nothing_is_written() {
    let store = demo();
    let before = store.counts().unwrap();
    let (unit, period) = hemtjansten(&store);
    let mut plain = Workbook::new();
    plain.add_worksheet().write_string(0, 0, "Budget 2026").unwrap();
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("an ordinary workbook", plain.save_to_buffer().unwrap(), "inte en värdemall"),
        ("a renamed values sheet", crafted(&store, "Blad1", &[], &[]), "bytt namn"),
        ("a newer template", crafted(&store, VALUES_SHEET, &[], &[("version", "7")]), "version 7"),
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

#[test]
fn the_cli_lists_rejected_cells_saves_nothing_and_fails_with_and_without_yes() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let run = |args: &[&str]| Command::new(env!("CARGO_BIN_EXE_styrkort")).arg("--db").arg(&db).args(args).output().unwrap();
    assert!(run(&["init", "--demo"]).status.success());
    let out = dir.path().join("mall.xlsx");
    let o = run(&["export", "template", "--unit", "Hemtjänsten", "--year", "2026", "--period", "helår", "--out", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // Row 5 gets a good value, row 6 a word.
    let bytes = edit(&std::fs::read(&out).unwrap(), VALUES_XML, |xml| {
        let xml = set_cell(xml, "G5", "<c r=\"G5\"><v>12.5</v></c>");
        set_cell(&xml, "G6", &text_cell("G6", "mycket"))
    });
    std::fs::write(&out, bytes).unwrap();
    let audit = || Store::open(&db).unwrap().audit_count().unwrap();
    let before = audit();
    for yes in [false, true] {
        let mut args = vec!["import", "xlsx", out.to_str().unwrap()];
        if yes {
            args.push("--yes");
        }
        let o = run(&args);
        let all = format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
        assert!(!o.status.success(), "--yes {yes}: {all}");
        assert!(all.contains("rad 6, kolumn 7") && all.contains("mycket") && all.contains("nget har sparats"), "--yes {yes}: {all}");
        assert_eq!(audit(), before, "--yes {yes}: nothing was saved");
    }
}
