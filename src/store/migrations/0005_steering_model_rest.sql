-- Styrkort schema, version 5 (issue 16): the rest of the steering model — uppdrag, intern
-- kontroll, grunduppdrag and tjänstegarantier, Agenda 2030 — and who answers for an indicator.
--
-- Follow-up rows (an uppdrag's, a control's, a tjänstegaranti's per period) are reviewed like
-- assessments: draft → ready → approved, with a comment when sent back. A locked period refuses
-- them. Their SQL: assignment* in src/store/assignments.rs, control* in
-- src/store/internal_control.rs, unit_mission and service_guarantee* in
-- src/store/unit_missions.rs, *_global_goal in src/store/global_goals.rs.

-- Uppdrag: an assignment given by KF (issuer = the municipality, the root unit) or a nämnd to a
-- nämnd or unit, followed per period until it is done. An unfinished one is carried into the
-- next plan year by the copy forward (a new row, `copied_from_id` = this one; its age counts
-- from the decision date).
CREATE TABLE assignment (
    id                   INTEGER PRIMARY KEY,
    plan_year            INTEGER NOT NULL REFERENCES plan_year(year) ON DELETE CASCADE,
    code                 TEXT NOT NULL DEFAULT '',   -- the municipality's own number, e.g. 'KF 2026:3'
    title                TEXT NOT NULL CHECK (length(trim(title)) > 0),
    description          TEXT NOT NULL DEFAULT '',
    issuer_unit_id       INTEGER NOT NULL REFERENCES org_unit(id) ON DELETE RESTRICT,
    decision_body        TEXT NOT NULL DEFAULT '',   -- 'Kommunfullmäktige', 'Socialnämnden' …
    decision_date        TEXT,                       -- ISO date
    decision_paragraph   TEXT NOT NULL DEFAULT '',   -- '§ 45'
    responsible_unit_id  INTEGER NOT NULL REFERENCES org_unit(id) ON DELETE RESTRICT,
    responsible_person   TEXT NOT NULL DEFAULT '',
    deadline             TEXT,                       -- ISO date
    sort_order           INTEGER NOT NULL DEFAULT 0,
    copied_from_id       INTEGER REFERENCES assignment(id) ON DELETE SET NULL
) STRICT;
CREATE INDEX assignment_year ON assignment(plan_year, responsible_unit_id);
CREATE INDEX assignment_copied_from ON assignment(copied_from_id);

CREATE TABLE assignment_goal (
    assignment_id  INTEGER NOT NULL REFERENCES assignment(id) ON DELETE CASCADE,
    goal_id        INTEGER NOT NULL REFERENCES goal(id) ON DELETE CASCADE,
    PRIMARY KEY (assignment_id, goal_id)
) STRICT;
CREATE INDEX assignment_goal_goal ON assignment_goal(goal_id);

CREATE TABLE assignment_follow_up (
    assignment_id   INTEGER NOT NULL REFERENCES assignment(id) ON DELETE CASCADE,
    period_id       INTEGER NOT NULL REFERENCES follow_up_period(id) ON DELETE RESTRICT,
    status          TEXT NOT NULL CHECK (status IN ('not_started','in_progress','done','closed_undone')),
    comment         TEXT NOT NULL DEFAULT '',
    state           TEXT NOT NULL DEFAULT 'draft' CHECK (state IN ('draft','ready','approved')),
    review_comment  TEXT NOT NULL DEFAULT '',
    changed_at      TEXT NOT NULL,
    changed_by      TEXT NOT NULL,
    PRIMARY KEY (assignment_id, period_id)
) STRICT;
CREATE INDEX assignment_follow_up_period ON assignment_follow_up(period_id);

-- Intern kontroll: a nämnd's plan for a year. Risks in its processes scored by probability and
-- consequence (1–4 each; risk value = the product); the chosen risks get controls; each control
-- is followed up in the periods it reports in.
CREATE TABLE control_plan (
    id            INTEGER PRIMARY KEY,
    org_unit_id   INTEGER NOT NULL REFERENCES org_unit(id) ON DELETE RESTRICT,
    plan_year     INTEGER NOT NULL REFERENCES plan_year(year) ON DELETE CASCADE,
    decision      TEXT NOT NULL DEFAULT '',     -- when the nämnd adopted it, e.g. '2026-02-12 § 14'
    UNIQUE (org_unit_id, plan_year)
) STRICT;

CREATE TABLE control_risk (
    id            INTEGER PRIMARY KEY,
    plan_id       INTEGER NOT NULL REFERENCES control_plan(id) ON DELETE CASCADE,
    process       TEXT NOT NULL CHECK (length(trim(process)) > 0),
    risk          TEXT NOT NULL CHECK (length(trim(risk)) > 0),
    probability   INTEGER NOT NULL CHECK (probability BETWEEN 1 AND 4),
    consequence   INTEGER NOT NULL CHECK (consequence BETWEEN 1 AND 4),
    chosen        INTEGER NOT NULL DEFAULT 0 CHECK (chosen IN (0,1)),   -- gets controls in the plan
    handling      TEXT NOT NULL DEFAULT '',     -- how a risk not chosen is handled, or why
    sort_order    INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX control_risk_plan ON control_risk(plan_id);

CREATE TABLE control (
    id            INTEGER PRIMARY KEY,
    risk_id       INTEGER NOT NULL REFERENCES control_risk(id) ON DELETE CASCADE,
    what          TEXT NOT NULL CHECK (length(trim(what)) > 0),   -- kontrollmoment
    method        TEXT NOT NULL DEFAULT '',     -- how it is checked
    frequency     TEXT NOT NULL DEFAULT '',     -- how often, in words ('varje månad', 'stickprov 2 ggr/år')
    responsible   TEXT NOT NULL DEFAULT '',     -- who
    report_in     TEXT NOT NULL DEFAULT 'delar_helar'
                  CHECK (report_in IN ('every_period','delar','helar','delar_helar')),
    sort_order    INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX control_risk_id ON control(risk_id);

CREATE TABLE control_follow_up (
    control_id      INTEGER NOT NULL REFERENCES control(id) ON DELETE CASCADE,
    period_id       INTEGER NOT NULL REFERENCES follow_up_period(id) ON DELETE RESTRICT,
    result          TEXT NOT NULL CHECK (result IN ('no_remarks','deviation')),
    comment         TEXT NOT NULL DEFAULT '',   -- what was checked and found
    deviation       TEXT NOT NULL DEFAULT '',   -- the deviation, when there is one
    action          TEXT NOT NULL DEFAULT '',   -- åtgärd decided for it
    state           TEXT NOT NULL DEFAULT 'draft' CHECK (state IN ('draft','ready','approved')),
    review_comment  TEXT NOT NULL DEFAULT '',
    changed_at      TEXT NOT NULL,
    changed_by      TEXT NOT NULL,
    PRIMARY KEY (control_id, period_id)
) STRICT;
CREATE INDEX control_follow_up_period ON control_follow_up(period_id);

-- Grunduppdrag (verksamhetsidé) of a unit for a plan year, and its tjänstegarantier: the
-- promise, how it is measured, and per period whether it was kept.
CREATE TABLE unit_mission (
    org_unit_id   INTEGER NOT NULL REFERENCES org_unit(id) ON DELETE RESTRICT,
    plan_year     INTEGER NOT NULL REFERENCES plan_year(year) ON DELETE CASCADE,
    mission       TEXT NOT NULL DEFAULT '',
    changed_at    TEXT NOT NULL,
    changed_by    TEXT NOT NULL,
    PRIMARY KEY (org_unit_id, plan_year)
) STRICT;

CREATE TABLE service_guarantee (
    id              INTEGER PRIMARY KEY,
    org_unit_id     INTEGER NOT NULL REFERENCES org_unit(id) ON DELETE RESTRICT,
    plan_year       INTEGER NOT NULL REFERENCES plan_year(year) ON DELETE CASCADE,
    promise         TEXT NOT NULL CHECK (length(trim(promise)) > 0),
    measured_by     TEXT NOT NULL DEFAULT '',
    sort_order      INTEGER NOT NULL DEFAULT 0,
    copied_from_id  INTEGER REFERENCES service_guarantee(id) ON DELETE SET NULL
) STRICT;
CREATE INDEX service_guarantee_unit ON service_guarantee(org_unit_id, plan_year);

CREATE TABLE service_guarantee_follow_up (
    guarantee_id    INTEGER NOT NULL REFERENCES service_guarantee(id) ON DELETE CASCADE,
    period_id       INTEGER NOT NULL REFERENCES follow_up_period(id) ON DELETE RESTRICT,
    kept            TEXT NOT NULL CHECK (kept IN ('kept','not_kept')),
    comment         TEXT NOT NULL DEFAULT '',
    state           TEXT NOT NULL DEFAULT 'draft' CHECK (state IN ('draft','ready','approved')),
    review_comment  TEXT NOT NULL DEFAULT '',
    changed_at      TEXT NOT NULL,
    changed_by      TEXT NOT NULL,
    PRIMARY KEY (guarantee_id, period_id)
) STRICT;
CREATE INDEX service_guarantee_follow_up_period ON service_guarantee_follow_up(period_id);

-- Agenda 2030: goals and indicators tagged with the 17 global goals, targets optional
-- ('3.4, 3.8').
CREATE TABLE goal_global_goal (
    goal_id       INTEGER NOT NULL REFERENCES goal(id) ON DELETE CASCADE,
    global_goal   INTEGER NOT NULL CHECK (global_goal BETWEEN 1 AND 17),
    targets       TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (goal_id, global_goal)
) STRICT;
CREATE INDEX goal_global_goal_goal ON goal_global_goal(global_goal);

CREATE TABLE indicator_global_goal (
    indicator_id  INTEGER NOT NULL REFERENCES indicator(id) ON DELETE CASCADE,
    global_goal   INTEGER NOT NULL CHECK (global_goal BETWEEN 1 AND 17),
    targets       TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (indicator_id, global_goal)
) STRICT;
CREATE INDEX indicator_global_goal_goal ON indicator_global_goal(global_goal);

-- Who answers for an indicator (a person, by name as in the audit log); empty = nobody, which
-- the to-do list reports.
ALTER TABLE indicator ADD COLUMN responsible TEXT NOT NULL DEFAULT '';
