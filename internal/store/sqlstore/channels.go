package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"path"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
)

// Channels of every type live in the webhooks table, whose kind column is their type, so that
// webhooks and channels share one id space: site_webhooks and notifications name any channel.

const channelColumns = `id, owner_id, kind, url, name, config, channel_id, guild_id, state, last_error,
	last_delivery_at, is_default, created_at`

func scanChannel(row scanner) (monitor.Channel, error) {
	var (
		c      monitor.Channel
		config []byte
	)
	err := row.Scan(&c.ID, &c.OwnerID, &c.Type, &c.URL, &c.Name, &config, &c.ChannelID, &c.GuildID, &c.State,
		&c.LastError, timeOrNil(&c.LastDeliveryAt), &c.Default, timeAt(&c.CreatedAt))
	if err != nil {
		return c, err
	}
	if err := json.Unmarshal(config, &c.Settings); err != nil {
		return c, fmt.Errorf("channel %d settings: %w", c.ID, err)
	}
	return c, nil
}

func settingsJSON(s monitor.ChannelSettings) (JSON, error) {
	b, err := json.Marshal(s)
	if err != nil {
		return nil, fmt.Errorf("encode channel settings: %w", err)
	}
	return JSON(b), nil
}

// CreateChannel adds a channel. A Discord webhook the owner already has (the same URL) is
// updated instead, and active again, as SaveWebhook does, but other default channels stay
// default: an owner may have several.
func (s *Store) CreateChannel(ctx context.Context, c monitor.Channel) (monitor.Channel, error) {
	config, err := settingsJSON(c.Settings)
	if err != nil {
		return monitor.Channel{}, err
	}
	q := `INSERT INTO webhooks (owner_id, kind, url, name, config, channel_id, guild_id, state, last_error, is_default, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, 'active', '', $8, $9)`
	if c.Kind() == monitor.ChannelDiscord {
		q += ` ON CONFLICT (owner_id, url) WHERE deleted_at IS NULL AND kind = 'discord' DO UPDATE SET name = excluded.name,
			channel_id = excluded.channel_id, guild_id = excluded.guild_id, state = 'active', last_error = '',
			is_default = webhooks.is_default OR excluded.is_default`
	}
	q += ` RETURNING ` + channelColumns
	saved, err := scanChannel(s.write.row(ctx, q, c.OwnerID, string(c.Kind()), c.URL, c.Name, config, c.ChannelID, c.GuildID,
		c.Default, c.CreatedAt))
	if err != nil {
		return monitor.Channel{}, fmt.Errorf("create channel: %w", err)
	}
	return saved, nil
}

// UpdateChannel writes the channel's name, URL, settings and default flag. Whatever changed,
// the channel is active again afterwards: a channel is disabled until the user sets it again,
// and this is setting it.
func (s *Store) UpdateChannel(ctx context.Context, c monitor.Channel, rule store.DefaultRule) (monitor.Channel, error) {
	config, err := settingsJSON(c.Settings)
	if err != nil {
		return monitor.Channel{}, err
	}
	const q = `UPDATE webhooks SET name = $3, url = $4, config = $5, channel_id = $6, guild_id = $7, is_default = $8,
			state = 'active', last_error = ''
		WHERE id = $1 AND owner_id = $2 AND deleted_at IS NULL
		RETURNING ` + channelColumns
	var saved monitor.Channel
	err = s.inTx(ctx, func(tx conn, _ *sql.Tx) error {
		if c.Default && rule == store.ReplaceDefaultOfItsType {
			const unset = `UPDATE webhooks SET is_default = FALSE WHERE owner_id = $1 AND is_default AND kind = $2 AND id <> $3`
			if _, err := tx.exec(ctx, unset, c.OwnerID, string(c.Kind()), c.ID); err != nil {
				return err
			}
		}
		var err error
		saved, err = scanChannel(tx.row(ctx, q, c.ID, c.OwnerID, c.Name, c.URL, config, c.ChannelID, c.GuildID, c.Default))
		return err
	})
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return monitor.Channel{}, store.ErrNotFound
	case err != nil && s.d.UniqueViolation != nil && s.d.UniqueViolation(err):
		return monitor.Channel{}, store.ErrChannelExists
	case err != nil:
		return monitor.Channel{}, fmt.Errorf("update channel %d: %w", c.ID, err)
	}
	return saved, nil
}

