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

// ledgerColumns are a site's uptime ledger, kept in its row of sites (ledger_at NULL: it has
// none yet), in the order ledgerScan reads them.
const ledgerColumns = `ledger_at, ledger_mode, ledger_up_ms, ledger_down_ms, ledger_run_since, ledger_run_failed,
	ledger_run_error, ledger_run_code, ledger_incidents, ledger_resolved, ledger_repair_ms, ledger_open_since`

// ledgerScan receives a site's ledger columns.
type ledgerScan struct {
	at                      *time.Time
	mode                    string
	up, dn, repair, runCode int64
	l                       store.Ledger
}

func (ls *ledgerScan) dest() []any {
	return []any{timeOrNil(&ls.at), &ls.mode, &ls.up, &ls.dn, timeOrNil(&ls.l.Run.Since), &ls.l.Run.Failed,
		&ls.l.Run.Error, &ls.runCode, &ls.l.Incidents.Started, &ls.l.Incidents.Resolved, &ls.repair, timeOrNil(&ls.l.OpenSince)}
}

// ledger is the scanned ledger of site id; false when the site has none yet.
func (ls *ledgerScan) ledger(id int64) (store.Ledger, bool) {
	if ls.at == nil {
		return store.Ledger{}, false
	}
	l := ls.l
	l.SiteID, l.At = id, *ls.at
	l.Excluded = monitor.ParseExclusions(ls.mode)
	l.Up, l.Down = time.Duration(ls.up)*time.Millisecond, time.Duration(ls.dn)*time.Millisecond
	l.Incidents.Repair = time.Duration(ls.repair) * time.Millisecond
	l.Run.StatusCode = int(ls.runCode)
	return l, true
}

// withLedger is a row whose site columns are followed by its ledger's: Scan fills the caller's
// destinations, then the ledger's. One serves every row of a result: each row's Scan writes
// every destination (NULL included), so the ledger's destinations and the list of all of them
// are made once, not for each row.
type withLedger struct {
	row      scanner
	ls       *ledgerScan
	ledger   []any
	combined []any
}

func newWithLedger(row scanner) *withLedger {
	ls := new(ledgerScan)
	return &withLedger{row: row, ls: ls, ledger: ls.dest()}
}

func (w *withLedger) Scan(dest ...any) error {
	w.combined = append(append(w.combined[:0], dest...), w.ledger...)
	return w.row.Scan(w.combined...)
}

