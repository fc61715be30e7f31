//! Files the user names (on the command line or in a dialog): where an output may be written
//! and how an input file is read.
//!
//! Invariants:
//! - An output never lands on the open database, its `-wal`, `-shm`, `-journal` or `-kontroll`, a file in
//!   its `backups` folder, another SQLite database, or anything that is not a regular file
//!   or a new name. The path is resolved through symbolic links and `..` first, and checked
//!   again just before the finished file is renamed into place.
//! - An input is read only from a regular file, opened without blocking (a named pipe never
//!   hangs the program), and never more than its limit is read, whatever the file system
//!   says its size is (`/dev/zero` or a growing file cannot exhaust memory).

use std::io::{Read, Write};
use std::path::{Component, Path, PathBuf};

use crate::error::{AppError, Msg, Result};
use crate::msg;

/// The first bytes of every SQLite database file.
const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";

/// The suffixes of the files beside a database: SQLite's, and the mark of its last check.
const DATABASE_SIDECARS: [&str; 4] = ["-wal", "-shm", "-journal", crate::store::CHECK_MARK_SUFFIX];

fn shown(path: &Path) -> String {
    path.display().to_string()
}

/// Why a path could not be looked at, in words a user can act on.
fn cannot_look_at(path: &Path, e: &std::io::Error) -> AppError {
    if is_symlink_loop(e) {
        return AppError::io(msg!(
            "{} är en symbolisk länk som pekar på sig själv i en slinga. Ta bort länken eller välj en annan fil.",
            "{} is a symbolic link that points to itself in a loop. Remove the link or choose another file.",
            shown(path)
        ));
    }
    match e.kind() {
        std::io::ErrorKind::NotFound => AppError::not_found(msg!(
            "Filen {} finns inte. Kontrollera sökvägen.",
            "The file {} does not exist. Check the path.",
            shown(path)
        )),
        std::io::ErrorKind::PermissionDenied => AppError::io(msg!(
            "Du har inte behörighet att läsa {}. Kontrollera behörigheterna eller välj en annan fil.",
            "You do not have permission to read {}. Check the permissions or choose another file.",
            shown(path)
        )),
        _ => AppError::io(msg!("{} kunde inte läsas ({e}).", "{} could not be read ({e}).", shown(path))),
    }
}

/// ELOOP: too many levels of symbolic links.
pub fn is_symlink_loop(e: &std::io::Error) -> bool {
    #[cfg(unix)]
    {
        e.raw_os_error() == Some(libc::ELOOP)
    }
    #[cfg(not(unix))]
    {
        let _ = e;
        false
    }
}

/// What kind of thing a path that is not a regular file is, for messages.
fn kind_of(meta: &std::fs::Metadata) -> Msg {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        if t.is_fifo() {
            return msg!("en namngiven pipe (FIFO)", "a named pipe (FIFO)");
        }
        if t.is_char_device() || t.is_block_device() {
            return msg!("en enhetsfil", "a device file");
        }
        if t.is_socket() {
            return msg!("en socket", "a socket");
        }
    }
    if meta.is_dir() {
        msg!("en mapp", "a folder")
    } else {
        msg!("ingen vanlig fil", "not an ordinary file")
    }
}

/// Refuse what is not a regular file (a folder, a pipe, a device, a socket).
pub(crate) fn require_regular(path: &Path, meta: &std::fs::Metadata, what: &Msg) -> Result<()> {
    if meta.is_file() {
        return Ok(());
    }
    Err(AppError::io(msg!(
        "{} är {}, inte {}. Välj en vanlig fil.",
        "{} is {}, not {}. Choose an ordinary file.",
        shown(path),
        kind_of(meta),
        what
    )))
}

/// The files an output must never replace: the open database with its SQLite files, and
/// its backups folder.
#[derive(Debug, Clone, Default)]
pub struct Protected {
    /// Resolved paths that must not be written.
    files: Vec<PathBuf>,
    /// Resolved folders nothing may be written into.
    folders: Vec<PathBuf>,
    /// (device, inode) of the database, so a hard link to it is refused too.
    #[cfg(unix)]
    inodes: Vec<(u64, u64)>,
}

