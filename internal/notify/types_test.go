package notify

import (
	"context"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/notify/channels"
	"github.com/tocsin/tocsin/internal/notify/standin"
	"github.com/tocsin/tocsin/internal/store"
	"github.com/tocsin/tocsin/internal/store/storetest"
)

// typeRig is a store, a default channel of one type pointed at that service's stand-in, and
// the dispatchers the test starts.
type typeRig struct {
	*rig
	typ      monitor.ChannelType
	services *standin.Services
	channel  monitor.Channel
	cfg      channels.Config
}

// forEachType runs fn for every channel type against every store.
func forEachType(t *testing.T, fn func(t *testing.T, r *typeRig)) {
	for _, typ := range monitor.ChannelTypes() {
		t.Run(string(typ), func(t *testing.T) {
			t.Parallel()
			for _, b := range storetest.Backends() {
				t.Run(b.Name, func(t *testing.T) {
					t.Parallel()
					fn(t, newTypeRig(t, b.Open(t), typ, nil))
				})
			}
		})
	}
}

// newTypeRig makes the channel through its driver, as the API does; point, when set, changes
// it first (to point it somewhere else).
func newTypeRig(t *testing.T, st store.Store, typ monitor.ChannelType, point func(*monitor.Channel)) *typeRig {
	services := standin.NewServices(t)
	r := &typeRig{rig: &rig{t: t, store: st, logs: &logBuffer{}}, typ: typ, services: services, cfg: services.Config()}
	c := services.Channel(typ)
	if point != nil {
		point(&c)
	}
	d, _ := channels.New(r.cfg).Driver(typ)
	c, err := d.Normalize(c)
	if err != nil {
		t.Fatal(err)
	}
	c.Default, c.CreatedAt, c.ChannelID = true, t0, "c"
	if r.channel, err = st.CreateChannel(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	return r
}

func (r *typeRig) start(cfg Config) {
	d := New(r.store, channels.New(r.cfg), time.Now, slog.New(slog.NewTextHandler(r.logs, nil)), cfg)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		d.Run(ctx)
		close(done)
	}()
	var once sync.Once
	r.t.Cleanup(func() { once.Do(func() { cancel(); <-done }) })
}

func (r *typeRig) texts() string { return strings.Join(r.services.Texts(r.typ), "\n---\n") }

func (r *typeRig) state() monitor.Channel {
	c, err := r.store.Channel(context.Background(), 0, r.channel.ID)
	if err != nil {
		r.t.Fatal(err)
	}
	return c
}

func TestEveryTypeDeliversADownAndItsRecoveryOnceEachInOrder(t *testing.T) {
	forEachType(t, func(t *testing.T, r *typeRig) {
		r.start(fastConfig())
		sites := r.sites(1)
		r.record(sites, monitor.StatusDown, t0.Add(time.Minute))
		waitFor(t, "the down alert", func() bool { return r.countState(monitor.NotificationDelivered) == 1 })
		r.record(sites, monitor.StatusUp, t0.Add(4*time.Minute))
		waitFor(t, "the recovery", func() bool { return r.countState(monitor.NotificationDelivered) == 2 })
		time.Sleep(50 * time.Millisecond) // room for a duplicate to show

		texts := r.services.Texts(r.typ)
		if len(texts) != 2 {
			t.Fatalf("%d messages, want 2:\n%s", len(texts), r.texts())
		}
		if !strings.Contains(texts[0], "site-00 is down") || !strings.Contains(texts[1], "site-00 recovered") {
			t.Errorf("want the down alert, then the recovery:\n%s", r.texts())
		}
		if !strings.Contains(texts[1], "3m") {
			t.Errorf("the recovery does not say how long the site was down:\n%s", texts[1])
		}
		if got := r.services.Attempts(r.typ); got != 2 {
			t.Errorf("%d sends for two alerts", got)
		}
	})
}

func TestEveryTypeRetriesRateLimitsAndServerErrors(t *testing.T) {
	forEachType(t, func(t *testing.T, r *typeRig) {
		replies, wantAttempts := []standin.Reply{{Status: 429, RetryAfter: 1}, {Status: 503}, {Status: 503}}, 3
		if r.typ == monitor.ChannelEmail { // a mail server has no 429: it says "try later" with 4xx
			replies, wantAttempts = []standin.Reply{{Status: 421}, {Status: 451}, {Status: 451}}, 4
		}
		r.services.Script(r.typ, replies...)
		r.start(fastConfig())
		r.record(r.sites(1), monitor.StatusDown, t0.Add(time.Minute))
		waitFor(t, "delivery after three refusals", func() bool { return r.countState(monitor.NotificationDelivered) == 1 })
		n := r.notifications()[0]
		if got := r.services.Attempts(r.typ); got != 4 || n.Attempts != wantAttempts {
			t.Errorf("%d sends and %d attempts counted; want 4 sends and %d attempts (a 429 is not a failure)", got, n.Attempts, wantAttempts)
		}
		if c := r.state(); c.State != monitor.ChannelActive {
			t.Errorf("the channel is %s after retries", c.State)
		}
	})
}

