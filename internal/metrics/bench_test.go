package metrics

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
	"github.com/tocsin/tocsin/internal/store/storetest"
)

// BenchmarkScrape measures one scrape of /metrics against a store of TOCSIN_BENCH_SITES sites
// (100,000 unless set), every one checked (up, with a response time; https ones with a
// certificate expiry): the database read, the series built and the text written.
//
//	go test ./internal/metrics -run '^$' -bench Scrape -benchtime 10x
func BenchmarkScrape(b *testing.B) {
	n := 100000
	if v, err := strconv.Atoi(os.Getenv("TOCSIN_BENCH_SITES")); err == nil {
		n = v
	}
	for _, backend := range storetest.Backends() {
		b.Run(fmt.Sprintf("%s/%d-sites", backend.Name, n), func(b *testing.B) {
			st := backend.Open(b)
			addCheckedSites(b, st, n)
			h := New(st, time.Now, "bench", quiet()).Handler()
			var size int
			for b.Loop() {
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
				size = rec.Body.Len()
			}
			b.ReportMetric(float64(size)/(1<<20), "MiB/scrape")
			b.ReportMetric(float64(gzippedSize(h))/(1<<20), "MiB-gzip/scrape") // what Prometheus asks for
		})
	}
}

func gzippedSize(h http.Handler) int {
	req := httptest.NewRequest("GET", "/metrics", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Body.Len()
}

func addCheckedSites(b *testing.B, st store.Store, n int) {
	ctx := context.Background()
	expiry := t0.Add(60 * 24 * time.Hour)
	for start := 0; start < n; start += 10000 {
		batch := make([]monitor.Site, min(10000, n-start))
		for i := range batch {
			batch[i] = site(1, fmt.Sprintf("site-%06d", start+i), monitor.KindHTTP, false)
		}
		created, err := st.CreateSites(ctx, batch)
		if err != nil {
			b.Fatal(err)
		}
		for from := 0; from < len(created); from += 1000 {
			var results []store.CheckResult
			for _, s := range created[from:min(from+1000, len(created))] {
				results = append(results, store.CheckResult{SiteID: s.ID, Result: monitor.Result{CheckedAt: t0, Status: monitor.StatusUp,
					StatusCode: 200, ResponseTime: 120 * time.Millisecond, CertExpiresAt: &expiry}})
			}
			if _, err := st.RecordChecks(ctx, results); err != nil {
				b.Fatal(err)
			}
		}
	}
}
