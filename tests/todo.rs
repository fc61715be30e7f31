//! Att göra: each kind of item appears on the demo municipality and goes away when it is
//! fixed the way the window fixes it; items go to their person or the units' people; the list
//! is sorted late first, then by deadline; and the deadlines as a calendar file (.ics) that
//! Outlook reads: CRLF, folded at 75 octets, escaped, UTF-8, stable UIDs, parsed back by
//! another parser.

use chrono::{NaiveDate, TimeZone, Utc};
use styrkort::follow_up::review::ReviewAction;
use styrkort::model::{ActivityStatus, AssessmentState, AssignmentFollowUp, AssignmentStatus, ControlFollowUp, ControlResult, Gender};
use styrkort::narrative::Section;
use styrkort::planning::forms::{self, ActivityForm, IndicatorForm};
use styrkort::todo::{self, TodoItem, TodoKind, TodoList};
use styrkort::{seed, ChangeContext, Store};

const USER: &str = "Karin Kvalitet";

fn ctx() -> ChangeContext {
    ChangeContext::new(USER, "2026-09-10T08:00:00")
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 9, 10).unwrap()
}

fn demo() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("demo.db")).unwrap();
    seed::load(&mut store, &ctx(), seed::DEMO_SEED_NAME, seed::DEMO_SEED).unwrap();
    (dir, store)
}

fn unit(store: &Store, name: &str) -> i64 {
    store.resolve_unit(name).unwrap().id
}

fn top(store: &Store) -> i64 {
    styrkort::store::units::top_id(store.read()).unwrap().unwrap()
}

fn list(store: &Store, user: &str, unit_id: i64) -> TodoList {
    todo::list(store, user, unit_id, today()).unwrap()
}

fn of_kind(list: &TodoList, kind: TodoKind) -> Vec<&TodoItem> {
    list.items.iter().filter(|i| i.kind == kind).collect()
}

fn has(store: &Store, user: &str, unit_id: i64, key: &str) -> bool {
    list(store, user, unit_id).items.iter().any(|i| i.key == key)
}

fn sql(store: &Store) -> rusqlite::Connection {
    rusqlite::Connection::open(store.path().unwrap()).unwrap()
}

/// A tertial indicator of Hemtjänsten without values (the demo's values are all in).
fn new_indicator(store: &mut Store, responsible: &str) -> i64 {
    let hemtj = unit(store, "Hemtjänsten");
    let like = forms::unit_plan(store, hemtj, 2026).unwrap().indicators[0].id;
    let form = IndicatorForm {
        id: None,
        name: "Besök utförda på avtalad tid".into(),
        targets: vec![],
        kolada_kpi_id: None,
        responsible: responsible.into(),
        ..indicator_form(store, like)
    };
    store.write(&ctx(), |w| w.save_indicator(&form)).unwrap()
}

#[test]
fn values_missing_go_away_when_entered() {
    let (_dir, mut store) = demo();
    let new = new_indicator(&mut store, "");
    let hemtj = unit(&store, "Hemtjänsten");
    let l = list(&store, USER, top(&store));
    let (t1, delar) = (store.resolve_period(2026, "T1").unwrap(), store.resolve_period(2026, "delår").unwrap());
    let missing =
        |l: &TodoList, period: i64| of_kind(l, TodoKind::ValuesMissing).into_iter().find(|i| i.place.period_id == Some(period)).cloned();
    let item = missing(&l, delar.id).expect("values missing in delår");
    assert_eq!((item.unit_id, item.count, item.of), (hemtj, 1, item.of));
    assert!(item.of >= 1);
    assert_eq!(item.due.as_deref(), Some("2026-09-20"));
    assert_eq!((item.days, item.late), (Some(10), false), "ten days before the deadline");
    assert_eq!((item.place.tab.as_str(), item.place.unit_id, item.place.year), ("values", hemtj, 2026));
    let late = missing(&l, t1.id).expect("and in T1, late");
    assert!(late.late && late.days == Some(-113), "{late:?}");
    assert_eq!(
        todo::describe_sv(&late),
        "Hemtjänsten: 1 av 1 värde saknas för Tertial 1 2026 – 113 dagar försenad"
            .replace("1 av 1 värde", &format!("1 av {}", if late.of == 1 { "1 värde".to_string() } else { format!("{} värden", late.of) }))
    );

    store.write(&ctx(), |w| w.save_cells(hemtj, &[cell(new, delar.id, 91.0)])).unwrap();
    let after = list(&store, USER, top(&store));
    assert!(missing(&after, delar.id).is_none(), "the value is in");
    assert!(missing(&after, t1.id).is_some(), "T1 still lacks it");
}

