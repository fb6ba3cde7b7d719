package sqlstore

import (
	"context"
	"fmt"
	"slices"

	"github.com/tocsin/tocsin/internal/monitor"
)

// linkWebhooks makes the site alert exactly the webhooks ids (none: its owner's default),
// replacing the links it had unless it is new, and sets on it what it alerts now. Deleted
// webhooks are never linked.
func (s *Store) linkWebhooks(ctx context.Context, tx conn, site *monitor.Site, ids []int64, replace bool) error {
	if replace {
		if _, err := tx.exec(ctx, `DELETE FROM site_webhooks WHERE site_id = $1`, site.ID); err != nil {
			return fmt.Errorf("unlink webhooks: %w", err)
		}
	}
	site.WebhookIDs = nil
	if len(ids) > 0 {
		q := `INSERT INTO site_webhooks (site_id, webhook_id)
			SELECT $1, id FROM webhooks WHERE deleted_at IS NULL AND id ` + s.d.InIDs("$2") + ` RETURNING webhook_id`
		rows, err := tx.query(ctx, q, site.ID, ids)
		if err != nil {
			return fmt.Errorf("link webhooks: %w", err)
		}
		linked, err := collect(rows, func(row scanner) (id int64, err error) { return id, row.Scan(&id) }, "linked webhooks")
		if err != nil {
			return fmt.Errorf("link webhooks: %w", err)
		}
		if len(linked) > 0 {
			site.WebhookIDs = slices.Sorted(slices.Values(linked))
		}
	}
	sites := []monitor.Site{*site}
	err := s.markAlerting(ctx, tx, site.OwnerID, sites)
	*site = sites[0]
	return err
}

// addWebhooks sets on the owner's sites the webhooks each alerts, read with q (rows of
// site_id, webhook_id), and where their alerts go.
func (s *Store) addWebhooks(ctx context.Context, c conn, owner int64, sites []monitor.Site, q string, args ...any) error {
	rows, err := c.query(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("site webhooks: %w", err)
	}
	links, err := idPairs(rows)
	if err != nil {
		return fmt.Errorf("site webhooks: %w", err)
	}
	for i := range sites {
		sites[i].WebhookIDs = links[sites[i].ID]
	}
	return s.markAlerting(ctx, c, owner, sites)
}

// markAlerting sets where the owner's sites alert: nowhere, for a site with no webhook of its
// own when its owner has no default.
func (s *Store) markAlerting(ctx context.Context, c conn, owner int64, sites []monitor.Site) error {
	var hasDefault *bool
	for i := range sites {
		sites[i].Alerting = ""
		if len(sites[i].WebhookIDs) > 0 {
			continue
		}
		if hasDefault == nil {
			hasDefault = new(bool)
			const q = `SELECT EXISTS (SELECT 1 FROM webhooks WHERE owner_id = $1 AND is_default AND deleted_at IS NULL)`
			if err := c.row(ctx, q, owner).Scan(hasDefault); err != nil {
				return fmt.Errorf("default webhook: %w", err)
			}
		}
		if !*hasDefault {
			sites[i].Alerting = monitor.AlertingNoWebhook
		}
	}
	return nil
}
