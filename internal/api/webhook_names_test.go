package api_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tocsin/tocsin/internal/api"
	"github.com/tocsin/tocsin/internal/auth"
	"github.com/tocsin/tocsin/internal/store/storetest"
)

func TestWebhooksTakeAChosenNameAndKeepIt(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		named := e.expect(e.do("POST", "/webhooks", fmt.Sprintf(`{"webhook_url": %q, "name": " ops "}`, e.discord.WebhookURL("1"))), http.StatusCreated)
		if named["name"] != "ops" {
			t.Errorf("a chosen name: %v", named["name"])
		}
		plain := e.expect(e.do("POST", "/webhook", fmt.Sprintf(`{"webhook_url": %q}`, e.discord.WebhookURL("2"))), http.StatusOK)
		if plain["name"] != "Alerts 2" {
			t.Errorf("without a name, Discord's: %v", plain["name"])
		}
		// Set again without a name, a webhook keeps the one it was given.
		again := e.expect(e.do("POST", "/webhooks", fmt.Sprintf(`{"webhook_url": %q}`, e.discord.WebhookURL("1"))), http.StatusCreated)
		if again["id"] != named["id"] || again["name"] != "ops" {
			t.Errorf("set again without a name: %v", again)
		}
		for _, bad := range []string{`""`, `"a\nb"`, `"` + strings.Repeat("n", 201) + `"`, `5`} {
			r := e.do("POST", "/webhooks", fmt.Sprintf(`{"webhook_url": %q, "name": %s}`, e.discord.WebhookURL("3"), bad))
			if r.status != 400 || !strings.Contains(r.raw, `"field": "name"`) {
				t.Errorf("name %s: %d %s", bad, r.status, r.raw)
			}
		}
	})
}

func TestPatchWebhookRenamesMovesAndSetsTheDefault(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		a := e.expect(e.do("POST", "/webhooks", fmt.Sprintf(`{"webhook_url": %q, "default": true}`, e.discord.WebhookURL("1"))), http.StatusCreated)
		b := e.expect(e.do("POST", "/webhooks", fmt.Sprintf(`{"webhook_url": %q}`, e.discord.WebhookURL("2"))), http.StatusCreated)
		path := "/webhooks/" + jsonNumber(b["id"])

		got := e.expect(e.do("PATCH", path, `{"name": "pager", "default": true}`), http.StatusOK)
		if got["name"] != "pager" || got["default"] != true || got["channel_id"] != "chan-2" {
			t.Errorf("rename and make default: %v", got)
		}
		if def := e.expect(e.do("GET", "/webhook", ""), 200); def["id"] != b["id"] {
			t.Errorf("the default is %v, want %v", def["id"], b["id"])
		}
		r := e.do("PATCH", path, fmt.Sprintf(`{"webhook_url": %q}`, e.discord.WebhookURL("3")))
		noToken(t, r)
		if got := e.expect(r, http.StatusOK); got["channel_id"] != "chan-3" || got["name"] != "pager" {
			t.Errorf("a new URL: %v", got)
		}
		r = e.do("PATCH", path, fmt.Sprintf(`{"webhook_url": %q}`, e.discord.WebhookURL("1")))
		if r.status != http.StatusConflict || !strings.Contains(r.raw, "webhook_url_taken") {
			t.Errorf("taking webhook %v's URL: %d %s", a["id"], r.status, r.raw)
		}
		e.discord.Gone("4")
		if r := e.do("PATCH", path, fmt.Sprintf(`{"webhook_url": %q}`, e.discord.WebhookURL("4"))); r.status != 400 {
			t.Errorf("a URL Discord does not know: %d %s", r.status, r.raw)
		}
		if r := e.do("PATCH", "/webhooks/999", `{"name": "x"}`); r.status != 404 {
			t.Errorf("no such webhook: %d", r.status)
		}
		e.expect(e.do("PATCH", path, `{"default": false}`), http.StatusOK)
		if r := e.do("GET", "/webhook", ""); r.status != 404 {
			t.Errorf("after unsetting the default: %d %s", r.status, r.raw)
		}
	})
}

