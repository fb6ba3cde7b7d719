package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/tocsin/tocsin/internal/store/storetest"
)

func TestHealthAndReadiness(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		e.expect(e.do("GET", "/healthz", ""), 200)
		if got := e.expect(e.do("GET", "/readyz", ""), 200); got["database"] != "ok" {
			t.Errorf("readyz: %v", got)
		}
	})
}

func TestReadinessFailsWithoutTheDatabase(t *testing.T) {
	st := storetest.OpenSQLite(t)
	e := newEnv(t, st, nil)
	st.Close()
	got := e.expect(e.do("GET", "/readyz", ""), http.StatusServiceUnavailable)
	if got["error"].(map[string]any)["code"] != "database_unavailable" {
		t.Errorf("readyz: %v", got)
	}
	e.expect(e.do("GET", "/healthz", ""), 200)
}

func TestUnknownRoutesAndMethodsAnswerJSON(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		got := e.expect(e.do("GET", "/nowhere", ""), http.StatusNotFound)
		if got["error"].(map[string]any)["code"] != "not_found" {
			t.Errorf("404: %v", got)
		}
		for _, tt := range []struct{ method, path, allow string }{
			{"PUT", "/sites", "GET, HEAD, POST"},
			{"POST", "/sites/1", "DELETE, GET, HEAD, PATCH"},
			{"GET", "/sites/1/check", "POST"},
			{"DELETE", "/healthz", "GET, HEAD"},
		} {
			r := e.do(tt.method, tt.path, "")
			got := e.expect(r, http.StatusMethodNotAllowed)
			if got["error"].(map[string]any)["code"] != "method_not_allowed" || r.header.Get("Allow") != tt.allow {
				t.Errorf("%s %s: %v, Allow %q", tt.method, tt.path, got, r.header.Get("Allow"))
			}
		}
		root := e.expect(e.do("GET", "/", ""), 200)
		if root["name"] != "tocsin" {
			t.Errorf("root: %v", root)
		}
		if r := e.do("GET", "/sites", ""); r.header.Get("X-Content-Type-Options") != "nosniff" || strings.Contains(r.raw, "goroutine") {
			t.Errorf("headers: %v", r.header)
		}
	})
}
