package telegram_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/netguard"
	"github.com/tocsin/tocsin/internal/notify/channel"
	"github.com/tocsin/tocsin/internal/notify/standin"
	"github.com/tocsin/tocsin/internal/notify/telegram"
)

const token = "123456:AAHsecretsecretsecretsecret"

func TestNormalizeChecksTheTokenAndTheChat(t *testing.T) {
	tests := []struct {
		token, chat, field string
	}{
		{token, "-1001234567890", ""},
		{token, "@alerts_channel", ""},
		{" " + token + " ", " 42 ", ""},
		{"", "1", "bot_token"},
		{"123456", "1", "bot_token"},
		{"abc:AAHsecretsecretsecretsecret", "1", "bot_token"},
		{token, "", "chat_id"},
		{token, "my group", "chat_id"},
	}
	for _, tt := range tests {
		_, err := (&telegram.Driver{}).Normalize(monitor.Channel{Settings: monitor.ChannelSettings{BotToken: tt.token, ChatID: tt.chat}})
		var fe *monitor.FieldError
		if tt.field == "" && err != nil || tt.field != "" && (!errorsAs(err, &fe) || fe.Field != tt.field) {
			t.Errorf("%q %q: %v, want field %q", tt.token, tt.chat, err, tt.field)
		}
		if err != nil && strings.Contains(err.Error(), "secretsecret") {
			t.Errorf("the error quotes the token: %v", err)
		}
	}
	c := monitor.Channel{Settings: monitor.ChannelSettings{BotToken: token, ChatID: "-1"}}
	if got := (&telegram.Driver{}).Mask(c).Settings.BotToken; got != "123456:****" {
		t.Errorf("masked %q", got)
	}
}

func errorsAs(err error, fe **monitor.FieldError) bool {
	e, ok := err.(*monitor.FieldError)
	*fe = e
	return ok
}

func TestTheBotAPIsAnswersAreJudged(t *testing.T) {
	tests := []struct {
		status int
		body   string
		want   channel.Outcome
		detail string
	}{
		{200, `{"ok":true,"result":{}}`, channel.Delivered, "200"},
		{429, `{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 3","parameters":{"retry_after":3}}`, channel.RateLimited, "retry after 3"},
		{401, `{"ok":false,"error_code":401,"description":"Unauthorized"}`, channel.Gone, "Unauthorized"},
		{403, `{"ok":false,"error_code":403,"description":"Forbidden: bot was blocked by the user"}`, channel.Gone, "blocked"},
		{404, `{"ok":false,"error_code":404,"description":"Not Found"}`, channel.Gone, "Not Found"},
		{400, `{"ok":false,"error_code":400,"description":"Bad Request: chat not found"}`, channel.Gone, "chat not found"},
		{400, `{"ok":false,"error_code":400,"description":"Bad Request: group chat was upgraded to a supergroup chat","parameters":{"migrate_to_chat_id":-100555}}`, channel.Gone, "the group is now chat -100555"},
		{400, `{"ok":false,"error_code":400,"description":"Bad Request: can't parse entities"}`, channel.Rejected, "parse"},
		{502, `<html>bad gateway</html>`, channel.Retry, "502"},
	}
	for _, tt := range tests {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(tt.status)
			fmt.Fprint(w, tt.body)
		}))
		d := &telegram.Driver{Poster: channel.Poster{HTTP: channel.NewHTTPClient(netguard.Policy{}, channel.DefaultTimeouts()), Service: "Telegram"}, APIURL: srv.URL}
		resp := d.Send(context.Background(), monitor.Channel{Settings: monitor.ChannelSettings{BotToken: token, ChatID: "1"}}, telegram.Message{Text: "x"})
		srv.Close()
		if resp.Outcome() != tt.want || !strings.Contains(resp.Detail, tt.detail) || strings.Contains(resp.Detail, "secretsecret") {
			t.Errorf("%d %s: %v %q", tt.status, tt.body, resp.Outcome(), resp.Detail)
		}
		if tt.status == 429 && resp.RetryAfter != 3*time.Second {
			t.Errorf("retry_after read as %v", resp.RetryAfter)
		}
	}
}

// A storm of names full of HTML, errors full of emoji: every message parses as Telegram parses
// HTML and stays under 4096 UTF-16 units, and every name reads as typed.
func TestPackMakesMessagesTelegramTakes(t *testing.T) {
	stand := standin.NewTelegram(t)
	d := &telegram.Driver{Poster: channel.Poster{HTTP: channel.NewHTTPClient(netguard.Policy{}, channel.DefaultTimeouts()), Service: "Telegram"}, APIURL: stand.APIURL()}
	var ns []monitor.Notification
	for i := range 90 {
		a := monitor.Alert{Kind: monitor.AlertDown, SiteID: int64(i + 1), SiteName: fmt.Sprintf("<b>&%02d</b>", i), URL: "https://x.example/?a=1&b=<2>",
			At: time.Unix(1_800_000_000, 0), Error: strings.Repeat("🔥 <&> ", 300), StatusCode: 503}
		ns = append(ns, monitor.Notification{ID: int64(i + 1), Alert: a})
	}
	ch := monitor.Channel{Settings: monitor.ChannelSettings{BotToken: standin.TelegramToken, ChatID: "-1"}}
	batches := d.Pack(ns)
	for i, b := range batches {
		if resp := d.Send(context.Background(), ch, b.Message); resp.Outcome() != channel.Delivered {
			t.Errorf("message %d refused: %s", i, resp.Detail)
		}
	}
	var all strings.Builder
	for _, m := range stand.Messages() {
		all.WriteString(m.Text)
	}
	for i := range 90 {
		if n := strings.Count(all.String(), fmt.Sprintf("<b>&%02d</b>", i)); n != 1 {
			t.Errorf("site %d named %d times", i, n)
		}
	}
	// Two messages of cards, then lines that errors full of markup make as long as a line may
	// be (300 units): 12 a message.
	if len(batches) > 2+(90+11)/12 {
		t.Errorf("%d messages for 90 alerts", len(batches))
	}
}
