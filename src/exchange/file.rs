//! The exchange file: what a unit sends from its offline copy to the controller.
//!
//! Pretty-printed UTF-8 JSON, so a person can open it in any editor and see what it carries.
//! Every item carries its *history marks*: the id, time and user of each audit-log row the
//! copy holds for that item. The copy and the master share their audit log up to the moment
//! the copy was made, so the master can find the last state both sides knew (see
//! [`super::import`]).

use serde::{Deserialize, Deserializer, Serialize};

use crate::error::{AppError, Msg, Result};
use crate::model::{ActivityStatus, AssessmentState, AssignmentStatus, ControlResult, Gender, GuaranteeOutcome};
use crate::msg;

/// `format` of every exchange file.
pub const FORMAT_ID: &str = "styrkort-utbyte";
/// The format version this build writes and reads.
pub const FORMAT_VERSION: u32 = 1;
/// File extension (without the dot) the CLI and the window suggest.
pub const EXTENSION: &str = "styrkort-utbyte";
/// Files larger than this are refused before they are read. One unit's follow-up of a
/// period is a few hundred kB at most; 20 MB leaves room for long analyses.
pub const MAX_FILE_BYTES: u64 = 20 * 1024 * 1024;

/// One exchange file, as written and read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExchangeFile {
    /// Always [`FORMAT_ID`].
    pub format: String,
    pub format_version: u32,
    /// Version of Styrkort that wrote the file (`CARGO_PKG_VERSION`).
    pub app_version: String,
    /// The `database_id` setting of the copy; the master must have the same.
    pub database_id: String,
    pub unit: FileUnit,
    pub period: FilePeriod,
    /// When and by whom the file was exported (ISO 8601).
    pub exported_at: String,
    pub exported_by: String,
    pub values: Vec<FileValue>,
    pub assessments: Vec<FileAssessment>,
    pub activities: Vec<FileActivity>,
    /// The follow-up of the uppdrag the unit is responsible for. Left out of the file when
    /// empty, and a file without it (as every file before uppdrag existed) has none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub assignments: Vec<FileAssignment>,
    /// The follow-up of the controls of the unit's intern kontroll plans (as `assignments`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub controls: Vec<FileControl>,
    /// Whether the unit's tjänstegarantier were kept (as `assignments`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub guarantees: Vec<FileGuarantee>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileUnit {
    pub id: i64,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FilePeriod {
    pub id: i64,
    pub name: String,
    pub plan_year: i32,
}

/// One audit-log row of the copy, by identity: id, time and user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mark {
    pub id: i64,
    pub at: String,
    pub user: String,
}

/// An indicator value (one gender). `value` null: the copy has no value (it was cleared).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileValue {
    pub indicator_id: i64,
    /// The indicator's name, for people reading the file; not used on import.
    pub indicator: String,
    pub gender: Gender,
    #[serde(deserialize_with = "present")]
    pub value: Option<f64>,
    pub changed_at: String,
    pub changed_by: String,
    pub history: Vec<Mark>,
}

/// The assessment and analysis of one of the unit's goals, with its review state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileAssessment {
    pub goal_id: i64,
    /// The goal's code and title, for people reading the file; not used on import.
    pub goal: String,
    #[serde(deserialize_with = "present")]
    pub step: Option<i32>,
    pub analysis: String,
    pub state: AssessmentState,
    pub review_comment: String,
    pub changed_at: String,
    pub changed_by: String,
    pub history: Vec<Mark>,
}

/// The follow-up status and comment of one of the unit's activities for the period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileActivity {
    pub activity_id: i64,
    /// The activity's title, for people reading the file; not used on import.
    pub activity: String,
    pub status: ActivityStatus,
    pub comment: String,
    pub changed_at: String,
    pub changed_by: String,
    pub history: Vec<Mark>,
}

/// The follow-up of an uppdrag the unit is responsible for, with its review state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileAssignment {
    pub assignment_id: i64,
    /// The uppdrag's code and title, for people reading the file; not used on import.
    pub assignment: String,
    pub status: AssignmentStatus,
    pub comment: String,
    pub state: AssessmentState,
    pub review_comment: String,
    pub changed_at: String,
    pub changed_by: String,
    pub history: Vec<Mark>,
}

/// The follow-up of a control of the unit's intern kontroll plan, with its review state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileControl {
    pub control_id: i64,
    /// What the control checks, for people reading the file; not used on import.
    pub control: String,
    pub result: ControlResult,
    pub comment: String,
    pub deviation: String,
    pub action: String,
    pub state: AssessmentState,
    pub review_comment: String,
    pub changed_at: String,
    pub changed_by: String,
    pub history: Vec<Mark>,
}

/// Whether one of the unit's tjänstegarantier was kept, with its review state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileGuarantee {
    pub guarantee_id: i64,
    /// The guarantee's promise, for people reading the file; not used on import.
    pub guarantee: String,
    pub kept: GuaranteeOutcome,
    pub comment: String,
    pub state: AssessmentState,
    pub review_comment: String,
    pub changed_at: String,
    pub changed_by: String,
    pub history: Vec<Mark>,
}

