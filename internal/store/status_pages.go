package store

import (
	"context"
	"errors"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
)

// ErrSlugTaken refuses a status page whose slug another page (of any owner) has.
var ErrSlugTaken = errors.New("slug taken")

// StatusPages keeps public status pages and badge tokens, and reads what they show.
type StatusPages interface {
	// CreateStatusPage adds the page (ErrSlugTaken when its slug is in use).
	CreateStatusPage(ctx context.Context, p monitor.StatusPage) (monitor.StatusPage, error)
	// UpdateStatusPage writes every setting of the owner's page p.ID.
	UpdateStatusPage(ctx context.Context, p monitor.StatusPage) (monitor.StatusPage, error)
	StatusPage(ctx context.Context, owner, id int64) (monitor.StatusPage, error)
	ListStatusPages(ctx context.Context, owner int64) ([]monitor.StatusPage, error)
	DeleteStatusPage(ctx context.Context, owner, id int64) error
	// StatusPageBySlug finds a page by its slug, whoever owns it: the public page.
	StatusPageBySlug(ctx context.Context, slug string) (monitor.StatusPage, error)
	// SitesByID reads those of the sites ids that the owner has, in id order; others are left
	// out.
	SitesByID(ctx context.Context, owner int64, ids []int64) ([]monitor.Site, error)
	// SitesEvents reads the status and monitoring events of the sites since from, and for each
	// site the last status event and the last monitoring event of each reason (paused, gap,
	// maintenance) before from (what was in force when from began), in one query, oldest first.
	// It reads neither their ids nor their reasons.
	SitesEvents(ctx context.Context, siteIDs []int64, from time.Time) ([]monitor.Event, error)

	// SetBadgeToken gives the owner's site a badge token (kept as its hash), replacing any.
	SetBadgeToken(ctx context.Context, owner, siteID int64, tokenHash string, at time.Time) error
	// DeleteBadgeToken revokes the site's badge token; ErrNotFound when it has none.
	DeleteBadgeToken(ctx context.Context, owner, siteID int64) error
	// SiteByBadgeToken finds the site whose badge token hashes to tokenHash, whoever owns it.
	SiteByBadgeToken(ctx context.Context, tokenHash string) (monitor.Site, error)
}
