package e2e

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// shownSite is a row of the overview as the browser shows it.
type shownSite struct {
	Name   string `json:"name"`
	Status string `json:"status"` // the row's data-status
	Label  string `json:"label"`  // the words of its badge
}

const readRows = `[...document.querySelectorAll("#sites tr[data-site-id]")].map(r => ({
	name: r.querySelector(".site-name").textContent,
	status: r.dataset.status,
	label: r.querySelector(".badge").textContent}))`

func TestOverviewListsTheSitesWithTheirStatus(t *testing.T) {
	b := needBrowser(t)
	app, tg := startTocsin(t), newTarget(t)
	tg.answer("/api", http.StatusServiceUnavailable)
	app.addSite(t, map[string]any{"name": "Shop", "url": tg.URL + "/shop"})
	app.addSite(t, map[string]any{"name": "API", "url": tg.URL + "/api"})
	app.addSite(t, map[string]any{"name": "Blog", "url": tg.URL + "/blog", "paused": true})

	tab := b.tab(t, desktop("light"))
	tab.open(app.url + "/")
	want := []shownSite{{"API", "down", "Down"}, {"Shop", "up", "Up"}, {"Blog", "paused", "Paused"}}
	if got := eval[[]shownSite](tab, readRows); !slices.Equal(got, want) {
		t.Errorf("rows %+v, want %+v", got, want)
	}
	if title := eval[string](tab, "document.title"); title != "1 down · Tocsin" {
		t.Errorf("title %q", title)
	}
	counts := eval[string](tab, `document.querySelector(".counts").innerText`)
	for _, want := range []string{"1\nDown", "0\nPending", "1\nUp", "1\nPaused"} {
		if !strings.Contains(counts, want) {
			t.Errorf("counts %q lack %q", counts, want)
		}
	}
	tab.assertNoProblems()
}

func TestASiteThatGoesDownShowsDownAfterAReload(t *testing.T) {
	b := needBrowser(t)
	app, tg := startTocsin(t), newTarget(t)
	app.addSite(t, map[string]any{"name": "Shop", "url": tg.URL + "/shop", "check_interval_seconds": 1})

	tab := b.tab(t, desktop("light"))
	tab.open(app.url + "/")
	if got := eval[[]shownSite](tab, readRows); len(got) != 1 || got[0].Status != "up" {
		t.Fatalf("before: %+v", got)
	}
	tg.answer("/shop", http.StatusInternalServerError)
	waitFor(t, "the overview to show the site down", func() bool {
		tab.do(chromedp.Reload())
		got := eval[[]shownSite](tab, readRows)
		return len(got) == 1 && got[0].Status == "down" && got[0].Label == "Down"
	})
	if title := eval[string](tab, "document.title"); title != "1 down · Tocsin" {
		t.Errorf("title %q", title)
	}
	reason := eval[string](tab, `document.querySelector("#sites .error").textContent`)
	if reason != "expected status 200, got 500" {
		t.Errorf("the row says %q", reason)
	}
	tab.assertNoProblems()
}

func TestSitePageShowsItsChecksAndDrawsTheChart(t *testing.T) {
	b := needBrowser(t)
	app, tg := startTocsin(t), newTarget(t)
	id := app.addSite(t, map[string]any{"name": "Shop", "url": tg.URL + "/shop", "check_interval_seconds": 1})
	waitFor(t, "three checks", func() bool {
		var h struct{ Checks []any }
		app.call(t, http.MethodGet, fmt.Sprintf("/sites/%d/history", id), nil, http.StatusOK, &h)
		return len(h.Checks) >= 3
	})

	tab := b.tab(t, desktop("light"))
	tab.open(fmt.Sprintf("%s/app/sites/%d", app.url, id))
	tab.do(chromedp.WaitVisible("#chart canvas"))
	if n := eval[int](tab, `document.querySelectorAll(".checks tbody tr").length`); n < 3 {
		t.Errorf("%d checks listed, want at least 3", n)
	}
	// Each http check shows its five phases.
	phases := eval[[]string](tab, `[...document.querySelectorAll(".checks tbody tr:first-child td.num")].map(td => td.textContent)`)
	if len(phases) != 7 || phases[0] != "200" {
		t.Errorf("first check's cells %q, want the code, the total and five phases", phases)
	}
	if legend := eval[string](tab, `document.querySelector("#chart .u-legend").innerText`); !strings.Contains(legend, "Response time") {
		t.Errorf("chart legend %q", legend)
	}
	if h1 := eval[string](tab, `document.querySelector("h1").textContent`); h1 != "Shop" {
		t.Errorf("heading %q", h1)
	}
	tab.assertNoProblems()
}