#[test]
fn assessments_to_write_sent_back_and_to_review() {
    let (_dir, mut store) = demo();
    let delar = store.resolve_period(2026, "delår").unwrap();
    let l = list(&store, USER, top(&store));
    assert!(l.reviewer, "the kommun's person reviews");

    let write = of_kind(&l, TodoKind::AssessmentToWrite)[0].clone();
    assert_eq!((write.place.tab.as_str(), write.place.period_id), ("assessments", Some(delar.id)));
    let goal = write.place.goal_id.unwrap();
    store.write(&ctx(), |w| w.save_assessment(goal, write.unit_id, delar.id, Some(1), "Vi ligger rätt.")).unwrap();
    assert!(!has(&store, USER, top(&store), &write.key), "written");

    // Submitted: the unit is done, the reviewer has it.
    store.write(&ctx(), |w| w.review_assessment(goal, write.unit_id, delar.id, &ReviewAction::Submit)).unwrap();
    let review = list(&store, USER, top(&store));
    assert!(of_kind(&review, TodoKind::AssessmentToReview).iter().any(|i| i.key == write.key));
    // An enhet's person does not review.
    let enhet = list(&store, USER, write.unit_id);
    assert!(!enhet.reviewer && of_kind(&enhet, TodoKind::AssessmentToReview).is_empty());

    // Sent back with a comment: back on the unit's list.
    store
        .write(&ctx(), |w| {
            w.review_assessment(goal, write.unit_id, delar.id, &ReviewAction::Return { comment: "Lägg till siffror.".into() })
        })
        .unwrap();
    let back = list(&store, USER, write.unit_id);
    assert!(of_kind(&back, TodoKind::AssessmentSentBack).iter().any(|i| i.key == write.key), "{:?}", back.items);

    store.write(&ctx(), |w| w.review_assessment(goal, write.unit_id, delar.id, &ReviewAction::Submit)).unwrap();
    store.write(&ctx(), |w| w.review_assessment(goal, write.unit_id, delar.id, &ReviewAction::Approve)).unwrap();
    assert!(!has(&store, USER, top(&store), &write.key), "approved: nothing left");
}

#[test]
fn texts_sent_back_go_to_their_assignee() {
    let (_dir, mut store) = demo();
    let delar = store.resolve_period(2026, "delår").unwrap();
    let sn = unit(&store, "Socialnämnden");
    let section = Section::Operations;
    store
        .write(&ctx(), |w| {
            w.assign_report_text(delar.id, sn, section, "Lina Ek")?;
            w.save_report_text(delar.id, sn, section, "Verksamheten har gått enligt plan.")?;
            w.review_report_text(delar.id, sn, section, &ReviewAction::Submit)?;
            Ok(())
        })
        .unwrap();
    let key = format!("text-{sn}-{}-{}", section.key(), delar.id);
    assert!(of_kind(&list(&store, USER, top(&store)), TodoKind::TextToReview).iter().any(|i| i.key == key));
    store
        .write(&ctx(), |w| w.review_report_text(delar.id, sn, section, &ReviewAction::Return { comment: "Kortare, tack.".into() }))
        .unwrap();
    let lina = list(&store, "lina ek", unit(&store, "Hemtjänsten"));
    let item =
        of_kind(&lina, TodoKind::TextSentBack).into_iter().find(|i| i.key == key).expect("the assignee has it, wherever she looks from");
    assert_eq!(
        (item.person.as_deref(), item.place.section.as_deref(), item.place.tab.as_str()),
        (Some("Lina Ek"), Some("operations"), "texts")
    );
    assert!(!has(&store, "Per Persson", sn, &key), "someone else in the nämnd does not");
    assert!(has(&store, USER, top(&store), &key), "the controller sees everything");

    store.write(&ctx(), |w| w.review_report_text(delar.id, sn, section, &ReviewAction::Submit)).unwrap();
    let again = list(&store, "Lina Ek", sn);
    assert!(!of_kind(&again, TodoKind::TextSentBack).iter().any(|i| i.key == key), "sent in again");
    assert!(of_kind(&again, TodoKind::TextToReview).iter().any(|i| i.key == key), "a nämnd's person reviews it");
}

