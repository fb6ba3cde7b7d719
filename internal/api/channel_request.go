package api

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/notify/channel"
)

// channelRequest is the body of POST /channels and PATCH /channels/{id}: the type, name and
// default flag of every channel, and the settings of each type (a type takes only its own).
// Fields left out of a PATCH keep their value; a secret sent back masked keeps the stored one.
type channelRequest struct {
	Type    *string `json:"type"`
	Name    *string `json:"name"`
	Default *bool   `json:"default"`
	// discord, slack, webhook
	URL *string `json:"url"`
	// telegram
	BotToken *string     `json:"bot_token"`
	ChatID   *chatIDText `json:"chat_id"`
	// ntfy
	ServerURL *string `json:"server_url"`
	Topic     *string `json:"topic"`
	Token     *string `json:"token"`
	// email
	Host     *string   `json:"host"`
	Port     *int      `json:"port"`
	TLS      *string   `json:"tls"`
	Username *string   `json:"username"`
	Password *string   `json:"password"`
	From     *string   `json:"from"`
	To       *[]string `json:"to"`
	// webhook
	Secret *string `json:"secret"`
}

// chatIDText is a Telegram chat id, which people paste as a number or as text.
type chatIDText string

func (c *chatIDText) UnmarshalJSON(b []byte) error {
	var n json.Number
	if err := json.Unmarshal(b, &n); err == nil {
		*c = chatIDText(n.String())
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	*c = chatIDText(s)
	return nil
}

// maxChannelNameRunes bounds a channel's name, as a site's is bounded.
const maxChannelNameRunes = 200

// secretFields are the settings that are never shown: masked in every answer, kept when
// sent back masked.
func secretFields() []string { return []string{"url", "bot_token", "token", "password", "secret"} }

// given lists the JSON names of the fields the request sets.
func (req channelRequest) given() []string {
	var names []string
	v, t := reflect.ValueOf(req), reflect.TypeOf(req)
	for i := range t.NumField() {
		if !v.Field(i).IsNil() {
			name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
			names = append(names, name)
		}
	}
	return names
}

// checkFields refuses the settings that the channel's type does not take.
func checkFields(req channelRequest, typ monitor.ChannelType, d channel.Driver) error {
	for _, f := range req.given() {
		if f != "type" && f != "name" && f != "default" && !slices.Contains(d.Fields(), f) {
			return badField(f, fmt.Sprintf("%s is not a setting of %s channels (they take %s)", f, typ, strings.Join(d.Fields(), ", ")))
		}
	}
	return nil
}

// parseChannelType reads the type of a new channel.
func (h *Handler) parseChannelType(raw *string) (monitor.ChannelType, channel.Driver, error) {
	var names []string
	for _, t := range monitor.ChannelTypes() {
		if _, ok := h.channels.Driver(t); ok {
			names = append(names, string(t))
		}
	}
	if raw == nil || strings.TrimSpace(*raw) == "" {
		return "", nil, badField("type", "type is required: one of "+strings.Join(names, ", "))
	}
	t := monitor.ChannelType(strings.ToLower(strings.TrimSpace(*raw)))
	d, ok := h.channels.Driver(t)
	if !ok {
		return "", nil, badField("type", "type must be one of "+strings.Join(names, ", "))
	}
	return t, d, nil
}

// apply writes the request onto the channel as it is stored (c) and shown (masked): a secret
// given back as monitor.Masked, or as the masked form it is shown in, keeps its value.
func (req channelRequest) apply(c *monitor.Channel, masked monitor.Channel) error {
	if req.Name != nil {
		name := strings.TrimSpace(*req.Name)
		if err := monitor.ValidateLine("name", name); err != nil {
			return err
		}
		if channel.Runes(name) > maxChannelNameRunes {
			return badField("name", "name must be at most "+strconv.Itoa(maxChannelNameRunes)+" characters")
		}
		c.Name = name
	}
	if req.Default != nil {
		c.Default = *req.Default
	}
	s, m := &c.Settings, masked.Settings
	setSecret(&c.URL, req.URL, masked.URL)
	setSecret(&s.BotToken, req.BotToken, m.BotToken)
	setSecret(&s.Token, req.Token, m.Token)
	setSecret(&s.Password, req.Password, m.Password)
	setSecret(&s.Secret, req.Secret, m.Secret)
	if req.ChatID != nil {
		s.ChatID = string(*req.ChatID)
	}
	for _, f := range []struct {
		dst *string
		src *string
	}{{&s.ServerURL, req.ServerURL}, {&s.Topic, req.Topic}, {&s.Host, req.Host}, {&s.TLS, req.TLS}, {&s.Username, req.Username}, {&s.From, req.From}} {
		if f.src != nil {
			*f.dst = *f.src
		}
	}
	if req.Port != nil {
		s.Port = *req.Port
	}
	if req.To != nil {
		s.To = slices.Clone(*req.To)
	}
	return nil
}

func setSecret(dst, src *string, shown string) {
	if src == nil {
		return
	}
	v := strings.TrimSpace(*src)
	if v == monitor.Masked || v != "" && v == shown && strings.Contains(shown, monitor.Masked) {
		return
	}
	*dst = v
}
