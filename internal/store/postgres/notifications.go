package postgres

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
)

const notificationColumns = `n.id, n.webhook_id, n.site_id, n.event_id, n.payload, n.state, n.attempts,
	n.next_attempt_at, n.last_error, n.created_at, n.delivered_at`

func scanNotification(row pgx.Row) (monitor.Notification, error) {
	var (
		n       monitor.Notification
		siteID  *int64
		payload []byte
	)
	err := row.Scan(&n.ID, &n.WebhookID, &siteID, &n.EventID, &payload, &n.State, &n.Attempts, &n.NextAttemptAt,
		&n.LastError, &n.CreatedAt, &n.DeliveredAt)
	if err != nil {
		return n, err
	}
	if err := json.Unmarshal(payload, &n.Alert); err != nil {
		return n, fmt.Errorf("notification %d payload: %w", n.ID, err)
	}
	if siteID != nil {
		n.SiteID = *siteID
	}
	n.NextAttemptAt, n.CreatedAt, n.DeliveredAt = n.NextAttemptAt.UTC(), n.CreatedAt.UTC(), utcPtr(n.DeliveredAt)
	n.Alert.At = n.Alert.At.UTC()
	return n, nil
}

func collectNotifications(rows pgx.Rows) ([]monitor.Notification, error) {
	return collect(rows, scanNotification, "notifications")
}

func (s *Store) PendingNotifications(ctx context.Context, webhookID int64, limit int) ([]monitor.Notification, error) {
	const q = `SELECT ` + notificationColumns + ` FROM notifications n
		WHERE n.webhook_id = $1 AND n.state = 'pending' ORDER BY n.id LIMIT $2`
	rows, err := s.pool.Query(ctx, q, webhookID, limit)
	if err != nil {
		return nil, fmt.Errorf("pending notifications of webhook %d: %w", webhookID, err)
	}
	return collectNotifications(rows)
}

func (s *Store) ListNotifications(ctx context.Context, owner int64, q store.NotificationQuery) ([]monitor.Notification, error) {
	const sel = `SELECT ` + notificationColumns + ` FROM notifications n JOIN webhooks w ON w.id = n.webhook_id
		WHERE w.owner_id = $1 AND ($2 = 0 OR n.id < $2) AND ($3 = '' OR n.state = $3)
		ORDER BY n.id DESC LIMIT $4`
	rows, err := s.pool.Query(ctx, sel, owner, q.BeforeID, string(q.State), q.Limit)
	if err != nil {
		return nil, fmt.Errorf("list notifications: %w", err)
	}
	return collectNotifications(rows)
}

// RecordDelivery updates the notifications and their webhook in one transaction. Only pending
// rows change: a row a slow dispatcher reports on after another delivered it stays delivered.
func (s *Store) RecordDelivery(ctx context.Context, d store.Delivery) error {
	const pending = ` WHERE webhook_id = $1 AND state = 'pending' AND id = ANY($2)`
	batch := &pgx.Batch{}
	switch d.Outcome {
	case store.Delivered:
		batch.Queue(`UPDATE notifications SET state = 'delivered', delivered_at = $3, attempts = attempts + 1, last_error = ''`+pending, d.WebhookID, d.IDs, d.At)
		batch.Queue(`UPDATE webhooks SET last_delivery_at = $2, last_error = '' WHERE id = $1`, d.WebhookID, d.At)
	case store.Retry:
		batch.Queue(`UPDATE notifications SET attempts = attempts + 1, last_error = $3, next_attempt_at = $4,
			state = CASE WHEN created_at < $5 THEN 'given_up' ELSE 'pending' END`+pending, d.WebhookID, d.IDs, d.Error, d.NextAttempt, d.GiveUpBefore)
		batch.Queue(`UPDATE webhooks SET last_error = $2 WHERE id = $1`, d.WebhookID, d.Error)
	case store.Postpone:
		batch.Queue(`UPDATE notifications SET next_attempt_at = $3, last_error = $4`+pending, d.WebhookID, d.IDs, d.NextAttempt, d.Error)
	case store.Failed:
		batch.Queue(`UPDATE notifications SET state = 'failed', attempts = attempts + 1, last_error = $3`+pending, d.WebhookID, d.IDs, d.Error)
		batch.Queue(`UPDATE webhooks SET last_error = $2 WHERE id = $1`, d.WebhookID, d.Error)
	case store.Disable:
		batch.Queue(`UPDATE notifications SET last_error = $3`+pending, d.WebhookID, d.IDs, d.Error)
		batch.Queue(`UPDATE webhooks SET state = 'disabled', last_error = $2 WHERE id = $1`, d.WebhookID, d.Error)
	default:
		return fmt.Errorf("record delivery: unknown outcome %d", d.Outcome)
	}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error { return tx.SendBatch(ctx, batch).Close() })
	if err != nil {
		return fmt.Errorf("record delivery to webhook %d: %w", d.WebhookID, err)
	}
	return nil
}
