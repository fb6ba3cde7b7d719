package api

import (
	"net/http"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
)

// The second seed's API, served for its existing clients as aliases of the canonical routes:
// /create and /login are /auth/signup and /auth/login (same bodies and answers); /addEndpoint
// and /runUrl below speak that seed's words (endpoints, latency_ms, is_up).

type addEndpointRequest struct {
	URL  *string `json:"url"`
	Name *string `json:"name"`
}

func (h *Handler) addEndpoint(w http.ResponseWriter, r *http.Request) {
	var req addEndpointRequest
	if err := decode(w, r, &req); err != nil {
		h.fail(w, r, err)
		return
	}
	h.respondNewSite(w, r, siteRequest{URL: req.URL, Name: req.Name})
}

type endpointRequest struct {
	EndpointID *int64 `json:"endpoint_id"`
}

// runURLView is a check in the second seed's checks-table words.
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
	site, err := h.store.Site(r.Context(), owner(r), *req.EndpointID)
	return site, notFoundAs(err, "no such endpoint")
}

func (h *Handler) runURL(w http.ResponseWriter, r *http.Request) {
	site, err := h.endpointFromBody(w, r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	rec, err := h.checker.CheckNow(r.Context(), site)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	c := rec.Check
	h.ok(w, http.StatusOK, runURLView{EndpointID: site.ID, StatusCode: nonZero(c.StatusCode), LatencyMS: c.ResponseTimeMS(),
		IsUp: c.Status == monitor.StatusUp, CheckedAt: c.CheckedAt, Error: nonEmpty(c.Error)})
}
