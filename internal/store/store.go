// Package store is Tocsin's persistence: one interface, implemented once over SQL in
// store/sqlstore and opened on PostgreSQL (store/postgres) or SQLite (store/sqlite), both held
// to the suite in store/storetest. Here too: the rules every implementation follows when it
// writes (plan.go) and the JSON documents it keeps (documents.go). Implementations never read
// the clock; callers pass the time in.
package store

import (
	"context"
	"errors"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
)

// ErrNotFound means the row does not exist or belongs to another owner; callers cannot tell
// which, on purpose.
var ErrNotFound = errors.New("not found")

// ErrChannelExists refuses a Discord webhook URL the owner already has as another channel.
var ErrChannelExists = errors.New("the owner already has a channel with this webhook URL")

// Errors of accounts.
var (
	ErrUsernameTaken = errors.New("username taken")
	ErrSignupClosed  = errors.New("sign-up is closed")
	ErrLastAdmin     = errors.New("the last admin cannot be deleted")
)

// DefaultRule says what a channel being default does to the owner's other default channels.
type DefaultRule int

const (
	// KeepOtherDefaults: an owner may have several default channels (/channels).
	KeepOtherDefaults DefaultRule = iota
	// ReplaceDefaultOfItsType: the owner's other default channels of the channel's type stop
	// being default, as /webhook and /webhooks keep one default Discord webhook.
	ReplaceDefaultOfItsType
)

