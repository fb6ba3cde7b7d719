package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tocsin/tocsin/internal/accounts"
	"github.com/tocsin/tocsin/internal/auth"
)

// Another account's channels and keys are not found through the forms, as through the API.
func TestFormsTouchOnlyTheViewersThings(t *testing.T) {
	f := newFixture(t, openSQLite(t), false)
	ada := newBrowser(t, f.handler)
	ada.signUp("ada", "correct horse")
	if got := ada.post("/app/alerts/channels", url.Values{"type": {"discord"}, "url": {f.discord.WebhookURL("5")}}); got.status != http.StatusSeeOther {
		t.Fatalf("add: %d", got.status)
	}
	ada.post("/app/account/keys", url.Values{"name": {"ada's"}})
	ada.post("/app/users", url.Values{"username": {"bob"}, "password": {"correct horse"}, "role": {"user"}})
	bob := ada.another()
	bob.signIn("bob", "correct horse")

	ctx := context.Background()
	channels, _ := f.store.ListChannels(ctx, 1)
	keys, _ := f.store.ListAPIKeys(ctx, 1)
	for _, path := range []string{"/app/alerts/channels/" + itoa(channels[0].ID) + "/test", "/app/alerts/channels/" + itoa(channels[0].ID) + "/delete",
		"/app/account/keys/" + itoa(keys[0].ID) + "/revoke"} {
		expectStatus(t, "bob: "+path, bob.post(path, nil), http.StatusNotFound)
	}
	if page := bob.get("/app/alerts"); strings.Contains(page.body, "channel-"+itoa(channels[0].ID)) {
		t.Error("bob sees ada's channel")
	}
	if n := len(f.discord.Messages()); n != 0 {
		t.Errorf("bob's test reached ada's channel: %d messages", n)
	}
	if list, _ := f.store.ListChannels(ctx, 1); len(list) != 1 {
		t.Error("bob removed ada's channel")
	}
}

func TestOpenSignUpIsOfferedToEveryone(t *testing.T) {
	st := openSQLite(t)
	clock := func() time.Time { return now }
	h := New(Deps{Store: st, API: apiStandIn(), Now: clock, Log: quietLog(), Version: "test",
		Accounts: accounts.New(st, auth.NewAttemptLimiter(10, time.Minute, clock), true, clock, quietLog())})
	first := newBrowser(t, h)
	first.signUp("ada", "correct horse")
	other := first.another()
	page := other.get(signinPath)
	if !strings.Contains(page.body, `href="/app/signin?mode=signup"`) {
		t.Fatalf("open sign-up is not offered:\n%s", page.body)
	}
	if form := other.get(signinPath + "?mode=signup"); !strings.Contains(form.body, `action="/app/signup"`) {
		t.Fatalf("no sign-up form")
	}
	other.signUp("bob", "correct horse")
	if u, err := st.UserByName(context.Background(), "bob"); err != nil || u.Role != "user" {
		t.Errorf("bob: %+v %v", u, err)
	}
	expectStatus(t, "a taken name", other.another().post("/app/signup", url.Values{"username": {"bob"}, "password": {"correct horse"}}), http.StatusConflict)
}

func TestAccountPageWithAuthOff(t *testing.T) {
	f := newFixture(t, openSQLite(t), true)
	br := newBrowser(t, f.handler)
	page := br.get("/app/account")
	expectStatus(t, "account, no account yet", page, http.StatusOK)
	if strings.Contains(page.body, "/app/account/password") || strings.Contains(page.body, "/app/signout") {
		t.Error("a Tocsin without sign-in offers a password or sign-out")
	}
	got := br.post("/app/account/keys", url.Values{"name": {"deploy"}})
	expectStatus(t, "a key before any account", got, http.StatusConflict)
	if !strings.Contains(got.body, "API keys belong to an account") {
		t.Errorf("no reason given:\n%s", got.body)
	}
}
