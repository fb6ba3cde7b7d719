package e2e

import (
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/tocsin/tocsin/internal/notify/discordtest"
)

// TestScreenshotsOfSignInAndAccount pictures the pages of sign-in, the account and the
// channel form, with auth on as Tocsin runs by default. With -screenshots it writes the PNGs
// to docs/; either way it asserts that each page loads cleanly.
func TestScreenshotsOfSignInAndAccount(t *testing.T) {
	if !*writeScreenshots {
		t.Skip("run with -screenshots to write docs/*.png")
	}
	b := needBrowser(t)
	discord := discordtest.New(t)
	app := startTocsinWithAuth(t, "TOCSIN_DISCORD_ALLOWED_HOSTS="+discord.Host())

	for _, scheme := range []string{"light", "dark"} {
		tab := b.tab(t, view{width: 1280, height: 720, scheme: scheme})
		tab.open(app.url + "/app/signin")
		tab.screenshot("dashboard-signin-" + scheme)
		tab.assertNoProblems()
	}

	tab := b.tab(t, desktop("light"))
	tab.open(app.url + "/app/signin")
	tab.submit([][2]string{{"#f-username", "ada"}, {"#f-password", "correct horse"}}, `form button[type="submit"]`, "#sites, .empty")
	tab.open(app.url + "/app/alerts/new?type=discord")
	tab.submit([][2]string{{"#f-name", "ops"}, {"#f-url", discord.WebhookURL("1187654321098765432")}}, `form.stack button[type="submit"]`, ".channels")
	tab.do(chromedp.Click(`.channels button[aria-label^="Send a test message"]`))
	waitFor(t, "the test's answer", func() bool { return tab.path() == "/app/alerts/channels/1/test" })
	tab.open(app.url + "/app/account")
	tab.submit([][2]string{{"#f-name", "deploy script"}}, `form[action="/app/account/keys"] button`, "#new-key-value")
	tab.open(app.url + "/app/account")
	tab.submit([][2]string{{"#f-name", "grafana"}}, `form[action="/app/account/keys"] button`, "#new-key-value")
	tab.open(app.url + "/app/account")
	tab.submit([][2]string{{"form[action=\"/app/users\"] #f-username", "bob"}, {"form[action=\"/app/users\"] #f-password", "correct horse"}},
		`form[action="/app/users"] button`, ".notice-ok")

	for _, scheme := range []string{"light", "dark"} {
		tab := b.tab(t, desktop(scheme))
		// The new tab shares the browser's cookies: it is signed in as ada.
		tab.open(app.url + "/app/account")
		tab.screenshot("dashboard-account-" + scheme)
		tab.open(app.url + "/app/alerts")
		tab.assertNoProblems()
		tab.open(app.url + "/app/alerts/new?type=email")
		tab.submit([][2]string{{"#f-host", "smtp.example.com"}, {"#f-port", "587"}, {"#f-from", "tocsin@example.com"}, {"#f-to", "ops at example.com"}},
			`form.stack button[type="submit"]`, "#f-to-error")
		tab.screenshot("dashboard-channel-form-" + scheme)
		tab.forgive("status of 400")
		tab.assertNoProblems()
	}
}
