//! The people of a shared database (`app_user`, `app_user_unit`) and their PostgreSQL roles.
//!
//! A person is a LOGIN role in one of the group roles `styrkort_controller`, `styrkort_editor`
//! or `styrkort_reader` (PostgreSQL migration 0002_roles.sql); an editor's units are in
//! `app_user_unit`, and row-level security reads them (`styrkort_may_edit`). Adding and removing
//! a person changes the role and the rows in one transaction, with an audit row; only a
//! controller may do it.
//!
//! Login names are identifiers: they are checked here ([a-z0-9_.-], at most 63 bytes) and
//! quoted by the server (`format('%I')`), never spliced in by hand. A password is sent only as
//! its SCRAM-SHA-256 verifier, so neither the wire nor the server's statement log holds it.

use postgres::{Client, GenericClient, Transaction};
use serde_json::json;

use crate::error::{AppError, ErrorCode, Result};
use crate::msg;
use crate::store::ChangeContext;

/// What a person may do in a shared database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Controller,
    Editor,
    Reader,
}

impl Role {
    /// As stored in `app_user.role` and written on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Controller => "controller",
            Role::Editor => "editor",
            Role::Reader => "reader",
        }
    }

    /// The group role a person of this role is a member of.
    pub fn group(self) -> &'static str {
        match self {
            Role::Controller => "styrkort_controller",
            Role::Editor => "styrkort_editor",
            Role::Reader => "styrkort_reader",
        }
    }

    pub fn parse(text: &str) -> Result<Role> {
        match text.trim().to_lowercase().as_str() {
            "controller" => Ok(Role::Controller),
            "editor" => Ok(Role::Editor),
            "reader" => Ok(Role::Reader),
            other => Err(AppError::validation(msg!(
                "Okänd roll '{other}'. Välj controller, editor eller reader.",
                "Unknown role '{other}'. Choose controller, editor or reader."
            ))),
        }
    }
}

/// A unit an editor edits (with the units below it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserUnit {
    pub id: i64,
    pub name: String,
}

/// A person of the database, as `users list` shows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppUser {
    pub login: String,
    pub role: Role,
    pub units: Vec<UserUnit>,
}

/// A person to add. `units` are names or ids, resolved like the CLI resolves units elsewhere.
pub struct NewUser<'a> {
    pub login: &'a str,
    pub role: Role,
    pub units: &'a [String],
    /// The password to set; `None` generates one, returned once by [`add`].
    pub password: Option<&'a str>,
}

/// A login name as PostgreSQL will hold it: 1–63 characters of a–z, 0–9, `_`, `.` and `-`,
/// starting with a letter, and not one of PostgreSQL's own (`pg_…`) or Styrkort's group roles.
pub fn check_login(login: &str) -> Result<String> {
    let l = login.trim();
    let well_formed = !l.is_empty()
        && l.len() <= 63
        && l.starts_with(|c: char| c.is_ascii_lowercase())
        && l.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '_' | '.' | '-'));
    if !well_formed {
        return Err(AppError::validation(msg!(
            "'{l}' kan inte vara ett inloggningsnamn. Använd 1–63 tecken: små bokstäver a–z, siffror, '_', '.' och '-', med en bokstav först (t.ex. anna.berg).",
            "'{l}' cannot be a login name. Use 1–63 characters: lower-case letters a–z, digits, '_', '.' and '-', starting with a letter (e.g. anna.berg)."
        )));
    }
    if l.starts_with("pg_") || l.starts_with("styrkort_") || l == "public" {
        return Err(AppError::validation(msg!(
            "'{l}' är reserverat för databasen. Välj ett annat inloggningsnamn.",
            "'{l}' is reserved by the database. Choose another login name."
        )));
    }
    Ok(l.to_string())
}

/// A generated password: 20 letters and digits, about 119 bits.
pub fn generate_password() -> String {
    const CHARS: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = fastrand::Rng::new();
    (0..20).map(|_| CHARS[rng.usize(..CHARS.len())] as char).collect()
}

fn refused() -> AppError {
    AppError::new(
        ErrorCode::PermissionDenied,
        msg!(
            "Bara kommunens controller kan lägga till, ta bort och lista användare. Be en controller göra det; inget har ändrats.",
            "Only the municipality's controller can add, remove and list users. Ask a controller to do it; nothing has been changed."
        ),
    )
}

/// Refuse (`permission_denied`) unless the logged-in role may manage people: a member of
/// `styrkort_controller`, a superuser or a role with CREATEROLE.
pub fn check_may_manage(db: &mut impl GenericClient) -> Result<()> {
    let row = db.query_one(
        "SELECT r.rolsuper OR r.rolcreaterole OR pg_has_role(current_user, 'styrkort_controller', 'MEMBER')
         FROM pg_roles r WHERE r.rolname = current_user",
        &[],
    )?;
    if row.get::<_, bool>(0) {
        Ok(())
    } else {
        Err(refused())
    }
}

