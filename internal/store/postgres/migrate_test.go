package postgres_test

import (
	"context"
	"database/sql"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
	"github.com/tocsin/tocsin/internal/store/postgres"
	"github.com/tocsin/tocsin/internal/store/storetest"
)

// oldSchedules are sites as migration 00080 kept them, their schedule in their own row.
var oldSchedules = []struct {
	paused    bool
	next      time.Time
	claimedBy any
	until     any
}{
	{false, time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC), nil, nil},
	{false, time.Date(2026, 5, 1, 8, 0, 5, 0, time.UTC), "w1", time.Date(2026, 5, 1, 8, 1, 0, 0, time.UTC)},
	{true, time.Date(2026, 5, 1, 7, 0, 0, 0, time.UTC), nil, nil},
}

// Migration 00083 moves every site's schedule and claim to site_schedule, and back down.
func TestScheduleMovesToItsOwnTable(t *testing.T) {
	ctx := context.Background()
	st, db, owner := oldSchema(t, 80)
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	ids := make([]int64, len(oldSchedules))
	for i, o := range oldSchedules {
		err := db.QueryRowContext(ctx, `INSERT INTO sites (owner_id, name, url, check_interval_seconds, timeout_seconds,
			expected_status_code, paused, next_check_at, claimed_by, claimed_until, created_at)
			VALUES ($1, 's', 'http://127.0.0.1:9/', 60, 5, 200, $2, $3, $4, $5, $3) RETURNING id`,
			owner, o.paused, o.next, o.claimedBy, o.until).Scan(&ids[i])
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := st.Migrate(ctx, quiet); err != nil {
		t.Fatal(err)
	}
	for i, o := range oldSchedules {
		var (
			next      time.Time
			paused    bool
			claimedBy *string
			interval  int
		)
		err := db.QueryRowContext(ctx, `SELECT next_check_at, paused, claimed_by, check_interval_seconds
			FROM site_schedule WHERE site_id = $1`, ids[i]).Scan(&next, &paused, &claimedBy, &interval)
		if err != nil {
			t.Fatalf("site %d: %v", ids[i], err)
		}
		if !next.Equal(o.next) || paused != o.paused || (claimedBy != nil) != (o.claimedBy != nil) || interval != 60 {
			t.Errorf("site %d: schedule %v paused %v claimed by %v interval %d, was %+v", ids[i], next, paused, claimedBy, interval, o)
		}
		site, err := st.Site(ctx, owner, ids[i])
		if err != nil {
			t.Fatal(err)
		}
		if !site.NextCheckAt.Equal(o.next) {
			t.Errorf("site %d: next check %v, was %v", ids[i], site.NextCheckAt, o.next)
		}
	}
	// The unclaimed, unpaused site is the only one a claim takes at 08:00:30.
	now := time.Date(2026, 5, 1, 8, 0, 30, 0, time.UTC)
	claimed, err := st.ClaimDueSites(ctx, store.Claim{Worker: "w2", Now: now, Limit: 10, LeaseMargin: 30 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if len(claimed) != 1 || claimed[0].ID != ids[0] || !claimed[0].NextCheckAt.Equal(oldSchedules[0].next.Add(time.Minute)) {
		t.Errorf("claimed %+v, want site %d moved to its next slot", claimed, ids[0])
	}

	if err := st.MigrateDownTo(ctx, 80); err != nil {
		t.Fatal(err)
	}
	var next time.Time
	var claimedBy *string
	if err := db.QueryRowContext(ctx, `SELECT next_check_at, claimed_by FROM sites WHERE id = $1`, ids[0]).Scan(&next, &claimedBy); err != nil {
		t.Fatal(err)
	}
	if !next.Equal(oldSchedules[0].next.Add(time.Minute)) || claimedBy == nil || *claimedBy != "w2" {
		t.Errorf("down: next check %v claimed by %v, want the claim's", next, claimedBy)
	}
}

// Migration 00085 moves each uptime ledger into its site's row, and back down; a site without
// a ledger keeps none.
func TestLedgersMoveIntoTheirSitesRows(t *testing.T) {
	ctx := context.Background()
	st, db, owner := oldSchema(t, 84)
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	var with, without int64
	for _, id := range []*int64{&with, &without} {
		if err := db.QueryRowContext(ctx, `INSERT INTO sites (owner_id, name, url, check_interval_seconds, timeout_seconds,
			expected_status_code, created_at) VALUES ($1, 's', 'http://127.0.0.1:9/', 60, 5, 200, now()) RETURNING id`,
			owner).Scan(id); err != nil {
			t.Fatal(err)
		}
	}
	at := time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC)
	if _, err := db.ExecContext(ctx, `INSERT INTO uptime_ledgers (site_id, at, mode, up_ms, down_ms, run_failed, run_error,
		incidents, resolved, repair_ms) VALUES ($1, $2, 'paused', 5000, 700, 2, 'timeout', 3, 2, 90000)`, with, at); err != nil {
		t.Fatal(err)
	}
	if err := st.Migrate(ctx, quiet); err != nil {
		t.Fatal(err)
	}
	var (
		gotAt                       *time.Time
		mode, runError              string
		up, down, incidents, repair int64
		failed                      int
	)
	err := db.QueryRowContext(ctx, `SELECT ledger_at, ledger_mode, ledger_up_ms, ledger_down_ms, ledger_run_failed,
		ledger_run_error, ledger_incidents, ledger_repair_ms FROM sites WHERE id = $1`, with).
		Scan(&gotAt, &mode, &up, &down, &failed, &runError, &incidents, &repair)
	if err != nil {
		t.Fatal(err)
	}
	if gotAt == nil || !gotAt.Equal(at) || mode != "paused" || up != 5000 || down != 700 || failed != 2 ||
		runError != "timeout" || incidents != 3 || repair != 90000 {
		t.Errorf("the ledger in its site's row: at %v mode %q up %d down %d failed %d error %q incidents %d repair %d",
			gotAt, mode, up, down, failed, runError, incidents, repair)
	}
	if err := db.QueryRowContext(ctx, `SELECT ledger_at FROM sites WHERE id = $1`, without).Scan(&gotAt); err != nil || gotAt != nil {
		t.Errorf("a site without a ledger: ledger_at %v (%v), want NULL", gotAt, err)
	}

	if err := st.MigrateDownTo(ctx, 84); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := db.QueryRowContext(ctx, `SELECT count(*), max(up_ms) FROM uptime_ledgers`).Scan(&n, &up); err != nil || n != 1 || up != 5000 {
		t.Errorf("down: %d ledgers, up %d (%v); want the one, as it was", n, up, err)
	}
}

// oldSchema is a new store's database migrated up to version only, with one user, the owner.
func oldSchema(t *testing.T, version int64) (*postgres.Store, *sql.DB, int64) {
	t.Helper()
	ctx := context.Background()
	st, err := postgres.Open(ctx, storetest.PostgresURL(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.MigrateTo(ctx, slog.New(slog.NewTextHandler(io.Discard, nil)), version); err != nil {
		t.Fatal(err)
	}
	var owner int64
	if err := st.DB().QueryRowContext(ctx, `INSERT INTO users (username, password_hash, role, created_at)
		VALUES ('u', 'h', 'admin', now()) RETURNING id`).Scan(&owner); err != nil {
		t.Fatal(err)
	}
	return st, st.DB(), owner
}

// Migration 00086 keeps a site's latency watch as TEXT: a row written as JSONB reads back the
// same, and a check rewrites it in Tocsin's compact form.
func TestLatencyBecomesText(t *testing.T) {
	ctx := context.Background()
	st, db, owner := oldSchema(t, 85)
	var id int64
	if err := db.QueryRowContext(ctx, `INSERT INTO sites (owner_id, name, url, check_interval_seconds, timeout_seconds,
		expected_status_code, created_at, latency) VALUES ($1, 's', 'http://127.0.0.1:9/', 60, 5, 200, now(),
		'{"window":[40,41],"streak":1,"degraded":true}') RETURNING id`, owner).Scan(&id); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, `INSERT INTO site_schedule (site_id, next_check_at, paused, check_interval_seconds, timeout_seconds)
		VALUES ($1, now(), false, 60, 5)`, id); err != nil {
		t.Fatal(err)
	}
	if err := st.Migrate(ctx, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		t.Fatal(err)
	}
	var typ, doc string
	if err := db.QueryRowContext(ctx, `SELECT pg_typeof(latency)::text, latency FROM sites WHERE id = $1`, id).Scan(&typ, &doc); err != nil {
		t.Fatal(err)
	}
	if typ != "text" {
		t.Errorf("latency is %s, want text", typ)
	}
	site, err := st.Site(ctx, owner, id)
	if err != nil {
		t.Fatal(err)
	}
	if l := site.Latency; len(l.Window) != 2 || l.Window[0] != 40 || l.Window[1] != 41 || l.Streak != 1 || !l.Degraded {
		t.Errorf("latency read back from %s as %+v", doc, l)
	}
	at := time.Now().UTC().Truncate(time.Second)
	if _, err := st.RecordChecks(ctx, []store.CheckResult{{SiteID: id, Result: monitor.Result{
		Status: monitor.StatusUp, StatusCode: 200, ResponseTime: 42 * time.Millisecond, CheckedAt: at}}}); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRowContext(ctx, `SELECT latency FROM sites WHERE id = $1`, id).Scan(&doc); err != nil {
		t.Fatal(err)
	}
	if doc != `{"window":[40,41,42]}` && !strings.HasPrefix(doc, `{"window":[40,41,42],`) {
		t.Errorf("after a check of 42 ms the latency is %s", doc)
	}

	if err := st.MigrateDownTo(ctx, 85); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRowContext(ctx, `SELECT pg_typeof(latency)::text FROM sites WHERE id = $1`, id).Scan(&typ); err != nil || typ != "jsonb" {
		t.Errorf("down: latency is %s (%v), want jsonb", typ, err)
	}
}
