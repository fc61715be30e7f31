//! Repository for `kolada_kpi`, `kolada_value` and `kolada_value_history`.

use super::Read;
use crate::error::Result;

// Planning: the KPI search of the indicator form.

/// Id and title of every imported Kolada KPI.
pub fn kpi_titles(db: Read<'_>) -> Result<Vec<(String, String)>> {
    let mut stmt = db.conn().prepare_cached("SELECT id, title FROM kolada_kpi")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}
