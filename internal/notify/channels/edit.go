package channels

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/notify/channel"
)

// Changes is a user's change to a channel, as every front end reads it (the JSON API decodes
// into it, a form fills it in, a config file is read into it): the type, name and default flag
// every channel has, and the settings of each type, of which a channel takes only its own. A
// nil field keeps the channel's value; a secret given back masked ("****", or as it is shown)
// keeps the stored one.
type Changes struct {
	Type    *string `json:"type"`
	Name    *string `json:"name"`
	Default *bool   `json:"default"`
	// discord, slack, webhook
	URL *string `json:"url"`
	// telegram
	BotToken *string `json:"bot_token"`
	ChatID   *ChatID `json:"chat_id"`
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

// ChatID is a Telegram chat id, which people paste as a number or as text.
type ChatID string

func (c *ChatID) UnmarshalJSON(b []byte) error {
	var n json.Number
	if err := json.Unmarshal(b, &n); err == nil {
		*c = ChatID(n.String())
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return &json.UnmarshalTypeError{Value: jsonKind(b), Type: reflect.TypeOf("")}
	}
	*c = ChatID(s)
	return nil
}

func jsonKind(b []byte) string {
	switch {
	case len(b) > 0 && b[0] == '{':
		return "an object"
	case len(b) > 0 && b[0] == '[':
		return "a list"
	}
	return string(b)
}

// MaxNameRunes bounds a channel's name, as a site's is bounded.
const MaxNameRunes = 200

// SecretFields are the settings never shown: masked in every answer, kept when sent back
// masked.
func SecretFields() []string { return []string{"url", "bot_token", "token", "password", "secret"} }

// Given lists the JSON names of the fields the changes set.
func (ch Changes) Given() []string {
	var names []string
	v, t := reflect.ValueOf(ch), reflect.TypeOf(ch)
	for i := range t.NumField() {
		if !v.Field(i).IsNil() {
			name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
			names = append(names, name)
		}
	}
	return names
}

// Edited is a channel made or changed, ready to be stored, with its type's driver and the
// secrets Tocsin made for it (to be shown once, in full).
type Edited struct {
	Channel monitor.Channel
	Driver  channel.Driver
	Made    []string
}

// DestinationError says the destination could not check a channel before it was saved: it
// rate limited Tocsin, or did not answer. (A destination that refuses the channel is a
// *monitor.FieldError on its URL.)
type DestinationError struct {
	Service  string
	Response channel.Response
}

func (e *DestinationError) Error() string {
	if e.Response.Outcome() == channel.RateLimited {
		return e.Service + " is rate limiting Tocsin; try again in " + e.Response.RetryAfter.Round(time.Second).String()
	}
	return "could not check the channel with " + e.Service + ": " + e.Response.Detail
}

// Create makes a channel of owner's from the changes, which must give its type, checked by its
// type's driver, and for a type that can (discord), with the destination itself.
func Create(ctx context.Context, reg channel.Registry, owner int64, now time.Time, ch Changes) (Edited, error) {
	typ, d, err := parseType(reg, ch.Type)
	if err != nil {
		return Edited{}, err
	}
	c := monitor.Channel{OwnerID: owner, Type: typ, State: monitor.ChannelActive, CreatedAt: monitor.StoredTime(now)}
	return edit(ctx, d, c, ch, true)
}

// Update applies the changes to c. The destination is asked again only when its URL changed.
func Update(ctx context.Context, reg channel.Registry, c monitor.Channel, ch Changes) (Edited, error) {
	d, ok := reg.Driver(c.Kind())
	if !ok {
		return Edited{}, channel.Invalid("type", "this Tocsin cannot send to channels of type "+string(c.Kind()))
	}
	if ch.Type != nil && monitor.ChannelType(strings.ToLower(strings.TrimSpace(*ch.Type))) != c.Kind() {
		return Edited{}, channel.Invalid("type", "cannot change: make a new channel of the other type")
	}
	return edit(ctx, d, c, ch, false)
}

func edit(ctx context.Context, d channel.Driver, c monitor.Channel, ch Changes, isNew bool) (Edited, error) {
	for _, f := range ch.Given() {
		if f != "type" && f != "name" && f != "default" && !slices.Contains(d.Fields(), f) {
			return Edited{}, channel.Invalid(f, fmt.Sprintf("is not a setting of %s channels (they take %s)", c.Kind(), strings.Join(d.Fields(), ", ")))
		}
	}
	changed := c
	if err := ch.apply(&changed, d.Mask(c)); err != nil {
		return Edited{}, err
	}
	ready, err := d.Normalize(changed)
	if err != nil {
		return Edited{}, err
	}
	if v, ok := d.(channel.Verifier); ok && (isNew || ready.URL != c.URL) {
		if ready, err = verify(ctx, d, v, ready, changed.Name != ""); err != nil {
			return Edited{}, err
		}
	}
	if ready.Name == "" {
		ready.Name = channel.Truncate(d.Destination(ready), MaxNameRunes)
	}
	return Edited{Channel: ready, Driver: d, Made: made(changed, ready)}, nil
}

// verify asks the destination about the channel; it names the channel when the user did not.
func verify(ctx context.Context, d channel.Driver, v channel.Verifier, c monitor.Channel, named bool) (monitor.Channel, error) {
	verified, resp := v.Verify(ctx, c)
	switch resp.Outcome() {
	case channel.Delivered:
		if named {
			verified.Name = c.Name
		}
		return verified, nil
	case channel.Gone, channel.Rejected:
		return c, channel.Invalid("url", "is not accepted by "+d.Service()+": "+resp.Detail)
	}
	return c, &DestinationError{Service: d.Service(), Response: resp}
}

func parseType(reg channel.Registry, raw *string) (monitor.ChannelType, channel.Driver, error) {
	var names []string
	for _, t := range monitor.ChannelTypes() {
		if _, ok := reg.Driver(t); ok {
			names = append(names, string(t))
		}
	}
	if raw == nil || strings.TrimSpace(*raw) == "" {
		return "", nil, channel.Invalid("type", "is required: one of "+strings.Join(names, ", "))
	}
	t := monitor.ChannelType(strings.ToLower(strings.TrimSpace(*raw)))
	d, ok := reg.Driver(t)
	if !ok {
		return "", nil, channel.Invalid("type", "must be one of "+strings.Join(names, ", "))
	}
	return t, d, nil
}

// apply writes the changes onto the channel as stored (c), given as it is shown (masked).
func (ch Changes) apply(c *monitor.Channel, masked monitor.Channel) error {
	if ch.Name != nil {
		name := strings.TrimSpace(*ch.Name)
		if err := monitor.ValidateLine("name", name); err != nil {
			return err
		}
		if channel.Runes(name) > MaxNameRunes {
			return channel.Invalid("name", "must be at most "+strconv.Itoa(MaxNameRunes)+" characters")
		}
		c.Name = name
	}
	if ch.Default != nil {
		c.Default = *ch.Default
	}
	s, m := &c.Settings, masked.Settings
	setSecret(&c.URL, ch.URL, masked.URL)
	setSecret(&s.BotToken, ch.BotToken, m.BotToken)
	setSecret(&s.Token, ch.Token, m.Token)
	setSecret(&s.Password, ch.Password, m.Password)
	setSecret(&s.Secret, ch.Secret, m.Secret)
	if ch.ChatID != nil {
		s.ChatID = string(*ch.ChatID)
	}
	for _, f := range []struct{ dst, src *string }{{&s.ServerURL, ch.ServerURL}, {&s.Topic, ch.Topic}, {&s.Host, ch.Host},
		{&s.TLS, ch.TLS}, {&s.Username, ch.Username}, {&s.From, ch.From}} {
		if f.src != nil {
			*f.dst = *f.src
		}
	}
	if ch.Port != nil {
		s.Port = *ch.Port
	}
	if ch.To != nil {
		s.To = slices.Clone(*ch.To)
	}
	return nil
}

// setSecret writes a secret unless it was given back masked.
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

// made lists the secrets Normalize made (empty before, set after), to be shown once.
func made(before, after monitor.Channel) []string {
	var out []string
	for _, f := range []struct {
		name          string
		before, after string
	}{{"secret", before.Settings.Secret, after.Settings.Secret}, {"token", before.Settings.Token, after.Settings.Token},
		{"password", before.Settings.Password, after.Settings.Password}, {"bot_token", before.Settings.BotToken, after.Settings.BotToken}} {
		if f.before == "" && f.after != "" {
			out = append(out, f.name)
		}
	}
	return out
}

// TypeInfo describes a channel type for a form or a tool: its name, its service and the
// settings it takes, and which of them are secrets.
type TypeInfo struct {
	Type    string   `json:"type"`
	Service string   `json:"service"`
	Fields  []string `json:"fields"`
	Secrets []string `json:"secrets"`
}

// Types describes every type the registry sends to, in the order people are shown them.
func Types(reg channel.Registry) []TypeInfo {
	var out []TypeInfo
	for _, t := range monitor.ChannelTypes() {
		d, ok := reg.Driver(t)
		if !ok {
			continue
		}
		info := TypeInfo{Type: string(t), Service: d.Service(), Fields: d.Fields(), Secrets: []string{}}
		for _, f := range d.Fields() {
			if slices.Contains(SecretFields(), f) {
				info.Secrets = append(info.Secrets, f)
			}
		}
		out = append(out, info)
	}
	return out
}
