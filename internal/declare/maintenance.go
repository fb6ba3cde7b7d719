package declare

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// maintenanceSection declares maintenance windows: the fields of POST /maintenance, matched by
// title, with the sites they cover named by name (sites) instead of by id (site_ids).
type maintenanceSection struct{}

func (maintenanceSection) Key() string       { return "maintenance" }
func (maintenanceSection) Noun() string      { return "maintenance window" }
func (maintenanceSection) NameField() string { return "title" }
func (maintenanceSection) Fields() []string {
	return []string{"title", "sites", "all_sites", "start", "end", "cron", "duration", "timezone"}
}

// maintenanceCompared are the fields of a window an update compares, as the API shows them.
var maintenanceCompared = []string{"all_sites", "start", "end", "cron", "duration", "timezone"}

func (s maintenanceSection) Load(ctx context.Context, run *Run, _ bool) error {
	windows, err := run.Client.list(ctx, "/maintenance")
	if err != nil {
		return fmt.Errorf("read maintenance windows: %w", err)
	}
	siteNames := map[int64]string{}
	for _, site := range run.Current["sites"] {
		siteNames[id(site)], _ = site["name"].(string)
	}
	for _, m := range windows {
		m["name"] = m["title"] // what byName and pruned match by
		ids, _ := m["site_ids"].([]any)
		var names []string
		for _, raw := range ids {
			n, _ := raw.(float64)
			names = append(names, siteNames[int64(n)])
		}
		m["sites"] = sortedAny(names)
		normalizeWindowTimes(m)
	}
	run.Current[s.Key()], run.Names[s.Key()] = windows, nameIDs(windows)
	return nil
}

// normalizeWindowTimes writes a window's start and end in UTC to the second, and its duration
// as Go writes it, so that the file's way of writing them and the API's compare equal.
func normalizeWindowTimes(m Object) {
	for _, f := range []string{"start", "end"} {
		if text, ok := m[f].(string); ok {
			if t, err := time.Parse(time.RFC3339, text); err == nil {
				m[f] = t.UTC().Format(time.RFC3339)
			}
		}
	}
	if text, ok := m["duration"].(string); ok {
		if d, err := time.ParseDuration(text); err == nil {
			m["duration"] = d.String()
		}
	}
}

func (s maintenanceSection) Plan(ctx context.Context, run *Run, entries []Entry, prune bool) ([]Change, error) {
	existing := byName(run.Current[s.Key()])
	matched := make([]Object, len(entries))
	var changes []Change
	for i, e := range entries {
		current, err := s.matchOne(run, e, existing)
		if err != nil {
			return nil, err
		}
		matched[i] = current
		sites, err := s.sites(run, e)
		if err != nil {
			return nil, err
		}
		body := Object{"title": e.Name}
		for _, f := range []string{"all_sites", "start", "end", "cron", "duration", "timezone"} {
			if v, ok := e.Fields[f]; ok {
				body[f] = v
			}
		}
		// The server checks everything but the sites, which may not exist yet: the file did.
		check := Object{}
		for k, v := range body {
			check[k] = v
		}
		check["all_sites"] = true
		var want Object
		if err := run.Client.Call(ctx, http.MethodPost, "/maintenance?dry_run=true", check, &want); err != nil {
			return nil, s.entryError(run, e, err)
		}
		normalizeWindowTimes(want)
		allSites, _ := e.Fields["all_sites"].(bool)
		want["all_sites"], want["sites"] = allSites, sortedAny(sites)
		body["sites"] = want["sites"]
		if current == nil {
			changes = append(changes, Change{Section: s.Key(), Noun: s.Noun(), Op: Create, Name: e.Name, Body: body})
			continue
		}
		if fields := changedFields(current, want, append([]string{"sites"}, maintenanceCompared...)); len(fields) > 0 {
			changes = append(changes, Change{Section: s.Key(), Noun: s.Noun(), Op: Update, Name: e.Name, ID: id(current), Body: body, Fields: fields})
		}
	}
	run.plannedNames(s.Key(), entries, matched, prune)
	if prune {
		changes = append(changes, pruned(s.Key(), s.Noun(), run.Current[s.Key()], entries)...)
	}
	return changes, nil
}

