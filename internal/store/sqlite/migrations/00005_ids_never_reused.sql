-- Ids are never reused: every table with an id gets AUTOINCREMENT, which SQLite only gives a
-- new table. So each is rebuilt as https://www.sqlite.org/lang_altertable.html#otheralter
-- says: foreign keys off, outside goose's transaction, in one of our own; new table, copy,
-- drop, rename, indexes again; then every foreign key checked. The copied rows keep their ids
-- and the new ids continue above the largest.
--
-- Also: a deleted webhook's row stays, token erased, for the notifications it was sent (they
-- stay listed), and its URL may then be set again, as a new webhook. A recovery goes where the
-- down alert of its outage went, found through the down event's notifications.

-- +goose NO TRANSACTION
-- +goose Up
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;

CREATE TABLE new_sites (
    id                      INTEGER PRIMARY KEY AUTOINCREMENT,
    owner_id                INTEGER NOT NULL DEFAULT 0,
    type                    TEXT    NOT NULL DEFAULT 'http',
    name                    TEXT    NOT NULL,
    url                     TEXT    NOT NULL,
    check_interval_seconds  INTEGER NOT NULL,
    timeout_seconds         INTEGER NOT NULL,
    expected_status_code    INTEGER NOT NULL,
    paused                  INTEGER NOT NULL DEFAULT 0,
    status                  TEXT    NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'up', 'down')),
    status_code             INTEGER NOT NULL DEFAULT 0,
    response_time_ms        INTEGER,
    last_error              TEXT    NOT NULL DEFAULT '',
    last_checked            INTEGER,
    last_status_change      INTEGER,
    consecutive_failures    INTEGER NOT NULL DEFAULT 0,
    consecutive_successes   INTEGER NOT NULL DEFAULT 0,
    next_check_at           INTEGER NOT NULL,
    claimed_by              TEXT,
    claimed_until           INTEGER,
    created_at              INTEGER NOT NULL,
    failure_threshold       INTEGER NOT NULL DEFAULT 1,
    resend_interval_minutes INTEGER NOT NULL DEFAULT 0,
    last_alert_at           INTEGER,
    options                 TEXT    NOT NULL DEFAULT '{}',
    retry_interval_seconds  INTEGER NOT NULL DEFAULT 0,
    grace_seconds           INTEGER NOT NULL DEFAULT 0,
    push_token              TEXT,
    last_ping_at            INTEGER,
    cert_expires_at         INTEGER,
    cert_alerted_days       INTEGER NOT NULL DEFAULT 0,
    latency                 TEXT    NOT NULL DEFAULT '{}'
) STRICT;
INSERT INTO new_sites (id, owner_id, type, name, url, check_interval_seconds, timeout_seconds, expected_status_code,
    paused, status, status_code, response_time_ms, last_error, last_checked, last_status_change, consecutive_failures,
    consecutive_successes, next_check_at, claimed_by, claimed_until, created_at, failure_threshold,
    resend_interval_minutes, last_alert_at, options, retry_interval_seconds, grace_seconds, push_token, last_ping_at,
    cert_expires_at, cert_alerted_days, latency)
SELECT id, owner_id, type, name, url, check_interval_seconds, timeout_seconds, expected_status_code,
    paused, status, status_code, response_time_ms, last_error, last_checked, last_status_change, consecutive_failures,
    consecutive_successes, next_check_at, claimed_by, claimed_until, created_at, failure_threshold,
    resend_interval_minutes, last_alert_at, options, retry_interval_seconds, grace_seconds, push_token, last_ping_at,
    cert_expires_at, cert_alerted_days, latency
FROM sites;

CREATE TABLE new_checks (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    site_id          INTEGER NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
    checked_at       INTEGER NOT NULL,
    status           TEXT    NOT NULL,
    status_code      INTEGER NOT NULL DEFAULT 0,
    response_time_ms INTEGER NOT NULL,
    error            TEXT    NOT NULL DEFAULT '',
    timings          TEXT
) STRICT;
INSERT INTO new_checks (id, site_id, checked_at, status, status_code, response_time_ms, error, timings)
SELECT id, site_id, checked_at, status, status_code, response_time_ms, error, timings FROM checks;

CREATE TABLE new_events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    site_id     INTEGER NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
    at          INTEGER NOT NULL,
    from_status TEXT    NOT NULL,
    to_status   TEXT    NOT NULL,
    reason      TEXT    NOT NULL DEFAULT '',
    kind        TEXT    NOT NULL DEFAULT 'status'
) STRICT;
INSERT INTO new_events (id, site_id, at, from_status, to_status, reason, kind)
SELECT id, site_id, at, from_status, to_status, reason, kind FROM events;

