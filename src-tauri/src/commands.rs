//! `#[tauri::command]` adapters: each one locks the store and calls one core function.
//! Errors cross as `{code, message}` (the core's `AppError`).

use serde::Serialize;
use styrkort::model::{PlanYear, UnitNode};
use styrkort::scorecard::{self, Scorecard};
use styrkort::{AppError, ErrorCode, Result, Store};
use tauri::State;
use ts_rs::TS;

use crate::AppState;

/// What the window needs to know about the session.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct AppInfo {
    pub db_path: String,
    pub user: String,
    pub municipality: Option<String>,
    /// The demo municipality was loaded at this start.
    pub demo_loaded: bool,
    /// Today's date (ISO), from the machine, for default choices in the UI.
    pub today: String,
    pub version: String,
}

fn with_store<T>(state: &AppState, f: impl FnOnce(&Store) -> Result<T>) -> Result<T> {
    let store = state.store.as_ref().map_err(Clone::clone)?;
    let guard = store
        .lock()
        .map_err(|_| AppError::new(ErrorCode::Internal, "Ett tidigare fel stoppade databasen. Starta om Styrkort."))?;
    f(&guard)
}

#[tauri::command]
pub fn app_info(state: State<'_, AppState>) -> Result<AppInfo> {
    let municipality = with_store(&state, |s| s.setting("municipality_name"))?;
    Ok(AppInfo {
        db_path: state.db_path.display().to_string(),
        user: state.user.clone(),
        municipality,
        demo_loaded: state.demo_loaded,
        today: chrono::Local::now().format("%Y-%m-%d").to_string(),
        version: env!("CARGO_PKG_VERSION").to_string(),
    })
}

#[tauri::command]
pub fn unit_tree(state: State<'_, AppState>) -> Result<Vec<UnitNode>> {
    with_store(&state, |s| s.unit_tree())
}

#[tauri::command]
pub fn plan_years(state: State<'_, AppState>) -> Result<Vec<PlanYear>> {
    with_store(&state, |s| s.plan_years())
}

#[tauri::command]
pub fn scorecard(state: State<'_, AppState>, unit_id: i64, year: i32, period_id: Option<i64>) -> Result<Scorecard> {
    with_store(&state, |s| scorecard::build(s, unit_id, year, period_id, chrono::Local::now().date_naive()))
}
