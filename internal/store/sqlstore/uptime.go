package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
)

func (s *Store) RecordMonitoring(ctx context.Context, owner int64, ev monitor.Event) error {
	ev.Kind = monitor.EventMonitoring
	err := s.inTx(ctx, func(tx conn, raw *sql.Tx) error {
		q := `SELECT ` + SiteColumns + ` FROM sites WHERE id = $1 AND owner_id = $2` + s.d.ForUpdate
		site, err := scanSite(tx.row(ctx, q, ev.SiteID, owner))
		if errors.Is(err, sql.ErrNoRows) {
			return store.ErrNotFound
		}
		if err != nil {
			return err
		}
		return s.recordMonitoringEvents(ctx, tx, raw, []monitor.Site{site}, []*monitor.Event{&ev})
	})
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("record monitoring of site %d: %w", ev.SiteID, err)
	}
	return err
}

func (s *Store) Incidents(ctx context.Context, owner, siteID int64, hq store.HistoryQuery) ([]monitor.Incident, error) {
	if err := s.ownsSite(ctx, owner, siteID); err != nil {
		return nil, err
	}
	from, to, before := hq.Bounds()
	const q = `SELECT site_id, started_at, ended_at, error, status_code, failed_checks FROM incidents
		WHERE site_id = $1 AND started_at < $2 AND started_at >= $3 AND started_at <= $4
		ORDER BY started_at DESC, id DESC LIMIT $5`
	rows, err := s.read.query(ctx, q, siteID, before, from, to, hq.Limit)
	if err != nil {
		return nil, fmt.Errorf("incidents of site %d: %w", siteID, err)
	}
	return collect(rows, scanIncident, "incidents")
}

func scanIncident(row scanner) (monitor.Incident, error) {
	var i monitor.Incident
	err := row.Scan(&i.SiteID, timeAt(&i.StartedAt), timeOrNil(&i.EndedAt), &i.Error, &i.StatusCode, &i.FailedChecks)
	return i, err
}

// SiteUptime reads the events of the windows, with the status and monitoring events in force
// when the earliest begins, and lets monitor.History count.
func (s *Store) SiteUptime(ctx context.Context, owner, siteID int64, windows []monitor.Period) ([]monitor.UptimeFigures, error) {
	if err := s.ownsSite(ctx, owner, siteID); err != nil {
		return nil, err
	}
	if len(windows) == 0 {
		return nil, nil
	}
	from, to := windows[0].From, windows[0].To
	for _, w := range windows[1:] {
		from, to = minTime(from, w.From), maxTime(to, w.To)
	}
	// One round trip: the events of the windows, and the status event and each reason's last
	// monitoring event in force when the earliest begins (reasons overlap: a pause begun before
	// a window that opened and closed since is still in force).
	const cols = `id, site_id, kind, at, from_status, to_status, reason`
	last := func(name, where string) string {
		return ` UNION ALL SELECT * FROM (SELECT ` + cols + ` FROM events WHERE site_id = $1 AND at < $2 AND ` + where +
			` ORDER BY at DESC, id DESC LIMIT 1) ` + name
	}
	q := `SELECT ` + cols + ` FROM events WHERE site_id = $1 AND at >= $2 AND at < $3 AND kind IN ('status', 'monitoring')` +
		last("last_status", `kind = 'status'`)
	for _, reason := range []string{monitor.MonitoringPaused, monitor.MonitoringGap, monitor.MonitoringMaintenance} {
		q += last("last_"+reason, `kind = 'monitoring' AND (from_status = '`+reason+`' OR to_status = '`+reason+`')`)
	}
	rows, err := s.read.query(ctx, q, siteID, from, to)
	if err != nil {
		return nil, fmt.Errorf("uptime of site %d: %w", siteID, err)
	}
	events, err := collect(rows, scanEvent, "events")
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(events, func(a, b monitor.Event) int { return int(a.ID - b.ID) })
	h := monitor.NewHistory(events, nil)
	out := make([]monitor.UptimeFigures, len(windows))
	for i, w := range windows {
		out[i] = h.Figures(w.From, w.To)
	}
	return out, nil
}

