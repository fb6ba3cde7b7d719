package api

import (
	"slices"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/notify/channel"
)

// channelView shows a channel with its secrets masked; only the settings of its type appear.
type channelView struct {
	ID             int64      `json:"id"`
	Type           string     `json:"type"`
	Name           string     `json:"name"`
	Default        bool       `json:"default"`
	State          string     `json:"state"`
	LastError      *string    `json:"last_error"`
	LastDeliveryAt *time.Time `json:"last_delivery_at"`
	CreatedAt      time.Time  `json:"created_at"`
	// Destination says where its messages go, on one line, secrets masked.
	Destination string `json:"destination"`

	URL       *string  `json:"url,omitempty"`        // discord, slack, webhook: token or path masked
	ChannelID *string  `json:"channel_id,omitempty"` // discord: the Discord channel
	BotToken  *string  `json:"bot_token,omitempty"`  // telegram: 123456:****
	ChatID    *string  `json:"chat_id,omitempty"`
	ServerURL *string  `json:"server_url,omitempty"` // ntfy
	Topic     *string  `json:"topic,omitempty"`
	Token     *string  `json:"token,omitempty"` // ntfy: masked; "" when none
	Host      *string  `json:"host,omitempty"`  // email
	Port      *int     `json:"port,omitempty"`
	TLS       *string  `json:"tls,omitempty"`
	Username  *string  `json:"username,omitempty"`
	Password  *string  `json:"password,omitempty"` // masked; "" when none
	From      *string  `json:"from,omitempty"`
	To        []string `json:"to,omitempty"`
	// Secret is the webhook's signing secret: masked, except in the answer that made it.
	Secret *string `json:"secret,omitempty"`
}

// viewChannel shows c as d masks it; reveal names the secrets shown in full, once: the ones
// Tocsin made for the channel in this request.
func viewChannel(c monitor.Channel, d channel.Driver, reveal ...string) channelView {
	m := d.Mask(c)
	v := channelView{ID: c.ID, Type: string(c.Kind()), Name: c.Name, Default: c.Default, State: string(c.State),
		LastError: nonEmpty(c.LastError), LastDeliveryAt: c.LastDeliveryAt, CreatedAt: c.CreatedAt, Destination: d.Destination(c)}
	shown := func(field, maskedValue, value string) *string {
		if slices.Contains(reveal, field) {
			return &value
		}
		return &maskedValue
	}
	s, ms := c.Settings, m.Settings
	for _, f := range d.Fields() {
		switch f {
		case "url":
			v.URL = shown(f, m.URL, c.URL)
		case "bot_token":
			v.BotToken = shown(f, ms.BotToken, s.BotToken)
		case "chat_id":
			v.ChatID = &ms.ChatID
		case "server_url":
			v.ServerURL = &ms.ServerURL
		case "topic":
			v.Topic = &ms.Topic
		case "token":
			v.Token = shown(f, ms.Token, s.Token)
		case "host":
			v.Host = &ms.Host
		case "port":
			v.Port = &ms.Port
		case "tls":
			v.TLS = &ms.TLS
		case "username":
			v.Username = &ms.Username
		case "password":
			v.Password = shown(f, ms.Password, s.Password)
		case "from":
			v.From = &ms.From
		case "to":
			v.To = slices.Clone(ms.To)
		case "secret":
			v.Secret = shown(f, ms.Secret, s.Secret)
		}
	}
	if c.Kind() == monitor.ChannelDiscord && c.ChannelID != "" {
		v.ChannelID = &c.ChannelID
	}
	return v
}

// channelTestView answers a test message the destination took.
type channelTestView struct {
	Delivered bool `json:"delivered"`
	// Status is the destination's HTTP status (for email, the SMTP server's reply code).
	Status int `json:"status"`
	// Answer says in a few words what the destination answered.
	Answer  string      `json:"answer"`
	Channel channelView `json:"channel"`
}
