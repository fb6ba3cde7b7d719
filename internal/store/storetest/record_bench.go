package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
)

// BenchRecordChecks measures RecordChecks of batches of 500 results (one per site), with the
// given number of maintenance windows over the sites' owner, to show what reading the windows
// costs the hot path. A store's package runs it from a benchmark of its own.
func BenchRecordChecks(b *testing.B, s store.Store, windows int) {
	ctx := context.Background()
	const sites = 500
	ids := make([]int64, sites)
	for i := range sites {
		site, err := s.CreateSite(ctx, newSite(1, fmt.Sprint("s", i), 60, t0))
		if err != nil {
			b.Fatal(err)
		}
		ids[i] = site.ID
	}
	for i := range windows {
		m := monitor.Maintenance{OwnerID: 1, Title: fmt.Sprint("w", i), SiteIDs: ids[i*10 : i*10+10],
			Cron: "0 3 * * sun", Duration: time.Hour, Timezone: "Europe/Berlin", CreatedAt: t0, UpdatedAt: t0}
		if _, err := s.CreateMaintenance(ctx, m); err != nil {
			b.Fatal(err)
		}
	}
	batch := make([]store.CheckResult, sites)
	b.ResetTimer()
	for n := range b.N {
		at := t0.Add(time.Duration(n) * time.Minute)
		for i, id := range ids {
			batch[i] = store.CheckResult{SiteID: id, Result: result(monitor.StatusUp, at)}
		}
		if _, err := s.RecordChecks(ctx, batch); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*sites), "µs/result")
}
