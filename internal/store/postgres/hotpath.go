package postgres

import (
	"context"
	"database/sql"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/tocsin/tocsin/internal/store/sqlstore"
)

// claimSites locks due rows of the schedule with SKIP LOCKED, so processes sharing the
// database each take different sites, and moves each claimed site's next check to the first
// slot of its schedule after now: a site that fell behind skips the slots it missed instead of
// being checked in a burst. A worker takes its own leased sites again when they are due (see
// store.Store.ClaimDueSites). It touches only the narrow schedule rows, never the sites' own.
// The claimed ids reach the UPDATE as an array, so that it looks each one up by the primary
// key: joined to the CTE instead, the generic plan hashed every row of the table per claim.
const claimSites = `WITH due AS (
		SELECT site_id FROM site_schedule
		WHERE NOT paused AND next_check_at <= $2
			AND (claimed_until IS NULL OR claimed_until < $5::timestamptz OR claimed_by = $1)
		ORDER BY next_check_at
		LIMIT $4
		FOR UPDATE SKIP LOCKED)
	UPDATE site_schedule SET
		claimed_by = $1,
		claimed_until = $3::timestamptz + make_interval(secs => timeout_seconds),
		next_check_at = next_check_at + make_interval(secs => check_interval_seconds
			* (floor(greatest(extract(epoch FROM $5::timestamptz - next_check_at), 0) / check_interval_seconds) + 1))
	WHERE site_id = ANY (ARRAY(SELECT site_id FROM due))
	RETURNING site_id, next_check_at, version`

// resumeSchedule gives each overdue site the time now + ((next_check_at - now) mod w), with w
// its interval capped at the window, and mod made positive: it keeps the site's phase.
const resumeSchedule = `UPDATE site_schedule SET next_check_at = $1::timestamptz + make_interval(secs =>
		mod(mod(extract(epoch FROM next_check_at - $1::timestamptz), least(check_interval_seconds, $3::bigint / 1e6))
			+ least(check_interval_seconds, $3::bigint / 1e6), least(check_interval_seconds, $3::bigint / 1e6)))
	WHERE NOT paused AND next_check_at < $2`

// insert writes the batch with one statement, its columns sent as arrays and read back with
// unnest, so a batch costs one round trip whatever its size. The rows are inserted in their
// order, so ids drawn for them ascend in it.
func insert(ctx context.Context, tx *sql.Tx, table string, rows sqlstore.Rows, returnIDs bool) ([]int64, error) {
	v, args, err := unnest(rows)
	if err != nil {
		return nil, err
	}
	cols := strings.Join(rows.Columns, ", ")
	q := `INSERT INTO ` + table + ` (` + cols + `) SELECT ` + cols + ` FROM ` + v + ` ORDER BY v.ord`
	if !returnIDs {
		_, err := tx.ExecContext(ctx, q, args...)
		return nil, err
	}
	res, err := tx.QueryContext(ctx, q+` RETURNING id`, args...)
	if err != nil {
		return nil, err
	}
	defer res.Close()
	ids := make([]int64, 0, len(rows.Values))
	for res.Next() {
		var id int64
		if err := res.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	slices.Sort(ids) // RETURNING need not keep the order the ids were drawn in
	return ids, res.Err()
}

// update writes the batch with one UPDATE … FROM unnest(…).
func update(ctx context.Context, tx *sql.Tx, table, key string, set []sqlstore.Assignment, rows sqlstore.Rows, where ...string) error {
	v, args, err := unnest(rows)
	if err != nil {
		return err
	}
	assignments := make([]string, len(set))
	for i, a := range set {
		assignments[i] = a.Column + " = " + a.Expr
	}
	q := `UPDATE ` + table + ` SET ` + strings.Join(assignments, ", ") + ` FROM ` + v + ` WHERE ` + table + `.` + key + ` = v.` + key
	for _, w := range where {
		q += ` AND (` + w + `)`
	}
	_, err = tx.ExecContext(ctx, q, args...)
	return err
}

// upsert writes the batch with one INSERT … SELECT FROM unnest(…) ON CONFLICT DO UPDATE; the
// batch must not hold two rows with the same key.
func upsert(ctx context.Context, tx *sql.Tx, table string, key []string, rows sqlstore.Rows) error {
	v, args, err := unnest(rows)
	if err != nil {
		return err
	}
	cols := strings.Join(rows.Columns, ", ")
	q := `INSERT INTO ` + table + ` (` + cols + `) SELECT ` + cols + ` FROM ` + v + sqlstore.OnConflictSet(key, rows.Columns)
	_, err = tx.ExecContext(ctx, q, args...)
	return err
}

// unnest names the rows as the table v, with their columns and ord (their place, from 1), and
// returns the arrays it reads.
func unnest(rows sqlstore.Rows) (string, []any, error) {
	params := make([]string, len(rows.Columns))
	args := make([]any, len(rows.Columns))
	for c := range rows.Columns {
		typ, err := arrayType(rows.Values[0][c])
		if err != nil {
			return "", nil, fmt.Errorf("column %s: %w", rows.Columns[c], err)
		}
		params[c], args[c] = fmt.Sprintf("$%d::%s", c+1, typ), column(rows.Values, c)
	}
	return "unnest(" + strings.Join(params, ", ") + ") WITH ORDINALITY AS v(" + strings.Join(rows.Columns, ", ") + ", ord)", args, nil
}

// column is column c of the rows as a slice of one Go type where every value has that type,
// which pgx encodes without reflecting on each element (and without boxing it again). Other
// columns go as []any.
func column(rows [][]any, c int) any {
	switch rows[0][c].(type) {
	case int64:
		return typed[int64](rows, c)
	case int:
		return typed[int](rows, c)
	case string:
		return typed[string](rows, c)
	case bool:
		return typed[bool](rows, c)
	case time.Time:
		return typed[time.Time](rows, c)
	case *time.Time:
		return typed[*time.Time](rows, c)
	case []byte:
		return typed[[]byte](rows, c)
	case sqlstore.JSON:
		docs := make([]*string, len(rows))
		for r, row := range rows {
			j, ok := row[c].(sqlstore.JSON)
			if !ok {
				return untyped(rows, c)
			}
			if j != nil {
				doc := string(j)
				docs[r] = &doc
			}
		}
		return docs
	}
	return untyped(rows, c)
}

// typed is column c as a []T, or as []any if some value is not a T.
func typed[T any](rows [][]any, c int) any {
	out := make([]T, len(rows))
	for r, row := range rows {
		v, ok := row[c].(T)
		if !ok {
			return untyped(rows, c)
		}
		out[r] = v
	}
	return out
}

func untyped(rows [][]any, c int) []any {
	out := make([]any, len(rows))
	for r, row := range rows {
		out[r] = row[c]
	}
	return out
}

// arrayType names the array type that holds values like v. Named types (a monitor.Kind, say)
// go by what they are made of, so a typed value never needs converting first.
func arrayType(v any) (string, error) {
	switch v.(type) {
	case time.Time, *time.Time:
		return "timestamptz[]", nil
	case sqlstore.JSON:
		return "jsonb[]", nil
	case *int64:
		return "bigint[]", nil
	case *string:
		return "text[]", nil
	case []byte:
		return "bytea[]", nil
	}
	switch reflect.ValueOf(v).Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return "bigint[]", nil
	case reflect.String:
		return "text[]", nil
	case reflect.Bool:
		return "boolean[]", nil
	}
	return "", fmt.Errorf("no array type for %T", v)
}
