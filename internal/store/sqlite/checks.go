package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
)

func (s *Store) RecordChecks(ctx context.Context, results []store.CheckResult) ([]store.Recorded, error) {
	if len(results) == 0 {
		return nil, nil
	}
	var w store.Writes
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		sites, err := loadSites(ctx, tx, store.SiteIDs(results))
		if err != nil {
			return err
		}
		w = store.PlanWrites(sites, results)
		if err := insertChecks(ctx, tx, w.Recorded); err != nil {
			return err
		}
		if err := updateSites(ctx, tx, w.Sites); err != nil {
			return err
		}
		if err := insertEvents(ctx, tx, w); err != nil {
			return err
		}
		return enqueueAlerts(ctx, tx, w)
	})
	if err != nil {
		return nil, fmt.Errorf("record checks: %w", err)
	}
	return w.Recorded, nil
}

// loadSites reads what the status rules and alerts need of each site.
func loadSites(ctx context.Context, tx *sql.Tx, ids []int64) (map[int64]monitor.Site, error) {
	const q = `SELECT ` + siteColumns + ` FROM sites WHERE id IN (SELECT value FROM json_each(?))`
	rows, err := tx.QueryContext(ctx, q, jsonList(ids))
	if err != nil {
		return nil, fmt.Errorf("load sites: %w", err)
	}
	sites, err := collectSites(rows)
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]monitor.Site, len(sites))
	for _, site := range sites {
		byID[site.ID] = site
	}
	return byID, nil
}

func jsonList(ids []int64) string {
	b, _ := json.Marshal(ids)
	return string(b)
}

func insertChecks(ctx context.Context, tx *sql.Tx, recs []store.Recorded) error {
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO checks (site_id, checked_at, status, status_code, response_time_ms, error, timings)
		VALUES (?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return fmt.Errorf("insert checks: %w", err)
	}
	defer stmt.Close()
	for _, r := range recs {
		c := r.Check
		timings := sql.NullString{String: string(store.EncodeTimings(c.Timings)), Valid: c.Timings != nil}
		if _, err := stmt.ExecContext(ctx, c.SiteID, micros(c.CheckedAt), c.Status, c.StatusCode, c.ResponseTimeMS(), c.Error, timings); err != nil {
			return fmt.Errorf("insert check for site %d: %w", c.SiteID, err)
		}
	}
	return nil
}

func updateSites(ctx context.Context, tx *sql.Tx, updates []store.SiteUpdate) error {
	stmt, err := tx.PrepareContext(ctx, `UPDATE sites SET status = ?1, status_code = ?2, response_time_ms = ?3,
		last_error = ?4, last_checked = ?5, last_status_change = ?6, last_alert_at = ?7,
		consecutive_failures = ?8, consecutive_successes = ?9, last_ping_at = ?10, cert_expires_at = ?11,
		cert_alerted_days = ?12, latency = ?13,
		claimed_by = CASE WHEN ?14 THEN NULL ELSE claimed_by END,
		claimed_until = CASE WHEN ?14 THEN NULL ELSE claimed_until END,
		next_check_at = CASE WHEN ?15 THEN ?16 WHEN ?16 IS NOT NULL AND ?16 < next_check_at THEN ?16 ELSE next_check_at END
		WHERE id = ?17`)
	if err != nil {
		return fmt.Errorf("update site states: %w", err)
	}
	defer stmt.Close()
	for _, u := range updates {
		site := u.Site
		var next sql.NullInt64
		if u.NextCheckAt != nil {
			next = sql.NullInt64{Int64: micros(*u.NextCheckAt), Valid: true}
		}
		_, err := stmt.ExecContext(ctx, site.Status, u.Last.StatusCode, u.Last.ResponseTimeMS(), u.Last.Error,
			micros(u.Last.CheckedAt), nullMicros(site.LastStatusChange), nullMicros(site.LastAlertAt),
			site.ConsecutiveFailures, site.ConsecutiveSuccesses, nullMicros(site.LastPingAt), nullMicros(site.CertExpiresAt),
			site.CertAlertedDays, string(store.EncodeLatency(site.Latency)), u.ReleaseClaim, u.Pinged, next, site.ID)
		if err != nil {
			return fmt.Errorf("update state of site %d: %w", site.ID, err)
		}
	}
	return nil
}

