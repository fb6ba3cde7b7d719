package web

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/pageops"
	"github.com/tocsin/tocsin/internal/statuspage"
	"github.com/tocsin/tocsin/internal/store"
)

// newPagesFixture is the dashboard with its status pages: listed, public, and managed through
// the forms, over one cache as main wires them.
func newPagesFixture(t *testing.T, st store.Store) *fixture {
	f := newFixture(t, st, true)
	clock := func() time.Time { return now }
	uptime := statuspage.EventUptime{Events: st}
	pages := statuspage.New(st, uptime, clock, time.Hour) // long-lived: only Forget drops a page
	f.handler = New(Deps{Store: st, API: apiStandIn(), Now: clock, Log: quietLog(), AuthOff: true, Version: "test",
		Public: Public{Pages: pages, Uptime: uptime, Badges: st, Manage: st, Edit: &pageops.Pages{Store: st, Cache: pages}}})
	return f
}

// pageFormValues is a filled form: one section of the sites given, titled Web.
func pageFormValues(slug, title string, siteIDs ...int64) url.Values {
	v := url.Values{"slug": {slug}, "title": {title}, "description": {""},
		"sections[0].title": {"Web"}, "sections[1].title": {""}, "sections[2].title": {""}}
	for _, id := range siteIDs {
		v.Add("sections[0].site_ids", itoa(id))
	}
	return v
}

func TestStatusPageFormsFollowTheAPIsRules(t *testing.T) {
	forEachStore(t, func(t *testing.T, f *fixture) {
		f = newPagesFixture(t, f.store)
		ctx := context.Background()
		shop := f.add(site{name: "shop", checks: []monitor.Status{monitor.StatusUp}})
		blog := f.add(site{name: "blog"})
		theirs := f.add(site{name: "theirs", owner: 99})
		if _, err := f.store.CreateStatusPage(ctx, monitor.StatusPage{OwnerID: 99, Slug: "taken", Title: "Theirs",
			Sections: []monitor.StatusSection{{SiteIDs: []int64{theirs.ID}}}, CreatedAt: now, UpdatedAt: now}); err != nil {
			t.Fatal(err)
		}
		withShowURL := pageFormValues("urls", "Acme", shop.ID)
		withShowURL.Add("show_url_site_ids", itoa(blog.ID))
		blankSecond := pageFormValues("acme", "Acme", shop.ID)
		blankSecond.Set("sections[0].title", "")
		blankSecond.Del("sections[0].site_ids")
		blankSecond.Set("sections[2].title", "Later")
		blankSecond.Add("sections[2].site_ids", "abc")
		noSection := pageFormValues("acme", "Acme")
		noSection.Set("sections[0].title", "") // a blank row is no section: none is left
		tests := []struct {
			name   string
			form   url.Values
			status int
			field  string // the field the error is beside; "" for none
			says   string
		}{
			{"bad slug", pageFormValues("Acme Inc", "Acme", shop.ID), http.StatusBadRequest, "slug", "must be 1 to 64 characters of a-z, 0-9 and -"},
			{"long slug", pageFormValues(strings.Repeat("a", 65), "Acme", shop.ID), http.StatusBadRequest, "slug", "must be 1 to 64"},
			{"taken slug", pageFormValues("taken", "Acme", shop.ID), http.StatusConflict, "slug", "is taken"},
			{"another account's site", pageFormValues("acme", "Acme", shop.ID, theirs.ID), http.StatusBadRequest, "sections[0].site_ids", "there is no site " + itoa(theirs.ID) + " among yours"},
			{"empty title", pageFormValues("acme", "  ", shop.ID), http.StatusBadRequest, "title", "is required"},
			{"URL of a site not shown", withShowURL, http.StatusBadRequest, "show_url_site_ids", "is not on the page"},
			{"no section", noSection, http.StatusBadRequest, "sections", "must hold at least one section"},
			{"an id that is no number, in the third row", blankSecond, http.StatusBadRequest, "sections[2].site_ids", "not a number"},
		}
		for _, tt := range tests {
			got := f.post("/app/status-pages", tt.form)
			if got.status != tt.status {
				t.Errorf("%s: %d, want %d\n%.600s", tt.name, got.status, tt.status, got.body)
				continue
			}
			if msg := fieldError(got.body, tt.field); !strings.Contains(msg, tt.says) || msg == "" {
				t.Errorf("%s: beside %s: %q, want %q", tt.name, tt.field, msg, tt.says)
			}
			// What was typed is shown again, to be fixed rather than retyped.
			if !strings.Contains(got.body, `value="`+tt.form.Get("slug")+`"`) {
				t.Errorf("%s: the slug typed is not shown again", tt.name)
			}
		}
		if pages, _ := f.store.ListStatusPages(ctx, 0); len(pages) != 0 {
			t.Fatalf("refused forms made %d pages", len(pages))
		}

		// Created: the blank rows are no sections, the ticks are kept in order.
		form := pageFormValues("acme", " Acme ", blog.ID, shop.ID)
		form.Set("sections[2].title", "Writing")
		form.Add("sections[2].site_ids", itoa(blog.ID))
		form.Add("show_url_site_ids", itoa(shop.ID))
		got := f.post("/app/status-pages", form)
		if got.status != http.StatusSeeOther || got.header.Get("Location") != "/app/status-pages?done=added#page-acme" {
			t.Fatalf("create: %d %s\n%.800s", got.status, got.header.Get("Location"), got.body)
		}
		pages, err := f.store.ListStatusPages(ctx, 0)
		if err != nil || len(pages) != 1 {
			t.Fatalf("pages: %v %v", pages, err)
		}
		p := pages[0]
		if p.Slug != "acme" || p.Title != "Acme" || len(p.Sections) != 2 || p.Sections[1].Title != "Writing" ||
			len(p.Sections[0].SiteIDs) != 2 || p.Sections[0].SiteIDs[0] != blog.ID || !p.ShowsURL(shop.ID) || p.ShowsURL(blog.ID) {
			t.Errorf("stored %+v", p)
		}
		if list := f.get("/app/status-pages?done=added"); !strings.Contains(list.body, "Status page added") ||
			!strings.Contains(list.body, `href="/app/status-pages/`+itoa(p.ID)+`/edit"`) {
			t.Errorf("the list after adding:\n%.1500s", list.body)
		}
	})
}

