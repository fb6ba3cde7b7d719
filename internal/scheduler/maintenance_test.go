package scheduler

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
	"github.com/tocsin/tocsin/internal/store/storetest"
)

// The scheduler sweeps the maintenance windows as it runs: a site still down when its window
// closes gets its owed down alert, and the dispatcher is woken for it.
func TestRunSweepsMaintenanceWindows(t *testing.T) {
	ctx := context.Background()
	st := storetest.OpenSQLite(t)
	clk := newClock()
	start := clk.Now()
	if _, err := st.SaveWebhook(ctx, monitor.Webhook{Name: "ops", URL: "https://discord.com/api/webhooks/1/t", Default: true, CreatedAt: start}); err != nil {
		t.Fatal(err)
	}
	site, err := st.CreateSite(ctx, monitor.Site{Name: "a", URL: "http://127.0.0.1:1/", CheckIntervalSeconds: 3600, TimeoutSeconds: 5,
		ExpectedStatusCode: 200, FailureThreshold: 1, Paused: true, NextCheckAt: start, CreatedAt: start})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.CreateMaintenance(ctx, monitor.Maintenance{OwnerID: 0, Title: "db", SiteIDs: []int64{site.ID},
		Start: start.Add(-time.Minute), End: start.Add(time.Minute), CreatedAt: start, UpdatedAt: start}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.RecordChecks(ctx, []store.CheckResult{{SiteID: site.ID, Result: monitor.Result{Status: monitor.StatusDown, CheckedAt: start, Error: "refused"}}}); err != nil {
		t.Fatal(err)
	}
	var woken atomic.Int32
	s := New(st, nil, clk.Now, quiet(), Config{MaintenanceSweep: 10 * time.Millisecond, OnAlert: func() { woken.Add(1) }})
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { defer close(done); s.Run(runCtx) }()
	defer func() { cancel(); <-done }()
	events := func() int {
		evs, _ := st.Events(ctx, 0, site.ID, store.HistoryQuery{Limit: 10})
		n := 0
		for _, ev := range evs {
			if ev.Kind == monitor.EventMonitoring {
				n++
			}
		}
		return n
	}
	waitFor(t, "the window's opening", func() bool { return events() == 1 })
	clk.Advance(2 * time.Minute)
	waitFor(t, "the window's closing and the owed alert", func() bool { return events() == 2 && woken.Load() == 1 })
	ns, err := st.ListNotifications(ctx, 0, store.NotificationQuery{Limit: 10})
	if err != nil || len(ns) != 1 || ns[0].Alert.Kind != monitor.AlertDown || !ns[0].Alert.At.Equal(start.Add(time.Minute)) {
		t.Fatalf("notifications %+v (%v), want one down at the window's end", ns, err)
	}
}
