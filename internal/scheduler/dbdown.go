package scheduler

import (
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/tocsin/tocsin/internal/store"
)

// outageReportEvery is how often a database outage still going on is reported.
const outageReportEvery = time.Minute

// dbOutage is the time the database will not take claims or results. While it lasts the
// scheduler checks the sites it holds from memory (held.go) and keeps their results; it is
// logged as one line when it starts, a count every minute, and one line when it ends, not a
// line per failed write.
type dbOutage struct {
	log *slog.Logger

	mu          sync.Mutex
	since       time.Time // zero: no outage
	reported    time.Time
	err         error // the last failure, for the log
	writeErr    error // set while the writer's last attempt failed: /readyz fails
	checks      int   // checks run from memory during this outage
	dropped     int   // results dropped because the buffer was full
	boundLogged bool
}

// begin notes a failed claim or write; the first one of an outage is logged.
func (o *dbOutage) begin(now time.Time, err error, write bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.err = err
	if write {
		o.writeErr = err
	}
	if !o.since.IsZero() {
		return
	}
	o.since, o.reported, o.checks, o.dropped, o.boundLogged = now, now, 0, 0, false
	msg := "database unavailable: checking the sites this process holds from memory and keeping their results until it is back"
	if !errors.Is(err, store.ErrUnavailable) {
		msg = "database failing: checking the sites this process holds from memory and keeping their results until it works"
	}
	o.log.Warn(msg, "err", err)
}

// wrote notes that the writer's results all landed.
func (o *dbOutage) wrote() {
	o.mu.Lock()
	o.writeErr = nil
	o.mu.Unlock()
}

func (o *dbOutage) active() bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	return !o.since.IsZero()
}

// writeError is why results cannot be written, nil while they can.
func (o *dbOutage) writeError() error {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.writeErr
}

func (o *dbOutage) checked(n int) {
	o.mu.Lock()
	o.checks += n
	o.mu.Unlock()
}

// report logs, once a minute, that the outage goes on.
func (o *dbOutage) report(now time.Time, buffered int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.since.IsZero() || now.Sub(o.reported) < outageReportEvery {
		return
	}
	o.reported = now
	o.log.Warn("database still unavailable", "for", now.Sub(o.since).Round(time.Second), "checks_from_memory", o.checks,
		"results_buffered", buffered, "results_dropped", o.dropped, "err", o.err)
}

// drop notes results dropped because the buffer is full; the first time in an outage says so.
func (o *dbOutage) drop(n, bound int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.dropped += n
	if !o.boundLogged {
		o.boundLogged = true
		o.log.Error("outage buffer full: dropping the oldest check results kept while the database is away (TOCSIN_OUTAGE_BUFFER)",
			"bound", bound)
	}
}

// end logs the end of the outage: every result kept was written.
func (o *dbOutage) end(now time.Time) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.since.IsZero() {
		return
	}
	o.log.Info("database back: results kept during the outage are written; checks resume from the schedule",
		"outage", now.Sub(o.since).Round(time.Second), "checks_from_memory", o.checks, "results_dropped", o.dropped)
	o.since, o.err, o.writeErr = time.Time{}, nil, nil
}
