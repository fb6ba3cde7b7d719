package storetest

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
)

func testStatusPagesRoundTripAndSlugsAreUnique(t *testing.T, s store.Store) {
	ctx := context.Background()
	a := mustCreate(t, s, newSite(1, "a", 60, t0))
	b := mustCreate(t, s, newSite(1, "b", 60, t0))
	page := monitor.StatusPage{
		OwnerID: 1, Slug: "acme", Title: "Acme", Description: "Our services",
		Sections: []monitor.StatusSection{
			{Title: "Web", SiteIDs: []int64{b.ID, a.ID}},
			{Title: "API", SiteIDs: []int64{a.ID}},
		},
		ShowURLSiteIDs: []int64{b.ID},
		Maintenance:    []monitor.MaintenanceNote{{Message: "Database upgrade", From: t0.Add(time.Hour), To: t0.Add(2 * time.Hour)}},
		CreatedAt:      t0, UpdatedAt: t0,
	}
	created, err := s.CreateStatusPage(ctx, page)
	if err != nil {
		t.Fatal(err)
	}
	page.ID = created.ID
	if !reflect.DeepEqual(created, page) {
		t.Errorf("created\n%+v\nwant\n%+v", created, page)
	}
	for name, read := range map[string]func() (monitor.StatusPage, error){
		"by id":   func() (monitor.StatusPage, error) { return s.StatusPage(ctx, 1, created.ID) },
		"by slug": func() (monitor.StatusPage, error) { return s.StatusPageBySlug(ctx, "acme") },
	} {
		if got, err := read(); err != nil || !reflect.DeepEqual(got, page) {
			t.Errorf("%s: %+v, %v", name, got, err)
		}
	}
	if list, err := s.ListStatusPages(ctx, 1); err != nil || len(list) != 1 || list[0].ID != created.ID {
		t.Errorf("owner 1 lists %+v, %v", list, err)
	}

	// Another owner neither sees the page nor takes its slug.
	if list, err := s.ListStatusPages(ctx, 2); err != nil || len(list) != 0 {
		t.Errorf("owner 2 lists %+v, %v", list, err)
	}
	if _, err := s.StatusPage(ctx, 2, created.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("owner 2 reads the page: %v", err)
	}
	other := monitor.StatusPage{OwnerID: 2, Slug: "acme", Title: "Not Acme", CreatedAt: t0, UpdatedAt: t0}
	if _, err := s.CreateStatusPage(ctx, other); !errors.Is(err, store.ErrSlugTaken) {
		t.Errorf("a second page with the slug: %v", err)
	}
	other.Slug = "other"
	other, err = s.CreateStatusPage(ctx, other)
	if err != nil {
		t.Fatal(err)
	}
	other.Slug = "acme"
	if _, err := s.UpdateStatusPage(ctx, other); !errors.Is(err, store.ErrSlugTaken) {
		t.Errorf("renaming onto a taken slug: %v", err)
	}
	hijack := page
	hijack.OwnerID, hijack.Title = 2, "Hijacked"
	if _, err := s.UpdateStatusPage(ctx, hijack); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("owner 2 updates owner 1's page: %v", err)
	}
	if err := s.DeleteStatusPage(ctx, 2, created.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("owner 2 deletes owner 1's page: %v", err)
	}

	page.Slug, page.Title, page.Sections, page.ShowURLSiteIDs, page.Maintenance = "acme-2", "Acme 2",
		[]monitor.StatusSection{{Title: "", SiteIDs: []int64{a.ID}}}, nil, nil
	page.UpdatedAt = t0.Add(time.Minute)
	updated, err := s.UpdateStatusPage(ctx, page)
	if err != nil || !reflect.DeepEqual(updated, page) {
		t.Errorf("updated\n%+v, %v\nwant\n%+v", updated, err, page)
	}
	if _, err := s.StatusPageBySlug(ctx, "acme"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the old slug still finds the page: %v", err)
	}
	if err := s.DeleteStatusPage(ctx, 1, created.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.StatusPageBySlug(ctx, "acme-2"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a deleted page is found: %v", err)
	}
	if err := s.DeleteStatusPage(ctx, 1, created.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("deleting twice: %v", err)
	}
}

func testSitesByIDAreTheOwners(t *testing.T, s store.Store) {
	ctx := context.Background()
	a := mustCreate(t, s, newSite(1, "a", 60, t0))
	b := mustCreate(t, s, newSite(1, "b", 60, t0))
	theirs := mustCreate(t, s, newSite(2, "theirs", 60, t0))
	got, err := s.SitesByID(ctx, 1, []int64{b.ID, theirs.ID, a.ID, 999999})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].ID != a.ID || got[1].ID != b.ID || got[0].Name != "a" {
		t.Errorf("got %+v", got)
	}
	if got, err := s.SitesByID(ctx, 1, nil); err != nil || len(got) != 0 {
		t.Errorf("no ids: %+v, %v", got, err)
	}
}

