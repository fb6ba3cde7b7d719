package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
)

// exclusionRun is one site's 40 minutes: checked every minute (interval 60 s, always up) but
// while paused or while Tocsin is stopped, with a maintenance window of its own, and the
// maintenance sweep run every minute Tocsin runs, before the minute's check. Minutes of -1
// never come. Left says what the events and the ledger must both leave out of uptime: the
// union of the pause, the window and the gap in monitoring, however they overlap.
type exclusionRun struct {
	name          string
	pause, resume int
	open, shut    int
	stop, restart int  // Tocsin stopped: no checks and no sweeps (a user may pause meanwhile)
	checkFirst    bool // at restart the first check comes before the first sweep
	left          [][2]int
}

// upWithin is the up time of [from, to) minutes: all of it but what is left out.
func (r exclusionRun) upWithin(from, to int) time.Duration {
	up := 0
	for m := from; m < to; m++ {
		out := false
		for _, p := range r.left {
			out = out || (m >= p[0] && m < p[1])
		}
		if !out {
			up++
		}
	}
	return time.Duration(up) * time.Minute
}

var exclusionRuns = []exclusionRun{
	{name: "paused first, resumed inside the window", pause: 10, resume: 20, open: 15, shut: 30, stop: -1, restart: -1, left: [][2]int{{10, 30}}},
	{name: "window first, closed while still paused", pause: 15, resume: 30, open: 10, shut: 20, stop: -1, restart: -1, left: [][2]int{{10, 30}}},
	{name: "window inside the pause", pause: 10, resume: 30, open: 15, shut: 20, stop: -1, restart: -1, left: [][2]int{{10, 30}}},
	{name: "pause inside the window", pause: 15, resume: 20, open: 10, shut: 30, stop: -1, restart: -1, left: [][2]int{{10, 30}}},
	{name: "window closed while Tocsin was stopped, checked first at restart", pause: -1, resume: -1, open: 10, shut: 20,
		stop: 15, restart: 30, checkFirst: true, left: [][2]int{{10, 30}}},
	{name: "window closed while Tocsin was stopped, swept first at restart", pause: -1, resume: -1, open: 10, shut: 20,
		stop: 15, restart: 30, left: [][2]int{{10, 30}}},
	{name: "window opened while Tocsin was stopped, swept first at restart", pause: -1, resume: -1, open: 20, shut: 35,
		stop: 15, restart: 30, left: [][2]int{{15, 35}}},
	{name: "window opened while Tocsin was stopped, checked first at restart", pause: -1, resume: -1, open: 20, shut: 35,
		stop: 15, restart: 30, checkFirst: true, left: [][2]int{{15, 35}}},
	{name: "checks stopped, paused and resumed meanwhile", pause: 20, resume: 25, open: -1, shut: -1,
		stop: 15, restart: 30, left: [][2]int{{15, 30}}},
	{name: "paused, Tocsin stopped, resumed after the restart", pause: 10, resume: 32, open: -1, shut: -1,
		stop: 15, restart: 30, left: [][2]int{{10, 32}}},
	{name: "window, pause, window closed while stopped, resumed after", pause: 10, resume: 35, open: 5, shut: 20,
		stop: 15, restart: 30, left: [][2]int{{5, 35}}},
}

// Uptime leaves out the union of a site's pauses, maintenance windows and gaps in monitoring,
// however they overlap, and the ledgers (/uptime, the dashboard) agree with the events
// (/sites/{id}/uptime, status pages) over the whole run, from inside it, and halfway through.
func testOverlappingExclusionsAreLeftOutOnce(t *testing.T, s store.Store) {
	ctx := context.Background()
	const mid, late, end = 25, 25, 40
	for i, r := range exclusionRuns {
		base := t0.Add(time.Duration(i) * time.Hour)
		at := func(m int) time.Time { return base.Add(time.Duration(m) * time.Minute) }
		site := mustCreate(t, s, newSite(1, r.name, 60, base))
		if r.open >= 0 {
			mustCreateMaintenance(t, s, monitor.Maintenance{OwnerID: 1, Title: "w", SiteIDs: []int64{site.ID}, Start: at(r.open), End: at(r.shut)})
		}
		fleet := func(now int) store.SiteFigures {
			t.Helper()
			figs, err := s.FleetUptime(ctx, 1, base, at(now))
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range figs {
				if f.SiteID == site.ID {
					return f
				}
			}
			t.Fatalf("%s: not in the fleet", r.name)
			return store.SiteFigures{}
		}
		pause := func(p bool, m int) {
			t.Helper()
			if err := s.RecordMonitoring(ctx, 1, monitor.PauseEvent(site.ID, at(m), p)); err != nil {
				t.Fatal(err)
			}
		}
		check := func(m int) {
			mustRecord(t, s, store.CheckResult{SiteID: site.ID, Result: result(monitor.StatusUp, at(m))})
		}
		var midFigures store.SiteFigures
		paused := false
		for m := range end {
			if m == mid {
				midFigures = fleet(mid)
			}
			switch m {
			case r.pause:
				pause(true, m)
				paused = true
			case r.resume:
				pause(false, m)
				paused = false
			}
			if r.stop >= 0 && m >= r.stop && m < r.restart {
				continue
			}
			if r.checkFirst && m == r.restart {
				check(m)
				mustSync(t, s, at(m))
				continue
			}
			mustSync(t, s, at(m))
			if !paused {
				check(m)
			}
		}
		if f := midFigures; f.Up != r.upWithin(0, mid) || f.Down != 0 || f.Excluded != mid*time.Minute-f.Up {
			t.Errorf("%s: ledger at %d min: up %v down %v excluded %v, want up %v", r.name, mid, f.Up, f.Down, f.Excluded, r.upWithin(0, mid))
		}
		ledger := fleet(end)
		if ledger.Up != r.upWithin(0, end) || ledger.Down != 0 || ledger.Excluded != end*time.Minute-ledger.Up {
			t.Errorf("%s: ledger: up %v down %v excluded %v, want up %v", r.name, ledger.Up, ledger.Down, ledger.Excluded, r.upWithin(0, end))
		}
		// Read apart: the later window reads only what was in force when it began.
		figs, err := s.SiteUptime(ctx, 1, site.ID, []monitor.Period{{From: at(0), To: at(end)}})
		if err != nil {
			t.Fatal(err)
		}
		lateFigs, err := s.SiteUptime(ctx, 1, site.ID, []monitor.Period{{From: at(late), To: at(end)}})
		if err != nil {
			t.Fatal(err)
		}
		figs = append(figs, lateFigs...)
		pageEvents, err := s.SitesEvents(ctx, []int64{site.ID}, at(late)) // what status pages read
		if err != nil {
			t.Fatal(err)
		}
		figs = append(figs, monitor.NewHistory(pageEvents, nil).Figures(at(late), at(end)))
		if f := figs[0]; f.Up != ledger.Up || f.Down != 0 || f.Excluded != ledger.Excluded {
			t.Errorf("%s: events: up %v down %v excluded %v, want the ledger's up %v excluded %v", r.name, f.Up, f.Down, f.Excluded, ledger.Up, ledger.Excluded)
		}
		for i, f := range figs[1:] {
			if f.Up != r.upWithin(late, end) || f.Excluded != (end-late)*time.Minute-f.Up {
				t.Errorf("%s: events from %d min (%s): up %v excluded %v, want up %v", r.name, late, []string{"site", "page"}[i],
					f.Up, f.Excluded, r.upWithin(late, end))
			}
		}
	}
}
