package api

import (
	"errors"
	"net/http"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
)

// pushView answers a heartbeat.
type pushView struct {
	OK     bool   `json:"ok"`
	Status string `json:"status"` // the site's status after the ping
}

// push records a heartbeat of a push site, in the manner of healthchecks.io: the secret token
// in the URL is the credential, so cron jobs need no login. The site is up again at once and
// its deadline moves to interval + grace from now.
func (h *Handler) push(w http.ResponseWriter, r *http.Request) error {
	token := r.PathValue("token")
	site, err := h.store.SiteByPushToken(r.Context(), token)
	if errors.Is(err, store.ErrUnavailable) {
		return h.bufferPing(w, token, err)
	}
	if err != nil {
		return notFoundAs(err, noPushSite)
	}
	if site.Paused {
		return reply(w, http.StatusOK, pushView{OK: true, Status: "paused"})
	}
	ping := monitor.Result{CheckedAt: monitor.StoredTime(h.now()), Status: monitor.StatusUp}
	recs, err := h.store.RecordChecks(r.Context(), []store.CheckResult{{SiteID: site.ID, Result: ping, Ping: true}})
	if errors.Is(err, store.ErrUnavailable) {
		return h.bufferPing(w, token, err)
	}
	if err != nil {
		return err
	}
	if len(recs) == 0 { // deleted since it was read
		return notFound(noPushSite)
	}
	if h.onAlert != nil && len(recs[0].Alerts) > 0 {
		h.onAlert()
	}
	return reply(w, http.StatusOK, pushView{OK: true, Status: string(recs[0].State.Status)})
}

// bufferPing keeps a ping the database cannot take now, to be written with the scheduler's
// results when it is back: the cron job that sent it need not retry, and no deadline is judged
// before it is written. The token is not checked until then; an unknown one is dropped.
func (h *Handler) bufferPing(w http.ResponseWriter, token string, unavailable error) error {
	if h.pings == nil || !h.pings.BufferPing(token, monitor.StoredTime(h.now())) {
		return unavailable
	}
	return reply(w, http.StatusAccepted, pushView{OK: true, Status: "buffered"})
}

const noPushSite = "no push site has this URL"
