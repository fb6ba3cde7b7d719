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
	hookNames, channelNames := map[int64]string{}, map[int64]string{}
	for _, h := range run.Current["webhooks"] {
		hookNames[id(h)], _ = h["name"].(string)
	}
	for _, c := range nonDiscord(run.Current["channels"]) {
		channelNames[id(c)], _ = c["name"].(string)
	}
	for _, site := range sites {
		site["webhooks"] = channelNamesOf(site, hookNames)
		site["channels"] = channelNamesOf(site, channelNames)
	}
	run.Current[s.Key()], run.Names[s.Key()] = sites, nameIDs(sites)
	return nil
}

// channelNamesOf are the names, sorted, of the site's channels among names: its Discord
// webhooks, or its channels of the other types.
func channelNamesOf(site Object, names map[int64]string) []any {
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
		hooks, others, managed := s.declaredChannels(run, e, currents[i])
		want["webhooks"], want["channels"] = hooks, others
		// The channels go as one list of ids; without channels in the file, those of the
		// other types are kept as they are (see withWebhookIDs).
		setChannels := func(body Object) {
			body["webhooks"] = hooks
			if managed {
				body["channels"] = others
			} else {
				delete(body, "channels")
			}
		}
		if currents[i] == nil {
			body := requests[i]
			setChannels(body)
			changes = append(changes, Change{Section: s.Key(), Noun: s.Noun(), Op: Create, Name: e.Name, Body: body})
			continue
		}
		if fields, patch := diffSite(want, currents[i]); len(patch) > 0 {
			_, hooksChanged := patch["webhooks"]
			if _, channelsChanged := patch["channels"]; hooksChanged || channelsChanged {
				setChannels(patch)
			}
			changes = append(changes, Change{Section: s.Key(), Noun: s.Noun(), Op: Update, Name: e.Name, ID: id(currents[i]), Body: patch, Fields: fields})
		}
	}
	run.plannedNames(s.Key(), entries, currents, prune)
	if prune {
		changes = append(changes, pruned(s.Key(), s.Noun(), run.Current[s.Key()], entries)...)
	}
	return changes, nil
}

// request is what an entry asks the API for: its fields, but webhooks and channels, which go
// by id.
func request(e Entry) Object {
	out := Object{}
	for k, v := range e.Fields {
		if k != "webhooks" && k != "channels" {
			out[k] = v
		}
	}
	return out
}

// declaredChannels are the names of the channels an entry alerts, sorted: its Discord
// webhooks, and its channels of the other types. A Discord webhook named among channels is
// one of its webhooks. A file that declares no channels, for a site whose entry names none,
// keeps the site's channels of the other types as they are.
func (s siteSection) declaredChannels(run *Run, e Entry, current Object) (webhooks, channels []any, managed bool) {
	hooks := names(e.Fields["webhooks"])
	_, fileHasChannels := run.Doc.Sections["channels"]
	listed, entryHasChannels := e.Fields["channels"]
	if !fileHasChannels && !entryHasChannels {
		if current != nil {
			channels, _ = current["channels"].([]any)
		}
		return sortedAny(hooks), append([]any{}, channels...), false
	}
	var others []string
	for _, name := range names(listed) {
		if _, isChannel := run.Names["channels"][name]; isChannel {
			others = append(others, name)
		} else {
			hooks = append(hooks, name)
		}
	}
	return sortedAny(hooks), sortedAny(others), true
}

func names(raw any) []string {
	list, _ := raw.([]any)
	out := make([]string, 0, len(list))
	for _, item := range list {
		name, _ := item.(string)
		out = append(out, name)
	}
	return out
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

// withWebhookIDs is a change's body with the channels it names by name given by id, now that
// they all exist.
func withWebhookIDs(run *Run, c Change) (Object, error) {
	hooks, named := c.Body["webhooks"].([]any)
	if !named {
		return c.Body, nil
	}
	others, managed := c.Body["channels"].([]any)
	body := Object{}
	for k, v := range c.Body {
		if k != "webhooks" && k != "channels" {
			body[k] = v
		}
	}
	ids := make([]int64, 0, len(hooks)+len(others))
	for _, list := range []struct {
		key   string
		names []any
	}{{"webhooks", hooks}, {"channels", others}} {
		for _, n := range list.names {
			name, _ := n.(string)
			channelID := run.Names[list.key][name]
			if channelID <= 0 {
				return nil, fmt.Errorf("site %q: %s %q has no id", c.Name, list.key[:len(list.key)-1], name)
			}
			ids = append(ids, channelID)
		}
	}
	if !managed {
		ids = append(ids, otherChannelIDs(run, c.ID)...)
	}
	body["webhook_ids"] = ids
	return body, nil
}

// otherChannelIDs are the site's channels that are not webhooks (Slack, email…), kept by an
// update of its webhooks when the file does not name channels.
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
