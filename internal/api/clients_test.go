package api_test

import (
	"bytes"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tocsin/tocsin/internal/api"
	"github.com/tocsin/tocsin/internal/auth"
	"github.com/tocsin/tocsin/internal/store/storetest"
)

// lockedBuffer collects log lines written from handler goroutines.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Only failed logins count: a user who signs in often is not locked out by a few typos.
func TestSuccessfulLoginsDoNotCountTowardsTheLimit(t *testing.T) {
	e, _ := newAuthEnv(t, storetest.OpenSQLite(t), false)
	e.signup("/auth/signup", "ada") // a sign-up is an attempt
	for i := range 12 {
		e.t = t
		if r := e.do("POST", "/auth/login", `{"username": "ada", "password": "correct horse"}`); r.status != http.StatusOK {
			t.Fatalf("login %d: %d %s", i+1, r.status, r.raw)
		}
	}
	for i := range 9 {
		if r := e.do("POST", "/auth/login", `{"username": "ada", "password": "wrong horse"}`); r.status != http.StatusUnauthorized {
			t.Fatalf("wrong password %d after successful logins: %d", i+1, r.status)
		}
	}
	e.expect(e.do("POST", "/auth/login", `{"username": "ada", "password": "correct horse"}`), http.StatusTooManyRequests)
}

// proxiedEnv is an API behind a reverse proxy on loopback, which it trusts.
func proxiedEnv(t *testing.T, trusted ...string) (*env, *lockedBuffer) {
	logs := &lockedBuffer{}
	tokens, err := auth.NewTokens([]byte(testSecret), time.Hour, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	e := newEnvWith(t, storetest.OpenSQLite(t), nil, func(d *api.Deps) {
		d.Auth.Tokens = tokens
		d.Log = slog.New(slog.NewTextHandler(logs, nil))
		for _, p := range trusted {
			d.TrustedProxies = append(d.TrustedProxies, netip.MustParsePrefix(p))
		}
	})
	return e, logs
}

// failLogins sends n failed logins, each for a different user name so that only the address
// limit applies, and returns the statuses.
func failLogins(e *env, n int, forwardedFor func(i int) string) []int {
	var statuses []int
	for i := range n {
		body := fmt.Sprintf(`{"username": "nobody%d", "password": "wrong horse"}`, i)
		statuses = append(statuses, e.do("POST", "/auth/login", body, "X-Forwarded-For", forwardedFor(i)).status)
	}
	return statuses
}

func TestTheLoginLimitIsPerClientBehindTrustedProxies(t *testing.T) {
	tests := []struct {
		name      string
		trusted   []string
		first     func(i int) string // X-Forwarded-For of the first client's 11 attempts
		second    string             // of another client's attempt after them
		secondGot int
	}{
		{"without trusted proxies the header is ignored", nil,
			func(i int) string { return "203.0.113.1" }, "203.0.113.2", http.StatusTooManyRequests},
		{"a header from an untrusted peer is ignored", []string{"10.0.0.0/8"},
			func(i int) string { return fmt.Sprintf("203.0.113.%d", i+1) }, "203.0.113.200", http.StatusTooManyRequests},
		{"behind a trusted proxy each client has its own bucket", []string{"127.0.0.1/32"},
			func(i int) string { return "203.0.113.1" }, "203.0.113.2", http.StatusUnauthorized},
		{"a spoofed left-most address does not make a new client", []string{"127.0.0.0/8"},
			func(i int) string { return fmt.Sprintf("198.51.100.%d, 203.0.113.1", i+1) }, "203.0.113.2", http.StatusUnauthorized},
		{"through two trusted proxies", []string{"127.0.0.1/32", "10.0.0.0/8"},
			func(i int) string { return fmt.Sprintf("198.51.100.%d, 203.0.113.1, 10.1.2.3", i+1) }, "203.0.113.2, 10.1.2.3", http.StatusUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, _ := proxiedEnv(t, tt.trusted...)
			e.t = t
			got := failLogins(e, 11, tt.first)
			if got[9] != http.StatusUnauthorized || got[10] != http.StatusTooManyRequests {
				t.Fatalf("the first client's attempts: %v, want 10 × 401 then 429", got)
			}
			if r := failLogins(e, 1, func(int) string { return tt.second }); r[0] != tt.secondGot {
				t.Errorf("another client: %d, want %d", r[0], tt.secondGot)
			}
		})
	}
}

func TestTheRequestLogNamesTheClientAndHidesSecrets(t *testing.T) {
	e, logs := proxiedEnv(t, "127.0.0.1/32")
	e.t = t
	e.do("GET", "/nowhere", "", "X-Forwarded-For", "6.6.6.6, 203.0.113.7")
	if !strings.Contains(logs.String(), "client=203.0.113.7") {
		t.Errorf("the request log does not name the client behind the proxy:\n%s", logs)
	}

	auth := e.signup("/auth/signup", "ada")
	site := e.expect(e.do("POST", "/sites", `{"type": "push", "name": "backup"}`, as(auth)...), http.StatusCreated)
	pushURL := site["push_url"].(string)
	token := strings.TrimPrefix(pushURL, "/push/")
	e.expect(e.do("POST", pushURL, ""), http.StatusOK)
	e.expect(e.do("GET", pushURL+"x", ""), http.StatusNotFound)
	if strings.Contains(logs.String(), token) {
		t.Errorf("a push token is in the request log:\n%s", logs)
	}
	if !strings.Contains(logs.String(), "path=/push/****") {
		t.Errorf("the push request is not logged with its token masked:\n%s", logs)
	}
}
