package web

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/tocsin/tocsin/internal/monitor"
)

const (
	up      = monitor.StatusUp
	down    = monitor.StatusDown
	pending = monitor.StatusPending
)

func TestOverviewListsSitesWorstFirstWithPausedApart(t *testing.T) {
	forEachStore(t, func(t *testing.T, f *fixture) {
		f.add(site{name: "blog", checks: []monitor.Status{up}})
		f.add(site{name: "api", checks: []monitor.Status{up, down}})
		f.add(site{name: "new"})
		f.add(site{name: "archive", checks: []monitor.Status{down}, paused: true})
		f.add(site{name: "Admin", checks: []monitor.Status{down}})
		f.add(site{name: "shop", checks: []monitor.Status{down, up}})

		got := f.get("/")
		if got.status != http.StatusOK {
			t.Fatalf("%d\n%s", got.status, got.body)
		}
		want := []row{{"Admin", "down"}, {"api", "down"}, {"new", "pending"}, {"blog", "up"}, {"shop", "up"}, {"archive", "paused"}}
		if r := rows(got.body); !slices.Equal(r, want) {
			t.Errorf("rows %v, want %v", r, want)
		}
		if !strings.Contains(got.body, "<title>2 down · Tocsin</title>") {
			t.Errorf("the title does not say how many are down:\n%.400s", got.body)
		}
		// The paused site sits in its own group, after the others.
		if i, j := strings.Index(got.body, `<tbody class="paused-group">`), strings.Index(got.body, ">archive<"); i < 0 || j < i {
			t.Errorf("paused site is not in the paused group")
		}
		for _, count := range []string{`<span class="count-n">2</span><span class="badge tone-down">`,
			`<span class="count-n">1</span><span class="badge tone-pending">`,
			`<span class="count-n">2</span><span class="badge tone-up">`,
			`<span class="count-n">1</span><span class="badge tone-paused">`} {
			if !strings.Contains(got.body, count) {
				t.Errorf("missing count %s", count)
			}
		}
		// A down site says why, beside its name.
		if !strings.Contains(got.body, `<span class="error">expected status 200, got 503</span>`) {
			t.Errorf("a down site's error is not shown")
		}
	})
}

func TestOverviewStatusIsNeverColourAlone(t *testing.T) {
	f := newFixture(t, openSQLite(t), true)
	f.add(site{name: "a", checks: []monitor.Status{down}})
	body := f.get("/").body
	want := `<span class="badge tone-down"><span class="shape" aria-hidden="true"></span>Down</span>`
	if !strings.Contains(body, want) {
		t.Errorf("the status badge has no word:\n%s", body)
	}
}

func TestOverviewSearchesAndFilters(t *testing.T) {
	forEachStore(t, func(t *testing.T, f *fixture) {
		f.add(site{name: "shop-eu", checks: []monitor.Status{down}})
		f.add(site{name: "shop-us", checks: []monitor.Status{up}})
		f.add(site{name: "blog", checks: []monitor.Status{up}})
		f.add(site{name: "status", paused: true})
		tests := []struct {
			query string
			want  []string
		}{
			{"q=shop", []string{"shop-eu", "shop-us"}},
			{"q=SHOP-US", []string{"shop-us"}},
			{"q=blog.example", []string{"blog"}}, // the URL matches too
			{"status=up", []string{"blog", "shop-us"}},
			{"status=down&q=us", nil},
			{"status=paused", []string{"status"}},
			{"status=pending", nil},
			{"q=nothing-like-it", nil},
		}
		for _, tt := range tests {
			got := f.get("/?" + tt.query)
			if n := names(rows(got.body)); !slices.Equal(n, tt.want) {
				t.Errorf("?%s: %v, want %v", tt.query, n, tt.want)
			}
			if tt.want == nil && !strings.Contains(got.body, "No site matches.") {
				t.Errorf("?%s: no empty-result message", tt.query)
			}
		}
		// The form keeps what was asked.
		body := f.get("/?q=shop&status=down").body
		if !strings.Contains(body, `value="shop"`) || !strings.Contains(body, `<option value="down" selected>`) {
			t.Errorf("the form forgot the query")
		}
	})
}

func TestOverviewNeverRendersMoreThanOnePage(t *testing.T) {
	f := newFixture(t, openSQLite(t), true)
	for i := range sitesPerPage*2 + 5 {
		f.add(site{name: fmt.Sprintf("site-%03d", i)})
	}
	first := f.get("/")
	if n := len(rows(first.body)); n != sitesPerPage {
		t.Fatalf("first page has %d rows, want %d", n, sitesPerPage)
	}
	if !strings.Contains(first.body, `href="/?page=2" rel="next"`) || strings.Contains(first.body, `rel="prev"`) {
		t.Errorf("first page's links are wrong")
	}
	last := f.get("/?page=3")
	if r := names(rows(last.body)); len(r) != 5 || r[0] != "site-100" {
		t.Errorf("last page: %v", r)
	}
	if !strings.Contains(last.body, "101–105 of 105") || !strings.Contains(last.body, `href="/?page=2" rel="prev"`) {
		t.Errorf("last page's range or links are wrong")
	}
	// Past the end is the last page, not an empty one.
	if r := rows(f.get("/?page=99").body); len(r) != 5 {
		t.Errorf("page 99 has %d rows, want the last page's 5", len(r))
	}
	// Paging keeps the filter.
	if body := f.get("/?q=site-0&page=1").body; !strings.Contains(body, `href="/?page=2&amp;q=site-0" rel="next"`) {
		t.Errorf("the next link lost the search")
	}
}

func TestOverviewEscapesWhatUsersWrote(t *testing.T) {
	f := newFixture(t, openSQLite(t), true)
	f.add(site{name: `<script>alert(1)</script>`})
	body := f.get("/").body
	if strings.Contains(body, "<script>alert(1)") || !strings.Contains(body, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Errorf("a site's name reached the page unescaped")
	}
}

func TestOverviewShowsOnlyTheViewersSites(t *testing.T) {
	f := newFixture(t, openSQLite(t), true)
	f.add(site{name: "mine"})
	f.add(site{name: "theirs", owner: 42})
	if n := names(rows(f.get("/").body)); !slices.Equal(n, []string{"mine"}) {
		t.Errorf("sites %v, want only mine", n)
	}
}