func TestEveryTypeDisablesADeadDestinationWithTheReason(t *testing.T) {
	reasons := map[monitor.ChannelType]string{
		monitor.ChannelDiscord: "Unknown Webhook", monitor.ChannelSlack: "no_service", monitor.ChannelTelegram: "bot was kicked",
		monitor.ChannelNtfy: "forbidden", monitor.ChannelEmail: "Mailbox unavailable", monitor.ChannelWebhook: "410 Gone",
	}
	forEachType(t, func(t *testing.T, r *typeRig) {
		r.services.Always(r.typ, standin.Reply{Dead: true})
		r.start(fastConfig())
		r.record(r.sites(3), monitor.StatusDown, t0.Add(time.Minute))
		waitFor(t, "the channel disabled", func() bool { return r.state().State == monitor.ChannelDisabled })
		if c := r.state(); !strings.Contains(c.LastError, reasons[r.typ]) {
			t.Errorf("last error %q, want it to say %q", c.LastError, reasons[r.typ])
		}
		sends := r.services.Attempts(r.typ)
		time.Sleep(100 * time.Millisecond) // twenty poll rounds
		if got := r.services.Attempts(r.typ); got != sends || sends > 3 {
			t.Errorf("%d sends, then %d: a dead destination is not to be hammered", sends, got)
		}
		if n := r.countState(monitor.NotificationPending); n != 3 {
			t.Errorf("%d alerts held, want 3", n)
		}
		if !strings.Contains(r.logs.String(), "channel disabled") {
			t.Errorf("nothing logged:\n%s", r.logs)
		}
		// Set again, it sends what it held.
		r.services.Always(r.typ, standin.Reply{})
		if r.typ == monitor.ChannelDiscord {
			return // a deleted Discord webhook stays deleted: the user makes a new one
		}
		if _, err := r.store.UpdateChannel(context.Background(), r.channel, store.KeepOtherDefaults); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "the held alerts", func() bool { return r.countState(monitor.NotificationDelivered) == 3 })
	})
}

// A storm of 60 sites going down at once: each type packs it within its limits (its stand-in
// refuses what the service would), names every site once, in few messages.
func TestEveryTypePacksAStormWithinItsLimits(t *testing.T) {
	const sites = 60
	maxMessages := map[monitor.ChannelType]int{
		monitor.ChannelDiscord: 4, monitor.ChannelSlack: 3, monitor.ChannelTelegram: 4, monitor.ChannelNtfy: 6,
		monitor.ChannelEmail: 1, monitor.ChannelWebhook: sites, // one alert per request, by design
	}
	forEachType(t, func(t *testing.T, r *typeRig) {
		list := r.sites(sites)
		r.record(list, monitor.StatusDown, t0.Add(time.Minute))
		r.start(fastConfig())
		waitFor(t, "every alert delivered", func() bool { return r.countState(monitor.NotificationDelivered) == sites })
		texts := r.services.Texts(r.typ)
		if len(texts) > maxMessages[r.typ] {
			t.Errorf("%d messages for %d alerts, want at most %d", len(texts), sites, maxMessages[r.typ])
		}
		all := r.texts()
		for _, s := range list {
			if n := strings.Count(all, s.Name); n != 1 {
				t.Errorf("%s named %d times, want once", s.Name, n)
			}
		}
		if r.services.Attempts(r.typ) != len(texts) {
			t.Errorf("%d sends, %d accepted: the stand-in refused a message", r.services.Attempts(r.typ), len(texts))
		}
	})
}

