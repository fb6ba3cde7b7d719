package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
)

// BenchmarkStorageBytes records a day of checks of 100 sites at a 60 s interval through
// RecordChecks, as the scheduler does (phase timings included, an outage now and then), and
// reports the bytes on disk per check (the checks table and its indexes) and per site-day of
// rollups (24 hourly rows and one daily row, with their indexes):
//
//	go test -run '^$' -bench StorageBytes -benchtime 1x ./internal/store/storetest/
func BenchmarkStorageBytes(b *testing.B) {
	const sites, checksPerSite = 100, 1440
	for _, backend := range []string{"sqlite", "postgres"} {
		b.Run(backend, func(b *testing.B) {
			for range b.N {
				st, raw := OpenRaw(b, backend)
				ctx := context.Background()
				start := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
				ids := BulkSites(b, st, 1, sites, start)
				for i := range checksPerSite {
					batch := make([]store.CheckResult, 0, sites)
					for j, id := range ids {
						r := monitor.Result{CheckedAt: start.Add(time.Duration(i)*time.Minute + time.Duration(j)*500*time.Millisecond),
							Status: monitor.StatusUp, StatusCode: 200, ResponseTime: time.Duration(80+(i*7+j)%60) * time.Millisecond,
							Timings: &monitor.Timings{DNS: 2 * time.Millisecond, Connect: 11 * time.Millisecond, TLS: 23 * time.Millisecond,
								ServerProcessing: 41 * time.Millisecond, Transfer: 3 * time.Millisecond}}
						if (i+j*13)%500 < 3 {
							r.Status, r.StatusCode, r.Error = monitor.StatusDown, 503, "expected status 200, got 503"
						}
						batch = append(batch, store.CheckResult{SiteID: id, Result: r})
					}
					if _, err := st.RecordChecks(ctx, batch); err != nil {
						b.Fatal(err)
					}
				}
				if _, _, err := st.MergeDay(ctx, store.DayOf(start), 0, 100000); err != nil {
					b.Fatal(err)
				}
				checks := TableBytes(b, raw, backend, "checks")
				rollups := TableBytes(b, raw, backend, "rollup_hours", "rollup_days")
				b.ReportMetric(float64(checks)/float64(sites*checksPerSite), "bytes/check")
				b.ReportMetric(float64(rollups)/float64(sites), "bytes/site-day")
				// The same checks as they were stored before: timings as a JSON document.
				json := `{"dns_ms":2,"connect_ms":11,"tls_ms":23,"server_processing_ms":41,"transfer_ms":3}`
				if _, err := raw.Exec(`UPDATE checks SET timings = $1, phases = NULL`, json); err != nil {
					b.Fatal(err)
				}
				before := TableBytes(b, raw, backend, "checks")
				b.ReportMetric(float64(before)/float64(sites*checksPerSite), "bytes/check-as-json")
				fmt.Printf("%s: checks %d bytes for %d checks; rollups %d bytes for %d site-days\n", backend, checks, sites*checksPerSite, rollups, sites)
			}
		})
	}
}
