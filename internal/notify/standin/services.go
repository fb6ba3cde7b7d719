package standin

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/notify/channel"
	"github.com/tocsin/tocsin/internal/notify/channels"
	"github.com/tocsin/tocsin/internal/notify/discordtest"
)

// ReceiverSecret is the signing secret of the webhook channel pointed at Services' receiver.
const ReceiverSecret = "whsec-standin-0123456789abcdef"

// discordID is the id of the Discord stand-in's webhook that channels use.
const discordID = "77"

// Services is a stand-in of every service, with what a test needs to point a channel of each
// type at its stand-in, script its answers and read what it took.
type Services struct {
	Discord  *discordtest.Fake
	Slack    *Slack
	Telegram *Telegram
	Ntfy     *Ntfy
	Receiver *Receiver
	SMTP     *SMTP
}

// NewServices starts them all; the SMTP server speaks no TLS and asks for a password.
func NewServices(t testing.TB) *Services {
	return &Services{Discord: discordtest.New(t), Slack: NewSlack(t), Telegram: NewTelegram(t), Ntfy: NewNtfy(t),
		Receiver: NewReceiver(t, ReceiverSecret), SMTP: NewSMTP(t, SMTPPlain, nil)}
}

// Config points the drivers at the stand-ins.
func (s *Services) Config() channels.Config {
	return channels.Config{UserAgent: "Tocsin/test", DiscordHosts: []string{s.Discord.Host()}, SlackHosts: []string{s.Slack.Host()},
		TelegramAPIURL: s.Telegram.APIURL()}
}

// Env is the same for a tocsin process.
func (s *Services) Env() []string {
	return []string{"TOCSIN_DISCORD_ALLOWED_HOSTS=" + s.Discord.Host(), "TOCSIN_SLACK_ALLOWED_HOSTS=" + s.Slack.Host(),
		"TOCSIN_TELEGRAM_API_URL=" + s.Telegram.APIURL()}
}

// Channel is a channel of the type pointed at its stand-in, as a user would give it.
func (s *Services) Channel(t monitor.ChannelType) monitor.Channel {
	c := monitor.Channel{Type: t, Name: string(t) + " alerts"}
	switch t {
	case monitor.ChannelDiscord:
		c.URL = s.Discord.WebhookURL(discordID)
	case monitor.ChannelSlack:
		c.URL = s.Slack.WebhookURL()
	case monitor.ChannelTelegram:
		c.Settings = monitor.ChannelSettings{BotToken: TelegramToken, ChatID: "-1001234567890"}
	case monitor.ChannelNtfy:
		c.Settings = monitor.ChannelSettings{ServerURL: s.Ntfy.ServerURL(), Topic: "tocsin-alerts", Token: NtfyToken}
	case monitor.ChannelEmail:
		c.Settings = monitor.ChannelSettings{Host: s.SMTP.Host, Port: s.SMTP.Port, TLS: monitor.EmailNoTLS, Username: SMTPUser,
			Password: SMTPPassword, From: "Tocsin <tocsin@example.com>", To: []string{"ops@example.com"}}
	case monitor.ChannelWebhook:
		c.URL, c.Settings.Secret = s.Receiver.URL(), ReceiverSecret
	}
	return c
}

// ChannelJSON is the body of POST /channels for a channel of the type.
func (s *Services) ChannelJSON(t monitor.ChannelType) string {
	c := s.Channel(t)
	body := map[string]any{"type": string(t), "name": c.Name, "default": true}
	set := func(k string, v any) {
		if str, ok := v.(string); !ok || str != "" {
			body[k] = v
		}
	}
	set("url", c.URL)
	st := c.Settings
	for k, v := range map[string]any{"bot_token": st.BotToken, "chat_id": st.ChatID, "server_url": st.ServerURL, "topic": st.Topic,
		"token": st.Token, "host": st.Host, "tls": st.TLS, "username": st.Username, "password": st.Password, "from": st.From, "secret": st.Secret} {
		set(k, v)
	}
	if st.Port != 0 {
		body["port"], body["to"] = st.Port, st.To
	}
	b, _ := json.Marshal(body)
	return string(b)
}

