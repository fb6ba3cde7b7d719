package sqlstore

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
)

// claimedSlot is a site the claim took, the next check it moved the site to and the version
// of the site's settings.
type claimedSlot struct {
	site    int64
	next    time.Time
	version int64
}

// ClaimDueSites runs the dialect's claim, the hot path of the schedule, on the narrow
// schedule rows, then reads the definitions and state of the claimed sites the caller does not
// hold at their version.
func (s *Store) ClaimDueSites(ctx context.Context, c store.Claim) ([]monitor.Site, error) {
	due := c.Due
	if due.IsZero() {
		due = c.Now
	}
	rows, err := s.write.query(ctx, s.d.ClaimSites, c.Worker, due, due.Add(c.LeaseMargin), c.Limit, c.Now)
	if err != nil {
		return nil, fmt.Errorf("claim due sites: %w", err)
	}
	claimed, err := collectN(rows, min(c.Limit, 1024), func(row scanner) (claimedSlot, error) {
		var c claimedSlot
		err := row.Scan(&c.site, timeAt(&c.next), &c.version)
		return c, err
	}, "claims")
	if err != nil {
		return nil, fmt.Errorf("claim due sites: %w", err)
	}
	sites := make([]monitor.Site, 0, len(claimed))
	unheld := map[int64]claimedSlot{}
	for _, slot := range claimed {
		site, ok := monitor.Site{}, false
		if c.Held != nil {
			site, ok = c.Held(slot.site, slot.version)
		}
		if !ok {
			unheld[slot.site] = slot
			continue
		}
		site.NextCheckAt, site.Version = slot.next, slot.version
		sites = append(sites, site)
	}
	if len(unheld) == 0 {
		return sites, nil
	}
	read, err := s.claimedSites(ctx, slices.Collect(maps.Keys(unheld)))
	if err != nil {
		return nil, err
	}
	for _, site := range read {
		site.NextCheckAt, site.Version = unheld[site.ID].next, unheld[site.ID].version
		sites = append(sites, site)
	}
	return sites, nil
}

// claimedSites reads the definitions and state of claimed sites.
func (s *Store) claimedSites(ctx context.Context, ids []int64) ([]monitor.Site, error) {
	rows, err := s.read.query(ctx, `SELECT `+siteColumnsUnscheduled+` FROM sites WHERE id `+s.d.InIDs("$1"), ids)
	if err != nil {
		return nil, fmt.Errorf("read claimed sites: %w", err)
	}
	sites, err := collectN(rows, len(ids), newSiteScan().scan, "claimed sites")
	if err != nil {
		return nil, fmt.Errorf("read claimed sites: %w", err)
	}
	return sites, nil
}

func (s *Store) ResumeSchedule(ctx context.Context, r store.Resume) (int64, error) {
	res, err := s.write.exec(ctx, s.d.ResumeSchedule, r.Now, r.Now.Add(-r.Grace), r.Window.Microseconds())
	if err != nil {
		return 0, fmt.Errorf("resume schedule: %w", err)
	}
	return res.RowsAffected()
}
