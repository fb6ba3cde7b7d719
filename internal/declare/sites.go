package declare

import (
	"context"
	"fmt"
	"net/http"
	"slices"
)

// batchSize is the most sites POST /sites/batch takes at once.
const batchSize = 10000

// siteSection declares sites: the fields of POST /sites, with webhooks named by name.
type siteSection struct{}

func (siteSection) Key() string      { return "sites" }
func (siteSection) Noun() string     { return "site" }
func (siteSection) Fields() []string { return siteFields() }

func (s siteSection) Load(ctx context.Context, run *Run, withSecrets bool) error {
	path := "/sites"
	if withSecrets {
		path += "?include_secrets=true"
	}
	sites, err := run.Client.list(ctx, path)
	if err != nil {
		return fmt.Errorf("read sites: %w", err)
	}
	hookNames := map[int64]string{}
	for _, h := range run.Current["webhooks"] {
		hookNames[id(h)], _ = h["name"].(string)
	}
	for _, site := range sites {
		site["webhooks"] = webhookNames(site, hookNames)
	}
	run.Current[s.Key()], run.Names[s.Key()] = sites, nameIDs(sites)
	return nil
}

// webhookNames are the names of the webhooks a site alerts, sorted. Its channels of other
// types, which a file cannot name yet, are not among them (see otherChannelIDs).
func webhookNames(site Object, names map[int64]string) []any {
	ids, _ := site["webhook_ids"].([]any)
	out := make([]string, 0, len(ids))
	for _, raw := range ids {
		n, _ := raw.(float64)
		if name, ok := names[int64(n)]; ok {
			out = append(out, name)
		}
	}
	return sortedAny(out)
}

// otherChannelIDs are the site's channels that are not webhooks (Slack, email…): an update
// of its webhooks keeps them, since the file cannot name them yet.
func otherChannelIDs(run *Run, siteID int64) []int64 {
	hooks := map[int64]bool{}
	for _, h := range run.Current["webhooks"] {
		hooks[id(h)] = true
	}
	var out []int64
	for _, site := range run.Current["sites"] {
		if id(site) != siteID {
			continue
		}
		ids, _ := site["webhook_ids"].([]any)
		for _, raw := range ids {
			if n, _ := raw.(float64); !hooks[int64(n)] {
				out = append(out, int64(n))
			}
		}
	}
	return out
}

func sortedAny(names []string) []any {
	slices.Sort(names)
	names = slices.Compact(names)
	out := make([]any, len(names))
	for i, n := range names {
		out[i] = n
	}
	return out
}

func (s siteSection) Plan(ctx context.Context, run *Run, entries []Entry, prune bool) ([]Change, error) {
	existing := byName(run.Current[s.Key()])
	currents := make([]Object, len(entries))
	requests := make([]Object, len(entries))
	for i, e := range entries {
		current, err := run.matchOne(e, s.Noun(), existing)
		if err != nil {
			return nil, err
		}
		if err := s.checkEntry(run, e, current == nil); err != nil {
			return nil, err
		}
		currents[i], requests[i] = current, request(e)
	}
	desired, err := s.dryRun(ctx, run, entries, requests)
	if err != nil {
		return nil, err
	}
	var changes []Change
	for i, e := range entries {
		want := desired[i]
		restoreSecrets(want, e.Fields, currents[i])
		want["webhooks"] = declaredWebhooks(e)
		if currents[i] == nil {
			body := requests[i]
			body["webhooks"] = want["webhooks"]
			changes = append(changes, Change{Section: s.Key(), Noun: s.Noun(), Op: Create, Name: e.Name, Body: body})
			continue
		}
		if fields, patch := diffSite(want, currents[i]); len(patch) > 0 {
			changes = append(changes, Change{Section: s.Key(), Noun: s.Noun(), Op: Update, Name: e.Name, ID: id(currents[i]), Body: patch, Fields: fields})
		}
	}
	run.plannedNames(s.Key(), entries, currents, prune)
	if prune {
		changes = append(changes, pruned(s.Key(), s.Noun(), run.Current[s.Key()], entries)...)
	}
	return changes, nil
}

// request is what an entry asks the API for: its fields, but webhooks, which go by id.
func request(e Entry) Object {
	out := Object{}
	for k, v := range e.Fields {
		if k != "webhooks" {
			out[k] = v
		}
	}
	return out
}

// declaredWebhooks are the names of the webhooks an entry alerts, sorted.
func declaredWebhooks(e Entry) []any {
	list, _ := e.Fields["webhooks"].([]any)
	names := make([]string, 0, len(list))
	for _, item := range list {
		name, _ := item.(string)
		names = append(names, name)
	}
	return sortedAny(names)
}

func (s siteSection) Apply(ctx context.Context, run *Run, changes []Change) error {
	var creates []Object
	for _, c := range changes {
		body, err := withWebhookIDs(run, c)
		if err != nil {
			return err
		}
		switch c.Op {
		case Create:
			creates = append(creates, body)
		case Update:
			if err := run.Client.Call(ctx, http.MethodPatch, fmt.Sprintf("/sites/%d", c.ID), body, nil); err != nil {
				return fmt.Errorf("update site %q: %w", c.Name, err)
			}
		}
	}
	for start := 0; start < len(creates); start += batchSize {
		part := creates[start:min(start+batchSize, len(creates))]
		var created struct {
			Sites []Object `json:"sites"`
		}
		if err := run.Client.Call(ctx, http.MethodPost, "/sites/batch", Object{"sites": part}, &created); err != nil {
			return fmt.Errorf("create sites %d to %d: %w", start+1, start+len(part), err)
		}
		for _, site := range created.Sites {
			name, _ := site["name"].(string)
			run.Names[s.Key()][name] = id(site) // for the sections after this one
		}
	}
	return nil
}

// withWebhookIDs is a change's body with the webhooks it names by name given by id, now that
// they all exist.
func withWebhookIDs(run *Run, c Change) (Object, error) {
	names, named := c.Body["webhooks"].([]any)
	if !named {
		return c.Body, nil
	}
	body := Object{}
	for k, v := range c.Body {
		if k != "webhooks" {
			body[k] = v
		}
	}
	ids := make([]int64, 0, len(names))
	for _, n := range names {
		name, _ := n.(string)
		hookID := run.Names["webhooks"][name]
		if hookID <= 0 {
			return nil, fmt.Errorf("site %q: webhook %q has no id", c.Name, name)
		}
		ids = append(ids, hookID)
	}
	body["webhook_ids"] = append(ids, otherChannelIDs(run, c.ID)...)
	return body, nil
}

func (s siteSection) Delete(ctx context.Context, run *Run, changes []Change) error {
	for _, c := range changes {
		if err := run.Client.Call(ctx, http.MethodDelete, fmt.Sprintf("/sites/%d", c.ID), nil, nil); err != nil {
			return fmt.Errorf("delete site %q: %w", c.Name, err)
		}
	}
	return nil
}

func (s siteSection) Export(run *Run) ([]Object, error) {
	sites := run.Current[s.Key()]
	if err := uniqueNames(s.Key(), sites, "PATCH /sites/{id} {\"name\": …}"); err != nil {
		return nil, err
	}
	out := make([]Object, len(sites))
	for i, site := range sites {
		entry := Object{}
		for _, f := range siteFields() {
			v, ok := site[f]
			if !ok || (slices.Contains(omittedWhenOff, f) || f == "url") && isOff(v) {
				continue
			}
			entry[f] = v
		}
		out[i] = entry
	}
	return out, nil
}
