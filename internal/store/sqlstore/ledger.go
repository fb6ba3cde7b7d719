package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
)

// The uptime ledgers, hourly rollups and incidents move with every batch of results, in its
// transaction: store.PlanLedger says how, this file reads and writes them.

const ledgerColumns = `site_id, at, mode, up_ms, down_ms, run_since, run_failed, run_error, run_code,
	incidents, resolved, repair_ms, open_since`

func scanLedger(row scanner) (store.Ledger, error) {
	var (
		l              store.Ledger
		up, dn, repair int64
		runCode        int64
		mode           string
	)
	err := row.Scan(&l.SiteID, timeAt(&l.At), &mode, &up, &dn, timeOrNil(&l.Run.Since), &l.Run.Failed, &l.Run.Error, &runCode,
		&l.Incidents.Started, &l.Incidents.Resolved, &repair, timeOrNil(&l.OpenSince))
	l.Excluded = monitor.ParseExclusions(mode)
	l.Up, l.Down = time.Duration(up)*time.Millisecond, time.Duration(dn)*time.Millisecond
	l.Incidents.Repair = time.Duration(repair) * time.Millisecond
	l.Run.StatusCode = int(runCode)
	return l, err
}

// readLedgers reads the ledgers of the sites, by site.
func (s *Store) readLedgers(ctx context.Context, c conn, ids []int64) (map[int64]store.Ledger, error) {
	rows, err := c.query(ctx, `SELECT `+ledgerColumns+` FROM uptime_ledgers WHERE site_id `+s.d.InIDs("$1"), ids)
	if err != nil {
		return nil, fmt.Errorf("read uptime ledgers: %w", err)
	}
	ledgers, err := collectN(rows, len(ids), scanLedger, "uptime ledgers")
	if err != nil {
		return nil, err
	}
	out := make(map[int64]store.Ledger, len(ledgers))
	for _, l := range ledgers {
		out[l.SiteID] = l
	}
	return out, nil
}

var ledgerWriteColumns = []column[store.Ledger]{
	{"site_id", func(l *store.Ledger) any { return l.SiteID }},
	{"at", func(l *store.Ledger) any { return l.At }},
	{"mode", func(l *store.Ledger) any { return l.Excluded.String() }},
	{"up_ms", func(l *store.Ledger) any { return l.Up.Milliseconds() }},
	{"down_ms", func(l *store.Ledger) any { return l.Down.Milliseconds() }},
	{"run_since", func(l *store.Ledger) any { return l.Run.Since }},
	{"run_failed", func(l *store.Ledger) any { return l.Run.Failed }},
	{"run_error", func(l *store.Ledger) any { return l.Run.Error }},
	{"run_code", func(l *store.Ledger) any { return l.Run.StatusCode }},
	{"incidents", func(l *store.Ledger) any { return l.Incidents.Started }},
	{"resolved", func(l *store.Ledger) any { return l.Incidents.Resolved }},
	{"repair_ms", func(l *store.Ledger) any { return l.Incidents.Repair.Milliseconds() }},
	{"open_since", func(l *store.Ledger) any { return l.OpenSince }},
}

var rollupColumns = []column[store.Rollup]{
	{"site_id", func(r *store.Rollup) any { return r.SiteID }},
	{"hour", func(r *store.Rollup) any { return r.Period }},
	{"checks", func(r *store.Rollup) any { return r.Checks }},
	{"failures", func(r *store.Rollup) any { return r.Failures }},
	{"cum_up_ms", func(r *store.Rollup) any { return r.CumUp.Milliseconds() }},
	{"cum_down_ms", func(r *store.Rollup) any { return r.CumDown.Milliseconds() }},
	{"hist", func(r *store.Rollup) any { b, _ := r.Hist.MarshalBinary(); return b }},
	{"cum_incidents", func(r *store.Rollup) any { return r.CumIncidents.Started }},
	{"cum_resolved", func(r *store.Rollup) any { return r.CumIncidents.Resolved }},
	{"cum_repair_ms", func(r *store.Rollup) any { return r.CumIncidents.Repair.Milliseconds() }},
}

// rollupSelect are the columns scanRollup reads, the period column named hour (or, with
// strings.Replace, day).
const rollupSelect = `site_id, hour, checks, failures, cum_up_ms, cum_down_ms, hist, cum_incidents, cum_resolved, cum_repair_ms`

// rollupColumnsNamed are rollupColumns with the period column called name (hour or day).
func rollupColumnsNamed(name string) []column[store.Rollup] {
	cols := append([]column[store.Rollup](nil), rollupColumns...)
	cols[1].name = name
	return cols
}

func scanRollup(row scanner) (store.Rollup, error) {
	var (
		r              store.Rollup
		up, dn, repair int64
		hist           []byte
	)
	if err := row.Scan(&r.SiteID, &r.Period, &r.Checks, &r.Failures, &up, &dn, &hist,
		&r.CumIncidents.Started, &r.CumIncidents.Resolved, &repair); err != nil {
		return r, err
	}
	r.CumUp, r.CumDown = time.Duration(up)*time.Millisecond, time.Duration(dn)*time.Millisecond
	r.CumIncidents.Repair = time.Duration(repair) * time.Millisecond
	if err := r.Hist.UnmarshalBinary(hist); err != nil {
		return r, fmt.Errorf("rollup of site %d: %w", r.SiteID, err)
	}
	return r, nil
}

