package api_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/tocsin/tocsin/internal/api"
	"github.com/tocsin/tocsin/internal/auth"
	"github.com/tocsin/tocsin/internal/store"
	"github.com/tocsin/tocsin/internal/store/storetest"
)

const testSecret = "0123456789abcdef0123456789abcdef"

// clock is a settable time for token expiry.
type clock struct{ now time.Time }

func (c *clock) Now() time.Time { return c.now }

// newAuthEnv is an API with authentication on, as Tocsin runs by default.
func newAuthEnv(t *testing.T, st store.Store, signupOpen bool) (*env, *clock) {
	clk := &clock{now: time.Now()}
	tokens, err := auth.NewTokens([]byte(testSecret), time.Hour, clk.Now)
	if err != nil {
		t.Fatal(err)
	}
	return newEnvWith(t, st, nil, func(d *api.Deps) {
		d.Auth.SignupOpen, d.Auth.Tokens = signupOpen, tokens
	}), clk
}

func forEachStoreWithAuth(t *testing.T, fn func(t *testing.T, e *env, clk *clock)) {
	for _, b := range storetest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			e, clk := newAuthEnv(t, b.Open(t), false)
			fn(t, e, clk)
		})
	}
}

// signup makes an account and returns its token.
func (e *env) signup(path, username string) string {
	e.t.Helper()
	got := e.expect(e.do("POST", path, fmt.Sprintf(`{"username": %q, "password": "correct horse"}`, username)), http.StatusCreated)
	return got["token"].(string)
}

// as returns the headers that make a request act as the holder of token.
func as(token string) []string { return []string{"Authorization", "Bearer " + token} }

func TestEveryRouteButThePublicOnesNeedsAToken(t *testing.T) {
	forEachStoreWithAuth(t, func(t *testing.T, e *env, _ *clock) {
		for _, path := range []string{"/", "/sites", "/sites/1", "/webhook", "/webhooks", "/notifications", "/api-keys", "/users", "/me"} {
			r := e.do("GET", path, "")
			got := e.expect(r, http.StatusUnauthorized)
			if got["error"].(map[string]any)["code"] != "unauthorized" || r.header.Get("WWW-Authenticate") == "" {
				t.Errorf("GET %s: %v", path, got)
			}
		}
		e.expect(e.do("POST", "/sites", e.siteJSON("")), http.StatusUnauthorized)
		for _, path := range []string{"/healthz", "/readyz", "/openapi.json"} {
			e.expect(e.do("GET", path, ""), http.StatusOK)
		}
		for _, tok := range []string{"", "garbage", "tsk_unknownkey", "eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0."} {
			e.expect(e.do("GET", "/sites", "", as(tok)...), http.StatusUnauthorized)
		}
		e.expect(e.do("GET", "/sites", "", "Authorization", "Basic YWRhOmh1bnRlcjI="), http.StatusUnauthorized)
	})
}

