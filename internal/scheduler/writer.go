package scheduler

import (
	"slices"
	"time"

	"github.com/tocsin/tocsin/internal/store"
)

// writeResults batches results into few transactions: a batch is written when it is full or
// FlushInterval after its first result arrived. It returns once results is closed and drained.
func (s *Scheduler) writeResults() {
	var batch []store.CheckResult
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	for {
		select {
		case r, ok := <-s.results:
			if !ok {
				s.flushFinal(batch)
				return
			}
			batch = append(batch, r)
			if len(batch) == 1 {
				timer.Reset(s.cfg.FlushInterval)
			}
			if len(batch) >= s.cfg.MaxBatch {
				batch = s.flush(batch, timer)
			}
		case <-timer.C:
			batch = s.flush(batch, timer)
		case <-s.pings.wake:
			batch = s.flush(batch, timer)
		}
	}
}

// flush writes the batch, and the push pings kept meanwhile, and returns what is left to
// write: nothing, or the results the database did not take because it failed, to be retried a
// second later. Those are late: written once the database is back, in order, they change a
// site's status only if no other process checked it since. Past the outage buffer the oldest
// are dropped, since their sites are checked again anyway.
func (s *Scheduler) flush(batch []store.CheckResult, retry *time.Timer) []store.CheckResult {
	pings, pingErr := s.pings.resolve(s.store)
	batch = append(batch, pings...)
	if len(batch) == 0 && pingErr == nil {
		return batch
	}
	var left []store.CheckResult
	if len(batch) > 0 {
		left = s.record(batch)
	}
	if len(left) == 0 && pingErr == nil {
		retry.Stop()
		s.backlog.Store(0)
		s.outage.wrote()
		return batch[:0]
	}
	if len(left) > 0 {
		s.outage.begin(s.now(), s.lastWriteErr, true)
	} else {
		s.outage.begin(s.now(), pingErr, true)
	}
	if limit := s.cfg.OutageBuffer; len(left) > limit {
		s.outage.drop(len(left)-limit, limit)
		left = left[len(left)-limit:]
	}
	left = slices.Clone(left) // the batch's array is reused by the next results
	for i := range left {
		left[i].Late = true
	}
	s.backlog.Store(int64(len(left)))
	retry.Reset(time.Second)
	return left
}

func (s *Scheduler) flushFinal(batch []store.CheckResult) {
	for attempt := 0; len(batch) > 0 && attempt < 3; attempt++ {
		if attempt > 0 {
			time.Sleep(time.Second)
		}
		batch = s.record(batch)
	}
	if len(batch) > 0 {
		s.log.Error("check results lost at shutdown", "results", len(batch))
	}
}

// unroutedAlertLog is logged once for each alert that had no webhook to go to.
const unroutedAlertLog = "alert has nowhere to go: the site names no webhook and its owner has no default"

// logEvents logs each status change once, here where it is handled, and wakes the dispatcher
// when an alert was queued.
func (s *Scheduler) logEvents(recs []store.Recorded) {
	alerted := false
	for _, r := range recs {
		if ev := r.Event; ev != nil {
			s.log.Info("site status changed", "site_id", ev.SiteID, "from", ev.From, "to", ev.To, "reason", ev.Reason)
		}
		if ev := r.Latency; ev != nil {
			s.log.Info("site latency changed", "site_id", ev.SiteID, "from", ev.From, "to", ev.To, "reason", ev.Reason)
		}
		for _, kind := range r.Unrouted {
			s.log.Warn(unroutedAlertLog, "site_id", r.Check.SiteID, "alert", kind)
		}
		alerted = alerted || len(r.Alerts) > 0
	}
	if alerted && s.cfg.OnAlert != nil {
		s.cfg.OnAlert()
	}
}
