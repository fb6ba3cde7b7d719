-- Times are INTEGER microseconds since the Unix epoch, UTC: they compare and index as numbers.

-- +goose Up
CREATE TABLE sites (
    id                     INTEGER PRIMARY KEY,
    owner_id               INTEGER NOT NULL DEFAULT 0,
    type                   TEXT    NOT NULL DEFAULT 'http',
    name                   TEXT    NOT NULL,
    url                    TEXT    NOT NULL,
    check_interval_seconds INTEGER NOT NULL,
    timeout_seconds        INTEGER NOT NULL,
    expected_status_code   INTEGER NOT NULL,
    paused                 INTEGER NOT NULL DEFAULT 0,
    status                 TEXT    NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'up', 'down')),
    status_code            INTEGER NOT NULL DEFAULT 0,
    response_time_ms       INTEGER,
    last_error             TEXT    NOT NULL DEFAULT '',
    last_checked           INTEGER,
    last_status_change     INTEGER,
    consecutive_failures   INTEGER NOT NULL DEFAULT 0,
    consecutive_successes  INTEGER NOT NULL DEFAULT 0,
    next_check_at          INTEGER NOT NULL,
    claimed_by             TEXT,
    claimed_until          INTEGER,
    created_at             INTEGER NOT NULL
) STRICT;
CREATE INDEX sites_owner ON sites (owner_id, id);
CREATE INDEX sites_due ON sites (next_check_at) WHERE paused = 0;

CREATE TABLE checks (
    id               INTEGER PRIMARY KEY,
    site_id          INTEGER NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
    checked_at       INTEGER NOT NULL,
    status           TEXT    NOT NULL,
    status_code      INTEGER NOT NULL DEFAULT 0,
    response_time_ms INTEGER NOT NULL,
    error            TEXT    NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX checks_site_time ON checks (site_id, checked_at DESC);

CREATE TABLE events (
    id          INTEGER PRIMARY KEY,
    site_id     INTEGER NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
    at          INTEGER NOT NULL,
    from_status TEXT    NOT NULL,
    to_status   TEXT    NOT NULL,
    reason      TEXT    NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX events_site_time ON events (site_id, at DESC);

-- +goose Down
DROP TABLE events;
DROP TABLE checks;
DROP TABLE sites;
