// Package notify delivers alerts from the outbox to Discord: it leases webhooks that have
// notifications due, packs their alerts into as few messages as Discord allows, sends them at a
// pace Discord accepts, and records each outcome before the next send, retrying what failed.
package notify

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/tocsin/tocsin/internal/notify/discord"
	"github.com/tocsin/tocsin/internal/store"
)

// Sender posts a message to a webhook; discord.Client is one.
type Sender interface {
	Execute(ctx context.Context, webhookURL string, msg discord.Message) discord.Response
}

// Config tunes the dispatcher; zero fields take the defaults in withDefaults.
type Config struct {
	Worker        string        // names this process in webhook leases
	PollInterval  time.Duration // how often retries that fell due are looked for
	MaxRows       int           // notifications sent to one webhook per round
	Parallel      int           // webhooks served at once
	BackoffBase   time.Duration // first retry after a failure, before jitter
	BackoffMax    time.Duration // longest wait between retries
	GiveUpAfter   time.Duration // a notification older than this is given up at its next failure
	MaxInlineWait time.Duration // rate-limit waits up to this are slept; longer ones are rescheduled
	// SendTimeout bounds one send, Discord's answer included. Long, because a message Discord
	// answers late has usually been posted, and resending it posts it twice.
	SendTimeout time.Duration
	// UnansweredWait is added to the backoff after a message was sent but not answered (a
	// timeout, a connection cut after the request): long enough for a slow Discord to have
	// finished with it, so the resend is not one more copy sent while it is still slow.
	UnansweredWait time.Duration
	// Lease is how long a webhook is held by one dispatcher at most. A turn starts a send only
	// while its lease has room for all of it (sendBudget), so the lease is at least that long,
	// plus room to record the outcome.
	Lease time.Duration
	Pace  Pace
	// Observer, if set, is told of Discord's answers (for metrics).
	Observer Observer
}

// Pace keeps requests well under Discord's limits (5 per 2 s per webhook, 30 per minute per
// channel): a token bucket per webhook and one per channel.
type Pace struct {
	WebhookEvery time.Duration
	WebhookBurst int
	ChannelEvery time.Duration
	ChannelBurst int
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
	def(&c.SendTimeout, discord.SendTimeout)
	def(&c.UnansweredWait, time.Minute)
	def(&c.Pace.WebhookEvery, time.Second)
	def(&c.Pace.ChannelEvery, 3*time.Second)
	if c.Pace.WebhookBurst <= 0 {
		c.Pace.WebhookBurst = 2
	}
	if c.Pace.ChannelBurst <= 0 {
		c.Pace.ChannelBurst = 5
	}
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

// sendBudget is the longest one send holds a webhook: the wait for its turn, then the send.
func (c Config) sendBudget() time.Duration { return c.MaxInlineWait + c.SendTimeout }

// Dispatcher delivers the outbox. Build it with New, start it with Run.
type Dispatcher struct {
	store  Store
	sender Sender
	now    func() time.Time
	log    *slog.Logger
	cfg    Config
	pace   *pacer
	wake   chan struct{}
}

// New builds a dispatcher; now is the clock written into the outbox.
func New(st Store, sender Sender, now func() time.Time, log *slog.Logger, cfg Config) *Dispatcher {
	cfg = cfg.withDefaults()
	return &Dispatcher{store: st, sender: sender, now: now, log: log, cfg: cfg, pace: newPacer(cfg.Pace), wake: make(chan struct{}, 1)}
}

// Wake asks for a round at once: new alerts go out within moments of being recorded.
func (d *Dispatcher) Wake() {
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

// Run delivers until ctx is cancelled. Rows it has not finished stay in the outbox, and their
// webhook's lease runs out, so another dispatcher (or this one, restarted) sends them.
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

// round gives a turn to every webhook that has notifications due, a few at a time.
func (d *Dispatcher) round(ctx context.Context) {
	for ctx.Err() == nil {
		now := d.now()
		leaseEnd := now.Add(d.cfg.Lease) // as the store writes it
		hooks, err := d.store.ClaimAlertWebhooks(ctx, store.Claim{Worker: d.cfg.Worker, Now: now, Limit: d.cfg.Parallel, LeaseMargin: d.cfg.Lease})
		if err != nil {
			if ctx.Err() == nil {
				d.log.Error("claim webhooks with alerts due", "err", err)
			}
			return
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
