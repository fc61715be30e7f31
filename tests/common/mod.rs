//! What several integration tests share: running the `styrkort` command-line tool.
#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output};

/// Run `styrkort --db DB ARGS…` as a user would (without a `STYRKORT_DB` from outside).
pub fn styrkort(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_styrkort")).arg("--db").arg(db).args(args).env_remove("STYRKORT_DB").output().expect("run styrkort")
}

/// The standard output of a run that must have succeeded.
pub fn ok(out: &Output) -> String {
    assert!(out.status.success(), "failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout.clone()).expect("utf-8 output")
}
