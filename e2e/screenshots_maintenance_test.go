package e2e

import (
	"net/http"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestScreenshotsOfMaintenance shows the maintenance page, with a window open now and two that
// recur, and the edit form refusing a cron expression beside its field; with -screenshots it
// writes the PNGs to docs/.
func TestScreenshotsOfMaintenance(t *testing.T) {
	if !*writeScreenshots {
		t.Skip("run with -screenshots to write docs/*.png")
	}
	b := needBrowser(t)
	app, tg := startTocsin(t), newTarget(t)
	shop := app.addSite(t, map[string]any{"name": "Shop", "url": tg.URL + "/shop"})
	api := app.addSite(t, map[string]any{"name": "Checkout API", "url": tg.URL + "/checkout"})
	app.addSite(t, map[string]any{"name": "Blog", "url": tg.URL + "/blog"})
	now := time.Now().UTC().Truncate(time.Minute)
	app.call(t, http.MethodPost, "/maintenance", map[string]any{"title": "Database upgrade", "site_ids": []int64{shop, api},
		"start": now.Add(-20 * time.Minute).Format(time.RFC3339), "end": now.Add(100 * time.Minute).Format(time.RFC3339)}, http.StatusCreated, nil)
	app.call(t, http.MethodPost, "/maintenance", map[string]any{"title": "Weekly patching", "all_sites": true,
		"cron": "0 3 * * sun", "duration": "90m", "timezone": "Europe/Berlin"}, http.StatusCreated, nil)
	app.call(t, http.MethodPost, "/maintenance", map[string]any{"title": "Nightly backup", "site_ids": []int64{api},
		"cron": "30 22 * * mon-fri", "duration": "45m", "timezone": "America/New_York"}, http.StatusCreated, nil)

	for _, scheme := range []string{"light", "dark"} {
		tab := b.tab(t, desktop(scheme))
		tab.open(app.url + "/app/maintenance")
		tab.screenshot("dashboard-maintenance-" + scheme)
		tab.assertNoProblems()
	}
	tab := b.tab(t, desktop("light"))
	tab.open(app.url + "/app/maintenance/2/edit")
	tab.do(chromedp.SetValue("#cron", "0 3 * *"), chromedp.Click(`form.maintenance-form button[type="submit"]`),
		chromedp.WaitVisible("#cron-error"))
	tab.screenshot("dashboard-maintenance-form-light")
	tab.forgive("the server responded with a status of 400")
	tab.assertNoProblems()
}