#[test]
fn red_indicators_without_an_activity_until_one_is_started() {
    let (_dir, mut store) = demo();
    let l = list(&store, USER, top(&store));
    let red = of_kind(&l, TodoKind::RedWithoutActivity);
    assert!(!red.is_empty(), "the demo has red indicators nobody works on");
    let item = red[0].clone();
    assert_eq!(item.place.tab, "red");
    let indicator = item.place.indicator_id.unwrap();
    let goals = styrkort::store::indicators::goal_ids_in_year(store.read(), indicator, 2026).unwrap();
    let owner = styrkort::store::goals::owner_and_year(store.read(), goals[0]).unwrap().unwrap().0;
    store
        .write(&ctx(), |w| {
            w.save_activity(&ActivityForm {
                id: None,
                plan_year: 2026,
                owner_unit_id: owner,
                title: "Åtgärdsplan för det röda".into(),
                description: String::new(),
                responsible: "Lina Ek".into(),
                start_date: None,
                end_date: None,
                status: ActivityStatus::Started,
                goal_ids: vec![goals[0]],
            })
        })
        .unwrap();
    assert!(!has(&store, USER, top(&store), &item.key), "an activity is under way");
}

fn indicator_form(store: &Store, id: i64) -> IndicatorForm {
    let owner = store.indicator_owner(id).unwrap();
    let i = forms::unit_plan(store, owner, 2026).unwrap().indicators.into_iter().find(|i| i.id == id).unwrap();
    IndicatorForm {
        id: Some(id),
        owner_unit_id: owner,
        plan_year: 2026,
        name: i.name,
        description: i.description,
        unit: i.unit,
        direction: i.direction,
        decimals: i.decimals,
        kolada_kpi_id: i.kolada_kpi_id,
        tolerance_kind: i.tolerance_kind,
        tolerance: i.tolerance,
        targets: i.targets,
        goal_ids: i.goal_ids,
        responsible: i.responsible,
    }
}

#[test]
fn indicators_nobody_answers_for_and_never_updated() {
    let (_dir, mut store) = demo();
    let l = list(&store, USER, top(&store));
    let unowned = of_kind(&l, TodoKind::IndicatorWithoutResponsible);
    let item = unowned.iter().find(|i| i.count > 0).expect("indicators without Ansvarig").to_owned().clone();
    assert_eq!(item.place.tab, "plan");
    let ids: Vec<i64> = styrkort::store::indicators::of_unit(store.read(), item.unit_id)
        .unwrap()
        .into_iter()
        .filter(|i| i.active && i.responsible.is_empty())
        .map(|i| i.id)
        .collect();
    assert_eq!(ids.len() as u32, item.count);
    for id in &ids {
        let form = IndicatorForm { responsible: "Lina Ek".into(), ..indicator_form(&store, *id) };
        store.write(&ctx(), |w| w.save_indicator(&form)).unwrap();
    }
    assert!(!has(&store, USER, top(&store), &item.key), "everyone has someone");
    assert_eq!(indicator_form(&store, ids[0]).responsible, "Lina Ek");

    // A new indicator without values is never updated: its person has it until a value comes.
    let form = IndicatorForm {
        id: None,
        name: "Nytt nyckeltal utan värden".into(),
        targets: vec![],
        kolada_kpi_id: None,
        responsible: "Per Persson".into(),
        ..indicator_form(&store, ids[0])
    };
    let new = store.write(&ctx(), |w| w.save_indicator(&form)).unwrap();
    let key = format!("stale-{new}");
    let per = list(&store, "Per Persson", unit(&store, "Hemtjänsten"));
    let stale = per.items.iter().find(|i| i.key == key).expect("Per's indicator is not updated");
    assert_eq!(
        (stale.kind, stale.person.as_deref(), stale.place.indicator_id),
        (TodoKind::IndicatorNotUpdated, Some("Per Persson"), Some(new))
    );
    let t1 = store.resolve_period(2026, "T1").unwrap();
    store.write(&ctx(), |w| w.save_cells(form.owner_unit_id, &[cell(new, t1.id, 5.0)])).unwrap();
    assert!(!has(&store, "Per Persson", top(&store), &key));

    // The copy forward keeps who answers for an indicator (it is not per year).
    let copy = styrkort::planning::plan_year::copy_preview(&store, 2026, 2027);
    if copy.is_ok_and(|p| p.refused.is_none()) {
        store.write(&ctx(), |w| w.copy_plan_year(2026, 2027)).unwrap();
        let owner = store.indicator_owner(ids[0]).unwrap();
        let again = forms::unit_plan(&store, owner, 2027).unwrap().indicators.into_iter().find(|i| i.id == ids[0]).unwrap();
        assert_eq!(again.responsible, "Lina Ek");
    }
}

