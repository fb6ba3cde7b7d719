package statuspage

import (
	"time"

	"github.com/tocsin/tocsin/internal/monitor"
	"github.com/tocsin/tocsin/internal/web/badge"
)

// The public data of a status page, as /status/{slug}.json gives it and the HTML page prints
// it. Only what the owner chose to show: names, states, times and durations; URLs only of the
// sites the owner opted in; never error text or ids.

// Days is how many day bars a site shows; IncidentDays how far back incidents are listed.
const (
	Days         = 90
	IncidentDays = 14
)

type View struct {
	Title       string            `json:"title"`
	Description string            `json:"description,omitempty"`
	State       monitor.PageState `json:"state"`
	StateText   string            `json:"state_text"`
	Maintenance []NoteView        `json:"maintenance"`
	Sections    []SectionView     `json:"sections"`
	Incidents   []IncidentView    `json:"incidents"`
	// GeneratedAt is when these figures were computed; a cached answer can be up to the
	// cache's lifetime older than the request.
	GeneratedAt time.Time `json:"generated_at"`
}

type NoteView struct {
	Message string    `json:"message"`
	From    time.Time `json:"from"`
	To      time.Time `json:"to"`
	Active  bool      `json:"active"`
}

type SectionView struct {
	Title string     `json:"title"`
	Sites []SiteView `json:"sites"`
}

type SiteView struct {
	Name string `json:"name"`
	URL  string `json:"url,omitempty"`
	// Status is up, down, pending (not checked yet) or paused.
	Status     string `json:"status"`
	StatusText string `json:"status_text"`
	// Uptime90d is the fraction of the watched time of the last 90 days the site was up; nil
	// when it was not watched at all.
	Uptime90d     *float64  `json:"uptime_90d"`
	Uptime90dText string    `json:"uptime_90d_text"`
	Days          []DayView `json:"days"`
}

type DayView struct {
	Date            string           `json:"date"` // UTC, 2006-01-02
	Level           monitor.DayLevel `json:"level"`
	Uptime          *float64         `json:"uptime"`
	UptimeText      string           `json:"uptime_text"`
	DowntimeSeconds int64            `json:"downtime_seconds"`
	DowntimeText    string           `json:"downtime_text"`
}

type IncidentView struct {
	Site            string     `json:"site"`
	StartedAt       time.Time  `json:"started_at"`
	EndedAt         *time.Time `json:"ended_at"`
	Ongoing         bool       `json:"ongoing"`
	DurationSeconds int64      `json:"duration_seconds"`
	DurationText    string     `json:"duration_text"`
}

func stateText(s monitor.PageState) string {
	switch s {
	case monitor.PageMajorOutage:
		return "Major outage"
	case monitor.PagePartialOutage:
		return "Partial outage"
	}
	return "All systems operational"
}

func siteStatus(s monitor.Site) (string, string) {
	switch {
	case s.Paused:
		return "paused", "Paused"
	case s.Status == monitor.StatusUp:
		return "up", "Operational"
	case s.Status == monitor.StatusDown:
		return "down", "Down"
	}
	return "pending", "Not checked yet"
}

// build assembles the view of page from its sites (the owner's, any order) and their uptime.
func build(page monitor.StatusPage, sites []monitor.Site, uptime map[int64]SiteUptime, now time.Time) View {
	byID := make(map[int64]monitor.Site, len(sites))
	for _, s := range sites {
		byID[s.ID] = s
	}
	v := View{Title: page.Title, Description: page.Description, GeneratedAt: now.UTC().Truncate(time.Second),
		Maintenance: []NoteView{}, Sections: []SectionView{}, Incidents: []IncidentView{}}
	for _, n := range page.Maintenance {
		if n.Shown(now) {
			v.Maintenance = append(v.Maintenance, NoteView{Message: n.Message, From: n.From, To: n.To, Active: n.Active(now)})
		}
	}
	var shown []monitor.Site
	for _, sec := range page.Sections {
		sv := SectionView{Title: sec.Title, Sites: []SiteView{}}
		for _, id := range sec.SiteIDs {
			site, ok := byID[id]
			if !ok {
				continue // deleted since, or no longer the owner's
			}
			sv.Sites = append(sv.Sites, siteView(page, site, uptime[id]))
		}
		v.Sections = append(v.Sections, sv)
	}
	for _, id := range page.SiteIDs() {
		site, ok := byID[id]
		if !ok {
			continue
		}
		shown = append(shown, site)
		for _, inc := range uptime[id].Incidents {
			d := inc.Duration(now)
			v.Incidents = append(v.Incidents, IncidentView{Site: site.Name, StartedAt: inc.StartedAt, EndedAt: inc.EndedAt,
				Ongoing: inc.Ongoing(), DurationSeconds: int64(d / time.Second), DurationText: humanDuration(d)})
		}
	}
	sortIncidents(v.Incidents)
	v.State = monitor.PageStateOf(shown)
	v.StateText = stateText(v.State)
	return v
}

func siteView(page monitor.StatusPage, site monitor.Site, u SiteUptime) SiteView {
	sv := SiteView{Name: site.Name, Days: make([]DayView, 0, len(u.Days))}
	sv.Status, sv.StatusText = siteStatus(site)
	if page.ShowsURL(site.ID) {
		sv.URL = site.URL
	}
	var days []monitor.UptimeFigures
	for _, d := range u.Days {
		days = append(days, d.UptimeFigures)
		sv.Days = append(sv.Days, DayView{Date: d.Day.Format(time.DateOnly), Level: monitor.DayLevelOf(d.Uptime),
			Uptime: d.Uptime, UptimeText: badge.FormatUptime(d.Uptime),
			DowntimeSeconds: int64(d.Down / time.Second), DowntimeText: humanDuration(d.Down)})
	}
	sv.Uptime90d = monitor.SumFigures(days...).Uptime
	sv.Uptime90dText = badge.FormatUptime(sv.Uptime90d)
	return sv
}
