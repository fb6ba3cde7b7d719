package web

import "github.com/tocsin/tocsin/internal/monitor"

// badge is a state as the pages show it: a word, and a tone that gives it a colour and a shape
// (up: a circle, down: a triangle, pending: a ring, paused: two bars), so no state is told by
// colour alone.
type badge struct {
	Tone  string // up, down, pending or paused
	Label string
}

// statusBadge shows a check's or event's status.
func statusBadge(s monitor.Status) badge {
	switch s {
	case monitor.StatusUp:
		return badge{"up", "Up"}
	case monitor.StatusDown:
		return badge{"down", "Down"}
	}
	return badge{"pending", "Pending"}
}

// siteBadge shows a site: paused first, since a paused site's last status is old news.
func siteBadge(s monitor.Site) badge {
	if s.Paused {
		return badge{"paused", "Paused"}
	}
	return statusBadge(s.Status)
}

// latencyBadge shows a latency event's side: "degraded" or "normal".
func latencyBadge(level monitor.LatencyLevel) badge {
	if level == monitor.LatencyDegraded {
		return badge{"pending", "Slow"}
	}
	return badge{"up", "Normal"}
}

// flapBadge shows a flapping event's side: "flapping" or "stable".
func flapBadge(state monitor.EventState) badge {
	if state == monitor.FlapFlapping {
		return badge{"pending", "Flapping"}
	}
	return badge{"up", "Stable"}
}

func webhookBadge(s monitor.WebhookState) badge {
	if s == monitor.WebhookDisabled {
		return badge{"down", "Disabled"}
	}
	return badge{"up", "Active"}
}

func notificationBadge(s monitor.NotificationState) badge {
	switch s {
	case monitor.NotificationDelivered:
		return badge{"up", "Delivered"}
	case monitor.NotificationFailed:
		return badge{"down", "Failed"}
	case monitor.NotificationGivenUp:
		return badge{"down", "Given up"}
	}
	return badge{"pending", "Pending"}
}

// alertKindLabel names what an alert told.
func alertKindLabel(k monitor.AlertKind) string {
	switch k {
	case monitor.AlertDown:
		return "Down"
	case monitor.AlertRecovered:
		return "Recovered"
	case monitor.AlertStillDown:
		return "Still down"
	case monitor.AlertCertExpiring:
		return "Certificate expiring"
	case monitor.AlertLatencyDegraded:
		return "Slow"
	case monitor.AlertLatencyNormal:
		return "Fast again"
	case monitor.AlertFlapping:
		return "Flapping"
	case monitor.AlertSettled:
		return "Settled"
	case monitor.AlertNetworkDown:
		return "Network unreachable"
	case monitor.AlertNetworkUp:
		return "Network back"
	}
	return string(k)
}
