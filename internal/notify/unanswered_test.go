package notify

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/notify/discordtest"
)

// Discord has no idempotency key: a message it read but did not answer has likely been posted,
// and every resend while it is still slow posts it again. After such a send the dispatcher
// waits longer than Discord's trouble lasts, so each alert is posted at most twice.
func TestAMessageDiscordDidNotAnswerIsPostedAtMostTwice(t *testing.T) {
	const trouble = 300 * time.Millisecond // how long Discord stays slow, or keeps cutting connections
	tests := []struct {
		name  string
		reply discordtest.Reply
	}{
		{"the answer comes after the send timeout", discordtest.Reply{Status: 200, Delay: 4 * trouble}},
		{"the connection is cut after the request", discordtest.Reply{Drop: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			forEachStore(t, func(t *testing.T, r *rig) {
				r.discord.Episode(tt.reply, trouble)
				cfg := fastConfig()
				cfg.SendTimeout = 100 * time.Millisecond
				cfg.UnansweredWait = 3 * trouble
				r.start(cfg)
				sites := r.sites(3)
				r.record(sites, monitor.StatusDown, t0.Add(time.Minute))
				waitFor(t, "all three recorded delivered", func() bool { return r.countState(monitor.NotificationDelivered) == 3 })

				msgs := r.discord.Messages()
				for i := range sites {
					name := fmt.Sprintf("site-%02d", i)
					if n := embedsNaming(msgs, name); n < 1 || n > 2 {
						t.Errorf("%s's alert posted %d times, want once or twice: %q", name, n, titles(msgs))
					}
				}
				for _, n := range r.notifications() {
					if n.Attempts != 2 {
						t.Errorf("alert %d took %d attempts, want 2", n.ID, n.Attempts)
					}
				}
				if !strings.Contains(r.logs.String(), "may have posted it") {
					t.Errorf("no log line says Discord may have posted the message:\n%s", r.logs)
				}
			})
		})
	}
}
