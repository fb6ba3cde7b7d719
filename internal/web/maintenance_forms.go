package web

import (
	"context"
	"errors"
	"net/http"
	"strconv"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
)

// maintenanceStore is what the maintenance page and its forms read and write: the same calls
// the API's /maintenance routes make, so a window made here is swept, held and shown on status
// pages as one made through the API is.
type maintenanceStore interface {
	Maintenance(ctx context.Context, owner, id int64) (monitor.Maintenance, error)
	CreateMaintenance(ctx context.Context, m monitor.Maintenance) (monitor.Maintenance, error)
	UpdateMaintenance(ctx context.Context, m monitor.Maintenance) (monitor.Maintenance, error)
	DeleteMaintenance(ctx context.Context, owner, id int64) error
	SitesByID(ctx context.Context, owner int64, ids []int64) ([]monitor.Site, error)
}

// maintenanceFormPage is the new or edit page of a window.
type maintenanceFormPage struct {
	layout
	Form   maintenanceForm
	Action string // where the form posts
	// ID is the window edited; 0 for a new one.
	ID int64
	// Other holds an error about no one field, shown at the top.
	Other string
}

// maintenanceDeletePage asks before a window is deleted.
type maintenanceDeletePage struct {
	layout
	ID   int64
	Name string // the window's title
	// Active says the window is open now: deleting it closes it at once.
	Active bool
}

// maintenanceRoutes adds the maintenance page and its forms. As the site forms, every change
// is a POST form behind the pages' cross-origin protection, answered with a 303 redirect.
func (h *Handler) maintenanceRoutes(mux *http.ServeMux) {
	mux.Handle("GET /app/maintenance", h.page(h.maintenancePage))
	mux.Handle("GET /app/maintenance/new", h.page(h.newMaintenance))
	mux.Handle("POST /app/maintenance", h.page(h.createMaintenance))
	mux.Handle("GET /app/maintenance/{id}/edit", h.page(h.editMaintenance))
	mux.Handle("POST /app/maintenance/{id}", h.page(h.updateMaintenance))
	mux.Handle("GET /app/maintenance/{id}/delete", h.page(h.confirmMaintenanceDelete))
	mux.Handle("POST /app/maintenance/{id}/delete", h.page(h.deleteMaintenance))
}

// newMaintenance shows the empty form; ?site=ID ticks that site (the site page links so).
func (h *Handler) newMaintenance(w http.ResponseWriter, r *http.Request) {
	f := newMaintenanceForm()
	if id, err := strconv.ParseInt(r.URL.Query().Get("site"), 10, 64); err == nil {
		f.ticked[id] = true
	}
	h.renderMaintenanceForm(w, r, http.StatusOK, f, nil)
}

// createMaintenance makes a window by the API's rules (monitor.NewMaintenance, then the store,
// which refuses sites that are not the viewer's), as POST /maintenance does.
func (h *Handler) createMaintenance(w http.ResponseWriter, r *http.Request) {
	f, patch, ok := h.readMaintenancePost(w, r)
	if !ok {
		return
	}
	if len(f.Errors) > 0 {
		h.renderMaintenanceForm(w, r, http.StatusBadRequest, f, nil)
		return
	}
	m, err := monitor.NewMaintenance(owner(r), h.now(), patch)
	if err == nil {
		_, err = h.store.CreateMaintenance(r.Context(), m)
	}
	if err != nil {
		h.maintenanceFormFailed(w, r, f, nil, err)
		return
	}
	redirect(w, r, maintenancePath, "added")
}

func (h *Handler) editMaintenance(w http.ResponseWriter, r *http.Request) {
	m, ok := h.maintenanceOfPath(w, r)
	if !ok {
		return
	}
	h.renderMaintenanceForm(w, r, http.StatusOK, formOfMaintenance(m), &m)
}

// updateMaintenance changes a window by the API's rules (Maintenance.Patched, then the store),
// as PATCH /maintenance/{id} does.
func (h *Handler) updateMaintenance(w http.ResponseWriter, r *http.Request) {
	stored, ok := h.maintenanceOfPath(w, r)
	if !ok {
		return
	}
	f, patch, ok := h.readMaintenancePost(w, r)
	if !ok {
		return
	}
	if len(f.Errors) > 0 {
		h.renderMaintenanceForm(w, r, http.StatusBadRequest, f, &stored)
		return
	}
	m, err := stored.Patched(patch)
	if err == nil {
		m.UpdatedAt = monitor.StoredTime(h.now())
		_, err = h.store.UpdateMaintenance(r.Context(), m)
	}
	if err != nil {
		h.maintenanceFormFailed(w, r, f, &stored, err)
		return
	}
	redirect(w, r, maintenancePath, "saved")
}

