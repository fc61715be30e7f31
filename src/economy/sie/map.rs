//! How an SIE file maps onto Styrkort, set once and reused: account ranges onto the lines of
//! the resultaträkning and balansräkning, objects (ansvar, verksamhet …) onto nämnder,
//! förvaltningar and bolag, and projects (dimension 6) onto investment projects.
//!
//! **Accounts.** With no stored ranges the Kommun-Bas 13 defaults below apply (class 3
//! revenue; 4–7 costs, with group 68 depreciation apart; 80–81 tax; 82–83 generella
//! statsbidrag och utjämning; 84 financial income; 85 financial costs; 86–88 extraordinary;
//! classes 1 and 2 to the balance sheet's groups). The first edit stores the defaults and
//! then the change, so a municipality adjusts the plan instead of starting from nothing.
//! Ranges never overlap. Accounts outside every range (89 årets resultat, class 9 …) are not
//! summed; the preview lists those with amounts.
//!
//! **Objects.** A stored mapping wins. An object without one whose name is the name of an
//! active nämnd, förvaltning or bolag is suggested for it, and the suggestion is stored when
//! the import is applied. A dimension 6 object maps to the investment project of the plan year
//! with the same code unless stored otherwise.

use std::collections::BTreeMap;

use crate::economy::statement::{self, LineKind, Statement};
use crate::error::{AppError, Result};
use crate::model::UnitKind;
use crate::msg;
use crate::store::sie_map::{self, StoredObject};
use crate::store::{units, Read, Writer};

/// The SIE dimension of projects.
pub const PROJECT_DIMENSION: u32 = 6;

/// A range of accounts summed into one line.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
#[ts(export)]
pub struct AccountRange {
    pub first: u32,
    pub last: u32,
    pub row_key: String,
}

/// What an object maps to.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum ObjectTarget {
    /// A nämnd's, förvaltning's or bolag's driftredovisning (the org unit's id).
    Unit(i64),
    /// An investment project, by its code.
    Project(String),
}

/// The mapping in force.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mapping {
    pub accounts: Vec<AccountRange>,
    /// No ranges are stored: the Kommun-Bas defaults apply.
    pub default_accounts: bool,
    pub objects: BTreeMap<(u32, String), ObjectTarget>,
}

const DEFAULTS: &[(u32, u32, &str)] = &[
    (1000, 1099, "br.intangible"),
    (1100, 1199, "br.land_buildings"),
    (1200, 1299, "br.machinery"),
    (1300, 1399, "br.financial_assets"),
    (1400, 1499, "br.inventories"),
    (1500, 1799, "br.receivables"),
    (1800, 1899, "br.short_investments"),
    (1900, 1999, "br.cash"),
    (2000, 2009, "br.equity_other"),
    (2010, 2019, "br.equity_result"),
    (2020, 2029, "br.equity_reserve"),
    (2030, 2099, "br.equity_other"),
    (2100, 2229, "br.provision_pensions"),
    (2230, 2299, "br.provision_other"),
    (2300, 2399, "br.long_term_debt"),
    (2400, 2999, "br.short_term_debt"),
    (3000, 3999, "rr.revenue"),
    (4000, 6799, "rr.costs"),
    (6800, 6899, "rr.depreciation"),
    (6900, 7999, "rr.costs"),
    (8000, 8199, "rr.tax"),
    (8200, 8399, "rr.grants"),
    (8400, 8499, "rr.financial_income"),
    (8500, 8599, "rr.financial_costs"),
    (8600, 8899, "rr.extraordinary"),
];

/// The Kommun-Bas 13 defaults.
pub fn default_ranges() -> Vec<AccountRange> {
    DEFAULTS.iter().map(|(first, last, key)| AccountRange { first: *first, last: *last, row_key: key.to_string() }).collect()
}

/// The line of the resultaträkning or balansräkning this key names, if an import may fill it.
pub fn mappable_line(row_key: &str) -> Option<&'static statement::Line> {
    statement::line(row_key).filter(|l| l.kind == LineKind::Entered && matches!(l.statement, Statement::Income | Statement::Balance))
}

/// Whether a balance-sheet line is on the side of equity, provisions and liabilities (class 2:
/// credit balances, negated to show positive).
pub fn is_liability_side(row_key: &str) -> bool {
    row_key.starts_with("br.equity") || row_key.starts_with("br.provision") || row_key.ends_with("_debt")
}

