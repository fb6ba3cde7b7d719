package web

import (
	"context"
	"errors"
	"net/http"

	"github.com/tocsin/tocsin/internal/store"
)

type ownerKey struct{}

// owner is whose sites a page shows: the viewer's. Other owners' rows are not found.
func owner(r *http.Request) int64 {
	id, _ := r.Context().Value(ownerKey{}).(int64)
	return id
}

// page runs a page handler on behalf of its viewer. Without sign-in (it needs the sessions
// table, which comes next) the dashboard serves pages only when auth is off, acting, like the
// API, as the first admin or, before any account exists, as owner 0; with auth on it says so
// and shows nothing.
func (h *Handler) page(next http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !h.authOff {
			w.Header().Set("WWW-Authenticate", `Bearer realm="tocsin"`)
			h.render(w, http.StatusUnauthorized, "error", errorPage{
				layout:  layout{Title: "Dashboard unavailable", Version: h.version, Anonymous: true},
				Heading: "The dashboard needs sign-in, which it does not have yet",
				Message: "Until it does, its pages are served only when Tocsin runs single-user (TOCSIN_AUTH=off). " +
					"The JSON API works as before, with a token or an API key.",
			})
			return
		}
		u, err := h.store.FirstAdmin(r.Context())
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			h.fail(w, r, err)
			return
		}
		next(w, r.WithContext(context.WithValue(r.Context(), ownerKey{}, u.ID)))
	})
}
