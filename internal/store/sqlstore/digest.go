package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/tocsin/tocsin/internal/store"
)

// SitesDigest is one aggregate over the owner's rows of sites (the sites_owner index finds
// them); no row leaves the database.
func (s *Store) SitesDigest(ctx context.Context, owner int64) (store.SitesDigest, error) {
	const q = `SELECT COUNT(*),
		COALESCE(SUM(CASE WHEN NOT paused AND status = 'up' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN NOT paused AND status = 'down' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN NOT paused AND status = 'pending' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN paused THEN 1 ELSE 0 END), 0),
		CAST(COALESCE(SUM(id), 0) AS BIGINT), MAX(last_status_change), MAX(created_at)
		FROM sites WHERE owner_id = $1`
	var (
		d                store.SitesDigest
		changed, created *time.Time
	)
	err := s.read.row(ctx, q, owner).Scan(&d.Sites, &d.Up, &d.Down, &d.Pending, &d.Paused, &d.IDSum,
		timeOrNil(&changed), timeOrNil(&created))
	if err != nil {
		return d, fmt.Errorf("digest of sites: %w", err)
	}
	d.LastChange = changed
	if created != nil && (changed == nil || created.After(*changed)) {
		d.LastChange = created
	}
	return d, nil
}
