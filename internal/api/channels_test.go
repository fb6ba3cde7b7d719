package api_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tocsin/tocsin/internal/api"
	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/notify/channels"
	"github.com/tocsin/tocsin/internal/notify/standin"
	"github.com/tocsin/tocsin/internal/store"
	"github.com/tocsin/tocsin/internal/store/storetest"
)

// channelEnv is a single-user API that sends to every service's stand-in.
type channelEnv struct {
	*env
	services *standin.Services
}

func forEachStoreWithChannels(t *testing.T, fn func(t *testing.T, e channelEnv)) {
	for _, b := range storetest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			services := standin.NewServices(t)
			e := newEnvWith(t, b.Open(t), nil, func(d *api.Deps) {
				d.Auth.Off = true
				d.Channels = channels.New(services.Config())
				d.DiscordHosts = []string{services.Discord.Host()}
			})
			fn(t, channelEnv{e, services})
		})
	}
}

// noSecret fails the test if any of the type's secrets shows in a response.
func (e channelEnv) noSecret(t *testing.T, typ monitor.ChannelType, r response) {
	t.Helper()
	for _, s := range e.services.Secrets(typ) {
		if strings.Contains(r.raw, s) {
			t.Errorf("a secret (%q) leaked into a response: %s", s, r.raw)
		}
	}
}

func TestChannelsOfEveryTypeAreMaskedTestedAndDisabledWhenDead(t *testing.T) {
	forEachStoreWithChannels(t, func(t *testing.T, e channelEnv) {
		for _, typ := range monitor.ChannelTypes() {
			r := e.do("POST", "/channels", e.services.ChannelJSON(typ))
			c := e.expect(r, http.StatusCreated)
			e.noSecret(t, typ, r)
			if c["type"] != string(typ) || c["state"] != "active" || c["default"] != true || c["destination"] == "" || r.header.Get("Location") != fmt.Sprintf("/channels/%v", c["id"]) {
				t.Errorf("%s: made %v", typ, c)
			}
			path := fmt.Sprintf("/channels/%v", c["id"])
			r = e.do("POST", path+"/test", "")
			got := e.expect(r, http.StatusOK)
			e.noSecret(t, typ, r)
			if got["delivered"] != true || got["channel"].(map[string]any)["last_delivery_at"] == nil || len(e.services.Texts(typ)) != 1 {
				t.Errorf("%s: test message %v; %d messages", typ, got, len(e.services.Texts(typ)))
			}

			e.services.Always(typ, standin.Reply{Dead: true})
			r = e.do("POST", path+"/test", "")
			bad := e.expect(r, http.StatusBadGateway)
			e.noSecret(t, typ, r)
			if msg := bad["error"].(map[string]any)["message"].(string); !strings.Contains(msg, "disabled") {
				t.Errorf("%s: a dead destination's answer: %v", typ, bad)
			}
			if got := e.expect(e.do("GET", path, ""), 200); got["state"] != "disabled" || got["last_error"] == nil {
				t.Errorf("%s: after a dead answer: %v", typ, got)
			}
			e.services.Always(typ, standin.Reply{})
			if typ != monitor.ChannelDiscord { // a deleted Discord webhook cannot come back
				if got := e.expect(e.do("PATCH", path, `{}`), 200); got["state"] != "active" || got["last_error"] != nil {
					t.Errorf("%s: set again, it is %v", typ, got)
				}
			}
		}
		var list []map[string]any
		r := e.do("GET", "/channels", "")
		r.json(t, &list)
		if len(list) != len(monitor.ChannelTypes()) {
			t.Errorf("%d channels listed", len(list))
		}
		for _, typ := range monitor.ChannelTypes() {
			e.noSecret(t, typ, r)
		}
	})
}

