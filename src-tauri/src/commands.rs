//! `#[tauri::command]` adapters: each one locks the store and calls one core function.
//! Errors cross as `{code, message}` (the core's `AppError`).
//!
//! Every command here runs on the command worker, one at a time in the order the window sent
//! them (`crate::queue`), so a native dialog may block (`blocking_*`: the main thread shows it)
//! and none may be `async` (`build.rs` refuses it: it would escape the order). Commands that
//! must not wait their turn live in `at_once`. `build.rs` reads both files: declaring a command
//! here registers it, grants it to the window and writes its TypeScript wrapper.

pub mod at_once;

use serde::Serialize;
use styrkort::backup::{self, BackupEntry, BackupPreview, RestoreOutcome};
use styrkort::database::{self, SharedConnection};
use styrkort::economy::grid::{EconomyPasteOutcome, EconomyTarget};
use styrkort::economy::report::EconomyReport;
use styrkort::economy::template::EconomyTemplatePreview;
use styrkort::follow_up::review::ReviewAction;
use styrkort::follow_up::{self, Completeness, PasteOutcome, PasteTarget, RedIndicator, RedOrder, SeriesPoint, ValueGrid};
use styrkort::internal_control::{self, ControlFollowUpForm, ControlForm, ControlPlanForm, ControlPlanView, ControlRiskForm};
use styrkort::kolada::import::{self, KoladaImportSummary};
use styrkort::kolada::KoladaSettings;
use styrkort::model::{ActivityStatus, AssessmentState, EconomyPart, PlanYear, UnitNode};
use styrkort::msg;
use styrkort::narrative::{self, ReportTextsView, Section};
use styrkort::red_thread::RedThread;
use styrkort::report::{self, ReportKind, ReportSettings};
use styrkort::scorecard::{self, Scorecard};
use styrkort::value_template::TemplatePreview;
use styrkort::{AppError, ChangeContext, ErrorCode, Result, Store};
use tauri::State;
use tauri_plugin_dialog::DialogExt;
use tauri_plugin_opener::OpenerExt;
use ts_rs::TS;

use crate::AppState;

/// What the window needs to know about the session.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct AppInfo {
    pub db_path: String,
    pub user: String,
    pub municipality: Option<String>,
    /// Why the database could not be opened (damaged, newer, not a database): the window
    /// then shows it and offers the backups.
    pub open_error: Option<AppError>,
    /// The demo municipality was loaded at this start.
    pub demo_loaded: bool,
    /// The automatic backup made at this start (file name), if one was made.
    pub daily_backup: Option<String>,
    /// Why the automatic backup failed, if it did: shown, but it does not stop the work.
    pub daily_backup_error: Option<AppError>,
    /// Today's date (ISO), from the machine, for default choices in the UI.
    pub today: String,
    pub version: String,
    /// The shared database the window works on (never its password); `None` on a file.
    pub shared: Option<SharedInfo>,
    /// The shared database remembered for the next start (pre-fills the connect form).
    pub remembered: Option<SharedConnection>,
}

/// What the window shows of the shared database: where it is and whose login.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct SharedInfo {
    pub host: String,
    pub database: String,
    pub login: String,
}

fn lock(state: &AppState) -> Result<std::sync::MutexGuard<'_, Result<Store>>> {
    state.store.lock().map_err(|_| {
        AppError::new(
            ErrorCode::Internal,
            msg!("Ett tidigare fel stoppade databasen. Starta om Styrkort.", "An earlier error stopped the database. Restart Styrkort."),
        )
    })
}

fn with_store<T>(state: &AppState, f: impl FnOnce(&mut Store) -> Result<T>) -> Result<T> {
    let mut guard = lock(state)?;
    let store = guard.as_mut().map_err(|e| e.clone())?;
    let result = f(store);
    if let Err(e) = &result {
        if e.code == ErrorCode::Disconnected {
            // The listener thread checks the connection and reconnects (live.rs).
            state.link.lost.store(true, std::sync::atomic::Ordering::SeqCst);
        }
    }
    result
}

/// Who changes what, now: read at the edge, passed into the core.
fn change(state: &AppState) -> ChangeContext {
    let name = state.audit_name.lock().map(|n| n.clone()).unwrap_or_else(|_| state.user.clone());
    ChangeContext::new(name, chrono::Local::now().format("%Y-%m-%dT%H:%M:%S").to_string())
}

fn today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}

fn app_info(state: &AppState) -> AppInfo {
    let opened = with_store(state, |s| s.setting("municipality_name"));
    let url = state.shared.lock().ok().and_then(|s| s.clone());
    let described = url.as_deref().and_then(styrkort::store::pg::describe);
    let user = state.audit_name.lock().map(|n| n.clone()).unwrap_or_else(|_| state.user.clone());
    AppInfo {
        db_path: match &described {
            Some(d) => d.short(),
            None => state.db_path.display().to_string(),
        },
        shared: described.clone().map(|d| SharedInfo { host: d.host, database: d.database, login: user.clone() }),
        remembered: database::shared_connection_file().and_then(|f| SharedConnection::load(&f)),
        user,
        municipality: opened.as_ref().ok().cloned().flatten(),
        open_error: opened.err(),
        // Said at the start about the file; not once the window works on the shared database.
        demo_loaded: state.demo_loaded && described.is_none(),
        daily_backup: state.daily_backup.as_ref().and_then(|b| b.as_ref().ok().cloned()),
        daily_backup_error: state.daily_backup.as_ref().and_then(|b| b.as_ref().err().cloned()),
        today: chrono::Local::now().format("%Y-%m-%d").to_string(),
        version: env!("CARGO_PKG_VERSION").to_string(),
    }
}

/// Everything the window's first view needs, read in one call so the first paint waits for
/// one round trip instead of five: the session, the organisation, the plan years, the unit and
/// year the window starts on (the first unit; `PlanYear::default_year`), that unit's scorecard
/// and the planning changes that can be undone.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct FirstView {
    /// When `info.open_error` is set, the rest is empty.
    pub info: AppInfo,
    pub tree: Vec<UnitNode>,
    pub years: Vec<PlanYear>,
    pub unit_id: Option<i64>,
    pub year: Option<i32>,
    /// The scorecard of `unit_id` for `year`, or why it could not be built (shown in its place).
    pub scorecard: Option<Scorecard>,
    pub scorecard_error: Option<AppError>,
    pub undoable: Vec<UndoableChange>,
}

