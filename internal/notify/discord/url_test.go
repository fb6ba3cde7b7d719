package discord

import (
	"errors"
	"strings"
	"testing"

	"github.com/tocsin/tocsin/internal/monitor"
)

const token = "SECRETtoken123"

func TestParseWebhookURL(t *testing.T) {
	local := []string{"127.0.0.1:41234"}
	withLocal := append(DefaultHosts(), local...)
	canonical := "https://discord.com/api/v10/webhooks/123456789012345678/" + token
	tests := []struct {
		name    string
		raw     string
		allowed []string
		want    string // "" when an error is expected
		errHas  string
	}{
		{"discord.com", "https://discord.com/api/webhooks/123456789012345678/" + token, DefaultHosts(), canonical, ""},
		{"discordapp.com", "https://discordapp.com/api/webhooks/123456789012345678/" + token, DefaultHosts(), canonical, ""},
		{"ptb", "https://ptb.discord.com/api/webhooks/123456789012345678/" + token, DefaultHosts(), canonical, ""},
		{"canary", "https://canary.discord.com/api/webhooks/123456789012345678/" + token, DefaultHosts(), canonical, ""},
		{"v9", "https://discord.com/api/v9/webhooks/123456789012345678/" + token, DefaultHosts(), canonical, ""},
		{"v10 with trailing slash", "https://discord.com/api/v10/webhooks/123456789012345678/" + token + "/", DefaultHosts(), canonical, ""},
		{"upper-case host and port 443", "https://Discord.COM:443/api/webhooks/123456789012345678/" + token, DefaultHosts(), canonical, ""},
		{"spaces around", "  https://discord.com/api/webhooks/123456789012345678/" + token + "\n", DefaultHosts(), canonical, ""},
		{"http to loopback when listed", "http://127.0.0.1:41234/api/webhooks/1/" + token, withLocal, "http://127.0.0.1:41234/api/v10/webhooks/1/" + token, ""},
		{"http to discord.com", "http://discord.com/api/webhooks/1/" + token, DefaultHosts(), "", "must be an https URL"},
		{"http to loopback not listed", "http://127.0.0.1:41234/api/webhooks/1/" + token, DefaultHosts(), "", "host 127.0.0.1 is not a Discord host"},
		{"loopback on another port", "http://127.0.0.1:41235/api/webhooks/1/" + token, withLocal, "", "not a Discord host"},
		{"http to a listed remote host", "http://example.com/api/webhooks/1/" + token, []string{"example.com"}, "", "must be an https URL"},
		{"other host", "https://example.com/api/webhooks/1/" + token, DefaultHosts(), "", "host example.com is not a Discord host"},
		{"look-alike host", "https://discord.com.evil.example/api/webhooks/1/" + token, DefaultHosts(), "", "not a Discord host"},
		{"port on a portless entry", "https://discord.com:8443/api/webhooks/1/" + token, DefaultHosts(), "", "not a Discord host"},
		{"ftp", "ftp://discord.com/api/webhooks/1/" + token, DefaultHosts(), "", "must be an https URL"},
		{"no scheme", "discord.com/api/webhooks/1/" + token, DefaultHosts(), "", "must be a Discord webhook URL"},
		{"empty", "", DefaultHosts(), "", "is required"},
		{"not a URL", "https://discord.com/%zz/" + token, DefaultHosts(), "", "not a valid URL"},
		{"user info", "https://" + token + "@discord.com/api/webhooks/1/" + token, DefaultHosts(), "", "user name or password"},
		{"query", "https://discord.com/api/webhooks/1/" + token + "?wait=true", DefaultHosts(), "", "query string"},
		{"empty query", "https://discord.com/api/webhooks/1/" + token + "?", DefaultHosts(), "", "query string"},
		{"fragment", "https://discord.com/api/webhooks/1/" + token + "#x", DefaultHosts(), "", "fragment"},
		{"channel URL", "https://discord.com/channels/1/2", DefaultHosts(), "", "must be a Discord webhook URL"},
		{"no token", "https://discord.com/api/webhooks/123", DefaultHosts(), "", "must be a Discord webhook URL"},
		{"extra segment", "https://discord.com/api/webhooks/1/" + token + "/slack", DefaultHosts(), "", "must be a Discord webhook URL"},
		{"bad version", "https://discord.com/api/vx/webhooks/1/" + token, DefaultHosts(), "", "must be a Discord webhook URL"},
		{"double slash", "https://discord.com/api/webhooks//" + token, DefaultHosts(), "", "must be a Discord webhook URL"},
		{"id not digits", "https://discord.com/api/webhooks/12a/" + token, DefaultHosts(), "", "invalid webhook ID"},
		{"id too long", "https://discord.com/api/webhooks/" + strings.Repeat("1", 26) + "/" + token, DefaultHosts(), "", "invalid webhook ID"},
		{"token with a dot", "https://discord.com/api/webhooks/1/" + token + ".x", DefaultHosts(), "", "invalid webhook token"},
		{"token escaped", "https://discord.com/api/webhooks/1/" + token + "%41", DefaultHosts(), "", "invalid webhook token"},
		{"token too long", "https://discord.com/api/webhooks/1/" + token + strings.Repeat("x", 100), DefaultHosts(), "", "invalid webhook token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseWebhookURL(tt.raw, tt.allowed)
			if tt.want != "" {
				if err != nil || got != tt.want {
					t.Fatalf("got %q, %v; want %q", got, err, tt.want)
				}
				return
			}
			var fe *monitor.FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("got %q, %v; want a *monitor.FieldError", got, err)
			}
			if fe.Field != "webhook_url" || !strings.Contains(fe.Message, tt.errHas) {
				t.Errorf("got %s %q, want webhook_url with %q", fe.Field, fe.Message, tt.errHas)
			}
			if raw := strings.TrimSpace(tt.raw); strings.Contains(fe.Error(), token) || raw != "" && strings.Contains(fe.Error(), raw) {
				t.Errorf("message %q repeats the URL or its token", fe.Error())
			}
			if got != "" {
				t.Errorf("returned %q with an error", got)
			}
		})
	}
}

