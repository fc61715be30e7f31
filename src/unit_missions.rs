//! Grunduppdrag and tjänstegarantier (issue 16): a unit's verksamhetsidé per plan year, the
//! promises it makes to the people it serves (what is promised, how it is measured), and per
//! period whether each promise was kept.
//!
//! The grunduppdrag and the list of tjänstegarantier are planning: each save is one undo step
//! (`Writer::journaled`), copied forward with the plan year (no follow-up). Whether a
//! guarantee was kept is follow-up: reviewed like an assessment (`follow_up::review` with the
//! subject "Tjänstegarantin"; utkast → klar för granskning → godkänd), refused in a locked
//! period, not undone with Ctrl+Z. Every write leaves an audit row (`store/unit_missions.rs`).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{AppError, Msg, Result};
use crate::follow_up::review::{self, ReviewAction};
use crate::model::{check_year, AssessmentState, GuaranteeFollowUp, GuaranteeOutcome, ServiceGuarantee};
use crate::msg;
use crate::store::row_version::Seen;
use crate::store::{non_empty, periods, plan, unit_missions, units, Read, Store, Writer};

/// The longest grunduppdrag, in characters (a few paragraphs).
pub const MAX_MISSION: usize = 4_000;
/// The longest comment on a follow-up.
pub const MAX_COMMENT: usize = 4_000;
/// At most this many tjänstegarantier per unit and year: a promise list, not a catalogue.
pub const MAX_GUARANTEES: usize = 20;

fn subject() -> Msg {
    msg!("Tjänstegarantin", "The service guarantee")
}

/// Whether a guarantee was kept in a period, as the window shows it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct GuaranteeFollowUpView {
    pub kept: GuaranteeOutcome,
    pub comment: String,
    pub state: AssessmentState,
    /// Why it was sent back, while it is a draft again.
    pub review_comment: String,
    pub changed_at: String,
    pub changed_by: String,
    /// The row version the window saves against (see `store::row_version`).
    pub version: i64,
}

impl From<GuaranteeFollowUp> for GuaranteeFollowUpView {
    fn from(f: GuaranteeFollowUp) -> Self {
        Self {
            kept: f.kept,
            comment: f.comment,
            state: f.state,
            review_comment: f.review_comment,
            changed_at: f.changed_at,
            changed_by: f.changed_by,
            version: f.version,
        }
    }
}

/// One tjänstegaranti with its follow-up of the chosen period (none when not followed up).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct GuaranteeRow {
    pub id: i64,
    pub promise: String,
    pub measured_by: String,
    pub follow_up: Option<GuaranteeFollowUpView>,
}

/// A unit's grunduppdrag and tjänstegarantier of a plan year, with the follow-up of a period.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct UnitMissionView {
    pub unit_id: i64,
    pub year: i32,
    /// Empty when not written.
    pub mission: String,
    pub guarantees: Vec<GuaranteeRow>,
    /// The period the follow-up is of, and whether it is locked.
    pub period_id: Option<i64>,
    pub period_name: Option<String>,
    pub period_locked: bool,
}

/// The tjänstegaranti form: `id` none adds one last in the unit's list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct GuaranteeForm {
    pub id: Option<i64>,
    pub unit_id: i64,
    pub plan_year: i32,
    pub promise: String,
    pub measured_by: String,
}

/// A unit's grunduppdrag and tjänstegarantier of `year`, with the follow-up of `period_id`
/// (a period of that year; none shows no follow-up).
pub fn view(store: &Store, unit_id: i64, year: i32, period_id: Option<i64>) -> Result<UnitMissionView> {
    view_of(store.read(), unit_id, year, period_id)
}

pub(crate) fn view_of(db: Read<'_>, unit_id: i64, year: i32, period_id: Option<i64>) -> Result<UnitMissionView> {
    units::get(db, unit_id)?;
    let period = match period_id {
        Some(id) => Some(periods::get(db, id)?).filter(|p| p.plan_year == year),
        None => None,
    };
    let mission = unit_missions::get_mission(db, unit_id, year)?.map(|m| m.mission).unwrap_or_default();
    let mut follow_ups = match &period {
        Some(p) => unit_missions::guarantee_follow_ups_of_period(db, p.id)?,
        None => Vec::new(),
    };
    let guarantees = unit_missions::guarantees_of_unit(db, unit_id, year)?
        .into_iter()
        .map(|g| {
            let follow_up = follow_ups.iter().position(|f| f.guarantee_id == g.id).map(|i| follow_ups.swap_remove(i).into());
            GuaranteeRow { id: g.id, promise: g.promise, measured_by: g.measured_by, follow_up }
        })
        .collect();
    Ok(UnitMissionView {
        unit_id,
        year,
        mission,
        guarantees,
        period_id: period.as_ref().map(|p| p.id),
        period_name: period.as_ref().map(|p| p.name.clone()),
        period_locked: period.as_ref().is_some_and(|p| p.locked),
    })
}

