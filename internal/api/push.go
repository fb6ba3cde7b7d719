package api

import (
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
	site, err := h.store.SiteByPushToken(r.Context(), r.PathValue("token"))
	if err != nil {
		return notFoundAs(err, noPushSite)
	}
	if site.Paused {
		return reply(w, http.StatusOK, pushView{OK: true, Status: "paused"})
	}
	ping := monitor.Result{CheckedAt: monitor.StoredTime(h.now()), Status: monitor.StatusUp}
	recs, err := h.store.RecordChecks(r.Context(), []store.CheckResult{{SiteID: site.ID, Result: ping, Ping: true}})
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

const noPushSite = "no push site has this URL"
