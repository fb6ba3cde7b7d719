// Package declare is configuration as code: `tocsin apply` makes a Tocsin's sites and webhooks
// match a YAML file, and `tocsin export` writes them as one. It talks to Tocsin through its
// HTTP API only, so it works against a remote instance, and it leaves every rule to the server:
// a file is checked by the server's dry runs before anything changes.
//
// A file has one top-level key per section (webhooks, channels, sites, maintenance,
// status_pages), each a list of entries in the API's JSON field names, matched to what exists
// by name (a maintenance window by its title, a status page by its slug). A section is one
// type implementing Section; adding one is one more such type in Sections.
package declare

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Document is a parsed file: its entries by section key, in the file's order. A key absent from
// the file is absent here, which --prune reads as "leave this section alone".
type Document struct {
	File     string
	Sections map[string][]Entry
}

// Entry is one item of a section: its name, its fields as JSON values, and where each was
// written.
type Entry struct {
	Index  int // its place in its section, from 0
	Name   string
	Fields map[string]any
	Line   int            // the line the entry starts on
	Lines  map[string]int // the line of each field's key
	parent string         // the section key
}

// FieldLine is the line of the entry's field, or of the entry when it has no such field.
func (e Entry) FieldLine(field string) int {
	if l, ok := e.Lines[field]; ok {
		return l
	}
	return e.Line
}

// Path names a field of the entry as the API's batch errors do: sites[3].url.
func (e Entry) Path(field string) string {
	p := fmt.Sprintf("%s[%d]", e.parent, e.Index)
	if field != "" {
		p += "." + field
	}
	return p
}

// FileError is a problem with the file, at a line.
type FileError struct {
	File  string
	Line  int
	Field string // e.g. sites[3].url; "" for the file itself
	Msg   string
}

func (e *FileError) Error() string {
	loc := e.File
	if e.Line > 0 {
		loc = fmt.Sprintf("%s:%d", e.File, e.Line)
	}
	if e.Field == "" {
		return loc + ": " + e.Msg
	}
	return loc + ": " + e.Field + ": " + e.Msg
}

// fieldError is a problem with one field of an entry.
func (d *Document) fieldError(e Entry, field, format string, args ...any) *FileError {
	return &FileError{File: d.File, Line: e.FieldLine(field), Field: e.Path(field), Msg: fmt.Sprintf(format, args...)}
}