/// A grunduppdrag as stored: trimmed, at most [`MAX_MISSION`] characters, paragraphs allowed
/// but no other control characters.
pub fn check_mission(text: &str) -> Result<String> {
    let t = text.trim();
    if t.chars().count() > MAX_MISSION {
        return Err(AppError::validation(msg!(
            "Grunduppdraget är för långt (högst 4 000 tecken). Korta texten.",
            "The basic mission is too long (at most 4,000 characters). Shorten the text."
        ))
        .on_field("mission"));
    }
    if t.chars().any(|c| c.is_control() && c != '\n') {
        return Err(AppError::validation(msg!(
            "Grunduppdraget får inte innehålla tabbar eller andra styrtecken.",
            "The basic mission must not contain tabs or other control characters."
        ))
        .on_field("mission"));
    }
    Ok(t.replace("\r\n", "\n"))
}

fn check_guarantee_texts(form: &GuaranteeForm) -> Result<(String, String)> {
    let promise = non_empty(("Löftet i tjänstegarantin", "The promise of the service guarantee"), &form.promise)
        .map_err(|e| e.on_field("promise"))?;
    let measured = form.measured_by.trim();
    if measured.chars().count() > 500 || measured.chars().any(char::is_control) {
        return Err(AppError::validation(msg!(
            "Skriv hur garantin mäts på en rad (högst 500 tecken).",
            "Write how the guarantee is measured on one line (at most 500 characters)."
        ))
        .on_field("measured_by"));
    }
    Ok((promise, measured.to_string()))
}

fn require_unit_and_year(db: Read<'_>, unit_id: i64, year: i32) -> Result<()> {
    check_year(year).map_err(|e| e.on_field("plan_year"))?;
    plan::require_year(db, year).map_err(|e| e.on_field("plan_year"))?;
    let unit = units::get(db, unit_id)?;
    if !unit.active {
        return Err(AppError::validation(msg!(
            "{unit} är inaktiverad. Aktivera enheten först.",
            "{unit} is deactivated. Activate the unit first.",
            unit = unit.name
        ))
        .on_field("unit_id"));
    }
    Ok(())
}

fn guarantee(db: Read<'_>, id: i64) -> Result<ServiceGuarantee> {
    unit_missions::get_guarantee(db, id)?.ok_or_else(|| {
        AppError::not_found(msg!(
            "Tjänstegarantin (id {id}) finns inte. Den kan ha tagits bort.",
            "The service guarantee (id {id}) does not exist. It may have been deleted."
        ))
    })
}

/// The period exists, is open and belongs to the guarantee's plan year.
fn require_period_of(db: Read<'_>, g: &ServiceGuarantee, period_id: i64) -> Result<()> {
    let p = periods::get(db, period_id)?;
    if p.plan_year != g.plan_year {
        return Err(AppError::validation(msg!(
            "Perioden {} hör till {} men tjänstegarantin till planåret {}. Välj en period i {}.",
            "The period {} belongs to {} but the service guarantee to plan year {}. Choose a period in {}.",
            p.name,
            p.plan_year,
            g.plan_year,
            g.plan_year
        ))
        .on_field("period_id"));
    }
    periods::require_open(db, period_id)
}

/// [`Writer::save_unit_mission`] without the undo step (the seed loader).
pub(crate) fn write_mission(w: &mut Writer<'_>, unit_id: i64, year: i32, text: &str) -> Result<()> {
    let text = check_mission(text)?;
    require_unit_and_year(w.read(), unit_id, year)?;
    unit_missions::put_mission(w, unit_id, year, &text)
}

/// [`Writer::save_guarantee`] without the undo step (the seed loader).
pub(crate) fn write_guarantee(w: &mut Writer<'_>, form: &GuaranteeForm) -> Result<i64> {
    let (promise, measured) = check_guarantee_texts(form)?;
    match form.id {
        Some(id) => {
            guarantee(w.read(), id)?;
            unit_missions::update_guarantee(w, id, &promise, &measured)?;
            Ok(id)
        }
        None => {
            require_unit_and_year(w.read(), form.unit_id, form.plan_year)?;
            if unit_missions::guarantees_of_unit(w.read(), form.unit_id, form.plan_year)?.len() >= MAX_GUARANTEES {
                return Err(AppError::validation(msg!(
                    "En enhet kan ha högst 20 tjänstegarantier per år. Ta bort eller slå ihop några först.",
                    "A unit can have at most 20 service guarantees per year. Remove or merge some first."
                ))
                .on_field("promise"));
            }
            unit_missions::insert_guarantee(w, form.unit_id, form.plan_year, &promise, &measured, None)
        }
    }
}

