//! Exchange files for units that work offline on a copy of the database.
//!
//! The controller hands a unit a copy of the database file (copies keep the setting
//! `database_id`). The unit fills in its follow-up of a period in the copy and exports one
//! exchange file ([`export`]); the controller reads many such files into a preview
//! ([`preview`]) that lists, per file and item, what is new, changed, in conflict or
//! unchanged, then applies it ([`apply`]) in one transaction, choosing per conflict whether
//! to keep the master's value or take the file's.
//!
//! **The last exchange.** The copy and the master share their audit log up to the moment
//! the copy was made. The file carries, per item, the marks (id, time, user) of the copy's
//! audit rows for that item; an import writes an audit row (action `import`) that records
//! the marks it brought in. The *base* of an item is the newest of the file's marks that
//! the master also has (the same row, or an import row that brought it). The file changed
//! the item if it has marks after the base; the master changed it if it has audit rows for
//! the item after the base (or an import of a later state of the same copy).
//!
//! | master has | file side since base | master side since base | state |
//! |---|---|---|---|
//! | the same content | – | – | unchanged |
//! | nothing | any | not changed | new (taken) |
//! | other content | changed | not changed | changed (taken) |
//! | other content | not changed | changed | master newer (kept) |
//! | other content (or nothing, deleted) | changed | changed | conflict (kept unless resolved "take file") |
//! | other content | not changed | not changed | conflict (history cannot tell) |

mod export;
pub mod file;
mod import;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::Result;
use crate::model::{ActivityStatus, AssessmentState, AssignmentStatus, ControlResult, Gender, GuaranteeOutcome};
use crate::store::{assignments, internal_control, unit_missions, Read};

pub use export::{build, export, export_to, to_bytes};
pub use file::{
    parse, read_path, ExchangeFile, FileActivity, FileAssessment, FileAssignment, FileControl, FileGuarantee, FilePeriod, FileUnit,
    FileValue, Mark, EXTENSION, FORMAT_ID, FORMAT_VERSION, MAX_FILE_BYTES,
};
pub use import::{apply, describe, preview};

/// Which item of a file's unit and period.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[ts(export)]
pub enum ExchangeItemRef {
    /// An indicator value of one gender.
    Value { indicator_id: i64, gender: Gender },
    /// The assessment and analysis of a goal.
    Assessment { goal_id: i64 },
    /// The follow-up of an activity.
    Activity { activity_id: i64 },
    /// The follow-up of an uppdrag the unit is responsible for.
    Assignment { assignment_id: i64 },
    /// The follow-up of a control of the unit's intern kontroll plan.
    Control { control_id: i64 },
    /// Whether one of the unit's tjänstegarantier was kept.
    Guarantee { guarantee_id: i64 },
}

/// What an item holds, on either side.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[ts(export)]
pub enum ExchangeItemContent {
    Value { value: f64 },
    Assessment { step: Option<i32>, analysis: String, state: AssessmentState, review_comment: String },
    Activity { status: ActivityStatus, comment: String },
    Assignment { status: AssignmentStatus, comment: String, state: AssessmentState, review_comment: String },
    Control { result: ControlResult, comment: String, deviation: String, action: String, state: AssessmentState, review_comment: String },
    Guarantee { kept: GuaranteeOutcome, comment: String, state: AssessmentState, review_comment: String },
}

/// How a file's item compares with the master (see the table in the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ExchangeItemState {
    /// The master has nothing; the file's content is taken.
    New,
    /// Only the unit changed it since the last exchange; the file's content is taken.
    Changed,
    /// Both changed it since the last exchange; kept unless resolved "take file".
    Conflict,
    /// Same content on both sides; nothing to do.
    Unchanged,
    /// Only the master changed it since the last exchange; the master's content is kept.
    MasterNewer,
}

/// One item of a file in the preview.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ExchangeItem {
    pub item: ExchangeItemRef,
    /// What the item is, in Swedish: "Nöjdhet hemtjänst (T)", "Bedömning: H1 Färre …".
    pub label: String,
    /// The item's own name without the kind: the indicator's name, the goal's code and title,
    /// the activity's or uppdrag's title, the control's "what", the guarantee's promise (the
    /// window puts the kind before it in its language).
    pub title: String,
    pub state: ExchangeItemState,
    /// The master's content (none: it has nothing).
    pub master: Option<ExchangeItemContent>,
    /// The file's content (none: the unit cleared the value).
    pub file: Option<ExchangeItemContent>,
}

/// How many items of each state.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ExchangeCounts {
    pub new: u32,
    pub changed: u32,
    pub conflict: u32,
    pub unchanged: u32,
    pub master_newer: u32,
}

impl ExchangeCounts {
    fn add(&mut self, state: ExchangeItemState) {
        match state {
            ExchangeItemState::New => self.new += 1,
            ExchangeItemState::Changed => self.changed += 1,
            ExchangeItemState::Conflict => self.conflict += 1,
            ExchangeItemState::Unchanged => self.unchanged += 1,
            ExchangeItemState::MasterNewer => self.master_newer += 1,
        }
    }
}

/// One file in the preview.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ExchangeFilePreview {
    /// The name the file was given (shown in messages).
    pub file: String,
    pub unit_id: i64,
    pub unit_name: String,
    pub period_id: i64,
    pub period_name: String,
    /// A locked period refuses the import (`period_locked`) when there is anything to take.
    pub period_locked: bool,
    pub exported_at: String,
    pub exported_by: String,
    pub app_version: String,
    pub items: Vec<ExchangeItem>,
    pub counts: ExchangeCounts,
}

