package monitor

import (
	"slices"
	"time"
)

// ChannelType says where a channel's alerts go and how they are written for it.
type ChannelType string

const (
	ChannelDiscord  ChannelType = "discord"  // a Discord webhook: a webhook is a channel of this type
	ChannelSlack    ChannelType = "slack"    // a Slack incoming webhook
	ChannelTelegram ChannelType = "telegram" // a Telegram chat, through a bot
	ChannelNtfy     ChannelType = "ntfy"     // a topic on an ntfy server
	ChannelEmail    ChannelType = "email"    // addresses, through an SMTP server
	ChannelWebhook  ChannelType = "webhook"  // any URL, sent a signed JSON body per alert
)

// ChannelTypes lists every channel type, in the order people are shown them.
func ChannelTypes() []ChannelType {
	return []ChannelType{ChannelDiscord, ChannelSlack, ChannelTelegram, ChannelNtfy, ChannelEmail, ChannelWebhook}
}

// ChannelState says whether alerts are sent to a channel.
type ChannelState string

const (
	ChannelActive ChannelState = "active"
	// ChannelDisabled means the destination said it is gone or refuses Tocsin's credentials;
	// the channel's alerts are held until the user sets it again.
	ChannelDisabled ChannelState = "disabled"
)

// Channel is somewhere alerts are sent: a Discord webhook, a Slack webhook, a Telegram chat,
// an ntfy topic, email addresses or any URL. Its URL and settings hold secrets that never
// leave the store except to be sent to the destination.
type Channel struct {
	ID      int64
	OwnerID int64
	Type    ChannelType // "" is read as discord: what every webhook was before channels had types
	// Name is what the user called the channel; for a Discord webhook saved through /webhook,
	// the webhook's name in Discord.
	Name string
	// URL is where messages are posted, for the types that post to one (discord, slack,
	// webhook). A secret: Discord's and Slack's hold their token, and any URL's path may.
	URL      string
	Settings ChannelSettings
	// ChannelID and GuildID are what Discord told about a webhook: its Discord channel (which
	// shares one rate limit among the webhooks posting to it) and server.
	ChannelID      string
	GuildID        string
	State          ChannelState
	LastError      string
	LastDeliveryAt *time.Time
	// Default says the channel alerts every site of its owner that names no channel.
	Default   bool
	CreatedAt time.Time
}

// Kind is the channel's type, with the empty type read as discord.
func (c Channel) Kind() ChannelType {
	if c.Type == "" {
		return ChannelDiscord
	}
	return c.Type
}

// ChannelSettings are the settings of the types that need more than a URL, each used by its
// type only. The secrets among them are marked; WithoutSecrets drops them.
type ChannelSettings struct {
	// telegram
	BotToken string `json:"bot_token,omitempty"` // secret
	ChatID   string `json:"chat_id,omitempty"`
	// ntfy
	ServerURL string `json:"server_url,omitempty"`
	Topic     string `json:"topic,omitempty"`
	Token     string `json:"token,omitempty"` // secret
	// email
	Host     string   `json:"host,omitempty"`
	Port     int      `json:"port,omitempty"`
	TLS      string   `json:"tls,omitempty"` // EmailSTARTTLS, EmailImplicitTLS or EmailNoTLS
	Username string   `json:"username,omitempty"`
	Password string   `json:"password,omitempty"` // secret
	From     string   `json:"from,omitempty"`
	To       []string `json:"to,omitempty"`
	// webhook
	Secret string `json:"secret,omitempty"` // secret: signs every request
}

// How an email channel secures its connection to the SMTP server.
const (
	EmailSTARTTLS    = "starttls" // plain connection, upgraded to TLS before anything is said
	EmailImplicitTLS = "implicit" // TLS from the first byte (port 465)
	EmailNoTLS       = "none"     // never encrypted: only for a server on this machine or network
)

// WithoutSecrets is the settings with every secret erased, as a deleted channel keeps them.
func (s ChannelSettings) WithoutSecrets() ChannelSettings {
	s.BotToken, s.Token, s.Password, s.Secret = "", "", "", ""
	s.To = slices.Clone(s.To)
	return s
}
