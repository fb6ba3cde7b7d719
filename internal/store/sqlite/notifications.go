package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
)

const notificationColumns = `n.id, n.webhook_id, n.site_id, n.event_id, n.payload, n.state, n.attempts,
	n.next_attempt_at, n.last_error, n.created_at, n.delivered_at`

func scanNotification(row scanner) (monitor.Notification, error) {
	var (
		n               monitor.Notification
		siteID, eventID sql.NullInt64
		payload         string
		next, created   int64
		delivered       sql.NullInt64
	)
	err := row.Scan(&n.ID, &n.WebhookID, &siteID, &eventID, &payload, &n.State, &n.Attempts, &next, &n.LastError,
		&created, &delivered)
	if err != nil {
		return n, err
	}
	if err := json.Unmarshal([]byte(payload), &n.Alert); err != nil {
		return n, fmt.Errorf("notification %d payload: %w", n.ID, err)
	}
	n.SiteID = siteID.Int64
	if eventID.Valid {
		n.EventID = &eventID.Int64
	}
	n.NextAttemptAt, n.CreatedAt, n.DeliveredAt = fromMicros(next), fromMicros(created), timePtr(delivered)
	return n, nil
}

func collectNotifications(rows *sql.Rows) ([]monitor.Notification, error) {
	return collect(rows, scanNotification, "notification")
}

func (s *Store) PendingNotifications(ctx context.Context, webhookID int64, limit int) ([]monitor.Notification, error) {
	const q = `SELECT ` + notificationColumns + ` FROM notifications n
		WHERE n.webhook_id = ? AND n.state = 'pending' ORDER BY n.id LIMIT ?`
	rows, err := s.read.QueryContext(ctx, q, webhookID, limit)
	if err != nil {
		return nil, fmt.Errorf("pending notifications of webhook %d: %w", webhookID, err)
	}
	return collectNotifications(rows)
}

func (s *Store) ListNotifications(ctx context.Context, owner int64, q store.NotificationQuery) ([]monitor.Notification, error) {
	const sel = `SELECT ` + notificationColumns + ` FROM notifications n JOIN webhooks w ON w.id = n.webhook_id
		WHERE w.owner_id = ?1 AND (?2 = 0 OR n.id < ?2) AND (?3 = '' OR n.state = ?3)
		ORDER BY n.id DESC LIMIT ?4`
	rows, err := s.read.QueryContext(ctx, sel, owner, q.BeforeID, string(q.State), q.Limit)
	if err != nil {
		return nil, fmt.Errorf("list notifications: %w", err)
	}
	return collectNotifications(rows)
}

// RecordDelivery updates the notifications and their webhook in one transaction. Only pending
// rows change: a row a slow dispatcher reports on after another delivered it stays delivered.
func (s *Store) RecordDelivery(ctx context.Context, d store.Delivery) error {
	ids := jsonList(d.IDs)
	at, next, giveUp := micros(d.At), micros(d.NextAttempt), micros(d.GiveUpBefore)
	const pending = ` WHERE webhook_id = ?1 AND state = 'pending' AND id IN (SELECT value FROM json_each(?2))`
	var stmts []statement
	add := func(q string, args ...any) { stmts = append(stmts, statement{q, args}) }
	switch d.Outcome {
	case store.Delivered:
		add(`UPDATE notifications SET state = 'delivered', delivered_at = ?3, attempts = attempts + 1, last_error = ''`+pending, d.WebhookID, ids, at)
		add(`UPDATE webhooks SET last_delivery_at = ?2, last_error = '' WHERE id = ?1`, d.WebhookID, at)
	case store.Retry:
		add(`UPDATE notifications SET attempts = attempts + 1, last_error = ?3, next_attempt_at = ?4,
			state = CASE WHEN created_at < ?5 THEN 'given_up' ELSE 'pending' END`+pending, d.WebhookID, ids, d.Error, next, giveUp)
		add(`UPDATE webhooks SET last_error = ?2 WHERE id = ?1`, d.WebhookID, d.Error)
	case store.Postpone:
		add(`UPDATE notifications SET next_attempt_at = ?3, last_error = ?4`+pending, d.WebhookID, ids, next, d.Error)
	case store.Failed:
		add(`UPDATE notifications SET state = 'failed', attempts = attempts + 1, last_error = ?3`+pending, d.WebhookID, ids, d.Error)
		add(`UPDATE webhooks SET last_error = ?2 WHERE id = ?1`, d.WebhookID, d.Error)
	case store.Disable:
		add(`UPDATE notifications SET last_error = ?3`+pending, d.WebhookID, ids, d.Error)
		add(`UPDATE webhooks SET state = 'disabled', last_error = ?2 WHERE id = ?1`, d.WebhookID, d.Error)
	default:
		return fmt.Errorf("record delivery: unknown outcome %d", d.Outcome)
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		for _, st := range stmts {
			if _, err := tx.ExecContext(ctx, st.sql, st.args...); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("record delivery to webhook %d: %w", d.WebhookID, err)
	}
	return nil
}

type statement struct {
	sql  string
	args []any
}
