package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
)

// RecordChecks costs a fixed number of statements per batch, whatever its size, on
// PostgreSQL, and one prepared statement per row on SQLite: read (and lock) the sites, write
// the checks and the sites' new state, insert the (rare) events and alerts.
func (s *Store) RecordChecks(ctx context.Context, results []store.CheckResult) ([]store.Recorded, error) {
	if len(results) == 0 {
		return nil, nil
	}
	var w store.Writes
	err := s.inTx(ctx, func(tx conn, raw *sql.Tx) error {
		sites, ledgers, err := s.lockSites(ctx, tx, store.SiteIDs(results))
		if err != nil {
			return err
		}
		cal, err := s.calendarOf(ctx, tx, sites)
		if err != nil {
			return err
		}
		w = store.PlanWrites(sites, results, cal)
		if len(w.Recorded) == 0 {
			return nil
		}
		lw, err := planLedgers(&w, sites, ledgers)
		if err != nil {
			return err
		}
		if err := s.writeChecks(ctx, raw, w); err != nil {
			return err
		}
		if err := s.writeHours(ctx, tx, raw, lw); err != nil {
			return err
		}
		if err := s.writeIncidents(ctx, raw, lw.Incidents); err != nil {
			return err
		}
		if err := s.insertEvents(ctx, raw, w); err != nil {
			return err
		}
		return s.enqueueAlerts(ctx, tx, raw, &w)
	})
	if err != nil {
		return nil, fmt.Errorf("record checks: %w", err)
	}
	return w.Recorded, nil
}

// lockSites reads what the status rules and alerts need of each site, and its uptime ledger,
// and, where the dialect locks rows, holds them in id order until the transaction ends, so two
// batches never apply results to one site at once. The rules never read the schedule: it is
// left out.
func (s *Store) lockSites(ctx context.Context, tx conn, ids []int64) (map[int64]monitor.Site, map[int64]store.Ledger, error) {
	q := `SELECT ` + siteColumnsUnscheduled + `, ` + ledgerColumns + ` FROM sites WHERE id ` + s.d.InIDs("$1") + ` ORDER BY id` + s.d.ForUpdate
	rows, err := tx.query(ctx, q, ids)
	if err != nil {
		return nil, nil, fmt.Errorf("lock sites: %w", err)
	}
	defer rows.Close()
	sites := make(map[int64]monitor.Site, len(ids))
	ledgers := make(map[int64]store.Ledger, len(ids))
	row, scan := newWithLedger(rows), newSiteScan()
	for rows.Next() {
		site, err := scan.scan(row)
		if err != nil {
			return nil, nil, fmt.Errorf("lock sites: %w", err)
		}
		sites[site.ID] = site
		if l, ok := row.ls.ledger(site.ID); ok {
			ledgers[site.ID] = l
		}
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("lock sites: %w", err)
	}
	return sites, ledgers, nil
}

var checkColumns = []column[store.Recorded]{
	{"site_id", func(r *store.Recorded) any { return r.Check.SiteID }},
	{"checked_at", func(r *store.Recorded) any { return r.Check.CheckedAt }},
	{"status", func(r *store.Recorded) any { return string(r.Check.Status) }},
	{"status_code", func(r *store.Recorded) any { return r.Check.StatusCode }},
	{"response_time_ms", func(r *store.Recorded) any { return r.Check.ResponseTimeMS() }},
	{"error", func(r *store.Recorded) any { return r.Check.Error }},
	{"phases", func(r *store.Recorded) any { return store.EncodePhases(r.Check.Timings) }},
	{"held", func(r *store.Recorded) any { return r.Check.Held }},
}

// siteUpdateColumns are siteState and the ledger, keyed by the site's id.
var siteUpdateColumns = append(append([]column[store.SiteUpdate]{
	{"id", func(u *store.SiteUpdate) any { return u.Site.ID }},
}, siteState...), siteLedgerColumns...)

// scheduleUpdateColumns say how a result moves its site's claim and schedule.
var scheduleUpdateColumns = []column[store.SiteUpdate]{
	{"site_id", func(u *store.SiteUpdate) any { return u.Site.ID }},
	{"release_claim", func(u *store.SiteUpdate) any { return u.ReleaseClaim }},
	{"pinged", func(u *store.SiteUpdate) any { return u.Pinged }},
	{"next_check", func(u *store.SiteUpdate) any { return u.NextCheckAt }},
}

// scheduleSet releases the claim and brings the next check forward (a retry) or, for a ping,
// sets the push site's new deadline.
var scheduleSet = []Assignment{
	{"claimed_by", "CASE WHEN v.release_claim THEN NULL ELSE claimed_by END"},
	{"claimed_until", "CASE WHEN v.release_claim THEN NULL ELSE claimed_until END"},
	{"next_check_at", `CASE WHEN v.pinged THEN v.next_check
			WHEN v.next_check < next_check_at THEN v.next_check ELSE next_check_at END`},
}

