//! The shared database under load (issue 14, only with the `tools` feature): many editors
//! saving values and assessments for their own units at once while a controller reads the
//! municipality's roll-up and completeness, every save through the same `Store::write` the
//! window uses, each editor on a login of its own so row-level security holds as in real use.
//!
//! What it checks, besides the timings: every save the database acknowledged is there at the
//! end (edits lost), no acknowledged save replaced another without seeing it (edits silently
//! overwritten: two editors share each cell of the contended units and save with the version
//! they loaded), and how often row-level security refused an editor's write to another unit
//! (each editor tries now and then, on purpose). `kill_mid_transaction` kills a writing
//! process with SIGKILL again and again and checks that no transaction is half there.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::error::{AppError, ErrorCode, Result};
use crate::model::{Gender, ValueSource};
use crate::msg;
use crate::store::pg::{self, users};
use crate::store::{ChangeContext, Store};

/// What to run.
pub struct LoadOptions {
    /// The shared database, as its owner (who may add users).
    pub url: String,
    pub editors: usize,
    pub seconds: u64,
    pub seed: u64,
}

/// What one run measured.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct LoadReport {
    pub editors: usize,
    pub seconds: f64,
    pub saves: usize,
    pub value_saves: usize,
    pub assessment_saves: usize,
    pub saves_per_second: f64,
    pub save_p50_ms: f64,
    pub save_p95_ms: f64,
    pub save_max_ms: f64,
    /// Saves refused because another editor saved the same cell first (they are not lost:
    /// the editor is told and saves again).
    pub conflicts: usize,
    pub refused_by_rls: usize,
    pub other_errors: usize,
    pub first_error: Option<String>,
    pub edits_lost: usize,
    pub silently_overwritten: usize,
    pub rollups: usize,
    pub rollup_p50_ms: f64,
    pub rollup_p95_ms: f64,
    pub completeness_p50_ms: f64,
    pub completeness_p95_ms: f64,
    pub scorecard_p50_ms: f64,
    pub scorecard_p95_ms: f64,
    pub units_rolled_up: usize,
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    ms(sorted[i.min(sorted.len() - 1)])
}

/// `url` with another login (and password) in it.
pub fn with_login(url: &str, login: &str, password: Option<&str>) -> Result<String> {
    let Some(scheme_end) = url.find("://") else {
        return Err(AppError::validation(msg!("{url} är ingen postgres://-adress.", "{url} is not a postgres:// address.")));
    };
    let rest = &url[scheme_end + 3..];
    let host_start = match rest.find('@') {
        Some(at) if rest[..at].find('/').is_none() => at + 1,
        _ => 0,
    };
    let user = match password {
        Some(p) => format!("{login}:{p}@"),
        None => format!("{login}@"),
    };
    Ok(format!("{}{}{}", &url[..scheme_end + 3], user, &rest[host_start..]))
}

/// One cell an editor saves.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
struct Cell {
    indicator: i64,
    unit: i64,
}

/// One acknowledged save of a cell: the value, and the row version the editor had loaded
/// (`None`: the cell was empty when loaded).
#[derive(Clone, Copy, Debug)]
struct Ack {
    value: f64,
    seen: Option<i64>,
}

#[derive(Default)]
struct Tally {
    save_times: Vec<Duration>,
    value_saves: usize,
    assessment_saves: usize,
    conflicts: usize,
    refused_by_rls: usize,
    other_errors: usize,
    first_error: Option<String>,
    acks: HashMap<Cell, Vec<Ack>>,
}

/// The editors' units: units that own active indicators and goals, in id order.
struct Plan {
    year: i32,
    period_id: i64,
    units: Vec<(i64, Vec<i64>, Vec<i64>)>,
    all_units: Vec<i64>,
    busiest: i64,
}

