//! A throw-away PostgreSQL cluster for the tests (issue 14): `initdb` and `pg_ctl` in a temp
//! dir, listening on a Unix socket in that dir only (or on 127.0.0.1 for the TLS tests).
//!
//! One cluster per test binary ([`shared`]), each test its own database
//! ([`PgCluster::create_database`]), so the tests stay fast. As root (CI, these machines) the
//! server programs run as the `postgres` user, since initdb and postgres refuse root.
//!
//! Stopping: a cluster owned by a test ([`PgCluster::start`]) stops in `Drop`. The shared one
//! lives in a `static`, which Rust never drops, and a test process may also die by a signal; so
//! every cluster is started together with a watchdog shell in its own session,
//! `while kill -0 <test pid>; do sleep 1; done; pg_ctl -m immediate stop; rm -rf <dir>`, which
//! stops the server and removes its files within a second of the test process ending, however
//! it ends. (PostgreSQL has no parent-death option, and an `atexit` hook would not run on a
//! signal.)
//!
//! Without the server programs: when `CI` is set the tests panic with how to install them,
//! otherwise they print `skipped: PostgreSQL not installed` and return early.
#![allow(dead_code)]

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;

/// A running throw-away cluster.
pub struct PgCluster {
    dir: PathBuf,
    bin: PathBuf,
    port: u16,
    /// Listening on 127.0.0.1 (TLS tests) rather than only the Unix socket.
    tcp: bool,
    as_postgres: bool,
    watchdog: Option<Child>,
}

/// The cluster this test binary shares, started on first use; `None` (after printing
/// `skipped: PostgreSQL not installed`) when the server programs are missing outside CI.
pub fn shared() -> Option<&'static PgCluster> {
    static CLUSTER: OnceLock<Option<PgCluster>> = OnceLock::new();
    let cluster = CLUSTER.get_or_init(PgCluster::start).as_ref();
    if cluster.is_none() {
        println!("skipped: PostgreSQL not installed");
    }
    cluster
}

/// The directory of the newest installed server's programs (`initdb`, `pg_ctl`):
/// `STYRKORT_PG_BIN`, else Debian's /usr/lib/postgresql/N/bin, else `pg_ctl` on PATH.
pub fn server_bin() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("STYRKORT_PG_BIN") {
        let dir = PathBuf::from(dir);
        return (dir.join("initdb").exists() && dir.join("pg_ctl").exists()).then_some(dir);
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let v = e.file_name().to_str()?.parse::<u32>().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").exists().then_some((v, bin))
        })
        .collect();
    versions.sort();
    if let Some((_, bin)) = versions.pop() {
        return Some(bin);
    }
    std::env::var_os("PATH").and_then(|p| std::env::split_paths(&p).find(|d| d.join("pg_ctl").exists() && d.join("initdb").exists()))
}