func scanEvent(row scanner) (monitor.Event, error) {
	var e monitor.Event
	err := row.Scan(&e.ID, &e.SiteID, &e.Kind, timeAt(&e.At), &e.From, &e.To, &e.Reason)
	return e, err
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// fleetRow is what the fleet query reads of one site: its ledger and its totals at the start
// of the window.
type fleetRow struct {
	id                int64
	name              string
	status            monitor.Status
	interval, timeout int64
	ledger            *store.Ledger
	start             *store.Rollup // nil: no rollup before the window
	startIsDay        bool
}

// fleetQuery reads each site, its ledger, and its totals at the end of hour $2 (the one
// before the window) from that hour's rollup: one lookup by primary key per site.
const fleetQuery = `SELECT s.id, s.name, s.status, s.check_interval_seconds, s.timeout_seconds,
		s.ledger_at, s.ledger_mode, s.ledger_up_ms, s.ledger_down_ms, s.ledger_incidents, s.ledger_resolved, s.ledger_repair_ms,
		h.cum_up_ms, h.cum_down_ms, h.cum_incidents, h.cum_resolved, h.cum_repair_ms
	FROM sites s
	LEFT JOIN rollup_hours h ON h.site_id = s.id AND h.hour = $2
	WHERE s.owner_id = $1 AND s.id `

// fleetStartQuery finds, for the sites whose hour before the window has no rollup (no check
// in that hour: paused, or new, or its hours pruned), their last rollup before it: PERIOD is
// hour or day, TABLE its table.
const fleetStartQuery = `SELECT r.site_id, r.cum_up_ms, r.cum_down_ms, r.cum_incidents, r.cum_resolved, r.cum_repair_ms
	FROM TABLE r JOIN (SELECT s.id, (SELECT max(PERIOD) FROM TABLE x WHERE x.site_id = s.id AND x.PERIOD < $1) AS last
		FROM sites s WHERE s.id IDS) m ON r.site_id = m.id AND r.PERIOD = m.last`

func (s *Store) FleetUptime(ctx context.Context, owner int64, from, now time.Time) ([]store.SiteFigures, error) {
	return s.fleet(ctx, owner, nil, from, now)
}

// nullTotals scans nullable ledger or rollup totals.
type nullTotals struct {
	up, down, started, resolved, repair sql.NullInt64
}

func (n *nullTotals) dests() []any {
	return []any{&n.up, &n.down, &n.started, &n.resolved, &n.repair}
}

func (n *nullTotals) rollup() *store.Rollup {
	if !n.up.Valid {
		return nil
	}
	ms := func(v sql.NullInt64) time.Duration { return time.Duration(v.Int64) * time.Millisecond }
	return &store.Rollup{CumUp: ms(n.up), CumDown: ms(n.down),
		CumIncidents: store.IncidentTotals{Started: n.started.Int64, Resolved: n.resolved.Int64, Repair: ms(n.repair)}}
}

// fleet computes the figures of owner's sites (of ids, when not nil) over [from, now).
func (s *Store) fleet(ctx context.Context, owner int64, ids []int64, from, now time.Time) ([]store.SiteFigures, error) {
	hour, day := store.HourOf(from), store.DayOf(from)
	var (
		rows *sql.Rows
		err  error
	)
	if ids == nil {
		rows, err = s.read.query(ctx, fleetQuery+`> 0 ORDER BY s.id`, owner, hour-1)
	} else {
		rows, err = s.read.query(ctx, fleetQuery+s.d.InIDs("$3")+` ORDER BY s.id`, owner, hour-1, ids)
	}
	if err != nil {
		return nil, fmt.Errorf("fleet uptime: %w", err)
	}
	sites, err := collect(rows, func(row scanner) (*fleetRow, error) {
		var (
			f     fleetRow
			at    *time.Time
			mode  sql.NullString
			l, h  nullTotals
			dests = []any{&f.id, &f.name, &f.status, &f.interval, &f.timeout, timeOrNil(&at), &mode}
		)
		dests = append(append(dests, l.dests()...), h.dests()...)
		if err := row.Scan(dests...); err != nil {
			return nil, err
		}
		if r := l.rollup(); r != nil && at != nil {
			f.ledger = &store.Ledger{At: *at, Excluded: monitor.ParseExclusions(mode.String), Up: r.CumUp, Down: r.CumDown, Incidents: r.CumIncidents}
		}
		f.start = h.rollup()
		return &f, nil
	}, "fleet uptime")
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]*fleetRow, len(sites))
	var missing []int64
	for _, f := range sites {
		byID[f.id] = f
		if f.ledger != nil && f.start == nil {
			missing = append(missing, f.id)
		}
	}
	if missing, err = s.fleetStarts(ctx, "rollup_hours", "hour", hour, missing, byID, false); err != nil {
		return nil, err
	}
	if _, err = s.fleetStarts(ctx, "rollup_days", "day", day, missing, byID, true); err != nil {
		return nil, err
	}
	out := make([]store.SiteFigures, 0, len(sites))
	for _, f := range sites {
		out = append(out, f.figures(from, now))
	}
	return out, nil
}