/// The first view (`FirstView`); `period_id` is the period the window looked at before a
/// restart (`None` at start: the scorecard's default period).
#[tauri::command]
pub fn first_view(state: State<'_, AppState>, period_id: Option<i64>) -> Result<FirstView> {
    let mut view = FirstView {
        info: app_info(&state),
        tree: Vec::new(),
        years: Vec::new(),
        unit_id: None,
        year: None,
        scorecard: None,
        scorecard_error: None,
        undoable: Vec::new(),
    };
    if view.info.open_error.is_some() {
        return Ok(view);
    }
    with_store(&state, |s| {
        view.tree = s.unit_tree()?;
        view.years = s.plan_years()?;
        view.unit_id = view.tree.first().map(|n| n.unit.id);
        view.year = PlanYear::default_year(&view.years, today());
        if let (Some(unit_id), Some(year)) = (view.unit_id, view.year) {
            // The period the window looked at before (kept across a restore) may be gone, or
            // belong to another year than the one the window now starts in: then the year's
            // default period, instead of an error where nothing is wrong.
            let built = scorecard::build(s, unit_id, year, period_id, today()).or_else(|e| match (period_id, e.code) {
                (Some(_), ErrorCode::NotFound | ErrorCode::Validation) => scorecard::build(s, unit_id, year, None, today()),
                _ => Err(e),
            });
            match built {
                Ok(card) => view.scorecard = Some(card),
                Err(e) => view.scorecard_error = Some(e),
            }
        }
        view.undoable = styrkort::planning::undoable_changes(s.read(), 25).unwrap_or_default();
        Ok(())
    })?;
    Ok(view)
}

/// What "Om Styrkort" shows: which version runs, on which file, and where its backups are.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct About {
    pub version: String,
    pub db_path: String,
    pub backup_dir: String,
    /// The schema version written in the open database; `None` when it could not be opened.
    pub schema_version: Option<i64>,
    /// The schema version this version of Styrkort writes.
    pub app_schema_version: i64,
    /// The installed package carries the third-party licences (`licences` reads them); a
    /// build run from the source tree has none.
    pub has_licences: bool,
}

/// The file, among the package's resources, that lists every third-party component shipped
/// in Styrkort with its licence (made by `make dist`, see `about.hbs`).
const LICENCES_FILE: &str = "THIRD-PARTY-LICENSES.txt";

fn licences_path(app: &tauri::AppHandle) -> Option<std::path::PathBuf> {
    use tauri::Manager;
    app.path().resource_dir().ok().map(|dir| dir.join(LICENCES_FILE)).filter(|p| p.is_file())
}

#[tauri::command]
pub fn about(app: tauri::AppHandle, state: State<'_, AppState>) -> Result<About> {
    let schema_version = with_store(&state, |s| s.schema_version_in_file()).ok();
    Ok(About {
        version: env!("CARGO_PKG_VERSION").to_string(),
        db_path: app_info(&state).db_path,
        // The shared database's backups are IT's, on the server.
        backup_dir: if is_shared(&state) { "–".to_string() } else { backup::backup_dir(&state.db_path).display().to_string() },
        schema_version,
        app_schema_version: styrkort::store::schema_version(),
        has_licences: licences_path(&app).is_some(),
    })
}