/// An `Option` field that must be present in the file (as a value or as `null`): a missing
/// field is an error, never silently "no value".
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> std::result::Result<Option<T>, D::Error> {
    Option::<T>::deserialize(d)
}

fn bad(file: &str, what: Msg) -> AppError {
    AppError::bad_file(msg!("{file}: {}. Inget har sparats.", "{file}: {}. Nothing has been saved.", what))
}

/// `major.minor.patch` of a version text (a `-pre` suffix is ignored).
fn version_triple(text: &str) -> Option<(u64, u64, u64)> {
    let core = text.trim().split(['-', '+']).next()?;
    let mut parts = core.split('.').map(|p| p.parse::<u64>().ok());
    let triple = (parts.next()??, parts.next()??, parts.next()??);
    parts.next().is_none().then_some(triple)
}

/// The few fields read before the whole file: a newer format may add fields this build
/// does not know, and then "newer version" is the useful message, not "unknown field".
#[derive(Deserialize)]
struct Header {
    format: Option<serde_json::Value>,
    format_version: Option<serde_json::Value>,
    app_version: Option<serde_json::Value>,
}

/// Parse an exchange file. `file` is the name shown in messages. Checks, in order: size,
/// UTF-8, JSON, that it is an exchange file, that neither its format nor the program that
/// wrote it is newer than this build, then every field (unknown and missing fields are
/// errors, with the place in the file).
pub fn parse(file: &str, bytes: &[u8]) -> Result<ExchangeFile> {
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_large(file, bytes.len() as u64));
    }
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(bad(file, msg!("filen är tom. Exportera utbytesfilen igen", "the file is empty. Export the exchange file again")));
    }
    let text = std::str::from_utf8(bytes).map_err(|e| {
        bad(
            file,
            msg!(
                "filen är inte en textfil i UTF-8 (fel vid byte {}); den är inte en utbytesfil från Styrkort",
                "the file is not a UTF-8 text file (error at byte {}); it is not an exchange file from Styrkort",
                e.valid_up_to()
            ),
        )
    })?;
    let header: Header = serde_json::from_str(text).map_err(|e| match e.classify() {
        serde_json::error::Category::Data => bad(
            file,
            msg!(
                "filen är inte en utbytesfil från Styrkort (den är JSON, men inget objekt med fältet 'format')",
                "the file is not an exchange file from Styrkort (it is JSON, but not an object with the field 'format')"
            ),
        ),
        _ => bad(
            file,
            msg!(
                "filen är inte hel JSON (rad {}, kolumn {}: {e}); den kan vara avkortad eller ändrad. Exportera utbytesfilen igen",
                "the file is not whole JSON (line {}, column {}: {e}); it may be truncated or changed. Export the exchange file again",
                e.line(),
                e.column()
            ),
        ),
    })?;
    if header.format.as_ref().and_then(|f| f.as_str()) != Some(FORMAT_ID) {
        return Err(bad(
            file,
            msg!(
                "filen är inte en utbytesfil från Styrkort (fältet 'format' är inte \"{FORMAT_ID}\")",
                "the file is not an exchange file from Styrkort (the field 'format' is not \"{FORMAT_ID}\")"
            ),
        ));
    }
    let version = header.format_version.as_ref().and_then(|v| v.as_u64());
    match version {
        None => return Err(bad(file, msg!("fältet 'format_version' saknas eller är inte ett heltal", "the field 'format_version' is missing or is not an integer"))),
        Some(v) if v > FORMAT_VERSION as u64 => {
            return Err(bad(file, msg!("filen har formatversion {v}, den här versionen av Styrkort läser version {FORMAT_VERSION}. Uppdatera Styrkort och försök igen", "the file has format version {v}; this version of Styrkort reads version {FORMAT_VERSION}. Update Styrkort and try again")))
        }
        Some(v) if v < 1 => return Err(bad(file, msg!("formatversion {v} finns inte", "format version {v} does not exist"))),
        Some(_) => {}
    }
    let app = header.app_version.as_ref().and_then(|v| v.as_str()).unwrap_or_default();
    let theirs = version_triple(app).ok_or_else(|| {
        bad(
            file,
            msg!(
                "fältet 'app_version' ({app:?}) är inte en versionsbeteckning som 1.2.3",
                "the field 'app_version' ({app:?}) is not a version like 1.2.3"
            ),
        )
    })?;
    let ours = version_triple(env!("CARGO_PKG_VERSION")).unwrap_or((0, 0, 0));
    if theirs > ours {
        return Err(bad(
            file,
            msg!(
                "filen är skapad av Styrkort {app}, som är nyare än den här versionen ({}). Uppdatera Styrkort och försök igen",
                "the file was created by Styrkort {app}, which is newer than this version ({}). Update Styrkort and try again",
                env!("CARGO_PKG_VERSION")
            ),
        ));
    }
    let de = &mut serde_json::Deserializer::from_str(text);
    let parsed: ExchangeFile = serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let what = explain(&inner.to_string());
        bad(
            file,
            msg!(
                "fel vid '{path}' (rad {}, kolumn {}): {what}. Rätta filen eller exportera den igen",
                "error at '{path}' (line {}, column {}): {what}. Correct the file or export it again",
                inner.line(),
                inner.column(),
                what = what
            ),
        )
    })?;
    Ok(parsed)
}

