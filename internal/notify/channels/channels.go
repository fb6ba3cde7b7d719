// Package channels is the set of channel types Tocsin sends alerts through, each a
// channel.Driver built from the settings main reads: which hosts each hosted service may be
// reached at, the dial-time guard, timeouts.
package channels

import (
	"crypto/x509"
	"net/http"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/netguard"
	"github.com/tocsin/tocsin/internal/notify/channel"
	"github.com/tocsin/tocsin/internal/notify/discord"
	"github.com/tocsin/tocsin/internal/notify/email"
	"github.com/tocsin/tocsin/internal/notify/ntfy"
	"github.com/tocsin/tocsin/internal/notify/slack"
	"github.com/tocsin/tocsin/internal/notify/telegram"
	"github.com/tocsin/tocsin/internal/notify/webhook"
)

// Config is what the drivers are built from; zero fields take the services' own values.
type Config struct {
	Policy    netguard.Policy
	UserAgent string
	Timeouts  channel.Timeouts
	// DiscordHosts and SlackHosts replace the services' hosts for webhook URLs, and
	// TelegramAPIURL the Bot API's address: for stand-ins in tests.
	DiscordHosts   []string
	SlackHosts     []string
	TelegramAPIURL string
	// EmailRootCAs replaces the system's certificate authorities for SMTP servers (a test's).
	EmailRootCAs *x509.CertPool
	// Now is the clock webhook requests are signed with; nil is time.Now.
	Now func() time.Time
}

// Set holds a driver per channel type.
type Set struct {
	drivers map[monitor.ChannelType]channel.Driver
}

var _ channel.Registry = (*Set)(nil)

// New builds every type's driver. They share one guarded HTTP client.
func New(cfg Config) *Set {
	t := cfg.Timeouts
	if t == (channel.Timeouts{}) {
		t = channel.DefaultTimeouts()
	}
	client := channel.NewHTTPClient(cfg.Policy, t)
	poster := func(service string) channel.Poster {
		return channel.Poster{HTTP: client, UserAgent: cfg.UserAgent, Service: service}
	}
	return &Set{drivers: map[monitor.ChannelType]channel.Driver{
		monitor.ChannelDiscord:  &discord.Driver{Client: &discord.Client{HTTP: discordClient(cfg.Policy, t), UserAgent: cfg.UserAgent}, Hosts: cfg.DiscordHosts},
		monitor.ChannelSlack:    &slack.Driver{Poster: poster("Slack"), Hosts: cfg.SlackHosts},
		monitor.ChannelTelegram: &telegram.Driver{Poster: poster("Telegram"), APIURL: cfg.TelegramAPIURL},
		monitor.ChannelNtfy:     &ntfy.Driver{Poster: poster("ntfy"), Policy: cfg.Policy},
		monitor.ChannelEmail:    &email.Driver{Policy: cfg.Policy, Timeouts: t, RootCAs: cfg.EmailRootCAs},
		monitor.ChannelWebhook:  &webhook.Driver{Poster: poster("the receiver"), Policy: cfg.Policy, Now: cfg.Now},
	}}
}

func discordClient(policy netguard.Policy, t channel.Timeouts) *http.Client {
	return discord.NewHTTPClientWithTimeouts(policy, discord.Timeouts{Connect: t.Connect, Send: t.Send})
}

// Driver is the type's driver.
func (s *Set) Driver(t monitor.ChannelType) (channel.Driver, bool) {
	d, ok := s.drivers[t]
	return d, ok
}

// Discord is the discord driver's client, which the API's /webhook routes use too.
func (s *Set) Discord() *discord.Client {
	return s.drivers[monitor.ChannelDiscord].(*discord.Driver).Client.(*discord.Client)
}
