//! Benchmarks of what a user waits for, on the database they are run against (usually one
//! made by [`crate::generate`]). Each figure is the median of several runs with the spread
//! (min, max), after one warm-up run that is not counted. The machine may be busy with other
//! work, so the median is the figure to read.
//!
//! The Kolada figure imports generated saved-API files into a fresh database per run, so the
//! database benchmarked is never changed, and compares it with a bare SQLite bulk insert of
//! the same rows (one prepared statement, one transaction) into another fresh database.
//!
//! The Office figure makes the municipality-wide report the Office way: LibreOffice
//! (headless, a throw-away profile) converts our Excel workbook to PDF, in the same run as
//! our own delårsrapport PDF, so the two can be compared. It is left out, with a message,
//! when `soffice` is not installed.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::error::{AppError, ErrorCode, Result};
use crate::generate::{kolada_areas, kolada_kpis, kolada_value};
use crate::model::Gender;
use crate::msg;
use crate::store::{ChangeContext, Store};
use crate::{follow_up, kolada, report, scorecard};

/// What to run.
#[derive(Debug, Clone)]
pub struct BenchOptions {
    /// Counted runs per figure (at least 1).
    pub runs: usize,
    /// Values in the Kolada import figure; 0 leaves the figure out.
    pub kolada_values: usize,
    /// Counted runs of the LibreOffice conversion (slow on a large set); 0 leaves it out.
    pub office_runs: usize,
    /// Only the figure with this key (see [`KEYS`], or `office_pdf`); `None`: all.
    pub only: Option<String>,
}

impl Default for BenchOptions {
    fn default() -> Self {
        Self { runs: 5, kolada_values: 1_000_000, office_runs: 1, only: None }
    }
}

/// One figure: the samples of the counted runs and the target it is held against.
#[derive(Debug, Clone)]
pub struct Measurement {
    /// Stable key, first word of the printed line.
    pub key: &'static str,
    /// What was measured, in Swedish.
    pub what: String,
    pub target: Option<Duration>,
    pub samples: Vec<Duration>,
}

impl Measurement {
    fn sorted(&self) -> Vec<Duration> {
        let mut s = self.samples.clone();
        s.sort();
        s
    }
    pub fn median(&self) -> Duration {
        let s = self.sorted();
        match s.len() {
            0 => Duration::ZERO,
            n if n % 2 == 1 => s[n / 2],
            n => (s[n / 2 - 1] + s[n / 2]) / 2,
        }
    }
    pub fn min(&self) -> Duration {
        self.sorted().first().copied().unwrap_or_default()
    }
    pub fn max(&self) -> Duration {
        self.sorted().last().copied().unwrap_or_default()
    }
    pub fn within_target(&self) -> Option<bool> {
        self.target.map(|t| self.median() <= t)
    }
}

/// The keys of every figure, in the order they are printed.
pub const KEYS: [&str; 9] = [
    "scorecard",
    "rollup",
    "all_scorecards",
    "completeness",
    "delarsrapport_pdf",
    "styrkort_pdfs",
    "workbook",
    "kolada_import",
    "sqlite_insert",
];

fn time<T>(runs: usize, mut f: impl FnMut() -> Result<T>) -> Result<Vec<Duration>> {
    f()?; // warm-up, not counted
    let mut out = Vec::with_capacity(runs);
    for _ in 0..runs.max(1) {
        let start = Instant::now();
        let r = f()?;
        out.push(start.elapsed());
        drop(r);
    }
    Ok(out)
}

