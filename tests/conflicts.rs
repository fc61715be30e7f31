//! No silent overwrites (issue 14, item 3), on both engines: two Stores on the same database
//! (two windows, a window and the CLI, editors on the shared database). A save over a row
//! someone else saved after it was loaded is refused with `conflict`, names who and when, and
//! saves nothing of its batch; saved again with the fresh version, it wins.

mod common;

use common::engines::{demo, Engine, Under};
use styrkort::error::{AppError, ErrorCode};
use styrkort::follow_up::{self, ValueGrid};
use styrkort::model::Period;
use styrkort::narrative::Section;
use styrkort::store::{assessments, report_texts, values, ChangeContext, Store};

fn anna() -> ChangeContext {
    ChangeContext::new("Anna Berg", "2026-11-26T10:15:00")
}

fn bo() -> ChangeContext {
    ChangeContext::new("Bo Ek", "2026-11-26T10:20:00")
}

/// Hemtjänsten's value grid and the column of its first open period.
fn grid(store: &Store) -> (i64, ValueGrid, usize) {
    let unit = store.resolve_unit("Hemtjänsten").unwrap().id;
    let grid = follow_up::value_grid(store, unit, 2026).unwrap();
    let column = grid.periods.iter().position(|p| !p.locked).expect("an open period");
    assert!(grid.rows.len() >= 2, "two rows to paste into");
    (unit, grid, column)
}

fn refused(e: &AppError, who: &str) {
    assert_eq!(e.code, ErrorCode::Conflict, "{e:?}");
    assert!(e.message.contains(who) && e.message.contains("efter att du öppnade"), "{}", e.message);
    assert!(e.message.contains("Välj vilket som ska gälla"), "{}", e.message);
    assert!(e.message_en.contains("Choose which one"), "{}", e.message_en);
}

fn cell(store: &Store, unit: i64, grid: &ValueGrid, row: usize, column: usize) -> Option<f64> {
    let r = &grid.rows[row];
    values::with_version(store.read(), r.indicator_id, unit, grid.periods[column].id, r.gender).unwrap().map(|(v, _)| v)
}

on_both_engines!(a_value_saved_by_someone_else_is_not_overwritten, |engine: Engine| {
    let Some(mut u) = demo(engine, "value_conflict") else { return };
    let mut b = u.reopen();
    let (unit, seen_by_a, column) = grid(&u.store);

    // B loads the grid too and saves the cell.
    let (_, seen_by_b, _) = grid(&b);
    let outcome = follow_up::paste_and_save(&mut b, &bo(), unit, 2026, &seen_by_b.target_at(0, column), "111").unwrap();
    assert_eq!(outcome.saved, 1);

    // A saves the same cell from what it loaded before: refused, B's value stays.
    let e = follow_up::paste_and_save(&mut u.store, &anna(), unit, 2026, &seen_by_a.target_at(0, column), "222").unwrap_err();
    refused(&e, "Bo Ek");
    assert!(e.message.contains("10:20"), "when: {}", e.message);
    let r = &seen_by_a.rows[0];
    assert_eq!(e.field.as_deref(), Some(values::cell_field(r.indicator_id, seen_by_a.periods[column].id, r.gender).as_str()));
    assert_eq!(cell(&u.store, unit, &seen_by_a, 0, column), Some(111.0));

    // A reloads ("Spara mitt" saves with the fresh version) and wins.
    let (_, fresh, _) = grid(&u.store);
    assert_eq!(fresh.rows[0].values[column], Some(111.0));
    assert_ne!(fresh.rows[0].versions[column], seen_by_a.rows[0].versions[column]);
    follow_up::paste_and_save(&mut u.store, &anna(), unit, 2026, &fresh.target_at(0, column), "222").unwrap();
    assert_eq!(cell(&b, unit, &fresh, 0, column), Some(222.0));

    // Now B's grid is the stale one: clearing the cell from it is refused too.
    let r = &seen_by_b.rows[0];
    let clear = follow_up::CellChange {
        indicator_id: r.indicator_id,
        period_id: seen_by_b.periods[column].id,
        gender: r.gender,
        value: None,
        expected_version: r.versions[column],
    };
    let e = b.write(&bo(), |w| w.save_cells(unit, &[clear])).unwrap_err();
    refused(&e, "Anna Berg");
    assert_eq!(cell(&b, unit, &fresh, 0, column), Some(222.0));
});

