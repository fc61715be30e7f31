-- Planning undo on the shared database (issue 14): what SQLite's pre-update hook does for the
-- laptop's file. While a journaled planning change runs, its transaction has
-- `styrkort.capture` = 'on' (set with set_config(..., true), so it ends with the transaction),
-- and a row-level AFTER trigger on every table a planning change may touch records each row
-- it inserts, updates or deletes (the old and the new row as JSON) in a temporary table of the
-- session. `journal::journaled` reads them to know WHICH rows the change touched and what they
-- held before; it builds the after-image by reading those rows again.
--
-- The temporary table belongs to the session (no other session sees it; no privilege on a
-- shared table is needed) and is emptied at every commit or rollback.

CREATE FUNCTION styrkort_capture_begin() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF to_regclass('pg_temp.styrkort_captured') IS NULL THEN
        CREATE TEMPORARY TABLE styrkort_captured (
            seq     BIGSERIAL PRIMARY KEY,
            tbl     TEXT NOT NULL,
            old_row JSONB,
            new_row JSONB
        ) ON COMMIT DELETE ROWS;
    ELSE
        DELETE FROM pg_temp.styrkort_captured;
    END IF;
    PERFORM set_config('styrkort.capture', 'on', true);
END;
$$;

CREATE FUNCTION styrkort_capture_end() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM set_config('styrkort.capture', 'off', true);
END;
$$;

CREATE FUNCTION styrkort_capture_row() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('styrkort.capture', true) IS DISTINCT FROM 'on' THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'INSERT' THEN
        INSERT INTO pg_temp.styrkort_captured(tbl, old_row, new_row) VALUES (TG_TABLE_NAME, NULL, to_jsonb(NEW));
    ELSIF TG_OP = 'UPDATE' THEN
        INSERT INTO pg_temp.styrkort_captured(tbl, old_row, new_row) VALUES (TG_TABLE_NAME, to_jsonb(OLD), to_jsonb(NEW));
    ELSE
        INSERT INTO pg_temp.styrkort_captured(tbl, old_row, new_row) VALUES (TG_TABLE_NAME, to_jsonb(OLD), NULL);
    END IF;
    RETURN NULL;
END;
$$;

DO $$
BEGIN
    EXECUTE format('ALTER FUNCTION styrkort_capture_begin() SET search_path = %I, pg_temp', current_schema());
    EXECUTE format('ALTER FUNCTION styrkort_capture_end() SET search_path = %I, pg_temp', current_schema());
    EXECUTE format('ALTER FUNCTION styrkort_capture_row() SET search_path = %I, pg_temp', current_schema());
END
$$;

-- The tables of `journal::TABLES` (a unit test there keeps the two lists the same).
DO $$
DECLARE
    t TEXT;
BEGIN
    FOREACH t IN ARRAY ARRAY[
        'org_unit', 'assessment_scale', 'assessment_step', 'plan_year', 'perspective', 'goal', 'goal_link',
        'indicator', 'indicator_target', 'goal_indicator', 'follow_up_period', 'activity', 'activity_goal',
        'activity_follow_up', 'assessment', 'investment_project', 'investment_follow_up', 'economy_operating',
        'statement_amount', 'assignment', 'assignment_goal', 'assignment_follow_up', 'control_plan',
        'control_risk', 'control', 'control_follow_up', 'unit_mission', 'service_guarantee',
        'service_guarantee_follow_up', 'goal_global_goal', 'indicator_global_goal'
    ] LOOP
        EXECUTE format(
            'CREATE TRIGGER styrkort_capture AFTER INSERT OR UPDATE OR DELETE ON %I
             FOR EACH ROW EXECUTE FUNCTION styrkort_capture_row()', t);
    END LOOP;
END;
$$;
