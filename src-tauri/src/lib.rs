//! Styrkort desktop shell: opens the database, registers the commands, starts the window.
//! All behaviour lives in the `styrkort` core; this crate only adapts it to Tauri.

mod commands;

use std::path::PathBuf;
use std::sync::Mutex;

use tauri::Manager;

use styrkort::{database, AppError, ChangeContext, Store};

/// The open database, or the reason it could not be opened (shown in the window, which
/// then offers the backups). Behind a mutex so a restore can replace it.
pub struct AppState {
    pub store: Mutex<Result<Store, AppError>>,
    pub db_path: PathBuf,
    /// The OS account name.
    pub user: String,
    /// The name changes are recorded under (chosen in the settings; the OS name by default).
    pub audit_name: Mutex<String>,
    pub demo_loaded: bool,
    /// What the automatic daily backup at this start did: the file made, or why it failed.
    pub daily_backup: Option<Result<String, AppError>>,
    /// The report saved last, the only file "open the file" may open.
    pub last_export: Mutex<Option<PathBuf>>,
    /// A filled-in value template read and shown as a preview, waiting for "save".
    pub pending_template: Mutex<Option<styrkort::value_template::TemplatePreview>>,
    /// Exchange files read and shown as a preview, waiting for "save".
    pub pending_exchange: Mutex<Option<styrkort::exchange::ExchangePreview>>,
    /// A large database's page check and daily backup, run once the window asks
    /// (`finish_start_checks`) after its first scorecard is on screen.
    pub start_checks: Mutex<Option<database::StartChecks>>,
    /// When `run()` began, and how long opening the database took (start-up benchmark).
    pub started: std::time::Instant,
    pub open_ms: u128,
    /// Set by "Avbryt" while a Kolada fetch runs.
    pub kolada_cancel: std::sync::atomic::AtomicBool,
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

fn open_state(started: std::time::Instant) -> AppState {
    let mut state = open_state_at(started);
    state.open_ms = started.elapsed().as_millis();
    state
}

fn open_state_at(started: std::time::Instant) -> AppState {
    let args: Vec<String> = std::env::args().collect();
    let env = std::env::var(database::DB_ENV).ok();
    let user = database::os_user_name();
    let now = chrono::Local::now();
    let ctx = ChangeContext::new(user.clone(), now.format("%Y-%m-%dT%H:%M:%S").to_string());
    let failed = |e: AppError, db_path: PathBuf, user: String| AppState {
        store: Mutex::new(Err(e)),
        db_path,
        audit_name: Mutex::new(user.clone()),
        user,
        demo_loaded: false,
        daily_backup: None,
        last_export: Mutex::new(None),
        pending_template: Mutex::new(None),
        kolada_cancel: Default::default(),
        pending_exchange: Mutex::new(None),
        started,
        open_ms: 0,
        start_checks: Mutex::new(None),
    };
    let path = match database::resolve_path(db_arg(&args).as_deref(), env.as_deref()) {
        Ok(p) => p,
        Err(e) => return failed(e, PathBuf::new(), user),
    };
    match database::open_session(&path, &ctx, now.date_naive()) {
        Ok(session) => AppState {
            audit_name: Mutex::new(database::audit_user_name(&session.store, &user).unwrap_or_else(|_| user.clone())),
            store: Mutex::new(Ok(session.store)),
            db_path: path,
            user,
            demo_loaded: session.demo_loaded,
            daily_backup: match session.daily_backup {
                Ok(Some(entry)) => Some(Ok(entry.file_name)),
                Ok(None) => None,
                Err(e) => Some(Err(e)),
            },
            last_export: Mutex::new(None),
            pending_template: Mutex::new(None),
            kolada_cancel: Default::default(),
            pending_exchange: Mutex::new(None),
            started,
            open_ms: 0,
            start_checks: Mutex::new(session.later),
        },
        Err(e) => failed(e, path, user),
    }
}

pub fn run() {
    let started = std::time::Instant::now();
    let state = open_state(started);
    let result = tauri::Builder::default()
        // First, so a second start hands over to the running window and exits.
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            if let Some(window) = app.get_webview_window("main") {
                let _ = window.unminimize();
                let _ = window.show();
                let _ = window.set_focus();
            }
        }))
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_opener::init())
        .manage(state)
        .invoke_handler(tauri::generate_handler![
            commands::app_info,
            commands::unit_tree,
            commands::plan_years,
            commands::scorecard,
            commands::value_grid,
            commands::paste_cells,
            commands::save_assessment,
            commands::review_assessment,
            commands::set_activity_follow_up,
            commands::set_period_locked,
            commands::completeness,
            commands::red_indicators,
            commands::indicator_series,
            commands::backups,
            commands::back_up_now,
            commands::restore_backup,
            commands::export_report,
            commands::open_export,
            commands::ensure_default_periods,
            commands::create_month_periods,
            commands::set_period_deadline,
            commands::report_settings,
            commands::save_report_settings,
            commands::pick_report_logo,
            commands::kolada_settings,
            commands::save_kolada_settings,
            commands::import_kolada_files,
            commands::red_thread,
            commands::export_value_template,
            commands::read_value_template,
            commands::apply_value_template,
            commands::search,
            commands::unit_plan,
            commands::add_unit,
            commands::rename_unit,
            commands::move_unit,
            commands::set_unit_active,
            commands::start_plan_year,
            commands::copy_preview,
            commands::copy_plan_year,
            commands::set_vision,
            commands::create_perspective,
            commands::rename_perspective,
            commands::move_perspective,
            commands::remove_perspective,
            commands::set_scale_steps,
            commands::set_scale_step,
            commands::save_goal,
            commands::delete_goal_preview,
            commands::delete_goal,
            commands::save_indicator,
            commands::set_indicator_active,
            commands::save_activity,
            commands::activity_delete_preview,
            commands::delete_activity,
            commands::undoable_changes,
            commands::undo_last,
            commands::search_kpis,
            commands::set_user_name,
            commands::kolada_fetch_plan,
            commands::fetch_kolada,
            commands::cancel_kolada_fetch,
            commands::scorecard_painted,
            commands::export_exchange_file,
            commands::read_exchange_files,
            commands::apply_exchange,
            commands::finish_start_checks
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
