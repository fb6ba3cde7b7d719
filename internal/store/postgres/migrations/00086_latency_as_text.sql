-- A site's latency watch is read and written with every check. As JSONB, PostgreSQL parsed it
-- on each write and printed it on each read, and Tocsin (which never queries inside it) encoded
-- and decoded it again; as TEXT it is stored as sent. The document is the same JSON; rows
-- keep jsonb's spacing until their next check rewrites them, and Tocsin reads both.

-- +goose Up
ALTER TABLE sites ALTER COLUMN latency DROP DEFAULT,
    ALTER COLUMN latency TYPE TEXT USING latency::text,
    ALTER COLUMN latency SET DEFAULT '{}';

-- +goose Down
ALTER TABLE sites ALTER COLUMN latency DROP DEFAULT,
    ALTER COLUMN latency TYPE JSONB USING latency::jsonb,
    ALTER COLUMN latency SET DEFAULT '{}';
