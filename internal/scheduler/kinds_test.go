package scheduler

import (
	"context"
	"testing"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
)

func TestSilentPushSiteGoesDownAfterIntervalAndGrace(t *testing.T) {
	forEachStore(t, func(t *testing.T, st store.Store) {
		ctx := context.Background()
		clk := newClock()
		site, err := st.CreateSite(ctx, monitor.Site{Kind: monitor.KindPush, Name: "backup", PushToken: "tok", GraceSeconds: 30,
			CheckIntervalSeconds: 60, TimeoutSeconds: 5, ExpectedStatusCode: 200, FailureThreshold: 1,
			NextCheckAt: clk.Now().Add(90 * time.Second), CreatedAt: clk.Now()})
		if err != nil {
			t.Fatal(err)
		}
		start(t, st, clk, fastConfig(), func(context.Context, monitor.Target) monitor.Result {
			t.Error("a push site was probed")
			return monitor.Result{}
		})
		status := func() monitor.Site { s, _ := st.Site(ctx, 0, site.ID); return s }

		// A ping at +60s moves the deadline to +150s.
		clk.Advance(60 * time.Second)
		if _, err := st.RecordChecks(ctx, []store.CheckResult{{SiteID: site.ID, Result: monitor.Result{CheckedAt: clk.Now(), Status: monitor.StatusUp}, Ping: true}}); err != nil {
			t.Fatal(err)
		}
		clk.Advance(60 * time.Second) // +120s: past the first deadline, not the new one
		settle()
		if s := status(); s.Status != monitor.StatusUp {
			t.Fatalf("at +120s, 60s after a ping: %s (%s)", s.Status, s.LastError)
		}
		clk.Advance(31 * time.Second) // +151s: the ping is late
		waitFor(t, "the silent site down", func() bool { return status().Status == monitor.StatusDown })
		if e := status().LastError; e != "no ping within 1m30s (interval 1m0s + grace 30s)" {
			t.Errorf("error %q", e)
		}
	})
}

func TestRetryIntervalConfirmsAFailureQuickly(t *testing.T) {
	forEachStore(t, func(t *testing.T, st store.Store) {
		ctx := context.Background()
		clk, tg := newClock(), newTarget(t)
		site, err := st.CreateSite(ctx, monitor.Site{Name: "flaky", URL: tg.URL + "/f", CheckIntervalSeconds: 300, TimeoutSeconds: 5,
			ExpectedStatusCode: 200, FailureThreshold: 2, RetryIntervalSeconds: 20, NextCheckAt: clk.Now(), CreatedAt: clk.Now()})
		if err != nil {
			t.Fatal(err)
		}
		tg.code.Store(500)
		start(t, st, clk, fastConfig(), httpProbe())
		waitFor(t, "the first failure", func() bool { return tg.Hits("/f") == 1 })
		clk.Advance(21 * time.Second) // the retry interval, not the 300 s interval
		waitFor(t, "the confirming check", func() bool { return tg.Hits("/f") == 2 })
		waitFor(t, "down after two failures", func() bool {
			s, _ := st.Site(ctx, 0, site.ID)
			return s.Status == monitor.StatusDown
		})
		clk.Advance(30 * time.Second)
		settle()
		if h := tg.Hits("/f"); h != 2 {
			t.Errorf("%d checks: once down the site should wait its interval", h)
		}
	})
}
