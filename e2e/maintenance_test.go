package e2e

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestPlanMaintenanceThroughTheForm makes a window as a person would: from the maintenance
// page, a one-off window open now on one site. The page lists it as active, the site page says
// the site is in maintenance, and the window has the effect of one made through the API: the
// API lists it active, and the maintenance sweep writes the site's event.
func TestPlanMaintenanceThroughTheForm(t *testing.T) {
	b := needBrowser(t)
	app, tg := startTocsin(t), newTarget(t)
	id := app.addSite(t, map[string]any{"name": "Shop", "url": tg.URL + "/shop"})
	tab := b.tab(t, desktop("light"))

	tab.open(app.url + "/")
	tab.do(chromedp.Click(`nav a[href="/app/maintenance"]`), chromedp.WaitVisible(`a[href="/app/maintenance/new"]`))
	tab.do(chromedp.Click(`.page-head a[href="/app/maintenance/new"]`), chromedp.WaitVisible("form.maintenance-form"))
	// The form's times are in UTC unless told otherwise; it says so.
	if zone := eval[string](tab, `document.querySelector("#oneoff_timezone").value`); zone != "UTC" {
		t.Errorf("the one-off window's zone is %q, want UTC", zone)
	}
	if hint := eval[string](tab, `document.querySelector("#start-hint").textContent`); !strings.Contains(hint, "UTC") {
		t.Errorf("the start's hint does not say its zone: %q", hint)
	}
	start, end := time.Now().UTC().Add(-5*time.Minute), time.Now().UTC().Add(time.Hour)
	tab.do(
		chromedp.SetValue("#title", "DB upgrade"),
		chromedp.Click(fmt.Sprintf(`input[name="site_ids"][value="%d"]`, id)),
		chromedp.SetValue("#start", start.Format("2006-01-02T15:04")),
		chromedp.SetValue("#end", end.Format("2006-01-02T15:04")),
		chromedp.Click(`form.maintenance-form button[type="submit"]`),
		chromedp.WaitVisible("table.windows"),
	)
	row := eval[map[string]string](tab, `(() => { const r = document.querySelector("table.windows tbody tr");
		return {active: r.dataset.active, text: r.innerText}; })()`)
	if row["active"] != "true" || !strings.Contains(row["text"], "DB upgrade") || !strings.Contains(row["text"], "Shop") ||
		!strings.Contains(row["text"], "Active now") || !strings.Contains(row["text"], "closes") {
		t.Fatalf("the maintenance page shows %+v", row)
	}

	tab.open(fmt.Sprintf("%s/app/sites/%d", app.url, id))
	if note := eval[string](tab, `(document.querySelector(".site-maintenance") || {}).textContent || ""`); !strings.Contains(note, "In maintenance (DB upgrade)") {
		t.Errorf("the site page says %q, want it in maintenance", note)
	}

	// The same window the API would have made: listed active there, and swept into the site's events.
	var windows []struct {
		Title   string  `json:"title"`
		SiteIDs []int64 `json:"site_ids"`
		Active  bool    `json:"active"`
	}
	app.call(t, http.MethodGet, "/maintenance", nil, http.StatusOK, &windows)
	if len(windows) != 1 || windows[0].Title != "DB upgrade" || len(windows[0].SiteIDs) != 1 || windows[0].SiteIDs[0] != id || !windows[0].Active {
		t.Errorf("GET /maintenance: %+v", windows)
	}
	waitFor(t, "the maintenance sweep to write the site's event", func() bool {
		var events struct {
			Events []struct{ Kind, To string } `json:"events"`
		}
		app.call(t, http.MethodGet, fmt.Sprintf("/sites/%d/events", id), nil, http.StatusOK, &events)
		for _, e := range events.Events {
			if e.Kind == "monitoring" && e.To == "maintenance" {
				return true
			}
		}
		return false
	})
	tab.assertNoProblems()
}
