-- Discord alerts: webhooks, which sites alert which webhooks, and the notifications outbox,
-- written in the same transaction as the status change that raises an alert.

-- +goose Up
ALTER TABLE sites ADD COLUMN failure_threshold       INTEGER NOT NULL DEFAULT 1;
ALTER TABLE sites ADD COLUMN resend_interval_minutes INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sites ADD COLUMN last_alert_at           TIMESTAMPTZ;

CREATE TABLE webhooks (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    owner_id         BIGINT      NOT NULL DEFAULT 0,
    kind             TEXT        NOT NULL DEFAULT 'discord',
    url              TEXT        NOT NULL, -- holds the token: a secret
    name             TEXT        NOT NULL DEFAULT '',
    channel_id       TEXT        NOT NULL DEFAULT '',
    guild_id         TEXT        NOT NULL DEFAULT '',
    state            TEXT        NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'disabled')),
    last_error       TEXT        NOT NULL DEFAULT '',
    last_delivery_at TIMESTAMPTZ,
    is_default       BOOLEAN     NOT NULL DEFAULT FALSE,
    claimed_by       TEXT, -- the dispatcher sending to it now: one at a time, so Discord's
    claimed_until    TIMESTAMPTZ, -- per-webhook rate limits hold across processes
    created_at       TIMESTAMPTZ NOT NULL,
    UNIQUE (owner_id, url)
);
CREATE UNIQUE INDEX webhooks_one_default ON webhooks (owner_id) WHERE is_default;

CREATE TABLE site_webhooks (
    site_id    BIGINT NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
    webhook_id BIGINT NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    PRIMARY KEY (site_id, webhook_id)
);
CREATE INDEX site_webhooks_webhook ON site_webhooks (webhook_id);

CREATE TABLE notifications (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    webhook_id      BIGINT      NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    site_id         BIGINT      REFERENCES sites (id) ON DELETE SET NULL, -- an alert outlives its site
    event_id        BIGINT      REFERENCES events (id) ON DELETE SET NULL,
    kind            TEXT        NOT NULL,
    payload         JSONB       NOT NULL,
    state           TEXT        NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed', 'given_up')),
    attempts        INTEGER     NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMPTZ NOT NULL,
    last_error      TEXT        NOT NULL DEFAULT '',
    created_at      TIMESTAMPTZ NOT NULL,
    delivered_at    TIMESTAMPTZ
);
-- Each webhook's queue, in order; its head decides when the webhook is due.
CREATE INDEX notifications_queue ON notifications (webhook_id, id) WHERE state = 'pending';

-- +goose Down
DROP TABLE notifications;
DROP TABLE site_webhooks;
DROP TABLE webhooks;
ALTER TABLE sites DROP COLUMN last_alert_at;
ALTER TABLE sites DROP COLUMN resend_interval_minutes;
ALTER TABLE sites DROP COLUMN failure_threshold;
