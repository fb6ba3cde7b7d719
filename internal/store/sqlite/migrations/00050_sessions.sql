-- Dashboard sign-ins: the browser's cookie holds a random session id; only its SHA-256 is kept,
-- so a copy of the database signs no one in. Deleting the user ends its sessions.

-- +goose Up
CREATE TABLE sessions (
    hash       TEXT    PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
) STRICT;
CREATE INDEX sessions_user ON sessions (user_id);

-- +goose Down
DROP TABLE sessions;
