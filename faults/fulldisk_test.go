package faults

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/netguard"
	"github.com/tocsin/tocsin/internal/probe"
	"github.com/tocsin/tocsin/internal/scheduler"
	"github.com/tocsin/tocsin/internal/store"
	"github.com/tocsin/tocsin/internal/store/storetest"
)

// A full SQLite disk stops the writes, not the monitoring: the real scheduler goes on checking
// its sites from memory and says it is not ready; a site that goes down meanwhile is recorded
// down, with its event, once there is room again.
func TestFullSQLiteDiskLosesNothing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := storetest.OpenSQLite(t)
	target := newFlakyTarget(t)
	var sites []monitor.Site
	for i := range 5 {
		site, err := st.CreateSite(ctx, monitor.Site{Name: fmt.Sprintf("disk-%d", i), URL: fmt.Sprintf("%s/disk-%d", target.URL, i),
			Kind: monitor.KindHTTP, CheckIntervalSeconds: 1, TimeoutSeconds: 1, ExpectedStatusCode: 200, FailureThreshold: 1,
			NextCheckAt: time.Now(), CreatedAt: time.Now()})
		if err != nil {
			t.Fatal(err)
		}
		sites = append(sites, site)
	}
	sched := scheduler.New(st, probe.NewChecker("Tocsin/faults", netguard.Policy{}).Check, time.Now,
		slog.New(slog.NewTextHandler(io.Discard, nil)), scheduler.Config{})
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { sched.Run(runCtx); close(done) }()
	defer func() { cancel(); <-done }()
	status := func(id int64) monitor.Status { s, _ := st.Site(ctx, 0, id); return s.Status }
	waitFor(t, "every site up", 20*time.Second, func() bool {
		for _, s := range sites {
			if status(s.ID) != monitor.StatusUp {
				return false
			}
		}
		return true
	})

	// Fill the disk: no page is left for another check.
	if err := st.LimitPages(ctx, 0); err != nil {
		t.Fatal(err)
	}
	// Large rows first, then small ones into what room the pages have left: a check's row is
	// small enough to fit where a large filler does not.
	filler := sites[0]
	for _, size := range []int{4000, 400, 40} {
		filler.Name = strings.Repeat("f", size)
		var err error
		for i := 0; i < 100000 && !errors.Is(err, store.ErrUnavailable); i++ {
			_, err = st.CreateSite(ctx, filler)
		}
		if !errors.Is(err, store.ErrUnavailable) {
			t.Fatalf("the disk never filled: %v", err)
		}
	}
	waitFor(t, "the scheduler not ready on a full disk", 20*time.Second, func() bool { return sched.Ready() != nil })
	target.set([]string{"/disk-0", "/disk-1"}, true)
	time.Sleep(3 * time.Second) // checked, failing, with nowhere to write
	if got := status(sites[0].ID); got != monitor.StatusUp {
		t.Fatalf("a site recorded %s on a full disk", got)
	}

	if err := st.LimitPages(ctx, -1); err != nil { // room again
		t.Fatal(err)
	}
	waitFor(t, "the failures written", 30*time.Second, func() bool {
		return status(sites[0].ID) == monitor.StatusDown && status(sites[1].ID) == monitor.StatusDown && sched.Ready() == nil
	})
	for _, s := range sites[:2] {
		events, err := st.Events(ctx, 0, s.ID, store.HistoryQuery{Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		if len(events) != 2 || string(events[0].To) != string(monitor.StatusDown) {
			t.Errorf("%s: events %+v, want the first up and one down", s.Name, events)
		}
	}
	if got := status(sites[2].ID); got != monitor.StatusUp {
		t.Errorf("a site that never failed is %s", got)
	}
}