func TestSignUpLogInAndClosedSignUp(t *testing.T) {
	forEachStoreWithAuth(t, func(t *testing.T, e *env, clk *clock) {
		r := e.do("POST", "/auth/signup", `{"username": "Ada", "password": "correct horse"}`)
		got := e.expect(r, http.StatusCreated)
		user := got["user"].(map[string]any)
		if user["username"] != "ada" || user["role"] != "admin" || got["token"] == "" || got["expires_at"] == nil {
			t.Fatalf("first sign-up: %v", got)
		}
		if strings.Contains(r.raw, "correct horse") || strings.Contains(r.raw, "argon2") {
			t.Errorf("the password or its hash is in the answer: %s", r.raw)
		}
		token := got["token"].(string)
		if me := e.expect(e.do("GET", "/me", "", as(token)...), 200); me["username"] != "ada" {
			t.Errorf("me: %v", me)
		}

		closed := e.expect(e.do("POST", "/auth/signup", `{"username": "bob", "password": "correct horse"}`), http.StatusForbidden)
		if closed["error"].(map[string]any)["code"] != "signup_closed" {
			t.Errorf("second sign-up: %v", closed)
		}
		for body, status := range map[string]int{
			`{"username": "ada", "password": "wrong horse"}`:   http.StatusUnauthorized,
			`{"username": "nobody", "password": "whatever!"}`:  http.StatusUnauthorized,
			`{"username": "ada"}`:                              http.StatusBadRequest,
			`{"username": "ada", "password": "x", "extra": 1}`: http.StatusBadRequest,
		} {
			e.expect(e.do("POST", "/auth/login", body), status)
		}
		login := e.expect(e.do("POST", "/auth/login", `{"username": "ADA", "password": "correct horse"}`), http.StatusOK)
		fresh := login["token"].(string)
		if r := e.do("GET", "/sites", "", as(fresh)...); r.status != http.StatusOK {
			t.Fatalf("GET /sites with a fresh token: %d", r.status)
		}

		// Tokens expire.
		clk.now = clk.now.Add(61 * time.Minute)
		e.expect(e.do("GET", "/sites", "", as(fresh)...), http.StatusUnauthorized)
		clk.now = clk.now.Add(-61 * time.Minute)

		// Only HS256 signed with our secret is accepted.
		claims := jwt.MapClaims{"iss": "tocsin", "sub": fmt.Sprint(user["id"]), "iat": clk.now.Unix(), "exp": clk.now.Add(time.Hour).Unix()}
		hs512, _ := jwt.NewWithClaims(jwt.SigningMethodHS512, claims).SignedString([]byte(testSecret))
		none, _ := jwt.NewWithClaims(jwt.SigningMethodNone, claims).SignedString(jwt.UnsafeAllowNoneSignatureType)
		forged, _ := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString([]byte("another secret, just as long as ours"))
		for name, tok := range map[string]string{"HS512": hs512, "none": none, "other secret": forged} {
			if r := e.do("GET", "/sites", "", as(tok)...); r.status != http.StatusUnauthorized {
				t.Errorf("%s token: %d", name, r.status)
			}
		}
	})
}

func TestSignUpInputIsValidated(t *testing.T) {
	forEachStoreWithAuth(t, func(t *testing.T, e *env, _ *clock) {
		for body, field := range map[string]string{
			`{"username": "ab", "password": "correct horse"}`:    "username",
			`{"username": "a b c", "password": "correct horse"}`: "username",
			`{"username": "ada", "password": "short"}`:           "password",
			`{"password": "correct horse"}`:                      "username",
			`{"username": "ada", "password": 12345678}`:          "password",
		} {
			got := e.expect(e.do("POST", "/auth/signup", body), http.StatusBadRequest)
			if got["error"].(map[string]any)["field"] != field {
				t.Errorf("%s: %v, want field %s", body, got, field)
			}
		}
	})
}

func TestOpenSignUp(t *testing.T) {
	e, _ := newAuthEnv(t, storetest.OpenSQLite(t), true)
	e.signup("/auth/signup", "ada")
	got := e.expect(e.do("POST", "/auth/signup", `{"username": "bob", "password": "correct horse"}`), http.StatusCreated)
	if got["user"].(map[string]any)["role"] != "user" {
		t.Errorf("second account: %v", got)
	}
	e.expect(e.do("POST", "/auth/signup", `{"username": "bob", "password": "correct horse"}`), http.StatusConflict)
}

