// Package store is Tocsin's persistence: one interface, implemented for PostgreSQL
// (store/postgres) and SQLite (store/sqlite), both held to the suite in store/storetest.
// Implementations never read the clock; callers pass the time in.
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

// Store is everything Tocsin keeps.
type Store interface {
	CreateSite(ctx context.Context, site monitor.Site) (monitor.Site, error)
	Site(ctx context.Context, owner, id int64) (monitor.Site, error)
	ListSites(ctx context.Context, owner int64, filter SiteFilter) ([]monitor.Site, error)
	// UpdateSite writes the user's settings of the site; it moves NextCheckAt only when
	// reschedule is set, so that an edit never undoes a claim made meanwhile.
	UpdateSite(ctx context.Context, site monitor.Site, reschedule bool) (monitor.Site, error)
	DeleteSite(ctx context.Context, owner, id int64) error

	// ClaimDueSites hands out sites whose check is due, each to one caller only: their
	// next_check_at moves to the next slot of their schedule and they are leased until the
	// check's timeout plus the claim's margin has passed or their result is recorded.
	ClaimDueSites(ctx context.Context, claim Claim) ([]monitor.Site, error)
	// ResumeSchedule spreads the checks that fell due while nothing was checking (Tocsin was
	// stopped) over the next window, so a restart neither bursts nor skips. It returns how
	// many sites it moved.
	ResumeSchedule(ctx context.Context, r Resume) (int64, error)
	// RecordChecks stores results and applies them to their sites' status in one transaction,
	// with an event for each status change. Results for sites deleted meanwhile are dropped.
	RecordChecks(ctx context.Context, results []CheckResult) ([]Recorded, error)

	History(ctx context.Context, owner, siteID int64, q HistoryQuery) ([]monitor.Check, error)
	Events(ctx context.Context, owner, siteID int64, q HistoryQuery) ([]monitor.Event, error)

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
	Now    time.Time
	Limit  int
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
}

// Recorded is what recording one result did. Its Check has no ID: batches are written without
// reading ids back.
type Recorded struct {
	Check monitor.Check
	State monitor.State  // the site's state after this result
	Event *monitor.Event // set when the status changed
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
