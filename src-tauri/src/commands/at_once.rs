//! Commands that do not wait their turn: the window's other commands run one at a time, in the
//! order sent, on the command worker (see `crate::queue`); these run at once. A synchronous one
//! here runs on the main thread, so it must only set a flag or append a line; an `async` one
//! runs on Tauri's async runtime beside the queue. Declared here, each is registered, granted
//! and given a TypeScript wrapper by `build.rs`, like the commands in `commands.rs`.

use std::sync::atomic::Ordering;

use serde::Serialize;
use styrkort::msg;
use styrkort::{AppError, ErrorCode, Result};
use tauri::{Manager, State};
use ts_rs::TS;

use crate::AppState;

/// "Avbryt" while a Kolada fetch runs (on the worker): the fetch sees the flag between pages.
#[tauri::command]
pub fn cancel_kolada_fetch(state: State<'_, AppState>) {
    state.kolada_cancel.store(true, Ordering::SeqCst);
}

/// Environment variable naming a file where the app appends the wall-clock time (ms since the
/// Unix epoch) and its process id when the first scorecard is painted: the start-up benchmark
/// (`scripts/measure-app.py`) reads it. Unset (always, for users): the call does nothing.
const STARTUP_REPORT_ENV: &str = "STYRKORT_STARTUP_REPORT";

/// Called once by the window when the first scorecard is on screen, with the time since the
/// page started loading. The report line: wall clock (ms since the epoch), process id, ms since
/// `run()` began, ms the window took from page load start, ms the database took to open.
#[tauri::command]
pub fn scorecard_painted(state: State<'_, AppState>, page_ms: f64) {
    let Ok(path) = std::env::var(STARTUP_REPORT_ENV) else { return };
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis()).unwrap_or(0);
    let since_run = state.started.elapsed().as_millis();
    let line = format!("{now} {} {since_run} {page_ms:.0} {}\n", std::process::id(), state.open_ms);
    use std::io::Write;
    if let Ok(mut f) = std::fs::OpenOptions::new().create(true).append(true).open(path) {
        let _ = f.write_all(line.as_bytes());
    }
}

/// What the start's background work did besides finding no damage.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct StartChecksDone {
    pub daily_backup: Option<String>,
    pub daily_backup_error: Option<AppError>,
}

/// Run what a large database's start left for later: the check of every page, then the day's
/// backup. `Err` (bad_database) when the file is damaged: the window then shows it and the
/// backups. Otherwise the backup made (file name), or `None`. Returns at once when nothing was
/// left for later. Runs beside the command queue (it may take seconds on a large file, and the
/// window's reads must not wait for it); it uses its own connection.
#[tauri::command]
pub async fn finish_start_checks(app: tauri::AppHandle) -> Result<StartChecksDone> {
    tauri::async_runtime::spawn_blocking(move || {
        let state = app.state::<AppState>();
        let pending = state.start_checks.lock().ok().and_then(|mut p| p.take());
        let Some(checks) = pending else { return Ok(StartChecksDone { daily_backup: None, daily_backup_error: None }) };
        match checks.run() {
            Err(damage) => {
                // Keep further work away from a damaged file, as a refused open would.
                if let Ok(mut store) = state.store.lock() {
                    *store = Err(damage.clone());
                }
                Err(damage)
            }
            Ok(Ok(made)) => Ok(StartChecksDone { daily_backup: made.map(|e| e.file_name), daily_backup_error: None }),
            Ok(Err(failed)) => Ok(StartChecksDone { daily_backup: None, daily_backup_error: Some(failed) }),
        }
    })
    .await
    .map_err(|e| {
        AppError::new(
            ErrorCode::Internal,
            msg!("Kontrollen av databasen avbröts oväntat: {e}", "The database check stopped unexpectedly: {e}"),
        )
    })?
}

/// Look for a newer version on the municipality's update server (Windows; elsewhere the
/// package manager updates Styrkort). Runs beside the queue: the server may be slow to answer.
#[tauri::command]
pub async fn check_update(app: tauri::AppHandle) -> Result<crate::updates::UpdateCheck> {
    crate::updates::check(app).await
}

/// Install the newer version found, then start again (Windows).
#[tauri::command]
pub async fn install_update(app: tauri::AppHandle) -> Result<()> {
    crate::updates::install(app).await
}
