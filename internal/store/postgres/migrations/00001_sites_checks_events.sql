-- +goose Up
CREATE TABLE sites (
    id                     BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    owner_id               BIGINT      NOT NULL DEFAULT 0,
    type                   TEXT        NOT NULL DEFAULT 'http',
    name                   TEXT        NOT NULL,
    url                    TEXT        NOT NULL,
    check_interval_seconds INTEGER     NOT NULL,
    timeout_seconds        INTEGER     NOT NULL,
    expected_status_code   INTEGER     NOT NULL,
    paused                 BOOLEAN     NOT NULL DEFAULT FALSE,
    status                 TEXT        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'up', 'down')),
    status_code            INTEGER     NOT NULL DEFAULT 0,
    response_time_ms       BIGINT,
    last_error             TEXT        NOT NULL DEFAULT '',
    last_checked           TIMESTAMPTZ,
    last_status_change     TIMESTAMPTZ,
    consecutive_failures   INTEGER     NOT NULL DEFAULT 0,
    consecutive_successes  INTEGER     NOT NULL DEFAULT 0,
    next_check_at          TIMESTAMPTZ NOT NULL,
    claimed_by             TEXT,
    claimed_until          TIMESTAMPTZ,
    created_at             TIMESTAMPTZ NOT NULL
) WITH (fillfactor = 80); -- room for the frequent in-place updates of check state
CREATE INDEX sites_owner ON sites (owner_id, id);
CREATE INDEX sites_due ON sites (next_check_at) WHERE NOT paused;

CREATE TABLE checks (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    site_id          BIGINT      NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
    checked_at       TIMESTAMPTZ NOT NULL,
    status           TEXT        NOT NULL,
    status_code      INTEGER     NOT NULL DEFAULT 0,
    response_time_ms BIGINT      NOT NULL,
    error            TEXT        NOT NULL DEFAULT ''
);
CREATE INDEX checks_site_time ON checks (site_id, checked_at DESC);

CREATE TABLE events (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    site_id     BIGINT      NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
    at          TIMESTAMPTZ NOT NULL,
    from_status TEXT        NOT NULL,
    to_status   TEXT        NOT NULL,
    reason      TEXT        NOT NULL DEFAULT ''
);
CREATE INDEX events_site_time ON events (site_id, at DESC);

-- +goose Down
DROP TABLE events;
DROP TABLE checks;
DROP TABLE sites;
