package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
)

// A site's columns are all here: SiteColumns and scanSite read them, CreateSite and UpdateSite
// write the settings, and siteState lists what recording a check writes.

// SiteColumns are the columns scanSite reads, in its order, with the site's next check read
// from its schedule.
const SiteColumns = siteColumnsHead + nextCheckOf + siteColumnsTail

// siteColumnsUnscheduled are SiteColumns without the next check (NULL in its place, a zero
// NextCheckAt): for reads that never look at it, one index lookup a site cheaper.
const siteColumnsUnscheduled = siteColumnsHead + `NULL` + siteColumnsTail

const (
	siteColumnsHead = `sites.id, owner_id, type, name, url, sites.check_interval_seconds, sites.timeout_seconds,
	expected_status_code, sites.paused, failure_threshold, resend_interval_minutes, options, retry_interval_seconds,
	grace_seconds, push_token, status, status_code, response_time_ms, last_error, last_checked, last_status_change,
	last_alert_at, last_ping_at, cert_expires_at, cert_alerted_days, latency, consecutive_failures,
	consecutive_successes, `
	siteColumnsTail = `, created_at, flapping, flap_changes, flap_down_since, maintenance_held`
	// nextCheckOf is the next check of the row of sites, from its schedule.
	nextCheckOf = `(SELECT next_check_at FROM site_schedule WHERE site_schedule.site_id = sites.id)`
)

// scanSite reads one row's site; for the rows of a result, newSiteScan().scan reads them all
// through one set of destinations.
func scanSite(row scanner) (monitor.Site, error) { return newSiteScan().scan(row) }

// siteScan reads rows of siteColumns. One serves every row of a result: the destinations
// are made once (a site is 600 bytes, and a field's address handed to Scan moved each row's
// site to the heap before it was copied out).
type siteScan struct {
	s                monitor.Site
	pushToken        sql.NullString
	options, latency []byte
	dest             []any
}

func newSiteScan() *siteScan {
	ss := new(siteScan)
	s := &ss.s
	ss.dest = []any{&s.ID, &s.OwnerID, &s.Kind, &s.Name, &s.URL, &s.CheckIntervalSeconds, &s.TimeoutSeconds,
		&s.ExpectedStatusCode, &s.Paused, &s.FailureThreshold, &s.ResendIntervalMinutes, &ss.options,
		&s.RetryIntervalSeconds, &s.GraceSeconds, &ss.pushToken, &s.Status, &s.StatusCode, &s.ResponseTimeMS, &s.LastError,
		timeOrNil(&s.LastChecked), timeOrNil(&s.LastStatusChange), timeOrNil(&s.LastAlertAt), timeOrNil(&s.LastPingAt),
		timeOrNil(&s.CertExpiresAt), &s.CertAlertedDays, &ss.latency, &s.ConsecutiveFailures, &s.ConsecutiveSuccesses,
		timeOrZero(&s.NextCheckAt), timeAt(&s.CreatedAt), &s.Flap.Flapping, &s.Flap.Changes, timeOrNil(&s.Flap.DownSince),
		&s.MaintenanceHeld}
	return ss
}

// scan reads the row's site. Every field not scanned starts from zero.
func (ss *siteScan) scan(row scanner) (monitor.Site, error) {
	ss.s = monitor.Site{}
	if err := row.Scan(ss.dest...); err != nil {
		return monitor.Site{}, err
	}
	s := ss.s
	s.PushToken = ss.pushToken.String
	if err := store.DecodeOptions(ss.options, &s); err != nil {
		return s, fmt.Errorf("site %d options: %w", s.ID, err)
	}
	var err error
	if s.Latency, err = store.DecodeLatency(ss.latency); err != nil {
		return s, fmt.Errorf("site %d latency: %w", s.ID, err)
	}
	return s, nil
}

