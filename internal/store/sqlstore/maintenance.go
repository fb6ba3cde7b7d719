package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
)

// Maintenance windows: a row in maintenance, and the sites it covers in maintenance_sites
// (none when it covers all of its owner's sites).

const maintenanceColumns = `id, owner_id, title, all_sites, start_at, end_at, cron, duration_seconds, timezone,
	created_at, updated_at`

func scanMaintenance(row scanner) (monitor.Maintenance, error) {
	var (
		m          monitor.Maintenance
		start, end *time.Time
		seconds    int64
	)
	err := row.Scan(&m.ID, &m.OwnerID, &m.Title, &m.AllSites, timeOrNil(&start), timeOrNil(&end), &m.Cron, &seconds,
		&m.Timezone, timeAt(&m.CreatedAt), timeAt(&m.UpdatedAt))
	if start != nil {
		m.Start = *start
	}
	if end != nil {
		m.End = *end
	}
	m.Duration = time.Duration(seconds) * time.Second
	return m, err
}

func nullTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	t = monitor.StoredTime(t)
	return &t
}

func (s *Store) CreateMaintenance(ctx context.Context, m monitor.Maintenance) (monitor.Maintenance, error) {
	const q = `INSERT INTO maintenance (owner_id, title, all_sites, start_at, end_at, cron, duration_seconds, timezone,
		created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING ` + maintenanceColumns
	var saved monitor.Maintenance
	err := s.inTx(ctx, func(tx conn, _ *sql.Tx) error {
		var err error
		saved, err = scanMaintenance(tx.row(ctx, q, m.OwnerID, m.Title, m.AllSites, nullTime(m.Start), nullTime(m.End),
			m.Cron, int64(m.Duration/time.Second), m.Timezone, monitor.StoredTime(m.CreatedAt)))
		if err != nil {
			return err
		}
		saved.SiteIDs, err = s.coverSites(ctx, tx, saved, m.SiteIDs)
		return err
	})
	if err != nil {
		return monitor.Maintenance{}, fmt.Errorf("create maintenance: %w", err)
	}
	return saved, nil
}

// UpdateMaintenance writes every setting of the window; UpdatedAt is when it was saved.
func (s *Store) UpdateMaintenance(ctx context.Context, m monitor.Maintenance) (monitor.Maintenance, error) {
	const q = `UPDATE maintenance SET title = $3, all_sites = $4, start_at = $5, end_at = $6, cron = $7,
		duration_seconds = $8, timezone = $9, updated_at = $10
		WHERE id = $1 AND owner_id = $2 RETURNING ` + maintenanceColumns
	var saved monitor.Maintenance
	err := s.inTx(ctx, func(tx conn, _ *sql.Tx) error {
		var err error
		saved, err = scanMaintenance(tx.row(ctx, q, m.ID, m.OwnerID, m.Title, m.AllSites, nullTime(m.Start), nullTime(m.End),
			m.Cron, int64(m.Duration/time.Second), m.Timezone, monitor.StoredTime(m.UpdatedAt)))
		if err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `DELETE FROM maintenance_sites WHERE maintenance_id = $1`, m.ID); err != nil {
			return err
		}
		saved.SiteIDs, err = s.coverSites(ctx, tx, saved, m.SiteIDs)
		return err
	})
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return monitor.Maintenance{}, store.ErrNotFound
	case err != nil:
		return monitor.Maintenance{}, fmt.Errorf("update maintenance %d: %w", m.ID, err)
	}
	return saved, nil
}

// coverSites links the window to the sites ids, which must all be its owner's: otherwise a
// *monitor.FieldError names the first that is not.
func (s *Store) coverSites(ctx context.Context, tx conn, m monitor.Maintenance, ids []int64) ([]int64, error) {
	if m.AllSites || len(ids) == 0 {
		return nil, nil
	}
	q := `INSERT INTO maintenance_sites (maintenance_id, site_id)
		SELECT $1, id FROM sites WHERE owner_id = $2 AND id ` + s.d.InIDs("$3") + ` RETURNING site_id`
	rows, err := tx.query(ctx, q, m.ID, m.OwnerID, ids)
	if err != nil {
		return nil, fmt.Errorf("cover sites: %w", err)
	}
	linked, err := collect(rows, func(row scanner) (id int64, err error) { return id, row.Scan(&id) }, "covered sites")
	if err != nil {
		return nil, fmt.Errorf("cover sites: %w", err)
	}
	for _, id := range ids {
		if !slices.Contains(linked, id) {
			return nil, &monitor.FieldError{Field: "site_ids", Message: fmt.Sprintf("names site %d, which is not one of yours", id)}
		}
	}
	slices.Sort(linked)
	return linked, nil
}

func (s *Store) Maintenance(ctx context.Context, owner, id int64) (monitor.Maintenance, error) {
	list, err := s.maintenance(ctx, s.read, `WHERE owner_id = $1 AND id = $2`, owner, id)
	if err != nil {
		return monitor.Maintenance{}, err
	}
	if len(list) == 0 {
		return monitor.Maintenance{}, store.ErrNotFound
	}
	return list[0], nil
}

func (s *Store) ListMaintenance(ctx context.Context, owner int64) ([]monitor.Maintenance, error) {
	return s.maintenance(ctx, s.read, `WHERE owner_id = $1`, owner)
}

func (s *Store) DeleteMaintenance(ctx context.Context, owner, id int64) error {
	if err := s.write.execOne(ctx, `DELETE FROM maintenance WHERE id = $1 AND owner_id = $2`, id, owner); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return err
		}
		return fmt.Errorf("delete maintenance %d: %w", id, err)
	}
	return nil
}

// maintenance lists the windows where (a WHERE clause on maintenance) holds, in id order, with
// their sites.
func (s *Store) maintenance(ctx context.Context, c conn, where string, args ...any) ([]monitor.Maintenance, error) {
	rows, err := c.query(ctx, `SELECT `+maintenanceColumns+` FROM maintenance `+where+` ORDER BY id`, args...)
	if err != nil {
		return nil, fmt.Errorf("list maintenance: %w", err)
	}
	list, err := collect(rows, scanMaintenance, "maintenance")
	if err != nil || len(list) == 0 {
		return list, err
	}
	ids := make([]int64, len(list))
	for i, m := range list {
		ids[i] = m.ID
	}
	rows, err = c.query(ctx, `SELECT maintenance_id, site_id FROM maintenance_sites WHERE maintenance_id `+s.d.InIDs("$1")+
		` ORDER BY maintenance_id, site_id`, ids)
	if err != nil {
		return nil, fmt.Errorf("maintenance sites: %w", err)
	}
	sites, err := idPairs(rows)
	if err != nil {
		return nil, fmt.Errorf("maintenance sites: %w", err)
	}
	for i := range list {
		list[i].SiteIDs = sites[list[i].ID]
	}
	return list, nil
}

// calendarOf reads the windows of the owners of sites, for the status rules.
func (s *Store) calendarOf(ctx context.Context, c conn, sites map[int64]monitor.Site) (monitor.MaintenanceCalendar, error) {
	owners := make([]int64, 0, 1)
	for _, site := range sites {
		if !slices.Contains(owners, site.OwnerID) {
			owners = append(owners, site.OwnerID)
		}
	}
	if len(owners) == 0 {
		return monitor.MaintenanceCalendar{}, nil
	}
	windows, err := s.maintenance(ctx, c, `WHERE owner_id `+s.d.InIDs("$1"), owners)
	if err != nil {
		return monitor.MaintenanceCalendar{}, err
	}
	return monitor.NewMaintenanceCalendar(windows), nil
}