/// A unit by id or name, as `store::units::resolve` finds it: an id, an exact name (any case)
/// or the one name that contains the text.
pub fn resolve_unit(db: &mut impl GenericClient, name_or_id: &str) -> Result<UserUnit> {
    let wanted = name_or_id.trim();
    if let Ok(id) = wanted.parse::<i64>() {
        let row = db.query_opt("SELECT id, name FROM org_unit WHERE id = $1", &[&id])?;
        return row.map(|r| UserUnit { id: r.get(0), name: r.get(1) }).ok_or_else(|| {
            AppError::not_found(msg!(
                "Enheten med id {id} finns inte. Se alla enheter med kommandot 'units'.",
                "The unit with id {id} does not exist. See all units with the command 'units'."
            ))
        });
    }
    let units: Vec<UserUnit> = db
        .query("SELECT id, name FROM org_unit ORDER BY id", &[])?
        .into_iter()
        .map(|r| UserUnit { id: r.get(0), name: r.get(1) })
        .collect();
    let lower = wanted.to_lowercase();
    let exact: Vec<&UserUnit> = units.iter().filter(|u| u.name.to_lowercase() == lower).collect();
    if exact.len() == 1 {
        return Ok(exact[0].clone());
    }
    let partial: Vec<&UserUnit> = units.iter().filter(|u| u.name.to_lowercase().contains(&lower)).collect();
    match partial.len() {
        1 if !lower.is_empty() => Ok(partial[0].clone()),
        0 => Err(AppError::not_found(msg!(
            "Ingen enhet heter '{wanted}'. Se alla enheter med kommandot 'units'.",
            "No unit is called '{wanted}'. See all units with the command 'units'."
        ))),
        _ => Err(AppError::validation(msg!(
            "'{wanted}' passar flera enheter: {}. Skriv hela namnet eller enhetens id.",
            "'{wanted}' matches several units: {}. Write the full name or the unit's id.",
            partial.iter().map(|u| format!("{} (id {})", u.name, u.id)).collect::<Vec<_>>().join(", ")
        ))),
    }
}

fn audit(
    tx: &mut Transaction<'_>,
    ctx: &ChangeContext,
    action: &str,
    login: &str,
    before: Option<String>,
    after: Option<String>,
) -> Result<()> {
    tx.execute(
        "INSERT INTO audit_log(at, user_name, action, entity, entity_id, before, after) VALUES ($1, $2, $3, 'app_user', $4, $5, $6)",
        &[&ctx.at, &ctx.user, &action, &login, &before, &after],
    )?;
    Ok(())
}

/// Add a person: their login role in the role's group, and their units (an editor needs at
/// least one; others have none). Returns the generated password when none was given: it is
/// shown once and kept nowhere. A controller may also manage people (CREATEROLE).
pub fn add(db: &mut Client, ctx: &ChangeContext, new: NewUser<'_>) -> Result<Option<String>> {
    let login = check_login(new.login)?;
    match (new.role, new.units.is_empty()) {
        (Role::Editor, true) => {
            return Err(AppError::validation(msg!(
                "En editor behöver minst en enhet. Ange den med --unit, t.ex. --unit Hemtjänsten.",
                "An editor needs at least one unit. Give it with --unit, e.g. --unit Hemtjänsten."
            )))
        }
        (Role::Controller | Role::Reader, false) => {
            return Err(AppError::validation(msg!(
                "Bara en editor har enheter: en controller ändrar allt och en reader läser allt. Ta bort --unit.",
                "Only an editor has units: a controller changes everything and a reader reads everything. Leave out --unit."
            )))
        }
        _ => {}
    }
    let given = new.password.map(str::to_string);
    if let Some(p) = &given {
        if p.is_empty() || p.chars().any(char::is_control) || p.chars().count() > 200 {
            return Err(AppError::validation(msg!(
                "Lösenordet ska vara en rad text, 1–200 tecken.",
                "The password should be one line of text, 1–200 characters."
            )));
        }
    }
    let password = given.clone().unwrap_or_else(generate_password);
    let verifier = postgres_protocol::password::scram_sha_256(password.as_bytes());

    let mut tx = db.transaction()?;
    check_may_manage(&mut tx)?;
    let mut units = Vec::new();
    for u in new.units {
        let unit = resolve_unit(&mut tx, u)?;
        if !units.contains(&unit) {
            units.push(unit);
        }
    }
    if tx.query_opt("SELECT 1 FROM pg_roles WHERE rolname = $1", &[&login])?.is_some() {
        // Roles are shared by every database of the server: an existing one may belong to
        // another municipality's database, whose rights it would then carry here.
        return Err(AppError::conflict(msg!(
            "Det finns redan en databasanvändare som heter '{login}' på servern. Välj ett annat inloggningsnamn.",
            "There is already a database user called '{login}' on the server. Choose another login name."
        )));
    }
    let createrole = if new.role == Role::Controller { " CREATEROLE" } else { "" };
    let statement: String = tx
        .query_one(
            &format!("SELECT format('CREATE ROLE %I LOGIN{createrole} PASSWORD %L IN ROLE %I', $1::text, $2::text, $3::text)"),
            &[&login, &verifier, &new.role.group()],
        )?
        .get(0);
    tx.batch_execute(&statement)?;
    tx.execute("INSERT INTO app_user(login, role) VALUES ($1, $2)", &[&login, &new.role.as_str()])?;
    for unit in &units {
        tx.execute("INSERT INTO app_user_unit(login, org_unit_id) VALUES ($1, $2)", &[&login, &unit.id])?;
    }
    let after = json!({"role": new.role.as_str(), "units": units.iter().map(|u| u.id).collect::<Vec<_>>()});
    audit(&mut tx, ctx, "insert", &login, None, Some(after.to_string()))?;
    tx.commit()?;
    Ok(if given.is_some() { None } else { Some(password) })
}