fn cell(indicator_id: i64, period_id: i64, value: f64) -> styrkort::follow_up::CellChange {
    // A cell of a new indicator: the user saw it empty.
    styrkort::follow_up::CellChange { indicator_id, period_id, gender: Gender::T, value: Some(value), expected_version: None }
}

/// An uppdrag from KF to Socialnämnden due 2026-06-30, for Lina Ek; a control in
/// Socialnämnden's plan reported at delår, for Per Persson. Inserted with SQL: their own forms
/// are other features'.
fn uppdrag_and_control(store: &Store) -> (i64, i64) {
    let (kommun, sn) = (top(store), unit(store, "Socialnämnden"));
    let c = sql(store);
    c.execute(
        "INSERT INTO assignment(plan_year, code, title, issuer_unit_id, decision_body, responsible_unit_id, responsible_person, deadline)
         VALUES (2026, 'KF 2026:3', 'Utred trygghetsboende', ?1, 'Kommunfullmäktige', ?2, 'Lina Ek', '2026-06-30')",
        [kommun, sn],
    )
    .unwrap();
    let assignment = c.last_insert_rowid();
    c.execute("INSERT INTO control_plan(org_unit_id, plan_year) VALUES (?1, 2026)", [sn]).unwrap();
    let plan = c.last_insert_rowid();
    c.execute("INSERT INTO control_risk(plan_id, process, risk, probability, consequence, chosen) VALUES (?1, 'Inköp', 'Köp utanför avtal', 3, 3, 1)", [plan])
        .unwrap();
    let risk = c.last_insert_rowid();
    c.execute(
        "INSERT INTO control(risk_id, what, responsible, report_in) VALUES (?1, 'Avtalstrohet vid inköp', 'Per Persson', 'delar')",
        [risk],
    )
    .unwrap();
    (assignment, c.last_insert_rowid())
}

#[test]
fn uppdrag_past_their_deadline_and_controls_due() {
    let (_dir, mut store) = demo();
    let (assignment, control) = uppdrag_and_control(&store);
    let delar = store.resolve_period(2026, "delår").unwrap();
    let (sn, hemtj) = (unit(&store, "Socialnämnden"), unit(&store, "Hemtjänsten"));
    let (a_key, c_key) = (format!("assignment-{assignment}"), format!("control-{control}-{}", delar.id));

    let lina = list(&store, "Lina Ek", hemtj);
    let a = lina.items.iter().find(|i| i.key == a_key).expect("Lina's uppdrag is late");
    assert_eq!((a.kind, a.late, a.days, a.unit_id), (TodoKind::AssignmentLate, true, Some(-72), sn));
    assert_eq!((a.place.tab.as_str(), a.place.assignment_id), ("assignments", Some(assignment)));
    assert!(!lina.items.iter().any(|i| i.key == c_key), "the control is Per's");
    let per = list(&store, "Per Persson", sn);
    let c = per.items.iter().find(|i| i.key == c_key).expect("Per's control is due at delår");
    assert_eq!(
        (c.kind, c.due.as_deref(), c.place.tab.as_str(), c.place.control_id),
        (TodoKind::ControlDue, Some("2026-09-20"), "internal_control", Some(control))
    );
    assert!(!per.items.iter().any(|i| i.key == a_key));
    assert!(has(&store, USER, top(&store), &a_key) && has(&store, USER, top(&store), &c_key), "the controller sees both");
    assert!(!has(&store, USER, hemtj, &a_key), "not the name, not the unit");

    store
        .write(&ctx(), |w| {
            styrkort::store::assignments::put_follow_up(
                w,
                &AssignmentFollowUp {
                    assignment_id: assignment,
                    period_id: delar.id,
                    status: AssignmentStatus::Done,
                    comment: "Utredningen är klar.".into(),
                    state: AssessmentState::Draft,
                    review_comment: String::new(),
                    changed_at: String::new(),
                    changed_by: String::new(),
                    version: 0,
                },
            )?;
            styrkort::store::internal_control::put_follow_up(
                w,
                &ControlFollowUp {
                    control_id: control,
                    period_id: delar.id,
                    result: ControlResult::NoRemarks,
                    comment: "20 inköp granskade.".into(),
                    deviation: String::new(),
                    action: String::new(),
                    state: AssessmentState::Draft,
                    review_comment: String::new(),
                    changed_at: String::new(),
                    changed_by: String::new(),
                    version: 0,
                },
            )
        })
        .unwrap();
    assert!(!has(&store, "Lina Ek", hemtj, &a_key), "done");
    assert!(!has(&store, "Per Persson", sn, &c_key), "reported");
}

