//! The `styrkort` command-line tool: the same core as the desktop app.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use styrkort::{database, scorecard, seed, text, AppError, ChangeContext, ErrorCode, Result, Store};

#[derive(Parser)]
#[command(name = "styrkort", version, about = "Styrkort – styrkort för kommuner (kommandoradsverktyg)")]
struct Cli {
    /// Database file (default: STYRKORT_DB, else the OS data directory).
    #[arg(long, global = true)]
    db: Option<PathBuf>,
    /// User name written to the audit log (default: the OS user).
    #[arg(long, global = true)]
    user: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum Format {
    Text,
    Json,
}

#[derive(Subcommand)]
enum Command {
    /// Create the database (and load the demo municipality with --demo).
    Init {
        #[arg(long)]
        demo: bool,
    },
    /// Print the organisation tree, top unit first.
    Units {
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
    },
    /// Print the follow-up periods of a plan year.
    Periods {
        #[arg(long)]
        year: i32,
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
    },
    /// Print a unit's scorecard with computed colours.
    Scorecard {
        /// Unit name (or part of it) or id.
        #[arg(long)]
        unit: String,
        #[arg(long)]
        year: i32,
        /// T1, delår (delar), helår (helar), YYYY-MM, or a period id. Default: the latest ended.
        #[arg(long)]
        period: Option<String>,
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
    },
}

fn now_context(user: Option<String>) -> ChangeContext {
    let at = chrono::Local::now().format("%Y-%m-%dT%H:%M:%S").to_string();
    ChangeContext::new(user.unwrap_or_else(database::os_user_name), at)
}

fn json<T: serde::Serialize>(value: &T) -> Result<String> {
    serde_json::to_string_pretty(value).map_err(|e| AppError::new(ErrorCode::Internal, format!("JSON kunde inte skrivas: {e}")))
}

fn open_existing(path: &std::path::Path) -> Result<Store> {
    if !path.exists() {
        return Err(AppError::not_found(format!(
            "Databasen {} finns inte. Skapa den med 'styrkort --db {} init --demo'.",
            path.display(),
            path.display()
        )));
    }
    Store::open(path)
}

fn run(cli: Cli) -> Result<String> {
    let env = std::env::var(database::DB_ENV).ok();
    let path = database::resolve_path(cli.db.as_deref(), env.as_deref())?;
    let ctx = now_context(cli.user);
    let today = chrono::Local::now().date_naive();
    match cli.command {
        Command::Init { demo } => {
            let mut store = Store::open(&path)?;
            if demo {
                let s = seed::load(&mut store, &ctx, seed::DEMO_SEED_NAME, seed::DEMO_SEED)?;
                Ok(format!(
                    "Skapade {} med demokommunen: {} enheter, {} mål, {} nyckeltal, {} värden, {} aktiviteter, {} bedömningar.\n",
                    path.display(),
                    s.units,
                    s.goals,
                    s.indicators,
                    s.values,
                    s.activities,
                    s.assessments
                ))
            } else {
                Ok(format!("Databasen {} är klar (schemaversion {}).\n", path.display(), styrkort::store::schema_version()))
            }
        }
        Command::Units { format } => {
            let store = open_existing(&path)?;
            let tree = store.unit_tree()?;
            match format {
                Format::Json => json(&tree),
                Format::Text => Ok(text::unit_tree(&tree)),
            }
        }
        Command::Periods { year, format } => {
            let store = open_existing(&path)?;
            let periods = store.periods(year)?;
            match format {
                Format::Json => json(&periods),
                Format::Text => Ok(text::periods(year, &periods)),
            }
        }
        Command::Scorecard { unit, year, period, format } => {
            let store = open_existing(&path)?;
            let unit = store.resolve_unit(&unit)?;
            let period_id = period.map(|p| store.resolve_period(year, &p)).transpose()?.map(|p| p.id);
            let card = scorecard::build(&store, unit.id, year, period_id, today)?;
            match format {
                Format::Json => json(&card),
                Format::Text => Ok(text::scorecard(&card)),
            }
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(out) => {
            print!("{out}");
            if !out.ends_with('\n') {
                println!();
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("Fel ({}): {}", serde_json::to_value(e.code).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default(), e.message);
            ExitCode::from(if e.code == ErrorCode::Internal { 2 } else { 1 })
        }
    }
}
