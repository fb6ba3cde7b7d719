package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
)

// UpdateWebhook reads the old URL on the right of its SET clauses: a webhook whose URL changed
// is a new chance for its held alerts, as setting it again would be.
func (s *Store) UpdateWebhook(ctx context.Context, w monitor.Webhook) (monitor.Webhook, error) {
	const q = `UPDATE webhooks SET name = $3, url = $4, channel_id = $5, guild_id = $6, is_default = $7,
			state = CASE WHEN url <> $4 THEN 'active' ELSE state END,
			last_error = CASE WHEN url <> $4 THEN '' ELSE last_error END
		WHERE id = $1 AND owner_id = $2 AND deleted_at IS NULL
		RETURNING ` + webhookColumns
	var saved monitor.Webhook
	err := s.inTx(ctx, func(tx conn, _ *sql.Tx) error {
		if w.Default {
			const unset = `UPDATE webhooks SET is_default = FALSE WHERE owner_id = $1 AND is_default AND id <> $2`
			if _, err := tx.exec(ctx, unset, w.OwnerID, w.ID); err != nil {
				return err
			}
		}
		var err error
		saved, err = scanWebhook(tx.row(ctx, q, w.ID, w.OwnerID, w.Name, w.URL, w.ChannelID, w.GuildID, w.Default))
		return err
	})
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return monitor.Webhook{}, store.ErrNotFound
	case err != nil && s.d.UniqueViolation(err):
		return monitor.Webhook{}, store.ErrWebhookURLTaken
	case err != nil:
		return monitor.Webhook{}, fmt.Errorf("update webhook %d: %w", w.ID, err)
	}
	return saved, nil
}
