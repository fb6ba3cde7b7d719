package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"slices"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
)

// newSiteColumns are the columns CreateSites writes, with each one's value for a site: the same
// settings CreateSite writes.
var newSiteColumns = []column[monitor.Site]{
	{"owner_id", func(s *monitor.Site) any { return s.OwnerID }},
	{"type", func(s *monitor.Site) any { return kindOf(*s) }},
	{"name", func(s *monitor.Site) any { return s.Name }},
	{"url", func(s *monitor.Site) any { return s.URL }},
	{"check_interval_seconds", func(s *monitor.Site) any { return s.CheckIntervalSeconds }},
	{"timeout_seconds", func(s *monitor.Site) any { return s.TimeoutSeconds }},
	{"expected_status_code", func(s *monitor.Site) any { return s.ExpectedStatusCode }},
	{"paused", func(s *monitor.Site) any { return s.Paused }},
	{"failure_threshold", func(s *monitor.Site) any { return s.FailureThreshold }},
	{"resend_interval_minutes", func(s *monitor.Site) any { return s.ResendIntervalMinutes }},
	{"options", func(s *monitor.Site) any { return JSON(store.EncodeOptions(*s)) }},
	{"retry_interval_seconds", func(s *monitor.Site) any { return s.RetryIntervalSeconds }},
	{"grace_seconds", func(s *monitor.Site) any { return s.GraceSeconds }},
	{"push_token", func(s *monitor.Site) any { return pushTokenOrNil(s.PushToken) }},
	{"status", func(s *monitor.Site) any { return string(monitor.StatusPending) }},
	{"created_at", func(s *monitor.Site) any { return s.CreatedAt }},
}

// newSchedule is a new site's schedule: the site and the id it was given.
type newSchedule struct {
	id   int64
	site *monitor.Site
}

// newScheduleColumns are the columns of a new site's row in site_schedule.
var newScheduleColumns = []column[newSchedule]{
	{"site_id", func(n *newSchedule) any { return n.id }},
	{"next_check_at", func(n *newSchedule) any { return n.site.NextCheckAt }},
	{"paused", func(n *newSchedule) any { return n.site.Paused }},
	{"check_interval_seconds", func(n *newSchedule) any { return n.site.CheckIntervalSeconds }},
	{"timeout_seconds", func(n *newSchedule) any { return n.site.TimeoutSeconds }},
}

// pushTokenOrNil is the push_token column's value: NULL for a site that is not a push site. A
// typed pointer, so that a batch whose first site has none still knows the column is text.
func pushTokenOrNil(token string) *string {
	if token == "" {
		return nil
	}
	return &token
}

// CreateSites costs a fixed number of statements on PostgreSQL and one prepared statement per
// site on SQLite: insert the sites, link their webhooks, read them back.
func (s *Store) CreateSites(ctx context.Context, sites []monitor.Site) ([]monitor.Site, error) {
	if len(sites) == 0 {
		return []monitor.Site{}, nil
	}
	var created []monitor.Site
	err := s.inTx(ctx, func(tx conn, raw *sql.Tx) error {
		ids, err := s.d.Insert(ctx, raw, "sites", rowsOf(newSiteColumns, sites), true)
		if err != nil {
			return fmt.Errorf("insert sites: %w", err)
		}
		if len(ids) != len(sites) {
			return fmt.Errorf("insert sites: %d ids for %d sites", len(ids), len(sites))
		}
		schedules := make([]newSchedule, len(sites))
		for i := range sites {
			schedules[i] = newSchedule{ids[i], &sites[i]}
		}
		if _, err := s.d.Insert(ctx, raw, "site_schedule", rowsOf(newScheduleColumns, schedules), false); err != nil {
			return fmt.Errorf("schedule sites: %w", err)
		}
		links, err := s.linkNewSites(ctx, tx, raw, sites, ids)
		if err != nil {
			return err
		}
		created, err = s.readCreated(ctx, tx, ids, links)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("create %d sites: %w", len(sites), err)
	}
	return created, nil
}

// linkNewSites links each new site (ids[i] is sites[i]'s) to the live webhooks of its owner
// among those it names, and returns the links made by site id. The webhooks are locked, where
// the dialect locks rows, so that none is deleted before the links are written.
func (s *Store) linkNewSites(ctx context.Context, tx conn, raw *sql.Tx, sites []monitor.Site, ids []int64) (map[int64][]int64, error) {
	var named []int64
	for _, site := range sites {
		named = append(named, site.WebhookIDs...)
	}
	links := map[int64][]int64{}
	if len(named) == 0 {
		return links, nil
	}
	q := `SELECT id, owner_id FROM webhooks WHERE deleted_at IS NULL AND id ` + s.d.InIDs("$1") + ` ORDER BY id` + s.d.ForUpdate
	rows, err := tx.query(ctx, q, named)
	if err != nil {
		return nil, fmt.Errorf("webhooks of new sites: %w", err)
	}
	ownerOf, err := idPairs(rows)
	if err != nil {
		return nil, fmt.Errorf("webhooks of new sites: %w", err)
	}
	pairs := Rows{Columns: []string{"site_id", "webhook_id"}}
	for i, site := range sites {
		for _, hook := range slices.Compact(slices.Sorted(slices.Values(site.WebhookIDs))) {
			if owners := ownerOf[hook]; len(owners) == 1 && owners[0] == site.OwnerID {
				pairs.Values = append(pairs.Values, []any{ids[i], hook})
				links[ids[i]] = append(links[ids[i]], hook)
			}
		}
	}
	if len(pairs.Values) > 0 {
		if _, err := s.d.Insert(ctx, raw, "site_webhooks", pairs, false); err != nil {
			return nil, fmt.Errorf("link webhooks of new sites: %w", err)
		}
	}
	return links, nil
}

// readCreated reads the new sites back, in id order (their order), with their webhooks and
// where their alerts go.
func (s *Store) readCreated(ctx context.Context, tx conn, ids []int64, links map[int64][]int64) ([]monitor.Site, error) {
	rows, err := tx.query(ctx, `SELECT `+SiteColumns+` FROM sites WHERE id `+s.d.InIDs("$1")+` ORDER BY id`, ids)
	if err != nil {
		return nil, fmt.Errorf("read new sites: %w", err)
	}
	created, err := collect(rows, newSiteScan().scan, "new sites")
	if err != nil {
		return nil, err
	}
	if len(created) != len(ids) {
		return nil, fmt.Errorf("read %d new sites back, inserted %d", len(created), len(ids))
	}
	byOwner := map[int64][]int{}
	for i := range created {
		created[i].WebhookIDs = links[created[i].ID]
		byOwner[created[i].OwnerID] = append(byOwner[created[i].OwnerID], i)
	}
	for owner, idx := range byOwner {
		group := make([]monitor.Site, len(idx))
		for j, i := range idx {
			group[j] = created[i]
		}
		if err := s.markAlerting(ctx, tx, owner, group); err != nil {
			return nil, err
		}
		for j, i := range idx {
			created[i].Alerting = group[j].Alerting
		}
	}
	return created, nil
}
