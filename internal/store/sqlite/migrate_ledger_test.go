package sqlite

import (
	"context"
	"path/filepath"
	"testing"
)

// Migration 00081: a ledger moved by the old rule held one reason, the last begun; the upgrade
// gives each every reason its site's marks say holds. (Migration 00085 then carries each ledger
// into its site's row, where it is read here.)
func TestUpgradeGivesLedgersEveryReasonThatHolds(t *testing.T) {
	ctx := context.Background()
	s, err := Open(filepath.Join(t.TempDir(), "old.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.migrate(ctx, quiet(), 80); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		paused, open bool
		old, want    string
	}{
		{true, true, "maintenance", "maintenance+paused"}, // paused, then a window opened
		{true, false, "active", "paused"},                 // paused in a window that closed since
		{false, true, "active", "maintenance"},            // resumed inside a window
		{false, false, "paused", "active"},
	}
	for i, tt := range tests {
		id := i + 1
		if _, err := s.write.ExecContext(ctx, `INSERT INTO sites (id, name, url, check_interval_seconds, timeout_seconds,
			expected_status_code, next_check_at, created_at, paused, maintenance_open) VALUES ($1, 's', 'http://x/', 60, 5, 200, 0, 0, $2, $3)`,
			id, tt.paused, tt.open); err != nil {
			t.Fatal(err)
		}
		if _, err := s.write.ExecContext(ctx, `INSERT INTO uptime_ledgers (site_id, at, mode) VALUES ($1, 0, $2)`, id, tt.old); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Migrate(ctx, quiet()); err != nil {
		t.Fatal(err)
	}
	for i, tt := range tests {
		var (
			mode string
			at   *int64
		)
		if err := s.write.QueryRowContext(ctx, `SELECT ledger_mode, ledger_at FROM sites WHERE id = $1`, i+1).Scan(&mode, &at); err != nil {
			t.Fatal(err)
		}
		if at == nil || *at != 0 {
			t.Errorf("site %d: ledger_at %v, want the ledger's 0 carried over", i+1, at)
		}
		if mode != tt.want {
			t.Errorf("paused %v, window open %v, mode %q: now %q, want %q", tt.paused, tt.open, tt.old, mode, tt.want)
		}
	}
}
