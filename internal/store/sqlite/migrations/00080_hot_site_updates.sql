-- PostgreSQL's migration 00080 tunes how its hot table is stored and vacuumed; SQLite has
-- nothing of the kind, and keeps the number in step.

-- +goose Up
SELECT 1;

-- +goose Down
SELECT 1;