// siteState lists the columns that recording a check writes to its site, with each one's new
// value; both dialects' batch update is built from it.
var siteState = []column[store.SiteUpdate]{
	{"status", func(u *store.SiteUpdate) any { return string(u.Site.Status) }},
	{"status_code", func(u *store.SiteUpdate) any { return u.Last.StatusCode }},
	{"response_time_ms", func(u *store.SiteUpdate) any { return u.Last.ResponseTimeMS() }},
	{"last_error", func(u *store.SiteUpdate) any { return u.Last.Error }},
	{"last_checked", func(u *store.SiteUpdate) any { return u.Last.CheckedAt }},
	{"last_status_change", func(u *store.SiteUpdate) any { return u.Site.LastStatusChange }},
	{"last_alert_at", func(u *store.SiteUpdate) any { return u.Site.LastAlertAt }},
	{"consecutive_failures", func(u *store.SiteUpdate) any { return u.Site.ConsecutiveFailures }},
	{"consecutive_successes", func(u *store.SiteUpdate) any { return u.Site.ConsecutiveSuccesses }},
	{"last_ping_at", func(u *store.SiteUpdate) any { return u.Site.LastPingAt }},
	{"cert_expires_at", func(u *store.SiteUpdate) any { return u.Site.CertExpiresAt }},
	{"cert_alerted_days", func(u *store.SiteUpdate) any { return u.Site.CertAlertedDays }},
	{"latency", func(u *store.SiteUpdate) any { return string(store.EncodeLatency(u.Site.Latency)) }},
	{"flapping", func(u *store.SiteUpdate) any { return u.Site.Flap.Flapping }},
	{"flap_changes", func(u *store.SiteUpdate) any { return int64(u.Site.Flap.Changes) }},
	{"flap_down_since", func(u *store.SiteUpdate) any { return u.Site.Flap.DownSince }},
	{"maintenance_held", func(u *store.SiteUpdate) any { return u.Site.MaintenanceHeld }},
}

func kindOf(s monitor.Site) any {
	if s.Kind == "" {
		return monitor.KindHTTP
	}
	return s.Kind
}

func (s *Store) CreateSite(ctx context.Context, site monitor.Site) (monitor.Site, error) {
	const q = `INSERT INTO sites (owner_id, type, name, url, check_interval_seconds, timeout_seconds,
		expected_status_code, paused, failure_threshold, resend_interval_minutes, options, retry_interval_seconds,
		grace_seconds, push_token, status, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 'pending', $15)
		RETURNING ` + siteColumnsUnscheduled
	const schedule = `INSERT INTO site_schedule (site_id, next_check_at, paused, check_interval_seconds, timeout_seconds)
		VALUES ($1, $2, $3, $4, $5) RETURNING next_check_at`
	var created monitor.Site
	err := s.inTx(ctx, func(tx conn, _ *sql.Tx) error {
		var err error
		created, err = scanSite(tx.row(ctx, q, site.OwnerID, kindOf(site), site.Name, site.URL, site.CheckIntervalSeconds,
			site.TimeoutSeconds, site.ExpectedStatusCode, site.Paused, site.FailureThreshold, site.ResendIntervalMinutes,
			JSON(store.EncodeOptions(site)), site.RetryIntervalSeconds, site.GraceSeconds, nullIfEmpty(site.PushToken),
			site.CreatedAt))
		if err != nil {
			return err
		}
		err = tx.row(ctx, schedule, created.ID, site.NextCheckAt, site.Paused, site.CheckIntervalSeconds, site.TimeoutSeconds).
			Scan(timeAt(&created.NextCheckAt))
		if err != nil {
			return fmt.Errorf("schedule: %w", err)
		}
		return s.linkWebhooks(ctx, tx, &created, site.WebhookIDs, false)
	})
	if err != nil {
		return monitor.Site{}, fmt.Errorf("create site: %w", err)
	}
	return created, nil
}

