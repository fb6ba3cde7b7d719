package scheduler

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
	"github.com/tocsin/tocsin/internal/store/storetest"
)

// faultyStore is a real store whose RecordChecks fails as refuse says, as a database would.
type faultyStore struct {
	store.Store
	// poisonSite's results reach the database with their U+FFFD turned back into NUL, as if
	// nothing had cleaned them: the writer must cope with whatever reaches it.
	poisonSite int64

	mu     sync.Mutex
	refuse func(call int, rows []store.CheckResult) error // nil lets every write through
	calls  int
}

func (f *faultyStore) RecordChecks(ctx context.Context, rows []store.CheckResult) ([]store.Recorded, error) {
	rows = f.poison(rows)
	f.mu.Lock()
	f.calls++
	call, refuse := f.calls, f.refuse
	f.mu.Unlock()
	if refuse != nil {
		if err := refuse(call, rows); err != nil {
			return nil, err
		}
	}
	return f.Store.RecordChecks(ctx, rows)
}

func (f *faultyStore) poison(rows []store.CheckResult) []store.CheckResult {
	if f.poisonSite == 0 {
		return rows
	}
	rows = append([]store.CheckResult(nil), rows...)
	for i, r := range rows {
		if r.SiteID == f.poisonSite {
			rows[i].Result.Error = strings.ReplaceAll(r.Result.Error, "\uFFFD", "\x00")
		}
	}
	return rows
}

func (f *faultyStore) heal() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.refuse = nil
}

var errNUL = errors.New(`ERROR: invalid byte sequence for encoding "UTF8": 0x00 (SQLSTATE 22021)`)

// refuseNUL refuses a write that holds a NUL, as PostgreSQL does; SQLite would store it.
func refuseNUL(_ int, rows []store.CheckResult) error {
	for _, r := range rows {
		if strings.ContainsRune(r.Result.Error, 0) {
			return errNUL
		}
	}
	return nil
}

// asPostgres is the refusal of NUL on SQLite, and nothing on PostgreSQL, which refuses it itself.
func asPostgres(backend string) func(int, []store.CheckResult) error {
	if backend == "postgres" {
		return nil
	}
	return refuseNUL
}

// outageFrom fails every write from the call-th on, as a database that went away.
func outageFrom(call int) func(int, []store.CheckResult) error {
	return func(n int, _ []store.CheckResult) error {
		if n >= call {
			return errors.New("dial tcp 127.0.0.1:5432: connect: connection refused")
		}
		return nil
	}
}

// logBuffer collects a scheduler's log; its goroutines write to it concurrently.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) logger() *slog.Logger { return slog.New(slog.NewTextHandler(l, nil)) }

// lines are the log lines with this message.
func (l *logBuffer) lines(msg string) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var found []string
	for _, line := range strings.Split(l.buf.String(), "\n") {
		if strings.Contains(line, "msg=\""+msg+"\"") {
			found = append(found, line)
		}
	}
	return found
}

const (
	strippedLog = "check result stored without its text, which the database refused"
	droppedLog  = "check result dropped: the database refuses it even without its text"
)

// A site whose target answers {"a\u0000b": 1} against its schema used to stop every site's
// results on PostgreSQL: the batch with its NUL was refused, and retried, whole, forever.
func TestPoisonResultDoesNotHoldBackOtherSites(t *testing.T) {
	for _, b := range storetest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			clk, tg := newClock(), newTarget(t)
			hostile := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Write([]byte(`{"a\u0000b": 1}`))
			}))
			t.Cleanup(hostile.Close)
			f := &faultyStore{Store: b.Open(t), refuse: asPostgres(b.Name)}
			var sites []monitor.Site
			for i := range 30 {
				sites = append(sites, addSite(t, f, clk, fmt.Sprintf("%s/s%d", tg.URL, i), 60, clk.Now()))
			}
			bad, err := f.CreateSite(ctx, monitor.Site{Name: "hostile", URL: hostile.URL, CheckIntervalSeconds: 60, TimeoutSeconds: 5,
				ExpectedStatusCode: 200, HTTP: monitor.HTTPOptions{JSONSchema: `{"properties": {"a\u0000b": {"type": "string"}}}`},
				NextCheckAt: clk.Now(), CreatedAt: clk.Now()})
			if err != nil {
				t.Fatal(err)
			}
			f.poisonSite = bad.ID

			var logs logBuffer
			cfg := fastConfig()
			cfg.FlushInterval = 50 * time.Millisecond // the poison shares its batch with good results
			sched := New(f, httpProbe(), clk.Now, logs.logger(), cfg)
			runUntilCleanup(t, sched)

			waitFor(t, "every site's result", func() bool {
				up, _ := f.ListSites(ctx, 0, store.SiteFilter{Status: monitor.StatusUp})
				down, _ := f.ListSites(ctx, 0, store.SiteFilter{Status: monitor.StatusDown})
				return len(up) == 30 && len(down) == 1
			})
			got, _ := f.Site(ctx, 0, bad.ID)
			if got.Status != monitor.StatusDown || got.LastError != UnstorableErrorText {
				t.Errorf("the hostile site: %s (%q), want down (%q)", got.Status, got.LastError, UnstorableErrorText)
			}
			checks, _ := f.History(ctx, 0, bad.ID, store.HistoryQuery{Limit: 10})
			if len(checks) != 1 || checks[0].Error != UnstorableErrorText {
				t.Errorf("the hostile site's history: %+v, want one check with its text replaced", checks)
			}
			for _, s := range sites {
				if h, _ := f.History(ctx, 0, s.ID, store.HistoryQuery{Limit: 10}); len(h) != 1 {
					t.Errorf("site %d has %d checks, want 1", s.ID, len(h))
				}
			}
			settle()
			lines := logs.lines(strippedLog)
			if len(lines) != 1 || !strings.Contains(lines[0], fmt.Sprintf("site_id=%d ", bad.ID)) {
				t.Errorf("log lines about the refused text: %q, want one naming site %d", lines, bad.ID)
			}
		})
	}
}

