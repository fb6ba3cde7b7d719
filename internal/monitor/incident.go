package monitor

import (
	"slices"
	"time"
)

// Incident is one down period of a site: a down event opens it, the next status event that
// leaves down (a recovery) closes it. Pauses and gaps in monitoring inside it do not split it:
// its duration is wall-clock time from the first failure to the first success.
type Incident struct {
	SiteID    int64
	StartedAt time.Time  // the down event's time: the first failed check of the run that made the site down
	EndedAt   *time.Time // the recovery's time; nil while the incident is ongoing
	// Error and StatusCode are what the first failing check said. Derived from events, Error
	// is the down event's reason and StatusCode is 0; AttachChecks fills both from the checks.
	Error      string
	StatusCode int
	// FailedChecks is how many checks failed during the incident (AttachChecks, or the store
	// counting as it records them, fills it in).
	FailedChecks int
}

// Ongoing says whether the site is still down.
func (i Incident) Ongoing() bool { return i.EndedAt == nil }

// Duration is how long the site was down, or has been down until now while ongoing.
func (i Incident) Duration(now time.Time) time.Duration {
	end := now
	if i.EndedAt != nil {
		end = *i.EndedAt
	}
	return max(end.Sub(i.StartedAt), 0)
}

// covers says whether a check at t belongs to the incident.
func (i Incident) covers(t time.Time) bool {
	return !t.Before(i.StartedAt) && (i.EndedAt == nil || t.Before(*i.EndedAt))
}

// Incidents derives a site's incidents from its status events (other kinds are ignored), oldest
// first. events may come in any order; to see an incident under way at the start of a range,
// include the status event before the range (the down event that opened it). A recovery whose
// down event is not among the events opens nothing and closes nothing.
func Incidents(events []Event) []Incident {
	return incidentsFrom(sortedEvents(events))
}

func incidentsFrom(sorted []Event) []Incident {
	var out []Incident
	open := false
	for _, ev := range sorted {
		if !isStatusEvent(ev) {
			continue
		}
		switch {
		case ev.To == StatusState(StatusDown) && !open:
			out = append(out, Incident{SiteID: ev.SiteID, StartedAt: ev.At, Error: ev.Reason})
			open = true
		case ev.To != StatusState(StatusDown) && open:
			at := ev.At
			out[len(out)-1].EndedAt = &at
			open = false
		}
	}
	return out
}

// AttachChecks fills in each incident's first failing check (its error and status code) and
// how many checks failed during it. incidents are oldest first and do not overlap, as Incidents
// returns them; checks may come in any order, and those outside every incident are ignored.
// It is how incidents are rebuilt from past data.
func AttachChecks(incidents []Incident, checks []Check) {
	sorted := slices.Clone(checks)
	slices.SortStableFunc(sorted, func(a, b Check) int { return a.CheckedAt.Compare(b.CheckedAt) })
	for i := range incidents {
		incidents[i].FailedChecks = 0
	}
	next := 0
	for _, c := range sorted {
		for next < len(incidents) && incidents[next].EndedAt != nil && !c.CheckedAt.Before(*incidents[next].EndedAt) {
			next++
		}
		if next == len(incidents) {
			return
		}
		inc := &incidents[next]
		if c.Status != StatusDown || !inc.covers(c.CheckedAt) {
			continue
		}
		if inc.FailedChecks == 0 {
			inc.Error, inc.StatusCode = c.Error, c.StatusCode
		}
		inc.FailedChecks++
	}
}