// fleetStarts reads the last rollup before period `before` of each site of ids, and answers
// the sites that have none.
func (s *Store) fleetStarts(ctx context.Context, table, period string, before int64, ids []int64, byID map[int64]*fleetRow, isDay bool) ([]int64, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	q := strings.NewReplacer("TABLE", table, "PERIOD", period, "IDS", s.d.InIDs("$2")).Replace(fleetStartQuery)
	rows, err := s.read.query(ctx, q, before, ids)
	if err != nil {
		return nil, fmt.Errorf("fleet uptime: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			id int64
			n  nullTotals
		)
		if err := rows.Scan(append([]any{&id}, n.dests()...)...); err != nil {
			return nil, fmt.Errorf("fleet uptime: %w", err)
		}
		if f := byID[id]; f != nil {
			f.start, f.startIsDay = n.rollup(), isDay
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("fleet uptime: %w", err)
	}
	var still []int64
	for _, id := range ids {
		if byID[id].start == nil {
			still = append(still, id)
		}
	}
	return still, nil
}

// figures are the site's figures over the window: its ledger now, the time since the ledger's
// last count included, less its totals at the start.
func (f *fleetRow) figures(from, now time.Time) store.SiteFigures {
	since := store.HourStart(store.HourOf(from))
	if f.startIsDay {
		since = store.DayStart(store.DayOf(from))
	}
	var fig monitor.UptimeFigures
	if l := f.ledger; l != nil {
		start := store.Rollup{}
		if f.start != nil {
			start = *f.start
		}
		up, down := l.Up-start.CumUp, l.Down-start.CumDown
		if l.Excluded.Watched() && now.After(l.At) {
			tail := now.Sub(l.At)
			interval := time.Duration(f.interval) * time.Second
			if tail > 2*interval+time.Duration(f.timeout)*time.Second {
				tail = interval // Tocsin stopped: the last check stands for one interval
			}
			switch f.status {
			case monitor.StatusUp:
				up += tail
			case monitor.StatusDown:
				down += tail
			}
		}
		fig.Up, fig.Down = max(up, 0), max(down, 0)
		fig.Incidents = int(max(l.Incidents.Started-start.CumIncidents.Started, 0))
		fig.Resolved = int(max(l.Incidents.Resolved-start.CumIncidents.Resolved, 0))
		fig.Repair = max(l.Incidents.Repair-start.CumIncidents.Repair, 0)
	}
	fig.Excluded = max(now.Sub(since)-fig.Up-fig.Down, 0)
	return store.SiteFigures{SiteID: f.id, Name: f.name, Since: since, UptimeFigures: monitor.SumFigures(fig)}
}

func (s *Store) Overview(ctx context.Context, owner int64, siteIDs []int64, now time.Time) (map[int64]store.SiteOverview, error) {
	if len(siteIDs) == 0 {
		return map[int64]store.SiteOverview{}, nil
	}
	month, err := s.fleet(ctx, owner, siteIDs, now.Add(-30*24*time.Hour), now)
	if err != nil {
		return nil, err
	}
	day, err := s.fleet(ctx, owner, siteIDs, now.Add(-24*time.Hour), now)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]store.SiteOverview, len(month))
	for i, m := range month {
		out[m.SiteID] = store.SiteOverview{Month: m.UptimeFigures, Day: day[i].UptimeFigures}
	}
	first := store.HourOf(now) - 23
	rows, err := s.read.query(ctx, `SELECT `+rollupSelect+` FROM rollup_hours
		WHERE site_id `+s.d.InIDs("$1")+` AND hour >= $2 ORDER BY site_id, hour`, siteIDs, first-1)
	if err != nil {
		return nil, fmt.Errorf("overview: %w", err)
	}
	rollups, err := collect(rows, scanRollup, "hourly rollups")
	if err != nil {
		return nil, err
	}
	for start := 0; start < len(rollups); {
		end := start
		for end < len(rollups) && rollups[end].SiteID == rollups[start].SiteID {
			end++
		}
		if o, ok := out[rollups[start].SiteID]; ok {
			o.Hours = points(rollups[start:end], first, store.HourStart)
			out[rollups[start].SiteID] = o
		}
		start = end
	}
	return out, nil
}

// points turns one site's rollups, oldest first, into stats points from period first on; a
// rollup before first only gives the totals the first point counts from.
func points(rollups []store.Rollup, first int64, start func(int64) time.Time) []store.StatsPoint {
	var (
		out            []store.StatsPoint
		prevUp, prevDn time.Duration
		seen           bool
	)
	for _, r := range rollups {
		if r.Period >= first {
			p := store.StatsPoint{At: start(r.Period), Checks: r.Checks, Failures: r.Failures, Hist: r.Hist}
			if seen {
				p.Up, p.Down = max(r.CumUp-prevUp, 0), max(r.CumDown-prevDn, 0)
			}
			out = append(out, p)
		}
		prevUp, prevDn, seen = r.CumUp, r.CumDown, true
	}
	return out
}

