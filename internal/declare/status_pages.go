package declare

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"
)

// statusPageSection declares public status pages: the fields of POST /status-pages, matched by
// slug, with the sites they show named by name: a section's sites instead of its site_ids, and
// show_url_sites instead of show_url_site_ids.
type statusPageSection struct{}

func (statusPageSection) Key() string       { return "status_pages" }
func (statusPageSection) Noun() string      { return "status page" }
func (statusPageSection) NameField() string { return "slug" }
func (statusPageSection) Fields() []string {
	return []string{"slug", "title", "description", "sections", "show_url_sites", "maintenance"}
}

// statusPageCompared are the fields an update compares, in the file's form.
var statusPageCompared = []string{"title", "description", "sections", "show_url_sites", "maintenance"}

func (s statusPageSection) Load(ctx context.Context, run *Run, _ bool) error {
	pages, err := run.Client.list(ctx, "/status-pages")
	if err != nil {
		return fmt.Errorf("read status pages: %w", err)
	}
	siteNames := map[int64]string{}
	for _, site := range run.Current["sites"] {
		siteNames[id(site)], _ = site["name"].(string)
	}
	namesOf := func(raw any) []any {
		ids, _ := raw.([]any)
		out := make([]any, 0, len(ids))
		for _, v := range ids {
			n, _ := v.(float64)
			out = append(out, siteNames[int64(n)])
		}
		return out
	}
	for _, p := range pages {
		p["name"] = p["slug"] // what byName and pruned match by
		sections, _ := p["sections"].([]any)
		named := make([]any, 0, len(sections))
		for _, raw := range sections {
			sec, _ := raw.(map[string]any)
			named = append(named, Object{"title": sec["title"], "sites": namesOf(sec["site_ids"])})
		}
		p["sections"] = named
		shown := []string{}
		for _, n := range namesOf(p["show_url_site_ids"]) {
			shown = append(shown, n.(string))
		}
		p["show_url_sites"] = sortedAny(shown)
		p["maintenance"] = normalizedNotes(p["maintenance"])
	}
	run.Current[s.Key()], run.Names[s.Key()] = pages, nameIDs(pages)
	return nil
}

// normalizedNotes writes maintenance notes' times in UTC to the second, so that the file's
// way of writing them and the API's compare equal.
func normalizedNotes(raw any) []any {
	list, _ := raw.([]any)
	out := make([]any, 0, len(list))
	for _, item := range list {
		note, _ := item.(map[string]any)
		n := Object{}
		for k, v := range note {
			n[k] = v
			if text, ok := v.(string); ok && (k == "from" || k == "to") {
				if t, err := time.Parse(time.RFC3339, text); err == nil {
					n[k] = t.UTC().Format(time.RFC3339)
				}
			}
		}
		out = append(out, n)
	}
	return out
}

func (s statusPageSection) Plan(ctx context.Context, run *Run, entries []Entry, prune bool) ([]Change, error) {
	existing := byName(run.Current[s.Key()])
	matched := make([]Object, len(entries))
	var changes []Change
	for i, e := range entries {
		current, err := s.matchOne(run, e, existing)
		if err != nil {
			return nil, err
		}
		matched[i] = current
		want, err := s.read(run, e)
		if err != nil {
			return nil, err
		}
		// The server checks everything but the sites, which may not exist yet: the file did.
		check := Object{"slug": e.Name, "title": want["title"], "description": want["description"], "maintenance": want["maintenance"],
			"show_url_site_ids": []any{}}
		var sections []any
		for _, raw := range want["sections"].([]any) {
			sec := raw.(Object)
			sections = append(sections, Object{"title": sec["title"], "site_ids": []any{}})
		}
		check["sections"] = sections
		method, path := http.MethodPost, "/status-pages?dry_run=true"
		if current != nil {
			method, path = http.MethodPatch, fmt.Sprintf("/status-pages/%d?dry_run=true", id(current))
		}
		var shown Object
		if err := run.Client.Call(ctx, method, path, check, &shown); err != nil {
			return nil, s.entryError(run, e, err)
		}
		want["title"], want["description"] = shown["title"], shown["description"]
		want["maintenance"] = normalizedNotes(shown["maintenance"])
		if current == nil {
			changes = append(changes, Change{Section: s.Key(), Noun: s.Noun(), Op: Create, Name: e.Name, Body: want})
			continue
		}
		if fields := changedFields(current, want, statusPageCompared); len(fields) > 0 {
			changes = append(changes, Change{Section: s.Key(), Noun: s.Noun(), Op: Update, Name: e.Name, ID: id(current), Body: want, Fields: fields})
		}
	}
	run.plannedNames(s.Key(), entries, matched, prune)
	if prune {
		changes = append(changes, pruned(s.Key(), s.Noun(), run.Current[s.Key()], entries)...)
	}
	return changes, nil
}