on_both_engines!(a_batch_with_one_conflicting_cell_saves_none, |engine: Engine| {
    let Some(mut u) = demo(engine, "batch_conflict") else { return };
    let mut b = u.reopen();
    let (unit, seen, column) = grid(&u.store);
    let second_before = cell(&u.store, unit, &seen, 1, column);
    let target = grid(&b).1.target_at(0, column);
    follow_up::paste_and_save(&mut b, &bo(), unit, 2026, &target, "5").unwrap();

    let e = follow_up::paste_and_save(&mut u.store, &anna(), unit, 2026, &seen.target_at(0, column), "6\n7").unwrap_err();
    refused(&e, "Bo Ek");
    assert_eq!(cell(&u.store, unit, &seen, 0, column), Some(5.0), "B's value stays");
    assert_eq!(cell(&u.store, unit, &seen, 1, column), second_before, "the other cell of the batch is not saved either");

    // The same batch through save_cells (the API the value template's preview shares).
    let changes = follow_up::paste_changes(&seen, 0, column, "6\n7").unwrap();
    let e = u.store.write(&anna(), |w| w.save_cells(unit, &changes)).unwrap_err();
    assert_eq!(e.code, ErrorCode::Conflict);
    assert_eq!(cell(&u.store, unit, &seen, 1, column), second_before);
    // Unchecked (a value template, an import): saves over, as before row versions.
    u.store.write(&anna(), |w| w.save_cells_unchecked(unit, &changes)).unwrap();
    assert_eq!(cell(&u.store, unit, &seen, 0, column), Some(6.0));
    assert_eq!(cell(&u.store, unit, &seen, 1, column), Some(7.0));
});

/// A goal of Hemtjänsten and an open period in which it has no assessment yet.
fn unassessed(store: &Store) -> (i64, i64, i64) {
    let unit = store.resolve_unit("Hemtjänsten").unwrap().id;
    let goals = styrkort::store::goals::of_unit(store.read(), unit, 2026).unwrap();
    let periods: Vec<Period> = store.periods(2026).unwrap().into_iter().filter(|p| !p.locked).collect();
    for p in &periods {
        for g in &goals {
            if assessments::version(store.read(), g.id, unit, p.id).unwrap().is_none() {
                return (g.id, unit, p.id);
            }
        }
    }
    panic!("no open period without an assessment");
}

on_both_engines!(an_assessment_saved_by_someone_else_is_not_overwritten, |engine: Engine| {
    let Some(mut u) = demo(engine, "assessment_conflict") else { return };
    let mut b = u.reopen();
    let key = unassessed(&u.store);
    let (goal, unit, period) = key;
    // Both open it empty; B saves first.
    b.write(&bo(), |w| w.save_assessment_seen(key, Some(2), "B:s analys.", None)).unwrap();
    let e = u.store.write(&anna(), |w| w.save_assessment_seen(key, Some(1), "A:s analys.", None)).unwrap_err();
    refused(&e, "Bo Ek");
    assert_eq!(e.field.as_deref(), Some("analysis"));
    let stored = assessments::content(u.store.read(), goal, unit, period).unwrap().unwrap();
    assert_eq!((stored.0, stored.1.as_str()), (Some(2), "B:s analys."));

    // A saves again with the version it now sees, and wins; B's old version is now refused.
    let fresh = assessments::version(u.store.read(), goal, unit, period).unwrap();
    assert_eq!(fresh, Some(0));
    u.store.write(&anna(), |w| w.save_assessment_seen(key, Some(1), "A:s analys.", fresh)).unwrap();
    assert_eq!(assessments::version(b.read(), goal, unit, period).unwrap(), Some(1));
    let e = b.write(&bo(), |w| w.save_assessment_seen(key, Some(3), "B igen.", fresh)).unwrap_err();
    refused(&e, "Anna Berg");
    let stored = assessments::content(b.read(), goal, unit, period).unwrap().unwrap();
    assert_eq!((stored.0, stored.1.as_str()), (Some(1), "A:s analys."));
});

on_both_engines!(a_report_text_saved_by_someone_else_is_not_overwritten, |engine: Engine| {
    let Some(mut u) = demo(engine, "text_conflict") else { return };
    let mut b = u.reopen();
    let kommun = u.store.resolve_unit("Sjöbacka kommun").unwrap().id;
    let period = u
        .store
        .periods(2026)
        .unwrap()
        .into_iter()
        .find(|p| !p.locked && report_texts::get(u.store.read(), p.id, kommun, Section::Introduction.key()).unwrap().is_none())
        .expect("an open period without an Inledning")
        .id;
    let section = Section::Introduction;
    b.write(&bo(), |w| w.save_report_text_seen(period, kommun, section, "B:s inledning.", None)).unwrap();
    let e = u.store.write(&anna(), |w| w.save_report_text_seen(period, kommun, section, "A:s inledning.", None)).unwrap_err();
    refused(&e, "Bo Ek");
    assert_eq!(e.field.as_deref(), Some("body"));
    let stored = report_texts::get(u.store.read(), period, kommun, section.key()).unwrap().unwrap();
    assert_eq!(stored.body, "B:s inledning.");

    u.store.write(&anna(), |w| w.save_report_text_seen(period, kommun, section, "A:s inledning.", Some(stored.version))).unwrap();
    let after = report_texts::get(b.read(), period, kommun, section.key()).unwrap().unwrap();
    assert_eq!((after.body.as_str(), after.version), ("A:s inledning.", stored.version + 1));
    let e = b.write(&bo(), |w| w.save_report_text_seen(period, kommun, section, "B igen.", Some(stored.version))).unwrap_err();
    refused(&e, "Anna Berg");
    // Assigning and reviewing count the version up too, so a window that loaded before is refused.
    b.write(&bo(), |w| w.assign_report_text(period, kommun, section, "Cecilia")).unwrap();
    let e = u.store.write(&anna(), |w| w.save_report_text_seen(period, kommun, section, "A igen.", Some(after.version))).unwrap_err();
    assert_eq!(e.code, ErrorCode::Conflict);
});

