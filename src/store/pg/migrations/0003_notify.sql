-- Live updates (issue 14): every committed change tells the other windows which table it
-- touched. NOTIFY is transactional (sent at commit, never for a rolled-back change) and
-- PostgreSQL folds identical notifications of one transaction into one, so a save of a
-- thousand values sends one 'indicator_value'.
CREATE FUNCTION styrkort_notify_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('styrkort_changed', TG_TABLE_NAME);
    RETURN NULL;
END;
$$;

DO $$
DECLARE
    t record;
BEGIN
    FOR t IN
        SELECT c.relname
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind = 'r' AND n.nspname = current_schema() AND c.relname <> 'styrkort_schema'
    LOOP
        EXECUTE format(
            'CREATE TRIGGER styrkort_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON %I
             FOR EACH STATEMENT EXECUTE FUNCTION styrkort_notify_change()', t.relname);
    END LOOP;
END;
$$;
