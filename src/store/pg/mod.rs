//! The shared database on PostgreSQL (issue 14): connecting as municipal IT expects, and the
//! schema's own versioned migrations.
//!
//! Invariants: TLS with certificate verification for any server that is not on this machine
//! unless the connection string says otherwise; the password comes from the connection string
//! or a pgpass file and is never stored by Styrkort; migrations run one at a time across all
//! clients (an advisory lock), each in its own transaction; a database whose schema is newer
//! than this program is refused before anything touches it. PostgreSQL-only SQL lives here.

mod listen;
mod pgpass;
pub mod users;

use std::path::{Path, PathBuf};
use std::time::Duration;

use postgres::config::{Host, SslMode};
use postgres::{Client, Config, NoTls};

use crate::error::{AppError, ErrorCode, Result};
use crate::msg;

pub use listen::Listener;
pub use pgpass::{find_password, lookup as pgpass_lookup};

/// The newest schema version this program knows (the last of [`MIGRATIONS`]).
pub const PG_SCHEMA_VERSION: i64 = 6;

/// The PostgreSQL schema's migrations, in order; migration `n` (from 1) brings the schema to
/// version `n`. Append only: never edit a released one.
const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_schema.sql"),
    include_str!("migrations/0002_roles.sql"),
    include_str!("migrations/0003_notify.sql"),
    include_str!("migrations/0004_journal.sql"),
    include_str!("migrations/0005_row_versions.sql"),
    include_str!("migrations/0006_kolada_area.sql"),
];

/// The channel every committed change is announced on, with the table's name as payload.
pub const CHANGED_CHANNEL: &str = "styrkort_changed";

/// The advisory lock every migrating client takes ("Styrkort" in ASCII), so two clients
/// starting at once do not both migrate.
const MIGRATION_LOCK: i64 = 0x5374_7972_6B6F_7274;

/// How long a connection attempt may take before the host counts as unreachable.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// How long a liveness round trip may take before the connection counts as lost.
pub const PING_TIMEOUT: Duration = Duration::from_secs(3);

/// An error on a connection that was open: one the server sent (a refusal, a constraint) as
/// [`AppError::from`] maps it, anything else (the socket closed, a timeout, a reset) as
/// [`ErrorCode::Disconnected`], since the connection cannot be trusted after it.
pub fn lost(err: postgres::Error) -> AppError {
    let from_server = err.as_db_error().is_some() && !err.is_closed();
    let mapped = AppError::from(err);
    if from_server || mapped.code == ErrorCode::Disconnected {
        return mapped;
    }
    AppError::new(
        ErrorCode::Disconnected,
        msg!(
            "Ingen kontakt med databasen – försöker igen. Det som inte hann sparas har inte sparats; spara igen när kontakten är tillbaka.",
            "No contact with the database – trying again. What was not saved in time has not been saved; save again when the connection is back."
        ),
    )
}

/// What the window shows of the shared database `url`: database and host (and the login
/// apart), never a password. `None` when `url` cannot be read.
pub fn describe(url: &str) -> Option<Described> {
    let target = parse(url).ok()?;
    let host = match target.config.get_hosts().first() {
        Some(Host::Tcp(h)) => h.clone(),
        #[cfg(unix)]
        Some(Host::Unix(p)) => p.display().to_string(),
        None => String::new(),
    };
    let port = target.config.get_ports().first().copied().unwrap_or(5432);
    Some(Described {
        host,
        port,
        database: target.config.get_dbname().or(target.config.get_user()).unwrap_or("").to_string(),
        user: target.config.get_user().unwrap_or("").to_string(),
    })
}

/// The parts of a connection string that may be shown (no password).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Described {
    pub host: String,
    pub port: u16,
    pub database: String,
    pub user: String,
}

impl Described {
    /// "styrkort på db.kommun.se" for the title bar.
    pub fn short(&self) -> String {
        format!("{} – {}", self.database, self.host)
    }
}

/// Whether `--db` names a PostgreSQL database (a `postgres://` or `postgresql://` URL) rather
/// than a SQLite file.
pub fn is_url(s: &str) -> bool {
    let lower = s.trim_start().get(..13).unwrap_or("").to_ascii_lowercase();
    lower.starts_with("postgres://") || lower.starts_with("postgresql://")
}

