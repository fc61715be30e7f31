-- Styrkort schema, version 3.

-- Kolada values as one clustered table, keyed the way the rank reads them: every
-- municipality's value of one KPI, year and gender lies together, with the value in the row.
-- Version 2 kept them in a rowid table with two indexes (the primary key and
-- kolada_value_kpi_year): three B-trees for every imported value, and the rank looked up each
-- row through an index. Lookups of one area (a value, the latest year, a series) go through
-- the whole key, year by year (store/kolada.rs).
ALTER TABLE kolada_value RENAME TO kolada_value_v2;

CREATE TABLE kolada_value (
    kpi_id        TEXT NOT NULL,
    area_id       TEXT NOT NULL,  -- municipality, region, group (G...) or ou id
    area_kind     TEXT NOT NULL CHECK (area_kind IN ('municipality','group','ou')),
    year          INTEGER NOT NULL,
    gender        TEXT NOT NULL CHECK (gender IN ('T','K','M')),
    value         REAL,
    imported_at   TEXT NOT NULL,
    source_file   TEXT NOT NULL,
    PRIMARY KEY (kpi_id, year, gender, area_id)
) STRICT, WITHOUT ROWID;

INSERT INTO kolada_value(kpi_id, area_id, area_kind, year, gender, value, imported_at, source_file)
SELECT kpi_id, area_id, area_kind, year, gender, value, imported_at, source_file FROM kolada_value_v2
ORDER BY kpi_id, year, gender, area_id;

-- Drops its indexes with it.
DROP TABLE kolada_value_v2;
