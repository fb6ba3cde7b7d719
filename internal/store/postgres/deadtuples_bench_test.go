package postgres_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
	"github.com/tocsin/tocsin/internal/store/storetest"
)

// BenchmarkDeadTuplesPerCheck claims and records b.N rounds of 1,000 passing checks, as the
// scheduler does, and reports what they cost the sites' rows (in sites and site_schedule): row
// versions written per check, how many of them were not HOT (each needs new index entries and a
// vacuum to reclaim), the dead versions left at the end, and the WAL the server wrote per check.
// Autovacuum, whatever the server's setting, has too little time to matter in a run of a few
// seconds.
//
//	TOCSIN_TEST_DATABASE_URL=postgres://… go test -run '^$' -bench DeadTuples -benchtime 20x ./internal/store/postgres/
func BenchmarkDeadTuplesPerCheck(b *testing.B) {
	const sites, interval = 1000, 10 * time.Second
	st := storetest.OpenPostgres(b)
	ctx := context.Background()
	clock := time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC)
	batch := make([]monitor.Site, sites)
	for i := range batch {
		batch[i] = monitor.Site{Name: "s", URL: fmt.Sprintf("http://127.0.0.1:9/%d", i), CheckIntervalSeconds: 10,
			TimeoutSeconds: 5, ExpectedStatusCode: 200, FailureThreshold: 1, NextCheckAt: clock, CreatedAt: clock}
	}
	if _, err := st.CreateSites(ctx, batch); err != nil {
		b.Fatal(err)
	}
	before := siteTableStats(b, st.DB())
	checks := 0
	b.ResetTimer()
	for range b.N {
		claimed, err := st.ClaimDueSites(ctx, store.Claim{Worker: "bench", Now: clock, Limit: sites, LeaseMargin: 30 * time.Second})
		if err != nil {
			b.Fatal(err)
		}
		results := make([]store.CheckResult, len(claimed))
		for i, s := range claimed {
			results[i] = store.CheckResult{SiteID: s.ID, Claimed: true, Result: monitor.Result{CheckedAt: clock,
				Status: monitor.StatusUp, StatusCode: 200, ResponseTime: time.Millisecond}}
		}
		for start := 0; start < len(results); start += 500 {
			if _, err := st.RecordChecks(ctx, results[start:min(start+500, len(results))]); err != nil {
				b.Fatal(err)
			}
		}
		checks += len(claimed)
		clock = clock.Add(interval)
	}
	b.StopTimer()
	after := siteTableStats(b, st.DB())
	b.ReportMetric(float64(after.updates-before.updates)/float64(checks), "updates/check")
	b.ReportMetric(float64((after.updates-after.hot)-(before.updates-before.hot))/float64(checks), "non-HOT/check")
	b.ReportMetric(float64(after.dead)/float64(checks), "dead-left/check")
	// The server's whole WAL: other sessions' writes count too, so run it on a quiet server.
	b.ReportMetric(float64(after.wal-before.wal)/float64(checks), "WAL-bytes/check")
}
