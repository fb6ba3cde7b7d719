package api_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
	"github.com/tocsin/tocsin/internal/store/storetest"
)

func TestCreateSiteChecksItAtOnce(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		site := e.createSite(e.siteJSON(`, "check_interval_seconds": 60`))
		want := map[string]any{
			"url": e.target.URL + "/health", "name": "web", "status": "up", "check_interval_seconds": 60.0,
			"expected_status_code": 200.0, "timeout_seconds": 10.0, "paused": false, "last_status_code": 200.0, "last_error": nil,
		}
		for k, v := range want {
			if site[k] != v {
				t.Errorf("%s = %v, want %v", k, site[k], v)
			}
		}
		for _, k := range []string{"id", "response_time_ms", "last_checked", "last_status_change", "created_at", "next_check_at"} {
			if site[k] == nil {
				t.Errorf("%s missing from %v", k, site)
			}
		}
		hist := e.expect(e.do("GET", idPath(site, "/history"), ""), 200)
		if n := len(hist["checks"].([]any)); n != 1 {
			t.Errorf("history after create has %d checks, want the first one", n)
		}
		if loc := e.do("POST", "/sites", e.siteJSON("")).header.Get("Location"); !strings.HasPrefix(loc, "/sites/") {
			t.Errorf("Location %q", loc)
		}
	})
}

func TestCreateSiteDefaultsAndDownTarget(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		e.code.Store(503)
		site := e.createSite(`{"url": "` + e.target.URL + `"}`)
		if site["status"] != "down" || site["last_error"] != "expected status 200, got 503" || site["last_status_code"] != 503.0 {
			t.Errorf("down site: %v", site)
		}
		if site["check_interval_seconds"] != 300.0 || site["expected_status_code"] != 200.0 || site["timeout_seconds"] != 10.0 {
			t.Errorf("defaults: %v", site)
		}
		if want := strings.TrimPrefix(e.target.URL, "http://"); site["name"] != want {
			t.Errorf("default name %v, want the host %s", site["name"], want)
		}
		paused := e.createSite(e.siteJSON(`, "paused": true`))
		if paused["status"] != "pending" || paused["last_checked"] != nil || paused["next_check_at"] != nil {
			t.Errorf("a site created paused was checked or scheduled: %v", paused)
		}
	})
}

// blockingChecker never finishes a check until released: the reply must not wait for it forever.
type blockingChecker struct{ release chan struct{} }

func (c blockingChecker) CheckNow(ctx context.Context, site monitor.Site) (store.Recorded, error) {
	<-c.release
	return store.Recorded{}, context.Canceled
}

func TestCreateSiteAnswersPendingWhenTheFirstCheckIsSlow(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	e := newEnv(t, storetest.OpenSQLite(t), blockingChecker{release})
	start := time.Now()
	site := e.createSite(e.siteJSON(`, "timeout_seconds": 1, "check_interval_seconds": 10`))
	if site["status"] != "pending" {
		t.Errorf("status %v, want pending", site["status"])
	}
	if waited := time.Since(start); waited < time.Second {
		t.Errorf("answered after %v, before the check's timeout", waited)
	}
}

