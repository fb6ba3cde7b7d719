-- The schedule (when a site is next due, who holds its claim) moves to a narrow table of its
-- own, with the copies of paused, the interval and the timeout that the claim reads: a claim
-- then rewrites a short row and its index entry, not the site's wide row. PostgreSQL's
-- migration says why it matters most there; both stores share the SQL that uses it.

-- +goose Up
CREATE TABLE site_schedule (
    site_id                INTEGER PRIMARY KEY REFERENCES sites (id) ON DELETE CASCADE,
    next_check_at          INTEGER NOT NULL,
    claimed_by             TEXT,
    claimed_until          INTEGER,
    paused                 INTEGER NOT NULL,
    check_interval_seconds INTEGER NOT NULL,
    timeout_seconds        INTEGER NOT NULL
);
INSERT INTO site_schedule (site_id, next_check_at, claimed_by, claimed_until, paused, check_interval_seconds, timeout_seconds)
    SELECT id, next_check_at, claimed_by, claimed_until, paused, check_interval_seconds, timeout_seconds FROM sites;
CREATE INDEX site_schedule_due ON site_schedule (next_check_at) WHERE paused = 0;
DROP INDEX sites_due;
ALTER TABLE sites DROP COLUMN next_check_at;
ALTER TABLE sites DROP COLUMN claimed_by;
ALTER TABLE sites DROP COLUMN claimed_until;

-- +goose Down
ALTER TABLE sites ADD COLUMN next_check_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sites ADD COLUMN claimed_by TEXT;
ALTER TABLE sites ADD COLUMN claimed_until INTEGER;
UPDATE sites SET (next_check_at, claimed_by, claimed_until) =
    (SELECT next_check_at, claimed_by, claimed_until FROM site_schedule WHERE site_id = sites.id)
    WHERE id IN (SELECT site_id FROM site_schedule);
CREATE INDEX sites_due ON sites (next_check_at) WHERE paused = 0;
DROP TABLE site_schedule;
