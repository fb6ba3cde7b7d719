package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tocsin/tocsin/internal/config"
	"github.com/tocsin/tocsin/internal/store/storetest"
)

// service is a running Tocsin, wired as main wires it, on a free loopback port.
type service struct {
	url  string
	stop func()
}

func startService(t *testing.T, databaseURL string) service {
	t.Helper()
	cfg, err := config.Load([]string{"--min-interval-seconds", "1", "--shutdown-timeout", "5s", "--auth", "off"}, map[string]string{"DATABASE_URL": databaseURL})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- runService(ctx, cfg, ln, slog.New(slog.NewTextHandler(io.Discard, nil))) }()
	stopped := false
	stop := func() {
		if !stopped {
			stopped = true
			cancel()
			if err := <-done; err != nil {
				t.Errorf("service stopped with %v", err)
			}
		}
	}
	t.Cleanup(stop)
	return service{url: "http://" + ln.Addr().String(), stop: stop}
}

func call(t testing.TB, method, url, body string, out any) int {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if out != nil {
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			t.Fatalf("%s %s: %v", method, url, err)
		}
	}
	return resp.StatusCode
}

func TestServiceChecksInTheBackgroundAndSurvivesRestart(t *testing.T) {
	for name, dbURL := range databaseURLs() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var hits atomic.Int32
			target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
			defer target.Close()
			db := dbURL(t)

			svc := startService(t, db)
			var site struct {
				ID     int64  `json:"id"`
				Status string `json:"status"`
			}
			body := fmt.Sprintf(`{"url": %q, "check_interval_seconds": 1, "timeout_seconds": 1}`, target.URL)
			if code := call(t, "POST", svc.url+"/sites", body, &site); code != 201 || site.Status != "up" {
				t.Fatalf("create: %d %+v", code, site)
			}
			history := func(url string) int {
				var page struct{ Checks []any }
				call(t, "GET", fmt.Sprintf("%s/sites/%d/history", url, site.ID), "", &page)
				return len(page.Checks)
			}
			waitUntil(t, "background checks", func() bool { return history(svc.url) >= 3 })
			svc.stop()

			svc2 := startService(t, db)
			recorded := history(svc2.url)
			if got := call(t, "GET", fmt.Sprintf("%s/sites/%d", svc2.url, site.ID), "", &site); got != 200 || site.Status != "up" {
				t.Fatalf("after restart: %d %+v", got, site)
			}
			waitUntil(t, "checks to resume after restart", func() bool { return history(svc2.url) >= recorded+2 })
		})
	}
}

// databaseURLs gives a test a DATABASE_URL of each kind: a new SQLite file, a new PostgreSQL schema.
func databaseURLs() map[string]func(t *testing.T) string {
	return map[string]func(t *testing.T) string{
		"sqlite":   func(t *testing.T) string { return "sqlite:" + filepath.Join(t.TempDir(), "tocsin.db") },
		"postgres": func(t *testing.T) string { return storetest.PostgresURL(t) },
	}
}

func waitUntil(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
