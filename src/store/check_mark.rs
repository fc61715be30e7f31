//! The mark that a database file passed its page-by-page check, so that a command that only
//! reads an unchanged file does not read every page again (on a 300 MB file that check is
//! most of a command-line call).
//!
//! The mark is a small file beside the database, `NAME-kontroll`, never inside it: a damaged
//! database cannot vouch for itself. It holds the file's fingerprint as it was when the
//! check began — for the database and its `-wal`: size, last modification and, on Unix, the
//! inode's change time, device and inode number (a program can set a file's modification time
//! back, never its change time; a file copied or renamed into place is another inode) — and a
//! checksum of those lines, so a torn, mixed or edited mark is no mark (which is why it is
//! written in place: a killed writer leaves no temporary file behind, only a mark that does not
//! hold). It is written only after a check passed, and only when the file had not changed for
//! [`SETTLED`] before the check began (a change within the same clock tick as
//! the fingerprint could otherwise hide behind it). A `-journal` beside the database (a
//! rollback in progress) means no fingerprint at all.
//!
//! The mark only ever saves a check before reading: a write, a backup and a migration check
//! the pages first in their own process whatever the mark says ([`super::Store::write`]).

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// The suffix of the mark beside the database file.
pub(crate) const SUFFIX: &str = "-kontroll";

/// First line of a mark: what it is and its format.
const HEADER: &str = "styrkort-kontroll 1";

/// A file changed less than this long before a check began gets no mark.
const SETTLED: Duration = Duration::from_secs(3);

/// One file's state, as the file system tells it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct FileState {
    len: u64,
    modified_ns: i128,
    changed_ns: i128,
    device: u64,
    inode: u64,
}

impl FileState {
    fn of(meta: &std::fs::Metadata) -> Self {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            let ns = |s: i64, n: i64| i128::from(s) * 1_000_000_000 + i128::from(n);
            FileState {
                len: meta.len(),
                modified_ns: ns(meta.mtime(), meta.mtime_nsec()),
                changed_ns: ns(meta.ctime(), meta.ctime_nsec()),
                device: meta.dev(),
                inode: meta.ino(),
            }
        }
        #[cfg(not(unix))]
        {
            let ns = |t: std::io::Result<SystemTime>| {
                t.ok().and_then(|t| t.duration_since(SystemTime::UNIX_EPOCH).ok()).map(|d| d.as_nanos() as i128).unwrap_or(-1)
            };
            // Without an inode change time, the creation time stands in: a file copied or
            // moved into place is a new file.
            FileState { len: meta.len(), modified_ns: ns(meta.modified()), changed_ns: ns(meta.created()), device: 0, inode: 0 }
        }
    }

    fn line(&self, name: &str) -> String {
        format!("{name} {} {} {} {} {}", self.len, self.modified_ns, self.changed_ns, self.device, self.inode)
    }

    /// The latest of the times, in nanoseconds since 1970.
    fn latest_ns(&self) -> i128 {
        self.modified_ns.max(self.changed_ns)
    }
}

/// What identifies a database's contents on disk: the file and its WAL (an empty or missing
/// WAL holds nothing).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Fingerprint {
    db: FileState,
    wal: Option<FileState>,
}

fn beside(db: &Path, suffix: &str) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

