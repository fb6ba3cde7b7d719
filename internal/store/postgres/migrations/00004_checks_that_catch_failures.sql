-- Kinds of monitor, request and assertion settings, timings, certificates, heartbeats, and
-- the latency watch.

-- +goose Up
-- The kind-specific settings (HTTP request and assertions, DNS) as one JSON document: they
-- are read with the site and never searched.
ALTER TABLE sites ADD COLUMN options                JSONB       NOT NULL DEFAULT '{}';
ALTER TABLE sites ADD COLUMN retry_interval_seconds INTEGER     NOT NULL DEFAULT 0;
ALTER TABLE sites ADD COLUMN grace_seconds          INTEGER     NOT NULL DEFAULT 0;
ALTER TABLE sites ADD COLUMN push_token             TEXT;
ALTER TABLE sites ADD COLUMN last_ping_at           TIMESTAMPTZ;
ALTER TABLE sites ADD COLUMN cert_expires_at        TIMESTAMPTZ;
ALTER TABLE sites ADD COLUMN cert_alerted_days      INTEGER     NOT NULL DEFAULT 0;
ALTER TABLE sites ADD COLUMN latency                JSONB       NOT NULL DEFAULT '{}';
CREATE UNIQUE INDEX sites_push_token ON sites (push_token) WHERE push_token IS NOT NULL;

ALTER TABLE checks ADD COLUMN timings JSONB;
ALTER TABLE events ADD COLUMN kind TEXT NOT NULL DEFAULT 'status';

-- +goose Down
ALTER TABLE events DROP COLUMN kind;
ALTER TABLE checks DROP COLUMN timings;
DROP INDEX sites_push_token;
ALTER TABLE sites DROP COLUMN latency;
ALTER TABLE sites DROP COLUMN cert_alerted_days;
ALTER TABLE sites DROP COLUMN cert_expires_at;
ALTER TABLE sites DROP COLUMN last_ping_at;
ALTER TABLE sites DROP COLUMN push_token;
ALTER TABLE sites DROP COLUMN grace_seconds;
ALTER TABLE sites DROP COLUMN retry_interval_seconds;
ALTER TABLE sites DROP COLUMN options;
