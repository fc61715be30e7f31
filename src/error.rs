//! The error type every core call returns, and the closed set of codes the UI and CLI see.
//!
//! Messages are Swedish and tell the user what to do next. Codes are stable identifiers
//! for programs (the UI, tests); messages are for people.

use serde::Serialize;
use ts_rs::TS;

/// The closed set of error codes. Adding a code is an API change: update the UI's
/// handling and ARCHITECTURE.md in the same commit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ErrorCode {
    /// A unit, goal, year, period or other named thing does not exist.
    NotFound,
    /// Input broke a rule (missing field, wrong number, unknown reference).
    Validation,
    /// The change collides with existing data (duplicate, cycle, still in use).
    Conflict,
    /// The follow-up period is locked.
    PeriodLocked,
    /// A file could not be read or written.
    Io,
    /// A file's content could not be understood (seed, import).
    BadFile,
    /// The database was written by a newer version of Styrkort.
    NewerDatabase,
    /// The database file is not a usable Styrkort database (corrupt, not SQLite).
    BadDatabase,
    /// Another program holds the database.
    DatabaseBusy,
    /// Anything else; the message says what happened.
    Internal,
}

/// An error that crosses to the UI as `{code, message}`.
#[derive(Debug, Clone, PartialEq, Serialize, TS, thiserror::Error)]
#[error("{message}")]
#[ts(export)]
pub struct AppError {
    pub code: ErrorCode,
    pub message: String,
    /// The form field the message belongs to, when a form's input broke a rule, so the
    /// window can show the message next to that field.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub field: Option<String>,
}

pub type Result<T> = std::result::Result<T, AppError>;

impl AppError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self { code, message: message.into(), field: None }
    }
    /// The same error, marked as belonging to form field `field`.
    pub fn on_field(mut self, field: &str) -> Self {
        self.field = Some(field.to_string());
        self
    }
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::NotFound, message)
    }
    pub fn validation(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Validation, message)
    }
    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Conflict, message)
    }
    pub fn bad_file(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::BadFile, message)
    }
    pub fn io(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Io, message)
    }
}

impl From<rusqlite::Error> for AppError {
    fn from(err: rusqlite::Error) -> Self {
        use rusqlite::ffi::ErrorCode as Sql;
        if let rusqlite::Error::SqliteFailure(e, _) = &err {
            match e.code {
                Sql::DatabaseBusy | Sql::DatabaseLocked => {
                    return AppError::new(
                        ErrorCode::DatabaseBusy,
                        "Databasen används just nu av ett annat program. Vänta en stund och försök igen.",
                    )
                }
                Sql::DiskFull => {
                    return AppError::io(
                        "Disken är full. Frigör utrymme och försök igen; inget av det som redan sparats har gått förlorat.",
                    )
                }
                Sql::SystemIoFailure => {
                    return AppError::io(
                        "Disken kunde inte läsas eller skrivas (den kan vara full eller ha kopplats bort). Frigör utrymme eller kontrollera disken och försök igen; inget av det som redan sparats har gått förlorat.",
                    )
                }
                Sql::ReadOnly | Sql::CannotOpen | Sql::PermissionDenied => {
                    return AppError::io(
                        "Databasfilen går inte att skriva till. Kontrollera att mappen inte är skrivskyddad.",
                    )
                }
                Sql::NotADatabase | Sql::DatabaseCorrupt => {
                    return AppError::new(
                        ErrorCode::BadDatabase,
                        "Filen är inte en fungerande Styrkort-databas. Återställ den senaste säkerhetskopian.",
                    )
                }
                Sql::ConstraintViolation => {
                    return AppError::conflict(format!(
                        "Ändringen krockar med befintliga uppgifter ({err}). Kontrollera att inget redan finns med samma namn."
                    ))
                }
                _ => {}
            }
        }
        AppError::new(ErrorCode::Internal, format!("Databasfel: {err}. Försök igen; kvarstår felet, kontakta support."))
    }
}

impl From<std::io::Error> for AppError {
    fn from(err: std::io::Error) -> Self {
        AppError::io(format!("Filen kunde inte läsas eller skrivas: {err}."))
    }
}
