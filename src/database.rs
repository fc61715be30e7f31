//! Where the database lives and how an app or CLI session opens it.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::backup::{self, BackupEntry};
use crate::error::{AppError, Result};
use crate::msg;
use crate::seed;
use crate::store::{ChangeContext, Store};

/// Environment variable that overrides the database path.
pub const DB_ENV: &str = "STYRKORT_DB";

/// The database path: `--db` wins, then `STYRKORT_DB`, then the OS data directory
/// (`~/.local/share/styrkort/styrkort.db` on Linux).
pub fn resolve_path(cli: Option<&Path>, env: Option<&str>) -> Result<PathBuf> {
    if let Some(p) = cli {
        return Ok(p.to_path_buf());
    }
    if let Some(e) = env.filter(|e| !e.trim().is_empty()) {
        return Ok(PathBuf::from(e));
    }
    let dirs = directories::ProjectDirs::from("se", "Styrkort", "styrkort").ok_or_else(|| {
        AppError::io(msg!(
            "Hittar ingen hemkatalog för att spara databasen. Ange en fil med --db eller STYRKORT_DB.",
            "Found no home folder to keep the database in. Give a file with --db or STYRKORT_DB."
        ))
    })?;
    Ok(dirs.data_dir().join("styrkort.db"))
}

/// The user name for the audit log, from the operating system.
pub fn os_user_name() -> String {
    ["USER", "USERNAME", "LOGNAME"]
        .iter()
        .find_map(|k| std::env::var(k).ok().filter(|v| !v.trim().is_empty()))
        .or_else(|| {
            // Without those variables (a desktop launcher, a service) the home folder's
            // name is the account name on Linux, macOS and Windows alike.
            directories::BaseDirs::new()
                .and_then(|d| d.home_dir().file_name().map(|n| n.to_string_lossy().into_owned()))
                .filter(|n| !n.is_empty())
        })
        .unwrap_or_else(|| "okänd".to_string())
}

/// The setting that holds the name the audit log uses for an OS account.
fn user_name_key(os_user: &str) -> String {
    format!("user_name.{os_user}")
}

/// The name changes are recorded under for `os_user`: the name chosen in the settings, or
/// the OS account name when none is chosen.
pub fn audit_user_name(store: &Store, os_user: &str) -> Result<String> {
    Ok(store.setting(&user_name_key(os_user))?.filter(|n| !n.trim().is_empty()).unwrap_or_else(|| os_user.to_string()))
}

/// Choose the name changes by `os_user` are recorded under from now on (empty = the OS
/// account name again). Returns the name in effect.
pub fn set_audit_user_name(store: &mut Store, ctx: &ChangeContext, os_user: &str, name: &str) -> Result<String> {
    let name = name.trim();
    if name.chars().count() > 100 {
        return Err(crate::AppError::validation(msg!(
            "Namnet är för långt (högst 100 tecken).",
            "The name is too long (at most 100 characters)."
        ))
        .on_field("user_name"));
    }
    if name.chars().any(char::is_control) {
        return Err(crate::AppError::validation(msg!(
            "Namnet får inte innehålla radbrytningar eller styrtecken.",
            "The name must not contain line breaks or control characters."
        ))
        .on_field("user_name"));
    }
    store.write(ctx, |w| crate::store::settings::set(w, &user_name_key(os_user), name))?;
    Ok(if name.is_empty() { os_user.to_string() } else { name.to_string() })
}

