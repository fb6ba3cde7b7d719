package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
)

// The status pages' forms: add, edit and delete a page from the dashboard. Pages go through
// pageops, as the API's do, so both follow one set of rules and drop the public page's cache.
// Every change is a POST form, covered by the cross-origin protection in front of the pages;
// each answers with a redirect (303), so reloading the page it lands on does not post again.

// pageFormPage is the add or edit page.
type pageFormPage struct {
	layout
	Form   pageForm
	Action string // where the form posts
	// Page is the page edited, as stored; nil when adding one.
	Page  *monitor.StatusPage
	Notes []noteRow
}

type pageDeletePage struct {
	layout
	Page monitor.StatusPage
}

func (h *Handler) statusPageFormRoutes(mux *http.ServeMux) {
	mux.Handle("GET /app/status-pages/new", h.page(h.newStatusPageForm))
	mux.Handle("POST /app/status-pages", h.page(h.createStatusPage))
	mux.Handle("GET /app/status-pages/{id}/edit", h.page(h.editStatusPageForm))
	mux.Handle("POST /app/status-pages/{id}", h.page(h.updateStatusPage))
	mux.Handle("GET /app/status-pages/{id}/delete", h.page(h.confirmStatusPageDelete))
	mux.Handle("POST /app/status-pages/{id}/delete", h.page(h.deleteStatusPage))
}

// pagesEditable says whether this dashboard manages status pages; without it, the forms are not
// found.
func (h *Handler) pagesEditable(w http.ResponseWriter, r *http.Request) bool {
	if h.statusPages == nil || h.pageEdits == nil {
		h.notFound(w, r)
		return false
	}
	return true
}

func (h *Handler) newStatusPageForm(w http.ResponseWriter, r *http.Request) {
	if !h.pagesEditable(w, r) {
		return
	}
	var posted postedPage
	posted.grow(newSlots)
	h.renderPageForm(w, r, http.StatusOK, pageForm{Errors: map[string]string{}}, posted, nil)
}

func (h *Handler) createStatusPage(w http.ResponseWriter, r *http.Request) {
	if !h.pagesEditable(w, r) {
		return
	}
	f, posted, ok := h.readPageFormPost(w, r, nil)
	if !ok {
		return
	}
	now := monitor.StoredTime(h.now())
	p := monitor.StatusPage{OwnerID: owner(r), CreatedAt: now, UpdatedAt: now}
	slotOf := posted.apply(f, &p)
	created, err := h.pageEdits.Create(r.Context(), p)
	if err != nil {
		h.pageFormFailed(w, r, f, posted, nil, slotOf, err)
		return
	}
	pagesRedirect(w, r, created.Slug, "added")
}

func (h *Handler) editStatusPageForm(w http.ResponseWriter, r *http.Request) {
	p, ok := h.statusPageOfPath(w, r)
	if !ok {
		return
	}
	f, posted := formOfPage(p)
	h.renderPageForm(w, r, http.StatusOK, f, posted, &p)
}

func (h *Handler) updateStatusPage(w http.ResponseWriter, r *http.Request) {
	before, ok := h.statusPageOfPath(w, r)
	if !ok {
		return
	}
	f, posted, ok := h.readPageFormPost(w, r, &before)
	if !ok {
		return
	}
	after := before
	slotOf := posted.apply(f, &after)
	after.UpdatedAt = monitor.StoredTime(h.now())
	saved, err := h.pageEdits.Update(r.Context(), before, after)
	if err != nil {
		h.pageFormFailed(w, r, f, posted, &before, slotOf, err)
		return
	}
	pagesRedirect(w, r, saved.Slug, "saved")
}

func (h *Handler) confirmStatusPageDelete(w http.ResponseWriter, r *http.Request) {
	p, ok := h.statusPageOfPath(w, r)
	if !ok {
		return
	}
	h.render(w, http.StatusOK, "status-page-delete", pageDeletePage{layout: h.layout("Delete "+p.Title, "status-pages"), Page: p})
}