/// How the connection is protected, as libpq's `sslmode` says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlsMode {
    Disable,
    Prefer,
    Require,
    VerifyCa,
    VerifyFull,
}

/// A connection string taken apart: what rust-postgres understands, and the TLS settings it
/// does not (`verify-ca`, `verify-full`, `sslrootcert`), which we apply ourselves.
#[derive(Debug)]
pub struct Target {
    pub config: Config,
    /// The mode asked for, or the default: none for a Unix socket or the loopback address,
    /// `verify-full` for any other host.
    pub tls: TlsMode,
    pub root_cert: Option<PathBuf>,
}

/// Parse a connection string (URL or `key=value …`) into a [`Target`], without connecting.
pub fn parse(conn: &str) -> Result<Target> {
    let (rest, sslmode, rootcert) = split_tls_params(conn)?;
    let mut config: Config = rest.parse().map_err(|e| {
        AppError::validation(msg!(
            "Anslutningen till databasen är felskriven ({e}). Skriv den som postgres://användare@värd:port/databas.",
            "The database connection string is malformed ({e}). Write it as postgres://user@host:port/database."
        ))
    })?;
    if config.get_hosts().is_empty() {
        // libpq's default: the local server's Unix socket.
        #[cfg(unix)]
        config.host_path("/var/run/postgresql");
        #[cfg(not(unix))]
        config.host("localhost");
    }
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(CONNECT_TIMEOUT);
    }
    let tls = match sslmode.as_deref() {
        None if config.get_hosts().iter().all(is_local) => TlsMode::Disable,
        None => TlsMode::VerifyFull,
        Some("disable") => TlsMode::Disable,
        Some("allow") | Some("prefer") => TlsMode::Prefer,
        Some("require") => TlsMode::Require,
        Some("verify-ca") => TlsMode::VerifyCa,
        Some("verify-full") => TlsMode::VerifyFull,
        Some(other) => {
            return Err(AppError::validation(msg!(
                "Okänt sslmode \"{other}\". Använd disable, prefer, require, verify-ca eller verify-full.",
                "Unknown sslmode \"{other}\". Use disable, prefer, require, verify-ca or verify-full."
            )))
        }
    };
    config.ssl_mode(match tls {
        TlsMode::Disable => SslMode::Disable,
        TlsMode::Prefer => SslMode::Prefer,
        _ => SslMode::Require,
    });
    Ok(Target { config, tls, root_cert: rootcert.map(PathBuf::from) })
}

/// A Unix socket, `localhost` or a loopback address: traffic that never leaves this machine.
fn is_local(host: &Host) -> bool {
    match host {
        Host::Tcp(name) => {
            name.eq_ignore_ascii_case("localhost") || name.parse::<std::net::IpAddr>().map(|ip| ip.is_loopback()).unwrap_or(false)
        }
        #[cfg(unix)]
        Host::Unix(_) => true,
    }
}

/// Take `sslmode` and `sslrootcert` out of a connection string (rust-postgres refuses
/// `verify-*` and does not know `sslrootcert`); the rest is returned for [`Config`] to parse.
fn split_tls_params(conn: &str) -> Result<(String, Option<String>, Option<String>)> {
    let conn = conn.trim();
    let mut sslmode = None;
    let mut rootcert = None;
    if is_url(conn) {
        let Some((base, query)) = conn.split_once('?') else { return Ok((conn.to_string(), None, None)) };
        let mut kept = Vec::new();
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let value = percent_decode(v);
            match k {
                "sslmode" => sslmode = Some(value),
                "sslrootcert" => rootcert = Some(value),
                _ => kept.push(pair),
            }
        }
        let rest = if kept.is_empty() { base.to_string() } else { format!("{base}?{}", kept.join("&")) };
        return Ok((rest, sslmode, rootcert));
    }
    let mut kept = Vec::new();
    for (k, v) in key_values(conn)? {
        match k.as_str() {
            "sslmode" => sslmode = Some(v),
            "sslrootcert" => rootcert = Some(v),
            _ => kept.push(format!("{k}='{}'", v.replace('\\', "\\\\").replace('\'', "\\'"))),
        }
    }
    Ok((kept.join(" "), sslmode, rootcert))
}

