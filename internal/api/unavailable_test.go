package api_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tocsin/tocsin/internal/api"
	"github.com/tocsin/tocsin/internal/store"
	"github.com/tocsin/tocsin/internal/store/postgres"
	"github.com/tocsin/tocsin/internal/store/storetest"
)

// expectUnavailable fails the test unless the answer is 503 database_unavailable with a
// Retry-After.
func expectUnavailable(t *testing.T, e *env, r response, what string) {
	t.Helper()
	if r.status != http.StatusServiceUnavailable || r.header.Get("Retry-After") == "" || !strings.Contains(r.raw, `"database_unavailable"`) {
		t.Errorf("%s: %d (Retry-After %q) %s, want 503 database_unavailable with Retry-After", what, r.status, r.header.Get("Retry-After"), r.raw)
	}
}

// With PostgreSQL refusing connections, every route that needs the database answers 503
// database_unavailable with Retry-After, login included, and /readyz fails.
func TestRefusedDatabaseAnswers503(t *testing.T) {
	u, err := url.Parse(storetest.PostgresURL(t))
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	u.Host = ln.Addr().String()
	ln.Close()
	st, err := postgres.Open(context.Background(), u.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })

	single := newEnv(t, st, nil)
	for _, path := range []string{"/sites", "/notifications", "/sites/1", "/readyz"} {
		expectUnavailable(t, single, single.do("GET", path, ""), "GET "+path)
	}
	expectUnavailable(t, single, single.do("POST", "/sites", single.siteJSON("")), "POST /sites")
	accounts := newEnvWith(t, st, nil, func(d *api.Deps) {})
	expectUnavailable(t, accounts, accounts.do("POST", "/auth/login", `{"username":"ann","password":"correct horse battery"}`), "POST /auth/login")
}

// On a full SQLite disk writes answer 503 database_unavailable while reads go on.
func TestFullDiskAnswers503(t *testing.T) {
	st := storetest.OpenSQLite(t)
	e := newEnv(t, st, nil)
	site := e.createSite(e.siteJSON(""))
	ctx := context.Background()
	if err := st.LimitPages(ctx, 0); err != nil {
		t.Fatal(err)
	}
	stored, err := st.Site(ctx, 0, int64(site["id"].(float64)))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 100000 && !errors.Is(err, store.ErrUnavailable); i++ { // fill every page there is with sites like it
		stored.NextCheckAt = time.Now().Add(time.Hour)
		_, err = st.CreateSite(ctx, stored)
	}
	if !errors.Is(err, store.ErrUnavailable) {
		t.Fatalf("the database never filled: %v", err)
	}
	expectUnavailable(t, e, e.do("POST", "/sites", e.siteJSON("")), "POST /sites on a full disk")
	if r := e.do("GET", "/sites/"+jsonNumber(site["id"]), ""); r.status != http.StatusOK {
		t.Errorf("reading a site on a full disk: %d %s", r.status, r.raw)
	}
}

// A ready API whose scheduler cannot write its results is not ready.
func TestReadyzFailsWhileResultsCannotBeWritten(t *testing.T) {
	failing := errors.New("record check results: database unavailable")
	var writerErr error
	e := newEnvWith(t, storetest.OpenSQLite(t), nil, func(d *api.Deps) {
		d.Auth.Off = true
		d.Ready = func() error { return writerErr }
	})
	e.expect(e.do("GET", "/readyz", ""), http.StatusOK)
	writerErr = failing
	expectUnavailable(t, e, e.do("GET", "/readyz", ""), "GET /readyz while the writer fails")
}

// keptPings is a PingBuffer that keeps what it is given.
type keptPings struct{ tokens []string }

func (k *keptPings) BufferPing(token string, at time.Time) bool {
	k.tokens = append(k.tokens, token)
	return true
}

// A push ping that arrives while the database is away is kept (202), to be written when it is
// back; without a buffer to keep it, it is 503 like everything else.
func TestPushPingWhileTheDatabaseIsAwayIsKept(t *testing.T) {
	u, err := url.Parse(storetest.PostgresURL(t))
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	u.Host = ln.Addr().String()
	ln.Close()
	st, err := postgres.Open(context.Background(), u.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	pings := &keptPings{}
	e := newEnvWith(t, st, nil, func(d *api.Deps) { d.Auth.Off = true; d.Pings = pings })
	r := e.do("POST", "/push/some-token", "")
	if r.status != http.StatusAccepted || !strings.Contains(r.raw, `"buffered"`) || len(pings.tokens) != 1 || pings.tokens[0] != "some-token" {
		t.Errorf("a ping while the database is away: %d %s, kept %q; want 202 buffered and the token kept", r.status, r.raw, pings.tokens)
	}
	without := newEnv(t, st, nil)
	expectUnavailable(t, without, without.do("GET", "/push/some-token", ""), "a ping with nowhere to keep it")
}