// Store is everything Tocsin keeps.
type Store interface {
	CreateSite(ctx context.Context, site monitor.Site) (monitor.Site, error)
	// CreateSites adds the sites in one transaction, all or none, each linked to the live
	// webhooks of its owner among its WebhookIDs, and returns them as stored, in their order.
	CreateSites(ctx context.Context, sites []monitor.Site) ([]monitor.Site, error)
	Site(ctx context.Context, owner, id int64) (monitor.Site, error)
	ListSites(ctx context.Context, owner int64, filter SiteFilter) ([]monitor.Site, error)
	// UpdateSite writes the user's settings of the site; it moves NextCheckAt only when
	// reschedule is set, so that an edit never undoes a claim made meanwhile.
	UpdateSite(ctx context.Context, site monitor.Site, reschedule bool) (monitor.Site, error)
	DeleteSite(ctx context.Context, owner, id int64) error
	// SiteByPushToken finds a push site by the secret in its ping URL, whoever owns it.
	SiteByPushToken(ctx context.Context, token string) (monitor.Site, error)

	// ClaimDueSites hands out sites whose check is due, each to one caller only: their
	// next_check_at moves to the next slot of their schedule and they are leased until the
	// check's timeout plus the claim's margin has passed or their result is recorded.
	ClaimDueSites(ctx context.Context, claim Claim) ([]monitor.Site, error)
	// ResumeSchedule spreads the checks that fell due while nothing was checking (Tocsin was
	// stopped) over the next window, so a restart neither bursts nor skips. It returns how
	// many sites it moved.
	ResumeSchedule(ctx context.Context, r Resume) (int64, error)
	// RecordChecks stores results and applies them to their sites' status in one transaction,
	// with an event for each status change and, for each alert it raises, a pending
	// notification to every webhook the site alerts (its own, or its owner's default). A
	// recovery or a still-down reminder goes only to the webhooks its down alert went to.
	// Results for sites deleted meanwhile are dropped.
	RecordChecks(ctx context.Context, results []CheckResult) ([]Recorded, error)

	History(ctx context.Context, owner, siteID int64, q HistoryQuery) ([]monitor.Check, error)
	Events(ctx context.Context, owner, siteID int64, q HistoryQuery) ([]monitor.Event, error)

	// Channels are where alerts go: Discord webhooks, Slack webhooks, Telegram chats, ntfy
	// topics, email addresses, signed webhooks. They share one id space, so a site's
	// WebhookIDs and a notification's WebhookID name a channel of any type.
	//
	// CreateChannel adds one; a Discord webhook whose URL the owner already has is updated
	// instead (as SaveWebhook does). An owner may have several default channels: a site that
	// names none alerts every one of them.
	CreateChannel(ctx context.Context, c monitor.Channel) (monitor.Channel, error)
	// UpdateChannel writes the channel's name, URL, settings and default flag, and makes it
	// active again, so that its held notifications go out. The rule says what its being
	// default does to the owner's other default channels. ErrChannelExists when it would take
	// the URL of another of the owner's Discord webhooks. PATCH /channels/{id} and
	// PATCH /webhooks/{id} both write through it.
	UpdateChannel(ctx context.Context, c monitor.Channel, rule DefaultRule) (monitor.Channel, error)
	Channel(ctx context.Context, owner, id int64) (monitor.Channel, error)
	ListChannels(ctx context.Context, owner int64) ([]monitor.Channel, error)
	// DeleteChannel removes the channel from use at the time given: it is no longer found,
	// listed, linked to sites or sent to, and its pending notifications are dropped. The
	// notifications it was sent, or failed to be sent, stay listed, marked as sent to a deleted
	// channel; its row stays for them, with its secrets erased (ChannelSettings.WithoutSecrets,
	// and the token or the path of its URL).
	DeleteChannel(ctx context.Context, owner, id int64, at time.Time) error

	// The webhook methods are the channels of type discord, as /webhook and /webhooks show
	// them: none of them finds a channel of another type.
	//
	// SaveWebhook adds the webhook, or updates the owner's webhook with the same URL; either way
	// it is active again afterwards, so its held notifications go out. A default webhook
	// replaces the owner's previous default Discord webhook (which stays, no longer default).
	SaveWebhook(ctx context.Context, w monitor.Webhook) (monitor.Webhook, error)
	Webhook(ctx context.Context, owner, id int64) (monitor.Webhook, error)
	// DefaultWebhook is the owner's default Discord webhook (the oldest, if several).
	DefaultWebhook(ctx context.Context, owner int64) (monitor.Webhook, error)
	ListWebhooks(ctx context.Context, owner int64) ([]monitor.Webhook, error)
	// DeleteWebhook deletes a Discord webhook as DeleteChannel does.
	DeleteWebhook(ctx context.Context, owner, id int64, at time.Time) error

	// ClaimAlertWebhooks leases active channels (of every type) whose oldest pending
	// notification is due, each to one dispatcher at a time, so every notification is sent by
	// one process and each destination's rate limits hold across processes.
	ClaimAlertWebhooks(ctx context.Context, claim Claim) ([]monitor.Webhook, error)
	// PendingNotifications lists a webhook's pending notifications, oldest first. A webhook's
	// alerts go out in order: it is due when its oldest pending notification is, and then all
	// of them are sent, so a recovery never overtakes the down alert it answers.
	PendingNotifications(ctx context.Context, webhookID int64, limit int) ([]monitor.Notification, error)
	// RecordDelivery writes the outcome of one attempt to send notifications to a webhook.
	RecordDelivery(ctx context.Context, d Delivery) error
	// ReleaseClaims ends every lease worker holds on sites and webhooks. A process calls it at
	// start: leases under its name are left from a run that died, not from work in progress.
	ReleaseClaims(ctx context.Context, worker string) error
	// QueueAccountAlert queues an alert about the owner's account as a whole rather than one
	// site (Tocsin cannot reach the network, and then can again): to those of the given
	// channels of the owner still in use, or, when webhooks is nil, to every default channel
	// of the owner, of every type. Its notifications have no site. It returns the channels it
	// was queued to, in id order.
	QueueAccountAlert(ctx context.Context, owner int64, webhooks []int64, a monitor.Alert) ([]int64, error)
	// ReleaseWebhook ends a dispatcher's lease on a webhook.
	ReleaseWebhook(ctx context.Context, webhookID int64, worker string) error
	// ListNotifications lists the owner's notifications, newest first, those of deleted
	// channels included, each with its channel's type and name.
	ListNotifications(ctx context.Context, owner int64, q NotificationQuery) ([]monitor.Notification, error)

	// CreateUser adds an account. The very first account becomes admin and takes over what
	// was made before accounts existed (owner 0); with onlyFirst, any later account is refused
	// with ErrSignupClosed. Both hold under concurrent sign-ups.
	CreateUser(ctx context.Context, u monitor.User, onlyFirst bool) (monitor.User, error)
	User(ctx context.Context, id int64) (monitor.User, error)
	UserByName(ctx context.Context, username string) (monitor.User, error)
	ListUsers(ctx context.Context) ([]monitor.User, error)
	// FirstAdmin is the oldest admin: whom a single-user (auth off) Tocsin acts as.
	FirstAdmin(ctx context.Context) (monitor.User, error)
	// DeleteUser removes the account and everything it owns; never the last admin.
	DeleteUser(ctx context.Context, id int64) error

	CreateAPIKey(ctx context.Context, k monitor.APIKey) (monitor.APIKey, error)
	ListAPIKeys(ctx context.Context, userID int64) ([]monitor.APIKey, error)
	DeleteAPIKey(ctx context.Context, userID, id int64) error
	// APIKeyByHash finds a key and its user; it also notes the key's use at, at most once a
	// minute, so every request does not cost a write.
	APIKeyByHash(ctx context.Context, hash string, at time.Time) (monitor.APIKey, monitor.User, error)

	// SharedSecret returns the secret stored under name, storing candidate first if there is
	// none, so that every process (and every restart) agrees on one value.
	SharedSecret(ctx context.Context, name string, candidate []byte, at time.Time) ([]byte, error)

	// MetricsSnapshot reads what the metrics show of every owner's sites and alerts at now.
	MetricsSnapshot(ctx context.Context, now time.Time) (MetricsSnapshot, error)

	Ping(ctx context.Context) error
	Close() error
}

