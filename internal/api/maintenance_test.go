package api_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"
)

func TestMaintenanceWindowsAreRefusedByField(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		site := e.createSite(fmt.Sprintf(`{"url": %q}`, e.target.URL))
		id := int64(site["id"].(float64))
		start, end := time.Now().UTC().Format(time.RFC3339), time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
		oneOff := fmt.Sprintf(`"start": %q, "end": %q`, start, end)
		for _, tt := range []struct{ body, field string }{
			{fmt.Sprintf(`{"title": "x", "site_ids": [], %s}`, oneOff), "site_ids"},
			{fmt.Sprintf(`{"title": "x", %s}`, oneOff), "site_ids"},
			{fmt.Sprintf(`{"title": "x", "site_ids": [%d], "all_sites": true, %s}`, id, oneOff), "site_ids"},
			{fmt.Sprintf(`{"title": "x", "site_ids": [%d], %s}`, id+1000, oneOff), "site_ids"},
			{fmt.Sprintf(`{"site_ids": [%d], %s}`, id, oneOff), "title"},
			{fmt.Sprintf(`{"title": "x", "all_sites": true, "start": %q}`, start), "end"},
			{fmt.Sprintf(`{"title": "x", "all_sites": true, "start": %q, "end": %q}`, end, start), "end"},
			{`{"title": "x", "all_sites": true}`, "start"},
			{`{"title": "x", "all_sites": true, "cron": "0 3 * *", "duration": "1h"}`, "cron"},
			{`{"title": "x", "all_sites": true, "cron": "0 3 * * *"}`, "duration"},
			{`{"title": "x", "all_sites": true, "cron": "0 3 * * *", "duration": "soon"}`, "duration"},
			{`{"title": "x", "all_sites": true, "cron": "0 3 * * *", "duration": "1h", "timezone": "Mars/Olympus"}`, "timezone"},
			{`{"title": "x", "all_sites": true, "duration": "1h"}`, "cron"},
			{fmt.Sprintf(`{"title": "x", "all_sites": true, "cron": "0 3 * * *", "duration": "1h", %s}`, oneOff), "start"},
			{`{"title": "x", "all_sites": true, "colour": "red"}`, "colour"},
		} {
			r := e.do("POST", "/maintenance", tt.body)
			if r.status != http.StatusBadRequest {
				t.Errorf("%s: status %d, want 400: %s", tt.body, r.status, r.raw)
				continue
			}
			if got := r.object(t)["error"].(map[string]any)["field"]; got != tt.field {
				t.Errorf("%s: field %v, want %s (%s)", tt.body, got, tt.field, r.raw)
			}
		}
	})
}

func TestMaintenanceWindowsHoldAlertsAndShowOnSites(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		e.setWebhook("1")
		site := e.createSite(fmt.Sprintf(`{"url": %q, "name": "shop"}`, e.target.URL))
		id := int64(site["id"].(float64))
		if site["in_maintenance"] != false {
			t.Fatalf("new site in_maintenance = %v", site["in_maintenance"])
		}
		start, end := time.Now().Add(-time.Minute).UTC().Format(time.RFC3339), time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
		m := e.expect(e.do("POST", "/maintenance", fmt.Sprintf(`{"title": "db upgrade", "site_ids": [%d], "start": %q, "end": %q}`, id, start, end)), http.StatusCreated)
		mid := int64(m["id"].(float64))
		if m["active"] != true || m["title"] != "db upgrade" || m["all_sites"] != false {
			t.Fatalf("window %v", m)
		}
		if got := e.expect(e.do("GET", fmt.Sprintf("/sites/%d", id), ""), 200)["in_maintenance"]; got != true {
			t.Fatalf("site in its window: in_maintenance = %v", got)
		}
		var sites []map[string]any
		e.do("GET", "/sites", "").json(t, &sites)
		if len(sites) != 1 || sites[0]["in_maintenance"] != true {
			t.Fatalf("listed sites %v, want the one in maintenance", sites)
		}
		// A down inside the window is recorded but alerts no one.
		e.code.Store(503)
		check := e.expect(e.do("POST", fmt.Sprintf("/sites/%d/check", id), ""), 200)
		if check["site"].(map[string]any)["status"] != "down" {
			t.Fatalf("check in the window: %v", check)
		}
		if ns := e.expect(e.do("GET", "/notifications", ""), 200)["notifications"].([]any); len(ns) != 0 {
			t.Fatalf("a down inside a window alerted: %v", ns)
		}
		// The window ends (moved into the past); the site, still down, alerts at its next check, once.
		past1, past2 := time.Now().Add(-2*time.Hour).UTC().Format(time.RFC3339), time.Now().Add(-time.Second).UTC().Format(time.RFC3339)
		e.expect(e.do("PATCH", fmt.Sprintf("/maintenance/%d", mid), fmt.Sprintf(`{"start": %q, "end": %q}`, past1, past2)), 200)
		for range 2 {
			e.expect(e.do("POST", fmt.Sprintf("/sites/%d/check", id), ""), 200)
		}
		ns := e.expect(e.do("GET", "/notifications", ""), 200)["notifications"].([]any)
		if len(ns) != 1 || ns[0].(map[string]any)["event"].(map[string]any)["kind"] != "down" {
			t.Fatalf("after the window: notifications %v, want one down", ns)
		}
		// PATCH turns it into a recurring window; the one-off fields go.
		r := e.expect(e.do("PATCH", fmt.Sprintf("/maintenance/%d", mid), `{"cron": "0 3 * * sun", "duration": "90m", "timezone": "Europe/Berlin", "all_sites": true}`), 200)
		if r["start"] != nil || r["cron"] != "0 3 * * sun" || r["duration"] != "1h30m0s" || r["all_sites"] != true || len(r["site_ids"].([]any)) != 0 {
			t.Fatalf("patched window %v", r)
		}
		var windows []map[string]any
		e.do("GET", "/maintenance", "").json(t, &windows)
		if len(windows) != 1 || windows[0]["title"] != "db upgrade" {
			t.Fatalf("listed windows %v", windows)
		}
		e.expect(e.do("DELETE", fmt.Sprintf("/maintenance/%d", mid), ""), http.StatusNoContent)
		e.expect(e.do("GET", fmt.Sprintf("/maintenance/%d", mid), ""), http.StatusNotFound)
	})
}
