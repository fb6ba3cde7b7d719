package web

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
)

// post sends a form as a browser does.
func (f *fixture) post(path string, form url.Values) answer {
	f.t.Helper()
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "text/html")
	rec := httptest.NewRecorder()
	f.handler.ServeHTTP(rec, req)
	return answer{status: rec.Code, header: rec.Header(), body: rec.Body.String()}
}

// fieldError is the error the form shows beside a field, or "".
func fieldError(body, field string) string {
	m := regexp.MustCompile(`<p class="field-error" id="` + regexp.QuoteMeta(field) + `-error">.*?</span>([^<]*)</p>`).FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return m[1]
}

func TestAddingASiteThroughTheFormChecksItAndShowsIt(t *testing.T) {
	forEachStore(t, func(t *testing.T, f *fixture) {
		got := f.post("/app/sites", url.Values{"type": {"http"}, "url": {"https://shop.example/health"}, "name": {""},
			"check_interval_seconds": {""}, "keyword": {"ok"}, "accepted_status_codes": {"200, 300-399"}})
		if got.status != http.StatusSeeOther || !strings.HasPrefix(got.header.Get("Location"), "/app/sites/") {
			t.Fatalf("add: %d %s\n%.500s", got.status, got.header.Get("Location"), got.body)
		}
		sites, err := f.store.ListSites(context.Background(), 0, store.SiteFilter{})
		if err != nil || len(sites) != 1 {
			t.Fatalf("sites: %v %v", sites, err)
		}
		s := sites[0]
		// Blank fields took the API's defaults; the rest were read as the API reads them.
		if s.Name != "shop.example" || s.CheckIntervalSeconds != monitor.DefaultIntervalSeconds || s.HTTP.Keyword != "ok" ||
			len(s.HTTP.AcceptedStatusCodes) != 2 || s.HTTP.AcceptedStatusCodes[1] != (monitor.StatusRange{From: 300, To: 399}) {
			t.Errorf("stored %+v", s)
		}
		if f.checker.checks != 1 || s.Status != monitor.StatusUp {
			t.Errorf("a new site is checked once: %d checks, status %s", f.checker.checks, s.Status)
		}
		page := f.get(got.header.Get("Location"))
		if !strings.Contains(page.body, "Site added") || !strings.Contains(page.body, "shop.example") {
			t.Errorf("site page after adding:\n%.800s", page.body)
		}
	})
}

func TestTheFormShowsEachErrorBesideItsField(t *testing.T) {
	f := newFixture(t, openSQLite(t), true)
	tests := []struct {
		form  url.Values
		field string
		says  string
	}{
		{url.Values{"url": {"ftp://files.example"}}, "url", "must start with http:// or https://"},
		{url.Values{"url": {"https://a.example"}, "timeout_seconds": {"500"}}, "timeout_seconds", "must be between 1 and 300"},
		{url.Values{"url": {"https://a.example"}, "check_interval_seconds": {"soon"}}, "check_interval_seconds", "must be a whole number"},
		{url.Values{"url": {"https://a.example"}, "check_interval_seconds": {"5"}}, "check_interval_seconds", "must be between 10 and 86400"},
		{url.Values{"url": {"https://a.example"}, "accepted_status_codes": {"200, lots"}}, "accepted_status_codes", `is neither`},
		{url.Values{"url": {"https://a.example"}, "headers": {"no colon here"}}, "headers", "line 1"},
		{url.Values{"url": {"https://a.example"}, "json_schema": {`{"type": 12}`}}, "json_schema", "is not a valid JSON Schema"},
		{url.Values{"url": {"https://a.example"}, "channel_ids": {"77"}}, "channel_ids", "names channel 77, which does not exist"},
		{url.Values{"type": {"tcp"}, "url": {"db.example:5432"}, "keyword": {"x"}}, "keyword", "applies only to http sites"},
		{url.Values{"url": {"https://a.example"}, "method": {"FETCH"}}, "method", "must be one of GET"},
	}
	for _, tt := range tests {
		got := f.post("/app/sites", tt.form)
		msg := fieldError(got.body, tt.field)
		if got.status != http.StatusBadRequest || msg == "" || !strings.Contains(msg, tt.says) {
			t.Errorf("%v: %d, error beside %s: %q, want %q", tt.form, got.status, tt.field, msg, tt.says)
		}
		// What was typed is shown again, to be fixed rather than retyped.
		if v := tt.form.Get("url"); !strings.Contains(got.body, `value="`+v+`"`) {
			t.Errorf("%v: the URL typed is not shown again", tt.form)
		}
	}
	if sites, _ := f.store.ListSites(context.Background(), 0, store.SiteFilter{}); len(sites) != 0 {
		t.Errorf("refused forms added %d sites", len(sites))
	}
}

