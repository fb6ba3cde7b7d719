package statuspage

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
)

var t0 = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

// fakeStore holds pages and sites in memory and counts the reads that reach it.
type fakeStore struct {
	mu    sync.Mutex
	pages map[string]monitor.StatusPage
	sites map[int64]monitor.Site
	reads atomic.Int32
	slow  chan struct{} // when set, reads wait for it to close
}

func (f *fakeStore) StatusPageBySlug(ctx context.Context, slug string) (monitor.StatusPage, error) {
	f.reads.Add(1)
	if f.slow != nil {
		<-f.slow
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	p, ok := f.pages[slug]
	if !ok {
		return p, store.ErrNotFound
	}
	return p, nil
}

func (f *fakeStore) SitesByID(ctx context.Context, owner int64, ids []int64) ([]monitor.Site, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []monitor.Site
	for _, id := range ids {
		if s, ok := f.sites[id]; ok && s.OwnerID == owner {
			out = append(out, s)
		}
	}
	return out, nil
}

func (f *fakeStore) ListMaintenance(ctx context.Context, owner int64) ([]monitor.Maintenance, error) {
	return []monitor.Maintenance{
		{OwnerID: 7, Title: "Database upgrade", SiteIDs: []int64{2}, Start: t0.Add(2 * time.Hour), End: t0.Add(3 * time.Hour)},
		{OwnerID: 7, Title: "Long over", SiteIDs: []int64{2}, Start: t0.Add(-48 * time.Hour), End: t0.Add(-47 * time.Hour)},
		{OwnerID: 7, Title: "Far ahead", SiteIDs: []int64{2}, Start: t0.Add(30 * 24 * time.Hour), End: t0.Add(31 * 24 * time.Hour)},
		{OwnerID: 7, Title: "Not on the page", SiteIDs: []int64{9}, Start: t0.Add(time.Hour), End: t0.Add(2 * time.Hour)},
		{OwnerID: 7, Title: "Every night", AllSites: true, Cron: "0 3 * * *", Duration: time.Hour},
	}, nil
}

func (f *fakeStore) SitesEvents(ctx context.Context, ids []int64, from time.Time) ([]monitor.Event, error) {
	return []monitor.Event{
		{SiteID: 2, At: t0.Add(-48 * time.Hour), From: "pending", To: "up"},
		{SiteID: 2, At: t0.Add(-time.Hour), From: "up", To: "down", Reason: "expected status 200, got 503 at 10.0.0.7"},
	}, nil
}

func newFake() *fakeStore {
	return &fakeStore{
		pages: map[string]monitor.StatusPage{
			"acme": {ID: 1, OwnerID: 7, Slug: "acme", Title: "Acme", ShowURLSiteIDs: []int64{1},
				Sections: []monitor.StatusSection{{Title: "Web", SiteIDs: []int64{1, 2}}, {Title: "Gone", SiteIDs: []int64{3, 4}}}},
			"other": {ID: 2, OwnerID: 7, Slug: "other", Title: "Other", Sections: []monitor.StatusSection{{SiteIDs: []int64{1}}}},
		},
		sites: map[int64]monitor.Site{
			1: {ID: 1, OwnerID: 7, Name: "Shop", URL: "https://shop.example/", Status: monitor.StatusUp},
			2: {ID: 2, OwnerID: 7, Name: "API", URL: "https://api.example/secret-path", Status: monitor.StatusDown, LastError: "boom"},
			4: {ID: 4, OwnerID: 8, Name: "Not theirs", Status: monitor.StatusUp},
		},
	}
}

func newService(f *fakeStore, clock *time.Time) *Service {
	return New(f, EventUptime{Events: f}, func() time.Time { return *clock }, 0)
}

func TestAPageShowsOnlyWhatItsOwnerChose(t *testing.T) {
	f, clock := newFake(), t0
	snap, err := newService(f, &clock).Page(context.Background(), "acme")
	if err != nil {
		t.Fatal(err)
	}
	v := snap.View
	if v.State != monitor.PagePartialOutage || len(v.Sections) != 2 || len(v.Sections[0].Sites) != 2 || len(v.Sections[1].Sites) != 0 {
		t.Fatalf("view: %+v", v)
	}
	shop, api := v.Sections[0].Sites[0], v.Sections[0].Sites[1]
	if shop.URL != "https://shop.example/" || api.URL != "" {
		t.Errorf("URLs: shop %q (opted in), API %q (not)", shop.URL, api.URL)
	}
	if len(api.Days) != Days || api.Days[Days-1].Level != monitor.DayMajor || api.Days[Days-4].Level != monitor.DayNoData || api.Days[Days-3].Level != monitor.DayUp {
		t.Errorf("the API's last days: %+v", api.Days[Days-4:])
	}
	if len(v.Incidents) != 1 || v.Incidents[0].Site != "API" || !v.Incidents[0].Ongoing || v.Incidents[0].DurationSeconds != 3600 {
		t.Errorf("incidents: %+v", v.Incidents)
	}
	if len(v.Maintenance) != 2 || v.Maintenance[0].Message != "Database upgrade" || !v.Maintenance[0].From.Equal(t0.Add(2*time.Hour)) ||
		v.Maintenance[1].Message != "Every night" || !v.Maintenance[1].From.Equal(time.Date(2026, 11, 24, 3, 0, 0, 0, time.UTC)) {
		t.Errorf("maintenance: %+v", v.Maintenance)
	}
	body, tag, err := snap.JSON()
	if err != nil || tag == "" {
		t.Fatal(err)
	}
	for _, private := range []string{"secret-path", "boom", "503", "10.0.0.7", `"id"`, "Not theirs"} {
		if strings.Contains(string(body), private) {
			t.Errorf("the page shows %q: %s", private, body)
		}
	}
}

func TestACachedPageIsComputedOnceForManyRequests(t *testing.T) {
	f, clock := newFake(), t0
	f.slow = make(chan struct{})
	s := newService(f, &clock)
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() {
			if _, err := s.Page(context.Background(), "acme"); err != nil {
				t.Error(err)
			}
		})
	}
	time.Sleep(20 * time.Millisecond) // let them all ask while the first is computing
	close(f.slow)
	wg.Wait()
	if n := f.reads.Load(); n != 1 {
		t.Errorf("%d reads for 50 requests at once", n)
	}
	clock = t0.Add(MaxAge - time.Second)
	s.Page(context.Background(), "acme")
	if n := f.reads.Load(); n != 1 {
		t.Errorf("a fresh page was read again")
	}
	clock = t0.Add(MaxAge)
	s.Page(context.Background(), "acme")
	if n := f.reads.Load(); n != 2 {
		t.Errorf("a page %s old was not read again", MaxAge)
	}
}