func TestAdminsManageUsers(t *testing.T) {
	forEachStoreWithAuth(t, func(t *testing.T, e *env, _ *clock) {
		admin := e.signup("/auth/signup", "ada")
		bob := e.expect(e.do("POST", "/users", `{"username": "bob", "password": "correct horse"}`, as(admin)...), http.StatusCreated)
		if bob["role"] != "user" {
			t.Errorf("created %v", bob)
		}
		e.expect(e.do("POST", "/users", `{"username": "carol", "password": "correct horse", "role": "owner"}`, as(admin)...), http.StatusBadRequest)
		e.expect(e.do("POST", "/users", `{"username": "bob", "password": "correct horse"}`, as(admin)...), http.StatusConflict)
		bobToken := e.expect(e.do("POST", "/auth/login", `{"username": "bob", "password": "correct horse"}`), 200)["token"].(string)
		for _, req := range [][2]string{{"GET", "/users"}, {"POST", "/users"}, {"DELETE", "/users/1"}} {
			if got := e.do(req[0], req[1], `{"username": "x", "password": "correct horse"}`, as(bobToken)...); got.status != http.StatusForbidden {
				t.Errorf("bob %s %s: %d", req[0], req[1], got.status)
			}
		}
		var users []map[string]any
		e.do("GET", "/users", "", as(admin)...).json(t, &users)
		if len(users) != 2 {
			t.Errorf("users: %v", users)
		}
		e.expect(e.do("DELETE", fmt.Sprintf("/users/%v", bob["id"]), "", as(admin)...), http.StatusNoContent)
		e.expect(e.do("GET", "/sites", "", as(bobToken)...), http.StatusUnauthorized)
		last := e.expect(e.do("DELETE", fmt.Sprintf("/users/%v", users[0]["id"]), "", as(admin)...), http.StatusConflict)
		if last["error"].(map[string]any)["code"] != "last_admin" {
			t.Errorf("deleting the last admin: %v", last)
		}
	})
}

func TestUsersSeeOnlyTheirOwnData(t *testing.T) {
	forEachStoreWithAuth(t, func(t *testing.T, e *env, _ *clock) {
		ada := e.signup("/auth/signup", "ada")
		e.expect(e.do("POST", "/users", `{"username": "bob", "password": "correct horse"}`, as(ada)...), http.StatusCreated)
		bob := e.expect(e.do("POST", "/auth/login", `{"username": "bob", "password": "correct horse"}`), 200)["token"].(string)

		site := e.expect(e.do("POST", "/sites", e.siteJSON(""), as(ada)...), http.StatusCreated)
		hook := e.expect(e.do("POST", "/webhook", fmt.Sprintf(`{"webhook_url": %q}`, e.discord.WebhookURL("5")), as(ada)...), http.StatusOK)
		e.code.Store(503)
		e.expect(e.do("POST", idPath(site, "/check"), "", as(ada)...), http.StatusOK) // queues a down alert

		for _, req := range [][3]string{
			{"GET", idPath(site, ""), ""}, {"PATCH", idPath(site, ""), `{"name": "mine now"}`}, {"DELETE", idPath(site, ""), ""},
			{"POST", idPath(site, "/check"), ""}, {"GET", idPath(site, "/history"), ""}, {"GET", idPath(site, "/events"), ""},
			{"GET", fmt.Sprintf("/webhooks/%v", hook["id"]), ""}, {"DELETE", fmt.Sprintf("/webhooks/%v", hook["id"]), ""},
			{"POST", fmt.Sprintf("/webhooks/%v/test", hook["id"]), ""}, {"POST", "/runUrl", fmt.Sprintf(`{"endpoint_id": %v}`, site["id"])},
			{"GET", "/webhook", ""},
		} {
			r := e.do(req[0], req[1], req[2], as(bob)...)
			if r.status != http.StatusNotFound || strings.Contains(r.raw, "web") && !strings.Contains(r.raw, "webhook") {
				t.Errorf("bob %s %s: %d %s", req[0], req[1], r.status, r.raw)
			}
		}
		for _, path := range []string{"/sites", "/webhooks", "/api-keys"} {
			var list []any
			e.do("GET", path, "", as(bob)...).json(t, &list)
			if len(list) != 0 {
				t.Errorf("bob lists ada's %s: %v", path, list)
			}
		}
		if ns := e.expect(e.do("GET", "/notifications", "", as(bob)...), 200)["notifications"].([]any); len(ns) != 0 {
			t.Errorf("bob sees ada's notifications: %v", ns)
		}
		bad := e.expect(e.do("POST", "/sites", e.siteJSON(fmt.Sprintf(`, "webhook_ids": [%v]`, hook["id"])), as(bob)...), http.StatusBadRequest)
		if bad["error"].(map[string]any)["field"] != "webhook_ids" {
			t.Errorf("bob naming ada's webhook: %v", bad)
		}
		if got := e.expect(e.do("GET", idPath(site, ""), "", as(ada)...), 200); got["name"] != "web" {
			t.Errorf("ada's site after bob's tries: %v", got)
		}
		if ns := e.expect(e.do("GET", "/notifications", "", as(ada)...), 200)["notifications"].([]any); len(ns) != 1 {
			t.Errorf("ada's notifications: %v", ns)
		}
	})
}

