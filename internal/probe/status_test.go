package probe

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/netguard"
)

func TestHTTPStatusRules(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/status/{code}", func(w http.ResponseWriter, r *http.Request) {
		code, _ := strconv.Atoi(r.PathValue("code"))
		w.WriteHeader(code)
	})
	mux.HandleFunc("/moved", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/status/200", http.StatusFound) })
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)

	ok2xx := monitor.StatusRange{From: 200, To: 299}
	notModified := monitor.StatusRange{From: 304, To: 304}
	none := 0
	tests := []struct {
		name     string
		path     string
		expected int
		opts     monitor.HTTPOptions
		status   monitor.Status
		code     int
		error    string
	}{
		{"exact", "/status/200", 200, monitor.HTTPOptions{}, monitor.StatusUp, 200, ""},
		{"exact, other code", "/status/503", 200, monitor.HTTPOptions{}, monitor.StatusDown, 503, "expected status 200, got 503"},
		{"range", "/status/204", 200, monitor.HTTPOptions{AcceptedStatusCodes: []monitor.StatusRange{ok2xx}}, monitor.StatusUp, 204, ""},
		{"range replaces the expected code", "/status/200", 201, monitor.HTTPOptions{AcceptedStatusCodes: []monitor.StatusRange{ok2xx}},
			monitor.StatusUp, 200, ""},
		{"outside the range", "/status/503", 200, monitor.HTTPOptions{AcceptedStatusCodes: []monitor.StatusRange{ok2xx}},
			monitor.StatusDown, 503, "expected status 200-299, got 503"},
		{"list: the code", "/status/304", 200, monitor.HTTPOptions{AcceptedStatusCodes: []monitor.StatusRange{ok2xx, notModified}},
			monitor.StatusUp, 304, ""},
		{"list: the range", "/status/299", 200, monitor.HTTPOptions{AcceptedStatusCodes: []monitor.StatusRange{ok2xx, notModified}},
			monitor.StatusUp, 299, ""},
		{"list: neither", "/status/503", 200, monitor.HTTPOptions{AcceptedStatusCodes: []monitor.StatusRange{ok2xx, notModified}},
			monitor.StatusDown, 503, "expected status 200-299 or 304, got 503"},
		{"redirect followed by default", "/moved", 200, monitor.HTTPOptions{}, monitor.StatusUp, 200, ""},
		{"3xx judged when not following", "/moved", 302, monitor.HTTPOptions{MaxRedirects: &none}, monitor.StatusUp, 302, ""},
		{"3xx in a range when not following", "/moved", 200,
			monitor.HTTPOptions{MaxRedirects: &none, AcceptedStatusCodes: []monitor.StatusRange{{From: 300, To: 399}}}, monitor.StatusUp, 302, ""},
		{"3xx is not 200", "/moved", 200, monitor.HTTPOptions{MaxRedirects: &none}, monitor.StatusDown, 302, "expected status 200, got 302"},
	}
	checker := NewHTTPChecker("Tocsin/test", netguard.Policy{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := checker.Check(context.Background(), monitor.Target{URL: srv.URL + tt.path, Timeout: 5 * time.Second,
				ExpectedStatusCode: tt.expected, HTTP: tt.opts})
			if r.Status != tt.status || r.StatusCode != tt.code || r.Error != tt.error {
				t.Errorf("got %s/%d (%q), want %s/%d (%q)", r.Status, r.StatusCode, r.Error, tt.status, tt.code, tt.error)
			}
		})
	}
}

func TestDescribeRanges(t *testing.T) {
	tests := []struct {
		ranges []monitor.StatusRange
		want   string
	}{
		{[]monitor.StatusRange{{From: 200, To: 200}}, "200"},
		{[]monitor.StatusRange{{From: 200, To: 299}}, "200-299"},
		{[]monitor.StatusRange{{From: 200, To: 299}, {From: 304, To: 304}}, "200-299 or 304"},
		{[]monitor.StatusRange{{From: 200, To: 299}, {From: 304, To: 304}, {From: 401, To: 403}}, "200-299, 304 or 401-403"},
	}
	for _, tt := range tests {
		if got := describeRanges(tt.ranges); got != tt.want {
			t.Errorf("describeRanges(%v) = %q, want %q", tt.ranges, got, tt.want)
		}
	}
}