fn plan(store: &Store, editors: usize) -> Result<Plan> {
    let year = store
        .plan_years()?
        .last()
        .map(|y| y.year)
        .ok_or_else(|| AppError::not_found(msg!("Databasen har inga planår att belasta.", "The database has no plan year to load.")))?;
    let period = store
        .periods(year)?
        .into_iter()
        .filter(|p| !p.locked)
        .find(|p| p.kind == crate::model::PeriodKind::Delar)
        .or_else(|| store.periods(year).ok().and_then(|ps| ps.into_iter().find(|p| !p.locked)))
        .ok_or_else(|| AppError::not_found(msg!("Planåret {year} har ingen öppen period.", "Plan year {year} has no open period.")))?;
    let top = store
        .unit_tree()?
        .first()
        .map(|n| n.unit.id)
        .ok_or_else(|| AppError::not_found(msg!("Databasen har ingen organisation.", "The database has no organisation.")))?;
    let all_units: Vec<i64> = crate::report::unit_and_below(store, top)?.into_iter().map(|u| u.id).collect();
    let mut units = Vec::new();
    for u in &all_units {
        let indicators: Vec<i64> =
            crate::store::indicators::of_unit(store.read(), *u)?.into_iter().filter(|i| i.active).map(|i| i.id).collect();
        let goals: Vec<i64> =
            crate::store::goals::of_unit(store.read(), *u, year)?.into_iter().filter(|g| g.active).map(|g| g.id).collect();
        if !indicators.is_empty() && !goals.is_empty() && *u != top {
            units.push((*u, indicators, goals));
        }
    }
    // Two editors per unit, so that half the cells are contended.
    units.truncate(editors.div_ceil(2).max(1));
    let busiest = crate::store::goals::busiest_owner(store.read(), year)?.map(|(u, _)| u).unwrap_or(top);
    Ok(Plan { year, period_id: period.id, units, all_units, busiest })
}

