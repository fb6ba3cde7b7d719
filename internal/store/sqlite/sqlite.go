// Package sqlite is the embedded store: one file, WAL mode, a single writer connection so that
// writes queue in Go instead of failing with SQLITE_BUSY, and a small pool of readers beside it.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"

	"github.com/pressly/goose/v3"
	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/tocsin/tocsin/internal/store"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Store keeps everything in one SQLite file.
type Store struct {
	write *sql.DB // exactly one connection: SQLite has one writer at a time
	read  *sql.DB
}

var _ store.Store = (*Store)(nil)

// Open opens (creating if needed) the database file at path. It does not migrate; call Migrate.
func Open(path string) (*Store, error) {
	write, err := sql.Open("sqlite", dsn(path, "_txlock=immediate"))
	if err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	write.SetMaxOpenConns(1)
	read, err := sql.Open("sqlite", dsn(path, "_pragma=query_only(1)"))
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	read.SetMaxOpenConns(4)
	return &Store{write: write, read: read}, nil
}

func dsn(path, extra string) string {
	u := url.URL{Scheme: "file", Opaque: path}
	return u.String() + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)" +
		"&_pragma=synchronous(NORMAL)&" + extra
}

// Migrate applies the embedded migrations that have not run yet, each in its own transaction.
func (s *Store) Migrate(ctx context.Context, log *slog.Logger) error {
	dir, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return err
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, s.write, dir)
	if err != nil {
		return fmt.Errorf("load sqlite migrations: %w", err)
	}
	results, err := p.Up(ctx)
	for _, r := range results {
		log.Info("applied migration", "file", r.Source.Path, "duration", r.Duration)
	}
	if err != nil {
		return fmt.Errorf("migrate sqlite: %w", err)
	}
	return nil
}

func (s *Store) Ping(ctx context.Context) error {
	var one int
	return s.read.QueryRowContext(ctx, "SELECT 1").Scan(&one)
}

func (s *Store) Close() error {
	return errors.Join(s.read.Close(), s.write.Close())
}
