//! The same test on both engines (issue 14): the laptop's SQLite file and the shared
//! PostgreSQL database. A test written once with [`on_both_engines!`] becomes two tests,
//! `<name>::sqlite` and `<name>::postgres`; the PostgreSQL one uses the test binary's
//! throw-away cluster ([`super::pg::shared`]) and a database of its own.
#![allow(dead_code)]

use std::path::PathBuf;

use styrkort::store::{ChangeContext, Store};

/// Which engine a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

/// A store under test and what keeps it alive (the temp dir of the SQLite file).
pub struct Under {
    pub store: Store,
    pub engine: Engine,
    /// The SQLite file (the demo's source file on PostgreSQL too).
    pub file: PathBuf,
    /// The PostgreSQL URL (None on SQLite).
    pub url: Option<String>,
    _dir: tempfile::TempDir,
}

impl Under {
    /// Open the same database again (another window, another process's view).
    pub fn reopen(&self) -> Store {
        match &self.url {
            Some(url) => Store::open_shared(url, "2026-11-26T10:00:00").expect("open shared again"),
            None => Store::open(&self.file).expect("open file again"),
        }
    }
}

pub fn ctx() -> ChangeContext {
    ChangeContext::new("test", "2026-11-26T10:00:00")
}

/// A database name PostgreSQL accepts, unique per test.
fn db_name(test: &str) -> String {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    let clean: String = test.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '_' }).collect();
    let clean: String = clean.chars().take(40).collect();
    format!("t_{clean}_{}_{}", std::process::id(), N.fetch_add(1, Ordering::Relaxed))
}

/// The demo municipality on `engine`: on SQLite a fresh file with the demo loaded; on
/// PostgreSQL that file copied in with `db copy`. `None` when PostgreSQL is not installed
/// (outside CI), so the PostgreSQL twin of a test returns early.
pub fn demo(engine: Engine, test: &str) -> Option<Under> {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("kommun.db");
    {
        let mut store = Store::open(&file).expect("open file");
        styrkort::seed::load_demo(&mut store, &ctx()).expect("load demo");
    }
    open(engine, test, dir, file, true)
}

/// A database `prepare` makes as a file (e.g. by running `styrkort init`) on `engine`: on
/// PostgreSQL that file copied in with `db copy`. `None` when PostgreSQL is not installed.
pub fn prepared(engine: Engine, test: &str, prepare: impl FnOnce(&std::path::Path)) -> Option<Under> {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("kommun.db");
    prepare(&file);
    open(engine, test, dir, file, true)
}

/// An empty database on `engine` (schema only).
pub fn empty(engine: Engine, test: &str) -> Option<Under> {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("kommun.db");
    drop(Store::open(&file).expect("open file"));
    open(engine, test, dir, file, false)
}

fn open(engine: Engine, test: &str, dir: tempfile::TempDir, file: PathBuf, copy: bool) -> Option<Under> {
    match engine {
        Engine::Sqlite => {
            let store = Store::open(&file).expect("open file");
            Some(Under { store, engine, file, url: None, _dir: dir })
        }
        Engine::Postgres => {
            let cluster = super::pg::shared()?;
            let url = cluster.create_database(&db_name(test));
            if copy {
                styrkort::store::copy::sqlite_to_postgres(&file, &url, "2026-11-26T10:00:00", &mut |_, _| {})
                    .expect("copy into PostgreSQL");
            }
            let store = Store::open_shared(&url, "2026-11-26T10:00:00").expect("open shared");
            Some(Under { store, engine, file, url: Some(url), _dir: dir })
        }
    }
}

/// `on_both_engines!(name, |engine| { … })`: the body runs once per engine; it gets the
/// [`Engine`] and builds its store with [`demo`] or [`empty`] (returning early on `None`).
#[macro_export]
macro_rules! on_both_engines {
    ($name:ident, $body:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[test]
            fn sqlite() {
                let f: fn($crate::common::engines::Engine) = $body;
                f($crate::common::engines::Engine::Sqlite);
            }

            #[test]
            fn postgres() {
                let f: fn($crate::common::engines::Engine) = $body;
                f($crate::common::engines::Engine::Postgres);
            }
        }
    };
}
