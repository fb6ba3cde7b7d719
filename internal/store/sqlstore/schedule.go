package sqlstore

import (
	"context"
	"fmt"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
)

// ClaimDueSites runs the dialect's claim: the hot path of the schedule.
func (s *Store) ClaimDueSites(ctx context.Context, c store.Claim) ([]monitor.Site, error) {
	due := c.Due
	if due.IsZero() {
		due = c.Now
	}
	rows, err := s.write.query(ctx, s.d.ClaimSites, c.Worker, due, due.Add(c.LeaseMargin), c.Limit, c.Now)
	if err != nil {
		return nil, fmt.Errorf("claim due sites: %w", err)
	}
	sites, err := collect(rows, scanSite, "claimed sites")
	if err != nil {
		return nil, fmt.Errorf("claim due sites: %w", err)
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
