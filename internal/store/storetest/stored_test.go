package storetest

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
	"github.com/tocsin/tocsin/internal/store/postgres"
	"github.com/tocsin/tocsin/internal/store/sqlite"
)

// These tests read what a store wrote through a second, plain connection: what no method of
// the store shows.

func openWithRaw(t *testing.T, kind string) (store.Store, *sql.DB) {
	t.Helper()
	ctx := context.Background()
	var (
		s   store.Store
		raw *sql.DB
		err error
	)
	switch kind {
	case "sqlite":
		path := filepath.Join(t.TempDir(), "tocsin.db")
		st, openErr := sqlite.Open(path)
		if openErr != nil {
			t.Fatal(openErr)
		}
		err, s = st.Migrate(ctx, quietLog()), st
		raw, _ = sql.Open("sqlite", path)
	default:
		url := PostgresURL(t)
		st, openErr := postgres.Open(ctx, url)
		if openErr != nil {
			t.Fatal(openErr)
		}
		err, s = st.Migrate(ctx, quietLog()), st
		raw, _ = sql.Open("pgx", url)
	}
	t.Cleanup(func() { raw.Close(); s.Close() })
	if err != nil {
		t.Fatal(err)
	}
	return s, raw
}

func TestDeletedWebhookKeepsNoToken(t *testing.T) {
	for _, kind := range []string{"sqlite", "postgres"} {
		t.Run(kind, func(t *testing.T) {
			s, raw := openWithRaw(t, kind)
			ctx := context.Background()
			w, err := s.SaveWebhook(ctx, monitor.Webhook{OwnerID: 1, URL: "https://discord.com/api/v10/webhooks/123/s3cret-token",
				Name: "w", CreatedAt: t0})
			if err != nil {
				t.Fatal(err)
			}
			if err := s.DeleteWebhook(ctx, 1, w.ID, t0.Add(time.Hour)); err != nil {
				t.Fatal(err)
			}
			var url string
			if err := raw.QueryRow(`SELECT url FROM webhooks WHERE id = $1`, w.ID).Scan(&url); err != nil {
				t.Fatal(err)
			}
			if strings.Contains(url, "s3cret") || url != "https://discord.com/api/v10/webhooks/123" {
				t.Errorf("a deleted webhook's stored URL is %q, want it without its token", url)
			}
		})
	}
}

func TestDeletedChannelKeepsNoSecret(t *testing.T) {
	for _, kind := range []string{"sqlite", "postgres"} {
		t.Run(kind, func(t *testing.T) {
			s, raw := openWithRaw(t, kind)
			ctx := context.Background()
			channels := []monitor.Channel{
				{OwnerID: 1, Type: monitor.ChannelTelegram, Settings: monitor.ChannelSettings{BotToken: "1:s3cret-bot", ChatID: "-1"}},
				{OwnerID: 1, Type: monitor.ChannelSlack, URL: "https://hooks.slack.com/services/T1/B1/s3cret-slack"},
				{OwnerID: 1, Type: monitor.ChannelWebhook, URL: "https://example.com/s3cret-path?k=s3cret-query", Settings: monitor.ChannelSettings{Secret: "s3cret-signing"}},
				{OwnerID: 1, Type: monitor.ChannelEmail, Settings: monitor.ChannelSettings{Host: "smtp.example.com", Username: "u", Password: "s3cret-pass", To: []string{"a@example.com"}}},
				{OwnerID: 1, Type: monitor.ChannelNtfy, Settings: monitor.ChannelSettings{ServerURL: "https://ntfy.sh", Topic: "t", Token: "tk_s3cret"}},
			}
			for _, c := range channels {
				c.CreatedAt = t0
				saved, err := s.CreateChannel(ctx, c)
				if err != nil {
					t.Fatal(err)
				}
				if err := s.DeleteChannel(ctx, 1, saved.ID, t0.Add(time.Hour)); err != nil {
					t.Fatal(err)
				}
				var url, config string
				if err := raw.QueryRow(`SELECT url, config FROM webhooks WHERE id = $1`, saved.ID).Scan(&url, &config); err != nil {
					t.Fatal(err)
				}
				if strings.Contains(url+config, "s3cret") {
					t.Errorf("a deleted %s channel keeps a secret: url %q, config %s", c.Type, url, config)
				}
			}
		})
	}
}
