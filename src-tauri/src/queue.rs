//! The command worker. The window relies on its commands finishing in the order it sends them
//! (a reload sent before a delete must not answer after it), and the main thread must stay free
//! to paint, so: the invoke handler, called on the main thread in arrival order, hands each
//! command of `commands.rs` to one worker thread, which runs them one at a time and answers
//! each through its resolver. The commands of `commands::at_once` (setting a flag, appending
//! a line, the start checks) do not wait their turn.
//!
//! After each command the worker asks the store which tables committed writes touched and
//! tells the window (`data-changed`), so every view showing one of them can reload. A restore
//! replaces the data through its own connection and is not announced: the window reloads
//! everything after it.

use std::panic::AssertUnwindSafe;
use std::sync::mpsc;

use serde::Serialize;
use styrkort::msg;
use styrkort::{AppError, ErrorCode};
use tauri::ipc::Invoke;
use tauri::{Emitter, Manager, Webview};
use ts_rs::TS;

use crate::{declared, AppState};

/// The event sent after a command whose writes were committed.
pub const DATA_CHANGED_EVENT: &str = "data-changed";

/// Payload of `data-changed`: the tables written, sorted.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct DataChanged {
    pub tables: Vec<String>,
}

/// The invoke handler: starts the worker and routes each command to it or runs it at once.
pub fn handler() -> impl Fn(Invoke) -> bool + Send + Sync + 'static {
    let (sender, receiver) = mpsc::channel::<Invoke>();
    // Should the thread not start, the receiver is dropped with it and every command queued is
    // rejected below, naming what to do, instead of never answering.
    if let Err(e) = std::thread::Builder::new().name("styrkort-commands".into()).spawn(move || work(receiver)) {
        eprintln!("Styrkort: the command worker could not start: {e}");
    }
    let at_once = declared::at_once_handler();
    move |invoke: Invoke| {
        let command = invoke.message.command();
        if declared::AT_ONCE.contains(&command) {
            return at_once(invoke);
        }
        if !declared::IN_ORDER.contains(&command) {
            return false; // Tauri answers "not found".
        }
        if let Err(mpsc::SendError(invoke)) = sender.send(invoke) {
            invoke.resolver.reject(stopped());
        }
        true
    }
}

fn stopped() -> AppError {
    AppError::new(
        ErrorCode::Internal,
        msg!(
            "Styrkort kan inte utföra fler kommandon. Starta om Styrkort.",
            "Styrkort cannot carry out any more commands. Restart Styrkort."
        ),
    )
}

/// The worker: one command at a time, in the order queued, until the app ends.
fn work(receiver: mpsc::Receiver<Invoke>) {
    let run = declared::in_order_handler();
    for invoke in receiver {
        let webview = invoke.message.webview();
        let resolver = invoke.resolver.clone();
        // A command that panics must not take the worker (and every later command) with it;
        // its caller gets an error. Answering twice is harmless: the first answer wins.
        if std::panic::catch_unwind(AssertUnwindSafe(|| run(invoke))).is_err() {
            resolver.reject(AppError::new(
                ErrorCode::Internal,
                msg!(
                    "Ett oväntat fel inträffade. Starta om Styrkort om det upprepas.",
                    "An unexpected error occurred. Restart Styrkort if it happens again."
                ),
            ));
        }
        announce_changes(&webview);
    }
}

/// Tell the window which tables the command just run wrote, if any.
fn announce_changes(webview: &Webview) {
    let state = webview.state::<AppState>();
    let tables = match state.store.lock() {
        Ok(mut store) => match store.as_mut() {
            Ok(store) => store.take_changed_tables(),
            Err(_) => return,
        },
        Err(_) => return,
    };
    if !tables.is_empty() {
        let _ = webview.app_handle().emit(DATA_CHANGED_EVENT, DataChanged { tables });
    }
}

#[cfg(test)]
mod tests {
    use crate::declared::{AT_ONCE, IN_ORDER};

    /// `Invoke` crosses to the worker thread.
    #[test]
    fn invoke_is_send() {
        fn send<T: Send>() {}
        send::<tauri::ipc::Invoke>();
    }

    #[test]
    fn every_command_runs_one_way() {
        assert!(!IN_ORDER.is_empty() && !AT_ONCE.is_empty());
        assert!(IN_ORDER.iter().all(|c| !AT_ONCE.contains(c)));
    }
}
