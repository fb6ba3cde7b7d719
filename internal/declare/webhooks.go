package declare

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// masked is how the API shows a secret; in a file it means "the one already stored".
const masked = "****"

// webhookSection declares Discord webhooks: name, webhook_url and default.
type webhookSection struct{}

func (webhookSection) Key() string      { return "webhooks" }
func (webhookSection) Noun() string     { return "webhook" }
func (webhookSection) Fields() []string { return []string{"name", "webhook_url", "default"} }

func (s webhookSection) Load(ctx context.Context, run *Run, withSecrets bool) error {
	path := "/webhooks"
	if withSecrets {
		path += "?include_secrets=true"
	}
	hooks, err := run.Client.list(ctx, path)
	if err != nil {
		return fmt.Errorf("read webhooks: %w", err)
	}
	run.Current[s.Key()], run.Names[s.Key()] = hooks, nameIDs(hooks)
	return nil
}

// webhookEntry is a webhook entry's fields, typed.
type webhookEntry struct {
	url       string
	isDefault bool
}

func (s webhookSection) Plan(ctx context.Context, run *Run, entries []Entry, prune bool) ([]Change, error) {
	existing := byName(run.Current[s.Key()])
	matched := make([]Object, len(entries))
	var changes []Change
	defaults := 0
	for i, e := range entries {
		w, err := s.read(run.Doc, e)
		if err != nil {
			return nil, err
		}
		if w.isDefault {
			if defaults++; defaults > 1 {
				return nil, run.Doc.fieldError(e, "default", "only one webhook can be the default")
			}
		}
		current, err := run.matchOne(e, s.Noun(), existing)
		if err != nil {
			return nil, err
		}
		matched[i] = current
		change, err := s.plan(ctx, run, e, w, current)
		if err != nil {
			return nil, err
		}
		if change != nil {
			changes = append(changes, *change)
		}
	}
	run.plannedNames(s.Key(), entries, matched, prune)
	if prune {
		// A Discord webhook the channels section declares is that section's to keep.
		channels := declaredNames(run.Doc, "channels")
		for _, c := range pruned(s.Key(), s.Noun(), run.Current[s.Key()], entries) {
			if channels[c.Name] {
				run.Names[s.Key()][c.Name] = c.ID
				continue
			}
			changes = append(changes, c)
		}
	}
	return changes, nil
}

func (s webhookSection) read(doc *Document, e Entry) (webhookEntry, error) {
	var w webhookEntry
	raw, ok := e.Fields["webhook_url"].(string)
	if !ok || strings.TrimSpace(raw) == "" {
		return w, doc.fieldError(e, "webhook_url", "every webhook needs its webhook_url (text)")
	}
	w.url = strings.TrimSpace(raw)
	if v, set := e.Fields["default"]; set {
		b, ok := v.(bool)
		if !ok {
			return w, doc.fieldError(e, "default", "must be true or false")
		}
		w.isDefault = b
	}
	return w, nil
}

// plan compares one entry with the webhook of its name, if there is one. A URL that is new to
// the server is verified with Discord by a dry run before anything changes.
func (s webhookSection) plan(ctx context.Context, run *Run, e Entry, w webhookEntry, current Object) (*Change, error) {
	maskedURL := strings.HasSuffix(w.url, "/"+masked)
	if current == nil {
		if maskedURL {
			return nil, run.Doc.fieldError(e, "webhook_url", "a new webhook needs its whole URL; %s stands for a token already stored", masked)
		}
		body := Object{"name": e.Name, "webhook_url": w.url, "default": w.isDefault}
		if err := s.verify(ctx, run, e, body); err != nil {
			return nil, err
		}
		return &Change{Section: s.Key(), Noun: s.Noun(), Op: Create, Name: e.Name, Body: body}, nil
	}
	currentURL, _ := current["webhook_url"].(string)
	patch, fields := Object{}, []FieldChange{}
	switch {
	case maskedURL && webhookID(w.url) != webhookID(currentURL):
		return nil, run.Doc.fieldError(e, "webhook_url", "%s keeps the stored token, so the URL cannot name another webhook (%s, not %s); give the whole URL",
			masked, webhookID(w.url), webhookID(currentURL))
	case !maskedURL && webhookKey(w.url) != webhookKey(currentURL):
		if err := s.verify(ctx, run, e, Object{"name": e.Name, "webhook_url": w.url}); err != nil {
			return nil, err
		}
		patch["webhook_url"] = w.url
		fields = append(fields, FieldChange{"webhook_url", maskURL(currentURL), maskURL(w.url)})
	}
	if was, _ := current["default"].(bool); was != w.isDefault {
		patch["default"] = w.isDefault
		fields = append(fields, FieldChange{"default", was, w.isDefault})
	}
	if len(patch) == 0 {
		return nil, nil
	}
	return &Change{Section: s.Key(), Noun: s.Noun(), Op: Update, Name: e.Name, ID: id(current), Body: patch, Fields: fields}, nil
}

