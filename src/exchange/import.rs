//! Reading exchange files into a preview, and applying it in one transaction.

use std::collections::{HashMap, HashSet};

use serde_json::json;

use super::file::{parse, ExchangeFile, Mark};
use super::{
    entity_of, ConflictChoice, ConflictResolution, ExchangeCounts, ExchangeFileOutcome, ExchangeFilePreview, ExchangeItem,
    ExchangeItemContent, ExchangeItemRef, ExchangeItemState, ExchangeOutcome, ExchangePreview, YearItems,
};
use crate::error::{AppError, ErrorCode, Msg, Result};
use crate::model::{AssignmentFollowUp, AssignmentStatus, ControlFollowUp, ControlResult, Gender, GuaranteeFollowUp, GuaranteeOutcome};
use crate::msg;
use crate::store::{
    activities, assessments, assignments, goals, indicators, internal_control, journal, periods, plan, settings, unit_missions, units,
    values,
};
use crate::store::{ChangeContext, Read, Store, Writer};

/// One audit row of the master's history of an item: its identity, and for an import row
/// the marks of the file rows it brought in.
#[derive(Debug, Clone)]
struct ChainRow {
    mark: Mark,
    covers: Vec<Mark>,
}

/// The master's side of an item: its content and history.
#[derive(Debug, Clone)]
struct MasterItem {
    content: Option<ExchangeItemContent>,
    chain: Vec<ChainRow>,
}

/// The state of an item (see the table in the module docs of [`super`]).
fn classify(master: &MasterItem, file: &Option<ExchangeItemContent>, history: &[Mark]) -> ExchangeItemState {
    if master.content == *file {
        return ExchangeItemState::Unchanged;
    }
    let known = |m: &Mark| master.chain.iter().position(|r| r.mark == *m || r.covers.contains(m));
    let base = history.iter().enumerate().rev().find_map(|(i, m)| known(m).map(|j| (i, j)));
    let (file_changed, master_changed) = match base {
        None => (!history.is_empty(), !master.chain.is_empty()),
        Some((i, j)) => {
            // An import of a later state of the same copy also puts the master ahead.
            let ahead = master.chain[j].covers.iter().any(|c| !history[..=i].contains(c));
            (i + 1 < history.len(), j + 1 < master.chain.len() || ahead)
        }
    };
    match (master.content.is_none(), file_changed, master_changed) {
        (true, _, false) => ExchangeItemState::New,
        (false, true, false) => ExchangeItemState::Changed,
        (_, false, true) => ExchangeItemState::MasterNewer,
        _ => ExchangeItemState::Conflict,
    }
}

/// An item of a file, whichever kind.
struct FileItem<'a> {
    item: ExchangeItemRef,
    content: Option<ExchangeItemContent>,
    changed_at: &'a str,
    changed_by: &'a str,
    history: &'a [Mark],
}

fn items(f: &ExchangeFile) -> Vec<FileItem<'_>> {
    let values = f.values.iter().map(|v| FileItem {
        item: ExchangeItemRef::Value { indicator_id: v.indicator_id, gender: v.gender },
        content: v.value.map(|value| ExchangeItemContent::Value { value }),
        changed_at: &v.changed_at,
        changed_by: &v.changed_by,
        history: &v.history,
    });
    let assessments = f.assessments.iter().map(|a| FileItem {
        item: ExchangeItemRef::Assessment { goal_id: a.goal_id },
        content: Some(ExchangeItemContent::Assessment {
            step: a.step,
            analysis: a.analysis.clone(),
            state: a.state,
            review_comment: a.review_comment.clone(),
        }),
        changed_at: &a.changed_at,
        changed_by: &a.changed_by,
        history: &a.history,
    });
    let activities = f.activities.iter().map(|a| FileItem {
        item: ExchangeItemRef::Activity { activity_id: a.activity_id },
        content: Some(ExchangeItemContent::Activity { status: a.status, comment: a.comment.clone() }),
        changed_at: &a.changed_at,
        changed_by: &a.changed_by,
        history: &a.history,
    });
    let assignments = f.assignments.iter().map(|a| FileItem {
        item: ExchangeItemRef::Assignment { assignment_id: a.assignment_id },
        content: Some(ExchangeItemContent::Assignment {
            status: a.status,
            comment: a.comment.clone(),
            state: a.state,
            review_comment: a.review_comment.clone(),
        }),
        changed_at: &a.changed_at,
        changed_by: &a.changed_by,
        history: &a.history,
    });
    let controls = f.controls.iter().map(|c| FileItem {
        item: ExchangeItemRef::Control { control_id: c.control_id },
        content: Some(ExchangeItemContent::Control {
            result: c.result,
            comment: c.comment.clone(),
            deviation: c.deviation.clone(),
            action: c.action.clone(),
            state: c.state,
            review_comment: c.review_comment.clone(),
        }),
        changed_at: &c.changed_at,
        changed_by: &c.changed_by,
        history: &c.history,
    });
    let guarantees = f.guarantees.iter().map(|g| FileItem {
        item: ExchangeItemRef::Guarantee { guarantee_id: g.guarantee_id },
        content: Some(ExchangeItemContent::Guarantee {
            kept: g.kept,
            comment: g.comment.clone(),
            state: g.state,
            review_comment: g.review_comment.clone(),
        }),
        changed_at: &g.changed_at,
        changed_by: &g.changed_by,
        history: &g.history,
    });
    values.chain(assessments).chain(activities).chain(assignments).chain(controls).chain(guarantees).collect()
}