func (s *Store) Stats(ctx context.Context, owner, siteID int64, q store.StatsQuery) ([]store.StatsPoint, error) {
	if err := s.ownsSite(ctx, owner, siteID); err != nil {
		return nil, err
	}
	const hourCols = rollupSelect
	dayCols := strings.Replace(rollupSelect, "hour", "day", 1)
	firstHour, lastHour := store.HourOf(q.From), store.HourOf(q.To.Add(-time.Nanosecond))
	if q.Step == store.StepDay {
		firstHour, lastHour = store.DayOf(q.From)*24, store.DayOf(q.To.Add(-time.Nanosecond))*24+23
	}
	// The hours of the range and the last one before it, which the first point counts from.
	rows, err := s.read.query(ctx, `SELECT `+hourCols+` FROM rollup_hours WHERE site_id = $1 AND hour >= $2 AND hour <= $3
		UNION ALL
		SELECT `+hourCols+` FROM rollup_hours WHERE site_id = $1 AND hour = (SELECT max(hour) FROM rollup_hours WHERE site_id = $1 AND hour < $2)
		ORDER BY 2`, siteID, firstHour, lastHour)
	if err != nil {
		return nil, fmt.Errorf("stats of site %d: %w", siteID, err)
	}
	hours, err := collect(rows, scanRollup, "hourly rollups")
	if err != nil {
		return nil, err
	}
	if q.Step != store.StepDay {
		return points(hours, firstHour, store.HourStart), nil
	}
	firstDay, lastDay := store.DayOf(q.From), store.DayOf(q.To.Add(-time.Nanosecond))
	rows, err = s.read.query(ctx, `SELECT `+dayCols+` FROM rollup_days
		WHERE site_id = $1 AND day >= $2 AND day <= $3
		UNION ALL
		SELECT `+dayCols+` FROM rollup_days
		WHERE site_id = $1 AND day = (SELECT max(day) FROM rollup_days WHERE site_id = $1 AND day < $2)
		ORDER BY 2`, siteID, firstDay, lastDay)
	if err != nil {
		return nil, fmt.Errorf("stats of site %d: %w", siteID, err)
	}
	days, err := collect(rows, scanRollup, "daily rollups")
	if err != nil {
		return nil, err
	}
	return points(mergeDays(days, hours), firstDay, store.DayStart), nil
}

// mergeDays lays daily rollups and hourly ones side by side, oldest first: a day without its
// daily rollup (today, or one not merged yet) is merged from its hours.
func mergeDays(days, hours []store.Rollup) []store.Rollup {
	byDay := map[int64]store.Rollup{}
	for _, d := range days {
		byDay[d.Period] = d
	}
	fromHours := map[int64]store.Rollup{}
	for _, h := range hours {
		day := store.DayOfHour(h.Period)
		if _, ok := byDay[day]; ok {
			continue
		}
		fromHours[day] = store.MergeRollups(fromHours[day], h, day)
	}
	for day, r := range fromHours {
		byDay[day] = r
	}
	out := make([]store.Rollup, 0, len(byDay))
	for _, r := range byDay {
		out = append(out, r)
	}
	slices.SortFunc(out, func(a, b store.Rollup) int { return int(a.Period - b.Period) })
	return out
}

// recordMonitoringEvents inserts monitoring events, events[i] of sites[i] (locked by the
// caller's transaction), and moves each site's uptime ledger to it, so that what the events
// leave out of uptime the ledgers leave out too; a gap in monitoring a ledger finds gets its
// event before the site's.
func (s *Store) recordMonitoringEvents(ctx context.Context, tx conn, raw *sql.Tx, sites []monitor.Site, events []*monitor.Event) error {
	if len(events) == 0 {
		return nil
	}
	inserts := make([]*monitor.Event, 0, len(events))
	ids := make([]int64, len(sites))
	for i, site := range sites {
		ids[i] = site.ID
	}
	ledgers, err := s.readLedgers(ctx, tx, ids)
	if err != nil {
		return err
	}
	for i, site := range sites {
		l, had := ledgers[site.ID]
		next, lw := store.MonitoringChange(site, l, had, *events[i])
		ledgers[site.ID] = next
		for j := range lw.Monitoring {
			inserts = append(inserts, &lw.Monitoring[j])
		}
		inserts = append(inserts, events[i])
		if err := s.writeLedgers(ctx, raw, lw.Ledgers); err != nil {
			return err
		}
		if err := s.writeHours(ctx, tx, raw, lw); err != nil {
			return err
		}
	}
	if _, err := s.d.Insert(ctx, raw, "events", eventRows(inserts), false); err != nil {
		return fmt.Errorf("insert monitoring events: %w", err)
	}
	return nil
}
