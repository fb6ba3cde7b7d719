package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
)

// testSitesDigestChangesWithWhatTheOverviewShows: the digest counts the owner's sites by
// state, and changes when a site is added, deleted, paused or changes status; other owners'
// sites do not count.
func testSitesDigestChangesWithWhatTheOverviewShows(t *testing.T, s store.Store) {
	ctx := context.Background()
	digest := func() store.SitesDigest {
		t.Helper()
		d, err := s.SitesDigest(ctx, 1)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	if d := digest(); d.Sites != 0 || d.LastChange != nil || d.IDSum != 0 {
		t.Fatalf("no sites: %+v", d)
	}
	a := mustCreate(t, s, newSite(1, "a", 60, t0))
	b := mustCreate(t, s, newSite(1, "b", 60, t0))
	mustCreate(t, s, newSite(2, "other", 60, t0))
	before := digest()
	if before.Sites != 2 || before.Pending != 2 || before.IDSum != a.ID+b.ID || before.LastChange == nil || !before.LastChange.Equal(t0) {
		t.Fatalf("two new sites: %+v", before)
	}
	later := t0.Add(time.Minute)
	mustRecord(t, s, store.CheckResult{SiteID: a.ID, Result: result(monitor.StatusDown, later)},
		store.CheckResult{SiteID: b.ID, Result: result(monitor.StatusUp, later)})
	d := digest()
	if d.Down != 1 || d.Up != 1 || d.Pending != 0 || d.LastChange == nil || !d.LastChange.Equal(later) {
		t.Errorf("after checks: %+v", d)
	}
	b.Paused = true
	if _, err := s.UpdateSite(ctx, b, false); err != nil {
		t.Fatal(err)
	}
	if d := digest(); d.Paused != 1 || d.Up != 0 || d.Down != 1 {
		t.Errorf("after pausing: %+v", d)
	}
	if err := s.DeleteSite(ctx, 1, b.ID); err != nil {
		t.Fatal(err)
	}
	if d := digest(); d.Sites != 1 || d.IDSum != a.ID || d.Paused != 0 {
		t.Errorf("after deleting: %+v", d)
	}
}

// testSitePageIsWorstFirstFilteredAndPaged: SitePage orders down, pending, up, paused (by
// name within each), searches names and URLs in any case, filters by state, and pages.
func testSitePageIsWorstFirstFilteredAndPaged(t *testing.T, s store.Store) {
	ctx := context.Background()
	ids := map[string]int64{}
	for _, name := range []string{"Echo", "alpha", "delta", "bravo", "charlie", "foxtrot", "50%_off"} {
		site := newSite(1, name, 60, t0)
		site.Paused = name == "foxtrot"
		ids[name] = mustCreate(t, s, site).ID
	}
	mustCreate(t, s, newSite(2, "alpha-of-another", 60, t0))
	at := t0.Add(time.Minute)
	mustRecord(t, s, store.CheckResult{SiteID: ids["delta"], Result: result(monitor.StatusDown, at)},
		store.CheckResult{SiteID: ids["bravo"], Result: result(monitor.StatusDown, at)},
		store.CheckResult{SiteID: ids["alpha"], Result: result(monitor.StatusUp, at)},
		store.CheckResult{SiteID: ids["Echo"], Result: result(monitor.StatusUp, at)})
	names := func(q store.SitePageQuery) ([]string, int) {
		t.Helper()
		if q.Limit == 0 {
			q.Limit = 100
		}
		sites, matched, err := s.SitePage(ctx, 1, q)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, site := range sites {
			out = append(out, site.Name)
		}
		return out, matched
	}
	tests := []struct {
		q       store.SitePageQuery
		want    []string
		matched int
	}{
		{store.SitePageQuery{}, []string{"bravo", "delta", "50%_off", "charlie", "alpha", "Echo", "foxtrot"}, 7},
		{store.SitePageQuery{Limit: 2, Offset: 2}, []string{"50%_off", "charlie"}, 7},
		{store.SitePageQuery{Limit: 2, Offset: 100}, nil, 7}, // past the end: still counted
		{store.SitePageQuery{Limit: 2, Counted: true}, []string{"bravo", "delta"}, -1},
		{store.SitePageQuery{State: "down"}, []string{"bravo", "delta"}, 2},
		{store.SitePageQuery{State: "paused"}, []string{"foxtrot"}, 1},
		{store.SitePageQuery{State: "up"}, []string{"alpha", "Echo"}, 2},
		{store.SitePageQuery{Search: "ECHO"}, []string{"Echo"}, 1},
		{store.SitePageQuery{Search: "127.0.0.1:1/b"}, []string{"bravo"}, 1}, // the URL
		{store.SitePageQuery{Search: "%"}, []string{"50%_off"}, 1},           // no wildcard
		{store.SitePageQuery{Search: "a", State: "down"}, []string{"bravo", "delta"}, 2},
	}
	for _, tt := range tests {
		got, matched := names(tt.q)
		if fmt.Sprint(got) != fmt.Sprint(tt.want) || matched != tt.matched {
			t.Errorf("%+v: %v (%d matched), want %v (%d)", tt.q, got, matched, tt.want, tt.matched)
		}
	}
}
