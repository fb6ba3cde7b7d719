package e2e

import (
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestAddASiteWatchItGoDownLiveAndEditItWithABadValue drives the forms as a person would: add
// a site pointing at a local server, see it turn up; make the server fail and see the overview
// turn it down without a reload; edit it with a bad value and see the error beside the field.
func TestAddASiteWatchItGoDownLiveAndEditItWithABadValue(t *testing.T) {
	b := needBrowser(t)
	app, tg := startTocsin(t), newTarget(t)
	tab := b.tab(t, desktop("light"))

	tab.open(app.url + "/")
	tab.do(chromedp.Click(`a[href="/app/sites/new"]`), chromedp.WaitVisible("form.site-form"))
	tab.do(
		chromedp.SetValue("#name", "Shop"),
		chromedp.SetValue("#url", tg.URL+"/shop"),
		chromedp.SetValue("#check_interval_seconds", "1"),
		chromedp.SetValue("#timeout_seconds", "1"),
		chromedp.Click(`form.site-form button[type="submit"]`),
		chromedp.WaitVisible(".site-head"),
	)
	if h1 := eval[string](tab, `document.querySelector("h1").textContent`); h1 != "Shop" {
		t.Fatalf("after adding, the page is %q", h1)
	}
	if state := eval[string](tab, `document.querySelector(".site-head").dataset.status`); state != "up" {
		t.Errorf("the new site is %q, want up (it is checked as it is added)", state)
	}
	sitePath := eval[string](tab, "location.pathname")

	tab.open(app.url + "/")
	if got := eval[[]shownSite](tab, readRows); len(got) != 1 || got[0] != (shownSite{"Shop", "up", "Up"}) {
		t.Fatalf("the overview shows %+v", got)
	}
	// Marked, so a reload would show: the page must change in place.
	tab.do(chromedp.Evaluate[chromedp.Void]("window.__notReloaded = true"))
	tg.answer("/shop", http.StatusInternalServerError)
	waitFor(t, "the overview to turn the site down without a reload", func() bool {
		got := eval[[]shownSite](tab, readRows)
		return len(got) == 1 && got[0].Status == "down" && got[0].Label == "Down"
	})
	if !eval[bool](tab, "window.__notReloaded === true") {
		t.Error("the page was reloaded")
	}
	waitFor(t, "the tab title to count the site down", func() bool {
		return eval[string](tab, "document.title") == "1 down · Tocsin"
	})
	if counts := eval[string](tab, `document.querySelector(".counts").innerText`); !strings.Contains(counts, "1\nDown") {
		t.Errorf("counts %q", counts)
	}

	tab.open(app.url + sitePath + "/edit")
	tab.do(
		chromedp.SetValue("#timeout_seconds", "500"),
		chromedp.Click(`form.site-form button[type="submit"]`),
		chromedp.WaitVisible("#timeout_seconds-error"),
	)
	msg := eval[string](tab, `document.querySelector("#timeout_seconds-error").textContent`)
	if !strings.Contains(msg, "must be between 1 and 300") {
		t.Errorf("the error beside the timeout says %q", msg)
	}
	// The error is tied to its field, for screen readers, and what was typed stays.
	if eval[string](tab, `document.querySelector("#timeout_seconds").getAttribute("aria-invalid")`) != "true" ||
		!strings.Contains(eval[string](tab, `document.querySelector("#timeout_seconds").getAttribute("aria-describedby")`), "timeout_seconds-error") ||
		eval[string](tab, `document.querySelector("#timeout_seconds").value`) != "500" {
		t.Error("the timeout field is not marked with its error, or lost what was typed")
	}
	if name := eval[string](tab, `document.querySelector("#name").value`); name != "Shop" {
		t.Errorf("the other fields were not kept: name %q", name)
	}
	// The refused form answers 400, which the browser logs; that one is expected.
	tab.forgive("the server responded with a status of 400")
	tab.assertNoProblems()
}
