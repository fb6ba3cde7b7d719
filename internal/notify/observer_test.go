package notify

import (
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/notify/discordtest"
)

type statusObserver struct {
	mu       sync.Mutex
	statuses []int
}

func (o *statusObserver) DiscordAnswered(status int, _ time.Duration) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.statuses = append(o.statuses, status)
}

func (o *statusObserver) seen() []int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return slices.Clone(o.statuses)
}

func TestObserverHearsEveryAnswerOfDiscord(t *testing.T) {
	forEachStore(t, func(t *testing.T, r *rig) {
		obs := &statusObserver{}
		cfg := fastConfig()
		cfg.Observer = obs
		r.discord.Script(discordtest.Reply{Status: 503})
		r.start(cfg)
		r.record(r.sites(1), monitor.StatusDown, t0.Add(time.Minute))
		waitFor(t, "the alert delivered after a 503", func() bool { return r.countState(monitor.NotificationDelivered) == 1 })
		if got := obs.seen(); len(got) != 2 || got[0] != 503 || got[1] < 200 || got[1] > 299 {
			t.Errorf("observed %v, want 503 then a 2xx", got)
		}
	})
}
