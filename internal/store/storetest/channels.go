package storetest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
)

func mustCreateChannel(t *testing.T, s store.Store, c monitor.Channel) monitor.Channel {
	t.Helper()
	if c.CreatedAt.IsZero() {
		c.CreatedAt = t0
	}
	saved, err := s.CreateChannel(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	return saved
}

func telegramChannel(owner int64, isDefault bool) monitor.Channel {
	return monitor.Channel{OwnerID: owner, Type: monitor.ChannelTelegram, Name: "on call", Default: isDefault,
		Settings: monitor.ChannelSettings{BotToken: "123:secret-bot-token", ChatID: "-10042"}}
}

// testChannelsOfEveryTypeRoundTrip: a channel's type, URL and settings read back as written, and
// the webhook methods see only the discord ones.
func testChannelsOfEveryTypeRoundTrip(t *testing.T, s store.Store) {
	ctx := context.Background()
	email := mustCreateChannel(t, s, monitor.Channel{OwnerID: 1, Type: monitor.ChannelEmail, Name: "mail", Settings: monitor.ChannelSettings{
		Host: "smtp.example.com", Port: 587, TLS: monitor.EmailSTARTTLS, Username: "u", Password: "p", From: "a@example.com", To: []string{"b@example.com", "c@example.com"}}})
	slack := mustCreateChannel(t, s, monitor.Channel{OwnerID: 1, Type: monitor.ChannelSlack, Name: "ops", URL: "https://hooks.slack.com/services/T/B/x", Default: true})
	hook := mustSaveWebhook(t, s, newWebhook(1, "d", false))
	got, err := s.Channel(ctx, 1, email.ID)
	if err != nil || !reflect.DeepEqual(got, email) || got.Type != monitor.ChannelEmail || got.State != monitor.ChannelActive {
		t.Errorf("read back %+v %v, want %+v", got, err, email)
	}
	list, err := s.ListChannels(ctx, 1)
	if err != nil || len(list) != 3 || list[0].ID != email.ID || list[2].Type != monitor.ChannelDiscord {
		t.Errorf("channels %+v %v", list, err)
	}
	if hooks, _ := s.ListWebhooks(ctx, 1); len(hooks) != 1 || hooks[0].ID != hook.ID {
		t.Errorf("webhooks %+v, want only the Discord one", hooks)
	}
	if _, err := s.Webhook(ctx, 1, slack.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a Slack channel read as a webhook: %v", err)
	}
	if _, err := s.DefaultWebhook(ctx, 1); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a default Slack channel is the default webhook: %v", err)
	}
	if err := s.DeleteWebhook(ctx, 1, slack.ID, t0); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a Slack channel deleted as a webhook: %v", err)
	}
	if _, err := s.Channel(ctx, 2, email.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("another owner read a channel: %v", err)
	}
}

// testEveryDefaultChannelAlerts: an owner may have several default channels, of any types; a
// site that names none alerts all of them, and /webhook's default replaces only the Discord
// one.
func testEveryDefaultChannelAlerts(t *testing.T, s store.Store) {
	slack := mustCreateChannel(t, s, monitor.Channel{OwnerID: 0, Type: monitor.ChannelSlack, URL: "https://hooks.slack.com/services/T/B/x", Default: true})
	tg := mustCreateChannel(t, s, telegramChannel(0, true))
	a := mustSaveWebhook(t, s, newWebhook(0, "a", true))
	b := mustSaveWebhook(t, s, newWebhook(0, "b", true))
	if got, _ := s.Webhook(context.Background(), 0, a.ID); got.Default {
		t.Errorf("the first default webhook stayed default beside the second")
	}
	queueDown(t, s, monitor.Webhook{}, 1, t0)
	want := fmt.Sprint([]string{fmt.Sprintf("down@%d", slack.ID), fmt.Sprintf("down@%d", tg.ID), fmt.Sprintf("down@%d", b.ID)})
	if got := kinds(notifications(t, s, 0)); got != want {
		t.Errorf("a site with no channel of its own alerted %s, want every default channel: %s", got, want)
	}
}