// readLedgers reads the ledgers of the sites, by site; a site without one is left out.
func (s *Store) readLedgers(ctx context.Context, c conn, ids []int64) (map[int64]store.Ledger, error) {
	rows, err := c.query(ctx, `SELECT id, `+ledgerColumns+` FROM sites WHERE id `+s.d.InIDs("$1")+` AND ledger_at IS NOT NULL`, ids)
	if err != nil {
		return nil, fmt.Errorf("read uptime ledgers: %w", err)
	}
	defer rows.Close()
	out := make(map[int64]store.Ledger, len(ids))
	for rows.Next() {
		var (
			id int64
			ls ledgerScan
		)
		if err := rows.Scan(append([]any{&id}, ls.dest()...)...); err != nil {
			return nil, fmt.Errorf("scan uptime ledgers: %w", err)
		}
		if l, ok := ls.ledger(id); ok {
			out[id] = l
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read uptime ledgers: %w", err)
	}
	return out, nil
}

// ledgerWriteColumns write a ledger into its site's row (the key column id).
var ledgerWriteColumns = []column[store.Ledger]{
	{"id", func(l *store.Ledger) any { return l.SiteID }},
	{"ledger_at", func(l *store.Ledger) any { return l.At }},
	{"ledger_mode", func(l *store.Ledger) any { return l.Excluded.String() }},
	{"ledger_up_ms", func(l *store.Ledger) any { return l.Up.Milliseconds() }},
	{"ledger_down_ms", func(l *store.Ledger) any { return l.Down.Milliseconds() }},
	{"ledger_run_since", func(l *store.Ledger) any { return l.Run.Since }},
	{"ledger_run_failed", func(l *store.Ledger) any { return l.Run.Failed }},
	{"ledger_run_error", func(l *store.Ledger) any { return l.Run.Error }},
	{"ledger_run_code", func(l *store.Ledger) any { return l.Run.StatusCode }},
	{"ledger_incidents", func(l *store.Ledger) any { return l.Incidents.Started }},
	{"ledger_resolved", func(l *store.Ledger) any { return l.Incidents.Resolved }},
	{"ledger_repair_ms", func(l *store.Ledger) any { return l.Incidents.Repair.Milliseconds() }},
	{"ledger_open_since", func(l *store.Ledger) any { return l.OpenSince }},
}

// writeLedgers writes ledgers into their sites' rows.
func (s *Store) writeLedgers(ctx context.Context, raw *sql.Tx, ledgers []store.Ledger) error {
	if len(ledgers) == 0 {
		return nil
	}
	if err := s.d.Update(ctx, raw, "sites", "id", copied(ledgerWriteColumns[1:]), rowsOf(ledgerWriteColumns, ledgers)); err != nil {
		return fmt.Errorf("write uptime ledgers: %w", err)
	}
	return nil
}

// siteLedgerColumns are ledgerWriteColumns (without the key) as columns of a site's update,
// read from its Ledger: a batch of results writes each site's state and ledger in one update.
var siteLedgerColumns = func() []column[store.SiteUpdate] {
	out := make([]column[store.SiteUpdate], 0, len(ledgerWriteColumns)-1)
	for _, c := range ledgerWriteColumns[1:] {
		out = append(out, column[store.SiteUpdate]{c.name, func(u *store.SiteUpdate) any { return c.value(u.Ledger) }})
	}
	return out
}()

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
	// Scanned into scalars rather than into the rollup's fields: a field's address passed to
	// Scan moved the whole rollup (a kilobyte, its histogram) to the heap, for every row read.
	// The histogram's bytes are decoded before the next row, so they need no copy of their own.
	var (
		id, period, checks, failures, up, dn, started, resolved, repair int64
		hist                                                            sql.RawBytes
	)
	if err := row.Scan(&id, &period, &checks, &failures, &up, &dn, &hist, &started, &resolved, &repair); err != nil {
		return store.Rollup{}, err
	}
	r := store.Rollup{SiteID: id, Period: period, Checks: checks, Failures: failures,
		CumUp: time.Duration(up) * time.Millisecond, CumDown: time.Duration(dn) * time.Millisecond,
		CumIncidents: store.IncidentTotals{Started: started, Resolved: resolved, Repair: time.Duration(repair) * time.Millisecond}}
	if err := r.Hist.UnmarshalBinary(hist); err != nil {
		return r, fmt.Errorf("rollup of site %d: %w", r.SiteID, err)
	}
	return r, nil
}

// planLedgers moves the ledgers through the batch (store.PlanLedger) and gives each site's
// update its ledger, to be written with its state. It runs before the events are inserted: it
// dates down events back and adds gap events.
func planLedgers(w *store.Writes, sites map[int64]monitor.Site, ledgers map[int64]store.Ledger) (store.LedgerWrites, error) {
	lw := store.PlanLedger(w, sites, ledgers)
	at := make(map[int64]int, len(lw.Ledgers))
	for i, l := range lw.Ledgers {
		at[l.SiteID] = i
	}
	for i := range w.Sites {
		j, ok := at[w.Sites[i].Site.ID]
		if !ok {
			return lw, fmt.Errorf("site %d has results but no ledger was planned", w.Sites[i].Site.ID)
		}
		w.Sites[i].Ledger = &lw.Ledgers[j]
	}
	return lw, nil
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
