package web

import (
	"bufio"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/tocsin/tocsin/internal/accounts"
	"github.com/tocsin/tocsin/internal/auth"
	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/siteops"
)

// readEvents passes the stream's change events on, until it ends.
func readEvents(t *testing.T, resp *http.Response) (<-chan liveEvent, <-chan struct{}) {
	events, ended := make(chan liveEvent, 16), make(chan struct{})
	go func() {
		defer close(ended)
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			if data, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
				var ev liveEvent
				if err := json.Unmarshal([]byte(data), &ev); err != nil {
					t.Errorf("event data %q: %v", data, err)
				}
				events <- ev
			}
		}
	}()
	return events, ended
}

func next(t *testing.T, events <-chan liveEvent, within time.Duration) liveEvent {
	t.Helper()
	select {
	case ev := <-events:
		return ev
	case <-time.After(within):
		t.Fatal("no event")
	}
	return liveEvent{}
}

// TestLiveStreamsOutliveTheWriteTimeoutSeeEveryWriterAndEndAtShutdown: a stream tells of a
// status recorded straight into the store (as another process would), keeps going past the
// server's WriteTimeout, and ends when the server stops.
func TestLiveStreamsOutliveTheWriteTimeoutSeeEveryWriterAndEndAtShutdown(t *testing.T) {
	forEachStore(t, func(t *testing.T, f *fixture) {
		stopping := make(chan struct{})
		sites := &siteops.Sites{Store: f.store, Checker: f.checker, Now: time.Now, Log: quietLog()}
		h := New(Deps{Store: f.store, API: apiStandIn(), Now: time.Now, Log: quietLog(), AuthOff: true, Version: "test",
			Sites: sites, Stopping: stopping, LivePoll: 20 * time.Millisecond})
		srv := httptest.NewUnstartedServer(h)
		srv.Config.WriteTimeout = 200 * time.Millisecond
		srv.Start()
		defer srv.Close()

		s := f.add(site{name: "shop", checks: []monitor.Status{monitor.StatusUp}})
		overview := f.get("/")
		resp, err := http.Get(srv.URL + "/app/live")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if ct := resp.Header.Get("Content-Type"); resp.StatusCode != http.StatusOK || ct != "text/event-stream" {
			t.Fatalf("live: %d %s", resp.StatusCode, ct)
		}
		events, ended := readEvents(t, resp)
		first := next(t, events, 2*time.Second)
		if first.Down != 0 || !strings.Contains(overview.body, `data-key="`+first.Key+`"`) {
			t.Errorf("the first event's key %q is not the page's", first.Key)
		}
		time.Sleep(3 * srv.Config.WriteTimeout)
		f.record(s.ID, check(monitor.StatusDown, now.Add(time.Minute)))
		changed := next(t, events, 2*time.Second)
		if changed.Down != 1 || changed.Key == first.Key {
			t.Errorf("after the site went down: %+v (before %+v)", changed, first)
		}
		close(stopping)
		select {
		case <-ended:
		case <-time.After(2 * time.Second):
			t.Fatal("the stream did not end at shutdown")
		}
	})
}

func TestSitePageStreamFollowsItsSite(t *testing.T) {
	f := newFixture(t, openSQLite(t), true)
	s := f.add(site{name: "shop", checks: []monitor.Status{monitor.StatusUp}})
	h := New(Deps{Store: f.store, API: apiStandIn(), Now: time.Now, Log: quietLog(), AuthOff: true, LivePoll: 20 * time.Millisecond})
	srv := httptest.NewServer(h)
	defer srv.Close()
	page := f.get("/app/sites/" + itoa(s.ID))
	resp, err := http.Get(srv.URL + "/app/live?site=" + itoa(s.ID))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	events, _ := readEvents(t, resp)
	first := next(t, events, 2*time.Second)
	if !strings.Contains(page.body, `data-key="`+first.Key+`"`) {
		t.Errorf("the first event's key %q is not the page's", first.Key)
	}
	// Another check, even one that changes no status, changes what the page shows.
	f.record(s.ID, check(monitor.StatusUp, now.Add(time.Minute)))
	if ev := next(t, events, 2*time.Second); ev.Key == first.Key {
		t.Error("a new check did not change the site's key")
	}
	if got := f.get("/app/live?site=abc"); got.status != http.StatusBadRequest {
		t.Errorf("a bad site id: %d", got.status)
	}
}

// A stream ends with its session: signing out stops the news, rather than when the tab goes.
func TestLiveStreamEndsWithItsSession(t *testing.T) {
	st := openSQLite(t)
	f := &fixture{t: t, store: st}
	h := New(Deps{Store: st, API: apiStandIn(), Now: time.Now, Log: quietLog(), Version: "test", LivePoll: 20 * time.Millisecond,
		Accounts: accounts.New(st, auth.NewAttemptLimiter(10, time.Minute, time.Now), false, time.Now, quietLog())})
	br := newBrowser(t, h)
	br.signUp("ada", "correct horse")
	s := f.add(site{name: "shop", owner: 1, checks: []monitor.Status{monitor.StatusUp}})

	resp, err := br.client.Get(br.base + "/app/live")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("live: %d", resp.StatusCode)
	}
	events, ended := readEvents(t, resp)
	next(t, events, 2*time.Second)

	br.post("/app/signout", nil)
	f.record(s.ID, check(monitor.StatusDown, now.Add(time.Minute)))
	select {
	case ev := <-events:
		t.Errorf("a signed-out stream told of a change: %+v", ev)
	case <-ended:
	case <-time.After(5 * time.Second):
		t.Fatal("the stream outlived its session")
	}
}
