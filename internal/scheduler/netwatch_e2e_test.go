package scheduler

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
)

// standIn is an HTTP server on a loopback address that can be switched off (its listener
// closed: connections are refused, as when the network is gone) and on again at the same
// address.
type standIn struct {
	t    *testing.T
	addr string
	mu   sync.Mutex
	srv  *http.Server
}

func newStandIn(t *testing.T) *standIn {
	s := &standIn{t: t, addr: "127.0.0.1:0"}
	s.on()
	t.Cleanup(s.off)
	return s
}

func (s *standIn) on() {
	s.mu.Lock()
	defer s.mu.Unlock()
	ln, err := net.Listen("tcp", s.addr)
	if err != nil {
		s.t.Fatal(err)
	}
	s.addr = ln.Addr().String()
	s.srv = &http.Server{Handler: http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})}
	go s.srv.Serve(ln)
}

func (s *standIn) off() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.srv.Close()
}

func (s *standIn) url(path string) string { return "http://" + s.addr + path }

// netRig is 20 sites of two accounts, each with a default webhook: sites 0–18 on one stand-in,
// site 19 on its own, so that it can stay down when the rest comes back.
type netRig struct {
	t           *testing.T
	st          store.Store
	clk         *clock
	many, alone *standIn
	sites       []monitor.Site
	hooks       map[int64]int64 // owner → default webhook
	sched       *Scheduler
}

func (r *netRig) start(cfg Config) { r.sched, _ = start(r.t, r.st, r.clk, cfg, httpProbe()) }

const netRigSites = 20

func newNetRig(t *testing.T, st store.Store) *netRig {
	r := &netRig{t: t, st: st, clk: newClock(), many: newStandIn(t), alone: newStandIn(t), hooks: map[int64]int64{}}
	ctx := context.Background()
	for _, owner := range []int64{1, 2} {
		w, err := st.SaveWebhook(ctx, monitor.Webhook{OwnerID: owner, URL: fmt.Sprintf("https://discord.com/api/v10/webhooks/%d/t", owner),
			Default: true, CreatedAt: r.clk.Now()})
		if err != nil {
			t.Fatal(err)
		}
		r.hooks[owner] = w.ID
	}
	for i := range netRigSites {
		url := r.many.url(fmt.Sprintf("/s%d", i))
		if i == netRigSites-1 {
			url = r.alone.url("/alone")
		}
		site, err := st.CreateSite(ctx, monitor.Site{OwnerID: int64(1 + i%2), Name: fmt.Sprintf("s%d", i), URL: url,
			CheckIntervalSeconds: 60, TimeoutSeconds: 5, ExpectedStatusCode: 200, FailureThreshold: 1,
			NextCheckAt: r.clk.Now(), CreatedAt: r.clk.Now()})
		if err != nil {
			t.Fatal(err)
		}
		r.sites = append(r.sites, site)
	}
	return r
}

// checks waits until every site has n checks recorded and returns how many of them were held.
func (r *netRig) checks(n int) (held int) {
	r.t.Helper()
	waitCalmly(r.t, fmt.Sprintf("%d checks of every site", n), func() bool {
		held = 0
		for _, s := range r.sites {
			h, err := r.st.History(context.Background(), s.OwnerID, s.ID, store.HistoryQuery{Limit: 100})
			if err != nil || len(h) < n {
				return false
			}
			for _, c := range h {
				if c.Held {
					held++
				}
			}
		}
		return true
	})
	return held
}

// alerts lists every notification as "kind site@owner" (site "-" for account alerts), sorted.
func (r *netRig) alerts() []string {
	var out []string
	for _, owner := range []int64{1, 2} {
		ns, err := r.st.ListNotifications(context.Background(), owner, store.NotificationQuery{Limit: 1000})
		if err != nil {
			r.t.Fatal(err)
		}
		for _, n := range ns {
			site := "-"
			if n.SiteID != 0 {
				site = n.Alert.SiteName
			}
			out = append(out, fmt.Sprintf("%s %s@%d", n.Alert.Kind, site, owner))
		}
	}
	sort.Strings(out)
	return out
}

