package channels_test

import (
	"context"
	"testing"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/notify/channels"
	"github.com/tocsin/tocsin/internal/notify/discordtest"
	"github.com/tocsin/tocsin/internal/store"
)

type recorder struct{ got []store.Delivery }

func (r *recorder) RecordDelivery(_ context.Context, d store.Delivery) error {
	r.got = append(r.got, d)
	return nil
}

func TestTestRecordsWhatTheDestinationSaid(t *testing.T) {
	fake := discordtest.New(t)
	set := channels.New(channels.Config{DiscordHosts: []string{fake.Host()}})
	d, _ := set.Driver(monitor.ChannelDiscord)
	now := time.Date(2026, 11, 30, 4, 0, 0, 0, time.UTC)

	rec := &recorder{}
	c := monitor.Channel{ID: 7, Type: monitor.ChannelDiscord, URL: fake.WebhookURL("1")}
	tested, err := channels.Test(context.Background(), rec, d, c, now)
	if err != nil || !tested.Delivered || tested.Disabled || len(fake.Messages()) != 1 {
		t.Fatalf("delivered: %+v %v, %d messages", tested, err, len(fake.Messages()))
	}
	if len(rec.got) != 1 || rec.got[0].Outcome != store.Delivered || rec.got[0].WebhookID != 7 || !rec.got[0].At.Equal(now) {
		t.Errorf("recorded %+v", rec.got)
	}

	fake.Gone("2")
	rec = &recorder{}
	tested, err = channels.Test(context.Background(), rec, d, monitor.Channel{ID: 8, Type: monitor.ChannelDiscord, URL: fake.WebhookURL("2")}, now)
	if err != nil || tested.Delivered || !tested.Disabled || tested.Response.Detail == "" {
		t.Fatalf("gone: %+v %v", tested, err)
	}
	if len(rec.got) != 1 || rec.got[0].Outcome != store.Disable || rec.got[0].Error == "" {
		t.Errorf("recorded %+v", rec.got)
	}
}
