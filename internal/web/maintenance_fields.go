package web

import (
	"errors"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
)

// The two kinds of window the form offers, by the value of its kind radio.
const (
	windowOneOff    = "one-off"
	windowRecurring = "recurring"
)

// maintenanceForm is the new and edit form of a maintenance window: the text the user typed,
// the sites to tick, and the errors about them. Fields are named as the API's JSON fields are,
// so that an error monitor or the store reports about a field lands beside it; the form's own
// fields are kind (one-off or recurring) and oneoff_timezone, the zone a one-off window's
// start and end are typed in (the API takes instants with their offset instead). Beyond
// reading text into times, the form holds no rule: it fills a monitor.MaintenancePatch, which
// the API's rules judge.
type maintenanceForm struct {
	Values map[string]string
	// Sites are the owner's sites, ticked as the window covers them.
	Sites  []siteChoice
	ticked map[int64]bool
	Errors map[string]string // by field; "" holds an error about no one field
}

// siteChoice is one of the owner's sites as a checkbox of a form (maintenance windows, status
// page sections).
type siteChoice struct {
	ID      int64
	Name    string
	Checked bool
}

// maintenanceFields are the form's fields in the order it shows them, for the error summary;
// the radios (all_sites, kind) carry no error of their own.
var maintenanceFields = []string{"title", "site_ids", "start", "end", "oneoff_timezone", "cron", "duration", "timezone"}

// localLayouts are the forms a datetime-local input sends, without and with seconds.
var localLayouts = []string{"2006-01-02T15:04", "2006-01-02T15:04:05"}

// V is a field's value, for the template.
func (f maintenanceForm) V(name string) string { return f.Values[name] }

// E is the error about a field, if any.
func (f maintenanceForm) E(name string) string { return f.Errors[name] }

// Is says whether the form is for a window of this kind.
func (f maintenanceForm) Is(kind string) bool { return f.Values["kind"] == kind }

// AllSites says whether the window covers all sites.
func (f maintenanceForm) AllSites() bool { return f.Values["all_sites"] == "true" }

// F is a text field, for the form templates (templates/layout/formparts.html).
func (f maintenanceForm) F(name, label, hint string) siteField {
	return siteField{Name: name, Label: label, Hint: hint, Value: f.Values[name], Error: f.Errors[name]}
}

// ErrorList is the form's errors, each with the control it is about, for the summary above
// the form.
func (f maintenanceForm) ErrorList() []fieldMessage {
	var out []fieldMessage
	for _, name := range maintenanceFields {
		if msg := f.Errors[name]; msg != "" {
			target := name
			if name == "site_ids" {
				target = "site_ids-label"
			}
			out = append(out, fieldMessage{Field: name, Target: target, Message: msg})
		}
	}
	return out
}

// newMaintenanceForm is the empty form: a one-off window on the sites ticked, times in UTC.
func newMaintenanceForm() maintenanceForm {
	return maintenanceForm{Values: map[string]string{"kind": windowOneOff, "all_sites": "false", "oneoff_timezone": "UTC",
		"timezone": "UTC"}, ticked: map[int64]bool{}, Errors: map[string]string{}}
}

// formOfMaintenance fills the edit form from a stored window. A one-off window's times are
// shown in UTC: the API keeps instants, not the zone they were typed in.
func formOfMaintenance(m monitor.Maintenance) maintenanceForm {
	f := newMaintenanceForm()
	f.Values["title"] = m.Title
	if m.AllSites {
		f.Values["all_sites"] = "true"
	}
	for _, id := range m.SiteIDs {
		f.ticked[id] = true
	}
	if m.Recurring() {
		f.Values["kind"], f.Values["cron"], f.Values["duration"] = windowRecurring, m.Cron, shortDuration(m.Duration)
		if m.Timezone != "" {
			f.Values["timezone"] = m.Timezone
		}
		return f
	}
	f.Values["start"], f.Values["end"] = localInput(m.Start), localInput(m.End)
	return f
}