fn load_master(db: Read<'_>, item: &ExchangeItemRef, unit: i64, period: i64) -> Result<MasterItem> {
    let content = match item {
        ExchangeItemRef::Value { indicator_id, gender } => {
            values::at(db, *indicator_id, unit, period, gender.as_str())?.map(|value| ExchangeItemContent::Value { value })
        }
        ExchangeItemRef::Assessment { goal_id } => assessments::content(db, *goal_id, unit, period)?
            .map(|(step, analysis, state, review_comment)| ExchangeItemContent::Assessment { step, analysis, state, review_comment }),
        ExchangeItemRef::Activity { activity_id } => {
            activities::follow_up(db, *activity_id, period)?.map(|(status, comment)| ExchangeItemContent::Activity { status, comment })
        }
        ExchangeItemRef::Assignment { assignment_id } => assignments::get_follow_up(db, *assignment_id, period)?.map(|f| {
            ExchangeItemContent::Assignment { status: f.status, comment: f.comment, state: f.state, review_comment: f.review_comment }
        }),
        ExchangeItemRef::Control { control_id } => {
            internal_control::get_follow_up(db, *control_id, period)?.map(|f| ExchangeItemContent::Control {
                result: f.result,
                comment: f.comment,
                deviation: f.deviation,
                action: f.action,
                state: f.state,
                review_comment: f.review_comment,
            })
        }
        ExchangeItemRef::Guarantee { guarantee_id } => unit_missions::get_guarantee_follow_up(db, *guarantee_id, period)?
            .map(|f| ExchangeItemContent::Guarantee { kept: f.kept, comment: f.comment, state: f.state, review_comment: f.review_comment }),
    };
    let (entity, entity_id) = entity_of(item, unit, period);
    let chain = journal::of_entity(db, entity, &entity_id)?
        .into_iter()
        .map(|r| {
            let covers = match (r.action.as_str(), r.after) {
                ("import", Some(text)) => serde_json::from_str::<serde_json::Value>(&text)
                    .ok()
                    .and_then(|v| serde_json::from_value::<Vec<Mark>>(v.get("exchange_marks")?.clone()).ok())
                    .unwrap_or_default(),
                _ => Vec::new(),
            };
            ChainRow { mark: Mark { id: r.id, at: r.at, user: r.user }, covers }
        })
        .collect();
    Ok(MasterItem { content, chain })
}

fn bad(file: &str, what: Msg) -> AppError {
    AppError::bad_file(msg!("{file}: {}. Inget har sparats.", "{file}: {}. Nothing has been saved.", what))
}

