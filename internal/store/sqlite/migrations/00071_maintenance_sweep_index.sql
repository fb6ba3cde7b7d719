-- The maintenance sweep reads the sites marked in maintenance with "maintenance_open = TRUE",
-- the one spelling both databases read; SQLite uses a partial index only for a query that
-- spells its condition the same way.

-- +goose Up
DROP INDEX sites_maintenance_open;
CREATE INDEX sites_maintenance_open ON sites (id) WHERE maintenance_open = TRUE;

-- +goose Down
DROP INDEX sites_maintenance_open;
CREATE INDEX sites_maintenance_open ON sites (id) WHERE maintenance_open = 1;