#[test]
fn the_list_is_scoped_to_the_units_and_sorted_late_first_then_by_deadline() {
    let (_dir, mut store) = demo();
    new_indicator(&mut store, "");
    let all = list(&store, USER, top(&store));
    let hemtj = unit(&store, "Hemtjänsten");
    let own = list(&store, USER, hemtj);
    assert!(!own.items.is_empty() && own.items.len() < all.items.len());
    assert!(own.items.iter().all(|i| i.unit_id == hemtj || i.person.as_deref() == Some(USER)), "{:?}", own.items);
    for l in [&all, &own] {
        assert!(l.items.windows(2).all(|w| todo::order(&w[0], &w[1]) != std::cmp::Ordering::Greater));
        let first_not_late = l.items.iter().position(|i| !i.late).unwrap_or(l.items.len());
        assert!(l.items[first_not_late..].iter().all(|i| !i.late), "late first");
        assert_eq!(l.late as usize, first_not_late);
    }
    // Late: last year's helår (deadline 2026-02-15), then T1 (2026-05-20), before the delår due
    // in ten days.
    let dues: Vec<(bool, &str)> = all.items.iter().filter_map(|i| Some((i.late, i.due.as_deref()?))).collect();
    assert_eq!(dues.first(), Some(&(true, "2026-02-15")), "{dues:?}");
    assert!(dues.contains(&(true, "2026-05-20")) && dues.last() == Some(&(false, "2026-09-20")), "{dues:?}");
    let text = todo::text_sv(&all);
    assert!(text.starts_with("Att göra för Karin Kvalitet (Sjöbacka kommun, 2026-09-10)"), "{text}");
    assert!(text.contains("försenad") && text.contains("dagar kvar"), "{text}");
}

// ---------------------------------------------------------------------------
// The calendar file

fn stamp() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 9, 10, 6, 30, 0).unwrap()
}

/// The content lines unfolded, after checking every physical line: CRLF, at most 75 octets.
fn unfold(ics: &str) -> Vec<String> {
    assert!(ics.ends_with("\r\n"));
    assert!(!ics.replace("\r\n", "").contains('\n') && !ics.replace("\r\n", "").contains('\r'), "only CRLF line ends");
    let mut lines: Vec<String> = Vec::new();
    for physical in ics.trim_end_matches("\r\n").split("\r\n") {
        assert!(physical.len() <= 75, "{physical:?} is {} octets", physical.len());
        match physical.strip_prefix(' ') {
            Some(rest) => lines.last_mut().expect("a continuation follows a line").push_str(rest),
            None => lines.push(physical.to_string()),
        }
    }
    lines
}

