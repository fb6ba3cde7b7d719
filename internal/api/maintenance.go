package api

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
)

// /maintenance: planned work during which sites' checks run but their outage alerts are held
// and their time is left out of uptime (see monitor/maintenance_alerts.go).

// maintenanceRequest is the body of POST /maintenance and PATCH /maintenance/{id}: a
// monitor.MaintenancePatch as JSON, whose rules (which fields make a window one-off or
// recurring, what a PATCH drops) are monitor's, shared with the dashboard's form.
type maintenanceRequest struct {
	monitor.MaintenancePatch
}

// maintenanceView is a window as the API shows it.
type maintenanceView struct {
	ID       int64      `json:"id"`
	Title    string     `json:"title"`
	SiteIDs  []int64    `json:"site_ids"`
	AllSites bool       `json:"all_sites"`
	Start    *time.Time `json:"start,omitempty"`
	End      *time.Time `json:"end,omitempty"`
	Cron     string     `json:"cron,omitempty"`
	Duration string     `json:"duration,omitempty"`
	Timezone string     `json:"timezone,omitempty"`
	// Active says the window is open now; ActiveUntil is when it closes.
	Active      bool       `json:"active"`
	ActiveUntil *time.Time `json:"active_until,omitempty"`
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
}

func viewMaintenance(m monitor.Maintenance, now time.Time) maintenanceView {
	v := maintenanceView{ID: m.ID, Title: m.Title, SiteIDs: m.SiteIDs, AllSites: m.AllSites, Cron: m.Cron,
		Timezone: m.Timezone, CreatedAt: m.CreatedAt, UpdatedAt: m.UpdatedAt}
	if v.SiteIDs == nil {
		v.SiteIDs = []int64{}
	}
	if m.Recurring() {
		v.Duration = m.Duration.String()
		if v.Timezone == "" {
			v.Timezone = "UTC"
		}
	} else {
		start, end := m.Start, m.End
		v.Start, v.End = &start, &end
	}
	if s, err := m.Schedule(); err == nil {
		if open, until := s.ActiveAt(now); open {
			v.Active, v.ActiveUntil = true, &until
		}
	}
	return v
}

func (h *Handler) createMaintenance(w http.ResponseWriter, r *http.Request) error {
	dryRun, err := boolParam(r, "dry_run")
	if err != nil {
		return err
	}
	var req maintenanceRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	m, err := monitor.NewMaintenance(owner(r), h.now(), req.MaintenancePatch)
	if err != nil {
		return err
	}
	if dryRun {
		if err := h.ownsSites(r, m.SiteIDs); err != nil {
			return err
		}
		return reply(w, http.StatusOK, viewMaintenance(m, h.now()))
	}
	saved, err := h.store.CreateMaintenance(r.Context(), m)
	if err != nil {
		return err
	}
	w.Header().Set("Location", fmt.Sprintf("/maintenance/%d", saved.ID))
	return reply(w, http.StatusCreated, viewMaintenance(saved, h.now()))
}

func (h *Handler) listMaintenance(w http.ResponseWriter, r *http.Request) error {
	list, err := h.store.ListMaintenance(r.Context(), owner(r))
	if err != nil {
		return err
	}
	now := h.now()
	views := make([]maintenanceView, len(list))
	for i, m := range list {
		views[i] = viewMaintenance(m, now)
	}
	return reply(w, http.StatusOK, views)
}

func (h *Handler) getMaintenance(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	m, err := h.store.Maintenance(r.Context(), owner(r), id)
	if err != nil {
		return err
	}
	return reply(w, http.StatusOK, viewMaintenance(m, h.now()))
}

func (h *Handler) updateMaintenance(w http.ResponseWriter, r *http.Request) error {
	dryRun, err := boolParam(r, "dry_run")
	if err != nil {
		return err
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	stored, err := h.store.Maintenance(r.Context(), owner(r), id)
	if err != nil {
		return err
	}
	var req maintenanceRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	m, err := stored.Patched(req.MaintenancePatch)
	if err != nil {
		return err
	}
	if dryRun {
		if err := h.ownsSites(r, m.SiteIDs); err != nil {
			return err
		}
		return reply(w, http.StatusOK, viewMaintenance(m, h.now()))
	}
	m.UpdatedAt = monitor.StoredTime(h.now())
	saved, err := h.store.UpdateMaintenance(r.Context(), m)
	if err != nil {
		return err
	}
	return reply(w, http.StatusOK, viewMaintenance(saved, h.now()))
}

func (h *Handler) deleteMaintenance(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := h.store.DeleteMaintenance(r.Context(), owner(r), id); err != nil {
		return err
	}
	return noContent(w)
}

// ownsSites refuses site ids that are not the caller's, naming site_ids, for a dry run: the
// store refuses them itself when it saves.
func (h *Handler) ownsSites(r *http.Request, ids []int64) error {
	for _, id := range ids {
		if _, err := h.store.Site(r.Context(), owner(r), id); errors.Is(err, store.ErrNotFound) {
			return badField("site_ids", fmt.Sprintf("site_ids names site %d, which is not one of yours", id))
		} else if err != nil {
			return err
		}
	}
	return nil
}

// markMaintenance sets InMaintenance on the owner's sites: whether a window covers each now.
func (h *Handler) markMaintenance(r *http.Request, sites []monitor.Site) error {
	if len(sites) == 0 {
		return nil
	}
	windows, err := h.store.ListMaintenance(r.Context(), sites[0].OwnerID)
	if err != nil || len(windows) == 0 {
		return err
	}
	cal, now := monitor.NewMaintenanceCalendar(windows), h.now()
	for i := range sites {
		sites[i].InMaintenance = cal.Covers(sites[i], now)
	}
	return nil
}

// markOneInMaintenance is markMaintenance for one site.
func (h *Handler) markOneInMaintenance(r *http.Request, site *monitor.Site) error {
	one := []monitor.Site{*site}
	err := h.markMaintenance(r, one)
	*site = one[0]
	return err
}
