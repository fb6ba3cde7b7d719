-- The uptime ledger moves into its site's row: each check read the site's row and its
-- ledger's, and wrote both (two row versions, one of them a whole tuple of uptime_ledgers with
-- its index lookup), so it now reads and writes one row instead of two; the site's update stays
-- HOT, since no ledger column is indexed. A site without a ledger yet (never checked) has
-- ledger_at NULL.

-- +goose Up
ALTER TABLE sites
    ADD COLUMN ledger_at         TIMESTAMPTZ,
    ADD COLUMN ledger_mode       TEXT    NOT NULL DEFAULT 'active',
    ADD COLUMN ledger_up_ms      BIGINT  NOT NULL DEFAULT 0,
    ADD COLUMN ledger_down_ms    BIGINT  NOT NULL DEFAULT 0,
    ADD COLUMN ledger_run_since  TIMESTAMPTZ,
    ADD COLUMN ledger_run_failed INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN ledger_run_error  TEXT    NOT NULL DEFAULT '',
    ADD COLUMN ledger_run_code   INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN ledger_incidents  BIGINT  NOT NULL DEFAULT 0,
    ADD COLUMN ledger_resolved   BIGINT  NOT NULL DEFAULT 0,
    ADD COLUMN ledger_repair_ms  BIGINT  NOT NULL DEFAULT 0,
    ADD COLUMN ledger_open_since TIMESTAMPTZ;
UPDATE sites SET ledger_at = l.at, ledger_mode = l.mode, ledger_up_ms = l.up_ms, ledger_down_ms = l.down_ms,
        ledger_run_since = l.run_since, ledger_run_failed = l.run_failed, ledger_run_error = l.run_error,
        ledger_run_code = l.run_code, ledger_incidents = l.incidents, ledger_resolved = l.resolved,
        ledger_repair_ms = l.repair_ms, ledger_open_since = l.open_since
    FROM uptime_ledgers l WHERE l.site_id = sites.id;
DROP TABLE uptime_ledgers;

-- +goose Down
CREATE TABLE uptime_ledgers (
    site_id    BIGINT      PRIMARY KEY REFERENCES sites (id) ON DELETE CASCADE,
    at         TIMESTAMPTZ NOT NULL,
    mode       TEXT        NOT NULL DEFAULT 'active',
    up_ms      BIGINT      NOT NULL DEFAULT 0,
    down_ms    BIGINT      NOT NULL DEFAULT 0,
    run_since  TIMESTAMPTZ,
    run_failed INTEGER     NOT NULL DEFAULT 0,
    run_error  TEXT        NOT NULL DEFAULT '',
    run_code   INTEGER     NOT NULL DEFAULT 0,
    incidents  BIGINT      NOT NULL DEFAULT 0,
    resolved   BIGINT      NOT NULL DEFAULT 0,
    repair_ms  BIGINT      NOT NULL DEFAULT 0,
    open_since TIMESTAMPTZ
);
INSERT INTO uptime_ledgers (site_id, at, mode, up_ms, down_ms, run_since, run_failed, run_error, run_code,
        incidents, resolved, repair_ms, open_since)
    SELECT id, ledger_at, ledger_mode, ledger_up_ms, ledger_down_ms, ledger_run_since, ledger_run_failed,
        ledger_run_error, ledger_run_code, ledger_incidents, ledger_resolved, ledger_repair_ms, ledger_open_since
    FROM sites WHERE ledger_at IS NOT NULL;
ALTER TABLE sites
    DROP COLUMN ledger_at, DROP COLUMN ledger_mode, DROP COLUMN ledger_up_ms, DROP COLUMN ledger_down_ms,
    DROP COLUMN ledger_run_since, DROP COLUMN ledger_run_failed, DROP COLUMN ledger_run_error,
    DROP COLUMN ledger_run_code, DROP COLUMN ledger_incidents, DROP COLUMN ledger_resolved,
    DROP COLUMN ledger_repair_ms, DROP COLUMN ledger_open_since;