impl Writer<'_> {
    /// Save a unit's grunduppdrag of a plan year (empty removes it), as one undo step.
    pub fn save_unit_mission(&mut self, unit_id: i64, year: i32, text: &str) -> Result<()> {
        let name = units::get(self.read(), unit_id)?.name;
        self.journaled(&format!("Ändra grunduppdraget för {name}"), |w| write_mission(w, unit_id, year, text))
    }

    /// Add or edit a tjänstegaranti, as one undo step; returns its id.
    pub fn save_guarantee(&mut self, form: &GuaranteeForm) -> Result<i64> {
        let promise = form.promise.trim();
        let label =
            if form.id.is_some() { format!("Ändra tjänstegarantin {promise}") } else { format!("Lägg till tjänstegarantin {promise}") };
        self.journaled(&label, |w| write_guarantee(w, form))
    }

    /// Delete a tjänstegaranti with its follow-up, as one undo step. Refused when a period
    /// it was followed up in is locked: the locked period's record would change.
    pub fn delete_guarantee(&mut self, id: i64) -> Result<()> {
        let g = guarantee(self.read(), id)?;
        for p in periods::of_year(self.read(), g.plan_year)? {
            if p.locked && unit_missions::get_guarantee_follow_up(self.read(), id, p.id)?.is_some() {
                periods::require_open(self.read(), p.id)?;
            }
        }
        self.journaled(&format!("Ta bort tjänstegarantin {}", g.promise), |w| unit_missions::delete_guarantee(w, id))
    }

    /// Move a tjänstegaranti one place up or down in its unit's list, as one undo step.
    pub fn move_guarantee(&mut self, id: i64, up: bool) -> Result<()> {
        let g = guarantee(self.read(), id)?;
        let mut ids: Vec<i64> = unit_missions::guarantees_of_unit(self.read(), g.org_unit_id, g.plan_year)?.iter().map(|g| g.id).collect();
        let Some(at) = ids.iter().position(|x| *x == id) else { return Ok(()) };
        let to = if up { at.checked_sub(1) } else { Some(at + 1).filter(|t| *t < ids.len()) };
        let Some(to) = to else { return Ok(()) };
        ids.swap(at, to);
        self.journaled(&format!("Flytta tjänstegarantin {}", g.promise), |w| unit_missions::set_guarantee_order(w, &ids))
    }

    /// Say whether a tjänstegaranti was kept in a period (a draft; a new one or a draft's
    /// change). Not kept needs a comment that says why.
    /// Saved over whatever is stored (the seed loader, the CLI); the window saves with
    /// [`Writer::follow_up_guarantee_seen`].
    pub fn follow_up_guarantee(&mut self, guarantee_id: i64, period_id: i64, kept: GuaranteeOutcome, comment: &str) -> Result<()> {
        self.follow_up_guarantee_as((guarantee_id, period_id), kept, comment, Seen::Unchecked)
    }

    /// [`Writer::follow_up_guarantee`] of the follow-up the user loaded at `expected_version`
    /// (`None`: they saw none): refused with `conflict` (field `comment`), naming who changed
    /// it and when, when someone else saved it since.
    pub fn follow_up_guarantee_seen(
        &mut self,
        (guarantee_id, period_id): (i64, i64),
        kept: GuaranteeOutcome,
        comment: &str,
        expected_version: Option<i64>,
    ) -> Result<()> {
        self.follow_up_guarantee_as((guarantee_id, period_id), kept, comment, Seen::Version(expected_version))
    }

    fn follow_up_guarantee_as(
        &mut self,
        (guarantee_id, period_id): (i64, i64),
        kept: GuaranteeOutcome,
        comment: &str,
        seen: Seen,
    ) -> Result<()> {
        let g = guarantee(self.read(), guarantee_id)?;
        require_period_of(self.read(), &g, period_id)?;
        let comment = comment.trim();
        if comment.chars().count() > MAX_COMMENT {
            return Err(AppError::validation(msg!(
                "Kommentaren är för lång (högst 4 000 tecken).",
                "The comment is too long (at most 4,000 characters)."
            ))
            .on_field("comment"));
        }
        if kept == GuaranteeOutcome::NotKept && comment.is_empty() {
            return Err(AppError::validation(msg!(
                "Skriv varför garantin inte hölls och vad som görs åt det.",
                "Write why the guarantee was not kept and what is being done about it."
            ))
            .on_field("comment"));
        }
        let current = unit_missions::get_guarantee_follow_up(self.read(), guarantee_id, period_id)?;
        if let Some(c) = &current {
            review::editable_of(&subject(), c.state)?;
            if c.kept == kept && c.comment == comment {
                return Ok(());
            }
        }
        let f = GuaranteeFollowUp {
            guarantee_id,
            period_id,
            kept,
            comment: comment.to_string(),
            state: AssessmentState::Draft,
            review_comment: current.map(|c| c.review_comment).unwrap_or_default(),
            changed_at: String::new(),
            changed_by: String::new(),
            version: 0,
        };
        unit_missions::put_guarantee_follow_up_seen(self, &f, seen)
    }

    /// Submit, approve or send back a tjänstegaranti's follow-up of a period.
    pub fn review_guarantee(&mut self, guarantee_id: i64, period_id: i64, action: &ReviewAction) -> Result<AssessmentState> {
        let g = guarantee(self.read(), guarantee_id)?;
        require_period_of(self.read(), &g, period_id)?;
        let Some(current) = unit_missions::get_guarantee_follow_up(self.read(), guarantee_id, period_id)? else {
            return Err(AppError::not_found(msg!(
                "Tjänstegarantin är inte följd upp för perioden ännu. Säg först om den hölls.",
                "The service guarantee has not been followed up for the period yet. Say first whether it was kept."
            )));
        };
        let next = review::next_state_of(&subject(), current.state, action)?;
        let review_comment = match action {
            ReviewAction::Return { comment } => comment.trim().to_string(),
            _ => String::new(),
        };
        unit_missions::put_guarantee_follow_up(self, &GuaranteeFollowUp { state: next, review_comment, ..current })?;
        Ok(next)
    }
}

