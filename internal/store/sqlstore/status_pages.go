package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
)

const statusPageColumns = `id, owner_id, slug, title, description, config, created_at, updated_at`

// pageConfig is the status_pages.config document.
type pageConfig struct {
	Sections       []pageSection     `json:"sections"`
	ShowURLSiteIDs []int64           `json:"show_url_site_ids,omitempty"`
	Maintenance    []maintenanceNote `json:"maintenance,omitempty"`
}

type pageSection struct {
	Title   string  `json:"title"`
	SiteIDs []int64 `json:"site_ids"`
}

type maintenanceNote struct {
	Message string    `json:"message"`
	From    time.Time `json:"from"`
	To      time.Time `json:"to"`
}

func encodePageConfig(p monitor.StatusPage) (JSON, error) {
	c := pageConfig{ShowURLSiteIDs: p.ShowURLSiteIDs}
	for _, s := range p.Sections {
		c.Sections = append(c.Sections, pageSection{Title: s.Title, SiteIDs: s.SiteIDs})
	}
	for _, n := range p.Maintenance {
		c.Maintenance = append(c.Maintenance, maintenanceNote{Message: n.Message, From: n.From.UTC(), To: n.To.UTC()})
	}
	b, err := json.Marshal(c)
	return JSON(b), err
}

func scanStatusPage(row scanner) (monitor.StatusPage, error) {
	var (
		p      monitor.StatusPage
		config []byte
	)
	if err := row.Scan(&p.ID, &p.OwnerID, &p.Slug, &p.Title, &p.Description, &config, timeAt(&p.CreatedAt), timeAt(&p.UpdatedAt)); err != nil {
		return p, err
	}
	var c pageConfig
	if err := json.Unmarshal(config, &c); err != nil {
		return p, fmt.Errorf("status page %d config: %w", p.ID, err)
	}
	for _, s := range c.Sections {
		p.Sections = append(p.Sections, monitor.StatusSection{Title: s.Title, SiteIDs: s.SiteIDs})
	}
	p.ShowURLSiteIDs = c.ShowURLSiteIDs
	for _, n := range c.Maintenance {
		p.Maintenance = append(p.Maintenance, monitor.MaintenanceNote{Message: n.Message, From: n.From.UTC(), To: n.To.UTC()})
	}
	return p, nil
}

func (s *Store) CreateStatusPage(ctx context.Context, p monitor.StatusPage) (monitor.StatusPage, error) {
	config, err := encodePageConfig(p)
	if err != nil {
		return p, err
	}
	q := `INSERT INTO status_pages (owner_id, slug, title, description, config, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING ` + statusPageColumns
	saved, err := scanStatusPage(s.write.row(ctx, q, p.OwnerID, p.Slug, p.Title, p.Description, config, p.CreatedAt))
	if err != nil && s.d.UniqueViolation(err) {
		return p, store.ErrSlugTaken
	}
	if err != nil {
		return p, fmt.Errorf("create status page: %w", err)
	}
	return saved, nil
}

func (s *Store) UpdateStatusPage(ctx context.Context, p monitor.StatusPage) (monitor.StatusPage, error) {
	config, err := encodePageConfig(p)
	if err != nil {
		return p, err
	}
	q := `UPDATE status_pages SET slug = $3, title = $4, description = $5, config = $6, updated_at = $7
		WHERE id = $1 AND owner_id = $2 RETURNING ` + statusPageColumns
	saved, err := scanStatusPage(s.write.row(ctx, q, p.ID, p.OwnerID, p.Slug, p.Title, p.Description, config, p.UpdatedAt))
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return p, store.ErrNotFound
	case err != nil && s.d.UniqueViolation(err):
		return p, store.ErrSlugTaken
	case err != nil:
		return p, fmt.Errorf("update status page %d: %w", p.ID, err)
	}
	return saved, nil
}

func (s *Store) StatusPage(ctx context.Context, owner, id int64) (monitor.StatusPage, error) {
	q := `SELECT ` + statusPageColumns + ` FROM status_pages WHERE id = $1 AND owner_id = $2`
	return s.onePage(ctx, q, id, owner)
}

func (s *Store) StatusPageBySlug(ctx context.Context, slug string) (monitor.StatusPage, error) {
	return s.onePage(ctx, `SELECT `+statusPageColumns+` FROM status_pages WHERE slug = $1`, slug)
}

