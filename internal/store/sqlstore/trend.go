package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
)

// ownedIDs is the condition that a site id column ($2's ids, owned by $1) names one of the
// owner's given sites. As a subquery, it makes the planner walk the id list into the
// (site_id, time) indexes rather than every site of the owner into them.
func (s *Store) ownedIDs(column string) string {
	return column + ` IN (SELECT id FROM sites WHERE owner_id = $1 AND id ` + s.d.InIDs("$2") + `)`
}

// CheckBuckets groups in the database: only one row per bucket leaves it. The checks are
// found by the (site_id, checked_at) index.
func (s *Store) CheckBuckets(ctx context.Context, owner int64, siteIDs []int64, from, to time.Time, bucket time.Duration) (map[int64][]store.CheckBucket, error) {
	width := bucket.Microseconds()
	if width <= 0 {
		return nil, fmt.Errorf("check buckets: a bucket of %s", bucket)
	}
	slot := s.d.TimeBucket("c.checked_at", "$5")
	q := `SELECT c.site_id, ` + slot + ` AS slot, COUNT(*),
		SUM(CASE WHEN c.status = 'up' THEN 0 ELSE 1 END), AVG(CAST(c.response_time_ms AS DOUBLE PRECISION)), MAX(c.response_time_ms)
		FROM checks c
		WHERE ` + s.ownedIDs("c.site_id") + ` AND c.checked_at >= $3 AND c.checked_at < $4
		GROUP BY c.site_id, slot ORDER BY c.site_id, slot`
	rows, err := s.read.query(ctx, q, owner, siteIDs, from, to, width)
	if err != nil {
		return nil, fmt.Errorf("check buckets: %w", err)
	}
	defer rows.Close()
	out := map[int64][]store.CheckBucket{}
	for rows.Next() {
		var (
			site int64
			b    store.CheckBucket
		)
		if err := rows.Scan(&site, timeAt(&b.At), &b.Checks, &b.Failed, &b.AvgMS, &b.MaxMS); err != nil {
			return nil, fmt.Errorf("check buckets: %w", err)
		}
		out[site] = append(out[site], b)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("check buckets: %w", err)
	}
	return out, nil
}

// EventsSince reads the window's events and, by the largest id of each site and kind before
// it, what was in force when it began (events are written in time order).
func (s *Store) EventsSince(ctx context.Context, owner int64, siteIDs []int64, from time.Time) (map[int64][]monitor.Event, error) {
	q := `SELECT e.id, e.site_id, e.kind, e.at, e.from_status, e.to_status, e.reason FROM events e
		WHERE ` + s.ownedIDs("e.site_id") + ` AND e.at >= $3
		UNION ALL
		SELECT e.id, e.site_id, e.kind, e.at, e.from_status, e.to_status, e.reason FROM events e
		WHERE e.id IN (SELECT MAX(id) FROM events WHERE ` + s.ownedIDs("site_id") + ` AND at < $3 GROUP BY site_id, kind)
		ORDER BY 2, 4, 1`
	rows, err := s.read.query(ctx, q, owner, siteIDs, from)
	if err != nil {
		return nil, fmt.Errorf("events since %s: %w", from, err)
	}
	events, err := collect(rows, scanEvent, "events")
	if err != nil {
		return nil, fmt.Errorf("events since %s: %w", from, err)
	}
	out := map[int64][]monitor.Event{}
	for _, ev := range events {
		out[ev.SiteID] = append(out[ev.SiteID], ev)
	}
	return out, nil
}
