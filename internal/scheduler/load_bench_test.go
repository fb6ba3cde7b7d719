package scheduler

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
	"github.com/tocsin/tocsin/internal/store/storetest"
)

// arrivals notes when each site's requests reached the target: lateness is measured there,
// where a visitor would see it, not where the scheduler claims.
type arrivals struct {
	mu    sync.Mutex
	times [][]time.Time // by site number, from the URL path
}

func (a *arrivals) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	at := time.Now()
	i, err := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/"))
	if err != nil || i < 0 || i >= len(a.times) {
		return
	}
	a.mu.Lock()
	a.times[i] = append(a.times[i], at)
	a.mu.Unlock()
}

// gapStats sums up, over the window [from, to), the gaps between consecutive requests for a
// site minus its interval: the lateness a target sees. A gap over 1.5 intervals is a missed
// check, one under half an interval a doubled one.
type gapStats struct {
	requests, missed, doubled int
	late                      []time.Duration
}

func measureGaps(times [][]time.Time, interval time.Duration, from, to time.Time) gapStats {
	var g gapStats
	for _, ts := range times {
		for i, t := range ts {
			if t.Before(from) || !t.Before(to) {
				continue
			}
			g.requests++
			if i == 0 {
				continue
			}
			gap := t.Sub(ts[i-1])
			switch {
			case gap > interval*3/2:
				g.missed++
			case gap < interval/2:
				g.doubled++
			}
			g.late = append(g.late, gap-interval)
		}
	}
	slices.Sort(g.late)
	return g
}

// at is the q-quantile of the lateness, in milliseconds.
func (g gapStats) at(q float64) float64 {
	if len(g.late) == 0 {
		return 0
	}
	return float64(g.late[int(float64(len(g.late)-1)*q)].Microseconds()) / 1000
}

// BenchmarkScheduleTenThousandSites runs the real scheduler, store and HTTP probe for 10,000
// sites at a 10 s interval against a loopback target, and reports how late checks reach the
// target: the gap between consecutive requests for a site minus the interval, and the gaps
// missed (over 1.5 intervals) or doubled (under half). It takes about a minute per run:
//
//	go test -run '^$' -bench ScheduleTenThousand -benchtime 1x ./internal/scheduler/
//	TOCSIN_BENCH_STORE=postgres TOCSIN_TEST_DATABASE_URL=postgres://… go test -run '^$' -bench ScheduleTenThousand -benchtime 1x ./internal/scheduler/
func BenchmarkScheduleTenThousandSites(b *testing.B) {
	const sites, interval, warmup, measured = 10000, 10 * time.Second, 25 * time.Second, 30 * time.Second
	for range b.N {
		var st store.Store = storetest.OpenSQLite(b)
		if os.Getenv("TOCSIN_BENCH_STORE") == "postgres" {
			st = storetest.OpenPostgres(b)
		}
		farm := &arrivals{times: make([][]time.Time, sites)}
		target := httptest.NewServer(farm)
		now := time.Now().UTC()
		for i := range sites {
			_, err := st.CreateSite(context.Background(), monitor.Site{Name: "s", URL: fmt.Sprintf("%s/%d", target.URL, i),
				CheckIntervalSeconds: int(interval / time.Second), TimeoutSeconds: 5, ExpectedStatusCode: 200, FailureThreshold: 1,
				NextCheckAt: now.Add(15*time.Second + time.Duration(i)*time.Millisecond), CreatedAt: now})
			if err != nil {
				b.Fatal(err)
			}
		}
		from := time.Now().Add(warmup)
		ctx, cancel := context.WithTimeout(context.Background(), warmup+measured)
		New(st, httpProbe(), time.Now, quiet(), Config{}).Run(ctx)
		cancel()
		target.Close()

		farm.mu.Lock()
		g := measureGaps(farm.times, interval, from, from.Add(measured))
		farm.mu.Unlock()
		if len(g.late) == 0 {
			b.Fatal("no checks measured")
		}
		b.ReportMetric(float64(g.requests)/measured.Seconds(), "checks/s")
		b.ReportMetric(g.at(0.5), "p50-late-ms")
		b.ReportMetric(g.at(0.99), "p99-late-ms")
		b.ReportMetric(g.at(1), "max-late-ms")
		b.ReportMetric(float64(g.missed), "missed")
		b.ReportMetric(float64(g.doubled), "doubled")
	}
}
