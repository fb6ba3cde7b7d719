package discord

import (
	"context"
	"errors"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/notify/channel"
)

// WebhookAPI is what the driver needs of Discord; Client is it.
type WebhookAPI interface {
	Verify(ctx context.Context, webhookURL string) (WebhookInfo, Response)
	Execute(ctx context.Context, webhookURL string, msg Message) Response
}

// Driver is the discord channel type: a Discord webhook, posted embeds.
type Driver struct {
	Client WebhookAPI
	// Hosts replaces Discord's hosts for webhook URLs (a stand-in in tests); nil means
	// DefaultHosts.
	Hosts []string
}

var _ channel.Driver = (*Driver)(nil)

func (d *Driver) Service() string  { return "Discord" }
func (d *Driver) Fields() []string { return []string{"url"} }

// Normalize checks the webhook URL and writes it in the one form Tocsin sends to.
func (d *Driver) Normalize(c monitor.Channel) (monitor.Channel, error) {
	hosts := d.Hosts
	if len(hosts) == 0 {
		hosts = DefaultHosts()
	}
	u, err := ParseWebhookURL(c.URL, hosts)
	var fieldErr *monitor.FieldError
	if errors.As(err, &fieldErr) {
		return c, channel.Invalid("url", fieldErr.Message) // /channels calls it url
	}
	if err != nil {
		return c, err
	}
	c.URL = u
	return c, nil
}

func (d *Driver) Mask(c monitor.Channel) monitor.Channel {
	c.URL = Mask(c.URL)
	return c
}

func (d *Driver) Destination(c monitor.Channel) string { return Mask(c.URL) }

func (d *Driver) Pack(ns []monitor.Notification) []channel.Batch {
	packed := Pack(channel.AlertsOf(ns))
	batches := make([]channel.Batch, len(packed))
	for i, b := range packed {
		batches[i] = channel.Batch{Message: b.Message, Alerts: b.Alerts}
	}
	return batches
}

func (d *Driver) Test(c monitor.Channel) channel.Message { return TestMessage(c.Name) }

func (d *Driver) Send(ctx context.Context, c monitor.Channel, msg channel.Message) channel.Response {
	m, ok := msg.(Message)
	if !ok {
		return channel.Response{Err: errors.New("not a Discord message"), Verdict: channel.Rejected, Detail: "not a Discord message"}
	}
	return d.Client.Execute(ctx, c.URL, m)
}

// Pace keeps well under Discord's limits of 5 requests per 2 s per webhook and 30 a minute
// per channel.
func (d *Driver) Pace() channel.Pace {
	return channel.Pace{Every: time.Second, Burst: 2, GroupEvery: 3 * time.Second, GroupBurst: 5}
}

// Group is the webhook's Discord channel, whose limit every webhook posting to it shares.
func (d *Driver) Group(c monitor.Channel) string {
	if c.ChannelID == "" {
		return ""
	}
	return "discord channel " + c.ChannelID
}

// Verify asks Discord about the webhook (a GET: nothing is posted) and returns the channel
// with what Discord told of it: its name (unless the user named it), channel and server.
func (d *Driver) Verify(ctx context.Context, c monitor.Channel) (monitor.Channel, channel.Response) {
	info, resp := d.Client.Verify(ctx, c.URL)
	if resp.Outcome() == channel.Delivered {
		if c.Name == "" {
			c.Name = info.Name
		}
		c.ChannelID, c.GuildID = info.ChannelID, info.GuildID
	}
	return c, resp
}
