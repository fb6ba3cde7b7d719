package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/tocsin/tocsin/internal/auth"
	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/statuspage"
	"github.com/tocsin/tocsin/internal/store"
)

// StatusPages serves the public data of status pages and hears of their changes
// (statuspage.Service).
type StatusPages interface {
	Page(ctx context.Context, slug string) (*statuspage.Snapshot, error)
	Forget(slugs ...string)
}

// statusPageRequest is the body of POST and PATCH /status-pages; PATCH changes only the fields
// it holds.
type statusPageRequest struct {
	Slug           *string                `json:"slug"`
	Title          *string                `json:"title"`
	Description    *string                `json:"description"`
	Sections       *[]statusSectionBody   `json:"sections"`
	ShowURLSiteIDs *[]int64               `json:"show_url_site_ids"`
	Maintenance    *[]maintenanceNoteBody `json:"maintenance"`
}

type statusSectionBody struct {
	Title   string  `json:"title"`
	SiteIDs []int64 `json:"site_ids"`
}

type maintenanceNoteBody struct {
	Message string    `json:"message"`
	From    time.Time `json:"from"`
	To      time.Time `json:"to"`
}

type statusPageView struct {
	ID             int64                 `json:"id"`
	Slug           string                `json:"slug"`
	Title          string                `json:"title"`
	Description    string                `json:"description"`
	Sections       []statusSectionBody   `json:"sections"`
	ShowURLSiteIDs []int64               `json:"show_url_site_ids"`
	Maintenance    []maintenanceNoteBody `json:"maintenance"`
	// URL is where the page is public; JSONURL the same data for scripts.
	URL       string    `json:"url"`
	JSONURL   string    `json:"json_url"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

func viewStatusPage(p monitor.StatusPage) statusPageView {
	v := statusPageView{ID: p.ID, Slug: p.Slug, Title: p.Title, Description: p.Description,
		Sections: []statusSectionBody{}, ShowURLSiteIDs: p.ShowURLSiteIDs, Maintenance: []maintenanceNoteBody{},
		URL: "/status/" + p.Slug, JSONURL: "/status/" + p.Slug + ".json", CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt}
	if v.ShowURLSiteIDs == nil {
		v.ShowURLSiteIDs = []int64{}
	}
	for _, s := range p.Sections {
		ids := s.SiteIDs
		if ids == nil {
			ids = []int64{}
		}
		v.Sections = append(v.Sections, statusSectionBody{Title: s.Title, SiteIDs: ids})
	}
	for _, n := range p.Maintenance {
		v.Maintenance = append(v.Maintenance, maintenanceNoteBody(n))
	}
	return v
}

// apply sets the page's fields the request holds.
func (req statusPageRequest) apply(p *monitor.StatusPage) {
	if req.Slug != nil {
		p.Slug = *req.Slug
	}
	if req.Title != nil {
		p.Title = strings.TrimSpace(*req.Title)
	}
	if req.Description != nil {
		p.Description = strings.TrimSpace(*req.Description)
	}
	if req.Sections != nil {
		p.Sections = nil
		for _, s := range *req.Sections {
			p.Sections = append(p.Sections, monitor.StatusSection{Title: strings.TrimSpace(s.Title), SiteIDs: s.SiteIDs})
		}
	}
	if req.ShowURLSiteIDs != nil {
		p.ShowURLSiteIDs = *req.ShowURLSiteIDs
	}
	if req.Maintenance != nil {
		p.Maintenance = nil
		for _, n := range *req.Maintenance {
			p.Maintenance = append(p.Maintenance, monitor.MaintenanceNote{Message: strings.TrimSpace(n.Message),
				From: monitor.StoredTime(n.From), To: monitor.StoredTime(n.To)})
		}
	}
}

func slugTaken(err error) error {
	if errors.Is(err, store.ErrSlugTaken) {
		return &Error{Status: http.StatusConflict, Code: "slug_taken", Message: "another status page has this slug; choose another", Field: "slug"}
	}
	return err
}

func (h *Handler) createStatusPage(w http.ResponseWriter, r *http.Request) error {
	dryRun, err := boolParam(r, "dry_run")
	if err != nil {
		return err
	}
	var req statusPageRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	now := monitor.StoredTime(h.now())
	p := monitor.StatusPage{OwnerID: owner(r), CreatedAt: now, UpdatedAt: now}
	req.apply(&p)
	if dryRun {
		if err := h.pages.Check(r.Context(), p); err != nil {
			return err
		}
		return reply(w, http.StatusOK, viewStatusPage(p))
	}
	created, err := h.pages.Create(r.Context(), p)
	if err != nil {
		return slugTaken(err)
	}
	return reply(w, http.StatusCreated, viewStatusPage(created))
}

func (h *Handler) listStatusPages(w http.ResponseWriter, r *http.Request) error {
	pages, err := h.store.ListStatusPages(r.Context(), owner(r))
	if err != nil {
		return err
	}
	out := make([]statusPageView, 0, len(pages))
	for _, p := range pages {
		out = append(out, viewStatusPage(p))
	}
	return reply(w, http.StatusOK, out)
}

func (h *Handler) getStatusPage(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	p, err := h.store.StatusPage(r.Context(), owner(r), id)
	if err != nil {
		return err
	}
	return reply(w, http.StatusOK, viewStatusPage(p))
}

func (h *Handler) updateStatusPage(w http.ResponseWriter, r *http.Request) error {
	dryRun, err := boolParam(r, "dry_run")
	if err != nil {
		return err
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var req statusPageRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	p, err := h.store.StatusPage(r.Context(), owner(r), id)
	if err != nil {
		return err
	}
	before := p
	req.apply(&p)
	p.UpdatedAt = monitor.StoredTime(h.now())
	if dryRun {
		if err := h.pages.Check(r.Context(), p); err != nil {
			return err
		}
		return reply(w, http.StatusOK, viewStatusPage(p))
	}
	saved, err := h.pages.Update(r.Context(), before, p)
	if err != nil {
		return slugTaken(err)
	}
	return reply(w, http.StatusOK, viewStatusPage(saved))
}

func (h *Handler) deleteStatusPage(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	p, err := h.store.StatusPage(r.Context(), owner(r), id)
	if err != nil {
		return err
	}
	if err := h.pages.Delete(r.Context(), p); err != nil {
		return err
	}
	return noContent(w)
}

// publicStatusJSON is GET /status/{slug}.json: the page's public data, from the same cached
// snapshot as its HTML form. The mux cannot match a suffix, so the route takes the whole
// segment and anything but .json is not found here (the dashboard serves the HTML).
func (h *Handler) publicStatusJSON(w http.ResponseWriter, r *http.Request) error {
	slug, ok := strings.CutSuffix(r.PathValue("file"), ".json")
	if !ok || !monitor.ValidSlug(slug) {
		return notFound("no such status page")
	}
	snap, err := h.statusPages.Page(r.Context(), slug)
	if err != nil {
		return notFoundAs(err, "no such status page")
	}
	body, tag, err := snap.JSON()
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", fmt.Sprintf("public, max-age=%d", snap.MaxAge(h.now())))
	w.Header().Set("ETag", tag)
	w.Header().Set("Access-Control-Allow-Origin", "*") // public data, for scripts on other sites
	if inm := r.Header.Get("If-None-Match"); inm != "" && etagMatches(inm, tag) {
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	w.Write(body)
	return nil
}

// etagMatches reads an If-None-Match list (or *).
func etagMatches(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == etag || t == "*" {
			return true
		}
	}
	return false
}

type badgeTokenView struct {
	Token string `json:"token"`
}

// createBadgeToken gives the site a new badge token, replacing (and so revoking) any it had.
func (h *Handler) createBadgeToken(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	token, hash, err := auth.NewBadgeToken()
	if err != nil {
		return err
	}
	if err := h.store.SetBadgeToken(r.Context(), owner(r), id, hash, monitor.StoredTime(h.now())); err != nil {
		return err
	}
	return reply(w, http.StatusCreated, badgeTokenView{Token: token})
}

func (h *Handler) deleteBadgeToken(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := h.store.DeleteBadgeToken(r.Context(), owner(r), id); err != nil {
		return notFoundAs(err, "no such site, or it has no badge token")
	}
	return noContent(w)
}