/// The pairs of a `key=value key='quoted value'` connection string, as libpq reads them.
fn key_values(s: &str) -> Result<Vec<(String, String)>> {
    let bad = || {
        AppError::validation(msg!(
            "Anslutningen till databasen är felskriven. Skriv den som postgres://användare@värd:port/databas eller host=… dbname=… user=….",
            "The database connection string is malformed. Write it as postgres://user@host:port/database or host=… dbname=… user=…."
        ))
    };
    let mut out = Vec::new();
    let mut chars = s.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        if chars.peek().is_none() {
            return Ok(out);
        }
        let mut key = String::new();
        while let Some(&c) = chars.peek() {
            if c == '=' || c.is_whitespace() {
                break;
            }
            key.push(c);
            chars.next();
        }
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        if chars.next() != Some('=') || key.is_empty() {
            return Err(bad());
        }
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        let mut value = String::new();
        if chars.peek() == Some(&'\'') {
            chars.next();
            loop {
                match chars.next() {
                    Some('\'') => break,
                    Some('\\') => value.push(chars.next().ok_or_else(bad)?),
                    Some(c) => value.push(c),
                    None => return Err(bad()),
                }
            }
        } else {
            while let Some(&c) = chars.peek() {
                if c.is_whitespace() {
                    break;
                }
                chars.next();
                if c == '\\' {
                    value.push(chars.next().ok_or_else(bad)?);
                } else {
                    value.push(c);
                }
            }
        }
        out.push((key, value));
    }
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// What the user sees of a target: user, host and database, never a password.
fn shown(config: &Config) -> String {
    let host = match config.get_hosts().first() {
        Some(Host::Tcp(h)) => h.clone(),
        #[cfg(unix)]
        Some(Host::Unix(p)) => p.display().to_string(),
        None => String::new(),
    };
    let db = config.get_dbname().or(config.get_user()).unwrap_or("");
    format!("{db} på/on {host}")
}

/// Connect to the shared database named by `url` (a `postgres://` URL or libpq's
/// `key=value` form), with TLS as [`parse`] decides and the password from the URL or the
/// pgpass file. Errors say what to do, in both languages.
pub fn connect(url: &str) -> Result<Client> {
    let Target { mut config, tls, root_cert } = parse(url)?;
    if config.get_password().is_none() {
        if let Some(password) = find_password(&config) {
            config.password(password);
        }
    }
    let result = match tls {
        TlsMode::Disable => config.connect(NoTls),
        _ => config.connect(postgres_native_tls::MakeTlsConnector::new(tls_connector(tls, root_cert.as_deref())?)),
    };
    result.map_err(|e| connect_error(e, &config))
}

/// The TLS client for `mode`: `verify-full` checks the certificate chain and the host name,
/// `verify-ca` the chain only, `prefer`/`require` encrypt without checking (as libpq does
/// without a root certificate). With `sslrootcert` only that file's CAs are trusted;
/// otherwise the system's.
fn tls_connector(mode: TlsMode, root_cert: Option<&Path>) -> Result<native_tls::TlsConnector> {
    let mut builder = native_tls::TlsConnector::builder();
    let verify = matches!(mode, TlsMode::VerifyCa | TlsMode::VerifyFull) || root_cert.is_some();
    if let Some(path) = root_cert {
        let pem = std::fs::read(path).map_err(|e| {
            AppError::io(msg!(
                "CA-certifikatet {} kunde inte läsas ({e}). Kontrollera sökvägen i sslrootcert.",
                "The CA certificate {} could not be read ({e}). Check the path in sslrootcert.",
                path.display()
            ))
        })?;
        let certs = pem_certificates(&pem);
        if certs.is_empty() {
            return Err(AppError::bad_file(msg!(
                "{} innehåller inget CA-certifikat i PEM-format. Be kommunens IT om certifikatet.",
                "{} contains no CA certificate in PEM format. Ask the municipality's IT for the certificate.",
                path.display()
            )));
        }
        for cert in certs {
            let cert = native_tls::Certificate::from_pem(&cert).map_err(|e| {
                AppError::bad_file(msg!(
                    "CA-certifikatet i {} kunde inte läsas ({e}). Be kommunens IT om certifikatet i PEM-format.",
                    "The CA certificate in {} could not be read ({e}). Ask the municipality's IT for the certificate in PEM format.",
                    path.display()
                ))
            })?;
            builder.add_root_certificate(cert);
        }
        builder.disable_built_in_roots(true);
    }
    if !verify {
        builder.danger_accept_invalid_certs(true);
    }
    if mode == TlsMode::VerifyCa {
        builder.danger_accept_invalid_hostnames(true);
    }
    builder.build().map_err(|e| {
        AppError::new(
            ErrorCode::Internal,
            msg!("TLS kunde inte startas ({e}). Kontakta kommunens IT.", "TLS could not be started ({e}). Contact the municipality's IT."),
        )
    })
}

