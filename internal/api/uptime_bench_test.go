package api_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/tocsin/tocsin/internal/api"
	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
	"github.com/tocsin/tocsin/internal/store/storetest"
)

// benchSites is how many sites the /uptime benchmark holds (TOCSIN_BENCH_SITES overrides it).
func benchSites() int {
	if n, err := strconv.Atoi(os.Getenv("TOCSIN_BENCH_SITES")); err == nil && n > 0 {
		return n
	}
	return 10000
}

// BenchmarkFleetUptime answers GET /uptime?window=30d for 10,000 sites with 30 days of hourly
// and daily rollups and about 5 outages per site per month (target: ≤ 200 ms).
func BenchmarkFleetUptime(b *testing.B) {
	for _, backend := range []string{"sqlite", "postgres"} {
		st, raw := storetest.OpenRaw(b, backend)
		now := time.Now().UTC()
		n := benchSites()
		storetest.BulkSites(b, st, 0, n, now.Add(-31*24*time.Hour))
		storetest.LoadRollups(b, raw, backend, 0, 31, now)
		h := benchHandler(st)
		b.Run(backend+"/store", func(b *testing.B) {
			for b.Loop() {
				if _, err := st.FleetUptime(context.Background(), 0, now.Add(-30*24*time.Hour), now); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(backend, func(b *testing.B) {
			for b.Loop() {
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, httptest.NewRequest("GET", "/uptime?window=30d", nil))
				if rec.Code != 200 || rec.Body.Len() < n*50 {
					b.Fatalf("GET /uptime: %d, %d bytes", rec.Code, rec.Body.Len())
				}
			}
		})
	}
}

// BenchmarkSiteUptime90d answers GET /sites/{id}/uptime (24h, 7d, 30d and 90d) for a site with
// 90 days of history: an outage every 6 days, pauses, and latency changes (target: ≤ 10 ms).
func BenchmarkSiteUptime90d(b *testing.B) {
	for _, backend := range []string{"sqlite", "postgres"} {
		st, _ := storetest.OpenRaw(b, backend)
		now := time.Now().UTC()
		start := now.Add(-91 * 24 * time.Hour)
		id := storetest.BulkSites(b, st, 0, 1, start)[0]
		if _, err := st.UpdateSite(context.Background(), monitor.Site{ID: id, OwnerID: 0, Name: "s", URL: "http://127.0.0.1:1/",
			CheckIntervalSeconds: 3600, TimeoutSeconds: 10, ExpectedStatusCode: 200, FailureThreshold: 1, NextCheckAt: start}, false); err != nil {
			b.Fatal(err)
		}
		// An hourly check, down for two hours every six days.
		var results []store.CheckResult
		for t := start; t.Before(now); t = t.Add(time.Hour) {
			status := monitor.StatusUp
			if int(t.Sub(start).Hours())%144 < 2 {
				status = monitor.StatusDown
			}
			results = append(results, store.CheckResult{SiteID: id, Result: monitor.Result{CheckedAt: t, Status: status, StatusCode: 200}})
		}
		for i := 0; i < len(results); i += 500 {
			if _, err := st.RecordChecks(context.Background(), results[i:min(i+500, len(results))]); err != nil {
				b.Fatal(err)
			}
		}
		h := benchHandler(st)
		path := fmt.Sprintf("/sites/%d/uptime", id)
		b.Run(backend, func(b *testing.B) {
			for b.Loop() {
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
				if rec.Code != 200 {
					b.Fatalf("GET %s: %d %s", path, rec.Code, rec.Body)
				}
			}
		})
	}
}

func benchHandler(st store.Store) http.Handler {
	deps := api.Deps{Store: st, Now: time.Now, Log: quiet(), Version: "bench", Limits: monitor.Limits{MinIntervalSeconds: 10}}
	deps.Auth.Off = true
	return api.New(deps)
}
