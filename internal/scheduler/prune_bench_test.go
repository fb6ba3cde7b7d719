package scheduler

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/tocsin/tocsin/internal/benchfarm"
	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/retention"
	"github.com/tocsin/tocsin/internal/store"
	"github.com/tocsin/tocsin/internal/store/storetest"
)

// BenchmarkScheduleWhilePruning runs the real scheduler for 1,000 sites at a 60 s interval on a
// store holding 30 days of their checks, once alone and once while the pruner deletes the
// checks older than 168 h, and reports for each the lateness at the target (the gap between a
// site's consecutive requests minus the interval, as BenchmarkScheduleTenThousandSites) and
// missed or doubled intervals. The issue asks for a check every 60 s (43 M rows);
// TOCSIN_BENCH_CHECK_EVERY sets the spacing of the loaded checks (default 30m: 1.44 M rows,
// which a shared machine loads in a minute). It takes about four minutes plus the loading:
//
//	go test -run '^$' -bench ScheduleWhilePruning -benchtime 1x ./internal/scheduler/
//	TOCSIN_BENCH_STORE=postgres TOCSIN_BENCH_CHECK_EVERY=60s go test -run '^$' -bench ScheduleWhilePruning -benchtime 1x -timeout 2h ./internal/scheduler/
func BenchmarkScheduleWhilePruning(b *testing.B) {
	const sites, interval, measured = 1000, 60 * time.Second, 60 * time.Second
	every := 30 * time.Minute
	if d, err := time.ParseDuration(os.Getenv("TOCSIN_BENCH_CHECK_EVERY")); err == nil && d > 0 {
		every = d
	}
	backend := "sqlite"
	if os.Getenv("TOCSIN_BENCH_STORE") == "postgres" {
		backend = "postgres"
	}
	for range b.N {
		st, raw := storetest.OpenRaw(b, backend)
		farm, err := benchfarm.Start(sites)
		if err != nil {
			b.Fatal(err)
		}
		now := time.Now().UTC()
		batch := make([]monitor.Site, sites)
		for i := range batch {
			batch[i] = monitor.Site{Name: "s" + strconv.Itoa(i), URL: farm.URL(i),
				CheckIntervalSeconds: int(interval / time.Second), TimeoutSeconds: 5, ExpectedStatusCode: 200, FailureThreshold: 1,
				NextCheckAt: now.Add(5*time.Second + time.Duration(i)*interval/sites), CreatedAt: now}
		}
		if _, err := st.CreateSites(context.Background(), batch); err != nil {
			b.Fatal(err)
		}
		loadStart := time.Now()
		rows := storetest.LoadChecks(b, raw, backend, 0, now.Add(-30*24*time.Hour), now, every)
		b.Logf("%s: loaded %d checks in %v", backend, rows, time.Since(loadStart).Round(time.Second))

		// The first phase waits until every site has been requested once, so each request
		// measured has one before it; the second goes on from the first's schedule.
		for _, phase := range []struct {
			name   string
			warmup time.Duration
		}{{"alone", interval + 10*time.Second}, {"pruning", 15 * time.Second}} {
			from := time.Now().Add(phase.warmup)
			ctx, cancel := context.WithTimeout(context.Background(), phase.warmup+measured)
			counting := &countingPruneStore{Store: st}
			done := make(chan struct{})
			go func() {
				defer close(done)
				if phase.name == "pruning" {
					retention.New(counting, time.Now, quiet(), retention.Config{Checks: 168 * time.Hour}).Run(ctx)
				}
			}()
			New(st, httpProbe(), time.Now, quiet(), Config{}).Run(ctx)
			cancel()
			<-done
			report(b, phase.name, farm.Gaps(interval, from, from.Add(measured)), measured, counting.deleted)
		}
		farm.Close()
	}
}

func report(b *testing.B, phase string, g benchfarm.Gaps, measured time.Duration, pruned int64) {
	if len(g.Late) == 0 {
		b.Fatalf("%s: no checks measured", phase)
	}
	b.ReportMetric(float64(g.Requests)/measured.Seconds(), phase+"-checks/s")
	b.ReportMetric(benchfarm.Ms(g.At(0.5)), phase+"-p50-late-ms")
	b.ReportMetric(benchfarm.Ms(g.At(0.99)), phase+"-p99-late-ms")
	b.ReportMetric(benchfarm.Ms(g.At(1)), phase+"-max-late-ms")
	b.ReportMetric(float64(g.Missed), phase+"-missed")
	b.ReportMetric(float64(g.Doubled), phase+"-doubled")
	if phase == "pruning" {
		b.ReportMetric(float64(pruned), "checks-pruned")
	}
}

// countingPruneStore counts the checks the pruner deletes.
type countingPruneStore struct {
	store.Store
	deleted int64
}

func (c *countingPruneStore) Prune(ctx context.Context, table store.PrunedTable, before time.Time, limit int) (int64, error) {
	n, err := c.Store.Prune(ctx, table, before, limit)
	if table == store.PruneChecks {
		c.deleted += n
	}
	return n, err
}