func (s *Store) Channel(ctx context.Context, owner, id int64) (monitor.Channel, error) {
	return s.oneChannel(ctx, `SELECT `+channelColumns+` FROM webhooks WHERE id = $1 AND owner_id = $2 AND deleted_at IS NULL`, id, owner)
}

func (s *Store) ListChannels(ctx context.Context, owner int64) ([]monitor.Channel, error) {
	const q = `SELECT ` + channelColumns + ` FROM webhooks WHERE owner_id = $1 AND deleted_at IS NULL ORDER BY id`
	return s.channels(ctx, s.read, q, owner)
}

func (s *Store) oneChannel(ctx context.Context, q string, args ...any) (monitor.Channel, error) {
	c, err := scanChannel(s.read.row(ctx, q, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return monitor.Channel{}, store.ErrNotFound
	}
	if err != nil {
		return monitor.Channel{}, fmt.Errorf("get channel: %w", err)
	}
	return c, nil
}

func (s *Store) channels(ctx context.Context, c conn, q string, args ...any) ([]monitor.Channel, error) {
	rows, err := c.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list channels: %w", err)
	}
	list, err := collect(rows, scanChannel, "channels")
	if err != nil {
		return nil, fmt.Errorf("list channels: %w", err)
	}
	return list, nil
}

func (s *Store) DeleteChannel(ctx context.Context, owner, id int64, at time.Time) error {
	return s.deleteChannel(ctx, owner, id, at, "")
}

// deleteChannel keeps the row for the notifications already sent to it, with its secrets
// erased so the row is no secret any more, and drops what it still had to send. A kind, when
// given, is the only kind deleted: the others are not found.
func (s *Store) deleteChannel(ctx context.Context, owner, id int64, at time.Time, kind monitor.ChannelType) error {
	err := s.inTx(ctx, func(tx conn, _ *sql.Tx) error {
		q := `SELECT ` + channelColumns + ` FROM webhooks WHERE id = $1 AND owner_id = $2 AND deleted_at IS NULL AND ($3 = '' OR kind = $3)` + s.d.ForUpdate
		c, err := scanChannel(tx.row(ctx, q, id, owner, string(kind)))
		if errors.Is(err, sql.ErrNoRows) {
			return store.ErrNotFound
		} else if err != nil {
			return err
		}
		config, err := settingsJSON(c.Settings.WithoutSecrets())
		if err != nil {
			return err
		}
		for _, st := range []struct {
			q    string
			args []any
		}{
			{`UPDATE webhooks SET deleted_at = $2, url = $3, config = $4, is_default = FALSE, claimed_by = NULL, claimed_until = NULL
				WHERE id = $1`, []any{id, at, erasedURL(c), config}},
			{`DELETE FROM notifications WHERE webhook_id = $1 AND state = 'pending'`, []any{id}},
			{`DELETE FROM site_webhooks WHERE webhook_id = $1`, []any{id}},
		} {
			if _, err := tx.exec(ctx, st.q, st.args...); err != nil {
				return err
			}
		}
		return nil
	})
	return notFoundOr(err, "delete channel %d", id)
}

// erasedURL is a channel's URL without its secret. A Discord or Slack webhook URL ends with its
// token (…/webhooks/ID/TOKEN, …/services/T/B/TOKEN), so the last part of the path goes, and any
// query with it; any other URL keeps only its origin, since its path and query may be secret.
func erasedURL(c monitor.Channel) string {
	u, err := url.Parse(c.URL)
	if err != nil || c.URL == "" {
		return ""
	}
	switch c.Kind() {
	case monitor.ChannelDiscord, monitor.ChannelSlack:
		if u.Path == "" {
			return ""
		}
		u.Path = path.Dir(u.Path)
	default:
		u.Path = ""
	}
	u.RawPath, u.RawQuery, u.Fragment, u.User, u.ForceQuery = "", "", "", nil, false
	return u.String()
}