/// Remove a person of this database: their login role and their rows. Their audit rows stay.
pub fn remove(db: &mut Client, ctx: &ChangeContext, login: &str) -> Result<()> {
    let login = check_login(login)?;
    let mut tx = db.transaction()?;
    check_may_manage(&mut tx)?;
    let Some(role) = tx.query_opt("SELECT role FROM app_user WHERE login = $1", &[&login])? else {
        return Err(AppError::not_found(msg!(
            "'{login}' är ingen användare i den här databasen. Se alla med 'styrkort users list'.",
            "'{login}' is not a user of this database. See them all with 'styrkort users list'."
        )));
    };
    let role: String = role.get(0);
    let me: String = tx.query_one("SELECT session_user::text", &[])?.get(0);
    if me == login {
        return Err(AppError::validation(msg!(
            "Du kan inte ta bort dig själv. Be en annan controller göra det.",
            "You cannot remove yourself. Ask another controller to do it."
        )));
    }
    tx.execute("DELETE FROM app_user WHERE login = $1", &[&login])?;
    if tx.query_opt("SELECT 1 FROM pg_roles WHERE rolname = $1", &[&login])?.is_some() {
        let statement: String = tx.query_one("SELECT format('DROP ROLE %I', $1::text)", &[&login])?.get(0);
        tx.batch_execute(&statement)?;
    }
    audit(&mut tx, ctx, "delete", &login, Some(json!({"role": role}).to_string()), None)?;
    tx.commit()?;
    Ok(())
}

/// Every person of this database with their role and units, by login.
pub fn list(db: &mut Client) -> Result<Vec<AppUser>> {
    check_may_manage(db)?;
    let rows = db.query(
        "SELECT u.login, u.role, o.id, o.name
         FROM app_user u LEFT JOIN app_user_unit au ON au.login = u.login LEFT JOIN org_unit o ON o.id = au.org_unit_id
         ORDER BY u.login, o.name, o.id",
        &[],
    )?;
    let mut users: Vec<AppUser> = Vec::new();
    for r in rows {
        let login: String = r.get(0);
        if users.last().map(|u| u.login != login).unwrap_or(true) {
            users.push(AppUser { login: login.clone(), role: Role::parse(r.get::<_, &str>(1))?, units: Vec::new() });
        }
        if let (Some(id), Some(name), Some(user)) = (r.get::<_, Option<i64>>(2), r.get::<_, Option<String>>(3), users.last_mut()) {
            user.units.push(UserUnit { id, name });
        }
    }
    Ok(users)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn login_names_are_plain_identifiers() {
        assert_eq!(check_login(" anna.berg ").unwrap(), "anna.berg");
        assert_eq!(check_login("a_1-x").unwrap(), "a_1-x");
        for bad in ["", "Anna", "1anna", "anna berg", "an\"na", "anna;drop", &"a".repeat(64), "pg_monitor", "styrkort_controller"] {
            assert_eq!(check_login(bad).unwrap_err().code, ErrorCode::Validation, "{bad}");
        }
    }

    #[test]
    fn generated_passwords_are_20_unambiguous_characters_and_differ() {
        let (a, b) = (generate_password(), generate_password());
        assert_eq!(a.chars().count(), 20);
        assert!(a.chars().all(|c| c.is_ascii_alphanumeric() && !"0O1lI".contains(c)));
        assert_ne!(a, b);
    }
}
