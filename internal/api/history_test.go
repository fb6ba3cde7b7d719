package api_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
)

func TestHistoryPagesAndRanges(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		site := e.createSite(e.siteJSON(`, "paused": true`))
		id := int64(site["id"].(float64))
		t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		var results []store.CheckResult
		for i := range 150 {
			r := monitor.Result{CheckedAt: t0.Add(time.Duration(i) * time.Minute), Status: monitor.StatusUp, StatusCode: 200, ResponseTime: time.Millisecond}
			if i%50 == 49 { // three one-minute outages, the last one still on
				r.Status, r.StatusCode, r.Error = monitor.StatusDown, 503, "expected status 200, got 503"
			}
			results = append(results, store.CheckResult{SiteID: id, Result: r})
		}
		if _, err := e.store.RecordChecks(context.Background(), results); err != nil {
			t.Fatal(err)
		}
		path := idPath(site, "/history")

		page := e.expect(e.do("GET", path, ""), 200)
		checks := page["checks"].([]any)
		if len(checks) != 100 || checks[0].(map[string]any)["checked_at"] != "2026-01-01T02:29:00Z" {
			t.Fatalf("default page: %d checks, first %v", len(checks), checks[0])
		}
		next, _ := page["next_before"].(string)
		page = e.expect(e.do("GET", path+"?limit=100&before="+url.QueryEscape(next), ""), 200)
		if n := len(page["checks"].([]any)); n != 50 || page["next_before"] != nil {
			t.Fatalf("second page: %d checks, next %v", n, page["next_before"])
		}
		page = e.expect(e.do("GET", path+"?from=2026-01-01T00:10:00Z&to=2026-01-01T00:19:00Z&limit=1000", ""), 200)
		if n := len(page["checks"].([]any)); n != 10 {
			t.Errorf("from/to: %d checks, want 10", n)
		}

		events := e.expect(e.do("GET", idPath(site, "/events"), ""), 200)["events"].([]any)
		if len(events) != 6 || events[0].(map[string]any)["to"] != "down" || events[5].(map[string]any)["from"] != "pending" {
			t.Errorf("events: %v", events)
		}
		events = e.expect(e.do("GET", idPath(site, "/events?limit=2"), ""), 200)["events"].([]any)
		if len(events) != 2 {
			t.Errorf("events limit: %d", len(events))
		}
	})
}

func TestHistoryParametersAreValidated(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		site := e.createSite(e.siteJSON(""))
		for _, tt := range []struct{ query, field string }{
			{"limit=0", "limit"}, {"limit=1001", "limit"}, {"limit=ten", "limit"},
			{"before=yesterday", "before"}, {"from=2026-13-01T00:00:00Z", "from"}, {"to=1700000000", "to"},
			{"from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z", "from"},
		} {
			for _, kind := range []string{"/history?", "/events?"} {
				got := e.expect(e.do("GET", idPath(site, kind+tt.query), ""), http.StatusBadRequest)
				if f := got["error"].(map[string]any)["field"]; f != tt.field {
					t.Errorf("%s%s: field %v, want %s", kind, tt.query, f, tt.field)
				}
			}
		}
	})
}