fn missing() -> Option<PgCluster> {
    if std::env::var_os("CI").is_some() {
        panic!(
            "PostgreSQL server programs (initdb, pg_ctl) not found. Install them with \
             `scripts/install-system-deps.sh --test` (Debian: apt-get install postgresql), or set \
             STYRKORT_PG_BIN to their directory."
        );
    }
    None
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

impl PgCluster {
    /// Start a cluster on a Unix socket only; `None` when PostgreSQL is not installed (and
    /// `CI` is not set).
    pub fn start() -> Option<PgCluster> {
        Self::start_with(None)
    }

    /// Start a cluster listening on 127.0.0.1 with TLS on, serving `cert` (PEM, the server's
    /// certificate, for `localhost`) and `key` (its private key).
    pub fn start_tls(cert: &Path, key: &Path) -> Option<PgCluster> {
        Self::start_with(Some((cert, key)))
    }

    fn start_with(tls: Option<(&Path, &Path)>) -> Option<PgCluster> {
        let Some(bin) = server_bin() else { return missing() };
        let as_postgres = is_root();
        let dir = tempfile::Builder::new().prefix("styrkort-pg-").tempdir().expect("temp dir").keep();
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let mut cluster = PgCluster { dir, bin, port, tcp: tls.is_some(), as_postgres, watchdog: None };
        let mut options = format!("-k {} -p {port} -c fsync=off -c synchronous_commit=off -c full_page_writes=off", cluster.dir.display());
        if let Some((cert, key)) = tls {
            std::fs::copy(cert, cluster.dir.join("server.crt")).unwrap();
            std::fs::copy(key, cluster.dir.join("server.key")).unwrap();
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(cluster.dir.join("server.key"), std::fs::Permissions::from_mode(0o600)).unwrap();
            options.push_str(&format!(
                " -h 127.0.0.1 -c ssl=on -c ssl_cert_file={0}/server.crt -c ssl_key_file={0}/server.key",
                cluster.dir.display()
            ));
        } else {
            options.push_str(" -h ''");
        }
        if as_postgres {
            let st = Command::new("chown").arg("-R").arg("postgres:postgres").arg(&cluster.dir).status().unwrap();
            assert!(st.success(), "chown of the cluster dir to postgres failed");
        }
        cluster.watchdog = Some(cluster.spawn_watchdog());
        let data = cluster.dir.join("data");
        cluster.run(
            "initdb",
            &[
                "-D".as_ref(),
                data.as_os_str(),
                "-A".as_ref(),
                "trust".as_ref(),
                "-U".as_ref(),
                "postgres".as_ref(),
                "-E".as_ref(),
                "UTF8".as_ref(),
                "--locale=C.UTF-8".as_ref(),
                "--no-sync".as_ref(),
            ],
        );
        let log = cluster.dir.join("log");
        cluster.run(
            "pg_ctl",
            &[
                "-D".as_ref(),
                data.as_os_str(),
                "-o".as_ref(),
                options.as_ref(),
                "-l".as_ref(),
                log.as_os_str(),
                "-w".as_ref(),
                "start".as_ref(),
            ],
        );
        Some(cluster)
    }

    /// Run one of the server's programs (as `postgres` when we are root); panics with its
    /// output when it fails.
    fn run(&self, program: &str, args: &[&std::ffi::OsStr]) {
        let exe = self.bin.join(program);
        let mut cmd = if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&exe);
            c
        } else {
            Command::new(&exe)
        };
        let out = cmd.args(args).current_dir(&self.dir).stdin(Stdio::null()).output().unwrap();
        if !out.status.success() {
            let log = std::fs::read_to_string(self.dir.join("log")).unwrap_or_default();
            panic!(
                "{program} failed: {}\n{}\nserver log:\n{log}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }

    /// The shell that stops this cluster and removes its dir once this test process is gone
    /// (see the module's comment), in its own session so a Ctrl-C to the tests reaches it only
    /// through their ending.
    fn spawn_watchdog(&self) -> Child {
        let q = |p: &Path| format!("'{}'", p.display().to_string().replace('\'', "'\\''"));
        let pg_ctl = q(&self.bin.join("pg_ctl"));
        let stop = if self.as_postgres {
            format!("runuser -u postgres -- {pg_ctl} -D {}/data -m immediate stop", q(&self.dir))
        } else {
            format!("{pg_ctl} -D {}/data -m immediate stop", q(&self.dir))
        };
        let script = format!(
            "while kill -0 {pid} 2>/dev/null; do sleep 1; done; {stop}; rm -rf {dir}",
            pid = std::process::id(),
            dir = q(&self.dir)
        );
        let mut cmd = Command::new("sh");
        cmd.arg("-c").arg(script).stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::null());
        // SAFETY: setsid is async-signal-safe and touches only the child.
        unsafe {
            cmd.pre_exec(|| {
                libc::setsid();
                Ok(())
            });
        }
        cmd.spawn().expect("start the cluster's watchdog")
    }

    /// The port (also the Unix socket's name, `.s.PGSQL.<port>`).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The cluster's data directory (pg_hba.conf, postgresql.conf).
    pub fn data_dir(&self) -> PathBuf {
        self.dir.join("data")
    }

    /// The directory holding the Unix socket.
    pub fn socket_dir(&self) -> &Path {
        &self.dir
    }

    /// A connection URL for database `db` as user `postgres`: over the Unix socket (the
    /// socket dir percent-encoded as the URL's host, which rust-postgres reads as a path), or
    /// for a TLS cluster `localhost` over TCP.
    pub fn url(&self, db: &str) -> String {
        if self.tcp {
            return format!("postgresql://postgres@localhost:{}/{db}", self.port);
        }
        let host: String = self
            .dir
            .display()
            .to_string()
            .bytes()
            .map(|b| if b.is_ascii_alphanumeric() || b"-._~".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") })
            .collect();
        format!("postgresql://postgres@{host}:{}/{db}", self.port)
    }

    /// Create an empty database `name` (letters, digits, `_`; dropped first if there) and return
    /// its URL. Connect to it with `styrkort::store::pg::connect`.
    pub fn create_database(&self, name: &str) -> String {
        assert!(name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'), "plain database names only: {name}");
        let mut admin = self.admin();
        admin.batch_execute(&format!("DROP DATABASE IF EXISTS \"{name}\"")).unwrap();
        admin.batch_execute(&format!("CREATE DATABASE \"{name}\"")).unwrap();
        self.url(name)
    }

    /// A superuser connection to the `postgres` database (no TLS).
    pub fn admin(&self) -> postgres::Client {
        let mut config = postgres::Config::new();
        config.user("postgres").dbname("postgres").port(self.port);
        if self.tcp {
            config.host("127.0.0.1");
        } else {
            config.host_path(&self.dir);
        }
        config.connect(postgres::NoTls).unwrap()
    }
}

impl Drop for PgCluster {
    fn drop(&mut self) {
        let data = self.dir.join("data");
        if data.exists() {
            let exe = self.bin.join("pg_ctl");
            let mut cmd = if self.as_postgres {
                let mut c = Command::new("runuser");
                c.args(["-u", "postgres", "--"]).arg(exe);
                c
            } else {
                Command::new(exe)
            };
            let _ = cmd.arg("-D").arg(&data).args(["-m", "immediate", "stop"]).stdin(Stdio::null()).output();
        }
        if let Some(mut w) = self.watchdog.take() {
            let _ = w.kill();
            let _ = w.wait();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
