package monitor

import (
	"crypto/rand"
	"encoding/base64"
	"net/url"
	"reflect"
	"time"
)

// Defaults for a new site: NewSite gives them to every field the user leaves out.
const (
	DefaultIntervalSeconds    = 300
	DefaultTimeoutSeconds     = 10 // or the interval, if that is shorter
	DefaultExpectedStatusCode = 200
	DefaultFailureThreshold   = 1
	DefaultGraceSeconds       = 60 // push sites
	DefaultPushName           = "heartbeat"
)

// Bounds of a site's settings.
const (
	MaxIntervalSeconds       = 86400
	MaxTimeoutSeconds        = 300
	MaxFailureThreshold      = 100
	MaxResendIntervalMinutes = 7 * 24 * 60
)

// Site is one monitored target with its settings and the state its checks have built up.
type Site struct {
	ID      int64
	OwnerID int64

	// Settings a user writes.
	Kind                 Kind // KindHTTP, KindTCP, KindDNS or KindPush
	Name                 string
	URL                  string
	CheckIntervalSeconds int
	TimeoutSeconds       int
	ExpectedStatusCode   int
	Paused               bool
	// FailureThreshold is how many consecutive failures make the site down (default 1).
	FailureThreshold int
	// ResendIntervalMinutes, when above 0, repeats a "still down" alert that often.
	ResendIntervalMinutes int
	// WebhookIDs are the webhooks the site alerts; none means the owner's default webhook.
	WebhookIDs []int64
	HTTP       HTTPOptions
	DNS        DNSOptions
	// RetryIntervalSeconds, when above 0, is the interval while a failure is being confirmed
	// (failures below FailureThreshold), so a blip is settled quickly.
	RetryIntervalSeconds int
	// GraceSeconds is how late a push site's ping may be before it is down.
	GraceSeconds int
	PushToken    string // push sites: the secret in their ping URL

	// State the checks write.
	Status           Status
	StatusCode       int // of the last check; 0 when it got no response
	ResponseTimeMS   *int64
	LastError        string
	LastChecked      *time.Time
	LastStatusChange *time.Time
	LastAlertAt      *time.Time
	LastPingAt       *time.Time // push sites
	CertExpiresAt    *time.Time
	// CertAlertedDays is the smallest threshold (14, 7, 1) already alerted for the current
	// certificate; 0 when none.
	CertAlertedDays      int
	Latency              LatencyState
	Flap                 Flap // the flapping watch; Flap.Flapping is the API's flapping
	ConsecutiveFailures  int
	ConsecutiveSuccesses int
	NextCheckAt          time.Time
	CreatedAt            time.Time
	// Version is the version of the site's settings, which every edit moves on; a claim sets
	// it, so that a scheduler can tell whether the site it holds is still the one to check.
	Version int64

	// InMaintenance says a maintenance window covers the site at the time in question: now, as
	// the API shows it, or a check's time when the check is recorded (see maintenance_alerts.go).
	InMaintenance bool
	// MaintenanceHeld says the site went down during maintenance and no down alert was sent:
	// one is owed if it is still down when the window closes.
	MaintenanceHeld bool

	// Alerting says where the site's alerts go when that is worth a warning: AlertingNoWebhook
	// when it names no webhook and its owner has no default; "" when they go somewhere. The
	// store sets it on the sites it reads for their owner.
	Alerting string
}

// AlertingNoWebhook is Site.Alerting for a site whose alerts go nowhere.
const AlertingNoWebhook = "no webhook"