/// Start an empty database for a municipality of one's own: the kommun at the top of the
/// organisation and its name (and Kolada code, e.g. "2083") in the settings. The rest of the
/// steering model is built in the window. Refused unless the database is empty.
pub fn start_municipality(store: &mut Store, ctx: &ChangeContext, name: &str, kolada_id: Option<&str>) -> Result<i64> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 || name.chars().any(char::is_control) {
        return Err(AppError::validation(msg!(
            "Skriv kommunens namn på en rad (högst 200 tecken), t.ex. \"Nyby kommun\".",
            "Write the municipality's name on one line (at most 200 characters), e.g. \"Nyby kommun\"."
        ))
        .on_field("name"));
    }
    let kolada = kolada_id.map(str::trim).filter(|k| !k.is_empty());
    if let Some(k) = kolada {
        if k.len() != 4 || !k.chars().all(|c| c.is_ascii_digit()) {
            return Err(AppError::validation(msg!(
                "'{k}' är ingen kommunkod. Kolada använder fyra siffror, t.ex. 2083.",
                "'{k}' is not a municipality code. Kolada uses four digits, e.g. 2083."
            ))
            .on_field("kolada_id"));
        }
    }
    if !store.is_empty()? {
        return Err(AppError::conflict(msg!(
            "Databasen har redan en organisation. Välj en ny fil för en ny kommun.",
            "The database already has an organisation. Choose a new file for a new municipality."
        )));
    }
    store.write(ctx, |w| {
        let id = crate::store::units::insert(
            w,
            crate::store::NewUnit {
                parent_id: None,
                kind: crate::model::UnitKind::Kommun,
                name: name.to_string(),
                kolada_id: kolada.map(str::to_string),
            },
        )?;
        crate::store::settings::set(w, "municipality_name", name)?;
        if let Some(k) = kolada {
            crate::store::settings::set(w, "kolada_municipality", k)?;
        }
        Ok(id)
    })
}

/// Make the database at `path` with `fill` (the demo, a new municipality), whole or not at
/// all. A new database is built and filled under a temporary name beside `path` and linked
/// into place only when `fill` succeeded, so a refused or interrupted `init` (a bad Kolada
/// code, a full disk, a kill) leaves no schema-only file that later looks like an empty
/// municipality. An existing database is opened and `fill` runs on it as on any other
/// database (its own transaction: nothing changes when it fails).
pub fn create_filled<T>(path: &Path, fill: impl FnOnce(&mut Store) -> Result<T>) -> Result<T> {
    if std::fs::symlink_metadata(path).is_ok() {
        let mut store = Store::open(path)?;
        return fill(&mut store);
    }
    let mut name = path.as_os_str().to_owned();
    name.push(format!(".init-{}", std::process::id()));
    let tmp = PathBuf::from(name);
    let leftovers = |tmp: &Path| {
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let mut n = tmp.as_os_str().to_owned();
            n.push(suffix);
            let _ = std::fs::remove_file(PathBuf::from(n));
        }
    };
    leftovers(&tmp);
    remove_stale_inits(path);
    let built = (|| -> Result<T> {
        let mut store = Store::open(&tmp)?;
        let out = fill(&mut store)?;
        store.checkpoint()?;
        drop(store);
        std::fs::File::open(&tmp).and_then(|f| f.sync_all()).map_err(|e| {
            AppError::io(msg!(
                "Databasen {} kunde inte sparas ({e}). Kontrollera att det finns plats på disken.",
                "The database {} could not be saved ({e}). Check that there is space on the disk.",
                path.display()
            ))
        })?;
        Ok(out)
    })();
    let linked = built.and_then(|out| match std::fs::hard_link(&tmp, path) {
        Ok(()) => Ok(out),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(AppError::conflict(msg!(
            "{} skapades av ett annat program medan den här databasen byggdes. Inget har ändrats i den; kör kommandot igen om du vill fylla den.", "{} was created by another program while this database was being built. Nothing in it has changed; run the command again if you want to fill it.",
            path.display()
        ))),
        Err(e) => Err(AppError::io(msg!(
            "Databasen {} kunde inte skapas ({e}). Kontrollera att mappen går att skriva till, eller välj en annan plats med --db.", "The database {} could not be created ({e}). Check that the folder can be written to, or choose another place with --db.",
            path.display()
        ))),
    });
    leftovers(&tmp);
    #[cfg(unix)]
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
    }
    linked
}

