//! The error type every core call returns, and the closed set of codes the UI and CLI see.
//!
//! Messages tell the user what to do next, in Swedish and in English: every message is a
//! [`Msg`] pair built with [`msg!`](crate::msg), and the window shows the one in its own
//! language. Codes are stable identifiers for programs (the UI, tests); messages are for people.

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
    /// The shared database refused the change: the user's role does not allow it (issue 14).
    PermissionDenied,
    /// The shared database cannot be reached right now; nothing unacknowledged was kept.
    Disconnected,
    /// Anything else; the message says what happened.
    Internal,
}

/// A message for people in both of Styrkort's languages. Built with [`msg!`](crate::msg);
/// there is deliberately no conversion from a plain string, so a message with only one
/// language does not compile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Msg {
    pub sv: String,
    pub en: String,
}

impl Msg {
    /// Both texts in lower case (a label used inside a sentence).
    pub fn to_lowercase(&self) -> Msg {
        Msg { sv: self.sv.to_lowercase(), en: self.en.to_lowercase() }
    }
}

/// A format argument of [`msg!`](crate::msg) as each language shows it: any `Display` value
/// shows the same in both, a [`Msg`] (say, a cause's message inside a wider one) shows its
/// own words in each.
pub trait InLanguage {
    type Text: std::fmt::Display + ?Sized;
    fn sv(&self) -> &Self::Text;
    fn en(&self) -> &Self::Text;
}

impl<T: std::fmt::Display + ?Sized> InLanguage for T {
    type Text = T;
    fn sv(&self) -> &T {
        self
    }
    fn en(&self) -> &T {
        self
    }
}

impl InLanguage for Msg {
    type Text = str;
    fn sv(&self) -> &str {
        &self.sv
    }
    fn en(&self) -> &str {
        &self.en
    }
}

impl InLanguage for &Msg {
    type Text = str;
    fn sv(&self) -> &str {
        &self.sv
    }
    fn en(&self) -> &str {
        &self.en
    }
}

/// A [`Msg`] from a Swedish and an English format string with shared arguments:
/// `msg!("Året {} finns inte.", "The year {} does not exist.", year)`. Arguments may be
/// named (`year = y`) so the languages can order them differently, and inline names
/// (`{year}`) work as in `format!`. An explicit argument that is itself a [`Msg`] shows
/// its Swedish in the Swedish text and its English in the English one.
#[macro_export]
macro_rules! msg {
    ($sv:literal, $en:literal $(,)?) => {
        $crate::error::Msg { sv: ::std::format!($sv), en: ::std::format!($en) }
    };
    ($sv:literal, $en:literal, $($args:tt)+) => {
        $crate::msg!(@collect [$sv, $en] [] [] $($args)+)
    };
    (@collect [$sv:literal, $en:literal] [$($s:tt)*] [$($e:tt)*] $name:ident = $arg:expr $(, $($rest:tt)*)?) => {
        $crate::msg!(@collect [$sv, $en]
            [$($s)* $name = $crate::error::InLanguage::sv(&$arg),]
            [$($e)* $name = $crate::error::InLanguage::en(&$arg),]
            $($($rest)*)?)
    };
    (@collect [$sv:literal, $en:literal] [$($s:tt)*] [$($e:tt)*] $arg:expr $(, $($rest:tt)*)?) => {
        $crate::msg!(@collect [$sv, $en]
            [$($s)* $crate::error::InLanguage::sv(&$arg),]
            [$($e)* $crate::error::InLanguage::en(&$arg),]
            $($($rest)*)?)
    };
    (@collect [$sv:literal, $en:literal] [$($s:tt)*] [$($e:tt)*]) => {
        $crate::error::Msg { sv: ::std::format!($sv, $($s)*), en: ::std::format!($en, $($e)*) }
    };
}

/// An error that crosses to the UI as `{code, message, message_en, field}`; the window shows
/// `message` or `message_en` by its language (`ui/src/lib/ipc.ts`).
#[derive(Debug, Clone, PartialEq, Serialize, TS, thiserror::Error)]
#[error("{message}")]
#[ts(export)]
pub struct AppError {
    pub code: ErrorCode,
    /// The Swedish message: what the CLI prints and the window shows in Swedish.
    pub message: String,
    /// The same message in English, for the window in English.
    pub message_en: String,
    /// The form field the message belongs to, when a form's input broke a rule, so the
    /// window can show the message next to that field.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub field: Option<String>,
}

pub type Result<T> = std::result::Result<T, AppError>;

