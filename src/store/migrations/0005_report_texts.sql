-- Styrkort schema, version 5: the report's own texts.
--
-- Report-level sections of the delårsrapport and årsredovisning (Inledning, Väsentliga
-- händelser, Förväntad utveckling, God ekonomisk hushållning – samlad bedömning, Personal),
-- written for the municipality (org_unit_id = the root unit), and each nämnd's own texts
-- (Verksamhet, Ekonomi och prognos). Rich text as in an assessment's analysis; assigned to a
-- person; reviewed like assessments: draft → ready → approved.
CREATE TABLE report_text (
    period_id      INTEGER NOT NULL REFERENCES follow_up_period(id) ON DELETE RESTRICT,
    org_unit_id    INTEGER NOT NULL REFERENCES org_unit(id) ON DELETE RESTRICT,
    section        TEXT NOT NULL CHECK (section IN (
                       'introduction','significant_events','expected_development',
                       'sound_finances','personnel','operations','finances_forecast')),
    body           TEXT NOT NULL DEFAULT '',
    assignee       TEXT NOT NULL DEFAULT '',
    state          TEXT NOT NULL DEFAULT 'draft' CHECK (state IN ('draft','ready','approved')),
    review_comment TEXT NOT NULL DEFAULT '',
    changed_at     TEXT NOT NULL,
    changed_by     TEXT NOT NULL,
    PRIMARY KEY (period_id, org_unit_id, section)
) STRICT;
CREATE INDEX report_text_unit ON report_text(org_unit_id);
