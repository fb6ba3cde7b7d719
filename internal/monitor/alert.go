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
	// AlertFlapping: the site's status keeps changing; it stands for the downs and recoveries
	// until AlertSettled, which says the status the site settled in (see flap.go).
	AlertFlapping AlertKind = "flapping"
	AlertSettled  AlertKind = "settled"
	// AlertNetworkDown and AlertNetworkUp are about Tocsin itself, not a site: it cannot reach
	// the network, so failed checks are held rather than alerted; and it can again.
	AlertNetworkDown AlertKind = "network_down"
	AlertNetworkUp   AlertKind = "network_up"
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
	// SiteStatus is the site's status, for flapping alerts and the status a site settled in.
	SiteStatus Status `json:"status,omitempty"`
	// Changes counts the status changes within the flapping window, for flapping alerts.
	Changes int `json:"changes,omitempty"`
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

// AlertRoute says where an alert goes, among the webhooks.
type AlertRoute int

const (
	// RouteToSite: to the webhooks the site alerts now (its own, or its owner's default).
	RouteToSite AlertRoute = iota
	// RouteOpensDown: like RouteToSite, and what answers it later follows it there: a down, or
	// a settle in down when no down alert was open.
	RouteOpensDown
	// RouteAfterDown: only where the site's open down alert went, so every webhook that heard
	// of the outage hears of its end once: recoveries, reminders, and a flapping alert that
	// began while a down alert was open.
	RouteAfterDown
	// RouteAfterFlapping: only where the flapping alert went: a settle that answers the down
	// alert open when the flapping began (its recovery, when it settles up).
	RouteAfterFlapping
)

// Follows says whether the alert follows an earlier one rather than going to the site's
// webhooks; such an alert going nowhere is no news, since what it follows went nowhere too.
func (r AlertRoute) Follows() bool { return r == RouteAfterDown || r == RouteAfterFlapping }

// Route says where the alert goes.
func (a Alert) Route() AlertRoute {
	switch a.Kind {
	case AlertDown:
		return RouteOpensDown
	case AlertRecovered, AlertStillDown:
		return RouteAfterDown
	case AlertFlapping:
		if a.DownSince != nil {
			return RouteAfterDown
		}
	case AlertSettled:
		switch {
		case a.DownSince != nil:
			return RouteAfterFlapping
		case a.SiteStatus == StatusDown:
			return RouteOpensDown
		}
	}
	return RouteToSite
}

// LeavesDownOpen says whether, once the alert is sent, a down alert is open where it went: a
// later recovery follows it there.
func (a Alert) LeavesDownOpen() bool {
	switch a.Route() {
	case RouteOpensDown:
		return true
	case RouteAfterFlapping:
		return a.SiteStatus == StatusDown
	}
	return false
}