func TestEditingAStatusPageShowsOnItsPublicPageAtOnce(t *testing.T) {
	forEachStore(t, func(t *testing.T, f *fixture) {
		f = newPagesFixture(t, f.store)
		ctx := context.Background()
		shop := f.add(site{name: "shop", checks: []monitor.Status{monitor.StatusUp}})
		blog := f.add(site{name: "blog"})
		note := monitor.MaintenanceNote{Message: "DB move", From: now.Add(time.Hour), To: now.Add(2 * time.Hour)}
		p, err := f.store.CreateStatusPage(ctx, monitor.StatusPage{Slug: "acme", Title: "Acme", CreatedAt: now, UpdatedAt: now,
			Sections:       []monitor.StatusSection{{Title: "Web", SiteIDs: []int64{blog.ID, shop.ID}}},
			ShowURLSiteIDs: []int64{shop.ID}, Maintenance: []monitor.MaintenanceNote{note}})
		if err != nil {
			t.Fatal(err)
		}
		if pub := f.get("/status/acme"); pub.status != http.StatusOK || !strings.Contains(pub.body, "Acme") {
			t.Fatalf("public page: %d", pub.status) // and now cached
		}
		path := "/app/status-pages/" + itoa(p.ID)
		form := f.get(path + "/edit")
		for _, want := range []string{`value="acme"`, `value="Web"`, `name="sections[0].site_ids" value="` + itoa(blog.ID) + `" checked`,
			`name="show_url_site_ids" value="` + itoa(shop.ID) + `" checked`, `name="sections[3].title"`, "DB move"} {
			if !strings.Contains(form.body, want) {
				t.Errorf("the edit form lacks %s", want)
			}
		}
		// The sites ticked come first, in the section's order.
		if strings.Index(form.body, `name="sections[0].site_ids" value="`+itoa(blog.ID)+`"`) > strings.Index(form.body, `name="sections[0].site_ids" value="`+itoa(shop.ID)+`"`) {
			t.Error("the section's sites are not in its order")
		}

		// More rows, asked for without JavaScript: the form comes back longer, nothing saved.
		values := pageFormValues("acme", "Changed", shop.ID)
		values.Set("add_sections", "3")
		if got := f.post(path, values); got.status != http.StatusOK || !strings.Contains(got.body, `name="sections[5].title"`) ||
			!strings.Contains(got.body, `value="Changed"`) {
			t.Errorf("more rows: %d", got.status)
		}
		if after, _ := f.store.StatusPage(ctx, 0, p.ID); after.Title != "Acme" {
			t.Errorf("asking for rows saved the page: %q", after.Title)
		}

		tests := []struct {
			name     string
			form     url.Values
			status   int
			title    string // on the public page after
			notFound string // a slug gone
		}{
			{"bad slug", pageFormValues("ACME", "Acme Inc", shop.ID), http.StatusBadRequest, "Acme", ""},
			{"edit", pageFormValues("acme", "Acme Inc", shop.ID), http.StatusSeeOther, "Acme Inc", ""},
			{"new slug", pageFormValues("acme-inc", "Acme Inc", shop.ID), http.StatusSeeOther, "Acme Inc", "acme"},
		}
		slug := "acme"
		for _, tt := range tests {
			got := f.post(path, tt.form)
			if got.status != tt.status {
				t.Fatalf("%s: %d\n%.800s", tt.name, got.status, got.body)
			}
			if got.status == http.StatusSeeOther {
				slug = tt.form.Get("slug")
			}
			if pub := f.get("/status/" + slug); pub.status != http.StatusOK || !strings.Contains(pub.body, "<title>"+tt.title) {
				t.Errorf("%s: /status/%s: %d, want the title %q\n%.300s", tt.name, slug, pub.status, tt.title, pub.body)
			}
			if tt.notFound != "" {
				if pub := f.get("/status/" + tt.notFound); pub.status != http.StatusNotFound {
					t.Errorf("%s: the old slug answers %d", tt.name, pub.status)
				}
			}
		}
		after, err := f.store.StatusPage(ctx, 0, p.ID)
		if err != nil || len(after.Maintenance) != 1 || after.Maintenance[0].Message != "DB move" || len(after.ShowURLSiteIDs) != 0 {
			t.Errorf("after the edits (the notes are kept): %+v %v", after, err)
		}

		// Another account's page is not found, to show or to change.
		theirs, err := f.store.CreateStatusPage(ctx, monitor.StatusPage{OwnerID: 99, Slug: "theirs", Title: "Theirs", CreatedAt: now, UpdatedAt: now,
			Sections: []monitor.StatusSection{{Title: "x"}}})
		if err != nil {
			t.Fatal(err)
		}
		for _, got := range []answer{f.get("/app/status-pages/" + itoa(theirs.ID) + "/edit"), f.post("/app/status-pages/"+itoa(theirs.ID), pageFormValues("mine", "Mine")),
			f.post("/app/status-pages/"+itoa(theirs.ID)+"/delete", nil), f.get("/app/status-pages/x/edit")} {
			if got.status != http.StatusNotFound && got.status != http.StatusBadRequest {
				t.Errorf("another's page: %d", got.status)
			}
		}
	})
}