// StoredTime is t as the stores keep it: in UTC, to the microsecond (PostgreSQL's precision),
// so that a time read back is equal to the one written.
func StoredTime(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// NewSite is a site of owner's, made at now from the settings the user gave: every field the
// patch leaves out takes its default. An http site is checked every DefaultIntervalSeconds,
// with a timeout of DefaultTimeoutSeconds or the interval if that is shorter, expects
// DefaultExpectedStatusCode and is down after DefaultFailureThreshold failure; it is named
// after its URL's host. A push site is named DefaultPushName, gets DefaultGraceSeconds of
// grace and the secret token of its ping URL. The site is validated against l, and first
// scheduled at FirstCheckAt(now).
func NewSite(ownerID int64, now time.Time, p SitePatch, l Limits) (Site, error) {
	now = StoredTime(now)
	s := Site{OwnerID: ownerID, Kind: KindHTTP, CheckIntervalSeconds: DefaultIntervalSeconds,
		ExpectedStatusCode: DefaultExpectedStatusCode, FailureThreshold: DefaultFailureThreshold,
		Status: StatusPending, CreatedAt: now}
	if err := p.write(&s); err != nil {
		return Site{}, err
	}
	if p.TimeoutSeconds == nil {
		s.TimeoutSeconds = min(DefaultTimeoutSeconds, s.CheckIntervalSeconds)
	}
	if p.Name == nil {
		s.Name = s.defaultName()
	}
	if s.Kind == KindPush {
		s.becomePush(p)
	}
	if err := p.blame(s.Validate(l)); err != nil {
		return Site{}, err
	}
	s.NextCheckAt = s.FirstCheckAt(now)
	return s, nil
}

func (s Site) defaultName() string {
	if s.Kind == KindPush {
		return DefaultPushName
	}
	u, err := url.Parse(s.URL)
	if err != nil || u.Host == "" {
		return s.URL
	}
	return u.Host
}

// becomePush gives a site that is now a push site the secret of its ping URL, and the
// default grace unless the patch sets one.
func (s *Site) becomePush(p SitePatch) {
	if p.GraceSeconds == nil {
		s.GraceSeconds = DefaultGraceSeconds
	}
	b := make([]byte, 18)
	rand.Read(b) // never fails: it crashes the program first
	s.PushToken = base64.RawURLEncoding.EncodeToString(b)
}

// FirstCheckAt is when the schedule first checks a site made at now. A new site is checked
// once as it is made, so the schedule takes over an interval later; a push site is first due
// when its first ping is late.
func (s Site) FirstCheckAt(now time.Time) time.Time {
	if s.Kind == KindPush {
		return s.PingDeadline(now)
	}
	return now.Add(s.Interval())
}

// PingDeadline is when a push site that pinged (or was set up) at is down unless it pings
// again: a whole interval and its grace later.
func (s Site) PingDeadline(at time.Time) time.Time { return at.Add(s.pingAllowance()) }

func (s Site) pingAllowance() time.Duration { return s.Interval() + s.Grace() }

// Interval is the time between two scheduled checks.
func (s Site) Interval() time.Duration { return time.Duration(s.CheckIntervalSeconds) * time.Second }

// Timeout bounds one check of the site, from dial to the last byte read.
func (s Site) Timeout() time.Duration { return time.Duration(s.TimeoutSeconds) * time.Second }

// Target is what a probe needs to know to check the site.
func (s Site) Target() Target {
	return Target{Kind: s.Kind, URL: s.URL, Timeout: s.Timeout(), ExpectedStatusCode: s.ExpectedStatusCode, HTTP: s.HTTP, DNS: s.DNS}
}

// State is the part of a site that the status rules read and write.
func (s Site) State() State {
	return State{
		Status:               s.Status,
		ConsecutiveFailures:  s.ConsecutiveFailures,
		ConsecutiveSuccesses: s.ConsecutiveSuccesses,
		LastStatusChange:     s.LastStatusChange,
		LastAlertAt:          s.LastAlertAt,
		FailureThreshold:     s.FailureThreshold,
		ResendInterval:       time.Duration(s.ResendIntervalMinutes) * time.Minute,
		Flap:                 s.Flap,
	}
}

// NextCheckAfterEdit says when a site should next be checked after its settings changed from
// before to after, and whether that differs from the current schedule. A resumed site, or one
// whose target changed, is checked right away; a new interval counts from the last check.
func NextCheckAfterEdit(before, after Site, now time.Time) (time.Time, bool) {
	switch {
	case after.Paused:
		return before.NextCheckAt, false
	case after.Kind == KindPush:
		// A heartbeat's deadline: a full interval and grace from now for a changed one.
		if before.Paused || before.Kind != KindPush || before.CheckIntervalSeconds != after.CheckIntervalSeconds ||
			before.GraceSeconds != after.GraceSeconds {
			return after.PingDeadline(now), true
		}
		return before.NextCheckAt, false
	case before.Paused, !reflect.DeepEqual(before.Target(), after.Target()):
		return now, true
	case before.CheckIntervalSeconds == after.CheckIntervalSeconds:
		return before.NextCheckAt, false
	}
	from := now
	if before.LastChecked != nil {
		from = *before.LastChecked
	}
	next := from.Add(after.Interval())
	if next.Before(now) {
		next = now
	}
	return next, true
}

// Grace is how late a push site's ping may be.
func (s Site) Grace() time.Duration { return time.Duration(s.GraceSeconds) * time.Second }

// MissedPing is the result recorded when a push site's deadline passes without a ping.
func (s Site) MissedPing() Result {
	return Result{Status: StatusDown, Error: "no ping within " + s.pingAllowance().String() +
		" (interval " + s.Interval().String() + " + grace " + s.Grace().String() + ")"}
}