func TestAPIKeysWorkLikeTokensUntilRevoked(t *testing.T) {
	forEachStoreWithAuth(t, func(t *testing.T, e *env, _ *clock) {
		ada := e.signup("/auth/signup", "ada")
		r := e.do("POST", "/api-keys", `{"name": "deploy script"}`, as(ada)...)
		created := e.expect(r, http.StatusCreated)
		key := created["key"].(string)
		if !strings.HasPrefix(key, "tsk_") || created["name"] != "deploy script" || !strings.HasPrefix(key, strings.TrimSuffix(created["hint"].(string), "…")) {
			t.Fatalf("created %v", created)
		}
		e.expect(e.do("POST", "/api-keys", `{}`, as(ada)...), http.StatusBadRequest)

		site := e.expect(e.do("POST", "/sites", e.siteJSON(""), as(key)...), http.StatusCreated)
		if got := e.expect(e.do("GET", idPath(site, ""), "", as(ada)...), 200); got["id"] != site["id"] {
			t.Errorf("the key's site is not ada's: %v", got)
		}
		lr := e.do("GET", "/api-keys", "", as(key)...)
		var keys []map[string]any
		lr.json(t, &keys)
		if len(keys) != 1 || keys[0]["last_used_at"] == nil || strings.Contains(lr.raw, key) {
			t.Errorf("list %s", lr.raw)
		}
		e.expect(e.do("DELETE", fmt.Sprintf("/api-keys/%v", created["id"]), "", as(ada)...), http.StatusNoContent)
		e.expect(e.do("GET", "/sites", "", as(key)...), http.StatusUnauthorized)
		e.expect(e.do("DELETE", fmt.Sprintf("/api-keys/%v", created["id"]), "", as(ada)...), http.StatusNotFound)
	})
}

func TestFailedLoginsAreLimited(t *testing.T) {
	e, _ := newAuthEnv(t, storetest.OpenSQLite(t), false)
	e.signup("/auth/signup", "ada")
	for i := range 9 { // the sign-up was one attempt from this address
		if r := e.do("POST", "/auth/login", `{"username": "ada", "password": "wrong horse"}`); r.status != http.StatusUnauthorized {
			t.Fatalf("attempt %d: %d", i+2, r.status)
		}
	}
	r := e.do("POST", "/auth/login", `{"username": "ada", "password": "correct horse"}`)
	got := e.expect(r, http.StatusTooManyRequests)
	if got["error"].(map[string]any)["code"] != "too_many_attempts" || r.header.Get("Retry-After") == "" {
		t.Errorf("11th attempt: %v, Retry-After %q", got, r.header.Get("Retry-After"))
	}
}

