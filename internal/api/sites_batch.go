package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
)

// A batch adds many sites in one transaction: all of them, or none and an error naming the
// site (by its index) and its field.
const (
	maxBatchSites = 10000
	maxBatchBytes = 16 << 20
)

// batchRequest is the body of POST /sites/batch.
type batchRequest struct {
	Sites []siteRequest `json:"sites"`
}

// batchView answers it: the sites as created (or, in a dry run, as they would be).
type batchView struct {
	Sites []siteView `json:"sites"`
}

func (h *Handler) createSites(w http.ResponseWriter, r *http.Request) error {
	dryRun, err := boolParam(r, "dry_run")
	if err != nil {
		return err
	}
	body, err := readBody(w, r, maxBatchBytes)
	if err != nil {
		return err
	}
	patches, err := decodeBatch(body)
	if err != nil {
		return err
	}
	sites, err := h.newSites(r, patches)
	if err != nil {
		return err
	}
	if dryRun {
		return reply(w, http.StatusOK, batchView{Sites: viewSites(sites)})
	}
	created, err := h.store.CreateSites(r.Context(), sites)
	if err != nil {
		return err
	}
	if err := h.markMaintenance(r, created); err != nil {
		return err
	}
	h.sitesChanged()
	return reply(w, http.StatusCreated, batchView{Sites: viewSites(created)})
}

// decodeBatch reads {"sites": [...]} into one patch per site. Each site is read by the rules
// of POST /sites and its errors are named after it (sites[12].url); the body around them is
// read as strictly, afterwards.
func decodeBatch(body []byte) ([]monitor.SitePatch, error) {
	var outer struct {
		Sites []json.RawMessage `json:"sites"`
	}
	if err := json.Unmarshal(body, &outer); err != nil {
		return nil, decodeError(err)
	}
	if n := len(outer.Sites); n == 0 || n > maxBatchSites {
		return nil, badField("sites", fmt.Sprintf("sites must list 1 to %d sites, not %d", maxBatchSites, n))
	}
	patches := make([]monitor.SitePatch, len(outer.Sites))
	for i, raw := range outer.Sites {
		p, err := decodeSiteBody(raw)
		if err != nil {
			return nil, inBatch(i, err)
		}
		patches[i] = p
	}
	var strict struct {
		Sites []json.RawMessage `json:"sites"`
	}
	return patches, decodeBody(body, &strict)
}

// newSites makes the batch's sites as POST /sites would, checked against the same rules, with
// their first checks spread over their first interval instead of run now.
func (h *Handler) newSites(r *http.Request, patches []monitor.SitePatch) ([]monitor.Site, error) {
	channels, err := h.store.ListChannels(r.Context(), owner(r))
	if err != nil {
		return nil, err
	}
	known := map[int64]bool{}
	for _, c := range channels {
		known[c.ID] = true
	}
	now := h.now()
	sites := make([]monitor.Site, len(patches))
	for i, p := range patches {
		site, err := monitor.NewSite(owner(r), now, p, h.limits)
		if err != nil {
			return nil, inBatch(i, err)
		}
		if err := h.checkBatchSiteRefs(r, site, idsField(p), known); err != nil {
			return nil, inBatch(i, err)
		}
		sites[i] = site
	}
	spreadFirstChecks(sites, monitor.StoredTime(now))
	return sites, nil
}

// checkBatchSiteRefs is checkSiteRefs with the owner's channels (of every type: webhook_ids
// and channel_ids name the same rows) read once for the whole batch.
func (h *Handler) checkBatchSiteRefs(r *http.Request, site monitor.Site, idsField string, channels map[int64]bool) error {
	for _, id := range site.WebhookIDs {
		if !channels[id] {
			return badField(idsField, fmt.Sprintf("%s: there is no channel %d", idsField, id))
		}
	}
	site.WebhookIDs = nil
	return h.checkSiteRefs(r, site, idsField)
}

// spreadFirstChecks schedules the i-th of n new sites i/n of its interval from now: a large
// batch starts at the pace it will keep rather than all at once. A push site keeps its first
// deadline, a whole interval and its grace away.
func spreadFirstChecks(sites []monitor.Site, now time.Time) {
	n := int64(len(sites))
	for i := range sites {
		if sites[i].Kind != monitor.KindPush {
			sites[i].NextCheckAt = now.Add(time.Duration(int64(sites[i].Interval()) * int64(i) / n))
		}
	}
}

// inBatch names the site of the batch an error is about: field url of the 13th site is
// sites[12].url.
func inBatch(i int, err error) error {
	var (
		apiErr   *Error
		fieldErr *monitor.FieldError
	)
	switch {
	case errors.As(err, &fieldErr):
		apiErr = badField(fieldErr.Field, fieldErr.Field+" "+fieldErr.Message)
	case !errors.As(err, &apiErr):
		return err
	}
	named := *apiErr
	site := fmt.Sprintf("sites[%d]", i)
	switch {
	case named.Field == "":
		named.Field, named.Message = site, site+": "+named.Message
	case strings.HasPrefix(named.Message, named.Field):
		named.Field, named.Message = site+"."+named.Field, site+"."+named.Message
	default:
		named.Field, named.Message = site+"."+named.Field, site+"."+named.Field+": "+named.Message
	}
	return &named
}

// boolParam reads an optional true/false query parameter.
func boolParam(r *http.Request, name string) (bool, error) {
	switch raw := r.URL.Query().Get(name); raw {
	case "", "false":
		return false, nil
	case "true":
		return true, nil
	}
	return false, badField(name, name+" must be true or false")
}
