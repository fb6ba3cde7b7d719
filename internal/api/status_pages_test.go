package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

func errorField(t *testing.T, body map[string]any) string {
	t.Helper()
	e, _ := body["error"].(map[string]any)
	f, _ := e["field"].(string)
	return f
}

func TestStatusPagesAreManagedByTheirOwner(t *testing.T) {
	forEachStoreWithAuth(t, func(t *testing.T, e *env, _ *clock) {
		ada := e.signup("/auth/signup", "ada")
		e.expect(e.do("POST", "/users", `{"username": "bob", "password": "correct horse"}`, as(ada)...), http.StatusCreated)
		bob := e.expect(e.do("POST", "/auth/login", `{"username": "bob", "password": "correct horse"}`), 200)["token"].(string)
		shop := e.expect(e.do("POST", "/sites", e.siteJSON(""), as(ada)...), http.StatusCreated)
		blog := e.expect(e.do("POST", "/sites", e.siteJSON(""), as(ada)...), http.StatusCreated)
		bobs := e.expect(e.do("POST", "/sites", e.siteJSON(""), as(bob)...), http.StatusCreated)

		body := func(slug string, first, second any) string {
			return fmt.Sprintf(`{"slug": %q, "title": "Acme", "sections": [{"title": "A", "site_ids": [%v]}, {"title": "B", "site_ids": [%v]}], "show_url_site_ids": [%v]}`,
				slug, first, second, first)
		}
		for _, tt := range []struct{ body, field string }{
			{body("acme", bobs["id"], blog["id"]), "sections[0].site_ids"},
			{body("acme", shop["id"], 999999), "sections[1].site_ids"},
			{body("Acme", shop["id"], blog["id"]), "slug"},
			{body(strings.Repeat("a", 65), shop["id"], blog["id"]), "slug"},
			{`{"slug": "acme", "sections": [{"site_ids": []}]}`, "title"},
			{`{"slug": "acme", "title": "Acme", "sections": [{"site_ids": [1]}], "show_url_site_ids": [2]}`, "show_url_site_ids"},
			{`{"slug": "acme", "title": "Acme", "sections": [], "extra": 1}`, "extra"},
		} {
			if got := e.expect(e.do("POST", "/status-pages", tt.body, as(ada)...), http.StatusBadRequest); errorField(t, got) != tt.field {
				t.Errorf("%s: %v, want the field %s", tt.body, got, tt.field)
			}
		}
		page := e.expect(e.do("POST", "/status-pages", body("acme", shop["id"], blog["id"]), as(ada)...), http.StatusCreated)
		if page["url"] != "/status/acme" || page["json_url"] != "/status/acme.json" || len(page["sections"].([]any)) != 2 {
			t.Errorf("created: %v", page)
		}
		path := fmt.Sprintf("/status-pages/%v", page["id"])

		taken := e.expect(e.do("POST", "/status-pages", `{"slug": "acme", "title": "Bob's", "sections": [{"site_ids": []}]}`, as(bob)...), http.StatusConflict)
		if taken["error"].(map[string]any)["code"] != "slug_taken" {
			t.Errorf("a taken slug: %v", taken)
		}
		for _, req := range [][3]string{{"GET", path, ""}, {"PATCH", path, `{"title": "mine"}`}, {"DELETE", path, ""}} {
			if r := e.do(req[0], req[1], req[2], as(bob)...); r.status != http.StatusNotFound {
				t.Errorf("bob %s %s: %d %s", req[0], req[1], r.status, r.raw)
			}
		}
		var list []any
		e.do("GET", "/status-pages", "", as(bob)...).json(t, &list)
		if len(list) != 0 {
			t.Errorf("bob lists ada's pages: %v", list)
		}

		// PATCH changes what it names and keeps the rest.
		patched := e.expect(e.do("PATCH", path, `{"title": "Acme Inc", "maintenance": [{"message": "DB", "from": "2030-01-01T00:00:00Z", "to": "2030-01-01T01:00:00Z"}]}`, as(ada)...), http.StatusOK)
		if patched["title"] != "Acme Inc" || patched["slug"] != "acme" || len(patched["sections"].([]any)) != 2 || len(patched["maintenance"].([]any)) != 1 {
			t.Errorf("patched: %v", patched)
		}
		if got := e.expect(e.do("PATCH", path, fmt.Sprintf(`{"sections": [{"site_ids": [%v]}], "show_url_site_ids": []}`, bobs["id"]), as(ada)...), http.StatusBadRequest); errorField(t, got) != "sections[0].site_ids" {
			t.Errorf("patching in bob's site: %v", got)
		}

		// The public JSON needs no token and shows the page.
		pub := e.expect(e.do("GET", "/status/acme.json", ""), http.StatusOK)
		if pub["title"] != "Acme Inc" || pub["state"] != "operational" {
			t.Errorf("public JSON: %v", pub)
		}
		if r := e.do("GET", "/status/nope.json", ""); r.status != http.StatusNotFound {
			t.Errorf("unknown slug: %d", r.status)
		}
		e.expect(e.do("DELETE", path, "", as(ada)...), http.StatusNoContent)
		if r := e.do("GET", "/status/acme.json", ""); r.status != http.StatusNotFound {
			t.Errorf("a deleted page, at once: %d", r.status)
		}
	})
}

func TestBadgeTokensAreTheSiteOwners(t *testing.T) {
	forEachStoreWithAuth(t, func(t *testing.T, e *env, _ *clock) {
		ada := e.signup("/auth/signup", "ada")
		e.expect(e.do("POST", "/users", `{"username": "bob", "password": "correct horse"}`, as(ada)...), http.StatusCreated)
		bob := e.expect(e.do("POST", "/auth/login", `{"username": "bob", "password": "correct horse"}`), 200)["token"].(string)
		site := e.expect(e.do("POST", "/sites", e.siteJSON(""), as(ada)...), http.StatusCreated)
		first := e.expect(e.do("POST", idPath(site, "/badge-token"), "", as(ada)...), http.StatusCreated)["token"].(string)
		second := e.expect(e.do("POST", idPath(site, "/badge-token"), "", as(ada)...), http.StatusCreated)["token"].(string)
		if !strings.HasPrefix(first, "tsb_") || len(first) < 30 || first == second {
			t.Errorf("tokens %q, %q", first, second)
		}
		if r := e.do("POST", idPath(site, "/badge-token"), "", as(bob)...); r.status != http.StatusNotFound {
			t.Errorf("bob makes a token for ada's site: %d", r.status)
		}
		if r := e.do("DELETE", idPath(site, "/badge-token"), "", as(bob)...); r.status != http.StatusNotFound {
			t.Errorf("bob revokes ada's token: %d", r.status)
		}
		e.expect(e.do("DELETE", idPath(site, "/badge-token"), "", as(ada)...), http.StatusNoContent)
		if r := e.do("DELETE", idPath(site, "/badge-token"), "", as(ada)...); r.status != http.StatusNotFound {
			t.Errorf("revoking twice: %d", r.status)
		}
	})
}