// The events of a page's sites come in one query: those since from, and what was in force
// when from began.
func testSitesEventsReadWhatWasInForce(t *testing.T, s store.Store) {
	ctx := context.Background()
	// Checked hourly: at a shorter interval, an hour between checks is a gap in monitoring,
	// with events of its own.
	a := mustCreate(t, s, newSite(1, "a", 3600, t0))
	b := mustCreate(t, s, newSite(1, "b", 3600, t0))
	c := mustCreate(t, s, newSite(1, "c", 3600, t0))
	for i, st := range []monitor.Status{monitor.StatusUp, monitor.StatusDown, monitor.StatusUp, monitor.StatusDown} {
		at := t0.Add(time.Duration(i) * time.Hour)
		mustRecord(t, s, store.CheckResult{SiteID: a.ID, Result: result(st, at)},
			store.CheckResult{SiteID: c.ID, Result: result(st, at)})
	}
	mustRecord(t, s, store.CheckResult{SiteID: b.ID, Result: result(monitor.StatusUp, t0)})
	// a was paused for a while before from, and again after: the pause in force at from is
	// the last monitoring event before it.
	for _, ev := range []monitor.Event{
		monitor.PauseEvent(a.ID, t0.Add(70*time.Minute), true), monitor.PauseEvent(a.ID, t0.Add(80*time.Minute), false),
		monitor.PauseEvent(a.ID, t0.Add(150*time.Minute), true),
	} {
		if err := s.RecordMonitoring(ctx, 1, ev); err != nil {
			t.Fatal(err)
		}
	}

	from := t0.Add(90 * time.Minute) // after a's and c's down at 1h, before their up at 2h
	events, err := s.SitesEvents(ctx, []int64{a.ID, b.ID}, from)
	if err != nil {
		t.Fatal(err)
	}
	type ev struct {
		site int64
		at   time.Time
		to   monitor.EventState
	}
	var got []ev
	for _, e := range events {
		got = append(got, ev{e.SiteID, e.At, e.To})
		if e.Reason != "" {
			t.Errorf("a reason is read: %q", e.Reason)
		}
	}
	want := []ev{
		{b.ID, t0, "up"},                  // b's only event, before from: in force
		{a.ID, t0.Add(time.Hour), "down"}, // a's last status before from
		{a.ID, t0.Add(80 * time.Minute), monitor.MonitoringActive}, // and its last monitoring event
		{a.ID, t0.Add(2 * time.Hour), "up"},                        // and every one since
		{a.ID, t0.Add(150 * time.Minute), monitor.MonitoringPaused},
		{a.ID, t0.Add(3 * time.Hour), "down"},
	}
	slices.SortStableFunc(want, func(x, y ev) int { return x.at.Compare(y.at) })
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
	if events, err := s.SitesEvents(ctx, nil, from); err != nil || len(events) != 0 {
		t.Errorf("no sites: %+v, %v", events, err)
	}
}

func testBadgeTokens(t *testing.T, s store.Store) {
	ctx := context.Background()
	a := mustCreate(t, s, newSite(1, "a", 60, t0))
	b := mustCreate(t, s, newSite(1, "b", 60, t0))
	if _, err := s.SiteByBadgeToken(ctx, "h1"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("no token yet: %v", err)
	}
	if err := s.SetBadgeToken(ctx, 2, a.ID, "h1", t0); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("another owner sets a token: %v", err)
	}
	if err := s.SetBadgeToken(ctx, 1, a.ID, "h1", t0); err != nil {
		t.Fatal(err)
	}
	if err := s.SetBadgeToken(ctx, 1, b.ID, "hb", t0); err != nil {
		t.Fatal(err)
	}
	if got, err := s.SiteByBadgeToken(ctx, "h1"); err != nil || got.ID != a.ID || got.Name != "a" {
		t.Errorf("by token: %+v, %v", got, err)
	}
	if err := s.SetBadgeToken(ctx, 1, a.ID, "h2", t0); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SiteByBadgeToken(ctx, "h1"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a replaced token still works: %v", err)
	}
	if got, err := s.SiteByBadgeToken(ctx, "h2"); err != nil || got.ID != a.ID {
		t.Errorf("the new token: %+v, %v", got, err)
	}
	if err := s.DeleteBadgeToken(ctx, 2, a.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("another owner revokes: %v", err)
	}
	if err := s.DeleteBadgeToken(ctx, 1, a.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SiteByBadgeToken(ctx, "h2"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a revoked token still works: %v", err)
	}
	if err := s.DeleteBadgeToken(ctx, 1, a.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("revoking twice: %v", err)
	}
	if err := s.DeleteSite(ctx, 1, b.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SiteByBadgeToken(ctx, "hb"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a deleted site's token still works: %v", err)
	}
}
