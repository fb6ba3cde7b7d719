package monitor

import (
	"reflect"
	"time"
)

// Defaults for a new site; the API fills them in when a field is left out.
const (
	DefaultIntervalSeconds    = 300
	DefaultTimeoutSeconds     = 10
	DefaultExpectedStatusCode = 200
	MaxIntervalSeconds        = 86400
	MaxTimeoutSeconds         = 300
	MaxFailureThreshold       = 100
	MaxResendIntervalMinutes  = 7 * 24 * 60
)

// Site is one monitored target with its settings and the state its checks have built up.
type Site struct {
	ID      int64
	OwnerID int64

	// Settings a user writes.
	Kind                 string // KindHTTP, KindTCP, KindDNS or KindPush
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
	ConsecutiveFailures  int
	ConsecutiveSuccesses int
	NextCheckAt          time.Time
	CreatedAt            time.Time

	// Alerting says where the site's alerts go when that is worth a warning: AlertingNoWebhook
	// when it names no webhook and its owner has no default; "" when they go somewhere. The
	// store sets it on the sites it reads for their owner.
	Alerting string
}

// AlertingNoWebhook is Site.Alerting for a site whose alerts go nowhere.
const AlertingNoWebhook = "no webhook"

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
			return now.Add(after.Interval() + after.Grace()), true
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
	return Result{Status: StatusDown, Error: "no ping within " + (s.Interval() + s.Grace()).String() +
		" (interval " + s.Interval().String() + " + grace " + s.Grace().String() + ")"}
}
