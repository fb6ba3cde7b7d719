package api

import (
	"net/http"
	"strconv"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/siteops"
	"github.com/tocsin/tocsin/internal/store"
)

// checkSiteRefs checks what monitor's rules cannot (siteops.Sites.CheckRefs): the target
// policy, the JSON Schema, and that the channels named are the owner's.
func (h *Handler) checkSiteRefs(r *http.Request, site monitor.Site, idsField string) error {
	return h.sites.CheckRefs(r.Context(), site, idsField)
}

// idsField is the name a patch gave its list of channels under.
func idsField(p monitor.SitePatch) string { return siteops.IDsField(p) }

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
	if err := h.markOneInMaintenance(r, &created); err != nil {
		return err
	}
	return reply(w, http.StatusCreated, viewSite(created))
}

func (h *Handler) addSite(r *http.Request, patch monitor.SitePatch) (monitor.Site, error) {
	return h.sites.Add(r.Context(), owner(r), patch)
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
	if err := h.markMaintenance(r, sites); err != nil {
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
	if err := h.markOneInMaintenance(r, &site); err != nil {
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
	updated, err := h.sites.Update(r.Context(), before, patch)
	if err != nil {
		return err
	}
	if err := h.markOneInMaintenance(r, &updated); err != nil {
		return err
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
	if err := h.markOneInMaintenance(r, &site); err != nil {
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
