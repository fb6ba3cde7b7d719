package scheduler

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
	"github.com/tocsin/tocsin/internal/store/storetest"
)

// watchRig drives a netWatch by hand: results in, results out, a clock and canaries that
// answer or not.
type watchRig struct {
	t      *testing.T
	clk    *clock
	w      *netWatch
	out    chan store.CheckResult
	silent atomic.Bool // the canaries do not answer
}

func newWatchRig(t *testing.T, canaries int) *watchRig {
	r := &watchRig{t: t, clk: newClock(), out: make(chan store.CheckResult, 100)}
	probe := func(ctx context.Context, target monitor.Target) monitor.Result {
		if r.silent.Load() {
			return monitor.Result{Status: monitor.StatusDown, Error: "connection refused", NoAnswer: true}
		}
		return monitor.Result{Status: monitor.StatusUp, StatusCode: 204}
	}
	var targets []monitor.Target
	for i := range canaries {
		targets = append(targets, CanaryTarget(fmt.Sprintf("127.0.0.1:%d", 1000+i), true))
	}
	r.w = newNetWatch(storetest.OpenSQLite(t), probe, targets, r.clk.Now, quiet(), r.out)
	t.Cleanup(r.w.close)
	return r
}

func failed(site int64) store.CheckResult {
	return store.CheckResult{SiteID: site, Result: monitor.Result{Status: monitor.StatusDown, Error: "connection refused", NoAnswer: true}}
}

func passed(site int64) store.CheckResult {
	return store.CheckResult{SiteID: site, Result: monitor.Result{Status: monitor.StatusUp, StatusCode: 200}}
}

func (r *watchRig) observe(results ...store.CheckResult) {
	for _, res := range results {
		r.w.observe(monitor.Site{ID: res.SiteID, OwnerID: 1}, res)
	}
}

// taken lists what came out so far, as "site:up", "site:down" or "site:held".
func (r *watchRig) taken() []string {
	var got []string
	for {
		select {
		case res := <-r.out:
			what := string(res.Result.Status)
			if res.Held {
				what = "held"
			}
			got = append(got, fmt.Sprintf("%d:%s", res.SiteID, what))
		default:
			return got
		}
	}
}

func TestAResultWaitsBehindItsSitesWaitingFailure(t *testing.T) {
	r := newWatchRig(t, 0)
	for site := range int64(MassFailures) { // enough sites for the mass rule to be worth a wait
		r.observe(passed(100 + site))
	}
	r.taken()
	r.observe(failed(1), passed(2), passed(1))
	if got := fmt.Sprint(r.taken()); got != "[2:up]" {
		t.Fatalf("out before the verdict: %s, want only the other site's result", got)
	}
	r.clk.Advance(VerdictWait)
	r.w.tick()
	if got := fmt.Sprint(r.taken()); got != "[1:down 1:up]" {
		t.Errorf("out after the wait: %s, want the failure, released, then the success behind it", got)
	}
}

func TestSilentCanariesHoldAtOnceAndTheirReturnEndsTheOutage(t *testing.T) {
	r := newWatchRig(t, 2)
	r.silent.Store(true)
	r.observe(failed(1))
	waitFor(t, "the held failure", func() bool { return len(r.out) == 1 })
	if got := fmt.Sprint(r.taken()); got != "[1:held]" || !r.w.down() {
		t.Fatalf("out %s, down %v: want the failure held and the network down", got, r.w.down())
	}
	r.silent.Store(false)
	r.clk.Advance(CanaryEvery)
	r.w.tick() // the outage's regular probe
	waitFor(t, "the network back", func() bool { return !r.w.down() })
	r.observe(failed(2))
	waitFor(t, "the next failure", func() bool { return len(r.out) == 1 })
	if got := fmt.Sprint(r.taken()); got != "[2:down]" {
		t.Errorf("out %s: a failure once the canaries answer again is released", got)
	}
}

func TestShutdownDecidesWhatWaits(t *testing.T) {
	r := newWatchRig(t, 0)
	for site := range int64(MassFailures) {
		r.observe(passed(100 + site))
	}
	r.clk.Advance(MassWindow)
	r.taken()
	var batch []store.CheckResult
	for site := range int64(MassFailures) {
		batch = append(batch, failed(site+1))
	}
	r.observe(batch...)
	if got := r.taken(); len(got) != 0 || !r.w.down() {
		t.Fatalf("out %v, down %v: every failure waits, the network down", got, r.w.down())
	}
	r.w.close()
	got := r.taken()
	if len(got) != MassFailures || got[0] != "1:held" {
		t.Errorf("out at shutdown %v, want every failure held", got)
	}
	r.observe(passed(99))
	if len(r.taken()) != 0 {
		t.Errorf("a result was sent after close")
	}
}

// BenchmarkNetWatchObserve is the watch's cost on the hot path: one passing result of one of
// 10,000 sites, passed on to be written.
//
//	go test -run '^$' -bench NetWatchObserve ./internal/scheduler/
func BenchmarkNetWatchObserve(b *testing.B) {
	out := make(chan store.CheckResult, 1024)
	go func() {
		for range out {
		}
	}()
	clk := newClock()
	w := newNetWatch(nil, nil, nil, clk.Now, quiet(), out)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		w.observe(monitor.Site{ID: int64(i % 10000), OwnerID: 1}, passed(int64(i%10000)))
	}
	w.close()
	close(out)
}