impl AppError {
    pub fn new(code: ErrorCode, message: Msg) -> Self {
        Self { code, message: message.sv, message_en: message.en, field: None }
    }
    /// The message in both languages, to wrap in a wider one or to pass on.
    pub fn msg(&self) -> Msg {
        Msg { sv: self.message.clone(), en: self.message_en.clone() }
    }
    /// The same error, marked as belonging to form field `field`.
    pub fn on_field(mut self, field: &str) -> Self {
        self.field = Some(field.to_string());
        self
    }
    pub fn not_found(message: Msg) -> Self {
        Self::new(ErrorCode::NotFound, message)
    }
    pub fn validation(message: Msg) -> Self {
        Self::new(ErrorCode::Validation, message)
    }
    pub fn conflict(message: Msg) -> Self {
        Self::new(ErrorCode::Conflict, message)
    }
    pub fn bad_file(message: Msg) -> Self {
        Self::new(ErrorCode::BadFile, message)
    }
    pub fn io(message: Msg) -> Self {
        Self::new(ErrorCode::Io, message)
    }
}

impl From<postgres::Error> for AppError {
    /// The shared database's refusals by their SQLSTATE: row-level security and privileges
    /// become `permission_denied`, lost connections `disconnected`, serialization failures
    /// and deadlocks `database_busy` (the caller may try again), constraint violations
    /// `conflict`.
    fn from(err: postgres::Error) -> Self {
        use postgres::error::SqlState;
        // The server's own words ("ERROR: … violates check constraint …"), not "db error".
        let shown = err.as_db_error().map(|d| d.to_string()).unwrap_or_else(|| err.to_string());
        // A socket that broke under a statement ("error communicating with the server") carries
        // the I/O error as its source; a server that ended the session says "connection closed".
        let socket = std::error::Error::source(&err).is_some_and(|s| s.downcast_ref::<std::io::Error>().is_some());
        if err.is_closed() || err.as_db_error().is_none() && (socket || err.code().is_none() && err.to_string().contains("connection")) {
            return AppError::new(
                ErrorCode::Disconnected,
                crate::msg!(
                    "Ingen kontakt med databasen – försöker igen. Det som inte hann sparas har inte sparats; spara igen när kontakten är tillbaka.",
                    "No contact with the database – trying again. What was not saved in time has not been saved; save again when the connection is back."
                ),
            );
        }
        if let Some(code) = err.code() {
            // Styrkort's own SQLSTATE for a write into a locked period, raised by the period
            // lock trigger of PostgreSQL migration 0002_roles.sql for every user.
            if code.code() == "SK001" {
                return AppError::new(
                    ErrorCode::PeriodLocked,
                    crate::msg!(
                        "Perioden är låst. Be den som ansvarar för uppföljningen att låsa upp perioden; inget har ändrats.",
                        "The period is locked. Ask the person responsible for the follow-up to unlock the period; nothing has been changed."
                    ),
                );
            }
            if *code == SqlState::INSUFFICIENT_PRIVILEGE {
                return AppError::new(
                    ErrorCode::PermissionDenied,
                    crate::msg!(
                        "Du har inte behörighet att ändra det här. Be kommunens controller om behörighet för enheten; inget har ändrats.",
                        "You are not allowed to change this. Ask the municipality's controller for rights to the unit; nothing has been changed."
                    ),
                );
            }
            if *code == SqlState::T_R_SERIALIZATION_FAILURE
                || *code == SqlState::T_R_DEADLOCK_DETECTED
                || *code == SqlState::LOCK_NOT_AVAILABLE
            {
                return AppError::new(
                    ErrorCode::DatabaseBusy,
                    crate::msg!(
                        "Någon annan sparade samtidigt. Inget av ditt har sparats; försök igen.",
                        "Someone else saved at the same time. None of yours has been saved; try again."
                    ),
                );
            }
            if *code == SqlState::UNIQUE_VIOLATION
                || *code == SqlState::FOREIGN_KEY_VIOLATION
                || *code == SqlState::CHECK_VIOLATION
                || *code == SqlState::NOT_NULL_VIOLATION
            {
                return AppError::conflict(crate::msg!(
                    "Ändringen krockar med befintliga uppgifter ({shown}). Kontrollera att inget redan finns med samma namn.",
                    "The change clashes with existing data ({shown}). Check that nothing with the same name exists already."
                ));
            }
            if code.code().starts_with("08")
                || *code == SqlState::ADMIN_SHUTDOWN
                || *code == SqlState::CRASH_SHUTDOWN
                || *code == SqlState::CANNOT_CONNECT_NOW
            {
                return AppError::new(
                    ErrorCode::Disconnected,
                    crate::msg!(
                        "Ingen kontakt med databasen – försöker igen. Det som inte hann sparas har inte sparats; spara igen när kontakten är tillbaka.",
                        "No contact with the database – trying again. What was not saved in time has not been saved; save again when the connection is back."
                    ),
                );
            }
        }
        AppError::new(
            ErrorCode::Internal,
            crate::msg!(
                "Databasfel: {shown}. Försök igen; kvarstår felet, kontakta kommunens IT.",
                "Database error: {shown}. Try again; if the error persists, contact the municipality's IT."
            ),
        )
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
                        crate::msg!(
                            "Databasen används just nu av ett annat program. Vänta en stund och försök igen.",
                            "Another program is using the database right now. Wait a moment and try again."
                        ),
                    )
                }
                Sql::DiskFull => {
                    return AppError::io(crate::msg!(
                        "Disken är full. Frigör utrymme och försök igen; inget av det som redan sparats har gått förlorat.",
                        "The disk is full. Free some space and try again; nothing already saved has been lost."
                    ))
                }
                Sql::SystemIoFailure => {
                    return AppError::io(crate::msg!(
                        "Disken kunde inte läsas eller skrivas (den kan vara full eller ha kopplats bort). Frigör utrymme eller kontrollera disken och försök igen; inget av det som redan sparats har gått förlorat.",
                        "The disk could not be read or written (it may be full or disconnected). Free some space or check the disk and try again; nothing already saved has been lost."
                    ))
                }
                Sql::ReadOnly | Sql::CannotOpen | Sql::PermissionDenied => {
                    return AppError::io(crate::msg!(
                        "Databasfilen går inte att skriva till. Kontrollera att mappen inte är skrivskyddad.",
                        "The database file cannot be written to. Check that the folder is not read-only."
                    ))
                }
                Sql::NotADatabase | Sql::DatabaseCorrupt => {
                    return AppError::new(
                        ErrorCode::BadDatabase,
                        crate::msg!(
                            "Filen är inte en fungerande Styrkort-databas. Återställ den senaste säkerhetskopian.",
                            "The file is not a working Styrkort database. Restore the latest backup."
                        ),
                    )
                }
                Sql::ConstraintViolation => {
                    return AppError::conflict(crate::msg!(
                        "Ändringen krockar med befintliga uppgifter ({err}). Kontrollera att inget redan finns med samma namn.",
                        "The change clashes with existing data ({err}). Check that nothing with the same name exists already."
                    ))
                }
                _ => {}
            }
        }
        AppError::new(
            ErrorCode::Internal,
            crate::msg!(
                "Databasfel: {err}. Försök igen; kvarstår felet, kontakta support.",
                "Database error: {err}. Try again; if the error persists, contact support."
            ),
        )
    }
}

