-- The uptime ledger moves into its site's row: each check read the site's row and its
-- ledger's, and wrote both, so it now reads and writes one row instead of two. A site without
-- a ledger yet (never checked) has ledger_at NULL.

-- +goose Up
ALTER TABLE sites ADD COLUMN ledger_at         INTEGER;
ALTER TABLE sites ADD COLUMN ledger_mode       TEXT    NOT NULL DEFAULT 'active';
ALTER TABLE sites ADD COLUMN ledger_up_ms      INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sites ADD COLUMN ledger_down_ms    INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sites ADD COLUMN ledger_run_since  INTEGER;
ALTER TABLE sites ADD COLUMN ledger_run_failed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sites ADD COLUMN ledger_run_error  TEXT    NOT NULL DEFAULT '';
ALTER TABLE sites ADD COLUMN ledger_run_code   INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sites ADD COLUMN ledger_incidents  INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sites ADD COLUMN ledger_resolved   INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sites ADD COLUMN ledger_repair_ms  INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sites ADD COLUMN ledger_open_since INTEGER;
UPDATE sites SET (ledger_at, ledger_mode, ledger_up_ms, ledger_down_ms, ledger_run_since, ledger_run_failed,
        ledger_run_error, ledger_run_code, ledger_incidents, ledger_resolved, ledger_repair_ms, ledger_open_since) =
    (SELECT at, mode, up_ms, down_ms, run_since, run_failed, run_error, run_code, incidents, resolved, repair_ms, open_since
     FROM uptime_ledgers l WHERE l.site_id = sites.id)
    WHERE id IN (SELECT site_id FROM uptime_ledgers);
DROP TABLE uptime_ledgers;

-- +goose Down
CREATE TABLE uptime_ledgers (
    site_id    INTEGER PRIMARY KEY REFERENCES sites (id) ON DELETE CASCADE,
    at         INTEGER NOT NULL,
    mode       TEXT    NOT NULL DEFAULT 'active',
    up_ms      INTEGER NOT NULL DEFAULT 0,
    down_ms    INTEGER NOT NULL DEFAULT 0,
    run_since  INTEGER,
    run_failed INTEGER NOT NULL DEFAULT 0,
    run_error  TEXT    NOT NULL DEFAULT '',
    run_code   INTEGER NOT NULL DEFAULT 0,
    incidents  INTEGER NOT NULL DEFAULT 0,
    resolved   INTEGER NOT NULL DEFAULT 0,
    repair_ms  INTEGER NOT NULL DEFAULT 0,
    open_since INTEGER
) STRICT;
INSERT INTO uptime_ledgers (site_id, at, mode, up_ms, down_ms, run_since, run_failed, run_error, run_code,
        incidents, resolved, repair_ms, open_since)
    SELECT id, ledger_at, ledger_mode, ledger_up_ms, ledger_down_ms, ledger_run_since, ledger_run_failed,
        ledger_run_error, ledger_run_code, ledger_incidents, ledger_resolved, ledger_repair_ms, ledger_open_since
    FROM sites WHERE ledger_at IS NOT NULL;
ALTER TABLE sites DROP COLUMN ledger_at;
ALTER TABLE sites DROP COLUMN ledger_mode;
ALTER TABLE sites DROP COLUMN ledger_up_ms;
ALTER TABLE sites DROP COLUMN ledger_down_ms;
ALTER TABLE sites DROP COLUMN ledger_run_since;
ALTER TABLE sites DROP COLUMN ledger_run_failed;
ALTER TABLE sites DROP COLUMN ledger_run_error;
ALTER TABLE sites DROP COLUMN ledger_run_code;
ALTER TABLE sites DROP COLUMN ledger_incidents;
ALTER TABLE sites DROP COLUMN ledger_resolved;
ALTER TABLE sites DROP COLUMN ledger_repair_ms;
ALTER TABLE sites DROP COLUMN ledger_open_since;