/// What importing a set of exchange files would do, before anything is written.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ExchangePreview {
    pub files: Vec<ExchangeFilePreview>,
    pub counts: ExchangeCounts,
    /// The parsed files, kept for [`apply`]; not sent to the window.
    #[serde(skip)]
    #[ts(skip)]
    pub(crate) parsed: Vec<(String, ExchangeFile)>,
}

/// For a conflict: keep the master's content or take the file's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ConflictChoice {
    KeepMaster,
    TakeFile,
}

/// The choice for one conflict: the file (its index in the preview) and the item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ConflictResolution {
    pub file: u32,
    pub item: ExchangeItemRef,
    pub choice: ConflictChoice,
}

impl ExchangePreview {
    /// The same choice for every conflict in the preview.
    pub fn resolve_all(&self, choice: ConflictChoice) -> Vec<ConflictResolution> {
        self.files
            .iter()
            .enumerate()
            .flat_map(|(i, f)| {
                f.items.iter().filter(|it| it.state == ExchangeItemState::Conflict).map(move |it| ConflictResolution {
                    file: i as u32,
                    item: it.item.clone(),
                    choice,
                })
            })
            .collect()
    }
}

/// What an import did, per file and in total.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ExchangeFileOutcome {
    pub file: String,
    /// New and changed items, and conflicts resolved "take file".
    pub taken: u32,
    /// Conflicts where the master's content was kept.
    pub conflicts_kept: u32,
    /// Items the master changed later; kept.
    pub master_newer: u32,
    pub unchanged: u32,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ExchangeOutcome {
    pub files: Vec<ExchangeFileOutcome>,
    pub taken: u32,
    pub conflicts_kept: u32,
}

/// The audit-log entity and entity id of an item of a unit and period: the same keys the
/// ordinary writers use, so the item's whole history is in one place.
pub(crate) fn entity_of(item: &ExchangeItemRef, unit_id: i64, period_id: i64) -> (&'static str, String) {
    match item {
        ExchangeItemRef::Value { indicator_id, gender } => {
            ("indicator_value", format!("{indicator_id}/{unit_id}/{period_id}/{}", gender.as_str()))
        }
        ExchangeItemRef::Assessment { goal_id } => ("assessment", format!("{goal_id}/{unit_id}/{period_id}")),
        ExchangeItemRef::Activity { activity_id } => ("activity_follow_up", format!("{activity_id}/{period_id}")),
        ExchangeItemRef::Assignment { assignment_id } => ("assignment_follow_up", format!("{assignment_id}/{period_id}")),
        ExchangeItemRef::Control { control_id } => ("control_follow_up", format!("{control_id}/{period_id}")),
        ExchangeItemRef::Guarantee { guarantee_id } => ("service_guarantee_follow_up", format!("{guarantee_id}/{period_id}")),
    }
}

/// One uppdrag, control or tjänstegaranti of a plan year: its id, the unit it belongs to and
/// its name (the uppdrag's code and title, the control's "what", the guarantee's promise).
#[derive(Debug, Clone)]
pub(crate) struct Owned {
    pub id: i64,
    pub unit_id: i64,
    pub name: String,
}

/// The uppdrag, controls and tjänstegarantier of a plan year, each with the unit it belongs
/// to: an uppdrag to its responsible unit, a control to its plan's unit, a guarantee to its unit.
#[derive(Debug, Clone, Default)]
pub(crate) struct YearItems {
    pub assignments: Vec<Owned>,
    pub controls: Vec<Owned>,
    pub guarantees: Vec<Owned>,
}

impl YearItems {
    pub(crate) fn of_year(db: Read<'_>, year: i32) -> Result<Self> {
        let assignments = assignments::of_year(db, year)?
            .into_iter()
            .map(|a| Owned { id: a.id, unit_id: a.responsible_unit_id, name: format!("{} {}", a.code, a.title).trim().to_string() })
            .collect();
        let plans = internal_control::plans_of_year(db, year)?;
        let risks = internal_control::risks_of_year(db, year)?;
        let unit_of_risk = |risk_id: i64| {
            let plan_id = risks.iter().find(|r| r.id == risk_id)?.plan_id;
            plans.iter().find(|p| p.id == plan_id).map(|p| p.org_unit_id)
        };
        let controls = internal_control::controls_of_year(db, year)?
            .into_iter()
            .filter_map(|c| Some(Owned { id: c.id, unit_id: unit_of_risk(c.risk_id)?, name: c.what }))
            .collect();
        let guarantees = unit_missions::guarantees_of_year(db, year)?
            .into_iter()
            .map(|g| Owned { id: g.id, unit_id: g.org_unit_id, name: g.promise })
            .collect();
        Ok(YearItems { assignments, controls, guarantees })
    }

    pub(crate) fn name_of(&self, item: &ExchangeItemRef) -> Option<&str> {
        let (list, id) = match item {
            ExchangeItemRef::Assignment { assignment_id } => (&self.assignments, *assignment_id),
            ExchangeItemRef::Control { control_id } => (&self.controls, *control_id),
            ExchangeItemRef::Guarantee { guarantee_id } => (&self.guarantees, *guarantee_id),
            _ => return None,
        };
        list.iter().find(|o| o.id == id).map(|o| o.name.as_str())
    }
}
