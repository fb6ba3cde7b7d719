// Package postgres is the store for PostgreSQL: the shared SQL store (store/sqlstore) over a
// pgx pool, with this database's claims (FOR UPDATE SKIP LOCKED, so several Tocsin processes
// can share one database) and batches written through arrays, so a batch of check results
// costs a handful of statements whatever its size.
package postgres

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"hash/crc64"
	"io/fs"
	"log/slog"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"github.com/tocsin/tocsin/internal/store/sqlstore"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Store keeps everything in PostgreSQL.
type Store struct {
	*sqlstore.Store
	pool *pgxpool.Pool
	db   *sql.DB
}

// Open connects to the database at url (postgres://…). It does not migrate; call Migrate.
func Open(ctx context.Context, url string) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("parse DATABASE_URL: %w", err) // pgx redacts the password
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("connect to postgres: %w", err)
	}
	db := stdlib.OpenDBFromPool(pool)
	return &Store{Store: sqlstore.New(db, db, dialect), pool: pool, db: db}, nil
}

// Migrate applies the embedded migrations that have not run yet, each in its own transaction.
// An advisory lock per schema keeps processes that start together from migrating twice.
func (s *Store) Migrate(ctx context.Context, log *slog.Logger) error {
	return s.migrate(ctx, log, 0)
}

// migrate migrates up to version, or to the newest when version is 0.
func (s *Store) migrate(ctx context.Context, log *slog.Logger, version int64) error {
	p, err := s.provider(ctx)
	if err != nil {
		return err
	}
	return sqlstore.Migrate(ctx, p, version, log, "postgres")
}

// provider runs the embedded migrations under an advisory lock of the schema.
func (s *Store) provider(ctx context.Context) (*goose.Provider, error) {
	var schema string
	if err := s.db.QueryRowContext(ctx, "SELECT current_schema()").Scan(&schema); err != nil {
		return nil, fmt.Errorf("migrate postgres: %w", err)
	}
	lockID := int64(crc64.Checksum([]byte("tocsin migrations "+schema), crc64.MakeTable(crc64.ISO)) >> 1)
	locker, err := lock.NewPostgresSessionLocker(lock.WithLockID(lockID), lock.WithLockTimeout(1, 600))
	if err != nil {
		return nil, err
	}
	dir, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return nil, err
	}
	p, err := goose.NewProvider(goose.DialectPostgres, s.db, dir, goose.WithSessionLocker(locker))
	if err != nil {
		return nil, fmt.Errorf("load postgres migrations: %w", err)
	}
	return p, nil
}

// Close closes the database handle and then the pool beneath it.
func (s *Store) Close() error {
	err := s.Store.Close()
	s.pool.Close()
	return err
}

// DB is the database handle, for tests and tools that read the server's state.
func (s *Store) DB() *sql.DB { return s.db }
