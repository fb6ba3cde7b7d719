package scheduler

import (
	"container/heap"
	"sync"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
)

// startGrid: sites start at their due time rounded down to a multiple of it, so those due
// within one step of the grid start together, on one wake of the dispatcher: each wake of an
// idle process costs about what a check does (at 200 checks/s, a 10 ms grid cost 30% more CPU
// per check than a 50 ms one, and its lateness was no better). Intervals are whole seconds, a multiple of the
// grid, so a site starts at the same offset every interval and the gap its target sees between
// two checks is the interval exactly; only the start moves, by less than the grid, earlier.
const startGrid = 50 * time.Millisecond

// dueQueue holds the claimed sites waiting for their due time, earliest first. One goroutine,
// dispatch, sleeps until the earliest is due: a timer per site would wake the process once per
// check.
type dueQueue struct {
	mu      sync.Mutex
	sites   dueHeap
	changed chan struct{} // an earlier site came in: the dispatcher's sleep is too long
}

// dueSite points into the slice its claim returned (a site is 600 bytes: copied into the heap
// and boxed at each push and pop, it was a tenth of a check's allocations).
type dueSite struct {
	due  time.Time
	site *monitor.Site
}

type dueHeap []dueSite

func (h dueHeap) Len() int           { return len(h) }
func (h dueHeap) Less(i, j int) bool { return h[i].due.Before(h[j].due) }
func (h dueHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *dueHeap) Push(x any)        { *h = append(*h, x.(dueSite)) }
func (h *dueHeap) Pop() any {
	old := *h
	last := old[len(old)-1]
	old[len(old)-1] = dueSite{}
	*h = old[:len(old)-1]
	return last
}

func newDueQueue() *dueQueue { return &dueQueue{changed: make(chan struct{}, 1)} }

// add queues claimed sites.
func (q *dueQueue) add(sites []monitor.Site) {
	if len(sites) == 0 {
		return
	}
	q.mu.Lock()
	earliest := len(q.sites) == 0
	for i := range sites {
		due := dueSlot(sites[i]).Truncate(startGrid)
		earliest = earliest || due.Before(q.sites[0].due)
		heap.Push(&q.sites, dueSite{due, &sites[i]})
	}
	q.mu.Unlock()
	if earliest {
		select {
		case q.changed <- struct{}{}:
		default:
		}
	}
}

// take removes the sites due by now and says how long until
// the next one is due; ok is false when none waits.
func (q *dueQueue) take(now time.Time, ready []monitor.Site) (_ []monitor.Site, wait time.Duration, ok bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for len(q.sites) > 0 && !q.sites[0].due.After(now) {
		ready = append(ready, *heap.Pop(&q.sites).(dueSite).site)
	}
	if len(q.sites) == 0 {
		return ready, 0, false
	}
	return ready, q.sites[0].due.Sub(now), true
}

// dispatch starts each queued site's check at its due time, until shutdown gives up on
// checks; then the sites still queued are dropped unchecked.
func (s *Scheduler) dispatch() {
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	var ready []monitor.Site
	for {
		var wait time.Duration
		var more bool
		ready, wait, more = s.queue.take(s.now(), ready[:0])
		for i, site := range ready {
			select {
			case s.slots <- struct{}{}:
			case <-s.checkCtx.Done():
				s.abandon(len(ready) - i)
				s.abandonQueued()
				return
			}
			s.waiting.Add(-1)
			s.goCheck(site, false)
		}
		clear(ready) // the sites' memory is the checks' now
		if !more {
			wait = time.Hour
		}
		timer.Reset(wait)
		select {
		case <-timer.C:
		case <-s.queue.changed: // Reset, next round, drops the old deadline (Go 1.23 timers)
		case <-s.checkCtx.Done():
			s.abandonQueued()
			return
		}
	}
}

// abandon gives up n claimed checks that will not run.
func (s *Scheduler) abandon(n int) {
	s.waiting.Add(-int64(n))
	for range n {
		s.running.Done()
	}
}

func (s *Scheduler) abandonQueued() {
	s.queue.mu.Lock()
	n := len(s.queue.sites)
	s.queue.sites = nil
	s.queue.mu.Unlock()
	s.abandon(n)
}
