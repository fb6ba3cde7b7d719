package monitor

import (
	"slices"
	"time"
)

// History is what a site's uptime figures are computed from: what each stretch of its time
// counts as, and its incidents.
type History struct {
	Timeline  Timeline
	Incidents []Incident
}

// NewHistory derives a site's history from its events (status and monitoring; others are
// ignored) and the periods to leave out besides pauses and gaps, such as maintenance windows.
//
// To know what was in force when the range of interest begins, events should hold the last
// status event and the last monitoring event of each reason (paused, gap, maintenance) before
// it as well as every event inside it: reasons overlap, and the time is left out while any
// holds. Events may come in any order (ties keep their order). Before the first status event,
// the status is that event's From: pending (excluded) for a site's first check. An open pause,
// gap or window lasts for ever; one that ends without having begun among the events began
// before all of them.
func NewHistory(events []Event, excluded []Period) History {
	sorted := sortedEvents(events)
	periods := append(monitoringPeriods(sorted), excluded...)
	return History{
		Timeline:  statusTimeline(sorted).Exclude(periods),
		Incidents: incidentsFrom(sorted),
	}
}

func sortedEvents(events []Event) []Event {
	sorted := slices.Clone(events)
	slices.SortStableFunc(sorted, func(a, b Event) int { return a.At.Compare(b.At) })
	return sorted
}

func isStatusEvent(ev Event) bool { return ev.Kind == "" || ev.Kind == EventStatus }

// statusTimeline is the coverage the status events alone say, before pauses and gaps.
func statusTimeline(sorted []Event) Timeline {
	var tl Timeline
	first := true
	for _, ev := range sorted {
		if !isStatusEvent(ev) {
			continue
		}
		if first {
			tl.Initial, first = coverageOf(Status(ev.From)), false
		}
		tl.Transitions = append(tl.Transitions, Transition{At: ev.At, State: coverageOf(Status(ev.To))})
	}
	return tl
}

// monitoringPeriods are the pauses, gaps and maintenance the monitoring events record, each
// reason on its own: they may overlap, and Exclude takes their union.
func monitoringPeriods(sorted []Event) []Period {
	var out []Period
	since := map[string]time.Time{}
	for _, ev := range sorted {
		from, to := string(ev.From), string(ev.To)
		if ev.Kind != EventMonitoring || from == to {
			continue
		}
		if Unwatched(from) {
			out = append(out, Period{From: since[from], To: ev.At}) // zero time: began before all
			delete(since, from)
		}
		if _, open := since[to]; !open && Unwatched(to) {
			since[to] = ev.At
		}
	}
	for _, at := range since {
		out = append(out, Period{From: at, To: endOfTime()})
	}
	return out
}

// endOfTime stands for "not ended yet" where a period needs an end.
func endOfTime() time.Time { return time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC) }
