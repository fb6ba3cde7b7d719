package e2e

import (
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/tocsin/tocsin/internal/notify/discordtest"
)

// startTocsinWithAuth runs Tocsin as it runs by default: sign-in on.
func startTocsinWithAuth(t *testing.T, env ...string) *tocsin {
	return startTocsin(t, append([]string{"TOCSIN_AUTH=on"}, env...)...)
}

// path is where the tab is, without the host.
func (tb *tab) path() string {
	return eval[string](tb, "location.pathname + location.search")
}

// submit fills a form's fields (selector → text) and presses its button, then waits for the
// page the answer shows, found by a selector of its own.
func (tb *tab) submit(fields [][2]string, button, next string) {
	tb.t.Helper()
	var actions []chromedp.Action[chromedp.Void]
	for _, f := range fields {
		actions = append(actions, chromedp.SendKeys(f[0], f[1]))
	}
	actions = append(actions, chromedp.Click(button), chromedp.WaitVisible(next))
	tb.do(actions...)
}

// forgive drops the problems recorded so far that contain text: ones a test caused on purpose.
func (tb *tab) forgive(text string) {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	kept := tb.problems[:0]
	for _, p := range tb.problems {
		if !strings.Contains(p, text) {
			kept = append(kept, p)
		}
	}
	tb.problems = kept
}

// apiStatus calls the JSON API with a bearer key and answers its status.
func apiStatus(t *testing.T, app *tocsin, path, key string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, app.url+path, nil)
	req.Header.Set("Authorization", "Bearer "+key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestSignUpSetADiscordWebhookMakeAKeyAndSignOut(t *testing.T) {
	b := needBrowser(t)
	discord := discordtest.New(t)
	app := startTocsinWithAuth(t, "TOCSIN_DISCORD_ALLOWED_HOSTS="+discord.Host())
	tab := b.tab(t, desktop("light"))

	// A signed-out browser is sent to sign in; before any account exists, it signs up.
	tab.open(app.url + "/")
	if p := tab.path(); p != "/app/signin" {
		t.Fatalf("a signed-out browser is at %s", p)
	}
	if h := eval[string](tab, `document.querySelector("h1").textContent`); h != "Create the first account" {
		t.Fatalf("heading %q", h)
	}
	// By keyboard alone: the name has the focus, Tab reaches the password, Enter sends.
	if focused := eval[string](tab, "document.activeElement.id"); focused != "f-username" {
		t.Errorf("the focus is on %q, not the username", focused)
	}
	tab.do(chromedp.KeyEvent("ada"), chromedp.KeyEvent(kb.Tab), chromedp.KeyEvent("correct horse"), chromedp.KeyEvent(kb.Enter),
		chromedp.WaitVisible("#sites, .empty"))
	if p := tab.path(); p != "/" {
		t.Fatalf("after signing up the browser is at %s", p)
	}

	// A Discord channel: a bad URL is refused beside the field, the stand-in's is taken.
	tab.open(app.url + "/app/alerts")
	tab.do(chromedp.Click(`a[href="/app/alerts/new?type=discord"]`), chromedp.WaitVisible("#f-url"))
	tab.submit([][2]string{{"#f-url", "https://example.com/hook"}}, `form.stack button[type="submit"]`, "#f-url-error")
	if msg := eval[string](tab, `document.querySelector("#f-url-error").textContent`); !strings.Contains(msg, "Discord") {
		t.Errorf("the URL's error says %q", msg)
	}
	tab.forgive("status of 400") // the refused form is answered 400, which Chromium logs
	tab.do(chromedp.Clear("#f-url"))
	tab.submit([][2]string{{"#f-name", "ops"}, {"#f-url", discord.WebhookURL("4242")}}, `form.stack button[type="submit"]`, ".channels")
	tab.do(chromedp.Click(`.channels button[aria-label^="Send a test message"]`))
	var notice string
	waitFor(t, "the test's answer", func() bool {
		notice = eval[string](tab, `(document.querySelector(".notice") || {}).textContent || ""`)
		return strings.Contains(notice, "Test message sent") || strings.Contains(notice, "was not delivered")
	})
	if !strings.Contains(notice, "Test message sent to ops.") || !strings.Contains(notice, "Discord answered") {
		t.Errorf("the test's notice says %q", notice)
	}
	if n := len(discord.Messages()); n != 1 {
		t.Errorf("the Discord stand-in got %d messages, want the test message", n)
	}
	if html := eval[string](tab, "document.documentElement.outerHTML"); strings.Contains(html, "token-4242") {
		t.Error("the webhook's token is on the page")
	}
	tab.assertNoProblems()

	// An API key, shown once, works with the API until it is revoked.
	tab.open(app.url + "/app/account")
	tab.submit([][2]string{{"#f-name", "deploy script"}}, `form[action="/app/account/keys"] button`, "#new-key-value")
	key := eval[string](tab, `document.querySelector("#new-key-value").textContent`)
	if !strings.HasPrefix(key, "tsk_") {
		t.Fatalf("the key shown is %q", key)
	}
	if status := apiStatus(t, app, "/sites", key); status != http.StatusOK {
		t.Fatalf("the new key: %d", status)
	}
	tab.do(chromedp.Click(`.keys button[aria-label^="Revoke"]`))
	waitFor(t, "the key to be revoked", func() bool { return tab.path() == "/app/account?done=revoked" })
	if status := apiStatus(t, app, "/sites", key); status != http.StatusUnauthorized {
		t.Errorf("the revoked key: %d", status)
	}
	if rows := eval[int](tab, `document.querySelectorAll(".keys tbody tr").length`); rows != 0 {
		t.Errorf("%d keys listed after revoking", rows)
	}
	tab.assertNoProblems()

	// Signing out ends the session: the browser is sent to sign in, and stays there.
	tab.submit(nil, `.signout button`, `form[action="/app/signin"]`)
	if p := tab.path(); p != "/app/signin" {
		t.Errorf("after signing out the browser is at %s", p)
	}
	tab.open(app.url + "/app/account")
	if p := tab.path(); p != "/app/signin?next=%2Fapp%2Faccount" {
		t.Errorf("a signed-out browser opening the account page is at %s", p)
	}
	tab.assertNoProblems()
}
