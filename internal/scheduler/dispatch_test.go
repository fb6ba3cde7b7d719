package scheduler

import (
	"testing"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
)

// The queue hands out claimed sites in due order, each once it is due on the start grid.
func TestDueQueueHandsOutSitesWhenDue(t *testing.T) {
	t0 := time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC)
	claimed := func(id int64, due time.Duration) monitor.Site {
		// A claim moves next_check_at one interval past the slot it serves.
		return monitor.Site{ID: id, CheckIntervalSeconds: 10, NextCheckAt: t0.Add(due + 10*time.Second)}
	}
	q := newDueQueue()
	q.add([]monitor.Site{claimed(3, 500*time.Millisecond), claimed(1, 0), claimed(2, 530*time.Millisecond)})
	select {
	case <-q.changed:
	default:
		t.Error("adding to an empty queue did not wake the dispatcher")
	}
	ids := func(sites []monitor.Site) (got []int64) {
		for _, s := range sites {
			got = append(got, s.ID)
		}
		return got
	}
	ready, wait, more := q.take(t0, nil)
	if len(ready) != 1 || ready[0].ID != 1 || !more || wait != 500*time.Millisecond {
		t.Fatalf("at the start: %v, next in %v (%v)", ids(ready), wait, more)
	}
	// 500 and 530 ms share a 50 ms step of the grid: they start together.
	ready, _, more = q.take(t0.Add(500*time.Millisecond), nil)
	if len(ready) != 2 || more {
		t.Fatalf("at 500 ms: %v (%v), want sites 3 and 2, and none left", ids(ready), more)
	}
	q.add([]monitor.Site{claimed(4, time.Second)})
	q.add([]monitor.Site{claimed(5, 720*time.Millisecond)})
	if len(q.changed) != 1 {
		t.Error("an earlier site did not wake the dispatcher")
	}
	if ready, wait, _ := q.take(t0.Add(600*time.Millisecond), nil); len(ready) != 0 || wait != 100*time.Millisecond {
		t.Errorf("at 600 ms: %v, next in %v; want none, the next (720 ms, on the grid 700) in 100 ms", ids(ready), wait)
	}
}
