package web

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/store"
)

// pageForm is the add and edit form of a status page: the settings the API takes but the
// maintenance notes (which the form keeps as they are), as typed, and the errors about them.
// Its fields are named as the API's JSON fields are ("slug", "sections[0].site_ids"), so an
// error the rules (pageops, monitor) report lands beside its field. A section is one slot of
// the form; blank slots, left for sections to come, are no section.
type pageForm struct {
	Slug, Title, Description string
	Slots                    []sectionSlot
	// ShowURL are the owner's sites, ticked where the page shows the URL.
	ShowURL []siteChoice
	// Errors are by field name; "" holds an error about no one field.
	Errors map[string]string
}

type sectionSlot struct {
	Index, Number int // from 0, and from 1 for people
	Title         string
	// SitesField names the slot's checkboxes.
	SitesField string
	// Sites are the owner's sites, those ticked first in the order the section shows them.
	Sites []siteChoice
}

// Slot fields are named sections[i].title and sections[i].site_ids, i from 0; more than
// maxSlots of them is not a form a browser sent.
var slotField = regexp.MustCompile(`^sections\[(\d{1,4})\]\.(title|site_ids)$`)

const (
	// newSlots is how many section slots a new page's form has; an edited page's has this many
	// blank ones after its sections, at least. "Add section rows" adds as many again.
	newSlots = 3
	maxSlots = monitor.MaxPageSections + 3*newSlots
)

// Field is the form's text field of that name, for the form templates.
func (f pageForm) Field(name, label, hint string) siteField {
	v := map[string]string{"slug": f.Slug, "title": f.Title, "description": f.Description}[name]
	return siteField{Name: name, Label: label, Hint: hint, Value: v, Error: f.Errors[name]}
}

// E is the error about a field, if any.
func (f pageForm) E(name string) string { return f.Errors[name] }

// SlotField is a slot's title field.
func (f pageForm) SlotField(s sectionSlot) siteField {
	name := slotName(s.Index, "title")
	return siteField{Name: name, Label: "Section title", Hint: "Optional: shown above the section’s sites.", Value: s.Title, Error: f.Errors[name]}
}

func slotName(i int, what string) string { return fmt.Sprintf("sections[%d].%s", i, what) }

// formOfPage fills the edit form from a stored page, with blank slots after its sections.
func formOfPage(p monitor.StatusPage) (pageForm, postedPage) {
	f := pageForm{Slug: p.Slug, Title: p.Title, Description: p.Description, Errors: map[string]string{}}
	var posted postedPage
	for _, s := range p.Sections {
		posted.slots = append(posted.slots, postedSlot{title: s.Title, siteIDs: s.SiteIDs})
	}
	posted.showURL = p.ShowURLSiteIDs
	posted.grow(newSlots)
	return f, posted
}

// postedPage is what the form says of sections and shown URLs, before it is laid out against
// the owner's sites.
type postedPage struct {
	slots   []postedSlot
	showURL []int64
}

type postedSlot struct {
	title   string
	siteIDs []int64
}

// grow leaves blank slots after the last section: blank of them, and at least newSlots slots
// in all, maxSlots at most.
func (p *postedPage) grow(blank int) {
	used := 0
	for i, s := range p.slots {
		if !s.blank() {
			used = i + 1
		}
	}
	p.slots = p.slots[:used:used]
	p.more(max(blank, newSlots-used))
}

// more adds n blank slots at the end, up to maxSlots in all.
func (p *postedPage) more(n int) {
	n = max(min(n, maxSlots-len(p.slots)), 0)
	p.slots = append(p.slots, make([]postedSlot, n)...)
}

func (s postedSlot) blank() bool { return strings.TrimSpace(s.title) == "" && len(s.siteIDs) == 0 }

// readPageForm reads a posted form back into the form (to show it again) and what it says of
// sections. Only ids that are not numbers are refused here, named by field; everything else is
// for the rules to judge.
func readPageForm(post url.Values) (pageForm, postedPage) {
	f := pageForm{Slug: post.Get("slug"), Title: post.Get("title"), Description: post.Get("description"), Errors: map[string]string{}}
	ids := func(field string) []int64 {
		var out []int64
		for _, raw := range post[field] {
			id, err := strconv.ParseInt(raw, 10, 64)
			if err != nil {
				f.Errors[field] = "names a site that is not a number"
				continue
			}
			out = append(out, id)
		}
		return out
	}
	var posted postedPage
	for key := range post {
		m := slotField.FindStringSubmatch(key)
		if m == nil {
			continue
		}
		i, _ := strconv.Atoi(m[1])
		if i >= maxSlots {
			f.Errors["sections"] = fmt.Sprintf("may hold at most %d sections", monitor.MaxPageSections)
			continue
		}
		for len(posted.slots) <= i {
			posted.slots = append(posted.slots, postedSlot{})
		}
	}
	for i := range posted.slots {
		posted.slots[i] = postedSlot{title: post.Get(slotName(i, "title")), siteIDs: ids(slotName(i, "site_ids"))}
	}
	posted.showURL = ids("show_url_site_ids")
	return f, posted
}

