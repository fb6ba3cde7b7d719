package notify

import (
	"context"
	"math/rand/v2"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/notify/discord"
	"github.com/tocsin/tocsin/internal/store"
)

// maxRateLimitedTries bounds how often one message is resent after 429s within one round.
const maxRateLimitedTries = 3

// serve sends a leased webhook's due notifications, packed into few messages, and records what
// became of each. It stops at the first failure: the rest wait for the webhook's next turn.
func (d *Dispatcher) serve(ctx context.Context, hook monitor.Webhook) {
	defer d.release(ctx, hook)
	rows, err := d.store.PendingNotifications(ctx, hook.ID, d.cfg.MaxRows)
	if err != nil {
		d.log.Error("read due notifications", "webhook_id", hook.ID, "err", err)
		return
	}
	alerts := make([]monitor.Alert, len(rows))
	for i, n := range rows {
		alerts[i] = n.Alert
	}
	batches := discord.Pack(alerts)
	for i, b := range batches {
		later := laterIDs(rows, batches[i+1:])
		if !d.sendBatch(ctx, hook, rows, b, later) {
			return
		}
	}
}

func (d *Dispatcher) release(ctx context.Context, hook monitor.Webhook) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := d.store.ReleaseWebhook(ctx, hook.ID, d.cfg.Worker); err != nil {
		d.log.Warn("release webhook", "webhook_id", hook.ID, "err", err)
	}
}

// sendBatch sends one message and records its outcome; it reports whether the webhook can take
// the next message of this round.
func (d *Dispatcher) sendBatch(ctx context.Context, hook monitor.Webhook, rows []monitor.Notification, b discord.Batch, later []int64) bool {
	ids := batchIDs(rows, b)
	for try := 1; ; try++ {
		if wait, ok := d.pace.reserve(hook, d.cfg.MaxInlineWait); !ok {
			d.record(ctx, store.Delivery{WebhookID: hook.ID, IDs: append(ids, later...), Outcome: store.Postpone,
				NextAttempt: d.now().Add(wait), Error: "waiting for Discord's rate limit"})
			return false
		} else if !sleep(ctx, wait) {
			return false
		}
		resp := d.sender.Execute(ctx, hook.URL, b.Message)
		if ctx.Err() != nil {
			return false // shutting down: the rows stay pending for the next dispatcher
		}
		d.pace.observe(hook, resp)
		now := d.now()
		switch resp.Outcome() {
		case discord.Delivered:
			d.record(ctx, store.Delivery{WebhookID: hook.ID, IDs: ids, Outcome: store.Delivered, At: now})
			d.log.Info("alerts delivered", "webhook_id", hook.ID, "alerts", len(ids))
			return true
		case discord.RateLimited:
			if resp.RetryAfter <= d.cfg.MaxInlineWait && try < maxRateLimitedTries {
				continue // the pacer now waits out Discord's retry_after
			}
			d.record(ctx, store.Delivery{WebhookID: hook.ID, IDs: append(ids, later...), Outcome: store.Postpone,
				NextAttempt: now.Add(resp.RetryAfter), Error: "rate limited by Discord: " + resp.Detail})
			return false
		case discord.Gone:
			d.record(ctx, store.Delivery{WebhookID: hook.ID, IDs: append(ids, later...), Outcome: store.Disable, At: now, Error: resp.Detail})
			d.log.Warn("webhook disabled: Discord says it is gone; its alerts are held until it is set again",
				"webhook_id", hook.ID, "discord", resp.Detail)
			return false
		case discord.Rejected:
			d.record(ctx, store.Delivery{WebhookID: hook.ID, IDs: ids, Outcome: store.Failed, At: now, Error: resp.Detail})
			d.log.Error("Discord refused an alert message; it will not be resent", "webhook_id", hook.ID, "discord", resp.Detail)
			return true
		default:
			next := now.Add(d.backoff(maxAttempts(rows, b)))
			d.record(ctx, store.Delivery{WebhookID: hook.ID, IDs: ids, Outcome: store.Retry, At: now, Error: resp.Detail,
				NextAttempt: next, GiveUpBefore: now.Add(-d.cfg.GiveUpAfter)})
			d.record(ctx, store.Delivery{WebhookID: hook.ID, IDs: later, Outcome: store.Postpone, NextAttempt: next, Error: resp.Detail})
			d.log.Warn("alert delivery failed; will retry", "webhook_id", hook.ID, "discord", resp.Detail, "retry_at", next)
			return false
		}
	}
}

func (d *Dispatcher) record(ctx context.Context, del store.Delivery) {
	if len(del.IDs) == 0 && del.Outcome == store.Postpone {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := d.store.RecordDelivery(ctx, del); err != nil {
		// The rows stay pending: they are sent again, at least once, when the database is back.
		d.log.Error("record alert delivery", "webhook_id", del.WebhookID, "err", err)
	}
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
