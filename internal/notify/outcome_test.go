package notify

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/notify/discord"
	"github.com/tocsin/tocsin/internal/notify/discordtest"
	"github.com/tocsin/tocsin/internal/store"
)

// flakyStore is a real store whose RecordDelivery and ReleaseWebhook fail a set number of
// times before they work, as when the database's connections are cut under them.
type flakyStore struct {
	store.Store
	recordFailures  atomic.Int32
	releaseFailures atomic.Int32
	releases        atomic.Int32 // that went through
}

var errConnectionCut = errors.New("FATAL: terminating connection due to administrator command (SQLSTATE 57P01)")

func (s *flakyStore) RecordDelivery(ctx context.Context, d store.Delivery) error {
	if s.recordFailures.Add(-1) >= 0 {
		return errConnectionCut
	}
	return s.Store.RecordDelivery(ctx, d)
}

func (s *flakyStore) ReleaseWebhook(ctx context.Context, id int64, worker string) error {
	if s.releaseFailures.Add(-1) >= 0 {
		return errConnectionCut
	}
	s.releases.Add(1)
	return s.Store.ReleaseWebhook(ctx, id, worker)
}

// embedsNaming counts the embeds Discord accepted whose title names the site.
func embedsNaming(msgs []discord.Message, name string) int {
	n := 0
	for _, e := range embedsOf(msgs) {
		if strings.Contains(e.Title, name+" ") {
			n++
		}
	}
	return n
}

func titles(msgs []discord.Message) []string {
	var out []string
	for _, e := range embedsOf(msgs) {
		out = append(out, e.Title)
	}
	return out
}

// An outcome the database failed to take is kept and written again, not found pending and sent
// again; a release that failed is retried, so the webhook's next alert is not held for a lease.
func TestADatabaseErrorAfterASendNeitherResendsNorHoldsTheWebhook(t *testing.T) {
	tests := []struct {
		name            string
		recordFailures  int32
		releaseFailures int32
		discord         []discordtest.Reply
		posts           int
	}{
		{"recording a delivery fails", 3, 0, nil, 2},
		{"releasing the webhook fails", 0, 3, nil, 2},
		{"both fail", 3, 3, nil, 2},
		{"recording a failed send fails", 3, 0, []discordtest.Reply{{Status: 502}}, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			forEachStore(t, func(t *testing.T, r *rig) {
				flaky := &flakyStore{Store: r.store}
				r.store = flaky
				sites := r.sites(2)
				flaky.recordFailures.Store(tt.recordFailures)
				flaky.releaseFailures.Store(tt.releaseFailures)
				r.discord.Script(tt.discord...)
				cfg := fastConfig()
				cfg.Lease = time.Hour // a lease left behind would hold the second alert past the test's end
				r.start(cfg)

				r.record(sites[:1], monitor.StatusDown, t0.Add(time.Minute))
				waitFor(t, "the first alert recorded delivered", func() bool { return r.countState(monitor.NotificationDelivered) == 1 })
				waitFor(t, "the webhook released", func() bool { return flaky.releases.Load() >= 1 })
				r.record(sites[1:], monitor.StatusDown, t0.Add(2*time.Minute))
				waitFor(t, "the alert queued after the failures delivered", func() bool { return r.countState(monitor.NotificationDelivered) == 2 })

				msgs := r.discord.Messages()
				if len(msgs) != 2 || embedsNaming(msgs, "site-00") != 1 || embedsNaming(msgs, "site-01") != 1 {
					t.Errorf("Discord took %d messages: %q; want site-00's alert, then site-01's, once each", len(msgs), titles(msgs))
				} else if !strings.Contains(msgs[0].Embeds[0].Title, "site-00") {
					t.Errorf("first message %q, want site-00's alert first", msgs[0].Embeds[0].Title)
				}
				if p := r.discord.Posts(); p != tt.posts {
					t.Errorf("%d posts, want %d", p, tt.posts)
				}
				// The line is logged just after the outcome is stored: wait for the second.
				delivered := func() int { return strings.Count(r.logs.String(), `msg="alerts delivered"`) }
				waitFor(t, "both deliveries logged", func() bool { return delivered() >= 2 })
				if n := delivered(); n != 2 {
					t.Errorf(`"alerts delivered" logged %d times for 2 deliveries recorded`, n)
				}
			})
		})
	}
}
