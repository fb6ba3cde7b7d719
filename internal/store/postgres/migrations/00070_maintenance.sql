-- Maintenance windows: planned work during which a site's checks run but its outage alerts are
-- held and its time is left out of uptime. A window is one-off (start_at, end_at) or recurring
-- (cron, duration_seconds, timezone); it covers the sites in maintenance_sites, or every site
-- of its owner when all_sites is set.

-- +goose Up
CREATE TABLE maintenance (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    owner_id         BIGINT      NOT NULL DEFAULT 0,
    title            TEXT        NOT NULL,
    all_sites        BOOLEAN     NOT NULL DEFAULT FALSE,
    start_at         TIMESTAMPTZ,
    end_at           TIMESTAMPTZ,
    cron             TEXT        NOT NULL DEFAULT '',
    duration_seconds BIGINT      NOT NULL DEFAULT 0,
    timezone         TEXT        NOT NULL DEFAULT '',
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL
);
CREATE INDEX maintenance_owner ON maintenance (owner_id, id);

CREATE TABLE maintenance_sites (
    maintenance_id BIGINT NOT NULL REFERENCES maintenance (id) ON DELETE CASCADE,
    site_id        BIGINT NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
    PRIMARY KEY (maintenance_id, site_id)
);
CREATE INDEX maintenance_sites_site ON maintenance_sites (site_id);

-- maintenance_held: the site went down during maintenance and its down alert is owed if it is
-- still down when the window closes. maintenance_open: the last maintenance event written for
-- the site opened a window (its events say active → maintenance); the sweep that writes those
-- events compares it with the windows.
ALTER TABLE sites ADD COLUMN maintenance_held BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE sites ADD COLUMN maintenance_open BOOLEAN NOT NULL DEFAULT FALSE;
CREATE INDEX sites_maintenance_open ON sites (id) WHERE maintenance_open;

-- +goose Down
DROP INDEX sites_maintenance_open;
ALTER TABLE sites DROP COLUMN maintenance_open;
ALTER TABLE sites DROP COLUMN maintenance_held;
DROP TABLE maintenance_sites;
DROP TABLE maintenance;