/// Two stores save a value into the same empty cell at once: the first's transaction holds
/// its insert until the second has started; one wins, the other is refused with `conflict`
/// (on PostgreSQL by the primary key under READ COMMITTED; on SQLite by the write lock and
/// the check after it).
fn concurrent(u: &Under) {
    let (unit, seen, column) = grid(&u.store);
    let empty = (0..seen.rows.len()).find_map(|r| {
        let c = (0..seen.periods.len()).find(|&c| !seen.periods[c].locked && seen.rows[r].values[c].is_none())?;
        Some((r, c))
    });
    let Some((row, col)) = empty else { panic!("an empty open cell in {column:?}") };
    let target = seen.target_at(row, col);
    let (started_tx, started_rx) = std::sync::mpsc::channel();
    let mut first = u.reopen();
    let mut second = u.reopen();
    let t1 = {
        let target = target.clone();
        std::thread::spawn(move || {
            first.write(&anna(), |w| {
                let r = w.paste_cells(unit, 2026, &target, &[vec![Some(1.0)]])?;
                started_tx.send(()).unwrap();
                std::thread::sleep(std::time::Duration::from_millis(400));
                Ok(r)
            })
        })
    };
    started_rx.recv().unwrap();
    let t2 = std::thread::spawn(move || follow_up::paste_and_save(&mut second, &bo(), unit, 2026, &target, "2").map(|o| o.saved));
    let r1 = t1.join().unwrap();
    let r2 = t2.join().unwrap();
    assert!(matches!(r1, Ok(Ok(1))), "the first wins: {r1:?}");
    let e = r2.unwrap_err();
    assert_eq!(e.code, ErrorCode::Conflict, "{e:?}");
    assert_eq!(cell(&u.store, unit, &seen, row, col), Some(1.0));
}

on_both_engines!(two_stores_inserting_the_same_new_value_at_once_one_wins, |engine: Engine| {
    let Some(u) = demo(engine, "concurrent_insert") else { return };
    concurrent(&u);
});

/// An editor of the shared database (role `styrkort_editor`, granted column by column) saves
/// over a value with the version check and counts the version up: the `version` column is
/// theirs to update too.
#[test]
fn an_editor_on_the_shared_database_saves_a_checked_value() {
    use styrkort::store::pg::{self, users};
    let Some(u) = demo(Engine::Postgres, "editor_checked") else { return };
    let url = u.url.clone().unwrap();
    let mut admin = pg::connect(&url).unwrap();
    let units = ["Hemtjänsten".to_string()];
    users::add(&mut admin, &anna(), users::NewUser { login: "anna", role: users::Role::Editor, units: &units, password: None }).unwrap();
    let as_anna = url.replacen("://postgres@", "://anna@", 1);
    assert_ne!(as_anna, url);
    let mut editor = Store::open_shared(&as_anna, "2026-11-26T10:00:00").unwrap();
    let (unit, seen, column) = grid(&editor);
    let row = (0..seen.rows.len()).find(|&r| seen.rows[r].values[column].is_some()).unwrap_or(0);
    follow_up::paste_and_save(&mut editor, &anna(), unit, 2026, &seen.target_at(row, column), "31").unwrap();
    let (_, after, _) = grid(&editor);
    assert_eq!(after.rows[row].values[column], Some(31.0));
    assert_ne!(after.rows[row].versions[column], seen.rows[row].versions[column]);
    // Their stale grid is refused, not written and not a permission error.
    let e = follow_up::paste_and_save(&mut editor, &anna(), unit, 2026, &seen.target_at(row, column), "32").unwrap_err();
    assert_eq!(e.code, ErrorCode::Conflict, "{e:?}");
}

// ---- Follow-up of uppdrag, controls and tjänstegarantier: each saved from the window against
// the version its view showed. ----