// Secrets are what must never show in an answer, a log line or a stored error.
func (s *Services) Secrets(t monitor.ChannelType) []string {
	switch t {
	case monitor.ChannelDiscord:
		return []string{"token-" + discordID}
	case monitor.ChannelSlack:
		return []string{SlackToken}
	case monitor.ChannelTelegram:
		_, secret, _ := strings.Cut(TelegramToken, ":")
		return []string{secret}
	case monitor.ChannelNtfy:
		return []string{NtfyToken}
	case monitor.ChannelEmail:
		return []string{SMTPPassword}
	case monitor.ChannelWebhook:
		return []string{ReceiverSecret, "tocsin-private-path"}
	}
	return nil
}

// scripted is what every stand-in's script offers.
type scripted interface {
	Script(...Reply)
	Always(Reply)
	Attempts() int
}

func (s *Services) stand(t monitor.ChannelType) scripted {
	switch t {
	case monitor.ChannelSlack:
		return s.Slack
	case monitor.ChannelTelegram:
		return s.Telegram
	case monitor.ChannelNtfy:
		return s.Ntfy
	case monitor.ChannelEmail:
		return s.SMTP
	case monitor.ChannelWebhook:
		return s.Receiver
	}
	return nil
}

// Script queues answers of the type's stand-in.
func (s *Services) Script(t monitor.ChannelType, replies ...Reply) {
	if t == monitor.ChannelDiscord {
		for _, r := range replies {
			s.Discord.Script(discordReply(s, r))
		}
		return
	}
	s.stand(t).Script(replies...)
}

// Always sets the answer the type's stand-in gives once its script has run out.
func (s *Services) Always(t monitor.ChannelType, r Reply) {
	if t == monitor.ChannelDiscord {
		s.Discord.Always(discordReply(s, r))
		return
	}
	s.stand(t).Always(r)
}

// discordReply is r as Discord's stand-in plays it; a dead webhook is deleted in Discord.
func discordReply(s *Services, r Reply) discordtest.Reply {
	if r.Dead {
		s.Discord.Gone(discordID)
	}
	status := r.Status
	if status == 0 {
		status = 200
	}
	return discordtest.Reply{Status: status, RetryAfter: float64(r.RetryAfter), Drop: r.Drop}
}

// Attempts counts the requests (for email, the messages) the type's stand-in was sent.
func (s *Services) Attempts(t monitor.ChannelType) int {
	if t == monitor.ChannelDiscord {
		return s.Discord.Posts()
	}
	return s.stand(t).Attempts()
}

// Texts are the messages the type's stand-in accepted, in order, each as its reader sees it:
// the texts of its blocks, its parsed HTML, its subject and plain text.
func (s *Services) Texts(t monitor.ChannelType) []string {
	var out []string
	switch t {
	case monitor.ChannelDiscord:
		for _, m := range s.Discord.Messages() {
			var b strings.Builder
			for _, e := range m.Embeds {
				b.WriteString(e.Title + "\n" + e.Description + "\n")
				for _, f := range e.Fields {
					if f.Name != "URL" {
						b.WriteString(f.Name + ": " + f.Value + "\n")
					}
				}
			}
			out = append(out, strings.ReplaceAll(b.String(), `\`, "")) // markdown's escapes are not shown
		}
	case monitor.ChannelSlack:
		for _, m := range s.Slack.Messages() {
			var b strings.Builder
			for _, bl := range m.Blocks {
				if bl.Text != nil && bl.Type != "context" {
					b.WriteString(bl.Text.Text + "\n")
				}
			}
			out = append(out, b.String())
		}
	case monitor.ChannelTelegram:
		for _, m := range s.Telegram.Messages() {
			out = append(out, m.Text)
		}
	case monitor.ChannelNtfy:
		for _, m := range s.Ntfy.Messages() {
			out = append(out, m.Title+"\n"+m.Message)
		}
	case monitor.ChannelEmail:
		for _, m := range s.SMTP.Mails() {
			out = append(out, m.Text)
		}
	case monitor.ChannelWebhook:
		for _, d := range s.Receiver.Deliveries() {
			text := d.Body.Title + " (delivery " + d.ID + ", alert " + strconv.FormatInt(d.Body.ID, 10) + ")"
			if s := d.Body.DowntimeSeconds; s != nil {
				text += "\nDowntime: " + channel.HumanDuration(time.Duration(*s)*time.Second)
			}
			out = append(out, text)
		}
	}
	return out
}
