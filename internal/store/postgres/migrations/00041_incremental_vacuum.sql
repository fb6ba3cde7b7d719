-- On SQLite this migration turns incremental vacuum on; PostgreSQL's autovacuum already reuses
-- the space the pruner frees, so there is nothing to do here.

-- +goose Up
SELECT 1;

-- +goose Down
SELECT 1;
