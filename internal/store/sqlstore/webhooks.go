package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"path"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
)

const webhookColumns = `id, owner_id, url, name, channel_id, guild_id, state, last_error, last_delivery_at,
	is_default, created_at`

func scanWebhook(row scanner) (monitor.Webhook, error) {
	var w monitor.Webhook
	err := row.Scan(&w.ID, &w.OwnerID, &w.URL, &w.Name, &w.ChannelID, &w.GuildID, &w.State, &w.LastError,
		timeOrNil(&w.LastDeliveryAt), &w.Default, timeAt(&w.CreatedAt))
	return w, err
}

// A deleted webhook's row stays, for the notifications that were sent to it, but is found by
// nothing else: every query below that is not about those notifications asks for
// deleted_at IS NULL.

func (s *Store) SaveWebhook(ctx context.Context, w monitor.Webhook) (monitor.Webhook, error) {
	const upsert = `INSERT INTO webhooks (owner_id, kind, url, name, channel_id, guild_id, state, last_error, is_default, created_at)
		VALUES ($1, 'discord', $2, $3, $4, $5, 'active', '', $6, $7)
		ON CONFLICT (owner_id, url) WHERE deleted_at IS NULL DO UPDATE SET name = excluded.name,
			channel_id = excluded.channel_id, guild_id = excluded.guild_id, state = 'active', last_error = '',
			is_default = webhooks.is_default OR excluded.is_default
		RETURNING ` + webhookColumns
	var saved monitor.Webhook
	err := s.inTx(ctx, func(tx conn, _ *sql.Tx) error {
		if w.Default {
			const unset = `UPDATE webhooks SET is_default = FALSE WHERE owner_id = $1 AND is_default AND url <> $2`
			if _, err := tx.exec(ctx, unset, w.OwnerID, w.URL); err != nil {
				return err
			}
		}
		var err error
		saved, err = scanWebhook(tx.row(ctx, upsert, w.OwnerID, w.URL, w.Name, w.ChannelID, w.GuildID, w.Default, w.CreatedAt))
		return err
	})
	if err != nil {
		return monitor.Webhook{}, fmt.Errorf("save webhook: %w", err)
	}
	return saved, nil
}

func (s *Store) Webhook(ctx context.Context, owner, id int64) (monitor.Webhook, error) {
	return s.oneWebhook(ctx, `SELECT `+webhookColumns+` FROM webhooks WHERE id = $1 AND owner_id = $2 AND deleted_at IS NULL`, id, owner)
}

func (s *Store) DefaultWebhook(ctx context.Context, owner int64) (monitor.Webhook, error) {
	return s.oneWebhook(ctx, `SELECT `+webhookColumns+` FROM webhooks WHERE owner_id = $1 AND is_default AND deleted_at IS NULL`, owner)
}

func (s *Store) oneWebhook(ctx context.Context, q string, args ...any) (monitor.Webhook, error) {
	w, err := scanWebhook(s.read.row(ctx, q, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return monitor.Webhook{}, store.ErrNotFound
	}
	if err != nil {
		return monitor.Webhook{}, fmt.Errorf("get webhook: %w", err)
	}
	return w, nil
}

func (s *Store) ListWebhooks(ctx context.Context, owner int64) ([]monitor.Webhook, error) {
	const q = `SELECT ` + webhookColumns + ` FROM webhooks WHERE owner_id = $1 AND deleted_at IS NULL ORDER BY id`
	return s.webhooks(ctx, s.read, q, owner)
}

func (s *Store) webhooks(ctx context.Context, c conn, q string, args ...any) ([]monitor.Webhook, error) {
	rows, err := c.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list webhooks: %w", err)
	}
	hooks, err := collect(rows, scanWebhook, "webhooks")
	if err != nil {
		return nil, fmt.Errorf("list webhooks: %w", err)
	}
	return hooks, nil
}

// DeleteWebhook keeps the row for the notifications already sent to it, with the token erased
// so the row is no secret any more, and drops what it still had to send.
func (s *Store) DeleteWebhook(ctx context.Context, owner, id int64, at time.Time) error {
	err := s.inTx(ctx, func(tx conn, _ *sql.Tx) error {
		var u string
		q := `SELECT url FROM webhooks WHERE id = $1 AND owner_id = $2 AND deleted_at IS NULL` + s.d.ForUpdate
		if err := tx.row(ctx, q, id, owner).Scan(&u); errors.Is(err, sql.ErrNoRows) {
			return store.ErrNotFound
		} else if err != nil {
			return err
		}
		for _, st := range []struct {
			q    string
			args []any
		}{
			{`UPDATE webhooks SET deleted_at = $2, url = $3, is_default = FALSE, claimed_by = NULL, claimed_until = NULL
				WHERE id = $1`, []any{id, at, withoutToken(u)}},
			{`DELETE FROM notifications WHERE webhook_id = $1 AND state = 'pending'`, []any{id}},
			{`DELETE FROM site_webhooks WHERE webhook_id = $1`, []any{id}},
		} {
			if _, err := tx.exec(ctx, st.q, st.args...); err != nil {
				return err
			}
		}
		return nil
	})
	return notFoundOr(err, "delete webhook %d", id)
}

// withoutToken is a webhook URL without its secret: a Discord webhook URL ends with its token
// (…/webhooks/ID/TOKEN), so the last part of the path goes, and any query with it.
func withoutToken(webhookURL string) string {
	u, err := url.Parse(webhookURL)
	if err != nil || u.Path == "" {
		return ""
	}
	u.Path, u.RawPath, u.RawQuery, u.Fragment, u.User = path.Dir(u.Path), "", "", "", nil
	return u.String()
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
		RETURNING ` + webhookColumns
	hooks, err := s.webhooks(ctx, s.write, q, c.Worker, c.Now, c.Now.Add(c.LeaseMargin), c.Limit)
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
		for _, table := range []string{"sites", "webhooks"} {
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
