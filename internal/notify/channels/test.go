package channels

import (
	"context"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/notify/channel"
	"github.com/tocsin/tocsin/internal/store"
)

// DeliveryRecorder is where a test's outcome is written, as an alert's would be.
type DeliveryRecorder interface {
	RecordDelivery(ctx context.Context, d store.Delivery) error
}

// Tested is what came of a test message: the destination's answer, and whether it took the
// message or said the channel is gone (which disabled it).
type Tested struct {
	Response  channel.Response
	Delivered bool
	Disabled  bool
}

// Test sends the type's test message to c and records what came of it as a failed or
// delivered alert would be: delivered, or the channel disabled when the destination says it
// is gone. Every front end (the API, the dashboard) tests a channel through here.
func Test(ctx context.Context, rec DeliveryRecorder, d channel.Driver, c monitor.Channel, now time.Time) (Tested, error) {
	sendCtx, cancel := context.WithTimeout(ctx, channel.SendTimeout)
	resp := d.Send(sendCtx, c, d.Test(c))
	cancel()
	del := store.Delivery{WebhookID: c.ID, At: now.UTC(), Error: resp.Detail}
	switch resp.Outcome() {
	case channel.Delivered:
		del.Outcome = store.Delivered
	case channel.Gone:
		del.Outcome = store.Disable
	}
	t := Tested{Response: resp, Delivered: del.Outcome == store.Delivered, Disabled: del.Outcome == store.Disable}
	if del.Outcome != 0 {
		if err := rec.RecordDelivery(ctx, del); err != nil {
			return t, err
		}
	}
	return t, nil
}
