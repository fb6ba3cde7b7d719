package scheduler

import (
	"testing"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
)

func TestHeldSitesPruneForgetsUnclaimedSitesAtMostEveryFewSeconds(t *testing.T) {
	t0 := time.Date(2026, 11, 30, 6, 0, 0, 0, time.UTC)
	site := func(id int64, next time.Time) monitor.Site {
		return monitor.Site{ID: id, CheckIntervalSeconds: 10, NextCheckAt: next}
	}
	const margin = 5 * time.Second
	h := newHeldSites()
	h.claimed([]monitor.Site{site(1, t0), site(2, t0.Add(30*time.Second))})

	steps := []struct {
		at   time.Duration
		held int
		why  string
	}{
		{0, 2, "both were just claimed"},
		{16 * time.Second, 1, "site 1's slot plus its interval and the margin has passed"},
		// Site 2 is stale from 45 s on; the walk of 44 s left it and the next is not due yet.
		{44 * time.Second, 1, "site 2 is still within its interval and margin"},
		{46 * time.Second, 1, "a walk ran at 44 s: the next waits pruneEvery"},
		{44*time.Second + pruneEvery, 0, "the next walk forgets site 2"},
	}
	for _, s := range steps {
		h.prune(t0.Add(s.at), margin)
		if got := h.len(); got != s.held {
			t.Fatalf("at %v: %d sites held, want %d (%s)", s.at, got, s.held, s.why)
		}
	}
}