/// Run the load and report it. The editors' logins (`last<pid>_01` …) are made for the run
/// and removed after it.
pub fn run(opts: &LoadOptions, at: &str) -> Result<LoadReport> {
    let ctx = ChangeContext::new("belastning", at);
    let controller = Store::open_shared(&opts.url, at)?;
    let plan = plan(&controller, opts.editors)?;
    if plan.units.is_empty() {
        return Err(AppError::not_found(msg!(
            "Inga enheter med både nyckeltal och mål att belasta.",
            "No units with both indicators and goals to load."
        )));
    }
    let mut admin = pg::connect(&opts.url)?;
    let mut logins = Vec::new();
    for e in 0..opts.editors {
        // Roles are the server's, not the database's: a name of this run's own.
        let login = format!("last{}_{:02}", std::process::id() % 100_000, e + 1);
        let _ = users::remove(&mut admin, &ctx, &login);
        let unit = plan.units[e % plan.units.len()].0;
        let password = users::add(
            &mut admin,
            &ctx,
            users::NewUser { login: &login, role: users::Role::Editor, units: &[unit.to_string()], password: None },
        )?;
        logins.push((login, password, e % plan.units.len()));
    }
    let deadline = Instant::now() + Duration::from_secs(opts.seconds);
    let stop = Arc::new(AtomicBool::new(false));
    let tally = Arc::new(Mutex::new(Tally::default()));
    // Each editor probes units outside its own branch (row-level security lets an editor write
    // the units below its own).
    let mut below: HashMap<i64, Vec<i64>> = HashMap::new();
    for (u, _, _) in &plan.units {
        below.insert(*u, crate::report::unit_and_below(&controller, *u)?.into_iter().map(|x| x.id).collect());
    }
    let started = Instant::now();
    let mut handles = Vec::new();
    for (n, (login, password, slot)) in logins.iter().enumerate() {
        let url = with_login(&opts.url, login, password.as_deref())?;
        let (unit, indicators, goals) = plan.units[*slot].clone();
        let mine = below.get(&unit).cloned().unwrap_or_default();
        let others: Vec<(i64, i64)> = plan.units.iter().filter(|(u, _, _)| !mine.contains(u)).map(|(u, inds, _)| (*u, inds[0])).collect();
        let (period_id, tally, at) = (plan.period_id, tally.clone(), at.to_string());
        let seed = opts.seed.wrapping_add(n as u64 * 7919);
        let login = login.clone();
        handles.push(std::thread::spawn(move || {
            editor(&url, &login, unit, &indicators, &goals, period_id, &others, deadline, seed, &at, &tally)
        }));
    }
    // The controller reads while the editors write.
    let (mut rollups, mut completeness, mut scorecards) = (Vec::new(), Vec::new(), Vec::new());
    let today = chrono::NaiveDate::parse_from_str(&at[..10.min(at.len())], "%Y-%m-%d").unwrap_or_default();
    while Instant::now() < deadline {
        let t = Instant::now();
        crate::scorecard::unit_statuses(&controller, &plan.all_units, plan.year, Some(plan.period_id), today)?;
        rollups.push(t.elapsed());
        let t = Instant::now();
        crate::follow_up::completeness(&controller, plan.period_id, today)?;
        completeness.push(t.elapsed());
        let t = Instant::now();
        crate::scorecard::build(&controller, plan.busiest, plan.year, Some(plan.period_id), today)?;
        scorecards.push(t.elapsed());
    }
    stop.store(true, Ordering::Relaxed);
    for h in handles {
        if let Err(e) =
            h.join().unwrap_or_else(|_| Err(AppError::new(ErrorCode::Internal, msg!("En redaktör kraschade.", "An editor crashed."))))
        {
            tally.lock().unwrap_or_else(std::sync::PoisonError::into_inner).first_error.get_or_insert(e.message);
        }
    }
    let elapsed = started.elapsed();
    let mut t = std::mem::take(&mut *tally.lock().unwrap_or_else(std::sync::PoisonError::into_inner));
    // Every acknowledged save is there and none replaced another it had not seen: each save
    // named the row version it loaded, so two acknowledged saves that loaded the same version
    // would be a silent overwrite, and the cell must hold the value of the save that loaded
    // the newest version.
    let (mut lost, mut overwritten) = (0, 0);
    for (cell, acks) in &t.acks {
        let stored = crate::store::values::at(controller.read(), cell.indicator, cell.unit, plan.period_id, Gender::T.as_str())?;
        let mut by_seen: HashMap<Option<i64>, usize> = HashMap::new();
        for a in acks {
            *by_seen.entry(a.seen).or_default() += 1;
        }
        overwritten += by_seen.values().map(|n| n - 1).sum::<usize>();
        if acks.iter().max_by_key(|a| a.seen).map(|a| a.value) != stored {
            lost += 1;
        }
    }
    for (login, _, _) in &logins {
        let _ = users::remove(&mut admin, &ctx, login);
    }
    t.save_times.sort();
    rollups.sort();
    completeness.sort();
    scorecards.sort();
    let saves = t.value_saves + t.assessment_saves;
    Ok(LoadReport {
        editors: opts.editors,
        seconds: elapsed.as_secs_f64(),
        saves,
        value_saves: t.value_saves,
        assessment_saves: t.assessment_saves,
        saves_per_second: saves as f64 / elapsed.as_secs_f64(),
        save_p50_ms: percentile(&t.save_times, 0.5),
        save_p95_ms: percentile(&t.save_times, 0.95),
        save_max_ms: t.save_times.last().copied().map(ms).unwrap_or_default(),
        conflicts: t.conflicts,
        refused_by_rls: t.refused_by_rls,
        other_errors: t.other_errors,
        first_error: t.first_error,
        edits_lost: lost,
        silently_overwritten: overwritten,
        rollups: rollups.len(),
        rollup_p50_ms: percentile(&rollups, 0.5),
        rollup_p95_ms: percentile(&rollups, 0.95),
        completeness_p50_ms: percentile(&completeness, 0.5),
        completeness_p95_ms: percentile(&completeness, 0.95),
        scorecard_p50_ms: percentile(&scorecards, 0.5),
        scorecard_p95_ms: percentile(&scorecards, 0.95),
        units_rolled_up: plan.all_units.len(),
    })
}