func TestDeletingAStatusPageAsksFirst(t *testing.T) {
	forEachStore(t, func(t *testing.T, f *fixture) {
		f = newPagesFixture(t, f.store)
		ctx := context.Background()
		p, err := f.store.CreateStatusPage(ctx, monitor.StatusPage{Slug: "acme", Title: "Acme", CreatedAt: now, UpdatedAt: now,
			Sections: []monitor.StatusSection{{Title: "Web"}}})
		if err != nil {
			t.Fatal(err)
		}
		f.get("/status/acme") // cached
		path := "/app/status-pages/" + itoa(p.ID) + "/delete"
		if got := f.get(path); got.status != http.StatusOK || !strings.Contains(got.body, "cannot be undone") ||
			!strings.Contains(got.body, `action="`+path+`"`) {
			t.Errorf("delete asks first: %d", got.status)
		}
		// Another site's form cannot delete it: the pages' cross-origin protection covers these forms.
		req := httptest.NewRequest(http.MethodPost, path, nil)
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		rec := httptest.NewRecorder()
		f.handler.ServeHTTP(rec, req)
		if _, err := f.store.StatusPage(ctx, 0, p.ID); rec.Code != http.StatusForbidden || err != nil {
			t.Errorf("a cross-site delete: %d, the page after it: %v", rec.Code, err)
		}
		if got := f.post(path, nil); got.status != http.StatusSeeOther || got.header.Get("Location") != "/app/status-pages?done=deleted" {
			t.Errorf("delete: %d %s", got.status, got.header.Get("Location"))
		}
		if _, err := f.store.StatusPage(ctx, 0, p.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("the deleted page: %v", err)
		}
		if got := f.get("/status/acme"); got.status != http.StatusNotFound {
			t.Errorf("the deleted page is public still: %d", got.status)
		}
		if got := f.post(path, nil); got.status != http.StatusNotFound {
			t.Errorf("deleting twice: %d", got.status)
		}
	})
}

// Without the status pages' services, the forms are not found and the list offers none.
func TestStatusPageFormsNeedTheirService(t *testing.T) {
	f := newFixture(t, openSQLite(t), true)
	if got := f.get("/app/status-pages/new"); got.status != http.StatusNotFound {
		t.Errorf("the form without the service: %d", got.status)
	}
}