func TestCompatibilityRoutesFlow(t *testing.T) {
	forEachStoreWithAuth(t, func(t *testing.T, e *env, _ *clock) {
		e.signup("/create", "legacyuser")
		token := e.expect(e.do("POST", "/login", `{"username": "legacyuser", "password": "correct horse"}`), http.StatusOK)["token"].(string)
		endpoint := e.expect(e.do("POST", "/addEndpoint", fmt.Sprintf(`{"url": %q, "name": "api"}`, e.target.URL), as(token)...), http.StatusCreated)
		if endpoint["name"] != "api" || endpoint["status"] != "up" {
			t.Errorf("addEndpoint: %v", endpoint)
		}
		run := e.expect(e.do("POST", "/runUrl", fmt.Sprintf(`{"endpoint_id": %v}`, endpoint["id"]), as(token)...), http.StatusOK)
		if run["status_code"] != 200.0 || run["is_up"] != true || run["latency_ms"] == nil || run["endpoint_id"] != endpoint["id"] {
			t.Errorf("runUrl: %v", run)
		}
		e.code.Store(500)
		run = e.expect(e.do("POST", "/runUrl", fmt.Sprintf(`{"endpoint_id": %v}`, endpoint["id"]), as(token)...), http.StatusOK)
		if run["status_code"] != 500.0 || run["is_up"] != false {
			t.Errorf("runUrl of a failing endpoint: %v", run)
		}
		e.expect(e.do("POST", "/runUrl", `{}`, as(token)...), http.StatusBadRequest)
		e.expect(e.do("POST", "/runUrl", `{"endpoint_id": 999}`, as(token)...), http.StatusNotFound)
		e.expect(e.do("POST", "/addEndpoint", `{"url": "ftp://x"}`, as(token)...), http.StatusBadRequest)
		hist := e.expect(e.do("GET", idPath(endpoint, "/history"), "", as(token)...), 200)
		if n := len(hist["checks"].([]any)); n != 3 {
			t.Errorf("history after addEndpoint and two runUrl: %d checks", n)
		}
	})
}

func TestSecurityHeaders(t *testing.T) {
	e, _ := newAuthEnv(t, storetest.OpenSQLite(t), false)
	r := e.do("GET", "/healthz", "")
	for h, want := range map[string]string{"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY",
		"Referrer-Policy": "no-referrer", "Cache-Control": "no-store"} {
		if got := r.header.Get(h); got != want {
			t.Errorf("%s = %q, want %q", h, got, want)
		}
	}
	if !strings.Contains(r.header.Get("Content-Security-Policy"), "default-src 'none'") {
		t.Errorf("CSP %q", r.header.Get("Content-Security-Policy"))
	}
}

func TestCloudMetadataTargetsAreRefused(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		for _, url := range []string{"http://169.254.169.254/latest/meta-data/", "http://[fd00:ec2::254]/", "http://[::ffff:169.254.169.254]/"} {
			got := e.expect(e.do("POST", "/sites", fmt.Sprintf(`{"url": %q}`, url)), http.StatusBadRequest)
			if msg := got["error"].(map[string]any)["message"].(string); got["error"].(map[string]any)["field"] != "url" || !strings.Contains(msg, "metadata") {
				t.Errorf("%s: %v", url, got)
			}
		}
		// A name or a redirect is caught when the connection is dialled.
		redirect := httptest.NewServer(http.RedirectHandler("http://169.254.169.254/latest/meta-data/", http.StatusFound))
		defer redirect.Close()
		site := e.createSite(fmt.Sprintf(`{"url": %q}`, redirect.URL))
		if site["status"] != "down" || !strings.Contains(fmt.Sprint(site["last_error"]), "blocked: 169.254.169.254 is a cloud metadata address") {
			t.Errorf("a redirect to the metadata address: %v %v", site["status"], site["last_error"])
		}
	})
}

func TestAuthOffActsAsTheFirstAdmin(t *testing.T) {
	st := storetest.OpenSQLite(t)
	off := newEnv(t, st, nil)
	site := off.createSite(off.siteJSON(""))
	if me := off.expect(off.do("GET", "/me", ""), 200); me["role"] != "admin" {
		t.Errorf("before any account: %v", me)
	}
	// The first account takes over what single-user mode made, and single-user mode then acts as it.
	on, _ := newAuthEnv(t, st, false)
	token := on.signup("/auth/signup", "ada")
	if got := on.expect(on.do("GET", idPath(site, ""), "", as(token)...), 200); got["id"] != site["id"] {
		t.Errorf("ada does not own the site made before her account: %v", got)
	}
	if me := off.expect(off.do("GET", "/me", ""), 200); me["username"] != "ada" {
		t.Errorf("auth off acts as %v, want the first admin", me)
	}
	off.expect(off.do("GET", idPath(site, ""), ""), 200)
}