func TestEditingKeepsSecretsShownMasked(t *testing.T) {
	forEachStore(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		token, header := "s3cret-token", "hunter2"
		s, err := monitor.NewSite(0, now, monitor.SitePatch{URL: ptr("https://api.example/health"), BearerToken: &token,
			Headers: &map[string]string{"X-Api-Key": header, "Accept": "application/json"}}, monitor.Limits{})
		if err != nil {
			t.Fatal(err)
		}
		s, err = f.store.CreateSite(ctx, s)
		if err != nil {
			t.Fatal(err)
		}
		form := f.get("/app/sites/" + itoa(s.ID) + "/edit")
		if form.status != http.StatusOK || strings.Contains(form.body, token) || strings.Contains(form.body, header) ||
			!strings.Contains(form.body, "X-Api-Key: ****") {
			t.Fatalf("edit form: %d, secrets must show masked\n%.2000s", form.status, form.body)
		}
		// The form sent back as shown, with a new name: the secrets are kept.
		values := formValues(form.body)
		values.Set("name", "API")
		got := f.post("/app/sites/"+itoa(s.ID), values)
		if got.status != http.StatusSeeOther {
			t.Fatalf("save: %d\n%.1500s", got.status, got.body)
		}
		after, err := f.store.Site(ctx, 0, s.ID)
		if err != nil {
			t.Fatal(err)
		}
		if after.Name != "API" || after.HTTP.BearerToken != token || after.HTTP.Headers["X-Api-Key"] != header ||
			after.CheckIntervalSeconds != s.CheckIntervalSeconds || after.HTTP.Headers["Accept"] != "application/json" {
			t.Errorf("after the edit: %+v %+v", after, after.HTTP)
		}
		// A bad value is refused beside its field, and nothing changes.
		values.Set("timeout_seconds", "0")
		got = f.post("/app/sites/"+itoa(s.ID), values)
		if got.status != http.StatusBadRequest || !strings.Contains(fieldError(got.body, "timeout_seconds"), "must be between 1 and") {
			t.Errorf("bad edit: %d %q", got.status, fieldError(got.body, "timeout_seconds"))
		}
	})
}

func TestSiteActions(t *testing.T) {
	forEachStore(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		s := f.add(site{name: "shop", checks: []monitor.Status{monitor.StatusUp}})
		path := "/app/sites/" + itoa(s.ID)
		page := f.get(path)
		for _, action := range []string{"/check", "/pause", "/delete"} {
			if !strings.Contains(page.body, `action="`+path+action+`"`) && !strings.Contains(page.body, `href="`+path+action+`"`) {
				t.Errorf("the site page has no %s action", action)
			}
		}
		f.checker.status = monitor.StatusDown
		if got := f.post(path+"/check", nil); got.status != http.StatusSeeOther {
			t.Fatalf("check now: %d", got.status)
		}
		if after, _ := f.store.Site(ctx, 0, s.ID); after.Status != monitor.StatusDown {
			t.Errorf("after check now: %s", after.Status)
		}
		f.post(path+"/pause", nil)
		if after, _ := f.store.Site(ctx, 0, s.ID); !after.Paused {
			t.Error("pause did not pause")
		}
		if page := f.get(path); !strings.Contains(page.body, `action="`+path+`/resume"`) {
			t.Error("a paused site offers no resume")
		}
		f.post(path+"/resume", nil)
		if after, _ := f.store.Site(ctx, 0, s.ID); after.Paused {
			t.Error("resume did not resume")
		}
		if got := f.get(path + "/delete"); got.status != http.StatusOK || !strings.Contains(got.body, "cannot be undone") {
			t.Errorf("delete asks first: %d", got.status)
		}
		if got := f.post(path+"/delete", nil); got.status != http.StatusSeeOther || got.header.Get("Location") != "/?done=deleted" {
			t.Errorf("delete: %d %s", got.status, got.header.Get("Location"))
		}
		if _, err := f.store.Site(ctx, 0, s.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("deleted site: %v", err)
		}
		if got := f.post(path+"/pause", nil); got.status != http.StatusNotFound {
			t.Errorf("acting on a deleted site: %d", got.status)
		}
	})
}

func ptr[T any](v T) *T { return &v }

var (
	inputPattern    = regexp.MustCompile(`<input id="([a-z_]+)" name="[a-z_]+" type="(?:text|password)" value="([^"]*)"`)
	textareaPattern = regexp.MustCompile(`(?s)<textarea id="([a-z_]+)"[^>]*>(.*?)</textarea>`)
	selectedPattern = regexp.MustCompile(`(?s)<select id="([a-z_]+)".*?<option value="([^"]*)" selected>`)
	checkedPattern  = regexp.MustCompile(`<input type="checkbox" id="([a-z_]+)" name="[a-z_]+" checked`)
)

// formValues are the values a browser would post for the form in body, as it stands.
func formValues(body string) url.Values {
	v := url.Values{}
	unescape := func(s string) string {
		return strings.NewReplacer("&#43;", "+", "&lt;", "<", "&gt;", ">", "&#34;", `"`, "&#39;", "'", "&amp;", "&").Replace(s)
	}
	for _, m := range inputPattern.FindAllStringSubmatch(body, -1) {
		v.Set(m[1], unescape(m[2]))
	}
	for _, m := range textareaPattern.FindAllStringSubmatch(body, -1) {
		v.Set(m[1], unescape(m[2]))
	}
	for _, m := range selectedPattern.FindAllStringSubmatch(body, -1) {
		v.Set(m[1], m[2])
	}
	for _, m := range checkedPattern.FindAllStringSubmatch(body, -1) {
		v.Set(m[1], "on")
	}
	return v
}
