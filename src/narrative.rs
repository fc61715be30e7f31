//! The report's own texts: the förvaltningsberättelse's sections that are not goals or
//! figures. The municipality (the root `kommun` unit) has the report-level sections —
//! Inledning, Väsentliga händelser, Förväntad utveckling, God ekonomisk hushållning – samlad
//! bedömning and Personal; each nämnd, förvaltning and bolag has Verksamhet and Ekonomi och
//! prognos. An enhet has none: its goals speak for it.
//!
//! A text is written with the same formatting as an assessment's analysis (paragraphs,
//! `- ` bullets, `**bold**`: `report::pdf_layout::parse_rich_text`, `AnalysisText.svelte`),
//! assigned to a person, and reviewed like an assessment (`follow_up::review`: utkast → klar
//! för granskning → godkänd, back to utkast with a comment; only a draft's text changes). A
//! locked period refuses every change; every change leaves an audit row. Like assessments,
//! texts are not undone with Ctrl+Z (they are follow-up, not planning).
//!
//! Texts are expected (counted as missing in the completeness overview) in the periods that
//! go to the council with a förvaltningsberättelse: delår and helår. They may be written for
//! any period, and then count there too.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{AppError, Msg, Result};
use crate::follow_up::review::{self, ReviewAction};
use crate::model::{AssessmentState, OrgUnit, Period, PeriodKind, UnitKind};
use crate::msg;
use crate::store::row_version::Seen;
use crate::store::{periods, report_texts, units, Read, Store, Writer};

/// A section of the report that is written as text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Section {
    /// Inledning (the municipality).
    Introduction,
    /// Väsentliga händelser (the municipality).
    SignificantEvents,
    /// Förväntad utveckling (the municipality).
    ExpectedDevelopment,
    /// God ekonomisk hushållning – samlad bedömning (the municipality).
    SoundFinances,
    /// Personal (the municipality).
    Personnel,
    /// Verksamhet (a nämnd, förvaltning or bolag).
    Operations,
    /// Ekonomi och prognos (a nämnd, förvaltning or bolag).
    FinancesForecast,
}

/// The report-level sections, in the order the report prints them.
pub const REPORT_SECTIONS: [Section; 5] =
    [Section::Introduction, Section::SignificantEvents, Section::ExpectedDevelopment, Section::SoundFinances, Section::Personnel];
/// A nämnd's (förvaltning's, bolag's) sections, in the order the report prints them.
pub const UNIT_SECTIONS: [Section; 2] = [Section::Operations, Section::FinancesForecast];

impl Section {
    /// The key stored in `report_text.section`.
    pub fn key(self) -> &'static str {
        match self {
            Section::Introduction => "introduction",
            Section::SignificantEvents => "significant_events",
            Section::ExpectedDevelopment => "expected_development",
            Section::SoundFinances => "sound_finances",
            Section::Personnel => "personnel",
            Section::Operations => "operations",
            Section::FinancesForecast => "finances_forecast",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        REPORT_SECTIONS.iter().chain(UNIT_SECTIONS.iter()).copied().find(|s| s.key() == key)
    }

    /// The section's heading, as the report prints it and the window shows it.
    pub fn title(self) -> Msg {
        match self {
            Section::Introduction => msg!("Inledning", "Introduction"),
            Section::SignificantEvents => msg!("Väsentliga händelser", "Significant events"),
            Section::ExpectedDevelopment => msg!("Förväntad utveckling", "Expected development"),
            Section::SoundFinances => {
                msg!("God ekonomisk hushållning – samlad bedömning", "Sound financial management – overall assessment")
            }
            Section::Personnel => msg!("Personal", "Personnel"),
            Section::Operations => msg!("Verksamhet", "Operations"),
            Section::FinancesForecast => msg!("Ekonomi och prognos", "Finances and forecast"),
        }
    }
}

/// The sections a unit of `kind` writes: the report-level ones for the municipality, the
/// nämnd's two for a nämnd, förvaltning or bolag, none for an enhet.
pub fn sections_for(kind: UnitKind) -> &'static [Section] {
    match kind {
        UnitKind::Kommun => &REPORT_SECTIONS,
        UnitKind::Namnd | UnitKind::Forvaltning | UnitKind::Bolag => &UNIT_SECTIONS,
        UnitKind::Enhet => &[],
    }
}

