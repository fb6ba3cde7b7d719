package storetest

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
)

// recordRun records one check a second from `from` on, up where pattern holds 'u', down for
// 'd', in batches of 7 so that batches cut the run anywhere.
func recordRun(t *testing.T, s store.Store, siteID int64, from time.Time, pattern string) {
	t.Helper()
	var batch []store.CheckResult
	for i, c := range pattern {
		st := monitor.StatusUp
		if c == 'd' {
			st = monitor.StatusDown
		}
		batch = append(batch, store.CheckResult{SiteID: siteID, Result: result(st, from.Add(time.Duration(i)*time.Second))})
		if len(batch) == 7 || i == len(pattern)-1 {
			mustRecord(t, s, batch...)
			batch = nil
		}
	}
}

func repeat(c string, n int) string {
	out := ""
	for range n {
		out += c
	}
	return out
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

// upDownUp is a site up 40 s, down 20 s, up 20 s at a 1 s interval, with failure_threshold 3:
// its down event is dated back to its first failed check.
func upDownUp(t *testing.T, s store.Store, owner int64) monitor.Site {
	site := newSite(owner, "udu", 1, t0)
	site.FailureThreshold = 3
	site = mustCreate(t, s, site)
	recordRun(t, s, site.ID, t0, repeat("u", 40)+repeat("d", 20)+repeat("u", 20))
	return site
}

func testUptimeFromEventsAndLedger(t *testing.T, s store.Store) {
	ctx := context.Background()
	site := upDownUp(t, s, 1)
	end := t0.Add(80 * time.Second)

	events, err := s.Events(ctx, 1, site.ID, store.HistoryQuery{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	var downAt time.Time
	for _, e := range events {
		if e.To == monitor.StatusState(monitor.StatusDown) {
			downAt = e.At
		}
	}
	if !downAt.Equal(t0.Add(40 * time.Second)) {
		t.Errorf("down event at %v, want the first failed check %v", downAt, t0.Add(40*time.Second))
	}

	figs, err := s.SiteUptime(ctx, 1, site.ID, []monitor.Period{{From: t0, To: end}})
	if err != nil {
		t.Fatal(err)
	}
	f := figs[0]
	if f.Uptime == nil || !near(*f.Uptime, 0.75) || f.Up != 60*time.Second || f.Down != 20*time.Second || f.Incidents != 1 || f.MTTR != 20*time.Second {
		t.Errorf("site uptime %+v, want 0.75: 60 s up, 20 s down, one incident of 20 s", f)
	}

	fleet, err := s.FleetUptime(ctx, 1, t0, end)
	if err != nil {
		t.Fatal(err)
	}
	if len(fleet) != 1 || fleet[0].SiteID != site.ID {
		t.Fatalf("fleet %+v, want the one site", fleet)
	}
	if g := fleet[0]; g.Uptime == nil || !near(*g.Uptime, 0.75) || g.Up != 60*time.Second || g.Down != 20*time.Second || g.Incidents != 1 || g.Resolved != 1 {
		t.Errorf("fleet figures %+v, want the site's: 60 s up, 20 s down, one incident", g)
	}
	if other, _ := s.FleetUptime(ctx, 2, t0, end); len(other) != 0 {
		t.Errorf("another owner sees %d sites", len(other))
	}

	incidents, err := s.Incidents(ctx, 1, site.ID, store.HistoryQuery{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(incidents) != 1 {
		t.Fatalf("%d incidents, want 1", len(incidents))
	}
	inc := incidents[0]
	if !inc.StartedAt.Equal(t0.Add(40*time.Second)) || inc.EndedAt == nil || !inc.EndedAt.Equal(t0.Add(60*time.Second)) ||
		inc.FailedChecks != 20 || inc.StatusCode != 503 || inc.Error != "expected status 200, got 503" {
		t.Errorf("incident %+v, want 40 s → 60 s, 20 failed checks, the first one's error", inc)
	}
	if _, err := s.Incidents(ctx, 2, site.ID, store.HistoryQuery{Limit: 10}); err != store.ErrNotFound {
		t.Errorf("another owner's incidents: %v, want not found", err)
	}

	stats, err := s.Stats(ctx, 1, site.ID, store.StatsQuery{From: t0.Add(-time.Hour), To: end, Step: store.StepHour})
	if err != nil {
		t.Fatal(err)
	}
	var checks, failures int64
	for _, p := range stats {
		checks += p.Checks
		failures += p.Failures
	}
	if len(stats) != 1 || checks != 80 || failures != 20 || !stats[0].At.Equal(t0) || stats[0].Hist.Count() != 60 {
		t.Errorf("hourly stats %+v: %d checks, %d failures, want one hour at %v with 80 and 20", stats, checks, failures, t0)
	}
	days, err := s.Stats(ctx, 1, site.ID, store.StatsQuery{From: t0.Add(-24 * time.Hour), To: end, Step: store.StepDay})
	if err != nil {
		t.Fatal(err)
	}
	if len(days) != 1 || days[0].Checks != 80 || !days[0].At.Equal(t0.Truncate(24*time.Hour)) {
		t.Errorf("daily stats %+v, want one day of 80 checks", days)
	}

	overview, err := s.Overview(ctx, 1, []int64{site.ID}, end)
	if err != nil {
		t.Fatal(err)
	}
	if o := overview[site.ID]; o.Day.Uptime == nil || !near(*o.Day.Uptime, 0.75) || len(o.Hours) != 1 || o.Hours[0].Checks != 80 {
		t.Errorf("overview %+v, want 0.75 over the day and one hourly point", o)
	}
}

func testPausesAndGapsAreExcluded(t *testing.T, s store.Store) {
	ctx := context.Background()
	site := mustCreate(t, s, newSite(1, "paused", 1, t0))
	recordRun(t, s, site.ID, t0, repeat("u", 10)) // up [0, 10)
	if err := s.RecordMonitoring(ctx, 1, monitor.PauseEvent(site.ID, t0.Add(10*time.Second), true)); err != nil {
		t.Fatal(err)
	}
	if err := s.RecordMonitoring(ctx, 2, monitor.PauseEvent(site.ID, t0.Add(10*time.Second), true)); err != store.ErrNotFound {
		t.Errorf("another owner's site: %v, want not found", err)
	}
	if err := s.RecordMonitoring(ctx, 1, monitor.PauseEvent(site.ID, t0.Add(30*time.Second), false)); err != nil {
		t.Fatal(err)
	}
	recordRun(t, s, site.ID, t0.Add(30*time.Second), repeat("u", 10)) // up [30, 40)
	// Tocsin stops for a minute: the last check stands for one interval, then a gap.
	recordRun(t, s, site.ID, t0.Add(100*time.Second), repeat("u", 10)) // gap [40, 100), up [100, 110)
	end := t0.Add(110 * time.Second)
	figs, err := s.SiteUptime(ctx, 1, site.ID, []monitor.Period{{From: t0, To: end}})
	if err != nil {
		t.Fatal(err)
	}
	if f := figs[0]; f.Up != 30*time.Second || f.Down != 0 || f.Excluded != 80*time.Second {
		t.Errorf("site figures %+v, want 30 s up and 80 s excluded (paused 20 s, not watched 60 s)", f)
	}
	fleet, err := s.FleetUptime(ctx, 1, t0, end)
	if err != nil {
		t.Fatal(err)
	}
	if f := fleet[0]; f.Up != 30*time.Second || f.Down != 0 || f.Excluded != 80*time.Second {
		t.Errorf("fleet figures %+v, want 30 s up and 80 s excluded", f)
	}
}

func testRetentionKeepsFiguresAndRollups(t *testing.T, s store.Store) {
	ctx := context.Background()
	site := upDownUp(t, s, 1)
	end := t0.Add(80 * time.Second)
	before, err := s.SiteUptime(ctx, 1, site.ID, []monitor.Period{{From: t0, To: end}})
	if err != nil {
		t.Fatal(err)
	}
	for {
		n, err := s.Prune(ctx, store.PruneChecks, end, 25)
		if err != nil {
			t.Fatal(err)
		}
		if n > 25 {
			t.Fatalf("pruned %d rows at once, asked for at most 25", n)
		}
		if n == 0 {
			break
		}
	}
	if err := s.Reclaim(ctx); err != nil {
		t.Fatal(err)
	}
	if checks, _ := s.History(ctx, 1, site.ID, store.HistoryQuery{Limit: 100}); len(checks) != 0 {
		t.Errorf("%d checks left after pruning", len(checks))
	}
	after, err := s.SiteUptime(ctx, 1, site.ID, []monitor.Period{{From: t0, To: end}})
	if err != nil {
		t.Fatal(err)
	}
	if *after[0].Uptime != *before[0].Uptime || after[0].Incidents != 1 {
		t.Errorf("uptime %+v after pruning, was %+v", after[0], before[0])
	}
	if incidents, _ := s.Incidents(ctx, 1, site.ID, store.HistoryQuery{Limit: 10}); len(incidents) != 1 || incidents[0].FailedChecks != 20 {
		t.Errorf("incidents after pruning: %+v", incidents)
	}
	// Yesterday's hours merge into a day, and the hours may go; the day still answers.
	first, _, ok, err := s.RollupDays(ctx)
	if err != nil || !ok || first != store.DayOf(t0) {
		t.Fatalf("rollup days: first %d ok %v err %v, want %d", first, ok, err, store.DayOf(t0))
	}
	if _, done, err := s.MergeDay(ctx, store.DayOf(t0), 0, 1000); err != nil || !done {
		t.Fatalf("merge day: done %v, %v", done, err)
	}
	if n, err := s.Prune(ctx, store.PruneHours, t0.Add(48*time.Hour), 1000); err != nil || n != 1 {
		t.Fatalf("pruned %d hours (%v), want 1", n, err)
	}
	days, err := s.Stats(ctx, 1, site.ID, store.StatsQuery{From: t0.Add(-24 * time.Hour), To: t0.Add(24 * time.Hour), Step: store.StepDay})
	if err != nil {
		t.Fatal(err)
	}
	if len(days) != 1 || days[0].Checks != 80 || days[0].Failures != 20 {
		t.Errorf("daily stats after the hours went: %+v", days)
	}
	fleet, err := s.FleetUptime(ctx, 1, t0, end)
	if err != nil {
		t.Fatal(err)
	}
	if f := fleet[0]; f.Up != 60*time.Second || f.Down != 20*time.Second {
		t.Errorf("fleet figures after pruning %+v, want 60 s up and 20 s down", f)
	}
}

// A down event dated back across the hour (failure_threshold 3, the run beginning at 12:59)
// moves that time from up to down in the earlier hour's rollup too, written in an earlier batch.
func testBackdatingCrossesTheHour(t *testing.T, s store.Store) {
	ctx := context.Background()
	site := newSite(1, "late", 30, t0)
	site.FailureThreshold = 3
	site = mustCreate(t, s, site)
	up := func(at time.Time) store.CheckResult {
		return store.CheckResult{SiteID: site.ID, Result: result(monitor.StatusUp, at)}
	}
	down := func(at time.Time) store.CheckResult {
		return store.CheckResult{SiteID: site.ID, Result: result(monitor.StatusDown, at)}
	}
	var batch []store.CheckResult
	for at := t0; at.Before(t0.Add(59 * time.Minute)); at = at.Add(30 * time.Second) {
		batch = append(batch, up(at))
	}
	mustRecord(t, s, batch...)
	mustRecord(t, s, down(t0.Add(59*time.Minute)), down(t0.Add(59*time.Minute+30*time.Second)))
	mustRecord(t, s, down(t0.Add(60*time.Minute)), down(t0.Add(60*time.Minute+30*time.Second)), up(t0.Add(61*time.Minute)))
	stats, err := s.Stats(ctx, 1, site.ID, store.StatsQuery{From: t0.Add(-time.Hour), To: t0.Add(2 * time.Hour), Step: store.StepHour})
	if err != nil {
		t.Fatal(err)
	}
	if len(stats) != 2 {
		t.Fatalf("stats %+v, want two hours", stats)
	}
	// The first hour's first point has no earlier totals to count from; the second counts from
	// the first's, which must say the last minute of the hour was down.
	if second := stats[1]; second.Up != 0 || second.Down != 60*time.Second {
		t.Errorf("second hour up %v down %v, want the minute 13:00–13:01 down", second.Up, second.Down)
	}
	fleet, err := s.FleetUptime(ctx, 1, t0, t0.Add(61*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if f := fleet[0]; f.Up != 59*time.Minute || f.Down != 2*time.Minute {
		t.Errorf("fleet up %v down %v, want 59 min and 2 min", f.Up, f.Down)
	}
	figs, _ := s.SiteUptime(ctx, 1, site.ID, []monitor.Period{{From: t0, To: t0.Add(61 * time.Minute)}})
	if f := figs[0]; f.Up != 59*time.Minute || f.Down != 2*time.Minute {
		t.Errorf("site up %v down %v, want 59 min and 2 min", f.Up, f.Down)
	}
}
