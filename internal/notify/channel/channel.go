// Package channel is what every channel type shares: the Driver interface the dispatcher and
// the API use, the outcome of a send, the description of each kind of alert that every type
// writes its messages from, the guarded HTTP client, the redaction of secrets from errors,
// the cutting of texts to limits, and the packing of a storm's alerts into few messages.
// Each type is one package beside this one (discord, slack, telegram, ntfy, email, webhook).
package channel

import (
	"context"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
)

// Driver is one channel type: how its settings are checked and shown, and how alerts are
// written for it and sent. The dispatcher and the API know channels only through it; the
// outbox, leases, ordering, pacing, backoff, giving up and disabling are theirs, shared.
type Driver interface {
	// Service names the destination in messages and logs: "Discord", "Slack".
	Service() string
	// Fields are the settings the type takes, as the API names them ("url", "bot_token").
	Fields() []string
	// Normalize checks a channel's URL and settings and returns them as they are stored.
	// Errors are *monitor.FieldError naming the field; they never quote a secret. It may fill
	// in a setting left out, such as the signing secret of a webhook channel.
	Normalize(c monitor.Channel) (monitor.Channel, error)
	// Mask is the channel with every secret replaced by monitor.Masked, fit to be shown.
	Mask(c monitor.Channel) monitor.Channel
	// Destination says where the channel's messages go, on one line, secrets masked.
	Destination(c monitor.Channel) string
	// Pack turns a channel's due notifications, oldest first, into messages within the
	// type's limits: each notification in exactly one batch, batches in order, every site
	// named. Texts too long are cut, never refused.
	Pack(ns []monitor.Notification) []Batch
	// Test is the message sent when the user tries the channel.
	Test(c monitor.Channel) Message
	// Send sends a message of Pack or Test to the channel and says what came of it.
	Send(ctx context.Context, c monitor.Channel, msg Message) Response
	// Pace is how fast messages may go to one channel, and to one group of channels.
	Pace() Pace
	// Group names what the channel shares a rate limit with (a Discord channel, a Telegram
	// chat), or "" when it shares none.
	Group(c monitor.Channel) string
}

// Message is what a Driver's Pack or Test made; only that Driver's Send reads it.
type Message = any

// Batch is one message and the notifications it carries, as indexes into Pack's input, so
// the dispatcher can mark exactly those delivered when the destination takes it.
type Batch struct {
	Message Message
	Alerts  []int
}

// Pace keeps the requests of one process under a destination's limits: a token bucket per
// channel (Every, Burst), and one per group of channels that share a limit.
type Pace struct {
	Every      time.Duration
	Burst      int
	GroupEvery time.Duration
	GroupBurst int
}

// Registry finds the driver of a channel type.
type Registry interface {
	Driver(t monitor.ChannelType) (Driver, bool)
}

// Verifier is a Driver that can check a channel with its destination before it is saved,
// without sending a message (Discord answers a GET on a webhook).
type Verifier interface {
	// Verify returns the channel with what the destination told of it, when it answered
	// Delivered.
	Verify(ctx context.Context, c monitor.Channel) (monitor.Channel, Response)
}