// Parse reads a file strictly: its top level must be a mapping of known section keys, each a
// list of mappings with a name and only the keys the section takes; a key given twice, a name
// given twice within a section, or anything else out of place is an error naming its line.
func Parse(file string, data []byte, sections []Section) (*Document, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var root yaml.Node
	if err := dec.Decode(&root); errors.Is(err, io.EOF) {
		return nil, &FileError{File: file, Msg: "the file is empty; it needs at least one of the keys " + keysOf(sections)}
	} else if err != nil {
		return nil, syntaxError(file, err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return nil, &FileError{File: file, Line: extra.Line, Msg: "the file holds more than one YAML document"}
	}
	top := resolve(root.Content[0])
	if top.Kind != yaml.MappingNode {
		return nil, &FileError{File: file, Line: top.Line, Msg: "the top level must be a mapping of " + keysOf(sections)}
	}
	doc := &Document{File: file, Sections: map[string][]Entry{}}
	err := eachPair(file, top, func(key string, keyNode, value *yaml.Node) error {
		s := findSection(sections, key)
		if s == nil {
			return &FileError{File: file, Line: keyNode.Line, Field: key, Msg: "is not a key of the file; it takes " + keysOf(sections)}
		}
		entries, err := parseEntries(file, key, value, s.Fields(), nameField(s))
		doc.Sections[key] = entries
		return err
	})
	return doc, err
}

// namedBy is a section whose entries are named by another field than name (a maintenance
// window's title).
type namedBy interface{ NameField() string }

// nameField is the field that names the section's entries: what they are matched by.
func nameField(s Section) string {
	if n, ok := s.(namedBy); ok {
		return n.NameField()
	}
	return "name"
}

func parseEntries(file, key string, list *yaml.Node, fields []string, nameKey string) ([]Entry, error) {
	list = resolve(list)
	if list.Kind == yaml.ScalarNode && list.Tag == "!!null" {
		return []Entry{}, nil // "sites:" with nothing after it: an empty list
	}
	if list.Kind != yaml.SequenceNode {
		return nil, &FileError{File: file, Line: list.Line, Field: key, Msg: "must be a list of entries (each starting with - name: …)"}
	}
	entries := make([]Entry, 0, len(list.Content))
	seen := map[string]int{}
	for i, item := range list.Content {
		e, err := parseEntry(file, key, i, resolve(item), fields, nameKey)
		if err != nil {
			return nil, err
		}
		if first, dup := seen[e.Name]; dup {
			return nil, &FileError{File: file, Line: e.FieldLine(nameKey), Field: e.Path(nameKey),
				Msg: fmt.Sprintf("%q is the %s of %s[%d] (line %d) too; %ss must be unique, they are what entries are matched by", e.Name, nameKey, key, first, entries[first].FieldLine(nameKey), nameKey)}
		}
		seen[e.Name] = i
		entries = append(entries, e)
	}
	return entries, nil
}

func parseEntry(file, key string, i int, item *yaml.Node, fields []string, nameKey string) (Entry, error) {
	e := Entry{Index: i, Line: item.Line, Fields: map[string]any{}, Lines: map[string]int{}, parent: key}
	if item.Kind != yaml.MappingNode {
		return e, &FileError{File: file, Line: item.Line, Field: e.Path(""), Msg: "must be a mapping of fields, starting with " + nameKey + ":"}
	}
	err := eachPair(file, item, func(field string, keyNode, value *yaml.Node) error {
		if !slices.Contains(fields, field) {
			return &FileError{File: file, Line: keyNode.Line, Field: e.Path(field), Msg: "is not a field of " + key + "; it takes " + strings.Join(fields, ", ")}
		}
		v, err := jsonValue(value)
		var bad *valueError
		if errors.As(err, &bad) {
			return &FileError{File: file, Line: bad.line, Field: e.Path(field), Msg: bad.msg}
		}
		e.Fields[field], e.Lines[field] = v, keyNode.Line
		return nil
	})
	if err != nil {
		return e, err
	}
	name, ok := e.Fields[nameKey].(string)
	if !ok || strings.TrimSpace(name) == "" {
		return e, &FileError{File: file, Line: e.FieldLine(nameKey), Field: e.Path(nameKey), Msg: "every entry needs a " + nameKey + " (text): entries are matched by it"}
	}
	e.Name = strings.TrimSpace(name)
	return e, nil
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): `)

// syntaxError is the YAML parser's error, with its line where it gives one.
func syntaxError(file string, err error) *FileError {
	msg := err.Error()
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		return &FileError{File: file, Line: line, Msg: strings.TrimPrefix(msg, m[0])}
	}
	return &FileError{File: file, Msg: strings.TrimPrefix(msg, "yaml: ")}
}

// eachPair calls fn with each key of a mapping; a key that is not text, or is given twice, is
// an error.
func eachPair(file string, m *yaml.Node, fn func(key string, keyNode, value *yaml.Node) error) error {
	seen := map[string]int{}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := resolve(m.Content[i]), m.Content[i+1]
		if k.Kind != yaml.ScalarNode || k.Tag == "!!merge" {
			return &FileError{File: file, Line: k.Line, Msg: "keys must be plain text"}
		}
		if line, dup := seen[k.Value]; dup {
			return &FileError{File: file, Line: k.Line, Field: k.Value, Msg: fmt.Sprintf("is given twice (first on line %d)", line)}
		}
		seen[k.Value] = k.Line
		if err := fn(k.Value, k, v); err != nil {
			return err
		}
	}
	return nil
}

// resolve follows an alias to the node it names.
func resolve(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

func keysOf(sections []Section) string {
	keys := make([]string, len(sections))
	for i, s := range sections {
		keys[i] = s.Key()
	}
	return strings.Join(keys, ", ")
}

func findSection(sections []Section, key string) Section {
	for _, s := range sections {
		if s.Key() == key {
			return s
		}
	}
	return nil
}
