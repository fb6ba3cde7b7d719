package notify

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/notify/channel"
	"github.com/tocsin/tocsin/internal/notify/channels"
	"github.com/tocsin/tocsin/internal/notify/discord"
	"github.com/tocsin/tocsin/internal/notify/discordtest"
	"github.com/tocsin/tocsin/internal/store"
	"github.com/tocsin/tocsin/internal/store/storetest"
)

// t0 is an hour ago, so alerts the tests raise after it are due now.
var t0 = time.Now().UTC().Add(-time.Hour).Truncate(time.Microsecond)

type rig struct {
	t       *testing.T
	store   store.Store
	discord *discordtest.Fake
	hook    monitor.Webhook
	logs    *logBuffer
}

// logBuffer keeps what the dispatchers of a test log.
type logBuffer struct {
	mu  sync.Mutex
	buf strings.Builder
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func newRig(t *testing.T, st store.Store) *rig {
	fake := discordtest.New(t)
	url, err := discord.ParseWebhookURL(fake.WebhookURL("42"), []string{fake.Host()})
	if err != nil {
		t.Fatal(err)
	}
	hook, err := st.SaveWebhook(context.Background(), monitor.Webhook{URL: url, Name: "alerts", ChannelID: "c", Default: true, CreatedAt: t0})
	if err != nil {
		t.Fatal(err)
	}
	return &rig{t: t, store: st, discord: fake, hook: hook, logs: &logBuffer{}}
}

func fastConfig() Config {
	return Config{PollInterval: 5 * time.Millisecond, BackoffBase: 10 * time.Millisecond, BackoffMax: 40 * time.Millisecond,
		Pace: channel.Pace{Every: time.Millisecond, Burst: 100, GroupEvery: time.Millisecond, GroupBurst: 100}}
}

// start runs a dispatcher until the test ends or stop is called.
func (r *rig) start(cfg Config) (stop func()) {
	drivers := channels.New(channels.Config{UserAgent: "Tocsin/test", DiscordHosts: []string{r.discord.Host()}})
	d := New(r.store, drivers, time.Now, slog.New(slog.NewTextHandler(r.logs, nil)), cfg)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		d.Run(ctx)
		close(done)
	}()
	var once sync.Once
	stop = func() { once.Do(func() { cancel(); <-done }) }
	r.t.Cleanup(stop)
	return stop
}

// sites creates n sites and records one result for each, all in one batch.
func (r *rig) sites(n int) []monitor.Site {
	var out []monitor.Site
	for i := range n {
		site, err := r.store.CreateSite(context.Background(), monitor.Site{Name: fmt.Sprintf("site-%02d", i), URL: fmt.Sprintf("https://s%d.example", i),
			CheckIntervalSeconds: 60, TimeoutSeconds: 5, ExpectedStatusCode: 200, FailureThreshold: 1, NextCheckAt: t0, CreatedAt: t0})
		if err != nil {
			r.t.Fatal(err)
		}
		out = append(out, site)
	}
	r.record(out, monitor.StatusUp, t0)
	return out
}

func (r *rig) record(sites []monitor.Site, status monitor.Status, at time.Time) {
	var batch []store.CheckResult
	for _, s := range sites {
		res := monitor.Result{CheckedAt: at, Status: status, StatusCode: 200, ResponseTime: 12 * time.Millisecond}
		if status == monitor.StatusDown {
			res.StatusCode, res.Error = 503, "expected status 200, got 503"
		}
		batch = append(batch, store.CheckResult{SiteID: s.ID, Result: res})
	}
	if _, err := r.store.RecordChecks(context.Background(), batch); err != nil {
		r.t.Fatal(err)
	}
}

func (r *rig) notifications() []monitor.Notification {
	ns, err := r.store.ListNotifications(context.Background(), 0, store.NotificationQuery{Limit: 1000})
	if err != nil {
		r.t.Fatal(err)
	}
	return ns
}

func (r *rig) countState(state monitor.NotificationState) int {
	n := 0
	for _, x := range r.notifications() {
		if x.State == state {
			n++
		}
	}
	return n
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	// Polling calmer as the wait grows leaves the database to the dispatcher under test.
	for pause := 5 * time.Millisecond; !cond(); pause = min(2*pause, 100*time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(pause)
	}
}

func forEachStore(t *testing.T, fn func(t *testing.T, r *rig)) {
	for _, b := range storetest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			fn(t, newRig(t, b.Open(t)))
		})
	}
}

func embedsOf(msgs []discord.Message) []discord.Embed {
	var out []discord.Embed
	for _, m := range msgs {
		out = append(out, m.Embeds...)
	}
	return out
}

func fieldValue(e discord.Embed, name string) string {
	for _, f := range e.Fields {
		if f.Name == name {
			return f.Value
		}
	}
	return ""
}