func (r *netRig) statuses() map[monitor.Status]int {
	out := map[monitor.Status]int{}
	for _, owner := range []int64{1, 2} {
		sites, err := r.st.ListSites(context.Background(), owner, store.SiteFilter{})
		if err != nil {
			r.t.Fatal(err)
		}
		for _, s := range sites {
			out[s.Status]++
		}
	}
	return out
}

func (r *netRig) waitForAlerts(want []string) {
	r.t.Helper()
	var got []string
	waitCalmly(r.t, fmt.Sprintf("alerts %q", want), func() bool {
		got = r.alerts()
		return slices.Equal(got, want)
	})
	settle()
	if got = r.alerts(); !slices.Equal(got, want) {
		r.t.Fatalf("alerts %q, want %q", got, want)
	}
}

// TestNetworkOutageHoldsAlertsUntilItEnds: Tocsin loses its network (a canary and every
// target stop answering): no site alerts, the checks are kept as held history, each account
// hears once that Tocsin cannot reach the network; when it is back, the site that is really
// down alerts, and nothing else does.
func TestNetworkOutageHoldsAlertsUntilItEnds(t *testing.T) {
	forEachStore(t, func(t *testing.T, st store.Store) {
		r := newNetRig(t, st)
		canary := newStandIn(t)
		cfg := fastConfig()
		cfg.Canaries = []monitor.Target{CanaryTarget(canary.url("/generate_204"), false)}
		r.start(cfg)
		if held := r.checks(1); held != 0 || r.statuses()[monitor.StatusUp] != netRigSites {
			t.Fatalf("first checks: %d held, statuses %v", held, r.statuses())
		}

		canary.off()
		r.many.off()
		r.alone.off()
		r.clk.Advance(time.Minute)
		if held := r.checks(2); held != netRigSites {
			t.Fatalf("%d checks held during the outage, want %d", held, netRigSites)
		}
		r.waitForAlerts([]string{"network_down -@1", "network_down -@2"})
		if got := r.statuses(); got[monitor.StatusUp] != netRigSites {
			t.Errorf("statuses during the outage %v, want every site still up", got)
		}
		// A check outside the schedule while the network is down is held too.
		if rec, err := r.sched.CheckNow(context.Background(), r.sites[0]); err != nil || !rec.Check.Held || rec.Event != nil {
			t.Errorf("a check now during the outage: %+v %v, want it held", rec, err)
		}

		canary.on()
		r.many.on()
		r.clk.Advance(time.Minute)
		r.checks(3)
		r.waitForAlerts([]string{"down s19@2", "network_down -@1", "network_down -@2", "network_up -@1", "network_up -@2"})
		if got := r.statuses(); got[monitor.StatusUp] != netRigSites-1 || got[monitor.StatusDown] != 1 {
			t.Errorf("statuses after the outage %v, want one site down", got)
		}
		events, _ := st.Events(context.Background(), 2, r.sites[netRigSites-1].ID, store.HistoryQuery{Limit: 10})
		if len(events) != 2 || !strings.Contains(events[0].Reason, "connection refused") {
			t.Errorf("the site really down: events %+v, want up then one down", events)
		}
	})
}

// TestMassFailureWithoutCanariesHoldsAlerts: with no canaries, far more sites failing with no
// answer at once than the mass rule allows (at least 10 and half) is the network's doing.
func TestMassFailureWithoutCanariesHoldsAlerts(t *testing.T) {
	forEachStore(t, func(t *testing.T, st store.Store) {
		r := newNetRig(t, st)
		r.start(fastConfig())
		r.checks(1)

		r.many.off()
		r.alone.off()
		r.clk.Advance(time.Minute)
		waitFor(t, "every failure to arrive", func() bool { return r.waitingFailures() == netRigSites })
		settle()
		if n := len(r.alerts()); n != 0 {
			t.Fatalf("alerts before the verdict: %q", r.alerts())
		}
		r.clk.Advance(VerdictWait)
		if held := r.checks(2); held != netRigSites {
			t.Fatalf("%d checks held, want %d", held, netRigSites)
		}
		r.waitForAlerts([]string{"network_down -@1", "network_down -@2"})

		r.many.on()
		r.clk.Advance(time.Minute - VerdictWait)
		r.checks(2)
		waitFor(t, "the failure of the site still down", func() bool { return r.waitingFailures() == 1 })
		r.waitForAlerts([]string{"network_down -@1", "network_down -@2", "network_up -@1", "network_up -@2"})
		r.clk.Advance(VerdictWait)
		r.checks(3)
		r.waitForAlerts([]string{"down s19@2", "network_down -@1", "network_down -@2", "network_up -@1", "network_up -@2"})
	})
}

