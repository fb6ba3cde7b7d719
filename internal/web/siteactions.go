package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/tocsin/tocsin/internal/monitor"
)

// maxSiteFormBytes bounds a posted form: a site's largest settings (a 32 KiB request body and a
// JSON Schema) fit with room to spare.
const maxSiteFormBytes = 256 << 10

// siteFormPage is the add or edit page.
type siteFormPage struct {
	layout
	Form   siteForm
	Action string // where the form posts
	Site   *siteFacts
	// Other holds an error about no one field, shown at the top.
	Other string
}

// registerSiteActions adds the site forms and actions. Every change is a POST form, so the
// cross-origin protection in front of the pages covers them all; each answers with a redirect
// (303), so reloading the page it lands on does not post again.
func (h *Handler) registerSiteActions(mux *http.ServeMux) {
	mux.Handle("GET /app/sites/new", h.page(h.newSiteForm))
	mux.Handle("POST /app/sites", h.page(h.createSite))
	mux.Handle("GET /app/sites/{id}/edit", h.page(h.editSiteForm))
	mux.Handle("POST /app/sites/{id}", h.page(h.updateSite))
	mux.Handle("POST /app/sites/{id}/check", h.page(h.checkSiteNow))
	mux.Handle("POST /app/sites/{id}/pause", h.page(h.setPaused(true)))
	mux.Handle("POST /app/sites/{id}/resume", h.page(h.setPaused(false)))
	mux.Handle("GET /app/sites/{id}/delete", h.page(h.confirmDelete))
	mux.Handle("POST /app/sites/{id}/delete", h.page(h.deleteSite))
}

func (h *Handler) newSiteForm(w http.ResponseWriter, r *http.Request) {
	f := siteForm{Values: map[string]string{"type": string(monitor.KindHTTP)}}
	h.renderSiteForm(w, r, http.StatusOK, f, nil, "")
}

func (h *Handler) createSite(w http.ResponseWriter, r *http.Request) {
	f, patch, ok := h.readSiteFormPost(w, r)
	if !ok {
		return
	}
	if len(f.Errors) > 0 {
		h.renderSiteForm(w, r, http.StatusBadRequest, f, nil, "")
		return
	}
	site, err := h.sites.Add(r.Context(), owner(r), patch)
	if err != nil {
		h.formFailed(w, r, f, nil, err)
		return
	}
	redirect(w, r, siteHref(site.ID), "added")
}

func (h *Handler) editSiteForm(w http.ResponseWriter, r *http.Request) {
	site, ok := h.siteOfPath(w, r)
	if !ok {
		return
	}
	h.renderSiteForm(w, r, http.StatusOK, formOfSite(site), &site, "")
}

func (h *Handler) updateSite(w http.ResponseWriter, r *http.Request) {
	site, ok := h.siteOfPath(w, r)
	if !ok {
		return
	}
	f, patch, ok := h.readSiteFormPost(w, r)
	if !ok {
		return
	}
	if len(f.Errors) > 0 {
		h.renderSiteForm(w, r, http.StatusBadRequest, f, &site, "")
		return
	}
	if _, err := h.sites.Update(r.Context(), site, patch); err != nil {
		h.formFailed(w, r, f, &site, err)
		return
	}
	redirect(w, r, siteHref(site.ID), "saved")
}

func (h *Handler) checkSiteNow(w http.ResponseWriter, r *http.Request) {
	site, ok := h.siteOfPath(w, r)
	if !ok {
		return
	}
	if _, err := h.sites.Checker.CheckNow(r.Context(), site); err != nil {
		h.fail(w, r, err)
		return
	}
	redirect(w, r, siteHref(site.ID), "checked")
}

func (h *Handler) setPaused(paused bool) http.HandlerFunc {
	done := "resumed"
	if paused {
		done = "paused"
	}
	return func(w http.ResponseWriter, r *http.Request) {
		site, ok := h.siteOfPath(w, r)
		if !ok {
			return
		}
		if _, err := h.sites.Update(r.Context(), site, monitor.SitePatch{Paused: &paused}); err != nil {
			h.fail(w, r, err)
			return
		}
		redirect(w, r, siteHref(site.ID), done)
	}
}

type deletePage struct {
	layout
	Site siteFacts
}

