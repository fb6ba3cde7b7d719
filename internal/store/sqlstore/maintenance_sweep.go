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

// SyncMaintenance brings every site's maintenance events up to date with the windows at now:
// a site a window covers and whose events do not say so gets active → maintenance, dated when
// its window opened; a site whose events say maintenance but that no window covers any longer
// gets maintenance → active, dated when its window closed, and the down alert it owes if it is
// still down. The sites' maintenance_open column records which they were last given, in the
// same transaction as the events, under the sites' row locks: so each opening and closing is
// written once, whichever process sweeps, however often, and after a restart.
func (s *Store) SyncMaintenance(ctx context.Context, now time.Time) (store.MaintenanceSweep, error) {
	now = monitor.StoredTime(now)
	windows, err := s.maintenance(ctx, s.read, ``)
	if err != nil {
		return store.MaintenanceSweep{}, fmt.Errorf("sync maintenance: %w", err)
	}
	cal := monitor.NewMaintenanceCalendar(windows)
	changed, err := s.maintenanceChanges(ctx, cal, windows, now)
	if err != nil || len(changed) == 0 {
		return store.MaintenanceSweep{}, err
	}
	var sweep store.MaintenanceSweep
	err = s.inTx(ctx, func(tx conn, raw *sql.Tx) error {
		sweep = store.MaintenanceSweep{}
		return s.applyMaintenanceChanges(ctx, tx, raw, cal, changed, now, &sweep)
	})
	if err != nil {
		return store.MaintenanceSweep{}, fmt.Errorf("sync maintenance: %w", err)
	}
	return sweep, nil
}

// maintenanceChanges lists, without locking, the sites whose maintenance events are behind:
// those marked open and those a window covers now.
func (s *Store) maintenanceChanges(ctx context.Context, cal monitor.MaintenanceCalendar, windows []monitor.Maintenance, now time.Time) ([]int64, error) {
	owners, ids := []int64{}, []int64{}
	for _, m := range windows {
		if sched, err := m.Schedule(); err == nil {
			if open, _ := sched.ActiveAt(now); open {
				if m.AllSites {
					owners = append(owners, m.OwnerID)
				} else {
					ids = append(ids, m.SiteIDs...)
				}
			}
		}
	}
	// Three indexed reads rather than one OR, which would read every site at every sweep.
	const cols = `SELECT id, owner_id, maintenance_open FROM sites`
	q := cols + ` WHERE maintenance_open = TRUE UNION ` + cols + ` WHERE owner_id ` + s.d.InIDs("$1") +
		` UNION ` + cols + ` WHERE id ` + s.d.InIDs("$2")
	rows, err := s.read.query(ctx, q, owners, ids)
	if err != nil {
		return nil, fmt.Errorf("sites in maintenance: %w", err)
	}
	defer rows.Close()
	var changed []int64
	for rows.Next() {
		var (
			site monitor.Site
			open bool
		)
		if err := rows.Scan(&site.ID, &site.OwnerID, &open); err != nil {
			return nil, fmt.Errorf("sites in maintenance: %w", err)
		}
		if cal.Covers(site, now) != open {
			changed = append(changed, site.ID)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sites in maintenance: %w", err)
	}
	slices.Sort(changed)
	return changed, nil
}

// applyMaintenanceChanges locks the sites, checks again that their events are behind (another
// process may have written them meanwhile), and writes the events, the owed alerts and the
// sites' new marks.
func (s *Store) applyMaintenanceChanges(ctx context.Context, tx conn, raw *sql.Tx, cal monitor.MaintenanceCalendar,
	ids []int64, now time.Time, sweep *store.MaintenanceSweep) error {
	q := `SELECT ` + SiteColumns + `, maintenance_open FROM sites WHERE id ` + s.d.InIDs("$1") + ` ORDER BY id` + s.d.ForUpdate
	rows, err := tx.query(ctx, q, ids)
	if err != nil {
		return fmt.Errorf("lock sites: %w", err)
	}
	type marked struct {
		site monitor.Site
		open bool
	}
	locked, err := collect(rows, func(row scanner) (marked, error) {
		var m marked
		var err error
		m.site, err = scanSite(extraColumns{row, []any{&m.open}})
		return m, err
	}, "sites")
	if err != nil {
		return fmt.Errorf("lock sites: %w", err)
	}
	var (
		events []*monitor.Event
		swept  []monitor.Site
		w      store.Writes
	)
	for _, m := range locked {
		site, open := m.site, cal.Covers(m.site, now)
		if open == m.open {
			continue
		}
		last, err := lastMaintenanceEventAt(ctx, tx, site.ID)
		if err != nil {
			return err
		}
		var ev monitor.Event
		if open {
			at := later(cal.OpenedAt(site, now), last)
			ev = monitor.MaintenanceEvent(site.ID, at, true, strings.Join(cal.Titles(site, now), ", "))
			sweep.Opened++
		} else {
			at := later(cal.ClosedAt(site, now), last)
			ev = monitor.MaintenanceEvent(site.ID, at, false, "maintenance over")
			var owed *monitor.Alert
			site, owed = site.CloseMaintenance(at)
			if owed != nil {
				w.Recorded = append(w.Recorded, store.Recorded{Check: monitor.Check{SiteID: site.ID},
					Alerts: []store.QueuedAlert{{Alert: *owed}}})
				sweep.Alerts++
			}
			sweep.Closed++
		}
		events, swept = append(events, &ev), append(swept, site)
		const mark = `UPDATE sites SET maintenance_open = $2, maintenance_held = $3, last_alert_at = $4 WHERE id = $1`
		if _, err := tx.exec(ctx, mark, site.ID, open, site.MaintenanceHeld, site.LastAlertAt); err != nil {
			return fmt.Errorf("mark site %d's maintenance: %w", site.ID, err)
		}
	}
	if err := s.recordMonitoringEvents(ctx, tx, raw, swept, events); err != nil {
		return fmt.Errorf("maintenance events: %w", err)
	}
	return s.enqueueAlerts(ctx, tx, raw, &w)
}

// lastMaintenanceEventAt is when the site's last maintenance event happened (zero for none): a
// new one is never dated before it.
func lastMaintenanceEventAt(ctx context.Context, tx conn, siteID int64) (time.Time, error) {
	const q = `SELECT at FROM events WHERE site_id = $1 AND kind = 'monitoring'
		AND (from_status = 'maintenance' OR to_status = 'maintenance') ORDER BY id DESC LIMIT 1`
	var at time.Time
	err := tx.row(ctx, q, siteID).Scan(timeAt(&at))
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("last maintenance event of site %d: %w", siteID, err)
	}
	return at, nil
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
