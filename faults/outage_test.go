package faults

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tocsin/tocsin/internal/notify/discord"
	"github.com/tocsin/tocsin/internal/notify/discordtest"
)

// flakyTarget answers 200 on every path, or 500 on the paths set failing.
type flakyTarget struct {
	*httptest.Server
	mu      sync.Mutex
	failing map[string]bool
}

func newFlakyTarget(t *testing.T) *flakyTarget {
	ft := &flakyTarget{failing: map[string]bool{}}
	ft.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ft.mu.Lock()
		bad := ft.failing[r.URL.Path]
		ft.mu.Unlock()
		if bad {
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		w.Write([]byte("ok"))
	}))
	t.Cleanup(ft.Close)
	return ft
}

func (ft *flakyTarget) set(paths []string, failing bool) {
	ft.mu.Lock()
	defer ft.mu.Unlock()
	for _, p := range paths {
		ft.failing[p] = failing
	}
}

// told is the text of the messages Discord got: each alert's title, and each line of a
// summary, which names a site in bold and may give its down and its recovery on one line.
type told string

func toldDiscord(messages []discord.Message) told {
	var text strings.Builder
	for _, m := range messages {
		for _, e := range m.Embeds {
			text.WriteString(e.Title + "\n" + e.Description + "\n")
		}
	}
	return told(text.String())
}

// of counts the downs (🔴) and recoveries (🟢) Discord was told of the site.
func (t told) of(name string) (down, up int) {
	for _, line := range strings.Split(string(t), "\n") {
		line = strings.ReplaceAll(line, "\\", "") // Markdown's escapes: term\-04
		if strings.Contains(line, name+" ") || strings.Contains(line, "**"+name+"**") {
			down += strings.Count(line, "🔴")
			up += strings.Count(line, "🟢")
		}
	}
	return down, up
}

type notificationPage struct {
	Notifications []struct {
		State string `json:"state"`
		Event struct {
			Kind string `json:"kind"`
		} `json:"event"`
		Site struct {
			Name string `json:"name"`
		} `json:"site"`
	} `json:"notifications"`
}

// The done-when of the outage defect, from outside: a real binary on PostgreSQL loses its
// database for 20 s (the proxy in front of it is cut); 10 of its sites go down and come back
// inside that time. When the database is back, each of them has its down and its recovery
// alert delivered to Discord once, every route answered 503 database_unavailable meanwhile,
// and the outage was logged as one line at each end.
func TestDatabaseOutageOf20sStillAlertsOnce(t *testing.T) {
	t.Parallel()
	server, dbName := ownDatabase(t)
	px := newProxy(t, server.Host)
	dbURL := *server
	dbURL.Host, dbURL.Path = px.Addr(), "/"+dbName
	fake := discordtest.New(t)
	app := startTocsin(t, "DATABASE_URL="+dbURL.String(), "TOCSIN_DISCORD_ALLOWED_HOSTS="+fake.Host())
	if got := app.call(t, "POST", "/webhook", map[string]any{"webhook_url": fake.WebhookURL("1")}, nil); got != 200 {
		t.Fatalf("POST /webhook: %d", got)
	}
	target := newFlakyTarget(t)
	var flapping []string
	for i := range 15 {
		path := fmt.Sprintf("/site-%02d", i)
		if got := app.call(t, "POST", "/sites", map[string]any{"url": target.URL + path, "name": path[1:],
			"check_interval_seconds": 1, "timeout_seconds": 1}, nil); got != 201 {
			t.Fatalf("POST /sites: %d", got)
		}
		if i < 10 {
			flapping = append(flapping, path)
		}
	}
	time.Sleep(2 * time.Second) // every site claimed by this process at least once

	px.Cut()
	cutAt := time.Now()
	waitFor(t, "503 database_unavailable from /sites", 10*time.Second, func() bool {
		resp, err := http.Get(app.url + "/sites")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusServiceUnavailable && resp.Header.Get("Retry-After") != ""
	})
	time.Sleep(3 * time.Second)
	target.set(flapping, true) // down for 7 s, inside the outage
	time.Sleep(7 * time.Second)
	target.set(flapping, false)
	if resp, err := http.Get(app.url + "/readyz"); err == nil {
		resp.Body.Close()
		if resp.StatusCode != http.StatusServiceUnavailable {
			t.Errorf("/readyz during the outage: %d, want 503", resp.StatusCode)
		}
	}
	time.Sleep(time.Until(cutAt.Add(20 * time.Second)))
	px.Restore()

	var page notificationPage
	waitFor(t, "the 20 alerts delivered", 60*time.Second, func() bool {
		page = notificationPage{}
		return app.call(t, "GET", "/notifications?state=delivered&limit=1000", nil, &page) == 200 && len(page.Notifications) >= 20
	})
	time.Sleep(2 * time.Second) // time for any alert too many to show
	page = notificationPage{}
	app.call(t, "GET", "/notifications?limit=1000", nil, &page)
	alerts := map[string]int{}
	for _, n := range page.Notifications {
		alerts[n.Site.Name+" "+n.Event.Kind]++
	}
	for _, path := range flapping {
		name := path[1:]
		if alerts[name+" down"] != 1 || alerts[name+" recovered"] != 1 {
			t.Errorf("%s: %d down and %d recovery alerts, want one each", name, alerts[name+" down"], alerts[name+" recovered"])
		}
	}
	statusAlerts := 0 // a loaded machine may add latency alerts for the steady sites; they are not counted
	for key, n := range alerts {
		if strings.HasSuffix(key, " down") || strings.HasSuffix(key, " recovered") {
			statusAlerts += n
		}
	}
	if statusAlerts != 20 {
		t.Errorf("%d down and recovery alerts, want 20: %v", statusAlerts, alerts)
	}
	told := toldDiscord(fake.Messages())
	for _, path := range flapping {
		if down, up := told.of(path[1:]); down != 1 || up != 1 {
			t.Errorf("%s: Discord was told %d times it is down and %d times it recovered, want once each:\n%s", path[1:], down, up, told)
		}
	}
	if n, m := app.log.count("database unavailable: checking the sites"), app.log.count("database back: results kept"); n != 1 || m != 1 {
		t.Errorf("the outage logged %d times at its start and %d at its end, want once each", n, m)
	}
	if n := app.log.count("level=ERROR"); n > 5 {
		t.Errorf("%d ERROR lines for one outage", n)
	}
}
