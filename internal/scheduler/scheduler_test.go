package scheduler

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/netguard"
	"github.com/tocsin/tocsin/internal/probe"
	"github.com/tocsin/tocsin/internal/store"
	"github.com/tocsin/tocsin/internal/store/storetest"
)

// clock is a manual clock: scheduler tests move time instead of sleeping through intervals.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock { return &clock{now: time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// target is an HTTP server that counts requests per path and answers with a settable code.
type target struct {
	*httptest.Server
	code atomic.Int32
	mu   sync.Mutex
	hits map[string]int
}

func newTarget(t *testing.T) *target {
	tg := &target{hits: map[string]int{}}
	tg.code.Store(200)
	tg.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tg.mu.Lock()
		tg.hits[r.URL.Path]++
		tg.mu.Unlock()
		w.WriteHeader(int(tg.code.Load()))
	}))
	t.Cleanup(tg.Close)
	return tg
}

func (tg *target) Hits(path string) int {
	tg.mu.Lock()
	defer tg.mu.Unlock()
	return tg.hits[path]
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func fastConfig() Config {
	return Config{PollInterval: 2 * time.Millisecond, FlushInterval: 2 * time.Millisecond, DrainTimeout: 5 * time.Second}
}

func httpProbe() ProbeFunc { return probe.NewChecker("Tocsin/test", netguard.Policy{}).Check }

// start runs a scheduler until the test ends, or until the returned stop is called.
func start(t *testing.T, st store.Store, clk *clock, cfg Config, p ProbeFunc) (sched *Scheduler, stop func()) {
	sched = New(st, p, clk.Now, quiet(), cfg)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		sched.Run(ctx)
		close(done)
	}()
	var once sync.Once
	stop = func() { once.Do(func() { cancel(); <-done }) }
	t.Cleanup(stop)
	return sched, stop
}

// waitFor polls cond until it holds; the bound only catches a hang, it measures nothing.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// settle gives the scheduler many poll rounds to do something it should not do.
func settle() { time.Sleep(50 * time.Millisecond) }

func addSite(t *testing.T, st store.Store, clk *clock, url string, interval int, next time.Time) monitor.Site {
	t.Helper()
	site, err := st.CreateSite(context.Background(), monitor.Site{
		Name: url, URL: url, CheckIntervalSeconds: interval, TimeoutSeconds: min(interval, 5), ExpectedStatusCode: 200,
		NextCheckAt: next, CreatedAt: clk.Now(),
	})
	if err != nil {
		t.Fatal(err)
	}
	return site
}

func forEachStore(t *testing.T, fn func(t *testing.T, st store.Store)) {
	for _, b := range storetest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			fn(t, b.Open(t))
		})
	}
}

func TestSiteIsCheckedEveryInterval(t *testing.T) {
	forEachStore(t, func(t *testing.T, st store.Store) {
		clk, tg := newClock(), newTarget(t)
		site := addSite(t, st, clk, tg.URL+"/a", 10, clk.Now())
		start(t, st, clk, fastConfig(), httpProbe())

		waitFor(t, "the first check", func() bool { return tg.Hits("/a") == 1 })
		steps := []struct {
			advance time.Duration
			want    int
		}{{5 * time.Second, 1}, {5 * time.Second, 2}, {9 * time.Second, 2}, {time.Second, 3}, {10 * time.Second, 4}}
		for _, step := range steps {
			clk.Advance(step.advance)
			waitFor(t, fmt.Sprintf("%d checks", step.want), func() bool { return tg.Hits("/a") >= step.want })
			settle()
			if got := tg.Hits("/a"); got != step.want {
				t.Fatalf("after +%v: %d checks, want %d", step.advance, got, step.want)
			}
		}
		waitFor(t, "results written", func() bool {
			h, _ := st.History(context.Background(), 0, site.ID, store.HistoryQuery{Limit: 10})
			return len(h) == 4
		})
	})
}

