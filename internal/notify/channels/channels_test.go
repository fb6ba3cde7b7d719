package channels_test

import (
	"context"
	"strings"
	"testing"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/netguard"
	"github.com/tocsin/tocsin/internal/notify/channel"
	"github.com/tocsin/tocsin/internal/notify/channels"
	"github.com/tocsin/tocsin/internal/notify/standin"
)

// Every type dials through the guard checks use: with private targets blocked, a destination
// on loopback is refused when it is dialled, before anything is sent.
func TestEveryTypeDialsThroughTheGuard(t *testing.T) {
	services := standin.NewServices(t)
	cfg := services.Config()
	cfg.Policy = netguard.Policy{BlockPrivate: true}
	set := channels.New(cfg)
	for _, typ := range monitor.ChannelTypes() {
		d, ok := set.Driver(typ)
		if !ok {
			t.Fatalf("no driver for %s", typ)
		}
		c := services.Channel(typ)
		resp := d.Send(context.Background(), c, d.Test(c))
		if resp.Outcome() != channel.Retry || !strings.Contains(resp.Detail, "blocked: 127.0.0.1 is a loopback address") {
			t.Errorf("%s: %v %q, want the dial refused", typ, resp.Outcome(), resp.Detail)
		}
		if services.Attempts(typ) != 0 {
			t.Errorf("%s: the stand-in was reached", typ)
		}
	}
}

// Each type's test message reaches its stand-in.
func TestEveryTypesTestMessageArrives(t *testing.T) {
	services := standin.NewServices(t)
	set := channels.New(services.Config())
	for _, typ := range monitor.ChannelTypes() {
		d, _ := set.Driver(typ)
		c, err := d.Normalize(services.Channel(typ))
		if err != nil {
			t.Fatalf("%s: %v", typ, err)
		}
		if resp := d.Send(context.Background(), c, d.Test(c)); resp.Outcome() != channel.Delivered {
			t.Errorf("%s: %v %q", typ, resp.Outcome(), resp.Detail)
		}
		if texts := services.Texts(typ); len(texts) != 1 || !strings.Contains(texts[0], "Tocsin can") {
			t.Errorf("%s: the stand-in took %q", typ, texts)
		}
	}
}
