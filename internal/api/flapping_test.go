package api_test

import (
	"context"
	"testing"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
)

// A site says whether it is flapping, its events include the flapping ones, and its history
// marks the checks held while Tocsin could not reach the network.
func TestFlappingAndHeldChecksAreShown(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		site := e.createSite(e.siteJSON(`, "paused": true`))
		if site["flapping"] != false {
			t.Fatalf("a new site: flapping = %v, want false", site["flapping"])
		}
		id := int64(site["id"].(float64))
		t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		var results []store.CheckResult
		for i, c := range "udududu" {
			r := monitor.Result{CheckedAt: t0.Add(time.Duration(i) * time.Minute), Status: monitor.StatusUp, StatusCode: 200}
			if c == 'd' {
				r.Status, r.StatusCode, r.Error = monitor.StatusDown, 503, "expected status 200, got 503"
			}
			results = append(results, store.CheckResult{SiteID: id, Result: r})
		}
		// the next minute: an hour later would be a gap in monitoring, with events of its own
		held := monitor.Result{CheckedAt: t0.Add(7 * time.Minute), Status: monitor.StatusDown, Error: "connection refused", NoAnswer: true}
		results = append(results, store.CheckResult{SiteID: id, Result: held, Held: true})
		if _, err := e.store.RecordChecks(context.Background(), results); err != nil {
			t.Fatal(err)
		}
		got := e.expect(e.do("GET", idPath(site, ""), ""), 200)
		if got["flapping"] != true || got["status"] != "up" {
			t.Errorf("after six changes: flapping %v, status %v; want true, up", got["flapping"], got["status"])
		}
		events := e.expect(e.do("GET", idPath(site, "/events?limit=1"), ""), 200)["events"].([]any)
		if ev := events[0].(map[string]any); ev["kind"] != "flapping" || ev["from"] != "stable" || ev["to"] != "flapping" {
			t.Errorf("latest event %v", ev)
		}
		checks := e.expect(e.do("GET", idPath(site, "/history?limit=2"), ""), 200)["checks"].([]any)
		if c := checks[0].(map[string]any); c["held"] != true || c["error"] != "connection refused" {
			t.Errorf("held check %v", c)
		}
		if _, ok := checks[1].(map[string]any)["held"]; ok {
			t.Errorf("a check that was not held says held: %v", checks[1])
		}
	})
}
