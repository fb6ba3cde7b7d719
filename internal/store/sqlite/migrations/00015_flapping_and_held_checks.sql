-- The flapping watch on each site, and checks held while Tocsin could not reach the network.

-- +goose Up
-- flap_changes has a bit per check of the last 21, the last in bit 0, set where the status
-- changed between up and down; flap_down_since is set while a site flaps if it was down (its
-- down alert open) when the flapping began.
ALTER TABLE sites ADD COLUMN flapping        INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sites ADD COLUMN flap_changes    INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sites ADD COLUMN flap_down_since INTEGER;

-- A held check is history only: it changed nothing on its site and alerted no one.
ALTER TABLE checks ADD COLUMN held INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE checks DROP COLUMN held;
ALTER TABLE sites DROP COLUMN flap_down_since;
ALTER TABLE sites DROP COLUMN flap_changes;
ALTER TABLE sites DROP COLUMN flapping;
