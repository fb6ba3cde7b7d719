package web

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/tocsin/tocsin/internal/auth"
	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/statuspage"
	"github.com/tocsin/tocsin/internal/store/storetest"
)

func TestBadgeTokensAreMaskedInTheRequestLog(t *testing.T) {
	for path, want := range map[string]string{
		"/badge/tsb_secret/status.svg":     "/badge/****/status.svg",
		"/badge/tsb_secret/uptime/30d.svg": "/badge/****/uptime/30d.svg",
		"//badge/tsb_secret":               "/badge/****",
		"/Badge/tsb_secret/x":              "/badge/****/x",
		"/status/acme":                     "/status/acme",
	} {
		if got := maskedPublicPath(path); got != want {
			t.Errorf("maskedPublicPath(%q) = %q, want %q", path, got, want)
		}
	}
}

// The public pages answer /status/{slug} and /badge/…; the JSON form of a page is the API's.
func TestPublicPagesAreServedWithoutSignInAndTheirTokensStayOutOfTheLog(t *testing.T) {
	st := storetest.OpenSQLite(t)
	var logs bytes.Buffer
	clock := func() time.Time { return now }
	uptime := statuspage.EventUptime{Events: st}
	h := New(Deps{Store: st, API: apiStandIn(), Now: clock, Log: slog.New(slog.NewTextHandler(&logs, nil)), AuthOff: false, Version: "test",
		Public: Public{Pages: statuspage.New(st, uptime, clock, 0), Uptime: uptime, Badges: st}})
	ctx := context.Background()
	site, err := st.CreateSite(ctx, monitor.Site{Name: "Shop", URL: "http://127.0.0.1:1/", CheckIntervalSeconds: 60, TimeoutSeconds: 5,
		ExpectedStatusCode: 200, FailureThreshold: 1, NextCheckAt: now, CreatedAt: now})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.CreateStatusPage(ctx, monitor.StatusPage{Slug: "acme", Title: "Acme <&>", CreatedAt: now, UpdatedAt: now,
		Sections: []monitor.StatusSection{{SiteIDs: []int64{site.ID}}}}); err != nil {
		t.Fatal(err)
	}
	token, hash, _ := auth.NewBadgeToken()
	if err := st.SetBadgeToken(ctx, 0, site.ID, hash, now); err != nil {
		t.Fatal(err)
	}
	get := func(path string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		return rec
	}
	if rec := get("/status/acme"); rec.Code != 200 || !strings.Contains(rec.Body.String(), "Acme &lt;&amp;&gt;") {
		t.Errorf("the page, with auth on: %d %.200s", rec.Code, rec.Body)
	}
	if rec := get("/status/acme.json"); rec.Body.String() != `{"name": "tocsin"}` {
		t.Errorf("the JSON form did not go to the API: %.80s", rec.Body)
	}
	if rec := get("/status/nope"); rec.Code != 404 {
		t.Errorf("an unknown slug: %d", rec.Code)
	}
	rec := get("/badge/" + token + "/status.svg")
	if rec.Code != 200 || rec.Header().Get("Content-Type") != "image/svg+xml; charset=utf-8" || !strings.Contains(rec.Body.String(), "status: pending") {
		t.Errorf("the badge: %d %s %.100s", rec.Code, rec.Header().Get("Content-Type"), rec.Body)
	}
	for _, path := range []string{"/badge/tsb_nope/status.svg", "/badge/" + token + "/uptime/1y.svg", "/badge/" + token + "/other.svg"} {
		if rec := get(path); rec.Code != 404 {
			t.Errorf("%s: %d", path, rec.Code)
		}
	}
	if strings.Contains(logs.String(), token) || !strings.Contains(logs.String(), "/badge/****/status.svg") {
		t.Errorf("the log shows the token, or not the request:\n%s", logs.String())
	}
}

func TestTheDashboardListsTheViewersStatusPages(t *testing.T) {
	st := storetest.OpenSQLite(t)
	clock := func() time.Time { return now }
	h := New(Deps{Store: st, API: apiStandIn(), Now: clock, Log: quietLog(), AuthOff: true, Version: "test",
		Public: Public{Manage: st}})
	get := func() string {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodGet, "/app/status-pages", nil)
		h.ServeHTTP(rec, req)
		if rec.Code != 200 {
			t.Fatalf("%d %s", rec.Code, rec.Body)
		}
		return rec.Body.String()
	}
	if body := get(); !strings.Contains(body, "No status page yet") || !strings.Contains(body, `aria-current="page">Status pages`) {
		t.Errorf("the empty page: %.300s", body)
	}
	ctx := context.Background()
	site, _ := st.CreateSite(ctx, monitor.Site{Name: "Shop", URL: "http://127.0.0.1:1/", CheckIntervalSeconds: 60, TimeoutSeconds: 5,
		ExpectedStatusCode: 200, FailureThreshold: 1, NextCheckAt: now, CreatedAt: now})
	theirs, _ := st.CreateSite(ctx, monitor.Site{OwnerID: 99, Name: "Theirs", URL: "http://127.0.0.1:1/", CheckIntervalSeconds: 60, TimeoutSeconds: 5,
		ExpectedStatusCode: 200, FailureThreshold: 1, NextCheckAt: now, CreatedAt: now})
	st.CreateStatusPage(ctx, monitor.StatusPage{Slug: "acme", Title: "Acme pages", CreatedAt: now, UpdatedAt: now,
		Sections: []monitor.StatusSection{{Title: "Web", SiteIDs: []int64{site.ID, theirs.ID}}}, ShowURLSiteIDs: []int64{site.ID},
		Maintenance: []monitor.MaintenanceNote{{Message: "DB move", From: now.Add(time.Hour), To: now.Add(2 * time.Hour)}}})
	body := get()
	for _, want := range []string{"Acme pages", `href="/status/acme"`, `href="/status/acme.json"`, ">Shop</a>", "URL shown", "DB move"} {
		if !strings.Contains(body, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	if strings.Contains(body, "Theirs") {
		t.Errorf("another account's site is named")
	}
}
