package scheduler

import (
	"context"
	"testing"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
)

func TestADownWithNowhereToGoIsLoggedOnce(t *testing.T) {
	forEachStore(t, func(t *testing.T, st store.Store) {
		clk, tg := newClock(), newTarget(t)
		site := addSite(t, st, clk, tg.URL+"/lonely", 60, clk.Now().Add(time.Hour))
		var logs logBuffer
		sched := New(st, httpProbe(), clk.Now, logs.logger(), fastConfig())
		tg.code.Store(503)
		for range 3 { // down, then still down: one warning, for the down alert only
			if _, err := sched.CheckNow(context.Background(), site); err != nil {
				t.Fatal(err)
			}
		}
		if n := len(logs.lines(unroutedAlertLog)); n != 1 {
			t.Errorf("%d warnings that the down alert went nowhere, want 1", n)
		}
		got, err := st.Site(context.Background(), 0, site.ID)
		if err != nil || got.Alerting != monitor.AlertingNoWebhook {
			t.Errorf("site alerting %q (%v), want %q", got.Alerting, err, monitor.AlertingNoWebhook)
		}
	})
}