func TestFailingTargetFlipsSiteDownWithOneEvent(t *testing.T) {
	forEachStore(t, func(t *testing.T, st store.Store) {
		ctx := context.Background()
		clk, tg := newClock(), newTarget(t)
		site := addSite(t, st, clk, tg.URL+"/flaky", 10, clk.Now())
		start(t, st, clk, fastConfig(), httpProbe())
		status := func() monitor.Status {
			s, _ := st.Site(ctx, 0, site.ID)
			return s.Status
		}
		waitFor(t, "up", func() bool { return status() == monitor.StatusUp })

		tg.code.Store(500)
		for i := 2; i <= 4; i++ {
			clk.Advance(10 * time.Second)
			waitFor(t, "a check", func() bool {
				h, _ := st.History(ctx, 0, site.ID, store.HistoryQuery{Limit: 10})
				return len(h) == i
			})
		}
		got, _ := st.Site(ctx, 0, site.ID)
		if got.Status != monitor.StatusDown || got.LastError != "expected status 200, got 500" || got.ConsecutiveFailures != 3 {
			t.Fatalf("site after three failures: %s %q %d", got.Status, got.LastError, got.ConsecutiveFailures)
		}
		events, _ := st.Events(ctx, 0, site.ID, store.HistoryQuery{Limit: 10})
		if len(events) != 2 || events[0].From != monitor.StatusState(monitor.StatusUp) || events[0].To != monitor.StatusState(monitor.StatusDown) {
			t.Fatalf("events %+v, want pending>up then exactly one up>down", events)
		}
	})
}

func TestPausedAndDeletedSitesAreNotChecked(t *testing.T) {
	forEachStore(t, func(t *testing.T, st store.Store) {
		ctx := context.Background()
		clk, tg := newClock(), newTarget(t)
		paused := addSite(t, st, clk, tg.URL+"/paused", 10, clk.Now())
		deleted := addSite(t, st, clk, tg.URL+"/deleted", 10, clk.Now())
		control := addSite(t, st, clk, tg.URL+"/control", 10, clk.Now())
		start(t, st, clk, fastConfig(), httpProbe())
		waitFor(t, "first checks", func() bool { return tg.Hits("/paused") == 1 && tg.Hits("/deleted") == 1 })

		paused.Paused = true
		if _, err := st.UpdateSite(ctx, paused, false); err != nil {
			t.Fatal(err)
		}
		if err := st.DeleteSite(ctx, 0, deleted.ID); err != nil {
			t.Fatal(err)
		}
		for i := 2; i <= 4; i++ {
			clk.Advance(10 * time.Second)
			waitFor(t, "the control site's check", func() bool { return tg.Hits("/control") == i })
		}
		settle()
		if tg.Hits("/paused") != 1 || tg.Hits("/deleted") != 1 {
			t.Errorf("paused checked %d times, deleted %d times; want 1 each", tg.Hits("/paused"), tg.Hits("/deleted"))
		}
		_ = control
	})
}

func TestRestartResumesWithoutBurstOrSkip(t *testing.T) {
	forEachStore(t, func(t *testing.T, st store.Store) {
		clk, tg := newClock(), newTarget(t)
		const n = 60
		for i := range n {
			addSite(t, st, clk, fmt.Sprintf("%s/s%d", tg.URL, i), 60, clk.Now().Add(time.Duration(i)*time.Second))
		}
		// Tocsin was stopped for ten minutes: every site missed several checks.
		clk.Advance(10 * time.Minute)
		start(t, st, clk, fastConfig(), httpProbe())

		total := func() int {
			sum := 0
			for i := range n {
				sum += tg.Hits(fmt.Sprintf("/s%d", i))
			}
			return sum
		}
		// The sites keep their phases (i seconds): at each second of the minute after the restart,
		// exactly the sites due by then have been checked — one more per second, never a burst.
		for second := range 60 { // the 60th second would be the first site's next slot
			if second > 0 {
				clk.Advance(time.Second)
			}
			waitFor(t, fmt.Sprintf("the sites due by second %d", second), func() bool { return total() >= second+1 })
			settle()
			if got := total(); got != second+1 {
				t.Fatalf("%d checks by second %d after the restart, want %d: a burst", got, second, second+1)
			}
		}
		for i := range n {
			if h := tg.Hits(fmt.Sprintf("/s%d", i)); h != 1 {
				t.Errorf("site %d checked %d times in the minute after restart, want 1", i, h)
			}
		}
	})
}

