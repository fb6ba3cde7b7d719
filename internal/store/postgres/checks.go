package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
)

// RecordChecks costs a fixed number of round trips per batch: lock the sites, COPY the checks,
// update the sites from arrays, insert the (rare) events and alerts.
func (s *Store) RecordChecks(ctx context.Context, results []store.CheckResult) ([]store.Recorded, error) {
	if len(results) == 0 {
		return nil, nil
	}
	var w store.Writes
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		sites, err := lockSites(ctx, tx, store.SiteIDs(results))
		if err != nil {
			return err
		}
		w = store.PlanWrites(sites, results)
		if err := copyChecks(ctx, tx, w.Recorded); err != nil {
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

// lockSites reads what the status rules and alerts need of each site and locks the rows, in id
// order, until the transaction ends.
func lockSites(ctx context.Context, tx pgx.Tx, ids []int64) (map[int64]monitor.Site, error) {
	const q = `SELECT ` + siteColumns + ` FROM sites WHERE id = ANY($1) ORDER BY id FOR UPDATE`
	rows, err := tx.Query(ctx, q, ids)
	if err != nil {
		return nil, fmt.Errorf("lock sites: %w", err)
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

func copyChecks(ctx context.Context, tx pgx.Tx, recs []store.Recorded) error {
	_, err := tx.CopyFrom(ctx, pgx.Identifier{"checks"},
		[]string{"site_id", "checked_at", "status", "status_code", "response_time_ms", "error", "timings"},
		pgx.CopyFromSlice(len(recs), func(i int) ([]any, error) {
			c := recs[i].Check
			return []any{c.SiteID, c.CheckedAt, string(c.Status), c.StatusCode, c.ResponseTimeMS(), c.Error, store.EncodeTimings(c.Timings)}, nil
		}))
	if err != nil {
		return fmt.Errorf("copy checks: %w", err)
	}
	return nil
}

func updateSites(ctx context.Context, tx pgx.Tx, updates []store.SiteUpdate) error {
	n := len(updates)
	var (
		ids, respMS                   = make([]int64, n), make([]int64, n)
		statuses, errs, latency       = make([]string, n), make([]string, n), make([]string, n)
		codes, fails, succs, alerted  = make([]int32, n), make([]int32, n), make([]int32, n), make([]int32, n)
		checked                       = make([]time.Time, n)
		changed, alertAt, ping, certs = make([]*time.Time, n), make([]*time.Time, n), make([]*time.Time, n), make([]*time.Time, n)
		next                          = make([]*time.Time, n)
		release, pinged               = make([]bool, n), make([]bool, n)
	)
	for i, u := range updates {
		s := u.Site
		ids[i], statuses[i], codes[i], respMS[i], errs[i] = s.ID, string(s.Status), int32(u.Last.StatusCode), u.Last.ResponseTimeMS(), u.Last.Error
		checked[i], changed[i], alertAt[i], ping[i], certs[i] = u.Last.CheckedAt, s.LastStatusChange, s.LastAlertAt, s.LastPingAt, s.CertExpiresAt
		fails[i], succs[i], alerted[i] = int32(s.ConsecutiveFailures), int32(s.ConsecutiveSuccesses), int32(s.CertAlertedDays)
		latency[i], next[i], release[i], pinged[i] = string(store.EncodeLatency(s.Latency)), u.NextCheckAt, u.ReleaseClaim, u.Pinged
	}
	const q = `UPDATE sites SET status = v.status, status_code = v.code, response_time_ms = v.resp_ms,
			last_error = v.err, last_checked = v.checked, last_status_change = v.changed, last_alert_at = v.alerted,
			consecutive_failures = v.fails, consecutive_successes = v.succs, last_ping_at = v.ping,
			cert_expires_at = v.cert, cert_alerted_days = v.cert_days, latency = v.latency::jsonb,
			claimed_by = CASE WHEN v.release THEN NULL ELSE claimed_by END,
			claimed_until = CASE WHEN v.release THEN NULL ELSE claimed_until END,
			next_check_at = CASE WHEN v.pinged THEN v.next ELSE LEAST(next_check_at, v.next) END
		FROM unnest($1::bigint[], $2::text[], $3::int[], $4::bigint[], $5::text[], $6::timestamptz[],
			$7::timestamptz[], $8::timestamptz[], $9::int[], $10::int[], $11::bool[], $12::timestamptz[],
			$13::timestamptz[], $14::int[], $15::text[], $16::timestamptz[], $17::bool[])
			AS v(id, status, code, resp_ms, err, checked, changed, alerted, fails, succs, release, ping,
				cert, cert_days, latency, next, pinged)
		WHERE sites.id = v.id`
	if _, err := tx.Exec(ctx, q, ids, statuses, codes, respMS, errs, checked, changed, alertAt, fails, succs, release,
		ping, certs, alerted, latency, next, pinged); err != nil {
		return fmt.Errorf("update site states: %w", err)
	}
	return nil
}

func insertEvents(ctx context.Context, tx pgx.Tx, w store.Writes) error {
	batch := &pgx.Batch{}
	for _, ev := range w.Events() {
		kind := ev.Kind
		if kind == "" {
			kind = monitor.EventStatus
		}
		batch.Queue(`INSERT INTO events (site_id, kind, at, from_status, to_status, reason) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
			ev.SiteID, kind, ev.At, string(ev.From), string(ev.To), ev.Reason).QueryRow(func(row pgx.Row) error {
			return row.Scan(&ev.ID)
		})
	}
	if batch.Len() == 0 {
		return nil
	}
	if err := tx.SendBatch(ctx, batch).Close(); err != nil {
		return fmt.Errorf("insert events: %w", err)
	}
	return nil
}

func (s *Store) History(ctx context.Context, owner, siteID int64, hq store.HistoryQuery) ([]monitor.Check, error) {
	if err := s.ownsSite(ctx, owner, siteID); err != nil {
		return nil, err
	}
	from, to, before := hq.Bounds()
	const q = `SELECT id, site_id, checked_at, status, status_code, response_time_ms, error, timings FROM checks
		WHERE site_id = $1 AND checked_at < $2 AND checked_at >= $3 AND checked_at <= $4
		ORDER BY checked_at DESC, id DESC LIMIT $5`
	rows, err := s.pool.Query(ctx, q, siteID, before, from, to, hq.Limit)
	if err != nil {
		return nil, fmt.Errorf("history of site %d: %w", siteID, err)
	}
	checks, err := collect(rows, func(row pgx.Row) (monitor.Check, error) {
		var (
			c       monitor.Check
			respMS  int64
			timings []byte
		)
		if err := row.Scan(&c.ID, &c.SiteID, &c.CheckedAt, &c.Status, &c.StatusCode, &respMS, &c.Error, &timings); err != nil {
			return c, err
		}
		c.CheckedAt, c.ResponseTime = c.CheckedAt.UTC(), time.Duration(respMS)*time.Millisecond
		var err error
		c.Timings, err = store.DecodeTimings(timings)
		return c, err
	}, "checks")
	if err != nil {
		return nil, fmt.Errorf("history of site %d: %w", siteID, err)
	}
	return checks, nil
}

func (s *Store) Events(ctx context.Context, owner, siteID int64, hq store.HistoryQuery) ([]monitor.Event, error) {
	if err := s.ownsSite(ctx, owner, siteID); err != nil {
		return nil, err
	}
	from, to, before := hq.Bounds()
	const q = `SELECT id, site_id, kind, at, from_status, to_status, reason FROM events
		WHERE site_id = $1 AND at < $2 AND at >= $3 AND at <= $4
		ORDER BY at DESC, id DESC LIMIT $5`
	rows, err := s.pool.Query(ctx, q, siteID, before, from, to, hq.Limit)
	if err != nil {
		return nil, fmt.Errorf("events of site %d: %w", siteID, err)
	}
	events, err := collect(rows, func(row pgx.Row) (monitor.Event, error) {
		var e monitor.Event
		err := row.Scan(&e.ID, &e.SiteID, &e.Kind, &e.At, &e.From, &e.To, &e.Reason)
		e.At = e.At.UTC()
		return e, err
	}, "events")
	if err != nil {
		return nil, fmt.Errorf("events of site %d: %w", siteID, err)
	}
	return events, nil
}

func (s *Store) ownsSite(ctx context.Context, owner, id int64) error {
	var one int
	err := s.pool.QueryRow(ctx, `SELECT 1 FROM sites WHERE id = $1 AND owner_id = $2`, id, owner).Scan(&one)
	if errors.Is(err, pgx.ErrNoRows) {
		return store.ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("find site %d: %w", id, err)
	}
	return nil
}
