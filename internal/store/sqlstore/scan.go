package sqlstore

import (
	"database/sql"
	"fmt"
	"time"
)

// scanner is a row to read: *sql.Row or *sql.Rows.
type scanner interface{ Scan(dest ...any) error }

// timeAt reads a time column into *t: a PostgreSQL timestamptz or SQLite's INTEGER
// microseconds since the epoch, in UTC either way.
func timeAt(t *time.Time) sql.Scanner { return timeScanner{t} }

// timeOrNil reads a nullable time column into *p, nil for NULL.
func timeOrNil(p **time.Time) sql.Scanner { return nullTimeScanner{p} }

// timeOrZero reads a nullable time column into *t, the zero time for NULL.
func timeOrZero(t *time.Time) sql.Scanner { return zeroTimeScanner{t} }

type zeroTimeScanner struct{ t *time.Time }

func (s zeroTimeScanner) Scan(v any) error {
	if v == nil {
		*s.t = time.Time{}
		return nil
	}
	return timeScanner{s.t}.Scan(v)
}

type timeScanner struct{ t *time.Time }

func (s timeScanner) Scan(v any) error {
	switch v := v.(type) {
	case time.Time:
		*s.t = v.UTC()
	case int64:
		*s.t = time.UnixMicro(v).UTC()
	default:
		return fmt.Errorf("read %T as a time", v)
	}
	return nil
}

type nullTimeScanner struct{ p **time.Time }

func (s nullTimeScanner) Scan(v any) error {
	if v == nil {
		*s.p = nil
		return nil
	}
	var t time.Time
	if err := (timeScanner{&t}).Scan(v); err != nil {
		return err
	}
	*s.p = &t
	return nil
}

// collect scans every row with scan and closes rows; it returns an empty slice, not nil, for
// no rows.
func collect[T any](rows *sql.Rows, scan func(scanner) (T, error), what string) ([]T, error) {
	return collectN(rows, 0, scan, what)
}

// collectN is collect with room for n rows from the start: the batch reads of the hot path
// know how many rows to expect, and a rollup is a kilobyte to copy at each growth.
func collectN[T any](rows *sql.Rows, n int, scan func(scanner) (T, error), what string) ([]T, error) {
	defer rows.Close()
	out := make([]T, 0, n)
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("scan %s: %w", what, err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", what, err)
	}
	return out, nil
}

// idPairs reads rows of two ids, (a, b), into b's grouped by a.
func idPairs(rows *sql.Rows) (map[int64][]int64, error) {
	defer rows.Close()
	out := map[int64][]int64{}
	for rows.Next() {
		var a, b int64
		if err := rows.Scan(&a, &b); err != nil {
			return nil, err
		}
		out[a] = append(out[a], b)
	}
	return out, rows.Err()
}

// nullIfEmpty is NULL for "", for columns where no value and a unique value mix.
func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}
