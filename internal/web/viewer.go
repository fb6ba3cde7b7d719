package web

import (
	"context"
	"net/http"
	"net/url"

	"github.com/tocsin/tocsin/internal/monitor"
)

type viewerKey struct{}

// owner is whose sites a page shows: the viewer's. Other owners' rows are not found.
func owner(r *http.Request) int64 { return viewerOf(r).ID }

// viewerOf is the user a page acts as (see Handler.viewer).
func viewerOf(r *http.Request) monitor.User {
	u, _ := r.Context().Value(viewerKey{}).(monitor.User)
	return u
}

// page runs a page handler on behalf of its viewer; a signed-out browser is sent to sign in,
// and back to the page once it has.
func (h *Handler) page(next http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, ok, err := h.viewer(r)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		if !ok {
			target := signinPath
			if r.Method == http.MethodGet && r.URL.RequestURI() != "/" {
				target += "?next=" + url.QueryEscape(r.URL.RequestURI())
			}
			pageHeaders(w.Header())
			http.Redirect(w, r, target, http.StatusSeeOther)
			return
		}
		next(w, r.WithContext(context.WithValue(r.Context(), viewerKey{}, u)))
	})
}

// adminPage is a page only admins may use.
func (h *Handler) adminPage(next http.HandlerFunc) http.Handler {
	return h.page(func(w http.ResponseWriter, r *http.Request) {
		if viewerOf(r).Role != monitor.RoleAdmin {
			h.render(w, http.StatusForbidden, "error", errorPage{layout: h.layout("Not allowed", ""),
				Heading: "Not allowed", Message: "Only admins may manage users."})
			return
		}
		next(w, r)
	})
}