func (h *Handler) confirmMaintenanceDelete(w http.ResponseWriter, r *http.Request) {
	m, ok := h.maintenanceOfPath(w, r)
	if !ok {
		return
	}
	p := maintenanceDeletePage{layout: h.layout("Delete "+m.Title, "maintenance"), ID: m.ID, Name: m.Title}
	if s, err := m.Schedule(); err == nil {
		p.Active, _ = s.ActiveAt(h.now())
	}
	h.render(w, http.StatusOK, "maintenance_delete", p)
}

// deleteMaintenance deletes a window, as DELETE /maintenance/{id} does: an open one closes.
func (h *Handler) deleteMaintenance(w http.ResponseWriter, r *http.Request) {
	m, ok := h.maintenanceOfPath(w, r)
	if !ok {
		return
	}
	if err := h.store.DeleteMaintenance(r.Context(), owner(r), m.ID); err != nil {
		h.maintenanceFail(w, r, err)
		return
	}
	redirect(w, r, maintenancePath, "deleted")
}

// readMaintenancePost reads the posted form; a body too large or unreadable is a 400. The
// bound is the site form's: an owner may tick thousands of sites.
func (h *Handler) readMaintenancePost(w http.ResponseWriter, r *http.Request) (maintenanceForm, monitor.MaintenancePatch, bool) {
	if !h.readForm(w, r, maxSiteFormBytes) {
		return maintenanceForm{}, monitor.MaintenancePatch{}, false
	}
	f, p := readMaintenanceForm(r.PostForm)
	return f, p, true
}

// maintenanceFormFailed shows the form again with the rules' error beside its field, or fails
// the page when the error is not about the form.
func (h *Handler) maintenanceFormFailed(w http.ResponseWriter, r *http.Request, f maintenanceForm, stored *monitor.Maintenance, err error) {
	if !f.blame(err) {
		h.maintenanceFail(w, r, err)
		return
	}
	h.renderMaintenanceForm(w, r, http.StatusBadRequest, f, stored)
}

// renderMaintenanceForm shows the form of a new window, or of the stored one being edited.
func (h *Handler) renderMaintenanceForm(w http.ResponseWriter, r *http.Request, status int, f maintenanceForm, stored *monitor.Maintenance) {
	sites, err := h.store.ListSites(r.Context(), owner(r), store.SiteFilter{})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	f.offer(sites)
	p := maintenanceFormPage{Form: f, Action: maintenancePath, Other: f.Errors[""]}
	title := "New maintenance window"
	if stored != nil {
		p.ID, p.Action, title = stored.ID, maintenanceHref(stored.ID), "Edit "+stored.Title
	}
	p.layout = h.layout(title, "maintenance")
	h.render(w, status, "maintenance_form", p)
}

// maintenanceOfPath reads the viewer's window the path names, or answers 400 or 404.
func (h *Handler) maintenanceOfPath(w http.ResponseWriter, r *http.Request) (monitor.Maintenance, bool) {
	id, err := pathID(r, "a maintenance window")
	if err != nil {
		h.fail(w, r, err)
		return monitor.Maintenance{}, false
	}
	m, err := h.store.Maintenance(r.Context(), owner(r), id)
	if err != nil {
		h.maintenanceFail(w, r, err)
		return monitor.Maintenance{}, false
	}
	return m, true
}

// maintenanceFail is fail, with "not found" said of a window rather than of a site.
func (h *Handler) maintenanceFail(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, store.ErrNotFound) {
		h.render(w, http.StatusNotFound, "error", errorPage{layout: h.layout("Not found", "maintenance"), Heading: "Not found",
			Message: "There is no such maintenance window, or it is not yours."})
		return
	}
	h.fail(w, r, err)
}

const maintenancePath = "/app/maintenance"

func maintenanceHref(id int64) string { return maintenancePath + "/" + strconv.FormatInt(id, 10) }
