package scheduler

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
)

// awayStore is a real store that, while down, fails as an unreachable database does.
type awayStore struct {
	store.Store
	down   atomic.Bool
	claims atomic.Int32 // claims made while up
}

var errAway = fmt.Errorf("%w: dial tcp 127.0.0.1:5432: connect: connection refused", store.ErrUnavailable)

func (a *awayStore) ClaimDueSites(ctx context.Context, c store.Claim) ([]monitor.Site, error) {
	if a.down.Load() {
		return nil, errAway
	}
	a.claims.Add(1)
	return a.Store.ClaimDueSites(ctx, c)
}

func (a *awayStore) ResumeSchedule(ctx context.Context, r store.Resume) (int64, error) {
	if a.down.Load() {
		return 0, errAway
	}
	return a.Store.ResumeSchedule(ctx, r)
}

func (a *awayStore) RecordChecks(ctx context.Context, rows []store.CheckResult) ([]store.Recorded, error) {
	if a.down.Load() {
		return nil, errAway
	}
	return a.Store.RecordChecks(ctx, rows)
}

func (a *awayStore) SiteByPushToken(ctx context.Context, token string) (monitor.Site, error) {
	if a.down.Load() {
		return monitor.Site{}, errAway
	}
	return a.Store.SiteByPushToken(ctx, token)
}

const (
	outageStartLog = "database unavailable: checking the sites this process holds from memory and keeping their results until it is back"
	outageEndLog   = "database back: results kept during the outage are written; checks resume from the schedule"
)

// Sites that go down and come back while the database is away are still seen: the scheduler
// checks them from memory, keeps the results, and writes them in order when the database is
// back, so each site gets its down and its recovery, once, late. The outage is logged as one
// line at its start and one at its end, and the writer reports itself not ready meanwhile.
func TestOutageInsideADatabaseOutageIsSeen(t *testing.T) {
	forEachStore(t, func(t *testing.T, st store.Store) {
		ctx, clk, tg := context.Background(), newClock(), newTarget(t)
		away := &awayStore{Store: st}
		var sites []monitor.Site
		for i := range 10 {
			sites = append(sites, addSite(t, away, clk, fmt.Sprintf("%s/%d", tg.URL, i), 10, clk.Now()))
		}
		var logs logBuffer
		sched := New(away, httpProbe(), clk.Now, logs.logger(), fastConfig())
		runCtx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { sched.Run(runCtx); close(done) }()
		t.Cleanup(func() { cancel(); <-done })
		hits := func() (n int) {
			for i := range sites {
				n += tg.Hits(fmt.Sprintf("/%d", i))
			}
			return n
		}
		waitFor(t, "every site checked once", func() bool { return hits() == 10 })
		waitFor(t, "the first checks written", func() bool {
			for _, s := range sites {
				if got, _ := st.Site(ctx, 0, s.ID); got.Status != monitor.StatusUp {
					return false
				}
			}
			return true
		})

		away.down.Store(true)
		clk.Advance(10 * time.Second) // the claim fails: the outage begins, and the sites are checked from memory
		waitFor(t, "the held sites checked from memory", func() bool { return hits() == 20 })
		tg.code.Store(500)
		clk.Advance(10 * time.Second)
		waitFor(t, "the failures seen from memory", func() bool { return hits() == 30 })
		waitFor(t, "the writer not ready", func() bool { return sched.Ready() != nil })
		tg.code.Store(200)
		clk.Advance(10 * time.Second)
		waitFor(t, "the recoveries seen from memory", func() bool { return hits() == 40 })

		away.down.Store(false)
		waitFor(t, "the outage over", func() bool {
			clk.Advance(1100 * time.Millisecond) // the claim is tried again once a second; off the sites' slots
			time.Sleep(20 * time.Millisecond)
			return len(logs.lines(outageEndLog)) == 1
		})
		// The catch-up is spread as at start: no site is checked again less than half an
		// interval after its last check from memory.
		endAt := clk.Now()
		for range 12 {
			clk.Advance(time.Second)
			settle()
		}
		waitFor(t, "every site checked after the outage", func() bool {
			for _, s := range sites {
				if got, _ := st.Site(ctx, 0, s.ID); got.LastChecked == nil || !got.LastChecked.After(endAt) {
					return false
				}
			}
			return true
		})
		for _, s := range sites {
			checks, err := st.History(ctx, 0, s.ID, store.HistoryQuery{Limit: 100})
			if err != nil {
				t.Fatal(err)
			}
			for i := 0; i+1 < len(checks); i++ { // newest first
				later, earlier := checks[i].CheckedAt, checks[i+1].CheckedAt
				if later.After(endAt.Add(-10*time.Second)) && later.Sub(earlier) < 5*time.Second {
					t.Errorf("site %d checked at %v and again at %v, less than half its interval later", s.ID, earlier, later)
				}
			}
		}
		for _, s := range sites {
			events, err := st.Events(ctx, 0, s.ID, store.HistoryQuery{Limit: 10})
			if err != nil {
				t.Fatal(err)
			}
			var changes []string
			for i := len(events) - 1; i >= 0; i-- {
				if events[i].Kind == monitor.EventStatus { // not the monitoring events of gaps
					changes = append(changes, string(events[i].From)+">"+string(events[i].To))
				}
			}
			if fmt.Sprint(changes) != "[pending>up up>down down>up]" {
				t.Errorf("site %d changed %v, want the down and the recovery seen during the outage", s.ID, changes)
			}
		}
		if err := sched.Ready(); err != nil {
			t.Errorf("not ready after the outage: %v", err)
		}
		if n, m := len(logs.lines(outageStartLog)), len(logs.lines(outageEndLog)); n != 1 || m != 1 {
			t.Errorf("outage logged with %d start lines and %d end lines, want one each", n, m)
		}
	})
}

