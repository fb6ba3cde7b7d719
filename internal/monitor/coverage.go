package monitor

import (
	"slices"
	"sort"
	"time"
)

// Coverage is what a stretch of a site's time counts as in its uptime.
type Coverage uint8

const (
	// CoverageExcluded is time nobody was watching: before the first check, while pending or
	// paused, during a gap in monitoring (Tocsin was not running) and inside maintenance. It is
	// neither up nor down: uptime leaves it out instead of counting it as up.
	CoverageExcluded Coverage = iota
	CoverageUp
	CoverageDown
)

func (c Coverage) String() string {
	switch c {
	case CoverageUp:
		return "up"
	case CoverageDown:
		return "down"
	}
	return "excluded"
}

// coverageOf maps a status to what its time counts as; pending is not monitored time yet.
func coverageOf(s Status) Coverage {
	switch s {
	case StatusUp:
		return CoverageUp
	case StatusDown:
		return CoverageDown
	}
	return CoverageExcluded
}

// Transition says that from At on, until the next transition, a site's time counts as State.
type Transition struct {
	At    time.Time
	State Coverage
}

// Timeline is a site's coverage over time: Initial before the first transition, then each
// transition's state in turn. Transitions are in time order; of several at one instant the last
// wins.
type Timeline struct {
	Initial     Coverage
	Transitions []Transition
}

// Period is the half-open time range [From, To).
type Period struct {
	From, To time.Time
}

// Duration is how long the period lasts; 0 for an empty or reversed one.
func (p Period) Duration() time.Duration { return max(p.To.Sub(p.From), 0) }

// At is the coverage in force at t.
func (tl Timeline) At(t time.Time) Coverage {
	i := tl.firstAfter(t)
	if i == 0 {
		return tl.Initial
	}
	return tl.Transitions[i-1].State
}

// firstAfter is the index of the first transition strictly after t.
func (tl Timeline) firstAfter(t time.Time) int {
	return sort.Search(len(tl.Transitions), func(i int) bool { return tl.Transitions[i].At.After(t) })
}

// walk calls visit for each maximal stretch of one coverage inside [from, to), in time order.
func (tl Timeline) walk(from, to time.Time, visit func(p Period, c Coverage)) {
	if !from.Before(to) {
		return
	}
	i := tl.firstAfter(from)
	state, cursor := tl.At(from), from
	for ; i < len(tl.Transitions) && tl.Transitions[i].At.Before(to); i++ {
		next := tl.Transitions[i]
		if next.At.After(cursor) && next.State != state {
			visit(Period{cursor, next.At}, state)
			cursor = next.At
		}
		state = next.State
	}
	visit(Period{cursor, to}, state)
}

// Exclude overlays periods on the timeline: inside any of them the time is excluded, whatever
// the status was (pauses, gaps in monitoring, maintenance windows). Outside them the timeline
// is unchanged. The periods may overlap and come in any order.
func (tl Timeline) Exclude(periods []Period) Timeline {
	merged := mergePeriods(periods)
	if len(merged) == 0 {
		return tl
	}
	cuts := make([]time.Time, 0, len(tl.Transitions)+2*len(merged))
	for _, tr := range tl.Transitions {
		cuts = append(cuts, tr.At)
	}
	for _, p := range merged {
		cuts = append(cuts, p.From, p.To)
	}
	slices.SortFunc(cuts, time.Time.Compare)
	cuts = slices.CompactFunc(cuts, time.Time.Equal)

	out := Timeline{Initial: tl.Initial}
	last := tl.Initial
	for _, at := range cuts {
		state := tl.At(at)
		if covers(merged, at) {
			state = CoverageExcluded
		}
		if state != last {
			out.Transitions = append(out.Transitions, Transition{At: at, State: state})
			last = state
		}
	}
	return out
}

// mergePeriods sorts the non-empty periods and joins those that overlap or touch.
func mergePeriods(periods []Period) []Period {
	var out []Period
	for _, p := range periods {
		if p.From.Before(p.To) {
			out = append(out, p)
		}
	}
	slices.SortFunc(out, func(a, b Period) int { return a.From.Compare(b.From) })
	merged := out[:0]
	for _, p := range out {
		if n := len(merged); n > 0 && !p.From.After(merged[n-1].To) {
			if p.To.After(merged[n-1].To) {
				merged[n-1].To = p.To
			}
			continue
		}
		merged = append(merged, p)
	}
	return merged
}

// covers says whether t lies inside one of the sorted, disjoint periods.
func covers(sorted []Period, t time.Time) bool {
	i := sort.Search(len(sorted), func(i int) bool { return sorted[i].From.After(t) })
	return i > 0 && t.Before(sorted[i-1].To)
}