// UpdateSite writes the site's row, then its schedule: the order RecordChecks and DeleteSite
// lock them in, so that none of them waits for another in a circle. It moves the version of
// the site's settings on, so that a scheduler holding the site reads it again at its claim.
func (s *Store) UpdateSite(ctx context.Context, site monitor.Site, reschedule bool) (monitor.Site, error) {
	const q = `UPDATE sites SET name = $1, url = $2, check_interval_seconds = $3, timeout_seconds = $4,
		expected_status_code = $5, paused = $6, failure_threshold = $7, resend_interval_minutes = $8,
		type = $11, options = $12, retry_interval_seconds = $13, grace_seconds = $14, push_token = $15
		WHERE id = $9 AND owner_id = $10
		RETURNING ` + siteColumnsUnscheduled
	const schedule = `UPDATE site_schedule SET paused = $1, check_interval_seconds = $2, timeout_seconds = $3,
		next_check_at = CASE WHEN $4 THEN $5 ELSE next_check_at END, version = version + 1
		WHERE site_id = $6 RETURNING next_check_at`
	var updated monitor.Site
	err := s.inTx(ctx, func(tx conn, _ *sql.Tx) error {
		var err error
		updated, err = scanSite(tx.row(ctx, q, site.Name, site.URL, site.CheckIntervalSeconds, site.TimeoutSeconds,
			site.ExpectedStatusCode, site.Paused, site.FailureThreshold, site.ResendIntervalMinutes,
			site.ID, site.OwnerID, kindOf(site), JSON(store.EncodeOptions(site)),
			site.RetryIntervalSeconds, site.GraceSeconds, nullIfEmpty(site.PushToken)))
		if err != nil {
			return err
		}
		err = tx.row(ctx, schedule, site.Paused, site.CheckIntervalSeconds, site.TimeoutSeconds, reschedule,
			site.NextCheckAt, site.ID).Scan(timeAt(&updated.NextCheckAt))
		if err != nil {
			return fmt.Errorf("schedule: %w", err)
		}
		return s.linkWebhooks(ctx, tx, &updated, site.WebhookIDs, true)
	})
	if errors.Is(err, sql.ErrNoRows) {
		return monitor.Site{}, store.ErrNotFound
	}
	if err != nil {
		return monitor.Site{}, fmt.Errorf("update site %d: %w", site.ID, err)
	}
	return updated, nil
}

func (s *Store) Site(ctx context.Context, owner, id int64) (monitor.Site, error) {
	const q = `SELECT ` + SiteColumns + ` FROM sites WHERE id = $1 AND owner_id = $2`
	site, err := scanSite(s.read.row(ctx, q, id, owner))
	if errors.Is(err, sql.ErrNoRows) {
		return monitor.Site{}, store.ErrNotFound
	}
	if err != nil {
		return monitor.Site{}, fmt.Errorf("get site %d: %w", id, err)
	}
	sites := []monitor.Site{site}
	err = s.addWebhooks(ctx, s.read, owner, sites, `SELECT site_id, webhook_id FROM site_webhooks WHERE site_id = $1 ORDER BY webhook_id`, id)
	return sites[0], err
}

func (s *Store) SiteByPushToken(ctx context.Context, token string) (monitor.Site, error) {
	site, err := scanSite(s.read.row(ctx, `SELECT `+SiteColumns+` FROM sites WHERE push_token = $1 AND type = 'push'`, token))
	if errors.Is(err, sql.ErrNoRows) {
		return monitor.Site{}, store.ErrNotFound
	}
	if err != nil {
		return monitor.Site{}, fmt.Errorf("find push site: %w", err)
	}
	return site, nil
}

func (s *Store) ListSites(ctx context.Context, owner int64, f store.SiteFilter) ([]monitor.Site, error) {
	const q = `SELECT ` + SiteColumns + ` FROM sites WHERE owner_id = $1 AND ($2 = '' OR status = $2) ORDER BY id`
	rows, err := s.read.query(ctx, q, owner, string(f.Status))
	if err != nil {
		return nil, fmt.Errorf("list sites: %w", err)
	}
	sites, err := collect(rows, newSiteScan().scan, "sites")
	if err != nil {
		return nil, fmt.Errorf("list sites: %w", err)
	}
	err = s.addWebhooks(ctx, s.read, owner, sites, `SELECT sw.site_id, sw.webhook_id FROM site_webhooks sw
		JOIN sites ON sites.id = sw.site_id WHERE sites.owner_id = $1 ORDER BY sw.webhook_id`, owner)
	return sites, err
}

func (s *Store) DeleteSite(ctx context.Context, owner, id int64) error {
	if err := s.write.execOne(ctx, `DELETE FROM sites WHERE id = $1 AND owner_id = $2`, id, owner); err != nil {
		return notFoundOr(err, "delete site %d", id)
	}
	return nil
}

// notFoundOr passes nil and store.ErrNotFound on as they are and wraps any other error with
// what was being done.
func notFoundOr(err error, doing string, args ...any) error {
	if err == nil || errors.Is(err, store.ErrNotFound) {
		return err
	}
	return fmt.Errorf(doing+": %w", append(args, err)...)
}
