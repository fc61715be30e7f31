-- Styrkort schema, version 4 (issue 15): economy follow-up (driftredovisning, investeringar,
-- resultaträkning, balansräkning, balanskravsutredning), the SIE 4 mapping, and the report's
-- own texts (at the end).
--
-- Amounts are exact integers in öre (hundredths of a krona), never floating point, signed as
-- in the resultaträkning: revenue and assets positive, costs negative (an SIE file's balances,
-- debit positive, are negated for revenue and cost accounts). Avvikelse = prognos − budget, so
-- a positive deviation is always better than budget. Investment amounts are money spent
-- (positive), so their avvikelse is budget − prognos. Shown in tkr or mnkr as the report
-- settings say (`report.economy_unit`); nothing here rounds. All SQL for these tables is in
-- src/store/economy.rs, except the SIE mapping's (src/store/sie_map.rs).

-- Driftredovisning: a nämnd/förvaltning's or bolag's net figures for one follow-up period.
CREATE TABLE economy_operating (
    org_unit_id    INTEGER NOT NULL REFERENCES org_unit(id) ON DELETE RESTRICT,
    period_id      INTEGER NOT NULL REFERENCES follow_up_period(id) ON DELETE RESTRICT,
    budget_year    INTEGER,          -- budget for the whole year
    budget_period  INTEGER,          -- the budget for the period, year to date (periodiserad)
    actual         INTEGER,          -- utfall for the period, year to date
    forecast       INTEGER,          -- prognos for the whole year
    comment        TEXT NOT NULL DEFAULT '',
    source         TEXT NOT NULL DEFAULT 'manual' CHECK (source IN ('manual','sie','excel','seed')),
    changed_at     TEXT NOT NULL,
    changed_by     TEXT NOT NULL,
    PRIMARY KEY (org_unit_id, period_id)
) STRICT;
CREATE INDEX economy_operating_period ON economy_operating(period_id);

-- Investeringsredovisning: projects of a plan year and their follow-up per period.
CREATE TABLE investment_project (
    id             INTEGER PRIMARY KEY,
    plan_year      INTEGER NOT NULL REFERENCES plan_year(year) ON DELETE CASCADE,
    org_unit_id    INTEGER NOT NULL REFERENCES org_unit(id) ON DELETE RESTRICT,
    code           TEXT NOT NULL DEFAULT '',   -- the project's number in the ekonomisystem (SIE dimension 6)
    name           TEXT NOT NULL CHECK (length(trim(name)) > 0),
    budget_total   INTEGER,                    -- the whole project's budget (several years), optional
    budget_year    INTEGER,                    -- this plan year's budget
    sort_order     INTEGER NOT NULL DEFAULT 0,
    UNIQUE (plan_year, name)
) STRICT;

CREATE TABLE investment_follow_up (
    project_id     INTEGER NOT NULL REFERENCES investment_project(id) ON DELETE CASCADE,
    period_id      INTEGER NOT NULL REFERENCES follow_up_period(id) ON DELETE RESTRICT,
    actual         INTEGER,                    -- utfall year to date
    forecast       INTEGER,                    -- prognos for the whole year
    comment        TEXT NOT NULL DEFAULT '',
    source         TEXT NOT NULL DEFAULT 'manual' CHECK (source IN ('manual','sie','excel','seed')),
    changed_at     TEXT NOT NULL,
    changed_by     TEXT NOT NULL,
    PRIMARY KEY (project_id, period_id)
) STRICT;
CREATE INDEX investment_follow_up_period ON investment_follow_up(period_id);

-- The lines of the resultaträkning, balansräkning and balanskravsutredning for a period.
-- `row_key` names a line of the catalogue in code (src/economy/); sums (Verksamhetens
-- nettokostnad, Årets resultat, Summa tillgångar, Årets balanskravsresultat …) are computed
-- from their lines, never stored. `scope` is the municipality or the municipal group.
CREATE TABLE statement_amount (
    period_id      INTEGER NOT NULL REFERENCES follow_up_period(id) ON DELETE RESTRICT,
    scope          TEXT NOT NULL DEFAULT 'kommun' CHECK (scope IN ('kommun','koncern')),
    row_key        TEXT NOT NULL CHECK (length(row_key) > 0),
    column_kind    TEXT NOT NULL CHECK (column_kind IN ('actual','actual_last_year','budget','forecast')),
    amount         INTEGER NOT NULL,
    source         TEXT NOT NULL DEFAULT 'manual' CHECK (source IN ('manual','sie','excel','seed')),
    changed_at     TEXT NOT NULL,
    changed_by     TEXT NOT NULL,
    PRIMARY KEY (period_id, scope, row_key, column_kind)
) STRICT;

-- Review of a period's economy, as for assessments: draft → ready → approved. `part` is the
-- nämnd's driftredovisning (org_unit_id = the nämnd), the investments or the statements
-- (org_unit_id = the municipality, the root unit).
CREATE TABLE economy_review (
    period_id      INTEGER NOT NULL REFERENCES follow_up_period(id) ON DELETE RESTRICT,
    part           TEXT NOT NULL CHECK (part IN ('operating','investments','statements')),
    org_unit_id    INTEGER NOT NULL REFERENCES org_unit(id) ON DELETE RESTRICT,
    state          TEXT NOT NULL DEFAULT 'draft' CHECK (state IN ('draft','ready','approved')),
    review_comment TEXT NOT NULL DEFAULT '',
    changed_at     TEXT NOT NULL,
    changed_by     TEXT NOT NULL,
    PRIMARY KEY (period_id, part, org_unit_id)
) STRICT;

-- How an SIE 4 file maps onto Styrkort, set once per municipality and kept between imports.
-- Accounts: a range of account numbers sums into a line of the resultaträkning or
-- balansräkning (with no rows here the Kommun-Bas defaults in code apply).
CREATE TABLE sie_account_map (
    first_account  INTEGER NOT NULL PRIMARY KEY CHECK (first_account BETWEEN 1000 AND 9999),
    last_account   INTEGER NOT NULL CHECK (last_account BETWEEN 1000 AND 9999),
    row_key        TEXT NOT NULL CHECK (length(row_key) > 0),
    CHECK (last_account >= first_account)
) STRICT;

-- Objects: an object (ansvar, verksamhet, projekt …) of a dimension belongs to a nämnd,
-- förvaltning or bolag (its driftredovisning) or to an investment project.
CREATE TABLE sie_object_map (
    dimension      INTEGER NOT NULL CHECK (dimension > 0),
    object_code    TEXT NOT NULL CHECK (length(object_code) > 0),
    org_unit_id    INTEGER REFERENCES org_unit(id) ON DELETE CASCADE,
    project_code   TEXT,
    PRIMARY KEY (dimension, object_code),
    CHECK ((org_unit_id IS NULL) <> (project_code IS NULL))
) STRICT;

-- The report's own texts.
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