/// The first open period of 2026 (by order) in which `followed_up` says the item has no
/// follow-up, with the item.
fn unfollowed<T: Clone>(store: &Store, items: &[T], followed_up: impl Fn(&T, i64) -> bool) -> (T, i64) {
    for p in store.periods(2026).unwrap().into_iter().filter(|p| !p.locked) {
        if let Some(item) = items.iter().find(|i| !followed_up(i, p.id)) {
            return (item.clone(), p.id);
        }
    }
    panic!("no open period with an item not followed up");
}

/// Save a follow-up's comment: `Some(version)` against the version loaded (the window),
/// `None` unchecked (the CLI, the seed loader).
type SaveFollowUp<'a> = dyn Fn(&mut Store, &ChangeContext, &str, Option<Option<i64>>) -> styrkort::error::Result<()> + 'a;

/// The race every follow-up kind is held to, given how to read the version the window's view
/// shows (`None`: no follow-up), how to save comment `text` against a version, and how to read
/// the stored comment: two stores load it empty and the second insert is refused; two load
/// the same version and the second save is refused naming the first; saved against the fresh
/// version it wins; unchecked (CLI, seed, exchange files) it saves over as before.
fn follow_up_race(
    a: &mut Store,
    b: &mut Store,
    shown: &dyn Fn(&Store) -> Option<i64>,
    save: &SaveFollowUp<'_>,
    stored: &dyn Fn(&Store) -> String,
) {
    // Both see no follow-up; B inserts first, A's insert is refused.
    assert_eq!(shown(a), None);
    assert_eq!(shown(b), None);
    save(b, &bo(), "B först.", Some(None)).unwrap();
    let e = save(a, &anna(), "A först.", Some(None)).unwrap_err();
    refused(&e, "Bo Ek");
    assert_eq!(e.field.as_deref(), Some("comment"));
    assert_eq!(stored(a), "B först.");

    // Both load the same version: A saves first and wins, B's save from it is refused.
    let loaded = shown(a);
    assert_eq!(loaded, Some(0));
    assert_eq!(shown(b), loaded);
    save(a, &anna(), "A:s uppföljning.", Some(loaded)).unwrap();
    let e = save(b, &bo(), "B:s uppföljning.", Some(loaded)).unwrap_err();
    refused(&e, "Anna Berg");
    assert!(e.message.contains("10:15"), "when: {}", e.message);
    assert_eq!(stored(b), "A:s uppföljning.", "A's save stays");

    // B reloads ("Spara mitt" saves against the version now shown) and wins.
    let fresh = shown(b);
    assert_eq!(fresh, Some(1));
    save(b, &bo(), "B:s uppföljning.", Some(fresh)).unwrap();
    assert_eq!(stored(a), "B:s uppföljning.");
    assert_eq!(shown(a), Some(2));

    // Unchecked (the CLI, the seed loader): saves over whatever is stored, as before.
    save(a, &anna(), "Från kommandoraden.", None).unwrap();
    assert_eq!(stored(b), "Från kommandoraden.");
    assert_eq!(shown(b), Some(3), "an unchecked save counts the version up too");
}

fn today() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()
}

on_both_engines!(an_assignment_follow_up_saved_by_someone_else_is_not_overwritten, |engine: Engine| {
    use styrkort::assignments::{self, AssignmentFollowUpForm};
    use styrkort::model::AssignmentStatus;
    use styrkort::store::assignments as repo;
    let Some(mut u) = demo(engine, "assignment_conflict") else { return };
    let mut b = u.reopen();
    let all = repo::of_year(u.store.read(), 2026).unwrap();
    let (a, period) = unfollowed(&u.store, &all, |a, p| repo::get_follow_up(u.store.read(), a.id, p).unwrap().is_some());
    let id = a.id;
    // What the window's "Uppdrag" tab shows of the follow-up in the period.
    let shown = |s: &Store| {
        let view = assignments::view(s, 2026, Some(period), None, today()).unwrap();
        view.rows.iter().find(|r| r.id == id).expect("the uppdrag is listed").follow_up.as_ref().map(|f| f.version)
    };
    let save = |s: &mut Store, ctx: &ChangeContext, text: &str, seen: Option<Option<i64>>| {
        let form =
            AssignmentFollowUpForm { assignment_id: id, period_id: period, status: AssignmentStatus::InProgress, comment: text.into() };
        s.write(ctx, |w| match seen {
            Some(v) => w.save_assignment_follow_up_seen(&form, v),
            None => w.save_assignment_follow_up(&form),
        })
    };
    let stored = |s: &Store| repo::get_follow_up(s.read(), id, period).unwrap().unwrap().comment;
    follow_up_race(&mut u.store, &mut b, &shown, &save, &stored);

    // A review counts the version up, so a window that loaded before it is refused too.
    let before = shown(&b);
    u.store.write(&anna(), |w| w.review_assignment_follow_up(id, period, &styrkort::follow_up::review::ReviewAction::Submit)).unwrap();
    b.write(&anna(), |w| {
        w.review_assignment_follow_up(id, period, &styrkort::follow_up::review::ReviewAction::Return { comment: "Mer.".into() })
    })
    .unwrap();
    let e = save(&mut b, &bo(), "Efter granskningen.", Some(before)).unwrap_err();
    assert_eq!(e.code, ErrorCode::Conflict, "{e:?}");
});

