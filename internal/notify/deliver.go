package notify

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/notify/channel"
	"github.com/tocsin/tocsin/internal/store"
)

// maxRateLimitedTries bounds how often one message is resent after 429s within one turn.
const maxRateLimitedTries = 3

// turn is one dispatcher's hold on a channel: its type's driver, the rows it read, and when
// its lease lapses.
type turn struct {
	hook     monitor.Channel
	driver   channel.Driver
	leaseEnd time.Time
	rows     []monitor.Notification
}

// verdict is what one answer of a destination means for the outbox: the outcomes to record,
// the line to log once they are recorded, and whether the channel takes the next message of
// the turn.
type verdict struct {
	records []store.Delivery
	level   slog.Level
	msg     string // nothing is logged when empty
	attrs   []any
	goOn    bool
}

// deliver takes a turn on a leased channel: it sends the channel's due notifications, packed
// into few messages by its type, and stores what became of each before it sends the next. It
// stops at the first failure (the rest wait for the channel's next turn), and when the lease
// has no room left for a whole send: the rows it did not try stay due, and the next round
// takes them up.
func (d *Dispatcher) deliver(ctx context.Context, t turn) {
	defer d.release(ctx, t)
	rows, err := d.store.PendingNotifications(ctx, t.hook.ID, d.cfg.MaxRows)
	if err != nil {
		d.log.Error("read due notifications", "webhook_id", t.hook.ID, "err", err)
		return
	}
	t.rows = rows
	driver, ok := d.drivers.Driver(t.hook.Kind())
	if !ok {
		d.settle(ctx, d.unknownType(t))
		return
	}
	t.driver = driver
	batches := driver.Pack(rows)
	for i, b := range batches {
		if !d.sendBatch(ctx, t, b, laterIDs(rows, batches[i+1:])) {
			return
		}
	}
}

// unknownType disables a channel of a type this process cannot send to (a newer version
// made it): its alerts are held, not lost, until a version that knows the type runs.
func (d *Dispatcher) unknownType(t turn) verdict {
	why := "this version of Tocsin cannot send to channels of type " + string(t.hook.Kind())
	return verdict{records: []store.Delivery{{WebhookID: t.hook.ID, IDs: ids(t.rows), Outcome: store.Disable, At: d.now(), Error: why}},
		level: slog.LevelError, msg: "channel disabled: " + why, attrs: []any{"webhook_id", t.hook.ID}}
}

// sendBatch sends one message and stores its outcome; it reports whether the channel can
// take the next message of this turn.
func (d *Dispatcher) sendBatch(ctx context.Context, t turn, b channel.Batch, later []int64) bool {
	batch := batchIDs(t.rows, b)
	for try := 1; ; try++ {
		if !leaseHasRoom(d.now(), t.leaseEnd, d.cfg.sendBudget()) {
			return false // untouched, the rows stay due: the next turn sends them under a new lease
		}
		wait, ok := d.pace.reserve(d.slot(t), d.cfg.MaxInlineWait)
		if !ok {
			return d.settle(ctx, verdict{records: []store.Delivery{{WebhookID: t.hook.ID, IDs: slices.Concat(batch, later),
				Outcome: store.Postpone, NextAttempt: d.now().Add(wait), Error: "waiting for " + t.driver.Service() + "'s rate limit"}}})
		}
		if !sleep(ctx, wait) {
			return false
		}
		resp := d.send(ctx, t, b.Message)
		if ctx.Err() != nil && resp.Status == 0 && !resp.Unanswered {
			return false // stopped before the destination had the message: the rows stay pending
		}
		d.pace.observe(d.slot(t), resp)
		if resp.Outcome() == channel.RateLimited && resp.RetryAfter <= d.cfg.MaxInlineWait && try < maxRateLimitedTries {
			continue // the pacer now waits out the destination's retry_after
		}
		return d.settle(ctx, d.judge(t, b, batch, later, resp))
	}
}

// slot is what the pacer counts the channel's sends against.
func (d *Dispatcher) slot(t turn) slot {
	return slot{id: t.hook.ID, group: t.driver.Group(t.hook), pace: t.driver.Pace()}
}

// leaseHasRoom says whether a send started at now ends, at the latest, when the lease does,
// so that no other dispatcher takes the channel while the message is in flight.
func leaseHasRoom(now, leaseEnd time.Time, budget time.Duration) bool {
	return !now.Add(budget).After(leaseEnd)
}

