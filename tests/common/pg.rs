//! PROVISIONAL (until pgschema's tests/common/pg.rs is merged): a throw-away cluster.
#![allow(dead_code)]
use std::path::PathBuf;
use std::process::Command;

pub struct PgCluster {
    dir: tempfile::TempDir,
    port: u16,
}

fn bin() -> PathBuf {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql").unwrap().map(|e| e.unwrap().path().join("bin")).collect();
    dirs.sort();
    dirs.pop().unwrap()
}

fn as_postgres(cmd: &str) {
    let st = Command::new("runuser").args(["-u", "postgres", "--", "sh", "-c", cmd]).status().unwrap();
    assert!(st.success(), "{cmd}");
}

impl PgCluster {
    pub fn start() -> Self {
        let dir = tempfile::Builder::new().prefix("pgc").tempdir_in("/tmp").unwrap();
        let d = dir.path().display().to_string();
        Command::new("chown").args(["postgres:postgres", &d]).status().unwrap();
        let port = 20000 + (std::process::id() % 20000) as u16;
        let b = bin();
        as_postgres(&format!("{}/initdb -D {d}/data -A trust -U postgres >/dev/null", b.display()));
        as_postgres(&format!("{}/pg_ctl -D {d}/data -o \"-k {d} -h '' -p {port}\" -l {d}/log -w start >/dev/null", b.display()));
        PgCluster { dir, port }
    }
    pub fn url(&self, db: &str) -> String {
        let host = self.dir.path().display().to_string().replace('/', "%2F");
        format!("postgres://postgres@{host}:{}/{db}", self.port)
    }
    pub fn create_database(&self, name: &str) -> String {
        let mut c = postgres::Client::connect(
            &format!("host={} port={} user=postgres dbname=postgres", self.dir.path().display(), self.port),
            postgres::NoTls,
        )
        .unwrap();
        c.batch_execute(&format!("CREATE DATABASE {name}")).unwrap();
        self.url(name)
    }
}

impl Drop for PgCluster {
    fn drop(&mut self) {
        let d = self.dir.path().display().to_string();
        let _ = Command::new("runuser")
            .args(["-u", "postgres", "--", "sh", "-c", &format!("{}/pg_ctl -D {d}/data -m fast stop >/dev/null", bin().display())])
            .status();
    }
}
