-- An uptime ledger's mode holds every reason its site's time is left out at once, joined by
-- '+' in name order ('maintenance+paused'), not only the last one begun: a pause that outlasts
-- a maintenance window (or a window that outlasts a pause) stays left out when the other ends.
-- 'active' (none) and a single reason are written as before. A ledger moved by the old rule
-- may have lost a reason that still holds; the sites say which do: paused, and
-- maintenance_open (their last maintenance event opened a window). A gap in monitoring never
-- outlasted the check that found it, so no ledger holds one.

-- +goose Up
UPDATE uptime_ledgers SET mode = (SELECT CASE
        WHEN s.paused = TRUE AND s.maintenance_open = TRUE THEN 'maintenance+paused'
        WHEN s.paused = TRUE THEN 'paused'
        WHEN s.maintenance_open = TRUE THEN 'maintenance'
        ELSE 'active' END
    FROM sites s WHERE s.id = uptime_ledgers.site_id);

-- +goose Down
-- The old rule reads one reason (any but active leaves time out) and ends it only with a
-- monitoring event: a pause outlasts the rest; a gap, which only a check ends, goes.
UPDATE uptime_ledgers SET mode = 'paused' WHERE mode LIKE '%paused%';
UPDATE uptime_ledgers SET mode = 'maintenance' WHERE mode LIKE '%maintenance%';
UPDATE uptime_ledgers SET mode = 'active' WHERE mode LIKE '%gap%';