impl Fingerprint {
    /// The fingerprint of the database at `db` now; `None` when it cannot be told (the file
    /// cannot be looked at, or a rollback journal lies beside it).
    pub(crate) fn of(db: &Path) -> Option<Self> {
        let meta = std::fs::metadata(db).ok().filter(|m| m.is_file())?;
        if std::fs::symlink_metadata(beside(db, "-journal")).is_ok() {
            return None;
        }
        let wal = match std::fs::metadata(beside(db, "-wal")) {
            Ok(m) if m.len() == 0 => None,
            Ok(m) => Some(FileState::of(&m)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(_) => return None,
        };
        Some(Fingerprint { db: FileState::of(&meta), wal })
    }

    fn text(&self) -> String {
        let wal = self.wal.as_ref().map(|w| w.line("wal")).unwrap_or_else(|| "wal -".to_string());
        format!("{HEADER}\n{}\n{wal}\n", self.db.line("db"))
    }

    /// Whether nothing in the fingerprint changed within [`SETTLED`] before `began`.
    fn settled_before(&self, began: SystemTime) -> bool {
        let Ok(began) = began.duration_since(SystemTime::UNIX_EPOCH) else { return false };
        let limit = began.as_nanos() as i128 - SETTLED.as_nanos() as i128;
        std::iter::once(&self.db).chain(self.wal.as_ref()).all(|f| f.latest_ns() <= limit)
    }
}

/// FNV-1a, 64 bits: a checksum of the mark's lines (not a secret, only a seal against a torn
/// or hand-edited mark).
fn checksum(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

/// Whether the mark beside `db` says a check passed on a file with exactly `now`'s fingerprint.
pub(crate) fn holds(db: &Path, now: &Fingerprint) -> bool {
    let Ok(text) = std::fs::read_to_string(beside(db, SUFFIX)) else { return false };
    let expected = now.text();
    let Some(rest) = text.strip_prefix(expected.as_str()) else { return false };
    rest.trim_end() == format!("sum {:016x}", checksum(&expected))
}

/// Record that the check that began at `began` on a file with fingerprint `checked` passed.
/// Best effort: a folder that cannot be written to only means the next call checks again.
/// A file that changed just before the check gets no mark (see the module notes).
pub(crate) fn record(db: &Path, checked: &Fingerprint, began: SystemTime) {
    if !checked.settled_before(began) {
        return;
    }
    let text = checked.text();
    let body = format!("{text}sum {:016x}\n", checksum(&text));
    let _ = std::fs::write(beside(db, SUFFIX), body);
}

/// Remove the mark beside `db` (a check found damage).
pub(crate) fn forget(db: &Path) {
    let _ = std::fs::remove_file(beside(db, SUFFIX));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mark_holds_for_the_same_file_only_and_only_once_settled() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("a.db");
        std::fs::write(&db, b"x").unwrap();
        let fp = Fingerprint::of(&db).unwrap();
        // Checked right after a change: no mark.
        record(&db, &fp, SystemTime::now());
        assert!(!holds(&db, &fp));
        let later = SystemTime::now() + Duration::from_secs(10);
        record(&db, &fp, later);
        assert!(holds(&db, &fp));

        // Any change to the file, even one that keeps its size and its modification time.
        let meta = std::fs::metadata(&db).unwrap();
        // The inode's change time moves with the clock's tick: let one pass (the mark's own
        // rule, SETTLED, covers changes within a tick in real use).
        std::thread::sleep(Duration::from_millis(50));
        std::fs::write(&db, b"y").unwrap();
        std::fs::File::options().write(true).open(&db).unwrap().set_modified(meta.modified().unwrap()).unwrap();
        assert!(!holds(&db, &Fingerprint::of(&db).unwrap()), "same size and time, but changed");

        // A WAL with content is part of the contents; an empty one is not.
        let db2 = dir.path().join("b.db");
        std::fs::write(&db2, b"x").unwrap();
        let fp = Fingerprint::of(&db2).unwrap();
        record(&db2, &fp, later);
        std::fs::write(beside(&db2, "-wal"), b"").unwrap();
        assert!(holds(&db2, &Fingerprint::of(&db2).unwrap()));
        std::fs::write(beside(&db2, "-wal"), b"frames").unwrap();
        assert!(!holds(&db2, &Fingerprint::of(&db2).unwrap()));
        std::fs::remove_file(beside(&db2, "-wal")).unwrap();
        // A rollback journal: nothing can be told.
        std::fs::write(beside(&db2, "-journal"), b"j").unwrap();
        assert_eq!(Fingerprint::of(&db2), None);
        std::fs::remove_file(beside(&db2, "-journal")).unwrap();

        // A torn or edited mark is no mark.
        let mark = beside(&db2, SUFFIX);
        let text = std::fs::read_to_string(&mark).unwrap();
        std::fs::write(&mark, &text[..text.len() - 3]).unwrap();
        assert!(!holds(&db2, &fp));
        std::fs::write(&mark, text.replacen("db 1 ", "db 2 ", 1)).unwrap();
        assert!(!holds(&db2, &fp));
        std::fs::write(&mark, &text).unwrap();
        assert!(holds(&db2, &fp));
        forget(&db2);
        assert!(!holds(&db2, &fp));
    }
}
