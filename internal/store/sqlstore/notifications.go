package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
)

// notificationColumns read a notification n with its webhook w.
const notificationColumns = `n.id, n.webhook_id, n.site_id, n.event_id, n.payload, n.state, n.attempts,
	n.next_attempt_at, n.last_error, n.created_at, n.delivered_at, w.deleted_at`

func scanNotification(row scanner) (monitor.Notification, error) {
	var (
		n       monitor.Notification
		siteID  *int64
		payload []byte
	)
	err := row.Scan(&n.ID, &n.WebhookID, &siteID, &n.EventID, &payload, &n.State, &n.Attempts, timeAt(&n.NextAttemptAt),
		&n.LastError, timeAt(&n.CreatedAt), timeOrNil(&n.DeliveredAt), timeOrNil(&n.WebhookDeletedAt))
	if err != nil {
		return n, err
	}
	if err := json.Unmarshal(payload, &n.Alert); err != nil {
		return n, fmt.Errorf("notification %d payload: %w", n.ID, err)
	}
	if siteID != nil {
		n.SiteID = *siteID
	}
	n.Alert.At = n.Alert.At.UTC()
	return n, nil
}

func (s *Store) notifications(ctx context.Context, what, q string, args ...any) ([]monitor.Notification, error) {
	rows, err := s.read.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	ns, err := collect(rows, scanNotification, "notifications")
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return ns, nil
}

func (s *Store) PendingNotifications(ctx context.Context, webhookID int64, limit int) ([]monitor.Notification, error) {
	const q = `SELECT ` + notificationColumns + ` FROM notifications n JOIN webhooks w ON w.id = n.webhook_id
		WHERE n.webhook_id = $1 AND n.state = 'pending' ORDER BY n.id LIMIT $2`
	return s.notifications(ctx, fmt.Sprintf("pending notifications of webhook %d", webhookID), q, webhookID, limit)
}

func (s *Store) ListNotifications(ctx context.Context, owner int64, q store.NotificationQuery) ([]monitor.Notification, error) {
	const sel = `SELECT ` + notificationColumns + `, w.kind, w.name FROM notifications n JOIN webhooks w ON w.id = n.webhook_id
		WHERE w.owner_id = $1 AND ($2 = 0 OR n.id < $2) AND ($3 = '' OR n.state = $3)
		ORDER BY n.id DESC LIMIT $4`
	rows, err := s.read.query(ctx, sel, owner, q.BeforeID, string(q.State), q.Limit)
	if err != nil {
		return nil, fmt.Errorf("list notifications: %w", err)
	}
	ns, err := collect(rows, scanListedNotification, "notifications")
	if err != nil {
		return nil, fmt.Errorf("list notifications: %w", err)
	}
	return ns, nil
}

// scanListedNotification reads notificationColumns followed by the channel's kind and name.
func scanListedNotification(row scanner) (monitor.Notification, error) {
	var kind, name string
	n, err := scanNotification(extraColumns{row, []any{&kind, &name}})
	n.ChannelType, n.ChannelName = monitor.ChannelType(kind), name
	return n, err
}

// extraColumns scans the columns after the ones a scan function reads into more.
type extraColumns struct {
	row  scanner
	more []any
}

func (e extraColumns) Scan(dest ...any) error { return e.row.Scan(append(dest, e.more...)...) }

// RecordDelivery updates the notifications and their channel in one transaction. Only pending
// rows change: a row a slow dispatcher reports on after another delivered it stays delivered.
func (s *Store) RecordDelivery(ctx context.Context, d store.Delivery) error {
	pending := ` WHERE webhook_id = $1 AND state = 'pending' AND id ` + s.d.InIDs("$2")
	var stmts [][]any // each a query and its arguments
	add := func(q string, args ...any) { stmts = append(stmts, append([]any{q}, args...)) }
	switch d.Outcome {
	case store.Delivered:
		add(`UPDATE notifications SET state = 'delivered', delivered_at = $3, attempts = attempts + 1, last_error = ''`+pending, d.WebhookID, d.IDs, d.At)
		add(`UPDATE webhooks SET last_delivery_at = $2, last_error = '' WHERE id = $1`, d.WebhookID, d.At)
	case store.Retry:
		add(`UPDATE notifications SET attempts = attempts + 1, last_error = $3, next_attempt_at = $4,
			state = CASE WHEN created_at < $5 THEN 'given_up' ELSE 'pending' END`+pending, d.WebhookID, d.IDs, d.Error, d.NextAttempt, d.GiveUpBefore)
		add(`UPDATE webhooks SET last_error = $2 WHERE id = $1`, d.WebhookID, d.Error)
	case store.Postpone:
		add(`UPDATE notifications SET next_attempt_at = $3, last_error = $4`+pending, d.WebhookID, d.IDs, d.NextAttempt, d.Error)
	case store.Failed:
		add(`UPDATE notifications SET state = 'failed', attempts = attempts + 1, last_error = $3`+pending, d.WebhookID, d.IDs, d.Error)
		add(`UPDATE webhooks SET last_error = $2 WHERE id = $1`, d.WebhookID, d.Error)
	case store.Disable:
		add(`UPDATE notifications SET last_error = $3`+pending, d.WebhookID, d.IDs, d.Error)
		add(`UPDATE webhooks SET state = 'disabled', last_error = $2 WHERE id = $1`, d.WebhookID, d.Error)
	default:
		return fmt.Errorf("record delivery: unknown outcome %d", d.Outcome)
	}
	err := s.inTx(ctx, func(tx conn, _ *sql.Tx) error {
		for _, st := range stmts {
			if _, err := tx.exec(ctx, st[0].(string), st[1:]...); err != nil {
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