CREATE TABLE new_webhooks (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    owner_id         INTEGER NOT NULL DEFAULT 0,
    kind             TEXT    NOT NULL DEFAULT 'discord',
    url              TEXT    NOT NULL, -- holds the token: a secret, erased when deleted
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
    deleted_at       INTEGER
) STRICT;
INSERT INTO new_webhooks (id, owner_id, kind, url, name, channel_id, guild_id, state, last_error, last_delivery_at,
    is_default, claimed_by, claimed_until, created_at)
SELECT id, owner_id, kind, url, name, channel_id, guild_id, state, last_error, last_delivery_at,
    is_default, claimed_by, claimed_until, created_at
FROM webhooks;

CREATE TABLE new_notifications (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
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
INSERT INTO new_notifications (id, webhook_id, site_id, event_id, kind, payload, state, attempts, next_attempt_at,
    last_error, created_at, delivered_at)
SELECT id, webhook_id, site_id, event_id, kind, payload, state, attempts, next_attempt_at,
    last_error, created_at, delivered_at
FROM notifications;

CREATE TABLE new_users (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    username      TEXT    NOT NULL UNIQUE,
    password_hash TEXT    NOT NULL,
    role          TEXT    NOT NULL CHECK (role IN ('admin', 'user')),
    created_at    INTEGER NOT NULL
) STRICT;
INSERT INTO new_users (id, username, password_hash, role, created_at)
SELECT id, username, password_hash, role, created_at FROM users;

CREATE TABLE new_api_keys (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT    NOT NULL,
    hint         TEXT    NOT NULL, -- the key's first characters, to tell keys apart
    hash         TEXT    NOT NULL UNIQUE,
    created_at   INTEGER NOT NULL,
    last_used_at INTEGER
) STRICT;
INSERT INTO new_api_keys (id, user_id, name, hint, hash, created_at, last_used_at)
SELECT id, user_id, name, hint, hash, created_at, last_used_at FROM api_keys;

DROP TABLE api_keys;
DROP TABLE users;
DROP TABLE notifications;
DROP TABLE webhooks;
DROP TABLE events;
DROP TABLE checks;
DROP TABLE sites;
ALTER TABLE new_sites RENAME TO sites;
ALTER TABLE new_checks RENAME TO checks;
ALTER TABLE new_events RENAME TO events;
ALTER TABLE new_webhooks RENAME TO webhooks;
ALTER TABLE new_notifications RENAME TO notifications;
ALTER TABLE new_users RENAME TO users;
ALTER TABLE new_api_keys RENAME TO api_keys;

CREATE INDEX sites_owner ON sites (owner_id, id);
CREATE INDEX sites_due ON sites (next_check_at) WHERE paused = 0;
CREATE UNIQUE INDEX sites_push_token ON sites (push_token) WHERE push_token IS NOT NULL;
CREATE INDEX checks_site_time ON checks (site_id, checked_at DESC);
CREATE INDEX events_site_time ON events (site_id, at DESC);
CREATE UNIQUE INDEX webhooks_url ON webhooks (owner_id, url) WHERE deleted_at IS NULL;
CREATE UNIQUE INDEX webhooks_one_default ON webhooks (owner_id) WHERE is_default = 1;
-- Each webhook's queue, in order; its head decides when the webhook is due.
CREATE INDEX notifications_queue ON notifications (webhook_id, id) WHERE state = 'pending';
CREATE INDEX notifications_event ON notifications (event_id);
CREATE INDEX api_keys_user ON api_keys (user_id);

-- Fails the migration, with its transaction, if any foreign key lost its row.
CREATE TEMP TABLE foreign_key_violations ("table" TEXT CHECK ("table" IS NULL));
INSERT INTO foreign_key_violations SELECT "table" FROM pragma_foreign_key_check;
DROP TABLE foreign_key_violations;

COMMIT;
PRAGMA foreign_keys = ON;

-- +goose Down
-- Ids stay never reused; only what the webhooks gained goes.
DELETE FROM webhooks WHERE deleted_at IS NOT NULL;
DROP INDEX notifications_event;
DROP INDEX webhooks_url;
CREATE UNIQUE INDEX webhooks_owner_url ON webhooks (owner_id, url);
ALTER TABLE webhooks DROP COLUMN deleted_at;
