package web

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/statuspage"
	"github.com/tocsin/tocsin/internal/store"
	"github.com/tocsin/tocsin/internal/store/storetest"
)

// BenchmarkStatusPageWithOneHundredSites serves /status/{slug} for a page of 100 sites, each
// with 90 days of history (an outage every three days: some 60 events per site), whole requests
// through the handler, on a real store (PostgreSQL too when TOCSIN_TEST_DATABASE_URL is set).
// "cached" is a request the cache answers; "uncached" drops the page first, so each request
// reads the page, its sites and their events and renders the HTML:
//
//	go test -run '^$' -bench StatusPage ./internal/web/
func BenchmarkStatusPageWithOneHundredSites(b *testing.B) {
	for _, backend := range storetest.Backends() {
		b.Run(backend.Name, func(b *testing.B) {
			st := backend.Open(b)
			clock := func() time.Time { return now }
			pages := statuspage.New(st, statuspage.EventUptime{Events: st}, clock, 0)
			h := New(Deps{Store: st, API: apiStandIn(), Now: clock, Log: quietLog(), AuthOff: true, Version: "bench",
				Public: Public{Pages: pages, Uptime: statuspage.EventUptime{Events: st}, Badges: st}})
			addStatusPage(b, st, 100)
			serve := func(b *testing.B) {
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/status/bench", nil))
				if rec.Code != http.StatusOK || rec.Body.Len() < 100*90*50 {
					b.Fatalf("%d, %d bytes", rec.Code, rec.Body.Len())
				}
			}
			b.Run("cached", func(b *testing.B) {
				serve(b)
				cpu := processCPU()
				for b.Loop() {
					serve(b)
				}
				reportStatusCPU(b, cpu)
			})
			b.Run("uncached", func(b *testing.B) {
				cpu := processCPU()
				for b.Loop() {
					pages.Forget("bench")
					serve(b)
				}
				reportStatusCPU(b, cpu)
			})
		})
	}
}

// processCPU is the CPU time this process has used (the database's too, for SQLite, which runs
// in it). On a shared machine the wall time per request depends on the other loads; the CPU
// time per request much less, so the benchmark reports both.
func reportStatusCPU(b *testing.B, since time.Duration) {
	b.ReportMetric(float64(processCPU()-since)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
}

// addStatusPage adds n sites with 90 days of outages and a page of them in two sections.
func addStatusPage(b *testing.B, st store.Store, n int) {
	ctx := context.Background()
	var ids []int64
	for i := range n {
		site, err := st.CreateSite(ctx, monitor.Site{OwnerID: 0, Name: fmt.Sprintf("site-%03d", i), URL: "http://127.0.0.1:1/",
			CheckIntervalSeconds: 60, TimeoutSeconds: 5, ExpectedStatusCode: 200, FailureThreshold: 1,
			NextCheckAt: now.Add(time.Hour), CreatedAt: now.AddDate(0, 0, -91)})
		if err != nil {
			b.Fatal(err)
		}
		ids = append(ids, site.ID)
	}
	start := now.AddDate(0, 0, -91)
	for d := 0; d < 91; d += 3 {
		for _, status := range []monitor.Status{monitor.StatusUp, monitor.StatusDown} {
			var batch []store.CheckResult
			for i, id := range ids {
				at := start.AddDate(0, 0, d).Add(time.Duration(i) * time.Minute)
				if status == monitor.StatusDown {
					at = at.Add(12 * time.Hour)
				}
				r := monitor.Result{CheckedAt: at, Status: status, StatusCode: 200, ResponseTime: 40 * time.Millisecond}
				if status == monitor.StatusDown {
					r.StatusCode, r.Error = 503, "expected status 200, got 503"
				}
				batch = append(batch, store.CheckResult{SiteID: id, Result: r})
			}
			if _, err := st.RecordChecks(ctx, batch); err != nil {
				b.Fatal(err)
			}
		}
	}
	half := n / 2
	_, err := st.CreateStatusPage(ctx, monitor.StatusPage{Slug: "bench", Title: "Bench", CreatedAt: now, UpdatedAt: now,
		Sections: []monitor.StatusSection{{Title: "One", SiteIDs: ids[:half]}, {Title: "Two", SiteIDs: ids[half:]}}})
	if err != nil {
		b.Fatal(err)
	}
}