/// Remove what a killed `init` left beside `path` (`NAME.init-PID` and its WAL), once nothing
/// has written to it for an hour; a running init writes to its file all the time.
fn remove_stale_inits(path: &Path) {
    let Some(name) = path.file_name().map(|n| format!("{}.init-", n.to_string_lossy())) else { return };
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let Ok(items) = std::fs::read_dir(dir) else { return };
    for item in items.flatten() {
        let stale = item
            .metadata()
            .ok()
            .filter(|m| m.is_file())
            .and_then(|m| m.modified().ok())
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > std::time::Duration::from_secs(3600));
        if stale && item.file_name().to_string_lossy().starts_with(&name) {
            let _ = std::fs::remove_file(item.path());
        }
    }
}

/// What opening the database at the start of a session gave.
pub struct Session {
    pub store: Store,
    /// The demo municipality was loaded now, into a new empty database.
    pub demo_loaded: bool,
    /// The automatic backup made at this start (at most one a day; `None` when today's
    /// exists), or why it failed. A failed backup does not stop the start: show it.
    pub daily_backup: Result<Option<BackupEntry>>,
    /// For a large file: the page-by-page check and the day's backup, left for the
    /// background (see [`StartChecks::run`]).
    pub later: Option<StartChecks>,
}

/// What a large database's start leaves for the background: the check of every page, then
/// the day's backup. The backup waits for the check, so a damaged file never becomes the
/// newest backup and never pushes a good one out of the rotation.
pub struct StartChecks {
    check: crate::store::DeferredCheck,
    path: PathBuf,
    today: NaiveDate,
}

impl StartChecks {
    /// `Err` when the file is damaged (nothing is backed up then); otherwise the day's backup
    /// made, `None` when today's exists, or why it failed.
    pub fn run(&self) -> Result<Result<Option<BackupEntry>>> {
        self.check.run()?;
        Ok(Store::open_read_only(&self.path).and_then(|store| {
            // Every page was read by the check just now, in this process.
            store.note_checked();
            backup::back_up_daily(&store, self.today)
        }))
    }
}

/// Open the shared PostgreSQL database at `url` for a session (issue 14): no demo is loaded
/// into it (an empty shared database shows the normal empty start, and the controller
/// fills it) and no daily backup file is made beside it (municipal IT backs up the server;
/// "Säkerhetskopiera" writes a SQLite copy where the user chooses).
pub fn open_shared_session(url: &str, at: &str) -> Result<Session> {
    let store = Store::open_shared(url, at)?;
    Ok(Session { store, demo_loaded: false, daily_backup: Ok(None), later: None })
}

/// The shared database the window connects to, as remembered between starts: everything
/// but the password, which is given once when connecting (or kept in a pgpass file).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct SharedConnection {
    pub host: String,
    pub port: u16,
    pub database: String,
    pub user: String,
    /// libpq's sslmode: disable, prefer, require, verify-ca or verify-full (the default).
    pub tls: String,
    /// The municipality's CA certificate (PEM), when not the system's.
    pub ca_file: Option<String>,
}

