package api_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tocsin/tocsin/internal/api"
	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/netguard"
	"github.com/tocsin/tocsin/internal/notify/discord"
	"github.com/tocsin/tocsin/internal/notify/discordtest"
	"github.com/tocsin/tocsin/internal/probe"
	"github.com/tocsin/tocsin/internal/scheduler"
	"github.com/tocsin/tocsin/internal/store"
	"github.com/tocsin/tocsin/internal/store/storetest"
)

// env is one API under test, with its store and a target site server whose answer is settable.
type env struct {
	t       testing.TB
	api     *httptest.Server
	store   store.Store
	target  *httptest.Server
	discord *discordtest.Fake
	code    *atomic.Int32 // a pointer, so a copy of env for a subtest shares it
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// newEnv is a single-user API (TOCSIN_AUTH=off): the site and webhook tests need no tokens.
func newEnv(t *testing.T, st store.Store, checker api.Checker) *env {
	return newEnvWith(t, st, checker, func(d *api.Deps) { d.Auth.Off = true })
}

// newEnvWith builds the API with configure's changes to its dependencies.
func newEnvWith(t testing.TB, st store.Store, checker api.Checker, configure func(*api.Deps)) *env {
	e := &env{t: t, store: st, code: new(atomic.Int32)}
	e.code.Store(200)
	e.target = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(int(e.code.Load()))
	}))
	t.Cleanup(e.target.Close)
	if checker == nil {
		checker = scheduler.New(st, probe.NewChecker("Tocsin/test", netguard.Policy{}).Check, time.Now, quiet(), scheduler.Config{})
	}
	e.discord = discordtest.New(t)
	deps := api.Deps{
		Store: st, Checker: checker, Now: time.Now, Log: quiet(),
		Limits: monitor.Limits{MinIntervalSeconds: 10}, Version: "test", FirstCheckWait: 5 * time.Second,
		Discord: &discord.Client{HTTP: discord.NewHTTPClient(netguard.Policy{})}, DiscordHosts: []string{e.discord.Host()},
	}
	deps.Auth.TargetCheck = netguard.Policy{}.CheckURL
	configure(&deps)
	e.api = httptest.NewServer(api.New(deps))
	t.Cleanup(e.api.Close)
	return e
}

// forEachStore runs fn against a fresh API on every store.
func forEachStore(t *testing.T, fn func(t *testing.T, e *env)) {
	for _, b := range storetest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			fn(t, newEnv(t, b.Open(t), nil))
		})
	}
}

type response struct {
	status int
	header http.Header
	raw    string
}

func (r response) json(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(r.raw), v); err != nil {
		t.Fatalf("response %d is not JSON: %v\n%s", r.status, err, r.raw)
	}
}

func (r response) object(t testing.TB) map[string]any {
	var m map[string]any
	r.json(t, &m)
	return m
}

func (e *env) do(method, path, body string, headers ...string) response {
	e.t.Helper()
	req, err := http.NewRequest(method, e.api.URL+path, strings.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return response{status: resp.StatusCode, header: resp.Header, raw: string(raw)}
}

// expect fails the test unless the response has the status; it returns the JSON object.
func (e *env) expect(r response, status int) map[string]any {
	e.t.Helper()
	if r.status != status {
		e.t.Fatalf("status %d, want %d: %s", r.status, status, r.raw)
	}
	if r.status == http.StatusNoContent {
		return nil
	}
	if ct := r.header.Get("Content-Type"); ct != "application/json" {
		e.t.Fatalf("Content-Type %q", ct)
	}
	return r.object(e.t)
}

func (e *env) createSite(body string) map[string]any {
	e.t.Helper()
	return e.expect(e.do("POST", "/sites", body), http.StatusCreated)
}

func (e *env) siteJSON(extra string) string {
	return `{"url": "` + e.target.URL + `/health", "name": "web"` + extra + `}`
}

func idPath(site map[string]any, suffix string) string {
	return "/sites/" + jsonNumber(site["id"]) + suffix
}

func jsonNumber(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
