package scheduler

import (
	"sync"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
)

// heldSites is the schedule of the sites this process holds: those it claimed last. While the
// database is away they are checked from here, each at the slots of its interval; a site
// another process claims meanwhile is not, since the claim that would say so cannot be read.
type heldSites struct {
	mu    sync.Mutex
	sites map[int64]*heldSite
	// prunedAt is when prune last walked the map: a walk visits every held site, so it runs at
	// most once a pruneEvery, not after every claim (at 10,000 sites that cost 27 µs a check).
	prunedAt time.Time
}

// pruneEvery is how often prune walks the held sites at most. A site kept up to this much
// longer than its lease margin is checked from memory only during an outage, and only if it
// was released within this time before the outage began.
const pruneEvery = 5 * time.Second

type heldSite struct {
	site monitor.Site
	next time.Time // the slot it is due at next
}

func newHeldSites() *heldSites { return &heldSites{sites: map[int64]*heldSite{}} }

// claimed notes sites just claimed: the claim moved their NextCheckAt to their next slot.
func (h *heldSites) claimed(sites []monitor.Site) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, s := range sites {
		if held, ok := h.sites[s.ID]; ok {
			held.site, held.next = s, s.NextCheckAt // in place: a new one per claim was 600 bytes a check
			continue
		}
		h.sites[s.ID] = &heldSite{site: s, next: s.NextCheckAt}
	}
}

// at gives the held site id if its settings are still at version: a claim then need not read
// the site again. Only its settings are the store's; a check reads nothing else of it.
func (h *heldSites) at(id, version int64) (monitor.Site, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	s, ok := h.sites[id]
	if !ok || s.site.Version != version {
		return monitor.Site{}, false
	}
	return s.site, true
}

// prune forgets the sites this process did not claim at their last slot, plus a margin: another
// process took them, or they were paused, edited or deleted. Call it only while claims work.
func (h *heldSites) prune(now time.Time, margin time.Duration) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if now.Sub(h.prunedAt) < pruneEvery && !now.Before(h.prunedAt) {
		return
	}
	h.prunedAt = now
	for id, s := range h.sites {
		if now.After(s.next.Add(s.site.Interval() + margin)) {
			delete(h.sites, id)
		}
	}
}

// due takes up to limit held sites whose slot has come, moving each to its next slot after
// now, and returns them with NextCheckAt set to that slot (as a claim returns them). Push
// sites are never due from memory: a deadline is judged only once the pings that arrived
// meanwhile are written.
func (h *heldSites) due(now time.Time, limit int) []monitor.Site {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []monitor.Site
	for _, s := range h.sites {
		if len(out) >= limit {
			break
		}
		if s.site.Kind == monitor.KindPush || s.site.Paused || s.next.After(now) {
			continue
		}
		interval := s.site.Interval()
		if interval <= 0 {
			continue
		}
		missed := now.Sub(s.next) / interval
		s.next = s.next.Add((missed + 1) * interval)
		site := s.site
		site.NextCheckAt = s.next
		out = append(out, site)
	}
	return out
}

func (h *heldSites) len() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.sites)
}
