package scheduler

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
	"github.com/tocsin/tocsin/internal/store/storetest"
)

// lagStore notes, for every claimed site, how late its claim came after its due time.
type lagStore struct {
	store.Store
	mu        sync.Mutex
	measureAt time.Time
	lags      []time.Duration
}

func (l *lagStore) ClaimDueSites(ctx context.Context, c store.Claim) ([]monitor.Site, error) {
	sites, err := l.Store.ClaimDueSites(ctx, c)
	now := time.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.After(l.measureAt) {
		for _, s := range sites {
			// The claim moved next_check_at one interval on from the due time it served.
			l.lags = append(l.lags, now.Sub(s.NextCheckAt.Add(-s.Interval())))
		}
	}
	return sites, err
}

// BenchmarkScheduleTenThousandSites runs the real scheduler, store and HTTP probe for 10,000
// sites at a 10 s interval against a loopback target, and reports how late checks start
// after their due time. It takes about a minute per run:
//
//	go test -run '^$' -bench ScheduleTenThousand -benchtime 1x ./internal/scheduler/
//	TOCSIN_BENCH_STORE=postgres TOCSIN_TEST_DATABASE_URL=postgres://… go test -run '^$' -bench ScheduleTenThousand -benchtime 1x ./internal/scheduler/
func BenchmarkScheduleTenThousandSites(b *testing.B) {
	const sites, interval, warmup, measured = 10000, 10, 25 * time.Second, 30 * time.Second
	for range b.N {
		var st store.Store = storetest.OpenSQLite(b)
		if os.Getenv("TOCSIN_BENCH_STORE") == "postgres" {
			st = storetest.OpenPostgres(b)
		}
		target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
		now := time.Now().UTC()
		for i := range sites {
			_, err := st.CreateSite(context.Background(), monitor.Site{Name: "s", URL: fmt.Sprintf("%s/%d", target.URL, i),
				CheckIntervalSeconds: interval, TimeoutSeconds: 5, ExpectedStatusCode: 200, FailureThreshold: 1,
				NextCheckAt: now.Add(15*time.Second + time.Duration(i)*time.Millisecond), CreatedAt: now})
			if err != nil {
				b.Fatal(err)
			}
		}
		lag := &lagStore{Store: st, measureAt: time.Now().Add(warmup)}
		ctx, cancel := context.WithTimeout(context.Background(), warmup+measured)
		New(lag, httpProbe(), time.Now, quiet(), Config{}).Run(ctx)
		cancel()
		target.Close()

		slices.Sort(lag.lags)
		if len(lag.lags) == 0 {
			b.Fatal("no checks measured")
		}
		at := func(q float64) float64 {
			return float64(lag.lags[int(float64(len(lag.lags)-1)*q)].Microseconds()) / 1000
		}
		b.ReportMetric(float64(len(lag.lags))/measured.Seconds(), "checks/s")
		b.ReportMetric(at(0.5), "p50-lag-ms")
		b.ReportMetric(at(0.99), "p99-lag-ms")
		b.ReportMetric(at(1), "max-lag-ms")
	}
}