// Text from a site reaches every reader as typed: no format reads a name as markup.
func TestEveryTypeShowsASiteNameLiterally(t *testing.T) {
	const name = "<b>&amp; *shop* _x_"
	forEachType(t, func(t *testing.T, r *typeRig) {
		site, err := r.store.CreateSite(context.Background(), monitor.Site{Name: name, URL: "https://shop.example",
			CheckIntervalSeconds: 60, TimeoutSeconds: 5, ExpectedStatusCode: 200, FailureThreshold: 1, NextCheckAt: t0, CreatedAt: t0})
		if err != nil {
			t.Fatal(err)
		}
		r.record([]monitor.Site{site}, monitor.StatusUp, t0)
		r.record([]monitor.Site{site}, monitor.StatusDown, t0.Add(time.Minute))
		r.start(fastConfig())
		waitFor(t, "the alert", func() bool { return r.countState(monitor.NotificationDelivered) == 1 })
		text := r.texts()
		switch r.typ {
		case monitor.ChannelDiscord, monitor.ChannelSlack:
			// Markdown-like formats escape what they must; the raw text is checked by their
			// packages' tests. Here: the HTML-like part survives as text.
			if !strings.Contains(text, "<b>") && !strings.Contains(text, "&lt;b&gt;") {
				t.Errorf("the name is lost:\n%s", text)
			}
		default:
			if !strings.Contains(text, name) {
				t.Errorf("want %q as typed in:\n%s", name, text)
			}
		}
	})
}

// garbage is a server that greets and answers anything with a line no client can read, so each client
// fails with whatever error it writes, URL and all.
func garbage(t *testing.T) net.Listener {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				conn.Write([]byte("garbage\r\n\r\n"))
				conn.Read(make([]byte, 4096))
				conn.Close()
			}()
		}
	}()
	return ln
}

// Every type's secret stays out of the stored errors and the log, whatever the client's error
// says: the errors Go's HTTP client writes quote the URL, token and all.
func TestEveryTypeKeepsItsSecretsOutOfErrorsAndLogs(t *testing.T) {
	for _, typ := range monitor.ChannelTypes() {
		t.Run(string(typ), func(t *testing.T) {
			t.Parallel()
			bad := garbage(t)
			r := newTypeRig(t, storetest.OpenSQLite(t), typ, nil)
			addr := bad.Addr().String()
			r.services = standin.NewServices(t) // fresh stand-ins; the channel points at the garbage server below
			r.cfg = channels.Config{UserAgent: "Tocsin/test", DiscordHosts: []string{addr}, SlackHosts: []string{addr}, TelegramAPIURL: "http://" + addr}
			c := r.channel
			switch typ {
			case monitor.ChannelDiscord, monitor.ChannelSlack, monitor.ChannelWebhook:
				c.URL = "http://" + addr + c.URL[strings.Index(c.URL[len("http://"):], "/")+len("http://"):]
			case monitor.ChannelNtfy:
				c.Settings.ServerURL = "http://" + addr
			case monitor.ChannelEmail:
				c.Settings.Port = bad.Addr().(*net.TCPAddr).Port
			}
			if _, err := r.store.UpdateChannel(context.Background(), c, store.KeepOtherDefaults); err != nil {
				t.Fatal(err)
			}
			r.start(fastConfig())
			r.record(r.sites(1), monitor.StatusDown, t0.Add(time.Minute))
			waitFor(t, "a failed attempt", func() bool { return r.notifications()[0].Attempts >= 1 })
			n, ch := r.notifications()[0], r.state()
			for _, secret := range r.services.Secrets(typ) {
				for what, text := range map[string]string{"last_error": n.LastError, "the channel's last_error": ch.LastError, "the log": r.logs.String()} {
					if strings.Contains(text, secret) {
						t.Errorf("%s shows the secret %q: %s", what, secret, text)
					}
				}
			}
			if n.LastError == "" {
				t.Errorf("no error recorded")
			}
			t.Logf("last_error: %s", n.LastError)
		})
	}
}

// A channel of a type this version cannot send to (a newer version made it) is disabled with
// the reason; its alerts are held, not lost.
func TestAChannelOfAnUnknownTypeIsDisabledAndItsAlertsHeld(t *testing.T) {
	st := storetest.OpenSQLite(t)
	c, err := st.CreateChannel(context.Background(), monitor.Channel{Type: "pigeon", Name: "coo", Default: true, CreatedAt: t0})
	if err != nil {
		t.Fatal(err)
	}
	r := &typeRig{rig: &rig{t: t, store: st, logs: &logBuffer{}}, channel: c}
	r.start(fastConfig())
	r.record(r.sites(2), monitor.StatusDown, t0.Add(time.Minute))
	waitFor(t, "the channel disabled", func() bool { return r.state().State == monitor.ChannelDisabled })
	if got := r.state().LastError; !strings.Contains(got, "cannot send to channels of type pigeon") {
		t.Errorf("last error %q", got)
	}
	if n := r.countState(monitor.NotificationPending); n != 2 {
		t.Errorf("%d alerts held, want 2", n)
	}
}
