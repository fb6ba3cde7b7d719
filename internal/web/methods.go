package web

import "net/http"

// notFoundOrNotAllowed answers what no route took: 405 for a page asked for with another
// method than GET (its forms post elsewhere), 404 for a path that is no page.
func (h *Handler) notFoundOrNotAllowed(mux *http.ServeMux) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			probe := r.Clone(r.Context())
			probe.Method = http.MethodGet
			if _, pattern := mux.Handler(probe); pattern != "/app/" {
				w.Header().Set("Allow", "GET, HEAD")
				h.render(w, http.StatusMethodNotAllowed, "error", errorPage{layout: h.layout("Not allowed", ""),
					Heading: "Not allowed", Message: r.Method + " is not allowed here; this page is read with GET."})
				return
			}
		}
		h.notFound(w, r)
	}
}
