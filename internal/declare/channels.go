package declare

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"slices"
)

// channelSection declares alert channels of every type (discord, slack, telegram, ntfy, email,
// webhook): the fields of POST /channels. Discord webhooks may be declared here or under
// webhooks, not both; an export writes them under webhooks and the other types here. Sites
// name channels of any type in their channels list.
type channelSection struct{}

func (channelSection) Key() string  { return "channels" }
func (channelSection) Noun() string { return "channel" }
func (channelSection) Fields() []string {
	return append([]string{"name", "type", "default"}, channelSettings...)
}

// channelSettings are the settings of every type, in the order an export writes them; a
// channel takes those of its type (GET /channel-types).
var channelSettings = []string{"url", "bot_token", "chat_id", "server_url", "topic", "token", "host", "port", "tls",
	"username", "password", "from", "to", "secret"}

// channelSecrets are the settings shown masked unless secrets are asked for.
var channelSecrets = []string{"url", "bot_token", "token", "password", "secret"}

const discordType = "discord"

// channelTypesKey holds, in Run.Current, GET /channel-types: each type and its settings.
const channelTypesKey = "channel-types"

func (s channelSection) Load(ctx context.Context, run *Run, withSecrets bool) error {
	types, err := run.Client.list(ctx, "/channel-types")
	if err != nil {
		return fmt.Errorf("read channel types: %w", err)
	}
	path := "/channels"
	if withSecrets {
		path += "?include_secrets=true"
	}
	list, err := run.Client.list(ctx, path)
	if err != nil {
		return fmt.Errorf("read channels: %w", err)
	}
	run.Current[channelTypesKey], run.Current[s.Key()] = types, list
	run.Names[s.Key()] = nameIDs(nonDiscord(list))
	return nil
}

func nonDiscord(list []Object) []Object {
	var out []Object
	for _, c := range list {
		if c["type"] != discordType {
			out = append(out, c)
		}
	}
	return out
}

// typeSettings are the settings a channel type takes, nil for a type the server does not know.
func typeSettings(run *Run, typ string) []string {
	for _, t := range run.Current[channelTypesKey] {
		if t["type"] == typ {
			raw, _ := t["fields"].([]any)
			out := make([]string, 0, len(raw))
			for _, f := range raw {
				name, _ := f.(string)
				out = append(out, name)
			}
			return out
		}
	}
	return nil
}

func (s channelSection) Plan(ctx context.Context, run *Run, entries []Entry, prune bool) ([]Change, error) {
	existing := byName(run.Current[s.Key()])
	hooks := declaredNames(run.Doc, "webhooks")
	var changes []Change
	names := map[string]int64{}
	if !prune {
		for name, id := range run.Names[s.Key()] {
			names[name] = id
		}
	}
	for _, e := range entries {
		if hooks[e.Name] {
			return nil, run.Doc.fieldError(e, "name", "%q is declared under webhooks too; declare a Discord webhook in one place", e.Name)
		}
		typ, ok := e.Fields["type"].(string)
		if !ok || typeSettings(run, typ) == nil {
			return nil, run.Doc.fieldError(e, "type", "every channel needs a type, one of %s", knownTypes(run))
		}
		current, err := run.matchOne(e, s.Noun(), existing)
		if err != nil {
			return nil, err
		}
		var change *Change
		if current == nil {
			change, err = s.planCreate(ctx, run, e, typ)
		} else {
			change, err = s.planUpdate(ctx, run, e, typ, current)
		}
		if err != nil {
			return nil, err
		}
		if change != nil {
			changes = append(changes, *change)
		}
		if typ == discordType {
			run.Names["webhooks"][e.Name] = id(current) // sites name it as a webhook too
		} else {
			names[e.Name] = id(current)
		}
	}
	run.Names[s.Key()] = names
	if prune {
		changes = append(changes, s.pruned(run, entries)...)
	}
	return changes, nil
}

// pruned deletes the channels no entry names. Discord webhooks are the webhooks section's when
// the file has one.
func (s channelSection) pruned(run *Run, entries []Entry) []Change {
	_, hasHooks := run.Doc.Sections["webhooks"]
	var keep []Object
	for _, c := range run.Current[s.Key()] {
		if c["type"] == discordType && hasHooks {
			keep = append(keep, c)
		}
	}
	keptNames := map[string]bool{}
	for _, c := range keep {
		name, _ := c["name"].(string)
		keptNames[name] = true
	}
	var out []Change
	for _, c := range pruned(s.Key(), s.Noun(), run.Current[s.Key()], entries) {
		if keptNames[c.Name] {
			continue
		}
		if hookID, ok := run.Names["webhooks"][c.Name]; ok && hookID == c.ID {
			delete(run.Names["webhooks"], c.Name)
		}
		out = append(out, c)
	}
	return out
}

func knownTypes(run *Run) string {
	var names []string
	for _, t := range run.Current[channelTypesKey] {
		name, _ := t["type"].(string)
		names = append(names, name)
	}
	return fmt.Sprint(names)
}

// declaredNames are the names the file gives in a section.
func declaredNames(doc *Document, key string) map[string]bool {
	out := map[string]bool{}
	for _, e := range doc.Sections[key] {
		out[e.Name] = true
	}
	return out
}