/// Whether texts are expected (missing when not written) in a period of `kind`.
pub fn expected_in(kind: PeriodKind) -> bool {
    matches!(kind, PeriodKind::Delar | PeriodKind::Helar)
}

/// One section of one unit, written or not.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct ReportText {
    pub section: Section,
    pub title: String,
    pub title_en: String,
    pub body: String,
    pub assignee: String,
    /// `None` while nothing has been written or assigned.
    pub state: Option<AssessmentState>,
    /// Why it was sent back, while it is a draft again.
    pub review_comment: String,
    pub changed_at: Option<String>,
    pub changed_by: Option<String>,
    /// The row version as loaded (`None` while nothing is stored): what a save names, so a
    /// change someone else made since is refused, not overwritten.
    pub version: Option<i64>,
}

impl ReportText {
    fn new(section: Section, stored: Option<report_texts::StoredText>) -> Self {
        let title = section.title();
        match stored {
            Some(t) => ReportText {
                section,
                title: title.sv,
                title_en: title.en,
                body: t.body,
                assignee: t.assignee,
                state: Some(t.state),
                review_comment: t.review_comment,
                changed_at: Some(t.changed_at),
                changed_by: Some(t.changed_by),
                version: Some(t.version),
            },
            None => ReportText {
                section,
                title: title.sv,
                title_en: title.en,
                body: String::new(),
                assignee: String::new(),
                state: None,
                review_comment: String::new(),
                changed_at: None,
                changed_by: None,
                version: None,
            },
        }
    }

    /// Written (not empty) and approved.
    pub fn approved(&self) -> bool {
        self.written() && self.state == Some(AssessmentState::Approved)
    }

    pub fn written(&self) -> bool {
        !self.body.trim().is_empty()
    }
}

/// A unit's sections.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct UnitTexts {
    pub unit: OrgUnit,
    /// Depth in the organisation tree, 0 for the municipality; in [`for_report`], 0 for the
    /// report's own unit and 1 for the units below it.
    pub depth: u32,
    pub texts: Vec<ReportText>,
}

/// The window's "Rapporttexter": every section of every active unit that writes texts, for a
/// period, in the tree's order.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ReportTextsView {
    pub period: Period,
    /// Whether texts are expected in this period (delår, helår).
    pub expected: bool,
    pub units: Vec<UnitTexts>,
}

/// Active units in the tree's order with their depth.
fn units_in_order(store: &Store) -> Result<Vec<(OrgUnit, u32)>> {
    fn walk(nodes: &[crate::model::UnitNode], depth: u32, out: &mut Vec<(OrgUnit, u32)>) {
        for n in nodes {
            out.push((n.unit.clone(), depth));
            walk(&n.children, depth + 1, out);
        }
    }
    let mut out = Vec::new();
    walk(&store.unit_tree()?, 0, &mut out);
    Ok(out.into_iter().filter(|(u, _)| u.active).collect())
}

/// The texts of `period_id` per unit and section (see [`ReportTextsView`]).
pub fn view(store: &Store, period_id: i64) -> Result<ReportTextsView> {
    let period = store.period(period_id)?;
    let mut stored: HashMap<(i64, String), report_texts::StoredText> =
        report_texts::of_period(store.read(), period_id)?.into_iter().map(|t| ((t.org_unit_id, t.section.clone()), t)).collect();
    let units = units_in_order(store)?
        .into_iter()
        .filter(|(u, _)| !sections_for(u.kind).is_empty())
        .map(|(unit, depth)| {
            let texts =
                sections_for(unit.kind).iter().map(|s| ReportText::new(*s, stored.remove(&(unit.id, s.key().to_string())))).collect();
            UnitTexts { unit, depth, texts }
        })
        .collect();
    Ok(ReportTextsView { expected: expected_in(period.kind), period, units })
}

