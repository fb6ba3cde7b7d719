-- A site's definition (what a check does: kind, target, timeout, options) changes only when
-- its settings are edited, yet each claim read it again from the wide sites row. The schedule
-- row now carries a version that every edit bumps, and the claim returns it: a scheduler that
-- already holds the site at that version reads nothing more. The column is not indexed, so an
-- edit's update of the schedule row stays HOT.

-- +goose Up
ALTER TABLE site_schedule ADD COLUMN version BIGINT NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE site_schedule DROP COLUMN version;
