package web

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/tocsin/tocsin/internal/store/storetest"
)

func TestRootIsTheOverviewForBrowsersAndTheAPIForEveryoneElse(t *testing.T) {
	f := newFixture(t, storetest.OpenSQLite(t), true)
	tests := []struct {
		accept string
		page   bool
	}{
		{"text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", true}, // a browser
		{"application/json, text/html;q=0.5", true},
		{"", false},                 // a script
		{"*/*", false},              // curl
		{"application/json", false}, // an API client
		{"text/html;q=0", false},    // explicitly not HTML
		{"text/*", false},           // a wildcard is not a request for a page
		{"text/htmlx, application/json", false},
	}
	for _, tt := range tests {
		got := f.request("/", tt.accept)
		isPage := strings.HasPrefix(got.header.Get("Content-Type"), "text/html")
		if got.status != http.StatusOK || isPage != tt.page {
			t.Errorf("Accept %q: %d %s, want page=%v", tt.accept, got.status, got.header.Get("Content-Type"), tt.page)
		}
		if got.header.Get("Vary") != "Accept" {
			t.Errorf("Accept %q: Vary %q, want Accept", tt.accept, got.header.Get("Vary"))
		}
	}
}

func TestRequestsThatAreNotPagesGoToTheAPI(t *testing.T) {
	f := newFixture(t, storetest.OpenSQLite(t), true)
	for _, path := range []string{"/sites", "/sites/1", "/healthz", "/openapi.json", "/application"} {
		if got := f.get(path); got.body != `{"name": "tocsin"}` {
			t.Errorf("GET %s went to the dashboard: %d %.80s", path, got.status, got.body)
		}
	}
}

func TestPagesCarryTheirOwnSecurityHeaders(t *testing.T) {
	f := newFixture(t, storetest.OpenSQLite(t), true)
	for _, path := range []string{"/", "/app/alerts", "/app/sites/1", "/app/nowhere", "/?page=x"} {
		got := f.get(path)
		for name, want := range map[string]string{
			"Content-Security-Policy": pageCSP,
			"X-Frame-Options":         "DENY",
			"X-Content-Type-Options":  "nosniff",
			"Cache-Control":           "no-store",
			"Content-Type":            "text/html; charset=utf-8",
		} {
			if got.header.Get(name) != want {
				t.Errorf("GET %s: %s = %q, want %q", path, name, got.header.Get(name), want)
			}
		}
	}
	if !strings.Contains(pageCSP, "default-src 'self'") || !strings.Contains(pageCSP, "frame-ancestors 'none'") {
		t.Errorf("CSP %q", pageCSP)
	}
}

func TestUnknownPagesAreAnHTMLNotFound(t *testing.T) {
	f := newFixture(t, storetest.OpenSQLite(t), true)
	got := f.get("/app/nowhere")
	if got.status != http.StatusNotFound || !strings.Contains(got.body, "There is no page at /app/nowhere.") {
		t.Errorf("%d %s", got.status, got.body)
	}
}

// With auth on, a signed-out browser sees no page: it is sent to sign in, and / answers a
// client that does not ask for a page as the API does.
func TestSignedOutBrowsersAreSentToSignIn(t *testing.T) {
	f := newFixture(t, storetest.OpenSQLite(t), false)
	f.add(site{name: "secret-shop", checks: nil})
	if got := f.request("/", "application/json"); got.body != `{"name": "tocsin"}` {
		t.Errorf("GET / for a script with auth on was not the API's: %d %.100s", got.status, got.body)
	}
	for path, next := range map[string]string{"/": "", "/app/alerts": "?next=%2Fapp%2Falerts", "/app/sites/1": "?next=%2Fapp%2Fsites%2F1",
		"/app/account": "?next=%2Fapp%2Faccount"} {
		got := f.get(path)
		if got.status != http.StatusSeeOther || got.header.Get("Location") != signinPath+next || strings.Contains(got.body, "secret-shop") {
			t.Errorf("GET %s with auth on: %d %q\n%s", path, got.status, got.header.Get("Location"), got.body)
		}
	}
}

func TestBadInputIsA400NamingTheField(t *testing.T) {
	f := newFixture(t, storetest.OpenSQLite(t), true)
	tests := []struct{ path, field string }{
		{"/?page=0", "page"},
		{"/?page=two", "page"},
		{"/?status=sideways", "status"},
		{"/?q=" + strings.Repeat("x", 201), "q"},
		{"/app/sites/zero", "id"},
		{"/app/sites/-4", "id"},
		{"/app/alerts?before=soon", "before"},
	}
	for _, tt := range tests {
		got := f.get(tt.path)
		if got.status != http.StatusBadRequest || !strings.Contains(got.body, tt.field+": ") {
			t.Errorf("GET %.40s: %d, want 400 naming %s\n%.300s", tt.path, got.status, tt.field, got.body)
		}
	}
}

func TestPagesOnlyAnswerGET(t *testing.T) {
	f := newFixture(t, openSQLite(t), true)
	for _, method := range []string{http.MethodPost, http.MethodDelete, http.MethodPut} {
		req := httptest.NewRequest(method, "/app/alerts", nil)
		rec := httptest.NewRecorder()
		f.handler.ServeHTTP(rec, req)
		if rec.Code != http.StatusMethodNotAllowed || rec.Header().Get("Allow") != "GET, HEAD" ||
			rec.Header().Get("Content-Security-Policy") != pageCSP {
			t.Errorf("%s /app/alerts: %d, Allow %q", method, rec.Code, rec.Header().Get("Allow"))
		}
	}
	// POST / is the API's, as before.
	rec := httptest.NewRecorder()
	f.handler.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/", nil))
	if rec.Body.String() != `{"name": "tocsin"}` {
		t.Errorf("POST / did not reach the API: %d %s", rec.Code, rec.Body)
	}
}
