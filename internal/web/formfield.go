package web

import (
	"html/template"
	"strings"
)

// siteField is one control of a form as the form templates (templates/layout/formparts.html)
// print it: built in the template with field and shaped with wide, number and secret.
type siteField struct {
	Name, Label, Hint, Value, Error string
	Wide, Number, Secret            bool
	Options                         []siteOption
}

type siteOption struct {
	Value, Label string
	Selected     bool
}

// formFuncs are the template functions that build form fields.
func formFuncs() template.FuncMap {
	return template.FuncMap{
		"field":  field,
		"wide":   func(f siteField) siteField { f.Wide = true; return f },
		"number": func(f siteField) siteField { f.Number = true; return f },
		"secret": func(f siteField) siteField { f.Secret = true; return f },
		// downBadge is the badge of a site down, for places that say so without a site at hand.
		"downBadge": func() badge { return statusBadge("down") },
	}
}

// field is the form's field of that name, with its value and error; options, for a select,
// are "value:label".
func field(form siteForm, name, label, hint string, options ...string) siteField {
	f := siteField{Name: name, Label: label, Hint: hint, Value: form.V(name), Error: form.E(name)}
	for _, o := range options {
		value, text, _ := strings.Cut(o, ":")
		f.Options = append(f.Options, siteOption{Value: value, Label: text, Selected: value == f.Value})
	}
	return f
}