func TestSiteInputIsValidated(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		url := `"url": "` + e.target.URL + `"`
		tests := []struct {
			name, body  string
			status      int
			code, field string
		}{
			{"invalid JSON", `{"url": `, 400, "invalid_json", ""},
			{"not JSON at all", `hello`, 400, "invalid_json", ""},
			{"empty body", ``, 400, "invalid_json", ""},
			{"an array", `[1]`, 400, "invalid_json", ""},
			{"trailing data", `{` + url + `} {}`, 400, "invalid_json", ""},
			{"unknown field", `{` + url + `, "colour": "red"}`, 400, "unknown_field", "colour"},
			{"read-only field", `{` + url + `, "status": "up"}`, 400, "unknown_field", "status"},
			{"wrong type", `{` + url + `, "check_interval_seconds": "60"}`, 400, "invalid_field", "check_interval_seconds"},
			{"fractional interval", `{` + url + `, "check_interval_seconds": 60.5}`, 400, "invalid_field", "check_interval_seconds"},
			{"missing url", `{"name": "x"}`, 400, "invalid_field", "url"},
			{"non-http url", `{"url": "ftp://example.com"}`, 400, "invalid_field", "url"},
			{"url without host", `{"url": "http://"}`, 400, "invalid_field", "url"},
			{"relative url", `{"url": "/health"}`, 400, "invalid_field", "url"},
			{"interval below minimum", `{` + url + `, "check_interval_seconds": 9}`, 400, "invalid_field", "check_interval_seconds"},
			{"interval above a day", `{` + url + `, "check_interval_seconds": 86401}`, 400, "invalid_field", "check_interval_seconds"},
			{"status code 99", `{` + url + `, "expected_status_code": 99}`, 400, "invalid_field", "expected_status_code"},
			{"status code 600", `{` + url + `, "expected_status_code": 600}`, 400, "invalid_field", "expected_status_code"},
			{"timeout above interval", `{` + url + `, "check_interval_seconds": 10, "timeout_seconds": 11}`, 400, "invalid_field", "timeout_seconds"},
			{"empty name", `{` + url + `, "name": "  "}`, 400, "invalid_field", "name"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				e := *e
				e.t = t
				got := e.expect(e.do("POST", "/sites", tt.body), tt.status)
				errObj, _ := got["error"].(map[string]any)
				if errObj["code"] != tt.code || (errObj["field"] != nil || tt.field != "") && errObj["field"] != tt.field || errObj["message"] == "" {
					t.Errorf("error %v, want code %s field %q", errObj, tt.code, tt.field)
				}
			})
		}
		var sites []any
		e.do("GET", "/sites", "").json(t, &sites)
		if len(sites) != 0 {
			t.Errorf("bad requests created %d sites", len(sites))
		}
	})
}

func TestBodyLimitsAndMediaTypes(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		huge := `{"url": "` + e.target.URL + `", "name": "` + strings.Repeat("x", 70<<10) + `"}`
		got := e.expect(e.do("POST", "/sites", huge), http.StatusRequestEntityTooLarge)
		if got["error"].(map[string]any)["code"] != "body_too_large" {
			t.Errorf("huge body: %v", got)
		}
		got = e.expect(e.do("POST", "/sites", e.siteJSON(""), "Content-Type", "text/xml"), http.StatusUnsupportedMediaType)
		if got["error"].(map[string]any)["code"] != "unsupported_media_type" {
			t.Errorf("xml: %v", got)
		}
		// curl -d sends a form type by default; the JSON body is still read.
		e.expect(e.do("POST", "/sites", e.siteJSON(""), "Content-Type", "application/x-www-form-urlencoded"), http.StatusCreated)
	})
}

func TestListSitesIsStableAndFiltersByStatus(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		a := e.createSite(e.siteJSON(""))
		e.code.Store(500)
		b := e.createSite(e.siteJSON(""))
		c := e.createSite(e.siteJSON(`, "paused": true`))
		tests := []struct {
			query string
			want  []any
		}{
			{"", []any{a["id"], b["id"], c["id"]}},
			{"?status=up", []any{a["id"]}},
			{"?status=down", []any{b["id"]}},
			{"?status=pending", []any{c["id"]}},
		}
		for _, tt := range tests {
			var sites []map[string]any
			r := e.do("GET", "/sites"+tt.query, "")
			r.json(t, &sites)
			var got []any
			for _, s := range sites {
				got = append(got, s["id"])
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("GET /sites%s = %v, want %v", tt.query, got, tt.want)
			}
		}
		bad := e.expect(e.do("GET", "/sites?status=sideways", ""), 400)
		if bad["error"].(map[string]any)["field"] != "status" {
			t.Errorf("bad filter: %v", bad)
		}
	})
}

