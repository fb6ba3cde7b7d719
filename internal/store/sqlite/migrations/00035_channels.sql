-- Channels: a webhook is a channel of type discord (the kind column), and the same table holds
-- the other types, in one id space, so that site_webhooks and notifications name any of them.
-- A channel's settings beyond its URL are in config. Only Discord webhooks are found by their
-- URL (POST /webhook sets one again by it), and an owner may have several default channels:
-- a site that names none alerts all of them.

-- +goose Up
ALTER TABLE webhooks ADD COLUMN config TEXT NOT NULL DEFAULT '{}';
DROP INDEX webhooks_url;
CREATE UNIQUE INDEX webhooks_url ON webhooks (owner_id, url) WHERE deleted_at IS NULL AND kind = 'discord';
DROP INDEX webhooks_one_default;
CREATE INDEX webhooks_default ON webhooks (owner_id) WHERE is_default = 1;

-- +goose Down
DELETE FROM notifications WHERE webhook_id IN (SELECT id FROM webhooks WHERE kind <> 'discord');
DELETE FROM webhooks WHERE kind <> 'discord';
UPDATE webhooks SET is_default = 0
WHERE is_default = 1 AND EXISTS (SELECT 1 FROM webhooks o WHERE o.owner_id = webhooks.owner_id AND o.is_default = 1 AND o.id < webhooks.id);
DROP INDEX webhooks_default;
CREATE UNIQUE INDEX webhooks_one_default ON webhooks (owner_id) WHERE is_default = 1;
DROP INDEX webhooks_url;
CREATE UNIQUE INDEX webhooks_url ON webhooks (owner_id, url) WHERE deleted_at IS NULL;
ALTER TABLE webhooks DROP COLUMN config;