// apply sets the page's settings the form holds; its maintenance notes stay. Texts are trimmed
// as the API trims them; the slug is taken as typed, as the API takes it. It returns the slot
// of each section, to put errors about a section beside its slot.
func (posted postedPage) apply(f pageForm, p *monitor.StatusPage) []int {
	p.Slug, p.Title, p.Description = f.Slug, strings.TrimSpace(f.Title), strings.TrimSpace(f.Description)
	p.Sections = nil
	var slotOf []int
	for i, s := range posted.slots {
		if s.blank() {
			continue
		}
		p.Sections = append(p.Sections, monitor.StatusSection{Title: strings.TrimSpace(s.title), SiteIDs: s.siteIDs})
		slotOf = append(slotOf, i)
	}
	p.ShowURLSiteIDs = posted.showURL
	if p.ShowURLSiteIDs == nil {
		p.ShowURLSiteIDs = []int64{}
	}
	return slotOf
}

// layOut gives every slot the owner's sites to tick, and the list of URLs to show.
func (f *pageForm) layOut(posted postedPage, sites []monitor.Site) {
	f.Slots = nil
	for i, s := range posted.slots {
		slot := sectionSlot{Index: i, Number: i + 1, Title: s.title, SitesField: slotName(i, "site_ids")}
		for _, id := range s.siteIDs {
			if at := slices.IndexFunc(sites, func(site monitor.Site) bool { return site.ID == id }); at >= 0 {
				slot.Sites = append(slot.Sites, siteChoice{ID: id, Name: sites[at].Name, Checked: true})
			}
		}
		for _, site := range sites {
			if !slices.Contains(s.siteIDs, site.ID) {
				slot.Sites = append(slot.Sites, siteChoice{ID: site.ID, Name: site.Name})
			}
		}
		f.Slots = append(f.Slots, slot)
	}
	f.ShowURL = nil
	for _, site := range sites {
		label := site.Name
		if site.URL != "" && site.URL != site.Name {
			label += " · " + site.URL
		}
		f.ShowURL = append(f.ShowURL, siteChoice{ID: site.ID, Name: label, Checked: slices.Contains(posted.showURL, site.ID)})
	}
}

// sectionIndex reads "sections[3].title" as 3 and "title".
var sectionIndex = regexp.MustCompile(`^sections\[(\d+)\]\.(.+)$`)

// blame puts an error from the rules beside the field it is about, a section's beside its
// slot; it reports false for an error that is not the user's (the store failing, say).
func (f *pageForm) blame(err error, slotOf []int) bool {
	if errors.Is(err, store.ErrSlugTaken) {
		f.Errors["slug"] = "is taken: another status page has this slug; choose another"
		return true
	}
	var fe *monitor.FieldError
	if !errors.As(err, &fe) {
		return false
	}
	field := fe.Field
	if m := sectionIndex.FindStringSubmatch(field); m != nil {
		if i, err := strconv.Atoi(m[1]); err == nil && i < len(slotOf) {
			field = slotName(slotOf[i], m[2])
		}
	}
	switch {
	case slices.Contains([]string{"slug", "title", "description", "sections", "show_url_site_ids"}, field), slotField.MatchString(field):
		f.Errors[field] = fe.Message
	default:
		// A field the form has no place for (a stored maintenance note): said at the top.
		f.Errors[""] = fe.Error()
	}
	return true
}

// ErrorList is the form's errors, each with the control it is about, in the form's order, for
// the summary at the top.
func (f pageForm) ErrorList() []fieldMessage {
	var out []fieldMessage
	add := func(name, target, label string) {
		if msg := f.Errors[name]; msg != "" {
			out = append(out, fieldMessage{Field: label, Target: target, Message: msg})
		}
	}
	add("slug", "slug", "Slug")
	add("title", "title", "Title")
	add("description", "description", "Description")
	add("sections", "sections-legend", "Sections")
	for _, s := range f.Slots {
		n := fmt.Sprintf("Section %d", s.Index+1)
		add(slotName(s.Index, "title"), slotName(s.Index, "title"), n+" title")
		add(slotName(s.Index, "site_ids"), slotName(s.Index, "site_ids")+"-label", n+" sites")
	}
	add("show_url_site_ids", "show_url_site_ids-label", "Show URLs")
	return out
}
