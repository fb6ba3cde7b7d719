package probe

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/netguard"
)

// seenRequest is what a test server saw of a check's request.
type seenRequest struct {
	method, host, body string
	header             http.Header
	user, password     string
	basicAuth          bool
}

func TestHTTPSendsTheConfiguredRequest(t *testing.T) {
	tests := []struct {
		name  string
		opts  monitor.HTTPOptions
		check func(t *testing.T, seen seenRequest)
	}{
		{"GET by default", monitor.HTTPOptions{}, func(t *testing.T, seen seenRequest) {
			if seen.method != http.MethodGet || seen.body != "" {
				t.Errorf("method %s, body %q; want GET without a body", seen.method, seen.body)
			}
		}},
		{"method and body", monitor.HTTPOptions{Method: http.MethodPost, Body: `{"ping":true}`,
			Headers: map[string]string{"Content-Type": "application/json"}}, func(t *testing.T, seen seenRequest) {
			if seen.method != http.MethodPost || seen.body != `{"ping":true}` || seen.header.Get("Content-Type") != "application/json" {
				t.Errorf("method %s, body %q, content type %q", seen.method, seen.body, seen.header.Get("Content-Type"))
			}
		}},
		{"headers as given", monitor.HTTPOptions{Headers: map[string]string{"X-Tocsin-Test": "yes", "accept": "text/plain"}},
			func(t *testing.T, seen seenRequest) {
				if seen.header.Get("X-Tocsin-Test") != "yes" || seen.header.Get("Accept") != "text/plain" {
					t.Errorf("headers %v", seen.header)
				}
			}},
		{"a Host header sets the host", monitor.HTTPOptions{Headers: map[string]string{"Host": "status.example.test"}},
			func(t *testing.T, seen seenRequest) {
				if seen.host != "status.example.test" {
					t.Errorf("host %q", seen.host)
				}
			}},
		{"a User-Agent header replaces Tocsin's", monitor.HTTPOptions{Headers: map[string]string{"User-Agent": "curl/8"}},
			func(t *testing.T, seen seenRequest) {
				if ua := seen.header.Get("User-Agent"); ua != "curl/8" {
					t.Errorf("User-Agent %q", ua)
				}
			}},
		{"basic auth", monitor.HTTPOptions{BasicAuth: &monitor.BasicAuth{Username: "ada", Password: "s3cret:x"}},
			func(t *testing.T, seen seenRequest) {
				if !seen.basicAuth || seen.user != "ada" || seen.password != "s3cret:x" {
					t.Errorf("basic auth %v %q %q", seen.basicAuth, seen.user, seen.password)
				}
			}},
		{"bearer token", monitor.HTTPOptions{BearerToken: "tok-123"}, func(t *testing.T, seen seenRequest) {
			if a := seen.header.Get("Authorization"); a != "Bearer tok-123" {
				t.Errorf("Authorization %q", a)
			}
		}},
		{"bearer token wins over an Authorization header", monitor.HTTPOptions{BearerToken: "tok-123",
			Headers: map[string]string{"Authorization": "Basic Zm9vOmJhcg=="}}, func(t *testing.T, seen seenRequest) {
			if a := seen.header.Get("Authorization"); a != "Bearer tok-123" {
				t.Errorf("Authorization %q", a)
			}
		}},
	}
	checker := NewHTTPChecker("Tocsin/test", netguard.Policy{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := make(chan seenRequest, 1)
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				body, _ := io.ReadAll(r.Body)
				user, password, ok := r.BasicAuth()
				got <- seenRequest{method: r.Method, host: r.Host, body: string(body), header: r.Header,
					user: user, password: password, basicAuth: ok}
			}))
			t.Cleanup(srv.Close)
			r := checker.Check(context.Background(), monitor.Target{URL: srv.URL, Timeout: 5 * time.Second, ExpectedStatusCode: 200, HTTP: tt.opts})
			if r.Status != monitor.StatusUp {
				t.Fatalf("status %s: %s", r.Status, r.Error)
			}
			tt.check(t, <-got)
		})
	}
}