func TestParseWebhookURLHostEntries(t *testing.T) {
	tests := []struct {
		name    string
		raw     string
		allowed []string
		ok      bool
	}{
		{"entry with port 443 and URL without", "https://hooks.example/api/webhooks/1/t", []string{"hooks.example:443"}, false},
		{"entry in upper case", "https://hooks.example/api/webhooks/1/t", []string{"HOOKS.example"}, true},
		{"IPv6 loopback", "http://[::1]:8080/api/webhooks/1/t", []string{"[::1]:8080"}, true},
		{"localhost", "http://localhost:8080/api/webhooks/1/t", []string{"localhost:8080"}, true},
		{"portless entry does not match http with port", "http://localhost:8080/api/webhooks/1/t", []string{"localhost"}, false},
		{"no hosts", "https://discord.com/api/webhooks/1/t", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseWebhookURL(tt.raw, tt.allowed)
			if (err == nil) != tt.ok {
				t.Errorf("err = %v, want ok=%v", err, tt.ok)
			}
		})
	}
}

func TestMaskAndWebhookID(t *testing.T) {
	tests := []struct {
		url, masked, id string
	}{
		{"https://discord.com/api/v10/webhooks/123/" + token, "https://discord.com/api/v10/webhooks/123/****", "123"},
		{"https://discord.com/api/webhooks/123/" + token + "/", "https://discord.com/api/webhooks/123/****", "123"},
		{"http://127.0.0.1:41234/api/v10/webhooks/9/" + token + "?wait=true", "http://127.0.0.1:41234/api/v10/webhooks/9/****", "9"},
		{"https://discord.com/api/webhooks/123/" + token + ".bad", "****", ""},
		{"https://user:" + token + "@discord.com/api/webhooks/123/" + token, "****", ""},
		{"not a url " + token, "****", ""},
		{"", "****", ""},
	}
	for _, tt := range tests {
		if got := Mask(tt.url); got != tt.masked {
			t.Errorf("Mask(%q) = %q, want %q", tt.url, got, tt.masked)
		}
		if got := WebhookID(tt.url); got != tt.id {
			t.Errorf("WebhookID(%q) = %q, want %q", tt.url, got, tt.id)
		}
	}
}
