package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
)

// MetricsSnapshot reads three things, each in one statement: every site's gauges (a scan of
// the sites table), the due sites (through the site_schedule_due index) and the outbox's states.
func (s *Store) MetricsSnapshot(ctx context.Context, now time.Time) (store.MetricsSnapshot, error) {
	var snap store.MetricsSnapshot
	var err error
	if snap.Sites, err = s.siteGauges(ctx); err != nil {
		return snap, err
	}
	const due = `SELECT count(*) FROM site_schedule
		WHERE NOT paused AND next_check_at <= $1 AND (claimed_until IS NULL OR claimed_until < $1)`
	if err := s.read.row(ctx, due, now).Scan(&snap.Due); err != nil {
		return snap, fmt.Errorf("count due sites: %w", err)
	}
	snap.Outbox, err = s.outboxStates(ctx)
	return snap, err
}

func (s *Store) siteGauges(ctx context.Context) ([]store.SiteGauge, error) {
	const q = `SELECT id, name, type, status, paused, response_time_ms, cert_expires_at FROM sites ORDER BY id`
	rows, err := s.read.query(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("read site gauges: %w", err)
	}
	return collect(rows, func(row scanner) (store.SiteGauge, error) {
		var g store.SiteGauge
		err := row.Scan(&g.ID, &g.Name, &g.Kind, &g.Status, &g.Paused, &g.ResponseTimeMS, timeOrNil(&g.CertExpiresAt))
		return g, err
	}, "site gauges")
}

func (s *Store) outboxStates(ctx context.Context) (map[monitor.NotificationState]int64, error) {
	rows, err := s.read.query(ctx, `SELECT state, count(*) FROM notifications GROUP BY state`)
	if err != nil {
		return nil, fmt.Errorf("count notifications: %w", err)
	}
	defer rows.Close()
	out := map[monitor.NotificationState]int64{}
	for rows.Next() {
		var (
			state monitor.NotificationState
			n     int64
		)
		if err := rows.Scan(&state, &n); err != nil {
			return nil, fmt.Errorf("count notifications: %w", err)
		}
		out[state] = n
	}
	return out, rows.Err()
}
