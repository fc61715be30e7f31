//! What several integration tests share: running the `styrkort` command-line tool.
#![allow(dead_code)]

#[cfg(unix)]
pub mod pg;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

/// Run `styrkort --db DB ARGS…` as a user would (without a `STYRKORT_DB` from outside).
pub fn styrkort(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_styrkort")).arg("--db").arg(db).args(args).env_remove("STYRKORT_DB").output().expect("run styrkort")
}

/// Run `styrkort --db URL ARGS…` against a shared database (a `postgres://` URL).
pub fn styrkort_url(url: &str, args: &[&str]) -> Output {
    styrkort_url_stdin(url, args, "")
}

/// As [`styrkort_url`], with `input` on standard input.
pub fn styrkort_url_stdin(url: &str, args: &[&str], input: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_styrkort"))
        .arg("--db")
        .arg(url)
        .args(args)
        .env_remove("STYRKORT_DB")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run styrkort");
    child.stdin.take().expect("stdin").write_all(input.as_bytes()).expect("write stdin");
    child.wait_with_output().expect("run styrkort")
}

/// The standard output of a run that must have succeeded.
pub fn ok(out: &Output) -> String {
    assert!(out.status.success(), "failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout.clone()).expect("utf-8 output")
}

/// The parts of a zip archive (an xlsx) as (name, content), in archive order.
pub fn zip_entries(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    (0..zip.len())
        .map(|i| {
            let mut e = zip.by_index(i).unwrap();
            let mut content = Vec::new();
            e.read_to_end(&mut content).unwrap();
            (e.name().unwrap().to_string(), content)
        })
        .collect()
}

/// Build a zip archive from (name, content) parts. A repeated name (a fuzzed archive may have
/// one) is left out, as the zip writer refuses it.
pub fn zip_of(entries: &[(String, Vec<u8>)]) -> Vec<u8> {
    use std::io::Write;
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut buf);
        let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        for (name, content) in entries {
            if zip.start_file(name.as_str(), options).is_ok() {
                zip.write_all(content).unwrap();
            }
        }
        zip.finish().unwrap();
    }
    buf.into_inner()
}
pub mod engines;
