package web

import (
	"fmt"
	"net/http"
	"strconv"
)

// readForm parses a posted form of at most limit bytes; it answers 400 itself when it cannot.
func (h *Handler) readForm(w http.ResponseWriter, r *http.Request, limit int64) bool {
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	if err := r.ParseForm(); err != nil {
		h.fail(w, r, &badInput{"form", fmt.Sprintf("the form could not be read (at most %d KiB): %v", limit>>10, err)})
		return false
	}
	return true
}

// pathID reads the id the request's path names: a whole number from 1, or a bad input saying
// what it should be the id of (of is "a site", "a channel", …).
func pathID(r *http.Request, of string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id < 1 {
		return 0, &badInput{"id", "must be " + of + "'s id, a whole number from 1"}
	}
	return id, nil
}

// formField is one input of a form of the account or alerts pages, with its error beside it.
type formField struct {
	Name         string
	Label        string
	Type         string // text, password, number, url, email, textarea, select, checkbox
	Value        string
	Checked      bool
	Options      []option
	Autocomplete string
	Autofocus    bool
	Help         string
	Error        string
}

type option struct {
	Value, Label string
	Selected     bool
}

// ID is the field's element id; forms on one page prefix their fields' names, so ids differ.
func (f formField) ID() string { return "f-" + f.Name }

// setFieldError puts message beside the field named name, and says whether there is one.
func setFieldError(fields []formField, name, message string) bool {
	for i := range fields {
		if fields[i].Name == name {
			fields[i].Error = message
			return true
		}
	}
	return false
}
