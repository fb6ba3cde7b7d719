package postgres_test

import (
	"database/sql"
	"testing"
	"time"
)

// tableStats are the counters in pg_stat_user_tables of the tables a check writes a site's
// rows to, sites and site_schedule, summed.
// wal is the server's WAL position: what it wrote for the whole store, every table and index.
type tableStats struct{ updates, hot, dead, wal int64 }

// siteTableStats reads the counters once every backend has reported: a backend sends its
// counts at most once a second, and when it goes idle.
func siteTableStats(t testing.TB, db *sql.DB) tableStats {
	t.Helper()
	time.Sleep(1500 * time.Millisecond)
	var s tableStats
	err := db.QueryRow(`SELECT sum(n_tup_upd), sum(n_tup_hot_upd), sum(n_dead_tup),
		pg_current_wal_lsn() - '0/0'::pg_lsn FROM pg_stat_user_tables
		WHERE relname IN ('sites', 'site_schedule') AND schemaname = current_schema()`).Scan(&s.updates, &s.hot, &s.dead, &s.wal)
	if err != nil {
		t.Fatal(err)
	}
	return s
}
