//! The window on the shared database (issue 14, items 4 and 6): a thread with a connection of
//! its own listens for the changes other people commit and forwards them as `data-changed`
//! (the views reload as after the window's own saves), and finds a lost connection and
//! reconnects. The listening itself is the core's (`styrkort::store::pg::Listener`); this
//! only forwards.
//!
//! Reconnecting: when the listener's connection fails, or a command came back
//! `disconnected` (`Link::lost`, set by `commands::with_store`), the window is told
//! (`connection-changed`, `connected: false`: the banner "Ingen kontakt med databasen –
//! försöker igen", the data shown marked as possibly stale) and the thread retries after 1,
//! 2, 4, 8, 10, 10 … seconds: a new listener and a new store (`Store::open_shared`). Once both
//! are back the window is told (`connected: true`) and reloads everything, since changes made
//! meanwhile were not heard. Nothing acknowledged is lost: a save either committed or
//! answered an error.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use serde::Serialize;
use styrkort::store::pg::Listener;
use styrkort::{ErrorCode, Store};
use tauri::{AppHandle, Emitter, Manager};
use ts_rs::TS;

use crate::queue::{DataChanged, DATA_CHANGED_EVENT};
use crate::AppState;

/// The event telling the window the shared database was lost or is back.
pub const CONNECTION_EVENT: &str = "connection-changed";

/// Payload of `connection-changed`.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ConnectionChanged {
    /// `false`: no contact, retrying; what is shown may be stale. `true`: back, reload all.
    pub connected: bool,
}

/// How long one wait for changes lasts; also how soon a switch of database or a lost store
/// connection is noticed.
const WAIT: Duration = Duration::from_millis(1000);
const MAX_BACKOFF: Duration = Duration::from_secs(10);

/// The connection's state, shared between the commands and the listener thread.
pub struct Link {
    /// A command found the connection lost (or the start could not reach the server).
    pub lost: AtomicBool,
    /// Bumped whenever the window switches database, so the thread starts over.
    pub generation: AtomicU64,
}

impl Link {
    pub fn new(lost: bool) -> Self {
        Self { lost: AtomicBool::new(lost), generation: AtomicU64::new(0) }
    }
}

/// Start the listener thread (it idles while the window works on a file).
pub fn start(app: AppHandle) {
    if let Err(e) = std::thread::Builder::new().name("styrkort-live".into()).spawn(move || run(&app)) {
        eprintln!("Styrkort: live updates could not start: {e}");
    }
}

fn tell(app: &AppHandle, connected: bool) {
    let _ = app.emit(CONNECTION_EVENT, ConnectionChanged { connected });
}

fn shared_url(state: &AppState) -> Option<String> {
    state.shared.lock().ok().and_then(|s| s.clone())
}

fn run(app: &AppHandle) {
    let state = app.state::<AppState>();
    let mut backoff = Duration::from_secs(1);
    // Whether the window was told the connection is lost (and not yet that it is back).
    let mut told_lost = false;
    loop {
        let generation = state.link.generation.load(Ordering::SeqCst);
        let Some(url) = shared_url(&state) else {
            if told_lost {
                // Switched to the file while the shared database was out of reach.
                told_lost = false;
                tell(app, true);
            }
            std::thread::sleep(Duration::from_millis(500));
            continue;
        };
        let connected = Listener::connect(&url).and_then(|listener| {
            if state.link.lost.load(Ordering::SeqCst) || told_lost {
                reopen_store(&state, &url, generation)?;
            }
            Ok(listener)
        });
        let mut listener = match connected {
            Ok(l) => l,
            Err(e) => {
                // Unreachable, or refusing connections for now (a restart, maintenance): the
                // banner, and try again. A refusal for good (a changed password) reaches the
                // window through its commands' errors meanwhile.
                if e.code != ErrorCode::Disconnected {
                    eprintln!("Styrkort: live updates: {}", e.message_en);
                }
                if !told_lost {
                    told_lost = true;
                    tell(app, false);
                }
                std::thread::sleep(backoff);
                backoff = (backoff * 2).min(MAX_BACKOFF);
                continue;
            }
        };
        backoff = Duration::from_secs(1);
        // The window's own saves are announced by the command worker already.
        let own = state.store.lock().ok().and_then(|g| g.as_ref().ok().and_then(|s| s.backend_pid().ok().flatten()));
        listener.ignore(own);
        if told_lost {
            told_lost = false;
            tell(app, true);
        }
        loop {
            if state.link.generation.load(Ordering::SeqCst) != generation {
                break;
            }
            if state.link.lost.load(Ordering::SeqCst) && !store_answers(&state) {
                told_lost = true;
                tell(app, false);
                break;
            }
            match listener.wait(WAIT) {
                Ok(tables) if tables.is_empty() => {}
                Ok(tables) => {
                    if state.link.generation.load(Ordering::SeqCst) == generation {
                        let _ = app.emit(DATA_CHANGED_EVENT, DataChanged { tables });
                    }
                }
                Err(_) => {
                    if state.link.generation.load(Ordering::SeqCst) == generation {
                        told_lost = true;
                        tell(app, false);
                    }
                    break;
                }
            }
        }
    }
}

/// Whether the store's own connection still answers; clears `lost` when it does.
fn store_answers(state: &AppState) -> bool {
    let Ok(guard) = state.store.lock() else { return false };
    let ok = guard.as_ref().map(|s| s.ping().is_ok()).unwrap_or(false);
    if ok {
        state.link.lost.store(false, Ordering::SeqCst);
    }
    ok
}

/// Replace the store with a new connection to `url`, unless the window switched database
/// meanwhile.
fn reopen_store(state: &AppState, url: &str, generation: u64) -> styrkort::Result<()> {
    let mut guard = state.store.lock().map_err(|_| {
        styrkort::AppError::new(
            ErrorCode::Internal,
            styrkort::msg!("Databasen är stoppad. Starta om Styrkort.", "The database is stopped. Restart Styrkort."),
        )
    })?;
    if state.link.generation.load(Ordering::SeqCst) != generation {
        return Ok(());
    }
    let at = chrono::Local::now().format("%Y-%m-%dT%H:%M:%S").to_string();
    let store = Store::open_shared(url, &at)?;
    *guard = Ok(store);
    state.link.lost.store(false, Ordering::SeqCst);
    Ok(())
}
