package notify

import (
	"context"
	"testing"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
)

// An alert about the account, with no site (Tocsin lost its network), is sent and marked
// delivered like any other, beside site alerts.
func TestAccountAlertsWithoutASiteAreDelivered(t *testing.T) {
	forEachStore(t, func(t *testing.T, r *rig) {
		sites := r.sites(1)
		down := monitor.Alert{Kind: monitor.AlertNetworkDown, At: t0.Add(time.Minute), Error: "no canary answered"}
		if to, err := r.store.QueueAccountAlert(context.Background(), 0, nil, down); err != nil || len(to) != 1 {
			t.Fatalf("queued to %v: %v", to, err)
		}
		r.record(sites, monitor.StatusDown, t0.Add(2*time.Minute))
		r.start(fastConfig())
		waitFor(t, "both delivered", func() bool { return r.countState(monitor.NotificationDelivered) == 2 })
		var titles []string
		for _, m := range r.discord.Messages() {
			for _, e := range m.Embeds {
				titles = append(titles, e.Title)
			}
		}
		if len(titles) != 2 || titles[0] != "📡 Tocsin cannot reach the network" || titles[1] != "🔴 site-00 is down" {
			t.Errorf("posted %q", titles)
		}
	})
}
