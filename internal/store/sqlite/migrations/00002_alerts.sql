-- Discord alerts: webhooks, which sites alert which webhooks, and the notifications outbox,
-- written in the same transaction as the status change that raises an alert.

-- +goose Up
ALTER TABLE sites ADD COLUMN failure_threshold       INTEGER NOT NULL DEFAULT 1;
ALTER TABLE sites ADD COLUMN resend_interval_minutes INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sites ADD COLUMN last_alert_at           INTEGER;

CREATE TABLE webhooks (
    id               INTEGER PRIMARY KEY,
    owner_id         INTEGER NOT NULL DEFAULT 0,
    kind             TEXT    NOT NULL DEFAULT 'discord',
    url              TEXT    NOT NULL, -- holds the token: a secret
    name             TEXT    NOT NULL DEFAULT '',
    channel_id       TEXT    NOT NULL DEFAULT '',
    guild_id         TEXT    NOT NULL DEFAULT '',
    state            TEXT    NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'disabled')),
    last_error       TEXT    NOT NULL DEFAULT '',
    last_delivery_at INTEGER,
    is_default       INTEGER NOT NULL DEFAULT 0,
    claimed_by       TEXT,
    claimed_until    INTEGER,
    created_at       INTEGER NOT NULL,
    UNIQUE (owner_id, url)
) STRICT;
CREATE UNIQUE INDEX webhooks_one_default ON webhooks (owner_id) WHERE is_default = 1;

CREATE TABLE site_webhooks (
    site_id    INTEGER NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
    webhook_id INTEGER NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    PRIMARY KEY (site_id, webhook_id)
) STRICT;
CREATE INDEX site_webhooks_webhook ON site_webhooks (webhook_id);

CREATE TABLE notifications (
    id              INTEGER PRIMARY KEY,
    webhook_id      INTEGER NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    site_id         INTEGER REFERENCES sites (id) ON DELETE SET NULL,
    event_id        INTEGER REFERENCES events (id) ON DELETE SET NULL,
    kind            TEXT    NOT NULL,
    payload         TEXT    NOT NULL,
    state           TEXT    NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed', 'given_up')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_error      TEXT    NOT NULL DEFAULT '',
    created_at      INTEGER NOT NULL,
    delivered_at    INTEGER
) STRICT;
-- Each webhook's queue, in order; its head decides when the webhook is due.
CREATE INDEX notifications_queue ON notifications (webhook_id, id) WHERE state = 'pending';

-- +goose Down
DROP TABLE notifications;
DROP TABLE site_webhooks;
DROP TABLE webhooks;
ALTER TABLE sites DROP COLUMN last_alert_at;
ALTER TABLE sites DROP COLUMN resend_interval_minutes;
ALTER TABLE sites DROP COLUMN failure_threshold;
