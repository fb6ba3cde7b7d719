package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
)

// claimedSlot is a site the claim took and the next check it moved the site to.
type claimedSlot struct {
	site int64
	next time.Time
}

// ClaimDueSites runs the dialect's claim, the hot path of the schedule, on the narrow
// schedule rows, then reads the claimed sites' definitions and state.
func (s *Store) ClaimDueSites(ctx context.Context, c store.Claim) ([]monitor.Site, error) {
	due := c.Due
	if due.IsZero() {
		due = c.Now
	}
	rows, err := s.write.query(ctx, s.d.ClaimSites, c.Worker, due, due.Add(c.LeaseMargin), c.Limit, c.Now)
	if err != nil {
		return nil, fmt.Errorf("claim due sites: %w", err)
	}
	claimed, err := collect(rows, func(row scanner) (claimedSlot, error) {
		var c claimedSlot
		err := row.Scan(&c.site, timeAt(&c.next))
		return c, err
	}, "claims")
	if err != nil {
		return nil, fmt.Errorf("claim due sites: %w", err)
	}
	if len(claimed) == 0 {
		return []monitor.Site{}, nil
	}
	ids := make([]int64, len(claimed))
	for i, c := range claimed {
		ids[i] = c.site
	}
	rows, err = s.read.query(ctx, `SELECT `+siteColumnsUnscheduled+` FROM sites WHERE id `+s.d.InIDs("$1"), ids)
	if err != nil {
		return nil, fmt.Errorf("read claimed sites: %w", err)
	}
	sites, err := collect(rows, scanSite, "claimed sites")
	if err != nil {
		return nil, fmt.Errorf("read claimed sites: %w", err)
	}
	next := make(map[int64]time.Time, len(claimed))
	for _, c := range claimed {
		next[c.site] = c.next
	}
	for i := range sites {
		sites[i].NextCheckAt = next[sites[i].ID]
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
