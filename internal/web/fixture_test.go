package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/tocsin/tocsin/internal/accounts"
	"github.com/tocsin/tocsin/internal/auth"
	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/notify/channels"
	"github.com/tocsin/tocsin/internal/notify/discordtest"
	"github.com/tocsin/tocsin/internal/siteops"
	"github.com/tocsin/tocsin/internal/store"
	"github.com/tocsin/tocsin/internal/store/storetest"
)

// now is the pages' clock in these tests.
var now = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

// fixture is the dashboard on a real, empty store, with a stand-in for the API behind it.
type fixture struct {
	t       testing.TB
	store   store.Store
	handler http.Handler
	// discord plays Discord for the alerts page's channels.
	discord *discordtest.Fake
	checker *stubChecker
}

// stubChecker "checks" a site by recording a result of the status it is set to, as the
// scheduler records a real check.
type stubChecker struct {
	st     store.Store
	status monitor.Status
	checks int
}

func (c *stubChecker) CheckNow(ctx context.Context, s monitor.Site) (store.Recorded, error) {
	c.checks++
	status := c.status
	if status == "" {
		status = monitor.StatusUp
	}
	recs, err := c.st.RecordChecks(ctx, []store.CheckResult{{SiteID: s.ID, Result: check(status, now)}})
	if err != nil || len(recs) == 0 {
		return store.Recorded{}, err
	}
	return recs[0], nil
}

// apiStandIn answers like the API's root, so tests can tell which side answered.
func apiStandIn() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"name": "tocsin"}`)
	})
}

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func newFixture(t testing.TB, st store.Store, authOff bool) *fixture {
	checker := &stubChecker{st: st}
	clock := func() time.Time { return now }
	fake := discordtest.New(t)
	sites := &siteops.Sites{Store: st, Checker: checker, Now: clock, Log: quietLog(), Limits: monitor.Limits{MinIntervalSeconds: 10}}
	h := New(Deps{Store: st, API: apiStandIn(), Now: clock, Log: quietLog(), AuthOff: authOff, Version: "test", Sites: sites,
		Accounts: accounts.New(st, auth.NewAttemptLimiter(10, 15*time.Minute, clock), false, clock, quietLog()),
		Channels: channels.New(channels.Config{DiscordHosts: []string{fake.Host()}})})
	return &fixture{t: t, store: st, handler: h, discord: fake, checker: checker}
}

// forEachStore runs a test on a fresh dashboard over each kind of store.
func forEachStore(t *testing.T, test func(t *testing.T, f *fixture)) {
	for _, b := range storetest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			test(t, newFixture(t, b.Open(t), true))
		})
	}
}

type answer struct {
	status int
	header http.Header
	body   string
}

// get asks for path as a browser does.
func (f *fixture) get(path string) answer {
	return f.request(path, "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
}

func (f *fixture) request(path, accept string) answer {
	f.t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	rec := httptest.NewRecorder()
	f.handler.ServeHTTP(rec, req)
	return answer{status: rec.Code, header: rec.Header(), body: rec.Body.String()}
}

// site is a site to add: its name, and the statuses of its checks, oldest first.
type site struct {
	name   string
	checks []monitor.Status
	paused bool
	owner  int64
}

func (f *fixture) add(s site) monitor.Site {
	f.t.Helper()
	ctx := context.Background()
	created, err := f.store.CreateSite(ctx, monitor.Site{OwnerID: s.owner, Name: s.name, URL: "https://" + s.name + ".example/health",
		CheckIntervalSeconds: 60, TimeoutSeconds: 5, ExpectedStatusCode: 200, FailureThreshold: 1, Paused: s.paused,
		NextCheckAt: now.Add(time.Minute), CreatedAt: now.Add(-24 * time.Hour)})
	if err != nil {
		f.t.Fatal(err)
	}
	for i, status := range s.checks {
		at := now.Add(time.Duration(i-len(s.checks)) * time.Minute)
		f.record(created.ID, check(status, at))
	}
	got, err := f.store.Site(ctx, s.owner, created.ID)
	if err != nil {
		f.t.Fatal(err)
	}
	return got
}

func check(status monitor.Status, at time.Time) monitor.Result {
	r := monitor.Result{CheckedAt: at, Status: status, StatusCode: 200, ResponseTime: 120 * time.Millisecond,
		Timings: &monitor.Timings{DNS: 1500 * time.Microsecond, Connect: 10 * time.Millisecond, TLS: 20 * time.Millisecond,
			ServerProcessing: 80 * time.Millisecond, Transfer: 500 * time.Microsecond}}
	if status == monitor.StatusDown {
		r.StatusCode, r.Error = 503, "expected status 200, got 503"
	}
	return r
}

func (f *fixture) record(siteID int64, results ...monitor.Result) []store.Recorded {
	f.t.Helper()
	var batch []store.CheckResult
	for _, r := range results {
		batch = append(batch, store.CheckResult{SiteID: siteID, Result: r})
	}
	recs, err := f.store.RecordChecks(context.Background(), batch)
	if err != nil {
		f.t.Fatal(err)
	}
	return recs
}

// row is a site as the overview lists it.
type row struct {
	Name, Status string
}

var rowPattern = regexp.MustCompile(`(?s)<tr id="site-\d+" data-site-id="\d+" data-status="(\w+)">.*?class="site-name" href="/app/sites/\d+">([^<]*)</a>`)

// rows are the overview's sites, in the order shown.
func rows(body string) []row {
	var out []row
	for _, m := range rowPattern.FindAllStringSubmatch(body, -1) {
		out = append(out, row{Name: m[2], Status: m[1]})
	}
	return out
}

func names(rs []row) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Name
	}
	return out
}

func openSQLite(t testing.TB) store.Store { return storetest.OpenSQLite(t) }

func itoa(id int64) string { return strconv.FormatInt(id, 10) }