#[test]
fn the_calendar_is_strict_icalendar_with_stable_uids() {
    let (dir, store) = demo();
    let (assignment, control) = uppdrag_and_control(&store);
    let ics = todo::ics::calendar(&store, USER, top(&store), today(), stamp()).unwrap();
    let lines = unfold(&ics);
    assert_eq!(lines[0], "BEGIN:VCALENDAR");
    assert_eq!(lines.last().map(String::as_str), Some("END:VCALENDAR"));
    assert!(lines.contains(&"VERSION:2.0".to_string()) && lines.iter().any(|l| l.starts_with("PRODID:-//Styrkort//")));
    let events = lines.iter().filter(|l| *l == "BEGIN:VEVENT").count();
    assert!(events >= 5, "{events} events");
    assert_eq!(lines.iter().filter(|l| *l == "BEGIN:VALARM").count(), events, "each has a reminder");
    assert!(lines.contains(&"TRIGGER:-P3D".to_string()));
    assert_eq!(lines.iter().filter(|l| *l == "DTSTAMP:20260910T063000Z").count(), events, "stamped with the time passed in");
    assert!(lines.contains(&"DTSTART;VALUE=DATE:20260920".to_string()) && lines.contains(&"DTEND;VALUE=DATE:20260921".to_string()));
    let id = styrkort::store::settings::database_id(store.read()).unwrap();
    let delar = store.resolve_period(2026, "delår").unwrap();
    for uid in [
        format!("UID:period-{}.{id}@styrkort", delar.id),
        format!("UID:assignment-{assignment}.{id}@styrkort"),
        format!("UID:control-{control}-{}.{id}@styrkort", delar.id),
    ] {
        assert!(lines.contains(&uid), "{uid} in {lines:?}");
    }
    let uids: Vec<&String> = lines.iter().filter(|l| l.starts_with("UID:")).collect();
    let unique: std::collections::HashSet<_> = uids.iter().collect();
    assert_eq!(unique.len(), uids.len(), "UIDs are unique");
    assert!(ics.contains("Sista dag för Delår 2026"), "åäö as UTF-8");

    // Made again later: the same UIDs, so Outlook updates instead of adding copies.
    let again = todo::ics::calendar(&store, USER, top(&store), today(), stamp() + chrono::Duration::hours(3)).unwrap();
    let uids_again: Vec<String> = unfold(&again).into_iter().filter(|l| l.starts_with("UID:")).collect();
    assert_eq!(uids.into_iter().cloned().collect::<Vec<_>>(), uids_again);

    // Parsed back by the icalendar crate's parser.
    let parsed: icalendar::Calendar = ics.parse().expect("icalendar parses it");
    assert_eq!(parsed.components.len(), events);

    // Written through the output guard.
    let out = dir.path().join("Styrkort sista dagar.ics");
    let n = todo::ics::export(&store, USER, top(&store), today(), stamp(), &out).unwrap();
    assert_eq!(n, events);
    assert_eq!(std::fs::read_to_string(&out).unwrap(), ics);
    assert!(todo::ics::export(&store, USER, top(&store), today(), stamp(), store.path().unwrap()).is_err(), "never over the database");
}

#[test]
fn calendar_text_is_escaped_and_folded() {
    use styrkort::todo::ics::{write, Deadline};
    let long = "Rapportera kontrollen Attestordning, delegation; behörigheter \\ roller\noch avvikelser för Ö-förvaltningen".to_string();
    let d = Deadline {
        key: "control-1-2".into(),
        date: NaiveDate::from_ymd_opt(2026, 9, 20).unwrap(),
        summary: long.clone(),
        description: "rad 1\r\nrad 2".into(),
    };
    let ics = write(&[d], "abc", "Styrkort – Åsa Öberg", stamp());
    let lines = unfold(&ics);
    let summary = lines.iter().find(|l| l.starts_with("SUMMARY:")).unwrap();
    assert_eq!(
        summary,
        "SUMMARY:Rapportera kontrollen Attestordning\\, delegation\\; behörigheter \\\\ roller\\noch avvikelser för Ö-förvaltningen"
    );
    assert!(lines.contains(&"DESCRIPTION:rad 1\\nrad 2".to_string()));
    assert!(lines.contains(&"X-WR-CALNAME:Styrkort – Åsa Öberg".to_string()));
    assert!(ics.lines().count() > lines.len(), "the long summary was folded");
    let parsed: icalendar::Calendar = ics.parse().unwrap();
    use icalendar::Component;
    let event = parsed.components[0].as_event().unwrap();
    assert_eq!(event.get_summary(), Some(long.as_str()), "the crate reads back exactly what we meant");
}
