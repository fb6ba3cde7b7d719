package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
)

const siteColumns = `id, owner_id, type, name, url, check_interval_seconds, timeout_seconds, expected_status_code,
	paused, failure_threshold, resend_interval_minutes, options, retry_interval_seconds, grace_seconds, push_token,
	status, status_code, response_time_ms, last_error, last_checked, last_status_change, last_alert_at,
	last_ping_at, cert_expires_at, cert_alerted_days, latency, consecutive_failures, consecutive_successes,
	next_check_at, created_at`

type scanner interface{ Scan(dest ...any) error }

func scanSite(row scanner) (monitor.Site, error) {
	var (
		s                                  monitor.Site
		responseTime                       sql.NullInt64
		lastChecked, lastChange, lastAlert sql.NullInt64
		lastPing, certExpires              sql.NullInt64
		pushToken                          sql.NullString
		options, latency                   string
		nextCheck, created                 int64
	)
	err := row.Scan(&s.ID, &s.OwnerID, &s.Kind, &s.Name, &s.URL, &s.CheckIntervalSeconds, &s.TimeoutSeconds,
		&s.ExpectedStatusCode, &s.Paused, &s.FailureThreshold, &s.ResendIntervalMinutes, &options,
		&s.RetryIntervalSeconds, &s.GraceSeconds, &pushToken, &s.Status, &s.StatusCode, &responseTime, &s.LastError,
		&lastChecked, &lastChange, &lastAlert, &lastPing, &certExpires, &s.CertAlertedDays, &latency,
		&s.ConsecutiveFailures, &s.ConsecutiveSuccesses, &nextCheck, &created)
	if err != nil {
		return monitor.Site{}, err
	}
	if responseTime.Valid {
		s.ResponseTimeMS = &responseTime.Int64
	}
	s.PushToken = pushToken.String
	s.LastChecked, s.LastStatusChange, s.LastAlertAt = timePtr(lastChecked), timePtr(lastChange), timePtr(lastAlert)
	s.LastPingAt, s.CertExpiresAt = timePtr(lastPing), timePtr(certExpires)
	s.NextCheckAt, s.CreatedAt = fromMicros(nextCheck), fromMicros(created)
	if err := store.DecodeOptions([]byte(options), &s); err != nil {
		return s, fmt.Errorf("site %d options: %w", s.ID, err)
	}
	if s.Latency, err = store.DecodeLatency([]byte(latency)); err != nil {
		return s, fmt.Errorf("site %d latency: %w", s.ID, err)
	}
	return s, nil
}

func nullString(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }

func (s *Store) CreateSite(ctx context.Context, site monitor.Site) (monitor.Site, error) {
	const q = `INSERT INTO sites (owner_id, type, name, url, check_interval_seconds, timeout_seconds,
		expected_status_code, paused, failure_threshold, resend_interval_minutes, options, retry_interval_seconds,
		grace_seconds, push_token, status, next_check_at, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?)
		RETURNING ` + siteColumns
	var created monitor.Site
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		created, err = scanSite(tx.QueryRowContext(ctx, q, site.OwnerID, kindOf(site), site.Name, site.URL, site.CheckIntervalSeconds,
			site.TimeoutSeconds, site.ExpectedStatusCode, site.Paused, site.FailureThreshold, site.ResendIntervalMinutes,
			string(store.EncodeOptions(site)), site.RetryIntervalSeconds, site.GraceSeconds, nullString(site.PushToken),
			micros(site.NextCheckAt), micros(site.CreatedAt)))
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

func writeSiteWebhooks(ctx context.Context, tx *sql.Tx, siteID int64, webhookIDs []int64) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM site_webhooks WHERE site_id = ?`, siteID); err != nil {
		return err
	}
	for _, id := range webhookIDs {
		if _, err := tx.ExecContext(ctx, `INSERT INTO site_webhooks (site_id, webhook_id) VALUES (?, ?)`, siteID, id); err != nil {
			return fmt.Errorf("link webhook %d: %w", id, err)
		}
	}
	return nil
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
	links, err := s.siteWebhooks(ctx, `SELECT site_id, webhook_id FROM site_webhooks WHERE site_id = ? ORDER BY webhook_id`, id)
	site.WebhookIDs = links[id]
	return site, err
}

func (s *Store) SiteByPushToken(ctx context.Context, token string) (monitor.Site, error) {
	site, err := scanSite(s.read.QueryRowContext(ctx, `SELECT `+siteColumns+` FROM sites WHERE push_token = ? AND type = 'push'`, token))
	if errors.Is(err, sql.ErrNoRows) {
		return monitor.Site{}, store.ErrNotFound
	}
	if err != nil {
		return monitor.Site{}, fmt.Errorf("find push site: %w", err)
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
	sites, err := collectSites(rows)
	if err != nil {
		return nil, err
	}
	links, err := s.siteWebhooks(ctx, `SELECT sw.site_id, sw.webhook_id FROM site_webhooks sw
		JOIN sites ON sites.id = sw.site_id WHERE sites.owner_id = ? ORDER BY sw.webhook_id`, owner)
	for i := range sites {
		sites[i].WebhookIDs = links[sites[i].ID]
	}
	return sites, err
}

// siteWebhooks runs a query of (site_id, webhook_id) pairs and groups the webhooks by site.
func (s *Store) siteWebhooks(ctx context.Context, q string, args ...any) (map[int64][]int64, error) {
	rows, err := s.read.QueryContext(ctx, q, args...)
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

func collectSites(rows *sql.Rows) ([]monitor.Site, error) { return collect(rows, scanSite, "site") }

// collect scans every row with scan and closes rows.
func collect[T any](rows *sql.Rows, scan func(scanner) (T, error), what string) ([]T, error) {
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("scan %s: %w", what, err)
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

func (s *Store) UpdateSite(ctx context.Context, site monitor.Site, reschedule bool) (monitor.Site, error) {
	const q = `UPDATE sites SET name = ?, url = ?, check_interval_seconds = ?, timeout_seconds = ?,
		expected_status_code = ?, paused = ?, failure_threshold = ?, resend_interval_minutes = ?, type = ?,
		options = ?, retry_interval_seconds = ?, grace_seconds = ?, push_token = ?,
		next_check_at = CASE WHEN ? THEN ? ELSE next_check_at END
		WHERE id = ? AND owner_id = ?
		RETURNING ` + siteColumns
	var updated monitor.Site
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		updated, err = scanSite(tx.QueryRowContext(ctx, q, site.Name, site.URL, site.CheckIntervalSeconds, site.TimeoutSeconds,
			site.ExpectedStatusCode, site.Paused, site.FailureThreshold, site.ResendIntervalMinutes, kindOf(site),
			string(store.EncodeOptions(site)), site.RetryIntervalSeconds, site.GraceSeconds, nullString(site.PushToken),
			reschedule, micros(site.NextCheckAt), site.ID, site.OwnerID))
		if err != nil {
			return err
		}
		updated.WebhookIDs = site.WebhookIDs
		return writeSiteWebhooks(ctx, tx, site.ID, site.WebhookIDs)
	})
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

// inTx runs fn in a write transaction, committing when it returns nil.
func (s *Store) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}

func kindOf(s monitor.Site) string {
	if s.Kind == "" {
		return string(monitor.KindHTTP)
	}
	return string(s.Kind)
}
