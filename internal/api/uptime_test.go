package api_test

import (
	"context"
	"math"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
)

// recordUpDownUp stores a site's checks one a second from base on: up 40 s, down 20 s, up 20 s.
func recordUpDownUp(t *testing.T, st store.Store, id int64, base time.Time) {
	t.Helper()
	var results []store.CheckResult
	for i := range 80 {
		r := monitor.Result{CheckedAt: base.Add(time.Duration(i) * time.Second), Status: monitor.StatusUp, StatusCode: 200, ResponseTime: 20 * time.Millisecond}
		if i >= 40 && i < 60 {
			r.Status, r.StatusCode, r.Error = monitor.StatusDown, 503, "expected status 200, got 503"
		}
		results = append(results, store.CheckResult{SiteID: id, Result: r})
	}
	if _, err := st.RecordChecks(context.Background(), results); err != nil {
		t.Fatal(err)
	}
}

func TestUptimeIncidentsAndStats(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		site := e.createSite(e.siteJSON(`, "paused": true`))
		id := int64(site["id"].(float64))
		base := time.Now().UTC().Add(-2 * time.Minute).Truncate(time.Second)
		recordUpDownUp(t, e.store, id, base)
		rng := "from=" + base.Format(time.RFC3339) + "&to=" + base.Add(80*time.Second).Format(time.RFC3339)

		got := e.expect(e.do("GET", idPath(site, "/uptime?"+rng), ""), 200)
		windows := got["windows"].([]any)
		if len(windows) != 1 {
			t.Fatalf("windows %v, want only the range", windows)
		}
		w := windows[0].(map[string]any)
		if w["window"] != "range" || math.Abs(w["uptime"].(float64)-0.75) > 1e-9 || w["incidents"] != 1.0 || w["mttr_seconds"] != 20.0 {
			t.Errorf("range window %v, want uptime 0.75 and one incident of 20 s", w)
		}
		got = e.expect(e.do("GET", idPath(site, "/uptime"), ""), 200)
		var names []string
		for _, w := range got["windows"].([]any) {
			names = append(names, w.(map[string]any)["window"].(string))
		}
		if strings.Join(names, ",") != "24h,7d,30d,90d" {
			t.Errorf("default windows %v", names)
		}

		inc := e.expect(e.do("GET", idPath(site, "/incidents"), ""), 200)["incidents"].([]any)
		if len(inc) != 1 {
			t.Fatalf("incidents %v", inc)
		}
		if i := inc[0].(map[string]any); i["duration_seconds"] != 20.0 || i["error"] != "expected status 200, got 503" || i["status_code"] != 503.0 || i["failed_checks"] != 20.0 {
			t.Errorf("incident %v", i)
		}

		stats := e.expect(e.do("GET", idPath(site, "/stats"), ""), 200)
		var checks, failures float64
		for _, p := range stats["points"].([]any) {
			checks += p.(map[string]any)["checks"].(float64)
			failures += p.(map[string]any)["failures"].(float64)
		}
		if checks != 80 || failures != 20 || stats["step"] != "hour" {
			t.Errorf("stats add up to %v checks and %v failures, want 80 and 20: %v", checks, failures, stats)
		}
		days := e.expect(e.do("GET", idPath(site, "/stats?step=day"), ""), 200)["points"].([]any)
		if len(days) == 0 || days[len(days)-1].(map[string]any)["p95_ms"] != 20.0 {
			t.Errorf("daily points %v", days)
		}

		fleet := e.expect(e.do("GET", "/uptime?window=24h", ""), 200)
		if sites := fleet["sites"].([]any); len(sites) != 1 || fleet["total"].(map[string]any)["down_seconds"] != 20.0 {
			t.Errorf("fleet %v", fleet)
		}

		e.expect(e.do("PATCH", idPath(site, ""), `{"paused": false}`), 200)
		events := e.expect(e.do("GET", idPath(site, "/events?limit=1"), ""), 200)["events"].([]any)
		if ev := events[0].(map[string]any); ev["kind"] != "monitoring" || ev["from"] != "paused" || ev["to"] != "active" {
			t.Errorf("resuming recorded %v", ev)
		}
	})
}

