package probe

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/netguard"
)

const itemsSchema = `{
	"type": "object",
	"required": ["data"],
	"properties": {
		"data": {"type": "array", "items": {"type": "object", "required": ["id"], "properties": {"id": {"type": "integer"}}}}
	}
}`

func TestHTTPJudgesTheBody(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/text", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("all systems operational")) })
	mux.HandleFunc("/json/good", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(`{"data":[{"id":1},{"id":2}]}`)) })
	mux.HandleFunc("/json/bad", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(`{"data":[{"id":"one"},{"id":2}]}`)) })
	mux.HandleFunc("/json/very-bad", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"data":[{"id":1},{"id":"two"},{},{"id":false}],"extra":{"id":"x"}}`))
	})
	mux.HandleFunc("/json/array", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(`[1,2]`)) })
	mux.HandleFunc("/unavailable", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(503)
		w.Write([]byte("all systems operational"))
	})
	mux.HandleFunc("/sleep/{ms}", func(w http.ResponseWriter, r *http.Request) {
		ms, _ := strconv.Atoi(r.PathValue("ms"))
		time.Sleep(time.Duration(ms) * time.Millisecond)
		w.Write([]byte("all systems operational"))
	})
	// Longer than the connection's read buffer (client.go): a header line and a body read on past it.
	mux.HandleFunc("/long", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Long", strings.Repeat("h", 20<<10))
		w.Write([]byte(strings.Repeat("padding ", 40<<10) + "all systems operational"))
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)

	tests := []struct {
		name     string
		path     string
		opts     monitor.HTTPOptions
		status   monitor.Status
		error    string // exact, or a prefix when isPrefix
		isPrefix bool
	}{
		{"keyword present", "/text", monitor.HTTPOptions{Keyword: "operational"}, monitor.StatusUp, "", false},
		{"keyword missing", "/text", monitor.HTTPOptions{Keyword: "degraded"}, monitor.StatusDown, `keyword "degraded" not found in the body`, false},
		{"keyword is case-sensitive", "/text", monitor.HTTPOptions{Keyword: "Operational"}, monitor.StatusDown,
			`keyword "Operational" not found in the body`, false},
		{"absent keyword absent", "/text", monitor.HTTPOptions{Keyword: "degraded", KeywordAbsent: true}, monitor.StatusUp, "", false},
		{"absent keyword present", "/text", monitor.HTTPOptions{Keyword: "operational", KeywordAbsent: true}, monitor.StatusDown,
			`keyword "operational" found in the body`, false},
		{"schema matched", "/json/good", monitor.HTTPOptions{JSONSchema: itemsSchema}, monitor.StatusUp, "", false},
		{"schema violated", "/json/bad", monitor.HTTPOptions{JSONSchema: itemsSchema}, monitor.StatusDown, "/data/0/id: expected integer, got string", false},
		{"the first of several violations", "/json/very-bad", monitor.HTTPOptions{JSONSchema: itemsSchema}, monitor.StatusDown,
			"/data/1/id: expected integer, got string", false},
		{"schema violated at the root", "/json/array", monitor.HTTPOptions{JSONSchema: itemsSchema}, monitor.StatusDown,
			"(root): expected object, got array", false},
		{"body not JSON", "/text", monitor.HTTPOptions{JSONSchema: itemsSchema}, monitor.StatusDown, "body is not JSON: ", true},
		{"schema not valid", "/json/good", monitor.HTTPOptions{JSONSchema: `{"type": 12}`}, monitor.StatusDown, "the JSON Schema is invalid: ", true},
		{"keyword at the end of a long body after a long header", "/long", monitor.HTTPOptions{Keyword: "operational"}, monitor.StatusUp, "", false},
		{"keyword and schema", "/json/good", monitor.HTTPOptions{Keyword: `"id":2`, JSONSchema: itemsSchema}, monitor.StatusUp, "", false},
		{"status before the body", "/unavailable", monitor.HTTPOptions{Keyword: "degraded", JSONSchema: itemsSchema}, monitor.StatusDown,
			"expected status 200, got 503", false},
		{"keyword before the schema", "/json/bad", monitor.HTTPOptions{Keyword: "degraded", JSONSchema: itemsSchema}, monitor.StatusDown,
			`keyword "degraded" not found in the body`, false},
		{"slow", "/sleep/300", monitor.HTTPOptions{MaxResponseTimeMS: 100}, monitor.StatusDown, "slow: ", true},
		{"within the limit", "/sleep/0", monitor.HTTPOptions{MaxResponseTimeMS: 60_000}, monitor.StatusUp, "", false},
		{"the body before slowness", "/sleep/300", monitor.HTTPOptions{MaxResponseTimeMS: 100, Keyword: "degraded"}, monitor.StatusDown,
			`keyword "degraded" not found in the body`, false},
	}
	checker := NewHTTPChecker("Tocsin/test", netguard.Policy{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := checker.Check(context.Background(), monitor.Target{URL: srv.URL + tt.path, Timeout: 5 * time.Second,
				ExpectedStatusCode: 200, HTTP: tt.opts})
			matches := r.Error == tt.error || tt.isPrefix && strings.HasPrefix(r.Error, tt.error)
			if r.Status != tt.status || !matches {
				t.Errorf("got %s (%q), want %s (%q)", r.Status, r.Error, tt.status, tt.error)
			}
		})
	}
}

// The slowness verdict names the time taken and the limit.
func TestHTTPSlowSaysByHowMuch(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { time.Sleep(300 * time.Millisecond) }))
	t.Cleanup(srv.Close)
	r := NewHTTPChecker("Tocsin/test", netguard.Policy{}).Check(context.Background(), monitor.Target{URL: srv.URL, Timeout: 5 * time.Second,
		ExpectedStatusCode: 200, HTTP: monitor.HTTPOptions{MaxResponseTimeMS: 100}})
	if want := "slow: " + strconv.FormatInt(r.ResponseTimeMS(), 10) + " ms > 100 ms"; r.Status != monitor.StatusDown || r.Error != want {
		t.Errorf("got %s (%q), want down (%q)", r.Status, r.Error, want)
	}
}

func TestKeywordError(t *testing.T) {
	tests := []struct {
		body    string
		keyword string
		absent  bool
		want    string
	}{
		{"hello world", "", false, ""},
		{"hello world", "world", false, ""},
		{"hello world", "moon", false, `keyword "moon" not found in the body`},
		{"hello world", "moon", true, ""},
		{"hello world", "world", true, `keyword "world" found in the body`},
		{"", "x", false, `keyword "x" not found in the body`},
		{"say \"hi\"", `"hi"`, true, `keyword "\"hi\"" found in the body`},
	}
	for _, tt := range tests {
		got := keywordError([]byte(tt.body), monitor.HTTPOptions{Keyword: tt.keyword, KeywordAbsent: tt.absent})
		if got != tt.want {
			t.Errorf("keywordError(%q, %q, absent %v) = %q, want %q", tt.body, tt.keyword, tt.absent, got, tt.want)
		}
	}
}