// writeChecks inserts the batch's checks and writes its sites' new state: the hot path. The
// state goes to the sites' rows, whose indexed columns it never changes (so PostgreSQL updates
// them in place, HOT); retries and push deadlines go to the narrow schedule rows, and only for
// the sites whose schedule moves.
func (s *Store) writeChecks(ctx context.Context, tx *sql.Tx, w store.Writes) error {
	if len(w.Recorded) == 0 {
		return nil
	}
	if _, err := s.d.Insert(ctx, tx, "checks", rowsOf(checkColumns, w.Recorded), false); err != nil {
		return fmt.Errorf("insert checks: %w", err)
	}
	if err := s.d.Update(ctx, tx, "sites", "id", copied(siteUpdateColumns[1:]), rowsOf(siteUpdateColumns, w.Sites)); err != nil {
		return fmt.Errorf("update site states: %w", err)
	}
	// A claim's lease is left to run out (its worker takes the site again at its next slot)
	// unless the result moves the next check, which any worker may then take.
	var moved []store.SiteUpdate
	for _, u := range w.Sites {
		if u.NextCheckAt != nil {
			moved = append(moved, u)
		}
	}
	if len(moved) == 0 {
		return nil
	}
	if err := s.d.Update(ctx, tx, "site_schedule", "site_id", scheduleSet, rowsOf(scheduleUpdateColumns, moved)); err != nil {
		return fmt.Errorf("update schedules: %w", err)
	}
	return nil
}

var eventColumns = []column[monitor.Event]{
	{"site_id", func(e *monitor.Event) any { return e.SiteID }},
	{"kind", func(e *monitor.Event) any {
		if e.Kind == "" {
			return string(monitor.EventStatus)
		}
		return string(e.Kind)
	}},
	{"at", func(e *monitor.Event) any { return e.At }},
	{"from_status", func(e *monitor.Event) any { return string(e.From) }},
	{"to_status", func(e *monitor.Event) any { return string(e.To) }},
	{"reason", func(e *monitor.Event) any { return e.Reason }},
}

// eventRows lays events out as rows of eventColumns.
func eventRows(events []*monitor.Event) Rows {
	values := make([]monitor.Event, len(events))
	for i, ev := range events {
		values[i] = *ev
	}
	return rowsOf(eventColumns, values)
}

// insertEvents inserts the batch's events and sets their ids.
func (s *Store) insertEvents(ctx context.Context, tx *sql.Tx, w store.Writes) error {
	events := w.Events()
	if len(events) == 0 {
		return nil
	}
	ids, err := s.d.Insert(ctx, tx, "events", eventRows(events), true)
	if err != nil {
		return fmt.Errorf("insert events: %w", err)
	}
	if len(ids) != len(events) {
		return fmt.Errorf("insert events: %d ids for %d events", len(ids), len(events))
	}
	for i, ev := range events {
		ev.ID = ids[i]
	}
	return nil
}

func (s *Store) History(ctx context.Context, owner, siteID int64, hq store.HistoryQuery) ([]monitor.Check, error) {
	if err := s.ownsSite(ctx, owner, siteID); err != nil {
		return nil, err
	}
	from, to, before := hq.Bounds()
	const q = `SELECT id, site_id, checked_at, status, status_code, response_time_ms, error, timings, phases, held FROM checks
		WHERE site_id = $1 AND checked_at < $2 AND checked_at >= $3 AND checked_at <= $4
		ORDER BY checked_at DESC, id DESC LIMIT $5`
	rows, err := s.read.query(ctx, q, siteID, before, from, to, hq.Limit)
	if err != nil {
		return nil, fmt.Errorf("history of site %d: %w", siteID, err)
	}
	checks, err := collect(rows, scanCheck, "checks")
	if err != nil {
		return nil, fmt.Errorf("history of site %d: %w", siteID, err)
	}
	return checks, nil
}

func scanCheck(row scanner) (monitor.Check, error) {
	var (
		c       monitor.Check
		respMS  int64
		timings []byte
		phases  []byte
	)
	err := row.Scan(&c.ID, &c.SiteID, timeAt(&c.CheckedAt), &c.Status, &c.StatusCode, &respMS, &c.Error, &timings, &phases, &c.Held)
	if err != nil {
		return c, err
	}
	c.ResponseTime = time.Duration(respMS) * time.Millisecond
	if len(phases) > 0 {
		c.Timings, err = store.DecodePhases(phases)
	} else {
		c.Timings, err = store.DecodeTimings(timings)
	}
	if err != nil {
		return c, fmt.Errorf("check %d timings: %w", c.ID, err)
	}
	return c, nil
}

func (s *Store) Events(ctx context.Context, owner, siteID int64, hq store.HistoryQuery) ([]monitor.Event, error) {
	if err := s.ownsSite(ctx, owner, siteID); err != nil {
		return nil, err
	}
	from, to, before := hq.Bounds()
	const q = `SELECT id, site_id, kind, at, from_status, to_status, reason FROM events
		WHERE site_id = $1 AND at < $2 AND at >= $3 AND at <= $4
		ORDER BY at DESC, id DESC LIMIT $5`
	rows, err := s.read.query(ctx, q, siteID, before, from, to, hq.Limit)
	if err != nil {
		return nil, fmt.Errorf("events of site %d: %w", siteID, err)
	}
	events, err := collect(rows, func(row scanner) (monitor.Event, error) {
		var e monitor.Event
		err := row.Scan(&e.ID, &e.SiteID, &e.Kind, timeAt(&e.At), &e.From, &e.To, &e.Reason)
		return e, err
	}, "events")
	if err != nil {
		return nil, fmt.Errorf("events of site %d: %w", siteID, err)
	}
	return events, nil
}

func (s *Store) ownsSite(ctx context.Context, owner, id int64) error {
	var one int
	err := s.read.row(ctx, `SELECT 1 FROM sites WHERE id = $1 AND owner_id = $2`, id, owner).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return store.ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("find site %d: %w", id, err)
	}
	return nil
}
