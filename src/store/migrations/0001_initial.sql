-- Styrkort schema, version 1: the whole product's model.
-- Later migrations add behaviour; they should not need to reshape these tables.

CREATE TABLE setting (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

-- Organisation as a tree: kommun -> namnd/forvaltning -> enhet, plus bolag.
CREATE TABLE org_unit (
    id          INTEGER PRIMARY KEY,
    parent_id   INTEGER REFERENCES org_unit(id) ON DELETE RESTRICT,
    kind        TEXT NOT NULL CHECK (kind IN ('kommun','namnd','forvaltning','enhet','bolag')),
    name        TEXT NOT NULL CHECK (length(trim(name)) > 0),
    kolada_id   TEXT,            -- municipality code (e.g. '2083') or Kolada ou id
    sort_order  INTEGER NOT NULL DEFAULT 0,
    active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0,1)),
    CHECK (parent_id IS NOT NULL OR kind = 'kommun')
) STRICT;
CREATE INDEX org_unit_parent ON org_unit(parent_id);

CREATE TABLE mandate_period (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    start_year  INTEGER NOT NULL,
    end_year    INTEGER NOT NULL,
    CHECK (end_year >= start_year)
) STRICT;

-- Assessment scales: 3, 4 or 5 steps. Step 1 is the best.
CREATE TABLE assessment_scale (
    id     INTEGER PRIMARY KEY,
    name   TEXT NOT NULL,
    steps  INTEGER NOT NULL CHECK (steps IN (3,4,5))
) STRICT;

CREATE TABLE assessment_step (
    scale_id  INTEGER NOT NULL REFERENCES assessment_scale(id) ON DELETE CASCADE,
    step      INTEGER NOT NULL CHECK (step BETWEEN 1 AND 5),
    label     TEXT NOT NULL,
    colour    TEXT NOT NULL,     -- '#rrggbb' shown in UI and reports
    status    TEXT NOT NULL CHECK (status IN ('green','yellow','red')), -- for roll-up
    PRIMARY KEY (scale_id, step)
) STRICT;

CREATE TABLE plan_year (
    year               INTEGER PRIMARY KEY,
    mandate_period_id  INTEGER REFERENCES mandate_period(id) ON DELETE SET NULL,
    vision             TEXT NOT NULL DEFAULT '',
    scale_id           INTEGER NOT NULL REFERENCES assessment_scale(id)
) STRICT;

CREATE TABLE perspective (
    id          INTEGER PRIMARY KEY,
    plan_year   INTEGER NOT NULL REFERENCES plan_year(year) ON DELETE CASCADE,
    name        TEXT NOT NULL CHECK (length(trim(name)) > 0),
    description TEXT NOT NULL DEFAULT '',
    sort_order  INTEGER NOT NULL DEFAULT 0,
    UNIQUE (plan_year, name)
) STRICT;

CREATE TABLE goal (
    id              INTEGER PRIMARY KEY,
    plan_year       INTEGER NOT NULL REFERENCES plan_year(year) ON DELETE CASCADE,
    level           TEXT NOT NULL CHECK (level IN ('kf','namnd','enhet')),
    perspective_id  INTEGER NOT NULL REFERENCES perspective(id) ON DELETE RESTRICT,
    owner_unit_id   INTEGER NOT NULL REFERENCES org_unit(id) ON DELETE RESTRICT,
    code            TEXT NOT NULL DEFAULT '',
    title           TEXT NOT NULL CHECK (length(trim(title)) > 0),
    description     TEXT NOT NULL DEFAULT '',
    sort_order      INTEGER NOT NULL DEFAULT 0,
    active          INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0,1)),
    copied_from_id  INTEGER REFERENCES goal(id) ON DELETE SET NULL
) STRICT;
CREATE INDEX goal_owner ON goal(owner_unit_id, plan_year);
CREATE INDEX goal_perspective ON goal(perspective_id);

-- The red thread: many-to-many links from a goal to the goals it contributes to.
CREATE TABLE goal_link (
    child_goal_id   INTEGER NOT NULL REFERENCES goal(id) ON DELETE CASCADE,
    parent_goal_id  INTEGER NOT NULL REFERENCES goal(id) ON DELETE CASCADE,
    PRIMARY KEY (child_goal_id, parent_goal_id),
    CHECK (child_goal_id <> parent_goal_id)
) STRICT;
CREATE INDEX goal_link_parent ON goal_link(parent_goal_id);

