//! `styrkort-tools`: what developers and CI use to measure Styrkort, kept out of the program
//! municipalities install: a deterministic synthetic municipality (`generate`) and the
//! benchmarks (`bench`, which also starts LibreOffice for its comparison). Built only with the
//! library's `tools` feature: `cargo build --release -p styrkort --features tools --bin styrkort-tools`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use styrkort::msg;
use styrkort::{database, AppError, ChangeContext, ErrorCode, Result, Store};

#[derive(Parser)]
#[command(name = "styrkort-tools", version, about = "Styrkort – verktyg för utvecklare: syntetisk kommun och mätningar")]
struct Cli {
    /// Database file (default: STYRKORT_DB, else the OS data directory).
    #[arg(long, global = true)]
    db: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Fill an empty database with a deterministic synthetic municipality (for benchmarks).
    Generate {
        /// small (the demo's size) or large (about 400 units, 5 000 indicators, 600 000 values).
        #[arg(long)]
        scale: String,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Time scorecards, roll-up, completeness, reports and a Kolada import (median, min, max).
    Bench {
        /// Counted runs per figure (after one warm-up run).
        #[arg(long, default_value_t = 5)]
        runs: usize,
        /// Values in the Kolada import figure; 0 leaves it out.
        #[arg(long, default_value_t = 1_000_000)]
        kolada_values: usize,
        /// Counted runs of the LibreOffice comparison (workbook to PDF); 0 leaves it out.
        #[arg(long, default_value_t = 1)]
        office_runs: usize,
        /// Only this figure (e.g. rollup, workbook, office_pdf, kolada_import).
        #[arg(long)]
        only: Option<String>,
    },
    /// The shared database under load: editors saving for their own units while a controller
    /// reads roll-ups and completeness (the URL's login must be the database's owner).
    Load {
        #[arg(long)]
        url: String,
        #[arg(long, default_value_t = 50)]
        editors: usize,
        #[arg(long, default_value_t = 60)]
        seconds: u64,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Print the figures as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Kill a writing process with SIGKILL mid-transaction, again and again, and check that
    /// nothing is half-written and nothing acknowledged is lost.
    KillTest {
        #[arg(long)]
        url: String,
        #[arg(long, default_value_t = 10)]
        rounds: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// The writer `kill-test` starts and kills.
    #[command(hide = true)]
    LoadWriter {
        #[arg(long)]
        url: String,
        #[arg(long)]
        unit: i64,
        #[arg(long)]
        period: i64,
    },
}

fn run(cli: Cli) -> Result<String> {
    let env = std::env::var(database::DB_ENV).ok();
    let path = database::resolve_path(cli.db.as_deref(), env.as_deref())?;
    let ctx = ChangeContext::new(database::os_user_name(), chrono::Local::now().format("%Y-%m-%dT%H:%M:%S").to_string());
    match cli.command {
        Command::Load { url, editors, seconds, seed, json } => {
            let report = styrkort::load::run(&styrkort::load::LoadOptions { url, editors, seconds, seed }, &ctx.at)?;
            if json {
                serde_json::to_string_pretty(&report)
                    .map(|s| s + "\n")
                    .map_err(|e| AppError::new(ErrorCode::Internal, msg!("JSON kunde inte skrivas: {e}", "JSON could not be written: {e}")))
            } else {
                Ok(styrkort::load::text(&report))
            }
        }
        Command::KillTest { url, rounds, seed } => {
            let exe =
                std::env::current_exe().map_err(|e| AppError::io(msg!("Hittar inte programmet: {e}", "Cannot find the program: {e}")))?;
            let r = styrkort::load::kill_mid_transaction(&url, &exe, rounds, seed, &ctx.at)?;
            Ok(format!(
                "{} avbrutna skrivare (SIGKILL mitt i en transaktion), {} bekräftade transaktioner över {} celler: {} halvskrivna, {} förlorade.\n",
                r.rounds, r.acknowledged, r.cells, r.half_written, r.lost
            ))
        }
        Command::LoadWriter { url, unit, period } => {
            styrkort::load::write_until_killed(&url, unit, period, &ctx.at).map(|()| String::new())
        }
        Command::Generate { scale, seed } => {
            let scale = styrkort::generate::Scale::parse(scale.trim()).ok_or_else(|| {
                AppError::validation(msg!(
                    "Skalan '{scale}' finns inte. Välj small eller large.",
                    "The scale '{scale}' does not exist. Choose small or large."
                ))
            })?;
            let mut store = Store::open(&path)?;
            let made = styrkort::generate::generate(&mut store, &ctx, scale, seed)?;
            Ok(format!(
                "Genererade {} i {}: {}.\n",
                if scale == styrkort::generate::Scale::Large { "en stor kommun" } else { "en liten kommun" },
                path.display(),
                made.describe_sv()
            ))
        }
        Command::Bench { runs, kolada_values, office_runs, only } => {
            if !path.exists() {
                return Err(AppError::not_found(msg!(
                    "Databasen {} finns inte. Skapa en med 'styrkort-tools --db {} generate --scale small'.",
                    "The database {} does not exist. Create one with 'styrkort-tools --db {} generate --scale small'.",
                    path.display(),
                    path.display()
                )));
            }
            let store = Store::open(&path)?;
            let options = styrkort::bench::BenchOptions { runs, kolada_values, office_runs, only };
            let figures = styrkort::bench::run(&store, &ctx, chrono::Local::now().date_naive(), &options)?;
            Ok(styrkort::bench::text(&figures))
        }
    }
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(out) => {
            print!("{out}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            let code = serde_json::to_value(e.code).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default();
            eprintln!("Fel ({code}): {}", styrkort::files::printable(&e.message));
            ExitCode::from(if e.code == ErrorCode::Internal { 2 } else { 1 })
        }
    }
}
