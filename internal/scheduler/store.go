package scheduler

import (
	"context"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
)

// Store is what the scheduler needs of the store: the schedule and the results, the sites of
// pings kept while the database was away, and a way to tell an account that Tocsin cannot
// reach the network.
type Store interface {
	ClaimDueSites(ctx context.Context, claim store.Claim) ([]monitor.Site, error)
	ResumeSchedule(ctx context.Context, r store.Resume) (int64, error)
	RecordChecks(ctx context.Context, results []store.CheckResult) ([]store.Recorded, error)
	// SiteByPushToken finds the site of a push ping kept while the database was away.
	SiteByPushToken(ctx context.Context, token string) (monitor.Site, error)
	QueueAccountAlert(ctx context.Context, owner int64, webhooks []int64, a monitor.Alert) ([]int64, error)
	SyncMaintenance(ctx context.Context, now time.Time) (store.MaintenanceSweep, error)
}