on_both_engines!(a_control_follow_up_saved_by_someone_else_is_not_overwritten, |engine: Engine| {
    use styrkort::internal_control::{self, ControlFollowUpForm};
    use styrkort::model::ControlResult;
    use styrkort::store::internal_control as repo;
    let Some(mut u) = demo(engine, "control_conflict") else { return };
    let mut b = u.reopen();
    let all = repo::controls_with_unit_of_year(u.store.read(), 2026).unwrap();
    let ((control, unit), period) = unfollowed(&u.store, &all, |(c, _), p| repo::get_follow_up(u.store.read(), c.id, p).unwrap().is_some());
    let id = control.id;
    // What the window's "Intern kontroll" tab shows of the control's follow-up in the period.
    let shown = |s: &Store| {
        let view = internal_control::plan_view(s, unit, 2026, Some(period)).unwrap();
        let row = view.risks.iter().flat_map(|r| &r.controls).find(|c| c.id == id).expect("the control is shown");
        row.follow_up.as_ref().map(|f| f.version)
    };
    let save = |s: &mut Store, ctx: &ChangeContext, text: &str, seen: Option<Option<i64>>| {
        let form = ControlFollowUpForm {
            control_id: id,
            period_id: period,
            result: ControlResult::NoRemarks,
            comment: text.into(),
            deviation: String::new(),
            action: String::new(),
        };
        s.write(ctx, |w| match seen {
            Some(v) => w.save_control_follow_up_seen(&form, v),
            None => w.save_control_follow_up(&form),
        })
    };
    let stored = |s: &Store| repo::get_follow_up(s.read(), id, period).unwrap().unwrap().comment;
    follow_up_race(&mut u.store, &mut b, &shown, &save, &stored);
});

on_both_engines!(a_guarantee_follow_up_saved_by_someone_else_is_not_overwritten, |engine: Engine| {
    use styrkort::model::GuaranteeOutcome;
    use styrkort::store::unit_missions as repo;
    let Some(mut u) = demo(engine, "guarantee_conflict") else { return };
    let mut b = u.reopen();
    let all = repo::guarantees_of_year(u.store.read(), 2026).unwrap();
    let (g, period) = unfollowed(&u.store, &all, |g, p| repo::get_guarantee_follow_up(u.store.read(), g.id, p).unwrap().is_some());
    let (id, unit) = (g.id, g.org_unit_id);
    // What the unit's grunduppdrag panel shows of the guarantee's follow-up in the period.
    let shown = |s: &Store| {
        let view = styrkort::unit_missions::view(s, unit, 2026, Some(period)).unwrap();
        view.guarantees.iter().find(|x| x.id == id).expect("the guarantee is shown").follow_up.as_ref().map(|f| f.version)
    };
    let save = |s: &mut Store, ctx: &ChangeContext, text: &str, seen: Option<Option<i64>>| {
        s.write(ctx, |w| match seen {
            Some(v) => w.follow_up_guarantee_seen((id, period), GuaranteeOutcome::Kept, text, v),
            None => w.follow_up_guarantee(id, period, GuaranteeOutcome::Kept, text),
        })
    };
    let stored = |s: &Store| repo::get_guarantee_follow_up(s.read(), id, period).unwrap().unwrap().comment;
    follow_up_race(&mut u.store, &mut b, &shown, &save, &stored);
});

// ---------------------------------------------------------------------------
// The planning forms (goal, indicator, activity) and the activity follow-up: the window's
// saves name the version the form was opened with.

use styrkort::planning::forms::{self, ActivityForm, GoalForm, IndicatorForm, PlanActivity, PlanGoal, PlanIndicator, UnitPlan};
use styrkort::store::activities;

/// Hemtjänsten's plan page for 2026, as a window loads it.
fn plan(store: &Store) -> UnitPlan {
    let unit = store.resolve_unit("Hemtjänsten").unwrap().id;
    forms::unit_plan(store, unit, 2026).unwrap()
}

fn goal_form(plan: &UnitPlan, g: &PlanGoal, title: &str) -> GoalForm {
    GoalForm {
        id: Some(g.id),
        plan_year: plan.year,
        owner_unit_id: plan.unit.id,
        perspective_id: g.perspective_id,
        code: g.code.clone(),
        title: title.into(),
        description: g.description.clone(),
        parent_ids: g.parent_ids.clone(),
    }
}

