package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// oldRows inserts row n of each table into a database of migration 00004, parents first;
// every row refers to row 1 of its parents.
var oldRows = []struct{ table, insert string }{
	{"users", `INSERT INTO users (username, password_hash, role, created_at) VALUES ('u' || $1, 'hash', 'user', $1)`},
	{"api_keys", `INSERT INTO api_keys (user_id, name, hint, hash, created_at, last_used_at) VALUES (1, 'k', 'tsk_', 'h' || $1, $1, $1)`},
	{"secrets", `INSERT INTO secrets (name, value, created_at) VALUES ('s' || $1, x'00ff', $1)`},
	{"sites", `INSERT INTO sites (owner_id, name, url, check_interval_seconds, timeout_seconds, expected_status_code,
		next_check_at, created_at, options, push_token, latency, last_checked) VALUES
		(1, 'site', 'http://x/' || $1, 60, 5, 200, $1, $1, '{"http":{"method":"POST"}}', 'tok' || $1, '{"streak":1}', $1)`},
	{"webhooks", `INSERT INTO webhooks (owner_id, url, is_default, created_at) VALUES (1, 'https://discord.com/api/webhooks/1/t' || $1, $1 = 1, $1)`},
	{"site_webhooks", `INSERT INTO site_webhooks (site_id, webhook_id) VALUES ($1, 1)`},
	{"checks", `INSERT INTO checks (site_id, checked_at, status, status_code, response_time_ms, error, timings) VALUES (1, $1, 'up', 200, 42, '', '{"dns_ms":1}')`},
	{"events", `INSERT INTO events (site_id, at, from_status, to_status, reason, kind) VALUES (1, $1, 'up', 'down', 'boom', 'status')`},
	{"notifications", `INSERT INTO notifications (webhook_id, site_id, event_id, kind, payload, next_attempt_at, created_at)
		VALUES (1, 1, 1, 'down', '{"kind":"down"}', $1, $1)`},
}

// movedColumns reads, after the migrations, the tables whose columns moved elsewhere as they
// were: the sites' schedule went to site_schedule (00083).
var movedColumns = map[string]string{
	"sites": `(SELECT sites.*, s.next_check_at, s.claimed_by, s.claimed_until
		FROM sites JOIN site_schedule s ON s.site_id = sites.id)`,
}

// newInserts insert a row, after the migrations, into the tables whose columns moved.
var newInserts = map[string]string{
	"sites": `INSERT INTO sites (owner_id, name, url, check_interval_seconds, timeout_seconds, expected_status_code,
		created_at, options, push_token, latency, last_checked) VALUES
		(1, 'site', 'http://x/' || $1, 60, 5, 200, $1, '{"http":{"method":"POST"}}', 'tok' || $1, '{"streak":1}', $1)`,
}

