package scheduler

import (
	"context"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
)

// CheckNow checks the site at once, outside its schedule, and records the result like any other.
// The check goes on if ctx is cancelled (a client that hangs up still gets its check recorded);
// only shutdown stops it.
func (s *Scheduler) CheckNow(ctx context.Context, site monitor.Site) (store.Recorded, error) {
	s.mu.Lock()
	if s.stopping {
		s.mu.Unlock()
		return store.Recorded{}, ErrStopping
	}
	s.running.Add(1)
	s.mu.Unlock()
	defer s.running.Done()

	// A site checked here is held as if claimed: a new site's first check comes here, and it
	// must be checked from memory if the database goes away before its first claim.
	s.held.claimed([]monitor.Site{site})
	r := s.runProbe(site)
	if s.checkCtx.Err() != nil {
		return store.Recorded{}, ErrStopping
	}
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	// Outside the schedule nothing waits for a verdict: a failure with no answer is held only
	// while the network is already taken to be down.
	held := r.NoAnswer && r.Status == monitor.StatusDown && s.net.down()
	recs, err := s.store.RecordChecks(wctx, []store.CheckResult{{SiteID: site.ID, Result: r, Held: held}})
	if err != nil {
		return store.Recorded{}, err
	}
	if len(recs) == 0 {
		return store.Recorded{}, store.ErrNotFound // deleted while it was being checked
	}
	s.logEvents(recs)
	s.Wake() // a failure may have brought the next check forward
	return recs[0], nil
}