/// Check a parsed file against the database: the same database, a unit and period that
/// exist, and items that belong to the unit and are valid. Errors name file and place.
fn validate(db: Read<'_>, name: &str, f: &ExchangeFile) -> Result<()> {
    let ours = settings::database_id(db)?;
    if f.database_id != ours {
        return Err(bad(
            name,
            msg!("filen kommer från en annan databas (en annan kommuns eller en nyskapad), inte från en kopia av den här. Importera den i databasen som kopian gjordes från", "the file comes from another database (another municipality's or a newly created one), not from a copy of this one. Import it into the database the copy was made from"),
        ));
    }
    match units::get(db, f.unit.id) {
        Err(e) if e.code == ErrorCode::NotFound => {
            return Err(bad(
                name,
                msg!(
                    "'unit': enheten {} (id {}) finns inte i den här databasen",
                    "'unit': the unit {} (id {}) does not exist in this database",
                    f.unit.name,
                    f.unit.id
                ),
            ))
        }
        Err(e) => return Err(e),
        Ok(_) => {}
    }
    let year: Option<i32> = periods::find(db, f.period.id)?.map(|p| p.plan_year);
    match year {
        None => {
            return Err(bad(
                name,
                msg!(
                    "'period': perioden {} (id {}) finns inte i den här databasen",
                    "'period': the period {} (id {}) does not exist in this database",
                    f.period.name,
                    f.period.id
                ),
            ))
        }
        Some(y) if y != f.period.plan_year => {
            return Err(bad(
                name,
                msg!(
                    "'period': perioden med id {} hör till {y} här, men till {} i filen",
                    "'period': the period with id {} belongs to {y} here, but to {} in the file",
                    f.period.id,
                    f.period.plan_year
                ),
            ))
        }
        Some(_) => {}
    }
    let steps: i32 = plan::year(db, f.period.plan_year)?.scale_steps;
    let mut seen = HashSet::new();
    for (i, v) in f.values.iter().enumerate() {
        let at = format!("'values[{i}]'");
        let row = indicators::placement(db, v.indicator_id)?.map(|(owner, split, _)| (owner, split));
        match row {
            None => {
                return Err(bad(
                    name,
                    msg!(
                        "{at}: nyckeltalet med id {} finns inte i den här databasen",
                        "{at}: the indicator with id {} does not exist in this database",
                        v.indicator_id
                    ),
                ))
            }
            Some((owner, _)) if owner != f.unit.id => {
                return Err(bad(
                    name,
                    msg!(
                        "{at}: nyckeltalet med id {} rapporteras inte av {}",
                        "{at}: the indicator with id {} is not reported by {}",
                        v.indicator_id,
                        f.unit.name
                    ),
                ))
            }
            Some((_, false)) if v.gender != Gender::T => {
                return Err(bad(
                    name,
                    msg!(
                        "{at}: nyckeltalet med id {} är inte uppdelat på kvinnor och män",
                        "{at}: the indicator with id {} is not split by women and men",
                        v.indicator_id
                    ),
                ))
            }
            Some(_) => {}
        }
        if v.value.is_some_and(|x| !x.is_finite()) {
            return Err(bad(name, msg!("{at}: värdet är inte ett tal", "{at}: the value is not a number")));
        }
        if !seen.insert(ExchangeItemRef::Value { indicator_id: v.indicator_id, gender: v.gender }) {
            return Err(bad(
                name,
                msg!(
                    "{at}: värdet för nyckeltal {} ({}) finns två gånger i filen",
                    "{at}: the value for indicator {} ({}) appears twice in the file",
                    v.indicator_id,
                    v.gender.as_str()
                ),
            ));
        }
    }
    for (i, a) in f.assessments.iter().enumerate() {
        let at = format!("'assessments[{i}]'");
        let row = goals::owner_and_year(db, a.goal_id)?;
        match row {
            None => {
                return Err(bad(
                    name,
                    msg!(
                        "{at}: målet med id {} finns inte i den här databasen",
                        "{at}: the goal with id {} does not exist in this database",
                        a.goal_id
                    ),
                ))
            }
            Some((owner, _)) if owner != f.unit.id => {
                return Err(bad(
                    name,
                    msg!("{at}: målet med id {} ägs inte av {}", "{at}: the goal with id {} is not owned by {}", a.goal_id, f.unit.name),
                ))
            }
            Some((_, y)) if y != f.period.plan_year => {
                return Err(bad(
                    name,
                    msg!(
                        "{at}: målet med id {} hör till planåret {y}, inte {}",
                        "{at}: the goal with id {} belongs to plan year {y}, not {}",
                        a.goal_id,
                        f.period.plan_year
                    ),
                ))
            }
            Some(_) => {}
        }
        if a.step.is_some_and(|s| s < 1 || s > steps) {
            return Err(bad(
                name,
                msg!(
                    "{at}: bedömningen måste vara ett av skalans {steps} steg",
                    "{at}: the assessment must be one of the scale's {steps} steps"
                ),
            ));
        }
        if a.analysis.chars().count() > 20_000 {
            return Err(bad(
                name,
                msg!("{at}: analysen är för lång (högst 20 000 tecken)", "{at}: the analysis is too long (at most 20,000 characters)"),
            ));
        }
        if a.review_comment.chars().count() > 2_000 {
            return Err(bad(
                name,
                msg!(
                    "{at}: granskningskommentaren är för lång (högst 2 000 tecken)",
                    "{at}: the review comment is too long (at most 2,000 characters)"
                ),
            ));
        }
        if !seen.insert(ExchangeItemRef::Assessment { goal_id: a.goal_id }) {
            return Err(bad(
                name,
                msg!(
                    "{at}: bedömningen av mål {} finns två gånger i filen",
                    "{at}: the assessment of goal {} appears twice in the file",
                    a.goal_id
                ),
            ));
        }
    }
    for (i, a) in f.activities.iter().enumerate() {
        let at = format!("'activities[{i}]'");
        let row = activities::owner_and_year(db, a.activity_id)?;
        match row {
            None => {
                return Err(bad(
                    name,
                    msg!(
                        "{at}: aktiviteten med id {} finns inte i den här databasen",
                        "{at}: the activity with id {} does not exist in this database",
                        a.activity_id
                    ),
                ))
            }
            Some((owner, _)) if owner != f.unit.id => {
                return Err(bad(
                    name,
                    msg!(
                        "{at}: aktiviteten med id {} ägs inte av {}",
                        "{at}: the activity with id {} is not owned by {}",
                        a.activity_id,
                        f.unit.name
                    ),
                ))
            }
            Some((_, y)) if y != f.period.plan_year => {
                return Err(bad(
                    name,
                    msg!(
                        "{at}: aktiviteten med id {} hör till planåret {y}, inte {}",
                        "{at}: the activity with id {} belongs to plan year {y}, not {}",
                        a.activity_id,
                        f.period.plan_year
                    ),
                ))
            }
            Some(_) => {}
        }
        if a.comment.chars().count() > 2_000 {
            return Err(bad(
                name,
                msg!("{at}: kommentaren är för lång (högst 2 000 tecken)", "{at}: the comment is too long (at most 2,000 characters)"),
            ));
        }
        if !seen.insert(ExchangeItemRef::Activity { activity_id: a.activity_id }) {
            return Err(bad(
                name,
                msg!(
                    "{at}: uppföljningen av aktivitet {} finns två gånger i filen",
                    "{at}: the follow-up of activity {} appears twice in the file",
                    a.activity_id
                ),
            ));
        }
    }
    validate_steering(db, name, f, &mut seen)
}

