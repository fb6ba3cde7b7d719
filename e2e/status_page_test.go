package e2e

import (
	"database/sql"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	_ "modernc.org/sqlite"
)

// A public status page in the browser: three sites with some weeks of history, one of them down
// now. The day bars are reached with the keyboard and show their tooltip; with -screenshots the
// page is written to docs/ in light and dark.
func TestStatusPageDayBarsAreFocusableAndShowTheirTooltip(t *testing.T) {
	b := needBrowser(t)
	db := filepath.Join(t.TempDir(), "tocsin.db")
	app, tg := startTocsin(t, "DATABASE_URL=sqlite:"+db), newTarget(t)
	tg.answer("/blog", http.StatusServiceUnavailable)
	shop := app.addSite(t, map[string]any{"name": "Shop", "url": tg.URL + "/shop"})
	api := app.addSite(t, map[string]any{"name": "Public API", "url": tg.URL + "/api"})
	blog := app.addSite(t, map[string]any{"name": "Blog", "url": tg.URL + "/blog"})

	// Weeks of history, written as the scheduler would have: the sites began to be watched at
	// different times (the days before are "no data"), and had outages of different lengths.
	now := time.Now().UTC()
	day := func(n int, hour, minute int) time.Time {
		d := now.AddDate(0, 0, -n)
		return time.Date(d.Year(), d.Month(), d.Day(), hour, minute, 0, 0, time.UTC)
	}
	seed(t, db, []seedEvent{
		{shop, day(60, 9, 0), "pending", "up"},
		{shop, day(21, 14, 5), "up", "down"}, {shop, day(21, 14, 52), "down", "up"},
		{shop, day(5, 3, 10), "up", "down"}, {shop, day(5, 3, 12), "down", "up"},
		{api, day(80, 12, 0), "pending", "up"},
		{api, day(33, 1, 0), "up", "down"}, {api, day(33, 1, 9), "down", "up"},
		{api, day(3, 8, 30), "up", "down"}, {api, day(3, 13, 45), "down", "up"},
		{blog, day(45, 16, 0), "pending", "up"},
	})
	app.call(t, http.MethodPost, "/status-pages", map[string]any{
		"slug": "acme", "title": "Acme", "description": "The state of Acme's shop, API and blog.",
		"sections": []map[string]any{
			{"title": "Storefront", "site_ids": []int64{shop, api}},
			{"title": "Writing", "site_ids": []int64{blog}},
		},
		"maintenance": []map[string]any{{"message": "The database moves to a larger server; the shop may be slow for a few minutes.",
			"from": day(-2, 22, 0).Format(time.RFC3339), "to": day(-2, 23, 0).Format(time.RFC3339)}},
	}, http.StatusCreated, nil)

	for _, scheme := range []string{"light", "dark"} {
		tab := b.tab(t, view{width: 1100, height: 900, scheme: scheme})
		tab.open(app.url + "/status/acme")
		if got := eval[string](tab, `document.querySelector(".sp-banner").textContent.trim()`); got != "Partial outage" {
			t.Errorf("banner %q", got)
		}
		if n := eval[int](tab, `document.querySelectorAll(".sp-days > li").length`); n != 3*90 {
			t.Errorf("%d day bars, want 270", n)
		}
		// The shop's outage 21 days ago is a red bar; its 29 days before it was watched are grey, none green.
		levels := eval[[]string](tab, `[...document.querySelectorAll(".sp-site")[0].querySelectorAll(".sp-days > li")].map(d => d.dataset.level)`)
		if levels[89-21] != "major" || levels[0] != "no_data" || levels[28] != "no_data" || levels[29] != "up" {
			t.Errorf("the shop's bars: %v", levels)
		}
		grey := eval[[]string](tab, `[...document.querySelectorAll('.sp-days > [data-level="no_data"]')].map(d => getComputedStyle(d).backgroundColor)`)
		green := eval[string](tab, `getComputedStyle(document.querySelector('.sp-days > [data-level="up"]')).backgroundColor`)
		for _, c := range grey {
			if c == green {
				t.Fatalf("a no-data bar is %s, the colour of an up day", c)
			}
		}

		// Focus the first bar, then Tab along: each bar takes the focus and shows its tooltip.
		tab.do(chromedp.Focus(".sp-days > li"))
		for i := range 3 {
			if i > 0 {
				tab.do(chromedp.KeyEvent(kb.Tab))
			}
			focused := eval[bool](tab, `document.activeElement.matches(".sp-days > li")`)
			tip := eval[string](tab, `getComputedStyle(document.activeElement, "::after").display`)
			if !focused || tip == "none" {
				t.Errorf("Tab %d: focus on a bar %v, tooltip display %q", i, focused, tip)
			}
		}
		// The bar of the shop's outage says its date, uptime and downtime.
		outage := day(21, 0, 0).Format(time.DateOnly)
		tab.do(chromedp.Focus(fmt.Sprintf(`.sp-site:first-child .sp-days > [data-date="%s"]`, outage)))
		text := eval[string](tab, `getComputedStyle(document.activeElement, "::after").content`)
		visible := eval[bool](tab, `(s => s.display == "block" && s.visibility == "visible" && parseFloat(s.width) > 100)(getComputedStyle(document.activeElement, "::after"))`)
		if !visible || !strings.Contains(text, outage) || !strings.Contains(text, "96.73% uptime") || !strings.Contains(text, "down 47 min") {
			t.Errorf("the outage day's tooltip (visible %v): %q", visible, text)
		}
		incidents := eval[int](tab, `document.querySelectorAll(".sp-incident").length`)
		if incidents != 3 { // the blog's, under way, the API's 3 days ago and the shop's 5 days ago
			t.Errorf("%d incidents listed, want 3", incidents)
		}
		tab.screenshot("status-page-" + scheme) // with the outage day's tooltip showing
		tab.assertNoProblems()
	}

	// The dashboard lists the page, with its public link.
	tab := b.tab(t, desktop("light"))
	tab.open(app.url + "/app/status-pages")
	if href := eval[string](tab, `document.querySelector('main a[href="/status/acme"]')?.getAttribute("href") ?? ""`); href != "/status/acme" {
		t.Errorf("the dashboard does not link to the page")
	}
	tab.screenshot("dashboard-status-pages-light")
	tab.assertNoProblems()
}

type seedEvent struct {
	site     int64
	at       time.Time
	from, to string
}

// seed writes status events into the SQLite file of a running tocsin, as past history.
func seed(t *testing.T, path string, events []seedEvent) {
	t.Helper()
	db, err := sql.Open("sqlite", path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, e := range events {
		_, err := db.Exec(`INSERT INTO events (site_id, kind, at, from_status, to_status, reason) VALUES (?, 'status', ?, ?, ?, '')`,
			e.site, e.at.UnixMicro(), e.from, e.to)
		if err != nil {
			t.Fatal(err)
		}
	}
}