/// Run every benchmark against `store`, which is only read. Kolada runs use scratch
/// databases in a temporary folder that is removed afterwards.
pub fn run(store: &Store, ctx: &ChangeContext, today: chrono::NaiveDate, options: &BenchOptions) -> Result<Vec<Measurement>> {
    if let Some(only) = options.only.as_deref() {
        if !KEYS.contains(&only) && only != "office_pdf" {
            return Err(AppError::validation(msg!(
                "Mätningen '{only}' finns inte. Välj en av: {}, office_pdf.",
                "The measurement '{only}' does not exist. Choose one of: {}, office_pdf.",
                KEYS.join(", ")
            )));
        }
    }
    let year = store.plan_years()?.last().map(|y| y.year).ok_or_else(|| {
        AppError::not_found(msg!(
            "Databasen har inga planår. Skapa testdata med 'styrkort --db FIL generate --scale large'.",
            "The database has no plan years. Create test data with 'styrkort --db FILE generate --scale large'."
        ))
    })?;
    let period = store.resolve_period(year, "delår")?;
    let top = store.unit_tree()?.first().map(|n| n.unit.id).ok_or_else(|| {
        AppError::not_found(msg!("Databasen har ingen organisation att mäta på.", "The database has no organisation to measure on."))
    })?;
    let units: Vec<i64> = report::unit_and_below(store, top)?.into_iter().map(|u| u.id).collect();
    // The unit with most goals of its own: the heaviest single scorecard.
    let (busiest, goals) = crate::store::goals::busiest_owner(store.read(), year)?.ok_or_else(|| {
        AppError::not_found(msg!("Planåret {year} har inga mål att mäta på.", "Plan year {year} has no goals to measure on."))
    })?;
    let busiest_name = store.unit(busiest)?.name;
    let runs = options.runs.max(1);
    let ms = |n: u64| Some(Duration::from_millis(n));
    let mut out = Vec::new();

    let want = |key: &str| options.only.as_deref().is_none_or(|only| only == key);

    if want("scorecard") {
        out.push(Measurement {
            key: "scorecard",
            what: format!("ett styrkort ({busiest_name}, {goals} egna mål)"),
            target: ms(20),
            samples: time(runs, || scorecard::build(store, busiest, year, Some(period.id), today))?,
        });
    }
    if want("rollup") {
        out.push(Measurement {
            key: "rollup",
            what: format!("status för hela kommunen ({} styrkort)", units.len()),
            target: ms(100),
            samples: time(runs, || scorecard::unit_statuses(store, &units, year, Some(period.id), today))?,
        });
    }
    if want("all_scorecards") {
        out.push(Measurement {
            key: "all_scorecards",
            what: format!("hela styrkortet för alla {} enheter (det rapporterna läser)", units.len()),
            target: None,
            samples: time(runs, || scorecard::build_many(store, &units, year, Some(period.id), today))?,
        });
    }
    if want("completeness") {
        out.push(Measurement {
            key: "completeness",
            what: format!("fullständighet för {}", period.name),
            target: ms(100),
            samples: time(runs, || follow_up::completeness(store, period.id, today))?,
        });
    }
    if want("delarsrapport_pdf") {
        out.push(Measurement {
            key: "delarsrapport_pdf",
            what: format!("delårsrapport (PDF) för hela kommunen, {}", period.name),
            target: ms(3_000),
            samples: time(runs, || report::delarsrapport_pdf(store, top, year, period.id, today))?,
        });
    }
    if want("styrkort_pdfs") {
        out.push(Measurement {
            key: "styrkort_pdfs",
            what: format!("styrkort (PDF) för alla {} enheter", units.len()),
            target: ms(5_000),
            samples: time(runs, || report::styrkort_pdf(store, &units, year, period.id, today))?,
        });
    }
    if want("workbook") {
        out.push(Measurement {
            key: "workbook",
            what: "Excel-arbetsbok för hela kommunen".into(),
            target: ms(2_000),
            samples: time(runs, || report::workbook(store, None, year, Some(period.id), today))?,
        });
    }
    if options.office_runs > 0 && want("office_pdf") {
        out.extend(office_figure(store, year, period.id, today, options.office_runs)?);
    }
    if options.kolada_values > 0 && (want("kolada_import") || want("sqlite_insert")) {
        let (import, bare) = kolada_figures(ctx, options.kolada_values, runs)?;
        out.push(Measurement {
            key: "kolada_import",
            what: format!("Kolada-import av {} värden från filer", options.kolada_values),
            target: ms(3_000),
            samples: import,
        });
        out.push(Measurement {
            key: "sqlite_insert",
            what: format!("ren SQLite-insättning av samma {} värden", options.kolada_values),
            target: None,
            samples: bare,
        });
    }
    Ok(out)
}

/// Where LibreOffice is, if installed.
fn soffice() -> Option<std::path::PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|d| d.join("soffice")).find(|p| p.is_file())
}

/// The longest one LibreOffice conversion may take before it is stopped.
const OFFICE_TIMEOUT: Duration = Duration::from_secs(1_800);