// matchOne is Run.matchOne for windows, which are named by their title.
func (s maintenanceSection) matchOne(run *Run, e Entry, existing map[string][]Object) (Object, error) {
	found := existing[e.Name]
	if len(found) <= 1 {
		if len(found) == 1 {
			return found[0], nil
		}
		return nil, nil
	}
	ids := make([]int64, len(found))
	for i, o := range found {
		ids[i] = id(o)
	}
	return nil, run.Doc.fieldError(e, "title", "%d existing maintenance windows have the title %q (ids %v); retitle all but one (PATCH /maintenance/{id})", len(found), e.Name, ids)
}

// sites checks the names of the sites the entry covers: known, unambiguous, and at least one
// unless all_sites.
func (s maintenanceSection) sites(run *Run, e Entry) ([]string, error) {
	allSites, isBool := e.Fields["all_sites"].(bool)
	if _, set := e.Fields["all_sites"]; set && !isBool {
		return nil, run.Doc.fieldError(e, "all_sites", "must be true or false")
	}
	raw, set := e.Fields["sites"]
	list, ok := raw.([]any)
	switch {
	case set && !ok:
		return nil, run.Doc.fieldError(e, "sites", "must be a list of site names")
	case allSites && len(list) > 0:
		return nil, run.Doc.fieldError(e, "sites", "must be left out when all_sites is true")
	case allSites:
		return nil, nil
	case len(list) == 0:
		return nil, run.Doc.fieldError(e, "sites", "must name at least one site, or set all_sites to true")
	}
	out := make([]string, 0, len(list))
	for _, item := range list {
		name, ok := item.(string)
		if !ok {
			return nil, run.Doc.fieldError(e, "sites", "must be a list of site names, not %v", item)
		}
		switch siteID, known := run.Names["sites"][name]; {
		case !known:
			return nil, run.Doc.fieldError(e, "sites", "there is no site named %q (in the file's sites, or on the server unless --prune removes it)", name)
		case siteID < 0:
			return nil, run.Doc.fieldError(e, "sites", "several sites on the server are named %q; rename them (PATCH /sites/{id}) or declare it under sites", name)
		}
		out = append(out, name)
	}
	return out, nil
}

// entryError turns the server's refusal of a window into an error at the entry's field.
func (s maintenanceSection) entryError(run *Run, e Entry, err error) error {
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.Status >= 500 || apiErr.Status == http.StatusUnauthorized {
		return err
	}
	field := apiErr.Field
	if field == "site_ids" {
		field = "sites"
	}
	return run.Doc.fieldError(e, field, "%s", trimField(apiErr.Message, apiErr.Field))
}

// request is the body that creates or sets a window: every field of the entry, the sites by id.
func (s maintenanceSection) request(run *Run, c Change) (Object, error) {
	body := Object{"title": c.Body["title"]}
	if all, _ := c.Body["all_sites"].(bool); all {
		body["all_sites"] = true
	} else {
		names, _ := c.Body["sites"].([]any)
		ids := make([]int64, 0, len(names))
		for _, n := range names {
			name, _ := n.(string)
			siteID := run.Names["sites"][name]
			if siteID <= 0 {
				return nil, fmt.Errorf("maintenance window %q: site %q has no id", c.Name, name)
			}
			ids = append(ids, siteID)
		}
		body["site_ids"] = ids
	}
	for _, f := range []string{"start", "end", "cron", "duration", "timezone"} {
		if v, ok := c.Body[f]; ok {
			body[f] = v
		}
	}
	if _, recurring := body["cron"]; recurring && body["timezone"] == nil {
		body["timezone"] = "" // UTC, replacing the zone the window had
	}
	return body, nil
}

func (s maintenanceSection) Apply(ctx context.Context, run *Run, changes []Change) error {
	return applyThroughAPI(ctx, run, changes, "/maintenance", "maintenance window", s.request)
}

func (s maintenanceSection) Delete(ctx context.Context, run *Run, changes []Change) error {
	return deleteThroughAPI(ctx, run, changes, "/maintenance", "maintenance window")
}

func (s maintenanceSection) Export(run *Run) ([]Object, error) {
	windows := run.Current[s.Key()]
	if err := uniqueNames(s.Key(), windows, "PATCH /maintenance/{id} {\"title\": …}"); err != nil {
		return nil, err
	}
	out := make([]Object, len(windows))
	for i, m := range windows {
		entry := Object{"title": m["title"]}
		if all, _ := m["all_sites"].(bool); all {
			entry["all_sites"] = true
		} else {
			entry["sites"] = m["sites"]
		}
		for _, f := range []string{"start", "end", "cron", "duration", "timezone"} {
			if v, ok := m[f]; ok && !isOff(v) {
				entry[f] = v
			}
		}
		out[i] = entry
	}
	return out, nil
}