/// Each `-----BEGIN CERTIFICATE-----` block of a PEM file.
fn pem_certificates(pem: &[u8]) -> Vec<Vec<u8>> {
    const BEGIN: &str = "-----BEGIN CERTIFICATE-----";
    const END: &str = "-----END CERTIFICATE-----";
    let text = String::from_utf8_lossy(pem);
    let mut out = Vec::new();
    let mut rest = text.as_ref();
    while let Some(start) = rest.find(BEGIN) {
        let Some(len) = rest[start..].find(END) else { break };
        let end = start + len + END.len();
        out.push(rest.as_bytes()[start..end].to_vec());
        rest = &rest[end..];
    }
    out
}

/// A failed connection attempt in the user's words, with what to do.
fn connect_error(err: postgres::Error, config: &Config) -> AppError {
    use postgres::error::SqlState;
    let target = shown(config);
    let detail = chain(&err);
    if let Some(code) = err.code() {
        if *code == SqlState::INVALID_PASSWORD || *code == SqlState::INVALID_AUTHORIZATION_SPECIFICATION {
            let user = config.get_user().unwrap_or("");
            return AppError::new(
                ErrorCode::PermissionDenied,
                msg!(
                    "Databasen {target} släppte inte in användaren {user}: fel lösenord eller ingen behörighet ({detail}). Kontrollera lösenordet i anslutningen eller i pgpass-filen, eller be kommunens IT om behörighet.",
                    "The database {target} did not let user {user} in: wrong password or no access ({detail}). Check the password in the connection or in the pgpass file, or ask the municipality's IT for access."
                ),
            );
        }
        if *code == SqlState::INVALID_CATALOG_NAME {
            return AppError::not_found(msg!(
                "Databasen {target} finns inte. Kontrollera databasens namn, eller be kommunens IT skapa den.",
                "The database {target} does not exist. Check the database's name, or ask the municipality's IT to create it."
            ));
        }
        return AppError::from(err);
    }
    let text = detail.as_str();
    if text.starts_with("error performing TLS handshake") {
        let what = if text.contains("does not support TLS") {
            msg!("servern erbjuder ingen krypterad anslutning (TLS)", "the server offers no encrypted connection (TLS)")
        } else {
            msg!("serverns certifikat kunde inte verifieras", "the server's certificate could not be verified")
        };
        return AppError::new(
            ErrorCode::BadDatabase,
            msg!(
                "Ingen säker anslutning till {target}: {what} ({detail}). Ingenting skickades. Be kommunens IT om CA-certifikatet och ange det med sslrootcert=FIL, eller kontrollera värdnamnet.",
                "No secure connection to {target}: {what} ({detail}). Nothing was sent. Ask the municipality's IT for the CA certificate and give it with sslrootcert=FILE, or check the host name.",
                what = what
            ),
        );
    }
    if text.starts_with("authentication error") || text.contains("password missing") {
        return AppError::new(
            ErrorCode::PermissionDenied,
            msg!(
                "Databasen {target} kräver ett lösenord ({detail}). Lägg lösenordet i pgpass-filen (PGPASSFILE eller ~/.pgpass, läsbar bara för dig) eller i anslutningen.",
                "The database {target} requires a password ({detail}). Put the password in the pgpass file (PGPASSFILE or ~/.pgpass, readable only by you) or in the connection."
            ),
        );
    }
    AppError::new(
        ErrorCode::Disconnected,
        msg!(
            "Ingen kontakt med databasen {target} ({detail}). Kontrollera värd och port och att nätverket är uppe, och försök igen.",
            "No contact with the database {target} ({detail}). Check the host and port and that the network is up, and try again."
        ),
    )
}