/// The longest comment, deviation or action text of an uppdrag, control or guarantee.
const MAX_TEXT: usize = 20_000;
/// The longest review comment.
const MAX_REVIEW_COMMENT: usize = 2_000;

/// Refuse a text longer than `max` characters at `at`.
fn check_length(name: &str, at: &str, what: Msg, text: &str, max: usize) -> Result<()> {
    if text.chars().count() <= max {
        return Ok(());
    }
    let shown = crate::text::number_sv(max as f64, 0);
    let shown_en = shown.replace([' ', '\u{a0}', '\u{202f}'], ",");
    Err(bad(name, msg!("{at}: {} är för lång (högst {shown} tecken)", "{at}: {} is too long (at most {shown_en} characters)", what)))
}

/// The uppdrag, controls and tjänstegarantier of a file: each exists in the file's plan year,
/// belongs to the file's unit, appears once, and its texts are not too long. A bad status,
/// result or outcome word was refused already when the file was read.
fn validate_steering(db: Read<'_>, name: &str, f: &ExchangeFile, seen: &mut HashSet<ExchangeItemRef>) -> Result<()> {
    if f.assignments.is_empty() && f.controls.is_empty() && f.guarantees.is_empty() {
        return Ok(());
    }
    let year = YearItems::of_year(db, f.period.plan_year)?;
    let unit = (f.unit.id, f.unit.name.as_str());
    let owner = |list: &[super::Owned], id: i64| list.iter().find(|o| o.id == id).map(|o| o.unit_id);
    for (i, a) in f.assignments.iter().enumerate() {
        let at = format!("'assignments[{i}]'");
        let what = (
            msg!("uppdraget med id {}", "the assignment with id {}", a.assignment_id),
            msg!("ansvarar inte för det", "is not responsible for it"),
        );
        check_owner(name, &at, &what, owner(&year.assignments, a.assignment_id), unit, f.period.plan_year)?;
        check_length(name, &at, msg!("kommentaren", "the comment"), &a.comment, MAX_TEXT)?;
        check_length(name, &at, msg!("granskningskommentaren", "the review comment"), &a.review_comment, MAX_REVIEW_COMMENT)?;
        check_once(name, &at, seen, ExchangeItemRef::Assignment { assignment_id: a.assignment_id }, &what.0)?;
    }
    for (i, c) in f.controls.iter().enumerate() {
        let at = format!("'controls[{i}]'");
        let what = (
            msg!("kontrollen med id {}", "the control with id {}", c.control_id),
            msg!("har den inte i sin plan för intern kontroll", "does not have it in its internal control plan"),
        );
        check_owner(name, &at, &what, owner(&year.controls, c.control_id), unit, f.period.plan_year)?;
        check_length(name, &at, msg!("kommentaren", "the comment"), &c.comment, MAX_TEXT)?;
        check_length(name, &at, msg!("avvikelsen", "the deviation"), &c.deviation, MAX_TEXT)?;
        check_length(name, &at, msg!("åtgärden", "the action"), &c.action, MAX_TEXT)?;
        check_length(name, &at, msg!("granskningskommentaren", "the review comment"), &c.review_comment, MAX_REVIEW_COMMENT)?;
        check_once(name, &at, seen, ExchangeItemRef::Control { control_id: c.control_id }, &what.0)?;
    }
    for (i, g) in f.guarantees.iter().enumerate() {
        let at = format!("'guarantees[{i}]'");
        let what = (
            msg!("tjänstegarantin med id {}", "the service guarantee with id {}", g.guarantee_id),
            msg!("har den inte", "does not have it"),
        );
        check_owner(name, &at, &what, owner(&year.guarantees, g.guarantee_id), unit, f.period.plan_year)?;
        check_length(name, &at, msg!("kommentaren", "the comment"), &g.comment, MAX_TEXT)?;
        check_length(name, &at, msg!("granskningskommentaren", "the review comment"), &g.review_comment, MAX_REVIEW_COMMENT)?;
        check_once(name, &at, seen, ExchangeItemRef::Guarantee { guarantee_id: g.guarantee_id }, &what.0)?;
    }
    Ok(())
}

/// `what.0` ("uppdraget med id 7") exists in the plan year and belongs to `unit`; `what.1`
/// says why not when it belongs to another.
fn check_owner(name: &str, at: &str, what: &(Msg, Msg), owner: Option<i64>, unit: (i64, &str), year: i32) -> Result<()> {
    match owner {
        None => Err(bad(
            name,
            msg!(
                "{at}: {} finns inte i den här databasen för planåret {year}",
                "{at}: {} does not exist in this database for plan year {year}",
                what.0
            ),
        )),
        Some(o) if o != unit.0 => Err(bad(
            name,
            msg!("{at}: {} hör inte till {}: enheten {}", "{at}: {} does not belong to {}: the unit {}", what.0, unit.1, what.1),
        )),
        Some(_) => Ok(()),
    }
}