/// "Hölls" / "Hölls inte" with its symbol: its own meaning, not a target status.
pub fn outcome_sv(kept: GuaranteeOutcome) -> &'static str {
    match kept {
        GuaranteeOutcome::Kept => "✓ Hölls",
        GuaranteeOutcome::NotKept => "✗ Hölls inte",
    }
}

/// The CLI's `garanti lista`: a unit's grunduppdrag and guarantees with the period's follow-up.
pub fn text_sv(store: &Store, unit_id: i64, year: i32, period_id: Option<i64>) -> Result<String> {
    let v = view(store, unit_id, year, period_id)?;
    let unit = store.unit(unit_id)?;
    let mut out = format!("Grunduppdrag och tjänstegarantier – {} {year}\n", unit.name);
    if v.mission.is_empty() {
        out.push_str("\nGrunduppdrag: (inte skrivet)\n");
    } else {
        out.push_str(&format!("\nGrunduppdrag:\n{}\n", v.mission));
    }
    out.push_str(&format!("\nTjänstegarantier{}:\n", v.period_name.as_ref().map(|p| format!(" ({p})")).unwrap_or_default()));
    if v.guarantees.is_empty() {
        out.push_str("  (inga)\n");
    }
    for (i, g) in v.guarantees.iter().enumerate() {
        out.push_str(&format!("  {}. [{}] {}\n", i + 1, g.id, g.promise));
        if !g.measured_by.is_empty() {
            out.push_str(&format!("     Mäts: {}\n", g.measured_by));
        }
        match &g.follow_up {
            Some(f) => {
                let state = match f.state {
                    AssessmentState::Draft => "utkast",
                    AssessmentState::Ready => "klar för granskning",
                    AssessmentState::Approved => "godkänd",
                };
                out.push_str(&format!("     {} ({state})", outcome_sv(f.kept)));
                if !f.comment.is_empty() {
                    out.push_str(&format!(" – {}", f.comment));
                }
                out.push('\n');
            }
            None if v.period_id.is_some() => out.push_str("     Inte uppföljd\n"),
            None => {}
        }
    }
    Ok(out)
}

