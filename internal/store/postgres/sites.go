package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
)

const siteColumns = `id, owner_id, name, url, check_interval_seconds, timeout_seconds, expected_status_code,
	paused, status, status_code, response_time_ms, last_error, last_checked, last_status_change,
	consecutive_failures, consecutive_successes, next_check_at, created_at`

func scanSite(row pgx.Row) (monitor.Site, error) {
	var s monitor.Site
	err := row.Scan(&s.ID, &s.OwnerID, &s.Name, &s.URL, &s.CheckIntervalSeconds, &s.TimeoutSeconds,
		&s.ExpectedStatusCode, &s.Paused, &s.Status, &s.StatusCode, &s.ResponseTimeMS, &s.LastError,
		&s.LastChecked, &s.LastStatusChange, &s.ConsecutiveFailures, &s.ConsecutiveSuccesses,
		&s.NextCheckAt, &s.CreatedAt)
	if err != nil {
		return monitor.Site{}, err
	}
	s.NextCheckAt, s.CreatedAt = s.NextCheckAt.UTC(), s.CreatedAt.UTC()
	s.LastChecked, s.LastStatusChange = utcPtr(s.LastChecked), utcPtr(s.LastStatusChange)
	return s, nil
}

func (s *Store) CreateSite(ctx context.Context, site monitor.Site) (monitor.Site, error) {
	const q = `INSERT INTO sites (owner_id, name, url, check_interval_seconds, timeout_seconds,
		expected_status_code, paused, status, next_check_at, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', $8, $9)
		RETURNING ` + siteColumns
	created, err := scanSite(s.pool.QueryRow(ctx, q, site.OwnerID, site.Name, site.URL, site.CheckIntervalSeconds,
		site.TimeoutSeconds, site.ExpectedStatusCode, site.Paused, site.NextCheckAt, site.CreatedAt))
	if err != nil {
		return monitor.Site{}, fmt.Errorf("create site: %w", err)
	}
	return created, nil
}

func (s *Store) Site(ctx context.Context, owner, id int64) (monitor.Site, error) {
	const q = `SELECT ` + siteColumns + ` FROM sites WHERE id = $1 AND owner_id = $2`
	site, err := scanSite(s.pool.QueryRow(ctx, q, id, owner))
	if errors.Is(err, pgx.ErrNoRows) {
		return monitor.Site{}, store.ErrNotFound
	}
	if err != nil {
		return monitor.Site{}, fmt.Errorf("get site %d: %w", id, err)
	}
	return site, nil
}

func (s *Store) ListSites(ctx context.Context, owner int64, f store.SiteFilter) ([]monitor.Site, error) {
	const q = `SELECT ` + siteColumns + ` FROM sites
		WHERE owner_id = $1 AND ($2 = '' OR status = $2) ORDER BY id`
	rows, err := s.pool.Query(ctx, q, owner, string(f.Status))
	if err != nil {
		return nil, fmt.Errorf("list sites: %w", err)
	}
	return collectSites(rows)
}

func collectSites(rows pgx.Rows) ([]monitor.Site, error) {
	sites, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (monitor.Site, error) { return scanSite(row) })
	if err != nil {
		return nil, fmt.Errorf("scan sites: %w", err)
	}
	if sites == nil {
		sites = []monitor.Site{}
	}
	return sites, nil
}

func (s *Store) UpdateSite(ctx context.Context, site monitor.Site, reschedule bool) (monitor.Site, error) {
	const q = `UPDATE sites SET name = $1, url = $2, check_interval_seconds = $3, timeout_seconds = $4,
		expected_status_code = $5, paused = $6, next_check_at = CASE WHEN $7 THEN $8 ELSE next_check_at END
		WHERE id = $9 AND owner_id = $10
		RETURNING ` + siteColumns
	updated, err := scanSite(s.pool.QueryRow(ctx, q, site.Name, site.URL, site.CheckIntervalSeconds, site.TimeoutSeconds,
		site.ExpectedStatusCode, site.Paused, reschedule, site.NextCheckAt, site.ID, site.OwnerID))
	if errors.Is(err, pgx.ErrNoRows) {
		return monitor.Site{}, store.ErrNotFound
	}
	if err != nil {
		return monitor.Site{}, fmt.Errorf("update site %d: %w", site.ID, err)
	}
	return updated, nil
}

func (s *Store) DeleteSite(ctx context.Context, owner, id int64) error {
	tag, err := s.pool.Exec(ctx, `DELETE FROM sites WHERE id = $1 AND owner_id = $2`, id, owner)
	if err != nil {
		return fmt.Errorf("delete site %d: %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		return store.ErrNotFound
	}
	return nil
}
