-- The uptime ledgers and rollups also count incidents: how many began, how many ended and how
-- long those took, in total, so that GET /uptime reads one row per site for them too. A
-- ledger notes when its site's open incident began (open_since).

-- +goose Up
ALTER TABLE uptime_ledgers ADD COLUMN incidents  BIGINT NOT NULL DEFAULT 0;
ALTER TABLE uptime_ledgers ADD COLUMN resolved   BIGINT NOT NULL DEFAULT 0;
ALTER TABLE uptime_ledgers ADD COLUMN repair_ms  BIGINT NOT NULL DEFAULT 0;
ALTER TABLE uptime_ledgers ADD COLUMN open_since TIMESTAMPTZ;
ALTER TABLE rollup_hours ADD COLUMN cum_incidents BIGINT NOT NULL DEFAULT 0;
ALTER TABLE rollup_hours ADD COLUMN cum_resolved  BIGINT NOT NULL DEFAULT 0;
ALTER TABLE rollup_hours ADD COLUMN cum_repair_ms BIGINT NOT NULL DEFAULT 0;
ALTER TABLE rollup_days ADD COLUMN cum_incidents BIGINT NOT NULL DEFAULT 0;
ALTER TABLE rollup_days ADD COLUMN cum_resolved  BIGINT NOT NULL DEFAULT 0;
ALTER TABLE rollup_days ADD COLUMN cum_repair_ms BIGINT NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE rollup_days DROP COLUMN cum_repair_ms;
ALTER TABLE rollup_days DROP COLUMN cum_resolved;
ALTER TABLE rollup_days DROP COLUMN cum_incidents;
ALTER TABLE rollup_hours DROP COLUMN cum_repair_ms;
ALTER TABLE rollup_hours DROP COLUMN cum_resolved;
ALTER TABLE rollup_hours DROP COLUMN cum_incidents;
ALTER TABLE uptime_ledgers DROP COLUMN open_since;
ALTER TABLE uptime_ledgers DROP COLUMN repair_ms;
ALTER TABLE uptime_ledgers DROP COLUMN resolved;
ALTER TABLE uptime_ledgers DROP COLUMN incidents;