-- Indicators live across years (time series); goals per plan year link to them.
CREATE TABLE indicator (
    id               INTEGER PRIMARY KEY,
    name             TEXT NOT NULL CHECK (length(trim(name)) > 0),
    description      TEXT NOT NULL DEFAULT '',
    unit             TEXT NOT NULL DEFAULT '',
    direction        TEXT NOT NULL CHECK (direction IN ('higher','lower')),
    decimals         INTEGER NOT NULL DEFAULT 1 CHECK (decimals BETWEEN 0 AND 4),
    kolada_kpi_id    TEXT,
    owner_unit_id    INTEGER NOT NULL REFERENCES org_unit(id) ON DELETE RESTRICT,
    frequency        TEXT NOT NULL DEFAULT 'year' CHECK (frequency IN ('year','tertial','month')),
    gender_split     INTEGER NOT NULL DEFAULT 0 CHECK (gender_split IN (0,1)),
    tolerance_kind   TEXT NOT NULL DEFAULT 'percent' CHECK (tolerance_kind IN ('percent','absolute')),
    tolerance        REAL NOT NULL DEFAULT 10 CHECK (tolerance >= 0),
    active           INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0,1))
) STRICT;
CREATE INDEX indicator_owner ON indicator(owner_unit_id);

CREATE TABLE indicator_target (
    indicator_id  INTEGER NOT NULL REFERENCES indicator(id) ON DELETE CASCADE,
    year          INTEGER NOT NULL,
    target        REAL NOT NULL,
    yellow_limit  REAL,  -- explicit limit between yellow and red; NULL = use the tolerance
    PRIMARY KEY (indicator_id, year)
) STRICT;

CREATE TABLE goal_indicator (
    goal_id       INTEGER NOT NULL REFERENCES goal(id) ON DELETE CASCADE,
    indicator_id  INTEGER NOT NULL REFERENCES indicator(id) ON DELETE CASCADE,
    sort_order    INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (goal_id, indicator_id)
) STRICT;
CREATE INDEX goal_indicator_indicator ON goal_indicator(indicator_id);

-- Follow-up periods: month, tertial (T1 = Jan-Apr), delar (Jan-Aug), helar.
CREATE TABLE follow_up_period (
    id          INTEGER PRIMARY KEY,
    plan_year   INTEGER NOT NULL REFERENCES plan_year(year) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (kind IN ('month','tertial','delar','helar')),
    seq         INTEGER NOT NULL DEFAULT 1, -- month number or tertial number
    name        TEXT NOT NULL,
    start_date  TEXT NOT NULL,  -- ISO date
    end_date    TEXT NOT NULL,
    deadline    TEXT,
    locked      INTEGER NOT NULL DEFAULT 0 CHECK (locked IN (0,1)),
    UNIQUE (plan_year, kind, seq),
    CHECK (end_date >= start_date)
) STRICT;

CREATE TABLE indicator_value (
    indicator_id  INTEGER NOT NULL REFERENCES indicator(id) ON DELETE CASCADE,
    org_unit_id   INTEGER NOT NULL REFERENCES org_unit(id) ON DELETE RESTRICT,
    period_id     INTEGER NOT NULL REFERENCES follow_up_period(id) ON DELETE RESTRICT,
    gender        TEXT NOT NULL CHECK (gender IN ('T','K','M')),
    value         REAL NOT NULL,
    source        TEXT NOT NULL CHECK (source IN ('manual','kolada','import')),
    changed_at    TEXT NOT NULL,
    changed_by    TEXT NOT NULL,
    PRIMARY KEY (indicator_id, org_unit_id, period_id, gender)
) STRICT;
CREATE INDEX indicator_value_period ON indicator_value(period_id);

CREATE TABLE activity (
    id              INTEGER PRIMARY KEY,
    plan_year       INTEGER NOT NULL REFERENCES plan_year(year) ON DELETE CASCADE,
    owner_unit_id   INTEGER NOT NULL REFERENCES org_unit(id) ON DELETE RESTRICT,
    title           TEXT NOT NULL CHECK (length(trim(title)) > 0),
    description     TEXT NOT NULL DEFAULT '',
    responsible     TEXT NOT NULL DEFAULT '',
    start_date      TEXT,
    end_date        TEXT,
    status          TEXT NOT NULL DEFAULT 'ej_paborjad'
                    CHECK (status IN ('ej_paborjad','paborjad','genomford','forsenad','avford')),
    active          INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0,1)),
    CHECK (end_date IS NULL OR start_date IS NULL OR end_date >= start_date)
) STRICT;
CREATE INDEX activity_owner ON activity(owner_unit_id, plan_year);

