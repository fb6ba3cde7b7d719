package e2e

import (
	"net/http"
	"strings"
	"testing"

	"github.com/tocsin/tocsin/internal/notify/discordtest"
)

func TestAlertsPageShowsTheWebhookMaskedAndWhatBecameOfEachAlert(t *testing.T) {
	b := needBrowser(t)
	discord := discordtest.New(t)
	app, tg := startTocsin(t, "TOCSIN_DISCORD_ALLOWED_HOSTS="+discord.Host()), newTarget(t)
	hook := discord.WebhookURL("4242")
	token := hook[strings.LastIndex(hook, "/")+1:]
	app.call(t, http.MethodPost, "/webhook", map[string]any{"webhook_url": hook}, http.StatusOK, nil)
	tg.answer("/api", http.StatusServiceUnavailable)
	app.addSite(t, map[string]any{"name": "API", "url": tg.URL + "/api"})
	waitFor(t, "the down alert to reach Discord", func() bool { return discord.Posts() >= 1 })

	tab := b.tab(t, desktop("light"))
	waitFor(t, "the alert to be marked delivered", func() bool {
		tab.open(app.url + "/app/alerts")
		return eval[string](tab, `(document.querySelector(".notifications tbody tr .badge") || {}).textContent || ""`) == "Delivered"
	})
	page := eval[string](tab, "document.body.innerText")
	if strings.Contains(page, token) || strings.Contains(eval[string](tab, "document.documentElement.outerHTML"), token) {
		t.Fatalf("the webhook's token is on the page")
	}
	for _, want := range []string{"/webhooks/4242/****", "Active", "API", "Down"} {
		if !strings.Contains(page, want) {
			t.Errorf("the alerts page lacks %q:\n%s", want, page)
		}
	}
	tab.assertNoProblems()
}
