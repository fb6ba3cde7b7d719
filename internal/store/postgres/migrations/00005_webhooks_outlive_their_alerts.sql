-- A deleted webhook's row stays, token erased, for the notifications it was sent: they stay
-- listed. Its URL may then be set again, as a new webhook. A recovery goes where the down
-- alert of its outage went, found through the down event's notifications.

-- +goose Up
ALTER TABLE webhooks ADD COLUMN deleted_at TIMESTAMPTZ;
ALTER TABLE webhooks DROP CONSTRAINT webhooks_owner_id_url_key;
CREATE UNIQUE INDEX webhooks_url ON webhooks (owner_id, url) WHERE deleted_at IS NULL;
CREATE INDEX notifications_event ON notifications (event_id);

-- +goose Down
DROP INDEX notifications_event;
DELETE FROM webhooks WHERE deleted_at IS NOT NULL;
DROP INDEX webhooks_url;
ALTER TABLE webhooks ADD CONSTRAINT webhooks_owner_id_url_key UNIQUE (owner_id, url);
ALTER TABLE webhooks DROP COLUMN deleted_at;