fn check_once(name: &str, at: &str, seen: &mut HashSet<ExchangeItemRef>, item: ExchangeItemRef, what: &Msg) -> Result<()> {
    if seen.insert(item) {
        return Ok(());
    }
    Err(bad(name, msg!("{at}: uppföljningen av {} finns två gånger i filen", "{at}: the follow-up of {} appears twice in the file", what)))
}

/// The outcome of one item of a walk over the files.
struct Walked {
    state: ExchangeItemState,
    master: Option<ExchangeItemContent>,
    taken: bool,
}

/// Classify every item of every file in order against the master as it stands plus what
/// earlier files (and items) take, calling `take` for each item that is taken.
fn walk(
    db: Read<'_>,
    files: &[(String, ExchangeFile)],
    resolutions: &[ConflictResolution],
    mut take: impl FnMut(&str, &ExchangeFile, &FileItem<'_>, Option<&ExchangeItemContent>) -> Result<()>,
) -> Result<Vec<Vec<Walked>>> {
    let mut taken_so_far: HashMap<(i64, i64, ExchangeItemRef), MasterItem> = HashMap::new();
    let mut next_mark = 0i64;
    let mut out = Vec::new();
    for (index, (name, f)) in files.iter().enumerate() {
        let (unit, period) = (f.unit.id, f.period.id);
        let mut walked = Vec::new();
        for item in items(f) {
            let key = (unit, period, item.item.clone());
            let master = match taken_so_far.get(&key) {
                Some(m) => m.clone(),
                None => load_master(db, &item.item, unit, period)?,
            };
            let state = classify(&master, &item.content, item.history);
            let taken = match state {
                ExchangeItemState::New | ExchangeItemState::Changed => true,
                ExchangeItemState::Conflict => {
                    resolutions.iter().any(|r| r.file as usize == index && r.item == item.item && r.choice == ConflictChoice::TakeFile)
                }
                ExchangeItemState::Unchanged | ExchangeItemState::MasterNewer => false,
            };
            if taken {
                take(name, f, &item, master.content.as_ref())?;
                // What the import row will record, so later files see this file's state.
                next_mark -= 1;
                let mut chain = master.chain.clone();
                chain
                    .push(ChainRow { mark: Mark { id: next_mark, at: String::new(), user: String::new() }, covers: item.history.to_vec() });
                taken_so_far.insert(key, MasterItem { content: item.content.clone(), chain });
            }
            walked.push(Walked { state, master: master.content, taken });
        }
        out.push(walked);
    }
    Ok(out)
}

/// What an item is, in Swedish ("Uppdrag: U3 Utred …"), and its own name ("U3 Utred …").
fn label(db: Read<'_>, year: &YearItems, item: &ExchangeItemRef) -> Result<(String, String)> {
    let named = |kind: &str| {
        let title = year.name_of(item).unwrap_or_default().to_string();
        (format!("{kind}: {title}"), title)
    };
    Ok(match item {
        ExchangeItemRef::Value { indicator_id, gender } => {
            let name = indicators::name(db, *indicator_id)?;
            let who = match gender {
                Gender::T => "totalt",
                Gender::K => "kvinnor",
                Gender::M => "män",
            };
            (format!("{name} ({who})"), name)
        }
        ExchangeItemRef::Assessment { goal_id } => {
            let title = goals::code_and_title(db, *goal_id)?;
            (format!("Bedömning: {title}"), title)
        }
        ExchangeItemRef::Activity { activity_id } => {
            let title = activities::title(db, *activity_id)?;
            (format!("Aktivitet: {title}"), title)
        }
        ExchangeItemRef::Assignment { .. } => named("Uppdrag"),
        ExchangeItemRef::Control { .. } => named("Kontroll"),
        ExchangeItemRef::Guarantee { .. } => named("Tjänstegaranti"),
    })
}

/// Read exchange files (name, bytes) into a preview of what importing them would do.
/// Every file is parsed and checked first; one bad file and the whole preview is refused
/// with a message naming it. Files are taken in the order given: when two files touch the
/// same item, the second is compared with what the first brings. Writes nothing.
pub fn preview<N: AsRef<str>, B: AsRef<[u8]>>(store: &Store, files: &[(N, B)]) -> Result<ExchangePreview> {
    let db = store.read();
    let mut parsed = Vec::new();
    for (name, bytes) in files {
        let name = name.as_ref();
        let f = parse(name, bytes.as_ref())?;
        validate(db, name, &f)?;
        parsed.push((name.to_string(), f));
    }
    let walked = walk(db, &parsed, &[], |_, _, _, _| Ok(()))?;
    let mut out = ExchangePreview { files: Vec::new(), counts: ExchangeCounts::default(), parsed: Vec::new() };
    let mut years: HashMap<i32, YearItems> = HashMap::new();
    for ((name, f), walked) in parsed.iter().zip(walked) {
        let mut counts = ExchangeCounts::default();
        let mut list = Vec::new();
        let year = match years.entry(f.period.plan_year) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(e) => e.insert(YearItems::of_year(db, f.period.plan_year)?),
        };
        for (item, w) in items(f).into_iter().zip(walked) {
            counts.add(w.state);
            out.counts.add(w.state);
            let (label, title) = label(db, year, &item.item)?;
            list.push(ExchangeItem { label, title, item: item.item, state: w.state, master: w.master, file: item.content });
        }
        let unit_name = units::get(db, f.unit.id)?.name;
        let period = periods::get(db, f.period.id)?;
        let (period_name, locked) = (period.name, period.locked);
        out.files.push(ExchangeFilePreview {
            file: name.clone(),
            unit_id: f.unit.id,
            unit_name,
            period_id: f.period.id,
            period_name,
            period_locked: locked,
            exported_at: f.exported_at.clone(),
            exported_by: f.exported_by.clone(),
            app_version: f.app_version.clone(),
            items: list,
            counts,
        });
    }
    out.parsed = parsed;
    Ok(out)
}