#[allow(clippy::too_many_arguments)]
fn editor(
    url: &str,
    login: &str,
    unit: i64,
    indicators: &[i64],
    goals: &[i64],
    period_id: i64,
    others: &[(i64, i64)],
    deadline: Instant,
    seed: u64,
    at: &str,
    tally: &Mutex<Tally>,
) -> Result<()> {
    let mut store = Store::open_shared(url, at)?;
    let ctx = ChangeContext::new(login, at);
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut local = Tally::default();
    while Instant::now() < deadline {
        let roll = rng.u32(0..100);
        if roll < 3 {
            // On purpose: a value of another unit. Row-level security must refuse it.
            let Some(&(other, indicator)) = others.get(rng.usize(0..others.len().max(1))) else { continue };
            let r = store.write(&ctx, |w| crate::store::values::set(w, indicator, other, period_id, Gender::T, 1.0, ValueSource::Manual));
            match r {
                Err(e) if e.code == ErrorCode::PermissionDenied => local.refused_by_rls += 1,
                Err(e) => {
                    local.other_errors += 1;
                    local.first_error.get_or_insert(e.message);
                }
                Ok(()) => {
                    local.other_errors += 1;
                    local.first_error.get_or_insert(format!("{login} could write unit {other}"));
                }
            }
            continue;
        }
        let t = Instant::now();
        let result = if roll < 80 {
            let indicator = indicators[rng.usize(0..indicators.len())];
            let cell = Cell { indicator, unit };
            // As a window does: load the cell (value and version), then save over what was
            // loaded; another editor of the unit may have saved in between.
            let loaded = crate::store::values::with_version(store.read(), indicator, unit, period_id, Gender::T)?;
            let mut value = f64::from(rng.u32(0..100_000)) / 10.0;
            if loaded.map(|(v, _)| v) == Some(value) {
                value += 0.5;
            }
            let seen = loaded.map(|(_, version)| version);
            let r = store.write(&ctx, |w| {
                crate::store::values::set_seen(
                    w,
                    (indicator, unit, period_id, Gender::T),
                    value,
                    ValueSource::Manual,
                    crate::store::row_version::Seen::Version(seen),
                )
            });
            r.map(|()| {
                local.value_saves += 1;
                local.acks.entry(cell).or_default().push(Ack { value, seen });
            })
        } else {
            let goal = goals[rng.usize(0..goals.len())];
            let step = rng.i32(1..4);
            let text = format!("Analys {} av {login}: åtgärderna ger effekt.", rng.u32(0..1_000_000));
            store.write(&ctx, |w| w.save_assessment(goal, unit, period_id, Some(step), &text)).map(|()| local.assessment_saves += 1)
        };
        match result {
            Ok(()) => local.save_times.push(t.elapsed()),
            Err(e) if e.code == ErrorCode::Conflict || e.code == ErrorCode::DatabaseBusy => local.conflicts += 1,
            Err(e) if e.code == ErrorCode::Validation => {} // an approved assessment is not editable: the rules, not the load
            Err(e) => {
                local.other_errors += 1;
                local.first_error.get_or_insert(e.message);
            }
        }
    }
    let mut t = tally.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    t.save_times.extend(local.save_times);
    t.value_saves += local.value_saves;
    t.assessment_saves += local.assessment_saves;
    t.conflicts += local.conflicts;
    t.refused_by_rls += local.refused_by_rls;
    t.other_errors += local.other_errors;
    if t.first_error.is_none() {
        t.first_error = local.first_error;
    }
    for (cell, acks) in local.acks {
        t.acks.entry(cell).or_default().extend(acks);
    }
    Ok(())
}

/// The text of a report, in Swedish, for the terminal and BENCHMARKS.md.
pub fn text(r: &LoadReport) -> String {
    format!(
        "{} redaktörer i {:.0} s: {} sparningar ({} värden, {} bedömningar), {:.0} per sekund; \
         sparning p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms.\n\
         Krockar (samma cell, sparat igen): {}; nekade av radsäkerheten: {}; andra fel: {}{}.\n\
         Förlorade sparningar: {}; tyst överskrivna: {}.\n\
         Controllern: rullning av {} enheter p50 {:.1} ms, p95 {:.1} ms ({} varv); fullständighet p50 {:.1} ms, p95 {:.1} ms; \
         ett styrkort p50 {:.1} ms, p95 {:.1} ms.\n",
        r.editors,
        r.seconds,
        r.saves,
        r.value_saves,
        r.assessment_saves,
        r.saves_per_second,
        r.save_p50_ms,
        r.save_p95_ms,
        r.save_max_ms,
        r.conflicts,
        r.refused_by_rls,
        r.other_errors,
        r.first_error.as_deref().map(|e| format!(" (första: {e})")).unwrap_or_default(),
        r.edits_lost,
        r.silently_overwritten,
        r.units_rolled_up,
        r.rollup_p50_ms,
        r.rollup_p95_ms,
        r.rollups,
        r.completeness_p50_ms,
        r.completeness_p95_ms,
        r.scorecard_p50_ms,
        r.scorecard_p95_ms,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_login_goes_into_the_url() {
        assert_eq!(
            with_login("postgresql://owner@%2Ftmp%2Fpg:5499/demo", "last_01", None).unwrap(),
            "postgresql://last_01@%2Ftmp%2Fpg:5499/demo"
        );
        assert_eq!(with_login("postgres://a:b@server/db", "x", Some("pw")).unwrap(), "postgres://x:pw@server/db");
        assert_eq!(with_login("postgres://server/db", "x", None).unwrap(), "postgres://x@server/db");
    }
}

/// What [`kill_mid_transaction`] found.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct KillReport {
    pub rounds: usize,
    /// Transactions the killed writers had been told were committed.
    pub acknowledged: u64,
    /// Rounds after which the unit's cells did not all hold the same transaction's value.
    pub half_written: usize,
    /// Rounds after which the last acknowledged transaction was missing.
    pub lost: usize,
    pub cells: usize,
}