impl SharedConnection {
    /// The connection string, with `password` when one is given now (never stored).
    pub fn url(&self, password: Option<&str>) -> Result<String> {
        let bad = |field: &'static str, m: crate::error::Msg| AppError::validation(m).on_field(field);
        let host = self.host.trim();
        if host.is_empty() || host.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(bad(
                "host",
                msg!("Ange databasserverns namn, t.ex. db.kommun.se.", "Give the database server's name, e.g. db.kommun.se."),
            ));
        }
        if self.port == 0 {
            return Err(bad(
                "port",
                msg!("Ange en port mellan 1 och 65535 (oftast 5432).", "Give a port between 1 and 65535 (usually 5432)."),
            ));
        }
        if self.database.trim().is_empty() {
            return Err(bad("database", msg!("Ange databasens namn, t.ex. styrkort.", "Give the database's name, e.g. styrkort.")));
        }
        if self.user.trim().is_empty() {
            return Err(bad("user", msg!("Ange din inloggning till databasen.", "Give your login to the database.")));
        }
        if !["disable", "prefer", "require", "verify-ca", "verify-full"].contains(&self.tls.as_str()) {
            return Err(bad("tls", msg!("Välj hur anslutningen skyddas.", "Choose how the connection is protected.")));
        }
        let mut url = format!("postgresql://{}", encode(self.user.trim()));
        if let Some(p) = password.filter(|p| !p.is_empty()) {
            url.push(':');
            url.push_str(&encode(p));
        }
        url.push('@');
        url.push_str(&encode(host));
        url.push_str(&format!(":{}/{}?sslmode={}", self.port, encode(self.database.trim()), self.tls));
        if let Some(ca) = self.ca_file.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
            url.push_str("&sslrootcert=");
            url.push_str(&encode(ca));
        }
        Ok(url)
    }

    /// The remembered connection, if any (a missing or unreadable file is none).
    pub fn load(file: &Path) -> Option<SharedConnection> {
        std::fs::read(file).ok().and_then(|b| serde_json::from_slice(&b).ok())
    }

    /// Remember this connection for the next start (no password is in it).
    pub fn save(&self, file: &Path) -> Result<()> {
        let text = serde_json::to_vec_pretty(self).map_err(|e| AppError::new(crate::ErrorCode::Internal, msg!("{e}", "{e}")))?;
        if let Some(dir) = file.parent() {
            std::fs::create_dir_all(dir).map_err(|e| settings_error(file, &e))?;
        }
        crate::files::write_output(file, None, &text)
    }

    /// Forget the remembered connection: the next start opens the file on this computer.
    pub fn forget(file: &Path) -> Result<()> {
        match std::fs::remove_file(file) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(settings_error(file, &e)),
            _ => Ok(()),
        }
    }
}

fn settings_error(file: &Path, e: &std::io::Error) -> AppError {
    AppError::io(msg!(
        "Inställningen för den gemensamma databasen kunde inte sparas i {} ({e}). Anslutningen gäller tills Styrkort stängs.",
        "The setting for the shared database could not be saved in {} ({e}). The connection holds until Styrkort is closed.",
        file.display()
    ))
}

/// Percent-encode what may not stand as it is in a URL's user, password, host or path.
fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| if b.is_ascii_alphanumeric() || b"-._~".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect()
}

/// Environment variable naming the folder of the user's settings (tests; by default the OS
/// config folder, `~/.config/styrkort` on Linux).
pub const CONFIG_ENV: &str = "STYRKORT_CONFIG_DIR";

/// The file the window remembers the shared database in (without password).
pub fn shared_connection_file() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os(CONFIG_ENV).filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(dir).join("shared-database.json"));
    }
    directories::ProjectDirs::from("se", "Styrkort", "styrkort").map(|d| d.config_dir().join("shared-database.json"))
}

/// Open the database at the start of a session: load the demo municipality when it is new
/// and empty, then make the day's automatic backup if the backups folder has none for `today`.
pub fn open_session(path: &Path, ctx: &ChangeContext, today: NaiveDate) -> Result<Session> {
    open_session_deferring(path, ctx, today, crate::store::FULL_CHECK_MAX_BYTES)
}

pub(crate) fn open_session_deferring(path: &Path, ctx: &ChangeContext, today: NaiveDate, defer_above: u64) -> Result<Session> {
    let (mut store, check) = Store::open_deferring(path, defer_above)?;
    let demo_loaded = load_demo_if_empty(&mut store, ctx)?;
    if let Some(check) = check {
        let later = StartChecks { check, path: path.to_path_buf(), today };
        return Ok(Session { store, demo_loaded, daily_backup: Ok(None), later: Some(later) });
    }
    let daily_backup = backup::back_up_daily(&store, today);
    Ok(Session { store, demo_loaded, daily_backup, later: None })
}

fn load_demo_if_empty(store: &mut Store, ctx: &ChangeContext) -> Result<bool> {
    if store.is_empty()? {
        seed::load_demo(store, ctx)?;
        return Ok(true);
    }
    Ok(false)
}

