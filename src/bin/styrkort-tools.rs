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
}

fn run(cli: Cli) -> Result<String> {
    let env = std::env::var(database::DB_ENV).ok();
    let path = database::resolve_path(cli.db.as_deref(), env.as_deref())?;
    let ctx = ChangeContext::new(database::os_user_name(), chrono::Local::now().format("%Y-%m-%dT%H:%M:%S").to_string());
    match cli.command {
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