/// A writer for [`kill_mid_transaction`]: in a loop, one transaction sets every active
/// indicator of `unit` in `period_id` to the same number (one more each time) and prints
/// `ok N` once it is committed.
pub fn write_until_killed(url: &str, unit: i64, period_id: i64, at: &str) -> Result<()> {
    use std::io::Write;
    let mut store = Store::open_shared(url, at)?;
    let ctx = ChangeContext::new("avbruten skrivare", at);
    let indicators: Vec<i64> =
        crate::store::indicators::of_unit(store.read(), unit)?.into_iter().filter(|i| i.active).map(|i| i.id).collect();
    let first = indicators
        .first()
        .copied()
        .ok_or_else(|| AppError::not_found(msg!("Enheten har inga nyckeltal.", "The unit has no indicators.")))?;
    let mut n = crate::store::values::at(store.read(), first, unit, period_id, Gender::T.as_str())?.unwrap_or(0.0).floor() as i64;
    let mut out = std::io::stdout();
    loop {
        n += 1;
        store.write(&ctx, |w| {
            for i in &indicators {
                crate::store::values::set(w, *i, unit, period_id, Gender::T, n as f64, ValueSource::Manual)?;
            }
            Ok(())
        })?;
        let _ = writeln!(out, "ok {n}");
        let _ = out.flush();
    }
}

/// Kill a writing process (`exe load-writer …`, see [`write_until_killed`]) with SIGKILL in the
/// middle of its transactions, `rounds` times, and check after each kill that every cell of the
/// unit holds the same transaction's number and that the last acknowledged one is there.
pub fn kill_mid_transaction(url: &str, exe: &std::path::Path, rounds: usize, seed: u64, at: &str) -> Result<KillReport> {
    use std::io::BufRead;
    let store = Store::open_shared(url, at)?;
    let plan = plan(&store, 1)?;
    let (unit, indicators, _) =
        plan.units.first().cloned().ok_or_else(|| AppError::not_found(msg!("Ingen enhet att skriva i.", "No unit to write in.")))?;
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut report = KillReport { rounds, cells: indicators.len(), ..Default::default() };
    for _ in 0..rounds {
        let base =
            crate::store::values::at(store.read(), indicators[0], unit, plan.period_id, Gender::T.as_str())?.unwrap_or(0.0).floor() as i64;
        let mut child = std::process::Command::new(exe)
            .args(["load-writer", "--url", url, "--unit", &unit.to_string(), "--period", &plan.period_id.to_string()])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::inherit())
            .spawn()
            .map_err(|e| AppError::io(msg!("Skrivaren kunde inte startas: {e}", "The writer could not be started: {e}")))?;
        let stdout =
            child.stdout.take().ok_or_else(|| AppError::io(msg!("Skrivarens utdata saknas.", "The writer's output is missing.")))?;
        let last = Arc::new(Mutex::new(0i64));
        let seen = last.clone();
        let reader = std::thread::spawn(move || {
            for line in std::io::BufReader::new(stdout).lines().map_while(std::result::Result::ok) {
                if let Some(n) = line.strip_prefix("ok ").and_then(|n| n.trim().parse::<i64>().ok()) {
                    *seen.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = n;
                }
            }
        });
        std::thread::sleep(Duration::from_millis(400 + rng.u64(0..800)));
        let _ = child.kill();
        let _ = child.wait();
        let _ = reader.join();
        let acknowledged = *last.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        report.acknowledged += u64::try_from(acknowledged - base).unwrap_or(0);
        let mut stored = Vec::new();
        for i in &indicators {
            stored.push(crate::store::values::at(store.read(), *i, unit, plan.period_id, Gender::T.as_str())?);
        }
        if stored.windows(2).any(|w| w[0] != w[1]) {
            report.half_written += 1;
        }
        if stored.first().copied().flatten().unwrap_or(0.0) < acknowledged as f64 {
            report.lost += 1;
        }
    }
    Ok(report)
}
