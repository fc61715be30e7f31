-- Row versions (issue 14, "no silent overwrites"): the same columns as SQLite migration
-- 0006_row_versions.sql, last in each table so both engines keep the same column order. Every
-- save counts a row's version up; a save from the window names the version it loaded and is
-- refused with `conflict` when the stored one differs (checked in the UPDATE itself, so two
-- saves at once under READ COMMITTED cannot both pass).
ALTER TABLE indicator_value ADD COLUMN version BIGINT NOT NULL DEFAULT 0;
ALTER TABLE assessment ADD COLUMN version BIGINT NOT NULL DEFAULT 0;
ALTER TABLE report_text ADD COLUMN version BIGINT NOT NULL DEFAULT 0;
ALTER TABLE activity_follow_up ADD COLUMN version BIGINT NOT NULL DEFAULT 0;
ALTER TABLE assignment_follow_up ADD COLUMN version BIGINT NOT NULL DEFAULT 0;
ALTER TABLE control_follow_up ADD COLUMN version BIGINT NOT NULL DEFAULT 0;
ALTER TABLE service_guarantee_follow_up ADD COLUMN version BIGINT NOT NULL DEFAULT 0;
ALTER TABLE goal ADD COLUMN version BIGINT NOT NULL DEFAULT 0;
ALTER TABLE indicator ADD COLUMN version BIGINT NOT NULL DEFAULT 0;
ALTER TABLE activity ADD COLUMN version BIGINT NOT NULL DEFAULT 0;

-- Editors update the follow-up rows of their units (0002_roles.sql grants the columns one by
-- one); a save counts the version up, so they need it too.
GRANT UPDATE (version) ON indicator_value, assessment, activity_follow_up, report_text,
    assignment_follow_up, control_follow_up, service_guarantee_follow_up TO styrkort_editor;
