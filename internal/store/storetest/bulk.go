package storetest

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
	"github.com/tocsin/tocsin/internal/store/postgres"
	"github.com/tocsin/tocsin/internal/store/sqlite"
)

// Bulk data for benchmarks: written with SQL inside the database, since millions of rows
// through the store's methods would take longer than the benchmark.

// OpenRaw opens a migrated store of the backend ("sqlite" or "postgres") and a plain
// connection to the same database beside it.
func OpenRaw(tb testing.TB, backend string) (store.Store, *sql.DB) {
	tb.Helper()
	ctx := context.Background()
	var (
		s   store.Store
		raw *sql.DB
		err error
	)
	switch backend {
	case "sqlite":
		path := filepath.Join(tb.TempDir(), "tocsin.db")
		st, openErr := sqlite.Open(path)
		if openErr != nil {
			tb.Fatal(openErr)
		}
		err, s = st.Migrate(ctx, quietLog()), st
		raw, _ = sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)")
	default:
		url := PostgresURL(tb)
		st, openErr := postgres.Open(ctx, url)
		if openErr != nil {
			tb.Fatal(openErr)
		}
		err, s = st.Migrate(ctx, quietLog()), st
		raw, _ = sql.Open("pgx", url)
	}
	tb.Cleanup(func() { raw.Close(); s.Close() })
	if err != nil {
		tb.Fatal(err)
	}
	return s, raw
}

// BulkSites adds n paused HTTP sites of owner and returns their ids.
func BulkSites(tb testing.TB, s store.Store, owner int64, n int, at time.Time) []int64 {
	tb.Helper()
	var ids []int64
	for len(ids) < n {
		batch := make([]monitor.Site, min(5000, n-len(ids)))
		for i := range batch {
			name := fmt.Sprintf("bulk-%d", len(ids)+i)
			batch[i] = monitor.Site{OwnerID: owner, Name: name, URL: "http://127.0.0.1:1/" + name, CheckIntervalSeconds: 60,
				TimeoutSeconds: 10, ExpectedStatusCode: 200, FailureThreshold: 1, NextCheckAt: at, CreatedAt: at, Paused: true}
		}
		created, err := s.CreateSites(context.Background(), batch)
		if err != nil {
			tb.Fatal(err)
		}
		for _, c := range created {
			ids = append(ids, c.ID)
		}
	}
	return ids
}

// LoadRollups gives every site of owner hourly and daily rollups for the days before now (a
// minute's checks an hour, response times around 120 ms), an uptime ledger, and an outage of
// 10 minutes every 6 days (about 5 a month), each with its incident.
func LoadRollups(tb testing.TB, raw *sql.DB, backend string, owner int64, days int, now time.Time) {
	tb.Helper()
	ctx := context.Background()
	var h monitor.Histogram
	for i := range 60 {
		h.Add(time.Duration(100+i) * time.Millisecond)
	}
	hist, _ := h.MarshalBinary()
	last := store.HourOf(now) - 1
	first := last - int64(days)*24 + 1
	// cum_down grows by 10 minutes each time (hour + 7·id) passes a multiple of 144 hours.
	const outages = `((%[1]s + s.id * 7) / 144 - ($1 + s.id * 7) / 144)`
	const down = `(` + outages + ` * 600000)`
	const up = `((%[1]s - $1 + 1) * 3600000 - ` + down + `)`
	// up, down, incidents, resolved, repair
	cum := func(hour string) string {
		return fmt.Sprintf(up+`, `+down+`, `+outages+`, `+outages+`, `+down, hour)
	}
	const cols = `(site_id, PERIOD, checks, failures, cum_up_ms, cum_down_ms, cum_incidents, cum_resolved, cum_repair_ms, hist) `
	hours := `SELECT s.id, g.n, 60, 0, ` + cum("g.n") + `, $3 FROM sites s, g WHERE s.owner_id = $4`
	dayRows := `SELECT s.id, g.n, 1440, 0, ` + cum("(g.n * 24 + 23)") + `, $3 FROM sites s, g WHERE s.owner_id = $4`
	ledgers := `UPDATE sites AS s SET (ledger_at, ledger_mode, ledger_up_ms, ledger_down_ms, ledger_incidents, ledger_resolved,
		ledger_repair_ms) = ($3, 'active', ` + cum("$2") + `) WHERE s.owner_id = $4`
	hourCols, dayCols := strings.Replace(cols, "PERIOD", "hour", 1), strings.Replace(cols, "PERIOD", "day", 1)
	var stmts []struct {
		q    string
		args []any
	}
	add := func(q string, args ...any) {
		stmts = append(stmts, struct {
			q    string
			args []any
		}{q, args})
	}
	firstDay, lastDay := store.DayOfHour(first), store.DayOfHour(last)
	at := now.Add(-30 * time.Second)
	switch backend {
	case "sqlite":
		series := `WITH RECURSIVE g(n) AS (SELECT $1 UNION ALL SELECT n + 1 FROM g WHERE n < $2) `
		add(series+`INSERT INTO rollup_hours `+hourCols+hours, first, last, hist, owner)
		add(series+`INSERT INTO rollup_days `+dayCols+dayRows, firstDay, lastDay, hist, owner)
		add(ledgers, first, last, at.UnixMicro(), owner)
		add(`WITH RECURSIVE g(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM g WHERE n < $2)
			INSERT INTO incidents (site_id, started_at, ended_at, error, status_code, failed_checks)
			SELECT s.id, $1 - (g.n * 144 + s.id % 144) * 3600000000, $1 - (g.n * 144 + s.id % 144) * 3600000000 + 600000000,
				'expected status 200, got 503', 503, 10
			FROM sites s, g WHERE s.owner_id = $3`, now.UnixMicro(), days/6, owner)
	default:
		series := `WITH g(n) AS (SELECT generate_series($1::bigint, $2::bigint)) `
		add(series+`INSERT INTO rollup_hours `+hourCols+hours, first, last, hist, owner)
		add(series+`INSERT INTO rollup_days `+dayCols+dayRows, firstDay, lastDay, hist, owner)
		add(strings.ReplaceAll(ledgers, "$2", "$2::bigint"), first, last, at, owner)
		add(`INSERT INTO incidents (site_id, started_at, ended_at, error, status_code, failed_checks)
			SELECT s.id, $1::timestamptz - make_interval(hours => g.n * 144 + (s.id % 144)::int),
				$1::timestamptz - make_interval(hours => g.n * 144 + (s.id % 144)::int) + interval '10 minutes',
				'expected status 200, got 503', 503, 10
			FROM sites s, generate_series(0, $2::int) g(n) WHERE s.owner_id = $3`, now, days/6, owner)
		add(`ANALYZE`)
	}
	for _, st := range stmts {
		if _, err := raw.ExecContext(ctx, st.q, st.args...); err != nil {
			tb.Fatalf("load rollups: %v\n%s", err, st.q)
		}
	}
}