func (h *Handler) deleteStatusPage(w http.ResponseWriter, r *http.Request) {
	p, ok := h.statusPageOfPath(w, r)
	if !ok {
		return
	}
	if err := h.pageEdits.Delete(r.Context(), p); err != nil {
		h.fail(w, r, err)
		return
	}
	pagesRedirect(w, r, "", "deleted")
}

// readPageFormPost reads the posted form. It answers itself, and reports false, when the body
// cannot be read, when the form asked for more section rows (shown with what was typed, nothing
// saved), and when a value is not even readable (an id that is no number).
func (h *Handler) readPageFormPost(w http.ResponseWriter, r *http.Request, page *monitor.StatusPage) (pageForm, postedPage, bool) {
	if !h.readForm(w, r, maxSiteFormBytes) {
		return pageForm{}, postedPage{}, false
	}
	f, posted := readPageForm(r.PostForm)
	if r.PostForm.Has("add_sections") {
		posted.more(newSlots)
		h.renderPageForm(w, r, http.StatusOK, f, posted, page)
		return f, posted, false
	}
	if len(f.Errors) > 0 {
		h.renderPageForm(w, r, http.StatusBadRequest, f, posted, page)
		return f, posted, false
	}
	return f, posted, true
}

// pageFormFailed shows the form again with the rules' error beside its field, or fails the
// page when the error is not about the form.
func (h *Handler) pageFormFailed(w http.ResponseWriter, r *http.Request, f pageForm, posted postedPage, page *monitor.StatusPage, slotOf []int, err error) {
	if !f.blame(err, slotOf) {
		h.fail(w, r, err)
		return
	}
	status := http.StatusBadRequest
	if errors.Is(err, store.ErrSlugTaken) {
		status = http.StatusConflict // as the API answers
	}
	h.renderPageForm(w, r, status, f, posted, page)
}

func (h *Handler) renderPageForm(w http.ResponseWriter, r *http.Request, status int, f pageForm, posted postedPage, page *monitor.StatusPage) {
	sites, err := h.store.ListSites(r.Context(), owner(r), store.SiteFilter{})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	f.layOut(posted, sites)
	p := pageFormPage{Form: f, Action: "/app/status-pages", Page: page}
	title := "New status page"
	if page != nil {
		p.Action, title = "/app/status-pages/"+strconv.FormatInt(page.ID, 10), "Edit "+page.Title
		for _, n := range page.Maintenance {
			if n.Shown(h.now()) {
				p.Notes = append(p.Notes, noteRow{Message: n.Message, From: h.moment(n.From), To: h.moment(n.To)})
			}
		}
	}
	p.layout = h.layout(title, "status-pages")
	h.render(w, status, "status-page-form", p)
}

// statusPageOfPath reads the viewer's page the path names, or answers 400 or 404.
func (h *Handler) statusPageOfPath(w http.ResponseWriter, r *http.Request) (monitor.StatusPage, bool) {
	if !h.pagesEditable(w, r) {
		return monitor.StatusPage{}, false
	}
	id, err := pathID(r, "a status page")
	if err != nil {
		h.fail(w, r, err)
		return monitor.StatusPage{}, false
	}
	p, err := h.statusPages.StatusPage(r.Context(), owner(r), id)
	if errors.Is(err, store.ErrNotFound) {
		h.render(w, http.StatusNotFound, "error", errorPage{layout: h.layout("Not found", "status-pages"), Heading: "Not found",
			Message: "There is no such status page, or it is not yours."})
		return monitor.StatusPage{}, false
	}
	if err != nil {
		h.fail(w, r, err)
		return monitor.StatusPage{}, false
	}
	return p, true
}

// pagesRedirect sends the browser to the list of pages, at the page (if any), saying what was
// done.
func pagesRedirect(w http.ResponseWriter, r *http.Request, slug, done string) {
	to := "/app/status-pages?" + url.Values{"done": {done}}.Encode()
	if slug != "" {
		to += "#page-" + slug
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// pagesDoneMessage says what a form did, for the list it redirected to.
func pagesDoneMessage(done string) string {
	return map[string]string{
		"added":   "Status page added; it is public now.",
		"saved":   "Changes saved; the public page shows them now.",
		"deleted": "Status page deleted; its address is no longer public.",
	}[done]
}