/// LibreOffice converting the municipality-wide workbook to PDF (`office_pdf`); `None`
/// when LibreOffice is not installed (a message says so).
fn office_figure(store: &Store, year: i32, period_id: i64, today: chrono::NaiveDate, runs: usize) -> Result<Option<Measurement>> {
    let Some(soffice) = soffice() else {
        eprintln!("office_pdf: hoppas över – LibreOffice (soffice) finns inte. Installera det med scripts/install-system-deps.sh --test.");
        return Ok(None);
    };
    let dir = tempfile::tempdir()
        .map_err(|e| AppError::io(msg!("En tillfällig mapp kunde inte skapas ({e}).", "A temporary folder could not be created ({e}).")))?;
    let xlsx = dir.path().join("styrkort.xlsx");
    let bytes = report::workbook(store, None, year, Some(period_id), today)?;
    std::fs::write(&xlsx, bytes)
        .map_err(|e| AppError::io(msg!("{} kunde inte skrivas ({e}).", "{} could not be written ({e}).", xlsx.display())))?;
    // A profile of its own, so a LibreOffice the user has open is neither used nor changed.
    let profile = format!("-env:UserInstallation=file://{}", dir.path().join("lo-profile").display());
    let out_dir = dir.path().join("pdf");
    let convert = || -> Result<()> {
        let mut child = Command::new(&soffice)
            .arg(&profile)
            .args(["--headless", "--norestore", "--convert-to", "pdf", "--outdir"])
            .arg(&out_dir)
            .arg(&xlsx)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| {
                AppError::io(msg!(
                    "LibreOffice ({}) kunde inte startas ({e}).",
                    "LibreOffice ({}) could not be started ({e}).",
                    soffice.display()
                ))
            })?;
        let start = Instant::now();
        let status = loop {
            if let Some(status) = child
                .try_wait()
                .map_err(|e| AppError::io(msg!("LibreOffice kunde inte följas ({e}).", "LibreOffice could not be followed ({e}).")))?
            {
                break status;
            }
            if start.elapsed() > OFFICE_TIMEOUT {
                let _ = child.kill();
                let _ = child.wait();
                return Err(AppError::io(msg!(
                    "LibreOffice blev inte klart på {} s; kör bench med --office-runs 0 för att hoppa över jämförelsen.",
                    "LibreOffice did not finish in {} s; run bench with --office-runs 0 to skip the comparison.",
                    OFFICE_TIMEOUT.as_secs()
                )));
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        let pdf = out_dir.join("styrkort.pdf");
        if !status.success() || !pdf.is_file() {
            return Err(AppError::io(msg!(
                "LibreOffice gjorde ingen PDF av {} ({status}).",
                "LibreOffice made no PDF of {} ({status}).",
                xlsx.display()
            )));
        }
        std::fs::remove_file(&pdf)
            .map_err(|e| AppError::io(msg!("{} kunde inte tas bort ({e}).", "{} could not be deleted ({e}).", pdf.display())))?;
        Ok(())
    };
    Ok(Some(Measurement {
        key: "office_pdf",
        what: "samma arbetsbok som PDF via LibreOffice (headless), jämförelse".into(),
        target: None,
        samples: time(runs, convert)?,
    }))
}

/// Rows of the generated Kolada files: (kpi, area, year, gender, value).
type KoladaRow = (String, String, i32, Gender, f64);

fn kolada_rows(values: usize) -> Vec<KoladaRow> {
    let areas = kolada_areas(290);
    let years = 10;
    let per_kpi = areas.len() * years as usize * 3;
    let kpis = kolada_kpis(values.div_ceil(per_kpi).max(1));
    let mut rng = fastrand::Rng::with_seed(0xbe4c);
    let mut rows = Vec::with_capacity(values);
    'all: for (k, kpi) in kpis.iter().enumerate() {
        for (a, area) in areas.iter().enumerate() {
            for y in 0..years {
                for g in [Gender::T, Gender::K, Gender::M] {
                    if rows.len() == values {
                        break 'all;
                    }
                    rows.push((kpi.clone(), area.clone(), 2015 + y, g, kolada_value(&mut rng, k, a, y, g)));
                }
            }
        }
    }
    rows
}

/// Saved Kolada API v3 responses holding `rows`, at most 5 000 data rows per file (as the
/// API pages them).
fn write_kolada_files(dir: &Path, rows: &[KoladaRow]) -> Result<Vec<std::path::PathBuf>> {
    let mut files = Vec::new();
    let mut body = Vec::new();
    let mut n_rows = 0usize;
    let flush = |body: &mut Vec<String>, files: &mut Vec<std::path::PathBuf>| -> Result<()> {
        if body.is_empty() {
            return Ok(());
        }
        let path = dir.join(format!("kolada-{:04}.json", files.len() + 1));
        let text = format!("{{\"count\": {}, \"values\": [{}], \"next_url\": null, \"previous_url\": null}}", body.len(), body.join(","));
        std::fs::write(&path, text)
            .map_err(|e| AppError::io(msg!("{} kunde inte skrivas ({e}).", "{} could not be written ({e}).", path.display())))?;
        files.push(path);
        body.clear();
        Ok(())
    };
    let mut i = 0;
    while i < rows.len() {
        // One data row: all genders of one KPI, area and year.
        let (kpi, area, year, _, _) = &rows[i];
        let mut values = Vec::new();
        while i < rows.len() && rows[i].0 == *kpi && rows[i].1 == *area && rows[i].2 == *year {
            values.push(format!(
                "{{\"count\":1,\"gender\":\"{}\",\"isdeleted\":false,\"status\":\"\",\"value\":{}}}",
                rows[i].3.as_str(),
                rows[i].4
            ));
            i += 1;
        }
        body.push(format!("{{\"kpi\":\"{kpi}\",\"municipality\":\"{area}\",\"period\":{year},\"values\":[{}]}}", values.join(",")));
        n_rows += 1;
        if n_rows.is_multiple_of(5_000) {
            flush(&mut body, &mut files)?;
        }
    }
    flush(&mut body, &mut files)?;
    Ok(files)
}

