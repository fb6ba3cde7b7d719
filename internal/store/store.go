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
	// SitesDigest sums up the owner's sites in one cheap aggregate, without reading them: a
	// page watching for changes (made by any process) polls it and reloads what it shows only
	// when the digest differs.
	SitesDigest(ctx context.Context, owner int64) (SitesDigest, error)
	// SitePage is one page of the owner's sites, worst first (down, pending, up, then paused;
	// by name within each), narrowed as the query says, and how many sites match in all. It
	// reads only the page's rows, however many sites there are.
	SitePage(ctx context.Context, owner int64, q SitePageQuery) ([]monitor.Site, int, error)
	// SiteByPushToken finds a push site by the secret in its ping URL, whoever owns it.
	SiteByPushToken(ctx context.Context, token string) (monitor.Site, error)

	// ClaimDueSites hands out sites whose check is due, each to one caller only: their
	// next_check_at moves to the next slot of their schedule and they are leased to the
	// claim's worker until the check's timeout plus the claim's margin has passed. The worker
	// that holds a lease may claim the site again at its next slot, so recording a check does
	// not end the lease (that was a write per check); a result that brings the next check
	// forward (a retry, a ping's deadline) does, so that any worker may take it.
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

	// SetPassword replaces a user's password hash and ends all of the user's sessions.
	SetPassword(ctx context.Context, userID int64, passwordHash string) error

	// CreateSession records a sign-in; it also forgets the user's expired sessions.
	CreateSession(ctx context.Context, s Session) error
	// SessionByHash finds a session that has not expired at now, and its user; an expired or
	// unknown one is ErrNotFound.
	SessionByHash(ctx context.Context, hash string, now time.Time) (Session, monitor.User, error)
	// DeleteSession ends one session (signing out); ending one that is gone is not an error.
	DeleteSession(ctx context.Context, hash string) error

	// SharedSecret returns the secret stored under name, storing candidate first if there is
	// none, so that every process (and every restart) agrees on one value.
	SharedSecret(ctx context.Context, name string, candidate []byte, at time.Time) ([]byte, error)

	// RecordMonitoring records a monitoring event (monitor.EventMonitoring: a site paused or
	// resumed, a maintenance window opening or closing) of one of owner's sites, and moves its
	// uptime ledger: the time until ev.At counts as before, the time after as ev.To says.
	RecordMonitoring(ctx context.Context, owner int64, ev monitor.Event) error
	// Incidents lists a site's incidents, newest first, paged by their start like History.
	Incidents(ctx context.Context, owner, siteID int64, q HistoryQuery) ([]monitor.Incident, error)
	// SiteUptime computes a site's exact figures over each window from its events.
	SiteUptime(ctx context.Context, owner, siteID int64, windows []monitor.Period) ([]monitor.UptimeFigures, error)
	// FleetUptime is the figures of every site of owner over [from, now), from the uptime
	// ledgers and the hourly (or, past their retention, daily) rollups: from is moved back to
	// the start of its UTC hour (day), which Since says. Sites come in id order.
	FleetUptime(ctx context.Context, owner int64, from, now time.Time) ([]SiteFigures, error)
	// Overview is what a dashboard shows of a page of sites: each one's uptime over the last
	// 24 hours and 30 days and its hourly points of the last 24 hours. Sites of other owners
	// are left out.
	Overview(ctx context.Context, owner int64, siteIDs []int64, now time.Time) (map[int64]SiteOverview, error)
	// Stats is a site's rollups over [from, to) by UTC hour or day, oldest first; periods
	// without checks are left out.
	Stats(ctx context.Context, owner, siteID int64, q StatsQuery) ([]StatsPoint, error)

	// Prune deletes at most limit rows of table older than before, and answers how many.
	Prune(ctx context.Context, table PrunedTable, before time.Time, limit int) (int64, error)
	// Reclaim gives space freed by pruning back to the file system, where the database needs
	// asking (SQLite); elsewhere it does nothing.
	Reclaim(ctx context.Context) error
	// MergeDay writes the daily rollups of day (days since the epoch) from its hours, for the
	// sites after afterSite, at most about limit hourly rows at a time; it answers the last
	// site merged, and done when no site is left.
	MergeDay(ctx context.Context, day int64, afterSite int64, limit int) (last int64, done bool, err error)
	// RollupDays are the first day with hourly rollups and the last day with daily ones (ok
	// false when there are none), for the background merge to know where to start.
	RollupDays(ctx context.Context) (firstHourly int64, lastDaily int64, ok bool, err error)
	// BackfillRollups adds the checks recorded before a site had rollups (older databases) to
	// its hourly rollups, at most limit checks at a time, from the site after afterSite on;
	// it answers where to go on from, and done when every site is through.
	BackfillRollups(ctx context.Context, cursor BackfillCursor, limit int) (BackfillCursor, bool, error)
	StatusPages
	// Maintenance windows. CreateMaintenance and UpdateMaintenance refuse site ids that are not
	// the owner's with a *monitor.FieldError on site_ids; UpdateMaintenance writes every field.
	CreateMaintenance(ctx context.Context, m monitor.Maintenance) (monitor.Maintenance, error)
	UpdateMaintenance(ctx context.Context, m monitor.Maintenance) (monitor.Maintenance, error)
	Maintenance(ctx context.Context, owner, id int64) (monitor.Maintenance, error)
	ListMaintenance(ctx context.Context, owner int64) ([]monitor.Maintenance, error)
	DeleteMaintenance(ctx context.Context, owner, id int64) error
	// SyncMaintenance writes the maintenance events (monitor.MaintenanceEvent) of every site
	// whose window opened or closed by now, once each, dated when it did, and the down alerts
	// owed by sites still down when their window closed.
	SyncMaintenance(ctx context.Context, now time.Time) (MaintenanceSweep, error)

	// MetricsSnapshot reads what the metrics show of every owner's sites and alerts at now.
	MetricsSnapshot(ctx context.Context, now time.Time) (MetricsSnapshot, error)

	Ping(ctx context.Context) error
	Close() error
}

