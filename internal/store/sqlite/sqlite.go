// Package sqlite is the embedded store: the shared SQL store (store/sqlstore) on one SQLite
// file in WAL mode, with a single writer connection so that writes queue in Go instead of
// failing with SQLITE_BUSY, and a small pool of readers beside it.
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

	"github.com/tocsin/tocsin/internal/store/sqlstore"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Store keeps everything in one SQLite file.
type Store struct {
	*sqlstore.Store
	write *sql.DB // exactly one connection: SQLite has one writer at a time
}

// Open opens (creating if needed) the database file at path. It does not migrate; call Migrate.
func Open(path string) (*Store, error) {
	write, err := sql.Open("sqlite", dsn(path, "_txlock=immediate"))
	if err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	write.SetMaxOpenConns(1)
	// Readers map the file (up to 256 MiB) instead of copying each page in with a system call:
	// GET /uptime reads a row per site from all over the rollups, and takes a third less CPU.
	// SQLite writes through its own calls still; only reads are mapped.
	read, err := sql.Open("sqlite", dsn(path, "_pragma=query_only(1)&_pragma=mmap_size(268435456)"))
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	read.SetMaxOpenConns(4)
	return &Store{Store: sqlstore.New(write, read, dialect), write: write}, nil
}

func dsn(path, extra string) string {
	u := url.URL{Scheme: "file", Opaque: path}
	return u.String() + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)" +
		"&_pragma=synchronous(NORMAL)&" + extra
}

// Migrate applies the embedded migrations that have not run yet. A migration that rebuilds
// tables turns foreign keys off on the writer connection, as SQLite requires, and runs its own
// transaction; whatever happens, the connection is left with foreign keys on and no
// transaction open.
func (s *Store) Migrate(ctx context.Context, log *slog.Logger) error {
	err := s.migrate(ctx, log, 0)
	return errors.Join(err, s.restoreWriter(ctx, err != nil))
}

// migrate applies the migrations up to version, or all of them when version is 0.
func (s *Store) migrate(ctx context.Context, log *slog.Logger, version int64) error {
	dir, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return err
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, s.write, dir)
	if err != nil {
		return fmt.Errorf("load sqlite migrations: %w", err)
	}
	return sqlstore.Migrate(ctx, p, version, log, "sqlite")
}

func (s *Store) restoreWriter(ctx context.Context, failed bool) error {
	if failed {
		s.write.ExecContext(ctx, `ROLLBACK`) // fails harmlessly when no transaction is open
	}
	if _, err := s.write.ExecContext(ctx, `PRAGMA foreign_keys = ON`); err != nil {
		return fmt.Errorf("turn foreign keys back on: %w", err)
	}
	return nil
}

// LimitPages caps the database at its current size plus extra pages, as a full disk would:
// writes that need more room fail with SQLITE_FULL (store.ErrUnavailable) until it is lifted
// with a larger limit. The cap holds on the writer connection only, until it is closed. Tests
// use it to simulate a full disk.
func (s *Store) LimitPages(ctx context.Context, extra int64) error {
	var pages int64
	if err := s.write.QueryRowContext(ctx, `PRAGMA page_count`).Scan(&pages); err != nil {
		return err
	}
	if extra < 0 {
		pages, extra = 1<<31, 0 // SQLite's own largest
	}
	_, err := s.write.ExecContext(ctx, fmt.Sprintf(`PRAGMA max_page_count = %d`, pages+extra))
	return err
}