func TestChannelRequestsAreRefusedNamingTheField(t *testing.T) {
	forEachStoreWithChannels(t, func(t *testing.T, e channelEnv) {
		slackURL := e.services.Slack.WebhookURL()
		tests := []struct{ name, body, field string }{
			{"no type", `{"url": "https://example.com"}`, "type"},
			{"an unknown type", `{"type": "pigeon"}`, "type"},
			{"a field of another type", fmt.Sprintf(`{"type": "slack", "url": %q, "bot_token": "1:x"}`, slackURL), "bot_token"},
			{"slack, another host", `{"type": "slack", "url": "https://example.com/services/T0/B0/x"}`, "url"},
			{"slack, not a webhook", fmt.Sprintf(`{"type": "slack", "url": %q}`, strings.Replace(slackURL, "/services/", "/triggers/", 1)), "url"},
			{"telegram without a chat", fmt.Sprintf(`{"type": "telegram", "bot_token": %q}`, standin.TelegramToken), "chat_id"},
			{"telegram, a bad token", `{"type": "telegram", "bot_token": "nope", "chat_id": "1"}`, "bot_token"},
			{"telegram, a chat that is no id", fmt.Sprintf(`{"type": "telegram", "bot_token": %q, "chat_id": {"id": 1}}`, standin.TelegramToken), "chat_id"},
			{"ntfy, a bad topic", `{"type": "ntfy", "topic": "a b"}`, "topic"},
			{"ntfy, a metadata server", `{"type": "ntfy", "topic": "x", "server_url": "http://169.254.169.254"}`, "server_url"},
			{"email without recipients", `{"type": "email", "host": "smtp.example.com", "from": "a@example.com"}`, "to"},
			{"email, a bad recipient", `{"type": "email", "host": "smtp.example.com", "from": "a@example.com", "to": ["nobody"]}`, "to"},
			{"email, a password in clear", `{"type": "email", "host": "smtp.example.com", "tls": "none", "username": "u", "password": "p", "from": "a@example.com", "to": ["b@example.com"]}`, "tls"},
			{"email, a bad tls", `{"type": "email", "host": "smtp.example.com", "tls": "sometimes", "from": "a@example.com", "to": ["b@example.com"]}`, "tls"},
			{"email, a port out of range", `{"type": "email", "host": "smtp.example.com", "port": 70000, "from": "a@example.com", "to": ["b@example.com"]}`, "port"},
			{"webhook, a short secret", `{"type": "webhook", "url": "https://example.com/hook", "secret": "short"}`, "secret"},
			{"webhook, a metadata address", `{"type": "webhook", "url": "http://169.254.169.254/latest"}`, "url"},
			{"webhook, not http", `{"type": "webhook", "url": "ftp://example.com/x"}`, "url"},
			{"a name on two lines", `{"type": "webhook", "url": "https://example.com/x", "name": "a\nb"}`, "name"},
			{"a name too long", fmt.Sprintf(`{"type": "webhook", "url": "https://example.com/x", "name": %q}`, strings.Repeat("n", 201)), "name"},
			{"discord, not Discord", `{"type": "discord", "url": "https://example.com/api/webhooks/1/x"}`, "url"},
		}
		for _, tt := range tests {
			r := e.do("POST", "/channels", tt.body)
			got := e.expect(r, http.StatusBadRequest)
			if errObj := got["error"].(map[string]any); errObj["field"] != tt.field {
				t.Errorf("%s: %v, want field %s", tt.name, errObj, tt.field)
			}
			if strings.Contains(r.raw, "169.254.169.254/latest") || strings.Contains(r.raw, "/triggers/") {
				t.Errorf("%s: the URL is quoted back: %s", tt.name, r.raw)
			}
		}
		c := e.expect(e.do("POST", "/channels", e.services.ChannelJSON(monitor.ChannelNtfy)), 201)
		path := fmt.Sprintf("/channels/%v", c["id"])
		for body, field := range map[string]string{`{"type": "slack"}`: "type", `{"url": "https://x.example"}`: "url", `{"topic": ""}`: "topic", `{"name": null}`: "name"} {
			if got := e.expect(e.do("PATCH", path, body), 400); got["error"].(map[string]any)["field"] != field {
				t.Errorf("PATCH %s: %v, want field %s", body, got, field)
			}
		}
		e.expect(e.do("PATCH", "/channels/999", `{}`), 404)
		e.expect(e.do("POST", "/channels/999/test", ``), 404)
		e.expect(e.do("DELETE", path, ``), 204)
		e.expect(e.do("GET", path, ``), 404)
	})
}

