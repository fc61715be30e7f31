//! Repository for `indicator_value`: an indicator's values per unit, period and gender.

use super::sql::{params, OptionalExtension};
use serde_json::{json, Value};

use super::periods::{period_from_row, PERIOD_COLUMNS};
use super::row_version::{self, Seen, Statements, Subject, Thing};
use super::{Read, Writer};
use crate::error::{AppError, Result};
use crate::model::{Gender, IndicatorValue, ValueSource};
use crate::msg;

pub fn at(db: Read<'_>, indicator_id: i64, unit_id: i64, period_id: i64, gender: &str) -> Result<Option<f64>> {
    Ok(db
        .conn()
        .query_row(
            "SELECT value FROM indicator_value WHERE indicator_id=?1 AND org_unit_id=?2 AND period_id=?3 AND gender=?4",
            params![indicator_id, unit_id, period_id, gender],
            |r| r.get(0),
        )
        .optional()?)
}

/// Every stored value of an indicator (all units, periods and genders), oldest period
/// first; of periods ending the same day, the shorter first.
pub fn of_indicator(db: Read<'_>, indicator_id: i64) -> Result<Vec<IndicatorValue>> {
    let mut stmt = db.conn().prepare_cached(&format!(
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
        .collect::<super::sql::Result<Vec<_>>>()?;
    Ok(rows)
}

// Reads for the scorecard and the reports. Sets of ids are one JSON array.

// Both joins below are CROSS JOINs (conditions in WHERE: PostgreSQL takes no ON after
// CROSS JOIN): SQLite then keeps the JSON list as the outer loop and
// finds each (indicator, unit) by the primary key. With a plain JOIN the planner may walk every
// value of the period instead and scan the list for each (a roll-up of 400 units took 36 s).
const AT_UNITS_IN_PERIOD: &str = "SELECT v.indicator_id, v.gender, v.value, v.source FROM json_each(?2) j
     CROSS JOIN indicator_value v
     WHERE v.indicator_id = CAST(j.value ->> 0 AS BIGINT) AND v.org_unit_id = CAST(j.value ->> 1 AS BIGINT) AND v.period_id = ?1";
/// Above this many pairs a period's values are read whole and filtered (see
/// [`at_units_in_period`]); below, each pair is a key lookup.
const WHOLE_PERIOD_ABOVE: usize = 500;
const IN_PERIOD: &str = "SELECT indicator_id, org_unit_id, gender, value, source FROM indicator_value WHERE period_id = ?1";
const TOTALS_AT_UNITS: &str = "SELECT v.indicator_id, v.period_id, v.value, v.source FROM json_each(?1) j
     CROSS JOIN indicator_value v
     WHERE v.indicator_id = CAST(j.value ->> 0 AS BIGINT) AND v.org_unit_id = CAST(j.value ->> 1 AS BIGINT) AND v.gender = 'T'";

/// The values of (indicator, unit) `pairs` in one period, every gender: indicator → values.
pub fn at_units_in_period(
    db: Read<'_>,
    period_id: i64,
    pairs: &[(i64, i64)],
) -> Result<rustc_hash::FxHashMap<i64, crate::model::GenderValues>> {
    read_at_units_in_period(db, period_id, pairs, pairs.len() > WHOLE_PERIOD_ABOVE)
}

fn read_at_units_in_period(
    db: Read<'_>,
    period_id: i64,
    pairs: &[(i64, i64)],
    whole_period: bool,
) -> Result<rustc_hash::FxHashMap<i64, crate::model::GenderValues>> {
    let mut out: rustc_hash::FxHashMap<i64, crate::model::GenderValues> = rustc_hash::FxHashMap::default();
    let mut put = |indicator: i64, gender: crate::model::Gender, value: f64, source: crate::model::ValueSource| {
        let e = out.entry(indicator).or_default();
        match gender {
            crate::model::Gender::T => e.total = Some((value, source)),
            crate::model::Gender::K => e.women = Some(value),
            crate::model::Gender::M => e.men = Some(value),
        }
    };
    if whole_period {
        // Many pairs (a roll-up): one key lookup per pair would read most of the key index's
        // pages; the period's own index holds its values together, so read them and keep those
        // asked for.
        let wanted: rustc_hash::FxHashSet<(i64, i64)> = pairs.iter().copied().collect();
        let mut stmt = db.conn().prepare_cached(IN_PERIOD)?;
        let mut rows = stmt.query([period_id])?;
        while let Some(r) = rows.next()? {
            if wanted.contains(&(r.get(0)?, r.get(1)?)) {
                put(r.get(0)?, r.get(2)?, r.get(3)?, r.get(4)?);
            }
        }
    } else {
        let mut stmt = db.conn().prepare_cached(AT_UNITS_IN_PERIOD)?;
        let mut rows = stmt.query(params![period_id, super::ids::pairs(pairs)])?;
        while let Some(r) = rows.next()? {
            put(r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?);
        }
    }
    Ok(out)
}

/// Every total value of (indicator, unit) `pairs`: (indicator, period, value, source).
pub fn totals_at_units(db: Read<'_>, pairs: &[(i64, i64)]) -> Result<Vec<(i64, i64, f64, crate::model::ValueSource)>> {
    let mut stmt = db.conn().prepare_cached(TOTALS_AT_UNITS)?;
    let rows = stmt
        .query_map([super::ids::pairs(pairs)], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<super::sql::Result<Vec<_>>>()?;
    Ok(rows)
}

/// An indicator's history: every stored value (all units, periods and genders) by period id,
/// in no particular order, handed to `each` one row at a time (a large workbook reads hundreds
/// of thousands; who changed them is borrowed from the row, not copied). The one read of a
/// history for the reports (the workbook's value sheets); a trend chart reads [`owner_totals`].
pub fn history(db: Read<'_>, indicator_id: i64, mut each: impl FnMut(crate::model::StoredValue<'_>) -> Result<()>) -> Result<()> {
    let mut stmt = db.conn().prepare_cached(
        "SELECT period_id, org_unit_id, gender, value, source, changed_by, changed_at FROM indicator_value WHERE indicator_id=?1",
    )?;
    let mut rows = stmt.query([indicator_id])?;
    while let Some(r) = rows.next()? {
        each(crate::model::StoredValue {
            period_id: r.get(0)?,
            org_unit_id: r.get(1)?,
            gender: r.get(2)?,
            value: r.get(3)?,
            source: r.get(4)?,
            changed_by: r.get_ref(5)?.as_str()?,
            changed_at: r.get_ref(6)?.as_str()?,
        })?;
    }
    Ok(())
}

/// An indicator's own series: its total values at its owner, (period id, value), in no
/// particular order. What a trend chart draws: [`history`] without the other units, the
/// genders and who changed what, which the delårsrapport would read for every indicator and
/// throw away.
pub fn owner_totals(db: Read<'_>, indicator_id: i64) -> Result<Vec<(i64, f64)>> {
    let mut stmt = db.conn().prepare_cached(
        "SELECT v.period_id, v.value FROM indicator i JOIN indicator_value v ON v.indicator_id = i.id AND v.org_unit_id = i.owner_unit_id
         WHERE i.id = ?1 AND v.gender = 'T'",
    )?;
    let rows = stmt.query_map([indicator_id], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<super::sql::Result<Vec<_>>>()?;
    Ok(rows)
}

// ---------------------------------------------------------------------------
// Follow-up: the value grid, cell saves, exchange files and generated data.

/// A value of the grid: (indicator, period, gender, value, row version).
pub type GridValue = (i64, i64, Gender, f64, i64);

/// Values of the indicators `unit_id` owns, entered for that unit in plan year `year`:
/// (indicator, period, gender, value, row version), for the value grid.
pub fn of_owner_in_year(db: Read<'_>, unit_id: i64, year: i32) -> Result<Vec<GridValue>> {
    let mut stmt = db.conn().prepare(
        "SELECT v.indicator_id, v.period_id, v.gender, v.value, v.version FROM indicator_value v
         JOIN follow_up_period p ON p.id = v.period_id JOIN indicator i ON i.id = v.indicator_id
         WHERE v.org_unit_id=?1 AND i.owner_unit_id=?1 AND p.plan_year=?2",
    )?;
    let rows = stmt
        .query_map(params![unit_id, year], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?
        .collect::<super::sql::Result<_>>()?;
    Ok(rows)
}

/// The helår value of `year` of an indicator for a unit and gender (the grid's "year before").
pub fn helar_of_year(db: Read<'_>, indicator_id: i64, unit_id: i64, gender: Gender, year: i32) -> Result<Option<f64>> {
    Ok(db
        .conn()
        .prepare_cached(
            "SELECT v.value FROM indicator_value v JOIN follow_up_period p ON p.id = v.period_id
             WHERE v.indicator_id=?1 AND v.org_unit_id=?2 AND v.gender=?3 AND p.plan_year=?4 AND p.kind='helar'",
        )?
        .query_row(params![indicator_id, unit_id, gender, year], |r| r.get(0))
        .optional()?)
}

/// A value with who changed it last and when: (value, changed at, changed by).
pub fn with_change(db: Read<'_>, indicator_id: i64, unit_id: i64, period_id: i64, gender: Gender) -> Result<Option<(f64, String, String)>> {
    Ok(db
        .conn()
        .prepare_cached(
            "SELECT value, changed_at, changed_by FROM indicator_value WHERE indicator_id=?1 AND org_unit_id=?2 AND period_id=?3 AND gender=?4",
        )?
        .query_row(params![indicator_id, unit_id, period_id, gender], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?)
}

/// A value with its row version, for the value grid: (value, version).
pub fn with_version(db: Read<'_>, indicator_id: i64, unit_id: i64, period_id: i64, gender: Gender) -> Result<Option<(f64, i64)>> {
    Ok(db
        .conn()
        .prepare_cached(
            "SELECT value, version FROM indicator_value WHERE indicator_id=?1 AND org_unit_id=?2 AND period_id=?3 AND gender=?4",
        )?
        .query_row(params![indicator_id, unit_id, period_id, gender], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?)
}

/// The form field of a value grid cell in a `conflict` refusal: `cell:indicator:period:gender`.
pub fn cell_field(indicator_id: i64, period_id: i64, gender: Gender) -> String {
    format!("cell:{indicator_id}:{period_id}:{}", gender.as_str())
}

/// Set a value in an open period, audited with the value before; the same value again
/// writes nothing. Unchecked ([`Seen::Unchecked`]); the window saves with [`set_seen`].
pub fn set(
    w: &mut Writer<'_>,
    indicator_id: i64,
    org_unit_id: i64,
    period_id: i64,
    gender: Gender,
    value: f64,
    source: ValueSource,
) -> Result<()> {
    set_seen(w, (indicator_id, org_unit_id, period_id, gender), value, source, Seen::Unchecked)
}

/// [`set`], refused with `conflict` when the stored row is not the version `seen` (someone
/// else saved the cell after the user loaded it). Every save counts the version up.
pub fn set_seen(w: &mut Writer<'_>, key: (i64, i64, i64, Gender), value: f64, source: ValueSource, seen: Seen) -> Result<()> {
    let (indicator_id, org_unit_id, period_id, gender) = key;
    if !value.is_finite() {
        return Err(AppError::validation(msg!("Värdet måste vara ett tal.", "The value must be a number.")));
    }
    super::periods::require_open(w.read(), period_id)?;
    let stored = with_version(w.read(), indicator_id, org_unit_id, period_id, gender)?;
    let before = stored.map(|(v, _)| v);
    if before == Some(value) {
        return Ok(());
    }
    let entity_id = format!("{indicator_id}/{org_unit_id}/{period_id}/{}", gender.as_str());
    let field = cell_field(indicator_id, period_id, gender);
    let subject = Subject { thing: Thing::Value, entity: "indicator_value", entity_id: &entity_id, field: &field };
    let ctx = w.ctx;
    row_version::save(
        w,
        seen,
        stored.map(|(_, v)| v),
        &subject,
        &Statements {
            upsert: "INSERT INTO indicator_value(indicator_id, org_unit_id, period_id, gender, value, source, changed_at, changed_by)
                 VALUES (?1,?2,?3,?4,?5,?6,?7,?8)
                 ON CONFLICT(indicator_id, org_unit_id, period_id, gender) DO UPDATE SET
                   value=excluded.value, source=excluded.source, changed_at=excluded.changed_at, changed_by=excluded.changed_by,
                   version=indicator_value.version + 1",
            insert: "INSERT INTO indicator_value(indicator_id, org_unit_id, period_id, gender, value, source, changed_at, changed_by)
                 VALUES (?1,?2,?3,?4,?5,?6,?7,?8)",
            update: "UPDATE indicator_value SET value=?5, source=?6, changed_at=?7, changed_by=?8, version=version + 1
                 WHERE indicator_id=?1 AND org_unit_id=?2 AND period_id=?3 AND gender=?4 AND version=?9",
        },
        params![indicator_id, org_unit_id, period_id, gender, value, source, ctx.at, ctx.user],
    )?;
    w.audit(
        if before.is_some() { "update" } else { "insert" },
        "indicator_value",
        entity_id.clone(),
        before.map(Value::from),
        Some(json!({"value": value, "source": source})),
    )
}

/// Clear a value in an open period, audited with the value before; clearing an empty cell
/// writes nothing. Unchecked; the window clears with [`delete_seen`].
pub fn delete(w: &mut Writer<'_>, indicator_id: i64, unit_id: i64, period_id: i64, gender: Gender) -> Result<()> {
    delete_seen(w, (indicator_id, unit_id, period_id, gender), Seen::Unchecked)
}

/// [`delete`], refused with `conflict` when the stored row is not the version `seen`.
pub fn delete_seen(w: &mut Writer<'_>, key: (i64, i64, i64, Gender), seen: Seen) -> Result<()> {
    let (indicator_id, unit_id, period_id, gender) = key;
    super::periods::require_open(w.read(), period_id)?;
    let stored = with_version(w.read(), indicator_id, unit_id, period_id, gender)?;
    let Some((before, version)) = stored else {
        return Ok(());
    };
    let entity_id = format!("{indicator_id}/{unit_id}/{period_id}/{}", gender.as_str());
    let field = cell_field(indicator_id, period_id, gender);
    let refused = |w: &Writer<'_>| super::row_version::refused(w.read(), Thing::Value, "indicator_value", &entity_id, &field, &w.ctx.at);
    if !seen.matches(Some(version)) {
        return Err(refused(w)?);
    }
    let n = w.tx.execute(
        "DELETE FROM indicator_value WHERE indicator_id=?1 AND org_unit_id=?2 AND period_id=?3 AND gender=?4 AND version=?5",
        params![indicator_id, unit_id, period_id, gender, version],
    )?;
    if n == 0 {
        return Err(refused(w)?);
    }
    w.audit("delete", "indicator_value", entity_id.clone(), Some(json!(before)), None)
}

/// Write a value as an exchange file has it (source `import`, the unit's changed at/by),
/// or clear it (`None`). The caller checks the period and writes the audit row.
pub(crate) fn put_imported(
    w: &mut Writer<'_>,
    key: (i64, i64, i64, Gender),
    value: Option<f64>,
    changed_at: &str,
    changed_by: &str,
) -> Result<()> {
    let (indicator_id, unit, period, gender) = key;
    match value {
        Some(value) => w.tx.execute(
            "INSERT INTO indicator_value(indicator_id, org_unit_id, period_id, gender, value, source, changed_at, changed_by)
             VALUES (?1,?2,?3,?4,?5,?6,?7,?8)
             ON CONFLICT(indicator_id, org_unit_id, period_id, gender) DO UPDATE SET
               value=excluded.value, source=excluded.source, changed_at=excluded.changed_at, changed_by=excluded.changed_by,
               version=indicator_value.version + 1",
            params![indicator_id, unit, period, gender, value, ValueSource::Import, changed_at, changed_by],
        )?,
        None => w.tx.execute(
            "DELETE FROM indicator_value WHERE indicator_id=?1 AND org_unit_id=?2 AND period_id=?3 AND gender=?4",
            params![indicator_id, unit, period, gender],
        )?,
    };
    Ok(())
}

/// Inserts generated values (the `tools` generator): gender T, source `import`, one
/// prepared statement in the writer's transaction, no audit row (the generator writes one
/// per bulk step).
#[cfg(feature = "tools")]
pub(crate) struct GeneratedValues<'t> {
    stmt: super::sql::Statement<'t>,
    ctx: &'t super::ChangeContext,
}

#[cfg(feature = "tools")]
impl<'t> GeneratedValues<'t> {
    pub(crate) fn new(w: &Writer<'t>) -> Result<Self> {
        let stmt = w.tx.prepare_cached(
            "INSERT INTO indicator_value(indicator_id, org_unit_id, period_id, gender, value, source, changed_at, changed_by)
             VALUES (?1,?2,?3,'T',?4,'import',?5,?6)",
        )?;
        Ok(Self { stmt, ctx: w.ctx })
    }

    pub(crate) fn add(&mut self, indicator_id: i64, unit_id: i64, period_id: i64, value: f64) -> Result<()> {
        self.stmt.execute(params![indicator_id, unit_id, period_id, value, self.ctx.at, self.ctx.user])?;
        Ok(())
    }
}

/// Per active indicator: (id, end date of the latest period its owner has a total value in),
/// `None` when it has none; for the to-do list's "never updated" (`todo`).
pub fn latest_of_active(db: Read<'_>) -> Result<Vec<(i64, Option<String>)>> {
    let mut stmt = db.conn().prepare_cached(
        "SELECT i.id, MAX(p.end_date) FROM indicator i
         LEFT JOIN indicator_value v ON v.indicator_id = i.id AND v.org_unit_id = i.owner_unit_id AND v.gender = 'T'
         LEFT JOIN follow_up_period p ON p.id = v.period_id
         WHERE i.active = 1 GROUP BY i.id",
    )?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<super::sql::Result<_>>()?;
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::{read_at_units_in_period, AT_UNITS_IN_PERIOD, TOTALS_AT_UNITS};
    use crate::store::{ChangeContext, Store};

    /// Reading a whole period and filtering (a roll-up) finds exactly what one lookup per
    /// pair finds (one scorecard), for every period of the demo, wanted pairs and others mixed.
    #[test]
    fn a_period_read_whole_gives_the_same_values_as_lookups_by_pair() {
        let mut store = Store::open_in_memory().unwrap();
        crate::seed::load_demo(&mut store, &ChangeContext::new("test", "2026-12-02T10:00:00")).unwrap();
        let units = store.units().unwrap();
        let indicators: Vec<i64> =
            store.conn().prepare("SELECT id FROM indicator").unwrap().query_map([], |r| r.get(0)).unwrap().map(|r| r.unwrap()).collect();
        // Every other (indicator, unit) pair, so values of pairs not asked for are present too.
        let pairs: Vec<(i64, i64)> = indicators.iter().flat_map(|i| units.iter().map(move |u| (*i, u.id))).step_by(2).collect();
        let mut found = 0;
        for year in store.plan_years().unwrap() {
            for p in store.periods(year.year).unwrap() {
                let by_pair = read_at_units_in_period(store.read(), p.id, &pairs, false).unwrap();
                let whole = read_at_units_in_period(store.read(), p.id, &pairs, true).unwrap();
                assert_eq!(by_pair, whole, "period {}", p.key);
                found += by_pair.len();
            }
        }
        assert!(found > 50, "the demo has values to compare: {found}");
    }

    /// The pair lookups must find each (indicator, unit) by the primary key, whatever the
    /// planner would guess: on the large set the other order took 36 s for a roll-up.
    #[test]
    fn values_of_unit_pairs_are_found_by_the_primary_key_for_each_pair() {
        let store = Store::open_in_memory().unwrap();
        for (sql, params) in [(AT_UNITS_IN_PERIOD, vec!["1", "[]"]), (TOTALS_AT_UNITS, vec!["[]"])] {
            let plan: Vec<String> = store
                .conn()
                .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
                .unwrap()
                .query_map(rusqlite::params_from_iter(params), |r| r.get::<_, String>(3))
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap();
            assert!(plan[0].starts_with("SCAN j"), "the list is the outer loop: {plan:?}");
            assert!(
                plan.iter()
                    .any(|step| step
                        .starts_with("SEARCH v USING INDEX sqlite_autoindex_indicator_value_1 (indicator_id=? AND org_unit_id=?")),
                "each pair is a key lookup: {plan:?}"
            );
        }
    }
}
