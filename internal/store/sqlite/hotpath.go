package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/tocsin/tocsin/internal/store/sqlstore"
)

// claimSites moves each claimed site's next check to the first slot of its schedule after
// now, so a site that fell behind skips the slots it missed instead of being checked in a
// burst. A worker takes its own leased sites again when they are due (see
// store.Store.ClaimDueSites). One UPDATE … RETURNING: the single writer makes it atomic.
const claimSites = `UPDATE site_schedule SET
		claimed_by = $1,
		claimed_until = $3 + timeout_seconds * 1000000,
		next_check_at = next_check_at + check_interval_seconds * 1000000
			* (max($5 - next_check_at, 0) / (check_interval_seconds * 1000000) + 1)
	WHERE site_id IN (
		SELECT site_id FROM site_schedule
		WHERE paused = 0 AND next_check_at <= $2 AND (claimed_until IS NULL OR claimed_until < $5 OR claimed_by = $1)
		ORDER BY next_check_at
		LIMIT $4)
	RETURNING site_id, next_check_at, version`

// resumeSchedule gives each overdue site the time now + ((next_check_at - now) mod w), with w
// its interval capped at the window, and mod made positive: it keeps the site's phase.
const resumeSchedule = `UPDATE site_schedule SET next_check_at = $1 +
		(((next_check_at - $1) % min(check_interval_seconds * 1000000, $3)) + min(check_interval_seconds * 1000000, $3))
		% min(check_interval_seconds * 1000000, $3)
	WHERE paused = 0 AND next_check_at < $2`

// insert prepares one INSERT … VALUES and runs it for each row: in-process calls, with no
// round trips to save.
func insert(ctx context.Context, tx *sql.Tx, table string, rows sqlstore.Rows, returnIDs bool) ([]int64, error) {
	q := `INSERT INTO ` + table + ` (` + strings.Join(rows.Columns, ", ") + `) VALUES (` + params(len(rows.Columns)) + `)`
	if returnIDs {
		q += ` RETURNING id`
	}
	var ids []int64
	err := eachRow(ctx, tx, q, rows.Values, func(ctx context.Context, stmt *sql.Stmt, args []any) error {
		if !returnIDs {
			_, err := stmt.ExecContext(ctx, args...)
			return err
		}
		var id int64
		err := stmt.QueryRowContext(ctx, args...).Scan(&id)
		ids = append(ids, id)
		return err
	})
	return ids, err
}

// update prepares one UPDATE and runs it for each row, the row's values bound as parameters
// where the assignments read v.name. (UPDATE … FROM a one-row table of parameters would cost a
// third more: SQLite first copies the joined rows into a temporary table.)
func update(ctx context.Context, tx *sql.Tx, table, key string, set []sqlstore.Assignment, rows sqlstore.Rows, where ...string) error {
	param := map[string]string{}
	for i, c := range rows.Columns {
		param[c] = fmt.Sprintf("$%d", i+1)
	}
	batchValue := regexp.MustCompile(`\bv\.(\w+)`)
	assignments := make([]string, len(set))
	for i, a := range set {
		var unknown []string
		assignments[i] = a.Column + " = " + batchValue.ReplaceAllStringFunc(a.Expr, func(ref string) string {
			p, ok := param[ref[len("v."):]]
			if !ok {
				unknown = append(unknown, ref)
			}
			return p
		})
		if unknown != nil {
			return fmt.Errorf("%s: the batch has no %s", a.Column, strings.Join(unknown, ", "))
		}
	}
	q := `UPDATE ` + table + ` SET ` + strings.Join(assignments, ", ") + ` WHERE ` + key + ` = ` + param[key]
	for _, w := range where {
		q += ` AND (` + w + `)`
	}
	return eachRow(ctx, tx, q, rows.Values, func(ctx context.Context, stmt *sql.Stmt, args []any) error {
		_, err := stmt.ExecContext(ctx, args...)
		return err
	})
}

// upsert prepares one INSERT … ON CONFLICT DO UPDATE and runs it for each row.
func upsert(ctx context.Context, tx *sql.Tx, table string, key []string, rows sqlstore.Rows) error {
	q := `INSERT INTO ` + table + ` (` + strings.Join(rows.Columns, ", ") + `) VALUES (` + params(len(rows.Columns)) + `)` +
		sqlstore.OnConflictSet(key, rows.Columns)
	return eachRow(ctx, tx, q, rows.Values, func(ctx context.Context, stmt *sql.Stmt, args []any) error {
		_, err := stmt.ExecContext(ctx, args...)
		return err
	})
}

// eachRow prepares q and calls run with it for each row's arguments. The rows run without
// ctx's cancellation: for a statement whose context can end, the driver starts a goroutine
// to interrupt it, a cost per row; a cancelled ctx still rolls the transaction back (database/sql
// watches it), and the next row then fails.
func eachRow(ctx context.Context, tx *sql.Tx, q string, rows [][]any, run func(context.Context, *sql.Stmt, []any) error) error {
	stmt, err := tx.PrepareContext(ctx, q)
	if err != nil {
		return err
	}
	defer stmt.Close()
	if err := ctx.Err(); err != nil {
		return err
	}
	rowCtx := context.WithoutCancel(ctx)
	var args []any // database/sql copies them: one slice serves every row
	for _, row := range rows {
		args = slices.Grow(args[:0], len(row))[:len(row)]
		for i, v := range row {
			args[i] = arg(v)
		}
		if err := run(rowCtx, stmt, args); err != nil {
			return err
		}
	}
	return nil
}

// params is "$1, $2, …, $n".
func params(n int) string {
	p := make([]string, n)
	for i := range p {
		p[i] = fmt.Sprintf("$%d", i+1)
	}
	return strings.Join(p, ", ")
}