impl Protected {
    /// What belongs to the database at `db` (`None`: an in-memory database, nothing).
    pub fn database(db: Option<&Path>) -> Self {
        let mut p = Protected::default();
        let Some(db) = db else { return p };
        let resolved = resolve(db).unwrap_or_else(|_| db.to_path_buf());
        for base in [db.to_path_buf(), resolved] {
            for suffix in std::iter::once("").chain(DATABASE_SIDECARS) {
                let mut name = base.as_os_str().to_owned();
                name.push(suffix);
                let path = PathBuf::from(name);
                #[cfg(unix)]
                if let Ok(meta) = std::fs::metadata(&path) {
                    use std::os::unix::fs::MetadataExt;
                    p.inodes.push((meta.dev(), meta.ino()));
                }
                p.files.push(path);
            }
        }
        let backups = crate::backup::backup_dir(db);
        p.folders.push(resolve(&backups).unwrap_or_else(|_| backups.clone()));
        p.folders.push(backups);
        p
    }

    fn refuses(&self, target: &Path) -> Option<AppError> {
        let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        if self.files.iter().any(|f| f == target) {
            return Some(AppError::validation(msg!(
                "{} är databasen eller en av SQLite:s filer för den ({name}). En rapport eller export får aldrig skriva över databasen; välj ett annat filnamn.", "{} is the database or one of SQLite's files for it ({name}). A report or export may never overwrite the database; choose another file name.",
                shown(target)
            )));
        }
        if self.folders.iter().any(|d| target.starts_with(d)) {
            return Some(AppError::validation(msg!(
                "{} ligger i mappen med säkerhetskopior. Den mappen är till för Styrkorts säkerhetskopior; spara filen någon annanstans.",
                "{} is in the backup folder. That folder is for Styrkort's backups; save the file somewhere else.",
                shown(target)
            )));
        }
        #[cfg(unix)]
        if let Ok(meta) = std::fs::metadata(target) {
            use std::os::unix::fs::MetadataExt;
            if self.inodes.contains(&(meta.dev(), meta.ino())) {
                return Some(AppError::validation(msg!(
                    "{} är samma fil som databasen (en hård länk). Välj ett annat filnamn.",
                    "{} is the same file as the database (a hard link). Choose another file name.",
                    shown(target)
                )));
            }
        }
        None
    }
}

/// `path` made absolute with every symbolic link and `..` resolved. A path that does not
/// exist yet resolves through its folder.
fn resolve(path: &Path) -> std::io::Result<PathBuf> {
    match std::fs::canonicalize(path) {
        Ok(p) => Ok(p),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            // Only a new name in an existing folder may be missing; a dangling symbolic link
            // is not a new name (writing would replace the link, not make its target).
            if std::fs::symlink_metadata(path).is_ok() {
                return Err(e);
            }
            let name = match path.components().next_back() {
                Some(Component::Normal(n)) => n.to_owned(),
                _ => return Err(e),
            };
            let dir = match path.parent() {
                Some(p) if !p.as_os_str().is_empty() => p,
                _ => Path::new("."),
            };
            Ok(std::fs::canonicalize(dir)?.join(name))
        }
        Err(e) => Err(e),
    }
}

/// Check that an output (a report, an export, a template) may be written to `path` while the
/// database at `db` is open, before any work is done. Returns where the file will really be
/// written: `path` resolved through symbolic links and `..`.
pub fn check_output(path: &Path, db: Option<&Path>) -> Result<PathBuf> {
    check_output_against(path, &Protected::database(db))
}

