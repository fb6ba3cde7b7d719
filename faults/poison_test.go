package faults

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// The poison result, from outside: on PostgreSQL, which refuses NUL in text, a site whose
// target answers {"a\u0000b": 1} against a schema that refuses it (so the reason names the
// key, NUL and all) sits beside 30 normal sites. Every other site's results keep flowing, the bad site is down with a readable reason,
// and Tocsin stays ready.
func TestPoisonResultBeside30Sites(t *testing.T) {
	t.Parallel()
	server, dbName := ownDatabase(t)
	dbURL := *server
	dbURL.Path = "/" + dbName
	app := startTocsin(t, "DATABASE_URL="+dbURL.String())
	poison := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"a\u0000b": 1}`))
	}))
	t.Cleanup(poison.Close)
	normal := newFlakyTarget(t)
	var bad struct {
		ID int64 `json:"id"`
	}
	if got := app.call(t, "POST", "/sites", map[string]any{"url": poison.URL, "name": "poison", "check_interval_seconds": 1,
		"timeout_seconds": 1, "json_schema": map[string]any{"additionalProperties": map[string]any{"type": "string"}}}, &bad); got != 201 {
		t.Fatalf("POST /sites poison: %d", got)
	}
	var ids []int64
	for i := range 30 {
		var site struct {
			ID int64 `json:"id"`
		}
		if got := app.call(t, "POST", "/sites", map[string]any{"url": fmt.Sprintf("%s/n%d", normal.URL, i), "name": fmt.Sprintf("n%d", i),
			"check_interval_seconds": 1, "timeout_seconds": 1}, &site); got != 201 {
			t.Fatalf("POST /sites: %d", got)
		}
		ids = append(ids, site.ID)
	}
	time.Sleep(6 * time.Second)
	for i, id := range ids {
		var history struct {
			Checks []map[string]any `json:"checks"`
		}
		app.call(t, "GET", fmt.Sprintf("/sites/%d/history?limit=100", id), nil, &history)
		if len(history.Checks) < 3 {
			t.Errorf("n%d: %d checks in 6 s beside the poison, want them flowing", i, len(history.Checks))
		}
	}
	var site struct {
		Status    string  `json:"status"`
		LastError *string `json:"last_error"`
	}
	app.call(t, "GET", fmt.Sprintf("/sites/%d", bad.ID), nil, &site)
	if site.Status != "down" || site.LastError == nil || *site.LastError == "" || strings.ContainsRune(*site.LastError, 0) {
		t.Errorf("the poison site: %s (%v), want down with a readable reason", site.Status, site.LastError)
	} else {
		t.Logf("the poison site is down: %s", *site.LastError)
	}
	if resp, err := http.Get(app.url + "/readyz"); err != nil || resp.StatusCode != http.StatusOK {
		t.Errorf("/readyz beside the poison: %v %v", resp, err)
	}
}
