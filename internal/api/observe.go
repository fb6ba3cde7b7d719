package api

import (
	"net/http"
	"time"
)

// Observer is told of every request the API answered, for metrics; main passes one in Deps.
// A nil Observer observes nothing. It is called from many goroutines and must not block.
type Observer interface {
	// Request: a request matched pattern (the route, as "GET /sites/{id}"; "" when none
	// matched) and was answered with status after d.
	Request(pattern string, status int, d time.Duration)
}

type nopObserver struct{}

func (nopObserver) Request(string, int, time.Duration) {}

// metricsRoute serves the metrics: to anyone when public, otherwise to an admin's session
// token or API key, as an admin-only route is. It is not in the route table: its answer is
// Prometheus's text format, not JSON, so the OpenAPI document does not describe it.
func (h *Handler) metricsRoute(metrics http.Handler, open bool) http.Handler {
	access := adminOnly
	if open {
		access = public
	}
	return h.serve(route{Method: "GET", Path: "/metrics", Access: access, Handle: func(w http.ResponseWriter, r *http.Request) error {
		metrics.ServeHTTP(w, r)
		return nil
	}})
}
