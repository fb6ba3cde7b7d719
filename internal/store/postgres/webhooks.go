package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
)

const webhookColumns = `id, owner_id, url, name, channel_id, guild_id, state, last_error, last_delivery_at,
	is_default, created_at`

func scanWebhook(row pgx.Row) (monitor.Webhook, error) {
	var w monitor.Webhook
	err := row.Scan(&w.ID, &w.OwnerID, &w.URL, &w.Name, &w.ChannelID, &w.GuildID, &w.State, &w.LastError,
		&w.LastDeliveryAt, &w.Default, &w.CreatedAt)
	w.LastDeliveryAt, w.CreatedAt = utcPtr(w.LastDeliveryAt), w.CreatedAt.UTC()
	return w, err
}

func collectWebhooks(rows pgx.Rows) ([]monitor.Webhook, error) {
	return collect(rows, scanWebhook, "webhooks")
}

func (s *Store) SaveWebhook(ctx context.Context, w monitor.Webhook) (monitor.Webhook, error) {
	const upsert = `INSERT INTO webhooks (owner_id, kind, url, name, channel_id, guild_id, state, last_error, is_default, created_at)
		VALUES ($1, 'discord', $2, $3, $4, $5, 'active', '', $6, $7)
		ON CONFLICT (owner_id, url) DO UPDATE SET name = excluded.name, channel_id = excluded.channel_id,
			guild_id = excluded.guild_id, state = 'active', last_error = '',
			is_default = webhooks.is_default OR excluded.is_default
		RETURNING ` + webhookColumns
	var saved monitor.Webhook
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if w.Default {
			const unset = `UPDATE webhooks SET is_default = FALSE WHERE owner_id = $1 AND is_default AND url <> $2`
			if _, err := tx.Exec(ctx, unset, w.OwnerID, w.URL); err != nil {
				return err
			}
		}
		var err error
		saved, err = scanWebhook(tx.QueryRow(ctx, upsert, w.OwnerID, w.URL, w.Name, w.ChannelID, w.GuildID, w.Default, w.CreatedAt))
		return err
	})
	if err != nil {
		return monitor.Webhook{}, fmt.Errorf("save webhook: %w", err)
	}
	return saved, nil
}

func (s *Store) Webhook(ctx context.Context, owner, id int64) (monitor.Webhook, error) {
	return s.oneWebhook(ctx, `SELECT `+webhookColumns+` FROM webhooks WHERE id = $1 AND owner_id = $2`, id, owner)
}

func (s *Store) DefaultWebhook(ctx context.Context, owner int64) (monitor.Webhook, error) {
	return s.oneWebhook(ctx, `SELECT `+webhookColumns+` FROM webhooks WHERE owner_id = $1 AND is_default`, owner)
}

func (s *Store) oneWebhook(ctx context.Context, q string, args ...any) (monitor.Webhook, error) {
	w, err := scanWebhook(s.pool.QueryRow(ctx, q, args...))
	if errors.Is(err, pgx.ErrNoRows) {
		return monitor.Webhook{}, store.ErrNotFound
	}
	if err != nil {
		return monitor.Webhook{}, fmt.Errorf("get webhook: %w", err)
	}
	return w, nil
}

func (s *Store) ListWebhooks(ctx context.Context, owner int64) ([]monitor.Webhook, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+webhookColumns+` FROM webhooks WHERE owner_id = $1 ORDER BY id`, owner)
	if err != nil {
		return nil, fmt.Errorf("list webhooks: %w", err)
	}
	return collectWebhooks(rows)
}

func (s *Store) DeleteWebhook(ctx context.Context, owner, id int64) error {
	tag, err := s.pool.Exec(ctx, `DELETE FROM webhooks WHERE id = $1 AND owner_id = $2`, id, owner)
	if err != nil {
		return fmt.Errorf("delete webhook %d: %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		return store.ErrNotFound
	}
	return nil
}

// ClaimAlertWebhooks skips webhooks another dispatcher is locking, so processes sharing the
// database each take different webhooks.
func (s *Store) ClaimAlertWebhooks(ctx context.Context, c store.Claim) ([]monitor.Webhook, error) {
	const q = `UPDATE webhooks SET claimed_by = $1, claimed_until = $2::timestamptz + $3::interval
		WHERE id IN (
			SELECT w.id FROM webhooks w
			WHERE w.state = 'active' AND (w.claimed_until IS NULL OR w.claimed_until < $2)
				AND (SELECT n.next_attempt_at FROM notifications n
					WHERE n.webhook_id = w.id AND n.state = 'pending' ORDER BY n.id LIMIT 1) <= $2
			ORDER BY w.id
			LIMIT $4
			FOR UPDATE SKIP LOCKED)
		RETURNING ` + webhookColumns
	rows, err := s.pool.Query(ctx, q, c.Worker, c.Now, c.LeaseMargin, c.Limit)
	if err != nil {
		return nil, fmt.Errorf("claim alert webhooks: %w", err)
	}
	return collectWebhooks(rows)
}

func (s *Store) ReleaseWebhook(ctx context.Context, id int64, worker string) error {
	const q = `UPDATE webhooks SET claimed_by = NULL, claimed_until = NULL WHERE id = $1 AND claimed_by = $2`
	if _, err := s.pool.Exec(ctx, q, id, worker); err != nil {
		return fmt.Errorf("release webhook %d: %w", id, err)
	}
	return nil
}

func (s *Store) ReleaseClaims(ctx context.Context, worker string) error {
	batch := &pgx.Batch{}
	batch.Queue(`UPDATE sites SET claimed_by = NULL, claimed_until = NULL WHERE claimed_by = $1`, worker)
	batch.Queue(`UPDATE webhooks SET claimed_by = NULL, claimed_until = NULL WHERE claimed_by = $1`, worker)
	if err := s.pool.SendBatch(ctx, batch).Close(); err != nil {
		return fmt.Errorf("release claims of %s: %w", worker, err)
	}
	return nil
}