// matchOne finds the page of the entry's slug; slugs are unique, so there is at most one.
func (s statusPageSection) matchOne(run *Run, e Entry, existing map[string][]Object) (Object, error) {
	if found := existing[e.Name]; len(found) > 0 {
		return found[0], nil
	}
	return nil, nil
}

// read is the page the entry asks for, in the file's form: its sections' sites and the sites
// whose URL it shows checked by name, the fields it leaves out empty.
func (s statusPageSection) read(run *Run, e Entry) (Object, error) {
	title, ok := e.Fields["title"].(string)
	if !ok {
		return nil, run.Doc.fieldError(e, "title", "every status page needs a title (text)")
	}
	want := Object{"slug": e.Name, "title": title, "description": e.Fields["description"]}
	if want["description"] == nil {
		want["description"] = ""
	}
	raw, isList := e.Fields["sections"].([]any)
	if !isList {
		return nil, run.Doc.fieldError(e, "sections", "every status page needs sections: a list of {title, sites}")
	}
	onPage := map[string]bool{}
	sections := make([]any, 0, len(raw))
	for i, item := range raw {
		sec, ok := item.(map[string]any)
		if !ok {
			return nil, run.Doc.fieldError(e, "sections", "sections[%d] must be a mapping of title and sites", i)
		}
		for k := range sec {
			if k != "title" && k != "sites" {
				return nil, run.Doc.fieldError(e, "sections", "sections[%d].%s is not a field of a section; it takes title and sites", i, k)
			}
		}
		title, _ := sec["title"].(string)
		if _, set := sec["title"]; set && title == "" {
			if _, isText := sec["title"].(string); !isText {
				return nil, run.Doc.fieldError(e, "sections", "sections[%d].title must be text", i)
			}
		}
		names, err := s.siteNames(run, e, fmt.Sprintf("sections[%d].sites", i), sec["sites"])
		if err != nil {
			return nil, err
		}
		for _, n := range names {
			onPage[n.(string)] = true
		}
		sections = append(sections, Object{"title": title, "sites": names})
	}
	want["sections"] = sections
	shown, err := s.siteNames(run, e, "show_url_sites", e.Fields["show_url_sites"])
	if err != nil {
		return nil, err
	}
	var shownNames []string
	for _, n := range shown {
		if !onPage[n.(string)] {
			return nil, run.Doc.fieldError(e, "show_url_sites", "%q is not in any of the page's sections", n)
		}
		shownNames = append(shownNames, n.(string))
	}
	want["show_url_sites"] = sortedAny(shownNames)
	notes, _ := e.Fields["maintenance"].([]any)
	if _, set := e.Fields["maintenance"]; set && notes == nil {
		return nil, run.Doc.fieldError(e, "maintenance", "must be a list of {message, from, to}")
	}
	want["maintenance"] = normalizedNotes(notes)
	return want, nil
}

