package retention_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/retention"
	"github.com/tocsin/tocsin/internal/store"
	"github.com/tocsin/tocsin/internal/store/storetest"
)

// A retention of minutes: a round deletes the checks older than that, in batches smaller
// than them, merges yesterday into a day, and the figures and rollups of that time stay.
func TestRoundPrunesInBatchesAndKeepsTheFigures(t *testing.T) {
	for _, b := range storetest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			st := b.Open(t)
			now := time.Date(2026, 3, 2, 0, 30, 0, 0, time.UTC)
			start := now.Add(-time.Hour) // yesterday, 23:30
			id := storetest.BulkSites(t, st, 1, 1, start)[0]
			var results []store.CheckResult
			for i := range 60 {
				r := monitor.Result{CheckedAt: start.Add(time.Duration(i) * time.Minute), Status: monitor.StatusUp, StatusCode: 200, ResponseTime: 30 * time.Millisecond}
				if i >= 10 && i < 20 {
					r.Status, r.Error = monitor.StatusDown, "connection refused"
				}
				results = append(results, store.CheckResult{SiteID: id, Result: r})
			}
			if _, err := st.RecordChecks(ctx, results); err != nil {
				t.Fatal(err)
			}
			window := []monitor.Period{{From: start, To: now}}
			before, err := st.SiteUptime(ctx, 1, id, window)
			if err != nil {
				t.Fatal(err)
			}
			p := retention.New(st, func() time.Time { return now }, slog.New(slog.NewTextHandler(io.Discard, nil)),
				retention.Config{Checks: 5 * time.Minute, Batch: 7, Pause: time.Millisecond})
			if err := p.Round(ctx); err != nil {
				t.Fatal(err)
			}
			checks, _ := st.History(ctx, 1, id, store.HistoryQuery{Limit: 100})
			if len(checks) != 5 {
				t.Errorf("%d checks left, want the last 5 minutes' 5", len(checks))
			}
			after, err := st.SiteUptime(ctx, 1, id, window)
			if err != nil {
				t.Fatal(err)
			}
			if *after[0].Uptime != *before[0].Uptime || after[0].Incidents != 1 {
				t.Errorf("figures %+v after pruning, %+v before", after[0], before[0])
			}
			days, err := st.Stats(ctx, 1, id, store.StatsQuery{From: start.Add(-24 * time.Hour), To: now, Step: store.StepDay})
			if err != nil {
				t.Fatal(err)
			}
			if len(days) != 2 || days[0].Checks != 30 || days[0].Failures != 10 || days[1].Checks != 30 {
				t.Errorf("days %+v, want yesterday's 30 checks (10 failed) and today's 30", days)
			}
		})
	}
}

// A retention of 0 keeps everything.
func TestZeroKeepsForever(t *testing.T) {
	ctx := context.Background()
	st := storetest.OpenSQLite(t)
	now := time.Date(2026, 3, 2, 0, 30, 0, 0, time.UTC)
	id := storetest.BulkSites(t, st, 1, 1, now)[0]
	old := monitor.Result{CheckedAt: now.Add(-10000 * time.Hour), Status: monitor.StatusUp}
	if _, err := st.RecordChecks(ctx, []store.CheckResult{{SiteID: id, Result: old}}); err != nil {
		t.Fatal(err)
	}
	p := retention.New(st, func() time.Time { return now }, slog.New(slog.NewTextHandler(io.Discard, nil)), retention.Config{})
	if err := p.Round(ctx); err != nil {
		t.Fatal(err)
	}
	if checks, _ := st.History(ctx, 1, id, store.HistoryQuery{Limit: 10}); len(checks) != 1 {
		t.Errorf("%d checks left with retention 0", len(checks))
	}
}