fn check_output_against(path: &Path, protected: &Protected) -> Result<PathBuf> {
    if path.as_os_str().is_empty() {
        return Err(AppError::validation(msg!(
            "Ange vilken fil som ska sparas, t.ex. --out rapport.pdf.",
            "Give the file to save, e.g. --out rapport.pdf."
        )));
    }
    if let Ok(meta) = std::fs::metadata(path) {
        if meta.is_dir() {
            return Err(AppError::io(msg!(
                "{} är en mapp. Ange ett filnamn i mappen, t.ex. {}/rapport.pdf.",
                "{} is a folder. Give a file name in the folder, e.g. {}/rapport.pdf.",
                shown(path),
                shown(path)
            )));
        }
    }
    let target = match resolve(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if std::fs::symlink_metadata(path).map(|m| m.file_type().is_symlink()).unwrap_or(false) {
                return Err(AppError::validation(msg!(
                    "{} är en symbolisk länk till något som inte finns. Välj ett vanligt filnamn.",
                    "{} is a symbolic link to something that does not exist. Choose an ordinary file name.",
                    shown(path)
                )));
            }
            let dir = match path.parent() {
                Some(p) if !p.as_os_str().is_empty() => p,
                _ => Path::new("."),
            };
            return Err(AppError::io(msg!(
                "Mappen {} finns inte. Skapa mappen eller välj en annan plats för filen {}.",
                "The folder {} does not exist. Create the folder or choose another place for the file {}.",
                shown(dir),
                path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
            )));
        }
        Err(e) => return Err(cannot_look_at(path, &e)),
    };
    if let Some(refusal) = protected.refuses(&target) {
        return Err(refusal);
    }
    match std::fs::metadata(&target) {
        Ok(meta) => {
            if !meta.is_file() {
                return Err(AppError::validation(msg!(
                    "{} är {}. En rapport eller export sparas bara som en vanlig fil; välj ett filnamn.",
                    "{} is {}. A report or export is only saved as an ordinary file; choose a file name.",
                    shown(path),
                    kind_of(&meta)
                )));
            }
            if starts_with_sqlite_magic(&target) {
                return Err(AppError::validation(msg!(
                    "{} är en databasfil. En rapport eller export skriver aldrig över en databas; välj ett annat filnamn.",
                    "{} is a database file. A report or export never overwrites a database; choose another file name.",
                    shown(path)
                )));
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(cannot_look_at(path, &e)),
    }
    if !target.parent().map(Path::is_dir).unwrap_or(false) {
        return Err(AppError::io(msg!(
            "Mappen för {} finns inte. Välj en annan plats.",
            "The folder for {} does not exist. Choose another place.",
            shown(path)
        )));
    }
    Ok(target)
}

fn starts_with_sqlite_magic(path: &Path) -> bool {
    let mut head = [0u8; 16];
    match open_without_blocking(path) {
        Ok(mut f) => f.read_exact(&mut head).is_ok() && &head == SQLITE_MAGIC,
        Err(_) => false,
    }
}

/// Check that a new file may be made at `path` (a backup to a file of the user's choice):
/// as [`check_output`], and nothing may exist there yet.
pub fn check_new_output(path: &Path, db: Option<&Path>) -> Result<PathBuf> {
    if std::fs::symlink_metadata(path).is_ok() {
        return Err(AppError::conflict(msg!(
            "{} finns redan. Välj ett annat filnamn.",
            "{} already exists. Choose another file name.",
            shown(path)
        )));
    }
    check_output(path, db)
}

/// Write `bytes` to `path` all or nothing, after [`check_output`]: into a temporary file in
/// the target's folder, flushed to disk, checked again, then renamed over the target. On any
/// failure the temporary file is removed and an existing file is left as it was.
pub fn write_output(path: &Path, db: Option<&Path>, bytes: &[u8]) -> Result<()> {
    let protected = Protected::database(db);
    let target = check_output_against(path, &protected)?;
    let dir = target.parent().unwrap_or(Path::new("."));
    let failed = |e: std::io::Error| {
        AppError::io(msg!(
            "Filen {} kunde inte sparas ({e}). Kontrollera att mappen går att skriva till och att det finns plats på disken.",
            "The file {} could not be saved ({e}). Check that the folder can be written to and that there is space on the disk.",
            shown(path)
        ))
    };
    let mut tmp = tempfile::Builder::new().prefix(".styrkort-").suffix(".tmp").tempfile_in(dir).map_err(failed)?;
    tmp.write_all(bytes).map_err(failed)?;
    // A temporary file is private to its owner; an output is an ordinary file (or keeps the
    // permissions of the file it replaces).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&target).map(|m| m.permissions().mode()).unwrap_or(0o644);
        tmp.as_file().set_permissions(std::fs::Permissions::from_mode(mode)).map_err(failed)?;
    }
    tmp.as_file().sync_all().map_err(failed)?;
    // The folder may have changed while the file was made: the same checks once more.
    if check_output_against(&target, &protected)? != target {
        return Err(AppError::io(msg!(
            "{} ändrades medan filen sparades. Försök igen.",
            "{} changed while the file was being saved. Try again.",
            shown(path)
        )));
    }
    tmp.persist(&target).map_err(|e| failed(e.error))?;
    Ok(())
}

