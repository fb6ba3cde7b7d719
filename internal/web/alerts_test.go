package web

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/notify/discord"
	"github.com/tocsin/tocsin/internal/store"
)

const webhookURL = "https://discord.com/api/v10/webhooks/1234567890/s3cr3t-t0ken-value"

func TestAlertsPageMasksWebhookTokensAsTheAPIDoes(t *testing.T) {
	forEachStore(t, func(t *testing.T, f *fixture) {
		if _, err := f.store.SaveWebhook(context.Background(), monitor.Webhook{URL: webhookURL, Name: "ops", ChannelID: "c1",
			Default: true, CreatedAt: now}); err != nil {
			t.Fatal(err)
		}
		got := f.get("/app/alerts")
		if got.status != http.StatusOK {
			t.Fatalf("%d\n%s", got.status, got.body)
		}
		if strings.Contains(got.body, "s3cr3t") {
			t.Fatalf("the webhook's token is on the page")
		}
		for _, want := range []string{discord.Mask(webhookURL), "ops", `<span class="tag">default</span>`, "Active"} {
			if !strings.Contains(got.body, want) {
				t.Errorf("the alerts page lacks %s", want)
			}
		}
	})
}

func TestAlertsPageListsNotificationsWithStateAndLastError(t *testing.T) {
	forEachStore(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		hook, err := f.store.SaveWebhook(ctx, monitor.Webhook{URL: webhookURL, Name: "ops", Default: true, CreatedAt: now})
		if err != nil {
			t.Fatal(err)
		}
		s := f.add(site{name: "shop", checks: []monitor.Status{up, down}})
		notes, err := f.store.ListNotifications(ctx, 0, store.NotificationQuery{Limit: 10})
		if err != nil || len(notes) != 1 {
			t.Fatalf("notifications %v %v", notes, err)
		}
		err = f.store.RecordDelivery(ctx, store.Delivery{WebhookID: hook.ID, IDs: []int64{notes[0].ID}, Outcome: store.Retry,
			At: now, Error: "Discord answered 503", NextAttempt: now.Add(2 * time.Minute), GiveUpBefore: now.Add(-time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		body := f.get("/app/alerts").body
		for _, want := range []string{
			`<a href="/app/sites/` + itoa(s.ID) + `">shop</a>`,
			"<td>Down</td>",
			`<span class="badge tone-pending"><span class="shape" aria-hidden="true"></span>Pending</span>`,
			"next <time",
			"Discord answered 503",
			`<td class="num">1</td>`,
		} {
			if !strings.Contains(body, want) {
				t.Errorf("the alerts page lacks %s\n", want)
			}
		}
	})
}

func TestAlertsPageSaysWhenThereIsNothingYet(t *testing.T) {
	f := newFixture(t, openSQLite(t), true)
	body := f.get("/app/alerts").body
	if !strings.Contains(body, "No channel yet") || !strings.Contains(body, "No alert has been raised yet.") {
		t.Errorf("no empty states:\n%s", body)
	}
}
