package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/tocsin/tocsin/internal/store"
)

// enqueueAlerts writes a pending notification for each alert of the batch to each webhook its
// site alerts: the site's own webhooks, or else its owner's default one.
func enqueueAlerts(ctx context.Context, tx *sql.Tx, w store.Writes) error {
	alertSites := w.AlertSites()
	if len(alertSites) == 0 {
		return nil
	}
	const q = `SELECT site_id, webhook_id FROM site_webhooks WHERE site_id IN (SELECT value FROM json_each(?1))
		UNION ALL
		SELECT s.id, wh.id FROM sites s JOIN webhooks wh ON wh.owner_id = s.owner_id AND wh.is_default = 1
		WHERE s.id IN (SELECT value FROM json_each(?1))
			AND NOT EXISTS (SELECT 1 FROM site_webhooks sw WHERE sw.site_id = s.id)`
	rows, err := tx.QueryContext(ctx, q, jsonList(alertSites))
	if err != nil {
		return fmt.Errorf("find webhooks to alert: %w", err)
	}
	targets := map[int64][]int64{}
	for rows.Next() {
		var site, webhook int64
		if err := rows.Scan(&site, &webhook); err != nil {
			rows.Close()
			return fmt.Errorf("find webhooks to alert: %w", err)
		}
		targets[site] = append(targets[site], webhook)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	news, err := w.Notifications(targets)
	if err != nil {
		return err
	}
	for _, n := range news {
		const ins = `INSERT INTO notifications (webhook_id, site_id, event_id, kind, payload, next_attempt_at, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`
		if _, err := tx.ExecContext(ctx, ins, n.WebhookID, n.SiteID, n.EventID, n.Kind, string(n.Payload), micros(n.At), micros(n.At)); err != nil {
			return fmt.Errorf("enqueue alert for site %d: %w", n.SiteID, err)
		}
	}
	return nil
}