// testUpdateChannelSetsItAgain: an update writes the settings and makes a disabled channel
// active again, with its held alerts due; a Discord URL another webhook has is refused.
func testUpdateChannelSetsItAgain(t *testing.T, s store.Store) {
	ctx := context.Background()
	tg := mustCreateChannel(t, s, telegramChannel(0, true))
	queueDown(t, s, monitor.Webhook{}, 2, t0)
	if err := s.RecordDelivery(ctx, store.Delivery{WebhookID: tg.ID, IDs: rowIDs(pending(t, s, tg.ID)), Outcome: store.Disable, At: t0, Error: "403 Forbidden"}); err != nil {
		t.Fatal(err)
	}
	if got := claimWebhooks(t, s, "d", t0.Add(time.Hour)); len(got) != 0 {
		t.Fatalf("a disabled channel was claimed: %v", got)
	}
	tg.Settings.ChatID, tg.Name = "-100777", "renamed"
	saved, err := s.UpdateChannel(ctx, tg, store.KeepOtherDefaults)
	if err != nil || saved.State != monitor.ChannelActive || saved.LastError != "" || saved.Settings.ChatID != "-100777" || saved.Name != "renamed" {
		t.Errorf("updated %+v %v", saved, err)
	}
	if got := claimWebhooks(t, s, "d", t0.Add(time.Hour)); fmt.Sprint(got) != fmt.Sprint([]int64{tg.ID}) {
		t.Errorf("claimed %v after the update, want the channel's held alerts", got)
	}
	a, b := mustSaveWebhook(t, s, newWebhook(0, "a", false)), mustSaveWebhook(t, s, newWebhook(0, "b", false))
	b.URL = a.URL
	if _, err := s.UpdateChannel(ctx, b, store.KeepOtherDefaults); !errors.Is(err, store.ErrChannelExists) {
		t.Errorf("taking another webhook's URL: %v, want ErrChannelExists", err)
	}
	if _, err := s.UpdateChannel(ctx, monitor.Channel{ID: tg.ID, OwnerID: 9}, store.KeepOtherDefaults); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("another owner's update: %v", err)
	}
}

// testDeletedChannelsAlertsStayListed: a deleted channel's sent alerts stay listed with its
// type and name; what it still had to send goes.
func testDeletedChannelsAlertsStayListed(t *testing.T, s store.Store) {
	ctx := context.Background()
	tg := mustCreateChannel(t, s, telegramChannel(1, true))
	queueDown(t, s, monitor.Webhook{OwnerID: 1}, 2, t0)
	rows := pending(t, s, tg.ID)
	if err := s.RecordDelivery(ctx, store.Delivery{WebhookID: tg.ID, IDs: rowIDs(rows)[:1], Outcome: store.Delivered, At: t0}); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteChannel(ctx, 1, tg.ID, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	ns := notifications(t, s, 1)
	if len(ns) != 1 || ns[0].ChannelType != monitor.ChannelTelegram || ns[0].ChannelName != "on call" || ns[0].WebhookDeletedAt == nil {
		t.Errorf("after deleting the channel: %+v", ns)
	}
	if _, err := s.Channel(ctx, 1, tg.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a deleted channel is still found: %v", err)
	}
	if err := s.DeleteChannel(ctx, 1, tg.ID, t0); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("second delete: %v", err)
	}
}

func pending(t *testing.T, s store.Store, id int64) []monitor.Notification {
	t.Helper()
	rows, err := s.PendingNotifications(context.Background(), id, 100)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// testAccountAlertsGoToEveryDefaultChannel: an alert about the account (Tocsin lost its
// network) goes to each of the owner's default channels, whatever its type, as a site that
// names no channel alerts them.
func testAccountAlertsGoToEveryDefaultChannel(t *testing.T, s store.Store) {
	ctx := context.Background()
	slack := mustCreateChannel(t, s, monitor.Channel{OwnerID: 1, Type: monitor.ChannelSlack, URL: "https://hooks.slack.com/services/T/B/x", Default: true})
	mustCreateChannel(t, s, monitor.Channel{OwnerID: 1, Type: monitor.ChannelEmail, Name: "not default",
		Settings: monitor.ChannelSettings{Host: "smtp.example.com", From: "a@example.com", To: []string{"b@example.com"}}})
	tg := mustCreateChannel(t, s, telegramChannel(1, true))
	hook := mustSaveWebhook(t, s, newWebhook(1, "d", true))
	down := monitor.Alert{Kind: monitor.AlertNetworkDown, At: t0, Error: "no canary answered"}
	to, err := s.QueueAccountAlert(ctx, 1, nil, down)
	if want := []int64{slack.ID, tg.ID, hook.ID}; err != nil || fmt.Sprint(to) != fmt.Sprint(want) {
		t.Fatalf("queued to %v (%v), want every default channel %v", to, err, want)
	}
	for _, id := range to {
		if rows := pending(t, s, id); len(rows) != 1 || rows[0].SiteID != 0 || rows[0].Alert.Kind != monitor.AlertNetworkDown {
			t.Errorf("channel %d: pending %+v", id, rows)
		}
	}
}