func TestConcurrentChecksAreBounded(t *testing.T) {
	st := storetest.OpenSQLite(t)
	clk := newClock()
	var running, peak atomic.Int32
	release := make(chan struct{})
	blocking := func(ctx context.Context, _ monitor.Target) monitor.Result {
		n := running.Add(1)
		for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
		}
		<-release
		running.Add(-1)
		return monitor.Result{Status: monitor.StatusUp, StatusCode: 200}
	}
	for i := range 6 {
		addSite(t, st, clk, fmt.Sprintf("http://127.0.0.1:1/%d", i), 60, clk.Now())
	}
	cfg := fastConfig()
	cfg.MaxConcurrent = 2
	start(t, st, clk, cfg, blocking)
	waitFor(t, "two checks running", func() bool { return running.Load() == 2 })
	settle()
	if p := peak.Load(); p != 2 {
		t.Fatalf("peak concurrency %d, want 2", p)
	}
	close(release)
	waitFor(t, "all six sites checked", func() bool {
		sites, _ := st.ListSites(context.Background(), 0, store.SiteFilter{Status: monitor.StatusUp})
		return len(sites) == 6
	})
	if p := peak.Load(); p != 2 {
		t.Errorf("peak concurrency %d, want 2", p)
	}
}

func TestShutdownLetsRunningChecksFinish(t *testing.T) {
	st := storetest.OpenSQLite(t)
	clk := newClock()
	started, release := make(chan struct{}), make(chan struct{})
	slow := func(ctx context.Context, _ monitor.Target) monitor.Result {
		close(started)
		<-release
		return monitor.Result{Status: monitor.StatusUp, StatusCode: 200}
	}
	site := addSite(t, st, clk, "http://127.0.0.1:1/", 60, clk.Now())
	_, stop := start(t, st, clk, fastConfig(), slow)
	<-started
	go func() {
		time.Sleep(20 * time.Millisecond)
		close(release)
	}()
	stop()
	got, _ := st.Site(context.Background(), 0, site.ID)
	if got.Status != monitor.StatusUp {
		t.Errorf("the check running at shutdown was not recorded: status %s", got.Status)
	}
}

func TestShutdownAbandonsChecksPastTheDrainTimeout(t *testing.T) {
	st := storetest.OpenSQLite(t)
	clk := newClock()
	started := make(chan struct{})
	stuck := func(ctx context.Context, _ monitor.Target) monitor.Result {
		close(started)
		<-ctx.Done()
		return monitor.Result{Status: monitor.StatusDown, Error: "check canceled"}
	}
	site := addSite(t, st, clk, "http://127.0.0.1:1/", 60, clk.Now())
	cfg := fastConfig()
	cfg.DrainTimeout = 20 * time.Millisecond
	_, stop := start(t, st, clk, cfg, stuck)
	<-started
	stop()
	got, _ := st.Site(context.Background(), 0, site.ID)
	if got.Status != monitor.StatusPending || got.LastChecked != nil {
		t.Errorf("an abandoned check was recorded: %s at %v", got.Status, got.LastChecked)
	}
}

func TestCheckNowRecordsOutsideTheSchedule(t *testing.T) {
	forEachStore(t, func(t *testing.T, st store.Store) {
		clk, tg := newClock(), newTarget(t)
		site := addSite(t, st, clk, tg.URL+"/now", 60, clk.Now().Add(time.Hour))
		sched, stop := start(t, st, clk, fastConfig(), httpProbe())
		tg.code.Store(503)
		rec, err := sched.CheckNow(context.Background(), site)
		if err != nil {
			t.Fatal(err)
		}
		if rec.Check.Status != monitor.StatusDown || rec.Check.StatusCode != 503 || rec.Event == nil || rec.State.Status != monitor.StatusDown {
			t.Fatalf("recorded %+v", rec)
		}
		got, _ := st.Site(context.Background(), 0, site.ID)
		if !got.NextCheckAt.Equal(site.NextCheckAt) {
			t.Errorf("a manual check moved the schedule to %v", got.NextCheckAt)
		}
		stop()
		if _, err := sched.CheckNow(context.Background(), site); err != ErrStopping {
			t.Errorf("CheckNow after shutdown: %v", err)
		}
	})
}

// A site added while the scheduler sleeps between polls is checked when the scheduler is woken,
// not at its next poll.
func TestWakeLooksForDueSitesAtOnce(t *testing.T) {
	forEachStore(t, func(t *testing.T, st store.Store) {
		clk, tg := newClock(), newTarget(t)
		cfg := fastConfig()
		cfg.PollInterval = time.Hour
		sched, _ := start(t, st, clk, cfg, httpProbe())
		settle() // the first look, at start, found nothing
		addSite(t, st, clk, tg.URL+"/new", 60, clk.Now())
		sched.Wake()
		waitFor(t, "the new site's check", func() bool { return tg.Hits("/new") == 1 })
	})
}
