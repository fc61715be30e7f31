//! Read queries. They return domain types; no SQL leaves the store.

use rusqlite::{OptionalExtension, Row};

use super::Store;
use crate::error::{AppError, Result};
use crate::model::{IndicatorValue, OrgUnit, Period, PeriodKind, PeriodRef, PlanYear, ScaleStep, UnitNode};

fn unit_from_row(r: &Row<'_>) -> rusqlite::Result<OrgUnit> {
    Ok(OrgUnit {
        id: r.get(0)?,
        parent_id: r.get(1)?,
        kind: r.get(2)?,
        name: r.get(3)?,
        kolada_id: r.get(4)?,
        sort_order: r.get(5)?,
        active: r.get(6)?,
    })
}

const UNIT_COLUMNS: &str = "id, parent_id, kind, name, kolada_id, sort_order, active";
const PERIOD_COLUMNS: &str = "id, plan_year, kind, seq, name, start_date, end_date, deadline, locked";

pub(crate) fn period_from_row(r: &Row<'_>) -> rusqlite::Result<Period> {
    let year: i32 = r.get(1)?;
    let kind: PeriodKind = r.get(2)?;
    let seq: i32 = r.get(3)?;
    Ok(Period {
        id: r.get(0)?,
        plan_year: year,
        kind,
        seq,
        key: kind.key(year, seq),
        name: r.get(4)?,
        start_date: r.get(5)?,
        end_date: r.get(6)?,
        deadline: r.get(7)?,
        locked: r.get(8)?,
    })
}

