package notify

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/notify/discord"
	"github.com/tocsin/tocsin/internal/store"
)

// maxRateLimitedTries bounds how often one message is resent after 429s within one turn.
const maxRateLimitedTries = 3

// turn is one dispatcher's hold on a webhook: the rows it read, and when its lease lapses.
type turn struct {
	hook     monitor.Webhook
	leaseEnd time.Time
	rows     []monitor.Notification
}

// verdict is what one answer of Discord means for the outbox: the outcomes to record, the line
// to log once they are recorded, and whether the webhook takes the next message of the turn.
type verdict struct {
	records []store.Delivery
	level   slog.Level
	msg     string // nothing is logged when empty
	attrs   []any
	goOn    bool
}

// deliver takes a turn on a leased webhook: it sends the webhook's due notifications, packed
// into few messages, and stores what became of each before it sends the next. It stops at the
// first failure (the rest wait for the webhook's next turn), and when the lease has no room left
// for a whole send: the rows it did not try stay due, and the next round takes them up.
func (d *Dispatcher) deliver(ctx context.Context, t turn) {
	defer d.release(ctx, t)
	rows, err := d.store.PendingNotifications(ctx, t.hook.ID, d.cfg.MaxRows)
	if err != nil {
		d.log.Error("read due notifications", "webhook_id", t.hook.ID, "err", err)
		return
	}
	t.rows = rows
	alerts := make([]monitor.Alert, len(rows))
	for i, n := range rows {
		alerts[i] = n.Alert
	}
	batches := discord.Pack(alerts)
	for i, b := range batches {
		if !d.sendBatch(ctx, t, b, laterIDs(rows, batches[i+1:])) {
			return
		}
	}
}

// sendBatch sends one message and stores its outcome; it reports whether the webhook can take
// the next message of this turn.
func (d *Dispatcher) sendBatch(ctx context.Context, t turn, b discord.Batch, later []int64) bool {
	ids := batchIDs(t.rows, b)
	for try := 1; ; try++ {
		if !leaseHasRoom(d.now(), t.leaseEnd, d.cfg.sendBudget()) {
			return false // untouched, the rows stay due: the next turn sends them under a new lease
		}
		wait, ok := d.pace.reserve(t.hook, d.cfg.MaxInlineWait)
		if !ok {
			return d.settle(ctx, verdict{records: []store.Delivery{{WebhookID: t.hook.ID, IDs: slices.Concat(ids, later),
				Outcome: store.Postpone, NextAttempt: d.now().Add(wait), Error: "waiting for Discord's rate limit"}}})
		}
		if !sleep(ctx, wait) {
			return false
		}
		resp := d.send(ctx, t.hook, b.Message)
		if ctx.Err() != nil && resp.Status == 0 && !resp.Unanswered {
			return false // stopped before Discord had the message: the rows stay pending
		}
		d.pace.observe(t.hook, resp)
		if resp.Outcome() == discord.RateLimited && resp.RetryAfter <= d.cfg.MaxInlineWait && try < maxRateLimitedTries {
			continue // the pacer now waits out Discord's retry_after
		}
		return d.settle(ctx, d.judge(t, b, ids, later, resp))
	}
}

// leaseHasRoom says whether a send started at now ends, at the latest, when the lease does,
// so that no other dispatcher takes the webhook while the message is in flight.
func leaseHasRoom(now, leaseEnd time.Time, budget time.Duration) bool {
	return !now.Add(budget).After(leaseEnd)
}

func (d *Dispatcher) send(ctx context.Context, hook monitor.Webhook, msg discord.Message) discord.Response {
	ctx, cancel := context.WithTimeout(ctx, d.cfg.SendTimeout)
	defer cancel()
	start := d.now()
	resp := d.sender.Execute(ctx, hook.URL, msg)
	d.cfg.Observer.DiscordAnswered(resp.Status, d.now().Sub(start))
	return resp
}

// judge reads Discord's answer to the message of batch b.
func (d *Dispatcher) judge(t turn, b discord.Batch, ids, later []int64, resp discord.Response) verdict {
	now, hookID := d.now(), t.hook.ID
	switch resp.Outcome() {
	case discord.Delivered:
		return verdict{goOn: true, records: []store.Delivery{{WebhookID: hookID, IDs: ids, Outcome: store.Delivered, At: now}},
			level: slog.LevelInfo, msg: "alerts delivered", attrs: []any{"webhook_id", hookID, "alerts", len(ids)}}
	case discord.RateLimited:
		return verdict{records: []store.Delivery{{WebhookID: hookID, IDs: slices.Concat(ids, later), Outcome: store.Postpone,
			NextAttempt: now.Add(resp.RetryAfter), Error: "rate limited by Discord: " + resp.Detail}}}
	case discord.Gone:
		return verdict{records: []store.Delivery{{WebhookID: hookID, IDs: slices.Concat(ids, later), Outcome: store.Disable, At: now, Error: resp.Detail}},
			level: slog.LevelWarn, msg: "webhook disabled: Discord says it is gone; its alerts are held until it is set again",
			attrs: []any{"webhook_id", hookID, "discord", resp.Detail}}
	case discord.Rejected:
		return verdict{goOn: true, records: []store.Delivery{{WebhookID: hookID, IDs: ids, Outcome: store.Failed, At: now, Error: resp.Detail}},
			level: slog.LevelError, msg: "Discord refused an alert message; it will not be resent", attrs: []any{"webhook_id", hookID, "discord", resp.Detail}}
	}
	wait, msg := d.backoff(maxAttempts(t.rows, b)), "alert delivery failed; will retry"
	if resp.Unanswered {
		wait += d.cfg.UnansweredWait
		msg = "Discord did not answer an alert message it was sent and may have posted it; waiting for a slow Discord before resending"
	}
	next := now.Add(wait)
	return verdict{
		records: []store.Delivery{
			{WebhookID: hookID, IDs: ids, Outcome: store.Retry, At: now, Error: resp.Detail, NextAttempt: next, GiveUpBefore: now.Add(-d.cfg.GiveUpAfter)},
			{WebhookID: hookID, IDs: later, Outcome: store.Postpone, NextAttempt: next, Error: resp.Detail},
		},
		level: slog.LevelWarn, msg: msg, attrs: []any{"webhook_id", hookID, "discord", resp.Detail, "retry_at", next},
	}
}

// settle stores the outcomes of a verdict, each retried until it lands, then logs it. It
// reports whether the webhook can take the next message: not when an outcome could not be
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
// webhooks failing together do not retry together.
func (d *Dispatcher) backoff(attempts int) time.Duration {
	delay := d.cfg.BackoffMax
	if attempts < 30 {
		delay = min(d.cfg.BackoffBase<<attempts, d.cfg.BackoffMax)
	}
	return delay/2 + rand.N(delay/2+1)
}

func batchIDs(rows []monitor.Notification, b discord.Batch) []int64 {
	ids := make([]int64, len(b.Alerts))
	for i, a := range b.Alerts {
		ids[i] = rows[a].ID
	}
	return ids
}

func laterIDs(rows []monitor.Notification, batches []discord.Batch) []int64 {
	var ids []int64
	for _, b := range batches {
		ids = append(ids, batchIDs(rows, b)...)
	}
	return ids
}

func maxAttempts(rows []monitor.Notification, b discord.Batch) int {
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
