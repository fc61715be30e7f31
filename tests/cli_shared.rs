//! The command-line tool on the shared database (issue 14): every read-only command prints
//! the same on the demo's SQLite file (`--db FILE`) and on PostgreSQL with that file copied in
//! (`--db postgres://…`), and the writing commands of the follow-up do the same on both.

mod common;

use common::engines::{demo, Engine};
use common::{styrkort, styrkort_url};
use std::path::Path;
use std::process::Output;

fn stdout(out: &Output, what: &str) -> String {
    assert!(out.status.success(), "{what} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout.clone()).expect("utf-8 output")
}

/// `text` with the clock of today's times (`2026-12-03T11:01:35`) left out: the two runs of
/// a writing command are a moment apart, and what they record is stamped with its own time.
fn without_todays_clock(text: &str) -> String {
    let today = format!("{}T", chrono::Local::now().format("%Y-%m-%d"));
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(&today) {
        let end = at + today.len();
        out.push_str(&rest[..end]);
        let time = rest.get(end..end + 8).unwrap_or("");
        let is_time =
            time.len() == 8 && time.bytes().enumerate().all(|(i, b)| if i == 2 || i == 5 { b == b':' } else { b.is_ascii_digit() });
        if is_time {
            out.push_str("hh:mm:ss");
            rest = &rest[end + 8..];
        } else {
            rest = &rest[end..];
        }
    }
    out.push_str(rest);
    out
}

/// Run `args` on the file and on the shared database and assert both print the same (the clock
/// of today's times aside).
fn same(file: &Path, url: &str, args: &[&str]) -> String {
    let what = args.join(" ");
    let a = stdout(&styrkort(file, args), &format!("{what} (SQLite)"));
    let b = stdout(&styrkort_url(url, args), &format!("{what} (PostgreSQL)"));
    let (a, b) = (without_todays_clock(&a), without_todays_clock(&b));
    assert!(a == b, "`{what}` prints differently:\n--- SQLite\n{a}\n--- PostgreSQL\n{b}");
    assert!(!a.trim().is_empty(), "`{what}` printed nothing");
    a
}

const READS: &[&[&str]] = &[
    &["units"],
    &["units", "--format", "json"],
    &["periods", "--year", "2026"],
    &["periods", "--year", "2025", "--format", "json"],
    &["scorecard", "--unit", "Sjöbacka kommun", "--year", "2026", "--period", "delår"],
    &["scorecard", "--unit", "Socialnämnden", "--year", "2026", "--period", "delår", "--format", "json"],
    &["scorecard", "--unit", "Hemtjänsten", "--year", "2026", "--period", "T1"],
    &["scorecard", "--unit", "Hemtjänsten", "--year", "2025", "--period", "helår", "--format", "json"],
    &["att-göra", "--date", "2026-09-20"],
    &["att-göra", "--unit", "Socialnämnden", "--date", "2026-09-20", "--format", "json"],
    &["ekonomi", "visa", "--år", "2026", "--period", "delår"],
    &["ekonomi", "visa", "--år", "2026", "--period", "delår", "--format", "json"],
    &["ekonomi", "koppling", "visa"],
    &["uppdrag", "lista", "--år", "2026"],
    &["uppdrag", "lista", "--år", "2026", "--period", "delår", "--format", "json"],
    &["uppdrag", "äldsta", "--år", "2026"],
    &["uppdrag", "äldsta", "--år", "2026", "--enhet", "Socialnämnden", "--format", "json"],
    &["intern-kontroll", "visa", "--unit", "Socialnämnden", "--year", "2026", "--period", "delår"],
    &["intern-kontroll", "visa", "--unit", "Socialnämnden", "--year", "2026", "--period", "delår", "--format", "json"],
    &["garanti", "lista", "--enhet", "Hemtjänsten", "--år", "2026", "--period", "delår"],
    &["garanti", "lista", "--enhet", "Hemtjänsten", "--år", "2026", "--period", "delår", "--format", "json"],
    &["grunduppdrag", "visa", "--enhet", "Hemtjänsten", "--år", "2026"],
    &["agenda2030"],
    &["agenda2030", "--år", "2026", "--period", "delår", "--format", "json"],
    &["search", "omsorg"],
    &["search", "SKOLA"],
    &["kolada", "values", "--kpi", "N00090", "--municipality", "0000"],
    &["kolada", "values", "--kpi", "N00090", "--municipality", "0000", "--gender", "K", "--format", "json"],
    &["report-settings"],
];

#[test]
fn read_only_commands_print_the_same_on_both_engines() {
    let Some(u) = demo(Engine::Postgres, "cli_reads") else { return };
    let url = u.url.as_deref().unwrap();
    for args in READS {
        same(&u.file, url, args);
    }
}

/// The follow-up's writing commands, the same on the file and on the shared database: what
/// they print, and what the reads print afterwards.
#[test]
fn writing_commands_do_the_same_on_both_engines() {
    let Some(u) = demo(Engine::Postgres, "cli_writes") else { return };
    let url = u.url.as_deref().unwrap();
    let sie = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds/sjobacka-2026-08.se");
    let sie = sie.to_str().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let kolada = dir.path().join("kolada.json");
    let mut file: serde_json::Value = serde_json::from_str(styrkort::seed::DEMO_KOLADA).unwrap();
    file["values"][0]["values"][0]["value"] = serde_json::json!(99.5);
    std::fs::write(&kolada, serde_json::to_string(&file).unwrap()).unwrap();
    let kolada = kolada.to_str().unwrap();

    let lista = same(&u.file, url, &["uppdrag", "lista", "--år", "2026", "--period", "helår", "--format", "json"]);
    let lista: serde_json::Value = serde_json::from_str(&lista).unwrap();
    let id = lista["rows"].as_array().or_else(|| lista.as_array()).and_then(|r| r.first()).map(|r| r["id"].to_string());
    let id = id.unwrap_or_else(|| "1".to_string());
    let writes: Vec<Vec<&str>> = vec![
        vec![
            "--user",
            "Karin",
            "uppdrag",
            "följ-upp",
            "--uppdrag",
            &id,
            "--period",
            "helår",
            "--status",
            "pågår",
            "--kommentar",
            "Upphandling pågår.",
        ],
        vec!["--user", "Karin", "uppdrag", "följ-upp", "--uppdrag", &id, "--period", "helår", "--åtgärd", "klar"],
        vec![
            "--user",
            "Karin",
            "garanti",
            "följ-upp",
            "--garanti",
            "1",
            "--år",
            "2026",
            "--period",
            "helår",
            "--hölls",
            "nej",
            "--kommentar",
            "Sjukdom.",
        ],
        vec!["--user", "Karin", "ekonomi", "sie", sie, "--period", "delår"],
        vec!["--user", "Karin", "import", "kolada", kolada],
    ];
    for args in &writes {
        same(&u.file, url, args);
    }
    let after = same(&u.file, url, &["uppdrag", "lista", "--år", "2026", "--period", "helår", "--format", "json"]);
    assert!(after.contains("Upphandling pågår."), "{after}");
    let kolada = same(&u.file, url, &["kolada", "values", "--kpi", "N00090", "--municipality", "0000"]);
    assert!(kolada.contains("99.5") || kolada.contains("99,5"), "{kolada}");
    let garanti =
        same(&u.file, url, &["garanti", "lista", "--enhet", "Hemtjänsten", "--år", "2026", "--period", "helår", "--format", "json"]);
    assert!(garanti.contains("Sjukdom."), "{garanti}");
    same(&u.file, url, &["ekonomi", "visa", "--år", "2026", "--period", "delår", "--format", "json"]);
    same(&u.file, url, &["att-göra", "--date", "2027-01-20"]);
}

/// The value template written by the shared database, filled in and read back with `import
/// xlsx`, and the reports of the follow-up written from PostgreSQL as from the file.
#[test]
fn templates_and_reports_are_written_from_the_shared_database() {
    let Some(u) = demo(Engine::Postgres, "cli_files") else { return };
    let url = u.url.as_deref().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = |name: &str| dir.path().join(name).to_str().unwrap().to_string();
    let (pg_template, file_template) = (out("pg.xlsx"), out("fil.xlsx"));
    let template = ["export", "template", "--unit", "Hemtjänsten", "--year", "2026", "--period", "helår", "--out"];
    stdout(&styrkort_url(url, &[&template[..], &[pg_template.as_str()]].concat()), "export template (PostgreSQL)");
    stdout(&styrkort(&u.file, &[&template[..], &[file_template.as_str()]].concat()), "export template (SQLite)");
    // Each reads the other's template as its own database's (the same identity and ids) and
    // finds nothing to change.
    let preview_pg = stdout(&styrkort_url(url, &["import", "xlsx", &file_template]), "import xlsx (PostgreSQL)");
    let preview_file = stdout(&styrkort(&u.file, &["import", "xlsx", &pg_template]), "import xlsx (SQLite)");
    assert_eq!(preview_pg.replace("fil.xlsx", "pg.xlsx"), preview_file);
    assert!(preview_pg.contains("Hemtjänsten, Helår 2026\n0 ändringar"), "{preview_pg}");

    for (args, name) in [
        (vec!["export", "xlsx", "--year", "2026", "--period", "delår", "--out"], "rapport.xlsx"),
        (
            vec!["export", "pdf", "--report", "delarsrapport", "--unit", "Socialnämnden", "--year", "2026", "--period", "delår", "--out"],
            "delar.pdf",
        ),
        (
            vec!["export", "pdf", "--report", "styrkort", "--unit", "Hemtjänsten", "--year", "2026", "--period", "delår", "--out"],
            "styrkort.pdf",
        ),
        (vec!["export", "intern-kontroll", "--unit", "Socialnämnden", "--year", "2026", "--period", "delår", "--out"], "ik.pdf"),
    ] {
        let (a, b) = (out(&format!("fil-{name}")), out(&format!("pg-{name}")));
        stdout(&styrkort(&u.file, &[&args[..], &[a.as_str()]].concat()), &format!("{name} (SQLite)"));
        stdout(&styrkort_url(url, &[&args[..], &[b.as_str()]].concat()), &format!("{name} (PostgreSQL)"));
        let (a, b) = (std::fs::metadata(&a).unwrap().len(), std::fs::metadata(&b).unwrap().len());
        assert!(b > 1000 && b.abs_diff(a) * 20 < a, "{name}: {a} bytes from the file, {b} from PostgreSQL");
    }
}
