package slack

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
)

const token = "T0kenT0kenT0ken"

func TestNormalizeTakesOnlyIncomingWebhookURLs(t *testing.T) {
	d := &Driver{}
	tests := []struct {
		url, want, errHas string
	}{
		{"https://hooks.slack.com/services/T0/B0/" + token, "https://hooks.slack.com/services/T0/B0/" + token, ""},
		{" https://HOOKS.slack.com/services/T0/B0/" + token + "/ ", "https://hooks.slack.com/services/T0/B0/" + token, ""},
		{"https://hooks.slack-gov.com/services/T0/B0/" + token, "https://hooks.slack-gov.com/services/T0/B0/" + token, ""},
		{"http://hooks.slack.com/services/T0/B0/" + token, "", "https"},
		{"https://example.com/services/T0/B0/" + token, "", "not a Slack host"},
		{"https://hooks.slack.com/triggers/T0/1/" + token, "", "incoming webhook"},
		{"https://hooks.slack.com/services/T0/B0/" + token + "?x=1", "", "query"},
		{"https://user:pw@hooks.slack.com/services/T0/B0/" + token, "", "user name"},
		{"", "", "required"},
	}
	for _, tt := range tests {
		c, err := d.Normalize(monitor.Channel{URL: tt.url})
		if tt.errHas == "" && (err != nil || c.URL != tt.want) || tt.errHas != "" && (err == nil || !strings.Contains(err.Error(), tt.errHas)) {
			t.Errorf("%q: %q %v, want %q / %q", tt.url, c.URL, err, tt.want, tt.errHas)
		}
		if err != nil && strings.Contains(err.Error(), token) {
			t.Errorf("%q: the error quotes the token: %v", tt.url, err)
		}
	}
}

func TestTheTokenIsMasked(t *testing.T) {
	c := monitor.Channel{URL: "https://hooks.slack.com/services/T0/B0/" + token}
	d := &Driver{}
	if got := d.Mask(c).URL; got != "https://hooks.slack.com/services/T0/B0/****" || d.Destination(c) != got {
		t.Errorf("masked %q, destination %q", got, d.Destination(c))
	}
}

func TestSlacksAnswersAreJudged(t *testing.T) {
	tests := []struct {
		status int
		body   string
		header string
		want   channel.Outcome
	}{
		{200, "ok", "", channel.Delivered},
		{429, "rate_limited", "7", channel.RateLimited},
		{404, "no_service", "", channel.Gone},
		{410, "channel_is_archived", "", channel.Gone},
		{403, "invalid_token", "", channel.Gone},
		{400, "channel_not_found", "", channel.Gone},
		{400, "invalid_payload", "", channel.Rejected},
		{500, "rollup_error", "", channel.Retry},
	}
	for _, tt := range tests {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if tt.header != "" {
				w.Header().Set("Retry-After", tt.header)
			}
			w.WriteHeader(tt.status)
			fmt.Fprint(w, tt.body)
		}))
		d := &Driver{Poster: channel.Poster{HTTP: channel.NewHTTPClient(netguard.Policy{}, channel.DefaultTimeouts()), Service: "Slack"}}
		resp := d.Send(context.Background(), monitor.Channel{URL: srv.URL + "/services/T0/B0/" + token}, Message{Text: "x"})
		srv.Close()
		if resp.Outcome() != tt.want || !strings.Contains(resp.Detail, tt.body) || strings.Contains(resp.Detail, token) {
			t.Errorf("%d %s: %v %q, want %v", tt.status, tt.body, resp.Outcome(), resp.Detail, tt.want)
		}
		if tt.header != "" && resp.RetryAfter != 7*time.Second {
			t.Errorf("retry after %v", resp.RetryAfter)
		}
	}
}

func TestPackStaysWithinSlacksLimitsAndEscapes(t *testing.T) {
	var alerts []monitor.Alert
	for i := range 120 {
		alerts = append(alerts, monitor.Alert{Kind: monitor.AlertDown, SiteID: int64(i + 1), SiteName: fmt.Sprintf("<b>&%03d", i),
			URL: "https://x.example", At: time.Unix(1_800_000_000, 0), Error: strings.Repeat("error <&> ", 400), StatusCode: 503})
	}
	batches := Pack(alerts)
	named := 0
	for i, b := range batches {
		m := b.Message.(Message)
		if len(m.Blocks) > MaxBlocks || channel.Runes(m.Text) > maxFallbackRunes {
			t.Errorf("message %d: %d blocks, text of %d", i, len(m.Blocks), channel.Runes(m.Text))
		}
		for _, bl := range m.Blocks {
			switch {
			case bl.Type == "header" && channel.Runes(bl.Text.Text) > MaxHeaderRunes,
				bl.Type == "section" && channel.Runes(bl.Text.Text) > MaxSectionRunes:
				t.Errorf("message %d: a %s of %d characters", i, bl.Type, channel.Runes(bl.Text.Text))
			case bl.Type == "section" && strings.Contains(bl.Text.Text, "<b>"):
				t.Errorf("message %d: unescaped markup in a section: %.80s", i, bl.Text.Text)
			case bl.Type == "section":
				named += strings.Count(bl.Text.Text, "&lt;b&gt;&amp;")
			case bl.Type == "header":
				named += strings.Count(bl.Text.Text, "<b>&")
			}
		}
	}
	if named != 120 || len(batches) > 6 { // two of cards, then lines of 300 characters, about 40 a message
		t.Errorf("%d sites named in %d messages", named, len(batches))
	}
}
