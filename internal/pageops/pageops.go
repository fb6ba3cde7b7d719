// Package pageops adds, changes and deletes status pages the way every front end does: the
// JSON API and the dashboard's forms both go through it, so a page passes one set of rules
// whichever way it comes in, and its public form is never served stale after a change.
// monitor holds the rules a page follows on its own (StatusPage.Validate); here is the one that
// needs the store: every site a page shows is its owner's. That a slug is not another page's
// (any owner's) the store decides, as store.ErrSlugTaken.
package pageops

import (
	"context"
	"fmt"

	"github.com/tocsin/tocsin/internal/monitor"
)

// Store is what managing status pages reads and writes.
type Store interface {
	CreateStatusPage(ctx context.Context, p monitor.StatusPage) (monitor.StatusPage, error)
	UpdateStatusPage(ctx context.Context, p monitor.StatusPage) (monitor.StatusPage, error)
	DeleteStatusPage(ctx context.Context, owner, id int64) error
	SitesByID(ctx context.Context, owner int64, ids []int64) ([]monitor.Site, error)
}

// Cache keeps the public pages' computed data (statuspage.Service); a page changed or deleted
// is dropped from it, so /status/{slug} shows the change at once.
type Cache interface {
	Forget(slugs ...string)
}

// Pages applies the rules and keeps the cache honest.
type Pages struct {
	Store Store
	Cache Cache
}

// Check validates the page: monitor's rules, then that every site on it is the owner's.
// Another owner's site is refused as if it did not exist, naming the section that lists it.
// Errors about the page are *monitor.FieldError.
func (s *Pages) Check(ctx context.Context, p monitor.StatusPage) error {
	if err := p.Validate(); err != nil {
		return err
	}
	sites, err := s.Store.SitesByID(ctx, p.OwnerID, p.SiteIDs())
	if err != nil {
		return err
	}
	own := make(map[int64]bool, len(sites))
	for _, site := range sites {
		own[site.ID] = true
	}
	for i, sec := range p.Sections {
		for _, id := range sec.SiteIDs {
			if !own[id] {
				return &monitor.FieldError{Field: fmt.Sprintf("sections[%d].site_ids", i),
					Message: fmt.Sprintf("there is no site %d among yours", id)}
			}
		}
	}
	return nil
}

// Create checks the page and stores it; a slug in use is store.ErrSlugTaken.
func (s *Pages) Create(ctx context.Context, p monitor.StatusPage) (monitor.StatusPage, error) {
	if err := s.Check(ctx, p); err != nil {
		return monitor.StatusPage{}, err
	}
	created, err := s.Store.CreateStatusPage(ctx, p)
	if err != nil {
		return monitor.StatusPage{}, err
	}
	// The cache keeps no misses today; forgetting keeps it right should it ever.
	s.Cache.Forget(created.Slug)
	return created, nil
}

// Update checks after, the page before was, and stores it; the public page is dropped from the
// cache under both slugs, since the slug may have changed.
func (s *Pages) Update(ctx context.Context, before, after monitor.StatusPage) (monitor.StatusPage, error) {
	if err := s.Check(ctx, after); err != nil {
		return monitor.StatusPage{}, err
	}
	saved, err := s.Store.UpdateStatusPage(ctx, after)
	if err != nil {
		return monitor.StatusPage{}, err
	}
	s.Cache.Forget(before.Slug, saved.Slug)
	return saved, nil
}

// Delete removes the owner's page p and drops its public form.
func (s *Pages) Delete(ctx context.Context, p monitor.StatusPage) error {
	if err := s.Store.DeleteStatusPage(ctx, p.OwnerID, p.ID); err != nil {
		return err
	}
	s.Cache.Forget(p.Slug)
	return nil
}