func TestSecretsSentBackMaskedAreKept(t *testing.T) {
	forEachStoreWithChannels(t, func(t *testing.T, e channelEnv) {
		ctx := context.Background()
		for _, tt := range []struct {
			typ  monitor.ChannelType
			body string // sends every secret back as the answer showed it
		}{
			{monitor.ChannelTelegram, `{"bot_token": "123456:****", "chat_id": -42}`},
			{monitor.ChannelSlack, ""},
			{monitor.ChannelWebhook, `{"secret": "****"}`},
			{monitor.ChannelNtfy, `{"token": "****", "topic": "other"}`},
			{monitor.ChannelEmail, `{"password": "****", "to": ["a@example.com", "b@example.com"]}`},
		} {
			c := e.expect(e.do("POST", "/channels", e.services.ChannelJSON(tt.typ)), 201)
			before, _ := e.store.Channel(ctx, 0, int64(c["id"].(float64)))
			body := tt.body
			if tt.typ == monitor.ChannelSlack {
				body = fmt.Sprintf(`{"url": %q, "name": "renamed"}`, c["url"])
			}
			r := e.do("PATCH", fmt.Sprintf("/channels/%v", c["id"]), body)
			e.expect(r, 200)
			e.noSecret(t, tt.typ, r)
			after, _ := e.store.Channel(ctx, 0, before.ID)
			b, a := before.Settings, after.Settings
			if after.URL != before.URL || a.BotToken != b.BotToken || a.Secret != b.Secret || a.Token != b.Token || a.Password != b.Password {
				t.Errorf("%s: a secret sent back masked changed: %+v -> %+v", tt.typ, before, after)
			}
		}
		telegram, _ := e.store.ListChannels(ctx, 0)
		if telegram[0].Settings.ChatID != "-42" {
			t.Errorf("a chat id given as a number: %q", telegram[0].Settings.ChatID)
		}
	})
}

func TestAWebhookChannelsSecretIsMadeAndShownOnce(t *testing.T) {
	forEachStoreWithChannels(t, func(t *testing.T, e channelEnv) {
		c := e.expect(e.do("POST", "/channels", fmt.Sprintf(`{"type": "webhook", "url": %q}`, e.services.Receiver.URL())), 201)
		secret, _ := c["secret"].(string)
		stored, _ := e.store.Channel(context.Background(), 0, int64(c["id"].(float64)))
		if len(secret) < 32 || stored.Settings.Secret != secret || c["url"] != strings.SplitN(e.services.Receiver.URL(), "/hooks", 2)[0]+"/****" {
			t.Errorf("made %v; stored secret %q", c, stored.Settings.Secret)
		}
		if got := e.expect(e.do("GET", fmt.Sprintf("/channels/%v", c["id"]), ""), 200); got["secret"] != "****" {
			t.Errorf("shown again: %v", got["secret"])
		}
		e.services.Receiver.SetSecret(secret)
		e.expect(e.do("POST", fmt.Sprintf("/channels/%v/test", c["id"]), ""), 200)
		if d := e.services.Receiver.Deliveries(); len(d) != 1 || d[0].Body.Kind != "test" || !strings.HasPrefix(d[0].ID, "test-") {
			t.Errorf("the signed test message: %+v", d)
		}
	})
}

