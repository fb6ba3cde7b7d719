package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
)

const webhookColumns = `id, owner_id, url, name, channel_id, guild_id, state, last_error, last_delivery_at,
	is_default, created_at`

func scanWebhook(row scanner) (monitor.Webhook, error) {
	var (
		w            monitor.Webhook
		lastDelivery sql.NullInt64
		created      int64
	)
	err := row.Scan(&w.ID, &w.OwnerID, &w.URL, &w.Name, &w.ChannelID, &w.GuildID, &w.State, &w.LastError,
		&lastDelivery, &w.Default, &created)
	w.LastDeliveryAt, w.CreatedAt = timePtr(lastDelivery), fromMicros(created)
	return w, err
}

func collectWebhooks(rows *sql.Rows) ([]monitor.Webhook, error) {
	return collect(rows, scanWebhook, "webhook")
}

func (s *Store) SaveWebhook(ctx context.Context, w monitor.Webhook) (monitor.Webhook, error) {
	const upsert = `INSERT INTO webhooks (owner_id, kind, url, name, channel_id, guild_id, state, last_error, is_default, created_at)
		VALUES (?, 'discord', ?, ?, ?, ?, 'active', '', ?, ?)
		ON CONFLICT (owner_id, url) DO UPDATE SET name = excluded.name, channel_id = excluded.channel_id,
			guild_id = excluded.guild_id, state = 'active', last_error = '',
			is_default = webhooks.is_default OR excluded.is_default
		RETURNING ` + webhookColumns
	var saved monitor.Webhook
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if w.Default {
			const unset = `UPDATE webhooks SET is_default = 0 WHERE owner_id = ? AND is_default = 1 AND url <> ?`
			if _, err := tx.ExecContext(ctx, unset, w.OwnerID, w.URL); err != nil {
				return err
			}
		}
		var err error
		saved, err = scanWebhook(tx.QueryRowContext(ctx, upsert, w.OwnerID, w.URL, w.Name, w.ChannelID, w.GuildID,
			w.Default, micros(w.CreatedAt)))
		return err
	})
	if err != nil {
		return monitor.Webhook{}, fmt.Errorf("save webhook: %w", err)
	}
	return saved, nil
}

func (s *Store) Webhook(ctx context.Context, owner, id int64) (monitor.Webhook, error) {
	return s.oneWebhook(ctx, `SELECT `+webhookColumns+` FROM webhooks WHERE id = ? AND owner_id = ?`, id, owner)
}

func (s *Store) DefaultWebhook(ctx context.Context, owner int64) (monitor.Webhook, error) {
	return s.oneWebhook(ctx, `SELECT `+webhookColumns+` FROM webhooks WHERE owner_id = ? AND is_default = 1`, owner)
}

func (s *Store) oneWebhook(ctx context.Context, q string, args ...any) (monitor.Webhook, error) {
	w, err := scanWebhook(s.read.QueryRowContext(ctx, q, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return monitor.Webhook{}, store.ErrNotFound
	}
	if err != nil {
		return monitor.Webhook{}, fmt.Errorf("get webhook: %w", err)
	}
	return w, nil
}

func (s *Store) ListWebhooks(ctx context.Context, owner int64) ([]monitor.Webhook, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT `+webhookColumns+` FROM webhooks WHERE owner_id = ? ORDER BY id`, owner)
	if err != nil {
		return nil, fmt.Errorf("list webhooks: %w", err)
	}
	return collectWebhooks(rows)
}

func (s *Store) DeleteWebhook(ctx context.Context, owner, id int64) error {
	res, err := s.write.ExecContext(ctx, `DELETE FROM webhooks WHERE id = ? AND owner_id = ?`, id, owner)
	if err != nil {
		return fmt.Errorf("delete webhook %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return store.ErrNotFound
	}
	return nil
}

func (s *Store) ClaimAlertWebhooks(ctx context.Context, c store.Claim) ([]monitor.Webhook, error) {
	const q = `UPDATE webhooks SET claimed_by = ?1, claimed_until = ?2 + ?3
		WHERE id IN (
			SELECT w.id FROM webhooks w
			WHERE w.state = 'active' AND (w.claimed_until IS NULL OR w.claimed_until < ?2)
				AND (SELECT n.next_attempt_at FROM notifications n
					WHERE n.webhook_id = w.id AND n.state = 'pending' ORDER BY n.id LIMIT 1) <= ?2
			ORDER BY w.id
			LIMIT ?4)
		RETURNING ` + webhookColumns
	rows, err := s.write.QueryContext(ctx, q, c.Worker, micros(c.Now), c.LeaseMargin.Microseconds(), c.Limit)
	if err != nil {
		return nil, fmt.Errorf("claim alert webhooks: %w", err)
	}
	return collectWebhooks(rows)
}

func (s *Store) ReleaseWebhook(ctx context.Context, id int64, worker string) error {
	const q = `UPDATE webhooks SET claimed_by = NULL, claimed_until = NULL WHERE id = ? AND claimed_by = ?`
	if _, err := s.write.ExecContext(ctx, q, id, worker); err != nil {
		return fmt.Errorf("release webhook %d: %w", id, err)
	}
	return nil
}

func (s *Store) ReleaseClaims(ctx context.Context, worker string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		for _, table := range []string{"sites", "webhooks"} {
			q := `UPDATE ` + table + ` SET claimed_by = NULL, claimed_until = NULL WHERE claimed_by = ?`
			if _, err := tx.ExecContext(ctx, q, worker); err != nil {
				return fmt.Errorf("release claims of %s: %w", worker, err)
			}
		}
		return nil
	})
}
