package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
)

// A webhook is a channel of type discord; these are the discord view of the channels (see
// channels.go). A deleted channel's row stays, for the notifications that were sent to it, but
// is found by nothing else: every query below that is not about those notifications asks for
// deleted_at IS NULL.

func (s *Store) SaveWebhook(ctx context.Context, w monitor.Webhook) (monitor.Webhook, error) {
	const upsert = `INSERT INTO webhooks (owner_id, kind, url, name, channel_id, guild_id, state, last_error, is_default, created_at)
		VALUES ($1, 'discord', $2, $3, $4, $5, 'active', '', $6, $7)
		ON CONFLICT (owner_id, url) WHERE deleted_at IS NULL AND kind = 'discord' DO UPDATE SET name = excluded.name,
			channel_id = excluded.channel_id, guild_id = excluded.guild_id, state = 'active', last_error = '',
			is_default = webhooks.is_default OR excluded.is_default
		RETURNING ` + channelColumns
	var saved monitor.Webhook
	err := s.inTx(ctx, func(tx conn, _ *sql.Tx) error {
		if w.Default {
			// The one default Discord webhook of /webhook; other default channels stay default.
			const unset = `UPDATE webhooks SET is_default = FALSE WHERE owner_id = $1 AND is_default AND kind = 'discord' AND url <> $2`
			if _, err := tx.exec(ctx, unset, w.OwnerID, w.URL); err != nil {
				return err
			}
		}
		var err error
		saved, err = scanChannel(tx.row(ctx, upsert, w.OwnerID, w.URL, w.Name, w.ChannelID, w.GuildID, w.Default, w.CreatedAt))
		return err
	})
	if err != nil {
		return monitor.Webhook{}, fmt.Errorf("save webhook: %w", err)
	}
	return saved, nil
}

func (s *Store) Webhook(ctx context.Context, owner, id int64) (monitor.Webhook, error) {
	return s.oneChannel(ctx, `SELECT `+channelColumns+` FROM webhooks WHERE id = $1 AND owner_id = $2 AND kind = 'discord' AND deleted_at IS NULL`, id, owner)
}

func (s *Store) DefaultWebhook(ctx context.Context, owner int64) (monitor.Webhook, error) {
	return s.oneChannel(ctx, `SELECT `+channelColumns+` FROM webhooks WHERE owner_id = $1 AND is_default AND kind = 'discord' AND deleted_at IS NULL
		ORDER BY id LIMIT 1`, owner)
}

func (s *Store) ListWebhooks(ctx context.Context, owner int64) ([]monitor.Webhook, error) {
	const q = `SELECT ` + channelColumns + ` FROM webhooks WHERE owner_id = $1 AND kind = 'discord' AND deleted_at IS NULL ORDER BY id`
	return s.channels(ctx, s.read, q, owner)
}

// DeleteWebhook deletes a Discord webhook as DeleteChannel deletes any channel.
func (s *Store) DeleteWebhook(ctx context.Context, owner, id int64, at time.Time) error {
	return s.deleteChannel(ctx, owner, id, at, monitor.ChannelDiscord)
}

// ClaimAlertWebhooks passes over webhooks another dispatcher is locking, where the dialect
// locks rows, so processes sharing the database each take different webhooks.
func (s *Store) ClaimAlertWebhooks(ctx context.Context, c store.Claim) ([]monitor.Webhook, error) {
	q := `UPDATE webhooks SET claimed_by = $1, claimed_until = $3
		WHERE id IN (
			SELECT w.id FROM webhooks w
			WHERE w.state = 'active' AND w.deleted_at IS NULL AND (w.claimed_until IS NULL OR w.claimed_until < $2)
				AND (SELECT n.next_attempt_at FROM notifications n
					WHERE n.webhook_id = w.id AND n.state = 'pending' ORDER BY n.id LIMIT 1) <= $2
			ORDER BY w.id
			LIMIT $4` + s.d.SkipLocked + `)
		RETURNING ` + channelColumns
	hooks, err := s.channels(ctx, s.write, q, c.Worker, c.Now, c.Now.Add(c.LeaseMargin), c.Limit)
	if err != nil {
		return nil, fmt.Errorf("claim alert webhooks: %w", err)
	}
	return hooks, nil
}

func (s *Store) ReleaseWebhook(ctx context.Context, id int64, worker string) error {
	const q = `UPDATE webhooks SET claimed_by = NULL, claimed_until = NULL WHERE id = $1 AND claimed_by = $2`
	if _, err := s.write.exec(ctx, q, id, worker); err != nil {
		return fmt.Errorf("release webhook %d: %w", id, err)
	}
	return nil
}

func (s *Store) ReleaseClaims(ctx context.Context, worker string) error {
	err := s.inTx(ctx, func(tx conn, _ *sql.Tx) error {
		for _, table := range []string{"site_schedule", "webhooks"} {
			q := `UPDATE ` + table + ` SET claimed_by = NULL, claimed_until = NULL WHERE claimed_by = $1`
			if _, err := tx.exec(ctx, q, worker); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("release claims of %s: %w", worker, err)
	}
	return nil
}
