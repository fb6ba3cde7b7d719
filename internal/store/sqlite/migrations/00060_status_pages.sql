-- Public status pages and badge tokens. A page's sections, the sites whose URL it shows and its
-- maintenance notes are one JSON document (config): they are always read and written whole,
-- and a site deleted since is left out when the page is read. Slugs are unique across owners:
-- /status/{slug} is one namespace. A badge token is kept as its SHA-256 only; the token itself
-- is shown once, when it is made.

-- +goose Up
CREATE TABLE status_pages (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    owner_id    INTEGER NOT NULL,
    slug        TEXT    NOT NULL UNIQUE,
    title       TEXT    NOT NULL,
    description TEXT    NOT NULL DEFAULT '',
    config      TEXT    NOT NULL DEFAULT '{}',
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX status_pages_owner ON status_pages (owner_id, id);

CREATE TABLE badge_tokens (
    site_id    INTEGER PRIMARY KEY REFERENCES sites (id) ON DELETE CASCADE,
    token_hash TEXT    NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
) STRICT;

-- +goose Down
DROP TABLE badge_tokens;
DROP TABLE status_pages;
