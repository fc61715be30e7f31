//! Styrkort desktop shell: opens the database, registers the commands, starts the window.
//! All behaviour lives in the `styrkort` core; this crate only adapts it to Tauri.

mod commands;

use std::path::PathBuf;
use std::sync::Mutex;

use styrkort::{database, AppError, ChangeContext, Store};

/// The open database, or the reason it could not be opened (shown in the window).
pub struct AppState {
    pub store: Result<Mutex<Store>, AppError>,
    pub db_path: PathBuf,
    pub user: String,
    pub demo_loaded: bool,
}

/// `--db PATH` (or `--db=PATH`) from the command line, if given.
fn db_arg(args: &[String]) -> Option<PathBuf> {
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if a == "--db" {
            return it.next().map(PathBuf::from);
        }
        if let Some(p) = a.strip_prefix("--db=") {
            return Some(PathBuf::from(p));
        }
    }
    None
}

fn open_state() -> AppState {
    let args: Vec<String> = std::env::args().collect();
    let env = std::env::var(database::DB_ENV).ok();
    let user = database::os_user_name();
    let ctx = ChangeContext::new(user.clone(), chrono::Local::now().format("%Y-%m-%dT%H:%M:%S").to_string());
    let path = database::resolve_path(db_arg(&args).as_deref(), env.as_deref());
    match path {
        Err(e) => AppState { store: Err(e), db_path: PathBuf::new(), user, demo_loaded: false },
        Ok(path) => match database::open_with_demo(&path, &ctx) {
            Ok((store, demo_loaded)) => AppState { store: Ok(Mutex::new(store)), db_path: path, user, demo_loaded },
            Err(e) => AppState { store: Err(e), db_path: path, user, demo_loaded: false },
        },
    }
}

pub fn run() {
    let state = open_state();
    let result = tauri::Builder::default()
        .manage(state)
        .invoke_handler(tauri::generate_handler![
            commands::app_info,
            commands::unit_tree,
            commands::plan_years,
            commands::scorecard
        ])
        .run(tauri::generate_context!());
    if let Err(e) = result {
        eprintln!("Styrkort kunde inte starta: {e}");
        std::process::exit(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn db_argument_forms() {
        let args = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(db_arg(&args(&["app", "--db", "/tmp/a.db"])), Some(PathBuf::from("/tmp/a.db")));
        assert_eq!(db_arg(&args(&["app", "--db=/tmp/b.db"])), Some(PathBuf::from("/tmp/b.db")));
        assert_eq!(db_arg(&args(&["app"])), None);
        assert_eq!(db_arg(&args(&["app", "--db"])), None);
    }
}