fn indicator_form(plan: &UnitPlan, i: &PlanIndicator, name: &str) -> IndicatorForm {
    IndicatorForm {
        id: Some(i.id),
        owner_unit_id: plan.unit.id,
        plan_year: plan.year,
        name: name.into(),
        description: i.description.clone(),
        unit: i.unit.clone(),
        direction: i.direction,
        decimals: i.decimals,
        kolada_kpi_id: i.kolada_kpi_id.clone(),
        tolerance_kind: i.tolerance_kind,
        tolerance: i.tolerance,
        targets: i.targets.clone(),
        goal_ids: i.goal_ids.clone(),
        responsible: i.responsible.clone(),
    }
}

fn activity_form(plan: &UnitPlan, a: &PlanActivity, title: &str) -> ActivityForm {
    ActivityForm {
        id: Some(a.id),
        plan_year: plan.year,
        owner_unit_id: plan.unit.id,
        title: title.into(),
        description: a.description.clone(),
        responsible: a.responsible.clone(),
        start_date: a.start_date.clone(),
        end_date: a.end_date.clone(),
        status: a.status,
        goal_ids: a.goal_ids.clone(),
    }
}

fn goal_in(store: &Store, id: i64) -> PlanGoal {
    plan(store).goals.into_iter().find(|g| g.id == id).expect("the goal is on the plan page")
}

on_both_engines!(a_goal_form_saved_by_someone_else_is_not_overwritten, |engine: Engine| {
    let Some(mut u) = demo(engine, "goal_form_conflict") else { return };
    let mut b = u.reopen();
    // Both open the same goal's form at the same version.
    let seen_by_a = plan(&u.store);
    let seen_by_b = plan(&b);
    let g = seen_by_a.goals[0].clone();
    assert_eq!(seen_by_b.goals[0].version, g.version);

    // B saves first and wins.
    b.write(&bo(), |w| w.save_goal_tagged_seen(&goal_form(&seen_by_b, &g, "B:s rubrik"), None, Some(g.version))).unwrap();
    // A's save from what it opened is refused, naming B; B's title stays.
    let e =
        u.store.write(&anna(), |w| w.save_goal_tagged_seen(&goal_form(&seen_by_a, &g, "A:s rubrik"), None, Some(g.version))).unwrap_err();
    refused(&e, "Bo Ek");
    assert!(e.message.contains("målet") && e.message_en.contains("the goal"), "{}", e.message);
    assert_eq!(e.field.as_deref(), Some("title"));
    let stored = goal_in(&u.store, g.id);
    assert_eq!(stored.title, "B:s rubrik");
    assert_eq!(stored.version, g.version + 1);
    // The refused save is no undo step: the newest is B's.
    assert_eq!(styrkort::planning::undoable_changes(u.store.read(), 5).unwrap()[0].label, "Ändra målet B:s rubrik");

    // "Spara mitt": saved against the version now loaded, A wins.
    u.store.write(&anna(), |w| w.save_goal_seen(&goal_form(&seen_by_a, &g, "A:s rubrik"), Some(stored.version))).unwrap();
    assert_eq!(goal_in(&b, g.id).title, "A:s rubrik");
    // Undo after a checked save takes back A's save, leaving B's.
    assert_eq!(u.store.write(&anna(), |w| w.undo_last()).unwrap(), "Ändra målet A:s rubrik");
    assert_eq!(goal_in(&b, g.id).title, "B:s rubrik");
    // A save without a version of an existing goal is refused too (the window always sends one).
    let e = b.write(&bo(), |w| w.save_goal_seen(&goal_form(&seen_by_b, &g, "Utan version"), None)).unwrap_err();
    assert_eq!(e.code, ErrorCode::Conflict);
    // Unchecked (the CLI, imports): saves over, as before row versions.
    b.write(&bo(), |w| w.save_goal(&goal_form(&seen_by_b, &g, "Okontrollerat"))).unwrap();
    assert_eq!(goal_in(&u.store, g.id).title, "Okontrollerat");
});

on_both_engines!(a_goal_removed_by_someone_else_is_refused_as_removed, |engine: Engine| {
    let Some(mut u) = demo(engine, "goal_form_removed") else { return };
    let mut b = u.reopen();
    let seen = plan(&u.store);
    // A goal with no assessments, so deleting it is plain.
    let g =
        seen.goals.iter().rev().find(|g| assessments::count_of_goal(u.store.read(), g.id).unwrap() == 0).unwrap_or(&seen.goals[0]).clone();
    b.write(&bo(), |w| w.delete_goal(g.id)).unwrap();
    let e = u.store.write(&anna(), |w| w.save_goal_seen(&goal_form(&seen, &g, "A:s rubrik"), Some(g.version))).unwrap_err();
    assert_eq!(e.code, ErrorCode::Conflict, "{e:?}");
    assert!(e.message.contains("Bo Ek tog bort målet"), "{}", e.message);
    assert!(e.message_en.contains("removed the goal"), "{}", e.message_en);
});

