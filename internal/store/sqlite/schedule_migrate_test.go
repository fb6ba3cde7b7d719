package sqlite

import (
	"context"
	"io/fs"
	"path/filepath"
	"slices"
	"testing"

	"github.com/pressly/goose/v3"
)

// Migration 00083 moves each site's schedule and claim to site_schedule, and back down.
func TestScheduleMovesToItsOwnTable(t *testing.T) {
	ctx := context.Background()
	s, err := Open(filepath.Join(t.TempDir(), "schedule.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.migrate(ctx, quiet(), 80); err != nil {
		t.Fatal(err)
	}
	const insert = `INSERT INTO sites (owner_id, name, url, check_interval_seconds, timeout_seconds,
		expected_status_code, paused, next_check_at, claimed_by, claimed_until, created_at)
		VALUES (1, 's', 'http://x/', 60, 5, 200, $1, $2, $3, $4, 1)`
	for _, args := range [][]any{{0, 100, nil, nil}, {0, 200, "w1", 900}, {1, 300, nil, nil}} {
		if _, err := s.write.ExecContext(ctx, insert, args...); err != nil {
			t.Fatal(err)
		}
	}
	_, before := dump(t, s.write, "sites", "id, paused, next_check_at, claimed_by, claimed_until")
	if err := s.Migrate(ctx, quiet()); err != nil {
		t.Fatal(err)
	}
	if _, after := dump(t, s.write, "site_schedule", "site_id, paused, next_check_at, claimed_by, claimed_until"); !slices.Equal(after, before) {
		t.Errorf("site_schedule %v, sites had %v", after, before)
	}
	var interval, timeout int
	if err := s.write.QueryRowContext(ctx, `SELECT check_interval_seconds, timeout_seconds FROM site_schedule WHERE site_id = 1`).
		Scan(&interval, &timeout); err != nil || interval != 60 || timeout != 5 {
		t.Errorf("interval %d, timeout %d (%v); want the site's 60 and 5", interval, timeout, err)
	}

	dir, err := fs.Sub(migrations, "migrations")
	if err != nil {
		t.Fatal(err)
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, s.write, dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.DownTo(ctx, 80); err != nil {
		t.Fatal(err)
	}
	if _, down := dump(t, s.write, "sites", "id, paused, next_check_at, claimed_by, claimed_until"); !slices.Equal(down, before) {
		t.Errorf("down: sites %v, want %v", down, before)
	}
}
