package scheduler

import (
	"context"
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

// flush writes the batch and returns what is left to write: nothing, or the batch itself when
// the write failed, to be retried a second later.
func (s *Scheduler) flush(batch []store.CheckResult, retry *time.Timer) []store.CheckResult {
	if len(batch) == 0 {
		return batch
	}
	if err := s.record(batch); err != nil {
		if limit := maxPendingBatches * s.cfg.MaxBatch; len(batch) > limit {
			s.log.Warn("dropping oldest check results the database would not take", "dropped", len(batch)-limit)
			batch = append(batch[:0], batch[len(batch)-limit:]...)
		}
		retry.Reset(time.Second)
		return batch
	}
	retry.Stop()
	return batch[:0]
}

func (s *Scheduler) flushFinal(batch []store.CheckResult) {
	for attempt := 0; len(batch) > 0 && attempt < 3; attempt++ {
		if err := s.record(batch); err == nil {
			return
		}
		time.Sleep(time.Second)
	}
	if len(batch) > 0 {
		s.log.Error("check results lost at shutdown", "results", len(batch))
	}
}

func (s *Scheduler) record(batch []store.CheckResult) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for start := 0; start < len(batch); start += s.cfg.MaxBatch {
		part := batch[start:min(start+s.cfg.MaxBatch, len(batch))]
		recs, err := s.store.RecordChecks(ctx, part)
		if err != nil {
			s.log.Error("record check results", "results", len(part), "err", err)
			return err
		}
		s.logEvents(recs)
	}
	return nil
}

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
		alerted = alerted || len(r.Alerts) > 0
	}
	if alerted && s.cfg.OnAlert != nil {
		s.cfg.OnAlert()
	}
}
