package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestChannelFormsFollowTheChannelRules(t *testing.T) {
	f := newFixture(t, openSQLite(t), false)
	br := newBrowser(t, f.handler)
	br.signUp("ada", "correct horse")

	page := br.get("/app/alerts/new?type=email")
	expectStatus(t, "email form", page, http.StatusOK)
	for _, name := range []string{"host", "port", "tls", "username", "password", "from", "to"} {
		if !strings.Contains(page.body, `name="`+name+`"`) {
			t.Errorf("the email form has no %s", name)
		}
	}
	expectStatus(t, "unknown type", br.get("/app/alerts/new?type=pigeon"), http.StatusBadRequest)

	for _, tc := range []struct {
		form  url.Values
		field string
	}{
		{url.Values{"type": {"discord"}, "url": {"https://example.com/not-discord"}}, "url"},
		{url.Values{"type": {"discord"}}, "url"},
		{url.Values{"type": {"email"}, "host": {"smtp.example.com"}, "port": {"many"}, "from": {"a@example.com"}, "to": {"b@example.com"}}, "port"},
		{url.Values{"type": {"email"}, "host": {"smtp.example.com"}, "from": {"a@example.com"}, "to": {"not an address"}}, "to"},
		{url.Values{"type": {"telegram"}, "chat_id": {"42"}}, "bot_token"},
	} {
		got := br.post("/app/alerts/channels", tc.form)
		expectStatus(t, tc.form.Encode(), got, http.StatusBadRequest)
		if !strings.Contains(got.body, `id="f-`+tc.field+`-error"`) {
			t.Errorf("%s: no error beside %s:\n%s", tc.form.Encode(), tc.field, got.body)
		}
	}
	if list, _ := f.store.ListChannels(context.Background(), 1); len(list) != 0 {
		t.Fatalf("refused channels were saved: %+v", list)
	}

	got := br.post("/app/alerts/channels", url.Values{"type": {"discord"}, "name": {"ops"}, "url": {f.discord.WebhookURL("77")}, "default": {"true"}})
	if got.status != http.StatusSeeOther {
		t.Fatalf("add discord: %d\n%s", got.status, got.body)
	}
	list, _ := f.store.ListChannels(context.Background(), 1)
	if len(list) != 1 || list[0].Name != "ops" || !list[0].Default {
		t.Fatalf("channels %+v", list)
	}
	alerts := br.get("/app/alerts?done=added")
	if strings.Contains(alerts.body, "token-77") || !strings.Contains(alerts.body, "ops") {
		t.Errorf("the page shows the webhook's token, or not the channel")
	}

	got = br.post("/app/alerts/channels/"+itoa(list[0].ID)+"/test", nil)
	expectStatus(t, "test", got, http.StatusOK)
	if !strings.Contains(got.body, "Test message sent to ops.") || !strings.Contains(got.body, "Discord answered") {
		t.Errorf("the test's answer is not shown:\n%s", got.body)
	}
	if n := len(f.discord.Messages()); n != 1 {
		t.Errorf("Discord got %d messages", n)
	}

	// A type for which Tocsin makes a secret shows it once.
	got = br.post("/app/alerts/channels", url.Values{"type": {"webhook"}, "url": {"https://receiver.example/hook"}})
	expectStatus(t, "add webhook", got, http.StatusCreated)
	if !strings.Contains(got.body, `id="made-secrets"`) {
		t.Errorf("the made secret is not shown:\n%s", got.body)
	}

	got = br.post("/app/alerts/channels/"+itoa(list[0].ID)+"/delete", nil)
	if got.status != http.StatusSeeOther {
		t.Fatalf("remove: %d", got.status)
	}
	if list, _ := f.store.ListChannels(context.Background(), 1); len(list) != 1 || list[0].Kind() != "webhook" {
		t.Errorf("after removing: %+v", list)
	}
	expectStatus(t, "testing a removed channel", br.post("/app/alerts/channels/"+itoa(list[0].ID)+"/test", nil), http.StatusNotFound)
}