on_both_engines!(an_indicator_form_saved_by_someone_else_is_not_overwritten, |engine: Engine| {
    let Some(mut u) = demo(engine, "indicator_form_conflict") else { return };
    let mut b = u.reopen();
    let seen_by_a = plan(&u.store);
    let seen_by_b = plan(&b);
    let i = seen_by_a.indicators[0].clone();
    assert_eq!(seen_by_b.indicators[0].version, i.version);

    b.write(&bo(), |w| w.save_indicator_tagged_seen(&indicator_form(&seen_by_b, &i, "B:s nyckeltal"), None, Some(i.version))).unwrap();
    let mut mine = indicator_form(&seen_by_a, &i, "A:s nyckeltal");
    mine.targets.clear();
    let e = u.store.write(&anna(), |w| w.save_indicator_tagged_seen(&mine, None, Some(i.version))).unwrap_err();
    refused(&e, "Bo Ek");
    assert!(e.message.contains("nyckeltalet"), "{}", e.message);
    assert_eq!(e.field.as_deref(), Some("name"));
    let stored = plan(&u.store).indicators.into_iter().find(|x| x.id == i.id).unwrap();
    assert_eq!(stored.name, "B:s nyckeltal");
    assert_eq!(stored.targets, i.targets, "nothing of the refused form is saved, not its targets either");

    u.store.write(&anna(), |w| w.save_indicator_seen(&mine, Some(stored.version))).unwrap();
    let after = plan(&b).indicators.into_iter().find(|x| x.id == i.id).unwrap();
    assert_eq!(after.name, "A:s nyckeltal");
    assert!(after.targets.is_empty());
    assert!(after.version > stored.version);
    assert_eq!(u.store.write(&anna(), |w| w.undo_last()).unwrap(), "Ändra nyckeltalet A:s nyckeltal");
    let undone = plan(&b).indicators.into_iter().find(|x| x.id == i.id).unwrap();
    assert_eq!((undone.name.as_str(), &undone.targets), ("B:s nyckeltal", &i.targets));
});

on_both_engines!(an_activity_form_saved_by_someone_else_is_not_overwritten, |engine: Engine| {
    let Some(mut u) = demo(engine, "activity_form_conflict") else { return };
    let mut b = u.reopen();
    let seen_by_a = plan(&u.store);
    let seen_by_b = plan(&b);
    let a = seen_by_a.activities[0].clone();
    assert_eq!(seen_by_b.activities[0].version, a.version);

    b.write(&bo(), |w| w.save_activity_seen(&activity_form(&seen_by_b, &a, "B:s aktivitet"), Some(a.version))).unwrap();
    let e = u.store.write(&anna(), |w| w.save_activity_seen(&activity_form(&seen_by_a, &a, "A:s aktivitet"), Some(a.version))).unwrap_err();
    refused(&e, "Bo Ek");
    assert!(e.message.contains("aktiviteten"), "{}", e.message);
    assert_eq!(e.field.as_deref(), Some("title"));
    let stored = plan(&u.store).activities.into_iter().find(|x| x.id == a.id).unwrap();
    assert_eq!(stored.title, "B:s aktivitet");

    u.store.write(&anna(), |w| w.save_activity_seen(&activity_form(&seen_by_a, &a, "A:s aktivitet"), Some(stored.version))).unwrap();
    assert_eq!(activities::get(b.read(), a.id).unwrap().title, "A:s aktivitet");
    assert_eq!(u.store.write(&anna(), |w| w.undo_last()).unwrap(), "Ändra aktiviteten A:s aktivitet");
    assert_eq!(activities::get(b.read(), a.id).unwrap().title, "B:s aktivitet");
    // A new activity has nothing to check.
    let new = ActivityForm { id: None, ..activity_form(&seen_by_a, &a, "Ny aktivitet") };
    u.store.write(&anna(), |w| w.save_activity_seen(&new, None)).unwrap();
});

