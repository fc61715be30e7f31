//! Updates of an installed Styrkort. On Windows the updater plugin reads the static manifest
//! on the municipality's intranet (`plugins.updater` in `tauri.windows.conf.json`, address and
//! public key set at release time) and, when asked, installs the signed installer it names.
//! Elsewhere the system's package manager updates Styrkort, so the window only says so.

use serde::Serialize;
use ts_rs::TS;

/// What looking for a newer version found.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
#[serde(tag = "kind", rename_all = "snake_case")]
// Only the Windows build finds versions; the window knows every answer on every platform.
#[cfg_attr(not(windows), allow(dead_code))]
pub enum UpdateCheck {
    /// Styrkort is updated by the package manager (Linux packages) or by IT (an MSI rolled
    /// out by group policy) here, not by itself.
    Managed,
    UpToDate,
    Available {
        version: String,
    },
}

#[cfg(windows)]
pub use windows::{check, install};

#[cfg(not(windows))]
pub async fn check(_app: tauri::AppHandle) -> styrkort::Result<UpdateCheck> {
    Ok(UpdateCheck::Managed)
}

#[cfg(not(windows))]
pub async fn install(_app: tauri::AppHandle) -> styrkort::Result<()> {
    Err(styrkort::AppError::validation(styrkort::msg!(
        "Styrkort uppdateras av pakethanteraren på den här datorn (till exempel apt eller dnf).",
        "Styrkort is updated by the package manager on this computer (for example apt or dnf)."
    )))
}

#[cfg(windows)]
mod windows {
    use super::UpdateCheck;
    use styrkort::{msg, AppError, ErrorCode, Result};
    use tauri::Manager;
    use tauri_plugin_updater::UpdaterExt;

    use crate::AppState;

    fn failed(e: tauri_plugin_updater::Error) -> AppError {
        AppError::new(
            ErrorCode::Io,
            msg!(
                "Kunde inte hämta uppdateringen ({e}). Kontrollera att datorn når kommunens uppdateringsserver, eller be IT om hjälp.",
                "The update could not be fetched ({e}). Check that the computer reaches the municipality's update server, or ask IT for help."
            ),
        )
    }

    /// A manifest that offers nothing for this kind of installation (an MSI rolled out by
    /// group policy: `latest.json` lists only the per-user installer) means IT updates it.
    pub async fn check(app: tauri::AppHandle) -> Result<UpdateCheck> {
        let updater = app.updater().map_err(failed)?;
        Ok(match updater.check().await {
            Ok(Some(update)) => UpdateCheck::Available { version: update.version.clone() },
            Ok(None) => UpdateCheck::UpToDate,
            Err(tauri_plugin_updater::Error::TargetsNotFound(_)) => UpdateCheck::Managed,
            Err(e) => return Err(failed(e)),
        })
    }

    /// Download the newer version, check its signature and run its installer, which replaces
    /// the program and starts it again. The database is closed first (its last write
    /// finished: a running command holds the lock), so nothing is left half written.
    pub async fn install(app: tauri::AppHandle) -> Result<()> {
        let closing = app.clone();
        let updater = app
            .updater_builder()
            .on_before_exit(move || {
                let state = closing.state::<AppState>();
                let Ok(mut store) = state.store.lock() else { return };
                *store = Err(AppError::new(
                    ErrorCode::Internal,
                    msg!("Styrkort uppdateras och startar om.", "Styrkort is being updated and will restart."),
                ));
            })
            .build()
            .map_err(failed)?;
        let Some(update) = updater.check().await.map_err(failed)? else { return Ok(()) };
        update.download_and_install(|_, _| {}, || {}).await.map_err(failed)?;
        app.restart()
    }
}