// TestALargeOutageStillAlerts: a CDN in front of 3 of 20 sites fails while the canaries
// answer: those three alert as usual, and no one hears of the network.
func TestALargeOutageStillAlerts(t *testing.T) {
	forEachStore(t, func(t *testing.T, st store.Store) {
		r := newNetRig(t, st)
		cdn := newStandIn(t)
		canary := newStandIn(t)
		ctx := context.Background()
		for _, i := range []int{0, 1, 2} {
			r.sites[i].URL = cdn.url(fmt.Sprintf("/s%d", i))
			if _, err := st.UpdateSite(ctx, r.sites[i], false); err != nil {
				t.Fatal(err)
			}
		}
		cfg := fastConfig()
		cfg.Canaries = []monitor.Target{CanaryTarget(canary.addr, true)}
		r.start(cfg)
		r.checks(1)

		cdn.off()
		r.clk.Advance(time.Minute)
		if held := r.checks(2); held != 0 {
			t.Errorf("%d checks held while the canary answered", held)
		}
		r.waitForAlerts([]string{"down s0@1", "down s1@2", "down s2@1"})
	})
}

// waitCalmly is waitFor polling less often as the wait grows, leaving the database to the
// scheduler: each poll here reads every site's history.
func waitCalmly(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for pause := 2 * time.Millisecond; !cond(); pause = min(2*pause, 50*time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(pause)
	}
}

// waitingFailures counts the failures the network watch holds back, waiting for a verdict.
func (r *netRig) waitingFailures() int {
	r.t.Helper()
	w := r.sched.net
	w.mu.Lock()
	defer w.mu.Unlock()
	n := 0
	for _, e := range w.waiting {
		if e.decision == undecided {
			n++
		}
	}
	return n
}

// Without canaries, a site checked after a failure that gets an answer proves the network
// works: the failure alerts at once instead of waiting VerdictWait for the mass rule.
func TestAnAnswerAfterAFailureReleasesItAtOnce(t *testing.T) {
	forEachStore(t, func(t *testing.T, st store.Store) {
		r := newNetRig(t, st)
		cdn := newStandIn(t)
		ctx := context.Background()
		for i := range r.sites { // one site due each second, so checks begin one after another
			if i < 3 {
				r.sites[i].URL = cdn.url(fmt.Sprintf("/s%d", i))
			}
			r.sites[i].NextCheckAt = r.clk.Now().Add(time.Duration(i) * time.Second)
			if _, err := st.UpdateSite(ctx, r.sites[i], true); err != nil {
				t.Fatal(err)
			}
		}
		r.start(fastConfig())
		for i, site := range r.sites { // a second at a time, so no site is ever overdue
			if i > 0 {
				r.clk.Advance(time.Second)
			}
			waitCalmly(t, fmt.Sprintf("s%d's first check", i), func() bool {
				s, err := st.Site(ctx, site.OwnerID, site.ID)
				return err == nil && s.LastChecked != nil
			})
		}

		cdn.off()
		r.clk.Advance(time.Minute - time.Duration(netRigSites-1)*time.Second) // s0's second check
		for i := 1; i <= 3; i++ {                                             // then s1 and s2 fail, s3 answers
			waitCalmly(t, fmt.Sprintf("%d failures waiting", i), func() bool { return r.waitingFailures() == i })
			r.clk.Advance(time.Second)
		}
		r.waitForAlerts([]string{"down s0@1", "down s1@2", "down s2@1"})
	})
}
