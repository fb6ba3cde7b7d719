package monitor

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// StatusPage is a public page that shows some of an owner's sites to the people who use them,
// at /status/{Slug}, without sign-in.
type StatusPage struct {
	ID          int64
	OwnerID     int64
	Slug        string
	Title       string
	Description string
	Sections    []StatusSection
	// ShowURLSiteIDs are the sites whose URL the page shows; every other site shows its name
	// only, since a URL can say more than its owner wants public.
	ShowURLSiteIDs []int64
	// Maintenance are notes shown at the top of the page while they are current.
	Maintenance []MaintenanceNote
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// StatusSection is a titled group of sites on a status page, shown in the order given.
type StatusSection struct {
	Title   string
	SiteIDs []int64
}

// MaintenanceNote is a message about planned work, shown from From until To.
type MaintenanceNote struct {
	Message  string
	From, To time.Time
}

// Shown says whether the page shows the note at now: until it ends, so that visitors hear of
// planned work before it begins.
func (n MaintenanceNote) Shown(now time.Time) bool { return now.Before(n.To) }

// Active says whether the work is under way at now.
func (n MaintenanceNote) Active(now time.Time) bool { return !now.Before(n.From) && now.Before(n.To) }

// Bounds of a status page.
const (
	MaxSlugLength            = 64
	maxPageTitleLength       = 200
	maxPageDescriptionLength = 2000
	MaxPageSections          = 50
	MaxPageSites             = 500
	maxMaintenanceNotes      = 20
	maxMaintenanceNoteLength = 1000
	maxSectionTitleLength    = 200
)

// ValidSlug says whether s may name a status page: 1 to 64 characters of a-z, 0-9 and '-'.
func ValidSlug(s string) bool {
	if s == "" || len(s) > MaxSlugLength {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}

// Validate reports the first field of the page that is wrong, as a *FieldError. Whether its
// sites are the owner's is for the caller to check, against the store.
func (p StatusPage) Validate() error {
	if !ValidSlug(p.Slug) {
		return fieldErr("slug", "must be 1 to %d characters of a-z, 0-9 and -", MaxSlugLength)
	}
	if err := checkText("title", p.Title, maxPageTitleLength, true); err != nil {
		return err
	}
	if err := checkText("description", p.Description, maxPageDescriptionLength, false); err != nil {
		return err
	}
	if len(p.Sections) == 0 {
		return fieldErr("sections", "must hold at least one section")
	}
	if len(p.Sections) > MaxPageSections {
		return fieldErr("sections", "may hold at most %d sections", MaxPageSections)
	}
	total := 0
	for i, s := range p.Sections {
		field := fmt.Sprintf("sections[%d]", i)
		if err := checkText(field+".title", s.Title, maxSectionTitleLength, false); err != nil {
			return err
		}
		seen := map[int64]bool{}
		for _, id := range s.SiteIDs {
			if id <= 0 {
				return fieldErr(field+".site_ids", "%d is not a site id", id)
			}
			if seen[id] {
				return fieldErr(field+".site_ids", "lists site %d twice", id)
			}
			seen[id] = true
		}
		total += len(s.SiteIDs)
	}
	if total > MaxPageSites {
		return fieldErr("sections", "may show at most %d sites in all", MaxPageSites)
	}
	shown := p.SiteIDs()
	for _, id := range p.ShowURLSiteIDs {
		if !containsID(shown, id) {
			return fieldErr("show_url_site_ids", "site %d is not on the page", id)
		}
	}
	if len(p.Maintenance) > maxMaintenanceNotes {
		return fieldErr("maintenance", "may hold at most %d notes", maxMaintenanceNotes)
	}
	for i, n := range p.Maintenance {
		field := fmt.Sprintf("maintenance[%d]", i)
		if err := checkText(field+".message", n.Message, maxMaintenanceNoteLength, true); err != nil {
			return err
		}
		if n.From.IsZero() {
			return fieldErr(field+".from", "is required")
		}
		if !n.To.After(n.From) {
			return fieldErr(field+".to", "must be after from")
		}
	}
	return nil
}

// SiteIDs are the page's sites, each once, in the order the page shows them.
func (p StatusPage) SiteIDs() []int64 {
	var out []int64
	for _, s := range p.Sections {
		for _, id := range s.SiteIDs {
			if !containsID(out, id) {
				out = append(out, id)
			}
		}
	}
	return out
}

// ShowsURL says whether the page shows the site's URL.
func (p StatusPage) ShowsURL(siteID int64) bool { return containsID(p.ShowURLSiteIDs, siteID) }

func containsID(ids []int64, id int64) bool {
	for _, v := range ids {
		if v == id {
			return true
		}
	}
	return false
}

func checkText(field, s string, maxLen int, required bool) error {
	switch {
	case required && strings.TrimSpace(s) == "":
		return fieldErr(field, "is required")
	case !utf8.ValidString(s):
		return fieldErr(field, "must be valid UTF-8")
	case utf8.RuneCountInString(s) > maxLen:
		return fieldErr(field, "may be at most %d characters", maxLen)
	}
	return nil
}

// PageState is a status page's overall banner.
type PageState string

const (
	PageOperational   PageState = "operational"
	PagePartialOutage PageState = "partial_outage"
	PageMajorOutage   PageState = "major_outage"
)

// PageStateOf is the banner of a page whose sites have these statuses: a major outage when
// every site shown is down, a partial outage when some are, otherwise all operational.
// Paused sites are not watched and count for neither.
func PageStateOf(sites []Site) PageState {
	watched, down := 0, 0
	for _, s := range sites {
		if s.Paused {
			continue
		}
		watched++
		if s.Status == StatusDown {
			down++
		}
	}
	switch {
	case down > 0 && down == watched:
		return PageMajorOutage
	case down > 0:
		return PagePartialOutage
	}
	return PageOperational
}

// DayLevel grades a day's bar on a status page.
type DayLevel string

const (
	DayNoData DayLevel = "no_data" // nobody watched: grey, never green
	DayUp     DayLevel = "up"      // no downtime at all
	DayMinor  DayLevel = "minor"   // down, but up at least 99 % of the watched time
	DayMajor  DayLevel = "major"   // down more than 1 % of the watched time
)

// DayLevelOf grades an uptime fraction; nil (no monitored time) is no data.
func DayLevelOf(uptime *float64) DayLevel {
	switch {
	case uptime == nil:
		return DayNoData
	case *uptime >= 1:
		return DayUp
	case *uptime >= 0.99:
		return DayMinor
	}
	return DayMajor
}
