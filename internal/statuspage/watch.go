package statuspage

import (
	"context"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
)

// Watch returns st with every write that can change what a status page shows of a site (a
// recorded status change, an edit such as a pause, a deletion) telling pages, so that their
// cached snapshots are dropped. Main hands the result to the scheduler and the API.
func Watch(st store.Store, pages *Service) store.Store {
	return watched{Store: st, pages: pages}
}

type watched struct {
	store.Store
	pages *Service
}

func (w watched) RecordChecks(ctx context.Context, results []store.CheckResult) ([]store.Recorded, error) {
	recs, err := w.Store.RecordChecks(ctx, results)
	for _, r := range recs {
		if r.Event != nil {
			w.pages.SiteChanged(r.Check.SiteID)
		}
	}
	return recs, err
}

func (w watched) UpdateSite(ctx context.Context, site monitor.Site, reschedule bool) (monitor.Site, error) {
	saved, err := w.Store.UpdateSite(ctx, site, reschedule)
	if err == nil {
		w.pages.SiteChanged(site.ID)
	}
	return saved, err
}

func (w watched) DeleteSite(ctx context.Context, owner, id int64) error {
	err := w.Store.DeleteSite(ctx, owner, id)
	if err == nil {
		w.pages.SiteChanged(id)
	}
	return err
}

func (w watched) RecordMonitoring(ctx context.Context, owner int64, ev monitor.Event) error {
	err := w.Store.RecordMonitoring(ctx, owner, ev)
	if err == nil {
		w.pages.SiteChanged(ev.SiteID)
	}
	return err
}