/// The written texts of `unit_ids` for a report of `period_id`, in the order of `unit_ids`
/// and, within a unit, the order the report prints its sections; units without a written
/// text are left out. Drafts are included: a final version is refused before it gets here
/// unless every text is approved (`report::edition`).
pub fn for_report(store: &Store, period_id: i64, unit_ids: &[i64]) -> Result<Vec<UnitTexts>> {
    let mut stored: HashMap<(i64, String), report_texts::StoredText> =
        report_texts::of_period(store.read(), period_id)?.into_iter().map(|t| ((t.org_unit_id, t.section.clone()), t)).collect();
    let mut out = Vec::new();
    for (depth, id) in unit_ids.iter().enumerate() {
        let unit = store.unit(*id)?;
        let texts: Vec<ReportText> = sections_for(unit.kind)
            .iter()
            .filter_map(|s| stored.remove(&(unit.id, s.key().to_string())).map(|t| ReportText::new(*s, Some(t))))
            .filter(ReportText::written)
            .collect();
        if !texts.is_empty() {
            out.push(UnitTexts { unit, depth: depth.min(1) as u32, texts });
        }
    }
    Ok(out)
}

/// The text of one section in a report, if written: a convenience over [`for_report`]'s result.
pub fn text_of(texts: &[UnitTexts], unit_id: i64, section: Section) -> Option<&ReportText> {
    texts.iter().find(|u| u.unit.id == unit_id)?.texts.iter().find(|t| t.section == section)
}

/// What a unit has delivered of its texts for a period (for the completeness overview).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TextDelivery {
    /// Sections expected.
    pub expected: u32,
    /// Sections with text.
    pub written: u32,
    /// Sections waiting for approval.
    pub waiting: u32,
    pub approved: u32,
}

/// Per unit id, what is expected and delivered of texts in `period`: every section of every
/// active unit in a delår or helår period, and in other periods the sections started.
pub fn delivery(db: Read<'_>, period: &Period) -> Result<HashMap<i64, TextDelivery>> {
    let expected = expected_in(period.kind);
    let mut stored: HashMap<(i64, String), report_texts::StoredText> =
        report_texts::of_period(db, period.id)?.into_iter().map(|t| ((t.org_unit_id, t.section.clone()), t)).collect();
    let mut out: HashMap<i64, TextDelivery> = HashMap::new();
    for unit in units::all(db)?.into_iter().filter(|u| u.active) {
        for s in sections_for(unit.kind) {
            let t = stored.remove(&(unit.id, s.key().to_string()));
            if !expected && t.is_none() {
                continue;
            }
            let d = out.entry(unit.id).or_default();
            d.expected += 1;
            if let Some(t) = t {
                let written = !t.body.trim().is_empty();
                d.written += written as u32;
                d.waiting += (written && t.state == AssessmentState::Ready) as u32;
                d.approved += (written && t.state == AssessmentState::Approved) as u32;
            }
        }
    }
    Ok(out)
}

/// The longest text, in characters (a few pages of the report).
pub const MAX_BODY: usize = 40_000;
/// The longest assignee name.
pub const MAX_ASSIGNEE: usize = 200;

/// The section `section` of `unit_id` exists, or why not.
fn check_section(db: Read<'_>, unit_id: i64, section: Section) -> Result<OrgUnit> {
    let unit = units::get(db, unit_id)?;
    if !sections_for(unit.kind).contains(&section) {
        let title = section.title();
        let kind = unit.kind.label().to_lowercase();
        return Err(AppError::validation(msg!(
            "{unit} ({kind}) skriver ingen text under \"{title}\". Kommunen skriver rapportens inledande avsnitt, en nämnd, förvaltning eller ett bolag Verksamhet och Ekonomi och prognos.",
            "{unit} ({kind}) writes no text under \"{title}\". The municipality writes the report's opening sections; a committee, administration or company writes Operations and Finances and forecast.",
            unit = unit.name,
            kind = kind,
            title = title
        ))
        .on_field("section"));
    }
    Ok(unit)
}