// siteNames checks a list of site names: each known, none ambiguous. A list left out is empty.
func (s statusPageSection) siteNames(run *Run, e Entry, path string, raw any) ([]any, error) {
	field, _, _ := strings.Cut(path, "[")
	if raw == nil {
		return []any{}, nil
	}
	list, ok := raw.([]any)
	if !ok {
		return nil, run.Doc.fieldError(e, field, "%s must be a list of site names", path)
	}
	out := make([]any, 0, len(list))
	for _, item := range list {
		name, ok := item.(string)
		if !ok {
			return nil, run.Doc.fieldError(e, field, "%s must be a list of site names, not %v", path, item)
		}
		switch siteID, known := run.Names["sites"][name]; {
		case !known:
			return nil, run.Doc.fieldError(e, field, "%s: there is no site named %q (in the file's sites, or on the server unless --prune removes it)", path, name)
		case siteID < 0:
			return nil, run.Doc.fieldError(e, field, "%s: several sites on the server are named %q; rename them (PATCH /sites/{id}) or declare it under sites", path, name)
		case slices.Contains(out, any(name)) && field == "sections":
			return nil, run.Doc.fieldError(e, field, "%s lists %q twice", path, name)
		}
		out = append(out, name)
	}
	return out, nil
}

var topField = regexp.MustCompile(`^(\w+)`)

// entryError turns the server's refusal of a page into an error at the entry's field, the top
// level one (sections for sections[2].title) giving the line.
func (s statusPageSection) entryError(run *Run, e Entry, err error) error {
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.Status >= 500 || apiErr.Status == http.StatusUnauthorized {
		return err
	}
	top := topField.FindString(apiErr.Field)
	if top == "" {
		top = "slug"
	}
	msg := trimField(apiErr.Message, apiErr.Field)
	if apiErr.Field != top {
		msg = apiErr.Field + ": " + msg
	}
	return run.Doc.fieldError(e, top, "%s", msg)
}

// request is the body that creates or sets a page: every field, the sites by id.
func (s statusPageSection) request(run *Run, c Change) (Object, error) {
	ids := func(raw any) ([]int64, error) {
		names, _ := raw.([]any)
		out := make([]int64, 0, len(names))
		for _, n := range names {
			name, _ := n.(string)
			siteID := run.Names["sites"][name]
			if siteID <= 0 {
				return nil, fmt.Errorf("status page %q: site %q has no id", c.Name, name)
			}
			out = append(out, siteID)
		}
		return out, nil
	}
	body := Object{"slug": c.Name, "title": c.Body["title"], "description": c.Body["description"], "maintenance": c.Body["maintenance"]}
	var sections []Object
	for _, raw := range c.Body["sections"].([]any) {
		sec := raw.(Object)
		siteIDs, err := ids(sec["sites"])
		if err != nil {
			return nil, err
		}
		sections = append(sections, Object{"title": sec["title"], "site_ids": siteIDs})
	}
	body["sections"] = sections
	shown, err := ids(c.Body["show_url_sites"])
	if err != nil {
		return nil, err
	}
	body["show_url_site_ids"] = shown
	return body, nil
}

func (s statusPageSection) Apply(ctx context.Context, run *Run, changes []Change) error {
	return applyThroughAPI(ctx, run, changes, "/status-pages", "status page", s.request)
}

func (s statusPageSection) Delete(ctx context.Context, run *Run, changes []Change) error {
	return deleteThroughAPI(ctx, run, changes, "/status-pages", "status page")
}

func (s statusPageSection) Export(run *Run) ([]Object, error) {
	pages := run.Current[s.Key()]
	out := make([]Object, len(pages))
	for i, p := range pages {
		entry := Object{"slug": p["slug"], "title": p["title"], "sections": p["sections"]}
		for _, f := range []string{"description", "show_url_sites", "maintenance"} {
			if v := p[f]; !isOff(v) {
				entry[f] = v
			}
		}
		out[i] = entry
	}
	return out, nil
}