// The results kept during an outage are bounded: past the bound the oldest go, said once.
func TestOutageBufferIsBounded(t *testing.T) {
	clk := newClock()
	away := &awayStore{Store: nil}
	away.down.Store(true)
	var logs logBuffer
	sched := New(away, nil, clk.Now, logs.logger(), Config{OutageBuffer: 5})
	retry := time.NewTimer(time.Hour)
	defer retry.Stop()
	var batch []store.CheckResult
	for i := range 8 {
		batch = append(batch, store.CheckResult{SiteID: int64(i + 1), Result: monitor.Result{CheckedAt: clk.Now(), Status: monitor.StatusUp}})
	}
	left := sched.flush(batch, retry)
	left = sched.flush(append(left, batch[:3]...), retry)
	if len(left) != 5 || left[0].SiteID != 7 || left[4].SiteID != 3 {
		t.Errorf("kept %+v, want the newest 5", left)
	}
	if n := len(logs.lines("outage buffer full: dropping the oldest check results kept while the database is away (TOCSIN_OUTAGE_BUFFER)")); n != 1 {
		t.Errorf("the full buffer logged %d times, want once", n)
	}
}

// A push ping kept while the database is away is written when it is back, with the time it
// arrived, before any claim could judge the site's deadline.
func TestPingKeptDuringAnOutageIsWrittenFirst(t *testing.T) {
	forEachStore(t, func(t *testing.T, st store.Store) {
		ctx, clk := context.Background(), newClock()
		away := &awayStore{Store: st}
		site, err := st.CreateSite(ctx, monitor.Site{Kind: monitor.KindPush, Name: "backup", PushToken: "tok", GraceSeconds: 30,
			CheckIntervalSeconds: 60, TimeoutSeconds: 5, ExpectedStatusCode: 200, FailureThreshold: 1,
			NextCheckAt: clk.Now().Add(90 * time.Second), CreatedAt: clk.Now()})
		if err != nil {
			t.Fatal(err)
		}
		away.down.Store(true)
		sched, _ := start(t, away, clk, fastConfig(), nil)
		clk.Advance(80 * time.Second)
		pingAt := clk.Now()
		if !sched.BufferPing("tok", pingAt) || !sched.BufferPing("no-such-token", pingAt) {
			t.Fatal("a ping was not kept")
		}
		clk.Advance(20 * time.Second) // past the deadline the ping moves
		settle()
		claimsBefore := away.claims.Load()
		away.down.Store(false)
		waitFor(t, "the ping written", func() bool {
			clk.Advance(100 * time.Millisecond)
			time.Sleep(5 * time.Millisecond)
			s, _ := st.Site(ctx, 0, site.ID)
			return s.LastPingAt != nil
		})
		if claimsBefore != 0 {
			t.Errorf("%d claims during the outage", claimsBefore)
		}
		s, _ := st.Site(ctx, 0, site.ID)
		if !s.LastPingAt.Equal(pingAt) || s.Status == monitor.StatusDown {
			t.Errorf("push site after the outage: last ping %v, status %s; want the kept ping at %v and not down", s.LastPingAt, s.Status, pingAt)
		}
	})
}
