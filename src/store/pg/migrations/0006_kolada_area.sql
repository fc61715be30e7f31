-- Styrkort PostgreSQL schema, version 6: the Kolada values of one KPI for a few areas (the
-- municipality, Riket, the group) in one index range each.
--
-- A scorecard compares each indicator with Kolada. On the laptop's file every value is a
-- lookup in-process through the clustered key (kpi, year, gender, area); on a server each
-- lookup is a round trip, and a roll-up of 400 units made some 2 000 of them. The scorecard
-- now reads a KPI's values of those areas with one statement (store::kolada::values_of_areas),
-- which this index serves without reading the other 290 municipalities' rows. The value is
-- included so the read is an index-only scan once the table is vacuumed.
CREATE INDEX kolada_value_area ON kolada_value (kpi_id, area_id, year, gender) INCLUDE (value);
