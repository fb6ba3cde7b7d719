package notify

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
)

// Every type tells of a flapping site and of Tocsin losing its network, from the one
// description of each kind (channel.Describe): a site that flaps and settles, recorded as the
// scheduler records it, and account alerts queued as the network watch queues them, with no
// site, to the account's default channel of each type.
func TestEveryTypeTellsOfFlappingAndTheNetwork(t *testing.T) {
	forEachType(t, func(t *testing.T, r *typeRig) {
		ctx := context.Background()
		lost := monitor.Alert{Kind: monitor.AlertNetworkDown, At: t0.Add(30 * time.Second), Error: "no canary answered"}
		if to, err := r.store.QueueAccountAlert(ctx, 0, nil, lost); err != nil || len(to) != 1 || to[0] != r.channel.ID {
			t.Fatalf("network_down queued to %v (%v), want the default channel %d", to, err, r.channel.ID)
		}
		sites := r.sites(1)
		at := t0
		for _, c := range "dudud" + strings.Repeat("u", 25) { // six changes flap; 25 steady checks settle
			at = at.Add(time.Minute)
			status := monitor.StatusUp
			if c == 'd' {
				status = monitor.StatusDown
			}
			r.record(sites, status, at)
		}
		back := monitor.Alert{Kind: monitor.AlertNetworkUp, At: at, DownSince: &lost.At}
		if _, err := r.store.QueueAccountAlert(ctx, 0, nil, back); err != nil {
			t.Fatal(err)
		}
		r.start(fastConfig())
		waitFor(t, "every alert delivered", func() bool { return r.countState(monitor.NotificationPending) == 0 })

		text := r.texts()
		want := []string{"📡 Tocsin cannot reach the network", "🔀 site-00 is flapping", "🔀 site-00 settled: up", "📡 Tocsin reaches the network again"}
		if r.typ != monitor.ChannelWebhook { // a webhook's body has the facts as fields of its own
			want = append(want, "sites are not reported down meanwhile", "6 in the last 21 checks", "no canary answered")
		}
		for _, w := range want {
			if !strings.Contains(text, w) {
				t.Errorf("no %q in:\n%s", w, text)
			}
		}
		if strings.Contains(text, "changed (") {
			t.Errorf("a kind written as unknown:\n%s", text)
		}
	})
}