func TestGetSiteAndUnknownIDs(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		site := e.createSite(e.siteJSON(""))
		got := e.expect(e.do("GET", idPath(site, ""), ""), 200)
		if got["id"] != site["id"] || got["name"] != "web" {
			t.Errorf("GET: %v", got)
		}
		for _, path := range []string{"/sites/9999", "/sites/9999/history", "/sites/9999/events"} {
			if r := e.expect(e.do("GET", path, ""), 404); r["error"].(map[string]any)["code"] != "not_found" {
				t.Errorf("%s: %v", path, r)
			}
		}
		e.expect(e.do("PATCH", "/sites/9999", `{"name": "x"}`), 404)
		e.expect(e.do("DELETE", "/sites/9999", ""), 404)
		e.expect(e.do("POST", "/sites/9999/check", ""), 404)
		for _, path := range []string{"/sites/abc", "/sites/0", "/sites/-1"} {
			if r := e.expect(e.do("GET", path, ""), 400); r["error"].(map[string]any)["field"] != "id" {
				t.Errorf("%s: %v", path, r)
			}
		}
	})
}

func TestPatchSite(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		site := e.createSite(e.siteJSON(`, "check_interval_seconds": 3600, "timeout_seconds": 5`))
		path := idPath(site, "")

		got := e.expect(e.do("PATCH", path, `{"name": "renamed", "expected_status_code": 204}`), 200)
		if got["name"] != "renamed" || got["expected_status_code"] != 204.0 || got["url"] != site["url"] || got["timeout_seconds"] != 5.0 {
			t.Errorf("patch: %v", got)
		}

		next := func(v map[string]any) time.Time {
			ts, _ := time.Parse(time.RFC3339Nano, v["next_check_at"].(string))
			return ts
		}
		got = e.expect(e.do("PATCH", path, `{"check_interval_seconds": 60}`), 200)
		if d := next(got).Sub(time.Now()); d > time.Minute {
			t.Errorf("a shorter interval left the next check %v away", d)
		}

		got = e.expect(e.do("PATCH", path, `{"paused": true}`), 200)
		if got["paused"] != true || got["next_check_at"] != nil {
			t.Errorf("pause: %v", got)
		}
		got = e.expect(e.do("PATCH", path, `{"paused": false}`), 200)
		if got["paused"] != false || next(got).After(time.Now()) {
			t.Errorf("resume: %v", got)
		}

		bad := e.expect(e.do("PATCH", path, `{"timeout_seconds": 61}`), 400)
		if bad["error"].(map[string]any)["field"] != "timeout_seconds" {
			t.Errorf("timeout above interval: %v", bad)
		}
		e.expect(e.do("PATCH", path, `{"url": "gopher://x"}`), 400)
		e.expect(e.do("PATCH", path, `{"id": 5}`), 400)
		if got := e.expect(e.do("GET", path, ""), 200); got["timeout_seconds"] != 5.0 || got["url"] != site["url"] {
			t.Errorf("a refused patch changed the site: %v", got)
		}
	})
}

func TestDeleteSiteTakesItsHistory(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		site := e.createSite(e.siteJSON(""))
		r := e.do("DELETE", idPath(site, ""), "")
		if r.status != http.StatusNoContent || r.raw != "" {
			t.Fatalf("DELETE: %d %q", r.status, r.raw)
		}
		e.expect(e.do("GET", idPath(site, ""), ""), 404)
		e.expect(e.do("GET", idPath(site, "/history"), ""), 404)
		e.expect(e.do("DELETE", idPath(site, ""), ""), 404)
	})
}

func TestCheckNowIsRecorded(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		site := e.createSite(e.siteJSON(""))
		e.code.Store(502)
		got := e.expect(e.do("POST", idPath(site, "/check"), ""), 200)
		check := got["check"].(map[string]any)
		if check["status"] != "down" || check["status_code"] != 502.0 || check["error"] != "expected status 200, got 502" {
			t.Errorf("check: %v", check)
		}
		if ev, _ := got["event"].(map[string]any); ev["from"] != "up" || ev["to"] != "down" {
			t.Errorf("event: %v", got["event"])
		}
		if s := got["site"].(map[string]any); s["status"] != "down" {
			t.Errorf("site after the check: %v", s)
		}
		hist := e.expect(e.do("GET", idPath(site, "/history"), ""), 200)
		checks := hist["checks"].([]any)
		if len(checks) != 2 || checks[0].(map[string]any)["status"] != "down" {
			t.Errorf("history: %v", checks)
		}
	})
}