/// Import the files of `preview` in one transaction: new and changed items are taken,
/// conflicts are kept unless `resolutions` say "take file", items the master changed later
/// are kept. Every item taken is audited (action `import`, with before and after and the
/// file's marks). Importing the same files again writes nothing. A locked period refuses
/// with `period_locked`, and nothing is saved.
///
/// Items are classified again inside the write transaction (IMMEDIATE: no other program can
/// write between this check and the writes). When an item the preview promised to take, or
/// an item that would be taken now, no longer stands as the preview showed it (another user
/// or program changed it after the preview, e.g. a second import running at the same time),
/// the whole import is refused with `conflict` and nothing is saved: the choices made for
/// the preview do not extend to a change the user has not seen. Reading the files again
/// shows it.
pub fn apply(
    store: &mut Store,
    ctx: &ChangeContext,
    preview: &ExchangePreview,
    resolutions: &[ConflictResolution],
) -> Result<ExchangeOutcome> {
    if preview.parsed.len() != preview.files.len() {
        return Err(AppError::validation(msg!(
            "Förhandsvisningen saknar filernas innehåll. Läs in utbytesfilerna igen och försök på nytt.",
            "The preview lacks the files' content. Read the exchange files again and try once more."
        )));
    }
    store.write(ctx, |w| {
        let db = w.read();
        for (name, f) in &preview.parsed {
            validate(db, name, f)?;
        }
        let walked = walk(db, &preview.parsed, resolutions, |name, f, item, before| w.import_item(name, f, item, before))?;
        // Returning an error rolls back what `walk` wrote.
        changed_since_preview(preview, resolutions, &walked)?;
        let mut outcome = ExchangeOutcome::default();
        for ((name, _), walked) in preview.parsed.iter().zip(walked) {
            let mut o = ExchangeFileOutcome { file: name.clone(), ..ExchangeFileOutcome::default() };
            for w in walked {
                match (w.state, w.taken) {
                    (_, true) => o.taken += 1,
                    (ExchangeItemState::Conflict, false) => o.conflicts_kept += 1,
                    (ExchangeItemState::MasterNewer, _) => o.master_newer += 1,
                    _ => o.unchanged += 1,
                }
            }
            outcome.taken += o.taken;
            outcome.conflicts_kept += o.conflicts_kept;
            outcome.files.push(o);
        }
        Ok(outcome)
    })
}

/// The content of an item in a few words, for messages and the command line.
pub fn describe(c: Option<&ExchangeItemContent>) -> Msg {
    match c {
        None => msg!("inget", "nothing"),
        Some(ExchangeItemContent::Value { value }) => {
            let shown = crate::text::number_sv(*value, 3);
            let shown = if shown.contains(',') { shown.trim_end_matches('0').trim_end_matches(',').to_string() } else { shown };
            // The same number with a decimal point and no thousands spaces, for English.
            let en = shown.replace([' ', '\u{a0}', '\u{202f}'], "").replace(',', ".");
            Msg { sv: shown, en }
        }
        Some(ExchangeItemContent::Assessment { step, state, .. }) => {
            let step = step.map(|s| s.to_string()).unwrap_or_else(|| "–".into());
            msg!("bedömning steg {step} ({})", "assessment step {step} ({})", state.as_str())
        }
        Some(ExchangeItemContent::Activity { status, .. }) => {
            Msg { sv: status.label_sv().to_lowercase(), en: status.label_en().to_lowercase() }
        }
        Some(ExchangeItemContent::Assignment { status, state, .. }) => {
            let (sv, en) = match status {
                AssignmentStatus::NotStarted => ("ej påbörjat", "not started"),
                AssignmentStatus::InProgress => ("pågår", "in progress"),
                AssignmentStatus::Done => ("genomfört", "done"),
                AssignmentStatus::ClosedUndone => ("avslutat utan att genomföras", "closed without being done"),
            };
            msg!("{sv} ({})", "{en} ({})", state.as_str())
        }
        Some(ExchangeItemContent::Control { result, state, .. }) => {
            let (sv, en) = match result {
                ControlResult::NoRemarks => ("utan anmärkning", "no remarks"),
                ControlResult::Deviation => ("avvikelse", "deviation"),
            };
            msg!("{sv} ({})", "{en} ({})", state.as_str())
        }
        Some(ExchangeItemContent::Guarantee { kept, state, .. }) => {
            let (sv, en) = match kept {
                GuaranteeOutcome::Kept => ("hållen", "kept"),
                GuaranteeOutcome::NotKept => ("inte hållen", "not kept"),
            };
            msg!("{sv} ({})", "{en} ({})", state.as_str())
        }
    }
}

