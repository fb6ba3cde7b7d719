package api_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
)

func TestHTTPSiteOptionsRoundTripWithSecretsMasked(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		body := fmt.Sprintf(`{"url": %q, "method": "post", "headers": {"X-Api-Key": "s3cret-key", "Accept": "application/json"},
			"body": "{}", "accepted_status_codes": [200, "300-399"], "max_redirects": 2, "ignore_tls_errors": true,
			"basic_auth": {"username": "ada", "password": "hunter22"}, "keyword": "ok", "json_schema": {"type": "object"},
			"max_response_time_ms": 5000, "retry_interval_seconds": 10, "paused": true}`, e.target.URL)
		r := e.do("POST", "/sites", body)
		site := e.expect(r, http.StatusCreated)
		if strings.Contains(r.raw, "hunter22") || strings.Contains(r.raw, "s3cret-key") {
			t.Fatalf("a secret is in the answer: %s", r.raw)
		}
		want := map[string]string{"type": "http", "method": "POST", "headers": "map[Accept:application/json X-Api-Key:****]",
			"accepted_status_codes": "[200 300-399]", "max_redirects": "2", "ignore_tls_errors": "true",
			"basic_auth": "map[password:**** username:ada]", "keyword": "ok", "json_schema": "map[type:object]",
			"max_response_time_ms": "5000", "retry_interval_seconds": "10"}
		for k, v := range want {
			if got := fmt.Sprint(site[k]); got != v {
				t.Errorf("%s = %s, want %s", k, got, v)
			}
		}
		// Sending the masked values back keeps the secrets.
		e.expect(e.do("PATCH", idPath(site, ""), `{"basic_auth": {"username": "ada", "password": "****"}, "headers": {"X-Api-Key": "****"}, "keyword": ""}`), 200)
		stored, _ := e.store.Site(context.Background(), 0, int64(site["id"].(float64)))
		if stored.HTTP.BasicAuth.Password != "hunter22" || stored.HTTP.Headers["X-Api-Key"] != "s3cret-key" || stored.HTTP.Keyword != "" {
			t.Errorf("after a PATCH with masked secrets: %+v", stored.HTTP)
		}
	})
}

func TestSiteOptionsAreValidated(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		u := fmt.Sprintf(`"url": %q`, e.target.URL)
		tests := map[string]string{
			`{"type": "ftp", "url": "x"}`:                                            "type",
			`{` + u + `, "method": "BREW"}`:                                          "method",
			`{` + u + `, "headers": {"Bad Name": "x"}}`:                              "headers",
			`{` + u + `, "accepted_status_codes": ["200-1000"]}`:                     "accepted_status_codes",
			`{` + u + `, "accepted_status_codes": ["teapot"]}`:                       "accepted_status_codes",
			`{` + u + `, "max_redirects": 99}`:                                       "max_redirects",
			`{` + u + `, "json_schema": {"type": "no-such-type"}}`:                   "json_schema",
			`{` + u + `, "json_schema": "{not json"}`:                                "json_schema",
			`{` + u + `, "keyword_absent": true}`:                                    "keyword_absent",
			`{` + u + `, "max_response_time_ms": 999999}`:                            "max_response_time_ms",
			`{` + u + `, "basic_auth": {"username": "a:b", "password": ""}}`:         "basic_auth",
			`{` + u + `, "retry_interval_seconds": 5}`:                               "retry_interval_seconds",
			`{"type": "tcp", "url": "db.example.com"}`:                               "url",
			`{"type": "tcp", "url": "db.example.com:99999"}`:                         "url",
			`{"type": "tcp", "url": "db.example.com:5432", "keyword": "x"}`:          "keyword",
			`{"type": "dns", "url": "https://example.com"}`:                          "url",
			`{"type": "dns", "url": "example.com", "expected_address": "not-an-ip"}`: "expected_address",
			`{"type": "push", "url": "https://example.com"}`:                         "url",
		}
		for body, field := range tests {
			got := e.expect(e.do("POST", "/sites", body), http.StatusBadRequest)
			if f := got["error"].(map[string]any)["field"]; f != field {
				t.Errorf("%s: field %v (%v), want %s", body, f, got["error"].(map[string]any)["message"], field)
			}
		}
	})
}

func TestTCPSitesConnect(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		go func() {
			for {
				c, err := l.Accept()
				if err != nil {
					return
				}
				c.Close()
			}
		}()
		open := e.createSite(fmt.Sprintf(`{"type": "tcp", "url": %q}`, l.Addr().String()))
		closed := e.createSite(`{"type": "tcp", "url": "127.0.0.1:1"}`)
		if open["status"] != "up" || closed["status"] != "down" || closed["last_error"] != "connection refused" {
			t.Errorf("open %v; closed %v %v", open["status"], closed["status"], closed["last_error"])
		}
	})
}

func TestPushSitesTakePings(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		site := e.createSite(`{"type": "push", "name": "nightly backup", "check_interval_seconds": 3600}`)
		pushURL, _ := site["push_url"].(string)
		if site["status"] != "pending" || !strings.HasPrefix(pushURL, "/push/") || len(pushURL) < 20 || site["grace_seconds"] != 60.0 {
			t.Fatalf("push site: %v", site)
		}
		next, _ := time.Parse(time.RFC3339Nano, site["next_check_at"].(string))
		if d := time.Until(next); d < 3600*time.Second || d > 3661*time.Second {
			t.Errorf("first deadline in %v, want interval + grace", d)
		}
		// No token needed: the URL is the credential. GET and POST both ping.
		for _, method := range []string{"POST", "GET"} {
			got := e.expect(e.do(method, pushURL, ""), 200)
			if got["ok"] != true || got["status"] != "up" {
				t.Errorf("%s ping: %v", method, got)
			}
		}
		e.expect(e.do("POST", "/push/not-a-token", ""), http.StatusNotFound)
		got := e.expect(e.do("GET", idPath(site, ""), ""), 200)
		if got["status"] != "up" || got["last_ping_at"] == nil {
			t.Errorf("after pings: %v", got)
		}
	})
}

func TestAverageAnomalyRule(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		site := e.createSite(e.siteJSON(`, "paused": true`))
		e.expect(e.do("POST", idPath(site, "/anomaly-check"), ""), http.StatusConflict)
		id := int64(site["id"].(float64))
		t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		var batch []store.CheckResult
		// Eleven checks: ten at 100 ms, then the latest at 300 ms: exactly three times slower.
		for i, ms := range []int{999, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 300} {
			batch = append(batch, store.CheckResult{SiteID: id, Result: monitor.Result{CheckedAt: t0.Add(time.Duration(i) * time.Minute),
				Status: monitor.StatusUp, StatusCode: 200, ResponseTime: time.Duration(ms) * time.Millisecond}})
		}
		if _, err := e.store.RecordChecks(context.Background(), batch); err != nil {
			t.Fatal(err)
		}
		got := e.expect(e.do("POST", idPath(site, "/anomaly-check"), ""), 200)
		if got["latency_ms"] != 300.0 || got["baseline_ms"] != 100.0 || got["ratio"] != 3.0 || got["anomalous"] != true || got["compared"] != 10.0 {
			t.Errorf("anomaly check: %v", got)
		}
		alias := e.expect(e.do("POST", "/latencyAnomalyCheck", fmt.Sprintf(`{"endpoint_id": %d}`, id)), 200)
		if alias["anomalous"] != true || alias["site_id"] != site["id"] {
			t.Errorf("alias: %v", alias)
		}
		e.expect(e.do("POST", "/latencyAnomalyCheck", `{"endpoint_id": 9999}`), http.StatusNotFound)
	})
}
