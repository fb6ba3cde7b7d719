package probe

import (
	"cmp"
	"slices"
	"strconv"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// firstViolation turns a validation failure into one line: where in the instance and what is
// wrong there, e.g. "/data/0/id: expected integer, got string". The library reports a tree of
// every failed keyword, in an order that follows Go's map iteration; the line chosen is the
// violation that comes first by instance location, so the same body always gives the same text.
func firstViolation(root *jsonschema.ValidationError) string {
	leaves := violations(root, nil)
	if len(leaves) == 0 {
		leaves = []*jsonschema.ValidationError{root}
	}
	type violation struct {
		at   []string
		what string
	}
	p := message.NewPrinter(language.English)
	all := make([]violation, len(leaves))
	for i, e := range leaves {
		all[i] = violation{e.InstanceLocation, explain(e, p)}
	}
	first := slices.MinFunc(all, func(a, b violation) int {
		return cmp.Or(compareLocations(a.at, b.at), cmp.Compare(a.what, b.what))
	})
	return pointer(first.at) + ": " + first.what
}

// violations collects the failures worth reporting under e.
func violations(e *jsonschema.ValidationError, into []*jsonschema.ValidationError) []*jsonschema.ValidationError {
	switch e.ErrorKind.(type) {
	case *kind.AnyOf, *kind.OneOf:
		return append(into, alternatives(e)...)
	}
	if len(e.Causes) == 0 {
		if _, wrapper := e.ErrorKind.(*kind.Schema); wrapper {
			return into
		}
		return append(into, e)
	}
	for _, c := range e.Causes {
		into = violations(c, into)
	}
	return into
}

// alternatives reports an anyOf or oneOf none of whose branches matched. A branch refused for
// the value's type only says the value is not of that type; a branch of the right type that
// failed on something else is the one the author meant, so its failures are reported. When
// every branch wanted another type, they make one line: "expected string or array, got number".
func alternatives(e *jsonschema.ValidationError) []*jsonschema.ValidationError {
	var (
		meant []*jsonschema.ValidationError
		types kind.Type
	)
	for _, branch := range e.Causes {
		if t := typeMismatch(branch); t != nil {
			types.Got = t.Got
			for _, w := range t.Want {
				if !slices.Contains(types.Want, w) {
					types.Want = append(types.Want, w)
				}
			}
			continue
		}
		meant = violations(branch, meant)
	}
	switch {
	case len(meant) > 0:
		return meant
	case len(types.Want) > 0:
		return []*jsonschema.ValidationError{{InstanceLocation: e.InstanceLocation, ErrorKind: &types}}
	}
	return []*jsonschema.ValidationError{e} // e.g. a oneOf that matched twice
}

// typeMismatch is the type error a branch failed with alone, or nil.
func typeMismatch(e *jsonschema.ValidationError) *kind.Type {
	for len(e.Causes) == 1 { // through $ref and groups of one
		e = e.Causes[0]
	}
	if t, ok := e.ErrorKind.(*kind.Type); ok && len(e.Causes) == 0 {
		return t
	}
	return nil
}

// explain says what is wrong at a location, in the library's words except for types, which
// read better as "expected integer, got string".
func explain(e *jsonschema.ValidationError, p *message.Printer) string {
	if t, ok := e.ErrorKind.(*kind.Type); ok {
		return "expected " + strings.Join(t.Want, " or ") + ", got " + t.Got
	}
	return e.ErrorKind.LocalizedString(p)
}

// pointer is the JSON Pointer (RFC 6901) of an instance location. The whole document's pointer
// is empty, which would read as nothing at all: it is "(root)".
func pointer(tokens []string) string {
	if len(tokens) == 0 {
		return "(root)"
	}
	var b strings.Builder
	for _, t := range tokens {
		b.WriteByte('/')
		b.WriteString(strings.ReplaceAll(strings.ReplaceAll(t, "~", "~0"), "/", "~1"))
	}
	return b.String()
}

// compareLocations orders locations as they would appear in a document: by token, array
// indexes by number, a location before those inside it.
func compareLocations(a, b []string) int {
	for i := range min(len(a), len(b)) {
		if c := compareTokens(a[i], b[i]); c != 0 {
			return c
		}
	}
	return cmp.Compare(len(a), len(b))
}

func compareTokens(a, b string) int {
	x, errA := strconv.Atoi(a)
	y, errB := strconv.Atoi(b)
	if errA == nil && errB == nil {
		return cmp.Compare(x, y)
	}
	return strings.Compare(a, b)
}
