package scheduler

import (
	"sync"
	"testing"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
)

// recordingObserver keeps what it was told.
type recordingObserver struct {
	mu       sync.Mutex
	checks   []monitor.Status
	lateness []time.Duration
	claimed  int
	written  int
}

func (o *recordingObserver) CheckDone(_ monitor.Kind, status monitor.Status, _ time.Duration) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.checks = append(o.checks, status)
}

func (o *recordingObserver) Lateness(d time.Duration) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.lateness = append(o.lateness, d)
}

func (o *recordingObserver) Claimed(sites int, _ time.Duration) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.claimed += sites
}

func (o *recordingObserver) Wrote(results int, _ time.Duration, err error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if err == nil {
		o.written += results
	}
}

func (o *recordingObserver) snapshot() recordingObserver {
	o.mu.Lock()
	defer o.mu.Unlock()
	return recordingObserver{checks: append([]monitor.Status(nil), o.checks...),
		lateness: append([]time.Duration(nil), o.lateness...), claimed: o.claimed, written: o.written}
}

func TestObserverSeesChecksLatenessClaimsAndWrites(t *testing.T) {
	forEachStore(t, func(t *testing.T, st store.Store) {
		clk, tg := newClock(), newTarget(t)
		tg.code.Store(500)
		addSite(t, st, clk, tg.URL+"/late", 10, clk.Now().Add(-3*time.Second))
		obs := &recordingObserver{}
		cfg := fastConfig()
		cfg.Observer = obs
		start(t, st, clk, cfg, httpProbe())

		waitFor(t, "the check to be written", func() bool { return obs.snapshot().written == 1 })
		got := obs.snapshot()
		if len(got.checks) != 1 || got.checks[0] != monitor.StatusDown {
			t.Errorf("checks %v, want one down", got.checks)
		}
		if len(got.lateness) != 1 || got.lateness[0] != 3*time.Second {
			t.Errorf("lateness %v, want 3s: the site was due 3s before the clock's now", got.lateness)
		}
		if got.claimed != 1 {
			t.Errorf("claimed %d sites, want 1", got.claimed)
		}
	})
}

// A site that fell several intervals behind is late by its lateness within the slot it is
// checked for; the slots it missed are skipped, not counted.
func TestDueSlotIsTheSlotTheClaimServes(t *testing.T) {
	now := time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		next time.Time // next_check_at after the claim
		want time.Duration
	}{
		{"on time", now.Add(10 * time.Second), 0},
		{"3s late", now.Add(7 * time.Second), 3 * time.Second},
		{"35s behind", now.Add(5 * time.Second), 5 * time.Second},
	}
	for _, tt := range tests {
		site := monitor.Site{CheckIntervalSeconds: 10, NextCheckAt: tt.next}
		if got := now.Sub(dueSlot(site)); got != tt.want {
			t.Errorf("%s: lateness %v, want %v", tt.name, got, tt.want)
		}
	}
}