// TableBytes is the space the tables and their indexes take on disk, after VACUUM (FULL, on
// PostgreSQL): what the rows take once the dead versions of updated rows are reused.
func TableBytes(tb testing.TB, raw *sql.DB, backend string, tables ...string) int64 {
	tb.Helper()
	var total int64
	for _, t := range tables {
		var n int64
		var err error
		if backend == "sqlite" {
			if _, err = raw.Exec(`VACUUM`); err != nil {
				tb.Fatalf("vacuum: %v", err)
			}
			err = raw.QueryRow(`SELECT coalesce(sum(pgsize), 0) FROM dbstat WHERE name = $1 OR name IN (SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = $1)`, t).Scan(&n)
		} else {
			if _, err = raw.Exec(`VACUUM FULL ` + t); err == nil { // the live rows, without the dead versions of upserted ones
				err = raw.QueryRow(`SELECT pg_total_relation_size($1::regclass)`, t).Scan(&n)
			}
		}
		if err != nil {
			tb.Fatalf("size of %s: %v", t, err)
		}
		total += n
	}
	return total
}

// LoadChecks gives every site of owner a passing check every `every` from `from` until
// `until`, with phase timings, in time order: the raw history a pruner has to work through.
// It answers how many it wrote.
func LoadChecks(tb testing.TB, raw *sql.DB, backend string, owner int64, from, until time.Time, every time.Duration) int64 {
	tb.Helper()
	steps := int64(until.Sub(from) / every)
	phases := store.EncodePhases(&monitor.Timings{DNS: 2 * time.Millisecond, Connect: 11 * time.Millisecond,
		TLS: 23 * time.Millisecond, ServerProcessing: 41 * time.Millisecond, Transfer: 3 * time.Millisecond})
	var q string
	var args []any
	if backend == "sqlite" {
		q = `WITH RECURSIVE g(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM g WHERE n < $1)
			INSERT INTO checks (site_id, checked_at, status, status_code, response_time_ms, error, phases, held)
			SELECT s.id, $2 + g.n * $3 + s.id % 1000 * 1000, 'up', 200, 80 + s.id % 40, '', $4, 0
			FROM g, sites s WHERE s.owner_id = $5 ORDER BY g.n, s.id`
		args = []any{steps - 1, from.UnixMicro(), every.Microseconds(), phases, owner}
	} else {
		q = `INSERT INTO checks (site_id, checked_at, status, status_code, response_time_ms, error, phases, held)
			SELECT s.id, $2::timestamptz + make_interval(secs => g.n * $3::float8 + (s.id % 1000) / 1000.0), 'up', 200, 80 + s.id % 40, '', $4, false
			FROM generate_series(0, $1::bigint) g(n), sites s WHERE s.owner_id = $5 ORDER BY g.n, s.id`
		args = []any{steps - 1, from, every.Seconds(), phases, owner}
	}
	res, err := raw.ExecContext(context.Background(), q, args...)
	if err != nil {
		tb.Fatalf("load checks: %v", err)
	}
	n, _ := res.RowsAffected()
	// An empty rollup in the hour before them, as if rollups had been kept since: the
	// background backfill finds nothing to do, and the pruner starts at once.
	empty, _ := (&monitor.Histogram{}).MarshalBinary()
	_, err = raw.ExecContext(context.Background(), `INSERT INTO rollup_hours (site_id, hour, checks, failures, cum_up_ms, cum_down_ms, hist)
		SELECT id, $1, 0, 0, 0, 0, $2 FROM sites WHERE owner_id = $3`, store.HourOf(from)-1, empty, owner)
	if err != nil {
		tb.Fatalf("load checks: %v", err)
	}
	if backend != "sqlite" {
		raw.Exec(`ANALYZE checks`)
	}
	return n
}
