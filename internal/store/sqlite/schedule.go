package sqlite

import (
	"context"
	"fmt"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
)

// ClaimDueSites moves each claimed site's next check to the first slot of its schedule after
// now, so a site that fell behind skips the slots it missed instead of being checked in a burst.
func (s *Store) ClaimDueSites(ctx context.Context, c store.Claim) ([]monitor.Site, error) {
	const q = `UPDATE sites SET
		claimed_by = ?1,
		claimed_until = ?2 + timeout_seconds * 1000000 + ?3,
		next_check_at = next_check_at + check_interval_seconds * 1000000
			* ((?2 - next_check_at) / (check_interval_seconds * 1000000) + 1)
		WHERE id IN (
			SELECT id FROM sites
			WHERE paused = 0 AND next_check_at <= ?2 AND (claimed_until IS NULL OR claimed_until < ?2)
			ORDER BY next_check_at
			LIMIT ?4)
		RETURNING ` + siteColumns
	rows, err := s.write.QueryContext(ctx, q, c.Worker, micros(c.Now), c.LeaseMargin.Microseconds(), c.Limit)
	if err != nil {
		return nil, fmt.Errorf("claim due sites: %w", err)
	}
	return collectSites(rows)
}

func (s *Store) ResumeSchedule(ctx context.Context, r store.Resume) (int64, error) {
	// The new time keeps the site's phase: now + ((next_check_at - now) mod w), with w its
	// interval capped at the window, and mod made positive.
	const q = `UPDATE sites SET next_check_at = ?1 +
			(((next_check_at - ?1) % min(check_interval_seconds * 1000000, ?3)) + min(check_interval_seconds * 1000000, ?3))
			% min(check_interval_seconds * 1000000, ?3)
		WHERE paused = 0 AND next_check_at < ?1 - ?2`
	res, err := s.write.ExecContext(ctx, q, micros(r.Now), r.Grace.Microseconds(), r.Window.Microseconds())
	if err != nil {
		return 0, fmt.Errorf("resume schedule: %w", err)
	}
	return res.RowsAffected()
}
