package api

import (
	"net/http"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
)

// anomalyView answers the average rule's latency check.
type anomalyView struct {
	SiteID     int64   `json:"site_id"`
	LatencyMS  int64   `json:"latency_ms"`  // the latest check's
	BaselineMS float64 `json:"baseline_ms"` // the average of the checks before it (up to 10)
	Ratio      float64 `json:"ratio"`
	Anomalous  bool    `json:"anomalous"` // ratio of 3 or more
	Compared   int     `json:"compared"`  // how many earlier checks the baseline averages
	// Degraded is the continuous, robust watch's verdict (see the README), for comparison.
	Degraded bool `json:"degraded"`
}

func (h *Handler) anomalyCheck(w http.ResponseWriter, r *http.Request) error {
	site, err := h.siteFromPath(r)
	if err != nil {
		return err
	}
	return h.answerAnomaly(w, r, site)
}

// latencyAnomalyCheck is the compatibility route /latencyAnomalyCheck {"endpoint_id"}.
func (h *Handler) latencyAnomalyCheck(w http.ResponseWriter, r *http.Request) error {
	site, err := h.endpointFromBody(w, r)
	if err != nil {
		return err
	}
	return h.answerAnomaly(w, r, site)
}

// answerAnomaly applies the average rule: the latest check's latency against the average of
// the 10 checks before it, anomalous at 3 times or more.
func (h *Handler) answerAnomaly(w http.ResponseWriter, r *http.Request, site monitor.Site) error {
	checks, err := h.store.History(r.Context(), site.OwnerID, site.ID, store.HistoryQuery{Limit: monitor.AverageWindow + 1})
	if err != nil {
		return err
	}
	if len(checks) == 0 {
		return &Error{Status: http.StatusConflict, Code: "not_enough_checks", Message: "the site has no checks yet"}
	}
	previous := make([]int64, 0, len(checks)-1)
	for _, c := range checks[1:] {
		previous = append(previous, c.ResponseTimeMS())
	}
	v, err := monitor.AverageAnomaly(checks[0].ResponseTimeMS(), previous)
	if err != nil {
		return &Error{Status: http.StatusConflict, Code: "not_enough_checks", Message: err.Error()}
	}
	return reply(w, http.StatusOK, anomalyView{SiteID: site.ID, LatencyMS: v.LatencyMS, BaselineMS: v.BaselineMS, Ratio: v.Ratio,
		Anomalous: v.Anomalous, Compared: v.Compared, Degraded: site.Latency.Degraded})
}
