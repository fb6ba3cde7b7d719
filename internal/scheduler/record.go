package scheduler

import (
	"context"
	"errors"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
)

// UnstorableErrorText replaces a check's error text when the database refused the result with
// it: the check is kept (its status still counts), only its reason is lost.
const UnstorableErrorText = "check error text could not be stored"

// record writes the batch, in order, in transactions of at most MaxBatch results. It returns
// the results left for a later try because the database failed; the parts that landed are not
// among them, so a retry never writes a check twice. One result the database refuses cannot
// hold back the others: see batchWriter.
func (s *Scheduler) record(batch []store.CheckResult) []store.CheckResult {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	w := batchWriter{s: s, ctx: ctx}
	for start := 0; start < len(batch); start += s.cfg.MaxBatch {
		part := batch[start:min(start+s.cfg.MaxBatch, len(batch))]
		if done := w.write(part); w.down {
			return w.left(batch[start+done:])
		}
	}
	return w.left(nil)
}

// batchWriter writes one flush's results. A write that fails is split in halves, and the halves
// split again, down to the result the database refuses alone; that result is written without
// its text, logged once, and the rest go on. So a row no store takes costs its own text, not
// every site its results.
//
// A database that fails refuses everything, which looks different: a result without its text
// is refused too, and so is the next one. Then nothing is stripped or dropped; the rest of the
// batch is left, in order, for a later try.
type batchWriter struct {
	s   *Scheduler
	ctx context.Context
	// suspect was refused alone, even without its text. It is dropped once a later write lands
	// (the database works: the row is at fault) and left for later if the next write fails too.
	suspect    *store.CheckResult
	suspectErr error
	down       bool  // the database failed: nothing more is tried in this flush
	err        error // the last refusal, for the log
}

// write writes rows in order and returns how many it dealt with (written, stripped of their
// text, or held as the suspect): all of them unless the database failed.
func (w *batchWriter) write(rows []store.CheckResult) int {
	if w.down || len(rows) == 0 {
		return 0
	}
	err := w.try(rows)
	switch {
	case err == nil:
		return len(rows)
	case errors.Is(err, store.ErrUnavailable):
		// The database is away, not refusing a row: split nothing, strip nothing, try later.
		w.down = true
		return 0
	case len(rows) == 1:
		return w.isolate(rows[0], err)
	}
	half := len(rows) / 2
	if done := w.write(rows[:half]); done < half {
		return done
	}
	return half + w.write(rows[half:])
}

// isolate deals with one result the database refused: written without its text if the database
// takes it so, otherwise held as the suspect; a second such result means the database is failing.
func (w *batchWriter) isolate(row store.CheckResult, refusal error) int {
	err := w.try([]store.CheckResult{withoutText(row)})
	if err == nil {
		w.s.log.Warn("check result stored without its text, which the database refused",
			"site_id", row.SiteID, "checked_at", row.Result.CheckedAt, "err", refusal)
		return 1
	}
	if w.suspect != nil || errors.Is(err, store.ErrUnavailable) {
		w.down = true
		return 0
	}
	w.suspect, w.suspectErr = &row, refusal
	return 1
}

// try writes rows in one transaction.
func (w *batchWriter) try(rows []store.CheckResult) error {
	start := w.s.now()
	recs, err := w.s.store.RecordChecks(w.ctx, rows)
	w.s.cfg.Observer.Wrote(len(rows), w.s.now().Sub(start), err)
	if err != nil {
		w.err = err
		return err
	}
	if w.suspect != nil {
		w.s.log.Error("check result dropped: the database refuses it even without its text",
			"site_id", w.suspect.SiteID, "checked_at", w.suspect.Result.CheckedAt, "err", w.suspectErr)
		w.suspect = nil
	}
	w.s.logEvents(recs)
	if anyFailed(rows) {
		w.s.Wake() // a failure may have brought its site's next check forward, to retry it
	}
	return nil
}

func anyFailed(rows []store.CheckResult) bool {
	for _, r := range rows {
		if r.Result.Status != monitor.StatusUp {
			return true
		}
	}
	return false
}

// left is what a later flush must write: the suspect, if nothing landed after it, then rest.
func (w *batchWriter) left(rest []store.CheckResult) []store.CheckResult {
	if w.suspect != nil {
		rest = append([]store.CheckResult{*w.suspect}, rest...)
	}
	if len(rest) > 0 {
		w.s.lastWriteErr = w.err // logged as part of the outage, not once a second
	}
	return rest
}

// withoutText is the result with nothing a target chose but its status, code and timing: the
// error says it could not be stored, and the timings and certificate expiry are left out.
func withoutText(r store.CheckResult) store.CheckResult {
	if r.Result.Error != "" {
		r.Result.Error = UnstorableErrorText
	}
	r.Result.Timings, r.Result.CertExpiresAt = nil, nil
	return r
}
