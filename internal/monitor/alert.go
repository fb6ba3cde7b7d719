package monitor

import "time"

// AlertKind says what an alert tells.
type AlertKind string

const (
	AlertDown      AlertKind = "down"
	AlertRecovered AlertKind = "recovered"
	AlertStillDown AlertKind = "still_down"
	// AlertCertExpiring: the certificate expires within 14, 7 or 1 days (one alert each).
	AlertCertExpiring AlertKind = "cert_expiring"
	// AlertLatencyDegraded and AlertLatencyNormal bracket a sustained slowdown.
	AlertLatencyDegraded AlertKind = "latency_degraded"
	AlertLatencyNormal   AlertKind = "latency_normal"
)

// Alert is everything a message about a site needs, frozen when the alert was raised, so a
// message sent hours later (after an outage of Discord) still tells what happened then.
type Alert struct {
	Kind           AlertKind  `json:"kind"`
	SiteID         int64      `json:"site_id"`
	SiteName       string     `json:"site_name"`
	URL            string     `json:"url"`
	At             time.Time  `json:"at"` // when the check that raised it ran
	StatusCode     int        `json:"status_code,omitempty"`
	Error          string     `json:"error,omitempty"`
	ResponseTimeMS int64      `json:"response_time_ms"`
	DownSince      *time.Time `json:"down_since,omitempty"` // when the site went down
	// CertExpiresAt and CertDaysLeft describe the certificate, for cert_expiring alerts.
	CertExpiresAt *time.Time `json:"cert_expires_at,omitempty"`
	CertDaysLeft  int        `json:"cert_days_left,omitempty"`
	// BaselineMS is the usual response time, for latency alerts.
	BaselineMS int64 `json:"baseline_ms,omitempty"`
}

// Downtime is how long the site was down, for recoveries and reminders.
func (a Alert) Downtime() time.Duration {
	if a.DownSince == nil {
		return 0
	}
	return a.At.Sub(*a.DownSince)
}

// NewAlert describes what a check result raised on a site.
func NewAlert(kind AlertKind, site Site, r Result, prev State) Alert {
	a := Alert{Kind: kind, SiteID: site.ID, SiteName: site.Name, URL: site.URL, At: r.CheckedAt,
		StatusCode: r.StatusCode, Error: r.Error, ResponseTimeMS: r.ResponseTimeMS()}
	switch kind {
	case AlertDown:
		at := r.CheckedAt
		a.DownSince = &at
	case AlertRecovered, AlertStillDown:
		a.DownSince = prev.LastStatusChange
	}
	return a
}
