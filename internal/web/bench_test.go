package web

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"testing"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
	"github.com/tocsin/tocsin/internal/store/storetest"
)

// BenchmarkPagesWithTenThousandSites renders the overview's first page and a site page, whole
// requests through the handler, with 10,000 sites in a real store (PostgreSQL too when
// TOCSIN_TEST_DATABASE_URL is set), then the store reads of the overview one by one. Filling
// the store takes a while; the timing does not include it. Besides the wall time each reports
// the CPU time of the process per page (cpu-ms/op), which a busy machine does not inflate:
//
//	go test -run '^$' -bench TenThousand -benchtime=20x ./internal/web/
func BenchmarkPagesWithTenThousandSites(b *testing.B) {
	for _, backend := range storetest.Backends() {
		b.Run(backend.Name, func(b *testing.B) {
			f := newFixture(b, backend.Open(b), true)
			siteID := addTenThousand(b, f.store)
			for _, page := range []struct{ name, path string }{
				{"overview", "/"},
				{"overview-search", "/?q=site-9&status=down"},
				{"site", fmt.Sprintf("/app/sites/%d", siteID)},
				{"site-30d", fmt.Sprintf("/app/sites/%d?window=30d", siteID)},
			} {
				b.Run(page.name, func(b *testing.B) {
					defer reportCPU(b)()
					for b.Loop() {
						req := httptest.NewRequest(http.MethodGet, page.path, nil)
						req.Header.Set("Accept", "text/html")
						rec := httptest.NewRecorder()
						f.handler.ServeHTTP(rec, req)
						if rec.Code != http.StatusOK {
							b.Fatalf("%s: %d", page.path, rec.Code)
						}
					}
				})
			}
			benchStoreReads(b, f.store)
		})
	}
}

// addTenThousand adds 10,000 sites, one in ten down, each with a check. The overview's first
// page (50 of the down sites) gets 24 hours of checks every 5 minutes, for its sparklines;
// the first site gets 24 hours of checks every minute (1,440, for the site page's chart) with
// a few status changes. It returns that site's id.
func addTenThousand(b *testing.B, st store.Store) int64 {
	ctx := context.Background()
	var ids []int64
	for i := range 10000 {
		s, err := st.CreateSite(ctx, monitor.Site{Name: fmt.Sprintf("site-%05d", i), URL: fmt.Sprintf("https://site-%05d.example/health", i),
			CheckIntervalSeconds: 60, TimeoutSeconds: 5, ExpectedStatusCode: 200, FailureThreshold: 1, Paused: i%50 == 0,
			NextCheckAt: now.Add(time.Hour), CreatedAt: now.Add(-48 * time.Hour)})
		if err != nil {
			b.Fatal(err)
		}
		ids = append(ids, s.ID)
	}
	var batch []store.CheckResult
	flush := func() {
		record(b, st, batch)
		batch = nil
	}
	add := func(r store.CheckResult) {
		batch = append(batch, r)
		if len(batch) == 500 {
			flush()
		}
	}
	firstPage := 0
	for i, id := range ids {
		if i%10 == 3 && firstPage < sitesPerPage {
			firstPage++
			for k := range 288 {
				status := up
				if k%100 == 99 {
					status = down
				}
				add(store.CheckResult{SiteID: id, Result: check(status, now.Add(-24*time.Hour+time.Duration(k)*5*time.Minute))})
			}
		}
	}
	flush()
	for k := range 1440 {
		status := up
		if k%400 == 399 {
			status = down
		}
		add(store.CheckResult{SiteID: ids[0], Result: check(status, now.Add(-24*time.Hour+time.Duration(k)*time.Minute))})
	}
	flush()
	for i, id := range ids {
		status := up
		if i%10 == 3 {
			status = down
		}
		add(store.CheckResult{SiteID: id, Result: check(status, now.Add(-time.Minute))})
	}
	flush()
	return ids[0]
}

func record(b *testing.B, st store.Store, batch []store.CheckResult) {
	if len(batch) == 0 {
		return
	}
	if _, err := st.RecordChecks(context.Background(), batch); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkOverviewModel is the overview's own work, without the store: build and render one
// page of sites (the store counts, filters, orders and pages).
func BenchmarkOverviewModel(b *testing.B) {
	sites := make([]monitor.Site, sitesPerPage)
	for i := range sites {
		rt := int64(100 + i%50)
		changed := now.Add(-time.Duration(i) * time.Minute)
		sites[i] = monitor.Site{ID: int64(i + 1), Name: fmt.Sprintf("site-%05d", (i*7919)%10000), URL: "https://example.com/" + fmt.Sprint(i),
			Status: []monitor.Status{up, up, up, down, pending}[i%5], Paused: i%50 == 0, ResponseTimeMS: &rt, LastStatusChange: &changed}
	}
	f := &Handler{now: func() time.Time { return now }, log: quietLog(), assets: mustLoadAssets()}
	f.pages = mustParsePages(f.assets)
	for b.Loop() {
		p := f.overviewModel(store.SitesDigest{Sites: 10000, Up: 5000, Down: 2000, Pending: 2000, Paused: 1000}, sites, 10000, overviewQuery{Page: 1})
		if err := f.pages.execute(io.Discard, "overview", p); err != nil {
			b.Fatal(err)
		}
	}
}

// benchStoreReads times the store reads the overview's first page makes, one by one, to tell
// where a slow page spends its time.
func benchStoreReads(b *testing.B, st store.Store) {
	ctx := context.Background()
	page, _, err := st.SitePage(ctx, 0, store.SitePageQuery{Limit: sitesPerPage})
	if err != nil {
		b.Fatal(err)
	}
	ids := make([]int64, len(page))
	for i, s := range page {
		ids[i] = s.ID
	}
	for _, read := range []struct {
		name string
		do   func() error
	}{
		{"digest", func() error { _, err := st.SitesDigest(ctx, 0); return err }},
		{"page", func() error { _, _, err := st.SitePage(ctx, 0, store.SitePageQuery{Limit: sitesPerPage}); return err }},
		{"overview", func() error { _, err := st.Overview(ctx, 0, ids, now); return err }},
	} {
		b.Run("store-"+read.name, func(b *testing.B) {
			defer reportCPU(b)()
			for b.Loop() {
				if err := read.do(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// reportCPU adds the CPU time this process spent per operation (every thread: the handler,
// SQLite, which runs in the process, and the collector) to the benchmark's wall time: on a
// shared, loaded machine the wall time also counts the time spent waiting for a core.
// PostgreSQL's own work runs in another process and is not counted. Use: defer reportCPU(b)().
func reportCPU(b *testing.B) func() {
	runtime.GC() // the garbage of filling the store is not the page's
	start := processCPU()
	return func() {
		if used := processCPU() - start; used > 0 && b.N > 0 {
			b.ReportMetric(float64(used.Microseconds())/1000/float64(b.N), "cpu-ms/op")
		}
	}
}