/// Refuse (`conflict`) when an item the preview promised to take, or one taken now, does not
/// stand in the database as the preview showed it.
fn changed_since_preview(preview: &ExchangePreview, resolutions: &[ConflictResolution], walked: &[Vec<Walked>]) -> Result<()> {
    let mut changed = Vec::new();
    for (index, (shown, now)) in preview.files.iter().zip(walked).enumerate() {
        if shown.items.len() != now.len() {
            return Err(AppError::validation(msg!(
                "Förhandsvisningen stämmer inte med utbytesfilerna. Läs in filerna igen och försök på nytt.",
                "The preview does not match the exchange files. Read the files again and try once more."
            )));
        }
        for (item, w) in shown.items.iter().zip(now) {
            let promised = match item.state {
                ExchangeItemState::New | ExchangeItemState::Changed => true,
                ExchangeItemState::Conflict => {
                    resolutions.iter().any(|r| r.file as usize == index && r.item == item.item && r.choice == ConflictChoice::TakeFile)
                }
                ExchangeItemState::Unchanged | ExchangeItemState::MasterNewer => false,
            };
            if (promised || w.taken) && (w.state != item.state || w.master != item.master) {
                changed.push(msg!(
                    "{}: {} är nu {} i databasen (förhandsvisningen visade {})",
                    "{}: {} is now {} in the database (the preview showed {})",
                    shown.file,
                    item.label,
                    describe(w.master.as_ref()),
                    describe(item.master.as_ref())
                ));
            }
        }
    }
    if changed.is_empty() {
        return Ok(());
    }
    let more = if changed.len() > 3 { msg!(" och {} till", " and {} more", changed.len() - 3) } else { msg!("", "") };
    let listed = Msg {
        sv: changed.iter().take(3).map(|m| m.sv.as_str()).collect::<Vec<_>>().join("; "),
        en: changed.iter().take(3).map(|m| m.en.as_str()).collect::<Vec<_>>().join("; "),
    };
    Err(AppError::conflict(msg!(
        "Någon annan har ändrat i databasen sedan förhandsvisningen: {}{more}. Inget har sparats, så den ändringen är inte överskriven. Läs in utbytesfilerna igen, se vad som är ändrat och välj på nytt.", "Someone else has changed the database since the preview: {}{more}. Nothing has been saved, so that change is not overwritten. Read the exchange files again, see what has changed and choose again.",
        listed,
        more = more
    )))
}

fn content_json(c: Option<&ExchangeItemContent>) -> serde_json::Value {
    c.map(|c| serde_json::to_value(c).unwrap_or(serde_json::Value::Null)).unwrap_or(serde_json::Value::Null)
}