impl Writer<'_> {
    /// Write the text of a section (a draft, or a new one) in an open period, over whatever is
    /// stored (the seed loader, tests); the window saves with [`Writer::save_report_text_seen`].
    pub fn save_report_text(&mut self, period_id: i64, unit_id: i64, section: Section, body: &str) -> Result<()> {
        self.save_report_text_as(period_id, unit_id, section, body, Seen::Unchecked)
    }

    /// [`Writer::save_report_text`] of the text the user loaded at `expected_version` (`None`:
    /// they saw it unwritten): refused with `conflict` (field `body`), naming who changed it
    /// and when, when someone else saved it since.
    pub fn save_report_text_seen(
        &mut self,
        period_id: i64,
        unit_id: i64,
        section: Section,
        body: &str,
        expected_version: Option<i64>,
    ) -> Result<()> {
        self.save_report_text_as(period_id, unit_id, section, body, Seen::Version(expected_version))
    }

    fn save_report_text_as(&mut self, period_id: i64, unit_id: i64, section: Section, body: &str, seen: Seen) -> Result<()> {
        periods::require_open(self.read(), period_id)?;
        check_section(self.read(), unit_id, section)?;
        if body.chars().count() > MAX_BODY {
            return Err(AppError::validation(msg!(
                "Texten är för lång (högst 40 000 tecken). Korta den eller dela upp den på flera avsnitt.",
                "The text is too long (at most 40,000 characters). Shorten it or split it over several sections."
            ))
            .on_field("body"));
        }
        let current = report_texts::get(self.read(), period_id, unit_id, section.key())?;
        if let Some(t) = &current {
            review::editable_of(&msg!("Texten", "The text"), t.state)?;
        }
        let assignee = current.as_ref().map(|t| t.assignee.as_str()).unwrap_or("").to_string();
        let comment = current.as_ref().map(|t| t.review_comment.as_str()).unwrap_or("").to_string();
        report_texts::put(self, (period_id, unit_id, section.key()), (body, &assignee, AssessmentState::Draft, &comment), seen)
    }

    /// Say who writes a section (any state; an empty name takes the assignment away).
    pub fn assign_report_text(&mut self, period_id: i64, unit_id: i64, section: Section, assignee: &str) -> Result<()> {
        periods::require_open(self.read(), period_id)?;
        check_section(self.read(), unit_id, section)?;
        let assignee = assignee.trim();
        if assignee.chars().count() > MAX_ASSIGNEE || assignee.chars().any(char::is_control) {
            return Err(AppError::validation(msg!(
                "Skriv den ansvariges namn på en rad (högst 200 tecken).",
                "Write the name of the person responsible on one line (at most 200 characters)."
            ))
            .on_field("assignee"));
        }
        let current = report_texts::get(self.read(), period_id, unit_id, section.key())?;
        let (body, state, comment) = match &current {
            Some(t) => (t.body.as_str(), t.state, t.review_comment.as_str()),
            None => ("", AssessmentState::Draft, ""),
        };
        if current.as_ref().is_some_and(|t| t.assignee == assignee) {
            return Ok(());
        }
        let (body, comment) = (body.to_string(), comment.to_string());
        report_texts::put(self, (period_id, unit_id, section.key()), (&body, assignee, state, &comment), Seen::Unchecked)
    }

    /// Submit, approve or send back a section's text.
    pub fn review_report_text(&mut self, period_id: i64, unit_id: i64, section: Section, action: &ReviewAction) -> Result<AssessmentState> {
        periods::require_open(self.read(), period_id)?;
        check_section(self.read(), unit_id, section)?;
        let Some(current) = report_texts::get(self.read(), period_id, unit_id, section.key())? else {
            return Err(AppError::not_found(msg!(
                "Det finns ingen text att granska ännu under \"{title}\". Skriv texten först.",
                "There is no text to review yet under \"{title}\". Write the text first.",
                title = section.title()
            )));
        };
        if matches!(action, ReviewAction::Submit) && current.body.trim().is_empty() {
            return Err(AppError::validation(msg!(
                "Texten under \"{title}\" är tom. Skriv den innan du skickar den till granskning.",
                "The text under \"{title}\" is empty. Write it before you send it for review.",
                title = section.title()
            ))
            .on_field("body"));
        }
        let next = review::next_state_of(&msg!("Texten", "The text"), current.state, action)?;
        let comment = match action {
            ReviewAction::Return { comment } => comment.trim().to_string(),
            _ => String::new(),
        };
        report_texts::put(self, (period_id, unit_id, section.key()), (&current.body, &current.assignee, next, &comment), Seen::Unchecked)?;
        Ok(next)
    }
}