// writeLedgers plans what the batch does to ledgers, rollups and incidents and writes it. It
// runs before the events are inserted: it dates down events back and adds gap events.
func (s *Store) writeLedgers(ctx context.Context, tx conn, raw *sql.Tx, sites map[int64]monitor.Site, w *store.Writes) error {
	if len(w.Recorded) == 0 {
		return nil
	}
	ids := make([]int64, 0, len(w.Sites))
	for _, u := range w.Sites {
		ids = append(ids, u.Site.ID)
	}
	ledgers, err := s.readLedgers(ctx, tx, ids)
	if err != nil {
		return err
	}
	lw := store.PlanLedger(w, sites, ledgers)
	if err := s.d.Upsert(ctx, raw, "uptime_ledgers", []string{"site_id"}, rowsOf(ledgerWriteColumns, lw.Ledgers)); err != nil {
		return fmt.Errorf("write uptime ledgers: %w", err)
	}
	if err := s.writeHours(ctx, tx, raw, lw); err != nil {
		return err
	}
	return s.writeIncidents(ctx, raw, lw.Incidents)
}

// writeHours adds the batch's deltas to the hourly rollups they touch.
func (s *Store) writeHours(ctx context.Context, tx conn, raw *sql.Tx, lw store.LedgerWrites) error {
	keys := lw.HourKeys()
	if len(keys) == 0 {
		return nil
	}
	ids, hours := make([]int64, len(keys)), make([]int64, len(keys))
	for i, k := range keys {
		ids[i], hours[i] = k.SiteID, k.Hour
	}
	// By exact key, on the primary key: a range of hours would tempt PostgreSQL's generic plan
	// (a prepared statement's, after five runs) into reading every site's rollup of the hour
	// through rollup_hours_hour and testing each against the ids.
	rows, err := tx.query(ctx, `SELECT `+rollupSelect+` FROM rollup_hours
		WHERE `+s.d.InPairs("site_id", "hour", "$1", "$2"), ids, hours)
	if err != nil {
		return fmt.Errorf("read hourly rollups: %w", err)
	}
	stored, err := collectN(rows, len(keys), scanRollup, "hourly rollups")
	if err != nil {
		return err
	}
	// In place, by index: a rollup is a kilobyte (its histogram), and this runs per check.
	at := make(map[store.HourKey]int, len(keys))
	for i := range stored {
		at[store.HourKey{SiteID: stored[i].SiteID, Hour: stored[i].Period}] = i
	}
	for _, k := range keys {
		if _, ok := at[k]; !ok {
			at[k] = len(stored)
			stored = append(stored, store.Rollup{SiteID: k.SiteID, Period: k.Hour})
		}
	}
	for k, i := range at {
		lw.Hours[k].AddTo(&stored[i])
	}
	if err := s.d.Upsert(ctx, raw, "rollup_hours", []string{"site_id", "hour"}, rowsOf(rollupColumns, stored)); err != nil {
		return fmt.Errorf("write hourly rollups: %w", err)
	}
	return nil
}

var incidentColumns = []column[monitor.Incident]{
	{"site_id", func(i *monitor.Incident) any { return i.SiteID }},
	{"started_at", func(i *monitor.Incident) any { return i.StartedAt }},
	{"ended_at", func(i *monitor.Incident) any { return i.EndedAt }},
	{"error", func(i *monitor.Incident) any { return i.Error }},
	{"status_code", func(i *monitor.Incident) any { return i.StatusCode }},
	{"failed_checks", func(i *monitor.Incident) any { return i.FailedChecks }},
}

type siteCount struct {
	site int64
	n    int
}

type siteTime struct {
	site int64
	at   time.Time
}

// writeIncidents updates the incidents open before the batch, then inserts its new ones.
func (s *Store) writeIncidents(ctx context.Context, raw *sql.Tx, iw store.IncidentWrites) error {
	const open = "ended_at IS NULL"
	if len(iw.MoreFailed) > 0 {
		var more []siteCount
		for id, n := range iw.MoreFailed {
			more = append(more, siteCount{id, n})
		}
		rows := rowsOf([]column[siteCount]{{"site_id", func(c *siteCount) any { return c.site }}, {"n", func(c *siteCount) any { return c.n }}}, more)
		if err := s.d.Update(ctx, raw, "incidents", "site_id", []Assignment{{"failed_checks", "failed_checks + v.n"}}, rows, open); err != nil {
			return fmt.Errorf("count failed checks of incidents: %w", err)
		}
	}
	if len(iw.Ended) > 0 {
		var ended []siteTime
		for id, at := range iw.Ended {
			ended = append(ended, siteTime{id, at})
		}
		rows := rowsOf([]column[siteTime]{{"site_id", func(c *siteTime) any { return c.site }}, {"ended", func(c *siteTime) any { return c.at }}}, ended)
		if err := s.d.Update(ctx, raw, "incidents", "site_id", []Assignment{{"ended_at", "v.ended"}}, rows, open); err != nil {
			return fmt.Errorf("end incidents: %w", err)
		}
	}
	if len(iw.Opened) > 0 {
		if _, err := s.d.Insert(ctx, raw, "incidents", rowsOf(incidentColumns, iw.Opened), false); err != nil {
			return fmt.Errorf("insert incidents: %w", err)
		}
	}
	return nil
}
