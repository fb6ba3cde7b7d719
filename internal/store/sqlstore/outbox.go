package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
)

// enqueueAlerts writes a pending notification for each alert of the batch to each webhook it
// goes to (see store.Writes.Route).
func (s *Store) enqueueAlerts(ctx context.Context, tx conn, raw *sql.Tx, w *store.Writes) error {
	alertSites := w.AlertSites()
	if len(alertSites) == 0 {
		return nil
	}
	if err := owedDownEvents(ctx, tx, w); err != nil {
		return err
	}
	routes, err := s.routes(ctx, tx, alertSites)
	if err != nil {
		return fmt.Errorf("find webhooks to alert: %w", err)
	}
	// The lookups read what came before the batch; the batch's own events, already inserted,
	// are known to Route, and a later down of the batch must not pass for the one a recovery
	// early in the batch answers.
	before := int64(math.MaxInt64)
	for _, ev := range w.Events() {
		before = min(before, ev.ID)
	}
	news, err := w.Route(routes, store.OutageLookups{
		Down:     func(siteID int64) ([]int64, error) { return downWebhooks(ctx, tx, siteID, before) },
		Flapping: func(siteID int64) ([]int64, error) { return flappingWebhooks(ctx, tx, siteID, before) },
	})
	if err != nil {
		return fmt.Errorf("route alerts: %w", err)
	}
	if len(news) == 0 {
		return nil
	}
	if _, err := s.d.Insert(ctx, raw, "notifications", rowsOf(outboxColumns, news), false); err != nil {
		return fmt.Errorf("enqueue alerts: %w", err)
	}
	return nil
}

// outboxColumns are written for each new notification; it is due at once.
var outboxColumns = []column[store.NewNotification]{
	{"webhook_id", func(n *store.NewNotification) any { return n.WebhookID }},
	{"site_id", func(n *store.NewNotification) any {
		if n.SiteID == 0 {
			return (*int64)(nil)
		}
		return &n.SiteID
	}},
	{"event_id", func(n *store.NewNotification) any { return n.EventID }},
	{"kind", func(n *store.NewNotification) any { return string(n.Kind) }},
	{"payload", func(n *store.NewNotification) any { return JSON(n.Payload) }},
	{"next_attempt_at", func(n *store.NewNotification) any { return n.At }},
	{"created_at", func(n *store.NewNotification) any { return n.At }},
}

// routes finds the webhooks each site's alerts go to: its own, or else its owner's default.
func (s *Store) routes(ctx context.Context, tx conn, siteIDs []int64) (map[int64][]int64, error) {
	q := `SELECT site_id, webhook_id FROM site_webhooks WHERE site_id ` + s.d.InIDs("$1") + `
		UNION ALL
		SELECT s.id, w.id FROM sites s JOIN webhooks w ON w.owner_id = s.owner_id AND w.is_default AND w.deleted_at IS NULL
		WHERE s.id ` + s.d.InIDs("$1") + ` AND NOT EXISTS (SELECT 1 FROM site_webhooks sw WHERE sw.site_id = s.id)`
	rows, err := tx.query(ctx, q, siteIDs)
	if err != nil {
		return nil, err
	}
	return idPairs(rows)
}

// downWebhooks finds where the site's open down alert went: the webhooks, still in use, that
// were sent the alert of the last event that opened or carried an outage. That is its last
// change to down (its down alert), or the last settle of its flapping (a settled alert: one
// in down keeps the outage open, or opens it). A change to down while the site flapped raised
// no alert, and a settle always comes after it. "Last" is the last recorded: a down event
// dated back to the first failure of its run may be dated before a settle recorded earlier.
func downWebhooks(ctx context.Context, tx conn, siteID, before int64) ([]int64, error) {
	ids, err := webhooksOfLastEvent(ctx, tx, siteID, before,
		`(kind = 'status' AND to_status = 'down' OR kind = 'flapping' AND to_status = 'stable')`, `'down', 'settled'`)
	if err != nil {
		return nil, fmt.Errorf("find where site %d's down alert went: %w", siteID, err)
	}
	return ids, nil
}

// flappingWebhooks finds where the site's last flapping alert went, which its settle follows.
func flappingWebhooks(ctx context.Context, tx conn, siteID, before int64) ([]int64, error) {
	ids, err := webhooksOfLastEvent(ctx, tx, siteID, before, `kind = 'flapping' AND to_status = 'flapping'`, `'flapping'`)
	if err != nil {
		return nil, fmt.Errorf("find where site %d's flapping alert went: %w", siteID, err)
	}
	return ids, nil
}

// webhooksOfLastEvent lists the webhooks, still in use, that were sent alerts of the given
// kinds for the site's last event recorded before the event id before that matches which.
func webhooksOfLastEvent(ctx context.Context, tx conn, siteID, before int64, which, kinds string) ([]int64, error) {
	q := `SELECT DISTINCT n.webhook_id FROM notifications n JOIN webhooks w ON w.id = n.webhook_id
		WHERE n.kind IN (` + kinds + `) AND w.deleted_at IS NULL AND n.event_id = (
			SELECT id FROM events WHERE site_id = $1 AND id < $2 AND ` + which + ` ORDER BY id DESC LIMIT 1)
		ORDER BY n.webhook_id`
	rows, err := tx.query(ctx, q, siteID, before)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(row scanner) (id int64, err error) { return id, row.Scan(&id) }, "webhook ids")
}

// owedDownEvents gives each down alert without an event of its own (one owed since a
// maintenance window closed) the site's last down event, so that its notifications are found
// as the down alert later recoveries answer.
func owedDownEvents(ctx context.Context, tx conn, w *store.Writes) error {
	for i := range w.Recorded {
		r := &w.Recorded[i]
		for j := range r.Alerts {
			q := &r.Alerts[j]
			if q.Alert.Kind != monitor.AlertDown || q.Event != nil {
				continue
			}
			ev, err := lastDownEvent(ctx, tx, r.Check.SiteID)
			if err != nil {
				return err
			}
			q.Event = ev
		}
	}
	return nil
}

// lastDownEvent is the site's last recorded change to down, nil if it has none.
func lastDownEvent(ctx context.Context, tx conn, siteID int64) (*monitor.Event, error) {
	const q = `SELECT id, at FROM events WHERE site_id = $1 AND kind = 'status' AND to_status = 'down' ORDER BY id DESC LIMIT 1`
	ev := monitor.Event{SiteID: siteID, Kind: monitor.EventStatus, To: monitor.StatusState(monitor.StatusDown)}
	err := tx.row(ctx, q, siteID).Scan(&ev.ID, timeAt(&ev.At))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("find site %d's down event: %w", siteID, err)
	}
	return &ev, nil
}