impl From<std::io::Error> for AppError {
    fn from(err: std::io::Error) -> Self {
        AppError::io(crate::msg!("Filen kunde inte läsas eller skrivas: {err}.", "The file could not be read or written: {err}."))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn msg_shares_its_arguments_and_lets_each_language_order_them() {
        let (year, unit) = (2026, "Hemtjänsten");
        let m = crate::msg!("{unit} har inga mål {year}.", "No goals in {year} for {unit}.");
        assert_eq!(m, Msg { sv: "Hemtjänsten har inga mål 2026.".into(), en: "No goals in 2026 for Hemtjänsten.".into() });
        let m = crate::msg!("Året {} och {n}.", "{n}, and the year {}.", year + 1, n = 7);
        assert_eq!((m.sv.as_str(), m.en.as_str()), ("Året 2027 och 7.", "7, and the year 2027."));
    }

    #[test]
    fn a_message_inside_a_message_keeps_each_language() {
        let cause = AppError::validation(crate::msg!("Namnet är för långt.", "The name is too long."));
        let wrapped = crate::msg!("Inget sparades: {}", "Nothing was saved: {}", cause.msg());
        assert_eq!(wrapped.sv, "Inget sparades: Namnet är för långt.");
        assert_eq!(wrapped.en, "Nothing was saved: The name is too long.");
        let what = crate::msg!("Logotypen", "The logo");
        let by_ref = crate::msg!("{what} är för stor.", "{what} is too big.", what = &what);
        assert_eq!(by_ref.en, "The logo is too big.");
        assert_eq!((cause.message.as_str(), cause.to_string().as_str()), ("Namnet är för långt.", "Namnet är för långt."));
        assert_eq!(cause.message_en, "The name is too long.");
    }
}