impl Writer<'_> {
    /// Write one item of an exchange file as the file has it, keeping who changed it in
    /// the unit and when, and audit it with the file's marks.
    fn import_item(&mut self, name: &str, f: &ExchangeFile, item: &FileItem<'_>, before: Option<&ExchangeItemContent>) -> Result<()> {
        let (unit, period) = (f.unit.id, f.period.id);
        crate::store::periods::require_open(self.read(), period)?;
        let changed = (item.changed_at, item.changed_by);
        match (&item.item, &item.content) {
            (ExchangeItemRef::Value { indicator_id, gender }, Some(ExchangeItemContent::Value { value })) => {
                values::put_imported(self, (*indicator_id, unit, period, *gender), Some(*value), changed.0, changed.1)?;
            }
            (ExchangeItemRef::Value { indicator_id, gender }, None) => {
                values::put_imported(self, (*indicator_id, unit, period, *gender), None, changed.0, changed.1)?;
            }
            (ExchangeItemRef::Assessment { goal_id }, Some(ExchangeItemContent::Assessment { step, analysis, state, review_comment })) => {
                assessments::put_imported(self, (*goal_id, unit, period), (*step, analysis, *state, review_comment), changed)?;
            }
            (ExchangeItemRef::Activity { activity_id }, Some(ExchangeItemContent::Activity { status, comment })) => {
                activities::put_imported(self, (*activity_id, period), *status, comment, changed)?;
            }
            (
                ExchangeItemRef::Assignment { assignment_id },
                Some(ExchangeItemContent::Assignment { status, comment, state, review_comment }),
            ) => {
                let f = AssignmentFollowUp {
                    assignment_id: *assignment_id,
                    period_id: period,
                    status: *status,
                    comment: comment.clone(),
                    state: *state,
                    review_comment: review_comment.clone(),
                    changed_at: changed.0.to_string(),
                    changed_by: changed.1.to_string(),
                    version: 0,
                };
                assignments::put_imported_follow_up(self, &f)?;
            }
            (
                ExchangeItemRef::Control { control_id },
                Some(ExchangeItemContent::Control { result, comment, deviation, action, state, review_comment }),
            ) => {
                let f = ControlFollowUp {
                    control_id: *control_id,
                    period_id: period,
                    result: *result,
                    comment: comment.clone(),
                    deviation: deviation.clone(),
                    action: action.clone(),
                    state: *state,
                    review_comment: review_comment.clone(),
                    changed_at: changed.0.to_string(),
                    changed_by: changed.1.to_string(),
                    version: 0,
                };
                internal_control::put_imported_follow_up(self, &f)?;
            }
            (
                ExchangeItemRef::Guarantee { guarantee_id },
                Some(ExchangeItemContent::Guarantee { kept, comment, state, review_comment }),
            ) => {
                let f = GuaranteeFollowUp {
                    guarantee_id: *guarantee_id,
                    period_id: period,
                    kept: *kept,
                    comment: comment.clone(),
                    state: *state,
                    review_comment: review_comment.clone(),
                    changed_at: changed.0.to_string(),
                    changed_by: changed.1.to_string(),
                    version: 0,
                };
                unit_missions::put_imported_guarantee_follow_up(self, &f)?;
            }
            _ => {
                return Err(AppError::new(
                    ErrorCode::Internal,
                    msg!(
                        "{name}: en post i utbytesfilen saknar innehåll. Inget har sparats.",
                        "{name}: an entry in the exchange file has no content. Nothing has been saved."
                    ),
                ))
            }
        }
        let (entity, entity_id) = entity_of(&item.item, unit, period);
        self.audit(
            "import",
            entity,
            entity_id,
            Some(content_json(before)),
            Some(json!({
                "content": content_json(item.content.as_ref()),
                "file": name,
                "changed_at": item.changed_at,
                "changed_by": item.changed_by,
                "exchange_marks": item.history,
            })),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(id: i64) -> Mark {
        Mark { id, at: format!("t{id}"), user: "u".into() }
    }
    fn row(id: i64) -> ChainRow {
        ChainRow { mark: m(id), covers: vec![] }
    }
    fn import_row(id: i64, covers: &[i64]) -> ChainRow {
        ChainRow { mark: m(id), covers: covers.iter().map(|&c| m(c)).collect() }
    }
    fn v(x: f64) -> Option<ExchangeItemContent> {
        Some(ExchangeItemContent::Value { value: x })
    }

    #[test]
    fn classification_table() {
        use ExchangeItemState::*;
        // (master content, master chain, file content, file marks, expected)
        type Case = (&'static str, Option<ExchangeItemContent>, Vec<ChainRow>, Option<ExchangeItemContent>, Vec<i64>, ExchangeItemState);
        let cases: Vec<Case> = vec![
            ("same content", v(1.0), vec![row(1)], v(1.0), vec![1, 20], Unchanged),
            ("master has nothing", None, vec![], v(2.0), vec![20], New),
            ("only the file changed", v(1.0), vec![row(1)], v(2.0), vec![1, 20], Changed),
            ("only the master changed", v(3.0), vec![row(1), row(2)], v(1.0), vec![1], MasterNewer),
            ("both changed", v(3.0), vec![row(1), row(2)], v(2.0), vec![1, 20], Conflict),
            ("master deleted, file changed", None, vec![row(1), row(2)], v(2.0), vec![1, 20], Conflict),
            ("master deleted, file did not change", None, vec![row(1), row(2)], v(1.0), vec![1], MasterNewer),
            ("file cleared the value", v(1.0), vec![row(1)], None, vec![1, 20], Changed),
            (
                "second file of a copy after the first was imported",
                v(2.0),
                vec![row(1), import_row(5, &[1, 20])],
                v(4.0),
                vec![1, 20, 21],
                Changed,
            ),
            (
                "older file of a copy after a newer was imported",
                v(4.0),
                vec![row(1), import_row(5, &[1, 20, 21])],
                v(2.0),
                vec![1, 20],
                MasterNewer,
            ),
            ("another copy's file after the first copy's", v(2.0), vec![row(1), import_row(5, &[1, 20])], v(7.0), vec![1, 30], Conflict),
            ("no shared history, both have rows", v(1.0), vec![row(1)], v(2.0), vec![30], Conflict),
            ("no history anywhere", v(1.0), vec![], v(2.0), vec![], Conflict),
        ];
        for (name, mc, chain, fc, marks, expected) in cases {
            let master = MasterItem { content: mc, chain };
            let marks: Vec<Mark> = marks.into_iter().map(m).collect();
            assert_eq!(classify(&master, &fc, &marks), expected, "{name}");
        }
    }
}
