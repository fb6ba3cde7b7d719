// Package ntfy publishes Tocsin's alerts to a topic of an ntfy server (ntfy.sh or one's own),
// with a priority and tags by the news they carry.
package ntfy

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/netguard"
	"github.com/tocsin/tocsin/internal/notify/channel"
)

// DefaultServer is where topics are published when the channel names no server.
const DefaultServer = "https://ntfy.sh"

// Driver is the ntfy channel type.
type Driver struct {
	Poster channel.Poster
	Policy netguard.Policy // refuses a server URL that names a blocked address outright
}

var _ channel.Driver = (*Driver)(nil)

func (d *Driver) Service() string  { return "ntfy" }
func (d *Driver) Fields() []string { return []string{"server_url", "topic", "token"} }

// topicPattern is what ntfy accepts as a topic name.
var topicPattern = regexp.MustCompile(`^[-_A-Za-z0-9]{1,64}$`)

func (d *Driver) Normalize(c monitor.Channel) (monitor.Channel, error) {
	s := &c.Settings
	s.ServerURL, s.Topic, s.Token = strings.TrimSpace(s.ServerURL), strings.TrimSpace(s.Topic), strings.TrimSpace(s.Token)
	if s.ServerURL == "" {
		s.ServerURL = DefaultServer
	}
	u, err := channel.ParseURL("server_url", s.ServerURL)
	if err != nil {
		return c, err
	}
	if u.RawQuery != "" || u.ForceQuery {
		return c, channel.Invalid("server_url", "must not have a query string (the part after ?)")
	}
	if err := d.Policy.CheckURL(u.String()); err != nil {
		return c, channel.Invalid("server_url", "is not allowed: "+err.Error())
	}
	s.ServerURL = channel.Origin(u) + strings.TrimSuffix(u.EscapedPath(), "/")
	switch {
	case s.Topic == "":
		return c, channel.Invalid("topic", "is required")
	case !topicPattern.MatchString(s.Topic):
		return c, channel.Invalid("topic", "must be 1 to 64 letters, digits, _ or -")
	}
	if err := monitor.ValidateLine("token", s.Token); err != nil {
		return c, err
	}
	if len(s.Token) > 512 {
		return c, channel.Invalid("token", "is too long (at most 512 bytes)")
	}
	return c, nil
}

func (d *Driver) Mask(c monitor.Channel) monitor.Channel {
	if c.Settings.Token != "" {
		c.Settings.Token = monitor.Masked
	}
	return c
}

func (d *Driver) Destination(c monitor.Channel) string {
	return c.Settings.ServerURL + "/" + c.Settings.Topic
}

// Pace keeps under ntfy.sh's visitor limit (a burst of 60, then one request per 5 s).
func (d *Driver) Pace() channel.Pace {
	return channel.Pace{Every: 5 * time.Second, Burst: 10, GroupEvery: 5 * time.Second, GroupBurst: 10}
}

// Group is the server: its limits count per visitor, that is per Tocsin.
func (d *Driver) Group(c monitor.Channel) string { return "ntfy " + c.Settings.ServerURL }

func (d *Driver) Send(ctx context.Context, c monitor.Channel, msg channel.Message) channel.Response {
	m, ok := msg.(Message)
	if !ok {
		return channel.Response{Err: errors.New("not an ntfy message"), Verdict: channel.Rejected, Detail: "not an ntfy message"}
	}
	m.Topic = c.Settings.Topic
	body, err := json.Marshal(m)
	if err != nil {
		return channel.Failure("the message cannot be encoded")
	}
	header := http.Header{"Content-Type": {"application/json"}}
	if c.Settings.Token != "" {
		header.Set("Authorization", "Bearer "+c.Settings.Token)
	}
	// JSON is published to the server's root, which takes the topic from the body.
	target := c.Settings.ServerURL + "/"
	answer, resp, ok := d.Poster.Do(ctx, channel.Request{Method: http.MethodPost, URL: target, Body: body, Header: header,
		Secrets: []string{c.Settings.Token}})
	if !ok {
		return resp
	}
	return readAnswer(answer, target, c.Settings.Token)
}