// SitesDigest is what SitesDigest reads: the owner's sites counted by state, and marks that
// change when a site is added, deleted, or changes status.
type SitesDigest struct {
	Sites, Up, Down, Pending, Paused int
	// IDSum is the sum of the sites' ids: a site deleted and another added between two polls
	// still change it.
	IDSum int64
	// LastChange is the latest status change or creation among the sites; nil when none.
	LastChange *time.Time
}

// SitePageQuery asks SitePage for a page of sites; zero fields do not filter.
type SitePageQuery struct {
	// Search is text the name or the URL contains, in any case (ASCII case only on SQLite).
	Search string
	// State is down, pending or up (of sites not paused), or paused.
	State  string
	Limit  int
	Offset int
	// Counted says the caller knows how many sites match (from SitesDigest, when there is no
	// search): SitePage then does not count them and answers -1.
	Counted bool
}

// MaintenanceSweep is what one SyncMaintenance wrote.
type MaintenanceSweep struct {
	Opened, Closed int // sites whose window opened, closed
	Alerts         int // owed down alerts queued
}

// SiteFilter narrows ListSites; zero fields do not filter.
type SiteFilter struct {
	Status monitor.Status
}

// Claim asks for up to Limit due sites on behalf of Worker.
type Claim struct {
	Worker string
	// Now is the clock: a site's next check moves to the first slot of its schedule after it
	// (the slots it missed are skipped, never checked in a burst).
	Now time.Time
	// Due: sites due by then are claimed; zero means Now. A scheduler that starts each check
	// at its due time passes a time a little ahead of the clock; a site due within that
	// look-ahead gives up only the slot it is claimed for, whatever its interval.
	Due   time.Time
	Limit int
	// LeaseMargin is added to each site's timeout to bound how long a claim lasts if its
	// result never comes back (the process died).
	LeaseMargin time.Duration
	// Held, when set, gives the site the caller holds at the given version of its settings:
	// the claim reads only the sites it does not give, so that a site whose settings did not
	// change is not read again at each of its checks. The state of a site it gives is the
	// caller's, not the store's.
	Held func(id, version int64) (monitor.Site, bool)
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
	// Claimed says the check came from ClaimDueSites: if the result brings the site's next
	// check forward, recording it ends the claim.
	Claimed bool
	// Ping says the result is a push site's heartbeat: its deadline moves to interval + grace
	// from now.
	Ping bool
	// Held says the check ran while Tocsin could not reach the network: it is stored as
	// history (the site's last check moves, and its claim ends) but its site keeps its state,
	// and it raises no event and no alert.
	Held bool
	// Late says the result waited in memory while the database was away. If the site was
	// checked since (by another process), it is stored as history only: see Overtaken.
	Late bool
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
	// Monitoring holds the events of a gap in monitoring this result found or ended (PlanLedger).
	Monitoring []*monitor.Event
	Alerts     []QueuedAlert // the alerts the result raised
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

// SiteFigures are one site's uptime figures over a window.
type SiteFigures struct {
	SiteID int64
	Name   string
	Since  time.Time // where the window really began: from, moved back to its hour or day
	monitor.UptimeFigures
}

// SiteOverview is what a dashboard shows of one site.
type SiteOverview struct {
	Day, Month monitor.UptimeFigures // the last 24 hours, the last 30 days
	Hours      []StatsPoint          // the last 24 hours' points, oldest first
}

// StatsStep is the length of a stats point.
type StatsStep string

const (
	StepHour StatsStep = "hour"
	StepDay  StatsStep = "day"
)

// StatsQuery asks for a site's rollups over [From, To) by Step.
type StatsQuery struct {
	From, To time.Time
	Step     StatsStep
}

// StatsPoint is a site's rollup over one UTC hour or day.
type StatsPoint struct {
	At               time.Time // the start of the hour or day
	Checks, Failures int64
	Hist             monitor.Histogram // response times of the checks that passed
	// Up and Down are the time counted up and down in the period (to the minute of the
	// checks that fell in it).
	Up, Down time.Duration
}

// PrunedTable names what the pruner deletes from.
type PrunedTable string

const (
	PruneChecks PrunedTable = "checks"
	PruneHours  PrunedTable = "rollup_hours"
	PruneDays   PrunedTable = "rollup_days"
)

// BackfillCursor is where the rollup backfill goes on from: the site, and the checks of it
// older than Before (zero: not begun on that site).
type BackfillCursor struct {
	SiteID int64
	Before time.Time
}