CREATE TABLE activity_goal (
    activity_id  INTEGER NOT NULL REFERENCES activity(id) ON DELETE CASCADE,
    goal_id      INTEGER NOT NULL REFERENCES goal(id) ON DELETE CASCADE,
    PRIMARY KEY (activity_id, goal_id)
) STRICT;
CREATE INDEX activity_goal_goal ON activity_goal(goal_id);

-- Status and comment of an activity per follow-up period.
CREATE TABLE activity_follow_up (
    activity_id  INTEGER NOT NULL REFERENCES activity(id) ON DELETE CASCADE,
    period_id    INTEGER NOT NULL REFERENCES follow_up_period(id) ON DELETE RESTRICT,
    status       TEXT NOT NULL
                 CHECK (status IN ('ej_paborjad','paborjad','genomford','forsenad','avford')),
    comment      TEXT NOT NULL DEFAULT '',
    changed_at   TEXT NOT NULL,
    changed_by   TEXT NOT NULL,
    PRIMARY KEY (activity_id, period_id)
) STRICT;

-- Assessment (bedömning) and analysis of a goal for a unit and period.
CREATE TABLE assessment (
    goal_id         INTEGER NOT NULL REFERENCES goal(id) ON DELETE CASCADE,
    org_unit_id     INTEGER NOT NULL REFERENCES org_unit(id) ON DELETE RESTRICT,
    period_id       INTEGER NOT NULL REFERENCES follow_up_period(id) ON DELETE RESTRICT,
    step            INTEGER CHECK (step IS NULL OR step BETWEEN 1 AND 5),
    analysis        TEXT NOT NULL DEFAULT '',
    state           TEXT NOT NULL DEFAULT 'draft' CHECK (state IN ('draft','ready','approved')),
    review_comment  TEXT NOT NULL DEFAULT '',
    changed_at      TEXT NOT NULL,
    changed_by      TEXT NOT NULL,
    PRIMARY KEY (goal_id, org_unit_id, period_id)
) STRICT;
CREATE INDEX assessment_period ON assessment(period_id);

-- Kolada reference data and values (imports land here, apart from our own values).
CREATE TABLE kolada_kpi (
    id                    TEXT PRIMARY KEY,
    title                 TEXT NOT NULL,
    description           TEXT NOT NULL DEFAULT '',
    is_divided_by_gender  INTEGER NOT NULL DEFAULT 0,
    municipality_type     TEXT NOT NULL DEFAULT '',
    operating_area        TEXT NOT NULL DEFAULT ''
) STRICT;

CREATE TABLE kolada_value (
    kpi_id        TEXT NOT NULL,
    area_id       TEXT NOT NULL,  -- municipality, region, group (G...) or ou id
    area_kind     TEXT NOT NULL CHECK (area_kind IN ('municipality','group','ou')),
    year          INTEGER NOT NULL,
    gender        TEXT NOT NULL CHECK (gender IN ('T','K','M')),
    value         REAL,
    imported_at   TEXT NOT NULL,
    source_file   TEXT NOT NULL,
    PRIMARY KEY (kpi_id, area_id, year, gender)
) STRICT;

CREATE TABLE kolada_value_history (
    kpi_id        TEXT NOT NULL,
    area_id       TEXT NOT NULL,
    year          INTEGER NOT NULL,
    gender        TEXT NOT NULL,
    value         REAL,
    imported_at   TEXT NOT NULL,
    source_file   TEXT NOT NULL,
    replaced_at   TEXT NOT NULL
) STRICT;

-- Every change, with who and when. before/after are JSON snapshots.
CREATE TABLE audit_log (
    id         INTEGER PRIMARY KEY,
    at         TEXT NOT NULL,
    user_name  TEXT NOT NULL,
    action     TEXT NOT NULL CHECK (action IN ('insert','update','delete','import','lock','unlock')),
    entity     TEXT NOT NULL,
    entity_id  TEXT NOT NULL,
    before     TEXT,
    after      TEXT
) STRICT;
CREATE INDEX audit_log_entity ON audit_log(entity, entity_id);
