package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/tocsin/tocsin/internal/store/sqlstore"
)

// claimSites moves each claimed site's next check to the first slot of its schedule after
// now, so a site that fell behind skips the slots it missed instead of being checked in a
// burst. One UPDATE … RETURNING: the single writer makes it atomic.
const claimSites = `UPDATE sites SET
		claimed_by = $1,
		claimed_until = $3 + timeout_seconds * 1000000,
		next_check_at = next_check_at + check_interval_seconds * 1000000
			* (($2 - next_check_at) / (check_interval_seconds * 1000000) + 1)
	WHERE id IN (
		SELECT id FROM sites
		WHERE paused = 0 AND next_check_at <= $2 AND (claimed_until IS NULL OR claimed_until < $2)
		ORDER BY next_check_at
		LIMIT $4)
	RETURNING ` + sqlstore.SiteColumns

// resumeSchedule gives each overdue site the time now + ((next_check_at - now) mod w), with w
// its interval capped at the window, and mod made positive: it keeps the site's phase.
const resumeSchedule = `UPDATE sites SET next_check_at = $1 +
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
	err := eachRow(ctx, tx, q, rows.Values, func(stmt *sql.Stmt, args []any) error {
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

// update prepares one UPDATE and runs it for each row. It sets the columns from a subquery
// that names the row's parameters v: UPDATE … FROM would first copy every row into a
// temporary table.
func update(ctx context.Context, tx *sql.Tx, table, key string, set []sqlstore.Assignment, rows sqlstore.Rows) error {
	columns, exprs := make([]string, len(set)), make([]string, len(set))
	for i, a := range set {
		columns[i], exprs[i] = a.Column, a.Expr
	}
	named := make([]string, len(rows.Columns))
	keyParam := ""
	for i, c := range rows.Columns {
		named[i] = fmt.Sprintf("$%d AS %s", i+1, c)
		if c == key {
			keyParam = fmt.Sprintf("$%d", i+1)
		}
	}
	q := `UPDATE ` + table + ` SET (` + strings.Join(columns, ", ") + `) = (SELECT ` + strings.Join(exprs, ", ") +
		` FROM (SELECT ` + strings.Join(named, ", ") + `) AS v) WHERE ` + key + ` = ` + keyParam
	return eachRow(ctx, tx, q, rows.Values, func(stmt *sql.Stmt, args []any) error {
		_, err := stmt.ExecContext(ctx, args...)
		return err
	})
}

// eachRow prepares q and calls run with it for each row's arguments.
func eachRow(ctx context.Context, tx *sql.Tx, q string, rows [][]any, run func(*sql.Stmt, []any) error) error {
	stmt, err := tx.PrepareContext(ctx, q)
	if err != nil {
		return err
	}
	defer stmt.Close()
	for _, row := range rows {
		args := make([]any, len(row))
		for i, v := range row {
			args[i] = arg(v)
		}
		if err := run(stmt, args); err != nil {
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