// runUntilCleanup runs the scheduler until the test ends.
func runUntilCleanup(t *testing.T, sched *Scheduler) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		sched.Run(ctx)
		close(done)
	}()
	t.Cleanup(func() { cancel(); <-done })
}

// The writer tells a row the database refuses from a database that refuses everything: the
// first is isolated and loses its text (or, refused even without it, is dropped); the second
// loses nothing, and what landed before it is not written again.
func TestFlushIsolatesWhatTheDatabaseRefuses(t *testing.T) {
	const nul = "/a\x00b: expected string, got number"
	reasons := func(n int, nulAt ...int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = fmt.Sprintf("expected status 200, got %d", 500+i)
		}
		for _, i := range nulAt {
			out[i] = nul
		}
		return out
	}
	replaced := func(errs []string, with string, at ...int) []string {
		out := append([]string(nil), errs...)
		for _, i := range at {
			out[i] = with
		}
		return out
	}
	type refusal = func(backend string, sites []int64) func(int, []store.CheckResult) error
	nulRefused := func(backend string, _ []int64) func(int, []store.CheckResult) error { return asPostgres(backend) }
	tests := []struct {
		name     string
		errors   []string // one result per site
		maxBatch int
		refuse   refusal
		heals    bool     // the fault is an outage: it ends after the first flush
		left     int      // results the first flush leaves for later: the batch's last ones
		stored   []string // each site's one stored error after the last flush; "-" for none
		stripped int      // results stored without their text
		dropped  int
	}{
		{name: "a NUL among good results", errors: reasons(8, 5), refuse: nulRefused,
			stored: replaced(reasons(8), UnstorableErrorText, 5), stripped: 1},
		{name: "NULs in both halves", errors: reasons(8, 1, 6), refuse: nulRefused,
			stored: replaced(reasons(8), UnstorableErrorText, 1, 6), stripped: 2},
		{name: "a NUL alone", errors: reasons(1, 0), refuse: nulRefused, stored: []string{UnstorableErrorText}, stripped: 1},
		{name: "a result refused even without its text", errors: reasons(8),
			refuse: func(_ string, sites []int64) func(int, []store.CheckResult) error {
				return func(_ int, rows []store.CheckResult) error {
					for _, r := range rows {
						if r.SiteID == sites[3] {
							return errors.New("refused")
						}
					}
					return nil
				}
			},
			stored: replaced(reasons(8), "-", 3), dropped: 1},
		{name: "the database down", errors: reasons(8), heals: true, left: 8, stored: reasons(8),
			refuse: func(string, []int64) func(int, []store.CheckResult) error { return outageFrom(1) }},
		{name: "the database down after the first part", errors: reasons(5), maxBatch: 2, heals: true, left: 3, stored: reasons(5),
			refuse: func(string, []int64) func(int, []store.CheckResult) error { return outageFrom(2) }},
	}
	for _, b := range storetest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					ctx, clk := context.Background(), newClock()
					f := &faultyStore{Store: b.Open(t)}
					var ids []int64
					var batch []store.CheckResult
					for i, e := range tt.errors {
						site := addSite(t, f, clk, fmt.Sprintf("http://127.0.0.1:1/%d", i), 60, clk.Now())
						ids = append(ids, site.ID)
						batch = append(batch, store.CheckResult{SiteID: site.ID, Claimed: true, Result: monitor.Result{
							CheckedAt: clk.Now(), Status: monitor.StatusDown, StatusCode: 500 + i, ResponseTime: time.Millisecond, Error: e}})
					}
					f.refuse = tt.refuse(b.Name, ids)
					var logs logBuffer
					sched := New(f, nil, clk.Now, logs.logger(), Config{MaxBatch: tt.maxBatch})
					retry := time.NewTimer(time.Hour)
					defer retry.Stop()

					left := sched.flush(append([]store.CheckResult(nil), batch...), retry)
					want := slices.Clone(batch[len(batch)-tt.left:])
					for i := range want {
						want[i].Late = true // they wait for the database, so another process may check their sites first
					}
					if !reflect.DeepEqual(left, want) && len(left)+len(want) > 0 {
						t.Errorf("left for later: %d results, want the last %d, untouched but late", len(left), tt.left)
					}
					if tt.heals {
						f.heal()
					}
					if left = sched.flush(left, retry); len(left) != 0 {
						t.Fatalf("%d results left after the database took writes again", len(left))
					}

					for i, id := range ids {
						h, err := f.History(ctx, 0, id, store.HistoryQuery{Limit: 10})
						switch {
						case err != nil:
							t.Fatal(err)
						case tt.stored[i] == "-" && len(h) != 0:
							t.Errorf("site %d: %d checks stored, want none", i, len(h))
						case tt.stored[i] != "-" && (len(h) != 1 || h[0].Error != tt.stored[i]):
							t.Errorf("site %d: stored %+v, want one check with error %q", i, h, tt.stored[i])
						}
					}
					if n := len(logs.lines(strippedLog)); n != tt.stripped {
						t.Errorf("%d results logged as stored without their text, want %d", n, tt.stripped)
					}
					if n := len(logs.lines(droppedLog)); n != tt.dropped {
						t.Errorf("%d results logged as dropped, want %d", n, tt.dropped)
					}
				})
			}
		})
	}
}
