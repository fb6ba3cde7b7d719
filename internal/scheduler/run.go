package scheduler

import (
	"context"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
)

// Run checks due sites until ctx is cancelled. Then it stops claiming, lets running checks
// finish for up to DrainTimeout (abandoning the rest unrecorded), writes every result it has,
// and returns.
func (s *Scheduler) Run(ctx context.Context) {
	if err := s.resume(ctx); err != nil {
		s.log.Error("resume schedule", "err", err) // the schedule is then taken as it is
	}
	go s.dispatch()
	written := make(chan struct{})
	go func() {
		defer close(written)
		s.writeResults()
	}()

	ticker := time.NewTicker(s.cfg.PollInterval)
	defer ticker.Stop()
	sweep := time.NewTicker(s.cfg.MaintenanceSweep)
	defer sweep.Stop()
	s.sweepMaintenance(ctx)
	for {
		s.claimAndStart(ctx)
		select {
		case <-sweep.C:
			s.sweepMaintenance(ctx)
		case <-ctx.Done():
			s.drain()
			s.net.close()
			close(s.results)
			<-written
			return
		case <-ticker.C:
			s.net.tick()
			s.outage.report(s.now(), int(s.backlog.Load())+s.pings.len())
		case <-s.wake:
		}
	}
}

// resume spreads the checks that fell due while Tocsin was stopped, so a restart neither
// bursts nor skips.
func (s *Scheduler) resume(ctx context.Context) error {
	n, err := s.store.ResumeSchedule(ctx, store.Resume{Now: s.now(), Grace: s.cfg.ResumeGrace, Window: s.cfg.ResumeWindow})
	if err != nil {
		return err
	}
	if n > 0 {
		s.log.Info("spreading checks missed while stopped or while the database was away", "sites", n, "window", s.cfg.ResumeWindow)
	}
	return nil
}

// outageProbeEvery is how often claims are tried while the database is away.
const outageProbeEvery = time.Second

// duringOutage checks the held sites that are due from memory, and says whether claims may be
// tried again: once a second, when every result and ping kept meanwhile is written (so no push
// deadline is judged before its pings are in), and after the overdue schedule is spread as at
// start. Then the outage is over.
func (s *Scheduler) duringOutage(ctx context.Context) bool {
	now := s.now()
	if free := cap(s.slots) - len(s.slots); free > 0 {
		sites := s.held.due(now, free)
		s.outage.checked(len(sites))
		s.start(sites, true)
	}
	if now.Sub(s.lastProbe) < outageProbeEvery || s.backlog.Load() > 0 || s.pings.len() > 0 || len(s.results) > 0 {
		return false
	}
	s.lastProbe = now
	if s.outage.writeError() != nil {
		return false
	}
	rctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := s.resume(rctx); err != nil {
		return false
	}
	s.outage.end(s.now())
	return true
}

// claimAndStart claims the sites due within the look-ahead and queues each to start at its due
// time (see dispatch), until none is left or MaxWaiting sites wait. It claims nothing while
// every slot is busy: checks are already waiting for slots, and a claim's lease runs while its
// site waits.
func (s *Scheduler) claimAndStart(ctx context.Context) {
	if s.outage.active() && !s.duringOutage(ctx) {
		return
	}
	for ctx.Err() == nil {
		limit := min(s.cfg.ClaimBatch, s.cfg.MaxWaiting-int(s.waiting.Load()))
		if limit <= 0 || len(s.slots) == cap(s.slots) {
			return
		}
		start := s.now()
		cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		sites, err := s.store.ClaimDueSites(cctx, store.Claim{Worker: s.cfg.Worker, Now: start, Due: start.Add(s.cfg.LookAhead),
			Limit: limit, LeaseMargin: s.cfg.LeaseMargin, Held: s.held.at})
		cancel()
		s.cfg.Observer.Claimed(len(sites), s.now().Sub(start))
		if err != nil {
			if ctx.Err() == nil {
				s.outage.begin(s.now(), err, false)
				s.lastProbe = s.now()
			}
			return
		}
		s.held.claimed(sites)
		s.held.prune(s.now(), s.cfg.LeaseMargin)
		// Shutdown waits for these like for running checks: they were claimed, so their slot
		// is checked now or not until the next interval.
		s.waiting.Add(int64(len(sites)))
		s.running.Add(len(sites))
		s.queue.add(sites)
		if len(sites) < limit {
			return
		}
	}
}

// start runs the sites' checks, each in a slot. Sites from memory were not claimed: their
// results end no claim, and are late (history only if another process checked the site since).
func (s *Scheduler) start(sites []monitor.Site, fromMemory bool) {
	for _, site := range sites {
		s.slots <- struct{}{}
		s.running.Add(1)
		s.goCheck(site, fromMemory)
	}
}

// runScheduled runs a site's check in the slot taken for it (by dispatch, for claimed sites).
func (s *Scheduler) runScheduled(site monitor.Site, fromMemory bool) {
	defer s.running.Done()
	defer func() { <-s.slots }()
	s.cfg.Observer.Lateness(s.now().Sub(dueSlot(site)))
	r := s.runProbe(site)
	if s.checkCtx.Err() != nil {
		return
	}
	s.net.observe(site, store.CheckResult{SiteID: site.ID, Result: r, Claimed: !fromMemory, Late: fromMemory})
}

// checkStack is about the stack a check's goroutine reaches. Reserved when a checker starts,
// while the stack is still shallow, it costs one small copy; grown as the check goes deeper, it
// cost several copies of a deep stack, some 4 % of Tocsin's CPU at 1,000 checks a second. Once
// per checker, not per check: the frame is zeroed each time (3 %).
const checkStack = 12 << 10

//go:noinline
func reserveStack(i int) byte {
	var frame [checkStack]byte
	frame[i] = 1 // i is not a constant, so the frame cannot be optimised away
	return frame[len(frame)-1-i]
}

// runProbe checks the site and returns a result fit to store: its text is cleaned here too,
// whatever the probe function did, since one unstorable row costs every site in its batch a write.
func (s *Scheduler) runProbe(site monitor.Site) monitor.Result {
	start := monitor.StoredTime(s.now())
	var r monitor.Result
	if site.Kind == monitor.KindPush {
		r = site.MissedPing() // a push site is due only when its deadline passed without a ping
	} else {
		r = s.probe(s.checkCtx, site.Target())
	}
	r.CheckedAt = start
	s.cfg.Observer.CheckDone(site.Kind, r.Status, s.now().Sub(start))
	return r.Clean()
}

// drain stops new checks and waits for running ones, up to DrainTimeout.
func (s *Scheduler) drain() {
	s.mu.Lock()
	s.stopping = true
	s.mu.Unlock()
	done := make(chan struct{})
	go func() {
		s.running.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(s.cfg.DrainTimeout):
		s.log.Warn("abandoning checks still running at shutdown", "running", len(s.slots), "waited", s.cfg.DrainTimeout)
		s.cancelChecks()
		<-done
	}
	s.cancelChecks()
}
