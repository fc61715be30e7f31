//! Shortcuts on [`Store`] for the lookups nearly every feature makes. Each one is a
//! repository read (units, plan, periods, values, indicators, settings, journal) on
//! [`Store::read`]; the SQL lives in those modules.

use super::{database_file, indicators, journal, periods, plan, settings, units, values, Store};
use crate::error::Result;
use crate::model::{IndicatorValue, OrgUnit, Period, PlanYear, ScaleStep, UnitNode};

impl Store {
    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        settings::get(self.read(), key)
    }

    /// True when the database holds no organisation yet.
    pub fn is_empty(&self) -> Result<bool> {
        units::is_empty(self.read())
    }

    pub fn units(&self) -> Result<Vec<OrgUnit>> {
        units::all(self.read())
    }

    pub fn unit(&self, id: i64) -> Result<OrgUnit> {
        units::get(self.read(), id)
    }

    /// The organisation as a tree, top unit first, children in their set order.
    pub fn unit_tree(&self) -> Result<Vec<UnitNode>> {
        units::tree(self.read())
    }

    /// Find a unit by id or by name (exact, case-insensitive; else a unique partial match).
    pub fn resolve_unit(&self, name_or_id: &str) -> Result<OrgUnit> {
        units::resolve(self.read(), name_or_id)
    }

    pub fn plan_years(&self) -> Result<Vec<PlanYear>> {
        plan::years(self.read())
    }

    pub fn plan_year(&self, year: i32) -> Result<PlanYear> {
        plan::year(self.read(), year)
    }

    pub fn scale(&self, year: i32) -> Result<Vec<ScaleStep>> {
        plan::scale(self.read(), year)
    }

    /// The periods of a plan year in time order (shorter before longer at the same end).
    pub fn periods(&self, year: i32) -> Result<Vec<Period>> {
        periods::of_year(self.read(), year)
    }

    /// Find a period of `year` by its id or user-facing key.
    pub fn resolve_period(&self, year: i32, text: &str) -> Result<Period> {
        periods::resolve(self.read(), year, text)
    }

    /// The period a user most likely means (see [`periods::default_for`]).
    pub fn default_period(&self, year: i32, today: chrono::NaiveDate) -> Result<Period> {
        periods::default_for(self.read(), year, today)
    }

    pub fn period(&self, id: i64) -> Result<Period> {
        periods::get(self.read(), id)
    }

    /// The schema version written in the open file (`PRAGMA user_version`): what "Om Styrkort"
    /// shows beside the version this build writes.
    pub fn schema_version_in_file(&self) -> Result<i64> {
        database_file::schema_version_of(self.read())
    }

    /// Count rows in the audit log (for tests and the status bar).
    pub fn audit_count(&self) -> Result<i64> {
        journal::audit_count(self.read())
    }

    /// A summary of what the database holds, per table, for tests and restore previews.
    pub fn counts(&self) -> Result<Vec<(String, i64)>> {
        super::table_counts(self.read())
    }

    /// Every stored value of an indicator, oldest period first.
    pub fn indicator_values(&self, indicator_id: i64) -> Result<Vec<IndicatorValue>> {
        values::of_indicator(self.read(), indicator_id)
    }

    /// The unit whose values an indicator's traffic light reads (its owner).
    pub fn indicator_owner(&self, indicator_id: i64) -> Result<i64> {
        indicators::owner(self.read(), indicator_id)
    }

    /// Targets of an indicator per year, oldest first.
    pub fn indicator_targets(&self, indicator_id: i64) -> Result<Vec<(i32, f64)>> {
        indicators::targets(self.read(), indicator_id)
    }
}
