-- Every check updates its site twice (the claim moves the schedule, the result writes the
-- state). Free room on each page lets the result's update stay HOT (no new index entries, its
-- dead version pruned without a vacuum), and the hot table is vacuumed far sooner than the
-- default 20% of its rows.

-- +goose Up
ALTER TABLE sites SET (fillfactor = 50, autovacuum_vacuum_scale_factor = 0.01,
    autovacuum_vacuum_threshold = 1000, autovacuum_vacuum_cost_delay = 0);
ALTER TABLE notifications SET (autovacuum_vacuum_scale_factor = 0.05);

-- +goose Down
ALTER TABLE notifications RESET (autovacuum_vacuum_scale_factor);
ALTER TABLE sites RESET (fillfactor, autovacuum_vacuum_scale_factor, autovacuum_vacuum_threshold,
    autovacuum_vacuum_cost_delay);