/// Open the database, loading the demo municipality when it is new and empty.
/// Returns the store and whether the demo was loaded now. The day's automatic backup is
/// made as in [`open_session`] (today is the date of `ctx.at`), but a failed backup is not
/// reported: callers that can show it should use [`open_session`].
pub fn open_with_demo(path: &Path, ctx: &ChangeContext) -> Result<(Store, bool)> {
    match ctx.at.get(..10).and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()) {
        Some(today) => open_session(path, ctx, today).map(|s| (s.store, s.demo_loaded)),
        None => open_store_with_demo(path, ctx),
    }
}

fn open_store_with_demo(path: &Path, ctx: &ChangeContext) -> Result<(Store, bool)> {
    let mut store = Store::open(path)?;
    let loaded = load_demo_if_empty(&mut store, ctx)?;
    Ok((store, loaded))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_large_file_starts_first_and_is_backed_up_only_after_its_check_passes() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("stor.db");
        let ctx = ChangeContext::new("test", "2026-11-26T10:00:00");
        let today = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
        drop(open_session(&db, &ctx, today).unwrap());
        for entry in backup::list(&db).unwrap() {
            std::fs::remove_file(&entry.path).unwrap();
        }
        let session = open_session_deferring(&db, &ctx, today, 0).unwrap();
        assert!(matches!(session.daily_backup, Ok(None)), "no backup before the check");
        let made = session.later.expect("checks left for later").run().unwrap().unwrap();
        assert!(made.is_some(), "the day's backup follows a passed check");
        drop(session.store);

        // Damage in the middle of the file: the start goes on, the check refuses, no backup.
        for entry in backup::list(&db).unwrap() {
            std::fs::remove_file(&entry.path).unwrap();
        }
        let mut bytes = std::fs::read(&db).unwrap();
        let middle = (bytes.len() / 4096 / 2) * 4096;
        for (i, b) in bytes[middle..middle + 4096].iter_mut().enumerate() {
            *b = (i * 31 % 251) as u8;
        }
        std::fs::write(&db, &bytes).unwrap();
        let session = open_session_deferring(&db, &ctx, today, 0).unwrap();
        let err = session.later.unwrap().run().unwrap_err();
        assert_eq!(err.code, crate::ErrorCode::BadDatabase);
        assert!(backup::list(&db).unwrap().is_empty(), "a damaged file is never made the newest backup");
    }

    #[test]
    fn the_audit_name_is_chosen_per_os_account_and_falls_back_to_it() {
        let mut store = Store::open_in_memory().unwrap();
        let ctx = ChangeContext::new("kalle", "2026-11-26T10:00:00");
        assert_eq!(audit_user_name(&store, "kalle").unwrap(), "kalle");
        assert_eq!(set_audit_user_name(&mut store, &ctx, "kalle", "  Karl Åström ").unwrap(), "Karl Åström");
        assert_eq!(audit_user_name(&store, "kalle").unwrap(), "Karl Åström");
        assert_eq!(audit_user_name(&store, "stina").unwrap(), "stina", "another account keeps its own name");
        let err = set_audit_user_name(&mut store, &ctx, "kalle", "Karl\nÅström").unwrap_err();
        assert_eq!(err.field.as_deref(), Some("user_name"));
        assert_eq!(set_audit_user_name(&mut store, &ctx, "kalle", "").unwrap(), "kalle");
        assert_eq!(audit_user_name(&store, "kalle").unwrap(), "kalle");
    }

    #[test]
    fn cli_flag_beats_environment_beats_default() {
        let cli = PathBuf::from("/tmp/a.db");
        assert_eq!(resolve_path(Some(&cli), Some("/tmp/b.db")).unwrap(), cli);
        assert_eq!(resolve_path(None, Some("/tmp/b.db")).unwrap(), PathBuf::from("/tmp/b.db"));
        let default = resolve_path(None, Some("  ")).unwrap();
        assert!(default.ends_with("styrkort.db"), "{default:?}");
    }
}