// SiteFilter narrows ListSites; zero fields do not filter.
type SiteFilter struct {
	Status monitor.Status
}

// Claim asks for up to Limit due sites on behalf of Worker.
type Claim struct {
	Worker string
	// Now: sites due by then are claimed, and their next check moves past it. A scheduler
	// that starts each check on its own timer passes a time a little ahead of the clock.
	Now   time.Time
	Limit int
	// LeaseMargin is added to each site's timeout to bound how long a claim lasts if its
	// result never comes back (the process died).
	LeaseMargin time.Duration
}

// Resume says which overdue sites to spread, and over how long.
type Resume struct {
	Now time.Time
	// Grace is how late a site may be and still be left alone, to be claimed at once.
	Grace time.Duration
	// Window bounds the wait of a resumed site; a site with a shorter interval waits at most
	// its interval. Sites keep their phase within the window, so the load after a restart
	// has the shape it had before.
	Window time.Duration
}

// CheckResult is one check to record.
type CheckResult struct {
	SiteID int64
	Result monitor.Result
	// Claimed says the check came from ClaimDueSites, so recording it ends the claim.
	Claimed bool
	// Ping says the result is a push site's heartbeat: its deadline moves to interval + grace
	// from now.
	Ping bool
	// Held says the check ran while Tocsin could not reach the network: it is stored as
	// history (the site's last check moves, and its claim ends) but its site keeps its state,
	// and it raises no event and no alert.
	Held bool
}

// DeliveryOutcome is what became of one attempt to send notifications.
type DeliveryOutcome int

const (
	// Delivered: Discord took the message; the rows are done.
	Delivered DeliveryOutcome = iota + 1
	// Retry: the attempt failed and counts; the rows are tried again at NextAttempt, unless they
	// were created before GiveUpBefore, in which case they are given up.
	Retry
	// Postpone: not attempted (rate limited); tried again at NextAttempt, attempts unchanged.
	Postpone
	// Failed: Discord refused the message itself; it is not sent again.
	Failed
	// Disable: the webhook is gone or its token is wrong. It is disabled with Error as the reason
	// and its rows are held, untouched, until the user sets it again.
	Disable
)

// Delivery is the outcome of one attempt to send the notifications IDs to a webhook.
type Delivery struct {
	WebhookID    int64
	IDs          []int64
	Outcome      DeliveryOutcome
	At           time.Time
	Error        string
	NextAttempt  time.Time
	GiveUpBefore time.Time
}

// NotificationQuery pages through notifications, newest first.
type NotificationQuery struct {
	Limit    int
	BeforeID int64 // exclusive; 0 does not bound
	State    monitor.NotificationState
}

// Recorded is what recording one result did. Its Check has no ID: batches are written without
// reading ids back.
type Recorded struct {
	Check   monitor.Check
	State   monitor.State  // the site's state after this result
	Event   *monitor.Event // set when the status changed
	Latency *monitor.Event // set when the latency watch changed its mind
	// Flapping is set when the site started flapping or settled.
	Flapping *monitor.Event
	Alerts   []QueuedAlert // the alerts the result raised
	// Unrouted lists the alerts that found no webhook to go to: the site has none of its own
	// and its owner no default. Recoveries and reminders follow their down alert, so a down
	// that went nowhere is reported once, not again with its recovery.
	Unrouted []monitor.AlertKind
}

// QueuedAlert is an alert and the event that raised it (nil for certificate alerts).
type QueuedAlert struct {
	Alert monitor.Alert
	Event *monitor.Event
}

// HistoryQuery pages through a site's checks or events, newest first. Zero times do not bound.
type HistoryQuery struct {
	Limit  int
	Before time.Time // exclusive
	From   time.Time // inclusive
	To     time.Time // inclusive
}

// Bounds returns the query's time range with open ends replaced by far-away times, so SQL can
// compare without optional clauses.
func (q HistoryQuery) Bounds() (from, to, before time.Time) {
	from, to, before = q.From, q.To, q.Before
	if from.IsZero() {
		from = time.Unix(0, 0)
	}
	if to.IsZero() {
		to = farFuture()
	}
	if before.IsZero() {
		before = farFuture()
	}
	return from.UTC(), to.UTC(), before.UTC()
}

func farFuture() time.Time { return time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC) }
