// Package scheduler keeps every site checked on time: it claims due sites from the store, runs
// their checks on a bounded pool, and writes the results back in batches.
package scheduler

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
)

// ProbeFunc runs one check; the scheduler stamps the result's time.
type ProbeFunc func(ctx context.Context, target monitor.Target) monitor.Result

// Config tunes the scheduler; zero fields take the defaults below.
type Config struct {
	Worker        string        // names this process in claims
	MaxConcurrent int           // checks running at once
	PollInterval  time.Duration // how often due sites are looked for
	// LookAhead: each look claims the sites due within it, and each claimed site waits in a
	// queue for its due time, so a check starts on time, not at the next look. It must
	// exceed PollInterval by more than a claim takes; the default is four polls, at most 2s.
	LookAhead time.Duration
	// MaxWaiting bounds the sites claimed and waiting for their due time (or for a free slot).
	MaxWaiting int
	// ClaimBatch bounds the sites one claim statement hands out.
	ClaimBatch    int
	LeaseMargin   time.Duration // added to a check's timeout to bound its claim
	FlushInterval time.Duration // longest a result waits to be written
	MaxBatch      int           // most results written in one transaction
	DrainTimeout  time.Duration // how long shutdown waits for running checks
	ResumeGrace   time.Duration // overdue by less than this at start: checked at once
	ResumeWindow  time.Duration // overdue sites at start are spread over this
	// MaintenanceSweep is how often the maintenance windows' openings and closings are written
	// (see sweepMaintenance).
	MaintenanceSweep time.Duration
	// OnAlert, if set, is called after results that raised alerts are written, so the
	// dispatcher sends them at once instead of at its next poll.
	OnAlert func()
	// Observer, if set, is told of checks, claims and writes (for metrics).
	Observer Observer
	// OutageBuffer bounds the check results (and push pings) kept in memory while the
	// database is away; past it the oldest are dropped, with one log line.
	OutageBuffer int
	// Canaries are probed, with the probe function, to tell whether Tocsin's own network is
	// down when checks fail with no answer (see netrule.go); none leaves the mass rule alone.
	Canaries []monitor.Target
}

func (c Config) withDefaults() Config {
	def := func(v *time.Duration, d time.Duration) {
		if *v <= 0 {
			*v = d
		}
	}
	// Checks start from a queue at their due time, so the poll needs only to outpace the
	// look-ahead: a slower one costs fewer claims.
	def(&c.PollInterval, 500*time.Millisecond)
	def(&c.LeaseMargin, 30*time.Second)
	// Half a second: at 1,000 checks a second, batches written twice as often cost 4-6 % more
	// CPU per check, and checks started later (p99 16 ms against 12): each write is a burst of
	// work that the checks due meanwhile wait behind, and smaller ones are not cheaper per row.
	def(&c.FlushInterval, 500*time.Millisecond)
	def(&c.DrainTimeout, 10*time.Second)
	def(&c.ResumeGrace, 5*time.Second)
	def(&c.ResumeWindow, time.Minute)
	def(&c.LookAhead, min(4*c.PollInterval, 2*time.Second))
	def(&c.MaintenanceSweep, 5*time.Second)
	if c.MaxConcurrent <= 0 {
		c.MaxConcurrent = 500
	}
	if c.MaxWaiting <= 0 {
		c.MaxWaiting = 20000
	}
	if c.ClaimBatch <= 0 {
		c.ClaimBatch = 1000
	}
	if c.OutageBuffer <= 0 {
		c.OutageBuffer = DefaultOutageBuffer
	}
	if c.MaxBatch <= 0 {
		c.MaxBatch = 500
	}
	if c.Worker == "" {
		c.Worker = "tocsin"
	}
	if c.Observer == nil {
		c.Observer = nopObserver{}
	}
	return c
}

// DefaultOutageBuffer is how many results are kept while the database is away, unless set:
// a few hours of 300 sites checked every minute, in some tens of megabytes.
const DefaultOutageBuffer = 50000

// ErrStopping is returned by CheckNow once shutdown has begun. It wraps context.Canceled, which
// is how callers that do not know this package recognise it.
var ErrStopping = fmt.Errorf("tocsin is shutting down: %w", context.Canceled)

// Scheduler runs background checks. Build it with New, start it with Run.
type Scheduler struct {
	store Store
	probe ProbeFunc
	now   func() time.Time
	log   *slog.Logger
	cfg   Config

	slots   chan struct{} // one token per running scheduled check
	waiting atomic.Int64  // sites claimed whose check has not taken a slot yet
	queue   *dueQueue     // the claimed sites, until their due time
	wake    chan struct{} // a site was added or changed: look for due sites now
	// idleCheckers takes a check to a goroutine that finished one and waits (see goCheck).
	idleCheckers chan checkJob
	results      chan store.CheckResult
	net          *netWatch // between the checks and results: holds what our own network failed

	held      *heldSites // the sites this process claimed last, checked from memory in an outage
	outage    *dbOutage
	backlog   atomic.Int64 // results the writer holds because the database would not take them
	lastProbe time.Time    // the last claim tried during an outage (Run's goroutine only)
	pings     pingBuffer   // push pings the database could not take
	// lastWriteErr is why the last write failed (the writer's goroutine only).
	lastWriteErr error

	// checkCtx is cancelled only when shutdown gives up waiting; a cancelled check is not
	// recorded, so Tocsin never writes a false "down" caused by its own shutdown.
	checkCtx     context.Context
	cancelChecks context.CancelFunc

	mu       sync.Mutex
	stopping bool
	running  sync.WaitGroup // every check in flight, scheduled or on demand
}

// New builds a scheduler. now is the clock every check time and due time is read from.
func New(st Store, probe ProbeFunc, now func() time.Time, log *slog.Logger, cfg Config) *Scheduler {
	cfg = cfg.withDefaults()
	ctx, cancel := context.WithCancel(context.Background())
	results := make(chan store.CheckResult, cfg.MaxConcurrent)
	return &Scheduler{
		store: st, probe: probe, now: now, log: log, cfg: cfg,
		slots:        make(chan struct{}, cfg.MaxConcurrent),
		wake:         make(chan struct{}, 1),
		idleCheckers: make(chan checkJob),
		queue:        newDueQueue(),
		results:      results,
		net:          newNetWatch(st, probe, cfg.Canaries, now, log, results),
		checkCtx:     ctx, cancelChecks: cancel,
		held:   newHeldSites(),
		outage: &dbOutage{log: log},
		pings:  pingBuffer{wake: make(chan struct{}, 1)},
	}
}

// Wake makes the scheduler look for due sites now rather than at its next poll: call it when a
// site was added or changed, so a site due at once is checked at once. It never blocks.
func (s *Scheduler) Wake() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// Ready says whether check results are being written: an error while the database will not
// take them (/readyz fails), nil otherwise.
func (s *Scheduler) Ready() error { return s.outage.writeError() }
