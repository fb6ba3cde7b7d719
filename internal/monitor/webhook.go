package monitor

import "time"

// Webhook is a Discord webhook: a channel of type discord. The name stays for the code and
// the API routes (/webhook, /webhooks) that came before other channel types.
type Webhook = Channel

// WebhookState is a channel's state, under the name it had when every channel was a webhook.
type WebhookState = ChannelState

const (
	WebhookActive   = ChannelActive
	WebhookDisabled = ChannelDisabled
)

// NotificationState is where an alert's delivery stands.
type NotificationState string

const (
	NotificationPending   NotificationState = "pending"   // waiting to be sent, or to be sent again
	NotificationDelivered NotificationState = "delivered" // the destination took it
	NotificationFailed    NotificationState = "failed"    // the destination refused the message itself: not resent
	NotificationGivenUp   NotificationState = "given_up"  // retried until the bound, then stopped
)

// Notification is one alert on its way to one channel: a row of the outbox.
type Notification struct {
	ID int64
	// WebhookID is the channel's id (webhooks and channels share one id space).
	WebhookID     int64
	SiteID        int64
	EventID       *int64 // the status change that raised it; nil for reminders and tests
	Alert         Alert
	State         NotificationState
	Attempts      int
	NextAttemptAt time.Time
	LastError     string
	CreatedAt     time.Time
	DeliveredAt   *time.Time
	// WebhookDeletedAt is when its channel was deleted; nil while the channel is in use.
	WebhookDeletedAt *time.Time
	// ChannelType and ChannelName say where it went, set when notifications are listed.
	ChannelType ChannelType
	ChannelName string
}