// idTables are the tables with ids, children first, so deleting a row takes nothing tested later.
var idTables = []string{"notifications", "checks", "events", "api_keys", "webhooks", "sites", "users"}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// openOld returns a store whose database has today's tables up to migration 00004, with three
// rows in every table and a gap where row 2 was deleted.
func openOld(t *testing.T) *Store {
	t.Helper()
	ctx := context.Background()
	s, err := Open(filepath.Join(t.TempDir(), "old.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.migrate(ctx, quiet(), 4); err != nil {
		t.Fatal(err)
	}
	for n := 1; n <= 3; n++ {
		for _, r := range oldRows {
			if _, err := s.write.ExecContext(ctx, r.insert, n); err != nil {
				t.Fatalf("%s row %d: %v", r.table, n, err)
			}
		}
	}
	for _, table := range idTables {
		if _, err := s.write.ExecContext(ctx, `DELETE FROM `+table+` WHERE id = 2`); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

func TestRebuildKeepsEveryRowAndNeverReusesIDs(t *testing.T) {
	ctx := context.Background()
	s := openOld(t)
	before := map[string][]string{}
	columns := map[string][]string{}
	for _, r := range oldRows {
		columns[r.table], before[r.table] = dump(t, s.write, r.table, "*")
	}
	if err := s.Migrate(ctx, quiet()); err != nil {
		t.Fatal(err)
	}
	for _, r := range oldRows {
		from := r.table
		if moved, ok := movedColumns[r.table]; ok {
			from = moved
		}
		if _, after := dump(t, s.write, from, strings.Join(columns[r.table], ", ")); !reflect.DeepEqual(after, before[r.table]) {
			t.Errorf("%s changed:\n before %v\n after  %v", r.table, before[r.table], after)
		}
	}
	var violations, foreignKeys int
	s.write.QueryRowContext(ctx, `SELECT count(*) FROM pragma_foreign_key_check`).Scan(&violations)
	s.write.QueryRowContext(ctx, `PRAGMA foreign_keys`).Scan(&foreignKeys)
	if violations != 0 || foreignKeys != 1 {
		t.Errorf("%d foreign key violations, foreign keys on: %d", violations, foreignKeys)
	}
	if _, err := s.write.ExecContext(ctx, `INSERT INTO checks (site_id, checked_at, status, response_time_ms) VALUES (99, 1, 'up', 1)`); err == nil {
		t.Error("a check of no site was accepted: foreign keys are not enforced")
	}
	for _, table := range idTables {
		var newest, next int64
		s.write.QueryRowContext(ctx, `SELECT max(id) FROM `+table).Scan(&newest)
		if _, err := s.write.ExecContext(ctx, `DELETE FROM `+table+` WHERE id = $1`, newest); err != nil {
			t.Fatal(err)
		}
		if err := s.write.QueryRowContext(ctx, insertOf(table)+` RETURNING id`, 100).Scan(&next); err != nil {
			t.Fatalf("%s: %v", table, err)
		}
		if next <= newest {
			t.Errorf("%s: deleted the newest row %d, the next row got id %d", table, newest, next)
		}
	}
}

// TestFailedRebuildChangesNothing: a database whose foreign keys were already broken is left
// as it was, and the writer connection with foreign keys on and no transaction open.
func TestFailedRebuildChangesNothing(t *testing.T) {
	ctx := context.Background()
	s := openOld(t)
	for _, q := range []string{`PRAGMA foreign_keys = OFF`, `INSERT INTO checks (site_id, checked_at, status, response_time_ms) VALUES (99, 1, 'up', 1)`, `PRAGMA foreign_keys = ON`} {
		if _, err := s.write.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Migrate(ctx, quiet()); err == nil {
		t.Fatal("migrated a database with a check of no site")
	}
	var schema string
	s.write.QueryRowContext(ctx, `SELECT sql FROM sqlite_master WHERE name = 'sites'`).Scan(&schema)
	if strings.Contains(schema, "AUTOINCREMENT") {
		t.Errorf("the failed rebuild was kept: %s", schema)
	}
	var checks, foreignKeys int
	s.write.QueryRowContext(ctx, `SELECT count(*) FROM checks`).Scan(&checks)
	s.write.QueryRowContext(ctx, `PRAGMA foreign_keys`).Scan(&foreignKeys)
	if checks != 3 || foreignKeys != 1 {
		t.Errorf("%d checks (want 3), foreign keys on: %d", checks, foreignKeys)
	}
	if _, err := s.write.ExecContext(ctx, `BEGIN IMMEDIATE; ROLLBACK`); err != nil {
		t.Errorf("the writer is still inside a transaction: %v", err)
	}
}

func insertOf(table string) string {
	if q, ok := newInserts[table]; ok {
		return q
	}
	for _, r := range oldRows {
		if r.table == table {
			return r.insert
		}
	}
	panic("no insert for " + table)
}

// dump reads every row of table, ordered, as text.
func dump(t *testing.T, db *sql.DB, table, columns string) ([]string, []string) {
	t.Helper()
	rows, err := db.Query(`SELECT ` + columns + ` FROM ` + table + ` ORDER BY 1, 2`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	names, _ := rows.Columns()
	var out []string
	for rows.Next() {
		values := make([]any, len(names))
		ptrs := make([]any, len(names))
		for i := range values {
			ptrs[i] = &values[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%q", values))
	}
	return names, out
}
