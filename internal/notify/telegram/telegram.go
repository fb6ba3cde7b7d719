// Package telegram sends Tocsin's alerts to a Telegram chat through a bot: the Bot API's
// sendMessage, in HTML parse mode.
package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/notify/channel"
)

// DefaultAPIURL is where the Bot API is served.
const DefaultAPIURL = "https://api.telegram.org"

// Driver is the telegram channel type.
type Driver struct {
	Poster channel.Poster
	// APIURL replaces DefaultAPIURL (a stand-in in tests); "" means DefaultAPIURL.
	APIURL string
}

var _ channel.Driver = (*Driver)(nil)

func (d *Driver) Service() string  { return "Telegram" }
func (d *Driver) Fields() []string { return []string{"bot_token", "chat_id"} }

// A bot token is the bot's id, a colon and its secret (123456:AAH…); a chat is a number
// (negative for groups and channels) or a public channel's @username.
var (
	botTokenPattern = regexp.MustCompile(`^[0-9]{1,20}:[A-Za-z0-9_-]{20,100}$`)
	chatIDPattern   = regexp.MustCompile(`^(-?[0-9]{1,20}|@[A-Za-z][A-Za-z0-9_]{3,31})$`)
)

func (d *Driver) Normalize(c monitor.Channel) (monitor.Channel, error) {
	s := &c.Settings
	s.BotToken, s.ChatID = strings.TrimSpace(s.BotToken), strings.TrimSpace(s.ChatID)
	switch {
	case s.BotToken == "":
		return c, channel.Invalid("bot_token", "is required: the token @BotFather gave the bot (123456:ABC…)")
	case !botTokenPattern.MatchString(s.BotToken):
		return c, channel.Invalid("bot_token", "must be a bot token as @BotFather gives it: digits, a colon, then 20 to 100 letters, digits, _ or -")
	case s.ChatID == "":
		return c, channel.Invalid("chat_id", "is required: the chat's id (-100…) or a public channel's @username")
	case !chatIDPattern.MatchString(s.ChatID):
		return c, channel.Invalid("chat_id", "must be a chat id (a whole number, negative for groups) or a public channel's @username")
	}
	return c, nil
}

// Mask keeps the bot's id, which is no secret and tells bots apart: 123456:****.
func (d *Driver) Mask(c monitor.Channel) monitor.Channel {
	c.Settings.BotToken = maskToken(c.Settings.BotToken)
	return c
}

func maskToken(token string) string {
	if id, _, ok := strings.Cut(token, ":"); ok && id != "" {
		return id + ":" + monitor.Masked
	}
	return monitor.Masked
}

func (d *Driver) Destination(c monitor.Channel) string {
	return "Telegram chat " + c.Settings.ChatID + " (bot " + maskToken(c.Settings.BotToken) + ")"
}

// Pace keeps to Telegram's limits: about one message a second to a chat, and 20 a minute to a
// group.
func (d *Driver) Pace() channel.Pace {
	return channel.Pace{Every: time.Second, Burst: 2, GroupEvery: 3 * time.Second, GroupBurst: 5}
}

// Group is the chat: several channels of one bot and chat share its limits.
func (d *Driver) Group(c monitor.Channel) string { return "telegram chat " + c.Settings.ChatID }

// sendMessage is the Bot API's method's body.
type sendMessage struct {
	ChatID      string      `json:"chat_id"`
	Text        string      `json:"text"`
	ParseMode   string      `json:"parse_mode"`
	LinkPreview linkPreview `json:"link_preview_options"`
}

type linkPreview struct {
	IsDisabled bool `json:"is_disabled"`
}

func (d *Driver) Send(ctx context.Context, c monitor.Channel, msg channel.Message) channel.Response {
	m, ok := msg.(Message)
	if !ok {
		return channel.Response{Err: errors.New("not a Telegram message"), Verdict: channel.Rejected, Detail: "not a Telegram message"}
	}
	body, err := json.Marshal(sendMessage{ChatID: c.Settings.ChatID, Text: m.Text, ParseMode: "HTML", LinkPreview: linkPreview{IsDisabled: true}})
	if err != nil {
		return channel.Failure("the message cannot be encoded")
	}
	token := c.Settings.BotToken
	target := d.apiURL() + "/bot" + token + "/sendMessage"
	answer, resp, ok := d.Poster.Do(ctx, channel.Request{Method: http.MethodPost, URL: target, Body: body,
		Header: http.Header{"Content-Type": {"application/json"}}, Secrets: []string{token}})
	if !ok {
		return resp
	}
	return readAnswer(answer, target, token)
}

func (d *Driver) apiURL() string {
	if d.APIURL == "" {
		return DefaultAPIURL
	}
	return strings.TrimSuffix(d.APIURL, "/")
}
