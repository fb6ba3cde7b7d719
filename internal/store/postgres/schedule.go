package postgres

import (
	"context"
	"fmt"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
)

// ClaimDueSites locks due rows with SKIP LOCKED, so processes sharing the database each take
// different sites, and moves each claimed site's next check to the first slot of its schedule
// after now: a site that fell behind skips the slots it missed instead of being checked in a burst.
func (s *Store) ClaimDueSites(ctx context.Context, c store.Claim) ([]monitor.Site, error) {
	const q = `WITH due AS (
			SELECT id FROM sites
			WHERE NOT paused AND next_check_at <= $2 AND (claimed_until IS NULL OR claimed_until < $2)
			ORDER BY next_check_at
			LIMIT $4
			FOR UPDATE SKIP LOCKED)
		UPDATE sites SET
			claimed_by = $1,
			claimed_until = $2 + make_interval(secs => timeout_seconds) + $3::interval,
			next_check_at = next_check_at + make_interval(secs => check_interval_seconds
				* (floor(extract(epoch FROM $2 - next_check_at) / check_interval_seconds) + 1))
		FROM due WHERE sites.id = due.id
		RETURNING ` + siteColumns
	rows, err := s.pool.Query(ctx, q, c.Worker, c.Now, c.LeaseMargin, c.Limit)
	if err != nil {
		return nil, fmt.Errorf("claim due sites: %w", err)
	}
	return collectSites(rows)
}

func (s *Store) ResumeSchedule(ctx context.Context, r store.Resume) (int64, error) {
	// The new time keeps the site's phase: now + ((next_check_at - now) mod w), with w its
	// interval capped at the window, and mod made positive.
	const q = `UPDATE sites SET next_check_at = $1::timestamptz + make_interval(secs =>
			mod(mod(extract(epoch FROM next_check_at - $1), least(check_interval_seconds, $3::numeric))
				+ least(check_interval_seconds, $3::numeric), least(check_interval_seconds, $3::numeric)))
		WHERE NOT paused AND next_check_at < $1::timestamptz - $2::interval`
	tag, err := s.pool.Exec(ctx, q, r.Now, r.Grace, r.Window.Seconds())
	if err != nil {
		return 0, fmt.Errorf("resume schedule: %w", err)
	}
	return tag.RowsAffected(), nil
}
