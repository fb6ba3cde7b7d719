package api

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/probe"
	"github.com/tocsin/tocsin/internal/store"
)

// checkSiteRefs checks what monitor's rules cannot: that an http site's URL may be checked at
// all, that its JSON Schema compiles, and that every channel it names is the owner's (any
// type: webhook_ids and channel_ids name the same rows). idsField is the name the request
// gave the list under.
func (h *Handler) checkSiteRefs(r *http.Request, site monitor.Site, idsField string) error {
	if h.auth.TargetCheck != nil && site.Kind == monitor.KindHTTP {
		if err := h.auth.TargetCheck(site.URL); err != nil {
			return badField("url", "url is not allowed: "+err.Error())
		}
	}
	if s := site.HTTP.JSONSchema; s != "" {
		if err := probe.CompileSchema(s); err != nil {
			return badField("json_schema", "json_schema is not a valid JSON Schema: "+err.Error())
		}
	}
	for _, id := range site.WebhookIDs {
		if _, err := h.store.Channel(r.Context(), site.OwnerID, id); errors.Is(err, store.ErrNotFound) {
			return badField(idsField, fmt.Sprintf("%s: there is no channel %d", idsField, id))
		} else if err != nil {
			return err
		}
	}
	return nil
}

// idsField is the name a patch gave its list of channels under.
func idsField(p monitor.SitePatch) string {
	if p.ChannelIDs != nil {
		return "channel_ids"
	}
	return "webhook_ids"
}

func (h *Handler) createSite(w http.ResponseWriter, r *http.Request) error {
	patch, err := decodeSite(w, r)
	if err != nil {
		return err
	}
	return h.respondNewSite(w, r, patch)
}

// respondNewSite adds the site, checks it once, and answers 201 with it.
func (h *Handler) respondNewSite(w http.ResponseWriter, r *http.Request, patch monitor.SitePatch) error {
	created, err := h.addSite(r, patch)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/sites/"+strconv.FormatInt(created.ID, 10))
	return reply(w, http.StatusCreated, viewSite(created))
}

func (h *Handler) addSite(r *http.Request, patch monitor.SitePatch) (monitor.Site, error) {
	site, err := monitor.NewSite(owner(r), h.now(), patch, h.limits)
	if err != nil {
		return monitor.Site{}, err
	}
	if err := h.checkSiteRefs(r, site, idsField(patch)); err != nil {
		return monitor.Site{}, err
	}
	created, err := h.store.CreateSite(r.Context(), site)
	if err != nil {
		return monitor.Site{}, err
	}
	if !created.Paused && created.Kind != monitor.KindPush {
		h.firstCheck(r, created)
		if fresh, err := h.store.Site(r.Context(), created.OwnerID, created.ID); err == nil {
			created = fresh
		}
	}
	return created, nil
}

// firstCheck checks a new site and waits for the result: the check's timeout and a little more,
// at most FirstCheckWait. Past that the reply says "pending"; the check goes on and is recorded.
func (h *Handler) firstCheck(r *http.Request, site monitor.Site) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		if _, err := h.checker.CheckNow(r.Context(), site); err != nil {
			h.log.Warn("first check of a new site failed to run", "site_id", site.ID, "err", err)
		}
	}()
	timer := time.NewTimer(min(site.Timeout()+2*time.Second, h.firstCheckWait))
	defer timer.Stop()
	select {
	case <-done:
	case <-timer.C:
	}
}

func (h *Handler) listSites(w http.ResponseWriter, r *http.Request) error {
	withSecrets, err := boolParam(r, "include_secrets")
	if err != nil {
		return err
	}
	var filter store.SiteFilter
	if raw := r.URL.Query().Get("status"); raw != "" {
		st, err := monitor.ParseStatus(raw)
		if err != nil {
			return badField("status", "status "+err.Error())
		}
		filter.Status = st
	}
	sites, err := h.store.ListSites(r.Context(), owner(r), filter)
	if err != nil {
		return err
	}
	if withSecrets {
		views := make([]siteView, len(sites))
		for i, s := range sites {
			views[i] = viewSiteWithSecrets(s)
		}
		return reply(w, http.StatusOK, views)
	}
	return reply(w, http.StatusOK, viewSites(sites))
}

func (h *Handler) getSite(w http.ResponseWriter, r *http.Request) error {
	site, err := h.siteFromPath(r)
	if err != nil {
		return err
	}
	return reply(w, http.StatusOK, viewSite(site))
}

func (h *Handler) updateSite(w http.ResponseWriter, r *http.Request) error {
	before, err := h.siteFromPath(r)
	if err != nil {
		return err
	}
	patch, err := decodeSite(w, r)
	if err != nil {
		return err
	}
	after := before
	if err := patch.ApplyTo(&after, h.limits); err != nil {
		return err
	}
	if err := h.checkSiteRefs(r, after, idsField(patch)); err != nil {
		return err
	}
	next, reschedule := monitor.NextCheckAfterEdit(before, after, monitor.StoredTime(h.now()))
	after.NextCheckAt = next
	updated, err := h.store.UpdateSite(r.Context(), after, reschedule)
	if err != nil {
		return err
	}
	if reschedule {
		h.sitesChanged()
	}
	return reply(w, http.StatusOK, viewSite(updated))
}

func (h *Handler) deleteSite(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := h.store.DeleteSite(r.Context(), owner(r), id); err != nil {
		return err
	}
	return noContent(w)
}

// checkResponse answers POST /sites/{id}/check: the check, and the site as it now stands.
type checkResponse struct {
	Check checkView  `json:"check"`
	Event *eventView `json:"event"`
	Site  siteView   `json:"site"`
}

func (h *Handler) checkSite(w http.ResponseWriter, r *http.Request) error {
	site, err := h.siteFromPath(r)
	if err != nil {
		return err
	}
	rec, err := h.checker.CheckNow(r.Context(), site)
	if err != nil {
		return err
	}
	resp := checkResponse{Check: viewCheck(rec.Check)}
	if rec.Event != nil {
		ev := viewEvent(*rec.Event)
		resp.Event = &ev
	}
	if site, err = h.store.Site(r.Context(), owner(r), site.ID); err != nil {
		return err
	}
	resp.Site = viewSite(site)
	return reply(w, http.StatusOK, resp)
}

func (h *Handler) siteFromPath(r *http.Request) (monitor.Site, error) {
	id, err := pathID(r)
	if err != nil {
		return monitor.Site{}, err
	}
	return h.store.Site(r.Context(), owner(r), id)
}

func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id < 1 {
		return 0, badField("id", "id must be a positive whole number")
	}
	return id, nil
}
