package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/tocsin/tocsin/internal/store"
)

// enqueueAlerts writes a pending notification for each alert of the batch to each webhook its
// site alerts: the site's own webhooks, or else its owner's default one.
func enqueueAlerts(ctx context.Context, tx pgx.Tx, w store.Writes) error {
	alertSites := w.AlertSites()
	if len(alertSites) == 0 {
		return nil
	}
	const q = `SELECT site_id, webhook_id FROM site_webhooks WHERE site_id = ANY($1)
		UNION ALL
		SELECT s.id, wh.id FROM sites s JOIN webhooks wh ON wh.owner_id = s.owner_id AND wh.is_default
		WHERE s.id = ANY($1) AND NOT EXISTS (SELECT 1 FROM site_webhooks sw WHERE sw.site_id = s.id)`
	rows, err := tx.Query(ctx, q, alertSites)
	if err != nil {
		return fmt.Errorf("find webhooks to alert: %w", err)
	}
	targets := map[int64][]int64{}
	var site, webhook int64
	_, err = pgx.ForEachRow(rows, []any{&site, &webhook}, func() error {
		targets[site] = append(targets[site], webhook)
		return nil
	})
	if err != nil {
		return fmt.Errorf("find webhooks to alert: %w", err)
	}
	news, err := w.Notifications(targets)
	if err != nil {
		return err
	}
	if len(news) == 0 {
		return nil
	}
	batch := &pgx.Batch{}
	for _, n := range news {
		batch.Queue(`INSERT INTO notifications (webhook_id, site_id, event_id, kind, payload, next_attempt_at, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $6)`, n.WebhookID, n.SiteID, n.EventID, string(n.Kind), n.Payload, n.At)
	}
	if err := tx.SendBatch(ctx, batch).Close(); err != nil {
		return fmt.Errorf("enqueue alerts: %w", err)
	}
	return nil
}
