package e2e

import (
	"fmt"
	"math"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/tocsin/tocsin/internal/notify/discordtest"
)

// TestScreenshots builds the README's picture: 20 sites in every state, one of them with a
// history worth charting, and shows the pages in light, dark and on a phone. It asserts that
// every page loads cleanly; with -screenshots it writes the PNGs to docs/.
func TestScreenshots(t *testing.T) {
	if !*writeScreenshots {
		t.Skip("run with -screenshots to write docs/*.png")
	}
	b := needBrowser(t)
	discord := discordtest.New(t)
	app, tg := startTocsin(t, "TOCSIN_DISCORD_ALLOWED_HOSTS="+discord.Host()), newTarget(t)
	app.call(t, http.MethodPost, "/webhook", map[string]any{"webhook_url": discord.WebhookURL("1187654321098765432")}, http.StatusOK, nil)
	checkout := addTwentySites(t, app, tg)

	// A minute of checks of Checkout API with a short outage in the middle.
	time.Sleep(25 * time.Second)
	tg.answer("/checkout", http.StatusBadGateway)
	time.Sleep(3 * time.Second)
	tg.answer("/checkout", http.StatusOK)
	time.Sleep(25 * time.Second)

	shots := []struct {
		name, path string
		v          view
	}{
		{"dashboard-overview-light", "/", desktop("light")},
		{"dashboard-overview-dark", "/", desktop("dark")},
		{"dashboard-overview-phone", "/", view{width: 390, height: 844, scheme: "light"}},
		{"dashboard-site-light", fmt.Sprintf("/app/sites/%d", checkout), desktop("light")},
		{"dashboard-site-dark", fmt.Sprintf("/app/sites/%d", checkout), desktop("dark")},
		{"dashboard-site-phone", fmt.Sprintf("/app/sites/%d", checkout), view{width: 390, height: 844, scheme: "dark"}},
		{"dashboard-alerts-light", "/app/alerts", desktop("light")},
		{"dashboard-alerts-dark", "/app/alerts", desktop("dark")},
		{"dashboard-site-form-light", "/app/sites/new", desktop("light")},
	}
	for _, s := range shots {
		tab := b.tab(t, s.v)
		tab.open(app.url + s.path)
		time.Sleep(300 * time.Millisecond) // let the chart settle to its width
		tab.screenshot(s.name)
		tab.assertNoProblems()
		// A browser opens at most six connections to a server, and each page's live updates
		// hold one while it is shown.
		tab.close()
	}
}

// addTwentySites adds 11 sites that are up, 4 down, 2 pending and 3 paused, and returns the id
// of the one checked every second.
func addTwentySites(t *testing.T, app *tocsin, tg *target) int64 {
	jitter := func(base, spread float64) func() time.Duration {
		n := 0.0
		return func() time.Duration {
			n++
			ms := base + spread*math.Abs(math.Sin(n/3)) + math.Mod(n*7, 11)
			return time.Duration(ms * float64(time.Millisecond))
		}
	}
	for path, base := range map[string]float64{"/": 40, "/docs": 25, "/blog": 60, "/search": 90, "/auth/health": 35,
		"/payments/health": 110, "/status": 20, "/www": 70, "/checkout": 80} {
		tg.slow(path, jitter(base, base/2))
	}
	tg.answer("/billing", http.StatusServiceUnavailable)
	tg.slow("/images/resize", func() time.Duration { return 3 * time.Second })
	host := tg.Listener.Addr().String()
	_, port, _ := net.SplitHostPort(host)

	up := []map[string]any{
		{"name": "Shop", "url": tg.URL + "/"},
		{"name": "Docs", "url": tg.URL + "/docs"},
		{"name": "Blog", "url": tg.URL + "/blog"},
		{"name": "Search", "url": tg.URL + "/search"},
		{"name": "Auth service", "url": tg.URL + "/auth/health"},
		{"name": "Payments", "url": tg.URL + "/payments/health"},
		{"name": "Status page", "url": tg.URL + "/status"},
		{"name": "Marketing site", "url": tg.URL + "/www"},
		{"name": "CDN edge", "type": "tcp", "url": host},
		{"name": "Mail relay", "type": "tcp", "url": "localhost:" + port},
	}
	for _, s := range up {
		s["check_interval_seconds"] = 30
		app.addSite(t, s)
	}
	checkout := app.addSite(t, map[string]any{"name": "Checkout API", "url": tg.URL + "/checkout", "check_interval_seconds": 1})
	for _, s := range []map[string]any{
		{"name": "Billing", "url": tg.URL + "/billing"},
		{"name": "Legacy admin", "url": "http://127.0.0.1:1/admin"},
		{"name": "Image resizer", "url": tg.URL + "/images/resize", "timeout_seconds": 2},
		{"name": "Partner feed", "url": tg.URL + "/feed", "keyword": "\"items\""},
		{"name": "Nightly backup", "type": "push", "check_interval_seconds": 86400, "grace_seconds": 3600},
		{"name": "Invoice cron", "type": "push", "check_interval_seconds": 3600},
		{"name": "Staging", "url": tg.URL + "/staging", "paused": true},
		{"name": "Old API v1", "url": tg.URL + "/v1", "paused": true},
		{"name": "Beta dashboard", "url": tg.URL + "/beta", "paused": true},
	} {
		if _, ok := s["check_interval_seconds"]; !ok {
			s["check_interval_seconds"] = 30
		}
		app.addSite(t, s)
	}
	return checkout
}
