package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
)

const siteColumns = `sites.id, owner_id, type, name, url, check_interval_seconds, timeout_seconds, expected_status_code,
	paused, failure_threshold, resend_interval_minutes, options, retry_interval_seconds, grace_seconds, push_token,
	status, status_code, response_time_ms, last_error, last_checked, last_status_change, last_alert_at,
	last_ping_at, cert_expires_at, cert_alerted_days, latency, consecutive_failures, consecutive_successes,
	next_check_at, created_at`

func scanSite(row pgx.Row) (monitor.Site, error) {
	var (
		s                monitor.Site
		pushToken        *string
		options, latency []byte
	)
	err := row.Scan(&s.ID, &s.OwnerID, &s.Kind, &s.Name, &s.URL, &s.CheckIntervalSeconds, &s.TimeoutSeconds,
		&s.ExpectedStatusCode, &s.Paused, &s.FailureThreshold, &s.ResendIntervalMinutes, &options,
		&s.RetryIntervalSeconds, &s.GraceSeconds, &pushToken, &s.Status, &s.StatusCode, &s.ResponseTimeMS, &s.LastError,
		&s.LastChecked, &s.LastStatusChange, &s.LastAlertAt, &s.LastPingAt, &s.CertExpiresAt, &s.CertAlertedDays, &latency,
		&s.ConsecutiveFailures, &s.ConsecutiveSuccesses, &s.NextCheckAt, &s.CreatedAt)
	if err != nil {
		return monitor.Site{}, err
	}
	if pushToken != nil {
		s.PushToken = *pushToken
	}
	s.NextCheckAt, s.CreatedAt = s.NextCheckAt.UTC(), s.CreatedAt.UTC()
	s.LastChecked, s.LastStatusChange, s.LastAlertAt = utcPtr(s.LastChecked), utcPtr(s.LastStatusChange), utcPtr(s.LastAlertAt)
	s.LastPingAt, s.CertExpiresAt = utcPtr(s.LastPingAt), utcPtr(s.CertExpiresAt)
	if err := store.DecodeOptions(options, &s); err != nil {
		return s, fmt.Errorf("site %d options: %w", s.ID, err)
	}
	if s.Latency, err = store.DecodeLatency(latency); err != nil {
		return s, fmt.Errorf("site %d latency: %w", s.ID, err)
	}
	return s, nil
}

func nullString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func kindOf(s monitor.Site) string {
	if s.Kind == "" {
		return string(monitor.KindHTTP)
	}
	return string(s.Kind)
}

func (s *Store) CreateSite(ctx context.Context, site monitor.Site) (monitor.Site, error) {
	const q = `INSERT INTO sites (owner_id, type, name, url, check_interval_seconds, timeout_seconds,
		expected_status_code, paused, failure_threshold, resend_interval_minutes, options, retry_interval_seconds,
		grace_seconds, push_token, status, next_check_at, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 'pending', $15, $16)
		RETURNING ` + siteColumns
	var created monitor.Site
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var err error
		created, err = scanSite(tx.QueryRow(ctx, q, site.OwnerID, kindOf(site), site.Name, site.URL, site.CheckIntervalSeconds,
			site.TimeoutSeconds, site.ExpectedStatusCode, site.Paused, site.FailureThreshold, site.ResendIntervalMinutes,
			store.EncodeOptions(site), site.RetryIntervalSeconds, site.GraceSeconds, nullString(site.PushToken),
			site.NextCheckAt, site.CreatedAt))
		if err != nil {
			return err
		}
		created.WebhookIDs = site.WebhookIDs
		return writeSiteWebhooks(ctx, tx, created.ID, site.WebhookIDs)
	})
	if err != nil {
		return monitor.Site{}, fmt.Errorf("create site: %w", err)
	}
	return created, nil
}