func TestOneMessagePerTransitionWithTheDowntimeOnRecovery(t *testing.T) {
	forEachStore(t, func(t *testing.T, r *rig) {
		r.start(fastConfig())
		sites := r.sites(1)
		r.record(sites, monitor.StatusDown, t0.Add(time.Minute))
		r.record(sites, monitor.StatusDown, t0.Add(2*time.Minute))
		waitFor(t, "the down message", func() bool { return len(r.discord.Messages()) == 1 })
		r.record(sites, monitor.StatusUp, t0.Add(4*time.Minute))
		waitFor(t, "the recovery message", func() bool { return len(r.discord.Messages()) == 2 })

		msgs := r.discord.Messages()
		for _, m := range msgs {
			if err := discord.Validate(m); err != nil {
				t.Errorf("message breaks Discord's limits: %v", err)
			}
			if m.Username != "Tocsin" || m.AllowedMentions.Parse == nil || len(m.AllowedMentions.Parse) != 0 {
				t.Errorf("username %q, allowed mentions %+v", m.Username, m.AllowedMentions)
			}
		}
		down, up := msgs[0].Embeds[0], msgs[1].Embeds[0]
		if !strings.Contains(down.Title, "site-00") || !strings.Contains(down.Title, "down") || down.Timestamp != t0.Add(time.Minute).Format(time.RFC3339) {
			t.Errorf("down embed: %+v", down)
		}
		if !strings.Contains(up.Title, "recovered") || fieldValue(up, "Downtime") != "3m" {
			t.Errorf("recovery embed: %+v", up)
		}
		// Discord answers before the dispatcher writes the outcome: wait for the write.
		waitFor(t, "both recorded delivered", func() bool { return r.countState(monitor.NotificationDelivered) == 2 })
		time.Sleep(50 * time.Millisecond)
		if p := r.discord.Posts(); p != 2 {
			t.Errorf("%d posts for two transitions", p)
		}
	})
}

func TestRateLimitIsWaitedOutAndNotCountedAsAFailure(t *testing.T) {
	forEachStore(t, func(t *testing.T, r *rig) {
		r.discord.Script(discordtest.Reply{Status: 429, RetryAfter: 0.3})
		r.start(fastConfig())
		r.record(r.sites(1), monitor.StatusDown, t0.Add(time.Minute))
		waitFor(t, "delivery after the 429", func() bool { return r.countState(monitor.NotificationDelivered) == 1 })
		n := r.notifications()[0]
		if r.discord.Posts() != 2 || n.Attempts != 1 {
			t.Errorf("posts %d, attempts %d; want 2 posts and the 429 not counted", r.discord.Posts(), n.Attempts)
		}
	})
}

func TestServerErrorsAreRetriedUntilDiscordComesBack(t *testing.T) {
	forEachStore(t, func(t *testing.T, r *rig) {
		r.discord.Always(discordtest.Reply{Status: 502})
		r.start(fastConfig())
		r.record(r.sites(1), monitor.StatusDown, t0.Add(time.Minute))
		waitFor(t, "three failed posts", func() bool { return r.discord.Posts() >= 3 })
		if n := r.notifications()[0]; n.State != monitor.NotificationPending || n.Attempts < 2 || !strings.Contains(n.LastError, "502") {
			t.Fatalf("while Discord fails: %+v", n)
		}
		r.discord.Always(discordtest.Reply{Status: 200})
		waitFor(t, "delivery once Discord is back", func() bool { return r.countState(monitor.NotificationDelivered) == 1 })
		if len(r.discord.Messages()) != 1 {
			t.Errorf("%d messages delivered, want 1", len(r.discord.Messages()))
		}
	})
}

func TestGoneWebhookIsDisabledAndNotHammered(t *testing.T) {
	forEachStore(t, func(t *testing.T, r *rig) {
		r.discord.Gone("42")
		r.start(fastConfig())
		r.record(r.sites(3), monitor.StatusDown, t0.Add(time.Minute))
		waitFor(t, "the webhook disabled", func() bool {
			h, _ := r.store.Webhook(context.Background(), 0, r.hook.ID)
			return h.State == monitor.WebhookDisabled
		})
		h, _ := r.store.Webhook(context.Background(), 0, r.hook.ID)
		if !strings.Contains(h.LastError, "Unknown Webhook") {
			t.Errorf("last error %q", h.LastError)
		}
		time.Sleep(100 * time.Millisecond) // twenty poll rounds
		if p := r.discord.Posts(); p != 1 {
			t.Errorf("%d posts to a deleted webhook, want 1", p)
		}
		if n := r.countState(monitor.NotificationPending); n != 3 {
			t.Errorf("%d alerts held, want 3", n)
		}
	})
}

func TestRejectedMessageIsNotResent(t *testing.T) {
	forEachStore(t, func(t *testing.T, r *rig) {
		r.discord.Script(discordtest.Reply{Status: 400, Body: `{"message": "Invalid Form Body", "code": 50035}`})
		r.start(fastConfig())
		r.record(r.sites(1), monitor.StatusDown, t0.Add(time.Minute))
		waitFor(t, "the alert marked failed", func() bool { return r.countState(monitor.NotificationFailed) == 1 })
		time.Sleep(100 * time.Millisecond)
		if p := r.discord.Posts(); p != 1 {
			t.Errorf("%d posts of a refused message, want 1", p)
		}
	})
}