/// The third-party licences shipped with the installed package, as text.
#[tauri::command]
pub fn licences(app: tauri::AppHandle) -> Result<String> {
    let path = licences_path(&app).ok_or_else(|| {
        AppError::not_found(msg!(
            "Licensförteckningen följer med de installerade paketen, inte med den här utvecklarversionen.",
            "The list of licences comes with the installed packages, not with this development build."
        ))
    })?;
    std::fs::read_to_string(&path).map_err(|e| {
        AppError::io(msg!(
            "Licensförteckningen {} kunde inte läsas ({e}). Installera om Styrkort.",
            "The list of licences {} could not be read ({e}). Reinstall Styrkort.",
            path.display()
        ))
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
    with_store(&state, |s| scorecard::build(s, unit_id, year, period_id, today()))
}

#[tauri::command]
pub fn value_grid(state: State<'_, AppState>, unit_id: i64, year: i32) -> Result<ValueGrid> {
    with_store(&state, |s| follow_up::value_grid(s, unit_id, year))
}

/// Type or paste into the value grid: the cells are addressed by indicator, gender and period
/// (never by their position on screen) and checked and saved in one transaction.
#[tauri::command]
pub fn paste_cells(state: State<'_, AppState>, unit_id: i64, year: i32, target: PasteTarget, text: String) -> Result<PasteOutcome> {
    let ctx = change(&state);
    with_store(&state, |s| follow_up::paste_and_save(s, &ctx, unit_id, year, &target, &text))
}

/// Save an assessment the window loaded at `expected_version` (`None`: it showed none); a
/// change someone else saved since is refused with `conflict`.
#[tauri::command]
pub fn save_assessment(
    state: State<'_, AppState>,
    goal_id: i64,
    unit_id: i64,
    period_id: i64,
    step: Option<i32>,
    analysis: String,
    expected_version: Option<i64>,
) -> Result<()> {
    let ctx = change(&state);
    with_store(&state, |s| s.write(&ctx, |w| w.save_assessment_seen((goal_id, unit_id, period_id), step, &analysis, expected_version)))
}

#[tauri::command]
pub fn review_assessment(
    state: State<'_, AppState>,
    goal_id: i64,
    unit_id: i64,
    period_id: i64,
    action: ReviewAction,
) -> Result<AssessmentState> {
    let ctx = change(&state);
    with_store(&state, |s| s.write(&ctx, |w| w.review_assessment(goal_id, unit_id, period_id, &action)))
}

/// Save an activity's follow-up the window loaded at `expected_version` (`None`: it showed
/// none); a change someone else saved since is refused with `conflict`.
#[tauri::command]
pub fn set_activity_follow_up(
    state: State<'_, AppState>,
    activity_id: i64,
    period_id: i64,
    status: ActivityStatus,
    comment: String,
    expected_version: Option<i64>,
) -> Result<()> {
    let ctx = change(&state);
    with_store(&state, |s| s.write(&ctx, |w| w.set_activity_follow_up_seen((activity_id, period_id), status, &comment, expected_version)))
}

/// A period's economy: driftredovisning, investments, RR, BR and balanskrav, in the report's unit.
#[tauri::command]
pub fn economy(state: State<'_, AppState>, year: i32, period_id: i64) -> Result<EconomyReport> {
    with_store(&state, |s| styrkort::economy::report::of_period(s, year, period_id))
}

/// Type or paste into the economy grid: addressed by unit, project or line and column, checked
/// and saved in one transaction as one undo step, or refused cell by cell.
#[tauri::command]
pub fn paste_economy(
    state: State<'_, AppState>,
    year: i32,
    period_id: i64,
    target: EconomyTarget,
    text: String,
) -> Result<EconomyPasteOutcome> {
    let ctx = change(&state);
    with_store(&state, |s| styrkort::economy::grid::paste_and_save(s, &ctx, year, period_id, &target, &text))
}

#[tauri::command]
pub fn review_economy(
    state: State<'_, AppState>,
    period_id: i64,
    part: EconomyPart,
    org_unit_id: Option<i64>,
    action: ReviewAction,
) -> Result<AssessmentState> {
    write(&state, |w| w.review_economy(period_id, part, org_unit_id, &action))
}

#[tauri::command]
pub fn set_period_locked(state: State<'_, AppState>, period_id: i64, locked: bool) -> Result<()> {
    let ctx = change(&state);
    with_store(&state, |s| s.write(&ctx, |w| styrkort::store::periods::set_locked(w, period_id, locked)))
}

#[tauri::command]
pub fn completeness(state: State<'_, AppState>, period_id: i64) -> Result<Completeness> {
    with_store(&state, |s| follow_up::completeness(s, period_id, today()))
}

/// The report's texts of a period: every section of every unit that writes one ("Rapporttexter").
#[tauri::command]
pub fn report_texts(state: State<'_, AppState>, period_id: i64) -> Result<ReportTextsView> {
    with_store(&state, |s| narrative::view(s, period_id))
}

/// Write a report text (a draft or a new one) the window loaded at `expected_version`
/// (`None`: unwritten); a change someone else saved since is refused with `conflict`.
#[tauri::command]
pub fn save_report_text(
    state: State<'_, AppState>,
    period_id: i64,
    unit_id: i64,
    section: Section,
    body: String,
    expected_version: Option<i64>,
) -> Result<()> {
    let ctx = change(&state);
    with_store(&state, |s| s.write(&ctx, |w| w.save_report_text_seen(period_id, unit_id, section, &body, expected_version)))
}

/// Say who writes a report text.
#[tauri::command]
pub fn assign_report_text(state: State<'_, AppState>, period_id: i64, unit_id: i64, section: Section, assignee: String) -> Result<()> {
    let ctx = change(&state);
    with_store(&state, |s| s.write(&ctx, |w| w.assign_report_text(period_id, unit_id, section, &assignee)))
}

/// Submit, approve or send back a report text.
#[tauri::command]
pub fn review_report_text(
    state: State<'_, AppState>,
    period_id: i64,
    unit_id: i64,
    section: Section,
    action: ReviewAction,
) -> Result<AssessmentState> {
    let ctx = change(&state);
    with_store(&state, |s| s.write(&ctx, |w| w.review_report_text(period_id, unit_id, section, &action)))
}

// ---------------------------------------------------------------------------
// Intern kontroll: a nämnd's plan (risks, matrix, controls) and the period's follow-up.

/// A nämnd's intern kontroll plan for a year with the follow-up of a period.
#[tauri::command]
pub fn internal_control_plan(state: State<'_, AppState>, unit_id: i64, year: i32, period_id: Option<i64>) -> Result<ControlPlanView> {
    with_store(&state, |s| internal_control::plan_view(s, unit_id, year, period_id))
}

/// Create a nämnd's plan for a year, or change its decision (one undo step).
#[tauri::command]
pub fn save_control_plan(state: State<'_, AppState>, form: ControlPlanForm) -> Result<i64> {
    write(&state, |w| w.save_control_plan(&form))
}

/// Add or change a risk (one undo step).
#[tauri::command]
pub fn save_control_risk(state: State<'_, AppState>, form: ControlRiskForm) -> Result<i64> {
    write(&state, |w| w.save_control_risk(&form))
}

/// Delete a risk with its controls (one undo step).
#[tauri::command]
pub fn delete_control_risk(state: State<'_, AppState>, id: i64) -> Result<()> {
    write(&state, |w| w.delete_control_risk(id))
}

/// Add or change a control of a chosen risk (one undo step).
#[tauri::command]
pub fn save_control(state: State<'_, AppState>, form: ControlForm) -> Result<i64> {
    write(&state, |w| w.save_control(&form))
}

/// Delete a control with its follow-up (one undo step).
#[tauri::command]
pub fn delete_control(state: State<'_, AppState>, id: i64) -> Result<()> {
    write(&state, |w| w.delete_control(id))
}

/// Write a control's follow-up in a period (a draft) the window loaded at `expected_version`
/// (`None`: not followed up); a change someone else saved since is refused with `conflict`.
#[tauri::command]
pub fn save_control_follow_up(state: State<'_, AppState>, form: ControlFollowUpForm, expected_version: Option<i64>) -> Result<()> {
    write(&state, |w| w.save_control_follow_up_seen(&form, expected_version))
}

/// Submit, approve or send back a control's follow-up.
#[tauri::command]
pub fn review_control_follow_up(
    state: State<'_, AppState>,
    control_id: i64,
    period_id: i64,
    action: ReviewAction,
) -> Result<AssessmentState> {
    write(&state, |w| w.review_control_follow_up(control_id, period_id, &action))
}

#[tauri::command]
pub fn red_indicators(state: State<'_, AppState>, unit_id: i64, period_id: i64, order: RedOrder) -> Result<Vec<RedIndicator>> {
    with_store(&state, |s| follow_up::red_indicators(s, unit_id, period_id, order))
}

/// Att göra: the to-do list of the person the window knows (the audit name) over `unit_id` and
/// every unit below it, today.
#[tauri::command]
pub fn todo_list(state: State<'_, AppState>, unit_id: i64) -> Result<styrkort::todo::TodoList> {
    let user = change(&state).user;
    with_store(&state, |s| styrkort::todo::list(s, &user, unit_id, today()))
}

/// The deadlines of the to-do list's person and units as a calendar file (.ics), saved where
/// the user chooses. `None` when the user cancelled the dialog.
#[tauri::command]
pub fn export_calendar(app: tauri::AppHandle, state: State<'_, AppState>, unit_id: i64) -> Result<Option<ExportOutcome>> {
    let user = change(&state).user;
    let text = with_store(&state, |s| styrkort::todo::ics::calendar(s, &user, unit_id, today(), chrono::Utc::now()))?;
    save_chosen(&app, &state, "Styrkort sista dagar.ics", text.as_bytes())
}

#[tauri::command]
pub fn indicator_series(state: State<'_, AppState>, indicator_id: i64) -> Result<Vec<SeriesPoint>> {
    with_store(&state, |s| follow_up::indicator_series(s, indicator_id))
}

/// The backups beside the database, newest first, with what each holds. Works also when
/// the database itself could not be opened, so the window can offer a restore.
#[tauri::command]
pub fn backups(state: State<'_, AppState>) -> Result<Vec<BackupPreview>> {
    if is_shared(&state) {
        // The backups folder belongs to the file on this computer (the window says so).
        return Ok(Vec::new());
    }
    backup::previews(&state.db_path)
}

#[tauri::command]
pub fn back_up_now(state: State<'_, AppState>) -> Result<BackupEntry> {
    with_store(&state, |s| backup::back_up_now(s, chrono::Local::now().naive_local()))
}

/// Restore the backup with this file name from the backups folder (only names the list
/// offered: no path from the window reaches the file system), then reopen the database.
#[tauri::command]
pub fn restore_backup(state: State<'_, AppState>, file_name: String, other_database: bool) -> Result<RestoreOutcome> {
    if is_shared(&state) {
        return Err(backup::refuse_restore_shared());
    }
    let ctx = change(&state);
    let chosen = backup::list(&state.db_path)?.into_iter().find(|b| b.file_name == file_name).ok_or_else(|| {
        AppError::not_found(msg!(
            "Säkerhetskopian {file_name} finns inte längre. Uppdatera listan.",
            "The backup {file_name} no longer exists. Refresh the list."
        ))
    })?;
    let mut guard = lock(&state)?;
    let outcome = backup::restore(&state.db_path, std::path::Path::new(&chosen.path), &ctx, other_database)?;
    *guard = Store::open(&state.db_path);
    Ok(outcome)
}

/// Where a report was saved.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ExportOutcome {
    pub path: String,
    pub bytes: u32,
}

/// Stand-ins for the native dialogs, which WebDriver cannot answer: environment variables set
/// by the end-to-end tests that start the app. Compiled only with the `e2e-hooks` feature
/// (`make test-e2e` builds with it); a user's build has no way around the dialogs.
mod dialog_hooks {
    use std::path::PathBuf;

    /// `STYRKORT_SAVE_TO`: save into this folder under the proposed name, without a dialog.
    pub fn save_to(name: &str) -> Option<PathBuf> {
        if cfg!(feature = "e2e-hooks") {
            std::env::var_os("STYRKORT_SAVE_TO").map(|dir| PathBuf::from(dir).join(name))
        } else {
            let _ = name;
            None
        }
    }

    /// `STYRKORT_OPEN_FILE`: open this file (or, where several files are asked for, every
    /// file in this folder), without a dialog.
    pub fn open_file() -> Option<PathBuf> {
        if cfg!(feature = "e2e-hooks") {
            std::env::var_os("STYRKORT_OPEN_FILE").map(PathBuf::from)
        } else {
            None
        }
    }
}

/// Make a report, ask where to save it (native dialog, from Rust), and write it whole.
/// `None` when the user cancelled the dialog. `final_version`: the delårsrapport's final
/// version, refused with what is not approved (`report::edition`); otherwise a draft.
#[tauri::command]
pub fn export_report(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    report: ReportKind,
    unit_id: i64,
    year: i32,
    period_id: i64,
    final_version: bool,
) -> Result<Option<ExportOutcome>> {
    let edition = report::Edition::from_final(final_version);
    let (bytes, name) = with_store(&state, |s| report::render_as(s, report, unit_id, year, period_id, today(), edition))?;
    save_chosen(&app, &state, &name, &bytes)
}

/// Ask where to save `bytes` (native dialog from Rust, or the end-to-end tests' folder)
/// and write them whole. `None` when the user cancelled. The dialog blocks this thread (the
/// command worker's, never the main thread, which shows the dialog meanwhile).
fn save_chosen(app: &tauri::AppHandle, state: &AppState, name: &str, bytes: &[u8]) -> Result<Option<ExportOutcome>> {
    let chosen = match dialog_hooks::save_to(name) {
        Some(path) => Some(path),
        None => {
            let (ext, label) = if name.ends_with(".xlsx") {
                ("xlsx", "Excel")
            } else if name.ends_with(".docx") {
                ("docx", "Word")
            } else if name.ends_with(".ics") {
                ("ics", "iCalendar")
            } else if name.ends_with(styrkort::exchange::file::EXTENSION) {
                (styrkort::exchange::file::EXTENSION, "Styrkort-utbyte")
            } else {
                ("pdf", "PDF")
            };
            app.dialog().file().set_file_name(name).add_filter(label, &[ext]).blocking_save_file().and_then(|p| p.into_path().ok())
        }
    };
    let Some(path) = chosen else { return Ok(None) };
    // The same guard as the CLI: never the database, its SQLite files or its backups.
    styrkort::files::write_output(&path, Some(&state.db_path), bytes)?;
    if let Ok(mut last) = state.last_export.lock() {
        *last = Some(path.clone());
    }
    Ok(Some(ExportOutcome { path: path.display().to_string(), bytes: bytes.len() as u32 }))
}

/// Open the report saved last in the user's default program.
#[tauri::command]
pub fn open_export(app: tauri::AppHandle, state: State<'_, AppState>) -> Result<()> {
    let last = state.last_export.lock().ok().and_then(|l| l.clone());
    let path = last.ok_or_else(|| {
        AppError::not_found(msg!("Det finns ingen sparad rapport att öppna ännu.", "There is no saved report to open yet."))
    })?;
    app.opener().open_path(path.display().to_string(), None::<&str>).map_err(|e| {
        AppError::io(msg!(
            "Filen kunde inte öppnas ({e}). Öppna den från mappen där du sparade den.",
            "The file could not be opened ({e}). Open it from the folder where you saved it."
        ))
    })
}

#[tauri::command]
pub fn ensure_default_periods(state: State<'_, AppState>, year: i32) -> Result<u32> {
    let ctx = change(&state);
    with_store(&state, |s| s.write(&ctx, |w| w.ensure_default_periods(year)).map(|n| n as u32))
}

#[tauri::command]
pub fn create_month_periods(state: State<'_, AppState>, year: i32) -> Result<u32> {
    let ctx = change(&state);
    with_store(&state, |s| s.write(&ctx, |w| w.create_month_periods(year)).map(|n| n as u32))
}

#[tauri::command]
pub fn set_period_deadline(state: State<'_, AppState>, period_id: i64, deadline: Option<String>) -> Result<()> {
    let ctx = change(&state);
    with_store(&state, |s| s.write(&ctx, |w| w.set_period_deadline(period_id, deadline.as_deref())))
}

#[tauri::command]
pub fn report_settings(state: State<'_, AppState>) -> Result<ReportSettings> {
    with_store(&state, |s| ReportSettings::load(s))
}

/// Validate and save the report settings; returns them as stored.
#[tauri::command]
pub fn save_report_settings(state: State<'_, AppState>, settings: ReportSettings) -> Result<ReportSettings> {
    let ctx = change(&state);
    with_store(&state, |s| {
        settings.save(s, &ctx)?;
        ReportSettings::load(s)
    })
}

/// Let the user pick a logo in the native open dialog (from Rust) and return it checked and
/// encoded; `None` when cancelled. Nothing is saved until the settings are.
#[tauri::command]
pub fn pick_report_logo(app: tauri::AppHandle) -> Result<Option<String>> {
    let picked =
        app.dialog().file().add_filter("Bild (PNG, JPEG)", &["png", "jpg", "jpeg"]).blocking_pick_file().and_then(|p| p.into_path().ok());
    picked.map(|p| report::logo_from_file(&p)).transpose()
}

#[tauri::command]
pub fn kolada_settings(state: State<'_, AppState>) -> Result<KoladaSettings> {
    with_store(&state, |s| KoladaSettings::load(s))
}

#[tauri::command]
pub fn save_kolada_settings(state: State<'_, AppState>, settings: KoladaSettings) -> Result<()> {
    let ctx = change(&state);
    with_store(&state, |s| settings.save(s, &ctx))
}

/// Pick saved Kolada files in the native dialog (from Rust) and import them, all or none.
/// `None` when cancelled.
#[tauri::command]
pub fn import_kolada_files(app: tauri::AppHandle, state: State<'_, AppState>) -> Result<Option<KoladaImportSummary>> {
    let picked = app.dialog().file().add_filter("Kolada (JSON)", &["json"]).blocking_pick_files();
    let Some(files) = picked else { return Ok(None) };
    let paths: Vec<std::path::PathBuf> = files.into_iter().filter_map(|f| f.into_path().ok()).collect();
    let ctx = change(&state);
    with_store(&state, |s| import::import_files(s, &ctx, &paths, &import::ImportOptions::default())).map(Some)
}

#[tauri::command]
pub fn red_thread(state: State<'_, AppState>, year: i32, period_id: i64, focus: Option<i64>) -> Result<RedThread> {
    with_store(&state, |s| styrkort::red_thread::red_thread(s, year, period_id, focus))
}

/// A fill-in template of the unit's values for the period, saved where the user chooses.
#[tauri::command]
pub fn export_value_template(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    unit_id: i64,
    period_id: i64,
) -> Result<Option<ExportOutcome>> {
    let (bytes, name) = with_store(&state, |s| {
        let unit = s.unit(unit_id)?;
        let period = s.period(period_id)?;
        Ok((styrkort::value_template::template(s, unit_id, period_id)?, format!("Värdemall {} {}.xlsx", unit.name, period.name)))
    })?;
    save_chosen(&app, &state, &name, &bytes)
}

/// The file the user picks in the native open dialog (or the end-to-end tests' stand-in);
/// `None` when cancelled.
fn pick_file(app: &tauri::AppHandle, filter: &str, extensions: &[&str]) -> Option<std::path::PathBuf> {
    dialog_hooks::open_file()
        .or_else(|| app.dialog().file().add_filter(filter, extensions).blocking_pick_file().and_then(|p| p.into_path().ok()))
}

/// Keep the preview the window shows, so that its "save" saves exactly that.
fn remember<T: Clone>(slot: &std::sync::Mutex<Option<T>>, preview: &T) {
    if let Ok(mut pending) = slot.lock() {
        *pending = Some(preview.clone());
    }
}

/// Pick a filled template (native dialog from Rust) and show what it would change; nothing
/// is written until `apply_value_template`. `None` when cancelled.
#[tauri::command]
pub fn read_value_template(app: tauri::AppHandle, state: State<'_, AppState>) -> Result<Option<TemplatePreview>> {
    let Some(path) = pick_file(&app, "Excel", &["xlsx"]) else { return Ok(None) };
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let bytes = styrkort::value_template::read_file(&path)?;
    let preview = with_store(&state, |s| styrkort::value_template::read(s, &name, &bytes))?;
    remember(&state.pending_template, &preview);
    Ok(Some(preview))
}

/// Save the changes of the template shown last, all in one transaction.
#[tauri::command]
pub fn apply_value_template(state: State<'_, AppState>) -> Result<u32> {
    let preview = state.pending_template.lock().ok().and_then(|mut p| p.take()).ok_or_else(|| {
        AppError::not_found(msg!(
            "Det finns ingen inläst mall att spara. Läs in mallen igen.",
            "There is no loaded template to save. Read the template again."
        ))
    })?;
    let ctx = change(&state);
    with_store(&state, |s| styrkort::value_template::apply(s, &ctx, &preview)).map(|n| n as u32)
}

/// Pick an SIE 4 file exported from the ekonomisystem (native dialog from Rust) and show what
/// reading it into the period would change: per nämnd, per line of the statements, per
/// project, and what maps to nothing. Nothing is written until `sie_import`. `None` when
/// cancelled.
#[tauri::command]
pub fn sie_preview(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    period_id: i64,
) -> Result<Option<styrkort::economy::sie::import::SiePreview>> {
    use styrkort::economy::sie::{connect::EconomyRepository, import};
    let Some(path) = pick_file(&app, "SIE", &["se", "si", "sie"]) else { return Ok(None) };
    let preview = with_store(&state, |s| import::preview_path(s, &path, &period_id.to_string(), &EconomyRepository))?;
    remember(&state.pending_sie, &preview);
    Ok(Some(preview))
}

/// A fill-in workbook of the period's economy, saved where the user chooses.
#[tauri::command]
pub fn export_economy_template(app: tauri::AppHandle, state: State<'_, AppState>, period_id: i64) -> Result<Option<ExportOutcome>> {
    let (bytes, name) = with_store(&state, |s| {
        let period = s.period(period_id)?;
        Ok((styrkort::economy::template::template(s, period_id)?, format!("Ekonomi {}.xlsx", period.name)))
    })?;
    save_chosen(&app, &state, &name, &bytes)
}

/// Pick a filled economy workbook (native dialog from Rust) and show what it would change;
/// nothing is written until `apply_economy_template`. `None` when cancelled.
#[tauri::command]
pub fn read_economy_template(app: tauri::AppHandle, state: State<'_, AppState>) -> Result<Option<EconomyTemplatePreview>> {
    let Some(path) = pick_file(&app, "Excel", &["xlsx"]) else { return Ok(None) };
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let bytes = styrkort::value_template::read_file(&path)?;
    let preview = with_store(&state, |s| styrkort::economy::template::read(s, &name, &bytes))?;
    remember(&state.pending_economy_template, &preview);
    Ok(Some(preview))
}

/// Save the SIE import shown last, all in one transaction (the figures and the object
/// mappings found by name); a locked period or any error saves nothing.
#[tauri::command]
pub fn sie_import(state: State<'_, AppState>) -> Result<()> {
    use styrkort::economy::sie::{connect::EconomyRepository, import};
    let preview = state.pending_sie.lock().ok().and_then(|mut p| p.take()).ok_or_else(|| {
        AppError::not_found(msg!(
            "Det finns ingen inläst SIE-fil att spara. Läs in filen igen.",
            "There is no SIE file read to save. Read the file again."
        ))
    })?;
    let ctx = change(&state);
    with_store(&state, |s| import::apply(s, &ctx, &preview, &EconomyRepository))
}

/// Save the changes of the economy workbook shown last, in one transaction (one undo step).
#[tauri::command]
pub fn apply_economy_template(state: State<'_, AppState>) -> Result<u32> {
    let preview = state.pending_economy_template.lock().ok().and_then(|mut p| p.take()).ok_or_else(|| {
        AppError::not_found(msg!(
            "Det finns ingen inläst ekonomimall att spara. Läs in mallen igen.",
            "There is no loaded economy template to save. Read the template again."
        ))
    })?;
    let ctx = change(&state);
    with_store(&state, |s| styrkort::economy::template::apply(s, &ctx, &preview)).map(|n| n as u32)
}

#[tauri::command]
pub fn search(state: State<'_, AppState>, query: String) -> Result<Vec<styrkort::planning::search::SearchHit>> {
    with_store(&state, |s| styrkort::planning::search::search(s, &query, 12))
}

// ---- Planning: the steering model. Each write is one transaction and one undo step. ----

use styrkort::model::UnitKind;
use styrkort::planning::forms::{self, ActivityDeletePreview, ActivityForm, GoalForm, IndicatorForm, KpiChoice, UnitPlan};
use styrkort::planning::{CopyPreview, DeleteGoalPreview, UndoableChange};

fn write<T>(state: &AppState, f: impl FnOnce(&mut styrkort::store::Writer<'_>) -> Result<T>) -> Result<T> {
    let ctx = change(state);
    with_store(state, |s| s.write(&ctx, f))
}

#[tauri::command]
pub fn unit_plan(state: State<'_, AppState>, unit_id: i64, year: i32) -> Result<UnitPlan> {
    with_store(&state, |s| forms::unit_plan(s, unit_id, year))
}

#[tauri::command]
pub fn add_unit(state: State<'_, AppState>, parent_id: i64, kind: UnitKind, name: String) -> Result<i64> {
    write(&state, |w| w.add_unit(parent_id, kind, &name))
}

#[tauri::command]
pub fn rename_unit(state: State<'_, AppState>, id: i64, name: String) -> Result<()> {
    write(&state, |w| w.rename_unit(id, &name).map_err(|e| e.on_field("name")))
}

#[tauri::command]
pub fn move_unit(state: State<'_, AppState>, id: i64, parent_id: i64) -> Result<()> {
    write(&state, |w| w.move_unit(id, parent_id))
}

#[tauri::command]
pub fn set_unit_active(state: State<'_, AppState>, id: i64, active: bool) -> Result<()> {
    write(&state, |w| w.set_unit_active(id, active))
}

#[tauri::command]
pub fn start_plan_year(state: State<'_, AppState>, year: i32, vision: String) -> Result<()> {
    write(&state, |w| w.start_plan_year(year, &vision))
}

#[tauri::command]
pub fn copy_preview(state: State<'_, AppState>, from: i32, to: i32) -> Result<CopyPreview> {
    with_store(&state, |s| styrkort::planning::plan_year::copy_preview(s, from, to))
}

#[tauri::command]
pub fn copy_plan_year(state: State<'_, AppState>, from: i32, to: i32) -> Result<u32> {
    write(&state, |w| w.copy_plan_year(from, to)).map(|n| n as u32)
}

#[tauri::command]
pub fn set_vision(state: State<'_, AppState>, year: i32, vision: String) -> Result<()> {
    write(&state, |w| w.set_vision(year, &vision).map_err(|e| e.on_field("vision")))
}

#[tauri::command]
pub fn create_perspective(state: State<'_, AppState>, year: i32, name: String) -> Result<i64> {
    write(&state, |w| w.create_perspective(year, &name, "").map_err(|e| e.on_field("perspective")))
}

#[tauri::command]
pub fn rename_perspective(state: State<'_, AppState>, id: i64, name: String, description: String) -> Result<()> {
    write(&state, |w| w.rename_perspective(id, &name, &description))
}

#[tauri::command]
pub fn move_perspective(state: State<'_, AppState>, id: i64, up: bool) -> Result<()> {
    write(&state, |w| w.move_perspective(id, up))
}

#[tauri::command]
pub fn remove_perspective(state: State<'_, AppState>, id: i64) -> Result<()> {
    write(&state, |w| w.remove_perspective(id))
}

#[tauri::command]
pub fn set_scale_steps(state: State<'_, AppState>, year: i32, steps: i32) -> Result<()> {
    write(&state, |w| w.set_scale_steps(year, steps))
}

#[tauri::command]
pub fn set_scale_step(state: State<'_, AppState>, year: i32, step: i32, label: String, colour: String) -> Result<()> {
    write(&state, |w| w.set_scale_step(year, step, &label, &colour))
}

#[tauri::command]
/// Save the goal form; `global_goals` none keeps the goal's Agenda 2030 tags as they are. An
/// edit names the version the form was opened with (`expected_version`); a change someone
/// else saved since is refused with `conflict`.
pub fn save_goal(
    state: State<'_, AppState>,
    form: GoalForm,
    global_goals: Option<Vec<GlobalGoalInput>>,
    expected_version: Option<i64>,
) -> Result<i64> {
    write(&state, |w| w.save_goal_tagged_seen(&form, global_goals.as_deref(), expected_version))
}

#[tauri::command]
pub fn delete_goal_preview(state: State<'_, AppState>, id: i64) -> Result<DeleteGoalPreview> {
    with_store(&state, |s| styrkort::planning::goals::delete_goal_preview(s, id))
}

#[tauri::command]
pub fn delete_goal(state: State<'_, AppState>, id: i64) -> Result<()> {
    write(&state, |w| w.delete_goal(id))
}

#[tauri::command]
/// Save the indicator form; `global_goals` none keeps its Agenda 2030 tags as they are. An
/// edit names the version the form was opened with; a change someone else saved since is
/// refused with `conflict`.
pub fn save_indicator(
    state: State<'_, AppState>,
    form: IndicatorForm,
    global_goals: Option<Vec<GlobalGoalInput>>,
    expected_version: Option<i64>,
) -> Result<i64> {
    write(&state, |w| w.save_indicator_tagged_seen(&form, global_goals.as_deref(), expected_version))
}

#[tauri::command]
pub fn set_indicator_active(state: State<'_, AppState>, id: i64, active: bool) -> Result<()> {
    write(&state, |w| w.set_indicator_active(id, active))
}

/// Save the activity form. An edit names the version the form was opened with; a change
/// someone else saved since is refused with `conflict`.
#[tauri::command]
pub fn save_activity(state: State<'_, AppState>, form: ActivityForm, expected_version: Option<i64>) -> Result<i64> {
    write(&state, |w| w.save_activity_seen(&form, expected_version))
}

#[tauri::command]
pub fn activity_delete_preview(state: State<'_, AppState>, id: i64) -> Result<ActivityDeletePreview> {
    with_store(&state, |s| forms::activity_delete_preview(s, id))
}

#[tauri::command]
pub fn delete_activity(state: State<'_, AppState>, id: i64) -> Result<()> {
    write(&state, |w| w.delete_activity(id))
}

#[tauri::command]
pub fn undoable_changes(state: State<'_, AppState>) -> Result<Vec<UndoableChange>> {
    with_store(&state, |s| styrkort::planning::undoable_changes(s.read(), 25))
}

/// Undo the latest planning change; returns what was undone, in words.
#[tauri::command]
pub fn undo_last(state: State<'_, AppState>) -> Result<String> {
    write(&state, |w| w.undo_last())
}

#[tauri::command]
pub fn search_kpis(state: State<'_, AppState>, query: String) -> Result<Vec<KpiChoice>> {
    with_store(&state, |s| forms::search_kpis(s, &query, 30))
}

/// Choose the name the audit log records this OS account's changes under.
#[tauri::command]
pub fn set_user_name(state: State<'_, AppState>, name: String) -> Result<String> {
    if is_shared(&state) {
        // Editors may not write settings, and the database records the login itself.
        return Err(AppError::validation(msg!(
            "På den gemensamma databasen sparas ändringar under din inloggning; namnet kan inte väljas här.",
            "On the shared database changes are recorded under your login; the name cannot be chosen here."
        )));
    }
    let ctx = change(&state);
    let chosen = with_store(&state, |s| styrkort::database::set_audit_user_name(s, &ctx, &state.user, &name))?;
    if let Ok(mut current) = state.audit_name.lock() {
        *current = chosen.clone();
    }
    Ok(chosen)
}

// ---- Kolada online: fetch with progress events and cancel. ----

use std::sync::atomic::Ordering;
use styrkort::kolada::online::{self, FetchOptions, Fetched, KoladaFetchPlan, KoladaFetchResult, KoladaFetchStatus};
use tauri::Emitter;

/// The event the window listens to while a fetch runs.
const KOLADA_PROGRESS_EVENT: &str = "kolada-progress";

#[tauri::command]
pub fn kolada_fetch_plan(state: State<'_, AppState>) -> Result<KoladaFetchPlan> {
    with_store(&state, |s| online::fetch_plan(s))
}

/// Fetch the plan's KPIs for its areas from the Kolada API (base URL from the settings), then
/// import every page in one transaction. The database is not held while the network works;
/// "Avbryt" (`cancel_kolada_fetch`, which does not wait its turn) stops the fetch.
#[tauri::command]
pub fn fetch_kolada(app: tauri::AppHandle, state: State<'_, AppState>, plan: KoladaFetchPlan) -> Result<KoladaFetchResult> {
    state.kolada_cancel.store(false, Ordering::SeqCst);
    let base = with_store(&state, |s| online::base_url(s))?;
    let mut progress = |p: online::FetchProgress| {
        let _ = app.emit(KOLADA_PROGRESS_EVENT, KoladaFetchStatus::from_progress(&p));
    };
    match online::fetch(&base, &plan.request(), &FetchOptions::default(), &state.kolada_cancel, &mut progress)? {
        Fetched::Cancelled => Ok(KoladaFetchResult { pages: 0, cancelled: true, summary: None }),
        Fetched::Pages(pages) => {
            let ctx = change(&state);
            let summary = with_store(&state, |s| import::import_parsed(s, &ctx, &pages))?;
            Ok(KoladaFetchResult { pages: pages.len() as u32, cancelled: false, summary: Some(summary) })
        }
    }
}

// ---- Exchange files for units working offline. ----

use styrkort::exchange::{self, ConflictResolution, ExchangeOutcome, ExchangePreview};

/// Save the unit's follow-up of the period as an exchange file where the user chooses.
#[tauri::command]
pub fn export_exchange_file(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    unit_id: i64,
    period_id: i64,
) -> Result<Option<ExportOutcome>> {
    let ctx = change(&state);
    let (bytes, name) = with_store(&state, |s| {
        let unit = s.unit(unit_id)?;
        let period = s.period(period_id)?;
        Ok((exchange::export(s, unit_id, period_id, &ctx)?, format!("Utbyte {} {}.{}", unit.name, period.name, exchange::file::EXTENSION)))
    })?;
    save_chosen(&app, &state, &name, &bytes)
}

/// Pick exchange files (several at once) and show what importing them would do; nothing is
/// written until `apply_exchange`. `None` when cancelled. The test hook may name a folder:
/// every exchange file in it is read, in name order.
#[tauri::command]
pub fn read_exchange_files(app: tauri::AppHandle, state: State<'_, AppState>) -> Result<Option<ExchangePreview>> {
    let picked: Option<Vec<std::path::PathBuf>> = match dialog_hooks::open_file() {
        Some(p) => {
            if p.is_dir() {
                let mut files: Vec<_> = std::fs::read_dir(&p)
                    .map_err(|e| AppError::io(msg!("{} kunde inte läsas ({e}).", "{} could not be read ({e}).", p.display())))?
                    .filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|f| f.extension().is_some_and(|x| x == exchange::file::EXTENSION))
                    .collect();
                files.sort();
                Some(files)
            } else {
                Some(vec![p])
            }
        }
        None => app
            .dialog()
            .file()
            .add_filter("Styrkort-utbyte", &[exchange::file::EXTENSION])
            .blocking_pick_files()
            .map(|files| files.into_iter().filter_map(|f| f.into_path().ok()).collect()),
    };
    let Some(paths) = picked else { return Ok(None) };
    if paths.is_empty() {
        return Ok(None);
    }
    let files = paths.iter().map(|p| exchange::file::read_path(p)).collect::<Result<Vec<_>>>()?;
    let preview = with_store(&state, |s| exchange::preview(s, &files))?;
    remember(&state.pending_exchange, &preview);
    Ok(Some(preview))
}

/// Import the files shown last, with the user's choice for each conflict, in one transaction.
#[tauri::command]
pub fn apply_exchange(state: State<'_, AppState>, resolutions: Vec<ConflictResolution>) -> Result<ExchangeOutcome> {
    let preview = state.pending_exchange.lock().ok().and_then(|mut p| p.take()).ok_or_else(|| {
        AppError::not_found(msg!(
            "Det finns inga inlästa utbytesfiler att spara. Läs in filerna igen.",
            "There are no loaded exchange files to save. Read the files again."
        ))
    })?;
    let ctx = change(&state);
    with_store(&state, |s| exchange::apply(s, &ctx, &preview, &resolutions))
}

// ---------------------------------------------------------------------------
// Grunduppdrag, tjänstegarantier and Agenda 2030 (issue 16).

use styrkort::agenda2030::{self, Agenda2030View, GlobalGoalInput, PlanTags};
use styrkort::model::GuaranteeOutcome;
use styrkort::unit_missions::{self, GuaranteeForm, UnitMissionView};

/// A unit's grunduppdrag and tjänstegarantier of a year, with a period's follow-up.
#[tauri::command]
pub fn unit_missions(state: State<'_, AppState>, unit_id: i64, year: i32, period_id: Option<i64>) -> Result<UnitMissionView> {
    with_store(&state, |s| unit_missions::view(s, unit_id, year, period_id))
}

#[tauri::command]
pub fn save_unit_mission(state: State<'_, AppState>, unit_id: i64, year: i32, text: String) -> Result<()> {
    write(&state, |w| w.save_unit_mission(unit_id, year, &text))
}

#[tauri::command]
pub fn save_guarantee(state: State<'_, AppState>, form: GuaranteeForm) -> Result<i64> {
    write(&state, |w| w.save_guarantee(&form))
}

#[tauri::command]
pub fn delete_guarantee(state: State<'_, AppState>, id: i64) -> Result<()> {
    write(&state, |w| w.delete_guarantee(id))
}

#[tauri::command]
pub fn move_guarantee(state: State<'_, AppState>, id: i64, up: bool) -> Result<()> {
    write(&state, |w| w.move_guarantee(id, up))
}

/// Whether a tjänstegaranti was kept in a period (a draft), over the follow-up the window
/// loaded at `expected_version` (`None`: not followed up); a change someone else saved since
/// is refused with `conflict`.
#[tauri::command]
pub fn follow_up_guarantee(
    state: State<'_, AppState>,
    guarantee_id: i64,
    period_id: i64,
    kept: GuaranteeOutcome,
    comment: String,
    expected_version: Option<i64>,
) -> Result<()> {
    let ctx = change(&state);
    with_store(&state, |s| s.write(&ctx, |w| w.follow_up_guarantee_seen((guarantee_id, period_id), kept, &comment, expected_version)))
}

/// Submit, approve or send back a tjänstegaranti's follow-up.
#[tauri::command]
pub fn review_guarantee(state: State<'_, AppState>, guarantee_id: i64, period_id: i64, action: ReviewAction) -> Result<AssessmentState> {
    let ctx = change(&state);
    with_store(&state, |s| s.write(&ctx, |w| w.review_guarantee(guarantee_id, period_id, &action)))
}

/// Every goal's (of a year) and indicator's global-goal tags, and the 17 goals' names.
#[tauri::command]
pub fn plan_tags(state: State<'_, AppState>, year: i32) -> Result<PlanTags> {
    with_store(&state, |s| agenda2030::plan_tags(s, year))
}

/// Global goals to suggest for an indicator with a Kolada id (what other indicators with it are tagged with).
#[tauri::command]
pub fn global_goal_suggestions(state: State<'_, AppState>, kpi: String, indicator_id: Option<i64>) -> Result<Vec<u8>> {
    with_store(&state, |s| agenda2030::suggest_for_kpi(s, &kpi, indicator_id))
}

/// Per global goal, the goals and indicators tagged with it.
#[tauri::command]
pub fn agenda2030(state: State<'_, AppState>, year: i32, period_id: Option<i64>) -> Result<Agenda2030View> {
    with_store(&state, |s| agenda2030::view(s, year, period_id))
}

/// The "Uppdrag" tab: the year's uppdrag to a unit and below (all without one), with their
/// status in the period, and what the form chooses from.
#[tauri::command]
pub fn assignments(
    state: State<'_, AppState>,
    year: i32,
    period_id: Option<i64>,
    unit_id: Option<i64>,
) -> Result<styrkort::assignments::AssignmentsView> {
    with_store(&state, |s| styrkort::assignments::view(s, year, period_id, unit_id, today()))
}

/// "Äldsta ej genomförda": unfinished uppdrag in the period, oldest decision first.
#[tauri::command]
pub fn oldest_assignments(
    state: State<'_, AppState>,
    year: i32,
    period_id: Option<i64>,
    unit_id: Option<i64>,
) -> Result<Vec<styrkort::assignments::AssignmentRow>> {
    with_store(&state, |s| styrkort::assignments::oldest_unfinished(s, year, period_id, unit_id, today()))
}

/// Save the uppdrag form (one undo step).
#[tauri::command]
pub fn save_assignment(state: State<'_, AppState>, form: styrkort::assignments::AssignmentForm) -> Result<i64> {
    write(&state, |w| w.save_assignment(&form))
}

/// Delete an uppdrag with its goal links and follow-up (one undo step).
#[tauri::command]
pub fn delete_assignment(state: State<'_, AppState>, id: i64) -> Result<()> {
    write(&state, |w| w.delete_assignment(id))
}

/// Save an uppdrag's status and comment for a period over the follow-up the window loaded at
/// `expected_version` (`None`: not followed up); a change someone else saved since is refused
/// with `conflict`.
#[tauri::command]
pub fn save_assignment_follow_up(
    state: State<'_, AppState>,
    form: styrkort::assignments::AssignmentFollowUpForm,
    expected_version: Option<i64>,
) -> Result<()> {
    write(&state, |w| w.save_assignment_follow_up_seen(&form, expected_version))
}

/// Submit, approve or send back an uppdrag's follow-up for a period.
#[tauri::command]
pub fn review_assignment_follow_up(
    state: State<'_, AppState>,
    assignment_id: i64,
    period_id: i64,
    action: ReviewAction,
) -> Result<AssessmentState> {
    write(&state, |w| w.review_assignment_follow_up(assignment_id, period_id, &action))
}

// ---- The shared database (issue 14): connect, back to the file, its backup. ----

fn is_shared(state: &AppState) -> bool {
    state.shared.lock().map(|s| s.is_some()).unwrap_or(false)
}

/// Connect the window to the shared database: the password is used for this connection only
/// (kept in memory for reconnecting, never written); the connection without it is remembered
/// for the next start, whose password then comes from the pgpass file.
#[tauri::command]
pub fn connect_shared(state: State<'_, AppState>, connection: SharedConnection, password: Option<String>) -> Result<AppInfo> {
    let url = connection.url(password.as_deref())?;
    let at = chrono::Local::now().format("%Y-%m-%dT%H:%M:%S").to_string();
    let session = database::open_shared_session(&url, &at)?;
    let login = session.store.login()?.unwrap_or_else(|| connection.user.clone());
    {
        let mut guard = lock(&state)?;
        *guard = Ok(session.store);
        if let Ok(mut shared) = state.shared.lock() {
            *shared = Some(url);
        }
        state.link.generation.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        state.link.lost.store(false, std::sync::atomic::Ordering::SeqCst);
    }
    if let Ok(mut name) = state.audit_name.lock() {
        *name = login;
    }
    // A connection that works but cannot be remembered still holds until the window closes.
    if let Some(Err(e)) = database::shared_connection_file().map(|f| connection.save(&f)) {
        eprintln!("Styrkort: {}", e.message_en);
    }
    Ok(app_info(&state))
}

/// Back to the database file on this computer; the next start opens it too.
#[tauri::command]
pub fn use_local_database(state: State<'_, AppState>) -> Result<AppInfo> {
    let ctx = change(&state);
    let session = database::open_session(&state.db_path, &ctx, today())?;
    {
        let mut guard = lock(&state)?;
        *guard = Ok(session.store);
        if let Ok(mut shared) = state.shared.lock() {
            *shared = None;
        }
        state.link.generation.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        state.link.lost.store(false, std::sync::atomic::Ordering::SeqCst);
    }
    let name = with_store(&state, |s| database::audit_user_name(s, &state.user)).unwrap_or_else(|_| state.user.clone());
    if let Ok(mut current) = state.audit_name.lock() {
        *current = name;
    }
    if let Some(f) = database::shared_connection_file() {
        SharedConnection::forget(&f)?;
    }
    Ok(app_info(&state))
}

/// The municipality's CA certificate, picked in the open dialog; `None` when cancelled.
#[tauri::command]
pub fn choose_ca_certificate(app: tauri::AppHandle) -> Result<Option<String>> {
    Ok(pick_file(&app, "CA-certifikat (PEM)", &["pem", "crt", "cer"]).map(|p| p.display().to_string()))
}

/// A backup of the shared database as a SQLite file where the user chooses (the same file a
/// laptop's backup is, so restore and exchange keep working); `None` when cancelled.
#[tauri::command]
pub fn back_up_to_file(app: tauri::AppHandle, state: State<'_, AppState>) -> Result<Option<String>> {
    let name = format!("styrkort-kopia-{}.db", chrono::Local::now().format("%Y-%m-%dT%H%M%S"));
    let chosen = match dialog_hooks::save_to(&name) {
        Some(p) => Some(p),
        None => app
            .dialog()
            .file()
            .set_file_name(&name)
            .add_filter("Styrkort-databas", &["db"])
            .blocking_save_file()
            .and_then(|p| p.into_path().ok()),
    };
    let Some(path) = chosen else { return Ok(None) };
    with_store(&state, |s| backup::back_up_to(s, &path))?;
    Ok(Some(path.display().to_string()))
}
