package api

import (
	"net/http"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
)

// Compatibility routes, served for the clients of an earlier API as aliases of the canonical
// routes: /create and /login are /auth/signup and /auth/login (same bodies and answers);
// /addEndpoint and /runUrl below speak that API's words (endpoints, latency_ms, is_up).

type addEndpointRequest struct {
	URL  *string `json:"url"`
	Name *string `json:"name"`
}

func (h *Handler) addEndpoint(w http.ResponseWriter, r *http.Request) error {
	var req addEndpointRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	return h.respondNewSite(w, r, monitor.SitePatch{URL: req.URL, Name: req.Name})
}

type endpointRequest struct {
	EndpointID *int64 `json:"endpoint_id"`
}

// runURLView is a check in the earlier API's words.
type runURLView struct {
	EndpointID int64     `json:"endpoint_id"`
	StatusCode *int      `json:"status_code"`
	LatencyMS  int64     `json:"latency_ms"`
	IsUp       bool      `json:"is_up"`
	CheckedAt  time.Time `json:"checked_at"`
	Error      *string   `json:"error"`
}

// endpointFromBody reads {"endpoint_id"} and loads that site of the caller's.
func (h *Handler) endpointFromBody(w http.ResponseWriter, r *http.Request) (monitor.Site, error) {
	var req endpointRequest
	if err := decode(w, r, &req); err != nil {
		return monitor.Site{}, err
	}
	if req.EndpointID == nil || *req.EndpointID < 1 {
		return monitor.Site{}, badField("endpoint_id", "endpoint_id is required: the id of a saved endpoint")
	}
	return h.store.Site(r.Context(), owner(r), *req.EndpointID)
}

func (h *Handler) runURL(w http.ResponseWriter, r *http.Request) error {
	site, err := h.endpointFromBody(w, r)
	if err != nil {
		return err
	}
	rec, err := h.checker.CheckNow(r.Context(), site)
	if err != nil {
		return err
	}
	c := rec.Check
	return reply(w, http.StatusOK, runURLView{EndpointID: site.ID, StatusCode: nonZero(c.StatusCode), LatencyMS: c.ResponseTimeMS(),
		IsUp: c.Status == monitor.StatusUp, CheckedAt: c.CheckedAt, Error: nonEmpty(c.Error)})
}
