//! The `styrkort` command-line tool: the same core as the desktop app.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use styrkort::model::Gender;
use styrkort::msg;
use styrkort::text::count_sv;
use styrkort::{backup, database, kolada, report, scorecard, seed, text, AppError, ChangeContext, ErrorCode, Result, Store};

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
        #[arg(long, conflicts_with = "municipality")]
        demo: bool,
        /// Start an empty database for this municipality (the kommun only; build the rest in the window).
        #[arg(long)]
        municipality: Option<String>,
        /// The municipality's Kolada code (four digits), with --municipality.
        #[arg(long, requires = "municipality")]
        kolada: Option<String>,
    },
    /// The people of a shared PostgreSQL database and their roles (controller only):
    /// `styrkort --db postgres://… users add anna --role editor --unit Hemtjänsten`.
    Users {
        #[command(subcommand)]
        what: UsersCommand,
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
    /// Att göra: your to-do list (the name is --user, default your login name): values missing
    /// before a deadline, assessments to write or review, texts sent back, red indicators
    /// without an activity, indicators nobody answers for or never updated, uppdrag past their
    /// deadline, controls due.
    #[command(name = "att-göra", alias = "att-gora", alias = "todo")]
    AttGora {
        /// Unit name (or part of it) or id: the list covers it and every unit below it.
        /// Default: the whole municipality.
        #[arg(long)]
        unit: Option<String>,
        /// The day the list is for (ÅÅÅÅ-MM-DD); default: today.
        #[arg(long)]
        date: Option<String>,
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
    /// Back up the database now (to the backups folder beside it, or to --out FILE).
    Backup {
        /// Write the backup to this file instead (it must not exist).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// List the backups of the database with date and what each holds, newest first.
    Backups {
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
    },
    /// Restore a backup over the database; shows what it holds unless --yes is given.
    Restore {
        /// A backup file, or a file name from the 'backups' list.
        backup: PathBuf,
        /// Restore without asking (the current database is backed up first).
        #[arg(long)]
        yes: bool,
        /// Restore even though the backup is a copy of another database (another municipality's).
        #[arg(long = "annan-databas", alias = "other-database")]
        other_database: bool,
    },
    /// Import files into the database.
    Import {
        #[command(subcommand)]
        what: ImportCommand,
    },
    /// Kolada values: list what has been imported, or fetch from the Kolada API.
    Kolada {
        #[command(subcommand)]
        what: KoladaCommand,
    },
    /// Write a report: a PDF (styrkort or delårsrapport) or an Excel workbook.
    Export {
        #[command(subcommand)]
        what: ExportCommand,
    },
    /// Show or change the report settings (name, logo, colours, sections, footer).
    ReportSettings(ReportSettingsArgs),
    /// Planning: copy a plan year forward.
    Plan {
        #[command(subcommand)]
        what: PlanCommand,
    },
    /// Search units, goals (code or title), indicators and activities.
    Search {
        text: String,
        #[arg(long, default_value_t = 20)]
        limit: usize,
    },
    /// Exchange files for units working offline on a copy of the database.
    Exchange {
        #[command(subcommand)]
        what: ExchangeCommand,
    },
    /// Economy follow-up: driftredovisning, investeringar, resultaträkning, balansräkning,
    /// balanskravsutredning; an SIE 4 file from the ekonomisystem and how its accounts and
    /// objects map onto the statements, nämnder and projects.
    #[command(name = "ekonomi", alias = "economy")]
    Ekonomi {
        #[command(subcommand)]
        what: EkonomiCommand,
    },
    /// A unit's grunduppdrag (verksamhetsidé) of a plan year.
    #[command(name = "grunduppdrag", alias = "mission")]
    Grunduppdrag {
        #[command(subcommand)]
        what: GrunduppdragCommand,
    },
    /// A unit's tjänstegarantier and whether they were kept in a period.
    #[command(name = "garanti", alias = "guarantee")]
    Garanti {
        #[command(subcommand)]
        what: GarantiCommand,
    },
    /// Agenda 2030: the goals and indicators tagged with each of the 17 global goals.
    #[command(name = "agenda2030")]
    Agenda2030 {
        /// The plan year (default: the latest).
        #[arg(long = "år", alias = "year")]
        year: Option<i32>,
        /// The period the goals' status is of (default: the year's first).
        #[arg(long)]
        period: Option<String>,
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
    },
    /// Intern kontroll: a nämnd's plan (risks, risk matrix, controls) and its follow-up.
    #[command(name = "intern-kontroll", alias = "internal-control")]
    InternKontroll {
        #[command(subcommand)]
        what: InternKontrollCommand,
    },
    /// Uppdrag from kommunfullmäktige or a nämnd: list them, the oldest unfinished, register
    /// one, follow one up in a period.
    #[command(name = "uppdrag", alias = "assignments")]
    Uppdrag {
        #[command(subcommand)]
        what: UppdragCommand,
    },
    /// The whole database: copy a municipality between a SQLite file and PostgreSQL.
    Db {
        #[command(subcommand)]
        what: DbCommand,
    },
}

#[derive(Subcommand)]
enum DbCommand {
    /// Copy every table from a SQLite file into an empty PostgreSQL database, or from
    /// PostgreSQL into a new SQLite file (a laptop copy). Counts are verified; nothing is
    /// left half-copied. --db is not used.
    Copy {
        /// A Styrkort file, or postgres://user@host/database.
        #[arg(long)]
        from: String,
        /// postgres://user@host/database (empty), or a new file.
        #[arg(long)]
        to: String,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum RoleArg {
    /// Changes everything, and manages users.
    Controller,
    /// Enters the follow-up (values, assessments, texts, activity follow-up) of their units.
    Editor,
    /// Reads everything.
    Reader,
}

#[derive(Subcommand)]
enum UsersCommand {
    /// Add a person: a database login in the role's group. Prints a generated password once.
    Add {
        /// Login name: lower-case letters, digits, '_', '.' and '-'.
        login: String,
        #[arg(long, value_enum)]
        role: RoleArg,
        /// A unit the editor edits, with the units below it (name or id; repeat for more).
        #[arg(long)]
        unit: Vec<String>,
        /// Read the password from the first line of standard input instead of generating one.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Remove a person's login from the database (their audit rows stay).
    Remove { login: String },
    /// List the people: login, role and units.
    List {
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
    },
}

#[derive(Subcommand)]
enum UppdragCommand {
    /// The year's uppdrag with their status in a period (the latest without --period).
    #[command(name = "lista", alias = "list")]
    Lista {
        #[arg(long = "år", alias = "year")]
        year: Option<i32>,
        /// T1, delår (delar), helår (helar), YYYY-MM, or a period id.
        #[arg(long)]
        period: Option<String>,
        /// Only uppdrag to this unit and the units below it (name or id).
        #[arg(long = "enhet", alias = "unit")]
        unit: Option<String>,
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
    },
    /// The uppdrag not yet genomförda or avslutade, oldest decision first.
    #[command(name = "äldsta", alias = "oldest")]
    Aldsta {
        #[arg(long = "år", alias = "year")]
        year: Option<i32>,
        #[arg(long = "enhet", alias = "unit")]
        unit: Option<String>,
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
    },
    /// Register an uppdrag.
    #[command(name = "ny", alias = "new")]
    Ny {
        #[arg(long = "år", alias = "year")]
        year: i32,
        /// What the uppdrag is about.
        #[arg(long = "titel", alias = "title")]
        title: String,
        /// Who gave it: the municipality (kommunfullmäktige) or a nämnd, name or id.
        #[arg(long = "givet-av", alias = "issuer")]
        issuer: String,
        /// The unit responsible (name or id).
        #[arg(long = "ansvarig", alias = "responsible")]
        responsible: String,
        #[arg(long = "beslutsdatum", alias = "decision-date")]
        decision_date: Option<String>,
        /// The decision's paragraph, e.g. "§ 45" or 45.
        #[arg(long = "paragraf", alias = "paragraph", default_value = "")]
        paragraph: String,
        #[arg(long = "person", default_value = "")]
        person: String,
        #[arg(long = "slutdatum", alias = "deadline")]
        deadline: Option<String>,
        /// The municipality's own number, e.g. "KF 2026:3".
        #[arg(long = "nummer", alias = "code", default_value = "")]
        code: String,
        #[arg(long = "beskrivning", alias = "description", default_value = "")]
        description: String,
        /// A goal it serves (id, code or title); may be given several times.
        #[arg(long = "mål", alias = "goal")]
        goals: Vec<String>,
    },
    /// Set an uppdrag's status in a period, or review it (--åtgärd).
    #[command(name = "följ-upp", alias = "follow-up")]
    FoljUpp {
        /// The uppdrag's id (see 'uppdrag lista').
        #[arg(long = "uppdrag", alias = "assignment")]
        id: i64,
        #[arg(long)]
        period: String,
        /// ej-påbörjat, pågår, genomfört or avslutat.
        #[arg(long)]
        status: Option<String>,
        #[arg(long = "kommentar", alias = "comment", default_value = "")]
        comment: String,
        /// klar, godkänn or tillbaka (with --granskningskommentar).
        #[arg(long = "åtgärd", alias = "action")]
        action: Option<String>,
        #[arg(long = "granskningskommentar", alias = "review-comment", default_value = "")]
        review_comment: String,
    },
}

#[derive(Subcommand)]
enum InternKontrollCommand {
    /// Show a nämnd's plan for a year: the risk matrix, the chosen risks' controls with the
    /// period's result, and the risks not chosen with their handling.
    Visa {
        /// The nämnd's (förvaltning's, kommun's) name or part of it, or its id.
        #[arg(long)]
        unit: String,
        #[arg(long)]
        year: i32,
        /// T1, delår (delar), helår (helar), YYYY-MM, or a period id: whose follow-up to show.
        #[arg(long)]
        period: Option<String>,
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
    },
}

#[derive(Subcommand)]
enum GrunduppdragCommand {
    /// Print a unit's grunduppdrag and tjänstegarantier.
    #[command(name = "visa", alias = "show")]
    Visa {
        #[arg(long = "enhet", alias = "unit")]
        unit: String,
        #[arg(long = "år", alias = "year")]
        year: i32,
    },
    /// Set a unit's grunduppdrag (an empty text removes it).
    #[command(name = "sätt", alias = "set")]
    Satt {
        #[arg(long = "enhet", alias = "unit")]
        unit: String,
        #[arg(long = "år", alias = "year")]
        year: i32,
        #[arg(long)]
        text: String,
    },
}

#[derive(Subcommand)]
enum GarantiCommand {
    /// List a unit's tjänstegarantier, with a period's follow-up.
    #[command(name = "lista", alias = "list")]
    Lista {
        #[arg(long = "enhet", alias = "unit")]
        unit: String,
        #[arg(long = "år", alias = "year")]
        year: i32,
        /// T1, delår, helår, YYYY-MM or a period id.
        #[arg(long)]
        period: Option<String>,
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
    },
    /// Add a tjänstegaranti last in the unit's list.
    #[command(name = "ny", alias = "new")]
    Ny {
        #[arg(long = "enhet", alias = "unit")]
        unit: String,
        #[arg(long = "år", alias = "year")]
        year: i32,
        /// What the unit promises.
        #[arg(long = "löfte", alias = "promise")]
        promise: String,
        /// How it is measured.
        #[arg(long = "mäts", alias = "measured-by", default_value = "")]
        measured_by: String,
    },
    /// Say whether a tjänstegaranti was kept in a period (--hölls ja|nej), and/or review it
    /// (--åtgärd klar, godkänn or tillbaka with --kommentar).
    #[command(name = "följ-upp", alias = "follow-up")]
    FoljUpp {
        /// The guarantee's id (from `garanti lista`).
        #[arg(long = "garanti", alias = "guarantee")]
        guarantee: i64,
        #[arg(long = "år", alias = "year")]
        year: i32,
        #[arg(long)]
        period: String,
        /// ja or nej.
        #[arg(long = "hölls", alias = "kept")]
        kept: Option<String>,
        #[arg(long = "kommentar", alias = "comment", default_value = "")]
        comment: String,
        /// klar, godkänn or tillbaka.
        #[arg(long = "åtgärd", alias = "action")]
        action: Option<String>,
    },
}

#[derive(Subcommand)]
enum EkonomiCommand {
    /// Print a period's economy (amounts in tkr or mnkr as the report settings say).
    #[command(name = "visa", alias = "show")]
    Visa {
        /// The plan year.
        #[arg(long = "år", alias = "year")]
        year: i32,
        /// T1, delår (delar), helår (helar), YYYY-MM, or a period id.
        #[arg(long)]
        period: String,
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
    },
    /// Review a part of a period's economy: submit (klar), approve (godkänn) or send back
    /// (tillbaka, with --kommentar).
    #[command(name = "granska", alias = "review")]
    Granska {
        #[arg(long = "år", alias = "year")]
        year: i32,
        #[arg(long)]
        period: String,
        /// drift (a nämnd's or bolag's driftredovisning, with --enhet), investeringar or resultat (the statements).
        #[arg(long = "del", alias = "part")]
        part: String,
        /// The nämnd or bolag (name or id), for drift.
        #[arg(long = "enhet", alias = "unit")]
        unit: Option<String>,
        /// klar, godkänn or tillbaka.
        #[arg(long = "åtgärd", alias = "action")]
        action: String,
        #[arg(long = "kommentar", alias = "comment", default_value = "")]
        comment: String,
    },
    /// Write a fill-in Excel workbook of a period's driftredovisning and statement lines.
    #[command(name = "mall", alias = "template")]
    Mall {
        #[arg(long = "år", alias = "year")]
        year: i32,
        #[arg(long)]
        period: String,
        /// The .xlsx file to write; its folder must exist.
        #[arg(long)]
        out: PathBuf,
    },
    /// Read a filled economy workbook: shows every change; writes only with --yes, all in one
    /// transaction. Any cell that cannot be read fails the command and nothing is saved.
    #[command(name = "läs", alias = "import")]
    Las {
        file: PathBuf,
        #[arg(long)]
        yes: bool,
    },
    /// Read an SIE 4 file (CP437, UTF-8 or Windows-1252) into a period: prints what changes
    /// (per nämnd, per line, investments, what maps to nothing), then saves it all in one
    /// transaction unless --förhandsvisa is given. A broken file is refused with its line.
    Sie {
        file: PathBuf,
        /// A period id, or its name or key (T1, delår, helår, YYYY-MM) in the file's year.
        #[arg(long)]
        period: String,
        /// Only show what would change; save nothing.
        #[arg(long = "förhandsvisa", alias = "forhandsvisa")]
        preview_only: bool,
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
    },
    /// How SIE accounts and objects map (shown with 'koppling visa').
    Koppling {
        #[command(subcommand)]
        what: KopplingCommand,
    },
}

#[derive(Subcommand)]
enum KopplingCommand {
    /// List the account ranges (Kommun-Bas 13 defaults until changed) and the object mappings.
    Visa,
    /// Sum the accounts FIRST–LAST into a line (rr.revenue, rr.costs, br.cash …).
    Konto { first: u32, last: u32, row: String },
    /// Remove the account range that starts at FIRST.
    #[command(name = "ta-bort-konto")]
    TaBortKonto { first: u32 },
    /// Go back to the Kommun-Bas 13 defaults for the accounts.
    Standardkonton,
    /// Map an object of a dimension to a nämnd, förvaltning or bolag (--enhet) or to an
    /// investment project by its code (--projekt).
    Objekt {
        dimension: u32,
        code: String,
        /// Unit name (or part of it) or id.
        #[arg(long, conflicts_with = "projekt", required_unless_present = "projekt")]
        enhet: Option<String>,
        #[arg(long)]
        projekt: Option<String>,
    },
    /// Remove an object's mapping.
    #[command(name = "ta-bort-objekt")]
    TaBortObjekt { dimension: u32, code: String },
}

#[derive(Subcommand)]
enum ExchangeCommand {
    /// Write a unit's follow-up of a period (values, assessments, activities) to an exchange file.
    Export {
        /// Unit name (or part of it) or id.
        #[arg(long)]
        unit: String,
        /// A period id, or T1, delår (delar), helår (helar), YYYY-MM together with --year.
        #[arg(long)]
        period: String,
        #[arg(long)]
        year: Option<i32>,
        /// The file to write (e.g. hemtjansten-delar.styrkort-utbyte); its folder must exist.
        #[arg(long)]
        out: PathBuf,
    },
    /// Read exchange files into the database: shows what is new, changed, in conflict or
    /// unchanged; writes only with --yes, all files in one transaction.
    Import {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        #[arg(long)]
        yes: bool,
        /// With --yes: take the file's content for conflicts (default: keep the database's).
        #[arg(long, requires = "yes")]
        take_file_on_conflict: bool,
    },
}

#[derive(Subcommand)]
enum PlanCommand {
    /// Copy plan year --from into --to: shows what would be copied unless --yes is given.
    Copy {
        #[arg(long)]
        from: i32,
        #[arg(long)]
        to: i32,
        #[arg(long)]
        yes: bool,
    },
}

#[derive(Subcommand)]
enum ImportCommand {
    /// Saved Kolada API responses (v2 or v3, several pages as several files), all in one go.
    Kolada {
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// A filled-in value template (from `export template`): shows every change; writes only
    /// with --yes, all in one transaction. Any cell that cannot be read fails the command
    /// (listing the cells) and nothing is saved.
    Xlsx {
        file: PathBuf,
        #[arg(long)]
        yes: bool,
    },
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum TableFormat {
    Csv,
    Json,
}

#[derive(Subcommand)]
enum KoladaCommand {
    /// Print one KPI's imported values for a municipality (or group), one row per year.
    Values {
        #[arg(long)]
        kpi: String,
        /// Municipality id (e.g. 2083), Riket 0000, a region 00xx or a group id.
        #[arg(long)]
        municipality: String,
        /// T (total), K (women) or M (men).
        #[arg(long, default_value = "T")]
        gender: String,
        #[arg(long, value_enum, default_value = "csv")]
        format: TableFormat,
    },
    /// Fetch KPIs for municipalities or groups from the Kolada API (setting kolada_base_url) and import them.
    Fetch {
        /// KPI ids, comma-separated.
        #[arg(long, required = true, value_delimiter = ',')]
        kpi: Vec<String>,
        /// Municipality or group ids, comma-separated.
        #[arg(long, required = true, value_delimiter = ',')]
        municipality: Vec<String>,
        /// Years, comma-separated (default: all).
        #[arg(long, value_delimiter = ',')]
        year: Vec<i32>,
    },
}

fn now_context(user: Option<String>) -> Result<ChangeContext> {
    let at = chrono::Local::now().format("%Y-%m-%dT%H:%M:%S").to_string();
    let user = match user {
        None => database::os_user_name(),
        Some(u) if u.trim().is_empty() || u.chars().any(char::is_control) || u.chars().count() > 100 => {
            return Err(AppError::validation(
                msg!("--user ska vara namnet ändringarna sparas under: en rad text, högst 100 tecken, t.ex. --user \"Anna Berg\". Utelämna --user för att använda ditt inloggningsnamn.", "--user should be the name changes are saved under: one line of text, at most 100 characters, e.g. --user \"Anna Berg\". Leave out --user to use your login name."),
            ))
        }
        Some(u) => u.trim().to_string(),
    };
    Ok(ChangeContext::new(user, at))
}

fn json<T: serde::Serialize>(value: &T) -> Result<String> {
    serde_json::to_string_pretty(value)
        .map_err(|e| AppError::new(ErrorCode::Internal, msg!("JSON kunde inte skrivas: {e}", "JSON could not be written: {e}")))
}

/// Open a database that must exist already and hold a municipality, for a command that may
/// write to it.
fn open_existing(path: &std::path::Path) -> Result<Store> {
    if let Some(store) = open_shared(path)? {
        return holds_a_municipality(path, store);
    }
    must_exist(path)?;
    holds_a_municipality(path, Store::open(path)?)
}

/// Open a database that must exist already, for a command that only reads it: a file the user
/// may not write to (write-protected, on read-only media) is opened read-only instead of
/// refused, as long as it needs no upgrade.
fn open_to_read(path: &std::path::Path) -> Result<Store> {
    if let Some(store) = open_shared(path)? {
        return holds_a_municipality(path, store);
    }
    must_exist(path)?;
    // Only a regular file is tried for writing (opening a pipe to write would wait for a
    // reader); anything else gets the ordinary open's refusal.
    let regular = std::fs::metadata(path).map(|m| m.is_file()).unwrap_or(false);
    if !regular || std::fs::OpenOptions::new().write(true).open(path).is_ok() {
        return holds_a_municipality(path, Store::open(path)?);
    }
    let store = Store::open_read_only(path)?;
    let version = styrkort::backup::summarize(&store)?.schema_version;
    if version != styrkort::store::schema_version() {
        return Err(AppError::io(msg!(
            "{} är skrivskyddad och skapad av en äldre version av Styrkort, så den kan inte uppgraderas. Kopiera filen till en mapp där du kan skriva och öppna kopian.", "{} is read-only and was created by an older version of Styrkort, so it cannot be upgraded. Copy the file to a folder you can write to and open the copy.",
            path.display()
        )));
    }
    holds_a_municipality(path, store)
}

/// The shared database when `--db` (or `STYRKORT_DB`) is a `postgres://` URL.
fn open_shared(path: &std::path::Path) -> Result<Option<Store>> {
    match path.to_str().filter(|p| styrkort::store::pg::is_url(p)) {
        Some(url) => Ok(Some(Store::open_shared(url, &chrono::Local::now().format("%Y-%m-%dT%H:%M:%S").to_string())?)),
        None => Ok(None),
    }
}

fn must_exist(path: &std::path::Path) -> Result<()> {
    match std::fs::metadata(path) {
        Ok(_) => Ok(()),
        Err(e) if styrkort::files::is_symlink_loop(&e) => Err(AppError::io(msg!(
            "{} är en symbolisk länk som pekar på sig själv i en slinga. Ta bort länken eller ange databasfilen direkt med --db.",
            "{} is a symbolic link that points to itself in a loop. Remove the link or give the database file directly with --db.",
            path.display()
        ))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(AppError::not_found(msg!(
            "Databasen {} finns inte. Skapa den med 'styrkort --db {} init --demo'.",
            "The database {} does not exist. Create it with 'styrkort --db {} init --demo'.",
            path.display(),
            path.display()
        ))),
        Err(e) => Err(AppError::io(msg!(
            "{} kunde inte läsas ({e}). Kontrollera behörigheterna.",
            "{} could not be read ({e}). Check the permissions.",
            path.display()
        ))),
    }
}

/// A database with only the schema (an init that was refused or broken off in an older
/// version) is not an empty municipality: say how to start one.
fn holds_a_municipality(path: &std::path::Path, store: Store) -> Result<Store> {
    if store.is_empty()? {
        return Err(AppError::not_found(msg!(
            "Databasen {} har ingen kommun ännu. Skapa innehållet med 'styrkort --db {} init --demo' eller 'init --municipality \"Kommunens namn\"'.", "The database {} has no municipality yet. Create the content with 'styrkort --db {} init --demo' or 'init --municipality \"Municipality name\"'.",
            path.display(),
            path.display()
        )));
    }
    Ok(store)
}

/// `styrkort ekonomi koppling visa`.
fn koppling_visa(path: &std::path::Path) -> Result<String> {
    use styrkort::economy::sie::map;
    let store = open_to_read(path)?;
    let mapping = map::Mapping::load(store.read())?;
    let mut out = String::from(if mapping.default_accounts { "Konton (standardkopplingen enligt Kommun-Bas 13):\n" } else { "Konton:\n" });
    for r in &mapping.accounts {
        let label = styrkort::economy::statement::line(&r.row_key).map(|l| l.label_sv).unwrap_or("?");
        out.push_str(&format!("  {}–{}  {:<22} {}\n", r.first, r.last, r.row_key, label));
    }
    out.push_str("Objekt:\n");
    if mapping.objects.is_empty() {
        out.push_str("  (inga sparade; objekt med samma namn som en nämnd, förvaltning eller ett bolag kopplas vid första importen, projekt i dimension 6 efter kod)\n");
    }
    for ((dim, code), target) in &mapping.objects {
        let to = match target {
            map::ObjectTarget::Unit(id) => store.unit(*id).map(|u| u.name)?,
            map::ObjectTarget::Project(p) => format!("projekt {p}"),
        };
        out.push_str(&format!("  {dim} {code} → {to}\n"));
    }
    Ok(out)
}

/// `styrkort ekonomi sie FIL --period … [--förhandsvisa]`: the preview, then the import.
fn ekonomi_sie(
    path: &std::path::Path,
    ctx: &ChangeContext,
    file: &std::path::Path,
    period: &str,
    preview_only: bool,
    format: Format,
) -> Result<String> {
    use styrkort::economy::sie::{connect::EconomyRepository, import};
    let mut store = open_existing(path)?;
    let preview = import::preview_path(&store, file, period, &EconomyRepository)?;
    let mut out = match format {
        Format::Json => json(&preview)?,
        Format::Text => import::preview_text(&preview),
    };
    if preview_only {
        if format == Format::Text {
            out.push_str("\nInget är sparat (--förhandsvisa).\n");
        }
        return Ok(out);
    }
    print!("{}", styrkort::files::printable(&out));
    import::apply(&mut store, ctx, &preview, &EconomyRepository)?;
    Ok(format!("\nSparat: {} är inläst i {}.\n", preview.file_name, preview.period_name))
}

/// `styrkort ekonomi koppling …`: show or change the SIE mapping.
fn ekonomi_koppling(path: &std::path::Path, ctx: &ChangeContext, what: KopplingCommand) -> Result<String> {
    use styrkort::economy::sie::map;
    if let KopplingCommand::Visa = what {
        return koppling_visa(path);
    }
    let mut store = open_existing(path)?;
    let done = match what {
        KopplingCommand::Visa => String::new(),
        KopplingCommand::Konto { first, last, row } => {
            store.write(ctx, |w| map::set_account_range(w, first, last, row.trim()))?;
            format!("Konto {first}–{last} summeras nu i {}.", row.trim())
        }
        KopplingCommand::TaBortKonto { first } => {
            store.write(ctx, |w| map::remove_account_range(w, first))?;
            format!("Kontointervallet som börjar på {first} är borttaget.")
        }
        KopplingCommand::Standardkonton => {
            store.write(ctx, map::reset_account_ranges)?;
            "Kontona kopplas nu enligt standardkopplingen (Kommun-Bas 13).".to_string()
        }
        KopplingCommand::Objekt { dimension, code, enhet, projekt } => match (enhet, projekt) {
            (Some(unit), _) => {
                let unit = store.resolve_unit(&unit)?;
                store.write(ctx, |w| map::set_object_unit(w, dimension, &code, unit.id))?;
                format!("Objekt {dimension} {code} hör nu till {}.", unit.name)
            }
            (None, Some(p)) => {
                store.write(ctx, |w| map::set_object_project(w, dimension, &code, &p))?;
                format!("Objekt {dimension} {code} hör nu till projekt {p}.")
            }
            (None, None) => {
                return Err(AppError::validation(msg!("Ange --enhet eller --projekt.", "Give --enhet (unit) or --projekt (project).")))
            }
        },
        KopplingCommand::TaBortObjekt { dimension, code } => {
            store.write(ctx, |w| map::remove_object(w, dimension, &code))?;
            format!("Kopplingen av objekt {dimension} {code} är borttagen.")
        }
    };
    Ok(format!("{done}\n"))
}

/// `styrkort db copy --from A --to B`: progress per table on stderr, the summary on stdout.
fn db_copy(from: &str, to: &str, protect: &std::path::Path, at: &str) -> Result<String> {
    use styrkort::store::copy::{self, Endpoint};
    let (from, to) = (Endpoint::parse(from), Endpoint::parse(to));
    let mut progress = |table: &str, rows: u64| eprintln!("{table}: {}", count_sv(rows as usize, "rad", "rader"));
    let s = copy::copy(&from, &to, Some(protect), at, &mut progress)?;
    let mut out = format!(
        "Kopierade {} till {}: {} i {} på {:.1} s. Antalen stämmer i varje tabell.\n",
        from.shown(),
        to.shown(),
        count_sv(s.rows() as usize, "rad", "rader"),
        count_sv(s.tables.len(), "tabell", "tabeller"),
        s.seconds
    );
    if let Some(id) = &s.database_id {
        out.push_str(&format!("Databasens identitet {id} följer med, så utbytesfiler fungerar som förut.\n"));
    }
    if !s.skipped_tables.is_empty() || !s.skipped_columns.is_empty() {
        let all: Vec<&str> = s.skipped_tables.iter().chain(&s.skipped_columns).map(String::as_str).collect();
        out.push_str(&format!(
            "Inte kopierat (finns bara i den gemensamma databasen: användare, roller och databasanvändare i ändringsloggen): {}.\n",
            all.join(", ")
        ));
    }
    Ok(out)
}

fn run(cli: Cli) -> Result<String> {
    let env = std::env::var(database::DB_ENV).ok();
    let path = database::resolve_path(cli.db.as_deref(), env.as_deref())?;
    let ctx = now_context(cli.user)?;
    let today = chrono::Local::now().date_naive();
    match cli.command {
        Command::Db { what: DbCommand::Copy { from, to } } => db_copy(&from, &to, &path, &ctx.at),
        Command::Init { demo, municipality, kolada } => {
            // Built whole under a temporary name: a refused or broken-off init leaves nothing.
            database::create_filled(&path, |store| {
                if let Some(name) = &municipality {
                    database::start_municipality(store, &ctx, name, kolada.as_deref())?;
                    return Ok(format!("Skapade {} för {}. Öppna Styrkort och skapa det första planåret.\n", path.display(), name.trim()));
                }
                if demo {
                    let s = seed::load_demo(store, &ctx)?;
                    Ok(format!(
                        "Skapade {} med demokommunen: {}, {} mål, {} nyckeltal, {}, {}, {}.\n",
                        path.display(),
                        count_sv(s.units, "enhet", "enheter"),
                        s.goals,
                        s.indicators,
                        count_sv(s.values, "värde", "värden"),
                        count_sv(s.activities, "aktivitet", "aktiviteter"),
                        count_sv(s.assessments, "bedömning", "bedömningar")
                    ))
                } else {
                    Ok(format!("Databasen {} är klar (schemaversion {}).\n", path.display(), styrkort::store::schema_version()))
                }
            })
        }
        Command::Units { format } => {
            let store = open_to_read(&path)?;
            let tree = store.unit_tree()?;
            match format {
                Format::Json => json(&tree),
                Format::Text => Ok(text::unit_tree(&tree)),
            }
        }
        Command::Periods { year, format } => {
            let store = open_to_read(&path)?;
            let periods = store.periods(year)?;
            match format {
                Format::Json => json(&periods),
                Format::Text => Ok(text::periods(year, &periods)),
            }
        }
        Command::Scorecard { unit, year, period, format } => {
            let store = open_to_read(&path)?;
            let unit = store.resolve_unit(&unit)?;
            let period_id = period.map(|p| store.resolve_period(year, &p)).transpose()?.map(|p| p.id);
            let card = scorecard::build(&store, unit.id, year, period_id, today)?;
            match format {
                Format::Json => json(&card),
                Format::Text => Ok(text::scorecard(&card)),
            }
        }
        Command::Backup { out } => {
            let store = open_existing(&path)?;
            if store.is_shared() {
                // The shared database is backed up as the same SQLite file a laptop's would
                // be; what it holds is read from the file made.
                let file = out.ok_or_else(|| {
                    AppError::validation(msg!(
                        "Ange filen som kopian av den gemensamma databasen ska sparas i: styrkort backup --out FIL. Kommunens IT säkerhetskopierar servern.",
                        "Give the file the copy of the shared database is to be saved in: styrkort backup --out FILE. The municipality's IT backs up the server."
                    ))
                })?;
                backup::back_up_to(&store, &file)?;
                let summary = backup::summary_sv(&backup::inspect(&file)?);
                return Ok(format!("Säkerhetskopian är sparad i {}. {summary}.\n", file.display()));
            }
            let summary = backup::summary_sv(&backup::summarize(&store)?);
            match out {
                Some(file) => {
                    backup::back_up_to(&store, &file)?;
                    Ok(format!("Säkerhetskopian är sparad i {}. {summary}.\n", file.display()))
                }
                None => {
                    let entry = backup::back_up_now(&store, chrono::Local::now().naive_local())?;
                    Ok(format!("Säkerhetskopian är sparad i {}. {summary}.\n", entry.path))
                }
            }
        }
        Command::Backups { format } => {
            let previews = backup::previews(&path)?;
            match format {
                Format::Json => json(&previews),
                Format::Text => Ok(backup::previews_text(&path, &previews)),
            }
        }
        Command::Restore { backup: name, yes, other_database } => {
            if path.to_str().is_some_and(styrkort::store::pg::is_url) {
                return Err(backup::refuse_restore_shared());
            }
            let file = backup::resolve(&path, &name)?;
            if !yes {
                let summary = backup::inspect(&file)?;
                let warning = match backup::other_database(&path, &file)? {
                    Some(why) => format!("OBS! {why} Den ersätter då hela databasen; lägg till --annan-databas om det är det du vill.\n"),
                    None => String::new(),
                };
                return Ok(format!(
                    "{} innehåller {}.\n{warning}När den återställs ersätter den {}; den nuvarande databasen sparas först bland säkerhetskopiorna.\nKör kommandot igen med --yes för att återställa.\n",
                    file.display(),
                    backup::summary_sv(&summary),
                    path.display()
                ));
            }
            let outcome = backup::restore(&path, &file, &ctx, other_database)?;
            let kept = match &outcome.previous {
                Some(p) => format!(" Databasen som den var före återställningen finns i {}.", p.path),
                None => String::new(),
            };
            Ok(format!("Återställde {} från {}: {}.{kept}\n", path.display(), file.display(), backup::summary_sv(&outcome.summary)))
        }
        Command::Import { what: ImportCommand::Xlsx { file, yes } } => {
            let mut store = open_existing(&path)?;
            let bytes = styrkort::value_template::read_file(&file)?;
            let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let preview = styrkort::value_template::read(&store, &name, &bytes)?;
            // A template is saved whole or not at all: any rejected cell fails the command,
            // with or without --yes, and the error lists the cells to fix.
            if let Some(refusal) = preview.refusal() {
                return Err(refusal);
            }
            let mut out = format!("{} – {}, {}\n", name, preview.unit.name, preview.period.name);
            for c in &preview.changes {
                let show = |v: Option<f64>| {
                    v.map(|v| text::number_sv(v, 3).trim_end_matches('0').trim_end_matches(',').to_string()).unwrap_or_else(|| "–".into())
                };
                out.push_str(&format!("  rad {}: {} ({}) {} → {}\n", c.row, c.indicator, c.gender.as_str(), show(c.old), show(c.new)));
            }
            if yes {
                let n = styrkort::value_template::apply(&mut store, &ctx, &preview)?;
                out.push_str(&format!("{}.\n", count_sv(n, "värde sparat", "värden sparade")));
            } else {
                out.push_str(&format!(
                    "{}. Inget är sparat; kör igen med --yes för att spara.\n",
                    count_sv(preview.changes.len(), "ändring", "ändringar")
                ));
            }
            Ok(out)
        }
        Command::Import { what: ImportCommand::Kolada { files } } => {
            let mut store = open_existing(&path)?;
            let summary = kolada::import_files(&mut store, &ctx, &files, &kolada::ImportOptions::default())?;
            Ok(format!("{}\n", summary.describe_sv()))
        }
        Command::Kolada { what: KoladaCommand::Values { kpi, municipality, gender, format } } => {
            let store = open_to_read(&path)?;
            let gender = Gender::parse(gender.trim().to_uppercase().as_str()).ok_or_else(|| {
                AppError::validation(msg!(
                    "Könet '{gender}' känns inte igen. Ange T (totalt), K (kvinnor) eller M (män).",
                    "The gender '{gender}' is not recognised. Give T (total), K (women) or M (men)."
                ))
            })?;
            let points = kolada::compare::series(&store, &kpi, &municipality, gender)?;
            eprintln!("Källa: Kolada");
            match format {
                TableFormat::Json => json(&points),
                TableFormat::Csv => {
                    let mut out = String::from("period,value\n");
                    for p in &points {
                        out.push_str(&format!("{},{}\n", p.period, p.value.map(|v| v.to_string()).unwrap_or_default()));
                    }
                    Ok(out)
                }
            }
        }
        Command::Kolada { what: KoladaCommand::Fetch { kpi, municipality, year } } => {
            let mut store = open_existing(&path)?;
            let request = kolada::online::FetchRequest { kpis: kpi, municipalities: municipality, years: year };
            let cancel = std::sync::atomic::AtomicBool::new(false);
            let options = kolada::online::FetchOptions::default();
            let outcome = kolada::online::fetch_and_import(&mut store, &ctx, &request, &options, &cancel, &mut |p| match p {
                kolada::online::FetchProgress::Page { url, pages, values } => {
                    eprintln!("Sida {pages} hämtad ({values} värden hittills): {url}")
                }
                kolada::online::FetchProgress::Retry { url, attempt, wait, reason } => {
                    eprintln!("Försök {attempt} misslyckades ({reason}) för {url}; försöker igen om {} s.", wait.as_secs_f32())
                }
            })?;
            match outcome.summary {
                Some(s) => Ok(format!("{} sidor hämtade. {}\n", outcome.pages, s.describe_sv())),
                None => Ok("Hämtningen avbröts; inget har sparats.\n".to_string()),
            }
        }
        Command::AttGora { unit, date, format } => {
            let store = open_to_read(&path)?;
            let unit = todo_unit(&store, unit.as_deref())?;
            let today = styrkort::model::optional_date(("--date", "--date"), date.as_deref())?.unwrap_or(today);
            let list = styrkort::todo::list(&store, &ctx.user, unit, today)?;
            match format {
                Format::Json => json(&list),
                Format::Text => Ok(styrkort::todo::text_sv(&list)),
            }
        }
        Command::Export { what: ExportCommand::Ics { out, unit, date } } => {
            let store = open_to_read(&path)?;
            let unit = todo_unit(&store, unit.as_deref())?;
            let today = styrkort::model::optional_date(("--date", "--date"), date.as_deref())?.unwrap_or(today);
            let n = styrkort::todo::ics::export(&store, &ctx.user, unit, today, chrono::Utc::now(), &out)?;
            Ok(format!("Kalenderfilen med {} är sparad i {}.\n", count_sv(n, "sista dag", "sista dagar"), out.display()))
        }
        Command::Export { what } => export(&path, what, today),
        Command::ReportSettings(args) => report_settings(&path, &ctx, args),
        Command::Plan { what: PlanCommand::Copy { from, to, yes } } => {
            let mut store = open_existing(&path)?;
            let preview = styrkort::planning::plan_year::copy_preview(&store, from, to)?;
            if let (Some(sv), Some(en)) = (&preview.refused, &preview.refused_en) {
                return Err(AppError::conflict(styrkort::error::Msg { sv: sv.clone(), en: en.clone() }));
            }
            let summary = format!(
                "Planår {from} → {to}: {} perspektiv, {} KF-mål, {} nämndmål, {} enhetsmål, {} mellan mål, {} nyckeltal, {}, {} (status ej påbörjad). Värden och bedömningar kopieras inte.",
                preview.perspectives.len(),
                preview.kf_goals.len(),
                preview.namnd_goals.len(),
                preview.enhet_goals.len(),
                count_sv(preview.links, "koppling", "kopplingar"),
                preview.indicators.len(),
                count_sv(preview.targets, "nytt målvärde", "nya målvärden"),
                count_sv(preview.activities.len(), "aktivitet", "aktiviteter")
            );
            let summary =
                format!("{summary} {} som inte är genomförda följer med.", count_sv(preview.assignments.len(), "uppdrag", "uppdrag"));
            if !yes {
                return Ok(format!("{summary}\nInget har ändrats. Kör igen med --yes för att kopiera.\n"));
            }
            let goals = store.write(&ctx, |w| w.copy_plan_year(from, to))?;
            Ok(format!("{summary}\nKopierat: {goals} mål till {to}.\n"))
        }
        Command::Grunduppdrag { what: GrunduppdragCommand::Visa { unit, year } } => {
            let store = open_to_read(&path)?;
            let unit = store.resolve_unit(&unit)?;
            styrkort::unit_missions::text_sv(&store, unit.id, year, None)
        }
        Command::Grunduppdrag { what: GrunduppdragCommand::Satt { unit, year, text } } => {
            let mut store = open_existing(&path)?;
            let unit = store.resolve_unit(&unit)?;
            store.write(&ctx, |w| w.save_unit_mission(unit.id, year, &text))?;
            Ok(format!("Grunduppdraget för {} {year} är sparat.\n", unit.name))
        }
        Command::Garanti { what: GarantiCommand::Lista { unit, year, period, format } } => {
            let store = open_to_read(&path)?;
            let unit = store.resolve_unit(&unit)?;
            let period = period.map(|p| store.resolve_period(year, &p)).transpose()?.map(|p| p.id);
            match format {
                Format::Json => json(&styrkort::unit_missions::view(&store, unit.id, year, period)?),
                Format::Text => styrkort::unit_missions::text_sv(&store, unit.id, year, period),
            }
        }
        Command::Garanti { what: GarantiCommand::Ny { unit, year, promise, measured_by } } => {
            let mut store = open_existing(&path)?;
            let unit = store.resolve_unit(&unit)?;
            let form = styrkort::unit_missions::GuaranteeForm { id: None, unit_id: unit.id, plan_year: year, promise, measured_by };
            let id = store.write(&ctx, |w| w.save_guarantee(&form))?;
            Ok(format!("Tjänstegarantin är sparad för {} {year} (id {id}).\n", unit.name))
        }
        Command::Garanti { what: GarantiCommand::FoljUpp { guarantee, year, period, kept, comment, action } } => {
            use styrkort::follow_up::review::ReviewAction;
            use styrkort::model::GuaranteeOutcome;
            let mut store = open_existing(&path)?;
            let period = store.resolve_period(year, &period)?;
            let kept = match kept.as_deref().map(|k| k.trim().to_lowercase()) {
                None => None,
                Some(k) if matches!(k.as_str(), "ja" | "yes" | "kept") => Some(GuaranteeOutcome::Kept),
                Some(k) if matches!(k.as_str(), "nej" | "no" | "not_kept") => Some(GuaranteeOutcome::NotKept),
                Some(other) => {
                    return Err(AppError::validation(msg!(
                        "--hölls '{other}' känns inte igen; skriv ja eller nej.",
                        "--kept '{other}' is not recognised; write ja (yes) or nej (no)."
                    )))
                }
            };
            let action = match action.as_deref().map(|a| a.trim().to_lowercase()) {
                None => None,
                Some(a) if matches!(a.as_str(), "klar" | "submit") => Some(ReviewAction::Submit),
                Some(a) if matches!(a.as_str(), "godkänn" | "godkann" | "approve") => Some(ReviewAction::Approve),
                Some(a) if matches!(a.as_str(), "tillbaka" | "return") => Some(ReviewAction::Return { comment: comment.clone() }),
                Some(other) => {
                    return Err(AppError::validation(msg!(
                        "--åtgärd '{other}' finns inte; välj klar, godkänn eller tillbaka.",
                        "--action '{other}' does not exist; choose klar (submit), godkänn (approve) or tillbaka (return)."
                    )))
                }
            };
            if kept.is_none() && action.is_none() {
                return Err(AppError::validation(msg!(
                    "Ange --hölls ja|nej, --åtgärd klar|godkänn|tillbaka, eller båda.",
                    "Give --kept ja|nej (yes|no), --action klar|godkänn|tillbaka (submit|approve|return), or both."
                )));
            }
            let state = store.write(&ctx, |w| {
                if let Some(kept) = kept {
                    w.follow_up_guarantee(guarantee, period.id, kept, &comment)?;
                }
                match &action {
                    Some(a) => w.review_guarantee(guarantee, period.id, a).map(Some),
                    None => Ok(None),
                }
            })?;
            let word = match state {
                None => "utkast",
                Some(styrkort::model::AssessmentState::Draft) => "utkast",
                Some(styrkort::model::AssessmentState::Ready) => "klar för granskning",
                Some(styrkort::model::AssessmentState::Approved) => "godkänd",
            };
            Ok(format!("Uppföljningen för {} är sparad: {word}.\n", period.name))
        }
        Command::Agenda2030 { year, period, format } => {
            let store = open_to_read(&path)?;
            let year = match year {
                Some(y) => y,
                None => store
                    .plan_years()?
                    .into_iter()
                    .map(|y| y.year)
                    .max()
                    .ok_or_else(|| AppError::not_found(msg!("Det finns inget planår ännu.", "There is no plan year yet.")))?,
            };
            let period = period.map(|p| store.resolve_period(year, &p)).transpose()?.map(|p| p.id);
            match format {
                Format::Json => json(&styrkort::agenda2030::view(&store, year, period)?),
                Format::Text => styrkort::agenda2030::text_sv(&store, year, period),
            }
        }
        Command::InternKontroll { what: InternKontrollCommand::Visa { unit, year, period, format } } => {
            let store = open_to_read(&path)?;
            let unit = store.resolve_unit(&unit)?;
            let period = period.map(|p| store.resolve_period(year, &p)).transpose()?;
            let view = styrkort::internal_control::plan_view(&store, unit.id, year, period.map(|p| p.id))?;
            match format {
                Format::Json => json(&view),
                Format::Text => Ok(styrkort::internal_control::text(&view)),
            }
        }
        Command::Ekonomi { what: EkonomiCommand::Visa { year, period, format } } => {
            let store = open_to_read(&path)?;
            let period = store.resolve_period(year, &period)?;
            let economy = styrkort::economy::report::of_period(&store, year, period.id)?;
            match format {
                Format::Json => json(&economy),
                Format::Text => Ok(styrkort::economy::text::economy(&economy)),
            }
        }
        Command::Ekonomi { what: EkonomiCommand::Granska { year, period, part, unit, action, comment } } => {
            use styrkort::follow_up::review::ReviewAction;
            use styrkort::model::EconomyPart;
            let mut store = open_existing(&path)?;
            let period = store.resolve_period(year, &period)?;
            let part = match part.trim().to_lowercase().as_str() {
                "drift" | "operating" => EconomyPart::Operating,
                "investeringar" | "investments" => EconomyPart::Investments,
                "resultat" | "statements" | "rr" | "br" => EconomyPart::Statements,
                other => {
                    return Err(AppError::validation(msg!(
                        "--del '{other}' finns inte; välj drift, investeringar eller resultat.",
                        "--part '{other}' does not exist; choose drift (operating), investeringar (investments) or resultat (statements)."
                    )))
                }
            };
            let action = match action.trim().to_lowercase().as_str() {
                "klar" | "submit" => ReviewAction::Submit,
                "godkänn" | "godkann" | "approve" => ReviewAction::Approve,
                "tillbaka" | "return" => ReviewAction::Return { comment },
                other => {
                    return Err(AppError::validation(msg!(
                        "--åtgärd '{other}' finns inte; välj klar, godkänn eller tillbaka.",
                        "--action '{other}' does not exist; choose klar (submit), godkänn (approve) or tillbaka (return)."
                    )))
                }
            };
            let unit_id = unit.map(|u| store.resolve_unit(&u)).transpose()?.map(|u| u.id);
            let state = store.write(&ctx, |w| w.review_economy(period.id, part, unit_id, &action))?;
            let word = match state {
                styrkort::model::AssessmentState::Draft => "utkast",
                styrkort::model::AssessmentState::Ready => "klar för granskning",
                styrkort::model::AssessmentState::Approved => "godkänd",
            };
            Ok(format!("Granskningen är sparad: {word}.\n"))
        }
        Command::Ekonomi { what: EkonomiCommand::Mall { year, period, out } } => {
            let store = open_to_read(&path)?;
            styrkort::files::check_output(&out, store.path())?;
            let period = store.resolve_period(year, &period)?;
            let bytes = styrkort::economy::template::template(&store, period.id)?;
            styrkort::files::write_output(&out, store.path(), &bytes)?;
            Ok(format!("Ekonomimallen för {} är sparad i {}.\n", period.name, out.display()))
        }
        Command::Ekonomi { what: EkonomiCommand::Las { file, yes } } => {
            let mut store = open_existing(&path)?;
            let bytes = styrkort::value_template::read_file(&file)?;
            let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let preview = styrkort::economy::template::read(&store, &name, &bytes)?;
            if let Some(refusal) = preview.refusal() {
                return Err(refusal);
            }
            let mut out = format!("{} – {} ({})\n", name, preview.period.name, preview.amount_unit.as_str());
            for c in &preview.changes {
                out.push_str(&format!("  {} rad {}: {} {} → {}\n", c.sheet, c.row, c.what, c.old, c.new));
            }
            if yes {
                let n = styrkort::economy::template::apply(&mut store, &ctx, &preview)?;
                out.push_str(&format!("Sparat: {}.\n", count_sv(n, "ändrat belopp", "ändrade belopp")));
            } else {
                out.push_str(&format!(
                    "{}. Inget har sparats; kör igen med --yes för att spara.\n",
                    count_sv(preview.changes.len(), "ändring", "ändringar")
                ));
            }
            Ok(out)
        }
        Command::Search { text, limit } => {
            let store = open_to_read(&path)?;
            let hits = styrkort::planning::search(&store, &text, limit)?;
            if hits.is_empty() {
                return Ok(format!("Inget hittades för '{text}'.\n"));
            }
            let kind = |k: styrkort::planning::SearchKind| match k {
                styrkort::planning::SearchKind::Unit => "enhet",
                styrkort::planning::SearchKind::Goal => "mål",
                styrkort::planning::SearchKind::Indicator => "nyckeltal",
                styrkort::planning::SearchKind::Activity => "aktivitet",
            };
            Ok(hits
                .iter()
                .map(|h| match h.plan_year {
                    Some(y) => format!("{:<10} {:>5}  {} ({y})\n", kind(h.kind), h.id, h.text),
                    None => format!("{:<10} {:>5}  {}\n", kind(h.kind), h.id, h.text),
                })
                .collect())
        }
        Command::Exchange { what } => exchange_command(&path, &ctx, what),
        Command::Ekonomi { what: EkonomiCommand::Sie { file, period, preview_only, format } } => {
            ekonomi_sie(&path, &ctx, &file, &period, preview_only, format)
        }
        Command::Ekonomi { what: EkonomiCommand::Koppling { what } } => ekonomi_koppling(&path, &ctx, what),
        Command::Uppdrag { what } => uppdrag_command(&path, &ctx, what, today),
        Command::Users { what } => users_command(&path, &ctx, what),
    }
}

/// One uppdrag on a line: status, number, title, to whom, decision, age, deadline.
fn uppdrag_line(a: &styrkort::assignments::AssignmentRow) -> String {
    let status = match a.status {
        Some(s) => format!("{} {}", s.symbol(), s.label().sv),
        None => "– Ej uppföljt".to_string(),
    };
    let mut line = format!("[{}] {status:<32} ", a.id);
    if !a.code.is_empty() {
        line.push_str(&format!("{} ", a.code));
    }
    line.push_str(&format!("{} → {}", a.title, a.responsible_unit_name));
    let decision: Vec<&str> = [a.decision_body.as_str(), a.decision_date.as_deref().unwrap_or(""), a.decision_paragraph.as_str()]
        .into_iter()
        .filter(|t| !t.is_empty())
        .collect();
    line.push_str(&format!(" ({}", decision.join(" ")));
    if !a.age_text.is_empty() {
        line.push_str(&format!(", {} sedan", a.age_text));
    }
    if let Some(d) = &a.deadline {
        line.push_str(&format!(", slutdatum {d}{}", if a.overdue { " – passerat" } else { "" }));
    }
    line.push_str(")\n");
    if !a.status_comment.is_empty() {
        line.push_str(&format!("      {}\n", a.status_comment));
    }
    line
}

/// `styrkort users …`: only on a shared database, and only for a controller (the database
/// refuses the others too).
fn users_command(path: &std::path::Path, ctx: &ChangeContext, what: UsersCommand) -> Result<String> {
    use styrkort::store::pg::{self, users};
    let Some(url) = path.to_str().filter(|p| pg::is_url(p)) else {
        return Err(AppError::validation(msg!(
            "Användare finns bara i en gemensam databas. Ange den med --db postgres://användare@värd/databas; en databasfil ({}) har inga användare.",
            "Users belong to a shared database. Give it with --db postgres://user@host/database; a database file ({}) has no users.",
            path.display()
        )));
    };
    let mut client = pg::connect(url)?;
    pg::migrate(&mut client, &ctx.at)?;
    match what {
        UsersCommand::Add { login, role, unit, password_stdin } => {
            let role = match role {
                RoleArg::Controller => users::Role::Controller,
                RoleArg::Editor => users::Role::Editor,
                RoleArg::Reader => users::Role::Reader,
            };
            let given = if password_stdin {
                let mut line = String::new();
                std::io::stdin().read_line(&mut line).map_err(|e| {
                    AppError::io(msg!(
                        "Kunde inte läsa lösenordet från standard in: {e}.",
                        "Could not read the password from standard input: {e}."
                    ))
                })?;
                Some(line.trim_end_matches(['\r', '\n']).to_string())
            } else {
                None
            };
            let new = users::NewUser { login: &login, role, units: &unit, password: given.as_deref() };
            let generated = users::add(&mut client, ctx, new)?;
            let login = users::check_login(&login)?;
            Ok(match generated {
                Some(password) => format!(
                    "Användaren {login} ({}) är tillagd.\nLösenord (visas bara nu, spara det inte i klartext): {password}\n",
                    role.as_str()
                ),
                None => format!("Användaren {login} ({}) är tillagd med det angivna lösenordet.\n", role.as_str()),
            })
        }
        UsersCommand::Remove { login } => {
            users::remove(&mut client, ctx, &login)?;
            Ok(format!("Användaren {} är borttagen.\n", login.trim()))
        }
        UsersCommand::List { format } => {
            let all = users::list(&mut client)?;
            if format == Format::Json {
                let rows: Vec<serde_json::Value> = all
                    .iter()
                    .map(|u| {
                        serde_json::json!({
                            "login": u.login,
                            "role": u.role.as_str(),
                            "units": u.units.iter().map(|x| serde_json::json!({"id": x.id, "name": x.name})).collect::<Vec<_>>(),
                        })
                    })
                    .collect();
                return Ok(format!("{}\n", serde_json::Value::Array(rows)));
            }
            if all.is_empty() {
                return Ok("Databasen har inga användare ännu. Lägg till en med 'styrkort users add'.\n".to_string());
            }
            let mut out = String::new();
            for u in &all {
                let units = u.units.iter().map(|x| x.name.as_str()).collect::<Vec<_>>().join(", ");
                let line = format!("{:<24} {:<11} {units}", u.login, u.role.as_str());
                out.push_str(line.trim_end());
                out.push('\n');
            }
            Ok(out)
        }
    }
}

fn uppdrag_command(path: &std::path::Path, ctx: &ChangeContext, what: UppdragCommand, today: chrono::NaiveDate) -> Result<String> {
    use chrono::Datelike;
    use styrkort::assignments::{self, AssignmentFollowUpForm, AssignmentForm};
    use styrkort::model::AssignmentStatus;
    match what {
        UppdragCommand::Lista { year, period, unit, format } => {
            let store = open_to_read(path)?;
            let year = year.unwrap_or(today.year());
            let period = period.map(|p| store.resolve_period(year, &p)).transpose()?;
            let unit_id = unit.map(|u| store.resolve_unit(&u)).transpose()?.map(|u| u.id);
            let rows = assignments::rows(&store, year, period.as_ref().map(|p| p.id), unit_id, today)?;
            match format {
                Format::Json => json(&rows),
                Format::Text => {
                    let when = period.map(|p| p.name).unwrap_or_else(|| "senaste uppföljningen".into());
                    let mut out = format!("Uppdrag {year}, status {when}: {}\n", assignments::StatusCounts::of(&rows).summary().sv);
                    rows.iter().for_each(|a| out.push_str(&uppdrag_line(a)));
                    Ok(out)
                }
            }
        }
        UppdragCommand::Aldsta { year, unit, format } => {
            let store = open_to_read(path)?;
            let year = year.unwrap_or(today.year());
            let unit_id = unit.map(|u| store.resolve_unit(&u)).transpose()?.map(|u| u.id);
            let rows = assignments::oldest_unfinished(&store, year, None, unit_id, today)?;
            match format {
                Format::Json => json(&rows),
                Format::Text if rows.is_empty() => Ok(format!("Alla uppdrag {year} är genomförda eller avslutade.\n")),
                Format::Text => {
                    let mut out = format!("Äldsta ej genomförda uppdrag {year}:\n");
                    rows.iter().for_each(|a| out.push_str(&uppdrag_line(a)));
                    Ok(out)
                }
            }
        }
        UppdragCommand::Ny { year, title, issuer, responsible, decision_date, paragraph, person, deadline, code, description, goals } => {
            let mut store = open_existing(path)?;
            let issuer = store.resolve_unit(&issuer)?.id;
            let responsible = store.resolve_unit(&responsible)?.id;
            let year_goals = styrkort::store::goals::of_year(store.read(), year)?;
            let mut goal_ids = Vec::new();
            for g in &goals {
                let found = year_goals
                    .iter()
                    .find(|x| x.id.to_string() == *g || (!x.code.is_empty() && x.code == *g) || x.title == *g)
                    .ok_or_else(|| {
                        AppError::not_found(msg!(
                            "Målet '{g}' finns inte {year}. Ange målets id, nummer eller hela rubrik.",
                            "The goal '{g}' does not exist in {year}. Give the goal's id, number or whole title."
                        ))
                    })?;
                goal_ids.push(found.id);
            }
            let form = AssignmentForm {
                id: None,
                plan_year: year,
                code,
                title,
                description,
                issuer_unit_id: issuer,
                decision_date,
                decision_paragraph: paragraph,
                responsible_unit_id: responsible,
                responsible_person: person,
                deadline,
                goal_ids,
            };
            let id = store.write(ctx, |w| w.save_assignment(&form))?;
            Ok(format!("Uppdraget är sparat (id {id}).\n"))
        }
        UppdragCommand::FoljUpp { id, period, status, comment, action, review_comment } => {
            use styrkort::follow_up::review::ReviewAction;
            let status = status
                .map(|status| match status.trim().to_lowercase().as_str() {
                    "ej-påbörjat" | "ej påbörjat" | "not-started" | "not_started" => Ok(AssignmentStatus::NotStarted),
                    "pågår" | "in-progress" | "in_progress" => Ok(AssignmentStatus::InProgress),
                    "genomfört" | "done" => Ok(AssignmentStatus::Done),
                    "avslutat" | "closed" | "closed_undone" => Ok(AssignmentStatus::ClosedUndone),
                    other => {
                        Err(AppError::validation(msg!(
                            "--status '{other}' finns inte; välj ej-påbörjat, pågår, genomfört eller avslutat.",
                            "--status '{other}' does not exist; choose ej-påbörjat (not started), pågår (in progress), genomfört (done) or avslutat (closed)."
                        )))
                    }
                })
                .transpose()?;
            let mut store = open_existing(path)?;
            let year = styrkort::store::assignments::get(store.read(), id)?.plan_year;
            let period = store.resolve_period(year, &period)?;
            let mut out = String::new();
            if let Some(status) = status {
                let form = AssignmentFollowUpForm { assignment_id: id, period_id: period.id, status, comment };
                store.write(ctx, |w| w.save_assignment_follow_up(&form))?;
                out.push_str(&format!("Status för {} är sparad: {} {}.\n", period.name, status.symbol(), status.label().sv.to_lowercase()));
            }
            if let Some(action) = action {
                let action = match action.trim().to_lowercase().as_str() {
                    "klar" | "submit" => ReviewAction::Submit,
                    "godkänn" | "godkann" | "approve" => ReviewAction::Approve,
                    "tillbaka" | "return" => ReviewAction::Return { comment: review_comment },
                    other => {
                        return Err(AppError::validation(msg!(
                            "--åtgärd '{other}' finns inte; välj klar, godkänn eller tillbaka.",
                            "--action '{other}' does not exist; choose klar (submit), godkänn (approve) or tillbaka (return)."
                        )))
                    }
                };
                let state = store.write(ctx, |w| w.review_assignment_follow_up(id, period.id, &action))?;
                let word = match state {
                    styrkort::model::AssessmentState::Draft => "utkast",
                    styrkort::model::AssessmentState::Ready => "klar för granskning",
                    styrkort::model::AssessmentState::Approved => "godkänd",
                };
                out.push_str(&format!("Granskningen är sparad: {word}.\n"));
            }
            if out.is_empty() {
                return Err(AppError::validation(msg!(
                    "Ange --status (och gärna --kommentar) eller --åtgärd.",
                    "Give --status (and preferably --kommentar) or --åtgärd."
                )));
            }
            Ok(out)
        }
    }
}

fn exchange_command(path: &std::path::Path, ctx: &ChangeContext, what: ExchangeCommand) -> Result<String> {
    use styrkort::exchange::{self, ConflictChoice, ExchangeItemContent, ExchangeItemState};
    match what {
        ExchangeCommand::Export { unit, period, year, out } => {
            let store = open_to_read(path)?;
            styrkort::files::check_output(&out, store.path())?;
            let unit = store.resolve_unit(&unit)?;
            let period = match (period.trim().parse::<i64>(), year) {
                (Ok(id), _) => store.period(id)?,
                (Err(_), Some(year)) => store.resolve_period(year, &period)?,
                (Err(_), None) => {
                    return Err(AppError::validation(msg!(
                        "Ange --year när perioden anges som '{period}', t.ex. --period delår --year 2026, eller ange periodens id.",
                        "Give --year when the period is given as '{period}', e.g. --period delår --year 2026, or give the period's id."
                    )))
                }
            };
            let file = exchange::export_to(&store, unit.id, period.id, ctx, &out)?;
            Ok(format!(
                "Utbytesfilen för {}, {} är sparad i {} (värden: {}, bedömningar: {}, aktiviteter: {}, uppdrag: {}, kontroller: {}, tjänstegarantier: {}).\n",
                unit.name,
                period.name,
                out.display(),
                file.values.len(),
                file.assessments.len(),
                file.activities.len(),
                file.assignments.len(),
                file.controls.len(),
                file.guarantees.len()
            ))
        }
        ExchangeCommand::Import { files, yes, take_file_on_conflict } => {
            let mut store = open_existing(path)?;
            let read = files.iter().map(|f| exchange::read_path(f)).collect::<Result<Vec<_>>>()?;
            let preview = exchange::preview(&store, &read)?;
            let show = |c: &Option<ExchangeItemContent>| match c {
                None => "–".to_string(),
                Some(ExchangeItemContent::Value { value }) => {
                    text::number_sv(*value, 3).trim_end_matches('0').trim_end_matches(',').to_string()
                }
                Some(ExchangeItemContent::Assessment { step, analysis, state, .. }) => {
                    let words: String = analysis.chars().take(40).collect();
                    let more = if analysis.chars().count() > 40 { "…" } else { "" };
                    format!("steg {}, {}, \"{words}{more}\"", step.map(|s| s.to_string()).unwrap_or_else(|| "–".into()), state.as_str())
                }
                Some(ExchangeItemContent::Activity { status, comment }) => format!("{}, \"{comment}\"", status.label_sv()),
                Some(
                    ExchangeItemContent::Assignment { comment, .. }
                    | ExchangeItemContent::Control { comment, .. }
                    | ExchangeItemContent::Guarantee { comment, .. },
                ) => {
                    let words: String = comment.chars().take(40).collect();
                    let more = if comment.chars().count() > 40 { "…" } else { "" };
                    format!("{}, \"{words}{more}\"", exchange::describe(c.as_ref()).sv)
                }
            };
            let mut out = String::new();
            for f in &preview.files {
                let locked = if f.period_locked { " (perioden är låst)" } else { "" };
                out.push_str(&format!(
                    "{} – {}, {}{locked}; exporterad {} av {}\n",
                    f.file, f.unit_name, f.period_name, f.exported_at, f.exported_by
                ));
                for item in f.items.iter().filter(|i| i.state != ExchangeItemState::Unchanged) {
                    let (word, what) = match item.state {
                        ExchangeItemState::New => ("ny", format!("{} → {}", show(&item.master), show(&item.file))),
                        ExchangeItemState::Changed => ("ändrad", format!("{} → {}", show(&item.master), show(&item.file))),
                        ExchangeItemState::Conflict => {
                            ("konflikt", format!("i databasen {}, i filen {}", show(&item.master), show(&item.file)))
                        }
                        ExchangeItemState::MasterNewer => {
                            ("nyare i databasen", format!("behåller {}, filen har {}", show(&item.master), show(&item.file)))
                        }
                        ExchangeItemState::Unchanged => ("oförändrad", String::new()),
                    };
                    out.push_str(&format!("  {word}: {}: {what}\n", item.label));
                }
                let c = &f.counts;
                out.push_str(&format!(
                    "  {}, {}, {}, {}, {} i databasen.\n",
                    count_sv(c.new, "ny", "nya"),
                    count_sv(c.changed, "ändrad", "ändrade"),
                    count_sv(c.conflict, "konflikt", "konflikter"),
                    count_sv(c.unchanged, "oförändrad", "oförändrade"),
                    count_sv(c.master_newer, "nyare", "nyare")
                ));
            }
            if !yes {
                out.push_str(
                    "Inget är sparat. Kör igen med --yes för att spara nya och ändrade poster; konflikter behåller då databasens innehåll, om du inte också anger --take-file-on-conflict.\n",
                );
                return Ok(out);
            }
            let choice = if take_file_on_conflict { ConflictChoice::TakeFile } else { ConflictChoice::KeepMaster };
            let outcome = exchange::apply(&mut store, ctx, &preview, &preview.resolve_all(choice))?;
            out.push_str(&format!("{} poster sparade; {} konflikter behöll databasens innehåll.\n", outcome.taken, outcome.conflicts_kept));
            Ok(out)
        }
    }
}

#[derive(Subcommand)]
enum ExportCommand {
    /// A PDF report: the styrkort page for the arbetsplatsträff, or the delårsrapport.
    Pdf {
        #[arg(long, value_enum)]
        report: PdfReportArg,
        /// Unit name (or part of it) or id. The delårsrapport covers the unit and all units below it.
        #[arg(long)]
        unit: String,
        #[arg(long)]
        year: i32,
        /// T1, delår (delar), helår (helar), YYYY-MM, or a period id.
        #[arg(long)]
        period: String,
        /// The PDF file to write; its folder must exist.
        #[arg(long)]
        out: PathBuf,
        /// Styrkort: one page for the unit and one for each unit below it. Delårsrapport: this
        /// nämnd (förvaltning, kommun) and its units, which the report always covers; refused
        /// for an enhet or a bolag.
        #[arg(long)]
        below: bool,
        /// Delårsrapport only: the final version, with only approved assessments and texts;
        /// refused with the list of what is not approved. Without it the report is a draft
        /// ("UTKAST" on every page).
        #[arg(long = "final", alias = "slutversion")]
        final_version: bool,
    },
    /// The delårsrapport as a Word document (.docx), with the same content as the PDF: real
    /// heading styles, tables, charts as images, page numbers and the logo.
    Docx {
        /// Unit name (or part of it) or id. The report covers the unit and all units below it.
        #[arg(long)]
        unit: String,
        #[arg(long)]
        year: i32,
        /// T1, delår (delar), helår (helar), YYYY-MM, or a period id.
        #[arg(long)]
        period: String,
        /// The .docx file to write; its folder must exist.
        #[arg(long)]
        out: PathBuf,
        /// The final version, with only approved assessments and texts; refused with the list
        /// of what is not approved. Without it the report is a draft ("UTKAST" on every page).
        #[arg(long = "final", alias = "slutversion")]
        final_version: bool,
    },
    /// The plan year's verksamhetsplan compiled from every unit's plan, for the whole
    /// municipality or one nämnd: a PDF or a Word document (.docx), by the --out file's extension.
    Verksamhetsplan {
        #[arg(long)]
        year: i32,
        /// Nämnd (or any unit) name, part of it, or id: its plan and its units'. Default: the whole municipality.
        #[arg(long)]
        unit: Option<String>,
        /// The .pdf or .docx file to write; its folder must exist.
        #[arg(long)]
        out: PathBuf,
    },
    /// "Uppföljning av intern kontroll" for a nämnd and period as PDF: the risk matrix, each
    /// chosen risk's controls with result, deviations and actions, the risks not chosen. A
    /// draft ("UTKAST") until every control's follow-up is approved.
    #[command(name = "intern-kontroll", alias = "internal-control")]
    InternKontroll {
        /// The nämnd's (förvaltning's, kommun's) name or part of it, or its id.
        #[arg(long)]
        unit: String,
        #[arg(long)]
        year: i32,
        /// T1, delår (delar), helår (helar), YYYY-MM, or a period id.
        #[arg(long)]
        period: String,
        /// The PDF file to write; its folder must exist.
        #[arg(long)]
        out: PathBuf,
        /// The final version: refused with the list of controls whose follow-up is not approved.
        #[arg(long = "final", alias = "slutversion")]
        final_version: bool,
    },
    /// A fill-in template of a unit's values for a period, to send to the unit and import back.
    Template {
        /// Unit name (or part of it) or id.
        #[arg(long)]
        unit: String,
        #[arg(long)]
        year: i32,
        #[arg(long)]
        period: String,
        /// The .xlsx file to write; its folder must exist.
        #[arg(long)]
        out: PathBuf,
    },
    /// The deadlines as a calendar file (.ics) for Outlook: the follow-up periods', the
    /// uppdrag's and the controls' deadlines, and your to-do items (the name is --user).
    Ics {
        /// The .ics file to write; its folder must exist.
        #[arg(long)]
        out: PathBuf,
        /// Unit name (or part of it) or id: its deadlines and every unit's below it. Default: the
        /// whole municipality.
        #[arg(long)]
        unit: Option<String>,
        /// The day the calendar is made on (ÅÅÅÅ-MM-DD); default: today.
        #[arg(long)]
        date: Option<String>,
    },
    /// The Excel workbook: overview, goals, indicator values, activities and completeness.
    Xlsx {
        #[arg(long)]
        year: i32,
        /// Default: the latest period that has ended.
        #[arg(long)]
        period: Option<String>,
        /// Unit name (or part of it) or id; default: the whole organisation.
        #[arg(long)]
        unit: Option<String>,
        /// The .xlsx file to write; its folder must exist.
        #[arg(long)]
        out: PathBuf,
    },
}

/// The unit a to-do list or calendar covers: the one named, else the whole municipality.
fn todo_unit(store: &Store, unit: Option<&str>) -> Result<i64> {
    match unit {
        Some(u) => Ok(store.resolve_unit(u)?.id),
        None => styrkort::store::units::top_id(store.read())?
            .ok_or_else(|| AppError::not_found(msg!("Databasen har inga enheter ännu.", "The database has no units yet."))),
    }
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum PdfReportArg {
    Styrkort,
    #[value(alias = "delårsrapport")]
    Delarsrapport,
}

#[derive(clap::Args)]
struct ReportSettingsArgs {
    /// The municipality's name on every report.
    #[arg(long)]
    municipality_name: Option<String>,
    /// Logo file (PNG or JPEG, at most 1 MB).
    #[arg(long, conflicts_with = "no_logo")]
    logo: Option<PathBuf>,
    /// Remove the logo.
    #[arg(long)]
    no_logo: bool,
    /// Main colour as #rrggbb (bands, headings, table headers).
    #[arg(long)]
    primary_colour: Option<String>,
    /// Accent colour as #rrggbb (charts).
    #[arg(long)]
    accent_colour: Option<String>,
    /// Footer text on every page (one line).
    #[arg(long)]
    footer: Option<String>,
    /// Parts of the delårsrapport, comma-separated: summary, analysis, indicators, charts, activities.
    #[arg(long, value_delimiter = ',')]
    sections: Option<Vec<String>>,
    /// The unit economy amounts are shown and typed in: tkr or mnkr.
    #[arg(long = "ekonomi-enhet", alias = "economy-unit")]
    economy_unit: Option<String>,
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
}

fn export(path: &std::path::Path, what: ExportCommand, today: chrono::NaiveDate) -> Result<String> {
    let store = open_to_read(path)?;
    let (out, bytes, what) = match what {
        ExportCommand::Pdf { report: kind, unit, year, period, out, below, final_version } => {
            styrkort::files::check_output(&out, store.path())?;
            if final_version && kind == PdfReportArg::Styrkort {
                return Err(AppError::validation(msg!(
                    "--final gäller delårsrapporten. Styrkortet har ingen slutversion; ta bort --final.",
                    "--final is for the delårsrapport (interim report). The styrkort page has no final version; leave out --final."
                )));
            }
            let unit = store.resolve_unit(&unit)?;
            let period = store.resolve_period(year, &period)?;
            let bytes = match kind {
                PdfReportArg::Styrkort => {
                    let ids: Vec<i64> =
                        if below { report::unit_and_below(&store, unit.id)?.into_iter().map(|u| u.id).collect() } else { vec![unit.id] };
                    report::styrkort_pdf(&store, &ids, year, period.id, today)?
                }
                PdfReportArg::Delarsrapport => {
                    if below {
                        report::check_delarsrapport_below(&unit)?;
                    }
                    report::delarsrapport_pdf_as(&store, unit.id, year, period.id, today, report::Edition::from_final(final_version))?
                }
            };
            // "delårsrapporten", at helår "årsredovisningen".
            let report = format!("{}en", styrkort::wording::report_name(period.kind).to_lowercase());
            let name = match (kind, final_version) {
                (PdfReportArg::Styrkort, _) => "Styrkortet".to_string(),
                (_, true) => format!("Slutversionen av {report}"),
                (_, false) => format!("Utkastet till {report}"),
            };
            (out, bytes, format!("{name} för {}, {}", unit.name, period.name))
        }
        ExportCommand::Docx { unit, year, period, out, final_version } => {
            styrkort::files::check_output(&out, store.path())?;
            let unit = store.resolve_unit(&unit)?;
            let period = store.resolve_period(year, &period)?;
            let bytes = report::delarsrapport_docx_as(&store, unit.id, year, period.id, today, report::Edition::from_final(final_version))?;
            let report = format!("{}en", styrkort::wording::report_name(period.kind).to_lowercase());
            let name = if final_version { format!("Slutversionen av {report}") } else { format!("Utkastet till {report}") };
            (out, bytes, format!("{name} (Word) för {}, {}", unit.name, period.name))
        }
        ExportCommand::Verksamhetsplan { year, unit, out } => {
            styrkort::files::check_output(&out, store.path())?;
            let unit = unit.map(|u| store.resolve_unit(&u)).transpose()?;
            let extension = out.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
            let unit_id = unit.as_ref().map(|u| u.id);
            let (bytes, kind) = match extension.as_deref() {
                Some("pdf") => (report::verksamhetsplan_pdf(&store, unit_id, year, today)?, ""),
                Some("docx") => (report::verksamhetsplan_docx(&store, unit_id, year, today)?, " (Word)"),
                _ => {
                    return Err(AppError::validation(msg!(
                        "Verksamhetsplanen skrivs som PDF eller Word: ge --out ett filnamn som slutar på .pdf eller .docx ({file}).",
                        "The plan is written as PDF or Word: give --out a file name ending in .pdf or .docx ({file}).",
                        file = out.display()
                    )))
                }
            };
            let unit_text = unit.map(|u| format!(" för {}", u.name)).unwrap_or_default();
            (out, bytes, format!("Verksamhetsplanen {year}{kind}{unit_text}"))
        }
        ExportCommand::InternKontroll { unit, year, period, out, final_version } => {
            styrkort::files::check_output(&out, store.path())?;
            let unit = store.resolve_unit(&unit)?;
            let period = store.resolve_period(year, &period)?;
            let bytes =
                report::internal_control::follow_up_pdf(&store, unit.id, period.id, today, report::Edition::from_final(final_version))?;
            (out, bytes, format!("Uppföljningen av intern kontroll för {}, {}", unit.name, period.name))
        }
        ExportCommand::Template { unit, year, period, out } => {
            styrkort::files::check_output(&out, store.path())?;
            let unit = store.resolve_unit(&unit)?;
            let period = store.resolve_period(year, &period)?;
            let bytes = styrkort::value_template::template(&store, unit.id, period.id)?;
            (out, bytes, format!("Värdemallen för {}, {}", unit.name, period.name))
        }
        // Needs the user's name: `run` answers it before coming here.
        ExportCommand::Ics { .. } => {
            return Err(AppError::new(ErrorCode::Internal, msg!("Kalenderfilen skrivs av run.", "The calendar file is written by run.")))
        }
        ExportCommand::Xlsx { year, period, unit, out } => {
            styrkort::files::check_output(&out, store.path())?;
            let unit = unit.map(|u| store.resolve_unit(&u)).transpose()?;
            let period = period.map(|p| store.resolve_period(year, &p)).transpose()?;
            let bytes = report::workbook(&store, unit.as_ref().map(|u| u.id), year, period.as_ref().map(|p| p.id), today)?;
            let unit_text = unit.map(|u| format!(" för {}", u.name)).unwrap_or_default();
            (out, bytes, format!("Excelfilen{unit_text} ({year})"))
        }
    };
    styrkort::files::write_output(&out, store.path(), &bytes)?;
    Ok(format!("{what} är sparad i {} ({} kB).\n", out.display(), bytes.len().div_ceil(1024)))
}

fn report_settings(path: &std::path::Path, ctx: &ChangeContext, args: ReportSettingsArgs) -> Result<String> {
    let mut store = open_existing(path)?;
    let mut settings = report::ReportSettings::load(&store)?;
    let mut changing = false;
    if let Some(name) = args.municipality_name {
        settings.municipality_name = name;
        changing = true;
    }
    if let Some(file) = args.logo {
        settings.logo_base64 = Some(report::logo_from_file(&file)?);
        changing = true;
    }
    if args.no_logo {
        settings.logo_base64 = None;
        changing = true;
    }
    if let Some(c) = args.primary_colour {
        settings.primary_colour = c;
        changing = true;
    }
    if let Some(c) = args.accent_colour {
        settings.accent_colour = c;
        changing = true;
    }
    if let Some(f) = args.footer {
        settings.footer_text = f;
        changing = true;
    }
    if let Some(names) = args.sections {
        settings.sections = report::ReportSections::from_names(&names)?;
        changing = true;
    }
    if let Some(unit) = args.economy_unit {
        settings.economy_unit = styrkort::economy::AmountUnit::parse(&unit).ok_or_else(|| {
            AppError::validation(msg!(
                "--ekonomi-enhet ska vara tkr eller mnkr, inte '{unit}'.",
                "--economy-unit must be tkr or mnkr, not '{unit}'."
            ))
        })?;
        changing = true;
    }
    let mut out = String::new();
    if changing {
        let n = settings.save(&mut store, ctx)?;
        out.push_str(&format!("Rapportinställningarna är sparade ({}).\n", count_sv(n, "ändrad", "ändrade")));
    }
    match args.format {
        Format::Json => Ok(out + &json(&settings)?),
        Format::Text => Ok(out + &settings.describe_sv()),
    }
}

/// What `styrkort --version` (and `-V`) prints: the program's version and the database schema
/// version it writes, which a file must have or be upgraded to.
fn version_text() -> String {
    format!("{} (databasschema {})", env!("CARGO_PKG_VERSION"), styrkort::store::schema_version())
}

fn main() -> ExitCode {
    use clap::{CommandFactory, FromArgMatches};
    // Made once per process; clap keeps a `&'static str`.
    let version: &'static str = Box::leak(version_text().into_boxed_str());
    let cli = match Cli::from_arg_matches(&Cli::command().version(version).get_matches()) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    match run(cli) {
        Ok(out) => {
            // Names come from files and other users: never let them drive the terminal.
            let out = styrkort::files::printable(&out);
            print!("{out}");
            if !out.ends_with('\n') {
                println!();
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!(
                "Fel ({}): {}",
                serde_json::to_value(e.code).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default(),
                styrkort::files::printable(&e.message)
            );
            ExitCode::from(if e.code == ErrorCode::Internal { 2 } else { 1 })
        }
    }
}
