package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
)

func (s *Store) QueueAccountAlert(ctx context.Context, owner int64, webhooks []int64, a monitor.Alert) ([]int64, error) {
	payload, err := json.Marshal(a)
	if err != nil {
		return nil, fmt.Errorf("queue %s alert: %w", a.Kind, err)
	}
	q, args := `SELECT id FROM webhooks WHERE owner_id = $1 AND is_default AND deleted_at IS NULL ORDER BY id`, []any{owner}
	if webhooks != nil {
		q = `SELECT id FROM webhooks WHERE owner_id = $1 AND id ` + s.d.InIDs("$2") + ` AND deleted_at IS NULL ORDER BY id`
		args = append(args, webhooks)
	}
	var to []int64
	err = s.inTx(ctx, func(tx conn, raw *sql.Tx) error {
		rows, err := tx.query(ctx, q, args...)
		if err != nil {
			return err
		}
		if to, err = collect(rows, func(row scanner) (id int64, err error) { return id, row.Scan(&id) }, "webhook ids"); err != nil {
			return err
		}
		news := make([]store.NewNotification, len(to))
		for i, id := range to {
			news[i] = store.NewNotification{WebhookID: id, Kind: a.Kind, Payload: payload, At: a.At}
		}
		if len(news) == 0 {
			return nil
		}
		_, err = s.d.Insert(ctx, raw, "notifications", rowsOf(outboxColumns, news), false)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("queue %s alert for owner %d: %w", a.Kind, owner, err)
	}
	return to, nil
}
