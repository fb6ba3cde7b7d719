package scheduler

import (
	"context"
	"testing"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
)

// Whatever a probe function returns, the scheduler stores clean text: on PostgreSQL this NUL
// used to fail the write.
func TestCheckNowStoresCleanText(t *testing.T) {
	forEachStore(t, func(t *testing.T, st store.Store) {
		clk := newClock()
		site := addSite(t, st, clk, "http://127.0.0.1:1/", 60, clk.Now())
		dirty := func(context.Context, monitor.Target) monitor.Result {
			return monitor.Result{Status: monitor.StatusDown, Error: "/a\x00b: caf\xe9"}
		}
		sched, _ := start(t, st, clk, fastConfig(), dirty)
		rec, err := sched.CheckNow(context.Background(), site)
		if err != nil {
			t.Fatal(err)
		}
		const want = "/a\uFFFDb: caf\uFFFD"
		h, _ := st.History(context.Background(), 0, site.ID, store.HistoryQuery{Limit: 1})
		if rec.Check.Error != want || len(h) != 1 || h[0].Error != want {
			t.Errorf("recorded %q, stored %+v; want %q", rec.Check.Error, h, want)
		}
	})
}
