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

// testCheckBucketsAndEventsSince: checks are summed up per bucket and site, only the owner's;
// EventsSince holds the window's events and the last one of each kind before it.
func testCheckBucketsAndEventsSince(t *testing.T, s store.Store) {
	ctx := context.Background()
	a := mustCreate(t, s, newSite(1, "a", 60, t0))
	b := mustCreate(t, s, newSite(1, "b", 60, t0))
	other := mustCreate(t, s, newSite(2, "other", 60, t0))
	at := func(min int) time.Time { return t0.Add(time.Duration(min) * time.Minute) }
	slow := result(monitor.StatusUp, at(1))
	slow.ResponseTime = 300 * time.Millisecond
	fast := result(monitor.StatusUp, at(2))
	fast.ResponseTime = 100 * time.Millisecond
	mustRecord(t, s, store.CheckResult{SiteID: a.ID, Result: result(monitor.StatusDown, at(-61))}) // before the window
	mustRecord(t, s, store.CheckResult{SiteID: a.ID, Result: slow}, store.CheckResult{SiteID: b.ID, Result: result(monitor.StatusUp, at(1))})
	mustRecord(t, s, store.CheckResult{SiteID: a.ID, Result: fast})
	mustRecord(t, s, store.CheckResult{SiteID: a.ID, Result: result(monitor.StatusDown, at(65))}, store.CheckResult{SiteID: other.ID, Result: result(monitor.StatusUp, at(1))})

	got, err := s.CheckBuckets(ctx, 1, []int64{a.ID, b.ID, other.ID}, t0, t0.Add(3*time.Hour), time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if len(got[other.ID]) != 0 || len(got[b.ID]) != 1 || len(got[a.ID]) != 2 {
		t.Fatalf("buckets: %+v", got)
	}
	first := got[a.ID][0]
	if !first.At.Equal(t0) || first.Checks != 2 || first.Failed != 0 || first.MaxMS != 300 || first.AvgMS < 199 || first.AvgMS > 201 {
		t.Errorf("a's first hour: %+v", first)
	}
	if second := got[a.ID][1]; !second.At.Equal(t0.Add(time.Hour)) || second.Checks != 1 || second.Failed != 1 {
		t.Errorf("a's second hour: %+v", second)
	}

	events, err := s.EventsSince(ctx, 1, []int64{a.ID, b.ID, other.ID}, t0)
	if err != nil {
		t.Fatal(err)
	}
	if len(events[other.ID]) != 0 {
		t.Errorf("another owner's events: %+v", events[other.ID])
	}
	// a: down before the window (in force when it begins), up, down again.
	var tos []string
	for _, ev := range events[a.ID] {
		if ev.Kind == monitor.EventStatus { // the gaps between checks an hour apart are events too
			tos = append(tos, string(ev.To))
		}
	}
	if fmt.Sprint(tos) != "[down up down]" || !events[a.ID][0].At.Before(t0) {
		t.Errorf("a's events: %+v", events[a.ID])
	}
}
