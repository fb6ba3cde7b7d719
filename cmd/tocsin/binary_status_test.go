package main

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// A status page and badges, from the outside: two accounts on the built binary, a page of one of
// them read without signing in, as its visitors would.
func TestStatusPagesAndBadgesFromOutside(t *testing.T) {
	bin := buildTocsin(t, "v0.0.0-status-test")
	var shopCode, blogCode atomic.Int32
	shopCode.Store(200)
	blogCode.Store(200)
	shop := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(int(shopCode.Load())) }))
	defer shop.Close()
	blog := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(int(blogCode.Load())) }))
	defer blog.Close()

	addr, dir := freeAddr(t), t.TempDir()
	env := append(cleanEnv(), "TOCSIN_ADDR="+addr, "DATABASE_URL=sqlite:"+filepath.Join(dir, "tocsin.db"),
		"TOCSIN_SIGNUP=open", "TOCSIN_MIN_INTERVAL_SECONDS=10")
	p := startBinary(t, bin, dir, env)
	base := "http://" + addr
	p.waitForReady(t, base)

	ada, bob := user{t: t, base: base}, user{t: t, base: base}
	for _, u := range []*user{&ada, &bob} {
		var session struct{ Token string }
		name := map[*user]string{&ada: "ada", &bob: "bob"}[u]
		u.must("POST", "/auth/signup", fmt.Sprintf(`{"username": %q, "password": "correct horse"}`, name), 201, &session)
		u.token = session.Token
	}
	var shopSite, blogSite, bobSite struct{ ID int64 }
	ada.must("POST", "/sites", fmt.Sprintf(`{"url": %q, "name": "Shop", "check_interval_seconds": 300}`, shop.URL), 201, &shopSite)
	ada.must("POST", "/sites", fmt.Sprintf(`{"url": %q, "name": "Blog", "check_interval_seconds": 300}`, blog.URL), 201, &blogSite)
	bob.must("POST", "/sites", fmt.Sprintf(`{"url": %q, "name": "Bob's", "check_interval_seconds": 300}`, blog.URL), 201, &bobSite)

	page := func(slug string, sites ...int64) string {
		return fmt.Sprintf(`{"slug": %q, "title": "Acme", "description": "Acme's services",
			"sections": [{"title": "Storefront", "site_ids": [%d]}, {"title": "Writing", "site_ids": [%d]}],
			"show_url_site_ids": [%d],
			"maintenance": [{"message": "Database upgrade", "from": "2099-01-01T00:00:00Z", "to": "2099-01-01T02:00:00Z"}]}`,
			slug, sites[0], sites[1], sites[0])
	}
	t.Run("another account's site cannot be put on a page", func(t *testing.T) {
		body := ada.must("POST", "/status-pages", page("acme", bobSite.ID, blogSite.ID), 400, nil)
		if !strings.Contains(body, `"field": "sections[0].site_ids"`) && !strings.Contains(body, `"field":"sections[0].site_ids"`) {
			t.Errorf("the refusal does not name sections[0].site_ids: %s", body)
		}
		body = ada.must("POST", "/status-pages", page("Acme!", shopSite.ID, blogSite.ID), 400, nil)
		if !strings.Contains(body, "slug") {
			t.Errorf("a bad slug is refused without naming it: %s", body)
		}
	})
	var created struct {
		ID  int64
		URL string
	}
	ada.must("POST", "/status-pages", page("acme", shopSite.ID, blogSite.ID), 201, &created)
	t.Run("a slug is taken across accounts", func(t *testing.T) {
		body := bob.must("POST", "/status-pages", strings.ReplaceAll(page("acme", bobSite.ID, bobSite.ID), fmt.Sprintf("[%d]", bobSite.ID), "[]"), 409, nil)
		if !strings.Contains(body, "slug_taken") {
			t.Errorf("want slug_taken: %s", body)
		}
		bob.must("GET", fmt.Sprintf("/status-pages/%d", created.ID), "", 404, nil)
	})

	html, headers := get(t, base+"/status/acme", 200)
	if got := attr(t, html, "data-state"); got != "operational" {
		t.Errorf("banner with both sites up: %q", got)
	}
	if cc := headers.Get("Cache-Control"); !regexp.MustCompile(`^public, max-age=(10|[0-9])$`).MatchString(cc) {
		t.Errorf("Cache-Control %q", cc)
	}

	// The blog goes down: checked now, its status change drops the cached page at once.
	blogCode.Store(503)
	ada.must("POST", fmt.Sprintf("/sites/%d/check", blogSite.ID), "", 200, nil)
	html, headers = get(t, base+"/status/acme", 200)
	sites := parseSites(t, html)
	if got := attr(t, html, "data-state"); got != "partial_outage" {
		t.Errorf("banner with one of two sites down: %q", got)
	}
	if len(sites) != 2 || sites[0].Name != "Shop" || sites[0].Status != "up" || sites[1].Name != "Blog" || sites[1].Status != "down" {
		t.Fatalf("sites shown: %+v", sites)
	}
	for _, s := range sites {
		if len(s.Days) != 90 {
			t.Fatalf("%s has %d day bars", s.Name, len(s.Days))
		}
		today := time.Now().UTC().Format(time.DateOnly)
		if last := s.Days[89]; last.Date != today {
			t.Errorf("%s's last bar is %s, not today %s", s.Name, last.Date, today)
		}
		for _, d := range s.Days[:89] {
			if d.Level != "no_data" {
				t.Errorf("%s on %s, before it was watched: %q, want no_data", s.Name, d.Date, d.Level)
			}
		}
	}
	if lvl := sites[0].Days[89].Level; lvl != "up" {
		t.Errorf("Shop today: %q", lvl)
	}
	if lvl := sites[1].Days[89].Level; lvl != "minor" && lvl != "major" {
		t.Errorf("Blog today, down: %q", lvl)
	}
	if !strings.Contains(html, `data-site="Blog" data-ongoing="true"`) {
		t.Errorf("the blog's incident is not listed")
	}
	if !strings.Contains(html, shop.URL) || strings.Contains(html, blog.URL) {
		t.Errorf("the page must show the shop's URL (opted in) and not the blog's")
	}
	if !strings.Contains(html, "Database upgrade") {
		t.Errorf("the maintenance note is not shown")
	}

	jsonBody, jsonHeaders := get(t, base+"/status/acme.json", 200)
	t.Run("the JSON form matches the HTML", func(t *testing.T) {
		var v struct {
			State    string
			Sections []struct {
				Title string
				Sites []struct {
					Name, URL, Status string
					Days              []struct{ Date, Level string }
				}
			}
			Incidents []struct {
				Site    string
				Ongoing bool
			}
			Maintenance []struct{ Message string }
		}
		if err := json.Unmarshal([]byte(jsonBody), &v); err != nil {
			t.Fatal(err)
		}
		if v.State != "partial_outage" || len(v.Sections) != 2 || v.Sections[0].Title != "Storefront" || v.Sections[1].Title != "Writing" {
			t.Fatalf("JSON page: %+v", v)
		}
		for i, s := range sites {
			js := v.Sections[i].Sites[0]
			if js.Name != s.Name || js.Status != s.Status || len(js.Days) != len(s.Days) {
				t.Errorf("JSON %s %s, HTML %s %s", js.Name, js.Status, s.Name, s.Status)
				continue
			}
			for d := range js.Days {
				if js.Days[d].Date != s.Days[d].Date || js.Days[d].Level != s.Days[d].Level {
					t.Errorf("%s day %d: JSON %+v, HTML %+v", s.Name, d, js.Days[d], s.Days[d])
				}
			}
		}
		if v.Sections[0].Sites[0].URL != shop.URL || v.Sections[1].Sites[0].URL != "" {
			t.Errorf("URLs: %q, %q", v.Sections[0].Sites[0].URL, v.Sections[1].Sites[0].URL)
		}
		if len(v.Incidents) != 1 || v.Incidents[0].Site != "Blog" || !v.Incidents[0].Ongoing {
			t.Errorf("incidents: %+v", v.Incidents)
		}
		if len(v.Maintenance) != 1 || v.Maintenance[0].Message != "Database upgrade" {
			t.Errorf("maintenance: %+v", v.Maintenance)
		}
		if jsonHeaders.Get("ETag") == "" || !strings.HasPrefix(jsonHeaders.Get("Cache-Control"), "public, max-age=") {
			t.Errorf("JSON headers: %v", jsonHeaders)
		}
	})
	t.Run("nothing private leaks", func(t *testing.T) {
		for name, body := range map[string]string{"HTML": html, "JSON": jsonBody} {
			for _, secret := range []string{"503", "expected status", blog.URL, `"id"`, "site_id"} {
				if strings.Contains(body, secret) {
					t.Errorf("the %s form shows %q", name, secret)
				}
			}
		}
	})
	t.Run("a client's copy is revalidated by its ETag", func(t *testing.T) {
		req, _ := http.NewRequest("GET", base+"/status/acme", nil)
		req.Header.Set("If-None-Match", headers.Get("ETag"))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotModified {
			t.Errorf("If-None-Match with the current ETag: %d", resp.StatusCode)
		}
	})
	t.Run("an unknown slug is 404", func(t *testing.T) {
		get(t, base+"/status/no-such-page", 404)
		get(t, base+"/status/no-such-page.json", 404)
		get(t, base+"/status/Not%20A%20Slug", 404)
	})

	t.Run("a badge for an up site says up in green; a revoked token is 404", func(t *testing.T) {
		var tok struct{ Token string }
		ada.must("POST", fmt.Sprintf("/sites/%d/badge-token", shopSite.ID), "", 201, &tok)
		bob.must("POST", fmt.Sprintf("/sites/%d/badge-token", shopSite.ID), "", 404, nil)
		svg, h := get(t, base+"/badge/"+tok.Token+"/status.svg", 200)
		if ct := h.Get("Content-Type"); !strings.HasPrefix(ct, "image/svg+xml") {
			t.Errorf("Content-Type %q", ct)
		}
		doc := parseSVG(t, svg)
		if doc.Title != "status: up" || len(doc.Rects) < 2 || doc.Rects[1].Fill != "#4b0" {
			t.Errorf("status badge: title %q, rects %+v", doc.Title, doc.Rects)
		}
		for _, w := range []string{"24h", "7d", "30d", "90d"} {
			svg, _ := get(t, base+"/badge/"+tok.Token+"/uptime/"+w+".svg", 200)
			if doc := parseSVG(t, svg); doc.Title != "uptime "+w+": 100%" {
				t.Errorf("uptime %s badge: %q", w, doc.Title)
			}
		}
		get(t, base+"/badge/"+tok.Token+"/uptime/1y.svg", 404)
		svg, _ = get(t, base+"/badge/"+tok.Token+"/response.svg", 200)
		if doc := parseSVG(t, svg); !strings.HasPrefix(doc.Title, "response: ") || !strings.HasSuffix(doc.Title, " ms") {
			t.Errorf("response badge: %q", doc.Title)
		}
		ada.must("DELETE", fmt.Sprintf("/sites/%d/badge-token", shopSite.ID), "", 204, nil)
		get(t, base+"/badge/"+tok.Token+"/status.svg", 404)
		if strings.Contains(p.log.String(), tok.Token) {
			t.Errorf("the badge token is in the log")
		}
		if !strings.Contains(p.log.String(), "/badge/****/status.svg") {
			t.Errorf("badge requests are not logged, masked")
		}
	})
	t.Run("a deleted page is gone at once", func(t *testing.T) {
		ada.must("DELETE", fmt.Sprintf("/status-pages/%d", created.ID), "", 204, nil)
		get(t, base+"/status/acme", 404)
	})
}

