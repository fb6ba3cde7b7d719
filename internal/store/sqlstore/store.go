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
	s := &Store{writeDB: write, readDB: read, d: d}
	s.write, s.read = conn{write, d.Arg, s.mark}, conn{read, d.Arg, s.mark}
	return s
}

func (s *Store) Ping(ctx context.Context) error { return s.mark(s.readDB.PingContext(ctx)) }

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
		return s.mark(err)
	}
	defer tx.Rollback()
	if err := fn(conn{tx, s.d.Arg, s.mark}, tx); err != nil {
		return s.mark(err)
	}
	return s.mark(tx.Commit())
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
	// mark wraps an error that says the database is away with store.ErrUnavailable.
	mark func(error) error
}

func (c conn) args(args []any) []any {
	out := make([]any, len(args))
	for i, a := range args {
		out[i] = c.arg(a)
	}
	return out
}

func (c conn) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	res, err := c.q.ExecContext(ctx, query, c.args(args)...)
	return res, c.mark(err)
}

func (c conn) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	rows, err := c.q.QueryContext(ctx, query, c.args(args)...)
	return rows, c.mark(err)
}

func (c conn) row(ctx context.Context, query string, args ...any) row {
	return row{c.q.QueryRowContext(ctx, query, c.args(args)...), c.mark}
}

// row is a *sql.Row whose Scan marks an unavailable database's error as the store's others.
type row struct {
	r    *sql.Row
	mark func(error) error
}

func (r row) Scan(dest ...any) error { return r.mark(r.r.Scan(dest...)) }

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
