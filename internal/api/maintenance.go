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

// maintenanceRequest is the body of POST /maintenance and PATCH /maintenance/{id}. A window is
// one-off (start and end) or recurring (cron, duration and timezone). A PATCH changes the
// fields it gives: giving start or end makes the window one-off, giving cron, duration or
// timezone makes it recurring, and the other kind's fields are dropped; giving site_ids
// covers those sites instead of all, giving all_sites true covers all.
type maintenanceRequest struct {
	Title    *string    `json:"title,omitempty"`
	SiteIDs  *[]int64   `json:"site_ids,omitempty"`
	AllSites *bool      `json:"all_sites,omitempty"`
	Start    *time.Time `json:"start,omitempty"`
	End      *time.Time `json:"end,omitempty"`
	Cron     *string    `json:"cron,omitempty"`
	Duration *string    `json:"duration,omitempty"`
	Timezone *string    `json:"timezone,omitempty"`
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

// apply writes the request's fields onto the window, as the type's comment says.
func (req maintenanceRequest) apply(m *monitor.Maintenance) error {
	if req.Title != nil {
		m.Title = *req.Title
	}
	if req.SiteIDs != nil {
		m.SiteIDs, m.AllSites = *req.SiteIDs, false
		if m.SiteIDs == nil {
			m.SiteIDs = []int64{}
		}
	}
	if req.AllSites != nil {
		m.AllSites = *req.AllSites
		if m.AllSites && req.SiteIDs == nil {
			m.SiteIDs = nil
		}
	}
	if req.Start != nil || req.End != nil {
		m.Cron, m.Duration, m.Timezone = "", 0, ""
		if req.Start != nil {
			m.Start = req.Start.UTC()
		}
		if req.End != nil {
			m.End = req.End.UTC()
		}
	}
	if req.Cron != nil || req.Duration != nil || req.Timezone != nil {
		if req.Start == nil && req.End == nil {
			m.Start, m.End = time.Time{}, time.Time{}
		}
		if req.Cron != nil {
			m.Cron = *req.Cron
			if m.Cron == "" {
				return badField("cron", "cron must not be empty; give start and end for a one-off window")
			}
		}
		if req.Duration != nil {
			d, err := time.ParseDuration(*req.Duration)
			if err != nil {
				return badField("duration", fmt.Sprintf("duration %q is not a duration, as in 90m or 2h", *req.Duration))
			}
			m.Duration = d
		}
		if req.Timezone != nil {
			m.Timezone = *req.Timezone
		}
	}
	if m.Cron == "" && (m.Duration != 0 || m.Timezone != "") {
		field := "duration"
		if m.Duration == 0 {
			field = "timezone"
		}
		return badField("cron", fmt.Sprintf("cron is required with %s: a recurring window opens at each cron time", field))
	}
	return nil
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
	if req.SiteIDs == nil && req.AllSites == nil {
		return badField("site_ids", "site_ids must name at least one site, or set all_sites to true")
	}
	now := monitor.StoredTime(h.now())
	m := monitor.Maintenance{OwnerID: owner(r), CreatedAt: now, UpdatedAt: now}
	if err := req.apply(&m); err != nil {
		return err
	}
	if err := m.Validate(); err != nil {
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
	m, err := h.store.Maintenance(r.Context(), owner(r), id)
	if err != nil {
		return err
	}
	var req maintenanceRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	if err := req.apply(&m); err != nil {
		return err
	}
	if err := m.Validate(); err != nil {
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
