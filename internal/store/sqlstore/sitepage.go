package sqlstore

import (
	"context"
	"fmt"
	"strings"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
)

// overviewState is a site's state as the overview groups it: paused first, since a paused site's
// status is old news.
const overviewState = `(CASE WHEN paused THEN 'paused' ELSE status END)`

// worstFirst orders sites as the overview lists them.
const worstFirst = `CASE WHEN paused THEN 3 WHEN status = 'down' THEN 0 WHEN status = 'pending' THEN 1 ELSE 2 END, LOWER(name), id`

const sitePageWhere = ` WHERE owner_id = $1 AND ($2 = '' OR ` + overviewState + ` = $2)
	AND ($3 = '' OR LOWER(name) LIKE $3 ESCAPE '\' OR LOWER(url) LIKE $3 ESCAPE '\')`

func (s *Store) SitePage(ctx context.Context, owner int64, q store.SitePageQuery) ([]monitor.Site, int, error) {
	pattern := ""
	if q.Search != "" {
		pattern = "%" + likeEscaper.Replace(strings.ToLower(q.Search)) + "%"
	}
	matched := -1
	if !q.Counted {
		if err := s.read.row(ctx, `SELECT COUNT(*) FROM sites`+sitePageWhere, owner, q.State, pattern).Scan(&matched); err != nil {
			return nil, 0, fmt.Errorf("count sites: %w", err)
		}
	}
	// The ids are ordered and cut first, then the page's rows read: sorting thousands of
	// narrow (key, id) records costs far less than sorting whole rows.
	rows, err := s.read.query(ctx, `SELECT `+SiteColumns+` FROM sites WHERE id IN (
		SELECT id FROM sites`+sitePageWhere+` ORDER BY `+worstFirst+` LIMIT $4 OFFSET $5) ORDER BY `+worstFirst,
		owner, q.State, pattern, q.Limit, q.Offset)
	if err != nil {
		return nil, 0, fmt.Errorf("page of sites: %w", err)
	}
	sites, err := collect(rows, newSiteScan().scan, "sites")
	if err != nil {
		return nil, 0, fmt.Errorf("page of sites: %w", err)
	}
	ids := make([]int64, len(sites))
	for i, site := range sites {
		ids[i] = site.ID
	}
	err = s.addWebhooks(ctx, s.read, owner, sites, `SELECT site_id, webhook_id FROM site_webhooks
		WHERE site_id `+s.d.InIDs("$1")+` ORDER BY webhook_id`, ids)
	return sites, matched, err
}

// likeEscaper makes text match itself in a LIKE pattern with ESCAPE '\'.
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
