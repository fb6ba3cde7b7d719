-- Public status pages and badge tokens. A page's sections, the sites whose URL it shows and its
-- maintenance notes are one JSON document (config): they are always read and written whole,
-- and a site deleted since is left out when the page is read. Slugs are unique across owners:
-- /status/{slug} is one namespace. A badge token is kept as its SHA-256 only; the token itself
-- is shown once, when it is made.

-- +goose Up
CREATE TABLE status_pages (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    owner_id    BIGINT      NOT NULL,
    slug        TEXT        NOT NULL UNIQUE,
    title       TEXT        NOT NULL,
    description TEXT        NOT NULL DEFAULT '',
    config      JSONB       NOT NULL DEFAULT '{}',
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX status_pages_owner ON status_pages (owner_id, id);

CREATE TABLE badge_tokens (
    site_id    BIGINT      PRIMARY KEY REFERENCES sites (id) ON DELETE CASCADE,
    token_hash TEXT        NOT NULL UNIQUE,
    created_at TIMESTAMPTZ NOT NULL
);

-- +goose Down
DROP TABLE badge_tokens;
DROP TABLE status_pages;
