package scheduler

import (
	"slices"
	"time"

	"github.com/tocsin/tocsin/internal/store"
)

// maxPendingBatches bounds the results kept in memory while the database refuses writes; past
// it the oldest are dropped, since the sites will be checked again anyway.
const maxPendingBatches = 20

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
		}
	}
}

// flush writes the batch and returns what is left to write: nothing, or the results the
// database did not take because it failed, to be retried a second later.
func (s *Scheduler) flush(batch []store.CheckResult, retry *time.Timer) []store.CheckResult {
	if len(batch) == 0 {
		return batch
	}
	left := s.record(batch)
	if len(left) == 0 {
		retry.Stop()
		return batch[:0]
	}
	if limit := maxPendingBatches * s.cfg.MaxBatch; len(left) > limit {
		s.log.Warn("dropping oldest check results the database would not take", "dropped", len(left)-limit)
		left = left[len(left)-limit:]
	}
	retry.Reset(time.Second)
	return slices.Clone(left) // the batch's array is reused by the next results
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
