package monitor

import "time"

// WebhookState says whether alerts are sent to a webhook.
type WebhookState string

const (
	WebhookActive WebhookState = "active"
	// WebhookDisabled means Discord said the webhook is gone or its token is wrong; its alerts
	// are held until the user sets it again.
	WebhookDisabled WebhookState = "disabled"
)

// Webhook is a Discord webhook that alerts are posted to. URL holds its token: a secret that
// never leaves the store except to be sent to Discord.
type Webhook struct {
	ID             int64
	OwnerID        int64
	URL            string
	Name           string // the webhook's name in Discord
	ChannelID      string
	GuildID        string
	State          WebhookState
	LastError      string
	LastDeliveryAt *time.Time
	Default        bool // alerts sites that name no webhook
	CreatedAt      time.Time
}

// NotificationState is where an alert's delivery stands.
type NotificationState string

const (
	NotificationPending   NotificationState = "pending"   // waiting to be sent, or to be sent again
	NotificationDelivered NotificationState = "delivered" // Discord answered 2xx
	NotificationFailed    NotificationState = "failed"    // Discord refused the message (400): not resent
	NotificationGivenUp   NotificationState = "given_up"  // retried until the bound, then stopped
)

// Notification is one alert on its way to one webhook: a row of the outbox.
type Notification struct {
	ID            int64
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
	// WebhookDeletedAt is when its webhook was deleted; nil while the webhook is in use.
	WebhookDeletedAt *time.Time
}
