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
	"github.com/tocsin/tocsin/internal/store"
	"github.com/tocsin/tocsin/internal/store/storetest"
)

func TestFirstVisitSignsUpTheAdminAndKeepsTheSessionHashed(t *testing.T) {
	for _, b := range storetest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, b.Open(t), false)
			br := newBrowser(t, f.handler)
			page := br.get(signinPath)
			expectStatus(t, "sign-in page", page, http.StatusOK)
			if !strings.Contains(page.body, "Create the first account") || !strings.Contains(page.body, `action="/app/signup"`) {
				t.Fatalf("no first-account form:\n%s", page.body)
			}
			br.signUp("ada", "correct horse")

			c := br.cookie("tocsin_session")
			if c == nil || len(c.Value) < 40 {
				t.Fatalf("session cookie %+v", c)
			}
			if _, _, err := f.store.SessionByHash(context.Background(), c.Value, now); err == nil {
				t.Error("the cookie's id itself is stored")
			}
			if _, u, err := f.store.SessionByHash(context.Background(), hashSessionID(c.Value), now); err != nil || u.Username != "ada" {
				t.Errorf("the session's hash is not stored: %+v %v", u, err)
			}
			home := br.get("/")
			expectStatus(t, "overview", home, http.StatusOK)
			if !strings.Contains(home.body, `action="/app/signout"`) {
				t.Error("the signed-in overview has no sign-out button")
			}
			// Once an account exists, the page signs in.
			other := br.another().get(signinPath)
			if strings.Contains(other.body, "/app/signup") || !strings.Contains(other.body, `action="/app/signin"`) {
				t.Errorf("sign-up is offered though it is closed:\n%s", other.body)
			}
		})
	}
}

func TestSessionCookieAttributes(t *testing.T) {
	for origin, want := range map[string]struct {
		name   string
		secure bool
	}{"": {"tocsin_session", false}, "https://tocsin.example.com": {"__Host-tocsin_session", true}} {
		st := openSQLite(t)
		clock := func() time.Time { return now }
		h := New(Deps{Store: st, API: apiStandIn(), Now: clock, Log: quietLog(), Version: "test", PublicOrigin: origin,
			Accounts: accounts.New(st, auth.NewAttemptLimiter(10, time.Minute, clock), false, clock, quietLog())})
		req := httptestForm(t, "/app/signup", url.Values{"username": {"ada"}, "password": {"correct horse"}})
		rec := serve(h, req)
		cookies := rec.Result().Cookies()
		if rec.Code != http.StatusSeeOther || len(cookies) != 1 {
			t.Fatalf("%q: %d %v", origin, rec.Code, cookies)
		}
		c := cookies[0]
		if c.Name != want.name || c.Secure != want.secure || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" {
			t.Errorf("%q: cookie %+v", origin, c)
		}
	}
}

func TestSignInAndOut(t *testing.T) {
	f := newFixture(t, openSQLite(t), false)
	br := newBrowser(t, f.handler)
	br.signUp("ada", "correct horse")
	br.post("/app/signout", nil)
	if got := br.get("/app/alerts"); got.status != http.StatusSeeOther || got.header.Get("Location") != signinPath+"?next=%2Fapp%2Falerts" {
		t.Fatalf("after signing out: %d %q", got.status, got.header.Get("Location"))
	}

	for _, creds := range [][2]string{{"ada", "wrong horse"}, {"nobody", "correct horse"}} {
		got := br.signIn(creds[0], creds[1])
		expectStatus(t, "wrong credentials", got, http.StatusUnauthorized)
		if !strings.Contains(got.body, "Wrong username or password.") || !strings.Contains(got.body, `value="`+creds[0]+`"`) {
			t.Errorf("%v: %s", creds, got.body)
		}
	}
	got := br.signIn("", "x")
	expectStatus(t, "no username", got, http.StatusBadRequest)
	if !strings.Contains(got.body, `id="f-username-error"`) {
		t.Errorf("the error is not beside the username:\n%s", got.body)
	}

	// Signing in goes back to the page asked for, never to another site.
	got = br.post(signinPath, url.Values{"username": {"ada"}, "password": {"correct horse"}, "next": {"/app/alerts"}})
	if got.status != http.StatusSeeOther || got.header.Get("Location") != "/app/alerts" {
		t.Fatalf("sign-in: %d %q", got.status, got.header.Get("Location"))
	}
	// Signing in again replaces the session: the one before ends.
	before := br.cookie("tocsin_session").Value
	br.post(signinPath, url.Values{"username": {"ada"}, "password": {"correct horse"}})
	if _, _, err := f.store.SessionByHash(context.Background(), hashSessionID(before), now); err != store.ErrNotFound {
		t.Errorf("signing in again left the session before: %v", err)
	}
	old := br.cookie("tocsin_session").Value
	if old == before {
		t.Fatal("signing in again kept the session id")
	}
	br.post("/app/signout", nil)
	if _, _, err := f.store.SessionByHash(context.Background(), hashSessionID(old), now); err != store.ErrNotFound {
		t.Errorf("signing out left the session on the server: %v", err)
	}
	// The old cookie, replayed, signs no one in.
	replay, _ := http.NewRequest(http.MethodGet, br.base+"/app/alerts", nil)
	replay.AddCookie(&http.Cookie{Name: "tocsin_session", Value: old})
	if got := br.another().do(replay); got.status != http.StatusSeeOther {
		t.Errorf("a signed-out cookie still opens pages: %d", got.status)
	}
}

