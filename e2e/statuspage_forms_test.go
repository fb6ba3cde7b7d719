package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// TestMakeAStatusPageThroughTheForm makes a status page as a person would, from the dashboard:
// a bad slug is refused beside its field with everything typed kept, Enter in a field saves
// (it is not taken by the form's other button, which adds rows), and the page made is public at
// /status/{slug} at once.
func TestMakeAStatusPageThroughTheForm(t *testing.T) {
	b := needBrowser(t)
	app, tg := startTocsin(t), newTarget(t)
	shop := app.addSite(t, map[string]any{"name": "Shop", "url": tg.URL + "/shop"})
	app.addSite(t, map[string]any{"name": "Blog", "url": tg.URL + "/blog"})
	tab := b.tab(t, desktop("light"))

	tab.open(app.url + "/app/status-pages")
	tab.do(chromedp.Click(`a[href="/app/status-pages/new"]`), chromedp.WaitVisible("form.page-form"))
	shopBox := fmt.Sprintf(`input[name="sections[0].site_ids"][value="%d"]`, shop)
	tab.do(
		chromedp.SetValue("#slug", "Acme Shop"),
		chromedp.SetValue("#title", "Acme"),
		chromedp.SetValue(`[id="sections[0].title"]`, "Storefront"),
		chromedp.Focus(shopBox), chromedp.KeyEvent(" "), // ticked from the keyboard
		chromedp.SendKeys("#title", kb.Enter),
		chromedp.WaitVisible("#slug-error"),
	)
	if msg := eval[string](tab, `document.querySelector("#slug-error").textContent`); !strings.Contains(msg, "must be 1 to 64 characters of a-z, 0-9 and -") {
		t.Errorf("the error beside the slug says %q", msg)
	}
	// The error is tied to its field, for screen readers, and what was typed stays.
	if eval[string](tab, `document.querySelector("#slug").getAttribute("aria-invalid")`) != "true" ||
		!strings.Contains(eval[string](tab, `document.querySelector("#slug").getAttribute("aria-describedby")`), "slug-error") {
		t.Error("the slug field is not marked with its error")
	}
	if slug, title, section, ticked := eval[string](tab, `document.querySelector("#slug").value`), eval[string](tab, `document.querySelector("#title").value`),
		eval[string](tab, `document.querySelector('[id="sections[0].title"]').value`), eval[bool](tab, `document.querySelector('`+shopBox+`').checked`); slug != "Acme Shop" || title != "Acme" || section != "Storefront" || !ticked {
		t.Errorf("what was typed is lost: slug %q, title %q, section %q, shop ticked %v", slug, title, section, ticked)
	}
	tab.screenshot("dashboard-status-page-form-light")

	tab.do(
		chromedp.SetValue("#slug", "acme-shop"),
		chromedp.Click(`form.page-form button[type="submit"]:not([name])`),
		chromedp.WaitVisible(`#page-acme-shop`),
	)
	if notice := eval[string](tab, `document.querySelector(".notice")?.textContent ?? ""`); !strings.Contains(notice, "Status page added") {
		t.Errorf("after saving, the notice says %q", notice)
	}

	tab.open(app.url + "/status/acme-shop")
	if title := eval[string](tab, "document.title"); !strings.HasPrefix(title, "Acme") {
		t.Errorf("the public page's title is %q", title)
	}
	if text := eval[string](tab, "document.body.innerText"); !strings.Contains(text, "Storefront") || !strings.Contains(text, "Shop") || strings.Contains(text, "Blog") {
		t.Errorf("the public page shows:\n%s", text)
	}
	// The refused form answers 400, which the browser logs; that one is expected.
	tab.forgive("the server responded with a status of 400")
	tab.assertNoProblems()

	// The edit form, reached from the list, in dark mode: the page as saved.
	dark := b.tab(t, desktop("dark"))
	dark.open(app.url + "/app/status-pages")
	dark.do(chromedp.Click(`#page-acme-shop ~ .site-actions a[href$="/edit"]`), chromedp.WaitVisible("form.page-form"))
	if slug := eval[string](dark, `document.querySelector("#slug").value`); slug != "acme-shop" {
		t.Errorf("the edit form's slug is %q", slug)
	}
	dark.screenshot("dashboard-status-page-form-dark")
	dark.assertNoProblems()
}