// localInput is t in UTC as a datetime-local input shows it; seconds only when it has some.
func localInput(t time.Time) string {
	t = t.UTC()
	if t.Second() != 0 {
		return t.Format(localLayouts[1])
	}
	return t.Format(localLayouts[0])
}

// shortDuration writes a duration as it is typed: 2h, 1h30m, 45m rather than 2h0m0s.
func shortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// readMaintenanceForm reads a posted form back into the form (to show it again) and the patch
// it asks for. The patch gives the whole window the form shows: its title, what it covers
// (all sites, or the sites ticked, which may be none: the rules refuse that), and the fields
// of the kind chosen, which makes the window of that kind. A blank duration is left out, so
// that the rules say it is required (or an edit keeps it); a blank start or end is given as
// no time, which the rules say is required. Only text that is not a time where one is needed,
// and an unknown zone for a one-off window's times, are refused here, named by field.
func readMaintenanceForm(post url.Values) (maintenanceForm, monitor.MaintenancePatch) {
	f := newMaintenanceForm()
	for _, name := range []string{"title", "start", "end", "oneoff_timezone", "cron", "duration", "timezone"} {
		f.Values[name] = post.Get(name)
	}
	f.Values["all_sites"] = post.Get("all_sites")
	f.Values["kind"] = post.Get("kind")
	var p monitor.MaintenancePatch
	title := f.Values["title"]
	p.Title = &title

	ids := []int64{}
	for _, raw := range post["site_ids"] {
		id, err := strconv.ParseInt(raw, 10, 64)
		if err != nil {
			f.Errors["site_ids"] = "names a site that is not a number"
			continue
		}
		f.ticked[id] = true
		ids = append(ids, id)
	}
	switch f.Values["all_sites"] {
	case "true":
		all := true
		p.AllSites = &all
	case "false":
		p.SiteIDs = &ids
	}

	if f.Values["kind"] == windowRecurring {
		cron, zone := f.Values["cron"], strings.TrimSpace(f.Values["timezone"])
		p.Cron, p.Timezone = &cron, &zone
		if d := strings.TrimSpace(f.Values["duration"]); d != "" {
			p.Duration = &d
		}
		return f, p
	}
	f.Values["kind"] = windowOneOff
	loc, err := monitor.MaintenanceZone(strings.TrimSpace(f.Values["oneoff_timezone"]))
	if err != nil {
		msg := err.Error()
		if fe := (*monitor.FieldError)(nil); errors.As(err, &fe) {
			msg = fe.Message
		}
		f.Errors["oneoff_timezone"] = msg
		return f, p
	}
	start, end := f.instant("start", loc), f.instant("end", loc)
	p.Start, p.End = &start, &end
	return f, p
}

// instant reads a datetime-local field as a time on loc's clock; blank is no time.
func (f *maintenanceForm) instant(name string, loc *time.Location) time.Time {
	raw := strings.TrimSpace(f.Values[name])
	if raw == "" {
		return time.Time{}
	}
	for _, layout := range localLayouts {
		if t, err := time.ParseInLocation(layout, raw, loc); err == nil {
			return t
		}
	}
	f.Errors[name] = "must be a date and time, as 2026-12-05T22:00"
	return time.Time{}
}

// blame puts an error from the rules beside the field it is about; it reports false for an
// error that is not the user's (the store failing, say).
func (f *maintenanceForm) blame(err error) bool {
	var fe *monitor.FieldError
	if !errors.As(err, &fe) {
		return false
	}
	if !slices.Contains(maintenanceFields, fe.Field) {
		f.Errors[""] = fe.Field + " " + fe.Message
		return true
	}
	f.Errors[fe.Field] = fe.Message
	return true
}

// offer lists the owner's sites to tick, by name, ticked as the form says.
func (f *maintenanceForm) offer(sites []monitor.Site) {
	slices.SortFunc(sites, func(a, b monitor.Site) int {
		return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name))
	})
	f.Sites = f.Sites[:0]
	for _, s := range sites {
		f.Sites = append(f.Sites, siteChoice{ID: s.ID, Name: s.Name, Checked: f.ticked[s.ID]})
	}
}