/// An error with its causes, `outer: inner: …` (rust-postgres' Display shows only the outer).
fn chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(e) = source {
        text.push_str(": ");
        text.push_str(&e.to_string());
        source = e.source();
    }
    text
}

/// The schema version of the connected database, or `None` when it has no Styrkort schema.
pub fn version(client: &mut Client) -> Result<Option<i64>> {
    let exists: bool = client.query_one("SELECT to_regclass('styrkort_schema') IS NOT NULL", &[])?.get(0);
    if !exists {
        return Ok(None);
    }
    let v: Option<i64> = client.query_one("SELECT MAX(version) FROM styrkort_schema", &[])?.get(0);
    Ok(Some(v.unwrap_or(0)))
}

/// Bring the connected database to [`PG_SCHEMA_VERSION`], applying each pending migration in
/// its own transaction under an advisory lock, recording it with `at` (ISO time). Returns
/// the version reached. Refuses, touching nothing, a database of a newer Styrkort
/// ([`ErrorCode::NewerDatabase`]) and a database that has tables but no Styrkort schema.
pub fn migrate(client: &mut Client, at: &str) -> Result<i64> {
    loop {
        let mut tx = client.transaction()?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])?;
        let name: String = tx.query_one("SELECT current_database()", &[])?.get(0);
        let exists: bool = tx.query_one("SELECT to_regclass('styrkort_schema') IS NOT NULL", &[])?.get(0);
        let current = if exists {
            let v: Option<i64> = tx.query_one("SELECT MAX(version) FROM styrkort_schema", &[])?.get(0);
            v.unwrap_or(0)
        } else {
            let tables: i64 = tx.query_one("SELECT COUNT(*) FROM pg_catalog.pg_tables WHERE schemaname = current_schema()", &[])?.get(0);
            if tables > 0 {
                return Err(AppError::new(
                    ErrorCode::BadDatabase,
                    msg!(
                        "Databasen {name} har tabeller men är inte en Styrkort-databas. Ingenting har ändrats; välj en annan databas eller be kommunens IT om en tom.",
                        "The database {name} has tables but is not a Styrkort database. Nothing has been changed; choose another database or ask the municipality's IT for an empty one."
                    ),
                ));
            }
            0
        };
        let target = PG_SCHEMA_VERSION;
        if current > target {
            return Err(AppError::new(
                ErrorCode::NewerDatabase,
                msg!(
                    "Databasen {name} är skapad av en nyare version av Styrkort (schemaversion {current}, den här versionen kan {target}). Uppdatera Styrkort för att öppna den; databasen har inte ändrats.",
                    "The database {name} was created by a newer version of Styrkort (schema version {current}; this version reads up to {target}). Update Styrkort to open it; the database has not been changed."
                ),
            ));
        }
        if current == target {
            tx.commit()?;
            return Ok(current);
        }
        if !exists {
            tx.batch_execute("CREATE TABLE styrkort_schema (version BIGINT PRIMARY KEY, applied_at TEXT NOT NULL)")?;
        }
        let next = current + 1;
        let Some(sql) = usize::try_from(current).ok().and_then(|i| MIGRATIONS.get(i)) else {
            return Err(AppError::new(
                ErrorCode::BadDatabase,
                msg!(
                    "Databasen {name} har en ogiltig schemaversion ({current}). Ingenting har ändrats; kontakta kommunens IT.",
                    "The database {name} has an invalid schema version ({current}). Nothing has been changed; contact the municipality's IT."
                ),
            ));
        };
        tx.batch_execute(sql)?;
        tx.execute("INSERT INTO styrkort_schema(version, applied_at) VALUES ($1, $2)", &[&next, &at])?;
        tx.commit()?;
    }
}

