package store

import (
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
)

// MetricsSnapshot is what the metrics read from the database at a scrape, so that any of
// several processes sharing it shows the same figures.
type MetricsSnapshot struct {
	Sites []SiteGauge
	// Due counts the unpaused sites whose check is due and that no process has claimed.
	Due int64
	// Outbox counts the notifications in each state.
	Outbox map[monitor.NotificationState]int64
}

// SiteGauge is what the metrics show of one site.
type SiteGauge struct {
	ID             int64
	Name           string
	Kind           monitor.Kind
	Status         monitor.Status
	Paused         bool
	ResponseTimeMS *int64
	CertExpiresAt  *time.Time
}
