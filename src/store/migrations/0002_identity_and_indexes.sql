-- Styrkort schema, version 2.

-- Every database knows who it is, so an exchange file from another database can be refused.
-- A copy of the file (a backup, a unit's offline copy) keeps the same identity on purpose.
INSERT OR IGNORE INTO setting(key, value) VALUES ('database_id', lower(hex(randomblob(16))));

-- Kolada rank and comparison read all municipalities' values for one KPI, year and gender.
CREATE INDEX IF NOT EXISTS kolada_value_kpi_year ON kolada_value(kpi_id, year, gender);
