// Package statuspage builds the public status pages: the data a page shows (View), computed
// from the store and an UptimeSource, and kept in a short-lived cache that a status change of
// one of the page's sites drops. The HTML form (internal/web) and the JSON form (internal/api)
// are both served from one cached Snapshot, so they always agree.
package statuspage

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
)

// MaxAge is how long a page's data is kept before it is computed again.
const MaxAge = 10 * time.Second

// Store is what the pages read: the page, its sites and its owner's maintenance windows.
type Store interface {
	StatusPageBySlug(ctx context.Context, slug string) (monitor.StatusPage, error)
	SitesByID(ctx context.Context, owner int64, ids []int64) ([]monitor.Site, error)
	ListMaintenance(ctx context.Context, owner int64) ([]monitor.Maintenance, error)
}

// Service serves pages' snapshots from its cache, computing each at most once per MaxAge
// however many requests ask at once.
type Service struct {
	store  Store
	uptime UptimeSource
	now    func() time.Time
	maxAge time.Duration

	mu      sync.Mutex
	entries map[string]*entry // by slug
}

type entry struct {
	ready   chan struct{} // closed once snap and err are set
	snap    *Snapshot
	err     error
	siteIDs []int64
}

// New returns a Service; maxAge 0 means MaxAge.
func New(st Store, uptime UptimeSource, now func() time.Time, maxAge time.Duration) *Service {
	if maxAge <= 0 {
		maxAge = MaxAge
	}
	return &Service{store: st, uptime: uptime, now: now, maxAge: maxAge, entries: map[string]*entry{}}
}

// Snapshot is one computation of a page: its view, and its JSON and HTML forms, each written
// on first use and kept, with an ETag, until Expires.
type Snapshot struct {
	View    View
	Expires time.Time

	json     sync.Once
	jsonBody []byte
	jsonErr  error

	html     sync.Once
	htmlBody []byte
	htmlErr  error
}

// JSON is the snapshot's JSON form and its ETag.
func (s *Snapshot) JSON() ([]byte, string, error) {
	s.json.Do(func() { s.jsonBody, s.jsonErr = json.Marshal(s.View) })
	return s.jsonBody, etag("j", s.jsonBody), s.jsonErr
}

// HTML renders the snapshot's page once with render and keeps it.
func (s *Snapshot) HTML(render func(View) ([]byte, error)) ([]byte, string, error) {
	s.html.Do(func() { s.htmlBody, s.htmlErr = render(s.View) })
	return s.htmlBody, etag("h", s.htmlBody), s.htmlErr
}

// MaxAge is how many whole seconds the snapshot may still be served, for Cache-Control.
func (s *Snapshot) MaxAge(now time.Time) int {
	return max(int(s.Expires.Sub(now)/time.Second), 0)
}

// ETag is a strong entity tag of body.
func ETag(body []byte) string { return etag("b", body) }

func etag(prefix string, body []byte) string {
	sum := sha256.Sum256(body)
	return `"` + prefix + hex.EncodeToString(sum[:12]) + `"`
}

// Page is the snapshot of the page with the slug: the cached one while it is fresh, otherwise
// a new one. Concurrent requests for a page being computed wait for that computation. A page
// that does not exist is store.ErrNotFound, not cached.
func (s *Service) Page(ctx context.Context, slug string) (*Snapshot, error) {
	s.mu.Lock()
	e, ok := s.entries[slug]
	if ok && e.isReady() && (e.err != nil || !s.now().Before(e.snap.Expires)) {
		ok = false
	}
	if !ok {
		e = &entry{ready: make(chan struct{})}
		s.entries[slug] = e
		s.mu.Unlock()
		s.fill(ctx, slug, e)
	} else {
		s.mu.Unlock()
	}
	select {
	case <-e.ready:
		return e.snap, e.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (e *entry) isReady() bool {
	select {
	case <-e.ready:
		return true
	default:
		return false
	}
}

// fill computes the entry. It outlives the request that started it (others may be waiting),
// within a bound of its own.
func (s *Service) fill(ctx context.Context, slug string, e *entry) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	snap, siteIDs, err := s.compute(ctx, slug)
	s.mu.Lock()
	defer s.mu.Unlock()
	e.snap, e.siteIDs, e.err = snap, siteIDs, err
	close(e.ready)
	if err != nil && s.entries[slug] == e {
		delete(s.entries, slug) // errors and unknown slugs are not kept
	}
}

func (s *Service) compute(ctx context.Context, slug string) (*Snapshot, []int64, error) {
	page, err := s.store.StatusPageBySlug(ctx, slug)
	if err != nil {
		return nil, nil, err
	}
	ids := page.SiteIDs()
	sites, err := s.store.SitesByID(ctx, page.OwnerID, ids)
	if err != nil {
		return nil, nil, fmt.Errorf("sites of status page %d: %w", page.ID, err)
	}
	windows, err := s.store.ListMaintenance(ctx, page.OwnerID)
	if err != nil {
		return nil, nil, fmt.Errorf("maintenance of status page %d: %w", page.ID, err)
	}
	now := s.now()
	uptime, err := s.uptime.PageUptime(ctx, sites, now, Days, now.Add(-IncidentDays*24*time.Hour))
	if err != nil {
		return nil, nil, fmt.Errorf("uptime of status page %d: %w", page.ID, err)
	}
	page.Maintenance = append(page.Maintenance, windowNotes(windows, sites, now)...)
	return &Snapshot{View: build(page, sites, uptime, now), Expires: now.Add(s.maxAge)}, ids, nil
}

// SiteChanged drops the cached pages that show the site, so its new status shows at once.
// Pages being computed are dropped too: they may have read the site before it changed.
func (s *Service) SiteChanged(siteID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for slug, e := range s.entries {
		if !e.isReady() || slices.Contains(e.siteIDs, siteID) {
			delete(s.entries, slug)
		}
	}
}

// Forget drops the cached page with the slug, after the page was changed or deleted.
func (s *Service) Forget(slugs ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, slug := range slugs {
		delete(s.entries, slug)
	}
}

// WindowsAhead is how far ahead a page announces the maintenance windows of its sites.
const WindowsAhead = 7 * 24 * time.Hour

// windowNotes are the maintenance windows covering any of the sites, as notes: each window's
// opening under way at now or next within WindowsAhead, under the window's title.
func windowNotes(windows []monitor.Maintenance, sites []monitor.Site, now time.Time) []monitor.MaintenanceNote {
	var notes []monitor.MaintenanceNote
	for _, m := range windows {
		if !slices.ContainsFunc(sites, func(s monitor.Site) bool { return m.Covers(s.ID) }) {
			continue
		}
		sched, err := m.Schedule()
		if err != nil {
			continue // stored windows were valid when saved
		}
		for _, p := range sched.Intervals(now.Add(-monitor.MaxMaintenanceDuration), now.Add(WindowsAhead)) {
			if p.To.After(now) {
				notes = append(notes, monitor.MaintenanceNote{Message: m.Title, From: p.From, To: p.To})
				break
			}
		}
	}
	slices.SortStableFunc(notes, func(a, b monitor.MaintenanceNote) int { return a.From.Compare(b.From) })
	return notes
}