impl Store {
    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        Ok(self.conn().query_row("SELECT value FROM setting WHERE key=?1", [key], |r| r.get(0)).optional()?)
    }

    /// True when the database holds no organisation yet.
    pub fn is_empty(&self) -> Result<bool> {
        let n: i64 = self.conn().query_row("SELECT COUNT(*) FROM org_unit", [], |r| r.get(0))?;
        Ok(n == 0)
    }

    pub fn units(&self) -> Result<Vec<OrgUnit>> {
        let mut stmt =
            self.conn().prepare(&format!("SELECT {UNIT_COLUMNS} FROM org_unit ORDER BY parent_id IS NOT NULL, sort_order, name"))?;
        let rows = stmt.query_map([], unit_from_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    pub fn unit(&self, id: i64) -> Result<OrgUnit> {
        self.conn()
            .query_row(&format!("SELECT {UNIT_COLUMNS} FROM org_unit WHERE id=?1"), [id], unit_from_row)
            .optional()?
            .ok_or_else(|| AppError::not_found(format!("Enheten med id {id} finns inte.")))
    }

    /// The organisation as a tree, top unit first, children in their set order.
    pub fn unit_tree(&self) -> Result<Vec<UnitNode>> {
        let units = self.units()?;
        fn build(parent: Option<i64>, units: &[OrgUnit], depth: usize) -> Vec<UnitNode> {
            if depth > 64 {
                return Vec::new();
            }
            let mut children: Vec<&OrgUnit> = units.iter().filter(|u| u.parent_id == parent).collect();
            children.sort_by(|a, b| a.sort_order.cmp(&b.sort_order).then_with(|| a.name.cmp(&b.name)));
            children.into_iter().map(|u| UnitNode { unit: u.clone(), children: build(Some(u.id), units, depth + 1) }).collect()
        }
        Ok(build(None, &units, 0))
    }

    /// Find a unit by id or by name (exact, case-insensitive; else a unique partial match).
    pub fn resolve_unit(&self, name_or_id: &str) -> Result<OrgUnit> {
        let wanted = name_or_id.trim();
        if let Ok(id) = wanted.parse::<i64>() {
            return self.unit(id);
        }
        let units = self.units()?;
        let lower = wanted.to_lowercase();
        let exact: Vec<&OrgUnit> = units.iter().filter(|u| u.name.to_lowercase() == lower).collect();
        if exact.len() == 1 {
            return Ok(exact[0].clone());
        }
        let partial: Vec<&OrgUnit> = units.iter().filter(|u| u.name.to_lowercase().contains(&lower)).collect();
        match partial.len() {
            1 if !lower.is_empty() => Ok(partial[0].clone()),
            0 => Err(AppError::not_found(format!("Ingen enhet heter '{wanted}'. Se alla enheter med kommandot 'units'."))),
            _ => Err(AppError::validation(format!(
                "'{wanted}' passar flera enheter: {}. Skriv hela namnet eller enhetens id.",
                partial.iter().map(|u| format!("{} (id {})", u.name, u.id)).collect::<Vec<_>>().join(", ")
            ))),
        }
    }

    pub fn plan_years(&self) -> Result<Vec<PlanYear>> {
        let mut stmt = self
            .conn()
            .prepare("SELECT y.year, y.vision, s.steps FROM plan_year y JOIN assessment_scale s ON s.id = y.scale_id ORDER BY y.year")?;
        let rows = stmt
            .query_map([], |r| Ok(PlanYear { year: r.get(0)?, vision: r.get(1)?, scale_steps: r.get(2)? }))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    pub fn plan_year(&self, year: i32) -> Result<PlanYear> {
        self.plan_years()?
            .into_iter()
            .find(|y| y.year == year)
            .ok_or_else(|| AppError::not_found(format!("Planåret {year} finns inte. Se vilka år som finns med kommandot 'periods'.")))
    }

    pub fn scale(&self, year: i32) -> Result<Vec<ScaleStep>> {
        let mut stmt = self.conn().prepare(
            "SELECT st.step, st.label, st.colour, st.status FROM plan_year y JOIN assessment_step st ON st.scale_id = y.scale_id
             WHERE y.year = ?1 ORDER BY st.step",
        )?;
        let rows = stmt
            .query_map([year], |r| Ok(ScaleStep { step: r.get(0)?, label: r.get(1)?, colour: r.get(2)?, status: r.get(3)? }))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// The periods of a plan year in time order (shorter before longer at the same end).
    pub fn periods(&self, year: i32) -> Result<Vec<Period>> {
        self.plan_year(year)?;
        let mut stmt = self
            .conn()
            .prepare(&format!("SELECT {PERIOD_COLUMNS} FROM follow_up_period WHERE plan_year=?1 ORDER BY end_date, start_date DESC"))?;
        let rows = stmt.query_map([year], period_from_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// Find a period of `year` by its id or user-facing key.
    pub fn resolve_period(&self, year: i32, text: &str) -> Result<Period> {
        let periods = self.periods(year)?;
        if let Ok(id) = text.trim().parse::<i64>() {
            if let Some(p) = periods.iter().find(|p| p.id == id) {
                return Ok(p.clone());
            }
        }
        let r = PeriodRef::parse(text)?;
        let year_of_ref = r.year.unwrap_or(year);
        periods.into_iter().find(|p| p.kind == r.kind && p.seq == r.seq && p.plan_year == year_of_ref).ok_or_else(|| {
            AppError::not_found(format!(
                "Perioden '{}' finns inte för {year}. Se vilka perioder som finns med 'periods --year {year}'.",
                text.trim()
            ))
        })
    }

    /// The period a user most likely means: the latest whole-year-style period (not a
    /// month) that has ended by `today`; else the first period of the year.
    pub fn default_period(&self, year: i32, today: chrono::NaiveDate) -> Result<Period> {
        let periods = self.periods(year)?;
        let today = today.format("%Y-%m-%d").to_string();
        let candidates: Vec<&Period> = periods.iter().filter(|p| p.kind != PeriodKind::Month).collect();
        candidates
            .iter()
            .rev()
            .find(|p| p.end_date <= today)
            .or_else(|| candidates.first())
            .map(|p| (*p).clone())
            .or_else(|| periods.first().cloned())
            .ok_or_else(|| AppError::not_found(format!("Planåret {year} har inga uppföljningsperioder ännu.")))
    }

    pub fn period(&self, id: i64) -> Result<Period> {
        self.conn()
            .query_row(&format!("SELECT {PERIOD_COLUMNS} FROM follow_up_period WHERE id=?1"), [id], period_from_row)
            .optional()?
            .ok_or_else(|| AppError::not_found(format!("Perioden med id {id} finns inte.")))
    }

    /// Count rows in the audit log (for tests and the status bar).
    pub fn audit_count(&self) -> Result<i64> {
        Ok(self.conn().query_row("SELECT COUNT(*) FROM audit_log", [], |r| r.get(0))?)
    }

    /// A summary of what the database holds, per table, for tests and restore previews.
    pub fn counts(&self) -> Result<Vec<(String, i64)>> {
        let tables = [
            "org_unit",
            "plan_year",
            "perspective",
            "goal",
            "goal_link",
            "indicator",
            "indicator_target",
            "indicator_value",
            "activity",
            "follow_up_period",
            "assessment",
            "audit_log",
        ];
        tables
            .iter()
            .map(|t| {
                let n: i64 = self.conn().query_row(&format!("SELECT COUNT(*) FROM {t}"), [], |r| r.get(0))?;
                Ok((t.to_string(), n))
            })
            .collect()
    }

    /// Every stored value of an indicator (all units, periods and genders), oldest period
    /// first; of periods ending the same day, the shorter first.
    pub fn indicator_values(&self, indicator_id: i64) -> Result<Vec<IndicatorValue>> {
        let mut stmt = self.conn().prepare_cached(&format!(
            "SELECT {}, v.indicator_id, v.org_unit_id, v.gender, v.value, v.source, v.changed_at, v.changed_by
             FROM indicator_value v JOIN follow_up_period p ON p.id = v.period_id
             WHERE v.indicator_id = ?1 ORDER BY p.end_date, p.start_date DESC, v.org_unit_id, v.gender",
            PERIOD_COLUMNS.split(", ").map(|c| format!("p.{c}")).collect::<Vec<_>>().join(", ")
        ))?;
        let rows = stmt
            .query_map([indicator_id], |r| {
                Ok(IndicatorValue {
                    period: period_from_row(r)?,
                    indicator_id: r.get(9)?,
                    org_unit_id: r.get(10)?,
                    gender: r.get(11)?,
                    value: r.get(12)?,
                    source: r.get(13)?,
                    changed_at: r.get(14)?,
                    changed_by: r.get(15)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// The unit whose values an indicator's traffic light reads (its owner).
    pub fn indicator_owner(&self, indicator_id: i64) -> Result<i64> {
        self.conn()
            .query_row("SELECT owner_unit_id FROM indicator WHERE id=?1", [indicator_id], |r| r.get(0))
            .optional()?
            .ok_or_else(|| AppError::not_found(format!("Nyckeltalet (id {indicator_id}) finns inte.")))
    }

    /// Targets of an indicator per year, oldest first.
    pub fn indicator_targets(&self, indicator_id: i64) -> Result<Vec<(i32, f64)>> {
        let mut stmt = self.conn().prepare_cached("SELECT year, target FROM indicator_target WHERE indicator_id=?1 ORDER BY year")?;
        let rows = stmt.query_map([indicator_id], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }
}