func get(t *testing.T, url string, want int) (string, http.Header) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		t.Fatalf("GET %s: %d, want %d: %s", url, resp.StatusCode, want, body)
	}
	return string(body), resp.Header
}

func attr(t *testing.T, html, name string) string {
	t.Helper()
	m := regexp.MustCompile(name + `="([^"]*)"`).FindStringSubmatch(html)
	if m == nil {
		t.Fatalf("no %s in the page", name)
	}
	return m[1]
}

type shownSite struct {
	Name, Status string
	Days         []struct{ Date, Level string }
}

// parseSites reads the sites and their day bars off the page, by the data attributes the page
// gives them for scripts and tests.
func parseSites(t *testing.T, html string) []shownSite {
	t.Helper()
	site := regexp.MustCompile(`<li class="sp-site" data-site="([^"]*)" data-status="([^"]*)">`)
	day := regexp.MustCompile(`data-date="([^"]*)" data-level="([^"]*)"`)
	var out []shownSite
	parts := site.Split(html, -1)
	for i, m := range site.FindAllStringSubmatch(html, -1) {
		s := shownSite{Name: m[1], Status: m[2]}
		for _, d := range day.FindAllStringSubmatch(parts[i+1], -1) {
			s.Days = append(s.Days, struct{ Date, Level string }{d[1], d[2]})
		}
		out = append(out, s)
	}
	return out
}