func TestAStatusChangeDropsThePagesThatShowTheSite(t *testing.T) {
	f, clock := newFake(), t0
	s := newService(f, &clock)
	ctx := context.Background()
	s.Page(ctx, "acme")
	s.Page(ctx, "other")
	s.SiteChanged(2) // on acme only
	s.Page(ctx, "acme")
	s.Page(ctx, "other")
	if n := f.reads.Load(); n != 3 {
		t.Errorf("%d reads, want 3: acme twice, other once", n)
	}
	s.Forget("other")
	s.Page(ctx, "other")
	if n := f.reads.Load(); n != 4 {
		t.Errorf("a forgotten page was not read again")
	}
}

func TestAnUnknownSlugIsNotFoundAndNotCached(t *testing.T) {
	f, clock := newFake(), t0
	s := newService(f, &clock)
	for range 2 {
		if _, err := s.Page(context.Background(), "nope"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("unknown slug: %v", err)
		}
	}
	f.mu.Lock()
	f.pages["nope"] = monitor.StatusPage{Slug: "nope", Title: "Now it exists", OwnerID: 7}
	f.mu.Unlock()
	if snap, err := s.Page(context.Background(), "nope"); err != nil || snap.View.Title != "Now it exists" {
		t.Errorf("a page made after a 404: %v", err)
	}
}

func TestDurationsAreSaidInTwoUnitsAtMost(t *testing.T) {
	for d, want := range map[time.Duration]string{0: "0 s", 40 * time.Second: "40 s", 5 * time.Minute: "5 min",
		47*time.Minute + 3*time.Second: "47 min 3 s", 5*time.Hour + 15*time.Minute: "5 h 15 min", 50 * time.Hour: "2 d 2 h", -time.Second: "0 s"} {
		if got := humanDuration(d); got != want {
			t.Errorf("humanDuration(%s) = %q, want %q", d, got, want)
		}
	}
}

func TestAPausedSitesDaysSinceItsLastCheckHaveNoData(t *testing.T) {
	f, clock := newFake(), t0
	last := t0.Add(-47 * time.Hour)
	api := f.sites[2]
	api.Paused, api.LastChecked = true, &last
	f.sites[2] = api
	snap, err := newService(f, &clock).Page(context.Background(), "acme")
	if err != nil {
		t.Fatal(err)
	}
	v := snap.View.Sections[0].Sites[1]
	if v.Status != "paused" || v.Days[Days-3].Level != monitor.DayUp || v.Days[Days-2].Level != monitor.DayNoData || v.Days[Days-1].Level != monitor.DayNoData {
		t.Errorf("a paused site: %s, last days %+v", v.Status, v.Days[Days-3:])
	}
	if snap.View.State != monitor.PageOperational {
		t.Errorf("a paused site down is no outage: %s", snap.View.State)
	}
}