func TestUptimeRoutesRefuseBadInput(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		site := e.createSite(e.siteJSON(`, "paused": true`))
		for path, field := range map[string]string{
			"/uptime?windows=24x":                                      "windows",
			"/uptime?windows=0d":                                       "windows",
			"/uptime?from=yesterday":                                   "from",
			"/uptime?to=2026-01-01T00:00:00Z":                          "from",
			"/stats?step=week":                                         "step",
			"/stats?from=2020-01-01T00:00:00Z":                         "from",
			"/incidents?limit=0":                                       "limit",
			"/stats?from=2030-01-01T00:00:00Z&to=2029-01-01T00:00:00Z": "from",
		} {
			got := e.expect(e.do("GET", idPath(site, path), ""), http.StatusBadRequest)
			if f := got["error"].(map[string]any)["field"]; f != field {
				t.Errorf("%s: field %v, want %s", path, f, field)
			}
		}
		if got := e.expect(e.do("GET", "/uptime?window=1y", ""), http.StatusBadRequest); got["error"].(map[string]any)["field"] != "window" {
			t.Errorf("window=1y: %v", got)
		}
	})
}

func TestUptimeRoutesAreOwned(t *testing.T) {
	forEachStoreWithAuth(t, func(t *testing.T, e *env, _ *clock) {
		alice := e.signup("/auth/signup", "alice")
		e.expect(e.do("POST", "/users", `{"username": "bob", "password": "correct horse"}`, as(alice)...), http.StatusCreated)
		bob := e.expect(e.do("POST", "/auth/login", `{"username": "bob", "password": "correct horse"}`), http.StatusOK)["token"].(string)
		site := e.expect(e.do("POST", "/sites", e.siteJSON(`, "paused": true`), as(alice)...), http.StatusCreated)
		for _, suffix := range []string{"/uptime", "/incidents", "/stats"} {
			e.expect(e.do("GET", idPath(site, suffix), "", as(bob)...), http.StatusNotFound)
			e.expect(e.do("GET", idPath(site, suffix), "", as(alice)...), http.StatusOK)
		}
		if sites := e.expect(e.do("GET", "/uptime", "", as(bob)...), 200)["sites"].([]any); len(sites) != 0 {
			t.Errorf("bob sees %v", sites)
		}
	})
}

// A pause and a maintenance window that overlap (paused at 10 min, the window 15–30 min,
// resumed at 20 min, inside it) are left out once, as their union, by both uptime routes: the
// site's, from its events, and the fleet's, from the ledgers.
func TestUptimeRoutesLeaveOutAPauseOverlappingMaintenanceOnce(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		// Created paused, as in TestUptimeIncidentsAndStats, so that only the checks below
		// count; the pause and resume below are recorded through the store, in the past.
		site := e.createSite(e.siteJSON(`, "check_interval_seconds": 60, "paused": true`))
		id := int64(site["id"].(float64))
		base := time.Now().UTC().Add(-50 * time.Minute).Truncate(time.Minute)
		at := func(m int) time.Time { return base.Add(time.Duration(m) * time.Minute) }
		if _, err := e.store.CreateMaintenance(ctx, monitor.Maintenance{Title: "db", SiteIDs: []int64{id},
			Start: at(15), End: at(30), CreatedAt: base, UpdatedAt: base}); err != nil {
			t.Fatal(err)
		}
		for m := range 40 {
			switch m {
			case 10, 20:
				if err := e.store.RecordMonitoring(ctx, 0, monitor.PauseEvent(id, at(m), m == 10)); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := e.store.SyncMaintenance(ctx, at(m)); err != nil {
				t.Fatal(err)
			}
			if m >= 10 && m < 20 {
				continue // paused: not checked
			}
			r := monitor.Result{CheckedAt: at(m), Status: monitor.StatusUp, StatusCode: 200, ResponseTime: 20 * time.Millisecond}
			if _, err := e.store.RecordChecks(ctx, []store.CheckResult{{SiteID: id, Result: r}}); err != nil {
				t.Fatal(err)
			}
		}
		rng := "from=" + at(0).Format(time.RFC3339) + "&to=" + at(40).Format(time.RFC3339)
		w := e.expect(e.do("GET", idPath(site, "/uptime?"+rng), ""), 200)["windows"].([]any)[0].(map[string]any)
		if w["up_seconds"] != 1200.0 || w["excluded_seconds"] != 1200.0 || w["down_seconds"] != 0.0 {
			t.Errorf("site's range %v, want 1200 s up and 1200 s excluded: 10–30 min left out", w)
		}
		fleet := e.expect(e.do("GET", "/uptime?window=2h", ""), 200)["sites"].([]any)[0].(map[string]any)
		// The ledger counts on to now: its last check, at 39 min, stands for one interval, and
		// the ten minutes since are a gap in monitoring.
		if fleet["up_seconds"] != 1200.0 || fleet["down_seconds"] != 0.0 {
			t.Errorf("fleet %v, want the range's 1200 s up", fleet)
		}
	})
}
