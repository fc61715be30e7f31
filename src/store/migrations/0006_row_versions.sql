-- Styrkort schema, version 6 (issue 14, "no silent overwrites"): a version on every row people
-- edit, so a save over a change someone else made since they loaded the row is refused.
--
-- Every save of such a row sets version = version + 1 (in the repository's UPDATE or upsert;
-- a new row starts at 0). A save from the window names the version it loaded and is refused
-- with `conflict` when the stored one differs. Imports, exchange files, the seed loader and the
-- CLI save unchecked but still count the version up, so a window that loaded the row earlier
-- is refused rather than overwriting what they brought in.
--
-- The follow-up rows (what many people enter at once in the weeks before a deadline) and the
-- planning rows people edit in forms (goal, indicator, activity). Added last in each table,
-- as ALTER TABLE does, and likewise in PostgreSQL migration 0004_row_versions.sql.
ALTER TABLE indicator_value ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE assessment ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE report_text ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE activity_follow_up ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE assignment_follow_up ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE control_follow_up ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE service_guarantee_follow_up ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE goal ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE indicator ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE activity ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