/// serde_json's complaint in both languages: in Swedish by [`explain_sv`], in English as
/// serde_json says it; without its own "at line … column …", which the message already gives.
fn explain(message: &str) -> Msg {
    let en = message.split(" at line ").next().unwrap_or(message);
    Msg { sv: explain_sv(message), en: en.to_string() }
}

/// serde_json's usual complaints in Swedish (others are passed on as they are), without
/// its own "at line … column …", which the message already gives.
fn explain_sv(message: &str) -> String {
    let msg = message.split(" at line ").next().unwrap_or(message);
    let quoted = |rest: &str| rest.split('`').next().unwrap_or_default().to_string();
    let allowed = |rest: &str| rest.split("expected one of ").nth(1).map(|s| s.replace('`', "")).unwrap_or_default();
    if let Some(rest) = msg.strip_prefix("missing field `") {
        return format!("fältet '{}' saknas", quoted(rest));
    }
    if let Some(rest) = msg.strip_prefix("unknown field `") {
        return format!("fältet '{}' finns inte i formatet (tillåtna fält: {})", quoted(rest), allowed(rest));
    }
    if let Some(rest) = msg.strip_prefix("unknown variant `") {
        return format!("'{}' är inte ett tillåtet värde (tillåtna: {})", quoted(rest), allowed(rest));
    }
    if let Some((got, wanted)) = msg.strip_prefix("invalid type: ").and_then(|r| r.split_once(", expected ")) {
        let wanted = match wanted {
            "f64" => "ett tal",
            "i64" | "i32" | "u32" => "ett heltal",
            "a string" => "en text",
            "a sequence" => "en lista",
            w if w.starts_with("struct ") => "ett objekt",
            w => w,
        };
        let got = got.replace("string ", "texten ").replace("integer ", "talet ").replace("floating point ", "talet ").replace('`', "");
        return format!("här ska stå {wanted}, men filen har {got}");
    }
    msg.to_string()
}

pub(crate) fn too_large(file: &str, size: u64) -> AppError {
    bad(
        file,
        msg!(
            "filen är {} MB; en utbytesfil kan vara högst {} MB, så den är inte en utbytesfil från Styrkort",
            "the file is {} MB; an exchange file can be at most {} MB, so it is not an exchange file from Styrkort",
            size / 1_048_576,
            MAX_FILE_BYTES / 1_048_576
        ),
    )
}

/// Read an exchange file from disk: a regular file only, and never more than the limit.
/// Returns the name shown in messages (the file name) and the bytes.
pub fn read_path(path: &std::path::Path) -> Result<(String, Vec<u8>)> {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| path.display().to_string());
    if std::fs::metadata(path).map(|m| m.is_dir()).unwrap_or(false) {
        return Err(AppError::io(msg!("{} är en mapp, inte en utbytesfil.", "{} is a folder, not an exchange file.", path.display())));
    }
    let bytes =
        crate::files::read_limited(path, MAX_FILE_BYTES, &msg!("en utbytesfil", "an exchange file"), |size| too_large(&name, size))?;
    Ok((name, bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_complaints_are_put_in_swedish() {
        let cases = [
            ("missing field `value` at line 3 column 5", "fältet 'value' saknas"),
            ("unknown field `x`, expected one of `a`, `b` at line 1 column 2", "fältet 'x' finns inte i formatet (tillåtna fält: a, b)"),
            ("unknown variant `X`, expected one of `T`, `K`, `M`", "'X' är inte ett tillåtet värde (tillåtna: T, K, M)"),
            ("invalid type: string \"12,5\", expected f64 at line 22 column 21", "här ska stå ett tal, men filen har texten \"12,5\""),
            ("invalid type: floating point `1.5`, expected i64", "här ska stå ett heltal, men filen har talet 1.5"),
            ("something else", "something else"),
        ];
        for (en, sv) in cases {
            assert_eq!(explain_sv(en), sv);
        }
    }

    #[test]
    fn versions_compare_by_number_not_text() {
        assert_eq!(version_triple("0.10.2"), Some((0, 10, 2)));
        assert!(version_triple("0.10.0") > version_triple("0.9.9"));
        assert_eq!(version_triple("1.2.3-beta.1"), Some((1, 2, 3)));
        for bad in ["", "1.2", "1.2.3.4", "x.y.z", "1..3"] {
            assert_eq!(version_triple(bad), None, "{bad}");
        }
    }
}
