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
	s.resume(ctx)
	go s.dispatch()
	written := make(chan struct{})
	go func() {
		defer close(written)
		s.writeResults()
	}()

	ticker := time.NewTicker(s.cfg.PollInterval)
	defer ticker.Stop()
	for {
		s.claimAndStart(ctx)
		select {
		case <-ctx.Done():
			s.drain()
			s.net.close()
			close(s.results)
			<-written
			return
		case <-ticker.C:
			s.net.tick()
		case <-s.wake:
		}
	}
}

// resume spreads the checks that fell due while Tocsin was stopped, so a restart neither
// bursts nor skips.
func (s *Scheduler) resume(ctx context.Context) {
	n, err := s.store.ResumeSchedule(ctx, store.Resume{Now: s.now(), Grace: s.cfg.ResumeGrace, Window: s.cfg.ResumeWindow})
	if err != nil {
		s.log.Error("resume schedule", "err", err)
		return
	}
	if n > 0 {
		s.log.Info("spreading checks missed while stopped", "sites", n, "window", s.cfg.ResumeWindow)
	}
}

// claimAndStart claims the sites due within the look-ahead and queues each to start at its due
// time (see dispatch), until none is left or MaxWaiting sites wait. It claims nothing while every slot is busy:
// checks are already waiting for slots, and a claim's lease runs while its site waits.
func (s *Scheduler) claimAndStart(ctx context.Context) {
	for ctx.Err() == nil {
		limit := min(s.cfg.ClaimBatch, s.cfg.MaxWaiting-int(s.waiting.Load()))
		if limit <= 0 || len(s.slots) == cap(s.slots) {
			return
		}
		start := s.now()
		sites, err := s.store.ClaimDueSites(ctx, store.Claim{Worker: s.cfg.Worker, Now: start.Add(s.cfg.LookAhead),
			Limit: limit, LeaseMargin: s.cfg.LeaseMargin})
		s.cfg.Observer.Claimed(len(sites), s.now().Sub(start))
		if err != nil {
			if ctx.Err() == nil {
				s.log.Error("claim due sites", "err", err)
			}
			return
		}
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

// runScheduled runs a claimed site's check in the slot dispatch took for it.
func (s *Scheduler) runScheduled(site monitor.Site) {
	defer s.running.Done()
	defer func() { <-s.slots }()
	s.cfg.Observer.Lateness(s.now().Sub(dueSlot(site)))
	r := s.runProbe(site)
	if s.checkCtx.Err() != nil {
		return
	}
	s.net.observe(site, store.CheckResult{SiteID: site.ID, Result: r, Claimed: true})
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