func writeSiteWebhooks(ctx context.Context, tx pgx.Tx, siteID int64, webhookIDs []int64) error {
	if _, err := tx.Exec(ctx, `DELETE FROM site_webhooks WHERE site_id = $1`, siteID); err != nil {
		return err
	}
	if len(webhookIDs) == 0 {
		return nil
	}
	const q = `INSERT INTO site_webhooks (site_id, webhook_id) SELECT $1, unnest($2::bigint[])`
	if _, err := tx.Exec(ctx, q, siteID, webhookIDs); err != nil {
		return fmt.Errorf("link webhooks: %w", err)
	}
	return nil
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
	links, err := s.siteWebhooks(ctx, `SELECT site_id, webhook_id FROM site_webhooks WHERE site_id = $1 ORDER BY webhook_id`, id)
	site.WebhookIDs = links[id]
	return site, err
}

func (s *Store) SiteByPushToken(ctx context.Context, token string) (monitor.Site, error) {
	site, err := scanSite(s.pool.QueryRow(ctx, `SELECT `+siteColumns+` FROM sites WHERE push_token = $1 AND type = 'push'`, token))
	if errors.Is(err, pgx.ErrNoRows) {
		return monitor.Site{}, store.ErrNotFound
	}
	if err != nil {
		return monitor.Site{}, fmt.Errorf("find push site: %w", err)
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
	sites, err := collectSites(rows)
	if err != nil {
		return nil, err
	}
	links, err := s.siteWebhooks(ctx, `SELECT sw.site_id, sw.webhook_id FROM site_webhooks sw
		JOIN sites ON sites.id = sw.site_id WHERE sites.owner_id = $1 ORDER BY sw.webhook_id`, owner)
	for i := range sites {
		sites[i].WebhookIDs = links[sites[i].ID]
	}
	return sites, err
}

// siteWebhooks runs a query of (site_id, webhook_id) pairs and groups the webhooks by site.
func (s *Store) siteWebhooks(ctx context.Context, q string, args ...any) (map[int64][]int64, error) {
	rows, err := s.pool.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("site webhooks: %w", err)
	}
	defer rows.Close()
	links := map[int64][]int64{}
	for rows.Next() {
		var site, webhook int64
		if err := rows.Scan(&site, &webhook); err != nil {
			return nil, fmt.Errorf("site webhooks: %w", err)
		}
		links[site] = append(links[site], webhook)
	}
	return links, rows.Err()
}

func collectSites(rows pgx.Rows) ([]monitor.Site, error) { return collect(rows, scanSite, "sites") }

// collect scans every row with scan; it returns an empty slice, not nil, for no rows.
func collect[T any](rows pgx.Rows, scan func(pgx.Row) (T, error), what string) ([]T, error) {
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (T, error) { return scan(row) })
	if err != nil {
		return nil, fmt.Errorf("scan %s: %w", what, err)
	}
	if out == nil {
		out = []T{}
	}
	return out, nil
}

func (s *Store) UpdateSite(ctx context.Context, site monitor.Site, reschedule bool) (monitor.Site, error) {
	const q = `UPDATE sites SET name = $1, url = $2, check_interval_seconds = $3, timeout_seconds = $4,
		expected_status_code = $5, paused = $6, failure_threshold = $7, resend_interval_minutes = $8,
		next_check_at = CASE WHEN $9 THEN $10 ELSE next_check_at END, type = $13, options = $14,
		retry_interval_seconds = $15, grace_seconds = $16, push_token = $17
		WHERE id = $11 AND owner_id = $12
		RETURNING ` + siteColumns
	var updated monitor.Site
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var err error
		updated, err = scanSite(tx.QueryRow(ctx, q, site.Name, site.URL, site.CheckIntervalSeconds, site.TimeoutSeconds,
			site.ExpectedStatusCode, site.Paused, site.FailureThreshold, site.ResendIntervalMinutes,
			reschedule, site.NextCheckAt, site.ID, site.OwnerID, kindOf(site), store.EncodeOptions(site),
			site.RetryIntervalSeconds, site.GraceSeconds, nullString(site.PushToken)))
		if err != nil {
			return err
		}
		updated.WebhookIDs = site.WebhookIDs
		return writeSiteWebhooks(ctx, tx, site.ID, site.WebhookIDs)
	})
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
