package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
)

const siteColumns = `id, owner_id, name, url, check_interval_seconds, timeout_seconds, expected_status_code,
	paused, status, status_code, response_time_ms, last_error, last_checked, last_status_change,
	consecutive_failures, consecutive_successes, next_check_at, created_at`

type scanner interface{ Scan(dest ...any) error }

func scanSite(row scanner) (monitor.Site, error) {
	var (
		s                       monitor.Site
		responseTime            sql.NullInt64
		lastChecked, lastChange sql.NullInt64
		nextCheck, created      int64
	)
	err := row.Scan(&s.ID, &s.OwnerID, &s.Name, &s.URL, &s.CheckIntervalSeconds, &s.TimeoutSeconds,
		&s.ExpectedStatusCode, &s.Paused, &s.Status, &s.StatusCode, &responseTime, &s.LastError,
		&lastChecked, &lastChange, &s.ConsecutiveFailures, &s.ConsecutiveSuccesses, &nextCheck, &created)
	if err != nil {
		return monitor.Site{}, err
	}
	if responseTime.Valid {
		s.ResponseTimeMS = &responseTime.Int64
	}
	s.LastChecked, s.LastStatusChange = timePtr(lastChecked), timePtr(lastChange)
	s.NextCheckAt, s.CreatedAt = fromMicros(nextCheck), fromMicros(created)
	return s, nil
}

func (s *Store) CreateSite(ctx context.Context, site monitor.Site) (monitor.Site, error) {
	const q = `INSERT INTO sites (owner_id, name, url, check_interval_seconds, timeout_seconds,
		expected_status_code, paused, status, next_check_at, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?)
		RETURNING ` + siteColumns
	row := s.write.QueryRowContext(ctx, q, site.OwnerID, site.Name, site.URL, site.CheckIntervalSeconds,
		site.TimeoutSeconds, site.ExpectedStatusCode, site.Paused, micros(site.NextCheckAt), micros(site.CreatedAt))
	created, err := scanSite(row)
	if err != nil {
		return monitor.Site{}, fmt.Errorf("create site: %w", err)
	}
	return created, nil
}

func (s *Store) Site(ctx context.Context, owner, id int64) (monitor.Site, error) {
	const q = `SELECT ` + siteColumns + ` FROM sites WHERE id = ? AND owner_id = ?`
	site, err := scanSite(s.read.QueryRowContext(ctx, q, id, owner))
	if errors.Is(err, sql.ErrNoRows) {
		return monitor.Site{}, store.ErrNotFound
	}
	if err != nil {
		return monitor.Site{}, fmt.Errorf("get site %d: %w", id, err)
	}
	return site, nil
}

func (s *Store) ListSites(ctx context.Context, owner int64, f store.SiteFilter) ([]monitor.Site, error) {
	const q = `SELECT ` + siteColumns + ` FROM sites
		WHERE owner_id = ?1 AND (?2 = '' OR status = ?2) ORDER BY id`
	rows, err := s.read.QueryContext(ctx, q, owner, string(f.Status))
	if err != nil {
		return nil, fmt.Errorf("list sites: %w", err)
	}
	return collectSites(rows)
}

func collectSites(rows *sql.Rows) ([]monitor.Site, error) {
	defer rows.Close()
	sites := []monitor.Site{}
	for rows.Next() {
		site, err := scanSite(rows)
		if err != nil {
			return nil, fmt.Errorf("scan site: %w", err)
		}
		sites = append(sites, site)
	}
	return sites, rows.Err()
}

func (s *Store) UpdateSite(ctx context.Context, site monitor.Site, reschedule bool) (monitor.Site, error) {
	const q = `UPDATE sites SET name = ?, url = ?, check_interval_seconds = ?, timeout_seconds = ?,
		expected_status_code = ?, paused = ?, next_check_at = CASE WHEN ? THEN ? ELSE next_check_at END
		WHERE id = ? AND owner_id = ?
		RETURNING ` + siteColumns
	row := s.write.QueryRowContext(ctx, q, site.Name, site.URL, site.CheckIntervalSeconds, site.TimeoutSeconds,
		site.ExpectedStatusCode, site.Paused, reschedule, micros(site.NextCheckAt), site.ID, site.OwnerID)
	updated, err := scanSite(row)
	if errors.Is(err, sql.ErrNoRows) {
		return monitor.Site{}, store.ErrNotFound
	}
	if err != nil {
		return monitor.Site{}, fmt.Errorf("update site %d: %w", site.ID, err)
	}
	return updated, nil
}

func (s *Store) DeleteSite(ctx context.Context, owner, id int64) error {
	res, err := s.write.ExecContext(ctx, `DELETE FROM sites WHERE id = ? AND owner_id = ?`, id, owner)
	if err != nil {
		return fmt.Errorf("delete site %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return store.ErrNotFound
	}
	return nil
}