// luminance of a CSS rgb() colour, 0 (black) to 1 (white).
const luminance = `(c => { const [r, g, b] = c.match(/\d+/g).map(Number); return (0.2126*r + 0.7152*g + 0.0722*b) / 255; })`

func TestPagesFollowTheSystemsLightOrDarkScheme(t *testing.T) {
	b := needBrowser(t)
	app, tg := startTocsin(t), newTarget(t)
	id := app.addSite(t, map[string]any{"name": "Shop", "url": tg.URL + "/shop"})
	for _, tt := range []struct {
		scheme         string
		dark           bool
		minTextContast float64
	}{{"light", false, 0.6}, {"dark", true, 0.6}} {
		tab := b.tab(t, desktop(tt.scheme))
		for _, path := range []string{"/", fmt.Sprintf("/app/sites/%d", id), "/app/alerts", "/app/maintenance", "/app/maintenance/new"} {
			tab.open(app.url + path)
			bg := eval[float64](tab, luminance+`(getComputedStyle(document.body).backgroundColor)`)
			text := eval[float64](tab, luminance+`(getComputedStyle(document.body).color)`)
			if (bg < 0.5) != tt.dark {
				t.Errorf("%s %s: background luminance %.2f", tt.scheme, path, bg)
			}
			if d := bg - text; d < tt.minTextContast && -d < tt.minTextContast {
				t.Errorf("%s %s: text %.2f on background %.2f is hard to read", tt.scheme, path, text, bg)
			}
		}
		tab.assertNoProblems()
	}
}

func TestOverviewCanBeUsedWithTheKeyboard(t *testing.T) {
	b := needBrowser(t)
	app, tg := startTocsin(t), newTarget(t)
	app.addSite(t, map[string]any{"name": "Shop", "url": tg.URL + "/shop"})

	tab := b.tab(t, desktop("light"))
	tab.open(app.url + "/")
	var reached []string
	for range 20 { // the navigation, the counts, the filter, then the sites
		tab.do(chromedp.KeyEvent(kb.Tab))
		reached = append(reached, eval[string](tab, `(e => e.id || e.textContent.trim().replace(/\s+/g, " "))(document.activeElement)`))
	}
	if reached[0] != "Skip to content" {
		t.Errorf("the first Tab reaches %q, want the skip link", reached[0])
	}
	for _, want := range []string{"Overview", "Alerts", "q", "status", "Show", "Shop"} {
		if !slices.Contains(reached, want) {
			t.Errorf("Tab never reaches %q; it reaches %q", want, reached)
		}
	}
	// The filter works from the keyboard too: type, then Enter.
	tab.do(chromedp.Focus("#q"), chromedp.SendKeys("#q", "nothing-like-it\r"), chromedp.WaitReady(".empty"))
	if url := eval[string](tab, "location.search"); url != "?q=nothing-like-it&status=" {
		t.Errorf("the search went to %q", url)
	}
}

func TestPagesFitAPhone(t *testing.T) {
	b := needBrowser(t)
	app, tg := startTocsin(t), newTarget(t)
	tg.answer("/api", http.StatusServiceUnavailable)
	app.addSite(t, map[string]any{"name": "A site with a rather long name that must wrap", "url": tg.URL + "/a/very/long/path/that/must/wrap/somewhere/on/a/phone"})
	id := app.addSite(t, map[string]any{"name": "API", "url": tg.URL + "/api"})

	tab := b.tab(t, view{width: 390, height: 844, scheme: "light"})
	for _, path := range []string{"/", fmt.Sprintf("/app/sites/%d", id), "/app/alerts", "/app/maintenance", "/app/maintenance/new"} {
		tab.open(app.url + path)
		if w := eval[int](tab, "document.documentElement.scrollWidth"); w > 390 {
			t.Errorf("%s is %d px wide on a 390 px phone", path, w)
		}
	}
	tab.assertNoProblems()
}
