package notify

import (
	"context"
	"slices"
	"time"

	"github.com/tocsin/tocsin/internal/store"
)

const (
	// storeTryTimeout bounds one write of an outcome or of a release.
	storeTryTimeout = 10 * time.Second
	// storeRetryFirst and storeRetryMax space the tries of a write that failed: quickly at
	// first, for a connection that was cut, then calmly, for a database that is away.
	storeRetryFirst = 100 * time.Millisecond
	storeRetryMax   = 5 * time.Second
	// storeFailureLogEvery spaces the log lines of a write that keeps failing.
	storeFailureLogEvery = time.Minute
)

// recordDelivery stores the outcome of a send, retrying until it lands: the outcome is known
// only here, in memory, and a row Discord took but the outbox still calls pending would be sent
// again. Nothing else is sent to the webhook meanwhile. It gives up only when the dispatcher
// stops (after one last try), and says so: those rows will be sent again.
func (d *Dispatcher) recordDelivery(ctx context.Context, del store.Delivery) bool {
	if len(del.IDs) == 0 {
		return true
	}
	attrs := []any{"webhook_id", del.WebhookID, "alerts", len(del.IDs), "outcome", outcomeName(del.Outcome)}
	err := d.retryWrite(ctx, time.Time{}, "record alert delivery", attrs, func(ctx context.Context) error {
		return d.store.RecordDelivery(ctx, del)
	})
	if err != nil {
		d.log.Error("alert delivery not recorded before stopping; these alerts will be sent again", slices.Concat(attrs, []any{"err", err})...)
		return false
	}
	return true
}

// release ends the turn's lease, so the webhook's next alerts are not held until it lapses. It
// retries until the lease would have lapsed anyway.
func (d *Dispatcher) release(ctx context.Context, t turn) {
	attrs := []any{"webhook_id", t.hook.ID}
	err := d.retryWrite(ctx, t.leaseEnd, "release webhook", attrs, func(ctx context.Context) error {
		return d.store.ReleaseWebhook(ctx, t.hook.ID, d.cfg.Worker)
	})
	if err != nil {
		d.log.Warn("webhook lease not released; its alerts wait until it lapses", "webhook_id", t.hook.ID, "lapses_at", t.leaseEnd, "err", err)
	}
}

// retryWrite runs write until it succeeds, backing off between tries, while ctx lasts and, when
// until is set, until then; it returns the last error when it stops trying. Each try may outlive
// ctx, so that what is known when the dispatcher stops still gets one try.
func (d *Dispatcher) retryWrite(ctx context.Context, until time.Time, what string, attrs []any, write func(context.Context) error) error {
	wait := storeRetryFirst
	var logged time.Time
	for try := 1; ; try++ {
		tryCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), storeTryTimeout)
		err := write(tryCtx)
		cancel()
		if err == nil {
			if try > 1 {
				d.log.Info(what+": stored after retrying", slices.Concat(attrs, []any{"tries", try})...)
			}
			return nil
		}
		if time.Since(logged) >= storeFailureLogEvery {
			d.log.Warn(what+" failed; retrying", slices.Concat(attrs, []any{"tries", try, "err", err})...)
			logged = time.Now()
		}
		if !until.IsZero() && d.now().Add(wait).After(until) || !sleep(ctx, wait) {
			return err
		}
		wait = min(2*wait, storeRetryMax)
	}
}

// outcomeName names an outcome in log lines.
func outcomeName(o store.DeliveryOutcome) string {
	switch o {
	case store.Delivered:
		return "delivered"
	case store.Retry:
		return "retry"
	case store.Postpone:
		return "postpone"
	case store.Failed:
		return "failed"
	case store.Disable:
		return "disable"
	}
	return "unknown"
}
