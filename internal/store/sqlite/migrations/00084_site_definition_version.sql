-- A site's definition (what a check does: kind, target, timeout, options) changes only when
-- its settings are edited, yet each claim read it again from the wide sites row. The schedule
-- row now carries a version that every edit bumps, and the claim returns it: a scheduler that
-- already holds the site at that version reads nothing more.

-- +goose Up
ALTER TABLE site_schedule ADD COLUMN version INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE site_schedule DROP COLUMN version;
