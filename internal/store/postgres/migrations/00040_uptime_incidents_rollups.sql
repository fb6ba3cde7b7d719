-- Uptime, incidents and response-time rollups, which outlive the raw checks they came from.
--
-- incidents: one row per down period, from the first failed check of the run that made the
-- site down to the recovery (ended_at NULL while ongoing). Past down events become incidents
-- here; from now on RecordChecks keeps the table.
--
-- uptime_ledgers: per site, the time already counted as up and as down (milliseconds, since
-- the ledger began) and up to when (at), whether the site is watched (mode: active, paused,
-- gap, maintenance) and the run of failed checks it is in. Every batch of results moves it in
-- the transaction that records them.
--
-- rollup_hours / rollup_days: per site per UTC hour (hours since the epoch) and per UTC day
-- (days since the epoch): how many checks, how many failed, the response times of the checks
-- that passed as a histogram (monitor.Histogram's encoding: min, max, sum, log buckets), and
-- the ledger's up and down totals at the end of the period, so that the up time of any range
-- of whole periods is the difference of two rows.

-- +goose Up
CREATE TABLE incidents (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    site_id       BIGINT      NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
    started_at    TIMESTAMPTZ NOT NULL,
    ended_at      TIMESTAMPTZ,
    error         TEXT        NOT NULL DEFAULT '',
    status_code   INTEGER     NOT NULL DEFAULT 0,
    failed_checks INTEGER     NOT NULL DEFAULT 0
);
CREATE INDEX incidents_site_time ON incidents (site_id, started_at DESC);
CREATE INDEX incidents_open ON incidents (site_id) WHERE ended_at IS NULL;
CREATE INDEX incidents_site_end ON incidents (site_id, ended_at);

CREATE TABLE uptime_ledgers (
    site_id        BIGINT      PRIMARY KEY REFERENCES sites (id) ON DELETE CASCADE,
    at             TIMESTAMPTZ NOT NULL,
    mode           TEXT        NOT NULL DEFAULT 'active',
    up_ms          BIGINT      NOT NULL DEFAULT 0,
    down_ms        BIGINT      NOT NULL DEFAULT 0,
    run_since      TIMESTAMPTZ,
    run_failed     INTEGER     NOT NULL DEFAULT 0,
    run_error      TEXT        NOT NULL DEFAULT '',
    run_code       INTEGER     NOT NULL DEFAULT 0
);

CREATE TABLE rollup_hours (
    site_id     BIGINT  NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
    hour        INTEGER NOT NULL,
    checks      INTEGER NOT NULL,
    failures    INTEGER NOT NULL,
    cum_up_ms   BIGINT  NOT NULL,
    cum_down_ms BIGINT  NOT NULL,
    hist        BYTEA   NOT NULL,
    PRIMARY KEY (site_id, hour)
);
CREATE INDEX rollup_hours_hour ON rollup_hours (hour);

CREATE TABLE rollup_days (
    site_id     BIGINT  NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
    day         INTEGER NOT NULL,
    checks      INTEGER NOT NULL,
    failures    INTEGER NOT NULL,
    cum_up_ms   BIGINT  NOT NULL,
    cum_down_ms BIGINT  NOT NULL,
    hist        BYTEA   NOT NULL,
    PRIMARY KEY (site_id, day)
);
CREATE INDEX rollup_days_day ON rollup_days (day);

-- Past down events become incidents: each down event that follows a status other than down
-- opens one, and the next status event that leaves down ends it.
INSERT INTO incidents (site_id, started_at, ended_at, error)
SELECT site_id, at, (SELECT min(n.at) FROM events n
        WHERE n.site_id = d.site_id AND n.kind = 'status' AND n.at > d.at AND n.to_status <> 'down'), reason
FROM (SELECT site_id, at, to_status, reason,
        lag(to_status) OVER (PARTITION BY site_id ORDER BY at, id) AS before
      FROM events WHERE kind = 'status') d
WHERE to_status = 'down' AND (before IS NULL OR before <> 'down');

-- Their first failing check and how many failed, while the checks are still there.
UPDATE incidents i SET
    failed_checks = (SELECT count(*) FROM checks c WHERE c.site_id = i.site_id AND c.status = 'down'
        AND c.checked_at >= i.started_at AND (i.ended_at IS NULL OR c.checked_at < i.ended_at)),
    error = coalesce((SELECT c.error FROM checks c WHERE c.site_id = i.site_id AND c.status = 'down'
        AND c.checked_at >= i.started_at AND (i.ended_at IS NULL OR c.checked_at < i.ended_at)
        ORDER BY c.checked_at LIMIT 1), i.error),
    status_code = coalesce((SELECT c.status_code FROM checks c WHERE c.site_id = i.site_id AND c.status = 'down'
        AND c.checked_at >= i.started_at AND (i.ended_at IS NULL OR c.checked_at < i.ended_at)
        ORDER BY c.checked_at LIMIT 1), 0);

-- A check's phase timings in a compact encoding (store.EncodePhases) instead of a JSON
-- document: older rows keep theirs in timings.
ALTER TABLE checks ADD COLUMN phases BYTEA;

-- +goose Down
ALTER TABLE checks DROP COLUMN phases;
DROP TABLE rollup_days;
DROP TABLE rollup_hours;
DROP TABLE uptime_ledgers;
DROP TABLE incidents;