/// Open `path` for reading without blocking on a named pipe or a device.
fn open_without_blocking(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    options.open(path)
}

/// Read the regular file at `path`, at most `max` bytes. `what` names the kind of file for
/// messages (`msg!("en Kolada-fil", "a Kolada file")`); a larger file gives `too_big(bytes seen)` (the bytes really
/// read, never the size the file system reports).
pub fn read_limited(path: &Path, max: u64, what: &Msg, too_big: impl FnOnce(u64) -> AppError) -> Result<Vec<u8>> {
    let meta = std::fs::metadata(path).map_err(|e| cannot_look_at(path, &e))?;
    require_regular(path, &meta, what)?;
    let file = open_without_blocking(path).map_err(|e| cannot_look_at(path, &e))?;
    // The path may have been swapped between the look and the open: check what was opened.
    let opened = file.metadata().map_err(|e| cannot_look_at(path, &e))?;
    require_regular(path, &opened, what)?;
    let mut bytes = Vec::with_capacity(opened.len().min(max) as usize);
    file.take(max.saturating_add(1)).read_to_end(&mut bytes).map_err(|e| cannot_look_at(path, &e))?;
    if bytes.len() as u64 > max {
        return Err(too_big(bytes.len() as u64));
    }
    Ok(bytes)
}

/// Replace terminal control characters (escape sequences, carriage returns, bells …) in text
/// printed to a terminal with U+FFFD, keeping line breaks and tabs, so a name stored with an
/// escape sequence cannot rewrite the screen.
pub fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    let unsafe_char = |c: char| c.is_control() && c != '\n' && c != '\t';
    if !text.chars().any(unsafe_char) {
        return std::borrow::Cow::Borrowed(text);
    }
    std::borrow::Cow::Owned(text.chars().map(|c| if unsafe_char(c) { '\u{fffd}' } else { c }).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printable_keeps_text_and_line_breaks_but_not_escape_sequences() {
        assert_eq!(printable("Hemtjänsten Öster\n\tåäö"), "Hemtjänsten Öster\n\tåäö");
        assert_eq!(printable("A\u{1b}[2JB\r\u{7}"), "A\u{fffd}[2JB\u{fffd}\u{fffd}");
    }

    #[test]
    fn a_new_name_resolves_through_its_folder_and_dot_dot() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("a")).unwrap();
        let via = dir.path().join("a").join("..").join("rapport.pdf");
        let resolved = check_output(&via, None).unwrap();
        assert_eq!(resolved, std::fs::canonicalize(dir.path()).unwrap().join("rapport.pdf"));
    }

    #[test]
    fn atomic_write_leaves_nothing_behind_in_a_missing_folder() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("saknas").join("rapport.pdf");
        let err = write_output(&missing, None, b"x").unwrap_err();
        assert_eq!(err.code, crate::error::ErrorCode::Io);
        assert!(err.message.contains("saknas"), "{}", err.message);
        assert!(!missing.exists());

        let target = dir.path().join("rapport.pdf");
        std::fs::write(&target, b"old").unwrap();
        write_output(&target, None, b"new").unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"new");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let fresh = dir.path().join("ny.pdf");
            write_output(&fresh, None, b"x").unwrap();
            assert_eq!(std::fs::metadata(&fresh).unwrap().permissions().mode() & 0o777, 0o644, "readable like any file");
            std::fs::remove_file(&fresh).unwrap();
        }
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names.len(), 1, "no temporary file is left: {names:?}");

        let err = write_output(dir.path(), None, b"x").unwrap_err();
        assert_eq!(err.code, crate::error::ErrorCode::Io);
    }
}
