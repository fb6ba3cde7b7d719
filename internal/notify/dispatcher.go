// Package notify delivers alerts from the outbox to their channels: it leases channels that
// have notifications due, has the channel's type (channel.Driver) pack their alerts into as few
// messages as the destination allows, sends them at a pace it accepts, and records each
// outcome before the next send, retrying what failed. Leases, ordering, pacing, backoff,
// giving up and disabling a dead destination are the same for every type.
package notify

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/tocsin/tocsin/internal/notify/channel"
	"github.com/tocsin/tocsin/internal/store"
)

// Config tunes the dispatcher; zero fields take the defaults in withDefaults.
type Config struct {
	Worker        string        // names this process in channel leases
	PollInterval  time.Duration // how often retries that fell due are looked for
	MaxRows       int           // notifications sent to one channel per round
	Parallel      int           // channels served at once
	BackoffBase   time.Duration // first retry after a failure, before jitter
	BackoffMax    time.Duration // longest wait between retries
	GiveUpAfter   time.Duration // a notification older than this is given up at its next failure
	MaxInlineWait time.Duration // rate-limit waits up to this are slept; longer ones are rescheduled
	// SendTimeout bounds one send, the destination's answer included. Long, because a message
	// answered late has usually been taken, and resending it sends it twice.
	SendTimeout time.Duration
	// UnansweredWait is added to the backoff after a message was sent but not answered (a
	// timeout, a connection cut after the request): long enough for a slow destination to
	// have finished with it, so the resend is not one more copy sent while it is still slow.
	UnansweredWait time.Duration
	// Lease is how long a channel is held by one dispatcher at most. A turn starts a send only
	// while its lease has room for all of it (sendBudget), so the lease is at least that long,
	// plus room to record the outcome.
	Lease time.Duration
	// Pace, when set, replaces every type's own pace (channel.Driver.Pace): for tests.
	Pace channel.Pace
	// Observer, if set, is told of every destination's answers (for metrics).
	Observer Observer
}

func (c Config) withDefaults() Config {
	def := func(v *time.Duration, d time.Duration) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&c.PollInterval, time.Second)
	def(&c.Lease, time.Minute)
	def(&c.BackoffBase, 2*time.Second)
	def(&c.BackoffMax, 2*time.Minute)
	def(&c.GiveUpAfter, 24*time.Hour)
	def(&c.MaxInlineWait, 5*time.Second)
	def(&c.SendTimeout, channel.SendTimeout)
	def(&c.UnansweredWait, time.Minute)
	if c.MaxRows <= 0 {
		c.MaxRows = 200
	}
	if c.Parallel <= 0 {
		c.Parallel = 8
	}
	if c.Worker == "" {
		c.Worker = "tocsin"
	}
	if c.Observer == nil {
		c.Observer = nopObserver{}
	}
	c.Lease = max(c.Lease, c.sendBudget()+storeTryTimeout)
	return c
}

// sendBudget is the longest one send holds a channel: the wait for its turn, then the send.
func (c Config) sendBudget() time.Duration { return c.MaxInlineWait + c.SendTimeout }

// Dispatcher delivers the outbox. Build it with New, start it with Run.
type Dispatcher struct {
	store   Store
	drivers channel.Registry
	now     func() time.Time
	log     *slog.Logger
	cfg     Config
	pace    *pacer
	wake    chan struct{}
	// away is set while claims fail because the database is unavailable: logged once, not
	// every poll (Run's goroutine only).
	away bool
}

// New builds a dispatcher that sends through the drivers of each channel type; now is the
// clock written into the outbox.
func New(st Store, drivers channel.Registry, now func() time.Time, log *slog.Logger, cfg Config) *Dispatcher {
	cfg = cfg.withDefaults()
	return &Dispatcher{store: st, drivers: drivers, now: now, log: log, cfg: cfg, pace: newPacer(cfg.Pace), wake: make(chan struct{}, 1)}
}

// Wake asks for a round at once: new alerts go out within moments of being recorded.
func (d *Dispatcher) Wake() {
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

// Run delivers until ctx is cancelled. Rows it has not finished stay in the outbox, and their
// channel's lease runs out, so another dispatcher (or this one, restarted) sends them.
func (d *Dispatcher) Run(ctx context.Context) {
	ticker := time.NewTicker(d.cfg.PollInterval)
	defer ticker.Stop()
	for {
		d.round(ctx)
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		case <-d.wake:
		}
	}
}

// round gives a turn to every channel that has notifications due, a few at a time.
func (d *Dispatcher) round(ctx context.Context) {
	for ctx.Err() == nil {
		now := d.now()
		leaseEnd := now.Add(d.cfg.Lease) // as the store writes it
		hooks, err := d.store.ClaimAlertWebhooks(ctx, store.Claim{Worker: d.cfg.Worker, Now: now, Limit: d.cfg.Parallel, LeaseMargin: d.cfg.Lease})
		if err != nil {
			switch {
			case ctx.Err() != nil:
			case errors.Is(err, store.ErrUnavailable):
				if !d.away {
					d.log.Warn("database unavailable: alerts wait in the outbox until it is back", "err", err)
				}
				d.away = true
			default:
				d.log.Error("claim channels with alerts due", "err", err)
			}
			return
		}
		if d.away {
			d.away = false
			d.log.Info("database back: sending the alerts due")
		}
		var wg sync.WaitGroup
		for _, hook := range hooks {
			wg.Go(func() { d.deliver(ctx, turn{hook: hook, leaseEnd: leaseEnd}) })
		}
		wg.Wait()
		if len(hooks) < d.cfg.Parallel {
			return
		}
	}
}
