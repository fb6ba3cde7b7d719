package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tocsin/tocsin/internal/store"
	"github.com/tocsin/tocsin/internal/store/storetest"
)

// batchJSON is a batch body of the given sites, each a JSON object.
func batchJSON(sites ...string) string { return `{"sites": [` + strings.Join(sites, ", ") + `]}` }

func TestBatchCreatesEverySiteWithoutCheckingThemFirst(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		hook := e.setWebhook("1")
		sites := make([]string, 50)
		for i := range sites {
			sites[i] = fmt.Sprintf(`{"url": "%s/s%d", "name": "site %d", "check_interval_seconds": 100}`, e.target.URL, i, i)
		}
		sites[7] = fmt.Sprintf(`{"type": "push", "name": "backup", "webhook_ids": [%s]}`, jsonNumber(hook["id"]))
		before := time.Now().Add(-time.Second)
		var got struct {
			Sites []struct {
				ID          int64     `json:"id"`
				Name        string    `json:"name"`
				Status      string    `json:"status"`
				WebhookIDs  []int64   `json:"webhook_ids"`
				PushURL     string    `json:"push_url"`
				NextCheckAt time.Time `json:"next_check_at"`
			} `json:"sites"`
		}
		e.expect(e.do("POST", "/sites/batch", batchJSON(sites...)), http.StatusCreated)
		listed := e.do("GET", "/sites", "")
		if err := json.Unmarshal([]byte(`{"sites": `+listed.raw+`}`), &got); err != nil || len(got.Sites) != 50 {
			t.Fatalf("after the batch, %d sites listed (%v)", len(got.Sites), err)
		}
		for i, s := range got.Sites {
			if s.Status != "pending" {
				t.Errorf("site %d is %s: a batch's sites are not checked before the answer", i, s.Status)
			}
			if i == 7 {
				if s.PushURL == "" || fmt.Sprint(s.WebhookIDs) != fmt.Sprintf("[%s]", jsonNumber(hook["id"])) {
					t.Errorf("the push site: %+v", s)
				}
				continue
			}
			// The i-th of 50 sites with a 100 s interval is first due i * 2 s after the first.
			if offset, want := s.NextCheckAt.Sub(got.Sites[0].NextCheckAt), time.Duration(i)*2*time.Second; offset != want {
				t.Errorf("site %d first due %v after the first, want %v", i, offset, want)
			}
		}
		if got.Sites[0].NextCheckAt.Before(before) {
			t.Errorf("the first site is due at %v, before the batch was sent", got.Sites[0].NextCheckAt)
		}
		if h, _ := e.store.History(context.Background(), 0, got.Sites[0].ID, store.HistoryQuery{Limit: 1}); len(h) != 0 {
			t.Errorf("the batch checked a site before answering: %v", h)
		}
	})
}

func TestBatchIsAllOrNothingAndNamesTheSiteAndField(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		good := fmt.Sprintf(`{"url": %q}`, e.target.URL)
		tests := []struct {
			name, body      string
			status          int
			field, contains string
		}{
			{"a bad URL", batchJSON(good, good, `{"url": "ftp://x"}`), 400, "sites[2].url", "sites[2].url"},
			{"an unknown field", batchJSON(good, `{"url": "http://x", "colour": "red"}`), 400, "sites[1].colour", "sites[1].colour is not a field"},
			{"a wrong type", batchJSON(`{"url": "http://x", "check_interval_seconds": "often"}`), 400, "sites[0].check_interval_seconds", "whole number"},
			{"a null", batchJSON(good, `{"url": "http://x", "name": null}`), 400, "sites[1].name", "must not be null"},
			{"a key twice", batchJSON(`{"url": "http://x", "url": "http://y"}`), 400, "sites[0].url", "given twice"},
			{"a bound that depends on another", batchJSON(`{"url": "http://x", "check_interval_seconds": 20, "timeout_seconds": 30}`), 400, "sites[0].timeout_seconds", "check_interval_seconds"},
			{"an unknown webhook", batchJSON(good, `{"url": "http://x", "webhook_ids": [999]}`), 400, "sites[1].webhook_ids", "no channel 999"},
			{"a bad schema", batchJSON(`{"url": "http://x", "json_schema": {"type": 5}}`), 400, "sites[0].json_schema", "JSON Schema"},
			{"a metadata address", batchJSON(`{"url": "http://169.254.169.254/"}`), 400, "sites[0].url", "not allowed"},
			{"no sites", `{"sites": []}`, 400, "sites", "1 to 10000"},
			{"an unknown top-level key", `{"sites": [` + good + `], "more": 1}`, 400, "more", "not a field"},
			{"sites twice", `{"sites": [` + good + `], "sites": [` + good + `]}`, 400, "sites", "twice"},
			{"not JSON", `{"sites": [`, 400, "", "JSON"},
		}
		for _, tt := range tests {
			r := e.do("POST", "/sites/batch", tt.body)
			body := e.expect(r, tt.status)
			detail, _ := body["error"].(map[string]any)
			if detail["field"] != nil && detail["field"] != tt.field || tt.field != "" && detail["field"] != tt.field ||
				!strings.Contains(fmt.Sprint(detail["message"]), tt.contains) {
				t.Errorf("%s: %s", tt.name, r.raw)
			}
		}
		if sites, _ := e.store.ListSites(context.Background(), 0, store.SiteFilter{}); len(sites) != 0 {
			t.Errorf("refused batches left %d sites", len(sites))
		}
	})
}

