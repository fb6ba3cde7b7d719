package scheduler

import (
	"context"
	"os"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/tocsin/tocsin/internal/benchfarm"
	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
	"github.com/tocsin/tocsin/internal/store/storetest"
)

// BenchmarkScheduleTenThousandSites runs the real scheduler, store and HTTP probe for 10,000
// sites at a 10 s interval against a loopback target, and reports how late checks reach the
// target: the gap between consecutive requests for a site minus the interval, and the gaps
// missed (over 1.5 intervals) or doubled (under half). It takes about a minute per run:
//
//	go test -run '^$' -bench ScheduleTenThousand -benchtime 1x ./internal/scheduler/
//	TOCSIN_BENCH_STORE=postgres TOCSIN_TEST_DATABASE_URL=postgres://… go test -run '^$' -bench ScheduleTenThousand -benchtime 1x ./internal/scheduler/
//
// TOCSIN_BENCH_SITES sets another number of sites, for a machine that cannot check 1,000 a second.
func BenchmarkScheduleTenThousandSites(b *testing.B) {
	const interval, warmup, measured = 10 * time.Second, 25 * time.Second, 30 * time.Second
	sites := 10000
	if n, err := strconv.Atoi(os.Getenv("TOCSIN_BENCH_SITES")); err == nil && n > 0 {
		sites = n
	}
	for range b.N {
		var st store.Store = storetest.OpenSQLite(b)
		if os.Getenv("TOCSIN_BENCH_STORE") == "postgres" {
			st = storetest.OpenPostgres(b)
		}
		farm, err := benchfarm.Start(sites)
		if err != nil {
			b.Fatal(err)
		}
		// Added in batches, so the first is due well after the last is added.
		now := time.Now().UTC()
		batch := make([]monitor.Site, 0, 1000)
		for i := range sites {
			batch = append(batch, monitor.Site{Name: "s", URL: farm.URL(i),
				CheckIntervalSeconds: int(interval / time.Second), TimeoutSeconds: 5, ExpectedStatusCode: 200, FailureThreshold: 1,
				NextCheckAt: now.Add(15*time.Second + time.Duration(i)*interval/time.Duration(sites)), CreatedAt: now})
			if len(batch) == cap(batch) || i == sites-1 {
				if _, err := st.CreateSites(context.Background(), batch); err != nil {
					b.Fatal(err)
				}
				batch = batch[:0]
			}
		}
		from := time.Now().Add(warmup)
		ctx, cancel := context.WithTimeout(context.Background(), warmup+measured)
		cpu := make(chan time.Duration, 1)
		go func() { // this process's CPU over the window: the scheduler's, the store's and the target's
			time.Sleep(time.Until(from))
			start := processCPU()
			time.Sleep(measured)
			cpu <- processCPU() - start
		}()
		New(st, httpProbe(), time.Now, quiet(), Config{}).Run(ctx)
		cancel()
		farm.Close()

		g := farm.Gaps(interval, from, from.Add(measured))
		if len(g.Late) == 0 {
			b.Fatal("no checks measured")
		}
		b.ReportMetric(float64(g.Requests)/measured.Seconds(), "checks/s")
		b.ReportMetric(benchfarm.Ms(g.At(0.5)), "p50-late-ms")
		b.ReportMetric(benchfarm.Ms(g.At(0.99)), "p99-late-ms")
		b.ReportMetric(benchfarm.Ms(g.At(1)), "max-late-ms")
		b.ReportMetric(float64(g.Missed), "missed")
		b.ReportMetric(float64(g.Doubled), "doubled")
		b.ReportMetric(float64((<-cpu).Microseconds())/float64(g.Requests), "cpu-µs/check")
	}
}

// processCPU is the user and system CPU this process has used.
func processCPU() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
