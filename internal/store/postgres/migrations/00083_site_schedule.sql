-- A claim moves next_check_at, which is indexed, so its update of a site's row is never HOT:
-- each check left a dead copy of the whole wide row (settings, rule state, latency) and new
-- entries in every index of sites. The schedule moves to a narrow table of its own, with the
-- copies of paused, the interval and the timeout that the claim reads, so a claim rewrites
-- some 80 bytes and two index entries, and the result's update of the site's state stays HOT.

-- +goose Up
CREATE TABLE site_schedule (
    site_id                BIGINT      PRIMARY KEY REFERENCES sites (id) ON DELETE CASCADE,
    next_check_at          TIMESTAMPTZ NOT NULL,
    claimed_by             TEXT,
    claimed_until          TIMESTAMPTZ,
    paused                 BOOLEAN     NOT NULL,
    check_interval_seconds INTEGER     NOT NULL,
    timeout_seconds        INTEGER     NOT NULL
) WITH (fillfactor = 50, autovacuum_vacuum_scale_factor = 0.01, autovacuum_vacuum_threshold = 1000,
    autovacuum_vacuum_cost_delay = 0);
INSERT INTO site_schedule (site_id, next_check_at, claimed_by, claimed_until, paused, check_interval_seconds, timeout_seconds)
    SELECT id, next_check_at, claimed_by, claimed_until, paused, check_interval_seconds, timeout_seconds FROM sites;
CREATE INDEX site_schedule_due ON site_schedule (next_check_at) WHERE NOT paused;
ALTER TABLE sites DROP COLUMN next_check_at, DROP COLUMN claimed_by, DROP COLUMN claimed_until;

-- +goose Down
ALTER TABLE sites ADD COLUMN next_check_at TIMESTAMPTZ, ADD COLUMN claimed_by TEXT, ADD COLUMN claimed_until TIMESTAMPTZ;
UPDATE sites SET next_check_at = s.next_check_at, claimed_by = s.claimed_by, claimed_until = s.claimed_until
    FROM site_schedule s WHERE s.site_id = sites.id;
UPDATE sites SET next_check_at = created_at WHERE next_check_at IS NULL;
ALTER TABLE sites ALTER COLUMN next_check_at SET NOT NULL;
CREATE INDEX sites_due ON sites (next_check_at) WHERE NOT paused;
DROP TABLE site_schedule;