impl Mapping {
    /// The mapping stored in the database (defaults for the accounts when none are stored).
    pub fn load(db: Read<'_>) -> Result<Mapping> {
        let stored = sie_map::account_ranges(db)?;
        let default_accounts = stored.is_empty();
        let accounts = if default_accounts {
            default_ranges()
        } else {
            stored.into_iter().map(|(first, last, row_key)| AccountRange { first, last, row_key }).collect()
        };
        let objects = sie_map::objects(db)?
            .into_iter()
            .filter_map(|o| {
                let target = match (o.org_unit_id, o.project_code) {
                    (Some(u), _) => ObjectTarget::Unit(u),
                    (None, Some(p)) => ObjectTarget::Project(p),
                    (None, None) => return None,
                };
                Some(((o.dimension, o.code), target))
            })
            .collect();
        Ok(Mapping { accounts, default_accounts, objects })
    }

    /// The line an account sums into.
    pub fn line_of(&self, account: u32) -> Option<&str> {
        self.accounts.iter().find(|r| (r.first..=r.last).contains(&account)).map(|r| r.row_key.as_str())
    }
}

/// The kinds of unit an object may map to: those with a driftredovisning.
fn operating_unit(kind: UnitKind) -> bool {
    matches!(kind, UnitKind::Namnd | UnitKind::Forvaltning | UnitKind::Bolag)
}

/// Suggestions by name: an object's name equal to an active nämnd's, förvaltning's or
/// bolag's name (ignoring case and surrounding spaces).
pub fn suggest_by_name(db: Read<'_>, objects: &BTreeMap<(u32, String), String>, mapping: &Mapping) -> Result<BTreeMap<(u32, String), i64>> {
    let units: Vec<_> = units::all(db)?.into_iter().filter(|u| u.active && operating_unit(u.kind)).collect();
    let mut out = BTreeMap::new();
    for (key, name) in objects {
        if mapping.objects.contains_key(key) || key.0 == PROJECT_DIMENSION {
            continue;
        }
        let wanted = name.trim().to_lowercase();
        let mut matches = units.iter().filter(|u| u.name.trim().to_lowercase() == wanted);
        if let (Some(u), None) = (matches.next(), matches.next()) {
            out.insert(key.clone(), u.id);
        }
    }
    Ok(out)
}

/// Check a range and the line it names.
fn check_range(first: u32, last: u32, row_key: &str) -> Result<()> {
    if !(1000..=9999).contains(&first) || !(1000..=9999).contains(&last) || last < first {
        return Err(AppError::validation(msg!(
            "Kontointervallet {first}–{last} går inte: konton är fyrsiffriga (1000–9999) och det första får inte vara större än det sista.",
            "The account range {first}–{last} is not possible: accounts have four digits (1000–9999) and the first may not be larger than the last."
        )));
    }
    if mappable_line(row_key).is_none() {
        let keys: Vec<&str> = statement::LINES.iter().filter(|l| mappable_line(l.key).is_some()).map(|l| l.key).collect::<Vec<_>>();
        return Err(AppError::validation(msg!(
            "'{row_key}' är ingen rad i resultat- eller balansräkningen som kan få belopp. Välj en av: {keys}.",
            "'{row_key}' is not a line of the income statement or balance sheet that takes amounts. Choose one of: {keys}.",
            keys = keys.join(", ")
        )));
    }
    Ok(())
}

/// Map the accounts `first`–`last` to `row_key`. The first edit stores the defaults first.
/// Refused if the range overlaps a stored one (remove that first).
pub fn set_account_range(w: &mut Writer<'_>, first: u32, last: u32, row_key: &str) -> Result<()> {
    check_range(first, last, row_key)?;
    if sie_map::account_ranges(w.read())?.is_empty() {
        for r in default_ranges() {
            sie_map::insert_account_range(w, r.first, r.last, &r.row_key)?;
        }
    }
    let stored = sie_map::account_ranges(w.read())?;
    if let Some((f, l, key)) = stored.iter().find(|(f, l, _)| *f <= last && first <= *l) {
        return Err(AppError::conflict(msg!(
            "Kontona {first}–{last} överlappar intervallet {f}–{l} ({key}). Ta bort det först med 'ekonomi koppling ta-bort-konto {f}', eller välj ett intervall som inte överlappar.",
            "The accounts {first}–{last} overlap the range {f}–{l} ({key}). Remove it first with 'ekonomi koppling ta-bort-konto {f}', or choose a range that does not overlap."
        )));
    }
    sie_map::insert_account_range(w, first, last, row_key)
}