func TestWebhookDryRunVerifiesAndSavesNothing(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		got := e.expect(e.do("POST", "/webhooks?dry_run=true", fmt.Sprintf(`{"webhook_url": %q, "name": "ops"}`, e.discord.WebhookURL("1"))), http.StatusOK)
		if got["name"] != "ops" || got["id"] != float64(0) {
			t.Errorf("dry run: %v", got)
		}
		e.discord.Gone("2")
		if r := e.do("POST", "/webhooks?dry_run=true", fmt.Sprintf(`{"webhook_url": %q}`, e.discord.WebhookURL("2"))); r.status != 400 {
			t.Errorf("a dry run of a gone webhook: %d", r.status)
		}
		if hooks, _ := e.store.ListWebhooks(context.Background(), 0); len(hooks) != 0 {
			t.Errorf("dry runs saved %d webhooks", len(hooks))
		}
	})
}

func TestSecretsAreShownOnlyWhenAskedFor(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		e.setWebhook("1")
		e.createSite(e.siteJSON(`, "paused": true, "bearer_token": "tok-b", "headers": {"X-Api-Key": "key-b", "Accept": "*/*"}`))
		e.createSite(`{"url": "http://example.com/", "paused": true, "basic_auth": {"username": "u", "password": "pw-b"}}`)
		for _, path := range []string{"/sites", "/webhooks"} {
			plain := e.do("GET", path, "")
			if strings.Contains(plain.raw, "token-1") || strings.Contains(plain.raw, "-b\"") {
				t.Errorf("GET %s shows a secret: %s", path, plain.raw)
			}
		}
		sites := e.do("GET", "/sites?include_secrets=true", "")
		for _, secret := range []string{`"tok-b"`, `"pw-b"`, `"key-b"`} {
			if !strings.Contains(sites.raw, secret) {
				t.Errorf("GET /sites?include_secrets=true lacks %s: %s", secret, sites.raw)
			}
		}
		if hooks := e.do("GET", "/webhooks?include_secrets=true", ""); !strings.Contains(hooks.raw, "/token-1") {
			t.Errorf("GET /webhooks?include_secrets=true: %s", hooks.raw)
		}
	})
}

type patternObserver struct{ seen chan string }

func (o patternObserver) Request(pattern string, status int, _ time.Duration) {
	o.seen <- fmt.Sprintf("%s %d", pattern, status)
}

func TestMetricsRouteIsForAdminsUnlessPublic(t *testing.T) {
	metrics := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "tocsin_up 1") })
	for _, public := range []bool{false, true} {
		tokens, err := auth.NewTokens([]byte(testSecret), time.Hour, time.Now)
		if err != nil {
			t.Fatal(err)
		}
		e := newEnvWith(t, storetest.OpenSQLite(t), nil, func(d *api.Deps) {
			d.Auth.Tokens, d.Metrics, d.MetricsPublic = tokens, metrics, public
		})
		admin := e.signup("/auth/signup", "ada")
		if r := e.do("GET", "/metrics", ""); (r.status == 200) != public {
			t.Errorf("public %v: without a token %d", public, r.status)
		}
		if r := e.do("GET", "/metrics", "", as(admin)...); r.status != 200 || r.raw != "tocsin_up 1\n" {
			t.Errorf("an admin's token: %d %q", r.status, r.raw)
		}
		e.expect(e.do("POST", "/users", `{"username": "bob", "password": "correct horse", "role": "user"}`, as(admin)...), 201)
		login := e.expect(e.do("POST", "/auth/login", `{"username": "bob", "password": "correct horse"}`), 200)
		if r := e.do("GET", "/metrics", "", as(login["token"].(string))...); (r.status == 200) != public {
			t.Errorf("public %v: a user's token %d", public, r.status)
		}
	}
	e := newEnv(t, storetest.OpenSQLite(t), nil)
	if r := e.do("GET", "/metrics", ""); r.status != 404 {
		t.Errorf("without metrics, GET /metrics: %d", r.status)
	}
}

func TestObserverHearsTheRoutePattern(t *testing.T) {
	obs := patternObserver{seen: make(chan string, 10)}
	e := newEnvWith(t, storetest.OpenSQLite(t), nil, func(d *api.Deps) { d.Auth.Off, d.Observer = true, obs })
	e.do("GET", "/sites/12345", "")
	e.do("GET", "/no/such/thing", "")
	for _, want := range []string{"GET /sites/{id} 404", " 404"} {
		if got := <-obs.seen; got != want {
			t.Errorf("observed %q, want %q", got, want)
		}
	}
}
