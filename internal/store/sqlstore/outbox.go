package sqlstore

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/tocsin/tocsin/internal/store"
)

// enqueueAlerts writes a pending notification for each alert of the batch to each webhook it
// goes to (see store.Writes.Route).
func (s *Store) enqueueAlerts(ctx context.Context, tx conn, raw *sql.Tx, w *store.Writes) error {
	alertSites := w.AlertSites()
	if len(alertSites) == 0 {
		return nil
	}
	routes, err := s.routes(ctx, tx, alertSites)
	if err != nil {
		return fmt.Errorf("find webhooks to alert: %w", err)
	}
	news, err := w.Route(routes, func(siteID int64) ([]int64, error) { return downWebhooks(ctx, tx, siteID) })
	if err != nil {
		return fmt.Errorf("route alerts: %w", err)
	}
	if len(news) == 0 {
		return nil
	}
	if _, err := s.d.Insert(ctx, raw, "notifications", rowsOf(outboxColumns, news), false); err != nil {
		return fmt.Errorf("enqueue alerts: %w", err)
	}
	return nil
}

// outboxColumns are written for each new notification; it is due at once.
var outboxColumns = []column[store.NewNotification]{
	{"webhook_id", func(n store.NewNotification) any { return n.WebhookID }},
	{"site_id", func(n store.NewNotification) any { return n.SiteID }},
	{"event_id", func(n store.NewNotification) any { return n.EventID }},
	{"kind", func(n store.NewNotification) any { return string(n.Kind) }},
	{"payload", func(n store.NewNotification) any { return JSON(n.Payload) }},
	{"next_attempt_at", func(n store.NewNotification) any { return n.At }},
	{"created_at", func(n store.NewNotification) any { return n.At }},
}

// routes finds the webhooks each site's alerts go to: its own, or else its owner's default.
func (s *Store) routes(ctx context.Context, tx conn, siteIDs []int64) (map[int64][]int64, error) {
	q := `SELECT site_id, webhook_id FROM site_webhooks WHERE site_id ` + s.d.InIDs("$1") + `
		UNION ALL
		SELECT s.id, w.id FROM sites s JOIN webhooks w ON w.owner_id = s.owner_id AND w.is_default AND w.deleted_at IS NULL
		WHERE s.id ` + s.d.InIDs("$1") + ` AND NOT EXISTS (SELECT 1 FROM site_webhooks sw WHERE sw.site_id = s.id)`
	rows, err := tx.query(ctx, q, siteIDs)
	if err != nil {
		return nil, err
	}
	return idPairs(rows)
}

// downWebhooks finds where the site's last down alert went: the webhooks, still in use, that
// were sent the down alert of its last change to down.
func downWebhooks(ctx context.Context, tx conn, siteID int64) ([]int64, error) {
	const q = `SELECT DISTINCT n.webhook_id FROM notifications n JOIN webhooks w ON w.id = n.webhook_id
		WHERE n.kind = 'down' AND w.deleted_at IS NULL AND n.event_id = (
			SELECT id FROM events WHERE site_id = $1 AND kind = 'status' AND to_status = 'down'
			ORDER BY at DESC, id DESC LIMIT 1)
		ORDER BY n.webhook_id`
	rows, err := tx.query(ctx, q, siteID)
	if err != nil {
		return nil, fmt.Errorf("find where site %d's down alert went: %w", siteID, err)
	}
	ids, err := collect(rows, func(row scanner) (id int64, err error) { return id, row.Scan(&id) }, "webhook ids")
	if err != nil {
		return nil, fmt.Errorf("find where site %d's down alert went: %w", siteID, err)
	}
	return ids, nil
}
