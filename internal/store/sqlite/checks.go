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
		if err := insertEvents(ctx, tx, w.Recorded); err != nil {
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
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO checks (site_id, checked_at, status, status_code, response_time_ms, error)
		VALUES (?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return fmt.Errorf("insert checks: %w", err)
	}
	defer stmt.Close()
	for _, r := range recs {
		c := r.Check
		if _, err := stmt.ExecContext(ctx, c.SiteID, micros(c.CheckedAt), c.Status, c.StatusCode, c.ResponseTimeMS(), c.Error); err != nil {
			return fmt.Errorf("insert check for site %d: %w", c.SiteID, err)
		}
	}
	return nil
}

func updateSites(ctx context.Context, tx *sql.Tx, updates []store.SiteUpdate) error {
	stmt, err := tx.PrepareContext(ctx, `UPDATE sites SET status = ?, status_code = ?, response_time_ms = ?,
		last_error = ?, last_checked = ?, last_status_change = ?, last_alert_at = ?,
		consecutive_failures = ?, consecutive_successes = ?,
		claimed_by = CASE WHEN ? THEN NULL ELSE claimed_by END,
		claimed_until = CASE WHEN ? THEN NULL ELSE claimed_until END
		WHERE id = ?`)
	if err != nil {
		return fmt.Errorf("update site states: %w", err)
	}
	defer stmt.Close()
	for _, u := range updates {
		_, err := stmt.ExecContext(ctx, u.State.Status, u.Last.StatusCode, u.Last.ResponseTimeMS(), u.Last.Error,
			micros(u.Last.CheckedAt), nullMicros(u.State.LastStatusChange), nullMicros(u.State.LastAlertAt), u.State.ConsecutiveFailures,
			u.State.ConsecutiveSuccesses, u.ReleaseClaim, u.ReleaseClaim, u.SiteID)
		if err != nil {
			return fmt.Errorf("update state of site %d: %w", u.SiteID, err)
		}
	}
	return nil
}

func insertEvents(ctx context.Context, tx *sql.Tx, recs []store.Recorded) error {
	for _, r := range recs {
		ev := r.Event
		if ev == nil {
			continue
		}
		const q = `INSERT INTO events (site_id, at, from_status, to_status, reason) VALUES (?, ?, ?, ?, ?) RETURNING id`
		if err := tx.QueryRowContext(ctx, q, ev.SiteID, micros(ev.At), ev.From, ev.To, ev.Reason).Scan(&ev.ID); err != nil {
			return fmt.Errorf("insert event for site %d: %w", ev.SiteID, err)
		}
	}
	return nil
}

func (s *Store) History(ctx context.Context, owner, siteID int64, hq store.HistoryQuery) ([]monitor.Check, error) {
	if err := s.ownsSite(ctx, owner, siteID); err != nil {
		return nil, err
	}
	from, to, before := hq.Bounds()
	const q = `SELECT id, site_id, checked_at, status, status_code, response_time_ms, error FROM checks
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
		)
		if err := rows.Scan(&c.ID, &c.SiteID, &at, &c.Status, &c.StatusCode, &respMS, &c.Error); err != nil {
			return nil, fmt.Errorf("scan check: %w", err)
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
	const q = `SELECT id, site_id, at, from_status, to_status, reason FROM events
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
		if err := rows.Scan(&e.ID, &e.SiteID, &at, &e.From, &e.To, &e.Reason); err != nil {
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
