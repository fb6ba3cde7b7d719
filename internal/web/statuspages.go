package web

import (
	"context"
	"net/http"

	"github.com/tocsin/tocsin/internal/monitor"
)

// StatusPageLister reads an owner's status pages and their sites, for the dashboard's page of
// them and its forms.
type StatusPageLister interface {
	ListStatusPages(ctx context.Context, owner int64) ([]monitor.StatusPage, error)
	StatusPage(ctx context.Context, owner, id int64) (monitor.StatusPage, error)
	SitesByID(ctx context.Context, owner int64, ids []int64) ([]monitor.Site, error)
}

type statusPageRow struct {
	ID                       int64
	Title, Slug, Description string
	URL, JSONURL             string
	Sections                 []statusSectionRow
	Notes                    []noteRow
	Updated                  moment
}

type statusSectionRow struct {
	Title string
	Sites []statusSiteRow
}

type statusSiteRow struct {
	ID      int64
	Name    string
	Badge   badge
	ShowURL bool
}

type noteRow struct {
	Message  string
	From, To moment
}

type statusPagesPage struct {
	layout
	Pages []statusPageRow
	// Editable offers the forms to add, change and delete pages (statuspage_forms.go).
	Editable bool
	// Done says what the form that led here did.
	Done string
}

// statusPagesPage lists the viewer's status pages: what each shows, where it is public, and the
// notes on it, with the forms that make and change them (statuspage_forms.go).
func (h *Handler) statusPagesPage(w http.ResponseWriter, r *http.Request) {
	if h.statusPages == nil {
		h.notFound(w, r)
		return
	}
	pages, err := h.statusPages.ListStatusPages(r.Context(), owner(r))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	var ids []int64
	for _, p := range pages {
		ids = append(ids, p.SiteIDs()...)
	}
	sites, err := h.statusPages.SitesByID(r.Context(), owner(r), ids)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	byID := make(map[int64]monitor.Site, len(sites))
	for _, s := range sites {
		byID[s.ID] = s
	}
	data := statusPagesPage{layout: h.layout("Status pages", "status-pages"), Pages: []statusPageRow{},
		Editable: h.pageEdits != nil, Done: pagesDoneMessage(r.URL.Query().Get("done"))}
	for _, p := range pages {
		row := statusPageRow{ID: p.ID, Title: p.Title, Slug: p.Slug, Description: p.Description,
			URL: "/status/" + p.Slug, JSONURL: "/status/" + p.Slug + ".json", Updated: h.moment(p.UpdatedAt)}
		for _, sec := range p.Sections {
			sr := statusSectionRow{Title: sec.Title}
			for _, id := range sec.SiteIDs {
				if s, ok := byID[id]; ok {
					sr.Sites = append(sr.Sites, statusSiteRow{ID: s.ID, Name: s.Name, Badge: siteBadge(s), ShowURL: p.ShowsURL(s.ID)})
				}
			}
			row.Sections = append(row.Sections, sr)
		}
		for _, n := range p.Maintenance {
			if n.Shown(h.now()) {
				row.Notes = append(row.Notes, noteRow{Message: n.Message, From: h.moment(n.From), To: h.moment(n.To)})
			}
		}
		data.Pages = append(data.Pages, row)
	}
	h.render(w, http.StatusOK, "status-pages", data)
}