func insertEvents(ctx context.Context, tx *sql.Tx, w store.Writes) error {
	for _, ev := range w.Events() {
		const q = `INSERT INTO events (site_id, kind, at, from_status, to_status, reason) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`
		if err := tx.QueryRowContext(ctx, q, ev.SiteID, eventKind(ev), micros(ev.At), ev.From, ev.To, ev.Reason).Scan(&ev.ID); err != nil {
			return fmt.Errorf("insert event for site %d: %w", ev.SiteID, err)
		}
	}
	return nil
}

func eventKind(ev *monitor.Event) string {
	if ev.Kind == "" {
		return string(monitor.EventStatus)
	}
	return string(ev.Kind)
}

func (s *Store) History(ctx context.Context, owner, siteID int64, hq store.HistoryQuery) ([]monitor.Check, error) {
	if err := s.ownsSite(ctx, owner, siteID); err != nil {
		return nil, err
	}
	from, to, before := hq.Bounds()
	const q = `SELECT id, site_id, checked_at, status, status_code, response_time_ms, error, timings FROM checks
		WHERE site_id = ? AND checked_at < ? AND checked_at >= ? AND checked_at <= ?
		ORDER BY checked_at DESC, id DESC LIMIT ?`
	rows, err := s.read.QueryContext(ctx, q, siteID, micros(before), micros(from), micros(to), hq.Limit)
	if err != nil {
		return nil, fmt.Errorf("history of site %d: %w", siteID, err)
	}
	defer rows.Close()
	checks := []monitor.Check{}
	for rows.Next() {
		var (
			c          monitor.Check
			at, respMS int64
			timings    sql.NullString
		)
		if err := rows.Scan(&c.ID, &c.SiteID, &at, &c.Status, &c.StatusCode, &respMS, &c.Error, &timings); err != nil {
			return nil, fmt.Errorf("scan check: %w", err)
		}
		var err error
		if c.Timings, err = store.DecodeTimings([]byte(timings.String)); err != nil {
			return nil, fmt.Errorf("check %d timings: %w", c.ID, err)
		}
		c.CheckedAt = fromMicros(at)
		c.ResponseTime = msDuration(respMS)
		checks = append(checks, c)
	}
	return checks, rows.Err()
}

func (s *Store) Events(ctx context.Context, owner, siteID int64, hq store.HistoryQuery) ([]monitor.Event, error) {
	if err := s.ownsSite(ctx, owner, siteID); err != nil {
		return nil, err
	}
	from, to, before := hq.Bounds()
	const q = `SELECT id, site_id, kind, at, from_status, to_status, reason FROM events
		WHERE site_id = ? AND at < ? AND at >= ? AND at <= ?
		ORDER BY at DESC, id DESC LIMIT ?`
	rows, err := s.read.QueryContext(ctx, q, siteID, micros(before), micros(from), micros(to), hq.Limit)
	if err != nil {
		return nil, fmt.Errorf("events of site %d: %w", siteID, err)
	}
	defer rows.Close()
	events := []monitor.Event{}
	for rows.Next() {
		var (
			e  monitor.Event
			at int64
		)
		if err := rows.Scan(&e.ID, &e.SiteID, &e.Kind, &at, &e.From, &e.To, &e.Reason); err != nil {
			return nil, fmt.Errorf("scan event: %w", err)
		}
		e.At = fromMicros(at)
		events = append(events, e)
	}
	return events, rows.Err()
}

func (s *Store) ownsSite(ctx context.Context, owner, id int64) error {
	var one int
	err := s.read.QueryRowContext(ctx, `SELECT 1 FROM sites WHERE id = ? AND owner_id = ?`, id, owner).Scan(&one)
	if err == sql.ErrNoRows {
		return store.ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("find site %d: %w", id, err)
	}
	return nil
}
