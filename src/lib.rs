//! Styrkort core: the domain, status rules, SQLite store, seed loading and the text
//! views shared by the command-line tool and the desktop shell. No Tauri here.

pub mod agenda2030;
pub mod assignments;
pub mod backup;
/// Benchmarks (`styrkort-tools bench`): only with the `tools` feature, never in the app.
#[cfg(feature = "tools")]
pub mod bench;
pub mod database;
pub mod economy;
pub mod error;
pub mod exchange;
pub mod files;
pub mod follow_up;
/// The synthetic municipality for benchmarks: only with the `tools` feature.
#[cfg(feature = "tools")]
pub mod generate;
pub mod internal_control;
pub mod kolada;
#[cfg(feature = "tools")]
pub mod load;
pub mod model;
pub mod narrative;
pub mod planning;
pub mod red_thread;
pub mod report;
pub mod scorecard;
pub mod seed;
pub mod status;
pub mod store;
pub mod text;
pub mod todo;
pub mod unit_missions;
pub mod value_template;
pub mod wording;

pub use error::{AppError, ErrorCode, Result};
pub use store::{ChangeContext, Store};