fn kolada_figures(ctx: &ChangeContext, values: usize, runs: usize) -> Result<(Vec<Duration>, Vec<Duration>)> {
    let dir = tempfile::tempdir()
        .map_err(|e| AppError::io(msg!("En tillfällig mapp kunde inte skapas ({e}).", "A temporary folder could not be created ({e}).")))?;
    let rows = kolada_rows(values);
    let files = write_kolada_files(dir.path(), &rows)?;
    let options = kolada::ImportOptions::default();
    let mut import = Vec::new();
    let mut bare = Vec::new();
    for run in 0..runs {
        // A fresh database per run, made outside the timing.
        let mut target = Store::open(&dir.path().join(format!("import-{run}.db")))?;
        let start = Instant::now();
        let summary = kolada::import_files(&mut target, ctx, &files, &options)?;
        import.push(start.elapsed());
        let stored = crate::store::kolada::counts(target.read())?.values;
        if stored as usize != values {
            return Err(AppError::new(
                ErrorCode::Internal,
                msg!(
                    "Kolada-importen sparade {stored} värden av {values} ({}).",
                    "The Kolada import saved {stored} values of {values} ({}).",
                    summary.describe_sv()
                ),
            ));
        }
        drop(target);

        let mut plain = Store::open(&dir.path().join(format!("bare-{run}.db")))?;
        let start = Instant::now();
        bare_insert(&mut plain, ctx, &rows)?;
        bare.push(start.elapsed());
    }
    Ok((import, bare))
}

/// The floor: the same rows into `kolada_value` with one prepared statement in one
/// transaction, nothing else (no parsing, no history, no audit), with the same connection
/// settings the import uses (CHECK constraints off, 64 MiB page cache), so the ratio shows
/// the import's own cost.
fn bare_insert(store: &mut Store, ctx: &ChangeContext, rows: &[KoladaRow]) -> Result<()> {
    store.write(ctx, |w| crate::store::kolada::bare_insert(w, rows.iter().map(|(k, a, y, g, v)| (k.as_str(), a.as_str(), *y, *g, *v))))
}

fn show(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1_000.0;
    if ms >= 1_000.0 {
        format!("{:.2} s", ms / 1_000.0)
    } else {
        format!("{ms:.1} ms")
    }
}

/// One line per figure: key, median, (min–max), target and whether it is met; then the
/// Kolada import's ratio to the bare insert.
pub fn text(measurements: &[Measurement]) -> String {
    let mut out = String::new();
    for m in measurements {
        let target = match (m.target, m.within_target()) {
            (Some(t), Some(true)) => format!("mål ≤ {} – uppfyllt", show(t)),
            (Some(t), _) => format!("mål ≤ {} – MISSAT", show(t)),
            (None, _) => "jämförelse".to_string(),
        };
        out.push_str(&format!(
            "{:<18} median {:>9}  (min {}, max {}, {} körningar)  {target}  – {}\n",
            m.key,
            show(m.median()),
            show(m.min()),
            show(m.max()),
            m.samples.len(),
            m.what
        ));
    }
    let find = |k: &str| measurements.iter().find(|m| m.key == k);
    if let (Some(o), Some(p)) = (find("office_pdf"), find("delarsrapport_pdf")) {
        let ratio = o.median().as_secs_f64() / p.median().as_secs_f64().max(1e-9);
        out.push_str(&format!("{:<18} LibreOffice tar {ratio:.1} × så lång tid som vår delårsrapport (PDF)\n", "office_ratio"));
    }
    if let (Some(i), Some(b)) = (find("kolada_import"), find("sqlite_insert")) {
        let ratio = i.median().as_secs_f64() / b.median().as_secs_f64().max(1e-9);
        out.push_str(&format!(
            "{:<18} {ratio:.2} × ren insättning (mål ≤ 3 ×) – {}\n",
            "kolada_ratio",
            if ratio <= 3.0 { "uppfyllt" } else { "MISSAT" }
        ));
    }
    out
}