// verify asks the server whether it would take the webhook (its name, and its URL, which it
// checks with Discord), saving nothing.
func (s webhookSection) verify(ctx context.Context, run *Run, e Entry, body Object) error {
	err := run.Client.Call(ctx, http.MethodPost, "/webhooks?dry_run=true", body, nil)
	var apiErr *APIError
	if errors.As(err, &apiErr) && apiErr.Status < 500 && apiErr.Status != http.StatusUnauthorized {
		field := apiErr.Field
		if field == "" {
			field = "webhook_url"
		}
		return run.Doc.fieldError(e, field, "%s", trimField(apiErr.Message, field))
	}
	return err
}

func (s webhookSection) Apply(ctx context.Context, run *Run, changes []Change) error {
	for _, c := range changes {
		switch c.Op {
		case Create:
			var created Object
			if err := run.Client.Call(ctx, http.MethodPost, "/webhooks", c.Body, &created); err != nil {
				return fmt.Errorf("create webhook %q: %w", c.Name, err)
			}
			run.Names[s.Key()][c.Name] = id(created)
		case Update:
			if err := run.Client.Call(ctx, http.MethodPatch, fmt.Sprintf("/webhooks/%d", c.ID), c.Body, nil); err != nil {
				return fmt.Errorf("update webhook %q: %w", c.Name, err)
			}
		}
	}
	return nil
}

func (s webhookSection) Delete(ctx context.Context, run *Run, changes []Change) error {
	for _, c := range changes {
		if err := run.Client.Call(ctx, http.MethodDelete, fmt.Sprintf("/webhooks/%d", c.ID), nil, nil); err != nil {
			return fmt.Errorf("delete webhook %q: %w", c.Name, err)
		}
	}
	return nil
}

func (s webhookSection) Export(run *Run) ([]Object, error) {
	hooks := run.Current[s.Key()]
	if err := uniqueNames(s.Key(), hooks, "PATCH /webhooks/{id} {\"name\": …}"); err != nil {
		return nil, err
	}
	out := make([]Object, len(hooks))
	for i, h := range hooks {
		out[i] = Object{"name": h["name"], "webhook_url": h["webhook_url"]}
		if isDefault, _ := h["default"].(bool); isDefault {
			out[i]["default"] = true
		}
	}
	return out, nil
}

// webhookKey is what identifies a Discord webhook in its URL whatever the host or API version
// it is written with: its id and token, the last two parts of the path.
func webhookKey(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	parts := strings.Split(strings.Trim(u.Path, "/"), "/")
	if len(parts) < 2 {
		return raw
	}
	return parts[len(parts)-2] + "/" + parts[len(parts)-1]
}

// webhookID is the id part of a webhook URL.
func webhookID(raw string) string {
	id, _, _ := strings.Cut(webhookKey(raw), "/")
	return id
}

// maskURL hides a webhook URL's token.
func maskURL(raw string) string {
	if i := strings.LastIndex(raw, "/"); i >= 0 {
		return raw[:i+1] + masked
	}
	return masked
}

// trimField drops a leading field name from an API message, which the error names already.
func trimField(msg, field string) string {
	for _, prefix := range []string{field + ": ", field + " "} {
		if strings.HasPrefix(msg, prefix) {
			return strings.TrimPrefix(msg, prefix)
		}
	}
	return msg
}

// uniqueNames refuses to export objects two of which share a name: the file could not be
// applied.
func uniqueNames(key string, objects []Object, howToRename string) error {
	for name, same := range byName(objects) {
		if len(same) > 1 {
			ids := make([]int64, len(same))
			for i, o := range same {
				ids[i] = id(o)
			}
			return fmt.Errorf("%d %s are named %q (ids %v); a file matches them by name, so rename all but one first (%s)", len(same), key, name, ids, howToRename)
		}
	}
	return nil
}
