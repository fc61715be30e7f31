//! The password from a pgpass file, as libpq reads it: `PGPASSFILE` or `~/.pgpass`, lines
//! `host:port:database:user:password` where `*` matches anything and `\:` / `\\` escape; the
//! first matching line wins. A file that others may read is ignored with a warning, as libpq
//! does. Styrkort only reads the file; it never writes a password anywhere.

use std::path::PathBuf;

use postgres::config::Host;
use postgres::Config;

/// The password for `config`'s first host, port, database and user, from the pgpass file.
pub fn find_password(config: &Config) -> Option<String> {
    password_from_file(&pgpass_path()?, config)
}

/// The password for `config` from the pgpass file at `path`; `None` (with a warning) when
/// others than its owner may read the file.
fn password_from_file(path: &std::path::Path, config: &Config) -> Option<String> {
    let path = path.to_path_buf();
    let contents = std::fs::read_to_string(&path).ok()?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).ok()?.permissions().mode();
        if mode & 0o077 != 0 {
            let m = crate::msg!(
                "Varning: lösenordsfilen {} kan läsas av andra än dig och används inte. Gör den läsbar bara för dig: chmod 600 {}",
                "Warning: the password file {} can be read by others than you and is not used. Make it readable only by you: chmod 600 {}",
                path.display(),
                path.display()
            );
            eprintln!("{}\n{}", m.sv, m.en);
            return None;
        }
    }
    let host = match config.get_hosts().first() {
        Some(Host::Tcp(h)) => h.clone(),
        // libpq matches a Unix socket as "localhost".
        #[cfg(unix)]
        Some(Host::Unix(_)) => "localhost".to_string(),
        None => "localhost".to_string(),
    };
    let port = config.get_ports().first().copied().unwrap_or(5432).to_string();
    let os_user = std::env::var("USER").or_else(|_| std::env::var("USERNAME")).unwrap_or_default();
    let user = config.get_user().map(str::to_string).unwrap_or(os_user);
    let db = config.get_dbname().map(str::to_string).unwrap_or_else(|| user.clone());
    lookup(&contents, &host, &port, &db, &user)
}

fn pgpass_path() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("PGPASSFILE").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(p));
    }
    #[cfg(windows)]
    {
        std::env::var_os("APPDATA").map(|d| PathBuf::from(d).join("postgresql").join("pgpass.conf"))
    }
    #[cfg(not(windows))]
    {
        std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".pgpass"))
    }
}

/// The password of the first line of a pgpass file's `contents` matching host, port,
/// database and user.
pub fn lookup(contents: &str, host: &str, port: &str, db: &str, user: &str) -> Option<String> {
    for line in contents.lines() {
        let line = line.trim_end_matches('\r');
        if line.trim_start().starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let fields = split_line(line);
        if fields.len() < 5 {
            continue;
        }
        let matches = |(field, want): (&(String, bool), &str)| field.1 || field.0 == want;
        if fields[..4].iter().zip([host, port, db, user]).all(matches) {
            // The password is the rest of the line (a stray unescaped ':' stays in it).
            return Some(fields[4..].iter().map(|f| f.0.as_str()).collect::<Vec<_>>().join(":"));
        }
    }
    None
}

/// The `:`-separated fields of a line, unescaped, each with whether it is the wildcard `*`.
fn split_line(line: &str) -> Vec<(String, bool)> {
    let mut fields = Vec::new();
    let mut cur = String::new();
    let mut escaped_any = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(n) = chars.next() {
                    cur.push(n);
                    escaped_any = true;
                }
            }
            ':' => {
                let star = cur == "*" && !escaped_any;
                fields.push((std::mem::take(&mut cur), star));
                escaped_any = false;
            }
            _ => cur.push(c),
        }
    }
    let star = cur == "*" && !escaped_any;
    fields.push((cur, star));
    fields
}

#[cfg(test)]
mod tests {
    use super::{lookup, password_from_file};

    #[cfg(unix)]
    #[test]
    fn a_file_others_can_read_is_not_used() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pgpass");
        std::fs::write(&path, "db.kommun.se:5432:styrkort:anna:hemligt\n").unwrap();
        let config: postgres::Config = "host=db.kommun.se dbname=styrkort user=anna".parse().unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert_eq!(password_from_file(&path, &config).as_deref(), Some("hemligt"));
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert_eq!(password_from_file(&path, &config), None);
        // A Unix socket counts as localhost, the default port 5432.
        std::fs::write(&path, "localhost:5432:styrkort:anna:lokalt\n").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        let config: postgres::Config = "host=/var/run/postgresql dbname=styrkort user=anna".parse().unwrap();
        assert_eq!(password_from_file(&path, &config).as_deref(), Some("lokalt"));
    }

    const FILE: &str = "\
# comment line
db.kommun.se:5432:styrkort:anna:annas-lösen
db.kommun.se:*:*:bertil:b\\:with\\\\colon
*:*:styrkort:*:fallback
localhost:5433:other:anna:local
\\*:5432:x:y:literal-star
";

    #[test]
    fn exact_line_matches() {
        assert_eq!(lookup(FILE, "db.kommun.se", "5432", "styrkort", "anna").as_deref(), Some("annas-lösen"));
    }

    #[test]
    fn wildcards_and_escapes() {
        assert_eq!(lookup(FILE, "db.kommun.se", "6000", "any", "bertil").as_deref(), Some("b:with\\colon"));
        assert_eq!(lookup(FILE, "elsewhere", "1", "styrkort", "carl").as_deref(), Some("fallback"));
    }

    #[test]
    fn first_match_wins_and_misses_are_none() {
        // anna on db.kommun.se/styrkort matches line 1 before the wildcard line.
        assert_eq!(lookup(FILE, "db.kommun.se", "5432", "styrkort", "anna").as_deref(), Some("annas-lösen"));
        assert_eq!(lookup(FILE, "localhost", "5433", "other", "anna").as_deref(), Some("local"));
        assert_eq!(lookup(FILE, "localhost", "5432", "other", "anna"), None);
        assert_eq!(lookup("", "h", "1", "d", "u"), None);
    }

    #[test]
    fn an_escaped_star_is_literal() {
        assert_eq!(lookup(FILE, "anyhost", "5432", "x", "y"), None);
        assert_eq!(lookup(FILE, "*", "5432", "x", "y").as_deref(), Some("literal-star"));
    }

    #[test]
    fn short_lines_and_crlf() {
        assert_eq!(lookup("h:1:d:u\r\nh:1:d:u:pw\r\n", "h", "1", "d", "u").as_deref(), Some("pw"));
    }
}