func TestWebhooksShowOnlyTheDiscordChannels(t *testing.T) {
	forEachStoreWithChannels(t, func(t *testing.T, e channelEnv) {
		slack := e.expect(e.do("POST", "/channels", e.services.ChannelJSON(monitor.ChannelSlack)), 201)
		discord := e.expect(e.do("POST", "/channels", e.services.ChannelJSON(monitor.ChannelDiscord)), 201)
		var hooks []map[string]any
		e.do("GET", "/webhooks", "").json(t, &hooks)
		if len(hooks) != 1 || hooks[0]["id"] != discord["id"] || !strings.HasSuffix(hooks[0]["webhook_url"].(string), "/****") {
			t.Errorf("/webhooks: %v", hooks)
		}
		for _, m := range []string{"GET", "DELETE"} {
			e.expect(e.do(m, fmt.Sprintf("/webhooks/%v", slack["id"]), ""), 404)
		}
		e.expect(e.do("POST", fmt.Sprintf("/webhooks/%v/test", slack["id"]), ""), 404)
		if got := e.expect(e.do("GET", "/webhook", ""), 200); got["id"] != discord["id"] {
			t.Errorf("the default webhook: %v", got)
		}
	})
}

func TestSitesNameChannelsByEitherName(t *testing.T) {
	forEachStoreWithChannels(t, func(t *testing.T, e channelEnv) {
		slack := e.expect(e.do("POST", "/channels", e.services.ChannelJSON(monitor.ChannelSlack)), 201)
		hook := e.expect(e.do("POST", "/channels", e.services.ChannelJSON(monitor.ChannelWebhook)), 201)
		site := e.createSite(e.siteJSON(fmt.Sprintf(`, "channel_ids": [%v, %v]`, hook["id"], slack["id"])))
		want := fmt.Sprintf("[%v %v]", slack["id"], hook["id"])
		if fmt.Sprint(site["channel_ids"]) != want || fmt.Sprint(site["webhook_ids"]) != want {
			t.Errorf("channel_ids %v, webhook_ids %v, want %s", site["channel_ids"], site["webhook_ids"], want)
		}
		tests := []struct{ body, field string }{
			{`{"channel_ids": [999]}`, "channel_ids"},
			{`{"webhook_ids": [999]}`, "webhook_ids"},
			{fmt.Sprintf(`{"channel_ids": [%v], "webhook_ids": [%v]}`, slack["id"], hook["id"]), "channel_ids"},
		}
		for _, tt := range tests {
			if got := e.expect(e.do("PATCH", idPath(site, ""), tt.body), 400); got["error"].(map[string]any)["field"] != tt.field {
				t.Errorf("%s: %v", tt.body, got)
			}
		}
		both := fmt.Sprintf(`{"channel_ids": [%v], "webhook_ids": [%v]}`, slack["id"], slack["id"])
		if got := e.expect(e.do("PATCH", idPath(site, ""), both), 200); fmt.Sprint(got["channel_ids"]) != fmt.Sprintf("[%v]", slack["id"]) {
			t.Errorf("both, agreeing: %v", got["channel_ids"])
		}
		if got := e.expect(e.do("PATCH", idPath(site, ""), `{"channel_ids": []}`), 200); fmt.Sprint(got["channel_ids"]) != "[]" {
			t.Errorf("cleared: %v", got["channel_ids"])
		}
	})
}

func TestNotificationsSayWhichChannelTheyWentTo(t *testing.T) {
	forEachStoreWithChannels(t, func(t *testing.T, e channelEnv) {
		e.expect(e.do("POST", "/channels", e.services.ChannelJSON(monitor.ChannelTelegram)), 201)
		site := e.createSite(e.siteJSON(""))
		e.code.Store(503)
		e.expect(e.do("POST", idPath(site, "/check"), ""), 200)
		r := e.do("GET", "/notifications", "")
		page := e.expect(r, 200)
		e.noSecret(t, monitor.ChannelTelegram, r)
		ns := page["notifications"].([]any)
		if len(ns) != 1 {
			t.Fatalf("notifications: %v", ns)
		}
		c := ns[0].(map[string]any)["channel"].(map[string]any)
		if c["type"] != "telegram" || c["name"] != "telegram alerts" || c["destination"] != "Telegram chat -1001234567890 (bot 123456:****)" {
			t.Errorf("channel %v", c)
		}
	})
}