/// The demo's report texts (delår 2026): written, assigned and reviewed through the same
/// saves as the window's at demo load, so the demo report reads like a real one and shows
/// the final/draft rule (most texts approved, some ready, one a draft).
pub const DEMO_TEXTS: &str = include_str!("../seeds/demo-texts.json");
pub const DEMO_TEXTS_NAME: &str = "seeds/demo-texts.json";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SeedTexts {
    format: String,
    version: u32,
    year: i32,
    /// A period as the command line names it: "delår", "T1", "helår".
    period: String,
    texts: Vec<SeedText>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SeedText {
    /// The unit's name.
    unit: String,
    /// The section's key (`introduction` … `finances_forecast`).
    section: String,
    #[serde(default)]
    assignee: String,
    /// draft, ready or approved.
    state: AssessmentState,
    body: String,
}

/// Load report texts from a seed file (see [`DEMO_TEXTS`]) in one transaction; a bad file
/// names the place and saves nothing.
pub fn load_seed_texts(store: &mut Store, ctx: &crate::store::ChangeContext, name: &str, json: &str) -> Result<usize> {
    let bad = |what: String| AppError::bad_file(msg!("{name}: {what}", "{name}: {what}"));
    let seed: SeedTexts = serde_json::from_str(json).map_err(|e| bad(format!("{e}")))?;
    if seed.format != "styrkort-report-texts" || seed.version != 1 {
        return Err(bad(format!("format {} version {} känns inte igen", seed.format, seed.version)));
    }
    let period = store.resolve_period(seed.year, &seed.period)?.id;
    let mut planned = Vec::new();
    for (i, t) in seed.texts.iter().enumerate() {
        let unit = store.resolve_unit(&t.unit).map_err(|e| bad(format!("texts[{i}]: {}", e.message)))?.id;
        let section = Section::from_key(&t.section).ok_or_else(|| bad(format!("texts[{i}]: section '{}'", t.section)))?;
        planned.push((unit, section, t));
    }
    store.write(ctx, |w| {
        for (unit, section, t) in &planned {
            w.save_report_text(period, *unit, *section, &t.body)?;
            if !t.assignee.is_empty() {
                w.assign_report_text(period, *unit, *section, &t.assignee)?;
            }
            if t.state != AssessmentState::Draft {
                w.review_report_text(period, *unit, *section, &ReviewAction::Submit)?;
            }
            if t.state == AssessmentState::Approved {
                w.review_report_text(period, *unit, *section, &ReviewAction::Approve)?;
            }
        }
        Ok(planned.len())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;
    use crate::store::ChangeContext;

    fn demo() -> (Store, ChangeContext) {
        let mut store = Store::open_in_memory().unwrap();
        let ctx = ChangeContext::new("Anna Berg", "2026-09-20T10:00:00");
        crate::seed::load_demo(&mut store, &ctx).unwrap();
        (store, ctx)
    }

    #[test]
    fn the_municipality_writes_the_report_sections_a_namnd_its_own_and_an_enhet_none() {
        assert_eq!(sections_for(UnitKind::Kommun), &REPORT_SECTIONS);
        assert_eq!(sections_for(UnitKind::Namnd), &UNIT_SECTIONS);
        assert_eq!(sections_for(UnitKind::Bolag), &UNIT_SECTIONS);
        assert!(sections_for(UnitKind::Enhet).is_empty());
        for s in REPORT_SECTIONS.iter().chain(&UNIT_SECTIONS) {
            assert_eq!(Section::from_key(s.key()), Some(*s));
        }
    }

    #[test]
    fn a_text_is_written_reviewed_audited_and_refused_where_it_does_not_belong() {
        let (mut store, ctx) = demo();
        let kommun = store.resolve_unit("Sjöbacka kommun").unwrap().id;
        let skola = store.resolve_unit("Björkskolan").unwrap().id;
        let p = store.resolve_period(2026, "T1").unwrap().id;
        let audit = crate::store::journal::audit_count(store.read()).unwrap();
        store.write(&ctx, |w| w.save_report_text(p, kommun, Section::SignificantEvents, "En ny förskola öppnade i **mars**.")).unwrap();
        store.write(&ctx, |w| w.assign_report_text(p, kommun, Section::SignificantEvents, "Karin Lindqvist")).unwrap();
        assert_eq!(crate::store::journal::audit_count(store.read()).unwrap(), audit + 2);
        let t = view(&store, p).unwrap();
        let text = text_of(&t.units, kommun, Section::SignificantEvents).unwrap();
        assert_eq!((text.state, text.assignee.as_str()), (Some(AssessmentState::Draft), "Karin Lindqvist"));

        // An enhet writes no texts; a nämnd's section is not the municipality's.
        let e = store.write(&ctx, |w| w.save_report_text(p, skola, Section::Operations, "x")).unwrap_err();
        assert_eq!((e.code, e.field.as_deref()), (ErrorCode::Validation, Some("section")));
        let e = store.write(&ctx, |w| w.save_report_text(p, kommun, Section::Operations, "x")).unwrap_err();
        assert_eq!(e.code, ErrorCode::Validation);

        // draft → ready → approved; only a draft's text changes; sent back with a comment.
        let review =
            |store: &mut Store, a: ReviewAction| store.write(&ctx, |w| w.review_report_text(p, kommun, Section::SignificantEvents, &a));
        assert_eq!(review(&mut store, ReviewAction::Approve).unwrap_err().code, ErrorCode::Conflict);
        assert_eq!(review(&mut store, ReviewAction::Submit).unwrap(), AssessmentState::Ready);
        let e = store.write(&ctx, |w| w.save_report_text(p, kommun, Section::SignificantEvents, "Ändrad")).unwrap_err();
        assert_eq!(e.code, ErrorCode::Conflict);
        assert!(e.message.starts_with("Texten är klar för granskning"), "{}", e.message);
        assert_eq!(review(&mut store, ReviewAction::Approve).unwrap(), AssessmentState::Approved);
        assert_eq!(review(&mut store, ReviewAction::Return { comment: " ".into() }).unwrap_err().code, ErrorCode::Validation);
        assert_eq!(review(&mut store, ReviewAction::Return { comment: "Nämn stormen.".into() }).unwrap(), AssessmentState::Draft);
        let t = view(&store, p).unwrap();
        let text = text_of(&t.units, kommun, Section::SignificantEvents).unwrap();
        assert_eq!((text.review_comment.as_str(), text.body.as_str()), ("Nämn stormen.", "En ny förskola öppnade i **mars**."));

        // An empty text cannot be sent for review.
        store.write(&ctx, |w| w.save_report_text(p, kommun, Section::Personnel, "  ")).unwrap();
        let e = store.write(&ctx, |w| w.review_report_text(p, kommun, Section::Personnel, &ReviewAction::Submit)).unwrap_err();
        assert_eq!(e.code, ErrorCode::Validation);
    }

    #[test]
    fn a_locked_period_refuses_every_change_to_a_text() {
        let (mut store, ctx) = demo();
        let kommun = store.resolve_unit("Sjöbacka kommun").unwrap().id;
        let p = store.resolve_period(2026, "T1").unwrap().id;
        store.write(&ctx, |w| w.save_report_text(p, kommun, Section::Introduction, "Inledning.")).unwrap();
        store.write(&ctx, |w| crate::store::periods::set_locked(w, p, true)).unwrap();
        for e in [
            store.write(&ctx, |w| w.save_report_text(p, kommun, Section::Introduction, "Ny.")).unwrap_err(),
            store.write(&ctx, |w| w.assign_report_text(p, kommun, Section::Introduction, "Per")).unwrap_err(),
            store.write(&ctx, |w| w.review_report_text(p, kommun, Section::Introduction, &ReviewAction::Submit).map(|_| ())).unwrap_err(),
        ] {
            assert_eq!(e.code, ErrorCode::PeriodLocked);
        }
    }
}