/// The demo's grunduppdrag, tjänstegarantier with follow-up, and Agenda 2030 tags, written
/// through the same saves as the window's at demo load.
pub const DEMO_UNITS_AGENDA: &str = include_str!("../seeds/demo-units-agenda.json");
pub const DEMO_UNITS_AGENDA_NAME: &str = "seeds/demo-units-agenda.json";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SeedFile {
    format: String,
    version: u32,
    year: i32,
    units: Vec<SeedUnit>,
    #[serde(default)]
    goals: Vec<SeedTags>,
    #[serde(default)]
    indicators: Vec<SeedIndicatorTags>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SeedUnit {
    unit: String,
    #[serde(default)]
    mission: String,
    #[serde(default)]
    guarantees: Vec<SeedGuarantee>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SeedGuarantee {
    promise: String,
    #[serde(default)]
    measured_by: String,
    #[serde(default)]
    follow_up: Vec<SeedFollowUp>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SeedFollowUp {
    /// As the command line names a period: "T1", "delår".
    period: String,
    kept: GuaranteeOutcome,
    #[serde(default)]
    comment: String,
    state: AssessmentState,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SeedTags {
    /// The goal's code in the year ("KF1").
    goal: String,
    global_goals: Vec<crate::agenda2030::GlobalGoalInput>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SeedIndicatorTags {
    /// The indicator's name.
    indicator: String,
    global_goals: Vec<crate::agenda2030::GlobalGoalInput>,
}

/// Load grunduppdrag, tjänstegarantier (with follow-up) and Agenda 2030 tags from a seed file
/// (see [`DEMO_UNITS_AGENDA`]) in one transaction; a bad file names the place and saves nothing.
pub fn load_seed(store: &mut Store, ctx: &crate::store::ChangeContext, name: &str, json: &str) -> Result<usize> {
    let bad = |what: String| AppError::bad_file(msg!("{name}: {what}", "{name}: {what}"));
    let seed: SeedFile = serde_json::from_str(json).map_err(|e| bad(format!("{e}")))?;
    if seed.format != "styrkort-units-agenda" || seed.version != 1 {
        return Err(bad(format!("format {} version {} känns inte igen", seed.format, seed.version)));
    }
    let year = seed.year;
    let mut units = Vec::new();
    for (i, u) in seed.units.iter().enumerate() {
        let id = store.resolve_unit(&u.unit).map_err(|e| bad(format!("units[{i}]: {}", e.message)))?.id;
        let mut periods_of = Vec::new();
        for (j, g) in u.guarantees.iter().enumerate() {
            let mut ps = Vec::new();
            for (k, f) in g.follow_up.iter().enumerate() {
                let p = store
                    .resolve_period(year, &f.period)
                    .map_err(|e| bad(format!("units[{i}].guarantees[{j}].follow_up[{k}]: {}", e.message)))?
                    .id;
                ps.push(p);
            }
            periods_of.push(ps);
        }
        units.push((id, u, periods_of));
    }
    let year_goals = crate::store::goals::of_year(store.read(), year)?;
    let mut goal_tags = Vec::new();
    for (i, t) in seed.goals.iter().enumerate() {
        let g = year_goals
            .iter()
            .find(|g| g.code == t.goal)
            .ok_or_else(|| bad(format!("goals[{i}]: målet '{}' finns inte i {year}", t.goal)))?;
        goal_tags.push((g.id, &t.global_goals));
    }
    let all_indicators = crate::store::indicators::all(store.read())?;
    let mut indicator_tags = Vec::new();
    for (i, t) in seed.indicators.iter().enumerate() {
        let ind = all_indicators
            .iter()
            .find(|x| x.name == t.indicator)
            .ok_or_else(|| bad(format!("indicators[{i}]: nyckeltalet '{}' finns inte", t.indicator)))?;
        indicator_tags.push((ind.id, &t.global_goals));
    }
    store.write(ctx, |w| {
        let mut count = 0;
        for (unit_id, u, periods_of) in &units {
            if !u.mission.trim().is_empty() {
                write_mission(w, *unit_id, year, &u.mission)?;
            }
            for (g, ps) in u.guarantees.iter().zip(periods_of) {
                let id = write_guarantee(
                    w,
                    &GuaranteeForm {
                        id: None,
                        unit_id: *unit_id,
                        plan_year: year,
                        promise: g.promise.clone(),
                        measured_by: g.measured_by.clone(),
                    },
                )?;
                count += 1;
                for (f, p) in g.follow_up.iter().zip(ps) {
                    w.follow_up_guarantee(id, *p, f.kept, &f.comment)?;
                    if f.state != AssessmentState::Draft {
                        w.review_guarantee(id, *p, &ReviewAction::Submit)?;
                    }
                    if f.state == AssessmentState::Approved {
                        w.review_guarantee(id, *p, &ReviewAction::Approve)?;
                    }
                }
            }
        }
        for (goal_id, tags) in &goal_tags {
            crate::agenda2030::write_goal_tags(w, *goal_id, tags)?;
        }
        for (indicator_id, tags) in &indicator_tags {
            crate::agenda2030::write_indicator_tags(w, *indicator_id, tags)?;
        }
        Ok(count)
    })
}
