-- Maintenance windows: planned work during which a site's checks run but its outage alerts are
-- held and its time is left out of uptime. A window is one-off (start_at, end_at) or recurring
-- (cron, duration_seconds, timezone); it covers the sites in maintenance_sites, or every site
-- of its owner when all_sites is set.

-- +goose Up
CREATE TABLE maintenance (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    owner_id         INTEGER NOT NULL DEFAULT 0,
    title            TEXT    NOT NULL,
    all_sites        INTEGER NOT NULL DEFAULT 0,
    start_at         INTEGER,
    end_at           INTEGER,
    cron             TEXT    NOT NULL DEFAULT '',
    duration_seconds INTEGER NOT NULL DEFAULT 0,
    timezone         TEXT    NOT NULL DEFAULT '',
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
) STRICT;
CREATE INDEX maintenance_owner ON maintenance (owner_id, id);

CREATE TABLE maintenance_sites (
    maintenance_id INTEGER NOT NULL REFERENCES maintenance (id) ON DELETE CASCADE,
    site_id        INTEGER NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
    PRIMARY KEY (maintenance_id, site_id)
) STRICT;
CREATE INDEX maintenance_sites_site ON maintenance_sites (site_id);

-- maintenance_held: the site went down during maintenance and its down alert is owed if it is
-- still down when the window closes. maintenance_open: the last maintenance event written for
-- the site opened a window (its events say active → maintenance); the sweep that writes those
-- events compares it with the windows.
ALTER TABLE sites ADD COLUMN maintenance_held INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sites ADD COLUMN maintenance_open INTEGER NOT NULL DEFAULT 0;
CREATE INDEX sites_maintenance_open ON sites (id) WHERE maintenance_open = 1;

-- +goose Down
DROP INDEX sites_maintenance_open;
ALTER TABLE sites DROP COLUMN maintenance_open;
ALTER TABLE sites DROP COLUMN maintenance_held;
DROP TABLE maintenance_sites;
DROP TABLE maintenance;
