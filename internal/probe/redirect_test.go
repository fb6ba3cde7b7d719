package probe

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/netguard"
)

func TestHTTPRedirects(t *testing.T) {
	mux := http.NewServeMux()
	// /hops/n redirects to /hops/n-1, and /hops/0 answers: n redirects in all.
	mux.HandleFunc("/hops/{n}", func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(r.PathValue("n"))
		if n > 0 {
			http.Redirect(w, r, "/hops/"+strconv.Itoa(n-1), http.StatusFound)
		}
	})
	mux.HandleFunc("/loop/a", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/loop/b", http.StatusFound) })
	mux.HandleFunc("/loop/b", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/loop/a", http.StatusMovedPermanently)
	})
	mux.HandleFunc("/into-loop", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/loop/a", http.StatusFound) })
	mux.HandleFunc("/self", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/self", http.StatusFound) })
	// /post-again answers a POST with a 307, which asks for the same request, body included.
	mux.HandleFunc("/post-again", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/posted", http.StatusTemporaryRedirect)
	})
	mux.HandleFunc("/posted", func(w http.ResponseWriter, r *http.Request) {
		if body, _ := io.ReadAll(r.Body); r.Method != http.MethodPost || string(body) != "x" {
			w.WriteHeader(http.StatusBadRequest)
		}
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)

	limit := func(n int) *int { return &n }
	tests := []struct {
		name   string
		path   string
		opts   monitor.HTTPOptions
		status monitor.Status
		code   int
		error  string
	}{
		{"followed", "/hops/3", monitor.HTTPOptions{}, monitor.StatusUp, 200, ""},
		{"the default limit, reached", "/hops/10", monitor.HTTPOptions{}, monitor.StatusUp, 200, ""},
		{"the default limit, passed", "/hops/11", monitor.HTTPOptions{}, monitor.StatusDown, 302, "stopped after 10 redirects"},
		{"a limit, reached", "/hops/3", monitor.HTTPOptions{MaxRedirects: limit(3)}, monitor.StatusUp, 200, ""},
		{"a limit, passed", "/hops/3", monitor.HTTPOptions{MaxRedirects: limit(2)}, monitor.StatusDown, 302, "stopped after 2 redirects"},
		{"a limit of one, passed", "/hops/2", monitor.HTTPOptions{MaxRedirects: limit(1)}, monitor.StatusDown, 302, "stopped after 1 redirect"},
		{"not followed", "/hops/1", monitor.HTTPOptions{MaxRedirects: limit(0)}, monitor.StatusDown, 302, "expected status 200, got 302"},
		{"a loop", "/loop/a", monitor.HTTPOptions{}, monitor.StatusDown, 301,
			"redirect loop: " + srv.URL + "/loop/a → " + srv.URL + "/loop/b → " + srv.URL + "/loop/a"},
		{"a loop entered later", "/into-loop", monitor.HTTPOptions{}, monitor.StatusDown, 301,
			"redirect loop: " + srv.URL + "/loop/a → " + srv.URL + "/loop/b → " + srv.URL + "/loop/a"},
		{"a page redirecting to itself", "/self", monitor.HTTPOptions{}, monitor.StatusDown, 302,
			"redirect loop: " + srv.URL + "/self → " + srv.URL + "/self"},
		{"307 sends the body again", "/post-again", monitor.HTTPOptions{Method: http.MethodPost, Body: "x"}, monitor.StatusUp, 200, ""},
	}
	checker := NewHTTPChecker("Tocsin/test", netguard.Policy{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel() // also shows that each check's limit stays its own
			r := checker.Check(context.Background(), monitor.Target{URL: srv.URL + tt.path, Timeout: 5 * time.Second,
				ExpectedStatusCode: 200, HTTP: tt.opts})
			if r.Status != tt.status || r.StatusCode != tt.code || r.Error != tt.error {
				t.Errorf("got %s/%d (%q), want %s/%d (%q)", r.Status, r.StatusCode, r.Error, tt.status, tt.code, tt.error)
			}
		})
	}
}