func TestBatchDryRunChecksAndChangesNothing(t *testing.T) {
	forEachStore(t, func(t *testing.T, e *env) {
		r := e.do("POST", "/sites/batch?dry_run=true", batchJSON(fmt.Sprintf(`{"url": %q, "check_interval_seconds": 30}`, e.target.URL)))
		var got struct {
			Sites []map[string]any `json:"sites"`
		}
		e.expect(r, http.StatusOK)
		r.json(t, &got)
		if len(got.Sites) != 1 || got.Sites[0]["id"] != float64(0) || got.Sites[0]["timeout_seconds"] != float64(10) ||
			got.Sites[0]["name"] != strings.TrimPrefix(e.target.URL, "http://") {
			t.Errorf("dry run answered %s, want the site with its defaults and no id", r.raw)
		}
		if sites, _ := e.store.ListSites(context.Background(), 0, store.SiteFilter{}); len(sites) != 0 {
			t.Errorf("a dry run made %d sites", len(sites))
		}
		if r := e.do("POST", "/sites/batch?dry_run=maybe", batchJSON(`{"url": "http://x"}`)); r.status != 400 || !strings.Contains(r.raw, "dry_run") {
			t.Errorf("dry_run=maybe: %d %s", r.status, r.raw)
		}
	})
}

func TestBatchLimits(t *testing.T) {
	e := newEnv(t, storetest.OpenSQLite(t), nil)
	site := `{"url": "http://example.com/"}`
	many := strings.TrimSuffix(strings.Repeat(site+",", 10001), ",")
	if r := e.do("POST", "/sites/batch?dry_run=true", `{"sites": [`+many+`]}`); r.status != 400 || !strings.Contains(r.raw, "not 10001") {
		t.Errorf("10,001 sites: %d %.200s", r.status, r.raw)
	}
	huge := `{"sites": [{"url": "http://example.com/", "body": "` + strings.Repeat("x", 17<<20) + `"}]}`
	if r := e.do("POST", "/sites/batch", huge); r.status != http.StatusRequestEntityTooLarge || !strings.Contains(r.raw, "16384 KiB") {
		t.Errorf("a 17 MiB body: %d %.200s", r.status, r.raw)
	}
	if r := e.do("GET", "/sites/batch", ""); r.status != http.StatusMethodNotAllowed || r.header.Get("Allow") != "POST" {
		t.Errorf("GET /sites/batch: %d Allow %q %s", r.status, r.header.Get("Allow"), r.raw)
	}
}

func TestNewRoutesAreDocumented(t *testing.T) {
	e, _ := newAuthEnv(t, storetest.OpenSQLite(t), false)
	doc, _ := loadDoc(t, e)
	tests := []struct {
		path, method string
		statuses     []string
		params       []string
	}{
		{"/sites/batch", "post", []string{"200", "201", "400", "413"}, []string{"dry_run"}},
		{"/webhooks/{id}", "patch", []string{"200", "400", "404", "409"}, []string{"id"}},
		{"/webhooks", "post", []string{"200", "201"}, []string{"dry_run"}},
		{"/webhooks", "get", []string{"200"}, []string{"include_secrets"}},
		{"/sites", "get", []string{"200"}, []string{"status", "include_secrets"}},
	}
	for _, tt := range tests {
		raw, ok := doc.Paths[tt.path][tt.method]
		if !ok {
			t.Errorf("%s %s is not in the document", tt.method, tt.path)
			continue
		}
		var op openAPIOp
		if err := json.Unmarshal(raw, &op); err != nil {
			t.Fatal(err)
		}
		for _, s := range tt.statuses {
			if _, ok := op.Responses[s]; !ok {
				t.Errorf("%s %s: no %s response", tt.method, tt.path, s)
			}
		}
		for _, p := range tt.params {
			found := false
			for _, have := range op.Parameters {
				found = found || have.Name == p
			}
			if !found {
				t.Errorf("%s %s: parameter %s is not documented", tt.method, tt.path, p)
			}
		}
	}
}