func (s channelSection) planCreate(ctx context.Context, run *Run, e Entry, typ string) (*Change, error) {
	for _, f := range channelSecrets {
		if v, _ := e.Fields[f].(string); v != "" && containsMasked(v) {
			return nil, run.Doc.fieldError(e, f, "a new channel needs the secret itself; %s stands for one already stored", masked)
		}
	}
	body := Object{}
	for k, v := range e.Fields {
		body[k] = v
	}
	if err := s.dryRun(ctx, run, e, http.MethodPost, "/channels?dry_run=true", body, nil); err != nil {
		return nil, err
	}
	return &Change{Section: s.Key(), Noun: s.Noun(), Op: Create, Name: e.Name, Body: body}, nil
}

// planUpdate asks the server what the entry makes of the channel, as a dry run of the PATCH
// that sets every field of the entry (those of its type the entry leaves out are cleared), and
// compares it with the channel as it is.
func (s channelSection) planUpdate(ctx context.Context, run *Run, e Entry, typ string, current Object) (*Change, error) {
	if current["type"] != typ {
		return nil, run.Doc.fieldError(e, "type", "the channel named %q is of type %v; a channel's type cannot change: delete it or give the new one another name", e.Name, current["type"])
	}
	settings := typeSettings(run, typ)
	body := Object{"default": false}
	for k, v := range e.Fields {
		if k != "type" {
			body[k] = v
		}
	}
	for _, f := range settings {
		if _, given := body[f]; !given {
			switch f {
			case "port":
			case "to":
				body[f] = []any{}
			default:
				body[f] = ""
			}
		}
	}
	var want Object
	if err := s.dryRun(ctx, run, e, http.MethodPatch, fmt.Sprintf("/channels/%d?dry_run=true", id(current)), body, &want); err != nil {
		return nil, err
	}
	var fields []FieldChange
	for _, f := range append([]string{"name", "default"}, settings...) {
		from, to := current[f], want[f]
		if reflect.DeepEqual(from, to) {
			continue
		}
		if slices.Contains(channelSecrets, f) {
			from, to = maskedIfSet(from), maskedIfSet(to)
		}
		fields = append(fields, FieldChange{f, from, to})
	}
	if len(fields) == 0 {
		return nil, nil
	}
	return &Change{Section: s.Key(), Noun: s.Noun(), Op: Update, Name: e.Name, ID: id(current), Body: body, Fields: fields}, nil
}

func maskedIfSet(v any) any {
	if text, _ := v.(string); text != "" {
		return masked
	}
	return v
}

func containsMasked(s string) bool {
	return len(s) >= len(masked) && (s == masked || s[len(s)-len(masked):] == masked)
}

// dryRun asks the server whether it would take the channel, turning a refusal into an error
// at the entry's field.
func (s channelSection) dryRun(ctx context.Context, run *Run, e Entry, method, path string, body Object, out any) error {
	err := run.Client.Call(ctx, method, path, body, out)
	var apiErr *APIError
	if errors.As(err, &apiErr) && apiErr.Status < 500 && apiErr.Status != http.StatusUnauthorized {
		field := apiErr.Field
		if field == "" {
			field = "type"
		}
		return run.Doc.fieldError(e, field, "%s", trimField(apiErr.Message, field))
	}
	return err
}

func (s channelSection) Apply(ctx context.Context, run *Run, changes []Change) error {
	for _, c := range changes {
		switch c.Op {
		case Create:
			var created Object
			if err := run.Client.Call(ctx, http.MethodPost, "/channels", c.Body, &created); err != nil {
				return fmt.Errorf("create channel %q: %w", c.Name, err)
			}
			if created["type"] == discordType {
				run.Names["webhooks"][c.Name] = id(created)
			} else {
				run.Names[s.Key()][c.Name] = id(created)
			}
		case Update:
			if err := run.Client.Call(ctx, http.MethodPatch, fmt.Sprintf("/channels/%d", c.ID), c.Body, nil); err != nil {
				return fmt.Errorf("update channel %q: %w", c.Name, err)
			}
		}
	}
	return nil
}

func (s channelSection) Delete(ctx context.Context, run *Run, changes []Change) error {
	for _, c := range changes {
		if err := run.Client.Call(ctx, http.MethodDelete, fmt.Sprintf("/channels/%d", c.ID), nil, nil); err != nil {
			return fmt.Errorf("delete channel %q: %w", c.Name, err)
		}
	}
	return nil
}

// Export writes the channels of every type but discord, which the webhooks section holds.
func (s channelSection) Export(run *Run) ([]Object, error) {
	list := nonDiscord(run.Current[s.Key()])
	if err := uniqueNames(s.Key(), list, "PATCH /channels/{id} {\"name\": …}"); err != nil {
		return nil, err
	}
	out := make([]Object, len(list))
	for i, c := range list {
		typ, _ := c["type"].(string)
		entry := Object{"name": c["name"], "type": typ}
		if isDefault, _ := c["default"].(bool); isDefault {
			entry["default"] = true
		}
		for _, f := range typeSettings(run, typ) {
			if v, ok := c[f]; ok && !isOff(v) {
				entry[f] = v
			}
		}
		out[i] = entry
	}
	return out, nil
}