func (h *Handler) confirmDelete(w http.ResponseWriter, r *http.Request) {
	site, ok := h.siteOfPath(w, r)
	if !ok {
		return
	}
	h.render(w, http.StatusOK, "sitedelete", deletePage{layout: h.layout("Delete "+site.Name, "overview"), Site: h.siteFacts(site)})
}

func (h *Handler) deleteSite(w http.ResponseWriter, r *http.Request) {
	site, ok := h.siteOfPath(w, r)
	if !ok {
		return
	}
	if err := h.store.DeleteSite(r.Context(), owner(r), site.ID); err != nil {
		h.fail(w, r, err)
		return
	}
	redirect(w, r, "/", "deleted")
}

// readSiteFormPost reads the posted site form; on a body too large or unreadable it answers 400.
func (h *Handler) readSiteFormPost(w http.ResponseWriter, r *http.Request) (siteForm, monitor.SitePatch, bool) {
	if !h.readForm(w, r, maxSiteFormBytes) {
		return siteForm{}, monitor.SitePatch{}, false
	}
	f, p := readSiteForm(r.PostForm)
	return f, p, true
}

// formFailed shows the form again with the rules' error beside its field, or fails the page
// when the error is not about the form.
func (h *Handler) formFailed(w http.ResponseWriter, r *http.Request, f siteForm, site *monitor.Site, err error) {
	if !f.blame(err) {
		h.fail(w, r, err)
		return
	}
	h.renderSiteForm(w, r, http.StatusBadRequest, f, site, "")
}

func (h *Handler) renderSiteForm(w http.ResponseWriter, r *http.Request, status int, f siteForm, site *monitor.Site, other string) {
	channels, err := h.store.ListChannels(r.Context(), owner(r))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	// Ticked as posted when the form is shown again, as stored when it is first shown.
	ticked := map[int64]bool{}
	if r.Method == http.MethodPost {
		for _, raw := range r.PostForm["channel_ids"] {
			if id, err := strconv.ParseInt(raw, 10, 64); err == nil {
				ticked[id] = true
			}
		}
	} else if site != nil {
		for _, id := range site.WebhookIDs {
			ticked[id] = true
		}
	}
	for _, c := range channels {
		label := c.Name
		if label == "" {
			label = string(c.Kind()) + " channel " + strconv.FormatInt(c.ID, 10)
		}
		if c.Default {
			label += " (default)"
		}
		f.Channels = append(f.Channels, channelChoice{ID: c.ID, Label: label + " · " + string(c.Kind()), Checked: ticked[c.ID]})
	}
	p := siteFormPage{Form: f, Action: "/app/sites", Other: other}
	title := "Add a site"
	if site != nil {
		facts := h.siteFacts(*site)
		p.Site, p.Action, title = &facts, siteHref(site.ID), "Edit "+site.Name
	}
	if msg := f.Errors[""]; msg != "" {
		p.Other = msg
	}
	p.layout = h.layout(title, "overview")
	h.render(w, status, "siteform", p)
}

// siteOfPath reads the site the path names, or answers 400 or 404.
func (h *Handler) siteOfPath(w http.ResponseWriter, r *http.Request) (monitor.Site, bool) {
	id, err := pathID(r, "a site")
	if err != nil {
		h.fail(w, r, err)
		return monitor.Site{}, false
	}
	site, err := h.store.Site(r.Context(), owner(r), id)
	if err != nil {
		h.fail(w, r, err)
		return monitor.Site{}, false
	}
	return site, true
}

func siteHref(id int64) string { return "/app/sites/" + strconv.FormatInt(id, 10) }

// redirect sends the browser on with a 303, saying what was done so the page can say so.
func redirect(w http.ResponseWriter, r *http.Request, to, done string) {
	u := to + "?" + url.Values{"done": {done}}.Encode()
	http.Redirect(w, r, u, http.StatusSeeOther)
}

// doneMessage says what an action did, for the page it redirected to; unknown words say nothing.
func doneMessage(done string) string {
	return map[string]string{
		"added":   "Site added, and checked once.",
		"saved":   "Changes saved.",
		"checked": "Checked just now; the result is below.",
		"paused":  "Paused: the site is not checked until it is resumed.",
		"resumed": "Resumed: the site is checked again, starting now.",
		"deleted": "Site deleted.",
	}[done]
}