/// After rows were copied in with their ids (from a SQLite file): move every identity
/// column's sequence past the largest id there, so the next row without an id gets a fresh
/// one. Run it in the copy's transaction.
pub fn reset_identities(client: &mut impl postgres::GenericClient) -> Result<()> {
    let columns: Vec<(String, String)> = client
        .query(
            "SELECT table_name::text, column_name::text FROM information_schema.columns
             WHERE table_schema = current_schema() AND is_identity = 'YES' ORDER BY table_name",
            &[],
        )?
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    for (table, column) in columns {
        let (t, c) = (table.replace('"', "\"\""), column.replace('"', "\"\""));
        client.execute(
            &format!(
                "SELECT setval(pg_get_serial_sequence(quote_ident($1), $2), COALESCE((SELECT MAX(\"{c}\") FROM \"{t}\"), 0) + 1, false)"
            ),
            &[&table, &column],
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_told_from_files() {
        assert!(is_url("postgres://u@h/db"));
        assert!(is_url("PostgreSQL://u@h/db"));
        assert!(!is_url("kommun.db"));
        assert!(!is_url("/tmp/postgres://x"));
        assert!(!is_url("host=db dbname=x"));
    }

    #[test]
    fn tls_defaults_follow_the_host() {
        assert_eq!(parse("postgres://u@db.kommun.se/styrkort").unwrap().tls, TlsMode::VerifyFull);
        assert_eq!(parse("postgres://u@localhost/styrkort").unwrap().tls, TlsMode::Disable);
        assert_eq!(parse("postgres://u@127.0.0.1/styrkort").unwrap().tls, TlsMode::Disable);
        assert_eq!(parse("postgres://u@%2Ftmp%2Fsock/styrkort").unwrap().tls, TlsMode::Disable);
        assert_eq!(parse("host=/tmp/sock dbname=x user=u").unwrap().tls, TlsMode::Disable);
        assert_eq!(parse("host=db.kommun.se dbname=x user=u").unwrap().tls, TlsMode::VerifyFull);
    }

    #[test]
    fn tls_params_are_taken_out_and_kept() {
        let t = parse("postgres://u@db.kommun.se/x?sslmode=verify-ca&sslrootcert=%2Fetc%2Fca.pem&application_name=s").unwrap();
        assert_eq!(t.tls, TlsMode::VerifyCa);
        assert_eq!(t.root_cert.as_deref(), Some(Path::new("/etc/ca.pem")));
        assert_eq!(t.config.get_application_name(), Some("s"));
        let t = parse("host=db.kommun.se dbname='my db' user=u sslmode=disable sslrootcert='/a b/ca.pem'").unwrap();
        assert_eq!(t.tls, TlsMode::Disable);
        assert_eq!(t.root_cert.as_deref(), Some(Path::new("/a b/ca.pem")));
        assert_eq!(t.config.get_dbname(), Some("my db"));
        assert_eq!(parse("postgres://u@localhost/x?sslmode=require").unwrap().tls, TlsMode::Require);
        assert_eq!(parse("postgres://u@localhost/x?sslmode=bogus").unwrap_err().code, ErrorCode::Validation);
        assert_eq!(parse("host=x dbname").unwrap_err().code, ErrorCode::Validation);
    }

    #[test]
    fn a_connect_timeout_is_set() {
        assert_eq!(parse("postgres://u@db.kommun.se/x").unwrap().config.get_connect_timeout(), Some(&CONNECT_TIMEOUT));
    }

    #[test]
    fn pem_bundles_are_split() {
        let pem = b"junk\n-----BEGIN CERTIFICATE-----\nAAA\n-----END CERTIFICATE-----\n-----BEGIN CERTIFICATE-----\nBBB\n-----END CERTIFICATE-----\n";
        let certs = pem_certificates(pem);
        assert_eq!(certs.len(), 2);
        assert!(String::from_utf8_lossy(&certs[1]).contains("BBB"));
    }
}