func TestChannelTypesListTheirFields(t *testing.T) {
	forEachStoreWithChannels(t, func(t *testing.T, e channelEnv) {
		var types []struct {
			Type, Service   string
			Fields, Secrets []string
		}
		e.do("GET", "/channel-types", "").json(t, &types)
		if len(types) != 6 || types[2].Type != "telegram" || fmt.Sprint(types[2].Secrets) != "[bot_token]" || fmt.Sprint(types[5].Fields) != "[url secret]" {
			t.Errorf("types %+v", types)
		}
	})
}

// A Discord channel is a webhook, and names it as /webhooks does: a new one takes its name
// in Discord, and a name the user chose stays when its URL is set again without one, through
// /channels or /webhooks.
func TestADiscordChannelKeepsTheNameItWasGiven(t *testing.T) {
	forEachStoreWithChannels(t, func(t *testing.T, e channelEnv) {
		url := e.services.Channel(monitor.ChannelDiscord).URL
		made := e.expect(e.do("POST", "/channels", fmt.Sprintf(`{"type": "discord", "url": %q}`, url)), 201)
		discordName := made["name"]
		if discordName == "" || discordName == nil {
			t.Fatalf("a new Discord channel without a name: %v", made)
		}
		path := fmt.Sprintf("/channels/%v", made["id"])
		e.expect(e.do("PATCH", path, `{"name": "ops"}`), 200)
		again := e.expect(e.do("POST", "/channels", fmt.Sprintf(`{"type": "discord", "url": %q}`, url)), 201)
		if again["id"] != made["id"] || again["name"] != "ops" {
			t.Errorf("set again through /channels without a name: %v", again)
		}
		hook := e.expect(e.do("POST", "/webhooks", fmt.Sprintf(`{"webhook_url": %q}`, url)), 201)
		if hook["id"] != made["id"] || hook["name"] != "ops" {
			t.Errorf("set again through /webhooks without a name: %v", hook)
		}
		renamed := e.expect(e.do("POST", "/channels", fmt.Sprintf(`{"type": "discord", "url": %q, "name": "pager"}`, url)), 201)
		if renamed["name"] != "pager" {
			t.Errorf("set again with a name: %v", renamed)
		}
	})
}

// PATCH /webhooks/{id} is PATCH /channels/{id} for a Discord channel: any change sets a
// disabled webhook again, and making it the default webhook leaves the default channels of
// other types default.
func TestPatchWebhookIsAChannelUpdate(t *testing.T) {
	forEachStoreWithChannels(t, func(t *testing.T, e channelEnv) {
		slack := e.expect(e.do("POST", "/channels", e.services.ChannelJSON(monitor.ChannelSlack)), 201)
		url := e.services.Channel(monitor.ChannelDiscord).URL
		hook := e.expect(e.do("POST", "/webhooks", fmt.Sprintf(`{"webhook_url": %q}`, url)), 201)
		id := int64(hook["id"].(float64))
		if err := e.store.RecordDelivery(context.Background(), store.Delivery{WebhookID: id, Outcome: store.Disable, At: time.Now(), Error: "404 Unknown Webhook"}); err != nil {
			t.Fatal(err)
		}
		got := e.expect(e.do("PATCH", fmt.Sprintf("/webhooks/%d", id), `{"name": "ops", "default": true}`), 200)
		if got["state"] != "active" || got["last_error"] != nil || got["default"] != true {
			t.Errorf("a disabled webhook renamed: %v", got)
		}
		if c := e.expect(e.do("GET", fmt.Sprintf("/channels/%v", slack["id"]), ""), 200); c["default"] != true {
			t.Errorf("the default Slack channel after a webhook became the default one: %v", c)
		}
	})
}
