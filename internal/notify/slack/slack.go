// Package slack posts Tocsin's alerts to Slack incoming webhooks as Block Kit messages.
package slack

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/notify/channel"
)

// DefaultHosts are the hosts Slack serves incoming webhooks from.
func DefaultHosts() []string { return []string{"hooks.slack.com", "hooks.slack-gov.com"} }

// Driver is the slack channel type. Poster sends with a guarded HTTP client (channel.NewHTTPClient).
type Driver struct {
	Poster channel.Poster
	// Hosts replaces Slack's hosts for webhook URLs (a stand-in in tests); nil means
	// DefaultHosts.
	Hosts []string
}

var _ channel.Driver = (*Driver)(nil)

func (d *Driver) Service() string  { return "Slack" }
func (d *Driver) Fields() []string { return []string{"url"} }

// Normalize checks that the URL is an incoming webhook's: https://hooks.slack.com/services/
// T…/B…/TOKEN. Workflow webhooks (/triggers/…) take other bodies and are refused.
func (d *Driver) Normalize(c monitor.Channel) (monitor.Channel, error) {
	hosts := d.Hosts
	if len(hosts) == 0 {
		hosts = DefaultHosts()
	}
	u, err := channel.ParseServiceURL("url", c.URL, "Slack", hosts)
	if err != nil {
		return c, err
	}
	if u.RawQuery != "" || u.ForceQuery {
		return c, channel.Invalid("url", "must not have a query string (the part after ?)")
	}
	if _, _, ok := splitPath(u.EscapedPath()); !ok {
		return c, channel.Invalid("url", "must be a Slack incoming webhook URL (https://hooks.slack.com/services/T…/B…/…)")
	}
	c.URL = channel.Origin(u) + strings.TrimSuffix(u.EscapedPath(), "/")
	return c, nil
}

// splitPath reads /services/{team}/{bot}/{token}: what comes before the token is no secret.
func splitPath(p string) (public, token string, ok bool) {
	parts := strings.Split(strings.Trim(p, "/"), "/")
	if len(parts) != 4 || parts[0] != "services" {
		return "", "", false
	}
	for _, part := range parts[1:] {
		if part == "" || len(part) > 100 || strings.Trim(part, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") != "" {
			return "", "", false
		}
	}
	return "/" + strings.Join(parts[:3], "/"), parts[3], true
}

// tokenOf is the secret last part of a webhook URL; "" when it is not one.
func tokenOf(raw string) string {
	i := strings.Index(raw, "/services/")
	if i < 0 {
		return ""
	}
	_, token, _ := splitPath(raw[i:])
	return token
}

// Mask hides the webhook's token: https://hooks.slack.com/services/T…/B…/****.
func (d *Driver) Mask(c monitor.Channel) monitor.Channel {
	c.URL = maskURL(c.URL)
	return c
}

func maskURL(raw string) string {
	i := strings.Index(raw, "/services/")
	if i < 0 {
		return monitor.Masked
	}
	public, _, ok := splitPath(raw[i:])
	if !ok {
		return monitor.Masked
	}
	return raw[:i] + public + "/" + monitor.Masked
}

func (d *Driver) Destination(c monitor.Channel) string { return maskURL(c.URL) }

// Pace keeps to Slack's one message a second per incoming webhook, with short bursts.
func (d *Driver) Pace() channel.Pace {
	return channel.Pace{Every: time.Second, Burst: 3, GroupEvery: time.Second, GroupBurst: 3}
}

func (d *Driver) Group(monitor.Channel) string { return "" }

func (d *Driver) Send(ctx context.Context, c monitor.Channel, msg channel.Message) channel.Response {
	m, ok := msg.(Message)
	if !ok {
		return channel.Response{Err: errors.New("not a Slack message"), Verdict: channel.Rejected, Detail: "not a Slack message"}
	}
	body, err := m.encode()
	if err != nil {
		return channel.Failure("the message cannot be encoded")
	}
	token := tokenOf(c.URL)
	answer, resp, ok := d.Poster.Do(ctx, channel.Request{Method: http.MethodPost, URL: c.URL, Body: body,
		Header: http.Header{"Content-Type": {"application/json"}}, Secrets: []string{token}})
	if !ok {
		return resp
	}
	return readAnswer(answer, c.URL, token)
}
