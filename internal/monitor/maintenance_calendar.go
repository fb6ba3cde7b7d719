package monitor

import (
	"slices"
	"time"
)

// MaintenanceCalendar answers which of an owner's sites are in maintenance, and since or until
// when, from the owner's windows. Build it once for a batch of questions: it parses the windows.
type MaintenanceCalendar struct {
	windows []scheduledWindow
	span    Period
}

type scheduledWindow struct {
	Maintenance
	schedule MaintenanceSchedule
	sites    map[int64]bool // SiteIDs, as a set
	// spanned says periods hold what the window covers of span (see Span).
	spanned bool
	periods []Period
}

// covers says whether the window applies to the site.
func (w *scheduledWindow) covers(site Site) bool {
	return w.OwnerID == site.OwnerID && (w.AllSites || w.sites[site.ID])
}

// openAt says whether the window is open at t.
func (w *scheduledWindow) openAt(t time.Time, span Period) bool {
	if w.spanned && span.contains(t) {
		for _, p := range w.periods {
			if p.contains(t) {
				return true
			}
		}
		return false
	}
	open, _ := w.schedule.ActiveAt(t)
	return open
}

// NewMaintenanceCalendar prepares the windows; one that no longer validates (a time zone the
// system lost, say) is left out rather than stopping every other.
func NewMaintenanceCalendar(windows []Maintenance) MaintenanceCalendar {
	var c MaintenanceCalendar
	for _, m := range windows {
		if s, err := m.Schedule(); err == nil {
			w := scheduledWindow{Maintenance: m, schedule: s, sites: make(map[int64]bool, len(m.SiteIDs))}
			for _, id := range m.SiteIDs {
				w.sites[id] = true
			}
			c.windows = append(c.windows, w)
		}
	}
	return c
}

// Empty says the calendar holds no window.
func (c MaintenanceCalendar) Empty() bool { return len(c.windows) == 0 }

// Span prepares the calendar to answer Covers for many times within [from, to) at little
// cost: each window's openings there are worked out once (a batch of checks asks for each
// check's time).
func (c MaintenanceCalendar) Span(from, to time.Time) MaintenanceCalendar {
	out := MaintenanceCalendar{windows: make([]scheduledWindow, len(c.windows)), span: Period{From: from, To: to}}
	for i, w := range c.windows {
		w.spanned, w.periods = true, w.schedule.Intervals(from, to)
		out.windows[i] = w
	}
	return out
}

// Covers reports whether a window of the site's owner covers the site at t.
func (c MaintenanceCalendar) Covers(site Site, at time.Time) bool {
	for i := range c.windows {
		if w := &c.windows[i]; w.covers(site) && w.openAt(at, c.span) {
			return true
		}
	}
	return false
}

// Titles lists the titles of the windows covering the site at t, for event reasons.
func (c MaintenanceCalendar) Titles(site Site, at time.Time) []string {
	var out []string
	for i := range c.windows {
		if w := &c.windows[i]; w.covers(site) && w.openAt(at, c.span) {
			out = append(out, w.Title)
		}
	}
	return out
}

// maintenanceLookback bounds how far back OpenedAt and ClosedAt look for the edge of a window.
const maintenanceLookback = MaxMaintenanceDuration + 24*time.Hour

// OpenedAt is when the site's current maintenance began, for a site covered at now: the start
// of the stretch its windows cover without a break, but no earlier than the oldest save of a
// window covering it now (a window saved with a start in the past does not rewrite history).
func (c MaintenanceCalendar) OpenedAt(site Site, now time.Time) time.Time {
	stretch, ok := c.stretchAt(site, now)
	if !ok {
		return now
	}
	saved := time.Time{}
	for i := range c.windows {
		if w := &c.windows[i]; w.covers(site) && w.openAt(now, c.span) && (saved.IsZero() || w.UpdatedAt.Before(saved)) {
			saved = w.UpdatedAt
		}
	}
	return later(stretch.From, saved)
}

// ClosedAt is when the site's last maintenance ended, for a site no longer covered at now: the
// end of the last stretch its windows covered before now, or now when no window covered it
// lately (the window was deleted or changed).
func (c MaintenanceCalendar) ClosedAt(site Site, now time.Time) time.Time {
	periods := c.periods(site, now.Add(-maintenanceLookback), now)
	if len(periods) == 0 {
		return now
	}
	return periods[len(periods)-1].To
}

// stretchAt is the merged stretch of the site's windows that holds t.
func (c MaintenanceCalendar) stretchAt(site Site, t time.Time) (Period, bool) {
	for _, p := range c.periods(site, t.Add(-maintenanceLookback), t.Add(time.Nanosecond)) {
		if !t.Before(p.From) && t.Before(p.To.Add(time.Nanosecond)) {
			return p, true
		}
	}
	return Period{}, false
}

// periods are the stretches of [from, to) the site's windows cover, merged where they overlap
// or touch.
func (c MaintenanceCalendar) periods(site Site, from, to time.Time) []Period {
	var all []Period
	for i := range c.windows {
		if w := &c.windows[i]; w.covers(site) {
			all = append(all, w.schedule.Intervals(from, to)...)
		}
	}
	slices.SortFunc(all, func(a, b Period) int { return a.From.Compare(b.From) })
	var out []Period
	for _, p := range all {
		if n := len(out); n > 0 && !p.From.After(out[n-1].To) {
			out[n-1].To = later(out[n-1].To, p.To)
			continue
		}
		out = append(out, p)
	}
	return out
}