func (s *Store) onePage(ctx context.Context, q string, args ...any) (monitor.StatusPage, error) {
	p, err := scanStatusPage(s.read.row(ctx, q, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return p, store.ErrNotFound
	}
	if err != nil {
		return p, fmt.Errorf("read status page: %w", err)
	}
	return p, nil
}

func (s *Store) ListStatusPages(ctx context.Context, owner int64) ([]monitor.StatusPage, error) {
	rows, err := s.read.query(ctx, `SELECT `+statusPageColumns+` FROM status_pages WHERE owner_id = $1 ORDER BY id`, owner)
	if err != nil {
		return nil, fmt.Errorf("list status pages: %w", err)
	}
	return collect(rows, scanStatusPage, "status pages")
}

func (s *Store) DeleteStatusPage(ctx context.Context, owner, id int64) error {
	return notFoundOr(s.write.execOne(ctx, `DELETE FROM status_pages WHERE id = $1 AND owner_id = $2`, id, owner),
		"delete status page %d", id)
}

func (s *Store) SitesByID(ctx context.Context, owner int64, ids []int64) ([]monitor.Site, error) {
	if len(ids) == 0 {
		return []monitor.Site{}, nil
	}
	q := `SELECT ` + SiteColumns + ` FROM sites WHERE owner_id = $1 AND id ` + s.d.InIDs("$2") + ` ORDER BY id`
	rows, err := s.read.query(ctx, q, owner, ids)
	if err != nil {
		return nil, fmt.Errorf("read sites by id: %w", err)
	}
	return collect(rows, newSiteScan().scan, "sites")
}

func (s *Store) SitesEvents(ctx context.Context, siteIDs []int64, from time.Time) ([]monitor.Event, error) {
	if len(siteIDs) == 0 {
		return []monitor.Event{}, nil
	}
	// Only status and monitoring events make a site's history, and their reasons (error text)
	// are not read: pages never show them. The last status event before from is in force, and
	// the last monitoring event of each reason (paused, gap, maintenance: the side of it that
	// is not active), since reasons overlap. Last by time, not by id: a gap's events are
	// written after the gap.
	in := s.d.InIDs("$1")
	q := `SELECT site_id, kind, at, from_status, to_status, id FROM events
		WHERE site_id ` + in + ` AND kind IN ('status', 'monitoring') AND at >= $2
		UNION ALL
		SELECT site_id, kind, at, from_status, to_status, id FROM (
			SELECT site_id, kind, at, from_status, to_status, id,
				ROW_NUMBER() OVER (PARTITION BY site_id, kind,
					CASE WHEN kind = 'status' THEN '' WHEN from_status = 'active' THEN to_status ELSE from_status END
					ORDER BY at DESC, id DESC) AS n
			FROM events WHERE site_id ` + in + ` AND kind IN ('status', 'monitoring') AND at < $2) last
		WHERE n = 1
		ORDER BY at, id`
	rows, err := s.read.query(ctx, q, siteIDs, from)
	if err != nil {
		return nil, fmt.Errorf("events of %d sites: %w", len(siteIDs), err)
	}
	return collect(rows, func(row scanner) (monitor.Event, error) {
		var e monitor.Event
		err := row.Scan(&e.SiteID, &e.Kind, timeAt(&e.At), &e.From, &e.To, &e.ID)
		return e, err
	}, "events")
}

func (s *Store) SetBadgeToken(ctx context.Context, owner, siteID int64, tokenHash string, at time.Time) error {
	return s.inTx(ctx, func(tx conn, _ *sql.Tx) error {
		var one int
		err := tx.row(ctx, `SELECT 1 FROM sites WHERE id = $1 AND owner_id = $2`+s.d.ForUpdate, siteID, owner).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return store.ErrNotFound
		}
		if err != nil {
			return fmt.Errorf("find site %d: %w", siteID, err)
		}
		if _, err := tx.exec(ctx, `DELETE FROM badge_tokens WHERE site_id = $1`, siteID); err != nil {
			return fmt.Errorf("replace badge token: %w", err)
		}
		if _, err := tx.exec(ctx, `INSERT INTO badge_tokens (site_id, token_hash, created_at) VALUES ($1, $2, $3)`, siteID, tokenHash, at); err != nil {
			return fmt.Errorf("set badge token: %w", err)
		}
		return nil
	})
}

func (s *Store) DeleteBadgeToken(ctx context.Context, owner, siteID int64) error {
	q := `DELETE FROM badge_tokens WHERE site_id = $1 AND site_id IN (SELECT id FROM sites WHERE owner_id = $2)`
	return notFoundOr(s.write.execOne(ctx, q, siteID, owner), "delete badge token of site %d", siteID)
}

func (s *Store) SiteByBadgeToken(ctx context.Context, tokenHash string) (monitor.Site, error) {
	q := `SELECT ` + SiteColumns + ` FROM sites WHERE id = (SELECT site_id FROM badge_tokens WHERE token_hash = $1)`
	site, err := scanSite(s.read.row(ctx, q, tokenHash))
	if errors.Is(err, sql.ErrNoRows) {
		return site, store.ErrNotFound
	}
	if err != nil {
		return site, fmt.Errorf("find site by badge token: %w", err)
	}
	return site, nil
}