func TestSafeNext(t *testing.T) {
	for next, want := range map[string]string{"/app/alerts": "/app/alerts", "/?status=down": "/?status=down", "": "/",
		"//evil.example/": "/", `/\evil.example`: "/", "https://evil.example/": "/", "app/alerts": "/"} {
		if got := safeNext(next); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", next, got, want)
		}
	}
}

func TestSignInSharesTheLoginLimit(t *testing.T) {
	f := newFixture(t, openSQLite(t), false)
	br := newBrowser(t, f.handler)
	br.signUp("ada", "correct horse") // one attempt from this address
	br.post("/app/signout", nil)
	for i := range 9 {
		if got := br.signIn("ada", "wrong horse"); got.status != http.StatusUnauthorized {
			t.Fatalf("attempt %d: %d", i+2, got.status)
		}
	}
	got := br.signIn("ada", "correct horse")
	expectStatus(t, "11th attempt", got, http.StatusTooManyRequests)
	if got.header.Get("Retry-After") == "" || !strings.Contains(got.body, "Too many attempts") {
		t.Errorf("Retry-After %q\n%s", got.header.Get("Retry-After"), got.body)
	}
}

func TestFormsFromOtherSitesAreRefused(t *testing.T) {
	f := newFixture(t, openSQLite(t), false)
	br := newBrowser(t, f.handler)
	br.signUp("ada", "correct horse")
	got := br.post("/app/account/keys", url.Values{"name": {"evil"}}, "Sec-Fetch-Site", "cross-site")
	expectStatus(t, "cross-site form", got, http.StatusForbidden)
	if keys, _ := f.store.ListAPIKeys(context.Background(), 1); len(keys) != 0 {
		t.Errorf("a cross-site form made a key: %+v", keys)
	}
	got = br.post("/app/signout", nil, "Sec-Fetch-Site", "", "Origin", "https://evil.example")
	expectStatus(t, "cross-origin sign-out", got, http.StatusForbidden)
}

func TestAuthOffHasNoSignInAndGuardsTheAPI(t *testing.T) {
	f := newFixture(t, openSQLite(t), true)
	br := newBrowser(t, f.handler)
	if got := br.get(signinPath); got.status != http.StatusSeeOther || got.header.Get("Location") != "/" {
		t.Errorf("sign-in with auth off: %d %q", got.status, got.header.Get("Location"))
	}
	if got := br.get("/"); got.status != http.StatusOK || strings.Contains(got.body, "/app/signout") {
		t.Errorf("overview with auth off: %d, sign-out shown: %v", got.status, strings.Contains(got.body, "/app/signout"))
	}
	for _, tc := range []struct {
		method, site string
		status       int
	}{{"POST", "cross-site", http.StatusForbidden}, {"DELETE", "cross-site", http.StatusForbidden},
		{"GET", "cross-site", http.StatusOK}, {"POST", "same-origin", http.StatusOK}, {"POST", "", http.StatusOK}} {
		req, _ := http.NewRequest(tc.method, br.base+"/sites", strings.NewReader(`{}`))
		if tc.site != "" {
			req.Header.Set("Sec-Fetch-Site", tc.site)
		}
		if got := br.do(req); got.status != tc.status {
			t.Errorf("%s /sites from %q: %d, want %d", tc.method, tc.site, got.status, tc.status)
		}
	}
}