type svgDoc struct {
	Title string `xml:"title"`
	Rects []struct {
		Fill string `xml:"fill,attr"`
	} `xml:"g>rect"`
}

func parseSVG(t *testing.T, svg string) svgDoc {
	t.Helper()
	var doc svgDoc
	d := xml.NewDecoder(bytes.NewReader([]byte(svg)))
	d.Strict = true
	if err := d.Decode(&doc); err != nil {
		t.Fatalf("not valid XML: %v\n%s", err, svg)
	}
	return doc
}

// A site paused or deleted from the dashboard leaves the status pages showing it at once, as
// one paused through the API does: the dashboard's writes drop the pages' cached snapshots.
func TestDashboardEditsDropCachedStatusPages(t *testing.T) {
	bin := buildTocsin(t, "v0.0.0-status-cache-test")
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer target.Close()
	addr, dir := freeAddr(t), t.TempDir()
	env := append(cleanEnv(), "TOCSIN_ADDR="+addr, "DATABASE_URL=sqlite:"+filepath.Join(dir, "tocsin.db"),
		"TOCSIN_AUTH=off", "TOCSIN_MIN_INTERVAL_SECONDS=10")
	p := startBinary(t, bin, dir, env)
	base := "http://" + addr
	p.waitForReady(t, base)
	api := user{t: t, base: base}

	var shop, blog struct{ ID int64 }
	api.must("POST", "/sites", fmt.Sprintf(`{"url": %q, "name": "Shop", "check_interval_seconds": 300}`, target.URL), 201, &shop)
	api.must("POST", "/sites", fmt.Sprintf(`{"url": %q, "name": "Blog", "check_interval_seconds": 300}`, target.URL), 201, &blog)
	api.must("POST", "/status-pages", fmt.Sprintf(`{"slug": "acme", "title": "Acme",
		"sections": [{"title": "All", "site_ids": [%d, %d]}]}`, shop.ID, blog.ID), 201, nil)

	states := func() map[string]string {
		var page struct {
			Sections []struct {
				Sites []struct{ Name, Status string }
			}
		}
		api.must("GET", "/status/acme.json", "", 200, &page)
		got := map[string]string{}
		for _, sec := range page.Sections {
			for _, s := range sec.Sites {
				got[s.Name] = s.Status
			}
		}
		return got
	}
	if got := states(); got["Shop"] != "up" || got["Blog"] != "up" {
		t.Fatalf("before: %v, want both up", got)
	}
	form := func(path string) {
		resp, err := http.PostForm(base+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK { // the 303 was followed to the page
			t.Fatalf("POST %s: %d", path, resp.StatusCode)
		}
	}
	form(fmt.Sprintf("/app/sites/%d/pause", shop.ID))
	if got := states(); got["Shop"] != "paused" {
		t.Errorf("after pausing Shop in the dashboard the page shows %v, want Shop paused at once", got)
	}
	form(fmt.Sprintf("/app/sites/%d/delete", blog.ID))
	if got := states(); got["Blog"] != "" {
		t.Errorf("after deleting Blog in the dashboard the page shows %v, want Blog gone at once", got)
	}
}