func TestAlertsQueuedWhileNoDispatcherRanAreSentWhenOneStarts(t *testing.T) {
	forEachStore(t, func(t *testing.T, r *rig) {
		r.record(r.sites(2), monitor.StatusDown, t0.Add(time.Minute))
		// A dispatcher took the webhook and died before sending: its lease must run out.
		if _, err := r.store.ClaimAlertWebhooks(context.Background(), store.Claim{Worker: "dead", Now: time.Now(), Limit: 10, LeaseMargin: 300 * time.Millisecond}); err != nil {
			t.Fatal(err)
		}
		r.start(fastConfig())
		waitFor(t, "both alerts delivered", func() bool { return r.countState(monitor.NotificationDelivered) == 2 })
		if got := len(embedsOf(r.discord.Messages())); got != 2 {
			t.Errorf("%d embeds, want 2", got)
		}
	})
}

func TestTwoDispatchersDeliverEachAlertOnce(t *testing.T) {
	forEachStore(t, func(t *testing.T, r *rig) {
		// Several webhooks, so both dispatchers have work at once.
		var hooks []monitor.Webhook
		for i := range 6 {
			url, _ := discord.ParseWebhookURL(r.discord.WebhookURL(fmt.Sprint(100+i)), []string{r.discord.Host()})
			h, err := r.store.SaveWebhook(context.Background(), monitor.Webhook{URL: url, ChannelID: fmt.Sprint(i), CreatedAt: t0})
			if err != nil {
				t.Fatal(err)
			}
			hooks = append(hooks, h)
		}
		r.start(fastConfig())
		r.start(fastConfig())
		want := map[string]bool{}
		for round := range 5 {
			for i, h := range hooks {
				site, err := r.store.CreateSite(context.Background(), monitor.Site{Name: fmt.Sprintf("r%d-h%d", round, i), URL: "https://x.example",
					CheckIntervalSeconds: 60, TimeoutSeconds: 5, ExpectedStatusCode: 200, FailureThreshold: 1, WebhookIDs: []int64{h.ID}, NextCheckAt: t0, CreatedAt: t0})
				if err != nil {
					t.Fatal(err)
				}
				want[site.Name] = true
				r.record([]monitor.Site{site}, monitor.StatusDown, t0.Add(time.Duration(round)*time.Second))
			}
		}
		waitFor(t, "every alert delivered", func() bool { return r.countState(monitor.NotificationDelivered) == len(want) })
		seen := map[string]int{}
		for _, e := range embedsOf(r.discord.Messages()) {
			for name := range want {
				if strings.Contains(e.Title, name+" ") {
					seen[name]++
				}
			}
		}
		for name := range want {
			if seen[name] != 1 {
				t.Errorf("alert for %s sent %d times", name, seen[name])
			}
		}
	})
}

func TestFiftySitesDownAtOnceMakeAHandfulOfMessages(t *testing.T) {
	forEachStore(t, func(t *testing.T, r *rig) {
		sites := r.sites(50)
		r.record(sites, monitor.StatusDown, t0.Add(time.Minute))
		r.start(fastConfig())
		waitFor(t, "all 50 delivered", func() bool { return r.countState(monitor.NotificationDelivered) == 50 })
		msgs := r.discord.Messages()
		if len(msgs) > 3 {
			t.Errorf("%d messages for 50 alerts", len(msgs))
		}
		for _, m := range msgs {
			if err := discord.Validate(m); err != nil {
				t.Errorf("message breaks Discord's limits: %v", err)
			}
		}
		if last := msgs[len(msgs)-1]; !strings.Contains(last.Embeds[0].Title, "30 more") {
			t.Errorf("summary title %q", last.Embeds[0].Title)
		}
	})
}

// A storm like the field report's (300 sites down, then up; fewer here, as modernc's SQLite is
// slow under -race): every alert names its site, once.
func TestAStormNamesEverySiteDownAndUp(t *testing.T) {
	const n = 150
	forEachStore(t, func(t *testing.T, r *rig) {
		sites := r.sites(n)
		r.start(fastConfig())
		r.record(sites, monitor.StatusDown, t0.Add(time.Minute))
		waitFor(t, "the down alerts delivered", func() bool { return r.countState(monitor.NotificationDelivered) == n })
		r.record(sites, monitor.StatusUp, t0.Add(4*time.Minute))
		waitFor(t, "the recoveries delivered", func() bool { return r.countState(monitor.NotificationDelivered) == 2*n })

		var text strings.Builder
		msgs := r.discord.Messages()
		for _, e := range embedsOf(msgs) {
			text.WriteString(e.Title + "\n" + e.Description + "\n")
		}
		for _, s := range sites {
			// A card's title says "site-07 is down"; a summary line "**site\-07**".
			card, line := s.Name+" ", "**"+strings.ReplaceAll(s.Name, "-", `\-`)+"**"
			if n := strings.Count(text.String(), card) + strings.Count(text.String(), line); n != 2 {
				t.Errorf("%s named %d times, want twice: once down, once recovered", s.Name, n)
			}
		}
		if len(msgs) > 10 {
			t.Errorf("%d messages for %d alerts", len(msgs), 2*n)
		}
	})
}
