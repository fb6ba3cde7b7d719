package declare

import (
	"context"
	"fmt"
	"maps"
	"slices"
)

// Section is one top-level key of a file and the kind of thing its entries declare.
type Section interface {
	Key() string      // the file's key: "sites"
	Noun() string     // one of them: "site"
	Fields() []string // the keys an entry takes
	// Load reads what exists on the server into run, with its secrets when asked.
	Load(ctx context.Context, run *Run, withSecrets bool) error
	// Plan checks the file's entries, with the server's dry runs, and returns the changes that
	// make the server match them, deletions of what they do not name included when prune is
	// set. It changes nothing.
	Plan(ctx context.Context, run *Run, entries []Entry, prune bool) ([]Change, error)
	// Apply makes the creations and updates among changes; Delete makes the deletions.
	Apply(ctx context.Context, run *Run, changes []Change) error
	Delete(ctx context.Context, run *Run, changes []Change) error
	// Export is what exists, as entries of a file.
	Export(run *Run) ([]Object, error)
}

// Sections are the sections of a file in the order they are applied: a section's entries may
// name those of the sections before it (a site its webhooks). Deletions go in reverse order.
func Sections() []Section {
	return []Section{webhookSection{}, channelSection{}, siteSection{}, maintenanceSection{}, statusPageSection{}}
}

// Op is what a change does.
type Op int

const (
	Create Op = iota + 1
	Update
	Delete
)

// Change is one thing apply does.
type Change struct {
	Section string // its section's key
	Noun    string
	Op      Op
	Name    string
	Fields  []FieldChange // what an update changes
	ID      int64         // the existing object's id, for updates and deletions
	Body    Object        // what is sent to create or update it
}

// FieldChange is one field an update changes, as shown to the user.
type FieldChange struct {
	Field    string
	From, To any
}

// Run is one apply or export: the client, and what each section found on the server.
type Run struct {
	Client *Client
	Doc    *Document
	// Current holds what exists, by section key.
	Current map[string][]Object
	// Names holds, by section key, the ids that entries of later sections may name things by:
	// those there will be once the changes are made (ids not known yet are 0).
	Names map[string]map[string]int64
}

func newRun(c *Client, doc *Document) *Run {
	return &Run{Client: c, Doc: doc, Current: map[string][]Object{}, Names: map[string]map[string]int64{}}
}

// Plan reads the server and returns the changes that make it match the file, checked but not
// made.
func Plan(ctx context.Context, c *Client, doc *Document, prune bool) (*Run, []Change, error) {
	run := newRun(c, doc)
	for _, s := range Sections() {
		if err := s.Load(ctx, run, true); err != nil {
			return nil, nil, err
		}
	}
	var changes []Change
	for _, s := range Sections() {
		entries, declared := doc.Sections[s.Key()]
		if !declared {
			continue // a section the file leaves out is left as it is, even with prune
		}
		cs, err := s.Plan(ctx, run, entries, prune)
		if err != nil {
			return nil, nil, err
		}
		changes = append(changes, cs...)
	}
	return run, changes, nil
}

// Apply makes the changes Plan returned: creations and updates section by section, then the
// deletions, the last section first.
func Apply(ctx context.Context, run *Run, changes []Change) error {
	sections := Sections()
	for _, s := range sections {
		if err := s.Apply(ctx, run, changesOf(changes, s.Key(), Create, Update)); err != nil {
			return fmt.Errorf("%s: %w", s.Key(), err)
		}
	}
	for _, s := range slices.Backward(sections) {
		if err := s.Delete(ctx, run, changesOf(changes, s.Key(), Delete)); err != nil {
			return fmt.Errorf("%s: %w", s.Key(), err)
		}
	}
	return nil
}

func changesOf(changes []Change, key string, ops ...Op) []Change {
	var out []Change
	for _, c := range changes {
		if c.Section == key && slices.Contains(ops, c.Op) {
			out = append(out, c)
		}
	}
	return out
}

// byName groups objects by their name.
func byName(objects []Object) map[string][]Object {
	out := map[string][]Object{}
	for _, o := range objects {
		name, _ := o["name"].(string)
		out[name] = append(out[name], o)
	}
	return out
}

// nameIDs maps the objects' names to their ids; a name several share maps to -1, so that an
// entry of a later section that names it is refused.
func nameIDs(objects []Object) map[string]int64 {
	out := map[string]int64{}
	for name, same := range byName(objects) {
		if len(same) == 1 {
			out[name] = id(same[0])
		} else {
			out[name] = -1
		}
	}
	return out
}

// plannedNames are the names there will be once a section's entries are applied: the entries'
// (0 for those not made yet) and, unless pruned, what exists already.
func (run *Run) plannedNames(key string, entries []Entry, matched []Object, prune bool) {
	names := map[string]int64{}
	if !prune {
		names = maps.Clone(run.Names[key])
	}
	for i, e := range entries {
		names[e.Name] = id(matched[i])
	}
	run.Names[key] = names
}

// matchOne finds the one existing object an entry names; two or more is an error naming them.
func (run *Run) matchOne(e Entry, noun string, existing map[string][]Object) (Object, error) {
	found := existing[e.Name]
	switch len(found) {
	case 0:
		return nil, nil
	case 1:
		return found[0], nil
	}
	ids := make([]int64, len(found))
	for i, o := range found {
		ids[i] = id(o)
	}
	return nil, run.Doc.fieldError(e, "name", "%d existing %ss are named %q (ids %v); rename all but one so that the name says which", len(found), noun, e.Name, ids)
}

// pruned lists deletions of the existing objects no entry names.
func pruned(key, noun string, existing []Object, entries []Entry) []Change {
	named := map[string]bool{}
	for _, e := range entries {
		named[e.Name] = true
	}
	var out []Change
	for _, o := range existing {
		if name, _ := o["name"].(string); !named[name] {
			out = append(out, Change{Section: key, Noun: noun, Op: Delete, Name: name, ID: id(o)})
		}
	}
	return out
}