on_both_engines!(an_activity_follow_up_saved_by_someone_else_is_not_overwritten, |engine: Engine| {
    let Some(mut u) = demo(engine, "activity_follow_up_conflict") else { return };
    let mut b = u.reopen();
    let unit = u.store.resolve_unit("Hemtjänsten").unwrap().id;
    let period = u.store.periods(2026).unwrap().into_iter().find(|p| !p.locked).expect("an open period").id;
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
    let card = |s: &Store| styrkort::scorecard::build(s, unit, 2026, Some(period), today).unwrap();
    let seen = card(&u.store).activities[0].clone();
    let key = (seen.id, period);
    assert_eq!(seen.follow_up_version, activities::follow_up_seen(u.store.read(), seen.id, period).unwrap().map(|f| f.version));

    b.write(&bo(), |w| {
        w.set_activity_follow_up_seen(key, styrkort::model::ActivityStatus::Started, "B:s kommentar", seen.follow_up_version)
    })
    .unwrap();
    let e = u
        .store
        .write(&anna(), |w| {
            w.set_activity_follow_up_seen(key, styrkort::model::ActivityStatus::Done, "A:s kommentar", seen.follow_up_version)
        })
        .unwrap_err();
    refused(&e, "Bo Ek");
    assert_eq!(e.field.as_deref(), Some("comment"));
    let fresh = card(&u.store).activities.into_iter().find(|x| x.id == seen.id).unwrap();
    assert_eq!(fresh.follow_up_comment, "B:s kommentar");
    assert_eq!(fresh.status, styrkort::model::ActivityStatus::Started);

    u.store
        .write(&anna(), |w| {
            w.set_activity_follow_up_seen(key, styrkort::model::ActivityStatus::Done, "A:s kommentar", fresh.follow_up_version)
        })
        .unwrap();
    let after = activities::follow_up_seen(b.read(), seen.id, period).unwrap().unwrap();
    assert_eq!((after.comment.as_str(), after.status), ("A:s kommentar", styrkort::model::ActivityStatus::Done));
    // B's card is stale now.
    let e = b
        .write(&bo(), |w| w.set_activity_follow_up_seen(key, styrkort::model::ActivityStatus::Started, "B igen", fresh.follow_up_version))
        .unwrap_err();
    refused(&e, "Anna Berg");
});

on_both_engines!(an_undo_counts_the_version_up_so_a_form_loaded_before_it_cannot_overwrite_what_follows, |engine: Engine| {
    let Some(mut u) = demo(engine, "undo_version") else { return };
    let mut b = u.reopen();
    let mut c = u.reopen();
    let opened = plan(&u.store);
    let g = opened.goals[0].clone();
    // B saves; C opens the form on B's save; B undoes it.
    b.write(&bo(), |w| w.save_goal_seen(&goal_form(&opened, &g, "B:s rubrik"), Some(g.version))).unwrap();
    let seen_by_c = goal_in(&c, g.id);
    assert_eq!(seen_by_c.title, "B:s rubrik");
    b.write(&bo(), |w| w.undo_last()).unwrap();
    let undone = goal_in(&u.store, g.id);
    assert_eq!(undone.title, g.title);
    assert!(undone.version > seen_by_c.version, "the undo counts the version up: {} after {}", undone.version, seen_by_c.version);
    // A saves from the undone state; C's form, loaded before the undo, cannot overwrite it.
    u.store.write(&anna(), |w| w.save_goal_seen(&goal_form(&opened, &g, "A:s rubrik"), Some(undone.version))).unwrap();
    let e = c
        .write(&ChangeContext::new("Cecilia", "2026-11-26T10:30:00"), |w| {
            w.save_goal_seen(&goal_form(&opened, &g, "C:s rubrik"), Some(seen_by_c.version))
        })
        .unwrap_err();
    refused(&e, "Anna Berg");
    assert_eq!(goal_in(&b, g.id).title, "A:s rubrik");
    // Undo still goes back step by step: A's save, then nothing of B's is left to undo.
    assert_eq!(u.store.write(&anna(), |w| w.undo_last()).unwrap(), "Ändra målet A:s rubrik");
    assert_eq!(goal_in(&b, g.id).title, g.title);
});

on_both_engines!(two_checked_saves_of_one_goal_undo_one_after_the_other, |engine: Engine| {
    let Some(mut u) = demo(engine, "undo_two_steps") else { return };
    let opened = plan(&u.store);
    let g = opened.goals[0].clone();
    u.store.write(&anna(), |w| w.save_goal_seen(&goal_form(&opened, &g, "Första"), Some(g.version))).unwrap();
    let v = goal_in(&u.store, g.id).version;
    u.store.write(&anna(), |w| w.save_goal_seen(&goal_form(&opened, &g, "Andra"), Some(v))).unwrap();
    assert_eq!(u.store.write(&anna(), |w| w.undo_last()).unwrap(), "Ändra målet Andra");
    assert_eq!(goal_in(&u.store, g.id).title, "Första");
    assert_eq!(u.store.write(&anna(), |w| w.undo_last()).unwrap(), "Ändra målet Första");
    assert_eq!(goal_in(&u.store, g.id).title, g.title);
});
