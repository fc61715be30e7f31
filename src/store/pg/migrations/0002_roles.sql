-- Styrkort's PostgreSQL schema, version 2 (issue 14): rights enforced by the database.
--
-- Three group roles (NOLOGIN); every person is a LOGIN role that is a member of one of them
-- (`styrkort users add`, src/store/pg/users.rs):
--   styrkort_controller  everything;
--   styrkort_editor      reads everything, writes the follow-up of its own units and the units
--                        below them (app_user_unit) and the audit rows of those writes;
--   styrkort_reader      reads everything.
-- The follow-up a unit reports itself is what editors write: values (indicator_value),
-- assessments and their analysis (assessment), the report's analysis texts (report_text),
-- activity follow-up (activity_follow_up), and the follow-up rows of uppdrag, intern kontroll
-- and tjänstegarantier (assignment_follow_up, control_follow_up, service_guarantee_follow_up):
-- each belongs to one unit (the uppdrag's responsible unit, the control plan's nämnd, the
-- guarantee's unit) and is drafted by that unit and reviewed like an assessment. Planning
-- (goals, indicators, activities, uppdrag, controls, guarantees, grunduppdrag), the
-- organisation, periods and the economy (its figures come from the ledger) stay the
-- controller's.
--
-- Row-level security holds an editor to their units whatever client they use. The table owner
-- (the account that ran the migrations, IT's) is not subject to it (no FORCE): it must be able
-- to copy a whole municipality in and to run later migrations, and it is trusted like a
-- superuser. The period lock is a trigger, so it holds for everyone, the owner included.
--
-- Group roles are cluster-wide, so two Styrkort databases on one cluster share them; a person's
-- units (app_user) are per database, so an editor of one database can write nothing in another.

-- Roles belong to the whole server, and the migration lock is per database: two databases
-- migrating at once may both try to create a role, so the loser takes the winner's.
DO $$
DECLARE
    name TEXT;
BEGIN
    FOREACH name IN ARRAY ARRAY['styrkort_controller', 'styrkort_editor', 'styrkort_reader'] LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = name) THEN
            BEGIN
                EXECUTE format('CREATE ROLE %I NOLOGIN', name);
            EXCEPTION WHEN duplicate_object OR unique_violation THEN
                NULL;
            END;
        END IF;
    END LOOP;
END
$$;

-- The people who may use the database, by their login role, and the units an editor edits
-- (with everything below them).
CREATE TABLE app_user (
    login  TEXT PRIMARY KEY,
    role   TEXT NOT NULL CHECK (role IN ('controller','editor','reader'))
);

CREATE TABLE app_user_unit (
    login        TEXT NOT NULL REFERENCES app_user(login) ON DELETE CASCADE,
    org_unit_id  BIGINT NOT NULL REFERENCES org_unit(id) ON DELETE CASCADE,
    PRIMARY KEY (login, org_unit_id)
);
CREATE INDEX app_user_unit_unit ON app_user_unit(org_unit_id);

-- The database user who wrote each audit row, beside the name the program gives (user_name).
-- Last, so the columns before it stay those of the SQLite file.
ALTER TABLE audit_log ADD COLUMN db_user TEXT NOT NULL DEFAULT session_user;

-- True when the logged-in person is an editor of `unit` or of a unit above it. session_user,
-- not current_user: the person who logged in, whom SET ROLE cannot change, and whom the audit
-- log records. SECURITY DEFINER so it reads app_user_unit and org_unit whatever the caller may
-- read; its search_path is pinned below.
CREATE FUNCTION styrkort_may_edit(unit BIGINT) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER
AS $$
    WITH RECURSIVE up(id, parent_id) AS (
        SELECT o.id, o.parent_id FROM org_unit o WHERE o.id = unit
        UNION
        SELECT o.id, o.parent_id FROM org_unit o JOIN up ON o.id = up.parent_id
    )
    SELECT EXISTS (
        SELECT 1
        FROM up
        JOIN app_user_unit au ON au.org_unit_id = up.id
        JOIN app_user u ON u.login = au.login
        WHERE au.login = session_user AND u.role = 'editor'
    )
$$;

-- The period lock for everyone: no row of a locked period is written, whoever writes.
-- SQLSTATE SK001 is Styrkort's "period locked" (mapped to ErrorCode::PeriodLocked).
CREATE FUNCTION styrkort_refuse_locked_period() RETURNS trigger
LANGUAGE plpgsql
AS $$
DECLARE
    period_name TEXT;
BEGIN
    IF TG_OP <> 'INSERT' THEN
        SELECT f.name INTO period_name FROM follow_up_period f WHERE f.id = OLD.period_id AND f.locked = 1;
        IF FOUND THEN
            RAISE EXCEPTION 'period % is locked', period_name USING ERRCODE = 'SK001';
        END IF;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        SELECT f.name INTO period_name FROM follow_up_period f WHERE f.id = NEW.period_id AND f.locked = 1;
        IF FOUND THEN
            RAISE EXCEPTION 'period % is locked', period_name USING ERRCODE = 'SK001';
        END IF;
        RETURN NEW;
    END IF;
    RETURN OLD;
END
$$;

-- Pin both functions' search_path to the schema the tables are in (and pg_temp last), so no
-- object another role creates can stand in for a table they read.
DO $$
BEGIN
    EXECUTE format('ALTER FUNCTION styrkort_may_edit(bigint) SET search_path = %I, pg_temp', current_schema());
    EXECUTE format('ALTER FUNCTION styrkort_refuse_locked_period() SET search_path = %I, pg_temp', current_schema());
END
$$;
REVOKE ALL ON FUNCTION styrkort_may_edit(bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION styrkort_may_edit(bigint) TO styrkort_controller, styrkort_editor, styrkort_reader;

-- Every table of a follow-up period.
CREATE TRIGGER indicator_value_period_lock BEFORE INSERT OR UPDATE OR DELETE ON indicator_value
    FOR EACH ROW EXECUTE FUNCTION styrkort_refuse_locked_period();
CREATE TRIGGER assessment_period_lock BEFORE INSERT OR UPDATE OR DELETE ON assessment
    FOR EACH ROW EXECUTE FUNCTION styrkort_refuse_locked_period();
CREATE TRIGGER activity_follow_up_period_lock BEFORE INSERT OR UPDATE OR DELETE ON activity_follow_up
    FOR EACH ROW EXECUTE FUNCTION styrkort_refuse_locked_period();
CREATE TRIGGER report_text_period_lock BEFORE INSERT OR UPDATE OR DELETE ON report_text
    FOR EACH ROW EXECUTE FUNCTION styrkort_refuse_locked_period();
CREATE TRIGGER assignment_follow_up_period_lock BEFORE INSERT OR UPDATE OR DELETE ON assignment_follow_up
    FOR EACH ROW EXECUTE FUNCTION styrkort_refuse_locked_period();
CREATE TRIGGER control_follow_up_period_lock BEFORE INSERT OR UPDATE OR DELETE ON control_follow_up
    FOR EACH ROW EXECUTE FUNCTION styrkort_refuse_locked_period();
CREATE TRIGGER service_guarantee_follow_up_period_lock BEFORE INSERT OR UPDATE OR DELETE ON service_guarantee_follow_up
    FOR EACH ROW EXECUTE FUNCTION styrkort_refuse_locked_period();
CREATE TRIGGER economy_operating_period_lock BEFORE INSERT OR UPDATE OR DELETE ON economy_operating
    FOR EACH ROW EXECUTE FUNCTION styrkort_refuse_locked_period();
CREATE TRIGGER investment_follow_up_period_lock BEFORE INSERT OR UPDATE OR DELETE ON investment_follow_up
    FOR EACH ROW EXECUTE FUNCTION styrkort_refuse_locked_period();
CREATE TRIGGER statement_amount_period_lock BEFORE INSERT OR UPDATE OR DELETE ON statement_amount
    FOR EACH ROW EXECUTE FUNCTION styrkort_refuse_locked_period();
CREATE TRIGGER economy_review_period_lock BEFORE INSERT OR UPDATE OR DELETE ON economy_review
    FOR EACH ROW EXECUTE FUNCTION styrkort_refuse_locked_period();

-- Privileges. Everyone reads every table; the controller writes them all.
DO $$
BEGIN
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO styrkort_controller, styrkort_editor, styrkort_reader', current_schema());
    EXECUTE format('GRANT SELECT ON ALL TABLES IN SCHEMA %I TO styrkort_controller, styrkort_editor, styrkort_reader', current_schema());
    EXECUTE format('GRANT INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA %I TO styrkort_controller', current_schema());
    EXECUTE format('GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA %I TO styrkort_controller', current_schema());
    -- Tables later migrations create (by the same owner) get the same reading and writing.
    EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I GRANT SELECT ON TABLES TO styrkort_controller, styrkort_editor, styrkort_reader', current_schema());
    EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I GRANT INSERT, UPDATE, DELETE ON TABLES TO styrkort_controller', current_schema());
    EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO styrkort_controller', current_schema());
END
$$;

-- An editor inserts and deletes follow-up rows and updates everything in them but their key,
-- so a row cannot be moved to another unit, period or goal (the key names the unit).
GRANT INSERT, DELETE ON indicator_value, assessment, activity_follow_up, report_text,
    assignment_follow_up, control_follow_up, service_guarantee_follow_up TO styrkort_editor;
GRANT UPDATE (value, source, changed_at, changed_by) ON indicator_value TO styrkort_editor;
GRANT UPDATE (step, analysis, state, review_comment, changed_at, changed_by) ON assessment TO styrkort_editor;
GRANT UPDATE (status, comment, changed_at, changed_by) ON activity_follow_up TO styrkort_editor;
GRANT UPDATE (body, assignee, state, review_comment, changed_at, changed_by) ON report_text TO styrkort_editor;
GRANT UPDATE (status, comment, state, review_comment, changed_at, changed_by) ON assignment_follow_up TO styrkort_editor;
GRANT UPDATE (result, comment, deviation, action, state, review_comment, changed_at, changed_by)
    ON control_follow_up TO styrkort_editor;
GRANT UPDATE (kept, comment, state, review_comment, changed_at, changed_by) ON service_guarantee_follow_up TO styrkort_editor;
-- Every write adds an audit row.
GRANT INSERT ON audit_log TO styrkort_editor;
DO $$
DECLARE
    seq TEXT := pg_get_serial_sequence(format('%I.audit_log', current_schema()), 'id');
BEGIN
    IF seq IS NOT NULL THEN
        EXECUTE format('GRANT USAGE ON SEQUENCE %s TO styrkort_editor', seq);
    END IF;
END
$$;

-- The unit a row of an editors' table belongs to (`r` is the row as JSON): its org_unit_id, or
-- the unit of the activity, uppdrag, control plan or tjänstegaranti it follows up.
CREATE FUNCTION styrkort_row_unit(tbl TEXT, r JSONB) RETURNS BIGINT
LANGUAGE sql STABLE
AS $$
    SELECT CASE tbl
        WHEN 'activity_follow_up' THEN
            (SELECT a.owner_unit_id FROM activity a WHERE a.id = (r ->> 'activity_id')::bigint)
        WHEN 'assignment_follow_up' THEN
            (SELECT a.responsible_unit_id FROM assignment a WHERE a.id = (r ->> 'assignment_id')::bigint)
        WHEN 'control_follow_up' THEN
            (SELECT p.org_unit_id FROM control c JOIN control_risk k ON k.id = c.risk_id
             JOIN control_plan p ON p.id = k.plan_id WHERE c.id = (r ->> 'control_id')::bigint)
        WHEN 'service_guarantee_follow_up' THEN
            (SELECT g.org_unit_id FROM service_guarantee g WHERE g.id = (r ->> 'guarantee_id')::bigint)
        ELSE (r ->> 'org_unit_id')::bigint
    END
$$;

-- An editor's DELETE of another unit's row is refused with an error, not skipped: a policy's
-- USING would only hide the row, and the program would then report (and audit) a deletion
-- that never happened. The editors' DELETE policy lets every row through to this trigger.
CREATE FUNCTION styrkort_refuse_foreign_delete() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    IF pg_has_role(current_user, 'styrkort_editor', 'MEMBER')
       AND NOT pg_has_role(current_user, 'styrkort_controller', 'MEMBER')
       AND NOT (SELECT r.rolsuper FROM pg_roles r WHERE r.rolname = current_user)
       AND NOT styrkort_may_edit(styrkort_row_unit(TG_TABLE_NAME, to_jsonb(OLD))) THEN
        RAISE EXCEPTION 'permission denied: the row of % belongs to a unit you do not edit', TG_TABLE_NAME
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN OLD;
END
$$;
DO $$
BEGIN
    EXECUTE format('ALTER FUNCTION styrkort_row_unit(text, jsonb) SET search_path = %I, pg_temp', current_schema());
    EXECUTE format('ALTER FUNCTION styrkort_refuse_foreign_delete() SET search_path = %I, pg_temp', current_schema());
END
$$;
CREATE TRIGGER indicator_value_unit_guard BEFORE DELETE ON indicator_value
    FOR EACH ROW EXECUTE FUNCTION styrkort_refuse_foreign_delete();
CREATE TRIGGER assessment_unit_guard BEFORE DELETE ON assessment
    FOR EACH ROW EXECUTE FUNCTION styrkort_refuse_foreign_delete();
CREATE TRIGGER activity_follow_up_unit_guard BEFORE DELETE ON activity_follow_up
    FOR EACH ROW EXECUTE FUNCTION styrkort_refuse_foreign_delete();
CREATE TRIGGER report_text_unit_guard BEFORE DELETE ON report_text
    FOR EACH ROW EXECUTE FUNCTION styrkort_refuse_foreign_delete();
CREATE TRIGGER assignment_follow_up_unit_guard BEFORE DELETE ON assignment_follow_up
    FOR EACH ROW EXECUTE FUNCTION styrkort_refuse_foreign_delete();
CREATE TRIGGER control_follow_up_unit_guard BEFORE DELETE ON control_follow_up
    FOR EACH ROW EXECUTE FUNCTION styrkort_refuse_foreign_delete();
CREATE TRIGGER service_guarantee_follow_up_unit_guard BEFORE DELETE ON service_guarantee_follow_up
    FOR EACH ROW EXECUTE FUNCTION styrkort_refuse_foreign_delete();

-- Row-level security on the editors' tables: the controller and every reader see all rows;
-- an editor sees all rows and writes those of their units. An UPDATE of another unit's row is
-- refused with an error (the new row fails the check, since its unit cannot change) rather than
-- skipped; a DELETE of one is refused by the trigger above.
ALTER TABLE indicator_value ENABLE ROW LEVEL SECURITY;
ALTER TABLE assessment ENABLE ROW LEVEL SECURITY;
ALTER TABLE activity_follow_up ENABLE ROW LEVEL SECURITY;
ALTER TABLE report_text ENABLE ROW LEVEL SECURITY;
ALTER TABLE assignment_follow_up ENABLE ROW LEVEL SECURITY;
ALTER TABLE control_follow_up ENABLE ROW LEVEL SECURITY;
ALTER TABLE service_guarantee_follow_up ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY;

CREATE POLICY controller_all ON indicator_value TO styrkort_controller USING (true) WITH CHECK (true);
CREATE POLICY read_all ON indicator_value FOR SELECT TO styrkort_editor, styrkort_reader USING (true);
CREATE POLICY editor_insert ON indicator_value FOR INSERT TO styrkort_editor
    WITH CHECK (styrkort_may_edit(indicator_value.org_unit_id));
CREATE POLICY editor_update ON indicator_value FOR UPDATE TO styrkort_editor
    USING (true) WITH CHECK (styrkort_may_edit(indicator_value.org_unit_id));
CREATE POLICY editor_delete ON indicator_value FOR DELETE TO styrkort_editor USING (true);

CREATE POLICY controller_all ON assessment TO styrkort_controller USING (true) WITH CHECK (true);
CREATE POLICY read_all ON assessment FOR SELECT TO styrkort_editor, styrkort_reader USING (true);
CREATE POLICY editor_insert ON assessment FOR INSERT TO styrkort_editor
    WITH CHECK (styrkort_may_edit(assessment.org_unit_id));
CREATE POLICY editor_update ON assessment FOR UPDATE TO styrkort_editor
    USING (true) WITH CHECK (styrkort_may_edit(assessment.org_unit_id));
CREATE POLICY editor_delete ON assessment FOR DELETE TO styrkort_editor USING (true);

CREATE POLICY controller_all ON report_text TO styrkort_controller USING (true) WITH CHECK (true);
CREATE POLICY read_all ON report_text FOR SELECT TO styrkort_editor, styrkort_reader USING (true);
CREATE POLICY editor_insert ON report_text FOR INSERT TO styrkort_editor
    WITH CHECK (styrkort_may_edit(report_text.org_unit_id));
CREATE POLICY editor_update ON report_text FOR UPDATE TO styrkort_editor
    USING (true) WITH CHECK (styrkort_may_edit(report_text.org_unit_id));
CREATE POLICY editor_delete ON report_text FOR DELETE TO styrkort_editor USING (true);

-- An activity's follow-up belongs to the activity's owner unit.
CREATE POLICY controller_all ON activity_follow_up TO styrkort_controller USING (true) WITH CHECK (true);
CREATE POLICY read_all ON activity_follow_up FOR SELECT TO styrkort_editor, styrkort_reader USING (true);
CREATE POLICY editor_insert ON activity_follow_up FOR INSERT TO styrkort_editor
    WITH CHECK (styrkort_may_edit((SELECT a.owner_unit_id FROM activity a WHERE a.id = activity_follow_up.activity_id)));
CREATE POLICY editor_update ON activity_follow_up FOR UPDATE TO styrkort_editor
    USING (true) WITH CHECK (styrkort_may_edit((SELECT a.owner_unit_id FROM activity a WHERE a.id = activity_follow_up.activity_id)));
CREATE POLICY editor_delete ON activity_follow_up FOR DELETE TO styrkort_editor USING (true);

-- An uppdrag's follow-up belongs to the unit responsible for it.
CREATE POLICY controller_all ON assignment_follow_up TO styrkort_controller USING (true) WITH CHECK (true);
CREATE POLICY read_all ON assignment_follow_up FOR SELECT TO styrkort_editor, styrkort_reader USING (true);
CREATE POLICY editor_insert ON assignment_follow_up FOR INSERT TO styrkort_editor
    WITH CHECK (styrkort_may_edit((SELECT a.responsible_unit_id FROM assignment a WHERE a.id = assignment_follow_up.assignment_id)));
CREATE POLICY editor_update ON assignment_follow_up FOR UPDATE TO styrkort_editor
    USING (true) WITH CHECK (styrkort_may_edit((SELECT a.responsible_unit_id FROM assignment a WHERE a.id = assignment_follow_up.assignment_id)));
CREATE POLICY editor_delete ON assignment_follow_up FOR DELETE TO styrkort_editor USING (true);

-- A control's follow-up belongs to the unit whose control plan it is in.
CREATE POLICY controller_all ON control_follow_up TO styrkort_controller USING (true) WITH CHECK (true);
CREATE POLICY read_all ON control_follow_up FOR SELECT TO styrkort_editor, styrkort_reader USING (true);
CREATE POLICY editor_insert ON control_follow_up FOR INSERT TO styrkort_editor
    WITH CHECK (styrkort_may_edit((SELECT p.org_unit_id FROM control c JOIN control_risk r ON r.id = c.risk_id
                                   JOIN control_plan p ON p.id = r.plan_id WHERE c.id = control_follow_up.control_id)));
CREATE POLICY editor_update ON control_follow_up FOR UPDATE TO styrkort_editor
    USING (true)
    WITH CHECK (styrkort_may_edit((SELECT p.org_unit_id FROM control c JOIN control_risk r ON r.id = c.risk_id
                                   JOIN control_plan p ON p.id = r.plan_id WHERE c.id = control_follow_up.control_id)));
CREATE POLICY editor_delete ON control_follow_up FOR DELETE TO styrkort_editor USING (true);

-- A tjänstegaranti's follow-up belongs to the guarantee's unit.
CREATE POLICY controller_all ON service_guarantee_follow_up TO styrkort_controller USING (true) WITH CHECK (true);
CREATE POLICY read_all ON service_guarantee_follow_up FOR SELECT TO styrkort_editor, styrkort_reader USING (true);
CREATE POLICY editor_insert ON service_guarantee_follow_up FOR INSERT TO styrkort_editor
    WITH CHECK (styrkort_may_edit((SELECT g.org_unit_id FROM service_guarantee g WHERE g.id = service_guarantee_follow_up.guarantee_id)));
CREATE POLICY editor_update ON service_guarantee_follow_up FOR UPDATE TO styrkort_editor
    USING (true) WITH CHECK (styrkort_may_edit((SELECT g.org_unit_id FROM service_guarantee g WHERE g.id = service_guarantee_follow_up.guarantee_id)));
CREATE POLICY editor_delete ON service_guarantee_follow_up FOR DELETE TO styrkort_editor USING (true);

-- The audit log: everyone reads it; an audit row names its real writer, whoever writes it.
CREATE POLICY read_all ON audit_log FOR SELECT TO styrkort_controller, styrkort_editor, styrkort_reader USING (true);
CREATE POLICY write_own ON audit_log FOR INSERT TO styrkort_controller, styrkort_editor
    WITH CHECK (db_user = session_user);
CREATE POLICY controller_delete ON audit_log FOR DELETE TO styrkort_controller USING (true);