/// Remove the range that starts at `first`. The first edit stores the defaults first.
pub fn remove_account_range(w: &mut Writer<'_>, first: u32) -> Result<()> {
    if sie_map::account_ranges(w.read())?.is_empty() {
        for r in default_ranges() {
            sie_map::insert_account_range(w, r.first, r.last, &r.row_key)?;
        }
    }
    if !sie_map::delete_account_range(w, first)? {
        return Err(AppError::not_found(msg!(
            "Inget kontointervall börjar på {first}. Se kopplingen med 'ekonomi koppling visa'.",
            "No account range starts at {first}. See the mapping with 'ekonomi koppling visa'."
        )));
    }
    Ok(())
}

/// Go back to the Kommun-Bas defaults: remove every stored range.
pub fn reset_account_ranges(w: &mut Writer<'_>) -> Result<()> {
    for (first, _, _) in sie_map::account_ranges(w.read())? {
        sie_map::delete_account_range(w, first)?;
    }
    Ok(())
}

fn check_code(dimension: u32, code: &str) -> Result<String> {
    let code = code.trim();
    if dimension == 0 || code.is_empty() || code.chars().any(char::is_control) || code.chars().count() > 100 {
        return Err(AppError::validation(msg!(
            "Ange dimension (ett heltal från 1) och objektets kod, t.ex. 1 300.",
            "Give the dimension (a whole number from 1) and the object's code, e.g. 1 300."
        )));
    }
    Ok(code.to_string())
}

/// Map an object to a nämnd, förvaltning or bolag (its driftredovisning).
pub fn set_object_unit(w: &mut Writer<'_>, dimension: u32, code: &str, org_unit_id: i64) -> Result<()> {
    let code = check_code(dimension, code)?;
    let unit = units::get(w.read(), org_unit_id)?;
    if !operating_unit(unit.kind) {
        return Err(AppError::validation(msg!(
            "{name} är ingen nämnd, förvaltning eller bolag; ett objekt kopplas till den som har driftredovisningen.",
            "{name} is not a nämnd, förvaltning or bolag; an object is mapped to the one whose operating accounts it holds.",
            name = unit.name
        )));
    }
    sie_map::set_object(w, &StoredObject { dimension, code, org_unit_id: Some(org_unit_id), project_code: None })
}

/// Map an object to an investment project by the project's code.
pub fn set_object_project(w: &mut Writer<'_>, dimension: u32, code: &str, project_code: &str) -> Result<()> {
    let code = check_code(dimension, code)?;
    let project = check_code(dimension, project_code)?;
    sie_map::set_object(w, &StoredObject { dimension, code, org_unit_id: None, project_code: Some(project) })
}

/// Remove an object's mapping.
pub fn remove_object(w: &mut Writer<'_>, dimension: u32, code: &str) -> Result<()> {
    if !sie_map::delete_object(w, dimension, code.trim())? {
        return Err(AppError::not_found(msg!(
            "Objektet {dimension} {code} har ingen sparad koppling.",
            "The object {dimension} {code} has no stored mapping."
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_cover_the_classes_without_overlap_and_name_real_lines() {
        let d = default_ranges();
        for pair in d.windows(2) {
            assert!(pair[0].last < pair[1].first, "{pair:?}");
        }
        for r in &d {
            assert!(mappable_line(&r.row_key).is_some(), "{}", r.row_key);
        }
        let m = Mapping { accounts: d, default_accounts: true, objects: BTreeMap::new() };
        assert_eq!(m.line_of(3010), Some("rr.revenue"));
        assert_eq!(m.line_of(5010), Some("rr.costs"));
        assert_eq!(m.line_of(6810), Some("rr.depreciation"));
        assert_eq!(m.line_of(7010), Some("rr.costs"));
        assert_eq!(m.line_of(8010), Some("rr.tax"));
        assert_eq!(m.line_of(8310), Some("rr.grants"));
        assert_eq!(m.line_of(8410), Some("rr.financial_income"));
        assert_eq!(m.line_of(8510), Some("rr.financial_costs"));
        assert_eq!(m.line_of(1181), Some("br.land_buildings"));
        assert_eq!(m.line_of(2210), Some("br.provision_pensions"));
        assert_eq!(m.line_of(2350), Some("br.long_term_debt"));
        assert_eq!(m.line_of(8999), None, "årets resultat is not summed");
        assert!(is_liability_side("br.equity_result") && is_liability_side("br.short_term_debt") && !is_liability_side("br.cash"));
    }

    #[test]
    fn sums_and_the_balance_requirement_cannot_be_mapped() {
        assert!(mappable_line("rr.net_cost").is_none());
        assert!(mappable_line("bk.gains").is_none());
        assert!(mappable_line("br.total_assets").is_none());
        assert!(mappable_line("rr.costs").is_some());
        assert!(check_range(3000, 2999, "rr.revenue").is_err());
        assert!(check_range(999, 2999, "rr.revenue").is_err());
    }
}
