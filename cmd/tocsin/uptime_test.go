package main

import (
	"fmt"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync/atomic"
	"testing"
	"time"
)

// TestUptimeFromOutside runs the built tocsin against a site that is up 40 s, down 20 s and up
// 20 s, checked every second, with raw checks kept for a minute: the uptime, the incident and
// the stats are right, and stay right once the checks they came from are pruned.
func TestUptimeFromOutside(t *testing.T) {
	if testing.Short() {
		t.Skip("runs for a minute")
	}
	bin := buildTocsin(t, "v0.0.0-uptime-test")
	for name, dbURL := range databaseURLs() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			testUptimeFromOutside(t, bin, dbURL(t))
		})
	}
}

type uptimeWindow struct {
	Window      string   `json:"window"`
	Uptime      *float64 `json:"uptime"`
	UpSeconds   float64  `json:"up_seconds"`
	DownSeconds float64  `json:"down_seconds"`
	Incidents   int      `json:"incidents"`
}

type incidentsReply struct {
	Incidents []struct {
		StartedAt       time.Time `json:"started_at"`
		DurationSeconds float64   `json:"duration_seconds"`
		Error           string    `json:"error"`
		StatusCode      int       `json:"status_code"`
		FailedChecks    int       `json:"failed_checks"`
	} `json:"incidents"`
}

func testUptimeFromOutside(t *testing.T, bin, dbURL string) {
	var code, hits atomic.Int32
	code.Store(200)
	target := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(int(code.Load()))
	}))
	// Every check opens a connection of its own: counting connections, rather than requests
	// served, also counts a check that timed out before its request was read (a loaded machine).
	target.Config.ConnState = func(_ net.Conn, state http.ConnState) {
		if state == http.StateNew {
			hits.Add(1)
		}
	}
	target.Start()
	defer target.Close()
	base, _ := serveBinary(t, bin, "DATABASE_URL="+dbURL, "TOCSIN_AUTH=off", "TOCSIN_RETAIN_CHECKS=20s")
	var site struct {
		ID int64 `json:"id"`
	}
	body := fmt.Sprintf(`{"url": %q, "name": "shop", "check_interval_seconds": 1, "timeout_seconds": 1}`, target.URL)
	if got := call(t, "POST", base+"/sites", body, &site); got != 201 {
		t.Fatalf("POST /sites: %d", got)
	}
	sitePath := fmt.Sprintf("%s/sites/%d", base, site.ID)
	var history struct {
		Checks []struct {
			CheckedAt time.Time `json:"checked_at"`
		} `json:"checks"`
	}
	waitUntil(t, "the first check", func() bool {
		call(t, "GET", sitePath+"/history", "", &history)
		return len(history.Checks) > 0
	})
	start := history.Checks[len(history.Checks)-1].CheckedAt
	// Up for 16 s, down for 8, up for 8: three quarters up, one incident. (Scaled down from
	// 40/20/20 s to keep CI short; the checks are a second apart either way.)
	sleepUntil(start.Add(16 * time.Second))
	code.Store(503)
	sleepUntil(start.Add(24 * time.Second))
	code.Store(200)
	sleepUntil(start.Add(32 * time.Second))
	if got := call(t, "PATCH", sitePath, `{"paused": true}`, nil); got != 200 {
		t.Fatalf("pausing: %d", got)
	}
	time.Sleep(2 * time.Second) // a check under way is recorded
	made := int64(hits.Load())

	rng := "?from=" + url.QueryEscape(start.Format(time.RFC3339Nano)) + "&to=" + url.QueryEscape(start.Add(32*time.Second).Format(time.RFC3339Nano))
	check := func(when string) {
		var up struct {
			Windows []uptimeWindow `json:"windows"`
		}
		call(t, "GET", sitePath+"/uptime"+rng, "", &up)
		if w := up.Windows[0]; w.Uptime == nil || math.Abs(*w.Uptime-0.75) > 0.05 || w.Incidents != 1 {
			t.Errorf("%s: uptime over the 32 s %+v, want ≈ 0.75 and one incident", when, w)
		}
		var inc incidentsReply
		call(t, "GET", sitePath+"/incidents", "", &inc)
		if len(inc.Incidents) != 1 {
			t.Fatalf("%s: incidents %+v, want one", when, inc)
		}
		if i := inc.Incidents[0]; math.Abs(i.DurationSeconds-8) > 1.5 || i.StatusCode != 503 || i.Error == "" || i.FailedChecks < 7 {
			t.Errorf("%s: incident %+v, want ≈ 8 s with the 503's error", when, i)
		}
		var stats struct {
			Points []struct {
				Checks, Failures int64
			} `json:"points"`
		}
		call(t, "GET", sitePath+"/stats?from="+url.QueryEscape(start.Add(-time.Hour).Format(time.RFC3339)), "", &stats)
		var checks, failures int64
		for _, p := range stats.Points {
			checks, failures = checks+p.Checks, failures+p.Failures
		}
		if checks != made || failures < 7 || failures > 10 {
			t.Errorf("%s: stats count %d checks and %d failures; %d checks were made, 8 s of them failing", when, checks, failures, made)
		}
	}
	check("before pruning")
	deadline := time.Now().Add(45 * time.Second)
	for {
		call(t, "GET", sitePath+"/history?limit=1000", "", &history)
		if len(history.Checks) == 0 || history.Checks[len(history.Checks)-1].CheckedAt.After(start.Add(8*time.Second)) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("checks older than TOCSIN_RETAIN_CHECKS=20s are still there: %d, oldest %v", len(history.Checks), history.Checks[len(history.Checks)-1].CheckedAt)
		}
		time.Sleep(time.Second)
	}
	check("after pruning")
}

func sleepUntil(t time.Time) { time.Sleep(time.Until(t)) }
