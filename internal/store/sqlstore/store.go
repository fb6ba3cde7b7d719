// Package sqlstore is Tocsin's store written once for both databases, over database/sql: the
// same SQL runs on PostgreSQL (through pgx's database/sql driver) and on SQLite, and a Dialect
// holds the little that differs. store/postgres and store/sqlite open the database, migrate it
// and supply their dialect.
package sqlstore

import (
	"context"
	"database/sql"
	"errors"

	"github.com/tocsin/tocsin/internal/store"
)

// Store keeps everything in a SQL database.
type Store struct {
	writeDB, readDB *sql.DB
	write, read     conn
	d               Dialect
}

var _ store.Store = (*Store)(nil)

// New returns a store that writes through write and reads through read, which may be the same
// database handle. Close closes both.
func New(write, read *sql.DB, d Dialect) *Store {
	if d.Arg == nil {
		d.Arg = func(v any) any { return v }
	}
	return &Store{writeDB: write, readDB: read, write: conn{write, d.Arg}, read: conn{read, d.Arg}, d: d}
}

func (s *Store) Ping(ctx context.Context) error { return s.readDB.PingContext(ctx) }

func (s *Store) Close() error {
	if s.readDB == s.writeDB {
		return s.writeDB.Close()
	}
	return errors.Join(s.readDB.Close(), s.writeDB.Close())
}

// inTx runs fn in a write transaction, committing when it returns nil.
func (s *Store) inTx(ctx context.Context, fn func(tx conn, raw *sql.Tx) error) error {
	tx, err := s.writeDB.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := fn(conn{tx, s.d.Arg}, tx); err != nil {
		return err
	}
	return tx.Commit()
}

// querier is what a database handle and a transaction share.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// conn runs SQL on a database or in a transaction, passing each argument as its dialect takes
// it, so that the SQL and the Go values beside it are the same for every database.
type conn struct {
	q   querier
	arg func(any) any
}

func (c conn) args(args []any) []any {
	out := make([]any, len(args))
	for i, a := range args {
		out[i] = c.arg(a)
	}
	return out
}

func (c conn) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return c.q.ExecContext(ctx, query, c.args(args)...)
}

func (c conn) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return c.q.QueryContext(ctx, query, c.args(args)...)
}

func (c conn) row(ctx context.Context, query string, args ...any) *sql.Row {
	return c.q.QueryRowContext(ctx, query, c.args(args)...)
}

// execOne runs a statement that must change a row, and answers store.ErrNotFound when it
// changed none.
func (c conn) execOne(ctx context.Context, query string, args ...any) error {
	res, err := c.exec(ctx, query, args...)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return store.ErrNotFound
	}
	return nil
}