func (d *Dispatcher) send(ctx context.Context, t turn, msg channel.Message) channel.Response {
	ctx, cancel := context.WithTimeout(ctx, d.cfg.SendTimeout)
	defer cancel()
	start := d.now()
	resp := t.driver.Send(ctx, t.hook, msg)
	d.cfg.Observer.ChannelAnswered(t.hook.Kind(), resp.Status, d.now().Sub(start))
	return resp
}

// judge reads the destination's answer to the message of batch b.
func (d *Dispatcher) judge(t turn, b channel.Batch, batch, later []int64, resp channel.Response) verdict {
	now, hookID, service := d.now(), t.hook.ID, t.driver.Service()
	attrs := []any{"webhook_id", hookID, "channel_type", string(t.hook.Kind())}
	switch resp.Outcome() {
	case channel.Delivered:
		return verdict{goOn: true, records: []store.Delivery{{WebhookID: hookID, IDs: batch, Outcome: store.Delivered, At: now}},
			level: slog.LevelInfo, msg: "alerts delivered", attrs: append(attrs, "alerts", len(batch))}
	case channel.RateLimited:
		return verdict{records: []store.Delivery{{WebhookID: hookID, IDs: slices.Concat(batch, later), Outcome: store.Postpone,
			NextAttempt: now.Add(resp.RetryAfter), Error: "rate limited by " + service + ": " + resp.Detail}}}
	case channel.Gone:
		return verdict{records: []store.Delivery{{WebhookID: hookID, IDs: slices.Concat(batch, later), Outcome: store.Disable, At: now, Error: resp.Detail}},
			level: slog.LevelWarn, msg: "channel disabled: " + service + " says it is gone; its alerts are held until it is set again",
			attrs: append(attrs, "answer", resp.Detail)}
	case channel.Rejected:
		return verdict{goOn: true, records: []store.Delivery{{WebhookID: hookID, IDs: batch, Outcome: store.Failed, At: now, Error: resp.Detail}},
			level: slog.LevelError, msg: service + " refused an alert message; it will not be resent", attrs: append(attrs, "answer", resp.Detail)}
	}
	wait, msg := d.backoff(maxAttempts(t.rows, b)), "alert delivery failed; will retry"
	if resp.Unanswered {
		wait += d.cfg.UnansweredWait
		msg = service + " did not answer an alert message it was sent and may have posted it; waiting for a slow " + service + " before resending"
	}
	next := now.Add(wait)
	return verdict{
		records: []store.Delivery{
			{WebhookID: hookID, IDs: batch, Outcome: store.Retry, At: now, Error: resp.Detail, NextAttempt: next, GiveUpBefore: now.Add(-d.cfg.GiveUpAfter)},
			{WebhookID: hookID, IDs: later, Outcome: store.Postpone, NextAttempt: next, Error: resp.Detail},
		},
		level: slog.LevelWarn, msg: msg, attrs: append(attrs, "answer", resp.Detail, "retry_at", next),
	}
}

// settle stores the outcomes of a verdict, each retried until it lands, then logs it. It
// reports whether the channel can take the next message: not when an outcome could not be
// stored before the dispatcher stopped.
func (d *Dispatcher) settle(ctx context.Context, v verdict) bool {
	for _, del := range v.records {
		if !d.recordDelivery(ctx, del) {
			return false
		}
	}
	if v.msg != "" {
		d.log.Log(ctx, v.level, v.msg, v.attrs...)
	}
	return v.goOn
}

// backoff is exponential from BackoffBase, capped at BackoffMax, with jitter so that many
// channels failing together do not retry together.
func (d *Dispatcher) backoff(attempts int) time.Duration {
	delay := d.cfg.BackoffMax
	if attempts < 30 {
		delay = min(d.cfg.BackoffBase<<attempts, d.cfg.BackoffMax)
	}
	return delay/2 + rand.N(delay/2+1)
}

func batchIDs(rows []monitor.Notification, b channel.Batch) []int64 {
	out := make([]int64, len(b.Alerts))
	for i, a := range b.Alerts {
		out[i] = rows[a].ID
	}
	return out
}

func laterIDs(rows []monitor.Notification, batches []channel.Batch) []int64 {
	var out []int64
	for _, b := range batches {
		out = append(out, batchIDs(rows, b)...)
	}
	return out
}

func ids(rows []monitor.Notification) []int64 {
	out := make([]int64, len(rows))
	for i, n := range rows {
		out[i] = n.ID
	}
	return out
}

func maxAttempts(rows []monitor.Notification, b channel.Batch) int {
	n := 0
	for _, a := range b.Alerts {
		n = max(n, rows[a].Attempts)
	}
	return n
}

func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
