//! A throw-away PostgreSQL cluster for tests: initdb and pg_ctl in a temp dir, run as the
//! `postgres` user when the tests run as root (initdb refuses root), trust authentication,
//! a Unix socket only (no TCP). Stopped when dropped.

use std::path::PathBuf;
use std::process::Command;

pub struct PgCluster {
    dir: tempfile::TempDir,
    bin: PathBuf,
    port: u16,
}

fn bin_dir() -> PathBuf {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .expect("PostgreSQL server binaries in /usr/lib/postgresql (apt-get install postgresql)")
        .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
        .filter(|p| p.join("initdb").exists())
        .collect();
    dirs.sort_by_key(|p| p.parent().and_then(|v| v.file_name()).and_then(|v| v.to_str()).and_then(|v| v.parse::<u32>().ok()).unwrap_or(0));
    dirs.pop().expect("an initdb under /usr/lib/postgresql/*/bin")
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0").unwrap_or(false)
}

/// Run a server program, as the `postgres` user when we are root.
fn run(program: &PathBuf, args: &[&str]) {
    let status = if is_root() {
        Command::new("runuser").arg("-u").arg("postgres").arg("--").arg(program).args(args).status()
    } else {
        Command::new(program).args(args).status()
    }
    .expect("run a PostgreSQL server program");
    assert!(status.success(), "{} {args:?} failed", program.display());
}

impl PgCluster {
    pub fn start() -> PgCluster {
        let dir = tempfile::Builder::new().prefix("styrkort-pg").tempdir().unwrap();
        if is_root() {
            Command::new("chown").arg("postgres").arg(dir.path()).status().unwrap();
        }
        let bin = bin_dir();
        let data = dir.path().join("data");
        let data = data.to_str().unwrap();
        run(&bin.join("initdb"), &["-D", data, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8", "--locale", "C"]);
        // A port nobody else uses is not needed on a Unix socket in our own directory; the port
        // only names the socket file.
        let port = 5432;
        let options = format!("-k {} -h '' -p {port} -F", dir.path().display());
        let log = dir.path().join("log");
        run(&bin.join("pg_ctl"), &["-D", data, "-o", &options, "-l", log.to_str().unwrap(), "-w", "start"]);
        PgCluster { dir, bin, port }
    }

    /// Create an empty database; its URL as the superuser `postgres`.
    pub fn create_database(&self, name: &str) -> String {
        let mut admin = postgres::Client::connect(&self.url("postgres", "postgres"), postgres::NoTls).unwrap();
        admin.batch_execute(&format!("CREATE DATABASE \"{name}\"")).unwrap();
        self.url("postgres", name)
    }

    pub fn url(&self, user: &str, database: &str) -> String {
        let socket = self.dir.path().to_str().unwrap().replace('/', "%2F");
        format!("postgres://{user}@{socket}:{}/{database}", self.port)
    }
}

impl Drop for PgCluster {
    fn drop(&mut self) {
        let data = self.dir.path().join("data");
        run(&self.bin.join("pg_ctl"), &["-D", data.to_str().unwrap(), "-m", "immediate", "-w", "stop"]);
    }
}
